// SPDX-License-Identifier: MIT
#include "core/jwt.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QMessageAuthenticationCode>

namespace bmon::jwt {

QByteArray base64UrlEncode(QByteArrayView data)
{
    return data.toByteArray().toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

std::optional<QByteArray> base64UrlDecode(QByteArrayView text)
{
    auto result = QByteArray::fromBase64Encoding(
        text.toByteArray(), QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!result)
        return std::nullopt;
    return *result;
}

namespace {

struct Parts
{
    QByteArrayView header, payload, signature, signingInput;
};

std::optional<Parts> split(QByteArrayView token)
{
    const qsizetype a = token.indexOf('.');
    if (a <= 0)
        return std::nullopt;
    const qsizetype b = token.sliced(a + 1).indexOf('.');
    if (b <= 0)
        return std::nullopt;
    Parts p;
    p.header = token.first(a);
    p.payload = token.sliced(a + 1, b);
    p.signature = token.sliced(a + 1 + b + 1);
    p.signingInput = token.first(a + 1 + b);
    if (p.signature.contains('.'))
        return std::nullopt;
    return p;
}

std::optional<QJsonObject> decodeObject(QByteArrayView part)
{
    const auto bytes = base64UrlDecode(part);
    if (!bytes)
        return std::nullopt;
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(*bytes, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return std::nullopt;
    return doc.object();
}

} // namespace

std::optional<QJsonObject> decodePayload(QByteArrayView token)
{
    const auto parts = split(token);
    if (!parts)
        return std::nullopt;
    return decodeObject(parts->payload);
}

Lifetime lifetime(QByteArrayView token)
{
    Lifetime l;
    if (const auto claims = decodePayload(token)) {
        l.issuedAt = qint64(claims->value(QLatin1String("iat")).toDouble());
        l.expiresAt = qint64(claims->value(QLatin1String("exp")).toDouble());
    }
    return l;
}

QByteArray signHs256(const QJsonObject& claims, QByteArrayView key)
{
    static const QByteArray header = base64UrlEncode(QByteArrayLiteral(R"({"alg":"HS256","typ":"JWT"})"));
    const QByteArray input
        = header + '.' + base64UrlEncode(QJsonDocument(claims).toJson(QJsonDocument::Compact));
    const QByteArray mac
        = QMessageAuthenticationCode::hash(input, key.toByteArray(), QCryptographicHash::Sha256);
    return input + '.' + base64UrlEncode(mac);
}

Verdict verifyHs256(QByteArrayView token, QByteArrayView key, qint64 nowSecs, QJsonObject* claims)
{
    const auto parts = split(token);
    if (!parts)
        return Verdict::Malformed;
    const auto header = decodeObject(parts->header);
    const auto payload = decodeObject(parts->payload);
    const auto signature = base64UrlDecode(parts->signature);
    if (!header || !payload || !signature
        || header->value(QLatin1String("alg")).toString() != QLatin1String("HS256"))
        return Verdict::Malformed;
    const QByteArray expected = QMessageAuthenticationCode::hash(
        parts->signingInput.toByteArray(), key.toByteArray(), QCryptographicHash::Sha256);
    // Constant-time compare: the simulator is a test server, but the habit costs nothing.
    if (expected.size() != signature->size())
        return Verdict::BadSignature;
    unsigned char diff = 0;
    for (qsizetype i = 0; i < expected.size(); ++i)
        diff |= static_cast<unsigned char>(expected[i] ^ signature->at(i));
    if (diff != 0)
        return Verdict::BadSignature;
    if (claims)
        *claims = *payload;
    const qint64 exp = qint64(payload->value(QLatin1String("exp")).toDouble());
    if (exp > 0 && nowSecs >= exp)
        return Verdict::Expired;
    return Verdict::Valid;
}

} // namespace bmon::jwt
