// SPDX-License-Identifier: MIT
#include "sim/pyjson.h"
#include "sim/roworder.h"

#include <QTest>

#include <cmath>
#include <limits>

using namespace bmon::sim;
using namespace Qt::StringLiterals;

class TestPyJson : public QObject
{
    Q_OBJECT
private slots:
    void separatorsAndKeyOrder()
    {
        PyObject row {{u"id"_s, 1}, {u"order"_s, u"1.00000000000000000000"_s}, {u"field_102"_s, u"25"_s},
            {u"field_103"_s, true}, {u"field_104"_s, PyValue()}};
        PyObject msg {{u"type"_s, u"rows_created"_s}, {u"table_id"_s, 21}, {u"rows"_s, PyArray {row}},
            {u"metadata"_s, PyObject {}}, {u"before_row_id"_s, PyValue()}};
        QCOMPARE(pyDumps(msg),
            QByteArray("{\"type\": \"rows_created\", \"table_id\": 21, \"rows\": [{\"id\": 1, \"order\": "
                       "\"1.00000000000000000000\", "
                       "\"field_102\": \"25\", \"field_103\": true, \"field_104\": null}], \"metadata\": {}, "
                       "\"before_row_id\": null}"));
    }

    void insertReplacesInPlace()
    {
        PyObject o {{u"b"_s, 1}, {u"a"_s, 2}};
        o.insert(u"b"_s, 3);
        QCOMPARE(pyDumps(o), QByteArray("{\"b\": 3, \"a\": 2}"));
    }

    void strings_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("plain") << u"Initech"_s << QByteArray("\"Initech\"");
        QTest::newRow("latin1") << u"Chloé"_s << QByteArray("\"Chlo\\u00e9\"");
        QTest::newRow("euro") << u"€"_s << QByteArray("\"\\u20ac\"");
        QTest::newRow("astral") << QString::fromUtf8("\xF0\x9F\x98\x80") << QByteArray("\"\\ud83d\\ude00\"");
        QTest::newRow("escapes") << u"a\"b\\c\nd\re\tf\bg\fh"_s
                                 << QByteArray("\"a\\\"b\\\\c\\nd\\re\\tf\\bg\\fh\"");
        QTest::newRow("control") << QString(QChar(0x01)) << QByteArray("\"\\u0001\"");
        QTest::newRow("del") << QString(QChar(0x7f)) << QByteArray("\"\\u007f\"");
        QTest::newRow("slash") << u"a/b"_s << QByteArray("\"a/b\"");
    }
    void strings()
    {
        QFETCH(QString, input);
        QFETCH(QByteArray, expected);
        QCOMPARE(pyDumps(PyValue(input)), expected);
        // And back.
        const auto parsed = pyLoads(expected);
        QVERIFY(parsed);
        QCOMPARE(parsed->toString(), input);
    }

    void floats_data()
    {
        QTest::addColumn<double>("value");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("1.0") << 1.0 << QByteArray("1.0");
        QTest::newRow("1.5") << 1.5 << QByteArray("1.5");
        QTest::newRow("0.1") << 0.1 << QByteArray("0.1");
        QTest::newRow("1e16") << 1e16 << QByteArray("1e+16");
        QTest::newRow("1e15") << 1e15 << QByteArray("1000000000000000.0");
        QTest::newRow("1.5e-7") << 1.5e-7 << QByteArray("1.5e-07");
        QTest::newRow("0.0001") << 0.0001 << QByteArray("0.0001");
        QTest::newRow("-2.5") << -2.5 << QByteArray("-2.5");
        QTest::newRow("123456.789") << 123456.789 << QByteArray("123456.789");
        QTest::newRow("nan") << std::numeric_limits<double>::quiet_NaN() << QByteArray("NaN");
        QTest::newRow("inf") << std::numeric_limits<double>::infinity() << QByteArray("Infinity");
    }
    void floats()
    {
        QFETCH(double, value);
        QFETCH(QByteArray, expected);
        QCOMPARE(pyDumps(PyValue(value)), expected);
    }

    void loadsKeepsTypesAndOrder()
    {
        const auto v = pyLoads(
            "{\"page\": \"table\", \"table_id\": 21.0, \"z\": 1, \"a\": [true, null, \"x\"], \"z\": 2}");
        QVERIFY(v);
        QVERIFY(v->isObject());
        QCOMPARE(pyDumps(*v),
            QByteArray("{\"page\": \"table\", \"table_id\": 21.0, \"z\": 2, \"a\": [true, null, \"x\"]}"));
        QVERIFY(v->object().value(u"table_id").isDouble());
        QVERIFY(v->object().value(u"table_id").pyEquals(PyValue(21)));
        QVERIFY(!PyValue(u"21"_s).pyEquals(PyValue(21)));
    }

    void loadsErrors_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("garbage") << QByteArray("{nope");
        QTest::newRow("trailing") << QByteArray("{} x");
        QTest::newRow("unterminated") << QByteArray("{\"a\": \"b");
        QTest::newRow("control char") << QByteArray("\"a\x01\"");
        QTest::newRow("bad escape") << QByteArray("\"\\q\"");
        QTest::newRow("missing colon") << QByteArray("{\"a\" 1}");
        QTest::newRow("deep") << QByteArray(1000, '[');
    }
    void loadsErrors()
    {
        QFETCH(QByteArray, text);
        QString error;
        QVERIFY(!pyLoads(text, &error));
        QVERIFY(!error.isEmpty());
    }

    void truthiness()
    {
        QVERIFY(!PyValue().truthy());
        QVERIFY(!PyValue(0).truthy());
        QVERIFY(!PyValue(u""_s).truthy());
        QVERIFY(!PyValue(PyArray {}).truthy());
        QVERIFY(PyValue(u"0"_s).truthy());
        QVERIFY(PyValue(true).truthy());
    }

    void rowOrder()
    {
        QCOMPARE(RowOrder::fromInt(43).toString(), u"43.00000000000000000000"_s);
        auto mid = RowOrder::simplestBetween(RowOrder::fromInt(2), RowOrder::fromInt(3));
        QVERIFY(mid);
        QCOMPARE(mid->toString(), u"2.50000000000000000000"_s);
        auto next = RowOrder::simplestBetween(*mid, RowOrder::fromInt(3));
        QVERIFY(next);
        QCOMPARE(next->toString(), u"2.66666666666666666667"_s);
        auto first = RowOrder::simplestBetween(RowOrder::fromInt(0), RowOrder::fromInt(1));
        QCOMPARE(first->toString(), u"0.50000000000000000000"_s);
        auto between = RowOrder::simplestBetween(RowOrder::fromInt(1), RowOrder::fromInt(5));
        QCOMPARE(between->toString(), u"2.00000000000000000000"_s);
        QVERIFY(!RowOrder::simplestBetween(RowOrder::fromInt(3), RowOrder::fromInt(3)));
        // Repeated inserts before the same row keep finding strictly increasing, distinct orders.
        RowOrder low = RowOrder::fromInt(1);
        for (int i = 0; i < 500; ++i) {
            const auto o = RowOrder::simplestBetween(low, RowOrder::fromInt(2));
            QVERIFY(o);
            QVERIFY(low < *o);
            QVERIFY(*o < RowOrder::fromInt(2));
            low = *o;
        }
    }
};

QTEST_GUILESS_MAIN(TestPyJson)
#include "tst_pyjson.moc"
