// SPDX-License-Identifier: MIT
#include "watchcommand.h"

#include "clioptions.h"
#include "exitcode.h"
#include "output.h"

#include "core/logging.h"
#include "core/redact.h"
#include "net/restclient.h"
#include "sim/simulator.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QTimer>

#include <cstdio>
#include <unistd.h>

namespace bmon::cli {

WatchCommand::WatchCommand(QObject* parent) : QObject(parent)
{ }

WatchCommand::~WatchCommand() = default;

int WatchCommand::exitCodeFor(Connection::Failure failure)
{
    switch (failure) {
    case Connection::Failure::None:
        return ExitOk;
    case Connection::Failure::AuthRefused:
        return ExitAuthRefused;
    case Connection::Failure::Unreachable:
    case Connection::Failure::ConnectionLost:
        return ExitUnreachable;
    case Connection::Failure::Tls:
        return ExitTls;
    case Connection::Failure::NotBaserow:
    case Connection::Failure::Unsupported:
        return ExitNotBaserow;
    case Connection::Failure::Other:
        break;
    }
    return ExitOther;
}

int WatchCommand::start(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(tr(
        "Follow a Baserow server's realtime events: log in, keep the WebSocket (reconnecting and refreshing "
        "tokens as needed) and print every frame received, control messages included, and every state "
        "change."));
    const QCommandLineOption server(QStringLiteral("server"),
        tr("The backend's HTTP(S) base URL, e.g. https://api.baserow.io."), tr("URL"));
    const QCommandLineOption email(QStringLiteral("email"), tr("Account e-mail."), tr("E"));
    const QCommandLineOption passwordFile(QStringLiteral("password-file"),
        tr("Read the password from the first line of FILE (or set BASEROW_PASSWORD)."), tr("FILE"));
    const QCommandLineOption refreshTokenFile(QStringLiteral("refresh-token-file"),
        tr("Log in with the refresh token in FILE instead of a password (SSO accounts, Baserow 1.13+)."),
        tr("FILE"));
    const QCommandLineOption subscribe(QStringLiteral("subscribe"),
        tr("Subscribe to a page: table:ID, row:TABLE:ROW, view:SLUG[:TOKEN] or "
           "dashboard:ID. Repeatable."),
        tr("PAGE"));
    const QCommandLineOption format(QStringLiteral("format"), tr("Output format: text (default) or jsonl."),
        tr("FORMAT"), QStringLiteral("text"));
    const QCommandLineOption duration(
        QStringLiteral("duration"), tr("Stop after S seconds and exit 0."), tr("S"));
    const QCommandLineOption caCert(
        QStringLiteral("ca-cert"), tr("Also trust the PEM certificate(s) in FILE."), tr("FILE"));
    const QCommandLineOption color(QStringLiteral("color"),
        tr("Colour text output: auto (default), always, never."), tr("WHEN"), QStringLiteral("auto"));
    const QCommandLineOption utc(QStringLiteral("utc"), tr("Show times in UTC instead of local time."));
    const QCommandLineOption pingInterval(QStringLiteral("ping-interval"),
        tr("WebSocket ping interval in seconds (0 = off); a missing pong after "
           "as long again means a dead connection. Default 10."),
        tr("S"), QStringLiteral("10"));
    const QCommandLineOption backoffCap(QStringLiteral("backoff-cap"),
        tr("Longest wait between reconnect attempts, in seconds. Default 5."), tr("S"), QStringLiteral("5"));
    const QCommandLineOption officialBackoff(QStringLiteral("official-reconnect"),
        tr("Reconnect like Baserow's web app (at once, then every 5 s, giving up after 10 attempts) instead "
           "of "
           "retrying forever."));
    const QCommandLineOption demo(QStringLiteral("demo"),
        tr("Watch the built-in Baserow simulator, started in this process (no server, "
           "e-mail or password needed)."));
    const QCommandLineOption demoProfile(QStringLiteral("demo-profile"),
        tr("Baserow version the demo simulates: 1.12, 1.15 or 1.35 (default)."), tr("P"),
        QStringLiteral("1.35"));
    const QCommandLineOption demoRate(
        QStringLiteral("demo-rate"), tr("Demo events per second (default 8)."), tr("N"), QStringLiteral("8"));
    parser.addOptions({server, email, passwordFile, refreshTokenFile, subscribe, format, duration, caCert,
        color, utc, pingInterval, backoffCap, officialBackoff, demo, demoProfile, demoRate});

    // A password on the command line is visible to every user of the machine (ps, history).
    for (const QString& a : std::as_const(arguments)) {
        if (a == QLatin1String("--password") || a.startsWith(QLatin1String("--password="))) {
            printError(
                tr("refusing --password: a password on the command line is visible to other users; use "
                   "--password-file FILE or the BASEROW_PASSWORD environment variable"));
            return ExitBadArguments;
        }
    }
    if (const auto code = parseArguments(parser, QStringLiteral("watch"), arguments))
        return *code;

    Output::Format fmt;
    if (parser.value(format) == QLatin1String("text")) {
        fmt = Output::Format::Text;
    } else if (parser.value(format) == QLatin1String("jsonl")) {
        fmt = Output::Format::Jsonl;
    } else {
        printError(tr("--format must be text or jsonl"));
        return ExitBadArguments;
    }
    Output::Color col = Output::Color::Auto;
    if (parser.value(color) == QLatin1String("always"))
        col = Output::Color::Always;
    else if (parser.value(color) == QLatin1String("never"))
        col = Output::Color::Never;
    else if (parser.value(color) != QLatin1String("auto")) {
        printError(tr("--color must be auto, always or never"));
        return ExitBadArguments;
    }

    std::optional<double> seconds;
    if (parser.isSet(duration)) {
        seconds = parseSeconds(parser.value(duration));
        if (!seconds) {
            printError(tr("--duration must be a number of seconds"));
            return ExitBadArguments;
        }
    }
    const auto ping = parseSeconds(parser.value(pingInterval));
    const auto cap = parseSeconds(parser.value(backoffCap));
    if (!ping || !cap || *cap < 0.05) {
        printError(tr("--ping-interval and --backoff-cap take a number of seconds"));
        return ExitBadArguments;
    }

    QList<Page> pages;
    for (const QString& spec : parser.values(subscribe)) {
        QString error;
        const auto page = Page::parse(spec, &error);
        if (!page) {
            printError(tr("--subscribe %1: %2").arg(spec, error));
            return ExitBadArguments;
        }
        pages << *page;
    }

    QUrl baseUrl;
    QString user, password, refreshToken;
    QList<QSslCertificate> trusted;
    if (parser.isSet(caCert)) {
        QString error;
        const auto certs = loadCertificates(parser.value(caCert), &error);
        if (!certs) {
            printError(error);
            return ExitBadArguments;
        }
        trusted = *certs;
    }

    if (parser.isSet(demo)) {
        const auto profile = sim::parseProfile(parser.value(demoProfile));
        const auto rate = parseSeconds(parser.value(demoRate));
        if (!profile || !rate) {
            printError(tr("--demo-profile must be 1.12, 1.15 or 1.35 and --demo-rate a number"));
            return ExitBadArguments;
        }
        sim::SimulatorOptions options;
        options.profile = *profile;
        options.rate = *rate;
        m_demo = std::make_unique<sim::Simulator>(options);
        QString error;
        if (!m_demo->start(&error)) {
            printError(tr("cannot start the built-in simulator: %1").arg(error));
            return ExitOther;
        }
        baseUrl = m_demo->baseUrl();
        user = m_demo->email();
        password = m_demo->password();
        if (pages.isEmpty())
            pages << Page::table(21); // the busiest table: row events need a subscription
        printInfo(
            tr("Demo: the built-in Baserow simulator (profile %1, Baserow %2) runs at %3 with simulated "
               "collaborators editing; watching as %4.")
                .arg(sim::profileName(*profile), m_demo->version().toString(), baseUrl.toString(), user));
    } else {
        if (!parser.isSet(server)) {
            printError(tr("--server URL is required (or --demo)"));
            return ExitBadArguments;
        }
        QString error;
        const auto url = parseServerUrl(parser.value(server), &error);
        if (!url) {
            printError(error);
            return ExitBadArguments;
        }
        baseUrl = *url;
        if (parser.isSet(refreshTokenFile)) {
            QFile f(parser.value(refreshTokenFile));
            if (!f.open(QIODevice::ReadOnly)) {
                printError(
                    tr("cannot read the refresh token file %1: %2").arg(f.fileName(), f.errorString()));
                return ExitBadArguments;
            }
            refreshToken = QString::fromUtf8(f.readLine(64 * 1024).trimmed());
            if (refreshToken.isEmpty()) {
                printError(tr("the refresh token file %1 is empty").arg(f.fileName()));
                return ExitBadArguments;
            }
        } else {
            if (!parser.isSet(email)) {
                printError(tr("--email E is required (or --refresh-token-file FILE, or --demo)"));
                return ExitBadArguments;
            }
            user = parser.value(email);
            const auto pw = readPassword(parser.value(passwordFile), &error);
            if (!pw) {
                printError(error);
                return ExitBadArguments;
            }
            password = *pw;
        }
    }

    m_output = std::make_unique<Output>(fmt, col, parser.isSet(utc));
    m_rest = new RestClient(baseUrl, this);
    if (!trusted.isEmpty())
        m_rest->setCaCertificates(trusted);
    else if (m_demo)
        m_rest->setCaCertificates(m_demo->certificateChain());

    Connection::Options options;
    if (parser.isSet(officialBackoff))
        options.backoff = BackoffPolicy::officialClient();
    else
        options.backoff.capMs = qint64(*cap * 1000);
    options.pingIntervalMs = qint64(*ping * 1000);
    options.pingTimeoutMs = qMax<qint64>(options.pingIntervalMs, 1000);
    m_connection = new Connection(m_rest, &m_store, options, nullptr, this);
    connect(m_connection, &Connection::eventsAppended, this, &WatchCommand::onEventsAppended);
    connect(m_connection, &Connection::stateChanged, this, &WatchCommand::onStateChanged);
    connect(m_connection, &Connection::failed, this, &WatchCommand::onFailed);
    connect(m_connection, &Connection::subscriptionChanged, this, [this](const Subscription& sub) {
        if (m_finishing)
            return; // our own stop() resets them: not news
        onEventsAppended(); // frames before the change print first
        m_output->subscription(sub);
        m_output->flush();
    });
    connect(m_connection, &Connection::notice, this, [this](const QString& text) {
        m_output->notice(text);
        m_output->flush();
    });
    for (const Page& page : std::as_const(pages))
        m_connection->subscribe(page);

    if (seconds)
        QTimer::singleShot(qint64(*seconds * 1000), this, [this] { finish(ExitOk); });
    qCInfo(lcCli) << "watching" << redactUrl(baseUrl);
    if (!refreshToken.isEmpty())
        m_connection->startWithRefreshToken(refreshToken);
    else
        m_connection->start(user, password);
    return -1;
}

void WatchCommand::requestStop()
{
    finish(ExitOk);
}

void WatchCommand::onEventsAppended()
{
    if (!m_output)
        return;
    const quint64 count = m_store.count();
    for (; m_printed < count; ++m_printed)
        m_output->frame(m_store, m_printed);
    if (!m_output->flush() && !m_finishing)
        finish(ExitOk); // stdout closed (`| head`): nobody is listening any more
}

void WatchCommand::onStateChanged(Connection::State state, const QString& reason)
{
    onEventsAppended();
    m_output->state(Connection::stateName(state), reason, m_connection->generation());
    m_output->flush();
}

void WatchCommand::onFailed(Connection::Failure failure, const QString& message)
{
    onEventsAppended();
    m_output->failure(Connection::failureName(failure), message);
    m_output->flush();
    if (m_output->format() == Output::Format::Jsonl || !isatty(STDOUT_FILENO))
        printError(message); // the human message always reaches stderr
    finish(exitCodeFor(failure));
}

void WatchCommand::finish(int exitCode)
{
    if (m_finishing)
        return;
    m_finishing = true;
    if (m_connection) {
        onEventsAppended();
        m_connection->stop(); // close 1000
    }
    if (m_output)
        m_output->flush();
    // A moment for the close frame to leave; the loop keeps running meanwhile.
    QTimer::singleShot(m_connection ? 200 : 0, this, [this, exitCode] { emit finished(exitCode); });
}

} // namespace bmon::cli
