// SPDX-License-Identifier: MIT
#pragma once

// Runs the real baserow-monitor-cli from a test. The test's event loop keeps running while the
// child does (QSignalSpy::wait), so an in-process simulator goes on serving it.

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QProcess>
#include <QProcessEnvironment>
#include <QSignalSpy>
#include <QString>
#include <QStringList>

namespace bmon::testcli {

inline QString cliPath()
{
    return QStringLiteral(BMON_BINARY_DIR "/app/cli/baserow-monitor-cli");
}

struct Run
{
    int exitCode = -1;
    QProcess::ExitStatus status = QProcess::CrashExit;
    QByteArray out, err;
    qint64 ms = 0;

    //! stdout split into lines, without a trailing empty one.
    QList<QByteArray> outLines() const
    {
        QList<QByteArray> lines = out.split('\n');
        if (!lines.isEmpty() && lines.constLast().isEmpty())
            lines.removeLast();
        return lines;
    }
    //! stdout as JSON Lines; a line that is not an object becomes {"unparsed": text}.
    QList<QJsonObject> lines() const
    {
        QList<QJsonObject> result;
        for (const QByteArray& line : out.split('\n')) {
            if (line.isEmpty())
                continue;
            const QJsonDocument d = QJsonDocument::fromJson(line);
            result << (d.isObject() ? d.object()
                                    : QJsonObject {{QStringLiteral("unparsed"), QString::fromUtf8(line)}});
        }
        return result;
    }
};

class Cli
{
public:
    explicit Cli(
        const QStringList& args, const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment())
    {
        m_process.setProcessEnvironment(env);
        m_timer.start();
        m_process.start(cliPath(), args);
    }
    QProcess& process() { return m_process; }
    Run wait(int timeoutMs = 60000)
    {
        Run r;
        if (m_process.state() != QProcess::NotRunning) {
            QSignalSpy finished(&m_process, &QProcess::finished);
            if (!finished.wait(timeoutMs)) {
                m_process.kill();
                finished.wait(5000);
            }
        }
        r.exitCode = m_process.exitCode();
        r.status = m_process.exitStatus();
        r.out = m_process.readAllStandardOutput();
        r.err = m_process.readAllStandardError();
        r.ms = m_timer.elapsed();
        return r;
    }

private:
    QProcess m_process;
    QElapsedTimer m_timer;
};

//! Runs the CLI to its end.
inline Run runCli(const QStringList& args, int timeoutMs = 60000)
{
    return Cli(args).wait(timeoutMs);
}

} // namespace bmon::testcli
