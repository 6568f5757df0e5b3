// SPDX-License-Identifier: MIT
// Ingest throughput against a bare QWebSocket client, in one run, over the fixture mix.
//
// A child process (this executable with --sender) serves pre-encoded WebSocket frames as fast
// as the kernel takes them. The parent then receives the same N frames with:
//   raw      a blocking socket reader that only counts bytes (proves the sender's headroom)
//   bare     QWebSocket, counting textMessageReceived (the baseline)
//   ingest   QWebSocket + bmon::IngestQueue into an EventStore: classify + store on the ingest
//            thread, as the monitor's Connection does; timed until the last frame is stored
//   inline   QWebSocket + bmon::Ingest on the socket's thread (the single-threaded alternative)
//   qjson    QWebSocket + QJsonDocument::fromJson per frame (the obvious client, for reference)
// Each is timed first frame to last; the best of several rounds counts. Results are printed
// and written as JSON (--out FILE, default bench_ingest.json in the working directory).
#include "core/eventstore.h"
#include "core/ingest.h"
#include "core/ingestqueue.h"
#include "pythonstyle.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSysInfo>
#include <QThread>
#include <QTimer>
#include <QWebSocket>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <memory>

namespace {

using bmon::testdata::pythonStyle;

QList<QByteArray> loadMix(const QString& dir, bool large)
{
    QList<QByteArray> frames;
    if (large) {
        // 50 KB rows_updated frames (issue 7's ingest_large case).
        QByteArray rows;
        int id = 1;
        while (rows.size() < 24000) {
            if (!rows.isEmpty())
                rows += ", ";
            rows += QByteArrayLiteral("{\"id\": ") + QByteArray::number(id)
                + QByteArrayLiteral(", \"order\": \"") + QByteArray::number(id)
                + QByteArrayLiteral(".00000000000000000000\", \"field_101\": \"Customer ")
                + QByteArray::number(id)
                + QByteArrayLiteral(
                    " caf\\u00e9\", \"field_102\": \"25\", \"field_103\": true, \"field_104\": {\"id\": 9, "
                    "\"value\": \"Gold\", \"color\": \"yellow\"}, \"field_105\": \"Some notes about this "
                    "customer and their renewal.\"}");
            ++id;
        }
        frames << QByteArrayLiteral(
                      "{\"type\": \"rows_updated\", \"table_id\": 21, \"rows_before_update\": [")
                + rows + QByteArrayLiteral("], \"rows\": [") + rows
                + QByteArrayLiteral("], \"metadata\": {}, \"updated_field_ids\": [102]}");
        return frames;
    }
    QDir d(dir);
    const QStringList files = d.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
    for (const QString& f : files) {
        if (f == QLatin1String("expected.json"))
            continue;
        QFile file(d.filePath(f));
        if (file.open(QIODevice::ReadOnly))
            frames << pythonStyle(file.readAll());
    }
    return frames;
}

QByteArray encodeFrame(const QByteArray& payload)
{
    QByteArray f;
    f.append(char(0x81)); // FIN + text
    const quint64 n = quint64(payload.size());
    if (n < 126) {
        f.append(char(n));
    } else if (n < 65536) {
        f.append(char(126));
        f.append(char(n >> 8));
        f.append(char(n & 0xff));
    } else {
        f.append(char(127));
        for (int i = 7; i >= 0; --i)
            f.append(char((n >> (8 * i)) & 0xff));
    }
    return f + payload;
}

bool writeAll(int fd, const char* p, size_t n)
{
    while (n > 0) {
        const ssize_t w = ::write(fd, p, n);
        if (w <= 0)
            return false;
        p += w;
        n -= size_t(w);
    }
    return true;
}

QByteArray readHandshake(int fd)
{
    QByteArray req;
    char buf[4096];
    while (!req.contains("\r\n\r\n")) {
        const ssize_t r = ::read(fd, buf, sizeof buf);
        if (r <= 0)
            return {};
        req.append(buf, r);
    }
    return req;
}

// Keeps the sender and the measured client on different CPUs: otherwise the scheduler sometimes
// stacks them on one core and the figures swing by a factor of two between runs.
void pinToCpu(int cpu)
{
    if (cpu < 0 || QThread::idealThreadCount() < 2)
        return;
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    ::sched_setaffinity(0, sizeof set, &set);
}

// --sender: serve `count` frames of the mix to each connection, forever (until killed).
int runSender(const QList<QByteArray>& mix, qint64 count)
{
    pinToCpu(QThread::idealThreadCount() - 1);
    QByteArray cycle;
    for (const QByteArray& p : mix)
        cycle += encodeFrame(p);
    int listener = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr {};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listener, 4) != 0)
        return 1;
    socklen_t len = sizeof addr;
    ::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
    std::printf("%d\n", ntohs(addr.sin_port));
    std::fflush(stdout);
    for (;;) {
        const int fd = ::accept(listener, nullptr, nullptr);
        if (fd < 0)
            return 1;
        const QByteArray req = readHandshake(fd);
        const int k = req.indexOf("Sec-WebSocket-Key:");
        if (k >= 0) {
            const QByteArray key = req.mid(k + 18, req.indexOf("\r\n", k) - k - 18).trimmed();
            const QByteArray accept = QCryptographicHash::hash(
                QByteArray(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"), QCryptographicHash::Sha1)
                                          .toBase64();
            const QByteArray resp
                = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  "Sec-WebSocket-Accept: "
                + accept + "\r\n\r\n";
            writeAll(fd, resp.constData(), size_t(resp.size()));
        }
        const qint64 perCycle = mix.size();
        qint64 sent = 0;
        bool ok = true;
        while (ok && sent + perCycle <= count) {
            ok = writeAll(fd, cycle.constData(), size_t(cycle.size()));
            sent += perCycle;
        }
        for (qint64 i = 0; ok && sent < count; ++i, ++sent) {
            const QByteArray f = encodeFrame(mix[int(i % perCycle)]);
            ok = writeAll(fd, f.constData(), size_t(f.size()));
        }
        // Hold the connection until the reader closes it.
        char sink[256];
        while (ok && ::read(fd, sink, sizeof sink) > 0) { }
        ::close(fd);
    }
}

qint64 expectedBytes(const QList<QByteArray>& mix, qint64 count)
{
    qint64 total = 0;
    for (qint64 i = 0; i < count; ++i)
        total += encodeFrame(mix[int(i % mix.size())]).size();
    return total;
}

// Blocking raw reader: bytes of `count` frames, timed from the first byte to the last.
double runRaw(quint16 port, qint64 bytes)
{
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr {};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
        return 0;
    const QByteArray req
        = "GET /ws/core/ HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    writeAll(fd, req.constData(), size_t(req.size()));
    std::unique_ptr<char[]> buf(new char[1 << 20]);
    QByteArray head; // the 101 response, not counted
    qint64 got = 0;
    QElapsedTimer timer;
    while (got < bytes) {
        const ssize_t r = ::read(fd, buf.get(), 1 << 20);
        if (r <= 0)
            break;
        qint64 n = r;
        if (!timer.isValid()) {
            head.append(buf.get(), r);
            const int end = head.indexOf("\r\n\r\n");
            if (end < 0)
                continue;
            n = head.size() - (end + 4);
            timer.start();
        }
        got += n;
    }
    const qint64 ns = timer.nsecsElapsed();
    ::close(fd);
    return ns > 0 ? double(ns) / 1e9 : 0;
}

struct Measurement
{
    QString name;
    double bestSeconds = 0;
};

// Runs one QWebSocket client variant; calls done(seconds) after `count` frames.
class QtClientRun : public QObject
{
public:
    using Handler = std::function<void(const QString&)>;
    //! \a complete says whether the work behind the last frame is done (default: received).
    QtClientRun(quint16 port, qint64 count, Handler handler, std::function<void(double)> done,
        std::function<bool()> complete = {})
        : m_count(count)
        , m_handler(std::move(handler))
        , m_done(std::move(done))
        , m_complete(std::move(complete))
    {
        connect(&m_socket, &QWebSocket::textMessageReceived, this, &QtClientRun::onText);
        m_socket.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws/core/").arg(port)));
    }
    //! Re-checks completion (after the ingest thread stored more).
    void poke()
    {
        if (m_received == m_count && !m_finished && (!m_complete || m_complete()))
            finish();
    }

private:
    void onText(const QString& text)
    {
        if (m_received == 0)
            m_timer.start();
        m_handler(text);
        if (++m_received == m_count)
            poke();
    }
    void finish()
    {
        m_finished = true;
        const double s = double(m_timer.nsecsElapsed()) / 1e9;
        m_socket.abort();
        QTimer::singleShot(0, this, [this, s] { m_done(s); });
    }

    QWebSocket m_socket;
    qint64 m_count;
    qint64 m_received = 0;
    Handler m_handler;
    std::function<void(double)> m_done;
    std::function<bool()> m_complete;
    bool m_finished = false;
    QElapsedTimer m_timer;
};

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Ingest throughput versus a bare QWebSocket client"));
    parser.addHelpOption();
    const QCommandLineOption senderOpt(
        QStringLiteral("sender"), QStringLiteral("Run as the frame sender (internal)."));
    const QCommandLineOption countOpt(QStringLiteral("frames"), QStringLiteral("Frames per run."),
        QStringLiteral("N"), QStringLiteral("400000"));
    const QCommandLineOption roundsOpt(QStringLiteral("rounds"), QStringLiteral("Rounds per client."),
        QStringLiteral("N"), QStringLiteral("3"));
    const QCommandLineOption largeOpt(
        QStringLiteral("large"), QStringLiteral("50 KB rows_updated frames instead of the fixture mix."));
    const QCommandLineOption fixturesOpt(QStringLiteral("fixtures"), QStringLiteral("Fixture directory."),
        QStringLiteral("DIR"), QStringLiteral(BMON_FIXTURES_DIR));
    const QCommandLineOption outOpt(QStringLiteral("out"), QStringLiteral("JSON result file."),
        QStringLiteral("FILE"), QStringLiteral("bench_ingest.json"));
    const QCommandLineOption clientsOpt(QStringLiteral("clients"),
        QStringLiteral("Comma-separated clients to run (raw,bare,ingest,inline,qjson)."),
        QStringLiteral("LIST"), QStringLiteral("raw,bare,ingest,inline,qjson"));
    parser.addOptions({senderOpt, countOpt, roundsOpt, largeOpt, fixturesOpt, outOpt, clientsOpt});
    parser.process(app);

    const bool large = parser.isSet(largeOpt);
    const QList<QByteArray> mix = loadMix(parser.value(fixturesOpt), large);
    if (mix.isEmpty()) {
        std::fprintf(stderr, "no fixtures found in %s\n", qPrintable(parser.value(fixturesOpt)));
        return 2;
    }
    qint64 count = parser.value(countOpt).toLongLong();
    if (large)
        count = qMin<qint64>(count, 20000);
    if (parser.isSet(senderOpt))
        return runSender(mix, count);

    qint64 mixBytes = 0;
    for (const QByteArray& f : mix)
        mixBytes += f.size();
    const double meanPayload = double(mixBytes) / double(mix.size());

    QProcess sender;
    QStringList senderArgs {QStringLiteral("--sender"), QStringLiteral("--frames"), QString::number(count),
        QStringLiteral("--fixtures"), parser.value(fixturesOpt)};
    if (large)
        senderArgs << QStringLiteral("--large");
    sender.start(QCoreApplication::applicationFilePath(), senderArgs);
    if (!sender.waitForReadyRead(10000)) { // benchmark harness, not app code
        std::fprintf(stderr, "sender did not start\n");
        return 1;
    }
    const quint16 port = quint16(sender.readLine().trimmed().toUInt());

    const qint64 bytes = expectedBytes(mix, count);
    const int rounds = qMax(1, parser.value(roundsOpt).toInt());

    QList<Measurement> results;
    auto best = [](QList<double> v) { return *std::min_element(v.begin(), v.end()); };

    const QStringList clients = parser.value(clientsOpt).split(QLatin1Char(','));
    if (clients.contains(QLatin1String("raw"))) {
        QList<double> raw;
        for (int r = 0; r < rounds; ++r)
            raw << runRaw(port, bytes);
        results << Measurement {QStringLiteral("raw"), best(raw)};
    }

    // Qt clients run one after another on the single event loop.
    std::unique_ptr<bmon::EventStore> store;
    std::unique_ptr<bmon::Ingest> inlineIngest;
    std::unique_ptr<bmon::IngestQueue> queue;
    qint64 qjsonTypes = 0;
    struct Variant
    {
        QString name;
        QtClientRun::Handler handler;
    };
    QList<Variant> variants {
        {QStringLiteral("bare"), [](const QString&) {}},
        {QStringLiteral("ingest"),
            [&](const QString& t) { queue->submitText(t, bmon::Direction::Received, 1); }},
        {QStringLiteral("inline"), [&](const QString& t) { inlineIngest->ingestText(t); }},
        {QStringLiteral("qjson"),
            [&](const QString& t) {
                const QJsonDocument d = QJsonDocument::fromJson(t.toUtf8());
                qjsonTypes += d.object().value(QLatin1String("type")).toString().size();
            }},
    };
    variants.erase(std::remove_if(variants.begin(), variants.end(),
                       [&](const Variant& v) { return !clients.contains(v.name); }),
        variants.end());
    // Interleave rounds (bare, ingest, inline, qjson, bare, …) so drift affects all alike.
    QList<QList<double>> times(variants.size());
    int step = 0;
    std::unique_ptr<QtClientRun> current;
    quint64 storedEvents = 0, storeBytes = 0;
    std::function<void()> next = [&]() {
        if (step == rounds * variants.size()) {
            for (int v = 0; v < variants.size(); ++v)
                results << Measurement {variants[v].name, best(times[v])};
            QCoreApplication::quit();
            return;
        }
        const int v = step % variants.size();
        const QString name = variants[v].name;
        // A fresh store each round; the queue (with its thread) before the store it writes.
        queue.reset();
        inlineIngest.reset();
        store = std::make_unique<bmon::EventStore>();
        if (qEnvironmentVariableIsSet("BENCH_NO_PREPARE"))
            store->setPrepareBlocksAhead(false);
        std::function<bool()> complete;
        if (name == QLatin1String("ingest")) {
            queue = std::make_unique<bmon::IngestQueue>(*store);
            complete = [&] { return qint64(queue->processed()) == count; };
        } else if (name == QLatin1String("inline")) {
            inlineIngest = std::make_unique<bmon::Ingest>(*store);
        }
        current = std::make_unique<QtClientRun>(
            port, count, variants[v].handler,
            [&, v, name](double s) {
                times[v] << s;
                if (name == QLatin1String("ingest") || name == QLatin1String("inline")) {
                    storedEvents = store->count();
                    storeBytes = store->allocatedBytes();
                }
                ++step;
                QTimer::singleShot(0, next);
            },
            complete);
        if (queue) {
            QObject::connect(queue.get(), &bmon::IngestQueue::appended, current.get(), [&] {
                queue->acknowledgeAppended();
                current->poke();
            });
        }
    };
    QTimer::singleShot(0, next);
    app.exec();
    current.reset();
    queue.reset();
    sender.kill();
    sender.waitForFinished();

    // Each cycle runs every client once, back to back: the median of the per-cycle ratios is
    // steadier than a ratio of best times when the machine's speed drifts.
    auto medianRatio = [&](const QString& name) {
        int bareIndex = -1, index = -1;
        for (int v = 0; v < variants.size(); ++v) {
            if (variants[v].name == QLatin1String("bare"))
                bareIndex = v;
            if (variants[v].name == name)
                index = v;
        }
        if (bareIndex < 0 || index < 0)
            return 0.0;
        QList<double> ratios;
        for (int r = 0; r < qMin(times[bareIndex].size(), times[index].size()); ++r)
            ratios << times[bareIndex][r] / times[index][r];
        std::sort(ratios.begin(), ratios.end());
        return ratios.isEmpty() ? 0.0 : ratios[ratios.size() / 2];
    };
    auto rate = [&](const QString& name) {
        for (const Measurement& m : results)
            if (m.name == name && m.bestSeconds > 0)
                return double(count) / m.bestSeconds;
        return 0.0;
    };
    const double bare = rate(QStringLiteral("bare"));
    std::printf("bench_ingest: %lld frames of the %s (%d distinct, mean payload %.0f B), best of %d rounds\n",
        static_cast<long long>(count), large ? "50 KB rows_updated case" : "fixture mix", int(mix.size()),
        meanPayload, rounds);
    std::printf("  %-8s %12s %10s %13s   %s\n", "client", "frames/s", "vs bare", "median ratio",
        "rounds (k frames/s)");
    for (const Measurement& m : results) {
        QStringList perRound;
        for (int v = 0; v < variants.size(); ++v)
            if (variants[v].name == m.name)
                for (double t : times[v])
                    perRound << QString::number(double(count) / t / 1000, 'f', 0);
        std::printf("  %-8s %12.0f %9.2fx %12.2fx   %s\n", qPrintable(m.name), rate(m.name),
            bare > 0 ? rate(m.name) / bare : 0.0, medianRatio(m.name),
            qPrintable(perRound.join(QLatin1Char(' '))));
    }
    const double bytesPerEvent = storedEvents ? double(storeBytes) / double(storedEvents) : 0;
    std::printf(
        "  store: %.1f bytes/event allocated (mean payload %.0f B; target <= 1.3 x payload + 48 = %.0f)\n",
        bytesPerEvent, meanPayload, 1.3 * meanPayload + 48);

    QJsonObject out {{QStringLiteral("frames"), count},
        {QStringLiteral("corpus"),
            large ? QStringLiteral("rows_updated_50kb") : QStringLiteral("fixture_mix")},
        {QStringLiteral("mean_payload_bytes"), meanPayload},
        {QStringLiteral("raw_frames_per_s"), rate(QStringLiteral("raw"))},
        {QStringLiteral("bare_qwebsocket_frames_per_s"), bare},
        {QStringLiteral("ingest_frames_per_s"), rate(QStringLiteral("ingest"))},
        {QStringLiteral("qjson_frames_per_s"), rate(QStringLiteral("qjson"))},
        {QStringLiteral("ingest_vs_raw_ratio"), bare > 0 ? rate(QStringLiteral("ingest")) / bare : 0},
        {QStringLiteral("qjson_vs_raw_ratio"), bare > 0 ? rate(QStringLiteral("qjson")) / bare : 0},
        {QStringLiteral("sender_headroom"), bare > 0 ? rate(QStringLiteral("raw")) / bare : 0},
        {QStringLiteral("store_bytes_per_event"), bytesPerEvent},
        {QStringLiteral("machine"),
            QString(QSysInfo::prettyProductName() + QStringLiteral(", ")
                + QString::number(QThread::idealThreadCount()) + QStringLiteral(" cores"))}};
    QFile f(parser.value(outOpt));
    if (f.open(QIODevice::WriteOnly))
        f.write(QJsonDocument(out).toJson());
    return qjsonTypes >= 0 ? 0 : 1;
}
