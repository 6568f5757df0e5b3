// SPDX-License-Identifier: MIT
#include "watchcommand.h"

#include "clioptions.h"
#include "exitcode.h"
#include "loginoptions.h"
#include "output.h"

#include "core/logging.h"
#include "core/redact.h"
#include "net/restclient.h"
#include "net/sessionrecorder.h"
#include "sim/simulator.h"

#include "bmon-version.h"

#include <QCommandLineParser>
#include <QCoreApplication>
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
    LoginOptions login(tr("Watch the built-in Baserow simulator, started in this process (no server, "
                          "e-mail or password needed)."),
        true);
    const QCommandLineOption subscribe(QStringLiteral("subscribe"),
        tr("Subscribe to a page: table:ID, row:TABLE:ROW, view:SLUG[:TOKEN] or "
           "dashboard:ID. Repeatable."),
        tr("PAGE"));
    const QCommandLineOption format(QStringLiteral("format"), tr("Output format: text (default) or jsonl."),
        tr("FORMAT"), QStringLiteral("text"));
    const QCommandLineOption duration(
        QStringLiteral("duration"), tr("Stop after S seconds and exit 0."), tr("S"));
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
    const QCommandLineOption record(QStringLiteral("record"),
        tr("Also record every frame and state change to FILE (appended; replay it with `replay FILE`). "
           "Tokens and passwords are never written."),
        tr("FILE"));
    parser.addOptions(login.options());
    parser.addOptions(
        {subscribe, format, duration, color, utc, pingInterval, backoffCap, officialBackoff, record});

    if (const auto code = LoginOptions::refusePasswordOption(arguments))
        return *code;
    if (const auto code = parseArguments(parser, QStringLiteral("watch"), arguments))
        return *code;

    Output::Format fmt;
    Output::Color col;
    if (!Output::parseOptions(parser.value(format), parser.value(color), &fmt, &col))
        return ExitBadArguments;

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

    if (const auto code = login.resolve(parser))
        return *code;
    m_demo = login.takeDemo();
    if (m_demo) {
        if (pages.isEmpty())
            pages << Page::table(21); // the busiest table: row events need a subscription
        printInfo(
            tr("Demo: the built-in Baserow simulator (profile %1, Baserow %2) runs at %3 with simulated "
               "collaborators editing; watching as %4.")
                .arg(sim::profileName(m_demo->profile()), m_demo->version().toString(),
                    login.baseUrl().toString(), login.email()));
    }

    m_output = std::make_unique<Output>(fmt, col, parser.isSet(utc));
    m_rest = login.createRestClient(this);

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
    if (parser.isSet(record)) {
        // Before subscribe(): the recorder sees every state and subscription change.
        m_recorder = new SessionRecorder(m_connection, &m_store, this);
        recording::Header header;
        header.appVersion = QStringLiteral(BMON_VERSION_STRING);
        header.backendUrl = redactUrl(login.baseUrl());
        header.startUs = Clock::system()->nowUs();
        header.login = login.email();
        QString error;
        if (!m_recorder->open(parser.value(record), header, &error)) {
            printError(tr("--record %1: %2").arg(parser.value(record), error));
            return ExitBadArguments;
        }
    }
    for (const Page& page : std::as_const(pages))
        m_connection->subscribe(page);

    if (seconds)
        QTimer::singleShot(qint64(*seconds * 1000), this, [this] { finish(ExitOk); });
    qCInfo(lcCli) << "watching" << redactUrl(login.baseUrl());
    if (!login.refreshToken().isEmpty())
        m_connection->startWithRefreshToken(login.refreshToken());
    else
        m_connection->start(login.email(), login.password());
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
    if (m_recorder)
        m_recorder->ignoreSubscriptionChanges(); // as printed: stop() resets them, not news
    if (m_connection) {
        onEventsAppended();
        m_connection->stop(); // close 1000
    }
    if (m_output)
        m_output->flush();
    // A moment for the close frame to leave; the loop keeps running meanwhile.
    QTimer::singleShot(m_connection ? 200 : 0, this, [this, exitCode] {
        if (m_recorder) {
            m_recorder->close(); // everything recorded is on disk before exit
            if (!m_recorder->errorString().isEmpty())
                printError(tr("--record: %1").arg(m_recorder->errorString()));
        }
        emit finished(exitCode);
    });
}

} // namespace bmon::cli
