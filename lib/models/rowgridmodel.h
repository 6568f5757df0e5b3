// SPDX-License-Identifier: MIT
#pragma once

#include "core/directory.h"
#include "core/eventrecord.h"

#include <QAbstractTableModel>
#include <QJsonObject>
#include <QMap>

namespace bmon {

/*!
 * One table's rows as a grid (a column per field, in field order; rows in Baserow's order:
 * `order`, then id), loaded from a REST snapshot and kept live by applying that table's
 * rows_created / rows_updated / rows_deleted events (by row id, key by key: partial rows since
 * 1.35.2). Cells changed by an event are highlighted for highlightMs (Qt::BackgroundRole via
 * ChangedRole), fading with a timer. Display formats per field type: select → its value, link
 * rows and multiple selects → joined values, boolean → ✓ or empty, null → empty.
 */
class RowGridModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Role { ChangedRole = Qt::UserRole + 1, RowIdRole, RawValueRole };

    explicit RowGridModel(QObject* parent = nullptr);

    void setTable(quint32 tableId, const QList<DirField>& fields);
    //! Replaces the rows (REST snapshot: row objects with id, order, field_<id>).
    void setRows(const QList<QJsonObject>& rows);
    //! Applies a stored event if it is a row event of this table; true when it changed the grid.
    bool applyEvent(const EventRecord& rec, QByteArrayView payload);
    void setHighlightMs(int ms);
    quint32 tableId() const;
    int rowOfId(qint64 rowId) const; //!< -1 when absent

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
};

} // namespace bmon
