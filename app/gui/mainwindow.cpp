// SPDX-License-Identifier: MIT
#include "mainwindow.h"

#include "appsettings.h"
#include "core/clock.h"
#include "core/eventrates.h"
#include "core/recording/recordingformat.h"
#include "core/redact.h"
#include "diagnosticspanel.h"
#include "logindialog.h"
#include "memorysecretstore.h"
#include "net/authsession.h"
#include "net/restclient.h"
#include "net/sessionrecorder.h"
#include "notifier.h"
#include "sessionview.h"
#include "sim/simulator.h"
#include "statebadge.h"
#include "theme.h"

#if BMON_HAVE_KEYCHAIN
#include "keychainsecretstore.h"
#endif

#include "bmon-version.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QPainter>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyle>
#include <QTabBar>
#include <QTabWidget>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace bmon {

namespace {

QString restoreKey(const QUrl& server, const QString& email)
{
    return QString(email.toLower() + u'@' + server.toString());
}

QIcon dotIcon(const QColor& color)
{
    QPixmap pm(12, 12);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(Qt::NoPen);
    p.setBrush(color);
    p.drawEllipse(QRectF(1.5, 1.5, 9, 9));
    return QIcon(pm);
}

QByteArray tokenHash(const QString& token)
{
    return QCryptographicHash::hash(token.toUtf8(), QCryptographicHash::Sha256);
}

} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent)
    , m_central(new QStackedWidget)
    , m_tabs(new QTabWidget)
    , m_split(new QSplitter(Qt::Horizontal))
    , m_notifier(new Notifier(this))
{
    setObjectName(u"mainWindow"_s);
    setWindowTitle(tr("Baserow Monitor"));
    resize(1280, 800);

    m_tabs->setObjectName(u"sessionTabs"_s);
    m_tabs->setTabsClosable(true);
    m_tabs->setMovable(true);
    m_tabs->setDocumentMode(true);
    connect(m_tabs, &QTabWidget::tabCloseRequested, this, [this](int index) {
        if (auto* view = qobject_cast<SessionView*>(m_tabs->widget(index)))
            closeSession(view->session());
    });
    connect(m_tabs, &QTabWidget::currentChanged, this, [this] {
        updateStatus();
        updateActions();
    });
    connect(m_tabs->tabBar(), &QTabBar::tabMoved, this, [this] {
        m_views.clear();
        for (int i = 0; i < m_tabs->count(); ++i)
            m_views.append(static_cast<SessionView*>(m_tabs->widget(i)));
    });
    m_split->setObjectName(u"sideBySide"_s);
    m_split->setChildrenCollapsible(false);

    m_central->addWidget(createWelcome());
    m_central->addWidget(m_tabs);
    m_central->addWidget(m_split);
    setCentralWidget(m_central);

    createActions();
    createMenus();
    createStatusBar();

    // In the side by side view the session the user works in is the one with the focus.
    connect(qApp, &QApplication::focusChanged, this, [this](QWidget*, QWidget* now) {
        for (QWidget* w = now; w; w = w->parentWidget()) {
            if (auto* view = qobject_cast<SessionView*>(w)) {
                if (m_focusedView != view) {
                    m_focusedView = view;
                    updateStatus();
                    updateActions();
                }
                return;
            }
        }
    });

    auto* ticker = new QTimer(this);
    ticker->setInterval(1000);
    connect(ticker, &QTimer::timeout, this, &MainWindow::updateStatus);
    ticker->start();

    const Theme::Mode theme = AppSettings::theme();
    Theme::apply(theme);
    for (QAction* a : m_themeGroup->actions())
        a->setChecked(Theme::Mode(a->data().toInt()) == theme);
    restoreGeometry(AppSettings::value(u"window/geometry"_s));
    restoreState(AppSettings::value(u"window/state"_s));
    m_actions.value(u"actionSideBySide"_s)->setChecked(AppSettings::flag(u"ui/sideBySide"_s));
    updateCentral();
    updateStatus();
    updateActions();
}

MainWindow::~MainWindow()
{
    // Views show sessions: views first, then the sessions (each stops its connection).
    const QList<Session*> all = sessions();
    for (SessionView* view : std::as_const(m_views))
        delete view;
    m_views.clear();
    qDeleteAll(all);
    for (const Pending& p : std::as_const(m_pending))
        delete p.session;
}

void MainWindow::setSecretStore(SecretStore* store)
{
    if (m_secrets && m_secrets->parent() == this)
        delete m_secrets;
    m_secrets = store;
    if (store && !store->parent())
        store->setParent(this);
}

SecretStore* MainWindow::secretStore()
{
    if (!m_secrets) {
#if BMON_HAVE_KEYCHAIN
        m_secrets = new KeychainSecretStore(u"baserow-monitor"_s, this);
#else
        auto* none = new MemorySecretStore(this);
        none->setAvailable(false, tr("this build has no keychain support (QtKeychain)"));
        m_secrets = none;
#endif
    }
    return m_secrets;
}

// Actions ------------------------------------------------------------------------------------

void MainWindow::createActions()
{
    auto add = [this](const QString& name, const QString& text, const QKeySequence& key, auto slot,
                   QStyle::StandardPixmap icon = QStyle::SP_CustomBase) {
        auto* a = new QAction(text, this);
        a->setObjectName(name);
        if (!key.isEmpty())
            a->setShortcut(key);
        if (icon != QStyle::SP_CustomBase)
            a->setIcon(style()->standardIcon(icon));
        connect(a, &QAction::triggered, this, slot);
        addAction(a); // shortcuts work while the menu bar is hidden too
        m_actions.insert(name, a);
        return a;
    };
    add(
        u"actionNewLogin"_s, tr("&New Login…"), QKeySequence::New, [this] { openLoginDialog(); },
        QStyle::SP_FileDialogNewFolder)
        ->setToolTip(tr("Log in to a Baserow server (Ctrl+N)"));
    add(
        u"actionDemo"_s, tr("Try the &Demo Server"), {},
        [this] {
            QString error;
            if (!startDemo(&error))
                statusBar()->showMessage(tr("Cannot start the demo server: %1").arg(error), 10000);
        },
        QStyle::SP_ComputerIcon)
        ->setToolTip(tr("Start the built-in Baserow simulator and watch it"));
    add(
        u"actionOpenRecording"_s, tr("&Open Recording…"), QKeySequence::Open,
        [this] { chooseRecordingToOpen(); }, QStyle::SP_DialogOpenButton)
        ->setToolTip(tr("Open a recorded session read-only (Ctrl+O)"));
    add(
        u"actionRecord"_s, tr("&Record to File…"), {},
        [this] {
            Session* s = currentSession();
            if (s && s->isRecording())
                stopRecording();
            else
                chooseRecordingTarget();
        },
        QStyle::SP_DialogSaveButton)
        ->setToolTip(tr("Record everything this login receives to a file"));
    add(u"actionCloseLogin"_s, tr("&Close Login"), QKeySequence(Qt::CTRL | Qt::Key_W), [this] {
        if (Session* s = currentSession())
            closeSession(s);
    });
    QAction* quit
        = add(u"actionQuit"_s, tr("&Quit"), QKeySequence(Qt::CTRL | Qt::Key_Q), [this] { close(); });
    quit->setMenuRole(QAction::QuitRole);

    add(
        u"actionFilter"_s, tr("&Filter…"), QKeySequence(Qt::CTRL | Qt::Key_F),
        [this] {
            if (SessionView* v = currentView())
                v->focusFilter();
        },
        QStyle::SP_FileDialogContentsView)
        ->setToolTip(tr("Filter the stream (Ctrl+F)"));
    QAction* pause = add(
        u"actionPause"_s, tr("&Pause"), QKeySequence(Qt::Key_Space),
        [this] {
            if (SessionView* v = currentView())
                v->togglePause();
        },
        QStyle::SP_MediaPause);
    pause->setCheckable(true);
    pause->setToolTip(tr("Pause the stream; events keep being stored (Space)"));
    add(
        u"actionClear"_s, tr("C&lear"), QKeySequence(Qt::CTRL | Qt::Key_L),
        [this] {
            if (SessionView* v = currentView())
                v->clearView();
        },
        QStyle::SP_DialogResetButton)
        ->setToolTip(tr("Hide the events shown so far; they stay stored (Ctrl+L)"));
    add(
        u"actionRefresh"_s, tr("&Refresh"), QKeySequence(Qt::Key_F5),
        [this] {
            if (SessionView* v = currentView())
                v->refresh();
        },
        QStyle::SP_BrowserReload)
        ->setToolTip(tr("Fetch the table's rows, or the workspaces, again (F5)"));
    add(
        u"actionCompare"_s, tr("Co&mpare with Server"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_M),
        [this] {
            SessionView* v = currentView();
            if (v && !v->compareCurrentTable())
                statusBar()->showMessage(
                    tr("Open a table first (double-click it under Workspaces), then compare it with the "
                       "server."),
                    10000);
        },
        QStyle::SP_FileDialogContentsView)
        ->setToolTip(
            tr("Check the current table's realtime events against the server's rows (Ctrl+Shift+M)"));
    add(u"actionCopyJson"_s, tr("Copy as &JSON"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C), [this] {
        if (SessionView* v = currentView())
            v->copyAsJson();
    });
    add(
        u"actionSubscribe"_s, tr("&Subscribe…"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S),
        [this] {
            if (SessionView* v = currentView())
                v->showSubscribeForm();
        },
        QStyle::SP_FileDialogDetailedView)
        ->setToolTip(tr("Subscribe to a table, row, public view or dashboard page"));
    QAction* side = add(
        u"actionSideBySide"_s, tr("Side by &Side"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_B),
        [this](bool on) { setSideBySide(on); }, QStyle::SP_TitleBarNormalButton);
    side->setCheckable(true);
    side->setToolTip(tr("Show every login next to each other, to compare what each receives"));
    auto panel
        = [this, &add](const QString& name, const QString& text, QDockWidget* (SessionView::*dock)() const) {
              QAction* a = add(name, text, {}, [this, dock](bool on) {
                  for (SessionView* v : std::as_const(m_views))
                      (v->*dock)()->setVisible(on);
              });
              a->setCheckable(true);
              a->setChecked(true);
          };
    panel(u"actionShowWorkspaces"_s, tr("&Workspaces"), &SessionView::workspacesDock);
    panel(u"actionShowSubscriptions"_s, tr("S&ubscriptions"), &SessionView::subscriptionsDock);
    panel(u"actionShowDiagnostics"_s, tr("&Diagnostics"), &SessionView::diagnosticsDock);

    m_themeGroup = new QActionGroup(this);
    m_themeGroup->setExclusive(true);
    const std::pair<Theme::Mode, QString> themes[] = {{Theme::Mode::System, tr("&System")},
        {Theme::Mode::Light, tr("&Light")}, {Theme::Mode::Dark, tr("&Dark")}};
    for (const auto& [mode, text] : themes) {
        QAction* a = add(u"actionTheme_"_s + Theme::modeName(mode), text, {}, [this, mode = mode] {
            Theme::apply(mode);
            AppSettings::setTheme(mode);
        });
        a->setCheckable(true);
        a->setData(int(mode));
        m_themeGroup->addAction(a);
    }
    add(u"actionAbout"_s, tr("&About Baserow Monitor"), {}, [this] {
        showAbout();
    })->setMenuRole(QAction::AboutRole);
}

void MainWindow::createMenus()
{
    auto a = [this](const char* name) { return m_actions.value(QLatin1String(name)); };
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(a("actionNewLogin"));
    file->addAction(a("actionDemo"));
    file->addAction(a("actionOpenRecording"));
    file->addAction(a("actionCloseLogin"));
    file->addSeparator();
    file->addAction(a("actionQuit"));
    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    edit->addAction(a("actionFilter"));
    edit->addAction(a("actionCopyJson"));
    edit->addAction(a("actionClear"));
    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->addAction(a("actionPause"));
    view->addAction(a("actionRefresh"));
    view->addSeparator();
    view->addAction(a("actionSideBySide"));
    QMenu* panels = view->addMenu(tr("&Panels"));
    panels->addAction(a("actionShowWorkspaces"));
    panels->addAction(a("actionShowSubscriptions"));
    panels->addAction(a("actionShowDiagnostics"));
    QMenu* theme = view->addMenu(tr("&Theme"));
    theme->addActions(m_themeGroup->actions());
    QMenu* connection = menuBar()->addMenu(tr("&Connection"));
    connection->addAction(a("actionSubscribe"));
    connection->addAction(a("actionCompare"));
    connection->addSeparator();
    connection->addAction(a("actionRecord"));
    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(a("actionAbout"));

    QToolBar* bar = addToolBar(tr("Main"));
    bar->setObjectName(u"mainToolBar"_s);
    bar->setMovable(false);
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->setIconSize(QSize(16, 16));
    bar->addAction(a("actionNewLogin"));
    bar->addAction(a("actionDemo"));
    bar->addSeparator();
    bar->addAction(a("actionPause"));
    bar->addAction(a("actionClear"));
    bar->addAction(a("actionRefresh"));
    bar->addAction(a("actionFilter"));
    bar->addSeparator();
    bar->addAction(a("actionSubscribe"));
    bar->addAction(a("actionCompare"));
    bar->addAction(a("actionRecord"));
    bar->addAction(a("actionSideBySide"));
}

void MainWindow::createStatusBar()
{
    m_badge = new StateBadge;
    m_sessionLabel = new QLabel;
    m_sessionLabel->setObjectName(u"sessionLabel"_s);
    m_paused = new QLabel;
    m_paused->setObjectName(u"pausedBadge"_s);
    m_paused->setStyleSheet(u"QLabel { color: #c7600f; font-weight: 600; }"_s);
    m_paused->hide();
    m_recording = new QLabel;
    m_recording->setObjectName(u"recordingIndicator"_s);
    m_recording->setStyleSheet(u"QLabel { color: #c62828; font-weight: 600; }"_s);
    m_recording->hide();
    m_loading = new QProgressBar;
    m_loading->setObjectName(u"recordingProgress"_s);
    m_loading->setRange(0, 1000);
    m_loading->setMaximumWidth(160);
    m_loading->setFormat(tr("Reading %p%"));
    m_loading->hide();
    // Fixed widths: a label that changes its size hint several times a second would re-lay out
    // (and repaint) the whole window each time.
    m_rate = new QLabel;
    m_rate->setObjectName(u"eventRate"_s);
    m_rate->setFixedWidth(fontMetrics().horizontalAdvance(tr("%1 events/s").arg(u"000,000.0"_s)) + 12);
    m_rate->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_total = new QLabel;
    m_total->setObjectName(u"eventTotal"_s);
    m_total->setFixedWidth(fontMetrics().horizontalAdvance(tr("%1 events").arg(u"000,000,000"_s)) + 12);
    m_total->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    statusBar()->addWidget(m_badge);
    statusBar()->addWidget(m_sessionLabel, 1);
    statusBar()->addPermanentWidget(m_loading);
    statusBar()->addPermanentWidget(m_recording);
    statusBar()->addPermanentWidget(m_paused);
    statusBar()->addPermanentWidget(m_rate);
    statusBar()->addPermanentWidget(m_total);
}

QWidget* MainWindow::createWelcome()
{
    auto* page = new QWidget;
    page->setObjectName(u"welcomePage"_s);
    auto* text = new QLabel(
        tr("<h2>Baserow Monitor</h2>"
           "<p>Watch a Baserow server's realtime events: who changes what, where, right now.</p>"));
    text->setAlignment(Qt::AlignCenter);
    auto* login = new QPushButton(tr("Log in to a server…"));
    login->setObjectName(u"welcomeLogin"_s);
    auto* demo = new QPushButton(tr("Try the demo server"));
    demo->setObjectName(u"welcomeDemo"_s);
    connect(login, &QPushButton::clicked, this, [this] { openLoginDialog(); });
    connect(demo, &QPushButton::clicked, this, [this] {
        QString error;
        if (!startDemo(&error))
            statusBar()->showMessage(tr("Cannot start the demo server: %1").arg(error), 10000);
    });
    auto* buttons = new QHBoxLayout;
    buttons->addStretch();
    buttons->addWidget(login);
    buttons->addWidget(demo);
    buttons->addStretch();
    auto* layout = new QVBoxLayout(page);
    layout->addStretch();
    layout->addWidget(text);
    layout->addLayout(buttons);
    layout->addStretch(2);
    return page;
}

// Sessions -----------------------------------------------------------------------------------

bool MainWindow::startDemo(QString* error)
{
    auto* session = new Session(this);
    session->setLongOutageMs(m_longOutageMs);
    sim::SimulatorOptions options;
    options.rate = 8;
    watchSession(session);
    if (!session->startDemo(options, error)) {
        delete session;
        return false;
    }
    addSessionView(session);
    setCurrentSession(session);
    return true;
}

Session* MainWindow::login(const Session::Login& given, bool remember, LoginDialog* dialog)
{
    Session::Login login = given;
    for (const QSslCertificate& c : AppSettings::trustedCertificates(login.server)) {
        if (!login.caCertificates.contains(c))
            login.caCertificates.append(c);
    }
    auto* session = new Session(this);
    session->setLongOutageMs(m_longOutageMs);
    if (dialog) {
        m_pending.append({session, dialog, remember});
        dialog->setBusy(true, tr("Connecting to %1…").arg(redactUrl(login.server)));
        connect(dialog, &LoginDialog::cancelRequested, session, [this, session] {
            for (qsizetype i = 0; i < m_pending.size(); ++i) {
                if (m_pending[i].session == session) {
                    m_pending.removeAt(i);
                    session->stop();
                    session->deleteLater();
                    return;
                }
            }
        });
        connect(session, &Session::stateChanged, dialog, [dialog](Connection::State state, const QString&) {
            if (dialog->isBusy())
                dialog->setBusy(true, tr("Connecting… (%1)").arg(StateBadge::stateText(state).toLower()));
        });
    }
    watchSession(session);
    session->start(login);
    if (!dialog) {
        addSessionView(session);
        m_remember.insert(session, remember);
    }
    return session;
}

void MainWindow::watchSession(Session* session)
{
    connect(session, &Session::stateChanged, this,
        [this, session](Connection::State state, const QString& reason) {
            const bool pending = std::any_of(m_pending.begin(), m_pending.end(),
                [session](const Pending& p) { return p.session == session; });
            if (pending) {
                if (state == Connection::State::Live)
                    finishPendingLogin(session);
                return;
            }
            SessionView* view = viewOf(session);
            if (state == Connection::State::Live && view && view->bannerVisible())
                view->hideBanner();
            if (state == Connection::State::AuthExpired && view) {
                view->showBanner(
                    tr("The login expired: %1")
                        .arg(reason.isEmpty() ? tr("the server refused to renew the session") : reason),
                    true);
            }
            updateTab(session);
            if (session == currentSession())
                updateStatus();
        });
    connect(session, &Session::failed, this,
        [this, session](Connection::Failure failure, const QString& message) {
            for (const Pending& p : std::as_const(m_pending)) {
                if (p.session == session)
                    return failPendingLogin(session, failure, message);
            }
            SessionView* view = viewOf(session);
            if (!view)
                return;
            if (!session->connection()->wasLive()) {
                // A restored login that did not work: the saved token was refused, or the server is gone.
                if (failure == Connection::Failure::AuthRefused && m_remember.value(session))
                    secretStore()->removeRefreshToken(
                        session->server(), session->email(), this, [](const QString&) {});
                view->showBanner(tr("Could not log in again to %1: %2").arg(session->title(), message), true);
                if (!m_restoreDialog) {
                    LoginDialog* dialog = openLoginDialog(session->server(), session->email());
                    dialog->setReplacing(session);
                    dialog->showFailure(failure, message);
                }
            } else if (failure != Connection::Failure::AuthRefused) {
                view->showBanner(tr("The connection ended: %1").arg(message), true);
            }
        });
    connect(session, &Session::updated, this, [this, session] {
        if (session == currentSession())
            updateStatus();
    });
    connect(session, &Session::longOutage, this,
        [this, session](const QString& message) { onLongOutage(session, message); });
    connect(session, &Session::directoryFailed, this, [this, session](const QString& message) {
        if (session == currentSession())
            statusBar()->showMessage(tr("Could not load the workspaces: %1").arg(message), 10000);
    });
}

void MainWindow::finishPendingLogin(Session* session)
{
    Pending pending;
    for (qsizetype i = 0; i < m_pending.size(); ++i) {
        if (m_pending[i].session == session) {
            pending = m_pending.takeAt(i);
            break;
        }
    }
    QPointer<Session> replacing = pending.dialog ? pending.dialog->replacing() : nullptr;
    if (pending.dialog) {
        pending.dialog->setBusy(false);
        pending.dialog->accept();
    }
    int index = -1;
    QList<quint32> tables;
    if (replacing) {
        if (SessionView* old = viewOf(replacing)) {
            index = int(m_views.indexOf(old));
            tables = old->openTables();
        }
        if (replacing->isDemo() && replacing->simulator()->baseUrl() == session->server())
            session->adoptSimulator(replacing);
        closeSession(replacing, false);
    }
    m_remember.insert(session, pending.remember);
    SessionView* view = addSessionView(session);
    if (index >= 0 && index < m_views.size() - 1) {
        m_views.removeOne(view);
        m_views.insert(index, view);
        if (!isSideBySide()) {
            m_tabs->removeTab(m_tabs->indexOf(view));
            m_tabs->insertTab(index, view, session->title());
            updateTab(session);
        } else if (QWidget* column = columnOf(view)) {
            m_split->insertWidget(index, column);
        }
    }
    const QString key = restoreKey(session->server(), session->email());
    tables += m_tablesToRestore.take(key);
    for (quint32 t : std::as_const(tables))
        view->openTable(t);
    AppSettings::addSavedServer({session->server(), session->email()});
    rememberToken(session, pending.remember);
    setCurrentSession(session);
}

void MainWindow::failPendingLogin(Session* session, Connection::Failure failure, const QString& message)
{
    for (qsizetype i = 0; i < m_pending.size(); ++i) {
        if (m_pending[i].session != session)
            continue;
        const Pending p = m_pending.takeAt(i);
        if (p.dialog)
            p.dialog->showFailure(failure, message);
        session->deleteLater();
        return;
    }
}

void MainWindow::rememberToken(Session* session, bool remember)
{
    if (session->isDemo())
        return; // --demo never touches the keychain
    SecretStore* secrets = secretStore();
    if (!remember) {
        secrets->removeRefreshToken(session->server(), session->email(), this, [](const QString&) {});
        return;
    }
    AuthSession* auth = session->rest() ? session->rest()->session() : nullptr;
    if (!auth)
        return;
    auto write = [this, session, auth, secrets] {
        if (!auth->hasRefreshToken())
            return; // drf-jwt servers (≤ 1.12) have none: nothing to remember
        const QByteArray hash = tokenHash(auth->refreshToken());
        if (m_storedTokenHash.value(session) == hash)
            return;
        m_storedTokenHash.insert(session, hash);
        secrets->writeRefreshToken(
            session->server(), session->email(), auth->refreshToken(), this, [this](const QString& error) {
                if (!error.isEmpty())
                    statusBar()->showMessage(
                        tr("Cannot store the login on this system: %1").arg(error), 10000);
            });
    };
    write();
    // A rotated refresh token replaces the stored one.
    connect(auth, &AuthSession::tokensChanged, session, write);
}

SessionView* MainWindow::addSessionView(Session* session)
{
    auto* view = new SessionView(session);
    m_views.append(view);
    connect(view, &SessionView::loginAgainRequested, this, [this](Session* s) {
        LoginDialog* dialog = openLoginDialog(s->server(), s->email());
        dialog->setReplacing(s);
    });
    view->setPeerSessions([this] { return sessions(); });
    connect(view, &SessionView::outOfSync, this,
        [this](const QString& title, const QString& text) { m_notifier->notify(title, text); });
    connect(view, &SessionView::pausedChanged, this, [this, view](bool paused, quint64 newWhilePaused) {
        view->setProperty("paused", paused);
        view->setProperty("newWhilePaused", newWhilePaused);
        if (view == currentView())
            updateStatus();
    });
    if (isSideBySide()) {
        m_split->addWidget(wrapInColumn(view));
    } else {
        m_tabs->addTab(view, session->title());
    }
    updateTab(session);
    for (const auto& [name, dock] : {std::pair {u"actionShowWorkspaces"_s, view->workspacesDock()},
             std::pair {u"actionShowSubscriptions"_s, view->subscriptionsDock()},
             std::pair {u"actionShowDiagnostics"_s, view->diagnosticsDock()}}) {
        if (!m_actions.value(name)->isChecked())
            dock->hide();
    }
    updateCentral();
    updateActions();
    return view;
}

void MainWindow::closeSession(Session* session, bool forget)
{
    SessionView* view = viewOf(session);
    if (view) {
        view->saveLayout();
        m_views.removeOne(view);
        if (m_focusedView == view)
            m_focusedView = nullptr;
        QWidget* column = columnOf(view);
        delete view;
        delete column;
    }
    if (forget && m_remember.value(session) && !session->isDemo())
        secretStore()->removeRefreshToken(session->server(), session->email(), this, [](const QString&) {});
    m_remember.remove(session);
    m_storedTokenHash.remove(session);
    session->stop();
    session->deleteLater();
    updateCentral();
    updateStatus();
    updateActions();
}

QList<Session*> MainWindow::sessions() const
{
    QList<Session*> out;
    for (SessionView* v : m_views)
        out.append(v->session());
    return out;
}

SessionView* MainWindow::viewOf(const Session* session) const
{
    for (SessionView* v : m_views) {
        if (v->session() == session)
            return v;
    }
    return nullptr;
}

SessionView* MainWindow::currentView() const
{
    if (isSideBySide())
        return m_focusedView && m_views.contains(m_focusedView.data()) ? m_focusedView.data()
                                                                       : m_views.value(0);
    return qobject_cast<SessionView*>(m_tabs->currentWidget());
}

Session* MainWindow::currentSession() const
{
    SessionView* v = currentView();
    return v ? v->session() : nullptr;
}

void MainWindow::setCurrentSession(Session* session)
{
    SessionView* view = viewOf(session);
    if (!view)
        return;
    if (isSideBySide())
        m_focusedView = view;
    else
        m_tabs->setCurrentWidget(view);
    updateStatus();
    updateActions();
}

void MainWindow::setSideBySide(bool on)
{
    SessionView* current = currentView();
    QAction* action = m_actions.value(u"actionSideBySide"_s);
    if (action->isChecked() != on)
        action->setChecked(on);
    // Move every view to its new home, keeping the order.
    for (SessionView* view : std::as_const(m_views)) {
        if (on) {
            const int index = m_tabs->indexOf(view);
            if (index >= 0)
                m_tabs->removeTab(index);
            if (!columnOf(view))
                m_split->addWidget(wrapInColumn(view));
        } else if (QWidget* column = columnOf(view)) {
            column->findChild<QScrollArea*>()->takeWidget();
            delete column;
            m_tabs->addTab(view, view->session()->title());
        }
        view->show();
        updateTab(view->session());
    }
    if (on) {
        QList<int> sizes;
        for (int i = 0; i < m_split->count(); ++i)
            sizes.append(1000);
        m_split->setSizes(sizes);
        m_focusedView = current;
    } else if (current) {
        m_tabs->setCurrentWidget(current);
    }
    updateCentral();
    updateStatus();
    updateActions();
}

QWidget* MainWindow::wrapInColumn(SessionView* view)
{
    // A column names its login (who receives what is the point of this view) and scrolls rather
    // than forcing the window wider than the screen: a session view needs more than half a window.
    auto* column = new QWidget;
    column->setObjectName(u"sideBySideColumn"_s);
    auto* title = new QLabel;
    title->setObjectName(u"columnTitle"_s);
    title->setContentsMargins(8, 4, 8, 4);
    auto* area = new QScrollArea;
    area->setFrameShape(QFrame::NoFrame);
    area->setWidgetResizable(true);
    area->setWidget(view);
    auto* layout = new QVBoxLayout(column);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(title);
    layout->addWidget(area, 1);
    column->setMinimumWidth(280);
    return column;
}

QWidget* MainWindow::columnOf(const SessionView* view) const
{
    for (QWidget* w = view->parentWidget(); w; w = w->parentWidget()) {
        if (w->objectName() == "sideBySideColumn"_L1)
            return w;
        if (w == m_split)
            break;
    }
    return nullptr;
}

bool MainWindow::isSideBySide() const
{
    return m_actions.value(u"actionSideBySide"_s)->isChecked();
}

QAction* MainWindow::action(const QString& objectName) const
{
    return m_actions.value(objectName);
}

// Presentation -------------------------------------------------------------------------------

void MainWindow::updateCentral()
{
    if (m_views.isEmpty())
        m_central->setCurrentIndex(0);
    else
        m_central->setCurrentWidget(isSideBySide() ? static_cast<QWidget*>(m_split) : m_tabs);
}

void MainWindow::updateTab(Session* session)
{
    SessionView* view = viewOf(session);
    if (!view)
        return;
    const Connection* c = session->connection();
    const Connection::State state = c ? c->state() : Connection::State::Disconnected;
    QString title = session->title();
    if (session->isDemo())
        title = tr("%1 (demo)").arg(title);
    const int index = m_tabs->indexOf(view);
    if (index >= 0) {
        m_tabs->setTabText(index, title);
        m_tabs->setTabIcon(index, dotIcon(StateBadge::stateColor(state)));
        m_tabs->setTabToolTip(index,
            session->isReplay() ? QDir::toNativeSeparators(session->recordingPath())
                                : tr("%1 — %2").arg(title, StateBadge::stateText(state)));
    }
    view->setWindowTitle(title);
    if (QWidget* column = columnOf(view)) {
        if (auto* label = column->findChild<QLabel*>(u"columnTitle"_s)) {
            label->setText(u"<span style=\"color:%1\">●</span> <b>%2</b> — %3"_s.arg(
                StateBadge::stateColor(state).name(), title.toHtmlEscaped(), StateBadge::stateText(state)));
        }
    }
}

void MainWindow::updateStatus()
{
    Session* session = currentSession();
    if (!session) {
        m_badge->clearState();
        m_sessionLabel->setText(m_pending.isEmpty() ? tr("No login") : tr("Logging in…"));
        m_rate->clear();
        m_total->clear();
        m_paused->hide();
        m_recording->hide();
        m_loading->hide();
        setWindowTitle(tr("Baserow Monitor"));
        return;
    }
    if (const Connection* c = session->connection())
        m_badge->setState(c->state());
    else
        m_badge->clearState();
    if (session->isRecording()) {
        m_recording->setText(tr("● REC %1").arg(QFileInfo(session->recorder()->writer().path()).fileName()));
        m_recording->setToolTip(QDir::toNativeSeparators(session->recorder()->writer().path()));
        m_recording->show();
    } else {
        m_recording->hide();
    }
    m_loading->setVisible(session->isLoading());
    QString title = session->title();
    if (session->isDemo())
        title = tr("%1 (demo)").arg(title);
    m_sessionLabel->setText(title);
    setWindowTitle(tr("%1 — Baserow Monitor").arg(title));
    // Events per second over the last ten whole seconds, ending now (idle reads 0).
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    quint64 sum = 0;
    for (quint32 n : session->rates().eventsPerSecond(10, now - 1))
        sum += n;
    m_rate->setText(tr("%1 events/s").arg(QLocale().toString(double(sum) / 10.0, 'f', 1)));
    m_total->setText(tr("%1 events").arg(QLocale().toString(session->store().count())));
    SessionView* view = currentView();
    const bool paused = view && view->property("paused").toBool();
    m_actions.value(u"actionPause"_s)->setChecked(paused);
    if (paused) {
        m_paused->setText(tr("Paused · %L1 new").arg(view->property("newWhilePaused").toULongLong()));
        m_paused->show();
    } else {
        m_paused->hide();
    }
}

void MainWindow::updateActions()
{
    Session* session = currentSession();
    const bool has = session != nullptr;
    for (const char* name :
        {"actionCloseLogin", "actionFilter", "actionPause", "actionClear", "actionCopyJson"})
        m_actions.value(QLatin1String(name))->setEnabled(has);
    // A recording has no server: nothing to subscribe, fetch, compare or record.
    const bool live = has && session->connection() != nullptr;
    for (const char* name : {"actionRefresh", "actionSubscribe", "actionCompare", "actionRecord"})
        m_actions.value(QLatin1String(name))->setEnabled(live);
    const bool recording = live && session->isRecording();
    QAction* record = m_actions.value(u"actionRecord"_s);
    record->setText(recording ? tr("Stop &Recording") : tr("&Record to File…"));
    record->setIcon(style()->standardIcon(recording ? QStyle::SP_MediaStop : QStyle::SP_DialogSaveButton));
    record->setToolTip(recording ? tr("Stop recording and close the file")
                                 : tr("Record everything this login receives to a file"));
}

// Recordings ---------------------------------------------------------------------------------

void MainWindow::chooseRecordingToOpen()
{
    auto* dialog = new QFileDialog(this, tr("Open Recording"));
    dialog->setObjectName(u"openRecordingDialog"_s);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setAcceptMode(QFileDialog::AcceptOpen);
    dialog->setFileMode(QFileDialog::ExistingFile);
    dialog->setNameFilters({tr("Recordings (*.jsonl *.bmon)"), tr("All files (*)")});
    if (QGuiApplication::platformName() == "offscreen"_L1)
        dialog->setOption(QFileDialog::DontUseNativeDialog);
    connect(dialog, &QFileDialog::fileSelected, this, [this](const QString& path) { openRecording(path); });
    dialog->open();
}

void MainWindow::chooseRecordingTarget()
{
    Session* session = currentSession();
    if (!session || !session->connection())
        return;
    auto* dialog = new QFileDialog(this, tr("Record to File"));
    dialog->setObjectName(u"recordFileDialog"_s);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setFileMode(QFileDialog::AnyFile);
    // Appending is the point (several sessions in one file): no overwrite question.
    dialog->setOption(QFileDialog::DontConfirmOverwrite);
    dialog->setDefaultSuffix(u"jsonl"_s);
    dialog->setNameFilters({tr("Recordings (*.jsonl *.bmon)"), tr("All files (*)")});
    if (QGuiApplication::platformName() == "offscreen"_L1)
        dialog->setOption(QFileDialog::DontUseNativeDialog);
    QPointer<Session> target = session;
    connect(dialog, &QFileDialog::fileSelected, this, [this, target](const QString& path) {
        if (target && target == currentSession())
            startRecording(path);
    });
    dialog->open();
}

void MainWindow::showRecordingError(const QString& text)
{
    statusBar()->showMessage(text, 15000);
    auto* box = new QMessageBox(QMessageBox::Warning, tr("Recording"), text, QMessageBox::Ok, this);
    box->setObjectName(u"recordingErrorBox"_s);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

Session* MainWindow::openRecording(const QString& path)
{
    auto* session = new Session(this);
    QString error;
    if (!session->openRecording(path, &error)) {
        delete session;
        showRecordingError(error);
        return nullptr;
    }
    connect(session, &Session::updated, this, [this, session] {
        if (session == currentSession())
            updateStatus();
    });
    connect(session, &Session::loadProgress, this, [this, session](qint64 done, qint64 total) {
        if (session != currentSession())
            return;
        m_loading->setValue(total > 0 ? int(done * 1000 / total) : 0);
        m_loading->show();
    });
    connect(
        session, &Session::loadFinished, this, [this, session](qint64 frames, const QStringList& warnings) {
            if (session == currentSession())
                m_loading->hide();
            const QString name = QFileInfo(session->recordingPath()).fileName();
            if (warnings.isEmpty())
                statusBar()->showMessage(tr("%1: %Ln frame(s) read", nullptr, frames).arg(name), 10000);
            else
                statusBar()->showMessage(tr("%1: %Ln frame(s) read; %2 line(s) skipped: %3", nullptr, frames)
                                             .arg(name)
                                             .arg(warnings.size())
                                             .arg(warnings.first()),
                    30000);
            updateStatus();
        });
    addSessionView(session);
    setCurrentSession(session);
    m_loading->setValue(0);
    m_loading->show();
    return session;
}

bool MainWindow::startRecording(const QString& path)
{
    Session* session = currentSession();
    if (!session)
        return false;
    recording::Header header;
    header.appVersion = QStringLiteral(BMON_VERSION_STRING);
    header.backendUrl = redactUrl(session->server());
    header.startUs = Clock::system()->nowUs();
    header.login = session->email();
    if (const Connection* c = session->connection(); c && c->serverVersion().code() > 0)
        header.serverVersion = c->serverVersion().toString();
    QString error;
    if (!session->startRecording(path, header, &error)) {
        showRecordingError(tr("Cannot record to %1: %2").arg(QFileInfo(path).fileName(), error));
        return false;
    }
    // Once per session: a write error stops recording by itself.
    if (!session->property("recordingWatched").toBool()) {
        session->setProperty("recordingWatched", true);
        connect(session, &Session::recordingFailed, this, [this](const QString& message) {
            showRecordingError(tr("Recording stopped: %1").arg(message));
            updateStatus();
            updateActions();
        });
    }
    statusBar()->showMessage(tr("Recording to %1").arg(QDir::toNativeSeparators(path)), 5000);
    updateStatus();
    updateActions();
    return true;
}

void MainWindow::stopRecording()
{
    Session* session = currentSession();
    if (!session || !session->isRecording())
        return;
    const QString file = session->recorder()->writer().path();
    const quint64 frames = session->recorder()->framesRecorded();
    session->stopRecording();
    statusBar()->showMessage(
        tr("Recorded %Ln frame(s) to %1", nullptr, qint64(frames)).arg(QDir::toNativeSeparators(file)),
        10000);
    updateStatus();
    updateActions();
}

void MainWindow::onLongOutage(Session* session, const QString& message)
{
    if (SessionView* view = viewOf(session))
        view->showBanner(message, false);
    m_notifier->notify(tr("Baserow Monitor: connection down"), message);
}

void MainWindow::showAbout()
{
    auto* box = new QMessageBox(QMessageBox::Information, tr("About Baserow Monitor"),
        tr("<h3>Baserow Monitor %1</h3><p>Watches a Baserow server's realtime WebSocket: the live event "
           "stream, "
           "workspaces and tables, subscriptions and connection diagnostics.</p><p>Built with Qt %2. MIT "
           "licence.</p>")
            .arg(QStringLiteral(BMON_VERSION_STRING), QString::fromLatin1(qVersion())),
        QMessageBox::Ok, this);
    box->setObjectName(u"aboutBox"_s);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

// Login dialog and restore --------------------------------------------------------------------

LoginDialog* MainWindow::openLoginDialog(const QUrl& server, const QString& email)
{
    auto* dialog = new LoginDialog(secretStore(), this);
    if (server.isValid() || !email.isEmpty())
        dialog->prefill(server, email);
    connect(dialog, &LoginDialog::loginRequested, this,
        [this, dialog](const Session::Login& l, bool remember) { login(l, remember, dialog); });
    connect(dialog, &LoginDialog::demoRequested, this, [this, dialog] {
        QString error;
        if (startDemo(&error))
            dialog->accept();
        else
            dialog->showFailure(
                Connection::Failure::Other, tr("Cannot start the demo server: %1").arg(error));
    });
    dialog->show();
    dialog->raise();
    dialog->activateWindow();
    return dialog;
}

void MainWindow::restoreLastSession()
{
    if (!m_rememberSessions)
        return;
    for (const AppSettings::SessionEntry& e : AppSettings::lastSession()) {
        if (e.demo) {
            QString error;
            if (startDemo(&error)) {
                for (quint32 t : e.tables)
                    m_views.last()->openTable(t);
            }
            continue;
        }
        m_tablesToRestore.insert(restoreKey(e.server, e.email), e.tables);
        if (!e.remember) {
            m_restorePrompts.append({e.server, e.email});
            continue;
        }
        secretStore()->readRefreshToken(
            e.server, e.email, this, [this, e](const QString& token, const QString&) {
                if (token.isEmpty()) {
                    m_restorePrompts.append({e.server, e.email});
                    openNextRestorePrompt();
                    return;
                }
                Session::Login l;
                l.server = e.server;
                l.email = e.email;
                l.refreshToken = token;
                Session* session = login(l, true);
                m_storedTokenHash.insert(session, tokenHash(token));
                rememberToken(session, true);
                SessionView* view = viewOf(session);
                for (quint32 t : m_tablesToRestore.take(restoreKey(e.server, e.email)))
                    view->openTable(t);
            });
    }
    openNextRestorePrompt();
}

void MainWindow::openNextRestorePrompt()
{
    if (m_restoreDialog || m_restorePrompts.isEmpty())
        return;
    const auto [server, email] = m_restorePrompts.takeFirst();
    m_restoreDialog = openLoginDialog(server, email);
    connect(m_restoreDialog, &QObject::destroyed, this,
        [this] { QTimer::singleShot(0, this, &MainWindow::openNextRestorePrompt); });
}

void MainWindow::saveSettings()
{
    AppSettings::setValue(u"window/geometry"_s, saveGeometry());
    AppSettings::setValue(u"window/state"_s, saveState());
    AppSettings::setFlag(u"ui/sideBySide"_s, isSideBySide());
    if (SessionView* v = currentView())
        v->saveLayout();
    if (!m_rememberSessions)
        return;
    QList<AppSettings::SessionEntry> entries;
    for (SessionView* v : std::as_const(m_views)) {
        Session* s = v->session();
        if (s->isReplay())
            continue; // a file, not a login
        AppSettings::SessionEntry e;
        e.demo = s->isDemo();
        e.server = s->server();
        e.email = s->email();
        e.remember = m_remember.value(s);
        e.tables = v->openTables();
        entries.append(e);
    }
    AppSettings::setLastSession(entries);
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    saveSettings();
    QMainWindow::closeEvent(event);
}

} // namespace bmon
