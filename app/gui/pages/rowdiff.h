// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QString>

namespace bmon {

class Directory;
class JsonTree;

/*!
 * The before/after comparison of one row of a rows_updated message, field by field, with the
 * field names from the Directory ("field_102" while the table's fields are not loaded). Since
 * 1.35.2 rows may be partial: a key missing on one side is shown as absent, not as empty.
 */
struct RowDiff
{
    struct Cell
    {
        QString key; //!< "field_102", "order", …
        quint32 fieldId = 0; //!< 0 for keys that are not fields
        QString name; //!< "Seats", or the key
        QString before; //!< display text (JsonTree::displayValue)
        QString after;
        bool hasBefore = false;
        bool hasAfter = false;
        bool changed = false;
        //! Listed in updated_field_ids (1.30+): written, even when the value stayed the same.
        bool touched = false;
    };

    qint64 rowId = 0;
    QList<Cell> cells; //!< field order when the fields are known, then the remaining keys
    int changedCount = 0;

    //! One entry per row of `rows`, matched with `rows_before_update` by id (legacy row_updated:
    //! `row` and `row_before_update`). Empty for other payloads. \a directory may be null.
    static QList<RowDiff> fromRowsUpdated(const JsonTree& tree, const Directory* directory, quint32 tableId);
};

} // namespace bmon
