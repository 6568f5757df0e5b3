// SPDX-License-Identifier: MIT
#include "core/directory.h"

#include "core/jsonreader.h"
#include "core/messagetypes.h"

#include <QCryptographicHash>
#include <QJsonDocument>

#include <algorithm>
#include <array>
#include <vector>

namespace bmon {

namespace {

// What apply() does with a message type; everything else is ignored after one table lookup.
enum class Action : quint8
{
    None,
    GroupCreated,
    GroupUpdated,
    GroupDeleted,
    GroupRestored,
    GroupsReordered,
    GroupUserChanged, // added / updated / deleted: the member's name
    ApplicationCreated,
    ApplicationUpdated,
    ApplicationDeleted,
    ApplicationsReordered,
    TableCreated,
    TableUpdated,
    TableDeleted,
    TablesReordered,
    FieldUpserted, // created / updated / restored
    FieldDeleted,
    UserUpdated,
};

// Type id → action, built once from the catalogue (known types have fixed ids).
const std::vector<Action>& actionTable()
{
    static const std::vector<Action> table = [] {
        const std::pair<const char*, Action> names[] = {
            {"group_created", Action::GroupCreated},
            {"group_updated", Action::GroupUpdated},
            {"group_deleted", Action::GroupDeleted},
            {"group_restored", Action::GroupRestored},
            {"groups_reordered", Action::GroupsReordered},
            {"group_user_added", Action::GroupUserChanged},
            {"group_user_updated", Action::GroupUserChanged},
            {"group_user_deleted", Action::GroupUserChanged},
            {"application_created", Action::ApplicationCreated},
            {"application_updated", Action::ApplicationUpdated},
            {"application_deleted", Action::ApplicationDeleted},
            {"applications_reordered", Action::ApplicationsReordered},
            {"table_created", Action::TableCreated},
            {"table_updated", Action::TableUpdated},
            {"table_deleted", Action::TableDeleted},
            {"tables_reordered", Action::TablesReordered},
            {"field_created", Action::FieldUpserted},
            {"field_updated", Action::FieldUpserted},
            {"field_restored", Action::FieldUpserted},
            {"field_deleted", Action::FieldDeleted},
            {"user_updated", Action::UserUpdated},
        };
        std::vector<Action> t;
        for (const auto& [name, action] : names) {
            const quint16 id = TypeRegistry::instance().findKnown(name);
            if (id == KnownType::None)
                continue;
            if (t.size() <= id)
                t.resize(size_t(id) + 1, Action::None);
            t[id] = action;
        }
        return t;
    }();
    return table;
}

QLatin1String key(const char* k)
{
    return QLatin1String(k);
}

// An id as Baserow writes it: a JSON integer or a string of digits. 0 when absent or invalid.
quint32 idOf(const QJsonValue& v)
{
    if (v.isDouble()) {
        const double d = v.toDouble();
        if (d >= 1 && d <= 4294967295.0 && d == double(qint64(d)))
            return quint32(qint64(d));
        return 0;
    }
    if (v.isString()) {
        bool ok = false;
        const qulonglong x = v.toString().toULongLong(&ok);
        return ok && x <= 0xffffffffull ? quint32(x) : 0;
    }
    return 0;
}

//! workspace ?? group (PROTOCOL.md §5.1 tolerant rule).
QJsonValue workspaceValue(const QJsonObject& o)
{
    const QJsonValue ws = o.value(key("workspace"));
    return ws.isUndefined() || ws.isNull() ? o.value(key("group")) : ws;
}

quint32 workspaceIdOf(const QJsonObject& o)
{
    const quint32 id = idOf(o.value(key("workspace_id")));
    return id ? id : idOf(o.value(key("group_id")));
}

QByteArray sha256Hex(quint32 id)
{
    return QCryptographicHash::hash(QByteArray::number(id), QCryptographicHash::Sha256).toHex();
}

template<typename T>
bool byOrderThenId(const T* a, const T* b)
{
    return a->order != b->order ? a->order < b->order : a->id < b->id;
}

// Field order as a grid shows it: the primary field first, then `order`, then id.
bool fieldLess(const DirField* a, const DirField* b)
{
    if (a->primary != b->primary)
        return a->primary;
    return a->order != b->order ? a->order < b->order : a->id < b->id;
}

bool sameWorkspace(const DirWorkspace& a, const DirWorkspace& b)
{
    return a.id == b.id && a.name == b.name && a.order == b.order;
}

bool sameApplication(const DirApplication& a, const DirApplication& b)
{
    return a.id == b.id && a.workspaceId == b.workspaceId && a.name == b.name && a.type == b.type
        && a.order == b.order;
}

bool sameTable(const DirTable& a, const DirTable& b)
{
    return a.id == b.id && a.databaseId == b.databaseId && a.name == b.name && a.order == b.order;
}

bool sameField(const DirField& a, const DirField& b)
{
    return a.id == b.id && a.tableId == b.tableId && a.name == b.name && a.type == b.type
        && a.primary == b.primary && a.order == b.order && a.json == b.json;
}

template<typename T, typename Eq>
bool sameMaps(const QHash<quint32, T>& a, const QHash<quint32, T>& b, Eq eq)
{
    if (a.size() != b.size())
        return false;
    for (auto it = a.begin(); it != a.end(); ++it) {
        const auto other = b.constFind(it.key());
        if (other == b.constEnd() || !eq(it.value(), other.value()))
            return false;
    }
    return true;
}

} // namespace

struct Directory::Private
{
    QHash<quint32, DirWorkspace> workspaces;
    QHash<quint32, DirApplication> applications;
    QHash<quint32, DirTable> tables;
    QHash<quint32, DirField> fields;
    QHash<quint32, QList<quint32>> tableFields; // tables whose fields are loaded → ids in order
    QHash<quint32, QString> users; // user id → display name
    // sha256 hex (lower case) → id, one map per kind: ids of different kinds may be equal.
    QHash<QByteArray, quint32> workspaceHashes, applicationHashes, tableHashes;

    static DirWorkspace workspaceFrom(const QJsonObject& o, quint32 id)
    {
        DirWorkspace w;
        w.id = id;
        w.name = o.value(key("name")).toString();
        w.order = o.value(key("order")).toInt();
        return w;
    }

    void readMembers(const QJsonArray& members)
    {
        for (const QJsonValue& v : members) {
            const QJsonObject m = v.toObject();
            quint32 userId = idOf(m.value(key("user_id")));
            if (!userId)
                userId = idOf(m.value(key("id")));
            const QString name = m.value(key("name")).toString();
            if (userId && !name.isEmpty())
                users.insert(userId, name);
        }
    }

    static DirApplication applicationFrom(const QJsonObject& o, quint32 id, quint32 fallbackWorkspace)
    {
        DirApplication a;
        a.id = id;
        a.workspaceId = idOf(workspaceValue(o).toObject().value(key("id")));
        if (!a.workspaceId)
            a.workspaceId = idOf(o.value(key("workspace_id")));
        if (!a.workspaceId)
            a.workspaceId = fallbackWorkspace;
        a.name = o.value(key("name")).toString();
        a.type = o.value(key("type")).toString();
        a.order = o.value(key("order")).toInt();
        return a;
    }

    static DirTable tableFrom(const QJsonObject& o, quint32 id, quint32 fallbackDatabase)
    {
        DirTable t;
        t.id = id;
        t.databaseId = idOf(o.value(key("database_id")));
        if (!t.databaseId)
            t.databaseId = fallbackDatabase;
        t.name = o.value(key("name")).toString();
        t.order = o.value(key("order")).toInt();
        return t;
    }

    static DirField fieldFrom(const QJsonObject& o, quint32 fallbackTable)
    {
        DirField f;
        f.id = idOf(o.value(key("id")));
        f.tableId = idOf(o.value(key("table_id")));
        if (!f.tableId)
            f.tableId = fallbackTable;
        f.name = o.value(key("name")).toString();
        f.type = o.value(key("type")).toString();
        f.primary = o.value(key("primary")).toBool();
        f.order = o.value(key("order")).toInt();
        f.json = o;
        return f;
    }

    // Adds the application and the tables its JSON lists (application_created, REST, restores).
    void addApplication(const QJsonObject& o, quint32 fallbackWorkspace)
    {
        const quint32 id = idOf(o.value(key("id")));
        if (!id)
            return;
        applications.insert(id, applicationFrom(o, id, fallbackWorkspace));
        applicationHashes.insert(sha256Hex(id), id);
        const QJsonValue tableList = o.value(key("tables"));
        if (!tableList.isArray())
            return;
        for (const QJsonValue& v : tableList.toArray()) {
            const QJsonObject t = v.toObject();
            const quint32 tableId = idOf(t.value(key("id")));
            if (!tableId)
                continue;
            tables.insert(tableId, tableFrom(t, tableId, id));
            tableHashes.insert(sha256Hex(tableId), tableId);
        }
    }

    void removeTable(quint32 id)
    {
        if (tables.remove(id))
            tableHashes.remove(sha256Hex(id));
        removeFieldsOf(id);
    }

    void removeFieldsOf(quint32 tableId)
    {
        const auto it = tableFields.constFind(tableId);
        if (it == tableFields.constEnd())
            return;
        for (quint32 f : it.value())
            fields.remove(f);
        tableFields.erase(it);
    }

    void removeApplication(quint32 id)
    {
        QList<quint32> owned;
        for (const DirTable& t : std::as_const(tables)) {
            if (t.databaseId == id)
                owned.append(t.id);
        }
        for (quint32 t : std::as_const(owned))
            removeTable(t);
        if (applications.remove(id))
            applicationHashes.remove(sha256Hex(id));
    }

    void removeWorkspace(quint32 id)
    {
        QList<quint32> owned;
        for (const DirApplication& a : std::as_const(applications)) {
            if (a.workspaceId == id)
                owned.append(a.id);
        }
        for (quint32 a : std::as_const(owned))
            removeApplication(a);
        if (workspaces.remove(id))
            workspaceHashes.remove(sha256Hex(id));
    }

    // The display lists (applications of a workspace, tables of a database) follow the maps.
    void relist()
    {
        QHash<quint32, std::vector<const DirApplication*>> appsOf;
        for (const DirApplication& a : std::as_const(applications))
            appsOf[a.workspaceId].push_back(&a);
        for (DirWorkspace& w : workspaces) {
            auto& list = appsOf[w.id];
            std::sort(list.begin(), list.end(), byOrderThenId<DirApplication>);
            w.applicationIds.clear();
            for (const DirApplication* a : list)
                w.applicationIds.append(a->id);
        }
        QHash<quint32, std::vector<const DirTable*>> tablesOf;
        for (const DirTable& t : std::as_const(tables))
            tablesOf[t.databaseId].push_back(&t);
        for (DirApplication& a : applications) {
            auto& list = tablesOf[a.id];
            std::sort(list.begin(), list.end(), byOrderThenId<DirTable>);
            a.tableIds.clear();
            for (const DirTable* t : list)
                a.tableIds.append(t->id);
        }
    }

    void relistFields(quint32 tableId)
    {
        auto it = tableFields.find(tableId);
        if (it == tableFields.end())
            return;
        std::vector<const DirField*> list;
        for (quint32 id : std::as_const(it.value())) {
            const auto f = fields.constFind(id);
            if (f != fields.constEnd())
                list.push_back(&f.value());
        }
        std::sort(list.begin(), list.end(), fieldLess);
        QList<quint32> ids;
        ids.reserve(qsizetype(list.size()));
        for (const DirField* f : list)
            ids.append(f->id);
        it.value() = ids;
    }

    // A field object from an event: only tables whose fields are loaded keep fields.
    bool upsertField(const QJsonObject& o, quint32 fallbackTable, QList<quint32>& touchedTables)
    {
        const DirField f = fieldFrom(o, fallbackTable);
        if (!f.id || !f.tableId || !tableFields.contains(f.tableId))
            return false;
        const auto old = fields.constFind(f.id);
        if (old != fields.constEnd() && sameField(old.value(), f))
            return false;
        if (old != fields.constEnd() && old->tableId != f.tableId) {
            tableFields[old->tableId].removeAll(f.id);
            if (!touchedTables.contains(old->tableId))
                touchedTables.append(old->tableId);
        }
        fields.insert(f.id, f);
        QList<quint32>& ids = tableFields[f.tableId];
        if (!ids.contains(f.id))
            ids.append(f.id);
        relistFields(f.tableId);
        if (!touchedTables.contains(f.tableId))
            touchedTables.append(f.tableId);
        return true;
    }

    bool setUserName(quint32 userId, const QString& name)
    {
        if (!userId || name.isEmpty())
            return false;
        auto it = users.find(userId);
        if (it != users.end() && it.value() == name)
            return false;
        users.insert(userId, name);
        return true;
    }

    // An "order" list of a *_reordered message: hashed (1.14+) or plain ids.
    QList<quint32> resolveOrder(const QJsonArray& order, const QHash<QByteArray, quint32>& hashes) const
    {
        QList<quint32> ids;
        for (const QJsonValue& v : order) {
            quint32 id = 0;
            if (v.isString()) {
                const QByteArray s = v.toString().toLatin1().toLower();
                if (JsonReader::isSha256Hex(std::string_view(s.constData(), size_t(s.size()))))
                    id = hashes.value(s);
                else
                    id = idOf(v);
            } else {
                id = idOf(v);
            }
            ids.append(id);
        }
        return ids;
    }

    static quint32 resolveHex(const QHash<QByteArray, quint32>& hashes, QByteArrayView hex)
    {
        if (hex.size() != 64)
            return 0;
        QByteArray k = QByteArray::fromRawData(hex.data(), hex.size());
        for (char c : hex) {
            if (c >= 'A' && c <= 'Z') {
                k = hex.toByteArray().toLower();
                break;
            }
        }
        return hashes.value(k);
    }

    bool applyEvent(
        Action action, const QJsonObject& o, const EventRecord& rec, QList<quint32>& touchedTables);
};

Directory::Directory(QObject* parent) : QObject(parent), d(std::make_unique<Private>())
{ }

Directory::~Directory() = default;

void Directory::loadWorkspaces(const QJsonArray& workspaces)
{
    QHash<quint32, DirWorkspace> next;
    const QHash<quint32, QString> oldUsers = d->users;
    d->users.clear();
    for (const QJsonValue& v : workspaces) {
        const QJsonObject o = v.toObject();
        const quint32 id = idOf(o.value(key("id")));
        if (!id)
            continue;
        next.insert(id, Private::workspaceFrom(o, id));
        d->readMembers(o.value(key("users")).toArray());
    }
    const bool same = sameMaps(d->workspaces, next, sameWorkspace) && oldUsers == d->users;
    d->workspaces = next;
    d->workspaceHashes.clear();
    for (quint32 id : next.keys())
        d->workspaceHashes.insert(sha256Hex(id), id);
    d->relist();
    if (!same)
        emit changed();
}

void Directory::loadApplications(const QJsonArray& applications)
{
    const QHash<quint32, DirApplication> oldApps = d->applications;
    const QHash<quint32, DirTable> oldTables = d->tables;
    d->applications.clear();
    d->applicationHashes.clear();
    d->tables.clear();
    d->tableHashes.clear();
    for (const QJsonValue& v : applications)
        d->addApplication(v.toObject(), 0);
    // Fields of tables that are gone go with them.
    QList<quint32> gone;
    for (auto it = d->tableFields.constBegin(); it != d->tableFields.constEnd(); ++it) {
        if (!d->tables.contains(it.key()))
            gone.append(it.key());
    }
    for (quint32 t : std::as_const(gone))
        d->removeFieldsOf(t);
    d->relist();
    const bool same
        = sameMaps(oldApps, d->applications, sameApplication) && sameMaps(oldTables, d->tables, sameTable);
    for (quint32 t : std::as_const(gone))
        emit fieldsChanged(t);
    if (!same || !gone.isEmpty())
        emit changed();
}

void Directory::loadFields(quint32 tableId, const QJsonArray& fields)
{
    if (!tableId)
        return;
    QHash<quint32, DirField> old;
    const bool wasLoaded = d->tableFields.contains(tableId);
    for (quint32 id : d->tableFields.value(tableId))
        old.insert(id, d->fields.value(id));
    d->removeFieldsOf(tableId);
    QList<quint32>& ids = d->tableFields[tableId];
    QHash<quint32, DirField> next;
    for (const QJsonValue& v : fields) {
        const DirField f = Private::fieldFrom(v.toObject(), tableId);
        if (!f.id)
            continue;
        DirField stored = f;
        stored.tableId = tableId; // the answer is for this table, whatever the objects say
        d->fields.insert(f.id, stored);
        next.insert(f.id, stored);
        if (!ids.contains(f.id))
            ids.append(f.id);
    }
    d->relistFields(tableId);
    if (!wasLoaded || !sameMaps(old, next, sameField)) {
        emit fieldsChanged(tableId);
        emit changed();
    }
}

void Directory::clear()
{
    const bool empty = d->workspaces.isEmpty() && d->applications.isEmpty() && d->tables.isEmpty()
        && d->tableFields.isEmpty() && d->users.isEmpty();
    const QList<quint32> loaded = d->tableFields.keys();
    d->workspaces.clear();
    d->applications.clear();
    d->tables.clear();
    d->fields.clear();
    d->tableFields.clear();
    d->users.clear();
    d->workspaceHashes.clear();
    d->applicationHashes.clear();
    d->tableHashes.clear();
    for (quint32 t : loaded)
        emit fieldsChanged(t);
    if (!empty)
        emit changed();
}

bool Directory::apply(const EventRecord& rec, QByteArrayView payload)
{
    const std::vector<Action>& table = actionTable();
    if (rec.typeId >= table.size() || table[rec.typeId] == Action::None)
        return false;
    if (rec.status() != ParseStatus::Ok || rec.direction() != Direction::Received)
        return false;
    // The store's bytes never move: parse them in place.
    const QJsonDocument doc
        = QJsonDocument::fromJson(QByteArray::fromRawData(payload.data(), payload.size()));
    if (!doc.isObject())
        return false;
    QList<quint32> touchedTables;
    const QList<quint32> loadedBefore = d->tableFields.keys();
    const bool changedAny = d->applyEvent(table[rec.typeId], doc.object(), rec, touchedTables);
    if (!changedAny)
        return false;
    // Tables whose fields went with a deleted table, application or workspace.
    for (quint32 t : loadedBefore) {
        if (!d->tableFields.contains(t) && !touchedTables.contains(t))
            touchedTables.append(t);
    }
    for (quint32 t : std::as_const(touchedTables))
        emit fieldsChanged(t);
    emit changed();
    return true;
}

bool Directory::Private::applyEvent(
    Action action, const QJsonObject& o, const EventRecord& rec, QList<quint32>& touchedTables)
{
    switch (action) {
    case Action::None:
        return false;
    case Action::GroupCreated:
    case Action::GroupRestored: {
        const QJsonObject w = workspaceValue(o).toObject();
        quint32 id = idOf(w.value(key("id")));
        if (!id)
            id = workspaceIdOf(o);
        if (!id)
            return false;
        DirWorkspace next = workspaceFrom(w, id);
        bool changed = false;
        const auto old = workspaces.constFind(id);
        if (old == workspaces.constEnd()) {
            if (!w.contains(key("order"))) // new workspaces go last until reordered
                for (const DirWorkspace& other : std::as_const(workspaces))
                    next.order = qMax(next.order, other.order + 1);
            workspaces.insert(id, next);
            workspaceHashes.insert(sha256Hex(id), id);
            changed = true;
        } else if (old->name != next.name || (w.contains(key("order")) && old->order != next.order)) {
            workspaces[id].name = next.name;
            if (w.contains(key("order")))
                workspaces[id].order = next.order;
            changed = true;
        }
        const QHash<quint32, QString> before = users;
        readMembers(w.value(key("users")).toArray());
        changed = changed || before != users;
        if (action == Action::GroupRestored) {
            const QHash<quint32, DirApplication> oldApps = applications;
            const QHash<quint32, DirTable> oldTables = tables;
            for (const QJsonValue& a : o.value(key("applications")).toArray())
                addApplication(a.toObject(), id);
            changed = changed || !sameMaps(oldApps, applications, sameApplication)
                || !sameMaps(oldTables, tables, sameTable);
        }
        if (changed)
            relist();
        return changed;
    }
    case Action::GroupUpdated: {
        const QJsonObject w = workspaceValue(o).toObject();
        quint32 id = workspaceIdOf(o);
        if (!id)
            id = idOf(w.value(key("id")));
        auto it = workspaces.find(id);
        if (it == workspaces.end())
            return false;
        bool changed = false;
        if (w.contains(key("name")) && it->name != w.value(key("name")).toString()) {
            it->name = w.value(key("name")).toString();
            changed = true;
        }
        // ≤ 1.11 sent a member their own workspace view (with its order) as group_updated.
        if (w.contains(key("order")) && it->order != w.value(key("order")).toInt()) {
            it->order = w.value(key("order")).toInt();
            changed = true;
        }
        return changed;
    }
    case Action::GroupDeleted: {
        const quint32 id = workspaceIdOf(o);
        if (!workspaces.contains(id))
            return false;
        removeWorkspace(id);
        relist();
        return true;
    }
    case Action::GroupsReordered: {
        QJsonValue ids = o.value(key("workspace_ids"));
        if (!ids.isArray())
            ids = o.value(key("group_ids"));
        bool changed = false;
        int order = 0;
        for (const QJsonValue& v : ids.toArray()) {
            ++order;
            auto it = workspaces.find(idOf(v));
            if (it != workspaces.end() && it->order != order) {
                it->order = order;
                changed = true;
            }
        }
        return changed;
    }
    case Action::GroupUserChanged: {
        QJsonObject m = o.value(key("workspace_user")).toObject();
        if (m.isEmpty())
            m = o.value(key("group_user")).toObject();
        const quint32 userId = idOf(m.value(key("user_id")));
        return setUserName(userId, m.value(key("name")).toString());
    }
    case Action::ApplicationCreated: {
        const QJsonObject a = o.value(key("application")).toObject();
        const quint32 id = idOf(a.value(key("id")));
        if (!id)
            return false;
        const QHash<quint32, DirApplication> oldApps = applications;
        const QHash<quint32, DirTable> oldTables = tables;
        addApplication(a, rec.workspaceId);
        if (sameMaps(oldApps, applications, sameApplication) && sameMaps(oldTables, tables, sameTable))
            return false;
        relist();
        return true;
    }
    case Action::ApplicationUpdated: {
        const QJsonObject a = o.value(key("application")).toObject();
        quint32 id = idOf(o.value(key("application_id")));
        if (!id)
            id = idOf(a.value(key("id")));
        auto it = applications.find(id);
        if (it == applications.end())
            return false;
        bool changed = false;
        if (a.contains(key("name")) && it->name != a.value(key("name")).toString()) {
            it->name = a.value(key("name")).toString();
            changed = true;
        }
        if (a.contains(key("type")) && it->type != a.value(key("type")).toString()) {
            it->type = a.value(key("type")).toString();
            changed = true;
        }
        return changed;
    }
    case Action::ApplicationDeleted: {
        const quint32 id = idOf(o.value(key("application_id")));
        if (!applications.contains(id))
            return false;
        removeApplication(id);
        relist();
        return true;
    }
    case Action::ApplicationsReordered: {
        const QList<quint32> ids = resolveOrder(o.value(key("order")).toArray(), applicationHashes);
        bool changed = false;
        for (int i = 0; i < ids.size(); ++i) {
            auto it = applications.find(ids.at(i));
            if (it != applications.end() && it->order != i + 1) {
                it->order = i + 1;
                changed = true;
            }
        }
        if (changed)
            relist();
        return changed;
    }
    case Action::TableCreated: {
        const QJsonObject t = o.value(key("table")).toObject();
        const quint32 id = idOf(t.value(key("id")));
        if (!id)
            return false;
        const DirTable next = tableFrom(t, id, rec.applicationId);
        const auto old = tables.constFind(id);
        if (old != tables.constEnd() && sameTable(old.value(), next))
            return false;
        tables.insert(id, next);
        tableHashes.insert(sha256Hex(id), id);
        relist();
        return true;
    }
    case Action::TableUpdated: {
        const QJsonObject t = o.value(key("table")).toObject();
        quint32 id = idOf(o.value(key("table_id")));
        if (!id)
            id = idOf(t.value(key("id")));
        auto it = tables.find(id);
        if (it == tables.end())
            return false;
        bool changed = false;
        if (t.contains(key("name")) && it->name != t.value(key("name")).toString()) {
            it->name = t.value(key("name")).toString();
            changed = true;
        }
        if (t.contains(key("order")) && it->order != t.value(key("order")).toInt()) {
            it->order = t.value(key("order")).toInt();
            changed = true;
        }
        if (changed)
            relist();
        return changed;
    }
    case Action::TableDeleted: {
        const quint32 id = idOf(o.value(key("table_id")));
        if (!tables.contains(id))
            return false;
        removeTable(id);
        relist();
        return true;
    }
    case Action::TablesReordered: {
        const QJsonValue db = o.value(key("database_id"));
        quint32 databaseId = 0;
        if (db.isString() && JsonReader::isSha256Hex(db.toString().toStdString()))
            databaseId = resolveHex(applicationHashes, QByteArrayView(db.toString().toLatin1()));
        else
            databaseId = idOf(db);
        if (!databaseId || !applications.contains(databaseId))
            return false;
        const QList<quint32> ids = resolveOrder(o.value(key("order")).toArray(), tableHashes);
        bool changed = false;
        for (int i = 0; i < ids.size(); ++i) {
            auto it = tables.find(ids.at(i));
            if (it != tables.end() && it->databaseId == databaseId && it->order != i + 1) {
                it->order = i + 1;
                changed = true;
            }
        }
        if (changed)
            relist();
        return changed;
    }
    case Action::FieldUpserted: {
        bool changed = upsertField(o.value(key("field")).toObject(), rec.tableId, touchedTables);
        for (const QJsonValue& v : o.value(key("related_fields")).toArray())
            changed = upsertField(v.toObject(), 0, touchedTables) || changed;
        return changed;
    }
    case Action::FieldDeleted: {
        bool changed = false;
        const quint32 fieldId = idOf(o.value(key("field_id")));
        const auto f = fields.constFind(fieldId);
        if (f != fields.constEnd()) {
            const quint32 tableId = f->tableId;
            tableFields[tableId].removeAll(fieldId);
            fields.remove(fieldId);
            touchedTables.append(tableId);
            changed = true;
        }
        for (const QJsonValue& v : o.value(key("related_fields")).toArray())
            changed = upsertField(v.toObject(), 0, touchedTables) || changed;
        return changed;
    }
    case Action::UserUpdated: {
        const QJsonObject u = o.value(key("user")).toObject();
        return setUserName(idOf(u.value(key("id"))), u.value(key("first_name")).toString());
    }
    }
    return false;
}

QList<DirWorkspace> Directory::workspaces() const
{
    std::vector<const DirWorkspace*> list;
    list.reserve(size_t(d->workspaces.size()));
    for (const DirWorkspace& w : std::as_const(d->workspaces))
        list.push_back(&w);
    std::sort(list.begin(), list.end(), byOrderThenId<DirWorkspace>);
    QList<DirWorkspace> result;
    result.reserve(qsizetype(list.size()));
    for (const DirWorkspace* w : list)
        result.append(*w);
    return result;
}

const DirWorkspace* Directory::workspace(quint32 id) const
{
    const auto it = d->workspaces.constFind(id);
    return it == d->workspaces.constEnd() ? nullptr : &it.value();
}

const DirApplication* Directory::application(quint32 id) const
{
    const auto it = d->applications.constFind(id);
    return it == d->applications.constEnd() ? nullptr : &it.value();
}

const DirTable* Directory::table(quint32 id) const
{
    const auto it = d->tables.constFind(id);
    return it == d->tables.constEnd() ? nullptr : &it.value();
}

QList<DirField> Directory::fields(quint32 tableId) const
{
    QList<DirField> result;
    const auto it = d->tableFields.constFind(tableId);
    if (it == d->tableFields.constEnd())
        return result;
    result.reserve(it->size());
    for (quint32 id : it.value())
        result.append(d->fields.value(id));
    return result;
}

const DirField* Directory::field(quint32 fieldId) const
{
    const auto it = d->fields.constFind(fieldId);
    return it == d->fields.constEnd() ? nullptr : &it.value();
}

bool Directory::hasFields(quint32 tableId) const
{
    return d->tableFields.contains(tableId);
}

QString Directory::workspaceName(quint32 id) const
{
    const DirWorkspace* w = workspace(id);
    return w ? w->name : QString();
}

QString Directory::applicationName(quint32 id) const
{
    const DirApplication* a = application(id);
    return a ? a->name : QString();
}

QString Directory::tableName(quint32 id) const
{
    const DirTable* t = table(id);
    return t ? t->name : QString();
}

QString Directory::fieldName(quint32 fieldId) const
{
    const DirField* f = field(fieldId);
    return f ? f->name : QString();
}

QString Directory::userName(quint32 userId) const
{
    return d->users.value(userId);
}

quint32 Directory::workspaceOfApplication(quint32 applicationId) const
{
    const DirApplication* a = application(applicationId);
    return a ? a->workspaceId : 0;
}

quint32 Directory::databaseOfTable(quint32 tableId) const
{
    const DirTable* t = table(tableId);
    return t ? t->databaseId : 0;
}

quint32 Directory::workspaceOfTable(quint32 tableId) const
{
    return workspaceOfApplication(databaseOfTable(tableId));
}

QList<quint32> Directory::tablesOfWorkspace(quint32 workspaceId) const
{
    QList<quint32> result;
    const DirWorkspace* w = workspace(workspaceId);
    if (!w)
        return result;
    for (quint32 a : w->applicationIds) {
        if (const DirApplication* app = application(a))
            result += app->tableIds;
    }
    return result;
}

QList<quint32> Directory::applicationsOfWorkspace(quint32 workspaceId) const
{
    const DirWorkspace* w = workspace(workspaceId);
    return w ? w->applicationIds : QList<quint32>();
}

quint32 Directory::resolveHashedWorkspace(QByteArrayView hex) const
{
    return Private::resolveHex(d->workspaceHashes, hex);
}

quint32 Directory::resolveHashedApplication(QByteArrayView hex) const
{
    return Private::resolveHex(d->applicationHashes, hex);
}

quint32 Directory::resolveHashedTable(QByteArrayView hex) const
{
    return Private::resolveHex(d->tableHashes, hex);
}

} // namespace bmon
