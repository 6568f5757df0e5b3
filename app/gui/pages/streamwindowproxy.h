// SPDX-License-Identifier: MIT
#pragma once

#include <QAbstractProxyModel>

#include <limits>

namespace bmon {

class EventFilterProxy;

/*!
 * What the stream view shows of the filtered events: a window [clear offset, pause limit) over an
 * EventFilterProxy, both bounds as store indices. Clearing hides what is there now (the store
 * keeps it); pausing freezes the end, so the view neither moves nor grows while matching events
 * keep arriving (hiddenWhilePaused() counts them); resuming appends them in one batch.
 *
 * It also styles rows from cheap roles of the event model (never from the payload): malformed
 * frames in a warning colour, unknown types in italics, sent frames tinted.
 */
class StreamWindowProxy : public QAbstractProxyModel
{
    Q_OBJECT
public:
    explicit StreamWindowProxy(QObject* parent = nullptr);

    //! Must be an EventFilterProxy (the window works on its store indices).
    void setSourceModel(QAbstractItemModel* source) override;

    void setPaused(bool paused);
    bool isPaused() const { return m_pauseLimit != NoLimit; }
    //! Matching events that arrived after pausing (shown on resume).
    quint64 hiddenWhilePaused() const;

    //! Hides every event with a store index below \a storeIndex.
    void setClearOffset(quint64 storeIndex);
    quint64 clearOffset() const { return m_clearOffset; }

    //! Store index of the event in row \a row.
    quint64 storeIndex(int row) const;
    //! Row of store index \a index, or -1 when it is not in the window.
    int rowOfStoreIndex(quint64 index) const;

    QModelIndex mapToSource(const QModelIndex& proxyIndex) const override;
    QModelIndex mapFromSource(const QModelIndex& sourceIndex) const override;
    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    QModelIndex sibling(int row, int column, const QModelIndex& idx) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    bool hasChildren(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

signals:
    //! The number of matching events held back by the pause changed.
    void hiddenWhilePausedChanged(quint64 count);

private:
    static constexpr quint64 NoLimit = std::numeric_limits<quint64>::max();

    int lowerBound(quint64 storeIndex) const; //!< first source row whose store index is >= storeIndex
    void recompute(int* lo, int* hi) const;
    void onAboutToReset();
    void onReset();
    void onRowsAboutToBeInserted(const QModelIndex& parent, int first, int last);
    void onRowsInserted(const QModelIndex& parent, int first, int last);
    void onDataChanged(const QModelIndex& topLeft, const QModelIndex& bottomRight, const QList<int>& roles);
    void growToSource();

    EventFilterProxy* m_filter = nullptr;
    QList<QMetaObject::Connection> m_connections;
    int m_lo = 0; //!< first source row shown
    int m_hi = 0; //!< one past the last source row shown
    quint64 m_clearOffset = 0;
    quint64 m_pauseLimit = NoLimit;
    quint64 m_lastHidden = 0;
    bool m_resetting = false; //!< inside a source change we turned into a reset
};

} // namespace bmon
