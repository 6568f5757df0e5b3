// SPDX-License-Identifier: MIT
#pragma once

#include "net/page.h"

#include <QJsonObject>
#include <QList>
#include <QPointer>
#include <QWidget>

class QFrame;
class QLabel;
class QProgressBar;
class QPushButton;
class QSplitter;
class QTableView;
class QToolButton;

namespace bmon {

class Connection;
class EventFilterProxy;
class RowGridModel;
class Session;

/*!
 * One table, live: subscribes to its page on open (unsubscribes on close, unless the page was
 * subscribed before), shows the subscription state as it changes, fetches fields and rows with a
 * progress bar (asking inline, never in a modal dialog, before more than maxRowsWithoutAsking()
 * rows), shows them in a RowGridModel updated from the store's row events of this table, and the
 * table's own event stream below. On a single-page server (before 1.21) a banner explains why
 * opening this page ended another one, and which. objectName "tablePage_<id>".
 */
class TablePage : public QWidget
{
    Q_OBJECT
public:
    enum class LoadState
    {
        Probing,
        Asking,
        Fetching,
        Loaded,
        Failed,
        Cancelled
    };
    Q_ENUM(LoadState)

    TablePage(Session* session, quint32 tableId, QWidget* parent = nullptr);
    ~TablePage() override;

    quint32 tableId() const { return m_tableId; }
    //! The table's name for the tab ("table 21" until the Directory knows it).
    QString title() const;
    LoadState loadState() const { return m_loadState; }
    RowGridModel* gridModel() const { return m_grid; }
    //! The row count the last probe reported (-1 before).
    qint64 rowCount() const { return m_rowCount; }

    //! Tables with more rows ask before fetching (QSettings "tables/maxRowsWithoutAsking").
    static int maxRowsWithoutAsking();
    static void setMaxRowsWithoutAsking(int rows);

public slots:
    //! Re-fetches fields and rows (F5); subscribes again when the page was rejected or discarded.
    void refresh();
    //! The inline question's answers.
    void fetchAll();
    void cancelFetch();

signals:
    void titleChanged(const QString& title);
    void loadStateChanged(bmon::TablePage::LoadState state);
    //! "Compare with server" was clicked: open this table's Compare tab.
    void compareRequested();

private:
    void setLoadState(LoadState state);
    void probe();
    void startFetch();
    void onSubscriptionChanged(const Subscription& sub);
    void showSubscription(const Subscription& sub);
    void updateBanner();
    void updateTitle();
    void applyNewEvents();
    void showLoadedStatus();
    void onFieldsChanged(quint32 tableId);
    QString describePage(const Page& page) const;
    void setStatus(const QString& text, bool problem = false);

    Session* m_session;
    quint32 m_tableId;
    Page m_page;
    QPointer<Connection> m_connection;
    bool m_ownsSubscription = true;
    QString m_replaced; //!< pages this one ended on a single-page server
    QString m_replacedBy; //!< the page that ended this one
    Subscription m_sub;

    LoadState m_loadState = LoadState::Probing;
    quint64 m_request = 0; //!< serial of the newest probe/fetch: older answers are dropped
    qint64 m_rowCount = -1;
    qint64 m_confirmedRows = -1; //!< the user agreed to fetch this many
    quint64 m_snapshotFrom = 0; //!< store count when the fetch started
    quint64 m_applied = 0; //!< store records applied to the grid so far
    QList<quint32> m_fieldIds; //!< the grid's columns
    quint16 m_loadedGeneration = 0;

    RowGridModel* m_grid = nullptr;
    EventFilterProxy* m_events = nullptr;
    QLabel* m_title = nullptr;
    QLabel* m_path = nullptr;
    QLabel* m_state = nullptr;
    QPushButton* m_resubscribe = nullptr;
    QToolButton* m_refresh = nullptr;
    QLabel* m_banner = nullptr;
    QFrame* m_question = nullptr;
    QLabel* m_questionText = nullptr;
    QPushButton* m_fetchAll = nullptr;
    QLabel* m_status = nullptr;
    QProgressBar* m_progress = nullptr;
    QTableView* m_gridView = nullptr;
    QTableView* m_eventView = nullptr;
    QSplitter* m_splitter = nullptr;
    bool m_eventsAtEnd = true;
};

} // namespace bmon
