// SPDX-License-Identifier: MIT
#include "sim/httpconnection.h"

#include "core/logging.h"

#include <QTcpSocket>
#include <QUrl>

namespace bmon::sim {

HttpConnection::HttpConnection(QTcpSocket* socket, bool tls, Handler handler, QObject* parent)
    : QObject(parent), m_socket(socket), m_tls(tls), m_handler(std::move(handler))
{
    socket->setParent(this);
    connect(socket, &QTcpSocket::readyRead, this, &HttpConnection::onReadyRead);
    connect(socket, &QTcpSocket::disconnected, this, [this]() {
        emit finished();
        deleteLater();
    });
}

HttpConnection::~HttpConnection() = default;

void HttpConnection::abort()
{
    if (m_socket)
        m_socket->abort();
}

std::optional<HttpConnection::Head> HttpConnection::parseHead(std::optional<HttpResponse>* error)
{
    const qint64 available = m_socket->bytesAvailable();
    const QByteArray peeked = m_socket->peek(qMin<qint64>(available, MaxHeaderBytes + 4));
    const qsizetype end = peeked.indexOf("\r\n\r\n");
    if (end < 0) {
        if (available > MaxHeaderBytes) {
            HttpResponse r = HttpResponse::json(
                431, PyObject {{QStringLiteral("detail"), QStringLiteral("Request header too large.")}});
            r.close = true;
            *error = r;
        }
        return std::nullopt;
    }
    auto bad = [error](int status, const char* detail) {
        HttpResponse r
            = HttpResponse::json(status, PyObject {{QStringLiteral("detail"), QString::fromLatin1(detail)}});
        r.close = true;
        *error = r;
        return std::nullopt;
    };
    Head head;
    head.headerBytes = end + 4;
    const QList<QByteArray> lines = peeked.left(end).split('\n');
    const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
    if (requestLine.size() != 3 || requestLine.at(0).isEmpty() || !requestLine.at(2).startsWith("HTTP/1."))
        return bad(400, "Bad request line.");
    HttpRequest& req = head.request;
    req.method = requestLine.at(0);
    req.target = requestLine.at(1);
    req.tls = m_tls;
    const bool http10 = requestLine.at(2) == "HTTP/1.0";
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        if (line.isEmpty())
            continue;
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            return bad(400, "Malformed header line.");
        const QByteArray name = line.left(colon).trimmed().toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (req.headers.contains(name))
            req.headers[name] += ", " + value;
        else
            req.headers.insert(name, value);
    }
    // Target: origin-form (/path?query) or absolute-form (http://host/path).
    QByteArray target = req.target;
    if (target.startsWith("http://") || target.startsWith("https://")) {
        const QUrl url = QUrl::fromEncoded(target);
        target = url.path(QUrl::FullyEncoded).toUtf8();
        if (url.hasQuery())
            target += '?' + url.query(QUrl::FullyEncoded).toUtf8();
    }
    if (!target.startsWith('/'))
        return bad(400, "Bad request target.");
    const qsizetype q = target.indexOf('?');
    req.path = QUrl::fromPercentEncoding(q < 0 ? target : target.left(q));
    if (q >= 0)
        req.query = QUrlQuery(QString::fromUtf8(target.mid(q + 1)));
    const QByteArray connection = req.header("connection").toLower();
    head.keepAlive = http10 ? connection.contains("keep-alive") : !connection.contains("close");
    head.expectContinue = req.header("expect").toLower() == "100-continue";
    if (req.headers.contains("transfer-encoding"))
        return bad(501, "Transfer-Encoding is not supported; send Content-Length.");
    if (req.headers.contains("content-length")) {
        bool ok = false;
        head.contentLength = req.header("content-length").toLongLong(&ok);
        if (!ok || head.contentLength < 0)
            return bad(400, "Bad Content-Length.");
        if (head.contentLength > MaxBodyBytes)
            return bad(413, "Request body too large (16 MiB at most).");
    }
    return head;
}

void HttpConnection::onReadyRead()
{
    while (m_socket && !m_closing && m_socket->bytesAvailable() > 0) {
        std::optional<HttpResponse> error;
        const auto head = parseHead(&error);
        if (error) {
            respond(*error, false, QByteArrayLiteral("?"), QString());
            return;
        }
        if (!head)
            return;
        const HttpRequest& req = head->request;
        if (req.header("upgrade").toLower().contains("websocket")) {
            if (req.path.startsWith(QLatin1String("/ws/core/")) && req.method == "GET") {
                // Leave the handshake unread: QWebSocketServer::handleConnection() reads it itself.
                QTcpSocket* socket = m_socket;
                socket->disconnect(this);
                m_socket = nullptr;
                socket->setParent(nullptr);
                emit upgradeRequested(socket, req.path);
                deleteLater();
                return;
            }
            // channels' URLRouter: "No route found" → uvicorn answers 500.
            HttpResponse r;
            r.status = 500;
            r.contentType = "text/plain; charset=utf-8";
            r.body = "Internal Server Error";
            r.close = true;
            respond(r, false, req.method, req.path);
            return;
        }
        const qint64 total = head->headerBytes + head->contentLength;
        if (m_socket->bytesAvailable() < total) {
            if (head->expectContinue && !m_continueSent) {
                m_continueSent = true;
                m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
            }
            return;
        }
        m_continueSent = false;
        HttpRequest request = req;
        m_socket->skip(head->headerBytes);
        request.body = m_socket->read(head->contentLength);
        HttpResponse response = m_handler(request);
        if (request.method == "HEAD")
            response.body.clear();
        respond(response, head->keepAlive, request.method, request.path);
    }
}

void HttpConnection::respond(
    const HttpResponse& response, bool keepAlive, const QByteArray& method, const QString& path)
{
    if (!m_socket)
        return;
    const bool keep = keepAlive && !response.close;
    m_socket->write(response.serialize(keep));
    emit handled(QString::fromLatin1(method), path, response.status);
    qCDebug(lcSimHttp) << method << path << response.status; // path only: the query may hold a token
    if (!keep) {
        m_closing = true;
        m_socket->disconnectFromHost();
    }
}

} // namespace bmon::sim
