// SPDX-License-Identifier: MIT
#include "layoutmemory.h"

#include <QAbstractItemView>
#include <QHeaderView>
#include <QSettings>
#include <QSplitter>
#include <QTableView>
#include <QTreeView>

using namespace Qt::StringLiterals;

namespace bmon {

namespace {

bool skipped(const QWidget* w)
{
    for (; w; w = w->parentWidget()) {
        if (w->objectName().startsWith("tablePage_"_L1))
            return true;
    }
    return false;
}

QHeaderView* headerOf(QAbstractItemView* view)
{
    if (auto* table = qobject_cast<QTableView*>(view))
        return table->horizontalHeader();
    if (auto* tree = qobject_cast<QTreeView*>(view))
        return tree->header();
    return nullptr;
}

} // namespace

void LayoutMemory::save(QWidget* root)
{
    QSettings s;
    for (QAbstractItemView* view : root->findChildren<QAbstractItemView*>()) {
        QHeaderView* header = headerOf(view);
        if (!header || view->objectName().isEmpty() || skipped(view) || !view->model())
            continue;
        s.setValue("layout/header/"_L1 + view->objectName(), header->saveState());
        s.setValue("layout/headerCount/"_L1 + view->objectName(), header->count());
    }
    for (QSplitter* splitter : root->findChildren<QSplitter*>()) {
        if (!splitter->objectName().isEmpty() && !skipped(splitter))
            s.setValue("layout/splitter/"_L1 + splitter->objectName(), splitter->saveState());
    }
}

void LayoutMemory::restore(QWidget* root)
{
    QSettings s;
    for (QAbstractItemView* view : root->findChildren<QAbstractItemView*>()) {
        QHeaderView* header = headerOf(view);
        if (!header || view->objectName().isEmpty() || skipped(view) || !view->model())
            continue;
        const QByteArray state = s.value("layout/header/"_L1 + view->objectName()).toByteArray();
        // Only a layout made for the same columns: a changed model would get a broken one.
        if (!state.isEmpty()
            && s.value("layout/headerCount/"_L1 + view->objectName()).toInt() == header->count())
            header->restoreState(state);
    }
    for (QSplitter* splitter : root->findChildren<QSplitter*>()) {
        if (splitter->objectName().isEmpty() || skipped(splitter))
            continue;
        const QByteArray state = s.value("layout/splitter/"_L1 + splitter->objectName()).toByteArray();
        if (!state.isEmpty())
            splitter->restoreState(state);
    }
}

} // namespace bmon
