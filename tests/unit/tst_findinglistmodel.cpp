// SPDX-License-Identifier: MIT
// FindingListModel over the findings of a real TableMirror fed with snapshots and events.
#include "core/compare/tablemirror.h"
#include "models/findinglistmodel.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
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

QList<QJsonObject> customers()
{
    return {customer(1, QStringLiteral("Acme"), 12), customer(2, QStringLiteral("Globex"), 5),
        customer(3, QStringLiteral("Initech"), 40)};
}

QJsonObject rowsUpdated(const QJsonObject& row, const QJsonObject& before)
{
    return QJsonObject {{QStringLiteral("type"), QStringLiteral("rows_updated")},
        {QStringLiteral("table_id"), 21}, {QStringLiteral("rows"), QJsonArray {row}},
        {QStringLiteral("rows_before_update"), QJsonArray {before}},
        {QStringLiteral("metadata"), QJsonObject()}};
}

//! Confirms every suspicion with \a server's rows (absent = 404) as a comparer would: re-fetch
//! each row when its settle window has passed, again while the mirror asks for more.
void confirmAll(TableMirror& mirror, const QHash<qint64, QJsonObject>& server, qint64 now)
{
    for (int round = 0; round < 10 && mirror.pendingSuspicions() > 0; ++round, now += 2 * kSettle) {
        for (qint64 id : mirror.rowsToConfirm(now)) {
            const auto it = server.constFind(id);
            mirror.confirmRow(id, it == server.constEnd() ? std::nullopt : std::optional<QJsonObject>(*it),
                now, now + 1000);
        }
    }
}

QHash<qint64, QJsonObject> byId(const QList<QJsonObject>& rows)
{
    QHash<qint64, QJsonObject> out;
    for (const QJsonObject& r : rows)
        out.insert(r.value(QStringLiteral("id")).toInteger(), r);
    return out;
}

} // namespace

class TestFindingListModel : public QObject
{
    Q_OBJECT

private slots:
    void showsMirrorFindings();
    void extendsOrResets();
    void sortsThroughProxy();
};

void TestFindingListModel::showsMirrorFindings()
{
    TableMirror mirror(21, TableMirror::Options {kSettle, 64, 3});
    mirror.setFieldNames({{QStringLiteral("field_101"), QStringLiteral("Name")},
        {QStringLiteral("field_102"), QStringLiteral("Seats")}});
    mirror.beginSnapshot(kT0);
    mirror.completeSnapshot(customers(), kT0 + 1000);
    QCOMPARE(mirror.phase(), TableMirror::Phase::Live);

    // An update of a row the mirror never had: unknown_row_update.
    mirror.applyEvent(7, kT0 + 5'000'000,
        rowsUpdated(customer(9, QStringLiteral("Hooli"), 3), customer(9, QStringLiteral("Hooli"), 2)));
    // Row 2 changed behind the server's back, found by the second snapshot: missed_update.
    QList<QJsonObject> server = customers();
    server[1] = customer(2, QStringLiteral("Globex"), 999);
    server.append(customer(9, QStringLiteral("Hooli"), 3));
    mirror.beginSnapshot(kT0 + 6'000'000);
    mirror.completeSnapshot(server, kT0 + 6'100'000);
    confirmAll(mirror, byId(server), kT0 + 6'100'000 + 2 * kSettle);
    QCOMPARE(mirror.findings().size(), 2);

    FindingListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setUtcTimes(true);
    model.setFindings(mirror.findings());
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.columnCount(), int(FindingListModel::ColumnCount));
    QCOMPARE(
        model.headerData(FindingListModel::KindColumn, Qt::Horizontal).toString(), QStringLiteral("Kind"));

    const int unknown = model.rowOfRowId(9);
    const int missed = model.rowOfRowId(2);
    QVERIFY(unknown >= 0 && missed >= 0 && unknown != missed);
    QCOMPARE(model.rowOfRowId(3), -1);
    auto text = [&](int row, int column) { return model.index(row, column).data().toString(); };
    QCOMPARE(text(unknown, FindingListModel::KindColumn), QStringLiteral("unknown_row_update"));
    QCOMPARE(text(missed, FindingListModel::KindColumn), QStringLiteral("missed_update"));
    QCOMPARE(model.index(missed, 0).data(FindingListModel::KindRole).toInt(), int(FindingKind::MissedUpdate));
    QCOMPARE(model.index(missed, 0).data(FindingListModel::RowIdRole).toLongLong(), 2);
    QCOMPARE(text(missed, FindingListModel::RowColumn), QStringLiteral("2"));
    // Only Seats differs, and it is named.
    QCOMPARE(text(missed, FindingListModel::FieldsColumn), QStringLiteral("Seats"));
    // The unknown row's event is named by its seq and type.
    QVERIFY2(text(unknown, FindingListModel::EventsColumn).contains(QStringLiteral("#7 rows_updated")),
        qPrintable(text(unknown, FindingListModel::EventsColumn)));
    QVERIFY(!text(missed, FindingListModel::DetailColumn).isEmpty());
    // Detected at the snapshot (UTC), confirmed after the settle window.
    QCOMPARE(text(missed, FindingListModel::DetectedColumn), QStringLiteral("00:00:06.100"));
    QVERIFY(
        model.index(missed, FindingListModel::ConfirmedColumn).data(FindingListModel::SortRole).toLongLong()
        >= kT0 + 6'100'000 + kSettle);
    // The kind is coloured (a colour name here: no Qt Gui in this test), and explained.
    QCOMPARE(model.index(missed, 0).data(Qt::BackgroundRole).toString(),
        FindingListModel::kindColorName(FindingKind::MissedUpdate));
    QVERIFY(FindingListModel::kindColorName(FindingKind::MissedUpdate)
        != FindingListModel::kindColorName(FindingKind::UnknownRowUpdate));
    QCOMPARE(model.index(missed, 0).data(Qt::ToolTipRole).toString(),
        findingKindDescription(FindingKind::MissedUpdate));
    QVERIFY(!model.index(missed, FindingListModel::RowColumn).data(Qt::BackgroundRole).isValid());
}

void TestFindingListModel::extendsOrResets()
{
    FindingListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    auto finding = [](FindingKind kind, qint64 row, qint64 t) {
        Finding f;
        f.kind = kind;
        f.tableId = 21;
        f.rowId = row;
        f.detectedUs = t;
        f.confirmedUs = t + kSettle;
        f.fields.append(FieldDelta {
            QStringLiteral("field_105"), QString(), QJsonValue(QStringLiteral("a")), std::nullopt});
        return f;
    };
    QList<Finding> list {finding(FindingKind::MissedCreate, 4, kT0)};
    model.setFindings(list);
    list.append(finding(FindingKind::MissedDelete, 5, kT0 + 10));
    list.append(finding(FindingKind::OutOfOrder, 6, kT0 + 20));
    model.setFindings(list);
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(inserted.count(), 2); // the first, then the two new ones at once
    QCOMPARE(inserted.last().at(1).toInt(), 1);
    QCOMPARE(inserted.last().at(2).toInt(), 2);
    QCOMPARE(reset.count(), 0);
    model.setFindings(list); // nothing new: nothing happens
    QCOMPARE(inserted.count(), 2);

    // Names come from the model when the delta has none.
    QCOMPARE(model.index(0, FindingListModel::FieldsColumn).data().toString(), QStringLiteral("field_105"));
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.setFieldNames({{QStringLiteral("field_105"), QStringLiteral("Notes")}});
    QCOMPARE(changed.count(), 1);
    QCOMPARE(model.index(0, FindingListModel::FieldsColumn).data().toString(), QStringLiteral("Notes"));

    // Cleared findings (a new list): a reset.
    list.removeFirst();
    model.setFindings(list);
    QCOMPARE(reset.count(), 1);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(0, 0).data().toString(), QStringLiteral("missed_delete"));
    model.append(finding(FindingKind::DuplicateCreate, 7, kT0 + 30));
    QCOMPARE(model.index(2, 0).data().toString(), QStringLiteral("duplicate_create"));
    model.clear();
    QCOMPARE(model.rowCount(), 0);
}

void TestFindingListModel::sortsThroughProxy()
{
    FindingListModel model;
    QList<Finding> list;
    for (qint64 row : {30, 4, 200}) {
        Finding f;
        f.kind = row == 4 ? FindingKind::StaleBeforeImage : FindingKind::MissedUpdate;
        f.rowId = row;
        f.detectedUs = kT0 + row;
        list.append(f);
    }
    model.setFindings(list);
    QSortFilterProxyModel proxy;
    proxy.setSourceModel(&model);
    proxy.setSortRole(FindingListModel::SortRole);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    proxy.sort(FindingListModel::RowColumn, Qt::AscendingOrder);
    // Numerically: 4, 30, 200 (as text, "200" would sort before "30").
    QCOMPARE(proxy.index(0, FindingListModel::RowColumn).data().toString(), QStringLiteral("4"));
    QCOMPARE(proxy.index(1, FindingListModel::RowColumn).data().toString(), QStringLiteral("30"));
    QCOMPARE(proxy.index(2, FindingListModel::RowColumn).data().toString(), QStringLiteral("200"));
    proxy.sort(FindingListModel::KindColumn, Qt::AscendingOrder);
    QCOMPARE(proxy.index(2, 0).data().toString(), QStringLiteral("stale_before_image"));
    QCOMPARE(proxy.index(2, 0).data(FindingListModel::IndexRole).toInt(), 1);
}

QTEST_GUILESS_MAIN(TestFindingListModel)
#include "tst_findinglistmodel.moc"
