// SPDX-License-Identifier: MIT
#include "core/serverversion.h"

#include <QRegularExpression>

namespace bmon {

std::optional<ServerVersion> ServerVersion::parse(QStringView text)
{
    static const QRegularExpression re(QStringLiteral(R"(^\s*v?(\d{1,4})\.(\d{1,4})(?:\.(\d{1,4}))?)"));
    const auto m = re.match(text.toString());
    if (!m.hasMatch())
        return std::nullopt;
    ServerVersion v;
    v.major = m.capturedView(1).toInt();
    v.minor = m.capturedView(2).toInt();
    v.patch = m.capturedView(3).isEmpty() ? 0 : m.capturedView(3).toInt();
    if (v.minor > 99 || v.patch > 99)
        return std::nullopt;
    return v;
}

QString ServerVersion::toString() const
{
    return QStringLiteral("%1.%2.%3").arg(major).arg(minor).arg(patch);
}

} // namespace bmon
