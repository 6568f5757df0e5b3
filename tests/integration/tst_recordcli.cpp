// SPDX-License-Identifier: MIT
// Recordings from the command line (issue 5): the real baserow-monitor-cli records a real
// simulator session (watch --record), then replay and stats read the file back. Byte-for-byte
// round trips, real-time pacing, crash safety under SIGKILL, no secret in any written file, and
// clear exit codes for files that are not (or not yet) readable.
#include "../sim/simtestutil.h"

#include "clirunner.h"
#include "core/recording/recordingformat.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace bmon;
using namespace Qt::StringLiterals;
using simtest::http;
using simtest::json;

namespace {

using testcli::Cli;
using testcli::cliPath;
using testcli::Run;

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QString writeFile(const QString& path, const QByteArray& data)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return {};
    f.write(data);
    return path;
}

//! The complete lines of a recording, decoded by the format's own decoder.
struct FileLines
{
    QList<recording::Header> headers;
    QList<recording::Line> lines;
    bool tornTail = false;
};

FileLines decodeFile(const QByteArray& data)
{
    FileLines result;
    QList<QByteArray> raw = data.split('\n');
    result.tornTail = !raw.constLast().isEmpty(); // no '\n' after the last line
    raw.removeLast();
    for (const QByteArray& l : std::as_const(raw)) {
        const recording::Decoded d = recording::decodeLine(l);
        if (d.header)
            result.headers << *d.header;
        else if (d.line)
            result.lines << *d.line;
    }
    return result;
}

//! `"kind":"frame"` lines of watch/replay --format jsonl output, exactly as printed.
QList<QByteArray> frameLines(const Run& r)
{
    QList<QByteArray> frames;
    for (const QByteArray& l : r.outLines()) {
        if (l.startsWith(R"({"kind":"frame")"))
            frames << l;
    }
    return frames;
}

//! The "state" values of state lines, in order.
QStringList states(const Run& r)
{
    QStringList list;
    for (const QByteArray& l : r.outLines()) {
        const QJsonObject o = QJsonDocument::fromJson(l).object();
        if (o.value(u"kind"_s) == u"state"_s)
            list << o.value(u"state"_s).toString();
    }
    return list;
}

QProcessEnvironment isolatedEnv(const QString& home)
{
    // Anything the CLI might write (settings, caches, logs) lands under home: the secrets test scans it.
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(u"BASEROW_PASSWORD"_s);
    env.insert(u"HOME"_s, home);
    env.insert(u"XDG_CONFIG_HOME"_s, home + u"/config"_s);
    env.insert(u"XDG_DATA_HOME"_s, home + u"/data"_s);
    env.insert(u"XDG_CACHE_HOME"_s, home + u"/cache"_s);
    env.insert(u"XDG_STATE_HOME"_s, home + u"/state"_s);
    env.insert(u"TMPDIR"_s, home + u"/tmp"_s);
    return env;
}

} // namespace

class TestRecordCli : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void recordThenReplayIsByteForByte();
    void replayAtSpeedOneTakesTheRecordedSpan();
    void statsCountWhatTheFileHolds();
    void appendingAddsASession();
    void sigkillLeavesAReadableFile();
    void noSecretInAnyWrittenFile();
    void futureVersionIsRefused();
    void unreadableFiles_data();
    void unreadableFiles();
    void tornAndCorruptedLines();

private:
    QStringList watchArgs(const sim::Simulator& simulator, const QStringList& more) const
    {
        return QStringList {u"watch"_s, u"--server"_s, simulator.baseUrl().toString(), u"--email"_s,
                   simulator.email(), u"--password-file"_s, m_passwordFile}
        + more;
    }

    QTemporaryDir m_dir;
    QString m_passwordFile;
    QString m_recording; //!< recorded by recordThenReplayIsByteForByte, read by the next tests
    Run m_live;
};

void TestRecordCli::initTestCase()
{
    QVERIFY2(QFile::exists(cliPath()), qPrintable(cliPath()));
    QVERIFY(m_dir.isValid());
    m_passwordFile = writeFile(m_dir.filePath(u"password"_s), "demo-password\n");
}

void TestRecordCli::recordThenReplayIsByteForByte()
{
    sim::SimulatorOptions options;
    options.rate = 60;
    options.seed = 5;
    // Malformed frames (kept verbatim as strings) and one server close → a second generation.
    options.faults << *sim::FaultSpec::parse(u"malformed=0.1"_s, nullptr)
                   << *sim::FaultSpec::parse(u"conn=1:close=4000@1.2"_s, nullptr);
    sim::Simulator simulator(options);
    QString error;
    QVERIFY2(simulator.start(&error), qPrintable(error));

    m_recording = m_dir.filePath(u"session.bmrec"_s);
    m_live = Cli(watchArgs(simulator,
                     {u"--subscribe"_s, u"table:21"_s, u"--format"_s, u"jsonl"_s, u"--duration"_s, u"3.5"_s,
                         u"--backoff-cap"_s, u"0.2"_s, u"--record"_s, m_recording}))
                 .wait();
    QCOMPARE(m_live.status, QProcess::NormalExit);
    QVERIFY2(m_live.exitCode == 0, m_live.err.constData());
    const QList<QByteArray> live = frameLines(m_live);
    QVERIFY2(live.size() > 50, m_live.out.left(2000).constData());

    // The header says who recorded what, without credentials.
    const QByteArray data = readAll(m_recording);
    QVERIFY(data.endsWith('\n'));
    const FileLines file = decodeFile(data);
    QCOMPARE(file.headers.size(), 1);
    const recording::Header& header = file.headers.first();
    QCOMPARE(header.version, recording::FormatVersion);
    QVERIFY(!header.appVersion.isEmpty());
    QCOMPARE(QUrl(header.backendUrl).port(), simulator.baseUrl().port());
    QCOMPARE(header.login, simulator.email());
    QVERIFY(header.startUs > 0);
    bool serverVersion = false, webSocketId = false, close4000 = false;
    for (const recording::Line& l : file.lines) {
        serverVersion |= l.meta.value(u"server_version"_s).toString() == simulator.version().toString();
        webSocketId |= !l.meta.value(u"web_socket_id"_s).toString().isEmpty();
        close4000 |= l.metaType == u"close"_s && l.meta.value(u"code"_s).toInt() == 4000;
    }
    QVERIFY2(serverVersion, "the probed server version is recorded once known");
    QVERIFY(webSocketId);
    QVERIFY2(close4000, "the server's close code is recorded");

    // Replay prints the very same frame lines, in order, byte for byte.
    const Run replay = Cli({u"replay"_s, m_recording, u"--format"_s, u"jsonl"_s}).wait();
    QVERIFY2(replay.exitCode == 0, replay.err.constData());
    QVERIFY2(replay.err.isEmpty(), replay.err.constData());
    const QList<QByteArray> replayed = frameLines(replay);
    QCOMPARE(replayed.size(), live.size());
    for (qsizetype i = 0; i < live.size(); ++i)
        QVERIFY2(replayed.at(i) == live.at(i),
            qPrintable(u"line %1:\n%2\n%3"_s.arg(i).arg(
                QString::fromUtf8(live.at(i)), QString::fromUtf8(replayed.at(i)))));
    // And everything else as watch printed it (state, subscription lines), but for the times of
    // those lines, which are when the recorder saw them.
    const auto withoutLineTimes = [](const Run& r) {
        static const QRegularExpression time(uR"("time":"[^"]*",)"_s);
        QStringList lines;
        for (const QByteArray& l : r.outLines())
            lines << (l.startsWith(R"({"kind":"frame")") ? QString::fromUtf8(l)
                                                         : QString::fromUtf8(l).remove(time));
        return lines;
    };
    QCOMPARE(withoutLineTimes(replay), withoutLineTimes(m_live));
    QCOMPARE(states(replay), states(m_live)); // live, backoff, live again, stopped
    QVERIFY(states(replay).count(u"live"_s) >= 2);

    // Text replay: the same lines as a text watch shows.
    const Run text = Cli({u"replay"_s, m_recording, u"--color=never"_s}).wait();
    QCOMPARE(text.exitCode, 0);
    const QString out = QString::fromUtf8(text.out);
    QVERIFY2(out.contains(u" < authentication · authenticated"_s), qPrintable(out.left(2000)));
    QVERIFY(out.contains(u" * live"_s));
    QVERIFY(out.contains(u" > page · table 21"_s));
}

void TestRecordCli::replayAtSpeedOneTakesTheRecordedSpan()
{
    QVERIFY(!m_recording.isEmpty());
    const FileLines file = decodeFile(readAll(m_recording));
    QVERIFY(file.lines.size() > 2);
    qint64 first = file.lines.first().timeUs, last = first;
    for (const recording::Line& l : file.lines) {
        first = qMin(first, l.timeUs);
        last = qMax(last, l.timeUs);
    }
    const qint64 spanMs = (last - first) / 1000;
    QVERIFY2(spanMs > 2000, qPrintable(QString::number(spanMs)));

    const Run full = Cli({u"replay"_s, m_recording, u"--format=jsonl"_s}).wait();
    QCOMPARE(full.exitCode, 0);
    const Run paced = Cli({u"replay"_s, m_recording, u"--format=jsonl"_s, u"--speed"_s, u"1"_s}).wait(60000);
    QCOMPARE(paced.exitCode, 0);
    QVERIFY2(
        paced.ms >= spanMs * 8 / 10, qPrintable(u"%1 ms for a %2 ms recording"_s.arg(paced.ms).arg(spanMs)));
    QCOMPARE(frameLines(paced), frameLines(full));
    qInfo("replay: full speed %lld ms, --speed 1 %lld ms, recorded span %lld ms", full.ms, paced.ms, spanMs);

    const Run fast = Cli({u"replay"_s, m_recording, u"--format=jsonl"_s, u"--speed"_s, u"4"_s}).wait(60000);
    QCOMPARE(fast.exitCode, 0);
    QVERIFY(fast.ms >= spanMs / 4 * 8 / 10);
    QCOMPARE(frameLines(fast), frameLines(full));

    const Run bad = Cli({u"replay"_s, m_recording, u"--speed"_s, u"fast"_s}).wait();
    QCOMPARE(bad.exitCode, 2);
    QVERIFY(bad.err.contains("--speed"));
}

void TestRecordCli::statsCountWhatTheFileHolds()
{
    QVERIFY(!m_recording.isEmpty());
    const QByteArray data = readAll(m_recording);
    const FileLines file = decodeFile(data);

    // Counted here from the file itself.
    QMap<QString, qint64> types;
    qint64 frames = 0, sent = 0, rowsOn21 = 0, closes = 0;
    for (const recording::Line& l : file.lines) {
        if (l.kind == recording::Line::Kind::Meta) {
            closes += l.metaType == u"close"_s ? 1 : 0;
            continue;
        }
        ++frames;
        sent += l.direction == Direction::Sent ? 1 : 0;
        const QJsonObject o = QJsonDocument::fromJson(l.frame).object();
        const QString type = o.value(u"type"_s).toString();
        if (!type.isEmpty())
            ++types[type];
        if (type.startsWith(u"rows_"_s) && o.value(u"table_id"_s).toInteger() == 21)
            ++rowsOn21;
    }

    const Run r = Cli({u"stats"_s, m_recording, u"--format"_s, u"json"_s}).wait();
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QJsonObject stats = QJsonDocument::fromJson(r.out).object();
    QVERIFY2(!stats.isEmpty(), r.out.constData());
    QCOMPARE(stats.value(u"bytes"_s).toInteger(), data.size());
    QCOMPARE(stats.value(u"sessions"_s).toInt(), 1);
    QCOMPARE(stats.value(u"frames"_s).toInteger(), frames);
    QCOMPARE(stats.value(u"sent"_s).toInteger(), sent);
    QCOMPARE(stats.value(u"received"_s).toInteger(), frames - sent);
    QVERIFY(stats.value(u"malformed"_s).toInteger() > 0);
    QCOMPARE(stats.value(u"reconnects"_s).toInt(), 1);
    QCOMPARE(stats.value(u"closes"_s).toArray().size(), closes);
    QCOMPARE(stats.value(u"metas"_s).toObject().value(u"close"_s).toInteger(), closes);
    const double span = stats.value(u"span_s"_s).toDouble();
    QVERIFY(span > 2 && span < 10);

    QMap<QString, qint64> reported;
    qint64 total = 0;
    for (const QJsonValue& v : stats.value(u"types"_s).toArray()) {
        const QJsonObject t = v.toObject();
        reported.insert(t.value(u"type"_s).toString(), t.value(u"count"_s).toInteger());
        total += t.value(u"count"_s).toInteger();
        QVERIFY(qAbs(t.value(u"rate"_s).toDouble() - t.value(u"count"_s).toDouble() / span) < 1e-6);
    }
    QCOMPARE(total, frames);
    QVERIFY(types.size() > 3);
    for (auto it = types.cbegin(); it != types.cend(); ++it)
        QVERIFY2(reported.value(it.key()) == it.value(),
            qPrintable(u"%1: %2 in the file, %3 reported"_s.arg(it.key())
                           .arg(it.value())
                           .arg(reported.value(it.key()))));

    bool table21 = false;
    for (const QJsonValue& v : stats.value(u"tables"_s).toArray()) {
        if (v.toObject().value(u"id"_s).toInt() == 21) {
            table21 = true;
            QVERIFY(v.toObject().value(u"count"_s).toInteger() >= rowsOn21);
        }
    }
    QVERIFY(table21 && rowsOn21 > 0);
    QVERIFY(!stats.value(u"workspaces"_s).toArray().isEmpty());
    QVERIFY(stats.value(u"gaps"_s).toArray().isEmpty()); // a busy 3.5 s session
    // A threshold shorter than the reconnect's silence finds gaps, with times.
    const Run small = Cli({u"stats"_s, m_recording, u"--format=json"_s, u"--gap=0.001"_s}).wait();
    const QJsonArray gaps = QJsonDocument::fromJson(small.out).object().value(u"gaps"_s).toArray();
    QVERIFY(!gaps.isEmpty());
    QVERIFY(gaps.first().toObject().value(u"start"_s).toString().endsWith(u'Z'));
    QVERIFY(gaps.first().toObject().value(u"seconds"_s).toDouble() > 0.001);

    const Run text = Cli({u"stats"_s, m_recording}).wait();
    QCOMPARE(text.exitCode, 0);
    QVERIFY(text.out.contains("By type:"));
    QVERIFY(text.out.contains("Reconnects:  1"));
    QVERIFY(text.out.contains("rows_"));
}

void TestRecordCli::appendingAddsASession()
{
    sim::SimulatorOptions options;
    options.rate = 30;
    sim::Simulator simulator(options);
    QString error;
    QVERIFY2(simulator.start(&error), qPrintable(error));
    const QString path = m_dir.filePath(u"twice.bmrec"_s);
    QList<QByteArray> live;
    for (int i = 0; i < 2; ++i) {
        const qint64 before = QFileInfo(path).size();
        const Run r = Cli(
            watchArgs(simulator,
                {u"--format=jsonl"_s, u"--duration=1"_s, u"--subscribe=table:21"_s, u"--record"_s, path}))
                          .wait();
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(QFileInfo(path).size() > before);
        live << frameLines(r);
    }
    const FileLines file = decodeFile(readAll(path));
    QCOMPARE(file.headers.size(), 2); // the first session is still there, a second header follows
    const Run replay = Cli({u"replay"_s, path, u"--format=jsonl"_s}).wait();
    QCOMPARE(replay.exitCode, 0);
    QCOMPARE(frameLines(replay), live);
    const Run stats = Cli({u"stats"_s, path, u"--format=json"_s}).wait();
    QCOMPARE(QJsonDocument::fromJson(stats.out).object().value(u"sessions"_s).toInt(), 2);
}

void TestRecordCli::sigkillLeavesAReadableFile()
{
    sim::SimulatorOptions options;
    options.rate = 400;
    sim::Simulator simulator(options);
    QString error;
    QVERIFY2(simulator.start(&error), qPrintable(error));
    const QString path = m_dir.filePath(u"killed.bmrec"_s);
    Cli cli(watchArgs(simulator, {u"--format=jsonl"_s, u"--subscribe=table:21"_s, u"--record"_s, path}));
    cli.process().setStandardOutputFile(QProcess::nullDevice());
    // Wait until the recorder has flushed well over a hundred lines, then kill it mid-stream.
    QTRY_VERIFY_WITH_TIMEOUT(readAll(path).count('\n') > 150, 20000);
    ::kill(pid_t(cli.process().processId()), SIGKILL);
    const Run killed = cli.wait();
    QCOMPARE(killed.status, QProcess::CrashExit);

    const QByteArray data = readAll(path);
    const FileLines file = decodeFile(data);
    QCOMPARE(file.headers.size(), 1);
    qint64 frames = 0, printedMetas = 0;
    for (const recording::Line& l : file.lines) {
        if (l.kind == recording::Line::Kind::Frame)
            ++frames;
        else if (l.metaType == u"state"_s || l.metaType == u"subscription"_s || l.metaType == u"notice"_s)
            ++printedMetas;
    }
    QVERIFY(frames > 100);

    const Run replay = Cli({u"replay"_s, path, u"--format=jsonl"_s}).wait();
    QCOMPARE(replay.exitCode, 0);
    // Every complete line is replayed; a torn last line is skipped with a warning.
    QCOMPARE(frameLines(replay).size(), frames);
    QCOMPARE(replay.outLines().size(), frames + printedMetas);
    if (file.tornTail)
        QVERIFY2(replay.err.toLower().contains("torn") || replay.err.toLower().contains("last line"),
            replay.err.constData());
    else
        QVERIFY2(replay.err.isEmpty(), replay.err.constData());
    qInfo("killed after %lld complete frames; torn last line: %s", frames, file.tornTail ? "yes" : "no");
}

void TestRecordCli::noSecretInAnyWrittenFile()
{
    sim::SimulatorOptions options;
    options.rate = 40;
    options.password = u"Pa55-w0rd-that-must-not-leak"_s;
    // Short-lived tokens: the CLI refreshes during the run, so several tokens pass through it.
    options.faults << *sim::FaultSpec::parse(u"expire-tokens=2"_s, nullptr);
    sim::Simulator simulator(options);
    QString error;
    QVERIFY2(simulator.start(&error), qPrintable(error));

    QTemporaryDir home;
    QVERIFY(home.isValid());
    QVERIFY(QDir(home.path()).mkpath(u"tmp"_s));
    const QProcessEnvironment env = isolatedEnv(home.path());
    const QString passwordFile
        = writeFile(m_dir.filePath(u"secret-pw"_s), simulator.password().toUtf8() + '\n');

    // A refresh token the test knows, used by a second run.
    QNetworkAccessManager nam;
    const auto login = http(nam, "POST", simulator.baseUrl().resolved(QUrl(u"/api/user/token-auth/"_s)),
        json({{u"email"_s, simulator.email()}, {u"password"_s, simulator.password()}}));
    const QByteArray access = login.obj().value(u"access_token"_s).toString().toUtf8();
    const QByteArray refresh = login.obj().value(u"refresh_token"_s).toString().toUtf8();
    QVERIFY(!access.isEmpty() && !refresh.isEmpty());
    const QString refreshFile = writeFile(m_dir.filePath(u"secret-refresh"_s), refresh);

    const QString rec1 = home.filePath(u"with-password.bmrec"_s);
    Run r = Cli({u"watch"_s, u"--server"_s, simulator.baseUrl().toString(), u"--email"_s, simulator.email(),
                    u"--password-file"_s, passwordFile, u"--subscribe=table:21"_s, u"--duration=3"_s,
                    u"--format=jsonl"_s, u"--record"_s, rec1},
        env)
                .wait();
    QVERIFY2(r.exitCode == 0, r.err.constData());
    const QString rec2 = home.filePath(u"with-refresh-token.bmrec"_s);
    r = Cli({u"watch"_s, u"--server"_s, simulator.baseUrl().toString(), u"--refresh-token-file"_s,
                refreshFile, u"--subscribe=table:21"_s, u"--duration=2"_s, u"--record"_s, rec2},
        env)
            .wait();
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY(readAll(rec1).count('\n') > 20 && readAll(rec2).count('\n') > 10);
    // The socket URL is there, redacted: the scan below looks at files that did meet the tokens.
    QVERIFY(readAll(rec1).contains("jwt_token=REDACTED"));

    // Every file the runs wrote: the recordings and anything else under the private home.
    const QList<QByteArray> secrets {simulator.password().toUtf8(), access, refresh, access.left(40),
        refresh.left(40), QByteArray("eyJ") /* any JWT */};
    int scanned = 0;
    QDirIterator it(
        home.path(), QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        const QByteArray data = readAll(path);
        ++scanned;
        for (const QByteArray& secret : secrets)
            QVERIFY2(!data.contains(secret), qPrintable(u"%1 holds a secret"_s.arg(path)));
        QVERIFY2(!data.contains("jwt_token=e"), qPrintable(path));
    }
    QVERIFY(scanned >= 2);
}

void TestRecordCli::futureVersionIsRefused()
{
    recording::Header header;
    header.version = recording::FormatVersion + 98;
    header.appVersion = u"9.9.9"_s;
    header.backendUrl = u"http://127.0.0.1:1"_s;
    header.startUs = 1'767'225'600'000'000LL;
    QByteArray data = recording::encodeHeader(header);
    QVERIFY(data.contains(QByteArray::number(header.version)));
    data += R"({"t":1767225600000000,"later":"fields this version cannot know"})"
            "\n";
    const QString path = writeFile(m_dir.filePath(u"future.bmrec"_s), data);
    for (const QString& command : {u"replay"_s, u"stats"_s}) {
        const Run r = Cli({command, path}).wait();
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.out.isEmpty(), r.out.constData());
        QVERIFY2(r.err.contains(QByteArray::number(header.version)) && r.err.toLower().contains("version"),
            r.err.constData());
    }
}

void TestRecordCli::unreadableFiles_data()
{
    QTest::addColumn<QByteArray>("content"); // null = no file at all
    QTest::newRow("missing") << QByteArray();
    QTest::newRow("empty") << QByteArray("");
    QTest::newRow("garbage") << QByteArray("hello\nworld\n\x01\x02\xff\n");
    QTest::newRow("other json lines") << QByteArray(R"({"kind":"frame","seq":1})"
                                                    "\n");
    QTest::newRow("a directory") << QByteArray("dir");
}

void TestRecordCli::unreadableFiles()
{
    QFETCH(QByteArray, content);
    QString path = m_dir.filePath(u"unreadable-%1"_s.arg(QString::fromLatin1(QTest::currentDataTag())));
    if (content == "dir")
        QVERIFY(QDir().mkpath(path));
    else if (!content.isNull())
        QVERIFY(!writeFile(path, content).isEmpty());
    for (const QString& command : {u"replay"_s, u"stats"_s}) {
        const Run r = Cli({command, path}).wait();
        QCOMPARE(r.status, QProcess::NormalExit);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(!r.err.isEmpty(), "a clear message on stderr");
        QVERIFY(r.out.isEmpty());
    }
    const Run none = Cli({u"replay"_s}).wait();
    QCOMPARE(none.exitCode, 2);
}

void TestRecordCli::tornAndCorruptedLines()
{
    QVERIFY(!m_recording.isEmpty());
    const QByteArray data = readAll(m_recording);
    QList<QByteArray> lines = data.split('\n');
    lines.removeLast();
    QVERIFY(lines.size() > 20);
    const Run reference = Cli({u"replay"_s, m_recording, u"--format=jsonl"_s}).wait();
    const QList<QByteArray> allFrames = frameLines(reference);

    // Cut in the middle of the last frame line: the frames before it all come out, then a warning.
    qsizetype last = lines.size() - 1;
    while (last > 0 && decodeFile(lines.at(last) + '\n').lines.value(0).kind != recording::Line::Kind::Frame)
        --last;
    QByteArray torn;
    for (qsizetype i = 0; i < last; ++i)
        torn += lines.at(i) + '\n';
    torn += lines.at(last).left(lines.at(last).size() / 2);
    const QString tornPath = writeFile(m_dir.filePath(u"torn.bmrec"_s), torn);
    Run r = Cli({u"replay"_s, tornPath, u"--format=jsonl"_s}).wait();
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(!r.err.isEmpty(), "a warning about the torn line");
    QCOMPARE(frameLines(r), allFrames.mid(0, allFrames.size() - 1));
    r = Cli({u"stats"_s, tornPath, u"--format=json"_s}).wait();
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(QJsonDocument::fromJson(r.out).object().value(u"frames"_s).toInt(), allFrames.size() - 1);

    // A corrupted line in the middle: skipped with a warning naming its line, the rest plays.
    QByteArray corrupted;
    for (qsizetype i = 0; i < lines.size(); ++i)
        corrupted += (i == 10 ? QByteArray("{\"t\":12,\x01garbage") : lines.at(i)) + '\n';
    const QString corruptedPath = writeFile(m_dir.filePath(u"corrupted.bmrec"_s), corrupted);
    r = Cli({u"replay"_s, corruptedPath, u"--format=jsonl"_s}).wait();
    QCOMPARE(r.exitCode, 0);
    QVERIFY2(r.err.contains("11"), r.err.constData()); // 1-based line number
    const FileLines hit = decodeFile(lines.at(10) + '\n');
    const bool frameHit = !hit.lines.isEmpty() && hit.lines.first().kind == recording::Line::Kind::Frame;
    QCOMPARE(frameLines(r).size(), allFrames.size() - (frameHit ? 1 : 0));
}

QTEST_GUILESS_MAIN(TestRecordCli)
#include "tst_recordcli.moc"
