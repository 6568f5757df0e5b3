// SPDX-License-Identifier: MIT
// The Compare tab against the real Session and simulator: in sync, a change behind the server's
// back found as missed_update with its values side by side, the JSON export, the echo probe
// dialog, and the main window's "Compare with server" wiring with its desktop notification.
// Set BMON_GRAB_DIR to save screenshots of the page and the dialog there (to look at them).
#include "pagetesthelpers.h"

#include "comparepage.h"
#include "echoprobedialog.h"
#include "mainwindow.h"
#include "memorysecretstore.h"
#include "models/findinglistmodel.h"
#include "models/rowtimelinemodel.h"
#include "notifier.h"
#include "sessionview.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QFile>
#include <QFileDialog>
#include <QGuiApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

using namespace bmon;
using namespace bmon::pagetest;
using namespace Qt::StringLiterals;

class TestComparePage : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanup();
    void findsSilentChangeExportsAndProbes();
    void mainWindowOpensOneCompareTabPerTable();
};

namespace {

constexpr int LiveTimeout = 15000;

TableComparer::Options fastOptions()
{
    TableComparer::Options o;
    o.settleMs = 200;
    o.minSnapshotGapMs = 0;
    o.resnapshotEveryMs = 0;
    return o;
}

//! The values table's line for \a key ("field_102"), -1 when none.
int valuesRow(const QTableWidget* values, const QString& key)
{
    for (int r = 0; r < values->rowCount(); ++r) {
        if (values->item(r, 0) && values->item(r, 0)->data(Qt::UserRole).toString() == key)
            return r;
    }
    return -1;
}

void grab(QWidget* w, const QString& name)
{
    const QString dir = qEnvironmentVariable("BMON_GRAB_DIR");
    if (!dir.isEmpty())
        w->grab().save(dir + u'/' + name);
}

} // namespace

void TestComparePage::initTestCase()
{
    QCoreApplication::setOrganizationName(u"baserow-monitor-tests"_s);
    QCoreApplication::setApplicationName(u"tst_comparepage"_s);
    QSettings().clear();
}

void TestComparePage::cleanup()
{
    QSettings().clear();
}

void TestComparePage::findsSilentChangeExportsAndProbes()
{
    Session session;
    QString error;
    QVERIFY2(session.startDemo(demoOptions(0), &error), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(isLive(session), LiveTimeout);
    // A second login to the same server: the echo probe's other socket.
    Session other;
    Session::Login login;
    login.server = session.simulator()->baseUrl();
    login.email = session.simulator()->email();
    login.password = session.simulator()->password();
    other.start(login);
    QTRY_VERIFY_WITH_TIMEOUT(isLive(other), LiveTimeout);

    auto page = std::make_unique<ComparePage>(&session, 21, fastOptions());
    page->setPeerSessions([&] { return QList<Session*> {&session, &other}; });
    page->resize(1200, 800);
    page->show();
    QCOMPARE(page->objectName(), u"comparePage_21"_s);
    auto* status = page->findChild<QLabel*>(u"compareStatus"_s);
    auto* detail = page->findChild<QLabel*>(u"compareDetail"_s);
    auto* findingsView = page->findChild<QTableView*>(u"compareFindings"_s);
    auto* timelineView = page->findChild<QTableView*>(u"compareTimeline"_s);
    auto* values = page->findChild<QTableWidget*>(u"compareValues"_s);
    auto* exportButton = page->findChild<QToolButton*>(u"compareExport"_s);
    auto* probeButton = page->findChild<QToolButton*>(u"compareEchoProbe"_s);
    QVERIFY(status && detail && findingsView && timelineView && values && exportButton && probeButton);
    QVERIFY(page->findChild<QToolButton*>(u"compareResnapshot"_s));
    QAbstractItemModelTester findingsTester(
        findingsView->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester timelineTester(
        page->timelineModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy outOfSync(page.get(), &ComparePage::outOfSync);

    QTRY_COMPARE_WITH_TIMEOUT(page->comparer()->status(), TableComparer::Status::InSync, LiveTimeout);
    QCOMPARE(status->text(), u"In sync"_s);
    QVERIFY2(detail->text().contains(u"snapshot 1"_s) && detail->text().contains(u"120 rows"_s),
        qPrintable(detail->text()));
    QCOMPARE(findingsView->model()->rowCount(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(page->title(), u"Compare: Customers"_s, 10000);

    // Seats of row 7 changes behind the server's back; the next snapshot finds it.
    const QString before = page->comparer()->mirror().row(7)->value(u"field_102"_s).toVariant().toString();
    QVERIFY(before != u"999"_s);
    session.simulator()->silentlyUpdateCell(21, 7, 102, 999);
    page->resnapshot();
    QTRY_COMPARE_WITH_TIMEOUT(findingsView->model()->rowCount(), 1, 15000);
    QAbstractItemModel* findings = findingsView->model();
    QCOMPARE(findings->index(0, FindingListModel::KindColumn).data().toString(), u"missed_update"_s);
    QCOMPARE(findings->index(0, FindingListModel::RowColumn).data().toString(), u"7"_s);
    QCOMPARE(findings->index(0, FindingListModel::FieldsColumn).data().toString(), u"Seats"_s);
    QTRY_COMPARE_WITH_TIMEOUT(page->comparer()->status(), TableComparer::Status::Diverged, 5000);
    QCOMPARE(status->text(), u"1 divergence"_s);
    QCOMPARE(outOfSync.count(), 1);
    QVERIFY(outOfSync.at(0).at(0).toString().contains(u"Customers"_s));

    // Selecting the finding: the row's timeline, and its values side by side.
    findingsView->selectRow(0);
    QCOMPARE(page->shownRowId(), 7);
    QCOMPARE(page->findChild<QLineEdit*>(u"compareRowId"_s)->text(), u"7"_s);
    QVERIFY(page->timelineModel()->rowCount() >= 2); // a snapshot … the finding
    QCOMPARE(page->timelineModel()->rowId(), 7);
    const int seats = valuesRow(values, u"field_102"_s);
    QVERIFY(seats >= 0);
    QCOMPARE(values->item(seats, 0)->text(), u"Seats"_s);
    QCOMPARE(values->item(seats, 1)->text(), before);
    QCOMPARE(values->item(seats, 2)->text(), u"999"_s);
    QVERIFY(values->item(seats, 1)->data(Qt::UserRole + 1).toBool());
    QVERIFY(values->item(seats, 1)->background().style() != Qt::NoBrush);
    const int name = valuesRow(values, u"field_101"_s);
    QVERIFY(name >= 0);
    QVERIFY(!values->item(name, 1)->data(Qt::UserRole + 1).toBool());
    QCOMPARE(values->item(name, 1)->text(), values->item(name, 2)->text());

    // A typed row without a finding: the mirror next to a fresh fetch, all equal.
    auto* rowEdit = page->findChild<QLineEdit*>(u"compareRowId"_s);
    rowEdit->setText(u"8"_s);
    QTest::keyClick(rowEdit, Qt::Key_Return);
    QCOMPARE(page->shownRowId(), 8);
    QTRY_VERIFY_WITH_TIMEOUT(
        page->findChild<QLabel*>(u"compareValuesNote"_s)->text().startsWith(u"Fetched"_s), 10000);
    const int seats8 = valuesRow(values, u"field_102"_s);
    QVERIFY(seats8 >= 0);
    QCOMPARE(values->item(seats8, 1)->text(), values->item(seats8, 2)->text());
    QVERIFY(!values->item(seats8, 2)->data(Qt::UserRole + 1).toBool());
    page->showRow(7); // back to the finding
    QCOMPARE(findingsView->selectionModel()->currentIndex().row(), 0);
    grab(page.get(), u"compare-page.png"_s);

    // Export: the save dialog (non-modal, not native here) writes the JSON report.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QSignalSpy exported(page.get(), &ComparePage::reportExported);
    exportButton->click();
    auto* dialog = page->findChild<QFileDialog*>(u"compareExportDialog"_s);
    QVERIFY(dialog && dialog->isVisible());
    if (QGuiApplication::platformName() == u"offscreen"_s) // (screenshots run on xcb)
        QVERIFY(dialog->testOption(QFileDialog::DontUseNativeDialog));
    QCOMPARE(dialog->acceptMode(), QFileDialog::AcceptSave);
    const QString path = dir.filePath(u"report.json"_s);
    dialog->selectFile(path);
    QMetaObject::invokeMethod(dialog, "accept"); // accept() is protected; the slot is not
    QCOMPARE(exported.count(), 1);
    QCOMPARE(exported.at(0).at(1).toString(), QString());
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonObject report = QJsonDocument::fromJson(file.readAll()).object();
    const QJsonArray items = report.value(u"findings"_s).toArray();
    QCOMPARE(items.size(), 1);
    const QJsonObject item = items.at(0).toObject();
    QCOMPARE(item.value(u"kind"_s).toString(), u"missed_update"_s);
    QCOMPARE(item.value(u"row_id"_s).toInteger(), 7);
    bool seatsInReport = false;
    for (const QJsonValue& f : item.value(u"fields"_s).toArray())
        seatsInReport = seatsInReport
            || (f[u"key"_s].toString() == u"field_102"_s
                && f[u"actual"_s].toVariant().toString() == u"999"_s);
    QVERIFY(seatsInReport);
    QVERIFY(page->findChild<QLabel*>(u"compareNotice"_s)->text().contains(path));

    // The echo probe: nothing runs before the confirmation; a cell probe on row 7's Name.
    probeButton->click();
    EchoProbeDialog* probe = page->echoProbeDialog();
    QVERIFY(probe && probe->isVisible());
    QVERIFY(!probe->isModal());
    QCOMPARE(probe->observers().size(), 2);
    QVERIFY(probe->findChild<QLabel*>(u"echoWarning"_s)->text().contains(u"real changes"_s));
    auto* run = probe->findChild<QPushButton*>(u"echoRun"_s);
    auto* confirm = probe->findChild<QCheckBox*>(u"echoConfirm"_s);
    auto* field = probe->findChild<QComboBox*>(u"echoField"_s);
    QVERIFY(run && confirm && field);
    QVERIFY(probe->findChild<QRadioButton*>(u"echoModeCell"_s)->isChecked());
    QCOMPARE(probe->findChild<QSpinBox*>(u"echoRowId"_s)->value(), 7); // the row shown
    QVERIFY(!run->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(field->count() >= 2, 10000); // Name and Notes, nothing else
    QVERIFY(field->findData(101) >= 0 && field->findData(105) >= 0 && field->findData(102) < 0);
    field->setCurrentIndex(field->findData(101));
    const QString name7 = page->comparer()->mirror().row(7)->value(u"field_101"_s).toString();
    confirm->setChecked(true);
    QVERIFY(run->isEnabled());
    QSignalSpy finished(probe, &EchoProbeDialog::probeFinished);
    run->click();
    QVERIFY(probe->isRunning());
    QVERIFY(finished.wait(30000));
    QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(probe->statusText()));

    QTableWidget* results = probe->resultsTable();
    int writerWith = -1, writerWithout = -1, otherWith = -1;
    for (int r = 0; r < results->rowCount(); ++r) {
        const bool header = results->item(r, EchoProbeDialog::HeaderColumn)->data(Qt::UserRole).toBool();
        const bool writer = results->item(r, EchoProbeDialog::SocketColumn)->data(Qt::UserRole).toBool();
        if (!writer && !header)
            continue;
        int& slot = !writer ? otherWith : header ? writerWith : writerWithout;
        if (slot < 0)
            slot = r;
    }
    QVERIFY2(writerWith >= 0 && writerWithout >= 0 && otherWith >= 0,
        qPrintable(u"%1 %2 %3"_s.arg(writerWith).arg(writerWithout).arg(otherWith)));
    // With WebSocketId the writer's own socket gets nothing, and that is what §3 expects.
    QCOMPARE(results->item(writerWith, EchoProbeDialog::ReceivedColumn)->text(), u"no"_s);
    QVERIFY(!results->item(writerWith, EchoProbeDialog::ExpectedColumn)->data(Qt::UserRole).toBool());
    QVERIFY(results->item(writerWith, EchoProbeDialog::ExpectedColumn)->text().startsWith(u"not received"_s));
    QCOMPARE(results->item(writerWith, EchoProbeDialog::LatencyColumn)->data(Qt::UserRole).toLongLong(), -1);
    // The other login's socket gets it, with a latency; without the header so does the writer.
    QCOMPARE(results->item(otherWith, EchoProbeDialog::ReceivedColumn)->text(), u"yes"_s);
    QVERIFY(results->item(otherWith, EchoProbeDialog::LatencyColumn)->data(Qt::UserRole).toLongLong() >= 0);
    QCOMPARE(results->item(writerWithout, EchoProbeDialog::ReceivedColumn)->text(), u"yes"_s);
    QVERIFY2(probe->statusText().contains(u"every socket"_s), qPrintable(probe->statusText()));
    // The writes are in row 7's timeline, and the cell holds its name again.
    bool restInTimeline = false;
    for (int r = 0; r < page->timelineModel()->rowCount(); ++r)
        restInTimeline = restInTimeline
            || page->timelineModel()->index(r, 0).data(RowTimelineModel::KindRole).toInt()
                == int(TimelineEntry::Kind::Rest);
    QVERIFY(restInTimeline);
    QTRY_COMPARE_WITH_TIMEOUT(
        page->comparer()->mirror().row(7)->value(u"field_101"_s).toString(), name7, 10000);
    grab(probe, u"echo-probe.png"_s);
    probe->close();
    QTRY_VERIFY(!page->echoProbeDialog());
}

void TestComparePage::mainWindowOpensOneCompareTabPerTable()
{
    MainWindow window;
    window.setRememberSessions(false);
    window.setSecretStore(new MemorySecretStore);
    window.show();
    QString error;
    QVERIFY2(window.startDemo(&error), qPrintable(error));
    Session* session = window.currentSession();
    session->simulator()->setRate(0); // no collaborator touches row 9 meanwhile
    QTRY_VERIFY_WITH_TIMEOUT(isLive(*session), LiveTimeout);
    SessionView* view = window.viewOf(session);
    QAction* compare = window.action(u"actionCompare"_s);
    QVERIFY(compare && compare->isEnabled());
    QVERIFY(!compare->shortcut().isEmpty());

    // On the stream page there is no table to compare: nothing opens.
    const int pagesBefore = view->pageTabs()->count();
    compare->trigger();
    QCOMPARE(view->pageTabs()->count(), pagesBefore);

    // From the table page's button and from the action: one Compare tab for the table.
    view->openTable(21);
    auto* tablePage = view->findChild<QWidget*>(u"tablePage_21"_s);
    QVERIFY(tablePage);
    auto* button = tablePage->findChild<QToolButton*>(u"tableCompare"_s);
    QVERIFY(button);
    button->click();
    auto* page = view->findChild<ComparePage*>(u"comparePage_21"_s);
    QVERIFY(page);
    QCOMPARE(view->pageTabs()->currentWidget(), page);
    QCOMPARE(view->currentTableId(), 21u);
    view->pageTabs()->setCurrentWidget(tablePage);
    compare->trigger();
    QCOMPARE(view->pageTabs()->currentWidget(), page);
    QCOMPARE(view->findChildren<ComparePage*>().size(), 1);
    QVERIFY(!view->openTables().contains(0u));
    QTRY_COMPARE_WITH_TIMEOUT(page->comparer()->status(), TableComparer::Status::InSync, LiveTimeout);
    QTRY_VERIFY_WITH_TIMEOUT(
        view->pageTabs()->tabText(view->pageTabs()->indexOf(page)) == u"Compare: Customers"_s, 10000);

    // Out of sync: one desktop notification, F5 (Refresh) re-snapshots the current Compare tab.
    QSignalSpy notified(window.notifier(), &Notifier::notified);
    session->simulator()->silentlyUpdateCell(21, 9, 105, u"changed behind the server's back"_s);
    window.action(u"actionRefresh"_s)->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(page->comparer()->status() == TableComparer::Status::Diverged, 20000);
    QTRY_COMPARE_WITH_TIMEOUT(notified.count(), 1, 5000);
    QVERIFY2(notified.at(0).at(0).toString().contains(u"out of sync"_s),
        qPrintable(notified.at(0).at(0).toString()));
    grab(&window, u"compare-window.png"_s);
    window.action(u"actionRefresh"_s)->trigger(); // still diverged after another snapshot: no second one
    QTRY_COMPARE_WITH_TIMEOUT(page->comparer()->mirror().snapshotCount(), 3, 20000);
    QCOMPARE(notified.count(), 1);
}

QTEST_MAIN(TestComparePage)
#include "tst_comparepage.moc"
