// SPDX-License-Identifier: MIT
#include "sim/simcontext.h"

#include "core/clock.h"
#include "core/messagetypes.h"

#include <QDateTime>

namespace bmon::sim {

bool SimContext::hasMessageType(QStringView type) const
{
    const QByteArray name = type.toUtf8();
    const quint16 id
        = TypeRegistry::instance().findKnown(std::string_view(name.constData(), size_t(name.size())));
    const MessageTypeInfo* info = TypeRegistry::instance().info(id);
    if (!info)
        return false;
    return info->since <= versionCode() && (info->until == 0 || versionCode() <= info->until);
}

qint64 SimContext::nowSecs() const
{
    return clock->nowUs() / 1000000;
}

QString SimContext::nowIso() const
{
    const qint64 us = clock->nowUs();
    const QDateTime t = QDateTime::fromMSecsSinceEpoch(us / 1000, Qt::UTC);
    return QString(t.toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss."))
        + QStringLiteral("%1").arg(us % 1000000, 6, 10, QLatin1Char('0')) + u'Z');
}

} // namespace bmon::sim
