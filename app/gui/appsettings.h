// SPDX-License-Identifier: MIT
#pragma once

#include "theme.h"

#include <QByteArray>
#include <QList>
#include <QSslCertificate>
#include <QString>
#include <QUrl>

namespace bmon {

/*!
 * What the window remembers between runs, in QSettings: saved servers (URL + e-mail), the last
 * session's logins with their open table tabs, trusted certificates, the theme, layout blobs.
 * Never a password or a token: those go to the SecretStore (refresh tokens) or nowhere.
 */
class AppSettings
{
public:
    struct SavedServer
    {
        QUrl server;
        QString email;
        friend bool operator==(const SavedServer& a, const SavedServer& b)
        {
            return a.server == b.server && a.email.compare(b.email, Qt::CaseInsensitive) == 0;
        }
    };

    struct SessionEntry
    {
        QUrl server; //!< empty for the demo
        QString email;
        bool demo = false;
        bool remember = false; //!< a refresh token is in the keychain
        QList<quint32> tables; //!< open table tabs, in tab order
    };

    static constexpr int MaxSavedServers = 12;

    static QList<SavedServer> savedServers();
    //! Moves \a server to the front of the list (adding it when new).
    static void addSavedServer(const SavedServer& server);

    static QList<SessionEntry> lastSession();
    static void setLastSession(const QList<SessionEntry>& entries);

    //! Certificates the user chose to trust for a server (host:port), on top of the system's.
    static QList<QSslCertificate> trustedCertificates(const QUrl& server);
    static void addTrustedCertificate(const QUrl& server, const QSslCertificate& certificate);

    static Theme::Mode theme();
    static void setTheme(Theme::Mode mode);

    static QByteArray value(const QString& key);
    static void setValue(const QString& key, const QByteArray& value);
    static bool flag(const QString& key, bool fallback = false);
    static void setFlag(const QString& key, bool value);
};

} // namespace bmon
