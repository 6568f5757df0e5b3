// SPDX-License-Identifier: MIT
#include "streampage.h"

#include "core/eventstore.h"
#include "detailspane.h"
#include "filterbar.h"
#include "models/eventfilterproxy.h"
#include "models/eventlistmodel.h"
#include "scopefilter.h"
#include "session.h"
#include "streamwindowproxy.h"

#include <QAction>
#include <QClipboard>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QMenu>
#include <QMimeData>
#include <QScrollBar>
#include <QSplitter>
#include <QStyle>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace bmon {

StreamPage::StreamPage(Session* session, QWidget* parent) : QWidget(parent), m_session(session)
{
    setObjectName(QStringLiteral("streamPage"));

    m_filter = new EventFilterProxy(this);
    m_filter->setObjectName(QStringLiteral("streamFilterProxy"));
    m_filter->setSourceModel(session->events());
    m_window = new StreamWindowProxy(this);
    m_window->setObjectName(QStringLiteral("streamWindowProxy"));
    m_window->setSourceModel(m_filter);

    m_bar = new FilterBar(session);

    auto tool
        = [this](const QString& name, const QString& text, const QString& tip, QStyle::StandardPixmap icon) {
              auto* b = new QToolButton;
              b->setObjectName(name);
              b->setText(text);
              b->setToolTip(tip);
              b->setIcon(style()->standardIcon(icon));
              b->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
              b->setAutoRaise(true);
              return b;
          };
    m_pause = tool(QStringLiteral("pauseButton"), tr("Pause"),
        tr("Pause the view: events keep being stored and are shown on resume (Space)"),
        QStyle::SP_MediaPause);
    m_pause->setCheckable(true);
    m_badge = new QToolButton;
    m_badge->setObjectName(QStringLiteral("newBadge"));
    m_badge->setToolTip(tr("Matching events that arrived while paused; click to resume"));
    m_badge->setStyleSheet(QStringLiteral(
        "QToolButton#newBadge { background: palette(highlight); color: palette(highlighted-text);"
        " border: none; border-radius: 9px; padding: 1px 8px; font-weight: bold; }"));
    m_badge->setVisible(false);
    m_follow = tool(QStringLiteral("followButton"), tr("Follow"),
        tr("Keep the newest event in view (turns off when you scroll up)"), QStyle::SP_ArrowDown);
    m_follow->setCheckable(true);
    m_follow->setChecked(true);
    m_clear = tool(QStringLiteral("clearButton"), tr("Clear"),
        tr("Hide the events shown now; they stay stored (Ctrl+L)"), QStyle::SP_DialogResetButton);
    m_copy = tool(QStringLiteral("copyJsonButton"), tr("Copy as JSON"),
        tr("Copy the selected events' payloads, one per line, as received"), QStyle::SP_FileIcon);

    auto* controls = new QHBoxLayout;
    controls->setContentsMargins(0, 0, 0, 0);
    controls->setSpacing(2);
    controls->addWidget(m_pause);
    controls->addWidget(m_badge);
    controls->addWidget(m_follow);
    controls->addWidget(m_clear);
    controls->addWidget(m_copy);
    controls->addSpacing(8);
    controls->addWidget(m_bar, 1);

    m_view = new QTableView;
    setupView();
    m_details = new DetailsPane(session);

    m_splitter = new QSplitter(Qt::Vertical);
    m_splitter->setObjectName(QStringLiteral("streamSplitter"));
    m_splitter->addWidget(m_view);
    m_splitter->addWidget(m_details);
    // The stream is what people watch; the details pane is consulted.
    m_splitter->setStretchFactor(0, 5);
    m_splitter->setStretchFactor(1, 2);
    m_splitter->setChildrenCollapsible(false);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->setSpacing(4);
    layout->addLayout(controls);
    layout->addWidget(m_splitter, 1);

    connect(m_bar, &FilterBar::filterChanged, this, [this](const EventFilter& f) {
        m_bar->setError(QString());
        m_filter->setFilter(f);
        m_bar->setBusy(m_filter->isFiltering() ? 0 : -1);
        updateCounts();
    });
    connect(m_bar, &FilterBar::scopeCleared, this, [this] { emit scopeChanged(EventFilter {}); });
    connect(m_filter, &EventFilterProxy::filtering, this, [this](int percent) { m_bar->setBusy(percent); });
    connect(m_filter, &EventFilterProxy::filtered, this, [this] {
        m_bar->setBusy(-1);
        updateCounts();
    });
    connect(m_filter, &EventFilterProxy::filterError, this, [this](const QString& message) {
        m_bar->setBusy(-1);
        m_bar->setError(message);
    });

    connect(m_pause, &QToolButton::toggled, this, &StreamPage::setPaused);
    connect(m_badge, &QToolButton::clicked, this, [this] { setPaused(false); });
    connect(m_follow, &QToolButton::toggled, this, &StreamPage::setFollowing);
    connect(m_clear, &QToolButton::clicked, this, &StreamPage::clearView);
    connect(m_copy, &QToolButton::clicked, this, &StreamPage::copySelectionAsJson);
    connect(m_window, &StreamWindowProxy::hiddenWhilePausedChanged, this, [this](quint64 n) {
        m_badge->setText(tr("%1 new").arg(QLocale().toString(n)));
        if (isPaused())
            emit pausedChanged(true, n);
    });

    connect(m_window, &QAbstractItemModel::rowsInserted, this, &StreamPage::updateCounts);
    connect(m_window, &QAbstractItemModel::modelReset, this, &StreamPage::onWindowReset);
    connect(session->events(), &QAbstractItemModel::rowsInserted, this, &StreamPage::updateCounts);
    connect(session->events(), &QAbstractItemModel::modelReset, this, &StreamPage::updateCounts);

    connect(m_details, &DetailsPane::workspaceActivated, this,
        [this](quint32 id) { applyScope(ScopeFilter::forWorkspace(m_session->directory(), id), true); });
    connect(m_details, &DetailsPane::applicationActivated, this,
        [this](quint32 id) { applyScope(ScopeFilter::forApplication(m_session->directory(), id), true); });
    connect(m_details, &DetailsPane::tableActivated, this, &StreamPage::openTableRequested);
    connect(m_details, &DetailsPane::rowActivated, this,
        [this](quint32 tableId, qint64) { emit openTableRequested(tableId); });

    m_badge->setText(tr("%1 new").arg(0));
    updateCounts();
}

StreamPage::~StreamPage() = default;

void StreamPage::setupView()
{
    m_view->setObjectName(QStringLiteral("eventView"));
    m_view->setModel(m_window);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->setTextElideMode(Qt::ElideRight);
    m_view->setShowGrid(false);
    m_view->setSortingEnabled(false);
    m_view->setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);

    // Uniform rows: the view never measures a row's contents (a million rows stay cheap).
    QHeaderView* vertical = m_view->verticalHeader();
    vertical->hide();
    vertical->setSectionResizeMode(QHeaderView::Fixed);
    vertical->setMinimumSectionSize(1);
    vertical->setDefaultSectionSize(m_view->fontMetrics().height() + 6);

    QHeaderView* header = m_view->horizontalHeader();
    header->setObjectName(QStringLiteral("eventViewHeader"));
    header->setSectionsMovable(true);
    header->setHighlightSections(false);
    header->setStretchLastSection(false);
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setSectionResizeMode(EventListModel::SummaryColumn, QHeaderView::Stretch);
    header->setContextMenuPolicy(Qt::CustomContextMenu);
    const QFontMetrics fm = m_view->fontMetrics();
    auto width = [&fm](const char* sample) { return fm.horizontalAdvance(QLatin1String(sample)) + 18; };
    m_view->setColumnWidth(EventListModel::TimeColumn, width("00:00:00.000"));
    m_view->setColumnWidth(EventListModel::DirectionColumn, width("Dir"));
    m_view->setColumnWidth(EventListModel::TypeColumn, width("rows_updated__"));
    m_view->setColumnWidth(EventListModel::CategoryColumn, width("database"));
    m_view->setColumnWidth(EventListModel::WorkspaceColumn, width("Customers"));
    m_view->setColumnWidth(EventListModel::DatabaseColumn, width("Customers"));
    m_view->setColumnWidth(EventListModel::TableColumn, width("Customers"));
    m_view->setColumnWidth(EventListModel::ActorColumn, width("Collaborator"));
    m_view->setColumnWidth(EventListModel::SizeColumn, width("1023.9 KB"));
    header->setMinimumSectionSize(fm.horizontalAdvance(QLatin1String("Dir")) + 10);

    auto* copy = new QAction(tr("Copy as JSON"), m_view);
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetShortcut);
    connect(copy, &QAction::triggered, this, &StreamPage::copySelectionAsJson);
    m_view->addAction(copy);

    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
        &StreamPage::onCurrentRowChanged);
    connect(m_view, &QWidget::customContextMenuRequested, this, &StreamPage::showViewMenu);
    connect(header, &QWidget::customContextMenuRequested, this, &StreamPage::showHeaderMenu);
    connect(m_view->verticalScrollBar(), &QScrollBar::rangeChanged, this, &StreamPage::onRangeChanged);
    connect(m_view->verticalScrollBar(), &QScrollBar::valueChanged, this, &StreamPage::onScrolled);
    connect(m_view, &QTableView::doubleClicked, this, [this](const QModelIndex& index) {
        const quint32 table = index.data(EventListModel::TableIdRole).toUInt();
        if (table && index.column() == EventListModel::TableColumn)
            emit openTableRequested(table);
    });
}

QByteArray StreamPage::headerState() const
{
    return m_view->horizontalHeader()->saveState();
}

bool StreamPage::restoreHeaderState(const QByteArray& state)
{
    return !state.isEmpty() && m_view->horizontalHeader()->restoreState(state);
}

QByteArray StreamPage::splitterState() const
{
    return m_splitter->saveState();
}

bool StreamPage::restoreSplitterState(const QByteArray& state)
{
    return !state.isEmpty() && m_splitter->restoreState(state);
}

EventFilter StreamPage::filter() const
{
    return m_filter->filter();
}

bool StreamPage::isPaused() const
{
    return m_window->isPaused();
}

quint64 StreamPage::newWhilePaused() const
{
    return m_window->hiddenWhilePaused();
}

bool StreamPage::isFollowing() const
{
    return m_follow->isChecked();
}

void StreamPage::setScope(const EventFilter& scopeOnly)
{
    applyScope(scopeOnly, false);
}

void StreamPage::applyScope(const EventFilter& scopeOnly, bool fromInside)
{
    m_bar->setScope(scopeOnly);
    if (fromInside)
        emit scopeChanged(ScopeFilter::scopeOf(scopeOnly));
}

void StreamPage::focusFilter()
{
    m_bar->focusText();
}

void StreamPage::togglePause()
{
    setPaused(!isPaused());
}

void StreamPage::setPaused(bool paused)
{
    if (m_pause->isChecked() != paused) {
        m_pause->setChecked(paused); // comes back here through toggled()
        return;
    }
    if (paused == m_window->isPaused())
        return;
    m_window->setPaused(paused);
    m_pause->setText(paused ? tr("Resume") : tr("Pause"));
    m_pause->setIcon(style()->standardIcon(paused ? QStyle::SP_MediaPlay : QStyle::SP_MediaPause));
    m_badge->setText(tr("%1 new").arg(QLocale().toString(m_window->hiddenWhilePaused())));
    m_badge->setVisible(paused);
    updateCounts();
    if (!paused && m_follow->isChecked())
        m_view->scrollToBottom();
    emit pausedChanged(paused, m_window->hiddenWhilePaused());
}

void StreamPage::setFollowing(bool follow)
{
    if (m_follow->isChecked() != follow) {
        m_follow->setChecked(follow);
        return;
    }
    if (follow) {
        m_autoScrolling = true;
        m_view->scrollToBottom();
        m_autoScrolling = false;
    }
}

void StreamPage::clearView()
{
    m_window->setClearOffset(quint64(m_session->events()->rowCount()));
    m_selected = -1;
    m_details->clear();
    updateCounts();
}

void StreamPage::copySelectionAsJson()
{
    QList<quint64> indices;
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    for (const QModelIndex& index : rows)
        indices.append(m_window->storeIndex(index.row()));
    if (indices.isEmpty() && m_view->currentIndex().isValid())
        indices.append(m_window->storeIndex(m_view->currentIndex().row()));
    if (indices.isEmpty())
        return;
    std::sort(indices.begin(), indices.end());
    const EventStore& store = m_session->store();
    QByteArray out;
    for (quint64 i : std::as_const(indices)) {
        const QByteArrayView payload = store.payload(i);
        out.append(payload.data(), payload.size());
        out.append('\n');
    }
    auto* mime = new QMimeData;
    mime->setText(QString::fromUtf8(out));
    mime->setData(QStringLiteral("application/x-ndjson"), out);
    QGuiApplication::clipboard()->setMimeData(mime);
}

void StreamPage::onCurrentRowChanged()
{
    const QModelIndex current = m_view->currentIndex();
    if (!current.isValid())
        return; // keep showing the last event (it is still stored)
    const quint64 index = m_window->storeIndex(current.row());
    m_selected = qint64(index);
    if (m_details->currentEvent() != qint64(index))
        m_details->setEvent(index);
}

void StreamPage::onWindowReset()
{
    updateCounts();
    if (m_selected < 0)
        return;
    const int row = m_window->rowOfStoreIndex(quint64(m_selected));
    if (row < 0)
        return;
    const QModelIndex index = m_window->index(row, EventListModel::TypeColumn);
    // Reselecting must not count as the user scrolling away from the tail.
    m_autoScrolling = true;
    m_view->selectionModel()->setCurrentIndex(
        index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    if (m_follow->isChecked())
        m_view->scrollToBottom();
    else
        m_view->scrollTo(index, QAbstractItemView::PositionAtCenter);
    m_autoScrolling = false;
}

void StreamPage::onRangeChanged(int, int max)
{
    if (!m_follow->isChecked())
        return;
    m_autoScrolling = true;
    m_view->verticalScrollBar()->setValue(max);
    m_autoScrolling = false;
}

void StreamPage::onScrolled(int value)
{
    const int previous = m_lastScroll;
    m_lastScroll = value;
    if (m_autoScrolling)
        return;
    const int max = m_view->verticalScrollBar()->maximum();
    // Growing rows never move the value; a smaller value at a lower maximum is a clamp. What is
    // left is the user (wheel, scroll bar, keys): up stops following, down to the end resumes.
    if (value < max && value < previous && m_follow->isChecked())
        m_follow->setChecked(false);
    else if (value >= max && value > previous && !m_follow->isChecked())
        m_follow->setChecked(true);
}

void StreamPage::updateCounts()
{
    m_bar->setCounts(quint64(m_window->rowCount()), quint64(m_session->events()->rowCount()));
}

void StreamPage::showViewMenu(const QPoint& pos)
{
    const QModelIndex index = m_view->indexAt(pos);
    auto* menu = new QMenu(this);
    menu->setAttribute(Qt::WA_DeleteOnClose);
    menu->addAction(tr("Copy as JSON"), this, &StreamPage::copySelectionAsJson)->setEnabled(index.isValid());
    if (index.isValid()) {
        const quint32 table = index.data(EventListModel::TableIdRole).toUInt();
        const quint32 workspace = index.data(EventListModel::WorkspaceIdRole).toUInt();
        if (table) {
            const QString name = ScopeFilter::tableLabel(m_session->directory(), table);
            menu->addAction(tr("Open %1").arg(name), this, [this, table] { emit openTableRequested(table); });
            menu->addAction(tr("Only events of %1").arg(name), this,
                [this, table] { applyScope(ScopeFilter::forTable(table), true); });
        }
        if (workspace) {
            const Directory& dir = m_session->directory();
            const QString name = dir.workspaceName(workspace).isEmpty() ? QString::number(workspace)
                                                                        : dir.workspaceName(workspace);
            menu->addAction(tr("Only events of workspace %1").arg(name), this, [this, workspace] {
                applyScope(ScopeFilter::forWorkspace(m_session->directory(), workspace), true);
            });
        }
    }
    menu->addSeparator();
    menu->addAction(tr("Clear view"), this, &StreamPage::clearView);
    menu->popup(m_view->viewport()->mapToGlobal(pos));
}

void StreamPage::showHeaderMenu(const QPoint& pos)
{
    QHeaderView* header = m_view->horizontalHeader();
    auto* menu = new QMenu(this);
    menu->setAttribute(Qt::WA_DeleteOnClose);
    for (int c = 0; c < m_window->columnCount(); ++c) {
        QAction* a = menu->addAction(m_window->headerData(c, Qt::Horizontal).toString());
        a->setCheckable(true);
        a->setChecked(!header->isSectionHidden(c));
        a->setEnabled(c != EventListModel::TypeColumn); // always keep one column
        connect(a, &QAction::toggled, this, [header, c](bool on) { header->setSectionHidden(c, !on); });
    }
    menu->popup(header->mapToGlobal(pos));
}

} // namespace bmon
