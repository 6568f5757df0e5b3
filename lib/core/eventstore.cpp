// SPDX-License-Identifier: MIT
#include "core/eventstore.h"

#include <algorithm>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <thread>

#if defined(__linux__)
#include <pthread.h>
#endif

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace bmon {

void* EventStore::allocateHuge(size_t bytes)
{
    constexpr size_t huge = size_t(2) << 20;
    void* p = std::aligned_alloc(huge, (bytes + huge - 1) / huge * huge);
    if (!p)
        throw std::bad_alloc();
    return p;
}

/*
 * Keeps the next block of each size allocated and its pages faulted in, on a thread of its own.
 * A fresh page costs a fault and the kernel zeroing it; at ingest rates that was an eighth of
 * the frame path. The writer takes a ready block at each block boundary (rare) and asks for the
 * next one; it never waits for the helper.
 */
class EventStore::BlockPreparer
{
public:
    BlockPreparer() : m_thread([this] { run(); }) { }
    ~BlockPreparer()
    {
        {
            std::lock_guard lock(m_mutex);
            m_stop = true;
        }
        m_wake.notify_one();
        m_thread.join();
        for (Slot& slot : m_slots)
            std::free(slot.block);
    }

    //! A ready block of \a bytes, or nullptr; either way the next one is requested.
    void* take(size_t bytes)
    {
        void* block = nullptr;
        {
            std::lock_guard lock(m_mutex);
            Slot& slot = slotFor(bytes);
            slot.bytes = bytes;
            block = std::exchange(slot.block, nullptr);
            slot.wanted = true;
        }
        m_wake.notify_one();
        return block;
    }

private:
    struct Slot
    {
        size_t bytes = 0;
        void* block = nullptr;
        bool wanted = false;
    };

    Slot& slotFor(size_t bytes) { return m_slots[bytes > (size_t(2) << 20) ? 1 : 0]; }

    void run()
    {
#if defined(__linux__)
        pthread_setname_np(pthread_self(), "bmon-prefault");
#endif
        std::unique_lock lock(m_mutex);
        for (;;) {
            m_wake.wait(lock, [this] {
                return m_stop || std::any_of(std::begin(m_slots), std::end(m_slots), [](const Slot& s) {
                    return s.wanted && !s.block;
                });
            });
            if (m_stop)
                return;
            for (Slot& slot : m_slots) {
                if (!slot.wanted || slot.block)
                    continue;
                const size_t bytes = slot.bytes;
                lock.unlock();
                void* block = nullptr;
                try {
                    block = EventStore::allocateHuge(bytes);
                    warm(block, bytes);
                } catch (const std::bad_alloc&) {
                    block = nullptr; // the writer allocates for itself
                }
                lock.lock();
                slot.block = block;
                slot.wanted = false;
            }
        }
    }

    static void warm(void* block, size_t bytes)
    {
#if defined(__linux__) && defined(MADV_POPULATE_WRITE)
        if (::madvise(block, bytes, MADV_POPULATE_WRITE) == 0)
            return;
#endif
        auto* p = static_cast<volatile char*>(block);
        for (size_t i = 0; i < bytes; i += 4096)
            p[i] = 0;
    }

    std::mutex m_mutex;
    std::condition_variable m_wake;
    Slot m_slots[2];
    bool m_stop = false;
    std::thread m_thread;
};

void* EventStore::newBlock(size_t bytes)
{
    // The first block of each kind is allocated in place: small stores (tests, short sessions)
    // never start the helper.
    if (m_prepareAhead
        && (m_blockCount > 0 || m_rowBlockCount > 0 || m_count.load(std::memory_order_relaxed) > 0)) {
        if (!m_preparer)
            m_preparer = std::make_unique<BlockPreparer>();
        if (void* block = m_preparer->take(bytes))
            return block;
    }
    return allocateHuge(bytes);
}

EventStore::EventStore()
    : m_chunks(new std::atomic<EventRecord*>[MaxChunks]())
    , m_blocks(new std::atomic<char*>[MaxBlocks]())
    , m_rowBlocks(new std::atomic<quint32*>[MaxRowBlocks]())
{ }

EventStore::~EventStore()
{
    m_preparer.reset();
    for (quint64 i = 0; i < MaxChunks; ++i)
        std::free(m_chunks[i].load(std::memory_order_relaxed));
    for (quint64 i = 0; i < m_blockCount; ++i)
        std::free(m_blocks[i].load(std::memory_order_relaxed));
    for (quint64 i = 0; i < m_rowBlockCount; ++i)
        std::free(m_rowBlocks[i].load(std::memory_order_relaxed));
}

char* EventStore::reservePayload(qsizetype maxBytes)
{
    maxBytes = qMax<qsizetype>(maxBytes, 1);
    if (m_reservedDedicated) { // an earlier reservation was never committed
        std::free(m_blocks[m_blockCount].exchange(nullptr, std::memory_order_relaxed));
        m_reservedDedicated = false;
    }
    // Big frames get a block of their own, trimmed to size at commit.
    if (maxBytes > BlockSize / 4) {
        if (m_blockCount >= MaxBlocks)
            qFatal("EventStore: payload block directory exhausted");
        char* data = static_cast<char*>(std::malloc(size_t(maxBytes)));
        if (!data)
            throw std::bad_alloc();
        m_reservedDedicated = true;
        m_blocks[m_blockCount].store(data, std::memory_order_relaxed);
        return data;
    }
    m_reservedDedicated = false;
    if (!m_current.data || m_current.capacity - m_current.used < maxBytes) {
        if (m_blockCount >= MaxBlocks)
            qFatal("EventStore: payload block directory exhausted");
        char* data = static_cast<char*>(newBlock(size_t(BlockSize)));
        m_current = Block {data, 0, BlockSize};
        m_currentIndex = m_blockCount++;
        m_blocks[m_currentIndex].store(data, std::memory_order_relaxed);
        m_allocatedBytes.fetch_add(quint64(BlockSize), std::memory_order_relaxed);
    }
    return m_current.data + m_current.used;
}

quint64 EventStore::commit(EventRecord rec, qsizetype usedBytes, const quint32* rowIds, quint32 rowIdCount)
{
    const quint64 index = m_count.load(std::memory_order_relaxed);
    const quint64 chunk = index >> ChunkBits;
    if (chunk >= MaxChunks)
        qFatal("EventStore: record directory exhausted");
    EventRecord* records = m_chunks[chunk].load(std::memory_order_relaxed);
    if (!records) {
        // Uninitialised on purpose: every slot is written before count() publishes it.
        records = static_cast<EventRecord*>(newBlock(sizeof(EventRecord) << ChunkBits));
        m_chunks[chunk].store(records, std::memory_order_relaxed);
        m_allocatedBytes.fetch_add(sizeof(EventRecord) << ChunkBits, std::memory_order_relaxed);
    }

    if (m_reservedDedicated) {
        const quint64 block = m_blockCount++;
        char* data = m_blocks[block].load(std::memory_order_relaxed);
        if (char* trimmed = static_cast<char*>(std::realloc(data, size_t(qMax<qsizetype>(usedBytes, 1)))))
            m_blocks[block].store(trimmed, std::memory_order_relaxed);
        rec.payloadRef = block << 32;
        m_allocatedBytes.fetch_add(quint64(qMax<qsizetype>(usedBytes, 1)), std::memory_order_relaxed);
        m_reservedDedicated = false;
    } else {
        rec.payloadRef = (m_currentIndex << 32) | quint64(m_current.used);
        m_current.used += usedBytes;
    }
    rec.payloadSize = quint32(usedBytes);
    m_payloadBytes.fetch_add(quint64(usedBytes), std::memory_order_relaxed);

    const quint32 keep = qMin(rowIdCount, MaxRowIdsPerEvent);
    if (keep > 0) {
        constexpr quint32 rowBlockSize = 1u << RowBlockBits;
        if (m_rowBlockCount == 0 || m_rowUsed + keep > rowBlockSize) {
            if (m_rowBlockCount >= MaxRowBlocks)
                qFatal("EventStore: row-id directory exhausted");
            m_rowBlocks[m_rowBlockCount++].store(
                static_cast<quint32*>(newBlock(rowBlockSize * sizeof(quint32))), std::memory_order_relaxed);
            m_rowUsed = 0;
            m_allocatedBytes.fetch_add(rowBlockSize * sizeof(quint32), std::memory_order_relaxed);
        }
        quint32* dst = m_rowBlocks[m_rowBlockCount - 1].load(std::memory_order_relaxed) + m_rowUsed;
        std::memcpy(dst, rowIds, keep * sizeof(quint32));
        rec.rowRef = quint32(((m_rowBlockCount - 1) << RowBlockBits) | m_rowUsed);
        m_rowUsed += keep;
        if (rec.rowCount > keep)
            rec.flags |= RecordFlag::RowIdsTruncated;
    } else if (!rec.isError()) {
        rec.rowRef = 0;
    }

    records[index & ChunkMask] = rec;
    m_count.store(index + 1, std::memory_order_release);
    return index;
}

quint64 EventStore::append(EventRecord rec, QByteArrayView payload, const quint32* rowIds, quint32 rowIdCount)
{
    char* dst = reservePayload(payload.size());
    if (!payload.isEmpty())
        std::memcpy(dst, payload.data(), size_t(payload.size()));
    return commit(rec, payload.size(), rowIds, rowIdCount);
}

QByteArrayView EventStore::payload(const EventRecord& rec) const
{
    const char* block = m_blocks[rec.payloadRef >> 32].load(std::memory_order_relaxed);
    if (!block)
        return {};
    return QByteArrayView(block + (rec.payloadRef & 0xffffffffu), qsizetype(rec.payloadSize));
}

std::span<const quint32> EventStore::rowIds(const EventRecord& rec) const
{
    if (rec.rowCount == 0 || rec.isError())
        return {};
    const quint32* block = m_rowBlocks[rec.rowRef >> RowBlockBits].load(std::memory_order_relaxed);
    const quint32 offset = rec.rowRef & ((1u << RowBlockBits) - 1);
    return {block + offset, size_t(qMin(rec.rowCount, MaxRowIdsPerEvent))};
}

} // namespace bmon
