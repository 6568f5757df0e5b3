// SPDX-License-Identifier: MIT
#pragma once

#include "core/eventstore.h"
#include "net/connection.h"

#include <QMainWindow>

#include <memory>

class QLabel;
class QStackedWidget;
class QTableView;

namespace bmon {

class EventListModel;
class RestClient;
namespace sim {
class Simulator;
}

/*!
 * The main window. For now (the desktop application is its own issue) it shows one login's
 * live event stream with the connection state; --demo connects it to the built-in simulator.
 */
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    //! Starts the built-in simulator in this process and watches it.
    bool startDemo(QString* error);
    const EventStore& store() const { return m_store; }

private:
    void onStateChanged(Connection::State state, const QString& reason);
    void onEventsAppended();

    EventStore m_store;
    std::unique_ptr<sim::Simulator> m_simulator;
    RestClient* m_rest = nullptr;
    Connection* m_connection = nullptr;
    EventListModel* m_model = nullptr;
    QStackedWidget* m_pages = nullptr;
    QTableView* m_view = nullptr;
    QLabel* m_state = nullptr;
    QLabel* m_count = nullptr;
    bool m_follow = true;
};

} // namespace bmon
