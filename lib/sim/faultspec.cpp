// SPDX-License-Identifier: MIT
#include "sim/faultspec.h"

#include "core/messagetypes.h"

#include <QCoreApplication>
#include <QRegularExpression>

#include <cmath>

namespace bmon::sim {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("bmon::sim::FaultSpec", text);
}

struct KindName
{
    FaultSpec::Kind kind;
    const char* name;
};
constexpr KindName kKinds[] = {
    {FaultSpec::Kind::Drop, "drop"},
    {FaultSpec::Kind::Duplicate, "duplicate"},
    {FaultSpec::Kind::Reorder, "reorder"},
    {FaultSpec::Kind::Malformed, "malformed"},
    {FaultSpec::Kind::DropType, "drop-type"},
    {FaultSpec::Kind::DuplicateType, "duplicate-type"},
    {FaultSpec::Kind::ReorderType, "reorder-type"},
    {FaultSpec::Kind::Delay, "delay"},
    {FaultSpec::Kind::Close, "close"},
    {FaultSpec::Kind::Stall, "stall"},
    {FaultSpec::Kind::ExpireTokens, "expire-tokens"},
    {FaultSpec::Kind::Burst, "burst"},
    {FaultSpec::Kind::Restart, "restart"},
    {FaultSpec::Kind::SilentUpdate, "silent-update"},
    {FaultSpec::Kind::SilentCreate, "silent-create"},
    {FaultSpec::Kind::SilentDelete, "silent-delete"},
};

QString kindName(FaultSpec::Kind kind)
{
    for (const KindName& k : kKinds) {
        if (k.kind == kind)
            return QLatin1String(k.name);
    }
    return QString();
}

// A decimal number: digits with an optional fraction (no sign, no exponent, no "inf").
std::optional<double> parseDecimal(QStringView text)
{
    static const QRegularExpression re(QStringLiteral("^(\\d+(\\.\\d*)?|\\.\\d+)$"));
    if (!re.match(text.toString()).hasMatch())
        return std::nullopt;
    bool ok = false;
    const double v = text.toDouble(&ok);
    if (!ok || !std::isfinite(v))
        return std::nullopt;
    return v;
}

std::optional<int> parseCount(QStringView text, int min, int max)
{
    static const QRegularExpression re(QStringLiteral("^\\d{1,9}$"));
    if (!re.match(text.toString()).hasMatch())
        return std::nullopt;
    const int v = text.toInt();
    if (v < min || v > max)
        return std::nullopt;
    return v;
}

QString formatNumber(double v)
{
    return QString::number(v, 'g', 12);
}

bool isSendableCloseCode(int code)
{
    if (code >= 3000 && code <= 4999)
        return true;
    // 1004-1006 and 1015 are reserved and must never appear on the wire.
    return code >= 1000 && code <= 1014 && code != 1004 && code != 1005 && code != 1006;
}

constexpr double kMaxSeconds = 7 * 24 * 3600;

bool isServerWide(FaultSpec::Kind kind)
{
    switch (kind) {
    case FaultSpec::Kind::Burst:
    case FaultSpec::Kind::Restart:
    case FaultSpec::Kind::SilentUpdate:
    case FaultSpec::Kind::SilentCreate:
    case FaultSpec::Kind::SilentDelete:
        return true;
    default:
        return false;
    }
}

} // namespace

bool FaultSpec::isPerConnection() const
{
    if (isServerWide(kind))
        return false;
    switch (kind) {
    case Kind::ExpireTokens:
        return false;
    default:
        return true;
    }
}

bool FaultSpec::appliesTo(int connectionNumber, const QString& email) const
{
    if (connection > 0 && connection != connectionNumber)
        return false;
    if (!userEmail.isEmpty() && userEmail.compare(email, Qt::CaseInsensitive) != 0)
        return false;
    return true;
}

std::optional<FaultSpec> FaultSpec::parse(const QString& specText, QString* error)
{
    auto fail = [error](const QString& message) -> std::optional<FaultSpec> {
        if (error)
            *error = message;
        return std::nullopt;
    };

    FaultSpec spec;
    QString rest = specText.trimmed();
    if (rest.isEmpty())
        return fail(tr("Empty fault specification."));

    // Scope prefix.
    if (rest.startsWith(QLatin1String("conn=")) || rest.startsWith(QLatin1String("user="))) {
        const qsizetype colon = rest.indexOf(u':');
        if (colon < 0)
            return fail(
                tr("Fault \"%1\": a scope (conn=N: or user=EMAIL:) must be followed by ':' and a fault.")
                    .arg(specText));
        const QString scope = rest.left(colon);
        rest = rest.mid(colon + 1).trimmed();
        if (scope.startsWith(QLatin1String("conn="))) {
            const auto n = parseCount(QStringView(scope).mid(5), 1, 1000000000);
            if (!n)
                return fail(tr("Fault \"%1\": the connection number must be a whole number of 1 or more.")
                                .arg(specText));
            spec.connection = *n;
        } else {
            spec.userEmail = scope.mid(5).trimmed();
            if (spec.userEmail.isEmpty() || !spec.userEmail.contains(u'@') || spec.userEmail.contains(u' '))
                return fail(
                    tr("Fault \"%1\": \"%2\" is not an e-mail address.").arg(specText, spec.userEmail));
        }
    }

    // Name and argument: "name=arg" or "name@arg".
    const qsizetype eq = rest.indexOf(u'=');
    const qsizetype at = rest.indexOf(u'@');
    qsizetype sep = -1;
    if (eq >= 0 && (at < 0 || eq < at))
        sep = eq;
    else if (at >= 0)
        sep = at;
    const QString name = sep < 0 ? rest : rest.left(sep).trimmed();
    const QString arg = sep < 0 ? QString() : rest.mid(sep + 1).trimmed();
    const QChar sepChar = sep < 0 ? QChar() : rest.at(sep);

    bool known = false;
    for (const KindName& k : kKinds) {
        if (name == QLatin1String(k.name)) {
            spec.kind = k.kind;
            known = true;
        }
    }
    if (!known)
        return fail(tr("Unknown fault \"%1\" in \"%2\". Known faults: drop, duplicate, reorder, malformed, "
                       "drop-type, duplicate-type, reorder-type, delay, close, stall, expire-tokens, burst, "
                       "restart, silent-update, silent-create, silent-delete.")
                        .arg(name, specText));

    auto needSep = [&](char c, const QString& form) -> bool {
        if (sepChar != QLatin1Char(c) || arg.isEmpty()) {
            if (error)
                *error = tr("Fault \"%1\": expected the form %2.").arg(specText, form);
            return false;
        }
        return true;
    };
    auto seconds = [&](QStringView text) -> bool {
        const auto s = parseDecimal(text);
        if (!s || *s > kMaxSeconds) {
            if (error)
                *error
                    = tr("Fault \"%1\": \"%2\" is not a number of seconds (0 to 604800, fractions allowed).")
                          .arg(specText, text.toString());
            return false;
        }
        spec.seconds = *s;
        return true;
    };

    switch (spec.kind) {
    case Kind::Drop:
    case Kind::Duplicate:
    case Kind::Reorder:
    case Kind::Malformed: {
        if (!needSep('=', QStringLiteral("NAME=P")))
            return std::nullopt;
        const auto p = parseDecimal(arg);
        if (!p || *p > 1.0)
            return fail(
                tr("Fault \"%1\": the probability \"%2\" must be a number from 0 to 1.").arg(specText, arg));
        spec.probability = *p;
        break;
    }
    case Kind::DropType:
    case Kind::DuplicateType:
    case Kind::ReorderType: {
        const QString form = name + QStringLiteral("=TYPE@N");
        const qsizetype a = arg.indexOf(u'@');
        if (sepChar != u'=' || a <= 0)
            return fail(tr("Fault \"%1\": expected the form %2.").arg(specText, form));
        spec.messageType = arg.left(a).trimmed();
        const QByteArray type = spec.messageType.toUtf8();
        const quint16 id
            = TypeRegistry::instance().findKnown(std::string_view(type.constData(), size_t(type.size())));
        if (id == KnownType::None)
            return fail(
                tr("Fault \"%1\": \"%2\" is not a Baserow message type.").arg(specText, spec.messageType));
        if (id == KnownType::Authentication || id == KnownType::PageAdd || id == KnownType::PageDiscard
            || id == KnownType::PageRequest || id == KnownType::RemovePageRequest
            || id == KnownType::ForceDisconnect)
            return fail(tr("Fault \"%1\": \"%2\" is a control message; targeted faults act on broadcasts "
                           "only.")
                            .arg(specText, spec.messageType));
        const auto n = parseCount(QStringView(arg).mid(a + 1).trimmed(), 1, 1000000000);
        if (!n)
            return fail(tr("Fault \"%1\": N must be a whole number of 1 or more.").arg(specText));
        spec.count = *n;
        break;
    }
    case Kind::Delay: {
        if (!needSep('=', QStringLiteral("delay=MS")))
            return std::nullopt;
        const auto ms = parseCount(arg, 0, 600000);
        if (!ms)
            return fail(
                tr("Fault \"%1\": the delay must be whole milliseconds from 0 to 600000.").arg(specText));
        spec.delayMs = *ms;
        break;
    }
    case Kind::Close: {
        if (!needSep('=', QStringLiteral("close=CODE@SECONDS")))
            return std::nullopt;
        const qsizetype a = arg.indexOf(u'@');
        if (a <= 0)
            return fail(tr("Fault \"%1\": expected the form close=CODE@SECONDS.").arg(specText));
        const auto code = parseCount(QStringView(arg).left(a).trimmed(), 0, 65535);
        if (!code || !isSendableCloseCode(*code))
            return fail(tr("Fault \"%1\": %2 is not a close code a server may send (1000-1003, 1007-1014, "
                           "3000-4999).")
                            .arg(specText, arg.left(a)));
        spec.closeCode = *code;
        if (!seconds(QStringView(arg).mid(a + 1).trimmed()))
            return std::nullopt;
        break;
    }
    case Kind::Stall:
    case Kind::Restart:
    case Kind::SilentUpdate:
    case Kind::SilentCreate:
    case Kind::SilentDelete:
        if (!needSep('@', name + QStringLiteral("@SECONDS")))
            return std::nullopt;
        if (!seconds(arg))
            return std::nullopt;
        break;
    case Kind::ExpireTokens:
        if (!needSep('=', QStringLiteral("expire-tokens=SECONDS")))
            return std::nullopt;
        if (!seconds(arg))
            return std::nullopt;
        if (spec.seconds <= 0)
            return fail(tr("Fault \"%1\": tokens must live more than 0 seconds.").arg(specText));
        break;
    case Kind::Burst: {
        if (!needSep('=', QStringLiteral("burst=N@SECONDS")))
            return std::nullopt;
        const qsizetype a = arg.indexOf(u'@');
        if (a <= 0)
            return fail(tr("Fault \"%1\": expected the form burst=N@SECONDS.").arg(specText));
        const auto n = parseCount(QStringView(arg).left(a).trimmed(), 1, 10000000);
        if (!n)
            return fail(tr("Fault \"%1\": N must be a whole number from 1 to 10000000.").arg(specText));
        spec.count = *n;
        if (!seconds(QStringView(arg).mid(a + 1).trimmed()))
            return std::nullopt;
        break;
    }
    }

    if (isServerWide(spec.kind)) {
        if (spec.connection > 0 || !spec.userEmail.isEmpty())
            return fail(tr("Fault \"%1\": %2 acts on the whole server and takes no conn= or user= scope.")
                            .arg(specText, name));
    }
    if (spec.kind == Kind::ExpireTokens && spec.connection > 0)
        return fail(
            tr("Fault \"%1\": tokens belong to users, use user=EMAIL: instead of conn=N:.").arg(specText));
    if (error)
        error->clear();
    return spec;
}

QString FaultSpec::toString() const
{
    QString scope;
    if (connection > 0)
        scope = QStringLiteral("conn=%1:").arg(connection);
    else if (!userEmail.isEmpty())
        scope = QStringLiteral("user=%1:").arg(userEmail);
    const QString name = kindName(kind);
    switch (kind) {
    case Kind::Drop:
    case Kind::Duplicate:
    case Kind::Reorder:
    case Kind::Malformed:
        return QString(scope + name + u'=' + formatNumber(probability));
    case Kind::DropType:
    case Kind::DuplicateType:
    case Kind::ReorderType:
        return QString(scope + name + u'=' + messageType + u'@' + QString::number(count));
    case Kind::Delay:
        return QString(scope + name + u'=' + QString::number(delayMs));
    case Kind::Close:
        return QString(scope + name + u'=' + QString::number(closeCode) + u'@' + formatNumber(seconds));
    case Kind::Stall:
    case Kind::Restart:
    case Kind::SilentUpdate:
    case Kind::SilentCreate:
    case Kind::SilentDelete:
        return QString(scope + name + u'@' + formatNumber(seconds));
    case Kind::ExpireTokens:
        return QString(scope + name + u'=' + formatNumber(seconds));
    case Kind::Burst:
        return QString(scope + name + u'=' + QString::number(count) + u'@' + formatNumber(seconds));
    }
    return QString();
}

} // namespace bmon::sim
