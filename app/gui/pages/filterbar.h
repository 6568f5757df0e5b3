// SPDX-License-Identifier: MIT
#pragma once

#include "core/eventfilter.h"

#include <QTimer>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QToolButton;

namespace bmon {

class Session;
class TypeFilterButton;

/*!
 * The stream's filter criteria: types by category, direction, errors only, free text or a regular
 * expression (invalid patterns are shown inline and not applied), the scope chosen in the
 * workspace tree as a removable chip, the number of shown/total events and a busy indicator.
 * Text applies as you type, debounced; the other controls apply at once.
 */
class FilterBar : public QWidget
{
    Q_OBJECT
public:
    explicit FilterBar(Session* session, QWidget* parent = nullptr);

    //! The criteria last applied (what filterChanged() carried).
    EventFilter filter() const { return m_applied; }
    //! Replaces the scope criteria and applies at once.
    void setScope(const EventFilter& scopeOnly);
    void focusText();
    //! -1 hides the busy indicator.
    void setBusy(int percent);
    void setCounts(quint64 shown, quint64 total);
    //! Applies a pending text change now (instead of after the debounce).
    void applyNow();
    //! Shows a problem with the applied filter inline (empty hides it).
    void setError(const QString& message);

    static constexpr int DebounceMs = 250;

signals:
    void filterChanged(const bmon::EventFilter& filter);
    //! The user removed the scope chip.
    void scopeCleared();

private:
    void apply();
    void updateScopeChip();

    Session* m_session;
    TypeFilterButton* m_types = nullptr;
    QComboBox* m_direction = nullptr;
    QCheckBox* m_errorsOnly = nullptr;
    QLineEdit* m_text = nullptr;
    QToolButton* m_regex = nullptr;
    QLabel* m_error = nullptr;
    QToolButton* m_scope = nullptr;
    QProgressBar* m_busy = nullptr;
    QLabel* m_count = nullptr;
    QTimer m_debounce;
    EventFilter m_scopeOnly;
    EventFilter m_applied;
};

} // namespace bmon
