// SPDX-License-Identifier: MIT
#include "net/restclient.h"

#include "core/logging.h"
#include "core/redact.h"
#include "net/authsession.h"
#include "net/netutil.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>

#include <cmath>

using namespace Qt::StringLiterals;

namespace bmon {

struct RestClient::Call
{
    QByteArray method;
    QString path; //!< absolute path with query
    QByteArray body;
    bool hasBody = false;
    bool authenticated = true;
    bool authEndpoint = false; //!< token-auth/-refresh: 400/401 mean refused credentials
    bool preRefreshed = false;
    bool retriedAuth = false;
    bool retriedRateLimit = false;
    std::optional<QString> webSocketId; //!< per-call WebSocketId: set = this one ("" = none)
    Handler done;
};

struct RestClient::Inflight
{
    std::shared_ptr<Call> call;
    Clock::TimerId timer = 0;
    qint64 startedMs = 0;
    bool timedOut = false;
    bool tooLarge = false;
    bool cancelled = false;
    QString tlsSummary;
    QString tlsDetails;
};

struct RestClient::RowsJob
{
    qint64 tableId = 0;
    int page = 1;
    int maxPages = 1;
    qint64 total = -1;
    RowMap rows;
    Progress progress;
    QPointer<QObject> context;
    bool hasContext = false;
    Callback<RowMap> done;
};

namespace {

const QString TokenAuthPath = u"/api/user/token-auth/"_s;
const QString TokenRefreshPath = u"/api/user/token-refresh/"_s;
constexpr qsizetype MaxDetailChars = 300;

bool isWrite(const QByteArray& method)
{
    return method == "POST" || method == "PATCH" || method == "PUT" || method == "DELETE";
}

// One line out of Baserow's and DRF's error shapes (PROTOCOL.md §6.1).
QString flatten(const QJsonValue& v, int depth = 0)
{
    if (depth > 6)
        return u"…"_s;
    switch (v.type()) {
    case QJsonValue::String:
        return v.toString();
    case QJsonValue::Double:
        return QString::number(v.toDouble());
    case QJsonValue::Bool:
        return v.toBool() ? u"true"_s : u"false"_s;
    case QJsonValue::Array: {
        QStringList parts;
        const QJsonArray a = v.toArray();
        for (const QJsonValue& item : a)
            parts.append(flatten(item, depth + 1));
        return parts.join(u"; "_s);
    }
    case QJsonValue::Object: {
        const QJsonObject o = v.toObject();
        // Body validation entries look like {"error": "This field is required.", "code": "required"}.
        if (o.value("error"_L1).isString() && (o.size() == 1 || (o.size() == 2 && o.contains("code"_L1))))
            return o.value("error"_L1).toString();
        QStringList parts;
        for (auto it = o.begin(); it != o.end(); ++it) {
            const QString inner = flatten(it.value(), depth + 1);
            parts.append(it.key() == "non_field_errors"_L1 ? inner : QString(it.key() + u": "_s + inner));
        }
        return parts.join(u"; "_s);
    }
    default:
        return {};
    }
}

QString oneLine(QString text)
{
    text = text.simplified();
    if (text.size() > MaxDetailChars)
        text = QString(text.left(MaxDetailChars) + u'…');
    return redactSecrets(text);
}

struct Body
{
    bool isJson = false;
    QJsonValue json;
    QString code;
    QString detail;
};

Body parseBody(const QByteArray& bytes)
{
    Body b;
    if (bytes.trimmed().isEmpty())
        return b;
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &pe);
    if (pe.error != QJsonParseError::NoError)
        return b;
    b.isJson = true;
    if (doc.isArray()) {
        b.json = doc.array();
        b.detail = oneLine(flatten(b.json));
        return b;
    }
    const QJsonObject o = doc.object();
    b.json = o;
    if (o.value("error"_L1).isString()) {
        b.code = o.value("error"_L1).toString().left(80);
        b.detail = oneLine(flatten(o.value("detail"_L1)));
    } else if (o.contains("detail"_L1)) {
        b.detail = oneLine(flatten(o.value("detail"_L1)));
    } else {
        b.detail = oneLine(flatten(o));
    }
    return b;
}

bool isAuthCode(const QString& code)
{
    static const QStringList codes {u"ERROR_INVALID_ACCESS_TOKEN"_s, u"ERROR_INVALID_CREDENTIALS"_s,
        u"ERROR_INVALID_REFRESH_TOKEN"_s, u"ERROR_DEACTIVATED_USER"_s, u"ERROR_AUTH_PROVIDER_DISABLED"_s,
        u"ERROR_EMAIL_VERIFICATION_REQUIRED"_s, u"ERROR_REFRESH_TOKEN_ALREADY_BLACKLISTED"_s};
    return codes.contains(code);
}

} // namespace

RestClient::RestClient(const QUrl& baseUrl, QObject* parent, Clock* clock)
    : QObject(parent)
    , m_baseUrl(baseUrl.adjusted(QUrl::RemoveUserInfo | QUrl::RemoveQuery | QUrl::RemoveFragment))
    , m_clock(clock ? clock : Clock::system())
    , m_nam(new QNetworkAccessManager(this))
    , m_session(new AuthSession(m_clock, this))
    , m_sslConfig(QSslConfiguration::defaultConfiguration())
{
    // Loopback never goes through a proxy, whatever the system configuration says.
    if (isLoopbackHost(m_baseUrl.host()))
        m_nam->setProxy(QNetworkProxy::NoProxy);
    m_session->setTransport([this](const QString& path, const QJsonObject& body, Callback<QJsonObject> done) {
        auto c = makeCall("POST", path, body, nullptr, [this, path, done](const Result<QJsonValue>& r) {
            if (!r)
                return done(r.error());
            if (!r.value().isObject())
                return done(shapeError("POST", path, tr("the answer is not a JSON object")));
            done(r.value().toObject());
        });
        c->authenticated = false;
        c->authEndpoint = true;
        send(c);
    });
}

RestClient::~RestClient()
{
    m_destroying = true;
    const auto replies = m_inflight.keys();
    for (QNetworkReply* reply : replies) {
        reply->disconnect(this);
        reply->abort();
    }
    m_inflight.clear();
}

void RestClient::setCaCertificates(const QList<QSslCertificate>& certificates)
{
    m_caCertificates = certificates;
    m_sslConfig = QSslConfiguration::defaultConfiguration();
    if (!certificates.isEmpty())
        m_sslConfig.addCaCertificates(certificates);
}

// ---- plumbing ---------------------------------------------------------------------------------

std::shared_ptr<RestClient::Call> RestClient::makeCall(
    const QByteArray& method, const QString& path, const QJsonValue& body, QObject* context, Handler handler)
{
    auto c = std::make_shared<Call>();
    c->method = method;
    c->path = path;
    if (body.isObject() || body.isArray()) {
        c->hasBody = true;
        c->body = body.isObject() ? QJsonDocument(body.toObject()).toJson(QJsonDocument::Compact)
                                  : QJsonDocument(body.toArray()).toJson(QJsonDocument::Compact);
    }
    c->done = [ctx = QPointer<QObject>(context), hasContext = context != nullptr,
                  handler = std::move(handler)](const Result<QJsonValue>& r) {
        if (hasContext && !ctx)
            return;
        handler(r);
    };
    return c;
}

void RestClient::call(const QByteArray& method, const QString& path, const QJsonValue& body, QObject* context,
    Handler handler, bool authenticated)
{
    auto c = makeCall(method, path, body, context, std::move(handler));
    c->authenticated = authenticated;
    send(c);
}

void RestClient::failLater(QObject* context, Handler handler, RestError error)
{
    // Callbacks never run inside the call that started them.
    QPointer<QObject> ctx(context);
    const bool hasContext = context != nullptr;
    QMetaObject::invokeMethod(
        this,
        [ctx, hasContext, handler = std::move(handler), error = std::move(error)]() {
            if (!hasContext || ctx)
                handler(error);
        },
        Qt::QueuedConnection);
}

void RestClient::send(const std::shared_ptr<Call>& c)
{
    // A token that expired while nothing refreshed it (sleep, stalled timers): renew it first.
    if (c->authenticated && !c->preRefreshed && m_session->isAuthenticated() && m_session->isExpired()
        && m_session->canRefresh()) {
        c->preRefreshed = true;
        QPointer<RestClient> self(this);
        m_session->refresh([self, c](const Result<void>& r) {
            if (!self || self->m_destroying)
                return;
            if (!r && r.error().kind == RestError::Kind::Auth)
                return self->finishCall(c, r.error());
            self->transmit(c); // transient refresh trouble: let the request tell its own story
        });
        return;
    }
    transmit(c);
}

void RestClient::transmit(const std::shared_ptr<Call>& c)
{
    QUrl url = m_baseUrl;
    QString path = c->path;
    QString query;
    if (const qsizetype q = path.indexOf(u'?'); q >= 0) {
        query = path.mid(q + 1);
        path.truncate(q);
    }
    QString basePath = m_baseUrl.path();
    if (basePath.endsWith(u'/'))
        basePath.chop(1);
    url.setPath(basePath + path);
    url.setQuery(query.isEmpty() ? QString() : query);

    QNetworkRequest req(url);
    req.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    // drf-spectacular negotiates schema.json by media type; accept its own as well as plain JSON.
    req.setRawHeader("Accept",
        path.endsWith(".json"_L1)
            ? QByteArrayLiteral("application/vnd.oai.openapi+json, application/json;q=0.9, */*;q=0.5")
            : QByteArrayLiteral("application/json"));
    if (c->hasBody)
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    if (c->authenticated && m_session->isAuthenticated())
        req.setRawHeader("Authorization", "JWT " + m_session->accessToken().toLatin1());
    if (c->webSocketId) {
        if (!c->webSocketId->isEmpty())
            req.setRawHeader("WebSocketId", c->webSocketId->toLatin1());
    } else if (c->authenticated && m_sendWebSocketId && !m_webSocketId.isEmpty() && isWrite(c->method)) {
        req.setRawHeader("WebSocketId", m_webSocketId.toLatin1());
    }
    if (url.scheme() == "https"_L1)
        req.setSslConfiguration(m_sslConfig);

    QNetworkReply* reply
        = c->method == "GET" ? m_nam->get(req) : m_nam->sendCustomRequest(req, c->method, c->body);
    auto f = std::make_shared<Inflight>();
    f->call = c;
    f->startedMs = m_clock->monotonicMs();
    f->timer = m_clock->schedule(m_timeoutMs, reply, [f, reply]() {
        f->timer = 0;
        f->timedOut = true;
        reply->abort();
    });
    m_inflight.insert(reply, f);

    connect(reply, &QNetworkReply::downloadProgress, this, [this, f, reply](qint64 received, qint64) {
        if (received > m_maxResponseBytes && !f->tooLarge) {
            f->tooLarge = true;
            reply->abort();
        }
    });
    connect(reply, &QNetworkReply::sslErrors, this, [f, reply](const QList<QSslError>& errors) {
        // Never ignored: the handshake fails and finished() reports Kind::Tls with these details.
        if (!errors.isEmpty())
            f->tlsSummary = errors.first().errorString();
        f->tlsDetails = describeTlsFailure(errors, reply->sslConfiguration().peerCertificate());
    });
    connect(reply, &QNetworkReply::finished, this, [this, reply]() { onFinished(reply); });
}

void RestClient::abortAll()
{
    const auto all = m_inflight;
    for (auto it = all.begin(); it != all.end(); ++it) {
        it.value()->cancelled = true;
        it.key()->abort();
    }
}

void RestClient::finishCall(const std::shared_ptr<Call>& c, const Result<QJsonValue>& result)
{
    if (m_destroying)
        return;
    c->done(result);
}

qint64 RestClient::retryAfterMs(const QByteArray& header) const
{
    const QByteArray h = header.trimmed();
    if (h.isEmpty())
        return RetryAfterDefaultMs;
    bool ok = false;
    const qint64 secs = h.toLongLong(&ok);
    if (ok)
        return qBound<qint64>(0, secs * 1000, RetryAfterCapMs);
    // The other form is an HTTP date.
    const QDateTime when = QDateTime::fromString(QString::fromLatin1(h), Qt::RFC2822Date);
    if (!when.isValid())
        return RetryAfterDefaultMs;
    return qBound<qint64>(0, when.toMSecsSinceEpoch() - m_clock->nowUs() / 1000, RetryAfterCapMs);
}

RestError RestClient::shapeError(const QByteArray& method, const QString& path, const QString& what) const
{
    RestError e;
    e.kind = RestError::Kind::NotBaserow;
    e.message = tr("%1 does not look like a Baserow server: %2 %3: %4")
                    .arg(hostAndPort(m_baseUrl), QString::fromLatin1(method), path, what);
    return e;
}

void RestClient::onFinished(QNetworkReply* reply)
{
    const std::shared_ptr<Inflight> f = m_inflight.take(reply);
    reply->deleteLater();
    if (!f)
        return;
    if (f->timer != 0)
        m_clock->cancel(f->timer);
    const std::shared_ptr<Call>& c = f->call;
    const QString method = QString::fromLatin1(c->method);
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QNetworkReply::NetworkError netError = reply->error();
    qCDebug(lcRest).noquote() << method << redactUrl(reply->url()) << status
                              << QString::number(m_clock->monotonicMs() - f->startedMs) + u"ms"_s;

    RestError e;
    e.httpStatus = status;
    const QString host = hostAndPort(m_baseUrl);
    if (f->cancelled || (netError == QNetworkReply::OperationCanceledError && !f->timedOut && !f->tooLarge)) {
        e.kind = RestError::Kind::Cancelled;
        e.message = tr("%1 %2 was cancelled.").arg(method, c->path);
        return finishCall(c, e);
    }
    if (f->timedOut) {
        e.kind = RestError::Kind::Timeout;
        e.httpStatus = 0;
        e.message = tr("%1 did not answer %2 %3 within %4 s.")
                        .arg(host, method, c->path, QString::number(double(m_timeoutMs) / 1000.0));
        return finishCall(c, e);
    }
    if (f->tooLarge) {
        e.kind = RestError::Kind::Http;
        e.message = tr("The answer to %1 %2 is larger than %3 MiB.")
                        .arg(method, c->path, QString::number(m_maxResponseBytes >> 20));
        return finishCall(c, e);
    }
    if (!f->tlsDetails.isEmpty() || netError == QNetworkReply::SslHandshakeFailedError) {
        e.kind = RestError::Kind::Tls;
        e.httpStatus = 0;
        e.tlsDetails = f->tlsDetails.isEmpty()
            ? describeTlsFailure({}, reply->sslConfiguration().peerCertificate())
            : f->tlsDetails;
        e.message
            = tr("The TLS handshake with %1 failed: %2")
                  .arg(host, redactSecrets(f->tlsSummary.isEmpty() ? reply->errorString() : f->tlsSummary));
        return finishCall(c, e);
    }
    // Network-layer (1–99) and proxy (101–199) errors, or no HTTP answer at all.
    if (status == 0 || (netError > QNetworkReply::NoError && netError < QNetworkReply::ContentAccessDenied)) {
        e.kind
            = netError == QNetworkReply::TimeoutError ? RestError::Kind::Timeout : RestError::Kind::Network;
        e.httpStatus = 0;
        e.message = tr("Cannot reach %1 (%2 %3): %4")
                        .arg(host, method, c->path, redactSecrets(reply->errorString()));
        return finishCall(c, e);
    }

    const QByteArray bytes = reply->readAll();
    if (status >= 200 && status < 300) {
        const Body b = parseBody(bytes);
        if (bytes.trimmed().isEmpty())
            return finishCall(c, QJsonValue(QJsonValue::Null));
        if (!b.isJson) {
            const QString type = reply->header(QNetworkRequest::ContentTypeHeader).toString();
            return finishCall(c,
                shapeError(c->method, c->path,
                    tr("the answer is not JSON (%1)").arg(type.isEmpty() ? u"?"_s : type)));
        }
        return finishCall(c, b.json);
    }

    if (status == 429 && !c->retriedRateLimit) {
        c->retriedRateLimit = true;
        const qint64 wait = retryAfterMs(reply->rawHeader("Retry-After"));
        qCDebug(lcRest).noquote() << "rate limited; retrying" << method << c->path << "in" << wait << "ms";
        m_clock->schedule(wait, this, [this, c]() { send(c); });
        return;
    }

    const Body b = parseBody(bytes);
    e.code = b.code;
    e.detail = b.detail;

    // An expired or invalid access token: refresh and retry once (PROTOCOL.md §8.2).
    const bool tokenProblem = b.code == "ERROR_INVALID_ACCESS_TOKEN"_L1
        || (m_session->era() == AuthSession::Era::DrfJwt && b.code.isEmpty());
    if (status == 401 && c->authenticated && tokenProblem && !c->retriedAuth && m_session->canRefresh()) {
        c->retriedAuth = true;
        QPointer<RestClient> self(this);
        m_session->refresh([self, c](const Result<void>& r) {
            if (!self || self->m_destroying)
                return;
            if (!r)
                return self->finishCall(c, r.error());
            self->send(c);
        });
        return;
    }

    const QString what
        = b.code.isEmpty() ? b.detail : (b.detail.isEmpty() ? b.code : QString(b.code + u": "_s + b.detail));
    if (status >= 300 && status < 400) {
        e.kind = RestError::Kind::NotBaserow;
        const QUrl target = reply->url().resolved(QUrl::fromEncoded(reply->rawHeader("Location")));
        e.message = tr("%1 redirects %2 %3 to %4; use the address it redirects to as the server URL.")
                        .arg(host, method, c->path, redactUrl(target));
        return finishCall(c, e);
    }
    if (status == 429) {
        e.kind = RestError::Kind::RateLimited;
        e.message = tr("%1 is rate limiting requests (HTTP 429) on %2 %3.").arg(host, method, c->path);
        return finishCall(c, e);
    }
    if ((c->authEndpoint && (status == 400 || status == 401 || status == 403) && b.isJson)
        || (status == 401 && b.isJson && (b.code.isEmpty() || isAuthCode(b.code)))) {
        e.kind = RestError::Kind::Auth;
        if (c->path == TokenAuthPath)
            e.message = tr("The server refused the email or password: %1").arg(what);
        else if (c->path == TokenRefreshPath)
            e.message = tr("The server refused to renew the session token: %1").arg(what);
        else
            e.message = tr("The server refused the login for %1 %2: %3").arg(method, c->path, what);
        return finishCall(c, e);
    }
    if (!b.isJson && status < 500) {
        const QString type = reply->header(QNetworkRequest::ContentTypeHeader).toString();
        e.kind = RestError::Kind::NotBaserow;
        e.message = tr(
            "%1 does not look like a Baserow server: %2 %3 answered HTTP %4 without a Baserow error (%5).")
                        .arg(host, method, c->path, QString::number(status), type.isEmpty() ? u"?"_s : type);
        return finishCall(c, e);
    }
    e.kind = RestError::Kind::Http;
    const QString reason = what.isEmpty()
        ? oneLine(reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString())
        : what;
    e.message
        = tr("%1 %2 failed: HTTP %3 %4").arg(method, c->path, QString::number(status), reason).trimmed();
    finishCall(c, e);
}

// ---- endpoints --------------------------------------------------------------------------------

void RestClient::fetchServerVersion(QObject* context, Callback<ServerVersion> done)
{
    const QString path = u"/api/schema.json"_s;
    call(
        "GET", path, {}, context,
        [this, path, done](const Result<QJsonValue>& r) {
            if (!r) {
                // Whatever answers here with an HTTP error page is not a Baserow backend.
                if (r.error().kind == RestError::Kind::Http && r.error().httpStatus == 404) {
                    RestError e = r.error();
                    e.kind = RestError::Kind::NotBaserow;
                    e.message = shapeError("GET", path, tr("there is no API schema (HTTP 404)")).message;
                    return done(e);
                }
                return done(r.error());
            }
            const QJsonValue version = r.value().toObject().value("info"_L1).toObject().value("version"_L1);
            if (!version.isString())
                return done(shapeError("GET", path, tr("the API schema has no info.version")));
            const auto v = ServerVersion::parse(version.toString());
            if (!v)
                return done(shapeError("GET", path, tr("the API schema's version is not a version number")));
            if (!v->isSupported()) {
                RestError e;
                e.kind = RestError::Kind::Unsupported;
                e.message = tr("Baserow %1 is older than the oldest supported version %2.")
                                .arg(v->toString(), ServerVersion::oldestSupported().toString());
                return done(e);
            }
            m_version = *v;
            m_session->setServerVersion(*v);
            done(*v);
        },
        false);
}

void RestClient::login(const QString& email, const QString& password, QObject* context, Callback<User> done)
{
    QPointer<QObject> ctx(context);
    const bool hasContext = context != nullptr;
    m_session->login(email, password, [ctx, hasContext, done](const Result<QJsonObject>& r) {
        if (hasContext && !ctx)
            return;
        if (!r)
            return done(r.error());
        const auto user = User::fromJson(r.value().value("user"_L1).toObject());
        // Some plugins trim the answer; a missing user object is not worth failing a login for.
        done(user ? *user : User {});
    });
}

void RestClient::loginWithRefreshToken(const QString& refreshToken, QObject* context, Callback<void> done)
{
    QPointer<QObject> ctx(context);
    const bool hasContext = context != nullptr;
    m_session->loginWithRefreshToken(refreshToken, [ctx, hasContext, done](const Result<void>& r) {
        if (!hasContext || ctx)
            done(r);
    });
}

void RestClient::refreshAccessToken(QObject* context, Callback<void> done)
{
    QPointer<QObject> ctx(context);
    const bool hasContext = context != nullptr;
    m_session->refresh([ctx, hasContext, done](const Result<void>& r) {
        if (!hasContext || ctx)
            done(r);
    });
}

void RestClient::listWorkspaces(QObject* context, Callback<QList<Workspace>> done)
{
    if (m_version && !m_version->hasWorkspacesEndpoint())
        return listGroups(context, std::move(done));
    call("GET", u"/api/workspaces/"_s, {}, context, [this, context, done](const Result<QJsonValue>& r) {
        if (!r && r.error().httpStatus == 404)
            return listGroups(context, done); // ≤ 1.15 (PROTOCOL.md §6.3)
        if (!r)
            return done(r.error());
        if (!r.value().isArray())
            return done(shapeError("GET", u"/api/workspaces/"_s, tr("the answer is not a list")));
        QList<Workspace> out;
        for (const QJsonValue& v : r.value().toArray()) {
            const auto w = Workspace::fromJson(v.toObject());
            if (!w)
                return done(shapeError("GET", u"/api/workspaces/"_s, tr("a workspace without id or name")));
            out.append(*w);
        }
        done(out);
    });
}

void RestClient::listGroups(QObject* context, Callback<QList<Workspace>> done)
{
    call("GET", u"/api/groups/"_s, {}, context, [this, done](const Result<QJsonValue>& r) {
        if (!r)
            return done(r.error());
        if (!r.value().isArray())
            return done(shapeError("GET", u"/api/groups/"_s, tr("the answer is not a list")));
        QList<Workspace> out;
        for (const QJsonValue& v : r.value().toArray()) {
            const auto w = Workspace::fromJson(v.toObject());
            if (!w)
                return done(shapeError("GET", u"/api/groups/"_s, tr("a group without id or name")));
            out.append(*w);
        }
        done(out);
    });
}

void RestClient::listApplications(QObject* context, Callback<QList<Application>> done)
{
    const QString path = u"/api/applications/"_s;
    call("GET", path, {}, context, [this, path, done](const Result<QJsonValue>& r) {
        if (!r)
            return done(r.error());
        if (!r.value().isArray())
            return done(shapeError("GET", path, tr("the answer is not a list")));
        QList<Application> out;
        for (const QJsonValue& v : r.value().toArray()) {
            const auto a = Application::fromJson(v.toObject());
            if (!a)
                return done(shapeError("GET", path, tr("an application without id or type")));
            out.append(*a);
        }
        done(out);
    });
}

void RestClient::listFields(qint64 tableId, QObject* context, Callback<QList<Field>> done)
{
    const QString path = u"/api/database/fields/table/%1/"_s.arg(tableId);
    call("GET", path, {}, context, [this, path, tableId, done](const Result<QJsonValue>& r) {
        if (!r)
            return done(r.error());
        if (!r.value().isArray())
            return done(shapeError("GET", path, tr("the answer is not a list")));
        QList<Field> out;
        for (const QJsonValue& v : r.value().toArray()) {
            auto f = Field::fromJson(v.toObject());
            if (!f)
                return done(shapeError("GET", path, tr("a field without id or type")));
            if (f->tableId == 0)
                f->tableId = tableId;
            out.append(*f);
        }
        done(out);
    });
}

void RestClient::listAllRows(qint64 tableId, Progress progress, QObject* context, Callback<RowMap> done)
{
    auto job = std::make_shared<RowsJob>();
    job->tableId = tableId;
    job->progress = std::move(progress);
    job->context = context;
    job->hasContext = context != nullptr;
    job->done = std::move(done);
    fetchRowsPage(job);
}

void RestClient::fetchRowsPage(const std::shared_ptr<RowsJob>& job)
{
    if (job->hasContext && !job->context)
        return;
    const QString path
        = u"/api/database/rows/table/%1/?page=%2&size=%3"_s.arg(job->tableId).arg(job->page).arg(RowPageSize);
    call("GET", path, {}, job->context, [this, path, job](const Result<QJsonValue>& r) {
        if (!r) {
            // Rows deleted while paging can make a later page vanish: what we have is complete.
            if (r.error().httpStatus == 404 && job->page > 1)
                return job->done(job->rows);
            return job->done(r.error());
        }
        const QJsonObject o = r.value().toObject();
        if (!o.value("results"_L1).isArray())
            return job->done(shapeError("GET", path, tr("the answer has no results list")));
        const QJsonArray results = o.value("results"_L1).toArray();
        for (const QJsonValue& v : results) {
            const QJsonObject row = v.toObject();
            const qint64 id = jsonId(row.value("id"_L1));
            if (id == 0)
                return job->done(shapeError("GET", path, tr("a row without id")));
            job->rows.insert(id, row); // keyed by id: rows shifting between pages are not doubled
        }
        job->total = qint64(o.value("count"_L1).toDouble(double(job->rows.size())));
        if (job->page == 1)
            job->maxPages = int(qMin<qint64>(1'000'000, job->total / RowPageSize + 3));
        if (job->progress)
            job->progress(job->rows.size(), job->total);
        const bool more
            = !o.value("next"_L1).isNull() && !o.value("next"_L1).isUndefined() && !results.isEmpty();
        if (!more || job->page >= job->maxPages)
            return job->done(job->rows);
        ++job->page;
        fetchRowsPage(job);
    });
}

void RestClient::getRow(qint64 tableId, qint64 rowId, QObject* context, Callback<QJsonObject> done)
{
    const QString path = u"/api/database/rows/table/%1/%2/"_s.arg(tableId).arg(rowId);
    call("GET", path, {}, context, [this, path, done](const Result<QJsonValue>& r) {
        if (!r)
            return done(r.error());
        if (!r.value().isObject())
            return done(shapeError("GET", path, tr("the answer is not a row object")));
        done(r.value().toObject());
    });
}

void RestClient::createRow(
    qint64 tableId, const QJsonObject& values, QObject* context, Callback<QJsonObject> done)
{
    const QString path = u"/api/database/rows/table/%1/"_s.arg(tableId);
    call("POST", path, values, context, [this, path, done](const Result<QJsonValue>& r) {
        if (!r)
            return done(r.error());
        if (!r.value().isObject())
            return done(shapeError("POST", path, tr("the answer is not a row object")));
        done(r.value().toObject());
    });
}

void RestClient::updateRow(
    qint64 tableId, qint64 rowId, const QJsonObject& values, QObject* context, Callback<QJsonObject> done)
{
    const QString path = u"/api/database/rows/table/%1/%2/"_s.arg(tableId).arg(rowId);
    call("PATCH", path, values, context, [this, path, done](const Result<QJsonValue>& r) {
        if (!r)
            return done(r.error());
        if (!r.value().isObject())
            return done(shapeError("PATCH", path, tr("the answer is not a row object")));
        done(r.value().toObject());
    });
}

void RestClient::deleteRow(qint64 tableId, qint64 rowId, QObject* context, Callback<void> done)
{
    const QString path = u"/api/database/rows/table/%1/%2/"_s.arg(tableId).arg(rowId);
    call("DELETE", path, {}, context, [done](const Result<QJsonValue>& r) {
        if (!r)
            return done(r.error());
        done(Result<void>());
    });
}

void RestClient::moveRow(
    qint64 tableId, qint64 rowId, qint64 beforeId, QObject* context, Callback<QJsonObject> done)
{
    QString path = u"/api/database/rows/table/%1/%2/move/"_s.arg(tableId).arg(rowId);
    if (beforeId > 0)
        path += u"?before_id=%1"_s.arg(beforeId);
    call("PATCH", path, {}, context, [this, path, done](const Result<QJsonValue>& r) {
        if (!r)
            return done(r.error());
        if (!r.value().isObject())
            return done(shapeError("PATCH", path, tr("the answer is not a row object")));
        done(r.value().toObject());
    });
}

void RestClient::batchUpdateRows(
    qint64 tableId, const QJsonArray& items, QObject* context, Callback<QJsonArray> done)
{
    const QString path = u"/api/database/rows/table/%1/batch/"_s.arg(tableId);
    call("PATCH", path, QJsonObject {{u"items"_s, items}}, context,
        [this, path, done](const Result<QJsonValue>& r) {
            if (!r)
                return done(r.error());
            const QJsonValue items = r.value().toObject().value("items"_L1);
            if (!items.isArray())
                return done(shapeError("PATCH", path, tr("the answer has no items list")));
            done(items.toArray());
        });
}

void RestClient::changePassword(
    const QString& oldPassword, const QString& newPassword, QObject* context, Callback<void> done)
{
    const QJsonObject body {{u"old_password"_s, oldPassword}, {u"new_password"_s, newPassword}};
    call("POST", u"/api/user/change-password/"_s, body, context, [done](const Result<QJsonValue>& r) {
        if (!r)
            return done(r.error());
        done(Result<void>());
    });
}

void RestClient::blacklistRefreshToken(QObject* context, Callback<void> done)
{
    const QString refresh = m_session->refreshToken();
    if (refresh.isEmpty()) {
        RestError e;
        e.kind = RestError::Kind::Auth;
        e.message = tr("There is no refresh token to revoke.");
        return failLater(
            context, [done](const Result<QJsonValue>& r) { done(r.error()); }, e);
    }
    // The endpoint takes no authentication (authentication_classes = ()).
    call(
        "POST", u"/api/user/token-blacklist/"_s, QJsonObject {{u"refresh_token"_s, refresh}}, context,
        [done](const Result<QJsonValue>& r) {
            if (!r)
                return done(r.error());
            done(Result<void>());
        },
        false);
}

void RestClient::request(const QByteArray& method, const QString& path, const QJsonValue& body,
    QObject* context, Callback<QJsonValue> done)
{
    QString p = path.startsWith(u'/') ? path : QString(u'/' + path);
    const qsizetype q = p.indexOf(u'?');
    const QString pathPart = q >= 0 ? p.left(q) : p;
    if (!pathPart.endsWith(u'/') && !pathPart.endsWith(".json"_L1))
        p.insert(pathPart.size(), u'/'); // APPEND_SLASH = False: without it Baserow answers 404
    call(method.toUpper(), p, body, context, [done](const Result<QJsonValue>& r) { done(r); });
}

void RestClient::requestWithWebSocketId(const QByteArray& method, const QString& path, const QJsonValue& body,
    const QString& webSocketId, QObject* context, Callback<QJsonValue> done)
{
    QString p = path.startsWith(u'/') ? path : QString(u'/' + path);
    const qsizetype q = p.indexOf(u'?');
    const QString pathPart = q >= 0 ? p.left(q) : p;
    if (!pathPart.endsWith(u'/') && !pathPart.endsWith(".json"_L1))
        p.insert(pathPart.size(), u'/');
    auto c = makeCall(method.toUpper(), p, body, context, [done](const Result<QJsonValue>& r) { done(r); });
    c->webSocketId = webSocketId;
    send(c);
}

} // namespace bmon
