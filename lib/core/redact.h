// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QUrl>

namespace bmon {

//! The URL for display: the jwt_token query value (and any user:password) replaced.
QString redactUrl(const QUrl& url);
//! \a text with anything that looks like a JWT replaced by "[token]" and jwt_token=… redacted:
//! for error messages that quote server or library text.
QString redactSecrets(QString text);

} // namespace bmon
