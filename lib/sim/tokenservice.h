// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QHash>
#include <QSet>
#include <QString>

namespace bmon::sim {

struct SimContext;

/*!
 * JWT issuing and checking per era (PROTOCOL.md §6.2): drf-jwt's single token (1.12) or
 * simplejwt access/refresh pairs (1.13+), with blacklisting (1.21+) and invalidation by password
 * change (1.21+). The signing key survives restarts (it lives as long as the simulator).
 */
class TokenService
{
public:
    enum class Status
    {
        Valid,
        Expired,
        Invalid
    };
    struct Check
    {
        Status status = Status::Invalid;
        int userId = 0;
        QString jti;
    };

    explicit TokenService(const SimContext* ctx);

    //! simplejwt access token (or drf-jwt token on 1.12, with orig_iat = \a origIat or now).
    QByteArray issueAccess(int userId, qint64 origIat = 0);
    QByteArray issueRefresh(int userId);

    //! An access token (1.12: the drf-jwt token) of an active user, not revoked by a password change.
    Check checkAccess(QByteArrayView token) const;
    //! A refresh token (1.13+): valid signature, type refresh, not expired, not blacklisted.
    Check checkRefresh(QByteArrayView token) const;
    //! drf-jwt: claims of a 1.12 token regardless of expiry (for refresh rules), empty on bad tokens.
    bool legacyClaims(QByteArrayView token, qint64* origIat, int* userId) const;

    void blacklist(const QString& jti) { m_blacklisted.insert(jti); }
    bool isBlacklisted(const QString& jti) const { return m_blacklisted.contains(jti); }

    //! Access token lifetime for a user (profile default, option, or the expire-tokens fault).
    qint64 accessLifetimeMs(int userId) const;

private:
    Check check(QByteArrayView token, bool wantRefresh) const;

    const SimContext* m_ctx;
    QByteArray m_key;
    QSet<QString> m_blacklisted;
};

} // namespace bmon::sim
