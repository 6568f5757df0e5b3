// SPDX-License-Identifier: MIT
// EventFilterProxy over an EventListModel, under QAbstractItemModelTester: full scans off the
// GUI thread, incremental inserts, refilters while rows arrive.
#include "core/eventstore.h"
#include "core/ingest.h"
#include "core/messagetypes.h"
#include "models/eventfilterproxy.h"
#include "models/eventlistmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace bmon;

namespace {

QByteArray rowsFrame(int table, int i)
{
    return QByteArray(R"({"type": "rows_updated", "table_id": )") + QByteArray::number(table)
        + R"(, "rows": [{"id": )" + QByteArray::number(i) + R"(, "field_101": "Company )"
        + QByteArray::number(i % 50) + R"("}], "updated_field_ids": [101]})";
}

struct Fixture
{
    EventStore store;
    Ingest ingest {store};
    EventListModel source;
    EventFilterProxy proxy;
    QAbstractItemModelTester sourceTester {&source, QAbstractItemModelTester::FailureReportingMode::QtTest};
    QAbstractItemModelTester proxyTester {&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest};

    Fixture()
    {
        source.setStore(&store);
        proxy.setSourceModel(&source);
    }

    void add(int n, int firstIndex = 0)
    {
        for (int i = 0; i < n; ++i) {
            const int k = firstIndex + i;
            if (k % 4 == 3)
                ingest.ingestUtf8(R"({"type": "page_add", "page": "table", "parameters": {"table_id": 22}})");
            else
                ingest.ingestUtf8(rowsFrame(20 + k % 3, k));
        }
    }

    //! Store indices the filter should show, computed the slow way.
    QList<quint64> expected(const EventFilter& f) const
    {
        const EventMatcher m(f);
        QList<quint64> rows;
        for (int i = 0; i < source.rowCount(); ++i) {
            if (m.matches(store, quint64(i)))
                rows << quint64(i);
        }
        return rows;
    }

    QList<quint64> shown() const
    {
        QList<quint64> rows;
        for (int r = 0; r < proxy.rowCount(); ++r) {
            rows << proxy.storeIndex(r);
            // The mapping agrees with the source's own index role.
            if (proxy.index(r, 0).data(EventListModel::IndexRole).toULongLong() != proxy.storeIndex(r))
                return {};
        }
        return rows;
    }
};

EventFilter tableFilter(quint32 table)
{
    EventFilter f;
    f.tableIds = {table};
    return f;
}

} // namespace

class TestEventFilterProxy : public QObject
{
    Q_OBJECT

private slots:
    void emptyFilterMirrorsSource();
    void filtersOffThread();
    void mapping();
    void insertionsWhileFiltered();
    void refilterWhileRowsArrive();
    void newestFilterWins();
    void invalidRegexShowsNothing();
    void clearFilterShowsAll();
    void sourceReset();
    void forwardsDataChanged();
};

void TestEventFilterProxy::emptyFilterMirrorsSource()
{
    Fixture f;
    f.add(100);
    f.source.flush();
    QCOMPARE(f.proxy.rowCount(), 100);
    QCOMPARE(f.proxy.columnCount(), int(EventListModel::ColumnCount));
    QVERIFY(!f.proxy.isFiltering());
    QCOMPARE(f.proxy.index(5, EventListModel::TypeColumn).data().toString(), QStringLiteral("rows_updated"));
    QCOMPARE(f.proxy.headerData(EventListModel::SummaryColumn, Qt::Horizontal).toString(),
        QStringLiteral("Summary"));
    QSignalSpy inserted(&f.proxy, &QAbstractItemModel::rowsInserted);
    f.add(10, 100);
    f.source.flush();
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(f.proxy.rowCount(), 110);
}

void TestEventFilterProxy::filtersOffThread()
{
    Fixture f;
    f.add(5000);
    f.source.flush();
    QSignalSpy filtered(&f.proxy, &EventFilterProxy::filtered);
    QSignalSpy filtering(&f.proxy, &EventFilterProxy::filtering);
    QSignalSpy reset(&f.proxy, &QAbstractItemModel::modelReset);
    const EventFilter filter = tableFilter(21);
    f.proxy.setFilter(filter);
    QCOMPARE(f.proxy.filter(), filter);
    QVERIFY(f.proxy.isFiltering());
    QCOMPARE(f.proxy.rowCount(), 5000); // the old result stays until the scan ends
    QVERIFY(filtered.wait(10000));
    QVERIFY(!f.proxy.isFiltering());
    QCOMPARE(reset.count(), 1);
    QVERIFY(filtering.count() >= 2); // 0 … 100
    QCOMPARE(filtering.last().at(0).toInt(), 100);
    QCOMPARE(f.shown(), f.expected(filter));
    QCOMPARE(filtered.last().at(0).toInt(), f.proxy.rowCount());
    QVERIFY(f.proxy.rowCount() > 0 && f.proxy.rowCount() < 5000);
}

void TestEventFilterProxy::mapping()
{
    Fixture f;
    f.add(40);
    f.source.flush();
    QSignalSpy filtered(&f.proxy, &EventFilterProxy::filtered);
    EventFilter types;
    types.types = {KnownType::PageAdd};
    f.proxy.setFilter(types);
    QVERIFY(filtered.wait(5000));
    QCOMPARE(f.proxy.rowCount(), 10);
    for (int r = 0; r < f.proxy.rowCount(); ++r) {
        const quint64 index = f.proxy.storeIndex(r);
        QCOMPARE(index % 4, 3u);
        QCOMPARE(f.proxy.rowOfStoreIndex(index), r);
        const QModelIndex proxyIndex = f.proxy.index(r, 2);
        const QModelIndex sourceIndex = f.proxy.mapToSource(proxyIndex);
        QCOMPARE(sourceIndex.row(), int(index));
        QCOMPARE(sourceIndex.column(), 2);
        QCOMPARE(f.proxy.mapFromSource(sourceIndex), proxyIndex);
    }
    QCOMPARE(f.proxy.rowOfStoreIndex(0), -1);
    QVERIFY(!f.proxy.mapFromSource(f.source.index(0, 0)).isValid());
    QCOMPARE(f.proxy.rowOfStoreIndex(1000), -1);
}

void TestEventFilterProxy::insertionsWhileFiltered()
{
    Fixture f;
    f.add(100);
    f.source.flush();
    QSignalSpy filtered(&f.proxy, &EventFilterProxy::filtered);
    const EventFilter filter = tableFilter(22);
    f.proxy.setFilter(filter);
    QVERIFY(filtered.wait(5000));
    const int before = f.proxy.rowCount();
    QSignalSpy inserted(&f.proxy, &QAbstractItemModel::rowsInserted);
    QSignalSpy reset(&f.proxy, &QAbstractItemModel::modelReset);
    // A batch with matching and non-matching rows: one insert of the matching ones, at the end.
    f.add(40, 100);
    f.source.flush();
    QCOMPARE(reset.count(), 0);
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(inserted.at(0).at(1).toInt(), before);
    QCOMPARE(f.shown(), f.expected(filter));
    // A batch without a match inserts nothing.
    f.ingest.ingestUtf8(rowsFrame(20, 1));
    f.source.flush();
    QCOMPARE(inserted.count(), 1);
}

void TestEventFilterProxy::refilterWhileRowsArrive()
{
    Fixture f;
    f.add(5000);
    f.source.flush();
    QSignalSpy filtered(&f.proxy, &EventFilterProxy::filtered);
    EventFilter filter;
    filter.text = QStringLiteral("company 7");
    f.proxy.setFilter(filter);
    // Rows keep coming while the scan runs (its result can only land when the event loop runs
    // again): the shown rows (all, the old filter) grow with them.
    for (int batch = 0; batch < 5; ++batch) {
        f.add(200, 5000 + batch * 200);
        f.source.flush();
    }
    QVERIFY(filtered.wait(20000));
    QCOMPARE(f.shown(), f.expected(filter));
    // And after the scan, new rows are tested one by one.
    f.add(500, 6000);
    f.source.flush();
    QCOMPARE(f.shown(), f.expected(filter));

    // A refilter on top of a filtered view while rows arrive.
    const EventFilter second = tableFilter(21);
    f.proxy.setFilter(second);
    f.add(300, 6500);
    f.source.flush();
    QVERIFY(filtered.wait(20000));
    f.add(300, 6800);
    f.source.flush();
    QCOMPARE(f.shown(), f.expected(second));
}

void TestEventFilterProxy::newestFilterWins()
{
    Fixture f;
    f.add(5000);
    f.source.flush();
    QSignalSpy filtered(&f.proxy, &EventFilterProxy::filtered);
    EventFilter slow;
    slow.regex = QStringLiteral("Company (1|2)\\d$");
    f.proxy.setFilter(slow);
    const EventFilter fast = tableFilter(20);
    f.proxy.setFilter(fast);
    QVERIFY(filtered.wait(10000));
    QCOMPARE(f.proxy.filter(), fast);
    QCOMPARE(f.shown(), f.expected(fast));
    QVERIFY(!filtered.wait(300)); // the replaced scan never lands
    QCOMPARE(f.shown(), f.expected(fast));
}

void TestEventFilterProxy::invalidRegexShowsNothing()
{
    Fixture f;
    f.add(20);
    f.source.flush();
    QSignalSpy error(&f.proxy, &EventFilterProxy::filterError);
    QSignalSpy filtered(&f.proxy, &EventFilterProxy::filtered);
    EventFilter bad;
    bad.regex = QStringLiteral("(");
    f.proxy.setFilter(bad);
    QVERIFY(error.wait(5000));
    QVERIFY(!error.at(0).at(0).toString().isEmpty());
    QCOMPARE(filtered.last().at(0).toInt(), 0);
    QCOMPARE(f.proxy.rowCount(), 0);
    f.add(5, 20);
    f.source.flush();
    QCOMPARE(f.proxy.rowCount(), 0);
}

void TestEventFilterProxy::clearFilterShowsAll()
{
    Fixture f;
    f.add(100);
    f.source.flush();
    QSignalSpy filtered(&f.proxy, &EventFilterProxy::filtered);
    f.proxy.setFilter(tableFilter(21));
    QVERIFY(filtered.wait(5000));
    QVERIFY(f.proxy.rowCount() < 100);
    filtered.clear();
    f.proxy.setFilter(EventFilter());
    QCOMPARE(filtered.count(), 1); // no scan for "everything"
    QCOMPARE(f.proxy.rowCount(), 100);
    QVERIFY(!f.proxy.isFiltering());
    QCOMPARE(f.proxy.storeIndex(42), 42u);
    QCOMPARE(f.proxy.rowOfStoreIndex(42), 42);
}

void TestEventFilterProxy::sourceReset()
{
    Fixture f;
    f.add(100);
    f.source.flush();
    QSignalSpy filtered(&f.proxy, &EventFilterProxy::filtered);
    const EventFilter filter = tableFilter(21);
    f.proxy.setFilter(filter);
    QVERIFY(filtered.wait(5000));

    // Another store behind the same source: the filter is applied to it from scratch.
    EventStore other;
    Ingest ingest(other);
    for (int i = 0; i < 30; ++i)
        ingest.ingestUtf8(rowsFrame(21, i));
    f.source.setStore(&other);
    QVERIFY(filtered.wait(5000));
    QCOMPARE(f.proxy.rowCount(), 30);
    f.source.setStore(&f.store); // back, before ~Fixture destroys other's rows
    QVERIFY(filtered.wait(5000));
    QCOMPARE(f.shown(), f.expected(filter));
}

void TestEventFilterProxy::forwardsDataChanged()
{
    Fixture f;
    f.add(40);
    f.source.flush();
    QSignalSpy filtered(&f.proxy, &EventFilterProxy::filtered);
    EventFilter types;
    types.types = {KnownType::PageAdd};
    f.proxy.setFilter(types);
    QVERIFY(filtered.wait(5000));
    QSignalSpy changed(&f.proxy, &QAbstractItemModel::dataChanged);
    f.source.setUtcTimes(true); // the source's whole time column changes
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.at(0).at(0).toModelIndex().row(), 0);
    QCOMPARE(changed.at(0).at(1).toModelIndex().row(), f.proxy.rowCount() - 1);
    QCOMPARE(changed.at(0).at(0).toModelIndex().column(), int(EventListModel::TimeColumn));
}

QTEST_GUILESS_MAIN(TestEventFilterProxy)
#include "tst_eventfilterproxy.moc"
