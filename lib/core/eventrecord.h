// SPDX-License-Identifier: MIT
#pragma once

#include <QtGlobal>

#include <type_traits>

namespace bmon {

//! What kind of component a message belongs to (PROTOCOL.md §4).
enum class Category : quint8
{
    Unknown = 0,
    Control,
    Core,
    Database,
    Builder,
    Dashboard,
    Automation,
    Premium,
};
constexpr int CategoryCount = 8;

enum class Direction : quint8
{
    Received = 0,
    Sent = 1,
};

//! How far a frame could be understood. Every frame becomes a record; these say why one is odd.
enum class ParseStatus : quint8
{
    Ok = 0, //!< a JSON object with a string "type" (or, sent frames, a page request)
    NoType, //!< a JSON object without a usable "type": kept with category Unknown
    InvalidJson, //!< not JSON; errorCode()/errorOffset() say where and why
    NotAnObject, //!< valid JSON whose top level is not an object
    BinaryFrame, //!< a binary frame (Baserow only ever sends text)
    EmptyFrame, //!< an empty text frame
    TooLarge, //!< above the classification limit: kept truncated, not classified
};

//! Why a text frame is not valid JSON.
enum class JsonError : quint8
{
    None = 0,
    UnexpectedEnd,
    UnexpectedCharacter,
    InvalidEscape,
    ControlCharacter,
    InvalidNumber,
    InvalidLiteral,
    TooDeep,
    TrailingCharacters,
    InvalidUtf8,
};

namespace RecordFlag {
enum : quint8
{
    None = 0,
    HashedIds = 0x1, //!< the message names objects by sha256 hash (reorder messages, §4.2)
    ViewIsSlug = 0x2, //!< viewId is a StringPool id of a public view slug, not a numeric id
    PayloadTruncated = 0x4, //!< only a prefix of the frame is kept (TooLarge)
    IdOverflow = 0x8, //!< an id did not fit 32 bits or was negative; it reads as 0
    RowIdsTruncated = 0x10, //!< more row ids than the store keeps per event
};
}

/*!
 * One received or sent frame, compact and trivially copyable (64 bytes).
 *
 * Ids are 0 when the message does not carry them. Payload bytes and row ids live in the
 * EventStore's arenas; payloadRef and rowRef point there. Error records reuse two fields
 * (see errorCode()/errorOffset()) because they carry no scope.
 */
struct EventRecord
{
    qint64 receivedUs = 0; //!< wall-clock receive (or send) time, µs since the epoch
    quint64 seq = 0; //!< session-wide sequence number, 1-based, never reused
    quint64 payloadRef = 0; //!< location of the payload bytes in the store
    quint32 payloadSize = 0; //!< bytes kept (see originalSize() for TooLarge)
    quint32 workspaceId = 0;
    quint32 applicationId = 0; //!< database (or dashboard / builder / automation) application
    quint32 tableId = 0;
    quint32 viewId = 0; //!< numeric view id, or slug string id when flags has ViewIsSlug
    quint32 fieldId = 0;
    quint32 rowRef = 0; //!< first row id in the store's row-id arena
    quint32 rowCount = 0; //!< number of row ids the message names
    quint16 typeId = 0; //!< TypeRegistry id
    quint16 generation = 0; //!< connection generation (1 = first connection)
    quint8 pageId = 0; //!< PageNames id (page_add, page_discard, page requests); 0 = none
    quint8 flags = 0; //!< RecordFlag bits
    Category category = Category::Unknown;
    quint8 bits = 0; //!< ParseStatus (low 3 bits) | Direction (bit 3)

    ParseStatus status() const { return ParseStatus(bits & 0x7); }
    Direction direction() const { return Direction((bits >> 3) & 0x1); }
    bool hasFlag(quint8 flag) const { return (flags & flag) != 0; }
    bool isError() const { return status() >= ParseStatus::InvalidJson; }

    void setStatus(ParseStatus s) { bits = quint8((bits & ~0x7) | quint8(s)); }
    void setDirection(Direction d) { bits = quint8((bits & ~0x8) | (quint8(d) << 3)); }

    //! Error records: why and where the JSON is invalid (InvalidJson only).
    JsonError errorCode() const
    {
        return status() == ParseStatus::InvalidJson ? JsonError(fieldId) : JsonError::None;
    }
    quint32 errorOffset() const { return status() == ParseStatus::InvalidJson ? rowRef : 0; }
    //! The frame's size as received (differs from payloadSize only for TooLarge).
    quint64 originalSize() const { return status() == ParseStatus::TooLarge ? rowRef : payloadSize; }
};

static_assert(sizeof(EventRecord) == 64, "EventRecord must stay compact");
static_assert(std::is_trivially_copyable_v<EventRecord>);

} // namespace bmon

Q_DECLARE_TYPEINFO(bmon::EventRecord, Q_PRIMITIVE_TYPE);
