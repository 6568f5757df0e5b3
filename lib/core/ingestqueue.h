// SPDX-License-Identifier: MIT
#pragma once

#include "core/eventrecord.h"

#include <QByteArrayView>
#include <QObject>
#include <QStringView>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

namespace bmon {

class Clock;
class EventStore;

/*!
 * Moves classification off the socket's thread. The socket's thread submits frames (it only
 * stamps them and encodes them to UTF-8 into a queue); an ingest thread of this object's own
 * runs Ingest on them — validation, classification, storing — in submission order.
 *
 * Why: QWebSocket spends about 3,100 instructions on a 234-byte frame and a full validating parse
 * plus storing about 4,200 more; on one thread the monitor could never keep 0.6 of a bare client's
 * rate. Split, each thread does less than the socket alone.
 *
 * Threading contract:
 *  - submitText()/submitBinary() are called from one thread only (the producer: the thread the
 *    socket lives on, which this object must live in and which runs an event loop: a sleeping
 *    ingest thread is woken once per pass of it). They never block and never drop: the queue
 *    grows in 1 MiB chunks.
 *  - The ingest thread is the EventStore's only writer. Readers use the store's published count.
 *  - Signals are emitted from the ingest thread; receivers in other threads get them queued
 *    (the default for cross-thread connections).
 *  - controlFrame() and barrierReached() keep submission order.
 *  - appended() is coalesced: after it, it is emitted again only once acknowledgeAppended() was
 *    called (call it before reading the store, so nothing committed meanwhile is missed).
 *  - The destructor drains what was submitted, then stops the thread.
 */
class IngestQueue : public QObject
{
    Q_OBJECT
public:
    explicit IngestQueue(EventStore& store, const Clock* clock = nullptr, QObject* parent = nullptr);
    ~IngestQueue() override;

    //! Queues a text frame as QWebSocket delivers it.
    void submitText(QStringView text, Direction direction, quint16 generation);
    //! Queues a text frame already in UTF-8 (frames the monitor sends).
    void submitUtf8(QByteArrayView utf8, Direction direction, quint16 generation);
    void submitBinary(QByteArrayView data, Direction direction, quint16 generation);
    //! Queues a marker: barrierReached(\a id) is emitted once everything submitted before it is
    //! stored and reported. Lets the socket's thread act on an event (a close) only after the
    //! frames that preceded it (a force_disconnect) were handled.
    void submitBarrier(quint64 id);

    quint64 submitted() const { return m_submitted; } //!< producer side
    quint64 processed() const { return m_processed.load(std::memory_order_acquire); }
    quint64 malformed() const { return m_malformed.load(std::memory_order_relaxed); }
    //! See the class comment: re-arms appended().
    void acknowledgeAppended() { m_appendPending.store(false, std::memory_order_release); }

signals:
    //! New records are in the store.
    void appended();
    //! The record at \a index is a control frame (authentication, page_add, page_discard,
    //! force_disconnect), in order with every other control frame.
    void controlFrame(quint64 index);
    void barrierReached(quint64 id);

public:
    struct Entry; // public for the layout check in the .cpp

private:
    struct Chunk;

    char* reserve(size_t bytes); // producer: room for an entry of at most \a bytes
    void publish(size_t bytes); // producer: makes the reserved entry visible
    void submitBytes(QByteArrayView data, Direction direction, quint16 generation, bool binary);
    void run(); // the ingest thread

    EventStore& m_store;
    const Clock* m_clock;
    // Producer side.
    Chunk* m_tail = nullptr;
    size_t m_reservedAt = 0;
    quint64 m_submitted = 0;
    bool m_wakePosted = false;
    // Consumer side.
    Chunk* m_head = nullptr;
    size_t m_readAt = 0;
    // Shared.
    std::atomic<Chunk*> m_spare {nullptr}; // one recycled chunk, to spare the allocator
    std::atomic<quint64> m_processed {0};
    std::atomic<quint64> m_malformed {0};
    std::atomic<bool> m_appendPending {false};
    std::atomic<bool> m_sleeping {false};
    std::atomic<bool> m_stop {false};
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::thread m_thread;
};

} // namespace bmon
