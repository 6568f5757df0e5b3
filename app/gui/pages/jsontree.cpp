// SPDX-License-Identifier: MIT
#include "jsontree.h"

#include "core/classifier.h"
#include "core/jsonreader.h"

#include <QCoreApplication>

namespace bmon {

namespace {

QString fromRaw(std::string_view raw, bool escaped)
{
    if (!escaped)
        return QString::fromUtf8(raw.data(), qsizetype(raw.size()));
    const std::string decoded = JsonReader::decodeString(raw);
    return QString::fromUtf8(decoded.data(), qsizetype(decoded.size()));
}

class Builder
{
public:
    Builder(std::vector<JsonTree::Node>& nodes, int maxNodes) : m_nodes(nodes), m_maxNodes(maxNodes) { }

    bool value(JsonReader& r, int parent, QString key)
    {
        const int index = add(parent, std::move(key));
        switch (r.peek()) {
        case JsonReader::Token::ObjectBegin: {
            at(index).kind = JsonTree::Kind::Object;
            if (!r.enterObject())
                return false;
            std::string_view k;
            while (r.nextMember(k)) {
                QString name = fromRaw(k, r.lastStringHadEscapes());
                if (full()) {
                    if (!r.skipValue())
                        return false;
                    continue;
                }
                if (!value(r, index, std::move(name)))
                    return false;
            }
            return !r.failed();
        }
        case JsonReader::Token::ArrayBegin: {
            at(index).kind = JsonTree::Kind::Array;
            if (!r.enterArray())
                return false;
            int i = 0;
            while (r.nextElement()) {
                if (full()) {
                    if (!r.skipValue())
                        return false;
                    continue;
                }
                if (!value(r, index, QString::number(i++)))
                    return false;
            }
            return !r.failed();
        }
        case JsonReader::Token::String: {
            std::string_view raw;
            if (!r.readString(raw))
                return false;
            JsonTree::Node& n = at(index);
            n.kind = JsonTree::Kind::String;
            n.raw = QByteArray(raw.data(), qsizetype(raw.size()));
            n.value = fromRaw(raw, r.lastStringHadEscapes());
            return true;
        }
        case JsonReader::Token::Number: {
            std::string_view raw;
            if (!r.readNumber(raw))
                return false;
            at(index).kind = JsonTree::Kind::Number;
            at(index).value = QString::fromLatin1(raw.data(), qsizetype(raw.size()));
            return true;
        }
        case JsonReader::Token::True:
        case JsonReader::Token::False:
        case JsonReader::Token::Null: {
            const JsonReader::Token t = r.peek();
            if (!r.skipValue())
                return false;
            JsonTree::Node& n = at(index);
            n.kind = t == JsonReader::Token::Null ? JsonTree::Kind::Null : JsonTree::Kind::Bool;
            n.value = t == JsonReader::Token::True ? QStringLiteral("true")
                : t == JsonReader::Token::False    ? QStringLiteral("false")
                                                   : QStringLiteral("null");
            return true;
        }
        default:
            r.skipValue(); // records the error
            return false;
        }
    }

    bool truncated = false;

private:
    JsonTree::Node& at(int index) { return m_nodes[size_t(index)]; }
    bool full()
    {
        if (int(m_nodes.size()) < m_maxNodes)
            return false;
        truncated = true;
        return true;
    }
    int add(int parent, QString key)
    {
        const int index = int(m_nodes.size());
        JsonTree::Node n;
        n.parent = parent;
        n.key = std::move(key);
        if (parent >= 0) {
            n.row = int(at(parent).children.size());
            at(parent).children.append(index);
        }
        m_nodes.push_back(std::move(n));
        return index;
    }

    std::vector<JsonTree::Node>& m_nodes;
    int m_maxNodes;
};

void appendQuoted(QString& out, const QString& text)
{
    // Keys and values re-quoted; only what JSON requires is escaped.
    out += u'"';
    for (QChar c : text) {
        switch (c.unicode()) {
        case '"':
            out += QLatin1String("\\\"");
            break;
        case '\\':
            out += QLatin1String("\\\\");
            break;
        case '\n':
            out += QLatin1String("\\n");
            break;
        case '\r':
            out += QLatin1String("\\r");
            break;
        case '\t':
            out += QLatin1String("\\t");
            break;
        default:
            if (c.unicode() < 0x20)
                out += QStringLiteral("\\u%1").arg(c.unicode(), 4, 16, QLatin1Char('0'));
            else
                out += c;
        }
    }
    out += u'"';
}

} // namespace

bool JsonTree::parse(QByteArrayView json, QString* error, int maxNodes)
{
    clear();
    JsonReader r(json.data(), json.data() + json.size());
    Builder b(m_nodes, qMax(1, maxNodes));
    const bool ok = b.value(r, -1, QString()) && r.finish();
    if (!ok || r.failed()) {
        if (error) {
            *error = QCoreApplication::translate("bmon::JsonTree", "not valid JSON at byte %1: %2")
                         .arg(r.errorOffset())
                         .arg(jsonErrorText(r.error()));
        }
        clear();
        return false;
    }
    m_truncated = b.truncated;
    return true;
}

void JsonTree::clear()
{
    m_nodes.clear();
    m_truncated = false;
}

int JsonTree::member(int parent, QStringView key) const
{
    if (parent < 0 || parent >= size() || node(parent).kind != Kind::Object)
        return -1;
    for (int child : node(parent).children) {
        if (node(child).key == key)
            return child;
    }
    return -1;
}

QString JsonTree::kindName(Kind kind)
{
    switch (kind) {
    case Kind::Object:
        return QCoreApplication::translate("bmon::JsonTree", "object");
    case Kind::Array:
        return QCoreApplication::translate("bmon::JsonTree", "array");
    case Kind::String:
        return QCoreApplication::translate("bmon::JsonTree", "string");
    case Kind::Number:
        return QCoreApplication::translate("bmon::JsonTree", "number");
    case Kind::Bool:
        return QCoreApplication::translate("bmon::JsonTree", "boolean");
    case Kind::Null:
        return QCoreApplication::translate("bmon::JsonTree", "null");
    }
    return {};
}

QString JsonTree::text(int index, bool pretty) const
{
    QString out;
    if (index >= 0 && index < size())
        write(out, index, pretty, 0);
    return out;
}

void JsonTree::write(QString& out, int index, bool pretty, int depth) const
{
    const Node& n = node(index);
    auto newline = [&](int d) {
        if (pretty) {
            out += u'\n';
            out += QString(d * 2, u' ');
        }
    };
    switch (n.kind) {
    case Kind::Object:
    case Kind::Array: {
        const bool object = n.kind == Kind::Object;
        out += object ? u'{' : u'[';
        if (n.children.isEmpty()) {
            out += object ? u'}' : u']';
            return;
        }
        bool first = true;
        for (int child : n.children) {
            if (!first)
                out += u',';
            first = false;
            newline(depth + 1);
            if (object) {
                appendQuoted(out, node(child).key);
                out += pretty ? QLatin1String(": ") : QLatin1String(":");
            }
            write(out, child, pretty, depth + 1);
        }
        newline(depth);
        out += object ? u'}' : u']';
        return;
    }
    case Kind::String:
        out += u'"';
        out += QString::fromUtf8(n.raw);
        out += u'"';
        return;
    default:
        out += n.value;
        return;
    }
}

QString JsonTree::displayValue(int index) const
{
    if (index < 0 || index >= size())
        return {};
    const Node& n = node(index);
    switch (n.kind) {
    case Kind::Null:
        return {};
    case Kind::String:
    case Kind::Number:
    case Kind::Bool:
        return n.value;
    case Kind::Array: {
        QStringList parts;
        for (int child : n.children)
            parts.append(displayValue(child));
        return parts.join(QLatin1String(", "));
    }
    case Kind::Object: {
        // Select options {"id","value","color"}, link rows {"id","value"}, users {"id","name"}.
        for (const char16_t* key : {u"value", u"name"}) {
            const int v = member(index, QStringView(key));
            if (v >= 0 && node(v).kind != Kind::Object && node(v).kind != Kind::Array)
                return displayValue(v);
        }
        return text(index, false);
    }
    }
    return {};
}

} // namespace bmon
