// SPDX-License-Identifier: MIT
#include "harcommands.h"

#include "clioptions.h"
#include "exitcode.h"

#include "core/recording/har.h"
#include "core/recording/recordingreader.h"
#include "core/recording/recordingwriter.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <cstdio>
#include <optional>

namespace bmon::cli {

namespace {

QString tr(const char* text, int n = -1)
{
    return QCoreApplication::translate("bmon::cli::HarCommands", text, nullptr, n);
}

//! The two positional arguments, or an exit code (help printed, or a usage error on stderr).
std::optional<int> parsePaths(const QString& command, const QString& description, const QString& first,
    const QString& firstHelp, const QString& second, const QString& secondHelp, const QStringList& arguments,
    QString* firstPath, QString* secondPath)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(description);
    parser.addHelpOption();
    parser.addPositionalArgument(first, firstHelp);
    parser.addPositionalArgument(second, secondHelp);
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
    const QStringList paths = parser.positionalArguments();
    if (paths.size() != 2) {
        printError(tr("%1 takes two arguments: %2 %3 (try --help)").arg(command, first, second));
        return ExitBadArguments;
    }
    *firstPath = paths.at(0);
    *secondPath = paths.at(1);
    return std::nullopt;
}

} // namespace

int exportHarCommand(const QStringList& arguments)
{
    QString in, out;
    if (const auto code = parsePaths(QStringLiteral("export-har"),
            tr("Write a recording as a HAR 1.2 file whose WebSocket entries carry _webSocketMessages the "
               "way Chrome DevTools writes them (the jwt_token in URLs is REDACTED)."),
            QStringLiteral("FILE"), tr("The recording to read."), QStringLiteral("OUT.har"),
            tr("The HAR file to write (replaced if it exists)."), arguments, &in, &out))
        return *code;

    recording::RecordingReader reader;
    if (!reader.open(in)) {
        printError(reader.errorText());
        return ExitBadArguments;
    }
    QList<recording::HarSession> sessions;
    sessions.append({reader.header(), {}});
    int sessionCount = std::max(1, reader.sessionCount());
    recording::Line line;
    while (reader.next(&line)) {
        if (reader.sessionCount() > sessionCount) { // a later header: the next session
            sessionCount = reader.sessionCount();
            sessions.append({reader.header(), {}});
        }
        sessions.last().lines.append(line);
    }
    for (const QString& warning : reader.warnings())
        printError(warning);

    QSaveFile file(out);
    if (!file.open(QIODevice::WriteOnly)
        || file.write(recording::writeHar(sessions, QCoreApplication::applicationVersion())) < 0
        || !file.commit()) {
        printError(tr("cannot write %1: %2").arg(out, file.errorString()));
        return ExitOther;
    }
    qint64 frames = 0;
    for (const recording::HarSession& session : sessions) {
        for (const recording::Line& l : session.lines)
            frames += l.kind == recording::Line::Kind::Frame ? 1 : 0;
    }
    printInfo(tr("%1: %n session(s), %2 frames", int(sessions.size())).arg(out).arg(frames));
    return ExitOk;
}

int importHarCommand(const QStringList& arguments)
{
    QString in, out;
    if (const auto code = parsePaths(QStringLiteral("import-har"),
            tr("Turn the WebSocket entries of a HAR file (saved from the browser's developer tools with "
               "Baserow's web app open, or written by export-har) into a recording: one session per "
               "WebSocket entry, the page's API calls as rest lines."),
            QStringLiteral("IN.har"), tr("The HAR file to read."), QStringLiteral("FILE"),
            tr("The recording to create (must not exist)."), arguments, &in, &out))
        return *code;

    QFile har(in);
    if (!har.open(QIODevice::ReadOnly)) {
        printError(tr("cannot read %1: %2").arg(in, har.errorString()));
        return ExitBadArguments;
    }
    QString error;
    const QList<recording::HarSession> sessions = recording::readHar(har.readAll(), &error);
    if (sessions.isEmpty()) {
        printError(tr("%1: %2").arg(in, error));
        return ExitBadArguments;
    }
    if (QFileInfo::exists(out)) {
        printError(tr("%1 already exists: choose a new file name for the imported recording").arg(out));
        return ExitBadArguments;
    }

    qint64 frames = 0;
    for (recording::HarSession session : sessions) {
        if (session.header.appVersion.isEmpty()) // a browser's capture: this monitor writes it
            session.header.appVersion = QCoreApplication::applicationVersion();
        // One writer per session: each open() appends that session's header line.
        recording::RecordingWriter writer;
        if (!writer.open(out, session.header, &error)) {
            printError(error);
            return ExitOther;
        }
        for (const recording::Line& line : session.lines) {
            writer.appendLine(line);
            frames += line.kind == recording::Line::Kind::Frame ? 1 : 0;
        }
        writer.close();
        if (!writer.errorString().isEmpty()) {
            printError(writer.errorString());
            return ExitOther;
        }
    }
    printInfo(tr("%1: %n session(s), %2 frames", int(sessions.size())).arg(out).arg(frames));
    return ExitOk;
}

} // namespace bmon::cli
