// SPDX-License-Identifier: MIT
#include "core/jsonreader.h"

#include <algorithm>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace bmon {

namespace {

inline bool isWs(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }
inline bool isDigit(char c) { return c >= '0' && c <= '9'; }
inline int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

} // namespace

bool JsonReader::fail(JsonError e, const char* at)
{
    if (m_error == JsonError::None) {
        m_error = e;
        m_errorOffset = at - m_begin;
    }
    m_p = m_end; // every further call fails fast
    return false;
}

inline void JsonReader::skipWhitespace()
{
    while (m_p < m_end && isWs(*m_p))
        ++m_p;
}

JsonReader::Token JsonReader::peek()
{
    skipWhitespace();
    if (m_p >= m_end)
        return failed() ? Token::Invalid : Token::End;
    switch (*m_p) {
    case '{':
        return Token::ObjectBegin;
    case '[':
        return Token::ArrayBegin;
    case '"':
        return Token::String;
    case 't':
        return Token::True;
    case 'f':
        return Token::False;
    case 'n':
        return Token::Null;
    default:
        // '+' and '.' cannot start a JSON number, but reporting them as malformed numbers
        // explains "+1" and ".5" better than "unexpected character".
        return (*m_p == '-' || *m_p == '+' || *m_p == '.' || isDigit(*m_p)) ? Token::Number : Token::Invalid;
    }
}

bool JsonReader::scanString()
{
    // m_p is at the opening quote.
    const char* p = m_p + 1;
    m_escapes = false;
    m_stringBegin = p;
    for (;;) {
#if defined(__SSE2__)
        const __m128i quote = _mm_set1_epi8('"');
        const __m128i backslash = _mm_set1_epi8('\\');
        const __m128i ctl = _mm_set1_epi8(0x1f);
        while (m_end - p >= 16) {
            const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
            const __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
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
                if (hexValue(p[i]) < 0)
                    return fail(JsonError::InvalidEscape, p);
            p += 6;
            break;
        default:
            return fail(JsonError::InvalidEscape, p);
        }
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

bool JsonReader::enterObject()
{
    skipWhitespace();
    if (m_p >= m_end)
        return fail(JsonError::UnexpectedEnd, m_p);
    if (*m_p != '{')
        return fail(JsonError::UnexpectedCharacter, m_p);
    if (++m_depth > MaxDepth)
        return fail(JsonError::TooDeep, m_p);
    ++m_p;
    m_first = true;
    return true;
}

bool JsonReader::nextMember(std::string_view& key)
{
    skipWhitespace();
    if (m_p >= m_end)
        return fail(JsonError::UnexpectedEnd, m_p);
    if (*m_p == '}') {
        ++m_p;
        --m_depth;
        m_first = false; // the enclosing container has just consumed a value
        return false;
    }
    if (!m_first) {
        if (*m_p != ',')
            return fail(JsonError::UnexpectedCharacter, m_p);
        ++m_p;
        skipWhitespace();
        if (m_p >= m_end)
            return fail(JsonError::UnexpectedEnd, m_p);
    }
    if (*m_p != '"')
        return fail(JsonError::UnexpectedCharacter, m_p);
    if (!scanString())
        return false;
    key = std::string_view(m_stringBegin, size_t(m_stringEnd - m_stringBegin));
    skipWhitespace();
    if (m_p >= m_end)
        return fail(JsonError::UnexpectedEnd, m_p);
    if (*m_p != ':')
        return fail(JsonError::UnexpectedCharacter, m_p);
    ++m_p;
    m_first = false;
    return true;
}

bool JsonReader::enterArray()
{
    skipWhitespace();
    if (m_p >= m_end)
        return fail(JsonError::UnexpectedEnd, m_p);
    if (*m_p != '[')
        return fail(JsonError::UnexpectedCharacter, m_p);
    if (++m_depth > MaxDepth)
        return fail(JsonError::TooDeep, m_p);
    ++m_p;
    m_first = true;
    return true;
}

bool JsonReader::nextElement()
{
    skipWhitespace();
    if (m_p >= m_end)
        return fail(JsonError::UnexpectedEnd, m_p);
    if (*m_p == ']') {
        ++m_p;
        --m_depth;
        m_first = false;
        return false;
    }
    if (!m_first) {
        if (*m_p != ',')
            return fail(JsonError::UnexpectedCharacter, m_p);
        ++m_p;
    }
    m_first = false;
    return true;
}

bool JsonReader::readString(std::string_view& raw)
{
    skipWhitespace();
    if (m_p >= m_end)
        return fail(JsonError::UnexpectedEnd, m_p);
    if (*m_p != '"')
        return fail(JsonError::UnexpectedCharacter, m_p);
    if (!scanString())
        return false;
    raw = std::string_view(m_stringBegin, size_t(m_stringEnd - m_stringBegin));
    return true;
}

bool JsonReader::readNumber(std::string_view& raw)
{
    skipWhitespace();
    const char* start = m_p;
    if (!scanNumber())
        return false;
    raw = std::string_view(start, size_t(m_p - start));
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

bool JsonReader::skipValue()
{
    switch (peek()) {
    case Token::ObjectBegin:
    case Token::ArrayBegin:
        return skipContainer();
    case Token::String:
        return scanString();
    case Token::Number:
        return scanNumber();
    case Token::True:
        return scanLiteral("true", 4);
    case Token::False:
        return scanLiteral("false", 5);
    case Token::Null:
        return scanLiteral("null", 4);
    case Token::End:
        return fail(JsonError::UnexpectedEnd, m_p);
    case Token::Invalid:
        break;
    }
    return fail(JsonError::UnexpectedCharacter, m_p);
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
    auto hex4 = [](const char* p) -> int {
        int v = 0;
        for (int i = 0; i < 4; ++i) {
            const int h = hexValue(p[i]);
            if (h < 0)
                return -1;
            v = v * 16 + h;
        }
        return v;
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
            int cp = i + 4 < raw.size() ? hex4(raw.data() + i + 1) : -1;
            if (cp < 0) {
                out.append("\xef\xbf\xbd"); // U+FFFD for a malformed escape
                i = std::min(i + 4, raw.size());
                break;
            }
            i += 4;
            if (cp >= 0xd800 && cp < 0xdc00 && i + 6 < raw.size() && raw[i + 1] == '\\' && raw[i + 2] == 'u') {
                const int lo = hex4(raw.data() + i + 3);
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
        if (hexValue(c) < 0)
            return false;
    return true;
}

} // namespace bmon
