// SPDX-License-Identifier: MIT
#pragma once

#include "core/eventrecord.h"

#include <QString>

#include <vector>

namespace bmon {

/*!
 * Reads one text frame (UTF-8 JSON) and fills the classification fields of \a rec: typeId,
 * category, status, scope ids, pageId and flags. Row ids go to \a rowIds (cleared first, at most
 * \a maxRowIds kept; rec.rowCount is the true count). Time, sequence, generation and payload
 * location are the caller's.
 *
 * Tolerant as PROTOCOL.md §8.9 asks: workspace_id ?? group_id, workspace ?? group, numeric
 * strings as ids, sha256-hashed ids flagged rather than guessed, legacy singular row events.
 * Invalid JSON (including text that is not UTF-8) becomes ParseStatus::InvalidJson with the
 * error and byte offset in the record. Pure and thread-safe apart from interning names in the
 * process-wide registries.
 *
 * Speed: simdjson (when built with it) validates and indexes the frame; the walk then reads only
 * what it needs. Frames simdjson rejects go through JsonReader, which names the error and its
 * offset. \a padded promises ClassifyPadding readable bytes after the frame (saves a copy).
 */
void classifyFrame(const char* data, qsizetype size, Direction direction, EventRecord& rec,
    std::vector<quint32>& rowIds, quint32 maxRowIds = 1u << 20, bool padded = false);

//! Bytes a caller passing padded = true guarantees readable after data + size (simdjson's padding).
constexpr qsizetype ClassifyPadding = 64;

//! Marks \a rec as a binary frame (Baserow sends only text).
void classifyBinaryFrame(EventRecord& rec);

//! A translated, human-readable reason for an error record ("invalid JSON at byte 57: …").
QString parseStatusText(const EventRecord& rec);
QString jsonErrorText(JsonError error);
//! Stable machine name of a status: "ok", "no_type", "invalid_json", …
QString parseStatusName(ParseStatus status);

} // namespace bmon
