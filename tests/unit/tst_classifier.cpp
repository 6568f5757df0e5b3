// SPDX-License-Identifier: MIT
// The classifier against ../shared/baserow/fixtures/expected.json, plus everything that is not
// a well-formed Baserow message.
#include "core/classifier.h"
#include "core/eventstore.h"
#include "core/ingest.h"
#include "core/jsonreader.h"
#include "core/messagetypes.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTest>

using namespace bmon;

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

struct Classified
{
    EventRecord rec;
    std::vector<quint32> rows;
};

Classified classify(const QByteArray& text, Direction dir = Direction::Received)
{
    Classified c;
    classifyFrame(text.constData(), text.size(), dir, c.rec, c.rows);
    return c;
}

QJsonValue idOrNull(quint32 v)
{
    return v ? QJsonValue(qint64(v)) : QJsonValue(QJsonValue::Null);
}

} // namespace

class TestClassifier : public QObject
{
    Q_OBJECT

private slots:
    void fixtures_data();
    void fixtures();
    void everyFixtureIsCovered();
    void errors_data();
    void errors();
    void unknownTypeIsKept();
    void tolerantIds();
    void sentPageRequests();
    void legacyGroupKeys();
    void deepNestingIsAnError();
    void bigRowsUpdatedFrame();
    void storeKeepsPayloadAndRows();
    void ingestTooLarge();
    void binaryFrame();
    void escapedStrings();
    void validJsonBeyondFastPath();
    void utf16ToUtf8();
    void invalidUtf8();
    void validityMatchesQJsonDocument();
    void catalogueIsConsistent();
};

void TestClassifier::fixtures_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QJsonObject>("expected");

    const QByteArray text = readFile(fixturesDir() + QStringLiteral("/expected.json"));
    QVERIFY2(!text.isEmpty(),
        qPrintable(
            QStringLiteral("cannot read %1/expected.json (set BMON_FIXTURES_DIR)").arg(fixturesDir())));
    const QJsonObject all = QJsonDocument::fromJson(text).object();
    QVERIFY(all.size() > 20);
    for (auto it = all.begin(); it != all.end(); ++it) {
        if (it.key().startsWith(QLatin1Char('_')))
            continue;
        QTest::newRow(qPrintable(it.key())) << it.key() << it.value().toObject();
    }
}

void TestClassifier::fixtures()
{
    QFETCH(QString, file);
    QFETCH(QJsonObject, expected);

    const QByteArray text = readFile(fixturesDir() + QLatin1Char('/') + file);
    QVERIFY2(!text.isEmpty(), qPrintable(file));
    const Classified c = classify(text);
    const EventRecord& r = c.rec;

    QCOMPARE(r.status(), ParseStatus::Ok);
    QCOMPARE(TypeRegistry::instance().name(r.typeId), expected.value(QLatin1String("type")).toString());
    QCOMPARE(categoryName(r.category), expected.value(QLatin1String("category")).toString());
    QCOMPARE(idOrNull(r.workspaceId), expected.value(QLatin1String("workspace_id")));
    QCOMPARE(idOrNull(r.applicationId), expected.value(QLatin1String("database_id")));
    QCOMPARE(idOrNull(r.tableId), expected.value(QLatin1String("table_id")));
    QCOMPARE(idOrNull(r.viewId), expected.value(QLatin1String("view_id")));
    QCOMPARE(idOrNull(r.fieldId), expected.value(QLatin1String("field_id")));

    QJsonArray rows;
    for (quint32 id : c.rows)
        rows.append(qint64(id));
    QCOMPARE(rows, expected.value(QLatin1String("row_ids")).toArray());
    QCOMPARE(r.rowCount, quint32(c.rows.size()));

    const QJsonValue page = expected.value(QLatin1String("page"));
    if (page.isNull())
        QCOMPARE(r.pageId, quint8(0));
    else
        QCOMPARE(StringPool::pages().value(r.pageId), page.toString());

    QCOMPARE(r.hasFlag(RecordFlag::HashedIds), expected.contains(QLatin1String("hashed")));
    QVERIFY(!r.hasFlag(RecordFlag::IdOverflow));
}

// A fixture added to the folder without an expected.json entry would silently go untested.
void TestClassifier::everyFixtureIsCovered()
{
    const QJsonObject all
        = QJsonDocument::fromJson(readFile(fixturesDir() + QStringLiteral("/expected.json"))).object();
    QDir dir(fixturesDir());
    QStringList files = dir.entryList({QStringLiteral("*.json")}, QDir::Files);
    const QStringList legacy
        = QDir(fixturesDir() + QStringLiteral("/legacy")).entryList({QStringLiteral("*.json")}, QDir::Files);
    for (const QString& f : legacy)
        files << QStringLiteral("legacy/") + f;
    files.removeAll(QStringLiteral("expected.json"));
    QVERIFY(files.size() >= 30);
    for (const QString& f : std::as_const(files))
        QVERIFY2(all.contains(f), qPrintable(f));
}

void TestClassifier::errors_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<ParseStatus>("status");
    QTest::addColumn<JsonError>("error");
    QTest::addColumn<int>("offset");

    QTest::newRow("empty") << QByteArray() << ParseStatus::EmptyFrame << JsonError::None << 0;
    QTest::newRow("whitespace") << QByteArray(" \n ") << ParseStatus::EmptyFrame << JsonError::None << 0;
    QTest::newRow("truncated") << QByteArray(R"({"type":"rows_updated","table_id":2)")
                               << ParseStatus::InvalidJson << JsonError::UnexpectedEnd << 35;
    QTest::newRow("truncated string")
        << QByteArray(R"({"type":"rows_upd)") << ParseStatus::InvalidJson << JsonError::UnexpectedEnd << 17;
    QTest::newRow("trailing comma") << QByteArray(R"({"type":"x",})") << ParseStatus::InvalidJson
                                    << JsonError::UnexpectedCharacter << 12;
    QTest::newRow("single quotes") << QByteArray(R"({'type':'x'})") << ParseStatus::InvalidJson
                                   << JsonError::UnexpectedCharacter << 1;
    QTest::newRow("bad literal") << QByteArray(R"({"type":"x","a":tru})") << ParseStatus::InvalidJson
                                 << JsonError::InvalidLiteral << 16;
    QTest::newRow("bad number") << QByteArray(R"({"type":"x","a":01})") << ParseStatus::InvalidJson
                                << JsonError::InvalidNumber << 17;
    QTest::newRow("bad escape") << QByteArray(R"({"type":"x\q"})") << ParseStatus::InvalidJson
                                << JsonError::InvalidEscape << 10;
    QTest::newRow("raw newline in string")
        << QByteArray("{\"type\":\"a\nb\"}") << ParseStatus::InvalidJson << JsonError::ControlCharacter << 10;
    QTest::newRow("two objects") << QByteArray(R"({"type":"x"}{"type":"y"})") << ParseStatus::InvalidJson
                                 << JsonError::TrailingCharacters << 12;
    QTest::newRow("garbage") << QByteArray("<html>502 Bad Gateway</html>") << ParseStatus::InvalidJson
                             << JsonError::UnexpectedCharacter << 0;
    QTest::newRow("number") << QByteArray("5") << ParseStatus::NotAnObject << JsonError::None << 0;
    QTest::newRow("array") << QByteArray(R"([{"type":"rows_created"}])") << ParseStatus::NotAnObject
                           << JsonError::None << 0;
    QTest::newRow("string") << QByteArray(R"("authentication")") << ParseStatus::NotAnObject
                            << JsonError::None << 0;
    QTest::newRow("null") << QByteArray("null") << ParseStatus::NotAnObject << JsonError::None << 0;
    QTest::newRow("no type") << QByteArray(R"({"table_id":21})") << ParseStatus::NoType << JsonError::None
                             << 0;
    QTest::newRow("numeric type") << QByteArray(R"({"type":5})") << ParseStatus::NoType << JsonError::None
                                  << 0;
    QTest::newRow("empty type") << QByteArray(R"({"type":""})") << ParseStatus::NoType << JsonError::None
                                << 0;
}

void TestClassifier::errors()
{
    QFETCH(QByteArray, text);
    QFETCH(ParseStatus, status);
    QFETCH(JsonError, error);
    QFETCH(int, offset);

    const Classified c = classify(text);
    QCOMPARE(c.rec.status(), status);
    QCOMPARE(c.rec.errorCode(), error);
    QCOMPARE(int(c.rec.errorOffset()), offset);
    QCOMPARE(c.rec.category, Category::Unknown);
    QVERIFY(c.rows.empty());
    if (status != ParseStatus::NoType)
        QVERIFY(!parseStatusText(c.rec).isEmpty());
    if (status == ParseStatus::InvalidJson)
        QVERIFY2(
            parseStatusText(c.rec).contains(QString::number(offset)), qPrintable(parseStatusText(c.rec)));
}

void TestClassifier::unknownTypeIsKept()
{
    const Classified a = classify(R"({"type":"replay_events","table_id":21,"_event_id":"e-1"})");
    QCOMPARE(a.rec.status(), ParseStatus::Ok);
    QCOMPARE(a.rec.category, Category::Unknown);
    QCOMPARE(TypeRegistry::instance().name(a.rec.typeId), QStringLiteral("replay_events"));
    QCOMPARE(a.rec.tableId, 21u);
    QVERIFY(!TypeRegistry::instance().isKnown(a.rec.typeId));
    // The same unknown name gets the same id; another gets a new one.
    const Classified b = classify(R"({"type":"replay_events"})");
    QCOMPARE(b.rec.typeId, a.rec.typeId);
    const Classified c = classify(R"({"type":"realtime_update_id"})");
    QVERIFY(c.rec.typeId != a.rec.typeId);
    // Internal channel-layer names and the documentation's invented names are not message types.
    QCOMPARE(classify(R"({"type":"before_rows_update"})").rec.category, Category::Unknown);
    QCOMPARE(classify(R"({"type":"tables_re_ordered"})").rec.category, Category::Unknown);
}

void TestClassifier::tolerantIds()
{
    // Numeric strings are ids (the server echoes what the client sent, §2.1).
    Classified c = classify(R"({"type":"page_add","page":"table","parameters":{"table_id":"21"}})");
    QCOMPARE(c.rec.tableId, 21u);
    // Public view events carry table_id 0 and a slug as view_id (§4.3).
    c = classify(R"({"type":"force_view_rows_refresh","view_id":"Xq3xk0Zr9m8T1d2Ww5LhYQ","table_id":0})");
    QCOMPARE(c.rec.tableId, 0u);
    QVERIFY(c.rec.hasFlag(RecordFlag::ViewIsSlug));
    QCOMPARE(StringPool::slugs().value(c.rec.viewId), QStringLiteral("Xq3xk0Zr9m8T1d2Ww5LhYQ"));
    // Negative and oversized ids are flagged, not wrapped.
    c = classify(R"({"type":"rows_deleted","table_id":4294967296,"row_ids":[-1, 7]})");
    QCOMPARE(c.rec.tableId, 0u);
    QVERIFY(c.rec.hasFlag(RecordFlag::IdOverflow));
    QCOMPARE(c.rows, std::vector<quint32> {7});
    // Floats and booleans are not ids; the frame is still fine.
    c = classify(R"({"type":"table_updated","table_id":2.5,"force_table_refresh":true})");
    QCOMPARE(c.rec.status(), ParseStatus::Ok);
    QCOMPARE(c.rec.tableId, 0u);
    // A hashed database id (tables_reordered) is flagged, never guessed.
    c = classify(
        R"({"type":"tables_reordered","database_id":"6b51d431df5d7f141cbececcf79edf3dd861c3b4069f0b11661a3eefacbba918","order":[]})");
    QCOMPARE(c.rec.applicationId, 0u);
    QVERIFY(c.rec.hasFlag(RecordFlag::HashedIds));
    // Before 1.14 reorder ids were plain.
    c = classify(R"({"type":"applications_reordered","group_id":7,"order":[12,13]})");
    QCOMPARE(c.rec.workspaceId, 7u);
    QVERIFY(!c.rec.hasFlag(RecordFlag::HashedIds));
    // row_ids wins over rows[].id whatever the key order.
    c = classify(R"({"type":"rows_deleted","rows":[{"id":5}],"row_ids":[6,7],"table_id":1})");
    QCOMPARE(c.rows, (std::vector<quint32> {6, 7}));
    QCOMPARE(c.rec.rowCount, 2u);
}

void TestClassifier::sentPageRequests()
{
    Classified c = classify(R"({"page":"table","table_id":21})", Direction::Sent);
    QCOMPARE(c.rec.typeId, quint16(KnownType::PageRequest));
    QCOMPARE(c.rec.category, Category::Control);
    QCOMPARE(c.rec.direction(), Direction::Sent);
    QCOMPARE(c.rec.pageId, quint8(PageName::Table));
    QCOMPARE(c.rec.tableId, 21u);

    c = classify(R"({"remove_page":"row","table_id":21,"row_id":3})", Direction::Sent);
    QCOMPARE(c.rec.typeId, quint16(KnownType::RemovePageRequest));
    QCOMPARE(c.rec.pageId, quint8(PageName::Row));
    QCOMPARE(c.rows, std::vector<quint32> {3});

    c = classify(R"({"page":"view","slug":"abc","token":null})", Direction::Sent);
    QCOMPARE(c.rec.pageId, quint8(PageName::View));
    QVERIFY(c.rec.hasFlag(RecordFlag::ViewIsSlug));
    QCOMPARE(StringPool::slugs().value(c.rec.viewId), QStringLiteral("abc"));

    c = classify(R"({"page":"dashboard","dashboard_id":9})", Direction::Sent);
    QCOMPARE(c.rec.pageId, quint8(PageName::Dashboard));
    QCOMPARE(c.rec.applicationId, 9u);

    // {"page": ""} is how ≤ 1.20 clients unsubscribe.
    c = classify(R"({"page":""})", Direction::Sent);
    QCOMPARE(c.rec.typeId, quint16(KnownType::PageRequest));
    QCOMPARE(c.rec.pageId, quint8(0));
}

void TestClassifier::legacyGroupKeys()
{
    Classified c = classify(R"({"type":"group_created","group":{"id":9,"name":"Old"}})");
    QCOMPARE(c.rec.workspaceId, 9u);
    c = classify(R"({"type":"group_user_added","id":4,"group_id":7,"group_user":{"group":7}})");
    QCOMPARE(c.rec.workspaceId, 7u);
    c = classify(
        R"({"type":"application_created","application":{"id":12,"type":"database","group":{"id":7}}})");
    QCOMPARE(c.rec.workspaceId, 7u);
    QCOMPARE(c.rec.applicationId, 12u);
    c = classify(R"({"type":"row_deleted","table_id":21,"row_id":4})");
    QCOMPARE(c.rows, std::vector<quint32> {4});
    c = classify(
        R"({"type":"row_created","table_id":21,"row":{"id":43,"order":"43.0"},"before_row_id":null})");
    QCOMPARE(c.rows, std::vector<quint32> {43});
}

void TestClassifier::deepNestingIsAnError()
{
    QByteArray deep = R"({"type":"x","a":)";
    deep += QByteArray(100000, '[');
    deep += QByteArray(100000, ']');
    deep += '}';
    const Classified c = classify(deep);
    QCOMPARE(c.rec.status(), ParseStatus::InvalidJson);
    QCOMPARE(c.rec.errorCode(), JsonError::TooDeep);

    // The limit is exact and the same on the fast and the careful path: the root object is
    // level 1, so MaxDepth - 1 arrays inside it are fine and one more is not.
    auto nested = [](int arrays) {
        QByteArray t = R"({"type":"x","a":)";
        t += QByteArray(arrays, '[');
        t += QByteArray(arrays, ']');
        t += '}';
        return t;
    };
    QCOMPARE(classify(nested(JsonReader::MaxDepth - 1)).rec.status(), ParseStatus::Ok);
    const Classified over = classify(nested(JsonReader::MaxDepth));
    QCOMPARE(over.rec.status(), ParseStatus::InvalidJson);
    QCOMPARE(over.rec.errorCode(), JsonError::TooDeep);
    for (int arrays : {JsonReader::MaxDepth - 1, JsonReader::MaxDepth}) { // the careful reader alone
        const QByteArray t = nested(arrays);
        JsonReader r(t.constData(), t.constData() + t.size());
        const bool valid = r.skipValue() && r.finish();
        QCOMPARE(valid, arrays < JsonReader::MaxDepth);
    }
}

void TestClassifier::bigRowsUpdatedFrame()
{
    // 200 rows with long text: several MB, as Baserow sends for big batches (§1.5).
    QJsonArray rows, before;
    const QString longText(8000, QLatin1Char('x'));
    for (int i = 1; i <= 200; ++i) {
        QJsonObject row {{QStringLiteral("id"), i},
            {QStringLiteral("order"), QStringLiteral("%1.00000000000000000000").arg(i)},
            {QStringLiteral("field_101"), longText}};
        before.append(row);
        row[QStringLiteral("field_101")] = QString(longText + QStringLiteral("\u00e9"));
        rows.append(row);
    }
    const QByteArray text = QJsonDocument(
        QJsonObject {{QStringLiteral("type"), QStringLiteral("rows_updated")},
            {QStringLiteral("table_id"), 21}, {QStringLiteral("rows_before_update"), before},
            {QStringLiteral("rows"), rows},
            {QStringLiteral("metadata"),
                QJsonObject()}}).toJson(QJsonDocument::Compact);
    QVERIFY(text.size() > 3'000'000);
    const Classified c = classify(text);
    QCOMPARE(c.rec.status(), ParseStatus::Ok);
    QCOMPARE(c.rec.rowCount, 200u);
    QCOMPARE(c.rows.front(), 1u);
    QCOMPARE(c.rows.back(), 200u);
}

void TestClassifier::storeKeepsPayloadAndRows()
{
    EventStore store;
    Ingest ingest(store);
    ingest.setGeneration(3);
    const QByteArray rowsUpdated = readFile(fixturesDir() + QStringLiteral("/rows_updated.json"));
    QVERIFY(!rowsUpdated.isEmpty());
    // Enough frames to cross record chunks and payload blocks.
    const int n = 20000;
    for (int i = 0; i < n; ++i) {
        if (i % 3 == 0)
            ingest.ingestText(QString::fromUtf8(rowsUpdated));
        else if (i % 3 == 1)
            ingest.ingestUtf8("{not json");
        else
            ingest.ingestText(QStringLiteral("{\"type\":\"caf\u00e9\"}"), Direction::Sent);
    }
    QCOMPARE(store.count(), quint64(n));
    QCOMPARE(ingest.errorCount(), quint64(n / 3 + (n % 3 > 1 ? 1 : 0)));
    for (quint64 i = 0; i < store.count(); i += 997) {
        const EventRecord& r = store.at(i);
        QCOMPARE(r.seq, i + 1);
        QCOMPARE(r.generation, quint16(3));
        if (i % 3 == 0) {
            QCOMPARE(store.payload(r), QByteArrayView(rowsUpdated));
            const auto ids = store.rowIds(r);
            QCOMPARE(ids.size(), size_t(2));
            QCOMPARE(ids[0], 1u);
            QCOMPARE(ids[1], 2u);
        } else if (i % 3 == 1) {
            QCOMPARE(r.status(), ParseStatus::InvalidJson);
            QCOMPARE(store.payload(r), QByteArrayView("{not json"));
            QVERIFY(store.rowIds(r).empty());
        } else {
            QCOMPARE(r.direction(), Direction::Sent);
            QCOMPARE(store.payload(r).toByteArray(), QStringLiteral("{\"type\":\"caf\u00e9\"}").toUtf8());
        }
    }
    QVERIFY(store.payloadBytes() > quint64(n / 3) * quint64(rowsUpdated.size()));
}

void TestClassifier::ingestTooLarge()
{
    EventStore store;
    Ingest ingest(store);
    ingest.setClassifyLimit(1000);
    const QByteArray big = R"({"type":"rows_created","rows":[)" + QByteArray(200000, ' ') + "]}";
    const quint64 i = ingest.ingestUtf8(big);
    const EventRecord& r = store.at(i);
    QCOMPARE(r.status(), ParseStatus::TooLarge);
    QCOMPARE(r.originalSize(), quint64(big.size()));
    QCOMPARE(qsizetype(r.payloadSize), Ingest::TooLargePrefix);
    QVERIFY(r.hasFlag(RecordFlag::PayloadTruncated));
    QVERIFY(parseStatusText(r).contains(QString::number(big.size())));
    // The same through the QString path.
    const quint64 j = ingest.ingestText(QString::fromLatin1(big));
    QCOMPARE(store.at(j).status(), ParseStatus::TooLarge);
    QCOMPARE(store.at(j).seq, store.at(i).seq + 1);
}

void TestClassifier::binaryFrame()
{
    EventStore store;
    Ingest ingest(store);
    const quint64 i = ingest.ingestBinary(QByteArray("\x00\x01\xff", 3));
    QCOMPARE(store.at(i).status(), ParseStatus::BinaryFrame);
    QCOMPARE(store.payload(i).size(), 3);
    QVERIFY(parseStatusText(store.at(i)).contains(QLatin1String("binary")));
}

void TestClassifier::escapedStrings()
{
    // Python's json.dumps escapes every non-ASCII character (§1.5).
    Classified c = classify(
        R"({"type":"rows_updated","table_id":21,"rows":[{"id":1,"field_101":"caf\u00e9 \ud83d\ude00 \"q\""}]})");
    QCOMPARE(c.rec.status(), ParseStatus::Ok);
    QCOMPARE(c.rows, std::vector<quint32> {1});
    // An escaped type name still resolves to the known type.
    c = classify(R"({"type":"rows_\u0075pdated"})");
    QCOMPARE(c.rec.typeId, quint16(KnownType::RowsUpdated));
    QCOMPARE(JsonReader::decodeString(R"(caf\u00e9 \ud83d\ude00 \"q\" \n)"),
        std::string("caf\xc3\xa9 \xf0\x9f\x98\x80 \"q\" \n"));
    QCOMPARE(JsonReader::decodeString(R"(\ud83d)"), std::string("\xef\xbf\xbd"));
}

// Integers beyond 64 bits are valid JSON that simdjson declines; the careful path takes them.
void TestClassifier::validJsonBeyondFastPath()
{
    const Classified c = classify(
        R"({"type":"rows_updated","table_id":21,"n":123456789012345678901234567890,"rows":[{"id":4}]})");
    QCOMPARE(c.rec.status(), ParseStatus::Ok);
    QCOMPARE(c.rec.tableId, 21u);
    QCOMPARE(c.rows, std::vector<quint32> {4});
}

// Ingest encodes QWebSocket's UTF-16 itself (fast ASCII path, careful path for the rest).
void TestClassifier::utf16ToUtf8()
{
    EventStore store;
    Ingest ingest(store);
    const QString pieces[]
        = {QStringLiteral("plain ascii"), QStringLiteral("caf\u00e9"), QStringLiteral("\u20ac"),
            QString::fromUtf8("\xf0\x9f\x98\x80"), QStringLiteral("\u00ff\u0100\u07ff\u0800")};
    QRandomGenerator rng(7);
    for (int round = 0; round < 400; ++round) {
        QString value;
        const int parts = int(rng.bounded(12));
        for (int i = 0; i < parts; ++i)
            value += pieces[rng.bounded(5)].repeated(1 + int(rng.bounded(20)));
        const QString frame = QStringLiteral("{\"type\":\"x\",\"v\":\"") + value + QStringLiteral("\"}");
        const quint64 i = ingest.ingestText(frame);
        QCOMPARE(store.payload(i).toByteArray(), frame.toUtf8());
        QCOMPARE(store.at(i).status(), ParseStatus::Ok);
    }
    // A lone surrogate cannot be encoded: it becomes U+FFFD (the frame stays valid UTF-8).
    const QChar lone(char16_t(0xd800));
    const quint64 j = ingest.ingestText(
        QString(QStringLiteral("{\"type\":\"x\",\"v\":\"") + lone + QStringLiteral("\"}")));
    QVERIFY(store.payload(j).toByteArray().contains("\xef\xbf\xbd"));
    QCOMPARE(store.at(j).status(), ParseStatus::Ok);
}

void TestClassifier::invalidUtf8()
{
    QByteArray text = R"({"type":"rows_updated","field":"caf)";
    const int at = int(text.size());
    text += "\xe9\"}"; // Latin-1 é: not UTF-8
    const Classified c = classify(text);
    QCOMPARE(c.rec.status(), ParseStatus::InvalidJson);
    QCOMPARE(c.rec.errorCode(), JsonError::InvalidUtf8);
    QCOMPARE(int(c.rec.errorOffset()), at);
    QCOMPARE(JsonReader::firstInvalidUtf8("ok \xc3\xa9 \xf0\x9f\x98\x80", 10), qsizetype(-1));
    QCOMPARE(JsonReader::firstInvalidUtf8("\xed\xa0\x80", 3), qsizetype(0)); // a UTF-16 surrogate
    QCOMPARE(JsonReader::firstInvalidUtf8("ab\xc0\x80", 4), qsizetype(2)); // overlong
    QCOMPARE(JsonReader::firstInvalidUtf8("abc\xe2\x82", 5), qsizetype(3)); // truncated
}

// Differential check: mutating fixtures byte by byte must never make the reader disagree with
// QJsonDocument about whether the text is a JSON object.
void TestClassifier::validityMatchesQJsonDocument()
{
    QDir dir(fixturesDir());
    const QStringList files = dir.entryList({QStringLiteral("*.json")}, QDir::Files);
    QVERIFY(!files.isEmpty());
    QRandomGenerator rng(20261127);
    static const char alphabet[] = "{}[]\",:\\ 0123456789-.eEtrufalsn\t\nabcXYZ/u";
    int mutations = 0;
    for (const QString& f : files) {
        const QByteArray original = readFile(dir.filePath(f));
        for (int round = 0; round < 300; ++round) {
            QByteArray text = original;
            const int edits = 1 + int(rng.bounded(3));
            for (int e = 0; e < edits && !text.isEmpty(); ++e) {
                const int pos = int(rng.bounded(int(text.size())));
                switch (rng.bounded(3)) {
                case 0:
                    text[pos] = alphabet[rng.bounded(int(sizeof(alphabet) - 1))];
                    break;
                case 1:
                    text.remove(pos, 1);
                    break;
                default:
                    text.truncate(pos);
                    break;
                }
            }
            QJsonParseError error;
            const QJsonDocument doc = QJsonDocument::fromJson(text, &error);
            const bool qtObject = error.error == QJsonParseError::NoError && doc.isObject();
            const Classified c = classify(text);
            const bool ours = c.rec.status() == ParseStatus::Ok || c.rec.status() == ParseStatus::NoType;
            // QJsonDocument lets raw control characters, unknown escapes (\0, \q) and numbers like
            // "21." through; RFC 8259 and Python's json (what Baserow runs) reject them, as we do.
            const JsonError e = c.rec.errorCode();
            if (qtObject
                && (e == JsonError::ControlCharacter || e == JsonError::InvalidEscape
                    || e == JsonError::InvalidNumber))
                continue;
            if (qtObject != ours)
                QFAIL(qPrintable(QStringLiteral("%1: disagreement (Qt %2, ours %3) on: %4")
                                     .arg(f)
                                     .arg(qtObject)
                                     .arg(parseStatusName(c.rec.status()), QString::fromUtf8(text))));
            ++mutations;
        }
    }
    QVERIFY(mutations > 5000);
}

void TestClassifier::catalogueIsConsistent()
{
    int size = 0;
    const MessageTypeInfo* cat = TypeRegistry::catalogue(&size);
    QSet<QString> names;
    for (int id = 1; id < size; ++id) {
        const QString name = QString::fromLatin1(cat[id].name);
        QVERIFY2(!names.contains(name), qPrintable(name));
        names.insert(name);
        QCOMPARE(TypeRegistry::instance().findKnown(cat[id].name), quint16(id));
        QVERIFY(cat[id].category != Category::Unknown);
    }
    // §4.9: names from the public docs that are not on the wire.
    for (const char* bogus : {"before_rows_update", "before_rows_delete", "before_group_deleted",
             "tables_re_ordered", "broadcast_to_users", "field_rule_added"})
        QCOMPARE(TypeRegistry::instance().findKnown(bogus), quint16(KnownType::None));
}

QTEST_GUILESS_MAIN(TestClassifier)
#include "tst_classifier.moc"
