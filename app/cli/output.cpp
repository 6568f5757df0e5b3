// SPDX-License-Identifier: MIT
#include "output.h"

#include "clioptions.h"

#include "core/classifier.h"
#include "core/clock.h"
#include "core/eventformat.h"
#include "core/eventstore.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>

#include <cerrno>
#include <unistd.h>

namespace bmon::cli {

namespace {

const char* categoryColor(const EventRecord& rec)
{
    if (rec.isError())
        return "\x1b[31m"; // red
    switch (rec.category) {
    case Category::Control:
        return "\x1b[35m";
    case Category::Core:
        return "\x1b[34m";
    case Category::Database:
        return "\x1b[36m";
    case Category::Premium:
        return "\x1b[33m";
    case Category::Unknown:
        return "\x1b[1;33m";
    default:
        return "\x1b[32m";
    }
}

} // namespace

bool Output::parseOptions(const QString& format, const QString& color, Format* formatOut, Color* colorOut)
{
    if (format == QLatin1String("text")) {
        *formatOut = Format::Text;
    } else if (format == QLatin1String("jsonl")) {
        *formatOut = Format::Jsonl;
    } else {
        printError(QCoreApplication::translate("bmon::cli::Output", "--format must be text or jsonl"));
        return false;
    }
    if (color == QLatin1String("always")) {
        *colorOut = Color::Always;
    } else if (color == QLatin1String("never")) {
        *colorOut = Color::Never;
    } else if (color == QLatin1String("auto")) {
        *colorOut = Color::Auto;
    } else {
        printError(QCoreApplication::translate("bmon::cli::Output", "--color must be auto, always or never"));
        return false;
    }
    return true;
}

Output::Output(Format format, Color color, bool utc) : m_format(format), m_utc(utc)
{
    const bool terminal = ::isatty(STDOUT_FILENO) == 1;
    m_color = format == Format::Text
        && (color == Color::Always
            || (color == Color::Auto && terminal && qEnvironmentVariableIsEmpty("NO_COLOR")));
    m_buffer.reserve(1 << 20);
}

void Output::frame(const EventStore& store, quint64 index)
{
    const EventRecord& rec = store.at(index);
    if (m_format == Format::Jsonl) {
        EventFormat::appendJsonLine(m_buffer, rec, store.payload(rec), store.rowIds(rec));
    } else {
        const QString time = EventFormat::clockTime(rec.receivedUs, m_utc);
        const QString summary = EventFormat::summaryText(rec, store.payload(rec), store.rowIds(rec));
        m_buffer += time.toUtf8();
        m_buffer += rec.direction() == Direction::Sent ? " > " : " < ";
        if (m_color)
            m_buffer += categoryColor(rec);
        m_buffer += summary.toUtf8();
        if (m_color)
            m_buffer += "\x1b[0m";
        m_buffer += '\n';
    }
    if (m_buffer.size() > (1 << 20))
        flush();
}

qint64 Output::lineTimeUs() const
{
    return m_lineTimeUs > 0 ? m_lineTimeUs : Clock::system()->nowUs();
}

void Output::line(const char* marker, const QString& text, const char* color)
{
    m_buffer += EventFormat::clockTime(lineTimeUs(), m_utc).toUtf8();
    m_buffer += marker;
    if (m_color)
        m_buffer += color;
    m_buffer += text.toUtf8();
    if (m_color)
        m_buffer += "\x1b[0m";
    m_buffer += '\n';
}

void Output::jsonObject(const QByteArray& kind, std::initializer_list<std::pair<const char*, QString>> fields)
{
    m_buffer += R"({"kind":")" + kind + R"(","time":")";
    EventFormat::appendIsoTime(m_buffer, lineTimeUs());
    m_buffer += '"';
    for (const auto& [name, value] : fields) {
        m_buffer += ",\"";
        m_buffer += name;
        m_buffer += "\":";
        EventFormat::appendJsonString(m_buffer, value);
    }
    m_buffer += "}\n";
}

void Output::state(const QString& state, const QString& reason, quint16 generation)
{
    if (m_format == Format::Jsonl) {
        m_buffer += R"({"kind":"state","time":")";
        EventFormat::appendIsoTime(m_buffer, lineTimeUs());
        m_buffer += R"(","state":)";
        EventFormat::appendJsonString(m_buffer, state);
        m_buffer += R"(,"reason":)";
        EventFormat::appendJsonString(m_buffer, reason);
        m_buffer += R"(,"generation":)" + QByteArray::number(generation) + "}\n";
        return;
    }
    line(" * ", reason.isEmpty() ? state : state + QStringLiteral(": ") + reason, "\x1b[1m");
}

void Output::subscription(const Subscription& sub)
{
    const QString state = subscriptionStateName(sub.state);
    if (m_format == Format::Jsonl) {
        m_buffer += R"({"kind":"subscription","time":")";
        EventFormat::appendIsoTime(m_buffer, lineTimeUs());
        m_buffer += R"(","page":)";
        EventFormat::appendJsonString(m_buffer, sub.page.name);
        m_buffer += R"(,"spec":)";
        EventFormat::appendJsonString(m_buffer, sub.page.toString());
        QJsonObject shown = sub.page.parameters;
        if (shown.contains(QLatin1String("token")) && !shown.value(QLatin1String("token")).isNull())
            shown.insert(QStringLiteral("token"), QStringLiteral("REDACTED")); // a view password token
        m_buffer += R"(,"parameters":)" + QJsonDocument(shown).toJson(QJsonDocument::Compact);
        m_buffer += R"(,"state":)";
        EventFormat::appendJsonString(m_buffer, state);
        m_buffer += R"(,"reason":)";
        EventFormat::appendJsonString(m_buffer, sub.reason);
        m_buffer += "}\n";
        return;
    }
    QString text = QStringLiteral("subscription %1: %2").arg(sub.page.toString(), state);
    if (!sub.reason.isEmpty())
        text += QStringLiteral(" (") + sub.reason + QLatin1Char(')');
    line(" * ", text, sub.state == SubscriptionState::Active ? "\x1b[1;32m" : "\x1b[1;33m");
}

void Output::notice(const QString& text)
{
    if (m_format == Format::Jsonl)
        jsonObject("notice", {{"message", text}});
    else
        line(" ! ", text, "\x1b[1;33m");
}

void Output::failure(const QString& failure, const QString& message)
{
    if (m_format == Format::Jsonl)
        jsonObject("error", {{"failure", failure}, {"message", message}});
    else
        line(" ! ", message, "\x1b[1;31m");
}

bool Output::flush()
{
    const char* p = m_buffer.constData();
    qsizetype left = m_buffer.size();
    while (left > 0 && !m_broken) {
        const ssize_t n = ::write(STDOUT_FILENO, p, size_t(left));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            m_broken = true; // EPIPE: the reader is gone
            break;
        }
        p += n;
        left -= n;
    }
    m_buffer.clear();
    return !m_broken;
}

} // namespace bmon::cli
