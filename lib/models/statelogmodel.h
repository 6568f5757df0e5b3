// SPDX-License-Identifier: MIT
#pragma once

#include <QAbstractTableModel>
#include <QList>

namespace bmon {

/*!
 * The connection's state changes, newest last, bounded (oldest dropped past maxEntries).
 * Columns: time, state, reason, time spent in the previous state.
 */
class StateLogModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        TimeColumn,
        StateColumn,
        ReasonColumn,
        DurationColumn,
        ColumnCount
    };

    explicit StateLogModel(int maxEntries = 1000, QObject* parent = nullptr);
    void append(qint64 epochUs, const QString& state, const QString& reason);
    void setUtcTimes(bool utc);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void clear();
    int maxEntries() const { return m_max; }

private:
    struct Entry
    {
        qint64 epochUs = 0;
        QString state;
        QString reason;
    };

    QList<Entry> m_entries;
    qint64 m_droppedUs = -1; //!< time of the newest dropped entry (the first row's predecessor)
    int m_max;
    bool m_utc = false;
};

} // namespace bmon
