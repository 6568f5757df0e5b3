// SPDX-License-Identifier: MIT
#include "sim/profile.h"

namespace bmon::sim {

std::optional<Profile> parseProfile(QStringView text)
{
    const QStringView t = text.trimmed();
    for (Profile p : {Profile::V1_12, Profile::V1_15, Profile::V1_35}) {
        if (t == profileName(p) || t == profileVersion(p).toString())
            return p;
    }
    return std::nullopt;
}

QString profileName(Profile profile)
{
    switch (profile) {
    case Profile::V1_12:
        return QStringLiteral("1.12");
    case Profile::V1_15:
        return QStringLiteral("1.15");
    case Profile::V1_35:
        break;
    }
    return QStringLiteral("1.35");
}

ServerVersion profileVersion(Profile profile)
{
    switch (profile) {
    case Profile::V1_12:
        return {1, 12, 1};
    case Profile::V1_15:
        return {1, 15, 2};
    case Profile::V1_35:
        break;
    }
    return {1, 35, 3};
}

} // namespace bmon::sim
