// SPDX-License-Identifier: MIT
// Reconnect schedules and the fake clock that tests run them in.
#include "core/backoff.h"
#include "core/clock.h"

#include <QTest>

using namespace bmon;

class TestBackoff : public QObject
{
    Q_OBJECT

private slots:
    void exponential_data();
    void exponential();
    void jitterStaysWithinCap();
    void officialClient();
    void manualClockFiresInOrder();
    void manualClockDropsTimersOfDeadContexts();
    void retryLoopInFakeTime();
};

void TestBackoff::exponential_data()
{
    QTest::addColumn<int>("attempt");
    QTest::addColumn<qint64>("expected");
    QTest::newRow("1") << 1 << qint64(250);
    QTest::newRow("2") << 2 << qint64(500);
    QTest::newRow("3") << 3 << qint64(1000);
    QTest::newRow("4") << 4 << qint64(2000);
    QTest::newRow("5") << 5 << qint64(4000);
    QTest::newRow("6 capped") << 6 << qint64(5000);
    QTest::newRow("1000 capped") << 1000 << qint64(5000);
}

void TestBackoff::exponential()
{
    QFETCH(int, attempt);
    QFETCH(qint64, expected);
    BackoffPolicy p;
    // unitRandom 0.5 is the middle of the jitter band: no jitter.
    QCOMPARE(p.delayMs(attempt, 0.5), expected);
}

void TestBackoff::jitterStaysWithinCap()
{
    BackoffPolicy p;
    QCOMPARE(p.delayMs(1, 0.0), qint64(200)); // −20 %
    QCOMPARE(p.delayMs(1, 1.0), qint64(300)); // +20 %
    for (int attempt = 1; attempt < 40; ++attempt)
        for (double r : {0.0, 0.3, 0.99, 1.0})
            QVERIFY(p.delayMs(attempt, r) <= p.capMs);
    p.maxAttempts = 3;
    QCOMPARE(p.delayMs(4, 0.5), qint64(-1));
}

void TestBackoff::officialClient()
{
    // PROTOCOL.md §7.1: first retry immediately, then every 5 s, give up after 10 attempts.
    const BackoffPolicy p = BackoffPolicy::officialClient();
    QCOMPARE(p.delayMs(1, 0.9), qint64(0));
    for (int attempt = 2; attempt <= 10; ++attempt)
        QCOMPARE(p.delayMs(attempt, 0.1), qint64(5000));
    QCOMPARE(p.delayMs(11, 0.5), qint64(-1));
}

void TestBackoff::manualClockFiresInOrder()
{
    ManualClock clock;
    QObject context;
    QList<int> fired;
    const qint64 startUs = clock.nowUs();
    clock.schedule(300, &context, [&] { fired << 300; });
    clock.schedule(100, &context, [&] {
        fired << 100;
        clock.schedule(50, &context, [&] { fired << 150; }); // scheduled from a callback
    });
    const auto cancelled = clock.schedule(200, &context, [&] { fired << 200; });
    clock.cancel(cancelled);
    QCOMPARE(clock.nextTimerInMs(), qint64(100));
    clock.advance(99);
    QVERIFY(fired.isEmpty());
    clock.advance(1000);
    QCOMPARE(fired, (QList<int> {100, 150, 300}));
    QCOMPARE(clock.monotonicMs(), qint64(1099));
    QCOMPARE(clock.nowUs() - startUs, qint64(1099000));
    QCOMPARE(clock.pendingTimers(), 0);
}

void TestBackoff::manualClockDropsTimersOfDeadContexts()
{
    ManualClock clock;
    bool fired = false;
    {
        QObject context;
        clock.schedule(10, &context, [&] { fired = true; });
    }
    clock.advance(100);
    QVERIFY(!fired);
}

// A retry loop driven only by the fake clock: the delays it waits are the policy's.
void TestBackoff::retryLoopInFakeTime()
{
    ManualClock clock;
    QObject context;
    BackoffPolicy p;
    p.jitter = 0;
    QList<qint64> attemptsAt;
    int attempt = 0;
    std::function<void()> tryConnect = [&] {
        attemptsAt << clock.monotonicMs();
        if (attemptsAt.size() < 8)
            clock.schedule(p.delayMs(++attempt, 0.5), &context, tryConnect);
    };
    tryConnect();
    clock.advance(60'000);
    QCOMPARE(attemptsAt, (QList<qint64> {0, 250, 750, 1750, 3750, 7750, 12750, 17750}));
}

QTEST_GUILESS_MAIN(TestBackoff)
#include "tst_backoff.moc"
