// SPDX-License-Identifier: MIT
#pragma once

#include "core/eventrecord.h"

#include <QByteArrayView>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QString>

#include <memory>

namespace bmon {

struct DirWorkspace
{
    quint32 id = 0;
    QString name;
    int order = 0;
    QList<quint32> applicationIds; //!< in display order
};

struct DirApplication
{
    quint32 id = 0;
    quint32 workspaceId = 0;
    QString name;
    QString type; //!< "database", "builder", "dashboard", "automation", …
    int order = 0;
    QList<quint32> tableIds; //!< databases only, in display order
};

struct DirTable
{
    quint32 id = 0;
    quint32 databaseId = 0;
    QString name;
    int order = 0;
};

struct DirField
{
    quint32 id = 0;
    quint32 tableId = 0;
    QString name;
    QString type; //!< "text", "number", "boolean", "single_select", "link_row", "last_modified_by", …
    bool primary = false;
    int order = 0;
    QJsonObject json; //!< the whole field object (select options, number decimals, …)
};

/*!
 * What one login can see, by id and name: workspaces → applications → tables → fields, and the
 * workspace members' names (for actors). Loaded from REST answers (JSON exactly as Baserow sends
 * it, both eras: `group` or `workspace` keys) and kept live by applying stored events:
 * group_*, application_*, table_*, field_*, applications_reordered and tables_reordered
 * (sha256-hashed ids resolved against the ids it knows, PROTOCOL.md §4.2).
 *
 * Qt::Core only, GUI thread. Emits changed() after a structural or name change.
 */
class Directory : public QObject
{
    Q_OBJECT
public:
    explicit Directory(QObject* parent = nullptr);
    ~Directory() override; //!< out of line: Private is complete only in directory.cpp

    //! GET /api/workspaces/ (or /api/groups/): replaces the workspaces (members included).
    void loadWorkspaces(const QJsonArray& workspaces);
    //! GET /api/applications/: replaces the applications and their tables.
    void loadApplications(const QJsonArray& applications);
    //! GET /api/database/fields/table/ID/: replaces that table's fields.
    void loadFields(quint32 tableId, const QJsonArray& fields);
    void clear();

    //! Applies one stored event; true when anything changed. Events of other kinds are ignored.
    bool apply(const EventRecord& rec, QByteArrayView payload);

    QList<DirWorkspace> workspaces() const; //!< in display order
    const DirWorkspace* workspace(quint32 id) const;
    const DirApplication* application(quint32 id) const;
    const DirTable* table(quint32 id) const;
    QList<DirField> fields(quint32 tableId) const; //!< in field order; empty when not loaded
    const DirField* field(quint32 fieldId) const;
    bool hasFields(quint32 tableId) const;

    QString workspaceName(quint32 id) const; //!< "" when unknown
    QString applicationName(quint32 id) const;
    QString tableName(quint32 id) const;
    QString fieldName(quint32 fieldId) const;
    QString userName(quint32 userId) const; //!< from workspace member lists
    quint32 workspaceOfApplication(quint32 applicationId) const; //!< 0 when unknown
    quint32 databaseOfTable(quint32 tableId) const;
    quint32 workspaceOfTable(quint32 tableId) const;
    QList<quint32> tablesOfWorkspace(quint32 workspaceId) const;
    QList<quint32> applicationsOfWorkspace(quint32 workspaceId) const;

    //! The id among known workspaces / applications / tables whose sha256 hex is \a hex, or 0.
    quint32 resolveHashedWorkspace(QByteArrayView hex) const;
    quint32 resolveHashedApplication(QByteArrayView hex) const;
    quint32 resolveHashedTable(QByteArrayView hex) const;

signals:
    void changed();
    void fieldsChanged(quint32 tableId);

private:
    // Private data is the implementer's choice.
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace bmon
