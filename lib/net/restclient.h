// SPDX-License-Identifier: MIT
#pragma once

#include "core/clock.h"
#include "core/serverversion.h"
#include "net/resttypes.h"
#include "net/result.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QObject>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QUrl>

#include <functional>
#include <memory>
#include <optional>

class QNetworkAccessManager;
class QNetworkReply;

namespace bmon {

class AuthSession;

/*!
 * Baserow's REST API (PROTOCOL.md §6) over one QNetworkAccessManager, fully asynchronous.
 *
 * Every call takes a context object and a callback receiving a Result: the value or a typed
 * RestError. The callback is dropped when the context is destroyed first. Calls made with a
 * logged-in session carry "Authorization: JWT <access>"; a 401 ERROR_INVALID_ACCESS_TOKEN makes
 * the session refresh and the request is retried once. HTTP 429 waits Retry-After (default 1 s,
 * at most 60 s) through the Clock and retries once. Each request times out after timeoutMs()
 * (Clock based). Loopback servers are always reached without a proxy.
 *
 * Nothing secret is logged: qCDebug(lcRest) shows method, redacted URL, status and duration.
 */
class RestClient : public QObject
{
    Q_OBJECT

public:
    using Progress = std::function<void(qint64 fetched, qint64 total)>;

    static constexpr qint64 DefaultTimeoutMs = 30'000;
    static constexpr qint64 DefaultMaxResponseBytes = qint64(256) << 20;
    static constexpr int RowPageSize = 200; //!< Baserow's ROW_PAGE_SIZE_LIMIT
    static constexpr qint64 RetryAfterDefaultMs = 1000;
    static constexpr qint64 RetryAfterCapMs = 60'000;

    //! \a baseUrl is the backend's HTTP(S) base, e.g. https://api.baserow.io or http://127.0.0.1:8000.
    explicit RestClient(const QUrl& baseUrl, QObject* parent = nullptr, Clock* clock = nullptr);
    ~RestClient() override;

    QUrl baseUrl() const { return m_baseUrl; }
    Clock* clock() const { return m_clock; }
    AuthSession* session() const { return m_session; }

    //! Extra trusted CAs (e.g. the simulator's --tls certificate), on top of the system's.
    void setCaCertificates(const QList<QSslCertificate>& certificates);
    QList<QSslCertificate> caCertificates() const { return m_caCertificates; }
    //! The TLS configuration every request (and the Connection's socket) uses.
    QSslConfiguration sslConfiguration() const { return m_sslConfig; }

    //! The realtime connection's id; sent as WebSocketId on writes when setSendWebSocketId(true).
    void setWebSocketId(const QString& id) { m_webSocketId = id; }
    QString webSocketId() const { return m_webSocketId; }
    void setSendWebSocketId(bool send) { m_sendWebSocketId = send; }
    bool sendWebSocketId() const { return m_sendWebSocketId; }

    void setTimeoutMs(qint64 ms) { m_timeoutMs = ms; }
    qint64 timeoutMs() const { return m_timeoutMs; }
    //! Answers above this size are aborted (Kind::Http).
    void setMaxResponseBytes(qint64 bytes) { m_maxResponseBytes = bytes; }

    //! The version from the last successful fetchServerVersion().
    std::optional<ServerVersion> serverVersion() const { return m_version; }
    int pendingRequests() const { return int(m_inflight.size()); }

    //! GET /api/schema.json → info.version. Not JSON or no info.version → NotBaserow;
    //! older than ServerVersion::oldestSupported() → Unsupported.
    void fetchServerVersion(QObject* context, Callback<ServerVersion> done);
    //! Logs in (both token eras). Refused credentials → Kind::Auth.
    void login(const QString& email, const QString& password, QObject* context, Callback<User> done);
    //! Starts a session from a refresh token (1.13+).
    void loginWithRefreshToken(const QString& refreshToken, QObject* context, Callback<void> done);
    void refreshAccessToken(QObject* context, Callback<void> done);

    //! /api/workspaces/, falling back to /api/groups/ on 404 (and straight there for ≤ 1.15).
    void listWorkspaces(QObject* context, Callback<QList<Workspace>> done);
    //! /api/applications/ (every version), databases with their tables.
    void listApplications(QObject* context, Callback<QList<Application>> done);
    void listFields(qint64 tableId, QObject* context, Callback<QList<Field>> done);
    //! Every row of a table, page by page (size 200); \a progress after each page.
    void listAllRows(qint64 tableId, Progress progress, QObject* context, Callback<RowMap> done);
    void getRow(qint64 tableId, qint64 rowId, QObject* context, Callback<QJsonObject> done);
    void createRow(qint64 tableId, const QJsonObject& values, QObject* context, Callback<QJsonObject> done);
    void updateRow(qint64 tableId, qint64 rowId, const QJsonObject& values, QObject* context,
        Callback<QJsonObject> done);
    void deleteRow(qint64 tableId, qint64 rowId, QObject* context, Callback<void> done);
    //! Moves a row before \a beforeId (0 = to the end).
    void moveRow(qint64 tableId, qint64 rowId, qint64 beforeId, QObject* context, Callback<QJsonObject> done);
    //! PATCH …/batch/ with {"items": items}; returns the updated items.
    void batchUpdateRows(
        qint64 tableId, const QJsonArray& items, QObject* context, Callback<QJsonArray> done);
    void changePassword(
        const QString& oldPassword, const QString& newPassword, QObject* context, Callback<void> done);
    //! Revokes the session's refresh token on the server (1.21+). The session keeps its tokens;
    //! call session()->clear() to log out locally as well.
    void blacklistRefreshToken(QObject* context, Callback<void> done);

    //! Any other endpoint. \a path is absolute ("/api/…/"; a missing trailing slash is added),
    //! \a body is sent as JSON unless undefined/null. The value is the parsed answer (null if empty).
    void request(const QByteArray& method, const QString& path, const QJsonValue& body, QObject* context,
        Callback<QJsonValue> done);

    //! As request(), with the WebSocketId header chosen for this one call (the echo probe):
    //! \a webSocketId is sent when not empty, and no header at all when empty, whatever
    //! setSendWebSocketId() says.
    void requestWithWebSocketId(const QByteArray& method, const QString& path, const QJsonValue& body,
        const QString& webSocketId, QObject* context, Callback<QJsonValue> done);

    //! Aborts every request in flight; their callbacks get Kind::Cancelled.
    void abortAll();

private:
    struct Call;
    struct Inflight;
    struct RowsJob;
    using Handler = std::function<void(const Result<QJsonValue>&)>;

    void call(const QByteArray& method, const QString& path, const QJsonValue& body, QObject* context,
        Handler handler, bool authenticated = true);
    std::shared_ptr<Call> makeCall(const QByteArray& method, const QString& path, const QJsonValue& body,
        QObject* context, Handler handler);
    void send(const std::shared_ptr<Call>& call);
    void transmit(const std::shared_ptr<Call>& call);
    void onFinished(QNetworkReply* reply);
    void finishCall(const std::shared_ptr<Call>& call, const Result<QJsonValue>& result);
    void failLater(QObject* context, Handler handler, RestError error);
    void fetchRowsPage(const std::shared_ptr<RowsJob>& job);
    void listGroups(QObject* context, Callback<QList<Workspace>> done);
    RestError shapeError(const QByteArray& method, const QString& path, const QString& what) const;
    RestError httpError(const Call& call, int status, const QByteArray& body, bool* isJson) const;
    qint64 retryAfterMs(const QByteArray& header) const;

    QUrl m_baseUrl;
    Clock* m_clock;
    QNetworkAccessManager* m_nam;
    AuthSession* m_session;
    QList<QSslCertificate> m_caCertificates;
    QSslConfiguration m_sslConfig;
    QString m_webSocketId;
    bool m_sendWebSocketId = false;
    qint64 m_timeoutMs = DefaultTimeoutMs;
    qint64 m_maxResponseBytes = DefaultMaxResponseBytes;
    std::optional<ServerVersion> m_version;
    QHash<QNetworkReply*, std::shared_ptr<Inflight>> m_inflight;
    bool m_destroying = false;
};

} // namespace bmon
