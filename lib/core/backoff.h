// SPDX-License-Identifier: MIT
#pragma once

#include <QtGlobal>

namespace bmon {

/*!
 * Reconnect schedule as data (ARCHITECTURE.md "Connection", PROTOCOL.md §7.1).
 *
 * Exponential: initial × factor^(attempt-1) with ±jitter, never above the cap, retrying forever
 * (the monitor's default). OfficialClient: what Baserow's web frontend does: the first retry at
 * once, then every 5 s, giving up after 10 attempts.
 */
struct BackoffPolicy
{
    enum class Schedule : quint8
    {
        Exponential,
        OfficialClient
    };

    Schedule schedule = Schedule::Exponential;
    qint64 initialMs = 250;
    qint64 capMs = 5000;
    double factor = 2.0;
    double jitter = 0.2; //!< fraction of the delay, both ways
    int maxAttempts = 0; //!< 0 = forever

    //! Delay before retry \a attempt (1-based), or -1 to give up. \a unitRandom ∈ [0, 1) is the
    //! jitter source, so tests are deterministic.
    qint64 delayMs(int attempt, double unitRandom) const;

    static BackoffPolicy officialClient();
};

} // namespace bmon
