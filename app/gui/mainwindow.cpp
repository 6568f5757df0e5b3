// SPDX-License-Identifier: MIT
#include "mainwindow.h"

#include "models/eventlistmodel.h"
#include "net/restclient.h"
#include "sim/simulator.h"

#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QScrollBar>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTableView>
#include <QVBoxLayout>

namespace bmon {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent)
{
    setWindowTitle(tr("Baserow Monitor"));
    setObjectName(QStringLiteral("mainWindow"));
    resize(1280, 800);

    m_model = new EventListModel(this);
    m_model->setStore(&m_store);

    m_view = new QTableView;
    m_view->setObjectName(QStringLiteral("eventView"));
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 6);
    m_view->horizontalHeader()->setStretchLastSection(false);
    m_view->horizontalHeader()->setSectionResizeMode(EventListModel::SummaryColumn, QHeaderView::Stretch);
    m_view->setColumnWidth(EventListModel::TimeColumn, 110);
    m_view->setColumnWidth(EventListModel::DirectionColumn, 40);
    m_view->setColumnWidth(EventListModel::TypeColumn, 220);
    m_view->setColumnWidth(EventListModel::CategoryColumn, 90);
    m_view->setColumnWidth(EventListModel::TableColumn, 120);
    m_view->setColumnWidth(EventListModel::SizeColumn, 80);
    // Follow the tail unless the user scrolled away from it.
    connect(m_view->verticalScrollBar(), &QScrollBar::valueChanged, this,
        [this](int value) { m_follow = value >= m_view->verticalScrollBar()->maximum() - 2; });
    connect(m_model, &EventListModel::rowsAppended, this, [this] {
        if (m_follow)
            m_view->scrollToBottom();
        m_count->setText(tr("%n event(s)", nullptr, m_model->rowCount()));
    });

    auto* welcome = new QWidget;
    auto* layout = new QVBoxLayout(welcome);
    auto* text
        = new QLabel(tr("<h2>Baserow Monitor</h2><p>Watch a Baserow server's realtime events.</p>"
                        "<p>Logging in to your own server arrives with the desktop release; until then, "
                        "try the built-in demo server.</p>"));
    text->setAlignment(Qt::AlignCenter);
    auto* demo = new QPushButton(tr("Try the demo server"));
    demo->setObjectName(QStringLiteral("demoButton"));
    connect(demo, &QPushButton::clicked, this, [this] {
        QString error;
        if (!startDemo(&error))
            m_state->setText(error);
    });
    layout->addStretch();
    layout->addWidget(text);
    layout->addWidget(demo, 0, Qt::AlignCenter);
    layout->addStretch();

    m_pages = new QStackedWidget;
    m_pages->addWidget(welcome);
    m_pages->addWidget(m_view);
    setCentralWidget(m_pages);

    m_state = new QLabel(tr("Not connected"));
    m_state->setObjectName(QStringLiteral("connectionState"));
    m_count = new QLabel;
    statusBar()->addWidget(m_state, 1);
    statusBar()->addPermanentWidget(m_count);
}

MainWindow::~MainWindow()
{
    // The connection reads the store and the simulator serves it: tear down in order.
    delete m_connection;
    m_connection = nullptr;
    m_simulator.reset();
}

bool MainWindow::startDemo(QString* error)
{
    if (m_connection)
        return true;
    sim::SimulatorOptions options;
    options.rate = 8;
    m_simulator = std::make_unique<sim::Simulator>(options);
    if (!m_simulator->start(error))
        return false;
    m_rest = new RestClient(m_simulator->baseUrl(), this);
    m_connection = new Connection(m_rest, &m_store, Connection::Options {}, nullptr, this);
    connect(m_connection, &Connection::stateChanged, this, &MainWindow::onStateChanged);
    connect(m_connection, &Connection::eventsAppended, this, &MainWindow::onEventsAppended);
    m_connection->subscribe(Page::table(21));
    m_connection->start(m_simulator->email(), m_simulator->password());
    m_pages->setCurrentWidget(m_view);
    setWindowTitle(tr("Baserow Monitor — demo server"));
    return true;
}

void MainWindow::onStateChanged(Connection::State state, const QString& reason)
{
    QString text = Connection::stateName(state);
    if (!reason.isEmpty())
        text += QStringLiteral(" — ") + reason;
    m_state->setText(text);
}

void MainWindow::onEventsAppended()
{
    m_model->notifyAppended();
}

} // namespace bmon
