// SPDX-License-Identifier: MIT
#include "core/ingestqueue.h"

#include "core/clock.h"
#include "core/eventstore.h"
#include "core/ingest.h"
#include "core/messagetypes.h"
#include "core/utf8.h"

#include <cstdlib>
#if defined(__linux__)
#include <pthread.h>
#endif
#include <cstring>
#include <new>

namespace bmon {

namespace {
constexpr size_t kChunkSize = size_t(1) << 20;
constexpr size_t kKeepSpareUpTo = size_t(4) << 20;
constexpr size_t align8(size_t n)
{
    return (n + 7) & ~size_t(7);
}
} // namespace

// A piece of the queue. The producer fills it front to back and publishes how far entries are
// complete; once it moves on it links the next chunk, and the consumer follows.
struct IngestQueue::Chunk
{
    std::atomic<Chunk*> next {nullptr};
    std::atomic<size_t> committed {0};
    size_t capacity = 0;

    char* data() { return reinterpret_cast<char*>(this + 1); }
    static Chunk* create(size_t capacity)
    {
        void* memory = std::malloc(sizeof(Chunk) + capacity);
        if (!memory)
            throw std::bad_alloc();
        auto* chunk = new (memory) Chunk;
        chunk->capacity = capacity;
        return chunk;
    }
    static void destroy(Chunk* chunk)
    {
        if (!chunk)
            return;
        chunk->~Chunk();
        std::free(chunk);
    }
};

// What precedes each frame's bytes in a chunk.
struct IngestQueue::Entry
{
    enum Kind : quint8
    {
        Text,
        Binary,
        Barrier
    };
    qint64 receivedUs; // the barrier's id for Barrier entries
    quint32 size;
    quint16 generation;
    quint8 direction;
    quint8 kind;
};
static_assert(sizeof(IngestQueue::Entry) == 16);

IngestQueue::IngestQueue(EventStore& store, const Clock* clock, QObject* parent)
    : QObject(parent), m_store(store), m_clock(clock ? clock : Clock::system())
{
    m_head = m_tail = Chunk::create(kChunkSize);
    m_thread = std::thread([this] { run(); });
}

IngestQueue::~IngestQueue()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop.store(true);
    }
    m_wake.notify_one();
    m_thread.join();
    for (Chunk* c = m_head; c;) {
        Chunk* next = c->next.load(std::memory_order_relaxed);
        Chunk::destroy(c);
        c = next;
    }
    Chunk::destroy(m_spare.load());
}

char* IngestQueue::reserve(size_t bytes)
{
    const size_t needed = align8(sizeof(Entry) + bytes);
    if (m_tail->capacity - m_reservedAt < needed) {
        Chunk* fresh = m_spare.exchange(nullptr, std::memory_order_acquire);
        if (fresh && fresh->capacity < needed) {
            Chunk::destroy(fresh);
            fresh = nullptr;
        }
        if (fresh) {
            fresh->next.store(nullptr, std::memory_order_relaxed);
            fresh->committed.store(0, std::memory_order_relaxed);
        } else {
            fresh = Chunk::create(qMax(kChunkSize, needed));
        }
        // Everything in the old chunk is published: the consumer may move on once it read it.
        m_tail->next.store(fresh, std::memory_order_release);
        m_tail = fresh;
        m_reservedAt = 0;
    }
    return m_tail->data() + m_reservedAt;
}

void IngestQueue::publish(size_t bytes)
{
    m_reservedAt += align8(sizeof(Entry) + bytes);
    m_tail->committed.store(m_reservedAt, std::memory_order_release);
    ++m_submitted;
    // Pairs with the consumer announcing sleep and then looking again: one of us sees the other.
    std::atomic_thread_fence(std::memory_order_seq_cst);
    if (m_sleeping.load(std::memory_order_relaxed) && !m_wakePosted) {
        // Wake it once at the end of this event-loop pass, not once per frame: QWebSocket hands
        // over frames in bursts, and a futex wake per frame cost the socket thread 8 %.
        m_wakePosted = true;
        QMetaObject::invokeMethod(
            this,
            [this] {
                m_wakePosted = false;
                std::lock_guard lock(m_mutex);
                m_wake.notify_one();
            },
            Qt::QueuedConnection);
    }
}

void IngestQueue::submitText(QStringView text, Direction direction, quint16 generation)
{
    const qint64 now = m_clock->nowUs();
    char* at = reserve(size_t(text.size()) * 3);
    char* bytes = at + sizeof(Entry);
    const auto size = size_t(encodeUtf8(text, bytes) - bytes);
    new (at) Entry {now, quint32(size), generation, quint8(direction), Entry::Text};
    publish(size);
}

void IngestQueue::submitBarrier(quint64 id)
{
    char* at = reserve(0);
    new (at) Entry {qint64(id), 0, 0, 0, Entry::Barrier};
    publish(0);
}

void IngestQueue::submitBytes(QByteArrayView data, Direction direction, quint16 generation, bool binary)
{
    const qint64 now = m_clock->nowUs();
    char* at = reserve(size_t(data.size()));
    if (!data.isEmpty())
        std::memcpy(at + sizeof(Entry), data.data(), size_t(data.size()));
    new (at) Entry {
        now, quint32(data.size()), generation, quint8(direction), binary ? Entry::Binary : Entry::Text};
    publish(size_t(data.size()));
}

void IngestQueue::submitUtf8(QByteArrayView utf8, Direction direction, quint16 generation)
{
    submitBytes(utf8, direction, generation, false);
}

void IngestQueue::submitBinary(QByteArrayView data, Direction direction, quint16 generation)
{
    submitBytes(data, direction, generation, true);
}

void IngestQueue::run()
{
#if defined(__linux__)
    pthread_setname_np(pthread_self(), "bmon-ingest"); // shows in top, perf, gdb
#endif
    Ingest ingest(m_store, m_clock);
    auto available = [this] {
        return m_head->committed.load(std::memory_order_acquire) > m_readAt
            || m_head->next.load(std::memory_order_acquire) != nullptr;
    };
    for (;;) {
        bool any = false;
        for (;;) {
            const size_t committed = m_head->committed.load(std::memory_order_acquire);
            if (m_readAt < committed) {
                const auto* entry = reinterpret_cast<const Entry*>(m_head->data() + m_readAt);
                if (entry->kind == Entry::Barrier) {
                    m_readAt += align8(sizeof(Entry));
                    m_processed.fetch_add(1, std::memory_order_release);
                    emit barrierReached(quint64(entry->receivedUs));
                    continue;
                }
                const QByteArrayView bytes(m_head->data() + m_readAt + sizeof(Entry), qsizetype(entry->size));
                ingest.setGeneration(entry->generation);
                const auto direction = Direction(entry->direction);
                const quint64 index = entry->kind == Entry::Binary
                    ? ingest.ingestBinary(bytes, direction, entry->receivedUs)
                    : ingest.ingestUtf8(bytes, direction, entry->receivedUs);
                m_readAt += align8(sizeof(Entry) + entry->size);
                m_processed.fetch_add(1, std::memory_order_release);
                any = true;
                const EventRecord& rec = m_store.at(index);
                if (rec.isError()) {
                    if (direction == Direction::Received)
                        m_malformed.fetch_add(1, std::memory_order_relaxed);
                } else if (rec.typeId >= KnownType::Authentication && rec.typeId <= KnownType::ForceDisconnect
                    && direction == Direction::Received) {
                    emit controlFrame(index);
                }
                continue;
            }
            Chunk* next = m_head->next.load(std::memory_order_acquire);
            if (!next || m_readAt < m_head->committed.load(std::memory_order_acquire))
                break;
            // Done with this chunk: recycle one small chunk, free the rest.
            Chunk* done = m_head;
            m_head = next;
            m_readAt = 0;
            Chunk* expected = nullptr;
            if (done->capacity > kKeepSpareUpTo
                || !m_spare.compare_exchange_strong(expected, done, std::memory_order_release))
                Chunk::destroy(done);
        }
        if (any && !m_appendPending.exchange(true, std::memory_order_acq_rel))
            emit appended();
        if (any)
            continue;
        std::unique_lock lock(m_mutex);
        m_sleeping.store(true, std::memory_order_relaxed);
        std::atomic_thread_fence(std::memory_order_seq_cst);
        if (available()) {
            m_sleeping.store(false, std::memory_order_relaxed);
            continue;
        }
        if (m_stop.load())
            return; // everything submitted is stored
        m_wake.wait(lock, [&] { return m_stop.load() || available(); });
        m_sleeping.store(false, std::memory_order_relaxed);
    }
}

} // namespace bmon
