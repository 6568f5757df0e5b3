// SPDX-License-Identifier: MIT
// KeychainSecretStore against a real Secret Service: gnome-keyring-daemon in a private D-Bus
// session (dbus-run-session) with a scratch HOME, so nothing touches the user's keyring. The
// test re-runs itself inside that session; it skips only when the programs are missing.
#include "keychainsecretstore.h"

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace bmon;
using namespace Qt::StringLiterals;

class TestKeychain : public QObject
{
    Q_OBJECT

private slots:
    void roundTripInScratchKeyring();

private:
    void runInside();
    QString m_home;
};

void TestKeychain::roundTripInScratchKeyring()
{
    if (qEnvironmentVariable("BMON_KEYRING_CHILD") == "1"_L1)
        return runInside();

    const QString dbus = QStandardPaths::findExecutable(u"dbus-run-session"_s);
    const QString keyring = QStandardPaths::findExecutable(u"gnome-keyring-daemon"_s);
    if (dbus.isEmpty() || keyring.isEmpty())
        QSKIP(
            "needs dbus-run-session and gnome-keyring-daemon (packages dbus, gnome-keyring, libsecret-1-0)");

    QTemporaryDir home;
    QVERIFY(home.isValid());
    QDir(home.path()).mkpath(u"run"_s);
    QFile::setPermissions(home.filePath(u"run"_s), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"HOME"_s, home.path());
    env.insert(u"XDG_DATA_HOME"_s, home.filePath(u".local/share"_s));
    env.insert(u"XDG_CONFIG_HOME"_s, home.filePath(u".config"_s));
    env.insert(u"XDG_CACHE_HOME"_s, home.filePath(u".cache"_s));
    env.insert(u"XDG_RUNTIME_DIR"_s, home.filePath(u"run"_s));
    env.remove(u"DBUS_SESSION_BUS_ADDRESS"_s);
    env.insert(u"BMON_KEYRING_CHILD"_s, u"1"_s);

    QProcess child;
    child.setProcessEnvironment(env);
    child.setProcessChannelMode(QProcess::MergedChannels);
    // The daemon reads the new keyring's password from stdin and unlocks it; then the test runs.
    child.start(dbus,
        {u"--"_s, u"sh"_s, u"-c"_s,
            u"printf pw | \"$1\" --unlock --components=secrets >/dev/null 2>&1; exec \"$0\" roundTripInScratchKeyring"_s,
            QCoreApplication::applicationFilePath(), keyring});
    QSignalSpy finished(&child, &QProcess::finished);
    QVERIFY(finished.wait(90000));
    const QByteArray output = child.readAll();
    QVERIFY2(child.exitStatus() == QProcess::NormalExit && child.exitCode() == 0, output.constData());
    QVERIFY2(output.contains("PASS   : TestKeychain::roundTripInScratchKeyring()"), output.constData());
}

void TestKeychain::runInside()
{
    KeychainSecretStore store(u"baserow-monitor-test"_s);
    QSignalSpy availability(&store, &SecretStore::availabilityChanged);
    store.probe();
    QVERIFY(availability.wait(20000));
    QVERIFY2(store.availability() == SecretStore::Availability::Available, qPrintable(store.reason()));

    const QUrl server(u"https://baserow.example.com"_s);
    const QString email = u"priya@example.com"_s;
    const QString token = u"refresh-token-3f9c1e7a5b"_s;
    QObject context;

    bool done = false;
    QString error = u"not called"_s;
    store.writeRefreshToken(server, email, token, &context, [&](const QString& e) {
        error = e;
        done = true;
    });
    QTRY_VERIFY_WITH_TIMEOUT(done, 20000);
    QVERIFY2(error.isEmpty(), qPrintable(error));

    QString read;
    done = false;
    store.readRefreshToken(server, email, &context, [&](const QString& t, const QString& e) {
        read = t;
        error = e;
        done = true;
    });
    QTRY_VERIFY_WITH_TIMEOUT(done, 20000);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(read, token);

    // Nothing in plain text anywhere in the scratch HOME (no insecure fallback file).
    QDirIterator it(QDir::homePath(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile f(it.next());
        if (f.open(QIODevice::ReadOnly))
            QVERIFY2(!f.readAll().contains(token.toUtf8()), qPrintable(f.fileName()));
    }

    done = false;
    store.removeRefreshToken(server, email, &context, [&](const QString& e) {
        error = e;
        done = true;
    });
    QTRY_VERIFY_WITH_TIMEOUT(done, 20000);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    done = false;
    read = u"still there"_s;
    store.readRefreshToken(server, email, &context, [&](const QString& t, const QString& e) {
        read = t;
        error = e;
        done = true;
    });
    QTRY_VERIFY_WITH_TIMEOUT(done, 20000);
    QVERIFY(read.isEmpty());
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestKeychain)
#include "tst_keychain.moc"
