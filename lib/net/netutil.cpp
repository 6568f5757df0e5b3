// SPDX-License-Identifier: MIT
#include "net/netutil.h"

#include <QCoreApplication>
#include <QHostAddress>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace bmon {

bool isLoopbackHost(const QString& host)
{
    QString h = host.trimmed().toLower();
    if (h.startsWith(u'[') && h.endsWith(u']'))
        h = h.mid(1, h.size() - 2);
    if (h.endsWith(u'.'))
        h.chop(1);
    if (h == "localhost"_L1 || h.endsWith(".localhost"_L1))
        return true;
    QHostAddress address;
    if (!address.setAddress(h))
        return false;
    if (address.isLoopback())
        return true;
    // ::ffff:127.0.0.1 is loopback too, but QHostAddress only says so for the plain forms.
    bool ok = false;
    const quint32 v4 = address.toIPv4Address(&ok);
    return ok && (v4 >> 24) == 127;
}

QUrl webSocketUrl(const QUrl& restBase, const QString& accessToken)
{
    QUrl url;
    url.setScheme(restBase.scheme().compare("https"_L1, Qt::CaseInsensitive) == 0 ? u"wss"_s : u"ws"_s);
    url.setHost(restBase.host());
    url.setPort(restBase.port());
    url.setPath(u"/ws/core/"_s);
    QUrlQuery query;
    // A JWT is base64url plus dots: nothing in it needs encoding in a query.
    query.addQueryItem(u"jwt_token"_s, accessToken);
    url.setQuery(query);
    return url;
}

QString hostAndPort(const QUrl& url)
{
    const int port = url.port();
    QString host = url.host();
    if (host.contains(u':'))
        host = QString(u'[' + host + u']');
    return port > 0 ? QString(host + u':' + QString::number(port)) : host;
}

QString describeCertificate(const QSslCertificate& cert)
{
    if (cert.isNull())
        return QCoreApplication::translate("bmon::Tls", "no certificate");
    const QByteArray sha = cert.digest(QCryptographicHash::Sha256).toHex(':').toUpper();
    return QCoreApplication::translate(
        "bmon::Tls", "subject: %1; issuer: %2; valid from %3 to %4; SHA-256: %5")
        .arg(cert.subjectDisplayName(), cert.issuerDisplayName(),
            cert.effectiveDate().toUTC().toString(Qt::ISODate),
            cert.expiryDate().toUTC().toString(Qt::ISODate), QString::fromLatin1(sha));
}

QString describeTlsFailure(const QList<QSslError>& errors, const QSslCertificate& peer)
{
    QStringList lines;
    for (const QSslError& e : errors)
        lines.append(QCoreApplication::translate("bmon::Tls", "error: %1").arg(e.errorString()));
    QSslCertificate cert = peer;
    if (cert.isNull()) {
        for (const QSslError& e : errors) {
            if (!e.certificate().isNull()) {
                cert = e.certificate();
                break;
            }
        }
    }
    lines.append(QCoreApplication::translate("bmon::Tls", "certificate: %1").arg(describeCertificate(cert)));
    return lines.join(u'\n');
}

} // namespace bmon
