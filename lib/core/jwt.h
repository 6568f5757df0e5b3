// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QJsonObject>

#include <optional>

namespace bmon::jwt {

//! Unverified claims of a JWT (what a client may read: exp, iat, token_type, user_id, …).
std::optional<QJsonObject> decodePayload(QByteArrayView token);

//! exp and iat in seconds since the epoch, 0 when absent.
struct Lifetime
{
    qint64 issuedAt = 0;
    qint64 expiresAt = 0;
    bool isValid() const { return expiresAt > 0; }
};
Lifetime lifetime(QByteArrayView token);

//! A signed HS256 token: header {"alg":"HS256","typ":"JWT"}, the given claims.
QByteArray signHs256(const QJsonObject& claims, QByteArrayView key);

enum class Verdict
{
    Valid,
    Malformed,
    BadSignature,
    Expired
};
//! Checks structure, algorithm, signature and exp (against \a nowSecs) of an HS256 token.
Verdict verifyHs256(QByteArrayView token, QByteArrayView key, qint64 nowSecs, QJsonObject* claims = nullptr);

QByteArray base64UrlEncode(QByteArrayView data);
std::optional<QByteArray> base64UrlDecode(QByteArrayView text);

} // namespace bmon::jwt
