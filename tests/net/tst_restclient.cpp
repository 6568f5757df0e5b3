// SPDX-License-Identifier: MIT
// RestClient against a fake HTTP server on 127.0.0.1 answering canned Baserow shapes: both login
// eras, refused credentials, token refresh and retry, pagination, rate limits, non-Baserow
// servers, TLS and network failures, and that no error ever carries a token or password.
#include "core/clock.h"
#include "core/jwt.h"
#include "fakehttpserver.h"
#include "net/authsession.h"
#include "net/restclient.h"

#include <QSignalSpy>
#include <QTest>

#include <optional>

using namespace bmon;
using namespace bmon::test;
using namespace Qt::StringLiterals;

namespace {

constexpr int Wait = 10000;
const QString Password = u"correct horse battery staple"_s;

QString makeToken(
    const Clock& clock, int serial, qint64 lifetimeSecs = 600, const QString& type = u"access"_s)
{
    const qint64 iat = clock.nowUs() / 1'000'000;
    return QString::fromLatin1(
        jwt::signHs256(QJsonObject {{u"token_type"_s, type}, {u"iat"_s, iat}, {u"exp"_s, iat + lifetimeSecs},
                           {u"user_id"_s, 1}, {u"jti"_s, serial}},
            "key"));
}

HttpResponse schema(const QString& version)
{
    return HttpResponse::json(200,
        QJsonObject {{u"openapi"_s, u"3.0.3"_s},
            {u"info"_s, QJsonObject {{u"title"_s, u"Baserow API spec"_s}, {u"version"_s, version}}},
            {u"paths"_s, QJsonObject {}}});
}

QJsonObject user()
{
    return QJsonObject {{u"id"_s, 1}, {u"username"_s, u"alice@example.com"_s}, {u"first_name"_s, u"Alice"_s},
        {u"is_staff"_s, false}};
}

HttpResponse baserowError(int status, const QString& code, const QString& detail)
{
    return HttpResponse::json(status, QJsonObject {{u"error"_s, code}, {u"detail"_s, detail}});
}

template<class T>
struct Waiter
{
    std::optional<Result<T>> result;
    Callback<T> callback()
    {
        return [this](const Result<T>& r) { result.emplace(r); };
    }
};

bool containsSecret(const RestError& e, const QStringList& secrets)
{
    for (const QString& s : secrets) {
        if (s.isEmpty())
            continue;
        if (e.message.contains(s) || e.detail.contains(s) || e.tlsDetails.contains(s) || e.code.contains(s))
            return true;
    }
    return false;
}

} // namespace

class TestRestClient : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void loginSimpleJwt();
    void loginDrfJwt();
    void wrongCredentials_data();
    void wrongCredentials();
    void invalidAccessTokenRefreshesAndRetriesOnce();
    void secondInvalidAccessTokenIsAnError();
    void revokedRefreshTokenExpiresSession();
    void workspacesFallBackToGroups();
    void oldServerGoesStraightToGroups();
    void applicationsBothEras();
    void paginationOverThreePages();
    void rateLimitHonoursRetryAfter();
    void rateLimitRetriesOnlyOnce();
    void notBaserow_data();
    void notBaserow();
    void errorShapes_data();
    void errorShapes();
    void connectionRefused();
    void timeout();
    void tlsUntrustedThenTrusted();
    void oversizedAnswer();
    void writesAndHeaders();
    void contextDestroyedDropsCallback();
    void tokensAbsentFromEveryError();

private:
    std::unique_ptr<FakeHttpServer> m_server;
    std::unique_ptr<ManualClock> m_clock;
    QStringList m_secrets;
};

void TestRestClient::init()
{
    m_server = std::make_unique<FakeHttpServer>();
    QVERIFY(m_server->listen());
    m_clock = std::make_unique<ManualClock>();
    m_secrets = {Password};
}

void TestRestClient::loginSimpleJwt()
{
    const QString access = makeToken(*m_clock, 1);
    const QString refresh = makeToken(*m_clock, 2, 7 * 86400, u"refresh"_s);
    m_server->handler = [&](const HttpRequest& r) {
        if (r.path == "/api/schema.json"_L1)
            return schema(u"1.35.3"_s);
        if (r.path == "/api/user/token-auth/"_L1)
            return HttpResponse::json(200,
                QJsonObject {{u"token"_s, access}, {u"access_token"_s, access}, {u"refresh_token"_s, refresh},
                    {u"user"_s, user()}});
        if (r.path == "/api/workspaces/"_L1)
            return HttpResponse::json(
                200, QJsonArray {QJsonObject {{u"id"_s, 7}, {u"name"_s, u"Acme Ops"_s}}});
        return HttpResponse::json(404, QJsonObject {});
    };
    RestClient rest(m_server->url(), nullptr, m_clock.get());
    Waiter<ServerVersion> version;
    rest.fetchServerVersion(this, version.callback());
    QTRY_VERIFY_WITH_TIMEOUT(version.result.has_value(), Wait);
    QVERIFY(version.result->ok());
    QCOMPARE(version.result->value().toString(), u"1.35.3"_s);
    QCOMPARE(rest.serverVersion()->toString(), u"1.35.3"_s);
    // schema.json needs no token, and the probe carries none.
    QVERIFY(m_server->requests.first().header("authorization").isEmpty());

    Waiter<User> login;
    rest.login(u"alice@example.com"_s, Password, this, login.callback());
    QTRY_VERIFY_WITH_TIMEOUT(login.result.has_value(), Wait);
    QVERIFY2(login.result->ok(), qPrintable(login.result->error().message));
    QCOMPARE(login.result->value().id, qint64(1));
    QCOMPARE(login.result->value().firstName, u"Alice"_s);
    const HttpRequest& req = m_server->requests.at(1);
    QCOMPARE(req.method, QByteArray("POST"));
    QCOMPARE(req.header("content-type"), QByteArray("application/json"));
    QCOMPARE(req.json(),
        (QJsonObject {{u"username"_s, u"alice@example.com"_s}, {u"email"_s, u"alice@example.com"_s},
            {u"password"_s, Password}}));
    QCOMPARE(rest.session()->era(), AuthSession::Era::SimpleJwt);
    QVERIFY(!rest.session()->hasStoredPassword());

    Waiter<QList<Workspace>> ws;
    rest.listWorkspaces(this, ws.callback());
    QTRY_VERIFY_WITH_TIMEOUT(ws.result.has_value(), Wait);
    QVERIFY(ws.result->ok());
    QCOMPARE(ws.result->value().size(), 1);
    QCOMPARE(ws.result->value().first().name, u"Acme Ops"_s);
    QCOMPARE(m_server->requests.last().header("authorization"), QByteArray("JWT " + access.toLatin1()));
}

void TestRestClient::loginDrfJwt()
{
    const qint64 exp = m_clock->nowUs() / 1'000'000 + 3600;
    const QString token
        = QString::fromLatin1(jwt::signHs256(QJsonObject {{u"user_id"_s, 1}, {u"exp"_s, exp}}, "k"));
    m_server->handler = [&](const HttpRequest& r) {
        if (r.path == "/api/user/token-auth/"_L1)
            return HttpResponse::json(200, QJsonObject {{u"token"_s, token}, {u"user"_s, user()}});
        if (r.path == "/api/applications/"_L1)
            return HttpResponse::json(200, QJsonArray {});
        return HttpResponse::json(404, QJsonObject {});
    };
    RestClient rest(m_server->url(), nullptr, m_clock.get());
    Waiter<User> login;
    rest.login(u"alice@example.com"_s, Password, this, login.callback());
    QTRY_VERIFY_WITH_TIMEOUT(login.result.has_value(), Wait);
    QVERIFY(login.result->ok());
    QCOMPARE(rest.session()->era(), AuthSession::Era::DrfJwt);
    QVERIFY(rest.session()->hasStoredPassword()); // needed to log in again once the token expires
    Waiter<QList<Application>> apps;
    rest.listApplications(this, apps.callback());
    QTRY_VERIFY_WITH_TIMEOUT(apps.result.has_value(), Wait);
    QVERIFY(apps.result->ok());
    QCOMPARE(m_server->requests.last().header("authorization"), QByteArray("JWT " + token.toLatin1()));
}

void TestRestClient::wrongCredentials_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QJsonObject>("body");
    QTest::addColumn<QString>("expectedDetail");
    QTest::newRow("1.13+ simplejwt") << 401
                                     << QJsonObject {{u"error"_s, u"ERROR_INVALID_CREDENTIALS"_s},
                                            {u"detail"_s,
                                                u"No active account found with the given credentials."_s}}
                                     << u"No active account found with the given credentials."_s;
    QTest::newRow("1.12 drf-jwt") << 400
                                  << QJsonObject {{u"non_field_errors"_s,
                                         QJsonArray {u"Unable to log in with provided credentials."_s}}}
                                  << u"Unable to log in with provided credentials."_s;
    QTest::newRow("deactivated") << 401
                                 << QJsonObject {{u"error"_s, u"ERROR_DEACTIVATED_USER"_s},
                                        {u"detail"_s, u"User account has been disabled."_s}}
                                 << u"User account has been disabled."_s;
}

void TestRestClient::wrongCredentials()
{
    QFETCH(int, status);
    QFETCH(QJsonObject, body);
    QFETCH(QString, expectedDetail);
    m_server->handler = [&](const HttpRequest&) { return HttpResponse::json(status, body); };
    RestClient rest(m_server->url(), nullptr, m_clock.get());
    Waiter<User> login;
    rest.login(u"alice@example.com"_s, Password, this, login.callback());
    QTRY_VERIFY_WITH_TIMEOUT(login.result.has_value(), Wait);
    QVERIFY(!login.result->ok());
    const RestError& e = login.result->error();
    QCOMPARE(e.kind, RestError::Kind::Auth);
    QCOMPARE(e.httpStatus, status);
    QCOMPARE(e.detail, expectedDetail);
    QVERIFY2(e.message.contains(expectedDetail), qPrintable(e.message));
    QVERIFY(!e.message.contains(u'\n'));
    QVERIFY(!containsSecret(e, m_secrets));
    QVERIFY(!rest.session()->isAuthenticated());
    QVERIFY(!rest.session()->hasStoredPassword());
}

void TestRestClient::invalidAccessTokenRefreshesAndRetriesOnce()
{
    const QString first = makeToken(*m_clock, 1);
    const QString second = makeToken(*m_clock, 2);
    m_server->handler = [&](const HttpRequest& r) {
        if (r.path == "/api/user/token-auth/"_L1)
            return HttpResponse::json(
                200, QJsonObject {{u"access_token"_s, first}, {u"refresh_token"_s, u"R"_s}});
        if (r.path == "/api/user/token-refresh/"_L1) {
            if (r.json() != QJsonObject {{u"refresh_token"_s, u"R"_s}})
                return HttpResponse::json(400, QJsonObject {});
            return HttpResponse::json(200, QJsonObject {{u"access_token"_s, second}, {u"token"_s, second}});
        }
        if (r.header("authorization") == "JWT " + second.toLatin1())
            return HttpResponse::json(200,
                QJsonArray {QJsonObject {
                    {u"id"_s, 101}, {u"name"_s, u"Name"_s}, {u"type"_s, u"text"_s}, {u"primary"_s, true}}});
        HttpResponse expired
            = baserowError(401, u"ERROR_INVALID_ACCESS_TOKEN"_s, u"Access token is expired or invalid."_s);
        // DRF adds this to every 401; QNetworkAccessManager must not try to answer it itself.
        expired.headers.append(qMakePair(QByteArray("WWW-Authenticate"), QByteArray("JWT realm=\"api\"")));
        return expired;
    };
    RestClient rest(m_server->url(), nullptr, m_clock.get());
    m_secrets << first << second;
    Waiter<User> login;
    rest.login(u"a@b.c"_s, Password, this, login.callback());
    QTRY_VERIFY_WITH_TIMEOUT(login.result.has_value(), Wait);
    QSignalSpy changed(rest.session(), &AuthSession::tokensChanged);

    Waiter<QList<Field>> fields;
    rest.listFields(21, this, fields.callback());
    QTRY_VERIFY_WITH_TIMEOUT(fields.result.has_value(), Wait);
    QVERIFY2(fields.result->ok(), qPrintable(fields.result->error().message));
    QCOMPARE(fields.result->value().size(), 1);
    QCOMPARE(fields.result->value().first().tableId, qint64(21)); // filled in from the path
    QVERIFY(fields.result->value().first().primary);
    QCOMPARE(m_server->count(u"/api/user/token-refresh/"_s), 1);
    QCOMPARE(m_server->count(u"/api/database/fields/table/21/"_s), 2);
    QCOMPARE(rest.session()->accessToken(), second);
    QCOMPARE(changed.count(), 1);
}

void TestRestClient::secondInvalidAccessTokenIsAnError()
{
    m_server->handler = [&](const HttpRequest& r) {
        if (r.path == "/api/user/token-auth/"_L1 || r.path == "/api/user/token-refresh/"_L1)
            return HttpResponse::json(
                200, QJsonObject {{u"access_token"_s, makeToken(*m_clock, 3)}, {u"refresh_token"_s, u"R"_s}});
        return baserowError(401, u"ERROR_INVALID_ACCESS_TOKEN"_s, u"Access token is expired or invalid."_s);
    };
    RestClient rest(m_server->url(), nullptr, m_clock.get());
    Waiter<User> login;
    rest.login(u"a@b.c"_s, Password, this, login.callback());
    QTRY_VERIFY_WITH_TIMEOUT(login.result.has_value(), Wait);
    Waiter<QJsonObject> row;
    rest.getRow(21, 5, this, row.callback());
    QTRY_VERIFY_WITH_TIMEOUT(row.result.has_value(), Wait);
    QVERIFY(!row.result->ok());
    QCOMPARE(row.result->error().kind, RestError::Kind::Auth);
    QCOMPARE(row.result->error().code, u"ERROR_INVALID_ACCESS_TOKEN"_s);
    // One refresh, one retry, no loop.
    QCOMPARE(m_server->count(u"/api/database/rows/table/21/5/"_s), 2);
    QCOMPARE(m_server->count(u"/api/user/token-refresh/"_s), 1);
}

void TestRestClient::revokedRefreshTokenExpiresSession()
{
    m_server->handler = [&](const HttpRequest& r) {
        if (r.path == "/api/user/token-auth/"_L1)
            return HttpResponse::json(
                200, QJsonObject {{u"access_token"_s, makeToken(*m_clock, 1)}, {u"refresh_token"_s, u"R"_s}});
        if (r.path == "/api/user/token-refresh/"_L1)
            return baserowError(
                401, u"ERROR_INVALID_REFRESH_TOKEN"_s, u"Refresh token is expired or invalid."_s);
        return baserowError(401, u"ERROR_INVALID_ACCESS_TOKEN"_s, u"Access token is expired or invalid."_s);
    };
    RestClient rest(m_server->url(), nullptr, m_clock.get());
    QSignalSpy expired(rest.session(), &AuthSession::authExpired);
    Waiter<User> login;
    rest.login(u"a@b.c"_s, Password, this, login.callback());
    QTRY_VERIFY_WITH_TIMEOUT(login.result.has_value(), Wait);
    Waiter<QList<Application>> apps;
    rest.listApplications(this, apps.callback());
    QTRY_VERIFY_WITH_TIMEOUT(apps.result.has_value(), Wait);
    QVERIFY(!apps.result->ok());
    QCOMPARE(apps.result->error().kind, RestError::Kind::Auth);
    QCOMPARE(expired.count(), 1);
    QVERIFY(!rest.session()->isAuthenticated());
    QCOMPARE(m_server->count(u"/api/applications/"_s), 1);
}

void TestRestClient::workspacesFallBackToGroups()
{
    m_server->handler = [&](const HttpRequest& r) {
        if (r.path == "/api/groups/"_L1)
            return HttpResponse::json(200,
                QJsonArray {QJsonObject {{u"id"_s, 3}, {u"name"_s, u"Old group"_s}, {u"order"_s, 1},
                    {u"permissions"_s, u"ADMIN"_s}}});
        // Django's HTML 404 for an unknown URL on ≤ 1.15.
        return HttpResponse::text(404, "<html><body><h1>Not Found</h1></body></html>");
    };
    RestClient rest(m_server->url(), nullptr, m_clock.get());
    Waiter<QList<Workspace>> ws;
    rest.listWorkspaces(this, ws.callback());
    QTRY_VERIFY_WITH_TIMEOUT(ws.result.has_value(), Wait);
    QVERIFY2(ws.result->ok(), qPrintable(ws.result->error().message));
    QCOMPARE(ws.result->value().size(), 1);
    QCOMPARE(ws.result->value().first().id, qint64(3));
    QCOMPARE(ws.result->value().first().permissions, u"ADMIN"_s);
    QCOMPARE(m_server->count(u"/api/workspaces/"_s), 1);
    QCOMPARE(m_server->count(u"/api/groups/"_s), 1);
}

void TestRestClient::oldServerGoesStraightToGroups()
{
    m_server->handler = [&](const HttpRequest& r) {
        if (r.path == "/api/schema.json"_L1)
            return schema(u"1.15.2"_s);
        if (r.path == "/api/groups/"_L1)
            return HttpResponse::json(200, QJsonArray {});
        return HttpResponse::json(500, QJsonObject {});
    };
    RestClient rest(m_server->url(), nullptr, m_clock.get());
    Waiter<ServerVersion> v;
    rest.fetchServerVersion(this, v.callback());
    QTRY_VERIFY_WITH_TIMEOUT(v.result.has_value(), Wait);
    Waiter<QList<Workspace>> ws;
    rest.listWorkspaces(this, ws.callback());
    QTRY_VERIFY_WITH_TIMEOUT(ws.result.has_value(), Wait);
    QVERIFY(ws.result->ok());
    QCOMPARE(m_server->count(u"/api/workspaces/"_s), 0);
}

void TestRestClient::applicationsBothEras()
{
    const QJsonArray apps {
        QJsonObject {{u"id"_s, 12}, {u"name"_s, u"CRM"_s}, {u"order"_s, 1}, {u"type"_s, u"database"_s},
            {u"workspace"_s, QJsonObject {{u"id"_s, 7}, {u"name"_s, u"Acme Ops"_s}}},
            {u"tables"_s,
                QJsonArray {QJsonObject {
                    {u"id"_s, 21}, {u"name"_s, u"Customers"_s}, {u"order"_s, 1}, {u"database_id"_s, 12}}}}},
        QJsonObject {{u"id"_s, 13}, {u"name"_s, u"Old"_s}, {u"order"_s, 2}, {u"type"_s, u"database"_s},
            {u"group"_s, QJsonObject {{u"id"_s, 8}, {u"name"_s, u"Legacy"_s}}},
            {u"tables"_s, QJsonArray {QJsonObject {{u"id"_s, 31}, {u"name"_s, u"T"_s}, {u"order"_s, 1}}}}},
        QJsonObject {{u"id"_s, 14}, {u"name"_s, u"Site"_s}, {u"order"_s, 3}, {u"type"_s, u"builder"_s},
            {u"workspace"_s, QJsonObject {{u"id"_s, 7}}}},
    };
    m_server->handler = [&](const HttpRequest&) { return HttpResponse::json(200, apps); };
    RestClient rest(m_server->url(), nullptr, m_clock.get());
    Waiter<QList<Application>> w;
    rest.listApplications(this, w.callback());
    QTRY_VERIFY_WITH_TIMEOUT(w.result.has_value(), Wait);
    QVERIFY(w.result->ok());
    const auto& list = w.result->value();
    QCOMPARE(list.size(), 3);
    QCOMPARE(list[0].workspaceId, qint64(7));
    QCOMPARE(list[0].tables.size(), 1);
    QCOMPARE(list[0].tables[0].id, qint64(21));
    QCOMPARE(list[0].tables[0].databaseId, qint64(12));
    QCOMPARE(list[1].workspaceId, qint64(8)); // "group" before 1.16
    QCOMPARE(list[1].tables[0].databaseId, qint64(13));
    QCOMPARE(list[2].type, u"builder"_s);
    QVERIFY(list[2].tables.isEmpty());
}

void TestRestClient::paginationOverThreePages()
{
    constexpr int total = 450;
    m_server->handler = [&](const HttpRequest& r) {
        if (r.pathOnly() != "/api/database/rows/table/21/"_L1 || r.query(u"size"_s) != "200"_L1)
            return HttpResponse::json(400, QJsonObject {});
        const int page = r.query(u"page"_s).toInt();
        if (page < 1 || (page - 1) * 200 >= total)
            return HttpResponse::json(404, QJsonObject {{u"detail"_s, u"Invalid page."_s}});
        QJsonArray results;
        for (int id = (page - 1) * 200 + 1; id <= qMin(total, page * 200); ++id)
            results.append(QJsonObject {{u"id"_s, id}, {u"order"_s, u"%1.00000000000000000000"_s.arg(id)},
                {u"field_101"_s, u"row %1"_s.arg(id)}});
        const bool more = page * 200 < total;
        return HttpResponse::json(200,
            QJsonObject {{u"count"_s, total},
                {u"next"_s,
                    more ? QJsonValue(
                        u"http://elsewhere/api/database/rows/table/21/?page=%1&size=200"_s.arg(page + 1))
                         : QJsonValue(QJsonValue::Null)},
                {u"previous"_s, QJsonValue::Null}, {u"results"_s, results}});
    };
    RestClient rest(m_server->url(), nullptr, m_clock.get());
    QList<QPair<qint64, qint64>> progress;
    Waiter<RowMap> rows;
    rest.listAllRows(
        21,
        [&](qint64 fetched, qint64 all) {
            progress.append({fetched, all});
        },
        this, rows.callback());
    QTRY_VERIFY_WITH_TIMEOUT(rows.result.has_value(), Wait);
    QVERIFY2(rows.result->ok(), qPrintable(rows.result->error().message));
    QCOMPARE(rows.result->value().size(), total);
    QCOMPARE(rows.result->value().value(450).value("field_101"_L1).toString(), u"row 450"_s);
    QCOMPARE(progress, (QList<QPair<qint64, qint64>> {{200, 450}, {400, 450}, {450, 450}}));
    QCOMPARE(m_server->requests.size(), 3);
    for (int i = 0; i < 3; ++i)
        QCOMPARE(m_server->requests[i].query(u"page"_s), QString::number(i + 1));
}

void TestRestClient::rateLimitHonoursRetryAfter()
{
    int calls = 0;
    m_server->handler = [&](const HttpRequest&) {
        if (++calls == 1) {
            HttpResponse r
                = HttpResponse::json(429, QJsonObject {{u"detail"_s, u"Request was throttled."_s}});
            r.headers.append(qMakePair(QByteArray("Retry-After"), QByteArray("7")));
            return r;
        }
        return HttpResponse::json(200, QJsonObject {{u"id"_s, 5}});
    };
    RestClient rest(m_server->url(), nullptr, m_clock.get());
    Waiter<QJsonObject> row;
    rest.getRow(21, 5, this, row.callback());
    // The 429 arrived when the only timer left is the 7 s retry (the request timeout is gone).
    QTRY_COMPARE_WITH_TIMEOUT(m_clock->nextTimerInMs(), qint64(7000), Wait);
    QCOMPARE(m_clock->pendingTimers(), 1);
    m_clock->advance(6999);
    QCOMPARE(m_server->requests.size(), 1);
    QVERIFY(!row.result.has_value());
    m_clock->advance(1);
    QTRY_VERIFY_WITH_TIMEOUT(row.result.has_value(), Wait);
    QVERIFY(row.result->ok());
    QCOMPARE(m_server->requests.size(), 2);
}

void TestRestClient::rateLimitRetriesOnlyOnce()
{
    m_server->handler = [&](const HttpRequest&) {
        HttpResponse r = HttpResponse::json(429, QJsonObject {{u"detail"_s, u"Request was throttled."_s}});
        r.headers.append(qMakePair(QByteArray("Retry-After"), QByteArray("3600"))); // capped at 60 s
        return r;
    };
    RestClient rest(m_server->url(), nullptr, m_clock.get());
    Waiter<QJsonObject> row;
    rest.getRow(21, 5, this, row.callback());
    QTRY_COMPARE_WITH_TIMEOUT(m_clock->nextTimerInMs(), RestClient::RetryAfterCapMs, Wait);
    m_clock->advance(RestClient::RetryAfterCapMs);
    QTRY_VERIFY_WITH_TIMEOUT(row.result.has_value(), Wait);
    QCOMPARE(row.result->error().kind, RestError::Kind::RateLimited);
    QCOMPARE(row.result->error().httpStatus, 429);
    QCOMPARE(m_server->requests.size(), 2);
}

void TestRestClient::notBaserow_data()
{
    QTest::addColumn<HttpResponse>("answer");
    QTest::addColumn<int>("kind");
    QTest::newRow("HTML page") << HttpResponse::text(200, "<!doctype html><title>Welcome to nginx!</title>")
                               << int(RestError::Kind::NotBaserow);
    QTest::newRow("HTML 404") << HttpResponse::text(404, "<h1>Not Found</h1>")
                              << int(RestError::Kind::NotBaserow);
    QTest::newRow("JSON 404") << HttpResponse::json(404, QJsonObject {{u"detail"_s, u"Not found."_s}})
                              << int(RestError::Kind::NotBaserow);
    QTest::newRow("JSON without info.version")
        << HttpResponse::json(200, QJsonObject {{u"status"_s, u"ok"_s}}) << int(RestError::Kind::NotBaserow);
    QTest::newRow("info.version not a version") << schema(u"latest"_s) << int(RestError::Kind::NotBaserow);
    QTest::newRow("truncated JSON") << HttpResponse::text(
        200, "{\"info\": {\"version\": ", "application/json")
                                    << int(RestError::Kind::NotBaserow);
    QTest::newRow("redirect") << [] {
        HttpResponse r = HttpResponse::text(301, "");
        r.headers.append(
            qMakePair(QByteArray("Location"), QByteArray("https://example.org/api/schema.json")));
        return r;
    }() << int(RestError::Kind::NotBaserow);
    QTest::newRow("0.9.1") << schema(u"0.9.1"_s) << int(RestError::Kind::Unsupported);
    QTest::newRow("server error") << HttpResponse::text(502, "<h1>Bad Gateway</h1>")
                                  << int(RestError::Kind::Http);
}

void TestRestClient::notBaserow()
{
    QFETCH(HttpResponse, answer);
    QFETCH(int, kind);
    m_server->handler = [&](const HttpRequest&) { return answer; };
    RestClient rest(m_server->url(), nullptr, m_clock.get());
    Waiter<ServerVersion> v;
    rest.fetchServerVersion(this, v.callback());
    QTRY_VERIFY_WITH_TIMEOUT(v.result.has_value(), Wait);
    QVERIFY(!v.result->ok());
    QCOMPARE(int(v.result->error().kind), kind);
    QVERIFY(!v.result->error().message.isEmpty());
    QVERIFY(!rest.serverVersion());
    QCOMPARE(m_server->requests.first().path, u"/api/schema.json"_s);
}

void TestRestClient::errorShapes_data()
{
    QTest::addColumn<HttpResponse>("answer");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("detail");
    QTest::newRow("baserow") << baserowError(
        404, u"ERROR_ROW_DOES_NOT_EXIST"_s, u"The row 5 does not exist."_s)
                             << int(RestError::Kind::Http) << u"ERROR_ROW_DOES_NOT_EXIST"_s
                             << u"The row 5 does not exist."_s;
    QTest::newRow("body validation") << HttpResponse::json(400,
        QJsonObject {{u"error"_s, u"ERROR_REQUEST_BODY_VALIDATION"_s},
            {u"detail"_s,
                QJsonObject {{u"name"_s,
                    QJsonArray {QJsonObject {
                        {u"error"_s, u"This field is required."_s}, {u"code"_s, u"required"_s}}}}}}})
                                     << int(RestError::Kind::Http) << u"ERROR_REQUEST_BODY_VALIDATION"_s
                                     << u"name: This field is required."_s;
    QTest::newRow("drf detail") << HttpResponse::json(404, QJsonObject {{u"detail"_s, u"Invalid page."_s}})
                                << int(RestError::Kind::Http) << QString() << u"Invalid page."_s;
    QTest::newRow("field errors") << HttpResponse::json(
        400, QJsonObject {{u"email"_s, QJsonArray {u"This field is required."_s}}})
                                  << int(RestError::Kind::Http) << QString()
                                  << u"email: This field is required."_s;
    QTest::newRow("permission denied")
        << baserowError(401, u"PERMISSION_DENIED"_s,
               u"You don't have the required permission to execute this operation."_s)
        << int(RestError::Kind::Http) << u"PERMISSION_DENIED"_s
        << u"You don't have the required permission to execute this operation."_s;
    QTest::newRow("no credentials") << HttpResponse::json(
        401, QJsonObject {{u"detail"_s, u"Authentication credentials were not provided."_s}})
                                    << int(RestError::Kind::Auth) << QString()
                                    << u"Authentication credentials were not provided."_s;
    QTest::newRow("500 html") << HttpResponse::text(500, "<h1>Server Error (500)</h1>")
                              << int(RestError::Kind::Http) << QString() << QString();
}

void TestRestClient::errorShapes()
{
    QFETCH(HttpResponse, answer);
    QFETCH(int, kind);
    QFETCH(QString, code);
    QFETCH(QString, detail);
    m_server->handler = [&](const HttpRequest&) { return answer; };
    RestClient rest(m_server->url(), nullptr, m_clock.get());
    Waiter<QJsonValue> w;
    rest.request("GET", u"/api/database/rows/table/21/5/"_s, {}, this, w.callback());
    QTRY_VERIFY_WITH_TIMEOUT(w.result.has_value(), Wait);
    QVERIFY(!w.result->ok());
    const RestError& e = w.result->error();
    QCOMPARE(int(e.kind), kind);
    QCOMPARE(e.httpStatus, answer.status);
    QCOMPARE(e.code, code);
    QCOMPARE(e.detail, detail);
    QVERIFY(e.message.contains(QString::number(answer.status)) || e.kind == RestError::Kind::Auth);
    QVERIFY(!e.message.contains(u'\n'));
}

void TestRestClient::connectionRefused()
{
    // A port that was just free: nothing listens there now.
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
    const quint16 port = probe.serverPort();
    probe.close();
    QUrl url(u"http://127.0.0.1"_s);
    url.setPort(port);
    RestClient rest(url, nullptr, m_clock.get());
    Waiter<ServerVersion> v;
    rest.fetchServerVersion(this, v.callback());
    QTRY_VERIFY_WITH_TIMEOUT(v.result.has_value(), Wait);
    QCOMPARE(v.result->error().kind, RestError::Kind::Network);
    QCOMPARE(v.result->error().httpStatus, 0);
    QVERIFY2(v.result->error().message.contains(u"127.0.0.1:%1"_s.arg(port)),
        qPrintable(v.result->error().message));
    QVERIFY(v.result->error().isTransient());
}

void TestRestClient::timeout()
{
    m_server->handler = [&](const HttpRequest&) {
        HttpResponse r;
        r.hang = true;
        return r;
    };
    RestClient rest(m_server->url(), nullptr, m_clock.get());
    rest.setTimeoutMs(5000);
    Waiter<QList<Workspace>> w;
    rest.listWorkspaces(this, w.callback());
    QTRY_COMPARE_WITH_TIMEOUT(m_server->requests.size(), 1, Wait);
    m_clock->advance(4999);
    QVERIFY(!w.result.has_value());
    m_clock->advance(1);
    QTRY_VERIFY_WITH_TIMEOUT(w.result.has_value(), Wait);
    QCOMPARE(w.result->error().kind, RestError::Kind::Timeout);
    QVERIFY(w.result->error().isTransient());
}

void TestRestClient::tlsUntrustedThenTrusted()
{
    FakeHttpServer tls;
    QVERIFY(tls.listenTls(testCertificate(), testPrivateKey()));
    tls.handler = [&](const HttpRequest&) { return schema(u"1.35.3"_s); };
    {
        RestClient rest(tls.url(), nullptr, m_clock.get());
        Waiter<ServerVersion> v;
        rest.fetchServerVersion(this, v.callback());
        QTRY_VERIFY_WITH_TIMEOUT(v.result.has_value(), Wait);
        QVERIFY(!v.result->ok());
        const RestError& e = v.result->error();
        QCOMPARE(e.kind, RestError::Kind::Tls);
        QVERIFY2(e.tlsDetails.contains(u"SHA-256"_s), qPrintable(e.tlsDetails));
        QVERIFY2(e.tlsDetails.contains(u"bmon test server"_s), qPrintable(e.tlsDetails));
        QVERIFY(!e.message.isEmpty());
        QCOMPARE(tls.requests.size(), 0);
    }
    RestClient rest(tls.url(), nullptr, m_clock.get());
    rest.setCaCertificates({testCertificate()});
    Waiter<ServerVersion> v;
    rest.fetchServerVersion(this, v.callback());
    QTRY_VERIFY_WITH_TIMEOUT(v.result.has_value(), Wait);
    QVERIFY2(v.result->ok(), qPrintable(v.result->error().message + u' ' + v.result->error().tlsDetails));
}

void TestRestClient::oversizedAnswer()
{
    m_server->handler = [&](const HttpRequest&) {
        return HttpResponse::text(200, QByteArray(1 << 20, ' ') + "[]", "application/json");
    };
    RestClient rest(m_server->url(), nullptr, m_clock.get());
    rest.setMaxResponseBytes(64 << 10);
    Waiter<QList<Application>> w;
    rest.listApplications(this, w.callback());
    QTRY_VERIFY_WITH_TIMEOUT(w.result.has_value(), Wait);
    QCOMPARE(w.result->error().kind, RestError::Kind::Http);
}

void TestRestClient::writesAndHeaders()
{
    m_server->handler = [&](const HttpRequest& r) {
        if (r.method == "DELETE")
            return HttpResponse::empty(204);
        if (r.pathOnly().endsWith("/batch/"_L1))
            return HttpResponse::json(200, QJsonObject {{u"items"_s, r.json().value("items"_L1)}});
        return HttpResponse::json(200, QJsonObject {{u"id"_s, 5}, {u"order"_s, u"1.50000000000000000000"_s}});
    };
    RestClient rest(m_server->url(), nullptr, m_clock.get());
    rest.setWebSocketId(u"934254ab-0c87-4dbc-9d71-7eeab029296c"_s);

    Waiter<QJsonObject> created;
    rest.createRow(21, QJsonObject {{u"field_101"_s, u"x"_s}}, this, created.callback());
    QTRY_VERIFY_WITH_TIMEOUT(created.result.has_value(), Wait);
    QCOMPARE(m_server->requests.last().method, QByteArray("POST"));
    QCOMPARE(m_server->requests.last().path, u"/api/database/rows/table/21/"_s);
    QVERIFY(m_server->requests.last().header("websocketid").isEmpty()); // off by default: see our own echo

    rest.setSendWebSocketId(true);
    Waiter<QJsonObject> moved;
    rest.moveRow(21, 5, 3, this, moved.callback());
    QTRY_VERIFY_WITH_TIMEOUT(moved.result.has_value(), Wait);
    QCOMPARE(m_server->requests.last().method, QByteArray("PATCH"));
    QCOMPARE(m_server->requests.last().path, u"/api/database/rows/table/21/5/move/?before_id=3"_s);
    QCOMPARE(
        m_server->requests.last().header("websocketid"), QByteArray("934254ab-0c87-4dbc-9d71-7eeab029296c"));

    Waiter<QJsonArray> batch;
    const QJsonArray items {QJsonObject {{u"id"_s, 5}, {u"field_102"_s, 3}}};
    rest.batchUpdateRows(21, items, this, batch.callback());
    QTRY_VERIFY_WITH_TIMEOUT(batch.result.has_value(), Wait);
    QVERIFY(batch.result->ok());
    QCOMPARE(batch.result->value(), items);
    QCOMPARE(m_server->requests.last().json(), (QJsonObject {{u"items"_s, items}}));

    Waiter<void> deleted;
    rest.deleteRow(21, 5, this, deleted.callback());
    QTRY_VERIFY_WITH_TIMEOUT(deleted.result.has_value(), Wait);
    QVERIFY(deleted.result->ok());
    QCOMPARE(m_server->requests.last().method, QByteArray("DELETE"));

    // Reads never carry the header; the generic call adds the trailing slash Baserow needs.
    Waiter<QJsonValue> generic;
    rest.request("get", u"api/database/views/table/21?include=filters"_s, {}, this, generic.callback());
    QTRY_VERIFY_WITH_TIMEOUT(generic.result.has_value(), Wait);
    QCOMPARE(m_server->requests.last().method, QByteArray("GET"));
    QCOMPARE(m_server->requests.last().path, u"/api/database/views/table/21/?include=filters"_s);
    QVERIFY(m_server->requests.last().header("websocketid").isEmpty());
}

void TestRestClient::contextDestroyedDropsCallback()
{
    m_server->handler = [&](const HttpRequest&) { return HttpResponse::json(200, QJsonArray {}); };
    RestClient rest(m_server->url(), nullptr, m_clock.get());
    auto* context = new QObject;
    bool called = false;
    rest.listApplications(context, [&](const Result<QList<Application>>&) { called = true; });
    delete context;
    Waiter<QList<Application>> later;
    rest.listApplications(this, later.callback());
    QTRY_VERIFY_WITH_TIMEOUT(later.result.has_value(), Wait);
    QTRY_COMPARE_WITH_TIMEOUT(rest.pendingRequests(), 0, Wait);
    QVERIFY(!called);
}

void TestRestClient::tokensAbsentFromEveryError()
{
    const QString access = makeToken(*m_clock, 1);
    const QString refresh = makeToken(*m_clock, 2, 86400, u"refresh"_s);
    m_secrets << access << refresh;
    m_server->handler = [&](const HttpRequest& r) {
        if (r.path == "/api/user/token-auth/"_L1)
            return HttpResponse::json(
                200, QJsonObject {{u"access_token"_s, access}, {u"refresh_token"_s, refresh}});
        if (r.path == "/api/user/token-refresh/"_L1)
            return baserowError(
                401, u"ERROR_INVALID_REFRESH_TOKEN"_s, u"Refresh token %1 is invalid."_s.arg(refresh));
        if (r.path == "/api/groups/"_L1)
            return HttpResponse::text(
                500, "Traceback: token=" + access.toLatin1() + " password=" + Password.toLatin1());
        // A misbehaving proxy that echoes the request back, Authorization header included.
        return HttpResponse::json(
            400, QJsonObject {{u"detail"_s, u"bad request, Authorization: JWT %1"_s.arg(access)}});
    };
    RestClient rest(m_server->url(), nullptr, m_clock.get());
    QList<RestError> errors;
    QSignalSpy expired(rest.session(), &AuthSession::authExpired);
    Waiter<User> login;
    rest.login(u"a@b.c"_s, Password, this, login.callback());
    QTRY_VERIFY_WITH_TIMEOUT(login.result.has_value(), Wait);
    Waiter<QJsonObject> row;
    rest.getRow(1, 2, this, row.callback());
    QTRY_VERIFY_WITH_TIMEOUT(row.result.has_value(), Wait);
    errors << row.result->error();
    rest.request(
        "GET", u"/api/groups/"_s, {}, this, [&](const Result<QJsonValue>& r) { errors << r.error(); });
    QTRY_COMPARE_WITH_TIMEOUT(errors.size(), 2, Wait);
    Waiter<void> refreshed;
    rest.refreshAccessToken(this, refreshed.callback());
    QTRY_VERIFY_WITH_TIMEOUT(refreshed.result.has_value(), Wait);
    errors << refreshed.result->error();
    QCOMPARE(expired.count(), 1);
    for (const QVariant& reason : expired.first())
        QVERIFY(!reason.toString().contains(refresh));
    for (const RestError& e : errors) {
        QVERIFY(e.isError());
        QVERIFY2(!containsSecret(e, m_secrets), qPrintable(e.message + u" | "_s + e.detail));
    }
}

QTEST_GUILESS_MAIN(TestRestClient)
#include "tst_restclient.moc"
