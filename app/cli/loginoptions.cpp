// SPDX-License-Identifier: MIT
#include "loginoptions.h"

#include "clioptions.h"
#include "exitcode.h"

#include "net/restclient.h"
#include "sim/simulator.h"

#include <QCommandLineParser>
#include <QFile>

namespace bmon::cli {

LoginOptions::LoginOptions(const QString& demoHelp, bool refreshTokenFile)
    : m_server(QStringLiteral("server"), tr("The backend's HTTP(S) base URL, e.g. https://api.baserow.io."),
        tr("URL"))
    , m_emailOption(QStringLiteral("email"), tr("Account e-mail."), tr("E"))
    , m_passwordFile(QStringLiteral("password-file"),
          tr("Read the password from the first line of FILE (or set BASEROW_PASSWORD)."), tr("FILE"))
    , m_refreshTokenFile(QStringLiteral("refresh-token-file"),
          tr("Log in with the refresh token in FILE instead of a password (SSO accounts, Baserow 1.13+)."),
          tr("FILE"))
    , m_caCert(QStringLiteral("ca-cert"), tr("Also trust the PEM certificate(s) in FILE."), tr("FILE"))
    , m_demoOption(QStringLiteral("demo"), demoHelp)
    , m_demoProfile(QStringLiteral("demo-profile"),
          tr("Baserow version the demo simulates: 1.12, 1.15 or 1.35 (default)."), tr("P"),
          QStringLiteral("1.35"))
    , m_demoRate(QStringLiteral("demo-rate"), tr("Demo events per second (default 8)."), tr("N"),
          QStringLiteral("8"))
    , m_offerRefreshToken(refreshTokenFile)
{ }

LoginOptions::~LoginOptions() = default;

QList<QCommandLineOption> LoginOptions::options() const
{
    QList<QCommandLineOption> list {m_server, m_emailOption, m_passwordFile};
    if (m_offerRefreshToken)
        list << m_refreshTokenFile;
    list << m_caCert << m_demoOption << m_demoProfile << m_demoRate;
    return list;
}

std::optional<int> LoginOptions::refusePasswordOption(const QStringList& arguments)
{
    for (const QString& a : arguments) {
        if (a == QLatin1String("--password") || a.startsWith(QLatin1String("--password="))) {
            printError(
                tr("refusing --password: a password on the command line is visible to other users; use "
                   "--password-file FILE or the BASEROW_PASSWORD environment variable"));
            return ExitBadArguments;
        }
    }
    return std::nullopt;
}

std::optional<int> LoginOptions::resolve(const QCommandLineParser& parser)
{
    QString error;
    if (parser.isSet(m_caCert)) {
        const auto certs = loadCertificates(parser.value(m_caCert), &error);
        if (!certs) {
            printError(error);
            return ExitBadArguments;
        }
        m_trusted = *certs;
    }

    if (parser.isSet(m_demoOption)) {
        const auto profile = sim::parseProfile(parser.value(m_demoProfile));
        const auto rate = parseSeconds(parser.value(m_demoRate));
        if (!profile || !rate) {
            printError(tr("--demo-profile must be 1.12, 1.15 or 1.35 and --demo-rate a number"));
            return ExitBadArguments;
        }
        sim::SimulatorOptions options;
        options.profile = *profile;
        options.rate = *rate;
        auto demo = std::make_unique<sim::Simulator>(options);
        if (!demo->start(&error)) {
            printError(tr("cannot start the built-in simulator: %1").arg(error));
            return ExitOther;
        }
        m_baseUrl = demo->baseUrl();
        m_email = demo->email();
        m_password = demo->password();
        if (m_trusted.isEmpty())
            m_trusted = demo->certificateChain(); // --tls demos only; empty otherwise
        m_demo = std::move(demo);
        return std::nullopt;
    }

    if (!parser.isSet(m_server)) {
        printError(tr("--server URL is required (or --demo)"));
        return ExitBadArguments;
    }
    const auto url = parseServerUrl(parser.value(m_server), &error);
    if (!url) {
        printError(error);
        return ExitBadArguments;
    }
    m_baseUrl = *url;
    if (m_offerRefreshToken && parser.isSet(m_refreshTokenFile)) {
        QFile f(parser.value(m_refreshTokenFile));
        if (!f.open(QIODevice::ReadOnly)) {
            printError(tr("cannot read the refresh token file %1: %2").arg(f.fileName(), f.errorString()));
            return ExitBadArguments;
        }
        m_refreshToken = QString::fromUtf8(f.readLine(64 * 1024).trimmed());
        if (m_refreshToken.isEmpty()) {
            printError(tr("the refresh token file %1 is empty").arg(f.fileName()));
            return ExitBadArguments;
        }
        return std::nullopt;
    }
    if (!parser.isSet(m_emailOption)) {
        printError(m_offerRefreshToken ? tr("--email E is required (or --refresh-token-file FILE, or --demo)")
                                       : tr("--email E is required (or --demo)"));
        return ExitBadArguments;
    }
    m_email = parser.value(m_emailOption);
    const auto pw = readPassword(parser.value(m_passwordFile), &error);
    if (!pw) {
        printError(error);
        return ExitBadArguments;
    }
    m_password = *pw;
    return std::nullopt;
}

RestClient* LoginOptions::createRestClient(QObject* parent) const
{
    auto* rest = new RestClient(m_baseUrl, parent);
    if (!m_trusted.isEmpty())
        rest->setCaCertificates(m_trusted);
    return rest;
}

std::unique_ptr<sim::Simulator> LoginOptions::takeDemo()
{
    return std::move(m_demo);
}

} // namespace bmon::cli
