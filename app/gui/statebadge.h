// SPDX-License-Identifier: MIT
#pragma once

#include "net/connection.h"

#include <QColor>
#include <QLabel>

namespace bmon {

//! A connection state as a small coloured pill ("● Live"), and the words and colours for states.
class StateBadge : public QLabel
{
    Q_OBJECT
public:
    explicit StateBadge(QWidget* parent = nullptr);

    void setState(Connection::State state);
    void clearState(); //!< no session: grey "Not connected"
    Connection::State state() const { return m_state; }

    static QString stateText(Connection::State state); //!< translated: "Live", "Reconnecting", …
    static QColor stateColor(Connection::State state);

private:
    Connection::State m_state = Connection::State::Disconnected;
    bool m_hasState = true; //!< false while showing "Not connected"
};

} // namespace bmon
