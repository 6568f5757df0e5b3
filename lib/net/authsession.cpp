// SPDX-License-Identifier: MIT
#include "net/authsession.h"

#include "core/jwt.h"
#include "core/logging.h"

#include <QPointer>

#include <cmath>
#include <limits>
#include <utility>

using namespace Qt::StringLiterals;

namespace bmon {

namespace {

const QString TokenAuthPath = u"/api/user/token-auth/"_s;
const QString TokenRefreshPath = u"/api/user/token-refresh/"_s;

// drf-jwt refuses to refresh an expired token; leave room for the request's transit time.
constexpr qint64 DrfRefreshMarginMs = 2000;

QString accessFrom(const QJsonObject& o)
{
    // access_token (1.13+) first; token is its deprecated copy there and the only one before.
    QString t = o.value("access_token"_L1).toString();
    if (t.isEmpty())
        t = o.value("token"_L1).toString();
    return t;
}

} // namespace

AuthSession::AuthSession(Clock* clock, QObject* parent)
    : QObject(parent), m_clock(clock ? clock : Clock::system())
{ }

AuthSession::~AuthSession()
{
    cancelRefreshTimer();
    wipePassword();
}

void AuthSession::setTransport(Transport transport)
{
    m_transport = std::move(transport);
}

void AuthSession::setServerVersion(const ServerVersion& version)
{
    m_version = version;
}

RestError AuthSession::localError(RestError::Kind kind, const QString& message)
{
    RestError e;
    e.kind = kind;
    e.message = message;
    return e;
}

bool AuthSession::canRefresh() const
{
    switch (m_era) {
    case Era::SimpleJwt:
    case Era::Unknown:
        return hasRefreshToken();
    case Era::DrfJwt:
        return hasStoredPassword() || (isAuthenticated() && msUntilExpiry() > DrfRefreshMarginMs);
    }
    return false;
}

qint64 AuthSession::msUntilExpiry() const
{
    if (m_access.isEmpty())
        return -1;
    if (m_lifetimeMs < 0)
        return std::numeric_limits<qint64>::max();
    return m_receivedMs + m_lifetimeMs - m_clock->monotonicMs();
}

bool AuthSession::expiresWithin(double fraction) const
{
    if (m_access.isEmpty())
        return true;
    if (m_lifetimeMs < 0)
        return false;
    return double(msUntilExpiry()) < fraction * double(m_lifetimeMs);
}

qint64 AuthSession::nextRefreshInMs() const
{
    if (m_timer == 0)
        return -1;
    return qMax<qint64>(0, m_timerDueMs - m_clock->monotonicMs());
}

void AuthSession::login(const QString& email, const QString& password, Callback<QJsonObject> done)
{
    clear();
    const quint64 epoch = m_epoch;
    if (!m_transport) {
        if (done)
            done(localError(RestError::Kind::Network, tr("No connection to the server is set up.")));
        return;
    }
    m_email = email;
    m_password = password; // kept only until we know whether this server needs it for re-login
    // Version-agnostic body (PROTOCOL.md §6.2): drf-jwt reads username, simplejwt either.
    const QJsonObject body {{u"username"_s, email}, {u"email"_s, email}, {u"password"_s, password}};
    QPointer<AuthSession> self(this);
    m_transport(TokenAuthPath, body, [this, self, epoch, done](const Result<QJsonObject>& r) {
        if (!self)
            return;
        if (epoch != m_epoch) {
            if (done)
                done(localError(RestError::Kind::Cancelled, tr("The login was superseded.")));
            return;
        }
        if (!r) {
            wipePassword();
            if (done)
                done(r.error());
            return;
        }
        const QJsonObject& o = r.value();
        const QString access = accessFrom(o);
        if (access.isEmpty()) {
            wipePassword();
            if (done)
                done(localError(RestError::Kind::NotBaserow, tr("The login answer carries no token.")));
            return;
        }
        m_refresh = o.value("refresh_token"_L1).toString();
        if (!m_refresh.isEmpty() || o.contains("access_token"_L1))
            m_era = Era::SimpleJwt;
        else if (m_version && m_version->hasSimpleJwt())
            m_era = Era::SimpleJwt;
        else
            m_era = Era::DrfJwt;
        if (m_era != Era::DrfJwt)
            wipePassword();
        qCDebug(lcRest) << "logged in, token era" << m_era;
        setAccessToken(access);
        if (done) {
            QJsonObject answer = o;
            for (const auto key : {"token"_L1, "access_token"_L1, "refresh_token"_L1, "user_session"_L1})
                answer.remove(key);
            done(answer);
        }
    });
}

void AuthSession::loginWithRefreshToken(const QString& refreshToken, Callback<void> done)
{
    clear();
    m_era = Era::SimpleJwt;
    m_refresh = refreshToken.trimmed();
    refresh(std::move(done));
}

void AuthSession::refresh(Callback<void> done)
{
    if (done)
        m_waiters.append(std::move(done));
    if (m_refreshing)
        return;
    if (!m_transport) {
        finishRefresh(localError(RestError::Kind::Network, tr("No connection to the server is set up.")));
        return;
    }
    if (m_access.isEmpty() && m_refresh.isEmpty()) {
        finishRefresh(localError(RestError::Kind::Auth, tr("Not logged in.")));
        return;
    }
    m_refreshing = true;
    cancelRefreshTimer();
    if (m_era == Era::DrfJwt)
        refreshDrfJwt();
    else if (hasRefreshToken())
        refreshSimpleJwt();
    else
        expire(tr("The server issued no refresh token, so the session cannot be renewed; log in again."), {});
}

void AuthSession::requestToken(const QString& path, const QJsonObject& body, const QString& noTokenMessage,
    std::function<void(const RestError&)> refused,
    std::function<void(const QJsonObject&, const QString&)> accepted)
{
    const quint64 epoch = m_epoch;
    QPointer<AuthSession> self(this);
    m_transport(path, body,
        [this, self, epoch, noTokenMessage, refused = std::move(refused), accepted = std::move(accepted)](
            const Result<QJsonObject>& r) {
            if (!self || epoch != m_epoch)
                return; // an answer for a session that has since been replaced
            if (!r) {
                if (r.error().kind == RestError::Kind::Auth) {
                    refused(r.error());
                } else {
                    scheduleRefresh(RetryAfterFailureMs);
                    finishRefresh(r.error());
                }
                return;
            }
            const QString access = accessFrom(r.value());
            if (access.isEmpty()) {
                scheduleRefresh(RetryAfterFailureMs);
                finishRefresh(localError(RestError::Kind::NotBaserow, noTokenMessage));
                return;
            }
            accepted(r.value(), access);
        });
}

void AuthSession::refreshSimpleJwt()
{
    requestToken(
        TokenRefreshPath, QJsonObject {{u"refresh_token"_s, m_refresh}},
        tr("The token refresh answer carries no token."),
        [this](const RestError& error) {
            expire(tr("The server rejected the refresh token (expired, revoked or the password was changed); "
                      "log in again."),
                error);
        },
        [this](const QJsonObject& answer, const QString& access) {
            // simplejwt does not rotate refresh tokens in Baserow, but accept it if a server does.
            const QString rotated = answer.value("refresh_token"_L1).toString();
            if (!rotated.isEmpty())
                m_refresh = rotated;
            setAccessToken(access);
            finishRefresh({});
        });
}

void AuthSession::refreshDrfJwt()
{
    if (!isAuthenticated() || msUntilExpiry() <= DrfRefreshMarginMs) {
        if (hasStoredPassword())
            relogin();
        else
            expire(
                tr("The session token expired and no password is kept to log in again; log in again."), {});
        return;
    }
    requestToken(
        TokenRefreshPath, QJsonObject {{u"token"_s, m_access}},
        tr("The token refresh answer carries no token."),
        [this](const RestError& error) {
            // drf-jwt refuses expired tokens and tokens past the 7-day refresh window: log in again.
            if (hasStoredPassword())
                relogin();
            else
                expire(tr("The server refused to renew the session token; log in again."), error);
        },
        [this](const QJsonObject&, const QString& access) {
            setAccessToken(access);
            finishRefresh({});
        });
}

void AuthSession::relogin()
{
    qCDebug(lcRest) << "token expired, logging in again";
    requestToken(
        TokenAuthPath,
        QJsonObject {{u"username"_s, m_email}, {u"email"_s, m_email}, {u"password"_s, m_password}},
        tr("The login answer carries no token."),
        [this](const RestError& error) {
            expire(tr("Logging in again failed because the server no longer accepts the password; log in "
                      "again."),
                error);
        },
        [this](const QJsonObject& answer, const QString& access) {
            const QString refresh = answer.value("refresh_token"_L1).toString();
            if (!refresh.isEmpty()) {
                // The server was upgraded past 1.12 while we ran: switch eras and drop the password.
                m_refresh = refresh;
                m_era = Era::SimpleJwt;
                wipePassword();
            }
            setAccessToken(access);
            finishRefresh({});
        });
}

void AuthSession::setAccessToken(const QString& token)
{
    m_access = token;
    m_receivedMs = m_clock->monotonicMs();
    const jwt::Lifetime lt = jwt::lifetime(token.toLatin1());
    if (!lt.isValid()) {
        m_lifetimeMs = -1;
    } else if (lt.issuedAt > 0 && lt.expiresAt > lt.issuedAt) {
        m_lifetimeMs = (lt.expiresAt - lt.issuedAt) * 1000;
    } else {
        // drf-jwt tokens carry no iat: measure against our wall clock instead.
        m_lifetimeMs = qMax<qint64>(0, lt.expiresAt * 1000 - m_clock->nowUs() / 1000);
    }
    if (m_lifetimeMs >= 0) {
        const qint64 at = std::llround(double(m_lifetimeMs) * RefreshFraction);
        scheduleRefresh(qMax(at, qMin<qint64>(1000, m_lifetimeMs)));
    } else {
        cancelRefreshTimer();
    }
    emit tokensChanged();
}

void AuthSession::scheduleRefresh(qint64 delayMs)
{
    cancelRefreshTimer();
    m_timerDueMs = m_clock->monotonicMs() + delayMs;
    m_timer = m_clock->schedule(delayMs, this, [this]() {
        m_timer = 0;
        m_timerDueMs = -1;
        refresh({});
    });
}

void AuthSession::cancelRefreshTimer()
{
    if (m_timer != 0)
        m_clock->cancel(m_timer);
    m_timer = 0;
    m_timerDueMs = -1;
}

void AuthSession::finishRefresh(const RestError& error)
{
    m_refreshing = false;
    const auto waiters = std::exchange(m_waiters, {});
    for (const auto& w : waiters) {
        if (error.isError())
            w(error);
        else
            w(Result<void>());
    }
}

void AuthSession::expire(const QString& reason, const RestError& cause)
{
    qCInfo(lcRest) << "session expired:" << reason;
    ++m_epoch;
    cancelRefreshTimer();
    wipePassword();
    m_access.clear();
    m_refresh.clear();
    m_lifetimeMs = -1;
    RestError e = cause;
    e.kind = RestError::Kind::Auth;
    e.message = reason;
    m_refreshing = false;
    const auto waiters = std::exchange(m_waiters, {});
    emit tokensChanged();
    emit authExpired(reason);
    for (const auto& w : waiters)
        w(e);
}

void AuthSession::clear()
{
    ++m_epoch;
    cancelRefreshTimer();
    wipePassword();
    m_email.clear();
    const bool had = !m_access.isEmpty() || !m_refresh.isEmpty();
    m_access.clear();
    m_refresh.clear();
    m_lifetimeMs = -1;
    m_era = Era::Unknown;
    m_refreshing = false;
    const auto waiters = std::exchange(m_waiters, {});
    for (const auto& w : waiters)
        w(localError(RestError::Kind::Cancelled, tr("The session was closed.")));
    if (had)
        emit tokensChanged();
}

void AuthSession::wipePassword()
{
    // Overwrite our copy before releasing it (best effort: QString may have shared it).
    if (!m_password.isEmpty() && !m_password.isDetached())
        m_password = QString();
    m_password.fill(QChar(u'\0'));
    m_password.clear();
}

} // namespace bmon
