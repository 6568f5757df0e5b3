// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QSslCertificate>
#include <QSslError>
#include <QString>
#include <QUrl>

namespace bmon {

// Small helpers shared by RestClient and Connection.

//! 127.0.0.0/8, ::1 (also v4-mapped), "localhost" and "*.localhost": these always bypass proxies.
bool isLoopbackHost(const QString& host);

//! The realtime URL for a REST base URL: http→ws, https→wss, same host and port, path
//! /ws/core/, and the access token as the only query item (PROTOCOL.md §1.1–1.2).
QUrl webSocketUrl(const QUrl& restBase, const QString& accessToken);

//! "host:port" for messages (port omitted when it is the scheme's default).
QString hostAndPort(const QUrl& url);

//! One block of text for a TLS failure: each SSL error, then subject, issuer, validity and SHA-256
//! fingerprint of the peer certificate (or of the certificate the first error names).
QString describeTlsFailure(const QList<QSslError>& errors, const QSslCertificate& peer);

//! Subject, issuer, validity and SHA-256 fingerprint of one certificate on one line.
QString describeCertificate(const QSslCertificate& cert);

} // namespace bmon
