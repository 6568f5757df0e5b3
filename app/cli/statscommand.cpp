// SPDX-License-Identifier: MIT
#include "statscommand.h"

#include "clioptions.h"
#include "exitcode.h"
#include "replaycommand.h"

#include "core/eventformat.h"
#include "core/eventstore.h"
#include "core/ingest.h"
#include "core/recording/recordingreader.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cstdio>
#include <limits>
#include <map>
#include <memory>

namespace bmon::cli {

namespace {

struct Count
{
    quint64 frames = 0;
    quint64 bytes = 0;
};

struct Scope
{
    quint64 frames = 0;
    quint32 workspaceId = 0; //!< tables: the workspace seen with them
    QString name;
};

struct Gap
{
    qint64 fromUs = 0;
    qint64 toUs = 0;
};

struct Stats
{
    qint64 firstUs = 0, lastUs = 0;
    quint64 frames = 0, received = 0, sent = 0, frameBytes = 0, malformed = 0;
    std::map<QString, Count> types;
    std::map<QString, quint64> metas;
    std::map<quint32, Scope> workspaces;
    std::map<quint32, Scope> tables;
    quint64 reconnects = 0;
    QList<QJsonObject> closes;
    QList<Gap> gaps;
};

QString isoTime(qint64 us)
{
    QByteArray out;
    EventFormat::appendIsoTime(out, us);
    return QString::fromLatin1(out);
}

//! Names from frames that carry them: table_created/updated, workspace (group) created/updated.
void learnNames(Stats& stats, const EventRecord& rec, QByteArrayView payload)
{
    const QString type = EventFormat::typeName(rec);
    if (!type.endsWith(QLatin1String("_created")) && !type.endsWith(QLatin1String("_updated")))
        return;
    const bool table = type.startsWith(QLatin1String("table_"));
    if (!table && !type.startsWith(QLatin1String("workspace_")) && !type.startsWith(QLatin1String("group_")))
        return;
    const QJsonObject message = QJsonDocument::fromJson(payload.toByteArray()).object();
    for (const char* key : {"table", "workspace", "group"}) {
        const QJsonObject o = message.value(QLatin1String(key)).toObject();
        const qint64 id = o.value(QLatin1String("id")).toInteger();
        const QString name = o.value(QLatin1String("name")).toString();
        if (id <= 0 || id > std::numeric_limits<quint32>::max() || name.isEmpty())
            continue;
        (qstrcmp(key, "table") == 0 ? stats.tables : stats.workspaces)[quint32(id)].name = name;
    }
}

double rate(quint64 count, double spanS)
{
    return spanS > 0 ? double(count) / spanS : double(count);
}

QString scopeName(quint32 id, const Scope& scope)
{
    return scope.name.isEmpty() ? QString::number(id) : QStringLiteral("%1 (%2)").arg(id).arg(scope.name);
}

} // namespace

StatsCommand::StatsCommand(QObject* parent) : QObject(parent)
{ }

int StatsCommand::start(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("Summarise a recording: frames and rates per type, workspace and table, reconnects, gaps, "
           "time span and size."));
    const QCommandLineOption format(QStringLiteral("format"), tr("Output format: text (default) or json."),
        tr("FORMAT"), QStringLiteral("text"));
    const QCommandLineOption gapOption(QStringLiteral("gap"),
        tr("Report silences between received frames longer than S seconds. Default 10."), tr("S"),
        QStringLiteral("10"));
    parser.addOptions({format, gapOption});
    QString file;
    if (const auto code = parseFileArguments(parser, QStringLiteral("stats"), arguments, &file))
        return *code;
    const bool json = parser.value(format) == QLatin1String("json");
    if (!json && parser.value(format) != QLatin1String("text")) {
        printError(tr("--format must be text or json"));
        return ExitBadArguments;
    }
    const auto gapS = parseSeconds(parser.value(gapOption));
    if (!gapS || *gapS <= 0) {
        printError(tr("--gap must be a positive number of seconds"));
        return ExitBadArguments;
    }
    const qint64 gapUs = qint64(*gapS * 1e6);

    recording::RecordingReader reader;
    if (const auto code = openRecording(reader, file))
        return *code;

    // Frames go through Ingest, as live, for the same types and scopes watch shows.
    EventStore store;
    std::unique_ptr<Ingest> ingest;
    Stats stats;
    int session = 0;
    quint16 firstGeneration = 0, lastGeneration = 0;
    qint64 lastReceivedUs = -1;
    bool any = false;
    recording::Line line;
    while (reader.next(&line)) {
        if (reader.sessionCount() != session) {
            session = reader.sessionCount();
            ingest = std::make_unique<Ingest>(store);
            stats.reconnects += lastGeneration > firstGeneration ? lastGeneration - firstGeneration : 0;
            firstGeneration = lastGeneration = 0;
            lastReceivedUs = -1;
        }
        if (!any) {
            stats.firstUs = stats.lastUs = line.timeUs;
            any = true;
        }
        stats.firstUs = qMin(stats.firstUs, line.timeUs);
        stats.lastUs = qMax(stats.lastUs, line.timeUs);
        if (line.kind == recording::Line::Kind::Meta) {
            ++stats.metas[line.metaType];
            if (line.metaType == QLatin1String("close")) {
                QJsonObject close = line.meta;
                close.insert(QStringLiteral("time"), isoTime(line.timeUs));
                close.insert(QStringLiteral("generation"), line.generation);
                stats.closes << close;
            }
            continue;
        }
        ingest->setGeneration(line.generation);
        const quint64 index = line.binary ? ingest->ingestBinary(line.frame, line.direction, line.timeUs)
                                          : ingest->ingestUtf8(line.frame, line.direction, line.timeUs);
        const EventRecord& rec = store.at(index);
        ++stats.frames;
        stats.frameBytes += quint64(line.frame.size());
        (line.direction == Direction::Sent ? stats.sent : stats.received) += 1;
        stats.malformed += rec.isError() ? 1 : 0;
        Count& type = stats.types[EventFormat::typeName(rec)];
        ++type.frames;
        type.bytes += quint64(line.frame.size());
        if (rec.workspaceId)
            ++stats.workspaces[rec.workspaceId].frames;
        if (rec.tableId) {
            Scope& table = stats.tables[rec.tableId];
            ++table.frames;
            if (rec.workspaceId)
                table.workspaceId = rec.workspaceId;
        }
        learnNames(stats, rec, store.payload(rec));
        if (line.generation) {
            if (!firstGeneration || line.generation < firstGeneration)
                firstGeneration = line.generation;
            lastGeneration = qMax(lastGeneration, line.generation);
        }
        if (line.direction == Direction::Received) {
            if (lastReceivedUs >= 0 && line.timeUs - lastReceivedUs > gapUs)
                stats.gaps << Gap {lastReceivedUs, line.timeUs};
            lastReceivedUs = line.timeUs;
        }
    }
    stats.reconnects += lastGeneration > firstGeneration ? lastGeneration - firstGeneration : 0;
    const double spanS = double(stats.lastUs - stats.firstUs) / 1e6;
    const QStringList warnings = reader.warnings();

    // Busiest first.
    std::vector<std::pair<QString, Count>> types(stats.types.begin(), stats.types.end());
    std::stable_sort(types.begin(), types.end(),
        [](const auto& a, const auto& b) { return a.second.frames > b.second.frames; });
    const auto byFrames = [](const std::map<quint32, Scope>& scopes) {
        std::vector<std::pair<quint32, Scope>> list;
        for (const auto& [id, scope] : scopes) {
            if (scope.frames)
                list.emplace_back(id, scope);
        }
        std::stable_sort(list.begin(), list.end(),
            [](const auto& a, const auto& b) { return a.second.frames > b.second.frames; });
        return list;
    };
    const auto workspaces = byFrames(stats.workspaces);
    const auto tables = byFrames(stats.tables);

    QByteArray out;
    if (json) {
        QJsonObject o;
        o.insert(QStringLiteral("file"), file);
        o.insert(QStringLiteral("bytes"), reader.fileSize());
        o.insert(QStringLiteral("sessions"), reader.sessionCount());
        o.insert(QStringLiteral("start"), any ? isoTime(stats.firstUs) : QString());
        o.insert(QStringLiteral("end"), any ? isoTime(stats.lastUs) : QString());
        o.insert(QStringLiteral("span_s"), spanS);
        o.insert(QStringLiteral("frames"), qint64(stats.frames));
        o.insert(QStringLiteral("received"), qint64(stats.received));
        o.insert(QStringLiteral("sent"), qint64(stats.sent));
        o.insert(QStringLiteral("malformed"), qint64(stats.malformed));
        o.insert(QStringLiteral("frame_bytes"), qint64(stats.frameBytes));
        o.insert(QStringLiteral("rate"), rate(stats.frames, spanS));
        QJsonObject metas;
        for (const auto& [type, count] : stats.metas)
            metas.insert(type, qint64(count));
        o.insert(QStringLiteral("metas"), metas);
        o.insert(QStringLiteral("reconnects"), qint64(stats.reconnects));
        QJsonArray closes;
        for (const QJsonObject& c : std::as_const(stats.closes))
            closes << c;
        o.insert(QStringLiteral("closes"), closes);
        o.insert(QStringLiteral("gap_threshold_s"), *gapS);
        QJsonArray gaps;
        for (const Gap& g : std::as_const(stats.gaps)) {
            gaps << QJsonObject {{QStringLiteral("start"), isoTime(g.fromUs)},
                {QStringLiteral("end"), isoTime(g.toUs)},
                {QStringLiteral("seconds"), double(g.toUs - g.fromUs) / 1e6}};
        }
        o.insert(QStringLiteral("gaps"), gaps);
        QJsonArray typeList;
        for (const auto& [type, count] : types) {
            typeList << QJsonObject {{QStringLiteral("type"), type},
                {QStringLiteral("count"), qint64(count.frames)},
                {QStringLiteral("rate"), rate(count.frames, spanS)},
                {QStringLiteral("bytes"), qint64(count.bytes)}};
        }
        o.insert(QStringLiteral("types"), typeList);
        const auto scopeList = [&](const std::vector<std::pair<quint32, Scope>>& list, bool table) {
            QJsonArray a;
            for (const auto& [id, scope] : list) {
                QJsonObject s {{QStringLiteral("id"), qint64(id)},
                    {QStringLiteral("count"), qint64(scope.frames)},
                    {QStringLiteral("rate"), rate(scope.frames, spanS)}};
                if (!scope.name.isEmpty())
                    s.insert(QStringLiteral("name"), scope.name);
                if (table && scope.workspaceId)
                    s.insert(QStringLiteral("workspace_id"), qint64(scope.workspaceId));
                a << s;
            }
            return a;
        };
        o.insert(QStringLiteral("workspaces"), scopeList(workspaces, false));
        o.insert(QStringLiteral("tables"), scopeList(tables, true));
        o.insert(QStringLiteral("warnings"), QJsonArray::fromStringList(warnings));
        out = QJsonDocument(o).toJson(QJsonDocument::Indented);
    } else {
        QString t;
        t += tr("File:        %1 (%2 bytes, %3 session(s))\n")
                 .arg(file)
                 .arg(reader.fileSize())
                 .arg(reader.sessionCount());
        if (any) {
            t += tr("Span:        %1 to %2 (%3 s)\n")
                     .arg(isoTime(stats.firstUs), isoTime(stats.lastUs))
                     .arg(spanS, 0, 'f', 1);
        }
        t += tr("Frames:      %1 (%2 received, %3 sent, %4 malformed), %5 bytes, %6/s\n")
                 .arg(stats.frames)
                 .arg(stats.received)
                 .arg(stats.sent)
                 .arg(stats.malformed)
                 .arg(stats.frameBytes)
                 .arg(rate(stats.frames, spanS), 0, 'f', 1);
        QStringList metas;
        for (const auto& [type, count] : stats.metas)
            metas << QStringLiteral("%1 %2").arg(type).arg(count);
        t += tr("Meta lines:  %1\n").arg(metas.isEmpty() ? tr("none") : metas.join(QStringLiteral(", ")));
        t += tr("Reconnects:  %1\n").arg(stats.reconnects);
        for (const QJsonObject& c : std::as_const(stats.closes)) {
            t += tr("  close %1 at %2 (generation %3, by %4)%5\n")
                     .arg(c.value(QLatin1String("code")).toInt())
                     .arg(c.value(QLatin1String("time")).toString())
                     .arg(c.value(QLatin1String("generation")).toInt())
                     .arg(c.value(QLatin1String("by")).toString(),
                         c.value(QLatin1String("reason")).toString().isEmpty()
                             ? QString()
                             : QStringLiteral(": ") + c.value(QLatin1String("reason")).toString());
        }
        t += tr("Gaps > %1 s: %2\n").arg(*gapS).arg(stats.gaps.size());
        for (const Gap& g : std::as_const(stats.gaps)) {
            t += tr("  %1 to %2 (%3 s)\n")
                     .arg(isoTime(g.fromUs), isoTime(g.toUs))
                     .arg(double(g.toUs - g.fromUs) / 1e6, 0, 'f', 1);
        }
        t += tr("By type:\n");
        for (const auto& [type, count] : types) {
            t += QStringLiteral("  %1 %2 %3/s %4 B\n")
                     .arg(type, -28)
                     .arg(count.frames, 9)
                     .arg(rate(count.frames, spanS), 9, 'f', 2)
                     .arg(count.bytes, 11);
        }
        const auto scopeLines
            = [&](const QString& title, const std::vector<std::pair<quint32, Scope>>& list) {
                  t += title;
                  for (const auto& [id, scope] : list) {
                      t += QStringLiteral("  %1 %2 %3/s\n")
                               .arg(scopeName(id, scope), -28)
                               .arg(scope.frames, 9)
                               .arg(rate(scope.frames, spanS), 9, 'f', 2);
                  }
              };
        scopeLines(tr("By workspace:\n"), workspaces);
        scopeLines(tr("By table:\n"), tables);
        out = t.toUtf8();
    }
    std::fwrite(out.constData(), 1, size_t(out.size()), stdout);
    std::fflush(stdout);
    for (const QString& w : warnings)
        printError(w);
    return ExitOk;
}

} // namespace bmon::cli
