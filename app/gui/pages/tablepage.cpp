// SPDX-License-Identifier: MIT
#include "tablepage.h"

#include "core/eventstore.h"
#include "core/messagetypes.h"
#include "models/eventfilterproxy.h"
#include "models/eventlistmodel.h"
#include "models/rowgridmodel.h"
#include "net/connection.h"
#include "scopefilter.h"
#include "session.h"

#include <QFrame>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QSplitter>
#include <QStyle>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace bmon {

namespace {

const char* const SettingsKey = "tables/maxRowsWithoutAsking";
constexpr int DefaultMaxRows = 10000;

QString chipStyle(const char* rgb)
{
    return QStringLiteral(
        "QLabel#tableSubscriptionState { background: rgba(%1, 55); border: 1px solid rgba(%1, 170);"
        " border-radius: 4px; padding: 2px 6px; }")
        .arg(QLatin1String(rgb));
}

} // namespace

TablePage::TablePage(Session* session, quint32 tableId, QWidget* parent)
    : QWidget(parent)
    , m_session(session)
    , m_tableId(tableId)
    , m_page(Page::table(tableId))
    , m_connection(session->connection())
{
    setObjectName(QStringLiteral("tablePage_%1").arg(tableId));

    // Header: name, path, subscription state, refresh.
    m_title = new QLabel;
    m_title->setObjectName(QStringLiteral("tableTitle"));
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.3);
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_path = new QLabel;
    m_path->setObjectName(QStringLiteral("tablePath"));
    m_state = new QLabel;
    m_state->setObjectName(QStringLiteral("tableSubscriptionState"));
    m_state->setWordWrap(true);
    m_state->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_resubscribe = new QPushButton(tr("Subscribe again"));
    m_resubscribe->setObjectName(QStringLiteral("tableResubscribe"));
    m_resubscribe->setVisible(false);
    m_refresh = new QToolButton;
    m_refresh->setObjectName(QStringLiteral("tableRefresh"));
    m_refresh->setText(tr("Refresh"));
    m_refresh->setIcon(style()->standardIcon(QStyle::SP_BrowserReload));
    m_refresh->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_refresh->setToolTip(tr("Fetch the fields and rows again (F5)"));
    auto* compare = new QToolButton;
    compare->setObjectName(QStringLiteral("tableCompare"));
    compare->setText(tr("Compare with server"));
    compare->setIcon(style()->standardIcon(QStyle::SP_FileDialogContentsView));
    compare->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    compare->setToolTip(tr("Check the table's realtime events against the server's rows (Compare tab)"));
    connect(compare, &QToolButton::clicked, this, &TablePage::compareRequested);
    auto* head = new QHBoxLayout;
    head->addWidget(m_title);
    head->addWidget(m_path);
    head->addStretch();
    head->addWidget(m_resubscribe);
    head->addWidget(compare);
    head->addWidget(m_refresh);

    m_banner = new QLabel;
    m_banner->setObjectName(QStringLiteral("singlePageBanner"));
    m_banner->setWordWrap(true);
    m_banner->setStyleSheet(QStringLiteral("QLabel#singlePageBanner { background: rgba(240, 180, 30, 60); "
                                           "border: 1px solid rgba(200, 140, 0, 170);"
                                           " border-radius: 4px; padding: 6px; }"));
    m_banner->setVisible(false);

    // The inline question before a big fetch.
    m_question = new QFrame;
    m_question->setObjectName(QStringLiteral("fetchQuestion"));
    m_question->setFrameShape(QFrame::StyledPanel);
    m_question->setStyleSheet(QStringLiteral("QFrame#fetchQuestion { background: rgba(60, 130, 220, 40); "
                                             "border: 1px solid rgba(60, 130, 220, 150);"
                                             " border-radius: 4px; }"));
    m_questionText = new QLabel;
    m_questionText->setObjectName(QStringLiteral("fetchQuestionText"));
    m_questionText->setWordWrap(true);
    m_fetchAll = new QPushButton;
    m_fetchAll->setObjectName(QStringLiteral("fetchAllButton"));
    auto* cancel = new QPushButton(tr("Cancel"));
    cancel->setObjectName(QStringLiteral("fetchCancelButton"));
    auto* questionLayout = new QHBoxLayout(m_question);
    questionLayout->addWidget(m_questionText, 1);
    questionLayout->addWidget(m_fetchAll);
    questionLayout->addWidget(cancel);
    m_question->setVisible(false);

    m_status = new QLabel;
    m_status->setObjectName(QStringLiteral("tableStatus"));
    m_status->setWordWrap(true);
    m_progress = new QProgressBar;
    m_progress->setObjectName(QStringLiteral("tableProgress"));
    m_progress->setVisible(false);
    m_progress->setMaximumWidth(320);
    auto* statusRow = new QHBoxLayout;
    statusRow->addWidget(m_status, 1);
    statusRow->addWidget(m_progress);

    // The grid.
    m_grid = new RowGridModel(this);
    m_grid->setObjectName(QStringLiteral("rowGridModel"));
    m_gridView = new QTableView;
    m_gridView->setObjectName(QStringLiteral("tableGrid"));
    m_gridView->setModel(m_grid);
    m_gridView->setAlternatingRowColors(true);
    m_gridView->setWordWrap(false);
    m_gridView->setSelectionBehavior(QAbstractItemView::SelectItems);
    m_gridView->setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_gridView->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_gridView->verticalHeader()->setDefaultSectionSize(m_gridView->fontMetrics().height() + 6);
    m_gridView->horizontalHeader()->setDefaultSectionSize(150);
    m_gridView->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_gridView->horizontalHeader()->setStretchLastSection(true);

    // The table's own event stream.
    m_events = new EventFilterProxy(this);
    m_events->setObjectName(QStringLiteral("tableEventsProxy"));
    m_events->setSourceModel(session->events());
    m_events->setFilter(ScopeFilter::forTable(tableId));
    m_eventView = new QTableView;
    m_eventView->setObjectName(QStringLiteral("tableEventView"));
    m_eventView->setModel(m_events);
    m_eventView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_eventView->setAlternatingRowColors(true);
    m_eventView->setWordWrap(false);
    m_eventView->setShowGrid(false);
    m_eventView->verticalHeader()->hide();
    m_eventView->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_eventView->verticalHeader()->setDefaultSectionSize(m_eventView->fontMetrics().height() + 6);
    QHeaderView* eventHeader = m_eventView->horizontalHeader();
    eventHeader->setSectionResizeMode(QHeaderView::Interactive);
    eventHeader->setStretchLastSection(false);
    eventHeader->setSectionResizeMode(EventListModel::SummaryColumn, QHeaderView::Stretch);
    for (int c : {EventListModel::CategoryColumn, EventListModel::WorkspaceColumn,
             EventListModel::DatabaseColumn, EventListModel::TableColumn})
        m_eventView->setColumnHidden(c, true);
    const QFontMetrics fm = m_eventView->fontMetrics();
    m_eventView->setColumnWidth(
        EventListModel::TimeColumn, fm.horizontalAdvance(QStringLiteral("00:00:00.000")) + 18);
    m_eventView->setColumnWidth(
        EventListModel::DirectionColumn, fm.horizontalAdvance(QStringLiteral("Dir")) + 18);
    m_eventView->setColumnWidth(
        EventListModel::TypeColumn, fm.horizontalAdvance(QStringLiteral("row_orders_recalculated")) + 18);
    m_eventView->setColumnWidth(
        EventListModel::ActorColumn, fm.horizontalAdvance(QStringLiteral("Collaborator 1")) + 18);
    m_eventView->setColumnWidth(
        EventListModel::SizeColumn, fm.horizontalAdvance(QStringLiteral("1023.9 KB")) + 18);
    auto* eventsBox = new QWidget;
    auto* eventsLayout = new QVBoxLayout(eventsBox);
    eventsLayout->setContentsMargins(0, 0, 0, 0);
    auto* eventsTitle = new QLabel(tr("Events of this table"));
    eventsTitle->setObjectName(QStringLiteral("tableEventsTitle"));
    eventsLayout->addWidget(eventsTitle);
    eventsLayout->addWidget(m_eventView, 1);
    // Follow the tail while the user is at it.
    QScrollBar* bar = m_eventView->verticalScrollBar();
    connect(
        bar, &QScrollBar::valueChanged, this, [this, bar](int v) { m_eventsAtEnd = v >= bar->maximum(); });
    connect(bar, &QScrollBar::rangeChanged, this, [this, bar](int, int max) {
        if (m_eventsAtEnd)
            bar->setValue(max);
    });

    m_splitter = new QSplitter(Qt::Vertical);
    m_splitter->setObjectName(QStringLiteral("tableSplitter"));
    m_splitter->addWidget(m_gridView);
    m_splitter->addWidget(eventsBox);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setChildrenCollapsible(false);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addLayout(head);
    layout->addWidget(m_state);
    layout->addWidget(m_banner);
    layout->addWidget(m_question);
    layout->addLayout(statusRow);
    layout->addWidget(m_splitter, 1);

    connect(m_refresh, &QToolButton::clicked, this, &TablePage::refresh);
    connect(m_fetchAll, &QPushButton::clicked, this, &TablePage::fetchAll);
    connect(cancel, &QPushButton::clicked, this, &TablePage::cancelFetch);
    connect(m_resubscribe, &QPushButton::clicked, this, [this] {
        if (m_connection)
            m_connection->subscribe(m_page);
    });
    connect(session, &Session::updated, this, &TablePage::applyNewEvents);
    connect(m_grid, &QAbstractItemModel::rowsInserted, this, &TablePage::showLoadedStatus);
    connect(m_grid, &QAbstractItemModel::rowsRemoved, this, &TablePage::showLoadedStatus);
    connect(&session->directory(), &Directory::changed, this, &TablePage::updateTitle);
    connect(&session->directory(), &Directory::fieldsChanged, this, &TablePage::onFieldsChanged);

    if (m_connection) {
        connect(m_connection, &Connection::subscriptionChanged, this, &TablePage::onSubscriptionChanged);
        connect(m_connection, &Connection::stateChanged, this, [this](Connection::State state) {
            updateBanner();
            if (state == Connection::State::Live && m_loadState == LoadState::Loaded
                && m_connection->generation() != m_loadedGeneration) {
                setStatus(
                    tr("Reconnected: events sent while the connection was down are lost, so the grid may "
                       "be behind. Refresh (F5) fetches the rows again."),
                    true);
            }
        });
        const QList<Subscription> before = m_connection->subscriptions();
        for (const Subscription& s : before) {
            if (s.page == m_page)
                m_ownsSubscription = false; // someone else asked for it; leave it when we close
        }
        m_sub.page = m_page;
        m_connection->subscribe(m_page); // signals arrive synchronously: state and replacements
        for (const Subscription& s : m_connection->subscriptions()) {
            if (s.page == m_page)
                showSubscription(s);
        }
    } else {
        m_state->setText(tr("Not connected: no subscription"));
    }

    updateTitle();
    updateBanner();
    probe();
}

TablePage::~TablePage()
{
    if (m_connection && m_ownsSubscription)
        m_connection->unsubscribe(m_page);
}

QString TablePage::title() const
{
    const QString name = m_session->directory().tableName(m_tableId);
    return name.isEmpty() ? tr("table %1").arg(m_tableId) : name;
}

int TablePage::maxRowsWithoutAsking()
{
    bool ok = false;
    const int value = QSettings().value(QLatin1String(SettingsKey), DefaultMaxRows).toInt(&ok);
    return ok && value >= 0 ? value : DefaultMaxRows;
}

void TablePage::setMaxRowsWithoutAsking(int rows)
{
    QSettings().setValue(QLatin1String(SettingsKey), qMax(0, rows));
}

void TablePage::setLoadState(LoadState state)
{
    if (state == m_loadState)
        return;
    m_loadState = state;
    emit loadStateChanged(state);
}

void TablePage::setStatus(const QString& text, bool problem)
{
    m_status->setText(text);
    m_status->setStyleSheet(problem ? QStringLiteral("QLabel#tableStatus { color: #c0392b; }") : QString());
}

void TablePage::refresh()
{
    if (m_connection) {
        for (const Subscription& s : m_connection->subscriptions()) {
            if (s.page == m_page
                && (s.state == SubscriptionState::Rejected || s.state == SubscriptionState::Discarded))
                m_connection->subscribe(m_page);
        }
    }
    probe();
}

void TablePage::probe()
{
    const quint64 request = ++m_request;
    m_question->setVisible(false);
    m_progress->setRange(0, 0); // busy until the count is known
    m_progress->setVisible(true);
    setStatus(tr("Loading the table's fields and row count…"));
    setLoadState(LoadState::Probing);
    QPointer<TablePage> self(this);
    m_session->probeTable(m_tableId, [self, request](qint64 rowCount, const RestError& error) {
        if (!self || request != self->m_request)
            return;
        if (error.isError()) {
            self->m_progress->setVisible(false);
            self->setStatus(tr("Could not load the table: %1").arg(error.message), true);
            self->setLoadState(LoadState::Failed);
            return;
        }
        self->m_rowCount = rowCount;
        const int limit = maxRowsWithoutAsking();
        if (rowCount > limit && self->m_confirmedRows < rowCount) {
            const QLocale locale;
            self->m_progress->setVisible(false);
            self->m_questionText->setText(
                tr("This table has %1 rows, more than the %2 fetched without asking. Fetching them all "
                   "takes a while and keeps them in memory; events keep arriving meanwhile.")
                    .arg(locale.toString(rowCount), locale.toString(limit)));
            self->m_fetchAll->setText(tr("Fetch all %1 rows").arg(locale.toString(rowCount)));
            self->m_question->setVisible(true);
            self->setStatus(tr("Waiting for your answer."));
            self->setLoadState(LoadState::Asking);
            return;
        }
        self->startFetch();
    });
}

void TablePage::fetchAll()
{
    if (m_loadState != LoadState::Asking)
        return;
    m_confirmedRows = m_rowCount;
    m_question->setVisible(false);
    startFetch();
}

void TablePage::cancelFetch()
{
    if (m_loadState != LoadState::Asking)
        return;
    ++m_request;
    m_question->setVisible(false);
    m_progress->setVisible(false);
    setStatus(tr("Rows not fetched (%1 rows). Refresh (F5) asks again; the table's events below stay live.")
                  .arg(QLocale().toString(m_rowCount)));
    setLoadState(LoadState::Cancelled);
}

void TablePage::startFetch()
{
    const quint64 request = ++m_request;
    m_progress->setRange(0, int(qBound<qint64>(1, m_rowCount, qint64(INT_MAX))));
    m_progress->setValue(0);
    m_progress->setFormat(tr("%v of %m rows"));
    m_progress->setVisible(true);
    setStatus(tr("Fetching rows…"));
    setLoadState(LoadState::Fetching);
    // Events stored from here on may or may not be in the answer: they are applied on top
    // (row events apply idempotently by row id).
    m_snapshotFrom = m_session->store().count();
    QPointer<TablePage> self(this);
    m_session->fetchRows(
        m_tableId,
        [self, request](qint64 fetched, qint64 total) {
            if (!self || request != self->m_request)
                return;
            self->m_progress->setRange(0, int(qBound<qint64>(1, total, qint64(INT_MAX))));
            self->m_progress->setValue(int(qBound<qint64>(0, fetched, qint64(INT_MAX))));
        },
        [self, request](const QList<QJsonObject>& rows, const RestError& error) {
            if (!self || request != self->m_request)
                return;
            self->m_progress->setVisible(false);
            if (error.isError()) {
                self->setStatus(tr("Could not fetch the rows: %1").arg(error.message), true);
                self->setLoadState(LoadState::Failed);
                return;
            }
            const QList<DirField> fields = self->m_session->directory().fields(self->m_tableId);
            self->m_fieldIds.clear();
            for (const DirField& f : fields)
                self->m_fieldIds.append(f.id);
            self->m_grid->setTable(self->m_tableId, fields);
            self->m_grid->setRows(rows);
            self->m_applied = self->m_snapshotFrom;
            self->m_loadedGeneration = self->m_connection ? self->m_connection->generation() : 0;
            self->setLoadState(LoadState::Loaded);
            self->applyNewEvents();
            self->showLoadedStatus();
        });
}

void TablePage::showLoadedStatus()
{
    if (m_loadState != LoadState::Loaded)
        return;
    setStatus(tr("%1 rows · %2 fields · updated live from the table's row events")
                  .arg(QLocale().toString(m_grid->rowCount()))
                  .arg(m_grid->columnCount()));
}

void TablePage::applyNewEvents()
{
    if (m_loadState != LoadState::Loaded)
        return;
    const EventStore& store = m_session->store();
    const quint64 count = store.count();
    for (quint64 i = m_applied; i < count; ++i) {
        const EventRecord& rec = store.at(i);
        if (rec.tableId != m_tableId || rec.isError() || rec.direction() != Direction::Received)
            continue;
        m_grid->applyEvent(rec, store.payload(rec));
    }
    m_applied = count;
}

void TablePage::onFieldsChanged(quint32 tableId)
{
    if (tableId != m_tableId || m_loadState != LoadState::Loaded)
        return;
    QList<quint32> ids;
    for (const DirField& f : m_session->directory().fields(tableId))
        ids.append(f.id);
    if (ids != m_fieldIds) {
        // A field appeared or went: the columns change, and rows carry the new cells only from
        // a fresh fetch.
        refresh();
        return;
    }
    m_grid->setTable(m_tableId, m_session->directory().fields(tableId));
}

void TablePage::onSubscriptionChanged(const Subscription& sub)
{
    if (sub.page == m_page) {
        if (sub.state == SubscriptionState::Discarded && m_connection && !m_connection->multiPage()) {
            // The newest subscription is the one that replaced this page.
            const QList<Subscription> all = m_connection->subscriptions();
            if (!all.isEmpty() && all.constLast().page != m_page)
                m_replacedBy = describePage(all.constLast().page);
        }
        showSubscription(sub);
        return;
    }
    if (sub.state == SubscriptionState::Discarded && m_connection && !m_connection->multiPage()) {
        const QList<Subscription> all = m_connection->subscriptions();
        if (!all.isEmpty() && all.constLast().page == m_page) {
            const QString other = describePage(sub.page);
            if (!m_replaced.contains(other))
                m_replaced
                    = m_replaced.isEmpty() ? other : QString(m_replaced + QStringLiteral(", ") + other);
            updateBanner();
        }
    }
}

void TablePage::showSubscription(const Subscription& sub)
{
    m_sub = sub;
    QString text;
    const char* colour = "150, 150, 150";
    switch (sub.state) {
    case SubscriptionState::Pending:
        text = tr("<b>Subscription pending</b> — %1")
                   .arg(sub.reason.isEmpty() ? tr("asked for the table's page, waiting for page_add")
                                             : sub.reason.toHtmlEscaped());
        colour = "230, 160, 20";
        break;
    case SubscriptionState::Active:
        text = tr("<b>Subscribed</b> — the server sends this table's row, field and view events");
        colour = "40, 170, 80";
        break;
    case SubscriptionState::Rejected:
        // The connection's reason already says why silence means rejection (§2.3).
        text = tr("<b>Subscription rejected</b> — %1")
                   .arg(sub.reason.isEmpty()
                           ? tr("no page_add arrived: Baserow never answers a refused subscription "
                                "(no permission, the table does not exist or is trashed)")
                           : sub.reason.toHtmlEscaped());
        colour = "210, 60, 50";
        break;
    case SubscriptionState::Discarded:
        text = tr("<b>Subscription discarded</b> — %1").arg(sub.reason.toHtmlEscaped());
        colour = "210, 60, 50";
        break;
    case SubscriptionState::Unsubscribed:
        text = tr("<b>Not subscribed</b>");
        break;
    }
    m_state->setText(text);
    m_state->setStyleSheet(chipStyle(colour));
    m_state->setToolTip(subscriptionStateName(sub.state));
    m_resubscribe->setVisible(
        sub.state == SubscriptionState::Rejected || sub.state == SubscriptionState::Discarded);
    updateBanner();
}

void TablePage::updateBanner()
{
    const bool singlePage
        = m_connection && m_connection->serverVersion().code() != 0 && !m_connection->multiPage();
    if (!singlePage) {
        m_banner->setVisible(false);
        return;
    }
    QString text = tr("Baserow %1 holds one page per connection (several pages arrived in 1.21), so only one "
                      "table can be live at a time.")
                       .arg(m_connection->serverVersion().toString());
    if (m_sub.state == SubscriptionState::Discarded && !m_replacedBy.isEmpty())
        text += u' '
            + tr("Opening %1 ended this table's page; \"Subscribe again\" makes this table live and ends "
                 "that one.")
                  .arg(m_replacedBy);
    else if (!m_replaced.isEmpty())
        text += u' ' + tr("Opening this table's page ended the page of %1.").arg(m_replaced);
    m_banner->setText(text);
    m_banner->setVisible(true);
}

void TablePage::updateTitle()
{
    const QString name = title();
    if (m_title->text() != name) {
        m_title->setText(name);
        emit titleChanged(name);
    }
    const Directory& dir = m_session->directory();
    if (dir.tableName(m_tableId).isEmpty()) {
        m_path->clear(); // the title says "table 21" already
        return;
    }
    QStringList path;
    if (const quint32 ws = dir.workspaceOfTable(m_tableId))
        path << dir.workspaceName(ws);
    if (const quint32 db = dir.databaseOfTable(m_tableId))
        path << dir.applicationName(db);
    path.removeAll(QString());
    path << tr("table %1").arg(m_tableId);
    m_path->setText(path.join(QStringLiteral(" › ")));
}

QString TablePage::describePage(const Page& page) const
{
    if (page.name == QLatin1String("table"))
        return ScopeFilter::tableLabel(
            m_session->directory(), quint32(page.parameters.value(QLatin1String("table_id")).toInteger()));
    return page.toString();
}

} // namespace bmon
