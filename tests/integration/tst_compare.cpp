// SPDX-License-Identifier: MIT
// Compare (issue 4) end to end: the real client library (Connection, RestClient, TableComparer,
// EchoProbe) and the real baserow-monitor-cli against the real simulator on 127.0.0.1:0.
//
// - Every finding kind from a deterministic scenario: the simulator's generator is off (rate 0),
//   the test makes the REST writes itself as Alice (another user, so the monitor's socket gets
//   every broadcast) and the targeted fault knobs (drop-type, duplicate-type, reorder-type) or
//   the out-of-band hooks (silentlyUpdateCell/CreateRow/DeleteRow) cause exactly one divergence;
//   the test asserts its kind, row and events.
// - A clean busy run per profile: the generator at a high rate, every table compared at once,
//   concurrent writes while snapshots page, periodic re-snapshots: zero findings.
// - A reconnect (closeAll) re-snapshots; the echo probe shows WebSocketId sender exclusion.
// - The CLI: exit 0 with an empty findings list, 3 with a silent change listed, 2 for a bad table.
//
// Waiting: every signal that may change a condition beats one Pulse and waitUntil() re-checks on
// each beat. Absence of further findings is shown by TableComparer::isSettled(): nothing pending,
// nothing in flight, so nothing more can be reported without a new event.
#include "clirunner.h"
#include "core/compare/finding.h"
#include "core/eventstore.h"
#include "core/messagetypes.h"
#include "net/connection.h"
#include "net/echoprobe.h"
#include "net/page.h"
#include "net/restclient.h"
#include "net/tablecomparer.h"
#include "sim/faultspec.h"
#include "sim/profile.h"
#include "sim/simulator.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <functional>
#include <memory>
#include <optional>

using namespace bmon;
using namespace Qt::StringLiterals;

namespace {

constexpr int Wait = 15000;
constexpr qint64 kTable = 21; // CRM → Customers
const QString Alice = u"alice@example.com"_s;
const QString AlicePassword = u"alice-password"_s;

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
        spy.wait(int(qMin<qint64>(left, 200)));
    }
    return true;
}

template<class T>
Result<T> await(const std::function<void(QObject*, Callback<T>)>& start)
{
    std::optional<Result<T>> out;
    QObject context;
    start(&context, [&out](const Result<T>& r) {
        out.emplace(r);
        beat();
    });
    if (!waitUntil([&out] { return out.has_value(); })) {
        RestError e;
        e.kind = RestError::Kind::Timeout;
        e.message = u"no answer"_s;
        return e;
    }
    return *out;
}

QString fieldKey(int id)
{
    return u"field_%1"_s.arg(id);
}

sim::SimulatorOptions simOptions(sim::Profile profile, double rate = 0)
{
    sim::SimulatorOptions o;
    o.profile = profile;
    o.rate = rate;
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
    QObject::connect(server.get(), &sim::Simulator::requestHandled, &Pulse::instance(), &Pulse::beat);
    QObject::connect(server.get(), &sim::Simulator::connectionOpened, &Pulse::instance(), &Pulse::beat);
    QObject::connect(server.get(), &sim::Simulator::connectionClosed, &Pulse::instance(), &Pulse::beat);
    QString error;
    if (!server->start(&error)) {
        qWarning().noquote() << error;
        return nullptr;
    }
    return server;
}

Connection::Options fastOptions()
{
    Connection::Options o;
    o.backoff.initialMs = 100;
    o.backoff.capMs = 500;
    o.pingIntervalMs = 0;
    o.pageAddTimeoutMs = 1000;
    o.jitterSeed = 42;
    return o;
}

TableComparer::Options compareOptions()
{
    TableComparer::Options o;
    o.settleMs = 250;
    o.minSnapshotGapMs = 0;
    return o;
}

//! A logged-in REST client without a socket: "another user" making writes.
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

//! One monitor (REST client, store, connection) and its comparers.
class Monitor
{
public:
    explicit Monitor(const sim::Simulator& server, Clock* clock = nullptr)
        : clock(clock), rest(server.baseUrl()), conn(&rest, &store, fastOptions(), clock)
    {
        QObject::connect(&conn, &Connection::stateChanged, &Pulse::instance(), &Pulse::beat);
        QObject::connect(&conn, &Connection::eventsAppended, &Pulse::instance(), &Pulse::beat);
        QObject::connect(&conn, &Connection::subscriptionChanged, &Pulse::instance(), &Pulse::beat);
    }
    ~Monitor() { comparers.clear(); }

    bool start(const QString& email, const QString& password)
    {
        conn.start(email, password);
        return waitUntil([this] {
            return conn.state() == Connection::State::Live || conn.state() == Connection::State::Stopped;
        }) && conn.state() == Connection::State::Live;
    }

    TableComparer* compare(qint64 table, const TableComparer::Options& options = compareOptions())
    {
        auto c = std::make_unique<TableComparer>(&conn, &rest, &store, table, options, clock);
        QObject::connect(c.get(), &TableComparer::statusChanged, &Pulse::instance(), &Pulse::beat);
        QObject::connect(c.get(), &TableComparer::mirrorChanged, &Pulse::instance(), &Pulse::beat);
        QObject::connect(c.get(), &TableComparer::snapshotFinished, &Pulse::instance(), &Pulse::beat);
        QObject::connect(c.get(), &TableComparer::findingAdded, &Pulse::instance(), &Pulse::beat);
        c->start();
        comparers.push_back(std::move(c));
        return comparers.back().get();
    }

    //! Store sequence numbers of received events of \a type naming \a rowId, from \a from on.
    QList<quint64> seqs(const char* type, qint64 rowId, quint64 from = 0) const
    {
        QList<quint64> out;
        const quint16 id = TypeRegistry::instance().intern(type);
        for (quint64 i = from; i < store.count(); ++i) {
            const EventRecord& r = store.at(i);
            if (r.direction() != Direction::Received || r.typeId != id)
                continue;
            for (quint32 row : store.rowIds(r)) {
                if (row == quint32(rowId))
                    out << r.seq;
            }
        }
        return out;
    }

    Clock* clock = nullptr;
    RestClient rest;
    EventStore store;
    Connection conn;
    std::vector<std::unique_ptr<TableComparer>> comparers;
};

bool inSync(const TableComparer* c)
{
    return c->status() == TableComparer::Status::InSync && c->isSettled();
}

QString describe(const TableComparer* c)
{
    QStringList lines {c->statusText()};
    for (const Finding& f : c->mirror().findings())
        lines << QString::fromUtf8(QJsonDocument(f.toJson()).toJson(QJsonDocument::Compact));
    return lines.join(u'\n');
}

QList<quint64> eventSeqs(const Finding& f)
{
    QList<quint64> out;
    for (const EventRef& e : f.events)
        out << e.seq;
    return out;
}

using testcli::cliPath;

} // namespace

class TestCompare : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void dropCreateThenUpdate();
    void dropCreateThenSnapshot();
    void dropCreateThenDelete();
    void dropUpdateThenUpdate();
    void dropUpdateThenSnapshot();
    void dropDelete();
    void duplicateCreate();
    void reorderUpdates();
    void silentChanges_data();
    void silentChanges();
    void reconnectResnapshots();
    void cleanBusyRun_data();
    void cleanBusyRun();
    void echoProbe();
    void cliCleanRun();
    void cliSilentChange();
    void cliBadTable();

private:
    //! Simulator + monitor (the demo member) comparing table 21 + Alice's REST client, in sync.
    struct Scenario
    {
        ManualClock clock; //!< the monitor's: settle windows pass when the test says so
        std::unique_ptr<sim::Simulator> server;
        std::unique_ptr<Monitor> monitor;
        std::unique_ptr<RestClient> alice;
        TableComparer* comparer = nullptr;
    };
    bool setUp(Scenario& s, const QStringList& faults, sim::Profile profile = sim::Profile::V1_35);
    //! Waits until the comparer has exactly one finding and nothing more can come.
    std::optional<Finding> oneFinding(Scenario& s);

    Result<QJsonObject> update(RestClient& rest, qint64 row, const QJsonObject& values)
    {
        return await<QJsonObject>([&](QObject* c, Callback<QJsonObject> done) {
            rest.updateRow(kTable, row, values, c, std::move(done));
        });
    }
    Result<QJsonObject> create(RestClient& rest, const QJsonObject& values)
    {
        return await<QJsonObject>([&](QObject* c, Callback<QJsonObject> done) {
            rest.createRow(kTable, values, c, std::move(done));
        });
    }
    Result<void> remove(RestClient& rest, qint64 row)
    {
        return await<void>(
            [&](QObject* c, Callback<void> done) { rest.deleteRow(kTable, row, c, std::move(done)); });
    }

    QTemporaryDir m_dir;
};

void TestCompare::initTestCase()
{
    QVERIFY(m_dir.isValid());
}

bool TestCompare::setUp(Scenario& s, const QStringList& faults, sim::Profile profile)
{
    auto options = simOptions(profile);
    for (const QString& f : faults) {
        if (!addFault(options, f))
            return false;
    }
    s.server = startSimulator(options);
    if (!s.server)
        return false;
    s.monitor = std::make_unique<Monitor>(*s.server, &s.clock);
    if (!s.monitor->start(s.server->email(), s.server->password()))
        return false;
    s.comparer = s.monitor->compare(kTable);
    if (!waitUntil([&] { return inSync(s.comparer); })) {
        qWarning().noquote() << "not in sync:" << describe(s.comparer);
        return false;
    }
    // Past the snapshot's settle window: what follows is no race with it.
    s.clock.advance(compareOptions().settleMs + 1);
    s.alice = restLogin(*s.server, Alice, AlicePassword);
    return s.alice != nullptr;
}

std::optional<Finding> TestCompare::oneFinding(Scenario& s)
{
    // Lets each settle window pass as soon as a suspicion waits for it.
    auto settled = [&] {
        const qint64 next = s.comparer->mirror().nextConfirmUs();
        if (next >= 0)
            s.clock.advance(qMax<qint64>(1, (next - s.clock.nowUs() + 999) / 1000));
        else
            s.clock.advance(20); // backoff after a reconnect runs on this clock too
        return s.comparer->findingCount() >= 1 && s.comparer->isSettled();
    };
    if (!waitUntil(settled)) {
        qWarning().noquote() << "no finding:" << describe(s.comparer);
        return std::nullopt;
    }
    if (s.comparer->findingCount() != 1) {
        qWarning().noquote() << "findings:" << describe(s.comparer);
        return std::nullopt;
    }
    return s.comparer->mirror().findings().first();
}

// drop-type=rows_created@1: the row's creation never arrives; its next update names a row the
// mirror does not have.
void TestCompare::dropCreateThenUpdate()
{
    Scenario s;
    QVERIFY(setUp(s, {u"drop-type=rows_created@1"_s}));
    const auto created = create(*s.alice, {{fieldKey(101), u"Dropped Ltd"_s}});
    QVERIFY(created);
    const qint64 row = created->value(u"id"_s).toInteger();
    QVERIFY(update(*s.alice, row, {{fieldKey(102), 7}}));
    QVERIFY(waitUntil([&] { return !s.monitor->seqs("rows_updated", row).isEmpty(); }));
    const auto f = oneFinding(s);
    QVERIFY(f);
    QCOMPARE(findingKindName(f->kind), u"unknown_row_update"_s);
    QCOMPARE(f->rowId, row);
    QCOMPARE(f->tableId, kTable);
    QVERIFY(s.monitor->seqs("rows_created", row).isEmpty());
    QCOMPARE(eventSeqs(*f), s.monitor->seqs("rows_updated", row));
    QCOMPARE(s.comparer->status(), TableComparer::Status::Diverged);
}

// drop-type=rows_created@1, then a snapshot: the server has a row no event created.
void TestCompare::dropCreateThenSnapshot()
{
    Scenario s;
    QVERIFY(setUp(s, {u"drop-type=rows_created@1"_s}));
    const auto created = create(*s.alice, {{fieldKey(101), u"Dropped Ltd"_s}});
    QVERIFY(created);
    const qint64 row = created->value(u"id"_s).toInteger();
    s.comparer->resnapshot(u"test"_s);
    const auto f = oneFinding(s);
    QVERIFY(f);
    QCOMPARE(findingKindName(f->kind), u"missed_create"_s);
    QCOMPARE(f->rowId, row);
    QCOMPARE(s.comparer->mirror().snapshotCount(), 2);
}

// drop-type=rows_created@1, then the row is deleted: a delete of a row the mirror never had.
void TestCompare::dropCreateThenDelete()
{
    Scenario s;
    QVERIFY(setUp(s, {u"drop-type=rows_created@1"_s}));
    const auto created = create(*s.alice, {{fieldKey(101), u"Short-lived"_s}});
    QVERIFY(created);
    const qint64 row = created->value(u"id"_s).toInteger();
    QVERIFY(remove(*s.alice, row));
    QVERIFY(waitUntil([&] { return !s.monitor->seqs("rows_deleted", row).isEmpty(); }));
    const auto f = oneFinding(s);
    QVERIFY(f);
    QCOMPARE(findingKindName(f->kind), u"unknown_row_delete"_s);
    QCOMPARE(f->rowId, row);
    QCOMPARE(eventSeqs(*f), s.monitor->seqs("rows_deleted", row));
}

// drop-type=rows_updated@1, then another update of the row: its before image shows the lost one.
void TestCompare::dropUpdateThenUpdate()
{
    Scenario s;
    QVERIFY(setUp(s, {u"drop-type=rows_updated@1"_s}));
    const qint64 row = 5;
    const QJsonValue before = s.comparer->mirror().row(row)->value(fieldKey(102));
    QVERIFY(update(*s.alice, row, {{fieldKey(102), 401}}));
    QVERIFY(update(*s.alice, row, {{fieldKey(105), u"second change"_s}}));
    QVERIFY(waitUntil([&] { return !s.monitor->seqs("rows_updated", row).isEmpty(); }));
    const auto f = oneFinding(s);
    QVERIFY(f);
    QCOMPARE(findingKindName(f->kind), u"stale_before_image"_s);
    QCOMPARE(f->rowId, row);
    QVERIFY2(eventSeqs(*f).contains(s.monitor->seqs("rows_updated", row).first()),
        qPrintable(describe(s.comparer)));
    // The lost value shows up in the field deltas: the mirror had the old seats, the server 401.
    bool seats = false;
    for (const FieldDelta& d : f->fields) {
        if (d.key == fieldKey(102)) {
            seats = true;
            QVERIFY(d.expected && baserowValuesEqual(*d.expected, before));
            QVERIFY(d.actual && baserowValuesEqual(*d.actual, QJsonValue(401)));
        }
    }
    QVERIFY2(seats, qPrintable(describe(s.comparer)));
}

// drop-type=rows_updated@1, then a snapshot: the row differs with no event explaining it.
void TestCompare::dropUpdateThenSnapshot()
{
    Scenario s;
    QVERIFY(setUp(s, {u"drop-type=rows_updated@1"_s}));
    const qint64 row = 6;
    QVERIFY(update(*s.alice, row, {{fieldKey(102), 402}}));
    s.comparer->resnapshot(u"test"_s);
    const auto f = oneFinding(s);
    QVERIFY(f);
    QCOMPARE(findingKindName(f->kind), u"missed_update"_s);
    QCOMPARE(f->rowId, row);
    QCOMPARE(f->fields.size(), 1);
    QCOMPARE(f->fields.first().key, fieldKey(102));
    QCOMPARE(f->fields.first().name, u"Seats"_s);
    QVERIFY(f->fields.first().actual && baserowValuesEqual(*f->fields.first().actual, QJsonValue(402)));
}

// drop-type=rows_deleted@1, then a snapshot: the server no longer has a row no event deleted.
void TestCompare::dropDelete()
{
    Scenario s;
    QVERIFY(setUp(s, {u"drop-type=rows_deleted@1"_s}));
    const qint64 row = 7;
    QVERIFY(remove(*s.alice, row));
    s.comparer->resnapshot(u"test"_s);
    const auto f = oneFinding(s);
    QVERIFY(f);
    QCOMPARE(findingKindName(f->kind), u"missed_delete"_s);
    QCOMPARE(f->rowId, row);
    QVERIFY(s.monitor->seqs("rows_deleted", row).isEmpty());
}

// duplicate-type=rows_created@1: the creation arrives twice.
void TestCompare::duplicateCreate()
{
    Scenario s;
    QVERIFY(setUp(s, {u"duplicate-type=rows_created@1"_s}));
    const auto created = create(*s.alice, {{fieldKey(101), u"Twice Inc"_s}});
    QVERIFY(created);
    const qint64 row = created->value(u"id"_s).toInteger();
    QVERIFY(waitUntil([&] { return s.monitor->seqs("rows_created", row).size() == 2; }));
    const auto f = oneFinding(s);
    QVERIFY(f);
    QCOMPARE(findingKindName(f->kind), u"duplicate_create"_s);
    QCOMPARE(f->rowId, row);
    QVERIFY(eventSeqs(*f).contains(s.monitor->seqs("rows_created", row).last()));
}

// reorder-type=rows_updated@1: two quick updates of one row arrive in the opposite order.
void TestCompare::reorderUpdates()
{
    Scenario s;
    QVERIFY(setUp(s, {u"reorder-type=rows_updated@1"_s}));
    const qint64 row = 9;
    QVERIFY(update(*s.alice, row, {{fieldKey(105), u"first"_s}}));
    QVERIFY(update(*s.alice, row, {{fieldKey(105), u"second"_s}}));
    QVERIFY(waitUntil([&] { return s.monitor->seqs("rows_updated", row).size() == 2; }));
    const auto f = oneFinding(s);
    QVERIFY(f);
    QCOMPARE(findingKindName(f->kind), u"out_of_order"_s);
    QCOMPARE(f->rowId, row);
    // The late one ("first") arrived second.
    QVERIFY(eventSeqs(*f).contains(s.monitor->seqs("rows_updated", row).last()));
    // The newer value stays: the late event is not applied over it.
    QCOMPARE(s.comparer->mirror().row(row)->value(fieldKey(105)).toString(), u"second"_s);
}

void TestCompare::silentChanges_data()
{
    QTest::addColumn<QString>("profile");
    QTest::addColumn<QString>("change");
    for (const char* p : {"1.12", "1.15", "1.35"}) {
        for (const char* c : {"update", "create", "delete"})
            QTest::newRow(qPrintable(u"%1 %2"_s.arg(QLatin1String(p), QLatin1String(c))))
                << QString::fromLatin1(p) << QString::fromLatin1(c);
    }
}

// Changes behind the server's back (no broadcast at all) show up as missed_* at the next snapshot.
void TestCompare::silentChanges()
{
    QFETCH(QString, profile);
    QFETCH(QString, change);
    Scenario s;
    QVERIFY(setUp(s, {}, *sim::parseProfile(profile)));
    qint64 row = 0;
    QString kind;
    if (change == u"update"_s) {
        row = 3;
        s.server->silentlyUpdateCell(int(kTable), int(row), 102, u"999"_s);
        kind = u"missed_update"_s;
    } else if (change == u"create"_s) {
        row = s.server->silentlyCreateRow(int(kTable));
        QVERIFY(row > 0);
        kind = u"missed_create"_s;
    } else {
        row = 4;
        QVERIFY(s.server->silentlyDeleteRow(int(kTable), row));
        kind = u"missed_delete"_s;
    }
    const quint64 storeBefore = s.monitor->store.count();
    s.comparer->resnapshot(u"test"_s);
    const auto f = oneFinding(s);
    QVERIFY(f);
    QCOMPARE(findingKindName(f->kind), kind);
    QCOMPARE(f->rowId, row);
    QVERIFY(s.monitor->seqs("rows_updated", row, storeBefore).isEmpty());
    if (change == u"update"_s) {
        QCOMPARE(f->fields.size(), 1);
        QCOMPARE(f->fields.first().key, fieldKey(102));
        QVERIFY(f->fields.first().actual && baserowValuesEqual(*f->fields.first().actual, QJsonValue(999)));
    }
    // Reported once: the mirror adopts the server's row, the next snapshot finds nothing new.
    s.comparer->resnapshot(u"again"_s);
    QVERIFY(waitUntil([&] { return s.comparer->mirror().snapshotCount() == 3 && s.comparer->isSettled(); }));
    QCOMPARE(s.comparer->findingCount(), 1);
    // The report names it.
    const QJsonObject report = s.comparer->report();
    QCOMPARE(report.value(u"findings"_s).toArray().size(), 1);
    QCOMPARE(report.value(u"findings"_s).toArray().first().toObject().value(u"kind"_s).toString(), kind);
    QCOMPARE(report.value(u"table_id"_s).toInteger(), kTable);
    QCOMPARE(report.value(u"table_name"_s).toString(), u"Customers"_s);
    QVERIFY(!report.value(u"server"_s).toString().contains(u"jwt"_s));
}

// The connection drops: after it is live again with the page active, the table is fetched again.
void TestCompare::reconnectResnapshots()
{
    Scenario s;
    QVERIFY(setUp(s, {}));
    QCOMPARE(s.comparer->mirror().snapshotCount(), 1);
    const quint16 generation = s.monitor->conn.generation();
    s.server->closeAll(1011, u"restart"_s);
    QVERIFY(waitUntil([&] {
        s.clock.advance(20); // the backoff runs on the monitor's clock
        return s.monitor->conn.generation() > generation && s.comparer->mirror().snapshotCount() == 2
            && inSync(s.comparer);
    }));
    QCOMPARE(s.comparer->findingCount(), 0);
    // A change made while nobody listened is what the re-snapshot is for.
    s.server->closeAll(1011, u"restart"_s);
    QVERIFY(waitUntil([&] { return s.monitor->conn.state() != Connection::State::Live; }));
    QVERIFY(update(*s.alice, 11, {{fieldKey(102), 311}}));
    const auto f = oneFinding(s);
    QVERIFY(f);
    QCOMPARE(findingKindName(f->kind), u"missed_update"_s);
    QCOMPARE(f->rowId, 11);
    QCOMPARE(s.comparer->mirror().snapshotCount(), 3);
}

void TestCompare::cleanBusyRun_data()
{
    QTest::addColumn<QString>("profile");
    for (const char* p : {"1.12", "1.15", "1.35"})
        QTest::newRow(p) << QString::fromLatin1(p);
}

// Every table compared at once (one connection per table: single-page servers hold one page per
// socket) while the generator runs fast, the test writes while Customers' snapshot pages and
// snapshots repeat. Link cells are not compared (their other side changes with no event).
void TestCompare::cleanBusyRun()
{
    QFETCH(QString, profile);
    auto options = simOptions(*sim::parseProfile(profile), 2500);
    options.customerRows = 2000; // table 21's snapshot pages ten times while rows change
    auto server = startSimulator(options);
    QVERIFY(server);
    const QList<qint64> tables {21, 22, 23, 31, 32};
    std::vector<std::unique_ptr<Monitor>> monitors;
    QList<TableComparer*> comparers;
    TableComparer::Options co;
    co.settleMs = 400;
    co.resnapshotEveryMs = 1500;
    co.minSnapshotGapMs = 500;
    for (qint64 table : tables) {
        monitors.push_back(std::make_unique<Monitor>(*server));
        QVERIFY(monitors.back()->start(server->email(), server->password()));
        comparers << monitors.back()->compare(table, co);
    }
    auto alice = restLogin(*server, Alice, AlicePassword);
    QVERIFY(alice);
    // Writes while table 21's snapshot pages.
    int writesDuringSnapshots = 0;
    int writesInFlight = 0;
    QObject context;
    QObject::connect(
        comparers.first(), &TableComparer::snapshotProgress, &context, [&](qint64 fetched, qint64 total) {
            if (fetched >= total || writesInFlight > 2)
                return;
            ++writesInFlight;
            const qint64 row = 1 + (writesDuringSnapshots * 37) % 1500;
            alice->updateRow(kTable, row, {{fieldKey(102), writesDuringSnapshots}}, &context,
                [&](const Result<QJsonObject>& r) {
                    --writesInFlight;
                    if (r)
                        ++writesDuringSnapshots;
                    beat();
                });
        });
    auto eventsSeen = [&] {
        quint64 n = 0;
        for (TableComparer* c : std::as_const(comparers))
            n += c->eventsSeen();
        return n;
    };
    QElapsedTimer timer;
    timer.start();
    QVERIFY2(waitUntil([&] { return eventsSeen() >= 10000; }, 40000),
        qPrintable(u"events seen: %1"_s.arg(eventsSeen())));
    server->setRate(0);
    for (TableComparer* c : std::as_const(comparers)) {
        const int before = c->mirror().snapshotCount();
        c->resnapshot(u"final"_s);
        QVERIFY(waitUntil([&] { return c->mirror().snapshotCount() > before && c->isSettled(); }));
    }
    QVERIFY(waitUntil([&] { return writesInFlight == 0; }));
    int snapshots = 0;
    for (TableComparer* c : std::as_const(comparers)) {
        if (c->findingCount() != 0)
            qWarning().noquote() << "table" << c->tableId() << describe(c);
        QCOMPARE(c->findingCount(), 0);
        QVERIFY(c->status() == TableComparer::Status::InSync
            || c->status() == TableComparer::Status::Snapshotting);
        QVERIFY(c->mirror().snapshotCount() >= 3);
        snapshots += c->mirror().snapshotCount();
    }
    QVERIFY(writesDuringSnapshots > 0);
    qInfo().noquote() << profile << ":" << eventsSeen() << "events," << snapshots << "snapshots,"
                      << writesDuringSnapshots << "writes during snapshots in" << timer.elapsed() << "ms";
}

// The echo probe on a cell: with WebSocketId the writer's own socket is skipped, without it
// every socket gets the event; the cell ends as it was.
void TestCompare::echoProbe()
{
    auto server = startSimulator(simOptions(sim::Profile::V1_35));
    QVERIFY(server);
    Monitor demo(*server);
    Monitor alice(*server);
    QVERIFY(demo.start(server->email(), server->password()));
    QVERIFY(alice.start(Alice, AlicePassword));
    demo.conn.subscribe(Page::table(kTable));
    alice.conn.subscribe(Page::table(kTable));
    auto active = [](const Monitor& m) {
        const auto subs = m.conn.subscriptions();
        return !subs.isEmpty() && subs.first().state == SubscriptionState::Active;
    };
    QVERIFY(waitUntil([&] { return active(demo) && active(alice); }));
    const qint64 row = 2;
    const auto original = await<QJsonObject>(
        [&](QObject* c, Callback<QJsonObject> done) { demo.rest.getRow(kTable, row, c, std::move(done)); });
    QVERIFY(original);

    EchoProbe probe(
        &demo.rest, {{u"demo"_s, &demo.conn, &demo.store}, {u"alice"_s, &alice.conn, &alice.store}}, 0);
    QSignalSpy finished(&probe, &EchoProbe::finished);
    EchoProbe::Options o;
    o.mode = EchoProbe::Mode::Cell;
    o.tableId = kTable;
    o.rowId = row;
    o.fieldId = 105;
    o.timeoutMs = 5000;
    probe.run(o);
    QVERIFY(finished.wait(30000));
    QCOMPARE(finished.first().first().toBool(), true);
    const QList<EchoProbe::Step> steps = probe.steps();
    QCOMPARE(steps.size(), 4);
    for (int i = 0; i < 4; ++i) {
        const EchoProbe::Step& step = steps.at(i);
        QVERIFY2(step.error.isEmpty(), qPrintable(step.error));
        QCOMPARE(step.withWebSocketId, i < 2);
        QCOMPARE(step.deliveries.size(), 2);
        const EchoProbe::Delivery& writer = step.deliveries.at(0);
        const EchoProbe::Delivery& other = step.deliveries.at(1);
        QVERIFY(writer.isWriter);
        QVERIFY(!other.isWriter);
        QCOMPARE(writer.received, !step.withWebSocketId);
        QVERIFY(other.received);
        QVERIFY(other.latencyMs >= 0);
        QCOMPARE(other.type, u"rows_updated"_s);
        if (writer.received)
            QVERIFY(writer.latencyMs >= 0);
        QVERIFY(step.restMs >= 0);
    }
    const auto after = await<QJsonObject>(
        [&](QObject* c, Callback<QJsonObject> done) { demo.rest.getRow(kTable, row, c, std::move(done)); });
    QVERIFY(after);
    QCOMPARE(after->value(fieldKey(105)), original->value(fieldKey(105)));
}

namespace {

struct CliRun
{
    int exitCode = -1;
    QByteArray out, err;
};

} // namespace

static CliRun runCli(QProcess& p, int timeoutMs = 60000)
{
    CliRun r;
    QSignalSpy finished(&p, &QProcess::finished);
    if (p.state() != QProcess::NotRunning && !finished.wait(timeoutMs)) {
        p.kill();
        finished.wait(5000);
    }
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

static QStringList compareArgs(
    const sim::Simulator& server, const QString& passwordFile, const QStringList& more)
{
    return QStringList {u"compare"_s, u"--server"_s, server.baseUrl().toString(), u"--email"_s,
               server.email(), u"--password-file"_s, passwordFile}
    + more;
}

void TestCompare::cliCleanRun()
{
    auto server = startSimulator(simOptions(sim::Profile::V1_35, 40));
    QVERIFY(server);
    QFile pw(m_dir.filePath(u"pw"_s));
    QVERIFY(pw.open(QIODevice::WriteOnly));
    pw.write(server->password().toUtf8() + '\n');
    pw.close();
    const QString report = m_dir.filePath(u"clean.json"_s);
    QProcess p;
    p.start(cliPath(),
        compareArgs(*server, pw.fileName(),
            {u"--table=21"_s, u"--duration=4"_s, u"--resnapshot-every=1"_s, u"--min-snapshot-gap=0.5"_s,
                u"--settle=0.3"_s, u"--report"_s, report}));
    const CliRun r = runCli(p);
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY(r.out.isEmpty());
    QFile f(report);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray bytes = f.readAll();
    const QJsonObject o = QJsonDocument::fromJson(bytes).object();
    QVERIFY(o.value(u"findings"_s).isArray());
    QCOMPARE(o.value(u"findings"_s).toArray().size(), 0);
    QCOMPARE(o.value(u"table_id"_s).toInteger(), 21);
    QCOMPARE(o.value(u"table_name"_s).toString(), u"Customers"_s); // resolved after the login
    QCOMPARE(o.value(u"in_sync"_s).toBool(), true);
    QVERIFY(o.value(u"snapshots"_s).toInt() >= 2);
    QVERIFY(o.value(u"events_seen"_s).toInt() > 0);
    QVERIFY(!bytes.contains(server->password().toUtf8()));
    QVERIFY(!bytes.contains("jwt_token"));
    QVERIFY(!bytes.contains("JWT "));
}

void TestCompare::cliSilentChange()
{
    auto server = startSimulator(simOptions(sim::Profile::V1_15, 0));
    QVERIFY(server);
    const QString report = m_dir.filePath(u"diverged.json"_s);
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"BASEROW_PASSWORD"_s, server->password());
    p.setProcessEnvironment(env);
    p.start(cliPath(),
        QStringList {u"compare"_s, u"--server"_s, server->baseUrl().toString(), u"--email"_s, server->email(),
            u"--table=21"_s, u"--duration=5"_s, u"--resnapshot-every=1"_s, u"--min-snapshot-gap=0.5"_s,
            u"--settle=0.3"_s, u"--format=jsonl"_s, u"--report"_s, report});
    // After the first snapshot, change a cell behind the server's back.
    QByteArray err;
    QVERIFY(waitUntil(
        [&] {
            p.waitForReadyRead(0);
            err += p.readAllStandardError();
            return err.contains("snapshot 1") || p.state() == QProcess::NotRunning;
        },
        20000));
    QVERIFY2(err.contains("snapshot 1"), err.constData());
    server->silentlyUpdateCell(21, 8, 102, u"4242"_s);
    const CliRun r = runCli(p);
    QVERIFY2(r.exitCode == 3, QByteArray(err + r.err).constData());
    const QList<QByteArray> lines = r.out.trimmed().split('\n');
    QCOMPARE(lines.size(), 1);
    const QJsonObject line = QJsonDocument::fromJson(lines.first()).object();
    QCOMPARE(line.value(u"kind"_s).toString(), u"missed_update"_s);
    QCOMPARE(line.value(u"row_id"_s).toInteger(), 8);
    QFile f(report);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
    const QJsonArray findings = o.value(u"findings"_s).toArray();
    QCOMPARE(findings.size(), 1);
    const QJsonObject item = findings.first().toObject();
    QCOMPARE(item.value(u"kind"_s).toString(), u"missed_update"_s);
    QCOMPARE(item.value(u"row_id"_s).toInteger(), 8);
    QCOMPARE(item.value(u"fields"_s).toArray().first().toObject().value(u"key"_s).toString(), fieldKey(102));
    QCOMPARE(o.value(u"in_sync"_s).toBool(), false);
    QCOMPARE(o.value(u"exit_code"_s).toInt(), 3);
}

void TestCompare::cliBadTable()
{
    auto server = startSimulator(simOptions(sim::Profile::V1_35, 0));
    QVERIFY(server);
    const QString report = m_dir.filePath(u"bad.json"_s);
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"BASEROW_PASSWORD"_s, server->password());
    p.setProcessEnvironment(env);
    p.start(cliPath(),
        QStringList {u"compare"_s, u"--server"_s, server->baseUrl().toString(), u"--email"_s, server->email(),
            u"--table=9999"_s, u"--duration=20"_s, u"--report"_s, report});
    const CliRun r = runCli(p);
    QVERIFY2(r.exitCode == 2, r.err.constData());
    QVERIFY(r.err.contains("9999"));
    QVERIFY(!QFile::exists(report));
}

QTEST_GUILESS_MAIN(TestCompare)
#include "tst_compare.moc"
