// SPDX-License-Identifier: MIT
#pragma once

#include "sim/pyjson.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>

#include <functional>
#include <memory>
#include <vector>

class QWebSocket;

namespace bmon::sim {

struct SimContext;
struct SimView;
class StallRelay;

/*!
 * The realtime side of the simulator (PROTOCOL.md §1–§4): accepts /ws/core/ connections,
 * authenticates them, keeps their page subscriptions, routes broadcasts (T, V, R, W, P, U) with
 * WebSocketId sender exclusion, and applies each connection's faults. A broadcast is serialized
 * once and the same text goes to every recipient.
 */
class RealtimeHub : public QObject
{
    Q_OBJECT
public:
    explicit RealtimeHub(SimContext* ctx, QObject* parent = nullptr);
    ~RealtimeHub() override;

    //! Takes over an upgraded socket (and the relay it runs through, if any).
    void accept(QWebSocket* socket, StallRelay* relay);
    int connectionCount() const;

    void abortAll(); //!< TCP abort of every connection (server restart)
    void closeAll(int code, const QString& reason);
    void stallAll();

    // Routing. \a ignoreWebSocketId excludes exactly that connection (empty = none).
    void toTable(int tableId, const PyObject& message, const QString& ignoreWebSocketId);
    void toRow(int tableId, qint64 rowId, const PyObject& message);
    void toPublicView(const QString& slug, const PyObject& message);
    void toWorkspace(int workspaceId, const PyObject& message, const QString& ignoreWebSocketId,
        const QList<int>& alsoUsers = {});
    void toUsers(const QList<int>& userIds, const PyObject& message, const QString& ignoreWebSocketId);

    //! Receives every broadcast as a member of every workspace subscribed to every page would
    //! (also with no connection at all): benchmarks and tests see what the server sent.
    using Tap = std::function<void(const QByteArray& text)>;
    void setTap(Tap tap) { m_tap = std::move(tap); }

    bool hasTableSubscribers(int tableId) const;
    bool hasRowSubscribers(int tableId, qint64 rowId) const;
    bool hasViewSubscribers(const QString& slug) const;

    //! force_disconnect + close 1000 to every socket of \a userId except \a exceptWebSocketId (1.21+).
    void forceDisconnectUser(int userId, const QString& exceptWebSocketId);
    //! Unsolicited page_discard for the user's pages on tables of the workspace (1.13.3+).
    void discardWorkspacePages(int userId, int workspaceId);

signals:
    void connectionOpened(int connectionNumber, const QString& userEmail);
    void connectionClosed(int connectionNumber, int closeCode);
    void faultApplied(int connectionNumber, const QString& description);
    void upgraded(); //!< a WebSocket was accepted (for request statistics)

private:
    struct Page;
    struct Connection;
    enum class Route
    {
        Table,
        Row,
        View,
        Users
    };

    void onText(Connection* c, const QString& text);
    void addPage(Connection* c, const PyObject& content);
    void removePage(Connection* c, const PyObject& content);
    void crash(Connection* c);
    void sendControl(Connection* c, const PyObject& message);
    void sendPageMessage(Connection* c, const char* type, const QString& page, const PyObject& parameters);
    void deliver(const PyObject& message, const std::vector<Connection*>& targets, bool control = false);
    void closeConnection(Connection* c, int code, const QString& reason);
    void stallConnection(Connection* c);
    void onDisconnected(Connection* c);
    bool alive(const Connection* c) const;
    Connection* find(int number) const;
    QList<QString> pageTypes() const;

    SimContext* m_ctx;
    std::vector<std::unique_ptr<Connection>> m_connections;
    int m_nextNumber = 1;
    Tap m_tap;
};

} // namespace bmon::sim
