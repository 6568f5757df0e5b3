// SPDX-License-Identifier: MIT
#pragma once

#include "core/eventrecord.h"

#include <QtGlobal>

#include <cstdint>
#include <string>
#include <string_view>

namespace bmon {

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
    enum class Token : quint8 { ObjectBegin, ArrayBegin, String, Number, True, False, Null, End, Invalid };

    static constexpr int MaxDepth = 512;

    JsonReader(const char* begin, const char* end)
        : m_p(begin)
        , m_begin(begin)
        , m_end(end)
    {
    }

    //! Kind of the next value (skips whitespace, consumes nothing).
    Token peek();

    bool enterObject(); //!< consumes '{'
    //! Next member's key (raw) with its ':' consumed; false at '}' (consumed) or on error.
    bool nextMember(std::string_view& key);
    bool enterArray(); //!< consumes '['
    //! True when another element follows; false at ']' (consumed) or on error.
    bool nextElement();

    bool readString(std::string_view& raw); //!< raw content; lastStringHadEscapes() tells
    bool readNumber(std::string_view& raw);
    //! Reads an integer id: a JSON integer or a string of decimal digits. Sets \a overflow when it
    //! does not fit 32 bits. Returns false for anything else without consuming it (null, floats, …).
    bool readUInt32(quint32& out, bool& overflow);
    bool skipValue();
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

private:
    bool fail(JsonError e, const char* at);
    void skipWhitespace();
    bool scanString(); // m_p at the opening quote; leaves m_p after the closing quote
    bool scanNumber();
    bool scanLiteral(const char* word, int len);
    bool skipContainer();

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

} // namespace bmon
