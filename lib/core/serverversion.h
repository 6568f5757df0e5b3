// SPDX-License-Identifier: MIT
#pragma once

#include "core/messagetypes.h"

#include <QString>

#include <optional>

namespace bmon {

/*!
 * A Baserow backend version (from /api/schema.json info.version) and the protocol facts that
 * depend on it (PROTOCOL.md §5.4).
 */
struct ServerVersion
{
    int major = 0;
    int minor = 0;
    int patch = 0;

    static std::optional<ServerVersion> parse(QStringView text); //!< "1.35.3", "1.22.0-rc1", "v1.15"
    static constexpr ServerVersion newestKnown() { return {1, 35, 3}; }
    static constexpr ServerVersion oldestSupported() { return {1, 0, 0}; }

    constexpr int code() const { return versionCode(major, minor, patch); }
    QString toString() const;

    bool isSupported() const { return code() >= oldestSupported().code(); }
    bool isNewerThanKnown() const { return code() > newestKnown().code(); }
    bool hasSimpleJwt() const { return code() >= versionCode(1, 13, 0); } //!< access + refresh tokens
    bool hasMultiplePages() const { return code() >= versionCode(1, 21, 0); } //!< remove_page, row page
    bool hasWorkspacesEndpoint() const { return code() >= versionCode(1, 16, 0); }
    bool hasGroupsEndpoint() const { return code() < versionCode(1, 27, 0); }
    bool hasWorkspaceKeys() const { return code() >= versionCode(1, 16, 0); }
    bool hasGroupKeys() const { return code() < versionCode(1, 27, 0); }
    bool hasForceDisconnect() const { return code() >= versionCode(1, 21, 0); }
    bool hasDashboardPage() const { return code() >= versionCode(1, 31, 0); }
    bool hasHashedReorderIds() const { return code() >= versionCode(1, 14, 0); }
    bool hasUpdatedFieldIds() const { return code() >= versionCode(1, 29, 0); }
    bool hasTokenBlacklist() const { return code() >= versionCode(1, 21, 0); }
    bool hasAnonymousViewPage() const { return code() >= versionCode(1, 8, 0); }

    friend constexpr bool operator==(const ServerVersion& a, const ServerVersion& b)
    {
        return a.code() == b.code();
    }
    friend constexpr auto operator<=>(const ServerVersion& a, const ServerVersion& b)
    {
        return a.code() <=> b.code();
    }
};

} // namespace bmon
