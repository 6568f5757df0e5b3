// SPDX-License-Identifier: MIT
#include "net/resterror.h"

namespace bmon {

bool RestError::isTransient() const
{
    switch (kind) {
    case Kind::Network:
    case Kind::Timeout:
    case Kind::RateLimited:
        return true;
    case Kind::Http:
        return httpStatus >= 500 || httpStatus == 0;
    default:
        return false;
    }
}

QString RestError::kindName(Kind kind)
{
    switch (kind) {
    case Kind::None:
        return QStringLiteral("none");
    case Kind::Network:
        return QStringLiteral("network");
    case Kind::Timeout:
        return QStringLiteral("timeout");
    case Kind::Tls:
        return QStringLiteral("tls");
    case Kind::Http:
        return QStringLiteral("http");
    case Kind::Auth:
        return QStringLiteral("auth");
    case Kind::NotBaserow:
        return QStringLiteral("not_baserow");
    case Kind::Unsupported:
        return QStringLiteral("unsupported");
    case Kind::RateLimited:
        return QStringLiteral("rate_limited");
    case Kind::Cancelled:
        return QStringLiteral("cancelled");
    }
    return QStringLiteral("unknown");
}

} // namespace bmon
