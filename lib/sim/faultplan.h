// SPDX-License-Identifier: MIT
#pragma once

#include "sim/faultspec.h"

#include <QHash>
#include <QList>
#include <QObject>

#include <deque>
#include <functional>
#include <optional>
#include <random>

namespace bmon {
class Clock;
}

namespace bmon::sim {

/*!
 * The faults of one WebSocket connection: what happens to each broadcast frame on its way out
 * (drop, duplicate, reorder, malformed extras, delay, and the targeted drop-type, duplicate-type,
 * reorder-type) and the timed ones (close@, stall@). Decisions come from a PRNG seeded from
 * (seed, connection number), so a run with the same seed and the same traffic makes the same
 * decisions.
 *
 * Targeted knobs count the broadcasts of each type this connection is sent, 1-based, from the
 * connection's opening (a reconnect starts again at 1). Control frames (authentication,
 * page_add, page_discard, force_disconnect) never pass through the plan and never count; every
 * broadcast counts before any other fault acts on it, so drop=P cannot shift the numbering.
 */
class FaultPlan : public QObject
{
    Q_OBJECT
public:
    struct Sink
    {
        std::function<void(const QString&)> text;
        std::function<void(const QByteArray&)> binary;
        std::function<void(int code, const QString& reason)> close;
        std::function<void()> stall;
    };

    FaultPlan(const QList<FaultSpec>& faults, quint64 seed, int connectionNumber, Clock* clock, Sink sink,
        QObject* parent = nullptr);
    ~FaultPlan() override;

    //! Schedules the timed faults (relative to now = the connection's opening).
    void start();
    //! One broadcast frame of \a type on its way to the client.
    void deliver(QStringView type, const QString& text);
    //! Drops queued and held frames (the connection is going away).
    void clear();

signals:
    void applied(const QString& description);

private:
    struct Item
    {
        qint64 dueMs = 0;
        bool binary = false;
        QString text;
        QByteArray bytes;
    };
    struct Held
    {
        QString text;
        QString label; //!< "rows_updated #2" for targeted holds, empty for reorder=P
    };
    double draw();
    void output(Item item);
    void pump();
    void hold(const QString& text, const QString& label);
    //! Sends the held frame; \a successor names the frame that released it (null: the timer),
    //! \a successorHeld when that frame is itself being held back.
    void releaseHeld(QStringView successor, bool successorHeld);

    QList<FaultSpec> m_faults;
    int m_connection;
    Clock* m_clock;
    Sink m_sink;
    std::mt19937_64 m_rng;
    int m_delayMs = 0;
    QHash<QString, int> m_typeCounts;
    std::deque<Item> m_queue;
    quint64 m_pumpTimer = 0;
    std::optional<Held> m_held;
    quint64 m_heldTimer = 0;
    QList<quint64> m_timers;
};

//! SplitMix64 mixing of the run seed with a stream number: independent PRNG streams.
quint64 mixSeed(quint64 seed, quint64 stream);

} // namespace bmon::sim
