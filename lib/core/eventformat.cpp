// SPDX-License-Identifier: MIT
#include "core/eventformat.h"

#include "core/classifier.h"
#include "core/eventstore.h"
#include "core/messagetypes.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

#include <charconv>
#include <cstring>
#include <ctime>
#include <limits>

namespace bmon::EventFormat {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("bmon::EventFormat", text);
}

void appendUInt(QByteArray& out, quint64 v)
{
    char buf[24];
    const auto res = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, res.ptr - buf);
}

QString joinIds(const QJsonArray& ids, int max = 8)
{
    QStringList parts;
    for (const QJsonValue& v : ids) {
        if (parts.size() == max) {
            parts << QStringLiteral("…");
            break;
        }
        parts << (v.isString() ? v.toString() : QString::number(v.toInteger()));
    }
    return parts.join(QLatin1Char(','));
}

QString quoted(const QString& s)
{
    QString t = s.size() > 60 ? s.left(57) + QStringLiteral("…") : s;
    return QLatin1Char('"') + t + QLatin1Char('"');
}

// Fields that differ between before and after images, for rows_updated without updated_field_ids.
QJsonArray changedFields(const QJsonArray& before, const QJsonArray& after)
{
    QHash<qint64, QJsonObject> beforeById;
    for (const QJsonValue& v : before)
        beforeById.insert(v.toObject().value(QLatin1String("id")).toInteger(), v.toObject());
    QSet<qint64> ids;
    for (const QJsonValue& v : after) {
        const QJsonObject row = v.toObject();
        const QJsonObject old = beforeById.value(row.value(QLatin1String("id")).toInteger());
        for (auto it = row.begin(); it != row.end(); ++it) {
            if (!it.key().startsWith(QLatin1String("field_")))
                continue;
            if (!old.contains(it.key()) || old.value(it.key()) != it.value())
                ids.insert(QStringView(it.key()).mid(6).toLongLong());
        }
    }
    QList<qint64> sorted(ids.begin(), ids.end());
    std::sort(sorted.begin(), sorted.end());
    QJsonArray result;
    for (qint64 id : sorted)
        result.append(id);
    return result;
}

QString rowsText(qint64 n)
{
    return n == 1 ? tr("1 row") : tr("%1 rows").arg(n);
}

QString pageText(const QJsonObject& o, const QString& pageKey)
{
    const QString page = o.value(pageKey).toString();
    QJsonObject params = o.value(QLatin1String("parameters")).toObject();
    if (params.isEmpty()) { // sent requests carry parameters flat
        params = o;
        params.remove(QLatin1String("page"));
        params.remove(QLatin1String("remove_page"));
    }
    QStringList parts;
    for (auto it = params.begin(); it != params.end(); ++it) {
        if (it.key() == QLatin1String("token")) { // a public view's password token is a secret
            if (!it.value().isNull())
                parts << QStringLiteral("token …");
            continue;
        }
        const QJsonValue v = it.value();
        parts << it.key() + QLatin1Char(' ')
                + (v.isString()      ? v.toString()
                        : v.isNull() ? QStringLiteral("null")
                                     : QString::number(v.toDouble()));
    }
    if (page.isEmpty())
        return tr("no page (unsubscribe on a single-page server)");
    return parts.isEmpty() ? tr("page %1").arg(page)
                           : tr("page %1 (%2)").arg(page, parts.join(QStringLiteral(", ")));
}

QString objectName(const QJsonObject& o)
{
    return o.value(QLatin1String("name")).toString();
}

} // namespace

QString typeName(const EventRecord& rec)
{
    if (rec.typeId == 0) {
        switch (rec.status()) {
        case ParseStatus::BinaryFrame:
            return QStringLiteral("(binary)");
        case ParseStatus::EmptyFrame:
            return QStringLiteral("(empty)");
        case ParseStatus::InvalidJson:
        case ParseStatus::TooLarge:
            return QStringLiteral("(malformed)");
        case ParseStatus::NotAnObject:
            return QStringLiteral("(not an object)");
        default:
            return QStringLiteral("(no type)");
        }
    }
    return TypeRegistry::instance().name(rec.typeId);
}

QString scopeText(const EventRecord& rec, std::span<const quint32> rowIds)
{
    Q_UNUSED(rowIds);
    QStringList parts;
    if (rec.workspaceId)
        parts << tr("ws %1").arg(rec.workspaceId);
    if (rec.applicationId)
        parts << tr("db %1").arg(rec.applicationId);
    if (rec.tableId)
        parts << tr("table %1").arg(rec.tableId);
    if (rec.viewId) {
        parts << (rec.hasFlag(RecordFlag::ViewIsSlug)
                ? tr("view %1").arg(StringPool::slugs().value(rec.viewId))
                : tr("view %1").arg(rec.viewId));
    }
    if (rec.fieldId && !rec.isError())
        parts << tr("field %1").arg(rec.fieldId);
    return parts.join(QStringLiteral(" · "));
}

QString detailText(const EventRecord& rec, QByteArrayView payload)
{
    if (rec.isError())
        return parseStatusText(rec);
    if (rec.status() == ParseStatus::NoType)
        return tr("JSON object without a \"type\"");
    const QJsonObject o = QJsonDocument::fromJson(payload.toByteArray()).object();
    const QString type = TypeRegistry::instance().name(rec.typeId);
    const auto key = [&o](const char* k) { return o.value(QLatin1String(k)); };

    switch (rec.typeId) {
    case KnownType::Authentication:
        return key("success").toBool()
            ? tr("authenticated · web_socket_id %1").arg(key("web_socket_id").toString())
            : tr("authentication failed");
    case KnownType::PageAdd:
    case KnownType::PageDiscard:
    case KnownType::PageRequest:
        return pageText(o, QStringLiteral("page"));
    case KnownType::RemovePageRequest:
        return pageText(o, QStringLiteral("remove_page"));
    case KnownType::ForceDisconnect:
        return tr("the password was changed: the server ends this session");
    case KnownType::RowsCreated: {
        QString s = rowsText(key("rows").toArray().size());
        if (!key("before_row_id").isNull() && !key("before_row_id").isUndefined())
            s += tr(" · before row %1").arg(key("before_row_id").toInteger());
        return s;
    }
    case KnownType::RowsUpdated: {
        const QJsonArray rows = key("rows").toArray();
        QJsonArray fields = key("updated_field_ids").toArray();
        if (!o.contains(QLatin1String("updated_field_ids")))
            fields = changedFields(key("rows_before_update").toArray(), rows);
        QString s = rowsText(rows.size());
        if (!fields.isEmpty())
            s += tr(" · fields %1").arg(joinIds(fields));
        else if (o.contains(QLatin1String("updated_field_ids")))
            s += tr(" · moved");
        return s;
    }
    case KnownType::RowsDeleted:
        return rowsText(qMax(key("row_ids").toArray().size(), key("rows").toArray().size()));
    default:
        break;
    }

    if (type.startsWith(QLatin1String("row_")) && type != QLatin1String("row_orders_recalculated")) {
        if (type == QLatin1String("row_history_updated")) {
            const QJsonObject entry = key("row_history_entry").toObject();
            const QString who
                = entry.value(QLatin1String("user")).toObject().value(QLatin1String("name")).toString();
            QStringList fields = entry.value(QLatin1String("after")).toObject().keys();
            return tr("row %1 · by %2 · %3")
                .arg(key("row_id").toInteger())
                .arg(who, fields.join(QLatin1Char(',')));
        }
        if (type.startsWith(QLatin1String("row_comment"))) {
            const QJsonObject c = key("row_comment").toObject();
            return tr("row %1 · by %2")
                .arg(c.value(QLatin1String("row_id")).toInteger())
                .arg(c.value(QLatin1String("first_name")).toString());
        }
        return rowsText(1); // legacy singular row events
    }
    if (type.startsWith(QLatin1String("field_"))) {
        const QJsonObject f = key("field").toObject();
        if (!f.isEmpty())
            return tr("field %1 (%2)").arg(quoted(objectName(f)), f.value(QLatin1String("type")).toString());
        return QString();
    }
    if (type.startsWith(QLatin1String("table_"))) {
        QString s = key("table").isObject() ? tr("table %1").arg(quoted(objectName(key("table").toObject())))
                                            : QString();
        if (key("force_table_refresh").toBool())
            s += (s.isEmpty() ? QString() : QStringLiteral(" · ")) + tr("full refresh");
        return s;
    }
    if (type.startsWith(QLatin1String("view_")) && key("view").isObject()) {
        const QJsonObject v = key("view").toObject();
        return tr("view %1 (%2)").arg(quoted(objectName(v)), v.value(QLatin1String("type")).toString());
    }
    if (type.endsWith(QLatin1String("_reordered")))
        return tr("%1 items%2")
            .arg(key("order").toArray().size())
            .arg(rec.hasFlag(RecordFlag::HashedIds) ? tr(" (hashed ids)") : QString());
    if (type.startsWith(QLatin1String("group_user_"))) {
        const QJsonObject u = o.contains(QLatin1String("workspace_user")) ? key("workspace_user").toObject()
                                                                          : key("group_user").toObject();
        return tr("member %1 (%2)")
            .arg(quoted(objectName(u)), u.value(QLatin1String("permissions")).toString());
    }
    if (type.startsWith(QLatin1String("group_"))) {
        const QJsonObject w
            = o.contains(QLatin1String("workspace")) ? key("workspace").toObject() : key("group").toObject();
        return w.isEmpty() ? QString() : tr("workspace %1").arg(quoted(objectName(w)));
    }
    if (type.startsWith(QLatin1String("application_"))) {
        const QJsonObject a = key("application").toObject();
        return a.isEmpty()
            ? QString()
            : tr("application %1 (%2)").arg(quoted(objectName(a)), a.value(QLatin1String("type")).toString());
    }
    if (type.startsWith(QLatin1String("user_")) && key("user").isObject())
        return tr("user %1").arg(
            quoted(key("user").toObject().value(QLatin1String("first_name")).toString()));
    if (rec.category == Category::Unknown) {
        QStringList keys = o.keys();
        keys.removeAll(QStringLiteral("type"));
        return keys.isEmpty() ? tr("unknown type")
                              : tr("unknown type · keys %1").arg(keys.join(QStringLiteral(", ")));
    }
    return QString();
}

QString summaryText(const EventRecord& rec, QByteArrayView payload, std::span<const quint32> rowIds)
{
    QStringList parts {typeName(rec)};
    const QString scope = scopeText(rec, rowIds);
    if (!scope.isEmpty())
        parts << scope;
    const QString detail = detailText(rec, payload);
    if (!detail.isEmpty())
        parts << detail;
    return parts.join(QStringLiteral(" · "));
}

QString summaryText(const EventStore& store, quint64 index)
{
    const EventRecord& rec = store.at(index);
    return summaryText(rec, store.payload(rec), store.rowIds(rec));
}

void appendIsoTime(QByteArray& out, qint64 epochUs)
{
    // Formatting the date part is the slow bit; frames arrive many per second, so cache it.
    thread_local qint64 cachedSecond = std::numeric_limits<qint64>::min();
    thread_local char cached[32];
    qint64 secs = epochUs / 1000000;
    qint64 micros = epochUs % 1000000;
    if (micros < 0) {
        micros += 1000000;
        --secs;
    }
    if (secs != cachedSecond) {
        const time_t t = time_t(secs);
        struct tm tmv;
        gmtime_r(&t, &tmv);
        std::strftime(cached, sizeof cached, "%Y-%m-%dT%H:%M:%S.", &tmv);
        cachedSecond = secs;
    }
    out.append(cached);
    char buf[8];
    for (int i = 5; i >= 0; --i) {
        buf[i] = char('0' + micros % 10);
        micros /= 10;
    }
    buf[6] = 'Z';
    out.append(buf, 7);
}

QString clockTime(qint64 epochUs, bool utc)
{
    QDateTime t = QDateTime::fromMSecsSinceEpoch(epochUs / 1000);
    if (utc)
        t = t.toUTC();
    return t.toString(QStringLiteral("HH:mm:ss.zzz"));
}

void appendJsonString(QByteArray& out, QByteArrayView s)
{
    static const char hex[] = "0123456789abcdef";
    out.append('"');
    const char* p = s.data();
    const char* end = p + s.size();
    const char* run = p;
    for (; p < end; ++p) {
        const auto c = static_cast<unsigned char>(*p);
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        out.append(run, p - run);
        run = p + 1;
        switch (c) {
        case '"':
            out.append("\\\"", 2);
            break;
        case '\\':
            out.append("\\\\", 2);
            break;
        case '\n':
            out.append("\\n", 2);
            break;
        case '\r':
            out.append("\\r", 2);
            break;
        case '\t':
            out.append("\\t", 2);
            break;
        default: {
            const char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            out.append(esc, 6);
        }
        }
    }
    out.append(run, end - run);
    out.append('"');
}

void appendJsonString(QByteArray& out, const QString& text)
{
    appendJsonString(out, QByteArrayView(text.toUtf8()));
}

void appendJsonLine(
    QByteArray& out, const EventRecord& rec, QByteArrayView payload, std::span<const quint32> rowIds)
{
    out.append(R"({"kind":"frame","seq":)");
    appendUInt(out, rec.seq);
    out.append(R"(,"time":")");
    appendIsoTime(out, rec.receivedUs);
    out.append(rec.direction() == Direction::Sent ? R"(","dir":"out","gen":)" : R"(","dir":"in","gen":)");
    appendUInt(out, rec.generation);
    out.append(R"(,"type":)");
    if (rec.typeId)
        appendJsonString(out, QByteArrayView(TypeRegistry::instance().nameUtf8(rec.typeId)));
    else
        out.append("null");
    out.append(R"(,"category":")");
    out.append(categoryName(rec.category).toLatin1());
    out.append(R"(","status":")");
    out.append(parseStatusName(rec.status()).toLatin1());
    out.append('"');
    if (rec.isError()) {
        out.append(R"(,"error":)");
        appendJsonString(out, parseStatusText(rec));
    } else {
        out.append(R"(,"scope":{)");
        bool first = true;
        auto field = [&](const char* name, quint64 v) {
            if (!v)
                return;
            out.append(first ? "\"" : ",\"");
            out.append(name);
            out.append("\":");
            appendUInt(out, v);
            first = false;
        };
        field("workspace_id", rec.workspaceId);
        field("application_id", rec.applicationId);
        field("table_id", rec.tableId);
        if (rec.hasFlag(RecordFlag::ViewIsSlug) && rec.viewId) {
            out.append(first ? "\"view_slug\":" : ",\"view_slug\":");
            appendJsonString(out, StringPool::slugs().value(rec.viewId));
            first = false;
        } else {
            field("view_id", rec.viewId);
        }
        field("field_id", rec.fieldId);
        if (!rowIds.empty()) {
            out.append(first ? "\"row_ids\":[" : ",\"row_ids\":[");
            for (size_t i = 0; i < rowIds.size(); ++i) {
                if (i)
                    out.append(',');
                appendUInt(out, rowIds[i]);
            }
            out.append(']');
            first = false;
        }
        if (rec.pageId) {
            out.append(first ? "\"page\":" : ",\"page\":");
            appendJsonString(out, StringPool::pages().value(rec.pageId));
            first = false;
        }
        if (rec.hasFlag(RecordFlag::HashedIds)) {
            out.append(first ? "\"hashed_ids\":true" : ",\"hashed_ids\":true");
            first = false;
        }
        out.append('}');
    }
    out.append(R"(,"size":)");
    appendUInt(out, rec.originalSize());
    const bool validJson = rec.status() == ParseStatus::Ok || rec.status() == ParseStatus::NoType
        || rec.status() == ParseStatus::NotAnObject;
    if (validJson) {
        out.append(R"(,"frame":)");
        const qsizetype start = out.size();
        out.append(payload.data(), payload.size());
        // Valid JSON has raw newlines only as whitespace: blank them to keep one line per event.
        if (std::memchr(payload.data(), '\n', size_t(payload.size()))
            || std::memchr(payload.data(), '\r', size_t(payload.size()))) {
            char* d = out.data() + start;
            for (qsizetype i = 0; i < payload.size(); ++i)
                if (d[i] == '\n' || d[i] == '\r')
                    d[i] = ' ';
        }
    } else if (rec.status() == ParseStatus::BinaryFrame) {
        out.append(R"(,"frame_base64":")");
        out.append(payload.toByteArray().toBase64());
        out.append('"');
    } else {
        out.append(R"(,"frame_text":)");
        appendJsonString(out, payload);
    }
    if (rec.hasFlag(RecordFlag::PayloadTruncated))
        out.append(R"(,"truncated":true)");
    out.append("}\n");
}

} // namespace bmon::EventFormat
