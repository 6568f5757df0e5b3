// SPDX-License-Identifier: MIT
// Shared by the Directory, EventListModel, tree and grid tests: the REST answers of a small
// Baserow (workspace 7 "Acme Ops" with database 12 "CRM" → table 21, the fixtures' world) and
// helpers to put frames into a store.
#pragma once

#include "core/directory.h"
#include "core/eventstore.h"
#include "core/ingest.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace testdata {

inline QString fixturesDir()
{
    const QByteArray env = qgetenv("BMON_FIXTURES_DIR");
    return env.isEmpty() ? QStringLiteral(BMON_FIXTURES_DIR) : QString::fromLocal8Bit(env);
}

inline QByteArray fixture(const QString& name)
{
    QFile f(fixturesDir() + QLatin1Char('/') + name);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("missing fixture %s", qPrintable(name));
    return f.readAll();
}

inline QJsonArray array(const char* json)
{
    return QJsonDocument::fromJson(QByteArray(json)).array();
}

inline QByteArray sha256Hex(quint32 id)
{
    return QCryptographicHash::hash(QByteArray::number(id), QCryptographicHash::Sha256).toHex();
}

//! GET /api/workspaces/ (1.16+): members with user_id.
inline QJsonArray workspaces()
{
    return array(R"([
      {"id": 7, "name": "Acme Ops", "order": 1, "permissions": "ADMIN", "unread_notifications_count": 0,
       "users": [{"id": 30, "user_id": 3, "name": "Alice", "email": "alice@example.com", "permissions": "ADMIN"},
                 {"id": 31, "user_id": 4, "name": "Bob", "email": "bob@example.com", "permissions": "MEMBER"}],
       "generative_ai_models_enabled": {}},
      {"id": 9, "name": "Sales", "order": 2, "users": [], "permissions": "MEMBER"}
    ])");
}

//! GET /api/applications/ (1.27+): "workspace" objects, tables of databases.
inline QJsonArray applications()
{
    return array(R"([
      {"id": 12, "name": "CRM", "order": 1, "type": "database",
       "workspace": {"id": 7, "name": "Acme Ops", "generative_ai_models_enabled": {}},
       "created_on": "2025-10-01T09:12:44.120391Z",
       "tables": [{"id": 21, "name": "Clients", "order": 1, "database_id": 12, "data_sync": null}]},
      {"id": 14, "name": "Site", "order": 3, "type": "builder", "workspace": {"id": 7, "name": "Acme Ops"}},
      {"id": 15, "name": "Leads", "order": 1, "type": "database", "workspace": {"id": 9, "name": "Sales"},
       "tables": [{"id": 31, "name": "Leads", "order": 2, "database_id": 15},
                  {"id": 30, "name": "Contacts", "order": 1, "database_id": 15}]}
    ])");
}

//! GET /api/database/fields/table/21/
inline QJsonArray fields21()
{
    return array(R"([
      {"id": 102, "table_id": 21, "name": "Seats", "order": 1, "type": "number", "primary": false,
       "number_decimal_places": 0},
      {"id": 101, "table_id": 21, "name": "Name", "order": 0, "type": "text", "primary": true},
      {"id": 103, "table_id": 21, "name": "Active", "order": 2, "type": "boolean", "primary": false},
      {"id": 104, "table_id": 21, "name": "Tier", "order": 3, "type": "single_select", "primary": false,
       "select_options": [{"id": 9, "value": "Gold", "color": "yellow"}, {"id": 10, "value": "Silver", "color": "light-gray"}]},
      {"id": 106, "table_id": 21, "name": "Modified by", "order": 4, "type": "last_modified_by", "primary": false}
    ])");
}

inline void loadAll(bmon::Directory& dir)
{
    dir.loadWorkspaces(workspaces());
    dir.loadApplications(applications());
    dir.loadFields(21, fields21());
}

} // namespace testdata
