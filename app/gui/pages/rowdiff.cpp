// SPDX-License-Identifier: MIT
#include "rowdiff.h"

#include "core/directory.h"
#include "jsontree.h"

#include <QHash>
#include <QSet>

namespace bmon {

namespace {

quint32 fieldIdOf(const QString& key)
{
    if (!key.startsWith(QLatin1String("field_")))
        return 0;
    bool ok = false;
    const uint id = QStringView(key).mid(6).toUInt(&ok);
    return ok ? id : 0;
}

qint64 rowIdOf(const JsonTree& tree, int row)
{
    const int id = tree.member(row, u"id");
    if (id < 0)
        return -1;
    bool ok = false;
    const qint64 v = tree.node(id).value.toLongLong(&ok);
    return ok ? v : -1;
}

} // namespace

QList<RowDiff> RowDiff::fromRowsUpdated(const JsonTree& tree, const Directory* directory, quint32 tableId)
{
    QList<RowDiff> out;
    if (tree.isEmpty())
        return out;
    // rows_updated (1.10+) carries arrays; the legacy row_updated single objects.
    const int type = tree.member(JsonTree::Root, u"type");
    const QString typeName = type >= 0 ? tree.node(type).value : QString();
    QList<int> afterRows;
    QHash<qint64, int> before;
    if (typeName == QLatin1String("rows_updated")) {
        const int rows = tree.member(JsonTree::Root, u"rows");
        if (rows < 0 || tree.node(rows).kind != JsonTree::Kind::Array)
            return out;
        afterRows = tree.node(rows).children;
        const int beforeRows = tree.member(JsonTree::Root, u"rows_before_update");
        if (beforeRows >= 0 && tree.node(beforeRows).kind == JsonTree::Kind::Array) {
            for (int row : tree.node(beforeRows).children)
                before.insert(rowIdOf(tree, row), row);
        }
    } else if (typeName == QLatin1String("row_updated")) {
        const int row = tree.member(JsonTree::Root, u"row");
        if (row < 0 || tree.node(row).kind != JsonTree::Kind::Object)
            return out;
        afterRows.append(row);
        const int old = tree.member(JsonTree::Root, u"row_before_update");
        if (old >= 0 && tree.node(old).kind == JsonTree::Kind::Object)
            before.insert(rowIdOf(tree, old), old);
    } else {
        return out;
    }
    QSet<quint32> touched;
    const int updatedIds = tree.member(JsonTree::Root, u"updated_field_ids");
    if (updatedIds >= 0) {
        for (int id : tree.node(updatedIds).children)
            touched.insert(tree.node(id).value.toUInt());
    }
    QList<DirField> fields;
    if (directory && tableId)
        fields = directory->fields(tableId);

    for (int row : std::as_const(afterRows)) {
        if (tree.node(row).kind != JsonTree::Kind::Object)
            continue;
        RowDiff diff;
        diff.rowId = rowIdOf(tree, row);
        const int old = before.value(diff.rowId, -1);

        // Keys in display order: the table's fields first (as Baserow orders them), then the rest
        // in the order received.
        QStringList keys;
        for (const DirField& f : std::as_const(fields)) {
            const QString key = QStringLiteral("field_%1").arg(f.id);
            if (tree.member(row, key) >= 0 || (old >= 0 && tree.member(old, key) >= 0))
                keys.append(key);
        }
        auto addKeys = [&](int obj) {
            if (obj < 0)
                return;
            for (int child : tree.node(obj).children) {
                const QString& key = tree.node(child).key;
                if (key != QLatin1String("id") && !keys.contains(key))
                    keys.append(key);
            }
        };
        addKeys(row);
        addKeys(old);

        for (const QString& key : std::as_const(keys)) {
            Cell cell;
            cell.key = key;
            cell.fieldId = fieldIdOf(key);
            cell.name = key;
            if (cell.fieldId && directory) {
                const QString name = directory->fieldName(cell.fieldId);
                if (!name.isEmpty())
                    cell.name = name;
            }
            const int a = old >= 0 ? tree.member(old, key) : -1;
            const int b = tree.member(row, key);
            cell.hasBefore = a >= 0;
            cell.hasAfter = b >= 0;
            cell.before = tree.displayValue(a);
            cell.after = tree.displayValue(b);
            // Compared as JSON text, so 1 vs "1" or a changed select colour count as changes.
            cell.changed = cell.hasBefore && cell.hasAfter && tree.text(a) != tree.text(b);
            cell.touched = cell.fieldId && touched.contains(cell.fieldId);
            if (cell.changed)
                ++diff.changedCount;
            diff.cells.append(cell);
        }
        out.append(diff);
    }
    return out;
}

} // namespace bmon
