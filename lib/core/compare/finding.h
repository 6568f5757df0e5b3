// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>

#include <optional>

namespace bmon {

/*!
 * The kinds of divergence between what the realtime events say and what the server holds. The
 * names (findingKindName) are the `kind` values of compare reports: scripts rely on them.
 */
enum class FindingKind
{
    MissedCreate, //!< "missed_create": the server has a row no event created
    MissedUpdate, //!< "missed_update": the server's row differs with no event explaining it
    MissedDelete, //!< "missed_delete": the server no longer has a row no event deleted
    DuplicateCreate, //!< "duplicate_create": rows_created for a row already created by an event
    UnknownRowUpdate, //!< "unknown_row_update": rows_updated for a row the mirror does not have
    UnknownRowDelete, //!< "unknown_row_delete": rows_deleted for a row the mirror does not have
    StaleBeforeImage, //!< "stale_before_image": the event's before image differs from the mirror
    OutOfOrder, //!< "out_of_order": two events of one row arrived in the opposite order
};

QString findingKindName(FindingKind kind); //!< "missed_create", …
std::optional<FindingKind> findingKindFromName(QStringView name);
//! A translated one-line explanation for people ("An update of this row never arrived").
QString findingKindDescription(FindingKind kind);

//! One field of a divergent row: what the events say (expected) and what the server has (actual).
struct FieldDelta
{
    QString key; //!< "field_102", "order"
    QString name; //!< the field's name when known ("Seats"), else empty
    std::optional<QJsonValue> expected; //!< nullopt: the key is absent on that side
    std::optional<QJsonValue> actual;

    QJsonObject toJson() const; //!< {"key","name","expected","actual"} (absent sides omitted)
    friend bool operator==(const FieldDelta&, const FieldDelta&) = default;
};

//! An event involved in a finding.
struct EventRef
{
    quint64 seq = 0; //!< the EventStore sequence number (EventRecord::seq)
    qint64 receivedUs = 0;
    QString type; //!< "rows_updated"

    QJsonObject toJson() const; //!< {"seq","type","received_at" (ISO 8601, UTC, µs)}
    friend bool operator==(const EventRef&, const EventRef&) = default;
};

struct Finding
{
    FindingKind kind = FindingKind::MissedUpdate;
    qint64 tableId = 0;
    qint64 rowId = 0;
    qint64 detectedUs = 0; //!< when the mirror first suspected it
    qint64 confirmedUs = 0; //!< when the re-fetch after the settle window confirmed it
    QList<FieldDelta> fields; //!< the divergent fields (empty for whole-row kinds without values)
    QList<EventRef> events; //!< the events involved, oldest first
    std::optional<EventRef> lastEvent; //!< the last event that touched the row before detection
    QString detail; //!< translated, one line, for people

    //! The report item: {"kind","table_id","row_id","detected_at","confirmed_at","fields":[…],
    //! "events":[…],"last_event":{…}|null,"detail"} (docs/compare-report.md).
    QJsonObject toJson() const;
};

//! One step in a row's life as the monitor saw it (the Compare tab's per-row timeline).
struct TimelineEntry
{
    enum class Kind
    {
        Snapshot, //!< the row as a snapshot fetched it (or its absence)
        Event, //!< a realtime event touched the row
        Rest, //!< a REST write the monitor made (echo probe)
        Refetch, //!< the row re-fetched to confirm a suspicion
        Finding, //!< a finding was reported for the row
    };
    Kind kind = Kind::Event;
    qint64 timeUs = 0;
    quint64 seq = 0; //!< events only
    QString what; //!< "rows_updated", "snapshot 3", "PATCH (WebSocketId)", "missed_update"
    std::optional<QJsonObject> values; //!< the row's values after this step; nullopt = absent/deleted
};

//! JSON values equal as Baserow values: identical, or both numbers / numeric strings with the
//! same decimal value ("1.50" == "1.5" == 1.5; order strings with 20 decimals).
bool baserowValuesEqual(const QJsonValue& a, const QJsonValue& b);

} // namespace bmon
