// SPDX-License-Identifier: MIT
#include "models/eventlistmodel.h"

#include "core/classifier.h"
#include "core/eventformat.h"
#include "core/eventstore.h"
#include "core/messagetypes.h"

#include <QLocale>

namespace bmon {

EventListModel::EventListModel(QObject* parent) : QAbstractTableModel(parent)
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(50);
    connect(&m_timer, &QTimer::timeout, this, &EventListModel::flush);
}

void EventListModel::setStore(const EventStore* store)
{
    beginResetModel();
    m_store = store;
    m_rows = 0;
    m_summaries.clear();
    endResetModel();
    flush();
}

void EventListModel::setDirectory(const Directory* directory) { m_directory = directory; }

void EventListModel::setUtcTimes(bool utc)
{
    if (m_utc == utc)
        return;
    m_utc = utc;
    if (m_rows > 0)
        emit dataChanged(index(0, TimeColumn), index(m_rows - 1, TimeColumn), {Qt::DisplayRole});
}

void EventListModel::notifyAppended()
{
    if (!m_timer.isActive())
        m_timer.start();
}

void EventListModel::flush()
{
    if (!m_store)
        return;
    // A view cannot show more than INT_MAX rows; the store may hold more.
    const int published = int(qMin<quint64>(m_store->count(), quint64(std::numeric_limits<int>::max())));
    if (published <= m_rows)
        return;
    const int first = m_rows;
    beginInsertRows({}, first, published - 1);
    m_rows = published;
    endInsertRows();
    emit rowsAppended(first, published - 1);
}

int EventListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : m_rows;
}

int EventListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString EventListModel::summary(quint64 index) const
{
    if (const QString* cached = m_summaries.object(index))
        return *cached;
    const EventRecord& rec = m_store->at(index);
    auto* text = new QString(EventFormat::detailText(rec, m_store->payload(rec)));
    const QString result = *text;
    m_summaries.insert(index, text);
    return result;
}

QVariant EventListModel::data(const QModelIndex& index, int role) const
{
    if (!m_store || !index.isValid() || index.row() >= m_rows)
        return {};
    const auto row = quint64(index.row());
    const EventRecord& rec = m_store->at(row);
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case TimeColumn:
            return EventFormat::clockTime(rec.receivedUs, m_utc);
        case DirectionColumn:
            return rec.direction() == Direction::Sent ? QStringLiteral("↑") : QStringLiteral("↓");
        case TypeColumn:
            return EventFormat::typeName(rec);
        case CategoryColumn:
            return categoryName(rec.category);
        case WorkspaceColumn:
            return rec.workspaceId ? tr("ws %1").arg(rec.workspaceId) : QString();
        case DatabaseColumn:
            return rec.applicationId ? tr("db %1").arg(rec.applicationId) : QString();
        case TableColumn:
            return rec.tableId ? tr("table %1").arg(rec.tableId) : QString();
        case ActorColumn:
            return QString();
        case SummaryColumn:
            return summary(row);
        case SizeColumn:
            return QLocale().formattedDataSize(
                qint64(rec.originalSize()), 1, QLocale::DataSizeTraditionalFormat);
        }
        break;
    case Qt::ToolTipRole:
        if (rec.isError())
            return parseStatusText(rec);
        if (index.column() == DirectionColumn)
            return rec.direction() == Direction::Sent ? tr("sent by the monitor")
                                                      : tr("received from the server");
        break;
    case Qt::TextAlignmentRole:
        if (index.column() == SizeColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        break;
    case SeqRole:
        return QVariant::fromValue(rec.seq);
    case TypeIdRole:
        return int(rec.typeId);
    case CategoryRole:
        return int(rec.category);
    case TableIdRole:
        return rec.tableId;
    case WorkspaceIdRole:
        return rec.workspaceId;
    case IsErrorRole:
        return rec.isError();
    case IndexRole:
        return QVariant::fromValue(row);
    default:
        break;
    }
    return {};
}

QVariant EventListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case TimeColumn:
        return tr("Time");
    case DirectionColumn:
        return tr("Dir");
    case TypeColumn:
        return tr("Type");
    case CategoryColumn:
        return tr("Category");
    case WorkspaceColumn:
        return tr("Workspace");
    case DatabaseColumn:
        return tr("Database");
    case TableColumn:
        return tr("Table");
    case ActorColumn:
        return tr("Actor");
    case SummaryColumn:
        return tr("Summary");
    case SizeColumn:
        return tr("Size");
    }
    return {};
}

} // namespace bmon
