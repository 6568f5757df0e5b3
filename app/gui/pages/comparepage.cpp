// SPDX-License-Identifier: MIT
#include "comparepage.h"

#include "core/compare/tablemirror.h"
#include "echoprobedialog.h"
#include "models/findinglistmodel.h"
#include "models/rowtimelinemodel.h"
#include "net/restclient.h"
#include "session.h"

#include <QDateTime>
#include <QFileDialog>
#include <QFrame>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProgressBar>
#include <QSaveFile>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStandardPaths>
#include <QStyle>
#include <QTableView>
#include <QTableWidget>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace bmon {

namespace {

qint64 nowUs()
{
    return QDateTime::currentMSecsSinceEpoch() * 1000;
}

QString bannerStyle(const char* rgb)
{
    return QStringLiteral("QFrame#compareBanner { background: rgba(%1, 45); border: 1px solid rgba(%1, 160);"
                          " border-radius: 4px; }")
        .arg(QLatin1String(rgb));
}

QString divergences(int n)
{
    return n == 1 ? ComparePage::tr("1 divergence") : ComparePage::tr("%L1 divergences").arg(n);
}

QString countdown(qint64 ms)
{
    const qint64 s = (ms + 999) / 1000;
    return QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
}

QToolButton* toolButton(
    const QString& name, const QString& text, QStyle::StandardPixmap icon, QWidget* parent)
{
    auto* b = new QToolButton(parent);
    b->setObjectName(name);
    b->setText(text);
    b->setIcon(parent->style()->standardIcon(icon));
    b->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    return b;
}

QTableView* plainTable(const QString& name)
{
    auto* view = new QTableView;
    view->setObjectName(name);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->setAlternatingRowColors(true);
    view->setWordWrap(false);
    view->setShowGrid(false);
    view->verticalHeader()->hide();
    view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 6);
    view->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    view->horizontalHeader()->setStretchLastSection(true);
    view->horizontalHeader()->setHighlightSections(false);
    return view;
}

} // namespace

TableComparer::Options ComparePage::defaultOptions()
{
    TableComparer::Options o;
    o.resnapshotEveryMs = 5 * 60 * 1000;
    return o;
}

ComparePage::ComparePage(
    Session* session, quint32 tableId, const TableComparer::Options& options, QWidget* parent)
    : QWidget(parent)
    , m_session(session)
    , m_tableId(tableId)
    , m_comparer(new TableComparer(
          session->connection(), session->rest(), &session->store(), tableId, options, nullptr, this))
    , m_findings(new FindingListModel(this))
    , m_findingsProxy(new QSortFilterProxyModel(this))
    , m_timeline(new RowTimelineModel(this))
    , m_ticker(new QTimer(this))
{
    setObjectName(QStringLiteral("comparePage_%1").arg(tableId));
    m_comparer->setObjectName(QStringLiteral("tableComparer"));
    m_findings->setObjectName(QStringLiteral("findingListModel"));
    m_timeline->setObjectName(QStringLiteral("rowTimelineModel"));

    // Header: what is compared, and the actions.
    m_title = new QLabel;
    m_title->setObjectName(QStringLiteral("compareTitle"));
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.3);
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_path = new QLabel;
    m_path->setObjectName(QStringLiteral("comparePath"));
    m_resnapshot = toolButton(
        QStringLiteral("compareResnapshot"), tr("Re-snapshot now"), QStyle::SP_BrowserReload, this);
    m_resnapshot->setToolTip(tr("Fetch every row again and compare it with what the events say (F5)"));
    m_export = toolButton(
        QStringLiteral("compareExport"), tr("Export report…"), QStyle::SP_DialogSaveButton, this);
    m_export->setToolTip(tr("Save the findings as a JSON report (docs/compare-report.md)"));
    m_echoButton = toolButton(
        QStringLiteral("compareEchoProbe"), tr("Echo probe…"), QStyle::SP_MessageBoxWarning, this);
    m_echoButton->setToolTip(tr("Write to the table with and without WebSocketId and watch which sockets "
                                "receive the event (asks first: real writes)"));
    auto* head = new QHBoxLayout;
    head->addWidget(m_title);
    head->addWidget(m_path);
    head->addStretch();
    head->addWidget(m_resnapshot);
    head->addWidget(m_export);
    head->addWidget(m_echoButton);

    // Status banner.
    m_banner = new QFrame;
    m_banner->setObjectName(QStringLiteral("compareBanner"));
    m_statusText = new QLabel;
    m_statusText->setObjectName(QStringLiteral("compareStatus"));
    QFont statusFont = m_statusText->font();
    statusFont.setPointSizeF(statusFont.pointSizeF() * 1.15);
    statusFont.setBold(true);
    m_statusText->setFont(statusFont);
    m_detail = new QLabel;
    m_detail->setObjectName(QStringLiteral("compareDetail"));
    m_detail->setWordWrap(true);
    m_detail->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_progress = new QProgressBar;
    m_progress->setObjectName(QStringLiteral("compareProgress"));
    m_progress->setMaximumWidth(280);
    m_progress->setVisible(false);
    auto* bannerLayout = new QHBoxLayout(m_banner);
    bannerLayout->setContentsMargins(10, 6, 10, 6);
    bannerLayout->addWidget(m_statusText);
    bannerLayout->addSpacing(12);
    bannerLayout->addWidget(m_detail, 1);
    bannerLayout->addWidget(m_progress);

    m_notice = new QLabel;
    m_notice->setObjectName(QStringLiteral("compareNotice"));
    m_notice->setWordWrap(true);
    m_notice->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_notice->setVisible(false);

    // Findings.
    m_findingsProxy->setSourceModel(m_findings);
    m_findingsProxy->setSortRole(FindingListModel::SortRole);
    m_findingsView = plainTable(QStringLiteral("compareFindings"));
    m_findingsView->setModel(m_findingsProxy);
    m_findingsView->setSortingEnabled(true);
    m_findingsView->sortByColumn(FindingListModel::ConfirmedColumn, Qt::AscendingOrder);
    {
        const QFontMetrics fm = m_findingsView->fontMetrics();
        auto width = [&fm](const char* sample) { return fm.horizontalAdvance(QLatin1String(sample)) + 24; };
        m_findingsView->setColumnWidth(FindingListModel::KindColumn, width("unknown_row_update"));
        m_findingsView->setColumnWidth(FindingListModel::RowColumn, width("Row 00000"));
        m_findingsView->setColumnWidth(FindingListModel::FieldsColumn, width("Seats, Notes, Tier"));
        m_findingsView->setColumnWidth(FindingListModel::EventsColumn, width("#00000 rows_updated"));
        m_findingsView->setColumnWidth(FindingListModel::DetectedColumn, width("00:00:00.000"));
        m_findingsView->setColumnWidth(FindingListModel::ConfirmedColumn, width("00:00:00.000"));
    }
    auto* findingsTitle = new QLabel(tr("Findings"));
    findingsTitle->setObjectName(QStringLiteral("compareFindingsTitle"));
    auto* findingsBox = new QWidget;
    auto* findingsLayout = new QVBoxLayout(findingsBox);
    findingsLayout->setContentsMargins(0, 0, 0, 0);
    findingsLayout->addWidget(findingsTitle);
    findingsLayout->addWidget(m_findingsView, 1);

    // The row: timeline on the left, values side by side on the right.
    m_rowEdit = new QLineEdit;
    m_rowEdit->setObjectName(QStringLiteral("compareRowId"));
    m_rowEdit->setPlaceholderText(tr("Row id"));
    m_rowEdit->setMaximumWidth(120);
    m_rowEdit->setClearButtonEnabled(true);
    m_rowTitle = new QLabel(tr("Select a finding, or type a row id to see its timeline and values."));
    m_rowTitle->setObjectName(QStringLiteral("compareRowTitle"));
    auto* rowHead = new QHBoxLayout;
    rowHead->addWidget(new QLabel(tr("Row:")));
    rowHead->addWidget(m_rowEdit);
    rowHead->addWidget(m_rowTitle, 1);

    m_timelineView = plainTable(QStringLiteral("compareTimeline"));
    m_timelineView->setModel(m_timeline);
    {
        const QFontMetrics fm = m_timelineView->fontMetrics();
        m_timelineView->setColumnWidth(
            RowTimelineModel::TimeColumn, fm.horizontalAdvance(QStringLiteral("00:00:00.000")) + 24);
        m_timelineView->setColumnWidth(RowTimelineModel::WhatColumn,
            fm.horizontalAdvance(QStringLiteral("Finding: unknown_row_update")) + 24);
        m_timelineView->setColumnWidth(
            RowTimelineModel::SeqColumn, fm.horizontalAdvance(QStringLiteral("000000")) + 24);
    }

    m_values = new QTableWidget(0, 3);
    m_values->setObjectName(QStringLiteral("compareValues"));
    m_values->setHorizontalHeaderLabels({tr("Field"), tr("Expected (events)"), tr("Actual (server)")});
    m_values->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_values->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_values->setWordWrap(false);
    m_values->verticalHeader()->hide();
    m_values->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_values->verticalHeader()->setDefaultSectionSize(m_values->fontMetrics().height() + 6);
    m_values->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_values->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    m_values->horizontalHeader()->setSectionResizeMode(2, QHeaderView::Stretch);
    m_values->setColumnWidth(0, 130);
    m_valuesNote = new QLabel;
    m_valuesNote->setObjectName(QStringLiteral("compareValuesNote"));
    // One line: a wrapped label inside a splitter gets less height than it needs.
    m_valuesNote->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    auto* valuesBox = new QWidget;
    auto* valuesLayout = new QVBoxLayout(valuesBox);
    valuesLayout->setContentsMargins(0, 0, 0, 0);
    valuesLayout->addWidget(m_valuesNote);
    valuesLayout->addWidget(m_values, 1);

    auto* rowSplit = new QSplitter(Qt::Horizontal);
    rowSplit->setObjectName(QStringLiteral("compareRowSplitter"));
    rowSplit->addWidget(m_timelineView);
    rowSplit->addWidget(valuesBox);
    rowSplit->setStretchFactor(0, 3);
    rowSplit->setStretchFactor(1, 2);
    rowSplit->setChildrenCollapsible(false);
    auto* rowBox = new QWidget;
    auto* rowLayout = new QVBoxLayout(rowBox);
    rowLayout->setContentsMargins(0, 0, 0, 0);
    rowLayout->addLayout(rowHead);
    rowLayout->addWidget(rowSplit, 1);

    m_splitter = new QSplitter(Qt::Vertical);
    m_splitter->setObjectName(QStringLiteral("compareSplitter"));
    m_splitter->addWidget(findingsBox);
    m_splitter->addWidget(rowBox);
    m_splitter->setStretchFactor(0, 1);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setChildrenCollapsible(false);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addLayout(head);
    layout->addWidget(m_banner);
    layout->addWidget(m_notice);
    layout->addWidget(m_splitter, 1);

    connect(m_resnapshot, &QToolButton::clicked, this, &ComparePage::resnapshot);
    connect(m_export, &QToolButton::clicked, this, &ComparePage::exportReport);
    connect(m_echoButton, &QToolButton::clicked, this, &ComparePage::openEchoProbe);
    connect(m_rowEdit, &QLineEdit::returnPressed, this, [this] {
        bool ok = false;
        const qint64 id = m_rowEdit->text().trimmed().toLongLong(&ok);
        if (ok && id > 0)
            showRow(id);
    });
    connect(m_findingsView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
        &ComparePage::onFindingSelected);
    connect(m_comparer, &TableComparer::statusChanged, this, &ComparePage::onStatusChanged);
    connect(m_comparer, &TableComparer::mirrorChanged, this, &ComparePage::onMirrorChanged);
    connect(m_comparer, &TableComparer::findingAdded, this, &ComparePage::onMirrorChanged);
    connect(m_comparer, &TableComparer::snapshotProgress, this, [this](qint64 fetched, qint64 total) {
        m_progressFetched = fetched;
        m_progressTotal = total;
        updateBanner();
    });
    connect(m_comparer, &TableComparer::snapshotFinished, this, [this] {
        onMirrorChanged();
        updateBanner();
    });
    connect(&session->directory(), &Directory::changed, this, &ComparePage::updateTitle);
    connect(&session->directory(), &Directory::fieldsChanged, this, [this](quint32 id) {
        if (id == m_tableId)
            updateFieldNames();
    });
    m_ticker->setInterval(1000);
    connect(m_ticker, &QTimer::timeout, this, &ComparePage::updateBanner);
    m_ticker->start();

    updateTitle();
    updateFieldNames();
    if (session->directory().fields(tableId).isEmpty()) {
        // Field names for findings, timeline and values (the comparer fetches its own copy).
        QPointer<ComparePage> self(this);
        session->probeTable(tableId, [self](qint64, const RestError&) {
            if (self)
                self->updateFieldNames();
        });
    }
    m_comparer->start();
    m_status = m_comparer->status();
    updateBanner();
}

ComparePage::~ComparePage()
{
    if (m_echo)
        delete m_echo.data(); // it watches this session's connection: gone before the page
    m_comparer->stop();
}

EchoProbeDialog* ComparePage::echoProbeDialog() const
{
    return m_echo.data();
}

QString ComparePage::title() const
{
    const QString name = m_session->directory().tableName(m_tableId);
    return tr("Compare: %1").arg(name.isEmpty() ? tr("table %1").arg(m_tableId) : name);
}

void ComparePage::updateTitle()
{
    const QString text = title();
    if (m_title->text() != text) {
        m_title->setText(text);
        emit titleChanged(text);
    }
    m_path->setText(tr("table %1 · events vs. the server's rows").arg(m_tableId));
}

void ComparePage::updateFieldNames()
{
    m_fieldNames.clear();
    m_fieldOrder.clear();
    for (const DirField& f : m_session->directory().fields(m_tableId)) {
        const QString key = QStringLiteral("field_%1").arg(f.id);
        m_fieldNames.insert(key, f.name);
        m_fieldOrder.append(key);
    }
    m_findings->setFieldNames(m_fieldNames);
    m_timeline->setFieldNames(m_fieldNames);
}

void ComparePage::resnapshot()
{
    m_comparer->resnapshot(tr("requested"));
    updateBanner();
}

void ComparePage::onStatusChanged(TableComparer::Status status)
{
    const TableComparer::Status before = m_status;
    m_status = status;
    // In sync means no findings at all: a snapshot passing through InSync on its way back to
    // Diverged is not a new transition.
    if (status == TableComparer::Status::InSync && m_comparer->findingCount() == 0)
        m_notified = false;
    if (status == TableComparer::Status::Diverged && before != status && !m_notified) {
        m_notified = true;
        const int n = m_comparer->findingCount();
        emit outOfSync(tr("Baserow Monitor: %1 out of sync").arg(title().section(QLatin1String(": "), 1)),
            (n == 1 ? tr("1 divergence between the realtime events and the server's rows of table %1.")
                    : tr("%L1 divergences between the realtime events and the server's rows of table %2.")
                          .arg(n))
                .arg(m_tableId));
    }
    if (status != TableComparer::Status::Snapshotting) {
        m_progressFetched = 0;
        m_progressTotal = 0;
    }
    onMirrorChanged();
    updateBanner();
}

void ComparePage::updateBanner()
{
    const TableMirror& mirror = m_comparer->mirror();
    const QLocale locale;
    const int findings = m_comparer->findingCount();
    QString text;
    const char* colour = "150, 150, 150";
    switch (m_comparer->status()) {
    case TableComparer::Status::Idle:
        text = tr("Not comparing");
        break;
    case TableComparer::Status::WaitingForPage:
        text = tr("Waiting for the table's page…");
        colour = "230, 160, 20";
        break;
    case TableComparer::Status::Snapshotting:
        text = findings > 0 ? tr("%1 · snapshotting…").arg(divergences(findings)) : tr("Snapshotting…");
        colour = findings > 0 ? "210, 60, 50" : "60, 130, 220";
        break;
    case TableComparer::Status::InSync:
        text = tr("In sync");
        colour = "40, 170, 80";
        break;
    case TableComparer::Status::Diverged:
        text = divergences(findings);
        colour = "210, 60, 50";
        break;
    case TableComparer::Status::Failed:
        text = tr("Comparison failed");
        colour = "210, 60, 50";
        break;
    }
    m_statusText->setText(text);
    m_banner->setStyleSheet(bannerStyle(colour));

    QStringList parts;
    if (m_comparer->status() == TableComparer::Status::Failed)
        parts << m_comparer->statusText();
    if (mirror.snapshotCount() > 0) {
        QString snap = tr("snapshot %1 at %2 · %L3 rows")
                           .arg(mirror.snapshotCount())
                           .arg(QDateTime::fromMSecsSinceEpoch(mirror.lastSnapshotUs() / 1000)
                                    .toString(QStringLiteral("HH:mm:ss")))
                           .arg(mirror.rowCount());
        if (m_comparer->lastSnapshotMs() >= 0)
            snap += tr(" in %1 ms").arg(locale.toString(m_comparer->lastSnapshotMs()));
        parts << snap;
    } else if (m_comparer->status() != TableComparer::Status::Failed) {
        parts << tr("no snapshot yet");
    }
    const qint64 next = m_comparer->nextSnapshotInMs();
    if (next >= 0 && m_comparer->status() != TableComparer::Status::Snapshotting)
        parts << tr("next re-snapshot in %1").arg(countdown(next));
    const int pending = mirror.pendingSuspicions();
    if (pending > 0)
        parts << (pending == 1 ? tr("1 suspicion settling") : tr("%L1 suspicions settling").arg(pending));
    m_detail->setText(parts.join(QStringLiteral(" · ")));
    m_detail->setToolTip(m_comparer->statusText());

    const bool snapshotting = m_comparer->status() == TableComparer::Status::Snapshotting;
    m_progress->setVisible(snapshotting);
    if (snapshotting) {
        if (m_progressTotal > 0) {
            m_progress->setRange(0, int(qBound<qint64>(1, m_progressTotal, qint64(INT_MAX))));
            m_progress->setValue(int(qBound<qint64>(0, m_progressFetched, qint64(INT_MAX))));
            m_progress->setFormat(tr("%v of %m rows"));
        } else {
            m_progress->setRange(0, 0);
        }
    }
    m_resnapshot->setEnabled(m_comparer->status() != TableComparer::Status::Idle);
}

void ComparePage::onMirrorChanged()
{
    const TableMirror& mirror = m_comparer->mirror();
    m_findings->setFindings(mirror.findings());
    if (m_rowId > 0)
        m_timeline->setTimeline(m_rowId, mirror.timeline(m_rowId));
    updateBanner();
}

void ComparePage::onFindingSelected()
{
    const QModelIndex current = m_findingsView->selectionModel()->currentIndex();
    if (!current.isValid())
        return;
    const int source = m_findingsProxy->mapToSource(current).row();
    if (source < 0 || source >= m_findings->rowCount())
        return;
    m_findingIndex = source;
    showFinding(m_findings->finding(source));
}

std::optional<QJsonObject> ComparePage::lastKnownValues(qint64 rowId) const
{
    const TableMirror& mirror = m_comparer->mirror();
    if (auto row = mirror.row(rowId))
        return row;
    const QList<TimelineEntry> timeline = mirror.timeline(rowId);
    for (auto it = timeline.crbegin(); it != timeline.crend(); ++it) {
        if (it->values)
            return it->values;
    }
    return std::nullopt;
}

void ComparePage::showFinding(const Finding& finding)
{
    ++m_fetchSerial; // a typed row's fetch still running is of no interest now
    m_rowId = finding.rowId;
    m_rowEdit->setText(QString::number(finding.rowId));
    m_rowTitle->setText(tr("Row %1 · %2 — %3")
                            .arg(finding.rowId)
                            .arg(findingKindName(finding.kind), findingKindDescription(finding.kind)));
    m_timeline->setTimeline(m_rowId, m_comparer->mirror().timeline(m_rowId));
    m_timelineView->scrollToBottom();

    // The row as it is now (a confirmed row adopts the server's values), with each divergent
    // field put back on its side.
    const std::optional<QJsonObject> base = lastKnownValues(finding.rowId);
    std::optional<QJsonObject> expected = base;
    std::optional<QJsonObject> actual = base;
    if (!expected)
        expected = QJsonObject();
    if (!actual)
        actual = QJsonObject();
    for (const FieldDelta& d : finding.fields) {
        if (d.expected)
            expected->insert(d.key, *d.expected);
        else
            expected->remove(d.key);
        if (d.actual)
            actual->insert(d.key, *d.actual);
        else
            actual->remove(d.key);
    }
    switch (finding.kind) {
    case FindingKind::MissedCreate:
        expected.reset();
        break;
    case FindingKind::MissedDelete:
        actual.reset();
        break;
    default:
        break;
    }
    const QString note = finding.confirmedUs > 0
        ? tr("Server values as re-fetched at %1.")
              .arg(QDateTime::fromMSecsSinceEpoch(finding.confirmedUs / 1000)
                       .toString(QStringLiteral("HH:mm:ss.zzz")))
        : QString();
    // The finding's detail is in the findings table; here what explains the values.
    QString text = note;
    if (finding.lastEvent)
        text = tr("Last event of the row: #%1 %2. %3")
                   .arg(finding.lastEvent->seq)
                   .arg(finding.lastEvent->type, note)
                   .trimmed();
    showValues(expected, actual, text);
}

void ComparePage::showRow(qint64 rowId)
{
    if (rowId <= 0)
        return;
    m_rowEdit->setText(QString::number(rowId));
    const int source = m_findings->rowOfRowId(rowId);
    if (source >= 0) {
        const QModelIndex proxy = m_findingsProxy->mapFromSource(m_findings->index(source, 0));
        m_findingsView->selectionModel()->setCurrentIndex(
            proxy, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        m_findingsView->scrollTo(proxy);
        if (m_findingIndex != source || m_rowId != rowId) {
            m_findingIndex = source;
            showFinding(m_findings->finding(source));
        }
        return;
    }
    m_findingsView->selectionModel()->clearSelection();
    m_findingIndex = -1;
    m_rowId = rowId;
    m_rowTitle->setText(tr("Row %1 · no finding").arg(rowId));
    m_timeline->setTimeline(rowId, m_comparer->mirror().timeline(rowId));
    m_timelineView->scrollToBottom();
    fetchActual(rowId);
}

void ComparePage::fetchActual(qint64 rowId)
{
    const std::optional<QJsonObject> expected = m_comparer->mirror().row(rowId);
    showValues(expected, QJsonObject(), tr("Fetching row %1 from the server…").arg(rowId));
    RestClient* rest = m_session->rest();
    if (!rest)
        return;
    const quint64 serial = ++m_fetchSerial;
    QPointer<ComparePage> self(this);
    rest->getRow(m_tableId, rowId, this, [self, serial, rowId](const Result<QJsonObject>& r) {
        if (!self || serial != self->m_fetchSerial)
            return;
        const std::optional<QJsonObject> expected = self->m_comparer->mirror().row(rowId);
        const QString fetched = tr("Fetched from the server at %1.")
                                    .arg(QTime::currentTime().toString(QStringLiteral("HH:mm:ss")));
        if (r)
            self->showValues(expected, r.value(), fetched);
        else if (r.error().httpStatus == 404)
            self->showValues(expected, std::nullopt, tr("The server has no row %1 (404).").arg(rowId));
        else
            self->showValues(
                expected, std::nullopt, tr("Could not fetch the row: %1").arg(r.error().message));
    });
}

void ComparePage::showValues(
    const std::optional<QJsonObject>& expected, const std::optional<QJsonObject>& actual, const QString& note)
{
    // Keys: id, the table's fields in their order, order, then anything else.
    QStringList keys;
    auto add = [&keys](const QString& k) {
        if (!keys.contains(k))
            keys << k;
    };
    QStringList present;
    for (const auto* side : {&expected, &actual}) {
        if (*side)
            present += side->value().keys();
    }
    if (present.contains(QLatin1String("id")))
        add(QStringLiteral("id"));
    for (const QString& k : std::as_const(m_fieldOrder)) {
        if (present.contains(k))
            add(k);
    }
    if (present.contains(QLatin1String("order")))
        add(QStringLiteral("order"));
    std::sort(present.begin(), present.end());
    for (const QString& k : std::as_const(present))
        add(k);

    const QColor diffColor(231, 76, 60, 70);
    m_values->setRowCount(int(keys.size()));
    for (int r = 0; r < keys.size(); ++r) {
        const QString& key = keys.at(r);
        auto* name = new QTableWidgetItem(m_fieldNames.value(key, key));
        name->setToolTip(key);
        name->setData(Qt::UserRole, key);
        auto cell = [](const std::optional<QJsonObject>& side, const QString& k) {
            if (!side)
                return new QTableWidgetItem(tr("(no row)"));
            if (!side->contains(k))
                return new QTableWidgetItem(tr("(absent)"));
            auto* item = new QTableWidgetItem(RowTimelineModel::valueText(side->value(k)));
            item->setToolTip(item->text());
            return item;
        };
        QTableWidgetItem* e = cell(expected, key);
        QTableWidgetItem* a = cell(actual, key);
        const bool differs = !expected || !actual || expected->contains(key) != actual->contains(key)
            || !baserowValuesEqual(expected->value(key), actual->value(key));
        for (QTableWidgetItem* item : {name, e, a}) {
            item->setData(Qt::UserRole + 1, differs);
            if (differs) {
                QFont f = item->font();
                f.setBold(true);
                item->setFont(f);
            }
        }
        if (differs) {
            e->setBackground(diffColor);
            a->setBackground(diffColor);
        }
        m_values->setItem(r, 0, name);
        m_values->setItem(r, 1, e);
        m_values->setItem(r, 2, a);
    }
    m_valuesNote->setText(note);
    m_valuesNote->setToolTip(note);
}

bool ComparePage::writeReport(const QString& path, QString* error)
{
    QSaveFile file(path);
    QString problem;
    if (!file.open(QIODevice::WriteOnly))
        problem = file.errorString();
    else if (file.write(QJsonDocument(m_comparer->report()).toJson(QJsonDocument::Indented)) < 0)
        problem = file.errorString();
    else if (!file.commit())
        problem = file.errorString();
    if (error)
        *error = problem;
    if (problem.isEmpty())
        showNotice(tr("Report written to %1 (%L2 findings).").arg(path).arg(m_comparer->findingCount()));
    else
        showNotice(tr("Could not write the report to %1: %2").arg(path, problem), true);
    emit reportExported(path, problem);
    return problem.isEmpty();
}

void ComparePage::exportReport()
{
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    const QString name = QStringLiteral("compare-table-%1-%2.json")
                             .arg(m_tableId)
                             .arg(QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss")));
    auto* dialog = new QFileDialog(this, tr("Export compare report"), dir, tr("JSON report (*.json)"));
    dialog->setObjectName(QStringLiteral("compareExportDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setDefaultSuffix(QStringLiteral("json"));
    dialog->selectFile(name);
    const QString platform = QGuiApplication::platformName();
    if (platform == QLatin1String("offscreen") || platform == QLatin1String("minimal"))
        dialog->setOption(QFileDialog::DontUseNativeDialog); // no native dialog to drive there
    connect(dialog, &QFileDialog::fileSelected, this, [this](const QString& path) { writeReport(path); });
    dialog->open();
}

void ComparePage::openEchoProbe()
{
    if (m_echo) {
        m_echo->show();
        m_echo->raise();
        m_echo->activateWindow();
        return;
    }
    QList<Session*> sessions = m_peers ? m_peers() : QList<Session*>();
    if (!sessions.contains(m_session))
        sessions.prepend(m_session);
    m_echo = new EchoProbeDialog(m_session, sessions, m_tableId, this);
    m_echo->setAttribute(Qt::WA_DeleteOnClose);
    qint64 row = m_rowId;
    if (row <= 0) {
        const QList<qint64> ids = m_comparer->mirror().rowIds();
        row = ids.isEmpty() ? 0 : ids.constFirst();
    }
    if (row > 0)
        m_echo->setRowId(row);
    // The probe's writes go into the row's timeline, next to the events they caused.
    connect(m_echo, &EchoProbeDialog::restWritten, this, [this](qint64 rowId, const QString& what) {
        if (rowId <= 0)
            return;
        m_comparer->mirror().noteRest(rowId, what, m_comparer->mirror().row(rowId), nowUs());
        onMirrorChanged();
    });
    m_echo->show();
}

void ComparePage::showNotice(const QString& text, bool problem)
{
    m_notice->setText(text);
    m_notice->setStyleSheet(problem ? QStringLiteral("QLabel#compareNotice { color: #c0392b; }") : QString());
    m_notice->setVisible(true);
}

} // namespace bmon
