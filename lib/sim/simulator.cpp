// SPDX-License-Identifier: MIT
#include "sim/simulator.h"

#include "core/clock.h"
#include "core/logging.h"
#include "core/redact.h"
#include "sim/faultplan.h"
#include "sim/httpserver.h"
#include "sim/realtimehub.h"
#include "sim/restapi.h"
#include "sim/sampledata.h"
#include "sim/serializer.h"
#include "sim/simcontext.h"
#include "sim/simdata.h"
#include "sim/simoperations.h"
#include "sim/tlscertificate.h"
#include "sim/tokenservice.h"
#include "sim/trafficgenerator.h"

#include <QDateTime>
#include <QRandomGenerator>
#include <QWebSocket>

namespace bmon::sim {

namespace {
constexpr int kBurstSlice = 200; // events per event-loop turn during a burst
constexpr qint64 kBurstBackpressureBytes = 4 * 1024 * 1024;
constexpr int kRestartRetries = 50;
constexpr int kFirstTable = 21; // CRM → Customers: where the silent-* knobs act
constexpr quint64 kSilentStream = 0xfffffffeULL; // PRNG stream of the out-of-band changes
} // namespace

class SimulatorPrivate
{
public:
    explicit SimulatorPrivate(Simulator* q, const SimulatorOptions& options) : q(q), options(options)
    {
        if (this->options.seed == 0) {
            this->options.seed
                = quint64(QDateTime::currentMSecsSinceEpoch()) ^ QRandomGenerator::global()->generate64();
            if (this->options.seed == 0)
                this->options.seed = 1;
        }
        this->options.users = qMax(0, this->options.users);
        ctx.options = &this->options;
        ctx.profile = this->options.profile;
        ctx.version = profileVersion(this->options.profile);
        ctx.clock = this->options.clock ? this->options.clock : Clock::system();
        ctx.data = &data;
        serializer = std::make_unique<Serializer>(&ctx);
        ctx.serializer = serializer.get();
        tokens = std::make_unique<TokenService>(&ctx);
        ctx.tokens = tokens.get();
        ops = std::make_unique<SimOperations>(&ctx);
        ctx.ops = ops.get();
        rest = std::make_unique<RestApi>(&ctx);
        data.seed({this->options.email, this->options.password, this->options.users,
            qMax(0, this->options.customerRows)});
        silentRng.seed(mixSeed(this->options.seed, kSilentStream));
    }

    Simulator* q;
    SimulatorOptions options;
    SimContext ctx;
    SimData data;
    std::unique_ptr<Serializer> serializer;
    std::unique_ptr<TokenService> tokens;
    std::unique_ptr<SimOperations> ops;
    std::unique_ptr<RestApi> rest;
    RealtimeHub* hub = nullptr;
    HttpServer* server = nullptr;
    TrafficGenerator* generator = nullptr;
    TlsCertificate certificate;
    bool running = false;
    quint16 port = 0;
    QList<Clock::TimerId> timers;
    qint64 burstRemaining = 0;
    std::mt19937_64 silentRng; //!< row and value choices of the out-of-band changes

    qint64 pickRow(int tableId)
    {
        const QList<qint64>& ids = data.sortedRowIds(tableId);
        return ids.isEmpty() ? 0 : ids.at(qsizetype(silentRng() % quint64(ids.size())));
    }

    //! A realistic new value (never the current one) in a seeded non-link cell; "" when no row.
    QString silentUpdate(int tableId)
    {
        SimTable* t = data.table(tableId);
        const qint64 rowId = t ? pickRow(tableId) : 0;
        QList<const SimField*> editable;
        if (t) {
            for (const SimField& f : t->fields) {
                if (f.type != QLatin1String("link_row"))
                    editable.append(&f);
            }
        }
        if (!rowId || editable.isEmpty())
            return QString();
        const SimField* f = editable.at(qsizetype(silentRng() % quint64(editable.size())));
        SampleData sample(silentRng);
        SimRow& row = t->rows[rowId];
        const PyValue old = row.cells.value(f->id);
        PyValue value = old;
        for (int i = 0; i < 64 && value.pyEquals(old); ++i) // an unchanged value would prove nothing
            value = sample.randomValue(*t, *f);
        row.cells.insert(f->id, value);
        return QStringLiteral("table %1 row %2 field_%3").arg(tableId).arg(rowId).arg(f->id);
    }

    qint64 silentCreate(int tableId)
    {
        SimTable* t = data.table(tableId);
        if (!t)
            return 0;
        SampleData sample(silentRng);
        qint64 maxOrder = 0;
        for (const SimRow& r : std::as_const(t->rows))
            maxOrder = qMax(maxOrder, r.order.floorInt());
        SimRow row;
        row.id = t->nextRowId++;
        row.order = RowOrder::fromInt(maxOrder + 1);
        for (const SimField& f : t->fields) {
            if (f.type == QLatin1String("link_row"))
                row.cells.insert(f.id, PyArray {});
            else
                row.cells.insert(f.id, f.primary ? sample.value(*t, f, 0) : sample.randomValue(*t, f));
        }
        t->rows.insert(row.id, row);
        data.invalidateOrder(tableId);
        return row.id;
    }

    bool silentDelete(int tableId, qint64 rowId)
    {
        SimTable* t = data.table(tableId);
        if (!t || !t->rows.contains(rowId))
            return false;
        const SimRow row = t->rows.take(rowId);
        // The other side of a two-way link forgets the row too, as in Baserow, and just as quietly.
        for (const SimField& f : std::as_const(t->fields)) {
            SimTable* target = f.linkRelatedFieldId ? data.table(f.linkTableId) : nullptr;
            if (!target)
                continue;
            for (const PyValue& linked : row.cells.value(f.id).array()) {
                auto other = target->rows.find(linked.toInt());
                if (other == target->rows.end())
                    continue;
                PyArray kept;
                for (const PyValue& v : other->cells.value(f.linkRelatedFieldId).array()) {
                    if (v.toInt() != rowId)
                        kept.append(v);
                }
                other->cells.insert(f.linkRelatedFieldId, kept);
            }
        }
        data.rowCommentCounts.remove(SimData::rowKey(tableId, rowId));
        data.invalidateOrder(tableId);
        return true;
    }

    void silentFault(FaultSpec::Kind kind)
    {
        QString what;
        if (kind == FaultSpec::Kind::SilentUpdate) {
            const QString cell = silentUpdate(kFirstTable);
            if (!cell.isEmpty())
                what = QStringLiteral("silent-update: %1").arg(cell);
        } else if (kind == FaultSpec::Kind::SilentCreate) {
            if (const qint64 id = silentCreate(kFirstTable))
                what = QStringLiteral("silent-create: table %1 row %2").arg(kFirstTable).arg(id);
        } else if (const qint64 id = pickRow(kFirstTable); id && silentDelete(kFirstTable, id)) {
            what = QStringLiteral("silent-delete: table %1 row %2").arg(kFirstTable).arg(id);
        }
        if (what.isEmpty()) {
            qCWarning(lcSim) << "out-of-band change skipped: the first table has no rows";
            return;
        }
        qCInfo(lcSim) << what;
        emit q->faultApplied(0, what);
    }

    bool relayNeeded() const
    {
        if (options.relayAll)
            return true;
        for (const FaultSpec& f : options.faults) {
            if (f.kind == FaultSpec::Kind::Stall)
                return true;
        }
        return false;
    }

    bool listen(QString* error)
    {
        if (server->listen(options.address, port)) {
            port = server->serverPort();
            return true;
        }
        if (error)
            *error = Simulator::tr("Cannot listen on %1 port %2: %3")
                         .arg(options.address.toString())
                         .arg(port)
                         .arg(server->errorString());
        return false;
    }

    void restart(int downtimeMs)
    {
        if (!running)
            return;
        qCInfo(lcSim) << "simulated restart, back in" << downtimeMs << "ms";
        server->close();
        server->abortConnections();
        hub->abortAll();
        emit q->faultApplied(0, Simulator::tr("server restart (%1 ms down)").arg(downtimeMs));
        relisten(qMax(0, downtimeMs), kRestartRetries);
    }

    void relisten(int delayMs, int retriesLeft)
    {
        timers.append(ctx.clock->schedule(delayMs, q, [this, retriesLeft]() {
            if (!running || server->isListening())
                return;
            QString error;
            if (!listen(&error)) {
                if (retriesLeft > 0)
                    relisten(100, retriesLeft - 1); // the port may still be held for a moment
                else
                    qCWarning(lcSim) << "restart failed:" << error;
            }
        }));
    }

    void burstSlice()
    {
        if (!running || burstRemaining <= 0)
            return;
        // Back-pressure: wait while any client has a lot of unsent data.
        bool congested = false;
        const auto sockets = hub->findChildren<QWebSocket*>();
        for (QWebSocket* s : sockets) {
            if (s->bytesToWrite() > kBurstBackpressureBytes)
                congested = true;
        }
        if (!congested) {
            for (int i = 0; i < kBurstSlice && burstRemaining > 0; ++i, --burstRemaining)
                generator->rowEvent();
        }
        if (burstRemaining > 0)
            timers.append(ctx.clock->schedule(congested ? 5 : 0, q, [this]() { burstSlice(); }));
    }

    void scheduleGlobalFaults()
    {
        for (const FaultSpec& f : std::as_const(options.faults)) {
            const qint64 ms = qint64(f.seconds * 1000);
            if (f.kind == FaultSpec::Kind::Restart) {
                timers.append(ctx.clock->schedule(ms, q, [this]() { restart(300); }));
            } else if (f.kind == FaultSpec::Kind::SilentUpdate || f.kind == FaultSpec::Kind::SilentCreate
                || f.kind == FaultSpec::Kind::SilentDelete) {
                const FaultSpec::Kind kind = f.kind;
                timers.append(ctx.clock->schedule(ms, q, [this, kind]() { silentFault(kind); }));
            } else if (f.kind == FaultSpec::Kind::Burst) {
                const int count = f.count;
                timers.append(ctx.clock->schedule(ms, q, [this, count]() {
                    emit q->faultApplied(0, Simulator::tr("burst of %1 row events").arg(count));
                    const bool idle = burstRemaining <= 0;
                    burstRemaining += count;
                    if (idle)
                        burstSlice();
                }));
            }
        }
    }
};

Simulator::Simulator(const SimulatorOptions& options, QObject* parent)
    : QObject(parent), d(std::make_unique<SimulatorPrivate>(this, options))
{
    d->hub = new RealtimeHub(&d->ctx, this);
    d->ctx.hub = d->hub;
    d->generator = new TrafficGenerator(&d->ctx, d->options.seed, this);
    d->generator->setRate(d->options.rate);
    RestApi* rest = d->rest.get();
    d->server = new HttpServer([rest](const HttpRequest& request) { return rest->handle(request); }, this);
    connect(d->server, &HttpServer::requestHandled, this, &Simulator::requestHandled);
    connect(d->server, &HttpServer::webSocketReady, d->hub, &RealtimeHub::accept);
    connect(d->hub, &RealtimeHub::connectionOpened, this, &Simulator::connectionOpened);
    connect(d->hub, &RealtimeHub::connectionClosed, this, &Simulator::connectionClosed);
    connect(d->hub, &RealtimeHub::faultApplied, this, &Simulator::faultApplied);
}

Simulator::~Simulator()
{
    stop();
}

bool Simulator::start(QString* error)
{
    if (d->running)
        return true;
    if (d->options.tls) {
        QString message;
        if (!d->certificate.generate(&message)) {
            if (error)
                *error = message;
            return false;
        }
        d->server->setTls(d->certificate.certificate(), d->certificate.privateKey());
    }
    d->server->setRelay(d->relayNeeded());
    d->port = d->options.port;
    if (!d->listen(error))
        return false;
    d->running = true;
    d->generator->start();
    d->scheduleGlobalFaults();
    qCInfo(lcSim) << "simulator" << profileName(d->options.profile) << "listening on" << redactUrl(baseUrl())
                  << "seed" << d->options.seed;
    return true;
}

void Simulator::stop()
{
    if (!d->running)
        return;
    d->running = false;
    d->generator->stop();
    for (Clock::TimerId id : std::as_const(d->timers))
        d->ctx.clock->cancel(id);
    d->timers.clear();
    d->burstRemaining = 0;
    d->server->close();
    d->hub->closeAll(1001, QString()); // going away
    d->server->abortConnections();
}

bool Simulator::isRunning() const
{
    return d->running;
}

quint16 Simulator::port() const
{
    return d->port;
}

QUrl Simulator::baseUrl() const
{
    QUrl url;
    url.setScheme(d->options.tls ? QStringLiteral("https") : QStringLiteral("http"));
    QHostAddress host = d->options.address;
    if (host == QHostAddress::Any || host == QHostAddress::AnyIPv4)
        host = QHostAddress::LocalHost;
    else if (host == QHostAddress::AnyIPv6)
        host = QHostAddress::LocalHostIPv6;
    url.setHost(host.toString());
    url.setPort(d->port);
    return url;
}

QString Simulator::email() const
{
    return d->options.email;
}

QString Simulator::password() const
{
    return d->data.users.value(1).password;
}

quint64 Simulator::seed() const
{
    return d->options.seed;
}

Profile Simulator::profile() const
{
    return d->options.profile;
}

ServerVersion Simulator::version() const
{
    return d->ctx.version;
}

QList<QSslCertificate> Simulator::certificateChain() const
{
    if (!d->options.tls || d->certificate.certificate().isNull())
        return {};
    return {d->certificate.certificate()};
}

int Simulator::connectionCount() const
{
    return d->hub->connectionCount();
}

void Simulator::setRate(double eventsPerSecond)
{
    d->options.rate = qMax(0.0, eventsPerSecond);
    d->generator->setRate(d->options.rate);
}

void Simulator::restartNow(int downtimeMs)
{
    d->restart(downtimeMs);
}

void Simulator::stallAll()
{
    d->hub->stallAll();
}

void Simulator::closeAll(int code, const QString& reason)
{
    d->hub->closeAll(code, reason);
}

void Simulator::silentlyUpdateCell(int tableId, int rowId, int fieldId, const QJsonValue& value)
{
    SimTable* table = d->data.table(tableId);
    if (!table || !table->rows.contains(rowId) || !table->field(fieldId)) {
        qCWarning(lcSim) << "silentlyUpdateCell: no cell" << tableId << rowId << fieldId;
        return;
    }
    PyValue stored;
    QString message, code;
    if (!d->ops->validateCell(*table->field(fieldId), PyValue::fromJson(value), &stored, &message, &code)) {
        qCWarning(lcSim) << "silentlyUpdateCell: invalid value:" << message;
        return;
    }
    table->rows[rowId].cells.insert(fieldId, stored);
}

qint64 Simulator::silentlyCreateRow(int tableId)
{
    return d->silentCreate(tableId);
}

bool Simulator::silentlyDeleteRow(int tableId, qint64 rowId)
{
    return d->silentDelete(tableId, rowId);
}

void Simulator::collaboratorUpdateRow(int tableId, int rowId)
{
    d->generator->updateRow(tableId, rowId);
}

void Simulator::generate(qint64 actions, const std::function<void(const QByteArray& frame)>& sink)
{
    d->hub->setTap(sink);
    for (qint64 i = 0; i < actions; ++i)
        d->generator->step();
    d->hub->setTap({});
}

void Simulator::removeMemberFromWorkspace(const QString& email, int workspaceId)
{
    const SimUser* user = d->data.userByEmail(email);
    const SimWorkspaceUser* member = user ? d->data.membership(user->id, workspaceId) : nullptr;
    if (!member) {
        qCWarning(lcSim) << "removeMemberFromWorkspace: not a member of" << workspaceId;
        return;
    }
    d->ops->removeWorkspaceUser(Actor {3, QString()}, workspaceId, member->id);
}

void Simulator::addMemberToWorkspace(const QString& email, int workspaceId)
{
    const SimUser* user = d->data.userByEmail(email);
    if (!user) {
        qCWarning(lcSim) << "addMemberToWorkspace: unknown user";
        return;
    }
    d->ops->addWorkspaceUser(Actor {3, QString()}, workspaceId, user->id, QStringLiteral("MEMBER"));
}

} // namespace bmon::sim
