// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QObject>
#include <QString>

#include <memory>

namespace bmon {

class Clock;
class Connection;
class EventStore;
class RestClient;

/*!
 * The echo probe (an admin action; the UI asks for explicit confirmation first): real REST writes
 * made once with the `WebSocketId` header of the writer's socket and once without, watching which
 * of the observed sockets receive the resulting event and how long after the REST call.
 * PROTOCOL.md §3: with the header the writer's own socket is skipped (except for the listed
 * exceptions); without it, every subscriber gets the event.
 *
 * Cell mode: the cell is set to a marker and back to its original value (four writes: marker
 * and restore, with and without the header). Row mode: a probe row is created and deleted (with
 * and without). Each write waits for its event on every observer (matched by row id and marker)
 * up to timeoutMs, then the next write starts; the original value is always restored, also
 * after a failure.
 */
class EchoProbe : public QObject
{
    Q_OBJECT
public:
    struct Observer
    {
        QString label; //!< "alice@example.com @ 127.0.0.1:8000"
        Connection* connection = nullptr; //!< its web_socket_id and eventsAppended
        const EventStore* store = nullptr;
    };

    enum class Mode
    {
        Cell, //!< set a cell to a marker and back
        ProbeRow, //!< create a probe row and delete it
    };

    struct Options
    {
        Mode mode = Mode::Cell;
        qint64 tableId = 0;
        qint64 rowId = 0; //!< Cell mode
        qint64 fieldId = 0; //!< Cell mode: a text-like field
        QString marker; //!< empty = "bmon-probe-<random>"
        qint64 timeoutMs = 3000; //!< per write
    };

    struct Delivery
    {
        QString observer; //!< Observer::label
        bool isWriter = false; //!< the observer whose web_socket_id the write carried (or would)
        bool received = false;
        qint64 latencyMs = -1; //!< from the REST request's start to the event's receipt
        quint64 seq = 0; //!< the event's EventRecord::seq
        QString type; //!< "rows_updated"
    };

    struct Step
    {
        QString action; //!< translated: "Set the cell to the marker"
        bool withWebSocketId = false;
        int httpStatus = 0;
        qint64 restMs = -1; //!< REST round trip
        QList<Delivery> deliveries;
        QString error; //!< translated, empty on success
    };

    //! \a rest writes; \a writer is the observer whose web_socket_id goes into the header.
    EchoProbe(RestClient* rest, const QList<Observer>& observers, int writer, Clock* clock = nullptr,
        QObject* parent = nullptr);
    ~EchoProbe() override;

    void run(const Options& options);
    void cancel(); //!< stops after restoring what was changed
    bool isRunning() const;
    QList<Step> steps() const;

signals:
    void stepFinished(const bmon::EchoProbe::Step& step);
    void finished(bool ok);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace bmon
