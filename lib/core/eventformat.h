// SPDX-License-Identifier: MIT
#pragma once

#include "core/eventrecord.h"

#include <QByteArray>
#include <QString>

#include <span>

namespace bmon {

class EventStore;

/*!
 * Human and machine renderings of one stored event, shared by the CLI, replay and the GUI.
 *
 * scopeText():   "ws 7 · db 12 · table 21 · view 55 · field 105 · rows 1,2"
 * summaryText(): "rows_updated · table 21 · 2 rows · fields 102,103,104" — type, scope and
 *                what the payload says in a few words (parses the payload: display path only).
 * appendJsonLine(): one JSON Lines object with the frame embedded verbatim (never re-serialised),
 *                   fast enough for the ingest path.
 */
namespace EventFormat {

QString typeName(const EventRecord& rec);
QString scopeText(const EventRecord& rec, std::span<const quint32> rowIds);
QString detailText(const EventRecord& rec, QByteArrayView payload);
QString summaryText(const EventRecord& rec, QByteArrayView payload, std::span<const quint32> rowIds);
QString summaryText(const EventStore& store, quint64 index);

//! "2026-11-27T22:44:05.123456Z"
void appendIsoTime(QByteArray& out, qint64 epochUs);
//! "22:44:05.123" in UTC or local time
QString clockTime(qint64 epochUs, bool utc);

//! Appends {"kind":"frame",…,"frame":<verbatim>} and a newline.
void appendJsonLine(
    QByteArray& out, const EventRecord& rec, QByteArrayView payload, std::span<const quint32> rowIds);
//! Appends \a text as a JSON string literal (quotes included).
void appendJsonString(QByteArray& out, QByteArrayView utf8);
void appendJsonString(QByteArray& out, const QString& text);

} // namespace EventFormat

} // namespace bmon
