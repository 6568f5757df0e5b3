// SPDX-License-Identifier: MIT
#pragma once
// Small helpers for the simulator tests: one blocking-free REST call (waits with QSignalSpy),
// a WebSocket client that records everything, and JSON accessors.

#include "sim/simulator.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTest>
#include <QWebSocket>

#include <memory>

namespace simtest {

using namespace Qt::StringLiterals;

struct HttpResult
{
    int status = 0;
    QByteArray body;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QString errorString;
    QList<QSslError> sslErrors;

    QJsonValue json() const
    {
        const QJsonDocument doc = QJsonDocument::fromJson(body);
        return doc.isObject() ? QJsonValue(doc.object()) : QJsonValue(doc.array());
    }
    QJsonObject obj() const { return QJsonDocument::fromJson(body).object(); }
    QJsonArray arr() const { return QJsonDocument::fromJson(body).array(); }
};

using Headers = QList<std::pair<QByteArray, QByteArray>>;

inline HttpResult http(QNetworkAccessManager& nam, const QByteArray& method, const QUrl& url,
    const QByteArray& body = {}, const Headers& headers = {}, const QSslConfiguration* ssl = nullptr)
{
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    for (const auto& [name, value] : headers)
        request.setRawHeader(name, value);
    if (ssl)
        request.setSslConfiguration(*ssl);
    std::unique_ptr<QNetworkReply> reply(nam.sendCustomRequest(request, method, body));
    HttpResult result;
    QObject::connect(reply.get(), &QNetworkReply::sslErrors,
        [&result](const QList<QSslError>& errors) { result.sslErrors = errors; });
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    if (!reply->isFinished())
        finished.wait(15000);
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.body = reply->readAll();
    result.error = reply->error();
    result.errorString = reply->errorString();
    return result;
}

//! The data column every per-era test uses: one row per simulated Baserow version.
inline void addProfileRows()
{
    QTest::addColumn<QString>("profile");
    for (const char* p : {"1.12", "1.15", "1.35"})
        QTest::newRow(p) << QString::fromLatin1(p);
}

inline QByteArray json(const QJsonObject& o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

//! Logs in as the simulator's member (version-agnostic body) and returns the access token.
inline QByteArray login(QNetworkAccessManager& nam, const bmon::sim::Simulator& sim,
    const QString& email = {}, const QString& password = {})
{
    const QString e = email.isEmpty() ? sim.email() : email;
    const QString p = password.isEmpty() ? sim.password() : password;
    const HttpResult r = http(nam, "POST", sim.baseUrl().resolved(QUrl(u"/api/user/token-auth/"_s)),
        json({{u"username"_s, e}, {u"email"_s, e}, {u"password"_s, p}}));
    const QJsonObject o = r.obj();
    return (o.contains(u"access_token"_s) ? o.value(u"access_token"_s) : o.value(u"token"_s))
        .toString()
        .toUtf8();
}

inline Headers auth(const QByteArray& token, const QByteArray& webSocketId = {})
{
    Headers h {{QByteArrayLiteral("Authorization"), QByteArrayLiteral("JWT ") + token}};
    if (!webSocketId.isEmpty())
        h.append({QByteArrayLiteral("WebSocketId"), webSocketId});
    return h;
}

//! A WebSocket client recording every frame and how it ended.
class WsClient : public QObject
{
public:
    QWebSocket socket;
    QList<QJsonObject> messages;
    QStringList texts;
    int binaryFrames = 0;
    int emptyFrames = 0;
    int invalidFrames = 0;
    bool closed = false;
    int closeCode = -1;

    WsClient()
    {
        QObject::connect(&socket, &QWebSocket::textMessageReceived, this, [this](const QString& text) {
            texts.append(text);
            if (text.isEmpty()) {
                ++emptyFrames;
                return;
            }
            QJsonParseError error;
            const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &error);
            if (error.error != QJsonParseError::NoError || !doc.isObject())
                ++invalidFrames;
            else
                messages.append(doc.object());
        });
        QObject::connect(
            &socket, &QWebSocket::binaryMessageReceived, this, [this](const QByteArray&) { ++binaryFrames; });
        QObject::connect(&socket, &QWebSocket::disconnected, this, [this]() {
            closed = true;
            closeCode = int(socket.closeCode());
        });
    }

    void open(const bmon::sim::Simulator& sim, const QByteArray& token, const QString& path = u"/ws/core/"_s)
    {
        QUrl url = sim.baseUrl();
        url.setScheme(url.scheme() == u"https"_s ? u"wss"_s : u"ws"_s);
        url.setPath(path);
        if (!token.isNull())
            url.setQuery(u"jwt_token="_s + QString::fromUtf8(token));
        socket.open(url);
    }

    //! Waits for the authentication frame; returns it.
    QJsonObject waitAuth()
    {
        if (messages.isEmpty())
            (void)QTest::qWaitFor([this]() { return !messages.isEmpty() || closed; }, 10000);
        return messages.value(0);
    }

    QString webSocketId() const { return messages.value(0).value(u"web_socket_id"_s).toString(); }

    void send(const QJsonObject& o) { socket.sendTextMessage(QString::fromUtf8(json(o))); }

    int count(const QString& type) const
    {
        int n = 0;
        for (const QJsonObject& m : messages)
            n += m.value(u"type"_s).toString() == type ? 1 : 0;
        return n;
    }
    QList<QJsonObject> ofType(const QString& type) const
    {
        QList<QJsonObject> out;
        for (const QJsonObject& m : messages) {
            if (m.value(u"type"_s).toString() == type)
                out.append(m);
        }
        return out;
    }
    QStringList types() const
    {
        QStringList out;
        for (const QJsonObject& m : messages)
            out.append(m.value(u"type"_s).toString());
        return out;
    }
};

inline bmon::sim::Profile profileFromTag(const char* tag)
{
    return *bmon::sim::parseProfile(QString::fromLatin1(tag));
}

} // namespace simtest
