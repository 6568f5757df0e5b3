// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>
#include <QString>

class QSystemTrayIcon;

namespace bmon {

/*!
 * Desktop notifications: the system tray's balloon when a tray exists, else the freedesktop
 * notification service over D-Bus when a session bus is reachable (asynchronously, never
 * autolaunching a bus), else nothing (the window's own banner always shows the news).
 */
class Notifier : public QObject
{
    Q_OBJECT
public:
    enum class Channel
    {
        None,
        Tray,
        DBus
    };
    Q_ENUM(Channel)

    explicit Notifier(QObject* parent = nullptr);

    //! Shows \a title / \a text; returns the channel used.
    Channel notify(const QString& title, const QString& text);
    //! Which channel notify() would use now.
    static Channel availableChannel();

signals:
    //! Every notification, whatever the channel (tests, logs).
    void notified(const QString& title, const QString& text, bmon::Notifier::Channel channel);

private:
    QSystemTrayIcon* m_tray = nullptr;
};

} // namespace bmon
