// SPDX-License-Identifier: MIT
#include "appsettings.h"

#include <QSettings>

using namespace Qt::StringLiterals;

namespace bmon {

namespace {

QString hostKey(const QUrl& server)
{
    // One entry per host and port; '/' is a group separator in QSettings keys.
    return QString(server.host().toLower() + u'_'
        + QString::number(server.port(server.scheme() == "https"_L1 ? 443 : 80)));
}

} // namespace

// Lists are QSettings arrays of plain strings (not serialised QVariant blobs): the file stays
// readable, and anyone can check that no secret is in it.
QList<AppSettings::SavedServer> AppSettings::savedServers()
{
    QSettings s;
    QList<SavedServer> out;
    const int n = s.beginReadArray(u"servers"_s);
    for (int i = 0; i < n; ++i) {
        s.setArrayIndex(i);
        SavedServer entry {QUrl(s.value(u"url"_s).toString()), s.value(u"email"_s).toString()};
        if (entry.server.isValid() && !entry.server.host().isEmpty())
            out.append(entry);
    }
    s.endArray();
    return out;
}

void AppSettings::addSavedServer(const SavedServer& server)
{
    QList<SavedServer> list = savedServers();
    list.removeAll(server);
    list.prepend(server);
    while (list.size() > MaxSavedServers)
        list.removeLast();
    QSettings s;
    s.remove(u"servers"_s);
    s.beginWriteArray(u"servers"_s, int(list.size()));
    for (int i = 0; i < list.size(); ++i) {
        s.setArrayIndex(i);
        s.setValue(u"url"_s, list[i].server.toString());
        s.setValue(u"email"_s, list[i].email);
    }
    s.endArray();
}

QList<AppSettings::SessionEntry> AppSettings::lastSession()
{
    QSettings s;
    QList<SessionEntry> out;
    const int n = s.beginReadArray(u"session"_s);
    for (int i = 0; i < n; ++i) {
        s.setArrayIndex(i);
        SessionEntry e;
        e.demo = s.value(u"demo"_s).toBool();
        e.server = QUrl(s.value(u"url"_s).toString());
        e.email = s.value(u"email"_s).toString();
        e.remember = s.value(u"remember"_s).toBool();
        const QStringList tables = s.value(u"tables"_s).toString().split(u' ', Qt::SkipEmptyParts);
        for (const QString& t : tables) {
            const quint32 id = t.toUInt();
            if (id > 0 && !e.tables.contains(id))
                e.tables.append(id);
        }
        if (e.demo || (e.server.isValid() && !e.server.host().isEmpty()))
            out.append(e);
    }
    s.endArray();
    return out;
}

void AppSettings::setLastSession(const QList<SessionEntry>& entries)
{
    QSettings s;
    s.remove(u"session"_s);
    s.beginWriteArray(u"session"_s, int(entries.size()));
    for (int i = 0; i < entries.size(); ++i) {
        const SessionEntry& e = entries[i];
        s.setArrayIndex(i);
        s.setValue(u"demo"_s, e.demo);
        QStringList tables;
        for (quint32 t : e.tables)
            tables.append(QString::number(t));
        s.setValue(u"tables"_s, tables.join(u' '));
        if (!e.demo) {
            s.setValue(u"url"_s, e.server.toString());
            s.setValue(u"email"_s, e.email);
            s.setValue(u"remember"_s, e.remember);
        }
    }
    s.endArray();
}

QList<QSslCertificate> AppSettings::trustedCertificates(const QUrl& server)
{
    const QByteArray pem = QSettings().value(u"tls/trusted/"_s + hostKey(server)).toByteArray();
    return pem.isEmpty() ? QList<QSslCertificate>() : QSslCertificate::fromData(pem, QSsl::Pem);
}

void AppSettings::addTrustedCertificate(const QUrl& server, const QSslCertificate& certificate)
{
    QList<QSslCertificate> list = trustedCertificates(server);
    if (list.contains(certificate))
        return;
    list.append(certificate);
    QByteArray pem;
    for (const QSslCertificate& c : std::as_const(list))
        pem += c.toPem();
    QSettings().setValue(u"tls/trusted/"_s + hostKey(server), pem);
}

Theme::Mode AppSettings::theme()
{
    return Theme::modeFromName(QSettings().value(u"ui/theme"_s).toString());
}

void AppSettings::setTheme(Theme::Mode mode)
{
    QSettings().setValue(u"ui/theme"_s, Theme::modeName(mode));
}

QByteArray AppSettings::value(const QString& key)
{
    return QSettings().value(key).toByteArray();
}

void AppSettings::setValue(const QString& key, const QByteArray& value)
{
    QSettings().setValue(key, value);
}

bool AppSettings::flag(const QString& key, bool fallback)
{
    return QSettings().value(key, fallback).toBool();
}

void AppSettings::setFlag(const QString& key, bool value)
{
    QSettings().setValue(key, value);
}

} // namespace bmon
