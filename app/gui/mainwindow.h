// SPDX-License-Identifier: MIT
#pragma once

#include "session.h"

#include <QHash>
#include <QList>
#include <QMainWindow>
#include <QPointer>

class QAction;
class QActionGroup;
class QLabel;
class QProgressBar;
class QScrollArea;
class QSplitter;
class QStackedWidget;
class QTabWidget;

namespace bmon {

class LoginDialog;
class Notifier;
class SecretStore;
class SessionView;
class StateBadge;

/*!
 * The application window: one tab per login (or all logins side by side, to compare what two
 * users receive), menus and a toolbar for every action, a status bar with the current session's
 * state badge, events/s and total events. Logins go through the non-modal LoginDialog; remembered
 * logins come back from the SecretStore (refresh tokens only); the last session's servers and
 * open table tabs, the window geometry, docks, splitters, columns and the theme are restored
 * from QSettings. A connection down for over a minute shows a banner and a desktop notification.
 */
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    //! The keychain by default (created on first use, so --demo never touches it). Takes
    //! ownership when \a store has no parent.
    void setSecretStore(SecretStore* store);
    SecretStore* secretStore();
    //! Whether the list of logins is restored and saved (off for --demo runs and tests).
    void setRememberSessions(bool remember) { m_rememberSessions = remember; }
    //! How long a connection must be down before the notification (default 60 s).
    void setLongOutageMs(qint64 ms) { m_longOutageMs = ms; }

    //! Starts the built-in simulator (rate 8, default profile) and adds its session.
    bool startDemo(QString* error);
    //! Logs in. With \a dialog the session is added once live and failures go to the dialog;
    //! without, it is added at once (restored logins). Returns the new session.
    Session* login(const Session::Login& login, bool remember, LoginDialog* dialog = nullptr);
    //! Opens a (non-modal) login dialog, pre-filled.
    LoginDialog* openLoginDialog(const QUrl& server = {}, const QString& email = {});
    /*!
     * Opens a recording read-only in a new tab "<file> (recording)", read on a worker thread with
     * a progress bar in the status bar. On an error (missing, empty, not a recording, newer
     * version) the message goes to the status bar and a non-modal box, no tab is added: nullptr.
     */
    Session* openRecording(const QString& path);
    //! Records the current login, appending to \a path; false (message shown) when it cannot.
    bool startRecording(const QString& path);
    //! Stops recording the current login (the file is complete when this returns).
    void stopRecording();
    //! Logs in again to the last session's servers and reopens their table tabs.
    void restoreLastSession();
    void saveSettings();

    QList<Session*> sessions() const;
    Session* currentSession() const;
    SessionView* viewOf(const Session* session) const;
    void setCurrentSession(Session* session);
    //! Closes a login; \a forget also removes its remembered token.
    void closeSession(Session* session, bool forget = true);

    void setSideBySide(bool on);
    bool isSideBySide() const;
    Notifier* notifier() const { return m_notifier; }
    QAction* action(const QString& objectName) const;

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    struct Pending
    {
        Session* session = nullptr;
        QPointer<LoginDialog> dialog;
        bool remember = false;
    };

    void createActions();
    void createMenus();
    void createStatusBar();
    QWidget* createWelcome();
    SessionView* addSessionView(Session* session);
    void watchSession(Session* session);
    void finishPendingLogin(Session* session);
    void failPendingLogin(Session* session, Connection::Failure failure, const QString& message);
    void rememberToken(Session* session, bool remember);
    void updateCentral();
    void updateStatus();
    void updateTab(Session* session);
    void updateActions();
    void onLongOutage(Session* session, const QString& message);
    void showAbout();
    void chooseRecordingToOpen();
    void chooseRecordingTarget();
    void showRecordingError(const QString& text);
    void openNextRestorePrompt();
    SessionView* currentView() const;
    QWidget* wrapInColumn(SessionView* view);
    QWidget* columnOf(const SessionView* view) const;

    QStackedWidget* m_central;
    QTabWidget* m_tabs;
    QSplitter* m_split;
    QList<SessionView*> m_views; //!< in tab order
    QList<Pending> m_pending;
    QHash<Session*, bool> m_remember;
    QHash<Session*, QByteArray> m_storedTokenHash; //!< sha256 of the token last written (not the token)
    QHash<QString, QList<quint32>> m_tablesToRestore; //!< "email@url" → table ids
    QList<QPair<QUrl, QString>> m_restorePrompts;
    QPointer<LoginDialog> m_restoreDialog;
    QPointer<SessionView> m_focusedView;
    SecretStore* m_secrets = nullptr;
    Notifier* m_notifier;
    bool m_rememberSessions = true;
    qint64 m_longOutageMs = 60'000;

    StateBadge* m_badge;
    QLabel* m_sessionLabel;
    QLabel* m_rate;
    QLabel* m_total;
    QLabel* m_paused;
    QLabel* m_recording; //!< "● REC file" while the current login is recorded
    QProgressBar* m_loading; //!< reading a recording
    QActionGroup* m_themeGroup;
    QHash<QString, QAction*> m_actions;
};

} // namespace bmon
