// SPDX-License-Identifier: MIT
// WorkspaceTreeModel over a Directory kept live by events, with EventRates counts.
#include "core/directory.h"
#include "core/eventrates.h"
#include "core/eventstore.h"
#include "core/ingest.h"
#include "models/workspacetreemodel.h"

#include "directorytestdata.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace bmon;
using Kind = WorkspaceTreeModel::NodeKind;

namespace {

struct Tree
{
    Directory dir;
    EventRates rates;
    EventStore store;
    Ingest ingest {store};
    WorkspaceTreeModel model;
    QAbstractItemModelTester tester {&model, QAbstractItemModelTester::FailureReportingMode::QtTest};

    Tree()
    {
        testdata::loadAll(dir);
        rates.setDirectory(&dir);
        model.setSources(&dir, &rates);
    }
    bool apply(const QByteArray& frame)
    {
        const quint64 i = ingest.ingestUtf8(frame);
        return dir.apply(store.at(i), store.payload(i));
    }
    QString name(const QModelIndex& i) const { return i.data().toString(); }
    QStringList names(const QModelIndex& parent = {}) const
    {
        QStringList result;
        for (int r = 0; r < model.rowCount(parent); ++r)
            result << name(model.index(r, 0, parent));
        return result;
    }
};

} // namespace

class TestWorkspaceTreeModel : public QObject
{
    Q_OBJECT

private slots:
    void structure();
    void liveUpdatesKeepPersistentIndexes();
    void removalsAndInsertions();
    void counts();
    void emptyAndReset();
};

void TestWorkspaceTreeModel::structure()
{
    Tree t;
    QCOMPARE(t.model.columnCount(), int(WorkspaceTreeModel::ColumnCount));
    QCOMPARE(t.names(), (QStringList {QStringLiteral("Acme Ops"), QStringLiteral("Sales")}));
    const QModelIndex acme = t.model.index(0, 0);
    QCOMPARE(acme.data(WorkspaceTreeModel::KindRole).toInt(), int(Kind::Workspace));
    QCOMPARE(acme.data(WorkspaceTreeModel::IdRole).toUInt(), 7u);
    QCOMPARE(t.names(acme), (QStringList {QStringLiteral("CRM"), QStringLiteral("Site")}));
    const QModelIndex crm = t.model.index(0, 0, acme);
    QCOMPARE(crm.data(WorkspaceTreeModel::KindRole).toInt(), int(Kind::Application));
    QCOMPARE(crm.data(WorkspaceTreeModel::ApplicationTypeRole).toString(), QStringLiteral("database"));
    QCOMPARE(t.model.index(1, 0, acme).data(WorkspaceTreeModel::ApplicationTypeRole).toString(),
        QStringLiteral("builder"));
    QCOMPARE(t.names(crm), QStringList {QStringLiteral("Clients")});
    const QModelIndex clients = t.model.index(0, 0, crm);
    QCOMPARE(clients.data(WorkspaceTreeModel::KindRole).toInt(), int(Kind::Table));
    QCOMPARE(clients.data(WorkspaceTreeModel::IdRole).toUInt(), 21u);
    QCOMPARE(t.model.parent(clients), crm);
    QCOMPARE(t.model.parent(crm), acme);
    QVERIFY(!t.model.parent(acme).isValid());
    QCOMPARE(t.model.indexFor(Kind::Table, 21), clients);
    QCOMPARE(t.model.indexFor(Kind::Application, 12), crm);
    QCOMPARE(t.model.indexFor(Kind::Workspace, 9), t.model.index(1, 0));
    QVERIFY(!t.model.indexFor(Kind::Table, 99).isValid());
    QVERIFY(!t.model.indexFor(Kind::Workspace, 21).isValid());
    // Tables of database 15 in their order.
    const QModelIndex leads = t.model.indexFor(Kind::Application, 15);
    QCOMPARE(t.names(leads), (QStringList {QStringLiteral("Contacts"), QStringLiteral("Leads")}));
    QCOMPARE(t.model.headerData(WorkspaceTreeModel::EventsColumn, Qt::Horizontal).toString(),
        QStringLiteral("Events"));
}

void TestWorkspaceTreeModel::liveUpdatesKeepPersistentIndexes()
{
    Tree t;
    const QPersistentModelIndex clients = t.model.indexFor(Kind::Table, 21);
    const QPersistentModelIndex crm = t.model.indexFor(Kind::Application, 12);
    QSignalSpy changed(&t.model, &QAbstractItemModel::dataChanged);
    QSignalSpy reset(&t.model, &QAbstractItemModel::modelReset);

    // Rename: one dataChanged, the node stays.
    QVERIFY(t.apply(testdata::fixture(QStringLiteral("table_updated.json"))));
    QCOMPARE(changed.count(), 1);
    QCOMPARE(clients.data().toString(), QStringLiteral("Customers"));

    // A new table, then a hashed reorder puts it first: the persistent index follows "Customers".
    QVERIFY(t.apply(testdata::fixture(QStringLiteral("table_created.json"))));
    QCOMPARE(t.names(crm), (QStringList {QStringLiteral("Customers"), QStringLiteral("Invoices")}));
    QSignalSpy layout(&t.model, &QAbstractItemModel::layoutChanged);
    QVERIFY(t.apply(testdata::fixture(QStringLiteral("tables_reordered.json"))));
    QCOMPARE(layout.count(), 1);
    QCOMPARE(t.names(crm), (QStringList {QStringLiteral("Invoices"), QStringLiteral("Customers")}));
    QVERIFY(clients.isValid());
    QCOMPARE(clients.row(), 1);
    QCOMPARE(clients.data().toString(), QStringLiteral("Customers"));

    // Applications reordered by hash: 13 (new) before 12.
    QVERIFY(t.apply(testdata::fixture(QStringLiteral("application_created.json"))));
    QVERIFY(t.apply(testdata::fixture(QStringLiteral("applications_reordered.json"))));
    QCOMPARE(t.names(t.model.index(0, 0)),
        (QStringList {QStringLiteral("Inventory"), QStringLiteral("CRM"), QStringLiteral("Site")}));
    QCOMPARE(crm.row(), 1);
    QCOMPARE(clients.parent(), QModelIndex(crm));
    QCOMPARE(reset.count(), 0);
}

void TestWorkspaceTreeModel::removalsAndInsertions()
{
    Tree t;
    QSignalSpy removed(&t.model, &QAbstractItemModel::rowsRemoved);
    QSignalSpy inserted(&t.model, &QAbstractItemModel::rowsInserted);
    const QPersistentModelIndex sales = t.model.indexFor(Kind::Workspace, 9);
    QVERIFY(t.apply(R"({"type": "table_deleted", "database_id": 12, "table_id": 21})"));
    QCOMPARE(removed.count(), 1);
    QVERIFY(!t.model.indexFor(Kind::Table, 21).isValid());
    QVERIFY(t.apply(testdata::fixture(QStringLiteral("group_created.json"))));
    QCOMPARE(t.names().last(), QStringLiteral("Marketing"));
    QVERIFY(t.apply(R"({"type": "group_deleted", "workspace_id": 7})"));
    QCOMPARE(t.names(), (QStringList {QStringLiteral("Sales"), QStringLiteral("Marketing")}));
    QCOMPARE(sales.row(), 0);
    // A restored workspace comes back with its applications and tables as new rows.
    inserted.clear();
    QVERIFY(t.apply(
        R"({"type": "group_restored", "workspace_id": 7, "workspace": {"id": 7, "name": "Acme Ops", "order": 0, "users": []},
        "applications": [{"id": 12, "name": "CRM", "order": 1, "type": "database", "workspace": {"id": 7},
                          "tables": [{"id": 21, "name": "Customers", "order": 1, "database_id": 12}]}]})"));
    QCOMPARE(t.names().first(), QStringLiteral("Acme Ops"));
    QVERIFY(inserted.count() >= 3);
    QCOMPARE(t.model.indexFor(Kind::Table, 21).data().toString(), QStringLiteral("Customers"));
}

void TestWorkspaceTreeModel::counts()
{
    Tree t;
    for (int i = 0; i < 20; ++i)
        t.ingest.ingestUtf8(R"({"type": "rows_updated", "table_id": 21, "rows": [{"id": 1}]})");
    t.ingest.ingestUtf8(R"({"type": "rows_created", "table_id": 30, "rows": [{"id": 1}]})");
    t.rates.consume(t.store);
    QSignalSpy changed(&t.model, &QAbstractItemModel::dataChanged);
    t.model.refreshCounts();
    QVERIFY(changed.count() >= 3);
    for (const QList<QVariant>& args : std::as_const(changed)) {
        QCOMPARE(args.at(0).toModelIndex().column(), int(WorkspaceTreeModel::EventsColumn));
        QCOMPARE(args.at(1).toModelIndex().column(), int(WorkspaceTreeModel::RateColumn));
    }
    const auto events = [&](Kind k, quint32 id) {
        return t.model.indexFor(k, id).siblingAtColumn(WorkspaceTreeModel::EventsColumn).data().toULongLong();
    };
    QCOMPARE(events(Kind::Table, 21), 20u);
    QCOMPARE(events(Kind::Application, 12), 20u);
    QCOMPARE(events(Kind::Workspace, 7), 20u);
    QCOMPARE(events(Kind::Workspace, 9), 1u);
    QCOMPARE(events(Kind::Table, 31), 0u);
    QVERIFY(!t.model.indexFor(Kind::Table, 21)
                 .siblingAtColumn(WorkspaceTreeModel::RateColumn)
                 .data()
                 .toString()
                 .isEmpty());
}

void TestWorkspaceTreeModel::emptyAndReset()
{
    WorkspaceTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.rowCount(), 0);
    model.refreshCounts();
    Directory dir;
    model.setSources(&dir, nullptr);
    QCOMPARE(model.rowCount(), 0);
    testdata::loadAll(dir);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(0, WorkspaceTreeModel::EventsColumn).data(), QVariant());
    dir.clear();
    QCOMPARE(model.rowCount(), 0);
}

QTEST_GUILESS_MAIN(TestWorkspaceTreeModel)
#include "tst_workspacetreemodel.moc"
