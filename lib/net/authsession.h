// SPDX-License-Identifier: MIT
#pragma once

#include "core/clock.h"
#include "core/serverversion.h"
#include "net/result.h"

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QString>

#include <functional>
#include <optional>

namespace bmon {

/*!
 * The tokens of one login and their upkeep (PROTOCOL.md §6.2, §8.2).
 *
 * Two token eras exist. simplejwt (1.13+): a short access token plus a refresh token, refreshed
 * with {"refresh_token": …}. drf-jwt (≤ 1.12): one token, refreshed with {"token": current}
 * while it is unexpired; once expired only a new login helps, so for that era (and only for it)
 * the password is kept in memory.
 *
 * A refresh is scheduled through the Clock at 80 % of the access token's lifetime (exp − iat
 * read from the JWT, counted from when the token arrived, so client/server clock skew does not
 * matter). A refresh token the server rejects (revoked, expired, password changed) or a failed
 * re-login is unrecoverable and emits authExpired(); transient failures retry every
 * RetryAfterFailureMs.
 *
 * The session does no HTTP itself: the Transport (installed by RestClient, faked in tests)
 * posts unauthenticated JSON to the auth endpoints. Tokens never appear in logs or errors.
 */
class AuthSession : public QObject
{
    Q_OBJECT

public:
    enum class Era
    {
        Unknown,
        DrfJwt,
        SimpleJwt
    };
    Q_ENUM(Era)

    //! POSTs \a body to \a path (e.g. "/api/user/token-auth/") without authentication.
    using Transport
        = std::function<void(const QString& path, const QJsonObject& body, Callback<QJsonObject> done)>;

    static constexpr double RefreshFraction = 0.8;
    static constexpr qint64 RetryAfterFailureMs = 10'000;

    explicit AuthSession(Clock* clock = nullptr, QObject* parent = nullptr);
    ~AuthSession() override;

    void setTransport(Transport transport);
    //! The era follows the server version when the login answer alone cannot tell.
    void setServerVersion(const ServerVersion& version);

    //! Logs in with the version-agnostic body {"username", "email", "password"}. \a done gets the
    //! login answer without its tokens (user, permissions, …).
    void login(const QString& email, const QString& password, Callback<QJsonObject> done);
    //! Starts from a refresh token (SSO users paste one; 1.13+) and fetches an access token.
    void loginWithRefreshToken(const QString& refreshToken, Callback<void> done);
    //! Gets a new access token now (era rules above). Concurrent calls share one request.
    void refresh(Callback<void> done);
    //! Forgets tokens and password and stops the refresh timer.
    void clear();

    Era era() const { return m_era; }
    bool isAuthenticated() const { return !m_access.isEmpty(); }
    QString accessToken() const { return m_access; }
    QString refreshToken() const { return m_refresh; }
    bool hasRefreshToken() const { return !m_refresh.isEmpty(); }
    //! True only in the drf-jwt era (≤ 1.12), where re-login needs it.
    bool hasStoredPassword() const { return !m_password.isEmpty(); }
    //! Can a new access token be obtained without asking the user?
    bool canRefresh() const;
    bool isRefreshing() const { return m_refreshing; }

    //! Lifetime of the current access token in ms (exp − iat), -1 when unknown.
    qint64 accessLifetimeMs() const { return m_lifetimeMs; }
    //! Milliseconds until the access token expires; negative once expired, max() when unknown.
    qint64 msUntilExpiry() const;
    bool isExpired() const { return msUntilExpiry() <= 0; }
    //! Less than \a fraction of the lifetime left (or expired).
    bool expiresWithin(double fraction) const;
    //! Milliseconds until the scheduled refresh, -1 when none is scheduled.
    qint64 nextRefreshInMs() const;

signals:
    void tokensChanged();
    //! The session cannot be renewed any more; the user must log in again.
    void authExpired(const QString& reason);

private:
    void setAccessToken(const QString& token);
    void scheduleRefresh(qint64 delayMs);
    void cancelRefreshTimer();
    void refreshSimpleJwt();
    void refreshDrfJwt();
    void relogin();
    //! One token request: ignores answers for an older session, retries transient failures
    //! later, reports an answer without a token; \a refused handles authentication refusals and
    //! \a accepted an answer with its access token.
    void requestToken(const QString& path, const QJsonObject& body, const QString& noTokenMessage,
        std::function<void(const RestError&)> refused,
        std::function<void(const QJsonObject&, const QString&)> accepted);
    void finishRefresh(const RestError& error);
    void expire(const QString& reason, const RestError& cause);
    void wipePassword();
    static RestError localError(RestError::Kind kind, const QString& message);

    Clock* m_clock;
    Transport m_transport;
    std::optional<ServerVersion> m_version;
    Era m_era = Era::Unknown;
    QString m_access;
    QString m_refresh;
    QString m_email;
    QString m_password;
    qint64 m_receivedMs = 0; //!< monotonic time the access token arrived
    qint64 m_lifetimeMs = -1;
    Clock::TimerId m_timer = 0;
    qint64 m_timerDueMs = -1;
    bool m_refreshing = false;
    QList<Callback<void>> m_waiters;
    quint64 m_epoch = 0; //!< bumped by clear(): answers to older requests are dropped
};

} // namespace bmon
