// SPDX-License-Identifier: MIT
#pragma once

#include "core/compare/finding.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <memory>
#include <optional>

namespace bmon {

/*!
 * The expected state of one table as its realtime events describe it, checked against snapshots
 * fetched over REST (PROTOCOL.md §7.4, §8). Pure: no I/O, no clock; every time is passed in (µs).
 * The caller (TableComparer in bmon_net) fetches snapshots and rows and feeds events in order.
 *
 * Rules:
 * - The first snapshot: events arriving between beginSnapshot() and completeSnapshot() are
 *   buffered and applied to the fetched rows afterwards, idempotently (the snapshot may already
 *   contain them: the echo can arrive before the HTTP response, §11).
 * - Events are applied by row id, key by key (partial rows since 1.35.2). rows_created inserts,
 *   rows_updated merges rows[i] (before image: the rows_before_update entry with the same id,
 *   never the index), rows_deleted removes. Values compare with baserowValuesEqual, on the keys
 *   both sides have (schema changes add and remove keys).
 * - An event whose after image already equals the mirror is not a finding. Otherwise a before
 *   image that differs from the mirror is stale_before_image, or out_of_order when a later
 *   event of the row already moved the mirror past it (its after image is the later event's
 *   before image); the late event's values are not applied over the newer ones.
 * - rows_created for a row the mirror got from an earlier rows_created is duplicate_create; for
 *   a row it got from a snapshot it is idempotent. rows_updated / rows_deleted of a row the
 *   mirror lacks are unknown_row_update / unknown_row_delete (the row is then taken from the
 *   event, so one loss gives one finding).
 * - Every finding starts as a suspicion on its row. After the settle window the caller
 *   re-fetches the row (rowsToConfirm → confirmRow). Suspicions that came from the race with a
 *   snapshot (an event received while the row's values came from a snapshot taken less than a
 *   settle window earlier, or buffered during the first snapshot; a row missing from or repeated
 *   in a snapshot, which offset paging under concurrent writes does) are dropped when the fresh
 *   row equals the mirror; the others are reported with the fresh values attached. An event of
 *   the row arriving while its re-fetch is in flight defers the decision by another window.
 * - completeSnapshot() after the first diffs the expected state with the fresh rows per row and
 *   field: a row only on the server is missed_create, only in the mirror missed_delete, values
 *   differing missed_update, each naming the last event that touched the row, each confirmed by
 *   a re-fetch like the others. A confirmed row adopts the server's values (reported once).
 * - Schema changes ask for a re-snapshot (resnapshotWanted) instead of producing findings.
 *   field_created/updated/deleted/restored of the table (or of a related field in it) and
 *   row_orders_recalculated change single columns without row events: the mirror forgets those
 *   columns and learns them from the next snapshot that began after the change, so the other
 *   columns and the rows' existence stay checked. table_updated with force_table_refresh
 *   (imports, syncs, mass restores) can change anything: the next snapshot is a reset
 *   (resetWanted), adopted without findings, and no suspicion is raised until then.
 */
class TableMirror
{
public:
    struct Options
    {
        qint64 settleUs = 1'500'000; //!< wait after a suspicion before re-fetching the row
        int timelineLimit = 64; //!< entries kept per row (oldest dropped)
        int maxDeferrals = 3; //!< re-fetches of a row whose events keep arriving, then decide
    };

    enum class Phase
    {
        NoSnapshot, //!< nothing fetched yet; events are ignored
        FirstSnapshot, //!< the first snapshot is being fetched; events are buffered
        Live, //!< expected state known; events apply and produce suspicions
    };

    explicit TableMirror(qint64 tableId);
    TableMirror(qint64 tableId, const Options& options);
    ~TableMirror();
    TableMirror(TableMirror&&) noexcept;
    TableMirror& operator=(TableMirror&&) noexcept;

    qint64 tableId() const;
    Phase phase() const;
    //! Field names for findings and timelines ("field_102" → "Seats").
    void setFieldNames(const QHash<QString, QString>& keyToName);

    // Snapshots ---------------------------------------------------------------------------------
    //! A snapshot fetch starts now. The first one buffers the events that arrive meanwhile.
    void beginSnapshot(qint64 nowUs);
    //! The rows as fetched (any order; a repeated id: the last copy wins). \a reset adopts them
    //! without a diff (schema changes). Returns the number of rows that became suspicions.
    int completeSnapshot(const QList<QJsonObject>& rows, qint64 nowUs, bool reset = false);
    //! The fetch failed: back to the state before beginSnapshot() (buffered events are kept and
    //! applied with the next snapshot).
    void abortSnapshot();
    int snapshotCount() const; //!< completed snapshots
    qint64 lastSnapshotUs() const; //!< 0 = none

    // Events ------------------------------------------------------------------------------------
    //! A realtime message, in arrival order. Messages of other tables and types the mirror does
    //! not use are ignored. \a seq and \a receivedUs are the EventRecord's.
    void applyEvent(quint64 seq, qint64 receivedUs, const QJsonObject& message);
    //! A REST write the monitor made itself (echo probe), for the row's timeline.
    void noteRest(qint64 rowId, const QString& what, const std::optional<QJsonObject>& values, qint64 nowUs);

    // Confirmation ------------------------------------------------------------------------------
    //! Rows whose settle window has passed: re-fetch each now (GET the row) and call confirmRow().
    //! A row is returned once until confirmRow() (or its deferral) is done with it.
    QList<qint64> rowsToConfirm(qint64 nowUs);
    //! When rowsToConfirm() next has rows (µs), -1 when nothing waits.
    qint64 nextConfirmUs() const;
    //! The row as the server has it now (nullopt: 404), for a re-fetch requested at \a requestedUs.
    //! Returns the findings this confirmed (already appended to findings()).
    QList<Finding> confirmRow(
        qint64 rowId, const std::optional<QJsonObject>& fresh, qint64 requestedUs, qint64 nowUs);
    int pendingSuspicions() const;

    // Re-snapshot requests ----------------------------------------------------------------------
    bool resnapshotWanted() const; //!< a schema change happened since the last snapshot began
    bool resetWanted() const; //!< the next snapshot should be a reset (force_table_refresh)
    QString resnapshotReason() const; //!< "field_created", … (empty when none)

    // Results -----------------------------------------------------------------------------------
    const QList<Finding>& findings() const;
    void clearFindings();
    int rowCount() const;
    std::optional<QJsonObject> row(qint64 rowId) const; //!< the expected values
    QList<qint64> rowIds() const; //!< sorted
    QList<TimelineEntry> timeline(qint64 rowId) const;
    //! The last event applied to the row, if any.
    std::optional<EventRef> lastEvent(qint64 rowId) const;

    /*!
     * Per row and field: \a expected vs \a actual (both keyed by row id), on the keys both rows
     * have; \a lastEvents names the last event per row. Pure and static so the 100,000-row diff
     * can be measured on its own (bench_compare). The kinds are missed_*.
     */
    static QList<Finding> diff(const QHash<qint64, QJsonObject>& expected,
        const QHash<qint64, QJsonObject>& actual, const QHash<qint64, EventRef>& lastEvents = {},
        const QHash<QString, QString>& fieldNames = {});

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace bmon
