// SPDX-License-Identifier: MIT
// Recording in the desktop app, offscreen against the real in-process simulator: Connection →
// Record to File… through the (non-native) file dialog, the REC indicator, Stop Recording, the
// file read back against the store; File → Open Recording… gives a read-only tab with every
// frame in its stream; a future-version file and a torn last line are said, not crashed on.
#include "core/recording/recordingformat.h"
#include "core/recording/recordingreader.h"
#include "mainwindow.h"
#include "memorysecretstore.h"
#include "models/eventlistmodel.h"
#include "net/sessionrecorder.h"
#include "session.h"
#include "sessionview.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QFile>
#include <QFileDialog>
#include <QLabel>
#include <QMessageBox>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace bmon;
using namespace Qt::StringLiterals;

namespace {

struct FileFrames
{
    qint64 frames = 0;
    quint64 firstSeq = 0;
    quint64 lastSeq = 0;
};

FileFrames readFrames(const QString& path)
{
    FileFrames out;
    recording::RecordingReader reader;
    if (!reader.open(path))
        return out;
    recording::Line line;
    while (reader.next(&line)) {
        if (line.kind != recording::Line::Kind::Frame)
            continue;
        if (out.frames++ == 0)
            out.firstSeq = line.seq;
        out.lastSeq = line.seq;
    }
    return out;
}

//! Picks \a path in the file dialog named \a name that \a action opened.
bool pickFile(MainWindow& w, QAction* action, const QString& name, const QString& path)
{
    action->trigger();
    auto* dialog = w.findChild<QFileDialog*>(name);
    if (!dialog || !dialog->isVisible())
        return false;
    dialog->selectFile(path);
    // What the dialog's Save/Open button does (accept() is protected in QFileDialog).
    return QMetaObject::invokeMethod(dialog, "accept", Qt::DirectConnection);
}

} // namespace

class TestRecordingGui : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void recordStopAndOpen();
    void futureVersionRefused();
    void tornLineWarned();

private:
    QTemporaryDir m_dir;
    QString m_recorded; //!< written by recordStopAndOpen
};

void TestRecordingGui::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(u"bmon-tests"_s);
    QCoreApplication::setApplicationName(u"tst_recordinggui"_s);
    QSettings().clear();
    QVERIFY(m_dir.isValid());
}

void TestRecordingGui::recordStopAndOpen()
{
    MainWindow w;
    w.setRememberSessions(false);
    w.setSecretStore(new MemorySecretStore);
    w.show();
    QString error;
    QVERIFY2(w.startDemo(&error), qPrintable(error));
    Session* live = w.currentSession();
    QTRY_VERIFY_WITH_TIMEOUT(
        live->connection() && live->connection()->state() == Connection::State::Live, 15000);

    QAction* record = w.action(u"actionRecord"_s);
    QVERIFY(record && record->isEnabled());
    auto* indicator = w.findChild<QLabel*>(u"recordingIndicator"_s);
    QVERIFY(indicator);
    QVERIFY(indicator->isHidden());

    const QString path = m_dir.filePath(u"session.jsonl"_s);
    QVERIFY(pickFile(w, record, u"recordFileDialog"_s, path));
    QVERIFY(live->isRecording());
    QVERIFY(indicator->isVisible());
    QVERIFY(indicator->text().contains(u"REC"_s));
    QVERIFY(indicator->text().contains(u"session.jsonl"_s));
    QCOMPARE(record->text(), w.tr("Stop &Recording"));

    // The simulator's mix (8 events/s) for a while.
    QTRY_VERIFY_WITH_TIMEOUT(live->recorder()->framesRecorded() >= 20, 20000);
    record->trigger(); // Stop Recording
    QVERIFY(!live->isRecording());
    QVERIFY(indicator->isHidden());
    QCOMPARE(record->text(), w.tr("&Record to File…"));

    // The file holds exactly the store's frames of that period, in order.
    const FileFrames file = readFrames(path);
    QVERIFY(file.frames >= 20);
    const EventStore& store = live->store();
    qint64 inPeriod = 0;
    for (quint64 i = 0; i < store.count(); ++i) {
        const quint64 seq = store.at(i).seq;
        if (seq >= file.firstSeq && seq <= file.lastSeq)
            ++inPeriod;
    }
    QCOMPARE(inPeriod, file.frames);
    m_recorded = path;

    // File → Open Recording…: a read-only tab with every frame in its stream.
    auto* tabs = w.findChild<QTabWidget*>(u"sessionTabs"_s);
    const int before = tabs->count();
    QAction* open = w.action(u"actionOpenRecording"_s);
    QCOMPARE(open->shortcut(), QKeySequence(QKeySequence::Open));
    QVERIFY(pickFile(w, open, u"openRecordingDialog"_s, path));
    QCOMPARE(tabs->count(), before + 1);
    Session* replay = w.currentSession();
    QVERIFY(replay != live);
    QVERIFY(replay->isReplay());
    QVERIFY(!replay->connection());
    QCOMPARE(tabs->tabText(tabs->currentIndex()), w.tr("%1 (recording)").arg(u"session.jsonl"_s));
    QAbstractItemModelTester tester(replay->events(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QTRY_VERIFY_WITH_TIMEOUT(!replay->isLoading(), 10000);
    QTRY_COMPARE(qint64(replay->events()->rowCount()), file.frames);
    QTRY_VERIFY(w.statusBar()->currentMessage().contains(u"session.jsonl"_s));
    // Nothing to record, subscribe or compare in a file.
    QVERIFY(!record->isEnabled());
    QVERIFY(!w.action(u"actionSubscribe"_s)->isEnabled());
    QVERIFY(!w.action(u"actionCompare"_s)->isEnabled());
}

void TestRecordingGui::futureVersionRefused()
{
    MainWindow w;
    w.setRememberSessions(false);
    w.setSecretStore(new MemorySecretStore);
    w.show();
    const QString path = m_dir.filePath(u"future.jsonl"_s);
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"format":"bmon-recording","version":99,"app_version":"9.0"})"
                "\n");
    }
    recording::RecordingReader reader;
    QVERIFY(!reader.open(path));
    QCOMPARE(reader.error(), recording::RecordingReader::Error::NewerVersion);

    auto* tabs = w.findChild<QTabWidget*>(u"sessionTabs"_s);
    const int before = tabs->count();
    QVERIFY(!w.openRecording(path));
    QCOMPARE(tabs->count(), before);
    QVERIFY(w.sessions().isEmpty());
    QCOMPARE(w.statusBar()->currentMessage(), reader.errorText());
    auto* box = w.findChild<QMessageBox*>(u"recordingErrorBox"_s);
    QVERIFY(box);
    QTRY_VERIFY(box->isVisible());
    QVERIFY(!box->isModal() || box->windowModality() != Qt::ApplicationModal);
    QCOMPARE(box->text(), reader.errorText());
}

void TestRecordingGui::tornLineWarned()
{
    if (m_recorded.isEmpty())
        QSKIP("needs the recording of recordStopAndOpen");
    const QString path = m_dir.filePath(u"torn.jsonl"_s);
    QVERIFY(QFile::copy(m_recorded, path));
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::Append));
        f.write(R"({"t":1700000000000000,"seq":99999,"dir":"in","gen":1,"frame":{"type":"ro)");
    }
    const qint64 frames = readFrames(m_recorded).frames;

    MainWindow w;
    w.setRememberSessions(false);
    w.setSecretStore(new MemorySecretStore);
    w.show();
    Session* replay = w.openRecording(path);
    QVERIFY(replay);
    QSignalSpy finished(replay, &Session::loadFinished);
    QVERIFY(finished.wait(10000));
    QCOMPARE(finished.at(0).at(0).toLongLong(), frames);
    const QStringList warnings = finished.at(0).at(1).toStringList();
    QCOMPARE(warnings.size(), 1);
    QVERIFY(w.statusBar()->currentMessage().contains(warnings.first()));
    QCOMPARE(qint64(replay->events()->rowCount()), frames);
}

QTEST_MAIN(TestRecordingGui)
#include "tst_recordinggui.moc"
