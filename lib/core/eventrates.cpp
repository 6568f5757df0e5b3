// SPDX-License-Identifier: MIT
#include "core/eventrates.h"

#include "core/directory.h"
#include "core/eventstore.h"

#include <QHash>

#include <limits>
#include <vector>

namespace bmon {

namespace {

constexpr qint64 kNoSecond = std::numeric_limits<qint64>::min() / 2;

qint64 secondOf(qint64 us)
{
    // Floor division: times before the epoch still land in the right bucket.
    return us >= 0 ? us / 1000000 : -((-us + 999999) / 1000000);
}

/*
 * Per-second counters for the last N seconds, without time stamps per bucket: buckets between
 * the newest second seen and a newer one are cleared when time moves on. Records slightly out of
 * order (sent frames are stamped on another thread) still land in their own second.
 */
template<typename T, int FixedN = 0>
class SecondRing
{
public:
    explicit SecondRing(int n = FixedN) : m_n(n), m_buckets(size_t(n), T(0)) { }

    void add(qint64 second, T value)
    {
        if (m_last == kNoSecond) {
            m_last = second;
        } else if (second > m_last) {
            const qint64 gap = second - m_last;
            if (gap >= m_n) {
                std::fill(m_buckets.begin(), m_buckets.end(), T(0));
            } else {
                for (qint64 s = m_last + 1; s <= second; ++s)
                    m_buckets[slot(s)] = T(0);
            }
            m_last = second;
        } else if (m_last - second >= m_n) {
            return; // older than the ring
        }
        m_buckets[slot(second)] += value;
    }

    T at(qint64 second) const
    {
        if (m_last == kNoSecond || second > m_last || m_last - second >= m_n)
            return T(0);
        return m_buckets[slot(second)];
    }

    int size() const { return m_n; }
    void clear()
    {
        std::fill(m_buckets.begin(), m_buckets.end(), T(0));
        m_last = kNoSecond;
    }

private:
    size_t slot(qint64 second) const
    {
        const qint64 m = second % m_n;
        return size_t(m < 0 ? m + m_n : m);
    }

    int m_n;
    std::vector<T> m_buckets;
    qint64 m_last = kNoSecond;
};

struct IdStats
{
    quint64 total = 0;
    SecondRing<quint32> perSecond {EventRates::IdRateSeconds};
};

} // namespace

struct EventRates::Private
{
    explicit Private(int kept) : events(kept), bytes(kept) { }

    SecondRing<quint32> events;
    SecondRing<quint64> bytes;
    QHash<quint32, IdStats> workspaces, applications, tables;
    std::vector<quint64> types;
    const Directory* directory = nullptr;
    quint64 consumed = 0;
    quint64 total = 0;
    quint64 totalBytes = 0;
    quint64 errors = 0;
    quint64 unknownTypes = 0;
    qint64 newestUs = std::numeric_limits<qint64>::min();
    qint64 nowUs = std::numeric_limits<qint64>::min();

    //! The last \a seconds buckets of \a ring up to \a endSecond (0 = the newest event's second).
    template<typename T>
    QList<T> series(const SecondRing<T>& ring, int seconds, qint64 endSecond) const;

    bool hasTime() const
    {
        return newestUs != std::numeric_limits<qint64>::min() || nowUs != std::numeric_limits<qint64>::min();
    }
    qint64 endUs() const { return qMax(newestUs, nowUs); }

    static void count(QHash<quint32, IdStats>& map, quint32 id, qint64 second)
    {
        if (!id)
            return;
        IdStats& s = map[id];
        ++s.total;
        s.perSecond.add(second, 1);
    }

    // Whole seconds: up to the newest record's second, or, once setNow() has moved past the
    // newest record, up to the last complete second (so an idle stream falls to 0 and a UI
    // timer never sees a half-filled current second).
    qint64 lastRateSecond() const
    {
        if (nowUs > newestUs)
            return secondOf(nowUs) - 1;
        return secondOf(newestUs);
    }

    template<typename Ring>
    double rateOf(const Ring& ring, int window) const
    {
        if (!hasTime())
            return 0;
        window = qBound(1, window, ring.size());
        const qint64 last = lastRateSecond();
        double sum = 0;
        for (qint64 s = last - window + 1; s <= last; ++s)
            sum += double(ring.at(s));
        return sum / double(window);
    }

    double idRate(const QHash<quint32, IdStats>& map, quint32 id, int window) const
    {
        const auto it = map.constFind(id);
        return it == map.constEnd() ? 0.0 : rateOf(it->perSecond, window);
    }

    static quint64 idCount(const QHash<quint32, IdStats>& map, quint32 id)
    {
        const auto it = map.constFind(id);
        return it == map.constEnd() ? 0 : it->total;
    }
};

EventRates::EventRates(int secondsKept) : d(std::make_unique<Private>(qMax(secondsKept, 2)))
{ }

EventRates::~EventRates() = default;

void EventRates::setDirectory(const Directory* directory)
{
    d->directory = directory;
}

void EventRates::setNow(qint64 epochUs)
{
    d->nowUs = epochUs;
}

void EventRates::consume(const EventStore& store)
{
    const quint64 end = store.count();
    for (quint64 i = d->consumed; i < end; ++i) {
        const EventRecord& rec = store.at(i);
        const qint64 second = secondOf(rec.receivedUs);
        const quint64 size = rec.originalSize();
        d->newestUs = qMax(d->newestUs, rec.receivedUs);
        ++d->total;
        d->totalBytes += size;
        d->events.add(second, 1);
        d->bytes.add(second, size);
        if (d->types.size() <= rec.typeId)
            d->types.resize(size_t(rec.typeId) + 1, 0);
        ++d->types[rec.typeId];
        if (rec.isError()) {
            ++d->errors;
            continue; // error records reuse scope fields for the error position
        }
        if (rec.category == Category::Unknown && rec.typeId != 0)
            ++d->unknownTypes;
        quint32 workspace = rec.workspaceId;
        quint32 application = rec.applicationId;
        if (d->directory) {
            if (!application && rec.tableId)
                application = d->directory->databaseOfTable(rec.tableId);
            if (!workspace && application)
                workspace = d->directory->workspaceOfApplication(application);
        }
        Private::count(d->workspaces, workspace, second);
        Private::count(d->applications, application, second);
        Private::count(d->tables, rec.tableId, second);
    }
    d->consumed = qMax(d->consumed, end);
}

void EventRates::reset()
{
    const int kept = d->events.size();
    const Directory* directory = d->directory;
    d = std::make_unique<Private>(kept);
    d->directory = directory;
}

quint64 EventRates::consumed() const
{
    return d->consumed;
}

quint64 EventRates::total() const
{
    return d->total;
}

quint64 EventRates::totalBytes() const
{
    return d->totalBytes;
}

quint64 EventRates::errors() const
{
    return d->errors;
}

quint64 EventRates::unknownTypes() const
{
    return d->unknownTypes;
}

quint64 EventRates::countForWorkspace(quint32 id) const
{
    return Private::idCount(d->workspaces, id);
}

quint64 EventRates::countForApplication(quint32 id) const
{
    return Private::idCount(d->applications, id);
}

quint64 EventRates::countForTable(quint32 id) const
{
    return Private::idCount(d->tables, id);
}

quint64 EventRates::countForType(quint16 typeId) const
{
    return typeId < d->types.size() ? d->types[typeId] : 0;
}

double EventRates::rate(int windowSeconds) const
{
    return d->rateOf(d->events, windowSeconds);
}

double EventRates::rateForWorkspace(quint32 id, int windowSeconds) const
{
    return d->idRate(d->workspaces, id, windowSeconds);
}

double EventRates::rateForApplication(quint32 id, int windowSeconds) const
{
    return d->idRate(d->applications, id, windowSeconds);
}

double EventRates::rateForTable(quint32 id, int windowSeconds) const
{
    return d->idRate(d->tables, id, windowSeconds);
}

template<typename T>
QList<T> EventRates::Private::series(const SecondRing<T>& ring, int seconds, qint64 endSecond) const
{
    QList<T> result;
    if (seconds <= 0)
        return result;
    if (endSecond == 0)
        endSecond = hasTime() ? secondOf(endUs()) : 0;
    result.reserve(seconds);
    for (qint64 s = endSecond - seconds + 1; s <= endSecond; ++s)
        result.append(ring.at(s));
    return result;
}

QList<quint32> EventRates::eventsPerSecond(int seconds, qint64 endSecond) const
{
    return d->series(d->events, seconds, endSecond);
}

QList<quint64> EventRates::bytesPerSecond(int seconds, qint64 endSecond) const
{
    return d->series(d->bytes, seconds, endSecond);
}

} // namespace bmon
