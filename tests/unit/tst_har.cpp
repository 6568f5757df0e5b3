// SPDX-License-Identifier: MIT
// HAR 1.2 export/import: lossless round trips of monitor recordings, Chrome DevTools' shape,
// redaction, and clear errors for what is not a HAR.
#include "core/recording/har.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTest>

using namespace bmon;
using namespace bmon::recording;
using namespace Qt::StringLiterals;

namespace {

constexpr qint64 T0 = 1741944414215000; // 2025-03-14T09:26:54.215Z
const QByteArray Jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VyX2lkIjo3fQ.c2lnbmF0dXJlLXNlY3JldA";

Line frame(qint64 timeUs, Direction dir, const QByteArray& bytes, bool binary = false, quint16 generation = 1)
{
    Line line;
    line.kind = Line::Kind::Frame;
    line.timeUs = timeUs;
    line.direction = dir;
    line.frame = bytes;
    line.binary = binary;
    line.generation = generation;
    return line;
}

Line meta(qint64 timeUs, const QString& type, const QJsonObject& fields, quint16 generation = 1)
{
    Line line;
    line.kind = Line::Kind::Meta;
    line.timeUs = timeUs;
    line.metaType = type;
    line.meta = fields;
    line.generation = generation;
    return line;
}

//! Seqs as the live recorder writes them: frames from \a first on, a meta the seq of the frame before it.
QList<Line> numbered(QList<Line> lines, quint64 first)
{
    quint64 seq = first - 1;
    for (Line& line : lines)
        line.seq = line.kind == Line::Kind::Frame ? ++seq : seq;
    return lines;
}

QList<HarSession> sampleSessions()
{
    QByteArray allBytes;
    for (int i = 0; i < 256; ++i)
        allBytes.append(char(i));

    HarSession a;
    a.header.appVersion = u"0.5.0"_s;
    a.header.backendUrl = u"https://api.example.com"_s;
    a.header.serverVersion = u"1.35.3"_s;
    a.header.startUs = T0;
    a.header.login = u"ada@example.com"_s;
    a.header.extra = QJsonObject {{u"note"_s, u"demo"_s}};
    a.lines = {
        meta(T0 + 1, u"connect"_s, {{u"url"_s, u"wss://api.example.com/ws/core/?jwt_token=REDACTED"_s}}),
        frame(T0 + 43411, Direction::Received,
            R"({"type": "authentication", "success": true, "web_socket_id": "5f0d3c8e-2b7a-4d1e-9a63-8c1f0e4b7a29"})"),
        frame(T0 + 48007, Direction::Sent, R"({"page":"table","table_id":21})"),
        meta(T0 + 50000, u"rest"_s,
            {{u"method"_s, u"GET"_s},
                {u"url"_s,
                    QString(u"https://api.example.com/api/database/fields/table/21/?jwt_token="_s
                        + QString::fromLatin1(Jwt))},
                {u"status"_s, 200}, {u"durationMs"_s, 12.5}}),
        frame(T0 + 86562, Direction::Received,
            R"({"type": "page_add", "page": "table", "parameters": {"table_id": 21}})"),
        // Non-ASCII raw and escaped, quotes, backslashes, a big integer that doubles would round.
        frame(T0 + 999999, Direction::Received,
            "{\"type\": \"rows_updated\", \"table_id\": 21, \"rows\": [{\"id\": 12345678901234567890, "
            "\"field_101\": \"Cr\xc3\xa8me br\xc3\xbbl\xc3\xa9"
            "e \xe2\x82\xac \xf0\x9f\x98\x80\", "
            "\"field_102\": \"\\u00e9 \\\"quoted\\\" back\\\\slash \\n tab\\t\"}], \"metadata\": {}}"),
        frame(T0 + 1000000, Direction::Received, "not json\nwith a raw newline and a \x01 control"),
        frame(T0 + 1000001, Direction::Received, allBytes, true),
        frame(T0 + 1000002, Direction::Received, QByteArray("bad utf-8 \xff\xfe here", 17)),
        frame(T0 + 1000003, Direction::Received, QByteArray()),
        meta(T0 + 2000000, u"close"_s, {{u"code"_s, 1006}, {u"reason"_s, u"lost"_s}}),
        frame(T0 + 3000000, Direction::Received, R"({"type":"rows_deleted","table_id":21,"row_ids":[3]})",
            false, 2),
    };

    a.lines = numbered(a.lines, 1);
    // The meta just after a frame at the same µs keeps its place.
    a.lines.insert(3, meta(a.lines.at(2).timeUs, u"subscription"_s, {{u"page"_s, u"table"_s}}));
    a.lines[3].seq = a.lines.at(2).seq;

    HarSession b;
    b.header.appVersion = u"0.5.0"_s;
    b.header.backendUrl = u"http://127.0.0.1:8000"_s;
    b.header.startUs = T0 + 3600000000;
    b.lines = {frame(T0 + 3600000001, Direction::Received, R"({"type":"authentication","success":true})"),
        frame(T0 + 3600999999, Direction::Sent, R"({"page":"table","table_id":22})")};
    b.lines = numbered(b.lines, 501); // a recording that began mid-session
    return {a, b};
}

QList<Line> framesOf(const QList<Line>& lines)
{
    QList<Line> result;
    for (const Line& line : lines) {
        if (line.kind == Line::Kind::Frame)
            result << line;
    }
    return result;
}

QList<Line> metasOf(const QList<Line>& lines)
{
    QList<Line> result;
    for (const Line& line : lines) {
        if (line.kind == Line::Kind::Meta)
            result << line;
    }
    return result;
}

QJsonObject parseObject(const QByteArray& json)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError)
        qWarning() << "not JSON:" << error.errorString() << error.offset;
    return doc.object();
}

QByteArray chromeHar()
{
    QFile f(QFINDTESTDATA("data/chrome-baserow.har"));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll();
}

} // namespace

class TestHar : public QObject
{
    Q_OBJECT

private slots:
    void roundTripKeepsFramesExactly();
    void roundTripKeepsHeadersAndMetas();
    void exportIsHar12InChromeShape();
    void exportNeverCarriesAToken();
    void importsChromeHar();
    void importsFirefoxAndOldChromeShapes();
    void badInputs_data();
    void badInputs();
    void damagedInputsNeverCrash();
};

void TestHar::roundTripKeepsFramesExactly()
{
    const QList<HarSession> sessions = sampleSessions();
    QString error;
    const QList<HarSession> back = readHar(writeHar(sessions, u"0.5.0"_s), &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(back.size(), sessions.size());
    for (qsizetype s = 0; s < sessions.size(); ++s) {
        const QList<Line> expected = framesOf(sessions.at(s).lines);
        const QList<Line> actual = framesOf(back.at(s).lines);
        QCOMPARE(actual.size(), expected.size());
        for (qsizetype i = 0; i < expected.size(); ++i) {
            QCOMPARE(actual.at(i).frame, expected.at(i).frame);
            QCOMPARE(actual.at(i).binary, expected.at(i).binary);
            QCOMPARE(actual.at(i).direction, expected.at(i).direction);
            QCOMPARE(actual.at(i).timeUs, expected.at(i).timeUs);
            QCOMPARE(actual.at(i).generation, expected.at(i).generation);
        }
        // Every line in its place with its seq, metas included.
        QCOMPARE(back.at(s).lines.size(), sessions.at(s).lines.size());
        for (qsizetype i = 0; i < sessions.at(s).lines.size(); ++i) {
            QCOMPARE(back.at(s).lines.at(i).kind, sessions.at(s).lines.at(i).kind);
            QCOMPARE(back.at(s).lines.at(i).seq, sessions.at(s).lines.at(i).seq);
        }
    }

    // µs survive seconds-as-doubles for every fraction, today and in a century.
    for (qint64 base : {qint64(1741944414) * 1000000, qint64(4102444800) * 1000000}) {
        HarSession s;
        s.header.startUs = base;
        QRandomGenerator rng(42);
        for (int i = 0; i < 2000; ++i)
            s.lines << frame(base + rng.bounded(1000000) + qint64(i) * 1000000, Direction::Received, "{}");
        const QList<HarSession> r = readHar(writeHar({s}, u"x"_s), &error);
        QCOMPARE(r.size(), 1);
        QCOMPARE(r.constFirst().lines.size(), s.lines.size());
        for (qsizetype i = 0; i < s.lines.size(); ++i)
            QCOMPARE(r.constFirst().lines.at(i).timeUs, s.lines.at(i).timeUs);
    }
}

void TestHar::roundTripKeepsHeadersAndMetas()
{
    const QList<HarSession> sessions = sampleSessions();
    QString error;
    const QList<HarSession> back = readHar(writeHar(sessions, u"0.5.0"_s), &error);
    QCOMPARE(back.size(), 2);
    const Header& h = back.constFirst().header;
    QCOMPARE(h.appVersion, u"0.5.0"_s);
    QCOMPARE(h.backendUrl, u"https://api.example.com"_s);
    QCOMPARE(h.serverVersion, u"1.35.3"_s);
    QCOMPARE(h.startUs, T0);
    QCOMPARE(h.login, u"ada@example.com"_s);
    QCOMPARE(h.extra.value(u"note"_s).toString(), u"demo"_s);
    QCOMPARE(h.extra.value(u"source"_s).toString(), u"har"_s);
    QCOMPARE(back.at(1).header.backendUrl, u"http://127.0.0.1:8000"_s);
    QCOMPARE(back.at(1).header.startUs, T0 + 3600000000);

    const QList<Line> metas = metasOf(back.constFirst().lines);
    QCOMPARE(metas.size(), 4);
    QCOMPARE(metas.at(0).metaType, u"connect"_s);
    QCOMPARE(metas.at(0).timeUs, T0 + 1);
    QCOMPARE(metas.at(1).metaType, u"subscription"_s);
    QCOMPARE(metas.at(1).meta.value(u"page"_s).toString(), u"table"_s);
    QCOMPARE(metas.at(2).metaType, u"rest"_s);
    QCOMPARE(metas.at(2).timeUs, T0 + 50000);
    QCOMPARE(metas.at(2).meta.value(u"status"_s).toInt(), 200);
    QCOMPARE(metas.at(2).meta.value(u"url"_s).toString(),
        u"https://api.example.com/api/database/fields/table/21/?jwt_token=REDACTED"_s);
    QCOMPARE(metas.at(3).metaType, u"close"_s);
    QCOMPARE(metas.at(3).meta.value(u"code"_s).toInt(), 1006);
    QCOMPARE(metas.at(3).meta.value(u"reason"_s).toString(), u"lost"_s);

    // Metas sit between the frames where they were recorded.
    const QList<Line>& lines = back.constFirst().lines;
    QCOMPARE(lines.size(), sessions.constFirst().lines.size());
    for (qsizetype i = 0; i < lines.size(); ++i) {
        QCOMPARE(lines.at(i).kind, sessions.constFirst().lines.at(i).kind);
        QCOMPARE(lines.at(i).timeUs, sessions.constFirst().lines.at(i).timeUs);
    }
}

void TestHar::exportIsHar12InChromeShape()
{
    const QByteArray har = writeHar(sampleSessions(), u"0.5.0"_s);
    const QJsonObject log = parseObject(har).value(u"log"_s).toObject();
    QCOMPARE(log.value(u"version"_s).toString(), u"1.2"_s);
    QCOMPARE(log.value(u"creator"_s).toObject().value(u"name"_s).toString(), u"Baserow Monitor"_s);
    QCOMPARE(log.value(u"creator"_s).toObject().value(u"version"_s).toString(), u"0.5.0"_s);

    const QJsonArray pages = log.value(u"pages"_s).toArray();
    QCOMPARE(pages.size(), 2);
    QStringList pageIds;
    for (const QJsonValue& v : pages) {
        const QJsonObject page = v.toObject();
        for (const char* key : {"startedDateTime", "id", "title", "pageTimings"})
            QVERIFY2(page.contains(QLatin1String(key)), key);
        pageIds << page.value(u"id"_s).toString();
    }

    static const QRegularExpression iso(uR"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$)"_s);
    const QJsonArray entries = log.value(u"entries"_s).toArray();
    QCOMPARE(entries.size(), 3); // two sockets and one REST call
    int sockets = 0;
    QString previousStart;
    for (const QJsonValue& v : entries) {
        const QJsonObject e = v.toObject();
        for (const char* key : {"startedDateTime", "time", "request", "response", "cache", "timings"})
            QVERIFY2(e.contains(QLatin1String(key)), key);
        const QString started = e.value(u"startedDateTime"_s).toString();
        QVERIFY2(iso.match(started).hasMatch(), qPrintable(started));
        QVERIFY(started >= previousStart); // entries in start order
        previousStart = started;
        QVERIFY(e.value(u"time"_s).isDouble());
        QVERIFY(pageIds.contains(e.value(u"pageref"_s).toString()));
        const QJsonObject req = e.value(u"request"_s).toObject();
        for (const char* key :
            {"method", "url", "httpVersion", "headers", "queryString", "cookies", "headersSize", "bodySize"})
            QVERIFY2(req.contains(QLatin1String(key)), key);
        const QJsonObject res = e.value(u"response"_s).toObject();
        for (const char* key : {"status", "statusText", "httpVersion", "headers", "cookies", "content",
                 "redirectURL", "headersSize", "bodySize"})
            QVERIFY2(res.contains(QLatin1String(key)), key);
        QVERIFY(res.value(u"content"_s).toObject().contains(u"size"_s));
        QVERIFY(res.value(u"content"_s).toObject().contains(u"mimeType"_s));
        const QJsonObject timings = e.value(u"timings"_s).toObject();
        for (const char* key : {"send", "wait", "receive"})
            QVERIFY2(timings.value(QLatin1String(key)).isDouble(), key);

        if (e.value(u"_resourceType"_s).toString() != u"websocket"_s)
            continue;
        ++sockets;
        QCOMPARE(req.value(u"method"_s).toString(), u"GET"_s);
        QCOMPARE(res.value(u"status"_s).toInt(), 101);
        QCOMPARE(res.value(u"statusText"_s).toString(), u"Switching Protocols"_s);
        QVERIFY(res.contains(u"_transferSize"_s));
        const QUrl url(req.value(u"url"_s).toString());
        QVERIFY(url.scheme() == u"wss"_s || url.scheme() == u"ws"_s);
        QCOMPARE(url.path(), u"/ws/core/"_s);
        QCOMPARE(url.query(), u"jwt_token=REDACTED"_s);
        for (const QJsonValue& m : e.value(u"_webSocketMessages"_s).toArray()) {
            const QJsonObject message = m.toObject();
            QVERIFY(message.value(u"type"_s) == u"send"_s || message.value(u"type"_s) == u"receive"_s);
            QVERIFY(message.value(u"time"_s).toDouble() > 1.7e9); // seconds, not ms or µs
            QVERIFY(message.value(u"opcode"_s) == 1 || message.value(u"opcode"_s) == 2);
            QVERIFY(message.value(u"data"_s).isString());
        }
    }
    QCOMPARE(sockets, 2);

    // The first socket: wss for an https backend, data the exact frame text, binary as base64.
    QJsonObject first;
    for (const QJsonValue& v : entries) {
        if (v.toObject().value(u"_resourceType"_s) == u"websocket"_s) {
            first = v.toObject();
            break;
        }
    }
    QCOMPARE(first.value(u"request"_s).toObject().value(u"url"_s).toString(),
        u"wss://api.example.com/ws/core/?jwt_token=REDACTED"_s);
    const QJsonArray messages = first.value(u"_webSocketMessages"_s).toArray();
    QCOMPARE(messages.size(), 9);
    QCOMPARE(messages.at(0).toObject().value(u"type"_s).toString(), u"receive"_s);
    QCOMPARE(messages.at(1).toObject().value(u"type"_s).toString(), u"send"_s);
    QCOMPARE(messages.at(1).toObject().value(u"data"_s).toString(), uR"({"page":"table","table_id":21})"_s);
    QCOMPARE(messages.at(0).toObject().value(u"time"_s).toDouble(), 1741944414.258411);
    QCOMPARE(messages.at(5).toObject().value(u"opcode"_s).toInt(), 2);
    QCOMPARE(
        QByteArray::fromBase64(messages.at(5).toObject().value(u"data"_s).toString().toLatin1()).size(), 256);
    // The literal text of the times in the file: exactly six decimals.
    QVERIFY(har.contains(R"("time":1741944414.258411,"opcode":1)"));
    // Metas without an entry of their own ride along, documented as _bmonMeta.
    QCOMPARE(first.value(u"_bmonMeta"_s).toArray().size(), 3);
}

void TestHar::exportNeverCarriesAToken()
{
    QList<HarSession> sessions = sampleSessions();
    // Even a careless caller's backend URL with a token must not leak.
    sessions[1].header.backendUrl = u"http://127.0.0.1:8000/?jwt_token="_s + QString::fromLatin1(Jwt);
    const QByteArray har = writeHar(sessions, u"0.5.0"_s);
    QVERIFY(!har.contains(Jwt));
    QVERIFY(!har.contains("eyJhbGciOiJIUzI1NiIs"));
    static const QRegularExpression token(uR"(jwt_token=(?!REDACTED(?:[^A-Za-z0-9_.-]|$)))"_s);
    const QRegularExpressionMatch m = token.match(QString::fromUtf8(har));
    QVERIFY2(!m.hasMatch(), qPrintable(QString::fromUtf8(har.mid(m.capturedStart() - 40, 120))));
    QVERIFY(har.count("jwt_token=REDACTED") >= 3);
}

void TestHar::importsChromeHar()
{
    const QByteArray har = chromeHar();
    QVERIFY(!har.isEmpty());
    QString error;
    const QList<HarSession> sessions = readHar(har, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(sessions.size(), 1);
    const HarSession& s = sessions.constFirst();
    QCOMPARE(s.header.backendUrl, u"https://api.example.com"_s);
    QCOMPARE(s.header.startUs, T0);
    QCOMPARE(s.header.extra.value(u"source"_s).toString(), u"har"_s);

    // The two API calls (not the logo) as rest metas, between the frames by time.
    const QList<Line>& lines = s.lines;
    QCOMPARE(lines.size(), 6);
    const QList<quint64> seqs {0, 1, 2, 3, 3, 4};
    for (qsizetype i = 0; i < lines.size(); ++i)
        QCOMPARE(lines.at(i).seq, seqs.at(i));

    QCOMPARE(lines.at(0).kind, Line::Kind::Meta);
    QCOMPARE(lines.at(0).metaType, u"rest"_s);
    QCOMPARE(lines.at(0).timeUs, qint64(1741944414102000));
    QCOMPARE(lines.at(0).meta.value(u"method"_s).toString(), u"GET"_s);
    QCOMPARE(lines.at(0).meta.value(u"status"_s).toInt(), 200);
    QVERIFY(lines.at(0).meta.value(u"url"_s).toString().startsWith(
        u"https://api.example.com/api/database/views/grid/55/?include="_s));
    QVERIFY(qAbs(lines.at(0).meta.value(u"durationMs"_s).toDouble() - 87.563) < 0.001);

    QCOMPARE(lines.at(1).kind, Line::Kind::Frame);
    QCOMPARE(lines.at(1).direction, Direction::Received);
    QCOMPARE(lines.at(1).timeUs, qint64(1741944414258411));
    QCOMPARE(lines.at(1).frame,
        QByteArray(
            R"({"type": "authentication", "success": true, "web_socket_id": "5f0d3c8e-2b7a-4d1e-9a63-8c1f0e4b7a29"})"));
    QCOMPARE(lines.at(1).binary, false);
    QCOMPARE(lines.at(1).generation, quint16(1));

    QCOMPARE(lines.at(2).direction, Direction::Sent);
    QCOMPARE(lines.at(2).timeUs, qint64(1741944414263007));
    QCOMPARE(lines.at(2).frame, QByteArray(R"({"page":"table","table_id":21})"));

    QCOMPARE(lines.at(3).frame,
        QByteArray(R"({"type": "page_add", "page": "table", "parameters": {"table_id": 21}})"));
    QCOMPARE(lines.at(3).timeUs, qint64(1741944414301562));

    QCOMPARE(lines.at(4).kind, Line::Kind::Meta);
    QCOMPARE(lines.at(4).meta.value(u"method"_s).toString(), u"PATCH"_s);
    const QString patchUrl = lines.at(4).meta.value(u"url"_s).toString();
    QVERIFY2(patchUrl.contains(u"token=REDACTED"_s), qPrintable(patchUrl));
    QVERIFY2(!patchUrl.contains(u"eyJ"_s), qPrintable(patchUrl));
    QVERIFY(patchUrl.contains(u"user_field_names=false"_s));

    QCOMPARE(lines.at(5).timeUs, qint64(1741944431877250));
    // The \u escapes of the original frame text are kept as sent, not decoded.
    QVERIFY(lines.at(5).frame.startsWith(R"({"type": "rows_updated", "table_id": 21,)"));
    QVERIFY(lines.at(5).frame.contains(R"("Initech \u00e9t\u00e9")"));
}

void TestHar::importsFirefoxAndOldChromeShapes()
{
    // Firefox: no _resourceType, a 101 response, offsets in startedDateTime, no messages saved.
    const QByteArray firefox
        = R"({"log":{"version":"1.2","creator":{"name":"Firefox","version":"128.0"},"entries":[
        {"startedDateTime":"2025-03-14T10:26:54.215+01:00","time":5,
         "request":{"method":"GET","url":"ws://localhost:8000/ws/core/?jwt_token=abc","headers":[]},
         "response":{"status":101,"statusText":"Switching Protocols","headers":[],"content":{}}},
        {"startedDateTime":"2025-03-14T10:26:55.000+01:00","time":5,
         "request":{"method":"POST","url":"http://localhost:8000/api/user/token-auth/"},
         "response":{"status":200,"content":{"mimeType":"application/json"}}}]}})";
    QString error;
    QList<HarSession> sessions = readHar(firefox, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(sessions.size(), 1);
    QCOMPARE(sessions.constFirst().header.backendUrl, u"http://localhost:8000"_s);
    QCOMPARE(sessions.constFirst().header.startUs, T0);
    QCOMPARE(sessions.constFirst().lines.size(), 1);
    QCOMPARE(sessions.constFirst().lines.constFirst().meta.value(u"method"_s).toString(), u"POST"_s);

    // Old Chrome: message times on a monotonic clock, placed relative to the entry's start.
    const QByteArray oldChrome = R"({"log":{"entries":[{"_resourceType":"websocket",
        "startedDateTime":"2025-03-14T09:26:54.215Z","request":{"url":"wss://h/ws/core/"},"response":{"status":101},
        "_webSocketMessages":[{"type":"receive","time":81234.5,"opcode":1,"data":"{}"},
                              {"type":"send","time":81235.25,"opcode":1,"data":"[]"},
                              {"type":"receive","time":81235.5,"opcode":2,"data":"AAEC"}]}]}})";
    sessions = readHar(oldChrome, &error);
    QCOMPARE(sessions.size(), 1);
    const QList<Line>& lines = sessions.constFirst().lines;
    QCOMPARE(lines.size(), 3);
    QCOMPARE(lines.at(0).timeUs, T0);
    QCOMPARE(lines.at(1).timeUs, T0 + 750000);
    QCOMPARE(lines.at(1).direction, Direction::Sent);
    QCOMPARE(lines.at(2).binary, true);
    QCOMPARE(lines.at(2).frame, QByteArray("\x00\x01\x02", 3));
}

void TestHar::badInputs_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("expected");
    QTest::newRow("empty") << QByteArray() << u"empty"_s;
    QTest::newRow("blank") << QByteArray(" \n\t") << u"empty"_s;
    QTest::newRow("not JSON") << QByteArray("<html>nope</html>") << u"not JSON"_s;
    QTest::newRow("binary garbage") << QByteArray("\x00\xff\x13{", 4) << u"not JSON"_s;
    QTest::newRow("truncated") << QByteArray(R"({"log":{"entries":[)") << u"not JSON"_s;
    QTest::newRow("array") << QByteArray("[1,2]") << u"log.entries"_s;
    QTest::newRow("no log") << QByteArray(R"({"version":"1.2"})") << u"log.entries"_s;
    QTest::newRow("log not object") << QByteArray(R"({"log":[]})") << u"log.entries"_s;
    QTest::newRow("entries not array") << QByteArray(R"({"log":{"entries":{}}})") << u"log.entries"_s;
    QTest::newRow("no websocket") << QByteArray(
        R"({"log":{"version":"1.2","entries":[{"request":{"method":"GET",
            "url":"https://h/api/x/"},"response":{"status":200}}, 3, "x", null]}})")
                                  << u"no WebSocket entry"_s;
    QTest::newRow("no entries") << QByteArray(R"({"log":{"entries":[]}})") << u"no WebSocket entry"_s;
}

void TestHar::badInputs()
{
    QFETCH(QByteArray, input);
    QFETCH(QString, expected);
    QString error;
    const QList<HarSession> sessions = readHar(input, &error);
    QVERIFY(sessions.isEmpty());
    QVERIFY2(error.contains(expected), qPrintable(error));
}

void TestHar::damagedInputsNeverCrash()
{
    const QByteArray goods[] = {writeHar(sampleSessions(), u"0.5.0"_s), chromeHar()};
    QRandomGenerator rng(7);
    int parsed = 0;
    for (int round = 0; round < 400; ++round) {
        const QByteArray& good = goods[(round / 2) % 2];
        QByteArray bad = good;
        if (round % 2) {
            bad.truncate(rng.bounded(good.size()));
        } else {
            for (int flips = 0; flips < 1 + round % 5; ++flips)
                bad[rng.bounded(bad.size())] = char(rng.bounded(256));
        }
        QString error;
        const QList<HarSession> sessions = readHar(bad, &error);
        QVERIFY(sessions.isEmpty() != error.isEmpty());
        parsed += sessions.isEmpty() ? 0 : 1;
    }
    // Wrong-typed fields in a valid document are tolerated.
    const QByteArray weird = R"({"log":{"entries":[{"_resourceType":"websocket","startedDateTime":7,
        "request":"x","response":{"status":"101"},"_bmonSession":[],"_bmonMeta":{"a":1},
        "_webSocketMessages":[null,1,{"type":"send"},{"type":"receive","time":"x","opcode":"1","data":5},
        {"type":"receive","time":1e300,"opcode":2,"data":"***"},{"type":"send","time":-1e308,"data":"ok"}]}]}})";
    QString error;
    const QList<HarSession> sessions = readHar(weird, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(sessions.size(), 1);
    QCOMPARE(sessions.constFirst().lines.size(), 4);
    QCOMPARE(sessions.constFirst().lines.at(3).frame, QByteArray("ok"));
    QVERIFY(parsed > 0); // some damage lands inside strings and still reads
}

QTEST_GUILESS_MAIN(TestHar)
#include "tst_har.moc"
