// SPDX-License-Identifier: MIT
#include "sim/pyjson.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>

#include <cmath>
#include <limits>

namespace bmon::sim {

namespace {
const PyArray& emptyArray()
{
    static const PyArray a;
    return a;
}
const PyObject& emptyObject()
{
    static const PyObject o;
    return o;
}
} // namespace

PyValue::PyValue(bool b) : m_type(Type::Bool)
{
    m_scalar.b = b;
}
PyValue::PyValue(int i) : m_type(Type::Int)
{
    m_scalar.i = i;
}
PyValue::PyValue(qint64 i) : m_type(Type::Int)
{
    m_scalar.i = i;
}
PyValue::PyValue(double d) : m_type(Type::Double)
{
    m_scalar.d = d;
}
PyValue::PyValue(const QString& s) : m_type(Type::String), m_string(s)
{ }
PyValue::PyValue(QLatin1String s) : m_type(Type::String), m_string(s)
{ }
PyValue::PyValue(PyArray a) : m_type(Type::Array), m_array(std::make_shared<const PyArray>(std::move(a)))
{ }
PyValue::PyValue(PyObject o) : m_type(Type::Object), m_object(std::make_shared<const PyObject>(std::move(o)))
{ }

qint64 PyValue::toInt(qint64 fallback) const
{
    switch (m_type) {
    case Type::Int:
        return m_scalar.i;
    case Type::Double:
        return std::isfinite(m_scalar.d) ? qint64(m_scalar.d) : fallback;
    case Type::Bool:
        return m_scalar.b ? 1 : 0;
    default:
        return fallback;
    }
}

double PyValue::toDouble(double fallback) const
{
    switch (m_type) {
    case Type::Int:
        return double(m_scalar.i);
    case Type::Double:
        return m_scalar.d;
    case Type::Bool:
        return m_scalar.b ? 1 : 0;
    default:
        return fallback;
    }
}

const PyArray& PyValue::array() const
{
    return m_array ? *m_array : emptyArray();
}
const PyObject& PyValue::object() const
{
    return m_object ? *m_object : emptyObject();
}

bool PyValue::truthy() const
{
    switch (m_type) {
    case Type::Null:
        return false;
    case Type::Bool:
        return m_scalar.b;
    case Type::Int:
        return m_scalar.i != 0;
    case Type::Double:
        return m_scalar.d != 0;
    case Type::String:
        return !m_string.isEmpty();
    case Type::Array:
        return !array().isEmpty();
    case Type::Object:
        return !object().isEmpty();
    }
    return false;
}

bool PyValue::pyEquals(const PyValue& other) const
{
    const bool numeric = m_type == Type::Bool || isNumber();
    const bool otherNumeric = other.m_type == Type::Bool || other.isNumber();
    if (numeric && otherNumeric) {
        if (m_type != Type::Double && other.m_type != Type::Double)
            return toInt() == other.toInt();
        return toDouble() == other.toDouble();
    }
    if (m_type != other.m_type)
        return false;
    switch (m_type) {
    case Type::Null:
        return true;
    case Type::String:
        return m_string == other.m_string;
    case Type::Array: {
        const PyArray& a = array();
        const PyArray& b = other.array();
        if (a.size() != b.size())
            return false;
        for (qsizetype i = 0; i < a.size(); ++i) {
            if (!a.at(i).pyEquals(b.at(i)))
                return false;
        }
        return true;
    }
    case Type::Object: {
        const PyObject& a = object();
        const PyObject& b = other.object();
        if (a.size() != b.size())
            return false;
        for (const auto& [key, value] : a) {
            const PyValue* v = b.find(key);
            if (!v || !value.pyEquals(*v))
                return false;
        }
        return true;
    }
    default:
        return false;
    }
}

PyValue PyValue::fromJson(const QJsonValue& value)
{
    switch (value.type()) {
    case QJsonValue::Bool:
        return PyValue(value.toBool());
    case QJsonValue::Double: {
        const double d = value.toDouble();
        if (std::floor(d) == d && std::abs(d) < 9e15)
            return PyValue(qint64(d));
        return PyValue(d);
    }
    case QJsonValue::String:
        return PyValue(value.toString());
    case QJsonValue::Array: {
        PyArray a;
        const QJsonArray arr = value.toArray();
        for (const QJsonValue& v : arr)
            a.append(fromJson(v));
        return PyValue(std::move(a));
    }
    case QJsonValue::Object: {
        PyObject o;
        const QJsonObject obj = value.toObject();
        for (auto it = obj.begin(); it != obj.end(); ++it)
            o.insert(it.key(), fromJson(it.value()));
        return PyValue(std::move(o));
    }
    default:
        return PyValue();
    }
}

QJsonValue PyValue::toJson() const
{
    switch (m_type) {
    case Type::Null:
        return QJsonValue(QJsonValue::Null);
    case Type::Bool:
        return QJsonValue(m_scalar.b);
    case Type::Int:
        return QJsonValue(m_scalar.i);
    case Type::Double:
        return QJsonValue(m_scalar.d);
    case Type::String:
        return QJsonValue(m_string);
    case Type::Array: {
        QJsonArray a;
        for (const PyValue& v : array())
            a.append(v.toJson());
        return a;
    }
    case Type::Object: {
        QJsonObject o;
        for (const auto& [key, value] : object())
            o.insert(key, value.toJson());
        return o;
    }
    }
    return QJsonValue();
}

PyObject::PyObject(std::initializer_list<Item> items)
{
    m_items.reserve(items.size());
    for (const Item& item : items)
        insert(item.first, item.second);
}

PyObject& PyObject::insert(const QString& key, PyValue value)
{
    for (Item& item : m_items) {
        if (item.first == key) {
            item.second = std::move(value);
            return *this;
        }
    }
    m_items.emplace_back(key, std::move(value));
    return *this;
}

const PyValue* PyObject::find(QStringView key) const
{
    for (const Item& item : m_items) {
        if (item.first == key)
            return &item.second;
    }
    return nullptr;
}

PyValue PyObject::value(QStringView key) const
{
    const PyValue* v = find(key);
    return v ? *v : PyValue();
}

void PyObject::remove(QStringView key)
{
    for (auto it = m_items.begin(); it != m_items.end(); ++it) {
        if (it->first == key) {
            m_items.erase(it);
            return;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Writer

namespace {

void appendString(const QString& s, QByteArray& out)
{
    static const char hex[] = "0123456789abcdef";
    out.append('"');
    const char16_t* p = reinterpret_cast<const char16_t*>(s.constData());
    const char16_t* end = p + s.size();
    for (; p != end; ++p) {
        const char16_t c = *p;
        if (c >= 0x20 && c < 0x7f) {
            if (c == u'"')
                out.append("\\\"", 2);
            else if (c == u'\\')
                out.append("\\\\", 2);
            else
                out.append(char(c));
            continue;
        }
        switch (c) {
        case u'\n':
            out.append("\\n", 2);
            break;
        case u'\r':
            out.append("\\r", 2);
            break;
        case u'\t':
            out.append("\\t", 2);
            break;
        case u'\b':
            out.append("\\b", 2);
            break;
        case u'\f':
            out.append("\\f", 2);
            break;
        default: {
            // ensure_ascii: every other code unit (astral characters are already surrogate pairs).
            const char buf[6]
                = {'\\', 'u', hex[(c >> 12) & 0xf], hex[(c >> 8) & 0xf], hex[(c >> 4) & 0xf], hex[c & 0xf]};
            out.append(buf, 6);
        }
        }
    }
    out.append('"');
}

// float.__repr__: shortest round-trip digits, fixed notation for 1e-4 <= |x| < 1e16, else
// scientific with a signed two-digit (at least) exponent.
void appendDouble(double d, QByteArray& out)
{
    if (std::isnan(d)) {
        out.append("NaN");
        return;
    }
    if (std::isinf(d)) {
        out.append(d > 0 ? "Infinity" : "-Infinity");
        return;
    }
    if (d == 0) {
        out.append(std::signbit(d) ? "-0.0" : "0.0");
        return;
    }
    const QByteArray sci = QByteArray::number(d, 'e', QLocale::FloatingPointShortest); // -d.ddde+XX
    const qsizetype ePos = sci.indexOf('e');
    QByteArray mantissa = sci.left(ePos);
    const int exponent = sci.mid(ePos + 1).toInt();
    const bool negative = mantissa.startsWith('-');
    if (negative)
        mantissa.remove(0, 1);
    QByteArray digits = mantissa;
    digits.replace(".", "");
    if (negative)
        out.append('-');
    if (exponent >= -4 && exponent < 16) {
        if (exponent < 0) {
            out.append("0.");
            out.append(QByteArray(-exponent - 1, '0'));
            out.append(digits);
        } else if (digits.size() <= exponent + 1) {
            out.append(digits);
            out.append(QByteArray(exponent + 1 - digits.size(), '0'));
            out.append(".0");
        } else {
            out.append(digits.left(exponent + 1));
            out.append('.');
            out.append(digits.mid(exponent + 1));
        }
        return;
    }
    out.append(digits.left(1));
    if (digits.size() > 1) {
        out.append('.');
        out.append(digits.mid(1));
    }
    out.append('e');
    out.append(exponent < 0 ? '-' : '+');
    const int absExp = std::abs(exponent);
    if (absExp < 10)
        out.append('0');
    out.append(QByteArray::number(absExp));
}

} // namespace

void pyDumpsAppend(const PyValue& value, QByteArray& out)
{
    switch (value.type()) {
    case PyValue::Type::Null:
        out.append("null", 4);
        return;
    case PyValue::Type::Bool:
        if (value.toBool())
            out.append("true", 4);
        else
            out.append("false", 5);
        return;
    case PyValue::Type::Int:
        out.append(QByteArray::number(value.toInt()));
        return;
    case PyValue::Type::Double:
        appendDouble(value.toDouble(), out);
        return;
    case PyValue::Type::String:
        appendString(value.toString(), out);
        return;
    case PyValue::Type::Array: {
        out.append('[');
        bool first = true;
        for (const PyValue& v : value.array()) {
            if (!first)
                out.append(", ", 2);
            first = false;
            pyDumpsAppend(v, out);
        }
        out.append(']');
        return;
    }
    case PyValue::Type::Object: {
        out.append('{');
        bool first = true;
        for (const auto& [key, v] : value.object()) {
            if (!first)
                out.append(", ", 2);
            first = false;
            appendString(key, out);
            out.append(": ", 2);
            pyDumpsAppend(v, out);
        }
        out.append('}');
        return;
    }
    }
}

QByteArray pyDumps(const PyValue& value)
{
    QByteArray out;
    out.reserve(256);
    pyDumpsAppend(value, out);
    return out;
}

// ---------------------------------------------------------------------------------------------
// Reader

namespace {

class Parser
{
public:
    Parser(QByteArrayView text, int maxDepth) : m_text(text), m_maxDepth(maxDepth) { }

    std::optional<PyValue> parseDocument()
    {
        skipWs();
        auto v = parseValue(0);
        if (!v)
            return std::nullopt;
        skipWs();
        if (m_pos != m_text.size())
            return fail("Extra data");
        return v;
    }

    QString error() const { return m_error; }

private:
    std::nullopt_t fail(const char* what)
    {
        if (m_error.isEmpty()) {
            int line = 1;
            qsizetype lineStart = 0;
            for (qsizetype i = 0; i < m_pos && i < m_text.size(); ++i) {
                if (m_text[i] == '\n') {
                    ++line;
                    lineStart = i + 1;
                }
            }
            m_error = QStringLiteral("%1: line %2 column %3 (char %4)")
                          .arg(QLatin1String(what))
                          .arg(line)
                          .arg(m_pos - lineStart + 1)
                          .arg(m_pos);
        }
        return std::nullopt;
    }

    void skipWs()
    {
        while (m_pos < m_text.size()) {
            const char c = m_text[m_pos];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
                break;
            ++m_pos;
        }
    }

    bool startsWith(const char* lit) const
    {
        const qsizetype n = qsizetype(qstrlen(lit));
        return m_text.size() - m_pos >= n && m_text.sliced(m_pos, n) == QByteArrayView(lit, n);
    }

    std::optional<PyValue> parseValue(int depth)
    {
        if (m_pos >= m_text.size())
            return fail("Expecting value");
        const char c = m_text[m_pos];
        switch (c) {
        case '{':
            return parseObject(depth + 1);
        case '[':
            return parseArray(depth + 1);
        case '"': {
            auto s = parseString();
            if (!s)
                return std::nullopt;
            return PyValue(*s);
        }
        case 'n':
            if (startsWith("null")) {
                m_pos += 4;
                return PyValue();
            }
            break;
        case 't':
            if (startsWith("true")) {
                m_pos += 4;
                return PyValue(true);
            }
            break;
        case 'f':
            if (startsWith("false")) {
                m_pos += 5;
                return PyValue(false);
            }
            break;
        case 'N':
            if (startsWith("NaN")) {
                m_pos += 3;
                return PyValue(std::numeric_limits<double>::quiet_NaN());
            }
            break;
        case 'I':
            if (startsWith("Infinity")) {
                m_pos += 8;
                return PyValue(std::numeric_limits<double>::infinity());
            }
            break;
        default:
            break;
        }
        if (c == '-' && startsWith("-Infinity")) {
            m_pos += 9;
            return PyValue(-std::numeric_limits<double>::infinity());
        }
        if (c == '-' || (c >= '0' && c <= '9'))
            return parseNumber();
        return fail("Expecting value");
    }

    std::optional<PyValue> parseNumber()
    {
        const qsizetype start = m_pos;
        auto digit
            = [this]() { return m_pos < m_text.size() && m_text[m_pos] >= '0' && m_text[m_pos] <= '9'; };
        if (m_text[m_pos] == '-')
            ++m_pos;
        if (!digit())
            return fail("Expecting value");
        if (m_text[m_pos] == '0')
            ++m_pos;
        else
            while (digit())
                ++m_pos;
        bool isFloat = false;
        if (m_pos + 1 < m_text.size() && m_text[m_pos] == '.' && m_text[m_pos + 1] >= '0'
            && m_text[m_pos + 1] <= '9') {
            isFloat = true;
            ++m_pos;
            while (digit())
                ++m_pos;
        }
        if (m_pos < m_text.size() && (m_text[m_pos] == 'e' || m_text[m_pos] == 'E')) {
            qsizetype p = m_pos + 1;
            if (p < m_text.size() && (m_text[p] == '+' || m_text[p] == '-'))
                ++p;
            if (p < m_text.size() && m_text[p] >= '0' && m_text[p] <= '9') {
                isFloat = true;
                m_pos = p;
                while (digit())
                    ++m_pos;
            }
        }
        const QByteArray token = m_text.sliced(start, m_pos - start).toByteArray();
        if (!isFloat) {
            bool ok = false;
            const qint64 i = token.toLongLong(&ok);
            if (ok)
                return PyValue(i);
        }
        // Floats, and integers beyond 64 bits (Python keeps those exact; we approximate).
        return PyValue(token.toDouble());
    }

    std::optional<QString> parseString()
    {
        const qsizetype start = m_pos;
        ++m_pos; // opening quote
        QString result;
        qsizetype runStart = m_pos;
        auto flush = [&]() {
            if (m_pos > runStart)
                result.append(QString::fromUtf8(m_text.sliced(runStart, m_pos - runStart)));
        };
        while (true) {
            if (m_pos >= m_text.size()) {
                m_pos = start;
                return fail("Unterminated string starting at");
            }
            const unsigned char c = static_cast<unsigned char>(m_text[m_pos]);
            if (c == '"') {
                flush();
                ++m_pos;
                return result;
            }
            if (c < 0x20)
                return fail("Invalid control character at");
            if (c != '\\') {
                ++m_pos;
                continue;
            }
            flush();
            if (m_pos + 1 >= m_text.size()) {
                m_pos = start;
                return fail("Unterminated string starting at");
            }
            const char e = m_text[m_pos + 1];
            switch (e) {
            case '"':
                result.append(u'"');
                break;
            case '\\':
                result.append(u'\\');
                break;
            case '/':
                result.append(u'/');
                break;
            case 'b':
                result.append(u'\b');
                break;
            case 'f':
                result.append(u'\f');
                break;
            case 'n':
                result.append(u'\n');
                break;
            case 'r':
                result.append(u'\r');
                break;
            case 't':
                result.append(u'\t');
                break;
            case 'u': {
                if (m_pos + 6 > m_text.size())
                    return fail("Invalid \\uXXXX escape");
                bool ok = false;
                const uint code = m_text.sliced(m_pos + 2, 4).toByteArray().toUInt(&ok, 16);
                if (!ok)
                    return fail("Invalid \\uXXXX escape");
                result.append(QChar(char16_t(code)));
                m_pos += 6;
                runStart = m_pos;
                continue;
            }
            default:
                return fail("Invalid \\escape");
            }
            m_pos += 2;
            runStart = m_pos;
        }
    }

    std::optional<PyValue> parseArray(int depth)
    {
        if (depth > m_maxDepth)
            return fail("Nesting too deep");
        ++m_pos;
        PyArray array;
        skipWs();
        if (m_pos < m_text.size() && m_text[m_pos] == ']') {
            ++m_pos;
            return PyValue(std::move(array));
        }
        while (true) {
            skipWs();
            auto v = parseValue(depth);
            if (!v)
                return std::nullopt;
            array.append(std::move(*v));
            skipWs();
            if (m_pos < m_text.size() && m_text[m_pos] == ',') {
                ++m_pos;
                continue;
            }
            if (m_pos < m_text.size() && m_text[m_pos] == ']') {
                ++m_pos;
                return PyValue(std::move(array));
            }
            return fail("Expecting ',' delimiter");
        }
    }

    std::optional<PyValue> parseObject(int depth)
    {
        if (depth > m_maxDepth)
            return fail("Nesting too deep");
        ++m_pos;
        PyObject object;
        QHash<QString, qsizetype> index; // keeps duplicate-key handling linear for huge objects
        skipWs();
        if (m_pos < m_text.size() && m_text[m_pos] == '}') {
            ++m_pos;
            return PyValue(std::move(object));
        }
        while (true) {
            skipWs();
            if (m_pos >= m_text.size() || m_text[m_pos] != '"')
                return fail("Expecting property name enclosed in double quotes");
            auto key = parseString();
            if (!key)
                return std::nullopt;
            skipWs();
            if (m_pos >= m_text.size() || m_text[m_pos] != ':')
                return fail("Expecting ':' delimiter");
            ++m_pos;
            skipWs();
            auto v = parseValue(depth);
            if (!v)
                return std::nullopt;
            const auto known = index.constFind(*key);
            if (known != index.constEnd()) {
                object.replaceAt(*known, std::move(*v)); // json.loads: the last value wins
            } else {
                index.insert(*key, object.size());
                object.appendNew(std::move(*key), std::move(*v));
            }
            skipWs();
            if (m_pos < m_text.size() && m_text[m_pos] == ',') {
                ++m_pos;
                continue;
            }
            if (m_pos < m_text.size() && m_text[m_pos] == '}') {
                ++m_pos;
                return PyValue(std::move(object));
            }
            return fail("Expecting ',' delimiter");
        }
    }

    QByteArrayView m_text;
    qsizetype m_pos = 0;
    int m_maxDepth;
    QString m_error;
};

} // namespace

std::optional<PyValue> pyLoads(QByteArrayView text, QString* error, int maxDepth)
{
    Parser parser(text, maxDepth);
    auto v = parser.parseDocument();
    if (!v && error)
        *error = parser.error();
    return v;
}

} // namespace bmon::sim
