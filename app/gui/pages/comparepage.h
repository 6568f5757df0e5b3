// SPDX-License-Identifier: MIT
#pragma once

#include "core/compare/finding.h"
#include "net/tablecomparer.h"

#include <QHash>
#include <QJsonObject>
#include <QPointer>
#include <QWidget>

#include <functional>
#include <optional>

class QFrame;
class QLabel;
class QLineEdit;
class QProgressBar;
class QSortFilterProxyModel;
class QSplitter;
class QTableView;
class QTableWidget;
class QTimer;
class QToolButton;

namespace bmon {

class EchoProbeDialog;
class FindingListModel;
class RowTimelineModel;
class Session;

/*!
 * The Compare tab of one table (issue 4): a TableComparer checks the table's realtime events
 * against snapshots fetched over REST. A status banner (in sync / N divergences, snapshots,
 * the next re-snapshot, suspicions still settling, a progress bar while snapshotting), the
 * findings (sortable), and for the selected finding or a typed row id the row's timeline and
 * its values side by side: what the events say next to what the server has, differing cells
 * highlighted. Re-snapshot now (F5 through SessionView::refresh), Export report… (JSON) and
 * Echo probe…. objectName "comparePage_<id>".
 */
class ComparePage : public QWidget
{
    Q_OBJECT
public:
    //! The application's defaults: a re-snapshot every five minutes, on reconnect, throttled.
    static TableComparer::Options defaultOptions();

    ComparePage(Session* session, quint32 tableId, const TableComparer::Options& options = defaultOptions(),
        QWidget* parent = nullptr);
    ~ComparePage() override;

    quint32 tableId() const { return m_tableId; }
    Session* session() const { return m_session; }
    QString title() const; //!< "Compare: Customers"
    TableComparer* comparer() const { return m_comparer; }
    FindingListModel* findingsModel() const { return m_findings; }
    RowTimelineModel* timelineModel() const { return m_timeline; }
    QTableWidget* valuesTable() const { return m_values; }
    qint64 shownRowId() const { return m_rowId; } //!< 0 = none
    EchoProbeDialog* echoProbeDialog() const;

    //! Every open session (for the echo probe's observers: those of the same server).
    void setPeerSessions(std::function<QList<Session*>()> peers) { m_peers = std::move(peers); }

    //! Writes the report (TableComparer::report()) as indented JSON; false and \a error on failure.
    bool writeReport(const QString& path, QString* error = nullptr);

public slots:
    void resnapshot();
    //! Opens the (non-modal) save dialog; the report is written when a file is chosen.
    void exportReport();
    //! Opens the echo probe dialog (it asks for confirmation before writing anything).
    void openEchoProbe();
    //! Shows the row's timeline and values (its finding selected when it has one).
    void showRow(qint64 rowId);

signals:
    void titleChanged(const QString& title);
    //! The table went out of sync (once per transition from in sync to diverged).
    void outOfSync(const QString& title, const QString& text);
    //! A report was written (or failed: \a error not empty).
    void reportExported(const QString& path, const QString& error);

private:
    void onStatusChanged(TableComparer::Status status);
    void onMirrorChanged();
    void onFindingSelected();
    void updateBanner();
    void updateTitle();
    void updateFieldNames();
    void showFinding(const Finding& finding);
    void showValues(const std::optional<QJsonObject>& expected, const std::optional<QJsonObject>& actual,
        const QString& actualNote);
    void fetchActual(qint64 rowId);
    void showNotice(const QString& text, bool problem = false);
    std::optional<QJsonObject> lastKnownValues(qint64 rowId) const;

    Session* m_session;
    quint32 m_tableId;
    TableComparer* m_comparer;
    FindingListModel* m_findings;
    QSortFilterProxyModel* m_findingsProxy;
    RowTimelineModel* m_timeline;
    std::function<QList<Session*>()> m_peers;
    QHash<QString, QString> m_fieldNames; //!< "field_102" → "Seats"
    QList<QString> m_fieldOrder; //!< keys in the table's field order
    TableComparer::Status m_status = TableComparer::Status::Idle;
    bool m_notified = false; //!< out-of-sync notification sent since the last in-sync
    qint64 m_rowId = 0;
    int m_findingIndex = -1; //!< the finding shown, -1 = a typed row
    quint64 m_fetchSerial = 0;
    qint64 m_progressFetched = 0;
    qint64 m_progressTotal = 0;
    QPointer<EchoProbeDialog> m_echo;

    QLabel* m_title;
    QLabel* m_path;
    QFrame* m_banner;
    QLabel* m_statusText;
    QLabel* m_detail;
    QProgressBar* m_progress;
    QLabel* m_notice;
    QToolButton* m_resnapshot;
    QToolButton* m_export;
    QToolButton* m_echoButton;
    QTableView* m_findingsView;
    QLineEdit* m_rowEdit;
    QLabel* m_rowTitle;
    QTableView* m_timelineView;
    QTableWidget* m_values;
    QLabel* m_valuesNote;
    QSplitter* m_splitter;
    QTimer* m_ticker;
};

} // namespace bmon
