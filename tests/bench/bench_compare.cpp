// SPDX-License-Identifier: MIT
// The compare feature's costs (issue 4):
// 1. TableMirror::diff of a 100,000-row table (rows shaped like Baserow's: id, a 20-decimal
//    order string and seven fields of the usual kinds) with 1 % divergent rows, and
//    TableMirror::completeSnapshot on those rows (the first snapshot: adopt; a later one: diff).
// 2. The snapshot of a 10,000-row table over REST: the simulator in-process (CRM → Customers
//    grown to 10,000 rows, no traffic), RestClient logged in, listFields + listAllRows of table 21
//    (page by page, 200 rows a page, as the monitor does it).
//
// Prints a table and writes JSON (--out FILE). No targets: the figures are for the README.
#include "core/compare/tablemirror.h"
#include "net/restclient.h"
#include "sim/simulator.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSysInfo>
#include <QThread>

#include <cstdio>
#include <limits>
#include <optional>
#include <random>

using namespace bmon;
using namespace Qt::StringLiterals;

namespace {

constexpr qint64 kT0 = 1'767'225'600'000'000LL;

QJsonObject makeRow(qint64 id, std::mt19937_64& rng)
{
    static const QStringList names {u"Globex Corporation"_s, u"Initech"_s, u"Umbrella Corp"_s,
        u"Vandelay Industries"_s, u"Stark Industries"_s, u"Wayne Enterprises"_s, u"Acme Corp"_s, u"Hooli"_s};
    static const QStringList tiers {u"Gold"_s, u"Silver"_s, u"Bronze"_s};
    auto pick = [&](qint64 n) { return qint64(rng() % quint64(n)); };
    QJsonObject row;
    row.insert(u"id"_s, id);
    row.insert(u"order"_s, u"%1.00000000000000000000"_s.arg(id));
    row.insert(u"field_101"_s, u"%1 %2"_s.arg(names.at(pick(names.size()))).arg(id));
    row.insert(u"field_102"_s, QString::number(pick(500)));
    row.insert(u"field_103"_s, pick(2) == 1);
    const qint64 tier = pick(4);
    row.insert(u"field_104"_s,
        tier == 3 ? QJsonValue(QJsonValue::Null)
                  : QJsonValue(QJsonObject {
                      {u"id"_s, 9 + tier}, {u"value"_s, tiers.at(tier)}, {u"color"_s, u"yellow"_s}}));
    row.insert(u"field_105"_s, u"contact%1@example.com"_s.arg(id));
    row.insert(u"field_106"_s,
        u"2026-%1-%2"_s.arg(1 + pick(12), 2, 10, QChar(u'0')).arg(1 + pick(28), 2, 10, QChar(u'0')));
    row.insert(u"field_107"_s, u"%1.%2"_s.arg(pick(10000)).arg(pick(100), 2, 10, QChar(u'0')));
    return row;
}

template<class F>
qint64 bestUs(int rounds, F&& run)
{
    qint64 best = std::numeric_limits<qint64>::max();
    for (int i = 0; i < rounds; ++i) {
        QElapsedTimer timer;
        timer.start();
        run();
        best = std::min(best, timer.nsecsElapsed() / 1000);
    }
    return best;
}

//! Runs one asynchronous RestClient call to its end on this thread's event loop.
template<class T, class Start>
std::optional<Result<T>> await(Start&& start)
{
    std::optional<Result<T>> out;
    QEventLoop loop;
    QObject context;
    start(&context, [&](const Result<T>& r) {
        out.emplace(r);
        loop.quit();
    });
    if (!out)
        loop.exec();
    return out;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Baserow Monitor compare benchmark"_s);
    parser.addHelpOption();
    QCommandLineOption outOption(
        u"out"_s, u"Write the results as JSON to <file>."_s, u"file"_s, u"bench_compare.json"_s);
    QCommandLineOption rowsOption(
        u"rows"_s, u"Rows of the diffed table (default 100000)."_s, u"n"_s, u"100000"_s);
    QCommandLineOption restRowsOption(
        u"rest-rows"_s, u"Rows of the table fetched over REST (default 10000)."_s, u"n"_s, u"10000"_s);
    QCommandLineOption roundsOption(
        u"rounds"_s, u"Runs of each step; the best counts (default 3)."_s, u"n"_s, u"3"_s);
    parser.addOption(outOption);
    parser.addOption(rowsOption);
    parser.addOption(restRowsOption);
    parser.addOption(roundsOption);
    parser.process(app);
    const int n = qMax(1, parser.value(rowsOption).toInt());
    const int restRows = qMax(1, parser.value(restRowsOption).toInt());
    const int rounds = qMax(1, parser.value(roundsOption).toInt());

    // 1. The in-memory diff. 1 % of the rows diverge: half changed, a quarter gone, a quarter new.
    std::mt19937_64 rng(20261128);
    QHash<qint64, QJsonObject> expected;
    expected.reserve(n);
    QList<QJsonObject> rows;
    rows.reserve(n);
    for (qint64 id = 1; id <= n; ++id) {
        QJsonObject row = makeRow(id, rng);
        expected.insert(id, row);
        rows.append(row);
    }
    // The fresh side parsed on its own, as REST rows are (no data shared with the expected rows).
    QHash<qint64, QJsonObject> actual;
    actual.reserve(n);
    {
        QJsonArray all;
        for (const QJsonObject& row : std::as_const(rows))
            all.append(row);
        const QJsonArray copy
            = QJsonDocument::fromJson(QJsonDocument(all).toJson(QJsonDocument::Compact)).array();
        for (const QJsonValue& v : copy) {
            const QJsonObject row = v.toObject();
            actual.insert(row.value(u"id"_s).toInteger(), row);
        }
    }
    QList<QJsonObject> freshRows = rows;
    const int divergent = n / 100;
    QHash<qint64, EventRef> lastEvents;
    for (int i = 0; i < divergent; ++i) {
        const qint64 id = 1 + qint64(i) * (n / qMax(1, divergent));
        if (i % 4 == 0) {
            actual.remove(id);
        } else {
            actual[id].insert(u"field_102"_s, u"9999"_s);
            lastEvents.insert(id, EventRef {quint64(i), kT0, u"rows_updated"_s});
        }
    }
    for (int i = 0; i < divergent / 4; ++i)
        actual.insert(n + 1 + i, makeRow(n + 1 + i, rng));
    freshRows = actual.values();

    qsizetype findings = 0;
    const qint64 diffUs
        = bestUs(rounds, [&] { findings = TableMirror::diff(expected, actual, lastEvents).size(); });

    qint64 adoptUs = std::numeric_limits<qint64>::max();
    qint64 snapshotDiffUs = std::numeric_limits<qint64>::max();
    int suspicions = 0;
    for (int r = 0; r < rounds; ++r) {
        TableMirror mirror(21);
        QElapsedTimer timer;
        mirror.beginSnapshot(kT0);
        timer.start();
        mirror.completeSnapshot(rows, kT0 + 1);
        adoptUs = std::min(adoptUs, timer.nsecsElapsed() / 1000);
        mirror.beginSnapshot(kT0 + 10'000'000);
        timer.restart();
        suspicions = mirror.completeSnapshot(freshRows, kT0 + 10'000'001);
        snapshotDiffUs = std::min(snapshotDiffUs, timer.nsecsElapsed() / 1000);
    }

    // 2. A 10,000-row snapshot over REST from the in-process simulator.
    sim::SimulatorOptions options;
    options.rate = 0;
    options.seed = 20261128;
    options.customerRows = restRows;
    sim::Simulator server(options);
    QString error;
    if (!server.start(&error)) {
        std::fprintf(stderr, "bench_compare: the simulator did not start: %s\n", qPrintable(error));
        return 1;
    }
    RestClient rest(server.baseUrl());
    const auto login = await<User>([&](QObject* c, Callback<User> done) {
        rest.login(server.email(), server.password(), c, std::move(done));
    });
    if (!login || !*login) {
        std::fprintf(stderr, "bench_compare: login failed\n");
        return 1;
    }
    qint64 fieldsUs = std::numeric_limits<qint64>::max();
    qint64 rowsUs = std::numeric_limits<qint64>::max();
    qint64 restAdoptUs = std::numeric_limits<qint64>::max();
    qsizetype fetchedRows = 0;
    qsizetype fieldCount = 0;
    for (int r = 0; r < rounds; ++r) {
        QElapsedTimer timer;
        timer.start();
        const auto fields = await<QList<Field>>(
            [&](QObject* c, Callback<QList<Field>> done) { rest.listFields(21, c, std::move(done)); });
        fieldsUs = std::min(fieldsUs, timer.nsecsElapsed() / 1000);
        timer.restart();
        const auto all = await<RowMap>(
            [&](QObject* c, Callback<RowMap> done) { rest.listAllRows(21, {}, c, std::move(done)); });
        rowsUs = std::min(rowsUs, timer.nsecsElapsed() / 1000);
        if (!fields || !*fields || !all || !*all) {
            std::fprintf(stderr, "bench_compare: fetching table 21 failed\n");
            return 1;
        }
        fieldCount = (*fields)->size();
        fetchedRows = (*all)->size();
        TableMirror mirror(21);
        mirror.beginSnapshot(kT0);
        timer.restart();
        mirror.completeSnapshot((*all)->values(), kT0 + 1);
        restAdoptUs = std::min(restAdoptUs, timer.nsecsElapsed() / 1000);
    }
    server.stop();

    const double ms = 1000.0;
    QJsonObject result {
        {u"rows"_s, n},
        {u"divergent_rows"_s, qint64(findings)},
        {u"threads"_s, QThread::idealThreadCount()},
        {u"cpu"_s, QSysInfo::currentCpuArchitecture()},
        {u"diff_ms"_s, diffUs / ms},
        {u"complete_snapshot_first_ms"_s, adoptUs / ms},
        {u"complete_snapshot_diff_ms"_s, snapshotDiffUs / ms},
        {u"complete_snapshot_diff_suspicions"_s, suspicions},
        {u"rest_rows"_s, qint64(fetchedRows)},
        {u"rest_fields"_s, qint64(fieldCount)},
        {u"rest_list_fields_ms"_s, fieldsUs / ms},
        {u"rest_list_all_rows_ms"_s, rowsUs / ms},
        {u"rest_snapshot_ms"_s, (fieldsUs + rowsUs) / ms},
        {u"rest_complete_snapshot_ms"_s, restAdoptUs / ms},
    };

    std::printf("bench_compare: best of %d, %d threads\n", rounds, QThread::idealThreadCount());
    std::printf("  TableMirror::diff, %d rows, %lld divergent      %9.1f ms\n", n,
        static_cast<long long>(findings), diffUs / ms);
    std::printf("  completeSnapshot, %d rows (first, adopt)       %9.1f ms\n", n, adoptUs / ms);
    std::printf(
        "  completeSnapshot, %d rows (diff, %d suspected) %9.1f ms\n", n, suspicions, snapshotDiffUs / ms);
    std::printf("  REST snapshot of table 21, %lld rows, %lld fields:\n", static_cast<long long>(fetchedRows),
        static_cast<long long>(fieldCount));
    std::printf("    listFields                                    %9.1f ms\n", fieldsUs / ms);
    std::printf("    listAllRows (%lld pages)                        %9.1f ms\n",
        static_cast<long long>((fetchedRows + RestClient::RowPageSize - 1) / RestClient::RowPageSize),
        rowsUs / ms);
    std::printf("    total                                         %9.1f ms\n", (fieldsUs + rowsUs) / ms);
    std::printf("    completeSnapshot of those rows                %9.1f ms\n", restAdoptUs / ms);

    QFile out(parser.value(outOption));
    if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        std::fprintf(stderr, "cannot write %s\n", qPrintable(out.fileName()));
        return 1;
    }
    out.write(QJsonDocument(result).toJson());
    return 0;
}
