// SPDX-License-Identifier: MIT
// baserow-monitor: the desktop application.
#include "mainwindow.h"

#include "bmon-version.h"
#include "logindialog.h"

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
    QApplication::setDesktopFileName(QStringLiteral("baserow-monitor"));
    QNetworkProxyFactory::setUseSystemConfiguration(true);

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QApplication::translate("main", "Watch a Baserow server's realtime events."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption demo(QStringLiteral("demo"),
        QApplication::translate("main", "Start on the built-in demo server (simulator)."));
    const QCommandLineOption server(QStringLiteral("server"),
        QApplication::translate("main", "Open the login dialog for the backend at URL."),
        QStringLiteral("URL"));
    const QCommandLineOption grab(QStringLiteral("grab"),
        QApplication::translate(
            "main", "Save a screenshot of the window to FILE after S seconds, then quit."),
        QStringLiteral("FILE"));
    const QCommandLineOption grabAfter(QStringLiteral("grab-after"),
        QApplication::translate("main", "Seconds before --grab (default 3)."), QStringLiteral("S"),
        QStringLiteral("3"));
    parser.addOptions({demo, server, grab, grabAfter});
    parser.addPositionalArgument(QStringLiteral("recording"),
        QApplication::translate("main", "A recording to open read-only."), QStringLiteral("[recording]"));
    parser.process(app);

    auto fail = [](const QString& message) {
        std::fprintf(stderr, "baserow-monitor: %s\n", qPrintable(message));
        return 2;
    };
    if (parser.positionalArguments().size() > 1)
        return fail(QApplication::translate("main", "at most one recording file may be given"));
    bool delayOk = false;
    const double delay = parser.value(grabAfter).toDouble(&delayOk);
    if (!delayOk || delay < 0)
        return fail(QApplication::translate("main", "--grab-after needs a number of seconds"));
    QUrl serverUrl;
    if (parser.isSet(server)) {
        serverUrl = QUrl::fromUserInput(parser.value(server));
        if (!serverUrl.isValid()
            || (serverUrl.scheme() != QLatin1String("http") && serverUrl.scheme() != QLatin1String("https")))
            return fail(QApplication::translate("main", "--server needs an http:// or https:// URL"));
    }

    bmon::MainWindow window;
    if (parser.isSet(demo)) {
        // A throwaway run: the saved logins are neither restored nor overwritten, no keychain.
        window.setRememberSessions(false);
        QString error;
        if (!window.startDemo(&error))
            return fail(QApplication::translate("main", "cannot start the demo server: %1").arg(error));
        window.resize(window.size().expandedTo(QSize(1280, 800)));
    } else if (parser.positionalArguments().isEmpty()) {
        window.restoreLastSession();
    } else {
        // Looking at a file: the saved logins are neither restored nor overwritten.
        window.setRememberSessions(false);
    }
    window.show();
    if (!parser.positionalArguments().isEmpty()) {
        const QString file = parser.positionalArguments().constFirst();
        if (!window.openRecording(file))
            std::fprintf(stderr, "baserow-monitor: cannot open %s\n", qPrintable(file));
    }
    if (serverUrl.isValid())
        window.openLoginDialog(serverUrl);

    if (parser.isSet(grab)) {
        const QString file = parser.value(grab);
        QTimer::singleShot(qint64(delay * 1000), &window, [&window, file] {
            const bool ok = window.grab().save(file);
            if (!ok)
                std::fprintf(stderr, "baserow-monitor: cannot write %s\n", qPrintable(file));
            window.close();
            QApplication::exit(ok ? 0 : 1);
        });
    }
    return app.exec();
}
