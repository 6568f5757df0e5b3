// SPDX-License-Identifier: MIT
#include "net/sessionrecorder.h"

#include "core/clock.h"
#include "core/eventstore.h"

namespace bmon {

namespace {

bool hasSocket(Connection::State state)
{
    return state == Connection::State::Authenticating || state == Connection::State::Live;
}

//! A sent subscribe frame with its view token replaced; \a payload unchanged when it has none.
//! Sent frames are our own compact JSON, so the token is a plain "token":"…" string.
QByteArray redactSentToken(QByteArrayView payload)
{
    static constexpr QByteArrayView key = R"("token":")";
    QByteArray out(payload.data(), payload.size());
    qsizetype at = out.indexOf(key);
    while (at >= 0) {
        const qsizetype start = at + key.size();
        qsizetype end = start;
        while (end < out.size() && out.at(end) != '"')
            end += out.at(end) == '\\' ? 2 : 1;
        if (end > out.size())
            end = out.size();
        out.replace(start, end - start, "REDACTED");
        at = out.indexOf(key, start + 8);
    }
    return out;
}

} // namespace

SessionRecorder::SessionRecorder(Connection* connection, EventStore* store, QObject* parent)
    : QObject(parent), m_connection(connection), m_store(store)
{
    connect(m_connection, &Connection::eventsAppended, this, &SessionRecorder::recordFrames);
    connect(m_connection, &Connection::stateChanged, this, &SessionRecorder::onStateChanged);
    connect(m_connection, &Connection::subscriptionChanged, this, &SessionRecorder::onSubscriptionChanged);
    connect(m_connection, &Connection::notice, this, [this](const QString& text) {
        recordMeta(QStringLiteral("notice"), {{QStringLiteral("message"), text}});
    });
    connect(
        m_connection, &Connection::failed, this, [this](Connection::Failure failure, const QString& message) {
            recordMeta(QStringLiteral("failure"),
                {{QStringLiteral("failure"), Connection::failureName(failure)},
                    {QStringLiteral("message"), message}});
        });
}

SessionRecorder::~SessionRecorder()
{
    close();
}

bool SessionRecorder::open(const QString& path, const recording::Header& header, QString* error)
{
    if (!m_writer.open(path, header, error))
        return false;
    m_next = m_store->count();
    m_state = m_connection->state();
    return true;
}

void SessionRecorder::close()
{
    if (!m_writer.isOpen())
        return;
    recordFrames();
    m_writer.close();
}

void SessionRecorder::recordFrames()
{
    if (!m_writer.isOpen())
        return;
    const quint64 count = m_store->count();
    for (; m_next < count; ++m_next) {
        const EventRecord& rec = m_store->at(m_next);
        const QByteArrayView payload = m_store->payload(rec);
        if (rec.direction() == Direction::Sent && payload.contains(QByteArrayView(R"("token":")"))) {
            recording::Line line;
            line.timeUs = rec.receivedUs;
            line.seq = rec.seq;
            line.direction = Direction::Sent;
            line.generation = rec.generation;
            line.frame = redactSentToken(payload);
            m_writer.appendLine(line);
        } else {
            m_writer.appendRecord(rec, payload);
        }
        m_lastSeq = rec.seq;
        ++m_framesRecorded;
    }
}

void SessionRecorder::recordMeta(const QString& type, const QJsonObject& fields)
{
    if (!m_writer.isOpen())
        return;
    recordFrames();
    m_writer.appendMeta(type, Clock::system()->nowUs(), m_lastSeq, m_connection->generation(), fields);
}

void SessionRecorder::onStateChanged(Connection::State state, const QString& reason)
{
    const Connection::State previous = m_state;
    m_state = state;
    if (!m_writer.isOpen())
        return;
    if (hasSocket(previous) && !hasSocket(state)) {
        // The socket of this generation is gone: its close code and reason (redacted by the
        // Connection), or our own normal closure when we stopped.
        QJsonObject close;
        const Connection::Counters counters = m_connection->counters();
        if (state == Connection::State::Backoff && counters.lastCloseCode >= 0) {
            close.insert(QStringLiteral("code"), counters.lastCloseCode);
            close.insert(QStringLiteral("reason"), counters.lastCloseReason);
            close.insert(QStringLiteral("by"), QStringLiteral("server"));
        } else {
            close.insert(QStringLiteral("code"), 1000);
            close.insert(QStringLiteral("reason"), QString());
            close.insert(QStringLiteral("by"), QStringLiteral("client"));
        }
        close.insert(QStringLiteral("cause"), reason);
        recordMeta(QStringLiteral("close"), close);
    }
    QJsonObject fields {
        {QStringLiteral("state"), Connection::stateName(state)}, {QStringLiteral("reason"), reason}};
    const ServerVersion version = m_connection->serverVersion();
    if (!m_serverVersionRecorded && version.code() > 0) {
        m_serverVersionRecorded = true; // the header was written before the probe
        fields.insert(QStringLiteral("server_version"), version.toString());
    }
    if (state == Connection::State::Live)
        fields.insert(QStringLiteral("web_socket_id"), m_connection->webSocketId());
    recordMeta(QStringLiteral("state"), fields);
}

void SessionRecorder::onSubscriptionChanged(const Subscription& sub)
{
    if (m_ignoreSubscriptions)
        return;
    recordMeta(QStringLiteral("subscription"),
        {{QStringLiteral("page"), sub.page.name}, {QStringLiteral("spec"), sub.page.toString()},
            {QStringLiteral("parameters"), redactedParameters(sub.page.parameters)},
            {QStringLiteral("state"), subscriptionStateName(sub.state)},
            {QStringLiteral("reason"), sub.reason}});
}

QJsonObject SessionRecorder::redactedParameters(const QJsonObject& parameters)
{
    QJsonObject shown = parameters;
    if (shown.contains(QLatin1String("token")) && !shown.value(QLatin1String("token")).isNull())
        shown.insert(QStringLiteral("token"), QStringLiteral("REDACTED"));
    return shown;
}

} // namespace bmon
