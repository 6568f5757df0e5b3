// SPDX-License-Identifier: MIT
#pragma once

#include "sim/pyjson.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>
#include <QUrlQuery>

#include <utility>

namespace bmon::sim {

//! One parsed HTTP/1.1 request.
struct HttpRequest
{
    QByteArray method;
    QByteArray target; //!< as sent: path?query
    QString path; //!< percent-decoded path, no query
    QUrlQuery query;
    QHash<QByteArray, QByteArray> headers; //!< lower-case names
    QByteArray body;
    bool tls = false;

    QByteArray header(const QByteArray& lowerName) const { return headers.value(lowerName); }
};

//! One HTTP response; JSON unless said otherwise.
struct HttpResponse
{
    int status = 200;
    QByteArray contentType = QByteArrayLiteral("application/json");
    QByteArray body;
    QList<std::pair<QByteArray, QByteArray>> headers;
    bool close = false;

    static HttpResponse json(int status, const PyValue& value)
    {
        HttpResponse r;
        r.status = status;
        r.body = pyDumps(value);
        return r;
    }
    static HttpResponse empty(int status)
    {
        HttpResponse r;
        r.status = status;
        r.contentType.clear();
        return r;
    }
    //! The status line's reason phrase.
    static QByteArray reason(int status);
    //! Status line, headers and body.
    QByteArray serialize(bool keepAlive) const;
};

} // namespace bmon::sim
