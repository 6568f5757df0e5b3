// SPDX-License-Identifier: MIT
#pragma once

#include "core/serverversion.h"
#include "sim/faultspec.h"
#include "sim/profile.h"

#include <QHostAddress>
#include <QJsonValue>
#include <QList>
#include <QObject>
#include <QSslCertificate>
#include <QUrl>

#include <functional>
#include <memory>

namespace bmon {
class Clock;
}

namespace bmon::sim {

struct SimulatorOptions
{
    QHostAddress address = QHostAddress::LocalHost;
    quint16 port = 0; //!< 0 = any free port
    Profile profile = Profile::V1_35;
    double rate = 5.0; //!< total generated events per second (0 = no traffic)
    int users = 3; //!< simulated collaborators editing (>= 0)
    quint64 seed = 0; //!< 0 = pick one (time based); Simulator::seed() reports the one used
    QString email = QStringLiteral("demo@example.com"); //!< the member who logs in
    QString password = QStringLiteral("demo-password");
    bool tls = false; //!< HTTPS/WSS with a freshly generated self-signed certificate
    QList<FaultSpec> faults;
    qint64 accessTokenLifetimeSecs = -1; //!< -1 = profile default (1.12: 3600; else 600)
    qint64 refreshTokenLifetimeSecs = 7 * 24 * 3600;
    //! Route every WebSocket through the stall relay so stallAll() can stall any connection.
    //! Without it only a configured stall fault turns the relay on (the direct path is faster).
    bool relayAll = false;
    //! Rows of the first table (CRM → Customers, id 21); 0 = the seeded 120. Benchmarks and
    //! snapshot tests grow it (e.g. 10,000); extra rows get seeded values like the others
    //! (ids 121…N; the other tables and rows 1-120 stay as in the default data).
    int customerRows = 0;
    //! Time source for tokens, timers and the generator; nullptr = Clock::system().
    Clock* clock = nullptr;
};

class SimulatorPrivate;

/*!
 * A Baserow backend stand-in on one port: REST (HTTP/1.1) and the realtime WebSocket /ws/core/,
 * real HS256 JWTs, in-memory users, workspaces, tables and rows, Baserow's broadcast rules,
 * simulated collaborators and fault knobs. All work happens on the thread the object lives on.
 */
class Simulator : public QObject
{
    Q_OBJECT
public:
    explicit Simulator(const SimulatorOptions& options, QObject* parent = nullptr);
    ~Simulator() override;

    //! Starts listening; false and a translated message on failure.
    bool start(QString* error);
    void stop();
    bool isRunning() const;

    quint16 port() const;
    QUrl baseUrl() const; //!< http://127.0.0.1:PORT (https with tls)
    QString email() const;
    QString password() const; //!< the member's current password
    quint64 seed() const;
    Profile profile() const;
    ServerVersion version() const;
    QList<QSslCertificate> certificateChain() const; //!< tls only: lets clients trust the server
    int connectionCount() const; //!< open WebSocket connections

    // Test and demo hooks (the real REST API is preferred where Baserow has one).
    void setRate(double eventsPerSecond);
    void restartNow(int downtimeMs = 300); //!< = the restart fault, on demand
    void stallAll(); //!< = the stall fault for every current relayed connection (see relayAll)
    void closeAll(int code, const QString& reason);
    //! Changes a cell without any event ("behind the server's back", for compare tests).
    void silentlyUpdateCell(int tableId, int rowId, int fieldId, const QJsonValue& value);
    //! Creates a row with seeded values without any event; returns its id (0: no such table).
    qint64 silentlyCreateRow(int tableId);
    //! Deletes a row without any event; false when there is no such row.
    bool silentlyDeleteRow(int tableId, qint64 rowId);
    //! A simulated collaborator updates the row (events as from another user, no WebSocketId).
    void collaboratorUpdateRow(int tableId, int rowId);
    //! → group_user_deleted, then unsolicited page_discard (1.13.3+) for the removed user.
    void removeMemberFromWorkspace(const QString& email, int workspaceId);
    void addMemberToWorkspace(const QString& email, int workspaceId);
    //! Runs \a actions steps of the traffic mix synchronously (no server needed) and hands each
    //! broadcast to \a sink as an observer subscribed to everything would receive it.
    void generate(qint64 actions, const std::function<void(const QByteArray& frame)>& sink);

signals:
    void connectionOpened(int connectionNumber, const QString& userEmail);
    void connectionClosed(int connectionNumber, int closeCode);
    void requestHandled(const QString& method, const QString& path, int status); //!< path without query
    //! \a connectionNumber 0 for server-wide faults. The silent-* knobs report
    //! "silent-update: table 21 row R field_F", "silent-create: table 21 row R" and
    //! "silent-delete: table 21 row R".
    void faultApplied(int connectionNumber, const QString& description);

private:
    std::unique_ptr<SimulatorPrivate> d;
    friend class SimulatorPrivate;
};

} // namespace bmon::sim
