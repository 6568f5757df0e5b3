// SPDX-License-Identifier: MIT
#pragma once

#include "core/eventfilter.h"

#include <QAbstractProxyModel>
#include <QVector>

#include <memory>
#include <vector>

namespace bmon {

class EventListModel;

/*!
 * The filtered event stream: a QAbstractProxyModel over an EventListModel holding the visible
 * source rows in a vector (Wireshark's PacketListProxyModel), never a QSortFilterProxyModel.
 *
 * setFilter() recomputes the vector with a FilterRunner off the GUI thread (newest request wins,
 * filtering() / filtered() tell the UI); meanwhile the previous result stays visible. Rows the
 * source appends later are tested one by one as they arrive (only the new ones). An empty filter
 * shows everything without scanning.
 */
class EventFilterProxy : public QAbstractProxyModel
{
    Q_OBJECT
public:
    explicit EventFilterProxy(QObject* parent = nullptr);
    ~EventFilterProxy() override;

    void setSourceModel(QAbstractItemModel* source) override; //!< must be an EventListModel
    void setFilter(const EventFilter& filter);
    const EventFilter& filter() const;
    bool isFiltering() const; //!< a full scan is running

    QModelIndex mapToSource(const QModelIndex& proxyIndex) const override;
    QModelIndex mapFromSource(const QModelIndex& sourceIndex) const override;
    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    bool hasChildren(const QModelIndex& parent = {}) const override;
    QModelIndex sibling(int row, int column, const QModelIndex& idx) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    //! Store index of the event shown in proxy row \a row.
    quint64 storeIndex(int row) const;
    //! Proxy row of store index \a index, or -1 when it is filtered out.
    int rowOfStoreIndex(quint64 index) const;

signals:
    void filtering(int percent);
    void filtered(int visibleRows);
    void filterError(const QString& message);

private:
    void onSourceRowsInserted(const QModelIndex& parent, int first, int last);
    void onSourceReset();
    void onSourceDataChanged(
        const QModelIndex& topLeft, const QModelIndex& bottomRight, const QList<int>& roles);
    void onScanFinished(quint64 generation, const QVector<quint64>& rows, quint64 upTo);
    void onScanFailed(quint64 generation, const QString& message);
    void startScan();
    int sourceRows() const;

    EventListModel* m_source = nullptr;
    EventFilter m_filter; //!< the newest filter asked for
    std::unique_ptr<EventMatcher> m_shown; //!< the filter the rows follow; null = everything
    std::unique_ptr<EventMatcher> m_next; //!< the filter of the running scan
    std::vector<quint32> m_rows; //!< visible source rows, ascending (unused while m_shown is null)
    int m_allRows = 0; //!< rows shown while m_shown is null (the source's, as announced to us)
    FilterRunner* m_runner = nullptr;
    quint64 m_generation = 0;
    QList<QMetaObject::Connection> m_sourceConnections;
};

} // namespace bmon
