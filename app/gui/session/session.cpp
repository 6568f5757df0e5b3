// SPDX-License-Identifier: MIT
#include "session.h"

#include "core/clock.h"
#include "core/messagetypes.h"
#include "core/recording/recordingreader.h"
#include "core/redact.h"
#include "models/eventlistmodel.h"
#include "models/statelogmodel.h"
#include "net/authsession.h"
#include "net/restclient.h"
#include "net/sessionrecorder.h"
#include "sim/simulator.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QSet>
#include <QSignalBlocker>
#include <QTimer>

#include <algorithm>
#include <array>
#include <atomic>
#include <limits>
#include <thread>

using namespace Qt::StringLiterals;

namespace bmon {

namespace {

constexpr int MaxPingHistory = 1000;

enum class DirectoryImpact : quint8
{
    Unknown,
    None, //!< rows, views, comments, …: the flood
    Structure, //!< workspaces, applications, tables, members
    Fields, //!< one table's fields
};

//! What events of a type can change in the Directory, by the type's name.
DirectoryImpact directoryImpact(quint16 typeId)
{
    // One byte per possible id, filled on first sight (GUI thread only).
    static std::array<DirectoryImpact, 65536> cache {};
    DirectoryImpact& impact = cache[typeId];
    if (impact == DirectoryImpact::Unknown) {
        const QByteArray name = TypeRegistry::instance().nameUtf8(typeId);
        if (name.startsWith("field"))
            impact = DirectoryImpact::Fields;
        else if (name.startsWith("group") || name.startsWith("workspace") || name.startsWith("application")
            || name.startsWith("table") || name.startsWith("user"))
            impact = DirectoryImpact::Structure;
        else
            impact = DirectoryImpact::None;
    }
    return impact;
}

//! Compares Baserow `order` values ("1.00000000000000000000"): decimal strings with up to 20
//! fraction digits, too precise for a double.
int compareOrder(const QString& a, const QString& b)
{
    const qsizetype da = a.indexOf(u'.');
    const qsizetype db = b.indexOf(u'.');
    QStringView ia = QStringView(a).left(da < 0 ? a.size() : da);
    QStringView ib = QStringView(b).left(db < 0 ? b.size() : db);
    while (ia.size() > 1 && ia.front() == u'0')
        ia = ia.mid(1);
    while (ib.size() > 1 && ib.front() == u'0')
        ib = ib.mid(1);
    if (ia.size() != ib.size())
        return ia.size() < ib.size() ? -1 : 1;
    if (const int c = ia.compare(ib); c != 0)
        return c < 0 ? -1 : 1;
    const QStringView fa = da < 0 ? QStringView() : QStringView(a).mid(da + 1);
    const QStringView fb = db < 0 ? QStringView() : QStringView(b).mid(db + 1);
    const qsizetype n = qMax(fa.size(), fb.size());
    for (qsizetype i = 0; i < n; ++i) {
        const QChar ca = i < fa.size() ? fa[i] : u'0';
        const QChar cb = i < fb.size() ? fb[i] : u'0';
        if (ca != cb)
            return ca < cb ? -1 : 1;
    }
    return 0;
}

QString orderText(const QJsonValue& v)
{
    return v.isString() ? v.toString() : QString::number(v.toDouble(), 'f', 20);
}

} // namespace

struct Session::Private
{
    // Declaration order is destruction order reversed: the connection (whose ingest thread
    // writes the store) goes before the store, the simulator after the connection.
    EventStore store;
    Directory directory;
    EventRates rates;
    std::unique_ptr<sim::Simulator> simulator;
    std::unique_ptr<RestClient> rest;
    std::unique_ptr<Connection> connection;
    std::unique_ptr<EventListModel> events;
    std::unique_ptr<StateLogModel> stateLog;
    std::unique_ptr<SessionRecorder> recorder; //!< reads the connection and the store: goes first
    QTimer recorderCheck; //!< notices a write error (the writer thread only records it)
    std::thread loader; //!< reads a recording into the store (the store's one writer)
    std::atomic<bool> loading = false;
    bool replay = false;
    QString recordingPath;

    Clock* clock = Clock::system();
    Login login;
    QList<qint64> pings;
    quint64 applied = 0; //!< store records applied to the Directory so far
    QTimer updateTimer;
    qint64 downSinceMs = -1;
    qint64 longOutageMs = 60'000;
    Clock::TimerId outageTimer = 0;
    bool outageReported = false;
    bool stopping = false;
    quint64 directoryLoad = 0; //!< serial of the newest directory load: older answers are dropped
};

Session::Session(QObject* parent) : QObject(parent), d(std::make_unique<Private>())
{
    d->events = std::make_unique<EventListModel>();
    d->events->setStore(&d->store);
    d->events->setDirectory(&d->directory);
    // Ten row batches a second look live and cost half the repaints of the model's default 20
    // (bench_gui: the stream's repaints are most of the window's work under a flood).
    d->events->setBatchInterval(100);
    d->stateLog = std::make_unique<StateLogModel>();
    d->updateTimer.setSingleShot(true);
    d->updateTimer.setInterval(250);
    connect(&d->updateTimer, &QTimer::timeout, this, [this] {
        const quint64 count = d->store.count();
        // The Directory's listeners (tree model, tab titles, names in the stream) hear about a
        // batch once, not once per event: a flood of field renames would rebuild the tree each time.
        bool changed = false;
        QSet<quint32> fieldTables;
        {
            const QSignalBlocker quiet(&d->directory);
            for (quint64 i = d->applied; i < count; ++i) {
                const EventRecord& rec = d->store.at(i);
                if (rec.isError() || rec.direction() != Direction::Received)
                    continue;
                // Row events are the flood and never change names: skip them before the Directory looks.
                if (rec.category != Category::Core && rec.category != Category::Database)
                    continue;
                const DirectoryImpact impact = directoryImpact(rec.typeId);
                if (impact == DirectoryImpact::None || !d->directory.apply(rec, d->store.payload(rec)))
                    continue;
                changed = true; // names in the stream depend on fields too
                if (impact == DirectoryImpact::Fields && rec.tableId)
                    fieldTables.insert(rec.tableId);
            }
        }
        if (changed)
            emit d->directory.changed();
        for (quint32 table : std::as_const(fieldTables))
            emit d->directory.fieldsChanged(table);
        d->applied = count;
        d->rates.consume(d->store);
        emit updated();
    });
    d->recorderCheck.setInterval(500);
    connect(&d->recorderCheck, &QTimer::timeout, this, [this] {
        if (!d->recorder || d->recorder->errorString().isEmpty())
            return;
        const QString message = d->recorder->errorString();
        stopRecording();
        emit recordingFailed(message);
    });
}

Session::~Session()
{
    if (d->outageTimer)
        d->clock->cancel(d->outageTimer);
    d->stopping = true;
    if (d->connection)
        d->connection->disconnect(this);
    // The reader thread writes the store; the recorder reads it and the connection.
    if (d->loader.joinable())
        d->loader.join();
    stopRecording();
    // Explicit order: models read the store, the connection writes it, the simulator serves it.
    d->events.reset();
    d->connection.reset();
    d->rest.reset();
    d->simulator.reset();
}

void Session::setClock(Clock* clock)
{
    d->clock = clock ? clock : Clock::system();
}

void Session::setLongOutageMs(qint64 ms)
{
    d->longOutageMs = qMax<qint64>(0, ms);
}

void Session::setUpdateIntervalMs(int ms)
{
    d->updateTimer.setInterval(qMax(0, ms));
}

const Session::Login& Session::login() const
{
    return d->login;
}

void Session::start(const Login& login, const Connection::Options& options)
{
    stopRecording(); // it follows one connection
    if (d->connection) {
        d->stopping = true;
        d->connection->disconnect(this);
        d->connection->stop();
        d->connection.reset();
        d->stopping = false;
    }
    d->login = login;
    d->login.password.clear(); // AuthSession keeps it when the era needs it; we never do
    d->login.refreshToken.clear();
    d->rest = std::make_unique<RestClient>(login.server, nullptr, d->clock);
    if (!login.caCertificates.isEmpty())
        d->rest->setCaCertificates(login.caCertificates);
    d->connection = std::make_unique<Connection>(d->rest.get(), &d->store, options, d->clock);
    Connection* c = d->connection.get();
    connect(c, &Connection::eventsAppended, this, [this] {
        d->events->notifyAppended();
        if (!d->updateTimer.isActive())
            d->updateTimer.start();
    });
    connect(c, &Connection::pingMeasured, this, [this](qint64 rtt) {
        d->pings.append(rtt);
        if (d->pings.size() > MaxPingHistory)
            d->pings.remove(0, d->pings.size() - MaxPingHistory);
    });
    connect(c, &Connection::failed, this, &Session::failed);
    connect(c, &Connection::stateChanged, this, [this](Connection::State state, const QString& reason) {
        d->stateLog->append(d->clock->nowUs(), Connection::stateName(state), reason);
        if (state == Connection::State::Live) {
            d->downSinceMs = -1;
            d->outageReported = false;
            if (d->outageTimer) {
                d->clock->cancel(d->outageTimer);
                d->outageTimer = 0;
            }
            loadDirectory();
            return;
        }
        if (d->downSinceMs < 0)
            d->downSinceMs = d->clock->monotonicMs();
        if (d->stopping || !d->connection->wasLive() || d->outageTimer || d->outageReported)
            return;
        const qint64 due = qMax<qint64>(0, d->longOutageMs - (d->clock->monotonicMs() - d->downSinceMs));
        d->outageTimer = d->clock->schedule(due, this, [this] {
            d->outageTimer = 0;
            if (d->stopping || d->downSinceMs < 0 || d->outageReported)
                return;
            d->outageReported = true;
            const QString why = d->connection->stateReason();
            emit longOutage(why.isEmpty()
                    ? tr("The connection to %1 has been down for more than a minute.").arg(title())
                    : tr("The connection to %1 has been down for more than a minute: %2").arg(title(), why));
        });
    });
    // After the bookkeeping above, so listeners see downSinceMs() and the log up to date.
    connect(c, &Connection::stateChanged, this, &Session::stateChanged);
    d->downSinceMs = d->clock->monotonicMs();
    if (!login.refreshToken.isEmpty())
        c->startWithRefreshToken(login.refreshToken);
    else
        c->start(login.email, login.password);
}

bool Session::startDemo(const sim::SimulatorOptions& options, QString* error)
{
    stop();
    d->simulator = std::make_unique<sim::Simulator>(options);
    if (!d->simulator->start(error)) {
        d->simulator.reset();
        return false;
    }
    Login login;
    login.server = d->simulator->baseUrl();
    login.email = d->simulator->email();
    login.password = d->simulator->password();
    login.caCertificates = d->simulator->certificateChain();
    start(login);
    // Row events need a page: the busiest table of the demo data.
    d->connection->subscribe(Page::table(21));
    return true;
}

void Session::adoptSimulator(Session* other)
{
    if (other && other != this && other->d->simulator && !d->simulator)
        d->simulator = std::move(other->d->simulator);
}

void Session::stop()
{
    d->stopping = true;
    if (d->outageTimer) {
        d->clock->cancel(d->outageTimer);
        d->outageTimer = 0;
    }
    if (d->connection)
        d->connection->stop();
    d->stopping = false;
    stopRecording(); // after the stop, so the file ends with the close
}

bool Session::openRecording(const QString& path, QString* error)
{
    auto reader = std::make_shared<recording::RecordingReader>();
    if (!reader->open(path)) {
        if (error)
            *error = reader->errorText();
        return false;
    }
    d->replay = true;
    d->recordingPath = path;
    d->login = Login {};
    d->login.server = QUrl(reader->header().backendUrl);
    d->login.email = reader->header().login;
    d->loading = true;
    d->loader = std::thread([this, reader] {
        const qint64 frames = reader->readInto(d->store, {}, [this](qint64 done, qint64 total) {
            QMetaObject::invokeMethod(
                this,
                [this, done, total] {
                    d->events->notifyAppended();
                    if (!d->updateTimer.isActive())
                        d->updateTimer.start();
                    emit loadProgress(done, total);
                },
                Qt::QueuedConnection);
        });
        const QStringList warnings = reader->warnings();
        QMetaObject::invokeMethod(
            this,
            [this, frames, warnings] {
                if (d->loader.joinable())
                    d->loader.join();
                d->loading = false;
                d->events->flush();
                if (!d->updateTimer.isActive())
                    d->updateTimer.start();
                emit loadFinished(qMax<qint64>(0, frames), warnings);
            },
            Qt::QueuedConnection);
    });
    return true;
}

bool Session::isReplay() const
{
    return d->replay;
}

bool Session::isLoading() const
{
    return d->loading;
}

QString Session::recordingPath() const
{
    return d->recordingPath;
}

bool Session::startRecording(const QString& path, const recording::Header& header, QString* error)
{
    if (!d->connection) {
        if (error)
            *error = tr("only a live login can be recorded");
        return false;
    }
    stopRecording();
    auto recorder = std::make_unique<SessionRecorder>(d->connection.get(), &d->store);
    if (!recorder->open(path, header, error))
        return false;
    d->recorder = std::move(recorder);
    d->recorderCheck.start();
    return true;
}

void Session::stopRecording()
{
    d->recorderCheck.stop();
    if (!d->recorder)
        return;
    d->recorder->close();
    d->recorder.reset();
}

bool Session::isRecording() const
{
    return d->recorder != nullptr;
}

SessionRecorder* Session::recorder() const
{
    return d->recorder.get();
}

void Session::loadDirectory()
{
    if (!d->connection)
        return; // a recording: names come from its events only
    const quint64 load = ++d->directoryLoad;
    const ServerVersion version = d->connection->serverVersion();
    const bool workspaces = version.code() == 0 || version.hasWorkspacesEndpoint();
    auto failed = [this, load](const RestError& e) {
        if (load == d->directoryLoad && e.kind != RestError::Kind::Cancelled)
            emit directoryFailed(e.message);
    };
    auto applications = [this, load, failed] {
        d->rest->request("GET", u"/api/applications/"_s, QJsonValue(), this,
            [this, load, failed](const Result<QJsonValue>& r) {
                if (load != d->directoryLoad)
                    return;
                if (!r)
                    return failed(r.error());
                if (!r.value().isArray())
                    return emit directoryFailed(tr("GET /api/applications/: the answer is not a list"));
                d->directory.loadApplications(r.value().toArray());
                emit directoryLoaded();
            });
    };
    auto onWorkspaces = [this, load, failed, applications](const QString& path, const Result<QJsonValue>& r) {
        if (load != d->directoryLoad)
            return;
        if (!r)
            return failed(r.error());
        if (!r.value().isArray())
            return emit directoryFailed(tr("GET %1: the answer is not a list").arg(path));
        d->directory.loadWorkspaces(r.value().toArray());
        applications();
    };
    const QString first = workspaces ? u"/api/workspaces/"_s : u"/api/groups/"_s;
    d->rest->request("GET", first, QJsonValue(), this,
        [this, load, first, workspaces, onWorkspaces](const Result<QJsonValue>& r) {
            if (load != d->directoryLoad)
                return;
            if (!r && workspaces && r.error().httpStatus == 404) {
                // Servers before 1.16 only know /api/groups/.
                const QString groups = u"/api/groups/"_s;
                d->rest->request("GET", groups, QJsonValue(), this,
                    [groups, onWorkspaces](const Result<QJsonValue>& r2) { onWorkspaces(groups, r2); });
                return;
            }
            onWorkspaces(first, r);
        });
}

QString Session::title() const
{
    if (d->replay)
        return tr("%1 (recording)").arg(QFileInfo(d->recordingPath).fileName());
    const QUrl url = server();
    QString host = url.host();
    if (url.port() > 0)
        host = QString(host + u':' + QString::number(url.port()));
    if (d->login.email.isEmpty())
        return host;
    return QString(d->login.email + u" @ "_s + host);
}

QUrl Session::server() const
{
    return d->login.server;
}

QString Session::email() const
{
    return d->login.email;
}

bool Session::isDemo() const
{
    return d->simulator != nullptr;
}

EventStore& Session::store()
{
    return d->store;
}

const EventStore& Session::store() const
{
    return d->store;
}

const Directory& Session::directory() const
{
    return d->directory;
}

Directory& Session::directory()
{
    return d->directory;
}

const EventRates& Session::rates() const
{
    return d->rates;
}

RestClient* Session::rest() const
{
    return d->rest.get();
}

Connection* Session::connection() const
{
    return d->connection.get();
}

sim::Simulator* Session::simulator() const
{
    return d->simulator.get();
}

EventListModel* Session::events() const
{
    return d->events.get();
}

StateLogModel* Session::stateLog() const
{
    return d->stateLog.get();
}

QList<qint64> Session::pingHistory() const
{
    return d->pings;
}

qint64 Session::accessTokenExpiresInMs() const
{
    if (!d->rest || !d->rest->session() || !d->rest->session()->isAuthenticated())
        return -1;
    const qint64 ms = d->rest->session()->msUntilExpiry();
    if (ms == std::numeric_limits<qint64>::max())
        return -1;
    return qMax<qint64>(0, ms);
}

qint64 Session::downSinceMs() const
{
    return d->downSinceMs;
}

void Session::probeTable(quint32 tableId, std::function<void(qint64 rowCount, const RestError& error)> done)
{
    if (!d->rest) {
        RestError e;
        e.kind = RestError::Kind::Auth;
        e.message = tr("Not logged in.");
        return done(-1, e);
    }
    const QString fields = u"/api/database/fields/table/%1/"_s.arg(tableId);
    d->rest->request(
        "GET", fields, QJsonValue(), this, [this, tableId, done, fields](const Result<QJsonValue>& r) {
            if (!r)
                return done(-1, r.error());
            if (!r.value().isArray()) {
                RestError e;
                e.kind = RestError::Kind::NotBaserow;
                e.message = tr("GET %1: the answer is not a list").arg(fields);
                return done(-1, e);
            }
            d->directory.loadFields(tableId, r.value().toArray());
            const QString rows = u"/api/database/rows/table/%1/?size=1"_s.arg(tableId);
            d->rest->request("GET", rows, QJsonValue(), this, [done, rows](const Result<QJsonValue>& r2) {
                if (!r2)
                    return done(-1, r2.error());
                const QJsonValue count = r2.value().toObject().value("count"_L1);
                if (!count.isDouble()) {
                    RestError e;
                    e.kind = RestError::Kind::NotBaserow;
                    e.message = tr("GET %1: the answer has no row count").arg(rows);
                    return done(-1, e);
                }
                done(qint64(count.toDouble()), RestError {});
            });
        });
}

void Session::fetchRows(quint32 tableId, std::function<void(qint64 fetched, qint64 total)> progress,
    std::function<void(const QList<QJsonObject>& rows, const RestError& error)> done)
{
    if (!d->rest) {
        RestError e;
        e.kind = RestError::Kind::Auth;
        e.message = tr("Not logged in.");
        return done({}, e);
    }
    d->rest->listAllRows(tableId, std::move(progress), this, [done](const Result<RowMap>& r) {
        if (!r)
            return done({}, r.error());
        QList<QJsonObject> rows;
        rows.reserve(r.value().size());
        for (const QJsonObject& row : r.value())
            rows.append(row);
        // Baserow's order: `order`, then id (the map already iterates by id).
        std::stable_sort(rows.begin(), rows.end(), [](const QJsonObject& a, const QJsonObject& b) {
            return compareOrder(orderText(a.value("order"_L1)), orderText(b.value("order"_L1))) < 0;
        });
        done(rows, RestError {});
    });
}

} // namespace bmon
