// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>

namespace bmon::testdata {

//! Compacts a pretty-printed fixture the way Baserow sends it: Python's json.dumps output, one
//! line with ", " and ": " separators.
inline QByteArray pythonStyle(const QByteArray& pretty)
{
    QByteArray out;
    out.reserve(pretty.size());
    bool inString = false, escaped = false;
    for (char c : pretty) {
        if (inString) {
            out.append(c);
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                inString = false;
            continue;
        }
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
            continue;
        out.append(c);
        if (c == '"')
            inString = true;
        else if (c == ',' || c == ':')
            out.append(' ');
    }
    return out;
}

} // namespace bmon::testdata
