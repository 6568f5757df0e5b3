// SPDX-License-Identifier: MIT
#include "filterbar.h"

#include "core/eventrates.h"
#include "scopefilter.h"
#include "session.h"
#include "typefilterbutton.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProgressBar>
#include <QRegularExpression>
#include <QStyle>
#include <QToolButton>

namespace bmon {

FilterBar::FilterBar(Session* session, QWidget* parent) : QWidget(parent), m_session(session)
{
    setObjectName(QStringLiteral("filterBar"));

    m_types = new TypeFilterButton;
    m_types->setCounter([this](quint16 id) { return m_session->rates().countForType(id); });

    m_direction = new QComboBox;
    m_direction->setObjectName(QStringLiteral("filterDirection"));
    m_direction->addItem(tr("Both directions"), int(EventFilter::DirectionFilter::Any));
    m_direction->addItem(tr("Received"), int(EventFilter::DirectionFilter::Received));
    m_direction->addItem(tr("Sent"), int(EventFilter::DirectionFilter::Sent));
    m_direction->setToolTip(tr("Frames received from the server, sent by the monitor, or both"));

    m_errorsOnly = new QCheckBox(tr("Errors only"));
    m_errorsOnly->setObjectName(QStringLiteral("filterErrorsOnly"));
    m_errorsOnly->setToolTip(tr("Only frames that are not valid JSON objects"));

    m_text = new QLineEdit;
    m_text->setObjectName(QStringLiteral("filterText"));
    m_text->setPlaceholderText(tr("Filter: text in types, names and values (Ctrl+F)"));
    m_text->setClearButtonEnabled(true);
    m_text->setMinimumWidth(220);

    m_regex = new QToolButton;
    m_regex->setObjectName(QStringLiteral("filterRegex"));
    m_regex->setText(QStringLiteral(".*"));
    m_regex->setCheckable(true);
    m_regex->setToolTip(tr("Treat the filter text as a regular expression"));

    m_error = new QLabel;
    m_error->setObjectName(QStringLiteral("filterError"));
    m_error->setVisible(false);
    m_error->setStyleSheet(QStringLiteral("QLabel { color: #d0342c; }"));
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_scope = new QToolButton;
    m_scope->setObjectName(QStringLiteral("filterScope"));
    m_scope->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_scope->setIcon(style()->standardIcon(QStyle::SP_TitleBarCloseButton));
    m_scope->setLayoutDirection(Qt::RightToLeft); // the ✕ after the text, as on a chip
    m_scope->setAutoRaise(false);
    m_scope->setToolTip(tr("Events of this part of the workspace tree only; click to show all"));
    m_scope->setStyleSheet(
        QStringLiteral("QToolButton#filterScope { border: 1px solid palette(highlight); border-radius: 9px;"
                       " padding: 1px 6px; background: palette(alternate-base); }"));
    m_scope->setVisible(false);

    m_busy = new QProgressBar;
    m_busy->setObjectName(QStringLiteral("filterBusy"));
    m_busy->setRange(0, 100);
    m_busy->setMaximumWidth(110);
    m_busy->setMaximumHeight(m_text->sizeHint().height() - 6);
    m_busy->setFormat(tr("filtering %p%"));
    m_busy->setVisible(false);

    m_count = new QLabel;
    m_count->setObjectName(QStringLiteral("filterCount"));
    m_count->setToolTip(tr("Events shown / events stored"));

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_types);
    layout->addWidget(m_direction);
    layout->addWidget(m_errorsOnly);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_regex);
    layout->addWidget(m_error);
    layout->addWidget(m_scope);
    layout->addWidget(m_busy);
    layout->addWidget(m_count);

    m_debounce.setSingleShot(true);
    m_debounce.setInterval(DebounceMs);
    connect(&m_debounce, &QTimer::timeout, this, &FilterBar::apply);
    connect(m_text, &QLineEdit::textChanged, this, [this] { m_debounce.start(); });
    connect(m_text, &QLineEdit::returnPressed, this, &FilterBar::applyNow);
    connect(m_types, &TypeFilterButton::selectionChanged, this, [this] { m_debounce.start(); });
    connect(m_regex, &QToolButton::toggled, this, &FilterBar::applyNow);
    connect(m_errorsOnly, &QCheckBox::toggled, this, &FilterBar::applyNow);
    connect(m_direction, &QComboBox::currentIndexChanged, this, &FilterBar::applyNow);
    connect(m_scope, &QToolButton::clicked, this, [this] {
        setScope(EventFilter {});
        emit scopeCleared();
    });
    connect(&m_session->directory(), &Directory::changed, this, &FilterBar::updateScopeChip);
}

void FilterBar::setScope(const EventFilter& scopeOnly)
{
    m_scopeOnly = ScopeFilter::scopeOf(scopeOnly);
    updateScopeChip();
    applyNow();
}

void FilterBar::updateScopeChip()
{
    const bool scoped = ScopeFilter::hasScope(m_scopeOnly);
    m_scope->setVisible(scoped);
    if (scoped)
        m_scope->setText(ScopeFilter::describe(m_session->directory(), m_scopeOnly));
}

void FilterBar::focusText()
{
    m_text->setFocus(Qt::ShortcutFocusReason);
    m_text->selectAll();
}

void FilterBar::setBusy(int percent)
{
    m_busy->setVisible(percent >= 0);
    if (percent >= 0)
        m_busy->setValue(qBound(0, percent, 100));
}

void FilterBar::setCounts(quint64 shown, quint64 total)
{
    const QLocale locale;
    if (shown == total)
        m_count->setText(tr("%1 events").arg(locale.toString(total)));
    else
        m_count->setText(tr("%1 of %2 events").arg(locale.toString(shown), locale.toString(total)));
}

void FilterBar::setError(const QString& message)
{
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
}

void FilterBar::applyNow()
{
    m_debounce.stop();
    apply();
}

void FilterBar::apply()
{
    EventFilter f = ScopeFilter::withScope(EventFilter {}, m_scopeOnly);
    if (!m_types->allSelected()) {
        f.types = m_types->selectedTypes();
        if (f.types.isEmpty())
            f.types.insert(TypeFilterButton::NoTypeSentinel);
    }
    f.direction = EventFilter::DirectionFilter(m_direction->currentData().toInt());
    f.errorsOnly = m_errorsOnly->isChecked();
    const QString text = m_text->text();
    if (m_regex->isChecked()) {
        const QRegularExpression re(text, QRegularExpression::CaseInsensitiveOption);
        if (!re.isValid()) {
            // Shown, not applied: the previous filter stays until the pattern is fixed.
            m_error->setText(tr("Invalid regular expression at %1: %2")
                                 .arg(re.patternErrorOffset())
                                 .arg(re.errorString()));
            m_error->setVisible(true);
            m_text->setStyleSheet(QStringLiteral("QLineEdit { border: 1px solid #d0342c; }"));
            return;
        }
        f.regex = text;
    } else {
        f.text = text;
    }
    m_error->setVisible(false);
    m_text->setStyleSheet(QString());
    if (f == m_applied)
        return;
    m_applied = f;
    emit filterChanged(m_applied);
}

} // namespace bmon
