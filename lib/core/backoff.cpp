// SPDX-License-Identifier: MIT
#include "core/backoff.h"

#include <cmath>

namespace bmon {

qint64 BackoffPolicy::delayMs(int attempt, double unitRandom) const
{
    if (attempt < 1)
        attempt = 1;
    if (maxAttempts > 0 && attempt > maxAttempts)
        return -1;
    if (schedule == Schedule::OfficialClient)
        return attempt == 1 ? 0 : 5000;
    const double base = double(initialMs) * std::pow(factor, double(qMin(attempt - 1, 62)));
    const double capped = qMin(base, double(capMs));
    const double r = qBound(0.0, unitRandom, 1.0);
    const double jittered = capped * (1.0 - jitter + 2.0 * jitter * r);
    return qBound<qint64>(0, qint64(std::llround(jittered)), capMs);
}

BackoffPolicy BackoffPolicy::officialClient()
{
    BackoffPolicy p;
    p.schedule = Schedule::OfficialClient;
    p.maxAttempts = 10;
    p.capMs = 5000;
    p.jitter = 0;
    return p;
}

} // namespace bmon
