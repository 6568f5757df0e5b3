// SPDX-License-Identifier: MIT
#include "workspacedock.h"

#include "core/eventrates.h"
#include "models/workspacetreemodel.h"
#include "scopefilter.h"
#include "session.h"

#include <QHeaderView>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTreeView>
#include <QVBoxLayout>

#include <functional>

namespace bmon {

using Kind = WorkspaceTreeModel::NodeKind;

WorkspaceDock::WorkspaceDock(Session* session, QWidget* parent) : QWidget(parent), m_session(session)
{
    setObjectName(QStringLiteral("workspaceTree"));

    m_model = new WorkspaceTreeModel(this);
    m_model->setObjectName(QStringLiteral("workspaceTreeModel"));
    m_model->setSources(&session->directory(), &session->rates());
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setObjectName(QStringLiteral("workspaceTreeProxy"));
    m_proxy->setSourceModel(m_model);
    m_proxy->setRecursiveFilteringEnabled(true);
    m_proxy->setAutoAcceptChildRows(true);
    m_proxy->setFilterKeyColumn(WorkspaceTreeModel::NameColumn);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);

    m_search = new QLineEdit;
    m_search->setObjectName(QStringLiteral("workspaceSearch"));
    m_search->setPlaceholderText(tr("Find a workspace or table"));
    m_search->setClearButtonEnabled(true);

    m_all = new QPushButton(tr("All events"));
    m_all->setObjectName(QStringLiteral("allEventsButton"));
    m_all->setCheckable(true);
    m_all->setChecked(true);
    m_all->setFlat(true);
    m_all->setStyleSheet(
        QStringLiteral("QPushButton#allEventsButton { text-align: left; padding: 3px 6px; }"
                       "QPushButton#allEventsButton:checked { background: palette(highlight);"
                       " color: palette(highlighted-text); }"));
    m_all->setToolTip(tr("Show the events of every workspace"));

    m_view = new QTreeView;
    m_view->setObjectName(QStringLiteral("workspaceTreeView"));
    m_view->setModel(m_proxy);
    m_view->setUniformRowHeights(true);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setExpandsOnDoubleClick(false);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    m_view->setAnimated(false);
    QHeaderView* header = m_view->header();
    header->setStretchLastSection(false);
    header->setSectionResizeMode(WorkspaceTreeModel::NameColumn, QHeaderView::Stretch);
    header->setSectionResizeMode(WorkspaceTreeModel::EventsColumn, QHeaderView::Interactive);
    header->setSectionResizeMode(WorkspaceTreeModel::RateColumn, QHeaderView::Interactive);
    const QFontMetrics fm = m_view->fontMetrics();
    // Narrow count columns: the names need the room (headers may elide).
    header->setMinimumSectionSize(fm.horizontalAdvance(QStringLiteral("00")));
    for (int c : {int(WorkspaceTreeModel::EventsColumn), int(WorkspaceTreeModel::RateColumn)}) {
        const QString title = m_model->headerData(c, Qt::Horizontal).toString();
        header->resizeSection(
            c, qMax(fm.horizontalAdvance(title), fm.horizontalAdvance(QStringLiteral("00000"))) + 14);
    }
    m_view->setIndentation(fm.horizontalAdvance(QStringLiteral("000")));

    // Room for a table name beside the counts; narrower and the names vanish.
    setMinimumWidth(fm.horizontalAdvance(QStringLiteral("Customers")) + header->sectionSize(1)
        + header->sectionSize(2) + 3 * m_view->indentation() + 16);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->setSpacing(2);
    layout->addWidget(m_search);
    layout->addWidget(m_all);
    layout->addWidget(m_view, 1);

    connect(m_search, &QLineEdit::textChanged, this, &WorkspaceDock::onSearch);
    connect(m_all, &QPushButton::clicked, this, &WorkspaceDock::selectAllEvents);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this,
        &WorkspaceDock::onSelectionChanged);
    connect(m_view, &QTreeView::expanded, this, [this](const QModelIndex& index) {
        if (!m_restoring && m_search->text().isEmpty())
            m_collapsed.remove(keyOf(index));
    });
    connect(m_view, &QTreeView::collapsed, this, [this](const QModelIndex& index) {
        if (!m_restoring && m_search->text().isEmpty())
            m_collapsed.insert(keyOf(index));
    });
    connect(m_view, &QTreeView::doubleClicked, this, [this](const QModelIndex& index) {
        const NodeKey key = keyOf(index);
        if (key.first == int(Kind::Table))
            emit openTableRequested(key.second);
        else
            m_view->setExpanded(index.siblingAtColumn(0), !m_view->isExpanded(index.siblingAtColumn(0)));
    });
    connect(m_view, &QWidget::customContextMenuRequested, this, &WorkspaceDock::showMenu);

    // The model rebuilds on Directory changes; expansion and selection are restored by id.
    connect(m_model, &QAbstractItemModel::modelReset, this, &WorkspaceDock::restoreState);
    connect(m_model, &QAbstractItemModel::layoutChanged, this, &WorkspaceDock::restoreState);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &WorkspaceDock::restoreState);
    connect(&session->directory(), &Directory::changed, this, [this] {
        // A workspace may have gained tables: its scope grows with it.
        if (m_selected.first == 0)
            return;
        const EventFilter scope = scopeOf(m_selected);
        if (!(scope == m_emitted) && proxyIndexOf(m_selected).isValid()) {
            m_emitted = scope;
            emit scopeSelected(scope);
        }
    });

    connect(session, &Session::updated, this, &WorkspaceDock::updateAllEvents);
    m_counts.setInterval(1000);
    connect(&m_counts, &QTimer::timeout, this, &WorkspaceDock::refreshCounts);
    m_counts.start();
    restoreState();
    refreshCounts();
}

WorkspaceDock::~WorkspaceDock() = default;

QSize WorkspaceDock::sizeHint() const
{
    return {qMax(minimumWidth(), 280), 500};
}

WorkspaceDock::NodeKey WorkspaceDock::keyOf(const QModelIndex& proxyIndex) const
{
    if (!proxyIndex.isValid())
        return {0, 0};
    const QModelIndex source = m_proxy->mapToSource(proxyIndex.siblingAtColumn(0));
    return {
        source.data(WorkspaceTreeModel::KindRole).toInt(), source.data(WorkspaceTreeModel::IdRole).toUInt()};
}

QModelIndex WorkspaceDock::proxyIndexOf(const NodeKey& key) const
{
    if (key.first == 0)
        return {};
    return m_proxy->mapFromSource(m_model->indexFor(Kind(key.first), key.second));
}

EventFilter WorkspaceDock::scopeOf(const NodeKey& key) const
{
    const Directory& dir = m_session->directory();
    switch (Kind(key.first)) {
    case Kind::Workspace:
        return ScopeFilter::forWorkspace(dir, key.second);
    case Kind::Application:
        return ScopeFilter::forApplication(dir, key.second);
    case Kind::Table:
        return ScopeFilter::forTable(key.second);
    }
    return {};
}

void WorkspaceDock::onSelectionChanged()
{
    if (m_restoring)
        return;
    const QModelIndex current = m_view->currentIndex();
    if (!current.isValid())
        return;
    select(keyOf(current), true);
}

void WorkspaceDock::select(const NodeKey& key, bool emitScope)
{
    m_selected = key;
    m_all->setChecked(key.first == 0);
    const EventFilter scope = key.first == 0 ? EventFilter {} : scopeOf(key);
    if (scope == m_emitted)
        return;
    m_emitted = scope;
    if (emitScope)
        emit scopeSelected(scope);
}

void WorkspaceDock::selectAllEvents()
{
    m_restoring = true;
    m_view->selectionModel()->clearSelection();
    m_view->selectionModel()->setCurrentIndex({}, QItemSelectionModel::NoUpdate);
    m_restoring = false;
    select({0, 0}, true);
}

void WorkspaceDock::showScope(const EventFilter& scopeOnly)
{
    NodeKey key {0, 0};
    const EventFilter& s = scopeOnly;
    if (s.workspaceIds.size() == 1)
        key = {int(Kind::Workspace), *s.workspaceIds.cbegin()};
    else if (s.workspaceIds.isEmpty() && s.applicationIds.size() == 1)
        key = {int(Kind::Application), *s.applicationIds.cbegin()};
    else if (s.workspaceIds.isEmpty() && s.applicationIds.isEmpty() && s.tableIds.size() == 1)
        key = {int(Kind::Table), *s.tableIds.cbegin()};
    m_restoring = true;
    const QModelIndex index = proxyIndexOf(key);
    if (index.isValid()) {
        m_view->selectionModel()->setCurrentIndex(
            index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        m_view->scrollTo(index);
    } else {
        m_view->selectionModel()->clearSelection();
    }
    m_restoring = false;
    m_selected = key;
    m_all->setChecked(key.first == 0);
    m_emitted = ScopeFilter::scopeOf(scopeOnly);
}

void WorkspaceDock::restoreState()
{
    m_restoring = true;
    const bool searching = !m_search->text().isEmpty();
    if (searching) {
        m_view->expandAll();
    } else {
        std::function<void(const QModelIndex&)> walk = [&](const QModelIndex& parent) {
            for (int r = 0; r < m_proxy->rowCount(parent); ++r) {
                const QModelIndex child = m_proxy->index(r, 0, parent);
                if (!m_proxy->hasChildren(child))
                    continue;
                const bool open = !m_collapsed.contains(keyOf(child));
                if (m_view->isExpanded(child) != open)
                    m_view->setExpanded(child, open);
                if (open)
                    walk(child);
            }
        };
        walk({});
    }
    const QModelIndex selected = proxyIndexOf(m_selected);
    if (selected.isValid() && m_view->currentIndex().siblingAtColumn(0) != selected)
        m_view->selectionModel()->setCurrentIndex(
            selected, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_restoring = false;
}

void WorkspaceDock::onSearch(const QString& text)
{
    m_proxy->setFilterFixedString(text);
    restoreState();
}

void WorkspaceDock::refreshCounts()
{
    m_model->refreshCounts();
    updateAllEvents();
}

void WorkspaceDock::updateAllEvents()
{
    const EventRates& rates = m_session->rates();
    const QLocale locale;
    m_all->setText(tr("All events — %1 · %2/s")
                       .arg(locale.toString(rates.total()), locale.toString(rates.rate(10), 'f', 1)));
}

void WorkspaceDock::showMenu(const QPoint& pos)
{
    const QModelIndex index = m_view->indexAt(pos);
    auto* menu = new QMenu(this);
    menu->setAttribute(Qt::WA_DeleteOnClose);
    if (index.isValid()) {
        const NodeKey key = keyOf(index);
        if (key.first == int(Kind::Table)) {
            menu->addAction(tr("Open table"), this, [this, key] { emit openTableRequested(key.second); });
            menu->addAction(
                tr("Compare with server"), this, [this, key] { emit compareTableRequested(key.second); });
        }
        const QPersistentModelIndex persistent(index);
        menu->addAction(tr("Show its events"), this, [this, persistent] {
            if (persistent.isValid()) {
                m_view->selectionModel()->setCurrentIndex(
                    persistent, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
            }
        });
        menu->addSeparator();
    }
    menu->addAction(tr("All events"), this, &WorkspaceDock::selectAllEvents);
    menu->addAction(tr("Expand all"), m_view, &QTreeView::expandAll);
    menu->addAction(tr("Collapse all"), m_view, &QTreeView::collapseAll);
    menu->popup(m_view->viewport()->mapToGlobal(pos));
}

} // namespace bmon
