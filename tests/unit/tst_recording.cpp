// SPDX-License-Identifier: MIT
// Recordings (lib/core/recording/FORMAT.md): frames come back byte for byte and in order; the
// writer flushes on its own and reports write errors; the reader survives truncated, corrupted,
// empty, huge-line and future-version files; a store replayed with readInto() equals the live one.
#include "core/eventstore.h"
#include "core/ingest.h"
#include "core/recording/recordingformat.h"
#include "core/recording/recordingreader.h"
#include "core/recording/recordingwriter.h"

#include "pythonstyle.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <thread>

#include <sys/resource.h>
#include <sys/stat.h>

using namespace bmon;
using namespace bmon::recording;
using namespace Qt::StringLiterals;

namespace {

QString fixturesDir()
{
    const QByteArray env = qgetenv("BMON_FIXTURES_DIR");
    return env.isEmpty() ? QStringLiteral(BMON_FIXTURES_DIR) : QString::fromLocal8Bit(env);
}

QByteArray readFile(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll();
}

void writeFile(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(f.write(bytes), bytes.size());
}

Header testHeader()
{
    Header h;
    h.appVersion = u"0.5.0"_s;
    h.backendUrl = u"https://baserow.example.com"_s;
    h.serverVersion = u"1.35.3"_s;
    h.startUs = 1'767'225'600'123'456LL;
    h.login = u"jürgen@example.com"_s;
    return h;
}

Line frameLine(const QByteArray& frame, quint64 seq, bool binary = false, Direction dir = Direction::Received,
    quint16 gen = 1)
{
    Line l;
    l.kind = Line::Kind::Frame;
    l.timeUs = 1'767'225'600'000'000LL + qint64(seq) * 37;
    l.seq = seq;
    l.direction = dir;
    l.generation = gen;
    l.frame = frame;
    l.binary = binary;
    return l;
}

struct Case
{
    QByteArray frame;
    bool binary = false;
    bool raw = false; //!< expected to be embedded as raw JSON
};

// Every fixture (pretty as in the folder, compacted two ways) and the awkward frames.
QList<std::pair<QString, Case>> allCases()
{
    QList<std::pair<QString, Case>> cases;
    QDir dir(fixturesDir());
    QStringList files;
    for (const QString& f : dir.entryList({u"*.json"_s}, QDir::Files, QDir::Name))
        if (f != u"expected.json"_s)
            files << dir.filePath(f);
    for (const QString& f : QDir(dir.filePath(u"legacy"_s)).entryList({u"*.json"_s}, QDir::Files, QDir::Name))
        files << dir.filePath(u"legacy/"_s + f);
    for (const QString& path : files) {
        const QByteArray pretty = readFile(path);
        const QString name = QFileInfo(path).fileName();
        cases.append({name + u" pretty"_s, {pretty, false, false}});
        cases.append({name + u" python"_s, {testdata::pythonStyle(pretty), false, true}});
        cases.append({name + u" compact"_s,
            {QJsonDocument::fromJson(pretty).toJson(QJsonDocument::Compact), false, true}});
    }
    const auto add = [&](const char* name, const QByteArray& frame, bool raw, bool binary = false) {
        cases.append({QString::fromLatin1(name), {frame, binary, raw}});
    };
    add("non-ascii", R"({"type":"rows_created","name":"Müller 東京 🙂"})", true);
    add("escapes", R"({"type":"x","s":"a\"b\\c\/d\n\t\u00e9\ud83d\ude42\u2028"})", true);
    add("big numbers", R"({"type":"x","id":123456789012345678901234567890,"f":1.50e+300,"o":-0.0})", true);
    add("whitespace inside", "{ \"type\" :\t\"x\" , \"a\" : [ 1 , 2 ] }", true);
    add("leading space", R"( {"type":"x"})", false);
    add("trailing space", "{\"type\":\"x\"}  ", false);
    add("raw newline", "{\"type\":\"x\",\n\"a\":1}", false);
    add("raw cr", "{\"type\":\"x\",\r\"a\":1}", false);
    add("crlf only", "\r\n", false);
    add("empty", "", false);
    add("invalid json", R"({"type":"rows_created","table_id":21,)", false);
    add("not json", "hello\tworld \"quoted\" \\ back", false);
    add("control chars", QByteArray("a\x01\x02\x1f\x7f z", 8), false);
    add("nul inside", QByteArray("{\"a\":\"\0\"}", 9), false);
    add("invalid utf-8", QByteArray("{\"type\":\"\xff\xfe\"}"), false);
    add("lone continuation", QByteArray("\x80\x80 text"), false);
    add("top-level string", R"("just a string")", true);
    add("top-level number", "42", true);
    add("top-level array", R"([1,{"a":[]}])", true);
    add("two values", R"({"a":1}{"b":2})", false);
    add("deep nesting", QByteArray(512, '[') + QByteArray(512, ']'), false);
    add("nesting 100", QByteArray(100, '[') + QByteArray(100, ']'), true);
    add("binary", QByteArray("\x00\x01\x02\xff\xfe{\"type\":\"x\"}\n", 17), false, true);
    add("binary empty", QByteArray(), false, true);
    add("binary json-looking", R"({"type":"x"})", false, true);
    return cases;
}

} // namespace

class TestRecording : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void encodeDecode_data();
    void encodeDecode();
    void roundTripThroughFiles();
    void lineShape();
    void headerAndMeta();
    void isoTime();
    void multipleSessions();
    void tornLastLine();
    void tornLineThenAppend();
    void corruptedLines();
    void emptyAndForeignFiles();
    void futureVersion();
    void futureSessionLater();
    void hugeLines();
    void truncatedEverywhere();
    void randomDamage();
    void writerFlushesOnItsOwn();
    void writerMode0600AndAppends();
    void writerRefusesForeignFile();
    void writerErrors();
    void threadsKeepTheirOrder();
    void replayedStoreEqualsLive();
    void formatDocExample();

private:
    QTemporaryDir m_dir;
    QString path(const QString& name) const { return m_dir.filePath(name); }
};

void TestRecording::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QVERIFY2(
        QFile::exists(fixturesDir() + u"/rows_created.json"_s), "fixtures missing (set BMON_FIXTURES_DIR)");
}

void TestRecording::encodeDecode_data()
{
    QTest::addColumn<QByteArray>("frame");
    QTest::addColumn<bool>("binary");
    QTest::addColumn<bool>("raw");
    for (const auto& [name, c] : allCases())
        QTest::newRow(name.toUtf8().constData()) << c.frame << c.binary << c.raw;
}

void TestRecording::encodeDecode()
{
    QFETCH(QByteArray, frame);
    QFETCH(bool, binary);
    QFETCH(bool, raw);
    const QByteArray line = encodeLine(frameLine(frame, 7, binary, Direction::Sent, 3));
    QVERIFY(line.endsWith('\n'));
    QCOMPARE(line.count('\n'), 1); // one line per frame, always
    QCOMPARE(line.contains('\r'), false);
    // The line is JSON a generic parser accepts (jq): valid UTF-8, one object.
    QJsonParseError err;
    const QJsonObject obj = QJsonDocument::fromJson(line, &err).object();
    QVERIFY2(err.error == QJsonParseError::NoError, qPrintable(err.errorString()));
    QCOMPARE(line.contains(QByteArray(QByteArray("\"frame\":") + frame + "}\n")), raw);
    QCOMPARE(obj.value(u"binary"_s).toBool(), binary);

    const Decoded d = decodeLine(QByteArrayView(line).chopped(1));
    QCOMPARE(d.error, DecodeError::None);
    QVERIFY(d.line);
    QCOMPARE(d.line->kind, Line::Kind::Frame);
    QCOMPARE(d.line->frame, frame);
    QCOMPARE(d.line->binary, binary);
    QCOMPARE(d.line->seq, 7u);
    QCOMPARE(d.line->generation, 3);
    QCOMPARE(d.line->direction, Direction::Sent);
    QCOMPARE(d.line->timeUs, 1'767'225'600'000'000LL + 7 * 37);

    // The reader's in-place path agrees on every raw line and declines the others.
    FrameRef ref;
    QCOMPARE(decodeWrittenFrameLine(QByteArrayView(line).chopped(1), ref), raw);
    if (raw) {
        QCOMPARE(ref.frame.toByteArray(), frame);
        QCOMPARE(ref.seq, 7u);
        QCOMPARE(ref.generation, 3);
        QCOMPARE(ref.direction, Direction::Sent);
        QCOMPARE(ref.timeUs, d.line->timeUs);
    }
}

// Everything through the writer thread and the reader, in one file, in order.
void TestRecording::roundTripThroughFiles()
{
    const QString file = path(u"roundtrip.bmonrec"_s);
    const auto cases = allCases();
    RecordingWriter w;
    QString error;
    QVERIFY2(w.open(file, testHeader(), &error), qPrintable(error));
    quint64 seq = 0;
    for (const auto& [name, c] : cases)
        w.appendLine(frameLine(c.frame, ++seq, c.binary));
    w.close();
    QCOMPARE(w.errorString(), QString());
    QCOMPARE(w.linesWritten(), quint64(cases.size() + 1));
    QCOMPARE(w.bytesWritten(), QFileInfo(file).size());

    RecordingReader r;
    QVERIFY2(r.open(file), qPrintable(r.errorText()));
    Line line;
    for (qsizetype i = 0; i < cases.size(); ++i) {
        QVERIFY2(r.next(&line), qPrintable(cases[i].first));
        QCOMPARE(line.seq, quint64(i + 1));
        if (line.frame != cases[i].second.frame)
            QFAIL(qPrintable(u"frame differs: "_s + cases[i].first));
        QCOMPARE(line.binary, cases[i].second.binary);
    }
    QVERIFY(!r.next(&line));
    QCOMPARE(r.warnings(), QStringList());
    QCOMPARE(r.position(), r.fileSize());
}

// jq/grep friendliness: the documented key names, fields in a fixed order, frame last.
void TestRecording::lineShape()
{
    Line l = frameLine(R"({"type":"rows_created","table_id":21})", 5);
    l.timeUs = 1'767'225'600'000'050LL;
    QCOMPARE(encodeLine(l),
        QByteArray(
            R"({"time":"2026-01-01T00:00:00.000050Z","us":1767225600000050,"seq":5,"dir":"in","gen":1,)"
            R"("frame":{"type":"rows_created","table_id":21}})"
            "\n"));
    QVERIFY(encodeLine(frameLine("a\nb", 6))
                .endsWith(R"(,"gen":1,"text":"a\nb"})"
                          "\n"));
    const QByteArray bin = encodeLine(frameLine("\x01\x02", 7, true));
    QVERIFY(bin.endsWith(R"("binary":true,"base64":"AQI="})"
                         "\n"));
    const QByteArray header = encodeHeader(testHeader());
    QVERIFY(header.startsWith(R"({"format":"bmon-recording","version":1,"app":"0.5.0",)"
                              R"("url":"https://baserow.example.com","server":"1.35.3",)"
                              R"("start":"2026-01-01T00:00:00.123456Z","start_us":1767225600123456,)"));
    QVERIFY(QJsonDocument::fromJson(header).isObject());
}

void TestRecording::headerAndMeta()
{
    Header h = testHeader();
    h.extra = QJsonObject {{u"source"_s, u"har"_s}};
    const Decoded dh = decodeLine(QByteArrayView(encodeHeader(h)).chopped(1));
    QCOMPARE(dh.error, DecodeError::None);
    QVERIFY(dh.header);
    QCOMPARE(dh.header->version, 1);
    QCOMPARE(dh.header->appVersion, h.appVersion);
    QCOMPARE(dh.header->backendUrl, h.backendUrl);
    QCOMPARE(dh.header->serverVersion, h.serverVersion);
    QCOMPARE(dh.header->startUs, h.startUs);
    QCOMPARE(dh.header->login, h.login);
    QCOMPARE(dh.header->extra, h.extra);

    const QList<std::pair<QString, QJsonObject>> metas {
        {u"connect"_s, {{u"url"_s, u"wss://baserow.example.com/ws/core/"_s}}},
        {u"authentication"_s, {{u"success"_s, true}, {u"web_socket_id"_s, u"abc"_s}}},
        {u"close"_s, {{u"code"_s, 1006}, {u"reason"_s, u"abnormal \"closure\"\n"_s}}},
        {u"state"_s, {{u"state"_s, u"live"_s}}},
        {u"subscription"_s, {{u"page"_s, u"table"_s}, {u"table_id"_s, 21}, {u"action"_s, u"add"_s}}},
        {u"rest"_s,
            {{u"method"_s, u"GET"_s}, {u"path"_s, u"/api/database/rows/table/21/"_s}, {u"status"_s, 200}}},
        {u"snapshot"_s, {{u"table_id"_s, 21}, {u"rows"_s, QJsonArray {1, 2, 3}}}},
        {u"finding"_s, {{u"kind"_s, u"missed_update"_s}, {u"row_id"_s, 43}}},
        {u"empty"_s, {}},
    };
    quint64 seq = 100;
    for (const auto& [type, fields] : metas) {
        Line m;
        m.kind = Line::Kind::Meta;
        m.timeUs = 1'767'225'600'000'000LL + qint64(seq);
        m.seq = ++seq;
        m.generation = 2;
        m.metaType = type;
        m.meta = fields;
        const QByteArray text = encodeLine(m);
        QCOMPARE(text.count('\n'), 1);
        const Decoded d = decodeLine(QByteArrayView(text).chopped(1));
        QCOMPARE(d.error, DecodeError::None);
        QVERIFY(d.line);
        QCOMPARE(d.line->kind, Line::Kind::Meta);
        QCOMPARE(d.line->metaType, type);
        QCOMPARE(d.line->meta, fields);
        QCOMPARE(d.line->seq, seq);
        QCOMPARE(d.line->generation, 2);
        QCOMPARE(d.line->timeUs, m.timeUs);
    }

    // Lines that are JSON but not lines of a recording.
    QCOMPARE(decodeLine(R"({"format":"something-else","version":1})").error, DecodeError::NotARecording);
    QCOMPARE(decodeLine(R"({"format":"bmon-recording"})").error, DecodeError::BadField);
    QCOMPARE(decodeLine(R"({"us":1,"seq":1})").error, DecodeError::BadField);
    QCOMPARE(decodeLine(R"({"seq":1,"frame":{}})").error, DecodeError::BadField);
    QCOMPARE(decodeLine(R"({"us":"soon","seq":1,"frame":{}})").error, DecodeError::BadField);
    QCOMPARE(decodeLine(R"({"us":1,"seq":1,"gen":70000,"frame":{}})").error, DecodeError::BadField);
    QCOMPARE(decodeLine(R"({"us":1,"seq":1,"base64":"!!!"})").error, DecodeError::BadField);
    QCOMPARE(decodeLine(R"([1,2])").error, DecodeError::NotJson);
    QCOMPARE(decodeLine(R"({"us":1,"seq":1,"frame":{"a":})").error, DecodeError::NotJson);
    QVERIFY(!decodeLine(R"({"us":"x"})").errorText.isEmpty());
    // A hand-written line: time as text only, unknown fields ignored, frame before the rest.
    const Decoded hand
        = decodeLine(R"({"frame": {"type":"x"} ,"seq":3,"time":"2026-01-01T01:00:00.5+01:00","later":[1]})");
    QCOMPARE(hand.error, DecodeError::None);
    QCOMPARE(hand.line->frame, QByteArray(R"({"type":"x"})"));
    QCOMPARE(hand.line->timeUs, 1'767'225'600'500'000LL);
}

void TestRecording::isoTime()
{
    for (qint64 us : {0LL, 1LL, 999'999LL, 1'767'225'600'000'050LL, 951'782'400'000'001LL /* 2000-02-29 */,
             -1LL, -86'400'000'001LL}) {
        const QByteArray text = isoTimeUs(us);
        QCOMPARE(parseIsoTimeUs(text), std::optional<qint64>(us));
        QCOMPARE(text,
            QDateTime::fromMSecsSinceEpoch(us >= 0 ? us / 1000 : (us - 999) / 1000, Qt::UTC)
                    .toString(u"yyyy-MM-ddTHH:mm:ss"_s)
                    .toLatin1()
                + text.mid(19));
    }
    QCOMPARE(parseIsoTimeUs("2026-01-01T00:00:00Z"), std::optional<qint64>(1'767'225'600'000'000LL));
    QCOMPARE(parseIsoTimeUs("2026-13-01T00:00:00Z"), std::nullopt);
    QCOMPARE(parseIsoTimeUs("2026-01-01T00:00:00"), std::nullopt);
    QCOMPARE(parseIsoTimeUs("2026-01-01T00:00:00.Z"), std::nullopt);
    QCOMPARE(parseIsoTimeUs(""), std::nullopt);
}

void TestRecording::multipleSessions()
{
    const QString file = path(u"sessions.bmonrec"_s);
    for (int session = 1; session <= 3; ++session) {
        RecordingWriter w;
        Header h = testHeader();
        h.startUs += session;
        h.serverVersion = u"1.3%1.0"_s.arg(session);
        QString error;
        QVERIFY2(w.open(file, h, &error), qPrintable(error));
        for (int i = 1; i <= 10; ++i)
            w.appendLine(frameLine(QByteArray("{\"session\":") + QByteArray::number(session)
                    + ",\"i\":" + QByteArray::number(i) + "}",
                quint64(i)));
        w.appendMeta(u"close"_s, 5, 11, 1, {{u"code"_s, 1000}, {u"reason"_s, QString()}});
    }
    RecordingReader r;
    QVERIFY(r.open(file));
    QCOMPARE(r.sessionCount(), 1);
    QCOMPARE(r.header().serverVersion, u"1.31.0"_s);
    Line line;
    int frames = 0, metas = 0;
    int lastSession = 1;
    while (r.next(&line)) {
        if (line.kind == Line::Kind::Meta) {
            ++metas;
            QCOMPARE(line.metaType, u"close"_s);
            continue;
        }
        const QJsonObject o = QJsonDocument::fromJson(line.frame).object();
        const int session = o.value(u"session"_s).toInt();
        QCOMPARE(session, r.sessionCount());
        QCOMPARE(r.header().serverVersion, u"1.3%1.0"_s.arg(session));
        QCOMPARE(r.header().startUs, testHeader().startUs + session);
        QVERIFY(session >= lastSession);
        lastSession = session;
        QCOMPARE(o.value(u"i"_s).toInt(), int(line.seq));
        ++frames;
    }
    QCOMPARE(frames, 30);
    QCOMPARE(metas, 3);
    QCOMPARE(r.sessionCount(), 3);
    QVERIFY(r.warnings().isEmpty());
}

void TestRecording::tornLastLine()
{
    QByteArray bytes = encodeHeader(testHeader());
    for (int i = 1; i <= 3; ++i)
        bytes += encodeLine(frameLine("{\"i\":" + QByteArray::number(i) + "}", quint64(i)));
    const QByteArray last = encodeLine(frameLine(R"({"type":"rows_updated","rows":[1,2,3]})", 4));
    const QString file = path(u"torn.bmonrec"_s);
    for (qsizetype cut = 1; cut < last.size() - 1; ++cut) {
        writeFile(file, bytes + last.left(cut));
        RecordingReader r;
        QVERIFY(r.open(file));
        Line line;
        int n = 0;
        while (r.next(&line))
            ++n;
        QCOMPARE(n, 3);
        QCOMPARE(r.warnings().size(), 1);
        QVERIFY2(r.warnings().first().contains(u"torn last line"_s), qPrintable(r.warnings().first()));
        QVERIFY(r.warnings().first().contains(u"line 5"_s));
    }
    // A complete last line without its '\n' (a hand-edited file) still counts.
    writeFile(file, bytes + last.chopped(1));
    RecordingReader r;
    QVERIFY(r.open(file));
    Line line;
    int n = 0;
    while (r.next(&line))
        ++n;
    QCOMPARE(n, 4);
    QVERIFY(r.warnings().isEmpty());
}

// A killed recorder left a torn line; the next session starts on a line of its own.
void TestRecording::tornLineThenAppend()
{
    const QString file = path(u"torn-append.bmonrec"_s);
    writeFile(file,
        encodeHeader(testHeader()) + encodeLine(frameLine("{\"a\":1}", 1)) + R"({"time":"2026-01-01T00:00)");
    RecordingWriter w;
    QString error;
    QVERIFY2(w.open(file, testHeader(), &error), qPrintable(error));
    w.appendLine(frameLine("{\"b\":2}", 1));
    w.close();
    RecordingReader r;
    QVERIFY(r.open(file));
    Line line;
    QVERIFY(r.next(&line));
    QCOMPARE(line.frame, QByteArray("{\"a\":1}"));
    QVERIFY(r.next(&line));
    QCOMPARE(line.frame, QByteArray("{\"b\":2}"));
    QVERIFY(!r.next(&line));
    QCOMPARE(r.sessionCount(), 2);
    QCOMPARE(r.warnings().size(), 1);
    QVERIFY(r.warnings().first().startsWith(u"line 3:"_s));
}

void TestRecording::corruptedLines()
{
    QByteArray bytes = encodeHeader(testHeader());
    bytes += encodeLine(frameLine("{\"i\":1}", 1)); // line 2
    bytes += "garbage \x01\xff not json\n"; // line 3
    bytes += encodeLine(frameLine("{\"i\":2}", 2)); // line 4
    bytes += "\n   \n"; // blank lines 5, 6: ignored
    bytes += R"({"us":1})"
             "\n"; // line 7: JSON, not a line
    bytes += encodeLine(frameLine("{\"i\":3}", 3)).left(30) + "\n"; // line 8: torn mid-file
    bytes += R"({"format":"other","version":1})"
             "\n"; // line 9
    bytes += encodeLine(frameLine("{\"i\":4}", 4)); // line 10
    const QString file = path(u"corrupted.bmonrec"_s);
    writeFile(file, bytes);
    RecordingReader r;
    QVERIFY(r.open(file));
    Line line;
    QList<quint64> seqs;
    while (r.next(&line))
        seqs << line.seq;
    QCOMPARE(seqs, (QList<quint64> {1, 2, 4}));
    const QStringList w = r.warnings();
    QCOMPARE(w.size(), 4);
    QVERIFY2(w[0].startsWith(u"line 3: "_s) && w[0].endsWith(u"(skipped)"_s), qPrintable(w[0]));
    QVERIFY2(w[1].startsWith(u"line 7: "_s), qPrintable(w[1]));
    QVERIFY2(w[2].startsWith(u"line 8: "_s), qPrintable(w[2]));
    QVERIFY2(w[3].startsWith(u"line 9: "_s), qPrintable(w[3]));

    // A damaged frame inside an intact-looking line: next() skips it; readInto() keeps what the
    // live path would have stored for such bytes, an invalid frame, and says so.
    QByteArray damaged = encodeHeader(testHeader());
    damaged += encodeLine(frameLine(R"({"type":"rows_created","table_id":21})", 1));
    damaged += encodeLine(frameLine(R"({"type":"rows_created","table_id":22})", 2)).replace(":22}", ":22");
    damaged += encodeLine(frameLine(R"({"type":"rows_created","table_id":23})", 3));
    writeFile(file, damaged);
    {
        RecordingReader rn;
        QVERIFY(rn.open(file));
        seqs.clear();
        while (rn.next(&line))
            seqs << line.seq;
        QCOMPARE(seqs, (QList<quint64> {1, 3}));
        QCOMPARE(rn.warnings().size(), 1);
        QVERIFY(rn.warnings().first().startsWith(u"line 3: "_s));
        RecordingReader ri;
        QVERIFY(ri.open(file));
        EventStore store;
        QCOMPARE(ri.readInto(store), 3);
        QCOMPARE(store.at(1).status(), ParseStatus::InvalidJson);
        QCOMPARE(store.at(2).tableId, 23u);
        QCOMPARE(ri.warnings().size(), 1);
        QVERIFY2(
            ri.warnings().first().startsWith(u"line 3: damaged frame"_s), qPrintable(ri.warnings().first()));
    }

    // Warnings are capped, not unbounded.
    QByteArray many = encodeHeader(testHeader());
    for (int i = 0; i < 5000; ++i)
        many += "x\n";
    writeFile(file, many);
    RecordingReader r2;
    QVERIFY(r2.open(file));
    while (r2.next(&line)) { }
    QVERIFY(r2.warnings().size() < 300);
    QVERIFY(r2.warnings().last().contains(u"more warning"_s));
}

void TestRecording::emptyAndForeignFiles()
{
    struct Bad
    {
        const char* name;
        QByteArray bytes;
        RecordingReader::Error error;
    };
    const QList<Bad> bad {
        {"empty", {}, RecordingReader::Error::Empty},
        {"blank", "\n \n\t\r\n", RecordingReader::Error::Empty},
        {"torn header", encodeHeader(testHeader()).left(20), RecordingReader::Error::Empty},
        {"text", "hello world\n", RecordingReader::Error::NotARecording},
        {"binary", QByteArray("\x89PNG\r\n\x1a\n\0\0", 10) + QByteArray(100000, '\xff'),
            RecordingReader::Error::NotARecording},
        {"json",
            R"({"a":1})"
            "\n",
            RecordingReader::Error::NotARecording},
        {"frame first", encodeLine(frameLine("{}", 1)), RecordingReader::Error::NotARecording},
        {"other format",
            R"({"format":"har","version":1})"
            "\n",
            RecordingReader::Error::NotARecording},
        {"har", R"({"log":{"version":"1.2","entries":[]}})", RecordingReader::Error::NotARecording},
    };
    for (const Bad& b : bad) {
        const QString file = path(u"bad-%1"_s.arg(QLatin1String(b.name)));
        writeFile(file, b.bytes);
        RecordingReader r;
        QVERIFY2(!r.open(file), b.name);
        QCOMPARE(r.error(), b.error);
        QVERIFY2(r.errorText().contains(file), qPrintable(r.errorText()));
        Line line;
        QVERIFY(!r.next(&line));
        EventStore store;
        QCOMPARE(r.readInto(store), -1);
    }
    RecordingReader r;
    QVERIFY(!r.open(path(u"does-not-exist"_s)));
    QCOMPARE(r.error(), RecordingReader::Error::CannotOpen);
    QVERIFY(r.errorText().contains(u"does-not-exist"_s));
    QVERIFY(!r.open(m_dir.path())); // a directory
    QVERIFY(r.error() != RecordingReader::Error::None);
}

void TestRecording::futureVersion()
{
    const QString file = path(u"future.bmonrec"_s);
    writeFile(file,
        R"({"format":"bmon-recording","version":2,"app":"9.0","new_field":{"x":1}})"
        "\n"
        R"({"something":"new"})"
        "\n");
    RecordingReader r;
    QVERIFY(!r.open(file));
    QCOMPARE(r.error(), RecordingReader::Error::NewerVersion);
    QVERIFY2(r.errorText().contains(u"newer"_s) && r.errorText().contains(u"version 2"_s),
        qPrintable(r.errorText()));
    QCOMPARE(decodeLine(R"({"format":"bmon-recording","version":99})").error, DecodeError::NewerVersion);
}

void TestRecording::futureSessionLater()
{
    const QString file = path(u"future-later.bmonrec"_s);
    writeFile(file,
        encodeHeader(testHeader()) + encodeLine(frameLine("{}", 1))
            + R"({"format":"bmon-recording","version":2})"
              "\n"
            + encodeLine(frameLine("[]", 1)));
    RecordingReader r;
    QVERIFY(r.open(file));
    Line line;
    QVERIFY(r.next(&line));
    QVERIFY(!r.next(&line));
    QCOMPARE(r.warnings().size(), 1);
    QVERIFY(r.warnings().first().contains(u"newer"_s));
}

void TestRecording::hugeLines()
{
    // A 50 MB frame reads back whole; a 50 MB garbage line in the middle is skipped.
    QByteArray big = R"({"type":"rows_created","rows":[{"id":1,"field_1":")";
    big += QByteArray(50 << 20, 'x');
    big += R"("}]})";
    const QString file = path(u"huge.bmonrec"_s);
    {
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(encodeHeader(testHeader()));
        f.write(encodeLine(frameLine(big, 1)));
        f.write(QByteArray(50 << 20, 'g'));
        f.write("\n");
        f.write(encodeLine(frameLine("{\"after\":true}", 2)));
    }
    {
        RecordingReader r;
        QVERIFY(r.open(file));
        Line line;
        QVERIFY(r.next(&line));
        QCOMPARE(line.frame.size(), big.size());
        QVERIFY(line.frame == big);
        QVERIFY(r.next(&line));
        QCOMPARE(line.frame, QByteArray("{\"after\":true}"));
        QCOMPARE(r.warnings().size(), 1);
        QVERIFY(r.warnings().first().startsWith(u"line 3: "_s));
    }
    {
        // Lines beyond the reader's limit stream past without being held.
        RecordingReader r;
        QVERIFY(r.open(file));
        r.setMaxLineBytes(8 << 20);
        Line line;
        QVERIFY(r.next(&line));
        QCOMPARE(line.frame, QByteArray("{\"after\":true}"));
        QVERIFY(!r.next(&line));
        QCOMPARE(r.warnings().size(), 2);
        QVERIFY2(r.warnings()[0].startsWith(u"line 2: longer than 8 MiB"_s), qPrintable(r.warnings()[0]));
        QVERIFY2(r.warnings()[1].startsWith(u"line 3: longer than 8 MiB"_s), qPrintable(r.warnings()[1]));
        QCOMPARE(r.position(), r.fileSize());
    }
    QFile::remove(file);
}

// Cut the file at every byte: never a crash, always the whole lines before the cut.
void TestRecording::truncatedEverywhere()
{
    QByteArray bytes = encodeHeader(testHeader());
    QList<qsizetype> ends; // where each frame line ends
    const auto cases = allCases();
    for (int i = 0; i < 12; ++i) {
        bytes
            += encodeLine(frameLine(cases[(i * 7) % cases.size()].second.frame, quint64(i + 1), i % 5 == 0));
        ends << bytes.size();
    }
    const QString file = path(u"cut.bmonrec"_s);
    const qsizetype headerSize = encodeHeader(testHeader()).size();
    for (qsizetype cut = headerSize; cut <= bytes.size(); cut += 3) {
        writeFile(file, bytes.left(cut));
        RecordingReader r;
        QVERIFY(r.open(file));
        Line line;
        int n = 0;
        while (r.next(&line))
            ++n;
        const int whole = int(std::count_if(ends.begin(), ends.end(), [&](qsizetype e) { return e <= cut; }));
        // A cut right before a '\n' leaves a complete line without its break: it counts.
        QVERIFY2(n == whole || (n == whole + 1 && ends.contains(cut + 1)), qPrintable(QString::number(cut)));
    }
}

// Random byte flips, deletions and insertions: a crash or a hang is the failure.
void TestRecording::randomDamage()
{
    QByteArray bytes = encodeHeader(testHeader());
    for (const auto& [name, c] : allCases())
        bytes += encodeLine(frameLine(c.frame, 1, c.binary));
    const QString file = path(u"fuzz.bmonrec"_s);
    QRandomGenerator rng(20260101);
    for (int round = 0; round < 300; ++round) {
        QByteArray damaged = bytes;
        const int edits = 1 + int(rng.bounded(20));
        for (int e = 0; e < edits; ++e) {
            const qsizetype at = rng.bounded(qint64(damaged.size()));
            switch (rng.bounded(4)) {
            case 0:
                damaged[at] = char(rng.bounded(256));
                break;
            case 1:
                damaged.remove(at, 1 + rng.bounded(50));
                break;
            case 2:
                damaged.insert(at, "\n");
                break;
            default:
                damaged.insert(at, QByteArray(1 + int(rng.bounded(8)), "{[\"\\:,}]"[rng.bounded(8)]));
            }
        }
        writeFile(file, damaged);
        RecordingReader r;
        if (!r.open(file)) {
            QVERIFY(!r.errorText().isEmpty());
            continue;
        }
        EventStore store;
        const qint64 n = r.readInto(store);
        QVERIFY(n >= 0);
        QCOMPARE(quint64(n), store.count());
    }
}

void TestRecording::writerFlushesOnItsOwn()
{
    const QString file = path(u"flush.bmonrec"_s);
    RecordingWriter w;
    w.setFlushIntervalMs(50);
    QString error;
    QVERIFY(w.open(file, testHeader(), &error));
    const qint64 headerSize = QFileInfo(file).size();
    QCOMPARE(headerSize, encodeHeader(testHeader()).size()); // the header is on disk at once
    const QByteArray line = encodeLine(frameLine(R"({"type":"x"})", 1));
    w.appendLine(frameLine(R"({"type":"x"})", 1));
    // No flush() or close(): the writer thread hands it to the kernel by itself.
    QTRY_COMPARE_WITH_TIMEOUT(QFileInfo(file).size(), headerSize + line.size(), 2000);
    QCOMPARE(readFile(file).mid(headerSize), line);
    QVERIFY(w.isOpen());
    // And again, still open.
    w.appendMeta(u"state"_s, 1, 2, 1, {{u"state"_s, u"live"_s}});
    QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(file).size() > headerSize + line.size(), 2000);
    QVERIFY(readFile(file).endsWith("}\n"));
    QTRY_COMPARE(w.linesWritten(), 3u);
    w.close();
    QVERIFY(!w.isOpen());
}

void TestRecording::writerMode0600AndAppends()
{
    const QString file = path(u"mode.bmonrec"_s);
    RecordingWriter w;
    QString error;
    QVERIFY(w.open(file, testHeader(), &error));
    QCOMPARE(w.path(), file);
    w.appendLine(frameLine("{}", 1));
    w.flush();
    struct stat st
    {
    };
    QCOMPARE(::stat(QFile::encodeName(file).constData(), &st), 0);
    QCOMPARE(st.st_mode & 0777, 0600u);
    const QByteArray before = readFile(file);
    QVERIFY(before.endsWith(encodeLine(frameLine("{}", 1))));
    w.close();
    RecordingWriter w2;
    QVERIFY(w2.open(file, testHeader(), &error));
    w2.close();
    QVERIFY(readFile(file).startsWith(before)); // appended, never truncated
    QCOMPARE(readFile(file).size(), before.size() + encodeHeader(testHeader()).size());
}

void TestRecording::writerRefusesForeignFile()
{
    const QString file = path(u"notes.txt"_s);
    writeFile(file, "my precious notes\n");
    RecordingWriter w;
    QString error;
    QVERIFY(!w.open(file, testHeader(), &error));
    QVERIFY2(error.contains(u"not a Baserow Monitor recording"_s), qPrintable(error));
    QCOMPARE(readFile(file), QByteArray("my precious notes\n"));
    QVERIFY(!w.isOpen());
    w.appendLine(frameLine("{}", 1)); // harmless when closed
    QVERIFY(!w.open(path(u"no-such-dir/x.bmonrec"_s), testHeader(), &error));
    QVERIFY(error.contains(u"no-such-dir"_s));
}

void TestRecording::writerErrors()
{
    // Disk full at once: open() fails with the system's reason.
    RecordingWriter full;
    QString error;
    if (QFile::exists(u"/dev/full"_s)) {
        QVERIFY(!full.open(u"/dev/full"_s, testHeader(), &error));
        QVERIFY2(error.contains(u"/dev/full"_s), qPrintable(error));
    }

    // Disk full later: a file size limit makes write(2) fail with EFBIG on the writer thread.
    const QString file = path(u"limited.bmonrec"_s);
    RecordingWriter w;
    QVERIFY(w.open(file, testHeader(), &error));
    rlimit old {};
    QCOMPARE(getrlimit(RLIMIT_FSIZE, &old), 0);
    const auto oldHandler = std::signal(SIGXFSZ, SIG_IGN);
    rlimit small = old;
    small.rlim_cur = 4096;
    QCOMPARE(setrlimit(RLIMIT_FSIZE, &small), 0);
    for (int i = 0; i < 100; ++i)
        w.appendLine(frameLine(QByteArray(200, 'y'), quint64(i)));
    w.flush();
    setrlimit(RLIMIT_FSIZE, &old);
    std::signal(SIGXFSZ, oldHandler);
    QVERIFY2(w.errorString().contains(file), qPrintable(w.errorString()));
    const qint64 size = QFileInfo(file).size();
    QVERIFY(size <= 4096);
    w.appendLine(frameLine("{}", 1000)); // stopped: dropped, no crash
    w.flush();
    QCOMPARE(QFileInfo(file).size(), size);
    w.close();
    QVERIFY(!w.errorString().isEmpty());
}

void TestRecording::threadsKeepTheirOrder()
{
    const QString file = path(u"threads.bmonrec"_s);
    RecordingWriter w;
    QString error;
    QVERIFY(w.open(file, testHeader(), &error));
    constexpr int Threads = 4;
    constexpr int PerThread = 25000;
    std::vector<std::thread> threads;
    for (int t = 0; t < Threads; ++t)
        threads.emplace_back([&w, t] {
            EventRecord rec;
            rec.generation = quint16(t + 1);
            for (int i = 0; i < PerThread; ++i) {
                const QByteArray frame = "{\"type\":\"rows_updated\",\"thread\":" + QByteArray::number(t)
                    + ",\"i\":" + QByteArray::number(i) + ",\"pad\":\"" + QByteArray(i % 300, 'p') + "\"}";
                rec.seq = quint64(i);
                rec.receivedUs = 1'767'225'600'000'000LL + i;
                w.appendRecord(rec, frame);
            }
        });
    for (auto& t : threads)
        t.join();
    w.close();
    QCOMPARE(w.errorString(), QString());
    QCOMPARE(w.linesWritten(), quint64(Threads * PerThread + 1));

    RecordingReader r;
    QVERIFY(r.open(file));
    int next[Threads] = {};
    Line line;
    int total = 0;
    while (r.next(&line)) {
        const QJsonObject o = QJsonDocument::fromJson(line.frame).object();
        const int t = o.value(u"thread"_s).toInt();
        QCOMPARE(line.generation, t + 1);
        QCOMPARE(o.value(u"i"_s).toInt(), next[t]);
        QCOMPARE(line.seq, quint64(next[t]));
        ++next[t];
        ++total;
    }
    QCOMPARE(total, Threads * PerThread);
    QVERIFY(r.warnings().isEmpty());
}

// The live path and the replay path build the same store.
void TestRecording::replayedStoreEqualsLive()
{
    EventStore live;
    Ingest ingest(live);
    qint64 t = 1'767'225'600'000'000LL;
    const auto cases = allCases();
    for (int round = 0; round < 3; ++round) {
        ingest.setGeneration(quint16(round + 1));
        for (const auto& [name, c] : cases) {
            t += 1234;
            if (c.binary)
                ingest.ingestBinary(c.frame, Direction::Received, t);
            else
                ingest.ingestUtf8(c.frame, round == 1 ? Direction::Sent : Direction::Received, t);
        }
    }
    const QString file = path(u"store.bmonrec"_s);
    RecordingWriter w;
    QString error;
    QVERIFY(w.open(file, testHeader(), &error));
    for (quint64 i = 0; i < live.count(); ++i) {
        w.appendRecord(live.at(i), live.payload(i));
        if (i == 10)
            w.appendMeta(u"close"_s, live.at(i).receivedUs, 0, 1, {{u"code"_s, 1006}});
    }
    w.close();

    RecordingReader r;
    QVERIFY(r.open(file));
    EventStore replayed;
    QList<Line> metas;
    QList<std::pair<qint64, qint64>> progress;
    const qint64 n = r.readInto(
        replayed, [&](const Line& m) { metas << m; },
        [&](qint64 done, qint64 total) {
            progress << std::pair {done, total};
        });
    QCOMPARE(n, qint64(live.count()));
    QCOMPARE(replayed.count(), live.count());
    QCOMPARE(metas.size(), 1);
    QCOMPARE(metas.first().metaType, u"close"_s);
    QVERIFY(progress.size() >= 2);
    QCOMPARE(progress.last().first, QFileInfo(file).size());
    for (quint64 i = 0; i < live.count(); ++i) {
        const EventRecord& a = live.at(i);
        const EventRecord& b = replayed.at(i);
        const QByteArray where = QByteArray::number(i);
        QVERIFY2(live.payload(i) == replayed.payload(i), where.constData());
        QCOMPARE(b.receivedUs, a.receivedUs);
        QCOMPARE(b.seq, a.seq);
        QCOMPARE(b.typeId, a.typeId);
        QCOMPARE(b.category, a.category);
        QCOMPARE(b.bits, a.bits); // status and direction
        QCOMPARE(b.flags, a.flags);
        QCOMPARE(b.generation, a.generation);
        QCOMPARE(b.workspaceId, a.workspaceId);
        QCOMPARE(b.applicationId, a.applicationId);
        QCOMPARE(b.tableId, a.tableId);
        QCOMPARE(b.viewId, a.viewId);
        QCOMPARE(b.fieldId, a.fieldId);
        QCOMPARE(b.pageId, a.pageId);
        QCOMPARE(b.rowCount, a.rowCount);
        QCOMPARE(b.payloadSize, a.payloadSize);
        const auto ra = live.rowIds(a);
        const auto rb = replayed.rowIds(b);
        QVERIFY2(std::equal(ra.begin(), ra.end(), rb.begin(), rb.end()), where.constData());
    }
}

// The example in FORMAT.md is a recording this reader reads without a warning.
void TestRecording::formatDocExample()
{
    const QString doc = QFINDTESTDATA("../../lib/core/recording/FORMAT.md");
    QVERIFY(!doc.isEmpty());
    const QByteArray text = readFile(doc);
    const qsizetype start = text.indexOf("```\n{", text.indexOf("## Example"));
    QVERIFY(start > 0);
    const QByteArray example = text.mid(start + 4, text.indexOf("```", start + 4) - start - 4);
    const QString file = path(u"example.bmonrec"_s);
    writeFile(file, example);
    RecordingReader r;
    QVERIFY2(r.open(file), qPrintable(r.errorText()));
    QCOMPARE(r.header().backendUrl, u"https://baserow.example.com"_s);
    QCOMPARE(r.header().startUs, parseIsoTimeUs("2026-01-01T09:00:00Z").value());
    Line line;
    QStringList kinds;
    while (r.next(&line)) {
        QCOMPARE(line.timeUs, parseIsoTimeUs(isoTimeUs(line.timeUs)).value());
        kinds << (line.kind == Line::Kind::Meta ? line.metaType : line.binary ? u"binary"_s : u"frame"_s);
    }
    QCOMPARE(kinds,
        (QStringList {u"state"_s, u"frame"_s, u"frame"_s, u"frame"_s, u"frame"_s, u"binary"_s, u"close"_s}));
    QCOMPARE(r.warnings(), QStringList());
}

QTEST_GUILESS_MAIN(TestRecording)
#include "tst_recording.moc"
