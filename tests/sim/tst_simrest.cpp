// SPDX-License-Identifier: MIT
#include "simtestutil.h"

#include "core/clock.h"
#include "core/jwt.h"
#include "sim/simulator.h"

#include <QElapsedTimer>
#include <QTcpSocket>
#include <QTest>

using namespace bmon;
using namespace bmon::sim;
using namespace simtest;
using namespace Qt::StringLiterals;

class TestSimRest : public QObject
{
    Q_OBJECT

    std::unique_ptr<Simulator> m_sim;
    QNetworkAccessManager m_nam;

    Simulator& start(Profile profile, SimulatorOptions options = {})
    {
        options.profile = profile;
        options.rate = 0;
        m_sim = std::make_unique<Simulator>(options);
        QString error;
        if (!m_sim->start(&error))
            qFatal("simulator did not start: %s", qPrintable(error));
        return *m_sim;
    }
    QUrl url(const QString& path) const { return m_sim->baseUrl().resolved(QUrl(path)); }
    HttpResult get(const QString& path, const QByteArray& token = {})
    {
        return http(m_nam, "GET", url(path), {}, token.isEmpty() ? Headers {} : auth(token));
    }
    HttpResult send(
        const QByteArray& method, const QString& path, const QJsonValue& body, const QByteArray& token = {})
    {
        const QByteArray bytes = body.isObject()
            ? QJsonDocument(body.toObject()).toJson(QJsonDocument::Compact)
            : QJsonDocument(body.toArray()).toJson(QJsonDocument::Compact);
        return http(m_nam, method, url(path), bytes, token.isEmpty() ? Headers {} : auth(token));
    }

    static void addProfiles() { simtest::addProfileRows(); }
    static Profile profileArg(const QString& s) { return *parseProfile(s); }

private slots:
    void cleanup()
    {
        m_sim.reset();
        m_nam.clearConnectionCache();
    }

    void publicEndpoints_data() { addProfiles(); }
    void publicEndpoints()
    {
        QFETCH(QString, profile);
        Simulator& sim = start(profileArg(profile));
        const HttpResult schema = get(u"/api/schema.json"_s);
        QCOMPARE(schema.status, 200);
        QCOMPARE(schema.obj().value(u"info"_s).toObject().value(u"version"_s).toString(),
            sim.version().toString());
        QCOMPARE(sim.version(), profileVersion(profileArg(profile)));
        const HttpResult health = get(u"/api/_health/"_s);
        QCOMPARE(health.status, 200);
        QCOMPARE(health.body, QByteArray("OK"));
        QCOMPARE(get(u"/api/settings/"_s).status, 200);
        // Python's json.dumps separators on the wire.
        QVERIFY(schema.body.contains("\"openapi\": \"3.0.3\""));
    }

    void login_data() { addProfiles(); }
    void login()
    {
        QFETCH(QString, profile);
        const Profile p = profileArg(profile);
        Simulator& sim = start(p);
        const HttpResult r = send("POST", u"/api/user/token-auth/"_s,
            QJsonObject {
                {u"username"_s, sim.email()}, {u"email"_s, sim.email()}, {u"password"_s, sim.password()}});
        QCOMPARE(r.status, 200);
        const QJsonObject o = r.obj();
        QVERIFY(o.value(u"token"_s).isString());
        QCOMPARE(o.value(u"user"_s).toObject().value(u"username"_s).toString(), sim.email());
        QCOMPARE(o.value(u"user"_s).toObject().value(u"id"_s).toInt(), 1);
        QCOMPARE(o.contains(u"access_token"_s), p != Profile::V1_12);
        QCOMPARE(o.contains(u"refresh_token"_s), p != Profile::V1_12);
        QCOMPARE(o.contains(u"user_session"_s), p == Profile::V1_35);
        const QByteArray token = o.value(u"token"_s).toString().toUtf8();
        const QJsonObject claims = *jwt::decodePayload(token);
        QCOMPARE(claims.value(u"user_id"_s).toInt(), 1);
        if (p == Profile::V1_12) {
            QCOMPARE(claims.value(u"username"_s).toString(), sim.email());
            QCOMPARE(claims.value(u"email"_s).toString(), sim.email());
            QVERIFY(claims.contains(u"orig_iat"_s));
            QCOMPARE(
                qint64(claims.value(u"exp"_s).toDouble()) - qint64(claims.value(u"orig_iat"_s).toDouble()),
                3600);
        } else {
            QCOMPARE(o.value(u"access_token"_s).toString(), o.value(u"token"_s).toString());
            QCOMPARE(claims.value(u"token_type"_s).toString(), u"access"_s);
            QVERIFY(!claims.value(u"jti"_s).toString().isEmpty());
            QCOMPARE(
                qint64(claims.value(u"exp"_s).toDouble()) - qint64(claims.value(u"iat"_s).toDouble()), 600);
            const QJsonObject refresh = *jwt::decodePayload(o.value(u"refresh_token"_s).toString().toUtf8());
            QCOMPARE(refresh.value(u"token_type"_s).toString(), u"refresh"_s);
            QCOMPARE(qint64(refresh.value(u"exp"_s).toDouble()) - qint64(refresh.value(u"iat"_s).toDouble()),
                7 * 24 * 3600);
        }
        // Wrong password, per era.
        const HttpResult bad = send("POST", u"/api/user/token-auth/"_s,
            QJsonObject {
                {u"username"_s, sim.email()}, {u"email"_s, sim.email()}, {u"password"_s, u"nope"_s}});
        if (p == Profile::V1_12) {
            QCOMPARE(bad.status, 400);
            QCOMPARE(bad.obj().value(u"non_field_errors"_s).toArray().first().toString(),
                u"Unable to log in with provided credentials."_s);
        } else {
            QCOMPARE(bad.status, 401);
            QCOMPARE(bad.obj().value(u"error"_s).toString(), u"ERROR_INVALID_CREDENTIALS"_s);
        }
        // Missing fields: DRF field errors, no crash.
        QCOMPARE(send("POST", u"/api/user/token-auth/"_s, QJsonObject {}).status, 400);
    }

    void refresh_data() { addProfiles(); }
    void refresh()
    {
        QFETCH(QString, profile);
        const Profile p = profileArg(profile);
        ManualClock clock;
        SimulatorOptions options;
        options.clock = &clock;
        Simulator& sim = start(p, options);
        const HttpResult login = send("POST", u"/api/user/token-auth/"_s,
            QJsonObject {
                {u"email"_s, sim.email()}, {u"username"_s, sim.email()}, {u"password"_s, sim.password()}});
        const QJsonObject o = login.obj();
        if (p == Profile::V1_12) {
            const QString token = o.value(u"token"_s).toString();
            clock.advance(60 * 1000);
            const HttpResult r
                = send("POST", u"/api/user/token-refresh/"_s, QJsonObject {{u"token"_s, token}});
            QCOMPARE(r.status, 200);
            const QString fresh = r.obj().value(u"token"_s).toString();
            QVERIFY(fresh != token);
            QCOMPARE(jwt::decodePayload(fresh.toUtf8())->value(u"orig_iat"_s),
                jwt::decodePayload(token.toUtf8())->value(u"orig_iat"_s));
            QCOMPARE(
                send("POST", u"/api/user/token-verify/"_s, QJsonObject {{u"token"_s, fresh}}).status, 200);
            // An expired drf-jwt token cannot be refreshed: log in again.
            clock.advance(3601 * 1000);
            const HttpResult expired
                = send("POST", u"/api/user/token-refresh/"_s, QJsonObject {{u"token"_s, fresh}});
            QCOMPARE(expired.status, 400);
            QCOMPARE(expired.obj().value(u"non_field_errors"_s).toArray().first().toString(),
                u"Signature has expired."_s);
            const HttpResult verify
                = send("POST", u"/api/user/token-verify/"_s, QJsonObject {{u"token"_s, fresh}});
            QCOMPARE(verify.status, 400);
            return;
        }
        const QString refreshToken = o.value(u"refresh_token"_s).toString();
        const HttpResult r
            = send("POST", u"/api/user/token-refresh/"_s, QJsonObject {{u"refresh_token"_s, refreshToken}});
        QCOMPARE(r.status, 200);
        QVERIFY(r.obj().value(u"access_token"_s).isString());
        QCOMPARE(r.obj().value(u"token"_s), r.obj().value(u"access_token"_s));
        QVERIFY(!r.obj().contains(u"refresh_token"_s)); // ROTATE_REFRESH_TOKENS is off
        QVERIFY(r.obj().contains(u"user"_s));
        // Deprecated alias.
        QCOMPARE(send("POST", u"/api/user/token-refresh/"_s, QJsonObject {{u"token"_s, refreshToken}}).status,
            200);
        // An access token is not a refresh token.
        const HttpResult wrong = send("POST", u"/api/user/token-refresh/"_s,
            QJsonObject {{u"refresh_token"_s, o.value(u"access_token"_s).toString()}});
        QCOMPARE(wrong.status, 401);
        QCOMPARE(wrong.obj().value(u"error"_s).toString(), u"ERROR_INVALID_REFRESH_TOKEN"_s);
        const HttpResult verify
            = send("POST", u"/api/user/token-verify/"_s, QJsonObject {{u"refresh_token"_s, refreshToken}});
        QCOMPARE(verify.status, 200);
        QCOMPARE(verify.obj().value(u"user"_s).toObject().value(u"id"_s).toInt(), 1);
        // After 7 days the refresh token is dead too.
        clock.advance(qint64(7 * 24 * 3600 + 1) * 1000);
        QCOMPARE(send("POST", u"/api/user/token-refresh/"_s, QJsonObject {{u"refresh_token"_s, refreshToken}})
                     .status,
            401);
    }

    void expireTokensFault_data() { addProfiles(); }
    void expireTokensFault()
    {
        QFETCH(QString, profile);
        ManualClock clock;
        SimulatorOptions options;
        options.clock = &clock;
        options.faults = {*FaultSpec::parse(u"expire-tokens=5"_s, nullptr)};
        Simulator& sim = start(profileArg(profile), options);
        const QByteArray token = simtest::login(m_nam, sim);
        const jwt::Lifetime life = jwt::lifetime(token);
        const auto claims = *jwt::decodePayload(token);
        const qint64 issued
            = claims.contains(u"iat"_s) ? life.issuedAt : qint64(claims.value(u"orig_iat"_s).toDouble());
        QCOMPARE(life.expiresAt - issued, 5);
        QCOMPARE(get(u"/api/applications/"_s, token).status, 200);
        clock.advance(6000);
        const HttpResult r = get(u"/api/applications/"_s, token);
        QCOMPARE(r.status, 401);
        if (profileArg(profile) == Profile::V1_12)
            QCOMPARE(r.obj().value(u"detail"_s).toString(), u"Signature has expired."_s);
        else
            QCOMPARE(r.obj().value(u"error"_s).toString(), u"ERROR_INVALID_ACCESS_TOKEN"_s);
    }

    void authErrors_data() { addProfiles(); }
    void authErrors()
    {
        QFETCH(QString, profile);
        Simulator& sim = start(profileArg(profile));
        const QByteArray token = simtest::login(m_nam, sim);
        HttpResult none = get(u"/api/applications/"_s);
        QCOMPARE(none.status, 401);
        QCOMPARE(
            none.obj().value(u"detail"_s).toString(), u"Authentication credentials were not provided."_s);
        HttpResult bearer = http(m_nam, "GET", url(u"/api/applications/"_s), {},
            {{"Authorization", QByteArray("Bearer " + token)}});
        QCOMPARE(bearer.status, 401);
        QCOMPARE(
            bearer.obj().value(u"detail"_s).toString(), u"Authentication credentials were not provided."_s);
        HttpResult garbage = get(u"/api/applications/"_s, "not.a.token");
        QCOMPARE(garbage.status, 401);
        if (profileArg(profile) == Profile::V1_12)
            QCOMPARE(garbage.obj().value(u"detail"_s).toString(), u"Error decoding signature."_s);
        else
            QCOMPARE(garbage.obj().value(u"error"_s).toString(), u"ERROR_INVALID_ACCESS_TOKEN"_s);
        QCOMPARE(get(u"/api/applications/"_s, token).status, 200);
    }

    void workspacesVsGroups_data() { addProfiles(); }
    void workspacesVsGroups()
    {
        QFETCH(QString, profile);
        const bool workspaceEra = profileArg(profile) == Profile::V1_35;
        Simulator& sim = start(profileArg(profile));
        const QByteArray token = simtest::login(m_nam, sim);
        const HttpResult ws = get(u"/api/workspaces/"_s, token);
        const HttpResult groups = get(u"/api/groups/"_s, token);
        QCOMPARE(ws.status, workspaceEra ? 200 : 404);
        QCOMPARE(groups.status, workspaceEra ? 404 : 200);
        const HttpResult& ok = workspaceEra ? ws : groups;
        const QJsonArray list = ok.arr();
        QCOMPARE(list.size(), 2);
        QCOMPARE(list.at(0).toObject().value(u"id"_s).toInt(), 7);
        QCOMPARE(list.at(0).toObject().value(u"name"_s).toString(), u"Acme Ops"_s);
        QCOMPARE(list.at(0).toObject().value(u"permissions"_s).toString(), u"ADMIN"_s);
        QCOMPARE((workspaceEra ? groups : ws).obj().value(u"error"_s).toString(), u"URL_NOT_FOUND"_s);
        // Bob is only in Acme Ops.
        const QByteArray bob = simtest::login(m_nam, sim, u"bob@example.com"_s, u"bob-password"_s);
        QCOMPARE(get(workspaceEra ? u"/api/workspaces/"_s : u"/api/groups/"_s, bob).arr().size(), 1);
    }

    void applications_data() { addProfiles(); }
    void applications()
    {
        QFETCH(QString, profile);
        const Profile p = profileArg(profile);
        Simulator& sim = start(p);
        const QByteArray token = simtest::login(m_nam, sim);
        const QJsonArray apps = get(u"/api/applications/"_s, token).arr();
        QVERIFY(apps.size() >= 2);
        const QJsonObject crm = apps.at(0).toObject();
        QCOMPARE(crm.value(u"id"_s).toInt(), 12);
        QCOMPARE(crm.value(u"name"_s).toString(), u"CRM"_s);
        QCOMPARE(crm.value(u"type"_s).toString(), u"database"_s);
        QCOMPARE(crm.value(u"tables"_s).toArray().at(0).toObject().value(u"id"_s).toInt(), 21);
        QCOMPARE(
            crm.value(u"tables"_s).toArray().at(0).toObject().value(u"name"_s).toString(), u"Customers"_s);
        QCOMPARE(crm.contains(u"workspace"_s), p == Profile::V1_35);
        QCOMPARE(crm.contains(u"group"_s), p != Profile::V1_35);
        QCOMPARE(crm.contains(u"created_on"_s), p == Profile::V1_35);
        bool dashboard = false;
        for (const QJsonValue& a : apps)
            dashboard = dashboard || a.toObject().value(u"type"_s).toString() == u"dashboard"_s;
        QCOMPARE(dashboard, p == Profile::V1_35);
        const QString byWorkspace
            = p == Profile::V1_35 ? u"/api/applications/workspace/8/"_s : u"/api/applications/group/8/"_s;
        const HttpResult eight = get(byWorkspace, token);
        QCOMPARE(eight.status, 200);
        QCOMPARE(eight.arr().at(0).toObject().value(u"id"_s).toInt(), 15);
        QCOMPARE(get(u"/api/applications/12/"_s, token).obj().value(u"name"_s).toString(), u"CRM"_s);
        QCOMPARE(get(u"/api/database/tables/database/12/"_s, token).arr().size(), 3);
        // Carol is not in Acme Ops.
        const QByteArray carol = simtest::login(m_nam, sim, u"carol@example.com"_s, u"carol-password"_s);
        const HttpResult denied = get(u"/api/database/fields/table/21/"_s, carol);
        QCOMPARE(denied.status, 400);
        QCOMPARE(denied.obj().value(u"error"_s).toString(), u"ERROR_USER_NOT_IN_GROUP"_s);
    }

    void fields()
    {
        Simulator& sim = start(Profile::V1_35);
        const QByteArray token = simtest::login(m_nam, sim);
        const QJsonArray list = get(u"/api/database/fields/table/21/"_s, token).arr();
        QList<int> ids;
        for (const QJsonValue& f : list)
            ids.append(f.toObject().value(u"id"_s).toInt());
        QCOMPARE(ids, (QList<int> {101, 102, 103, 104, 105, 106, 107}));
        QVERIFY(list.at(0).toObject().value(u"primary"_s).toBool());
        QCOMPARE(list.at(3).toObject().value(u"select_options"_s).toArray().size(), 3);
        QCOMPARE(list.at(6).toObject().value(u"link_row_table_id"_s).toInt(), 22);
        QCOMPARE(get(u"/api/database/fields/table/99/"_s, token).obj().value(u"error"_s).toString(),
            u"ERROR_TABLE_DOES_NOT_EXIST"_s);
    }

    void rowPagination_data() { addProfiles(); }
    void rowPagination()
    {
        QFETCH(QString, profile);
        Simulator& sim = start(profileArg(profile));
        const QByteArray token = simtest::login(m_nam, sim);
        const HttpResult first = get(u"/api/database/rows/table/21/?size=50"_s, token);
        QCOMPARE(first.status, 200);
        QJsonObject o = first.obj();
        QCOMPARE(o.value(u"count"_s).toInt(), 120);
        QCOMPARE(o.value(u"results"_s).toArray().size(), 50);
        QVERIFY(o.value(u"previous"_s).isNull());
        const QUrl next(o.value(u"next"_s).toString());
        QCOMPARE(next.scheme(), u"http"_s);
        QCOMPARE(next.port(), int(sim.port()));
        QCOMPARE(next.path(), u"/api/database/rows/table/21/"_s);
        QCOMPARE(next.query(), u"page=2&size=50"_s);
        const QJsonObject row1 = o.value(u"results"_s).toArray().at(0).toObject();
        QCOMPARE(row1.value(u"id"_s).toInt(), 1);
        QCOMPARE(row1.value(u"order"_s).toString(), u"1.00000000000000000000"_s);
        QCOMPARE(row1.value(u"field_101"_s).toString(), u"Initech"_s);
        QCOMPARE(row1.value(u"field_102"_s).toString(), u"25"_s);
        QVERIFY(row1.value(u"field_103"_s).isBool());
        // Raw key order on the wire: id, order, field_101, …
        QVERIFY(first.body.contains(
            "{\"id\": 1, \"order\": \"1.00000000000000000000\", \"field_101\": \"Initech\""));

        o = get(u"/api/database/rows/table/21/?size=50&page=3"_s, token).obj();
        QCOMPARE(o.value(u"results"_s).toArray().size(), 20);
        QVERIFY(o.value(u"next"_s).isNull());
        QCOMPARE(QUrl(o.value(u"previous"_s).toString()).query(), u"page=2&size=50"_s);
        o = get(u"/api/database/rows/table/21/?size=50&page=2"_s, token).obj();
        QCOMPARE(QUrl(o.value(u"previous"_s).toString()).query(), u"size=50"_s); // page 1 drops the parameter

        const HttpResult tooBig = get(u"/api/database/rows/table/21/?size=201"_s, token);
        QCOMPARE(tooBig.status, 400);
        QCOMPARE(tooBig.obj().value(u"error"_s).toString(), u"ERROR_PAGE_SIZE_LIMIT"_s);
        QCOMPARE(tooBig.obj().value(u"detail"_s).toString(), u"The page size is limited to 200."_s);
        const HttpResult past = get(u"/api/database/rows/table/21/?size=50&page=4"_s, token);
        QCOMPARE(past.status, 404);
        QCOMPARE(past.obj(), (QJsonObject {{u"detail"_s, u"Invalid page."_s}}));
        QCOMPARE(get(u"/api/database/rows/table/21/?page=abc"_s, token).status, 404);
        const HttpResult noSlash = get(u"/api/database/rows/table/21"_s, token);
        QCOMPARE(noSlash.status, 404);
        QCOMPARE(noSlash.obj().value(u"error"_s).toString(), u"URL_NOT_FOUND"_s);
        QCOMPARE(
            get(u"/api/database/rows/table/21/?size=200"_s, token).obj().value(u"results"_s).toArray().size(),
            120);
        const QJsonObject named = get(u"/api/database/rows/table/21/?user_field_names=true"_s, token)
                                      .obj()
                                      .value(u"results"_s)
                                      .toArray()
                                      .at(0)
                                      .toObject();
        QCOMPARE(named.value(u"Name"_s).toString(), u"Initech"_s);
        QVERIFY(!named.contains(u"field_101"_s));
    }

    void customerRows()
    {
        // 10,000 rows of Customers through DRF paging: follow `next` to the end.
        SimulatorOptions options;
        options.customerRows = 10000;
        Simulator& sim = start(Profile::V1_35, options);
        const QByteArray token = simtest::login(m_nam, sim);
        QElapsedTimer timer;
        timer.start();
        QSet<int> ids;
        int pages = 0;
        QUrl next = url(u"/api/database/rows/table/21/?size=200"_s);
        QJsonObject row120;
        while (next.isValid() && pages < 60) {
            const HttpResult page = http(m_nam, "GET", next, {}, auth(token));
            QCOMPARE(page.status, 200);
            const QJsonObject o = page.obj();
            QCOMPARE(o.value(u"count"_s).toInt(), 10000);
            const QJsonArray results = o.value(u"results"_s).toArray();
            QCOMPARE(results.size(), 200);
            for (const QJsonValue& v : results) {
                ids.insert(v.toObject().value(u"id"_s).toInt());
                if (v.toObject().value(u"id"_s).toInt() == 120)
                    row120 = v.toObject();
            }
            ++pages;
            next = o.value(u"next"_s).isNull() ? QUrl() : QUrl(o.value(u"next"_s).toString());
        }
        const qint64 ms = timer.elapsed();
        qInfo("customerRows: 50 pages of 200 rows (10,000) listed in %lld ms", ms);
        QCOMPARE(pages, 50);
        QCOMPARE(ids.size(), 10000);
        QCOMPARE(*std::min_element(ids.cbegin(), ids.cend()), 1);
        QCOMPARE(*std::max_element(ids.cbegin(), ids.cend()), 10000);
        const HttpResult last = get(u"/api/database/rows/table/21/10000/"_s, token);
        QCOMPARE(last.status, 200);
        QVERIFY(!last.obj().value(u"field_101"_s).toString().isEmpty());
        // The seeded rows stay as in the default data; new rows continue after the grown table.
        cleanup();
        start(Profile::V1_35);
        const QByteArray defaultToken = simtest::login(m_nam, *m_sim);
        QCOMPARE(get(u"/api/database/rows/table/21/120/"_s, defaultToken).obj(), row120);
        cleanup();
        start(Profile::V1_35, options);
        const QByteArray again = simtest::login(m_nam, *m_sim);
        QCOMPARE(get(u"/api/database/rows/table/21/10000/"_s, again).obj(), last.obj()); // seeded
        const HttpResult created
            = send("POST", u"/api/database/rows/table/21/"_s, QJsonObject {{u"field_101"_s, u"N"_s}}, again);
        QCOMPARE(created.obj().value(u"id"_s).toInt(), 10001);
        // Fewer rows than the default also works.
        cleanup();
        options.customerRows = 10;
        start(Profile::V1_35, options);
        const QByteArray small = simtest::login(m_nam, *m_sim);
        QCOMPARE(get(u"/api/database/rows/table/21/?size=200"_s, small).obj().value(u"count"_s).toInt(), 10);
        QCOMPARE(get(u"/api/database/rows/table/21/11/"_s, small).status, 404);
    }

    void rowCrud_data() { addProfiles(); }
    void rowCrud()
    {
        QFETCH(QString, profile);
        Simulator& sim = start(profileArg(profile));
        const QByteArray token = simtest::login(m_nam, sim);
        const QString rows = u"/api/database/rows/table/21/"_s;
        HttpResult created = send("POST", rows,
            QJsonObject {{u"field_101"_s, u"Zeta GmbH"_s}, {u"field_102"_s, 12}, {u"field_104"_s, 9}}, token);
        QCOMPARE(created.status, 200);
        QJsonObject row = created.obj();
        QCOMPARE(row.value(u"id"_s).toInt(), 121);
        QCOMPARE(row.value(u"order"_s).toString(), u"121.00000000000000000000"_s);
        QCOMPARE(row.value(u"field_102"_s).toString(), u"12"_s);
        QCOMPARE(row.value(u"field_104"_s).toObject().value(u"value"_s).toString(), u"Gold"_s);
        // before=: fractional order between row 1 and row 2.
        HttpResult before
            = send("POST", rows + u"?before=2"_s, QJsonObject {{u"field_101"_s, u"Between"_s}}, token);
        QCOMPARE(before.obj().value(u"order"_s).toString(), u"1.50000000000000000000"_s);
        QCOMPARE(send("POST", rows + u"?before=9999"_s, QJsonObject {}, token).status, 404);
        // PATCH and GET.
        HttpResult patched = send("PATCH", rows + u"121/"_s,
            QJsonObject {{u"field_103"_s, true}, {u"field_106"_s, u"2026-03-01"_s}}, token);
        QCOMPARE(patched.status, 200);
        QCOMPARE(patched.obj().value(u"field_106"_s).toString(), u"2026-03-01"_s);
        QCOMPARE(get(rows + u"121/"_s, token).obj().value(u"field_103"_s).toBool(), true);
        // Validation error shape.
        HttpResult invalid
            = send("PATCH", rows + u"121/"_s, QJsonObject {{u"field_102"_s, u"many"_s}}, token);
        QCOMPARE(invalid.status, 400);
        QCOMPARE(invalid.obj().value(u"error"_s).toString(), u"ERROR_REQUEST_BODY_VALIDATION"_s);
        QCOMPARE(invalid.obj()
                     .value(u"detail"_s)
                     .toObject()
                     .value(u"field_102"_s)
                     .toArray()
                     .at(0)
                     .toObject()
                     .value(u"code"_s)
                     .toString(),
            u"invalid"_s);
        // Move to the front.
        HttpResult moved = send("PATCH", rows + u"121/move/?before_id=1"_s, QJsonObject {}, token);
        QCOMPARE(moved.status, 200);
        QCOMPARE(moved.obj().value(u"order"_s).toString(), u"0.50000000000000000000"_s);
        QCOMPARE(get(rows + u"?size=1"_s, token)
                     .obj()
                     .value(u"results"_s)
                     .toArray()
                     .at(0)
                     .toObject()
                     .value(u"id"_s)
                     .toInt(),
            121);
        // Batches.
        HttpResult batch = send("POST", rows + u"batch/"_s,
            QJsonObject {{u"items"_s,
                QJsonArray {QJsonObject {{u"field_101"_s, u"A"_s}}, QJsonObject {{u"field_101"_s, u"B"_s}}}}},
            token);
        QCOMPARE(batch.status, 200);
        const QJsonArray items = batch.obj().value(u"items"_s).toArray();
        QCOMPARE(items.size(), 2);
        const int a = items.at(0).toObject().value(u"id"_s).toInt();
        const int b = items.at(1).toObject().value(u"id"_s).toInt();
        HttpResult batchUpdate = send("PATCH", rows + u"batch/"_s,
            QJsonObject {{u"items"_s,
                QJsonArray {QJsonObject {{u"id"_s, a}, {u"field_102"_s, u"7"_s}},
                    QJsonObject {{u"id"_s, b}, {u"field_102"_s, u"8"_s}}}}},
            token);
        QCOMPARE(batchUpdate.status, 200);
        QCOMPARE(
            batchUpdate.obj().value(u"items"_s).toArray().at(1).toObject().value(u"field_102"_s).toString(),
            u"8"_s);
        QCOMPARE(send("PATCH", rows + u"batch/"_s,
                     QJsonObject {{u"items"_s, QJsonArray {QJsonObject {{u"id"_s, 99999}}}}}, token)
                     .status,
            404);
        HttpResult batchDelete
            = send("POST", rows + u"batch-delete/"_s, QJsonObject {{u"items"_s, QJsonArray {a, b}}}, token);
        QCOMPARE(batchDelete.status, 204);
        QCOMPARE(get(rows + QString::number(a) + u'/', token).status, 404);
        // Delete.
        QCOMPARE(http(m_nam, "DELETE", url(rows + u"121/"_s), {}, auth(token)).status, 204);
        const HttpResult gone = get(rows + u"121/"_s, token);
        QCOMPARE(gone.status, 404);
        QCOMPARE(gone.obj().value(u"error"_s).toString(), u"ERROR_ROW_DOES_NOT_EXIST"_s);
        QCOMPARE(get(u"/api/database/rows/table/21/"_s, token).obj().value(u"count"_s).toInt(), 121);
    }

    void changePassword_data() { addProfiles(); }
    void changePassword()
    {
        QFETCH(QString, profile);
        const Profile p = profileArg(profile);
        ManualClock clock;
        SimulatorOptions options;
        options.clock = &clock;
        Simulator& sim = start(p, options);
        const QByteArray token = simtest::login(m_nam, sim);
        clock.advance(2000);
        const QString path = u"/api/user/change-password/"_s;
        HttpResult wrong = send("POST", path,
            QJsonObject {{u"old_password"_s, u"nope"_s}, {u"new_password"_s, u"new-password-1"_s}}, token);
        QCOMPARE(wrong.status, 400);
        QCOMPARE(wrong.obj().value(u"error"_s).toString(), u"ERROR_INVALID_OLD_PASSWORD"_s);
        HttpResult ok = send("POST", path,
            QJsonObject {{u"old_password"_s, sim.password()}, {u"new_password"_s, u"new-password-1"_s}},
            token);
        QCOMPARE(ok.status, 204);
        QCOMPARE(sim.password(), u"new-password-1"_s);
        // 1.21+: tokens issued before the change are dead; earlier eras keep them.
        QCOMPARE(get(u"/api/applications/"_s, token).status, p == Profile::V1_35 ? 401 : 200);
        const QByteArray fresh = simtest::login(m_nam, sim);
        QVERIFY(!fresh.isEmpty());
        QCOMPARE(get(u"/api/applications/"_s, fresh).status, 200);
    }

    void tokenBlacklist_data() { addProfiles(); }
    void tokenBlacklist()
    {
        QFETCH(QString, profile);
        const Profile p = profileArg(profile);
        Simulator& sim = start(p);
        const QJsonObject o = send("POST", u"/api/user/token-auth/"_s,
            QJsonObject {
                {u"email"_s, sim.email()}, {u"username"_s, sim.email()}, {u"password"_s, sim.password()}})
                                  .obj();
        const QJsonObject body {{u"refresh_token"_s, o.value(u"refresh_token"_s).toString()}};
        const HttpResult r = send("POST", u"/api/user/token-blacklist/"_s, body);
        if (p != Profile::V1_35) {
            QCOMPARE(r.status, 404);
            return;
        }
        QCOMPARE(r.status, 204);
        QCOMPARE(send("POST", u"/api/user/token-refresh/"_s, body).status, 401);
        const HttpResult again = send("POST", u"/api/user/token-blacklist/"_s, body);
        QCOMPARE(again.status, 400);
        QCOMPARE(again.obj().value(u"error"_s).toString(), u"ERROR_REFRESH_TOKEN_ALREADY_BLACKLISTED"_s);
    }

    void viewsAndFieldWrites()
    {
        Simulator& sim = start(Profile::V1_35);
        const QByteArray token = simtest::login(m_nam, sim);
        const QJsonArray views = get(u"/api/database/views/table/21/"_s, token).arr();
        QCOMPARE(views.size(), 2);
        QCOMPARE(views.at(0).toObject().value(u"id"_s).toInt(), 55);
        QCOMPARE(views.at(1).toObject().value(u"slug"_s).toString(), u"Xq3xk0Zr9m8T1d2Ww5LhYQ"_s);
        QVERIFY(views.at(1).toObject().value(u"public"_s).toBool());
        QCOMPARE(send("PATCH", u"/api/database/views/55/"_s, QJsonObject {{u"name"_s, u"Renamed"_s}}, token)
                     .obj()
                     .value(u"name"_s)
                     .toString(),
            u"Renamed"_s);
        const QJsonObject options = get(u"/api/database/views/55/field-options/"_s, token)
                                        .obj()
                                        .value(u"field_options"_s)
                                        .toObject();
        QVERIFY(options.value(u"105"_s).toObject().value(u"hidden"_s).toBool());
        HttpResult field = send("POST", u"/api/database/fields/table/21/"_s,
            QJsonObject {{u"name"_s, u"Region"_s}, {u"type"_s, u"text"_s}}, token);
        QCOMPARE(field.status, 200);
        const int id = field.obj().value(u"id"_s).toInt();
        QVERIFY(get(u"/api/database/rows/table/21/1/"_s, token).obj().contains(u"field_%1"_s.arg(id)));
        QCOMPARE(send("POST", u"/api/database/fields/table/21/"_s,
                     QJsonObject {{u"name"_s, u"Region"_s}, {u"type"_s, u"text"_s}}, token)
                     .status,
            400);
        QCOMPARE(http(m_nam, "DELETE", url(u"/api/database/fields/101/"_s), {}, auth(token))
                     .obj()
                     .value(u"error"_s)
                     .toString(),
            u"ERROR_CANNOT_DELETE_PRIMARY_FIELD"_s);
        QCOMPARE(
            http(m_nam, "DELETE", url(u"/api/database/fields/%1/"_s.arg(id)), {}, auth(token)).status, 200);
        QVERIFY(!get(u"/api/database/rows/table/21/1/"_s, token).obj().contains(u"field_%1"_s.arg(id)));
    }

    void badInput()
    {
        Simulator& sim = start(Profile::V1_35);
        const QByteArray token = simtest::login(m_nam, sim);
        HttpResult broken
            = http(m_nam, "PATCH", url(u"/api/database/rows/table/21/1/"_s), "{not json", auth(token));
        QCOMPARE(broken.status, 400);
        QVERIFY(broken.obj().value(u"detail"_s).toString().startsWith(u"JSON parse error"_s));
        HttpResult list
            = http(m_nam, "PATCH", url(u"/api/database/rows/table/21/1/"_s), "[1,2]", auth(token));
        QCOMPARE(list.status, 400);
        QCOMPARE(http(m_nam, "PUT", url(u"/api/applications/"_s), {}, auth(token)).status, 405);

        // Raw HTTP: oversized headers and bodies, pipelining, garbage.
        auto raw = [&](const QByteArray& bytes) {
            QTcpSocket socket;
            socket.connectToHost(QHostAddress::LocalHost, sim.port());
            QByteArray reply;
            const bool done = QTest::qWaitFor(
                [&]() {
                    if (socket.state() == QAbstractSocket::ConnectedState && !bytes.isEmpty()
                        && socket.property("sent").isNull()) {
                        socket.write(bytes);
                        socket.setProperty("sent", true);
                    }
                    reply += socket.readAll();
                    return !socket.property("sent").isNull()
                        && (socket.state() == QAbstractSocket::UnconnectedState
                            || reply.count("HTTP/1.1 ") >= 2 || reply.contains("Connection: close\r\n\r\n"));
                },
                10000);
            reply += socket.readAll();
            return done ? reply : QByteArray("timeout: ") + reply;
        };
        QVERIFY(raw(QByteArray("GET /api/_health/ HTTP/1.1\r\nX: ") + QByteArray(20000, 'a') + "\r\n\r\n")
                    .startsWith("HTTP/1.1 431"));
        QVERIFY(raw("POST /api/user/token-auth/ HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n")
                    .startsWith("HTTP/1.1 413"));
        QVERIFY(raw("NONSENSE\r\n\r\n").startsWith("HTTP/1.1 400"));
        const QByteArray two = raw("GET /api/_health/ HTTP/1.1\r\nHost: x\r\n\r\nGET /api/_health/ "
                                   "HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        QCOMPARE(two.count("HTTP/1.1 200 OK"), 2);
        // An upgrade to any other path than /ws/core/ is uvicorn's 500.
        QVERIFY(raw("GET /ws/other/ HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .startsWith("HTTP/1.1 500"));
    }

    void tls()
    {
        SimulatorOptions options;
        options.tls = true;
        Simulator& sim = start(Profile::V1_35, options);
        QCOMPARE(sim.baseUrl().scheme(), u"https"_s);
        QCOMPARE(sim.certificateChain().size(), 1);
        // Untrusted: the default configuration rejects the self-signed certificate.
        QNetworkAccessManager untrustedNam;
        const HttpResult untrusted = http(untrustedNam, "GET", url(u"/api/_health/"_s));
        QCOMPARE(untrusted.error, QNetworkReply::SslHandshakeFailedError);
        QVERIFY(!untrusted.sslErrors.isEmpty());
        // Trusted: the chain as CA.
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        ssl.setCaCertificates(sim.certificateChain());
        QNetworkAccessManager trustedNam;
        const HttpResult trusted = http(trustedNam, "GET", url(u"/api/schema.json"_s), {}, {}, &ssl);
        QCOMPARE(trusted.error, QNetworkReply::NoError);
        QCOMPARE(trusted.obj().value(u"info"_s).toObject().value(u"version"_s).toString(), u"1.35.3"_s);
    }
};

QTEST_GUILESS_MAIN(TestSimRest)
#include "tst_simrest.moc"
