// SPDX-License-Identifier: MIT
#include "net/echoprobe.h"

#include "core/clock.h"
#include "core/eventstore.h"
#include "core/logging.h"
#include "core/messagetypes.h"
#include "net/connection.h"
#include "net/restclient.h"
#include "net/resttypes.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>

using namespace Qt::StringLiterals;

namespace bmon {

namespace {

enum class Write
{
    SetMarker,
    Restore,
    CreateRow,
    DeleteRow,
};

QJsonObject rowById(const QJsonValue& rows, qint64 id)
{
    for (const QJsonValue& v : rows.toArray()) {
        if (jsonId(v.toObject().value("id"_L1)) == id)
            return v.toObject();
    }
    return {};
}

} // namespace

struct EchoProbe::Private
{
    struct Pending
    {
        Write write = Write::SetMarker;
        Step step;
        qint64 rowId = 0; //!< known from the start (cell) or from the create's answer
        QString value; //!< Restore: the marker the before image must hold
        QJsonValue expected; //!< SetMarker / Restore: the after value
        qint64 startUs = 0;
        QList<quint64> scanFrom; //!< per observer: first store index to look at
        QList<bool> decided; //!< per observer
        bool written = false; //!< the REST call answered
        Clock::TimerId timer = 0;
        bool timedOut = false;
    };

    EchoProbe* q = nullptr;
    RestClient* rest = nullptr;
    QList<Observer> observers;
    int writer = 0;
    Clock* clock = nullptr;
    Options options;
    bool running = false;
    bool cancelled = false;
    bool failed = false;
    quint64 epoch = 0;
    QList<Pending> pending; //!< steps written and not yet decided, in order
    QList<Step> done;
    QList<Write> plan; //!< writes still to make
    QList<bool> planHeader;
    QJsonValue original; //!< cell mode: the value before the probe
    bool cellChanged = false; //!< the cell holds a marker now
    int undoFailures = 0; //!< failed restores/deletes: retried once, then given up
    qint64 probeRowId = 0; //!< row mode: the probe row that exists now
    QString fieldKey;
    QList<QMetaObject::Connection> connections;

    QString webSocketIdOfWriter() const
    {
        const Observer& o = observers.value(writer);
        return o.connection ? o.connection->webSocketId() : QString();
    }

    QString markerFor(bool header) const { return options.marker + (header ? u"-ws"_s : u"-plain"_s); }

    static QString actionText(Write w)
    {
        switch (w) {
        case Write::SetMarker:
            return EchoProbe::tr("Set the cell to the marker");
        case Write::Restore:
            return EchoProbe::tr("Restore the cell's original value");
        case Write::CreateRow:
            return EchoProbe::tr("Create a probe row");
        case Write::DeleteRow:
            return EchoProbe::tr("Delete the probe row");
        }
        return {};
    }

    //! Does record \a rec of observer \a o carry the event of \a p?
    bool matches(const Pending& p, const EventStore& store, const EventRecord& rec) const
    {
        if (rec.direction() != Direction::Received || rec.isError()
            || rec.tableId != quint64(options.tableId))
            return false;
        const quint16 type = rec.typeId;
        const bool wantUpdate = p.write == Write::SetMarker || p.write == Write::Restore;
        if (wantUpdate && type != KnownType::RowsUpdated)
            return false;
        if (p.write == Write::CreateRow && type != KnownType::RowsCreated)
            return false;
        if (p.write == Write::DeleteRow && type != KnownType::RowsDeleted)
            return false;
        const QJsonObject msg = QJsonDocument::fromJson(store.payload(rec).toByteArray()).object();
        if (p.write == Write::DeleteRow) {
            if (p.rowId == 0)
                return false;
            for (const QJsonValue& v : msg.value("row_ids"_L1).toArray()) {
                if (jsonId(v) == p.rowId)
                    return true;
            }
            return !rowById(msg.value("rows"_L1), p.rowId).isEmpty();
        }
        if (p.write == Write::CreateRow) {
            for (const QJsonValue& v : msg.value("rows"_L1).toArray()) {
                const QJsonObject row = v.toObject();
                if (p.rowId != 0 && jsonId(row.value("id"_L1)) == p.rowId)
                    return true;
                if (!fieldKey.isEmpty() && row.value(fieldKey) == p.expected)
                    return true;
            }
            return false;
        }
        const QJsonObject row = rowById(msg.value("rows"_L1), p.rowId);
        if (row.isEmpty() || row.value(fieldKey) != p.expected)
            return false;
        if (p.write == Write::Restore) {
            // The restore's before image (when the era sends one) holds the marker it replaced.
            const QJsonObject before = rowById(msg.value("rows_before_update"_L1), p.rowId);
            if (!before.isEmpty() && before.contains(fieldKey)
                && before.value(fieldKey).toString() != p.value)
                return false;
        }
        return true;
    }

    void scan()
    {
        bool changed = false;
        for (Pending& p : pending) {
            for (int i = 0; i < observers.size(); ++i) {
                if (p.decided.at(i) || !observers.at(i).store)
                    continue;
                const EventStore& store = *observers.at(i).store;
                const quint64 n = store.count();
                for (quint64 k = p.scanFrom.at(i); k < n; ++k) {
                    const EventRecord& rec = store.at(k);
                    if (!matches(p, store, rec))
                        continue;
                    Delivery& dl = p.step.deliveries[i];
                    dl.received = true;
                    dl.seq = rec.seq;
                    dl.type = TypeRegistry::instance().name(rec.typeId);
                    dl.latencyMs = qMax<qint64>(0, (rec.receivedUs - p.startUs) / 1000);
                    p.decided[i] = true;
                    changed = true;
                    break;
                }
                if (!p.decided.at(i))
                    p.scanFrom[i] = n;
            }
        }
        // The server sends every socket its frames in order: once an observer received a later
        // step's event, an earlier one it has not received never comes.
        for (int i = 0; i < observers.size(); ++i) {
            bool laterSeen = false;
            for (qsizetype k = pending.size() - 1; k >= 0; --k) {
                Pending& p = pending[k];
                if (p.decided.at(i) && p.step.deliveries.at(i).received) {
                    laterSeen = true;
                } else if (laterSeen && !p.decided.at(i)) {
                    p.decided[i] = true;
                    changed = true;
                }
            }
        }
        if (changed)
            advance();
    }

    static bool allDecided(const Pending& p)
    {
        for (bool b : p.decided) {
            if (!b)
                return false;
        }
        return true;
    }

    //! The observers that must have received the event before the next write may start: every
    //! one without the header, all but the writer with it (its copy is decided later by order).
    bool readyForNext(const Pending& p) const
    {
        if (!p.written)
            return false;
        if (p.timedOut)
            return true;
        for (int i = 0; i < observers.size(); ++i) {
            if (p.decided.at(i))
                continue;
            if (p.step.withWebSocketId && i == writer)
                continue;
            return false;
        }
        return true;
    }

    void advance()
    {
        if (!running)
            return;
        // Finish the steps that are decided, in order.
        while (!pending.isEmpty() && pending.first().written
            && (allDecided(pending.first()) || pending.first().timedOut)) {
            Pending p = pending.takeFirst();
            clock->cancel(p.timer);
            done.append(p.step);
            emit q->stepFinished(p.step);
        }
        if (!pending.isEmpty() && !readyForNext(pending.last()))
            return;
        if (plan.isEmpty()) {
            if (pending.isEmpty())
                finish();
            return;
        }
        startWrite();
    }

    //! After a failure or cancel: only the write that puts things back remains (without the
    //! header, so every observer sees the original again), or nothing.
    void onlyRestore()
    {
        plan.clear();
        planHeader.clear();
        if (undoFailures < 2 && options.mode == Mode::Cell ? cellChanged : probeRowId != 0) {
            plan << (options.mode == Mode::Cell ? Write::Restore : Write::DeleteRow);
            planHeader << false;
        }
    }

    void startWrite()
    {
        const Write w = plan.takeFirst();
        const bool header = planHeader.takeFirst();
        Pending p;
        p.write = w;
        p.step.action = actionText(w);
        p.step.withWebSocketId = header;
        for (int i = 0; i < observers.size(); ++i) {
            Delivery dl;
            dl.observer = observers.at(i).label;
            dl.isWriter = i == writer;
            p.step.deliveries.append(dl);
            p.scanFrom.append(observers.at(i).store ? observers.at(i).store->count() : 0);
            p.decided.append(!observers.at(i).store);
        }
        const QString wsId = header ? webSocketIdOfWriter() : QString();
        if (header && wsId.isEmpty()) {
            p.step.error = EchoProbe::tr("The writer's socket has no web_socket_id (not connected)");
            failed = true;
        }
        QByteArray method;
        QString path;
        QJsonValue body;
        switch (w) {
        case Write::SetMarker:
            p.rowId = options.rowId;
            p.expected = markerFor(header);
            method = "PATCH";
            path = u"/api/database/rows/table/%1/%2/"_s.arg(options.tableId).arg(options.rowId);
            body = QJsonObject {{fieldKey, p.expected}};
            break;
        case Write::Restore:
            p.rowId = options.rowId;
            p.expected = original;
            p.value = markerFor(header);
            method = "PATCH";
            path = u"/api/database/rows/table/%1/%2/"_s.arg(options.tableId).arg(options.rowId);
            body = QJsonObject {{fieldKey, original}};
            break;
        case Write::CreateRow:
            p.expected = markerFor(header);
            method = "POST";
            path = u"/api/database/rows/table/%1/"_s.arg(options.tableId);
            body = fieldKey.isEmpty() ? QJsonObject {} : QJsonObject {{fieldKey, p.expected}};
            break;
        case Write::DeleteRow:
            p.rowId = probeRowId;
            method = "DELETE";
            path = u"/api/database/rows/table/%1/%2/"_s.arg(options.tableId).arg(probeRowId);
            break;
        }
        p.startUs = clock->nowUs();
        const qint64 startMs = clock->monotonicMs();
        const quint64 run = epoch;
        pending.append(p);
        rest->requestWithWebSocketId(
            method, path, body, wsId, q, [this, run, w, startMs](const Result<QJsonValue>& r) {
                if (run != epoch)
                    return;
                onWritten(w, r, clock->monotonicMs() - startMs);
            });
    }

    Pending* lastPending() { return pending.isEmpty() ? nullptr : &pending.last(); }

    void onWritten(Write w, const Result<QJsonValue>& r, qint64 restMs)
    {
        Pending* p = lastPending();
        if (!p)
            return;
        p->written = true;
        p->step.restMs = restMs;
        // Baserow answers row writes with 200, deletes with 204.
        p->step.httpStatus = r ? (w == Write::DeleteRow ? 204 : 200) : r.error().httpStatus;
        if (!r) {
            p->step.error = r.error().message;
            failed = true;
            if (w == Write::Restore || w == Write::DeleteRow)
                ++undoFailures;
            for (qsizetype i = 0; i < p->decided.size(); ++i)
                p->decided[i] = true;
        } else {
            switch (w) {
            case Write::SetMarker:
                cellChanged = true;
                break;
            case Write::Restore:
                cellChanged = false;
                break;
            case Write::CreateRow:
                probeRowId = jsonId(r.value().toObject().value("id"_L1));
                p->rowId = probeRowId;
                break;
            case Write::DeleteRow:
                probeRowId = 0;
                break;
            }
        }
        if (!r || cancelled)
            onlyRestore();
        if (!p->timer && !allDecided(*p)) {
            const quint64 run = epoch;
            const qint64 startUs = p->startUs;
            p->timer = clock->schedule(options.timeoutMs, q, [this, run, startUs] {
                if (run != epoch)
                    return;
                for (Pending& x : pending) {
                    if (x.startUs == startUs) {
                        x.timer = 0;
                        x.timedOut = true;
                    }
                }
                advance();
            });
        }
        scan();
        advance();
    }

    void finish()
    {
        if (!running)
            return;
        running = false;
        for (const QMetaObject::Connection& c : std::as_const(connections))
            QObject::disconnect(c);
        connections.clear();
        bool ok = !failed && !cancelled;
        for (const Step& s : std::as_const(done))
            ok = ok && s.error.isEmpty();
        emit q->finished(ok);
    }

    void failEarly(const QString& message)
    {
        Step s;
        s.action = EchoProbe::tr("Read the cell's original value");
        s.error = message;
        done.append(s);
        emit q->stepFinished(s);
        failed = true;
        finish();
    }
};

EchoProbe::EchoProbe(
    RestClient* rest, const QList<Observer>& observers, int writer, Clock* clock, QObject* parent)
    : QObject(parent), d(std::make_unique<Private>())
{
    d->q = this;
    d->rest = rest;
    d->observers = observers;
    d->writer = writer;
    d->clock = clock ? clock : Clock::system();
}

EchoProbe::~EchoProbe()
{
    ++d->epoch;
    for (const QMetaObject::Connection& c : std::as_const(d->connections))
        QObject::disconnect(c);
    for (auto& p : d->pending)
        d->clock->cancel(p.timer);
}

void EchoProbe::run(const Options& options)
{
    if (d->running)
        return;
    d->options = options;
    if (d->options.marker.isEmpty())
        d->options.marker = u"bmon-probe-%1"_s.arg(
            qulonglong(QRandomGenerator::global()->generate64() & 0xffffffffffULL), 8, 36, QChar(u'0'));
    d->running = true;
    d->cancelled = d->failed = false;
    d->cellChanged = false;
    d->undoFailures = 0;
    d->probeRowId = 0;
    d->done.clear();
    d->pending.clear();
    ++d->epoch;
    d->fieldKey = options.fieldId > 0 ? u"field_%1"_s.arg(options.fieldId) : QString();
    for (const Observer& o : std::as_const(d->observers)) {
        if (o.connection)
            d->connections << connect(o.connection, &Connection::eventsAppended, this, [this] { d->scan(); });
    }
    if (options.mode == Mode::ProbeRow) {
        d->plan = {Write::CreateRow, Write::DeleteRow, Write::CreateRow, Write::DeleteRow};
        d->planHeader = {true, true, false, false};
        d->advance();
        return;
    }
    if (d->fieldKey.isEmpty() || options.rowId <= 0)
        return d->failEarly(tr("The cell probe needs a row and a field"));
    // The original value first: it is what every path back restores.
    const quint64 run = d->epoch;
    d->rest->getRow(options.tableId, options.rowId, this, [this, run](const Result<QJsonObject>& r) {
        if (run != d->epoch)
            return;
        if (!r)
            return d->failEarly(r.error().message);
        if (!r.value().contains(d->fieldKey))
            return d->failEarly(tr("The row has no field %1").arg(d->fieldKey));
        d->original = r.value().value(d->fieldKey);
        d->plan = {Write::SetMarker, Write::Restore, Write::SetMarker, Write::Restore};
        d->planHeader = {true, true, false, false};
        d->advance();
    });
}

void EchoProbe::cancel()
{
    if (!d->running)
        return;
    d->cancelled = true;
    // The write in flight finishes first (onWritten trims the plan then).
    if (d->pending.isEmpty() || d->pending.last().written) {
        d->onlyRestore();
        d->advance();
    }
}

bool EchoProbe::isRunning() const
{
    return d->running;
}

QList<EchoProbe::Step> EchoProbe::steps() const
{
    return d->done;
}

} // namespace bmon
