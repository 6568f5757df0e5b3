// SPDX-License-Identifier: MIT
#include "typefilterbutton.h"

#include "core/messagetypes.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QWidgetAction>

namespace bmon {

namespace {

constexpr int IdRole = Qt::UserRole + 1;

QString versionText(int code)
{
    return QStringLiteral("%1.%2.%3").arg(code / 10000).arg((code / 100) % 100).arg(code % 100);
}

QString categoryTitle(Category c)
{
    switch (c) {
    case Category::Control:
        return TypeFilterButton::tr("Connection and subscriptions");
    case Category::Core:
        return TypeFilterButton::tr("Core (workspaces, users, applications)");
    case Category::Database:
        return TypeFilterButton::tr("Database");
    case Category::Builder:
        return TypeFilterButton::tr("Application builder");
    case Category::Dashboard:
        return TypeFilterButton::tr("Dashboard");
    case Category::Automation:
        return TypeFilterButton::tr("Automation");
    case Category::Premium:
        return TypeFilterButton::tr("Premium and enterprise");
    case Category::Unknown:
        return TypeFilterButton::tr("Unknown and malformed");
    }
    return {};
}

} // namespace

TypeFilterButton::TypeFilterButton(QWidget* parent) : QToolButton(parent)
{
    setObjectName(QStringLiteral("filterTypes"));
    setPopupMode(QToolButton::InstantPopup);
    setToolButtonStyle(Qt::ToolButtonTextOnly);
    setToolTip(tr("Show only some message types"));

    auto* popup = new QWidget;
    popup->setObjectName(QStringLiteral("filterTypesPopup"));
    auto* layout = new QVBoxLayout(popup);
    layout->setContentsMargins(6, 6, 6, 6);
    m_search = new QLineEdit;
    m_search->setObjectName(QStringLiteral("filterTypesSearch"));
    m_search->setPlaceholderText(tr("Find a type…"));
    m_search->setClearButtonEnabled(true);
    m_tree = new QTreeWidget;
    m_tree->setObjectName(QStringLiteral("filterTypesTree"));
    m_tree->setColumnCount(2);
    m_tree->setHeaderLabels({tr("Type"), tr("Events")});
    m_tree->header()->setStretchLastSection(false);
    m_tree->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_tree->header()->setSectionResizeMode(1, QHeaderView::Fixed);
    m_tree->header()->resizeSection(
        1, m_tree->fontMetrics().horizontalAdvance(QStringLiteral("0000000")) + 12);
    m_tree->setUniformRowHeights(true);
    m_tree->setMinimumSize(380, 440);
    auto* buttons = new QHBoxLayout;
    auto* all = new QPushButton(tr("All"));
    all->setObjectName(QStringLiteral("filterTypesAll"));
    auto* none = new QPushButton(tr("None"));
    none->setObjectName(QStringLiteral("filterTypesNone"));
    buttons->addWidget(all);
    buttons->addWidget(none);
    buttons->addStretch();
    layout->addWidget(m_search);
    layout->addWidget(m_tree);
    layout->addLayout(buttons);

    auto* menu = new QMenu(this);
    auto* action = new QWidgetAction(menu);
    action->setDefaultWidget(popup);
    menu->addAction(action);
    setMenu(menu);
    connect(menu, &QMenu::aboutToShow, this, [this] {
        refresh();
        m_search->setFocus();
    });

    // Listed in this order; m_categories is indexed by Category.
    m_categories.resize(CategoryCount);
    for (Category c : {Category::Control, Category::Core, Category::Database, Category::Builder,
             Category::Dashboard, Category::Automation, Category::Premium, Category::Unknown}) {
        auto* item = new QTreeWidgetItem(m_tree, {categoryTitle(c)});
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable | Qt::ItemIsAutoTristate);
        item->setCheckState(0, Qt::Checked);
        item->setData(0, IdRole, -1 - int(c));
        m_categories[int(c)] = item;
    }
    addType(KnownType::None); // "(no type)": malformed and untyped frames
    refresh();
    m_tree->expandItem(m_categories[int(Category::Unknown)]);

    m_collect.setSingleShot(true);
    m_collect.setInterval(0);
    connect(&m_collect, &QTimer::timeout, this, &TypeFilterButton::collect);
    connect(m_tree, &QTreeWidget::itemChanged, this, [this](QTreeWidgetItem*, int column) {
        if (column == 0 && !m_updating)
            m_collect.start();
    });
    connect(m_search, &QLineEdit::textChanged, this, &TypeFilterButton::applySearch);
    connect(all, &QPushButton::clicked, this, [this] { setAllChecked(true); });
    connect(none, &QPushButton::clicked, this, [this] { setAllChecked(false); });
    updateText();
}

void TypeFilterButton::setCounter(std::function<quint64(quint16)> counter)
{
    m_counter = std::move(counter);
    refresh();
}

QTreeWidgetItem* TypeFilterButton::addType(quint16 id)
{
    if (QTreeWidgetItem* existing = m_items.value(id))
        return existing;
    const TypeRegistry& registry = TypeRegistry::instance();
    const Category category = id == KnownType::None ? Category::Unknown : registry.category(id);
    QTreeWidgetItem* parent = m_categories.value(int(category));
    if (!parent)
        parent = m_categories[int(Category::Unknown)];
    QString name = id == KnownType::None ? tr("(no type: malformed or untyped frames)") : registry.name(id);
    auto* item = new QTreeWidgetItem({name});
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable | Qt::ItemNeverHasChildren);
    item->setData(0, IdRole, int(id));
    item->setTextAlignment(1, Qt::AlignRight | Qt::AlignVCenter);
    if (const MessageTypeInfo* info = registry.info(id)) {
        item->setToolTip(0,
            info->until ? tr("%1: sent by Baserow %2 to %3")
                              .arg(name, versionText(info->since), versionText(info->until))
                        : tr("%1: sent since Baserow %2").arg(name, versionText(info->since)));
    } else if (id != KnownType::None) {
        item->setToolTip(0, tr("%1: a type this monitor does not know").arg(name));
    }
    // A new type is shown when everything is, or when its whole category is.
    const bool checked = m_all || parent->checkState(0) == Qt::Checked;
    const bool wasUpdating = m_updating;
    m_updating = true;
    parent->addChild(item);
    item->setCheckState(0, checked ? Qt::Checked : Qt::Unchecked);
    m_updating = wasUpdating;
    m_items.insert(id, item);
    if (checked && !m_all)
        m_selected.insert(id);
    return item;
}

void TypeFilterButton::refresh()
{
    const TypeRegistry& registry = TypeRegistry::instance();
    const int count = registry.count();
    bool added = false;
    for (int id = qMax(1, m_knownIds); id < count; ++id) {
        addType(quint16(id));
        added = true;
    }
    m_knownIds = qMax(m_knownIds, count);
    if (count >= TypeRegistry::MaxIds && !m_items.contains(TypeRegistry::OverflowId)) {
        addType(TypeRegistry::OverflowId);
        added = true;
    }
    if (added) {
        for (QTreeWidgetItem* c : std::as_const(m_categories))
            c->sortChildren(0, Qt::AscendingOrder);
    }
    if (m_counter) {
        const bool wasUpdating = m_updating;
        m_updating = true;
        const QLocale locale;
        for (QTreeWidgetItem* category : std::as_const(m_categories)) {
            quint64 sum = 0;
            for (int i = 0; i < category->childCount(); ++i) {
                QTreeWidgetItem* item = category->child(i);
                const quint64 n = m_counter(quint16(item->data(0, IdRole).toInt()));
                item->setText(1, locale.toString(n));
                sum += n;
            }
            category->setText(1, locale.toString(sum));
            category->setTextAlignment(1, Qt::AlignRight | Qt::AlignVCenter);
        }
        m_updating = wasUpdating;
    }
    for (QTreeWidgetItem* c : std::as_const(m_categories))
        c->setHidden(c->childCount() == 0);
    if (!m_search->text().isEmpty())
        applySearch(m_search->text());
}

void TypeFilterButton::collect()
{
    QSet<quint16> selected;
    bool all = true;
    for (auto it = m_items.cbegin(); it != m_items.cend(); ++it) {
        if (it.value()->checkState(0) == Qt::Checked)
            selected.insert(it.key());
        else
            all = false;
    }
    if (all)
        selected.clear();
    if (all == m_all && selected == m_selected)
        return;
    m_all = all;
    m_selected = selected;
    updateText();
    emit selectionChanged();
}

void TypeFilterButton::setSelectedTypes(const QSet<quint16>& types)
{
    for (quint16 id : types)
        addType(id);
    m_updating = true;
    for (auto it = m_items.cbegin(); it != m_items.cend(); ++it)
        it.value()->setCheckState(
            0, types.isEmpty() || types.contains(it.key()) ? Qt::Checked : Qt::Unchecked);
    m_updating = false;
    collect();
}

void TypeFilterButton::setAllChecked(bool checked)
{
    m_updating = true;
    for (QTreeWidgetItem* item : std::as_const(m_items))
        item->setCheckState(0, checked ? Qt::Checked : Qt::Unchecked);
    m_updating = false;
    collect();
}

void TypeFilterButton::applySearch(const QString& text)
{
    for (QTreeWidgetItem* category : std::as_const(m_categories)) {
        int visible = 0;
        for (int i = 0; i < category->childCount(); ++i) {
            QTreeWidgetItem* item = category->child(i);
            const bool show = text.isEmpty() || item->text(0).contains(text, Qt::CaseInsensitive);
            item->setHidden(!show);
            visible += show ? 1 : 0;
        }
        category->setHidden(visible == 0);
        if (!text.isEmpty() && visible > 0)
            category->setExpanded(true);
    }
}

void TypeFilterButton::updateText()
{
    QString text;
    if (m_all) {
        text = tr("All types");
    } else if (m_selected.isEmpty()) {
        text = tr("No types");
    } else if (m_selected.size() == 1) {
        const quint16 id = *m_selected.cbegin();
        text = id == KnownType::None ? tr("(no type)") : TypeRegistry::instance().name(id);
    } else {
        text = tr("%1 of %2 types").arg(m_selected.size()).arg(m_items.size());
    }
    setText(text);
}

} // namespace bmon
