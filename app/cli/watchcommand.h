// SPDX-License-Identifier: MIT
#pragma once

#include "core/eventstore.h"
#include "net/connection.h"

#include <QObject>

#include <memory>

namespace bmon {
class RestClient;
class SessionRecorder;
namespace sim {
class Simulator;
}
} // namespace bmon

namespace bmon::cli {

class Output;

/*!
 * `baserow-monitor-cli watch`: logs in, keeps the realtime connection, prints every frame and
 * every state change until --duration ends, a signal arrives or the run cannot continue.
 * Exit codes per ARCHITECTURE.md: 0 when --duration ends (or on SIGINT/SIGTERM), the failure's
 * code before the first live state, 4 for unrecoverable authentication at any time.
 */
class WatchCommand : public QObject
{
    Q_OBJECT
public:
    explicit WatchCommand(QObject* parent = nullptr);
    ~WatchCommand() override;

    //! Parses \a arguments (argv without the subcommand) and starts. Returns -1 when the event
    //! loop should run (finished() follows), otherwise an exit code.
    int start(const QStringList& arguments);
    //! SIGINT/SIGTERM: stop cleanly, exit 0.
    void requestStop();

    static int exitCodeFor(Connection::Failure failure);

signals:
    void finished(int exitCode);

private:
    void onEventsAppended();
    void onStateChanged(Connection::State state, const QString& reason);
    void onFailed(Connection::Failure failure, const QString& message);
    void finish(int exitCode);

    EventStore m_store;
    std::unique_ptr<sim::Simulator> m_demo;
    RestClient* m_rest = nullptr;
    Connection* m_connection = nullptr;
    std::unique_ptr<Output> m_output;
    SessionRecorder* m_recorder = nullptr; //!< --record FILE
    quint64 m_printed = 0;
    bool m_finishing = false;
};

} // namespace bmon::cli
