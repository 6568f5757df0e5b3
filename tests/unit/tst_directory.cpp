// SPDX-License-Identifier: MIT
// Directory: REST answers of both eras, every fixture through apply(), hashed reorders.
#include "core/directory.h"
#include "core/eventstore.h"
#include "core/ingest.h"

#include "directorytestdata.h"

#include <QDir>
#include <QSignalSpy>
#include <QTest>

using namespace bmon;
using namespace testdata;

namespace {

//! A store with the frames to apply, so records are classified exactly as live ones.
struct Frames
{
    EventStore store;
    Ingest ingest {store};

    bool apply(Directory& dir, const QByteArray& frame, Direction direction = Direction::Received)
    {
        const quint64 i = ingest.ingestUtf8(frame, direction);
        return dir.apply(store.at(i), store.payload(i));
    }
};

QList<quint32> ids(const QList<DirField>& fields)
{
    QList<quint32> result;
    for (const DirField& f : fields)
        result << f.id;
    return result;
}

} // namespace

class TestDirectory : public QObject
{
    Q_OBJECT

private slots:
    void loadsWorkspaceEra();
    void loadsGroupEra();
    void loadsFields();
    void everyFixture_data();
    void everyFixture();
    void everyFixtureIsCovered();
    void reorderByHash();
    void reorderByPlainIds();
    void hashLookups();
    void unknownIdsIgnored();
    void changedOnlyOnChange();
    void workspaceLifecycle();
    void fieldEventsOnlyForLoadedTables();
    void userNames();
};

void TestDirectory::loadsWorkspaceEra()
{
    Directory dir;
    QSignalSpy changed(&dir, &Directory::changed);
    loadAll(dir);
    QCOMPARE(changed.count(), 3);

    const QList<DirWorkspace> ws = dir.workspaces();
    QCOMPARE(ws.size(), 2);
    QCOMPARE(ws.at(0).id, 7u);
    QCOMPARE(ws.at(0).name, QStringLiteral("Acme Ops"));
    QCOMPARE(ws.at(0).applicationIds, (QList<quint32> {12, 14}));
    QCOMPARE(ws.at(1).id, 9u);

    const DirApplication* crm = dir.application(12);
    QVERIFY(crm);
    QCOMPARE(crm->type, QStringLiteral("database"));
    QCOMPARE(crm->workspaceId, 7u);
    QCOMPARE(crm->tableIds, QList<quint32> {21});
    QCOMPARE(dir.application(14)->type, QStringLiteral("builder"));
    // Tables in their order, not in the answer's.
    QCOMPARE(dir.application(15)->tableIds, (QList<quint32> {30, 31}));

    QCOMPARE(dir.workspaceName(7), QStringLiteral("Acme Ops"));
    QCOMPARE(dir.applicationName(12), QStringLiteral("CRM"));
    QCOMPARE(dir.tableName(21), QStringLiteral("Clients"));
    QCOMPARE(dir.tableName(99), QString());
    QCOMPARE(dir.databaseOfTable(21), 12u);
    QCOMPARE(dir.workspaceOfTable(21), 7u);
    QCOMPARE(dir.workspaceOfTable(30), 9u);
    QCOMPARE(dir.workspaceOfTable(99), 0u);
    QCOMPARE(dir.workspaceOfApplication(15), 9u);
    QCOMPARE(dir.tablesOfWorkspace(9), (QList<quint32> {30, 31}));
    QCOMPARE(dir.applicationsOfWorkspace(7), (QList<quint32> {12, 14}));
    QCOMPARE(dir.userName(3), QStringLiteral("Alice"));
    QCOMPARE(dir.userName(4), QStringLiteral("Bob"));
    QCOMPARE(dir.userName(30), QString()); // the membership id is not a user id
}

void TestDirectory::loadsGroupEra()
{
    // ≤ 1.15: /api/groups/ (members keyed by id), applications with "group".
    Directory dir;
    dir.loadWorkspaces(array(R"([{"id": 7, "name": "Acme Ops", "order": 1, "permissions": "ADMIN",
        "users": [{"id": 3, "name": "Alice", "email": "alice@example.com"}]}])"));
    dir.loadApplications(array(R"([{"id": 12, "name": "CRM", "order": 1, "type": "database",
        "group": {"id": 7, "name": "Acme Ops"},
        "tables": [{"id": 21, "name": "Customers", "order": 1, "database_id": 12}]}])"));
    QCOMPARE(dir.workspaceOfTable(21), 7u);
    QCOMPARE(dir.workspaces().at(0).applicationIds, QList<quint32> {12});
    QCOMPARE(dir.userName(3), QStringLiteral("Alice"));

    // 1.16 – 1.26 send both keys: the workspace wins, the result is the same.
    Directory both;
    both.loadApplications(array(R"([{"id": 12, "name": "CRM", "order": 1, "type": "database",
        "group": {"id": 7}, "workspace": {"id": 7}, "tables": []}])"));
    QCOMPARE(both.workspaceOfApplication(12), 7u);
}

void TestDirectory::loadsFields()
{
    Directory dir;
    loadAll(dir);
    QVERIFY(dir.hasFields(21));
    QVERIFY(!dir.hasFields(30));
    QVERIFY(dir.fields(30).isEmpty());
    // Primary first, then order.
    QCOMPARE(ids(dir.fields(21)), (QList<quint32> {101, 102, 103, 104, 106}));
    QCOMPARE(dir.fieldName(104), QStringLiteral("Tier"));
    QCOMPARE(dir.field(104)->type, QStringLiteral("single_select"));
    QCOMPARE(dir.field(104)->json.value(QLatin1String("select_options")).toArray().size(), 2);
    QVERIFY(dir.field(101)->primary);
    QCOMPARE(dir.field(101)->tableId, 21u);

    QSignalSpy fieldsChanged(&dir, &Directory::fieldsChanged);
    dir.loadFields(21, fields21()); // same answer: nothing to tell
    QCOMPARE(fieldsChanged.count(), 0);
    dir.loadFields(30, QJsonArray()); // loaded, and empty
    QVERIFY(dir.hasFields(30));
    QCOMPARE(fieldsChanged.count(), 1);
}

void TestDirectory::everyFixture_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<bool>("changes");
    // The base: loadAll() (table 21 is called "Clients", its fields are loaded; no table 22,
    // no application 13, no workspace 8, Bob is user 4).
    const struct
    {
        const char* file;
        bool changes;
    } rows[] = {
        {"application_created.json", true},
        {"applications_reordered.json", true}, // 12 moves behind the (unknown) 13
        {"authentication.json", false},
        {"authentication.failed.json", false},
        {"field_created.json", true},
        {"field_deleted.json", false}, // 105 is not there
        {"field_updated.json", true}, // an unknown field of a loaded table is taken in
        {"force_disconnect.json", false},
        {"group_created.json", true},
        {"group_user_added.json", false}, // Bob is already called Bob
        {"page_add.json", false},
        {"page_discard.json", false},
        {"row_comment_created.json", false},
        {"row_history_updated.json", false},
        {"row_orders_recalculated.json", false},
        {"rows_created.json", false},
        {"rows_deleted.json", false},
        {"rows_updated.json", false},
        {"table_created.json", true},
        {"table_deleted.json", false}, // 22 is not there
        {"table_updated.json", true}, // "Clients" → "Customers"
        {"tables_reordered.json", true},
        {"user_updated.json", true},
        {"view_created.json", false},
        {"view_field_options_updated.json", false},
        {"view_filter_created.json", false},
        {"view_updated.json", false},
        {"legacy/grid_view_field_options_updated@1.3.0.json", false},
        {"legacy/group_updated@1.20.0.json", true},
        {"legacy/row_updated@1.9.1.json", false},
    };
    for (const auto& r : rows)
        QTest::newRow(r.file) << QString::fromLatin1(r.file) << r.changes;
}

void TestDirectory::everyFixture()
{
    QFETCH(QString, file);
    QFETCH(bool, changes);
    Directory dir;
    loadAll(dir);
    QSignalSpy changed(&dir, &Directory::changed);
    Frames frames;
    QCOMPARE(frames.apply(dir, fixture(file)), changes);
    QCOMPARE(changed.count(), changes ? 1 : 0);
    // The same frame again changes nothing (every event is idempotent here).
    QVERIFY(!frames.apply(dir, fixture(file)));
    QCOMPARE(changed.count(), changes ? 1 : 0);

    const QString name = QFileInfo(file).completeBaseName();
    if (name == QLatin1String("application_created")) {
        QCOMPARE(dir.applicationName(13), QStringLiteral("Inventory"));
        QCOMPARE(dir.workspaceOfApplication(13), 7u);
        QCOMPARE(dir.applicationsOfWorkspace(7), (QList<quint32> {12, 13, 14}));
    } else if (name == QLatin1String("field_created")) {
        QCOMPARE(dir.fieldName(105), QStringLiteral("Notes"));
        QCOMPARE(ids(dir.fields(21)), (QList<quint32> {101, 102, 103, 104, 106, 105}));
    } else if (name == QLatin1String("field_updated")) {
        QCOMPARE(dir.fieldName(105), QStringLiteral("Internal notes"));
    } else if (name == QLatin1String("group_created")) {
        QCOMPARE(dir.workspaceName(8), QStringLiteral("Marketing"));
        QCOMPARE(dir.workspaces().last().id, 8u); // new workspaces go last
    } else if (name == QLatin1String("table_created")) {
        QCOMPARE(dir.tableName(22), QStringLiteral("Invoices"));
        QCOMPARE(dir.application(12)->tableIds, (QList<quint32> {21, 22}));
    } else if (name == QLatin1String("table_updated")) {
        QCOMPARE(dir.tableName(21), QStringLiteral("Customers"));
    } else if (name == QLatin1String("user_updated")) {
        QCOMPARE(dir.userName(4), QStringLiteral("Bobby"));
    } else if (name == QLatin1String("group_updated@1.20.0")) {
        QCOMPARE(dir.workspaceName(7), QStringLiteral("Acme Operations"));
    }
}

void TestDirectory::everyFixtureIsCovered()
{
    // A new fixture must be added to everyFixture_data().
    QStringList files = QDir(fixturesDir()).entryList({QStringLiteral("*.json")}, QDir::Files);
    for (const QString& f :
        QDir(fixturesDir() + QStringLiteral("/legacy")).entryList({QStringLiteral("*.json")}))
        files << QStringLiteral("legacy/") + f;
    files.removeAll(QStringLiteral("expected.json"));
    QCOMPARE(files.size(), 30);
}

void TestDirectory::reorderByHash()
{
    Directory dir;
    loadAll(dir);
    Frames frames;
    QVERIFY(frames.apply(dir, fixture(QStringLiteral("application_created.json"))));
    QVERIFY(frames.apply(dir, fixture(QStringLiteral("table_created.json"))));
    QCOMPARE(dir.application(12)->tableIds, (QList<quint32> {21, 22}));

    // tables_reordered names database 12 and tables 22, 21 by their sha256 hashes.
    QSignalSpy changed(&dir, &Directory::changed);
    QVERIFY(frames.apply(dir, fixture(QStringLiteral("tables_reordered.json"))));
    QCOMPARE(dir.application(12)->tableIds, (QList<quint32> {22, 21}));
    QCOMPARE(dir.table(22)->order, 1);
    QCOMPARE(changed.count(), 1);

    // applications_reordered: 13 before 12 (14 is not in the list and keeps its order 3).
    QVERIFY(frames.apply(dir, fixture(QStringLiteral("applications_reordered.json"))));
    QCOMPARE(dir.applicationsOfWorkspace(7), (QList<quint32> {13, 12, 14}));
    QCOMPARE(dir.tablesOfWorkspace(7), (QList<quint32> {22, 21}));
}

void TestDirectory::reorderByPlainIds()
{
    // Before 1.14 the order lists carry the ids themselves; old servers say group_id.
    Directory dir;
    loadAll(dir);
    Frames frames;
    QVERIFY(frames.apply(dir, R"({"type": "applications_reordered", "group_id": 7, "order": [14, 12]})"));
    QCOMPARE(dir.applicationsOfWorkspace(7), (QList<quint32> {14, 12}));
    QVERIFY(frames.apply(dir, R"({"type": "tables_reordered", "database_id": 15, "order": ["31", "30"]})"));
    QCOMPARE(dir.application(15)->tableIds, (QList<quint32> {31, 30}));
    QVERIFY(frames.apply(dir, R"({"type": "groups_reordered", "workspace_ids": [9, 7]})"));
    QCOMPARE(dir.workspaces().first().id, 9u);
}

void TestDirectory::hashLookups()
{
    Directory dir;
    loadAll(dir);
    QCOMPARE(dir.resolveHashedTable(sha256Hex(21)), 21u);
    QCOMPARE(dir.resolveHashedTable(sha256Hex(21).toUpper()), 21u);
    QCOMPARE(dir.resolveHashedApplication(sha256Hex(12)), 12u);
    QCOMPARE(dir.resolveHashedWorkspace(sha256Hex(7)), 7u);
    // Kinds are kept apart: 12 is an application, not a table.
    QCOMPARE(dir.resolveHashedTable(sha256Hex(12)), 0u);
    QCOMPARE(dir.resolveHashedTable(sha256Hex(99)), 0u);
    QCOMPARE(dir.resolveHashedTable(QByteArrayView("6f4b")), 0u);
    QCOMPARE(dir.resolveHashedTable(QByteArrayView()), 0u);
    // Hashes follow the ids: a deleted table no longer resolves.
    Frames frames;
    QVERIFY(frames.apply(dir, R"({"type": "table_deleted", "database_id": 12, "table_id": 21})"));
    QCOMPARE(dir.resolveHashedTable(sha256Hex(21)), 0u);
}

void TestDirectory::unknownIdsIgnored()
{
    Directory dir;
    loadAll(dir);
    QSignalSpy changed(&dir, &Directory::changed);
    Frames frames;
    const QByteArray unknown[] = {
        R"({"type": "tables_reordered", "database_id": "0000000000000000000000000000000000000000000000000000000000000000", "order": []})",
        R"({"type": "tables_reordered", "database_id": 12, "order": ["ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", 99, null, {}]})",
        R"({"type": "applications_reordered", "workspace_id": 7, "order": ["abc", 4294967296, -1]})",
        R"({"type": "table_updated", "table_id": 99, "table": {"id": 99, "name": "x"}})",
        R"({"type": "table_deleted", "database_id": 12, "table_id": 99})",
        R"({"type": "application_updated", "application_id": 99, "application": {"name": "x"}})",
        R"({"type": "application_deleted", "application_id": 99})",
        R"({"type": "group_updated", "workspace_id": 99, "workspace": {"id": 99, "name": "x"}})",
        R"({"type": "group_deleted", "workspace_id": 99})",
        R"({"type": "field_created", "field": {"id": 500, "table_id": 30, "name": "x", "type": "text"}})",
        R"({"type": "field_deleted", "table_id": 21, "field_id": 999, "related_fields": []})",
        R"({"type": "group_created", "workspace": "not an object"})",
        R"({"type": "application_created", "application": []})",
        R"({"type": "table_created", "table": {"id": "x"}})",
        R"({"type": "user_updated", "user": {"id": 3}})",
        R"({"type": "group_user_added", "workspace_user": null})",
        R"({"type": "table_updated", "table": 5})",
        R"({"type": "group_created", "workspace": {"id": 1e400}})",
        R"({"type": "table_created", "table": {"id": 50, "name": "x"}, "extra": [)", // malformed
        R"([1, 2, 3])",
        "",
    };
    for (const QByteArray& frame : unknown)
        QVERIFY2(!frames.apply(dir, frame), frame.constData());
    // A sent frame never changes anything either.
    QVERIFY(!frames.apply(
        dir, R"({"type": "table_created", "table": {"id": 60, "name": "x"}})", Direction::Sent));
    QCOMPARE(changed.count(), 0);
    QCOMPARE(dir.tableName(21), QStringLiteral("Clients"));
    QVERIFY(!dir.table(60));
}

void TestDirectory::changedOnlyOnChange()
{
    Directory dir;
    QSignalSpy changed(&dir, &Directory::changed);
    dir.loadWorkspaces(workspaces());
    dir.loadWorkspaces(workspaces());
    dir.loadApplications(applications());
    dir.loadApplications(applications());
    QCOMPARE(changed.count(), 2);
    Frames frames;
    const QByteArray rename
        = R"({"type": "table_updated", "table_id": 21, "table": {"id": 21, "name": "Customers", "order": 1, "database_id": 12}})";
    QVERIFY(frames.apply(dir, rename));
    QVERIFY(!frames.apply(dir, rename));
    QCOMPARE(changed.count(), 3);
    dir.clear();
    QCOMPARE(changed.count(), 4);
    dir.clear();
    QCOMPARE(changed.count(), 4);
    QVERIFY(dir.workspaces().isEmpty());
}

void TestDirectory::workspaceLifecycle()
{
    Directory dir;
    loadAll(dir);
    Frames frames;
    QSignalSpy fieldsChanged(&dir, &Directory::fieldsChanged);
    // Deleting a workspace takes its applications, tables and fields along.
    QVERIFY(frames.apply(dir, R"({"type": "group_deleted", "workspace_id": 7})"));
    QVERIFY(!dir.workspace(7));
    QVERIFY(!dir.application(12));
    QVERIFY(!dir.table(21));
    QVERIFY(!dir.hasFields(21));
    QVERIFY(!dir.field(101));
    QCOMPARE(fieldsChanged.count(), 1);
    QCOMPARE(dir.workspaces().size(), 1);

    // group_restored brings it back with its applications (1.27+ shape).
    QVERIFY(frames.apply(dir, R"({"type": "group_restored", "workspace_id": 7,
        "workspace": {"id": 7, "name": "Acme Ops", "users": [{"id": 30, "user_id": 3, "name": "Alice"}], "order": 1,
                      "permissions": "ADMIN", "unread_notifications_count": 0, "generative_ai_models_enabled": {}},
        "applications": [{"id": 12, "name": "CRM", "order": 1, "type": "database", "workspace": {"id": 7},
                          "tables": [{"id": 21, "name": "Customers", "order": 1, "database_id": 12}]}]})"));
    QCOMPARE(dir.workspaceOfTable(21), 7u);
    QCOMPARE(dir.tableName(21), QStringLiteral("Customers"));

    // Old era: group_created with "group", group_updated with group_id only.
    QVERIFY(frames.apply(dir, R"({"type": "group_created", "group": {"id": 40, "name": "Old"}})"));
    QVERIFY(frames.apply(
        dir, R"({"type": "group_updated", "group_id": 40, "group": {"id": 40, "name": "Older"}})"));
    QCOMPARE(dir.workspaceName(40), QStringLiteral("Older"));

    // Applications: rename, delete (tables go with it).
    QVERIFY(frames.apply(dir,
        R"({"type": "application_updated", "application_id": 12, "application": {"id": 12, "name": "CRM 2"}})"));
    QCOMPARE(dir.applicationName(12), QStringLiteral("CRM 2"));
    QVERIFY(frames.apply(dir, R"({"type": "application_deleted", "application_id": 12})"));
    QVERIFY(!dir.table(21));
    QCOMPARE(dir.applicationsOfWorkspace(7), QList<quint32> {});
}

void TestDirectory::fieldEventsOnlyForLoadedTables()
{
    Directory dir;
    loadAll(dir);
    Frames frames;
    QSignalSpy fieldsChanged(&dir, &Directory::fieldsChanged);
    // A link field whose related field lives in table 30 (fields not loaded there).
    QVERIFY(frames.apply(
        dir, R"({"type": "field_created", "field": {"id": 107, "table_id": 21, "name": "Leads", "order": 5,
        "type": "link_row", "primary": false, "link_row_table_id": 30},
        "related_fields": [{"id": 301, "table_id": 30, "name": "Clients", "order": 9, "type": "link_row"}]})"));
    QCOMPARE(fieldsChanged.count(), 1);
    QCOMPARE(fieldsChanged.at(0).at(0).toUInt(), 21u);
    QVERIFY(!dir.field(301));
    dir.loadFields(30, QJsonArray());
    fieldsChanged.clear();
    // Now both tables hear about the rename of the pair.
    QVERIFY(
        frames.apply(dir, R"({"type": "field_updated", "field_id": 107, "field": {"id": 107, "table_id": 21,
        "name": "Prospects", "order": 5, "type": "link_row"},
        "related_fields": [{"id": 301, "table_id": 30, "name": "Customers", "order": 9, "type": "link_row"}]})"));
    QCOMPARE(dir.fieldName(107), QStringLiteral("Prospects"));
    QCOMPARE(dir.fieldName(301), QStringLiteral("Customers"));
    QCOMPARE(fieldsChanged.count(), 2);
    // field_deleted removes the field; field_restored puts it back.
    QVERIFY(frames.apply(
        dir, R"({"type": "field_deleted", "table_id": 21, "field_id": 107, "related_fields": []})"));
    QVERIFY(!dir.field(107));
    QVERIFY(frames.apply(
        dir, R"({"type": "field_restored", "field": {"id": 107, "table_id": 21, "name": "Prospects",
        "order": 5, "type": "link_row", "filters": [], "sortings": [], "group_bys": []}, "related_fields": []})"));
    QCOMPARE(ids(dir.fields(21)).last(), 107u);
}

void TestDirectory::userNames()
{
    Directory dir;
    loadAll(dir);
    Frames frames;
    // group_user_updated (new name), group_user_added with legacy keys.
    QVERIFY(frames.apply(dir, R"({"type": "group_user_updated", "id": 30, "workspace_id": 7,
        "workspace_user": {"id": 30, "name": "Alice A.", "user_id": 3, "workspace": 7, "permissions": "ADMIN"}})"));
    QCOMPARE(dir.userName(3), QStringLiteral("Alice A."));
    QVERIFY(frames.apply(dir, R"({"type": "group_user_added", "id": 32, "group_id": 7,
        "group_user": {"id": 32, "name": "Carol", "user_id": 5, "group": 7, "permissions": "MEMBER"}})"));
    QCOMPARE(dir.userName(5), QStringLiteral("Carol"));
    QVERIFY(frames.apply(dir, fixture(QStringLiteral("user_updated.json"))));
    QCOMPARE(dir.userName(4), QStringLiteral("Bobby"));
}

QTEST_GUILESS_MAIN(TestDirectory)
#include "tst_directory.moc"
