// SPDX-License-Identifier: MIT
#include "sim/simdata.h"

#include "sim/sampledata.h"

#include <algorithm>
#include <random>
#include <vector>

namespace bmon::sim {

const SimField* SimTable::field(int fieldId) const
{
    for (const SimField& f : fields) {
        if (f.id == fieldId)
            return &f;
    }
    return nullptr;
}

SimField* SimTable::field(int fieldId)
{
    for (SimField& f : fields) {
        if (f.id == fieldId)
            return &f;
    }
    return nullptr;
}

const SimField* SimTable::fieldByName(QStringView name) const
{
    for (const SimField& f : fields) {
        if (f.name == name)
            return &f;
    }
    return nullptr;
}

const SimField* SimTable::primaryField() const
{
    for (const SimField& f : fields) {
        if (f.primary)
            return &f;
    }
    return fields.isEmpty() ? nullptr : &fields.first();
}

SimUser* SimData::user(int id)
{
    auto it = users.find(id);
    return it == users.end() ? nullptr : &*it;
}

const SimUser* SimData::userByEmail(QStringView email) const
{
    for (const SimUser& u : users) {
        if (u.email.compare(email, Qt::CaseInsensitive) == 0)
            return &u;
    }
    return nullptr;
}

SimTable* SimData::table(int id)
{
    auto it = tables.find(id);
    return it == tables.end() ? nullptr : &*it;
}

const SimTable* SimData::table(int id) const
{
    auto it = tables.find(id);
    return it == tables.end() ? nullptr : &*it;
}

SimView* SimData::view(int id)
{
    auto it = views.find(id);
    return it == views.end() ? nullptr : &*it;
}

const SimView* SimData::viewBySlug(QStringView slug) const
{
    for (const SimView& v : views) {
        if (v.slug == slug)
            return &v;
    }
    return nullptr;
}

int SimData::workspaceOfTable(int tableId) const
{
    const SimTable* t = table(tableId);
    if (!t)
        return 0;
    auto app = applications.find(t->databaseId);
    return app == applications.end() ? 0 : app->workspaceId;
}

SimField* SimData::findField(int fieldId, SimTable** tableOut)
{
    for (SimTable& t : tables) {
        if (SimField* f = t.field(fieldId)) {
            if (tableOut)
                *tableOut = &t;
            return f;
        }
    }
    if (tableOut)
        *tableOut = nullptr;
    return nullptr;
}

const SimWorkspaceUser* SimData::membership(int userId, int workspaceId) const
{
    auto ws = workspaces.find(workspaceId);
    if (ws == workspaces.end())
        return nullptr;
    for (const SimWorkspaceUser& m : ws->members) {
        if (m.userId == userId)
            return &m;
    }
    return nullptr;
}

bool SimData::isMember(int userId, int workspaceId) const
{
    return membership(userId, workspaceId) != nullptr;
}

QList<int> SimData::memberIds(int workspaceId) const
{
    QList<int> ids;
    auto ws = workspaces.find(workspaceId);
    if (ws != workspaces.end()) {
        for (const SimWorkspaceUser& m : ws->members)
            ids.append(m.userId);
    }
    return ids;
}

QList<int> SimData::workspacesOf(int userId) const
{
    QList<int> ids;
    for (const SimWorkspace& ws : workspaces) {
        if (isMember(userId, ws.id))
            ids.append(ws.id);
    }
    return ids;
}

QList<int> SimData::applicationsOf(int workspaceId, int versionCode) const
{
    QList<const SimApplication*> apps;
    for (const SimApplication& a : applications) {
        if (a.workspaceId == workspaceId && a.minVersion <= versionCode)
            apps.append(&a);
    }
    std::sort(apps.begin(), apps.end(), [](const SimApplication* a, const SimApplication* b) {
        return a->order != b->order ? a->order < b->order : a->id < b->id;
    });
    QList<int> ids;
    for (const SimApplication* a : apps)
        ids.append(a->id);
    return ids;
}

QList<int> SimData::tablesOf(int databaseId) const
{
    QList<const SimTable*> list;
    for (const SimTable& t : tables) {
        if (t.databaseId == databaseId)
            list.append(&t);
    }
    std::sort(list.begin(), list.end(), [](const SimTable* a, const SimTable* b) {
        return a->order != b->order ? a->order < b->order : a->id < b->id;
    });
    QList<int> ids;
    for (const SimTable* t : list)
        ids.append(t->id);
    return ids;
}

const QList<qint64>& SimData::sortedRowIds(int tableId)
{
    auto cached = m_sortedCache.find(tableId);
    if (cached != m_sortedCache.end())
        return *cached;
    QList<qint64> ids;
    if (const SimTable* t = table(tableId)) {
        // Sort (order, id) pairs: comparing through rows.value() copied a row and its cells per
        // comparison, which was most of the generator's time.
        std::vector<std::pair<RowOrder, qint64>> keyed;
        keyed.reserve(size_t(t->rows.size()));
        for (auto it = t->rows.cbegin(); it != t->rows.cend(); ++it)
            keyed.emplace_back(it->order, it.key());
        std::sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) {
            if (!(a.first == b.first))
                return a.first < b.first;
            return a.second < b.second;
        });
        ids.reserve(qsizetype(keyed.size()));
        for (const auto& k : keyed)
            ids.append(k.second);
    }
    return *m_sortedCache.insert(tableId, ids);
}

// ---------------------------------------------------------------------------------------------
// Seed

namespace {

SimField textField(int id, int table, const char* name, int order, bool primary = false)
{
    SimField f;
    f.id = id;
    f.tableId = table;
    f.name = QLatin1String(name);
    f.order = order;
    f.type = QStringLiteral("text");
    f.primary = primary;
    return f;
}

SimField typedField(int id, int table, const char* name, int order, const char* type)
{
    SimField f = textField(id, table, name, order);
    f.type = QLatin1String(type);
    return f;
}

SimField selectField(
    int id, int table, const char* name, int order, std::initializer_list<SimSelectOption> options)
{
    SimField f = typedField(id, table, name, order, "single_select");
    f.selectOptions = options;
    return f;
}

SimField linkField(int id, int table, const char* name, int order, int target, int related)
{
    SimField f = typedField(id, table, name, order, "link_row");
    f.linkTableId = target;
    f.linkRelatedFieldId = related;
    return f;
}

SimSelectOption option(int id, const char* value, const char* color)
{
    return SimSelectOption {id, QLatin1String(value), QLatin1String(color)};
}

} // namespace

void SimData::seed(const SeedOptions& options)
{
    *this = SimData();
    auto addUser = [this](int id, const QString& email, const QString& password, const QString& firstName,
                       bool collaborator) {
        SimUser u;
        u.id = id;
        u.email = email;
        u.password = password;
        u.firstName = firstName;
        u.collaborator = collaborator;
        users.insert(id, u);
    };
    addUser(1, options.email, options.password, QStringLiteral("Demo"), false);
    auto addSeedUser = [&](int id, const char* email, const char* password, const char* name) {
        // The logged-in member keeps the address if someone picks a seeded one as --email.
        if (options.email.compare(QLatin1String(email), Qt::CaseInsensitive) != 0)
            addUser(id, QLatin1String(email), QLatin1String(password), QLatin1String(name), true);
    };
    addSeedUser(3, "alice@example.com", "alice-password", "Alice");
    addSeedUser(4, "bob@example.com", "bob-password", "Bob");
    addSeedUser(5, "carol@example.com", "carol-password", "Carol");
    for (int k = 1; k <= options.collaborators; ++k) {
        addUser(99 + k, QStringLiteral("collab%1@example.com").arg(k), QStringLiteral("collab-password"),
            QStringLiteral("Collaborator %1").arg(k), true);
    }

    const QString joined = QStringLiteral("2025-09-30T08:00:00.000000Z");
    SimWorkspace acme {7, QStringLiteral("Acme Ops"), QStringLiteral("2025-09-30T08:00:00.000000Z"), {}};
    SimWorkspace marketing {
        8, QStringLiteral("Marketing"), QStringLiteral("2025-09-30T08:05:00.000000Z"), {}};
    auto member = [&](SimWorkspace& ws, int wsUserId, int userId, const char* permissions) {
        if (users.contains(userId))
            ws.members.append(SimWorkspaceUser {wsUserId, userId, QLatin1String(permissions), joined});
    };
    member(acme, 28, 1, "ADMIN");
    member(acme, 29, 3, "ADMIN");
    member(acme, 31, 4, "MEMBER");
    member(marketing, 40, 1, "ADMIN");
    member(marketing, 41, 3, "MEMBER");
    member(marketing, 42, 5, "MEMBER");
    for (int k = 1; k <= options.collaborators; ++k) {
        member(acme, 200 + k, 99 + k, "MEMBER");
        member(marketing, 600 + k, 99 + k, "MEMBER");
    }
    workspaces.insert(7, acme);
    workspaces.insert(8, marketing);

    applications.insert(12,
        SimApplication {12, 7, QStringLiteral("CRM"), 1, QStringLiteral("database"),
            QStringLiteral("2025-10-01T09:12:44.120391Z"), 0});
    applications.insert(14,
        SimApplication {14, 7, QStringLiteral("Ops dashboard"), 2, QStringLiteral("dashboard"),
            QStringLiteral("2025-10-02T10:30:00.000000Z"), 13100});
    applications.insert(15,
        SimApplication {15, 8, QStringLiteral("Campaigns"), 1, QStringLiteral("database"),
            QStringLiteral("2025-10-01T11:00:00.000000Z"), 0});

    auto addTable
        = [this](int id, int db, const char* name, int order, int seedRows, QList<SimField> fields) {
              SimTable t;
              t.id = id;
              t.databaseId = db;
              t.name = QLatin1String(name);
              t.order = order;
              t.seedRowCount = seedRows;
              t.fields = std::move(fields);
              tables.insert(id, t);
          };
    SimField seats = typedField(102, 21, "Seats", 2, "number");
    SimField amount = typedField(302, 23, "Amount", 2, "number");
    amount.numberDecimalPlaces = 2;
    SimField budget = typedField(403, 31, "Budget", 3, "number");
    budget.numberDecimalPlaces = 2;
    addTable(21, 12, "Customers", 1, 120,
        {textField(101, 21, "Name", 1, true), seats, typedField(103, 21, "Active", 3, "boolean"),
            selectField(104, 21, "Tier", 4,
                {option(9, "Gold", "yellow"), option(10, "Silver", "light-gray"),
                    option(11, "Bronze", "brown")}),
            typedField(105, 21, "Notes", 5, "long_text"), typedField(106, 21, "Renewal", 6, "date"),
            linkField(107, 21, "Contacts", 7, 22, 203)});
    addTable(22, 12, "Contacts", 2, 150,
        {textField(201, 22, "Name", 1, true), typedField(202, 22, "Email", 2, "email"),
            linkField(203, 22, "Customer", 3, 21, 107)});
    addTable(23, 12, "Deals", 3, 80,
        {textField(301, 23, "Title", 1, true), amount,
            selectField(303, 23, "Stage", 3,
                {option(12, "Lead", "light-blue"), option(13, "Qualified", "blue"),
                    option(14, "Proposal", "orange"), option(15, "Won", "green"), option(16, "Lost", "red")}),
            typedField(304, 23, "Close date", 4, "date"), linkField(305, 23, "Customer", 5, 21, 0)});
    addTable(31, 15, "Campaigns", 1, 40,
        {textField(401, 31, "Name", 1, true),
            selectField(402, 31, "Channel", 2,
                {option(17, "Email", "blue"), option(18, "Social", "green"), option(19, "Events", "orange")}),
            budget, typedField(404, 31, "Start date", 4, "date"),
            typedField(405, 31, "Active", 5, "boolean")});
    addTable(32, 15, "Leads", 2, 100,
        {textField(501, 32, "Name", 1, true), typedField(502, 32, "Email", 2, "email"),
            typedField(503, 32, "Score", 3, "number"), linkField(504, 32, "Campaign", 4, 31, 0),
            typedField(505, 32, "Qualified", 5, "boolean")});

    auto addView = [this](int id, int table, const char* name, int order, const char* slug, bool isPublic) {
        SimView v;
        v.id = id;
        v.tableId = table;
        v.name = QLatin1String(name);
        v.order = order;
        v.slug = QLatin1String(slug);
        v.isPublic = isPublic;
        v.ownedById = 3;
        views.insert(id, v);
        tables[table].viewIds.append(id);
    };
    addView(55, 21, "All customers", 1, "Rk2mP9sQ4vT7wX1zA3bC5d", false);
    addView(56, 21, "Shared customers", 2, "Xq3xk0Zr9m8T1d2Ww5LhYQ", true);
    addView(57, 22, "All contacts", 1, "Hn4pL8tY2cV6bN0mQ5wE7r", false);
    addView(58, 23, "Pipeline", 1, "Zt6yU1iO3pA5sD7fG9hJ2k", false);
    addView(59, 31, "All campaigns", 1, "Lm8nB2vC4xZ6aS8dF0gH1j", false);
    addView(60, 32, "All leads", 1, "Qw9eR1tY3uI5oP7aS9dF2g", false);
    views[55].fieldOptions.insert(105, SimFieldOptions {200, true, 32767, {}, {}});
    views[56].fieldOptions.insert(105, SimFieldOptions {200, true, 32767, {}, {}}); // Notes stay private

    // Rows: a fixed generator so every run (and every --seed) starts from the same data.
    std::mt19937_64 rng(0x5eedba5e);
    SampleData sample(rng);
    for (SimTable& t : tables) {
        for (int i = 1; i <= t.seedRowCount; ++i) {
            SimRow row;
            row.id = i;
            row.order = RowOrder::fromInt(i);
            for (const SimField& f : t.fields) {
                if (f.type == QLatin1String("link_row"))
                    continue; // filled below, once every table has rows
                row.cells.insert(f.id, sample.value(t, f, i));
            }
            t.rows.insert(row.id, row);
        }
        t.nextRowId = t.seedRowCount + 1;
    }
    // Links: each contact/deal/lead points to one row of the target table; two-way links are
    // mirrored on the other side.
    for (SimTable& t : tables) {
        for (const SimField& f : t.fields) {
            if (f.type != QLatin1String("link_row") || t.id == 21)
                continue;
            SimTable& target = tables[f.linkTableId];
            for (SimRow& row : t.rows)
                row.cells.insert(f.id, PyArray {});
            // In id order: QHash iteration order changes between processes.
            for (qint64 id = 1; id <= t.seedRowCount; ++id) {
                SimRow& row = t.rows[id];
                if (row.id % 5 == 0)
                    continue; // some rows without a link
                const qint64 targetId = 1 + qint64(rng() % quint64(target.seedRowCount));
                row.cells.insert(f.id, PyArray {PyValue(targetId)});
                if (f.linkRelatedFieldId) {
                    SimRow& other = target.rows[targetId];
                    PyArray links = other.cells.value(f.linkRelatedFieldId).array();
                    links.append(PyValue(row.id));
                    other.cells.insert(f.linkRelatedFieldId, links);
                }
            }
        }
    }
    for (SimRow& row : tables[21].rows) {
        if (!row.cells.contains(107))
            row.cells.insert(107, PyArray {});
    }
    if (options.customerRows > 0)
        resizeCustomers(options.customerRows);
}

void SimData::resizeCustomers(int rowCount)
{
    SimTable& t = tables[21];
    const int seeded = t.seedRowCount;
    std::mt19937_64 rng(0xc0ffee21);
    SampleData sample(rng);
    for (int i = seeded + 1; i <= rowCount; ++i) {
        SimRow row;
        row.id = i;
        row.order = RowOrder::fromInt(i);
        for (const SimField& f : t.fields)
            row.cells.insert(
                f.id, f.type == QLatin1String("link_row") ? PyValue(PyArray {}) : sample.value(t, f, i));
        t.rows.insert(row.id, row);
    }
    // Fewer rows: the others go, with the links to them (ids are never reused).
    for (qint64 id = rowCount + 1; id <= seeded; ++id)
        t.rows.remove(id);
    if (rowCount < seeded) {
        for (SimTable& other : tables) {
            for (const SimField& f : other.fields) {
                if (f.type != QLatin1String("link_row") || f.linkTableId != 21)
                    continue;
                for (SimRow& row : other.rows) {
                    PyArray kept;
                    for (const PyValue& v : row.cells.value(f.id).array()) {
                        if (v.toInt() <= rowCount)
                            kept.append(v);
                    }
                    row.cells.insert(f.id, kept);
                }
            }
        }
    }
    t.seedRowCount = rowCount;
    t.nextRowId = rowCount + 1;
    invalidateOrder(21);
}

} // namespace bmon::sim
