// SPDX-License-Identifier: MIT
#include "replaycommand.h"

#include "clioptions.h"
#include "exitcode.h"
#include "output.h"

#include "net/page.h"

#include <QCoreApplication>
#include <QJsonObject>

#include <cmath>
#include <cstdio>

namespace bmon::cli {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("bmon::cli", text);
}

//! Lines played per event-loop pass at full speed: SIGINT and a closed pipe stay responsive.
constexpr int LinesPerPass = 20000;

SubscriptionState subscriptionState(const QString& name)
{
    for (const auto state : {SubscriptionState::Pending, SubscriptionState::Active,
             SubscriptionState::Rejected, SubscriptionState::Discarded, SubscriptionState::Unsubscribed}) {
        if (subscriptionStateName(state) == name)
            return state;
    }
    return SubscriptionState::Pending;
}

} // namespace

std::optional<int> parseFileArguments(
    QCommandLineParser& parser, const QString& command, const QStringList& arguments, QString* file)
{
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("FILE"), tr("The recording (written by watch --record)."));
    QStringList args = arguments;
    args.prepend(QCoreApplication::applicationName() + QLatin1Char(' ') + command);
    if (!parser.parse(args)) {
        printError(parser.errorText());
        return ExitBadArguments;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        return ExitOk;
    }
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1) {
        printError(positional.isEmpty() ? tr("%1 needs a recording FILE (try --help)").arg(command)
                                        : tr("unexpected argument: %1").arg(positional.at(1)));
        return ExitBadArguments;
    }
    *file = positional.constFirst();
    return std::nullopt;
}

std::optional<int> openRecording(recording::RecordingReader& reader, const QString& path)
{
    if (reader.open(path) && reader.error() == recording::RecordingReader::Error::None)
        return std::nullopt;
    QString text = reader.errorText();
    if (text.isEmpty())
        text = tr("cannot read the recording %1").arg(path);
    printError(text);
    return ExitBadArguments;
}

ReplayCommand::ReplayCommand(QObject* parent) : QObject(parent)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &ReplayCommand::pump);
}

ReplayCommand::~ReplayCommand() = default;

int ReplayCommand::start(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("Replay a recording: print what `watch` printed for it, frame by frame, with the recorded "
           "times, then exit 0 at the end of the file."));
    const QCommandLineOption speed(QStringLiteral("speed"),
        tr("Replay speed: 1 = real time, 10 = ten times faster; 0 or absent = as fast as possible."), tr("X"),
        QStringLiteral("0"));
    const QCommandLineOption format(QStringLiteral("format"), tr("Output format: text (default) or jsonl."),
        tr("FORMAT"), QStringLiteral("text"));
    const QCommandLineOption color(QStringLiteral("color"),
        tr("Colour text output: auto (default), always, never."), tr("WHEN"), QStringLiteral("auto"));
    const QCommandLineOption utc(QStringLiteral("utc"), tr("Show times in UTC instead of local time."));
    parser.addOptions({speed, format, color, utc});
    QString file;
    if (const auto code = parseFileArguments(parser, QStringLiteral("replay"), arguments, &file))
        return *code;

    Output::Format fmt;
    Output::Color col;
    if (!Output::parseOptions(parser.value(format), parser.value(color), &fmt, &col))
        return ExitBadArguments;
    bool ok = false;
    m_speed = parser.value(speed).toDouble(&ok);
    if (!ok || m_speed < 0 || !std::isfinite(m_speed)) {
        printError(tr("--speed must be a non-negative number (1 = real time, 0 = full speed)"));
        return ExitBadArguments;
    }

    if (const auto code = openRecording(m_reader, file))
        return *code;
    m_output = std::make_unique<Output>(fmt, col, parser.isSet(utc));
    QTimer::singleShot(0, this, &ReplayCommand::pump);
    return -1;
}

void ReplayCommand::requestStop()
{
    finish(ExitOk);
}

bool ReplayCommand::fetch()
{
    if (m_pending)
        return true;
    recording::Line line;
    if (!m_reader.next(&line))
        return false;
    m_pending = std::move(line);
    return true;
}

void ReplayCommand::pump()
{
    if (m_finishing)
        return;
    int played = 0;
    while (fetch()) {
        if (m_reader.sessionCount() != m_session) {
            // A new session (`--record` appended to the file): numbered from 1 again, as its
            // watch printed it, and played right after the previous one.
            m_session = m_reader.sessionCount();
            m_ingest = std::make_unique<Ingest>(m_store);
            m_baseUs = -1;
        }
        if (m_speed > 0) {
            if (m_baseUs < 0) {
                m_baseUs = m_pending->timeUs;
                m_clock.start();
            }
            const qint64 dueMs = qint64(double(m_pending->timeUs - m_baseUs) / 1000.0 / m_speed);
            const qint64 waitMs = dueMs - m_clock.elapsed();
            if (waitMs > 0) {
                m_output->flush();
                printWarnings();
                m_timer.start(int(qMin<qint64>(waitMs, 24 * 3600 * 1000)));
                return;
            }
        } else if (played >= LinesPerPass) {
            break;
        }
        play(*m_pending);
        m_pending.reset();
        ++played;
    }
    const bool more = m_pending.has_value();
    if (!m_output->flush()) {
        finish(ExitOk); // stdout closed (`| head`)
        return;
    }
    printWarnings();
    if (more)
        m_timer.start(0);
    else
        finish(ExitOk);
}

void ReplayCommand::play(const recording::Line& line)
{
    if (line.kind == recording::Line::Kind::Frame) {
        m_ingest->setGeneration(line.generation);
        const quint64 index = line.binary ? m_ingest->ingestBinary(line.frame, line.direction, line.timeUs)
                                          : m_ingest->ingestUtf8(line.frame, line.direction, line.timeUs);
        m_output->frame(m_store, index);
        return;
    }
    const auto text = [&line](const char* key) { return line.meta.value(QLatin1String(key)).toString(); };
    m_output->setLineTime(line.timeUs);
    if (line.metaType == QLatin1String("state")) {
        m_output->state(text("state"), text("reason"), line.generation);
    } else if (line.metaType == QLatin1String("subscription")) {
        Subscription sub;
        sub.page.name = text("page");
        sub.page.parameters = line.meta.value(QLatin1String("parameters")).toObject();
        sub.state = subscriptionState(text("state"));
        sub.reason = text("reason");
        m_output->subscription(sub);
    } else if (line.metaType == QLatin1String("notice")) {
        m_output->notice(text("message"));
    } else if (line.metaType == QLatin1String("failure")) {
        m_output->failure(text("failure"), text("message"));
    }
    // close, rest, snapshot, finding, …: watch prints no line of their own.
    m_output->setLineTime(0);
}

void ReplayCommand::printWarnings()
{
    const QStringList warnings = m_reader.warnings();
    for (; m_warningsShown < warnings.size(); ++m_warningsShown)
        printError(warnings.at(m_warningsShown));
}

void ReplayCommand::finish(int exitCode)
{
    if (m_finishing)
        return;
    m_finishing = true;
    m_timer.stop();
    if (m_output)
        m_output->flush();
    printWarnings();
    QTimer::singleShot(0, this, [this, exitCode] { emit finished(exitCode); });
}

} // namespace bmon::cli
