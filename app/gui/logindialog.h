// SPDX-License-Identifier: MIT
#pragma once

#include "session.h"

#include <QDialog>
#include <QPointer>
#include <QSslCertificate>

class QCheckBox;
class QComboBox;
class QFrame;
class QLabel;
class QLineEdit;
class QPushButton;
class QSslSocket;

namespace bmon {

class SecretStore;

/*!
 * Logging in, non-modal (shown with show(), never exec()): backend URL, e-mail and password or a
 * pasted refresh token (SSO), "remember me" (refresh token to the keychain only), saved servers
 * (URL + e-mail from QSettings) and "Try the demo server". The window does the login
 * (loginRequested()) and reports back: setBusy() while it runs, showFailure() with the failure's
 * own text inline when it fails; on success it closes the dialog. A TLS failure shows the
 * certificate's details and offers to trust that certificate for this server.
 */
class LoginDialog : public QDialog
{
    Q_OBJECT
public:
    explicit LoginDialog(SecretStore* secrets, QWidget* parent = nullptr);
    ~LoginDialog() override;

    //! Fills in the server and e-mail (e.g. from --server or a restored session).
    void prefill(const QUrl& server, const QString& email = {});
    //! The login as entered (password included; it only lives until the dialog closes).
    std::optional<Session::Login> currentLogin(QString* error = nullptr) const;
    bool remember() const;

    void setBusy(bool busy, const QString& progress = {});
    bool isBusy() const { return m_busy; }
    //! Shows a failed login inline with a headline for its kind and the details.
    void showFailure(Connection::Failure failure, const QString& message);
    void clearFailure();
    QString failureText() const; //!< headline + details as shown (tests)

    //! The session this dialog logs in again for (after an expired login), or nullptr.
    void setReplacing(Session* session) { m_replacing = session; }
    Session* replacing() const { return m_replacing; }

signals:
    void loginRequested(const bmon::Session::Login& login, bool remember);
    void demoRequested();
    void cancelRequested();

private:
    void submit();
    void updateMode();
    void updateKeychainNote();
    void fetchCertificate(const QUrl& server);

    QPointer<SecretStore> m_secrets;
    QComboBox* m_saved;
    QLineEdit* m_server;
    QLineEdit* m_email;
    QLineEdit* m_password;
    QLineEdit* m_token;
    QCheckBox* m_sso;
    QCheckBox* m_remember;
    QLabel* m_keychainNote;
    QFrame* m_errorBox;
    QLabel* m_errorTitle;
    QLabel* m_error;
    QPushButton* m_trust;
    QLabel* m_progress;
    QPushButton* m_login;
    QPushButton* m_demo;
    QPushButton* m_cancel;
    bool m_busy = false;
    QPointer<Session> m_replacing;
    QSslSocket* m_certProbe = nullptr;
    QSslCertificate m_untrusted;
    QUrl m_untrustedServer;
};

} // namespace bmon
