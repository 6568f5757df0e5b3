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
