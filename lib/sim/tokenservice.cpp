// SPDX-License-Identifier: MIT
#include "sim/tokenservice.h"

#include "core/clock.h"
#include "core/jwt.h"
#include "sim/simcontext.h"
#include "sim/simdata.h"
#include "sim/simulator.h"

#include <QJsonObject>
#include <QRandomGenerator>
#include <QUuid>

namespace bmon::sim {

namespace {
QString L(const char* s)
{
    return QLatin1String(s);
}
} // namespace

TokenService::TokenService(const SimContext* ctx) : m_ctx(ctx)
{
    m_key.resize(32);
    QRandomGenerator::system()->generate(m_key.begin(), m_key.end());
}

qint64 TokenService::accessLifetimeMs(int userId) const
{
    const SimulatorOptions& o = *m_ctx->options;
    qint64 ms = o.accessTokenLifetimeSecs > 0 ? o.accessTokenLifetimeSecs * 1000
                                              : (m_ctx->profile == Profile::V1_12 ? 3600 * 1000 : 600 * 1000);
    const SimUser u = m_ctx->data->users.value(userId);
    for (const FaultSpec& f : o.faults) {
        if (f.kind == FaultSpec::Kind::ExpireTokens
            && (f.userEmail.isEmpty() || f.userEmail.compare(u.email, Qt::CaseInsensitive) == 0))
            ms = qint64(f.seconds * 1000);
    }
    return qMax<qint64>(1, ms);
}

QByteArray TokenService::issueAccess(int userId, qint64 origIat)
{
    const qint64 nowMs = m_ctx->clock->nowUs() / 1000;
    const qint64 iat = nowMs / 1000;
    const qint64 exp = iat + (accessLifetimeMs(userId) + 999) / 1000;
    QJsonObject claims;
    if (!m_ctx->version.hasSimpleJwt()) {
        const SimUser u = m_ctx->data->users.value(userId);
        claims.insert(L("user_id"), userId);
        claims.insert(L("username"), u.email);
        claims.insert(L("exp"), exp);
        claims.insert(L("email"), u.email);
        claims.insert(L("orig_iat"), origIat > 0 ? origIat : iat);
        return jwt::signHs256(claims, m_key);
    }
    claims.insert(L("token_type"), L("access"));
    claims.insert(L("exp"), exp);
    claims.insert(L("iat"), iat);
    claims.insert(L("jti"), QUuid::createUuid().toString(QUuid::Id128));
    claims.insert(L("user_id"), userId);
    return jwt::signHs256(claims, m_key);
}

QByteArray TokenService::issueRefresh(int userId)
{
    const qint64 iat = m_ctx->nowSecs();
    QJsonObject claims;
    claims.insert(L("token_type"), L("refresh"));
    claims.insert(L("exp"), iat + qMax<qint64>(1, m_ctx->options->refreshTokenLifetimeSecs));
    claims.insert(L("iat"), iat);
    claims.insert(L("jti"), QUuid::createUuid().toString(QUuid::Id128));
    claims.insert(L("user_id"), userId);
    return jwt::signHs256(claims, m_key);
}

TokenService::Check TokenService::check(QByteArrayView token, bool wantRefresh) const
{
    Check result;
    QJsonObject claims;
    const jwt::Verdict verdict = jwt::verifyHs256(token, m_key, m_ctx->nowSecs(), &claims);
    if (verdict == jwt::Verdict::Malformed || verdict == jwt::Verdict::BadSignature)
        return result;
    result.userId = claims.value(L("user_id")).toInt();
    result.jti = claims.value(L("jti")).toString();
    const SimUser* user = nullptr;
    auto it = m_ctx->data->users.constFind(result.userId);
    if (it != m_ctx->data->users.cend())
        user = &*it;
    if (m_ctx->version.hasSimpleJwt()) {
        const QString type = claims.value(L("token_type")).toString();
        if (type != (wantRefresh ? L("refresh") : L("access")))
            return result;
        if (wantRefresh && m_blacklisted.contains(result.jti))
            return result;
        // 1.21+: tokens issued before the last password change are revoked.
        if (user && m_ctx->version.hasTokenBlacklist() && user->passwordChangedSecs > 0
            && qint64(claims.value(L("iat")).toDouble()) < user->passwordChangedSecs)
            return result;
    }
    if (!user || !user->active)
        return result;
    result.status = verdict == jwt::Verdict::Expired ? Status::Expired : Status::Valid;
    return result;
}

TokenService::Check TokenService::checkAccess(QByteArrayView token) const
{
    return check(token, false);
}

TokenService::Check TokenService::checkRefresh(QByteArrayView token) const
{
    return check(token, true);
}

bool TokenService::legacyClaims(QByteArrayView token, qint64* origIat, int* userId) const
{
    QJsonObject claims;
    const jwt::Verdict verdict = jwt::verifyHs256(token, m_key, m_ctx->nowSecs(), &claims);
    if (verdict != jwt::Verdict::Valid && verdict != jwt::Verdict::Expired)
        return false;
    *origIat = qint64(claims.value(L("orig_iat")).toDouble());
    *userId = claims.value(L("user_id")).toInt();
    return true;
}

} // namespace bmon::sim
