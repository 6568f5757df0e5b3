// SPDX-License-Identifier: MIT
// EventFilter / EventMatcher criteria, free text over decoded strings, regular expressions,
// and FilterRunner's threaded scans.
#include "core/eventfilter.h"
#include "core/eventstore.h"
#include "core/ingest.h"
#include "core/messagetypes.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTest>

using namespace bmon;

Q_DECLARE_METATYPE(EventFilter)

namespace {

struct Store
{
    EventStore store;
    Ingest ingest {store};
    quint64 add(const QByteArray& frame, Direction d = Direction::Received)
    {
        return ingest.ingestUtf8(frame, d);
    }
};

bool matches(const EventFilter& f, const QByteArray& frame, Direction d = Direction::Received)
{
    Store s;
    const quint64 i = s.add(frame, d);
    return EventMatcher(f).matches(s.store, i);
}

EventFilter textFilter(const QString& text)
{
    EventFilter f;
    f.text = text;
    return f;
}

EventFilter regexFilter(const QString& regex)
{
    EventFilter f;
    f.regex = regex;
    return f;
}

// The obvious reference: every string value and integer of the parsed document.
void collect(const QJsonValue& v, QStringList& out)
{
    if (v.isString()) {
        out << v.toString();
    } else if (v.isDouble()) {
        out << QString::number(v.toInteger());
    } else if (v.isArray()) {
        for (const QJsonValue& e : v.toArray())
            collect(e, out);
    } else if (v.isObject()) {
        const QJsonObject o = v.toObject();
        for (auto it = o.begin(); it != o.end(); ++it)
            collect(it.value(), out);
    }
}

bool referenceMatch(const QByteArray& frame, const QString& query)
{
    QStringList values;
    collect(QJsonDocument::fromJson(frame).object(), values);
    return std::any_of(values.begin(), values.end(),
        [&](const QString& s) { return s.contains(query, Qt::CaseInsensitive); });
}

// A JSON string literal as Python writes it (ensure_ascii): non-ASCII as \uXXXX.
QByteArray pyString(const QString& s)
{
    QByteArray out = "\"";
    for (QChar c : s) {
        const char16_t u = c.unicode();
        if (u == '"' || u == '\\') {
            out += '\\';
            out += char(u);
        } else if (u < 0x20 || u >= 0x7f) {
            out += QStringLiteral("\\u%1").arg(unsigned(u), 4, 16, QLatin1Char('0')).toLatin1();
        } else {
            out += char(u);
        }
    }
    return out + '"';
}

} // namespace

class TestEventFilter : public QObject
{
    Q_OBJECT

private slots:
    void emptyFilter();
    void recordCriteria_data();
    void recordCriteria();
    void text_data();
    void text();
    void textAgainstReference();
    void regex_data();
    void regex();
    void regexAgainstReference();
    void invalidRegex();
    void runnerMatchesSequentialScan();
    void runnerNewestWins();
    void runnerCancelAndDestroy();
    void runnerReportsInvalidRegex();
    void runnerStopsAtUpTo();
};

void TestEventFilter::emptyFilter()
{
    EventFilter f;
    QVERIFY(f.isEmpty());
    QVERIFY(!f.needsPayload());
    QVERIFY(f == EventFilter());
    f.tableIds.insert(21);
    QVERIFY(!f.isEmpty());
    QVERIFY(!(f == EventFilter()));
    QVERIFY(matches(EventFilter(), "{broken"));
    QVERIFY(matches(EventFilter(), R"({"type": "rows_created", "table_id": 21, "rows": []})"));
    QVERIFY(textFilter(QStringLiteral("x")).needsPayload());
    QVERIFY(regexFilter(QStringLiteral("x")).needsPayload());
}

void TestEventFilter::recordCriteria_data()
{
    QTest::addColumn<EventFilter>("filter");
    QTest::addColumn<QByteArray>("frame");
    QTest::addColumn<bool>("sent");
    QTest::addColumn<bool>("expected");

    const QByteArray rows21 = R"({"type": "rows_updated", "table_id": 21, "rows": [{"id": 1}]})";
    const QByteArray field
        = R"({"type": "field_created", "field": {"id": 5, "table_id": 22, "database_id": 12, "workspace_id": 7}})";
    const QByteArray app
        = R"({"type": "application_created", "application": {"id": 13, "workspace": {"id": 7}}})";

    EventFilter types;
    types.types = {KnownType::RowsUpdated, KnownType::RowsCreated};
    QTest::newRow("type in set") << types << rows21 << false << true;
    QTest::newRow("type not in set") << types << field << false << false;
    QTest::newRow("type: error record") << types << QByteArray("{broken") << false << false;

    EventFilter table;
    table.tableIds = {21};
    QTest::newRow("table") << table << rows21 << false << true;
    QTest::newRow("other table") << table << field << false << false;

    // Scope sets are ORed: a workspace selection also lists its tables.
    EventFilter scope;
    scope.workspaceIds = {7};
    scope.tableIds = {21};
    QTest::newRow("scope by table") << scope << rows21 << false << true;
    QTest::newRow("scope by workspace") << scope << field << false << true;
    QTest::newRow("scope by workspace (app)") << scope << app << false << true;
    QTest::newRow("scope: error records have none") << scope << QByteArray("{broken") << false << false;
    EventFilter apps;
    apps.applicationIds = {12};
    QTest::newRow("application") << apps << field << false << true;
    QTest::newRow("application: other") << apps << app << false << false;

    EventFilter received;
    received.direction = EventFilter::DirectionFilter::Received;
    EventFilter sent;
    sent.direction = EventFilter::DirectionFilter::Sent;
    const QByteArray request = R"({"page": "table", "table_id": 21})";
    QTest::newRow("received: in") << received << rows21 << false << true;
    QTest::newRow("received: out") << received << request << true << false;
    QTest::newRow("sent: out") << sent << request << true << true;
    QTest::newRow("sent: in") << sent << rows21 << false << false;

    EventFilter errors;
    errors.errorsOnly = true;
    QTest::newRow("errors: invalid") << errors << QByteArray("{broken") << false << true;
    QTest::newRow("errors: not an object") << errors << QByteArray("[1]") << false << true;
    QTest::newRow("errors: fine") << errors << rows21 << false << false;
    QTest::newRow("errors: no type is no error") << errors << QByteArray(R"({"a": 1})") << false << false;

    EventFilter all = types;
    all.tableIds = {21};
    all.direction = EventFilter::DirectionFilter::Received;
    QTest::newRow("all criteria") << all << rows21 << false << true;
    all.tableIds = {22};
    QTest::newRow("all criteria, one fails") << all << rows21 << false << false;
}

void TestEventFilter::recordCriteria()
{
    QFETCH(EventFilter, filter);
    QFETCH(QByteArray, frame);
    QFETCH(bool, sent);
    QFETCH(bool, expected);
    QCOMPARE(matches(filter, frame, sent ? Direction::Sent : Direction::Received), expected);
}

void TestEventFilter::text_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QByteArray>("frame");
    QTest::addColumn<bool>("expected");

    const QByteArray rows
        = R"({"type": "rows_created", "table_id": 21, "rows": [{"id": 43, "order": "43.00000000000000000000", "field_101": "Globex Corporation", "field_102": "120", "field_103": true, "field_104": {"id": 9, "value": "Gold", "color": "yellow"}}], "metadata": {}, "before_row_id": null})";
    QTest::newRow("value") << QStringLiteral("Globex") << rows << true;
    QTest::newRow("case-insensitive") << QStringLiteral("gLOBEX corp") << rows << true;
    QTest::newRow("nested value") << QStringLiteral("yellow") << rows << true;
    QTest::newRow("string number") << QStringLiteral("120") << rows << true;
    QTest::newRow("number") << QStringLiteral("43") << rows << true;
    QTest::newRow("type name") << QStringLiteral("ROWS_CREATED") << rows << true;
    QTest::newRow("absent") << QStringLiteral("Initech") << rows << false;
    QTest::newRow("JSON syntax") << QStringLiteral("\":") << rows << false;
    QTest::newRow("across tokens") << QStringLiteral("Corporation\", \"field_102") << rows << false;
    QTest::newRow("keys are not values") << QStringLiteral("field_101") << rows << false;
    QTest::newRow("literals are not values") << QStringLiteral("true") << rows << false;
    QTest::newRow("null is not a value") << QStringLiteral("null") << rows << false;

    // Python escapes every non-ASCII character (PROTOCOL.md §1.5).
    const QByteArray cafe
        = R"({"type": "rows_updated", "table_id": 21, "rows": [{"id": 1, "field_101": "Caf\u00e9 M\u00fcller"}]})";
    QTest::newRow("non-ASCII") << QStringLiteral("café") << cafe << true;
    QTest::newRow("non-ASCII, upper case") << QStringLiteral("CAFÉ MÜLLER") << cafe << true;
    QTest::newRow("non-ASCII only") << QStringLiteral("ü") << cafe << true;
    QTest::newRow("escaped form is not the text") << QStringLiteral("u00e9") << cafe << false;
    QTest::newRow("non-ASCII absent") << QStringLiteral("café au lait") << cafe << false;
    QTest::newRow("raw UTF-8 too") << QStringLiteral("Müller")
                                   << QByteArray(R"({"type": "x", "n": "Frau Müller"})") << true;
    QTest::newRow("upper-case hex") << QStringLiteral("é") << QByteArray(R"({"type": "x", "n": "\u00E9"})")
                                    << true;
    QTest::newRow("astral") << QStringLiteral("😀 ok")
                            << QByteArray(R"({"type": "x", "n": "\ud83d\ude00 OK"})") << true;
    QTest::newRow("CJK") << QStringLiteral("日本")
                         << QByteArray(R"({"type": "x", "n": "\u65e5\u672c\u8a9e"})") << true;
    // Other writers may escape ASCII; it still decodes.
    QTest::newRow("escaped ASCII") << QStringLiteral("Acme")
                                   << QByteArray(R"({"type": "x", "n": "\u0041cme"})") << true;
    QTest::newRow("escaped quote") << QStringLiteral("say \"hi\"")
                                   << QByteArray(R"({"type": "x", "n": "say \"hi\" now"})") << true;
    QTest::newRow("escaped slash") << QStringLiteral("a/b") << QByteArray(R"({"type": "x", "n": "a\/b"})")
                                   << true;
    QTest::newRow("newline") << QStringLiteral("b\nc") << QByteArray(R"({"type": "x", "n": "a\nb\nc"})")
                             << true;

    // Error records: their raw text.
    QTest::newRow("error record") << QStringLiteral("BROKEN") << QByteArray("{broken frame") << true;
    QTest::newRow("error record, syntax") << QStringLiteral("{bro") << QByteArray("{broken frame") << true;
    QTest::newRow("error record, absent") << QStringLiteral("whole") << QByteArray("{broken frame") << false;
    QTest::newRow("malformed type name") << QStringLiteral("malformed") << QByteArray("{x") << true;
    QTest::newRow("sent request type")
        << QStringLiteral("page") << QByteArray(R"({"page": "table", "table_id": 21})") << true;
}

void TestEventFilter::text()
{
    QFETCH(QString, query);
    QFETCH(QByteArray, frame);
    QFETCH(bool, expected);
    const bool sent = frame.startsWith("{\"page\"");
    QCOMPARE(matches(textFilter(query), frame, sent ? Direction::Sent : Direction::Received), expected);
}

void TestEventFilter::textAgainstReference()
{
    // Random frames of awkward strings, random queries: the fast path (raw-byte prefilter,
    // decoding only candidates) must agree with decoding everything.
    const QStringList words = {QStringLiteral("Acme"), QStringLiteral("café"), QStringLiteral("CAFÉ"),
        QStringLiteral("Ünïcode"), QStringLiteral("say \"hi\""), QStringLiteral("back\\slash"),
        QStringLiteral("tab\there"), QStringLiteral("日本語"), QStringLiteral("😀"), QStringLiteral("120"),
        QStringLiteral("Globex Corporation"), QStringLiteral("a/b"), QStringLiteral("x:y"),
        QStringLiteral("é"), QStringLiteral("E"), QStringLiteral("-7")};
    QRandomGenerator rng(12345);
    Store s;
    QList<QByteArray> frames;
    for (int i = 0; i < 400; ++i) {
        QByteArray frame = R"({"type": "rows_updated", "table_id": 21, "rows": [{"id": )";
        frame += QByteArray::number(rng.bounded(1000));
        const int n = 1 + int(rng.bounded(4));
        for (int k = 0; k < n; ++k) {
            QString value;
            for (int w = 0, m = 1 + int(rng.bounded(3)); w < m; ++w)
                value += words.at(rng.bounded(int(words.size())))
                    + (rng.bounded(2) ? QStringLiteral(" ") : QString());
            frame += ", " + pyString(QStringLiteral("field_%1").arg(k)) + ": " + pyString(value);
        }
        frame += ", \"n\": " + QByteArray::number(int(rng.bounded(2000)) - 1000) + "}]}";
        frames << frame;
        s.add(frame);
    }
    QStringList queries = words;
    queries << QStringLiteral("acme café") << QStringLiteral("é 日") << QStringLiteral("\"hi")
            << QStringLiteral("\\") << QStringLiteral("12") << QStringLiteral("-") << QStringLiteral("Ü")
            << QStringLiteral("ünï") << QStringLiteral("h\"") << QStringLiteral("ion 1");
    for (const QString& q : std::as_const(queries)) {
        const EventMatcher m(textFilter(q));
        int hits = 0;
        for (int i = 0; i < frames.size(); ++i) {
            const bool expected = referenceMatch(frames.at(i), q);
            hits += expected;
            QVERIFY2(m.matches(s.store, quint64(i)) == expected,
                qPrintable(QStringLiteral("query %1, frame %2").arg(q, QString::fromUtf8(frames.at(i)))));
        }
        QVERIFY2(hits > 0 || !words.contains(q), qPrintable(q)); // the test means something
    }
}

void TestEventFilter::regex_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<QByteArray>("frame");
    QTest::addColumn<bool>("expected");
    const QByteArray rows
        = R"({"type": "rows_updated", "table_id": 21, "rows": [{"id": 1, "field_101": "Initech", "field_102": "30", "field_104": {"id": 9, "value": "Caf\u00e9"}}]})";
    QTest::newRow("literal") << QStringLiteral("Initech") << rows << true;
    QTest::newRow("case-insensitive") << QStringLiteral("initECH") << rows << true;
    QTest::newRow("alternation") << QStringLiteral("Globex|Initech") << rows << true;
    QTest::newRow("value anchors") << QStringLiteral("^Initech$") << rows << true;
    QTest::newRow("type name anchored") << QStringLiteral("^rows_updated$") << rows << true;
    QTest::newRow("number value") << QStringLiteral("^3\\d$") << rows << true;
    QTest::newRow("decoded non-ASCII") << QStringLiteral("caf[éÉ]") << rows << true;
    QTest::newRow("decoded, case-folded") << QStringLiteral("CAFÉ") << rows << true;
    QTest::newRow("no raw escapes") << QStringLiteral("u00e9") << rows << false;
    QTest::newRow("no keys") << QStringLiteral("field_101") << rows << false;
    QTest::newRow("no syntax") << QStringLiteral("\\{") << rows << false;
    QTest::newRow("absent") << QStringLiteral("Globex") << rows << false;
    QTest::newRow("error record raw text") << QStringLiteral("^\\{bro") << QByteArray("{broken") << true;
    QTest::newRow("text starts with the type")
        << QStringLiteral("\\A\\{bro") << QByteArray("{broken") << false;
}

void TestEventFilter::regex()
{
    QFETCH(QString, pattern);
    QFETCH(QByteArray, frame);
    QFETCH(bool, expected);
    QCOMPARE(matches(regexFilter(pattern), frame), expected);
}

void TestEventFilter::regexAgainstReference()
{
    // Patterns whose literals the matcher uses to skip frames (or cannot read, or that have
    // none): the results must be those of matching every frame's decoded text.
    const QStringList patterns = {QStringLiteral("Globex"), QStringLiteral("^(Initech|Hooli)( (GmbH|Ltd))?$"),
        QStringLiteral("colou?r"), QStringLiteral("Init(ech)?"), QStringLiteral("(Initech|Hooli) Ltd"),
        QStringLiteral("x*Hooli"), QStringLiteral("\\bHooli\\b"), QStringLiteral("[A-Z]ooli"),
        QStringLiteral("Ini.ech"), QStringLiteral("Hooli|"), QStringLiteral("(?:Hoo)+li"),
        QStringLiteral("Ho{0,3}li"), QStringLiteral("(?i)hooli"), QStringLiteral("(?<name>Hoo)li"),
        QStringLiteral("Hoo(?=li)"), QStringLiteral("\\QHooli\\E"), QStringLiteral("Acme\\."),
        QStringLiteral("caf\\x{e9}"), QStringLiteral("Caf[eé]"), QStringLiteral("^rows_updated$"),
        QStringLiteral("\\d{3}"), QStringLiteral("Hooli{2,}"), QStringLiteral("a{,3}Hooli"),
        QStringLiteral("{Hooli}"), QStringLiteral("[]x]Hooli")};
    const QStringList values = {QStringLiteral("Hooli"), QStringLiteral("Hooli Ltd"),
        QStringLiteral("Initech"), QStringLiteral("Initech GmbH"), QStringLiteral("Globex Corporation"),
        QStringLiteral("color"), QStringLiteral("colour"), QStringLiteral("Café"), QStringLiteral("Acme."),
        QStringLiteral("Hoo"), QStringLiteral("HOOLIi"), QStringLiteral("{Hooli}"), QStringLiteral("xHooli"),
        QStringLiteral("Hoooli"), QStringLiteral("123")};
    QRandomGenerator rng(777);
    Store s;
    QList<QByteArray> frames;
    for (int i = 0; i < 300; ++i) {
        QByteArray frame
            = R"({"type": "rows_updated", "table_id": 21, "rows": [{"id": )" + QByteArray::number(i);
        for (int k = 0, n = 1 + int(rng.bounded(3)); k < n; ++k)
            frame += ", \"field_" + QByteArray::number(k)
                + "\": " + pyString(values.at(rng.bounded(int(values.size()))));
        frame += "}]}";
        // Some frames spell ASCII as escapes, as other writers may.
        if (i % 7 == 0)
            frame.replace("Hooli", "\\u0048ooli");
        frames << frame;
        s.add(frame);
    }
    for (const QString& pattern : patterns) {
        const QRegularExpression re(
            pattern, QRegularExpression::CaseInsensitiveOption | QRegularExpression::MultilineOption);
        QVERIFY2(re.isValid(), qPrintable(pattern));
        const EventMatcher m(regexFilter(pattern));
        for (int i = 0; i < frames.size(); ++i) {
            QStringList lines {QStringLiteral("rows_updated")};
            collect(QJsonDocument::fromJson(frames.at(i)).object(), lines);
            const bool expected = re.match(lines.join(QLatin1Char('\n'))).hasMatch();
            QVERIFY2(m.matches(s.store, quint64(i)) == expected,
                qPrintable(
                    QStringLiteral("pattern %1, frame %2").arg(pattern, QString::fromUtf8(frames.at(i)))));
        }
    }
}

void TestEventFilter::invalidRegex()
{
    const EventMatcher m(regexFilter(QStringLiteral("(unclosed")));
    QVERIFY(!m.isValid());
    QVERIFY(!m.errorString().isEmpty());
    Store s;
    s.add(R"({"type": "x", "n": "(unclosed"})");
    QVERIFY(!m.matches(s.store, 0));
    QVERIFY(EventMatcher(textFilter(QStringLiteral("(unclosed"))).isValid());
    QVERIFY(EventMatcher(textFilter(QStringLiteral("(unclosed"))).matches(s.store, 0));
}

namespace {

// A store of mixed frames for the runner tests.
void fill(Store& s, int n)
{
    for (int i = 0; i < n; ++i) {
        switch (i % 5) {
        case 0:
            s.add(QByteArray(R"({"type": "rows_updated", "table_id": )") + QByteArray::number(20 + i % 3)
                + R"(, "rows": [{"id": 1, "field_101": "Company )" + QByteArray::number(i % 97) + R"("}]})");
            break;
        case 1:
            s.add(
                R"({"type": "rows_created", "table_id": 21, "rows": [{"id": 2, "field_101": "Caf\u00e9"}]})");
            break;
        case 2:
            s.add(R"({"type": "page_add", "page": "table", "parameters": {"table_id": 22}})");
            break;
        case 3:
            s.add("{broken");
            break;
        default:
            s.add(R"({"page": "table", "table_id": 21})", Direction::Sent);
        }
    }
}

QVector<quint64> sequential(const EventStore& store, const EventFilter& f, quint64 upTo)
{
    const EventMatcher m(f);
    QVector<quint64> rows;
    for (quint64 i = 0; i < upTo; ++i) {
        if (m.matches(store, i))
            rows << i;
    }
    return rows;
}

} // namespace

void TestEventFilter::runnerMatchesSequentialScan()
{
    Store s;
    fill(s, 200'000);
    QList<EventFilter> filters;
    EventFilter types;
    types.types = {KnownType::RowsUpdated};
    filters << types;
    EventFilter table;
    table.tableIds = {21};
    filters << table;
    filters << textFilter(QStringLiteral("company 42")) << textFilter(QStringLiteral("café"))
            << regexFilter(QStringLiteral("^Company 9\\d$"));
    EventFilter none;
    none.tableIds = {999};
    filters << none;
    FilterRunner runner;
    QSignalSpy finished(&runner, &FilterRunner::finished);
    QSignalSpy progress(&runner, &FilterRunner::progress);
    for (const EventFilter& f : std::as_const(filters)) {
        finished.clear();
        const quint64 gen = runner.start(s.store, f, s.store.count());
        QVERIFY(runner.isRunning());
        QVERIFY(finished.wait(20000));
        QCOMPARE(finished.count(), 1);
        QCOMPARE(finished.at(0).at(0).toULongLong(), gen);
        QCOMPARE(finished.at(0).at(2).toULongLong(), s.store.count());
        QCOMPARE(finished.at(0).at(1).value<QVector<quint64>>(), sequential(s.store, f, s.store.count()));
        QVERIFY(!runner.isRunning());
    }
    QVERIFY(progress.count() > 0);
}

void TestEventFilter::runnerNewestWins()
{
    Store s;
    fill(s, 100'000);
    FilterRunner runner;
    QSignalSpy finished(&runner, &FilterRunner::finished);
    const quint64 first = runner.start(s.store, regexFilter(QStringLiteral("Company \\d+")), s.store.count());
    EventFilter table;
    table.tableIds = {22};
    const quint64 second = runner.start(s.store, table, s.store.count());
    QVERIFY(second > first);
    QVERIFY(finished.wait(20000));
    QCOMPARE(finished.at(0).at(0).toULongLong(), second);
    QCOMPARE(finished.at(0).at(1).value<QVector<quint64>>(), sequential(s.store, table, s.store.count()));
    // The first scan never reports, even later.
    QVERIFY(!finished.wait(300));
    QCOMPARE(finished.count(), 1);
}

void TestEventFilter::runnerCancelAndDestroy()
{
    Store s;
    fill(s, 100'000);
    {
        FilterRunner runner;
        QSignalSpy finished(&runner, &FilterRunner::finished);
        runner.start(s.store, regexFilter(QStringLiteral("x+y")), s.store.count());
        runner.cancel();
        QVERIFY(!runner.isRunning());
        QVERIFY(!finished.wait(300));
    }
    // Destroyed while scanning: waits for its workers, nothing is delivered to a dead object.
    auto* runner = new FilterRunner;
    runner->start(s.store, textFilter(QStringLiteral("company")), s.store.count());
    delete runner;
}

void TestEventFilter::runnerReportsInvalidRegex()
{
    Store s;
    fill(s, 10);
    FilterRunner runner;
    QSignalSpy failed(&runner, &FilterRunner::failed);
    QSignalSpy finished(&runner, &FilterRunner::finished);
    const quint64 gen = runner.start(s.store, regexFilter(QStringLiteral("[a-")), s.store.count());
    QVERIFY(failed.wait(5000));
    QCOMPARE(failed.at(0).at(0).toULongLong(), gen);
    QVERIFY(!failed.at(0).at(1).toString().isEmpty());
    QCOMPARE(finished.count(), 0);
}

void TestEventFilter::runnerStopsAtUpTo()
{
    Store s;
    fill(s, 1000);
    FilterRunner runner;
    QSignalSpy finished(&runner, &FilterRunner::finished);
    EventFilter types;
    types.types = {KnownType::RowsCreated};
    runner.start(s.store, types, 500);
    fill(s, 1000); // the store grows meanwhile; records never move
    QVERIFY(finished.wait(5000));
    const QVector<quint64> rows = finished.at(0).at(1).value<QVector<quint64>>();
    QCOMPARE(rows, sequential(s.store, types, 500));
    QCOMPARE(finished.at(0).at(2).toULongLong(), 500u);
    // Empty range: finishes at once with nothing.
    finished.clear();
    runner.start(s.store, types, 0);
    QVERIFY(finished.wait(5000));
    QVERIFY(finished.at(0).at(1).value<QVector<quint64>>().isEmpty());
}

QTEST_GUILESS_MAIN(TestEventFilter)
#include "tst_eventfilter.moc"
