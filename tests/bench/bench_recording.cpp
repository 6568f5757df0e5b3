// SPDX-License-Identifier: MIT
// Recordings of the simulator's mix (Simulator::generate, the frames a member subscribed to every
// table receives):
//  1. writing: 1,000,000 frames appended through RecordingWriter at --rate frames/s (default
//     100,000, twice the target); frames per second written (until close() returns), the lag
//     between the last append and everything written, the caller's cost per append and its
//     worst single append (the GUI thread must never wait for the disk);
//  2. opening that recording in a fresh process (so the peak RSS is the reader's alone):
//     readInto() on a worker thread as the GUI will run it, the time until the first 1,000
//     events are stored (first screen), until all are (fully indexed), and the peak RSS
//     (VmHWM) against the file size.
//
// Prints a table and writes JSON (--out FILE). Targets from issue 5: at least 50,000 events/s
// recorded; first screen under 1 s; fully indexed under 2 s; memory under 1.5 x the file size.
#include "core/eventstore.h"
#include "core/recording/recordingreader.h"
#include "core/recording/recordingwriter.h"
#include "sim/simulator.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSysInfo>
#include <QThread>
#include <QTimer>

#include <cstdio>
#include <vector>

using namespace bmon;
using namespace bmon::recording;

namespace {

//! A field of /proc/self/status in kB ("VmHWM", "VmRSS"), or -1.
qint64 procStatusKb(const char* field)
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray key = QByteArray(field) + ':';
    for (const QByteArray& line : f.readAll().split('\n'))
        if (line.startsWith(key))
            return line.mid(key.size()).trimmed().split(' ').first().toLongLong();
    return -1;
}

Header benchHeader()
{
    Header h;
    h.appVersion = QStringLiteral("bench");
    h.backendUrl = QStringLiteral("http://127.0.0.1:8000");
    h.serverVersion = QStringLiteral("1.35.3");
    h.startUs = 1'767'225'600'000'000LL;
    h.login = QStringLiteral("bench@example.com");
    return h;
}

// The child's part: open, read into a store on a worker thread, report as one JSON line.
int readChild(const QString& path)
{
    const qint64 hwmBefore = procStatusKb("VmHWM");
    QElapsedTimer timer;
    timer.start();
    RecordingReader reader;
    if (!reader.open(path)) {
        std::fprintf(stderr, "%s\n", qPrintable(reader.errorText()));
        return 2;
    }
    EventStore store;
    // The first screen: the first progress report (every 4 MiB read) with 1,000 events stored,
    // an upper bound on when a view could show them.
    qint64 firstScreenUs = -1;
    const qint64 stored = reader.readInto(store, {}, [&](qint64, qint64) {
        if (firstScreenUs < 0 && store.count() >= 1000)
            firstScreenUs = timer.nsecsElapsed() / 1000;
    });
    const qint64 allUs = timer.nsecsElapsed() / 1000;
    if (firstScreenUs < 0)
        firstScreenUs = allUs;
    const QJsonObject result {
        {QStringLiteral("events"), stored},
        {QStringLiteral("first_screen_ms"), double(firstScreenUs) / 1000.0},
        {QStringLiteral("fully_indexed_ms"), double(allUs) / 1000.0},
        {QStringLiteral("hwm_before_kb"), hwmBefore},
        {QStringLiteral("hwm_after_kb"), procStatusKb("VmHWM")},
        {QStringLiteral("store_allocated_bytes"), qint64(store.allocatedBytes())},
        {QStringLiteral("warnings"), qint64(reader.warnings().size())},
    };
    std::printf("%s\n", QJsonDocument(result).toJson(QJsonDocument::Compact).constData());
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Baserow Monitor recording benchmark"));
    parser.addHelpOption();
    QCommandLineOption outOption(QStringLiteral("out"),
        QStringLiteral("Write the results as JSON to <file>."), QStringLiteral("file"),
        QStringLiteral("bench_recording.json"));
    QCommandLineOption eventsOption(QStringLiteral("events"),
        QStringLiteral("Number of events (default 1000000)."), QStringLiteral("n"),
        QStringLiteral("1000000"));
    QCommandLineOption rateOption(QStringLiteral("rate"),
        QStringLiteral("Frames per second appended (default 100000; 0 = unpaced)."), QStringLiteral("n"),
        QStringLiteral("100000"));
    QCommandLineOption fileOption(QStringLiteral("file"),
        QStringLiteral("The recording to write (default: beside --out, removed afterwards)."),
        QStringLiteral("path"));
    QCommandLineOption keepOption(QStringLiteral("keep"), QStringLiteral("Keep the recording."));
    QCommandLineOption readOption(
        QStringLiteral("read-child"), QStringLiteral("(internal) read <path>."), QStringLiteral("path"));
    parser.addOptions({outOption, eventsOption, rateOption, fileOption, keepOption, readOption});
    parser.process(app);
    if (parser.isSet(readOption))
        return readChild(parser.value(readOption));

    const quint64 n = parser.value(eventsOption).toULongLong();
    const double rate = parser.value(rateOption).toDouble();
    const QString outPath = parser.value(outOption);
    const QString recPath = parser.isSet(fileOption)
        ? parser.value(fileOption)
        : QFileInfo(outPath).absoluteDir().filePath(QStringLiteral("bench_recording.bmonrec"));
    QFile::remove(recPath);

    // The frames, generated beforehand so that only the writer is measured.
    sim::SimulatorOptions options;
    options.seed = 20261127;
    sim::Simulator simulator(options);
    QByteArray arena;
    std::vector<qsizetype> offsets;
    offsets.reserve(n + 1);
    offsets.push_back(0);
    const auto sink = [&](const QByteArray& frame) {
        if (offsets.size() > n)
            return;
        arena.append(frame);
        offsets.push_back(arena.size());
    };
    while (offsets.size() <= n)
        simulator.generate(1000, sink);

    // 1. Writing.
    RecordingWriter writer;
    QString error;
    if (!writer.open(recPath, benchHeader(), &error)) {
        std::fprintf(stderr, "bench_recording: %s\n", qPrintable(error));
        return 1;
    }
    // Paced like a live connection at --rate frames/s (0: as fast as the caller can; the backlog
    // then grows until the writer stops at its 512 MiB limit, so keep n small for that).
    EventRecord rec;
    rec.generation = 1;
    qint64 worstAppendNs = 0;
    qint64 appendSumNs = 0;
    quint64 slowAppends = 0; // above 1 ms
    QElapsedTimer timer;
    timer.start();
    // Paced by a precise 1 ms timer on the event loop, as frames arrive from a socket: each tick
    // appends the frames that are due (all of them at rate 0).
    quint64 i = 0;
    const auto appendDue = [&] {
        const quint64 due
            = rate > 0 ? qMin<quint64>(n, quint64(double(timer.nsecsElapsed()) * rate / 1e9) + 1) : n;
        for (; i < due; ++i) {
            rec.seq = i + 1;
            rec.receivedUs = 1'767'225'600'000'000LL + qint64(i) * 50;
            const qint64 before = timer.nsecsElapsed();
            writer.appendRecord(
                rec, QByteArrayView(arena.constData() + offsets[i], offsets[i + 1] - offsets[i]));
            const qint64 took = timer.nsecsElapsed() - before;
            appendSumNs += took;
            worstAppendNs = qMax(worstAppendNs, took);
            slowAppends += took > 1'000'000;
        }
    };
    {
        QEventLoop loop;
        QTimer tick;
        tick.setTimerType(Qt::PreciseTimer);
        tick.setInterval(1);
        QObject::connect(&tick, &QTimer::timeout, &loop, [&] {
            appendDue();
            if (i >= n)
                loop.quit();
        });
        tick.start();
        appendDue();
        if (i < n)
            loop.exec();
    }
    const qint64 appendNs = timer.nsecsElapsed();
    writer.close();
    const qint64 writtenNs = timer.nsecsElapsed();
    if (!writer.errorString().isEmpty()) {
        std::fprintf(stderr, "bench_recording: %s\n", qPrintable(writer.errorString()));
        return 1;
    }
    const qint64 fileSize = QFileInfo(recPath).size();
    const double appendedPerSec = double(n) / (double(appendNs) / 1e9);
    const double writtenPerSec = double(n) / (double(writtenNs) / 1e9);
    const double appendCostNs = double(appendSumNs) / double(n);
    const double closeLagMs = double(writtenNs - appendNs) / 1e6;
    arena = QByteArray();
    offsets = {};

    // 2. Opening, in a process of its own.
    QProcess child;
    child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    child.start(QCoreApplication::applicationFilePath(), {QStringLiteral("--read-child"), recPath});
    if (!child.waitForFinished(600'000) || child.exitCode() != 0) {
        std::fprintf(stderr, "bench_recording: the reading process failed\n");
        return 1;
    }
    const QJsonObject read = QJsonDocument::fromJson(child.readAllStandardOutput()).object();
    if (!parser.isSet(keepOption))
        QFile::remove(recPath);
    const double firstMs = read.value(QStringLiteral("first_screen_ms")).toDouble();
    const double allMs = read.value(QStringLiteral("fully_indexed_ms")).toDouble();
    const qint64 peakBytes = read.value(QStringLiteral("hwm_after_kb")).toInteger() * 1024;
    const qint64 baseBytes = read.value(QStringLiteral("hwm_before_kb")).toInteger() * 1024;
    const double memRatio = double(peakBytes) / double(fileSize);
    const double memRatioNet = double(peakBytes - baseBytes) / double(fileSize);

    const QJsonObject result {
        {QStringLiteral("events"), qint64(n)},
        {QStringLiteral("threads"), QThread::idealThreadCount()},
        {QStringLiteral("cpu"), QSysInfo::currentCpuArchitecture()},
        {QStringLiteral("file_bytes"), fileSize},
        {QStringLiteral("bytes_per_line"), double(fileSize) / double(n)},
        {QStringLiteral("rate"), rate},
        {QStringLiteral("append_per_s"), appendedPerSec},
        {QStringLiteral("close_lag_ms"), closeLagMs},
        {QStringLiteral("written_per_s"), writtenPerSec},
        {QStringLiteral("append_cost_ns"), appendCostNs},
        {QStringLiteral("append_worst_us"), double(worstAppendNs) / 1000.0},
        {QStringLiteral("appends_over_1ms"), qint64(slowAppends)},
        {QStringLiteral("read_events"), read.value(QStringLiteral("events"))},
        {QStringLiteral("first_screen_ms"), firstMs},
        {QStringLiteral("fully_indexed_ms"), allMs},
        {QStringLiteral("read_peak_rss_bytes"), peakBytes},
        {QStringLiteral("read_base_rss_bytes"), baseBytes},
        {QStringLiteral("read_store_bytes"), read.value(QStringLiteral("store_allocated_bytes"))},
        {QStringLiteral("memory_ratio"), memRatio},
        {QStringLiteral("memory_ratio_net"), memRatioNet},
        {QStringLiteral("pass_record_rate"), writtenPerSec >= 50000},
        {QStringLiteral("pass_first_screen"), firstMs < 1000},
        {QStringLiteral("pass_fully_indexed"), allMs < 2000},
        {QStringLiteral("pass_memory"), memRatio < 1.5},
    };

    std::printf("bench_recording: %llu events of the simulator mix, %.1f MB file (%.0f bytes/line)\n",
        static_cast<unsigned long long>(n), double(fileSize) / 1e6, double(fileSize) / double(n));
    std::printf("%-34s %14s %14s\n", "measure", "value", "target");
    std::printf("%-34s %14.0f %14s\n", "appended events/s (caller)", appendedPerSec, "");
    std::printf("%-34s %14.0f %14s\n", "written events/s (until closed)", writtenPerSec, ">= 50000");
    std::printf("%-34s %14.0f %14s\n", "caller cost per append (ns)", appendCostNs, "");
    std::printf("%-34s %14.1f %14s\n", "worst single append (us)", double(worstAppendNs) / 1000.0, "");
    std::printf("%-34s %14llu %14s\n", "appends over 1 ms", static_cast<unsigned long long>(slowAppends), "");
    std::printf("%-34s %14.1f %14s\n", "last append to all written (ms)", closeLagMs, "");
    std::printf("%-34s %14.1f %14s\n", "open: first 1,000 events (ms)", firstMs, "< 1000");
    std::printf("%-34s %14.1f %14s\n", "open: fully indexed (ms)", allMs, "< 2000");
    std::printf("%-34s %14.2f %14s\n", "open: peak RSS / file size", memRatio, "< 1.5");
    std::printf("%-34s %14.2f %14s\n", "  (peak minus start RSS) / file", memRatioNet, "");

    QFile out(outPath);
    if (out.open(QIODevice::WriteOnly | QIODevice::Truncate))
        out.write(QJsonDocument(result).toJson());
    return 0;
}
