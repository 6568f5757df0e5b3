// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>
#include <QString>

#include <optional>

namespace bmon {

/*!
 * A realtime page subscription (PROTOCOL.md §2): a page type plus flat parameters, exactly as
 * they are sent. The page's identity on the server is the type plus the parameters with their
 * JSON types, so ids are always sent as numbers (the form `can_add` accepts everywhere).
 *
 * Spec forms (command line, settings): `table:ID`, `row:TABLE:ROW`, `view:SLUG[:TOKEN]`,
 * `dashboard:ID`, and for any other page type `NAME[:KEY=VALUE]…` (numeric values become numbers).
 */
struct Page
{
    QString name; //!< "table" | "row" | "view" | "dashboard" (others allowed)
    QJsonObject parameters; //!< flat parameters as sent: {"table_id":21} / {"slug":"…","token":…}

    //! Parses a spec; on failure returns nullopt and sets \a error (translated) when given.
    static std::optional<Page> parse(const QString& spec, QString* error = nullptr);
    static Page table(qint64 tableId);
    static Page row(qint64 tableId, qint64 rowId);
    static Page view(const QString& slug, const QString& token = {});
    static Page dashboard(qint64 dashboardId);

    //! Back to the spec form. A view token is never shown: "view:SLUG:…".
    QString toString() const;
    //! {"page":"table","table_id":21}
    QJsonObject subscribeMessage() const;
    //! {"remove_page":"table","table_id":21} (1.21+), or {"page":""} on single-page servers.
    QJsonObject unsubscribeMessage(bool multiPage) const;
    //! Does a page_add/page_discard for \a page with \a echoedParameters name this page? The server
    //! echoes every declared parameter with the value (and JSON type) we sent, null for the ones we
    //! left out, and drops undeclared ones.
    bool matches(const QString& page, const QJsonObject& echoedParameters) const;

    friend bool operator==(const Page& a, const Page& b)
    {
        return a.name == b.name && a.parameters == b.parameters;
    }
    friend bool operator!=(const Page& a, const Page& b) { return !(a == b); }
};

enum class SubscriptionState
{
    Pending, //!< sent (or waiting for the connection), no page_add yet
    Active, //!< page_add received
    Rejected, //!< no page_add within the timeout: Baserow refuses silently (§2.3)
    Discarded, //!< the server dropped it (access lost, or replaced on a single-page server)
    Unsubscribed, //!< removed by us
};

QString subscriptionStateName(SubscriptionState state); //!< "pending", "active", …

struct Subscription
{
    Page page;
    SubscriptionState state = SubscriptionState::Pending;
    QString reason; //!< translated, why it is in this state ("" for the ordinary ones)
    qint64 changedAtMs = 0; //!< Clock::monotonicMs() of the last state change
};

} // namespace bmon
