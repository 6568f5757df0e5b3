// SPDX-License-Identifier: MIT
#pragma once

#include "core/eventrecord.h"

#include <QByteArrayView>
#include <QStringView>

#include <vector>

namespace bmon {

class Clock;
class EventStore;

/*!
 * The one path every frame takes into the store, live or replayed: time-stamp, number, classify
 * and append. Text from QWebSocket is encoded to UTF-8 straight into the store's payload arena
 * and classified there, so a frame costs one conversion, one validating parse and no allocation
 * of its own.
 *
 * Frames above classifyLimit() bytes are kept as TooLarge records with the first
 * TooLargePrefix bytes. Lives on the writer thread of its store.
 */
class Ingest
{
public:
    explicit Ingest(EventStore& store, const Clock* clock = nullptr);

    static constexpr qsizetype DefaultClassifyLimit = qsizetype(256) << 20; // 256 MiB
    static constexpr qsizetype TooLargePrefix = 64 << 10;

    //! A text frame as QWebSocket delivers it. Returns the record's store index.
    quint64 ingestText(QStringView text, Direction direction = Direction::Received);
    //! A UTF-8 text frame (replay, tests). \a receivedUs < 0 means "now".
    quint64 ingestUtf8(
        QByteArrayView utf8, Direction direction = Direction::Received, qint64 receivedUs = -1);
    quint64 ingestBinary(
        QByteArrayView data, Direction direction = Direction::Received, qint64 receivedUs = -1);

    void setGeneration(quint16 generation) { m_generation = generation; }
    quint16 generation() const { return m_generation; }
    void setClassifyLimit(qsizetype bytes) { m_limit = bytes; }
    qsizetype classifyLimit() const { return m_limit; }

    EventStore& store() const { return m_store; }
    quint64 lastSeq() const { return m_seq; }
    quint64 errorCount() const { return m_errors; }

private:
    EventRecord stamp(Direction direction, qint64 receivedUs);
    quint64 finish(EventRecord& rec, qsizetype used);

    EventStore& m_store;
    const Clock* m_clock;
    std::vector<quint32> m_rowIds;
    qsizetype m_limit = DefaultClassifyLimit;
    quint64 m_seq = 0;
    quint64 m_errors = 0;
    quint16 m_generation = 0;
};

} // namespace bmon
