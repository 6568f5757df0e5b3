// SPDX-License-Identifier: MIT
#pragma once

#include "core/recording/recordingformat.h"

#include <QString>

#include <memory>

namespace bmon {
class EventStore;
}

namespace bmon::recording {

/*!
 * Appends a recording to a file, crash-safe: lines are written in order by a writer thread and
 * handed to the kernel (write(2)) at least every flushIntervalMs (≤ 200 ms), so a SIGKILL loses
 * at most that much; the file is opened in append mode and never truncated or renamed (`--record
 * FILE` appends to FILE itself). append*() never block on the disk: they copy into a buffer
 * (thread-safe) and return. A write error stops recording and is reported by errorString().
 * Nothing secret may be passed in: callers redact URLs (core/redact.h); frames are what the
 * server sent (Baserow never sends the JWT over the socket).
 */
class RecordingWriter
{
public:
    RecordingWriter();
    ~RecordingWriter(); //!< close()
    RecordingWriter(const RecordingWriter&) = delete;
    RecordingWriter& operator=(const RecordingWriter&) = delete;

    //! Opens \a path for appending (created with mode 0600 when new) and writes \a header.
    bool open(const QString& path, const Header& header, QString* error);
    bool isOpen() const;
    QString path() const;

    //! A frame line from a stored record (its time, seq, direction, generation, verbatim bytes).
    void appendRecord(const EventRecord& rec, QByteArrayView payload);
    void appendLine(const Line& line);
    //! A meta line: \a type ("close", "subscription", …), \a fields; time and seq from the caller.
    void appendMeta(
        const QString& type, qint64 timeUs, quint64 seq, quint16 generation, const QJsonObject& fields);

    //! Writes everything buffered and closes (blocks until written: call it on shutdown).
    void close();
    //! Hands everything buffered to the kernel now (blocks; for tests and Save).
    void flush();

    void setFlushIntervalMs(int ms); //!< default 100, at most 200
    quint64 linesWritten() const;
    qint64 bytesWritten() const;
    QString errorString() const; //!< empty while fine

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace bmon::recording
