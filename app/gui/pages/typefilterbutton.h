// SPDX-License-Identifier: MIT
#pragma once

#include <QHash>
#include <QSet>
#include <QTimer>
#include <QToolButton>

#include <functional>

class QLineEdit;
class QTreeWidget;
class QTreeWidgetItem;

namespace bmon {

/*!
 * The stream's type filter: a button whose popup lists the message types grouped by category
 * (checkable categories and types, with the number of stored events of each), including the
 * unknown types seen so far and "(no type)" for malformed and untyped frames. Everything checked
 * means "any type".
 */
class TypeFilterButton : public QToolButton
{
    Q_OBJECT
public:
    explicit TypeFilterButton(QWidget* parent = nullptr);

    //! Where the per-type counts come from (EventRates::countForType); optional.
    void setCounter(std::function<quint64(quint16)> counter);
    //! The checked type ids; empty when every type is checked.
    QSet<quint16> selectedTypes() const { return m_all ? QSet<quint16>() : m_selected; }
    bool allSelected() const { return m_all; }
    //! Checks exactly \a types (empty = every type).
    void setSelectedTypes(const QSet<quint16>& types);
    //! Adds the unknown types interned since the last call and refreshes the counts.
    void refresh();

    //! An id no event has: the filter for "no type checked".
    static constexpr quint16 NoTypeSentinel = 0xfffe;

signals:
    void selectionChanged();

private:
    QTreeWidgetItem* addType(quint16 id);
    void collect();
    void applySearch(const QString& text);
    void updateText();
    void setAllChecked(bool checked);

    QTreeWidget* m_tree = nullptr;
    QLineEdit* m_search = nullptr;
    QList<QTreeWidgetItem*> m_categories;
    QHash<quint16, QTreeWidgetItem*> m_items;
    int m_knownIds = 0; //!< registry ids already listed
    std::function<quint64(quint16)> m_counter;
    QSet<quint16> m_selected;
    bool m_all = true;
    bool m_updating = false;
    QTimer m_collect; //!< one recomputation after a burst of itemChanged (a category toggles all its types)
};

} // namespace bmon
