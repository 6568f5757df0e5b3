// SPDX-License-Identifier: MIT
#include "sessionview.h"

#include "diagnosticspanel.h"
#include "layoutmemory.h"
#include "session.h"
#include "subscriptionspanel.h"

#if BMON_HAVE_PAGES
#include "pages/comparepage.h"
#include "pages/streampage.h"
#include "pages/tablepage.h"
#include "pages/workspacedock.h"
#endif

#include <QDockWidget>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QStyle>
#include <QTabBar>
#include <QTabWidget>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace bmon {

namespace {

const QString LayoutKey = u"layout/sessionView"_s;
constexpr int LayoutVersion = 1;

#if !BMON_HAVE_PAGES
QWidget* placeholder(const QString& name, const QString& text)
{
    auto* label = new QLabel(text);
    label->setObjectName(name);
    label->setAlignment(Qt::AlignCenter);
    label->setWordWrap(true);
    return label;
}
#endif

} // namespace

SessionView::SessionView(Session* session, QWidget* parent)
    : QMainWindow(parent)
    , m_session(session)
    , m_pages(new QTabWidget)
    , m_subscriptions(new SubscriptionsPanel(session))
    , m_diagnostics(new DiagnosticsPanel(session))
{
    setObjectName(u"sessionView"_s);
    setWindowFlags(Qt::Widget);
    setDockNestingEnabled(true);
    setDockOptions(
        QMainWindow::AnimatedDocks | QMainWindow::AllowTabbedDocks | QMainWindow::AllowNestedDocks);

    m_pages->setObjectName(u"pageTabs"_s);
    m_pages->setDocumentMode(true);
    m_pages->setTabsClosable(true);
    m_pages->setMovable(true);
    connect(m_pages, &QTabWidget::tabCloseRequested, this, &SessionView::closePage);

#if BMON_HAVE_PAGES
    auto* stream = new StreamPage(session);
    auto* tree = new WorkspaceDock(session);
    m_stream = stream;
    m_tree = tree;
    connect(tree, &WorkspaceDock::scopeSelected, stream, &StreamPage::setScope);
    connect(tree, &WorkspaceDock::openTableRequested, this, &SessionView::openTable);
    connect(tree, &WorkspaceDock::compareTableRequested, this, &SessionView::openCompare);
    connect(stream, &StreamPage::openTableRequested, this, &SessionView::openTable);
    connect(stream, &StreamPage::pausedChanged, this, &SessionView::pausedChanged);
    connect(stream, &StreamPage::scopeChanged, tree, &WorkspaceDock::showScope); // the tree follows
#else
    m_stream = placeholder(u"streamPage"_s, tr("The live event stream appears here."));
    m_tree = placeholder(u"workspaceTree"_s, tr("Workspaces, applications and tables appear here."));
#endif
    m_pages->addTab(m_stream, tr("Stream"));
    // The stream stays: only table pages close.
    m_pages->tabBar()->setTabButton(0, QTabBar::RightSide, nullptr);
    m_pages->tabBar()->setTabButton(0, QTabBar::LeftSide, nullptr);

    // Banner: outages and expired logins, above the pages.
    m_banner = new QWidget;
    m_banner->setObjectName(u"outageBanner"_s);
    m_banner->setAttribute(Qt::WA_StyledBackground);
    m_banner->setStyleSheet(u"#outageBanner { background: #fdecea; border-bottom: 1px solid #e8a29b; } "
                            "#outageBanner QLabel { color: #7a1f16; }"_s);
    m_bannerText = new QLabel;
    m_bannerText->setObjectName(u"outageBannerText"_s);
    m_bannerText->setWordWrap(true);
    m_bannerLogin = new QPushButton(tr("Log in again…"));
    m_bannerLogin->setObjectName(u"loginAgainButton"_s);
    auto* bannerClose = new QToolButton;
    bannerClose->setAutoRaise(true);
    bannerClose->setIcon(style()->standardIcon(QStyle::SP_TitleBarCloseButton));
    bannerClose->setToolTip(tr("Hide this message"));
    auto* bannerLayout = new QHBoxLayout(m_banner);
    bannerLayout->setContentsMargins(10, 6, 6, 6);
    bannerLayout->addWidget(new QLabel(u"⚠"_s));
    bannerLayout->addWidget(m_bannerText, 1);
    bannerLayout->addWidget(m_bannerLogin);
    bannerLayout->addWidget(bannerClose);
    m_banner->hide();
    connect(bannerClose, &QToolButton::clicked, this, &SessionView::hideBanner);
    connect(m_bannerLogin, &QPushButton::clicked, this, [this] { emit loginAgainRequested(m_session); });

    auto* central = new QWidget;
    auto* centralLayout = new QVBoxLayout(central);
    centralLayout->setContentsMargins(0, 0, 0, 0);
    centralLayout->setSpacing(0);
    centralLayout->addWidget(m_banner);
    centralLayout->addWidget(m_pages, 1);
    setCentralWidget(central);

    m_workspacesDock = addPanel(tr("Workspaces"), u"workspacesDock"_s, m_tree, Qt::LeftDockWidgetArea);
    m_subscriptionsDock
        = addPanel(tr("Subscriptions"), u"subscriptionsDock"_s, m_subscriptions, Qt::BottomDockWidgetArea);
    m_diagnosticsDock
        = addPanel(tr("Diagnostics"), u"diagnosticsDock"_s, m_diagnostics, Qt::BottomDockWidgetArea);
    tabifyDockWidget(m_subscriptionsDock, m_diagnosticsDock);
    m_diagnosticsDock->raise();

    connect(&session->directory(), &Directory::changed, this, &SessionView::updateTableTitles);
    restoreLayout();
}

SessionView::~SessionView() = default;

QDockWidget* SessionView::addPanel(
    const QString& title, const QString& name, QWidget* content, Qt::DockWidgetArea area)
{
    auto* dock = new QDockWidget(title, this);
    dock->setObjectName(name);
    dock->setWidget(content);
    dock->setFeatures(
        QDockWidget::DockWidgetClosable | QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
    addDockWidget(area, dock);
    return dock;
}

StreamPage* SessionView::streamPage() const
{
#if BMON_HAVE_PAGES
    return static_cast<StreamPage*>(m_stream);
#else
    return nullptr;
#endif
}

void SessionView::openTable(quint32 tableId)
{
    if (tableId == 0)
        return;
    const QString name = u"tablePage_%1"_s.arg(tableId);
    for (int i = 0; i < m_pages->count(); ++i) {
        if (m_pages->widget(i)->objectName() == name) {
            m_pages->setCurrentIndex(i);
            return;
        }
    }
#if BMON_HAVE_PAGES
    auto* table = new TablePage(m_session, tableId);
    connect(table, &TablePage::titleChanged, this, [this, table](const QString& title) {
        const int index = m_pages->indexOf(table);
        if (index >= 0 && !title.isEmpty())
            m_pages->setTabText(index, title);
    });
    connect(table, &TablePage::compareRequested, this, [this, tableId] { openCompare(tableId); });
    QWidget* page = table;
#else
    QWidget* page = placeholder(name, tr("Table %1: its rows appear here.").arg(tableId));
#endif
    page->setObjectName(name);
    page->setProperty("tableId", tableId);
    const QString title = m_session->directory().tableName(tableId);
    const int index = m_pages->addTab(page, title.isEmpty() ? tr("Table %1").arg(tableId) : title);
    m_pages->setTabToolTip(index, tr("Table %1").arg(tableId));
    m_pages->setCurrentIndex(index);
}

QList<quint32> SessionView::openTables() const
{
    QList<quint32> ids;
    for (int i = 0; i < m_pages->count(); ++i) {
        const QVariant id = m_pages->widget(i)->property("tableId");
        if (id.isValid())
            ids.append(id.toUInt());
    }
    return ids;
}

void SessionView::openCompare(quint32 tableId)
{
    if (tableId == 0 || !m_session->connection())
        return; // a recording has no server to compare with
    const QString name = u"comparePage_%1"_s.arg(tableId);
    for (int i = 0; i < m_pages->count(); ++i) {
        if (m_pages->widget(i)->objectName() == name) {
            m_pages->setCurrentIndex(i);
            return;
        }
    }
#if BMON_HAVE_PAGES
    auto* compare = new ComparePage(m_session, tableId);
    compare->setPeerSessions(m_peers);
    connect(compare, &ComparePage::titleChanged, this, [this, compare](const QString& title) {
        const int index = m_pages->indexOf(compare);
        if (index >= 0)
            m_pages->setTabText(index, title);
    });
    connect(compare, &ComparePage::outOfSync, this, &SessionView::outOfSync);
    QWidget* page = compare;
    const QString title = compare->title();
#else
    QWidget* page = placeholder(name, tr("Table %1: its comparison appears here.").arg(tableId));
    const QString title = tr("Compare: table %1").arg(tableId);
#endif
    page->setProperty("compareTableId", tableId); // not "tableId": compare tabs are not restored
    const int index = m_pages->addTab(page, title);
    m_pages->setTabToolTip(
        index, tr("Table %1: realtime events compared with the server's rows").arg(tableId));
    m_pages->setCurrentIndex(index);
}

quint32 SessionView::currentTableId() const
{
    QWidget* page = m_pages->currentWidget();
    if (!page)
        return 0;
    for (const char* property : {"tableId", "compareTableId"}) {
        const QVariant id = page->property(property);
        if (id.isValid())
            return id.toUInt();
    }
    return 0;
}

bool SessionView::compareCurrentTable()
{
    const quint32 id = currentTableId();
    if (id == 0)
        return false;
    openCompare(id);
    return true;
}

void SessionView::closePage(int index)
{
    QWidget* page = m_pages->widget(index);
    if (!page || page == m_stream)
        return;
    m_pages->removeTab(index);
    page->deleteLater(); // a TablePage unsubscribes its table when it goes
}

void SessionView::updateTableTitles()
{
    for (int i = 0; i < m_pages->count(); ++i) {
        const QVariant id = m_pages->widget(i)->property("tableId");
        if (!id.isValid())
            continue;
        const QString title = m_session->directory().tableName(id.toUInt());
        if (!title.isEmpty())
            m_pages->setTabText(i, title);
    }
}

void SessionView::focusFilter()
{
    m_pages->setCurrentWidget(m_stream);
#if BMON_HAVE_PAGES
    streamPage()->focusFilter();
#endif
}

void SessionView::togglePause()
{
#if BMON_HAVE_PAGES
    streamPage()->togglePause();
#endif
}

void SessionView::clearView()
{
#if BMON_HAVE_PAGES
    streamPage()->clearView();
#endif
}

void SessionView::copyAsJson()
{
#if BMON_HAVE_PAGES
    streamPage()->copySelectionAsJson();
#endif
}

void SessionView::refresh()
{
#if BMON_HAVE_PAGES
    if (auto* table = qobject_cast<TablePage*>(m_pages->currentWidget())) {
        table->refresh();
        return;
    }
    if (auto* compare = qobject_cast<ComparePage*>(m_pages->currentWidget())) {
        compare->resnapshot();
        return;
    }
#endif
    m_session->reloadDirectory();
}

void SessionView::showSubscribeForm()
{
    m_subscriptionsDock->show();
    m_subscriptionsDock->raise();
    m_subscriptions->focusForm();
}

void SessionView::showBanner(const QString& text, bool offerLogin)
{
    m_bannerText->setText(text);
    m_bannerLogin->setVisible(offerLogin);
    m_banner->show();
}

void SessionView::hideBanner()
{
    m_banner->hide();
}

bool SessionView::bannerVisible() const
{
    return !m_banner->isHidden();
}

QString SessionView::bannerText() const
{
    return m_bannerText->text();
}

void SessionView::saveLayout()
{
    QSettings().setValue(LayoutKey, saveState(LayoutVersion));
    LayoutMemory::save(this);
}

void SessionView::restoreLayout()
{
    const QByteArray state = QSettings().value(LayoutKey).toByteArray();
    m_layoutRestored = !state.isEmpty() && restoreState(state, LayoutVersion);
    LayoutMemory::restore(this);
}

void SessionView::showEvent(QShowEvent* event)
{
    QMainWindow::showEvent(event);
    if (m_layoutRestored || m_sized)
        return;
    m_sized = true;
    // Dock sizes only take once the layout exists: after the first show.
    QTimer::singleShot(0, this, [this] {
        resizeDocks({m_workspacesDock}, {qMin(270, width() / 4)}, Qt::Horizontal);
        resizeDocks({m_diagnosticsDock}, {qMin(215, height() / 4)}, Qt::Vertical);
    });
}

} // namespace bmon
