// SPDX-License-Identifier: MIT
#include "simulatecommand.h"

#include "clioptions.h"
#include "exitcode.h"

#include "sim/simulator.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QTimer>

#include <cstdio>

namespace bmon::cli {

namespace {
constexpr int kMaxCustomerRows = 1000000; // a typo should not eat the machine's memory
} // namespace

SimulateCommand::SimulateCommand(QObject* parent) : QObject(parent)
{ }

SimulateCommand::~SimulateCommand() = default;

int SimulateCommand::start(const QStringList& arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(tr(
        "Run the built-in Baserow simulator: REST and the realtime WebSocket on one port, real JWTs, seeded "
        "workspaces and tables, simulated collaborators and fault knobs. Serves until SIGINT/SIGTERM."));
    const QCommandLineOption host(QStringLiteral("host"), tr("Address to listen on (default 127.0.0.1)."),
        tr("ADDRESS"), QStringLiteral("127.0.0.1"));
    const QCommandLineOption port(
        QStringLiteral("port"), tr("Port (default: any free port)."), tr("N"), QStringLiteral("0"));
    const QCommandLineOption profile(QStringLiteral("profile"),
        tr("Baserow version to behave as: 1.12, 1.15 or 1.35 (default)."), tr("P"), QStringLiteral("1.35"));
    const QCommandLineOption rate(QStringLiteral("rate"),
        tr("Generated events per second in total (default 5; 0 = none)."), tr("EVENTS_PER_S"),
        QStringLiteral("5"));
    const QCommandLineOption users(
        QStringLiteral("users"), tr("Simulated collaborators (default 3)."), tr("N"), QStringLiteral("3"));
    const QCommandLineOption seed(
        QStringLiteral("seed"), tr("Seed for traffic and faults (reproducible runs)."), tr("N"));
    const QCommandLineOption email(QStringLiteral("email"), tr("E-mail of the member who logs in."), tr("E"));
    const QCommandLineOption password(
        QStringLiteral("password"), tr("That member's password (the simulator's own demo login)."), tr("P"));
    const QCommandLineOption tls(
        QStringLiteral("tls"), tr("Serve HTTPS/WSS with a freshly generated self-signed certificate."));
    const QCommandLineOption certOut(QStringLiteral("cert-out"),
        tr("With --tls: write the certificate (PEM) to FILE, for clients' --ca-cert."), tr("FILE"));
    const QCommandLineOption customerRows(QStringLiteral("customer-rows"),
        tr("Rows of the first table, CRM → Customers (default 120; extra rows get seeded values)."), tr("N"),
        QStringLiteral("0"));
    const QCommandLineOption fault(QStringLiteral("fault"),
        tr("A fault to inject, repeatable: drop=P, duplicate=P, reorder=P, malformed=P, "
           "drop-type=TYPE@N, duplicate-type=TYPE@N, reorder-type=TYPE@N, delay=MS, "
           "close=CODE@SECONDS, stall@SECONDS, expire-tokens=SECONDS, burst=N@SECONDS, "
           "restart@SECONDS, silent-update@SECONDS, silent-create@SECONDS, silent-delete@SECONDS; "
           "prefix conn=N: or user=EMAIL: to target a connection's faults."),
        tr("SPEC"));
    const QCommandLineOption verbose(
        QStringLiteral("verbose"), tr("Log connections, requests and applied faults to stderr."));
    parser.addOptions({host, port, profile, rate, users, seed, email, password, tls, certOut, customerRows,
        fault, verbose});

    if (const auto code = parseArguments(parser, QStringLiteral("simulate"), arguments))
        return *code;

    sim::SimulatorOptions options;
    options.address = QHostAddress(parser.value(host));
    if (options.address.isNull()) {
        printError(tr("--host must be an IP address"));
        return ExitBadArguments;
    }
    bool ok = false;
    const uint portNumber = parser.value(port).toUInt(&ok);
    if (!ok || portNumber > 65535) {
        printError(tr("--port must be a number from 0 to 65535"));
        return ExitBadArguments;
    }
    options.port = quint16(portNumber);
    const auto prof = sim::parseProfile(parser.value(profile));
    if (!prof) {
        printError(tr("--profile must be 1.12, 1.15 or 1.35"));
        return ExitBadArguments;
    }
    options.profile = *prof;
    options.rate = parser.value(rate).toDouble(&ok);
    if (!ok || options.rate < 0) {
        printError(tr("--rate must be a number of events per second"));
        return ExitBadArguments;
    }
    options.users = parser.value(users).toInt(&ok);
    if (!ok || options.users < 0) {
        printError(tr("--users must be a number"));
        return ExitBadArguments;
    }
    if (parser.isSet(seed)) {
        options.seed = parser.value(seed).toULongLong(&ok);
        if (!ok) {
            printError(tr("--seed must be a number"));
            return ExitBadArguments;
        }
    }
    options.customerRows = parser.value(customerRows).toInt(&ok);
    if (!ok || options.customerRows < 0 || options.customerRows > kMaxCustomerRows) {
        printError(tr("--customer-rows must be a number from 0 to %1").arg(kMaxCustomerRows));
        return ExitBadArguments;
    }
    if (parser.isSet(email))
        options.email = parser.value(email);
    if (parser.isSet(password))
        options.password = parser.value(password);
    options.tls = parser.isSet(tls);
    for (const QString& spec : parser.values(fault)) {
        QString error;
        const auto f = sim::FaultSpec::parse(spec, &error);
        if (!f) {
            printError(tr("--fault %1: %2").arg(spec, error));
            return ExitBadArguments;
        }
        options.faults << *f;
    }
    if (parser.isSet(certOut) && !options.tls) {
        printError(tr("--cert-out needs --tls"));
        return ExitBadArguments;
    }

    m_simulator = std::make_unique<sim::Simulator>(options);
    if (parser.isSet(verbose)) {
        connect(m_simulator.get(), &sim::Simulator::connectionOpened, this, [](int n, const QString& who) {
            printInfo(
                tr("connection %1 opened (%2)").arg(n).arg(who.isEmpty() ? tr("not authenticated") : who));
        });
        connect(m_simulator.get(), &sim::Simulator::connectionClosed, this,
            [](int n, int code) { printInfo(tr("connection %1 closed (code %2)").arg(n).arg(code)); });
        connect(m_simulator.get(), &sim::Simulator::requestHandled, this,
            [](const QString& method, const QString& path, int status) {
                printInfo(QStringLiteral("%1 %2 → %3").arg(method, path).arg(status));
            });
        connect(m_simulator.get(), &sim::Simulator::faultApplied, this, [](int n, const QString& what) {
            if (n > 0)
                printInfo(tr("fault on connection %1: %2").arg(n).arg(what));
        });
    }
    // Server-wide faults are always told: a silent-* change is otherwise invisible by design.
    connect(m_simulator.get(), &sim::Simulator::faultApplied, this, [](int n, const QString& what) {
        if (n == 0)
            printInfo(tr("server fault: %1").arg(what));
    });
    QString error;
    if (!m_simulator->start(&error)) {
        printError(tr("cannot start the simulator: %1").arg(error));
        return ExitOther;
    }
    if (parser.isSet(certOut)) {
        QFile f(parser.value(certOut));
        QByteArray pem;
        for (const QSslCertificate& c : m_simulator->certificateChain())
            pem += c.toPem();
        if (!f.open(QIODevice::WriteOnly) || f.write(pem) != pem.size()) {
            printError(tr("cannot write %1: %2").arg(f.fileName(), f.errorString()));
            return ExitBadArguments;
        }
    }

    const QString lines = QStringLiteral("%1\n").arg(m_simulator->baseUrl().toString())
        + tr("login: %1 / %2\n").arg(m_simulator->email(), m_simulator->password())
        + tr("profile %1 (Baserow %2), %3 events/s from %4 collaborators, seed %5%6\n")
              .arg(sim::profileName(options.profile), m_simulator->version().toString())
              .arg(options.rate)
              .arg(options.users)
              .arg(m_simulator->seed())
              .arg(options.faults.isEmpty() ? QString()
                                            : tr(", %n fault(s)", nullptr, int(options.faults.size())))
        + tr("Serving until interrupted (Ctrl+C).\n");
    std::fputs(lines.toUtf8().constData(), stdout);
    std::fflush(stdout);
    return -1;
}

void SimulateCommand::requestStop()
{
    if (m_simulator)
        m_simulator->stop();
    QTimer::singleShot(0, this, [this] { emit finished(ExitOk); });
}

} // namespace bmon::cli
