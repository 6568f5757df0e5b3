// SPDX-License-Identifier: MIT
#pragma once

#include "core/directory.h"
#include "core/eventrates.h"
#include "core/eventstore.h"
#include "net/connection.h"
#include "net/resterror.h"

#include <QList>
#include <QObject>
#include <QSslCertificate>
#include <QUrl>

#include <functional>
#include <memory>

namespace bmon {

class EventListModel;
class RestClient;
class SessionRecorder;
namespace recording {
struct Header;
} // namespace recording
class StateLogModel;
namespace sim {
class Simulator;
struct SimulatorOptions;
} // namespace sim

/*!
 * One login, everything the window shows about it: its EventStore, RestClient, Connection,
 * Directory (names, kept live by events), EventRates, the event list model and the state log.
 * Several Sessions run side by side (one tab each). Lives on the GUI thread.
 *
 * After the connection first goes Live it fetches workspaces and applications into the
 * Directory (again after every reconnect, since events from the gap are lost); it applies every
 * stored event to the Directory and the rates as they arrive (coalesced); it remembers ping
 * round trips for the diagnostics. The password is never kept here (AuthSession decides).
 */
class Session : public QObject
{
    Q_OBJECT
public:
    struct Login
    {
        QUrl server; //!< HTTP(S) base URL
        QString email;
        QString password; //!< or:
        QString refreshToken; //!< SSO users (1.13+)
        QList<QSslCertificate> caCertificates; //!< trusted in addition to the system's
    };

    explicit Session(QObject* parent = nullptr);
    ~Session() override;

    //! Connects with \a login (Connection::start / startWithRefreshToken).
    void start(const Login& login, const Connection::Options& options = {});
    //! Starts the built-in simulator in this process and logs in to it as its member.
    bool startDemo(const sim::SimulatorOptions& options, QString* error);
    void stop();

    /*!
     * Opens a recording read-only instead of a login: no connection, the store is filled through
     * Ingest (the live path) on a worker thread, the models follow as batches arrive
     * (loadProgress), loadFinished at the end. Returns false, with the reader's message in
     * \a error, when the file cannot be read at all (missing, empty, not a recording, newer).
     */
    bool openRecording(const QString& path, QString* error);
    bool isReplay() const; //!< opened with openRecording()
    bool isLoading() const; //!< a recording is still being read
    QString recordingPath() const; //!< the file openRecording() read

    //! Records this login from now on, appending to \a path (SessionRecorder). False with \a error
    //! when the file cannot be opened or there is no connection.
    bool startRecording(const QString& path, const recording::Header& header, QString* error);
    //! Writes what is left and closes the file (also on stop() and destruction).
    void stopRecording();
    bool isRecording() const;
    SessionRecorder* recorder() const; //!< nullptr when not recording

    //! Time source for the connection, its REST client and the outage timer; call before start().
    //! nullptr = the system clock.
    void setClock(Clock* clock);
    //! How long the connection must stay down before longOutage() (default 60 s).
    void setLongOutageMs(qint64 ms);
    //! How often Directory, rates and updated() catch up with the store (default 250 ms).
    void setUpdateIntervalMs(int ms);
    //! Takes over \a other's built-in simulator (a demo login replaced by a new login to the same
    //! demo server must not take the server down with it).
    void adoptSimulator(Session* other);
    //! Fetches workspaces and applications into the Directory again (F5 without a table page).
    void reloadDirectory() { loadDirectory(); }
    //! The login as given to start() (the password is not kept: empty).
    const Login& login() const;

    QString title() const; //!< "demo@example.com @ 127.0.0.1:43211" (never a secret)
    QUrl server() const;
    QString email() const;
    bool isDemo() const;

    EventStore& store();
    const EventStore& store() const;
    const Directory& directory() const;
    Directory& directory();
    const EventRates& rates() const;
    RestClient* rest() const;
    Connection* connection() const;
    sim::Simulator* simulator() const; //!< demo only
    EventListModel* events() const; //!< source model of the stream, over store(), with directory names
    StateLogModel* stateLog() const;

    //! Ping round trips remembered (newest last, bounded).
    QList<qint64> pingHistory() const;
    //! Milliseconds until the access token expires, -1 when unknown.
    qint64 accessTokenExpiresInMs() const;
    //! Since when the connection has not been Live (monotonic ms), -1 while Live.
    qint64 downSinceMs() const;

    //! Fetches a table's fields (into the Directory) and its row count (first page): for the
    //! "fetch more than N rows?" question. \a done gets the count or an error.
    void probeTable(quint32 tableId, std::function<void(qint64 rowCount, const RestError& error)> done);
    //! Fetches all rows of a table with progress. \a done gets the rows (Baserow's order) or an error.
    void fetchRows(quint32 tableId, std::function<void(qint64 fetched, qint64 total)> progress,
        std::function<void(const QList<QJsonObject>& rows, const RestError& error)> done);

signals:
    //! The connection's state changes and its end (forwarded from connection(), which only exists
    //! once start() ran: connect here before starting).
    void stateChanged(bmon::Connection::State state, const QString& reason);
    void failed(bmon::Connection::Failure failure, const QString& message);
    //! Directory, rates and the event model caught up with the store (coalesced, ~4 per second
    //! at most while events flow).
    void updated();
    //! The Directory was (re)loaded over REST.
    void directoryLoaded();
    void directoryFailed(const QString& message);
    //! Down for longer than a minute (for the desktop notification); once per outage.
    void longOutage(const QString& message);
    //! Reading a recording: \a done of \a total bytes.
    void loadProgress(qint64 done, qint64 total);
    //! The recording is read (\a frames stored); \a warnings: torn or damaged lines skipped.
    void loadFinished(qint64 frames, const QStringList& warnings);
    //! Recording stopped by itself (a write error); the file is closed.
    void recordingFailed(const QString& message);

private:
    void loadDirectory();

    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace bmon
