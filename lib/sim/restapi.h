// SPDX-License-Identifier: MIT
#pragma once

#include "sim/httpmessage.h"
#include "sim/simoperations.h"

#include <QList>

namespace bmon::sim {

struct SimContext;

/*!
 * Baserow's REST API as far as the monitor needs it (PROTOCOL.md §6), per era: auth
 * (drf-jwt/simplejwt), workspaces/groups, applications, tables, fields, rows (pagination,
 * batches, move), views, field options, filters, comments, members and password change.
 * Writes go through SimOperations, so they emit the same events as Baserow.
 */
class RestApi
{
public:
    explicit RestApi(SimContext* ctx) : m_ctx(ctx) { }

    HttpResponse handle(const HttpRequest& request);

private:
    struct Call;
    HttpResponse route(Call& call);
    bool authenticate(Call& call, HttpResponse* failure);

    HttpResponse schema() const;
    HttpResponse settings() const;
    HttpResponse tokenAuth(Call& call);
    HttpResponse tokenRefresh(Call& call);
    HttpResponse tokenVerify(Call& call);
    HttpResponse tokenBlacklist(Call& call);
    HttpResponse changePassword(Call& call);
    HttpResponse workspaces(Call& call);
    HttpResponse deleteWorkspaceUser(Call& call, int workspaceUserId);
    HttpResponse applications(Call& call, int workspaceId);
    HttpResponse application(Call& call, int applicationId);
    HttpResponse tables(Call& call, int databaseId);
    HttpResponse table(Call& call, int tableId);
    HttpResponse fields(Call& call, int tableId);
    HttpResponse field(Call& call, int fieldId);
    HttpResponse rows(Call& call, int tableId);
    HttpResponse row(Call& call, int tableId, qint64 rowId);
    HttpResponse moveRow(Call& call, int tableId, qint64 rowId);
    HttpResponse batch(Call& call, int tableId);
    HttpResponse batchDelete(Call& call, int tableId);
    HttpResponse views(Call& call, int tableId);
    HttpResponse view(Call& call, int viewId);
    HttpResponse fieldOptions(Call& call, int viewId);
    HttpResponse createFilter(Call& call, int viewId);
    HttpResponse deleteFilter(Call& call, int filterId);
    HttpResponse createComment(Call& call, int tableId, qint64 rowId);

    // Shared checks; each returns false and fills *failure.
    bool checkTable(Call& call, int tableId, SimTable** table, HttpResponse* failure);
    bool parseBody(Call& call, HttpResponse* failure);
    //! Validates a row body (field_<id> or names) into stored cells; errors into \a errors.
    CellValues readCells(const SimTable& table, const PyObject& body, bool userFieldNames, PyObject* errors,
        QList<int>* touched) const;
    PyObject loginExtras() const;

    SimContext* m_ctx;
};

} // namespace bmon::sim
