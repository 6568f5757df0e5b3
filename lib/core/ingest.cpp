// SPDX-License-Identifier: MIT
#include "core/ingest.h"

#include "core/classifier.h"
#include "core/clock.h"
#include "core/eventstore.h"
#include "core/utf8.h"

#include <cstring>

namespace bmon {

Ingest::Ingest(EventStore& store, const Clock* clock)
    : m_store(store), m_clock(clock ? clock : Clock::system())
{
    m_rowIds.reserve(256);
}

EventRecord Ingest::stamp(Direction direction, qint64 receivedUs)
{
    EventRecord rec;
    rec.receivedUs = receivedUs >= 0 ? receivedUs : m_clock->nowUs();
    rec.seq = ++m_seq;
    rec.generation = m_generation;
    rec.setDirection(direction);
    return rec;
}

quint64 Ingest::finish(EventRecord& rec, qsizetype used)
{
    if (rec.isError())
        ++m_errors;
    const bool withRows = !rec.isError() && rec.rowCount > 0;
    return m_store.commit(
        rec, used, withRows ? m_rowIds.data() : nullptr, withRows ? quint32(m_rowIds.size()) : 0);
}

quint64 Ingest::ingestText(QStringView text, Direction direction)
{
    // UTF-8 takes at most 3 bytes per UTF-16 unit; only frames that might pass the limit are measured.
    if (text.size() * 3 > m_limit)
        return ingestUtf8(text.toUtf8(), direction);
    EventRecord rec = stamp(direction, -1);
    char* dst = m_store.reservePayload(text.size() * 3 + ClassifyPadding);
    const qsizetype used = encodeUtf8(text, dst) - dst;
    classifyFrame(dst, used, direction, rec, m_rowIds, EventStore::MaxRowIdsPerEvent, true);
    return finish(rec, used);
}

quint64 Ingest::ingestUtf8(QByteArrayView utf8, Direction direction, qint64 receivedUs)
{
    EventRecord rec = stamp(direction, receivedUs);
    if (utf8.size() > m_limit) {
        const qsizetype keep = TooLargePrefix;
        char* dst = m_store.reservePayload(keep);
        std::memcpy(dst, utf8.data(), size_t(keep));
        classifyBinaryFrame(rec);
        rec.setStatus(ParseStatus::TooLarge);
        rec.flags |= RecordFlag::PayloadTruncated;
        rec.rowRef = quint32(qMin<qsizetype>(utf8.size(), 0xffffffff));
        m_rowIds.clear();
        return finish(rec, keep);
    }
    char* dst = m_store.reservePayload(utf8.size() + ClassifyPadding);
    if (!utf8.isEmpty())
        std::memcpy(dst, utf8.data(), size_t(utf8.size()));
    classifyFrame(dst, utf8.size(), direction, rec, m_rowIds, EventStore::MaxRowIdsPerEvent, true);
    return finish(rec, utf8.size());
}

quint64 Ingest::ingestBinary(QByteArrayView data, Direction direction, qint64 receivedUs)
{
    EventRecord rec = stamp(direction, receivedUs);
    const qsizetype keep = qMin<qsizetype>(data.size(), m_limit > TooLargePrefix ? m_limit : TooLargePrefix);
    char* dst = m_store.reservePayload(keep);
    if (keep > 0)
        std::memcpy(dst, data.data(), size_t(keep));
    classifyBinaryFrame(rec);
    if (keep < data.size())
        rec.flags |= RecordFlag::PayloadTruncated;
    m_rowIds.clear();
    return finish(rec, keep);
}

} // namespace bmon
