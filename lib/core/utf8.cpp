// SPDX-License-Identifier: MIT
#include "core/utf8.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace bmon {

char* encodeUtf8(QStringView text, char* out)
{
    const char16_t* p = text.utf16();
    const char16_t* end = p + text.size();
    for (;;) {
#if defined(__SSE2__)
        const __m128i high = _mm_set1_epi16(short(0xff80));
        while (end - p >= 16) {
            const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
            const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 8));
            const __m128i nonAscii = _mm_and_si128(_mm_or_si128(a, b), high);
            if (_mm_movemask_epi8(_mm_cmpeq_epi16(nonAscii, _mm_setzero_si128())) != 0xffff)
                break; // something non-ASCII among these 16: go unit by unit for a while
            _mm_storeu_si128(reinterpret_cast<__m128i*>(out), _mm_packus_epi16(a, b));
            p += 16;
            out += 16;
        }
#endif
        if (p >= end)
            return out;
        // One unit at a time until an ASCII run makes the fast loop worth it again.
        do {
            char32_t c = *p++;
            if (c < 0x80) {
                *out++ = char(c);
            } else if (c < 0x800) {
                *out++ = char(0xc0 | (c >> 6));
                *out++ = char(0x80 | (c & 0x3f));
            } else if (c >= 0xd800 && c < 0xdc00 && p < end && *p >= 0xdc00 && *p < 0xe000) {
                c = 0x10000 + ((c - 0xd800) << 10) + (*p++ - 0xdc00);
                *out++ = char(0xf0 | (c >> 18));
                *out++ = char(0x80 | ((c >> 12) & 0x3f));
                *out++ = char(0x80 | ((c >> 6) & 0x3f));
                *out++ = char(0x80 | (c & 0x3f));
            } else {
                if (c >= 0xd800 && c < 0xe000)
                    c = 0xfffd; // a lone surrogate
                *out++ = char(0xe0 | (c >> 12));
                *out++ = char(0x80 | ((c >> 6) & 0x3f));
                *out++ = char(0x80 | (c & 0x3f));
            }
        } while (p < end && !(end - p >= 16 && (p[0] | p[1] | p[2] | p[3]) < 0x80));
    }
}

} // namespace bmon
