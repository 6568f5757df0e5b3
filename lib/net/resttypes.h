// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>

#include <optional>

namespace bmon {

// Plain values parsed from Baserow's REST answers (PROTOCOL.md §6). Each parse function is
// tolerant of both eras (group ≤ 1.26, workspace ≥ 1.16) and returns nullopt when the JSON does
// not have the expected shape, which the client reports as NotBaserow.

//! The logged-in user (the "user" object of token-auth).
struct User
{
    qint64 id = 0;
    QString username; //!< the email address
    QString firstName;
    bool isStaff = false;

    static std::optional<User> fromJson(const QJsonObject& o);
};

//! A workspace (a "group" before 1.16).
struct Workspace
{
    qint64 id = 0;
    QString name;
    int order = 0;
    QString permissions; //!< "ADMIN", "MEMBER", … ("" when not sent)

    static std::optional<Workspace> fromJson(const QJsonObject& o);
};

struct Table
{
    qint64 id = 0;
    QString name;
    int order = 0;
    qint64 databaseId = 0;

    static std::optional<Table> fromJson(const QJsonObject& o);
};

//! An application of any type; only databases have tables.
struct Application
{
    qint64 id = 0;
    QString name;
    QString type; //!< "database", "builder", "dashboard", "automation", …
    int order = 0;
    qint64 workspaceId = 0; //!< workspace.id ?? group.id
    QList<Table> tables;

    static std::optional<Application> fromJson(const QJsonObject& o);
};

struct Field
{
    qint64 id = 0;
    qint64 tableId = 0;
    QString name;
    QString type;
    int order = 0;
    bool primary = false;
    QJsonObject json; //!< the whole field object (type-specific properties)

    static std::optional<Field> fromJson(const QJsonObject& o);
};

//! Rows of a table keyed by row id, as GET rows returns them (keys id, order, field_<id>).
using RowMap = QMap<qint64, QJsonObject>;

//! A positive id from a JSON number or numeric string (Baserow ids), 0 otherwise.
qint64 jsonId(const QJsonValue& v);

} // namespace bmon
