// SPDX-License-Identifier: MIT
#include "jsonsearchproxy.h"

#include "jsontreemodel.h"

#include <QColor>
#include <QFont>

namespace bmon {

JsonSearchProxy::JsonSearchProxy(QObject* parent) : QSortFilterProxyModel(parent)
{
    setRecursiveFilteringEnabled(true);
    setAutoAcceptChildRows(true);
}

void JsonSearchProxy::setSearchText(const QString& text)
{
    if (text == m_text)
        return;
    m_text = text;
    invalidateFilter();
}

bool JsonSearchProxy::matches(const QModelIndex& sourceIndex) const
{
    if (m_text.isEmpty() || !sourceIndex.isValid())
        return false;
    const QAbstractItemModel* m = sourceModel();
    for (int column : {int(JsonTreeModel::KeyColumn), int(JsonTreeModel::ValueColumn)}) {
        const QString s = m->index(sourceIndex.row(), column, sourceIndex.parent()).data().toString();
        if (s.contains(m_text, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

bool JsonSearchProxy::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    if (m_text.isEmpty())
        return true;
    return matches(sourceModel()->index(sourceRow, 0, sourceParent));
}

int JsonSearchProxy::countMatches(const QModelIndex& sourceParent) const
{
    const QAbstractItemModel* m = sourceModel();
    int n = 0;
    for (int row = 0, rows = m->rowCount(sourceParent); row < rows; ++row) {
        const QModelIndex child = m->index(row, 0, sourceParent);
        n += matches(child) ? 1 : 0;
        n += countMatches(child);
    }
    return n;
}

int JsonSearchProxy::matchCount() const
{
    if (m_text.isEmpty() || !sourceModel())
        return 0;
    return countMatches({});
}

QVariant JsonSearchProxy::data(const QModelIndex& index, int role) const
{
    if ((role == Qt::BackgroundRole || role == Qt::FontRole) && !m_text.isEmpty()
        && matches(mapToSource(index))) {
        if (role == Qt::BackgroundRole)
            return QColor(255, 200, 0, 90); // translucent: readable on light and dark palettes
        QFont f;
        f.setBold(true);
        return f;
    }
    return QSortFilterProxyModel::data(index, role);
}

} // namespace bmon
