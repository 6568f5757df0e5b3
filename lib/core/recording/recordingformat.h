// SPDX-License-Identifier: MIT
#pragma once

#include "core/eventrecord.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace bmon::recording {

/*!
 * The recording format (FORMAT.md beside this file): JSON Lines, a header line, then one line per
 * frame or meta event. Frames are kept verbatim: embedded as raw JSON when the frame is a valid
 * JSON text without a raw line break, otherwise as a JSON string with "text" (or base64 "binary").
 * A file may hold several sessions: each begins with its own header line (`--record FILE`
 * appends). Readers accept every version up to FormatVersion and refuse newer ones.
 */
inline constexpr const char* FormatName = "bmon-recording";
inline constexpr int FormatVersion = 1;

struct Header
{
    int version = FormatVersion;
    QString appVersion; //!< the monitor's version that wrote it
    QString backendUrl; //!< the server's base URL, never with credentials or tokens
    QString serverVersion; //!< "1.35.3", empty when unknown
    qint64 startUs = 0; //!< µs since the epoch
    QString login; //!< the e-mail of the login (pseudonymised in bug reports), may be empty
    QJsonObject extra; //!< anything else (e.g. "source": "har" for imports)
};

//! One line after the header.
struct Line
{
    enum class Kind
    {
        Frame, //!< a WebSocket frame received or sent
        Meta, //!< connect, close, authentication state, subscription, rest, snapshot, finding, …
    };
    Kind kind = Kind::Frame;
    qint64 timeUs = 0; //!< receive (or send) time, µs since the epoch
    quint64 seq = 0; //!< the session's sequence number (frames and metas share it)
    Direction direction = Direction::Received;
    quint16 generation = 0; //!< connection generation (1 = first socket)
    QByteArray frame; //!< Frame: the exact bytes received (UTF-8 text, or binary data)
    bool binary = false; //!< Frame: a binary frame
    QString metaType; //!< Meta: "connect", "close", "state", "subscription", "rest", "snapshot", "finding", …
    QJsonObject meta; //!< Meta: its fields
};

//! The header line (with the trailing '\n').
QByteArray encodeHeader(const Header& header);
//! A frame or meta line (with the trailing '\n'). Frames are embedded verbatim (see above).
QByteArray encodeLine(const Line& line);
void encodeLineAppend(const Line& line, QByteArray& out);

enum class DecodeError
{
    None,
    NotJson, //!< the line is not a JSON object (corrupted, torn)
    NotARecording, //!< a header line with another format name
    NewerVersion, //!< a header of a version this monitor cannot read
    BadField, //!< a frame/meta line missing required fields
};

//! What a line is: a header (\a header set), a frame/meta line (\a line set) or an error.
struct Decoded
{
    DecodeError error = DecodeError::None;
    QString errorText; //!< translated
    std::optional<Header> header;
    std::optional<Line> line;
};

//! Decodes one line (without its '\n'). The frame bytes of a raw-embedded frame are the exact
//! bytes from the file.
Decoded decodeLine(QByteArrayView text);

/*!
 * decodeLine() for readers of many lines: fills \a line (reusing its buffers) or, for a header
 * line, \a header (then \a isHeader is set). \a errorText (may be null) gets the translated reason.
 */
DecodeError decodeLineInto(
    QByteArrayView text, Line& line, Header& header, bool& isHeader, QString* errorText = nullptr);

//! A frame line read in place (the frame points into the line).
struct FrameRef
{
    qint64 timeUs = 0;
    quint64 seq = 0;
    Direction direction = Direction::Received;
    quint16 generation = 0;
    QByteArrayView frame;
};

/*!
 * The fast path for readers that validate frames anyway (Ingest's classifier): a raw frame line
 * laid out exactly as encodeFrameAppend() writes it is read without copying or validating the
 * frame, which runs to the line's closing brace. False for any other line: use decodeLineInto().
 * Writers embed only valid JSON raw, so a frame that then turns out invalid means a damaged line.
 */
bool decodeWrittenFrameLine(QByteArrayView text, FrameRef& out);

/*!
 * Appends a frame line for \a frame (the writer's hot path, no Line needed). \a originalSize,
 * when larger than the frame, records that only a prefix was kept ("truncated").
 */
void encodeFrameAppend(qint64 timeUs, quint64 seq, Direction direction, quint16 generation,
    QByteArrayView frame, bool binary, QByteArray& out, quint64 originalSize = 0);

//! \a us as ISO 8601 UTC with microseconds ("2026-01-01T12:00:00.000050Z").
QByteArray isoTimeUs(qint64 us);
//! The inverse of isoTimeUs() (fractions of any length, "Z" or "+hh:mm"); nullopt if malformed.
std::optional<qint64> parseIsoTimeUs(QByteArrayView text);

} // namespace bmon::recording
