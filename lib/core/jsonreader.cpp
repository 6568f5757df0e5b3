// SPDX-License-Identifier: MIT
#include "core/jsonreader.h"

#include <algorithm>
#include <cstring>

namespace bmon {

bool JsonReader::fail(JsonError e, const char* at)
{
    if (m_error == JsonError::None) {
        m_error = e;
        m_errorOffset = at - m_begin;
    }
    m_p = m_end; // every further call fails fast
    return false;
}

// Continues a string scan at \a p (inside the string body) up to and past the closing quote,
// validating escapes and rejecting raw control characters.
bool JsonReader::scanStringSlow(const char* p)
{
    for (;;) {
#if defined(__SSE2__)
        const __m128i quote = _mm_set1_epi8('"');
        const __m128i backslash = _mm_set1_epi8('\\');
        const __m128i ctl = _mm_set1_epi8(0x1f);
        while (m_end - p >= 16) {
            const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
            const __m128i hit
                = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                    _mm_cmpeq_epi8(_mm_max_epu8(v, ctl), ctl)); // v <= 0x1f
            const int mask = _mm_movemask_epi8(hit);
            if (mask) {
                p += __builtin_ctz(unsigned(mask));
                break;
            }
            p += 16;
        }
#endif
        while (p < m_end) {
            const auto c = static_cast<unsigned char>(*p);
            if (c == '"' || c == '\\' || c < 0x20)
                break;
            ++p;
        }
        if (p >= m_end)
            return fail(JsonError::UnexpectedEnd, p);
        const char c = *p;
        if (c == '"') {
            m_stringEnd = p;
            m_p = p + 1;
            return true;
        }
        if (c != '\\')
            return fail(JsonError::ControlCharacter, p);
        m_escapes = true;
        if (m_end - p < 2)
            return fail(JsonError::UnexpectedEnd, m_end);
        switch (p[1]) {
        case '"':
        case '\\':
        case '/':
        case 'b':
        case 'f':
        case 'n':
        case 'r':
        case 't':
            p += 2;
            break;
        case 'u':
            if (m_end - p < 6)
                return fail(JsonError::UnexpectedEnd, m_end);
            for (int i = 2; i < 6; ++i)
                if (jsonHexValue(p[i]) < 0)
                    return fail(JsonError::InvalidEscape, p);
            p += 6;
            break;
        default:
            return fail(JsonError::InvalidEscape, p);
        }
    }
}

bool JsonReader::skipOther()
{
    switch (peek()) {
    case Token::True:
        return scanLiteral("true", 4);
    case Token::False:
        return scanLiteral("false", 5);
    case Token::Null:
        return scanLiteral("null", 4);
    case Token::End:
        return fail(JsonError::UnexpectedEnd, m_p);
    default:
        return fail(JsonError::UnexpectedCharacter, m_p);
    }
}

bool JsonReader::scanNumber()
{
    const char* p = m_p;
    if (p < m_end && *p == '-')
        ++p;
    if (p >= m_end)
        return fail(JsonError::UnexpectedEnd, p);
    if (*p == '0') {
        ++p;
    } else if (isDigit(*p)) {
        while (p < m_end && isDigit(*p))
            ++p;
    } else {
        return fail(JsonError::InvalidNumber, p);
    }
    if (p < m_end && *p == '.') {
        ++p;
        if (p >= m_end)
            return fail(JsonError::UnexpectedEnd, p);
        if (!isDigit(*p))
            return fail(JsonError::InvalidNumber, p);
        while (p < m_end && isDigit(*p))
            ++p;
    }
    if (p < m_end && (*p == 'e' || *p == 'E')) {
        ++p;
        if (p < m_end && (*p == '+' || *p == '-'))
            ++p;
        if (p >= m_end)
            return fail(JsonError::UnexpectedEnd, p);
        if (!isDigit(*p))
            return fail(JsonError::InvalidNumber, p);
        while (p < m_end && isDigit(*p))
            ++p;
    }
    // A number must end at a delimiter: "12ab" is not two tokens.
    if (p < m_end && !isWs(*p) && *p != ',' && *p != '}' && *p != ']')
        return fail(JsonError::InvalidNumber, p);
    m_p = p;
    return true;
}

bool JsonReader::scanLiteral(const char* word, int len)
{
    if (m_end - m_p < len) {
        if (std::memcmp(m_p, word, size_t(m_end - m_p)) == 0)
            return fail(JsonError::UnexpectedEnd, m_end);
        return fail(JsonError::InvalidLiteral, m_p);
    }
    if (std::memcmp(m_p, word, size_t(len)) != 0)
        return fail(JsonError::InvalidLiteral, m_p);
    m_p += len;
    return true;
}

bool JsonReader::readUInt32(quint32& out, bool& overflow)
{
    const Token t = peek();
    std::string_view digits;
    if (t == Token::Number) {
        const char* start = m_p;
        if (!scanNumber())
            return false;
        digits = std::string_view(start, size_t(m_p - start));
    } else if (t == Token::String) {
        if (!scanString())
            return false;
        if (m_escapes)
            return false;
        digits = std::string_view(m_stringBegin, size_t(m_stringEnd - m_stringBegin));
    } else {
        return false; // not consumed
    }
    // The value is consumed; it is an id only if it is a plain non-negative integer.
    if (digits.empty())
        return false;
    if (digits[0] == '-') {
        overflow = digits.size() > 1 && isDigit(digits[1]) && digits.find_first_of(".eE") == digits.npos;
        return false;
    }
    quint64 v = 0;
    for (char c : digits) {
        if (!isDigit(c))
            return false;
        v = v * 10 + quint64(c - '0');
        if (v > 0xffffffffull) {
            overflow = true;
            return false;
        }
    }
    out = quint32(v);
    return true;
}

// Iterative so hostile nesting cannot exhaust the stack; one bit per level remembers object/array.
bool JsonReader::skipContainer()
{
    quint64 kinds[MaxDepth / 64 + 1] = {};
    int depth = 0; // local levels opened by this call
    auto isObject = [&](int level) { return (kinds[level >> 6] >> (level & 63)) & 1; };
    auto push = [&](bool object) -> bool {
        if (m_depth + depth + 1 > MaxDepth)
            return fail(JsonError::TooDeep, m_p);
        const int level = depth++;
        if (object)
            kinds[level >> 6] |= (1ull << (level & 63));
        else
            kinds[level >> 6] &= ~(1ull << (level & 63));
        return true;
    };
    auto expectKey = [&]() -> bool {
        skipWhitespace();
        if (m_p >= m_end)
            return fail(JsonError::UnexpectedEnd, m_p);
        if (*m_p != '"')
            return fail(JsonError::UnexpectedCharacter, m_p);
        if (!scanString())
            return false;
        skipWhitespace();
        if (m_p >= m_end)
            return fail(JsonError::UnexpectedEnd, m_p);
        if (*m_p != ':')
            return fail(JsonError::UnexpectedCharacter, m_p);
        ++m_p;
        return true;
    };

    for (;;) {
        // Expecting a value.
        skipWhitespace();
        if (m_p >= m_end)
            return fail(JsonError::UnexpectedEnd, m_p);
        const char c = *m_p;
        bool closedEmpty = false;
        if (c == '{') {
            if (!push(true))
                return false;
            ++m_p;
            skipWhitespace();
            if (m_p < m_end && *m_p == '}') {
                ++m_p;
                --depth;
                closedEmpty = true;
            } else if (!expectKey()) {
                return false;
            } else {
                continue;
            }
        } else if (c == '[') {
            if (!push(false))
                return false;
            ++m_p;
            skipWhitespace();
            if (m_p < m_end && *m_p == ']') {
                ++m_p;
                --depth;
                closedEmpty = true;
            } else {
                continue;
            }
        } else if (c == '"') {
            if (!scanString())
                return false;
        } else if (c == '-' || c == '+' || c == '.' || isDigit(c)) {
            if (!scanNumber())
                return false;
        } else if (c == 't') {
            if (!scanLiteral("true", 4))
                return false;
        } else if (c == 'f') {
            if (!scanLiteral("false", 5))
                return false;
        } else if (c == 'n') {
            if (!scanLiteral("null", 4))
                return false;
        } else {
            return fail(JsonError::UnexpectedCharacter, m_p);
        }
        (void)closedEmpty;

        // After a value: close containers or move to the next member/element.
        for (;;) {
            if (depth == 0)
                return true;
            skipWhitespace();
            if (m_p >= m_end)
                return fail(JsonError::UnexpectedEnd, m_p);
            const char d = *m_p;
            const bool object = isObject(depth - 1);
            if (d == ',') {
                ++m_p;
                if (object && !expectKey())
                    return false;
                break; // expect the next value
            }
            if ((object && d == '}') || (!object && d == ']')) {
                ++m_p;
                --depth;
                continue;
            }
            return fail(JsonError::UnexpectedCharacter, m_p);
        }
    }
}

bool JsonReader::finish()
{
    if (failed())
        return false;
    skipWhitespace();
    if (m_p != m_end)
        return fail(JsonError::TrailingCharacters, m_p);
    return true;
}

std::string JsonReader::decodeString(std::string_view raw)
{
    std::string out;
    out.reserve(raw.size());
    auto appendUtf8 = [&out](quint32 cp) {
        if (cp < 0x80) {
            out.push_back(char(cp));
        } else if (cp < 0x800) {
            out.push_back(char(0xc0 | (cp >> 6)));
            out.push_back(char(0x80 | (cp & 0x3f)));
        } else if (cp < 0x10000) {
            out.push_back(char(0xe0 | (cp >> 12)));
            out.push_back(char(0x80 | ((cp >> 6) & 0x3f)));
            out.push_back(char(0x80 | (cp & 0x3f)));
        } else {
            out.push_back(char(0xf0 | (cp >> 18)));
            out.push_back(char(0x80 | ((cp >> 12) & 0x3f)));
            out.push_back(char(0x80 | ((cp >> 6) & 0x3f)));
            out.push_back(char(0x80 | (cp & 0x3f)));
        }
    };
    for (size_t i = 0; i < raw.size(); ++i) {
        const char c = raw[i];
        if (c != '\\' || i + 1 >= raw.size()) {
            out.push_back(c);
            continue;
        }
        const char e = raw[++i];
        switch (e) {
        case 'b':
            out.push_back('\b');
            break;
        case 'f':
            out.push_back('\f');
            break;
        case 'n':
            out.push_back('\n');
            break;
        case 'r':
            out.push_back('\r');
            break;
        case 't':
            out.push_back('\t');
            break;
        case 'u': {
            // raw[i] is 'u'; its four hex digits are raw[i + 1 .. i + 4].
            int cp = i + 4 < raw.size() ? jsonHex4(raw.data() + i + 1) : -1;
            if (cp < 0) {
                out.append("\xef\xbf\xbd"); // U+FFFD for a malformed escape
                i = std::min(i + 4, raw.size());
                break;
            }
            i += 4;
            if (cp >= 0xd800 && cp < 0xdc00 && i + 6 < raw.size() && raw[i + 1] == '\\'
                && raw[i + 2] == 'u') {
                const int lo = jsonHex4(raw.data() + i + 3);
                if (lo >= 0xdc00 && lo < 0xe000) {
                    cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                    i += 6;
                }
            }
            if (cp >= 0xd800 && cp < 0xe000)
                cp = 0xfffd; // lone surrogate
            appendUtf8(quint32(cp));
            break;
        }
        default: // '"', '\\', '/' and anything a validating scan let through
            out.push_back(e);
            break;
        }
    }
    return out;
}

bool JsonReader::isSha256Hex(std::string_view s)
{
    if (s.size() != 64)
        return false;
    for (char c : s)
        if (jsonHexValue(c) < 0)
            return false;
    return true;
}

qsizetype JsonReader::firstInvalidUtf8(const char* data, qsizetype size)
{
    const auto* p = reinterpret_cast<const unsigned char*>(data);
    qsizetype i = 0;
    while (i < size) {
        // ASCII runs, eight bytes at a time.
        while (i + 8 <= size) {
            quint64 word;
            std::memcpy(&word, p + i, 8);
            if (word & 0x8080808080808080ull)
                break;
            i += 8;
        }
        if (i >= size)
            break;
        const unsigned char c = p[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        int extra;
        unsigned char lo = 0x80, hi = 0xbf; // allowed range of the first continuation byte
        if (c >= 0xc2 && c <= 0xdf) {
            extra = 1;
        } else if (c >= 0xe0 && c <= 0xef) {
            extra = 2;
            if (c == 0xe0)
                lo = 0xa0; // no overlongs
            else if (c == 0xed)
                hi = 0x9f; // no surrogates
        } else if (c >= 0xf0 && c <= 0xf4) {
            extra = 3;
            if (c == 0xf0)
                lo = 0x90;
            else if (c == 0xf4)
                hi = 0x8f; // nothing above U+10FFFF
        } else {
            return i;
        }
        if (i + extra >= size)
            return i; // truncated sequence
        if (p[i + 1] < lo || p[i + 1] > hi)
            return i;
        for (int k = 2; k <= extra; ++k)
            if ((p[i + k] & 0xc0) != 0x80)
                return i;
        i += extra + 1;
    }
    return -1;
}

} // namespace bmon
