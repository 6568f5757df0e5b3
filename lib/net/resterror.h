// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

namespace bmon {

/*!
 * Why a REST call (or the probe before it) failed, typed so callers can decide without parsing
 * text: the CLI maps kinds to exit codes, the Connection decides between "end the run" and
 * "retry later". Every text field is free of tokens and passwords.
 */
struct RestError
{
    enum class Kind
    {
        None, //!< no error
        Network, //!< refused, unreachable, DNS, connection reset
        Timeout, //!< no complete answer within the request timeout
        Tls, //!< TLS handshake failed (see tlsDetails)
        Http, //!< an HTTP error status that is none of the kinds below
        Auth, //!< credentials or tokens refused
        NotBaserow, //!< the answer does not have Baserow's shape (HTML, not JSON, wrong keys, redirect)
        Unsupported, //!< a Baserow version this client does not support
        RateLimited, //!< HTTP 429 even after waiting for Retry-After once
        Cancelled, //!< the request was aborted by the client
    };

    Kind kind = Kind::None;
    int httpStatus = 0; //!< 0 when no HTTP response arrived
    QString code; //!< Baserow "error" code, e.g. ERROR_INVALID_CREDENTIALS ("" if none)
    QString detail; //!< Baserow/DRF detail text, flattened to one line and redacted
    QString message; //!< translated, one line, no secrets: what happened in words
    QString tlsDetails; //!< peer certificate (subject, issuer, validity, SHA-256) and the SSL errors

    bool isError() const { return kind != Kind::None; }
    //! Worth retrying later: network trouble, timeouts, rate limits and 5xx server errors.
    bool isTransient() const;

    //! Stable machine name of a kind: "network", "tls", "not_baserow", …
    static QString kindName(Kind kind);
};

} // namespace bmon
