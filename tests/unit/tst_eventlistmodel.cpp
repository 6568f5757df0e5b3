// SPDX-License-Identifier: MIT
#include "core/directory.h"
#include "core/eventstore.h"
#include "core/ingest.h"
#include "models/eventlistmodel.h"

#include "directorytestdata.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace bmon;

class TestEventListModel : public QObject
{
    Q_OBJECT

private slots:
    void batchesInserts();
    void displaysRecords();
    void namesFromDirectory();
    void summaries_data();
    void summaries();
    void actors_data();
    void actors();
    void rerendersOnDirectoryChange();
};

void TestEventListModel::batchesInserts()
{
    EventStore store;
    Ingest ingest(store);
    EventListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setStore(&store);
    model.setBatchInterval(20);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);

    for (int i = 0; i < 5000; ++i) {
        ingest.ingestUtf8(R"({"type":"rows_updated","table_id":21,"rows":[{"id":1}]})");
        model.notifyAppended();
    }
    QCOMPARE(model.rowCount(), 0); // nothing until the batch timer fires
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 5000, 5000);
    QCOMPARE(inserted.count(), 1); // one beginInsertRows for the whole burst

    ingest.ingestUtf8(R"({"type":"page_add","page":"table","parameters":{"table_id":21}})");
    model.flush();
    QCOMPARE(model.rowCount(), 5001);
    QCOMPARE(inserted.count(), 2);
}

void TestEventListModel::displaysRecords()
{
    EventStore store;
    Ingest ingest(store);
    EventListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    ingest.ingestUtf8(
        R"({"type":"rows_updated","table_id":21,"rows_before_update":[{"id":1,"field_102":"25"}],"rows":[{"id":1,"field_102":"30"}],"updated_field_ids":[102]})");
    ingest.ingestUtf8("{broken", Direction::Received);
    ingest.ingestUtf8(R"({"page":"table","table_id":21})", Direction::Sent);
    model.setStore(&store);
    QCOMPARE(model.rowCount(), 3);

    QCOMPARE(model.index(0, EventListModel::TypeColumn).data().toString(), QStringLiteral("rows_updated"));
    QCOMPARE(model.index(0, EventListModel::CategoryColumn).data().toString(), QStringLiteral("database"));
    QCOMPARE(model.index(0, EventListModel::TableColumn).data().toString(), QStringLiteral("table 21"));
    // Without a Directory: ids instead of names.
    QCOMPARE(model.index(0, EventListModel::SummaryColumn).data().toString(),
        QStringLiteral("rows_updated · table 21 · 1 row · fields 102"));
    QCOMPARE(model.index(0, EventListModel::WorkspaceColumn).data().toString(), QString());
    QCOMPARE(model.index(0, EventListModel::ActorColumn).data().toString(), QString());
    QCOMPARE(model.index(0, 0).data(EventListModel::TableIdRole).toUInt(), 21u);

    QVERIFY(model.index(1, 0).data(EventListModel::IsErrorRole).toBool());
    QVERIFY(model.index(1, EventListModel::SummaryColumn)
                .data()
                .toString()
                .contains(QLatin1String("invalid JSON at byte")));
    QCOMPARE(model.index(2, EventListModel::DirectionColumn).data().toString(), QStringLiteral("↑"));
    QCOMPARE(model.index(2, EventListModel::SummaryColumn).data().toString(),
        QStringLiteral("page · table 21 · page table (table_id 21)"));
}

namespace {

struct Named
{
    Directory dir;
    EventStore store;
    Ingest ingest {store};
    EventListModel model;
    QAbstractItemModelTester tester {&model, QAbstractItemModelTester::FailureReportingMode::QtTest};

    Named()
    {
        testdata::loadAll(dir);
        model.setStore(&store);
        model.setDirectory(&dir);
    }
    int add(const QByteArray& frame)
    {
        ingest.ingestUtf8(frame);
        model.flush();
        return model.rowCount() - 1;
    }
    QString text(int row, int column) const { return model.index(row, column).data().toString(); }
};

} // namespace

void TestEventListModel::namesFromDirectory()
{
    Named n;
    // A row event names only its table: database and workspace come from the Directory.
    const int row = n.add(R"({"type": "rows_deleted", "table_id": 21, "row_ids": [2], "rows": [{"id": 2}]})");
    QCOMPARE(n.text(row, EventListModel::WorkspaceColumn), QStringLiteral("Acme Ops"));
    QCOMPARE(n.text(row, EventListModel::DatabaseColumn), QStringLiteral("CRM"));
    QCOMPARE(n.text(row, EventListModel::TableColumn), QStringLiteral("Clients"));
    QCOMPARE(n.model.index(row, 0).data(EventListModel::WorkspaceIdRole).toUInt(), 7u);
    QCOMPARE(n.model.index(row, 0).data(EventListModel::ApplicationIdRole).toUInt(), 12u);
    QCOMPARE(n.model.index(row, 0).data(EventListModel::TableIdRole).toUInt(), 21u);
    // Unknown ids fall back to "ws 7" / "db 12" / "table 21".
    const int unknown = n.add(
        R"({"type": "field_created", "field": {"id": 5, "table_id": 77, "database_id": 66, "workspace_id": 55}})");
    QCOMPARE(n.text(unknown, EventListModel::WorkspaceColumn), QStringLiteral("ws 55"));
    QCOMPARE(n.text(unknown, EventListModel::DatabaseColumn), QStringLiteral("db 66"));
    QCOMPARE(n.text(unknown, EventListModel::TableColumn), QStringLiteral("table 77"));
    // Nothing to say: blank.
    const int control = n.add(testdata::fixture(QStringLiteral("authentication.json")));
    QCOMPARE(n.text(control, EventListModel::WorkspaceColumn), QString());
    QCOMPARE(n.text(control, EventListModel::TableColumn), QString());
}

void TestEventListModel::summaries_data()
{
    QTest::addColumn<QByteArray>("frame");
    QTest::addColumn<QString>("summary");
    QTest::newRow("rows_updated") << testdata::fixture(QStringLiteral("rows_updated.json"))
                                  << QStringLiteral("rows_updated · Clients · 2 rows · Seats, Active, Tier");
    QTest::newRow("rows_updated without updated_field_ids") << QByteArray(
        R"({"type": "rows_updated", "table_id": 21, "rows_before_update": [{"id": 1, "field_101": "A", "field_103": true}],
                         "rows": [{"id": 1, "field_101": "B", "field_103": true}]})")
                                                            << QStringLiteral(
                                                                   "rows_updated · Clients · 1 row · Name");
    QTest::newRow("moved") << QByteArray(
        R"({"type": "rows_updated", "table_id": 21, "rows": [{"id": 1, "order": "3.5"}], "updated_field_ids": []})")
                           << QStringLiteral("rows_updated · Clients · 1 row · moved");
    QTest::newRow("unknown field") << QByteArray(
        R"({"type": "rows_updated", "table_id": 21, "rows": [{"id": 1}], "updated_field_ids": [102, 999]})")
                                   << QStringLiteral("rows_updated · Clients · 1 row · Seats, field 999");
    QTest::newRow("unknown table") << QByteArray(
        R"({"type": "rows_updated", "table_id": 88, "rows": [{"id": 1}], "updated_field_ids": [102, 103]})")
                                   << QStringLiteral("rows_updated · table 88 · 1 row · Seats, Active");
    QTest::newRow("rows_created") << testdata::fixture(QStringLiteral("rows_created.json"))
                                  << QStringLiteral("rows_created · Clients · 1 row");
    QTest::newRow("rows_created before") << QByteArray(
        R"({"type": "rows_created", "table_id": 21, "rows": [{"id": 5}, {"id": 6}], "before_row_id": 2})")
                                         << QStringLiteral("rows_created · Clients · 2 rows · before row 2");
    QTest::newRow("rows_deleted") << testdata::fixture(QStringLiteral("rows_deleted.json"))
                                  << QStringLiteral("rows_deleted · Clients · 1 row");
    QTest::newRow("row_history_updated") << testdata::fixture(QStringLiteral("row_history_updated.json"))
                                         << QStringLiteral("row_history_updated · Clients · row 1 · Seats");
    QTest::newRow("legacy row_updated") << testdata::fixture(QStringLiteral("legacy/row_updated@1.9.1.json"))
                                        << QStringLiteral("row_updated · Clients · 1 row · Seats");
    QTest::newRow("field_updated") << testdata::fixture(QStringLiteral(
        "field_updated.json")) << QStringLiteral("field_updated · Clients · field \"Internal notes\" (text)");
    QTest::newRow("application_created")
        << testdata::fixture(QStringLiteral("application_created.json"))
        << QStringLiteral("application_created · db 13 · application \"Inventory\" (database)");
    QTest::newRow("group_created") << testdata::fixture(QStringLiteral("group_created.json"))
                                   << QStringLiteral("group_created · ws 8 · workspace \"Marketing\"");
    QTest::newRow("broken") << QByteArray("{broken")
                            << QStringLiteral("(malformed) · invalid JSON at byte 1: unexpected character");
}

void TestEventListModel::summaries()
{
    QFETCH(QByteArray, frame);
    QFETCH(QString, summary);
    Named n;
    const int row = n.add(frame);
    QCOMPARE(n.text(row, EventListModel::SummaryColumn), summary);
}

void TestEventListModel::actors_data()
{
    QTest::addColumn<QByteArray>("frame");
    QTest::addColumn<QString>("actor");
    QTest::newRow("row_history_updated")
        << testdata::fixture(QStringLiteral("row_history_updated.json")) << QStringLiteral("Alice");
    QTest::newRow("row_comment_created")
        << testdata::fixture(QStringLiteral("row_comment_created.json")) << QStringLiteral("Alice");
    QTest::newRow("group_user_added")
        << testdata::fixture(QStringLiteral("group_user_added.json")) << QStringLiteral("Bob");
    // Field 106 of table 21 is a last_modified_by field.
    QTest::newRow("last_modified_by") << QByteArray(R"({"type": "rows_updated", "table_id": 21,
        "rows_before_update": [{"id": 1, "field_102": "1", "field_106": {"id": 3, "name": "Alice"}}],
        "rows": [{"id": 1, "field_102": "2", "field_106": {"id": 4, "name": "Bob"}}, {"id": 2, "field_106": {"id": 4, "name": "Bob"}}],
        "updated_field_ids": [102]})") << QStringLiteral("Bob");
    QTest::newRow("last_modified_by, two") << QByteArray(R"({"type": "rows_created", "table_id": 21,
        "rows": [{"id": 7, "field_106": {"id": 4, "name": "Bob"}}, {"id": 8, "field_106": {"id": 3, "name": "Alice"}}], "before_row_id": null})")
                                           << QStringLiteral("Bob, Alice");
    QTest::newRow("deleted rows: not the deleter")
        << QByteArray(R"({"type": "rows_deleted", "table_id": 21, "row_ids": [1],
        "rows": [{"id": 1, "field_106": {"id": 4, "name": "Bob"}}]})")
        << QString();
    QTest::newRow("other table: no field types") << QByteArray(R"({"type": "rows_updated", "table_id": 30,
        "rows": [{"id": 1, "field_106": {"id": 4, "name": "Bob"}}], "updated_field_ids": []})")
                                                 << QString();
    QTest::newRow("nothing knowable") << testdata::fixture(QStringLiteral("table_updated.json")) << QString();
}

void TestEventListModel::actors()
{
    QFETCH(QByteArray, frame);
    QFETCH(QString, actor);
    Named n;
    const int row = n.add(frame);
    QCOMPARE(n.text(row, EventListModel::ActorColumn), actor);
    QCOMPARE(n.model.index(row, 0).data(EventListModel::ActorRole).toString(), actor);
}

void TestEventListModel::rerendersOnDirectoryChange()
{
    Named n;
    const int row = n.add(testdata::fixture(QStringLiteral("rows_updated.json")));
    QCOMPARE(n.text(row, EventListModel::TableColumn), QStringLiteral("Clients"));
    QCOMPARE(n.text(row, EventListModel::SummaryColumn),
        QStringLiteral("rows_updated · Clients · 2 rows · Seats, Active, Tier"));
    QSignalSpy changed(&n.model, &QAbstractItemModel::dataChanged);
    // The rename arrives as an event and is applied to the Directory (Session does this).
    EventStore events;
    Ingest ingest(events);
    ingest.ingestUtf8(testdata::fixture(QStringLiteral("table_updated.json")));
    ingest.ingestUtf8(testdata::fixture(QStringLiteral("field_created.json")));
    QVERIFY(n.dir.apply(events.at(0), events.payload(0)));
    QVERIFY(n.dir.apply(events.at(1), events.payload(1)));
    // Coalesced: one repaint of the name columns for both changes.
    QTRY_COMPARE_WITH_TIMEOUT(changed.count(), 1, 5000);
    QCOMPARE(changed.at(0).at(0).toModelIndex(), n.model.index(0, EventListModel::WorkspaceColumn));
    QCOMPARE(changed.at(0).at(1).toModelIndex(), n.model.index(row, EventListModel::SummaryColumn));
    QCOMPARE(n.text(row, EventListModel::TableColumn), QStringLiteral("Customers"));
    QCOMPARE(n.text(row, EventListModel::SummaryColumn),
        QStringLiteral("rows_updated · Customers · 2 rows · Seats, Active, Tier"));
    // Without a Directory: ids again.
    n.model.setDirectory(nullptr);
    QCOMPARE(n.text(row, EventListModel::TableColumn), QStringLiteral("table 21"));
}

QTEST_GUILESS_MAIN(TestEventListModel)
#include "tst_eventlistmodel.moc"
