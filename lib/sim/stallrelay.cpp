// SPDX-License-Identifier: MIT
#include "sim/stallrelay.h"

#include "core/logging.h"

#include <QTcpSocket>

namespace bmon::sim {

StallRelay::StallRelay(QTcpSocket* outer, QObject* parent) : QObject(parent), m_outer(outer)
{
    outer->setParent(this);
    connect(outer, &QTcpSocket::readyRead, this, &StallRelay::forwardOut);
    connect(outer, &QTcpSocket::disconnected, this, &StallRelay::finish);
}

StallRelay::~StallRelay()
{
    if (m_inner)
        m_inner->abort();
}

void StallRelay::attachInner(QTcpSocket* inner)
{
    m_inner = inner;
    inner->setParent(this);
    connect(inner, &QTcpSocket::connected, this, [this]() {
        m_innerConnected = true;
        emit innerConnected();
        forwardOut(); // the upgrade request is already waiting in the outer socket
    });
    connect(inner, &QTcpSocket::readyRead, this, &StallRelay::forwardIn);
    connect(inner, &QTcpSocket::disconnected, this, &StallRelay::finish);
    connect(inner, &QTcpSocket::errorOccurred, this, [this](QAbstractSocket::SocketError) {
        if (!m_innerConnected)
            finish();
    });
}

void StallRelay::forwardOut()
{
    if (m_stalled || !m_innerConnected || !m_outer || !m_inner)
        return;
    if (m_outer->bytesAvailable() > 0)
        m_inner->write(m_outer->readAll());
}

void StallRelay::forwardIn()
{
    if (m_stalled || !m_outer || !m_inner)
        return;
    if (m_inner->bytesAvailable() > 0)
        m_outer->write(m_inner->readAll());
}

quint16 StallRelay::innerLocalPort() const
{
    return m_inner ? m_inner->localPort() : 0;
}

void StallRelay::stall()
{
    if (m_stalled)
        return;
    m_stalled = true;
    // Qt stops reading from the kernel once its buffer holds this much; the kernel buffers fill
    // and the client's TCP window closes.
    if (m_outer)
        m_outer->setReadBufferSize(1);
    if (m_inner)
        m_inner->setReadBufferSize(1);
    qCDebug(lcSim) << "connection stalled";
}

void StallRelay::abort()
{
    if (m_outer)
        m_outer->abort();
    if (m_inner)
        m_inner->abort();
    finish();
}

void StallRelay::finish()
{
    if (m_finished)
        return;
    // Flush what the other side still has to say, then close it.
    if (!m_stalled) {
        forwardIn();
        forwardOut();
    }
    m_finished = true;
    if (m_inner && m_inner->state() == QAbstractSocket::ConnectedState)
        m_inner->disconnectFromHost();
    emit finished();
    if (m_outer && m_outer->state() != QAbstractSocket::UnconnectedState) {
        // Let the client's socket flush before the relay goes away with it.
        connect(m_outer, &QTcpSocket::disconnected, this, &QObject::deleteLater);
        m_outer->disconnectFromHost();
    } else {
        deleteLater();
    }
}

} // namespace bmon::sim
