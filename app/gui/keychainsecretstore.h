// SPDX-License-Identifier: MIT
#pragma once

#include "secretstore.h"

namespace bmon {

/*!
 * SecretStore on the platform keychain through QtKeychain (Secret Service / KWallet / macOS
 * Keychain / Windows Credential Manager). The insecure plain-text fallback is never enabled:
 * without a working keychain nothing secret is stored and reason() says why.
 */
class KeychainSecretStore : public SecretStore
{
    Q_OBJECT
public:
    explicit KeychainSecretStore(
        const QString& service = QStringLiteral("baserow-monitor"), QObject* parent = nullptr);

    Availability availability() const override { return m_availability; }
    QString reason() const override { return m_reason; }
    void probe() override;

    void readRefreshToken(
        const QUrl& server, const QString& email, QObject* context, ReadCallback done) override;
    void writeRefreshToken(const QUrl& server, const QString& email, const QString& token, QObject* context,
        DoneCallback done) override;
    void removeRefreshToken(
        const QUrl& server, const QString& email, QObject* context, DoneCallback done) override;

private:
    void setAvailability(Availability availability, const QString& reason);

    QString m_service;
    Availability m_availability = Availability::Unknown;
    QString m_reason;
    bool m_probing = false;
};

} // namespace bmon
