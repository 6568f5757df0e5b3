// SPDX-License-Identifier: MIT
#include "streamwindowproxy.h"

#include "models/eventfilterproxy.h"
#include "models/eventlistmodel.h"

#include <QColor>
#include <QFont>

namespace bmon {

StreamWindowProxy::StreamWindowProxy(QObject* parent) : QAbstractProxyModel(parent)
{ }

void StreamWindowProxy::setSourceModel(QAbstractItemModel* source)
{
    beginResetModel();
    for (const QMetaObject::Connection& c : std::as_const(m_connections))
        disconnect(c);
    m_connections.clear();
    m_filter = qobject_cast<EventFilterProxy*>(source);
    Q_ASSERT_X(!source || m_filter, "StreamWindowProxy", "the source must be an EventFilterProxy");
    QAbstractProxyModel::setSourceModel(m_filter);
    if (m_filter) {
        auto* s = m_filter;
        m_connections
            << connect(s, &QAbstractItemModel::modelAboutToBeReset, this, &StreamWindowProxy::onAboutToReset)
            << connect(s, &QAbstractItemModel::modelReset, this, &StreamWindowProxy::onReset)
            << connect(
                   s, &QAbstractItemModel::layoutAboutToBeChanged, this, &StreamWindowProxy::onAboutToReset)
            << connect(s, &QAbstractItemModel::layoutChanged, this, &StreamWindowProxy::onReset)
            << connect(s, &QAbstractItemModel::rowsAboutToBeInserted, this,
                   &StreamWindowProxy::onRowsAboutToBeInserted)
            << connect(s, &QAbstractItemModel::rowsInserted, this, &StreamWindowProxy::onRowsInserted)
            << connect(s, &QAbstractItemModel::rowsAboutToBeRemoved, this, &StreamWindowProxy::onAboutToReset)
            << connect(s, &QAbstractItemModel::rowsRemoved, this, &StreamWindowProxy::onReset)
            << connect(s, &QAbstractItemModel::rowsAboutToBeMoved, this, &StreamWindowProxy::onAboutToReset)
            << connect(s, &QAbstractItemModel::rowsMoved, this, &StreamWindowProxy::onReset)
            << connect(
                   s, &QAbstractItemModel::columnsAboutToBeInserted, this, &StreamWindowProxy::onAboutToReset)
            << connect(s, &QAbstractItemModel::columnsInserted, this, &StreamWindowProxy::onReset)
            << connect(
                   s, &QAbstractItemModel::columnsAboutToBeRemoved, this, &StreamWindowProxy::onAboutToReset)
            << connect(s, &QAbstractItemModel::columnsRemoved, this, &StreamWindowProxy::onReset)
            << connect(s, &QAbstractItemModel::dataChanged, this, &StreamWindowProxy::onDataChanged)
            << connect(s, &QAbstractItemModel::headerDataChanged, this,
                   [this](Qt::Orientation o, int first, int last) {
                       if (o == Qt::Horizontal)
                           emit headerDataChanged(o, first, last);
                   });
    }
    recompute(&m_lo, &m_hi);
    endResetModel();
}

int StreamWindowProxy::lowerBound(quint64 storeIndex) const
{
    const int n = m_filter ? m_filter->rowCount() : 0;
    if (storeIndex == 0)
        return 0;
    if (storeIndex == NoLimit)
        return n;
    int lo = 0;
    int hi = n;
    while (lo < hi) {
        const int mid = lo + (hi - lo) / 2;
        if (m_filter->storeIndex(mid) < storeIndex)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

void StreamWindowProxy::recompute(int* lo, int* hi) const
{
    *lo = lowerBound(m_clearOffset);
    *hi = qMax(*lo, lowerBound(m_pauseLimit));
}

quint64 StreamWindowProxy::hiddenWhilePaused() const
{
    if (!isPaused() || !m_filter)
        return 0;
    return quint64(qMax(0, m_filter->rowCount() - m_hi));
}

void StreamWindowProxy::setPaused(bool paused)
{
    if (paused == isPaused() || !m_filter)
        return;
    if (paused) {
        // Everything the event model has announced may still be shown; nothing after it.
        const QAbstractItemModel* events = m_filter->sourceModel();
        m_pauseLimit = events ? quint64(events->rowCount()) : 0;
    } else {
        m_pauseLimit = NoLimit;
        growToSource();
    }
    const quint64 hidden = hiddenWhilePaused();
    if (hidden != m_lastHidden) {
        m_lastHidden = hidden;
        emit hiddenWhilePausedChanged(hidden);
    }
}

void StreamWindowProxy::setClearOffset(quint64 storeIndex)
{
    beginResetModel();
    m_clearOffset = storeIndex;
    recompute(&m_lo, &m_hi);
    endResetModel();
}

quint64 StreamWindowProxy::storeIndex(int row) const
{
    return m_filter ? m_filter->storeIndex(row + m_lo) : 0;
}

int StreamWindowProxy::rowOfStoreIndex(quint64 index) const
{
    if (!m_filter)
        return -1;
    const int r = m_filter->rowOfStoreIndex(index);
    return r < m_lo || r >= m_hi ? -1 : r - m_lo;
}

void StreamWindowProxy::onAboutToReset()
{
    if (m_resetting)
        return;
    m_resetting = true;
    beginResetModel();
}

void StreamWindowProxy::onReset()
{
    if (!m_resetting)
        return;
    recompute(&m_lo, &m_hi);
    m_resetting = false;
    endResetModel();
    const quint64 hidden = hiddenWhilePaused();
    if (hidden != m_lastHidden) {
        m_lastHidden = hidden;
        emit hiddenWhilePausedChanged(hidden);
    }
}

void StreamWindowProxy::onRowsAboutToBeInserted(const QModelIndex& parent, int first, int)
{
    // Appends grow the window; anything else (never done by the filter proxy today) resets it.
    if (!parent.isValid() && first < m_filter->rowCount())
        onAboutToReset();
}

void StreamWindowProxy::onRowsInserted(const QModelIndex& parent, int, int)
{
    if (parent.isValid())
        return;
    if (m_resetting)
        onReset();
    else
        growToSource();
}

void StreamWindowProxy::growToSource()
{
    int lo = 0;
    int hi = 0;
    recompute(&lo, &hi);
    const int oldSize = m_hi - m_lo;
    const int newSize = hi - lo;
    if (newSize > oldSize && (lo == m_lo || oldSize == 0)) {
        beginInsertRows({}, oldSize, newSize - 1);
        m_lo = lo;
        m_hi = hi;
        endInsertRows();
    } else if (newSize != oldSize || (lo != m_lo && oldSize > 0)) {
        beginResetModel();
        m_lo = lo;
        m_hi = hi;
        endResetModel();
    } else {
        m_lo = lo;
        m_hi = hi;
    }
    const quint64 hidden = hiddenWhilePaused();
    if (hidden != m_lastHidden) {
        m_lastHidden = hidden;
        emit hiddenWhilePausedChanged(hidden);
    }
}

void StreamWindowProxy::onDataChanged(
    const QModelIndex& topLeft, const QModelIndex& bottomRight, const QList<int>& roles)
{
    if (m_resetting || !topLeft.isValid() || !bottomRight.isValid() || topLeft.parent().isValid())
        return;
    const int first = qMax(topLeft.row(), m_lo);
    const int last = qMin(bottomRight.row(), m_hi - 1);
    if (first > last)
        return;
    emit dataChanged(index(first - m_lo, topLeft.column()), index(last - m_lo, bottomRight.column()), roles);
}

QModelIndex StreamWindowProxy::mapToSource(const QModelIndex& proxyIndex) const
{
    if (!m_filter || !proxyIndex.isValid() || proxyIndex.model() != this)
        return {};
    return m_filter->index(proxyIndex.row() + m_lo, proxyIndex.column());
}

QModelIndex StreamWindowProxy::mapFromSource(const QModelIndex& sourceIndex) const
{
    if (!m_filter || !sourceIndex.isValid() || sourceIndex.model() != m_filter)
        return {};
    const int row = sourceIndex.row();
    if (row < m_lo || row >= m_hi)
        return {};
    return createIndex(row - m_lo, sourceIndex.column());
}

QModelIndex StreamWindowProxy::index(int row, int column, const QModelIndex& parent) const
{
    if (parent.isValid() || row < 0 || column < 0 || row >= m_hi - m_lo || column >= columnCount())
        return {};
    return createIndex(row, column);
}

QModelIndex StreamWindowProxy::parent(const QModelIndex&) const
{
    return {};
}

QModelIndex StreamWindowProxy::sibling(int row, int column, const QModelIndex& idx) const
{
    return idx.isValid() ? index(row, column) : QModelIndex();
}

int StreamWindowProxy::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : m_hi - m_lo;
}

int StreamWindowProxy::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() || !m_filter ? 0 : m_filter->columnCount();
}

bool StreamWindowProxy::hasChildren(const QModelIndex& parent) const
{
    return !parent.isValid() && m_hi > m_lo && columnCount() > 0;
}

QVariant StreamWindowProxy::data(const QModelIndex& index, int role) const
{
    const QModelIndex source = mapToSource(index);
    if (!source.isValid())
        return {};
    QVariant v = source.data(role);
    if (v.isValid())
        return v;
    switch (role) {
    case Qt::BackgroundRole:
        if (source.data(EventListModel::IsErrorRole).toBool())
            return QColor(235, 90, 40, 80); // translucent: a warning on light and dark palettes
        break;
    case Qt::FontRole:
        if (source.data(EventListModel::CategoryRole).toInt() == int(Category::Unknown)
            && !source.data(EventListModel::IsErrorRole).toBool()) {
            QFont f;
            f.setItalic(true);
            return f;
        }
        break;
    default:
        break;
    }
    return {};
}

} // namespace bmon
