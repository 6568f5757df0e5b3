// SPDX-License-Identifier: MIT
// The real client library (bmon_net: RestClient, AuthSession, Connection) against the real
// simulator (bmon_sim) on 127.0.0.1, in real time, for every simulated Baserow era (1.12, 1.15,
// 1.35): login, subscriptions, events against the REST writes that caused them, routing between
// users, WebSocketId sender exclusion, single-page servers, reconnects, token renewal, the runs
// that end with AuthExpired, stalls, malformed frames and the message types each era has.
// abnormalClosureRecordedAs1006() and refusedReconnectReportedAsRefused() guard how Qt 6.4's
// QWebSocket reports the end of a socket (see the comments there).
//
// Waiting: every signal a test may wait for (connection, REST callbacks, simulator) beats one
// Pulse, and waitUntil() re-checks its condition on each beat (QSignalSpy::wait), so a wait ends
// as soon as the condition holds. Absence is shown with sentinels wherever possible: the server
// sends every socket's frames in order, so once a later event has arrived an earlier one that
// did not arrive never will.
#include "core/eventstore.h"
#include "core/messagetypes.h"
#include "net/authsession.h"
#include "net/connection.h"
#include "net/page.h"
#include "net/restclient.h"
#include "sim/faultspec.h"
#include "sim/profile.h"
#include "sim/simulator.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QSignalSpy>
#include <QTest>
#include <QUuid>

#include <functional>
#include <memory>
#include <optional>

using namespace bmon;
using namespace Qt::StringLiterals;
using State = Connection::State;

namespace {

constexpr int Wait = 10000;
constexpr qint64 PageAddTimeoutMs = 500;
const QString Bob = u"bob@example.com"_s;
const QString BobPassword = u"bob-password"_s;
const QString Carol = u"carol@example.com"_s;
const QString CarolPassword = u"carol-password"_s;

//! One beat whenever something a test waits for may have changed.
class Pulse : public QObject
{
    Q_OBJECT
public:
    static Pulse& instance()
    {
        static Pulse pulse;
        return pulse;
    }

signals:
    void beat();
};

void beat()
{
    emit Pulse::instance().beat();
}

//! Runs the event loop until \a pred holds (true) or \a timeoutMs passed (false).
template<class Pred>
bool waitUntil(Pred pred, int timeoutMs = Wait)
{
    if (pred())
        return true;
    QSignalSpy spy(&Pulse::instance(), &Pulse::beat);
    const QDeadlineTimer deadline(timeoutMs);
    while (!pred()) {
        const qint64 left = deadline.remainingTime();
        if (left <= 0)
            return false;
        spy.wait(int(left));
    }
    return true;
}

//! Runs one asynchronous RestClient call to its end.
template<class T>
Result<T> await(const std::function<void(QObject*, Callback<T>)>& start)
{
    std::optional<Result<T>> out;
    QObject context; // a late answer after a timeout is dropped together with it
    start(&context, [&out](const Result<T>& r) {
        out.emplace(r);
        beat();
    });
    if (!waitUntil([&out] { return out.has_value(); })) {
        RestError e;
        e.kind = RestError::Kind::Timeout;
        e.message = u"no answer within %1 ms"_s.arg(Wait);
        return e;
    }
    return *out;
}

QString compact(const QJsonObject& o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

QString compact(const QJsonArray& a)
{
    return QString::fromUtf8(QJsonDocument(a).toJson(QJsonDocument::Compact));
}

//! The row with \a id in an event's row list (rows, rows_before_update): match by id, never by index.
QJsonObject rowById(const QJsonValue& rows, qint64 id)
{
    for (const QJsonValue& v : rows.toArray()) {
        if (v.toObject().value("id"_L1).toInteger() == id)
            return v.toObject();
    }
    return {};
}

quint16 typeId(const char* name)
{
    return TypeRegistry::instance().intern(name);
}

// ---- REST calls ---------------------------------------------------------------------------------

Result<QJsonObject> getRow(RestClient& rest, qint64 table, qint64 row)
{
    return await<QJsonObject>(
        [&](QObject* c, Callback<QJsonObject> done) { rest.getRow(table, row, c, std::move(done)); });
}

Result<QJsonObject> updateRow(RestClient& rest, qint64 table, qint64 row, const QJsonObject& values)
{
    return await<QJsonObject>([&](QObject* c, Callback<QJsonObject> done) {
        rest.updateRow(table, row, values, c, std::move(done));
    });
}

Result<QJsonObject> createRow(RestClient& rest, qint64 table, const QJsonObject& values)
{
    return await<QJsonObject>(
        [&](QObject* c, Callback<QJsonObject> done) { rest.createRow(table, values, c, std::move(done)); });
}

Result<QJsonObject> moveRow(RestClient& rest, qint64 table, qint64 row, qint64 beforeId)
{
    return await<QJsonObject>([&](QObject* c, Callback<QJsonObject> done) {
        rest.moveRow(table, row, beforeId, c, std::move(done));
    });
}

Result<void> deleteRow(RestClient& rest, qint64 table, qint64 row)
{
    return await<void>(
        [&](QObject* c, Callback<void> done) { rest.deleteRow(table, row, c, std::move(done)); });
}

Result<QJsonArray> batchUpdate(RestClient& rest, qint64 table, const QJsonArray& items)
{
    return await<QJsonArray>([&](QObject* c, Callback<QJsonArray> done) {
        rest.batchUpdateRows(table, items, c, std::move(done));
    });
}

//! PATCH /api/database/tables/ID/ → table_updated, broadcast to the table's workspace.
Result<QJsonValue> renameTable(RestClient& rest, qint64 table, const QString& name)
{
    return await<QJsonValue>([&](QObject* c, Callback<QJsonValue> done) {
        rest.request("PATCH", u"/api/database/tables/%1/"_s.arg(table), QJsonObject {{u"name"_s, name}}, c,
            std::move(done));
    });
}

//! A second REST client logged in as \a email: "another tab" of that user.
std::unique_ptr<RestClient> restLogin(
    const sim::Simulator& server, const QString& email, const QString& password)
{
    auto rest = std::make_unique<RestClient>(server.baseUrl());
    const Result<User> r = await<User>(
        [&](QObject* c, Callback<User> done) { rest->login(email, password, c, std::move(done)); });
    if (!r) {
        qWarning().noquote() << "login failed:" << r.error().message;
        return nullptr;
    }
    return rest;
}

// ---- simulator ----------------------------------------------------------------------------------

void addProfiles()
{
    QTest::addColumn<QString>("profile");
    for (const char* p : {"1.12", "1.15", "1.35"})
        QTest::newRow(p) << QString::fromLatin1(p);
}

sim::Profile currentProfile()
{
    QFETCH(QString, profile);
    return *sim::parseProfile(profile);
}

sim::SimulatorOptions simOptions(sim::Profile profile, double rate = 0)
{
    sim::SimulatorOptions o;
    o.profile = profile;
    o.rate = rate; // 0: only the tests' own writes cause events, so counts are exact
    o.seed = 20251008;
    return o;
}

bool addFault(sim::SimulatorOptions& options, const QString& spec)
{
    QString error;
    const auto fault = sim::FaultSpec::parse(spec, &error);
    if (!fault) {
        qWarning().noquote() << error;
        return false;
    }
    options.faults << *fault;
    return true;
}

std::unique_ptr<sim::Simulator> startSimulator(const sim::SimulatorOptions& options)
{
    auto server = std::make_unique<sim::Simulator>(options);
    Pulse* pulse = &Pulse::instance();
    QObject::connect(server.get(), &sim::Simulator::requestHandled, pulse, &Pulse::beat);
    QObject::connect(server.get(), &sim::Simulator::connectionOpened, pulse, &Pulse::beat);
    QObject::connect(server.get(), &sim::Simulator::connectionClosed, pulse, &Pulse::beat);
    QObject::connect(server.get(), &sim::Simulator::faultApplied, pulse, &Pulse::beat);
    QString error;
    if (!server->start(&error)) {
        qWarning().noquote() << error;
        return nullptr;
    }
    return server;
}

//! Every REST request the simulator answered (path without query, status).
struct RequestLog
{
    void attach(const sim::Simulator& server)
    {
        QObject::connect(&server, &sim::Simulator::requestHandled, &server,
            [this](const QString&, const QString& path, int status) {
                entries.append({path, status});
            });
    }
    int count(const QString& path, int status, qsizetype from = 0) const
    {
        int n = 0;
        for (qsizetype i = from; i < entries.size(); ++i)
            n += entries.at(i).first == path && (status == 0 || entries.at(i).second == status) ? 1 : 0;
        return n;
    }
    QList<std::pair<QString, int>> entries;
};

const QString TokenAuth = u"/api/user/token-auth/"_s;
const QString TokenRefresh = u"/api/user/token-refresh/"_s;

// ---- the client under test ----------------------------------------------------------------------

Connection::Options fastOptions()
{
    Connection::Options o;
    o.backoff.initialMs = 100;
    o.backoff.capMs = 500;
    o.backoff.factor = 2.0;
    o.backoff.jitter = 0.1;
    o.pingIntervalMs = 1000; // generous: only the stall test relies on pings
    o.pingTimeoutMs = 5000;
    o.authTimeoutMs = 5000;
    o.pageAddTimeoutMs = PageAddTimeoutMs;
    o.jitterSeed = 42;
    return o;
}

//! A record read back from a store, with its payload parsed.
struct Rec
{
    quint64 index = 0;
    EventRecord rec;
    QJsonObject json;
    QList<quint32> rowIds;
};

//! One monitor: REST client, store and realtime connection, with what it went through.
class Monitor
{
public:
    explicit Monitor(const sim::Simulator& server, const Connection::Options& options = fastOptions())
        : rest(server.baseUrl()), conn(&rest, &store, options)
    {
        Pulse* pulse = &Pulse::instance();
        QObject::connect(&conn, &Connection::stateChanged, &conn, [this](State state, const QString& reason) {
            states.append(state);
            reasons.append(reason);
            beat();
        });
        QObject::connect(
            &conn, &Connection::failed, &conn, [this](Connection::Failure f, const QString& message) {
                failures.append({f, message});
                beat();
            });
        QObject::connect(&conn, &Connection::notice, &conn, [this](const QString& text) {
            notices.append(text);
            beat();
        });
        QObject::connect(rest.session(), &AuthSession::tokensChanged, &conn, [this] {
            ++tokenChanges;
            beat();
        });
        QObject::connect(&conn, &Connection::eventsAppended, pulse, &Pulse::beat);
        QObject::connect(&conn, &Connection::subscriptionChanged, pulse, &Pulse::beat);
        QObject::connect(&conn, &Connection::pingMeasured, pulse, &Pulse::beat);
    }

    //! Logs in and waits for Live (false when the run ended instead).
    bool start(const QString& email, const QString& password)
    {
        conn.start(email, password);
        waitUntil([this] { return conn.state() == State::Live || !failures.isEmpty(); });
        if (conn.state() != State::Live)
            qWarning().noquote() << "not live:" << Connection::stateName(conn.state()) << conn.stateReason();
        return conn.state() == State::Live;
    }
    bool start(const sim::Simulator& server) { return start(server.email(), server.password()); }

    std::optional<Subscription> subscription(const Page& page) const
    {
        for (const Subscription& s : conn.subscriptions()) {
            if (s.page == page)
                return s;
        }
        return std::nullopt;
    }
    bool waitSubscription(const Page& page, SubscriptionState state, int timeoutMs = Wait)
    {
        return waitUntil(
            [&] {
                const auto s = subscription(page);
                return s && s->state == state;
            },
            timeoutMs);
    }
    bool subscribeActive(const Page& page)
    {
        conn.subscribe(page);
        return waitSubscription(page, SubscriptionState::Active);
    }

    //! Records of a type from \a from on (\a table 0 = any table).
    QList<Rec> records(
        quint16 type, quint64 from = 0, quint32 table = 0, Direction direction = Direction::Received) const
    {
        QList<Rec> out;
        const quint64 n = store.count();
        for (quint64 i = from; i < n; ++i) {
            const EventRecord& r = store.at(i);
            if (r.direction() != direction || r.isError() || r.typeId != type
                || (table && r.tableId != table))
                continue;
            const auto ids = store.rowIds(r);
            out.append(Rec {i, r, QJsonDocument::fromJson(store.payload(r).toByteArray()).object(),
                QList<quint32>(ids.begin(), ids.end())});
        }
        return out;
    }
    QList<Rec> received(const char* type, quint64 from = 0, quint32 table = 0) const
    {
        return records(typeId(type), from, table);
    }
    int count(const char* type, quint64 from = 0, quint32 table = 0) const
    {
        return int(received(type, from, table).size());
    }
    bool waitFor(const char* type, int n = 1, quint64 from = 0, quint32 table = 0, int timeoutMs = Wait) const
    {
        return waitUntil([&] { return count(type, from, table) >= n; }, timeoutMs);
    }
    //! Received frames of any kind (errors included) from \a from on.
    int receivedFrames(quint64 from = 0) const
    {
        int n = 0;
        for (quint64 i = from; i < store.count(); ++i)
            n += store.at(i).direction() == Direction::Received ? 1 : 0;
        return n;
    }
    bool sawState(State state, qsizetype from = 0) const { return states.mid(from).contains(state); }

    RestClient rest;
    EventStore store;
    QList<State> states;
    QStringList reasons;
    QList<std::pair<Connection::Failure, QString>> failures;
    QStringList notices;
    int tokenChanges = 0;
    Connection conn; // last: it goes first, while the store and the REST client still exist
};

} // namespace

class TestRealtime : public QObject
{
    Q_OBJECT

private slots:
    void login_data() { addProfiles(); }
    void login();
    void subscribe_data() { addProfiles(); }
    void subscribe();
    void unsubscribe_data() { addProfiles(); }
    void unsubscribe();
    void eventsMatchRestWrites_data() { addProfiles(); }
    void eventsMatchRestWrites();
    void routing_data() { addProfiles(); }
    void routing();
    void memberRemoval_data() { addProfiles(); }
    void memberRemoval();
    void rejectedSubscriptions_data() { addProfiles(); }
    void rejectedSubscriptions();
    void webSocketIdExclusion_data() { addProfiles(); }
    void webSocketIdExclusion();
    void singlePageDiscard_data() { addProfiles(); }
    void singlePageDiscard();
    void reconnect_data();
    void reconnect();
    void abnormalClosureRecordedAs1006();
    void refusedReconnectReportedAsRefused();
    void expiredTokenAtReconnect_data() { addProfiles(); }
    void expiredTokenAtReconnect();
    void passwordChange_data() { addProfiles(); }
    void passwordChange();
    void revokedRefreshToken_data() { addProfiles(); }
    void revokedRefreshToken();
    void stallDetected_data() { addProfiles(); }
    void stallDetected();
    void malformedFrames_data() { addProfiles(); }
    void malformedFrames();
    void featuresPerProfile_data() { addProfiles(); }
    void featuresPerProfile();
};

// 1. Probe, login, socket, authentication frame: Live, with what the server said.
void TestRealtime::login()
{
    const sim::Profile profile = currentProfile();
    auto server = startSimulator(simOptions(profile));
    QVERIFY(server);
    Monitor m(*server);
    QVERIFY(m.start(*server));

    QCOMPARE(m.conn.state(), State::Live);
    QVERIFY(m.conn.wasLive());
    QCOMPARE(m.conn.failure(), Connection::Failure::None);
    const QString id = m.conn.webSocketId();
    QVERIFY(!id.isEmpty());
    QVERIFY2(!QUuid::fromString(id).isNull(), qPrintable(id)); // a UUID4, new per connection
    QCOMPARE(m.rest.webSocketId(), id);
    QCOMPARE(m.conn.serverVersion().toString(), sim::profileVersion(profile).toString());
    QCOMPARE(m.conn.serverVersion().toString(), server->version().toString());
    QCOMPARE(m.conn.multiPage(), profile == sim::Profile::V1_35);
    QCOMPARE(m.conn.generation(), quint16(1));
    QCOMPARE(m.conn.counters().reconnects, quint32(0));
    QCOMPARE(m.rest.session()->era(),
        profile == sim::Profile::V1_12 ? AuthSession::Era::DrfJwt : AuthSession::Era::SimpleJwt);
    QList<State> distinct; // LoggingIn covers the probe and the login (two reasons)
    for (State s : std::as_const(m.states)) {
        if (distinct.isEmpty() || distinct.last() != s)
            distinct.append(s);
    }
    QCOMPARE(
        distinct, (QList<State> {State::LoggingIn, State::Connecting, State::Authenticating, State::Live}));
    QCOMPARE(server->connectionCount(), 1);

    // The authentication frame is the store's first record, received on socket 1.
    const QList<Rec> auth = m.received("authentication");
    QCOMPARE(auth.size(), 1);
    QCOMPARE(auth.first().index, quint64(0));
    QCOMPARE(auth.first().rec.typeId, quint16(KnownType::Authentication));
    QCOMPARE(auth.first().rec.category, Category::Control);
    QCOMPARE(auth.first().rec.generation, quint16(1));
    QCOMPARE(auth.first().json.value("success"_L1), QJsonValue(true));
    QCOMPARE(auth.first().json.value("web_socket_id"_L1).toString(), id);
    QCOMPARE(m.store.count(), quint64(1));
    QCOMPARE(m.conn.counters().framesReceived, quint64(1));
}

// 2. A table page: the request goes out, page_add comes back, the subscription is Active.
void TestRealtime::subscribe()
{
    auto server = startSimulator(simOptions(currentProfile()));
    QVERIFY(server);
    Monitor m(*server);
    QVERIFY(m.start(*server));
    const Page page = Page::table(21);
    const quint64 mark = m.store.count();
    QVERIFY(m.subscribeActive(page));
    QCOMPARE(m.subscription(page)->reason, QString());

    const QList<Rec> sent = m.records(KnownType::PageRequest, mark, 0, Direction::Sent);
    QCOMPARE(sent.size(), 1);
    QCOMPARE(compact(sent.first().json), u"{\"page\":\"table\",\"table_id\":21}"_s);
    QCOMPARE(sent.first().rec.tableId, quint32(21));
    QCOMPARE(sent.first().rec.pageId, quint8(PageName::Table));

    const QList<Rec> added = m.received("page_add", mark);
    QCOMPARE(added.size(), 1);
    QVERIFY2(added.first().index > sent.first().index, "page_add is the answer to the request before it");
    QCOMPARE(added.first().rec.typeId, quint16(KnownType::PageAdd));
    QCOMPARE(added.first().rec.tableId, quint32(21));
    QCOMPARE(added.first().json.value("page"_L1).toString(), u"table"_s);
    QCOMPARE(compact(added.first().json.value("parameters"_L1).toObject()), u"{\"table_id\":21}"_s);
    QCOMPARE(m.conn.counters().framesSent, quint64(1));
    QCOMPARE(m.conn.state(), State::Live);
}

// 2b. Unsubscribing: remove_page (1.21+) or {"page": ""} (before), the server's page_discard is
//     taken as the answer (not as lost access), and the table's events stop.
void TestRealtime::unsubscribe()
{
    const sim::Profile profile = currentProfile();
    const bool multi = profile == sim::Profile::V1_35;
    QList<Subscription> changes; // before the monitor: it must outlive the connection to it
    auto server = startSimulator(simOptions(profile));
    QVERIFY(server);
    Monitor m(*server);
    QVERIFY(m.start(*server));
    const Page page = Page::table(21);
    QVERIFY(m.subscribeActive(page));
    QObject::connect(&m.conn, &Connection::subscriptionChanged, &m.conn,
        [&changes](const Subscription& s) { changes.append(s); });
    const quint64 mark = m.store.count();
    m.conn.unsubscribe(page);
    QVERIFY(!m.subscription(page));
    QCOMPARE(changes.size(), 1);
    QCOMPARE(changes.first().state, SubscriptionState::Unsubscribed);
    // Frames are stored on the ingest thread in order: once the reply is in, our request is too.
    QVERIFY(m.waitFor("page_discard", 1, mark));
    const QList<Rec> sent
        = m.records(multi ? quint16(KnownType::RemovePageRequest) : quint16(KnownType::PageRequest), mark, 0,
            Direction::Sent);
    QCOMPARE(sent.size(), 1);
    QCOMPARE(compact(sent.first().json),
        multi ? u"{\"remove_page\":\"table\",\"table_id\":21}"_s : u"{\"page\":\"\"}"_s);
    QCOMPARE(m.received("page_discard", mark).first().rec.tableId, quint32(21));

    // A row event of table 21, then a workspace event as the sentinel: only the latter arrives.
    QVERIFY(updateRow(m.rest, 21, 1, {{u"field_102"_s, u"5"_s}}).ok());
    QVERIFY(renameTable(m.rest, 21, u"Customers (renamed)"_s).ok());
    QVERIFY(m.waitFor("table_updated", 1, mark, 21));
    QCOMPARE(m.count("rows_updated", mark), 0);
    QCOMPARE(changes.size(), 1); // the discard was expected: no "access lost"
    QCOMPARE(m.conn.state(), State::Live);
    QCOMPARE(m.conn.generation(), quint16(1));
}

// 3. Each REST write is answered by the event Baserow sends for it, with the same row images.
void TestRealtime::eventsMatchRestWrites()
{
    const sim::Profile profile = currentProfile();
    const bool fieldIds = profile == sim::Profile::V1_35; // updated_field_ids: 1.29+
    auto server = startSimulator(simOptions(profile));
    QVERIFY(server);
    Monitor m(*server);
    QVERIFY(m.start(*server));
    QVERIFY(m.subscribeActive(Page::table(21)));
    RestClient& rest = m.rest; // no WebSocketId header: the monitor sees the echo of its own writes

    auto checkFieldIds = [&](const QJsonObject& event, const QJsonArray& expected) {
        if (fieldIds)
            return event.value("updated_field_ids"_L1).toArray() == expected;
        return !event.contains("updated_field_ids"_L1);
    };

    // Update two fields of one row.
    const auto before1 = getRow(rest, 21, 1);
    QVERIFY2(before1.ok(), qPrintable(before1.error().message));
    quint64 mark = m.store.count();
    const auto updated
        = updateRow(rest, 21, 1, {{u"field_101"_s, u"Initech Europe"_s}, {u"field_102"_s, u"42"_s}});
    QVERIFY2(updated.ok(), qPrintable(updated.error().message));
    QVERIFY(m.waitFor("rows_updated", 1, mark));
    Rec ev = m.received("rows_updated", mark).first();
    QCOMPARE(ev.rec.tableId, quint32(21));
    QCOMPARE(ev.rowIds, QList<quint32> {1});
    QCOMPARE(ev.json.value("table_id"_L1).toInteger(), 21);
    QJsonObject after = rowById(ev.json.value("rows"_L1), 1);
    QCOMPARE(after.value("field_101"_L1).toString(), u"Initech Europe"_s);
    QCOMPARE(after.value("field_102"_L1).toString(), u"42"_s);
    QCOMPARE(compact(after), compact(updated.value()));
    QCOMPARE(compact(rowById(ev.json.value("rows_before_update"_L1), 1)), compact(before1.value()));
    QVERIFY2(checkFieldIds(ev.json, QJsonArray {101, 102}), qPrintable(compact(ev.json)));

    // Create one row.
    mark = m.store.count();
    const auto created
        = createRow(rest, 21, {{u"field_101"_s, u"Nakatomi Trading"_s}, {u"field_102"_s, u"7"_s}});
    QVERIFY2(created.ok(), qPrintable(created.error().message));
    const qint64 newId = created.value().value("id"_L1).toInteger();
    QVERIFY(newId > 120);
    QVERIFY(m.waitFor("rows_created", 1, mark));
    ev = m.received("rows_created", mark).first();
    QCOMPARE(ev.rowIds, QList<quint32> {quint32(newId)});
    QCOMPARE(ev.rec.tableId, quint32(21));
    QCOMPARE(compact(rowById(ev.json.value("rows"_L1), newId)), compact(created.value()));
    QCOMPARE(
        rowById(ev.json.value("rows"_L1), newId).value("field_101"_L1).toString(), u"Nakatomi Trading"_s);
    QVERIFY(ev.json.value("before_row_id"_L1).isNull());

    // Move row 5 before row 2: rows_updated with the new order and no touched field.
    const auto before5 = getRow(rest, 21, 5);
    QVERIFY(before5.ok());
    mark = m.store.count();
    const auto moved = moveRow(rest, 21, 5, 2);
    QVERIFY2(moved.ok(), qPrintable(moved.error().message));
    QVERIFY(m.waitFor("rows_updated", 1, mark));
    ev = m.received("rows_updated", mark).first();
    QCOMPARE(ev.rowIds, QList<quint32> {5});
    after = rowById(ev.json.value("rows"_L1), 5);
    QCOMPARE(after.value("order"_L1).toString(), u"1.50000000000000000000"_s); // between rows 1 and 2
    QCOMPARE(compact(after), compact(moved.value()));
    QCOMPARE(compact(rowById(ev.json.value("rows_before_update"_L1), 5)), compact(before5.value()));
    QVERIFY2(checkFieldIds(ev.json, QJsonArray {}), qPrintable(compact(ev.json)));

    // Batch-update two rows: one message for the whole batch, rows matched by id.
    const auto before10 = getRow(rest, 21, 10);
    const auto before11 = getRow(rest, 21, 11);
    QVERIFY(before10.ok() && before11.ok());
    const quint64 batchMark = m.store.count();
    const auto batch = batchUpdate(rest, 21,
        QJsonArray {QJsonObject {{u"id"_s, 11}, {u"field_102"_s, u"12"_s}},
            QJsonObject {{u"id"_s, 10}, {u"field_102"_s, u"11"_s}}});
    QVERIFY2(batch.ok(), qPrintable(batch.error().message));
    QVERIFY(m.waitFor("rows_updated", 1, batchMark));
    ev = m.received("rows_updated", batchMark).first();
    QList<quint32> ids = ev.rowIds;
    std::sort(ids.begin(), ids.end());
    QCOMPARE(ids, (QList<quint32> {10, 11}));
    QCOMPARE(rowById(ev.json.value("rows"_L1), 10).value("field_102"_L1).toString(), u"11"_s);
    QCOMPARE(rowById(ev.json.value("rows"_L1), 11).value("field_102"_L1).toString(), u"12"_s);
    QCOMPARE(compact(rowById(ev.json.value("rows_before_update"_L1), 10)), compact(before10.value()));
    QCOMPARE(compact(rowById(ev.json.value("rows_before_update"_L1), 11)), compact(before11.value()));
    QVERIFY2(checkFieldIds(ev.json, QJsonArray {102}), qPrintable(compact(ev.json)));

    // Delete one row: rows_deleted carries the row as it was.
    const auto before7 = getRow(rest, 21, 7);
    QVERIFY(before7.ok());
    mark = m.store.count();
    const auto deleted = deleteRow(rest, 21, 7);
    QVERIFY2(deleted.ok(), qPrintable(deleted.error().message));
    QVERIFY(m.waitFor("rows_deleted", 1, mark));
    ev = m.received("rows_deleted", mark).first();
    QCOMPARE(ev.rowIds, QList<quint32> {7});
    QCOMPARE(compact(ev.json.value("row_ids"_L1).toArray()), u"[7]"_s);
    QCOMPARE(compact(rowById(ev.json.value("rows"_L1), 7)), compact(before7.value()));
    // The delete's event came after the batch's: the batch made exactly one message.
    QCOMPARE(m.count("rows_updated", batchMark), 1);
    QCOMPARE(m.conn.generation(), quint16(1));
}

// 4. Events reach exactly the users Baserow sends them to: workspace members for workspace
//    events, page subscribers for row events.
void TestRealtime::routing()
{
    auto server = startSimulator(simOptions(currentProfile()));
    QVERIFY(server);
    Monitor demo(*server); // member of workspaces 7 and 8
    Monitor bob(*server); // only 7
    Monitor carol(*server); // only 8
    QVERIFY(demo.start(*server));
    QVERIFY(bob.start(Bob, BobPassword));
    QVERIFY(carol.start(Carol, CarolPassword));
    // Carol may not listen to a table of workspace 7: silence, then Rejected.
    carol.conn.subscribe(Page::table(21));
    QVERIFY(carol.waitSubscription(Page::table(21), SubscriptionState::Rejected));
    QVERIFY(demo.subscribeActive(Page::table(21)));
    QVERIFY(bob.subscribeActive(Page::table(23))); // workspace 7, another table
    QVERIFY(carol.subscribeActive(Page::table(31))); // workspace 8
    const quint64 d0 = demo.store.count(), b0 = bob.store.count(), c0 = carol.store.count();
    RestClient& rest = demo.rest;

    // A: workspace 7 → demo and bob.
    QVERIFY(renameTable(rest, 21, u"Customers (A)"_s).ok());
    QVERIFY(demo.waitFor("table_updated", 1, d0, 21));
    QVERIFY(bob.waitFor("table_updated", 1, b0, 21));
    QCOMPARE(bob.received("table_updated", b0, 21)
                 .first()
                 .json.value("table"_L1)
                 .toObject()
                 .value("name"_L1)
                 .toString(),
        u"Customers (A)"_s);
    // B: workspace 8 → demo and carol. Carol's socket got A's turn first: she never gets A.
    QVERIFY(renameTable(rest, 31, u"Campaigns (B)"_s).ok());
    QVERIFY(demo.waitFor("table_updated", 1, d0, 31));
    QVERIFY(carol.waitFor("table_updated", 1, c0, 31));
    QCOMPARE(carol.count("table_updated", c0, 21), 0);
    // C: a row of table 21 → only the page's subscriber (demo). D: a row of table 31 → carol.
    QVERIFY(updateRow(rest, 21, 1, {{u"field_102"_s, u"3"_s}}).ok());
    QVERIFY(demo.waitFor("rows_updated", 1, d0, 21));
    QVERIFY(updateRow(rest, 31, 1, {{u"field_401"_s, u"Spring 2026"_s}}).ok());
    QVERIFY(carol.waitFor("rows_updated", 1, c0, 31));
    QCOMPARE(carol.count("rows_updated", c0, 21), 0);
    // E: workspace 7 again, the sentinel for bob, who must have missed B, C and D.
    QVERIFY(renameTable(rest, 21, u"Customers"_s).ok());
    QVERIFY(bob.waitFor("table_updated", 2, b0, 21));
    QVERIFY(demo.waitFor("table_updated", 2, d0, 21));
    QCOMPARE(bob.count("table_updated", b0, 31), 0);
    QCOMPARE(bob.count("rows_updated", b0), 0);
    // Demo is in workspace 8 but not on table 31's page.
    QCOMPARE(demo.count("rows_updated", d0, 31), 0);
    QCOMPARE(demo.count("rows_updated", d0), 1);
    QCOMPARE(carol.count("table_updated", c0), 1);
    for (Monitor* m : {&demo, &bob, &carol}) {
        QCOMPARE(m->conn.state(), State::Live);
        QCOMPARE(m->conn.generation(), quint16(1));
    }
}

// 4b. A member removed from a workspace loses its pages there: an unsolicited page_discard
//     (1.13.3+) turns the subscription Discarded; 1.12 sends none.
void TestRealtime::memberRemoval()
{
    const sim::Profile profile = currentProfile();
    const bool discards = profile != sim::Profile::V1_12;
    auto server = startSimulator(simOptions(profile));
    QVERIFY(server);
    Monitor bob(*server);
    QVERIFY(bob.start(Bob, BobPassword));
    const Page page = Page::table(21);
    QVERIFY(bob.subscribeActive(page));
    const quint64 mark = bob.store.count();

    server->removeMemberFromWorkspace(Bob, 7);
    QVERIFY(bob.waitFor("group_user_deleted", 1, mark)); // W and the removed user himself
    if (discards) {
        QVERIFY(bob.waitSubscription(page, SubscriptionState::Discarded));
        QVERIFY2(bob.subscription(page)->reason.contains(u"access lost"_s),
            qPrintable(bob.subscription(page)->reason));
        const QList<Rec> discarded = bob.received("page_discard", mark);
        QCOMPARE(discarded.size(), 1);
        QCOMPARE(discarded.first().rec.tableId, quint32(21));
    } else {
        // The sentinel: being added back reaches bob after any discard would have.
        server->addMemberToWorkspace(Bob, 7);
        QVERIFY(bob.waitFor("group_user_added", 1, mark));
        QCOMPARE(bob.count("page_discard", mark), 0);
        QCOMPARE(bob.subscription(page)->state, SubscriptionState::Active);
    }
    QCOMPARE(bob.conn.state(), State::Live);
    QCOMPARE(bob.conn.generation(), quint16(1));
}

// 5. Refusals are silent: Rejected after pageAddTimeoutMs, nothing from the server, still Live.
//    Row and dashboard pages exist only from 1.21 and 1.31.
void TestRealtime::rejectedSubscriptions()
{
    const sim::Profile profile = currentProfile();
    const bool modern = profile == sim::Profile::V1_35;
    auto server = startSimulator(simOptions(profile));
    QVERIFY(server);
    Monitor m(*server);
    QVERIFY(m.start(*server));

    struct Case
    {
        Page page;
        bool active;
    };
    const QList<Case> cases {
        {Page::table(999999), false}, {Page::row(21, 1), modern}, {Page::dashboard(14), modern}};
    for (const Case& c : cases) {
        const QString what = c.page.toString();
        const quint64 mark = m.store.count();
        QElapsedTimer timer;
        timer.start();
        m.conn.subscribe(c.page);
        QVERIFY2(waitUntil([&] {
            const auto s = m.subscription(c.page);
            return s && s->state != SubscriptionState::Pending;
        }),
            qPrintable(what));
        const qint64 ms = timer.elapsed();
        const Subscription s = *m.subscription(c.page);
        const QList<Rec> sent = m.records(KnownType::PageRequest, mark, 0, Direction::Sent);
        QCOMPARE(sent.size(), 1);
        QCOMPARE(compact(sent.first().json), compact(c.page.subscribeMessage()));
        if (c.active) {
            QVERIFY2(s.state == SubscriptionState::Active, qPrintable(what));
            const QList<Rec> added = m.received("page_add", mark);
            QCOMPARE(added.size(), 1);
            QCOMPARE(added.first().json.value("page"_L1).toString(), c.page.name);
            QCOMPARE(
                compact(added.first().json.value("parameters"_L1).toObject()), compact(c.page.parameters));
        } else {
            QVERIFY2(s.state == SubscriptionState::Rejected, qPrintable(what));
            QVERIFY(!s.reason.isEmpty());
            QVERIFY2(ms >= PageAddTimeoutMs - 25, qPrintable(u"%1 rejected after %2 ms"_s.arg(what).arg(ms)));
            QCOMPARE(m.receivedFrames(mark), 0); // no error, no close, nothing
        }
        QCOMPARE(m.conn.state(), State::Live);
    }
    QVERIFY(!m.sawState(State::Backoff));
    QCOMPARE(m.conn.generation(), quint16(1));
    QCOMPARE(server->connectionCount(), 1);
}

// 6. The WebSocketId header mutes exactly the named socket; row history and row order
//    recalculation ignore it (in the eras that have them).
void TestRealtime::webSocketIdExclusion()
{
    const sim::Profile profile = currentProfile();
    const bool modern = profile == sim::Profile::V1_35; // row pages, row_history_updated
    const bool recalculation = profile != sim::Profile::V1_12; // row_orders_recalculated: 1.15+
    auto server = startSimulator(simOptions(profile));
    QVERIFY(server);
    Monitor a(*server), b(*server); // two tabs of the same user
    QVERIFY(a.start(*server));
    QVERIFY(b.start(*server));
    QVERIFY(a.conn.webSocketId() != b.conn.webSocketId());
    for (Monitor* m : {&a, &b}) {
        QVERIFY(m->subscribeActive(Page::table(21)));
        if (modern)
            QVERIFY(m->subscribeActive(Page::row(21, 1)));
    }
    auto writer = restLogin(*server, server->email(), server->password());
    QVERIFY(writer);
    writer->setWebSocketId(a.conn.webSocketId());

    // 1. Sent as A: B gets the echo, A does not.
    writer->setSendWebSocketId(true);
    const quint64 a0 = a.store.count(), b0 = b.store.count();
    QVERIFY(updateRow(*writer, 21, 1, {{u"field_102"_s, u"77"_s}}).ok());
    QVERIFY(b.waitFor("rows_updated", 1, b0));
    if (modern) {
        QVERIFY(a.waitFor("row_history_updated", 1, a0)); // sent to the originator as well
        QVERIFY(b.waitFor("row_history_updated", 1, b0));
    }
    // 2. Without the header both get it, and A's first rows_updated is this second write.
    writer->setSendWebSocketId(false);
    QVERIFY(updateRow(*writer, 21, 1, {{u"field_102"_s, u"78"_s}}).ok());
    QVERIFY(a.waitFor("rows_updated", 1, a0));
    QVERIFY(b.waitFor("rows_updated", 2, b0));
    const QList<Rec> aRows = a.received("rows_updated", a0);
    QCOMPARE(aRows.size(), 1);
    QCOMPARE(rowById(aRows.first().json.value("rows"_L1), 1).value("field_102"_L1).toString(), u"78"_s);
    if (modern) {
        QVERIFY(a.waitFor("row_history_updated", 2, a0));
        QVERIFY(b.waitFor("row_history_updated", 2, b0));
    }

    // 3. Moves sent as A, always into the narrowest gap, until Baserow has to renumber the
    //    table's orders (48 moves here): row_orders_recalculated goes to A too.
    writer->setSendWebSocketId(true);
    const quint64 a1 = a.store.count(), b1 = b.store.count();
    constexpr int Moves = 60;
    qint64 high = 2; // the gap is (low, high); each move lands in it, alternately replacing either end
    for (int k = 1; k <= Moves; ++k) {
        const qint64 mover = 2 + k; // rows 3..62
        const auto moved = moveRow(*writer, 21, mover, high);
        QVERIFY2(moved.ok(), qPrintable(moved.error().message));
        if (k % 2 == 0)
            high = mover;
    }
    QVERIFY(b.waitFor("rows_updated", Moves, b1));
    writer->setSendWebSocketId(false);
    QVERIFY(updateRow(*writer, 21, 1, {{u"field_102"_s, u"79"_s}}).ok()); // the sentinel
    QVERIFY(a.waitFor("rows_updated", 1, a1));
    QVERIFY(b.waitFor("rows_updated", Moves + 1, b1));
    QCOMPARE(a.count("rows_updated", a1), 1); // none of the moves
    if (recalculation) {
        QVERIFY(a.count("row_orders_recalculated", a1) >= 1);
        QCOMPARE(a.count("row_orders_recalculated", a1), b.count("row_orders_recalculated", b1));
        QCOMPARE(a.received("row_orders_recalculated", a1).first().rec.tableId, quint32(21));
    } else {
        QCOMPARE(a.count("row_orders_recalculated"), 0);
        QCOMPARE(b.count("row_orders_recalculated"), 0);
    }
    // The renumbering happened in every era (row 2 left its integer order 2), announced or not.
    const auto row2 = getRow(*writer, 21, 2);
    QVERIFY(row2.ok());
    const QString order2 = row2.value().value("order"_L1).toString();
    QVERIFY2(order2.endsWith(u".00000000000000000000"_s) && order2 != u"2.00000000000000000000"_s,
        qPrintable(order2));
    if (!modern) {
        QCOMPARE(a.count("row_history_updated"), 0);
        QCOMPARE(b.count("row_history_updated"), 0);
    }
    QCOMPARE(a.conn.generation(), quint16(1));
    QCOMPARE(b.conn.generation(), quint16(1));
}

// 7. Before 1.21 a socket holds one page: the second subscription discards the first.
void TestRealtime::singlePageDiscard()
{
    const sim::Profile profile = currentProfile();
    const bool multi = profile == sim::Profile::V1_35;
    auto server = startSimulator(simOptions(profile));
    QVERIFY(server);
    Monitor m(*server);
    QVERIFY(m.start(*server));
    const Page t21 = Page::table(21), t22 = Page::table(22);
    QVERIFY(m.subscribeActive(t21));
    const quint64 mark = m.store.count();
    QVERIFY(m.subscribeActive(t22));
    const Subscription s21 = *m.subscription(t21);
    const QList<Rec> discards = m.received("page_discard", mark);
    if (multi) {
        QCOMPARE(s21.state, SubscriptionState::Active);
        QCOMPARE(discards.size(), 0); // page_add for 22 came after any discard would have
        QVERIFY(m.notices.isEmpty());
    } else {
        QCOMPARE(s21.state, SubscriptionState::Discarded);
        QVERIFY2(s21.reason.contains(u"one page"_s), qPrintable(s21.reason));
        QCOMPARE(discards.size(), 1);
        QCOMPARE(discards.first().rec.tableId, quint32(21));
        QCOMPARE(compact(discards.first().json.value("parameters"_L1).toObject()), u"{\"table_id\":21}"_s);
        // The server discards the old page before it even looks at the new request.
        QVERIFY(discards.first().index < m.received("page_add", mark).first().index);
        QCOMPARE(m.notices.size(), 1);
    }
    QCOMPARE(m.subscription(t22)->state, SubscriptionState::Active);
    QCOMPARE(m.conn.state(), State::Live);
    QCOMPARE(m.conn.generation(), quint16(1));
}

// 8. Lost sockets come back: Backoff → Live, a new generation and web_socket_id, the desired
//    pages subscribed again, events flowing.
void TestRealtime::reconnect_data()
{
    QTest::addColumn<QString>("profile");
    QTest::addColumn<QString>("how");
    for (const char* p : {"1.12", "1.15", "1.35"}) {
        for (const char* how : {"close-fault", "closeAll", "restart"})
            QTest::addRow("%s %s", p, how) << QString::fromLatin1(p) << QString::fromLatin1(how);
    }
}

void TestRealtime::reconnect()
{
    const sim::Profile profile = currentProfile();
    QFETCH(QString, how);
    const bool multi = profile == sim::Profile::V1_35;
    sim::SimulatorOptions options = simOptions(profile);
    if (how == u"close-fault"_s)
        QVERIFY(addFault(options, u"conn=1:close=4000@0.4"_s)); // the first socket only
    auto server = startSimulator(options);
    QVERIFY(server);
    Monitor m(*server);
    QVERIFY(m.start(*server));
    QList<Page> desired {Page::table(21)};
    if (multi)
        desired << Page::table(22);
    for (const Page& p : std::as_const(desired))
        QVERIFY(m.subscribeActive(p));
    const QString oldId = m.conn.webSocketId();
    const qsizetype liveAt = m.states.size();

    if (how == u"closeAll"_s)
        server->closeAll(4001, u"maintenance"_s);
    else if (how == u"restart"_s)
        server->restartNow(300);
    QVERIFY(waitUntil([&] { return m.conn.state() == State::Live && m.conn.generation() > 1; }));
    QVERIFY(m.sawState(State::Backoff, liveAt));
    const quint16 generation = m.conn.generation();
    const Connection::Counters counters = m.conn.counters();
    QCOMPARE(counters.reconnects, quint32(generation - 1));
    if (how == u"restart"_s) {
        QVERIFY(counters.lastCloseCode != -1); // which code: see abnormalClosureRecordedAs1006()
    } else {
        QCOMPARE(generation, quint16(2));
        QCOMPARE(counters.lastCloseCode, how == u"closeAll"_s ? 4001 : 4000);
        if (how == u"closeAll"_s)
            QCOMPARE(counters.lastCloseReason, u"maintenance"_s);
    }
    QVERIFY(!m.conn.webSocketId().isEmpty());
    QVERIFY(m.conn.webSocketId() != oldId);
    QCOMPARE(m.rest.webSocketId(), m.conn.webSocketId());

    // Every desired page is subscribed again on the new socket.
    for (const Page& p : std::as_const(desired)) {
        QVERIFY(m.waitSubscription(p, SubscriptionState::Active));
        const QList<Rec> added
            = m.received("page_add", 0, quint32(p.parameters.value("table_id"_L1).toInteger()));
        QVERIFY(!added.isEmpty());
        QCOMPARE(added.last().rec.generation, generation);
    }
    // Events after the reconnect arrive, stamped with the new generation.
    const quint64 mark = m.store.count();
    server->collaboratorUpdateRow(21, 4);
    QVERIFY(m.waitFor("rows_updated", 1, mark, 21));
    QCOMPARE(m.received("rows_updated", mark).first().rec.generation, generation);
    QCOMPARE(m.conn.failure(), Connection::Failure::None);
    QVERIFY(waitUntil([&] { return server->connectionCount() == 1; })); // the old socket is gone
}

// A socket that ends without a close frame (here a server restart: TCP drop) is RFC 6455's
// abnormal closure, 1006 (PROTOCOL.md §1.6, §1.7), although Qt 6.4 still reports closeCode() 1000.
// Recording 1000 would point users the wrong way: that is what Baserow sends after refusing
// authentication (§1.3).
void TestRealtime::abnormalClosureRecordedAs1006()
{
    auto server = startSimulator(simOptions(sim::Profile::V1_35));
    QVERIFY(server);
    Monitor m(*server);
    QVERIFY(m.start(*server));
    const qsizetype liveAt = m.states.size();
    server->restartNow(0); // every socket aborted, no close frame; back at once
    QVERIFY(waitUntil([&] { return m.sawState(State::Backoff, liveAt); }));
    QCOMPARE(m.conn.counters().lastCloseCode, 1006); // QWebSocketProtocol::CloseCodeAbnormalDisconnection
}

// While the server is down, reconnect attempts are refused at TCP level. Qt 6.4's QWebSocket then
// emits disconnected() before error(); the reason must still name the real cause ("Connection
// refused"), not a close by the server, and no close code is recorded for an attempt that never
// opened.
void TestRealtime::refusedReconnectReportedAsRefused()
{
    auto server = startSimulator(simOptions(sim::Profile::V1_35));
    QVERIFY(server);
    Monitor m(*server);
    QVERIFY(m.start(*server));
    const qsizetype liveAt = m.states.size();
    server->restartNow(1000); // down for 1 s: the retries after 0.1, 0.3 and 0.7 s are refused
    QVERIFY(waitUntil([&] { return m.conn.state() == State::Live && m.conn.generation() > 1; }));
    QStringList backoffReasons;
    for (qsizetype i = liveAt; i < m.states.size(); ++i) {
        if (m.states.at(i) == State::Backoff)
            backoffReasons.append(m.reasons.at(i));
    }
    QVERIFY2(
        backoffReasons.size() >= 2, qPrintable(backoffReasons.join(u" | "_s))); // the drop, then refusals
    for (const QString& reason : backoffReasons.mid(1)) {
        QVERIFY2(!reason.contains(u"code 1000"_s) && reason.contains(u"refused"_s, Qt::CaseInsensitive),
            qPrintable(reason));
    }
    QVERIFY(m.conn.counters().lastCloseCode != 1000);
}

// 9. A reconnect after the access token expired: simplejwt eras refresh, drf-jwt (1.12, whose
//    expired tokens cannot be refreshed) logs in again; either way Live again.
void TestRealtime::expiredTokenAtReconnect()
{
    const sim::Profile profile = currentProfile();
    sim::SimulatorOptions options = simOptions(profile);
    // Two-second tokens: whole-second exp/iat can make a one-second token expire milliseconds
    // after it is issued, and two of those in a row would (rightly) end the run.
    QVERIFY(addFault(options, u"expire-tokens=2"_s));
    RequestLog log;
    auto server = startSimulator(options);
    QVERIFY(server);
    log.attach(*server);
    Monitor m(*server);
    QElapsedTimer sinceLogin;
    sinceLogin.start();
    QVERIFY(m.start(*server));
    QVERIFY(m.subscribeActive(Page::table(21)));
    QVERIFY(m.rest.session()->accessLifetimeMs() <= 2000);

    // Two renewals later the login's token (valid for at most 2 s) is long expired.
    const int changes = m.tokenChanges;
    QVERIFY(waitUntil([&] { return m.tokenChanges >= changes + 2 && sinceLogin.elapsed() > 2200; }));
    const quint16 generation = m.conn.generation();
    const QString oldId = m.conn.webSocketId();
    const qsizetype requestsAtClose = log.entries.size();
    const int changesAtClose = m.tokenChanges;
    server->closeAll(4000, u"token test"_s);
    QVERIFY(waitUntil([&] { return m.conn.state() == State::Live && m.conn.generation() > generation; }));
    QVERIFY(m.waitSubscription(Page::table(21), SubscriptionState::Active));
    QVERIFY(m.conn.webSocketId() != oldId);
    // The new socket delivers events.
    const quint64 mark = m.store.count();
    server->collaboratorUpdateRow(21, 3);
    QVERIFY(m.waitFor("rows_updated", 1, mark, 21));
    QCOMPARE(m.received("rows_updated", mark).first().rec.generation, m.conn.generation());

    // The session goes on renewing the era's way.
    QVERIFY(waitUntil([&] { return m.tokenChanges > changesAtClose; }));
    if (profile == sim::Profile::V1_12) {
        QCOMPARE(m.rest.session()->era(), AuthSession::Era::DrfJwt);
        QVERIFY(log.count(TokenAuth, 200, requestsAtClose) >= 1);
        QVERIFY(log.count(TokenAuth, 200) >= 3);
    } else {
        QVERIFY(log.count(TokenRefresh, 200, requestsAtClose) >= 1);
        QCOMPARE(log.count(TokenAuth, 0), 1); // the refresh token renews: never a second login
    }
    QVERIFY2(m.failures.isEmpty(), qPrintable(m.failures.value(0).second));
    QCOMPARE(m.conn.state(), State::Live);
}

// 10a. A password change ends the run on 1.21+ (force_disconnect → AuthExpired, no retries);
//      older eras have no force_disconnect and the socket stays.
void TestRealtime::passwordChange()
{
    const sim::Profile profile = currentProfile();
    const bool modern = profile == sim::Profile::V1_35;
    RequestLog log;
    auto server = startSimulator(simOptions(profile));
    QVERIFY(server);
    log.attach(*server);
    Monitor m(*server);
    Monitor kept(*server); // the tab the change came from (its id rides in WebSocketId)
    QVERIFY(m.start(*server));
    QVERIFY(kept.start(*server));
    QVERIFY(kept.subscribeActive(Page::table(21)));
    auto writer = restLogin(*server, server->email(), server->password());
    QVERIFY(writer);
    writer->setWebSocketId(kept.conn.webSocketId());
    writer->setSendWebSocketId(true);
    const quint64 mark = m.store.count(), keptMark = kept.store.count();

    const auto changed = await<void>([&](QObject* c, Callback<void> done) {
        writer->changePassword(server->password(), u"another-pw-1"_s, c, std::move(done));
    });
    QVERIFY2(changed.ok(), qPrintable(changed.error().message));
    if (modern) {
        QVERIFY(waitUntil([&] { return m.conn.state() == State::AuthExpired; }));
        QCOMPARE(m.failures.size(), 1);
        QCOMPARE(m.failures.first().first, Connection::Failure::AuthRefused);
        QVERIFY2(m.failures.first().second.contains(u"password"_s), qPrintable(m.failures.first().second));
        QCOMPARE(m.conn.failure(), Connection::Failure::AuthRefused);
        QCOMPARE(m.count("force_disconnect", mark), 1);
        // No reconnect loop: nothing scheduled, the socket closed, and it stays so for longer than
        // the backoff cap (the one deliberate wait for something that must not happen).
        QCOMPARE(m.conn.nextRetryInMs(), qint64(-1));
        QVERIFY(waitUntil([&] { return server->connectionCount() == 1; })); // only "kept" is left
        const qsizetype requests = log.entries.size();
        QSignalSpy opened(server.get(), &sim::Simulator::connectionOpened);
        QVERIFY(!opened.wait(int(fastOptions().backoff.capMs) + 200));
        QCOMPARE(m.conn.state(), State::AuthExpired);
        QCOMPARE(log.entries.size(), requests);
    } else {
        // The sentinel: a later event reaches the socket, with no force_disconnect before it.
        QVERIFY(renameTable(*writer, 21, u"After the change"_s).ok());
        QVERIFY(m.waitFor("table_updated", 1, mark, 21));
        QCOMPARE(m.count("force_disconnect"), 0);
        QCOMPARE(m.conn.state(), State::Live);
        QVERIFY(m.failures.isEmpty());
        QCOMPARE(m.conn.generation(), quint16(1));
    }
    // The socket named in WebSocketId is spared either way.
    server->collaboratorUpdateRow(21, 2);
    QVERIFY(kept.waitFor("rows_updated", 1, keptMark));
    QCOMPARE(kept.count("force_disconnect"), 0);
    QCOMPARE(kept.conn.state(), State::Live);
}

// 10b. A revoked refresh token (1.21+: token-blacklist) ends the run at the next renewal; the
//      older eras cannot revoke (1.15: no endpoint; 1.12: no refresh token at all).
void TestRealtime::revokedRefreshToken()
{
    const sim::Profile profile = currentProfile();
    sim::SimulatorOptions options = simOptions(profile);
    QVERIFY(addFault(options, u"expire-tokens=1"_s)); // renewals about every second
    RequestLog log;
    auto server = startSimulator(options);
    QVERIFY(server);
    log.attach(*server);
    Monitor m(*server);
    QVERIFY(m.start(*server));
    const qsizetype before = log.entries.size();
    const auto revoked = await<void>(
        [&](QObject* c, Callback<void> done) { m.rest.blacklistRefreshToken(c, std::move(done)); });

    if (profile == sim::Profile::V1_35) {
        QVERIFY2(revoked.ok(), qPrintable(revoked.error().message));
        QVERIFY(waitUntil([&] { return m.conn.state() == State::AuthExpired; }));
        QCOMPARE(m.failures.size(), 1);
        QCOMPARE(m.failures.first().first, Connection::Failure::AuthRefused);
        QVERIFY2(
            m.failures.first().second.contains(u"refresh token"_s), qPrintable(m.failures.first().second));
        QCOMPARE(log.count(TokenRefresh, 401, before), 1);
        // Nothing left to retry with and nothing scheduled.
        QVERIFY(!m.rest.session()->isAuthenticated());
        QCOMPARE(m.rest.session()->nextRefreshInMs(), qint64(-1));
        QCOMPARE(m.conn.nextRetryInMs(), qint64(-1));
        QVERIFY(waitUntil([&] { return server->connectionCount() == 0; }));
        const qsizetype requests = log.entries.size();
        QSignalSpy opened(server.get(), &sim::Simulator::connectionOpened);
        QVERIFY(!opened.wait(int(fastOptions().backoff.capMs) + 200));
        QCOMPARE(m.conn.state(), State::AuthExpired);
        QCOMPARE(log.entries.size(), requests);
        return;
    }
    QVERIFY(!revoked.ok());
    if (profile == sim::Profile::V1_15) {
        QCOMPARE(revoked.error().httpStatus, 404); // token-blacklist arrived in 1.21
    } else {
        QCOMPARE(revoked.error().kind, RestError::Kind::Auth); // drf-jwt has no refresh token
        QCOMPARE(log.count(u"/api/user/token-blacklist/"_s, 0), 0);
    }
    // The session keeps renewing and the run goes on.
    const QString renewal = profile == sim::Profile::V1_12 ? TokenAuth : TokenRefresh;
    QVERIFY(waitUntil([&] { return log.count(renewal, 200, before) >= 1; }));
    QCOMPARE(m.conn.state(), State::Live);
    QVERIFY(m.failures.isEmpty());
}

// 11. A stalled server (TCP open, nothing moves) is noticed by the ping timeout.
void TestRealtime::stallDetected()
{
    sim::SimulatorOptions options = simOptions(currentProfile());
    options.relayAll = true; // every socket runs through the relay stallAll() can freeze
    auto server = startSimulator(options);
    QVERIFY(server);
    Connection::Options o = fastOptions();
    o.pingIntervalMs = 400;
    o.pingTimeoutMs = 400;
    Monitor m(*server, o);
    QVERIFY(m.start(*server));
    QVERIFY(m.subscribeActive(Page::table(21)));
    QVERIFY(waitUntil([&] { return m.conn.counters().pongs >= 1; })); // pings pass the relay
    const qsizetype liveAt = m.states.size();

    QElapsedTimer timer;
    timer.start();
    server->stallAll();
    QVERIFY(waitUntil([&] { return m.conn.state() == State::Backoff; }));
    const qint64 noticedMs = timer.elapsed();
    // At most one interval until the next ping plus the timeout; allow as much again for load.
    QVERIFY2(noticedMs < 2 * (o.pingIntervalMs + o.pingTimeoutMs) + 400,
        qPrintable(u"noticed after %1 ms"_s.arg(noticedMs)));
    QVERIFY(m.conn.counters().pingTimeouts >= 1);
    const QString why = m.reasons.at(m.states.indexOf(State::Backoff, liveAt));
    QVERIFY2(why.contains(u"pong"_s), qPrintable(why));

    QVERIFY(waitUntil([&] { return m.conn.state() == State::Live && m.conn.generation() == 2; }));
    QVERIFY(m.sawState(State::Backoff, liveAt));
    QCOMPARE(m.conn.counters().reconnects, quint32(1));
    QVERIFY(m.waitSubscription(Page::table(21), SubscriptionState::Active));
    const quint64 mark = m.store.count();
    server->collaboratorUpdateRow(21, 6);
    QVERIFY(m.waitFor("rows_updated", 1, mark, 21));
    QCOMPARE(m.received("rows_updated", mark).first().rec.generation, quint16(2));
}

// 12. Malformed frames become error records and are counted; the connection never drops.
void TestRealtime::malformedFrames()
{
    sim::SimulatorOptions options = simOptions(currentProfile(), 60);
    QVERIFY(addFault(options, u"malformed=0.3"_s));
    auto server = startSimulator(options);
    QVERIFY(server);
    Monitor m(*server);
    QVERIFY(m.start(*server));
    QVERIFY(m.subscribeActive(Page::table(21)));

    const QList<ParseStatus> kinds {
        ParseStatus::InvalidJson, ParseStatus::BinaryFrame, ParseStatus::EmptyFrame};
    auto seen = [&](ParseStatus status) {
        for (quint64 i = 0; i < m.store.count(); ++i) {
            if (m.store.at(i).status() == status)
                return true;
        }
        return false;
    };
    QVERIFY(waitUntil(
        [&] {
            return m.conn.counters().malformedFrames >= 6 && seen(ParseStatus::InvalidJson)
                && seen(ParseStatus::BinaryFrame) && seen(ParseStatus::EmptyFrame);
        },
        20000));
    server->setRate(0);

    quint64 errors = 0, received = 0, okAfterError = 0;
    for (quint64 i = 0; i < m.store.count(); ++i) {
        const EventRecord& r = m.store.at(i);
        if (r.direction() != Direction::Received)
            continue;
        ++received;
        if (r.isError()) {
            QVERIFY2(kinds.contains(r.status()), qPrintable(QString::number(int(r.status()))));
            ++errors;
        } else if (errors > 0 && r.status() == ParseStatus::Ok) {
            ++okAfterError;
        }
    }
    const Connection::Counters c = m.conn.counters();
    QCOMPARE(c.malformedFrames, errors);
    QCOMPARE(c.framesReceived, received);
    QVERIFY2(okAfterError > 0, "frames after a malformed one are still read");
    QVERIFY(m.count("rows_updated") + m.count("rows_created") + m.count("rows_deleted") > 0);
    QCOMPARE(m.conn.state(), State::Live);
    QVERIFY(!m.sawState(State::Backoff));
    QCOMPARE(m.conn.generation(), quint16(1));
    QVERIFY(m.failures.isEmpty());
}

// 13. Every message type arrives only in the eras that have it.
void TestRealtime::featuresPerProfile()
{
    const sim::Profile profile = currentProfile();
    const bool modern = profile == sim::Profile::V1_35;
    const int version = sim::profileVersion(profile).code();
    auto server = startSimulator(simOptions(profile));
    QVERIFY(server);
    Monitor m(*server);
    QVERIFY(m.start(*server));
    QVERIFY(m.subscribeActive(Page::table(21)));
    if (modern)
        QVERIFY(m.subscribeActive(Page::row(21, 1))); // row pages: 1.21+ (rejected before, see test 5)

    // A row update: rows_updated on the table page everywhere, row_history_updated on the row page.
    const auto before = getRow(m.rest, 21, 1);
    QVERIFY(before.ok());
    const quint64 mark = m.store.count();
    QVERIFY(updateRow(m.rest, 21, 1, {{u"field_102"_s, u"314"_s}}).ok());
    QVERIFY(m.waitFor("rows_updated", 1, mark));
    if (modern) {
        QVERIFY(m.waitFor("row_history_updated", 1, mark));
        const Rec h = m.received("row_history_updated", mark).first();
        QCOMPARE(h.rec.tableId, quint32(21));
        QCOMPARE(h.rowIds, QList<quint32> {1});
        QCOMPARE(h.json.value("row_id"_L1).toInteger(), 1);
        const QJsonObject entry = h.json.value("row_history_entry"_L1).toObject();
        QCOMPARE(entry.value("before"_L1).toObject().value("field_102"_L1).toString(),
            before.value().value("field_102"_L1).toString());
        QCOMPARE(entry.value("after"_L1).toObject().value("field_102"_L1).toString(), u"314"_s);
    }

    // Traffic from the simulated collaborators.
    const quint64 trafficMark = m.store.count();
    server->setRate(100);
    QVERIFY(waitUntil([&] { return m.count("rows_updated", trafficMark) >= 30; }, 20000));
    server->setRate(0);

    QSet<QString> names;
    int rowsUpdated = 0;
    for (quint64 i = 0; i < m.store.count(); ++i) {
        const EventRecord& r = m.store.at(i);
        if (r.direction() != Direction::Received || r.status() != ParseStatus::Ok)
            continue;
        const QString name = TypeRegistry::instance().name(r.typeId);
        names.insert(name);
        const MessageTypeInfo* info = TypeRegistry::instance().info(r.typeId);
        QVERIFY2(info, qPrintable(name));
        QVERIFY2(info->since <= version && (info->until == 0 || version <= info->until),
            qPrintable(u"%1 is not in Baserow %2"_s.arg(name, sim::profileVersion(profile).toString())));
        if (r.hasFlag(RecordFlag::HashedIds))
            QVERIFY2(profile != sim::Profile::V1_12, qPrintable(name)); // hashed reorder ids: 1.14+
        if (r.typeId == KnownType::RowsUpdated) {
            ++rowsUpdated;
            const QJsonObject o = QJsonDocument::fromJson(m.store.payload(r).toByteArray()).object();
            QVERIFY2(o.contains("updated_field_ids"_L1) == modern, qPrintable(compact(o)));
        }
    }
    QVERIFY(rowsUpdated >= 31);
    QVERIFY(names.contains(u"rows_updated"_s));
    QCOMPARE(names.contains(u"row_history_updated"_s), modern);
    if (!modern)
        QVERIFY(!names.contains(u"force_disconnect"_s));
    if (profile == sim::Profile::V1_12)
        QVERIFY(!names.contains(u"row_orders_recalculated"_s));
    QCOMPARE(m.conn.state(), State::Live);
    QCOMPARE(m.conn.generation(), quint16(1));
}

QTEST_GUILESS_MAIN(TestRealtime)
#include "tst_realtime.moc"
