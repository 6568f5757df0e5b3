// SPDX-License-Identifier: MIT
#include "net/resttypes.h"

#include <cmath>

using namespace Qt::StringLiterals;

namespace bmon {

qint64 jsonId(const QJsonValue& v)
{
    // Beyond 2^53 a double no longer holds every integer; Baserow ids never get there.
    constexpr double maxExact = 9007199254740991.0;
    if (v.isDouble()) {
        const double d = v.toDouble();
        if (d >= 1 && d <= maxExact && std::floor(d) == d)
            return qint64(d);
        return 0;
    }
    if (v.isString()) {
        bool ok = false;
        const qint64 id = v.toString().toLongLong(&ok);
        return ok && id > 0 ? id : 0;
    }
    return 0;
}

std::optional<User> User::fromJson(const QJsonObject& o)
{
    User u;
    u.id = jsonId(o.value("id"_L1));
    u.username = o.value("username"_L1).toString();
    u.firstName = o.value("first_name"_L1).toString();
    u.isStaff = o.value("is_staff"_L1).toBool();
    if (u.id == 0 && u.username.isEmpty())
        return std::nullopt;
    return u;
}

std::optional<Workspace> Workspace::fromJson(const QJsonObject& o)
{
    Workspace w;
    w.id = jsonId(o.value("id"_L1));
    if (w.id == 0 || !o.value("name"_L1).isString())
        return std::nullopt;
    w.name = o.value("name"_L1).toString();
    w.order = o.value("order"_L1).toInt();
    w.permissions = o.value("permissions"_L1).toString();
    return w;
}

std::optional<Table> Table::fromJson(const QJsonObject& o)
{
    Table t;
    t.id = jsonId(o.value("id"_L1));
    if (t.id == 0)
        return std::nullopt;
    t.name = o.value("name"_L1).toString();
    t.order = o.value("order"_L1).toInt();
    t.databaseId = jsonId(o.value("database_id"_L1));
    return t;
}

std::optional<Application> Application::fromJson(const QJsonObject& o)
{
    Application a;
    a.id = jsonId(o.value("id"_L1));
    if (a.id == 0 || !o.value("type"_L1).isString())
        return std::nullopt;
    a.name = o.value("name"_L1).toString();
    a.type = o.value("type"_L1).toString();
    a.order = o.value("order"_L1).toInt();
    // ≤ 1.15 "group", 1.16–1.26 both, ≥ 1.27 "workspace" (PROTOCOL.md §6.4).
    QJsonValue ws = o.value("workspace"_L1);
    if (!ws.isObject())
        ws = o.value("group"_L1);
    a.workspaceId = jsonId(ws.toObject().value("id"_L1));
    const QJsonArray tables = o.value("tables"_L1).toArray();
    a.tables.reserve(tables.size());
    for (const QJsonValue& t : tables) {
        if (auto table = Table::fromJson(t.toObject())) {
            if (table->databaseId == 0)
                table->databaseId = a.id;
            a.tables.append(*table);
        }
    }
    return a;
}

std::optional<Field> Field::fromJson(const QJsonObject& o)
{
    Field f;
    f.id = jsonId(o.value("id"_L1));
    if (f.id == 0 || !o.value("type"_L1).isString())
        return std::nullopt;
    f.tableId = jsonId(o.value("table_id"_L1));
    f.name = o.value("name"_L1).toString();
    f.type = o.value("type"_L1).toString();
    f.order = o.value("order"_L1).toInt();
    f.primary = o.value("primary"_L1).toBool();
    f.json = o;
    return f;
}

} // namespace bmon
