// SPDX-License-Identifier: MIT
#pragma once

#include "core/recording/recordingwriter.h"
#include "net/connection.h"

#include <QJsonObject>
#include <QObject>

namespace bmon {

class EventStore;

/*!
 * Records a live session into a RecordingWriter: every frame the Connection stores (received
 * and sent, in store order) plus meta lines for what the frames do not say: state changes
 * ("state", with web_socket_id once live and the server version once probed), socket closes
 * ("close": code and reason), subscription changes, notices and the final failure. The frames
 * stored before each meta line are written first, so the file keeps the live order.
 *
 * Secrets: state reasons and close reasons are already redacted by the Connection; a view's
 * password token is replaced by "REDACTED" in subscription metas and in the subscribe frames we
 * sent (the only frames that may carry one; received frames are written verbatim).
 */
class SessionRecorder : public QObject
{
    Q_OBJECT
public:
    //! \a connection and \a store must outlive the recorder.
    SessionRecorder(Connection* connection, EventStore* store, QObject* parent = nullptr);
    ~SessionRecorder() override; //!< close()

    //! Appends to \a path (created when missing) with \a header; records from the frames already
    //! stored onwards.
    bool open(const QString& path, const recording::Header& header, QString* error);
    bool isOpen() const { return m_writer.isOpen(); }
    //! Writes the frames stored so far and closes the file (blocks until written).
    void close();
    //! Writes the frames stored so far (without waiting for the disk).
    void recordFrames();
    //! A meta line stamped now, after the frames stored so far.
    void recordMeta(const QString& type, const QJsonObject& fields);
    //! From now on subscription changes are not recorded (a stop resets them all: not news).
    void ignoreSubscriptionChanges() { m_ignoreSubscriptions = true; }

    quint64 framesRecorded() const { return m_framesRecorded; }
    QString errorString() const { return m_writer.errorString(); }
    recording::RecordingWriter& writer() { return m_writer; }

    //! A copy of \a parameters with a non-null "token" replaced by "REDACTED".
    static QJsonObject redactedParameters(const QJsonObject& parameters);

private:
    void onStateChanged(Connection::State state, const QString& reason);
    void onSubscriptionChanged(const Subscription& subscription);

    Connection* m_connection;
    EventStore* m_store;
    recording::RecordingWriter m_writer;
    quint64 m_next = 0; //!< store index of the next frame to write
    quint64 m_lastSeq = 0;
    quint64 m_framesRecorded = 0;
    bool m_serverVersionRecorded = false;
    bool m_ignoreSubscriptions = false;
    Connection::State m_state = Connection::State::Disconnected;
};

} // namespace bmon
