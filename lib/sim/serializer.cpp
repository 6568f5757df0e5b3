// SPDX-License-Identifier: MIT
#include "sim/serializer.h"

#include "sim/simcontext.h"

namespace bmon::sim {

namespace {
QString L(const char* s)
{
    return QLatin1String(s);
}
} // namespace

PyValue Serializer::cell(const SimTable& table, const SimField& field, const SimRow& row) const
{
    Q_UNUSED(table);
    const PyValue stored = row.cells.value(field.id);
    const QString& type = field.type;
    if (type == QLatin1String("boolean"))
        return PyValue(stored.toBool());
    if (type == QLatin1String("single_select")) {
        if (!stored.isInt())
            return PyValue();
        for (const SimSelectOption& o : field.selectOptions) {
            if (o.id == stored.toInt())
                return PyObject {{L("id"), o.id}, {L("value"), o.value}, {L("color"), o.color}};
        }
        return PyValue();
    }
    if (type == QLatin1String("link_row")) {
        PyArray out;
        const SimTable* target = m_ctx->data->table(field.linkTableId);
        if (!target)
            return out;
        const SimField* primary = target->primaryField();
        const bool withOrder = m_ctx->versionCode() >= 13500;
        for (const PyValue& id : stored.array()) {
            auto it = target->rows.constFind(id.toInt());
            if (it == target->rows.cend())
                continue;
            PyObject link {
                {L("id"), it->id}, {L("value"), primary ? cell(*target, *primary, *it) : PyValue()}};
            if (withOrder)
                link.insert(L("order"), it->order.toString());
            out.append(std::move(link));
        }
        return out;
    }
    return stored;
}

PyObject Serializer::row(const SimTable& table, const SimRow& row, bool userFieldNames) const
{
    PyObject o;
    o.appendNew(L("id"), row.id);
    o.appendNew(L("order"), row.order.toString());
    for (const SimField& f : table.fields) {
        QString key = userFieldNames ? f.name : fieldKey(f.id);
        o.insert(key, cell(table, f, row)); // insert: field names could collide with id/order
    }
    return o;
}

PyObject Serializer::publicRow(const SimTable& table, const SimView& view, const SimRow& row) const
{
    PyObject o;
    o.appendNew(L("id"), row.id);
    o.appendNew(L("order"), row.order.toString());
    for (const SimField& f : table.fields) {
        if (view.fieldOptions.value(f.id).hidden)
            continue;
        o.appendNew(fieldKey(f.id), cell(table, f, row));
    }
    return o;
}

namespace {
void addTypeProperties(PyObject& o, const SimField& f, bool modern)
{
    const QString& t = f.type;
    if (t == QLatin1String("text")) {
        o.insert(L("text_default"), QString());
    } else if (t == QLatin1String("long_text")) {
        o.insert(L("long_text_enable_rich_text"), false);
    } else if (t == QLatin1String("number")) {
        o.insert(L("number_decimal_places"), f.numberDecimalPlaces);
        o.insert(L("number_negative"), false);
        if (modern) {
            o.insert(L("number_prefix"), QString());
            o.insert(L("number_suffix"), QString());
            o.insert(L("number_separator"), QString());
            o.insert(L("number_default"), PyValue());
        }
    } else if (t == QLatin1String("boolean")) {
        if (modern)
            o.insert(L("boolean_default"), false);
    } else if (t == QLatin1String("single_select")) {
        PyArray options;
        for (const SimSelectOption& opt : f.selectOptions)
            options.append(PyObject {{L("id"), opt.id}, {L("value"), opt.value}, {L("color"), opt.color}});
        o.insert(L("select_options"), options);
        if (modern)
            o.insert(L("single_select_default"), PyValue());
    } else if (t == QLatin1String("date")) {
        o.insert(L("date_format"), L("ISO"));
        o.insert(L("date_include_time"), false);
        o.insert(L("date_time_format"), L("24"));
        if (modern) {
            o.insert(L("date_show_tzinfo"), false);
            o.insert(L("date_force_timezone"), PyValue());
        }
    } else if (t == QLatin1String("link_row")) {
        o.insert(L("link_row_table_id"), f.linkTableId);
        o.insert(
            L("link_row_related_field_id"), f.linkRelatedFieldId ? PyValue(f.linkRelatedFieldId) : PyValue());
        o.insert(L("link_row_table"), f.linkTableId);
        if (modern) {
            o.insert(L("link_row_limit_selection_view"), PyValue());
            o.insert(L("link_row_multiple_relationships"), true);
        }
    }
}
} // namespace

PyObject Serializer::field(const SimTable& table, const SimField& f) const
{
    const bool modern = m_ctx->versionCode() >= 13500;
    PyObject o {{L("id"), f.id}, {L("table_id"), table.id}, {L("name"), f.name}, {L("order"), f.order},
        {L("type"), f.type}, {L("primary"), f.primary}, {L("read_only"), false}};
    if (modern) {
        o.insert(L("immutable_type"), false);
        o.insert(L("immutable_properties"), false);
        o.insert(L("description"), PyValue());
        o.insert(L("database_id"), table.databaseId);
        o.insert(L("workspace_id"), m_ctx->data->workspaceOfTable(table.id));
        o.insert(L("db_index"), false);
        o.insert(L("field_constraints"), PyArray {});
    }
    addTypeProperties(o, f, modern);
    return o;
}

PyObject Serializer::publicField(const SimField& f) const
{
    PyObject o {{L("id"), f.id}, {L("name"), f.name}, {L("order"), f.order}, {L("type"), f.type},
        {L("primary"), f.primary}};
    addTypeProperties(o, f, m_ctx->versionCode() >= 13500);
    return o;
}

PyObject Serializer::table(const SimTable& t) const
{
    PyObject o {
        {L("id"), t.id}, {L("name"), t.name}, {L("order"), t.order}, {L("database_id"), t.databaseId}};
    if (m_ctx->versionCode() >= 13500)
        o.insert(L("data_sync"), PyValue());
    return o;
}

PyObject Serializer::workspaceRef(const SimWorkspace& ws) const
{
    PyObject o {{L("id"), ws.id}, {L("name"), ws.name}};
    if (m_ctx->version.hasWorkspaceKeys())
        o.insert(L("generative_ai_models_enabled"), PyObject {});
    return o;
}

PyObject Serializer::application(const SimApplication& app) const
{
    PyObject o {{L("id"), app.id}, {L("name"), app.name}, {L("order"), app.order}, {L("type"), app.type}};
    const SimWorkspace ws = m_ctx->data->workspaces.value(app.workspaceId);
    if (m_ctx->version.hasGroupKeys())
        o.insert(L("group"), PyObject {{L("id"), ws.id}, {L("name"), ws.name}});
    if (m_ctx->version.hasWorkspaceKeys())
        o.insert(L("workspace"), workspaceRef(ws));
    if (m_ctx->versionCode() >= 12700)
        o.insert(L("created_on"), app.createdOn);
    if (app.type == QLatin1String("database")) {
        PyArray tables;
        for (int id : m_ctx->data->tablesOf(app.id))
            tables.append(table(*m_ctx->data->table(id)));
        o.insert(L("tables"), tables);
    } else {
        o.insert(L("description"), PyValue());
    }
    return o;
}

PyObject Serializer::workspaceUser(const SimWorkspace& ws, const SimWorkspaceUser& m) const
{
    const SimUser u = m_ctx->data->users.value(m.userId);
    const bool workspaceKey = m_ctx->version.hasWorkspaceKeys();
    PyObject o {{L("id"), m.id}, {L("name"), u.firstName}, {L("email"), u.email}};
    o.insert(workspaceKey ? L("workspace") : L("group"), ws.id);
    o.insert(L("permissions"), m.permissions);
    o.insert(L("created_on"), m.createdOn);
    o.insert(L("user_id"), m.userId);
    if (m_ctx->versionCode() >= 13500)
        o.insert(L("to_be_deleted"), false);
    return o;
}

PyObject Serializer::workspaceForUser(const SimWorkspace& ws, int userId) const
{
    PyObject o {{L("id"), ws.id}, {L("name"), ws.name}};
    if (m_ctx->versionCode() >= 11500) {
        PyArray users;
        for (const SimWorkspaceUser& m : ws.members)
            users.append(workspaceUser(ws, m));
        o.insert(L("users"), users);
    }
    const SimWorkspaceUser* me = m_ctx->data->membership(userId, ws.id);
    o.insert(L("order"), int(m_ctx->data->workspacesOf(userId).indexOf(ws.id) + 1));
    o.insert(L("permissions"), me ? me->permissions : QString());
    if (m_ctx->version.hasWorkspaceKeys()) {
        o.insert(L("unread_notifications_count"), 0);
        o.insert(L("generative_ai_models_enabled"), PyObject {});
    }
    return o;
}

PyObject Serializer::viewFilter(const SimViewFilter& f) const
{
    PyObject o {{L("id"), f.id}, {L("view"), f.viewId}, {L("field"), f.fieldId}, {L("type"), f.type},
        {L("value"), f.value}, {L("preload_values"), PyObject {}}};
    if (m_ctx->version.hasMultiplePages())
        o.insert(L("group"), PyValue());
    return o;
}

PyObject Serializer::view(const SimView& v, bool withFilters) const
{
    const bool modern = m_ctx->versionCode() >= 13500;
    const SimTable* t = m_ctx->data->table(v.tableId);
    PyObject o {{L("id"), v.id}, {L("table_id"), v.tableId}, {L("name"), v.name}, {L("order"), v.order},
        {L("type"), L("grid")}};
    if (t)
        o.insert(L("table"),
            PyObject {{L("id"), t->id}, {L("name"), t->name}, {L("order"), t->order},
                {L("database_id"), t->databaseId}});
    o.insert(L("filter_type"), v.filterType);
    if (withFilters) {
        PyArray filters;
        for (const SimViewFilter& f : v.filters)
            filters.append(viewFilter(f));
        o.insert(L("filters"), filters);
        if (m_ctx->version.hasMultiplePages())
            o.insert(L("filter_groups"), PyArray {});
        o.insert(L("sortings"), PyArray {});
        if (m_ctx->version.hasMultiplePages())
            o.insert(L("group_bys"), PyArray {});
        o.insert(L("decorations"), PyArray {});
    }
    o.insert(L("filters_disabled"), v.filtersDisabled);
    o.insert(L("public_view_has_password"), false);
    o.insert(L("show_logo"), true);
    if (modern) {
        o.insert(L("allow_public_export"), false);
        o.insert(L("ownership_type"), L("collaborative"));
        o.insert(L("owned_by_id"), v.ownedById);
    }
    o.insert(L("row_identifier_type"), L("id"));
    if (modern)
        o.insert(L("row_height_size"), v.rowHeightSize);
    o.insert(L("public"), v.isPublic);
    o.insert(L("slug"), v.slug);
    return o;
}

PyObject Serializer::fieldOptions(const SimView& v) const
{
    PyObject o;
    const SimTable* t = m_ctx->data->table(v.tableId);
    if (!t)
        return o;
    for (const SimField& f : t->fields) {
        const SimFieldOptions opts = v.fieldOptions.value(f.id);
        PyObject fo {{L("width"), opts.width}, {L("hidden"), opts.hidden}, {L("order"), opts.order}};
        if (m_ctx->versionCode() >= 11500) {
            fo.insert(L("aggregation_type"), opts.aggregationType);
            fo.insert(L("aggregation_raw_type"), opts.aggregationRawType);
        }
        o.appendNew(QString::number(f.id), fo); // field ids as string keys (§1.8)
    }
    return o;
}

PyObject Serializer::user(const SimUser& u) const
{
    PyObject o {{L("first_name"), u.firstName}, {L("username"), u.email}, {L("is_staff"), false},
        {L("id"), u.id}, {L("language"), L("en")}};
    if (m_ctx->versionCode() >= 13500) {
        o.insert(L("email_notification_frequency"), L("instant"));
        o.insert(L("email_verified"), true);
        o.insert(L("completed_onboarding"), true);
        o.insert(L("completed_guided_tours"), PyArray {});
    }
    return o;
}

} // namespace bmon::sim
