// SPDX-License-Identifier: MIT
#pragma once

#include "core/serverversion.h"

#include <QString>

#include <optional>

namespace bmon::sim {

//! The Baserow era the simulator plays (PROTOCOL.md §5): drf-jwt + groups, simplejwt + groups, workspaces.
enum class Profile
{
    V1_12,
    V1_15,
    V1_35
};

//! "1.12", "1.15", "1.35" (also the full versions "1.12.1", …) → profile.
std::optional<Profile> parseProfile(QStringView text);
//! "1.12", "1.15" or "1.35".
QString profileName(Profile profile);
//! The version reported by schema.json: 1.12.1, 1.15.2 or 1.35.3.
ServerVersion profileVersion(Profile profile);

} // namespace bmon::sim
