// SPDX-License-Identifier: MIT
#include "comparecommand.h"

#include "clioptions.h"
#include "exitcode.h"
#include "loginoptions.h"
#include "watchcommand.h"

#include "core/logging.h"
#include "core/redact.h"
#include "net/restclient.h"
#include "sim/simulator.h"

#include <QCommandLineParser>
#include <QDateTime>
#include <QJsonDocument>
#include <QSaveFile>
#include <QTimer>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace bmon::cli {

namespace {

QString valueText(const std::optional<QJsonValue>& v)
{
    if (!v)
        return CompareCommand::tr("(absent)");
    if (v->isString())
        return u'"' + v->toString() + u'"';
    if (v->isObject())
        return QString::fromUtf8(QJsonDocument(v->toObject()).toJson(QJsonDocument::Compact));
    if (v->isArray())
        return QString::fromUtf8(QJsonDocument(v->toArray()).toJson(QJsonDocument::Compact));
    if (v->isNull() || v->isUndefined())
        return u"null"_s;
    if (v->isBool())
        return v->toBool() ? u"true"_s : u"false"_s;
    return QString::number(v->toDouble(), 'g', 17);
}

void writeStdout(const QByteArray& line)
{
    std::fwrite(line.constData(), 1, size_t(line.size()), stdout);
    std::fflush(stdout);
}

} // namespace

CompareCommand::CompareCommand(QObject* parent) : QObject(parent)
{ }

CompareCommand::~CompareCommand()
{
    delete m_comparer; // before the connection it reads
    m_comparer = nullptr;
}

int CompareCommand::start(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("Compare one table's realtime events with the server's rows: subscribe to the table, fetch its "
           "fields and rows, apply every event, re-fetch what looks wrong after a settle window and "
           "re-snapshot on a schedule and after reconnects. Confirmed divergences are printed as they are "
           "found; exit 0 in sync, 3 with divergences (docs/compare-report.md)."));
    LoginOptions login(tr("Compare a table of the built-in Baserow simulator, started in this process "
                          "(default table 21; no server, e-mail or password needed)."),
        false);
    const QCommandLineOption table(QStringLiteral("table"), tr("The id of the table to compare."), tr("ID"));
    const QCommandLineOption duration(QStringLiteral("duration"),
        tr("Stop after S seconds (then let pending suspicions settle) and exit 0 or 3."), tr("S"));
    const QCommandLineOption resnapshotEvery(QStringLiteral("resnapshot-every"),
        tr("Fetch all rows again every S seconds and diff them with the expected state (0 = only after "
           "reconnects and schema changes; default 0)."),
        tr("S"), QStringLiteral("0"));
    const QCommandLineOption report(QStringLiteral("report"),
        tr("Write the JSON report to FILE when the run ends in sync or with divergences."), tr("FILE"));
    const QCommandLineOption settle(QStringLiteral("settle"),
        tr("Seconds to wait before re-fetching a suspicious row to confirm it (default 1.5)."), tr("S"),
        QStringLiteral("1.5"));
    const QCommandLineOption minGap(QStringLiteral("min-snapshot-gap"),
        tr("At least S seconds between two snapshots of the table (default 5)."), tr("S"),
        QStringLiteral("5"));
    const QCommandLineOption format(QStringLiteral("format"),
        tr("Findings on stdout as text (default) or jsonl."), tr("FORMAT"), QStringLiteral("text"));
    parser.addOptions(login.options());
    parser.addOptions({table, duration, resnapshotEvery, report, settle, minGap, format});

    if (const auto code = LoginOptions::refusePasswordOption(arguments))
        return *code;
    if (const auto code = parseArguments(parser, QStringLiteral("compare"), arguments))
        return *code;

    if (parser.value(format) == QLatin1String("jsonl")) {
        m_jsonl = true;
    } else if (parser.value(format) != QLatin1String("text")) {
        printError(tr("--format must be text or jsonl"));
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
    const auto every = parseSeconds(parser.value(resnapshotEvery));
    const auto settleS = parseSeconds(parser.value(settle));
    const auto gap = parseSeconds(parser.value(minGap));
    if (!every || !settleS || !gap) {
        printError(tr("--resnapshot-every, --settle and --min-snapshot-gap take a number of seconds"));
        return ExitBadArguments;
    }
    const bool demo = parser.isSet(QStringLiteral("demo"));
    qint64 tableId = demo ? 21 : 0;
    if (parser.isSet(table)) {
        bool ok = false;
        tableId = parser.value(table).toLongLong(&ok);
        if (!ok || tableId <= 0) {
            printError(tr("--table must be a table id (a positive number)"));
            return ExitBadArguments;
        }
    }
    if (!demo && tableId <= 0 && parser.isSet(QStringLiteral("server"))) {
        printError(tr("--table ID is required"));
        return ExitBadArguments;
    }
    m_reportPath = parser.value(report);

    if (const auto code = login.resolve(parser))
        return *code;
    m_demo = login.takeDemo();
    if (m_demo) {
        printInfo(tr("Demo: the built-in Baserow simulator (profile %1, Baserow %2) runs at %3; comparing "
                     "table %4 as %5.")
                      .arg(sim::profileName(m_demo->profile()), m_demo->version().toString(),
                          login.baseUrl().toString())
                      .arg(tableId)
                      .arg(login.email()));
    }

    m_rest = login.createRestClient(this);
    m_connection = new Connection(m_rest, &m_store, Connection::Options {}, nullptr, this);
    connect(m_connection, &Connection::failed, this, &CompareCommand::onFailed);
    connect(m_connection, &Connection::stateChanged, this,
        [this](Connection::State state, const QString& reason) {
            if (m_finishing)
                return;
            qCInfo(lcCli).noquote() << "connection" << Connection::stateName(state) << reason;
            if (state == Connection::State::Backoff)
                printInfo(tr("connection lost (%1); reconnecting").arg(reason));
        });

    m_settleMs = qint64(*settleS * 1000);
    TableComparer::Options options;
    options.settleMs = m_settleMs;
    options.resnapshotEveryMs = qint64(*every * 1000);
    options.minSnapshotGapMs = qint64(*gap * 1000);
    m_comparer = new TableComparer(m_connection, m_rest, &m_store, tableId, options, nullptr, this);
    connect(m_comparer, &TableComparer::findingAdded, this, &CompareCommand::onFinding);
    connect(m_comparer, &TableComparer::statusChanged, this, &CompareCommand::onStatus);
    connect(m_comparer, &TableComparer::snapshotFinished, this, [this](int rows, qint64 ms) {
        printInfo(tr("snapshot %1: %n row(s) in %2 ms", nullptr, rows)
                      .arg(m_comparer->mirror().snapshotCount())
                      .arg(ms));
        checkEnd();
    });
    connect(m_comparer, &TableComparer::mirrorChanged, this, &CompareCommand::checkEnd);

    if (seconds)
        QTimer::singleShot(qint64(*seconds * 1000), this, [this] { beginEnd(true); });
    qCInfo(lcCli) << "comparing table" << tableId << "on" << redactUrl(login.baseUrl());
    m_comparer->start();
    m_connection->start(login.email(), login.password());
    return -1;
}

void CompareCommand::requestStop()
{
    beginEnd(false);
}

void CompareCommand::onFinding(const Finding& f)
{
    if (m_jsonl) {
        QJsonObject o = f.toJson();
        o.insert(u"type"_s, u"finding"_s);
        writeStdout(QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n');
        return;
    }
    QStringList fields;
    for (const FieldDelta& delta : f.fields) {
        fields << tr("%1 expected %2, server has %3")
                      .arg(delta.name.isEmpty() ? delta.key : delta.name, valueText(delta.expected),
                          valueText(delta.actual));
    }
    QString line = u"%1 table %2 row %3"_s.arg(findingKindName(f.kind)).arg(f.tableId).arg(f.rowId);
    if (!fields.isEmpty())
        line += u": "_s + fields.join(u"; "_s);
    if (f.lastEvent)
        line += u" "_s + tr("(last event #%1 %2)").arg(f.lastEvent->seq).arg(f.lastEvent->type);
    if (!f.detail.isEmpty())
        line += u" — "_s + f.detail;
    writeStdout(line.toUtf8() + '\n');
}

void CompareCommand::onStatus(TableComparer::Status status)
{
    if (m_finishing)
        return;
    printInfo(m_comparer->statusText());
    if (status != TableComparer::Status::Failed)
        return;
    if (m_comparer->tableUnavailable()) {
        finish(ExitBadArguments);
    } else if (m_comparer->mirror().snapshotCount() == 0
        && m_connection->state() == Connection::State::Live) {
        finish(ExitOther); // the first fetch failed on a live connection: nothing to compare with
    }
    // Later failures (a fetch during a server restart) are retried by the comparer.
}

void CompareCommand::onFailed(Connection::Failure failure, const QString& message)
{
    printError(message);
    finish(WatchCommand::exitCodeFor(failure));
}

void CompareCommand::beginEnd(bool settle)
{
    if (m_ending || m_finishing)
        return;
    m_ending = true;
    if (!settle || !m_comparer || m_comparer->mirror().snapshotCount() == 0)
        return decide();
    if (m_comparer->isSettled())
        return decide();
    printInfo(tr("waiting for pending suspicions to settle"));
    // Bounded: a settle window plus a re-fetch (and a running snapshot) at most.
    QTimer::singleShot(2 * m_settleMs + m_rest->timeoutMs() / 3, this, [this] {
        if (!m_finishing)
            decide();
    });
}

void CompareCommand::checkEnd()
{
    if (m_ending && !m_finishing && m_comparer->isSettled())
        decide();
}

void CompareCommand::decide()
{
    if (m_finishing)
        return;
    if (m_comparer->mirror().snapshotCount() == 0) {
        printError(tr("no snapshot of table %1 completed: nothing was compared").arg(m_comparer->tableId()));
        return finish(m_connection->wasLive() ? ExitOther : ExitUnreachable);
    }
    const int code = m_comparer->findingCount() > 0 ? ExitDivergences : ExitOk;
    if (m_comparer->mirror().pendingSuspicions() > 0)
        printInfo(tr("%n suspicion(s) still unconfirmed at the end (not counted)", nullptr,
            m_comparer->mirror().pendingSuspicions()));
    printInfo(code == ExitOk ? tr("in sync: no divergences")
                             : tr("%n divergence(s) found", nullptr, m_comparer->findingCount()));
    finish(code);
}

bool CompareCommand::writeReport(int exitCode)
{
    if (m_reportPath.isEmpty())
        return true;
    m_comparer->stop(); // stamps ended_at
    QJsonObject report = m_comparer->report();
    report.insert(u"exit_code"_s, exitCode);
    QSaveFile file(m_reportPath);
    if (!file.open(QIODevice::WriteOnly)) {
        printError(tr("cannot write the report %1: %2").arg(m_reportPath, file.errorString()));
        return false;
    }
    file.write(QJsonDocument(report).toJson(QJsonDocument::Indented));
    if (!file.commit()) {
        printError(tr("cannot write the report %1: %2").arg(m_reportPath, file.errorString()));
        return false;
    }
    printInfo(tr("report written to %1").arg(m_reportPath));
    return true;
}

void CompareCommand::finish(int exitCode)
{
    if (m_finishing)
        return;
    m_finishing = true;
    if ((exitCode == ExitOk || exitCode == ExitDivergences) && !writeReport(exitCode))
        exitCode = ExitOther;
    if (m_comparer)
        m_comparer->stop();
    if (m_connection)
        m_connection->stop();
    QTimer::singleShot(m_connection ? 200 : 0, this, [this, exitCode] { emit finished(exitCode); });
}

} // namespace bmon::cli
