// SPDX-License-Identifier: MIT
#pragma once

#include "sim/pyjson.h"
#include "sim/roworder.h"

#include <QHash>
#include <QList>
#include <QMap>
#include <QString>

namespace bmon::sim {

struct SimUser
{
    int id = 0;
    QString email;
    QString password;
    QString firstName;
    bool active = true;
    bool collaborator = false; //!< acts in the traffic generator
    qint64 passwordChangedSecs = 0; //!< tokens issued before this are invalid (1.21+), 0 = never changed
};

struct SimWorkspaceUser
{
    int id = 0; //!< the WorkspaceUser id (DELETE /api/workspaces/users/{id}/)
    int userId = 0;
    QString permissions; //!< "ADMIN" or "MEMBER"
    QString createdOn;
};

struct SimWorkspace
{
    int id = 0;
    QString name;
    QString createdOn;
    QList<SimWorkspaceUser> members;
};

struct SimApplication
{
    int id = 0;
    int workspaceId = 0;
    QString name;
    int order = 0;
    QString type; //!< "database" or "dashboard"
    QString createdOn;
    int minVersion = 0; //!< versionCode from which the application exists (dashboards: 1.31)
};

struct SimSelectOption
{
    int id = 0;
    QString value;
    QString color;
};

struct SimField
{
    int id = 0;
    int tableId = 0;
    QString name;
    int order = 0;
    QString type; //!< text, long_text, email, number, boolean, single_select, date, link_row
    bool primary = false;
    int numberDecimalPlaces = 0;
    QList<SimSelectOption> selectOptions;
    int linkTableId = 0;
    int linkRelatedFieldId = 0; //!< the other side of a two-way link, 0 = none
};

//! One row. Cells hold the stored form: strings, number strings, bools, select option ids,
//! date strings, arrays of linked row ids, or null.
struct SimRow
{
    qint64 id = 0;
    RowOrder order;
    QHash<int, PyValue> cells;
};

struct SimViewFilter
{
    int id = 0;
    int viewId = 0;
    int fieldId = 0;
    QString type;
    QString value;
};

struct SimFieldOptions
{
    int width = 200;
    bool hidden = false;
    int order = 32767;
    QString aggregationType;
    QString aggregationRawType;
};

struct SimView
{
    int id = 0;
    int tableId = 0;
    QString name;
    int order = 0;
    QString filterType = QStringLiteral("AND");
    bool filtersDisabled = false;
    bool isPublic = false;
    QString slug;
    int ownedById = 0;
    QString rowHeightSize = QStringLiteral("small");
    QList<SimViewFilter> filters;
    QMap<int, SimFieldOptions> fieldOptions; //!< field id → options (missing = defaults)
};

struct SimTable
{
    int id = 0;
    int databaseId = 0;
    QString name;
    int order = 0;
    int seedRowCount = 0;
    qint64 nextRowId = 1;
    QList<SimField> fields; //!< in field order (the primary first)
    QHash<qint64, SimRow> rows;
    QList<int> viewIds;

    const SimField* field(int fieldId) const;
    SimField* field(int fieldId);
    const SimField* fieldByName(QStringView name) const;
    const SimField* primaryField() const;
};

/*!
 * The simulator's whole database: users, workspaces, applications, tables, fields, rows and views,
 * seeded deterministically (independent of --seed) and consistent with the shared fixtures.
 * Plain data with lookups; the rules (events, validation) live in SimOperations and RestApi.
 */
class SimData
{
public:
    struct SeedOptions
    {
        QString email;
        QString password;
        int collaborators = 3;
        //! Rows of CRM → Customers (table 21); 0 = the default 120. Extra rows come from their
        //! own PRNG after everything else, so the other tables and the first rows stay the same.
        int customerRows = 0;
    };

    void seed(const SeedOptions& options);

    QMap<int, SimUser> users;
    QMap<int, SimWorkspace> workspaces;
    QMap<int, SimApplication> applications;
    QMap<int, SimTable> tables;
    QMap<int, SimView> views;
    QHash<quint64, int> rowCommentCounts; //!< key(tableId, rowId) → number of comments

    int nextFieldId = 600;
    int nextSelectOptionId = 100;
    int nextViewFilterId = 77;
    int nextWorkspaceUserId = 1000;
    int nextRowCommentId = 17;
    int nextRowHistoryId = 381;

    SimUser* user(int id);
    const SimUser* userByEmail(QStringView email) const;
    SimTable* table(int id);
    const SimTable* table(int id) const;
    SimView* view(int id);
    const SimView* viewBySlug(QStringView slug) const;
    //! The workspace a table belongs to (0 when unknown).
    int workspaceOfTable(int tableId) const;
    //! The table a field belongs to, with the field (nullptrs when unknown).
    SimField* findField(int fieldId, SimTable** table = nullptr);
    bool isMember(int userId, int workspaceId) const;
    const SimWorkspaceUser* membership(int userId, int workspaceId) const;
    //! Users who are members of the workspace.
    QList<int> memberIds(int workspaceId) const;
    //! Workspaces of a user in the user's order.
    QList<int> workspacesOf(int userId) const;
    //! Applications of a workspace in order, only those existing at \a versionCode.
    QList<int> applicationsOf(int workspaceId, int versionCode) const;
    QList<int> tablesOf(int databaseId) const;

    //! Row ids of a table sorted by (order, id), cached until the table changes.
    const QList<qint64>& sortedRowIds(int tableId);
    void invalidateOrder(int tableId) { m_sortedCache.remove(tableId); }

    static quint64 rowKey(int tableId, qint64 rowId)
    {
        return (quint64(quint32(tableId)) << 40) ^ quint64(rowId);
    }

private:
    void resizeCustomers(int rowCount);

    QHash<int, QList<qint64>> m_sortedCache;
};

} // namespace bmon::sim
