// SPDX-License-Identifier: MIT
// The table page against the real Session and simulator: subscription state, fetching with a
// question for big tables, the live grid, and single-page servers.
#include "pagetesthelpers.h"

#include "models/eventfilterproxy.h"
#include "models/eventlistmodel.h"
#include "models/rowgridmodel.h"
#include "tablepage.h"

#include <QAbstractItemModelTester>
#include <QCoreApplication>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

using namespace bmon;
using namespace bmon::pagetest;
using namespace Qt::StringLiterals;

class TestTablePage : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();
    void showsRowsAndUpdatesLive();
    void rejectedSubscriptionForUnknownTable();
    void asksBeforeFetchingManyRows();
    void singlePageServerBanner();
};

namespace {

bool hasSubscription(const Session& s, quint32 tableId, SubscriptionState state)
{
    for (const Subscription& sub : s.connection()->subscriptions()) {
        if (sub.page == Page::table(tableId) && sub.state == state)
            return true;
    }
    return false;
}

QStringList headers(const QAbstractItemModel* m)
{
    QStringList out;
    for (int c = 0; c < m->columnCount(); ++c)
        out << m->headerData(c, Qt::Horizontal).toString();
    return out;
}

} // namespace

void TestTablePage::initTestCase()
{
    // The row limit is a setting: keep the tests' settings to themselves.
    QCoreApplication::setOrganizationName(u"baserow-monitor-tests"_s);
    QCoreApplication::setApplicationName(u"tst_tablepage"_s);
    QSettings().clear();
}

void TestTablePage::cleanup()
{
    QSettings().clear();
}

void TestTablePage::showsRowsAndUpdatesLive()
{
    Session session;
    QString error;
    QVERIFY2(session.startDemo(demoOptions(0), &error), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(isLive(session), 15000);
    auto page = std::make_unique<TablePage>(&session, 21);
    page->resize(1000, 700);
    page->show();
    QCOMPARE(page->objectName(), u"tablePage_21"_s);
    auto* grid = page->findChild<QTableView*>(u"tableGrid"_s);
    auto* state = page->findChild<QLabel*>(u"tableSubscriptionState"_s);
    auto* progress = page->findChild<QProgressBar*>(u"tableProgress"_s);
    auto* events = page->findChild<QTableView*>(u"tableEventView"_s);
    QVERIFY(grid && state && progress && events);
    QAbstractItemModelTester gridTester(
        grid->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester eventsTester(
        events->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);

    QTRY_COMPARE_WITH_TIMEOUT(page->loadState(), TablePage::LoadState::Loaded, 15000);
    QCOMPARE(grid->model()->rowCount(), 120);
    QCOMPARE(page->rowCount(), 120);
    const QStringList columns = headers(grid->model());
    QVERIFY2(columns.startsWith(u"Name"_s) && columns.contains(u"Seats"_s) && columns.contains(u"Tier"_s),
        qPrintable(columns.join(u',')));
    QVERIFY(!progress->isVisible());
    QTRY_VERIFY_WITH_TIMEOUT(state->text().contains(u"Subscribed"_s), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(page->title(), u"Customers"_s, 10000);

    // A collaborator edits row 7: the grid follows, the changed cells highlighted. Its random edit
    // may not change anything visible, so Seats is changed behind the grid's back first: the
    // event's full row carries the new value.
    auto* model = page->gridModel();
    const int row = model->rowOfId(7);
    QVERIFY(row >= 0);
    const int seats = headers(model).indexOf(u"Seats"_s);
    QVERIFY(model->index(row, seats).data().toString() != u"999"_s);
    QVERIFY(!model->index(row, seats).data(RowGridModel::ChangedRole).isValid());
    session.simulator()->silentlyUpdateCell(21, 7, 102, u"999"_s);
    session.simulator()->collaboratorUpdateRow(21, 7);
    QTRY_COMPARE_WITH_TIMEOUT(model->index(model->rowOfId(7), seats).data().toString(), u"999"_s, 15000);
    QVERIFY(model->index(model->rowOfId(7), seats).data(RowGridModel::ChangedRole).isValid());
    QVERIFY(model->index(model->rowOfId(7), seats).data(Qt::BackgroundRole).isValid());
    QVERIFY(!model->index(model->rowOfId(8), seats).data(RowGridModel::ChangedRole).isValid());
    // The table's own stream shows the edit.
    QTRY_VERIFY_WITH_TIMEOUT(findRow(events->model(), EventListModel::TypeColumn,
                                 [](const QString& t) { return t == u"rows_updated"_s; })
            >= 0,
        10000);
    for (int r = 0; r < events->model()->rowCount(); ++r)
        QCOMPARE(events->model()->index(r, 0).data(EventListModel::TableIdRole).toUInt(), 21u);

    // Closing the page leaves the demo's own subscription to table 21 alone.
    page.reset();
    QVERIFY(hasSubscription(session, 21, SubscriptionState::Active));
}

void TestTablePage::rejectedSubscriptionForUnknownTable()
{
    Session session;
    QString error;
    QVERIFY2(session.startDemo(demoOptions(0), &error), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(isLive(session), 15000);
    auto page = std::make_unique<TablePage>(&session, 999);
    page->show();
    auto* state = page->findChild<QLabel*>(u"tableSubscriptionState"_s);
    auto* status = page->findChild<QLabel*>(u"tableStatus"_s);
    auto* again = page->findChild<QPushButton*>(u"tableResubscribe"_s);
    QVERIFY(state && status && again);
    QVERIFY(state->text().contains(u"pending"_s, Qt::CaseInsensitive));
    QTRY_VERIFY_WITH_TIMEOUT(state->text().contains(u"rejected"_s, Qt::CaseInsensitive), 10000);
    QVERIFY(state->text().contains(u"page_add"_s)); // why silence means rejection
    QVERIFY(again->isVisible());
    QTRY_COMPARE_WITH_TIMEOUT(page->loadState(), TablePage::LoadState::Failed, 10000);
    QVERIFY(!status->text().isEmpty());
    QCOMPARE(page->gridModel()->rowCount(), 0);

    page.reset(); // our subscription: removed on close
    for (const Subscription& s : session.connection()->subscriptions())
        QVERIFY(s.page != Page::table(999));
}

void TestTablePage::asksBeforeFetchingManyRows()
{
    Session session;
    QString error;
    QVERIFY2(session.startDemo(demoOptions(0), &error), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(isLive(session), 15000);
    QCOMPARE(TablePage::maxRowsWithoutAsking(), 10000);
    TablePage::setMaxRowsWithoutAsking(100);
    QCOMPARE(QSettings().value(u"tables/maxRowsWithoutAsking"_s).toInt(), 100);

    TablePage page(&session, 22); // Contacts: 150 rows
    page.show();
    QSignalSpy states(&page, &TablePage::loadStateChanged);
    auto* question = page.findChild<QWidget*>(u"fetchQuestion"_s);
    auto* fetchAll = page.findChild<QPushButton*>(u"fetchAllButton"_s);
    auto* cancel = page.findChild<QPushButton*>(u"fetchCancelButton"_s);
    QVERIFY(question && fetchAll && cancel);
    QTRY_COMPARE_WITH_TIMEOUT(page.loadState(), TablePage::LoadState::Asking, 15000);
    QVERIFY(question->isVisible());
    QVERIFY2(fetchAll->text().contains(u"150"_s), qPrintable(fetchAll->text()));
    QCOMPARE(page.gridModel()->rowCount(), 0);

    cancel->click();
    QCOMPARE(page.loadState(), TablePage::LoadState::Cancelled);
    QVERIFY(!question->isVisible());

    page.refresh(); // F5 asks again
    QTRY_COMPARE_WITH_TIMEOUT(page.loadState(), TablePage::LoadState::Asking, 15000);
    fetchAll->click();
    QCOMPARE(page.loadState(), TablePage::LoadState::Fetching);
    QVERIFY(page.findChild<QProgressBar*>(u"tableProgress"_s)->isVisible());
    QTRY_COMPARE_WITH_TIMEOUT(page.loadState(), TablePage::LoadState::Loaded, 15000);
    QCOMPARE(page.gridModel()->rowCount(), 150);

    page.refresh(); // once agreed, a refresh does not ask again
    QTRY_COMPARE_WITH_TIMEOUT(page.loadState(), TablePage::LoadState::Loaded, 15000);
    QVERIFY(!question->isVisible());
    bool askedAgain = false;
    for (int i = states.count() - 3; i < states.count(); ++i)
        askedAgain
            = askedAgain || states.at(i).at(0).value<TablePage::LoadState>() == TablePage::LoadState::Asking;
    QVERIFY(!askedAgain);
}

void TestTablePage::singlePageServerBanner()
{
    Session session;
    QString error;
    sim::SimulatorOptions options = demoOptions(0);
    options.profile = sim::Profile::V1_15;
    QVERIFY2(session.startDemo(options, &error), qPrintable(error));
    QSignalSpy loaded(&session, &Session::directoryLoaded);
    QVERIFY(loaded.wait(15000));
    QVERIFY(!session.connection()->multiPage());
    QTRY_VERIFY_WITH_TIMEOUT(hasSubscription(session, 21, SubscriptionState::Active), 10000);

    // The first table page ends the demo's page of table 21.
    TablePage contacts(&session, 22);
    contacts.show();
    auto* banner = contacts.findChild<QLabel*>(u"singlePageBanner"_s);
    QVERIFY(banner);
    QVERIFY(banner->isVisible());
    QVERIFY2(banner->text().contains(u"1.15"_s) && banner->text().contains(u"Customers (table 21)"_s),
        qPrintable(banner->text()));
    QTRY_VERIFY_WITH_TIMEOUT(hasSubscription(session, 22, SubscriptionState::Active), 10000);

    // A second table page ends the first one's: both say so.
    TablePage deals(&session, 23);
    deals.show();
    auto* dealsBanner = deals.findChild<QLabel*>(u"singlePageBanner"_s);
    QVERIFY(dealsBanner->isVisible());
    QVERIFY2(dealsBanner->text().contains(u"Contacts (table 22)"_s), qPrintable(dealsBanner->text()));
    QVERIFY2(dealsBanner->text().contains(u"one page per connection"_s), qPrintable(dealsBanner->text()));
    auto* contactsState = contacts.findChild<QLabel*>(u"tableSubscriptionState"_s);
    QVERIFY2(contactsState->text().contains(u"discarded"_s, Qt::CaseInsensitive),
        qPrintable(contactsState->text()));
    QVERIFY2(banner->text().contains(u"Deals (table 23)"_s), qPrintable(banner->text()));
    QTRY_VERIFY_WITH_TIMEOUT(hasSubscription(session, 23, SubscriptionState::Active), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(deals.loadState(), TablePage::LoadState::Loaded, 15000);
    QCOMPARE(deals.gridModel()->rowCount(), 80);
}

QTEST_MAIN(TestTablePage)
#include "tst_tablepage.moc"
