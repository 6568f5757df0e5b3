// SPDX-License-Identifier: MIT
#pragma once

#include "core/eventrecord.h"

#include <QtGlobal>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <cstdint>
#include <string>
#include <string_view>

namespace bmon {

//! The value of a hex digit, or -1.
inline int jsonHexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

//! The value of the four hex digits of a \\uXXXX escape at \a p (four readable bytes), or -1.
inline int jsonHex4(const char* p)
{
    int v = 0;
    for (int i = 0; i < 4; ++i) {
        const int h = jsonHexValue(p[i]);
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

/*!
 * A validating pull reader over UTF-8 JSON text, for the ingest hot path.
 *
 * It never allocates and never builds a tree: the caller walks the members it cares about and
 * skips the rest with skipValue(), which still validates every byte. Together a walk visits each
 * byte once. Strings come back raw (between the quotes, escapes not decoded); decodeString()
 * decodes when needed. Nesting deeper than MaxDepth is an error, not a crash.
 *
 * Usage:
 * \code
 * JsonReader r(data, size);
 * std::string_view key;
 * if (r.enterObject())
 *     while (r.nextMember(key)) { if (key == "type") r.readString(t); else r.skipValue(); }
 * if (r.failed() || !r.finish()) …
 * \endcode
 */
class JsonReader
{
public:
    enum class Token : quint8
    {
        ObjectBegin,
        ArrayBegin,
        String,
        Number,
        True,
        False,
        Null,
        End,
        Invalid
    };

    static constexpr int MaxDepth = 512;

    JsonReader(const char* begin, const char* end) : m_p(begin), m_begin(begin), m_end(end) { }

    //! Kind of the next value (skips whitespace, consumes nothing).
    Token peek()
    {
        skipWhitespace();
        if (m_p >= m_end)
            return failed() ? Token::Invalid : Token::End;
        return tokenOf(*m_p);
    }

    bool enterObject() { return enter('{'); } //!< consumes '{'
    //! Next member's key (raw) with its ':' consumed; false at '}' (consumed) or on error.
    bool nextMember(std::string_view& key)
    {
        skipWhitespace();
        if (m_p >= m_end)
            return fail(JsonError::UnexpectedEnd, m_p);
        if (*m_p == '}')
            return leave();
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
    bool enterArray() { return enter('['); } //!< consumes '['
    //! True when another element follows; false at ']' (consumed) or on error.
    bool nextElement()
    {
        skipWhitespace();
        if (m_p >= m_end)
            return fail(JsonError::UnexpectedEnd, m_p);
        if (*m_p == ']')
            return leave();
        if (!m_first) {
            if (*m_p != ',')
                return fail(JsonError::UnexpectedCharacter, m_p);
            ++m_p;
        }
        m_first = false;
        return true;
    }

    //! Raw content; lastStringHadEscapes() tells whether decodeString() is needed.
    bool readString(std::string_view& raw)
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
    bool readNumber(std::string_view& raw)
    {
        skipWhitespace();
        const char* start = m_p;
        if (!scanNumber())
            return false;
        raw = std::string_view(start, size_t(m_p - start));
        return true;
    }
    //! Reads an integer id: a JSON integer or a string of decimal digits. Sets \a overflow when it
    //! does not fit 32 bits. Returns false for anything else without consuming it (null, floats, …).
    bool readUInt32(quint32& out, bool& overflow);
    bool skipValue()
    {
        switch (peek()) {
        case Token::String:
            return scanString();
        case Token::Number:
            return scanNumber();
        case Token::ObjectBegin:
        case Token::ArrayBegin:
            return skipContainer();
        default:
            return skipOther();
        }
    }
    //! After the top-level value: true when only whitespace remains.
    bool finish();

    bool failed() const { return m_error != JsonError::None; }
    JsonError error() const { return m_error; }
    qsizetype errorOffset() const { return m_errorOffset; }
    bool lastStringHadEscapes() const { return m_escapes; }
    qsizetype offset() const { return m_p - m_begin; }

    //! Decodes a raw string body (escapes, \\u surrogate pairs) to UTF-8.
    static std::string decodeString(std::string_view raw);
    //! True for 64 lower- or upper-case hex digits: a sha256 id hash (PROTOCOL.md §4.2).
    static bool isSha256Hex(std::string_view s);
    //! Offset of the first byte that breaks UTF-8 (overlongs, surrogates and > U+10FFFF
    //! included), or -1 when the text is valid UTF-8.
    static qsizetype firstInvalidUtf8(const char* data, qsizetype size);

private:
    static bool isWs(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }
    static bool isDigit(char c) { return c >= '0' && c <= '9'; }
    static Token tokenOf(char c)
    {
        switch (c) {
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
            return (c == '-' || c == '+' || c == '.' || isDigit(c)) ? Token::Number : Token::Invalid;
        }
    }
    void skipWhitespace()
    {
        // Every JSON whitespace byte is <= ' '; one compare rejects almost everything else.
        while (m_p < m_end && static_cast<unsigned char>(*m_p) <= ' ' && isWs(*m_p))
            ++m_p;
    }
    bool enter(char open)
    {
        skipWhitespace();
        if (m_p >= m_end)
            return fail(JsonError::UnexpectedEnd, m_p);
        if (*m_p != open)
            return fail(JsonError::UnexpectedCharacter, m_p);
        if (++m_depth > MaxDepth)
            return fail(JsonError::TooDeep, m_p);
        ++m_p;
        m_first = true;
        return true;
    }
    bool leave()
    {
        ++m_p;
        --m_depth;
        m_first = false; // the enclosing container has just consumed a value
        return false;
    }
    // m_p at the opening quote; leaves m_p after the closing quote. The common case (no escape,
    // no control character before the closing quote within the first bytes) stays inline.
    bool scanString();
    bool scanStringSlow(const char* p);
    bool scanNumber();
    bool skipOther(); // literals and errors
    bool scanLiteral(const char* word, int len);
    bool skipContainer();
    bool fail(JsonError e, const char* at);

    const char* m_p;
    const char* m_begin;
    const char* m_end;
    const char* m_stringBegin = nullptr;
    const char* m_stringEnd = nullptr;
    JsonError m_error = JsonError::None;
    qsizetype m_errorOffset = 0;
    int m_depth = 0;
    bool m_first = false;
    bool m_escapes = false;
};

inline bool JsonReader::scanString()
{
    const char* p = m_p + 1;
    m_escapes = false;
    m_stringBegin = p;
#if defined(__SSE2__)
    // Most strings are keys and short values: one 16-byte probe usually finds the closing quote.
    if (m_end - p >= 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        const __m128i ctl = _mm_set1_epi8(0x1f);
        const __m128i hit = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
            _mm_cmpeq_epi8(_mm_max_epu8(v, ctl), ctl));
        if (const int mask = _mm_movemask_epi8(hit)) {
            const char* q = p + __builtin_ctz(unsigned(mask));
            if (*q == '"') {
                m_stringEnd = q;
                m_p = q + 1;
                return true;
            }
            return scanStringSlow(q);
        }
        return scanStringSlow(p + 16);
    }
#endif
    return scanStringSlow(p);
}

} // namespace bmon
