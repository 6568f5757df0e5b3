// SPDX-License-Identifier: MIT
#include "net/page.h"

#include <QCoreApplication>
#include <QRegularExpression>
#include <QStringList>

using namespace Qt::StringLiterals;

namespace bmon {

namespace {

constexpr qint64 MaxExactId = 9007199254740991LL; // 2^53 − 1: beyond it JSON numbers lose integers

//! A positive integer id written in decimal digits only.
std::optional<qint64> parseId(QStringView text)
{
    if (text.isEmpty() || text.size() > 16)
        return std::nullopt;
    for (QChar c : text) {
        if (c < u'0' || c > u'9')
            return std::nullopt;
    }
    bool ok = false;
    const qint64 id = text.toLongLong(&ok);
    if (!ok || id < 1 || id > MaxExactId)
        return std::nullopt;
    return id;
}

bool isIdentifier(const QString& s)
{
    static const QRegularExpression re(u"^[a-z0-9_]{1,64}$"_s);
    return re.match(s).hasMatch();
}

bool fail(QString* error, const QString& message)
{
    if (error)
        *error = message;
    return false;
}

QString valueText(const QJsonValue& v)
{
    if (v.isDouble()) {
        const double d = v.toDouble();
        if (d == double(qint64(d)))
            return QString::number(qint64(d));
        return QString::number(d);
    }
    if (v.isString())
        return v.toString();
    if (v.isBool())
        return v.toBool() ? u"true"_s : u"false"_s;
    if (v.isNull())
        return u"null"_s;
    return u"?"_s;
}

} // namespace

Page Page::table(qint64 tableId)
{
    return {u"table"_s, QJsonObject {{u"table_id"_s, tableId}}};
}

Page Page::row(qint64 tableId, qint64 rowId)
{
    return {u"row"_s, QJsonObject {{u"table_id"_s, tableId}, {u"row_id"_s, rowId}}};
}

Page Page::view(const QString& slug, const QString& token)
{
    QJsonObject params {{u"slug"_s, slug}};
    if (!token.isEmpty())
        params.insert(u"token"_s, token);
    return {u"view"_s, params};
}

Page Page::dashboard(qint64 dashboardId)
{
    return {u"dashboard"_s, QJsonObject {{u"dashboard_id"_s, dashboardId}}};
}

std::optional<Page> Page::parse(const QString& spec, QString* error)
{
    const QString s = spec.trimmed();
    if (s.isEmpty()) {
        fail(error, QCoreApplication::translate("bmon::Page", "The page is empty; expected e.g. table:21."));
        return std::nullopt;
    }
    const qsizetype colon = s.indexOf(u':');
    const QString name = (colon < 0 ? s : s.left(colon)).trimmed().toLower();
    const QString rest = colon < 0 ? QString() : s.mid(colon + 1);
    const QStringList args = colon < 0 ? QStringList() : rest.split(u':');
    auto badId = [&](const QString& what, const QString& value) {
        fail(error,
            QCoreApplication::translate("bmon::Page", "%1 must be a positive whole number, not \"%2\".")
                .arg(what, value));
        return std::nullopt;
    };

    if (name == "table"_L1) {
        if (args.size() != 1) {
            fail(error, QCoreApplication::translate("bmon::Page", "Expected table:TABLE_ID, e.g. table:21."));
            return std::nullopt;
        }
        const auto id = parseId(args[0].trimmed());
        if (!id)
            return badId(QCoreApplication::translate("bmon::Page", "The table id"), args[0]);
        return table(*id);
    }
    if (name == "row"_L1) {
        if (args.size() != 2) {
            fail(error,
                QCoreApplication::translate("bmon::Page", "Expected row:TABLE_ID:ROW_ID, e.g. row:21:5."));
            return std::nullopt;
        }
        const auto t = parseId(args[0].trimmed());
        if (!t)
            return badId(QCoreApplication::translate("bmon::Page", "The table id"), args[0]);
        const auto r = parseId(args[1].trimmed());
        if (!r)
            return badId(QCoreApplication::translate("bmon::Page", "The row id"), args[1]);
        return row(*t, *r);
    }
    if (name == "dashboard"_L1) {
        if (args.size() != 1) {
            fail(error,
                QCoreApplication::translate(
                    "bmon::Page", "Expected dashboard:DASHBOARD_ID, e.g. dashboard:3."));
            return std::nullopt;
        }
        const auto id = parseId(args[0].trimmed());
        if (!id)
            return badId(QCoreApplication::translate("bmon::Page", "The dashboard id"), args[0]);
        return dashboard(*id);
    }
    if (name == "view"_L1) {
        // The slug is URL-safe base64; the optional token (a JWT) is everything after the next colon.
        const qsizetype second = rest.indexOf(u':');
        const QString slug = (second < 0 ? rest : rest.left(second)).trimmed();
        const QString token = second < 0 ? QString() : rest.mid(second + 1).trimmed();
        static const QRegularExpression slugRe(u"^[A-Za-z0-9_-]{1,128}$"_s);
        if (colon < 0 || slug.isEmpty()) {
            fail(error,
                QCoreApplication::translate(
                    "bmon::Page", "Expected view:SLUG or view:SLUG:TOKEN (the public view's slug)."));
            return std::nullopt;
        }
        if (!slugRe.match(slug).hasMatch()) {
            fail(error,
                QCoreApplication::translate(
                    "bmon::Page", "\"%1\" is not a public view slug (letters, digits, - and _).")
                    .arg(slug));
            return std::nullopt;
        }
        return view(slug, token);
    }

    // Any other page type: NAME[:KEY=VALUE]…, kept for servers newer than this client.
    if (!isIdentifier(name) || name == "page"_L1 || name == "remove_page"_L1) {
        fail(error,
            QCoreApplication::translate("bmon::Page",
                "\"%1\" is not a page type; expected table:ID, row:TABLE:ROW, view:SLUG or dashboard:ID.")
                .arg(name));
        return std::nullopt;
    }
    Page p;
    p.name = name;
    for (const QString& arg : args) {
        const qsizetype eq = arg.indexOf(u'=');
        const QString key = (eq < 0 ? arg : arg.left(eq)).trimmed().toLower();
        const QString value = eq < 0 ? QString() : arg.mid(eq + 1).trimmed();
        if (eq < 0 || !isIdentifier(key) || key == "page"_L1 || key == "remove_page"_L1) {
            fail(error,
                QCoreApplication::translate(
                    "bmon::Page", "Expected KEY=VALUE after the page type, not \"%1\".")
                    .arg(arg));
            return std::nullopt;
        }
        if (p.parameters.contains(key)) {
            fail(error,
                QCoreApplication::translate("bmon::Page", "The parameter \"%1\" is given twice.").arg(key));
            return std::nullopt;
        }
        if (const auto id = parseId(value))
            p.parameters.insert(key, *id);
        else
            p.parameters.insert(key, value);
    }
    return p;
}

QString Page::toString() const
{
    auto id = [this](const char* key) { return valueText(parameters.value(QLatin1String(key))); };
    auto has = [this](std::initializer_list<const char*> keys) {
        if (parameters.size() != qsizetype(keys.size()))
            return false;
        for (const char* k : keys) {
            if (!parameters.value(QLatin1String(k)).isDouble())
                return false;
        }
        return true;
    };
    if (name == "table"_L1 && has({"table_id"}))
        return u"table:"_s + id("table_id");
    if (name == "row"_L1 && has({"table_id", "row_id"}))
        return u"row:"_s + id("table_id") + u':' + id("row_id");
    if (name == "dashboard"_L1 && has({"dashboard_id"}))
        return u"dashboard:"_s + id("dashboard_id");
    if (name == "view"_L1 && parameters.value("slug"_L1).isString()) {
        const QJsonValue token = parameters.value("token"_L1);
        const bool hasToken = !token.isUndefined() && !token.isNull() && !token.toString().isEmpty();
        return u"view:"_s + parameters.value("slug"_L1).toString() + (hasToken ? u":…"_s : QString());
    }
    QString out = name;
    for (auto it = parameters.begin(); it != parameters.end(); ++it) {
        const bool secret = it.key().contains("token"_L1) || it.key().contains("password"_L1);
        out += u':' + it.key() + u'=' + (secret ? u"…"_s : valueText(it.value()));
    }
    return out;
}

QJsonObject Page::subscribeMessage() const
{
    QJsonObject m = parameters;
    m.insert(u"page"_s, name);
    return m;
}

QJsonObject Page::unsubscribeMessage(bool multiPage) const
{
    if (!multiPage)
        return QJsonObject {{u"page"_s, u""_s}}; // ≤ 1.20: drops the current page (§2.4)
    QJsonObject m = parameters;
    m.insert(u"remove_page"_s, name);
    return m;
}

bool Page::matches(const QString& page, const QJsonObject& echoedParameters) const
{
    if (page != name)
        return false;
    int matched = 0;
    for (auto it = echoedParameters.begin(); it != echoedParameters.end(); ++it) {
        const QJsonValue ours = parameters.value(it.key());
        if (ours.isUndefined()) {
            if (!it.value().isNull())
                return false; // a declared parameter we did not send is echoed as null
            continue;
        }
        if (ours != it.value())
            return false; // 21 and "21" are different pages
        ++matched;
    }
    return matched > 0 || parameters.isEmpty();
}

QString subscriptionStateName(SubscriptionState state)
{
    switch (state) {
    case SubscriptionState::Pending:
        return u"pending"_s;
    case SubscriptionState::Active:
        return u"active"_s;
    case SubscriptionState::Rejected:
        return u"rejected"_s;
    case SubscriptionState::Discarded:
        return u"discarded"_s;
    case SubscriptionState::Unsubscribed:
        return u"unsubscribed"_s;
    }
    return u"unknown"_s;
}

} // namespace bmon
