// SPDX-License-Identifier: MIT
#pragma once

#include "core/recording/recordingformat.h"

#include <QList>
#include <QString>

#include <functional>
#include <memory>

namespace bmon {
class EventStore;
}

namespace bmon::recording {

/*!
 * Reads a recording: every version up to FormatVersion (newer ones refused with a clear
 * message), several sessions per file, lines of any length (frames up to the classifier's
 * limit). A torn last line (a recorder killed mid-write) is skipped with a warning; a corrupted
 * line in the middle is skipped with a warning naming its line number; reading goes on. Never
 * crashes on bad input (fuzzed).
 */
class RecordingReader
{
public:
    enum class Error
    {
        None,
        CannotOpen, //!< missing, unreadable (errorText has the system's reason)
        Empty, //!< no header line
        NotARecording, //!< the first line is not a header of this format
        NewerVersion, //!< written by a newer monitor: the CLI exits 2
    };

    RecordingReader();
    ~RecordingReader();

    bool open(const QString& path);
    Error error() const;
    QString errorText() const; //!< translated, names the file

    //! The header of the session being read (the first one after open()).
    const Header& header() const;
    //! The next frame or meta line; false at the end. A later header starts a new session
    //! (header() changes, sessionCount() grows).
    bool next(Line* line);
    int sessionCount() const;

    QStringList warnings() const; //!< translated, "line 1234: not JSON (skipped)", "torn last line …"
    qint64 fileSize() const;
    qint64 position() const; //!< bytes consumed (progress)
    //! Lines longer than this are skipped with a warning (default 1 GiB; tests lower it).
    void setMaxLineBytes(qint64 bytes);

    /*!
     * Reads the whole file into \a store through Ingest (the live path: same classifier, same
     * records; receive times, directions and generations as recorded). Meta lines go to \a meta
     * when given. \a progress (bytes done, total) is called now and then. Returns the number of
     * frames stored, or -1 on an error (error()).
     */
    qint64 readInto(EventStore& store, const std::function<void(const Line&)>& meta = {},
        const std::function<void(qint64, qint64)>& progress = {});

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace bmon::recording
