// SPDX-License-Identifier: MIT
#include "subscriptionlistmodel.h"

#include "net/connection.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>

namespace bmon {

SubscriptionListModel::SubscriptionListModel(QObject* parent) : QAbstractTableModel(parent)
{ }

void SubscriptionListModel::setConnection(Connection* connection)
{
    if (m_connection)
        disconnect(m_connection, nullptr, this, nullptr);
    beginResetModel();
    m_connection = connection;
    m_rows.clear();
    m_sinceUs.clear();
    if (connection) {
        m_rows = connection->subscriptions();
        const qint64 now = QDateTime::currentMSecsSinceEpoch() * 1000;
        m_sinceUs.fill(now, m_rows.size());
    }
    endResetModel();
    if (connection) {
        connect(connection, &Connection::subscriptionChanged, this, &SubscriptionListModel::onChanged);
        connect(connection, &QObject::destroyed, this, [this] {
            m_connection = nullptr;
            setConnection(nullptr);
        });
    }
}

void SubscriptionListModel::onChanged(const Subscription& subscription)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch() * 1000;
    const int row = rowOf(subscription.page);
    if (row < 0) {
        beginInsertRows({}, int(m_rows.size()), int(m_rows.size()));
        m_rows.append(subscription);
        m_sinceUs.append(now);
        endInsertRows();
        return;
    }
    m_rows[row] = subscription;
    m_sinceUs[row] = now;
    emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

Page SubscriptionListModel::pageAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows[row].page : Page {};
}

SubscriptionState SubscriptionListModel::stateAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows[row].state : SubscriptionState::Unsubscribed;
}

int SubscriptionListModel::rowOf(const Page& page) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].page == page)
            return i;
    }
    return -1;
}

int SubscriptionListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int SubscriptionListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SubscriptionListModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Subscription& s = m_rows[index.row()];
    if (role == StateRole)
        return int(s.state);
    if (role == Qt::ForegroundRole && index.column() == StateColumn) {
        switch (s.state) {
        case SubscriptionState::Active:
            return QBrush(QColor(0x2e, 0x9d, 0x4f));
        case SubscriptionState::Rejected:
        case SubscriptionState::Discarded:
            return QBrush(QColor(0xd2, 0x3f, 0x31));
        case SubscriptionState::Pending:
            return QBrush(QColor(0xc7, 0x8a, 0x00));
        case SubscriptionState::Unsubscribed:
            break;
        }
        return {};
    }
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case PageColumn:
        return s.page.toString();
    case StateColumn:
        return subscriptionStateName(s.state);
    case ReasonColumn:
        return s.reason;
    case SinceColumn:
        return QDateTime::fromMSecsSinceEpoch(m_sinceUs[index.row()] / 1000)
            .toString(QStringLiteral("HH:mm:ss"));
    default:
        return {};
    }
}

QVariant SubscriptionListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case PageColumn:
        return tr("Page");
    case StateColumn:
        return tr("State");
    case ReasonColumn:
        return tr("Reason");
    case SinceColumn:
        return tr("Since");
    default:
        return {};
    }
}

} // namespace bmon
