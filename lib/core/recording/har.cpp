// SPDX-License-Identifier: MIT
#include "core/recording/har.h"

#include "core/eventformat.h"
#include "core/jsonreader.h"
#include "core/redact.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTimeZone>
#include <QUrl>
#include <QUrlQuery>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace bmon::recording {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("bmon::recording::Har", text);
}

// --- writing: a small streaming writer keeps Chrome's key order and the frames' exact text ----

class JsonOut
{
public:
    QByteArray out;

    JsonOut& key(const char* name)
    {
        comma();
        EventFormat::appendJsonString(out, QByteArrayView(name));
        out.append(':');
        m_afterKey = true;
        return *this;
    }
    void beginObject() { open('{'); }
    void endObject() { close('}'); }
    void beginArray() { open('['); }
    void endArray() { close(']'); }
    void str(QByteArrayView utf8)
    {
        value();
        EventFormat::appendJsonString(out, utf8);
    }
    void str(const QByteArray& utf8) { str(QByteArrayView(utf8)); }
    void str(const char* utf8) { str(QByteArrayView(utf8)); }
    void str(const QString& text) { str(QByteArrayView(text.toUtf8())); }
    void integer(qint64 v)
    {
        value();
        out.append(QByteArray::number(v));
    }
    void number(double v, int decimals)
    {
        value();
        out.append(std::isfinite(v) ? QByteArray::number(v, 'f', decimals) : QByteArray("0"));
    }
    //! Text that already is JSON.
    void raw(QByteArrayView json)
    {
        value();
        out.append(json);
    }
    void json(const QJsonObject& object) { raw(QJsonDocument(object).toJson(QJsonDocument::Compact)); }

private:
    void open(char c)
    {
        value();
        out.append(c);
        m_first.push_back(true);
    }
    void close(char c)
    {
        out.append(c);
        m_first.pop_back();
    }
    void value()
    {
        if (m_afterKey)
            m_afterKey = false;
        else
            comma();
    }
    void comma()
    {
        if (m_first.empty())
            return;
        if (!m_first.back())
            out.append(',');
        m_first.back() = false;
    }

    std::vector<bool> m_first;
    bool m_afterKey = false;
};

// Chrome writes milliseconds ("2024-05-01T10:00:00.123Z"); exact µs travel in the _bmon fields.
QByteArray isoTimeMs(qint64 us)
{
    QByteArray text;
    EventFormat::appendIsoTime(text, us);
    if (text.size() > 4 && text.endsWith('Z') && text.at(text.size() - 8) == '.')
        text.remove(text.size() - 4, 3);
    return text;
}

//! "1700000000.123456": seconds since the epoch with exactly the recorded µs.
QByteArray secondsText(qint64 us)
{
    const bool negative = us < 0;
    const quint64 abs = negative ? quint64(0) - quint64(us) : quint64(us);
    QByteArray text = negative ? QByteArray("-") : QByteArray();
    text.append(QByteArray::number(abs / 1000000));
    text.append('.');
    text.append(QByteArray::number(abs % 1000000).rightJustified(6, '0'));
    return text;
}

QString webSocketUrl(const QString& backendUrl)
{
    QUrl url(backendUrl);
    if (!url.isValid() || url.host().isEmpty())
        url = QUrl(QStringLiteral("http://localhost"));
    url.setScheme(url.scheme().compare(QLatin1String("https"), Qt::CaseInsensitive) == 0
            ? QStringLiteral("wss")
            : QStringLiteral("ws"));
    url.setUserInfo(QString());
    url.setPath(QStringLiteral("/ws/core/"));
    url.setQuery(QStringLiteral("jwt_token=REDACTED"));
    url.setFragment(QString());
    return url.toString();
}

//! Query values whose names say they are secret, on top of what redactUrl() knows.
bool isSecretKey(const QString& key)
{
    const QString k = key.toLower();
    return k.contains(QLatin1String("token")) || k.contains(QLatin1String("password"))
        || k.contains(QLatin1String("secret")) || k.contains(QLatin1String("signature"))
        || k == QLatin1String("key") || k.endsWith(QLatin1String("_key")) || k == QLatin1String("code");
}

QString redactedUrl(const QString& text)
{
    QUrl url(text);
    if (url.hasQuery()) {
        const QUrlQuery query(url);
        QUrlQuery cleaned;
        for (const auto& [key, value] : query.queryItems(QUrl::FullyEncoded)) {
            const bool secret
                = isSecretKey(QUrl::fromPercentEncoding(key.toUtf8())) && value != QLatin1String("anonymous");
            cleaned.addQueryItem(key, secret ? QStringLiteral("REDACTED") : value);
        }
        url.setQuery(cleaned);
    }
    return redactSecrets(redactUrl(url));
}

void writeQueryString(JsonOut& j, const QString& url)
{
    j.beginArray();
    const QUrlQuery query {QUrl(url)};
    for (const auto& [name, value] : query.queryItems(QUrl::FullyDecoded)) {
        j.beginObject();
        j.key("name").str(name);
        j.key("value").str(value);
        j.endObject();
    }
    j.endArray();
}

void writeHeaders(JsonOut& j, std::initializer_list<std::pair<const char*, QString>> headers)
{
    j.beginArray();
    for (const auto& [name, value] : headers) {
        j.beginObject();
        j.key("name").str(QByteArrayView(name));
        j.key("value").str(value);
        j.endObject();
    }
    j.endArray();
}

void writeTimings(JsonOut& j, double waitMs)
{
    j.beginObject();
    j.key("blocked").integer(-1);
    j.key("dns").integer(-1);
    j.key("ssl").integer(-1);
    j.key("connect").integer(-1);
    j.key("send").integer(0);
    j.key("wait").number(waitMs, 3);
    j.key("receive").integer(0);
    j.endObject();
}

QJsonObject metaToJson(const Line& line)
{
    return QJsonObject {{QStringLiteral("type"), line.metaType},
        {QStringLiteral("timeUs"), double(line.timeUs)}, {QStringLiteral("seq"), double(line.seq)},
        {QStringLiteral("direction"),
            line.direction == Direction::Sent ? QStringLiteral("send") : QStringLiteral("receive")},
        {QStringLiteral("generation"), int(line.generation)}, {QStringLiteral("fields"), line.meta}};
}

bool isRestEntryMeta(const Line& line)
{
    return line.kind == Line::Kind::Meta && line.metaType == QLatin1String("rest")
        && line.meta.value(QLatin1String("method")).isString()
        && line.meta.value(QLatin1String("url")).isString()
        && line.meta.value(QLatin1String("status")).isDouble();
}

QByteArray restEntry(const Line& line, const QByteArray& pageref)
{
    const QString url = redactedUrl(line.meta.value(QLatin1String("url")).toString());
    const double durationMs = std::max(0.0, line.meta.value(QLatin1String("durationMs")).toDouble());
    const QString mimeType
        = line.meta.value(QLatin1String("mimeType")).toString(QStringLiteral("application/json"));
    JsonOut j;
    j.beginObject();
    j.key("startedDateTime").str(isoTimeMs(line.timeUs));
    j.key("time").number(durationMs, 3);
    j.key("request");
    j.beginObject();
    j.key("method").str(line.meta.value(QLatin1String("method")).toString());
    j.key("url").str(url);
    j.key("httpVersion").str("HTTP/1.1");
    j.key("headers");
    writeHeaders(j, {});
    j.key("queryString");
    writeQueryString(j, url);
    j.key("cookies").raw("[]");
    j.key("headersSize").integer(-1);
    j.key("bodySize").integer(-1);
    j.endObject();
    j.key("response");
    j.beginObject();
    j.key("status").integer(line.meta.value(QLatin1String("status")).toInteger());
    j.key("statusText").str(line.meta.value(QLatin1String("statusText")).toString());
    j.key("httpVersion").str("HTTP/1.1");
    j.key("headers");
    writeHeaders(j, {});
    j.key("cookies").raw("[]");
    j.key("content");
    j.beginObject();
    j.key("size").integer(line.meta.value(QLatin1String("size")).toInteger(0));
    j.key("mimeType").str(mimeType);
    j.endObject();
    j.key("redirectURL").str("");
    j.key("headersSize").integer(-1);
    j.key("bodySize").integer(-1);
    j.key("_transferSize").integer(0);
    j.endObject();
    j.key("cache").raw("{}");
    j.key("timings");
    writeTimings(j, durationMs);
    j.key("pageref").str(pageref);
    j.key("_resourceType").str("xhr");
    QJsonObject meta = metaToJson(line);
    QJsonObject fields = line.meta;
    fields.insert(QStringLiteral("url"), url);
    meta.insert(QStringLiteral("fields"), fields);
    j.key("_bmonMeta").json(meta);
    j.endObject();
    return j.out;
}

QByteArray webSocketEntry(const HarSession& session, qint64 startUs, const QByteArray& pageref,
    const QList<const Line*>& frames, const QList<const Line*>& metas)
{
    const QString url = webSocketUrl(session.header.backendUrl);
    const QString host = QUrl(url).authority();
    qint64 endUs = startUs;
    for (const Line& line : session.lines)
        endUs = std::max(endUs, line.timeUs);

    JsonOut j;
    j.beginObject();
    j.key("startedDateTime").str(isoTimeMs(startUs));
    j.key("time").number(double(endUs - startUs) / 1000.0, 3);
    j.key("request");
    j.beginObject();
    j.key("method").str("GET");
    j.key("url").str(url);
    j.key("httpVersion").str("HTTP/1.1");
    j.key("headers");
    writeHeaders(j,
        {{"Host", host}, {"Connection", QStringLiteral("Upgrade")}, {"Upgrade", QStringLiteral("websocket")},
            {"Sec-WebSocket-Version", QStringLiteral("13")}});
    j.key("queryString");
    writeQueryString(j, url);
    j.key("cookies").raw("[]");
    j.key("headersSize").integer(-1);
    j.key("bodySize").integer(0);
    j.endObject();
    j.key("response");
    j.beginObject();
    j.key("status").integer(101);
    j.key("statusText").str("Switching Protocols");
    j.key("httpVersion").str("HTTP/1.1");
    j.key("headers");
    writeHeaders(j, {{"Connection", QStringLiteral("Upgrade")}, {"Upgrade", QStringLiteral("websocket")}});
    j.key("cookies").raw("[]");
    j.key("content");
    j.beginObject();
    j.key("size").integer(0);
    j.key("mimeType").str("x-unknown");
    j.endObject();
    j.key("redirectURL").str("");
    j.key("headersSize").integer(-1);
    j.key("bodySize").integer(0);
    j.key("_transferSize").integer(0);
    j.endObject();
    j.key("cache").raw("{}");
    j.key("timings");
    writeTimings(j, 0);
    j.key("pageref").str(pageref);
    j.key("_resourceType").str("websocket");

    const Header& h = session.header;
    j.key("_bmonSession");
    j.beginObject();
    j.key("appVersion").str(h.appVersion);
    j.key("backendUrl").str(redactedUrl(h.backendUrl));
    j.key("serverVersion").str(h.serverVersion);
    j.key("startUs").integer(h.startUs);
    j.key("login").str(h.login);
    j.key("extra").json(h.extra);
    j.endObject();

    j.key("_webSocketMessages");
    j.beginArray();
    for (const Line* line : frames) {
        j.beginObject();
        j.key("type").str(QByteArrayView(line->direction == Direction::Sent ? "send" : "receive"));
        j.key("time").raw(secondsText(line->timeUs));
        j.key("opcode").integer(line->binary ? 2 : 1);
        if (line->binary) {
            j.key("data").str(line->frame.toBase64());
        } else if (JsonReader::firstInvalidUtf8(line->frame.constData(), line->frame.size()) < 0) {
            j.key("data").str(line->frame);
        } else {
            // A text frame that is not UTF-8 cannot be a JSON string: readers see it repaired,
            // this monitor restores the exact bytes.
            j.key("data").str(QString::fromUtf8(line->frame));
            j.key("_bmonData64").str(line->frame.toBase64());
        }
        j.key("_bmonSeq").integer(qint64(line->seq));
        if (line->generation != 1)
            j.key("_bmonGeneration").integer(line->generation);
        j.endObject();
    }
    j.endArray();
    if (!metas.isEmpty()) {
        j.key("_bmonMeta");
        j.beginArray();
        for (const Line* line : metas)
            j.json(metaToJson(*line));
        j.endArray();
    }
    j.endObject();
    return j.out;
}

// --- reading ---------------------------------------------------------------------------------

//! µs since the epoch of an ISO 8601 date-time with any number of fraction digits; nullopt if bad.
std::optional<qint64> parseIsoTime(const QString& text)
{
    static const QRegularExpression re(
        QStringLiteral(R"(^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:[.,](\d+))?(Z|[+-]\d\d:?\d\d)?$)"));
    const QRegularExpressionMatch m = re.match(text.trimmed());
    if (!m.hasMatch())
        return std::nullopt;
    QDateTime dt = QDateTime::fromString(m.captured(1), Qt::ISODate);
    if (!dt.isValid())
        return std::nullopt;
    const QString zone = m.captured(3);
    if (zone.isEmpty() || zone == QLatin1String("Z")) {
        dt.setTimeZone(QTimeZone::utc());
    } else {
        QString digits = zone.mid(1);
        digits.remove(QLatin1Char(':'));
        const int seconds = (digits.left(2).toInt() * 60 + digits.mid(2, 2).toInt()) * 60;
        dt.setTimeZone(QTimeZone(zone.at(0) == QLatin1Char('-') ? -seconds : seconds));
    }
    qint64 us = dt.toMSecsSinceEpoch() * 1000;
    const QString fraction = QString(m.captured(2) + QStringLiteral("000000")).left(6);
    us += fraction.toLongLong();
    return us;
}

std::optional<qint64> secondsToUs(const QJsonValue& value)
{
    if (!value.isDouble())
        return std::nullopt;
    const double s = value.toDouble();
    if (!std::isfinite(s) || std::abs(s) > 9.0e12) // beyond year 287,000: not a time
        return std::nullopt;
    // Split off the whole seconds (exact) so that only the decimal's own rounding remains: µs
    // come back exactly for any time before the year 2106.
    const double whole = std::floor(s);
    return qint64(whole) * 1000000 + std::llround((s - whole) * 1e6);
}

bool isWebSocketEntry(const QJsonObject& entry)
{
    if (entry.value(QLatin1String("_resourceType")).toString() == QLatin1String("websocket"))
        return true;
    if (entry.value(QLatin1String("response")).toObject().value(QLatin1String("status")).toInt() == 101)
        return true;
    const QUrl url(entry.value(QLatin1String("request")).toObject().value(QLatin1String("url")).toString());
    return url.path().contains(QLatin1String("/ws/core/"));
}

//! API calls (what the web app fetched), not the page's scripts, styles and images.
bool isApiEntry(const QJsonObject& entry)
{
    const QJsonValue type = entry.value(QLatin1String("_resourceType"));
    if (type.isString())
        return type.toString() == QLatin1String("xhr") || type.toString() == QLatin1String("fetch");
    const QString url
        = entry.value(QLatin1String("request")).toObject().value(QLatin1String("url")).toString();
    const QString mime = entry.value(QLatin1String("response"))
                             .toObject()
                             .value(QLatin1String("content"))
                             .toObject()
                             .value(QLatin1String("mimeType"))
                             .toString();
    return QUrl(url).path().contains(QLatin1String("/api/")) || mime.contains(QLatin1String("json"));
}

//! A line whose place among the frames is known by its time only (a browser's HAR).
constexpr quint64 UnknownSeq = std::numeric_limits<quint64>::max();

std::optional<Line> metaFromJson(const QJsonValue& value)
{
    const QJsonObject o = value.toObject();
    if (!o.value(QLatin1String("type")).isString() || !o.value(QLatin1String("timeUs")).isDouble())
        return std::nullopt;
    Line line;
    line.kind = Line::Kind::Meta;
    line.metaType = o.value(QLatin1String("type")).toString();
    line.timeUs = qint64(o.value(QLatin1String("timeUs")).toDouble());
    line.direction = o.value(QLatin1String("direction")).toString() == QLatin1String("send")
        ? Direction::Sent
        : Direction::Received;
    line.generation = quint16(std::clamp(o.value(QLatin1String("generation")).toInt(1), 0, 65535));
    line.seq = o.value(QLatin1String("seq")).isDouble()
        ? quint64(std::max(0.0, o.value(QLatin1String("seq")).toDouble()))
        : UnknownSeq;
    line.meta = o.value(QLatin1String("fields")).toObject();
    if (line.meta.contains(QLatin1String("url")))
        line.meta.insert(
            QStringLiteral("url"), redactedUrl(line.meta.value(QLatin1String("url")).toString()));
    return line;
}

Line restMeta(const QJsonObject& entry, qint64 timeUs)
{
    if (auto exact = metaFromJson(entry.value(QLatin1String("_bmonMeta"))))
        return *exact;
    const QJsonObject request = entry.value(QLatin1String("request")).toObject();
    const QJsonObject response = entry.value(QLatin1String("response")).toObject();
    Line line;
    line.kind = Line::Kind::Meta;
    line.metaType = QStringLiteral("rest");
    line.timeUs = timeUs;
    line.seq = UnknownSeq;
    line.direction = Direction::Sent;
    line.generation = 1;
    line.meta.insert(QStringLiteral("method"), request.value(QLatin1String("method")).toString());
    line.meta.insert(QStringLiteral("url"), redactedUrl(request.value(QLatin1String("url")).toString()));
    line.meta.insert(QStringLiteral("status"), response.value(QLatin1String("status")).toInt());
    const QString statusText = response.value(QLatin1String("statusText")).toString();
    if (!statusText.isEmpty())
        line.meta.insert(QStringLiteral("statusText"), statusText);
    const double time = entry.value(QLatin1String("time")).toDouble();
    if (std::isfinite(time) && time >= 0)
        line.meta.insert(QStringLiteral("durationMs"), time);
    return line;
}

struct PendingSession
{
    HarSession session;
    QList<Line> frames;
    QList<Line> metas;
};

void readWebSocketEntry(const QJsonObject& entry, PendingSession& pending)
{
    HarSession& s = pending.session;
    const QJsonObject bmon = entry.value(QLatin1String("_bmonSession")).toObject();
    const QUrl url(entry.value(QLatin1String("request")).toObject().value(QLatin1String("url")).toString());
    const std::optional<qint64> started
        = parseIsoTime(entry.value(QLatin1String("startedDateTime")).toString());

    QUrl backend;
    const QString scheme = url.scheme().toLower();
    backend.setScheme(scheme == QLatin1String("wss") || scheme == QLatin1String("https")
            ? QStringLiteral("https")
            : QStringLiteral("http"));
    backend.setHost(url.host());
    backend.setPort(url.port());
    s.header.backendUrl = url.host().isEmpty() ? QString() : backend.toString();
    s.header.startUs = started.value_or(0);
    if (!bmon.isEmpty()) {
        s.header.appVersion = bmon.value(QLatin1String("appVersion")).toString();
        if (const QString b = bmon.value(QLatin1String("backendUrl")).toString(); !b.isEmpty())
            s.header.backendUrl = redactedUrl(b);
        s.header.serverVersion = bmon.value(QLatin1String("serverVersion")).toString();
        if (bmon.value(QLatin1String("startUs")).isDouble())
            s.header.startUs = qint64(bmon.value(QLatin1String("startUs")).toDouble());
        s.header.login = bmon.value(QLatin1String("login")).toString();
        s.header.extra = bmon.value(QLatin1String("extra")).toObject();
    }
    s.header.extra.insert(QStringLiteral("source"), QStringLiteral("har"));

    const QJsonArray messages = entry.value(QLatin1String("_webSocketMessages")).toArray();
    // Old Chrome versions wrote a monotonic clock (seconds since boot): place those relative to
    // the entry's start instead of in 1970.
    std::optional<qint64> firstUs;
    bool monotonic = false;
    for (const QJsonValue& v : messages) {
        if (const auto us = secondsToUs(v.toObject().value(QLatin1String("time")))) {
            firstUs = *us;
            monotonic = *us < qint64(1000000000) * 1000000; // before 2001-09-09
            break;
        }
    }
    qint64 lastUs = s.header.startUs;
    for (const QJsonValue& v : messages) {
        const QJsonObject m = v.toObject();
        const QString type = m.value(QLatin1String("type")).toString();
        if (type != QLatin1String("send") && type != QLatin1String("receive"))
            continue;
        const int opcode = m.value(QLatin1String("opcode")).toInt(1);
        if (opcode != 1 && opcode != 2)
            continue; // control frames carry no Baserow message
        Line line;
        line.kind = Line::Kind::Frame;
        line.direction = type == QLatin1String("send") ? Direction::Sent : Direction::Received;
        if (const auto us = secondsToUs(m.value(QLatin1String("time"))))
            lastUs = monotonic ? s.header.startUs + (*us - *firstUs) : *us;
        line.timeUs = lastUs;
        line.generation = quint16(std::clamp(m.value(QLatin1String("_bmonGeneration")).toInt(1), 0, 65535));
        const QString data = m.value(QLatin1String("data")).toString();
        if (const QJsonValue exact = m.value(QLatin1String("_bmonData64")); exact.isString()) {
            line.frame = QByteArray::fromBase64(exact.toString().toLatin1());
        } else if (opcode == 2) {
            auto decoded
                = QByteArray::fromBase64Encoding(data.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
            line.frame = decoded ? *decoded : data.toUtf8();
        } else {
            line.frame = data.toUtf8();
        }
        line.binary = opcode == 2;
        const QJsonValue seq = m.value(QLatin1String("_bmonSeq"));
        line.seq = seq.isDouble() && seq.toDouble() >= 0 ? quint64(seq.toDouble()) : UnknownSeq;
        pending.frames.append(line);
    }
    if (s.header.startUs == 0 && !pending.frames.isEmpty())
        s.header.startUs = pending.frames.constFirst().timeUs;
    for (const QJsonValue& v : entry.value(QLatin1String("_bmonMeta")).toArray()) {
        if (auto meta = metaFromJson(v))
            pending.metas.append(*meta);
    }
}

/*!
 * Frames in their recorded order. A HAR this monitor wrote keeps every seq: each meta goes after
 * the frame its seq names (as the live recorder wrote it). Otherwise frames are numbered 1…, a
 * meta goes before the first frame that came after it and carries the seq of the frame before it.
 */
QList<Line> merge(QList<Line> frames, QList<Line> metas)
{
    const bool exact = std::all_of(
        frames.cbegin(), frames.cend(), [](const Line& frame) { return frame.seq != UnknownSeq; });
    if (!exact) {
        quint64 seq = 0;
        for (Line& frame : frames)
            frame.seq = ++seq;
    }
    // How many frames precede each meta.
    std::vector<std::pair<qsizetype, qsizetype>> place; // (frames before, meta index)
    place.reserve(std::size_t(metas.size()));
    for (qsizetype i = 0; i < metas.size(); ++i) {
        const Line& meta = metas.at(i);
        const bool bySeq = exact && meta.seq != UnknownSeq;
        qsizetype before = 0;
        while (before < frames.size()
            && (bySeq ? frames.at(before).seq <= meta.seq : frames.at(before).timeUs <= meta.timeUs))
            ++before;
        place.emplace_back(before, i);
    }
    std::stable_sort(place.begin(), place.end(), [&metas](const auto& a, const auto& b) {
        return a.first != b.first ? a.first < b.first : metas.at(a.second).timeUs < metas.at(b.second).timeUs;
    });

    QList<Line> lines;
    lines.reserve(frames.size() + metas.size());
    std::size_t m = 0;
    for (qsizetype f = 0; f <= frames.size(); ++f) {
        while (m < place.size() && place[m].first == f) {
            Line& meta = metas[place[m++].second];
            if (!exact || meta.seq == UnknownSeq)
                meta.seq = f > 0 ? frames.at(f - 1).seq : 0;
            lines.append(std::move(meta));
        }
        if (f < frames.size())
            lines.append(std::move(frames[f]));
    }
    return lines;
}

} // namespace

QByteArray writeHar(const QList<HarSession>& sessions, const QString& creatorVersion)
{
    JsonOut j;
    j.beginObject();
    j.key("log");
    j.beginObject();
    j.key("version").str("1.2");
    j.key("creator");
    j.beginObject();
    j.key("name").str("Baserow Monitor");
    j.key("version").str(creatorVersion);
    j.endObject();

    QList<qint64> starts;
    for (const HarSession& session : sessions) {
        qint64 start = session.header.startUs;
        if (start == 0 && !session.lines.isEmpty())
            start = session.lines.constFirst().timeUs;
        starts.append(start);
    }

    j.key("pages");
    j.beginArray();
    for (qsizetype i = 0; i < sessions.size(); ++i) {
        const QString backend = redactedUrl(sessions.at(i).header.backendUrl);
        j.beginObject();
        j.key("startedDateTime").str(isoTimeMs(starts.at(i)));
        j.key("id").str(QStringLiteral("page_%1").arg(i + 1));
        j.key("title").str(backend.isEmpty() ? QStringLiteral("Baserow Monitor recording") : backend);
        j.key("pageTimings").raw(R"({"onContentLoad":-1,"onLoad":-1})");
        j.endObject();
    }
    j.endArray();

    // Entries in start order, as browsers write them.
    struct Entry
    {
        qint64 timeUs;
        QByteArray json;
    };
    std::vector<Entry> entries;
    for (qsizetype i = 0; i < sessions.size(); ++i) {
        const HarSession& session = sessions.at(i);
        const QByteArray pageref = "page_" + QByteArray::number(i + 1);
        QList<const Line*> frames, metas;
        for (const Line& line : session.lines) {
            if (line.kind == Line::Kind::Frame)
                frames.append(&line);
            else if (isRestEntryMeta(line))
                entries.push_back({line.timeUs, restEntry(line, pageref)});
            else
                metas.append(&line);
        }
        entries.push_back({starts.at(i), webSocketEntry(session, starts.at(i), pageref, frames, metas)});
    }
    std::stable_sort(
        entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.timeUs < b.timeUs; });
    j.key("entries");
    j.beginArray();
    for (const Entry& entry : entries) {
        j.out.append('\n');
        j.raw(entry.json);
    }
    j.endArray();
    j.endObject();
    j.endObject();
    j.out.append('\n');
    return j.out;
}

QList<HarSession> readHar(const QByteArray& har, QString* error)
{
    auto fail = [error](const QString& text) {
        if (error)
            *error = text;
        return QList<HarSession>();
    };
    if (har.trimmed().isEmpty())
        return fail(tr("the HAR file is empty"));
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(har, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return fail(tr("not a HAR file: not JSON (%1 at byte %2)")
                        .arg(parseError.errorString())
                        .arg(parseError.offset));
    const QJsonValue entriesValue
        = doc.object().value(QLatin1String("log")).toObject().value(QLatin1String("entries"));
    if (!doc.isObject() || !entriesValue.isArray())
        return fail(tr("not a HAR file: there is no log.entries array"));

    const QJsonArray entries = entriesValue.toArray();
    std::vector<PendingSession> pending;
    QList<Line> rest;
    for (const QJsonValue& value : entries) {
        const QJsonObject entry = value.toObject();
        if (entry.isEmpty())
            continue;
        if (isWebSocketEntry(entry)) {
            pending.emplace_back();
            readWebSocketEntry(entry, pending.back());
        } else if (isApiEntry(entry)) {
            const auto started = parseIsoTime(entry.value(QLatin1String("startedDateTime")).toString());
            rest.append(restMeta(entry, started.value_or(0)));
        }
    }
    if (pending.empty())
        return fail(tr("the HAR file has no WebSocket entry (/ws/core/): record it in the browser's "
                       "developer tools with the Baserow page open, then save all as HAR"));

    // Each API call belongs to the latest socket opened before it (or the first one).
    std::vector<std::size_t> order(pending.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&pending](std::size_t a, std::size_t b) {
        return pending[a].session.header.startUs < pending[b].session.header.startUs;
    });
    for (Line& line : rest) {
        std::size_t target = order.front();
        for (std::size_t i : order) {
            if (pending[i].session.header.startUs <= line.timeUs)
                target = i;
        }
        pending[target].metas.append(std::move(line));
    }

    QList<HarSession> sessions;
    sessions.reserve(qsizetype(pending.size()));
    for (PendingSession& p : pending) {
        p.session.lines = merge(std::move(p.frames), std::move(p.metas));
        sessions.append(std::move(p.session));
    }
    if (error)
        error->clear();
    return sessions;
}

} // namespace bmon::recording
