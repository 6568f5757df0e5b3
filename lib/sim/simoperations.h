// SPDX-License-Identifier: MIT
#pragma once

#include "sim/pyjson.h"
#include "sim/simdata.h"

#include <QHash>
#include <QList>
#include <QString>

#include <optional>

namespace bmon::sim {

struct SimContext;

//! Who acts: a user, and the WebSocketId their JWT-authenticated request carried (sender exclusion).
struct Actor
{
    int userId = 0;
    QString webSocketId;
};

//! Stored cell values of one row, by field id.
using CellValues = QHash<int, PyValue>;

/*!
 * The internal operations behind both the REST handlers and the traffic generator: each one
 * changes SimData and emits exactly the events Baserow emits for it, so generated events are
 * identical to REST-caused ones. Inputs are already validated (see validateCell()).
 */
class SimOperations
{
public:
    explicit SimOperations(SimContext* ctx) : m_ctx(ctx) { }

    //! Creates rows (before \a beforeRowId when non-zero); returns the new ids in order.
    QList<qint64> createRows(
        const Actor& actor, int tableId, const QList<CellValues>& rows, qint64 beforeRowId);
    //! Applies the changes (row id → cells); \a fieldIds = the fields the request touched.
    void updateRows(const Actor& actor, int tableId, const QList<std::pair<qint64, CellValues>>& changes,
        const QList<int>& fieldIds);
    void deleteRows(const Actor& actor, int tableId, const QList<qint64>& rowIds);
    //! Moves a row before \a beforeRowId (0 = to the end).
    void moveRow(const Actor& actor, int tableId, qint64 rowId, qint64 beforeRowId);

    int createField(const Actor& actor, int tableId, const SimField& field);
    void updateField(const Actor& actor, int fieldId, const QString& name);
    void deleteField(const Actor& actor, int fieldId);

    void renameTable(const Actor& actor, int tableId, const QString& name);
    void renameApplication(const Actor& actor, int applicationId, const QString& name);

    void updateView(const Actor& actor, int viewId, const std::optional<QString>& name,
        const std::optional<QString>& filterType, const std::optional<bool>& filtersDisabled);
    void updateFieldOptions(const Actor& actor, int viewId, const QMap<int, SimFieldOptions>& options);
    int createViewFilter(
        const Actor& actor, int viewId, int fieldId, const QString& type, const QString& value);
    void deleteViewFilter(const Actor& actor, int filterId);
    int createRowComment(const Actor& actor, int tableId, qint64 rowId, const QString& text);

    void removeWorkspaceUser(const Actor& actor, int workspaceId, int workspaceUserId);
    void addWorkspaceUser(const Actor& actor, int workspaceId, int userId, const QString& permissions);
    void changePassword(const Actor& actor, const QString& newPassword);

    //! The default stored value of a field for new rows.
    static PyValue defaultValue(const SimField& field);
    /*!
     * Checks one input value for \a field and converts it to the stored form. On error returns
     * false with Baserow's message and code.
     */
    bool validateCell(
        const SimField& field, const PyValue& input, PyValue* stored, QString* error, QString* code) const;

private:
    PyObject metadataFor(int tableId, const QList<qint64>& rowIds) const;
    QList<qint64> sortedSubset(int tableId, QList<qint64> ids);
    void mirrorLinks(
        SimTable& table, const SimField& field, qint64 rowId, const PyValue& before, const PyValue& after);
    void recalculateOrders(int tableId);
    RowOrder orderBefore(
        int tableId, qint64 beforeRowId, qint64 excludeRowId, int count, QList<RowOrder>* out);
    void sendPublicRows(const SimTable& table, const char* type, const QList<qint64>& ids,
        const QList<PyObject>* beforeImages, const QList<const SimRow*>& rows);
    void sendFieldToPublicViews(const SimTable& table, const PyObject& message);
    PyObject workspaceUserMessage(
        const char* type, const SimWorkspace& ws, const SimWorkspaceUser& member) const;
    void publicViewChanged(const SimView& view, bool rowsOnly);

    SimContext* m_ctx;
};

} // namespace bmon::sim
