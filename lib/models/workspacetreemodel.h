// SPDX-License-Identifier: MIT
#pragma once

#include <QAbstractItemModel>
#include <QList>

#include <memory>
#include <vector>

namespace bmon {

class Directory;
class EventRates;

/*!
 * Workspaces → applications → tables of a Directory, with event counts and current rates from
 * EventRates. Columns: name, events, events/s. Rebuilds on Directory::changed() (keeping
 * expanded/selected state stable by id: persistent indexes survive); refreshCounts() (call on
 * a timer) emits dataChanged for the count columns only.
 */
class WorkspaceTreeModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column
    {
        NameColumn,
        EventsColumn,
        RateColumn,
        ColumnCount
    };
    enum class NodeKind : int
    {
        Workspace = 1,
        Application,
        Table
    };
    enum Role
    {
        KindRole = Qt::UserRole + 1,
        IdRole,
        ApplicationTypeRole
    };

    explicit WorkspaceTreeModel(QObject* parent = nullptr);
    ~WorkspaceTreeModel() override;
    void setSources(const Directory* directory, const EventRates* rates);
    void refreshCounts();

    QModelIndex indexFor(NodeKind kind, quint32 id) const;

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Node;
    struct Spec;

    void rebuild();
    void sync(Node* node, const QModelIndex& nodeIndex, const std::vector<Spec>& wanted);
    void refreshCountsUnder(const Node* node, const QModelIndex& nodeIndex);
    Node* nodeOf(const QModelIndex& index) const;
    QModelIndex indexOfNode(Node* node, int column) const;
    Node* find(Node* node, NodeKind kind, quint32 id) const;

    const Directory* m_directory = nullptr;
    const EventRates* m_rates = nullptr;
    std::unique_ptr<Node> m_root;
    QList<QMetaObject::Connection> m_connections;
};

} // namespace bmon
