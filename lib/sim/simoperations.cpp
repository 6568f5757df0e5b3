// SPDX-License-Identifier: MIT
#include "sim/simoperations.h"

#include "core/logging.h"
#include "sim/realtimehub.h"
#include "sim/serializer.h"
#include "sim/simcontext.h"
#include "sim/tokenservice.h"

#include <QDate>
#include <QRegularExpression>

#include <algorithm>

namespace bmon::sim {

namespace {
QString L(const char* s)
{
    return QLatin1String(s);
}
} // namespace

PyValue SimOperations::defaultValue(const SimField& field)
{
    if (field.type == QLatin1String("boolean"))
        return false;
    if (field.type == QLatin1String("link_row"))
        return PyArray {};
    if (field.type == QLatin1String("text"))
        return PyValue(); // text_default "" is applied by the serializer only when set; Baserow stores null
    return PyValue();
}

bool SimOperations::validateCell(
    const SimField& field, const PyValue& input, PyValue* stored, QString* error, QString* code) const
{
    const QString& type = field.type;
    auto fail = [&](const char* message, const char* c) {
        *error = L(message);
        *code = L(c);
        return false;
    };
    if (type == QLatin1String("text") || type == QLatin1String("long_text")
        || type == QLatin1String("email")) {
        if (input.isNull()) {
            *stored = PyValue();
            return true;
        }
        QString s;
        if (input.isString())
            s = input.toString();
        else if (input.isInt())
            s = QString::number(input.toInt());
        else if (input.isDouble())
            s = QString::fromLatin1(pyDumps(input));
        else
            return fail("Not a valid string.", "invalid");
        if (type == QLatin1String("email") && !s.isEmpty()) {
            static const QRegularExpression re(QStringLiteral("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$"));
            if (!re.match(s).hasMatch())
                return fail("Enter a valid email address.", "invalid");
        }
        if (type == QLatin1String("text") && s.size() > 255)
            return fail("Ensure this field has no more than 255 characters.", "max_length");
        *stored = s;
        return true;
    }
    if (type == QLatin1String("number")) {
        if (input.isNull() || (input.isString() && input.toString().isEmpty())) {
            *stored = PyValue();
            return true;
        }
        QString text;
        if (input.isString())
            text = input.toString().trimmed();
        else if (input.isNumber())
            text = QString::fromLatin1(pyDumps(input));
        else
            return fail("A valid number is required.", "invalid");
        static const QRegularExpression re(QStringLiteral("^-?\\d{1,30}(\\.\\d+)?$"));
        if (!re.match(text).hasMatch())
            return fail("A valid number is required.", "invalid");
        if (text.startsWith(u'-'))
            return fail("Ensure this value is greater than or equal to 0.", "min_value");
        // Quantize to the field's decimal places (round half up on the decimal string).
        const qsizetype dot = text.indexOf(u'.');
        QString whole = dot < 0 ? text : text.left(dot);
        QString frac = dot < 0 ? QString() : text.mid(dot + 1);
        const int places = field.numberDecimalPlaces;
        bool roundUp = frac.size() > places && frac.at(places) >= u'5';
        frac = frac.left(places).leftJustified(places, u'0');
        QString digits = whole + frac;
        if (roundUp) {
            int i = int(digits.size()) - 1;
            while (i >= 0) {
                if (digits.at(i) == u'9') {
                    digits[i] = u'0';
                    --i;
                } else {
                    digits[i] = QChar(digits.at(i).unicode() + 1);
                    break;
                }
            }
            if (i < 0)
                digits.prepend(u'1');
        }
        whole = digits.left(digits.size() - places);
        frac = digits.right(places);
        while (whole.size() > 1 && whole.startsWith(u'0'))
            whole.remove(0, 1);
        *stored = places > 0 ? QString(whole + u'.' + frac) : whole;
        return true;
    }
    if (type == QLatin1String("boolean")) {
        if (input.isBool() || input.isNull()) {
            *stored = input.toBool();
            return true;
        }
        const QString s
            = input.isString() ? input.toString().trimmed().toLower() : QString::fromLatin1(pyDumps(input));
        static const QStringList yes {L("true"), L("t"), L("1"), L("yes"), L("y"), L("on"), L("checked")};
        static const QStringList no {L("false"), L("f"), L("0"), L("no"), L("n"), L("off"), L("")};
        if (yes.contains(s)) {
            *stored = true;
            return true;
        }
        if (no.contains(s)) {
            *stored = false;
            return true;
        }
        return fail("Must be a valid boolean.", "invalid");
    }
    if (type == QLatin1String("single_select")) {
        if (input.isNull()) {
            *stored = PyValue();
            return true;
        }
        for (const SimSelectOption& o : field.selectOptions) {
            if ((input.isInt() && input.toInt() == o.id)
                || (input.isString() && input.toString() == o.value)) {
                *stored = PyValue(o.id);
                return true;
            }
        }
        if (input.isInt() || input.isString())
            return fail("The provided select option value is not a valid select option.", "invalid");
        return fail("The provided value should be a valid integer or string", "invalid");
    }
    if (type == QLatin1String("date")) {
        if (input.isNull() || (input.isString() && input.toString().isEmpty())) {
            *stored = PyValue();
            return true;
        }
        const QString s = input.toString().left(10);
        const QDate d = QDate::fromString(s, Qt::ISODate);
        if (!input.isString() || !d.isValid() || s.size() != 10)
            return fail("Date has wrong format. Use one of these formats instead: YYYY-MM-DD.", "invalid");
        *stored = d.toString(Qt::ISODate);
        return true;
    }
    if (type == QLatin1String("link_row")) {
        if (input.isNull()) {
            *stored = PyArray {};
            return true;
        }
        if (!input.isArray())
            return fail("Expected a list of items but got type \""
                        "value"
                        "\".",
                "not_a_list");
        const SimTable* target = m_ctx->data->table(field.linkTableId);
        PyArray ids;
        QList<qint64> seen;
        for (const PyValue& item : input.array()) {
            qint64 id = 0;
            if (item.isInt())
                id = item.toInt();
            else if (item.isObject() && item.object().value(u"id").isInt())
                id = item.object().value(u"id").toInt();
            else if (item.isString() && target) {
                const SimField* primary = target->primaryField();
                for (const SimRow& r : target->rows) {
                    if (primary && r.cells.value(primary->id).toString() == item.toString()) {
                        id = r.id;
                        break;
                    }
                }
            }
            if (id <= 0 || !target || !target->rows.contains(id))
                return fail("The provided row ids do not exist in the related table.", "invalid");
            if (!seen.contains(id)) {
                seen.append(id);
                ids.append(PyValue(id));
            }
        }
        *stored = ids;
        return true;
    }
    *stored = input;
    return true;
}

PyObject SimOperations::metadataFor(int tableId, const QList<qint64>& rowIds) const
{
    PyObject meta;
    for (qint64 id : rowIds) {
        const int n = m_ctx->data->rowCommentCounts.value(SimData::rowKey(tableId, id));
        if (n > 0)
            meta.appendNew(QString::number(id), PyObject {{L("row_comment_count"), n}}); // string keys (§1.8)
    }
    return meta;
}

QList<qint64> SimOperations::sortedSubset(int tableId, QList<qint64> ids)
{
    // Baserow's order (`order`, then id) for a handful of rows: compare them directly instead of
    // indexing the whole table for each event. Unknown ids go last.
    const SimTable* table = m_ctx->data->table(tableId);
    if (!table)
        return ids;
    std::stable_sort(ids.begin(), ids.end(), [table](qint64 a, qint64 b) {
        const auto ra = table->rows.constFind(a), rb = table->rows.constFind(b);
        const bool ka = ra != table->rows.cend(), kb = rb != table->rows.cend();
        if (ka != kb)
            return ka;
        if (!ka)
            return false;
        if (!(ra->order == rb->order))
            return ra->order < rb->order;
        return a < b;
    });
    return ids;
}

void SimOperations::mirrorLinks(
    SimTable& table, const SimField& field, qint64 rowId, const PyValue& before, const PyValue& after)
{
    if (field.type != QLatin1String("link_row") || !field.linkRelatedFieldId)
        return;
    SimTable* target = m_ctx->data->table(field.linkTableId);
    if (!target)
        return;
    QList<qint64> oldIds, newIds;
    for (const PyValue& v : before.array())
        oldIds.append(v.toInt());
    for (const PyValue& v : after.array())
        newIds.append(v.toInt());
    // The other side changes without any event for its table (PROTOCOL.md §1.8, weak spot 5).
    for (qint64 id : oldIds) {
        if (newIds.contains(id) || !target->rows.contains(id))
            continue;
        SimRow& other = target->rows[id];
        PyArray kept;
        for (const PyValue& v : other.cells.value(field.linkRelatedFieldId).array()) {
            if (v.toInt() != rowId)
                kept.append(v);
        }
        other.cells.insert(field.linkRelatedFieldId, kept);
    }
    for (qint64 id : newIds) {
        if (oldIds.contains(id) || !target->rows.contains(id))
            continue;
        SimRow& other = target->rows[id];
        PyArray links = other.cells.value(field.linkRelatedFieldId).array();
        links.append(PyValue(rowId));
        other.cells.insert(field.linkRelatedFieldId, links);
    }
    Q_UNUSED(table);
}

void SimOperations::recalculateOrders(int tableId)
{
    SimTable* table = m_ctx->data->table(tableId);
    const QList<qint64> ids = m_ctx->data->sortedRowIds(tableId);
    qint64 n = 1;
    for (qint64 id : ids)
        table->rows[id].order = RowOrder::fromInt(n++);
    m_ctx->data->invalidateOrder(tableId);
    if (m_ctx->hasMessageType(u"row_orders_recalculated"))
        m_ctx->hub->toTable(tableId,
            PyObject {{L("type"), L("row_orders_recalculated")}, {L("table_id"), tableId}},
            QString()); // ignores WebSocketId (§3)
}

RowOrder SimOperations::orderBefore(
    int tableId, qint64 beforeRowId, qint64 excludeRowId, int count, QList<RowOrder>* out)
{
    for (int attempt = 0; attempt < 2; ++attempt) {
        out->clear();
        SimTable* table = m_ctx->data->table(tableId);
        QList<qint64> sorted = m_ctx->data->sortedRowIds(tableId);
        sorted.removeAll(excludeRowId);
        const qsizetype idx = sorted.indexOf(beforeRowId);
        RowOrder low = idx > 0 ? table->rows.value(sorted.at(idx - 1)).order : RowOrder::fromInt(0);
        const RowOrder high = table->rows.value(beforeRowId).order;
        bool ok = true;
        for (int k = 0; k < count && ok; ++k) {
            const auto o = RowOrder::simplestBetween(low, high);
            if (!o) {
                ok = false;
                break;
            }
            out->append(*o);
            low = *o;
        }
        if (ok)
            return out->isEmpty() ? RowOrder() : out->first();
        recalculateOrders(tableId); // the gap got too narrow: renumber, as Baserow does
    }
    return RowOrder();
}

void SimOperations::sendPublicRows(const SimTable& table, const char* type, const QList<qint64>& ids,
    const QList<PyObject>* beforeImages, const QList<const SimRow*>& rows)
{
    for (int viewId : table.viewIds) {
        const SimView* view = m_ctx->data->view(viewId);
        if (!view || !view->isPublic || !m_ctx->hub->hasViewSubscribers(view->slug))
            continue;
        // Public view pages see table_id 0 and only the visible fields; no sender exclusion.
        PyObject msg {{L("type"), L(type)}, {L("table_id"), 0}};
        PyArray images;
        for (const SimRow* row : rows)
            images.append(m_ctx->serializer->publicRow(table, *view, *row));
        const QString t = L(type);
        if (t == QLatin1String("rows_deleted")) {
            PyArray idList;
            for (qint64 id : ids)
                idList.append(PyValue(id));
            msg.insert(L("row_ids"), idList);
            msg.insert(L("rows"), images);
        } else if (t == QLatin1String("rows_updated")) {
            PyArray before;
            if (beforeImages) {
                for (const PyObject& b : *beforeImages) {
                    PyObject stripped;
                    for (const auto& [key, value] : b) {
                        if (key.startsWith(QLatin1String("field_"))
                            && view->fieldOptions.value(QStringView(key).mid(6).toInt()).hidden)
                            continue;
                        stripped.appendNew(key, value);
                    }
                    before.append(stripped);
                }
            }
            msg.insert(L("rows_before_update"), before);
            msg.insert(L("rows"), images);
            msg.insert(L("metadata"), PyObject {});
        } else {
            msg.insert(L("rows"), images);
            msg.insert(L("metadata"), PyObject {});
            msg.insert(L("before_row_id"), PyValue());
        }
        m_ctx->hub->toPublicView(view->slug, msg);
    }
}

QList<qint64> SimOperations::createRows(
    const Actor& actor, int tableId, const QList<CellValues>& rows, qint64 beforeRowId)
{
    SimTable* table = m_ctx->data->table(tableId);
    QList<qint64> ids;
    if (!table || rows.isEmpty())
        return ids;
    QList<RowOrder> orders;
    if (beforeRowId > 0 && table->rows.contains(beforeRowId)) {
        orderBefore(tableId, beforeRowId, 0, int(rows.size()), &orders);
        table = m_ctx->data->table(tableId);
    } else {
        beforeRowId = 0;
        qint64 maxOrder = 0;
        for (const SimRow& r : table->rows)
            maxOrder = qMax(maxOrder, r.order.floorInt());
        for (qsizetype i = 0; i < rows.size(); ++i)
            orders.append(RowOrder::fromInt(maxOrder + 1 + i));
    }
    QList<const SimRow*> created;
    for (qsizetype i = 0; i < rows.size(); ++i) {
        SimRow row;
        row.id = table->nextRowId++;
        row.order = orders.value(i);
        for (const SimField& f : table->fields)
            row.cells.insert(f.id, rows.at(i).contains(f.id) ? rows.at(i).value(f.id) : defaultValue(f));
        for (const SimField& f : table->fields)
            mirrorLinks(*table, f, row.id, PyArray {}, row.cells.value(f.id));
        ids.append(row.id);
        table->rows.insert(row.id, row);
    }
    m_ctx->data->invalidateOrder(tableId);
    for (qint64 id : ids)
        created.append(&*table->rows.constFind(id));

    const bool listeners = m_ctx->hub->hasTableSubscribers(tableId);
    if (listeners) {
        PyArray images;
        for (const SimRow* r : created)
            images.append(m_ctx->serializer->row(*table, *r));
        PyObject msg {{L("type"), L("rows_created")}, {L("table_id"), tableId}, {L("rows"), images},
            {L("metadata"), metadataFor(tableId, ids)},
            {L("before_row_id"), beforeRowId > 0 ? PyValue(beforeRowId) : PyValue()}};
        m_ctx->hub->toTable(tableId, msg, actor.webSocketId);
    }
    sendPublicRows(*table, "rows_created", ids, nullptr, created);
    return ids;
}

void SimOperations::updateRows(const Actor& actor, int tableId,
    const QList<std::pair<qint64, CellValues>>& changes, const QList<int>& fieldIds)
{
    SimTable* table = m_ctx->data->table(tableId);
    if (!table || changes.isEmpty())
        return;
    QList<qint64> ids;
    for (const auto& change : changes) {
        if (table->rows.contains(change.first) && !ids.contains(change.first))
            ids.append(change.first);
    }
    ids = sortedSubset(tableId, ids);
    const bool listeners = m_ctx->hub->hasTableSubscribers(tableId);
    const bool history = m_ctx->hasMessageType(u"row_history_updated");
    QList<PyObject> before;
    for (qint64 id : ids)
        before.append(m_ctx->serializer->row(*table, table->rows.value(id)));

    for (const auto& [rowId, cells] : changes) {
        auto it = table->rows.find(rowId);
        if (it == table->rows.end())
            continue;
        for (auto c = cells.cbegin(); c != cells.cend(); ++c) {
            const SimField* f = table->field(c.key());
            if (!f)
                continue;
            mirrorLinks(*table, *f, rowId, it->cells.value(c.key()), c.value());
            it->cells.insert(c.key(), c.value());
        }
    }

    QList<int> touched;
    for (const SimField& f : table->fields) {
        if (fieldIds.contains(f.id))
            touched.append(f.id);
    }
    QList<const SimRow*> after;
    PyArray afterImages;
    PyArray beforeImages;
    for (qsizetype i = 0; i < ids.size(); ++i) {
        const SimRow* row = &*table->rows.constFind(ids.at(i));
        after.append(row);
        beforeImages.append(before.at(i));
        if (listeners)
            afterImages.append(m_ctx->serializer->row(*table, *row));
    }
    if (listeners) {
        PyObject msg {{L("type"), L("rows_updated")}, {L("table_id"), tableId},
            {L("rows_before_update"), beforeImages}, {L("rows"), afterImages},
            {L("metadata"), metadataFor(tableId, ids)}};
        if (m_ctx->version.hasUpdatedFieldIds()) {
            PyArray touchedIds;
            for (int id : touched)
                touchedIds.append(id);
            msg.insert(L("updated_field_ids"), touchedIds);
        }
        m_ctx->hub->toTable(tableId, msg, actor.webSocketId);
    }
    sendPublicRows(*table, "rows_updated", ids, &before, after);

    if (!history)
        return;
    // Row history (1.21+): one entry per row with changed values, to row page subscribers.
    const SimUser actorUser = m_ctx->data->users.value(actor.userId);
    for (qsizetype i = 0; i < ids.size(); ++i) {
        const qint64 rowId = ids.at(i);
        if (!m_ctx->hub->hasRowSubscribers(tableId, rowId))
            continue;
        const SimRow* row = after.at(i);
        PyObject b, a, meta;
        for (int fieldId : std::as_const(touched)) {
            const SimField* f = table->field(fieldId);
            const QString key = Serializer::fieldKey(fieldId);
            const PyValue oldValue = before.at(i).value(key);
            const PyValue newValue = m_ctx->serializer->cell(*table, *f, *row);
            if (oldValue.pyEquals(newValue))
                continue;
            b.appendNew(key, oldValue);
            a.appendNew(key, newValue);
            meta.appendNew(key, PyObject {{L("id"), fieldId}, {L("type"), f->type}});
        }
        if (a.isEmpty())
            continue;
        PyObject entry {{L("id"), m_ctx->data->nextRowHistoryId++}, {L("action_type"), L("update_rows")},
            {L("action_command_type"), L("DO")},
            {L("user"), PyObject {{L("id"), actorUser.id}, {L("name"), actorUser.firstName}}},
            {L("timestamp"), m_ctx->nowIso()}, {L("before"), b}, {L("after"), a},
            {L("fields_metadata"), meta}};
        m_ctx->hub->toRow(tableId, rowId,
            PyObject {{L("type"), L("row_history_updated")}, {L("row_history_entry"), entry},
                {L("table_id"), tableId}, {L("row_id"), rowId}});
    }
}

void SimOperations::deleteRows(const Actor& actor, int tableId, const QList<qint64>& rowIds)
{
    SimTable* table = m_ctx->data->table(tableId);
    if (!table)
        return;
    QList<qint64> ids;
    for (qint64 id : rowIds) {
        if (table->rows.contains(id) && !ids.contains(id))
            ids.append(id);
    }
    if (ids.isEmpty())
        return;
    ids = sortedSubset(tableId, ids);
    QList<SimRow> removed;
    PyArray images;
    PyArray idList;
    for (qint64 id : ids) {
        const SimRow row = table->rows.value(id);
        images.append(m_ctx->serializer->row(*table, row));
        idList.append(PyValue(id));
        removed.append(row);
    }
    for (const SimRow& row : removed) {
        for (const SimField& f : table->fields)
            mirrorLinks(*table, f, row.id, row.cells.value(f.id), PyArray {});
        table->rows.remove(row.id);
        m_ctx->data->rowCommentCounts.remove(SimData::rowKey(tableId, row.id));
    }
    m_ctx->data->invalidateOrder(tableId);
    m_ctx->hub->toTable(tableId,
        PyObject {{L("type"), L("rows_deleted")}, {L("table_id"), tableId}, {L("row_ids"), idList},
            {L("rows"), images}},
        actor.webSocketId);
    QList<const SimRow*> pointers;
    for (const SimRow& row : removed)
        pointers.append(&row);
    sendPublicRows(*table, "rows_deleted", ids, nullptr, pointers);
}

void SimOperations::moveRow(const Actor& actor, int tableId, qint64 rowId, qint64 beforeRowId)
{
    SimTable* table = m_ctx->data->table(tableId);
    if (!table || !table->rows.contains(rowId))
        return;
    const PyObject before = m_ctx->serializer->row(*table, table->rows.value(rowId));
    RowOrder order;
    if (beforeRowId > 0 && beforeRowId != rowId && table->rows.contains(beforeRowId)) {
        QList<RowOrder> orders;
        order = orderBefore(tableId, beforeRowId, rowId, 1, &orders);
        table = m_ctx->data->table(tableId);
    } else {
        qint64 maxOrder = 0;
        for (const SimRow& r : table->rows) {
            if (r.id != rowId)
                maxOrder = qMax(maxOrder, r.order.floorInt());
        }
        order = RowOrder::fromInt(maxOrder + 1);
    }
    table->rows[rowId].order = order;
    m_ctx->data->invalidateOrder(tableId);
    const SimRow* row = &*table->rows.constFind(rowId);
    PyObject msg {{L("type"), L("rows_updated")}, {L("table_id"), tableId},
        {L("rows_before_update"), PyArray {before}},
        {L("rows"), PyArray {m_ctx->serializer->row(*table, *row)}},
        {L("metadata"), metadataFor(tableId, {rowId})}};
    if (m_ctx->version.hasUpdatedFieldIds())
        msg.insert(L("updated_field_ids"), PyArray {});
    m_ctx->hub->toTable(tableId, msg, actor.webSocketId);
    const QList<PyObject> beforeList {before};
    sendPublicRows(*table, "rows_updated", {rowId}, &beforeList, {row});
}

void SimOperations::sendFieldToPublicViews(const SimTable& table, const PyObject& message)
{
    for (int viewId : table.viewIds) {
        const SimView* view = m_ctx->data->view(viewId);
        if (view && view->isPublic && m_ctx->hub->hasViewSubscribers(view->slug))
            m_ctx->hub->toPublicView(view->slug, message);
    }
}

int SimOperations::createField(const Actor& actor, int tableId, const SimField& input)
{
    SimTable* table = m_ctx->data->table(tableId);
    if (!table)
        return 0;
    SimField field = input;
    field.id = m_ctx->data->nextFieldId++;
    field.tableId = tableId;
    field.primary = false;
    int maxOrder = 0;
    for (const SimField& f : table->fields)
        maxOrder = qMax(maxOrder, f.order);
    field.order = maxOrder + 1;
    for (SimSelectOption& o : field.selectOptions)
        o.id = m_ctx->data->nextSelectOptionId++;
    table->fields.append(field);
    for (SimRow& row : table->rows)
        row.cells.insert(field.id, defaultValue(field));
    m_ctx->hub->toTable(tableId,
        PyObject {{L("type"), L("field_created")}, {L("field"), m_ctx->serializer->field(*table, field)},
            {L("related_fields"), PyArray {}}},
        actor.webSocketId);
    sendFieldToPublicViews(*table,
        PyObject {{L("type"), L("field_created")}, {L("field"), m_ctx->serializer->publicField(field)},
            {L("related_fields"), PyArray {}}});
    return field.id;
}

void SimOperations::updateField(const Actor& actor, int fieldId, const QString& name)
{
    SimTable* table = nullptr;
    SimField* field = m_ctx->data->findField(fieldId, &table);
    if (!field)
        return;
    field->name = name;
    m_ctx->hub->toTable(table->id,
        PyObject {{L("type"), L("field_updated")}, {L("field_id"), fieldId},
            {L("field"), m_ctx->serializer->field(*table, *field)}, {L("related_fields"), PyArray {}}},
        actor.webSocketId);
    sendFieldToPublicViews(*table,
        PyObject {{L("type"), L("field_updated")}, {L("field_id"), fieldId},
            {L("field"), m_ctx->serializer->publicField(*field)}, {L("related_fields"), PyArray {}}});
}

void SimOperations::deleteField(const Actor& actor, int fieldId)
{
    SimTable* table = nullptr;
    SimField* field = m_ctx->data->findField(fieldId, &table);
    if (!field || field->primary)
        return;
    const int related = field->type == QLatin1String("link_row") ? field->linkRelatedFieldId : 0;
    for (qsizetype i = 0; i < table->fields.size(); ++i) {
        if (table->fields.at(i).id == fieldId) {
            table->fields.removeAt(i);
            break;
        }
    }
    for (SimRow& row : table->rows)
        row.cells.remove(fieldId);
    for (int viewId : table->viewIds) {
        SimView* view = m_ctx->data->view(viewId);
        view->fieldOptions.remove(fieldId);
        view->filters.removeIf([fieldId](const SimViewFilter& f) { return f.fieldId == fieldId; });
    }
    m_ctx->hub->toTable(table->id,
        PyObject {{L("type"), L("field_deleted")}, {L("table_id"), table->id}, {L("field_id"), fieldId},
            {L("related_fields"), PyArray {}}},
        actor.webSocketId);
    sendFieldToPublicViews(*table,
        PyObject {{L("type"), L("field_deleted")}, {L("table_id"), 0}, {L("field_id"), fieldId},
            {L("related_fields"), PyArray {}}});
    if (related)
        deleteField(actor, related); // a two-way link goes as a pair
}

void SimOperations::renameTable(const Actor& actor, int tableId, const QString& name)
{
    SimTable* table = m_ctx->data->table(tableId);
    if (!table)
        return;
    table->name = name;
    m_ctx->hub->toWorkspace(m_ctx->data->workspaceOfTable(tableId),
        PyObject {{L("type"), L("table_updated")}, {L("table_id"), tableId},
            {L("table"), m_ctx->serializer->table(*table)}, {L("force_table_refresh"), false}},
        actor.webSocketId);
}

void SimOperations::renameApplication(const Actor& actor, int applicationId, const QString& name)
{
    auto it = m_ctx->data->applications.find(applicationId);
    if (it == m_ctx->data->applications.end())
        return;
    it->name = name;
    m_ctx->hub->toWorkspace(it->workspaceId,
        PyObject {{L("type"), L("application_updated")}, {L("application_id"), applicationId},
            {L("application"), m_ctx->serializer->application(*it)}},
        actor.webSocketId);
}

void SimOperations::publicViewChanged(const SimView& view, bool rowsOnly)
{
    if (!view.isPublic || !m_ctx->hub->hasViewSubscribers(view.slug))
        return;
    if (rowsOnly) {
        m_ctx->hub->toPublicView(
            view.slug, PyObject {{L("type"), L("force_view_rows_refresh")}, {L("view_id"), view.slug}});
        return;
    }
    const SimTable* table = m_ctx->data->table(view.tableId);
    PyArray fields;
    if (table) {
        for (const SimField& f : table->fields) {
            if (!view.fieldOptions.value(f.id).hidden)
                fields.append(m_ctx->serializer->publicField(f));
        }
    }
    PyObject info {{L("id"), view.slug}, {L("name"), view.name}, {L("order"), view.order},
        {L("type"), L("grid")}, {L("public"), view.isPublic}, {L("slug"), view.slug},
        {L("sortings"), PyArray {}}, {L("show_logo"), true}};
    m_ctx->hub->toPublicView(view.slug,
        PyObject {{L("type"), L("force_view_refresh")}, {L("view_id"), view.slug}, {L("view"), info},
            {L("fields"), fields}});
}

void SimOperations::updateView(const Actor& actor, int viewId, const std::optional<QString>& name,
    const std::optional<QString>& filterType, const std::optional<bool>& filtersDisabled)
{
    SimView* view = m_ctx->data->view(viewId);
    if (!view)
        return;
    if (name)
        view->name = *name;
    if (filterType)
        view->filterType = *filterType;
    if (filtersDisabled)
        view->filtersDisabled = *filtersDisabled;
    m_ctx->hub->toTable(view->tableId,
        PyObject {{L("type"), L("view_updated")}, {L("view_id"), viewId},
            {L("view"), m_ctx->serializer->view(*view, false)}},
        actor.webSocketId);
    publicViewChanged(*view, false);
}

void SimOperations::updateFieldOptions(
    const Actor& actor, int viewId, const QMap<int, SimFieldOptions>& options)
{
    SimView* view = m_ctx->data->view(viewId);
    if (!view)
        return;
    for (auto it = options.cbegin(); it != options.cend(); ++it)
        view->fieldOptions.insert(it.key(), it.value());
    const bool modern = m_ctx->hasMessageType(u"view_field_options_updated");
    PyObject msg = modern
        ? PyObject {{L("type"), L("view_field_options_updated")}, {L("view_id"), viewId},
            {L("field_options"), m_ctx->serializer->fieldOptions(*view)}}
        : PyObject {{L("type"), L("grid_view_field_options_updated")}, {L("grid_view_id"), viewId},
            {L("grid_view_field_options"), m_ctx->serializer->fieldOptions(*view)}};
    m_ctx->hub->toTable(view->tableId, msg, actor.webSocketId);
    publicViewChanged(*view, false);
}

int SimOperations::createViewFilter(
    const Actor& actor, int viewId, int fieldId, const QString& type, const QString& value)
{
    SimView* view = m_ctx->data->view(viewId);
    if (!view)
        return 0;
    SimViewFilter filter {m_ctx->data->nextViewFilterId++, viewId, fieldId, type, value};
    view->filters.append(filter);
    m_ctx->hub->toTable(view->tableId,
        PyObject {
            {L("type"), L("view_filter_created")}, {L("view_filter"), m_ctx->serializer->viewFilter(filter)}},
        actor.webSocketId);
    publicViewChanged(*view, true);
    return filter.id;
}

void SimOperations::deleteViewFilter(const Actor& actor, int filterId)
{
    for (SimView& view : m_ctx->data->views) {
        for (qsizetype i = 0; i < view.filters.size(); ++i) {
            if (view.filters.at(i).id != filterId)
                continue;
            view.filters.removeAt(i);
            m_ctx->hub->toTable(view.tableId,
                PyObject {{L("type"), L("view_filter_deleted")}, {L("view_id"), view.id},
                    {L("view_filter_id"), filterId}},
                actor.webSocketId);
            publicViewChanged(view, true);
            return;
        }
    }
}

int SimOperations::createRowComment(const Actor& actor, int tableId, qint64 rowId, const QString& text)
{
    const SimUser user = m_ctx->data->users.value(actor.userId);
    const int id = m_ctx->data->nextRowCommentId++;
    ++m_ctx->data->rowCommentCounts[SimData::rowKey(tableId, rowId)];
    const QString now = m_ctx->nowIso();
    PyObject message {{L("type"), L("doc")},
        {L("content"),
            PyArray {PyObject {{L("type"), L("paragraph")},
                {L("content"), PyArray {PyObject {{L("type"), L("text")}, {L("text"), text}}}}}}}};
    PyObject comment {{L("id"), id}, {L("user_id"), user.id}, {L("first_name"), user.firstName},
        {L("table_id"), tableId}, {L("row_id"), rowId}, {L("message"), message}, {L("created_on"), now},
        {L("updated_on"), now}, {L("edited"), false}, {L("trashed"), false}};
    m_ctx->hub->toTable(tableId,
        PyObject {{L("type"), L("row_comment_created")}, {L("row_comment"), comment}}, actor.webSocketId);
    return id;
}

PyObject SimOperations::workspaceUserMessage(
    const char* type, const SimWorkspace& ws, const SimWorkspaceUser& member) const
{
    PyObject msg {{L("type"), L(type)}, {L("id"), member.id}};
    const PyObject body = m_ctx->serializer->workspaceUser(ws, member);
    if (m_ctx->version.hasGroupKeys())
        msg.insert(L("group_id"), ws.id);
    if (m_ctx->version.hasWorkspaceKeys())
        msg.insert(L("workspace_id"), ws.id);
    if (m_ctx->version.hasGroupKeys())
        msg.insert(L("group_user"), body);
    if (m_ctx->version.hasWorkspaceKeys())
        msg.insert(L("workspace_user"), body);
    return msg;
}

void SimOperations::removeWorkspaceUser(const Actor& actor, int workspaceId, int workspaceUserId)
{
    auto ws = m_ctx->data->workspaces.find(workspaceId);
    if (ws == m_ctx->data->workspaces.end())
        return;
    for (qsizetype i = 0; i < ws->members.size(); ++i) {
        const SimWorkspaceUser member = ws->members.at(i);
        if (member.id != workspaceUserId)
            continue;
        const PyObject msg = workspaceUserMessage("group_user_deleted", *ws, member);
        ws->members.removeAt(i);
        // W and the removed user.
        m_ctx->hub->toWorkspace(workspaceId, msg, actor.webSocketId, {member.userId});
        if (m_ctx->versionCode() >= 11303)
            m_ctx->hub->discardWorkspacePages(member.userId, workspaceId);
        return;
    }
}

void SimOperations::addWorkspaceUser(
    const Actor& actor, int workspaceId, int userId, const QString& permissions)
{
    auto ws = m_ctx->data->workspaces.find(workspaceId);
    if (ws == m_ctx->data->workspaces.end() || !m_ctx->data->users.contains(userId)
        || m_ctx->data->isMember(userId, workspaceId))
        return;
    SimWorkspaceUser member {m_ctx->data->nextWorkspaceUserId++, userId, permissions, m_ctx->nowIso()};
    ws->members.append(member);
    m_ctx->hub->toWorkspace(
        workspaceId, workspaceUserMessage("group_user_added", *ws, member), actor.webSocketId);
}

void SimOperations::changePassword(const Actor& actor, const QString& newPassword)
{
    SimUser* user = m_ctx->data->user(actor.userId);
    if (!user)
        return;
    user->password = newPassword;
    if (m_ctx->version.hasTokenBlacklist()) {
        // 1.21+: earlier tokens die and the user's other sockets are told to go.
        user->passwordChangedSecs = m_ctx->nowSecs();
        m_ctx->hub->forceDisconnectUser(user->id, actor.webSocketId);
    }
}

} // namespace bmon::sim
