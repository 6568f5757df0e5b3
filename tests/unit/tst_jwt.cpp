// SPDX-License-Identifier: MIT
#include "core/jwt.h"

#include <QJsonObject>
#include <QTest>

using namespace bmon;

class TestJwt : public QObject
{
    Q_OBJECT

private slots:
    void signAndVerify();
    void tamperingIsDetected_data();
    void tamperingIsDetected();
    void lifetimeFromClaims();
    void base64Url();
};

void TestJwt::signAndVerify()
{
    const QJsonObject claims {{QStringLiteral("token_type"), QStringLiteral("access")},
        {QStringLiteral("user_id"), 1}, {QStringLiteral("iat"), 1000}, {QStringLiteral("exp"), 1600}};
    const QByteArray token = jwt::signHs256(claims, "secret");
    QCOMPARE(token.count('.'), 2);
    QVERIFY(token.startsWith("eyJ"));
    QJsonObject read;
    QCOMPARE(jwt::verifyHs256(token, "secret", 1599, &read), jwt::Verdict::Valid);
    QCOMPARE(read.value(QLatin1String("token_type")).toString(), QStringLiteral("access"));
    QCOMPARE(jwt::verifyHs256(token, "secret", 1600), jwt::Verdict::Expired);
    QCOMPARE(jwt::verifyHs256(token, "other", 1000), jwt::Verdict::BadSignature);
    // The payload is readable without the key (what a client does with exp/iat).
    QCOMPARE(jwt::decodePayload(token)->value(QLatin1String("user_id")).toInt(), 1);
}

void TestJwt::tamperingIsDetected_data()
{
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<int>("verdict");
    const QByteArray good = jwt::signHs256({{QStringLiteral("exp"), 4000000000LL}}, "k");
    const QList<QByteArray> parts = good.split('.');
    const QByteArray forgedPayload = jwt::base64UrlEncode(R"({"exp":4000000000,"user_id":2})");
    QTest::newRow("forged payload") << parts[0] + '.' + forgedPayload + '.' + parts[2]
                                    << int(jwt::Verdict::BadSignature);
    QTest::newRow("alg none") << jwt::base64UrlEncode(R"({"alg":"none"})") + '.' + parts[1] + '.'
                              << int(jwt::Verdict::Malformed);
    QTest::newRow("two parts") << parts[0] + '.' + parts[1] << int(jwt::Verdict::Malformed);
    QTest::newRow("four parts") << good + ".x" << int(jwt::Verdict::Malformed);
    QTest::newRow("garbage") << QByteArray("not a token") << int(jwt::Verdict::Malformed);
    QTest::newRow("bad base64") << QByteArray("e$$.e$$.e$$") << int(jwt::Verdict::Malformed);
    QTest::newRow("empty") << QByteArray() << int(jwt::Verdict::Malformed);
}

void TestJwt::tamperingIsDetected()
{
    QFETCH(QByteArray, token);
    QFETCH(int, verdict);
    QCOMPARE(int(jwt::verifyHs256(token, "k", 0)), verdict);
}

void TestJwt::lifetimeFromClaims()
{
    const QByteArray token
        = jwt::signHs256({{QStringLiteral("iat"), 100}, {QStringLiteral("exp"), 700}}, "k");
    const jwt::Lifetime l = jwt::lifetime(token);
    QCOMPARE(l.issuedAt, 100);
    QCOMPARE(l.expiresAt, 700);
    QVERIFY(!jwt::lifetime("nonsense").isValid());
}

void TestJwt::base64Url()
{
    const QByteArray raw("\xfb\xff\xfe-_", 5);
    const QByteArray enc = jwt::base64UrlEncode(raw);
    QVERIFY(!enc.contains('+') && !enc.contains('/') && !enc.contains('='));
    QCOMPARE(*jwt::base64UrlDecode(enc), raw);
    QVERIFY(!jwt::base64UrlDecode("a*b").has_value());
}

QTEST_GUILESS_MAIN(TestJwt)
#include "tst_jwt.moc"
