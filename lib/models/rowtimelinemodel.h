// SPDX-License-Identifier: MIT
#pragma once

#include "core/compare/finding.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>

namespace bmon {

/*!
 * One row's life as the monitor saw it (TableMirror::timeline): every snapshot, event, REST
 * write, re-fetch and finding that touched the row, oldest first. Columns: time, what, seq and
 * the values — what changed since the previous step ("Seats: 12 → 999"), the whole row for the
 * first one; the tooltip has every value. Finding steps are coloured like their kind.
 */
class RowTimelineModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        TimeColumn,
        WhatColumn,
        SeqColumn,
        ValuesColumn,
        ColumnCount
    };

    enum Role
    {
        TimeUsRole = Qt::UserRole + 1, //!< qint64
        KindRole, //!< int(TimelineEntry::Kind)
        ValuesRole, //!< QJsonObject, invalid when the row is absent at this step
    };

    explicit RowTimelineModel(QObject* parent = nullptr);

    /*!
     * Shows \a entries of row \a rowId. The same row's timeline grown at its end only inserts
     * the new steps (the view keeps its place); anything else resets the model.
     */
    void setTimeline(qint64 rowId, const QList<TimelineEntry>& entries);
    void clear();
    qint64 rowId() const { return m_rowId; } //!< 0 = none
    const TimelineEntry& entry(int row) const { return m_entries.at(row); }
    void setFieldNames(const QHash<QString, QString>& keyToName);
    void setUtcTimes(bool utc);

    //! A cell value for people: strings as they are, everything else as compact JSON.
    static QString valueText(const QJsonValue& value);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QString nameOf(const QString& key) const;
    QString valuesSummary(int row) const;
    QString valuesTooltip(int row) const;

    qint64 m_rowId = 0;
    QList<TimelineEntry> m_entries;
    QHash<QString, QString> m_fieldNames;
    bool m_utc = false;
};

} // namespace bmon
