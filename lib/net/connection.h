// SPDX-License-Identifier: MIT
#pragma once

#include "core/backoff.h"
#include "core/clock.h"
#include "core/eventrecord.h"
#include "core/ingestqueue.h"
#include "core/serverversion.h"
#include "net/page.h"
#include "net/resterror.h"

#include <QAbstractSocket>
#include <QHash>
#include <QList>
#include <QObject>
#include <QRandomGenerator>
#include <QSslError>
#include <QUrl>

#include <functional>
#include <optional>

class QWebSocket;

namespace bmon {

class EventStore;
class RestClient;

/*!
 * The realtime connection state machine (ARCHITECTURE.md "Connection", PROTOCOL.md §1, §2, §8):
 *
 *   Disconnected → LoggingIn (GET /api/schema.json, token-auth) → Connecting (ws(s)://host/ws/core/
 *   ?jwt_token=…) → Authenticating (first frame `authentication`) → Live
 *   Live → Backoff → (token renewal) → Connecting … | AuthExpired | Stopped
 *
 * Before the first Live state every failure ends the run: failed() with Unreachable, Tls,
 * NotBaserow, Unsupported or AuthRefused, state Stopped. After it, transient trouble (close, error,
 * ping timeout, server restart) goes to Backoff and retries forever (or gives up after the
 * policy's maxAttempts: failed(ConnectionLost)). Unrecoverable authentication (refresh token
 * revoked, password changed → force_disconnect, a freshly issued token refused twice) ends in
 * AuthExpired with failed(AuthRefused). CLI exit codes: AuthRefused 4, Unreachable and
 * ConnectionLost 5, Tls 6, NotBaserow and Unsupported 7, Other 1.
 *
 * Every frame, received or sent, goes through one IngestQueue into the EventStore: this thread
 * only stamps and encodes it, the queue's ingest thread classifies and stores it (the store's
 * only writer) and reports the four control types back here, in order, where they are parsed.
 * eventsAppended() is coalesced to at most one emission per event-loop pass. All timing (backoff,
 * auth/ping/page_add timeouts) runs on the Clock. Tokens never appear in logs, states or errors: see
 * redactedSocketUrl().
 *
 * Threading: the Connection, its RestClient and the writer side of its EventStore live on one
 * thread (any thread with an event loop); readers of the store may be elsewhere.
 */
class Connection : public QObject
{
    Q_OBJECT

public:
    enum class State
    {
        Disconnected,
        LoggingIn,
        Connecting,
        Authenticating,
        Live,
        Backoff,
        AuthExpired,
        Stopped
    };
    Q_ENUM(State)
    enum class Failure
    {
        None,
        AuthRefused,
        Unreachable,
        Tls,
        NotBaserow,
        Unsupported,
        ConnectionLost,
        Other
    };
    Q_ENUM(Failure)

    struct Options
    {
        BackoffPolicy backoff; //!< default exponential, cap 5 s; or BackoffPolicy::officialClient()
        qint64 pingIntervalMs = 10000; //!< WebSocket ping; 0 = off
        qint64 pingTimeoutMs = 10000; //!< no pong within this → half-open → reconnect
        qint64 authTimeoutMs = 10000; //!< no `authentication` frame within this after open() → reconnect
        qint64 pageAddTimeoutMs = 2000; //!< no page_add within this → Rejected (§2.3)
        bool sendWebSocketIdHeader = false; //!< REST writes carry WebSocketId (emulate the web app)
        quint64 jitterSeed = 0; //!< seed of the backoff jitter PRNG; 0 = random
    };

    struct Counters
    {
        quint64 framesReceived = 0;
        quint64 bytesReceived = 0;
        quint64 framesSent = 0;
        quint64 bytesSent = 0;
        quint64 malformedFrames = 0; //!< received frames that are not a JSON object (counted once stored)
        quint32 reconnects = 0; //!< sockets opened after the first
        quint32 authFailures = 0; //!< `authentication` frames with success:false
        quint32 pingTimeouts = 0;
        int lastCloseCode = -1; //!< QWebSocketProtocol close code of the last closed socket, -1 = none
        QString lastCloseReason;
        qint64 pingRttLastMs = -1;
        qint64 pingRttMaxMs = -1;
        double pingRttAvgMs = 0;
        quint64 pongs = 0;
        qint64 msInState = 0; //!< time spent in the current state
        qint64 lastFrameUs = 0; //!< wall-clock time of the last received frame, 0 = none
    };

    //! \a rest and \a store must outlive the connection. \a clock defaults to the system clock.
    Connection(RestClient* rest, EventStore* store, const Options& options, Clock* clock = nullptr,
        QObject* parent = nullptr);
    ~Connection() override;

    //! Probes the server, logs in and connects. Restarts a running connection.
    void start(const QString& email, const QString& password);
    //! As start(), from a refresh token (SSO users, 1.13+).
    void startWithRefreshToken(const QString& refreshToken);
    //! Closes the socket cleanly (1000) and stops all retries → Stopped.
    void stop();

    State state() const { return m_state; }
    QString stateReason() const { return m_stateReason; }
    Failure failure() const { return m_failure; }
    QString failureMessage() const { return m_failureMessage; }
    //! Reached Live at least once in this run (the CLI's exit-code rule).
    bool wasLive() const { return m_wasLive; }
    QString webSocketId() const { return m_webSocketId; }
    //! The probed version (0.0.0 before the probe).
    ServerVersion serverVersion() const { return m_version.value_or(ServerVersion {}); }
    //! Several pages per socket (1.21+); single-page servers hold one.
    bool multiPage() const { return !m_version || m_version->hasMultiplePages(); }
    //! 1 for the first socket, +1 per reconnect; stamped on every record.
    quint16 generation() const { return m_generation; }
    const Options& options() const { return m_options; }

    //! Adds \a page to the desired set; sent now when Live and after every reconnect.
    void subscribe(const Page& page);
    void unsubscribe(const Page& page);
    QList<Subscription> subscriptions() const;

    Counters counters() const;
    //! Backoff countdown in ms, -1 outside Backoff.
    qint64 nextRetryInMs() const;
    //! ws(s)://host/ws/core/?jwt_token=REDACTED
    QUrl redactedSocketUrl() const;

    static QString stateName(State state); //!< "live", "backoff", …
    static QString failureName(Failure failure); //!< "auth_refused", "unreachable", …

signals:
    void stateChanged(bmon::Connection::State state, const QString& reason);
    //! New records are in the store (coalesced: at most once per event-loop pass).
    void eventsAppended();
    void subscriptionChanged(const bmon::Subscription& subscription);
    void notice(const QString& text);
    void pingMeasured(qint64 rttMs);
    //! The run cannot continue; state is Stopped or AuthExpired.
    void failed(bmon::Connection::Failure failure, const QString& message);

private:
    struct Entry
    {
        quint64 id = 0;
        Subscription sub;
        Clock::TimerId timer = 0;
        bool superseded = false; //!< replaced on a single-page server: no longer desired
        quint16 sentGeneration = 0; //!< socket the last request went out on
    };

    void begin();
    void probe(std::function<void()> next);
    void onLoggedIn();
    void connectSocket();
    void onSocketConnected();
    void onTextMessage(const QString& message);
    void onBinaryMessage(const QByteArray& message);
    void onSocketDisconnected();
    void onSocketError(QAbstractSocket::SocketError error);
    void onSslErrors(const QList<QSslError>& errors);
    void onPong(quint64 elapsedMs, const QByteArray& payload);
    void handleControl(const EventRecord& rec);
    void onAuthentication(bool success, const QString& webSocketId);
    void onPageAdd(const QString& page, const QJsonObject& parameters);
    void onPageDiscard(const QString& page, const QJsonObject& parameters);
    void onForceDisconnect();
    void onSessionExpired(const QString& reason);
    void renewTokenThen(const QString& reason, std::function<void()> next);
    void socketLost(const QString& reason);
    //! Runs \a fn once every frame received so far is stored and its control frames handled.
    void afterIngested(std::function<void()> fn);
    void enterBackoff(const QString& reason);
    void reconnect();
    void schedulePing();
    void sendPing();
    void onPingTimeout();
    void sendFrame(const QJsonObject& message);
    void sendSubscribe(Entry& entry);
    void resubscribeAll();
    void markSubscriptionsDisconnected();
    void onPageAddTimeout(quint64 entryId);
    void setSubscriptionState(Entry& entry, SubscriptionState state, const QString& reason);
    Entry* findEntry(const Page& page);
    Entry* findEntry(quint64 id);
    void setState(State state, const QString& reason);
    bool isRunning() const;
    void fail(Failure failure, const QString& message, State finalState = State::Stopped);
    void failFromRest(const RestError& error);
    void teardownSocket(bool graceful);
    void cancelTimer(Clock::TimerId& id);

    RestClient* m_rest;
    EventStore* m_store;
    Options m_options;
    Clock* m_clock;
    IngestQueue m_queue;
    QRandomGenerator m_rng;

    QWebSocket* m_socket = nullptr;
    QUrl m_socketUrl;
    State m_state = State::Disconnected;
    QString m_stateReason;
    qint64 m_stateSinceMs = 0;
    Failure m_failure = Failure::None;
    QString m_failureMessage;
    bool m_wasLive = false;
    std::optional<ServerVersion> m_version;
    QString m_webSocketId;
    quint16 m_generation = 0;
    quint64 m_run = 0; //!< bumped whenever a run starts or ends: older callbacks are dropped
    int m_attempt = 0;
    bool m_authRetried = false;
    qint64 m_lastFrameMs = -1; //!< monotonic time of the last received frame
    quint64 m_barrierSerial = 0;
    QHash<quint64, std::function<void()>> m_afterIngested;
    QString m_socketError;
    bool m_socketOpened = false; //!< the current socket completed its opening handshake
    bool m_closeFrameReceived = false; //!< the server sent a close frame (else a drop: 1006)
    QString m_tlsDetails;
    QString m_lastTlsNotice;

    Clock::TimerId m_retryTimer = 0; //!< backoff, or the authentication timeout while connecting
    qint64 m_retryAtMs = -1;
    Clock::TimerId m_pingTimer = 0;
    Clock::TimerId m_pingTimeoutTimer = 0;
    quint64 m_pingSerial = 0;
    double m_rttSumMs = 0;

    QList<Entry> m_entries;
    quint64 m_nextEntryId = 1;
    QList<Page> m_expectedDiscards;
    bool m_singlePageNoticeShown = false;
    Counters m_counters;
};

} // namespace bmon
