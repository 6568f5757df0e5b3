// SPDX-License-Identifier: MIT
// RowTimelineModel over a real TableMirror's per-row timeline.
#include "core/compare/tablemirror.h"
#include "core/eventformat.h"
#include "models/rowtimelinemodel.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

using namespace bmon;

namespace {

constexpr qint64 kT0 = 1'767'225'600'000'000LL; // 2026-01-01T00:00:00Z
constexpr qint64 kSettle = 1'000'000;

QJsonObject customer(qint64 id, const QString& name, int seats)
{
    return QJsonObject {{QStringLiteral("id"), id},
        {QStringLiteral("order"), QStringLiteral("%1.00000000000000000000").arg(id)},
        {QStringLiteral("field_101"), name}, {QStringLiteral("field_102"), seats}};
}

QJsonObject rowsUpdated(const QJsonObject& row, const QJsonObject& before)
{
    return QJsonObject {{QStringLiteral("type"), QStringLiteral("rows_updated")},
        {QStringLiteral("table_id"), 21}, {QStringLiteral("rows"), QJsonArray {row}},
        {QStringLiteral("rows_before_update"), QJsonArray {before}},
        {QStringLiteral("metadata"), QJsonObject()}};
}

int firstOfKind(const RowTimelineModel& model, TimelineEntry::Kind kind, int from = 0)
{
    for (int r = from; r < model.rowCount(); ++r) {
        if (model.index(r, 0).data(RowTimelineModel::KindRole).toInt() == int(kind))
            return r;
    }
    return -1;
}

} // namespace

class TestRowTimelineModel : public QObject
{
    Q_OBJECT

private slots:
    void showsMirrorTimeline();
    void growsOrResets();
    void valueText();
};

void TestRowTimelineModel::showsMirrorTimeline()
{
    TableMirror mirror(21, TableMirror::Options {kSettle, 64, 3});
    mirror.beginSnapshot(kT0);
    mirror.completeSnapshot(
        {customer(1, QStringLiteral("Acme"), 12), customer(2, QStringLiteral("Globex"), 5)}, kT0 + 1000);
    // A collaborator edits row 1 (12 → 14); later the server has 999 with no event: missed_update.
    mirror.applyEvent(42, kT0 + 3'000'000,
        rowsUpdated(customer(1, QStringLiteral("Acme"), 14), customer(1, QStringLiteral("Acme"), 12)));
    mirror.beginSnapshot(kT0 + 10'000'000);
    mirror.completeSnapshot(
        {customer(1, QStringLiteral("Acme"), 999), customer(2, QStringLiteral("Globex"), 5)},
        kT0 + 10'001'000);
    // Re-fetch the row as a comparer would, until the mirror has decided.
    qint64 later = kT0 + 10'001'000 + 2 * kSettle;
    for (int round = 0; round < 10 && mirror.pendingSuspicions() > 0; ++round, later += 2 * kSettle) {
        for (qint64 id : mirror.rowsToConfirm(later)) {
            QCOMPARE(id, 1);
            mirror.confirmRow(id, customer(1, QStringLiteral("Acme"), 999), later, later + 500);
        }
    }
    QCOMPARE(mirror.findings().size(), 1);

    RowTimelineModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setUtcTimes(true);
    model.setFieldNames({{QStringLiteral("field_101"), QStringLiteral("Name")},
        {QStringLiteral("field_102"), QStringLiteral("Seats")}});
    const QList<TimelineEntry> entries = mirror.timeline(1);
    model.setTimeline(1, entries);
    QCOMPARE(model.rowId(), 1);
    QCOMPARE(model.rowCount(), int(entries.size()));
    QCOMPARE(model.columnCount(), int(RowTimelineModel::ColumnCount));
    QCOMPARE(model.headerData(RowTimelineModel::ValuesColumn, Qt::Horizontal).toString(),
        QStringLiteral("Values"));

    // In order: the first snapshot, the event, the second snapshot or re-fetch, the finding.
    const int snapshot = firstOfKind(model, TimelineEntry::Kind::Snapshot);
    const int event = firstOfKind(model, TimelineEntry::Kind::Event);
    const int finding = firstOfKind(model, TimelineEntry::Kind::Finding);
    QVERIFY2(snapshot == 0 && event > snapshot && finding > event,
        qPrintable(QStringLiteral("%1 %2 %3").arg(snapshot).arg(event).arg(finding)));
    for (int r = 1; r < model.rowCount(); ++r)
        QVERIFY(model.index(r, 0).data(RowTimelineModel::TimeUsRole).toLongLong()
            >= model.index(r - 1, 0).data(RowTimelineModel::TimeUsRole).toLongLong());

    auto text = [&](int row, int column) { return model.index(row, column).data().toString(); };
    QCOMPARE(text(snapshot, RowTimelineModel::TimeColumn),
        EventFormat::clockTime(
            model.index(snapshot, 0).data(RowTimelineModel::TimeUsRole).toLongLong(), true));
    QCOMPARE(text(snapshot, RowTimelineModel::SeqColumn), QString());
    // The first step shows the whole row, by field name.
    QVERIFY2(text(snapshot, RowTimelineModel::ValuesColumn).contains(QStringLiteral("Seats=12")),
        qPrintable(text(snapshot, RowTimelineModel::ValuesColumn)));
    QVERIFY(text(snapshot, RowTimelineModel::ValuesColumn).contains(QStringLiteral("Name=Acme")));
    // The event: its seq, its type, and what it changed.
    QCOMPARE(text(event, RowTimelineModel::SeqColumn), QStringLiteral("42"));
    QVERIFY2(text(event, RowTimelineModel::WhatColumn).contains(QStringLiteral("rows_updated")),
        qPrintable(text(event, RowTimelineModel::WhatColumn)));
    QCOMPARE(text(event, RowTimelineModel::ValuesColumn), QStringLiteral("Seats: 12 → 14"));
    QCOMPARE(model.index(event, 0)
                 .data(RowTimelineModel::ValuesRole)
                 .toJsonObject()
                 .value(QStringLiteral("field_102"))
                 .toInt(),
        14);
    QVERIFY(model.index(event, RowTimelineModel::ValuesColumn)
                .data(Qt::ToolTipRole)
                .toString()
                .contains(QStringLiteral("Name: Acme")));
    // The finding names its kind, coloured.
    QVERIFY2(text(finding, RowTimelineModel::WhatColumn).contains(QStringLiteral("missed_update")),
        qPrintable(text(finding, RowTimelineModel::WhatColumn)));
    QVERIFY(model.index(finding, RowTimelineModel::WhatColumn).data(Qt::BackgroundRole).isValid());
    QVERIFY(!model.index(event, RowTimelineModel::WhatColumn).data(Qt::BackgroundRole).isValid());
    // Somewhere after the event the server's 999 shows up as a change.
    bool saw999 = false;
    for (int r = event + 1; r < model.rowCount(); ++r)
        saw999 = saw999 || text(r, RowTimelineModel::ValuesColumn).contains(QStringLiteral("→ 999"));
    QVERIFY(saw999);
}

void TestRowTimelineModel::growsOrResets()
{
    TableMirror mirror(21, TableMirror::Options {kSettle, 64, 3});
    mirror.beginSnapshot(kT0);
    mirror.completeSnapshot(
        {customer(1, QStringLiteral("Acme"), 12), customer(2, QStringLiteral("Globex"), 5)}, kT0 + 1000);
    RowTimelineModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setTimeline(1, mirror.timeline(1));
    const int before = model.rowCount();
    QVERIFY(before >= 1);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    mirror.applyEvent(43, kT0 + 2'000'000,
        rowsUpdated(customer(1, QStringLiteral("Acme"), 13), customer(1, QStringLiteral("Acme"), 12)));
    model.setTimeline(1, mirror.timeline(1)); // the same row, grown: only the new step is inserted
    QCOMPARE(model.rowCount(), before + 1);
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(reset.count(), 0);
    model.setTimeline(1, mirror.timeline(1));
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(model.index(before, RowTimelineModel::ValuesColumn).data().toString(),
        QStringLiteral("field_102: 12 → 13"));

    model.setTimeline(2, mirror.timeline(2)); // another row: a reset
    QCOMPARE(reset.count(), 1);
    QCOMPARE(model.rowId(), 2);
    // A row the mirror never had has an empty timeline.
    model.setTimeline(77, mirror.timeline(77));
    QCOMPARE(model.rowCount(), 0);
    model.clear();
    QCOMPARE(model.rowId(), 0);

    // Hand-made steps: an absent row, and a step that changes nothing.
    TimelineEntry a;
    a.kind = TimelineEntry::Kind::Rest;
    a.timeUs = kT0;
    a.what = QStringLiteral("PATCH (WebSocketId)");
    a.values = customer(5, QStringLiteral("X"), 1);
    TimelineEntry b = a;
    b.timeUs = kT0 + 1;
    b.kind = TimelineEntry::Kind::Refetch;
    b.what.clear();
    TimelineEntry c = b;
    c.timeUs = kT0 + 2;
    c.kind = TimelineEntry::Kind::Snapshot;
    c.values.reset();
    model.setTimeline(5, {a, b, c});
    QCOMPARE(model.index(0, RowTimelineModel::WhatColumn).data().toString(),
        QStringLiteral("REST: PATCH (WebSocketId)"));
    QCOMPARE(model.index(1, RowTimelineModel::WhatColumn).data().toString(), QStringLiteral("Re-fetch"));
    QCOMPARE(model.index(1, RowTimelineModel::ValuesColumn).data().toString(), QStringLiteral("no change"));
    QCOMPARE(
        model.index(2, RowTimelineModel::ValuesColumn).data().toString(), QStringLiteral("(row absent)"));
    QVERIFY(!model.index(2, 0).data(RowTimelineModel::ValuesRole).isValid());
}

void TestRowTimelineModel::valueText()
{
    QCOMPARE(RowTimelineModel::valueText(QJsonValue(QStringLiteral("1.50"))), QStringLiteral("1.50"));
    QCOMPARE(RowTimelineModel::valueText(QJsonValue(12)), QStringLiteral("12"));
    QCOMPARE(RowTimelineModel::valueText(QJsonValue(1.5)), QStringLiteral("1.5"));
    QCOMPARE(RowTimelineModel::valueText(QJsonValue(true)), QStringLiteral("true"));
    QCOMPARE(RowTimelineModel::valueText(QJsonValue(QJsonValue::Null)), QStringLiteral("null"));
    QCOMPARE(RowTimelineModel::valueText(
                 QJsonObject {{QStringLiteral("id"), 3}, {QStringLiteral("value"), QStringLiteral("Gold")}}),
        QStringLiteral("{\"id\":3,\"value\":\"Gold\"}"));
}

QTEST_GUILESS_MAIN(TestRowTimelineModel)
#include "tst_rowtimelinemodel.moc"
