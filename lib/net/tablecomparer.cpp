// SPDX-License-Identifier: MIT
#include "net/tablecomparer.h"

#include "core/clock.h"
#include "core/eventstore.h"
#include "core/logging.h"
#include "core/redact.h"
#include "net/restclient.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QPointer>
#include <QSet>

using namespace Qt::StringLiterals;

namespace bmon {

namespace {

QString isoUs(qint64 us)
{
    if (us <= 0)
        return {};
    return QDateTime::fromMSecsSinceEpoch(us / 1000, Qt::UTC).toString(Qt::ISODateWithMs);
}

//! Field types whose cells change with edits in other tables, which send this table no event
//! (PROTOCOL.md §1.8, weak spot 5): a link's other side, lookups and aggregates of linked rows.
bool isCrossTableType(const QString& type)
{
    return type == "link_row"_L1 || type == "lookup"_L1 || type == "count"_L1 || type == "rollup"_L1;
}

//! Drops the cells that cannot be checked against this table's events.
bool stripRow(QJsonObject& row, const QSet<QString>& keys)
{
    bool changed = false;
    for (const QString& key : keys) {
        if (row.contains(key)) {
            row.remove(key);
            changed = true;
        }
    }
    return changed;
}

void stripRows(QJsonObject& message, QLatin1String key, const QSet<QString>& keys)
{
    if (keys.isEmpty() || !message.value(key).isArray())
        return;
    QJsonArray rows = message.value(key).toArray();
    for (auto it = rows.begin(); it != rows.end(); ++it) {
        QJsonObject row = it->toObject();
        stripRow(row, keys);
        *it = row;
    }
    message.insert(key, rows);
}

} // namespace

struct TableComparer::Private
{
    Private(qint64 table, const TableMirror::Options& mirrorOptions) : mirror(table, mirrorOptions) { }

    TableComparer* q = nullptr;
    Connection* connection = nullptr;
    RestClient* rest = nullptr;
    const EventStore* store = nullptr;
    qint64 tableId = 0;
    Options options;
    Clock* clock = nullptr;
    TableMirror mirror;
    Page page;

    Status status = Status::Idle;
    QString failure; //!< translated, for Failed
    bool tableUnavailable = false;
    bool running = false;
    bool ownsSubscription = false;
    quint64 epoch = 0; //!< bumped by stop(): late callbacks of an older run are dropped
    quint64 readIndex = 0;
    quint64 eventsSeen = 0;
    qint64 startedUs = 0;
    qint64 endedUs = 0;
    QString tableName;
    int reported = 0; //!< findings already emitted
    QSet<QString> skipKeys; //!< cross-table cells, not compared (isCrossTableType)
    bool fieldsPending = false; //!< a snapshot waits for the field list: events wait with it

    // Snapshots
    bool pageActive = false;
    bool snapshotting = false;
    bool snapshotAgain = false; //!< a request arrived while one was running
    QString pendingReason;
    quint64 snapshotSerial = 0;
    quint16 snapshotGeneration = 0; //!< connection generation the last snapshot started on
    qint64 snapshotStartedMs = -1;
    qint64 lastSnapshotStartMs = -1;
    qint64 lastSnapshotMs = -1;
    qint64 fetched = 0;
    qint64 total = 0;
    Clock::TimerId throttleTimer = 0;
    qint64 throttleDueMs = -1;
    Clock::TimerId scheduleTimer = 0;
    qint64 scheduleDueMs = -1;

    // Confirmation
    Clock::TimerId confirmTimer = 0;
    qint64 confirmDueUs = -1;
    QList<qint64> confirmQueue;
    int inflight = 0;

    bool mirrorChangedQueued = false;

    qint64 nowUs() const { return clock->nowUs(); }
    qint64 nowMs() const { return clock->monotonicMs(); }

    void cancel(Clock::TimerId& id)
    {
        if (id) {
            clock->cancel(id);
            id = 0;
        }
    }

    void setStatus(Status s)
    {
        if (s == status)
            return;
        status = s;
        emit q->statusChanged(s);
    }

    //! InSync / Diverged from the mirror, unless a snapshot or a failure says otherwise.
    void updateStatus()
    {
        if (!running || status == Status::Failed || snapshotting || mirror.snapshotCount() == 0)
            return;
        setStatus(mirror.findings().isEmpty() ? Status::InSync : Status::Diverged);
    }

    void fail(const QString& message)
    {
        failure = message;
        qCWarning(lcRest).noquote() << "compare table" << tableId << "failed:" << message;
        setStatus(Status::Failed);
    }

    void noteMirrorChanged()
    {
        if (mirrorChangedQueued)
            return;
        mirrorChangedQueued = true;
        QMetaObject::invokeMethod(
            q,
            [this] {
                mirrorChangedQueued = false;
                emit q->mirrorChanged();
            },
            Qt::QueuedConnection);
    }

    void emitNewFindings()
    {
        const QList<Finding>& all = mirror.findings();
        if (all.size() < reported)
            reported = int(all.size()); // cleared meanwhile
        const int from = reported;
        reported = int(all.size());
        for (int i = from; i < all.size(); ++i)
            emit q->findingAdded(all.at(i));
        updateStatus();
    }

    //! A field created or changed between snapshots: its cells are comparable or not by its new type.
    void noteFieldTypes(const QJsonObject& message)
    {
        const QString type = message.value("type"_L1).toString();
        if (type != "field_created"_L1 && type != "field_updated"_L1 && type != "field_restored"_L1)
            return;
        QJsonArray fields = message.value("related_fields"_L1).toArray();
        fields.prepend(message.value("field"_L1));
        for (const QJsonValue& v : fields) {
            const QJsonObject f = v.toObject();
            if (jsonId(f.value("table_id"_L1)) != tableId || jsonId(f.value("id"_L1)) == 0)
                continue;
            const QString key = u"field_%1"_s.arg(jsonId(f.value("id"_L1)));
            if (isCrossTableType(f.value("type"_L1).toString()))
                skipKeys.insert(key);
            else
                skipKeys.remove(key);
        }
    }

    //! Hands every new record of the table to the mirror, in store order.
    void drainEvents()
    {
        if (!running || fieldsPending)
            return;
        const quint64 n = store->count();
        bool any = false;
        for (; readIndex < n; ++readIndex) {
            const EventRecord& rec = store->at(readIndex);
            if (rec.direction() != Direction::Received || rec.isError() || rec.tableId != quint64(tableId))
                continue;
            const QJsonDocument doc = QJsonDocument::fromJson(store->payload(rec).toByteArray());
            if (!doc.isObject())
                continue;
            QJsonObject message = doc.object();
            noteFieldTypes(message);
            stripRows(message, "rows"_L1, skipKeys);
            stripRows(message, "rows_before_update"_L1, skipKeys);
            mirror.applyEvent(rec.seq, rec.receivedUs, message);
            ++eventsSeen;
            any = true;
        }
        if (!any)
            return;
        noteMirrorChanged();
        emitNewFindings();
        if (mirror.resnapshotWanted() && !snapshotting)
            requestSnapshot(mirror.resnapshotReason());
        scheduleConfirm();
    }

    // ---- snapshots -----------------------------------------------------------------------------

    void requestSnapshot(const QString& reason)
    {
        if (!running)
            return;
        pendingReason = reason;
        if (snapshotting) {
            snapshotAgain = true;
            return;
        }
        if (!pageActive)
            return; // taken up when the page is active again
        if (throttleTimer)
            return; // already due
        const qint64 now = nowMs();
        if (lastSnapshotStartMs >= 0 && now - lastSnapshotStartMs < options.minSnapshotGapMs) {
            throttleDueMs = lastSnapshotStartMs + options.minSnapshotGapMs;
            throttleTimer = clock->schedule(throttleDueMs - now, q, [this] {
                throttleTimer = 0;
                throttleDueMs = -1;
                startSnapshot();
            });
            return;
        }
        startSnapshot();
    }

    void startSnapshot()
    {
        if (!running || snapshotting)
            return;
        if (!pageActive) {
            snapshotAgain = true;
            return;
        }
        cancel(scheduleTimer);
        scheduleDueMs = -1;
        drainEvents(); // everything received before the fetch starts is applied to the old state
        snapshotting = true;
        snapshotAgain = false;
        const quint64 serial = ++snapshotSerial;
        const bool reset = mirror.resetWanted();
        const QString reason = pendingReason.isEmpty() ? QStringLiteral("snapshot") : pendingReason;
        pendingReason.clear();
        qCInfo(lcRest).noquote() << "compare table" << tableId << "snapshot" << (mirror.snapshotCount() + 1)
                                 << "(" << reason << (reset ? ", reset)" : ")");
        snapshotGeneration = connection->generation();
        snapshotStartedMs = lastSnapshotStartMs = nowMs();
        fetched = total = 0;
        if (status != Status::Failed || mirror.snapshotCount() > 0)
            failure.clear();
        setStatus(Status::Snapshotting);
        mirror.beginSnapshot(nowUs());

        const quint64 run = epoch;
        fieldsPending = true; // which cells are comparable depends on the field types
        rest->listFields(tableId, q, [this, run, serial, reset](const Result<QList<Field>>& r) {
            if (run != epoch || serial != snapshotSerial)
                return;
            fieldsPending = false;
            if (!r)
                return snapshotFailed(r.error());
            QHash<QString, QString> names;
            skipKeys.clear();
            for (const Field& f : r.value()) {
                const QString key = u"field_%1"_s.arg(f.id);
                names.insert(key, f.name);
                if (isCrossTableType(f.type))
                    skipKeys.insert(key);
            }
            mirror.setFieldNames(names);
            if (tableName.isEmpty())
                fetchTableName(); // start() may have run before the login
            drainEvents();
            rest->listAllRows(
                tableId,
                [this, run, serial](qint64 got, qint64 all) {
                    if (run != epoch || serial != snapshotSerial)
                        return;
                    fetched = got;
                    total = all;
                    emit q->snapshotProgress(got, all);
                },
                q,
                [this, run, serial, reset](const Result<RowMap>& rows) {
                    if (run != epoch || serial != snapshotSerial)
                        return;
                    if (!rows)
                        return snapshotFailed(rows.error());
                    snapshotDone(rows.value(), reset);
                });
        });
    }

    void snapshotDone(const RowMap& rows, bool reset)
    {
        drainEvents(); // the events received during the fetch come first (§11)
        QList<QJsonObject> list = rows.values();
        for (QJsonObject& row : list)
            stripRow(row, skipKeys);
        mirror.completeSnapshot(list, nowUs(), reset);
        snapshotting = false;
        lastSnapshotMs = nowMs() - snapshotStartedMs;
        tableUnavailable = false;
        if (status == Status::Failed)
            status = Status::Snapshotting; // recovered: updateStatus() may move on
        emitNewFindings(); // and the status: InSync or Diverged
        noteMirrorChanged();
        emit q->snapshotFinished(int(list.size()), lastSnapshotMs);
        scheduleConfirm();
        const bool reconnected
            = pageActive && connection->generation() != snapshotGeneration && options.resnapshotOnReconnect;
        if (snapshotAgain || mirror.resnapshotWanted() || reconnected) {
            if (reconnected && pendingReason.isEmpty())
                pendingReason = QStringLiteral("reconnect");
            else if (mirror.resnapshotWanted() && pendingReason.isEmpty())
                pendingReason = mirror.resnapshotReason();
            snapshotAgain = false;
            requestSnapshot(pendingReason);
        } else {
            schedulePeriodic();
        }
    }

    void snapshotFailed(const RestError& error)
    {
        fieldsPending = false;
        mirror.abortSnapshot();
        snapshotting = false;
        if (error.kind == RestError::Kind::Cancelled)
            return;
        if (error.httpStatus == 404) {
            tableUnavailable = true;
            fail(TableComparer::tr("Table %1 was not found on the server: %2")
                     .arg(tableId)
                     .arg(error.message));
            return;
        }
        fail(TableComparer::tr("Fetching the table failed: %1").arg(error.message));
        // Transient trouble (network, restart): the reconnect or the throttle brings the next try.
        if (error.isTransient())
            requestSnapshot(QStringLiteral("retry"));
    }

    void schedulePeriodic()
    {
        cancel(scheduleTimer);
        scheduleDueMs = -1;
        if (options.resnapshotEveryMs <= 0 || !running)
            return;
        scheduleDueMs = nowMs() + options.resnapshotEveryMs;
        scheduleTimer = clock->schedule(options.resnapshotEveryMs, q, [this] {
            scheduleTimer = 0;
            scheduleDueMs = -1;
            requestSnapshot(QStringLiteral("scheduled"));
        });
    }

    // ---- confirmation --------------------------------------------------------------------------

    void scheduleConfirm()
    {
        if (!running)
            return;
        const qint64 next = mirror.nextConfirmUs();
        if (next < 0) {
            cancel(confirmTimer);
            confirmDueUs = -1;
            return;
        }
        if (confirmTimer && confirmDueUs <= next)
            return;
        cancel(confirmTimer);
        confirmDueUs = next;
        const qint64 delayMs = qMax<qint64>(0, (next - nowUs() + 999) / 1000);
        confirmTimer = clock->schedule(delayMs, q, [this] {
            confirmTimer = 0;
            confirmDueUs = -1;
            drainEvents(); // an event already stored may settle the question
            confirmQueue.append(mirror.rowsToConfirm(nowUs()));
            pump();
            scheduleConfirm();
        });
    }

    void pump()
    {
        while (running && inflight < qMax(1, options.maxConcurrentRefetches) && !confirmQueue.isEmpty()) {
            const qint64 rowId = confirmQueue.takeFirst();
            const qint64 requestedUs = nowUs();
            const quint64 run = epoch;
            ++inflight;
            rest->getRow(tableId, rowId, q, [this, run, rowId, requestedUs](const Result<QJsonObject>& r) {
                if (run != epoch)
                    return;
                --inflight;
                std::optional<QJsonObject> fresh;
                if (r) {
                    fresh = r.value();
                    stripRow(*fresh, skipKeys);
                } else if (r.error().httpStatus != 404) {
                    if (r.error().kind == RestError::Kind::Cancelled)
                        return;
                    // Not an answer about the row: ask again after another settle window.
                    clock->schedule(options.settleMs, q, [this, run, rowId] {
                        if (run != epoch)
                            return;
                        confirmQueue.append(rowId);
                        pump();
                    });
                    pump();
                    return;
                }
                drainEvents();
                mirror.confirmRow(rowId, fresh, requestedUs, nowUs());
                emitNewFindings();
                noteMirrorChanged();
                pump();
                scheduleConfirm();
            });
        }
    }

    // ---- connection ----------------------------------------------------------------------------

    void onSubscriptionChanged(const Subscription& sub)
    {
        if (!running || sub.page != page)
            return;
        switch (sub.state) {
        case SubscriptionState::Active: {
            drainEvents();
            pageActive = true;
            if (mirror.snapshotCount() == 0) {
                if (!snapshotting)
                    requestSnapshot(QStringLiteral("page_add"));
            } else if (snapshotAgain && !snapshotting) {
                requestSnapshot(pendingReason);
            } else if (options.resnapshotOnReconnect && connection->generation() != snapshotGeneration
                && !snapshotting) {
                requestSnapshot(QStringLiteral("reconnect"));
            }
            break;
        }
        case SubscriptionState::Pending:
            pageActive = false;
            if (mirror.snapshotCount() == 0 && !snapshotting)
                setStatus(Status::WaitingForPage);
            break;
        case SubscriptionState::Rejected:
        case SubscriptionState::Discarded:
            pageActive = false;
            tableUnavailable = mirror.snapshotCount() == 0;
            fail(sub.reason.isEmpty() ? TableComparer::tr(
                     "The server refused the page of table %1 (no such table, or no access)")
                                            .arg(tableId)
                                      : TableComparer::tr("Table %1: %2").arg(tableId).arg(sub.reason));
            break;
        case SubscriptionState::Unsubscribed:
            pageActive = false;
            break;
        }
    }

    void fetchTableName()
    {
        const quint64 run = epoch;
        rest->listApplications(q, [this, run](const Result<QList<Application>>& r) {
            if (run != epoch || !r)
                return;
            for (const Application& app : r.value()) {
                for (const Table& t : app.tables) {
                    if (t.id == tableId)
                        tableName = t.name;
                }
            }
        });
    }
};

TableComparer::TableComparer(Connection* connection, RestClient* rest, const EventStore* store,
    qint64 tableId, const Options& options, Clock* clock, QObject* parent)
    : QObject(parent), d(std::make_unique<Private>(tableId, [&options] {
        TableMirror::Options mo;
        mo.settleUs = options.settleMs * 1000;
        return mo;
    }()))
{
    d->q = this;
    d->connection = connection;
    d->rest = rest;
    d->store = store;
    d->tableId = tableId;
    d->options = options;
    d->clock = clock ? clock : Clock::system();
    d->page = Page::table(tableId);
    connect(connection, &Connection::eventsAppended, this, [this] { d->drainEvents(); });
    connect(connection, &Connection::subscriptionChanged, this,
        [this](const Subscription& sub) { d->onSubscriptionChanged(sub); });
}

TableComparer::~TableComparer()
{
    if (d->running) {
        d->running = false;
        ++d->epoch;
        d->cancel(d->throttleTimer);
        d->cancel(d->scheduleTimer);
        d->cancel(d->confirmTimer);
    }
}

qint64 TableComparer::tableId() const
{
    return d->tableId;
}

void TableComparer::start()
{
    if (d->running)
        return;
    d->running = true;
    d->readIndex = d->store->count();
    d->startedUs = d->nowUs();
    d->endedUs = 0;
    d->failure.clear();
    d->tableUnavailable = false;
    d->pageActive = false;
    std::optional<Subscription> existing;
    for (const Subscription& s : d->connection->subscriptions()) {
        if (s.page == d->page && s.state != SubscriptionState::Unsubscribed)
            existing = s;
    }
    d->ownsSubscription = !existing;
    d->setStatus(Status::WaitingForPage);
    d->fetchTableName();
    if (existing && existing->state == SubscriptionState::Active)
        d->onSubscriptionChanged(*existing); // someone else's subscription is live already
    else
        d->connection->subscribe(d->page);
}

void TableComparer::stop()
{
    if (!d->running)
        return;
    d->drainEvents();
    d->running = false;
    ++d->epoch;
    d->endedUs = d->nowUs();
    d->cancel(d->throttleTimer);
    d->cancel(d->scheduleTimer);
    d->cancel(d->confirmTimer);
    d->throttleDueMs = d->scheduleDueMs = d->confirmDueUs = -1;
    d->confirmQueue.clear();
    d->inflight = 0;
    d->fieldsPending = false;
    if (d->snapshotting) {
        d->mirror.abortSnapshot();
        d->snapshotting = false;
    }
    d->pageActive = false;
    if (d->ownsSubscription)
        d->connection->unsubscribe(d->page);
    d->setStatus(Status::Idle);
}

void TableComparer::resnapshot(const QString& reason)
{
    d->requestSnapshot(reason.isEmpty() ? QStringLiteral("on demand") : reason);
}

TableComparer::Status TableComparer::status() const
{
    return d->status;
}

QString TableComparer::statusText() const
{
    const QLocale locale;
    auto snapshotPart = [&] {
        const qint64 lastUs = d->mirror.lastSnapshotUs();
        return tr("snapshot %1 at %2")
            .arg(d->mirror.snapshotCount())
            .arg(locale.toString(QDateTime::fromMSecsSinceEpoch(lastUs / 1000).time(), u"HH:mm:ss"_s));
    };
    switch (d->status) {
    case Status::Idle:
        return tr("Not comparing");
    case Status::WaitingForPage:
        return tr("Waiting for the table page");
    case Status::Snapshotting:
        if (d->total > 0)
            return tr("Fetching rows: %1 of %2").arg(d->fetched).arg(d->total);
        return tr("Fetching fields and rows");
    case Status::InSync:
        return tr("In sync · %n row(s)", nullptr, d->mirror.rowCount()) + u" · "_s + snapshotPart();
    case Status::Diverged:
        return tr("%n divergence(s)", nullptr, int(d->mirror.findings().size())) + u" · "_s
            + tr("%n row(s)", nullptr, d->mirror.rowCount()) + u" · "_s + snapshotPart();
    case Status::Failed:
        return d->failure;
    }
    return {};
}

const TableMirror& TableComparer::mirror() const
{
    return d->mirror;
}

TableMirror& TableComparer::mirror()
{
    return d->mirror;
}

int TableComparer::findingCount() const
{
    return int(d->mirror.findings().size());
}

qint64 TableComparer::lastSnapshotMs() const
{
    return d->lastSnapshotMs;
}

qint64 TableComparer::nextSnapshotInMs() const
{
    const qint64 now = d->nowMs();
    if (d->throttleTimer)
        return qMax<qint64>(0, d->throttleDueMs - now);
    if (d->scheduleTimer)
        return qMax<qint64>(0, d->scheduleDueMs - now);
    return -1;
}

bool TableComparer::tableUnavailable() const
{
    return d->tableUnavailable;
}

bool TableComparer::isSettled() const
{
    return !d->snapshotting && d->mirror.pendingSuspicions() == 0 && d->inflight == 0
        && d->confirmQueue.isEmpty();
}

quint64 TableComparer::eventsSeen() const
{
    return d->eventsSeen;
}

QJsonObject TableComparer::report() const
{
    QJsonArray findings;
    for (const Finding& f : d->mirror.findings())
        findings.append(f.toJson());
    const ServerVersion version = d->connection->serverVersion();
    QJsonObject o {
        {u"table_id"_s, d->tableId},
        {u"table_name"_s, d->tableName.isEmpty() ? QJsonValue() : QJsonValue(d->tableName)},
        {u"server"_s, redactUrl(d->rest->baseUrl())},
        {u"server_version"_s, version == ServerVersion {} ? QJsonValue() : QJsonValue(version.toString())},
        {u"started_at"_s, d->startedUs > 0 ? QJsonValue(isoUs(d->startedUs)) : QJsonValue()},
        {u"ended_at"_s, QJsonValue(isoUs(d->endedUs > 0 ? d->endedUs : d->nowUs()))},
        {u"in_sync"_s, d->mirror.snapshotCount() > 0 && d->mirror.findings().isEmpty()},
        {u"events_seen"_s, qint64(d->eventsSeen)},
        {u"snapshots"_s, d->mirror.snapshotCount()},
        {u"rows"_s, d->mirror.rowCount()},
        {u"pending_suspicions"_s, d->mirror.pendingSuspicions()},
        {u"findings_count"_s, int(findings.size())},
        {u"findings"_s, findings},
    };
    return o;
}

} // namespace bmon
