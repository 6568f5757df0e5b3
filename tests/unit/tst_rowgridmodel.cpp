// SPDX-License-Identifier: MIT
// RowGridModel: a REST snapshot kept live by row events, changed cells highlighted and fading.
#include "core/clock.h"
#include "core/directory.h"
#include "core/eventstore.h"
#include "core/ingest.h"
#include "models/rowgridmodel.h"

#include "directorytestdata.h"

#include <QAbstractItemModelTester>
#include <QDateTime>
#include <QSignalSpy>
#include <QTest>

using namespace bmon;

namespace {

QJsonObject row(const char* json)
{
    return QJsonDocument::fromJson(QByteArray(json)).object();
}

struct Grid
{
    Directory dir;
    ManualClock clock;
    EventStore store;
    Ingest ingest {store};
    RowGridModel model;
    QAbstractItemModelTester tester {&model, QAbstractItemModelTester::FailureReportingMode::QtTest};

    Grid()
    {
        testdata::loadAll(dir);
        model.setClock(&clock);
        model.setHighlightMs(1000);
        model.setTable(21, dir.fields(21));
        model.setRows({
            row(R"({"id": 1, "order": "1.00000000000000000000", "field_101": "Initech", "field_102": "25", "field_103": true,
                    "field_104": {"id": 10, "value": "Silver", "color": "light-gray"}, "field_106": {"id": 3, "name": "Alice"}})"),
            row(R"({"id": 3, "order": "10.00000000000000000000", "field_101": "Hooli", "field_102": "7", "field_103": false,
                    "field_104": null, "field_106": null})"),
            row(R"({"id": 2, "order": "2.00000000000000000000", "field_101": "Umbrella Corp", "field_102": "40", "field_103": false,
                    "field_104": null, "field_106": null})"),
        });
    }
    bool apply(const QByteArray& frame)
    {
        const quint64 i = ingest.ingestUtf8(frame);
        return model.applyEvent(store.at(i), store.payload(i));
    }
    QList<qint64> ids() const
    {
        QList<qint64> result;
        for (int r = 0; r < model.rowCount(); ++r)
            result << model.index(r, 0).data(RowGridModel::RowIdRole).toLongLong();
        return result;
    }
    QString cell(qint64 id, int column) const
    {
        return model.index(model.rowOfId(id), column).data().toString();
    }
};

enum Col
{
    Name,
    Seats,
    Active,
    Tier,
    ModifiedBy
};

} // namespace

class TestRowGridModel : public QObject
{
    Q_OBJECT

private slots:
    void snapshot();
    void displayFormats();
    void decimalOrder();
    void rowsCreated();
    void rowsUpdatedKeyByKey();
    void orderChangeMovesRow();
    void rowsDeleted();
    void otherEventsIgnored();
    void highlightFades();
    void legacySingularEvents();
    void fieldsChangeKeepsRows();
};

void TestRowGridModel::snapshot()
{
    Grid g;
    QCOMPARE(g.model.tableId(), 21u);
    QCOMPARE(g.model.columnCount(), 5);
    QCOMPARE(g.model.rowCount(), 3);
    QCOMPARE(g.ids(), (QList<qint64> {1, 2, 3})); // by order, not by arrival
    QCOMPARE(g.model.headerData(Name, Qt::Horizontal).toString(), QStringLiteral("Name"));
    QCOMPARE(g.model.headerData(Tier, Qt::Horizontal).toString(), QStringLiteral("Tier"));
    QCOMPARE(g.model.headerData(1, Qt::Vertical).toLongLong(), 2);
    QCOMPARE(g.model.rowOfId(3), 2);
    QCOMPARE(g.model.rowOfId(99), -1);
    QVERIFY(!g.model.index(0, 0).data(RowGridModel::ChangedRole).isValid());
    QVERIFY(!g.model.index(0, 0).data(Qt::BackgroundRole).isValid());
}

void TestRowGridModel::displayFormats()
{
    Grid g;
    QCOMPARE(g.cell(1, Name), QStringLiteral("Initech"));
    QCOMPARE(g.cell(1, Seats), QStringLiteral("25"));
    QCOMPARE(g.cell(1, Active), QStringLiteral("✓"));
    QCOMPARE(g.cell(2, Active), QString());
    QCOMPARE(g.cell(1, Tier), QStringLiteral("Silver"));
    QCOMPARE(g.cell(2, Tier), QString());
    QCOMPARE(g.cell(1, ModifiedBy), QStringLiteral("Alice"));
    QCOMPARE(g.model.index(0, Tier)
                 .data(RowGridModel::RawValueRole)
                 .toMap()
                 .value(QStringLiteral("color"))
                 .toString(),
        QStringLiteral("light-gray"));
    // Link rows and multiple selects: joined values.
    QVERIFY(g.apply(R"({"type": "rows_updated", "table_id": 21, "rows": [{"id": 1,
        "field_101": [{"id": 4, "value": "Acme"}, {"id": 5, "value": "Globex"}],
        "field_102": 12.5, "field_104": [{"id": 9, "value": "Gold"}, {"id": 10, "value": "Silver"}]}], "updated_field_ids": [101]})"));
    QCOMPARE(g.cell(1, Name), QStringLiteral("Acme, Globex"));
    QCOMPARE(g.cell(1, Seats), QStringLiteral("12.5"));
    QCOMPARE(g.cell(1, Tier), QStringLiteral("Gold, Silver"));
}

void TestRowGridModel::decimalOrder()
{
    Grid g;
    // Orders that double cannot tell apart still sort correctly.
    g.model.setRows({row(R"({"id": 1, "order": "1.00000000000000000002"})"),
        row(R"({"id": 2, "order": "1.00000000000000000001"})"),
        row(R"({"id": 3, "order": "0.99999999999999999999"})"), row(R"({"id": 4, "order": "10.5"})"),
        row(R"({"id": 5, "order": "9.75"})"), row(R"({"id": 6, "order": "1.00000000000000000001"})")});
    QCOMPARE(g.ids(), (QList<qint64> {3, 2, 6, 1, 5, 4}));
}

void TestRowGridModel::rowsCreated()
{
    Grid g;
    QSignalSpy inserted(&g.model, &QAbstractItemModel::rowsInserted);
    // The fixture: row 43 appended (its order is the largest).
    QVERIFY(g.apply(testdata::fixture(QStringLiteral("rows_created.json"))));
    QCOMPARE(g.ids(), (QList<qint64> {1, 2, 3, 43}));
    QCOMPARE(g.cell(43, Name), QStringLiteral("Globex Corporation"));
    QCOMPARE(g.cell(43, Tier), QStringLiteral("Gold"));
    // By order: between 1 and 2.
    QVERIFY(g.apply(
        R"({"type": "rows_created", "table_id": 21, "rows": [{"id": 50, "order": "1.50000000000000000000", "field_101": "Mid"}],
        "metadata": {}, "before_row_id": null})"));
    QCOMPARE(g.ids(), (QList<qint64> {1, 50, 2, 3, 43}));
    // before_row_id places a batch right before that row, in its order.
    QVERIFY(g.apply(
        R"({"type": "rows_created", "table_id": 21, "rows": [{"id": 60, "order": "0.5"}, {"id": 61, "order": "0.6"}],
        "metadata": {}, "before_row_id": 3})"));
    QCOMPARE(g.ids(), (QList<qint64> {1, 50, 2, 60, 61, 3, 43}));
    QCOMPARE(inserted.count(), 4);
    // A new row is highlighted in every column.
    QVERIFY(g.model.index(g.model.rowOfId(60), ModifiedBy).data(RowGridModel::ChangedRole).isValid());
    // A duplicate create updates instead of adding a second row.
    QVERIFY(g.apply(
        R"({"type": "rows_created", "table_id": 21, "rows": [{"id": 60, "order": "0.5", "field_101": "Again"}], "before_row_id": null})"));
    QCOMPARE(g.model.rowCount(), 7);
    QCOMPARE(g.cell(60, Name), QStringLiteral("Again"));
}

void TestRowGridModel::rowsUpdatedKeyByKey()
{
    Grid g;
    QSignalSpy changed(&g.model, &QAbstractItemModel::dataChanged);
    // The fixture changes Seats and Tier of row 1 and Active of row 2.
    QVERIFY(g.apply(testdata::fixture(QStringLiteral("rows_updated.json"))));
    QCOMPARE(g.cell(1, Seats), QStringLiteral("30"));
    QCOMPARE(g.cell(1, Tier), QStringLiteral("Gold"));
    QCOMPARE(g.cell(2, Active), QStringLiteral("✓"));
    QCOMPARE(changed.count(), 2); // one per row, spanning its changed columns
    const QModelIndex seats = g.model.index(g.model.rowOfId(1), Seats);
    QVERIFY(seats.data(RowGridModel::ChangedRole).isValid());
    QVERIFY(!g.model.index(g.model.rowOfId(1), Name)
                 .data(RowGridModel::ChangedRole)
                 .isValid()); // unchanged value
    QVERIFY(!g.model.index(g.model.rowOfId(3), Seats).data(RowGridModel::ChangedRole).isValid());

    // Partial rows (1.35.2 field rules): missing keys are "not included", not null.
    QVERIFY(g.apply(
        R"({"type": "rows_updated", "table_id": 21, "rows_before_update": [{"id": 3, "field_102": "7"}],
        "rows": [{"id": 3, "field_102": "8"}], "metadata": {}, "updated_field_ids": [102]})"));
    QCOMPARE(g.cell(3, Seats), QStringLiteral("8"));
    QCOMPARE(g.cell(3, Name), QStringLiteral("Hooli"));
    // The same values again change nothing; an unknown row is ignored.
    QVERIFY(!g.apply(
        R"({"type": "rows_updated", "table_id": 21, "rows": [{"id": 3, "field_102": "8"}], "updated_field_ids": [102]})"));
    QVERIFY(!g.apply(
        R"({"type": "rows_updated", "table_id": 21, "rows": [{"id": 99, "field_102": "8"}], "updated_field_ids": [102]})"));
}

void TestRowGridModel::orderChangeMovesRow()
{
    Grid g;
    const QPersistentModelIndex first = g.model.index(0, Name);
    QSignalSpy moved(&g.model, &QAbstractItemModel::rowsMoved);
    // Row 1 moves to the end (a row move: updated_field_ids is empty).
    QVERIFY(g.apply(
        R"({"type": "rows_updated", "table_id": 21, "rows": [{"id": 1, "order": "11.00000000000000000000"}], "updated_field_ids": []})"));
    QCOMPARE(g.ids(), (QList<qint64> {2, 3, 1}));
    QCOMPARE(moved.count(), 1);
    QCOMPARE(first.row(), 2);
    QCOMPARE(first.data().toString(), QStringLiteral("Initech"));
    // And back to the front.
    QVERIFY(g.apply(
        R"({"type": "rows_updated", "table_id": 21, "rows": [{"id": 1, "order": "0.50000000000000000000"}], "updated_field_ids": []})"));
    QCOMPARE(g.ids(), (QList<qint64> {1, 2, 3}));
    QCOMPARE(first.row(), 0);
    // An order that keeps the place: no move.
    QVERIFY(g.apply(
        R"({"type": "rows_updated", "table_id": 21, "rows": [{"id": 2, "order": "3.00000000000000000000"}], "updated_field_ids": []})"));
    QCOMPARE(moved.count(), 2);
    QCOMPARE(g.model.rowOfId(2), 1);
}

void TestRowGridModel::rowsDeleted()
{
    Grid g;
    QSignalSpy removed(&g.model, &QAbstractItemModel::rowsRemoved);
    QVERIFY(g.apply(testdata::fixture(QStringLiteral("rows_deleted.json"))));
    QCOMPARE(g.ids(), (QList<qint64> {1, 3}));
    QCOMPARE(removed.count(), 1);
    QVERIFY(!g.apply(testdata::fixture(QStringLiteral("rows_deleted.json"))));
    QCOMPARE(g.model.rowOfId(3), 1);
}

void TestRowGridModel::otherEventsIgnored()
{
    Grid g;
    QVERIFY(!g.apply(R"({"type": "rows_deleted", "table_id": 22, "row_ids": [1], "rows": []})"));
    QVERIFY(!g.apply(testdata::fixture(QStringLiteral("field_created.json"))));
    QVERIFY(!g.apply(testdata::fixture(QStringLiteral("row_history_updated.json"))));
    QVERIFY(!g.apply("{broken"));
    const quint64 sent
        = g.ingest.ingestUtf8(R"({"type": "rows_deleted", "table_id": 21, "row_ids": [1]})", Direction::Sent);
    QVERIFY(!g.model.applyEvent(g.store.at(sent), g.store.payload(sent)));
    QCOMPARE(g.model.rowCount(), 3);
}

void TestRowGridModel::highlightFades()
{
    Grid g;
    QVERIFY(g.apply(
        R"({"type": "rows_updated", "table_id": 21, "rows": [{"id": 2, "field_102": "41"}], "updated_field_ids": [102]})"));
    const QModelIndex cell = g.model.index(g.model.rowOfId(2), Seats);
    const QDateTime when = cell.data(RowGridModel::ChangedRole).toDateTime();
    QCOMPARE(when.toMSecsSinceEpoch(), g.clock.nowUs() / 1000);
    const QVariant strong = cell.data(Qt::BackgroundRole);
    QVERIFY(strong.isValid());
    QSignalSpy changed(&g.model, &QAbstractItemModel::dataChanged);
    g.clock.advance(500);
    QVERIFY(changed.count() >= 1); // the fade repaints the cell
    QCOMPARE(changed.last().at(0).toModelIndex(), cell);
    QVERIFY(changed.last().at(2).value<QList<int>>().contains(Qt::BackgroundRole));
    const QVariant weaker = cell.data(Qt::BackgroundRole);
    QVERIFY(weaker.isValid());
    QVERIFY(weaker != strong);
    g.clock.advance(600);
    QVERIFY(!cell.data(Qt::BackgroundRole).isValid());
    QVERIFY(!cell.data(RowGridModel::ChangedRole).isValid());
    // Nothing left to fade: the timer stops.
    g.clock.advance(1000);
    QCOMPARE(g.clock.pendingTimers(), 0);
    // With highlighting off, nothing is marked.
    g.model.setHighlightMs(0);
    QVERIFY(g.apply(
        R"({"type": "rows_updated", "table_id": 21, "rows": [{"id": 2, "field_102": "42"}], "updated_field_ids": [102]})"));
    QVERIFY(!cell.data(Qt::BackgroundRole).isValid());
    QCOMPARE(g.clock.pendingTimers(), 0);
}

void TestRowGridModel::legacySingularEvents()
{
    Grid g;
    QVERIFY(g.apply(testdata::fixture(QStringLiteral("legacy/row_updated@1.9.1.json"))));
    QCOMPARE(g.cell(1, Seats), QStringLiteral("30"));
    QVERIFY(g.apply(
        R"({"type": "row_created", "table_id": 21, "row": {"id": 9, "order": "2.5", "field_101": "Old"}, "before_row_id": null})"));
    QCOMPARE(g.ids(), (QList<qint64> {1, 2, 9, 3}));
    QVERIFY(g.apply(R"({"type": "row_deleted", "table_id": 21, "row_id": 9})"));
    QCOMPARE(g.ids(), (QList<qint64> {1, 2, 3}));
}

void TestRowGridModel::fieldsChangeKeepsRows()
{
    Grid g;
    // A new field: same table, the rows stay; the new column is empty until values arrive.
    QVERIFY(g.apply(testdata::fixture(QStringLiteral("rows_updated.json"))));
    EventStore events;
    Ingest ingest(events);
    ingest.ingestUtf8(testdata::fixture(QStringLiteral("field_created.json")));
    QVERIFY(g.dir.apply(events.at(0), events.payload(0)));
    g.model.setTable(21, g.dir.fields(21));
    QCOMPARE(g.model.columnCount(), 6);
    QCOMPARE(g.model.rowCount(), 3);
    QCOMPARE(g.cell(1, Seats), QStringLiteral("30"));
    QCOMPARE(g.model.headerData(5, Qt::Horizontal).toString(), QStringLiteral("Notes"));
    // Another table: empty until its rows are set.
    g.model.setTable(30, {});
    QCOMPARE(g.model.rowCount(), 0);
    QCOMPARE(g.model.columnCount(), 0);
}

QTEST_GUILESS_MAIN(TestRowGridModel)
#include "tst_rowgridmodel.moc"
