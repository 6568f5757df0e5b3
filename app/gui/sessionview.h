// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QMainWindow>
#include <QPointer>

#include <functional>

class QDockWidget;
class QLabel;
class QPushButton;
class QTabWidget;

namespace bmon {

class DiagnosticsPanel;
class Session;
class StreamPage;
class SubscriptionsPanel;
class TablePage;
class WorkspaceDock;

/*!
 * Everything about one login in one widget (a tab of the main window, or a column of the side by
 * side view): the workspace tree on the left, the pages in the centre (the stream first, then a
 * closable tab per table), the Subscriptions and Diagnostics panels as docks below, and a banner
 * for outages and expired logins. A QMainWindow used as a plain widget, for its docks.
 */
class SessionView : public QMainWindow
{
    Q_OBJECT
public:
    explicit SessionView(Session* session, QWidget* parent = nullptr);
    ~SessionView() override;

    Session* session() const { return m_session; }
    QTabWidget* pageTabs() const { return m_pages; }
    SubscriptionsPanel* subscriptionsPanel() const { return m_subscriptions; }
    DiagnosticsPanel* diagnosticsPanel() const { return m_diagnostics; }
    QDockWidget* workspacesDock() const { return m_workspacesDock; }
    QDockWidget* subscriptionsDock() const { return m_subscriptionsDock; }
    QDockWidget* diagnosticsDock() const { return m_diagnosticsDock; }
    StreamPage* streamPage() const; //!< nullptr in builds without the page widgets

    //! Opens (or switches to) the table's page.
    void openTable(quint32 tableId);
    //! Table ids of the open table tabs, in tab order.
    QList<quint32> openTables() const;
    //! Opens (or switches to) the table's Compare tab (one per table).
    void openCompare(quint32 tableId);
    //! The table of the current table or Compare tab, 0 when another page is current.
    quint32 currentTableId() const;
    //! "Compare with server": the current table's Compare tab; false when no table is current.
    bool compareCurrentTable();
    //! Every open session, for the echo probe's observers.
    void setPeerSessions(std::function<QList<Session*>()> peers) { m_peers = std::move(peers); }
    void closePage(int index);

    void focusFilter();
    void togglePause();
    void clearView();
    void copyAsJson();
    //! F5: the current table page's rows, a Compare tab's re-snapshot, else the workspace tree.
    void refresh();
    void showSubscribeForm();

    void showBanner(const QString& text, bool offerLogin);
    void hideBanner();
    bool bannerVisible() const;
    QString bannerText() const;

    //! Dock layout and view columns, shared by all session views.
    void saveLayout();
    void restoreLayout();

signals:
    void loginAgainRequested(bmon::Session* session);
    //! The stream was paused or resumed (\a newWhilePaused: events since the pause).
    void pausedChanged(bool paused, quint64 newWhilePaused);
    //! A Compare tab's table went out of sync (for the desktop notification).
    void outOfSync(const QString& title, const QString& text);

protected:
    void showEvent(QShowEvent* event) override;

private:
    QDockWidget* addPanel(
        const QString& title, const QString& name, QWidget* content, Qt::DockWidgetArea area);
    void updateTableTitles();

    Session* m_session;
    QTabWidget* m_pages;
    QWidget* m_stream = nullptr;
    QWidget* m_tree = nullptr;
    SubscriptionsPanel* m_subscriptions;
    DiagnosticsPanel* m_diagnostics;
    QDockWidget* m_workspacesDock;
    QDockWidget* m_subscriptionsDock;
    QDockWidget* m_diagnosticsDock;
    QWidget* m_banner;
    QLabel* m_bannerText;
    QPushButton* m_bannerLogin;
    std::function<QList<Session*>()> m_peers;
    bool m_layoutRestored = false;
    bool m_sized = false;
};

} // namespace bmon
