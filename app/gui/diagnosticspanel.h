// SPDX-License-Identifier: MIT
#pragma once

#include "net/connection.h"

#include <QHash>
#include <QWidget>

class QGridLayout;
class QLabel;
class QTableView;
class QTimer;

namespace bmon {

class RateChart;
class Session;
class StateBadge;

/*!
 * Everything about one session's connection, explained rather than dumped: state and time in
 * state, reconnect countdown and attempt, the last close code with its meaning, ping round trips
 * (current, median, p95), the events/s and bytes/s chart, web_socket_id, the (redacted) backend
 * URL, detected version and page profile, access-token expiry countdown, counters, and the
 * state-change log. Refreshes once a second while visible, and at once on state changes.
 */
class DiagnosticsPanel : public QWidget
{
    Q_OBJECT
public:
    explicit DiagnosticsPanel(Session* session, QWidget* parent = nullptr);

    //! What a WebSocket close code means, in words ("1006 no close frame: …").
    static QString closeCodeMeaning(int code);
    //! "2 min 05 s", "45 s", "1 h 02 min"
    static QString formatDuration(qint64 ms);
    //! The \a percentile (0–100) of \a values (nearest rank), -1 when empty.
    static qint64 percentile(QList<qint64> values, double percentile);

    //! Updates every field now.
    void refresh();
    //! The value label of a field by its object name ("diagState", …), for tests.
    QString fieldText(const QString& objectName) const;

protected:
    void showEvent(QShowEvent* event) override;

private:
    QLabel* addField(QGridLayout* grid, int row, int column, const QString& label, const QString& name);
    void onStateChanged(Connection::State state);

    Session* m_session;
    StateBadge* m_badge;
    RateChart* m_chart;
    QTableView* m_log;
    QTimer* m_timer;
    QHash<QString, QLabel*> m_fields;
    int m_attempt = 0; //!< reconnect attempts since the connection was last live
    int m_recoveredAfter = 0; //!< attempts the last reconnect took
};

} // namespace bmon
