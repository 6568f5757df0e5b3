// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>

#include <memory>

namespace bmon::sim {
class Simulator;
}

namespace bmon::cli {

/*!
 * `baserow-monitor-cli simulate`: runs the built-in Baserow simulator until SIGINT/SIGTERM.
 * The first stdout line is the base URL, the second the login, so scripts can read them.
 */
class SimulateCommand : public QObject
{
    Q_OBJECT
public:
    explicit SimulateCommand(QObject* parent = nullptr);
    ~SimulateCommand() override;

    //! Returns -1 when the event loop should run, otherwise an exit code.
    int start(const QStringList& arguments);
    void requestStop();

signals:
    void finished(int exitCode);

private:
    std::unique_ptr<sim::Simulator> m_simulator;
};

} // namespace bmon::cli
