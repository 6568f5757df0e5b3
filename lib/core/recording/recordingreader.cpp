// SPDX-License-Identifier: MIT
#include "core/recording/recordingreader.h"

#include "core/eventstore.h"
#include "core/ingest.h"

#include <QCoreApplication>
#include <QFile>

#include <climits>
#include <cstring>
#include <vector>

namespace bmon::recording {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("bmon::RecordingReader", text);
}

constexpr qsizetype ReadChunk = qsizetype(4) << 20;
constexpr int MaxWarnings = 200;

} // namespace

struct RecordingReader::Private
{
    QFile file;
    Error error = Error::None;
    QString errorText;
    Header header;
    int sessions = 0;
    QStringList warnings;
    qint64 suppressedWarnings = 0;
    qint64 fileSize = 0;
    qint64 position = 0; // bytes of the lines handed out
    qint64 lineNumber = 0;
    qint64 maxLineBytes = qint64(1) << 30;
    bool stopped = false; // a newer session: the rest is unreadable

    // The read buffer: [begin, end) holds unread bytes; [begin, scanned) has no '\n'.
    std::vector<char> buf;
    qsizetype begin = 0;
    qsizetype end = 0;
    qsizetype scanned = 0;
    bool eof = false;
    bool skipping = false; // inside an over-long line

    // Scratch for decoding, reused line after line.
    Header scratchHeader;

    void warn(const QString& text)
    {
        if (warnings.size() < MaxWarnings)
            warnings.append(text);
        else
            ++suppressedWarnings;
    }

    bool fill()
    {
        if (eof)
            return false;
        if (begin > 0) {
            std::memmove(buf.data(), buf.data() + begin, size_t(end - begin));
            end -= begin;
            scanned -= begin;
            begin = 0;
        }
        if (end == qsizetype(buf.size()))
            buf.resize(buf.size() * 2); // a line longer than the buffer
        const qint64 n = file.read(buf.data() + end, qint64(buf.size()) - end);
        if (n <= 0) {
            if (n < 0)
                warn(tr("%1: read error after %2 bytes: %3")
                         .arg(file.fileName())
                         .arg(position)
                         .arg(file.errorString()));
            eof = true;
            return false;
        }
        end += n;
        return true;
    }

    //! The next line without its '\n' (and a '\r' before it); \a terminated is false for a last
    //! line without '\n'. The view is valid until the next call.
    bool nextRawLine(QByteArrayView& line, bool& terminated)
    {
        for (;;) {
            if (const void* nl = std::memchr(buf.data() + scanned, '\n', size_t(end - scanned))) {
                const qsizetype at = static_cast<const char*>(nl) - buf.data();
                const qsizetype from = begin;
                begin = scanned = at + 1;
                position += at + 1 - from;
                ++lineNumber;
                if (skipping) {
                    skipping = false;
                    continue;
                }
                qsizetype len = at - from;
                if (len > 0 && buf[size_t(at - 1)] == '\r')
                    --len;
                line = QByteArrayView(buf.data() + from, len);
                terminated = true;
                return true;
            }
            scanned = end;
            if (!skipping && end - begin > maxLineBytes) {
                // Too long to hold: drop it as it streams past.
                warn(tr("line %1: longer than %2 MiB (skipped)").arg(lineNumber + 1).arg(maxLineBytes >> 20));
                skipping = true;
            }
            if (skipping) {
                position += end - begin;
                begin = scanned = end;
            }
            if (!fill()) {
                if (begin == end)
                    return false;
                ++lineNumber;
                line = QByteArrayView(buf.data() + begin, end - begin);
                position += end - begin;
                begin = scanned = end;
                terminated = false;
                return true;
            }
        }
    }

    //! The next frame or meta line into \a line; headers start sessions. With \a fast, a
    //! complete frame line as the writer lays it out comes as *fast (see decodeWrittenFrameLine())
    //! and \a line is untouched; *fastUsed says which.
    bool next(Line& line, FrameRef* fast = nullptr, bool* fastUsed = nullptr)
    {
        if (fastUsed)
            *fastUsed = false;
        if (error != Error::None || stopped)
            return false;
        QByteArrayView text;
        bool terminated = true;
        while (nextRawLine(text, terminated)) {
            if (text.trimmed().isEmpty())
                continue;
            if (fast && terminated && decodeWrittenFrameLine(text, *fast)) {
                *fastUsed = true;
                return true;
            }
            bool isHeader = false;
            QString why;
            const DecodeError e = decodeLineInto(text, line, scratchHeader, isHeader, &why);
            if (e == DecodeError::None) {
                if (!isHeader)
                    return true;
                header = scratchHeader;
                ++sessions;
                continue;
            }
            if (!terminated) {
                warn(tr("line %1: torn last line (%2 bytes, the recorder was probably interrupted): skipped")
                         .arg(lineNumber)
                         .arg(text.size()));
                continue;
            }
            if (e == DecodeError::NewerVersion) {
                warn(tr("line %1: a session %2; the rest of the file is skipped").arg(lineNumber).arg(why));
                stopped = true;
                return false;
            }
            warn(tr("line %1: %2 (skipped)").arg(lineNumber).arg(why));
        }
        return false;
    }
};

RecordingReader::RecordingReader() : d(std::make_unique<Private>())
{ }

RecordingReader::~RecordingReader() = default;

bool RecordingReader::open(const QString& path)
{
    d = std::make_unique<Private>();
    d->file.setFileName(path);
    if (!d->file.open(QIODevice::ReadOnly | QIODevice::Unbuffered)) {
        d->error = Error::CannotOpen;
        d->errorText = tr("Cannot open %1: %2").arg(path, d->file.errorString());
        return false;
    }
    d->fileSize = d->file.size();
    d->buf.resize(size_t(ReadChunk));

    // The first non-blank line must be a header. Something else (a binary file without line
    // breaks, say) is refused before reading far.
    d->fill();
    const char* p = d->buf.data();
    qsizetype i = 0;
    while (i < d->end && (p[i] == ' ' || p[i] == '\n' || p[i] == '\r' || p[i] == '\t'))
        ++i;
    if (i == d->end) {
        d->error = Error::Empty;
        d->errorText = tr("%1 is empty: it holds no recording").arg(path);
        return false;
    }
    if (p[i] != '{') {
        d->error = Error::NotARecording;
        d->errorText = tr("%1 is not a Baserow Monitor recording").arg(path);
        return false;
    }
    QByteArrayView text;
    bool terminated = true;
    while (d->nextRawLine(text, terminated) && text.trimmed().isEmpty()) { }
    Line line;
    bool isHeader = false;
    QString why;
    const DecodeError e = decodeLineInto(text, line, d->header, isHeader, &why);
    if (e == DecodeError::NewerVersion) {
        d->error = Error::NewerVersion;
        d->errorText = tr("Cannot read %1: %2").arg(path, why);
        return false;
    }
    if (e == DecodeError::None && isHeader) {
        d->sessions = 1;
        return true;
    }
    if (!terminated && e == DecodeError::NotJson) {
        d->error = Error::Empty;
        d->errorText = tr("%1 ends inside its header line: it holds no recording").arg(path);
        return false;
    }
    d->error = Error::NotARecording;
    d->errorText = tr("%1 is not a Baserow Monitor recording: %2").arg(path, isHeader ? QString() : why);
    if (e == DecodeError::None)
        d->errorText = tr("%1 is not a Baserow Monitor recording: its first line is not a header").arg(path);
    return false;
}

RecordingReader::Error RecordingReader::error() const
{
    return d->error;
}

QString RecordingReader::errorText() const
{
    return d->errorText;
}

const Header& RecordingReader::header() const
{
    return d->header;
}

bool RecordingReader::next(Line* line)
{
    return d->next(*line);
}

int RecordingReader::sessionCount() const
{
    return d->sessions;
}

QStringList RecordingReader::warnings() const
{
    QStringList all = d->warnings;
    if (d->suppressedWarnings > 0)
        all.append(QCoreApplication::translate("bmon::RecordingReader", "%n more warning(s) not shown",
            nullptr, int(qMin<qint64>(d->suppressedWarnings, INT_MAX))));
    return all;
}

qint64 RecordingReader::fileSize() const
{
    return d->fileSize;
}

qint64 RecordingReader::position() const
{
    return d->position;
}

void RecordingReader::setMaxLineBytes(qint64 bytes)
{
    d->maxLineBytes = qMax<qint64>(bytes, 1024);
}

qint64 RecordingReader::readInto(EventStore& store, const std::function<void(const Line&)>& meta,
    const std::function<void(qint64, qint64)>& progress)
{
    if (d->error != Error::None)
        return -1;
    Ingest ingest(store);
    Line line;
    qint64 frames = 0;
    qint64 reported = d->position;
    if (progress)
        progress(d->position, d->fileSize);
    // Frame lines as the writer lays them out are read in place, their frames validated once,
    // by the classifier: parsing each line's JSON first took a third of the time to open.
    FrameRef ref;
    bool fast = false;
    while (d->next(line, &ref, &fast)) {
        if (fast) {
            ingest.setGeneration(ref.generation);
            const quint64 index = ingest.ingestUtf8(ref.frame, ref.direction, ref.timeUs);
            ++frames;
            // Writers embed only valid JSON raw: an invalid one is a damaged line, kept as the
            // invalid frame it now is.
            const ParseStatus status = store.at(index).status();
            if (status == ParseStatus::InvalidJson || status == ParseStatus::EmptyFrame)
                d->warn(tr("line %1: damaged frame (kept as an invalid frame)").arg(d->lineNumber));
        } else if (line.kind == Line::Kind::Frame) {
            ingest.setGeneration(line.generation);
            if (line.binary)
                ingest.ingestBinary(line.frame, line.direction, line.timeUs);
            else
                ingest.ingestUtf8(line.frame, line.direction, line.timeUs);
            ++frames;
        } else if (meta) {
            meta(line);
        }
        if (progress && d->position - reported >= (qint64(4) << 20)) {
            reported = d->position;
            progress(d->position, d->fileSize);
        }
    }
    if (progress)
        progress(d->position, qMax(d->fileSize, d->position));
    return frames;
}

} // namespace bmon::recording
