// SPDX-License-Identifier: MIT
#include "core/ingest.h"

#include "core/classifier.h"
#include "core/clock.h"
#include "core/eventstore.h"

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace bmon {

namespace {

// UTF-16 to UTF-8 into a buffer of at least 3 × size bytes. Baserow frames are ASCII (Python's
// json.dumps escapes everything else), so ASCII runs go 16 units at a time; QStringEncoder's
// buffer interface took three times as long on them. Lone surrogates become U+FFFD.
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

} // namespace

Ingest::Ingest(EventStore& store, const Clock* clock)
    : m_store(store), m_clock(clock ? clock : Clock::system())
{
    m_rowIds.reserve(256);
}

EventRecord Ingest::stamp(Direction direction, qint64 receivedUs)
{
    EventRecord rec;
    rec.receivedUs = receivedUs >= 0 ? receivedUs : m_clock->nowUs();
    rec.seq = ++m_seq;
    rec.generation = m_generation;
    rec.setDirection(direction);
    return rec;
}

quint64 Ingest::finish(EventRecord& rec, qsizetype used)
{
    if (rec.isError())
        ++m_errors;
    const bool withRows = !rec.isError() && rec.rowCount > 0;
    return m_store.commit(
        rec, used, withRows ? m_rowIds.data() : nullptr, withRows ? quint32(m_rowIds.size()) : 0);
}

quint64 Ingest::ingestText(QStringView text, Direction direction)
{
    // UTF-8 takes at most 3 bytes per UTF-16 unit; only frames that might pass the limit are measured.
    if (text.size() * 3 > m_limit)
        return ingestUtf8(text.toUtf8(), direction);
    EventRecord rec = stamp(direction, -1);
    char* dst = m_store.reservePayload(text.size() * 3 + ClassifyPadding);
    const qsizetype used = encodeUtf8(text, dst) - dst;
    classifyFrame(dst, used, direction, rec, m_rowIds, EventStore::MaxRowIdsPerEvent, true);
    return finish(rec, used);
}

quint64 Ingest::ingestUtf8(QByteArrayView utf8, Direction direction, qint64 receivedUs)
{
    EventRecord rec = stamp(direction, receivedUs);
    if (utf8.size() > m_limit) {
        const qsizetype keep = TooLargePrefix;
        char* dst = m_store.reservePayload(keep);
        std::memcpy(dst, utf8.data(), size_t(keep));
        classifyBinaryFrame(rec);
        rec.setStatus(ParseStatus::TooLarge);
        rec.flags |= RecordFlag::PayloadTruncated;
        rec.rowRef = quint32(qMin<qsizetype>(utf8.size(), 0xffffffff));
        m_rowIds.clear();
        return finish(rec, keep);
    }
    char* dst = m_store.reservePayload(utf8.size() + ClassifyPadding);
    if (!utf8.isEmpty())
        std::memcpy(dst, utf8.data(), size_t(utf8.size()));
    classifyFrame(dst, utf8.size(), direction, rec, m_rowIds, EventStore::MaxRowIdsPerEvent, true);
    return finish(rec, utf8.size());
}

quint64 Ingest::ingestBinary(QByteArrayView data, Direction direction, qint64 receivedUs)
{
    EventRecord rec = stamp(direction, receivedUs);
    const qsizetype keep = qMin<qsizetype>(data.size(), m_limit > TooLargePrefix ? m_limit : TooLargePrefix);
    char* dst = m_store.reservePayload(keep);
    if (keep > 0)
        std::memcpy(dst, data.data(), size_t(keep));
    classifyBinaryFrame(rec);
    if (keep < data.size())
        rec.flags |= RecordFlag::PayloadTruncated;
    m_rowIds.clear();
    return finish(rec, keep);
}

} // namespace bmon
