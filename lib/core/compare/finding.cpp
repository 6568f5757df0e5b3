// SPDX-License-Identifier: MIT
#include "core/compare/finding.h"

#include "core/eventformat.h"

#include <QCoreApplication>
#include <QJsonArray>

#include <cmath>

namespace bmon {

namespace {

struct KindName
{
    FindingKind kind;
    const char* name;
};

constexpr KindName kindNames[] = {
    {FindingKind::MissedCreate, "missed_create"},
    {FindingKind::MissedUpdate, "missed_update"},
    {FindingKind::MissedDelete, "missed_delete"},
    {FindingKind::DuplicateCreate, "duplicate_create"},
    {FindingKind::UnknownRowUpdate, "unknown_row_update"},
    {FindingKind::UnknownRowDelete, "unknown_row_delete"},
    {FindingKind::StaleBeforeImage, "stale_before_image"},
    {FindingKind::OutOfOrder, "out_of_order"},
};

QJsonValue isoTime(qint64 us)
{
    if (us <= 0)
        return QJsonValue::Null;
    QByteArray out;
    EventFormat::appendIsoTime(out, us);
    return QString::fromLatin1(out);
}

// A decimal number in canonical text: no '+', no leading zeros, no trailing fraction zeros, no
// sign on zero. Empty when \a text is not a plain decimal ("1.50" → "1.5", "-0.0" → "0").
QByteArray canonicalDecimal(QByteArrayView text)
{
    qsizetype i = 0;
    const qsizetype n = text.size();
    bool negative = false;
    if (i < n && (text[i] == '-' || text[i] == '+')) {
        negative = text[i] == '-';
        ++i;
    }
    const qsizetype intStart = i;
    while (i < n && text[i] >= '0' && text[i] <= '9')
        ++i;
    QByteArrayView intPart = text.sliced(intStart, i - intStart);
    QByteArrayView fracPart;
    if (i < n && text[i] == '.') {
        const qsizetype fracStart = ++i;
        while (i < n && text[i] >= '0' && text[i] <= '9')
            ++i;
        fracPart = text.sliced(fracStart, i - fracStart);
    }
    if (i != n || (intPart.isEmpty() && fracPart.isEmpty()))
        return {};
    while (!intPart.isEmpty() && intPart.front() == '0')
        intPart = intPart.sliced(1);
    while (!fracPart.isEmpty() && fracPart.back() == '0')
        fracPart.chop(1);
    QByteArray out;
    out.reserve(intPart.size() + fracPart.size() + 3);
    if (negative && !(intPart.isEmpty() && fracPart.isEmpty()))
        out += '-';
    if (intPart.isEmpty())
        out += '0';
    else
        out += intPart;
    if (!fracPart.isEmpty()) {
        out += '.';
        out += fracPart;
    }
    return out;
}

// The canonical decimal of a JSON number or numeric string; empty when it is neither.
QByteArray numericText(const QJsonValue& v)
{
    if (v.isDouble()) {
        const double d = v.toDouble();
        if (!std::isfinite(d))
            return {};
        return canonicalDecimal(QByteArray::number(d, 'f', QLocale::FloatingPointShortest));
    }
    if (v.isString()) {
        const QString s = v.toString();
        if (s.isEmpty() || s.size() > 64)
            return {};
        return canonicalDecimal(s.toLatin1());
    }
    return {};
}

} // namespace

QString findingKindName(FindingKind kind)
{
    for (const KindName& k : kindNames) {
        if (k.kind == kind)
            return QString::fromLatin1(k.name);
    }
    return {};
}

std::optional<FindingKind> findingKindFromName(QStringView name)
{
    for (const KindName& k : kindNames) {
        if (name == QLatin1StringView(k.name))
            return k.kind;
    }
    return std::nullopt;
}

QString findingKindDescription(FindingKind kind)
{
    switch (kind) {
    case FindingKind::MissedCreate:
        return QCoreApplication::translate("bmon::Finding", "The server has a row no event created");
    case FindingKind::MissedUpdate:
        return QCoreApplication::translate("bmon::Finding", "An update of this row never arrived");
    case FindingKind::MissedDelete:
        return QCoreApplication::translate("bmon::Finding", "The server deleted a row no event deleted");
    case FindingKind::DuplicateCreate:
        return QCoreApplication::translate("bmon::Finding", "The row was created twice by events");
    case FindingKind::UnknownRowUpdate:
        return QCoreApplication::translate("bmon::Finding", "An update arrived for a row no event created");
    case FindingKind::UnknownRowDelete:
        return QCoreApplication::translate("bmon::Finding", "A delete arrived for a row no event created");
    case FindingKind::StaleBeforeImage:
        return QCoreApplication::translate(
            "bmon::Finding", "The event's before image differs: an earlier event was lost or late");
    case FindingKind::OutOfOrder:
        return QCoreApplication::translate(
            "bmon::Finding", "Two events of this row arrived in reverse order");
    }
    return {};
}

QJsonObject FieldDelta::toJson() const
{
    QJsonObject o;
    o.insert(QStringLiteral("key"), key);
    o.insert(QStringLiteral("name"), name);
    if (expected)
        o.insert(QStringLiteral("expected"), *expected);
    if (actual)
        o.insert(QStringLiteral("actual"), *actual);
    return o;
}

QJsonObject EventRef::toJson() const
{
    QJsonObject o;
    o.insert(QStringLiteral("seq"), qint64(seq));
    o.insert(QStringLiteral("type"), type);
    o.insert(QStringLiteral("received_at"), isoTime(receivedUs));
    return o;
}

QJsonObject Finding::toJson() const
{
    QJsonObject o;
    o.insert(QStringLiteral("kind"), findingKindName(kind));
    o.insert(QStringLiteral("table_id"), tableId);
    o.insert(QStringLiteral("row_id"), rowId);
    o.insert(QStringLiteral("detected_at"), isoTime(detectedUs));
    o.insert(QStringLiteral("confirmed_at"), isoTime(confirmedUs));
    QJsonArray fieldArray;
    for (const FieldDelta& f : fields)
        fieldArray.append(f.toJson());
    o.insert(QStringLiteral("fields"), fieldArray);
    QJsonArray eventArray;
    for (const EventRef& e : events)
        eventArray.append(e.toJson());
    o.insert(QStringLiteral("events"), eventArray);
    o.insert(QStringLiteral("last_event"),
        lastEvent ? QJsonValue(lastEvent->toJson()) : QJsonValue(QJsonValue::Null));
    o.insert(QStringLiteral("detail"), detail);
    return o;
}

bool baserowValuesEqual(const QJsonValue& a, const QJsonValue& b)
{
    if (a.type() == b.type()) {
        switch (a.type()) {
        case QJsonValue::Object: {
            const QJsonObject oa = a.toObject();
            const QJsonObject ob = b.toObject();
            if (oa.size() != ob.size())
                return false;
            // Qt 6 keeps object keys sorted: walk both in step.
            for (auto ia = oa.constBegin(), ib = ob.constBegin(); ia != oa.constEnd(); ++ia, ++ib) {
                if (ia.key() != ib.key() || !baserowValuesEqual(ia.value(), ib.value()))
                    return false;
            }
            return true;
        }
        case QJsonValue::Array: {
            const QJsonArray xa = a.toArray();
            const QJsonArray xb = b.toArray();
            if (xa.size() != xb.size())
                return false;
            for (qsizetype i = 0; i < xa.size(); ++i) {
                if (!baserowValuesEqual(xa.at(i), xb.at(i)))
                    return false;
            }
            return true;
        }
        case QJsonValue::String:
            if (a.toString() == b.toString())
                return true;
            break;
        case QJsonValue::Double:
            if (a.toDouble() == b.toDouble())
                return true;
            break;
        default:
            return a == b;
        }
    }
    if ((!a.isString() && !a.isDouble()) || (!b.isString() && !b.isDouble()))
        return false;
    const QByteArray na = numericText(a);
    return !na.isEmpty() && na == numericText(b);
}

} // namespace bmon
