// SPDX-License-Identifier: MIT
// baserow-monitor: the desktop application.
#include "mainwindow.h"

#include "bmon-version.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QNetworkProxyFactory>
#include <QTimer>

#include <cstdio>

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("baserow-monitor"));
    QApplication::setApplicationDisplayName(QStringLiteral("Baserow Monitor"));
    QApplication::setApplicationVersion(QStringLiteral(BMON_VERSION_STRING));
    QApplication::setOrganizationName(QStringLiteral("baserow-monitor"));
    QNetworkProxyFactory::setUseSystemConfiguration(true);

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QApplication::translate("main", "Watch a Baserow server's realtime events."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption demo(QStringLiteral("demo"),
        QApplication::translate("main", "Start on the built-in demo server (simulator)."));
    const QCommandLineOption grab(QStringLiteral("grab"),
        QApplication::translate(
            "main", "Save a screenshot of the window to FILE after S seconds, then quit."),
        QStringLiteral("FILE"));
    const QCommandLineOption grabAfter(QStringLiteral("grab-after"),
        QApplication::translate("main", "Seconds before --grab (default 3)."), QStringLiteral("S"),
        QStringLiteral("3"));
    parser.addOptions({demo, grab, grabAfter});
    parser.process(app);

    bmon::MainWindow window;
    window.show();
    if (parser.isSet(demo)) {
        QString error;
        if (!window.startDemo(&error)) {
            std::fprintf(stderr, "baserow-monitor: cannot start the demo server: %s\n", qPrintable(error));
            return 1;
        }
    }
    if (parser.isSet(grab)) {
        const QString file = parser.value(grab);
        QTimer::singleShot(int(parser.value(grabAfter).toDouble() * 1000), &window, [&window, file] {
            const bool ok = window.grab().save(file);
            QApplication::exit(ok ? 0 : 1);
        });
    }
    return app.exec();
}
