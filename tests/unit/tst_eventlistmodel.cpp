// SPDX-License-Identifier: MIT
#include "core/eventstore.h"
#include "core/ingest.h"
#include "models/eventlistmodel.h"

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
    QCOMPARE(model.index(0, EventListModel::SummaryColumn).data().toString(),
        QStringLiteral("1 row · fields 102"));
    QCOMPARE(model.index(0, 0).data(EventListModel::TableIdRole).toUInt(), 21u);

    QVERIFY(model.index(1, 0).data(EventListModel::IsErrorRole).toBool());
    QVERIFY(model.index(1, EventListModel::SummaryColumn)
                .data()
                .toString()
                .contains(QLatin1String("invalid JSON at byte")));
    QCOMPARE(model.index(2, EventListModel::DirectionColumn).data().toString(), QStringLiteral("↑"));
    QCOMPARE(model.index(2, EventListModel::SummaryColumn).data().toString(),
        QStringLiteral("page table (table_id 21)"));
}

QTEST_GUILESS_MAIN(TestEventListModel)
#include "tst_eventlistmodel.moc"
