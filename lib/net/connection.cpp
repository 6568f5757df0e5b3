// SPDX-License-Identifier: MIT
#include "net/connection.h"

#include "core/eventstore.h"
#include "core/logging.h"
#include "core/messagetypes.h"
#include "core/redact.h"
#include "net/authsession.h"
#include "net/netutil.h"
#include "net/restclient.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkProxy>
#include <QWebSocket>

using namespace Qt::StringLiterals;

namespace bmon {

namespace {

// Reconnect with a fresh token when less than this fraction of its lifetime is left (§8.4).
constexpr double RenewBeforeReconnectFraction = 0.2;
// How long a cleanly closing socket may take before it is dropped anyway.
constexpr qint64 CloseGraceMs = 2000;

QString seconds(qint64 ms)
{
    return QString::number(double(ms) / 1000.0, 'f', ms % 1000 == 0 ? 0 : 1);
}

} // namespace

Connection::Connection(
    RestClient* rest, EventStore* store, const Options& options, Clock* clock, QObject* parent)
    : QObject(parent)
    , m_rest(rest)
    , m_store(store)
    , m_options(options)
    , m_clock(clock ? clock : Clock::system())
    , m_queue(*store, m_clock)
    , m_rng(options.jitterSeed != 0
              ? QRandomGenerator(quint32(options.jitterSeed ^ (options.jitterSeed >> 32)))
              : QRandomGenerator(QRandomGenerator::global()->generate()))
{
    Q_ASSERT(rest && store);
    m_stateSinceMs = m_clock->monotonicMs();
    m_rest->setSendWebSocketId(m_options.sendWebSocketIdHeader);
    connect(m_rest->session(), &AuthSession::authExpired, this, &Connection::onSessionExpired);
    // Both come from the ingest thread, queued: records are in the store when they arrive.
    connect(&m_queue, &IngestQueue::controlFrame, this,
        [this](quint64 index) { handleControl(m_store->at(index)); });
    connect(&m_queue, &IngestQueue::barrierReached, this, [this](quint64 id) {
        if (auto fn = m_afterIngested.take(id))
            fn();
    });
    connect(&m_queue, &IngestQueue::appended, this, [this]() {
        m_queue.acknowledgeAppended(); // before readers look, so nothing stored meanwhile is missed
        emit eventsAppended();
    });
}

Connection::~Connection()
{
    ++m_run;
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
    }
}

// ---- lifecycle --------------------------------------------------------------------------------

bool Connection::isRunning() const
{
    return m_state != State::Disconnected && m_state != State::Stopped && m_state != State::AuthExpired;
}

void Connection::begin()
{
    ++m_run;
    teardownSocket(false);
    cancelTimer(m_retryTimer);
    m_retryAtMs = -1;
    m_failure = Failure::None;
    m_failureMessage.clear();
    m_wasLive = false;
    m_attempt = 0;
    m_authRetried = false;
    m_webSocketId.clear();
    m_rest->setWebSocketId(QString());
}

void Connection::start(const QString& email, const QString& password)
{
    begin();
    const quint64 run = m_run;
    probe([this, run, email, password]() {
        setState(State::LoggingIn, tr("logging in as %1").arg(email));
        m_rest->login(email, password, this, [this, run](const Result<User>& r) {
            if (run != m_run)
                return;
            if (!r)
                return failFromRest(r.error());
            onLoggedIn();
        });
    });
}

void Connection::startWithRefreshToken(const QString& refreshToken)
{
    begin();
    const quint64 run = m_run;
    probe([this, run, refreshToken]() {
        setState(State::LoggingIn, tr("getting an access token from the refresh token"));
        m_rest->loginWithRefreshToken(refreshToken, this, [this, run](const Result<void>& r) {
            if (run != m_run)
                return;
            if (!r)
                return failFromRest(r.error());
            onLoggedIn();
        });
    });
}

void Connection::probe(std::function<void()> next)
{
    const quint64 run = m_run;
    setState(State::LoggingIn, tr("asking %1 for its version").arg(hostAndPort(m_rest->baseUrl())));
    m_rest->fetchServerVersion(this, [this, run, next = std::move(next)](const Result<ServerVersion>& r) {
        if (run != m_run)
            return;
        if (!r)
            return failFromRest(r.error());
        m_version = r.value();
        qCInfo(lcWs).noquote() << "server version" << m_version->toString();
        if (m_version->isNewerThanKnown()) {
            emit notice(
                tr("Server %1 is newer than the newest known (%2); unknown messages are shown as they are.")
                    .arg(m_version->toString(), ServerVersion::newestKnown().toString()));
        }
        next();
    });
}

void Connection::onLoggedIn()
{
    connectSocket();
}

void Connection::stop()
{
    ++m_run;
    cancelTimer(m_retryTimer);
    m_retryAtMs = -1;
    teardownSocket(true);
    markSubscriptionsDisconnected();
    setState(State::Stopped, tr("stopped"));
}

void Connection::fail(Failure failure, const QString& message, State finalState)
{
    if (!isRunning())
        return;
    ++m_run;
    cancelTimer(m_retryTimer);
    m_retryAtMs = -1;
    teardownSocket(true);
    markSubscriptionsDisconnected();
    m_failure = failure;
    m_failureMessage = message;
    // Info, not warning: the run ends through failed(), and the caller reports it to the user.
    qCInfo(lcWs).noquote() << "giving up:" << failureName(failure) << message;
    setState(finalState, message);
    emit failed(failure, message);
}

void Connection::failFromRest(const RestError& e)
{
    QString message = e.message;
    Failure f = Failure::Other;
    switch (e.kind) {
    case RestError::Kind::Network:
    case RestError::Kind::Timeout:
        f = Failure::Unreachable;
        break;
    case RestError::Kind::Tls:
        f = Failure::Tls;
        if (!e.tlsDetails.isEmpty())
            message = QString(message + u'\n' + e.tlsDetails);
        break;
    case RestError::Kind::NotBaserow:
        f = Failure::NotBaserow;
        break;
    case RestError::Kind::Unsupported:
        f = Failure::Unsupported;
        break;
    case RestError::Kind::Auth:
        f = Failure::AuthRefused;
        break;
    case RestError::Kind::Http:
        // A gateway without its backend (502/503/504) is an unreachable server.
        f = e.httpStatus >= 500 ? Failure::Unreachable : Failure::Other;
        break;
    default:
        break;
    }
    fail(f, message);
}

void Connection::onSessionExpired(const QString& reason)
{
    if (!isRunning())
        return;
    fail(Failure::AuthRefused, reason, State::AuthExpired);
}

void Connection::setState(State state, const QString& reason)
{
    if (state == m_state && reason == m_stateReason)
        return;
    if (state != m_state)
        m_stateSinceMs = m_clock->monotonicMs();
    m_state = state;
    m_stateReason = reason;
    qCInfo(lcWs).noquote() << "state" << stateName(state) << reason;
    emit stateChanged(state, reason);
}

void Connection::cancelTimer(Clock::TimerId& id)
{
    if (id != 0)
        m_clock->cancel(id);
    id = 0;
}

// ---- socket -----------------------------------------------------------------------------------

void Connection::connectSocket()
{
    teardownSocket(false);
    m_socketError.clear();
    m_socketOpened = false;
    m_closeFrameReceived = false;
    m_tlsDetails.clear();
    m_expectedDiscards.clear();
    ++m_generation;
    if (m_generation == 0)
        m_generation = 1; // 65535 reconnects later: never stamp 0 ("no connection")
    if (m_generation > 1)
        ++m_counters.reconnects;

    auto* s = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    m_socket = s;
    if (isLoopbackHost(m_rest->baseUrl().host()))
        s->setProxy(QNetworkProxy::NoProxy);
    s->setSslConfiguration(m_rest->sslConfiguration());
    connect(s, &QWebSocket::connected, this, &Connection::onSocketConnected);
    connect(s, &QWebSocket::disconnected, this, &Connection::onSocketDisconnected);
    // QWebSocket answers a close frame it receives and says so here; a bare TCP drop never does.
    connect(s, &QWebSocket::aboutToClose, this, [this]() { m_closeFrameReceived = true; });
    connect(s, &QWebSocket::textMessageReceived, this, &Connection::onTextMessage);
    connect(s, &QWebSocket::binaryMessageReceived, this, &Connection::onBinaryMessage);
    connect(s, &QWebSocket::pong, this, &Connection::onPong);
    connect(s, &QWebSocket::sslErrors, this, &Connection::onSslErrors);
#if QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
    connect(s, &QWebSocket::errorOccurred, this, &Connection::onSocketError);
#else
    connect(s, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this, &Connection::onSocketError);
#endif

    m_socketUrl = webSocketUrl(m_rest->baseUrl(), m_rest->session()->accessToken());
    setState(State::Connecting, redactUrl(m_socketUrl));
    cancelTimer(m_retryTimer);
    m_retryTimer = m_clock->schedule(m_options.authTimeoutMs, this, [this]() {
        m_retryTimer = 0;
        socketLost(tr("no authentication frame within %1 s of opening the socket")
                       .arg(seconds(m_options.authTimeoutMs)));
    });
    s->open(m_socketUrl);
}

void Connection::teardownSocket(bool graceful)
{
    cancelTimer(m_pingTimer);
    cancelTimer(m_pingTimeoutTimer);
    if (!m_socket)
        return;
    QWebSocket* s = std::exchange(m_socket, nullptr);
    s->disconnect(this);
    if (graceful && s->state() == QAbstractSocket::ConnectedState) {
        // Close handshake (1000), then let the socket go once the server answers or time runs out.
        connect(s, &QWebSocket::disconnected, s, &QObject::deleteLater);
        s->close(QWebSocketProtocol::CloseCodeNormal);
        m_clock->schedule(CloseGraceMs, s, [s]() {
            s->abort();
            s->deleteLater();
        });
    } else {
        s->abort();
        s->deleteLater();
    }
}

void Connection::onSocketConnected()
{
    m_socketOpened = true;
    setState(State::Authenticating, tr("waiting for the authentication frame"));
}

void Connection::onTextMessage(const QString& message)
{
    // The hot path: stamp, encode into the ingest queue, count. Classification and storing run on
    // the queue's thread; control frames come back through handleControl().
    m_queue.submitText(message, Direction::Received, m_generation);
    ++m_counters.framesReceived;
    m_counters.bytesReceived += quint64(message.size());
    m_lastFrameMs = m_clock->monotonicMs();
}

void Connection::onBinaryMessage(const QByteArray& message)
{
    m_queue.submitBinary(message, Direction::Received, m_generation); // Baserow never sends these
    ++m_counters.framesReceived;
    m_counters.bytesReceived += quint64(message.size());
    m_lastFrameMs = m_clock->monotonicMs();
}

void Connection::handleControl(const EventRecord& rec)
{
    if (rec.generation != m_generation || !m_socket)
        return; // from a socket that has since been replaced
    const QByteArrayView payload = m_store->payload(rec);
    const QJsonObject o
        = QJsonDocument::fromJson(QByteArray::fromRawData(payload.data(), payload.size())).object();
    switch (rec.typeId) {
    case KnownType::Authentication:
        onAuthentication(o.value("success"_L1).toBool(), o.value("web_socket_id"_L1).toString());
        break;
    case KnownType::PageAdd:
        onPageAdd(o.value("page"_L1).toString(), o.value("parameters"_L1).toObject());
        break;
    case KnownType::PageDiscard:
        onPageDiscard(o.value("page"_L1).toString(), o.value("parameters"_L1).toObject());
        break;
    case KnownType::ForceDisconnect:
        onForceDisconnect();
        break;
    default:
        break;
    }
}

void Connection::onAuthentication(bool success, const QString& webSocketId)
{
    if (m_state != State::Authenticating && m_state != State::Connecting)
        return; // only the first frame of a socket authenticates
    cancelTimer(m_retryTimer);
    if (success) {
        m_webSocketId = webSocketId;
        m_rest->setWebSocketId(webSocketId);
        m_attempt = 0;
        m_authRetried = false;
        m_wasLive = true;
        m_lastTlsNotice.clear();
        setState(State::Live,
            tr("connected to %1 (web_socket_id %2)").arg(hostAndPort(m_rest->baseUrl()), webSocketId));
        schedulePing();
        resubscribeAll();
        return;
    }
    ++m_counters.authFailures;
    teardownSocket(false); // the server closes with 1000 right after success:false anyway
    if (m_authRetried) {
        fail(Failure::AuthRefused,
            tr("The server refused the realtime connection even with a freshly issued token; log in again."),
            State::AuthExpired);
        return;
    }
    // Unlike the official client, renew the token before trying again (§8.3).
    m_authRetried = true;
    renewTokenThen(tr("the server refused the token; renewing it"), [this]() { connectSocket(); });
}

void Connection::onForceDisconnect()
{
    fail(Failure::AuthRefused, tr("the password was changed on the server (force_disconnect); log in again"),
        State::AuthExpired);
}

void Connection::renewTokenThen(const QString& reason, std::function<void()> next)
{
    setState(State::LoggingIn, reason);
    const quint64 run = m_run;
    m_rest->refreshAccessToken(this, [this, run, next = std::move(next)](const Result<void>& r) {
        if (run != m_run)
            return;
        if (r)
            return next();
        const RestError& e = r.error();
        if (e.kind == RestError::Kind::Auth || e.kind == RestError::Kind::Cancelled)
            return fail(Failure::AuthRefused, e.message, State::AuthExpired);
        if (!m_wasLive)
            return failFromRest(e);
        enterBackoff(tr("could not renew the token: %1").arg(e.message));
    });
}

void Connection::onSocketDisconnected()
{
    if (!m_socket)
        return;
    // Qt 6.4 reports a refused or failed opening as "disconnected" before the error signal, and
    // keeps closeCode() at 1000 when the TCP connection just ends without a close frame.
    if (!m_socketOpened) { // refused, unreachable, a failed upgrade: nothing was closed
        socketLost(m_socketError.isEmpty() ? redactSecrets(m_socket->errorString()) : m_socketError);
        return;
    }
    // Baserow closes right after force_disconnect or a failed authentication: let those frames,
    // still in the ingest queue, be handled first.
    const quint16 generation = m_generation;
    QString reason;
    if (!m_closeFrameReceived) {
        // No close frame (a restart, a proxy, a crash): RFC 6455's 1006, abnormal closure.
        m_counters.lastCloseCode = int(QWebSocketProtocol::CloseCodeAbnormalDisconnection);
        m_counters.lastCloseReason = redactSecrets(m_socket->errorString());
        reason
            = tr("the connection dropped without a close frame (1006: %1)").arg(m_counters.lastCloseReason);
    } else {
        m_counters.lastCloseCode = int(m_socket->closeCode());
        m_counters.lastCloseReason = redactSecrets(m_socket->closeReason());
        reason
            = tr("the server closed the connection (code %1%2)")
                  .arg(m_counters.lastCloseCode)
                  .arg(m_counters.lastCloseReason.isEmpty() ? QString()
                                                            : QString(u", "_s + m_counters.lastCloseReason));
    }
    afterIngested([this, generation, reason]() {
        if (generation == m_generation)
            socketLost(reason);
    });
}

void Connection::afterIngested(std::function<void()> fn)
{
    const quint64 id = ++m_barrierSerial;
    m_afterIngested.insert(id, std::move(fn));
    m_queue.submitBarrier(id);
}

void Connection::onSocketError(QAbstractSocket::SocketError)
{
    if (!m_socket)
        return;
    m_socketError = redactSecrets(m_socket->errorString());
    // Whichever of "error" and "disconnected" comes last, the socket is gone once both settled
    // unless it is still connected (an error on a live socket is followed by "disconnected").
    const quint16 generation = m_generation;
    afterIngested([this, generation]() {
        if (m_socket && generation == m_generation && m_socket->state() != QAbstractSocket::ConnectedState)
            socketLost(m_socketError);
    });
}

void Connection::onSslErrors(const QList<QSslError>& errors)
{
    // Never ignored: the handshake fails and socketLost() reports the certificate.
    if (m_socket)
        m_tlsDetails = describeTlsFailure(errors, m_socket->sslConfiguration().peerCertificate());
}

void Connection::socketLost(const QString& reason)
{
    if (!m_socket)
        return;
    const QString tls = m_tlsDetails;
    cancelTimer(m_retryTimer);
    teardownSocket(false);
    markSubscriptionsDisconnected();
    qCInfo(lcWs).noquote() << "socket lost:" << reason;
    if (!m_wasLive) {
        if (!tls.isEmpty()) {
            fail(Failure::Tls,
                tr("The TLS handshake with %1 failed: %2\n%3")
                    .arg(hostAndPort(m_rest->baseUrl()), reason, tls));
        } else {
            fail(Failure::Unreachable,
                tr("The realtime connection to %1 failed: %2").arg(redactUrl(m_socketUrl), reason));
        }
        return;
    }
    if (!tls.isEmpty() && tls != m_lastTlsNotice) {
        m_lastTlsNotice = tls;
        emit notice(tr("TLS failure while reconnecting: %1").arg(tls));
    }
    enterBackoff(reason);
}

void Connection::enterBackoff(const QString& reason)
{
    ++m_attempt;
    const qint64 delay = m_options.backoff.delayMs(m_attempt, m_rng.generateDouble());
    if (delay < 0) {
        fail(Failure::ConnectionLost,
            tr("Gave up after %1 reconnection attempts: %2").arg(m_options.backoff.maxAttempts).arg(reason));
        return;
    }
    cancelTimer(m_retryTimer);
    m_retryAtMs = m_clock->monotonicMs() + delay;
    setState(State::Backoff,
        tr("%1; reconnecting in %2 s (attempt %3)").arg(reason, seconds(delay)).arg(m_attempt));
    m_retryTimer = m_clock->schedule(delay, this, [this]() {
        m_retryTimer = 0;
        m_retryAtMs = -1;
        reconnect();
    });
}

void Connection::reconnect()
{
    const AuthSession* session = m_rest->session();
    if (!session->isAuthenticated() || session->expiresWithin(RenewBeforeReconnectFraction))
        renewTokenThen(tr("renewing the token before reconnecting"), [this]() { connectSocket(); });
    else
        connectSocket();
}

// ---- ping -------------------------------------------------------------------------------------

void Connection::schedulePing()
{
    cancelTimer(m_pingTimer);
    if (m_options.pingIntervalMs <= 0)
        return;
    m_pingTimer = m_clock->schedule(m_options.pingIntervalMs, this, [this]() {
        m_pingTimer = 0;
        sendPing();
    });
}

void Connection::sendPing()
{
    if (!m_socket || m_state != State::Live)
        return;
    m_socket->ping(QByteArray::number(++m_pingSerial));
    cancelTimer(m_pingTimeoutTimer);
    m_pingTimeoutTimer = m_clock->schedule(m_options.pingTimeoutMs, this, [this]() {
        m_pingTimeoutTimer = 0;
        onPingTimeout();
    });
}

void Connection::onPong(quint64 elapsedMs, const QByteArray& payload)
{
    if (m_pingTimeoutTimer == 0 || payload != QByteArray::number(m_pingSerial))
        return; // unsolicited, or the answer to an older ping
    cancelTimer(m_pingTimeoutTimer);
    const qint64 rtt = qint64(elapsedMs);
    ++m_counters.pongs;
    m_counters.pingRttLastMs = rtt;
    m_counters.pingRttMaxMs = qMax(m_counters.pingRttMaxMs, rtt);
    m_rttSumMs += double(rtt);
    m_counters.pingRttAvgMs = m_rttSumMs / double(m_counters.pongs);
    emit pingMeasured(rtt);
    schedulePing();
}

void Connection::onPingTimeout()
{
    ++m_counters.pingTimeouts;
    socketLost(tr("no pong within %1 s: the connection is half-open").arg(seconds(m_options.pingTimeoutMs)));
}

// ---- subscriptions ----------------------------------------------------------------------------

void Connection::sendFrame(const QJsonObject& message)
{
    if (!m_socket)
        return;
    const QByteArray bytes = QJsonDocument(message).toJson(QJsonDocument::Compact);
    m_socket->sendTextMessage(QString::fromUtf8(bytes));
    // A password-protected public view's token must not reach the store (or recordings from it).
    const QJsonValue token = message.value("token"_L1);
    if (token.isString() && !token.toString().isEmpty()) {
        QJsonObject redacted = message;
        redacted.insert(u"token"_s, u"REDACTED"_s);
        m_queue.submitUtf8(
            QJsonDocument(redacted).toJson(QJsonDocument::Compact), Direction::Sent, m_generation);
    } else {
        m_queue.submitUtf8(bytes, Direction::Sent, m_generation);
    }
    ++m_counters.framesSent;
    m_counters.bytesSent += quint64(bytes.size());
}

Connection::Entry* Connection::findEntry(const Page& page)
{
    for (Entry& e : m_entries) {
        if (e.sub.page == page)
            return &e;
    }
    return nullptr;
}

Connection::Entry* Connection::findEntry(quint64 id)
{
    for (Entry& e : m_entries) {
        if (e.id == id)
            return &e;
    }
    return nullptr;
}

void Connection::setSubscriptionState(Entry& entry, SubscriptionState state, const QString& reason)
{
    if (entry.sub.state == state && entry.sub.reason == reason)
        return;
    entry.sub.state = state;
    entry.sub.reason = reason;
    entry.sub.changedAtMs = m_clock->monotonicMs();
    emit subscriptionChanged(entry.sub);
}

void Connection::subscribe(const Page& page)
{
    Entry* e = findEntry(page);
    if (e && !e->superseded
        && (e->sub.state == SubscriptionState::Active
            || (e->sub.state == SubscriptionState::Pending && (m_state != State::Live || e->timer != 0)))) {
        return; // already there or on its way
    }
    if (!e) {
        Entry fresh;
        fresh.id = m_nextEntryId++;
        fresh.sub.page = page;
        fresh.sub.changedAtMs = m_clock->monotonicMs();
        m_entries.append(fresh);
        e = &m_entries.last();
    } else {
        // Asking again moves it to the end: on a single-page server the last one wins.
        Entry moved = *e;
        m_entries.removeIf([&](const Entry& x) { return x.id == moved.id; });
        m_entries.append(moved);
        e = &m_entries.last();
    }
    e->superseded = false;
    if (m_state == State::Live) {
        sendSubscribe(*e);
    } else {
        cancelTimer(e->timer);
        e->sub.state = SubscriptionState::Unsubscribed; // force the change signal below
        setSubscriptionState(*e, SubscriptionState::Pending, tr("waiting for the connection"));
    }
}

void Connection::sendSubscribe(Entry& entry)
{
    const quint64 id = entry.id;
    if (!multiPage()) {
        // ≤ 1.20: a new page silently replaces the current one (§2.4).
        QStringList replaced;
        for (Entry& other : m_entries) {
            if (other.id == id || other.superseded)
                continue;
            other.superseded = true;
            cancelTimer(other.timer);
            const bool onThisSocket = other.sentGeneration == m_generation
                && (other.sub.state == SubscriptionState::Active
                    || other.sub.state == SubscriptionState::Pending);
            if (onThisSocket)
                m_expectedDiscards.append(other.sub.page);
            if (other.sub.state == SubscriptionState::Active
                || other.sub.state == SubscriptionState::Pending) {
                replaced.append(other.sub.page.toString());
                setSubscriptionState(other, SubscriptionState::Discarded,
                    tr("Baserow %1 holds one page per connection (before 1.21): subscribing to %2 "
                       "replaced it")
                        .arg(serverVersion().toString(), entry.sub.page.toString()));
            }
        }
        if (!replaced.isEmpty() && !m_singlePageNoticeShown) {
            m_singlePageNoticeShown = true;
            emit notice(
                tr("Baserow %1 holds only one page per connection (multiple pages arrived in 1.21): %2 "
                   "replaced %3.")
                    .arg(serverVersion().toString(), entry.sub.page.toString(), replaced.join(u", "_s)));
        }
    }
    Entry* e = findEntry(id);
    if (!e)
        return;
    sendFrame(e->sub.page.subscribeMessage());
    e->sentGeneration = m_generation;
    cancelTimer(e->timer);
    e->timer = m_clock->schedule(m_options.pageAddTimeoutMs, this, [this, id]() { onPageAddTimeout(id); });
    e->sub.state = SubscriptionState::Unsubscribed; // force the change signal: a new request is pending
    setSubscriptionState(*e, SubscriptionState::Pending, QString());
}

void Connection::onPageAddTimeout(quint64 entryId)
{
    Entry* e = findEntry(entryId);
    if (!e)
        return;
    e->timer = 0;
    if (e->sub.state != SubscriptionState::Pending)
        return;
    setSubscriptionState(*e, SubscriptionState::Rejected,
        tr("no page_add within %1 s: Baserow answers nothing when it refuses a subscription "
           "(no permission, unknown table or page type, missing parameter)")
            .arg(seconds(m_options.pageAddTimeoutMs)));
}

void Connection::unsubscribe(const Page& page)
{
    Entry* e = findEntry(page);
    if (!e)
        return;
    cancelTimer(e->timer);
    const bool held = m_state == State::Live && !e->superseded && e->sentGeneration == m_generation
        && (e->sub.state == SubscriptionState::Active || e->sub.state == SubscriptionState::Pending);
    if (held) {
        sendFrame(page.unsubscribeMessage(multiPage()));
        m_expectedDiscards.append(page);
    }
    Subscription gone = e->sub;
    const quint64 id = e->id;
    m_entries.removeIf([id](const Entry& x) { return x.id == id; });
    gone.state = SubscriptionState::Unsubscribed;
    gone.reason.clear();
    gone.changedAtMs = m_clock->monotonicMs();
    emit subscriptionChanged(gone);
}

void Connection::onPageAdd(const QString& page, const QJsonObject& parameters)
{
    for (Entry& e : m_entries) {
        if (e.superseded || !e.sub.page.matches(page, parameters))
            continue;
        if (e.sub.state == SubscriptionState::Pending || e.sub.state == SubscriptionState::Rejected) {
            cancelTimer(e.timer);
            setSubscriptionState(e, SubscriptionState::Active, QString()); // a late page_add still counts
        }
        return;
    }
}

void Connection::onPageDiscard(const QString& page, const QJsonObject& parameters)
{
    for (qsizetype i = 0; i < m_expectedDiscards.size(); ++i) {
        if (m_expectedDiscards[i].matches(page, parameters)) {
            m_expectedDiscards.removeAt(i);
            return; // the answer to our own remove_page, or a single-page replacement
        }
    }
    for (Entry& e : m_entries) {
        if (e.superseded || !e.sub.page.matches(page, parameters))
            continue;
        if (e.sub.state == SubscriptionState::Active || e.sub.state == SubscriptionState::Pending) {
            cancelTimer(e.timer);
            setSubscriptionState(e, SubscriptionState::Discarded,
                tr("access lost: the server dropped the page without being asked (permission "
                   "removed or user left the workspace)"));
        }
        return;
    }
}

void Connection::resubscribeAll()
{
    m_expectedDiscards.clear();
    if (multiPage()) {
        const QList<quint64> ids = [this] {
            QList<quint64> out;
            for (const Entry& e : std::as_const(m_entries)) {
                if (!e.superseded)
                    out.append(e.id);
            }
            return out;
        }();
        for (quint64 id : ids) {
            if (Entry* e = findEntry(id))
                sendSubscribe(*e);
        }
        return;
    }
    for (qsizetype i = m_entries.size() - 1; i >= 0; --i) {
        if (!m_entries[i].superseded) {
            sendSubscribe(m_entries[i]);
            return;
        }
    }
}

void Connection::markSubscriptionsDisconnected()
{
    for (Entry& e : m_entries) {
        cancelTimer(e.timer);
        if (!e.superseded
            && (e.sub.state == SubscriptionState::Active || e.sub.state == SubscriptionState::Pending))
            setSubscriptionState(e, SubscriptionState::Pending, tr("waiting for the connection"));
    }
    m_expectedDiscards.clear();
}

QList<Subscription> Connection::subscriptions() const
{
    QList<Subscription> out;
    out.reserve(m_entries.size());
    for (const Entry& e : m_entries)
        out.append(e.sub);
    return out;
}

// ---- queries ----------------------------------------------------------------------------------

Connection::Counters Connection::counters() const
{
    Counters c = m_counters;
    c.msInState = m_clock->monotonicMs() - m_stateSinceMs;
    c.malformedFrames = m_queue.malformed();
    if (m_lastFrameMs >= 0) // wall-clock time of the last frame, from the monotonic clock
        c.lastFrameUs = m_clock->nowUs() - (m_clock->monotonicMs() - m_lastFrameMs) * 1000;
    return c;
}

qint64 Connection::nextRetryInMs() const
{
    if (m_state != State::Backoff || m_retryAtMs < 0)
        return -1;
    return qMax<qint64>(0, m_retryAtMs - m_clock->monotonicMs());
}

QUrl Connection::redactedSocketUrl() const
{
    return webSocketUrl(m_rest->baseUrl(), u"REDACTED"_s);
}

QString Connection::stateName(State state)
{
    switch (state) {
    case State::Disconnected:
        return u"disconnected"_s;
    case State::LoggingIn:
        return u"logging_in"_s;
    case State::Connecting:
        return u"connecting"_s;
    case State::Authenticating:
        return u"authenticating"_s;
    case State::Live:
        return u"live"_s;
    case State::Backoff:
        return u"backoff"_s;
    case State::AuthExpired:
        return u"auth_expired"_s;
    case State::Stopped:
        return u"stopped"_s;
    }
    return u"unknown"_s;
}

QString Connection::failureName(Failure failure)
{
    switch (failure) {
    case Failure::None:
        return u"none"_s;
    case Failure::AuthRefused:
        return u"auth_refused"_s;
    case Failure::Unreachable:
        return u"unreachable"_s;
    case Failure::Tls:
        return u"tls"_s;
    case Failure::NotBaserow:
        return u"not_baserow"_s;
    case Failure::Unsupported:
        return u"unsupported"_s;
    case Failure::ConnectionLost:
        return u"connection_lost"_s;
    case Failure::Other:
        return u"other"_s;
    }
    return u"unknown"_s;
}

} // namespace bmon
