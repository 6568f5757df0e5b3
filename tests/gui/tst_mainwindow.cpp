// SPDX-License-Identifier: MIT
// The real main window, offscreen, with real Sessions on the real simulator, driven by object
// names: the demo, logins and each failure text, subscriptions, reconnects, two logins side by
// side, session restore, outage notification, theme, and no secret in settings or titles.
#include "../net/fakehttpserver.h"
#include "appsettings.h"
#include "diagnosticspanel.h"
#include "logindialog.h"
#include "mainwindow.h"
#include "memorysecretstore.h"
#include "models/eventlistmodel.h"
#include "models/statelogmodel.h"
#include "net/restclient.h"
#include "notifier.h"
#include "session.h"
#include "sessionview.h"
#include "sim/simulator.h"
#include "statebadge.h"
#include "subscriptionlistmodel.h"
#include "subscriptionspanel.h"
#include "theme.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSplitter>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTcpServer>
#include <QTest>

#include <memory>

using namespace bmon;
using namespace Qt::StringLiterals;

namespace {

constexpr int LiveTimeout = 15000;

bool isLive(const Session* s)
{
    return s && s->connection() && s->connection()->state() == Connection::State::Live;
}

std::unique_ptr<sim::Simulator> startSimulator(double rate = 0, bool tls = false)
{
    sim::SimulatorOptions options;
    options.rate = rate;
    options.tls = tls;
    options.seed = 42;
    auto sim = std::make_unique<sim::Simulator>(options);
    QString error;
    if (!sim->start(&error))
        qWarning() << "simulator:" << error;
    return sim;
}

//! Fills the login dialog's fields by object name and clicks "Log in".
void fillAndSubmit(LoginDialog* dialog, const QString& server, const QString& email, const QString& password,
    bool remember = false)
{
    dialog->findChild<QLineEdit*>(u"serverEdit"_s)->setText(server);
    dialog->findChild<QLineEdit*>(u"emailEdit"_s)->setText(email);
    dialog->findChild<QLineEdit*>(u"passwordEdit"_s)->setText(password);
    auto* rememberBox = dialog->findChild<QCheckBox*>(u"rememberCheck"_s);
    if (rememberBox->isEnabled())
        rememberBox->setChecked(remember);
    QTest::mouseClick(dialog->findChild<QPushButton*>(u"loginButton"_s), Qt::LeftButton);
}

QString settingsText()
{
    QSettings s;
    s.sync();
    QFile f(s.fileName());
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

//! Row events of one table in a session's store.
int rowEventsOfTable(const Session* session, quint32 tableId)
{
    int n = 0;
    const EventStore& store = session->store();
    for (quint64 i = 0; i < store.count(); ++i) {
        const EventRecord& r = store.at(i);
        if (r.tableId == tableId && r.typeId >= KnownType::RowsCreated && r.typeId <= KnownType::RowsDeleted)
            ++n;
    }
    return n;
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();

    void demoShowsLiveEvents();
    void loginFailureTexts_data();
    void loginFailureTexts();
    void loginSucceedsAndRemembers();
    void trustCertificateAfterTlsFailure();
    void keychainUnavailableIsSaid();
    void rejectedSubscriptionShown();
    void reconnectShown();
    void twoLoginsGetDifferentEvents();
    void carolSeesOnlyHerWorkspace();
    void sessionRestored();
    void expiredLoginReturnsToTheLogin();
    void longOutageNotifies();
    void themePersists();
    void closeCodeMeanings_data();
    void closeCodeMeanings();
    void percentiles();
};

void TestMainWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(u"bmon-tests"_s);
    QCoreApplication::setApplicationName(u"tst_mainwindow"_s);
}

void TestMainWindow::init()
{
    QSettings().clear();
}

void TestMainWindow::demoShowsLiveEvents()
{
    MainWindow window;
    window.setRememberSessions(false);
    window.setSecretStore(new MemorySecretStore);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(window.width() >= 1280 && window.height() >= 800);

    QString error;
    QVERIFY2(window.startDemo(&error), qPrintable(error));
    auto* tabs = window.findChild<QTabWidget*>(u"sessionTabs"_s);
    QVERIFY(tabs && tabs->isVisible());
    QCOMPARE(tabs->count(), 1);
    Session* session = window.currentSession();
    QVERIFY(session && session->isDemo());
    QAbstractItemModelTester events(
        session->events(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester log(session->stateLog(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    SessionView* view = window.viewOf(session);
    QAbstractItemModelTester subs(
        view->subscriptionsPanel()->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);

    auto* badge = window.findChild<StateBadge*>(u"stateBadge"_s);
    QVERIFY(badge);
    QTRY_COMPARE_WITH_TIMEOUT(badge->state(), Connection::State::Live, LiveTimeout);
    QCOMPARE(badge->text(), StateBadge::stateText(Connection::State::Live));
    // The stream page is the first page tab, the workspace tree and the panels are there.
    QCOMPARE(view->pageTabs()->widget(0)->objectName(), u"streamPage"_s);
    QVERIFY(view->findChild<QWidget*>(u"workspaceTree"_s));
    QVERIFY(view->findChild<QWidget*>(u"diagnosticsPanel"_s));
    // The authentication frame, the subscription and page_add, then the collaborators' edits.
    QTRY_VERIFY_WITH_TIMEOUT(session->events()->rowCount() > 6, 20000);
    QTRY_VERIFY_WITH_TIMEOUT(rowEventsOfTable(session, 21) > 0, 20000);
    QTRY_VERIFY_WITH_TIMEOUT(!session->directory().workspaces().isEmpty(), 10000);
    QVERIFY(session->directory().tableName(21).startsWith(
        u"Customers"_s)); // collaborators rename it now and then
    auto* total = window.findChild<QLabel*>(u"eventTotal"_s);
    auto shownTotal = [total] {
        QString digits;
        for (QChar c : total->text())
            if (c.isDigit())
                digits += c;
        return digits.toULongLong();
    };
    QTRY_VERIFY_WITH_TIMEOUT(shownTotal() > 6, 5000);
    QVERIFY(shownTotal() <= session->store().count());
    QVERIFY(window.findChild<QLabel*>(u"eventRate"_s)->text().contains(u"events/s"_s));
    const int customers = view->subscriptionsPanel()->model()->rowOf(Page::table(21));
    QVERIFY(customers >= 0);
    QTRY_COMPARE_WITH_TIMEOUT(
        view->subscriptionsPanel()->model()->stateAt(customers), SubscriptionState::Active, 5000);
    // Diagnostics explain the connection.
    DiagnosticsPanel* diag = view->diagnosticsPanel();
    diag->refresh();
    QVERIFY(!diag->fieldText(u"diagWebSocketId"_s).isEmpty());
    QVERIFY(diag->fieldText(u"diagVersion"_s).contains(u"1.35"_s));
    QVERIFY(diag->fieldText(u"diagVersion"_s).contains(u"multi-page"_s));
    QVERIFY(diag->fieldText(u"diagToken"_s).startsWith(u"expires in"_s));
    // No secret in what the user sees.
    QVERIFY(!window.windowTitle().contains(u"eyJ"_s));
    QVERIFY(!window.windowTitle().contains(u"demo-password"_s));
    QVERIFY(!diag->fieldText(u"diagServer"_s).contains(u"eyJ"_s));
}

void TestMainWindow::loginFailureTexts_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("headline");
    QTest::newRow("wrong credentials") << u"auth"_s << u"Wrong e-mail or password"_s;
    QTest::newRow("unreachable") << u"unreachable"_s << u"Cannot reach the server"_s;
    QTest::newRow("tls") << u"tls"_s << u"TLS problem"_s;
    QTest::newRow("not baserow") << u"html"_s << u"This is not a Baserow server"_s;
    QTest::newRow("unsupported version") << u"old"_s << u"Unsupported Baserow version"_s;
}

void TestMainWindow::loginFailureTexts()
{
    QFETCH(QString, kind);
    QFETCH(QString, headline);
    std::unique_ptr<sim::Simulator> sim;
    test::FakeHttpServer fake;
    QString server, password = u"demo-password"_s;
    if (kind == "auth"_L1 || kind == "tls"_L1) {
        sim = startSimulator(0, kind == "tls"_L1);
        server = sim->baseUrl().toString();
        if (kind == "auth"_L1)
            password = u"not-the-password"_s;
    } else if (kind == "unreachable"_L1) {
        QTcpServer closed; // a port nobody listens on any more
        QVERIFY(closed.listen(QHostAddress::LocalHost, 0));
        server = u"http://127.0.0.1:%1"_s.arg(closed.serverPort());
    } else {
        fake.handler = [kind](const test::HttpRequest& r) {
            if (kind == "old"_L1 && r.pathOnly() == "/api/schema.json"_L1)
                return test::HttpResponse::json(
                    200, QJsonObject {{u"info"_s, QJsonObject {{u"version"_s, u"0.9.0"_s}}}});
            return test::HttpResponse::text(200, "<html><body>Welcome to nginx!</body></html>");
        };
        QVERIFY(fake.listen());
        server = fake.url().toString();
    }

    MainWindow window;
    window.setRememberSessions(false);
    window.setSecretStore(new MemorySecretStore);
    window.show();
    LoginDialog* dialog = window.openLoginDialog();
    QVERIFY(dialog->isVisible());
    QVERIFY(!dialog->isModal());
    fillAndSubmit(dialog, server, u"demo@example.com"_s, password);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog->failureText().isEmpty(), 20000);
    const QString text = dialog->failureText();
    QVERIFY2(text.startsWith(headline), qPrintable(text));
    QVERIFY(!text.contains(u"not-the-password"_s));
    QVERIFY(!text.contains(u"demo-password"_s));
    if (kind == "tls"_L1)
        QVERIFY2(text.contains(u"SHA-256"_s), qPrintable(text)); // the certificate's details
    // The dialog stays for another try; no session was added.
    QVERIFY(dialog->isVisible());
    QVERIFY(!dialog->isBusy());
    QVERIFY(window.sessions().isEmpty());
}

void TestMainWindow::loginSucceedsAndRemembers()
{
    auto sim = startSimulator(4);
    auto* secrets = new MemorySecretStore;
    MainWindow window;
    window.setSecretStore(secrets);
    window.show();
    LoginDialog* dialog = window.openLoginDialog();
    QPointer<LoginDialog> guard(dialog);
    QTRY_VERIFY(dialog->findChild<QCheckBox*>(u"rememberCheck"_s)->isEnabled());
    fillAndSubmit(dialog, sim->baseUrl().toString(), u"bob@example.com"_s, u"bob-password"_s, true);
    QTRY_COMPARE_WITH_TIMEOUT(window.sessions().size(), 1, LiveTimeout);
    QVERIFY(guard.isNull() || !guard->isVisible()); // closed on success
    Session* bob = window.sessions().first();
    QVERIFY(isLive(bob));
    QCOMPARE(bob->email(), u"bob@example.com"_s);
    QCOMPARE(bob->title(), u"bob@example.com @ 127.0.0.1:%1"_s.arg(sim->port()));
    // The refresh token went to the keychain; the server and e-mail to the saved servers.
    QTRY_COMPARE_WITH_TIMEOUT(secrets->entries().size(), 1, 5000);
    const QString token = secrets->entries().cbegin().value();
    QVERIFY(token.startsWith(u"eyJ"_s));
    const auto saved = AppSettings::savedServers();
    QCOMPARE(saved.size(), 1);
    QCOMPARE(saved.first().email, u"bob@example.com"_s);
    window.saveSettings();
    const QString settings = settingsText();
    QVERIFY(settings.contains(u"bob@example.com"_s));
    QVERIFY(!settings.contains(u"bob-password"_s));
    QVERIFY(!settings.contains(token));
    QVERIFY(!settings.contains(u"eyJ"_s));
    QVERIFY(!window.windowTitle().contains(u"eyJ"_s));

    // Close Login logs out: the remembered token goes.
    window.action(u"actionCloseLogin"_s)->trigger();
    QVERIFY(window.sessions().isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(secrets->entries().isEmpty(), 5000);
}

void TestMainWindow::trustCertificateAfterTlsFailure()
{
    auto sim = startSimulator(0, true);
    MainWindow window;
    window.setRememberSessions(false);
    window.setSecretStore(new MemorySecretStore);
    window.show();
    LoginDialog* dialog = window.openLoginDialog();
    fillAndSubmit(dialog, sim->baseUrl().toString(), u"demo@example.com"_s, u"demo-password"_s);
    auto* trust = dialog->findChild<QPushButton*>(u"trustButton"_s);
    QTRY_VERIFY_WITH_TIMEOUT(trust->isVisible(), 15000);
    QVERIFY(dialog->failureText().startsWith(u"TLS problem"_s));
    QTest::mouseClick(trust, Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(window.sessions().size(), 1, LiveTimeout);
    QVERIFY(isLive(window.sessions().first()));
    QCOMPARE(AppSettings::trustedCertificates(sim->baseUrl()).size(), 1);
}

void TestMainWindow::keychainUnavailableIsSaid()
{
    auto sim = startSimulator(0);
    auto* secrets = new MemorySecretStore;
    secrets->setAvailable(false, u"no D-Bus session"_s);
    MainWindow window;
    window.setSecretStore(secrets);
    window.show();
    LoginDialog* dialog = window.openLoginDialog(sim->baseUrl(), u"demo@example.com"_s);
    auto* note = dialog->findChild<QLabel*>(u"keychainNote"_s);
    QVERIFY(note->isVisible());
    QVERIFY2(note->text().contains(u"Cannot store the login on this system: no D-Bus session"_s),
        qPrintable(note->text()));
    QVERIFY(!dialog->findChild<QCheckBox*>(u"rememberCheck"_s)->isEnabled());
    // Pre-filled from the arguments.
    QCOMPARE(dialog->findChild<QLineEdit*>(u"emailEdit"_s)->text(), u"demo@example.com"_s);
    fillAndSubmit(dialog, sim->baseUrl().toString(), u"demo@example.com"_s, u"demo-password"_s, true);
    QTRY_COMPARE_WITH_TIMEOUT(window.sessions().size(), 1, LiveTimeout);
    QVERIFY(secrets->entries().isEmpty());
    window.saveSettings();
    QVERIFY(!settingsText().contains(u"demo-password"_s));
    QVERIFY(!settingsText().contains(u"eyJ"_s));
}

void TestMainWindow::rejectedSubscriptionShown()
{
    MainWindow window;
    window.setRememberSessions(false);
    window.setSecretStore(new MemorySecretStore);
    window.show();
    QString error;
    QVERIFY2(window.startDemo(&error), qPrintable(error));
    Session* session = window.currentSession();
    QTRY_VERIFY_WITH_TIMEOUT(isLive(session), LiveTimeout);
    SubscriptionsPanel* panel = window.viewOf(session)->subscriptionsPanel();
    QAbstractItemModelTester tester(panel->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    window.action(u"actionSubscribe"_s)->trigger();
    panel->findChild<QLineEdit*>(u"pageFirst"_s)->setText(u"999"_s); // no such table: Baserow stays silent
    QTest::mouseClick(panel->findChild<QPushButton*>(u"subscribeButton"_s), Qt::LeftButton);
    const int row = panel->model()->rowOf(Page::table(999));
    QVERIFY(row >= 0);
    QTRY_COMPARE_WITH_TIMEOUT(panel->model()->stateAt(row), SubscriptionState::Rejected, 10000);
    QCOMPARE(panel->model()->index(row, SubscriptionListModel::StateColumn).data().toString(), u"rejected"_s);
    QVERIFY(!panel->model()->index(row, SubscriptionListModel::ReasonColumn).data().toString().isEmpty());
    // A bad id is refused in the form, inline.
    panel->findChild<QLineEdit*>(u"pageFirst"_s)->setText(u"abc"_s);
    QTest::mouseClick(panel->findChild<QPushButton*>(u"subscribeButton"_s), Qt::LeftButton);
    QVERIFY(panel->findChild<QLabel*>(u"subscribeError"_s)->isVisible());
}

void TestMainWindow::reconnectShown()
{
    MainWindow window;
    window.setRememberSessions(false);
    window.setSecretStore(new MemorySecretStore);
    window.show();
    QString error;
    QVERIFY2(window.startDemo(&error), qPrintable(error));
    Session* session = window.currentSession();
    QTRY_VERIFY_WITH_TIMEOUT(isLive(session), LiveTimeout);
    auto* badge = window.findChild<StateBadge*>(u"stateBadge"_s);
    QSignalSpy states(session, &Session::stateChanged);
    session->simulator()->closeAll(1011, u"test restart"_s);
    QTRY_VERIFY_WITH_TIMEOUT(badge->state() != Connection::State::Live || states.size() >= 2, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(isLive(session) && states.size() >= 2, LiveTimeout);
    QTRY_COMPARE_WITH_TIMEOUT(badge->state(), Connection::State::Live, 5000);
    // The state log shows the way back: backoff, then live again.
    StateLogModel* log = session->stateLog();
    QStringList seen;
    for (int r = 0; r < log->rowCount(); ++r)
        seen << log->index(r, StateLogModel::StateColumn).data().toString();
    QVERIFY2(seen.contains(u"backoff"_s), qPrintable(seen.join(u',')));
    QCOMPARE(seen.last(), u"live"_s);
    QVERIFY(session->connection()->counters().reconnects >= 1);
    DiagnosticsPanel* diag = window.viewOf(session)->diagnosticsPanel();
    diag->refresh();
    QVERIFY2(diag->fieldText(u"diagLastClose"_s).startsWith(u"1011 server error"_s),
        qPrintable(diag->fieldText(u"diagLastClose"_s)));
    QVERIFY(diag->fieldText(u"diagReconnect"_s).contains(u"attempt"_s));
}

void TestMainWindow::twoLoginsGetDifferentEvents()
{
    MainWindow window;
    window.setRememberSessions(false);
    window.setSecretStore(new MemorySecretStore);
    window.show();
    QString error;
    QVERIFY2(window.startDemo(&error), qPrintable(error));
    Session* demo = window.currentSession();
    QTRY_VERIFY_WITH_TIMEOUT(isLive(demo), LiveTimeout);
    sim::Simulator* sim = demo->simulator();
    sim->setRate(0); // only the edits below

    LoginDialog* dialog = window.openLoginDialog();
    fillAndSubmit(dialog, sim->baseUrl().toString(), u"bob@example.com"_s, u"bob-password"_s);
    QTRY_COMPARE_WITH_TIMEOUT(window.sessions().size(), 2, LiveTimeout);
    Session* bob = window.sessions().at(1);
    QVERIFY(isLive(bob));
    QVERIFY(bob->connection()->webSocketId() != demo->connection()->webSocketId());
    QCOMPARE(window.findChild<QTabWidget*>(u"sessionTabs"_s)->count(), 2);
    // Bob watches the deals table, the demo user the customers.
    bob->connection()->subscribe(Page::table(23));
    QTRY_COMPARE_WITH_TIMEOUT(
        bob->connection()->subscriptions().first().state, SubscriptionState::Active, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(
        demo->connection()->subscriptions().first().state, SubscriptionState::Active, 5000);

    const int demo21 = rowEventsOfTable(demo, 21), bob23 = rowEventsOfTable(bob, 23);
    sim->collaboratorUpdateRow(21, 1);
    sim->collaboratorUpdateRow(23, 1);
    QTRY_VERIFY_WITH_TIMEOUT(rowEventsOfTable(demo, 21) > demo21 && rowEventsOfTable(bob, 23) > bob23, 10000);
    // Routing: each only got the page it subscribed to.
    QCOMPARE(rowEventsOfTable(demo, 23), 0);
    QCOMPARE(rowEventsOfTable(bob, 21), 0);

    // Side by side: both views next to each other.
    window.action(u"actionSideBySide"_s)->trigger();
    auto* split = window.findChild<QSplitter*>(u"sideBySide"_s);
    QVERIFY(split->isVisible());
    QCOMPARE(split->count(), 2);
    QVERIFY(window.viewOf(demo)->isVisible() && window.viewOf(bob)->isVisible());
    window.action(u"actionSideBySide"_s)->trigger();
    QCOMPARE(window.findChild<QTabWidget*>(u"sessionTabs"_s)->count(), 2);
}

void TestMainWindow::carolSeesOnlyHerWorkspace()
{
    auto sim = startSimulator(40);
    MainWindow window;
    window.setRememberSessions(false);
    window.setSecretStore(new MemorySecretStore);
    window.show();
    LoginDialog* dialog = window.openLoginDialog();
    fillAndSubmit(dialog, sim->baseUrl().toString(), u"carol@example.com"_s, u"carol-password"_s);
    QTRY_COMPARE_WITH_TIMEOUT(window.sessions().size(), 1, LiveTimeout);
    Session* carol = window.sessions().first();
    QTRY_VERIFY_WITH_TIMEOUT(!carol->directory().workspaces().isEmpty(), 10000);
    const QList<DirWorkspace> workspaces = carol->directory().workspaces();
    QCOMPARE(workspaces.size(), 1);
    QCOMPARE(workspaces.first().id, 8u);
    // Her table is fine, the customers (workspace 7) are refused silently.
    carol->connection()->subscribe(Page::table(31));
    carol->connection()->subscribe(Page::table(21));
    QTRY_VERIFY_WITH_TIMEOUT(carol->connection()->subscriptions().size() == 2
            && carol->connection()->subscriptions().at(1).state == SubscriptionState::Rejected,
        10000);
    QCOMPARE(carol->connection()->subscriptions().at(0).state, SubscriptionState::Active);
    QTRY_VERIFY_WITH_TIMEOUT(carol->store().count() > 5, 15000);
    for (quint64 i = 0; i < carol->store().count(); ++i) {
        const EventRecord& r = carol->store().at(i);
        if (r.direction() == Direction::Sent)
            continue; // her own (refused) request names table 21
        QVERIFY2(r.workspaceId != 7 && (r.tableId == 0 || r.tableId >= 31), qPrintable(QString::number(i)));
    }
}

void TestMainWindow::sessionRestored()
{
    auto sim = startSimulator(0);
    QObject keychain; // outlives both windows, as the real keychain does
    auto* secrets = new MemorySecretStore(&keychain);
    {
        MainWindow window;
        window.setSecretStore(secrets);
        window.show();
        QString error;
        QVERIFY2(window.startDemo(&error), qPrintable(error));
        window.viewOf(window.currentSession())->openTable(22);
        // A remembered login and one that is not.
        LoginDialog* dialog = window.openLoginDialog();
        fillAndSubmit(dialog, sim->baseUrl().toString(), u"bob@example.com"_s, u"bob-password"_s, true);
        QTRY_COMPARE_WITH_TIMEOUT(window.sessions().size(), 2, LiveTimeout);
        window.viewOf(window.sessions().at(1))->openTable(23);
        dialog = window.openLoginDialog();
        fillAndSubmit(dialog, sim->baseUrl().toString(), u"alice@example.com"_s, u"alice-password"_s, false);
        QTRY_COMPARE_WITH_TIMEOUT(window.sessions().size(), 3, LiveTimeout);
        QTRY_COMPARE_WITH_TIMEOUT(secrets->entries().size(), 1, 5000);
        window.close(); // saves
    }
    const QString settings = settingsText();
    QVERIFY(!settings.contains(u"password"_s, Qt::CaseInsensitive));
    QVERIFY(!settings.contains(u"eyJ"_s));
    QCOMPARE(AppSettings::lastSession().size(), 3);

    MainWindow window;
    window.setSecretStore(secrets);
    window.show();
    window.restoreLastSession();
    // The demo comes back with its table tab; bob logs in from the keychain without a dialog;
    // alice gets the login dialog, pre-filled.
    QTRY_COMPARE_WITH_TIMEOUT(window.sessions().size(), 2, 5000);
    Session* demo = window.sessions().at(0);
    QVERIFY(demo->isDemo());
    QCOMPARE(window.viewOf(demo)->openTables(), QList<quint32> {22});
    Session* bob = window.sessions().at(1);
    QCOMPARE(bob->email(), u"bob@example.com"_s);
    QTRY_VERIFY_WITH_TIMEOUT(isLive(bob), LiveTimeout);
    QCOMPARE(window.viewOf(bob)->openTables(), QList<quint32> {23});
    LoginDialog* prompt = window.findChild<LoginDialog*>();
    QVERIFY(prompt && prompt->isVisible());
    QCOMPARE(prompt->findChild<QLineEdit*>(u"emailEdit"_s)->text(), u"alice@example.com"_s);
    QCOMPARE(prompt->findChild<QLineEdit*>(u"serverEdit"_s)->text(), sim->baseUrl().toString());
    QVERIFY(prompt->findChild<QLineEdit*>(u"passwordEdit"_s)->text().isEmpty());
}

void TestMainWindow::expiredLoginReturnsToTheLogin()
{
    MainWindow window;
    window.setRememberSessions(false);
    window.setSecretStore(new MemorySecretStore);
    window.show();
    QString error;
    QVERIFY2(window.startDemo(&error), qPrintable(error));
    Session* old = window.currentSession();
    QTRY_VERIFY_WITH_TIMEOUT(isLive(old), LiveTimeout);
    SessionView* view = window.viewOf(old);
    view->openTable(22);
    // The password changes elsewhere: Baserow sends force_disconnect and refuses the old tokens.
    bool changed = false;
    old->rest()->changePassword(u"demo-password"_s, u"new-password"_s, this, [&](const Result<void>& r) {
        QVERIFY2(r.ok(), qPrintable(r.error().message));
        changed = true;
    });
    QTRY_VERIFY_WITH_TIMEOUT(changed, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(old->connection()->state(), Connection::State::AuthExpired, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(view->bannerVisible(), 5000);
    auto* again = view->findChild<QPushButton*>(u"loginAgainButton"_s);
    QVERIFY(again && again->isVisible());
    QTest::mouseClick(again, Qt::LeftButton);
    auto* dialog = window.findChild<LoginDialog*>();
    QVERIFY(dialog && dialog->isVisible());
    QCOMPARE(dialog->findChild<QLineEdit*>(u"emailEdit"_s)->text(), old->email());
    fillAndSubmit(dialog, old->server().toString(), old->email(), u"new-password"_s);
    // The new login takes the old one's place, with its table tabs.
    QTRY_VERIFY_WITH_TIMEOUT(window.sessions().size() == 1 && window.sessions().first() != old, LiveTimeout);
    Session* renewed = window.sessions().first();
    QVERIFY(isLive(renewed));
    QCOMPARE(window.viewOf(renewed)->openTables(), QList<quint32> {22});
    QCOMPARE(window.findChild<QTabWidget*>(u"sessionTabs"_s)->count(), 1);
}

void TestMainWindow::longOutageNotifies()
{
    MainWindow window;
    window.setRememberSessions(false);
    window.setSecretStore(new MemorySecretStore);
    window.setLongOutageMs(300);
    window.show();
    QString error;
    QVERIFY2(window.startDemo(&error), qPrintable(error));
    Session* session = window.currentSession();
    QTRY_VERIFY_WITH_TIMEOUT(isLive(session), LiveTimeout);
    QSignalSpy notified(window.notifier(), &Notifier::notified);
    QSignalSpy outage(session, &Session::longOutage);
    session->simulator()->stop(); // gone for good: the connection keeps retrying
    QVERIFY(outage.wait(10000));
    QCOMPARE(notified.size(), 1);
    QVERIFY(notified.first().at(1).toString().contains(session->title()));
    SessionView* view = window.viewOf(session);
    QVERIFY(view->bannerVisible());
    QVERIFY(view->bannerText().contains(u"more than a minute"_s));
    QVERIFY(session->downSinceMs() >= 0);
}

void TestMainWindow::themePersists()
{
    MainWindow window;
    window.setRememberSessions(false);
    window.action(u"actionTheme_dark"_s)->trigger();
    QVERIFY(Theme::isDark());
    QCOMPARE(AppSettings::theme(), Theme::Mode::Dark);
    QCOMPARE(QSettings().value(u"ui/theme"_s).toString(), u"dark"_s);
    window.action(u"actionTheme_light"_s)->trigger();
    QVERIFY(!Theme::isDark());
    window.action(u"actionTheme_system"_s)->trigger();
    QCOMPARE(AppSettings::theme(), Theme::Mode::System);
}

void TestMainWindow::closeCodeMeanings_data()
{
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("words");
    QTest::newRow("1000") << 1000 << u"normal closure (also what Baserow sends after refusing"_s;
    QTest::newRow("1001") << 1001 << u"going away"_s;
    QTest::newRow("1006") << 1006 << u"no close frame: the connection dropped"_s;
    QTest::newRow("1011") << 1011 << u"server error"_s;
    QTest::newRow("4001") << 4001 << u"application code"_s;
    QTest::newRow("42") << 42 << u"unknown code"_s;
}

void TestMainWindow::closeCodeMeanings()
{
    QFETCH(int, code);
    QFETCH(QString, words);
    const QString text = DiagnosticsPanel::closeCodeMeaning(code);
    QVERIFY(text.startsWith(QString::number(code) + u' '));
    QVERIFY2(text.contains(words), qPrintable(text));
}

void TestMainWindow::percentiles()
{
    QCOMPARE(DiagnosticsPanel::percentile({}, 50), -1);
    QCOMPARE(DiagnosticsPanel::percentile({7}, 95), 7);
    QList<qint64> v;
    for (int i = 100; i >= 1; --i)
        v << i;
    QCOMPARE(DiagnosticsPanel::percentile(v, 50), 50);
    QCOMPARE(DiagnosticsPanel::percentile(v, 95), 95);
    QCOMPARE(DiagnosticsPanel::percentile(v, 100), 100);
    QCOMPARE(DiagnosticsPanel::formatDuration(65'000), u"1 min 05 s"_s);
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
