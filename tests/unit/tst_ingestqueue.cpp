// SPDX-License-Identifier: MIT
// The socket-thread → ingest-thread hand-off: nothing lost, nothing reordered, control frames
// reported in order, appended() coalesced, everything drained on destruction.
#include "core/eventstore.h"
#include "core/ingestqueue.h"
#include "core/messagetypes.h"

#include <QTest>

using namespace bmon;
using namespace Qt::StringLiterals;

namespace {
// The queue signals from its own thread; like every real receiver, collect them queued on this
// thread (QSignalSpy would append from the ingest thread).
struct Received : QObject
{
    QList<quint64> control;
    int appended = 0;
    explicit Received(IngestQueue& queue)
    {
        connect(&queue, &IngestQueue::controlFrame, this, [this](quint64 i) { control << i; });
        connect(&queue, &IngestQueue::appended, this, [this] { ++appended; });
    }
};
} // namespace

class TestIngestQueue : public QObject
{
    Q_OBJECT

private slots:
    void storesInOrder();
    void reportsControlFrames();
    void coalescesAppended();
    void drainsOnDestruction();
    void bigFramesAndManyChunks();
};

void TestIngestQueue::storesInOrder()
{
    EventStore store;
    IngestQueue queue(store);
    const int n = 30000;
    for (int i = 0; i < n; ++i) {
        switch (i % 4) {
        case 0:
            queue.submitText(
                u"{\"type\":\"rows_updated\",\"table_id\":21,\"rows\":[{\"id\":%1}]}"_s.arg(i + 1),
                Direction::Received, 1);
            break;
        case 1:
            queue.submitText(u"{broken %1"_s.arg(i), Direction::Received, 2);
            break;
        case 2:
            queue.submitBinary(QByteArray::number(i), Direction::Received, 2);
            break;
        default:
            queue.submitText(u"{\"page\":\"table\",\"table_id\":%1}"_s.arg(i), Direction::Sent, 3);
        }
    }
    QCOMPARE(queue.submitted(), quint64(n));
    QTRY_COMPARE_WITH_TIMEOUT(queue.processed(), quint64(n), 10000);
    QCOMPARE(store.count(), quint64(n));
    QCOMPARE(queue.malformed(), quint64(n / 2)); // broken text and binary, received only
    for (int i = 0; i < n; i += 7) {
        const EventRecord& r = store.at(quint64(i));
        QCOMPARE(r.seq, quint64(i + 1));
        switch (i % 4) {
        case 0:
            QCOMPARE(r.typeId, quint16(KnownType::RowsUpdated));
            QCOMPARE(store.rowIds(r).size(), size_t(1));
            QCOMPARE(store.rowIds(r)[0], quint32(i + 1));
            QCOMPARE(r.generation, quint16(1));
            break;
        case 1:
            QCOMPARE(r.status(), ParseStatus::InvalidJson);
            QCOMPARE(store.payload(r).toByteArray(), u"{broken %1"_s.arg(i).toUtf8());
            break;
        case 2:
            QCOMPARE(r.status(), ParseStatus::BinaryFrame);
            QCOMPARE(store.payload(r).toByteArray(), QByteArray::number(i));
            break;
        default:
            QCOMPARE(r.direction(), Direction::Sent);
            QCOMPARE(r.typeId, quint16(KnownType::PageRequest));
            QCOMPARE(r.generation, quint16(3));
        }
    }
}

void TestIngestQueue::reportsControlFrames()
{
    EventStore store;
    IngestQueue queue(store);
    Received got(queue);
    queue.submitText(
        uR"({"type":"authentication","success":true,"web_socket_id":"x"})"_s, Direction::Received, 1);
    queue.submitText(uR"({"type":"rows_created","table_id":21,"rows":[]})"_s, Direction::Received, 1);
    queue.submitText(uR"({"page":"table","table_id":21})"_s, Direction::Sent, 1); // ours: not a notification
    queue.submitText(
        uR"({"type":"page_add","page":"table","parameters":{"table_id":21}})"_s, Direction::Received, 1);
    queue.submitText(uR"({"type":"force_disconnect"})"_s, Direction::Received, 1);
    QTRY_COMPARE_WITH_TIMEOUT(got.control.size(), 3, 5000);
    QCOMPARE(got.control, (QList<quint64> {0, 3, 4}));
    QCOMPARE(store.at(4).typeId, quint16(KnownType::ForceDisconnect));
}

void TestIngestQueue::coalescesAppended()
{
    EventStore store;
    IngestQueue queue(store);
    Received got(queue);
    for (int i = 0; i < 5000; ++i)
        queue.submitText(uR"({"type":"rows_updated","table_id":1})"_s, Direction::Received, 1);
    QTRY_COMPARE_WITH_TIMEOUT(queue.processed(), 5000ull, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(got.appended, 1, 5000); // not acknowledged: no more signals
    queue.acknowledgeAppended();
    queue.submitText(uR"({"type":"rows_updated","table_id":1})"_s, Direction::Received, 1);
    QTRY_COMPARE_WITH_TIMEOUT(got.appended, 2, 5000);
    QCOMPARE(store.count(), 5001ull);
}

void TestIngestQueue::drainsOnDestruction()
{
    EventStore store;
    {
        IngestQueue queue(store);
        for (int i = 0; i < 20000; ++i)
            queue.submitText(
                uR"({"type":"rows_deleted","table_id":2,"row_ids":[1]})"_s, Direction::Received, 1);
    }
    QCOMPARE(store.count(), 20000ull);
}

void TestIngestQueue::bigFramesAndManyChunks()
{
    EventStore store;
    IngestQueue queue(store);
    // Larger than a queue chunk, non-ASCII included (3 bytes per unit reserved, fewer used).
    const QString big
        = u"{\"type\":\"rows_updated\",\"table_id\":21,\"v\":\""_s + QString(3'000'000, u'é') + u"\"}"_s;
    for (int i = 0; i < 3; ++i) {
        queue.submitText(big, Direction::Received, 1);
        for (int j = 0; j < 2000; ++j)
            queue.submitText(u"{\"type\":\"x%1\"}"_s.arg(j), Direction::Received, 1);
    }
    QTRY_COMPARE_WITH_TIMEOUT(queue.processed(), 6003ull, 20000);
    QCOMPARE(store.at(0).payloadSize, quint32(big.toUtf8().size()));
    QCOMPARE(store.at(0).status(), ParseStatus::Ok);
    QCOMPARE(store.at(2001).payloadSize, quint32(big.toUtf8().size()));
    QCOMPARE(TypeRegistry::instance().name(store.at(2000).typeId), u"x1999"_s);
}

QTEST_GUILESS_MAIN(TestIngestQueue)
#include "tst_ingestqueue.moc"
