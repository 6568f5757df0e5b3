// SPDX-License-Identifier: MIT
#include "core/compare/tablemirror.h"

#include <QCoreApplication>
#include <QJsonArray>

#include <algorithm>

namespace bmon {

namespace {

enum class Origin : quint8
{
    None, //!< never present, or gone after a snapshot / re-fetch without it
    Server, //!< values from a snapshot or a confirming re-fetch
    Created, //!< inserted by rows_created
    Event, //!< taken from the image of an update / delete of a row the mirror lacked
};

enum class RowEvent
{
    Created,
    Updated,
    Deleted
};

struct RowState
{
    QJsonObject values; //!< the expected values (for a deleted row: the last ones known)
    QJsonObject lastBefore; //!< before image of the last event applied (out_of_order check)
    std::optional<EventRef> lastEvent;
    QList<TimelineEntry> timeline; //!< empty until the row is touched (see timeline())
    qint64 serverUs = 0; //!< when the values were last taken from the server
    qint64 seenUs = 0; //!< the last snapshot that had the row
    int seenSnapshot = 0;
    bool present = false;
    bool deletedByEvent = false;
    Origin origin = Origin::None;
};

struct Suspicion
{
    FindingKind kind = FindingKind::MissedUpdate;
    qint64 detectedUs = 0;
    qint64 dueUs = 0;
    quint64 triggerSeq = 0; //!< the event that raised or last escalated it (0: a snapshot)
    bool race = false; //!< may come from the race with a snapshot: dropped when the re-fetch agrees
    bool adoptIfPresent = false; //!< a row an unstable snapshot may have skipped
    bool inFlight = false;
    bool eventWhileInFlight = false;
    bool haveFresh = false; //!< a re-fetch disagreed: the events may still be on their way
    bool caughtUp = false; //!< since then the events brought the mirror to that fetched row
    std::optional<QJsonObject> fresh;
    int deferrals = 0;
    QList<FieldDelta> fields;
    QList<EventRef> events;
    std::optional<EventRef> lastEvent; //!< the row's last event before detection
};

struct Buffered
{
    quint64 seq;
    qint64 receivedUs;
    QJsonObject message;
};

qint64 idOf(const QJsonValue& v)
{
    if (v.isString())
        return v.toString().toLongLong();
    return v.toInteger();
}

bool isMissedKind(FindingKind kind)
{
    return kind == FindingKind::MissedCreate || kind == FindingKind::MissedUpdate
        || kind == FindingKind::MissedDelete;
}

const QString idKey = QStringLiteral("id");

// Equal on the keys both objects have (Qt 6 keeps object keys sorted: one walk over both).
bool sameOnCommonKeys(const QJsonObject& a, const QJsonObject& b)
{
    if (a.size() == b.size() && a == b)
        return true; // the common case, compared without building keys and values
    auto ia = a.constBegin();
    auto ib = b.constBegin();
    while (ia != a.constEnd() && ib != b.constEnd()) {
        const QString ka = ia.key();
        const QString kb = ib.key();
        const int c = ka.compare(kb);
        if (c < 0) {
            ++ia;
        } else if (c > 0) {
            ++ib;
        } else {
            if (!baserowValuesEqual(ia.value(), ib.value()))
                return false;
            ++ia;
            ++ib;
        }
    }
    return true;
}

QList<FieldDelta> deltasOf(
    const QJsonObject* expected, const QJsonObject* actual, const QHash<QString, QString>& names)
{
    QList<FieldDelta> out;
    auto add = [&](const QString& key, std::optional<QJsonValue> e, std::optional<QJsonValue> a) {
        if (key == idKey)
            return;
        out.append(FieldDelta {key, names.value(key), std::move(e), std::move(a)});
    };
    if (expected && actual) {
        for (auto it = expected->constBegin(); it != expected->constEnd(); ++it) {
            const auto other = actual->constFind(it.key());
            if (other != actual->constEnd() && !baserowValuesEqual(it.value(), other.value()))
                add(it.key(), it.value(), other.value());
        }
    } else if (expected) {
        for (auto it = expected->constBegin(); it != expected->constEnd(); ++it)
            add(it.key(), it.value(), std::nullopt);
    } else if (actual) {
        for (auto it = actual->constBegin(); it != actual->constEnd(); ++it)
            add(it.key(), std::nullopt, it.value());
    }
    return out;
}

void mergeInto(QJsonObject& target, const QJsonObject& image)
{
    for (auto it = image.constBegin(); it != image.constEnd(); ++it)
        target.insert(it.key(), it.value());
}

QString tr(const char* text, int n = -1)
{
    return QCoreApplication::translate("bmon::TableMirror", text, nullptr, n);
}

} // namespace

struct TableMirror::Private
{
    qint64 tableId = 0;
    Options options;
    Phase phase = Phase::NoSnapshot;
    QHash<QString, QString> fieldNames;
    QHash<qint64, RowState> rows;
    int presentCount = 0;
    QHash<qint64, Suspicion> suspicions;
    QList<Finding> findings;

    QList<Buffered> buffered;
    bool snapshotRunning = false;
    bool buffering = false;
    int rowEventsDuringSnapshot = 0;
    qint64 bufferedNowUs = 0; //!< the completion time while buffered events are applied
    int snapshots = 0;
    qint64 lastSnapshotUs = 0;
    qint64 rowSetUs = 0; //!< when the row set was last adopted from a snapshot
    qint64 rowSetMaxId = 0; //!< the highest id in that snapshot
    //! That snapshot may have skipped rows up to this id (writes during or just after it; ids only
    //! grow, so an unknown row below it existed then). Kept until the next adopted snapshot.
    qint64 gapMaxId = 0;

    quint64 schemaGen = 0;
    quint64 schemaGenAtBegin = 0;
    bool resnapshotWanted = false;
    bool resetWanted = false;
    QString resnapshotReason;

    void setPresent(RowState& st, bool present)
    {
        if (st.present != present)
            presentCount += present ? 1 : -1;
        st.present = present;
    }

    // The first real timeline entry of a row: the snapshot it came from goes first.
    void materialize(RowState& st) const
    {
        if (st.timeline.isEmpty() && st.seenSnapshot > 0)
            st.timeline.append(snapshotEntry(st));
    }

    static TimelineEntry snapshotEntry(const RowState& st)
    {
        TimelineEntry e;
        e.kind = TimelineEntry::Kind::Snapshot;
        e.timeUs = st.seenUs;
        e.what = tr("snapshot %1").arg(st.seenSnapshot);
        if (st.present)
            e.values = st.values;
        return e;
    }

    void addTimeline(RowState& st, TimelineEntry::Kind kind, qint64 timeUs, quint64 seq, const QString& what)
    {
        materialize(st);
        TimelineEntry e;
        e.kind = kind;
        e.timeUs = timeUs;
        e.seq = seq;
        e.what = what;
        if (st.present)
            e.values = st.values;
        st.timeline.append(std::move(e));
        const int limit = std::max(1, options.timelineLimit);
        if (st.timeline.size() > limit)
            st.timeline.remove(0, st.timeline.size() - limit);
    }

    bool raceFor(const RowState& st, qint64 rowId, qint64 receivedUs, bool wasBuffered) const
    {
        if (wasBuffered)
            return true;
        // Values (or the absence) taken from the server just now may be ahead of events still on
        // their way.
        if (st.serverUs > 0 && receivedUs - st.serverUs < options.settleUs)
            return true;
        if (!st.present && st.origin == Origin::None) {
            if (receivedUs - rowSetUs < options.settleUs)
                return true;
            if (gapMaxId > 0 && rowId <= gapMaxId)
                return true;
        }
        return false;
    }

    // A pending suspicion raised by the row's last event: a late event whose after image is that
    // event's before image arrived in swapped order.
    bool lateAfter(const RowState& st, qint64 rowId, const QJsonObject& afterImage) const
    {
        const auto it = suspicions.constFind(rowId);
        if (it == suspicions.constEnd() || !st.lastEvent || it->triggerSeq != st.lastEvent->seq)
            return false;
        return !st.lastBefore.isEmpty() && sameOnCommonKeys(afterImage, st.lastBefore);
    }

    void raise(qint64 rowId, FindingKind kind, qint64 nowUs, bool race, QList<FieldDelta> fields,
        const std::optional<EventRef>& event, const std::optional<EventRef>& lastBefore)
    {
        if (resetWanted)
            return; // a schema change made the mirror stale: the reset snapshot re-bases it
        auto it = suspicions.find(rowId);
        if (it == suspicions.end()) {
            Suspicion s;
            s.kind = kind;
            s.detectedUs = nowUs;
            s.dueUs = nowUs + options.settleUs;
            s.race = race;
            s.fields = std::move(fields);
            s.lastEvent = lastBefore;
            // A duplicate or a swap involves the row's previous event too.
            if (lastBefore && (kind == FindingKind::DuplicateCreate || kind == FindingKind::OutOfOrder))
                s.events.append(*lastBefore);
            if (event) {
                s.triggerSeq = event->seq;
                s.events.append(*event);
            }
            suspicions.insert(rowId, std::move(s));
        } else {
            Suspicion& s = *it;
            s.race = s.race && race;
            s.adoptIfPresent = s.adoptIfPresent && race;
            if (kind == FindingKind::OutOfOrder)
                s.kind = kind; // the more precise explanation of the earlier suspicion
            if (s.fields.isEmpty())
                s.fields = std::move(fields);
            if (event) {
                s.triggerSeq = event->seq;
                if (!s.events.contains(*event))
                    s.events.append(*event);
            }
            if (!s.inFlight)
                s.dueUs = std::max(s.dueUs, nowUs + options.settleUs);
        }
    }

    void noteEventOnSuspicion(qint64 rowId)
    {
        const auto it = suspicions.find(rowId);
        if (it != suspicions.end() && it->inFlight)
            it->eventWhileInFlight = true;
    }

    void processRowEvent(
        quint64 seq, qint64 receivedUs, const QJsonObject& message, RowEvent type, bool wasBuffered);
    void processRow(const EventRef& ref, RowEvent type, qint64 rowId, const QJsonObject& after,
        const QJsonObject& before, bool wasBuffered);
    enum class SchemaEffect
    {
        None,
        ForgetKeys, //!< some columns change shape: forget them, learn them from the next snapshot
        Reset, //!< the whole table may have changed without row events: adopt the next snapshot
    };
    SchemaEffect schemaChange(const QString& type, const QJsonObject& message, QStringList* keys) const;
    void forgetKeys(const QStringList& keys);
    void applyBuffered();
    void pruneDeleted(const QHash<qint64, QJsonObject>& fresh, qint64 beforeUs);
};

TableMirror::Private::SchemaEffect TableMirror::Private::schemaChange(
    const QString& type, const QJsonObject& message, QStringList* keys) const
{
    const auto sameTable = [this](const QJsonValue& v) { return idOf(v) == tableId; };
    if (type == QLatin1StringView("row_orders_recalculated")) {
        if (!sameTable(message.value(QLatin1StringView("table_id"))))
            return SchemaEffect::None;
        keys->append(QStringLiteral("order"));
        return SchemaEffect::ForgetKeys;
    }
    if (type == QLatin1StringView("table_updated")) {
        return sameTable(message.value(QLatin1StringView("table_id")))
                && message.value(QLatin1StringView("force_table_refresh")).toBool()
            ? SchemaEffect::Reset
            : SchemaEffect::None;
    }
    if (type != QLatin1StringView("field_created") && type != QLatin1StringView("field_updated")
        && type != QLatin1StringView("field_deleted") && type != QLatin1StringView("field_restored"))
        return SchemaEffect::None;
    const QJsonObject field = message.value(QLatin1StringView("field")).toObject();
    const qint64 fieldId
        = idOf(message.contains(QLatin1StringView("field_id")) ? message.value(QLatin1StringView("field_id"))
                                                               : field.value(QLatin1StringView("id")));
    const bool here = message.contains(QLatin1StringView("table_id"))
        ? sameTable(message.value(QLatin1StringView("table_id")))
        : sameTable(field.value(QLatin1StringView("table_id")));
    if (here && fieldId > 0)
        keys->append(QStringLiteral("field_%1").arg(fieldId));
    // A link field elsewhere changes its related field in this table too.
    bool related = false;
    for (const QJsonValue& f : message.value(QLatin1StringView("related_fields")).toArray()) {
        const QJsonObject o = f.toObject();
        if (sameTable(o.value(QLatin1StringView("table_id")))) {
            related = true;
            keys->append(QStringLiteral("field_%1").arg(idOf(o.value(QLatin1StringView("id")))));
        }
    }
    if (!here && !related)
        return SchemaEffect::None;
    return SchemaEffect::ForgetKeys;
}

void TableMirror::Private::forgetKeys(const QStringList& keys)
{
    for (RowState& st : rows) {
        for (const QString& key : keys) {
            if (st.values.contains(key))
                st.values.remove(key);
            if (st.lastBefore.contains(key))
                st.lastBefore.remove(key);
        }
    }
}

void TableMirror::Private::processRowEvent(
    quint64 seq, qint64 receivedUs, const QJsonObject& message, RowEvent type, bool wasBuffered)
{
    EventRef ref;
    ref.seq = seq;
    ref.receivedUs = receivedUs;
    ref.type = message.value(QLatin1StringView("type")).toString();

    if (type == RowEvent::Deleted) {
        QHash<qint64, QJsonObject> beforeById;
        for (const QJsonValue& v : message.value(QLatin1StringView("rows")).toArray()) {
            const QJsonObject o = v.toObject();
            beforeById.insert(idOf(o.value(idKey)), o);
        }
        for (const QJsonValue& v : message.value(QLatin1StringView("row_ids")).toArray()) {
            const qint64 id = idOf(v);
            processRow(ref, type, id, {}, beforeById.value(id), wasBuffered);
        }
        return;
    }
    QHash<qint64, QJsonObject> beforeById;
    if (type == RowEvent::Updated) {
        // rows_before_update[i] and rows[i] usually line up, but match by id (PROTOCOL.md §4.3).
        for (const QJsonValue& v : message.value(QLatin1StringView("rows_before_update")).toArray()) {
            const QJsonObject o = v.toObject();
            beforeById.insert(idOf(o.value(idKey)), o);
        }
    }
    for (const QJsonValue& v : message.value(QLatin1StringView("rows")).toArray()) {
        const QJsonObject row = v.toObject();
        const qint64 id = idOf(row.value(idKey));
        processRow(ref, type, id, row, beforeById.value(id), wasBuffered);
    }
}

void TableMirror::Private::processRow(const EventRef& ref, RowEvent type, qint64 rowId,
    const QJsonObject& after, const QJsonObject& before, bool wasBuffered)
{
    if (rowId <= 0)
        return;
    RowState& st = rows[rowId];
    materialize(st);
    noteEventOnSuspicion(rowId);
    const bool race = raceFor(st, rowId, ref.receivedUs, wasBuffered);
    // Buffered events are judged when the snapshot completes: the settle window starts then.
    const qint64 nowUs = wasBuffered ? std::max(ref.receivedUs, bufferedNowUs) : ref.receivedUs;
    const std::optional<EventRef> previous = st.lastEvent;
    bool applied = true;

    auto stale
        = [&](const QJsonObject& beforeImage) { return deltasOf(&st.values, &beforeImage, fieldNames); };

    switch (type) {
    case RowEvent::Created:
        if (!st.present) {
            if (st.deletedByEvent && lateAfter(st, rowId, after)) {
                raise(rowId, FindingKind::OutOfOrder, nowUs, race, {}, ref, previous);
                applied = false;
                break;
            }
            st.values = after;
            setPresent(st, true);
            st.origin = Origin::Created;
            st.deletedByEvent = false;
            st.lastBefore = {};
        } else if (lateAfter(st, rowId, after)) {
            raise(rowId, FindingKind::OutOfOrder, nowUs, race, {}, ref, previous);
            applied = false;
        } else if (st.origin == Origin::Created) {
            raise(rowId, FindingKind::DuplicateCreate, nowUs, race, deltasOf(&st.values, &after, fieldNames),
                ref, previous);
            applied = false;
        } else {
            // The row came from the server (the snapshot already had it): nothing to apply.
            applied = false;
        }
        break;
    case RowEvent::Updated:
        if (!st.present) {
            if (st.deletedByEvent && lateAfter(st, rowId, after)) {
                raise(rowId, FindingKind::OutOfOrder, nowUs, race, {}, ref, previous);
                applied = false;
                break;
            }
            raise(rowId, FindingKind::UnknownRowUpdate, nowUs, race, {}, ref, previous);
            // Take the row from the event, so one loss gives one finding.
            st.values = before;
            mergeInto(st.values, after);
            setPresent(st, true);
            st.origin = Origin::Event;
            st.deletedByEvent = false;
            st.lastBefore = before;
        } else if (sameOnCommonKeys(after, st.values)) {
            mergeInto(st.values, after); // idempotent; only adds keys the mirror lacked
            st.lastBefore = before;
        } else if (sameOnCommonKeys(before, st.values)) {
            mergeInto(st.values, after);
            st.lastBefore = before;
        } else if (lateAfter(st, rowId, after)) {
            // A later event already moved the row past this one: keep the newer values.
            raise(rowId, FindingKind::OutOfOrder, nowUs, race, {}, ref, previous);
            applied = false;
        } else {
            raise(rowId, FindingKind::StaleBeforeImage, nowUs, race, stale(before), ref, previous);
            mergeInto(st.values, after);
            st.lastBefore = before;
        }
        break;
    case RowEvent::Deleted:
        if (!st.present) {
            if (wasBuffered && st.origin == Origin::None) {
                // The snapshot was read after the delete: its after image (no row) is the mirror.
                st.values = before;
                st.deletedByEvent = true;
                st.lastBefore = before;
            } else if (!st.deletedByEvent) {
                raise(rowId, FindingKind::UnknownRowDelete, nowUs, race, {}, ref, previous);
                st.values = before;
                st.origin = Origin::Event;
                st.deletedByEvent = true;
                st.lastBefore = before;
            } else {
                applied = false; // deleted already: the after image (no row) equals the mirror
            }
        } else {
            if (!sameOnCommonKeys(before, st.values))
                raise(rowId, FindingKind::StaleBeforeImage, nowUs, race, stale(before), ref, previous);
            setPresent(st, false);
            st.deletedByEvent = true;
            st.lastBefore = before;
        }
        break;
    }
    const auto sus = suspicions.find(rowId);
    if (sus != suspicions.end() && sus->haveFresh && !sus->caughtUp) {
        sus->caughtUp = sus->fresh ? st.present && sameOnCommonKeys(st.values, *sus->fresh) : !st.present;
    }
    st.lastEvent = ref; // also when not applied: "last event" names every event that touched the row
    addTimeline(st, TimelineEntry::Kind::Event, ref.receivedUs, ref.seq,
        applied ? ref.type : tr("%1 (not applied)").arg(ref.type));
}

// Rows deleted before the previous snapshot, with nothing pending or reported, are forgotten:
// a busy table would otherwise keep every row it ever had.
void TableMirror::Private::pruneDeleted(const QHash<qint64, QJsonObject>& fresh, qint64 beforeUs)
{
    if (beforeUs <= 0)
        return;
    for (auto it = rows.begin(); it != rows.end();) {
        const RowState& st = *it;
        const qint64 touchedUs = std::max(st.serverUs, st.lastEvent ? st.lastEvent->receivedUs : 0);
        const bool reported = std::any_of(st.timeline.cbegin(), st.timeline.cend(),
            [](const TimelineEntry& e) { return e.kind == TimelineEntry::Kind::Finding; });
        if (!st.present && touchedUs < beforeUs && !reported && !suspicions.contains(it.key())
            && !fresh.contains(it.key()))
            it = rows.erase(it);
        else
            ++it;
    }
}

void TableMirror::Private::applyBuffered()
{
    const QList<Buffered> events = std::exchange(buffered, {});
    for (const Buffered& b : events) {
        const QString type = b.message.value(QLatin1StringView("type")).toString();
        const RowEvent kind = type == QLatin1StringView("rows_created") ? RowEvent::Created
            : type == QLatin1StringView("rows_updated")                 ? RowEvent::Updated
                                                                        : RowEvent::Deleted;
        processRowEvent(b.seq, b.receivedUs, b.message, kind, true);
    }
}

TableMirror::TableMirror(qint64 tableId) : TableMirror(tableId, Options {})
{ }

TableMirror::TableMirror(qint64 tableId, const Options& options) : d(std::make_unique<Private>())
{
    d->tableId = tableId;
    d->options = options;
}

TableMirror::~TableMirror() = default;
TableMirror::TableMirror(TableMirror&&) noexcept = default;
TableMirror& TableMirror::operator=(TableMirror&&) noexcept = default;

qint64 TableMirror::tableId() const
{
    return d->tableId;
}

TableMirror::Phase TableMirror::phase() const
{
    return d->phase;
}

void TableMirror::setFieldNames(const QHash<QString, QString>& keyToName)
{
    d->fieldNames = keyToName;
}

void TableMirror::beginSnapshot(qint64 nowUs)
{
    Q_UNUSED(nowUs);
    d->snapshotRunning = true;
    d->rowEventsDuringSnapshot = 0;
    d->schemaGenAtBegin = d->schemaGen;
    if (d->phase == Phase::NoSnapshot) {
        d->phase = Phase::FirstSnapshot;
        d->buffering = true;
    } else if (d->phase == Phase::Live) {
        // A reset re-bases every row on the fetched ones: the events meanwhile go on top.
        d->buffering = d->resetWanted;
    }
}

int TableMirror::completeSnapshot(const QList<QJsonObject>& rows, qint64 nowUs, bool reset)
{
    QHash<qint64, QJsonObject> fresh;
    fresh.reserve(rows.size());
    bool repeated = false;
    qint64 maxId = 0;
    for (const QJsonObject& row : rows) {
        const qint64 id = idOf(row.value(idKey));
        if (id <= 0)
            continue;
        maxId = std::max(maxId, id);
        const auto it = fresh.find(id);
        if (it != fresh.end()) {
            repeated = true;
            *it = row;
        } else {
            fresh.insert(id, row);
        }
    }
    // Offset paging while rows come and go can skip or repeat rows.
    const bool unstable = repeated || d->rowEventsDuringSnapshot > 0;
    const bool adopt = d->phase != Phase::Live || reset;
    d->snapshotRunning = false;
    d->buffering = false;
    ++d->snapshots;
    const qint64 previousSnapshotUs = d->lastSnapshotUs;
    d->lastSnapshotUs = nowUs;
    // Columns forgotten after a schema change are learned from a snapshot that began after it.
    const bool learnKeys = d->schemaGen == d->schemaGenAtBegin;
    if (d->schemaGen == d->schemaGenAtBegin) {
        d->resnapshotWanted = false;
        d->resetWanted = false;
        d->resnapshotReason.clear();
    }
    const QString what = tr("snapshot %1").arg(d->snapshots);
    const int suspicionsBefore = int(d->suspicions.size());

    if (adopt) {
        // Suspicions about values are moot now; the stream's own faults stand.
        for (auto it = d->suspicions.begin(); it != d->suspicions.end();) {
            if (it->race || isMissedKind(it->kind))
                it = d->suspicions.erase(it);
            else
                ++it;
        }
        for (auto it = d->rows.begin(); it != d->rows.end(); ++it) {
            RowState& st = *it;
            const auto f = fresh.constFind(it.key());
            if (f == fresh.constEnd()) {
                if (st.present || !st.timeline.isEmpty()) {
                    d->materialize(st);
                    d->setPresent(st, false);
                    st.deletedByEvent = false;
                    st.origin = Origin::None;
                    st.serverUs = nowUs;
                    d->addTimeline(st, TimelineEntry::Kind::Snapshot, nowUs, 0, what);
                }
                continue;
            }
            const bool touched = !st.timeline.isEmpty();
            st.values = *f;
            d->setPresent(st, true);
            st.origin = Origin::Server;
            st.serverUs = nowUs;
            st.deletedByEvent = false;
            st.lastBefore = {};
            if (touched)
                d->addTimeline(st, TimelineEntry::Kind::Snapshot, nowUs, 0, what);
            st.seenUs = nowUs;
            st.seenSnapshot = d->snapshots;
        }
        for (auto f = fresh.constBegin(); f != fresh.constEnd(); ++f) {
            if (d->rows.contains(f.key()))
                continue;
            RowState& st = d->rows[f.key()];
            st.values = f.value();
            d->setPresent(st, true);
            st.origin = Origin::Server;
            st.serverUs = nowUs;
            st.seenUs = nowUs;
            st.seenSnapshot = d->snapshots;
        }
        d->rowSetUs = nowUs;
        d->rowSetMaxId = maxId;
        d->gapMaxId = unstable ? maxId : 0;
        d->phase = Phase::Live;
        d->bufferedNowUs = nowUs;
        d->applyBuffered();
        d->pruneDeleted(fresh, previousSnapshotUs);
        return int(d->suspicions.size()) - suspicionsBefore;
    }

    // A diff: the expected state against the fresh rows, each difference a suspicion.
    int raised = 0;
    auto check = [&](qint64 id, RowState& st, const QJsonObject* server) {
        const QJsonObject* expected = st.present ? &st.values : nullptr;
        bool differs;
        if (expected && server)
            differs = !sameOnCommonKeys(*expected, *server);
        else
            differs = (expected != nullptr) != (server != nullptr);
        if (differs
            || (!st.timeline.isEmpty() && st.timeline.constLast().kind != TimelineEntry::Kind::Snapshot)) {
            d->materialize(st);
            TimelineEntry e;
            e.kind = TimelineEntry::Kind::Snapshot;
            e.timeUs = nowUs;
            e.what = what;
            if (server)
                e.values = *server;
            st.timeline.append(std::move(e));
            const int limit = std::max(1, d->options.timelineLimit);
            if (st.timeline.size() > limit)
                st.timeline.remove(0, st.timeline.size() - limit);
        }
        if (server) {
            st.seenUs = nowUs;
            st.seenSnapshot = d->snapshots;
        }
        if (!differs) {
            // Columns forgotten after a schema change come back from the server.
            if (learnKeys && expected && server && expected->size() < server->size()) {
                for (auto k = server->constBegin(); k != server->constEnd(); ++k) {
                    if (!st.values.contains(k.key()))
                        st.values.insert(k.key(), k.value());
                }
            }
            return;
        }
        const FindingKind kind = !expected ? FindingKind::MissedCreate
            : !server                      ? FindingKind::MissedDelete
                                           : FindingKind::MissedUpdate;
        const bool hadSuspicion = d->suspicions.contains(id);
        d->raise(
            id, kind, nowUs, true, deltasOf(expected, server, d->fieldNames), std::nullopt, st.lastEvent);
        if (!hadSuspicion && d->suspicions.contains(id)) {
            // A row an unstable first snapshot skipped: no event was due for it.
            d->suspicions[id].adoptIfPresent
                = kind == FindingKind::MissedCreate && !st.lastEvent && d->gapMaxId > 0 && id <= d->gapMaxId;
        }
        ++raised;
    };
    for (auto it = d->rows.begin(); it != d->rows.end(); ++it) {
        const auto f = fresh.constFind(it.key());
        if (it->present || f != fresh.constEnd() || !it->timeline.isEmpty())
            check(it.key(), *it, f == fresh.constEnd() ? nullptr : &*f);
    }
    for (auto f = fresh.constBegin(); f != fresh.constEnd(); ++f) {
        if (!d->rows.contains(f.key()))
            check(f.key(), d->rows[f.key()], &*f);
    }
    d->pruneDeleted(fresh, previousSnapshotUs);
    return raised;
}

void TableMirror::abortSnapshot()
{
    d->snapshotRunning = false;
    d->buffering = false;
    if (d->phase == Phase::FirstSnapshot) {
        d->phase = Phase::NoSnapshot; // the buffered events wait for the next snapshot
    } else if (!d->buffered.isEmpty()) {
        // A failed reset: the mirror carries on from the events, in their order.
        const QList<Buffered> events = std::exchange(d->buffered, {});
        for (const Buffered& b : events) {
            d->buffered = {b};
            d->applyBuffered();
        }
    }
}

int TableMirror::snapshotCount() const
{
    return d->snapshots;
}

qint64 TableMirror::lastSnapshotUs() const
{
    return d->lastSnapshotUs;
}

void TableMirror::applyEvent(quint64 seq, qint64 receivedUs, const QJsonObject& message)
{
    if (d->phase == Phase::NoSnapshot)
        return;
    const QString type = message.value(QLatin1StringView("type")).toString();
    std::optional<RowEvent> rowEvent;
    if (type == QLatin1StringView("rows_created"))
        rowEvent = RowEvent::Created;
    else if (type == QLatin1StringView("rows_updated"))
        rowEvent = RowEvent::Updated;
    else if (type == QLatin1StringView("rows_deleted"))
        rowEvent = RowEvent::Deleted;

    if (rowEvent) {
        if (idOf(message.value(QLatin1StringView("table_id"))) != d->tableId)
            return;
        if (d->snapshotRunning)
            ++d->rowEventsDuringSnapshot;
        // Writes just before the adopted snapshot completed may have moved its pages too (their
        // events lag behind them).
        if (d->phase == Phase::Live && d->gapMaxId == 0 && receivedUs - d->rowSetUs < d->options.settleUs)
            d->gapMaxId = d->rowSetMaxId;
        if (d->buffering) {
            d->buffered.append(Buffered {seq, receivedUs, message});
            return;
        }
        d->processRowEvent(seq, receivedUs, message, *rowEvent, false);
        return;
    }
    QStringList keys;
    switch (d->schemaChange(type, message, &keys)) {
    case Private::SchemaEffect::None:
        return;
    case Private::SchemaEffect::ForgetKeys:
        // Only these columns change without row events: the rest stays comparable, so a lost
        // row event is still caught by the next snapshot.
        ++d->schemaGen;
        d->forgetKeys(keys);
        break;
    case Private::SchemaEffect::Reset:
        ++d->schemaGen;
        d->resetWanted = true;
        break;
    }
    d->resnapshotWanted = true;
    d->resnapshotReason = type;
}

void TableMirror::noteRest(
    qint64 rowId, const QString& what, const std::optional<QJsonObject>& values, qint64 nowUs)
{
    RowState& st = d->rows[rowId];
    d->materialize(st);
    TimelineEntry e;
    e.kind = TimelineEntry::Kind::Rest;
    e.timeUs = nowUs;
    e.what = what;
    e.values = values;
    st.timeline.append(std::move(e));
    const int limit = std::max(1, d->options.timelineLimit);
    if (st.timeline.size() > limit)
        st.timeline.remove(0, st.timeline.size() - limit);
}

QList<qint64> TableMirror::rowsToConfirm(qint64 nowUs)
{
    QList<qint64> out;
    for (auto it = d->suspicions.begin(); it != d->suspicions.end(); ++it) {
        if (it->inFlight || it->dueUs > nowUs)
            continue;
        it->inFlight = true;
        it->eventWhileInFlight = false;
        out.append(it.key());
    }
    std::sort(out.begin(), out.end());
    return out;
}

qint64 TableMirror::nextConfirmUs() const
{
    qint64 next = -1;
    for (const Suspicion& s : std::as_const(d->suspicions)) {
        if (!s.inFlight && (next < 0 || s.dueUs < next))
            next = s.dueUs;
    }
    return next;
}

QList<Finding> TableMirror::confirmRow(
    qint64 rowId, const std::optional<QJsonObject>& fresh, qint64 requestedUs, qint64 nowUs)
{
    const auto it = d->suspicions.find(rowId);
    if (it == d->suspicions.end())
        return {};
    Suspicion& s = *it;
    RowState& st = d->rows[rowId];
    {
        d->materialize(st);
        TimelineEntry e;
        e.kind = TimelineEntry::Kind::Refetch;
        e.timeUs = nowUs;
        e.what = fresh ? tr("re-fetched") : tr("re-fetched: no such row");
        e.values = fresh;
        st.timeline.append(std::move(e));
    }
    const bool lateEvent
        = s.eventWhileInFlight || (st.lastEvent && st.lastEvent->receivedUs > requestedUs && s.inFlight);
    if (lateEvent && s.deferrals < d->options.maxDeferrals) {
        // The row is still moving: the fetched copy may predate the event. Ask again later.
        ++s.deferrals;
        s.inFlight = false;
        s.eventWhileInFlight = false;
        s.dueUs = nowUs + d->options.settleUs;
        return {};
    }

    const QJsonObject* expected = st.present ? &st.values : nullptr;
    const QJsonObject* server = fresh ? &*fresh : nullptr;
    bool equal;
    if (expected && server)
        equal = sameOnCommonKeys(*expected, *server);
    else
        equal = (expected != nullptr) == (server != nullptr);

    auto adopt = [&] {
        if (fresh) {
            st.values = *fresh;
            d->setPresent(st, true);
            st.origin = Origin::Server;
        } else {
            d->setPresent(st, false);
            st.origin = Origin::None;
        }
        st.serverUs = nowUs;
        st.deletedByEvent = false;
        st.lastBefore = {};
    };

    if (s.race && !equal && !s.haveFresh && !(s.adoptIfPresent && fresh)) {
        // The fetched row may be ahead of events still on their way: wait for them once.
        s.inFlight = false;
        s.haveFresh = true;
        s.fresh = fresh;
        s.dueUs = nowUs + d->options.settleUs;
        return {};
    }
    if ((s.race && (equal || s.caughtUp)) || (s.adoptIfPresent && fresh)) {
        if (!equal)
            adopt();
        d->suspicions.erase(it);
        return {};
    }

    Finding f;
    f.kind = s.kind;
    if (isMissedKind(f.kind) && !(expected == nullptr && server == nullptr)) {
        f.kind = !expected ? FindingKind::MissedCreate
            : !server      ? FindingKind::MissedDelete
                           : FindingKind::MissedUpdate;
    }
    f.tableId = d->tableId;
    f.rowId = rowId;
    f.detectedUs = s.detectedUs;
    f.confirmedUs = nowUs;
    f.fields = (isMissedKind(f.kind) && !equal) || s.fields.isEmpty()
        ? deltasOf(expected, server, d->fieldNames)
        : s.fields;
    if (isMissedKind(f.kind) && f.fields.isEmpty())
        f.fields = s.fields;
    f.events = s.events;
    f.lastEvent = s.lastEvent;
    f.detail = findingKindDescription(f.kind) + QStringLiteral(" · ")
        + (equal ? tr("the server's row now matches the events")
                 : tr("the server's row differs in %n field(s)", int(deltasOf(expected, server, {}).size())));
    d->suspicions.erase(it);
    adopt();
    d->addTimeline(st, TimelineEntry::Kind::Finding, nowUs, 0, findingKindName(f.kind));
    d->findings.append(f);
    return {f};
}

int TableMirror::pendingSuspicions() const
{
    return int(d->suspicions.size());
}

bool TableMirror::resnapshotWanted() const
{
    return d->resnapshotWanted;
}

bool TableMirror::resetWanted() const
{
    return d->resetWanted;
}

QString TableMirror::resnapshotReason() const
{
    return d->resnapshotReason;
}

const QList<Finding>& TableMirror::findings() const
{
    return d->findings;
}

void TableMirror::clearFindings()
{
    d->findings.clear();
}

int TableMirror::rowCount() const
{
    return d->presentCount;
}

std::optional<QJsonObject> TableMirror::row(qint64 rowId) const
{
    const auto it = d->rows.constFind(rowId);
    if (it == d->rows.constEnd() || !it->present)
        return std::nullopt;
    return it->values;
}

QList<qint64> TableMirror::rowIds() const
{
    QList<qint64> out;
    out.reserve(d->presentCount);
    for (auto it = d->rows.constBegin(); it != d->rows.constEnd(); ++it) {
        if (it->present)
            out.append(it.key());
    }
    std::sort(out.begin(), out.end());
    return out;
}

QList<TimelineEntry> TableMirror::timeline(qint64 rowId) const
{
    const auto it = d->rows.constFind(rowId);
    if (it == d->rows.constEnd())
        return {};
    if (it->timeline.isEmpty() && it->seenSnapshot > 0)
        return {Private::snapshotEntry(*it)}; // untouched: the snapshot is all there is
    return it->timeline;
}

std::optional<EventRef> TableMirror::lastEvent(qint64 rowId) const
{
    const auto it = d->rows.constFind(rowId);
    if (it == d->rows.constEnd())
        return std::nullopt;
    return it->lastEvent;
}

QList<Finding> TableMirror::diff(const QHash<qint64, QJsonObject>& expected,
    const QHash<qint64, QJsonObject>& actual, const QHash<qint64, EventRef>& lastEvents,
    const QHash<QString, QString>& fieldNames)
{
    QList<Finding> out;
    auto add = [&](qint64 id, FindingKind kind, const QJsonObject* e, const QJsonObject* a) {
        Finding f;
        f.kind = kind;
        f.rowId = id;
        f.fields = deltasOf(e, a, fieldNames);
        const auto last = lastEvents.constFind(id);
        if (last != lastEvents.constEnd())
            f.lastEvent = *last;
        f.detail = findingKindDescription(kind);
        out.append(std::move(f));
    };
    for (auto it = expected.constBegin(); it != expected.constEnd(); ++it) {
        const auto a = actual.constFind(it.key());
        if (a == actual.constEnd())
            add(it.key(), FindingKind::MissedDelete, &*it, nullptr);
        else if (!sameOnCommonKeys(*it, *a))
            add(it.key(), FindingKind::MissedUpdate, &*it, &*a);
    }
    for (auto it = actual.constBegin(); it != actual.constEnd(); ++it) {
        if (!expected.contains(it.key()))
            add(it.key(), FindingKind::MissedCreate, nullptr, &*it);
    }
    std::sort(out.begin(), out.end(), [](const Finding& a, const Finding& b) { return a.rowId < b.rowId; });
    return out;
}

} // namespace bmon
