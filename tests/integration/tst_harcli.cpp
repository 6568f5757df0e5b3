// SPDX-License-Identifier: MIT
// HAR from the command line (issue 5): the real baserow-monitor-cli turns a browser's HAR into a
// recording and a recording (recorded by watch --demo --record) into a HAR and back, losslessly;
// bad input exits 2 with a clear message and creates nothing.
#include "clirunner.h"
#include "core/recording/recordingformat.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace bmon;
using namespace Qt::StringLiterals;

namespace {

using testcli::cliPath;
using testcli::Run;

Run cli(const QStringList& args, int timeoutMs = 60000)
{
    return testcli::runCli(args, timeoutMs);
}

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QString writeFile(const QTemporaryDir& dir, const QString& name, const QByteArray& data)
{
    QFile f(dir.filePath(name));
    if (!f.open(QIODevice::WriteOnly))
        return {};
    f.write(data);
    return f.fileName();
}

struct FileLines
{
    QList<recording::Header> headers;
    QList<recording::Line> lines;
    QList<QByteArray> raw; //!< the lines after each header, as written
};

FileLines decodeFile(const QByteArray& data)
{
    FileLines result;
    QList<QByteArray> raw = data.split('\n');
    if (!raw.isEmpty() && raw.constLast().isEmpty())
        raw.removeLast();
    for (const QByteArray& l : std::as_const(raw)) {
        const recording::Decoded d = recording::decodeLine(l);
        if (d.header) {
            result.headers << *d.header;
        } else if (d.line) {
            result.lines << *d.line;
            result.raw << l;
        }
    }
    return result;
}

QByteArray chromeHar()
{
    return readAll(QFINDTESTDATA("../unit/data/chrome-baserow.har"));
}

//! No jwt_token value but REDACTED, and no JWT at all.
bool carriesToken(const QByteArray& data)
{
    static const QRegularExpression token(
        uR"(jwt_token=(?!REDACTED(?:[^A-Za-z0-9_.-]|$))|eyJ[A-Za-z0-9_-]{5,}\.)"_s);
    return token.match(QString::fromUtf8(data)).hasMatch();
}

} // namespace

class TestHarCli : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void chromeHarImportsAndRoundTrips();
    void recordingRoundTripsThroughHar();
    void badInput_data();
    void badInput();
    void existingTargetIsRefused();
    void unwritableOutput();

private:
    QTemporaryDir m_dir;
};

void TestHarCli::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(QFileInfo(cliPath()).isExecutable(), qPrintable(cliPath()));
    QVERIFY(!chromeHar().isEmpty());
}

void TestHarCli::chromeHarImportsAndRoundTrips()
{
    const QString har = writeFile(m_dir, u"chrome.har"_s, chromeHar());
    const QString first = m_dir.filePath(u"chrome.bmrec"_s);
    Run r = cli({u"import-har"_s, har, first});
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(r.status, QProcess::NormalExit);
    QVERIFY2(r.err.contains("1 session"), r.err.constData());

    const QByteArray recording = readAll(first);
    QVERIFY(!carriesToken(recording));
    const FileLines file = decodeFile(recording);
    QCOMPARE(file.headers.size(), 1);
    QCOMPARE(file.headers.constFirst().backendUrl, u"https://api.example.com"_s);
    QCOMPARE(file.headers.constFirst().extra.value(u"source"_s).toString(), u"har"_s);
    QVERIFY(!file.headers.constFirst().appVersion.isEmpty()); // this monitor wrote the file
    QCOMPARE(file.lines.size(), 6);
    QStringList kinds;
    for (const recording::Line& l : file.lines)
        kinds << (l.kind == recording::Line::Kind::Frame
                ? (l.direction == Direction::Sent ? u"out"_s : u"in"_s)
                : l.metaType);
    QCOMPARE(kinds, (QStringList {u"rest"_s, u"in"_s, u"out"_s, u"in"_s, u"rest"_s, u"in"_s}));
    QCOMPARE(file.lines.at(2).frame, QByteArray(R"({"page":"table","table_id":21})"));
    QCOMPARE(file.lines.at(2).timeUs, qint64(1741944414263007));
    // The frame is embedded verbatim, Python's spacing and \u escapes included.
    QVERIFY(recording.contains(R"("field_101": "Initech \u00e9t\u00e9")"));

    // Recording → HAR → recording: the same file, byte for byte.
    const QString exported = m_dir.filePath(u"chrome-again.har"_s);
    r = cli({u"export-har"_s, first, exported});
    QCOMPARE(r.exitCode, 0);
    const QByteArray harOut = readAll(exported);
    QVERIFY(!carriesToken(harOut));
    const QJsonObject log = QJsonDocument::fromJson(harOut).object().value(u"log"_s).toObject();
    QCOMPARE(log.value(u"version"_s).toString(), u"1.2"_s);
    QCOMPARE(log.value(u"creator"_s).toObject().value(u"name"_s).toString(), u"Baserow Monitor"_s);
    QCOMPARE(log.value(u"entries"_s).toArray().size(), 3);

    const QString second = m_dir.filePath(u"chrome-again.bmrec"_s);
    r = cli({u"import-har"_s, exported, second});
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(readAll(second), recording);
}

void TestHarCli::recordingRoundTripsThroughHar()
{
    // A real recording of the simulator's mix: frames, state, subscription metas.
    const QString recorded = m_dir.filePath(u"demo.bmrec"_s);
    Run r = cli({u"watch"_s, u"--demo"_s, u"--demo-rate=80"_s, u"--duration=2"_s, u"--format=jsonl"_s,
        u"--record"_s, recorded});
    QCOMPARE(r.exitCode, 0);
    const QByteArray original = readAll(recorded);
    const FileLines before = decodeFile(original);
    QCOMPARE(before.headers.size(), 1);
    int frames = 0;
    for (const recording::Line& l : before.lines)
        frames += l.kind == recording::Line::Kind::Frame ? 1 : 0;
    QVERIFY2(frames >= 20, qPrintable(u"%1 frames recorded"_s.arg(frames)));

    const QString har = m_dir.filePath(u"demo.har"_s);
    r = cli({u"export-har"_s, recorded, har});
    QCOMPARE(r.exitCode, 0);
    const QByteArray harData = readAll(har);
    QVERIFY(!carriesToken(harData));
    const QJsonArray entries
        = QJsonDocument::fromJson(harData).object().value(u"log"_s).toObject().value(u"entries"_s).toArray();
    qsizetype messages = 0;
    for (const QJsonValue& e : entries)
        messages += e.toObject().value(u"_webSocketMessages"_s).toArray().size();
    QCOMPARE(messages, qsizetype(frames));

    const QString back = m_dir.filePath(u"demo-back.bmrec"_s);
    r = cli({u"import-har"_s, har, back});
    QCOMPARE(r.exitCode, 0);
    const FileLines after = decodeFile(readAll(back));
    QCOMPARE(after.headers.size(), 1);
    const recording::Header& h0 = before.headers.constFirst();
    const recording::Header& h1 = after.headers.constFirst();
    QCOMPARE(h1.backendUrl, h0.backendUrl);
    QCOMPARE(h1.startUs, h0.startUs);
    QCOMPARE(h1.appVersion, h0.appVersion);
    QCOMPARE(h1.serverVersion, h0.serverVersion);
    QCOMPARE(h1.login, h0.login);
    QCOMPARE(h1.extra.value(u"source"_s).toString(), u"har"_s);

    // Every line, frames and metas, in order, exactly as recorded.
    QCOMPARE(after.lines.size(), before.lines.size());
    for (qsizetype i = 0; i < before.lines.size(); ++i) {
        const recording::Line& a = before.lines.at(i);
        const recording::Line& b = after.lines.at(i);
        QCOMPARE(b.kind, a.kind);
        QCOMPARE(b.timeUs, a.timeUs);
        QCOMPARE(b.seq, a.seq);
        QCOMPARE(b.generation, a.generation);
        if (a.kind == recording::Line::Kind::Frame) {
            QCOMPARE(b.direction, a.direction);
            QCOMPARE(b.binary, a.binary);
            QCOMPARE(b.frame, a.frame);
            QCOMPARE(after.raw.at(i), before.raw.at(i)); // the same line in the file
        } else {
            QCOMPARE(b.metaType, a.metaType);
            QCOMPARE(b.meta, a.meta);
        }
    }
}

void TestHarCli::badInput_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("message");

    const QString missing = m_dir.filePath(u"missing"_s);
    const QString empty = writeFile(m_dir, u"empty"_s, QByteArray());
    const QString notJson = writeFile(m_dir, u"page.html"_s, "<html><body>Baserow</body></html>\n");
    const QString noLog = writeFile(m_dir, u"nolog.json"_s, R"({"version":"1.2","entries":[]})");
    const QString noSocket = writeFile(m_dir, u"nosocket.har"_s,
        R"({"log":{"version":"1.2","creator":{"name":"x","version":"1"},"entries":[{"startedDateTime":
        "2025-03-14T09:26:54.102Z","request":{"method":"GET","url":"https://h/api/settings/"},
        "response":{"status":200,"content":{"mimeType":"application/json"}}}]}})");
    recording::Header future;
    future.version = recording::FormatVersion + 1;
    future.backendUrl = u"http://127.0.0.1:8000"_s;
    const QString newer = writeFile(m_dir, u"future.bmrec"_s, recording::encodeHeader(future));
    const QString out = m_dir.filePath(u"never-written"_s);

    QTest::newRow("export: no arguments") << QStringList {u"export-har"_s} << 2 << u"two arguments"_s;
    QTest::newRow("export: one argument") << QStringList {u"export-har"_s, empty} << 2 << u"two arguments"_s;
    QTest::newRow("export: three arguments")
        << QStringList {u"export-har"_s, empty, out, out} << 2 << u"two arguments"_s;
    QTest::newRow("export: missing") << QStringList {u"export-har"_s, missing, out} << 2 << missing;
    QTest::newRow("export: empty") << QStringList {u"export-har"_s, empty, out} << 2 << empty;
    QTest::newRow("export: a HAR") << QStringList {u"export-har"_s, noSocket, out} << 2 << noSocket;
    QTest::newRow("export: newer version") << QStringList {u"export-har"_s, newer, out} << 2 << newer;
    QTest::newRow("import: no arguments") << QStringList {u"import-har"_s} << 2 << u"two arguments"_s;
    QTest::newRow("import: missing") << QStringList {u"import-har"_s, missing, out} << 2 << missing;
    QTest::newRow("import: empty") << QStringList {u"import-har"_s, empty, out} << 2 << u"empty"_s;
    QTest::newRow("import: not JSON") << QStringList {u"import-har"_s, notJson, out} << 2 << u"not JSON"_s;
    QTest::newRow("import: no log") << QStringList {u"import-har"_s, noLog, out} << 2 << u"log.entries"_s;
    QTest::newRow("import: no socket")
        << QStringList {u"import-har"_s, noSocket, out} << 2 << u"no WebSocket entry"_s;
    QTest::newRow("import: a recording")
        << QStringList {u"import-har"_s, newer, out} << 2 << u"not a HAR file"_s;
    QTest::newRow("export: help") << QStringList {u"export-har"_s, u"--help"_s} << 0 << QString();
    QTest::newRow("import: help") << QStringList {u"import-har"_s, u"--help"_s} << 0 << QString();
}

void TestHarCli::badInput()
{
    QFETCH(QStringList, args);
    QFETCH(int, exitCode);
    QFETCH(QString, message);
    const Run r = cli(args);
    QCOMPARE(r.status, QProcess::NormalExit);
    QCOMPARE(r.exitCode, exitCode);
    QVERIFY2(QString::fromUtf8(r.err).contains(message), r.err.constData());
    if (exitCode == 0)
        QVERIFY(r.out.contains("OUT.har") || r.out.contains("IN.har"));
    QVERIFY(!QFileInfo::exists(m_dir.filePath(u"never-written"_s)));
}

void TestHarCli::existingTargetIsRefused()
{
    const QString har = writeFile(m_dir, u"target.har"_s, chromeHar());
    const QString target = writeFile(m_dir, u"existing.bmrec"_s, "keep me\n");
    const Run r = cli({u"import-har"_s, har, target});
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains("already exists"), r.err.constData());
    QCOMPARE(readAll(target), QByteArray("keep me\n"));
}

void TestHarCli::unwritableOutput()
{
    const QString har = writeFile(m_dir, u"w.har"_s, chromeHar());
    const QString recording = m_dir.filePath(u"w.bmrec"_s);
    QCOMPARE(cli({u"import-har"_s, har, recording}).exitCode, 0);
    const Run r = cli({u"export-har"_s, recording, m_dir.filePath(u"no/such/dir/out.har"_s)});
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains("cannot write"), r.err.constData());
}

QTEST_GUILESS_MAIN(TestHarCli)
#include "tst_harcli.moc"
