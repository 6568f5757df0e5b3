// SPDX-License-Identifier: MIT
#pragma once

#include "core/recording/recordingformat.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace bmon::recording {

/*!
 * HAR 1.2 with Chrome DevTools' WebSocket extension: the /ws/core/ request is an entry with
 * `_resourceType: "websocket"` and `_webSocketMessages: [{type: "send"|"receive", time:
 * <seconds since the epoch, fractional>, opcode: 1|2, data: <text, or base64 for opcode 2>}]`.
 * The jwt_token in the entry's URL is redacted on export; on import every WebSocket entry of a
 * browser's HAR (Baserow's web app) becomes one session of frames (other entries become "rest"
 * meta lines with method, URL without query secrets, status and timing).
 *
 * Export: one page and one WebSocket entry per session (ws(s)://host/ws/core/?jwt_token=REDACTED
 * from the backend URL), entries in start order. "rest" metas with method, url and status become
 * ordinary "xhr" entries (durationMs → time). What HAR has no place for travels in extension
 * fields that browsers ignore, so a HAR this monitor wrote reads back losslessly:
 *  - entry `_bmonSession`: {appVersion, backendUrl, serverVersion, startUs, login, extra} (the header);
 *  - entry `_bmonMeta`: on the WebSocket entry an array of the other metas, on a REST entry its
 *    own meta; each {type, timeUs, seq, direction "send"|"receive", generation, fields};
 *  - message `_bmonSeq`: the frame's seq; `_bmonGeneration`: its connection generation when not 1;
 *  - message `_bmonData64`: the exact bytes (base64) of a text frame that is not valid UTF-8
 *    (`data` then holds it with U+FFFD replacements).
 * Times: `time` is written with exactly six decimals and read back to the exact µs.
 *
 * Import: old Chrome versions wrote message times on a monotonic clock; those are placed
 * relative to the entry's startedDateTime. Without `_resourceType` (Firefox), entries whose path
 * has /api/ or whose content is JSON count as API calls; page resources are ignored. Each API
 * call joins the latest socket opened before it. Frames keep their order; without `_bmonSeq`
 * they are numbered 1…, a meta goes before the first frame after it and carries the seq of the
 * frame before it (as the live recorder writes them). Control frames are skipped.
 */
struct HarSession
{
    Header header;
    QList<Line> lines;
};

//! A HAR document for \a sessions (UTF-8 JSON). Frames keep their exact text.
QByteArray writeHar(const QList<HarSession>& sessions, const QString& creatorVersion);
//! Parses a HAR; \a error (translated) when it is not a HAR or has no WebSocket entry.
QList<HarSession> readHar(const QByteArray& har, QString* error);

} // namespace bmon::recording
