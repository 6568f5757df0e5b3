// SPDX-License-Identifier: MIT
// The simulator's compare knobs on the wire: drop-type, duplicate-type and reorder-type against a
// real WebSocket client, and the silent-* out-of-band changes seen through REST with no frame.
#include "simtestutil.h"

#include "core/clock.h"
#include "sim/simulator.h"

#include <QRegularExpression>
#include <QScopeGuard>
#include <QTest>

using namespace bmon;
using namespace bmon::sim;
using namespace simtest;
using namespace Qt::StringLiterals;

namespace {

QList<FaultSpec> knobs(const QStringList& specs)
{
    QList<FaultSpec> out;
    for (const QString& s : specs) {
        QString error;
        const auto f = FaultSpec::parse(s, &error);
        if (!f)
            qFatal("bad knob %s: %s", qPrintable(s), qPrintable(error));
        out.append(*f);
    }
    return out;
}

int firstRowId(const QJsonObject& message)
{
    return message.value(u"rows"_s).toArray().at(0).toObject().value(u"id"_s).toInt();
}

//! "type:row" for every row event received, in arrival order.
QStringList rowEvents(const WsClient& c)
{
    QStringList out;
    for (const QJsonObject& m : c.messages) {
        const QString type = m.value(u"type"_s).toString();
        if (type == u"rows_created"_s || type == u"rows_updated"_s)
            out.append(u"%1:%2"_s.arg(type).arg(firstRowId(m)));
        else if (type == u"rows_deleted"_s)
            out.append(u"%1:%2"_s.arg(type).arg(m.value(u"row_ids"_s).toArray().at(0).toInt()));
    }
    return out;
}

QStringList descriptions(const QSignalSpy& spy, int connection)
{
    QStringList out;
    for (const QList<QVariant>& args : spy) {
        if (args.at(0).toInt() == connection)
            out.append(args.at(1).toString());
    }
    return out;
}

} // namespace

class TestSimTargeted : public QObject
{
    Q_OBJECT

    std::unique_ptr<Simulator> m_sim;
    QNetworkAccessManager m_nam;
    std::vector<std::unique_ptr<WsClient>> m_clients;
    std::unique_ptr<ManualClock> m_clock; // outlives the simulator that schedules on it

    ManualClock& manualClock()
    {
        m_clock = std::make_unique<ManualClock>();
        return *m_clock;
    }

    Simulator& start(SimulatorOptions options)
    {
        options.profile = Profile::V1_35;
        options.rate = 0;
        m_sim = std::make_unique<Simulator>(options);
        QString error;
        if (!m_sim->start(&error))
            qFatal("simulator did not start: %s", qPrintable(error));
        return *m_sim;
    }
    QUrl url(const QString& path) const { return m_sim->baseUrl().resolved(QUrl(path)); }
    WsClient& client(const QByteArray& jwt)
    {
        m_clients.push_back(std::make_unique<WsClient>());
        WsClient& c = *m_clients.back();
        c.open(*m_sim, jwt);
        c.waitAuth();
        return c;
    }
    static bool subscribe(WsClient& c, int tableId)
    {
        const int before = c.count(u"page_add"_s);
        c.send({{u"page"_s, u"table"_s}, {u"table_id"_s, tableId}});
        return QTest::qWaitFor([&]() { return c.count(u"page_add"_s) > before || c.closed; }, 10000)
            && !c.closed;
    }
    //! A control round trip: every broadcast sent before it has arrived once it returns.
    static bool sync(WsClient& c) { return subscribe(c, 22); }
    int patch(const QByteArray& jwt, int row, const QString& seats)
    {
        return http(m_nam, "PATCH", url(u"/api/database/rows/table/21/%1/"_s.arg(row)),
            json({{u"field_102"_s, seats}}), auth(jwt))
            .status;
    }
    HttpResult get(const QString& path, const QByteArray& jwt)
    {
        return http(m_nam, "GET", url(path), {}, auth(jwt));
    }
    QMap<int, QJsonObject> customers(const QByteArray& jwt)
    {
        QMap<int, QJsonObject> rows;
        const QJsonArray list
            = get(u"/api/database/rows/table/21/?size=200"_s, jwt).obj().value(u"results"_s).toArray();
        for (const QJsonValue& v : list)
            rows.insert(v.toObject().value(u"id"_s).toInt(), v.toObject());
        return rows;
    }

private slots:
    void cleanup()
    {
        m_clients.clear();
        m_sim.reset();
        m_clock.reset();
        m_nam.clearConnectionCache();
    }

    void duplicateType()
    {
        SimulatorOptions options;
        options.faults = knobs({u"duplicate-type=rows_updated@2"_s});
        Simulator& sim = start(options);
        QSignalSpy applied(&sim, &Simulator::faultApplied);
        const QByteArray jwt = login(m_nam, sim);
        WsClient& c = client(jwt);
        QVERIFY(subscribe(c, 21));
        for (int row = 1; row <= 3; ++row)
            QCOMPARE(patch(jwt, row, QString::number(100 + row)), 200);
        QVERIFY(sync(c));
        QCOMPARE(rowEvents(c),
            (QStringList {
                u"rows_updated:1"_s, u"rows_updated:2"_s, u"rows_updated:2"_s, u"rows_updated:3"_s}));
        // The very same frame twice in a row.
        QStringList frames;
        for (const QString& t : c.texts) {
            if (t.startsWith(u"{\"type\": \"rows_updated\""_s))
                frames.append(t);
        }
        QCOMPARE(frames.at(1), frames.at(2));
        QCOMPARE(descriptions(applied, 1), (QStringList {u"duplicated rows_updated #2 (duplicate-type)"_s}));
    }

    void reorderType()
    {
        SimulatorOptions options;
        options.faults = knobs({u"reorder-type=rows_updated@2"_s});
        Simulator& sim = start(options);
        QSignalSpy applied(&sim, &Simulator::faultApplied);
        const QByteArray jwt = login(m_nam, sim);
        WsClient& c = client(jwt);
        QVERIFY(subscribe(c, 21));
        for (int row = 1; row <= 3; ++row)
            QCOMPARE(patch(jwt, row, QString::number(100 + row)), 200);
        QVERIFY(sync(c));
        QCOMPARE(rowEvents(c), (QStringList {u"rows_updated:1"_s, u"rows_updated:3"_s, u"rows_updated:2"_s}));
        QCOMPARE(descriptions(applied, 1),
            (QStringList {u"held back rows_updated #2 until the next broadcast (reorder-type)"_s,
                u"delivered rows_updated #2 after rows_updated #3 (reorder-type)"_s}));
    }

    void reorderTypeAcrossTypes()
    {
        // A create held behind the update of another row: the update arrives first.
        SimulatorOptions options;
        options.faults = knobs({u"reorder-type=rows_created@1"_s});
        Simulator& sim = start(options);
        QSignalSpy applied(&sim, &Simulator::faultApplied);
        const QByteArray jwt = login(m_nam, sim);
        WsClient& c = client(jwt);
        QVERIFY(subscribe(c, 21));
        const HttpResult created = http(m_nam, "POST", url(u"/api/database/rows/table/21/"_s),
            json({{u"field_101"_s, u"Late Ltd"_s}}), auth(jwt));
        QCOMPARE(created.status, 200);
        const int id = created.obj().value(u"id"_s).toInt();
        QCOMPARE(patch(jwt, 5, u"55"_s), 200);
        QVERIFY(sync(c));
        QCOMPARE(rowEvents(c), (QStringList {u"rows_updated:5"_s, u"rows_created:%1"_s.arg(id)}));
        QCOMPARE(descriptions(applied, 1).last(),
            u"delivered rows_created #1 after rows_updated (reorder-type)"_s);
    }

    void reorderTypeReleasedWithoutSuccessor()
    {
        ManualClock& clock = manualClock();
        SimulatorOptions options;
        options.clock = &clock;
        options.faults = knobs({u"reorder-type=rows_updated@2"_s});
        Simulator& sim = start(options);
        QSignalSpy applied(&sim, &Simulator::faultApplied);
        const QByteArray jwt = login(m_nam, sim);
        WsClient& c = client(jwt);
        QVERIFY(subscribe(c, 21));
        QCOMPARE(patch(jwt, 1, u"11"_s), 200);
        QCOMPARE(patch(jwt, 2, u"12"_s), 200);
        QVERIFY(sync(c));
        QCOMPARE(rowEvents(c), (QStringList {u"rows_updated:1"_s}));
        clock.advance(999);
        QVERIFY(sync(c));
        QCOMPARE(rowEvents(c), (QStringList {u"rows_updated:1"_s}));
        clock.advance(1); // nothing followed within a second: it goes out anyway, nothing is lost
        QVERIFY(sync(c));
        QCOMPARE(rowEvents(c), (QStringList {u"rows_updated:1"_s, u"rows_updated:2"_s}));
        QCOMPARE(descriptions(applied, 1).last(),
            u"released rows_updated #2 after 1000 ms with no later broadcast (reorder-type)"_s);
    }

    void reorderTypeBackToBack()
    {
        // One frame is held at a time: #2 goes out when #3 takes its place, #3 after #4.
        SimulatorOptions options;
        options.faults = knobs({u"reorder-type=rows_updated@2"_s, u"reorder-type=rows_updated@3"_s});
        Simulator& sim = start(options);
        QSignalSpy applied(&sim, &Simulator::faultApplied);
        const QByteArray jwt = login(m_nam, sim);
        WsClient& c = client(jwt);
        QVERIFY(subscribe(c, 21));
        for (int row = 1; row <= 4; ++row)
            QCOMPARE(patch(jwt, row, QString::number(row)), 200);
        QVERIFY(sync(c));
        QCOMPARE(rowEvents(c),
            (QStringList {
                u"rows_updated:1"_s, u"rows_updated:2"_s, u"rows_updated:4"_s, u"rows_updated:3"_s}));
        QCOMPARE(descriptions(applied, 1),
            (QStringList {u"held back rows_updated #2 until the next broadcast (reorder-type)"_s,
                u"released rows_updated #2 as rows_updated #3 is held back in its place (reorder-type)"_s,
                u"held back rows_updated #3 until the next broadcast (reorder-type)"_s,
                u"delivered rows_updated #3 after rows_updated #4 (reorder-type)"_s}));
    }

    void dropTypeCountsPerConnection()
    {
        SimulatorOptions options;
        options.faults = knobs({u"drop-type=rows_updated@2"_s});
        Simulator& sim = start(options);
        QSignalSpy applied(&sim, &Simulator::faultApplied);
        const QByteArray jwt = login(m_nam, sim);
        WsClient& a = client(jwt);
        QVERIFY(subscribe(a, 21));
        QCOMPARE(patch(jwt, 1, u"1"_s), 200);
        QVERIFY(sync(a));
        WsClient& b = client(jwt); // its first rows_updated is the update of row 2
        QVERIFY(subscribe(b, 21));
        QVERIFY(subscribe(b, 23)); // control frames in between count for nothing
        QCOMPARE(patch(jwt, 2, u"2"_s), 200);
        QCOMPARE(patch(jwt, 3, u"3"_s), 200);
        QVERIFY(sync(a));
        QVERIFY(sync(b));
        QCOMPARE(rowEvents(a), (QStringList {u"rows_updated:1"_s, u"rows_updated:3"_s}));
        QCOMPARE(rowEvents(b), (QStringList {u"rows_updated:2"_s}));
        QCOMPARE(descriptions(applied, 1), (QStringList {u"dropped rows_updated #2 (drop-type)"_s}));
        QCOMPARE(descriptions(applied, 2), (QStringList {u"dropped rows_updated #2 (drop-type)"_s}));
    }

    void targetedKnobsCombine()
    {
        // One count per frame, whatever the number of knobs on the type; drop=0 draws but never
        // shifts the numbering.
        SimulatorOptions options;
        options.seed = 5;
        options.faults = knobs({u"drop-type=rows_updated@2"_s, u"duplicate-type=rows_updated@3"_s,
            u"reorder-type=rows_updated@4"_s, u"drop=0"_s, u"duplicate-type=rows_deleted@1"_s});
        Simulator& sim = start(options);
        QSignalSpy applied(&sim, &Simulator::faultApplied);
        const QByteArray jwt = login(m_nam, sim);
        WsClient& c = client(jwt);
        QVERIFY(subscribe(c, 21));
        for (int row = 1; row <= 5; ++row)
            QCOMPARE(patch(jwt, row, QString::number(row)), 200);
        QCOMPARE(http(m_nam, "DELETE", url(u"/api/database/rows/table/21/9/"_s), {}, auth(jwt)).status, 204);
        QVERIFY(sync(c));
        QCOMPARE(rowEvents(c),
            (QStringList {u"rows_updated:1"_s, u"rows_updated:3"_s, u"rows_updated:3"_s, u"rows_updated:5"_s,
                u"rows_updated:4"_s, u"rows_deleted:9"_s, u"rows_deleted:9"_s}));
        QCOMPARE(descriptions(applied, 1),
            (QStringList {u"dropped rows_updated #2 (drop-type)"_s,
                u"duplicated rows_updated #3 (duplicate-type)"_s,
                u"held back rows_updated #4 until the next broadcast (reorder-type)"_s,
                u"delivered rows_updated #4 after rows_updated #5 (reorder-type)"_s,
                u"duplicated rows_deleted #1 (duplicate-type)"_s}));
    }

    void silentUpdate()
    {
        auto run = [this](quint64 seed, QString* description) {
            ManualClock& clock = manualClock();
            const auto reset = qScopeGuard([this]() { cleanup(); });
            SimulatorOptions options;
            options.clock = &clock;
            options.seed = seed;
            options.faults = knobs({u"silent-update@5"_s});
            Simulator& sim = start(options);
            QSignalSpy applied(&sim, &Simulator::faultApplied);
            const QByteArray jwt = login(m_nam, sim);
            WsClient& c = client(jwt);
            QVERIFY(subscribe(c, 21));
            const QMap<int, QJsonObject> before = customers(jwt);
            QCOMPARE(before.size(), 120);
            clock.advance(4999);
            QCOMPARE(applied.count(), 0);
            clock.advance(1);
            QCOMPARE(applied.count(), 1);
            QCOMPARE(applied.at(0).at(0).toInt(), 0); // server-wide
            *description = applied.at(0).at(1).toString();
            static const QRegularExpression re(u"^silent-update: table 21 row (\\d+) (field_(\\d+))$"_s);
            const QRegularExpressionMatch m = re.match(*description);
            QVERIFY2(m.hasMatch(), qPrintable(*description));
            const int rowId = m.captured(1).toInt();
            const QString key = m.captured(2);
            QVERIFY(before.contains(rowId));
            QVERIFY(key != u"field_107"_s); // never the link field
            // REST serves the change: exactly that one cell differs, in GET row and in the list.
            const QJsonObject now = get(u"/api/database/rows/table/21/%1/"_s.arg(rowId), jwt).obj();
            QVERIFY(now.value(key) != before.value(rowId).value(key));
            QJsonObject expected = before.value(rowId);
            expected.insert(key, now.value(key));
            QCOMPARE(now, expected);
            const QMap<int, QJsonObject> after = customers(jwt);
            QCOMPARE(after.value(rowId), now);
            QCOMPARE(after.size(), 120);
            // No frame for it: the next broadcast on the page is the marker's.
            const int marker = rowId == 1 ? 2 : 1;
            QCOMPARE(patch(jwt, marker, u"77"_s), 200);
            QVERIFY(sync(c));
            QCOMPARE(rowEvents(c), (QStringList {u"rows_updated:%1"_s.arg(marker)}));
        };
        QString first, again, other;
        run(99, &first);
        run(99, &again);
        run(100, &other);
        QCOMPARE(again, first); // the run's seed picks the row, the field and the value
        QVERIFY(other != first);
    }

    void silentCreate()
    {
        ManualClock& clock = manualClock();
        SimulatorOptions options;
        options.clock = &clock;
        options.seed = 3;
        options.faults = knobs({u"silent-create@0.5"_s});
        Simulator& sim = start(options);
        QSignalSpy applied(&sim, &Simulator::faultApplied);
        const QByteArray jwt = login(m_nam, sim);
        WsClient& c = client(jwt);
        QVERIFY(subscribe(c, 21));
        clock.advance(500);
        QCOMPARE(applied.count(), 1);
        QCOMPARE(applied.at(0).at(0).toInt(), 0);
        QCOMPARE(applied.at(0).at(1).toString(), u"silent-create: table 21 row 121"_s);
        const HttpResult row = get(u"/api/database/rows/table/21/121/"_s, jwt);
        QCOMPARE(row.status, 200);
        QVERIFY(!row.obj().value(u"field_101"_s).toString().isEmpty()); // seeded values
        QCOMPARE(row.obj().value(u"field_107"_s).toArray(), QJsonArray());
        const QMap<int, QJsonObject> all = customers(jwt);
        QCOMPARE(all.size(), 121);
        QCOMPARE(all.lastKey(), 121);
        QCOMPARE(all.value(121), row.obj());
        // The next REST create takes the next id, and it is the only frame on the page.
        const HttpResult created = http(m_nam, "POST", url(u"/api/database/rows/table/21/"_s),
            json({{u"field_101"_s, u"Marker"_s}}), auth(jwt));
        QCOMPARE(created.obj().value(u"id"_s).toInt(), 122);
        QVERIFY(sync(c));
        QCOMPARE(rowEvents(c), (QStringList {u"rows_created:122"_s}));
    }

    void silentDelete()
    {
        ManualClock& clock = manualClock();
        SimulatorOptions options;
        options.clock = &clock;
        options.seed = 11;
        options.faults = knobs({u"silent-delete@2"_s});
        Simulator& sim = start(options);
        QSignalSpy applied(&sim, &Simulator::faultApplied);
        const QByteArray jwt = login(m_nam, sim);
        WsClient& c = client(jwt);
        QVERIFY(subscribe(c, 21));
        clock.advance(2000);
        QCOMPARE(applied.count(), 1);
        QCOMPARE(applied.at(0).at(0).toInt(), 0);
        static const QRegularExpression re(u"^silent-delete: table 21 row (\\d+)$"_s);
        const QRegularExpressionMatch m = re.match(applied.at(0).at(1).toString());
        QVERIFY2(m.hasMatch(), qPrintable(applied.at(0).at(1).toString()));
        const int rowId = m.captured(1).toInt();
        const HttpResult gone = get(u"/api/database/rows/table/21/%1/"_s.arg(rowId), jwt);
        QCOMPARE(gone.status, 404);
        QCOMPARE(gone.obj().value(u"error"_s).toString(), u"ERROR_ROW_DOES_NOT_EXIST"_s);
        const QMap<int, QJsonObject> all = customers(jwt);
        QCOMPARE(all.size(), 119);
        QVERIFY(!all.contains(rowId));
        const int marker = rowId == 1 ? 2 : 1;
        QCOMPARE(patch(jwt, marker, u"8"_s), 200);
        QVERIFY(sync(c));
        QCOMPARE(rowEvents(c), (QStringList {u"rows_updated:%1"_s.arg(marker)}));
    }

    void silentMethods()
    {
        Simulator& sim = start({});
        const QByteArray jwt = login(m_nam, sim);
        WsClient& c = client(jwt);
        QVERIFY(subscribe(c, 21));
        QCOMPARE(sim.silentlyCreateRow(99), 0);
        const qint64 id = sim.silentlyCreateRow(21);
        QCOMPARE(id, 121);
        QCOMPARE(get(u"/api/database/rows/table/21/121/"_s, jwt).status, 200);
        QVERIFY(sim.silentlyDeleteRow(21, id));
        QVERIFY(!sim.silentlyDeleteRow(21, id));
        QVERIFY(!sim.silentlyDeleteRow(99, 1));
        QCOMPARE(get(u"/api/database/rows/table/21/121/"_s, jwt).status, 404);
        // A customer with contacts: the contacts' side of the two-way link forgets it too.
        const QMap<int, QJsonObject> all = customers(jwt);
        int customer = 0, contact = 0;
        for (const QJsonObject& row : all) {
            const QJsonArray links = row.value(u"field_107"_s).toArray();
            if (!links.isEmpty()) {
                customer = row.value(u"id"_s).toInt();
                contact = links.at(0).toObject().value(u"id"_s).toInt();
                break;
            }
        }
        QVERIFY(customer > 0);
        QVERIFY(sim.silentlyDeleteRow(21, customer));
        const QJsonArray contactLinks = get(u"/api/database/rows/table/22/%1/"_s.arg(contact), jwt)
                                            .obj()
                                            .value(u"field_203"_s)
                                            .toArray();
        for (const QJsonValue& v : contactLinks)
            QVERIFY(v.toObject().value(u"id"_s).toInt() != customer);
        const int kept = customer == 2 ? 3 : 2;
        sim.silentlyUpdateCell(21, kept, 102, u"321"_s);
        QCOMPARE(
            get(u"/api/database/rows/table/21/%1/"_s.arg(kept), jwt).obj().value(u"field_102"_s).toString(),
            u"321"_s);
        QCOMPARE(patch(jwt, kept, u"5"_s), 200);
        QVERIFY(sync(c));
        QCOMPARE(rowEvents(c), (QStringList {u"rows_updated:%1"_s.arg(kept)}));
    }
};

QTEST_GUILESS_MAIN(TestSimTargeted)
#include "tst_simtargeted.moc"
