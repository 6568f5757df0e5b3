// SPDX-License-Identifier: MIT
#include "sim/faultspec.h"

#include <QTest>

using namespace bmon::sim;
using namespace Qt::StringLiterals;
using Kind = FaultSpec::Kind;

class TestFaultSpec : public QObject
{
    Q_OBJECT
private slots:
    void valid_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("canonical");
        QTest::newRow("drop") << u"drop=0.25"_s << int(Kind::Drop) << u"drop=0.25"_s;
        QTest::newRow("duplicate") << u"duplicate=1"_s << int(Kind::Duplicate) << u"duplicate=1"_s;
        QTest::newRow("reorder") << u"reorder=.5"_s << int(Kind::Reorder) << u"reorder=0.5"_s;
        QTest::newRow("malformed") << u"malformed=0"_s << int(Kind::Malformed) << u"malformed=0"_s;
        QTest::newRow("drop-type") << u"drop-type=rows_updated@3"_s << int(Kind::DropType)
                                   << u"drop-type=rows_updated@3"_s;
        QTest::newRow("duplicate-type") << u"duplicate-type=rows_created@1"_s << int(Kind::DuplicateType)
                                        << u"duplicate-type=rows_created@1"_s;
        QTest::newRow("reorder-type") << u"reorder-type=rows_updated@12"_s << int(Kind::ReorderType)
                                      << u"reorder-type=rows_updated@12"_s;
        QTest::newRow("scoped duplicate-type")
            << u"conn=2:duplicate-type=rows_deleted@2"_s << int(Kind::DuplicateType)
            << u"conn=2:duplicate-type=rows_deleted@2"_s;
        QTest::newRow("user reorder-type")
            << u"user=bob@example.com:reorder-type=field_created@1"_s << int(Kind::ReorderType)
            << u"user=bob@example.com:reorder-type=field_created@1"_s;
        QTest::newRow("type spaces") << u"drop-type= rows_updated @ 4"_s << int(Kind::DropType)
                                     << u"drop-type=rows_updated@4"_s;
        QTest::newRow("silent-update")
            << u"silent-update@2"_s << int(Kind::SilentUpdate) << u"silent-update@2"_s;
        QTest::newRow("silent-create")
            << u"silent-create@0.5"_s << int(Kind::SilentCreate) << u"silent-create@0.5"_s;
        QTest::newRow("silent-delete")
            << u"silent-delete@0"_s << int(Kind::SilentDelete) << u"silent-delete@0"_s;
        QTest::newRow("delay") << u"delay=250"_s << int(Kind::Delay) << u"delay=250"_s;
        QTest::newRow("close") << u"close=4000@0.3"_s << int(Kind::Close) << u"close=4000@0.3"_s;
        QTest::newRow("close 1001") << u"close=1001@2"_s << int(Kind::Close) << u"close=1001@2"_s;
        QTest::newRow("stall") << u"stall@1.5"_s << int(Kind::Stall) << u"stall@1.5"_s;
        QTest::newRow("expire-tokens")
            << u"expire-tokens=30"_s << int(Kind::ExpireTokens) << u"expire-tokens=30"_s;
        QTest::newRow("burst") << u"burst=500@0.2"_s << int(Kind::Burst) << u"burst=500@0.2"_s;
        QTest::newRow("restart") << u"restart@10"_s << int(Kind::Restart) << u"restart@10"_s;
        QTest::newRow("conn scope") << u"conn=2:drop=0.5"_s << int(Kind::Drop) << u"conn=2:drop=0.5"_s;
        QTest::newRow("user scope") << u"user=bob@example.com:close=1000@1"_s << int(Kind::Close)
                                    << u"user=bob@example.com:close=1000@1"_s;
        QTest::newRow("user tokens") << u"user=bob@example.com:expire-tokens=5"_s << int(Kind::ExpireTokens)
                                     << u"user=bob@example.com:expire-tokens=5"_s;
        QTest::newRow("spaces") << u"  delay=10 "_s << int(Kind::Delay) << u"delay=10"_s;
    }
    void valid()
    {
        QFETCH(QString, spec);
        QFETCH(int, kind);
        QFETCH(QString, canonical);
        QString error = u"untouched"_s;
        const auto f = FaultSpec::parse(spec, &error);
        QVERIFY2(f, qPrintable(error));
        QVERIFY(error.isEmpty());
        QCOMPARE(int(f->kind), kind);
        QCOMPARE(f->toString(), canonical);
        const auto again = FaultSpec::parse(f->toString(), &error);
        QVERIFY(again);
        QCOMPARE(again->toString(), canonical);
    }

    void values()
    {
        QString error;
        auto f = FaultSpec::parse(u"close=4001@0.25"_s, &error);
        QCOMPARE(f->closeCode, 4001);
        QCOMPARE(f->seconds, 0.25);
        f = FaultSpec::parse(u"drop-type=rows_created@2"_s, &error);
        QCOMPARE(f->messageType, u"rows_created"_s);
        QCOMPARE(f->count, 2);
        f = FaultSpec::parse(u"reorder-type=rows_deleted@7"_s, &error);
        QCOMPARE(f->messageType, u"rows_deleted"_s);
        QCOMPARE(f->count, 7);
        QVERIFY(f->isPerConnection());
        f = FaultSpec::parse(u"duplicate-type=rows_updated@1"_s, &error);
        QCOMPARE(f->count, 1);
        QVERIFY(f->isPerConnection());
        f = FaultSpec::parse(u"silent-delete@1.25"_s, &error);
        QCOMPARE(f->seconds, 1.25);
        QVERIFY(!f->isPerConnection()); // server-wide: no FaultPlan ever sees it
        QVERIFY(!FaultSpec::parse(u"silent-update@3"_s, &error)->isPerConnection());
        QVERIFY(!FaultSpec::parse(u"silent-create@3"_s, &error)->isPerConnection());
        f = FaultSpec::parse(u"conn=3:stall@2"_s, &error);
        QCOMPARE(f->connection, 3);
        QVERIFY(f->appliesTo(3, QString()));
        QVERIFY(!f->appliesTo(2, QString()));
        f = FaultSpec::parse(u"user=Bob@Example.com:drop=1"_s, &error);
        QVERIFY(f->appliesTo(7, u"bob@example.com"_s));
        QVERIFY(!f->appliesTo(7, u"alice@example.com"_s));
        QVERIFY(!f->appliesTo(7, QString()));
    }

    void invalid_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("empty") << QString() << u"Empty"_s;
        QTest::newRow("unknown") << u"explode=1"_s << u"explode"_s;
        QTest::newRow("probability > 1") << u"drop=1.5"_s << u"1.5"_s;
        QTest::newRow("negative probability") << u"drop=-0.1"_s << u"-0.1"_s;
        QTest::newRow("no value") << u"drop"_s << u"drop"_s;
        QTest::newRow("wrong separator") << u"stall=3"_s << u"stall@SECONDS"_s;
        QTest::newRow("unknown type") << u"drop-type=rows_exploded@1"_s << u"rows_exploded"_s;
        QTest::newRow("control type") << u"drop-type=page_add@1"_s << u"page_add"_s;
        QTest::newRow("zero nth") << u"drop-type=rows_updated@0"_s << u"N"_s;
        QTest::newRow("reserved close code") << u"close=1006@1"_s << u"1006"_s;
        QTest::newRow("bad close code") << u"close=999@1"_s << u"999"_s;
        QTest::newRow("close no time") << u"close=4000"_s << u"close=CODE@SECONDS"_s;
        QTest::newRow("bad seconds") << u"restart@soon"_s << u"soon"_s;
        QTest::newRow("inf seconds") << u"restart@inf"_s << u"inf"_s;
        QTest::newRow("delay fraction") << u"delay=1.5"_s << u"milliseconds"_s;
        QTest::newRow("zero token life") << u"expire-tokens=0"_s << u"0"_s;
        QTest::newRow("burst scoped") << u"conn=1:burst=10@1"_s << u"scope"_s;
        QTest::newRow("restart scoped") << u"user=a@b.c:restart@1"_s << u"scope"_s;
        QTest::newRow("tokens per conn") << u"conn=1:expire-tokens=5"_s << u"user=EMAIL"_s;
        QTest::newRow("bad conn") << u"conn=x:drop=1"_s << u"connection number"_s;
        QTest::newRow("conn zero") << u"conn=0:drop=1"_s << u"connection number"_s;
        QTest::newRow("bad email") << u"user=bob:drop=1"_s << u"bob"_s;
        QTest::newRow("scope without colon") << u"conn=1"_s << u"':'"_s;
        QTest::newRow("burst zero") << u"burst=0@1"_s << u"N"_s;
        QTest::newRow("duplicate-type no @")
            << u"duplicate-type=rows_updated"_s << u"duplicate-type=TYPE@N"_s;
        QTest::newRow("reorder-type no @") << u"reorder-type=rows_updated"_s << u"reorder-type=TYPE@N"_s;
        QTest::newRow("reorder-type @ form") << u"reorder-type@3"_s << u"reorder-type=TYPE@N"_s;
        QTest::newRow("duplicate-type no type") << u"duplicate-type=@3"_s << u"duplicate-type=TYPE@N"_s;
        QTest::newRow("duplicate-type zero") << u"duplicate-type=rows_created@0"_s << u"N must"_s;
        QTest::newRow("reorder-type negative") << u"reorder-type=rows_created@-1"_s << u"N must"_s;
        QTest::newRow("reorder-type not a number") << u"reorder-type=rows_created@two"_s << u"N must"_s;
        QTest::newRow("reorder-type fraction") << u"reorder-type=rows_created@1.5"_s << u"N must"_s;
        QTest::newRow("duplicate-type unknown") << u"duplicate-type=rows_moved@1"_s << u"rows_moved"_s;
        QTest::newRow("duplicate-type control")
            << u"duplicate-type=authentication@1"_s << u"control message"_s;
        QTest::newRow("reorder-type control") << u"reorder-type=page_discard@1"_s << u"control message"_s;
        QTest::newRow("drop-type force_disconnect")
            << u"drop-type=force_disconnect@1"_s << u"control message"_s;
        QTest::newRow("silent-update =") << u"silent-update=2"_s << u"silent-update@SECONDS"_s;
        QTest::newRow("silent-create bare") << u"silent-create"_s << u"silent-create@SECONDS"_s;
        QTest::newRow("silent-delete seconds") << u"silent-delete@later"_s << u"later"_s;
        QTest::newRow("silent-update conn") << u"conn=1:silent-update@1"_s << u"scope"_s;
        QTest::newRow("silent-create user") << u"user=a@b.c:silent-create@1"_s << u"scope"_s;
        QTest::newRow("silent-delete conn") << u"conn=2:silent-delete@0"_s << u"scope"_s;
    }
    void invalid()
    {
        QFETCH(QString, spec);
        QFETCH(QString, mentions);
        QString error;
        QVERIFY(!FaultSpec::parse(spec, &error));
        QVERIFY2(error.contains(mentions), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestFaultSpec)
#include "tst_faultspec.moc"
