// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>
#include <QPointer>

#include <functional>
#include <map>

namespace bmon {

/*!
 * Time and timers behind one interface, so reconnect backoff, token refresh, ping timeouts and
 * replay pacing run in fake time in tests (as KeePassXC's Clock/MockClock).
 *
 * Timers are one-shot callbacks bound to a context object: when the context is destroyed the
 * callback is dropped. Callbacks run on the thread that owns the context (system clock) or
 * inside ManualClock::advance().
 */
class Clock
{
public:
    using TimerId = quint64;

    virtual ~Clock();
    //! Wall-clock time, µs since the epoch (event timestamps).
    virtual qint64 nowUs() const = 0;
    //! Monotonic milliseconds (durations, deadlines).
    virtual qint64 monotonicMs() const = 0;
    //! Calls \a fn once after \a delayMs unless cancelled or \a context is gone.
    virtual TimerId schedule(qint64 delayMs, QObject* context, std::function<void()> fn) = 0;
    virtual void cancel(TimerId id) = 0;

    //! The process's real clock (QTimer based timers).
    static Clock* system();
};

//! A clock that only moves when told to: advance() fires due timers in deadline order.
class ManualClock : public Clock
{
public:
    explicit ManualClock(qint64 startUs = 1'767'225'600'000'000LL); // 2026-01-01T00:00:00Z
    qint64 nowUs() const override { return m_nowUs; }
    qint64 monotonicMs() const override { return m_monotonicMs; }
    TimerId schedule(qint64 delayMs, QObject* context, std::function<void()> fn) override;
    void cancel(TimerId id) override;

    //! Moves time forward by \a ms, firing every timer that falls due on the way.
    void advance(qint64 ms);
    //! Milliseconds until the earliest pending timer, or -1 when none.
    qint64 nextTimerInMs() const;
    int pendingTimers() const { return int(m_timers.size()); }

private:
    struct Timer
    {
        TimerId id;
        QPointer<QObject> context;
        bool hasContext;
        std::function<void()> fn;
    };
    qint64 m_nowUs;
    qint64 m_monotonicMs = 0;
    TimerId m_nextId = 1;
    std::multimap<qint64, Timer> m_timers; // deadline (monotonic ms) → timer
};

} // namespace bmon
