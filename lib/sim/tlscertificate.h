// SPDX-License-Identifier: MIT
#pragma once

#include <QSslCertificate>
#include <QSslKey>
#include <QString>

namespace bmon::sim {

/*!
 * A fresh self-signed server certificate for --tls: EC P-256, SAN IP:127.0.0.1 and DNS:localhost,
 * valid for one day, generated with OpenSSL's libcrypto (BMON_HAVE_OPENSSL).
 */
class TlsCertificate
{
public:
    //! Generates the pair; false and a translated message when it cannot.
    bool generate(QString* error);
    QSslCertificate certificate() const { return m_certificate; }
    QSslKey privateKey() const { return m_key; }
    static bool isSupported();

private:
    QSslCertificate m_certificate;
    QSslKey m_key;
};

} // namespace bmon::sim
