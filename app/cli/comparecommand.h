// SPDX-License-Identifier: MIT
#pragma once

#include "core/compare/finding.h"
#include "core/eventstore.h"
#include "net/connection.h"
#include "net/tablecomparer.h"

#include <QObject>

#include <memory>

namespace bmon {
class RestClient;
namespace sim {
class Simulator;
}
} // namespace bmon

namespace bmon::cli {

/*!
 * `baserow-monitor-cli compare`: logs in, follows one table's realtime events and checks them
 * against the server's rows (TableComparer), printing each confirmed finding on stdout (text or
 * JSON Lines) and the status on stderr. When --duration ends (or on SIGINT/SIGTERM) it lets the
 * pending suspicions settle (bounded) and exits 0 in sync or 3 with findings, writing the
 * --report file (docs/compare-report.md) in both cases. Other exit codes per ARCHITECTURE.md;
 * a table the server does not have (or refuses) gives 2.
 */
class CompareCommand : public QObject
{
    Q_OBJECT
public:
    explicit CompareCommand(QObject* parent = nullptr);
    ~CompareCommand() override;

    //! Parses \a arguments (argv without the subcommand) and starts. Returns -1 when the event
    //! loop should run (finished() follows), otherwise an exit code.
    int start(const QStringList& arguments);
    //! SIGINT/SIGTERM: decide now (no settling) and exit 0 or 3.
    void requestStop();

signals:
    void finished(int exitCode);

private:
    void onFinding(const Finding& finding);
    void onStatus(TableComparer::Status status);
    void onFailed(Connection::Failure failure, const QString& message);
    void beginEnd(bool settle);
    void checkEnd();
    void decide();
    bool writeReport(int exitCode);
    void finish(int exitCode);

    EventStore m_store;
    std::unique_ptr<sim::Simulator> m_demo;
    RestClient* m_rest = nullptr;
    Connection* m_connection = nullptr;
    TableComparer* m_comparer = nullptr;
    QString m_reportPath;
    bool m_jsonl = false;
    qint64 m_settleMs = 1500;
    bool m_ending = false;
    bool m_finishing = false;
};

} // namespace bmon::cli
