// SPDX-License-Identifier: MIT
#pragma once
// A tiny HTTP/1.1 server on 127.0.0.1:0 for the bmon_net tests: canned Baserow answers from a
// handler, every request recorded, optional TLS, and /ws/core/ upgrades handed to a
// QWebSocketServer so REST and the realtime socket share one port like a real backend.

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QPointer>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslServer>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QUrl>
#include <QUrlQuery>
#include <QWebSocketServer>

#include <functional>
#include <memory>

namespace bmon::test {

struct HttpRequest
{
    QByteArray method;
    QString path; //!< path and query as sent
    QHash<QByteArray, QByteArray> headers; //!< lower-case names
    QByteArray body;

    QString pathOnly() const { return path.section(u'?', 0, 0); }
    QString query(const QString& key) const { return QUrlQuery(path.section(u'?', 1)).queryItemValue(key); }
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    QByteArray header(const QByteArray& name) const { return headers.value(name.toLower()); }
};

struct HttpResponse
{
    int status = 200;
    QByteArray body;
    QByteArray contentType = "application/json";
    QList<QPair<QByteArray, QByteArray>> headers;
    bool hang = false; //!< never answer (timeouts)

    static HttpResponse json(int status, const QJsonValue& v)
    {
        HttpResponse r;
        r.status = status;
        r.body = v.isArray() ? QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact)
                             : QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact);
        return r;
    }
    static HttpResponse text(int status, const QByteArray& body, const QByteArray& type = "text/html")
    {
        HttpResponse r;
        r.status = status;
        r.body = body;
        r.contentType = type;
        return r;
    }
    static HttpResponse empty(int status = 204)
    {
        HttpResponse r;
        r.status = status;
        r.contentType.clear();
        return r;
    }
};

class FakeHttpServer
{
public:
    using Handler = std::function<HttpResponse(const HttpRequest&)>;

    FakeHttpServer() = default;
    FakeHttpServer(const FakeHttpServer&) = delete;
    FakeHttpServer& operator=(const FakeHttpServer&) = delete;
    ~FakeHttpServer()
    {
        if (m_server)
            m_server->close();
    }

    bool listen()
    {
        m_server = std::make_unique<QTcpServer>();
        return setup(false);
    }

    bool listenTls(const QSslCertificate& cert, const QSslKey& key)
    {
        auto server = std::make_unique<QSslServer>();
        QSslConfiguration conf = QSslConfiguration::defaultConfiguration();
        conf.setLocalCertificate(cert);
        conf.setPrivateKey(key);
        conf.setPeerVerifyMode(QSslSocket::VerifyNone);
        server->setSslConfiguration(conf);
        m_server = std::move(server);
        return setup(true);
    }

    quint16 port() const { return m_server ? m_server->serverPort() : 0; }
    QUrl url() const
    {
        QUrl u;
        u.setScheme(m_tls ? QStringLiteral("https") : QStringLiteral("http"));
        u.setHost(QStringLiteral("127.0.0.1"));
        u.setPort(port());
        return u;
    }

    //! /ws/core/ (any path starting /ws/) upgrade requests go to \a ws (not owned).
    void setWebSocketServer(QWebSocketServer* ws) { m_ws = ws; }
    //! Stop accepting (already accepted connections stay).
    void close() { m_server->close(); }

    Handler handler;
    QList<HttpRequest> requests;

    int count(const QString& pathOnly) const
    {
        int n = 0;
        for (const auto& r : requests)
            n += r.pathOnly() == pathOnly ? 1 : 0;
        return n;
    }

private:
    bool setup(bool tls)
    {
        m_tls = tls;
        QObject::connect(m_server.get(), &QTcpServer::pendingConnectionAvailable, m_server.get(), [this]() {
            while (QTcpSocket* socket = m_server->nextPendingConnection())
                serve(socket);
        });
        return m_server->listen(QHostAddress::LocalHost, 0);
    }

    void serve(QTcpSocket* socket)
    {
        auto pending = std::make_shared<QByteArray>();
        QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        QObject::connect(socket, &QTcpSocket::readyRead, socket,
            [this, socket, pending]() { onReadable(socket, pending); });
        if (socket->bytesAvailable() > 0)
            onReadable(socket, pending);
    }

    void onReadable(QTcpSocket* socket, const std::shared_ptr<QByteArray>& pending)
    {
        // An upgrade must reach QWebSocketServer unread, so look before taking.
        if (m_ws && pending->isEmpty()) {
            const QByteArray peeked = socket->peek(socket->bytesAvailable());
            const qsizetype end = peeked.indexOf("\r\n\r\n");
            if (end < 0 && peeked.startsWith("GET /ws/"))
                return; // wait for the whole handshake
            if (end >= 0 && peeked.startsWith("GET /ws/")
                && peeked.toLower().contains("upgrade: websocket")) {
                QObject::disconnect(socket, &QTcpSocket::readyRead, socket, nullptr);
                QObject::disconnect(socket, &QTcpSocket::disconnected, socket, nullptr);
                m_ws->handleConnection(socket);
                return;
            }
        }
        pending->append(socket->readAll());
        for (;;) {
            const qsizetype end = pending->indexOf("\r\n\r\n");
            if (end < 0)
                return;
            HttpRequest req;
            const QList<QByteArray> lines = pending->left(end).split('\n');
            const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
            req.method = first.value(0);
            req.path = QString::fromLatin1(first.value(1));
            qsizetype length = 0;
            for (qsizetype i = 1; i < lines.size(); ++i) {
                const QByteArray line = lines[i].trimmed();
                const qsizetype colon = line.indexOf(':');
                if (colon <= 0)
                    continue;
                const QByteArray name = line.left(colon).trimmed().toLower();
                const QByteArray value = line.mid(colon + 1).trimmed();
                req.headers.insert(name, value);
                if (name == "content-length")
                    length = value.toLongLong();
            }
            if (pending->size() < end + 4 + length)
                return;
            req.body = pending->mid(end + 4, length);
            pending->remove(0, end + 4 + length);
            requests.append(req);
            const HttpResponse resp = handler ? handler(req) : HttpResponse::json(404, QJsonObject {});
            if (resp.hang)
                continue;
            QByteArray out = "HTTP/1.1 " + QByteArray::number(resp.status) + " X\r\n";
            if (!resp.contentType.isEmpty())
                out += "Content-Type: " + resp.contentType + "\r\n";
            for (const auto& [name, value] : resp.headers)
                out += name + ": " + value + "\r\n";
            out += "Content-Length: " + QByteArray::number(resp.body.size()) + "\r\n\r\n" + resp.body;
            socket->write(out);
        }
    }

    std::unique_ptr<QTcpServer> m_server;
    QPointer<QWebSocketServer> m_ws;
    bool m_tls = false;
};

//! A self-signed certificate for 127.0.0.1/localhost, valid 2000–2099 (test use only).
inline QSslCertificate testCertificate()
{
    static const QByteArray pem = R"(-----BEGIN CERTIFICATE-----
MIIBqTCCAU+gAwIBAgIUB1UfPieDNzhsbAZMK3FBtb3kZ9kwCgYIKoZIzj0EAwIw
OzEZMBcGA1UEAwwQYm1vbiB0ZXN0IHNlcnZlcjEeMBwGA1UECgwVQmFzZXJvdyBN
b25pdG9yIHRlc3RzMCAXDTAwMDEwMTAwMDAwMFoYDzIwOTkxMjMxMDAwMDAwWjA7
MRkwFwYDVQQDDBBibW9uIHRlc3Qgc2VydmVyMR4wHAYDVQQKDBVCYXNlcm93IE1v
bml0b3IgdGVzdHMwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAR3xyOd3ebKe34I
x8Pl9UsaQS3VpwVHqiswne5PC9emxnn/oK6W4GQAkMK5BxIRgpm2vXkHg2aTPthv
EyGsOwXQoy8wLTAaBgNVHREEEzARhwR/AAABgglsb2NhbGhvc3QwDwYDVR0TAQH/
BAUwAwEB/zAKBggqhkjOPQQDAgNIADBFAiB8unlbXCvQaEA3jnZr2E9pJQujs3AJ
W3y8cuM/nLXU2wIhANE9IehVNzL5JxjssjUoFy6tgmc9+gNlbeiOYo5wnmVL
-----END CERTIFICATE-----
)";
    return QSslCertificate(pem, QSsl::Pem);
}

inline QSslKey testPrivateKey()
{
    static const QByteArray pem = R"(-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgyBPLgqFdQRXpevfi
u22j4DZfK/TP7LnbQStMXwFdsM6hRANCAAR3xyOd3ebKe34Ix8Pl9UsaQS3VpwVH
qiswne5PC9emxnn/oK6W4GQAkMK5BxIRgpm2vXkHg2aTPthvEyGsOwXQ
-----END PRIVATE KEY-----
)";
    return QSslKey(pem, QSsl::Ec, QSsl::Pem);
}

} // namespace bmon::test
