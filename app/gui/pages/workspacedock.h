// SPDX-License-Identifier: MIT
#pragma once

#include "core/eventfilter.h"

#include <QPair>
#include <QSet>
#include <QTimer>
#include <QWidget>

class QLineEdit;
class QModelIndex;
class QPushButton;
class QSortFilterProxyModel;
class QTreeView;

namespace bmon {

class Session;
class WorkspaceTreeModel;

/*!
 * Workspaces → applications → tables of a Session with event counts and rates (refreshed every
 * second), a search box filtering by name and "All events" on top. Selecting a node scopes the
 * stream (scopeSelected, ids expanded through the Directory); double-click or the context menu on
 * a table opens its page (the menu also its Compare tab). Expansion and selection survive
 * Directory reloads. objectName "workspaceTree".
 */
class WorkspaceDock : public QWidget
{
    Q_OBJECT
public:
    explicit WorkspaceDock(Session* session, QWidget* parent = nullptr);
    ~WorkspaceDock() override;

    QSize sizeHint() const override;
    QTreeView* treeView() const { return m_view; }
    WorkspaceTreeModel* model() const { return m_model; }

public slots:
    //! Selects the node of \a scopeOnly when it is one workspace, application or table, else
    //! "All events"; does not emit scopeSelected (the stream already has the scope).
    void showScope(const bmon::EventFilter& scopeOnly);
    //! Selects "All events" and emits scopeSelected with an empty filter.
    void selectAllEvents();

signals:
    void scopeSelected(const bmon::EventFilter& scopeOnly);
    void openTableRequested(quint32 tableId);
    void compareTableRequested(quint32 tableId);

private:
    using NodeKey = QPair<int, quint32>; //!< (WorkspaceTreeModel::NodeKind, id)

    NodeKey keyOf(const QModelIndex& proxyIndex) const;
    QModelIndex proxyIndexOf(const NodeKey& key) const;
    EventFilter scopeOf(const NodeKey& key) const;
    void onSelectionChanged();
    void saveState();
    void restoreState();
    void onSearch(const QString& text);
    void refreshCounts();
    void updateAllEvents();
    void showMenu(const QPoint& pos);
    void select(const NodeKey& key, bool emitScope);

    Session* m_session;
    WorkspaceTreeModel* m_model = nullptr;
    QSortFilterProxyModel* m_proxy = nullptr;
    QTreeView* m_view = nullptr;
    QLineEdit* m_search = nullptr;
    QPushButton* m_all = nullptr;
    QTimer m_counts;
    //! Workspaces and databases open unless the user closed them; remembered by id across model
    //! resets and searches.
    QSet<NodeKey> m_collapsed;
    NodeKey m_selected {0, 0}; //!< (0, 0) = All events
    EventFilter m_emitted; //!< the scope last sent
    bool m_restoring = false;
};

} // namespace bmon
