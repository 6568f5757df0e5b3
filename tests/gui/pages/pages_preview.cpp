// SPDX-License-Identifier: MIT
// pages_preview: the page widgets on a demo session, outside the main window, to look at them
// (and grab screenshots) while they are developed. Not a test and not installed.
#include "models/eventlistmodel.h"
#include "scopefilter.h"
#include "session.h"
#include "sim/simulator.h"
#include "streampage.h"
#include "tablepage.h"
#include "workspacedock.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QHBoxLayout>
#include <QMenu>
#include <QScreen>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QToolButton>

#include <cstdio>

using namespace bmon;

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("pages_preview"));
    QApplication::setOrganizationName(QStringLiteral("baserow-monitor-dev"));

    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption grab(QStringLiteral("grab"),
        QStringLiteral("Save a screenshot to FILE and quit."), QStringLiteral("FILE"));
    const QCommandLineOption after(QStringLiteral("after"), QStringLiteral("Seconds before the grab."),
        QStringLiteral("S"), QStringLiteral("6"));
    const QCommandLineOption show(QStringLiteral("show"),
        QStringLiteral("stream, types, table, table-ask, rejected, details, changes, malformed or banner."),
        QStringLiteral("WHAT"), QStringLiteral("stream"));
    const QCommandLineOption rate(QStringLiteral("rate"), QStringLiteral("Events per second."),
        QStringLiteral("N"), QStringLiteral("12"));
    parser.addOptions({grab, after, show, rate});
    parser.process(app);
    const QString what = parser.value(show);

    Session session;
    sim::SimulatorOptions options;
    options.rate = parser.value(rate).toDouble();
    if (what == QLatin1String("malformed"))
        options.faults.append(*sim::FaultSpec::parse(QStringLiteral("malformed=0.3"), nullptr));
    if (what == QLatin1String("banner"))
        options.profile = sim::Profile::V1_15;
    QString error;
    if (!session.startDemo(options, &error)) {
        std::fprintf(stderr, "pages_preview: %s\n", qPrintable(error));
        return 1;
    }

    QWidget window;
    window.resize(1280, 800); // the main window's minimum
    auto* split = new QSplitter;
    auto* dock = new WorkspaceDock(&session);
    auto* tabs = new QTabWidget;
    tabs->setDocumentMode(true);
    auto* stream = new StreamPage(&session);
    tabs->addTab(stream, QStringLiteral("Events"));
    split->addWidget(dock);
    split->addWidget(tabs);
    split->setStretchFactor(1, 1);
    auto* layout = new QHBoxLayout(&window);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(split);
    QObject::connect(dock, &WorkspaceDock::scopeSelected, stream, &StreamPage::setScope);
    QObject::connect(stream, &StreamPage::scopeChanged, dock, &WorkspaceDock::showScope);
    auto openTable = [&session, tabs](quint32 id) {
        const QString name = QStringLiteral("tablePage_%1").arg(id);
        for (int i = 0; i < tabs->count(); ++i) {
            if (tabs->widget(i)->objectName() == name) {
                tabs->setCurrentIndex(i);
                return;
            }
        }
        auto* page = new TablePage(&session, id);
        tabs->setCurrentIndex(tabs->addTab(page, page->title()));
        QObject::connect(page, &TablePage::titleChanged, tabs,
            [tabs, page](const QString& t) { tabs->setTabText(tabs->indexOf(page), t); });
    };
    QObject::connect(dock, &WorkspaceDock::openTableRequested, &window, openTable);
    QObject::connect(stream, &StreamPage::openTableRequested, &window, openTable);
    window.show();

    const int afterMs = int(parser.value(after).toDouble() * 1000);
    // Staged so the screenshots show each state.
    QTimer::singleShot(afterMs / 2, &window, [&, what] {
        if (what == QLatin1String("table")) {
            openTable(21);
        } else if (what == QLatin1String("table-ask")) {
            TablePage::setMaxRowsWithoutAsking(50);
            openTable(22);
        } else if (what == QLatin1String("rejected")) {
            openTable(999);
        } else if (what == QLatin1String("banner")) {
            openTable(22);
            QTimer::singleShot(300, &window, [&] { openTable(23); });
        } else if (what == QLatin1String("types")) {
            if (auto* b = stream->findChild<QToolButton*>(QStringLiteral("filterTypes")))
                b->menu()->popup(b->mapToGlobal(QPoint(0, b->height())));
        } else if (what == QLatin1String("details") || what == QLatin1String("malformed")
            || what == QLatin1String("changes")) {
            QTableView* view = stream->eventView();
            const bool errors = what == QLatin1String("malformed");
            for (int r = view->model()->rowCount() - 1; r >= 0; --r) {
                const QModelIndex i = view->model()->index(r, EventListModel::TypeColumn);
                if (errors ? i.data(EventListModel::IsErrorRole).toBool()
                           : i.data().toString() == QLatin1String("rows_updated")) {
                    stream->setPaused(true);
                    view->setCurrentIndex(i);
                    if (what == QLatin1String("changes")) {
                        if (auto* t = stream->findChild<QTabWidget*>(QStringLiteral("detailsTabs")))
                            t->setCurrentIndex(2);
                    }
                    break;
                }
            }
        }
    });
    if (parser.isSet(grab)) {
        const QString file = parser.value(grab);
        QTimer::singleShot(afterMs, &window, [&window, file, what] {
            // Popups are windows of their own: grab the screen for them.
            const bool ok = what == QLatin1String("types")
                ? QGuiApplication::primaryScreen()->grabWindow(0).save(file)
                : window.grab().save(file);
            QApplication::exit(ok ? 0 : 1);
        });
    }
    return app.exec();
}
