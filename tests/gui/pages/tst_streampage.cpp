// SPDX-License-Identifier: MIT
// The stream page against the real Session and simulator, driven by object names.
#include "pagetesthelpers.h"

#include "core/ingest.h"
#include "core/messagetypes.h"
#include "jsontreemodel.h"
#include "models/eventfilterproxy.h"
#include "models/eventlistmodel.h"
#include "scopefilter.h"
#include "streampage.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>
#include <QToolButton>
#include <QTreeView>
#include <QTreeWidget>

using namespace bmon;
using namespace bmon::pagetest;
using namespace Qt::StringLiterals;

class TestStreamPage : public QObject
{
    Q_OBJECT

private slots:
    void eventsAppear();
    void typeDirectionAndErrorFilters();
    void textAndRegexFilters();
    void scopeNarrowsAndChipClears();
    void pauseKeepsCountingAndResumeCatchesUp();
    void followsTheTailUnlessScrolledUp();
    void detailsShowTreeRawAndDiff();
    void copyAndClear();
    void millionEvents();
};

namespace {

struct Fixture
{
    Session session;
    std::unique_ptr<StreamPage> page;
    QTableView* view = nullptr;
    std::unique_ptr<QAbstractItemModelTester> viewTester;
    std::unique_ptr<QAbstractItemModelTester> proxyTester;

    bool start(const sim::SimulatorOptions& options, QString* error)
    {
        if (!session.startDemo(options, error))
            return false;
        page = std::make_unique<StreamPage>(&session);
        page->resize(1100, 700);
        page->show();
        view = page->findChild<QTableView*>(u"eventView"_s);
        viewTester = std::make_unique<QAbstractItemModelTester>(
            view->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        proxyTester = std::make_unique<QAbstractItemModelTester>(
            page->filterProxy(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        return true;
    }
    ~Fixture()
    {
        viewTester.reset();
        proxyTester.reset();
        page.reset();
    }
    QAbstractItemModel* model() const { return view->model(); }
};

QTreeWidgetItem* typeItem(QTreeWidget* tree, quint16 id)
{
    for (int c = 0; c < tree->topLevelItemCount(); ++c) {
        QTreeWidgetItem* cat = tree->topLevelItem(c);
        for (int i = 0; i < cat->childCount(); ++i) {
            if (cat->child(i)->data(0, Qt::UserRole + 1).toInt() == id)
                return cat->child(i);
        }
    }
    return nullptr;
}

} // namespace

void TestStreamPage::eventsAppear()
{
    Fixture f;
    QString error;
    QVERIFY2(f.start(demoOptions(), &error), qPrintable(error));
    QCOMPARE(f.page->objectName(), u"streamPage"_s);
    QTRY_VERIFY_WITH_TIMEOUT(f.model()->rowCount() > 8, 20000);
    const QStringList types = columnTexts(f.model(), EventListModel::TypeColumn);
    QVERIFY2(types.contains(u"authentication"_s), qPrintable(types.join(u',')));
    QVERIFY(types.contains(u"page"_s) || types.contains(u"page_add"_s));
    QTRY_VERIFY_WITH_TIMEOUT(findRow(f.model(), EventListModel::TypeColumn,
                                 [](const QString& t) { return t.startsWith(u"rows_"_s); })
            >= 0,
        20000);
    auto* count = f.page->findChild<QLabel*>(u"filterCount"_s);
    QVERIFY(count);
    QTRY_VERIFY(count->text().contains(QLocale().toString(f.model()->rowCount())));
    // Uniform rows: one fixed height, no per-row measuring.
    QCOMPARE(f.view->verticalHeader()->sectionResizeMode(0), QHeaderView::Fixed);
    const QByteArray state = f.page->headerState();
    QVERIFY(!state.isEmpty());
    f.view->horizontalHeader()->resizeSection(EventListModel::TypeColumn, 333);
    QVERIFY(f.page->restoreHeaderState(state));
    QVERIFY(f.view->horizontalHeader()->sectionSize(EventListModel::TypeColumn) != 333);
}

void TestStreamPage::typeDirectionAndErrorFilters()
{
    Fixture f;
    QString error;
    sim::SimulatorOptions options = demoOptions(40);
    options.faults.append(*sim::FaultSpec::parse(u"malformed=0.2"_s, &error));
    QVERIFY2(f.start(options, &error), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(
        findRowWithRole(f.model(), EventListModel::IsErrorRole, true) >= 0 && f.model()->rowCount() > 30,
        30000);

    // Types: only rows_updated.
    auto* types = f.page->findChild<QToolButton*>(u"filterTypes"_s);
    auto* tree = f.page->findChild<QTreeWidget*>(u"filterTypesTree"_s);
    auto* none = f.page->findChild<QPushButton*>(u"filterTypesNone"_s);
    auto* all = f.page->findChild<QPushButton*>(u"filterTypesAll"_s);
    QVERIFY(types && tree && none && all);
    none->click();
    QTRY_COMPARE_WITH_TIMEOUT(f.model()->rowCount(), 0, 5000);
    QCOMPARE(types->text(), u"No types"_s);
    QTreeWidgetItem* item = typeItem(tree, KnownType::RowsUpdated);
    QVERIFY(item);
    item->setCheckState(0, Qt::Checked);
    QTRY_VERIFY_WITH_TIMEOUT(f.model()->rowCount() > 0, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(!f.page->filterProxy()->isFiltering(), 10000);
    QCOMPARE(types->text(), u"rows_updated"_s);
    QVERIFY(f.page->filter().types == QSet<quint16>({quint16(KnownType::RowsUpdated)}));
    for (const QString& t : columnTexts(f.model(), EventListModel::TypeColumn))
        QCOMPARE(t, u"rows_updated"_s);
    all->click();
    QTRY_VERIFY_WITH_TIMEOUT(f.page->filter().types.isEmpty(), 5000);

    // Direction: only what the monitor sent (the page request).
    auto* direction = f.page->findChild<QComboBox*>(u"filterDirection"_s);
    QVERIFY(direction);
    direction->setCurrentIndex(direction->findData(int(EventFilter::DirectionFilter::Sent)));
    QTRY_VERIFY_WITH_TIMEOUT(!f.page->filterProxy()->isFiltering() && f.model()->rowCount() > 0, 10000);
    const int sent = f.model()->rowCount();
    QVERIFY(sent < int(f.session.store().count()));
    for (const QString& d : columnTexts(f.model(), EventListModel::DirectionColumn))
        QCOMPARE(d, u"↑"_s);
    direction->setCurrentIndex(0);

    // Errors only: the simulator's malformed frames, styled.
    auto* errors = f.page->findChild<QCheckBox*>(u"filterErrorsOnly"_s);
    QVERIFY(errors);
    errors->setChecked(true);
    QTRY_VERIFY_WITH_TIMEOUT(!f.page->filterProxy()->isFiltering() && f.model()->rowCount() > 0, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(f.model()->rowCount() < int(f.session.events()->rowCount()), 10000);
    for (int r = 0; r < f.model()->rowCount(); ++r) {
        QVERIFY(f.model()->index(r, 0).data(EventListModel::IsErrorRole).toBool());
        QVERIFY(f.model()->index(r, 0).data(Qt::BackgroundRole).isValid());
    }
    // The details of a malformed frame: the reason and the raw text.
    f.view->setCurrentIndex(f.model()->index(0, EventListModel::TypeColumn));
    auto* reason = f.page->findChild<QLabel*>(u"detailsError"_s);
    auto* raw = f.page->findChild<QPlainTextEdit*>(u"detailsRaw"_s);
    QVERIFY(reason && raw);
    QVERIFY(reason->isVisible());
    QVERIFY2(!reason->text().isEmpty(), qPrintable(reason->text()));
    const quint64 index = f.model()->index(0, 0).data(EventListModel::IndexRole).toULongLong();
    QCOMPARE(raw->toPlainText(), QString::fromUtf8(f.session.store().payload(index).toByteArray()));
    errors->setChecked(false);
    QTRY_VERIFY_WITH_TIMEOUT(!f.page->filter().errorsOnly, 5000);
}

void TestStreamPage::textAndRegexFilters()
{
    Fixture f;
    QString error;
    QVERIFY2(f.start(demoOptions(20), &error), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(isLive(f.session), 15000);
    // A known non-ASCII value, sent by a collaborator's edit (Python escapes it as \u00e8).
    f.session.simulator()->silentlyUpdateCell(21, 5, 101, u"Zoë Crème Café"_s);
    f.session.simulator()->collaboratorUpdateRow(21, 5);
    QTRY_VERIFY_WITH_TIMEOUT(f.session.store().count() > 20, 20000);

    auto* text = f.page->findChild<QLineEdit*>(u"filterText"_s);
    auto* regex = f.page->findChild<QToolButton*>(u"filterRegex"_s);
    auto* problem = f.page->findChild<QLabel*>(u"filterError"_s);
    QVERIFY(text && regex && problem);
    QTest::keyClicks(text, u"cr"_s);
    text->insert(u"ème café"_s); // keyClicks types ASCII only
    QCOMPARE(f.page->filter().text, QString()); // debounced: not yet
    QTRY_COMPARE_WITH_TIMEOUT(f.page->filter().text, u"crème café"_s, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(!f.page->filterProxy()->isFiltering() && f.model()->rowCount() >= 1, 15000);
    const int matches = f.model()->rowCount();
    QVERIFY(matches < int(f.session.events()->rowCount()));
    for (int r = 0; r < matches; ++r) {
        const quint64 index = f.model()->index(r, 0).data(EventListModel::IndexRole).toULongLong();
        const QByteArray payload = f.session.store().payload(index).toByteArray();
        QVERIFY2(payload.contains("Cr\\u00e8me") || payload.contains("Crème"), payload.constData());
    }

    // The same as a regular expression; an invalid one is shown and not applied.
    regex->click();
    text->setText(u"cr[eè]me\\s+caf"_s);
    QTRY_COMPARE_WITH_TIMEOUT(f.page->filter().regex, u"cr[eè]me\\s+caf"_s, 5000);
    QVERIFY(f.page->filter().text.isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(!f.page->filterProxy()->isFiltering(), 15000);
    QCOMPARE(f.model()->rowCount(), matches);
    text->setText(u"rows_("_s);
    QTRY_VERIFY_WITH_TIMEOUT(problem->isVisible(), 5000);
    QVERIFY(problem->text().contains(u"Invalid regular expression"_s));
    QCOMPARE(f.page->filter().regex, u"cr[eè]me\\s+caf"_s); // the previous filter stays
    text->setText(u"^rows_(updated|created)$"_s);
    QTRY_VERIFY_WITH_TIMEOUT(!problem->isVisible(), 5000);
    text->clear();
    QTRY_VERIFY_WITH_TIMEOUT(f.page->filter().isEmpty(), 5000);
    QTRY_COMPARE_WITH_TIMEOUT(f.model()->rowCount(), f.session.events()->rowCount(), 15000);
}

void TestStreamPage::scopeNarrowsAndChipClears()
{
    Fixture f;
    QString error;
    QVERIFY2(f.start(demoOptions(40), &error), qPrintable(error));
    QSignalSpy loaded(&f.session, &Session::directoryLoaded);
    QVERIFY(loaded.wait(15000));
    QTRY_VERIFY_WITH_TIMEOUT(findRowWithRole(f.model(), EventListModel::TableIdRole, 21u) >= 0, 20000);

    f.page->setScope(ScopeFilter::forTable(21));
    QTRY_VERIFY_WITH_TIMEOUT(!f.page->filterProxy()->isFiltering() && f.model()->rowCount() > 0, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(f.model()->rowCount() < f.session.events()->rowCount(), 10000);
    for (int r = 0; r < f.model()->rowCount(); ++r)
        QCOMPARE(f.model()->index(r, 0).data(EventListModel::TableIdRole).toUInt(), 21u);
    auto* chip = f.page->findChild<QToolButton*>(u"filterScope"_s);
    QVERIFY(chip && chip->isVisible());
    QCOMPARE(chip->text(), u"table Customers"_s);

    // Other criteria stay when the scope changes.
    auto* errors = f.page->findChild<QCheckBox*>(u"filterErrorsOnly"_s);
    errors->setChecked(true);
    f.page->setScope(ScopeFilter::forWorkspace(f.session.directory(), 7));
    QVERIFY(f.page->filter().errorsOnly);
    QVERIFY(f.page->filter().tableIds.contains(21)); // expanded through the Directory
    QVERIFY(f.page->filter().applicationIds.contains(12));
    QCOMPARE(chip->text(), u"workspace Acme Ops"_s);
    errors->setChecked(false);

    QSignalSpy scope(f.page.get(), &StreamPage::scopeChanged);
    chip->click();
    QCOMPARE(scope.count(), 1);
    QVERIFY(!ScopeFilter::hasScope(scope.first().at(0).value<EventFilter>()));
    QVERIFY(!chip->isVisible());
    QTRY_COMPARE_WITH_TIMEOUT(f.model()->rowCount(), f.session.events()->rowCount(), 15000);
}

void TestStreamPage::pauseKeepsCountingAndResumeCatchesUp()
{
    Fixture f;
    QString error;
    QVERIFY2(f.start(demoOptions(50), &error), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(f.model()->rowCount() > 5, 20000);
    auto* pause = f.page->findChild<QToolButton*>(u"pauseButton"_s);
    auto* badge = f.page->findChild<QToolButton*>(u"newBadge"_s);
    QVERIFY(pause && badge);
    QVERIFY(!badge->isVisible());
    QSignalSpy paused(f.page.get(), &StreamPage::pausedChanged);

    pause->click();
    QVERIFY(f.page->isPaused());
    QVERIFY(badge->isVisible());
    QCOMPARE(paused.count(), 1);
    QCOMPARE(paused.first().at(0).toBool(), true);
    const int shown = f.model()->rowCount();
    const quint64 stored = f.session.store().count();
    const int scroll = f.view->verticalScrollBar()->value();
    QTRY_VERIFY_WITH_TIMEOUT(f.session.store().count() > stored + 10, 20000);
    QTRY_VERIFY_WITH_TIMEOUT(f.page->newWhilePaused() > 5, 20000);
    QCOMPARE(f.model()->rowCount(), shown); // the view neither grows…
    QCOMPARE(f.view->verticalScrollBar()->value(), scroll); // …nor moves
    QVERIFY(badge->text().contains(QLocale().toString(f.page->newWhilePaused())));
    QCOMPARE(paused.last().at(0).toBool(), true);
    QVERIFY(paused.last().at(1).toULongLong() > 0);

    f.page->togglePause(); // Space
    QVERIFY(!f.page->isPaused());
    QVERIFY(!badge->isVisible());
    QCOMPARE(f.model()->rowCount(), f.page->filterProxy()->rowCount());
    QVERIFY(f.model()->rowCount() > shown + 5);
    QCOMPARE(paused.last().at(0).toBool(), false);
    QTRY_COMPARE_WITH_TIMEOUT(
        f.view->verticalScrollBar()->value(), f.view->verticalScrollBar()->maximum(), 5000);
}

void TestStreamPage::followsTheTailUnlessScrolledUp()
{
    Fixture f;
    QString error;
    QVERIFY2(f.start(demoOptions(60), &error), qPrintable(error));
    QScrollBar* bar = f.view->verticalScrollBar();
    QTRY_VERIFY_WITH_TIMEOUT(bar->maximum() > 10, 30000);
    QTRY_COMPARE_WITH_TIMEOUT(bar->value(), bar->maximum(), 5000);
    QVERIFY(f.page->isFollowing());

    bar->triggerAction(QAbstractSlider::SliderToMinimum); // the user scrolls up
    QVERIFY(!f.page->isFollowing());
    const int max = bar->maximum();
    QTRY_VERIFY_WITH_TIMEOUT(bar->maximum() > max, 20000);
    QCOMPARE(bar->value(), 0); // stays where the user is

    bar->triggerAction(QAbstractSlider::SliderToMaximum); // back at the end: following again
    QVERIFY(f.page->isFollowing());
    const int max2 = bar->maximum();
    QTRY_VERIFY_WITH_TIMEOUT(bar->maximum() > max2, 20000);
    QTRY_COMPARE_WITH_TIMEOUT(bar->value(), bar->maximum(), 5000);
}

void TestStreamPage::detailsShowTreeRawAndDiff()
{
    Fixture f;
    QString error;
    QVERIFY2(f.start(demoOptions(0), &error), qPrintable(error)); // no traffic: only our edit
    QTRY_VERIFY_WITH_TIMEOUT(isLive(f.session), 15000);
    QTRY_VERIFY_WITH_TIMEOUT(
        findRow(f.model(), EventListModel::TypeColumn, [](const QString& t) { return t == u"page_add"_s; })
            >= 0,
        15000);
    f.session.simulator()->collaboratorUpdateRow(21, 3);
    int row = -1;
    QTRY_VERIFY_WITH_TIMEOUT((row = findRow(f.model(), EventListModel::TypeColumn,
                                  [](const QString& t) { return t == u"rows_updated"_s; }))
            >= 0,
        20000);
    f.page->setPaused(true); // keep the row where it is
    f.view->setCurrentIndex(f.model()->index(row, EventListModel::TypeColumn));
    const quint64 index = f.model()->index(row, 0).data(EventListModel::IndexRole).toULongLong();
    const QByteArray payload = f.session.store().payload(index).toByteArray();

    auto* tree = f.page->findChild<QTreeView*>(u"detailsTree"_s);
    QVERIFY(tree);
    QAbstractItemModelTester treeTester(
        tree->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(tree->model()->rowCount(), 1);
    const QModelIndex root = tree->model()->index(0, 0);
    QStringList keys;
    for (int r = 0; r < tree->model()->rowCount(root); ++r)
        keys << tree->model()->index(r, JsonTreeModel::KeyColumn, root).data().toString();
    QCOMPARE(keys.first(), u"type"_s); // document order
    QVERIFY(keys.contains(u"rows_before_update"_s));
    QVERIFY(keys.contains(u"rows"_s));

    auto* search = f.page->findChild<QLineEdit*>(u"detailsSearch"_s);
    search->setText(u"table_id"_s);
    QCOMPARE(tree->model()->rowCount(tree->model()->index(0, 0)), 1);
    search->clear();
    QCOMPARE(tree->model()->rowCount(tree->model()->index(0, 0)), keys.size());

    auto* raw = f.page->findChild<QPlainTextEdit*>(u"detailsRaw"_s);
    auto* pretty = f.page->findChild<QCheckBox*>(u"detailsPretty"_s);
    QCOMPARE(raw->toPlainText(), QString::fromUtf8(payload));
    pretty->setChecked(true);
    QVERIFY(raw->toPlainText().startsWith(u"{\n  \"type\": \"rows_updated\""_s));
    pretty->setChecked(false);

    // The diff: one row per updated row, field names from the Directory (fetched on demand).
    auto* diff = f.page->findChild<QTreeWidget*>(u"detailsDiff"_s);
    QVERIFY(diff);
    QVERIFY(diff->topLevelItemCount() >= 1);
    const QStringList names {
        u"Name"_s, u"Seats"_s, u"Active"_s, u"Tier"_s, u"Notes"_s, u"Renewal"_s, u"Contacts"_s};
    QTRY_VERIFY_WITH_TIMEOUT(diff->topLevelItemCount() >= 1 && diff->topLevelItem(0)->childCount() > 0
            && names.contains(diff->topLevelItem(0)->child(0)->text(0)),
        10000);
    QTreeWidgetItem* first = diff->topLevelItem(0);
    QCOMPARE(first->text(0), u"Row 3"_s);
    int changed = 0;
    for (int i = 0; i < first->childCount(); ++i) {
        QTreeWidgetItem* cell = first->child(i);
        if (cell->background(2).style() != Qt::NoBrush) {
            ++changed;
            QVERIFY2(names.contains(cell->text(0)), qPrintable(cell->text(0)));
        }
    }
    QVERIFY(changed >= 1);

    // Links: the table opens its page.
    auto* header = f.page->findChild<QLabel*>(u"detailsHeader"_s);
    QVERIFY(header->text().contains(u"table:21"_s));
    QVERIFY(header->text().contains(u"Customers"_s));
    QSignalSpy open(f.page.get(), &StreamPage::openTableRequested);
    emit header->linkActivated(u"table:21"_s);
    QCOMPARE(open.count(), 1);
    QCOMPARE(open.first().at(0).toUInt(), 21u);
    emit header->linkActivated(u"row:21:3"_s);
    QCOMPARE(open.count(), 2);
    emit header->linkActivated(u"ws:7"_s);
    QVERIFY(f.page->filter().workspaceIds.contains(7));
}

void TestStreamPage::copyAndClear()
{
    Fixture f;
    QString error;
    QVERIFY2(f.start(demoOptions(30), &error), qPrintable(error));
    QTRY_VERIFY_WITH_TIMEOUT(f.model()->rowCount() > 6, 20000);
    f.page->setPaused(true);
    f.view->selectionModel()->select(
        f.model()->index(2, 0), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    f.view->selectionModel()->select(
        f.model()->index(0, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
    f.page->copySelectionAsJson();
    const EventStore& store = f.session.store();
    const QString expected
        = QString::fromUtf8(
              store.payload(f.model()->index(0, 0).data(EventListModel::IndexRole).toULongLong())
                  .toByteArray())
        + u'\n'
        + QString::fromUtf8(
            store.payload(f.model()->index(2, 0).data(EventListModel::IndexRole).toULongLong()).toByteArray())
        + u'\n';
    QCOMPARE(QApplication::clipboard()->text(), expected);

    f.page->setPaused(false);
    const quint64 stored = store.count();
    const quint64 shownBefore = quint64(f.session.events()->rowCount());
    f.page->clearView();
    QCOMPARE(f.model()->rowCount(), 0);
    QVERIFY(store.count() >= stored); // the store keeps everything
    QTRY_VERIFY_WITH_TIMEOUT(f.model()->rowCount() > 0, 20000); // new events show up
    QVERIFY(f.model()->index(0, 0).data(EventListModel::IndexRole).toULongLong() >= shownBefore);
}

void TestStreamPage::millionEvents()
{
    // A session that never connects: the test is its store's only writer.
    Session session;
    Ingest ingest(session.store());
    const QList<QByteArray> frames {
        R"({"type":"rows_updated","table_id":21,"rows_before_update":[{"id":1,"field_102":"25"}],"rows":[{"id":1,"field_102":"30"}],"updated_field_ids":[102]})",
        R"({"type":"rows_created","table_id":22,"rows":[{"id":7,"field_201":"Ada"}],"before_row_id":null})",
        R"({"type":"table_updated","table_id":23,"table":{"id":23,"name":"Deals","order":3,"database_id":12}})",
        R"({"type":"rows_deleted","table_id":21,"row_ids":[3]})",
        "{not json",
    };
    constexpr int Count = 1'000'000;
    for (int i = 0; i < Count; ++i)
        ingest.ingestUtf8(
            i == Count / 2 ? QByteArrayView(
                R"({"type":"rows_updated","table_id":21,"rows":[{"id":1,"field_101":"needle in the haystack"}]})")
                           : QByteArrayView(frames[i % frames.size()]));
    session.events()->flush();

    StreamPage page(&session);
    page.resize(1100, 700);
    page.show();
    QTableView* view = page.eventView();
    QAbstractItemModel* model = view->model();
    QCOMPARE(model->rowCount(), Count);
    // Rows are uniform and painted on demand: scrolling through renders a screenful each time.
    QScrollBar* bar = view->verticalScrollBar();
    QTRY_VERIFY_WITH_TIMEOUT(bar->maximum() > Count - 100, 5000);
    for (int step = 0; step <= 8; ++step) {
        bar->setValue(bar->maximum() / 8 * step);
        QVERIFY(!view->grab().isNull());
    }
    QVERIFY(!page.isFollowing()); // moved away from the end
    QCOMPARE(view->rowAt(0), bar->value());

    // Filters over the million, off the GUI thread.
    auto* errors = page.findChild<QCheckBox*>(u"filterErrorsOnly"_s);
    errors->setChecked(true);
    QTRY_VERIFY_WITH_TIMEOUT(!page.filterProxy()->isFiltering(), 30000);
    QCOMPARE(model->rowCount(), Count / 5);
    errors->setChecked(false);
    auto* text = page.findChild<QLineEdit*>(u"filterText"_s);
    text->setText(u"NEEDLE"_s);
    QTRY_COMPARE_WITH_TIMEOUT(page.filter().text, u"NEEDLE"_s, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(!page.filterProxy()->isFiltering(), 30000);
    QCOMPARE(model->rowCount(), 1);
    QCOMPARE(model->index(0, 0).data(EventListModel::IndexRole).toULongLong(), quint64(Count / 2));
    text->clear();
    QTRY_VERIFY_WITH_TIMEOUT(page.filter().isEmpty() && !page.filterProxy()->isFiltering(), 30000);
    QCOMPARE(model->rowCount(), Count);

    page.clearView();
    QCOMPARE(model->rowCount(), 0);
    ingest.ingestUtf8(frames[0]);
    session.events()->flush();
    QCOMPARE(model->rowCount(), 1);
}

QTEST_MAIN(TestStreamPage)
#include "tst_streampage.moc"
