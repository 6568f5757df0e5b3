// SPDX-License-Identifier: MIT
// Page specs, the subscription messages built from them, and the page_add/page_discard matching
// rules of PROTOCOL.md §2.1 (echo of declared parameters, null for missing ones, JSON types).
#include "net/page.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace bmon;
using namespace Qt::StringLiterals;

namespace {

QJsonObject obj(const char* json)
{
    return QJsonDocument::fromJson(QByteArray(json)).object();
}

QString fixturesDir()
{
    const QByteArray env = qgetenv("BMON_FIXTURES_DIR");
    return env.isEmpty() ? QStringLiteral(BMON_FIXTURES_DIR) : QString::fromLocal8Bit(env);
}

} // namespace

class TestPage : public QObject
{
    Q_OBJECT

private slots:
    void parseValid_data();
    void parseValid();
    void parseInvalid_data();
    void parseInvalid();
    void messages_data();
    void messages();
    void matching_data();
    void matching();
    void fixtureEcho();
    void viewTokenNeverShown();
    void stateNames();
};

void TestPage::parseValid_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QJsonObject>("parameters");
    QTest::addColumn<QString>("printed");
    QTest::newRow("table") << u"table:21"_s << u"table"_s << obj(R"({"table_id":21})") << u"table:21"_s;
    QTest::newRow("spaces and case") << u"  Table: 21 "_s << u"table"_s << obj(R"({"table_id":21})")
                                     << u"table:21"_s;
    QTest::newRow("row") << u"row:21:5"_s << u"row"_s << obj(R"({"table_id":21,"row_id":5})")
                         << u"row:21:5"_s;
    QTest::newRow("dashboard") << u"dashboard:3"_s << u"dashboard"_s << obj(R"({"dashboard_id":3})")
                               << u"dashboard:3"_s;
    QTest::newRow("view") << u"view:vw_Ab-12"_s << u"view"_s << obj(R"({"slug":"vw_Ab-12"})")
                          << u"view:vw_Ab-12"_s;
    QTest::newRow("view with token") << u"view:abc:eyJhbGciOiJIUzI1NiJ9.eyJ4IjoxfQ.sig"_s << u"view"_s
                                     << obj(R"({"slug":"abc","token":"eyJhbGciOiJIUzI1NiJ9.eyJ4IjoxfQ.sig"})")
                                     << u"view:abc:…"_s;
    QTest::newRow("view, empty token")
        << u"view:abc:"_s << u"view"_s << obj(R"({"slug":"abc"})") << u"view:abc"_s;
    QTest::newRow("big id") << u"table:9007199254740991"_s << u"table"_s
                            << QJsonObject {{u"table_id"_s, qint64(9007199254740991LL)}}
                            << u"table:9007199254740991"_s;
    QTest::newRow("unknown type") << u"kanban:view_id=55:mode=full"_s << u"kanban"_s
                                  << obj(R"({"view_id":55,"mode":"full"})")
                                  << u"kanban:mode=full:view_id=55"_s;
    QTest::newRow("unknown, no params")
        << u"everything"_s << u"everything"_s << QJsonObject {} << u"everything"_s;
}

void TestPage::parseValid()
{
    QFETCH(QString, spec);
    QFETCH(QString, name);
    QFETCH(QJsonObject, parameters);
    QFETCH(QString, printed);
    QString error;
    const auto page = Page::parse(spec, &error);
    QVERIFY2(page, qPrintable(error));
    QCOMPARE(page->name, name);
    QCOMPARE(page->parameters, parameters);
    QCOMPARE(page->toString(), printed);
    // Ids go out as JSON numbers, never strings.
    for (auto it = page->parameters.begin(); it != page->parameters.end(); ++it) {
        if (it.key().endsWith("_id"_L1))
            QVERIFY(it.value().isDouble());
    }
    // What we print parses back to the same page (unless it hides a token).
    if (!printed.contains(u'…'))
        QCOMPARE(*Page::parse(printed), *page);
}

void TestPage::parseInvalid_data()
{
    QTest::addColumn<QString>("spec");
    QTest::newRow("empty") << QString();
    QTest::newRow("blank") << u"   "_s;
    QTest::newRow("table without id") << u"table"_s;
    QTest::newRow("table empty id") << u"table:"_s;
    QTest::newRow("table non-numeric") << u"table:abc"_s; // would crash the consumer (§1.6)
    QTest::newRow("table zero") << u"table:0"_s;
    QTest::newRow("table negative") << u"table:-4"_s;
    QTest::newRow("table fraction") << u"table:2.5"_s;
    QTest::newRow("table too big") << u"table:9007199254740992"_s;
    QTest::newRow("table extra") << u"table:1:2"_s;
    QTest::newRow("row one id") << u"row:21"_s;
    QTest::newRow("row bad row") << u"row:21:x"_s;
    QTest::newRow("dashboard") << u"dashboard:"_s;
    QTest::newRow("view no slug") << u"view"_s;
    QTest::newRow("view empty slug") << u"view::tok"_s;
    QTest::newRow("view bad slug") << u"view:a b"_s;
    QTest::newRow("unknown bad name") << u"Ta ble:1"_s;
    QTest::newRow("unknown no key") << u"kanban:55"_s;
    QTest::newRow("unknown page key") << u"kanban:page=x"_s;
    QTest::newRow("unknown duplicate") << u"kanban:a=1:a=2"_s;
    QTest::newRow("name page") << u"page:x=1"_s;
}

void TestPage::parseInvalid()
{
    QFETCH(QString, spec);
    QString error;
    QVERIFY(!Page::parse(spec, &error));
    QVERIFY(!error.isEmpty());
    QVERIFY(!Page::parse(spec)); // no error pointer is fine too
}

void TestPage::messages_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QJsonObject>("subscribe");
    QTest::addColumn<QJsonObject>("unsubscribeMulti");
    QTest::newRow("table") << u"table:21"_s << obj(R"({"page":"table","table_id":21})")
                           << obj(R"({"remove_page":"table","table_id":21})");
    QTest::newRow("row") << u"row:21:5"_s << obj(R"({"page":"row","table_id":21,"row_id":5})")
                         << obj(R"({"remove_page":"row","table_id":21,"row_id":5})");
    QTest::newRow("view") << u"view:abc:T"_s << obj(R"({"page":"view","slug":"abc","token":"T"})")
                          << obj(R"({"remove_page":"view","slug":"abc","token":"T"})");
    QTest::newRow("dashboard") << u"dashboard:3"_s << obj(R"({"page":"dashboard","dashboard_id":3})")
                               << obj(R"({"remove_page":"dashboard","dashboard_id":3})");
}

void TestPage::messages()
{
    QFETCH(QString, spec);
    QFETCH(QJsonObject, subscribe);
    QFETCH(QJsonObject, unsubscribeMulti);
    const Page page = *Page::parse(spec);
    QCOMPARE(page.subscribeMessage(), subscribe);
    QCOMPARE(page.unsubscribeMessage(true), unsubscribeMulti);
    // Before 1.21 there is no remove_page; {"page": ""} drops whatever is subscribed.
    QCOMPARE(page.unsubscribeMessage(false), obj(R"({"page":""})"));
    // Flat parameters, not nested (§2.1).
    QVERIFY(!page.subscribeMessage().contains("parameters"_L1));
}

void TestPage::matching_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<QString>("page");
    QTest::addColumn<QJsonObject>("echo");
    QTest::addColumn<bool>("matches");
    QTest::newRow("table") << u"table:21"_s << u"table"_s << obj(R"({"table_id":21})") << true;
    QTest::newRow("other table") << u"table:21"_s << u"table"_s << obj(R"({"table_id":22})") << false;
    QTest::newRow("other type") << u"table:21"_s << u"row"_s << obj(R"({"table_id":21})") << false;
    QTest::newRow("string id is another page")
        << u"table:21"_s << u"table"_s << obj(R"({"table_id":"21"})") << false;
    QTest::newRow("float form of the same number")
        << u"table:21"_s << u"table"_s << obj(R"({"table_id":21.0})") << true;
    QTest::newRow("view, token echoed as null")
        << u"view:abc"_s << u"view"_s << obj(R"({"slug":"abc","token":null})") << true;
    QTest::newRow("view, token echoed as a value")
        << u"view:abc"_s << u"view"_s << obj(R"({"slug":"abc","token":"T"})") << false;
    QTest::newRow("view with token") << u"view:abc:T"_s << u"view"_s << obj(R"({"slug":"abc","token":"T"})")
                                     << true;
    QTest::newRow("view, other token")
        << u"view:abc:T"_s << u"view"_s << obj(R"({"slug":"abc","token":"U"})") << false;
    QTest::newRow("row") << u"row:21:5"_s << u"row"_s << obj(R"({"table_id":21,"row_id":5})") << true;
    QTest::newRow("row, other row") << u"row:21:5"_s << u"row"_s << obj(R"({"table_id":21,"row_id":6})")
                                    << false;
    // Undeclared parameters are dropped by the server, so their absence does not matter.
    QTest::newRow("extra key dropped")
        << u"kanban:view_id=55:extra=1"_s << u"kanban"_s << obj(R"({"view_id":55})") << true;
    QTest::newRow("empty echo") << u"table:21"_s << u"table"_s << QJsonObject {} << false;
}

void TestPage::matching()
{
    QFETCH(QString, spec);
    QFETCH(QString, page);
    QFETCH(QJsonObject, echo);
    QFETCH(bool, matches);
    QCOMPARE(Page::parse(spec)->matches(page, echo), matches);
}

void TestPage::fixtureEcho()
{
    for (const char* file : {"page_add.json", "page_discard.json"}) {
        QFile f(fixturesDir() + u'/' + QLatin1String(file));
        QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(f.fileName()));
        const QJsonObject msg = QJsonDocument::fromJson(f.readAll()).object();
        const QString page = msg.value("page"_L1).toString();
        const QJsonObject params = msg.value("parameters"_L1).toObject();
        QVERIFY(Page::table(21).matches(page, params));
        QVERIFY(!Page::table(12).matches(page, params));
    }
}

void TestPage::viewTokenNeverShown()
{
    const QString token = u"eyJhbGciOiJIUzI1NiJ9.eyJ2aWV3IjoiYWJjIn0.c2ln"_s;
    const Page p = Page::view(u"abc"_s, token);
    QVERIFY(!p.toString().contains(token));
    QCOMPARE(p.toString(), u"view:abc:…"_s);
    Page custom {u"secretive"_s, QJsonObject {{u"token"_s, token}, {u"id"_s, 3}}};
    QVERIFY(!custom.toString().contains(token));
    // The token is still sent: the server needs it.
    QCOMPARE(p.subscribeMessage().value("token"_L1).toString(), token);
}

void TestPage::stateNames()
{
    QCOMPARE(subscriptionStateName(SubscriptionState::Pending), u"pending"_s);
    QCOMPARE(subscriptionStateName(SubscriptionState::Active), u"active"_s);
    QCOMPARE(subscriptionStateName(SubscriptionState::Rejected), u"rejected"_s);
    QCOMPARE(subscriptionStateName(SubscriptionState::Discarded), u"discarded"_s);
    QCOMPARE(subscriptionStateName(SubscriptionState::Unsubscribed), u"unsubscribed"_s);
}

QTEST_GUILESS_MAIN(TestPage)
#include "tst_page.moc"
