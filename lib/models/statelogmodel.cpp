// SPDX-License-Identifier: MIT
#include "models/statelogmodel.h"

#include "core/eventformat.h"

namespace bmon {

namespace {

QString durationText(qint64 us)
{
    const qint64 ms = us / 1000;
    if (ms < 1000)
        return StateLogModel::tr("%1 ms").arg(ms);
    if (ms < 60 * 1000)
        return StateLogModel::tr("%1 s").arg(double(ms) / 1000.0, 0, 'f', 1);
    const qint64 s = ms / 1000;
    if (s < 3600)
        return StateLogModel::tr("%1 min %2 s").arg(s / 60).arg(s % 60);
    return StateLogModel::tr("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60);
}

} // namespace

StateLogModel::StateLogModel(int maxEntries, QObject* parent)
    : QAbstractTableModel(parent), m_max(qMax(1, maxEntries))
{ }

void StateLogModel::append(qint64 epochUs, const QString& state, const QString& reason)
{
    if (m_entries.size() >= m_max) {
        const int drop = int(m_entries.size()) - m_max + 1;
        beginRemoveRows({}, 0, drop - 1);
        m_droppedUs = m_entries.at(drop - 1).epochUs;
        m_entries.remove(0, drop);
        endRemoveRows();
        // The new first row's duration now has a predecessor it did not show before.
        if (!m_entries.isEmpty())
            emit dataChanged(index(0, DurationColumn), index(0, DurationColumn), {Qt::DisplayRole});
    }
    const int row = int(m_entries.size());
    beginInsertRows({}, row, row);
    m_entries.append(Entry {epochUs, state, reason});
    endInsertRows();
}

void StateLogModel::clear()
{
    if (m_entries.isEmpty())
        return;
    beginResetModel();
    m_entries.clear();
    m_droppedUs = -1;
    endResetModel();
}

void StateLogModel::setUtcTimes(bool utc)
{
    if (m_utc == utc)
        return;
    m_utc = utc;
    if (!m_entries.isEmpty())
        emit dataChanged(
            index(0, TimeColumn), index(int(m_entries.size()) - 1, TimeColumn), {Qt::DisplayRole});
}

int StateLogModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int StateLogModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant StateLogModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_entries.size())
        return {};
    const Entry& e = m_entries.at(index.row());
    if (role == Qt::DisplayRole || role == Qt::ToolTipRole) {
        switch (index.column()) {
        case TimeColumn:
            return EventFormat::clockTime(e.epochUs, m_utc);
        case StateColumn:
            return e.state;
        case ReasonColumn:
            return e.reason;
        case DurationColumn: {
            const qint64 previous = index.row() > 0 ? m_entries.at(index.row() - 1).epochUs : m_droppedUs;
            return previous < 0 ? QString() : durationText(qMax<qint64>(0, e.epochUs - previous));
        }
        }
    }
    if (role == Qt::UserRole && index.column() == TimeColumn)
        return e.epochUs;
    if (role == Qt::TextAlignmentRole && index.column() == DurationColumn)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant StateLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case TimeColumn:
        return tr("Time");
    case StateColumn:
        return tr("State");
    case ReasonColumn:
        return tr("Reason");
    case DurationColumn:
        return tr("Time in previous state");
    }
    return {};
}

} // namespace bmon
