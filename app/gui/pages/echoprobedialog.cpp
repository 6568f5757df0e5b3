// SPDX-License-Identifier: MIT
#include "echoprobedialog.h"

#include "core/redact.h"
#include "net/connection.h"
#include "session.h"

#include <QCheckBox>
#include <QCloseEvent>
#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QRadioButton>
#include <QRandomGenerator>
#include <QSpinBox>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace bmon {

namespace {

constexpr int SubscribeWaitMs = 5000;

QString observerLabel(Session* s)
{
    const QString socket = s->connection() ? s->connection()->webSocketId().left(8) : QString();
    // The socket first: two logins of one user have the same title.
    return socket.isEmpty() ? s->title() : EchoProbeDialog::tr("socket %1… · %2").arg(socket, s->title());
}

bool subscribedTo(const Connection* c, const Page& page, bool activeOnly)
{
    for (const Subscription& s : c->subscriptions()) {
        if (s.page == page)
            return s.state == SubscriptionState::Active
                || (!activeOnly && s.state == SubscriptionState::Pending);
    }
    return false;
}

} // namespace

EchoProbeDialog::EchoProbeDialog(
    Session* writer, const QList<Session*>& sessions, quint32 tableId, QWidget* parent)
    : QDialog(parent)
    , m_writer(writer)
    , m_tableId(tableId)
    , m_page(Page::table(tableId))
    , m_subscribeWait(new QTimer(this))
{
    setObjectName(QStringLiteral("echoProbeDialog"));
    setWindowTitle(tr("Echo probe — table %1").arg(tableId));
    setModal(false);
    m_observers.append(writer);
    for (Session* s : sessions) {
        if (s && s != writer && s->connection() && s->server() == writer->server())
            m_observers.append(s);
    }

    m_warning = new QLabel(tr(
        "<b>This makes real changes on %1.</b> The probe writes to table %2 four times: a cell is set to a "
        "marker and back (or a probe row is created and deleted), once with the <tt>WebSocketId</tt> header "
        "of this login's socket and once without. Everyone working in the table sees these changes live, "
        "and the row history, webhooks and automations record them. The original value is always put "
        "back.")
                               .arg(redactUrl(writer->server()).toHtmlEscaped())
                               .arg(tableId));
    m_warning->setObjectName(QStringLiteral("echoWarning"));
    m_warning->setWordWrap(true);
    m_warning->setStyleSheet(QStringLiteral("QLabel#echoWarning { background: rgba(240, 180, 30, 60); "
                                            "border: 1px solid rgba(200, 140, 0, 170); border-radius: 4px;"
                                            " padding: 6px; }"));
    m_confirm = new QCheckBox(tr("I understand: run real writes on this server"));
    m_confirm->setObjectName(QStringLiteral("echoConfirm"));

    m_cellMode = new QRadioButton(tr("A cell: set it to a marker and back"));
    m_cellMode->setObjectName(QStringLiteral("echoModeCell"));
    m_cellMode->setChecked(true);
    m_rowMode = new QRadioButton(tr("A probe row: create it and delete it"));
    m_rowMode->setObjectName(QStringLiteral("echoModeRow"));
    m_rowId = new QSpinBox;
    m_rowId->setObjectName(QStringLiteral("echoRowId"));
    m_rowId->setRange(1, INT_MAX);
    m_rowId->setMinimumWidth(120);
    m_field = new QComboBox;
    m_field->setObjectName(QStringLiteral("echoField"));
    m_field->setMinimumContentsLength(18);
    auto* form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::FieldsStayAtSizeHint);
    form->addRow(m_cellMode);
    form->addRow(tr("Row id:"), m_rowId);
    form->addRow(tr("Text field:"), m_field);
    form->addRow(m_rowMode);

    m_observersLabel = new QLabel;
    m_observersLabel->setObjectName(QStringLiteral("echoObservers"));
    m_observersLabel->setWordWrap(true);
    QStringList names;
    for (const QPointer<Session>& s : std::as_const(m_observers))
        names << (s == writer ? tr("%1 (writer)").arg(observerLabel(s)) : observerLabel(s));
    m_observersLabel->setText(
        tr("Sockets watched (every open login to this server): %1").arg(names.join(QStringLiteral("; "))));

    m_results = new QTableWidget(0, ColumnCount);
    m_results->setObjectName(QStringLiteral("echoResults"));
    m_results->setHorizontalHeaderLabels({tr("Write"), tr("WebSocketId"), tr("HTTP"), tr("Socket"),
        tr("Received"), tr("Latency"), tr("Expected (§3)")});
    m_results->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_results->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_results->setWordWrap(false);
    m_results->verticalHeader()->hide();
    m_results->horizontalHeader()->setStretchLastSection(true);
    m_results->setColumnWidth(StepColumn, 200);
    m_results->setColumnWidth(HeaderColumn, 95);
    m_results->setColumnWidth(HttpColumn, 90);
    m_results->setColumnWidth(SocketColumn, 330);
    m_results->setColumnWidth(ReceivedColumn, 70);
    m_results->setColumnWidth(LatencyColumn, 70);

    m_status = new QLabel(tr("Tick the confirmation to run the probe."));
    m_status->setObjectName(QStringLiteral("echoStatus"));
    m_status->setWordWrap(true);
    m_run = new QPushButton(tr("Run probe"));
    m_run->setObjectName(QStringLiteral("echoRun"));
    m_cancel = new QPushButton(tr("Stop"));
    m_cancel->setObjectName(QStringLiteral("echoCancel"));
    m_cancel->setToolTip(tr("Stops after putting back what was changed"));
    m_close = new QPushButton(tr("Close"));
    m_close->setObjectName(QStringLiteral("echoClose"));
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_status, 1);
    buttons->addWidget(m_run);
    buttons->addWidget(m_cancel);
    buttons->addWidget(m_close);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_warning);
    layout->addWidget(m_confirm);
    layout->addLayout(form);
    layout->addWidget(m_observersLabel);
    layout->addWidget(m_results, 1);
    layout->addLayout(buttons);
    resize(1120, 580);

    connect(m_confirm, &QCheckBox::toggled, this, &EchoProbeDialog::updateControls);
    connect(m_cellMode, &QRadioButton::toggled, this, &EchoProbeDialog::updateControls);
    connect(m_run, &QPushButton::clicked, this, &EchoProbeDialog::run);
    connect(m_cancel, &QPushButton::clicked, this, &EchoProbeDialog::cancel);
    connect(m_close, &QPushButton::clicked, this, &EchoProbeDialog::close);
    m_subscribeWait->setSingleShot(true);
    m_subscribeWait->setInterval(SubscribeWaitMs);
    connect(m_subscribeWait, &QTimer::timeout, this, [this] {
        if (m_waiting)
            startProbe(); // observers still pending run anyway: their column says what arrived
    });
    for (const QPointer<Session>& s : std::as_const(m_observers)) {
        connect(s->connection(), &Connection::subscriptionChanged, this, [this] {
            if (m_waiting && allSubscribed())
                startProbe();
        });
    }
    loadFields();
    updateControls();
}

EchoProbeDialog::~EchoProbeDialog()
{
    releaseSubscriptions();
}

void EchoProbeDialog::setRowId(qint64 rowId)
{
    m_rowId->setValue(int(qBound<qint64>(1, rowId, qint64(INT_MAX))));
}

QList<Session*> EchoProbeDialog::observers() const
{
    QList<Session*> out;
    for (const QPointer<Session>& s : m_observers) {
        if (s)
            out.append(s);
    }
    return out;
}

bool EchoProbeDialog::isRunning() const
{
    return m_waiting || (m_probe && m_probe->isRunning());
}

QString EchoProbeDialog::statusText() const
{
    return m_status->text();
}

void EchoProbeDialog::loadFields()
{
    const QVariant current = m_field->currentData();
    m_field->clear();
    for (const DirField& f : m_writer->directory().fields(m_tableId)) {
        if (f.type == QLatin1String("text") || f.type == QLatin1String("long_text"))
            m_field->addItem(tr("%1 (field %2)").arg(f.name).arg(f.id), f.id);
    }
    if (current.isValid() && m_field->findData(current) >= 0)
        m_field->setCurrentIndex(m_field->findData(current));
    if (m_field->count() == 0 && m_writer->directory().fields(m_tableId).isEmpty()) {
        QPointer<EchoProbeDialog> self(this);
        m_writer->probeTable(m_tableId, [self](qint64, const RestError& error) {
            if (!self)
                return;
            if (!error.isError() && !self->m_writer->directory().fields(self->m_tableId).isEmpty())
                self->loadFields();
            self->updateControls();
        });
    }
    updateControls();
}

void EchoProbeDialog::updateControls()
{
    const bool running = isRunning();
    const bool cell = m_cellMode->isChecked();
    m_rowId->setEnabled(cell && !running);
    m_field->setEnabled(cell && !running);
    m_cellMode->setEnabled(!running);
    m_rowMode->setEnabled(!running);
    m_confirm->setEnabled(!running);
    m_run->setEnabled(m_confirm->isChecked() && !running && (!cell || m_field->count() > 0));
    m_cancel->setEnabled(running);
    if (!running && cell && m_field->count() == 0 && !m_writer->directory().fields(m_tableId).isEmpty())
        m_status->setText(tr("This table has no text field for a cell probe; use a probe row."));
}

bool EchoProbeDialog::allSubscribed() const
{
    for (const QPointer<Session>& s : m_observers) {
        if (s && s->connection() && !subscribedTo(s->connection(), m_page, true))
            return false;
    }
    return true;
}

void EchoProbeDialog::run()
{
    if (isRunning())
        return;
    if (!m_confirm->isChecked()) {
        m_status->setText(tr("Tick the confirmation first: the probe makes real writes."));
        return;
    }
    if (m_cellMode->isChecked() && m_field->count() == 0)
        return;
    m_results->setRowCount(0);
    m_mismatches = 0;
    m_steps = 0;
    // Row events only reach sockets subscribed to the table's page.
    for (const QPointer<Session>& s : std::as_const(m_observers)) {
        Connection* c = s ? s->connection() : nullptr;
        if (c && !subscribedTo(c, m_page, false)) {
            c->subscribe(m_page);
            m_subscribedHere.append(c);
        }
    }
    m_waiting = true;
    updateControls();
    if (allSubscribed()) {
        startProbe();
        return;
    }
    m_status->setText(tr("Subscribing the watched sockets to the table's page…"));
    m_subscribeWait->start();
}

void EchoProbeDialog::startProbe()
{
    m_waiting = false;
    m_subscribeWait->stop();
    QList<EchoProbe::Observer> observers;
    for (const QPointer<Session>& s : std::as_const(m_observers)) {
        if (s && s->connection())
            observers.append(EchoProbe::Observer {observerLabel(s), s->connection(), &s->store()});
    }
    delete m_probe;
    m_probe = new EchoProbe(m_writer->rest(), observers, 0, nullptr, this);
    m_probe->setObjectName(QStringLiteral("echoProbe"));
    connect(m_probe, &EchoProbe::stepFinished, this, &EchoProbeDialog::addStep);
    connect(m_probe, &EchoProbe::finished, this, &EchoProbeDialog::finish);

    EchoProbe::Options options;
    options.tableId = m_tableId;
    options.timeoutMs = m_timeoutMs;
    if (m_cellMode->isChecked()) {
        options.mode = EchoProbe::Mode::Cell;
        options.rowId = m_rowId->value();
        options.fieldId = m_field->currentData().toLongLong();
    } else {
        options.mode = EchoProbe::Mode::ProbeRow;
    }
    options.marker = QStringLiteral("bmon-probe-%1")
                         .arg(QRandomGenerator::global()->generate(), 8, 16, QLatin1Char('0'));
    m_status->setText(tr("Writing… (marker %1)").arg(options.marker));
    m_probe->run(options);
    updateControls();
}

void EchoProbeDialog::addStep(const EchoProbe::Step& step)
{
    ++m_steps;
    const QString header = step.withWebSocketId ? tr("with") : tr("without");
    QString http = step.httpStatus > 0 ? QString::number(step.httpStatus) : tr("—");
    if (step.restMs >= 0)
        http = tr("%1 · %2 ms").arg(http).arg(step.restMs);
    emit restWritten(m_cellMode->isChecked() ? m_rowId->value() : 0,
        step.withWebSocketId ? tr("%1 (WebSocketId)").arg(step.action)
                             : tr("%1 (no WebSocketId)").arg(step.action));

    const QColor bad(231, 76, 60, 90);
    const QColor good(46, 204, 113, 60);
    const int first = m_results->rowCount();
    const int lines = qMax(1, int(step.deliveries.size()));
    m_results->setRowCount(first + lines);
    for (int i = 0; i < lines; ++i) {
        const int r = first + i;
        auto* stepItem = new QTableWidgetItem(step.action);
        stepItem->setToolTip(step.error.isEmpty() ? step.action : step.error);
        auto* headerItem = new QTableWidgetItem(header);
        headerItem->setData(Qt::UserRole, step.withWebSocketId);
        m_results->setItem(r, StepColumn, stepItem);
        m_results->setItem(r, HeaderColumn, headerItem);
        m_results->setItem(r, HttpColumn, new QTableWidgetItem(http));
        if (step.deliveries.isEmpty()) {
            auto* error = new QTableWidgetItem(step.error.isEmpty() ? tr("no socket watched") : step.error);
            error->setBackground(bad);
            m_results->setItem(r, SocketColumn, error);
            m_results->setSpan(r, SocketColumn, 1, ColumnCount - SocketColumn);
            ++m_mismatches;
            continue;
        }
        const EchoProbe::Delivery& d = step.deliveries.at(i);
        auto* socket = new QTableWidgetItem(d.isWriter ? tr("%1 (writer)").arg(d.observer) : d.observer);
        socket->setData(Qt::UserRole, d.isWriter);
        auto* received = new QTableWidgetItem(d.received ? tr("yes") : tr("no"));
        received->setData(Qt::UserRole, d.received);
        if (d.received && !d.type.isEmpty())
            received->setToolTip(tr("#%1 %2").arg(d.seq).arg(d.type));
        auto* latency = new QTableWidgetItem(d.latencyMs >= 0 ? tr("%1 ms").arg(d.latencyMs) : tr("—"));
        latency->setData(Qt::UserRole, d.latencyMs);
        latency->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        const bool expect = expectReceived(step.withWebSocketId, d.isWriter);
        auto* expected = new QTableWidgetItem(expect ? tr("received") : tr("not received (writer skipped)"));
        expected->setData(Qt::UserRole, expect);
        const bool match = expect == d.received && step.error.isEmpty();
        if (!match)
            ++m_mismatches;
        received->setBackground(match ? good : bad);
        expected->setBackground(match ? good : bad);
        expected->setToolTip(tr("%1. PROTOCOL.md §3: the WebSocketId header skips only the writer's own "
                                "socket; without it every subscribed socket gets the event.")
                                 .arg(match ? tr("As expected") : tr("Not as expected")));
        m_results->setItem(r, SocketColumn, socket);
        m_results->setItem(r, ReceivedColumn, received);
        m_results->setItem(r, LatencyColumn, latency);
        m_results->setItem(r, ExpectedColumn, expected);
    }
    if (lines > 1) {
        // One write, several sockets: its cells once, spanning the socket lines.
        for (int c : {StepColumn, HeaderColumn, HttpColumn})
            m_results->setSpan(first, c, lines, 1);
    }
    m_status->setText(tr("Write %1 done…").arg(m_steps));
}

void EchoProbeDialog::finish(bool ok)
{
    releaseSubscriptions();
    if (!ok)
        m_status->setText(tr("The probe stopped early; what it changed was put back. %L1 of the lines "
                             "below are not as PROTOCOL.md §3 expects.")
                              .arg(m_mismatches));
    else if (m_mismatches == 0)
        m_status->setText(tr("Done: every socket received what PROTOCOL.md §3 expects."));
    else
        m_status->setText(
            tr("Done: %L1 of the deliveries are not as PROTOCOL.md §3 expects.").arg(m_mismatches));
    m_status->setStyleSheet(
        ok && m_mismatches == 0 ? QString() : QStringLiteral("QLabel#echoStatus { color: #c0392b; }"));
    updateControls();
    emit probeFinished(ok);
    if (m_closeWhenDone)
        close();
}

void EchoProbeDialog::cancel()
{
    if (m_waiting) {
        m_waiting = false;
        m_subscribeWait->stop();
        releaseSubscriptions();
        m_status->setText(tr("Stopped before writing anything."));
        updateControls();
        return;
    }
    if (m_probe && m_probe->isRunning()) {
        m_status->setText(tr("Stopping: putting back what was changed…"));
        m_probe->cancel();
    }
}

void EchoProbeDialog::releaseSubscriptions()
{
    for (const QPointer<Connection>& c : std::as_const(m_subscribedHere)) {
        if (c)
            c->unsubscribe(m_page);
    }
    m_subscribedHere.clear();
}

void EchoProbeDialog::closeEvent(QCloseEvent* event)
{
    if (m_probe && m_probe->isRunning()) {
        // Closing now would leave the marker in the cell: close once the probe has restored it.
        m_closeWhenDone = true;
        cancel();
        event->ignore();
        return;
    }
    cancel();
    QDialog::closeEvent(event);
}

} // namespace bmon
