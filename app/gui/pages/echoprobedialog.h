// SPDX-License-Identifier: MIT
#pragma once

#include "net/echoprobe.h"
#include "net/page.h"

#include <QDialog>
#include <QList>
#include <QPointer>

class QCheckBox;
class QComboBox;
class QLabel;
class QPushButton;
class QRadioButton;
class QSpinBox;
class QTableWidget;
class QTimer;

namespace bmon {

class Connection;
class Session;

/*!
 * The echo probe (an admin action): explicit confirmation that it makes real writes, a choice of
 * a cell (row id and one of the table's text fields, set to a marker and back) or a probe row
 * (created and deleted), then EchoProbe runs with the tab's session as the writer and every
 * open session of the same server as observers. Observers not yet subscribed to the table's
 * page are subscribed for the probe (and unsubscribed after). The results: one line per write
 * and socket — received or not, the REST→event latency, and what PROTOCOL.md §3 expects (the
 * WebSocketId header skips the writer's own socket, no one else's). Non-modal; never exec().
 */
class EchoProbeDialog : public QDialog
{
    Q_OBJECT
public:
    enum Column
    {
        StepColumn,
        HeaderColumn,
        HttpColumn,
        SocketColumn,
        ReceivedColumn,
        LatencyColumn,
        ExpectedColumn,
        ColumnCount
    };

    //! \a sessions: every open session; those of \a writer's server with a connection observe.
    EchoProbeDialog(
        Session* writer, const QList<Session*>& sessions, quint32 tableId, QWidget* parent = nullptr);
    ~EchoProbeDialog() override;

    void setRowId(qint64 rowId);
    void setTimeoutMs(qint64 ms) { m_timeoutMs = ms; }
    QList<Session*> observers() const;
    bool isRunning() const;
    EchoProbe* probe() const { return m_probe; }
    QTableWidget* resultsTable() const { return m_results; }
    QString statusText() const;

    //! PROTOCOL.md §3: with the header only the writer's own socket is skipped.
    static bool expectReceived(bool withWebSocketId, bool isWriter) { return !(withWebSocketId && isWriter); }

public slots:
    //! Starts the probe (only once the confirmation is ticked).
    void run();
    void cancel();

signals:
    //! A REST write of the probe finished (cell mode: the row; 0 in probe-row mode).
    void restWritten(qint64 rowId, const QString& what);
    void probeFinished(bool ok);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void loadFields();
    void updateControls();
    void startProbe();
    void addStep(const EchoProbe::Step& step);
    void finish(bool ok);
    void releaseSubscriptions();
    bool allSubscribed() const;

    Session* m_writer;
    QList<QPointer<Session>> m_observers; //!< the writer first
    quint32 m_tableId;
    Page m_page;
    qint64 m_timeoutMs = 3000;
    EchoProbe* m_probe = nullptr;
    QList<QPointer<Connection>> m_subscribedHere; //!< pages this dialog asked for
    QTimer* m_subscribeWait;
    bool m_waiting = false;
    bool m_closeWhenDone = false; //!< closed while writing: close once the probe restored
    int m_mismatches = 0;
    int m_steps = 0;

    QLabel* m_warning;
    QCheckBox* m_confirm;
    QRadioButton* m_cellMode;
    QRadioButton* m_rowMode;
    QSpinBox* m_rowId;
    QComboBox* m_field;
    QLabel* m_observersLabel;
    QPushButton* m_run;
    QPushButton* m_cancel;
    QPushButton* m_close;
    QLabel* m_status;
    QTableWidget* m_results;
};

} // namespace bmon
