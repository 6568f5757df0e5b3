// SPDX-License-Identifier: MIT
#include "sim/restapi.h"

#include "core/clock.h"
#include "core/jwt.h"
#include "sim/serializer.h"
#include "sim/simcontext.h"
#include "sim/simdata.h"
#include "sim/simulator.h"
#include "sim/tokenservice.h"

#include <QMessageAuthenticationCode>
#include <QUrl>

namespace bmon::sim {

namespace {

QString L(const char* s)
{
    return QLatin1String(s);
}

constexpr int kPageSizeLimit = 200;
constexpr int kBatchLimit = 200;

HttpResponse error(int status, const char* code, const QString& detail)
{
    return HttpResponse::json(status, PyObject {{L("error"), L(code)}, {L("detail"), detail}});
}

HttpResponse detailOnly(int status, const QString& detail)
{
    return HttpResponse::json(status, PyObject {{L("detail"), detail}});
}

HttpResponse validationError(const PyObject& detail)
{
    return HttpResponse::json(
        400, PyObject {{L("error"), L("ERROR_REQUEST_BODY_VALIDATION")}, {L("detail"), detail}});
}

PyArray fieldError(const QString& message, const QString& code)
{
    return PyArray {PyObject {{L("error"), message}, {L("code"), code}}};
}

bool truthyParam(const QString& v)
{
    static const QStringList yes {L("y"), L("yes"), L("true"), L("t"), L("on"), L("1"), L("")};
    return yes.contains(v.toLower());
}

// Optional positive integer query parameter: nullopt when absent; -1 when present but invalid.
std::optional<qint64> intParam(const QUrlQuery& q, const char* name)
{
    if (!q.hasQueryItem(L(name)))
        return std::nullopt;
    bool ok = false;
    const qint64 v = q.queryItemValue(L(name)).trimmed().toLongLong(&ok);
    return ok ? v : -1;
}

} // namespace

struct RestApi::Call
{
    const HttpRequest* request = nullptr;
    QStringList segments; //!< path below /api/, without the trailing slash
    QByteArray method;
    Actor actor;
    bool authenticated = false;
    PyValue body;
};

HttpResponse RestApi::handle(const HttpRequest& request)
{
    Call call;
    call.request = &request;
    call.method = request.method;
    const QString& path = request.path;
    if (path == QLatin1String("/api/schema.json")) {
        if (call.method != "GET" && call.method != "HEAD")
            return detailOnly(
                405, QStringLiteral("Method \"%1\" not allowed.").arg(QString::fromLatin1(call.method)));
        return schema();
    }
    // APPEND_SLASH = False: a missing slash is a plain 404.
    if (!path.startsWith(QLatin1String("/api/")) || !path.endsWith(u'/')
        || path.contains(QLatin1String("//")))
        return error(404, "URL_NOT_FOUND", QStringLiteral("URL %1 not found.").arg(path));
    call.segments = path.mid(5, path.size() - 6).split(u'/');
    if (call.segments.size() == 1 && call.segments.first().isEmpty())
        call.segments.clear();
    return route(call);
}

HttpResponse RestApi::route(Call& call)
{
    const QStringList& s = call.segments;
    const QString notFound = QStringLiteral("URL %1 not found.").arg(call.request->path);
    // Pattern match: "#" = a number.
    QList<qint64> ids;
    auto match = [&](std::initializer_list<const char*> pattern) {
        if (qsizetype(pattern.size()) != s.size())
            return false;
        ids.clear();
        qsizetype i = 0;
        for (const char* p : pattern) {
            const QString& seg = s.at(i++);
            if (qstrcmp(p, "#") == 0) {
                bool ok = false;
                const qint64 v = seg.toLongLong(&ok);
                if (!ok || v < 0 || seg.startsWith(u'+') || seg.startsWith(u'-'))
                    return false;
                ids.append(v);
            } else if (seg != QLatin1String(p)) {
                return false;
            }
        }
        return true;
    };
    auto methodNotAllowed = [&]() {
        return detailOnly(
            405, QStringLiteral("Method \"%1\" not allowed.").arg(QString::fromLatin1(call.method)));
    };
    auto is = [&](const char* m) { return call.method == m; };
    const bool workspaceEra = m_ctx->version.hasWorkspacesEndpoint();
    const bool groupEra = m_ctx->version.hasGroupsEndpoint();
    HttpResponse failure;

    // Public endpoints.
    if (match({"settings"}))
        return is("GET") ? settings() : methodNotAllowed();
    if (match({"_health"})) {
        if (!is("GET"))
            return methodNotAllowed();
        HttpResponse r;
        r.contentType = "text/plain; charset=utf-8";
        r.body = "OK";
        return r;
    }
    if (match({"user", "token-auth"}))
        return is("POST") ? tokenAuth(call) : methodNotAllowed();
    if (match({"user", "token-refresh"}))
        return is("POST") ? tokenRefresh(call) : methodNotAllowed();
    if (match({"user", "token-verify"}))
        return is("POST") ? tokenVerify(call) : methodNotAllowed();
    if (match({"user", "token-blacklist"}) && m_ctx->version.hasTokenBlacklist())
        return is("POST") ? tokenBlacklist(call) : methodNotAllowed();

    // Everything else needs a JWT. Unknown URLs are 404 before authentication (URL resolution first).
    enum class R
    {
        None,
        ChangePassword,
        Workspaces,
        WorkspaceUser,
        Applications,
        AppsOfWorkspace,
        Application,
        Tables,
        Table,
        Fields,
        Field,
        Rows,
        Row,
        Move,
        Batch,
        BatchDelete,
        Views,
        View,
        FieldOptions,
        Filters,
        Filter,
        Comments
    } r
        = R::None;
    QList<qint64> args;
    auto take = [&](R route) {
        r = route;
        args = ids;
    };
    if (match({"user", "change-password"}))
        take(R::ChangePassword);
    else if ((workspaceEra && match({"workspaces"})) || (groupEra && match({"groups"})))
        take(R::Workspaces);
    else if ((workspaceEra && match({"workspaces", "users", "#"}))
        || (groupEra && match({"groups", "users", "#"})))
        take(R::WorkspaceUser);
    else if (match({"applications"}))
        take(R::Applications);
    else if ((workspaceEra && match({"applications", "workspace", "#"}))
        || (groupEra && match({"applications", "group", "#"})))
        take(R::AppsOfWorkspace);
    else if (match({"applications", "#"}))
        take(R::Application);
    else if (match({"database", "tables", "database", "#"}))
        take(R::Tables);
    else if (match({"database", "tables", "#"}))
        take(R::Table);
    else if (match({"database", "fields", "table", "#"}))
        take(R::Fields);
    else if (match({"database", "fields", "#"}))
        take(R::Field);
    else if (match({"database", "rows", "table", "#"}))
        take(R::Rows);
    else if (match({"database", "rows", "table", "#", "batch"}))
        take(R::Batch);
    else if (match({"database", "rows", "table", "#", "batch-delete"}))
        take(R::BatchDelete);
    else if (match({"database", "rows", "table", "#", "#"}))
        take(R::Row);
    else if (match({"database", "rows", "table", "#", "#", "move"}))
        take(R::Move);
    else if (match({"database", "views", "table", "#"}))
        take(R::Views);
    else if (match({"database", "views", "filter", "#"}))
        take(R::Filter);
    else if (match({"database", "views", "#"}))
        take(R::View);
    else if (match({"database", "views", "#", "field-options"}))
        take(R::FieldOptions);
    else if (match({"database", "views", "#", "filters"}))
        take(R::Filters);
    else if (match({"row_comments", "#", "#"}))
        take(R::Comments);
    if (r == R::None)
        return error(404, "URL_NOT_FOUND", notFound);

    if (!authenticate(call, &failure))
        return failure;
    const int a0 = args.isEmpty() ? 0 : int(qMin<qint64>(args.at(0), INT_MAX));
    const qint64 a1 = args.size() > 1 ? args.at(1) : 0;
    switch (r) {
    case R::ChangePassword:
        return is("POST") ? changePassword(call) : methodNotAllowed();
    case R::Workspaces:
        return is("GET") ? workspaces(call) : methodNotAllowed();
    case R::WorkspaceUser:
        return is("DELETE") ? deleteWorkspaceUser(call, a0) : methodNotAllowed();
    case R::Applications:
        return is("GET") ? applications(call, 0) : methodNotAllowed();
    case R::AppsOfWorkspace:
        return is("GET") ? applications(call, a0) : methodNotAllowed();
    case R::Application:
        return is("GET") || is("PATCH") ? application(call, a0) : methodNotAllowed();
    case R::Tables:
        return is("GET") ? tables(call, a0) : methodNotAllowed();
    case R::Table:
        return is("GET") || is("PATCH") ? table(call, a0) : methodNotAllowed();
    case R::Fields:
        return is("GET") || is("POST") ? fields(call, a0) : methodNotAllowed();
    case R::Field:
        return is("GET") || is("PATCH") || is("DELETE") ? field(call, a0) : methodNotAllowed();
    case R::Rows:
        return is("GET") || is("POST") ? rows(call, a0) : methodNotAllowed();
    case R::Row:
        return is("GET") || is("PATCH") || is("DELETE") ? row(call, a0, a1) : methodNotAllowed();
    case R::Move:
        return is("PATCH") ? moveRow(call, a0, a1) : methodNotAllowed();
    case R::Batch:
        return is("POST") || is("PATCH") ? batch(call, a0) : methodNotAllowed();
    case R::BatchDelete:
        return is("POST") ? batchDelete(call, a0) : methodNotAllowed();
    case R::Views:
        return is("GET") ? views(call, a0) : methodNotAllowed();
    case R::View:
        return is("GET") || is("PATCH") ? view(call, a0) : methodNotAllowed();
    case R::FieldOptions:
        return is("GET") || is("PATCH") ? fieldOptions(call, a0) : methodNotAllowed();
    case R::Filters:
        return is("POST") ? createFilter(call, a0) : methodNotAllowed();
    case R::Filter:
        return is("DELETE") ? deleteFilter(call, a0) : methodNotAllowed();
    case R::Comments:
        return is("POST") ? createComment(call, a0, a1) : methodNotAllowed();
    case R::None:
        break;
    }
    return error(404, "URL_NOT_FOUND", notFound);
}

bool RestApi::authenticate(Call& call, HttpResponse* failure)
{
    const QList<QByteArray> parts = call.request->header("authorization").simplified().split(' ');
    auto unauthorized = [&](HttpResponse r) {
        r.status = 401;
        r.headers.append({QByteArrayLiteral("WWW-Authenticate"), QByteArrayLiteral("JWT realm=\"api\"")});
        *failure = r;
        return false;
    };
    // Only "JWT <token>": Bearer (or anything else) counts as no credentials at all.
    if (parts.isEmpty() || parts.first().toLower() != "jwt")
        return unauthorized(detailOnly(401, L("Authentication credentials were not provided.")));
    if (parts.size() != 2)
        return unauthorized(detailOnly(401, L("Invalid Authorization header. No credentials provided.")));
    const TokenService::Check check = m_ctx->tokens->checkAccess(parts.at(1));
    if (check.status != TokenService::Status::Valid) {
        if (!m_ctx->version.hasSimpleJwt())
            return unauthorized(detailOnly(401,
                check.status == TokenService::Status::Expired ? L("Signature has expired.")
                                                              : L("Error decoding signature.")));
        return unauthorized(
            error(401, "ERROR_INVALID_ACCESS_TOKEN", L("Access token is expired or invalid.")));
    }
    call.actor.userId = check.userId;
    call.authenticated = true;
    // WebsocketId (any case): only JWT-authenticated requests mute a socket (§3).
    call.actor.webSocketId = QString::fromUtf8(call.request->header("websocketid")).trimmed();
    return true;
}

bool RestApi::parseBody(Call& call, HttpResponse* failure)
{
    const QByteArray& raw = call.request->body;
    if (raw.trimmed().isEmpty()) {
        call.body = PyObject {};
        return true;
    }
    QString message;
    const auto v = pyLoads(raw, &message);
    if (!v) {
        *failure = detailOnly(400, QStringLiteral("JSON parse error - %1").arg(message));
        return false;
    }
    call.body = *v;
    return true;
}

bool RestApi::checkTable(Call& call, int tableId, SimTable** table, HttpResponse* failure)
{
    SimTable* t = m_ctx->data->table(tableId);
    if (!t) {
        *failure = error(404, "ERROR_TABLE_DOES_NOT_EXIST", L("The requested table does not exist."));
        return false;
    }
    if (!m_ctx->data->isMember(call.actor.userId, m_ctx->data->workspaceOfTable(tableId))) {
        *failure = error(400, "ERROR_USER_NOT_IN_GROUP",
            m_ctx->version.hasWorkspaceKeys() ? L("The user doesn't belong to the workspace.")
                                              : L("The user doesn't belong to the group."));
        return false;
    }
    *table = t;
    return true;
}

// --------------------------------------------------------------------------------------------
// Public documents

HttpResponse RestApi::schema() const
{
    const QString version = m_ctx->version.toString();
    auto op = [](const char* id, const char* tag, const char* summary) {
        return PyObject {{L("operationId"), L(id)}, {L("description"), L(summary)},
            {L("tags"), PyArray {L(tag)}},
            {L("responses"), PyObject {{L("200"), PyObject {{L("description"), L("")}}}}}};
    };
    PyObject paths;
    paths.insert(L("/api/user/token-auth/"),
        PyObject {{L("post"), op("token_auth", "User", "Authenticates an existing user.")}});
    paths.insert(L("/api/user/token-refresh/"),
        PyObject {{L("post"), op("token_refresh", "User", "Generate a new access_token.")}});
    paths.insert(L("/api/applications/"),
        PyObject {{L("get"), op("list_all_applications", "Applications", "Lists all the applications.")}});
    paths.insert(m_ctx->version.hasWorkspacesEndpoint() ? L("/api/workspaces/") : L("/api/groups/"),
        PyObject {{L("get"),
            op(m_ctx->version.hasWorkspacesEndpoint() ? "list_workspaces" : "list_groups", "Workspaces",
                "Lists all the workspaces of the authorized user.")}});
    paths.insert(L("/api/database/fields/table/{table_id}/"),
        PyObject {
            {L("get"), op("list_database_table_fields", "Database table fields", "Lists all the fields.")}});
    paths.insert(L("/api/database/rows/table/{table_id}/"),
        PyObject {{L("get"), op("list_database_table_rows", "Database table rows", "Lists all the rows.")},
            {L("post"), op("create_database_table_row", "Database table rows", "Creates a new row.")}});
    PyObject doc {{L("openapi"), L("3.0.3")},
        {L("info"),
            PyObject {{L("title"), L("Baserow API spec")}, {L("version"), version},
                {L("description"),
                    L("For more information about our REST API, please visit [this "
                      "page](https://baserow.io/docs/apis%2Frest-api).\n\nFor more information about our "
                      "deprecation policy, please visit [this "
                      "page](https://baserow.io/docs/apis%2Fdeprecations).")},
                {L("contact"), PyObject {{L("url"), L("https://baserow.io/contact")}}},
                {L("license"),
                    PyObject {{L("name"), L("MIT")},
                        {L("url"), L("https://gitlab.com/baserow/baserow/-/blob/master/LICENSE")}}}}},
        {L("paths"), paths},
        {L("components"),
            PyObject {{L("securitySchemes"),
                PyObject {{L("JWT"),
                    PyObject {{L("type"), L("http")}, {L("scheme"), L("bearer")},
                        {L("bearerFormat"), L("JWT your_token")}}}}}}}};
    HttpResponse r = HttpResponse::json(200, doc);
    r.contentType = "application/vnd.oai.openapi+json";
    return r;
}

HttpResponse RestApi::settings() const
{
    const bool ws = m_ctx->version.hasWorkspaceKeys();
    PyObject o {{L("allow_new_signups"), true}, {L("allow_signups_via_workspace_invitations"), true},
        {L("allow_reset_password"), true}};
    o.insert(ws ? L("allow_global_workspace_creation") : L("allow_global_group_creation"), true);
    o.insert(L("account_deletion_grace_delay"), 30);
    o.insert(L("show_admin_signup_page"), false);
    if (m_ctx->versionCode() >= 13500) {
        o.insert(L("track_workspace_usage"), false);
        o.insert(L("show_baserow_help_request"), true);
        o.insert(L("email_verification"), L("no"));
    }
    return HttpResponse::json(200, o);
}

// --------------------------------------------------------------------------------------------
// Authentication

PyObject RestApi::loginExtras() const
{
    PyObject o;
    o.insert(L("permissions"),
        PyArray {PyObject {{L("name"), L("view_ownership")}, {L("permissions"), PyObject {}}},
            PyObject {{L("name"), L("core")},
                {L("permissions"), PyArray {L("list_workspaces"), L("create_workspace")}}},
            PyObject {{L("name"), L("staff")},
                {L("permissions"),
                    PyObject {{L("staff_only_operations"), PyArray {}}, {L("is_staff"), false}}}},
            PyObject {{L("name"), L("member")}, {L("permissions"), false}}});
    if (m_ctx->versionCode() >= 13500)
        o.insert(L("user_notifications"), PyObject {{L("unread_count"), 0}});
    o.insert(L("active_licenses"),
        PyObject {{L("instance_wide"), PyObject {}}, {L("per_workspace"), PyObject {}}});
    return o;
}

HttpResponse RestApi::tokenAuth(Call& call)
{
    HttpResponse failure;
    if (!parseBody(call, &failure))
        return failure;
    const PyObject body = call.body.object();
    const bool legacy = !m_ctx->version.hasSimpleJwt();
    // simplejwt takes "email" (username is a deprecated alias); drf-jwt takes "username".
    PyValue login = legacy ? body.value(u"username") : body.value(u"email");
    if (!login.isString() || login.toString().isEmpty())
        login = legacy ? body.value(u"email") : body.value(u"username");
    const PyValue password = body.value(u"password");
    PyObject missing;
    if (!login.isString() || login.toString().isEmpty())
        missing.insert(legacy ? L("username") : L("email"), PyArray {L("This field is required.")});
    if (!password.isString() || password.toString().isEmpty())
        missing.insert(L("password"), PyArray {L("This field is required.")});
    if (!missing.isEmpty())
        return HttpResponse::json(400, missing);
    const SimUser* user = m_ctx->data->userByEmail(login.toString().trimmed());
    if (!user || user->password != password.toString() || !user->active) {
        if (legacy)
            return HttpResponse::json(400,
                PyObject {
                    {L("non_field_errors"), PyArray {L("Unable to log in with provided credentials.")}}});
        return error(
            401, "ERROR_INVALID_CREDENTIALS", L("No active account found with the given credentials."));
    }
    PyObject o;
    const QString access = QString::fromLatin1(m_ctx->tokens->issueAccess(user->id));
    if (legacy) {
        o.insert(L("token"), access);
        o.insert(L("user"), m_ctx->serializer->user(*user));
        return HttpResponse::json(200, o);
    }
    o.insert(L("token"), access);
    o.insert(L("access_token"), access);
    o.insert(L("refresh_token"), QString::fromLatin1(m_ctx->tokens->issueRefresh(user->id)));
    if (m_ctx->versionCode() >= 12600) {
        // Django's signing format: payload:signature (opaque to clients).
        const QByteArray payload = jwt::base64UrlEncode(
            QByteArray(QByteArrayLiteral("{\"user_id\":") + QByteArray::number(user->id) + '}'));
        const QByteArray sig = jwt::base64UrlEncode(QMessageAuthenticationCode::hash(
            payload, QByteArrayLiteral("user-session"), QCryptographicHash::Sha256));
        o.insert(L("user_session"), QString::fromLatin1(payload + ':' + sig));
    }
    o.insert(L("user"), m_ctx->serializer->user(*user));
    for (const auto& [key, value] : loginExtras())
        o.insert(key, value);
    return HttpResponse::json(200, o);
}

HttpResponse RestApi::tokenRefresh(Call& call)
{
    HttpResponse failure;
    if (!parseBody(call, &failure))
        return failure;
    const PyObject body = call.body.object();
    if (!m_ctx->version.hasSimpleJwt()) {
        // drf-jwt: refresh the unexpired token, keeping orig_iat; at most 7 days after login.
        const PyValue token = body.value(u"token");
        if (!token.isString() || token.toString().isEmpty())
            return HttpResponse::json(400, PyObject {{L("token"), PyArray {L("This field is required.")}}});
        const TokenService::Check check = m_ctx->tokens->checkAccess(token.toString().toUtf8());
        auto nonField = [](const char* msg) {
            return HttpResponse::json(400, PyObject {{L("non_field_errors"), PyArray {L(msg)}}});
        };
        if (check.status == TokenService::Status::Expired)
            return nonField("Signature has expired.");
        if (check.status != TokenService::Status::Valid)
            return nonField("Error decoding signature.");
        qint64 origIat = 0;
        int userId = 0;
        m_ctx->tokens->legacyClaims(token.toString().toUtf8(), &origIat, &userId);
        if (origIat <= 0)
            return nonField("orig_iat field is required.");
        if (m_ctx->nowSecs() > origIat + 7 * 24 * 3600)
            return nonField("Refresh has expired.");
        const SimUser user = m_ctx->data->users.value(userId);
        return HttpResponse::json(200,
            PyObject {{L("token"), QString::fromLatin1(m_ctx->tokens->issueAccess(userId, origIat))},
                {L("user"), m_ctx->serializer->user(user)}});
    }
    PyValue token = body.value(u"refresh_token");
    if (!token.isString() || token.toString().isEmpty())
        token = body.value(u"token"); // deprecated alias
    if (!token.isString() || token.toString().isEmpty())
        return validationError(
            PyObject {{L("refresh_token"), fieldError(L("This field is required."), L("required"))}});
    const TokenService::Check check = m_ctx->tokens->checkRefresh(token.toString().toUtf8());
    if (check.status != TokenService::Status::Valid)
        return error(401, "ERROR_INVALID_REFRESH_TOKEN", L("Refresh token is expired or invalid."));
    const SimUser user = m_ctx->data->users.value(check.userId);
    const QString access = QString::fromLatin1(m_ctx->tokens->issueAccess(check.userId));
    PyObject o {
        {L("token"), access}, {L("access_token"), access}, {L("user"), m_ctx->serializer->user(user)}};
    for (const auto& [key, value] : loginExtras())
        o.insert(key, value);
    return HttpResponse::json(200, o);
}

HttpResponse RestApi::tokenVerify(Call& call)
{
    HttpResponse failure;
    if (!parseBody(call, &failure))
        return failure;
    const PyObject body = call.body.object();
    if (!m_ctx->version.hasSimpleJwt()) {
        const PyValue token = body.value(u"token");
        if (!token.isString() || token.toString().isEmpty())
            return HttpResponse::json(400, PyObject {{L("token"), PyArray {L("This field is required.")}}});
        const TokenService::Check check = m_ctx->tokens->checkAccess(token.toString().toUtf8());
        if (check.status != TokenService::Status::Valid)
            return HttpResponse::json(400,
                PyObject {{L("non_field_errors"),
                    PyArray {check.status == TokenService::Status::Expired
                            ? L("Signature has expired.")
                            : L("Error decoding signature.")}}});
        return HttpResponse::json(200,
            PyObject {{L("token"), token},
                {L("user"), m_ctx->serializer->user(m_ctx->data->users.value(check.userId))}});
    }
    PyValue token = body.value(u"refresh_token");
    if (!token.isString() || token.toString().isEmpty())
        token = body.value(u"token");
    if (!token.isString() || token.toString().isEmpty())
        return validationError(
            PyObject {{L("refresh_token"), fieldError(L("This field is required."), L("required"))}});
    const TokenService::Check check = m_ctx->tokens->checkRefresh(token.toString().toUtf8());
    if (check.status != TokenService::Status::Valid)
        return error(401, "ERROR_INVALID_REFRESH_TOKEN", L("Refresh token is expired or invalid."));
    PyObject o {{L("user"), m_ctx->serializer->user(m_ctx->data->users.value(check.userId))}};
    for (const auto& [key, value] : loginExtras())
        o.insert(key, value);
    return HttpResponse::json(200, o);
}

HttpResponse RestApi::tokenBlacklist(Call& call)
{
    HttpResponse failure;
    if (!parseBody(call, &failure))
        return failure;
    const PyValue token = call.body.object().value(u"refresh_token");
    if (!token.isString() || token.toString().isEmpty())
        return validationError(
            PyObject {{L("refresh_token"), fieldError(L("This field is required."), L("required"))}});
    const QByteArray raw = token.toString().toUtf8();
    const TokenService::Check check = m_ctx->tokens->checkRefresh(raw);
    if (check.status != TokenService::Status::Valid) {
        // A blacklisted (but otherwise fine) token has its own error.
        QJsonObject claims;
        const auto payload = jwt::decodePayload(raw);
        if (payload && m_ctx->tokens->isBlacklisted(payload->value(L("jti")).toString()))
            return error(400, "ERROR_REFRESH_TOKEN_ALREADY_BLACKLISTED",
                L("The refresh token has already been blacklisted."));
        return error(401, "ERROR_INVALID_REFRESH_TOKEN", L("Refresh token is expired or invalid."));
    }
    m_ctx->tokens->blacklist(check.jti);
    return HttpResponse::empty(204);
}

HttpResponse RestApi::changePassword(Call& call)
{
    HttpResponse failure;
    if (!parseBody(call, &failure))
        return failure;
    const PyObject body = call.body.object();
    const PyValue oldPassword = body.value(u"old_password");
    const PyValue newPassword = body.value(u"new_password");
    PyObject detail;
    if (!oldPassword.isString() || oldPassword.toString().isEmpty())
        detail.insert(L("old_password"), fieldError(L("This field is required."), L("required")));
    if (!newPassword.isString() || newPassword.toString().isEmpty())
        detail.insert(L("new_password"), fieldError(L("This field is required."), L("required")));
    else if (newPassword.toString().size() < 8)
        detail.insert(L("new_password"),
            fieldError(L("This password is too short. It must contain at least 8 characters."),
                L("password_too_short")));
    if (!detail.isEmpty())
        return validationError(detail);
    const SimUser* user = m_ctx->data->user(call.actor.userId);
    if (!user || user->password != oldPassword.toString())
        return error(400, "ERROR_INVALID_OLD_PASSWORD", L("The entered old password was incorrect."));
    m_ctx->ops->changePassword(call.actor, newPassword.toString());
    return HttpResponse::empty(204);
}

// --------------------------------------------------------------------------------------------
// Workspaces and applications

HttpResponse RestApi::workspaces(Call& call)
{
    PyArray list;
    for (int id : m_ctx->data->workspacesOf(call.actor.userId))
        list.append(
            m_ctx->serializer->workspaceForUser(m_ctx->data->workspaces.value(id), call.actor.userId));
    return HttpResponse::json(200, list);
}

HttpResponse RestApi::deleteWorkspaceUser(Call& call, int workspaceUserId)
{
    for (const SimWorkspace& ws : std::as_const(m_ctx->data->workspaces)) {
        for (const SimWorkspaceUser& m : ws.members) {
            if (m.id != workspaceUserId)
                continue;
            const SimWorkspaceUser* me = m_ctx->data->membership(call.actor.userId, ws.id);
            if (!me)
                return error(400, "ERROR_USER_NOT_IN_GROUP", L("The user doesn't belong to the workspace."));
            if (me->permissions != QLatin1String("ADMIN")) {
                if (m_ctx->versionCode() >= 11400)
                    return error(401, "PERMISSION_DENIED",
                        L("You don't have the required permission to execute this operation."));
                return error(400, "ERROR_USER_INVALID_GROUP_PERMISSIONS",
                    L("You need ['ADMIN'] permissions for this group."));
            }
            if (m.userId == call.actor.userId)
                return error(400, "ERROR_CANNOT_DELETE_YOURSELF_FROM_GROUP",
                    L("You cannot delete yourself from the group."));
            m_ctx->ops->removeWorkspaceUser(call.actor, ws.id, workspaceUserId);
            return HttpResponse::empty(204);
        }
    }
    return error(404, "ERROR_GROUP_USER_DOES_NOT_EXIST", L("The requested workspace user does not exist."));
}

HttpResponse RestApi::applications(Call& call, int workspaceId)
{
    QList<int> workspaces = m_ctx->data->workspacesOf(call.actor.userId);
    if (workspaceId > 0) {
        if (!m_ctx->data->workspaces.contains(workspaceId))
            return error(404, "ERROR_GROUP_DOES_NOT_EXIST", L("The requested workspace does not exist."));
        if (!workspaces.contains(workspaceId))
            return error(400, "ERROR_USER_NOT_IN_GROUP", L("The user doesn't belong to the workspace."));
        workspaces = {workspaceId};
    }
    PyArray list;
    for (int ws : workspaces) {
        for (int appId : m_ctx->data->applicationsOf(ws, m_ctx->versionCode()))
            list.append(m_ctx->serializer->application(m_ctx->data->applications.value(appId)));
    }
    return HttpResponse::json(200, list);
}

HttpResponse RestApi::application(Call& call, int applicationId)
{
    auto it = m_ctx->data->applications.find(applicationId);
    if (it == m_ctx->data->applications.end() || it->minVersion > m_ctx->versionCode())
        return error(404, "ERROR_APPLICATION_DOES_NOT_EXIST", L("The requested application does not exist."));
    if (!m_ctx->data->isMember(call.actor.userId, it->workspaceId))
        return error(400, "ERROR_USER_NOT_IN_GROUP", L("The user doesn't belong to the workspace."));
    if (call.method == "PATCH") {
        HttpResponse failure;
        if (!parseBody(call, &failure))
            return failure;
        const PyValue name = call.body.object().value(u"name");
        if (!name.isString() || name.toString().trimmed().isEmpty() || name.toString().size() > 160)
            return validationError(
                PyObject {{L("name"), fieldError(L("This field is required."), L("required"))}});
        m_ctx->ops->renameApplication(call.actor, applicationId, name.toString());
        it = m_ctx->data->applications.find(applicationId);
    }
    return HttpResponse::json(200, m_ctx->serializer->application(*it));
}

HttpResponse RestApi::tables(Call& call, int databaseId)
{
    auto it = m_ctx->data->applications.constFind(databaseId);
    if (it == m_ctx->data->applications.cend() || it->type != QLatin1String("database"))
        return error(404, "ERROR_APPLICATION_DOES_NOT_EXIST", L("The requested application does not exist."));
    if (!m_ctx->data->isMember(call.actor.userId, it->workspaceId))
        return error(400, "ERROR_USER_NOT_IN_GROUP", L("The user doesn't belong to the workspace."));
    PyArray list;
    for (int id : m_ctx->data->tablesOf(databaseId))
        list.append(m_ctx->serializer->table(*m_ctx->data->table(id)));
    return HttpResponse::json(200, list);
}

HttpResponse RestApi::table(Call& call, int tableId)
{
    SimTable* t = nullptr;
    HttpResponse failure;
    if (!checkTable(call, tableId, &t, &failure))
        return failure;
    if (call.method == "PATCH") {
        if (!parseBody(call, &failure))
            return failure;
        const PyValue name = call.body.object().value(u"name");
        if (!name.isString() || name.toString().trimmed().isEmpty() || name.toString().size() > 255)
            return validationError(
                PyObject {{L("name"), fieldError(L("This field is required."), L("required"))}});
        m_ctx->ops->renameTable(call.actor, tableId, name.toString());
    }
    return HttpResponse::json(200, m_ctx->serializer->table(*m_ctx->data->table(tableId)));
}

// --------------------------------------------------------------------------------------------
// Fields

HttpResponse RestApi::fields(Call& call, int tableId)
{
    SimTable* t = nullptr;
    HttpResponse failure;
    if (!checkTable(call, tableId, &t, &failure))
        return failure;
    if (call.method == "GET") {
        PyArray list;
        for (const SimField& f : t->fields)
            list.append(m_ctx->serializer->field(*t, f));
        return HttpResponse::json(200, list);
    }
    if (!parseBody(call, &failure))
        return failure;
    if (!call.body.isObject())
        return validationError(PyObject {{L("non_field_errors"),
            fieldError(L("Invalid data. Expected a dictionary, but got list."), L("invalid"))}});
    const PyObject body = call.body.object();
    const PyValue name = body.value(u"name");
    const PyValue type = body.value(u"type");
    static const QStringList types {L("text"), L("long_text"), L("email"), L("number"), L("boolean"),
        L("date"), L("single_select"), L("link_row")};
    PyObject detail;
    if (!name.isString() || name.toString().trimmed().isEmpty())
        detail.insert(L("name"), fieldError(L("This field is required."), L("required")));
    if (!type.isString())
        detail.insert(L("type"), fieldError(L("This field is required."), L("required")));
    else if (!types.contains(type.toString()))
        detail.insert(L("type"),
            fieldError(
                QStringLiteral("\"%1\" is not a valid choice.").arg(type.toString()), L("invalid_choice")));
    SimField field;
    if (detail.isEmpty() && type.toString() == QLatin1String("link_row")) {
        const PyValue target = body.value(u"link_row_table_id").isNull() ? body.value(u"link_row_table")
                                                                         : body.value(u"link_row_table_id");
        const SimTable* other = m_ctx->data->table(int(target.toInt()));
        if (!other || m_ctx->data->workspaceOfTable(other->id) != m_ctx->data->workspaceOfTable(tableId))
            return error(400, "ERROR_LINK_ROW_TABLE_NOT_PROVIDED",
                L("The link row field requires an existing table in the same database."));
        field.linkTableId = other->id;
    }
    if (!detail.isEmpty())
        return validationError(detail);
    if (t->fieldByName(name.toString()))
        return error(400, "ERROR_FIELD_WITH_SAME_NAME_ALREADY_EXISTS",
            L("You cannot have two fields with the same name."));
    field.name = name.toString();
    field.type = type.toString();
    field.numberDecimalPlaces
        = int(qBound<qint64>(qint64(0), body.value(u"number_decimal_places").toInt(0), qint64(10)));
    for (const PyValue& o : body.value(u"select_options").array()) {
        if (o.isObject())
            field.selectOptions.append(SimSelectOption {0, o.object().value(u"value").toString(),
                o.object().value(u"color").isString() ? o.object().value(u"color").toString() : L("blue")});
    }
    const int id = m_ctx->ops->createField(call.actor, tableId, field);
    return HttpResponse::json(
        200, m_ctx->serializer->field(*m_ctx->data->table(tableId), *m_ctx->data->table(tableId)->field(id)));
}

HttpResponse RestApi::field(Call& call, int fieldId)
{
    SimTable* t = nullptr;
    SimField* f = m_ctx->data->findField(fieldId, &t);
    if (!f)
        return error(404, "ERROR_FIELD_DOES_NOT_EXIST", L("The requested field does not exist."));
    HttpResponse failure;
    if (!checkTable(call, t->id, &t, &failure))
        return failure;
    if (call.method == "GET")
        return HttpResponse::json(200, m_ctx->serializer->field(*t, *f));
    if (call.method == "DELETE") {
        if (f->primary)
            return error(400, "ERROR_CANNOT_DELETE_PRIMARY_FIELD", L("The primary field cannot be deleted."));
        m_ctx->ops->deleteField(call.actor, fieldId);
        return HttpResponse::json(200, PyObject {{L("related_fields"), PyArray {}}});
    }
    if (!parseBody(call, &failure))
        return failure;
    const PyValue name = call.body.object().value(u"name");
    if (!name.isNull()) {
        if (!name.isString() || name.toString().trimmed().isEmpty())
            return validationError(
                PyObject {{L("name"), fieldError(L("This field may not be blank."), L("blank"))}});
        const SimField* other = t->fieldByName(name.toString());
        if (other && other->id != fieldId)
            return error(400, "ERROR_FIELD_WITH_SAME_NAME_ALREADY_EXISTS",
                L("You cannot have two fields with the same name."));
        m_ctx->ops->updateField(call.actor, fieldId, name.toString());
    }
    f = m_ctx->data->findField(fieldId, &t);
    return HttpResponse::json(200, m_ctx->serializer->field(*t, *f));
}

// --------------------------------------------------------------------------------------------
// Rows

CellValues RestApi::readCells(const SimTable& table, const PyObject& body, bool userFieldNames,
    PyObject* errors, QList<int>* touched) const
{
    CellValues cells;
    for (const SimField& f : table.fields) {
        const QString key = userFieldNames ? f.name : Serializer::fieldKey(f.id);
        const PyValue* input = body.find(key);
        if (!input)
            continue;
        PyValue stored;
        QString message, code;
        if (!m_ctx->ops->validateCell(f, *input, &stored, &message, &code)) {
            errors->insert(key, fieldError(message, code));
            continue;
        }
        cells.insert(f.id, stored);
        if (touched && !touched->contains(f.id))
            touched->append(f.id);
    }
    return cells;
}

HttpResponse RestApi::rows(Call& call, int tableId)
{
    SimTable* t = nullptr;
    HttpResponse failure;
    if (!checkTable(call, tableId, &t, &failure))
        return failure;
    const QUrlQuery& q = call.request->query;
    const bool names
        = q.hasQueryItem(L("user_field_names")) && truthyParam(q.queryItemValue(L("user_field_names")));
    if (call.method == "POST") {
        if (!parseBody(call, &failure))
            return failure;
        if (!call.body.isObject())
            return validationError(PyObject {{L("non_field_errors"),
                fieldError(L("Invalid data. Expected a dictionary, but got list."), L("invalid"))}});
        const auto before = intParam(q, "before");
        if (before && (*before <= 0 || !t->rows.contains(*before)))
            return error(404, "ERROR_ROW_DOES_NOT_EXIST",
                QStringLiteral("The row %1 does not exist.").arg(q.queryItemValue(L("before"))));
        PyObject errors;
        const CellValues cells = readCells(*t, call.body.object(), names, &errors, nullptr);
        if (!errors.isEmpty())
            return validationError(errors);
        const QList<qint64> ids = m_ctx->ops->createRows(call.actor, tableId, {cells}, before.value_or(0));
        t = m_ctx->data->table(tableId);
        return HttpResponse::json(200, m_ctx->serializer->row(*t, t->rows.value(ids.value(0)), names));
    }
    // GET: DRF page-number pagination.
    int size = 100;
    if (q.hasQueryItem(L("size"))) {
        bool ok = false;
        const qint64 s = q.queryItemValue(L("size")).toLongLong(&ok);
        if (ok && s > kPageSizeLimit)
            return error(400, "ERROR_PAGE_SIZE_LIMIT",
                QStringLiteral("The page size is limited to %1.").arg(kPageSizeLimit));
        if (ok && s > 0)
            size = int(s);
    }
    qint64 page = 1;
    if (q.hasQueryItem(L("page"))) {
        const QString p = q.queryItemValue(L("page"));
        bool ok = false;
        page = p.toLongLong(&ok);
        if (p == QLatin1String("last")) {
            ok = true;
            page = qMax<qint64>(1, (t->rows.size() + size - 1) / size);
        }
        if (!ok || page < 1)
            return detailOnly(404, L("Invalid page."));
    }
    const QList<qint64>& sorted = m_ctx->data->sortedRowIds(tableId);
    const qint64 count = sorted.size();
    const qint64 pages = qMax<qint64>(1, (count + size - 1) / size);
    if (page > pages)
        return detailOnly(404, L("Invalid page."));
    PyArray results;
    for (qint64 i = (page - 1) * size; i < qMin(count, page * size); ++i)
        results.append(m_ctx->serializer->row(*t, t->rows.value(sorted.at(i)), names));
    // Absolute next/previous links with the query sorted like DRF's replace_query_param.
    const QByteArray host = call.request->header("host");
    auto link = [&](qint64 target) -> PyValue {
        QList<std::pair<QString, QString>> items = call.request->query.queryItems(QUrl::FullyDecoded);
        items.removeIf([](const auto& item) { return item.first == QLatin1String("page"); });
        if (target > 1)
            items.append({L("page"), QString::number(target)});
        std::sort(items.begin(), items.end());
        QUrlQuery out;
        for (const auto& [k, v] : items)
            out.addQueryItem(k, v);
        QUrl url;
        url.setScheme(call.request->tls ? L("https") : L("http"));
        url.setAuthority(QString::fromLatin1(host.isEmpty() ? QByteArrayLiteral("localhost") : host));
        url.setPath(call.request->path);
        if (!items.isEmpty())
            url.setQuery(out);
        return url.toString(QUrl::FullyEncoded);
    };
    PyObject o {{L("count"), count}, {L("next"), page < pages ? link(page + 1) : PyValue()},
        {L("previous"), page > 1 ? link(page - 1) : PyValue()}, {L("results"), results}};
    return HttpResponse::json(200, o);
}

HttpResponse RestApi::row(Call& call, int tableId, qint64 rowId)
{
    SimTable* t = nullptr;
    HttpResponse failure;
    if (!checkTable(call, tableId, &t, &failure))
        return failure;
    if (!t->rows.contains(rowId))
        return error(
            404, "ERROR_ROW_DOES_NOT_EXIST", QStringLiteral("The row %1 does not exist.").arg(rowId));
    const QUrlQuery& q = call.request->query;
    const bool names
        = q.hasQueryItem(L("user_field_names")) && truthyParam(q.queryItemValue(L("user_field_names")));
    if (call.method == "DELETE") {
        m_ctx->ops->deleteRows(call.actor, tableId, {rowId});
        return HttpResponse::empty(204);
    }
    if (call.method == "PATCH") {
        if (!parseBody(call, &failure))
            return failure;
        if (!call.body.isObject())
            return validationError(PyObject {{L("non_field_errors"),
                fieldError(L("Invalid data. Expected a dictionary, but got list."), L("invalid"))}});
        PyObject errors;
        QList<int> touched;
        const CellValues cells = readCells(*t, call.body.object(), names, &errors, &touched);
        if (!errors.isEmpty())
            return validationError(errors);
        m_ctx->ops->updateRows(call.actor, tableId, {{rowId, cells}}, touched);
        t = m_ctx->data->table(tableId);
    }
    return HttpResponse::json(200, m_ctx->serializer->row(*t, t->rows.value(rowId), names));
}

HttpResponse RestApi::moveRow(Call& call, int tableId, qint64 rowId)
{
    SimTable* t = nullptr;
    HttpResponse failure;
    if (!checkTable(call, tableId, &t, &failure))
        return failure;
    if (!t->rows.contains(rowId))
        return error(
            404, "ERROR_ROW_DOES_NOT_EXIST", QStringLiteral("The row %1 does not exist.").arg(rowId));
    const auto before = intParam(call.request->query, "before_id");
    if (before && (*before <= 0 || !t->rows.contains(*before)))
        return error(404, "ERROR_ROW_DOES_NOT_EXIST",
            QStringLiteral("The row %1 does not exist.")
                .arg(call.request->query.queryItemValue(L("before_id"))));
    m_ctx->ops->moveRow(call.actor, tableId, rowId, before.value_or(0));
    t = m_ctx->data->table(tableId);
    const bool names = call.request->query.hasQueryItem(L("user_field_names"))
        && truthyParam(call.request->query.queryItemValue(L("user_field_names")));
    return HttpResponse::json(200, m_ctx->serializer->row(*t, t->rows.value(rowId), names));
}

HttpResponse RestApi::batch(Call& call, int tableId)
{
    SimTable* t = nullptr;
    HttpResponse failure;
    if (!checkTable(call, tableId, &t, &failure))
        return failure;
    if (!parseBody(call, &failure))
        return failure;
    const QUrlQuery& q = call.request->query;
    const bool names
        = q.hasQueryItem(L("user_field_names")) && truthyParam(q.queryItemValue(L("user_field_names")));
    const PyValue items = call.body.object().value(u"items");
    if (!items.isArray())
        return validationError(
            PyObject {{L("items"), fieldError(L("This field is required."), L("required"))}});
    if (items.array().size() > kBatchLimit)
        return validationError(PyObject {{L("items"),
            fieldError(QStringLiteral("Ensure this field has no more than %1 elements.").arg(kBatchLimit),
                L("max_length"))}});
    if (items.array().isEmpty())
        return validationError(PyObject {
            {L("items"), fieldError(L("Ensure this field has at least 1 elements."), L("min_length"))}});
    PyObject itemErrors;
    QList<CellValues> created;
    QList<std::pair<qint64, CellValues>> updates;
    QList<int> touched;
    QList<qint64> missing;
    for (qsizetype i = 0; i < items.array().size(); ++i) {
        const PyValue& item = items.array().at(i);
        PyObject errors;
        if (!item.isObject()) {
            itemErrors.insert(QString::number(i),
                PyObject {{L("non_field_errors"), fieldError(L("Invalid data."), L("invalid"))}});
            continue;
        }
        const CellValues cells = readCells(*t, item.object(), names, &errors, &touched);
        if (call.method == "PATCH") {
            const PyValue id = item.object().value(u"id");
            if (!id.isInt() || id.toInt() <= 0)
                errors.insert(L("id"), fieldError(L("This field is required."), L("required")));
            else if (!t->rows.contains(id.toInt()))
                missing.append(id.toInt());
            else
                updates.append({id.toInt(), cells});
        } else {
            created.append(cells);
        }
        if (!errors.isEmpty())
            itemErrors.insert(QString::number(i), errors);
    }
    if (!itemErrors.isEmpty())
        return validationError(PyObject {{L("items"), itemErrors}});
    if (!missing.isEmpty()) {
        QStringList list;
        for (qint64 id : missing)
            list.append(QString::number(id));
        return error(404, "ERROR_ROW_DOES_NOT_EXIST",
            QStringLiteral("The rows [%1] do not exist.").arg(list.join(L(", "))));
    }
    QList<qint64> ids;
    if (call.method == "PATCH") {
        QList<qint64> seen;
        for (const auto& u : std::as_const(updates)) {
            if (seen.contains(u.first))
                return error(400, "ERROR_ROW_IDS_NOT_UNIQUE",
                    QStringLiteral("The provided row ids are not unique: %1").arg(u.first));
            seen.append(u.first);
        }
        m_ctx->ops->updateRows(call.actor, tableId, updates, touched);
        ids = seen;
    } else {
        const auto before = intParam(q, "before");
        if (before && (*before <= 0 || !t->rows.contains(*before)))
            return error(404, "ERROR_ROW_DOES_NOT_EXIST",
                QStringLiteral("The row %1 does not exist.").arg(q.queryItemValue(L("before"))));
        ids = m_ctx->ops->createRows(call.actor, tableId, created, before.value_or(0));
    }
    t = m_ctx->data->table(tableId);
    PyArray out;
    for (qint64 id : std::as_const(ids))
        out.append(m_ctx->serializer->row(*t, t->rows.value(id), names));
    return HttpResponse::json(200, PyObject {{L("items"), out}});
}

HttpResponse RestApi::batchDelete(Call& call, int tableId)
{
    SimTable* t = nullptr;
    HttpResponse failure;
    if (!checkTable(call, tableId, &t, &failure))
        return failure;
    if (!parseBody(call, &failure))
        return failure;
    const PyValue items = call.body.object().value(u"items");
    if (!items.isArray() || items.array().isEmpty())
        return validationError(
            PyObject {{L("items"), fieldError(L("This field is required."), L("required"))}});
    if (items.array().size() > kBatchLimit)
        return validationError(PyObject {{L("items"),
            fieldError(QStringLiteral("Ensure this field has no more than %1 elements.").arg(kBatchLimit),
                L("max_length"))}});
    QList<qint64> ids;
    QStringList missing;
    for (const PyValue& v : items.array()) {
        if (!v.isInt() || v.toInt() <= 0)
            return validationError(
                PyObject {{L("items"), fieldError(L("A valid integer is required."), L("invalid"))}});
        if (!t->rows.contains(v.toInt()))
            missing.append(QString::number(v.toInt()));
        ids.append(v.toInt());
    }
    if (!missing.isEmpty())
        return error(404, "ERROR_ROW_DOES_NOT_EXIST",
            QStringLiteral("The rows [%1] do not exist.").arg(missing.join(L(", "))));
    m_ctx->ops->deleteRows(call.actor, tableId, ids);
    return HttpResponse::empty(204);
}

// --------------------------------------------------------------------------------------------
// Views

HttpResponse RestApi::views(Call& call, int tableId)
{
    SimTable* t = nullptr;
    HttpResponse failure;
    if (!checkTable(call, tableId, &t, &failure))
        return failure;
    const bool withFilters
        = call.request->query.queryItemValue(L("include")).contains(QLatin1String("filters"));
    PyArray list;
    for (int id : t->viewIds)
        list.append(m_ctx->serializer->view(*m_ctx->data->view(id), withFilters));
    return HttpResponse::json(200, list);
}

HttpResponse RestApi::view(Call& call, int viewId)
{
    SimView* v = m_ctx->data->view(viewId);
    if (!v)
        return error(404, "ERROR_VIEW_DOES_NOT_EXIST", L("The requested view does not exist."));
    SimTable* t = nullptr;
    HttpResponse failure;
    if (!checkTable(call, v->tableId, &t, &failure))
        return failure;
    if (call.method == "PATCH") {
        if (!parseBody(call, &failure))
            return failure;
        const PyObject body = call.body.object();
        std::optional<QString> name, filterType;
        std::optional<bool> filtersDisabled;
        if (body.contains(u"name")) {
            if (!body.value(u"name").isString() || body.value(u"name").toString().trimmed().isEmpty())
                return validationError(
                    PyObject {{L("name"), fieldError(L("This field may not be blank."), L("blank"))}});
            name = body.value(u"name").toString();
        }
        if (body.contains(u"filter_type")) {
            const QString ft = body.value(u"filter_type").toString();
            if (ft != QLatin1String("AND") && ft != QLatin1String("OR"))
                return validationError(PyObject {{L("filter_type"),
                    fieldError(
                        QStringLiteral("\"%1\" is not a valid choice.").arg(ft), L("invalid_choice"))}});
            filterType = ft;
        }
        if (body.contains(u"filters_disabled"))
            filtersDisabled = body.value(u"filters_disabled").toBool();
        m_ctx->ops->updateView(call.actor, viewId, name, filterType, filtersDisabled);
    }
    const bool withFilters
        = call.request->query.queryItemValue(L("include")).contains(QLatin1String("filters"));
    return HttpResponse::json(200, m_ctx->serializer->view(*m_ctx->data->view(viewId), withFilters));
}

HttpResponse RestApi::fieldOptions(Call& call, int viewId)
{
    SimView* v = m_ctx->data->view(viewId);
    if (!v)
        return error(404, "ERROR_VIEW_DOES_NOT_EXIST", L("The requested view does not exist."));
    SimTable* t = nullptr;
    HttpResponse failure;
    if (!checkTable(call, v->tableId, &t, &failure))
        return failure;
    if (call.method == "PATCH") {
        if (!parseBody(call, &failure))
            return failure;
        const PyValue options = call.body.object().value(u"field_options");
        if (!options.isObject())
            return validationError(
                PyObject {{L("field_options"), fieldError(L("This field is required."), L("required"))}});
        QMap<int, SimFieldOptions> changes;
        for (const auto& [key, value] : options.object()) {
            bool ok = false;
            const int fieldId = key.toInt(&ok);
            if (!ok || !t->field(fieldId))
                return error(
                    400, "ERROR_UNRELATED_FIELD", L("The field is not related to the provided view."));
            SimFieldOptions o = v->fieldOptions.value(fieldId);
            const PyObject& p = value.object();
            if (p.value(u"width").isInt())
                o.width = int(qBound<qint64>(qint64(0), p.value(u"width").toInt(), qint64(10000)));
            if (p.value(u"hidden").isBool())
                o.hidden = p.value(u"hidden").toBool();
            if (p.value(u"order").isInt())
                o.order = int(qBound<qint64>(qint64(0), p.value(u"order").toInt(), qint64(32767)));
            if (p.value(u"aggregation_type").isString())
                o.aggregationType = p.value(u"aggregation_type").toString();
            if (p.value(u"aggregation_raw_type").isString())
                o.aggregationRawType = p.value(u"aggregation_raw_type").toString();
            changes.insert(fieldId, o);
        }
        m_ctx->ops->updateFieldOptions(call.actor, viewId, changes);
    }
    return HttpResponse::json(
        200, PyObject {{L("field_options"), m_ctx->serializer->fieldOptions(*m_ctx->data->view(viewId))}});
}

HttpResponse RestApi::createFilter(Call& call, int viewId)
{
    SimView* v = m_ctx->data->view(viewId);
    if (!v)
        return error(404, "ERROR_VIEW_DOES_NOT_EXIST", L("The requested view does not exist."));
    SimTable* t = nullptr;
    HttpResponse failure;
    if (!checkTable(call, v->tableId, &t, &failure))
        return failure;
    if (!parseBody(call, &failure))
        return failure;
    const PyObject body = call.body.object();
    const PyValue fieldId = body.value(u"field");
    const PyValue type = body.value(u"type");
    if (!fieldId.isInt() || !type.isString())
        return validationError(PyObject {{fieldId.isInt() ? L("type") : L("field"),
            fieldError(L("This field is required."), L("required"))}});
    if (!t->field(int(fieldId.toInt())))
        return error(
            400, "ERROR_FIELD_NOT_IN_TABLE", L("The provided field does not belong in the related table."));
    const PyValue value = body.value(u"value");
    const QString text = value.isString()
        ? value.toString()
        : (value.isNull() ? QString() : QString::fromLatin1(pyDumps(value)));
    const int id
        = m_ctx->ops->createViewFilter(call.actor, viewId, int(fieldId.toInt()), type.toString(), text);
    for (const SimViewFilter& f : m_ctx->data->view(viewId)->filters) {
        if (f.id == id)
            return HttpResponse::json(200, m_ctx->serializer->viewFilter(f));
    }
    return HttpResponse::empty(204);
}

HttpResponse RestApi::deleteFilter(Call& call, int filterId)
{
    for (const SimView& v : std::as_const(m_ctx->data->views)) {
        for (const SimViewFilter& f : v.filters) {
            if (f.id != filterId)
                continue;
            SimTable* t = nullptr;
            HttpResponse failure;
            if (!checkTable(call, v.tableId, &t, &failure))
                return failure;
            m_ctx->ops->deleteViewFilter(call.actor, filterId);
            return HttpResponse::empty(204);
        }
    }
    return error(404, "ERROR_VIEW_FILTER_DOES_NOT_EXIST", L("The view filter does not exist."));
}

HttpResponse RestApi::createComment(Call& call, int tableId, qint64 rowId)
{
    SimTable* t = nullptr;
    HttpResponse failure;
    if (!checkTable(call, tableId, &t, &failure))
        return failure;
    if (!t->rows.contains(rowId))
        return error(
            404, "ERROR_ROW_DOES_NOT_EXIST", QStringLiteral("The row %1 does not exist.").arg(rowId));
    if (!parseBody(call, &failure))
        return failure;
    const PyValue message = call.body.object().value(u"message");
    QString text;
    if (message.isString()) {
        text = message.toString();
    } else if (message.isObject()) {
        // Flatten the ProseMirror document to its text.
        std::function<void(const PyValue&)> walk = [&](const PyValue& node) {
            if (node.object().value(u"type").toString() == QLatin1String("text"))
                text += node.object().value(u"text").toString();
            for (const PyValue& child : node.object().value(u"content").array())
                walk(child);
        };
        walk(message);
    }
    if (text.trimmed().isEmpty())
        return validationError(
            PyObject {{L("message"), fieldError(L("This field is required."), L("required"))}});
    m_ctx->ops->createRowComment(call.actor, tableId, rowId, text);
    const SimUser user = m_ctx->data->users.value(call.actor.userId);
    return HttpResponse::json(200,
        PyObject {{L("id"), m_ctx->data->nextRowCommentId - 1}, {L("user_id"), user.id},
            {L("first_name"), user.firstName}, {L("table_id"), tableId}, {L("row_id"), rowId},
            {L("message"), message}, {L("created_on"), m_ctx->nowIso()}, {L("updated_on"), m_ctx->nowIso()},
            {L("edited"), false}, {L("trashed"), false}});
}

} // namespace bmon::sim
