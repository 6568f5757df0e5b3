// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>
#include <QString>
#include <QUrl>

#include <functional>

namespace bmon {

/*!
 * Where a remembered login's refresh token lives: the platform keychain, never QSettings.
 * Asynchronous (keychains talk D-Bus and may ask the user); every callback runs on the GUI thread
 * unless \a context is destroyed first. Entries are keyed by server URL and e-mail address.
 *
 * availability() starts Unknown; probe() finds out (without storing anything) and emits
 * availabilityChanged(). Unavailable stores refuse writes with reason().
 */
class SecretStore : public QObject
{
    Q_OBJECT
public:
    enum class Availability
    {
        Unknown,
        Available,
        Unavailable
    };
    Q_ENUM(Availability)

    //! \a token is empty when there is none (not an error); \a error says why reading failed.
    using ReadCallback = std::function<void(const QString& token, const QString& error)>;
    //! \a error is empty on success.
    using DoneCallback = std::function<void(const QString& error)>;

    explicit SecretStore(QObject* parent = nullptr) : QObject(parent) { }

    virtual Availability availability() const = 0;
    //! Why the store cannot be used ("" while available or unknown).
    virtual QString reason() const = 0;
    //! Finds out whether the store works; emits availabilityChanged() when known.
    virtual void probe() = 0;

    virtual void readRefreshToken(
        const QUrl& server, const QString& email, QObject* context, ReadCallback done)
        = 0;
    virtual void writeRefreshToken(
        const QUrl& server, const QString& email, const QString& token, QObject* context, DoneCallback done)
        = 0;
    virtual void removeRefreshToken(
        const QUrl& server, const QString& email, QObject* context, DoneCallback done)
        = 0;

    //! The entry's key: "refresh-token:EMAIL@SCHEME://HOST:PORT/PATH" (no secret in it).
    static QString entryKey(const QUrl& server, const QString& email)
    {
        const QString url = server
                                .adjusted(QUrl::RemoveUserInfo | QUrl::RemoveQuery | QUrl::RemoveFragment
                                    | QUrl::StripTrailingSlash)
                                .toString();
        return QStringLiteral("refresh-token:%1@%2").arg(email.trimmed().toLower(), url);
    }

signals:
    void availabilityChanged(bmon::SecretStore::Availability availability);
};

} // namespace bmon
