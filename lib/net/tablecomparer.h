// SPDX-License-Identifier: MIT
#pragma once

#include "core/compare/finding.h"
#include "core/compare/tablemirror.h"
#include "net/connection.h"

#include <QObject>
#include <QString>

namespace bmon {

class Clock;
class EventStore;
class RestClient;

//! TableComparer::Options (outside the class: GCC cannot use a nested struct with default
//! member initialisers as a default argument inside the enclosing class).
struct TableComparerOptions
{
    qint64 settleMs = 1500; //!< TableMirror settle window
    qint64 resnapshotEveryMs = 0; //!< scheduled re-snapshots, 0 = none
    qint64 minSnapshotGapMs = 5000; //!< at least this between snapshot starts (not for the first)
    bool resnapshotOnReconnect = true;
    int maxConcurrentRefetches = 4; //!< GET row requests in flight at once
};

/*!
 * Compares one table's realtime events with the server (issue 4): subscribes to the table's
 * page, snapshots fields and rows after page_add, feeds the table's events from the store into
 * a TableMirror, re-fetches suspicious rows after the settle window, and re-snapshots on demand,
 * on a schedule, after every reconnect (the gap the official client never recovers, §7.3) and
 * after schema changes. Snapshots are throttled (minSnapshotGapMs) so a big table is not
 * hammered. It only fetches: all judgement is in TableMirror. GUI thread (or the CLI's main
 * thread); reads the store as Connection::eventsAppended publishes it.
 */
class TableComparer : public QObject
{
    Q_OBJECT
public:
    using Options = TableComparerOptions;

    enum class Status
    {
        Idle, //!< not started, or stopped
        WaitingForPage, //!< subscribed, no page_add yet
        Snapshotting, //!< fetching fields and rows (snapshotProgress)
        InSync, //!< no findings (suspicions may be settling)
        Diverged, //!< at least one finding
        Failed, //!< the page was rejected or a fetch failed; statusText() says why
    };
    Q_ENUM(Status)

    //! \a connection, \a rest and \a store must outlive the comparer. \a clock: nullptr = system.
    TableComparer(Connection* connection, RestClient* rest, const EventStore* store, qint64 tableId,
        const Options& options = {}, Clock* clock = nullptr, QObject* parent = nullptr);
    ~TableComparer() override;

    qint64 tableId() const;
    //! Subscribes to the table page (Connection::subscribe) and reads events stored from now on.
    void start();
    //! Unsubscribes (unless another user of the page still wants it) and stops all timers.
    void stop();
    //! A snapshot now, or as soon as the throttle allows; \a reason goes to the timeline.
    void resnapshot(const QString& reason = {});

    Status status() const;
    QString statusText() const; //!< translated: "In sync · 180 rows · snapshot 3 at 14:02:11"
    const TableMirror& mirror() const;
    TableMirror& mirror();
    int findingCount() const;
    qint64 lastSnapshotMs() const; //!< duration of the last completed snapshot, -1 = none
    qint64 nextSnapshotInMs() const; //!< scheduled or throttled snapshot countdown, -1 = none
    //! The report (docs/compare-report.md): table, server, timing, counts, findings.
    QJsonObject report() const;
    //! The table's page was rejected or the table answered 404 before any snapshot (CLI exit 2).
    bool tableUnavailable() const;
    //! No snapshot running, no suspicion pending and no re-fetch in flight or queued.
    bool isSettled() const;
    quint64 eventsSeen() const; //!< events of the table handed to the mirror

signals:
    void statusChanged(bmon::TableComparer::Status status);
    void findingAdded(const bmon::Finding& finding);
    void snapshotProgress(qint64 fetched, qint64 total);
    void snapshotFinished(int rowCount, qint64 durationMs);
    //! The mirror changed (events applied, rows confirmed): views refresh (coalesced).
    void mirrorChanged();

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace bmon
