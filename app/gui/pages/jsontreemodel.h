// SPDX-License-Identifier: MIT
#pragma once

#include "jsontree.h"

#include <QAbstractItemModel>

#include <functional>

namespace bmon {

/*!
 * The parsed payload of one event as a tree: key, value, type. Containers show their size as
 * value ("3 keys", "2 items"); leaves their decoded value. Read-only.
 */
class JsonTreeModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column
    {
        KeyColumn,
        ValueColumn,
        TypeColumn,
        ColumnCount
    };
    enum Role
    {
        PathRole = Qt::UserRole + 1,
        JsonRole
    };

    explicit JsonTreeModel(QObject* parent = nullptr);

    //! Shows \a tree (copied); an empty tree empties the model.
    void setTree(const JsonTree& tree);
    const JsonTree& tree() const { return m_tree; }
    void clear();
    //! A name shown beside a key ("field_102 · Seats"); empty = none. Searchable like the key.
    void setKeyHint(std::function<QString(const QString& key)> hint) { m_keyHint = std::move(hint); }
    //! The hints may have changed (fields loaded): repaints the key column.
    void refreshKeys();

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    bool hasChildren(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    int nodeOf(const QModelIndex& index) const; //!< -1 for the invisible root
    QString path(int node) const;

    JsonTree m_tree;
    std::function<QString(const QString&)> m_keyHint;
};

} // namespace bmon
