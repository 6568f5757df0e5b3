// SPDX-License-Identifier: MIT
#include "keychainsecretstore.h"

#include <qt6keychain/keychain.h>

#include <QPointer>

namespace bmon {

namespace {

// An entry nobody writes: reading it tells whether the keychain answers at all.
const QString ProbeKey = QStringLiteral("availability-probe");

template<class Job>
Job* makeJob(const QString& service, const QString& key)
{
    auto* job = new Job(service);
    job->setAutoDelete(true);
    job->setInsecureFallback(false); // never plain text on disk
    job->setKey(key);
    return job;
}

//! QtKeychain says "Unknown error" when no keychain service answers on D-Bus: say what it means.
QString describe(QKeychain::Job* job)
{
    const QString text = job->errorString();
    if (job->error() == QKeychain::NoBackendAvailable || text.isEmpty()
        || text == QLatin1String("Unknown error"))
        return KeychainSecretStore::tr("no keychain service (Secret Service or KWallet) is running");
    return text;
}

} // namespace

KeychainSecretStore::KeychainSecretStore(const QString& service, QObject* parent)
    : SecretStore(parent), m_service(service)
{ }

void KeychainSecretStore::setAvailability(Availability availability, const QString& reason)
{
    const bool changed = availability != m_availability || reason != m_reason;
    m_availability = availability;
    m_reason = reason;
    if (changed)
        emit availabilityChanged(availability);
}

void KeychainSecretStore::probe()
{
    if (m_probing)
        return;
    m_probing = true;
    auto* job = makeJob<QKeychain::ReadPasswordJob>(m_service, ProbeKey);
    connect(job, &QKeychain::Job::finished, this, [this](QKeychain::Job* j) {
        m_probing = false;
        if (j->error() == QKeychain::NoError || j->error() == QKeychain::EntryNotFound)
            setAvailability(Availability::Available, {});
        else
            setAvailability(Availability::Unavailable, describe(j));
    });
    job->start();
}

void KeychainSecretStore::readRefreshToken(
    const QUrl& server, const QString& email, QObject* context, ReadCallback done)
{
    auto* job = makeJob<QKeychain::ReadPasswordJob>(m_service, entryKey(server, email));
    QPointer<QObject> ctx(context);
    connect(job, &QKeychain::Job::finished, this, [this, ctx, done](QKeychain::Job* j) {
        auto* read = static_cast<QKeychain::ReadPasswordJob*>(j);
        QString token, error;
        if (j->error() == QKeychain::NoError) {
            token = read->textData();
            setAvailability(Availability::Available, {});
        } else if (j->error() == QKeychain::EntryNotFound) {
            setAvailability(Availability::Available, {});
        } else {
            error = describe(j);
            if (j->error() == QKeychain::NoBackendAvailable || j->error() == QKeychain::OtherError)
                setAvailability(Availability::Unavailable, error);
        }
        if (ctx)
            done(token, error);
    });
    job->start();
}

void KeychainSecretStore::writeRefreshToken(
    const QUrl& server, const QString& email, const QString& token, QObject* context, DoneCallback done)
{
    auto* job = makeJob<QKeychain::WritePasswordJob>(m_service, entryKey(server, email));
    job->setTextData(token);
    QPointer<QObject> ctx(context);
    connect(job, &QKeychain::Job::finished, this, [this, ctx, done](QKeychain::Job* j) {
        QString error;
        if (j->error() == QKeychain::NoError) {
            setAvailability(Availability::Available, {});
        } else {
            error = describe(j);
            if (j->error() == QKeychain::NoBackendAvailable || j->error() == QKeychain::OtherError)
                setAvailability(Availability::Unavailable, error);
        }
        if (ctx)
            done(error);
    });
    job->start();
}

void KeychainSecretStore::removeRefreshToken(
    const QUrl& server, const QString& email, QObject* context, DoneCallback done)
{
    auto* job = makeJob<QKeychain::DeletePasswordJob>(m_service, entryKey(server, email));
    QPointer<QObject> ctx(context);
    connect(job, &QKeychain::Job::finished, this, [ctx, done](QKeychain::Job* j) {
        // Deleting what is not there is success.
        const bool ok = j->error() == QKeychain::NoError || j->error() == QKeychain::EntryNotFound;
        if (ctx)
            done(ok ? QString() : describe(j));
    });
    job->start();
}

} // namespace bmon
