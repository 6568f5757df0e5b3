// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

#include <vector>

namespace bmon {

/*!
 * One payload parsed for display: a tree of nodes in document order, with numbers kept as the
 * text received (QJsonDocument sorts keys and rounds big integers; the details pane must show
 * what arrived). Built on JsonReader, so it accepts exactly what the classifier accepts. Only the
 * selected event is parsed; nothing here is cached per row.
 *
 * Nodes live in one vector and refer to each other by index (0 is the root value).
 */
class JsonTree
{
public:
    enum class Kind : quint8
    {
        Object,
        Array,
        String,
        Number,
        Bool,
        Null
    };

    struct Node
    {
        int parent = -1;
        int row = 0; //!< position among the parent's children
        Kind kind = Kind::Null;
        QString key; //!< member name (decoded); array elements: their index
        QString value; //!< decoded string, number text, "true", "false", "null"; containers: ""
        QByteArray raw; //!< strings: the text between the quotes as received (escapes kept)
        QList<int> children;
    };

    //! Parses \a json; false with a translated message when it is not valid JSON. Trees with more
    //! than \a maxNodes nodes are cut (truncated() tells) so a huge frame cannot freeze the pane.
    bool parse(QByteArrayView json, QString* error = nullptr, int maxNodes = 200000);
    void clear();

    bool isEmpty() const { return m_nodes.empty(); }
    bool truncated() const { return m_truncated; }
    int size() const { return int(m_nodes.size()); }
    const Node& node(int index) const { return m_nodes[size_t(index)]; }
    static constexpr int Root = 0;

    //! The child of \a parent named \a key (objects), or -1.
    int member(int parent, QStringView key) const;
    //! "Kind" name for display: object, array, string, number, boolean, null.
    static QString kindName(Kind kind);

    //! JSON text of a subtree, compact ({"a":1}) or indented by 2 spaces; key order, number text
    //! and string escapes as received.
    QString text(int index = Root, bool pretty = false) const;
    //! A readable one-liner for a cell value: strings unquoted, select options by their "value",
    //! arrays joined with ", ", null empty, other objects as compact JSON.
    QString displayValue(int index) const;

private:
    void write(QString& out, int index, bool pretty, int depth) const;

    std::vector<Node> m_nodes;
    bool m_truncated = false;
};

} // namespace bmon
