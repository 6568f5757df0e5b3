// SPDX-License-Identifier: MIT
#pragma once

#include "core/directory.h"
#include "core/eventrecord.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QJsonObject>
#include <QMap>
#include <QSet>

#include <vector>

namespace bmon {

class Clock;

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
    enum Role
    {
        ChangedRole = Qt::UserRole + 1,
        RowIdRole,
        RawValueRole
    };

    explicit RowGridModel(QObject* parent = nullptr);

    void setTable(quint32 tableId, const QList<DirField>& fields);
    //! Replaces the rows (REST snapshot: row objects with id, order, field_<id>).
    void setRows(const QList<QJsonObject>& rows);
    //! Applies a stored event if it is a row event of this table; true when it changed the grid.
    bool applyEvent(const EventRecord& rec, QByteArrayView payload);
    void setHighlightMs(int ms);
    int highlightMs() const { return m_highlightMs; }
    //! Time source for highlights and their fading (tests); nullptr = the system clock.
    void setClock(Clock* clock);
    quint32 tableId() const;
    QList<DirField> fields() const { return m_fields; }
    int rowOfId(qint64 rowId) const; //!< -1 when absent

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Row
    {
        qint64 id = 0;
        QString order; //!< Baserow's decimal string, compared as a number
        QJsonObject values; //!< field_<id> → value
        QHash<int, qint64> changedAtMs; //!< column → wall-clock ms of the change, while highlighted
    };

    static bool rowLess(const Row& a, const Row& b);
    int insertPosition(const Row& row) const;
    bool createRows(const QJsonArray& rows, const QJsonValue& beforeRowId);
    bool updateRow(const QJsonObject& values);
    bool deleteRow(qint64 rowId);
    void highlight(Row& row, int column, qint64 nowMs);
    void scheduleFade();
    void fade();
    qint64 nowMs() const;
    void reindex() const;

    quint32 m_tableId = 0;
    QList<DirField> m_fields;
    QHash<QString, int> m_columnOfKey; //!< "field_101" → column
    std::vector<Row> m_rows;
    mutable QHash<qint64, int> m_rowOfId;
    mutable bool m_indexDirty = true;
    QSet<qint64> m_highlighted; //!< ids of rows with highlighted cells
    int m_highlightMs = 2000;
    Clock* m_clock = nullptr;
    quint64 m_fadeTimer = 0;
};

} // namespace bmon
