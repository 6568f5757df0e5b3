// SPDX-License-Identifier: MIT
#pragma once

#include "core/eventfilter.h"

#include <QByteArray>
#include <QWidget>

class QSplitter;
class QTableView;
class QToolButton;

namespace bmon {

class DetailsPane;
class EventFilterProxy;
class FilterBar;
class Session;
class StreamWindowProxy;

/*!
 * The live event stream of one Session: a filter bar, the event table (over an EventFilterProxy
 * over Session::events(), through a StreamWindowProxy for pause and clear) and the details pane
 * in a splitter. Follows the tail unless the user scrolled up. objectName "streamPage".
 */
class StreamPage : public QWidget
{
    Q_OBJECT
public:
    explicit StreamPage(Session* session, QWidget* parent = nullptr);
    ~StreamPage() override;

    //! The event table's header (column order, widths, hidden columns) for QSettings.
    QByteArray headerState() const;
    bool restoreHeaderState(const QByteArray& state);
    //! The table/details splitter.
    QByteArray splitterState() const;
    bool restoreSplitterState(const QByteArray& state);

    //! The criteria applied now (scope included).
    EventFilter filter() const;
    bool isPaused() const;
    //! Matching events held back while paused.
    quint64 newWhilePaused() const;
    bool isFollowing() const;

    QTableView* eventView() const { return m_view; }
    EventFilterProxy* filterProxy() const { return m_filter; }

public slots:
    //! Replaces the workspace/application/table criteria; keeps the user's other criteria.
    void setScope(const bmon::EventFilter& scopeOnly);
    void focusFilter();
    void togglePause();
    void setPaused(bool paused);
    void setFollowing(bool follow);
    //! Hides what the view shows now; the store keeps it.
    void clearView();
    //! Copies the selected events' payloads, verbatim, one per line.
    void copySelectionAsJson();

signals:
    void openTableRequested(quint32 tableId);
    void pausedChanged(bool paused, quint64 newWhilePaused);
    //! The scope changed from inside the page (chip removed, a workspace link in the details):
    //! lets the workspace tree follow.
    void scopeChanged(const bmon::EventFilter& scopeOnly);

private:
    void setupView();
    void onCurrentRowChanged();
    void onWindowReset();
    void onRangeChanged(int min, int max);
    void onScrolled(int value);
    void updateCounts();
    void showViewMenu(const QPoint& pos);
    void showHeaderMenu(const QPoint& pos);
    void applyScope(const EventFilter& scopeOnly, bool fromInside);

    Session* m_session;
    EventFilterProxy* m_filter = nullptr;
    StreamWindowProxy* m_window = nullptr;
    FilterBar* m_bar = nullptr;
    QTableView* m_view = nullptr;
    DetailsPane* m_details = nullptr;
    QSplitter* m_splitter = nullptr;
    QToolButton* m_pause = nullptr;
    QToolButton* m_badge = nullptr;
    QToolButton* m_follow = nullptr;
    QToolButton* m_clear = nullptr;
    QToolButton* m_copy = nullptr;
    qint64 m_selected = -1; //!< store index of the current event, kept across filter changes
    int m_lastScroll = 0;
    bool m_autoScrolling = false;
};

} // namespace bmon
