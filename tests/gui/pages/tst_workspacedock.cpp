// SPDX-License-Identifier: MIT
// The workspace tree against the real Session and simulator: it lists what the login sees and
// scopes the stream.
#include "pagetesthelpers.h"

#include "models/eventfilterproxy.h"
#include "models/eventlistmodel.h"
#include "models/workspacetreemodel.h"
#include "scopefilter.h"
#include "streampage.h"
#include "workspacedock.h"

#include <QAbstractItemModelTester>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>
#include <QTreeView>

using namespace bmon;
using namespace bmon::pagetest;
using namespace Qt::StringLiterals;

class TestWorkspaceDock : public QObject
{
    Q_OBJECT

private slots:
    void listsWorkspacesWithTables();
    void selectingScopesTheStream();
    void searchFiltersByName();
    void keepsExpansionAndSelectionAcrossReloads();
};

namespace {

QModelIndex childNamed(const QAbstractItemModel* m, const QModelIndex& parent, const QString& name)
{
    for (int r = 0; r < m->rowCount(parent); ++r) {
        const QModelIndex i = m->index(r, 0, parent);
        if (i.data().toString() == name)
            return i;
    }
    return {};
}

QStringList childNames(const QAbstractItemModel* m, const QModelIndex& parent)
{
    QStringList out;
    for (int r = 0; r < m->rowCount(parent); ++r)
        out << m->index(r, 0, parent).data().toString();
    return out;
}

struct Fixture
{
    Session session;
    std::unique_ptr<WorkspaceDock> dock;
    QTreeView* view = nullptr;
    std::unique_ptr<QAbstractItemModelTester> proxyTester;
    std::unique_ptr<QAbstractItemModelTester> modelTester;

    bool start(QString* error)
    {
        if (!session.startDemo(demoOptions(30), error))
            return false;
        dock = std::make_unique<WorkspaceDock>(&session);
        dock->resize(320, 600);
        dock->show();
        view = dock->findChild<QTreeView*>(u"workspaceTreeView"_s);
        proxyTester = std::make_unique<QAbstractItemModelTester>(
            view->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        modelTester = std::make_unique<QAbstractItemModelTester>(
            dock->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        return true;
    }
    ~Fixture()
    {
        proxyTester.reset();
        modelTester.reset();
        dock.reset();
    }
    const QAbstractItemModel* model() const { return view->model(); }
    QModelIndex node(const QStringList& path) const
    {
        QModelIndex i;
        for (const QString& name : path)
            i = childNamed(model(), i, name);
        return i;
    }
};

} // namespace

void TestWorkspaceDock::listsWorkspacesWithTables()
{
    Fixture f;
    QString error;
    QVERIFY2(f.start(&error), qPrintable(error));
    QCOMPARE(f.dock->objectName(), u"workspaceTree"_s);
    // Workspaces, then applications with their tables (two REST answers).
    QTRY_VERIFY_WITH_TIMEOUT(f.node({u"Marketing"_s, u"Campaigns"_s, u"Leads"_s}).isValid(), 15000);
    QCOMPARE(childNames(f.model(), {}), QStringList({u"Acme Ops"_s, u"Marketing"_s}));
    const QModelIndex acme = f.node({u"Acme Ops"_s});
    QCOMPARE(acme.data(WorkspaceTreeModel::IdRole).toUInt(), 7u);
    QCOMPARE(f.node({u"Marketing"_s}).data(WorkspaceTreeModel::IdRole).toUInt(), 8u);
    QVERIFY(childNames(f.model(), acme).contains(u"CRM"_s));
    QCOMPARE(childNames(f.model(), f.node({u"Acme Ops"_s, u"CRM"_s})),
        QStringList({u"Customers"_s, u"Contacts"_s, u"Deals"_s}));
    QCOMPARE(childNames(f.model(), f.node({u"Marketing"_s, u"Campaigns"_s})),
        QStringList({u"Campaigns"_s, u"Leads"_s}));
    // Opened on first sight, workspaces and databases.
    QVERIFY(f.view->isExpanded(acme));
    QVERIFY(f.view->isExpanded(f.node({u"Acme Ops"_s, u"CRM"_s})));
    // Counts and rates follow the store (refreshed every second).
    const QModelIndex customers = f.node({u"Acme Ops"_s, u"CRM"_s, u"Customers"_s});
    QTRY_VERIFY_WITH_TIMEOUT(
        customers.siblingAtColumn(WorkspaceTreeModel::EventsColumn).data().toString().toInt() > 0, 20000);
    auto* all = f.dock->findChild<QPushButton*>(u"allEventsButton"_s);
    QVERIFY(all && all->isChecked());
    QTRY_VERIFY_WITH_TIMEOUT(!all->text().contains(u"— 0 ·"_s), 5000);

    QSignalSpy open(f.dock.get(), &WorkspaceDock::openTableRequested);
    emit f.view->doubleClicked(f.node({u"Acme Ops"_s, u"CRM"_s, u"Deals"_s}));
    QCOMPARE(open.count(), 1);
    QCOMPARE(open.first().at(0).toUInt(), 23u);
}

void TestWorkspaceDock::selectingScopesTheStream()
{
    Fixture f;
    QString error;
    QVERIFY2(f.start(&error), qPrintable(error));
    StreamPage page(&f.session);
    page.show();
    QObject::connect(f.dock.get(), &WorkspaceDock::scopeSelected, &page, &StreamPage::setScope);
    auto* events = page.findChild<QTableView*>(u"eventView"_s);
    QAbstractItemModelTester tester(events->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    // Workspaces, then applications with their tables (two REST answers).
    QTRY_VERIFY_WITH_TIMEOUT(f.node({u"Marketing"_s, u"Campaigns"_s, u"Leads"_s}).isValid(), 15000);
    QTRY_VERIFY_WITH_TIMEOUT(findRowWithRole(events->model(), EventListModel::TableIdRole, 21u) >= 0
            && findRow(events->model(), EventListModel::TypeColumn,
                   [](const QString& t) { return t == u"authentication"_s; })
                >= 0,
        20000);

    QSignalSpy scope(f.dock.get(), &WorkspaceDock::scopeSelected);
    f.view->setCurrentIndex(f.node({u"Acme Ops"_s, u"CRM"_s, u"Customers"_s}));
    QCOMPARE(scope.count(), 1);
    EventFilter s = scope.last().at(0).value<EventFilter>();
    QCOMPARE(s.tableIds, QSet<quint32>({21}));
    QVERIFY(s.workspaceIds.isEmpty() && s.applicationIds.isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(!page.filterProxy()->isFiltering() && events->model()->rowCount() > 0, 10000);
    for (int r = 0; r < events->model()->rowCount(); ++r)
        QCOMPARE(events->model()->index(r, 0).data(EventListModel::TableIdRole).toUInt(), 21u);
    QVERIFY(!f.dock->findChild<QPushButton*>(u"allEventsButton"_s)->isChecked());

    f.view->setCurrentIndex(f.node({u"Acme Ops"_s}));
    s = scope.last().at(0).value<EventFilter>();
    QCOMPARE(s.workspaceIds, QSet<quint32>({7}));
    QCOMPARE(s.applicationIds, QSet<quint32>({12, 14}));
    QCOMPARE(s.tableIds, QSet<quint32>({21, 22, 23}));

    f.view->setCurrentIndex(f.node({u"Marketing"_s, u"Campaigns"_s}));
    s = scope.last().at(0).value<EventFilter>();
    QCOMPARE(s.applicationIds, QSet<quint32>({15}));
    QCOMPARE(s.tableIds, QSet<quint32>({31, 32}));
    // Nothing of table 21 in Marketing.
    QTRY_VERIFY_WITH_TIMEOUT(!page.filterProxy()->isFiltering(), 10000);
    QCOMPARE(findRowWithRole(events->model(), EventListModel::TableIdRole, 21u), -1);

    f.dock->findChild<QPushButton*>(u"allEventsButton"_s)->click();
    QVERIFY(scope.last().at(0).value<EventFilter>().isEmpty());
    QVERIFY(!f.view->currentIndex().isValid());
    QTRY_VERIFY_WITH_TIMEOUT(!page.filterProxy()->isFiltering(), 10000);
    QTRY_COMPARE_WITH_TIMEOUT(events->model()->rowCount(), f.session.events()->rowCount(), 10000);

    // The stream's scope shown in the tree without a round trip.
    const int before = scope.count();
    f.dock->showScope(ScopeFilter::forTable(22));
    QCOMPARE(f.view->currentIndex().data().toString(), u"Contacts"_s);
    QCOMPARE(scope.count(), before);
}

void TestWorkspaceDock::searchFiltersByName()
{
    Fixture f;
    QString error;
    QVERIFY2(f.start(&error), qPrintable(error));
    // Workspaces, then applications with their tables (two REST answers).
    QTRY_VERIFY_WITH_TIMEOUT(f.node({u"Marketing"_s, u"Campaigns"_s, u"Leads"_s}).isValid(), 15000);
    const QModelIndex marketing = f.node({u"Marketing"_s});
    f.view->collapse(marketing);
    auto* search = f.dock->findChild<QLineEdit*>(u"workspaceSearch"_s);
    search->setText(u"LEAD"_s);
    QCOMPARE(childNames(f.model(), {}), QStringList({u"Marketing"_s}));
    QCOMPARE(childNames(f.model(), f.node({u"Marketing"_s})), QStringList({u"Campaigns"_s}));
    QCOMPARE(childNames(f.model(), f.node({u"Marketing"_s, u"Campaigns"_s})), QStringList({u"Leads"_s}));
    QVERIFY(f.view->isExpanded(f.node({u"Marketing"_s, u"Campaigns"_s})));
    search->setText(u"crm"_s); // a matching database keeps its tables
    QCOMPARE(childNames(f.model(), f.node({u"Acme Ops"_s, u"CRM"_s})).size(), 3);
    search->clear();
    QCOMPARE(f.model()->rowCount(), 2);
    QVERIFY(!f.view->isExpanded(f.node({u"Marketing"_s}))); // as the user left it
    QVERIFY(f.view->isExpanded(f.node({u"Acme Ops"_s})));
}

void TestWorkspaceDock::keepsExpansionAndSelectionAcrossReloads()
{
    Fixture f;
    QString error;
    QVERIFY2(f.start(&error), qPrintable(error));
    QSignalSpy loaded(&f.session, &Session::directoryLoaded);
    // Workspaces, then applications with their tables (two REST answers).
    QTRY_VERIFY_WITH_TIMEOUT(f.node({u"Marketing"_s, u"Campaigns"_s, u"Leads"_s}).isValid(), 15000);
    f.view->collapse(f.node({u"Marketing"_s}));
    f.view->setCurrentIndex(f.node({u"Acme Ops"_s, u"CRM"_s, u"Contacts"_s}));
    QSignalSpy scope(f.dock.get(), &WorkspaceDock::scopeSelected);

    // A reconnect reloads the Directory over REST.
    loaded.clear();
    f.session.simulator()->closeAll(1011, u"test restart"_s);
    QVERIFY(loaded.wait(20000));
    QTRY_COMPARE_WITH_TIMEOUT(f.model()->rowCount(), 2, 5000);
    QVERIFY(!f.view->isExpanded(f.node({u"Marketing"_s})));
    QVERIFY(f.view->isExpanded(f.node({u"Acme Ops"_s})));
    QVERIFY(f.view->isExpanded(f.node({u"Acme Ops"_s, u"CRM"_s})));
    QCOMPARE(f.view->currentIndex().data().toString(), u"Contacts"_s);
    QCOMPARE(scope.count(), 0); // the same scope: nothing to re-send
}

QTEST_MAIN(TestWorkspaceDock)
#include "tst_workspacedock.moc"
