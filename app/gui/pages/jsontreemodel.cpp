// SPDX-License-Identifier: MIT
#include "jsontreemodel.h"

#include <QFont>

namespace bmon {

JsonTreeModel::JsonTreeModel(QObject* parent) : QAbstractItemModel(parent)
{ }

void JsonTreeModel::setTree(const JsonTree& tree)
{
    beginResetModel();
    m_tree = tree;
    endResetModel();
}

void JsonTreeModel::clear()
{
    setTree(JsonTree {});
}

void JsonTreeModel::refreshKeys()
{
    // dataChanged is per parent: one signal for each container's children.
    for (int i = 0; i < m_tree.size(); ++i) {
        const JsonTree::Node& n = m_tree.node(i);
        if (n.children.isEmpty())
            continue;
        const QModelIndex parent = createIndex(n.row, 0, quintptr(i + 1));
        emit dataChanged(index(0, KeyColumn, parent), index(int(n.children.size()) - 1, KeyColumn, parent),
            {Qt::DisplayRole});
    }
}

int JsonTreeModel::nodeOf(const QModelIndex& index) const
{
    // internalId is node index + 1 so that 0 can never be mistaken for a valid node.
    return index.isValid() ? int(index.internalId()) - 1 : -1;
}

QModelIndex JsonTreeModel::index(int row, int column, const QModelIndex& parent) const
{
    if (row < 0 || column < 0 || column >= ColumnCount || m_tree.isEmpty())
        return {};
    if (!parent.isValid())
        return row == 0 ? createIndex(0, column, quintptr(JsonTree::Root + 1)) : QModelIndex();
    if (parent.column() != 0)
        return {};
    const int p = nodeOf(parent);
    if (p < 0 || p >= m_tree.size())
        return {};
    const JsonTree::Node& n = m_tree.node(p);
    if (row >= n.children.size())
        return {};
    return createIndex(row, column, quintptr(n.children[row] + 1));
}

QModelIndex JsonTreeModel::parent(const QModelIndex& child) const
{
    const int c = nodeOf(child);
    if (c <= 0 || c >= m_tree.size())
        return {};
    const int p = m_tree.node(c).parent;
    if (p < 0)
        return {};
    return createIndex(m_tree.node(p).row, 0, quintptr(p + 1));
}

int JsonTreeModel::rowCount(const QModelIndex& parent) const
{
    if (m_tree.isEmpty())
        return 0;
    if (!parent.isValid())
        return 1;
    if (parent.column() != 0)
        return 0;
    const int p = nodeOf(parent);
    return p >= 0 && p < m_tree.size() ? int(m_tree.node(p).children.size()) : 0;
}

int JsonTreeModel::columnCount(const QModelIndex&) const
{
    return ColumnCount;
}

bool JsonTreeModel::hasChildren(const QModelIndex& parent) const
{
    return rowCount(parent) > 0;
}

QString JsonTreeModel::path(int node) const
{
    QStringList parts;
    for (int n = node; n > 0; n = m_tree.node(n).parent) {
        const JsonTree::Node& x = m_tree.node(n);
        const bool inArray = m_tree.node(x.parent).kind == JsonTree::Kind::Array;
        parts.prepend(inArray ? QString(u'[' + x.key + u']') : QString(u'.' + x.key));
    }
    return parts.isEmpty() ? QStringLiteral(".") : parts.join(QString());
}

QVariant JsonTreeModel::data(const QModelIndex& index, int role) const
{
    const int i = nodeOf(index);
    if (i < 0 || i >= m_tree.size())
        return {};
    const JsonTree::Node& n = m_tree.node(i);
    switch (role) {
    case Qt::DisplayRole:
    case Qt::EditRole:
        switch (index.column()) {
        case KeyColumn:
            if (i == JsonTree::Root)
                return tr("(payload)");
            if (m_tree.node(n.parent).kind == JsonTree::Kind::Array)
                return QString(u'[' + n.key + u']');
            if (m_keyHint) {
                const QString hint = m_keyHint(n.key);
                if (!hint.isEmpty())
                    return QString(n.key + QStringLiteral(" · ") + hint);
            }
            return n.key;
        case ValueColumn:
            if (n.kind == JsonTree::Kind::Object)
                return n.children.size() == 1 ? tr("1 key") : tr("%1 keys").arg(n.children.size());
            if (n.kind == JsonTree::Kind::Array)
                return n.children.size() == 1 ? tr("1 item") : tr("%1 items").arg(n.children.size());
            return n.value;
        case TypeColumn:
            return JsonTree::kindName(n.kind);
        }
        break;
    case Qt::ToolTipRole:
        if (index.column() == ValueColumn && (n.kind == JsonTree::Kind::String) && n.value.size() > 60)
            return n.value;
        return path(i);
    case Qt::FontRole:
        if (index.column() == ValueColumn && n.kind == JsonTree::Kind::Null) {
            QFont f;
            f.setItalic(true);
            return f;
        }
        break;
    case PathRole:
        return path(i);
    case JsonRole:
        return m_tree.text(i, false);
    default:
        break;
    }
    return {};
}

QVariant JsonTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case KeyColumn:
        return tr("Key");
    case ValueColumn:
        return tr("Value");
    case TypeColumn:
        return tr("Type");
    }
    return {};
}

} // namespace bmon
