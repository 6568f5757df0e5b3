// SPDX-License-Identifier: MIT
#pragma once

#include "net/page.h"

#include <QAbstractTableModel>
#include <QList>

namespace bmon {

class Connection;

/*!
 * A connection's page subscriptions with their states, live from Connection::subscriptionChanged.
 * Columns: page, state, reason, since. A view token is never shown (Page::toString hides it).
 */
class SubscriptionListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        PageColumn,
        StateColumn,
        ReasonColumn,
        SinceColumn,
        ColumnCount
    };
    enum Role
    {
        StateRole = Qt::UserRole + 1
    };

    explicit SubscriptionListModel(QObject* parent = nullptr);

    //! Shows \a connection's subscriptions (nullptr: none) and follows its changes.
    void setConnection(Connection* connection);
    Page pageAt(int row) const;
    SubscriptionState stateAt(int row) const;
    int rowOf(const Page& page) const; //!< -1 when absent

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void onChanged(const Subscription& subscription);

    Connection* m_connection = nullptr;
    QList<Subscription> m_rows;
    QList<qint64> m_sinceUs; //!< wall-clock time of each row's last change
};

} // namespace bmon
