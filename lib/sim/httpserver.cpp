// SPDX-License-Identifier: MIT
#include "sim/httpserver.h"

#include "core/logging.h"
#include "sim/stallrelay.h"

#include <QSslSocket>
#include <QWebSocket>
#include <QWebSocketServer>

namespace bmon::sim {

HttpServer::HttpServer(HttpConnection::Handler handler, QObject* parent)
    : QTcpServer(parent)
    , m_handler(std::move(handler))
    , m_ws(new QWebSocketServer(QStringLiteral("uvicorn"), QWebSocketServer::NonSecureMode, this))
{
    m_ws->setMaxPendingConnections(1000);
    connect(m_ws, &QWebSocketServer::newConnection, this, &HttpServer::onWebSocket);
}

HttpServer::~HttpServer()
{
    abortConnections();
}

void HttpServer::setTls(const QSslCertificate& certificate, const QSslKey& key)
{
    m_certificate = certificate;
    m_key = key;
}

void HttpServer::incomingConnection(qintptr socketDescriptor)
{
    QTcpSocket* socket = nullptr;
    if (isTls()) {
        auto* ssl = new QSslSocket;
        if (!ssl->setSocketDescriptor(socketDescriptor)) {
            delete ssl;
            return;
        }
        ssl->setLocalCertificate(m_certificate);
        ssl->setPrivateKey(m_key);
        ssl->setPeerVerifyMode(QSslSocket::VerifyNone);
        connect(ssl, &QSslSocket::sslErrors, ssl, [](const QList<QSslError>& errors) {
            qCDebug(lcSimHttp) << "TLS errors from a client:" << errors.size();
        });
        ssl->startServerEncryption();
        socket = ssl;
    } else {
        socket = new QTcpSocket;
        if (!socket->setSocketDescriptor(socketDescriptor)) {
            delete socket;
            return;
        }
    }
    auto* connection = new HttpConnection(socket, isTls(), m_handler, this);
    m_connections.removeIf([](const QPointer<HttpConnection>& c) { return c.isNull(); });
    m_connections.append(connection);
    connect(connection, &HttpConnection::handled, this, &HttpServer::requestHandled);
    connect(connection, &HttpConnection::upgradeRequested, this, [this](QTcpSocket* s, const QString& path) {
        emit requestHandled(QStringLiteral("GET"), path, 101);
        onUpgrade(s);
    });
}

bool HttpServer::ensureRelayListener()
{
    if (m_relayListener && m_relayListener->isListening())
        return true;
    if (!m_relayListener) {
        m_relayListener = new QTcpServer(this);
        connect(m_relayListener, &QTcpServer::newConnection, this, &HttpServer::onRelayAccepted);
    }
    return m_relayListener->listen(QHostAddress::LocalHost, 0);
}

void HttpServer::onUpgrade(QTcpSocket* socket)
{
    if (m_relay && ensureRelayListener()) {
        auto* relay = new StallRelay(socket, this);
        auto* inner = new QTcpSocket;
        relay->attachInner(inner);
        m_relaysWaiting.append(relay);
        connect(relay, &StallRelay::innerConnected, this, &HttpServer::matchRelays);
        inner->connectToHost(QHostAddress::LocalHost, m_relayListener->serverPort());
        return;
    }
    // QWebSocketServer deletes the socket when it disconnects; until then it lives with us.
    socket->setParent(this);
    m_ws->handleConnection(socket);
}

void HttpServer::onRelayAccepted()
{
    while (m_relayListener->hasPendingConnections()) {
        QTcpSocket* accepted = m_relayListener->nextPendingConnection();
        accepted->setParent(this);
        m_unmatched.append(accepted);
    }
    matchRelays();
}

// The accept and the client's "connected" arrive in either order: match whenever both are known.
void HttpServer::matchRelays()
{
    m_relaysWaiting.removeIf([](const QPointer<StallRelay>& r) { return r.isNull(); });
    m_unmatched.removeIf([](const QPointer<QTcpSocket>& s) { return s.isNull(); });
    for (qsizetype i = m_unmatched.size() - 1; i >= 0; --i) {
        QTcpSocket* accepted = m_unmatched.at(i);
        StallRelay* owner = nullptr;
        for (const QPointer<StallRelay>& relay : std::as_const(m_relaysWaiting)) {
            if (relay->innerLocalPort() != 0 && relay->innerLocalPort() == accepted->peerPort()) {
                owner = relay;
                break;
            }
        }
        if (!owner)
            continue;
        m_unmatched.removeAt(i);
        m_relaysWaiting.removeAll(owner);
        const quint16 port = accepted->peerPort();
        m_relayByPort.insert(port, owner);
        connect(accepted, &QObject::destroyed, this, [this, port]() { m_relayByPort.remove(port); });
        m_ws->handleConnection(accepted);
    }
}

void HttpServer::onWebSocket()
{
    while (m_ws->hasPendingConnections()) {
        QWebSocket* socket = m_ws->nextPendingConnection();
        StallRelay* relay = nullptr;
        if (socket->peerAddress().isLoopback())
            relay = m_relayByPort.take(socket->peerPort());
        emit webSocketReady(socket, relay);
    }
}

void HttpServer::abortConnections()
{
    for (const QPointer<HttpConnection>& c : std::as_const(m_connections)) {
        if (c)
            c->abort();
    }
    m_connections.clear();
    for (const QPointer<StallRelay>& r : std::as_const(m_relaysWaiting)) {
        if (r)
            r->abort();
    }
    m_relaysWaiting.clear();
    for (const QPointer<QTcpSocket>& s : std::as_const(m_unmatched)) {
        if (s)
            s->abort();
    }
    m_unmatched.clear();
}

} // namespace bmon::sim
