// SPDX-License-Identifier: MIT
#include "core/clock.h"

#include <QElapsedTimer>
#include <QHash>
#include <QMutex>
#include <QTimer>

#include <chrono>
#include <limits>

namespace bmon {

Clock::~Clock() = default;

namespace {

class SystemClock final : public Clock
{
public:
    SystemClock() { m_elapsed.start(); }

    qint64 nowUs() const override
    {
        using namespace std::chrono;
        return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
    }
    qint64 monotonicMs() const override { return m_elapsed.elapsed(); }

    TimerId schedule(qint64 delayMs, QObject* context, std::function<void()> fn) override
    {
        // A QTimer parented to the context dies with it, which drops the callback.
        auto* timer = new QTimer(context);
        timer->setSingleShot(true);
        timer->setTimerType(delayMs < 2000 ? Qt::PreciseTimer : Qt::CoarseTimer);
        const TimerId id = m_nextId.fetchAndAddRelaxed(1);
        QObject* receiver = context ? context : timer;
        QObject::connect(timer, &QTimer::timeout, receiver, [timer, fn = std::move(fn)]() {
            timer->deleteLater();
            fn();
        });
        QObject::connect(timer, &QObject::destroyed, timer, [this, id]() { forget(id); });
        {
            QMutexLocker locker(&m_mutex);
            m_timers.insert(id, timer);
        }
        timer->start(int(qBound<qint64>(0, delayMs, qint64(std::numeric_limits<int>::max()))));
        return id;
    }

    void cancel(TimerId id) override
    {
        QPointer<QTimer> timer;
        {
            QMutexLocker locker(&m_mutex);
            timer = m_timers.take(id);
        }
        if (timer) {
            timer->stop();
            timer->deleteLater();
        }
    }

private:
    void forget(TimerId id)
    {
        QMutexLocker locker(&m_mutex);
        m_timers.remove(id);
    }

    QElapsedTimer m_elapsed;
    QAtomicInteger<quint64> m_nextId {1};
    QMutex m_mutex;
    QHash<TimerId, QPointer<QTimer>> m_timers;
};

} // namespace

Clock* Clock::system()
{
    static SystemClock clock;
    return &clock;
}

ManualClock::ManualClock(qint64 startUs) : m_nowUs(startUs)
{ }

Clock::TimerId ManualClock::schedule(qint64 delayMs, QObject* context, std::function<void()> fn)
{
    const TimerId id = m_nextId++;
    m_timers.emplace(
        m_monotonicMs + qMax<qint64>(0, delayMs), Timer {id, context, context != nullptr, std::move(fn)});
    return id;
}

void ManualClock::cancel(TimerId id)
{
    for (auto it = m_timers.begin(); it != m_timers.end(); ++it) {
        if (it->second.id == id) {
            m_timers.erase(it);
            return;
        }
    }
}

void ManualClock::advance(qint64 ms)
{
    const qint64 target = m_monotonicMs + qMax<qint64>(0, ms);
    // Timers scheduled by callbacks may fall due within the same advance.
    while (!m_timers.empty() && m_timers.begin()->first <= target) {
        auto it = m_timers.begin();
        const qint64 due = it->first;
        Timer timer = std::move(it->second);
        m_timers.erase(it);
        m_nowUs += (due - m_monotonicMs) * 1000;
        m_monotonicMs = due;
        if (!timer.hasContext || timer.context)
            timer.fn();
    }
    m_nowUs += (target - m_monotonicMs) * 1000;
    m_monotonicMs = target;
}

qint64 ManualClock::nextTimerInMs() const
{
    return m_timers.empty() ? -1 : qMax<qint64>(0, m_timers.begin()->first - m_monotonicMs);
}

} // namespace bmon
