// SPDX-License-Identifier: MIT
#pragma once

#include "net/page.h"

#include <QByteArray>
#include <QString>

namespace bmon {
class EventStore;
}

namespace bmon::cli {

/*!
 * What `watch` (and later `replay`) prints on stdout: one line per frame plus state changes,
 * as text for people or JSON Lines for programs. Buffered; flush() after each batch of events
 * keeps the output timely without a write per frame. Colour only for text on a terminal
 * (or --color always), never when NO_COLOR is set.
 */
class Output
{
public:
    enum class Format
    {
        Text,
        Jsonl
    };
    enum class Color
    {
        Auto,
        Always,
        Never
    };

    Output(Format format, Color color, bool utc);
    //! --format text|jsonl and --color auto|always|never; false (said on stderr) when invalid.
    static bool parseOptions(const QString& format, const QString& color, Format* formatOut, Color* colorOut);

    Format format() const { return m_format; }
    //! Replay: state, subscription, notice and error lines carry \a epochUs instead of now (0 = now).
    void setLineTime(qint64 epochUs) { m_lineTimeUs = epochUs; }
    void frame(const EventStore& store, quint64 index);
    void state(const QString& state, const QString& reason, quint16 generation);
    void subscription(const Subscription& subscription);
    void notice(const QString& text);
    void failure(const QString& failure, const QString& message);
    //! Writes what is buffered; false once stdout is gone (a closed pipe).
    bool flush();
    bool isBroken() const { return m_broken; }

private:
    void line(const char* marker, const QString& text, const char* color);
    void jsonObject(const QByteArray& kind, std::initializer_list<std::pair<const char*, QString>> fields);
    qint64 lineTimeUs() const;

    Format m_format;
    bool m_color;
    bool m_utc;
    bool m_broken = false;
    qint64 m_lineTimeUs = 0;
    QByteArray m_buffer;
};

} // namespace bmon::cli
