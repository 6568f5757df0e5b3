// SPDX-License-Identifier: MIT
// EventRates on records with controlled receive times.
#include "core/directory.h"
#include "core/eventrates.h"
#include "core/eventstore.h"
#include "core/ingest.h"
#include "core/messagetypes.h"

#include "directorytestdata.h"

#include <QTest>

#include <numeric>

using namespace bmon;

namespace {

constexpr qint64 kT0 = 1'767'225'600'000'000LL; // 2026-01-01T00:00:00Z, a whole second
constexpr qint64 kSecond = 1'000'000;

const QByteArray kRow21 = R"({"type": "rows_updated", "table_id": 21, "rows": [{"id": 1}]})";
const QByteArray kRow30 = R"({"type": "rows_updated", "table_id": 30, "rows": [{"id": 1}]})";
const QByteArray kField
    = R"({"type": "field_created", "field": {"id": 5, "table_id": 21, "database_id": 12, "workspace_id": 7}})";

} // namespace

class TestEventRates : public QObject
{
    Q_OBJECT

private slots:
    void counters();
    void rateOverWindow();
    void perIdRates();
    void seriesWithGaps();
    void boundedHistory();
    void nowMakesRatesFall();
    void directoryFillsScope();
    void outOfOrderRecords();
    void reset();
};

void TestEventRates::counters()
{
    EventStore store;
    Ingest ingest(store);
    EventRates rates;
    ingest.ingestUtf8(kRow21, Direction::Received, kT0);
    ingest.ingestUtf8(kRow21, Direction::Received, kT0 + 1);
    ingest.ingestUtf8(kField, Direction::Received, kT0 + 2);
    ingest.ingestUtf8("{broken", Direction::Received, kT0 + 3);
    ingest.ingestUtf8(R"({"type": "brand_new_type", "x": 1})", Direction::Received, kT0 + 4);
    ingest.ingestBinary(QByteArray(10, '\0'), Direction::Received, kT0 + 5);
    rates.consume(store);
    QCOMPARE(rates.consumed(), 6u);
    QCOMPARE(rates.total(), 6u);
    QCOMPARE(rates.totalBytes(), store.payloadBytes());
    QCOMPARE(rates.errors(), 2u);
    QCOMPARE(rates.unknownTypes(), 1u);
    QCOMPARE(rates.countForTable(21), 3u);
    QCOMPARE(rates.countForWorkspace(7), 1u); // only field_created names its workspace
    QCOMPARE(rates.countForApplication(12), 1u);
    QCOMPARE(rates.countForTable(99), 0u);
    QCOMPARE(rates.countForType(KnownType::RowsUpdated), 2u);
    QCOMPARE(rates.countForType(TypeRegistry::instance().findKnown("field_created")), 1u);

    // consume() only reads what is new.
    ingest.ingestUtf8(kRow21, Direction::Received, kT0 + 6);
    rates.consume(store);
    rates.consume(store);
    QCOMPARE(rates.total(), 7u);
    QCOMPARE(rates.countForTable(21), 4u);
}

void TestEventRates::rateOverWindow()
{
    EventStore store;
    Ingest ingest(store);
    EventRates rates;
    QCOMPARE(rates.rate(), 0.0);
    // 10 events per second for 20 s: one every 100 ms.
    for (int i = 0; i < 200; ++i)
        ingest.ingestUtf8(kRow21, Direction::Received, kT0 + i * 100'000);
    rates.consume(store);
    QCOMPARE(rates.rate(10), 10.0);
    QCOMPARE(rates.rate(1), 10.0);
    QCOMPARE(rates.rate(60), 200.0 / 60.0);
    // Then 50 per second for 2 s.
    for (int i = 0; i < 100; ++i)
        ingest.ingestUtf8(kRow21, Direction::Received, kT0 + 20 * kSecond + i * 20'000);
    rates.consume(store);
    QCOMPARE(rates.rate(2), 50.0);
    QCOMPARE(rates.rate(10), (8 * 10.0 + 2 * 50.0) / 10.0);
}

void TestEventRates::perIdRates()
{
    EventStore store;
    Ingest ingest(store);
    EventRates rates;
    for (int i = 0; i < 100; ++i) { // 10 s: 10/s on table 21, 5/s on table 30
        ingest.ingestUtf8(kRow21, Direction::Received, kT0 + i * 100'000);
        if (i % 2 == 0)
            ingest.ingestUtf8(kRow30, Direction::Received, kT0 + i * 100'000 + 1);
    }
    rates.consume(store);
    QCOMPARE(rates.rateForTable(21, 10), 10.0);
    QCOMPARE(rates.rateForTable(30, 10), 5.0);
    QCOMPARE(rates.rateForTable(31, 10), 0.0);
    QCOMPARE(rates.rate(10), 15.0);
    QCOMPARE(rates.rateForWorkspace(7), 0.0);
    QCOMPARE(rates.rateForApplication(12), 0.0);
}

void TestEventRates::seriesWithGaps()
{
    EventStore store;
    Ingest ingest(store);
    EventRates rates;
    ingest.ingestUtf8(kRow21, Direction::Received, kT0 + 500'000); // second 0: 1
    ingest.ingestUtf8(kRow21, Direction::Received, kT0 + 3 * kSecond); // second 3: 2
    ingest.ingestUtf8(kRow21, Direction::Received, kT0 + 3 * kSecond + 999'999);
    rates.consume(store);
    const qint64 s0 = kT0 / kSecond;
    QCOMPARE(rates.eventsPerSecond(5), (QList<quint32> {0, 1, 0, 0, 2}));
    QCOMPARE(rates.eventsPerSecond(3, s0 + 1), (QList<quint32> {0, 1, 0}));
    QCOMPARE(rates.eventsPerSecond(0), QList<quint32>());
    const quint64 size = quint64(kRow21.size());
    QCOMPARE(rates.bytesPerSecond(4), (QList<quint64> {size, 0, 0, 2 * size}));
}

void TestEventRates::boundedHistory()
{
    EventStore store;
    Ingest ingest(store);
    EventRates rates(10);
    ingest.ingestUtf8(kRow21, Direction::Received, kT0);
    ingest.ingestUtf8(kRow21, Direction::Received, kT0 + 30 * kSecond);
    rates.consume(store);
    // The first record is beyond the 10 s kept: counted, but no longer in the series.
    QCOMPARE(rates.total(), 2u);
    const QList<quint32> series = rates.eventsPerSecond(40);
    QCOMPARE(series.size(), 40);
    QCOMPARE(std::accumulate(series.begin(), series.end(), 0u), 1u);
    QCOMPARE(series.last(), 1u);
    // Windows are capped at what is kept.
    QVERIFY(rates.rate(1000) > 0);
}

void TestEventRates::nowMakesRatesFall()
{
    EventStore store;
    Ingest ingest(store);
    EventRates rates;
    for (int i = 0; i < 50; ++i)
        ingest.ingestUtf8(kRow21, Direction::Received, kT0 + i * 100'000);
    rates.consume(store);
    QCOMPARE(rates.rate(5), 10.0);
    rates.setNow(kT0 + 2 * kSecond); // earlier than the newest record: no effect
    QCOMPARE(rates.rate(5), 10.0);
    rates.setNow(kT0 + 7 * kSecond + 900'000); // silence after the last record: seconds 2..6 count
    QCOMPARE(rates.rate(5), 3 * 10.0 / 5.0);
    QCOMPARE(rates.rateForTable(21, 5), 3 * 10.0 / 5.0);
    rates.setNow(kT0 + 60 * kSecond);
    QCOMPARE(rates.rate(10), 0.0);
    QCOMPARE(rates.eventsPerSecond(3), (QList<quint32> {0, 0, 0}));
}

void TestEventRates::directoryFillsScope()
{
    Directory dir;
    testdata::loadAll(dir);
    EventStore store;
    Ingest ingest(store);
    EventRates rates;
    rates.setDirectory(&dir);
    for (int i = 0; i < 10; ++i)
        ingest.ingestUtf8(kRow21, Direction::Received, kT0 + i * 100'000);
    ingest.ingestUtf8(kRow30, Direction::Received, kT0);
    ingest.ingestUtf8(kField, Direction::Received, kT0);
    rates.consume(store);
    QCOMPARE(rates.countForTable(21), 11u);
    QCOMPARE(rates.countForApplication(12), 11u); // counted once each, also field_created
    QCOMPARE(rates.countForWorkspace(7), 11u);
    QCOMPARE(rates.countForWorkspace(9), 1u);
    QCOMPARE(rates.countForApplication(15), 1u);
    QVERIFY(rates.rateForWorkspace(7, 1) > 0);
}

void TestEventRates::outOfOrderRecords()
{
    // A sent frame may be stamped a little before the last received one.
    EventStore store;
    Ingest ingest(store);
    EventRates rates;
    ingest.ingestUtf8(kRow21, Direction::Received, kT0 + 5 * kSecond);
    ingest.ingestUtf8(R"({"page": "table", "table_id": 21})", Direction::Sent, kT0 + 4 * kSecond);
    rates.consume(store);
    QCOMPARE(rates.eventsPerSecond(2), (QList<quint32> {1, 1}));
}

void TestEventRates::reset()
{
    EventStore store;
    Ingest ingest(store);
    EventRates rates;
    ingest.ingestUtf8(kRow21, Direction::Received, kT0);
    rates.consume(store);
    rates.reset();
    QCOMPARE(rates.total(), 0u);
    QCOMPARE(rates.consumed(), 0u);
    QCOMPARE(rates.countForTable(21), 0u);
    QCOMPARE(rates.rate(), 0.0);
    rates.consume(store); // reads the store again from the start
    QCOMPARE(rates.total(), 1u);
}

QTEST_GUILESS_MAIN(TestEventRates)
#include "tst_eventrates.moc"
