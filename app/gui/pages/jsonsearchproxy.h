// SPDX-License-Identifier: MIT
#pragma once

#include <QSortFilterProxyModel>

namespace bmon {

/*!
 * The details pane's search over a JsonTreeModel: keeps the rows whose key or value contains the
 * text (case-insensitive), their ancestors (to reach them) and the subtrees of matching
 * containers, and highlights the matching rows. An empty search shows everything.
 */
class JsonSearchProxy : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit JsonSearchProxy(QObject* parent = nullptr);

    void setSearchText(const QString& text);
    QString searchText() const { return m_text; }
    //! Source rows matching the search (0 without one).
    int matchCount() const;

    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    bool matches(const QModelIndex& sourceIndex) const;
    int countMatches(const QModelIndex& sourceParent) const;

    QString m_text;
};

} // namespace bmon
