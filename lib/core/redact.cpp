// SPDX-License-Identifier: MIT
#include "core/redact.h"

#include <QRegularExpression>
#include <QUrlQuery>

namespace bmon {

QString redactUrl(const QUrl& url)
{
    QUrl copy = url;
    copy.setPassword(QString());
    if (copy.hasQuery()) {
        QUrlQuery query(copy);
        const auto items = query.queryItems(QUrl::FullyEncoded);
        QUrlQuery cleaned;
        for (const auto& [key, value] : items) {
            const bool secret = key.compare(QLatin1String("jwt_token"), Qt::CaseInsensitive) == 0
                || key.compare(QLatin1String("token"), Qt::CaseInsensitive) == 0;
            cleaned.addQueryItem(
                key, secret && value != QLatin1String("anonymous") ? QStringLiteral("REDACTED") : value);
        }
        copy.setQuery(cleaned);
    }
    return copy.toString(QUrl::RemovePassword);
}

QString redactSecrets(QString text)
{
    // JWTs are three base64url segments; the header always starts with "eyJ" ({").
    static const QRegularExpression jwt(
        QStringLiteral(R"(eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)"));
    static const QRegularExpression query(
        QStringLiteral(R"((jwt_token=)[^&\s"']+)"), QRegularExpression::CaseInsensitiveOption);
    text.replace(jwt, QStringLiteral("[token]"));
    text.replace(query, QStringLiteral("\\1REDACTED"));
    return text;
}

} // namespace bmon
