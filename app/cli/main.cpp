// SPDX-License-Identifier: MIT
// baserow-monitor-cli: the headless Baserow Monitor.
#include "clioptions.h"
#include "comparecommand.h"
#include "exitcode.h"
#include "harcommands.h"
#include "replaycommand.h"
#include "signalwatcher.h"
#include "simulatecommand.h"
#include "statscommand.h"
#include "watchcommand.h"

#include "bmon-version.h"

#include <QCoreApplication>
#include <QNetworkProxyFactory>

#include <cstdio>

using namespace bmon;

namespace {

QString usage()
{
    return QCoreApplication::translate("main",
        "Usage: baserow-monitor-cli COMMAND [OPTIONS]\n"
        "\n"
        "Watch, record and verify a Baserow server's realtime events from a terminal.\n"
        "\n"
        "Commands:\n"
        "  watch      log in and print every realtime event (text or JSON Lines)\n"
        "  compare    check a table's realtime events against the server's rows\n"
        "  replay     print a recording (watch --record FILE) as watch printed it\n"
        "  stats      summarise a recording: types, tables, workspaces, reconnects, gaps\n"
        "  simulate   run the built-in Baserow simulator\n"
        "  export-har write a recording as a HAR file (Chrome DevTools' WebSocket shape)\n"
        "  import-har turn a browser's HAR capture of Baserow into a recording\n"
        "\n"
        "Options:\n"
        "  -h, --help     show this help (COMMAND --help for a command's options)\n"
        "  -v, --version  show the version\n"
        "\n"
        "Exit codes: 0 success; 2 bad arguments or unreadable input; 3 divergences found;\n"
        "4 authentication refused; 5 server unreachable or connection lost before going live;\n"
        "6 TLS failure; 7 not a Baserow server or unsupported version; 1 anything else.\n");
}

template<typename Command>
int run(QCoreApplication& app, const QStringList& arguments)
{
    Command command;
    const int immediate = command.start(arguments);
    if (immediate >= 0)
        return immediate;
    SignalWatcher watcher;
    QObject::connect(&watcher, &SignalWatcher::terminationRequested, &command, &Command::requestStop);
    QObject::connect(&command, &Command::finished, &app, &QCoreApplication::exit);
    return app.exec();
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("baserow-monitor-cli"));
    QCoreApplication::setApplicationVersion(QStringLiteral(BMON_VERSION_STRING));
    QCoreApplication::setOrganizationName(QStringLiteral("baserow-monitor"));
    QNetworkProxyFactory::setUseSystemConfiguration(true);

    QStringList args = app.arguments();
    args.removeFirst();
    if (args.isEmpty()) {
        std::fputs(qPrintable(usage()), stderr);
        return ExitBadArguments;
    }
    const QString command = args.takeFirst();
    if (command == QLatin1String("-h") || command == QLatin1String("--help")
        || command == QLatin1String("help")) {
        std::fputs(qPrintable(usage()), stdout);
        return ExitOk;
    }
    if (command == QLatin1String("-v") || command == QLatin1String("--version")) {
        std::printf("baserow-monitor-cli %s\n", BMON_VERSION_STRING);
        return ExitOk;
    }
    if (command == QLatin1String("watch"))
        return run<cli::WatchCommand>(app, args);
    if (command == QLatin1String("compare"))
        return run<cli::CompareCommand>(app, args);
    if (command == QLatin1String("replay"))
        return run<cli::ReplayCommand>(app, args);
    if (command == QLatin1String("stats"))
        return run<cli::StatsCommand>(app, args);
    if (command == QLatin1String("simulate"))
        return run<cli::SimulateCommand>(app, args);
    if (command == QLatin1String("export-har"))
        return cli::exportHarCommand(args);
    if (command == QLatin1String("import-har"))
        return cli::importHarCommand(args);
    cli::printError(QCoreApplication::translate("main", "unknown command \"%1\" (try --help)").arg(command));
    return ExitBadArguments;
}
