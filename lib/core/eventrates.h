// SPDX-License-Identifier: MIT
#pragma once

#include "core/eventrecord.h"

#include <QList>

#include <memory>

namespace bmon {

class Directory;
class EventStore;

/*!
 * Counts and rates over the store, for the workspace tree, the status bar and the diagnostics
 * chart. consume() reads the records published since its last call (GUI thread, on a timer or
 * on eventsAppended); everything else is a lookup. Rates are per second over a sliding window,
 * measured on the records' receive times. Memory is bounded: per-second buckets for the last
 * secondsKept seconds, counters per id.
 */
class EventRates
{
public:
    static constexpr int IdRateSeconds = 64;

    explicit EventRates(int secondsKept = 600);
    ~EventRates();

    void consume(const EventStore& store);
    void reset();
    //! Optional: a record without a workspace or application id gets them from \a directory
    //! (table → database → workspace) when consumed, so a workspace counts its tables' row
    //! events, as the stream's scope filter shows them. nullptr = the records' own ids only.
    void setDirectory(const Directory* directory);
    //! Moves the end of the rate windows and of eventsPerSecond() to \a epochUs when that is
    //! later than the newest record, so rates fall to 0 while nothing arrives (a UI timer calls it).
    void setNow(qint64 epochUs);
    quint64 consumed() const; //!< records read so far

    quint64 total() const;
    quint64 totalBytes() const;
    quint64 errors() const; //!< malformed records (ParseStatus >= InvalidJson)
    quint64 unknownTypes() const; //!< records of category Unknown with a type
    //! Records whose workspaceId is \a id (with a Directory: also those resolved to it).
    quint64 countForWorkspace(quint32 id) const;
    quint64 countForApplication(quint32 id) const;
    quint64 countForTable(quint32 id) const;
    quint64 countForType(quint16 typeId) const;

    //! Events per second over the last \a windowSeconds whole seconds, ending with the newest
    //! record's second, or with the last complete second before setNow() when that is later.
    //! Per-id rates keep the last IdRateSeconds seconds.
    double rate(int windowSeconds = 10) const;
    double rateForWorkspace(quint32 id, int windowSeconds = 10) const;
    double rateForApplication(quint32 id, int windowSeconds = 10) const;
    double rateForTable(quint32 id, int windowSeconds = 10) const;

    //! Per-second series for charts, oldest first, \a seconds long, ending at \a endSecond
    //! (epoch seconds; 0 = the newest record's second). Missing seconds are 0.
    QList<quint32> eventsPerSecond(int seconds, qint64 endSecond = 0) const;
    QList<quint64> bytesPerSecond(int seconds, qint64 endSecond = 0) const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace bmon
