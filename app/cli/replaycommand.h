// SPDX-License-Identifier: MIT
#pragma once

#include "core/eventstore.h"
#include "core/ingest.h"
#include "core/recording/recordingreader.h"

#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <memory>
#include <optional>

namespace bmon::cli {

class Output;

//! parseArguments() for commands taking one FILE argument (replay, stats): the path in \a file.
std::optional<int> parseFileArguments(
    QCommandLineParser& parser, const QString& command, const QStringList& arguments, QString* file);
//! Opens \a path; on failure says why on stderr and returns the exit code (2).
std::optional<int> openRecording(recording::RecordingReader& reader, const QString& path);

/*!
 * `baserow-monitor-cli replay FILE`: prints what `watch` printed (or would have) for a recording:
 * its frames go through Ingest into an EventStore, the live path, and out through the same
 * Output; state, subscription, notice and failure metas print as watch prints them, with their
 * recorded times. Full speed by default; --speed X paces by the recorded times (QTimer, no
 * sleeps), each session of the file starting right after the previous one. Exit 0 at the end,
 * 2 when the file cannot be read (missing, empty, not a recording, a newer format version).
 */
class ReplayCommand : public QObject
{
    Q_OBJECT
public:
    explicit ReplayCommand(QObject* parent = nullptr);
    ~ReplayCommand() override;

    int start(const QStringList& arguments);
    void requestStop();

signals:
    void finished(int exitCode);

private:
    void pump();
    bool fetch(); //!< the next line into m_pending; false at the end
    void play(const recording::Line& line);
    void printWarnings();
    void finish(int exitCode);

    recording::RecordingReader m_reader;
    EventStore m_store;
    std::unique_ptr<Ingest> m_ingest;
    std::unique_ptr<Output> m_output;
    std::optional<recording::Line> m_pending;
    int m_session = 0;
    double m_speed = 0; //!< 0 = as fast as possible
    qint64 m_baseUs = -1; //!< recorded time that maps to m_clock's start
    QElapsedTimer m_clock;
    QTimer m_timer;
    qsizetype m_warningsShown = 0;
    bool m_finishing = false;
};

} // namespace bmon::cli
