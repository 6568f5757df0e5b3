// SPDX-License-Identifier: MIT
#pragma once

#include <QStringView>

namespace bmon {

/*!
 * UTF-16 to UTF-8 into \a out, which has room for 3 × text.size() bytes; returns the end.
 * Baserow frames are ASCII (Python's json.dumps escapes everything else), so ASCII runs go 16
 * units at a time; QStringEncoder's buffer interface took three times as long on them. Lone
 * surrogates become U+FFFD, so the result is always valid UTF-8.
 */
char* encodeUtf8(QStringView text, char* out);

} // namespace bmon
