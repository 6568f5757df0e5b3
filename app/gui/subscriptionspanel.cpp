// SPDX-License-Identifier: MIT
#include "subscriptionspanel.h"

#include "session.h"
#include "subscriptionlistmodel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QIntValidator>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

namespace bmon {

namespace {

enum PageKind
{
    TableKind,
    RowKind,
    ViewKind,
    DashboardKind
};

} // namespace

SubscriptionsPanel::SubscriptionsPanel(Session* session, QWidget* parent)
    : QWidget(parent), m_session(session), m_model(new SubscriptionListModel(this))
{
    setObjectName(QStringLiteral("subscriptionsPanel"));
    m_model->setConnection(session->connection());

    m_view = new QTableView;
    m_view->setObjectName(QStringLiteral("subscriptionsView"));
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 6);
    m_view->setWordWrap(false);
    m_view->horizontalHeader()->setStretchLastSection(false);
    m_view->horizontalHeader()->setSectionResizeMode(
        SubscriptionListModel::ReasonColumn, QHeaderView::Stretch);
    m_view->setColumnWidth(SubscriptionListModel::PageColumn, 170);
    m_view->setColumnWidth(SubscriptionListModel::StateColumn, 90);
    m_view->setColumnWidth(SubscriptionListModel::SinceColumn, 70);

    m_type = new QComboBox;
    m_type->setObjectName(QStringLiteral("pageType"));
    m_type->addItem(tr("Table"), TableKind);
    m_type->addItem(tr("Row"), RowKind);
    m_type->addItem(tr("Public view"), ViewKind);
    m_type->addItem(tr("Dashboard"), DashboardKind);
    m_first = new QLineEdit;
    m_first->setObjectName(QStringLiteral("pageFirst"));
    m_second = new QLineEdit;
    m_second->setObjectName(QStringLiteral("pageSecond"));
    m_subscribe = new QPushButton(tr("Subscribe"));
    m_subscribe->setObjectName(QStringLiteral("subscribeButton"));
    m_unsubscribe = new QPushButton(tr("Unsubscribe"));
    m_unsubscribe->setObjectName(QStringLiteral("unsubscribeButton"));
    m_error = new QLabel;
    m_error->setObjectName(QStringLiteral("subscribeError"));
    m_error->setStyleSheet(QStringLiteral("color: #d23f31;"));
    m_error->hide();

    auto* form = new QHBoxLayout;
    form->setContentsMargins(0, 0, 0, 0);
    form->addWidget(m_type);
    form->addWidget(m_first, 1);
    form->addWidget(m_second, 1);
    form->addWidget(m_subscribe);
    form->addSpacing(12);
    form->addWidget(m_unsubscribe);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addWidget(m_view, 1);

    connect(m_type, &QComboBox::currentIndexChanged, this, &SubscriptionsPanel::updateForm);
    connect(m_subscribe, &QPushButton::clicked, this, &SubscriptionsPanel::subscribe);
    connect(m_first, &QLineEdit::returnPressed, this, &SubscriptionsPanel::subscribe);
    connect(m_second, &QLineEdit::returnPressed, this, &SubscriptionsPanel::subscribe);
    connect(m_unsubscribe, &QPushButton::clicked, this, &SubscriptionsPanel::unsubscribe);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
        &SubscriptionsPanel::updateButtons);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &SubscriptionsPanel::updateButtons);
    updateForm();
    updateButtons();
}

void SubscriptionsPanel::focusForm()
{
    m_first->setFocus(Qt::ShortcutFocusReason);
    m_first->selectAll();
}

void SubscriptionsPanel::updateForm()
{
    const int kind = m_type->currentData().toInt();
    m_first->clear();
    m_second->clear();
    m_second->setEchoMode(QLineEdit::Normal);
    m_second->setVisible(kind == RowKind || kind == ViewKind);
    switch (kind) {
    case TableKind:
        m_first->setPlaceholderText(tr("Table id, e.g. 21"));
        break;
    case RowKind:
        m_first->setPlaceholderText(tr("Table id"));
        m_second->setPlaceholderText(tr("Row id"));
        break;
    case ViewKind:
        m_first->setPlaceholderText(tr("Public view slug"));
        m_second->setPlaceholderText(tr("Token (password-protected views; optional)"));
        m_second->setEchoMode(QLineEdit::Password); // a view token is a secret
        break;
    case DashboardKind:
        m_first->setPlaceholderText(tr("Dashboard id"));
        break;
    }
    m_error->hide();
}

void SubscriptionsPanel::updateButtons()
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    const bool active
        = !rows.isEmpty() && m_model->stateAt(rows.first().row()) != SubscriptionState::Unsubscribed;
    m_unsubscribe->setEnabled(active);
}

void SubscriptionsPanel::subscribe()
{
    Connection* connection = m_session->connection();
    if (!connection)
        return;
    auto id = [](const QLineEdit* edit, bool* ok) {
        const qint64 v = edit->text().trimmed().toLongLong(ok);
        *ok = *ok && v > 0;
        return v;
    };
    bool ok1 = true, ok2 = true;
    std::optional<Page> page;
    QString error;
    switch (m_type->currentData().toInt()) {
    case TableKind: {
        const qint64 table = id(m_first, &ok1);
        if (ok1)
            page = Page::table(table);
        else
            error = tr("Enter a table id (a positive number).");
        break;
    }
    case RowKind: {
        const qint64 table = id(m_first, &ok1);
        const qint64 row = id(m_second, &ok2);
        if (ok1 && ok2)
            page = Page::row(table, row);
        else
            error = tr("Enter a table id and a row id (positive numbers).");
        break;
    }
    case ViewKind: {
        const QString slug = m_first->text().trimmed();
        if (!slug.isEmpty() && !slug.contains(u':'))
            page = Page::view(slug, m_second->text().trimmed());
        else
            error = tr("Enter the public view's slug (the last part of its shared link).");
        break;
    }
    case DashboardKind: {
        const qint64 dashboard = id(m_first, &ok1);
        if (ok1)
            page = Page::dashboard(dashboard);
        else
            error = tr("Enter a dashboard id (a positive number).");
        break;
    }
    }
    if (!page) {
        m_error->setText(error);
        m_error->show();
        return;
    }
    m_error->hide();
    connection->subscribe(*page);
    m_first->clear();
    m_second->clear();
}

void SubscriptionsPanel::unsubscribe()
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    if (rows.isEmpty() || !m_session->connection())
        return;
    m_session->connection()->unsubscribe(m_model->pageAt(rows.first().row()));
}

} // namespace bmon
