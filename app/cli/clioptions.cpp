// SPDX-License-Identifier: MIT
#include "clioptions.h"

#include <QCoreApplication>
#include <QFile>

#include <cstdio>

namespace bmon::cli {

namespace {
QString tr(const char* text)
{
    return QCoreApplication::translate("bmon::cli", text);
}
} // namespace

std::optional<int> parseArguments(
    QCommandLineParser& parser, const QString& command, const QStringList& arguments)
{
    parser.addHelpOption();
    QStringList args = arguments;
    args.prepend(QCoreApplication::applicationName() + QLatin1Char(' ') + command);
    if (!parser.parse(args)) {
        printError(parser.errorText());
        return 2;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        return 0;
    }
    if (!parser.positionalArguments().isEmpty()) {
        printError(tr("unexpected argument: %1").arg(parser.positionalArguments().constFirst()));
        return 2;
    }
    return std::nullopt;
}

std::optional<QUrl> parseServerUrl(const QString& text, QString* error)
{
    const QUrl url = QUrl::fromUserInput(text.trimmed());
    const QString scheme = url.scheme().toLower();
    if (scheme == QLatin1String("ws") || scheme == QLatin1String("wss")) {
        *error = tr("--server takes the backend's HTTP(S) base URL, such as https://api.baserow.io; "
                    "the WebSocket URL is derived from it");
        return std::nullopt;
    }
    if (!url.isValid() || url.host().isEmpty()
        || (scheme != QLatin1String("http") && scheme != QLatin1String("https"))) {
        *error = tr("--server must be an http:// or https:// URL, such as https://api.baserow.io or "
                    "http://127.0.0.1:8000 (got \"%1\")")
                     .arg(text);
        return std::nullopt;
    }
    if (!url.userInfo().isEmpty()) {
        *error = tr("--server must not contain credentials; use --email and --password-file");
        return std::nullopt;
    }
    QUrl base = url;
    base.setQuery(QString());
    base.setFragment(QString());
    QString path = base.path();
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    if (path.endsWith(QLatin1String("/api"))) // a common slip: the API lives under the base URL
        path.chop(4);
    base.setPath(path);
    return base;
}

std::optional<QString> readPassword(const QString& passwordFile, QString* error)
{
    if (!passwordFile.isEmpty()) {
        QFile f(passwordFile);
        if (!f.open(QIODevice::ReadOnly)) {
            *error = tr("cannot read the password file %1: %2").arg(passwordFile, f.errorString());
            return std::nullopt;
        }
        QByteArray line = f.readLine(64 * 1024);
        while (line.endsWith('\n') || line.endsWith('\r'))
            line.chop(1);
        if (line.isEmpty()) {
            *error = tr("the password file %1 is empty").arg(passwordFile);
            return std::nullopt;
        }
        return QString::fromUtf8(line);
    }
    const QByteArray env = qgetenv("BASEROW_PASSWORD");
    if (env.isEmpty()) {
        *error = tr("no password: use --password-file FILE or set BASEROW_PASSWORD");
        return std::nullopt;
    }
    return QString::fromUtf8(env);
}

std::optional<double> parseSeconds(const QString& text)
{
    bool ok = false;
    const double v = text.toDouble(&ok);
    if (!ok || v < 0 || v > 10.0 * 365 * 24 * 3600)
        return std::nullopt;
    return v;
}

std::optional<QList<QSslCertificate>> loadCertificates(const QString& path, QString* error)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = tr("cannot read the certificate file %1: %2").arg(path, f.errorString());
        return std::nullopt;
    }
    const QList<QSslCertificate> certs = QSslCertificate::fromData(f.readAll(), QSsl::Pem);
    if (certs.isEmpty()) {
        *error = tr("no PEM certificate found in %1").arg(path);
        return std::nullopt;
    }
    return certs;
}

void printError(const QString& message)
{
    const QByteArray text
        = (QCoreApplication::applicationName() + QStringLiteral(": ") + message + QLatin1Char('\n')).toUtf8();
    std::fwrite(text.constData(), 1, size_t(text.size()), stderr);
    std::fflush(stderr);
}

void printInfo(const QString& message)
{
    const QByteArray text = (message + QLatin1Char('\n')).toUtf8();
    std::fwrite(text.constData(), 1, size_t(text.size()), stderr);
    std::fflush(stderr);
}

} // namespace bmon::cli
