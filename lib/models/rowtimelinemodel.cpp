// SPDX-License-Identifier: MIT
#include "models/rowtimelinemodel.h"

#include "core/eventformat.h"
#include "models/findinglistmodel.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMetaType>
#include <QStringList>

#include <algorithm>

namespace bmon {

namespace {

constexpr int SummaryLimit = 240; // characters of the values column (the tooltip has them all)

QVariant colorValue(const QString& name)
{
    QVariant v(name);
    static const QMetaType colorType = QMetaType::fromName("QColor");
    if (colorType.isValid()) {
        QVariant c = v;
        if (c.convert(colorType))
            return c;
    }
    return v;
}

bool sameEntry(const TimelineEntry& a, const TimelineEntry& b)
{
    return a.kind == b.kind && a.timeUs == b.timeUs && a.seq == b.seq && a.what == b.what;
}

QString kindText(TimelineEntry::Kind kind)
{
    switch (kind) {
    case TimelineEntry::Kind::Snapshot:
        return RowTimelineModel::tr("Snapshot");
    case TimelineEntry::Kind::Event:
        return RowTimelineModel::tr("Event");
    case TimelineEntry::Kind::Rest:
        return RowTimelineModel::tr("REST");
    case TimelineEntry::Kind::Refetch:
        return RowTimelineModel::tr("Re-fetch");
    case TimelineEntry::Kind::Finding:
        return RowTimelineModel::tr("Finding");
    }
    return QString();
}

QStringList sortedKeys(const QJsonObject& o)
{
    QStringList keys = o.keys();
    // "id" first, then fields by id (field_2 before field_10), "order" (rarely of interest) last.
    std::sort(keys.begin(), keys.end(), [](const QString& a, const QString& b) {
        auto rank = [](const QString& k) {
            return k == QLatin1String("id") ? 0 : k == QLatin1String("order") ? 2 : 1;
        };
        if (rank(a) != rank(b))
            return rank(a) < rank(b);
        if (a.size() != b.size())
            return a.size() < b.size();
        return a < b;
    });
    return keys;
}

} // namespace

RowTimelineModel::RowTimelineModel(QObject* parent) : QAbstractTableModel(parent)
{ }

void RowTimelineModel::setTimeline(qint64 rowId, const QList<TimelineEntry>& entries)
{
    bool extends = rowId == m_rowId && entries.size() >= m_entries.size();
    for (qsizetype i = 0; extends && i < m_entries.size(); ++i)
        extends = sameEntry(m_entries.at(i), entries.at(i));
    if (!extends) {
        beginResetModel();
        m_rowId = rowId;
        m_entries = entries;
        endResetModel();
        return;
    }
    if (entries.size() == m_entries.size())
        return;
    beginInsertRows({}, int(m_entries.size()), int(entries.size()) - 1);
    for (qsizetype i = m_entries.size(); i < entries.size(); ++i)
        m_entries.append(entries.at(i));
    endInsertRows();
}

void RowTimelineModel::clear()
{
    if (m_entries.isEmpty() && m_rowId == 0)
        return;
    beginResetModel();
    m_entries.clear();
    m_rowId = 0;
    endResetModel();
}

void RowTimelineModel::setFieldNames(const QHash<QString, QString>& keyToName)
{
    if (m_fieldNames == keyToName)
        return;
    m_fieldNames = keyToName;
    if (!m_entries.isEmpty())
        emit dataChanged(index(0, ValuesColumn), index(int(m_entries.size()) - 1, ValuesColumn));
}

void RowTimelineModel::setUtcTimes(bool utc)
{
    if (m_utc == utc)
        return;
    m_utc = utc;
    if (!m_entries.isEmpty())
        emit dataChanged(index(0, TimeColumn), index(int(m_entries.size()) - 1, TimeColumn));
}

QString RowTimelineModel::valueText(const QJsonValue& value)
{
    switch (value.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Undefined:
        return QString();
    case QJsonValue::Bool:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double: {
        const double d = value.toDouble();
        return d == double(qint64(d)) ? QString::number(qint64(d)) : QString::number(d, 'g', 17);
    }
    case QJsonValue::String:
        return value.toString();
    case QJsonValue::Array:
        return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    case QJsonValue::Object:
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    }
    return QString();
}

QString RowTimelineModel::nameOf(const QString& key) const
{
    return m_fieldNames.value(key, key);
}

QString RowTimelineModel::valuesSummary(int row) const
{
    const TimelineEntry& e = m_entries.at(row);
    if (!e.values)
        return tr("(row absent)");
    // The first step with values shows the row; later ones what changed since the step before.
    const TimelineEntry* previous = nullptr;
    for (int i = row - 1; i >= 0; --i) {
        if (m_entries.at(i).values || m_entries.at(i).kind != TimelineEntry::Kind::Finding) {
            previous = &m_entries.at(i);
            break;
        }
    }
    QStringList parts;
    if (!previous || !previous->values) {
        for (const QString& key : sortedKeys(*e.values)) {
            if (key != QLatin1String("id"))
                parts << tr("%1=%2").arg(nameOf(key), valueText(e.values->value(key)));
        }
    } else {
        const QJsonObject& before = *previous->values;
        for (const QString& key : sortedKeys(*e.values)) {
            const QJsonValue now = e.values->value(key);
            if (!before.contains(key))
                parts << tr("%1: + %2").arg(nameOf(key), valueText(now));
            else if (!baserowValuesEqual(before.value(key), now))
                parts << tr("%1: %2 → %3").arg(nameOf(key), valueText(before.value(key)), valueText(now));
        }
        for (const QString& key : sortedKeys(before)) {
            if (!e.values->contains(key))
                parts << tr("%1: removed").arg(nameOf(key));
        }
        if (parts.isEmpty())
            return tr("no change");
    }
    QString text = parts.join(QStringLiteral(" · "));
    if (text.size() > SummaryLimit)
        text = text.left(SummaryLimit - 1) + QChar(0x2026);
    return text;
}

QString RowTimelineModel::valuesTooltip(int row) const
{
    const TimelineEntry& e = m_entries.at(row);
    if (!e.values)
        return tr("The row is absent at this step.");
    QStringList lines;
    for (const QString& key : sortedKeys(*e.values))
        lines << tr("%1: %2").arg(nameOf(key), valueText(e.values->value(key)));
    return lines.join(QLatin1Char('\n'));
}

int RowTimelineModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int RowTimelineModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RowTimelineModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const TimelineEntry& e = m_entries.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case TimeColumn:
            return EventFormat::clockTime(e.timeUs, m_utc);
        case WhatColumn:
            if (e.what.isEmpty())
                return kindText(e.kind);
            // "snapshot 3" and "re-fetched" say what they are; "rows_updated" needs no prefix either.
            if (e.kind == TimelineEntry::Kind::Event)
                return e.what;
            if (e.what.startsWith(kindText(e.kind).left(7), Qt::CaseInsensitive))
                return QString(e.what.at(0).toUpper() + e.what.mid(1));
            return tr("%1: %2").arg(kindText(e.kind), e.what);
        case SeqColumn:
            return e.kind == TimelineEntry::Kind::Event ? QString::number(e.seq) : QString();
        case ValuesColumn:
            return valuesSummary(index.row());
        }
        break;
    case Qt::ToolTipRole:
        if (index.column() == ValuesColumn)
            return valuesTooltip(index.row());
        return data(index, Qt::DisplayRole);
    case Qt::BackgroundRole:
        if (index.column() == WhatColumn && e.kind == TimelineEntry::Kind::Finding) {
            if (const auto kind = findingKindFromName(e.what))
                return colorValue(FindingListModel::kindColorName(*kind));
            return colorValue(QStringLiteral("#70e74c3c"));
        }
        break;
    case Qt::TextAlignmentRole:
        if (index.column() == SeqColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        break;
    case TimeUsRole:
        return e.timeUs;
    case KindRole:
        return int(e.kind);
    case ValuesRole:
        return e.values ? QVariant(*e.values) : QVariant();
    default:
        break;
    }
    return {};
}

QVariant RowTimelineModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case TimeColumn:
        return tr("Time");
    case WhatColumn:
        return tr("What");
    case SeqColumn:
        return tr("Seq");
    case ValuesColumn:
        return tr("Values");
    }
    return {};
}

} // namespace bmon
