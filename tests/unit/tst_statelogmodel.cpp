// SPDX-License-Identifier: MIT
#include "models/statelogmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace bmon;

namespace {
constexpr qint64 kT0 = 1'767'225'600'000'000LL; // 2026-01-01T00:00:00Z
}

class TestStateLogModel : public QObject
{
    Q_OBJECT

private slots:
    void appendsAndMeasures();
    void boundedDropsOldest();
    void utcTimes();
};

void TestStateLogModel::appendsAndMeasures()
{
    StateLogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.columnCount(), int(StateLogModel::ColumnCount));
    QCOMPARE(
        model.headerData(StateLogModel::StateColumn, Qt::Horizontal).toString(), QStringLiteral("State"));
    model.setUtcTimes(true);
    model.append(kT0, QStringLiteral("Connecting"), QStringLiteral("start"));
    model.append(kT0 + 250'000, QStringLiteral("Authenticating"), QString());
    model.append(kT0 + 12'750'000, QStringLiteral("Live"), QString());
    model.append(
        kT0 + 12'750'000 + 125 * 1'000'000LL, QStringLiteral("Reconnecting"), QStringLiteral("1006"));
    model.append(kT0 + 2 * 3'600'000'000LL, QStringLiteral("Live"), QString());
    QCOMPARE(model.rowCount(), 5);
    const auto text = [&](int row, int column) { return model.index(row, column).data().toString(); };
    QCOMPARE(text(0, StateLogModel::TimeColumn), QStringLiteral("00:00:00.000"));
    QCOMPARE(text(1, StateLogModel::TimeColumn), QStringLiteral("00:00:00.250"));
    QCOMPARE(text(0, StateLogModel::StateColumn), QStringLiteral("Connecting"));
    QCOMPARE(text(0, StateLogModel::ReasonColumn), QStringLiteral("start"));
    QCOMPARE(text(3, StateLogModel::ReasonColumn), QStringLiteral("1006"));
    // Time spent in the previous state.
    QCOMPARE(text(0, StateLogModel::DurationColumn), QString());
    QCOMPARE(text(1, StateLogModel::DurationColumn), QStringLiteral("250 ms"));
    QCOMPARE(text(2, StateLogModel::DurationColumn), QStringLiteral("12.5 s"));
    QCOMPARE(text(3, StateLogModel::DurationColumn), QStringLiteral("2 min 5 s"));
    QCOMPARE(text(4, StateLogModel::DurationColumn), QStringLiteral("1 h 57 min"));
    model.clear();
    QCOMPARE(model.rowCount(), 0);
}

void TestStateLogModel::boundedDropsOldest()
{
    StateLogModel model(3);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    for (int i = 0; i < 5; ++i)
        model.append(kT0 + i * 1'000'000LL, QStringLiteral("S%1").arg(i), QString());
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(removed.count(), 2);
    QCOMPARE(model.index(0, StateLogModel::StateColumn).data().toString(), QStringLiteral("S2"));
    // The first row still knows how long its predecessor lasted.
    QCOMPARE(model.index(0, StateLogModel::DurationColumn).data().toString(), QStringLiteral("1.0 s"));
    QCOMPARE(model.maxEntries(), 3);
}

void TestStateLogModel::utcTimes()
{
    StateLogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.append(kT0, QStringLiteral("Live"), QString());
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.setUtcTimes(true);
    model.setUtcTimes(true);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(model.index(0, 0).data().toString(), QStringLiteral("00:00:00.000"));
}

QTEST_GUILESS_MAIN(TestStateLogModel)
#include "tst_statelogmodel.moc"
