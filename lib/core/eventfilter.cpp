// SPDX-License-Identifier: MIT
#include "core/eventfilter.h"

#include "core/eventformat.h"
#include "core/eventstore.h"
#include "core/jsonreader.h"
#include "core/messagetypes.h"

#include <QCoreApplication>
#include <QMetaObject>
#include <QPointer>
#include <QThread>
#include <QThreadPool>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace bmon {

bool EventFilter::isEmpty() const
{
    return types.isEmpty() && workspaceIds.isEmpty() && applicationIds.isEmpty() && tableIds.isEmpty()
        && direction == DirectionFilter::Any && !errorsOnly && text.isEmpty() && regex.isEmpty();
}

bool operator==(const EventFilter& a, const EventFilter& b)
{
    return a.types == b.types && a.workspaceIds == b.workspaceIds && a.applicationIds == b.applicationIds
        && a.tableIds == b.tableIds && a.direction == b.direction && a.errorsOnly == b.errorsOnly
        && a.text == b.text && a.regex == b.regex;
}

namespace {

inline quint8 lowerAscii(quint8 c)
{
    return (c >= 'A' && c <= 'Z') ? quint8(c | 0x20) : c;
}

inline bool isAlpha(quint8 c)
{
    return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

/*
 * A byte pattern searched in raw frames: byte b at position i matches when
 * (b | mask[i]) == bits[i]. Mask 0x20 on a letter makes it ASCII case-insensitive; wider masks let
 * one pattern stand for several spellings of the same text (the case variants of an escaped
 * character, \u00fc and \u00dc, differ in a few bits). Matches are candidates, confirmed later.
 */
struct Needle
{
    QByteArray bits, mask;

    static Needle caseless(const QByteArray& bytes)
    {
        Needle n;
        n.bits.resize(bytes.size());
        n.mask.resize(bytes.size());
        for (qsizetype i = 0; i < bytes.size(); ++i) {
            const auto c = quint8(bytes[i]);
            const quint8 m = isAlpha(c) ? 0x20 : 0;
            n.mask[i] = char(m);
            n.bits[i] = char(c | m);
        }
        return n;
    }

    //! One pattern for byte strings of equal length (a superset of them).
    static Needle anyOf(const QList<QByteArray>& variants)
    {
        Needle n = caseless(variants.first());
        for (const QByteArray& v : variants) {
            for (qsizetype i = 0; i < v.size(); ++i) {
                const auto c = quint8(v[i]);
                const quint8 m = quint8(n.mask[i]) | (isAlpha(c) ? 0x20 : 0);
                n.mask[i] = char(m | ((quint8(n.bits[i]) | m) ^ (c | m)));
            }
        }
        for (qsizetype i = 0; i < n.bits.size(); ++i)
            n.bits[i] = char(quint8(n.bits[i]) | quint8(n.mask[i]));
        return n;
    }

    qsizetype size() const { return bits.size(); }
    bool isEmpty() const { return bits.isEmpty(); }
};

inline bool matchesAt(const char* p, const Needle& n)
{
    const char* b = n.bits.constData();
    const char* m = n.mask.constData();
    for (qsizetype i = 0, size = n.bits.size(); i < size; ++i) {
        if ((quint8(p[i]) | quint8(m[i])) != quint8(b[i]))
            return false;
    }
    return true;
}

//! What a search saw on its way (complete only when nothing was found).
struct Seen
{
    bool high = false; //!< a byte >= 0x80 (raw UTF-8)
    bool backslash = false; //!< an escape
};

inline void noteBytes(const char* p, const char* end, Seen& seen)
{
    for (; p < end; ++p) {
        seen.high = seen.high || quint8(*p) >= 0x80;
        seen.backslash = seen.backslash || *p == '\\';
    }
}

/*
 * Substring search for a Needle: compares its first and last byte at 16 positions at once and
 * checks the few candidates in full. Notes raw UTF-8 and escapes in the same pass. Reads nothing
 * outside [hay, hay + size).
 */
bool containsNeedle(const char* hay, qsizetype size, const Needle& n, Seen* seen = nullptr)
{
    const qsizetype m = n.size();
    Seen local;
    Seen& s = seen ? *seen : local;
    if (m == 0)
        return true;
    if (size < m) {
        noteBytes(hay, hay + size, s);
        return false;
    }
    qsizetype i = 0;
#if defined(__SSE2__)
    const __m128i first = _mm_set1_epi8(n.bits[0]);
    const __m128i last = _mm_set1_epi8(n.bits[m - 1]);
    const __m128i firstMask = _mm_set1_epi8(n.mask[0]);
    const __m128i lastMask = _mm_set1_epi8(n.mask[m - 1]);
    const __m128i backslash = _mm_set1_epi8('\\');
    __m128i high = _mm_setzero_si128();
    __m128i escapes = _mm_setzero_si128();
    for (; i + m - 1 + 16 <= size; i += 16) {
        const __m128i raw = _mm_loadu_si128(reinterpret_cast<const __m128i*>(hay + i));
        high = _mm_or_si128(high, raw);
        escapes = _mm_or_si128(escapes, _mm_cmpeq_epi8(raw, backslash));
        const __m128i a = _mm_or_si128(raw, firstMask);
        const __m128i b
            = _mm_or_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(hay + i + m - 1)), lastMask);
        unsigned hits
            = unsigned(_mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(a, first), _mm_cmpeq_epi8(b, last))));
        while (hits) {
            if (matchesAt(hay + i + __builtin_ctz(hits), n))
                return true;
            hits &= hits - 1;
        }
    }
    s.high = s.high || _mm_movemask_epi8(high) != 0;
    s.backslash = s.backslash || _mm_movemask_epi8(escapes) != 0;
#endif
    noteBytes(hay + i, hay + size, s);
    const auto first0 = quint8(n.bits[0]), mask0 = quint8(n.mask[0]);
    for (; i + m <= size; ++i) {
        if ((quint8(hay[i]) | mask0) == first0 && matchesAt(hay + i, n))
            return true;
    }
    return false;
}

//! The first '"' or '\\' in [p, end), or end.
inline const char* findQuoteOrBackslash(const char* p, const char* end)
{
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    for (; end - p >= 16; p += 16) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        const int hits
            = _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)));
        if (hits)
            return p + __builtin_ctz(unsigned(hits));
    }
#endif
    while (p < end && *p != '"' && *p != '\\')
        ++p;
    return p;
}

// Outside strings a valid JSON text has only structure, whitespace, literals and numbers.
enum : quint8
{
    SkipByte = 0,
    QuoteByte = 1,
    NumberByte = 2,
};

constexpr std::array<quint8, 256> kByteClass = [] {
    std::array<quint8, 256> t {};
    t[size_t('"')] = QuoteByte;
    t[size_t('-')] = NumberByte;
    for (int c = '0'; c <= '9'; ++c)
        t[size_t(c)] = NumberByte;
    return t;
}();

inline bool isNumberChar(char c)
{
    return (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-';
}

/*
 * Calls f(begin, end, hasEscapes) for every string *value* and number of a valid JSON text
 * (object keys and the syntax between tokens are skipped), until f returns true. The store only
 * holds valid JSON for records whose status is below InvalidJson.
 */
template<typename F>
bool forEachValueToken(const char* p, const char* end, F&& f)
{
    while (p < end) {
        const quint8 cls = kByteClass[quint8(*p)];
        if (cls == SkipByte) {
            ++p;
            continue;
        }
        if (cls == NumberByte) {
            const char* q = p + 1;
            while (q < end && isNumberChar(*q))
                ++q;
            if (f(p, q, false))
                return true;
            p = q;
            continue;
        }
        const char* s = p + 1;
        const char* q = s;
        bool escapes = false;
        for (;;) {
            q = findQuoteOrBackslash(q, end);
            if (q >= end)
                return false; // cut short (cannot happen for valid JSON)
            if (*q == '"')
                break;
            escapes = true;
            q += 2;
        }
        const char* r = q + 1;
        while (r < end && quint8(*r) <= ' ')
            ++r;
        if (r < end && *r == ':') { // a key
            p = r + 1;
            continue;
        }
        if (f(s, q, escapes))
            return true;
        p = q + 1;
    }
    return false;
}

int hex4(const char* p, const char* end)
{
    return end - p < 4 ? -1 : jsonHex4(p);
}

// Whether \a payload has a \uXXXX escape of an ASCII character marked in \a chars (Python never
// escapes ASCII, but a \u0041 from another writer still decodes to "A").
bool escapesAsciiOf(QByteArrayView payload, const bool (&chars)[128])
{
    const char* p = payload.data();
    const char* end = p + payload.size();
    while ((p = static_cast<const char*>(std::memchr(p, '\\', size_t(end - p))))) {
        if (end - p >= 6 && p[1] == 'u') {
            const int v = hex4(p + 2, end);
            if (v >= 0 && v < 0x80 && chars[v])
                return true;
            p += 6;
        } else {
            p += 2;
        }
        if (p >= end)
            break;
    }
    return false;
}

/*
 * Decodes a JSON string body (or a number) [p, end) into UTF-16 at out, which has room for
 * end - p + 16 units: escapes resolved, UTF-8 decoded, lone surrogates and broken sequences as
 * U+FFFD, so the result is always valid UTF-16 (PCRE runs without its own check). Returns the
 * new end. ASCII is widened 16 bytes at a time; bytes up to limit (the frame's end) are readable.
 */
char16_t* decodeInto(char16_t* out, const char* p, const char* end, bool escapes, const char* limit)
{
    while (p < end) {
#if defined(__SSE2__)
        const __m128i zero = _mm_setzero_si128();
        const __m128i backslash = _mm_set1_epi8('\\');
        // Loads may reach past the token (never past limit); stores past it are overwritten
        // later or lie in the buffer's slack.
        while (limit - p >= 16) {
            const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
            int special = _mm_movemask_epi8(v);
            if (escapes)
                special |= _mm_movemask_epi8(_mm_cmpeq_epi8(v, backslash));
            const qsizetype left = end - p;
            if (left < 16)
                special &= (1 << left) - 1;
            _mm_storeu_si128(reinterpret_cast<__m128i*>(out), _mm_unpacklo_epi8(v, zero));
            _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 8), _mm_unpackhi_epi8(v, zero));
            if (special == 0) {
                const qsizetype n = qMin<qsizetype>(left, 16);
                out += n;
                p += n;
                if (p >= end)
                    break;
                continue;
            }
            const int k = __builtin_ctz(unsigned(special));
            out += k;
            p += k;
            break;
        }
        if (p >= end)
            break;
#endif
        const auto c = quint8(*p);
        if (c < 0x80) {
            if (c == '\\' && escapes && p + 1 < end) {
                const char e = p[1];
                p += 2;
                switch (e) {
                case 'b':
                    *out++ = u'\b';
                    break;
                case 'f':
                    *out++ = u'\f';
                    break;
                case 'n':
                    *out++ = u'\n';
                    break;
                case 'r':
                    *out++ = u'\r';
                    break;
                case 't':
                    *out++ = u'\t';
                    break;
                case 'u': {
                    const int v = hex4(p, end);
                    if (v < 0) {
                        *out++ = u'\xfffd';
                        break;
                    }
                    p += 4;
                    if (v >= 0xd800 && v <= 0xdbff) {
                        const int low = (end - p >= 6 && p[0] == '\\' && p[1] == 'u') ? hex4(p + 2, end) : -1;
                        if (low >= 0xdc00 && low <= 0xdfff) {
                            *out++ = char16_t(v);
                            *out++ = char16_t(low);
                            p += 6;
                        } else {
                            *out++ = u'\xfffd';
                        }
                    } else if (v >= 0xdc00 && v <= 0xdfff) {
                        *out++ = u'\xfffd';
                    } else {
                        *out++ = char16_t(v);
                    }
                    break;
                }
                default: // \" \\ \/
                    *out++ = char16_t(quint8(e));
                }
                continue;
            }
            *out++ = char16_t(c);
            ++p;
            continue;
        }
        // A UTF-8 sequence (the classifier validated it; still never trust a length byte).
        int len = 0;
        char32_t cp = 0;
        if ((c & 0xe0) == 0xc0) {
            len = 2;
            cp = c & 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            len = 3;
            cp = c & 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            len = 4;
            cp = c & 0x07;
        }
        bool ok = len > 0 && end - p >= len;
        for (int i = 1; ok && i < len; ++i) {
            const auto cc = quint8(p[i]);
            ok = (cc & 0xc0) == 0x80;
            cp = (cp << 6) | (cc & 0x3f);
        }
        if (!ok || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
            *out++ = u'\xfffd';
            ++p;
            continue;
        }
        if (cp < 0x10000) {
            *out++ = char16_t(cp);
        } else {
            cp -= 0x10000;
            *out++ = char16_t(0xd800 + (cp >> 10));
            *out++ = char16_t(0xdc00 + (cp & 0x3ff));
        }
        p += len;
    }
    return out;
}

// Printable ASCII that Python's json.dumps writes as itself (not '"' or '\\'); '/' may be
// escaped by other writers.
bool isPlainAscii(char32_t c)
{
    return c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '/';
}

QByteArray escapedForm(char32_t cp)
{
    auto one = [](unsigned v) {
        char buf[16];
        std::snprintf(buf, sizeof buf, "\\u%04x", v & 0xffffu);
        return QByteArray(buf, 6);
    };
    if (cp < 0x10000)
        return one(unsigned(cp));
    const char32_t v = cp - 0x10000;
    return one(unsigned(0xd800 + (v >> 10))) + one(unsigned(0xdc00 + (v & 0x3ff)));
}

QByteArray utf8Form(char32_t cp)
{
    return QString::fromUcs4(&cp, 1).toUtf8();
}

/*
 * Literals one of which every match of a regular expression contains, read from the pattern
 * conservatively: plain ASCII runs outside optional parts, alternations of them, groups.
 * Anything it does not understand (lookarounds, inline options, \Q…\E) means "no literal known".
 * Frames without any of them cannot match, so they are not decoded.
 */
class RequiredLiterals
{
public:
    explicit RequiredLiterals(QStringView pattern) : m_p(pattern) { }

    //! The literals (lower case), or empty when none is known.
    QList<QByteArray> parse()
    {
        QList<QByteArray> result = alternation();
        if (m_failed || m_i != m_p.size())
            return {};
        return result;
    }

private:
    static constexpr int MinLength = 3;

    bool at(char16_t c) const { return m_i < m_p.size() && m_p[m_i] == c; }

    QList<QByteArray> alternation()
    {
        QList<QByteArray> all = sequence();
        bool known = !all.isEmpty();
        while (!m_failed && at(u'|')) {
            ++m_i;
            const QList<QByteArray> branch = sequence();
            known = known && !branch.isEmpty();
            all += branch;
        }
        return known ? all : QList<QByteArray>();
    }

    // After an atom: skips a quantifier; true when it allows zero repetitions.
    bool quantifier(bool* repeats)
    {
        *repeats = false;
        if (m_i >= m_p.size())
            return false;
        bool optional = false;
        const char16_t c = m_p[m_i].unicode();
        if (c == u'?' || c == u'*') {
            optional = true;
            *repeats = c == u'*';
            ++m_i;
        } else if (c == u'+') {
            *repeats = true;
            ++m_i;
        } else if (c == u'{') {
            qsizetype j = m_i + 1;
            qsizetype digits = 0;
            int min = 0;
            while (j < m_p.size() && m_p[j].isDigit()) {
                min = qMin(min * 10 + m_p[j].digitValue(), 100000);
                ++j;
                ++digits;
            }
            if (j < m_p.size() && m_p[j] == u',') {
                ++j;
                while (j < m_p.size() && m_p[j].isDigit())
                    ++j;
            }
            if (digits == 0 || j >= m_p.size() || m_p[j] != u'}')
                return false; // a literal '{', read as a break by the caller
            m_i = j + 1;
            optional = min == 0;
            *repeats = true;
        } else {
            return false;
        }
        if (at(u'?') || at(u'+')) // lazy or possessive
            ++m_i;
        return optional;
    }

    QList<QByteArray> sequence()
    {
        QList<QByteArray> best;
        QByteArray run;
        auto consider = [&best](const QList<QByteArray>& candidate) {
            if (candidate.isEmpty())
                return;
            const auto shortest = [](const QList<QByteArray>& l) {
                qsizetype n = std::numeric_limits<qsizetype>::max();
                for (const QByteArray& b : l)
                    n = qMin(n, b.size());
                return n;
            };
            if (shortest(candidate) < MinLength)
                return;
            if (best.isEmpty() || shortest(candidate) > shortest(best)
                || (shortest(candidate) == shortest(best) && candidate.size() < best.size()))
                best = candidate;
        };
        auto flush = [&] {
            consider({run});
            run.clear();
        };
        while (!m_failed && m_i < m_p.size() && !at(u'|') && !at(u')')) {
            const char16_t c = m_p[m_i].unicode();
            bool repeats = false;
            if (c == u'(') {
                ++m_i;
                if (at(u'?')) {
                    // (?:…) and named groups are groups; lookarounds, options, comments are not
                    // understood here.
                    if (m_i + 1 < m_p.size() && m_p[m_i + 1] == u':') {
                        m_i += 2;
                    } else if (m_i + 1 < m_p.size()
                        && (m_p[m_i + 1] == u'<' || m_p[m_i + 1] == u'P' || m_p[m_i + 1] == u'\'')
                        && m_i + 2 < m_p.size() && m_p[m_i + 2] != u'=' && m_p[m_i + 2] != u'!') {
                        const qsizetype close = m_p.indexOf(m_p[m_i + 1] == u'\'' ? u'\'' : u'>', m_i + 2);
                        if (close < 0) {
                            m_failed = true;
                            break;
                        }
                        m_i = close + 1;
                    } else {
                        m_failed = true;
                        break;
                    }
                }
                const QList<QByteArray> inner = alternation();
                if (!at(u')')) {
                    m_failed = true;
                    break;
                }
                ++m_i;
                flush();
                if (!quantifier(&repeats))
                    consider(inner);
                continue;
            }
            if (c == u'[') {
                // A class: skip it (a ']' right after '[' or '[^' belongs to it).
                ++m_i;
                if (at(u'^'))
                    ++m_i;
                if (at(u']'))
                    ++m_i;
                while (m_i < m_p.size() && !at(u']'))
                    m_i += at(u'\\') ? 2 : 1;
                if (m_i >= m_p.size()) {
                    m_failed = true;
                    break;
                }
                ++m_i;
                flush();
                quantifier(&repeats);
                continue;
            }
            if (c == u'\\') {
                if (m_i + 1 >= m_p.size()) {
                    m_failed = true;
                    break;
                }
                const char16_t e = m_p[m_i + 1].unicode();
                if (e == u'Q' || e == u'E') {
                    m_failed = true; // quoting changes what follows
                    break;
                }
                m_i += 2;
                if (e < 0x80 && !QChar(e).isLetterOrNumber() && isPlainAscii(e)) {
                    // An escaped punctuation character: itself.
                    if (quantifier(&repeats)) {
                        flush();
                    } else {
                        run.append(char(lowerAscii(quint8(e))));
                        if (repeats)
                            flush();
                    }
                    continue;
                }
                if ((e == u'x' || e == u'p' || e == u'P' || e == u'N' || e == u'g' || e == u'k' || e == u'o')
                    && at(u'{')) {
                    const qsizetype close = m_p.indexOf(u'}', m_i);
                    if (close < 0) {
                        m_failed = true;
                        break;
                    }
                    m_i = close + 1;
                }
                flush(); // \d, \b, \1, \x41, …: not a plain literal
                quantifier(&repeats);
                continue;
            }
            ++m_i;
            if (c == u'.' || c == u'^' || c == u'$' || c == u'{' || c == u'}' || c == u'?' || c == u'*'
                || c == u'+' || !isPlainAscii(c)) {
                flush();
                if (c == u'.')
                    quantifier(&repeats);
                continue;
            }
            if (quantifier(&repeats)) {
                flush(); // optional: the run ends before it
            } else {
                run.append(char(lowerAscii(quint8(c))));
                if (repeats)
                    flush();
            }
        }
        flush();
        return best;
    }

    QStringView m_p;
    qsizetype m_i = 0;
    bool m_failed = false;
};

// Decoded text, reused per thread (no allocation per event).
thread_local std::u16string t_text;

char16_t* textBuffer(qsizetype units)
{
    if (qsizetype(t_text.size()) < units)
        t_text.resize(size_t(units) + 4096);
    return t_text.data();
}

// A rare huge frame must not keep its buffer alive on every thread that met it.
void trimTextBuffer()
{
    constexpr size_t keep = size_t(1) << 20;
    if (t_text.size() > keep) {
        t_text.resize(keep);
        t_text.shrink_to_fit();
    }
}

} // namespace

// ------------------------------------------------------------------------------------------------

struct EventMatcher::Private
{
    EventFilter filter;
    std::vector<quint64> typeBits; // empty = every type
    bool anyScope = false;
    bool recordOnly = true;

    // Free text
    bool hasText = false;
    QString query;
    bool asciiQuery = false;
    Needle queryNeedle; // ASCII queries: the whole query, for raw ASCII tokens
    //! A payload must contain this (raw, as Baserow writes it) to be a candidate; empty = any.
    Needle needle;
    //! The needle's raw UTF-8 spelling, for payloads that carry non-ASCII unescaped.
    Needle rawNeedle;
    bool needleChars[128] = {}; // ASCII a plain needle holds: payloads escaping one stay candidates
    std::vector<qint8> typeNameMatches; // per type id: 1 = the type name contains the query

    // Regular expression
    bool hasRegex = false;
    QRegularExpression regex;
    std::vector<Needle> regexNeedles; //!< one of them is in every matching frame; empty = unknown
    bool regexNeedleChars[128] = {};
    std::vector<qint8> regexTypeMatches; // per type id: 1 = the type name holds a needle
    bool valid = true;
    QString error;
    QList<QString> typeNames;

    void prepareText();

    bool recordMatches(const EventRecord& rec) const
    {
        if (!typeBits.empty() && (typeBits[rec.typeId >> 6] >> (rec.typeId & 63) & 1) == 0)
            return false;
        if (filter.direction == EventFilter::DirectionFilter::Received
            && rec.direction() != Direction::Received)
            return false;
        if (filter.direction == EventFilter::DirectionFilter::Sent && rec.direction() != Direction::Sent)
            return false;
        if (filter.errorsOnly && !rec.isError())
            return false;
        if (anyScope) {
            if (rec.isError())
                return false; // error records carry no scope
            const bool in = (rec.workspaceId && filter.workspaceIds.contains(rec.workspaceId))
                || (rec.applicationId && filter.applicationIds.contains(rec.applicationId))
                || (rec.tableId && filter.tableIds.contains(rec.tableId));
            if (!in)
                return false;
        }
        return true;
    }

    QString typeNameOf(const EventRecord& rec) const
    {
        if (rec.typeId == 0)
            return EventFormat::typeName(rec);
        if (rec.typeId < typeNames.size())
            return typeNames.at(rec.typeId);
        return TypeRegistry::instance().name(rec.typeId);
    }

    bool typeNameContains(const EventRecord& rec) const
    {
        if (rec.typeId != 0 && rec.typeId < typeNameMatches.size())
            return typeNameMatches[rec.typeId] != 0;
        return typeNameOf(rec).contains(query, Qt::CaseInsensitive);
    }

    // Could the decoded payload contain the query? Never false when it does.
    bool prefilter(QByteArrayView payload) const
    {
        if (needle.isEmpty())
            return true;
        Seen seen;
        if (containsNeedle(payload.data(), payload.size(), needle, &seen))
            return true;
        if (seen.high && !rawNeedle.isEmpty() && containsNeedle(payload.data(), payload.size(), rawNeedle))
            return true;
        if (!seen.backslash)
            return false;
        return escapesAsciiOf(payload, needleChars);
    }

    bool textMatches(const EventRecord& rec, QByteArrayView payload) const
    {
        if (typeNameContains(rec))
            return true;
        if (rec.isError()) // not JSON: the raw text as well as it decodes
            return QString::fromUtf8(payload).contains(query, Qt::CaseInsensitive);
        if (!prefilter(payload))
            return false;
        char16_t* buf = textBuffer(payload.size() + 16);
        const char* limit = payload.data() + payload.size();
        return forEachValueToken(
            payload.data(), payload.data() + payload.size(), [&](const char* b, const char* e, bool escapes) {
                if (!escapes && asciiQuery) {
                    // Raw bytes are the decoded text here: no decoding needed unless it holds
                    // UTF-8 (whose case folding may still meet an ASCII query).
                    Seen seen;
                    if (containsNeedle(b, e - b, queryNeedle, &seen))
                        return true;
                    if (!seen.high)
                        return false;
                } else if (!escapes && !asciiQuery) {
                    bool high = false;
                    for (const char* x = b; x < e && !high; ++x)
                        high = quint8(*x) >= 0x80;
                    if (!high)
                        return false; // ASCII text cannot hold a non-ASCII query
                }
                const char16_t* end = decodeInto(buf, b, e, escapes, limit);
                return QStringView(buf, end - buf).contains(query, Qt::CaseInsensitive);
            });
    }

    // The text a regular expression sees: the type name, then each decoded string value and
    // number on a line of its own (error records: their raw text).
    QStringView buildText(const EventRecord& rec, QByteArrayView payload) const
    {
        const QString type = typeNameOf(rec);
        if (rec.isError()) {
            const QString raw = QString::fromUtf8(payload);
            char16_t* buf = textBuffer(type.size() + 1 + raw.size());
            std::memcpy(buf, type.utf16(), size_t(type.size()) * 2);
            buf[type.size()] = u'\n';
            std::memcpy(buf + type.size() + 1, raw.utf16(), size_t(raw.size()) * 2);
            return QStringView(buf, type.size() + 1 + raw.size());
        }
        // Each token takes at most its byte count plus a separator, and every token is set off
        // by at least one byte of syntax: twice the payload is always enough.
        char16_t* buf = textBuffer(type.size() + 2 * payload.size() + 16);
        std::memcpy(buf, type.utf16(), size_t(type.size()) * 2);
        char16_t* out = buf + type.size();
        const char* limit = payload.data() + payload.size();
        forEachValueToken(
            payload.data(), payload.data() + payload.size(), [&](const char* b, const char* e, bool escapes) {
                *out++ = u'\n';
                out = decodeInto(out, b, e, escapes, limit);
                return false;
            });
        return QStringView(buf, out - buf);
    }

    bool typeHoldsNeedle(const QString& type) const
    {
        const QByteArray utf8 = type.toUtf8();
        return std::any_of(regexNeedles.begin(), regexNeedles.end(),
            [&utf8](const Needle& n) { return containsNeedle(utf8.constData(), utf8.size(), n); });
    }

    // Could the frame hold one of the literals every match needs? Never false when it does.
    bool regexCandidate(const EventRecord& rec, QByteArrayView payload) const
    {
        Seen seen;
        for (const Needle& n : regexNeedles) {
            if (containsNeedle(payload.data(), payload.size(), n, &seen))
                return true;
        }
        if (rec.typeId != 0 && rec.typeId < regexTypeMatches.size() ? regexTypeMatches[rec.typeId] != 0
                                                                    : typeHoldsNeedle(typeNameOf(rec)))
            return true;
        if (!seen.backslash)
            return false;
        return escapesAsciiOf(payload, regexNeedleChars);
    }

    bool regexMatches(const EventRecord& rec, QByteArrayView payload) const
    {
        if (!regexNeedles.empty() && !regexCandidate(rec, payload))
            return false;
        return regex
            .match(buildText(rec, payload), 0, QRegularExpression::NormalMatch,
                QRegularExpression::DontCheckSubjectStringMatchOption)
            .hasMatch();
    }
};

void EventMatcher::Private::prepareText()
{
    query = filter.text;
    asciiQuery = std::all_of(query.cbegin(), query.cend(), [](QChar c) { return c.unicode() < 0x80; });
    if (asciiQuery)
        queryNeedle = Needle::caseless(query.toLatin1());

    const int n = TypeRegistry::instance().count();
    typeNameMatches.assign(size_t(n), 0);
    for (int id = 1; id < n; ++id)
        typeNameMatches[size_t(id)]
            = TypeRegistry::instance().name(quint16(id)).contains(query, Qt::CaseInsensitive);

    const QList<uint> ucs = query.toUcs4();
    // Runs of characters that appear in raw frames as themselves: [start, end) in ucs.
    qsizetype bestStart = 0, bestLen = 0;
    for (qsizetype i = 0; i < ucs.size();) {
        if (!isPlainAscii(ucs.at(i))) {
            ++i;
            continue;
        }
        qsizetype j = i;
        while (j < ucs.size() && isPlainAscii(ucs.at(j)))
            ++j;
        if (j - i > bestLen) {
            bestStart = i;
            bestLen = j - i;
        }
        i = j;
    }
    auto latin1 = [&ucs](qsizetype from, qsizetype count) {
        QByteArray run;
        for (qsizetype i = from; i < from + count; ++i)
            run.append(char(ucs.at(i)));
        return run;
    };
    auto noteChars = [this](const QByteArray& run) {
        for (char c : run) {
            needleChars[lowerAscii(quint8(c))] = true;
            needleChars[quint8(std::toupper(quint8(c)))] = true;
        }
    };

    qsizetype at = 0; // the first non-ASCII character
    while (at < ucs.size() && ucs.at(at) < 0x80)
        ++at;
    if (at >= ucs.size()) {
        // ASCII: the longest plain run (a query of only quotes or backslashes has none, and then
        // every payload is a candidate).
        if (bestLen > 0) {
            const QByteArray run = latin1(bestStart, bestLen);
            needle = Needle::caseless(run);
            noteChars(run);
        }
        return;
    }
    // Non-ASCII: Baserow escapes every such character (\u00e9). One pattern covers the escaped
    // spellings of the first one in all its case variants, with the plain ASCII around it; a
    // second one its raw UTF-8 spellings, searched only in frames that carry raw UTF-8.
    qsizetype before = at, after = at + 1;
    while (before > 0 && isPlainAscii(ucs.at(before - 1)))
        --before;
    while (after < ucs.size() && isPlainAscii(ucs.at(after)))
        ++after;
    const QByteArray head = latin1(before, at - before);
    const QByteArray tail = latin1(at + 1, after - at - 1);
    const char32_t cp = ucs.at(at);
    QList<char32_t> variants {cp, QChar::toLower(cp), QChar::toUpper(cp), QChar::toCaseFolded(cp)};
    std::sort(variants.begin(), variants.end());
    variants.erase(std::unique(variants.begin(), variants.end()), variants.end());
    QList<QByteArray> escaped, raw;
    for (char32_t v : std::as_const(variants)) {
        escaped << head + escapedForm(v) + tail;
        raw << head + utf8Form(v) + tail;
    }
    // Variants of different lengths (a BMP character whose other case is astral) cannot share
    // a pattern: fall back to the plain run, or to no prefilter.
    const auto sameLength = [](const QList<QByteArray>& list) {
        return std::all_of(
            list.begin(), list.end(), [&](const QByteArray& b) { return b.size() == list.first().size(); });
    };
    if (sameLength(escaped) && sameLength(raw)) {
        needle = Needle::anyOf(escaped);
        rawNeedle = Needle::anyOf(raw);
        noteChars(head + tail);
    } else if (bestLen > 0) {
        const QByteArray run = latin1(bestStart, bestLen);
        needle = Needle::caseless(run);
        noteChars(run);
    }
}

EventMatcher::EventMatcher(const EventFilter& filter) : d(std::make_unique<Private>())
{
    d->filter = filter;
    if (!filter.types.isEmpty()) {
        d->typeBits.assign(65536 / 64, 0);
        for (quint16 t : filter.types)
            d->typeBits[t >> 6] |= quint64(1) << (t & 63);
    }
    d->anyScope
        = !filter.workspaceIds.isEmpty() || !filter.applicationIds.isEmpty() || !filter.tableIds.isEmpty();
    d->hasText = !filter.text.isEmpty();
    if (d->hasText)
        d->prepareText();
    d->hasRegex = !filter.regex.isEmpty();
    if (d->hasRegex) {
        // Each value is a line of the text: ^ and $ anchor at values.
        d->regex = QRegularExpression(
            filter.regex, QRegularExpression::CaseInsensitiveOption | QRegularExpression::MultilineOption);
        d->valid = d->regex.isValid();
        if (!d->valid) {
            d->error = QCoreApplication::translate("bmon::EventMatcher", "invalid regular expression: %1")
                           .arg(d->regex.errorString());
        } else {
            d->regex.optimize(); // compile and JIT once, before threads share it
            const int n = TypeRegistry::instance().count();
            d->typeNames.reserve(n);
            for (int id = 0; id < n; ++id)
                d->typeNames.append(TypeRegistry::instance().name(quint16(id)));
            for (const QByteArray& literal : RequiredLiterals(filter.regex).parse()) {
                d->regexNeedles.push_back(Needle::caseless(literal));
                for (char c : literal) {
                    d->regexNeedleChars[lowerAscii(quint8(c))] = true;
                    d->regexNeedleChars[quint8(std::toupper(quint8(c)))] = true;
                }
            }
            d->regexTypeMatches.assign(size_t(n), 0);
            for (int id = 1; id < n; ++id)
                d->regexTypeMatches[size_t(id)] = d->typeHoldsNeedle(d->typeNames.at(id));
        }
    }
    d->recordOnly = !d->hasText && !d->hasRegex;
}

EventMatcher::~EventMatcher() = default;

bool EventMatcher::matches(const EventStore& store, quint64 index) const
{
    const EventRecord& rec = store.at(index);
    if (!d->recordMatches(rec))
        return false;
    if (d->recordOnly)
        return true;
    if (!d->valid)
        return false;
    const QByteArrayView payload = store.payload(rec);
    const bool result
        = (!d->hasText || d->textMatches(rec, payload)) && (!d->hasRegex || d->regexMatches(rec, payload));
    if (payload.size() > (qsizetype(1) << 18))
        trimTextBuffer();
    return result;
}

bool EventMatcher::isValid() const
{
    return d->valid;
}

QString EventMatcher::errorString() const
{
    return d->error;
}

// ------------------------------------------------------------------------------------------------

namespace {

// One scan: slices are taken in order by whichever worker is free; each slice's matches are
// kept apart and joined by the worker that completes the last slice.
struct ScanJob
{
    const EventStore* store = nullptr;
    std::shared_ptr<const EventMatcher> matcher;
    quint64 generation = 0;
    quint64 upTo = 0;
    quint64 sliceSize = 0;
    quint64 sliceCount = 0;
    std::vector<std::vector<quint64>> results;
    std::atomic<quint64> nextSlice {0};
    std::atomic<quint64> doneSlices {0};
    std::atomic<int> lastPercent {0};
    std::atomic<bool> cancelled {false};
};

} // namespace

struct FilterRunner::Private
{
    FilterRunner* q = nullptr;
    QThreadPool pool;
    quint64 generation = 0;
    std::shared_ptr<ScanJob> job; // the newest
    bool running = false;

    void deliverProgress(const std::shared_ptr<ScanJob>& j, int percent)
    {
        QPointer<FilterRunner> runner(q);
        QMetaObject::invokeMethod(
            q,
            [this, runner, j, percent] {
                if (runner && job == j && !j->cancelled.load())
                    emit q->progress(j->generation, percent);
            },
            Qt::QueuedConnection);
    }

    void deliverFinished(const std::shared_ptr<ScanJob>& j, QVector<quint64> rows)
    {
        QPointer<FilterRunner> runner(q);
        QMetaObject::invokeMethod(
            q,
            [this, runner, j, rows = std::move(rows)] {
                if (!runner || job != j || j->cancelled.load())
                    return; // a newer scan replaced it
                running = false;
                job.reset();
                emit q->finished(j->generation, rows, j->upTo);
            },
            Qt::QueuedConnection);
    }

    void work(const std::shared_ptr<ScanJob>& j)
    {
        for (;;) {
            if (j->cancelled.load(std::memory_order_relaxed))
                return;
            const quint64 slice = j->nextSlice.fetch_add(1);
            if (slice >= j->sliceCount)
                return;
            const quint64 from = slice * j->sliceSize;
            const quint64 to = std::min(j->upTo, from + j->sliceSize);
            std::vector<quint64>& out = j->results[slice];
            const EventMatcher& m = *j->matcher;
            for (quint64 i = from; i < to; ++i) {
                if (m.matches(*j->store, i))
                    out.push_back(i);
            }
            const quint64 done = j->doneSlices.fetch_add(1) + 1;
            if (done == j->sliceCount) {
                size_t total = 0;
                for (const auto& r : j->results)
                    total += r.size();
                QVector<quint64> rows;
                rows.resize(qsizetype(total));
                quint64* out = rows.data();
                for (auto& r : j->results) {
                    out = std::copy(r.begin(), r.end(), out);
                    std::vector<quint64>().swap(r);
                }
                deliverFinished(j, std::move(rows));
                return;
            }
            const int percent = int(done * 100 / j->sliceCount);
            int last = j->lastPercent.load();
            if (percent >= last + 5 && j->lastPercent.compare_exchange_strong(last, percent))
                deliverProgress(j, percent);
        }
    }
};

FilterRunner::FilterRunner(QObject* parent) : QObject(parent), d(std::make_shared<Private>())
{
    d->q = this;
    d->pool.setMaxThreadCount(qMax(1, QThread::idealThreadCount()));
    d->pool.setObjectName(QStringLiteral("bmon-filter"));
}

FilterRunner::~FilterRunner()
{
    cancel();
    d->pool.waitForDone(); // workers post to this object: none may outlive it
}

quint64 FilterRunner::start(const EventStore& store, const EventFilter& filter, quint64 upTo)
{
    cancel();
    const quint64 generation = ++d->generation;
    auto matcher = std::make_shared<const EventMatcher>(filter);
    upTo = qMin(upTo, store.count());
    if (!matcher->isValid()) {
        const QString message = matcher->errorString();
        QPointer<FilterRunner> self(this);
        QMetaObject::invokeMethod(
            this,
            [self, generation, message] {
                if (self && self->d->generation == generation)
                    emit self->failed(generation, message);
            },
            Qt::QueuedConnection);
        return generation;
    }
    auto job = std::make_shared<ScanJob>();
    job->store = &store;
    job->matcher = std::move(matcher);
    job->generation = generation;
    job->upTo = upTo;
    // Small slices when payloads are read: cancellation is checked between slices.
    job->sliceSize = filter.needsPayload() ? 8192 : 65536;
    job->sliceCount = (upTo + job->sliceSize - 1) / job->sliceSize;
    job->results.resize(size_t(job->sliceCount));
    d->job = job;
    d->running = true;
    if (job->sliceCount == 0) {
        d->deliverFinished(job, {});
        return generation;
    }
    const int workers = int(qMin<quint64>(job->sliceCount, quint64(d->pool.maxThreadCount())));
    Private* priv = d.get();
    for (int i = 0; i < workers; ++i)
        d->pool.start([priv, job] { priv->work(job); });
    return generation;
}

void FilterRunner::cancel()
{
    if (d->job)
        d->job->cancelled.store(true);
    d->job.reset();
    d->running = false;
}

bool FilterRunner::isRunning() const
{
    return d->running;
}

} // namespace bmon
