// SPDX-License-Identifier: MIT
#include "sim/faultplan.h"

#include "core/clock.h"

namespace bmon::sim {

quint64 mixSeed(quint64 seed, quint64 stream)
{
    quint64 z = seed + 0x9e3779b97f4a7c15ULL * (stream + 1);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

namespace {
constexpr qint64 kHeldFlushMs = 1000; // a reordered frame waits at most this long for a successor
}

FaultPlan::FaultPlan(const QList<FaultSpec>& faults, quint64 seed, int connectionNumber, Clock* clock,
    Sink sink, QObject* parent)
    : QObject(parent)
    , m_faults(faults)
    , m_connection(connectionNumber)
    , m_clock(clock)
    , m_sink(std::move(sink))
    , m_rng(mixSeed(seed, quint64(connectionNumber)))
{
    for (const FaultSpec& f : m_faults) {
        if (f.kind == FaultSpec::Kind::Delay)
            m_delayMs = qMax(m_delayMs, f.delayMs);
    }
}

FaultPlan::~FaultPlan()
{
    clear();
}

void FaultPlan::start()
{
    for (const FaultSpec& f : m_faults) {
        const qint64 ms = qint64(f.seconds * 1000);
        if (f.kind == FaultSpec::Kind::Close) {
            m_timers.append(m_clock->schedule(ms, this, [this, f]() {
                clear();
                emit applied(tr("close with code %1 (%2)").arg(f.closeCode).arg(f.toString()));
                m_sink.close(f.closeCode, QStringLiteral("simulated fault"));
            }));
        } else if (f.kind == FaultSpec::Kind::Stall) {
            m_timers.append(m_clock->schedule(ms, this, [this, f]() {
                clear();
                emit applied(tr("stall (%1)").arg(f.toString()));
                m_sink.stall();
            }));
        }
    }
}

void FaultPlan::clear()
{
    for (quint64 id : std::as_const(m_timers))
        m_clock->cancel(id);
    m_timers.clear();
    if (m_pumpTimer)
        m_clock->cancel(m_pumpTimer);
    if (m_heldTimer)
        m_clock->cancel(m_heldTimer);
    m_pumpTimer = m_heldTimer = 0;
    m_queue.clear();
    m_held.reset();
}

double FaultPlan::draw()
{
    return double(m_rng() >> 11) * (1.0 / 9007199254740992.0);
}

namespace {
bool isTargeted(FaultSpec::Kind kind)
{
    return kind == FaultSpec::Kind::DropType || kind == FaultSpec::Kind::DuplicateType
        || kind == FaultSpec::Kind::ReorderType;
}
} // namespace

void FaultPlan::deliver(QStringView type, const QString& text)
{
    // Count once per frame (not once per knob), before any other fault looks at it.
    int nth = 0;
    for (const FaultSpec& f : std::as_const(m_faults)) {
        if (isTargeted(f.kind) && f.messageType == type) {
            nth = ++m_typeCounts[type.toString()];
            break;
        }
    }
    const QString label = nth > 0 ? QStringLiteral("%1 #%2").arg(type.toString()).arg(nth) : QString();

    bool duplicate = false;
    bool reorder = false;
    bool duplicateType = false;
    bool reorderType = false;
    std::optional<Item> malformed;
    for (const FaultSpec& f : std::as_const(m_faults)) {
        const bool hit = nth > 0 && f.count == nth && f.messageType == type;
        switch (f.kind) {
        case FaultSpec::Kind::DropType:
            if (hit) {
                emit applied(tr("dropped %1 (drop-type)").arg(label));
                return;
            }
            break;
        case FaultSpec::Kind::DuplicateType:
            duplicateType = duplicateType || hit;
            break;
        case FaultSpec::Kind::ReorderType:
            reorderType = reorderType || hit;
            break;
        case FaultSpec::Kind::Drop:
            if (draw() < f.probability) {
                emit applied(tr("dropped %1").arg(type.toString()));
                return;
            }
            break;
        case FaultSpec::Kind::Malformed:
            if (draw() < f.probability && !malformed) {
                Item bad;
                const quint64 pick = m_rng() % 3;
                if (pick == 0) {
                    bad.text = text.left(qMax<qsizetype>(1, text.size() / 2)); // cut mid-object: invalid JSON
                    emit applied(tr("malformed frame (invalid JSON) before %1").arg(type.toString()));
                } else if (pick == 1) {
                    bad.binary = true;
                    bad.bytes = text.left(16).toUtf8();
                    bad.bytes.prepend(char(0xff));
                    emit applied(tr("malformed frame (binary) before %1").arg(type.toString()));
                } else {
                    emit applied(tr("malformed frame (empty) before %1").arg(type.toString()));
                }
                malformed = bad;
            }
            break;
        case FaultSpec::Kind::Duplicate:
            if (draw() < f.probability)
                duplicate = true;
            break;
        case FaultSpec::Kind::Reorder:
            if (draw() < f.probability)
                reorder = true;
            break;
        default:
            break;
        }
    }
    if (malformed)
        output(*malformed);
    if (reorderType) {
        // Only one frame is held at a time: an earlier one goes out now, in this one's place.
        releaseHeld(label, true);
        emit applied(tr("held back %1 until the next broadcast (reorder-type)").arg(label));
        hold(text, label);
        return;
    }
    if (reorder && !m_held) {
        emit applied(tr("held back %1 (reorder)").arg(type.toString()));
        hold(text, QString());
        return;
    }
    Item item;
    item.text = text;
    output(item);
    if (duplicateType) {
        emit applied(tr("duplicated %1 (duplicate-type)").arg(label));
        output(item);
    } else if (duplicate) {
        emit applied(tr("duplicated %1").arg(type.toString()));
        output(item);
    }
    releaseHeld(label.isEmpty() ? type : QStringView(label), false);
}

void FaultPlan::hold(const QString& text, const QString& label)
{
    m_held = Held {text, label};
    // Nothing is lost: with no later broadcast the frame goes out on its own.
    m_heldTimer = m_clock->schedule(kHeldFlushMs, this, [this]() {
        m_heldTimer = 0;
        releaseHeld(QStringView(), false);
    });
}

void FaultPlan::releaseHeld(QStringView successor, bool successorHeld)
{
    if (!m_held)
        return;
    if (m_heldTimer)
        m_clock->cancel(m_heldTimer);
    m_heldTimer = 0;
    Item item;
    item.text = m_held->text;
    const QString label = m_held->label;
    m_held.reset();
    output(item);
    if (label.isEmpty())
        return;
    if (successorHeld)
        emit applied(tr("released %1 as %2 is held back in its place (reorder-type)")
                         .arg(label, successor.toString()));
    else if (successor.isNull())
        emit applied(tr("released %1 after %2 ms with no later broadcast (reorder-type)")
                         .arg(label)
                         .arg(kHeldFlushMs));
    else
        emit applied(tr("delivered %1 after %2 (reorder-type)").arg(label, successor.toString()));
}

void FaultPlan::output(Item item)
{
    if (m_delayMs <= 0 && m_queue.empty()) {
        if (item.binary)
            m_sink.binary(item.bytes);
        else
            m_sink.text(item.text);
        return;
    }
    item.dueMs = m_clock->monotonicMs() + m_delayMs;
    m_queue.push_back(std::move(item));
    if (!m_pumpTimer)
        m_pumpTimer = m_clock->schedule(
            qMax<qint64>(0, m_queue.front().dueMs - m_clock->monotonicMs()), this, [this]() {
                m_pumpTimer = 0;
                pump();
            });
}

void FaultPlan::pump()
{
    const qint64 now = m_clock->monotonicMs();
    while (!m_queue.empty() && m_queue.front().dueMs <= now) {
        Item item = std::move(m_queue.front());
        m_queue.pop_front();
        if (item.binary)
            m_sink.binary(item.bytes);
        else
            m_sink.text(item.text);
    }
    if (!m_queue.empty() && !m_pumpTimer)
        m_pumpTimer = m_clock->schedule(m_queue.front().dueMs - now, this, [this]() {
            m_pumpTimer = 0;
            pump();
        });
}

} // namespace bmon::sim
