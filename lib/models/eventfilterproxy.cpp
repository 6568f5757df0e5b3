// SPDX-License-Identifier: MIT
#include "models/eventfilterproxy.h"

#include "core/eventstore.h"
#include "models/eventlistmodel.h"

#include <algorithm>

namespace bmon {

EventFilterProxy::EventFilterProxy(QObject* parent)
    : QAbstractProxyModel(parent), m_runner(new FilterRunner(this))
{
    connect(m_runner, &FilterRunner::finished, this, &EventFilterProxy::onScanFinished);
    connect(m_runner, &FilterRunner::failed, this, &EventFilterProxy::onScanFailed);
    connect(m_runner, &FilterRunner::progress, this, [this](quint64 generation, int percent) {
        if (generation == m_generation)
            emit filtering(percent);
    });
}

EventFilterProxy::~EventFilterProxy() = default;

void EventFilterProxy::setSourceModel(QAbstractItemModel* source)
{
    auto* model = qobject_cast<EventListModel*>(source);
    Q_ASSERT_X(!source || model, "EventFilterProxy", "the source must be an EventListModel");
    beginResetModel();
    for (const QMetaObject::Connection& c : std::as_const(m_sourceConnections))
        disconnect(c);
    m_sourceConnections.clear();
    m_runner->cancel();
    m_next.reset();
    m_source = model;
    QAbstractProxyModel::setSourceModel(model);
    if (model) {
        m_sourceConnections << connect(
            model, &QAbstractItemModel::rowsInserted, this, &EventFilterProxy::onSourceRowsInserted);
        m_sourceConnections << connect(
            model, &QAbstractItemModel::modelAboutToBeReset, this, &EventFilterProxy::beginResetModel);
        m_sourceConnections << connect(
            model, &QAbstractItemModel::modelReset, this, &EventFilterProxy::onSourceReset);
        m_sourceConnections << connect(
            model, &QAbstractItemModel::dataChanged, this, &EventFilterProxy::onSourceDataChanged);
        m_sourceConnections << connect(model, &QAbstractItemModel::headerDataChanged, this,
            [this](Qt::Orientation orientation, int first, int last) {
                if (orientation == Qt::Horizontal)
                    emit headerDataChanged(orientation, first, last);
            });
        m_sourceConnections << connect(model, &QObject::destroyed, this, [this] {
            beginResetModel();
            m_runner->cancel();
            m_source = nullptr;
            m_rows.clear();
            m_allRows = 0;
            endResetModel();
        });
    }
    // The current filter applies to the new source from scratch.
    m_rows.clear();
    m_allRows = sourceRows();
    endResetModel();
    if (m_shown || m_next)
        startScan();
}

void EventFilterProxy::setFilter(const EventFilter& filter)
{
    if (filter == m_filter && (m_shown || m_next || filter.isEmpty()))
        return;
    m_filter = filter;
    if (filter.isEmpty()) {
        // Everything, without a scan.
        m_runner->cancel();
        m_next.reset();
        if (m_shown) {
            beginResetModel();
            m_shown.reset();
            m_rows.clear();
            m_rows.shrink_to_fit();
            m_allRows = sourceRows();
            endResetModel();
        }
        emit filtered(rowCount());
        return;
    }
    startScan();
}

const EventFilter& EventFilterProxy::filter() const
{
    return m_filter;
}

bool EventFilterProxy::isFiltering() const
{
    return m_runner->isRunning();
}

void EventFilterProxy::startScan()
{
    m_next = std::make_unique<EventMatcher>(m_filter);
    const EventStore* store = m_source ? m_source->store() : nullptr;
    if (!store) {
        // Nothing to scan: the filter applies at once.
        m_runner->cancel();
        beginResetModel();
        m_shown = std::move(m_next);
        m_rows.clear();
        endResetModel();
        if (!m_shown->isValid())
            emit filterError(m_shown->errorString());
        emit filtered(0);
        return;
    }
    m_generation = m_runner->start(*store, m_filter, quint64(sourceRows()));
    emit filtering(0);
}

void EventFilterProxy::onScanFinished(quint64 generation, const QVector<quint64>& rows, quint64 upTo)
{
    if (generation != m_generation || !m_next)
        return;
    std::vector<quint32> next;
    next.reserve(size_t(rows.size()));
    for (quint64 r : rows)
        next.push_back(quint32(r));
    // Rows the source announced while the scan ran are tested here (usually a handful).
    const int total = sourceRows();
    const EventStore* store = m_source ? m_source->store() : nullptr;
    for (quint64 r = upTo; store && r < quint64(total); ++r) {
        if (m_next->matches(*store, r))
            next.push_back(quint32(r));
    }
    beginResetModel();
    m_shown = std::move(m_next);
    m_rows = std::move(next);
    endResetModel();
    emit filtering(100);
    emit filtered(rowCount());
}

void EventFilterProxy::onScanFailed(quint64 generation, const QString& message)
{
    if (generation != m_generation || !m_next)
        return;
    // An invalid pattern matches nothing.
    beginResetModel();
    m_shown = std::move(m_next);
    m_rows.clear();
    endResetModel();
    emit filterError(message);
    emit filtered(0);
}

void EventFilterProxy::onSourceRowsInserted(const QModelIndex& parent, int first, int last)
{
    if (parent.isValid())
        return;
    if (!m_shown) {
        beginInsertRows({}, first, last);
        m_allRows = last + 1;
        endInsertRows();
        return;
    }
    const EventStore* store = m_source->store();
    if (!store)
        return;
    // Only the new rows are tested, on this thread: a batch is small and the matcher cheap.
    std::vector<quint32> added;
    for (int r = first; r <= last; ++r) {
        if (m_shown->matches(*store, quint64(r)))
            added.push_back(quint32(r));
    }
    if (added.empty())
        return;
    const int at = int(m_rows.size());
    beginInsertRows({}, at, at + int(added.size()) - 1);
    m_rows.insert(m_rows.end(), added.begin(), added.end());
    endInsertRows();
}

void EventFilterProxy::onSourceReset()
{
    m_runner->cancel();
    m_rows.clear();
    m_allRows = sourceRows();
    const bool rescan = m_shown != nullptr || m_next != nullptr;
    if (rescan) // until the rescan ends, the new store's rows are not shown
        m_shown = std::make_unique<EventMatcher>(m_filter);
    endResetModel();
    if (rescan)
        startScan();
}

void EventFilterProxy::onSourceDataChanged(
    const QModelIndex& topLeft, const QModelIndex& bottomRight, const QList<int>& roles)
{
    if (!topLeft.isValid() || !bottomRight.isValid())
        return;
    if (!m_shown) {
        emit dataChanged(
            index(topLeft.row(), topLeft.column()), index(bottomRight.row(), bottomRight.column()), roles);
        return;
    }
    const auto lo = std::lower_bound(m_rows.begin(), m_rows.end(), quint32(topLeft.row()));
    const auto hi = std::upper_bound(lo, m_rows.end(), quint32(bottomRight.row()));
    if (lo == hi)
        return;
    emit dataChanged(index(int(lo - m_rows.begin()), topLeft.column()),
        index(int(hi - m_rows.begin()) - 1, bottomRight.column()), roles);
}

int EventFilterProxy::sourceRows() const
{
    return m_source ? m_source->rowCount() : 0;
}

QModelIndex EventFilterProxy::mapToSource(const QModelIndex& proxyIndex) const
{
    if (!proxyIndex.isValid() || !m_source || proxyIndex.model() != this)
        return {};
    const int row = proxyIndex.row();
    if (row < 0 || row >= rowCount())
        return {};
    return m_source->index(m_shown ? int(m_rows[size_t(row)]) : row, proxyIndex.column());
}

QModelIndex EventFilterProxy::mapFromSource(const QModelIndex& sourceIndex) const
{
    if (!sourceIndex.isValid() || sourceIndex.model() != m_source)
        return {};
    const int row = rowOfStoreIndex(quint64(sourceIndex.row()));
    return row < 0 ? QModelIndex() : index(row, sourceIndex.column());
}

QModelIndex EventFilterProxy::index(int row, int column, const QModelIndex& parent) const
{
    if (parent.isValid() || row < 0 || column < 0 || row >= rowCount() || column >= columnCount())
        return {};
    return createIndex(row, column);
}

QModelIndex EventFilterProxy::parent(const QModelIndex&) const
{
    return {};
}

int EventFilterProxy::rowCount(const QModelIndex& parent) const
{
    if (parent.isValid())
        return 0;
    return m_shown ? int(m_rows.size()) : m_allRows;
}

int EventFilterProxy::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() || !m_source ? 0 : m_source->columnCount();
}

bool EventFilterProxy::hasChildren(const QModelIndex& parent) const
{
    return !parent.isValid() && rowCount() > 0 && columnCount() > 0;
}

QModelIndex EventFilterProxy::sibling(int row, int column, const QModelIndex&) const
{
    return index(row, column);
}

QVariant EventFilterProxy::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (!m_source)
        return {};
    if (orientation == Qt::Horizontal)
        return m_source->headerData(section, orientation, role);
    if (section < 0 || section >= rowCount())
        return {};
    return m_source->headerData(int(storeIndex(section)), orientation, role);
}

quint64 EventFilterProxy::storeIndex(int row) const
{
    if (row < 0 || row >= rowCount())
        return 0;
    return m_shown ? m_rows[size_t(row)] : quint64(row);
}

int EventFilterProxy::rowOfStoreIndex(quint64 index) const
{
    if (!m_shown)
        return index < quint64(m_allRows) ? int(index) : -1;
    const auto it = std::lower_bound(
        m_rows.begin(), m_rows.end(), index, [](quint32 a, quint64 b) { return quint64(a) < b; });
    return it != m_rows.end() && *it == index ? int(it - m_rows.begin()) : -1;
}

} // namespace bmon
