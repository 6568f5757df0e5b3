// SPDX-License-Identifier: MIT
#pragma once

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;

namespace bmon {

class Session;
class SubscriptionListModel;

/*!
 * The session's page subscriptions and their states (pending, active, rejected, discarded,
 * unsubscribed) with the reason, live; a form to subscribe to a table, a row, a public view
 * (slug and optional token, never displayed) or a dashboard; unsubscribe the selected page.
 */
class SubscriptionsPanel : public QWidget
{
    Q_OBJECT
public:
    explicit SubscriptionsPanel(Session* session, QWidget* parent = nullptr);

    SubscriptionListModel* model() const { return m_model; }
    //! Puts the cursor in the subscribe form (the "Subscribe…" action).
    void focusForm();

private:
    void updateForm();
    void updateButtons();
    void subscribe();
    void unsubscribe();

    Session* m_session;
    SubscriptionListModel* m_model;
    QTableView* m_view;
    QComboBox* m_type;
    QLineEdit* m_first;
    QLineEdit* m_second;
    QPushButton* m_subscribe;
    QPushButton* m_unsubscribe;
    QLabel* m_error;
};

} // namespace bmon
