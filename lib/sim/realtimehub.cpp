// SPDX-License-Identifier: MIT
#include "sim/realtimehub.h"

#include "core/clock.h"
#include "core/logging.h"
#include "sim/faultplan.h"
#include "sim/simcontext.h"
#include "sim/simdata.h"
#include "sim/simulator.h"
#include "sim/stallrelay.h"
#include "sim/tokenservice.h"

#include <QUrlQuery>
#include <QUuid>
#include <QWebSocket>

#include <climits>
#include <cmath>

namespace bmon::sim {

namespace {

QString L(const char* s)
{
    return QLatin1String(s);
}

constexpr qint64 kMaxIncomingMessage = 16 * 1024 * 1024; // uvicorn ws_max_size
constexpr qint64 kStalledLingerMs = 120000; // a stalled socket is dropped after this (no FIN is seen)

// How Django turns a page parameter into an id: Python truthiness first, then int(value).
enum class IdResult
{
    Falsy,
    Ok,
    Crash
};
IdResult pyIntId(const PyValue& v, qint64* out)
{
    *out = 0;
    if (!v.truthy())
        return IdResult::Falsy;
    switch (v.type()) {
    case PyValue::Type::Bool:
    case PyValue::Type::Int:
        *out = v.toInt();
        return IdResult::Ok;
    case PyValue::Type::Double:
        if (!std::isfinite(v.toDouble()))
            return IdResult::Crash;
        *out = qint64(v.toDouble());
        return IdResult::Ok;
    case PyValue::Type::String: {
        bool ok = false;
        const qint64 n = v.toString().trimmed().toLongLong(&ok);
        if (!ok)
            return IdResult::Crash; // ValueError inside can_add ends the consumer
        *out = n;
        return IdResult::Ok;
    }
    default:
        return IdResult::Crash; // TypeError
    }
}

// Page identity is the type plus the parameter dict under Python equality (21 == 21.0 == True-ish).
QString canonical(const PyValue& v)
{
    switch (v.type()) {
    case PyValue::Type::Null:
        return L("N");
    case PyValue::Type::Bool:
    case PyValue::Type::Int:
        return QString(u'n' + QString::number(v.toInt()));
    case PyValue::Type::Double: {
        const double d = v.toDouble();
        if (std::isfinite(d) && std::floor(d) == d && std::abs(d) < 9e15)
            return QString(u'n' + QString::number(qint64(d)));
        return QString(u'd' + QString::fromLatin1(pyDumps(v)));
    }
    case PyValue::Type::String:
        return QString(u's' + v.toString());
    default:
        return QString(u'j' + QString::fromLatin1(pyDumps(v)));
    }
}

} // namespace

struct RealtimeHub::Page
{
    QString type;
    PyObject parameters;
    QString key;
    int tableId = 0;
    qint64 rowId = 0;
    int dashboardId = 0;
    QString slug;
};

struct RealtimeHub::Connection
{
    int number = 0;
    QPointer<QWebSocket> socket;
    QPointer<StallRelay> relay;
    FaultPlan* plan = nullptr;
    QString webSocketId;
    int userId = 0;
    bool anonymous = false;
    QString email;
    QList<Page> pages;
    bool stalled = false;
    bool gone = false; //!< closed or aborted by us; disconnect pending
    int closeCode = -1;
    quint64 lingerTimer = 0;

    bool authenticated() const { return userId > 0; }
    bool hasTablePage(int tableId) const
    {
        for (const Page& p : pages) {
            if (p.tableId == tableId && p.type == QLatin1String("table"))
                return true;
        }
        return false;
    }
    bool hasRowPage(int tableId, qint64 rowId) const
    {
        for (const Page& p : pages) {
            if (p.type == QLatin1String("row") && p.tableId == tableId && p.rowId == rowId)
                return true;
        }
        return false;
    }
    bool hasViewPage(const QString& slug) const
    {
        for (const Page& p : pages) {
            if (p.type == QLatin1String("view") && p.slug == slug)
                return true;
        }
        return false;
    }
};

RealtimeHub::RealtimeHub(SimContext* ctx, QObject* parent) : QObject(parent), m_ctx(ctx)
{ }

RealtimeHub::~RealtimeHub()
{
    for (auto& c : m_connections) {
        if (c->socket) {
            c->socket->disconnect(this);
            c->socket->abort();
            delete c->socket;
        }
        delete c->plan;
    }
}

int RealtimeHub::connectionCount() const
{
    return int(m_connections.size());
}

RealtimeHub::Connection* RealtimeHub::find(int number) const
{
    for (const auto& c : m_connections) {
        if (c->number == number)
            return c.get();
    }
    return nullptr;
}

bool RealtimeHub::alive(const Connection* c) const
{
    return c && !c->gone && c->socket;
}

QList<QString> RealtimeHub::pageTypes() const
{
    QList<QString> types {L("table"), L("view")};
    if (m_ctx->version.hasMultiplePages())
        types.append(L("row"));
    if (m_ctx->version.hasDashboardPage())
        types.append(L("dashboard"));
    return types;
}

void RealtimeHub::accept(QWebSocket* socket, StallRelay* relay)
{
    auto owned = std::make_unique<Connection>();
    Connection* c = owned.get();
    c->number = m_nextNumber++;
    c->socket = socket;
    c->relay = relay;
    socket->setParent(this);
    socket->setMaxAllowedIncomingMessageSize(quint64(kMaxIncomingMessage));
    socket->setMaxAllowedIncomingFrameSize(quint64(kMaxIncomingMessage));
    m_connections.push_back(std::move(owned));

    // parse_qs drops empty values; the first non-empty jwt_token counts.
    QString token;
    const QUrlQuery query(socket->requestUrl());
    const QStringList values = query.allQueryItemValues(L("jwt_token"), QUrl::FullyDecoded);
    for (const QString& v : values) {
        if (!v.isEmpty()) {
            token = v;
            break;
        }
    }
    bool success = false;
    if (!token.isEmpty()) {
        c->webSocketId = QUuid::createUuid().toString(QUuid::WithoutBraces);
        if (token == QLatin1String("anonymous") && m_ctx->version.hasAnonymousViewPage()) {
            success = true;
            c->anonymous = true;
            c->email = L("anonymous");
        } else {
            // Only at the handshake: a token that expires later never ends a live socket.
            const TokenService::Check check = m_ctx->tokens->checkAccess(token.toUtf8());
            if (check.status == TokenService::Status::Valid) {
                success = true;
                c->userId = check.userId;
                c->email = m_ctx->data->users.value(check.userId).email;
            }
        }
    }

    // Look the connection up by number: a late signal must never reach a removed connection.
    const int number = c->number;
    connect(socket, &QWebSocket::textMessageReceived, this, [this, number](const QString& text) {
        Connection* conn = find(number);
        if (alive(conn))
            onText(conn, text);
    });
    connect(socket, &QWebSocket::binaryMessageReceived, this, [this, number](const QByteArray&) {
        Connection* conn = find(number);
        if (alive(conn) && !conn->stalled)
            crash(conn); // "No text section for incoming WebSocket frame!"
    });
    // Queued: close()/abort() may emit disconnected synchronously while we iterate connections.
    connect(
        socket, &QWebSocket::disconnected, this,
        [this, number]() {
            if (Connection* conn = find(number))
                onDisconnected(conn);
        },
        Qt::QueuedConnection);

    QList<FaultSpec> faults;
    for (const FaultSpec& f : m_ctx->options->faults) {
        if (f.isPerConnection() && f.appliesTo(c->number, c->authenticated() ? c->email : QString()))
            faults.append(f);
    }
    emit upgraded();
    emit connectionOpened(c->number, success ? c->email : QString());

    PyObject auth {{L("type"), L("authentication")}, {L("success"), success},
        {L("web_socket_id"), c->webSocketId.isEmpty() ? PyValue() : PyValue(c->webSocketId)}};
    sendControl(c, auth);
    if (!success) {
        closeConnection(c, 1000, QString());
        return;
    }
    if (!faults.isEmpty()) {
        FaultPlan::Sink sink;
        sink.text = [this, number](const QString& t) {
            Connection* conn = find(number);
            if (alive(conn))
                conn->socket->sendTextMessage(t);
        };
        sink.binary = [this, number](const QByteArray& b) {
            Connection* conn = find(number);
            if (alive(conn))
                conn->socket->sendBinaryMessage(b);
        };
        sink.close = [this, number](int code, const QString& reason) {
            if (Connection* conn = find(number))
                closeConnection(conn, code, reason);
        };
        sink.stall = [this, number]() {
            if (Connection* conn = find(number))
                stallConnection(conn);
        };
        c->plan = new FaultPlan(faults, m_ctx->options->seed, c->number, m_ctx->clock, std::move(sink), this);
        connect(c->plan, &FaultPlan::applied, this,
            [this, c](const QString& description) { emit faultApplied(c->number, description); });
        c->plan->start();
    }
}

void RealtimeHub::onDisconnected(Connection* c)
{
    for (auto it = m_connections.begin(); it != m_connections.end(); ++it) {
        if (it->get() != c)
            continue;
        int code = c->closeCode;
        if (code < 0 && c->socket)
            code = c->socket->closeCode();
        if (c->lingerTimer)
            m_ctx->clock->cancel(c->lingerTimer);
        if (c->plan) {
            c->plan->clear();
            c->plan->deleteLater();
        }
        if (c->socket) {
            c->socket->disconnect(this);
            c->socket->deleteLater();
        }
        const int number = c->number;
        m_connections.erase(it);
        emit connectionClosed(number, code);
        return;
    }
}

void RealtimeHub::crash(Connection* c)
{
    // An exception in the consumer: uvicorn drops the TCP connection without a close frame.
    qCDebug(lcSim) << "connection" << c->number << "aborted (consumer crash)";
    c->gone = true;
    c->closeCode = 1006;
    if (c->plan)
        c->plan->clear();
    if (c->relay)
        c->relay->abort();
    if (c->socket)
        c->socket->abort();
}

void RealtimeHub::closeConnection(Connection* c, int code, const QString& reason)
{
    if (!alive(c))
        return;
    c->gone = true;
    c->closeCode = code;
    if (c->plan)
        c->plan->clear();
    c->socket->close(QWebSocketProtocol::CloseCode(code), reason);
}

void RealtimeHub::stallConnection(Connection* c)
{
    if (!alive(c) || c->stalled)
        return;
    if (!c->relay) {
        qCWarning(lcSim) << "connection" << c->number
                         << "cannot stall: it does not run through the relay (set relayAll or a stall fault)";
        return;
    }
    c->stalled = true;
    if (c->plan)
        c->plan->clear();
    c->relay->stall();
    // The client never gets a FIN from us and we never see its; drop it eventually.
    c->lingerTimer = m_ctx->clock->schedule(kStalledLingerMs, this, [this, c]() {
        c->lingerTimer = 0;
        crash(c);
    });
}

void RealtimeHub::abortAll()
{
    for (auto& c : m_connections) {
        if (!c->socket)
            continue;
        c->gone = true;
        c->closeCode = 1006;
        if (c->plan)
            c->plan->clear();
        if (c->relay)
            c->relay->abort();
        c->socket->abort();
    }
}

void RealtimeHub::closeAll(int code, const QString& reason)
{
    for (auto& c : m_connections)
        closeConnection(c.get(), code, reason);
}

void RealtimeHub::stallAll()
{
    for (auto& c : m_connections)
        stallConnection(c.get());
}

void RealtimeHub::sendControl(Connection* c, const PyObject& message)
{
    if (!alive(c) || c->stalled)
        return;
    c->socket->sendTextMessage(QString::fromLatin1(pyDumps(message)));
}

void RealtimeHub::sendPageMessage(
    Connection* c, const char* type, const QString& page, const PyObject& parameters)
{
    sendControl(c, PyObject {{L("type"), L(type)}, {L("page"), page}, {L("parameters"), parameters}});
}

void RealtimeHub::deliver(const PyObject& message, const std::vector<Connection*>& targets, bool control)
{
    if (targets.empty() && !m_tap)
        return;
    const QString type = message.value(u"type").toString();
    if (!m_ctx->hasMessageType(type)) {
        qCWarning(lcSim) << "not sending" << type << "- the profile's version does not have it";
        return;
    }
    const QByteArray bytes = pyDumps(message); // once for all recipients
    if (m_tap && !control)
        m_tap(bytes);
    if (targets.empty())
        return;
    const QString text = QString::fromLatin1(bytes);
    for (Connection* c : targets) {
        if (!alive(c) || c->stalled)
            continue;
        if (c->plan && !control)
            c->plan->deliver(type, text);
        else
            c->socket->sendTextMessage(text);
    }
}

void RealtimeHub::toTable(int tableId, const PyObject& message, const QString& ignoreWebSocketId)
{
    std::vector<Connection*> targets;
    for (auto& c : m_connections) {
        if (c->authenticated() && c->hasTablePage(tableId)
            && (ignoreWebSocketId.isEmpty() || c->webSocketId != ignoreWebSocketId))
            targets.push_back(c.get());
    }
    deliver(message, targets);
}

void RealtimeHub::toRow(int tableId, qint64 rowId, const PyObject& message)
{
    std::vector<Connection*> targets;
    for (auto& c : m_connections) {
        if (c->authenticated() && c->hasRowPage(tableId, rowId))
            targets.push_back(c.get());
    }
    deliver(message, targets);
}

void RealtimeHub::toPublicView(const QString& slug, const PyObject& message)
{
    std::vector<Connection*> targets;
    for (auto& c : m_connections) {
        if (c->hasViewPage(slug))
            targets.push_back(c.get());
    }
    deliver(message, targets);
}

void RealtimeHub::toWorkspace(
    int workspaceId, const PyObject& message, const QString& ignoreWebSocketId, const QList<int>& alsoUsers)
{
    std::vector<Connection*> targets;
    for (auto& c : m_connections) {
        if (!c->authenticated() || (!ignoreWebSocketId.isEmpty() && c->webSocketId == ignoreWebSocketId))
            continue;
        if (m_ctx->data->isMember(c->userId, workspaceId) || alsoUsers.contains(c->userId))
            targets.push_back(c.get());
    }
    deliver(message, targets);
}

void RealtimeHub::toUsers(
    const QList<int>& userIds, const PyObject& message, const QString& ignoreWebSocketId)
{
    std::vector<Connection*> targets;
    for (auto& c : m_connections) {
        if (c->authenticated() && userIds.contains(c->userId)
            && (ignoreWebSocketId.isEmpty() || c->webSocketId != ignoreWebSocketId))
            targets.push_back(c.get());
    }
    deliver(message, targets);
}

bool RealtimeHub::hasTableSubscribers(int tableId) const
{
    if (m_tap)
        return true;
    for (const auto& c : m_connections) {
        if (c->authenticated() && c->hasTablePage(tableId))
            return true;
    }
    return false;
}

bool RealtimeHub::hasRowSubscribers(int tableId, qint64 rowId) const
{
    if (m_tap)
        return true;
    for (const auto& c : m_connections) {
        if (c->authenticated() && c->hasRowPage(tableId, rowId))
            return true;
    }
    return false;
}

bool RealtimeHub::hasViewSubscribers(const QString& slug) const
{
    if (m_tap)
        return true;
    for (const auto& c : m_connections) {
        if (c->hasViewPage(slug))
            return true;
    }
    return false;
}

void RealtimeHub::forceDisconnectUser(int userId, const QString& exceptWebSocketId)
{
    if (!m_ctx->version.hasForceDisconnect())
        return;
    std::vector<Connection*> targets;
    for (auto& c : m_connections) {
        if (c->userId == userId && alive(c.get())
            && (exceptWebSocketId.isEmpty() || c->webSocketId != exceptWebSocketId))
            targets.push_back(c.get());
    }
    deliver(PyObject {{L("type"), L("force_disconnect")}}, targets, true);
    for (Connection* c : targets)
        closeConnection(c, 1000, QString());
}

void RealtimeHub::discardWorkspacePages(int userId, int workspaceId)
{
    for (auto& c : m_connections) {
        if (c->userId != userId || !alive(c.get()))
            continue;
        for (qsizetype i = c->pages.size() - 1; i >= 0; --i) {
            const Page p = c->pages.at(i);
            if ((p.type == QLatin1String("table") || p.type == QLatin1String("row"))
                && m_ctx->data->workspaceOfTable(p.tableId) == workspaceId) {
                c->pages.removeAt(i);
                sendPageMessage(c.get(), "page_discard", p.type, p.parameters);
            }
        }
    }
}

void RealtimeHub::onText(Connection* c, const QString& text)
{
    if (c->stalled)
        return;
    if (!c->authenticated() && !c->anonymous)
        return; // closing already
    if (text.isEmpty()) {
        crash(c);
        return;
    }
    const auto value = pyLoads(text.toUtf8());
    if (!value || !value->isObject()) {
        crash(c); // json.loads error or `"page" in 5`
        return;
    }
    const PyObject& content = value->object();
    if (content.contains(u"page")) {
        addPage(c, content);
        if (!alive(c))
            return;
    }
    if (content.contains(u"remove_page") && m_ctx->version.hasMultiplePages())
        removePage(c, content);
}

namespace {
QStringList declaredParameters(const QString& type, int versionCode)
{
    if (type == QLatin1String("table"))
        return {QStringLiteral("table_id")};
    if (type == QLatin1String("view")) {
        if (versionCode >= 11000)
            return {QStringLiteral("slug"), QStringLiteral("token")};
        return {QStringLiteral("slug")};
    }
    if (type == QLatin1String("row"))
        return {QStringLiteral("table_id"), QStringLiteral("row_id")};
    if (type == QLatin1String("dashboard"))
        return {QStringLiteral("dashboard_id")};
    return {};
}
} // namespace

void RealtimeHub::addPage(Connection* c, const PyObject& content)
{
    const bool multi = m_ctx->version.hasMultiplePages();
    if (!multi && !c->pages.isEmpty()) {
        // ≤ 1.20: the current page goes first, before the new request is even looked at.
        const Page old = c->pages.takeFirst();
        sendPageMessage(c, "page_discard", old.type, old.parameters);
    }
    const PyValue pageValue = content.value(u"page");
    if (pageValue.isArray() || pageValue.isObject()) {
        crash(c); // unhashable registry key
        return;
    }
    if (!pageValue.isString() || !pageTypes().contains(pageValue.toString()))
        return; // unknown page type: silence
    Page page;
    page.type = pageValue.toString();
    QString key = page.type;
    for (const QString& name : declaredParameters(page.type, m_ctx->versionCode())) {
        const PyValue v = content.value(name);
        page.parameters.appendNew(name, v);
        key += u'|' + canonical(v);
    }
    page.key = key;

    SimData& data = *m_ctx->data;
    const bool member = c->authenticated();
    auto resolveTable = [&](const PyValue& v, bool* ok) -> bool {
        qint64 id = 0;
        *ok = false;
        switch (pyIntId(v, &id)) {
        case IdResult::Falsy:
            return true;
        case IdResult::Crash:
            crash(c);
            return false;
        case IdResult::Ok:
            break;
        }
        const SimTable* t = data.table(int(id));
        if (!t || id > INT_MAX || !member || !data.isMember(c->userId, data.workspaceOfTable(t->id)))
            return true;
        page.tableId = int(id);
        *ok = true;
        return true;
    };

    bool ok = false;
    if (page.type == QLatin1String("table")) {
        if (!resolveTable(page.parameters.value(u"table_id"), &ok) || !ok)
            return;
    } else if (page.type == QLatin1String("row")) {
        const PyValue rowValue = page.parameters.value(u"row_id");
        qint64 rowId = 0;
        if (!page.parameters.value(u"table_id").truthy() || !rowValue.truthy())
            return;
        if (!resolveTable(page.parameters.value(u"table_id"), &ok) || !ok)
            return;
        const IdResult r = pyIntId(rowValue, &rowId);
        if (r == IdResult::Crash) {
            crash(c);
            return;
        }
        if (!data.table(page.tableId)->rows.contains(rowId))
            return;
        page.rowId = rowId;
    } else if (page.type == QLatin1String("view")) {
        const PyValue slug = page.parameters.value(u"slug");
        if (!slug.truthy() || !slug.isString())
            return;
        const SimView* view = data.viewBySlug(slug.toString());
        if (!view || !view->isPublic)
            return;
        page.slug = view->slug;
        page.tableId = view->tableId;
    } else if (page.type == QLatin1String("dashboard")) {
        qint64 id = 0;
        const IdResult r = pyIntId(page.parameters.value(u"dashboard_id"), &id);
        if (r == IdResult::Crash) {
            crash(c);
            return;
        }
        if (r == IdResult::Falsy || !member)
            return;
        auto app = data.applications.constFind(int(id));
        if (app == data.applications.cend() || app->type != QLatin1String("dashboard")
            || app->minVersion > m_ctx->versionCode() || !data.isMember(c->userId, app->workspaceId))
            return;
        page.dashboardId = int(id);
    }

    bool known = false;
    for (const Page& p : std::as_const(c->pages)) {
        if (p.key == page.key)
            known = true;
    }
    if (!known)
        c->pages.append(page);
    sendPageMessage(c, "page_add", page.type, page.parameters);
}

void RealtimeHub::removePage(Connection* c, const PyObject& content)
{
    const PyValue pageValue = content.value(u"remove_page");
    if (pageValue.isArray() || pageValue.isObject()) {
        crash(c);
        return;
    }
    if (!pageValue.isString() || !pageTypes().contains(pageValue.toString()))
        return;
    const QString type = pageValue.toString();
    PyObject parameters;
    QString key = type;
    for (const QString& name : declaredParameters(type, m_ctx->versionCode())) {
        const PyValue v = content.value(name);
        parameters.appendNew(name, v);
        key += u'|' + canonical(v);
    }
    for (qsizetype i = 0; i < c->pages.size(); ++i) {
        if (c->pages.at(i).key == key) {
            c->pages.removeAt(i);
            break;
        }
    }
    // Always answered, subscribed or not (test_core_consumer_remove_page_success).
    sendPageMessage(c, "page_discard", type, parameters);
}

} // namespace bmon::sim
