// SPDX-License-Identifier: MIT
#pragma once

#include <QCommandLineOption>
#include <QCoreApplication>
#include <QList>
#include <QSslCertificate>
#include <QString>
#include <QUrl>

#include <memory>
#include <optional>

class QCommandLineParser;
class QObject;

namespace bmon {
class RestClient;
namespace sim {
class Simulator;
}
} // namespace bmon

namespace bmon::cli {

/*!
 * The server and login options the client commands share (ARCHITECTURE.md, "Command-line
 * contract"): --server, --email, --password-file (or BASEROW_PASSWORD; never an option value),
 * optionally --refresh-token-file, --ca-cert, and --demo with --demo-profile and --demo-rate
 * (the built-in simulator, started in this process).
 */
class LoginOptions
{
    Q_DECLARE_TR_FUNCTIONS(LoginOptions)
public:
    //! \a demoHelp describes --demo for the command; \a refreshTokenFile offers --refresh-token-file.
    LoginOptions(const QString& demoHelp, bool refreshTokenFile);
    ~LoginOptions();

    QList<QCommandLineOption> options() const;
    //! Exit code 2 (said on stderr) when \a arguments carry --password: a password on the command
    //! line is visible to every user of the machine (ps, history).
    static std::optional<int> refusePasswordOption(const QStringList& arguments);
    //! After parsing: reads the credentials or starts the demo. An exit code (said on stderr) when
    //! the command must not run.
    std::optional<int> resolve(const QCommandLineParser& parser);
    //! A REST client for the server, trusting --ca-cert or the demo's certificate.
    RestClient* createRestClient(QObject* parent) const;

    //! The running demo simulator (the caller keeps it alive), nullptr without --demo.
    std::unique_ptr<sim::Simulator> takeDemo();
    QUrl baseUrl() const { return m_baseUrl; }
    QString email() const { return m_email; }
    QString password() const { return m_password; }
    QString refreshToken() const { return m_refreshToken; } //!< empty unless --refresh-token-file

private:
    QCommandLineOption m_server;
    QCommandLineOption m_emailOption;
    QCommandLineOption m_passwordFile;
    QCommandLineOption m_refreshTokenFile;
    QCommandLineOption m_caCert;
    QCommandLineOption m_demoOption;
    QCommandLineOption m_demoProfile;
    QCommandLineOption m_demoRate;
    bool m_offerRefreshToken = false;

    std::unique_ptr<sim::Simulator> m_demo;
    QUrl m_baseUrl;
    QString m_email;
    QString m_password;
    QString m_refreshToken;
    QList<QSslCertificate> m_trusted;
};

} // namespace bmon::cli
