// SPDX-License-Identifier: MIT
#pragma once

#include "secretstore.h"

#include <QHash>

namespace bmon {

/*!
 * A SecretStore in memory, for tests and for builds without QtKeychain (then it is Unavailable
 * and stores nothing). Answers arrive from the event loop, like a real keychain's.
 */
class MemorySecretStore : public SecretStore
{
    Q_OBJECT
public:
    explicit MemorySecretStore(QObject* parent = nullptr);

    //! Makes the store usable (default) or not, with the reason shown to the user.
    void setAvailable(bool available, const QString& reason = {});
    Availability availability() const override { return m_availability; }
    QString reason() const override { return m_reason; }
    void probe() override;

    void readRefreshToken(
        const QUrl& server, const QString& email, QObject* context, ReadCallback done) override;
    void writeRefreshToken(const QUrl& server, const QString& email, const QString& token, QObject* context,
        DoneCallback done) override;
    void removeRefreshToken(
        const QUrl& server, const QString& email, QObject* context, DoneCallback done) override;

    //! What is stored (tests).
    QHash<QString, QString> entries() const { return m_entries; }
    int reads() const { return m_reads; }

private:
    bool m_available = true;
    Availability m_availability = Availability::Unknown;
    QString m_reason;
    QHash<QString, QString> m_entries;
    int m_reads = 0;
};

} // namespace bmon
