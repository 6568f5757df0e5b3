// SPDX-License-Identifier: MIT
#pragma once

#include "sim/httpconnection.h"
#include "sim/stallrelay.h"

#include <QHash>
#include <QPointer>
#include <QSslCertificate>
#include <QSslKey>
#include <QTcpServer>

class QWebSocket;
class QWebSocketServer;

namespace bmon::sim {

class StallRelay;

/*!
 * The simulator's listener: our own small HTTP/1.1 server on QTcpServer (plain or TLS through
 * QSslSocket) rather than QHttpServer, which is a tech preview whose API changes in 6.5 and 6.8
 * and which cannot inject faults. /ws/core/ upgrades go to a QWebSocketServer in NonSecureMode
 * through handleConnection() (TLS is already done by our socket), either directly or through a
 * StallRelay when the connection may have to stall.
 */
class HttpServer : public QTcpServer
{
    Q_OBJECT
public:
    explicit HttpServer(HttpConnection::Handler handler, QObject* parent = nullptr);
    ~HttpServer() override;

    void setTls(const QSslCertificate& certificate, const QSslKey& key);
    bool isTls() const { return !m_certificate.isNull(); }
    //! Route WebSocket upgrades through a StallRelay.
    void setRelay(bool relay) { m_relay = relay; }
    //! TCP abort of every HTTP connection and relay (the WebSockets belong to the hub).
    void abortConnections();

signals:
    void webSocketReady(QWebSocket* socket, StallRelay* relay);
    void requestHandled(const QString& method, const QString& path, int status);

protected:
    void incomingConnection(qintptr socketDescriptor) override;

private:
    void onUpgrade(QTcpSocket* socket);
    void onRelayAccepted();
    void matchRelays();
    void onWebSocket();
    bool ensureRelayListener();

    HttpConnection::Handler m_handler;
    QSslCertificate m_certificate;
    QSslKey m_key;
    bool m_relay = false;
    QWebSocketServer* m_ws = nullptr;
    QTcpServer* m_relayListener = nullptr;
    QList<QPointer<StallRelay>> m_relaysWaiting; //!< inner connection not yet accepted
    QHash<quint16, QPointer<StallRelay>> m_relayByPort; //!< server-side inner peer port → relay
    QList<QPointer<QTcpSocket>> m_unmatched; //!< accepted inner sockets whose relay is not known yet
    QList<QPointer<HttpConnection>> m_connections;
};

} // namespace bmon::sim
