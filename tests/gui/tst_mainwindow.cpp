// SPDX-License-Identifier: MIT
// The desktop window against the built-in simulator, driven by object names.
#include "mainwindow.h"

#include <QAbstractItemModelTester>
#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QTest>

using namespace bmon;
using namespace Qt::StringLiterals;

class TestMainWindow : public QObject
{
    Q_OBJECT

private slots:
    void demoButtonShowsLiveEvents();
};

void TestMainWindow::demoButtonShowsLiveEvents()
{
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.width() >= 1280 && window.height() >= 800);

    auto* view = window.findChild<QTableView*>(u"eventView"_s);
    auto* button = window.findChild<QPushButton*>(u"demoButton"_s);
    auto* state = window.findChild<QLabel*>(u"connectionState"_s);
    QVERIFY(view && button && state);
    QAbstractItemModelTester tester(view->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QVERIFY(!view->isVisible()); // the welcome page comes first

    QTest::mouseClick(button, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(view->isVisible(), 5000);
    QTRY_VERIFY_WITH_TIMEOUT(state->text().startsWith(u"live"_s), 15000);
    // The authentication frame, the subscription and page_add, then the collaborators' edits.
    QTRY_VERIFY_WITH_TIMEOUT(view->model()->rowCount() > 6, 20000);
    const QAbstractItemModel* model = view->model();
    QStringList types;
    for (int row = 0; row < model->rowCount(); ++row)
        types << model->index(row, 2).data().toString();
    QVERIFY2(types.contains(u"authentication"_s), qPrintable(types.join(u',')));
    QVERIFY(types.contains(u"page_add"_s));
    QVERIFY(
        std::any_of(types.begin(), types.end(), [](const QString& t) { return t.startsWith(u"rows_"_s); }));
    // No secret in what the user sees.
    QVERIFY(!window.windowTitle().contains(u"eyJ"_s));
    QVERIFY(!state->text().contains(u"eyJ"_s));
    QVERIFY(!state->text().contains(u"demo-password"_s));
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
