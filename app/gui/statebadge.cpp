// SPDX-License-Identifier: MIT
#include "statebadge.h"

namespace bmon {

StateBadge::StateBadge(QWidget* parent) : QLabel(parent)
{
    setObjectName(QStringLiteral("stateBadge"));
    setAlignment(Qt::AlignCenter);
    clearState();
}

void StateBadge::setState(Connection::State state)
{
    // A style sheet change re-polishes and re-lays out: only when the state really changed.
    if (m_hasState && state == m_state)
        return;
    m_hasState = true;
    m_state = state;
    const QColor c = stateColor(state);
    setText(stateText(state));
    setStyleSheet(
        QStringLiteral("QLabel { background: %1; color: white; border-radius: 8px; padding: 1px 10px; "
                       "font-weight: 600; }")
            .arg(c.name()));
}

void StateBadge::clearState()
{
    if (!m_hasState && !text().isEmpty())
        return;
    m_hasState = false;
    m_state = Connection::State::Disconnected;
    setText(tr("Not connected"));
    setStyleSheet(QStringLiteral("QLabel { background: #8a9099; color: white; border-radius: 8px; "
                                 "padding: 1px 10px; font-weight: 600; }"));
}

QString StateBadge::stateText(Connection::State state)
{
    switch (state) {
    case Connection::State::Disconnected:
        return tr("Disconnected");
    case Connection::State::LoggingIn:
        return tr("Logging in");
    case Connection::State::Connecting:
        return tr("Connecting");
    case Connection::State::Authenticating:
        return tr("Authenticating");
    case Connection::State::Live:
        return tr("Live");
    case Connection::State::Backoff:
        return tr("Reconnecting");
    case Connection::State::AuthExpired:
        return tr("Login expired");
    case Connection::State::Stopped:
        return tr("Stopped");
    }
    return {};
}

QColor StateBadge::stateColor(Connection::State state)
{
    switch (state) {
    case Connection::State::Live:
        return QColor(0x2e, 0x9d, 0x4f);
    case Connection::State::LoggingIn:
    case Connection::State::Connecting:
    case Connection::State::Authenticating:
        return QColor(0xc7, 0x8a, 0x00);
    case Connection::State::Backoff:
        return QColor(0xe0, 0x6c, 0x1b);
    case Connection::State::AuthExpired:
    case Connection::State::Stopped:
        return QColor(0xd2, 0x3f, 0x31);
    case Connection::State::Disconnected:
        break;
    }
    return QColor(0x8a, 0x90, 0x99);
}

} // namespace bmon
