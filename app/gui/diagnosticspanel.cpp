// SPDX-License-Identifier: MIT
#include "diagnosticspanel.h"

#include "core/eventrates.h"
#include "core/redact.h"
#include "models/statelogmodel.h"
#include "ratechart.h"
#include "session.h"
#include "statebadge.h"

#include <QDateTime>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QScrollArea>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>

using namespace Qt::StringLiterals;
#include <cmath>

namespace bmon {

namespace {

constexpr int ChartSeconds = 300; // five minutes at most
constexpr int MinChartSeconds = 60;

QString number(quint64 n)
{
    return QLocale().toString(n);
}

QString bytes(quint64 n)
{
    return QLocale().formattedDataSize(qint64(n), 1, QLocale::DataSizeTraditionalFormat);
}

} // namespace

DiagnosticsPanel::DiagnosticsPanel(Session* session, QWidget* parent)
    : QWidget(parent)
    , m_session(session)
    , m_badge(new StateBadge)
    , m_chart(new RateChart)
    , m_log(new QTableView)
    , m_timer(new QTimer(this))
{
    setObjectName(QStringLiteral("diagnosticsPanel"));
    m_badge->setObjectName(QStringLiteral("diagBadge"));

    auto* fields = new QWidget;
    auto* grid = new QGridLayout(fields);
    grid->setContentsMargins(6, 4, 6, 4);
    grid->setHorizontalSpacing(10);
    grid->setVerticalSpacing(3);
    auto* stateLabel = new QLabel(tr("State"));
    stateLabel->setForegroundRole(QPalette::PlaceholderText);
    auto* stateRow = new QHBoxLayout;
    stateRow->addWidget(m_badge);
    auto* inState = new QLabel;
    inState->setObjectName(QStringLiteral("diagTimeInState"));
    m_fields.insert(inState->objectName(), inState);
    stateRow->addWidget(inState, 1);
    grid->addWidget(stateLabel, 0, 0);
    grid->addLayout(stateRow, 0, 1);
    int row = 1;
    addField(grid, row++, 0, tr("Reconnect"), QStringLiteral("diagReconnect"));
    addField(grid, row++, 0, tr("Last close"), QStringLiteral("diagLastClose"));
    addField(grid, row++, 0, tr("Ping round trip"), QStringLiteral("diagPing"));
    addField(grid, row++, 0, tr("web_socket_id"), QStringLiteral("diagWebSocketId"));
    addField(grid, row++, 0, tr("Backend"), QStringLiteral("diagServer"));
    addField(grid, row++, 0, tr("Server version"), QStringLiteral("diagVersion"));
    addField(grid, row++, 0, tr("Access token"), QStringLiteral("diagToken"));
    const int rows = row;
    row = 0;
    addField(grid, row++, 2, tr("Frames in / out"), QStringLiteral("diagFrames"));
    addField(grid, row++, 2, tr("Bytes in / out"), QStringLiteral("diagBytes"));
    addField(grid, row++, 2, tr("Events/s (10 s)"), QStringLiteral("diagRate"));
    addField(grid, row++, 2, tr("Errors"), QStringLiteral("diagErrors"));
    addField(grid, row++, 2, tr("Unknown types"), QStringLiteral("diagUnknown"));
    addField(grid, row++, 2, tr("Reconnects"), QStringLiteral("diagReconnects"));
    addField(grid, row++, 2, tr("Auth failures"), QStringLiteral("diagAuthFailures"));
    addField(grid, row++, 2, tr("Ping timeouts"), QStringLiteral("diagPingTimeouts"));
    grid->setColumnStretch(1, 3);
    grid->setColumnStretch(3, 2);
    grid->setColumnMinimumWidth(2, 0);
    grid->setRowStretch(qMax(rows, row), 1);
    auto* scroll = new QScrollArea;
    scroll->setWidget(fields);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);

    m_log->setObjectName(QStringLiteral("stateLogView"));
    m_log->setModel(session->stateLog());
    m_log->verticalHeader()->hide();
    m_log->verticalHeader()->setDefaultSectionSize(m_log->fontMetrics().height() + 4);
    m_log->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_log->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_log->setWordWrap(false);
    m_log->horizontalHeader()->setSectionResizeMode(StateLogModel::ReasonColumn, QHeaderView::Stretch);
    // Sized for their values (headers may elide): the reason gets the rest.
    const QFontMetrics fm = m_log->fontMetrics();
    m_log->setColumnWidth(StateLogModel::TimeColumn, fm.horizontalAdvance(u"00:00:00.000"_s) + 14);
    m_log->setColumnWidth(StateLogModel::StateColumn, fm.horizontalAdvance(u"authenticating"_s) + 14);
    m_log->setColumnWidth(StateLogModel::DurationColumn, fm.horizontalAdvance(u"00 min 00 s"_s) + 12);
    m_log->horizontalHeader()->setTextElideMode(Qt::ElideRight);
    // Newest state last: keep it in view.
    connect(
        session->stateLog(), &QAbstractItemModel::rowsInserted, m_log, [this] { m_log->scrollToBottom(); });

    auto* splitter = new QSplitter(Qt::Horizontal);
    splitter->setObjectName(QStringLiteral("diagnosticsSplitter"));
    splitter->setChildrenCollapsible(false);
    splitter->addWidget(scroll);
    splitter->addWidget(m_chart);
    splitter->addWidget(m_log);
    splitter->setStretchFactor(0, 6);
    splitter->setStretchFactor(1, 3);
    splitter->setStretchFactor(2, 4);
    splitter->setSizes({660, 300, 380});
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);

    m_timer->setInterval(1000);
    connect(m_timer, &QTimer::timeout, this, [this] {
        if (isVisible())
            refresh();
    });
    m_timer->start();
    if (Connection* c = session->connection()) {
        connect(c, &Connection::stateChanged, this,
            [this](Connection::State state, const QString&) { onStateChanged(state); });
        m_badge->setState(c->state());
    }
    refresh();
}

QLabel* DiagnosticsPanel::addField(
    QGridLayout* grid, int row, int column, const QString& label, const QString& name)
{
    auto* key = new QLabel(label);
    key->setForegroundRole(QPalette::PlaceholderText);
    auto* value = new QLabel;
    value->setObjectName(name);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    value->setWordWrap(false);
    grid->addWidget(key, row, column);
    grid->addWidget(value, row, column + 1);
    m_fields.insert(name, value);
    return value;
}

void DiagnosticsPanel::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    refresh();
}

void DiagnosticsPanel::onStateChanged(Connection::State state)
{
    if (state == Connection::State::Live) {
        m_recoveredAfter = m_attempt;
        m_attempt = 0;
    } else if (state == Connection::State::Backoff)
        ++m_attempt;
    m_badge->setState(state);
    if (isVisible())
        refresh();
}

QString DiagnosticsPanel::fieldText(const QString& objectName) const
{
    const QLabel* label = m_fields.value(objectName);
    return label ? label->text() : QString();
}

void DiagnosticsPanel::refresh()
{
    Connection* c = m_session->connection();
    auto set = [this](const char* name, const QString& text, const QString& tip = {}) {
        if (QLabel* l = m_fields.value(QLatin1String(name))) {
            l->setText(text);
            l->setToolTip(tip);
        }
    };
    const EventRates& rates = m_session->rates();
    // The last whole second: the current one is still filling and would always dip.
    const qint64 nowSecond = QDateTime::currentSecsSinceEpoch() - 1;
    // A young session gets a shorter time axis (whole minutes), so its first seconds are not a sliver.
    int seconds = ChartSeconds;
    if (m_session->store().count() > 0) {
        const qint64 age = nowSecond - m_session->store().at(0).receivedUs / 1'000'000 + 1;
        seconds = int(qBound(qint64(MinChartSeconds), (age + 59) / 60 * 60, qint64(ChartSeconds)));
    }
    m_chart->setSeries(rates.eventsPerSecond(seconds, nowSecond), rates.bytesPerSecond(seconds, nowSecond));
    set("diagRate", QLocale().toString(rates.rate(10), 'f', 1));
    set("diagErrors", number(rates.errors()));
    set("diagUnknown", number(rates.unknownTypes()));
    set("diagServer", redactUrl(m_session->server()), c ? redactUrl(c->redactedSocketUrl()) : QString());
    if (!c)
        return;

    const Connection::Counters k = c->counters();
    m_badge->setState(c->state());
    set("diagTimeInState", tr("for %1").arg(formatDuration(k.msInState)), c->stateReason());

    const qint64 retry = c->nextRetryInMs();
    if (retry >= 0)
        set("diagReconnect",
            tr("attempt %1 in %2").arg(m_attempt).arg(QLocale().toString(retry / 1000.0, 'f', 1) + tr(" s")));
    else if (c->state() == Connection::State::Live)
        set("diagReconnect",
            m_recoveredAfter == 0 ? tr("not needed")
                                  : tr("live again after %n attempt(s)", nullptr, m_recoveredAfter));
    else
        set("diagReconnect", tr("—"));

    if (k.lastCloseCode < 0) {
        set("diagLastClose", tr("none yet"));
    } else {
        QString text = closeCodeMeaning(k.lastCloseCode);
        if (!k.lastCloseReason.isEmpty())
            text = tr("%1 — “%2”").arg(text, redactSecrets(k.lastCloseReason));
        set("diagLastClose", text, text);
    }

    const QList<qint64> pings = m_session->pingHistory();
    if (pings.isEmpty()) {
        set("diagPing", tr("no pong yet"));
    } else {
        set("diagPing",
            tr("%1 ms · median %2 ms · p95 %3 ms")
                .arg(pings.last())
                .arg(percentile(pings, 50))
                .arg(percentile(pings, 95)),
            tr("%n pong(s) measured", nullptr, int(pings.size())));
    }
    set("diagWebSocketId", c->webSocketId().isEmpty() ? tr("—") : c->webSocketId());

    const ServerVersion v = c->serverVersion();
    if (v.code() == 0) {
        set("diagVersion", tr("not probed yet"));
    } else {
        const QString profile = c->multiPage() ? tr("multi-page") : tr("single-page");
        const QString explained = c->multiPage() ? tr("Baserow 1.21 and later: several pages per socket")
                                                 : tr("before Baserow 1.21: one page per socket at a time");
        set("diagVersion", tr("%1 · %2").arg(v.toString(), profile), explained);
    }

    const qint64 expiry = m_session->accessTokenExpiresInMs();
    set("diagToken",
        expiry < 0        ? tr("—")
            : expiry == 0 ? tr("expired (renewal pending)")
                          : tr("expires in %1").arg(formatDuration(expiry)));

    set("diagFrames", tr("%1 / %2").arg(number(k.framesReceived), number(k.framesSent)));
    set("diagBytes", tr("%1 / %2").arg(bytes(k.bytesReceived), bytes(k.bytesSent)));
    set("diagReconnects", number(k.reconnects));
    set("diagAuthFailures", number(k.authFailures));
    set("diagPingTimeouts", number(k.pingTimeouts));
}

QString DiagnosticsPanel::closeCodeMeaning(int code)
{
    QString meaning;
    switch (code) {
    case 1000:
        meaning = tr("normal closure (also what Baserow sends after refusing the authentication)");
        break;
    case 1001:
        meaning = tr("going away: the server or a proxy is shutting down or restarting");
        break;
    case 1002:
        meaning = tr("protocol error");
        break;
    case 1003:
        meaning = tr("unsupported data");
        break;
    case 1005:
        meaning = tr("closed without a status code");
        break;
    case 1006:
        meaning = tr("no close frame: the connection dropped (network, proxy timeout or a crashed worker)");
        break;
    case 1007:
        meaning = tr("invalid frame payload data");
        break;
    case 1008:
        meaning = tr("policy violation");
        break;
    case 1009:
        meaning = tr("message too big");
        break;
    case 1010:
        meaning = tr("a required extension was not negotiated");
        break;
    case 1011:
        meaning = tr("server error: an exception on the server");
        break;
    case 1012:
        meaning = tr("service restart");
        break;
    case 1013:
        meaning = tr("try again later (server overloaded)");
        break;
    case 1014:
        meaning = tr("bad gateway (a proxy got an invalid answer)");
        break;
    case 1015:
        meaning = tr("TLS handshake failure");
        break;
    default:
        if (code >= 4000 && code <= 4999)
            meaning = tr("application code: chosen by the server application or a proxy");
        else if (code >= 3000 && code <= 3999)
            meaning = tr("registered code of a library or framework");
        else
            meaning = tr("unknown code");
        break;
    }
    return QString(QString::number(code) + QLatin1Char(' ') + meaning);
}

QString DiagnosticsPanel::formatDuration(qint64 ms)
{
    if (ms < 0)
        return tr("—");
    const qint64 s = ms / 1000;
    if (s < 60)
        return tr("%1 s").arg(s);
    if (s < 3600)
        return tr("%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    if (s < 86400)
        return tr("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QLatin1Char('0'));
    return tr("%1 d %2 h").arg(s / 86400).arg((s % 86400) / 3600);
}

qint64 DiagnosticsPanel::percentile(QList<qint64> values, double percentile)
{
    if (values.isEmpty())
        return -1;
    std::sort(values.begin(), values.end());
    const double rank = std::ceil(percentile / 100.0 * double(values.size()));
    const qsizetype index = qBound<qsizetype>(0, qsizetype(rank) - 1, values.size() - 1);
    return values[index];
}

} // namespace bmon
