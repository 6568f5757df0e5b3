// SPDX-License-Identifier: MIT
#pragma once

#include "sim/httpmessage.h"

#include <QObject>
#include <QPointer>

#include <functional>
#include <optional>

class QTcpSocket;

namespace bmon::sim {

/*!
 * One HTTP/1.1 client connection: parses requests (16 KiB header limit, Content-Length bodies up
 * to 16 MiB, keep-alive, pipelining) and answers them through a handler. A WebSocket upgrade is
 * only peeked at, never consumed, so the socket can be handed to QWebSocketServer as it is.
 */
class HttpConnection : public QObject
{
    Q_OBJECT
public:
    using Handler = std::function<HttpResponse(const HttpRequest&)>;
    static constexpr qsizetype MaxHeaderBytes = 16 * 1024;
    static constexpr qint64 MaxBodyBytes = 16 * 1024 * 1024;

    //! Takes ownership of \a socket.
    HttpConnection(QTcpSocket* socket, bool tls, Handler handler, QObject* parent = nullptr);
    ~HttpConnection() override;

    void abort();

signals:
    //! A complete request was answered (path without the query).
    void handled(const QString& method, const QString& path, int status);
    //! An upgrade to /ws/core/: the socket (with the unread handshake) now belongs to the receiver.
    void upgradeRequested(QTcpSocket* socket, const QString& path);
    void finished();

private:
    struct Head
    {
        HttpRequest request;
        qsizetype headerBytes = 0;
        qint64 contentLength = 0;
        bool keepAlive = true;
        bool expectContinue = false;
    };
    void onReadyRead();
    //! nullopt = need more bytes; an error response is reported through *error.
    std::optional<Head> parseHead(std::optional<HttpResponse>* error);
    void respond(const HttpResponse& response, bool keepAlive, const QByteArray& method, const QString& path);

    QPointer<QTcpSocket> m_socket;
    bool m_tls;
    Handler m_handler;
    bool m_closing = false;
    bool m_continueSent = false;
};

} // namespace bmon::sim
