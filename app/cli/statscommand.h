// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>

namespace bmon::cli {

/*!
 * `baserow-monitor-cli stats FILE`: what a recording holds, at a glance: frames and rates per
 * type, per workspace and per table (with names when frames carried them), reconnects and
 * closes, gaps (silences longer than --gap seconds within a session), time span and bytes.
 * Frames are classified through Ingest, as live. Text or JSON; exit 0, or 2 when the file
 * cannot be read (the same rules as replay).
 */
class StatsCommand : public QObject
{
    Q_OBJECT
public:
    explicit StatsCommand(QObject* parent = nullptr);

    //! Reads the whole file and prints; always returns an exit code (no event loop needed).
    int start(const QStringList& arguments);
    void requestStop() { }

signals:
    void finished(int exitCode);
};

} // namespace bmon::cli
