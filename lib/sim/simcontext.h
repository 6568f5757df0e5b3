// SPDX-License-Identifier: MIT
#pragma once

#include "core/serverversion.h"
#include "sim/profile.h"

#include <QString>

namespace bmon {
class Clock;
}

namespace bmon::sim {

class SimData;
class Serializer;
class TokenService;
class RealtimeHub;
class SimOperations;
struct SimulatorOptions;

//! What the simulator's parts share: the options, the era, the clock and the other parts.
struct SimContext
{
    const SimulatorOptions* options = nullptr;
    Profile profile = Profile::V1_35;
    ServerVersion version;
    Clock* clock = nullptr;
    SimData* data = nullptr;
    Serializer* serializer = nullptr;
    TokenService* tokens = nullptr;
    RealtimeHub* hub = nullptr;
    SimOperations* ops = nullptr;

    int versionCode() const { return version.code(); }
    //! Whether a message type exists in this era (core/messagetypes.h catalogue).
    bool hasMessageType(QStringView type) const;
    qint64 nowSecs() const;
    //! "2025-10-08T13:52:40.004571Z" from the clock.
    QString nowIso() const;
};

} // namespace bmon::sim
