// SPDX-License-Identifier: MIT
// The stream view's window over the filtered events: pause, clear, styling.
#include "core/eventstore.h"
#include "core/ingest.h"
#include "core/messagetypes.h"
#include "models/eventfilterproxy.h"
#include "models/eventlistmodel.h"
#include "streamwindowproxy.h"

#include <QAbstractItemModelTester>
#include <QFont>
#include <QSignalSpy>
#include <QTest>

using namespace bmon;

class TestStreamWindowProxy : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void followsAppends();
    void pauseHoldsBackAndResumeCatchesUp();
    void clearHidesWhatIsThere();
    void filterChangesKeepTheWindow();
    void stylesErrorsAndUnknownTypes();

private:
    void add(int n, const char* json = R"({"type":"rows_updated","table_id":21,"rows":[{"id":1}]})");

    std::unique_ptr<EventStore> m_store;
    std::unique_ptr<Ingest> m_ingest;
    std::unique_ptr<EventListModel> m_events;
    std::unique_ptr<EventFilterProxy> m_filter;
    std::unique_ptr<StreamWindowProxy> m_window;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

void TestStreamWindowProxy::init()
{
    m_store = std::make_unique<EventStore>();
    m_ingest = std::make_unique<Ingest>(*m_store);
    m_events = std::make_unique<EventListModel>();
    m_events->setStore(m_store.get());
    m_filter = std::make_unique<EventFilterProxy>();
    m_filter->setSourceModel(m_events.get());
    m_window = std::make_unique<StreamWindowProxy>();
    m_window->setSourceModel(m_filter.get());
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_window.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
}

void TestStreamWindowProxy::cleanup()
{
    m_tester.reset();
    m_window.reset();
    m_filter.reset();
    m_events.reset();
    m_ingest.reset();
    m_store.reset();
}

void TestStreamWindowProxy::add(int n, const char* json)
{
    for (int i = 0; i < n; ++i)
        m_ingest->ingestUtf8(json);
    m_events->flush();
}

void TestStreamWindowProxy::followsAppends()
{
    QSignalSpy inserted(m_window.get(), &QAbstractItemModel::rowsInserted);
    add(10);
    QCOMPARE(m_window->rowCount(), 10);
    add(5);
    QCOMPARE(m_window->rowCount(), 15);
    QCOMPARE(inserted.count(), 2);
    QCOMPARE(inserted.last().at(1).toInt(), 10);
    QCOMPARE(inserted.last().at(2).toInt(), 14);
    QCOMPARE(m_window->storeIndex(14), 14u);
    QCOMPARE(m_window->rowOfStoreIndex(3), 3);
    QCOMPARE(
        m_window->index(2, EventListModel::TypeColumn).data().toString(), QStringLiteral("rows_updated"));
    QCOMPARE(m_window->columnCount(), int(EventListModel::ColumnCount));
}

void TestStreamWindowProxy::pauseHoldsBackAndResumeCatchesUp()
{
    add(10);
    QSignalSpy hidden(m_window.get(), &StreamWindowProxy::hiddenWhilePausedChanged);
    m_window->setPaused(true);
    QVERIFY(m_window->isPaused());
    add(7);
    QCOMPARE(m_store->count(), 17u); // stored…
    QCOMPARE(m_window->rowCount(), 10); // …but not shown
    QCOMPARE(m_window->hiddenWhilePaused(), 7u);
    QVERIFY(!hidden.isEmpty());
    QCOMPARE(hidden.last().at(0).toULongLong(), 7u);
    QCOMPARE(m_window->rowOfStoreIndex(12), -1);

    QSignalSpy inserted(m_window.get(), &QAbstractItemModel::rowsInserted);
    m_window->setPaused(false);
    QCOMPARE(m_window->rowCount(), 17);
    QCOMPARE(inserted.count(), 1); // one batch
    QCOMPARE(m_window->hiddenWhilePaused(), 0u);
    QCOMPARE(m_window->rowOfStoreIndex(12), 12);
}

void TestStreamWindowProxy::clearHidesWhatIsThere()
{
    add(10);
    m_window->setClearOffset(quint64(m_events->rowCount()));
    QCOMPARE(m_window->rowCount(), 0);
    QCOMPARE(m_store->count(), 10u); // the store keeps it
    add(3);
    QCOMPARE(m_window->rowCount(), 3);
    QCOMPARE(m_window->storeIndex(0), 10u);
    QCOMPARE(m_window->rowOfStoreIndex(4), -1);
    QCOMPARE(m_window->rowOfStoreIndex(11), 1);
    m_window->setClearOffset(0);
    QCOMPARE(m_window->rowCount(), 13);
}

void TestStreamWindowProxy::filterChangesKeepTheWindow()
{
    add(4);
    add(4, R"({"type":"page_add","page":"table","parameters":{"table_id":21}})");
    m_window->setClearOffset(2); // hides two rows_updated
    QCOMPARE(m_window->rowCount(), 6);
    m_window->setPaused(true);
    add(3, R"({"type":"page_add","page":"table","parameters":{"table_id":22}})");
    QCOMPARE(m_window->rowCount(), 6);

    EventFilter f;
    f.types.insert(KnownType::PageAdd);
    QSignalSpy filtered(m_filter.get(), &EventFilterProxy::filtered);
    m_filter->setFilter(f);
    QTRY_VERIFY_WITH_TIMEOUT(!m_filter->isFiltering(), 5000);
    QCOMPARE(m_filter->rowCount(), 7);
    QCOMPARE(m_window->rowCount(), 4); // page_add events from before the pause
    QCOMPARE(m_window->hiddenWhilePaused(), 3u);
    for (int r = 0; r < m_window->rowCount(); ++r)
        QCOMPARE(
            m_window->index(r, EventListModel::TypeColumn).data().toString(), QStringLiteral("page_add"));
    m_window->setPaused(false);
    QCOMPARE(m_window->rowCount(), 7);

    m_filter->setFilter(EventFilter {});
    QTRY_COMPARE_WITH_TIMEOUT(m_window->rowCount(), 9, 5000); // 11 stored, 2 cleared
}

void TestStreamWindowProxy::stylesErrorsAndUnknownTypes()
{
    add(1);
    add(1, "{not json");
    add(1, R"({"type":"made_up_type_for_the_test"})");
    QCOMPARE(m_window->rowCount(), 3);
    QVERIFY(!m_window->index(0, 0).data(Qt::BackgroundRole).isValid());
    QVERIFY(m_window->index(1, 0).data(Qt::BackgroundRole).isValid());
    QVERIFY(m_window->index(2, 0).data(Qt::FontRole).value<QFont>().italic());
    QVERIFY(!m_window->index(0, 0).data(Qt::FontRole).value<QFont>().italic());
}

QTEST_MAIN(TestStreamWindowProxy)
#include "tst_streamwindowproxy.moc"
