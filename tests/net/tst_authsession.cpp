// SPDX-License-Identifier: MIT
// AuthSession in fake time: refresh scheduling from real signed JWTs, both token eras, re-login
// for drf-jwt servers, unrecoverable refresh failures. The transport is a fake that records requests.
#include "core/clock.h"
#include "core/jwt.h"
#include "net/authsession.h"

#include <QSignalSpy>
#include <QTest>

using namespace bmon;
using namespace Qt::StringLiterals;

namespace {

struct Request
{
    QString path;
    QJsonObject body;
    Callback<QJsonObject> done;
};

class FakeTransport
{
public:
    AuthSession::Transport function()
    {
        return [this](const QString& path, const QJsonObject& body, Callback<QJsonObject> done) {
            requests.append({path, body, std::move(done)});
        };
    }
    Request take() { return requests.takeFirst(); }
    QList<Request> requests;
};

qint64 nowSecs(const Clock& clock)
{
    return clock.nowUs() / 1'000'000;
}

//! A simplejwt-style access token: iat and exp, as Baserow 1.13+ issues them.
QString accessToken(const Clock& clock, qint64 lifetimeSecs, qint64 iatOffsetSecs = 0, int serial = 0)
{
    const qint64 iat = nowSecs(clock) + iatOffsetSecs;
    return QString::fromLatin1(
        jwt::signHs256(QJsonObject {{u"token_type"_s, u"access"_s}, {u"iat"_s, iat},
                           {u"exp"_s, iat + lifetimeSecs}, {u"user_id"_s, 3}, {u"jti"_s, serial}},
            "test-key"));
}

//! A drf-jwt token (≤ 1.12): exp and orig_iat, no iat.
QString drfToken(const Clock& clock, qint64 lifetimeSecs, int serial = 0)
{
    return QString::fromLatin1(
        jwt::signHs256(QJsonObject {{u"user_id"_s, 3}, {u"username"_s, u"alice@example.com"_s},
                           {u"exp"_s, nowSecs(clock) + lifetimeSecs}, {u"orig_iat"_s, nowSecs(clock)},
                           {u"serial"_s, serial}},
            "test-key"));
}

RestError authError(const QString& code, int status = 401)
{
    RestError e;
    e.kind = RestError::Kind::Auth;
    e.httpStatus = status;
    e.code = code;
    e.message = u"refused"_s;
    return e;
}

RestError networkError()
{
    RestError e;
    e.kind = RestError::Kind::Network;
    e.message = u"Connection refused"_s;
    return e;
}

} // namespace

class TestAuthSession : public QObject
{
    Q_OBJECT

private slots:
    void loginBodyIsVersionAgnostic();
    void refreshScheduledAt80Percent_data();
    void refreshScheduledAt80Percent();
    void eraFromLoginAnswer_data();
    void eraFromLoginAnswer();
    void simpleJwtRefreshReplacesAccessToken();
    void refreshTokenRejectedIsUnrecoverable();
    void transientRefreshFailureRetries();
    void concurrentRefreshesShareOneRequest();
    void drfJwtRefreshesWithCurrentToken();
    void drfJwtLogsInAgainOnceExpired();
    void drfJwtReloginRefusedExpiresSession();
    void drfJwtRefreshRefusedFallsBackToLogin();
    void loginWithRefreshToken();
    void failedLoginForgetsPassword();
    void clearCancelsEverything();
    void expiryQueries();
};

void TestAuthSession::loginBodyIsVersionAgnostic()
{
    ManualClock clock;
    FakeTransport transport;
    AuthSession session(&clock);
    session.setTransport(transport.function());
    session.login(u"alice@example.com"_s, u"s3cret"_s, {});
    QCOMPARE(transport.requests.size(), 1);
    const Request r = transport.take();
    QCOMPARE(r.path, u"/api/user/token-auth/"_s);
    QCOMPARE(r.body.value("username"_L1).toString(), u"alice@example.com"_s);
    QCOMPARE(r.body.value("email"_L1).toString(), u"alice@example.com"_s);
    QCOMPARE(r.body.value("password"_L1).toString(), u"s3cret"_s);
    QCOMPARE(r.body.size(), 3);
}

void TestAuthSession::refreshScheduledAt80Percent_data()
{
    QTest::addColumn<qint64>("lifetimeSecs");
    QTest::addColumn<qint64>("iatOffsetSecs");
    QTest::newRow("10 min (Baserow default)") << qint64(600) << qint64(0);
    QTest::newRow("60 min") << qint64(3600) << qint64(0);
    QTest::newRow("2 min") << qint64(120) << qint64(0);
    // The server's clock is an hour behind ours: exp − iat still decides, not our wall clock.
    QTest::newRow("server clock behind") << qint64(600) << qint64(-3600);
    QTest::newRow("server clock ahead") << qint64(600) << qint64(7200);
}

void TestAuthSession::refreshScheduledAt80Percent()
{
    QFETCH(qint64, lifetimeSecs);
    QFETCH(qint64, iatOffsetSecs);
    ManualClock clock;
    FakeTransport transport;
    AuthSession session(&clock);
    session.setTransport(transport.function());
    QSignalSpy changed(&session, &AuthSession::tokensChanged);

    session.login(u"alice@example.com"_s, u"pw"_s, {});
    const QString first = accessToken(clock, lifetimeSecs, iatOffsetSecs, 1);
    transport.take().done(
        QJsonObject {{u"access_token"_s, first}, {u"token"_s, first}, {u"refresh_token"_s, u"R1"_s}});
    QCOMPARE(session.accessToken(), first);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(session.accessLifetimeMs(), lifetimeSecs * 1000);
    const qint64 at = lifetimeSecs * 800;
    QCOMPARE(session.nextRefreshInMs(), at);

    clock.advance(at - 1);
    QVERIFY(transport.requests.isEmpty());
    clock.advance(1);
    QCOMPARE(transport.requests.size(), 1);
    QCOMPARE(transport.requests.first().path, u"/api/user/token-refresh/"_s);
    QCOMPARE(transport.requests.first().body, (QJsonObject {{u"refresh_token"_s, u"R1"_s}}));
    QVERIFY(session.isRefreshing());

    // The next refresh counts from the new token's arrival.
    const QString second = accessToken(clock, lifetimeSecs, iatOffsetSecs, 2);
    transport.take().done(QJsonObject {{u"access_token"_s, second}, {u"token"_s, second}});
    QCOMPARE(session.accessToken(), second);
    QCOMPARE(session.nextRefreshInMs(), at);
    QCOMPARE(session.refreshToken(), u"R1"_s);
}

void TestAuthSession::eraFromLoginAnswer_data()
{
    QTest::addColumn<QJsonObject>("answer");
    QTest::addColumn<QString>("version");
    QTest::addColumn<int>("era");
    QTest::addColumn<bool>("keepsPassword");
    QTest::addColumn<bool>("canRefresh");

    ManualClock clock;
    const QString a = accessToken(clock, 600);
    const QString d = drfToken(clock, 3600);
    QTest::newRow("simplejwt 1.35") << QJsonObject {{u"token"_s, a}, {u"access_token"_s, a},
        {u"refresh_token"_s, u"R"_s}}
                                    << QString() << int(AuthSession::Era::SimpleJwt) << false << true;
    QTest::newRow("drf-jwt 1.12") << QJsonObject {{u"token"_s, d}, {u"user"_s, QJsonObject {}}} << QString()
                                  << int(AuthSession::Era::DrfJwt) << true << true;
    QTest::newRow("drf-jwt, version known")
        << QJsonObject {{u"token"_s, d}} << u"1.12.1"_s << int(AuthSession::Era::DrfJwt) << true << true;
    QTest::newRow("token only, but 1.20")
        << QJsonObject {{u"token"_s, a}} << u"1.20.0"_s << int(AuthSession::Era::SimpleJwt) << false << false;
}

void TestAuthSession::eraFromLoginAnswer()
{
    QFETCH(QJsonObject, answer);
    QFETCH(QString, version);
    QFETCH(int, era);
    QFETCH(bool, keepsPassword);
    QFETCH(bool, canRefresh);
    ManualClock clock;
    FakeTransport transport;
    AuthSession session(&clock);
    session.setTransport(transport.function());
    if (!version.isEmpty())
        session.setServerVersion(*ServerVersion::parse(version));
    QJsonObject delivered;
    session.login(u"alice@example.com"_s, u"pw"_s, [&](const Result<QJsonObject>& r) {
        QVERIFY(r.ok());
        delivered = r.value();
    });
    transport.take().done(answer);
    QCOMPARE(int(session.era()), era);
    QCOMPARE(session.hasStoredPassword(), keepsPassword);
    QCOMPARE(session.canRefresh(), canRefresh);
    QVERIFY(session.isAuthenticated());
    // The answer handed on never carries the tokens.
    QVERIFY(!delivered.contains("token"_L1));
    QVERIFY(!delivered.contains("access_token"_L1));
    QVERIFY(!delivered.contains("refresh_token"_L1));
}

void TestAuthSession::simpleJwtRefreshReplacesAccessToken()
{
    ManualClock clock;
    FakeTransport transport;
    AuthSession session(&clock);
    session.setTransport(transport.function());
    session.login(u"a@b.c"_s, u"pw"_s, {});
    transport.take().done(
        QJsonObject {{u"access_token"_s, accessToken(clock, 600, 0, 1)}, {u"refresh_token"_s, u"R"_s}});

    bool called = false;
    session.refresh([&](const Result<void>& r) {
        called = true;
        QVERIFY(r.ok());
    });
    QCOMPARE(transport.requests.size(), 1);
    const QString fresh = accessToken(clock, 600, 0, 2);
    // Older servers answer with "token" only; both keys are understood.
    transport.take().done(QJsonObject {{u"token"_s, fresh}});
    QVERIFY(called);
    QCOMPARE(session.accessToken(), fresh);
    QVERIFY(!session.isRefreshing());
}

void TestAuthSession::refreshTokenRejectedIsUnrecoverable()
{
    ManualClock clock;
    FakeTransport transport;
    AuthSession session(&clock);
    session.setTransport(transport.function());
    QSignalSpy expired(&session, &AuthSession::authExpired);
    session.login(u"a@b.c"_s, u"pw"_s, {});
    transport.take().done(
        QJsonObject {{u"access_token"_s, accessToken(clock, 600)}, {u"refresh_token"_s, u"R"_s}});

    RestError got;
    session.refresh([&](const Result<void>& r) { got = r.error(); });
    transport.take().done(authError(u"ERROR_INVALID_REFRESH_TOKEN"_s));
    QCOMPARE(expired.count(), 1);
    QVERIFY(!expired.first().first().toString().isEmpty());
    QCOMPARE(got.kind, RestError::Kind::Auth);
    QCOMPARE(got.code, u"ERROR_INVALID_REFRESH_TOKEN"_s);
    QVERIFY(!session.isAuthenticated());
    QVERIFY(!session.hasRefreshToken());
    QCOMPARE(session.nextRefreshInMs(), qint64(-1));
    QVERIFY(!session.canRefresh());
    // Nothing else is scheduled: time passing sends no more requests.
    clock.advance(3'600'000);
    QVERIFY(transport.requests.isEmpty());
    QCOMPARE(expired.count(), 1);
}

void TestAuthSession::transientRefreshFailureRetries()
{
    ManualClock clock;
    FakeTransport transport;
    AuthSession session(&clock);
    session.setTransport(transport.function());
    QSignalSpy expired(&session, &AuthSession::authExpired);
    session.login(u"a@b.c"_s, u"pw"_s, {});
    transport.take().done(
        QJsonObject {{u"access_token"_s, accessToken(clock, 600)}, {u"refresh_token"_s, u"R"_s}});
    clock.advance(480'000);
    QCOMPARE(transport.requests.size(), 1);
    transport.take().done(networkError());
    QCOMPARE(expired.count(), 0);
    QCOMPARE(session.nextRefreshInMs(), AuthSession::RetryAfterFailureMs);
    clock.advance(AuthSession::RetryAfterFailureMs);
    QCOMPARE(transport.requests.size(), 1);
    QCOMPARE(transport.requests.first().body.value("refresh_token"_L1).toString(), u"R"_s);
}

void TestAuthSession::concurrentRefreshesShareOneRequest()
{
    ManualClock clock;
    FakeTransport transport;
    AuthSession session(&clock);
    session.setTransport(transport.function());
    session.login(u"a@b.c"_s, u"pw"_s, {});
    transport.take().done(
        QJsonObject {{u"access_token"_s, accessToken(clock, 600)}, {u"refresh_token"_s, u"R"_s}});
    int calls = 0;
    session.refresh([&](const Result<void>& r) { calls += r.ok() ? 1 : 100; });
    session.refresh([&](const Result<void>& r) { calls += r.ok() ? 1 : 100; });
    QCOMPARE(transport.requests.size(), 1);
    transport.take().done(QJsonObject {{u"access_token"_s, accessToken(clock, 600, 0, 5)}});
    QCOMPARE(calls, 2);
}

void TestAuthSession::drfJwtRefreshesWithCurrentToken()
{
    ManualClock clock;
    FakeTransport transport;
    AuthSession session(&clock);
    session.setTransport(transport.function());
    session.login(u"a@b.c"_s, u"pw"_s, {});
    const QString first = drfToken(clock, 3600, 1);
    transport.take().done(QJsonObject {{u"token"_s, first}});
    QCOMPARE(session.era(), AuthSession::Era::DrfJwt);
    // No iat in drf-jwt tokens: the lifetime is exp against our clock.
    QCOMPARE(session.nextRefreshInMs(), qint64(2'880'000));
    clock.advance(2'880'000);
    QCOMPARE(transport.requests.size(), 1);
    QCOMPARE(transport.requests.first().path, u"/api/user/token-refresh/"_s);
    QCOMPARE(transport.requests.first().body, (QJsonObject {{u"token"_s, first}}));
    const QString second = drfToken(clock, 3600, 2);
    transport.take().done(QJsonObject {{u"token"_s, second}});
    QCOMPARE(session.accessToken(), second);
    QVERIFY(session.hasStoredPassword());
}

void TestAuthSession::drfJwtLogsInAgainOnceExpired()
{
    ManualClock clock;
    FakeTransport transport;
    AuthSession session(&clock);
    session.setTransport(transport.function());
    QSignalSpy expired(&session, &AuthSession::authExpired);
    session.login(u"alice@example.com"_s, u"pw"_s, {});
    transport.take().done(QJsonObject {{u"token"_s, drfToken(clock, 100, 1)}});

    // 80 s: refresh with the token, which fails on the network; 90 s: again; 100 s: expired.
    clock.advance(80'000);
    QCOMPARE(transport.requests.size(), 1);
    QVERIFY(transport.requests.first().body.contains("token"_L1));
    transport.take().done(networkError());
    clock.advance(10'000);
    QCOMPARE(transport.requests.size(), 1);
    QCOMPARE(transport.requests.first().path, u"/api/user/token-refresh/"_s);
    transport.take().done(networkError());
    clock.advance(10'000);
    QVERIFY(session.isExpired());
    QCOMPARE(transport.requests.size(), 1);
    const Request relogin = transport.take();
    QCOMPARE(relogin.path, u"/api/user/token-auth/"_s);
    QCOMPARE(relogin.body.value("password"_L1).toString(), u"pw"_s);
    QCOMPARE(relogin.body.value("username"_L1).toString(), u"alice@example.com"_s);
    const QString fresh = drfToken(clock, 3600, 2);
    relogin.done(QJsonObject {{u"token"_s, fresh}});
    QCOMPARE(session.accessToken(), fresh);
    QVERIFY(!session.isExpired());
    QCOMPARE(expired.count(), 0);
}

void TestAuthSession::drfJwtReloginRefusedExpiresSession()
{
    ManualClock clock;
    FakeTransport transport;
    AuthSession session(&clock);
    session.setTransport(transport.function());
    QSignalSpy expired(&session, &AuthSession::authExpired);
    session.login(u"a@b.c"_s, u"pw"_s, {});
    transport.take().done(QJsonObject {{u"token"_s, drfToken(clock, 10)}});
    clock.advance(60'000); // the timer (8 s) fired and is waiting for an answer
    QCOMPARE(transport.requests.size(), 1);
    transport.take().done(networkError());
    clock.advance(AuthSession::RetryAfterFailureMs);
    const Request r = transport.take();
    QCOMPARE(r.path, u"/api/user/token-auth/"_s);
    // The password was changed on the server: drf-jwt answers 400 non_field_errors.
    r.done(authError(QString(), 400));
    QCOMPARE(expired.count(), 1);
    QVERIFY(!session.hasStoredPassword());
    QVERIFY(!session.isAuthenticated());
}

void TestAuthSession::drfJwtRefreshRefusedFallsBackToLogin()
{
    ManualClock clock;
    FakeTransport transport;
    AuthSession session(&clock);
    session.setTransport(transport.function());
    QSignalSpy expired(&session, &AuthSession::authExpired);
    session.login(u"a@b.c"_s, u"pw"_s, {});
    transport.take().done(QJsonObject {{u"token"_s, drfToken(clock, 3600)}});
    bool ok = false;
    session.refresh([&](const Result<void>& r) { ok = r.ok(); });
    const Request refresh = transport.take();
    QCOMPARE(refresh.path, u"/api/user/token-refresh/"_s);
    // drf-jwt's "Refresh has expired." (past the 7-day window) comes as 400 non_field_errors.
    refresh.done(authError(QString(), 400));
    const Request relogin = transport.take();
    QCOMPARE(relogin.path, u"/api/user/token-auth/"_s);
    const QString fresh = drfToken(clock, 3600, 8);
    relogin.done(QJsonObject {{u"token"_s, fresh}});
    QVERIFY(ok);
    QCOMPARE(session.accessToken(), fresh);
    QCOMPARE(expired.count(), 0);
}

void TestAuthSession::loginWithRefreshToken()
{
    ManualClock clock;
    FakeTransport transport;
    AuthSession session(&clock);
    session.setTransport(transport.function());
    bool ok = false;
    session.loginWithRefreshToken(u"  REFRESH  "_s, [&](const Result<void>& r) { ok = r.ok(); });
    QCOMPARE(session.era(), AuthSession::Era::SimpleJwt);
    const Request r = transport.take();
    QCOMPARE(r.path, u"/api/user/token-refresh/"_s);
    QCOMPARE(r.body, (QJsonObject {{u"refresh_token"_s, u"REFRESH"_s}}));
    r.done(QJsonObject {{u"access_token"_s, accessToken(clock, 600)}});
    QVERIFY(ok);
    QVERIFY(session.isAuthenticated());
    QVERIFY(!session.hasStoredPassword());
}

void TestAuthSession::failedLoginForgetsPassword()
{
    ManualClock clock;
    FakeTransport transport;
    AuthSession session(&clock);
    session.setTransport(transport.function());
    RestError got;
    session.login(u"a@b.c"_s, u"wrong"_s, [&](const Result<QJsonObject>& r) { got = r.error(); });
    QVERIFY(session.hasStoredPassword()); // only while the login is in flight
    transport.take().done(authError(u"ERROR_INVALID_CREDENTIALS"_s));
    QCOMPARE(got.kind, RestError::Kind::Auth);
    QVERIFY(!session.hasStoredPassword());
    QVERIFY(!session.isAuthenticated());
}

void TestAuthSession::clearCancelsEverything()
{
    ManualClock clock;
    FakeTransport transport;
    AuthSession session(&clock);
    session.setTransport(transport.function());
    session.login(u"a@b.c"_s, u"pw"_s, {});
    transport.take().done(
        QJsonObject {{u"access_token"_s, accessToken(clock, 600)}, {u"refresh_token"_s, u"R"_s}});
    RestError got;
    session.refresh([&](const Result<void>& r) { got = r.error(); });
    const Request pending = transport.take();
    session.clear();
    QCOMPARE(got.kind, RestError::Kind::Cancelled);
    QVERIFY(!session.isAuthenticated());
    QCOMPARE(session.nextRefreshInMs(), qint64(-1));
    // A late answer to the old request changes nothing.
    pending.done(QJsonObject {{u"access_token"_s, accessToken(clock, 600, 0, 9)}});
    QVERIFY(!session.isAuthenticated());
    clock.advance(3'600'000);
    QVERIFY(transport.requests.isEmpty());
}

void TestAuthSession::expiryQueries()
{
    ManualClock clock;
    FakeTransport transport;
    AuthSession session(&clock);
    session.setTransport(transport.function());
    QVERIFY(session.isExpired());
    session.login(u"a@b.c"_s, u"pw"_s, {});
    transport.take().done(
        QJsonObject {{u"access_token"_s, accessToken(clock, 1000)}, {u"refresh_token"_s, u"R"_s}});
    QVERIFY(!session.isExpired());
    QVERIFY(!session.expiresWithin(0.2));
    QCOMPARE(session.msUntilExpiry(), qint64(1'000'000));
    clock.advance(790'000);
    QVERIFY(!session.expiresWithin(0.2));
    clock.advance(20'000); // the 80 % refresh fired at 800 s and is unanswered
    QVERIFY(session.expiresWithin(0.2));
    clock.advance(200'000);
    QVERIFY(session.isExpired());
}

QTEST_GUILESS_MAIN(TestAuthSession)
#include "tst_authsession.moc"
