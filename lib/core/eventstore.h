// SPDX-License-Identifier: MIT
#pragma once

#include "core/eventrecord.h"

#include <QByteArrayView>

#include <atomic>
#include <memory>
#include <span>

namespace bmon {

/*!
 * Append-only, chunked store of EventRecords with their payload bytes and row ids.
 *
 * Threading contract: one writer thread calls reservePayload()/commit()/append(). Any thread may
 * read: count() is published with release semantics after a record is complete, and records,
 * payloads and row ids below count() never move or change. Chunks are never reallocated, so a
 * reader needs no lock.
 *
 * Payload bytes are kept once, in 4 MiB blocks (big frames get a block of their own). Row ids
 * live in a separate arena. Parsed JSON is never kept here.
 */
class EventStore
{
public:
    EventStore();
    ~EventStore();
    EventStore(const EventStore&) = delete;
    EventStore& operator=(const EventStore&) = delete;

    static constexpr quint32 MaxRowIdsPerEvent = 1u << 18;
    //! Allocates \a bytes (rounded up to 2 MiB), 2 MiB aligned.
    static void* allocateHuge(size_t bytes);
    //! Whether the next blocks are pre-faulted on a helper thread (default true). Tests of the
    //! single-threaded paths can turn it off.
    void setPrepareBlocksAhead(bool on) { m_prepareAhead = on; }

    // Writer side ------------------------------------------------------------------------
    //! Writable space for a payload of at most \a maxBytes, valid until the next commit().
    char* reservePayload(qsizetype maxBytes);
    //! Publishes \a rec with the first \a usedBytes of the last reservation as its payload.
    quint64 commit(EventRecord rec, qsizetype usedBytes, const quint32* rowIds, quint32 rowIdCount);
    //! Copies \a payload and publishes \a rec. Returns the new record's index.
    quint64 append(
        EventRecord rec, QByteArrayView payload, const quint32* rowIds = nullptr, quint32 rowIdCount = 0);

    // Readers, any thread -------------------------------------------------------------------
    quint64 count() const { return m_count.load(std::memory_order_acquire); }
    const EventRecord& at(quint64 index) const
    {
        return m_chunks[index >> ChunkBits].load(std::memory_order_relaxed)[index & ChunkMask];
    }
    QByteArrayView payload(const EventRecord& rec) const;
    QByteArrayView payload(quint64 index) const { return payload(at(index)); }
    std::span<const quint32> rowIds(const EventRecord& rec) const;

    quint64 payloadBytes() const { return m_payloadBytes.load(std::memory_order_relaxed); }
    //! Bytes allocated for records, payloads and row ids (what the store costs in memory).
    quint64 allocatedBytes() const { return m_allocatedBytes.load(std::memory_order_relaxed); }

private:
    // Arena blocks are 2 MiB multiples, prepared (allocated and faulted in) ahead of use on a
    // helper thread: first-touch page faults were a third of the ingest cost. No huge-page hint:
    // first touch was 2.5 times slower with MADV_HUGEPAGE on the VMs we measured.
    static constexpr int ChunkBits = 15; // 32 Ki records (2 MiB) per chunk
    static constexpr quint64 ChunkMask = (1u << ChunkBits) - 1;
    static constexpr quint64 MaxChunks = 1u << 16; // 2 G records
    static constexpr qsizetype BlockSize = 4 << 20;
    static constexpr quint64 MaxBlocks = 1u << 18; // 1 TiB of 4 MiB blocks
    static constexpr int RowBlockBits = 19; // 512 Ki row ids (2 MiB) per block
    static constexpr quint64 MaxRowBlocks = 1u << 13;

    struct Block
    {
        char* data = nullptr;
        qsizetype used = 0;
        qsizetype capacity = 0;
    };

    class BlockPreparer;
    void* newBlock(size_t bytes); // a prepared block when one is ready, else a fresh one

    std::unique_ptr<BlockPreparer> m_preparer;
    bool m_prepareAhead = true;
    std::unique_ptr<std::atomic<EventRecord*>[]> m_chunks;
    std::unique_ptr<std::atomic<char*>[]> m_blocks;
    std::unique_ptr<std::atomic<quint32*>[]> m_rowBlocks;
    std::atomic<quint64> m_count {0};
    std::atomic<quint64> m_payloadBytes {0};
    std::atomic<quint64> m_allocatedBytes {0};

    // Writer-only state.
    quint64 m_blockCount = 0;
    Block m_current; // the block reservePayload() hands out from
    quint64 m_currentIndex = 0;
    bool m_reservedDedicated = false;
    quint64 m_rowBlockCount = 0;
    quint32 m_rowUsed = 0; // used entries in the last row block
};

} // namespace bmon
