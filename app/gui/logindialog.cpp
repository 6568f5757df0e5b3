// SPDX-License-Identifier: MIT
#include "logindialog.h"

#include "appsettings.h"
#include "core/redact.h"
#include "secretstore.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCryptographicHash>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSslSocket>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace bmon {

LoginDialog::LoginDialog(SecretStore* secrets, QWidget* parent) : QDialog(parent), m_secrets(secrets)
{
    setObjectName(u"loginDialog"_s);
    setWindowTitle(tr("Log in to Baserow"));
    setModal(false);
    setAttribute(Qt::WA_DeleteOnClose);

    m_saved = new QComboBox;
    m_saved->setObjectName(u"savedServers"_s);
    m_saved->addItem(tr("New server…"));
    for (const AppSettings::SavedServer& s : AppSettings::savedServers())
        m_saved->addItem(tr("%1 — %2").arg(s.email, redactUrl(s.server)), QVariantList {s.server, s.email});
    m_saved->setEnabled(m_saved->count() > 1);

    m_server = new QLineEdit;
    m_server->setObjectName(u"serverEdit"_s);
    m_server->setPlaceholderText(u"https://api.baserow.io"_s);
    m_server->setToolTip(tr("The backend's address, as in the browser for Baserow Cloud "
                            "(https://api.baserow.io) or your own server's URL."));
    m_email = new QLineEdit;
    m_email->setObjectName(u"emailEdit"_s);
    m_email->setPlaceholderText(tr("you@example.com"));
    m_password = new QLineEdit;
    m_password->setObjectName(u"passwordEdit"_s);
    m_password->setEchoMode(QLineEdit::Password);
    m_token = new QLineEdit;
    m_token->setObjectName(u"refreshTokenEdit"_s);
    m_token->setEchoMode(QLineEdit::Password);
    m_token->setPlaceholderText(tr("Paste the refresh token from your browser session"));
    m_sso = new QCheckBox(tr("I sign in with SSO: use a refresh token instead of a password"));
    m_sso->setObjectName(u"ssoCheck"_s);
    m_remember = new QCheckBox(tr("Remember me (the login is kept in the system keychain)"));
    m_remember->setObjectName(u"rememberCheck"_s);
    m_keychainNote = new QLabel;
    m_keychainNote->setObjectName(u"keychainNote"_s);
    m_keychainNote->setWordWrap(true);
    m_keychainNote->setForegroundRole(QPalette::PlaceholderText);
    m_keychainNote->hide();

    m_errorBox = new QFrame;
    m_errorBox->setObjectName(u"loginErrorBox"_s);
    m_errorBox->setFrameShape(QFrame::StyledPanel);
    m_errorBox->setStyleSheet(u"#loginErrorBox { border: 1px solid #d23f31; border-radius: 4px; }"_s);
    m_errorTitle = new QLabel;
    m_errorTitle->setObjectName(u"loginErrorTitle"_s);
    m_errorTitle->setStyleSheet(u"color: #d23f31; font-weight: 600;"_s);
    m_error = new QLabel;
    m_error->setObjectName(u"loginError"_s);
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setTextFormat(Qt::PlainText);
    m_trust = new QPushButton;
    m_trust->setObjectName(u"trustButton"_s);
    m_trust->hide();
    auto* errorLayout = new QVBoxLayout(m_errorBox);
    errorLayout->addWidget(m_errorTitle);
    errorLayout->addWidget(m_error);
    errorLayout->addWidget(m_trust, 0, Qt::AlignLeft);
    m_errorBox->hide();

    m_progress = new QLabel;
    m_progress->setObjectName(u"loginProgress"_s);
    m_progress->hide();

    auto* form = new QFormLayout;
    form->addRow(tr("Saved"), m_saved);
    form->addRow(tr("Backend URL"), m_server);
    form->addRow(tr("E-mail"), m_email);
    form->addRow(tr("Password"), m_password);
    form->addRow(tr("Refresh token"), m_token);
    form->addRow(QString(), m_sso);
    form->addRow(QString(), m_remember);

    m_login = new QPushButton(tr("Log in"));
    m_login->setObjectName(u"loginButton"_s);
    m_login->setDefault(true);
    m_demo = new QPushButton(tr("Try the demo server"));
    m_demo->setObjectName(u"demoButton"_s);
    m_demo->setToolTip(tr("Start the built-in Baserow simulator with simulated collaborators and watch it."));
    m_cancel = new QPushButton(tr("Cancel"));
    m_cancel->setObjectName(u"cancelButton"_s);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_demo);
    buttons->addStretch();
    buttons->addWidget(m_cancel);
    buttons->addWidget(m_login);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_keychainNote);
    layout->addWidget(m_errorBox);
    layout->addWidget(m_progress);
    layout->addStretch();
    layout->addLayout(buttons);
    setMinimumWidth(520);

    connect(m_saved, &QComboBox::activated, this, [this](int index) {
        const QVariantList v = m_saved->itemData(index).toList();
        if (v.size() == 2)
            prefill(v[0].toUrl(), v[1].toString());
    });
    connect(m_sso, &QCheckBox::toggled, this, &LoginDialog::updateMode);
    connect(m_login, &QPushButton::clicked, this, &LoginDialog::submit);
    connect(m_demo, &QPushButton::clicked, this, &LoginDialog::demoRequested);
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        if (m_busy)
            emit cancelRequested();
        reject();
    });
    connect(m_trust, &QPushButton::clicked, this, [this] {
        if (m_untrusted.isNull())
            return;
        AppSettings::addTrustedCertificate(m_untrustedServer, m_untrusted);
        m_untrusted = QSslCertificate();
        submit();
    });
    if (m_secrets) {
        connect(m_secrets, &SecretStore::availabilityChanged, this, &LoginDialog::updateKeychainNote);
        if (m_secrets->availability() == SecretStore::Availability::Unknown)
            m_secrets->probe();
    }
    updateMode();
    updateKeychainNote();
}

LoginDialog::~LoginDialog()
{
    // The password lives in the line edit only: wipe it.
    m_password->clear();
    m_token->clear();
}

void LoginDialog::prefill(const QUrl& server, const QString& email)
{
    if (server.isValid())
        m_server->setText(server.toString());
    if (!email.isEmpty())
        m_email->setText(email);
    (m_server->text().isEmpty() ? m_server : m_email->text().isEmpty() ? m_email : m_password)->setFocus();
}

void LoginDialog::updateMode()
{
    const bool sso = m_sso->isChecked();
    auto* form = qobject_cast<QFormLayout*>(static_cast<QVBoxLayout*>(layout())->itemAt(0)->layout());
    if (form) {
        form->setRowVisible(m_email, true);
        form->setRowVisible(m_password, !sso);
        form->setRowVisible(m_token, sso);
    }
}

void LoginDialog::updateKeychainNote()
{
    const bool unavailable
        = !m_secrets || m_secrets->availability() == SecretStore::Availability::Unavailable;
    if (unavailable) {
        const QString reason = m_secrets ? m_secrets->reason() : tr("no keychain support in this build");
        m_keychainNote->setText(tr("Cannot store the login on this system: %1. You will be asked to log in "
                                   "again next time.")
                                    .arg(reason));
        m_remember->setChecked(false);
    }
    m_keychainNote->setVisible(unavailable);
    m_remember->setEnabled(!unavailable && !m_busy);
}

std::optional<Session::Login> LoginDialog::currentLogin(QString* error) const
{
    auto fail = [error](const QString& text) -> std::optional<Session::Login> {
        if (error)
            *error = text;
        return std::nullopt;
    };
    QString text = m_server->text().trimmed();
    if (text.isEmpty())
        return fail(tr("Enter the backend URL, e.g. https://api.baserow.io"));
    if (!text.contains(u"://"_s))
        text.prepend(u"https://"_s);
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty() || (url.scheme() != "http"_L1 && url.scheme() != "https"_L1))
        return fail(
            tr("“%1” is not an http:// or https:// address.").arg(redactSecrets(m_server->text().trimmed())));
    Session::Login login;
    login.server = url.adjusted(QUrl::RemoveQuery | QUrl::RemoveFragment | QUrl::StripTrailingSlash);
    if (!url.userInfo().isEmpty())
        return fail(tr("Put the e-mail and password in their own fields, not in the URL."));
    login.email = m_email->text().trimmed();
    if (m_sso->isChecked()) {
        login.refreshToken = m_token->text().trimmed();
        if (login.refreshToken.isEmpty())
            return fail(tr("Paste your refresh token."));
    } else {
        if (login.email.isEmpty())
            return fail(tr("Enter your e-mail address."));
        login.password = m_password->text();
        if (login.password.isEmpty())
            return fail(tr("Enter your password."));
    }
    login.caCertificates = AppSettings::trustedCertificates(login.server);
    return login;
}

bool LoginDialog::remember() const
{
    return m_remember->isEnabled() && m_remember->isChecked();
}

void LoginDialog::submit()
{
    if (m_busy)
        return;
    QString error;
    const auto login = currentLogin(&error);
    if (!login) {
        m_errorTitle->setText(tr("Check the form"));
        m_error->setText(error);
        m_trust->hide();
        m_errorBox->show();
        adjustSize();
        return;
    }
    clearFailure();
    emit loginRequested(*login, remember());
}

void LoginDialog::setBusy(bool busy, const QString& progress)
{
    m_busy = busy;
    for (QWidget* w :
        {static_cast<QWidget*>(m_saved), static_cast<QWidget*>(m_server), static_cast<QWidget*>(m_email),
            static_cast<QWidget*>(m_password), static_cast<QWidget*>(m_token), static_cast<QWidget*>(m_sso),
            static_cast<QWidget*>(m_login), static_cast<QWidget*>(m_demo)})
        w->setEnabled(!busy);
    m_saved->setEnabled(!busy && m_saved->count() > 1);
    updateKeychainNote();
    m_progress->setText(progress);
    m_progress->setVisible(busy && !progress.isEmpty());
    m_cancel->setText(busy ? tr("Stop") : tr("Cancel"));
}

void LoginDialog::clearFailure()
{
    m_errorBox->hide();
    m_trust->hide();
}

QString LoginDialog::failureText() const
{
    if (m_errorBox->isHidden())
        return {};
    return QString(m_errorTitle->text() + u'\n' + m_error->text());
}

void LoginDialog::showFailure(Connection::Failure failure, const QString& message)
{
    setBusy(false);
    QString title;
    switch (failure) {
    case Connection::Failure::AuthRefused:
        title = m_sso->isChecked() ? tr("The refresh token was refused") : tr("Wrong e-mail or password");
        break;
    case Connection::Failure::Unreachable:
        title = tr("Cannot reach the server");
        break;
    case Connection::Failure::Tls:
        title = tr("TLS problem: the server's certificate is not trusted");
        break;
    case Connection::Failure::NotBaserow:
        title = tr("This is not a Baserow server");
        break;
    case Connection::Failure::Unsupported:
        title = tr("Unsupported Baserow version");
        break;
    case Connection::Failure::ConnectionLost:
        title = tr("The connection was lost");
        break;
    case Connection::Failure::None:
    case Connection::Failure::Other:
        title = tr("The login failed");
        break;
    }
    m_errorTitle->setText(title);
    m_error->setText(redactSecrets(message));
    m_trust->hide();
    m_errorBox->show();
    adjustSize(); // room for the whole text
    if (failure == Connection::Failure::Tls) {
        if (const auto login = currentLogin())
            fetchCertificate(login->server);
    } else if (failure == Connection::Failure::AuthRefused) {
        m_password->selectAll();
        m_password->setFocus();
    }
}

void LoginDialog::fetchCertificate(const QUrl& server)
{
    // Ask the server for its certificate ourselves (the failed login does not hand it over), so
    // the user can choose to trust exactly that certificate for this server.
    if (server.scheme() != "https"_L1)
        return;
    delete m_certProbe;
    m_certProbe = new QSslSocket(this);
    m_certProbe->setPeerVerifyMode(QSslSocket::QueryPeer);
    QSslSocket* probe = m_certProbe;
    // Only this probe ignores the errors: it sends nothing and is aborted once it has the certificate.
    connect(probe, &QSslSocket::sslErrors, probe,
        [probe](const QList<QSslError>& errors) { probe->ignoreSslErrors(errors); });
    connect(probe, &QSslSocket::encrypted, this, [this, probe, server] {
        const QSslCertificate cert = probe->peerCertificate();
        probe->abort();
        if (cert.isNull())
            return;
        m_untrusted = cert;
        m_untrustedServer = server;
        m_trust->setText(tr("Trust this certificate for %1 and log in").arg(server.host()));
        m_trust->setToolTip(
            tr("SHA-256 %1").arg(QString::fromLatin1(cert.digest(QCryptographicHash::Sha256).toHex(':'))));
        m_trust->show();
        adjustSize();
    });
    m_certProbe->connectToHostEncrypted(server.host(), quint16(server.port(443)));
}

} // namespace bmon
