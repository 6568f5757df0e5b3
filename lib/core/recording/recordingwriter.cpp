// SPDX-License-Identifier: MIT
#include "core/recording/recordingwriter.h"

#include "core/eventstore.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

namespace bmon::recording {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("bmon::RecordingWriter", text);
}

// The buffer the callers fill holds entries, not text: a frame is copied as it is and encoded
// on the writer thread, so append*() costs a lock and a memcpy whatever the frame.
enum class EntryKind : quint8
{
    Text, //!< a ready line (header, meta)
    Frame,
};

struct EntryHead
{
    qint64 timeUs;
    quint64 seq;
    quint64 originalSize; //!< > size: a truncated (TooLarge) frame
    quint32 size;
    quint16 generation;
    EntryKind kind;
    quint8 direction;
    quint8 binary;
};

constexpr size_t WakeBytes = size_t(1) << 20; // wake the writer early past 1 MiB
constexpr size_t ChunkBytes = size_t(1) << 20;
constexpr size_t MaxSpareChunks = 8;
constexpr size_t MaxPendingBytes = size_t(512) << 20; // the disk cannot keep up: stop

// Entries are appended to a list of chunks: a growing backlog never moves what is buffered (a
// reallocating buffer made single appends take 100 ms once the backlog reached 100 MB).
struct Chunk
{
    std::unique_ptr<char[]> data;
    size_t size = 0;
    size_t capacity = 0;
};

// Writes all of \a data; false with errno set on an error.
bool writeAll(int fd, const char* data, size_t size)
{
    while (size > 0) {
        const ssize_t n = ::write(fd, data, size);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        data += n;
        size -= size_t(n);
    }
    return true;
}

} // namespace

struct RecordingWriter::Private
{
    // Set by open()/close() on the owner's thread only.
    QString path;
    int fd = -1;
    std::thread thread;

    std::mutex mutex;
    std::condition_variable wake; // the writer thread waits on it
    std::condition_variable flushed; // flush() waits on it
    std::vector<Chunk> pending; // guarded by mutex
    std::vector<Chunk> spare; // guarded: written chunks for reuse
    size_t pendingBytes = 0; // guarded
    bool stop = false; // guarded
    quint64 flushRequested = 0; // guarded
    quint64 flushDone = 0; // guarded
    QString error; // guarded

    std::atomic<bool> failed {false};
    std::atomic<int> intervalMs {100};
    std::atomic<quint64> lines {0};
    std::atomic<qint64> bytes {0};

    void push(const EntryHead& head, const char* data, size_t size)
    {
        if (failed.load(std::memory_order_relaxed))
            return;
        const size_t need = sizeof head + size;
        std::lock_guard lock(mutex);
        if (fd < 0)
            return;
        if (pendingBytes + need > MaxPendingBytes) {
            fail(tr("Recording to %1 stopped: the disk cannot keep up").arg(path));
            return;
        }
        if (pending.empty() || pending.back().capacity - pending.back().size < need) {
            Chunk chunk;
            if (need <= ChunkBytes && !spare.empty()) {
                chunk = std::move(spare.back());
                spare.pop_back();
            } else {
                chunk.capacity = std::max(need, ChunkBytes);
                chunk.data.reset(new char[chunk.capacity]);
            }
            pending.push_back(std::move(chunk));
        }
        Chunk& c = pending.back();
        std::memcpy(c.data.get() + c.size, &head, sizeof head);
        if (size > 0)
            std::memcpy(c.data.get() + c.size + sizeof head, data, size);
        c.size += need;
        const size_t before = pendingBytes;
        pendingBytes += need;
        if (before < WakeBytes && pendingBytes >= WakeBytes)
            wake.notify_one();
    }

    void fail(const QString& why) // with mutex held
    {
        if (error.isEmpty())
            error = why;
        failed.store(true, std::memory_order_relaxed);
        pending.clear();
        pendingBytes = 0;
    }

    void run()
    {
        std::vector<Chunk> batch;
        QByteArray out;
        std::unique_lock lock(mutex);
        for (;;) {
            wake.wait_for(lock, std::chrono::milliseconds(intervalMs.load(std::memory_order_relaxed)),
                [&] { return stop || flushRequested != flushDone || pendingBytes >= WakeBytes; });
            const bool stopping = stop;
            const quint64 request = flushRequested;
            batch.swap(pending); // the callers go on filling new chunks meanwhile
            pendingBytes = 0;
            lock.unlock();

            quint64 batchLines = 0;
            out.resize(0);
            for (const Chunk& chunk : batch) {
                const char* p = chunk.data.get();
                const char* end = p + chunk.size;
                while (p < end) {
                    EntryHead head;
                    std::memcpy(&head, p, sizeof head);
                    p += sizeof head;
                    if (head.kind == EntryKind::Text)
                        out.append(p, head.size);
                    else
                        encodeFrameAppend(head.timeUs, head.seq, Direction(head.direction), head.generation,
                            QByteArrayView(p, head.size), head.binary != 0, out, head.originalSize);
                    p += head.size;
                    ++batchLines;
                }
            }
            // One write(2) per batch: whole lines in order; only a kill in the middle of a batch
            // can leave a torn last line, which readers skip.
            bool ok = true;
            int err = 0;
            if (!out.isEmpty() && !failed.load(std::memory_order_relaxed)) {
                ok = writeAll(fd, out.constData(), size_t(out.size()));
                err = errno;
                if (ok) {
                    lines.fetch_add(batchLines, std::memory_order_relaxed);
                    bytes.fetch_add(out.size(), std::memory_order_relaxed);
                }
            }
            if (out.capacity() > qsizetype(64) << 20)
                out = QByteArray(); // after a burst of huge frames or a long backlog
            lock.lock();
            for (Chunk& chunk : batch) {
                if (chunk.capacity == ChunkBytes && spare.size() < MaxSpareChunks) {
                    chunk.size = 0;
                    spare.push_back(std::move(chunk));
                }
            }
            batch.clear();
            if (!ok)
                fail(tr("Cannot write the recording %1: %2")
                         .arg(path, QString::fromLocal8Bit(std::strerror(err))));
            flushDone = request;
            flushed.notify_all();
            if (stopping && pending.empty())
                return;
        }
    }
};

RecordingWriter::RecordingWriter() : d(std::make_unique<Private>())
{ }

RecordingWriter::~RecordingWriter()
{
    close();
}

bool RecordingWriter::open(const QString& path, const Header& header, QString* error)
{
    close();
    auto failWith = [&](const QString& why) {
        if (error)
            *error = why;
        return false;
    };

    // Appending to something that is not a recording would damage it; a file that ends in a torn
    // line (a killed recorder) gets a line break first so the new session starts on its own line.
    bool needNewline = false;
    {
        QFile existing(path);
        if (existing.exists() && existing.size() > 0) {
            if (!existing.open(QIODevice::ReadOnly))
                return failWith(tr("Cannot open %1: %2").arg(path, existing.errorString()));
            const QByteArray head = existing.read(1 << 20);
            const qsizetype nl = head.indexOf('\n');
            const Decoded first = decodeLine(nl >= 0 ? QByteArrayView(head).first(nl) : QByteArrayView(head));
            if (!first.header && first.error != DecodeError::NewerVersion)
                return failWith(
                    tr("%1 exists and is not a Baserow Monitor recording: not appending to it").arg(path));
            if (existing.seek(existing.size() - 1)) {
                char last = '\n';
                existing.getChar(&last);
                needNewline = last != '\n';
            }
        }
    }

    const QByteArray native = QFile::encodeName(path);
    const int fd = ::open(native.constData(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return failWith(
            tr("Cannot open %1 for recording: %2").arg(path, QString::fromLocal8Bit(std::strerror(errno))));
    QByteArray first = needNewline ? QByteArray("\n") : QByteArray();
    first += encodeHeader(header);
    if (!writeAll(fd, first.constData(), size_t(first.size()))) {
        const int err = errno;
        ::close(fd);
        return failWith(
            tr("Cannot write the recording %1: %2").arg(path, QString::fromLocal8Bit(std::strerror(err))));
    }

    d->path = path;
    d->fd = fd;
    d->stop = false;
    d->error.clear();
    d->failed.store(false);
    d->flushRequested = d->flushDone = 0;
    d->lines.store(1);
    d->bytes.store(first.size());
    d->thread = std::thread([this] { d->run(); });
    return true;
}

bool RecordingWriter::isOpen() const
{
    return d->fd >= 0;
}

QString RecordingWriter::path() const
{
    return d->path;
}

void RecordingWriter::appendRecord(const EventRecord& rec, QByteArrayView payload)
{
    EntryHead head {};
    head.kind = EntryKind::Frame;
    head.timeUs = rec.receivedUs;
    head.seq = rec.seq;
    head.generation = rec.generation;
    head.direction = quint8(rec.direction());
    head.binary = rec.status() == ParseStatus::BinaryFrame;
    head.originalSize = rec.hasFlag(RecordFlag::PayloadTruncated) ? rec.originalSize() : 0;
    head.size = quint32(payload.size());
    d->push(head, payload.data(), size_t(payload.size()));
}

void RecordingWriter::appendLine(const Line& line)
{
    if (line.kind == Line::Kind::Frame) {
        EntryHead head {};
        head.kind = EntryKind::Frame;
        head.timeUs = line.timeUs;
        head.seq = line.seq;
        head.generation = line.generation;
        head.direction = quint8(line.direction);
        head.binary = line.binary;
        head.size = quint32(line.frame.size());
        d->push(head, line.frame.constData(), size_t(line.frame.size()));
        return;
    }
    const QByteArray text = encodeLine(line);
    EntryHead head {};
    head.kind = EntryKind::Text;
    head.size = quint32(text.size());
    d->push(head, text.constData(), size_t(text.size()));
}

void RecordingWriter::appendMeta(
    const QString& type, qint64 timeUs, quint64 seq, quint16 generation, const QJsonObject& fields)
{
    Line line;
    line.kind = Line::Kind::Meta;
    line.timeUs = timeUs;
    line.seq = seq;
    line.generation = generation;
    line.metaType = type;
    line.meta = fields;
    appendLine(line);
}

void RecordingWriter::close()
{
    if (d->fd < 0)
        return;
    {
        std::lock_guard lock(d->mutex);
        d->stop = true;
        d->wake.notify_one();
    }
    d->thread.join();
    std::lock_guard lock(d->mutex);
    if (::close(d->fd) != 0 && d->error.isEmpty())
        d->error = tr("Cannot write the recording %1: %2")
                       .arg(d->path, QString::fromLocal8Bit(std::strerror(errno)));
    d->fd = -1;
}

void RecordingWriter::flush()
{
    if (d->fd < 0)
        return;
    std::unique_lock lock(d->mutex);
    const quint64 request = ++d->flushRequested;
    d->wake.notify_one();
    d->flushed.wait(lock, [&] { return d->flushDone >= request; });
}

void RecordingWriter::setFlushIntervalMs(int ms)
{
    d->intervalMs.store(qBound(1, ms, 200));
}

quint64 RecordingWriter::linesWritten() const
{
    return d->lines.load(std::memory_order_relaxed);
}

qint64 RecordingWriter::bytesWritten() const
{
    return d->bytes.load(std::memory_order_relaxed);
}

QString RecordingWriter::errorString() const
{
    std::lock_guard lock(d->mutex);
    return d->error;
}

} // namespace bmon::recording
