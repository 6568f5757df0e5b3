// SPDX-License-Identifier: MIT
#pragma once

#include "sim/pyjson.h"
#include "sim/simdata.h"

namespace bmon::sim {

struct SimContext;

/*!
 * Baserow's serializers for the profile's era: the same JSON shapes for REST bodies and event
 * payloads (PROTOCOL.md §4, §6), keys in Baserow's order.
 */
class Serializer
{
public:
    explicit Serializer(const SimContext* ctx) : m_ctx(ctx) { }

    //! A row as `GET rows` returns it: id, order, field_<id>… (or field names).
    PyObject row(const SimTable& table, const SimRow& row, bool userFieldNames = false) const;
    //! A row as a public view sees it: hidden fields left out.
    PyObject publicRow(const SimTable& table, const SimView& view, const SimRow& row) const;
    //! One cell in its response form (select → {id,value,color}, link → [{id,value,…}]).
    PyValue cell(const SimTable& table, const SimField& field, const SimRow& row) const;
    PyObject field(const SimTable& table, const SimField& field) const;
    PyObject publicField(const SimField& field) const;
    PyObject table(const SimTable& table) const;
    PyObject application(const SimApplication& app) const;
    PyObject workspaceRef(const SimWorkspace& ws) const;
    PyObject workspaceUser(const SimWorkspace& ws, const SimWorkspaceUser& member) const;
    PyObject workspaceForUser(const SimWorkspace& ws, int userId) const;
    PyObject view(const SimView& view, bool withFilters) const;
    PyObject viewFilter(const SimViewFilter& filter) const;
    PyObject fieldOptions(const SimView& view) const;
    PyObject user(const SimUser& user) const;
    static QString fieldKey(int fieldId) { return QStringLiteral("field_%1").arg(fieldId); }

private:
    const SimContext* m_ctx;
};

} // namespace bmon::sim
