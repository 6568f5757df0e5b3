// SPDX-License-Identifier: MIT
#include "models/workspacetreemodel.h"

#include "core/directory.h"
#include "core/eventrates.h"

#include <QLocale>

#include <algorithm>

namespace bmon {

struct WorkspaceTreeModel::Node
{
    NodeKind kind = NodeKind::Workspace;
    quint32 id = 0;
    QString name;
    QString applicationType;
    Node* parent = nullptr;
    int row = 0;
    std::vector<std::unique_ptr<Node>> children;

    void renumber()
    {
        for (size_t i = 0; i < children.size(); ++i)
            children[i]->row = int(i);
    }
};

//! What a node should look like after a Directory change.
struct WorkspaceTreeModel::Spec
{
    NodeKind kind;
    quint32 id;
    QString name;
    QString applicationType;
    std::vector<Spec> children;
};

WorkspaceTreeModel::WorkspaceTreeModel(QObject* parent)
    : QAbstractItemModel(parent), m_root(std::make_unique<Node>())
{ }

WorkspaceTreeModel::~WorkspaceTreeModel() = default;

void WorkspaceTreeModel::setSources(const Directory* directory, const EventRates* rates)
{
    for (const QMetaObject::Connection& c : std::as_const(m_connections))
        disconnect(c);
    m_connections.clear();
    beginResetModel();
    m_directory = directory;
    m_rates = rates;
    m_root = std::make_unique<Node>();
    endResetModel();
    if (directory) {
        m_connections << connect(directory, &Directory::changed, this, &WorkspaceTreeModel::rebuild);
        m_connections << connect(directory, &QObject::destroyed, this, [this] {
            m_directory = nullptr;
            rebuild();
        });
    }
    rebuild();
}

void WorkspaceTreeModel::rebuild()
{
    std::vector<Spec> wanted;
    if (m_directory) {
        for (const DirWorkspace& w : m_directory->workspaces()) {
            Spec ws {NodeKind::Workspace, w.id, w.name, QString(), {}};
            for (quint32 appId : w.applicationIds) {
                const DirApplication* a = m_directory->application(appId);
                if (!a)
                    continue;
                Spec app {NodeKind::Application, a->id, a->name, a->type, {}};
                for (quint32 tableId : a->tableIds) {
                    if (const DirTable* t = m_directory->table(tableId))
                        app.children.push_back(Spec {NodeKind::Table, t->id, t->name, QString(), {}});
                }
                ws.children.push_back(std::move(app));
            }
            wanted.push_back(std::move(ws));
        }
    }
    sync(m_root.get(), QModelIndex(), wanted);
}

/*
 * Brings node's children in line with wanted, by id: removals, then one layout change for a
 * new order (persistent indexes follow their nodes), then insertions, renames, and the same one
 * level down. Expanded and selected nodes stay what they were.
 */
void WorkspaceTreeModel::sync(Node* node, const QModelIndex& nodeIndex, const std::vector<Spec>& wanted)
{
    auto wants = [&wanted](const Node& n) {
        return std::any_of(
            wanted.begin(), wanted.end(), [&n](const Spec& s) { return s.kind == n.kind && s.id == n.id; });
    };
    for (int i = int(node->children.size()) - 1; i >= 0; --i) {
        if (wants(*node->children[size_t(i)]))
            continue;
        beginRemoveRows(nodeIndex, i, i);
        node->children.erase(node->children.begin() + i);
        node->renumber();
        endRemoveRows();
    }

    // Survivors in the wanted order.
    auto rank = [&wanted](const Node& n) {
        for (size_t i = 0; i < wanted.size(); ++i) {
            if (wanted[i].kind == n.kind && wanted[i].id == n.id)
                return i;
        }
        return wanted.size();
    };
    const bool sorted = std::is_sorted(node->children.begin(), node->children.end(),
        [&rank](const auto& a, const auto& b) { return rank(*a) < rank(*b); });
    if (!sorted) {
        const QList<QPersistentModelIndex> parents {QPersistentModelIndex(nodeIndex)};
        emit layoutAboutToBeChanged(parents, QAbstractItemModel::VerticalSortHint);
        QModelIndexList before;
        const QModelIndexList persistent = persistentIndexList();
        for (const QModelIndex& p : persistent) {
            if (static_cast<Node*>(p.internalPointer())->parent == node)
                before << p;
        }
        std::stable_sort(node->children.begin(), node->children.end(),
            [&rank](const auto& a, const auto& b) { return rank(*a) < rank(*b); });
        node->renumber();
        QModelIndexList after;
        for (const QModelIndex& p : std::as_const(before)) {
            Node* n = static_cast<Node*>(p.internalPointer());
            after << createIndex(n->row, p.column(), n);
        }
        changePersistentIndexList(before, after);
        emit layoutChanged(parents, QAbstractItemModel::VerticalSortHint);
    }

    for (size_t i = 0; i < wanted.size(); ++i) {
        const Spec& s = wanted[i];
        if (i < node->children.size() && node->children[i]->kind == s.kind && node->children[i]->id == s.id) {
            Node* n = node->children[i].get();
            if (n->name != s.name || n->applicationType != s.applicationType) {
                n->name = s.name;
                n->applicationType = s.applicationType;
                const QModelIndex changed = createIndex(int(i), NameColumn, n);
                emit dataChanged(changed, changed);
            }
            continue;
        }
        beginInsertRows(nodeIndex, int(i), int(i));
        auto n = std::make_unique<Node>();
        n->kind = s.kind;
        n->id = s.id;
        n->name = s.name;
        n->applicationType = s.applicationType;
        n->parent = node;
        node->children.insert(node->children.begin() + qsizetype(i), std::move(n));
        node->renumber();
        endInsertRows();
    }

    for (size_t i = 0; i < wanted.size(); ++i) {
        Node* child = node->children[i].get();
        sync(child, createIndex(int(i), 0, child), wanted[i].children);
    }
}

void WorkspaceTreeModel::refreshCounts()
{
    refreshCountsUnder(m_root.get(), QModelIndex());
}

void WorkspaceTreeModel::refreshCountsUnder(const Node* node, const QModelIndex& nodeIndex)
{
    if (node->children.empty())
        return;
    const int last = int(node->children.size()) - 1;
    emit dataChanged(
        index(0, EventsColumn, nodeIndex), index(last, RateColumn, nodeIndex), {Qt::DisplayRole});
    for (const auto& child : node->children)
        refreshCountsUnder(child.get(), createIndex(child->row, 0, child.get()));
}

WorkspaceTreeModel::Node* WorkspaceTreeModel::find(Node* node, NodeKind kind, quint32 id) const
{
    for (const auto& child : node->children) {
        if (child->kind == kind && child->id == id)
            return child.get();
        if (Node* found = find(child.get(), kind, id))
            return found;
    }
    return nullptr;
}

QModelIndex WorkspaceTreeModel::indexFor(NodeKind kind, quint32 id) const
{
    Node* n = find(m_root.get(), kind, id);
    return n ? createIndex(n->row, 0, n) : QModelIndex();
}

WorkspaceTreeModel::Node* WorkspaceTreeModel::nodeOf(const QModelIndex& index) const
{
    return index.isValid() ? static_cast<Node*>(index.internalPointer()) : m_root.get();
}

QModelIndex WorkspaceTreeModel::index(int row, int column, const QModelIndex& parent) const
{
    if (row < 0 || column < 0 || column >= ColumnCount || (parent.isValid() && parent.column() != 0))
        return {};
    Node* p = nodeOf(parent);
    if (row >= int(p->children.size()))
        return {};
    return createIndex(row, column, p->children[size_t(row)].get());
}

QModelIndex WorkspaceTreeModel::parent(const QModelIndex& child) const
{
    if (!child.isValid())
        return {};
    Node* p = static_cast<Node*>(child.internalPointer())->parent;
    if (!p || p == m_root.get())
        return {};
    return createIndex(p->row, 0, p);
}

int WorkspaceTreeModel::rowCount(const QModelIndex& parent) const
{
    if (parent.isValid() && parent.column() != 0)
        return 0;
    return int(nodeOf(parent)->children.size());
}

int WorkspaceTreeModel::columnCount(const QModelIndex&) const
{
    return ColumnCount;
}

QVariant WorkspaceTreeModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid())
        return {};
    const Node* n = static_cast<Node*>(index.internalPointer());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameColumn:
            if (!n->name.isEmpty())
                return n->name;
            switch (n->kind) {
            case NodeKind::Workspace:
                return tr("ws %1").arg(n->id);
            case NodeKind::Application:
                return tr("db %1").arg(n->id);
            case NodeKind::Table:
                return tr("table %1").arg(n->id);
            }
            break;
        case EventsColumn: {
            if (!m_rates)
                return QVariant();
            switch (n->kind) {
            case NodeKind::Workspace:
                return m_rates->countForWorkspace(n->id);
            case NodeKind::Application:
                return m_rates->countForApplication(n->id);
            case NodeKind::Table:
                return m_rates->countForTable(n->id);
            }
            break;
        }
        case RateColumn: {
            if (!m_rates)
                return QVariant();
            double rate = 0;
            switch (n->kind) {
            case NodeKind::Workspace:
                rate = m_rates->rateForWorkspace(n->id);
                break;
            case NodeKind::Application:
                rate = m_rates->rateForApplication(n->id);
                break;
            case NodeKind::Table:
                rate = m_rates->rateForTable(n->id);
                break;
            }
            return QLocale().toString(rate, 'f', 1);
        }
        }
        break;
    case Qt::ToolTipRole:
        if (n->kind == NodeKind::Application && !n->applicationType.isEmpty())
            return tr("%1 (%2, id %3)").arg(n->name, n->applicationType).arg(n->id);
        return tr("%1 (id %2)").arg(n->name).arg(n->id);
    case Qt::TextAlignmentRole:
        if (index.column() != NameColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        break;
    case KindRole:
        return int(n->kind);
    case IdRole:
        return n->id;
    case ApplicationTypeRole:
        return n->kind == NodeKind::Application ? n->applicationType : QString();
    default:
        break;
    }
    return {};
}

QVariant WorkspaceTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn:
        return tr("Name");
    case EventsColumn:
        return tr("Events");
    case RateColumn:
        return tr("Events/s");
    }
    return {};
}

} // namespace bmon
