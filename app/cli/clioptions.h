// SPDX-License-Identifier: MIT
#pragma once

#include <QCommandLineParser>
#include <QList>
#include <QSslCertificate>
#include <QString>
#include <QUrl>

#include <optional>

namespace bmon::cli {

//! Parses a subcommand's \a arguments (argv after the command name). Returns an exit code when
//! the command must not run (--help printed: 0; a bad argument, said on stderr: 2), or nullopt.
std::optional<int> parseArguments(
    QCommandLineParser& parser, const QString& command, const QStringList& arguments);
//! --server: the backend's HTTP(S) base URL; the WebSocket URL is derived from it.
std::optional<QUrl> parseServerUrl(const QString& text, QString* error);
//! The password from --password-file (first line) or BASEROW_PASSWORD, never from an option.
std::optional<QString> readPassword(const QString& passwordFile, QString* error);
//! A non-negative number of seconds ("20", "0.5").
std::optional<double> parseSeconds(const QString& text);
//! PEM certificates to trust in addition to the system's (--ca-cert).
std::optional<QList<QSslCertificate>> loadCertificates(const QString& path, QString* error);
//! Writes to stderr (human messages; never tokens).
void printError(const QString& message);
void printInfo(const QString& message);

} // namespace bmon::cli
