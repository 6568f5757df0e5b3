// SPDX-License-Identifier: MIT
// The details pane's building blocks: the order-keeping JSON tree, its model, search and the
// rows_updated diff.
#include "core/directory.h"
#include "jsonsearchproxy.h"
#include "jsontree.h"
#include "jsontreemodel.h"
#include "rowdiff.h"

#include <QAbstractItemModelTester>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace bmon;
using namespace Qt::StringLiterals;

class TestJsonTree : public QObject
{
    Q_OBJECT

private slots:
    void keepsOrderNumbersAndEscapes();
    void prettyTextRoundTrips();
    void rejectsInvalid_data();
    void rejectsInvalid();
    void truncatesHugeTrees();
    void displayValues_data();
    void displayValues();
    void modelShowsTree();
    void searchFiltersAndHighlights();
    void diffOfFixtureWithFieldNames();
    void diffOfPartialRows();
    void diffOfLegacyRowUpdated();
};

void TestJsonTree::keepsOrderNumbersAndEscapes()
{
    JsonTree t;
    QVERIFY(t.parse(R"({"z":1,"a":12345678901234567890,"s":"caf\u00e9 \"q\"","n":null,"b":[true,false]})"));
    const JsonTree::Node& root = t.node(JsonTree::Root);
    QCOMPARE(root.kind, JsonTree::Kind::Object);
    QCOMPARE(root.children.size(), 5);
    QCOMPARE(t.node(root.children[0]).key, u"z"_s); // as received, not sorted
    QCOMPARE(t.node(root.children[1]).key, u"a"_s);
    QCOMPARE(t.node(root.children[1]).value, u"12345678901234567890"_s); // not rounded to a double
    QCOMPARE(t.node(root.children[2]).value, u"café \"q\""_s);
    QCOMPARE(t.node(root.children[3]).kind, JsonTree::Kind::Null);
    const int b = t.member(JsonTree::Root, u"b");
    QCOMPARE(t.node(b).children.size(), 2);
    QCOMPARE(t.node(t.node(b).children[1]).value, u"false"_s);
    QCOMPARE(t.member(JsonTree::Root, u"missing"), -1);
}

void TestJsonTree::prettyTextRoundTrips()
{
    const QByteArray json = R"({"type":"x","a":[1,2.50,{"k":"\u00e9\n"}],"e":{},"f":[]})";
    JsonTree t;
    QVERIFY(t.parse(json));
    QCOMPARE(t.text().toUtf8(), json); // compact = verbatim for compact input
    const QString pretty = t.text(JsonTree::Root, true);
    QVERIFY(pretty.contains(u"\n  \"a\": [\n    1,\n    2.50,"_s));
    QVERIFY(pretty.contains(u"\\u00e9\\n"_s)); // escapes as received
    JsonTree again;
    QVERIFY(again.parse(pretty.toUtf8()));
    QCOMPARE(again.text(), t.text());
}

void TestJsonTree::rejectsInvalid_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::newRow("truncated") << QByteArray(R"({"type":"rows_up)");
    QTest::newRow("trailing") << QByteArray(R"({"a":1} x)");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("bad literal") << QByteArray(R"({"a":tru})");
    QTest::newRow("deep") << QByteArray(600, '[');
}

void TestJsonTree::rejectsInvalid()
{
    QFETCH(QByteArray, json);
    JsonTree t;
    QString error;
    QVERIFY(!t.parse(json, &error));
    QVERIFY(t.isEmpty());
    QVERIFY2(error.contains(u"byte"_s), qPrintable(error));
}

void TestJsonTree::truncatesHugeTrees()
{
    QByteArray json = "[";
    for (int i = 0; i < 5000; ++i)
        json += (i ? "," : "") + QByteArray::number(i);
    json += "]";
    JsonTree t;
    QVERIFY(t.parse(json, nullptr, 100));
    QVERIFY(t.truncated());
    QCOMPARE(t.size(), 100);
}

void TestJsonTree::displayValues_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("display");
    QTest::newRow("string") << QByteArray(R"("Zo\u00eb")") << u"Zoë"_s;
    QTest::newRow("number") << QByteArray("30.50") << u"30.50"_s;
    QTest::newRow("null") << QByteArray("null") << QString();
    QTest::newRow("bool") << QByteArray("true") << u"true"_s;
    QTest::newRow("select") << QByteArray(R"({"id":9,"value":"Gold","color":"yellow"})") << u"Gold"_s;
    QTest::newRow("links") << QByteArray(R"([{"id":1,"value":"Ada"},{"id":2,"value":"Bram"}])")
                           << u"Ada, Bram"_s;
    QTest::newRow("user") << QByteArray(R"({"id":3,"name":"Alice"})") << u"Alice"_s;
    QTest::newRow("other object") << QByteArray(R"({"a":1})") << u"{\"a\":1}"_s;
}

void TestJsonTree::displayValues()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, display);
    JsonTree t;
    QVERIFY(t.parse(json));
    QCOMPARE(t.displayValue(JsonTree::Root), display);
}

void TestJsonTree::modelShowsTree()
{
    JsonTree t;
    QVERIFY(t.parse(R"({"type":"rows_updated","rows":[{"id":1,"field_102":"30"}],"x":null})"));
    JsonTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 0);
    model.setTree(t);
    QCOMPARE(model.rowCount(), 1);
    const QModelIndex root = model.index(0, 0);
    QCOMPARE(model.rowCount(root), 3);
    QCOMPARE(model.index(0, JsonTreeModel::KeyColumn, root).data().toString(), u"type"_s);
    QCOMPARE(model.index(0, JsonTreeModel::ValueColumn, root).data().toString(), u"rows_updated"_s);
    QCOMPARE(model.index(0, JsonTreeModel::TypeColumn, root).data().toString(), u"string"_s);
    const QModelIndex rows = model.index(1, 0, root);
    QCOMPARE(model.index(1, JsonTreeModel::ValueColumn, root).data().toString(), u"1 item"_s);
    const QModelIndex row0 = model.index(0, 0, rows);
    QCOMPARE(row0.data().toString(), u"[0]"_s);
    QCOMPARE(model.parent(row0), rows.siblingAtColumn(0));
    const QModelIndex field = model.index(1, 0, row0);
    QCOMPARE(field.data(JsonTreeModel::PathRole).toString(), u".rows[0].field_102"_s);
    QCOMPARE(model.index(2, JsonTreeModel::TypeColumn, root).data().toString(), u"null"_s);
    QCOMPARE(root.data(JsonTreeModel::JsonRole).toString(), t.text());
    model.clear();
    QCOMPARE(model.rowCount(), 0);
}

void TestJsonTree::searchFiltersAndHighlights()
{
    JsonTree t;
    QVERIFY(t.parse(
        R"({"type":"rows_updated","rows":[{"id":1,"name":"Crème brûlée"},{"id":2,"name":"Tea"}],"meta":{"x":1}})"));
    JsonTreeModel model;
    model.setTree(t);
    JsonSearchProxy proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const QModelIndex root = proxy.index(0, 0);
    QCOMPARE(proxy.rowCount(root), 3);

    proxy.setSearchText(u"CRÈME"_s); // case-insensitive, non-ASCII
    QCOMPARE(proxy.matchCount(), 1);
    const QModelIndex r = proxy.index(0, 0);
    QCOMPARE(proxy.rowCount(r), 1); // only "rows" leads to the match
    const QModelIndex rows = proxy.index(0, 0, r);
    QCOMPARE(rows.data().toString(), u"rows"_s);
    QCOMPARE(proxy.rowCount(rows), 1);
    const QModelIndex row = proxy.index(0, 0, rows);
    const QModelIndex name = proxy.index(0, 0, row);
    QCOMPARE(name.data().toString(), u"name"_s);
    QVERIFY(name.data(Qt::BackgroundRole).isValid()); // highlighted
    QVERIFY(!row.data(Qt::BackgroundRole).isValid()); // an ancestor, not a match

    proxy.setSearchText(u"meta"_s); // a matching container keeps its subtree
    const QModelIndex meta = proxy.index(0, 0, proxy.index(0, 0));
    QCOMPARE(meta.data().toString(), u"meta"_s);
    QCOMPARE(proxy.rowCount(meta), 1);

    proxy.setSearchText(u"nothing like this"_s);
    QCOMPARE(proxy.rowCount(), 0);
    QCOMPARE(proxy.matchCount(), 0);
    proxy.setSearchText(QString());
    QCOMPARE(proxy.rowCount(proxy.index(0, 0)), 3);
}

static QByteArray fixture(const char* name)
{
    QFile f(QString(QStringLiteral(BMON_FIXTURES_DIR "/") + QLatin1String(name)));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll();
}

void TestJsonTree::diffOfFixtureWithFieldNames()
{
    const QByteArray json = fixture("rows_updated.json");
    QVERIFY(!json.isEmpty());
    JsonTree t;
    QVERIFY(t.parse(json));

    // Without field names: the keys.
    QList<RowDiff> diffs = RowDiff::fromRowsUpdated(t, nullptr, 21);
    QCOMPARE(diffs.size(), 2);
    QCOMPARE(diffs[0].rowId, 1);
    QCOMPARE(diffs[0].changedCount, 2); // Seats 25 → 30, Tier Silver → Gold
    QCOMPARE(diffs[1].changedCount, 1); // Active false → true

    Directory dir;
    dir.loadFields(21,
        QJsonDocument::fromJson(R"([
            {"id":101,"table_id":21,"name":"Name","type":"text","primary":true,"order":1},
            {"id":102,"table_id":21,"name":"Seats","type":"number","primary":false,"order":2},
            {"id":103,"table_id":21,"name":"Active","type":"boolean","primary":false,"order":3},
            {"id":104,"table_id":21,"name":"Tier","type":"single_select","primary":false,"order":4}])")
            .array());
    diffs = RowDiff::fromRowsUpdated(t, &dir, 21);
    QCOMPARE(diffs.size(), 2);
    const RowDiff& d = diffs[0];
    QCOMPARE(d.cells[0].name, u"Name"_s); // field order first
    QCOMPARE(d.cells[0].changed, false);
    QCOMPARE(d.cells[1].name, u"Seats"_s);
    QCOMPARE(d.cells[1].before, u"25"_s);
    QCOMPARE(d.cells[1].after, u"30"_s);
    QVERIFY(d.cells[1].changed);
    QCOMPARE(d.cells[3].name, u"Tier"_s);
    QCOMPARE(d.cells[3].before, u"Silver"_s);
    QCOMPARE(d.cells[3].after, u"Gold"_s);
    QCOMPARE(d.cells.last().key, u"order"_s); // non-field keys after the fields
    QCOMPARE(diffs[1].cells[2].name, u"Active"_s);
    QVERIFY(diffs[1].cells[2].changed);
    // Seats of row 2 is in updated_field_ids with the same value: written, not changed.
    QCOMPARE(diffs[1].cells[1].name, u"Seats"_s);
    QVERIFY(diffs[1].cells[1].touched);
    QVERIFY(!diffs[1].cells[1].changed);
    QVERIFY(!diffs[1].cells[0].touched); // Name is not listed

    JsonTree other;
    QVERIFY(other.parse(R"({"type":"rows_created","rows":[{"id":1}]})"));
    QVERIFY(RowDiff::fromRowsUpdated(other, &dir, 21).isEmpty());
}

void TestJsonTree::diffOfPartialRows()
{
    // 1.35.2+: rows carry only what changed; a key on one side only is "absent", not a change.
    JsonTree t;
    QVERIFY(t.parse(R"({"type":"rows_updated","table_id":21,
        "rows_before_update":[{"id":7,"field_102":"1"}],
        "rows":[{"id":7,"field_102":"2","field_105":"new"}]})"));
    const QList<RowDiff> diffs = RowDiff::fromRowsUpdated(t, nullptr, 21);
    QCOMPARE(diffs.size(), 1);
    QCOMPARE(diffs[0].rowId, 7);
    QCOMPARE(diffs[0].cells.size(), 2);
    QVERIFY(diffs[0].cells[0].changed);
    QVERIFY(!diffs[0].cells[1].hasBefore);
    QVERIFY(diffs[0].cells[1].hasAfter);
    QCOMPARE(diffs[0].changedCount, 1);
}

void TestJsonTree::diffOfLegacyRowUpdated()
{
    const QByteArray json = fixture("legacy/row_updated@1.9.1.json");
    QVERIFY(!json.isEmpty());
    JsonTree t;
    QVERIFY(t.parse(json));
    const QList<RowDiff> diffs = RowDiff::fromRowsUpdated(t, nullptr, 21);
    QCOMPARE(diffs.size(), 1);
    QCOMPARE(diffs[0].rowId, 1);
    QCOMPARE(diffs[0].changedCount, 1);
    QCOMPARE(diffs[0].cells[2].key, u"field_102"_s);
    QCOMPARE(diffs[0].cells[2].before, u"25"_s);
    QCOMPARE(diffs[0].cells[2].after, u"30"_s);
}

QTEST_MAIN(TestJsonTree)
#include "tst_jsontree.moc"
