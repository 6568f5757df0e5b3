// SPDX-License-Identifier: MIT
// The real baserow-monitor-cli executable against the real simulator: the command-line contract
// (exit codes, JSON Lines, stderr messages, signals) as users' scripts see it.
#include "../sim/simtestutil.h"

#include "clirunner.h"
#include "core/jwt.h"

#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace bmon;
using namespace Qt::StringLiterals;
using simtest::http;
using simtest::json;

namespace {

using testcli::Cli;
using testcli::cliPath;
using testcli::Run;

// `watch` logged in to \a simulator as its member, the password from \a passwordFile.
QStringList watchArgs(
    const sim::Simulator& simulator, const QString& passwordFile, const QStringList& more = {})
{
    return QStringList {u"watch"_s, u"--server"_s, simulator.baseUrl().toString(), u"--email"_s,
               simulator.email(), u"--password-file"_s, passwordFile}
    + more;
}

QString writeFile(const QTemporaryDir& dir, const QString& name, const QByteArray& data)
{
    QFile f(dir.filePath(name));
    if (!f.open(QIODevice::WriteOnly))
        return {};
    f.write(data);
    return f.fileName();
}

} // namespace

class TestCli : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void versionAndHelp();
    void badArguments_data();
    void badArguments();
    void simulatePrintsUrlAndLogin();
    void watchJsonLines_data();
    void watchJsonLines();
    void watchText();
    void wrongPassword();
    void unreachable();
    void notBaserow();
    void tls();
    void passwordChangeEndsWithAuthRefused();
    void revokedRefreshTokenEndsWithAuthRefused();
    void sigtermExitsCleanly();
    void demoStreams();

private:
    QTemporaryDir m_dir;
    QString m_passwordFile;
};

void TestCli::initTestCase()
{
    QVERIFY2(QFile::exists(cliPath()), qPrintable(cliPath()));
    QVERIFY(m_dir.isValid());
    m_passwordFile = writeFile(m_dir, u"password"_s, "demo-password\n");
}

void TestCli::versionAndHelp()
{
    Run r = Cli({u"--version"_s}).wait();
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.out.startsWith("baserow-monitor-cli "));
    r = Cli({u"--help"_s}).wait();
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.out.contains("Exit codes"));
    r = Cli({u"watch"_s, u"--help"_s}).wait();
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.out.contains("--password-file"));
    QVERIFY(r.out.contains("--subscribe"));
    r = Cli({u"simulate"_s, u"--help"_s}).wait();
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.out.contains("--fault"));
}

void TestCli::badArguments_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    const QString pw = u"--password-file=/nonexistent/password"_s;
    QTest::newRow("no command") << QStringList {} << u"Usage"_s;
    QTest::newRow("unknown command") << QStringList {u"frobnicate"_s} << u"unknown command"_s;
    QTest::newRow("no server") << QStringList {u"watch"_s, u"--email=a@b.c"_s} << u"--server"_s;
    QTest::newRow("ws url") << QStringList {u"watch"_s, u"--server=wss://api.baserow.io"_s,
        u"--email=a@b.c"_s} << u"HTTP(S) base URL"_s;
    QTest::newRow("password option") << QStringList {u"watch"_s, u"--server=http://x"_s,
        u"--password=secret"_s} << u"refusing --password"_s;
    QTest::newRow("unreadable password file") << QStringList {u"watch"_s, u"--server=http://127.0.0.1:9"_s,
        u"--email=a@b.c"_s, pw} << u"password file"_s;
    QTest::newRow("bad subscribe") << QStringList {u"watch"_s, u"--demo"_s, u"--subscribe=table:abc"_s}
                                   << u"--subscribe"_s;
    QTest::newRow("bad format") << QStringList {u"watch"_s, u"--demo"_s, u"--format=xml"_s} << u"--format"_s;
    QTest::newRow("bad duration") << QStringList {u"watch"_s, u"--demo"_s, u"--duration=soon"_s}
                                  << u"--duration"_s;
    QTest::newRow("bad fault") << QStringList {u"simulate"_s, u"--fault=explode"_s} << u"--fault"_s;
    QTest::newRow("bad profile") << QStringList {u"simulate"_s, u"--profile=2.0"_s} << u"--profile"_s;
}

void TestCli::badArguments()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(u"BASEROW_PASSWORD"_s);
    const Run r = Cli(args, env).wait();
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(QString::fromUtf8(r.err).contains(message), r.err.constData());
}

void TestCli::simulatePrintsUrlAndLogin()
{
    Cli cli({u"simulate"_s, u"--rate=0"_s, u"--profile=1.15"_s, u"--email=ops@example.com"_s,
        u"--password=pw-123"_s});
    QProcess& p = cli.process();
    QTRY_VERIFY_WITH_TIMEOUT(
        p.canReadLine() && p.bytesAvailable() > 0 && QByteArray(p.peek(4096)).count('\n') >= 2, 15000);
    const QUrl url(QString::fromUtf8(p.readLine().trimmed()));
    QVERIFY2(url.scheme() == u"http"_s && url.port() > 0, qPrintable(url.toString()));
    QCOMPARE(QString::fromUtf8(p.readLine().trimmed()), u"login: ops@example.com / pw-123"_s);

    QNetworkAccessManager nam;
    const auto schema = http(nam, "GET", url.resolved(QUrl(u"/api/schema.json"_s)));
    QCOMPARE(schema.status, 200);
    QCOMPARE(schema.obj().value(u"info"_s).toObject().value(u"version"_s).toString(), u"1.15.2"_s);
    const auto login = http(nam, "POST", url.resolved(QUrl(u"/api/user/token-auth/"_s)),
        json({{u"email"_s, u"ops@example.com"_s}, {u"password"_s, u"pw-123"_s}}));
    QCOMPARE(login.status, 200);

    ::kill(pid_t(p.processId()), SIGTERM);
    const Run r = cli.wait();
    QCOMPARE(r.status, QProcess::NormalExit);
    QCOMPARE(r.exitCode, 0);
}

void TestCli::watchJsonLines_data()
{
    simtest::addProfileRows();
}

void TestCli::watchJsonLines()
{
    QFETCH(QString, profile);
    sim::SimulatorOptions options;
    options.profile = *sim::parseProfile(profile);
    options.rate = 40;
    options.seed = 11;
    options.faults << *sim::FaultSpec::parse(u"malformed=0.1"_s, nullptr);
    sim::Simulator simulator(options);
    QString error;
    QVERIFY2(simulator.start(&error), qPrintable(error));

    Cli cli(watchArgs(simulator, m_passwordFile,
        {u"--subscribe"_s, u"table:21"_s, u"--format"_s, u"jsonl"_s, u"--duration"_s, u"2.5"_s}));
    const Run r = cli.wait();
    QCOMPARE(r.status, QProcess::NormalExit);
    QVERIFY2(r.exitCode == 0, r.err.constData());

    // Every stdout line is one JSON object.
    const QList<QJsonObject> lines = r.lines();
    QVERIFY(lines.size() > 10);
    QStringList kinds, types, states;
    int malformed = 0, rowEvents = 0;
    for (const QJsonObject& o : lines) {
        QVERIFY2(!o.contains(u"unparsed"_s), qPrintable(o.value(u"unparsed"_s).toString()));
        kinds << o.value(u"kind"_s).toString();
        if (o.value(u"kind"_s) == u"frame"_s) {
            QVERIFY(o.value(u"seq"_s).toInteger() > 0);
            QVERIFY(o.value(u"time"_s).toString().endsWith(u'Z'));
            const QString type = o.value(u"type"_s).toString();
            types << type;
            if (o.value(u"status"_s).toString() != u"ok"_s) {
                ++malformed;
                QVERIFY(o.contains(u"error"_s) || o.value(u"status"_s) == u"no_type"_s);
            } else {
                QVERIFY(o.value(u"frame"_s).isObject() || o.value(u"dir"_s) == u"out"_s);
            }
            if (type.startsWith(u"rows_"_s)) {
                ++rowEvents;
                QCOMPARE(o.value(u"scope"_s).toObject().value(u"table_id"_s).toInt(), 21);
            }
        }
        if (o.value(u"kind"_s) == u"state"_s)
            states << o.value(u"state"_s).toString();
    }
    QVERIFY(types.contains(u"authentication"_s));
    QVERIFY(types.contains(u"page_add"_s));
    QVERIFY(states.contains(u"live"_s));
    QVERIFY(kinds.contains(u"subscription"_s));
    QVERIFY2(rowEvents > 0, "the generator's row events on table 21 reached the stream");
    QVERIFY2(malformed > 0, "malformed frames are shown, not dropped");
    // Secrets never leak: not the password, not any JWT.
    QVERIFY(!r.out.contains("demo-password") && !r.err.contains("demo-password"));
    QVERIFY(!r.out.contains("eyJ") && !r.err.contains("eyJ"));
    QVERIFY(r.err.isEmpty() || !r.err.contains("jwt_token=e"));
}

void TestCli::watchText()
{
    sim::SimulatorOptions options;
    options.rate = 30;
    sim::Simulator simulator(options);
    QString error;
    QVERIFY2(simulator.start(&error), qPrintable(error));
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"BASEROW_PASSWORD"_s, simulator.password());
    const Run r
        = Cli({u"watch"_s, u"--server"_s, simulator.baseUrl().toString(), u"--email"_s, simulator.email(),
                  u"--subscribe"_s, u"table:21"_s, u"--duration"_s, u"2"_s, u"--color=never"_s},
            env)
              .wait();
    QCOMPARE(r.exitCode, 0);
    const QString out = QString::fromUtf8(r.out);
    QVERIFY2(out.contains(u" < authentication · authenticated"_s), qPrintable(out));
    QVERIFY(out.contains(u" * live"_s));
    QVERIFY(out.contains(u" < page_add · table 21"_s));
    QVERIFY(out.contains(u" > page · table 21"_s));
    QVERIFY(QRegularExpression(u" < rows_\\w+ · table 21 · \\d+ rows?"_s).match(out).hasMatch());
    QVERIFY(!out.contains(u"\x1b["_s)); // no colour when piped
}

void TestCli::wrongPassword()
{
    for (const auto profile : {sim::Profile::V1_12, sim::Profile::V1_35}) {
        sim::SimulatorOptions options;
        options.profile = profile;
        options.rate = 0;
        sim::Simulator simulator(options);
        QString error;
        QVERIFY2(simulator.start(&error), qPrintable(error));
        const QString wrong = writeFile(m_dir, u"wrong"_s, "not-the-password\n");
        const Run r = Cli({u"watch"_s, u"--server"_s, simulator.baseUrl().toString(), u"--email"_s,
                              simulator.email(), u"--password-file"_s, wrong})
                          .wait(20000);
        QCOMPARE(r.exitCode, 4);
        QVERIFY2(r.ms < 10000, "wrong credentials end the run within seconds");
        QVERIFY(!r.err.isEmpty());
        QVERIFY(!r.err.contains("not-the-password") && !r.out.contains("not-the-password"));
    }
}

void TestCli::unreachable()
{
    QTcpServer probe; // a port that is certainly closed: bind, read the number, close
    QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
    const quint16 port = probe.serverPort();
    probe.close();
    const Run r = Cli({u"watch"_s, u"--server"_s, u"http://127.0.0.1:%1"_s.arg(port), u"--email"_s,
                          u"a@b.c"_s, u"--password-file"_s, m_passwordFile})
                      .wait();
    QCOMPARE(r.exitCode, 5);
    QVERIFY(!r.err.isEmpty());
}

void TestCli::notBaserow()
{
    // A web server that answers every request with an HTML page.
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    connect(&server, &QTcpServer::newConnection, &server, [&server] {
        while (QTcpSocket* s = server.nextPendingConnection()) {
            connect(s, &QTcpSocket::readyRead, s, [s] {
                s->readAll();
                const QByteArray body = "<html><body>It works!</body></html>";
                s->write("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: "
                    + QByteArray::number(body.size()) + "\r\n\r\n" + body);
            });
        }
    });
    const Run r = Cli({u"watch"_s, u"--server"_s, u"http://127.0.0.1:%1"_s.arg(server.serverPort()),
                          u"--email"_s, u"a@b.c"_s, u"--password-file"_s, m_passwordFile})
                      .wait();
    QCOMPARE(r.exitCode, 7);
    QVERIFY2(r.err.toLower().contains("baserow"), r.err.constData());
}

void TestCli::tls()
{
    sim::SimulatorOptions options;
    options.tls = true;
    options.rate = 0;
    sim::Simulator simulator(options);
    QString error;
    QVERIFY2(simulator.start(&error), qPrintable(error));
    QCOMPARE(simulator.baseUrl().scheme(), u"https"_s);
    const QStringList base {u"watch"_s, u"--server"_s, simulator.baseUrl().toString(), u"--email"_s,
        simulator.email(), u"--password-file"_s, m_passwordFile};

    // A self-signed certificate nobody trusts: exit 6, with the certificate's details.
    Run r = Cli(base).wait();
    QCOMPARE(r.exitCode, 6);
    QVERIFY2(r.err.contains("certificate"), r.err.constData());

    // Trusted explicitly: live, then a clean end.
    QByteArray pem;
    for (const QSslCertificate& c : simulator.certificateChain())
        pem += c.toPem();
    const QString ca = writeFile(m_dir, u"ca.pem"_s, pem);
    r = Cli(QStringList(base) << u"--ca-cert"_s << ca << u"--duration"_s << u"1"_s << u"--format=jsonl"_s)
            .wait();
    QVERIFY2(r.exitCode == 0, r.err.constData());
    QVERIFY(r.out.contains(R"("state":"live")"));
}

void TestCli::passwordChangeEndsWithAuthRefused()
{
    sim::SimulatorOptions options;
    options.rate = 0;
    sim::Simulator simulator(options);
    QString error;
    QVERIFY2(simulator.start(&error), qPrintable(error));
    Cli cli(watchArgs(simulator, m_passwordFile, {u"--format=jsonl"_s}));
    QTRY_VERIFY_WITH_TIMEOUT(simulator.connectionCount() == 1, 15000);

    // Someone changes the member's password from another session (1.21+: force_disconnect).
    QNetworkAccessManager nam;
    const QByteArray token = simtest::login(nam, simulator);
    const auto changed
        = http(nam, "POST", simulator.baseUrl().resolved(QUrl(u"/api/user/change-password/"_s)),
            json({{u"old_password"_s, u"demo-password"_s}, {u"new_password"_s, u"another-pw-1"_s}}),
            {{"Authorization", "JWT " + token}});
    QCOMPARE(changed.status, 204);

    const Run r = cli.wait();
    QCOMPARE(r.exitCode, 4);
    QVERIFY(r.out.contains(R"("type":"force_disconnect")"));
    QVERIFY2(r.err.contains("password"), r.err.constData());
}

void TestCli::revokedRefreshTokenEndsWithAuthRefused()
{
    sim::SimulatorOptions options;
    options.rate = 0;
    options.faults << *sim::FaultSpec::parse(u"expire-tokens=2"_s, nullptr); // refreshes every ~1.6 s
    sim::Simulator simulator(options);
    QString error;
    QVERIFY2(simulator.start(&error), qPrintable(error));

    // An SSO-style login: the CLI only has a refresh token, which the test then revokes.
    QNetworkAccessManager nam;
    const auto login = http(nam, "POST", simulator.baseUrl().resolved(QUrl(u"/api/user/token-auth/"_s)),
        json({{u"email"_s, simulator.email()}, {u"password"_s, simulator.password()}}));
    const QString refresh = login.obj().value(u"refresh_token"_s).toString();
    QVERIFY(!refresh.isEmpty());
    const QString file = writeFile(m_dir, u"refresh"_s, refresh.toUtf8());
    Cli cli({u"watch"_s, u"--server"_s, simulator.baseUrl().toString(), u"--refresh-token-file"_s, file});
    QTRY_VERIFY_WITH_TIMEOUT(simulator.connectionCount() == 1, 15000);

    const auto revoked
        = http(nam, "POST", simulator.baseUrl().resolved(QUrl(u"/api/user/token-blacklist/"_s)),
            json({{u"refresh_token"_s, refresh}}));
    QCOMPARE(revoked.status, 204);

    const Run r = cli.wait();
    QCOMPARE(r.exitCode, 4);
    QVERIFY2(r.err.toLower().contains("refresh") || r.err.toLower().contains("log in"), r.err.constData());
    QVERIFY(!r.err.contains(refresh.toUtf8()) && !r.out.contains(refresh.toUtf8()));
}

void TestCli::sigtermExitsCleanly()
{
    sim::SimulatorOptions options;
    options.rate = 20;
    sim::Simulator simulator(options);
    QString error;
    QVERIFY2(simulator.start(&error), qPrintable(error));
    Cli cli(watchArgs(simulator, m_passwordFile, {u"--format=jsonl"_s}));
    QTRY_VERIFY_WITH_TIMEOUT(simulator.connectionCount() == 1, 15000);
    for (int sig : {SIGTERM}) {
        ::kill(pid_t(cli.process().processId()), sig);
        const Run r = cli.wait();
        QCOMPARE(r.status, QProcess::NormalExit);
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains(R"("state":"stopped")"));
    }
    QTRY_COMPARE_WITH_TIMEOUT(simulator.connectionCount(), 0, 5000);
}

void TestCli::demoStreams()
{
    const Run r
        = Cli({u"watch"_s, u"--demo"_s, u"--demo-rate=60"_s, u"--duration=2"_s, u"--format=jsonl"_s}).wait();
    QVERIFY2(r.exitCode == 0, r.err.constData());
    int rows = 0;
    for (const QJsonObject& o : r.lines())
        rows += o.value(u"type"_s).toString().startsWith(u"rows_"_s) ? 1 : 0;
    QVERIFY2(rows > 5, r.out.left(2000).constData());
    QVERIFY(r.err.contains("simulator"));
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
