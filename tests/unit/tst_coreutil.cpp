// SPDX-License-Identifier: MIT
// Server versions, redaction and the JSON Lines / summary renderings.
#include "core/eventformat.h"
#include "core/eventstore.h"
#include "core/ingest.h"
#include "core/jwt.h"
#include "core/redact.h"
#include "core/serverversion.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace bmon;

class TestCoreUtil : public QObject
{
    Q_OBJECT

private slots:
    void versions_data();
    void versions();
    void versionFeatures();
    void redaction();
    void jsonLines();
    void summaries_data();
    void summaries();
};

void TestCoreUtil::versions_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("code");
    QTest::newRow("plain") << QStringLiteral("1.35.3") << 13503;
    QTest::newRow("two parts") << QStringLiteral("1.15") << 11500;
    QTest::newRow("v prefix") << QStringLiteral("v1.22.1") << 12201;
    QTest::newRow("suffix") << QStringLiteral("1.30.0-rc1") << 13000;
    QTest::newRow("old") << QStringLiteral("0.8.0") << 800;
    QTest::newRow("garbage") << QStringLiteral("latest") << -1;
    QTest::newRow("empty") << QString() << -1;
}

void TestCoreUtil::versions()
{
    QFETCH(QString, text);
    QFETCH(int, code);
    const auto v = ServerVersion::parse(text);
    QCOMPARE(v ? v->code() : -1, code);
}

void TestCoreUtil::versionFeatures()
{
    const ServerVersion v112 {1, 12, 1}, v115 {1, 15, 2}, v135 {1, 35, 3};
    QVERIFY(!v112.hasSimpleJwt() && v115.hasSimpleJwt());
    QVERIFY(!v115.hasMultiplePages() && v135.hasMultiplePages());
    QVERIFY(v115.hasGroupsEndpoint() && !v115.hasWorkspacesEndpoint());
    QVERIFY(!v135.hasGroupsEndpoint() && v135.hasWorkspacesEndpoint());
    QVERIFY(!v112.hasHashedReorderIds() && v115.hasHashedReorderIds());
    QVERIFY(!(ServerVersion {0, 9, 0}.isSupported()));
    QVERIFY((ServerVersion {1, 36, 0}.isNewerThanKnown()));
    QVERIFY(v112 < v115);
}

void TestCoreUtil::redaction()
{
    const QByteArray token = jwt::signHs256({{QStringLiteral("user_id"), 1}}, "k");
    const QUrl url(QStringLiteral("wss://api.example.com/ws/core/?jwt_token=") + QString::fromLatin1(token));
    const QString shown = redactUrl(url);
    QVERIFY(!shown.contains(QString::fromLatin1(token)));
    QVERIFY(shown.contains(QLatin1String("jwt_token=REDACTED")));
    QVERIFY(shown.startsWith(QLatin1String("wss://api.example.com/ws/core/")));
    QCOMPARE(redactUrl(QUrl(QStringLiteral("ws://h/ws/core/?jwt_token=anonymous"))),
        QStringLiteral("ws://h/ws/core/?jwt_token=anonymous"));
    QVERIFY(!redactUrl(QUrl(QStringLiteral("https://u:pw@h/"))).contains(QLatin1String("pw")));

    const QString message = QStringLiteral("Host requires authentication: %1 (url ?jwt_token=abc.def)")
                                .arg(QString::fromLatin1(token));
    const QString clean = redactSecrets(message);
    QVERIFY(!clean.contains(QString::fromLatin1(token)));
    QVERIFY(!clean.contains(QLatin1String("abc.def")));
    QVERIFY(clean.contains(QLatin1String("[token]")));
}

void TestCoreUtil::jsonLines()
{
    EventStore store;
    Ingest ingest(store);
    ingest.setGeneration(2);
    ingest.ingestUtf8("{\n \"type\": \"rows_updated\", \"table_id\": 21,\n \"rows\": [{\"id\": 1}, {\"id\": "
                      "2}], \"n\": 12345678901234567890}");
    ingest.ingestUtf8("{\"type\":\"rows_upd", Direction::Received);
    ingest.ingestBinary(QByteArray("\x01\x02", 2));
    ingest.ingestUtf8(R"({"page":"view","slug":"abc"})", Direction::Sent);
    QByteArray out;
    for (quint64 i = 0; i < store.count(); ++i)
        EventFormat::appendJsonLine(out, store.at(i), store.payload(i), store.rowIds(store.at(i)));
    const QList<QByteArray> lines = out.split('\n');
    QCOMPARE(lines.size(), 5); // four lines and the empty tail
    QVERIFY(lines.last().isEmpty());

    QJsonObject first = QJsonDocument::fromJson(lines[0]).object();
    QCOMPARE(first.value(QLatin1String("seq")).toInt(), 1);
    QCOMPARE(first.value(QLatin1String("gen")).toInt(), 2);
    QCOMPARE(first.value(QLatin1String("dir")).toString(), QStringLiteral("in"));
    QCOMPARE(first.value(QLatin1String("type")).toString(), QStringLiteral("rows_updated"));
    QCOMPARE(
        first.value(QLatin1String("scope")).toObject().value(QLatin1String("row_ids")).toArray().size(), 2);
    QVERIFY(first.value(QLatin1String("time")).toString().endsWith(QLatin1Char('Z')));
    // The frame is embedded verbatim: the big integer keeps every digit.
    QVERIFY(lines[0].contains("12345678901234567890"));

    const QJsonObject broken = QJsonDocument::fromJson(lines[1]).object();
    QCOMPARE(broken.value(QLatin1String("status")).toString(), QStringLiteral("invalid_json"));
    QCOMPARE(broken.value(QLatin1String("frame_text")).toString(), QStringLiteral("{\"type\":\"rows_upd"));
    QVERIFY(broken.value(QLatin1String("error")).toString().contains(QLatin1String("invalid JSON")));

    const QJsonObject binary = QJsonDocument::fromJson(lines[2]).object();
    QCOMPARE(QByteArray::fromBase64(binary.value(QLatin1String("frame_base64")).toString().toLatin1()),
        QByteArray("\x01\x02", 2));

    const QJsonObject sent = QJsonDocument::fromJson(lines[3]).object();
    QCOMPARE(sent.value(QLatin1String("dir")).toString(), QStringLiteral("out"));
    QCOMPARE(sent.value(QLatin1String("scope")).toObject().value(QLatin1String("view_slug")).toString(),
        QStringLiteral("abc"));
    QCOMPARE(sent.value(QLatin1String("scope")).toObject().value(QLatin1String("page")).toString(),
        QStringLiteral("view"));
}

void TestCoreUtil::summaries_data()
{
    QTest::addColumn<QByteArray>("frame");
    QTest::addColumn<QString>("summary");
    QTest::newRow("rows_updated") << QByteArray(
        R"({"type":"rows_updated","table_id":21,"rows_before_update":[],"rows":[{"id":1},{"id":2}],"updated_field_ids":[102,103,104]})")
                                  << QStringLiteral("rows_updated · table 21 · 2 rows · fields 102,103,104");
    QTest::newRow("rows_updated legacy fields") << QByteArray(
        R"({"type":"rows_updated","table_id":21,"rows_before_update":[{"id":1,"field_1":"a","field_2":1}],"rows":[{"id":1,"field_1":"b","field_2":1}]})")
                                                << QStringLiteral(
                                                       "rows_updated · table 21 · 1 row · fields 1");
    QTest::newRow("move") << QByteArray(
        R"({"type":"rows_updated","table_id":21,"rows":[{"id":1}],"updated_field_ids":[]})")
                          << QStringLiteral("rows_updated · table 21 · 1 row · moved");
    QTest::newRow("page_add") << QByteArray(
        R"({"type":"page_add","page":"table","parameters":{"table_id":21}})")
                              << QStringLiteral("page_add · table 21 · page table (table_id 21)");
    QTest::newRow("view token hidden")
        << QByteArray(R"({"type":"page_add","page":"view","parameters":{"slug":"s","token":"secret"}})")
        << QStringLiteral("page_add · view s · page view (slug s, token …)");
    QTest::newRow("unknown") << QByteArray(R"({"type":"replay_events","_event_id":3})")
                             << QStringLiteral("replay_events · unknown type · keys _event_id");
    QTest::newRow("field") << QByteArray(
        R"({"type":"field_created","field":{"id":105,"table_id":21,"name":"Notes","type":"text"}})")
                           << QStringLiteral("field_created · table 21 · field 105 · field \"Notes\" (text)");
    QTest::newRow("invalid")
        << QByteArray("{\"a\":")
        << QStringLiteral("(malformed) · invalid JSON at byte 5: the text ends in the middle of a value");
}

void TestCoreUtil::summaries()
{
    QFETCH(QByteArray, frame);
    QFETCH(QString, summary);
    EventStore store;
    Ingest ingest(store);
    ingest.ingestUtf8(frame);
    QCOMPARE(EventFormat::summaryText(store, 0), summary);
}

QTEST_GUILESS_MAIN(TestCoreUtil)
#include "tst_coreutil.moc"
