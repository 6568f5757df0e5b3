// SPDX-License-Identifier: MIT
#include "memorysecretstore.h"

#include <QTimer>

namespace bmon {

MemorySecretStore::MemorySecretStore(QObject* parent) : SecretStore(parent)
{ }

void MemorySecretStore::setAvailable(bool available, const QString& reason)
{
    m_available = available;
    m_reason = available ? QString() : reason;
    if (!available)
        m_entries.clear();
    m_availability = available ? Availability::Available : Availability::Unavailable;
    emit availabilityChanged(m_availability);
}

void MemorySecretStore::probe()
{
    QTimer::singleShot(0, this, [this] {
        m_availability = m_available ? Availability::Available : Availability::Unavailable;
        emit availabilityChanged(m_availability);
    });
}

void MemorySecretStore::readRefreshToken(
    const QUrl& server, const QString& email, QObject* context, ReadCallback done)
{
    ++m_reads;
    const QString key = entryKey(server, email);
    QTimer::singleShot(0, context ? context : this, [this, key, done] {
        if (!m_available)
            return done({}, m_reason);
        done(m_entries.value(key), {});
    });
}

void MemorySecretStore::writeRefreshToken(
    const QUrl& server, const QString& email, const QString& token, QObject* context, DoneCallback done)
{
    const QString key = entryKey(server, email);
    QTimer::singleShot(0, context ? context : this, [this, key, token, done] {
        if (!m_available)
            return done(m_reason);
        m_entries.insert(key, token);
        done({});
    });
}

void MemorySecretStore::removeRefreshToken(
    const QUrl& server, const QString& email, QObject* context, DoneCallback done)
{
    const QString key = entryKey(server, email);
    QTimer::singleShot(0, context ? context : this, [this, key, done] {
        m_entries.remove(key);
        done({});
    });
}

} // namespace bmon
