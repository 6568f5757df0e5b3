// SPDX-License-Identifier: MIT
// The Connection state machine against a fake Baserow (REST and /ws/core/ on one 127.0.0.1 port),
// with every timer on a ManualClock: the path to Live, authentication failures, backoff in fake
// time, subscriptions, ping timeouts through a stalled relay, coalesced notifications, malformed
// frames, the failures that end a run, and that tokens never leak into states, errors or logs.
#include "core/clock.h"
#include "core/eventstore.h"
#include "core/jwt.h"
#include "core/messagetypes.h"
#include "fakehttpserver.h"
#include "net/authsession.h"
#include "net/connection.h"
#include "net/restclient.h"

#include <QLoggingCategory>
#include <QMutex>
#include <QSignalSpy>
#include <QTest>
#include <QUuid>
#include <QWebSocket>
#include <QWebSocketServer>

using namespace bmon;
using namespace bmon::test;
using namespace Qt::StringLiterals;

namespace {

constexpr int Wait = 10000;
const QString Email = u"alice@example.com"_s;
const QString Password = u"pw-Secret-123"_s;

QString compact(const QJsonObject& o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

//! Forwards TCP both ways; while paused, client→server bytes are held back (a stalled server).
class TcpRelay
{
public:
    TcpRelay() = default;
    TcpRelay(const TcpRelay&) = delete;
    TcpRelay& operator=(const TcpRelay&) = delete;
    ~TcpRelay()
    {
        // Sockets emit disconnected() while they are destroyed: cut the forwarding first.
        for (const auto& p : m_pairs) {
            if (p->upstream)
                p->upstream->disconnect();
            if (p->client)
                p->client->disconnect();
        }
    }
    bool listen(quint16 target)
    {
        m_target = target;
        QObject::connect(&m_server, &QTcpServer::pendingConnectionAvailable, &m_server, [this]() {
            while (QTcpSocket* client = m_server.nextPendingConnection())
                accept(client);
        });
        return m_server.listen(QHostAddress::LocalHost, 0);
    }
    QUrl url() const
    {
        QUrl u(u"http://127.0.0.1"_s);
        u.setPort(m_server.serverPort());
        return u;
    }
    void setPaused(bool paused)
    {
        m_paused = paused;
        if (!paused) {
            for (const auto& p : m_pairs) {
                if (p->upstream && !p->held.isEmpty())
                    p->upstream->write(std::exchange(p->held, {}));
            }
        }
    }
    qint64 heldBytes() const
    {
        qint64 n = 0;
        for (const auto& p : m_pairs)
            n += p->held.size();
        return n;
    }

private:
    struct Pair
    {
        QPointer<QTcpSocket> client;
        QPointer<QTcpSocket> upstream;
        QByteArray held;
    };

    void accept(QTcpSocket* client)
    {
        auto pair = std::make_shared<Pair>();
        pair->client = client;
        auto* upstream = new QTcpSocket(client);
        pair->upstream = upstream;
        m_pairs.push_back(pair);
        upstream->connectToHost(QHostAddress::LocalHost, m_target);
        QObject::connect(client, &QTcpSocket::readyRead, client, [this, pair]() {
            const QByteArray data = pair->client->readAll();
            if (m_paused)
                pair->held += data;
            else
                pair->upstream->write(data);
        });
        QObject::connect(upstream, &QTcpSocket::readyRead, client,
            [pair]() { pair->client->write(pair->upstream->readAll()); });
        QObject::connect(
            upstream, &QTcpSocket::disconnected, client, [pair]() { pair->client->disconnectFromHost(); });
        QObject::connect(client, &QTcpSocket::disconnected, client, [pair]() {
            if (pair->upstream)
                pair->upstream->disconnectFromHost();
            pair->client->deleteLater();
        });
    }

    QTcpServer m_server;
    quint16 m_target = 0;
    bool m_paused = false;
    std::vector<std::shared_ptr<Pair>> m_pairs;
};

Connection::Options testOptions()
{
    Connection::Options o;
    o.backoff.initialMs = 1000;
    o.backoff.factor = 2.0;
    o.backoff.capMs = 5000;
    o.backoff.jitter = 0; // delays exactly as the policy says
    o.pingIntervalMs = 0; // tests that move the clock far would otherwise time pings out
    o.jitterSeed = 42;
    return o;
}

//! A fake Baserow backend plus a client wired to it.
struct Rig
{
    explicit Rig(const QString& serverVersion = u"1.35.3"_s,
        const Connection::Options& options = testOptions(), bool viaRelay = false)
        : version(serverVersion)
    {
        http.handler = [this](const HttpRequest& r) { return answer(r); };
        http.setWebSocketServer(&ws);
        if (!http.listen())
            qFatal("cannot listen");
        QUrl base = http.url();
        if (viaRelay) {
            relay = std::make_unique<TcpRelay>();
            if (!relay->listen(http.port()))
                qFatal("cannot listen");
            base = relay->url();
        }
        QObject::connect(&ws, &QWebSocketServer::newConnection, guard.get(), [this]() {
            while (QWebSocket* s = ws.nextPendingConnection())
                acceptSocket(s);
        });
        rest = std::make_unique<RestClient>(base, nullptr, &clock);
        conn = std::make_unique<Connection>(rest.get(), &store, options, &clock);
        QObject::connect(conn.get(), &Connection::stateChanged, conn.get(),
            [this](Connection::State s, const QString& reason) {
                states.append(s);
                texts.append(reason);
            });
        QObject::connect(conn.get(), &Connection::failed, conn.get(),
            [this](Connection::Failure, const QString& message) { texts.append(message); });
        QObject::connect(
            conn.get(), &Connection::notice, conn.get(), [this](const QString& t) { texts.append(t); });
    }

    ~Rig()
    {
        // Server-side sockets outlive parts of the rig while it is torn down: cut them off first.
        guard.reset();
        conn.reset();
        rest.reset();
    }

    bool simpleJwt() const { return ServerVersion::parse(version)->hasSimpleJwt(); }

    QString issue(qint64 lifetimeSecs = 600)
    {
        const qint64 iat = clock.nowUs() / 1'000'000;
        const QString t = QString::fromLatin1(
            jwt::signHs256(QJsonObject {{u"token_type"_s, u"access"_s}, {u"iat"_s, iat},
                               {u"exp"_s, iat + lifetimeSecs}, {u"user_id"_s, 1}, {u"jti"_s, ++serial}},
                "fake-key"));
        issued.append(t);
        return t;
    }

    HttpResponse answer(const HttpRequest& r)
    {
        if (r.pathOnly().startsWith("/ws/"_L1))
            return HttpResponse::text(500, "Internal Server Error", "text/plain"); // what uvicorn does
        if (r.path == "/api/schema.json"_L1)
            return HttpResponse::json(200, QJsonObject {{u"info"_s, QJsonObject {{u"version"_s, version}}}});
        if (r.path == "/api/user/token-auth/"_L1) {
            if (r.json().value("password"_L1).toString() != Password)
                return HttpResponse::json(401,
                    QJsonObject {{u"error"_s, u"ERROR_INVALID_CREDENTIALS"_s},
                        {u"detail"_s, u"No active account found."_s}});
            const QString access = issue(tokenLifetimeSecs);
            if (!simpleJwt())
                return HttpResponse::json(200, QJsonObject {{u"token"_s, access}});
            return HttpResponse::json(200,
                QJsonObject {
                    {u"token"_s, access}, {u"access_token"_s, access}, {u"refresh_token"_s, refreshToken}});
        }
        if (r.path == "/api/user/token-refresh/"_L1) {
            ++refreshCalls;
            if (refreshOverride)
                return refreshOverride(r);
            if (!simpleJwt()) {
                // drf-jwt: {"token": current} while it is valid (PROTOCOL.md §6.2).
                if (!issued.contains(r.json().value("token"_L1).toString()))
                    return HttpResponse::json(
                        400, QJsonObject {{u"non_field_errors"_s, QJsonArray {u"Signature has expired."_s}}});
                return HttpResponse::json(200, QJsonObject {{u"token"_s, issue(tokenLifetimeSecs)}});
            }
            if (r.json().value("refresh_token"_L1).toString() != refreshToken)
                return HttpResponse::json(401,
                    QJsonObject {{u"error"_s, u"ERROR_INVALID_REFRESH_TOKEN"_s},
                        {u"detail"_s, u"Refresh token is expired or invalid."_s}});
            const QString access = issue(tokenLifetimeSecs);
            return HttpResponse::json(200, QJsonObject {{u"token"_s, access}, {u"access_token"_s, access}});
        }
        return HttpResponse::json(404, QJsonObject {{u"detail"_s, u"Not found."_s}});
    }

    void acceptSocket(QWebSocket* s)
    {
        const int index = int(sockets.size());
        s->setParent(guard.get()); // sockets from handleConnection() have no parent
        sockets.append(s);
        socketUrls.append(s->requestUrl());
        received.append(QStringList());
        QObject::connect(
            s, &QWebSocket::textMessageReceived, guard.get(), [this, index, s](const QString& m) {
                received[index].append(m);
                if (autoPageAdd) {
                    const QJsonObject o = QJsonDocument::fromJson(m.toUtf8()).object();
                    if (o.contains("page"_L1) && !o.value("page"_L1).toString().isEmpty()) {
                        QJsonObject params = o;
                        params.remove(u"page"_s);
                        s->sendTextMessage(compact(QJsonObject {{u"type"_s, u"page_add"_s},
                            {u"page"_s, o.value("page"_L1)}, {u"parameters"_s, params}}));
                    }
                    if (o.contains("remove_page"_L1)) {
                        QJsonObject params = o;
                        params.remove(u"remove_page"_s);
                        s->sendTextMessage(compact(QJsonObject {{u"type"_s, u"page_discard"_s},
                            {u"page"_s, o.value("remove_page"_L1)}, {u"parameters"_s, params}}));
                    }
                }
            });
        QObject::connect(s, &QWebSocket::disconnected, guard.get(),
            [this, index, s]() { serverSawClose.insert(index, s->closeCode()); });
        if (!autoAuth)
            return;
        const QString token = QUrlQuery(s->requestUrl()).queryItemValue(u"jwt_token"_s);
        const bool ok = accept ? accept(token, index) : issued.contains(token);
        s->sendTextMessage(compact(QJsonObject {{u"type"_s, u"authentication"_s}, {u"success"_s, ok},
            {u"web_socket_id"_s, QUuid::createUuid().toString(QUuid::WithoutBraces)}}));
        if (!ok)
            s->close(QWebSocketProtocol::CloseCodeNormal);
    }

    QWebSocket* lastSocket() const { return sockets.isEmpty() ? nullptr : sockets.last().data(); }
    void send(const QJsonObject& o) { lastSocket()->sendTextMessage(compact(o)); }
    //! Upgrades fail with HTTP 500 (the WebSocket side is down) or work again.
    void setWebSocketUp(bool up) { http.setWebSocketServer(up ? &ws : nullptr); }

    bool waitState(Connection::State s)
    {
        return QTest::qWaitFor([&] { return conn->state() == s; }, Wait);
    }

    ManualClock clock;
    QString version;
    FakeHttpServer http;
    QWebSocketServer ws {u"fake baserow"_s, QWebSocketServer::NonSecureMode};
    std::unique_ptr<TcpRelay> relay;
    EventStore store;
    std::unique_ptr<RestClient> rest;
    std::unique_ptr<Connection> conn;

    qint64 tokenLifetimeSecs = 600;
    int serial = 0;
    QStringList issued;
    QString refreshToken = u"REFRESH-TOKEN-xyz"_s;
    int refreshCalls = 0;
    std::function<HttpResponse(const HttpRequest&)> refreshOverride;
    std::function<bool(const QString&, int)> accept;
    bool autoAuth = true;
    bool autoPageAdd = true;
    QList<QPointer<QWebSocket>> sockets;
    QList<QUrl> socketUrls;
    QList<QStringList> received;
    QHash<int, int> serverSawClose;
    QList<Connection::State> states;
    QStringList texts; //!< every state reason, failure message and notice
    std::unique_ptr<QObject> guard = std::make_unique<QObject>(); //!< context of the fake's handlers
};

QList<QJsonObject> parsed(const QStringList& frames)
{
    QList<QJsonObject> out;
    for (const QString& f : frames)
        out.append(QJsonDocument::fromJson(f.toUtf8()).object());
    return out;
}

} // namespace

class TestConnection : public QObject
{
    Q_OBJECT

private slots:
    void stateSequenceToLive();
    void authenticationFailureRefreshesAndRetries();
    void secondAuthenticationFailureIsAuthExpired();
    void drfJwtServer();
    void backoffDelaysFollowThePolicy();
    void officialScheduleGivesUp();
    void tokenRenewedBeforeReconnect();
    void subscriptionsResentAfterReconnect();
    void pageAddTimeoutRejects();
    void unsolicitedPageDiscard();
    void singlePageServer();
    void forceDisconnectEndsRun();
    void revokedRefreshTokenEndsRun();
    void pingMeasuresRoundTrip();
    void pingTimeoutReconnects();
    void eventsAppendedIsCoalesced();
    void malformedFramesCountedConnectionSurvives();
    void failuresBeforeLive_data();
    void failuresBeforeLive();
    void tlsFailureBeforeLive();
    void stopClosesCleanly();
    void tokensNeverLeak();
};

void TestConnection::stateSequenceToLive()
{
    Rig rig;
    QSignalSpy failed(rig.conn.get(), &Connection::failed);
    QCOMPARE(rig.conn->state(), Connection::State::Disconnected);
    rig.conn->start(Email, Password);
    QVERIFY(rig.waitState(Connection::State::Live));
    // LoggingIn covers the probe and the login; then the socket and its first frame.
    QList<Connection::State> distinct;
    for (auto s : std::as_const(rig.states)) {
        if (distinct.isEmpty() || distinct.last() != s)
            distinct.append(s);
    }
    QCOMPARE(distinct,
        (QList<Connection::State> {Connection::State::LoggingIn, Connection::State::Connecting,
            Connection::State::Authenticating, Connection::State::Live}));
    QCOMPARE(rig.http.requests.at(0).path, u"/api/schema.json"_s);
    QCOMPARE(rig.http.requests.at(1).path, u"/api/user/token-auth/"_s);
    QCOMPARE(rig.sockets.size(), 1);
    QCOMPARE(rig.socketUrls.first().path(), u"/ws/core/"_s);
    QCOMPARE(QUrlQuery(rig.socketUrls.first()).queryItemValue(u"jwt_token"_s), rig.issued.first());
    QVERIFY(rig.conn->wasLive());
    QCOMPARE(rig.conn->generation(), quint16(1));
    QCOMPARE(rig.conn->serverVersion().toString(), u"1.35.3"_s);
    QVERIFY(rig.conn->multiPage());
    QVERIFY(!rig.conn->webSocketId().isEmpty());
    QCOMPARE(rig.rest->webSocketId(), rig.conn->webSocketId());
    QCOMPARE(rig.conn->failure(), Connection::Failure::None);
    QCOMPARE(failed.count(), 0);
    QVERIFY(rig.conn->redactedSocketUrl().toString().endsWith(u"/ws/core/?jwt_token=REDACTED"_s));
    QCOMPARE(rig.conn->redactedSocketUrl().scheme(), u"ws"_s);
    // The authentication frame is in the store, stamped with generation 1.
    QVERIFY(rig.store.count() >= 1);
    QCOMPARE(rig.store.at(0).typeId, quint16(KnownType::Authentication));
    QCOMPARE(rig.store.at(0).generation, quint16(1));
    QCOMPARE(rig.conn->counters().framesReceived, quint64(1));
}

void TestConnection::authenticationFailureRefreshesAndRetries()
{
    Rig rig;
    rig.accept = [](const QString&, int index) { return index > 0; }; // the first token is refused
    QSignalSpy failed(rig.conn.get(), &Connection::failed);
    rig.conn->start(Email, Password);
    QVERIFY(rig.waitState(Connection::State::Live));
    QCOMPARE(rig.refreshCalls, 1);
    QCOMPARE(rig.sockets.size(), 2);
    // The retry used the renewed token, not the refused one.
    QCOMPARE(QUrlQuery(rig.socketUrls[1]).queryItemValue(u"jwt_token"_s), rig.issued.last());
    QVERIFY(rig.issued.first() != rig.issued.last());
    QCOMPARE(rig.conn->counters().authFailures, quint32(1));
    QCOMPARE(rig.conn->generation(), quint16(2));
    QVERIFY(rig.states.contains(Connection::State::LoggingIn));
    QCOMPARE(failed.count(), 0);
}

void TestConnection::secondAuthenticationFailureIsAuthExpired()
{
    Rig rig;
    rig.accept = [](const QString&, int) { return false; };
    QSignalSpy failed(rig.conn.get(), &Connection::failed);
    rig.conn->start(Email, Password);
    QVERIFY(rig.waitState(Connection::State::AuthExpired));
    QCOMPARE(failed.count(), 1);
    QCOMPARE(failed.first().at(0).value<Connection::Failure>(), Connection::Failure::AuthRefused);
    QCOMPARE(rig.conn->failure(), Connection::Failure::AuthRefused);
    QCOMPARE(rig.refreshCalls, 1);
    QCOMPARE(rig.sockets.size(), 2);
    QCOMPARE(rig.conn->counters().authFailures, quint32(2));
    QVERIFY(!rig.conn->wasLive());
    // Nothing retries afterwards.
    rig.clock.advance(600'000);
    QCOMPARE(rig.sockets.size(), 2);
}

void TestConnection::drfJwtServer()
{
    Rig rig(u"1.12.1"_s);
    rig.accept = [](const QString&, int index) { return index > 0; };
    rig.conn->start(Email, Password);
    QVERIFY(rig.waitState(Connection::State::Live));
    QCOMPARE(rig.rest->session()->era(), AuthSession::Era::DrfJwt);
    QVERIFY(!rig.conn->multiPage());
    // The refused token was renewed the drf-jwt way and the new one opened the socket.
    QCOMPARE(rig.refreshCalls, 1);
    const HttpRequest refresh = [&] {
        for (const HttpRequest& r : std::as_const(rig.http.requests)) {
            if (r.path == "/api/user/token-refresh/"_L1)
                return r;
        }
        return HttpRequest {};
    }();
    QCOMPARE(refresh.json(), (QJsonObject {{u"token"_s, rig.issued.first()}}));
    QCOMPARE(QUrlQuery(rig.socketUrls.last()).queryItemValue(u"jwt_token"_s), rig.issued.last());
}

void TestConnection::backoffDelaysFollowThePolicy()
{
    Rig rig;
    rig.conn->start(Email, Password);
    QVERIFY(rig.waitState(Connection::State::Live));

    // A server restart: the socket goes away (1001), the WebSocket side stays down for a while.
    rig.setWebSocketUp(false);
    rig.lastSocket()->close(QWebSocketProtocol::CloseCodeGoingAway, u"restart"_s);
    QList<qint64> delays;
    for (int attempt = 1; attempt <= 4; ++attempt) {
        QVERIFY(rig.waitState(Connection::State::Backoff));
        const qint64 delay = rig.conn->nextRetryInMs();
        delays.append(delay);
        rig.clock.advance(delay - 1);
        QCOMPARE(rig.conn->state(), Connection::State::Backoff); // not a millisecond early
        QCOMPARE(rig.conn->nextRetryInMs(), qint64(1));
        if (attempt == 4)
            rig.setWebSocketUp(true); // the server is back for the fourth retry
        rig.clock.advance(1);
        QCOMPARE(rig.conn->state(), Connection::State::Connecting);
    }
    QCOMPARE(delays, (QList<qint64> {1000, 2000, 4000, 5000})); // exponential, capped at 5 s
    QCOMPARE(rig.conn->counters().lastCloseCode, int(QWebSocketProtocol::CloseCodeGoingAway));
    QVERIFY(rig.waitState(Connection::State::Live));
    QCOMPARE(rig.sockets.size(), 2);
    QCOMPARE(rig.conn->generation(), quint16(5));
    QCOMPARE(rig.conn->counters().reconnects, quint32(4));
    // Live again resets the schedule.
    rig.lastSocket()->close(QWebSocketProtocol::CloseCodeGoingAway);
    QVERIFY(rig.waitState(Connection::State::Backoff));
    QCOMPARE(rig.conn->nextRetryInMs(), qint64(1000));
    QVERIFY(rig.conn->wasLive());
    QCOMPARE(rig.conn->failure(), Connection::Failure::None);
}

void TestConnection::officialScheduleGivesUp()
{
    Connection::Options o = testOptions();
    o.backoff = BackoffPolicy::officialClient();
    Rig rig(u"1.35.3"_s, o);
    QSignalSpy failed(rig.conn.get(), &Connection::failed);
    rig.conn->start(Email, Password);
    QVERIFY(rig.waitState(Connection::State::Live));
    rig.setWebSocketUp(false);
    rig.lastSocket()->close(QWebSocketProtocol::CloseCodeGoingAway);
    QList<qint64> delays;
    for (int attempt = 1; attempt <= 10; ++attempt) {
        QVERIFY(rig.waitState(Connection::State::Backoff));
        delays.append(rig.conn->nextRetryInMs());
        rig.clock.advance(rig.conn->nextRetryInMs());
        QCOMPARE(rig.conn->state(), Connection::State::Connecting);
    }
    QCOMPARE(delays, (QList<qint64> {0, 5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000}));
    QVERIFY(rig.waitState(Connection::State::Stopped));
    QCOMPARE(failed.count(), 1);
    QCOMPARE(failed.first().at(0).value<Connection::Failure>(), Connection::Failure::ConnectionLost);
}

void TestConnection::tokenRenewedBeforeReconnect()
{
    Rig rig;
    rig.conn->start(Email, Password);
    QVERIFY(rig.waitState(Connection::State::Live));
    // The scheduled refresh at 480 s fails (server hiccup); the session will retry in 10 s.
    rig.refreshOverride = [](const HttpRequest&) { return HttpResponse::text(503, "busy", "text/plain"); };
    rig.clock.advance(480'000);
    QTRY_COMPARE_WITH_TIMEOUT(rig.refreshCalls, 1, Wait);
    QTRY_VERIFY_WITH_TIMEOUT(!rig.rest->session()->isRefreshing(), Wait);
    rig.refreshOverride = nullptr;
    rig.clock.advance(5'000);
    // 485 s: the socket drops; 115 s of the token's 600 s are left (< 20 %).
    rig.lastSocket()->close(QWebSocketProtocol::CloseCodeGoingAway);
    QVERIFY(rig.waitState(Connection::State::Backoff));
    QVERIFY(rig.rest->session()->expiresWithin(0.2));
    rig.clock.advance(rig.conn->nextRetryInMs());
    QCOMPARE(rig.conn->state(), Connection::State::LoggingIn); // renewing first
    QVERIFY(rig.waitState(Connection::State::Live));
    QCOMPARE(rig.refreshCalls, 2);
    QCOMPARE(QUrlQuery(rig.socketUrls.last()).queryItemValue(u"jwt_token"_s), rig.issued.last());
    QCOMPARE(rig.issued.size(), 2);
}

void TestConnection::subscriptionsResentAfterReconnect()
{
    Rig rig;
    QSignalSpy changes(rig.conn.get(), &Connection::subscriptionChanged);
    rig.conn->subscribe(Page::table(21));
    rig.conn->subscribe(*Page::parse(u"row:21:5"_s));
    QCOMPARE(rig.conn->subscriptions().size(), 2);
    QCOMPARE(rig.conn->subscriptions().first().state, SubscriptionState::Pending);
    rig.conn->start(Email, Password);
    QVERIFY(rig.waitState(Connection::State::Live));
    QTRY_VERIFY_WITH_TIMEOUT(rig.conn->subscriptions().at(0).state == SubscriptionState::Active
            && rig.conn->subscriptions().at(1).state == SubscriptionState::Active,
        Wait);
    QTRY_COMPARE_WITH_TIMEOUT(rig.received[0].size(), 2, Wait);
    QCOMPARE(parsed(rig.received[0]),
        (QList<QJsonObject> {QJsonObject {{u"page"_s, u"table"_s}, {u"table_id"_s, 21}},
            QJsonObject {{u"page"_s, u"row"_s}, {u"table_id"_s, 21}, {u"row_id"_s, 5}}}));
    // Sent frames are recorded too.
    int sent = 0;
    for (quint64 i = 0; i < rig.store.count(); ++i)
        sent += rig.store.at(i).direction() == Direction::Sent ? 1 : 0;
    QCOMPARE(sent, 2);
    QCOMPARE(rig.conn->counters().framesSent, quint64(2));

    rig.lastSocket()->close(QWebSocketProtocol::CloseCodeGoingAway);
    QVERIFY(rig.waitState(Connection::State::Backoff));
    QCOMPARE(rig.conn->subscriptions().at(0).state, SubscriptionState::Pending);
    rig.clock.advance(rig.conn->nextRetryInMs());
    QVERIFY(rig.waitState(Connection::State::Live));
    QTRY_COMPARE_WITH_TIMEOUT(rig.received.size(), 2, Wait);
    QTRY_COMPARE_WITH_TIMEOUT(rig.received[1].size(), 2, Wait);
    QCOMPARE(parsed(rig.received[1]), parsed(rig.received[0]));
    QTRY_VERIFY_WITH_TIMEOUT(rig.conn->subscriptions().at(0).state == SubscriptionState::Active
            && rig.conn->subscriptions().at(1).state == SubscriptionState::Active,
        Wait);
    QVERIFY(changes.count() >= 6);
}

void TestConnection::pageAddTimeoutRejects()
{
    Rig rig;
    rig.autoPageAdd = false; // Baserow's silence (§2.3)
    rig.conn->start(Email, Password);
    QVERIFY(rig.waitState(Connection::State::Live));
    QSignalSpy changes(rig.conn.get(), &Connection::subscriptionChanged);
    rig.conn->subscribe(Page::table(99));
    QCOMPARE(rig.conn->subscriptions().first().state, SubscriptionState::Pending);
    QTRY_COMPARE_WITH_TIMEOUT(rig.received[0].size(), 1, Wait);
    rig.clock.advance(1999);
    QCOMPARE(rig.conn->subscriptions().first().state, SubscriptionState::Pending);
    rig.clock.advance(1);
    const Subscription s = rig.conn->subscriptions().first();
    QCOMPARE(s.state, SubscriptionState::Rejected);
    QVERIFY2(s.reason.contains(u"page_add"_s), qPrintable(s.reason));
    QCOMPARE(changes.last().first().value<Subscription>().state, SubscriptionState::Rejected);
    // A late page_add still turns it active.
    rig.send(QJsonObject {{u"type"_s, u"page_add"_s}, {u"page"_s, u"table"_s},
        {u"parameters"_s, QJsonObject {{u"table_id"_s, 99}}}});
    QTRY_COMPARE_WITH_TIMEOUT(rig.conn->subscriptions().first().state, SubscriptionState::Active, Wait);
}

void TestConnection::unsolicitedPageDiscard()
{
    Rig rig;
    rig.conn->start(Email, Password);
    QVERIFY(rig.waitState(Connection::State::Live));
    rig.conn->subscribe(Page::table(21));
    rig.conn->subscribe(Page::table(22));
    QTRY_COMPARE_WITH_TIMEOUT(rig.conn->subscriptions().at(1).state, SubscriptionState::Active, Wait);

    // Our own unsubscribe: remove_page, and its page_discard is no "access lost".
    QSignalSpy changes(rig.conn.get(), &Connection::subscriptionChanged);
    rig.conn->unsubscribe(Page::table(22));
    QCOMPARE(changes.count(), 1);
    QCOMPARE(changes.first().first().value<Subscription>().state, SubscriptionState::Unsubscribed);
    QTRY_COMPARE_WITH_TIMEOUT(rig.received[0].size(), 3, Wait);
    QCOMPARE(
        parsed(rig.received[0]).last(), (QJsonObject {{u"remove_page"_s, u"table"_s}, {u"table_id"_s, 22}}));
    rig.conn->subscribe(Page::table(22)); // at once again: the old discard must not hit the new one
    QTRY_COMPARE_WITH_TIMEOUT(rig.conn->subscriptions().at(1).state, SubscriptionState::Active, Wait);

    // The server drops table 21 by itself: permission removed.
    rig.send(QJsonObject {{u"type"_s, u"page_discard"_s}, {u"page"_s, u"table"_s},
        {u"parameters"_s, QJsonObject {{u"table_id"_s, 21}}}});
    QTRY_COMPARE_WITH_TIMEOUT(rig.conn->subscriptions().at(0).state, SubscriptionState::Discarded, Wait);
    QVERIFY(rig.conn->subscriptions().at(0).reason.contains(u"access lost"_s));
    QCOMPARE(rig.conn->subscriptions().at(1).state, SubscriptionState::Active);
    QCOMPARE(rig.conn->state(), Connection::State::Live);
}

void TestConnection::singlePageServer()
{
    Rig rig(u"1.20.1"_s);
    QSignalSpy notices(rig.conn.get(), &Connection::notice);
    rig.conn->start(Email, Password);
    QVERIFY(rig.waitState(Connection::State::Live));
    QVERIFY(!rig.conn->multiPage());
    rig.conn->subscribe(Page::table(21));
    QTRY_COMPARE_WITH_TIMEOUT(rig.conn->subscriptions().at(0).state, SubscriptionState::Active, Wait);

    rig.conn->subscribe(Page::table(22));
    // The server discards the current page first (expected: no "access lost"), then adds the new one.
    rig.send(QJsonObject {{u"type"_s, u"page_discard"_s}, {u"page"_s, u"table"_s},
        {u"parameters"_s, QJsonObject {{u"table_id"_s, 21}}}});
    QTRY_COMPARE_WITH_TIMEOUT(rig.conn->subscriptions().at(1).state, SubscriptionState::Active, Wait);
    const Subscription first = rig.conn->subscriptions().at(0);
    QCOMPARE(first.state, SubscriptionState::Discarded);
    QVERIFY2(first.reason.contains(u"1.21"_s), qPrintable(first.reason));
    QVERIFY(!first.reason.contains(u"access lost"_s));
    QCOMPARE(notices.count(), 1);
    rig.conn->subscribe(Page::table(23));
    QTRY_COMPARE_WITH_TIMEOUT(rig.conn->subscriptions().at(2).state, SubscriptionState::Active, Wait);
    QCOMPARE(notices.count(), 1); // explained once

    // After a reconnect only the last page is sent.
    rig.lastSocket()->close(QWebSocketProtocol::CloseCodeGoingAway);
    QVERIFY(rig.waitState(Connection::State::Backoff));
    rig.clock.advance(rig.conn->nextRetryInMs());
    QVERIFY(rig.waitState(Connection::State::Live));
    QTRY_COMPARE_WITH_TIMEOUT(rig.received.size(), 2, Wait);
    QTRY_COMPARE_WITH_TIMEOUT(rig.received[1].size(), 1, Wait);
    QCOMPARE(parsed(rig.received[1]).first(), (QJsonObject {{u"page"_s, u"table"_s}, {u"table_id"_s, 23}}));

    // Unsubscribing uses {"page": ""}: there is no remove_page before 1.21.
    QTRY_COMPARE_WITH_TIMEOUT(rig.conn->subscriptions().at(2).state, SubscriptionState::Active, Wait);
    rig.conn->unsubscribe(Page::table(23));
    QTRY_COMPARE_WITH_TIMEOUT(rig.received[1].size(), 2, Wait);
    QCOMPARE(parsed(rig.received[1]).last(), (QJsonObject {{u"page"_s, u""_s}}));
}

void TestConnection::forceDisconnectEndsRun()
{
    Rig rig;
    QSignalSpy failed(rig.conn.get(), &Connection::failed);
    rig.conn->start(Email, Password);
    QVERIFY(rig.waitState(Connection::State::Live));
    rig.send(QJsonObject {{u"type"_s, u"force_disconnect"_s}});
    rig.lastSocket()->close(QWebSocketProtocol::CloseCodeNormal);
    QVERIFY(rig.waitState(Connection::State::AuthExpired));
    QCOMPARE(failed.count(), 1);
    QCOMPARE(failed.first().at(0).value<Connection::Failure>(), Connection::Failure::AuthRefused);
    QVERIFY(failed.first().at(1).toString().contains(u"force_disconnect"_s));
    QVERIFY(rig.conn->wasLive());
    rig.clock.advance(120'000);
    QCOMPARE(rig.sockets.size(), 1); // no retry
    QCOMPARE(rig.conn->state(), Connection::State::AuthExpired);
}

void TestConnection::revokedRefreshTokenEndsRun()
{
    Rig rig;
    QSignalSpy failed(rig.conn.get(), &Connection::failed);
    rig.conn->start(Email, Password);
    QVERIFY(rig.waitState(Connection::State::Live));
    rig.refreshToken = u"something else"_s; // the client's token was revoked
    rig.clock.advance(480'000); // the session refreshes at 80 % of 600 s
    QVERIFY(rig.waitState(Connection::State::AuthExpired));
    QCOMPARE(failed.count(), 1);
    QCOMPARE(failed.first().at(0).value<Connection::Failure>(), Connection::Failure::AuthRefused);
    QVERIFY(!rig.conn->failureMessage().isEmpty());
}

void TestConnection::pingMeasuresRoundTrip()
{
    Connection::Options o = testOptions();
    o.pingIntervalMs = 1000;
    o.pingTimeoutMs = 1000;
    Rig rig(u"1.35.3"_s, o);
    QSignalSpy pings(rig.conn.get(), &Connection::pingMeasured);
    rig.conn->start(Email, Password);
    QVERIFY(rig.waitState(Connection::State::Live));
    rig.clock.advance(1000);
    QVERIFY(pings.wait(Wait));
    QVERIFY(pings.first().first().toLongLong() >= 0);
    const auto c = rig.conn->counters();
    QCOMPARE(c.pongs, quint64(1));
    QCOMPARE(c.pingRttLastMs, pings.first().first().toLongLong());
    QVERIFY(c.pingRttMaxMs >= c.pingRttLastMs);
    // The timeout was cancelled by the pong: time passing keeps us live and pinging.
    rig.clock.advance(1000);
    QVERIFY(pings.wait(Wait));
    QCOMPARE(rig.conn->state(), Connection::State::Live);
    QCOMPARE(rig.conn->counters().pingTimeouts, quint32(0));
}

void TestConnection::pingTimeoutReconnects()
{
    Connection::Options o = testOptions();
    o.pingIntervalMs = 1000;
    o.pingTimeoutMs = 3000;
    Rig rig(u"1.35.3"_s, o, /*viaRelay=*/true);
    rig.conn->start(Email, Password);
    QVERIFY(rig.waitState(Connection::State::Live));
    // The server stalls: nothing the client sends reaches it any more (half-open connection).
    rig.relay->setPaused(true);
    rig.clock.advance(1000);
    QTRY_VERIFY_WITH_TIMEOUT(rig.relay->heldBytes() > 0, Wait); // the ping is stuck in the relay
    rig.clock.advance(2999);
    QCOMPARE(rig.conn->state(), Connection::State::Live);
    rig.clock.advance(1);
    QCOMPARE(rig.conn->state(), Connection::State::Backoff);
    QCOMPARE(rig.conn->counters().pingTimeouts, quint32(1));
    QVERIFY(rig.conn->stateReason().contains(u"pong"_s));
    rig.relay->setPaused(false);
    rig.clock.advance(rig.conn->nextRetryInMs());
    QVERIFY(rig.waitState(Connection::State::Live));
    QCOMPARE(rig.conn->generation(), quint16(2));
}

void TestConnection::eventsAppendedIsCoalesced()
{
    Rig rig;
    rig.conn->start(Email, Password);
    QVERIFY(rig.waitState(Connection::State::Live));
    QSignalSpy appended(rig.conn.get(), &Connection::eventsAppended);
    quint64 seenAtLastSignal = 0;
    QObject::connect(rig.conn.get(), &Connection::eventsAppended, rig.conn.get(),
        [&] { seenAtLastSignal = rig.store.count(); });
    const quint64 before = rig.store.count();
    constexpr int frames = 200;
    for (int i = 0; i < frames; ++i)
        rig.send(QJsonObject {{u"type"_s, u"rows_created"_s}, {u"table_id"_s, 21},
            {u"rows"_s, QJsonArray {QJsonObject {{u"id"_s, i + 1}}}}, {u"metadata"_s, QJsonObject {}}});
    // The last notification comes after the last frame, so a consumer never misses one...
    QTRY_COMPARE_WITH_TIMEOUT(seenAtLastSignal, before + frames, Wait);
    // ...and there are far fewer notifications than frames: one per event-loop pass.
    QVERIFY2(appended.count() < frames / 10, qPrintable(QString::number(appended.count())));
    QVERIFY(appended.count() >= 1);
    QCOMPARE(rig.store.at(before).typeId, quint16(KnownType::RowsCreated));
    QCOMPARE(rig.store.at(before).tableId, quint32(21));
}

void TestConnection::malformedFramesCountedConnectionSurvives()
{
    Rig rig;
    rig.conn->start(Email, Password);
    QVERIFY(rig.waitState(Connection::State::Live));
    const quint64 before = rig.store.count();
    rig.lastSocket()->sendTextMessage(u"this is not json"_s);
    rig.lastSocket()->sendTextMessage(u"[1,2,3]"_s);
    rig.lastSocket()->sendTextMessage(u"{\"type\": \"rows_created\", \"rows\": [ "_s);
    rig.lastSocket()->sendBinaryMessage(QByteArray("\x00\x01\x02", 3));
    rig.send(QJsonObject {{u"type"_s, u"something_new"_s}, {u"x"_s, 1}}); // unknown but fine
    rig.send(QJsonObject {{u"no_type"_s, true}});
    QTRY_COMPARE_WITH_TIMEOUT(rig.store.count(), before + 6, Wait);
    const auto c = rig.conn->counters();
    QCOMPARE(c.malformedFrames, quint64(4));
    QCOMPARE(rig.store.at(before).status(), ParseStatus::InvalidJson);
    QCOMPARE(rig.store.at(before + 1).status(), ParseStatus::NotAnObject);
    QCOMPARE(rig.store.at(before + 3).status(), ParseStatus::BinaryFrame);
    QCOMPARE(rig.store.at(before + 4).status(), ParseStatus::Ok);
    QCOMPARE(rig.store.at(before + 5).status(), ParseStatus::NoType);
    QCOMPARE(rig.conn->state(), Connection::State::Live);
    QVERIFY(c.lastFrameUs > 0);
    // And it keeps working.
    rig.conn->subscribe(Page::table(21));
    QTRY_COMPARE_WITH_TIMEOUT(rig.conn->subscriptions().first().state, SubscriptionState::Active, Wait);
}

void TestConnection::failuresBeforeLive_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<int>("failure");
    QTest::newRow("unreachable") << u"refused"_s << int(Connection::Failure::Unreachable);
    QTest::newRow("not baserow") << u"html"_s << int(Connection::Failure::NotBaserow);
    QTest::newRow("unsupported") << u"0.9.0"_s << int(Connection::Failure::Unsupported);
    QTest::newRow("wrong password") << u"password"_s << int(Connection::Failure::AuthRefused);
    QTest::newRow("websocket refused") << u"ws500"_s << int(Connection::Failure::Unreachable);
    QTest::newRow("no authentication frame") << u"silent"_s << int(Connection::Failure::Unreachable);
}

void TestConnection::failuresBeforeLive()
{
    QFETCH(QString, scenario);
    QFETCH(int, failure);
    Rig rig(scenario == "0.9.0"_L1 ? scenario : u"1.35.3"_s);
    QString password = Password;
    if (scenario == "refused"_L1) {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        QUrl url(u"http://127.0.0.1"_s);
        url.setPort(probe.serverPort());
        probe.close();
        rig.conn.reset();
        rig.rest = std::make_unique<RestClient>(url, nullptr, &rig.clock);
        rig.conn = std::make_unique<Connection>(rig.rest.get(), &rig.store, testOptions(), &rig.clock);
    } else if (scenario == "html"_L1) {
        rig.http.handler = [](const HttpRequest&) { return HttpResponse::text(200, "<html>Welcome</html>"); };
    } else if (scenario == "password"_L1) {
        password = u"wrong"_s;
    } else if (scenario == "ws500"_L1) {
        rig.setWebSocketUp(false);
    } else if (scenario == "silent"_L1) {
        rig.autoAuth = false;
    }
    QSignalSpy failed(rig.conn.get(), &Connection::failed);
    rig.conn->start(Email, password);
    if (scenario == "silent"_L1) {
        QTRY_COMPARE_WITH_TIMEOUT(rig.sockets.size(), 1, Wait);
        QTRY_COMPARE_WITH_TIMEOUT(rig.conn->state(), Connection::State::Authenticating, Wait);
        rig.clock.advance(testOptions().authTimeoutMs);
    }
    if (failed.isEmpty())
        QVERIFY(failed.wait(Wait));
    QCOMPARE(failed.count(), 1);
    QCOMPARE(int(failed.first().at(0).value<Connection::Failure>()), failure);
    QCOMPARE(rig.conn->state(), Connection::State::Stopped);
    QVERIFY(!rig.conn->wasLive());
    QVERIFY(!rig.conn->failureMessage().isEmpty());
    QVERIFY(!rig.conn->failureMessage().contains(Password));
    for (const QString& t : std::as_const(rig.issued))
        QVERIFY(!rig.conn->failureMessage().contains(t));
    // A failed run stays down.
    rig.clock.advance(60'000);
    QCOMPARE(rig.conn->state(), Connection::State::Stopped);
}

void TestConnection::tlsFailureBeforeLive()
{
    FakeHttpServer tls;
    QVERIFY(tls.listenTls(testCertificate(), testPrivateKey()));
    QWebSocketServer ws(u"tls"_s, QWebSocketServer::NonSecureMode);
    tls.setWebSocketServer(&ws);
    tls.handler = [](const HttpRequest&) {
        return HttpResponse::json(200, QJsonObject {{u"info"_s, QJsonObject {{u"version"_s, u"1.35.3"_s}}}});
    };
    ManualClock clock;
    EventStore store;
    RestClient rest(tls.url(), nullptr, &clock);
    Connection conn(&rest, &store, testOptions(), &clock);
    QSignalSpy failed(&conn, &Connection::failed);
    conn.start(Email, Password);
    QVERIFY(failed.wait(Wait));
    QCOMPARE(failed.first().at(0).value<Connection::Failure>(), Connection::Failure::Tls);
    QVERIFY2(conn.failureMessage().contains(u"SHA-256"_s), qPrintable(conn.failureMessage()));
    QCOMPARE(tls.requests.size(), 0);
    QCOMPARE(conn.redactedSocketUrl().scheme(), u"wss"_s);
}

void TestConnection::stopClosesCleanly()
{
    Rig rig;
    rig.conn->start(Email, Password);
    QVERIFY(rig.waitState(Connection::State::Live));
    rig.conn->stop();
    QCOMPARE(rig.conn->state(), Connection::State::Stopped);
    QTRY_VERIFY_WITH_TIMEOUT(rig.serverSawClose.contains(0), Wait);
    QCOMPARE(rig.serverSawClose.value(0), int(QWebSocketProtocol::CloseCodeNormal));
    rig.clock.advance(60'000);
    QCOMPARE(rig.sockets.size(), 1);
    QCOMPARE(rig.conn->failure(), Connection::Failure::None);
    // And it can start again.
    rig.conn->start(Email, Password);
    QVERIFY(rig.waitState(Connection::State::Live));
    QCOMPARE(rig.conn->generation(), quint16(2));
}

namespace {
QMutex logMutex;
QStringList logLines;
void captureLog(QtMsgType, const QMessageLogContext&, const QString& msg)
{
    QMutexLocker lock(&logMutex);
    logLines.append(msg);
}
QLoggingCategory::CategoryFilter previousFilter = nullptr;
void enableBmonLogging(QLoggingCategory* category)
{
    // A filter beats QT_LOGGING_RULES (which ctest sets to silence bmon debug output).
    if (previousFilter)
        previousFilter(category);
    if (qstrncmp(category->categoryName(), "bmon.", 5) == 0) {
        for (QtMsgType t : {QtDebugMsg, QtInfoMsg, QtWarningMsg, QtCriticalMsg})
            category->setEnabled(t, true);
    }
}
} // namespace

void TestConnection::tokensNeverLeak()
{
    previousFilter = QLoggingCategory::installFilter(enableBmonLogging);
    logLines.clear();
    const QtMessageHandler previous = qInstallMessageHandler(captureLog);
    {
        Rig rig;
        rig.accept = [](const QString&, int index) { return index > 0; };
        rig.conn->start(Email, Password);
        QVERIFY(rig.waitState(Connection::State::Live));
        rig.conn->subscribe(Page::view(u"abc"_s, u"eyJhbGciOiJIUzI1NiJ9.eyJ2IjoxfQ.c2lnbmF0dXJl"_s));
        rig.lastSocket()->close(QWebSocketProtocol::CloseCodeGoingAway);
        QVERIFY(rig.waitState(Connection::State::Backoff));
        rig.clock.advance(rig.conn->nextRetryInMs());
        QVERIFY(rig.waitState(Connection::State::Live));
        rig.send(QJsonObject {{u"type"_s, u"force_disconnect"_s}});
        QVERIFY(rig.waitState(Connection::State::AuthExpired));

        QStringList secrets = rig.issued;
        secrets << rig.refreshToken << Password << u"eyJhbGciOiJIUzI1NiJ9.eyJ2IjoxfQ.c2lnbmF0dXJl"_s;
        QStringList everything = rig.texts;
        everything << rig.conn->failureMessage() << rig.conn->redactedSocketUrl().toString();
        for (const Subscription& s : rig.conn->subscriptions())
            everything << s.page.toString() << s.reason;
        {
            QMutexLocker lock(&logMutex);
            everything << logLines;
        }
        // Nothing secret in the store either: a view token goes out but is recorded redacted.
        auto serverGotToken = [&] {
            for (const QStringList& frames : std::as_const(rig.received)) {
                for (const QString& f : frames) {
                    if (f.contains(u"eyJhbGciOiJIUzI1NiJ9.eyJ2IjoxfQ.c2lnbmF0dXJl"_s))
                        return true;
                }
            }
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(serverGotToken(), Wait); // the server does get it
        bool sawRedactedViewRequest = false;
        for (quint64 i = 0; i < rig.store.count(); ++i) {
            const QString payload = QString::fromUtf8(rig.store.payload(i).toByteArray());
            everything << payload;
            sawRedactedViewRequest
                |= payload.contains(u"\"page\":\"view\""_s) && payload.contains(u"REDACTED"_s);
        }
        QVERIFY(sawRedactedViewRequest);
        QVERIFY(everything.size() > 10);
        QVERIFY(logLines.size() > 5); // the logging really was on
        for (const QString& line : std::as_const(everything)) {
            for (const QString& secret : std::as_const(secrets))
                QVERIFY2(!line.contains(secret), qPrintable(u"leak in: "_s + line.left(200)));
        }
    }
    qInstallMessageHandler(previous);
    QLoggingCategory::installFilter(previousFilter);
}

QTEST_GUILESS_MAIN(TestConnection)
#include "tst_connection.moc"
