// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>
#include <QPointer>

class QTcpSocket;

namespace bmon::sim {

/*!
 * Pipes a client's socket (plain or TLS) to an internal loopback socket whose other end is the
 * WebSocket server's. stall() stops forwarding both ways and shrinks the read buffer so TCP
 * back-pressure builds: the client sees a half-open connection whose pings go unanswered, which
 * "not sending" alone cannot produce because QWebSocket answers pings by itself.
 */
class StallRelay : public QObject
{
    Q_OBJECT
public:
    //! Takes ownership of \a outer (the client's socket, possibly with unread bytes).
    explicit StallRelay(QTcpSocket* outer, QObject* parent = nullptr);
    ~StallRelay() override;

    //! The client end of the loopback pair; forwarding starts once it is connected.
    void attachInner(QTcpSocket* inner);
    void stall();
    bool isStalled() const { return m_stalled; }
    //! Local port of the internal client socket (matches the accepted inner socket's peer port).
    quint16 innerLocalPort() const;
    //! TCP abort of the client's side (and the internal pair).
    void abort();

signals:
    void innerConnected();
    void finished();

private:
    void forwardOut();
    void forwardIn();
    void finish();

    QPointer<QTcpSocket> m_outer;
    QPointer<QTcpSocket> m_inner;
    bool m_innerConnected = false;
    bool m_stalled = false;
    bool m_finished = false;
};

} // namespace bmon::sim
