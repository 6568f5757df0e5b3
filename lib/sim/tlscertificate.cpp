// SPDX-License-Identifier: MIT
#include "sim/tlscertificate.h"

#include <QCoreApplication>
#include <QSslSocket>

#ifdef BMON_HAVE_OPENSSL
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#endif

namespace bmon::sim {

namespace {
QString tr(const char* text)
{
    return QCoreApplication::translate("bmon::sim::TlsCertificate", text);
}

#ifdef BMON_HAVE_OPENSSL
struct Deleter
{
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
    void operator()(X509* p) const { X509_free(p); }
    void operator()(BIO* p) const { BIO_free(p); }
    void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
};
template<typename T>
using Owned = std::unique_ptr<T, Deleter>;

QByteArray bioBytes(BIO* bio)
{
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return QByteArray(data, qsizetype(size));
}

bool addExtension(X509* cert, int nid, const char* value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    Owned<X509_EXTENSION> ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
    return ext && X509_add_ext(cert, ext.get(), -1) == 1;
}
#endif
} // namespace

bool TlsCertificate::isSupported()
{
#ifdef BMON_HAVE_OPENSSL
    return QSslSocket::supportsSsl();
#else
    return false;
#endif
}

bool TlsCertificate::generate(QString* error)
{
#ifndef BMON_HAVE_OPENSSL
    if (error)
        *error = tr("TLS is not available: the simulator was built without OpenSSL.");
    return false;
#else
    if (!QSslSocket::supportsSsl()) {
        if (error)
            *error = tr("TLS is not available: Qt has no TLS backend at run time.");
        return false;
    }
    auto fail = [error](const char* what) {
        if (error)
            *error = tr("Could not create the self-signed certificate (%1).").arg(QLatin1String(what));
        return false;
    };
    Owned<EVP_PKEY> key(EVP_EC_gen("P-256"));
    if (!key)
        return fail("key generation");
    Owned<X509> cert(X509_new());
    if (!cert)
        return fail("X509_new");
    X509_set_version(cert.get(), 2); // v3
    unsigned char serial[16];
    RAND_bytes(serial, sizeof serial);
    serial[0] &= 0x7f; // positive
    BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
    BN_free(bn);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
    X509_set_pubkey(cert.get(), key.get());
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
        reinterpret_cast<const unsigned char*>("Baserow Monitor simulator"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(
        name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
    X509_set_issuer_name(cert.get(), name);
    if (!addExtension(cert.get(), NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost")
        || !addExtension(cert.get(), NID_basic_constraints, "critical,CA:TRUE")
        || !addExtension(cert.get(), NID_key_usage, "critical,digitalSignature,keyCertSign")
        || !addExtension(cert.get(), NID_ext_key_usage, "serverAuth")
        || !addExtension(cert.get(), NID_subject_key_identifier, "hash"))
        return fail("extensions");
    if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0)
        return fail("signing");

    Owned<BIO> certBio(BIO_new(BIO_s_mem()));
    Owned<BIO> keyBio(BIO_new(BIO_s_mem()));
    if (!certBio || !keyBio || PEM_write_bio_X509(certBio.get(), cert.get()) != 1
        || PEM_write_bio_PrivateKey(keyBio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
        return fail("PEM export");
    m_certificate = QSslCertificate(bioBytes(certBio.get()), QSsl::Pem);
    m_key = QSslKey(bioBytes(keyBio.get()), QSsl::Ec, QSsl::Pem);
    if (m_certificate.isNull() || m_key.isNull())
        return fail("loading into Qt");
    return true;
#endif
}

} // namespace bmon::sim
