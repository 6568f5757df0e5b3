// SPDX-License-Identifier: MIT
#pragma once

#include <QStringList>

namespace bmon::cli {

/*!
 * `export-har FILE OUT.har`: a recording (every session in it) as one HAR 1.2 file in Chrome
 * DevTools' WebSocket shape (core/recording/har.h). Exit 0; 2 for bad arguments or a recording
 * the reader refuses (missing, empty, not a recording, a newer version); 1 when OUT cannot be
 * written. The reader's warnings (skipped lines) go to stderr.
 */
int exportHarCommand(const QStringList& arguments);

/*!
 * `import-har IN.har FILE`: the WebSocket entries of a HAR saved by a browser (or by export-har)
 * as a recording, one session per entry. FILE must not exist yet (a recording is only ever
 * appended to, so importing into an existing one would mix sessions). Exit 0; 2 for bad
 * arguments, an unreadable or invalid HAR, or an existing FILE; 1 when FILE cannot be written.
 */
int importHarCommand(const QStringList& arguments);

} // namespace bmon::cli
