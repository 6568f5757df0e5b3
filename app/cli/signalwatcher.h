// SPDX-License-Identifier: MIT
#pragma once

#include <QObject>

class QSocketNotifier;

namespace bmon {

/*!
 * Turns SIGINT and SIGTERM into a Qt signal on the event loop (self-pipe), so commands stop
 * cleanly: flush output, close the WebSocket with 1000, exit. A second signal exits at once.
 */
class SignalWatcher : public QObject
{
    Q_OBJECT
public:
    explicit SignalWatcher(QObject* parent = nullptr);
    ~SignalWatcher() override;

signals:
    void terminationRequested(int signalNumber);

private:
    void onReadable();
    QSocketNotifier* m_notifier = nullptr;
};

} // namespace bmon
