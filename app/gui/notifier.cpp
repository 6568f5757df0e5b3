// SPDX-License-Identifier: MIT
#include "notifier.h"

#include <QApplication>
#include <QFileInfo>
#include <QIcon>
#include <QStyle>
#include <QSystemTrayIcon>

#if BMON_HAVE_DBUS
#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusPendingCall>
#endif

namespace bmon {

namespace {

// A session bus we can reach without libdbus autolaunching one (which would spawn a daemon).
bool sessionBusReachable()
{
    if (!qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"))
        return true;
    const QString runtime = qEnvironmentVariable("XDG_RUNTIME_DIR");
    return !runtime.isEmpty() && QFileInfo::exists(runtime + QStringLiteral("/bus"));
}

} // namespace

Notifier::Notifier(QObject* parent) : QObject(parent)
{ }

Notifier::Channel Notifier::availableChannel()
{
    if (QSystemTrayIcon::isSystemTrayAvailable())
        return Channel::Tray;
#if BMON_HAVE_DBUS
    if (sessionBusReachable())
        return Channel::DBus;
#endif
    return Channel::None;
}

Notifier::Channel Notifier::notify(const QString& title, const QString& text)
{
    const Channel channel = availableChannel();
    switch (channel) {
    case Channel::Tray:
        if (!m_tray) {
            m_tray = new QSystemTrayIcon(this);
            QIcon icon = QApplication::windowIcon();
            if (icon.isNull())
                icon = QApplication::style()->standardIcon(QStyle::SP_MessageBoxWarning);
            m_tray->setIcon(icon);
            m_tray->setToolTip(QApplication::applicationDisplayName());
        }
        m_tray->show();
        m_tray->showMessage(title, text, QSystemTrayIcon::Warning, 15000);
        break;
    case Channel::DBus: {
#if BMON_HAVE_DBUS
        QDBusMessage call = QDBusMessage::createMethodCall(QStringLiteral("org.freedesktop.Notifications"),
            QStringLiteral("/org/freedesktop/Notifications"), QStringLiteral("org.freedesktop.Notifications"),
            QStringLiteral("Notify"));
        call << QApplication::applicationDisplayName() << uint(0) << QStringLiteral("network-error") << title
             << text << QStringList() << QVariantMap() << int(15000);
        // Fire and forget: a missing notification daemon is not worth a dialog.
        QDBusConnection::sessionBus().asyncCall(call);
#endif
        break;
    }
    case Channel::None:
        break;
    }
    emit notified(title, text, channel);
    return channel;
}

} // namespace bmon
