// SPDX-License-Identifier: MIT
#pragma once

#include "core/eventrecord.h"

#include <QObject>
#include <QRegularExpression>
#include <QSet>
#include <QString>
#include <QVector>

#include <atomic>
#include <memory>

namespace bmon {

class EventStore;

//! What the event stream shows. Empty members mean "any". All given criteria must hold.
struct EventFilter
{
    enum class DirectionFilter : quint8
    {
        Any,
        Received,
        Sent
    };

    QSet<quint16> types; //!< TypeRegistry ids; empty = every type (the UI turns categories into types)
    //! Scope: the event matches when its workspaceId, applicationId or tableId is in the
    //! respective set (OR). The UI fills all three from the Directory, so that selecting a
    //! workspace also matches row events that only carry a table id.
    QSet<quint32> workspaceIds, applicationIds, tableIds;
    DirectionFilter direction = DirectionFilter::Any;
    bool errorsOnly = false; //!< malformed records only (ParseStatus >= InvalidJson)
    //! Free text, case-insensitive, matched against the type name and the payload's decoded
    //! strings and numbers (a "é" finds "\u00e9", PROTOCOL.md §1.5); error records: their raw text.
    //! A match lies within one value; object keys, literals and JSON syntax are not searched.
    QString text;
    //! A regular expression over the same decoded text (invalid patterns match nothing):
    //! case-insensitive, the type name on the first line and each value on a line of its own,
    //! so ^ and $ anchor at values ("^Initech$").
    QString regex;

    bool isEmpty() const;
    bool needsPayload() const { return !text.isEmpty() || !regex.isEmpty(); }
    friend bool operator==(const EventFilter& a, const EventFilter& b);
};

/*!
 * A compiled EventFilter. Thread-safe to use concurrently (const). matches() reads the record
 * and, for text and regex criteria, its payload (through the store).
 */
class EventMatcher
{
public:
    explicit EventMatcher(const EventFilter& filter);
    ~EventMatcher();
    EventMatcher(const EventMatcher&) = delete;
    EventMatcher& operator=(const EventMatcher&) = delete;

    bool matches(const EventStore& store, quint64 index) const;
    bool isValid() const; //!< false for an invalid regular expression
    QString errorString() const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

/*!
 * Recomputes which records match a filter, off the GUI thread (QThreadPool), newest request
 * wins: start() cancels a running scan. Scans [0, upTo) of a store whose records never move;
 * delivers the matching indices in order. Lives on the GUI thread; signals arrive there.
 */
class FilterRunner : public QObject
{
    Q_OBJECT
public:
    explicit FilterRunner(QObject* parent = nullptr);
    ~FilterRunner() override; //!< cancels and waits for a running scan

    //! Starts a scan; returns its generation (increasing). \a store must outlive the scan.
    quint64 start(const EventStore& store, const EventFilter& filter, quint64 upTo);
    void cancel();
    bool isRunning() const;

signals:
    void progress(quint64 generation, int percent);
    //! \a rows: matching store indices below \a upTo, ascending.
    void finished(quint64 generation, const QVector<quint64>& rows, quint64 upTo);
    void failed(quint64 generation, const QString& message); //!< e.g. an invalid regex

private:
    struct Private;
    std::shared_ptr<Private> d;
};

} // namespace bmon
