// SPDX-License-Identifier: MIT
#include "models/findinglistmodel.h"

#include "core/eventformat.h"

#include <QMetaType>
#include <QStringList>

namespace bmon {

namespace {

// A QColor only where Qt Gui is loaded (this library is Qt::Core only); otherwise its name.
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

bool sameFinding(const Finding& a, const Finding& b)
{
    return a.kind == b.kind && a.tableId == b.tableId && a.rowId == b.rowId && a.detectedUs == b.detectedUs
        && a.confirmedUs == b.confirmedUs;
}

QString eventText(const EventRef& e)
{
    return FindingListModel::tr("#%1 %2").arg(e.seq).arg(e.type);
}

} // namespace

FindingListModel::FindingListModel(QObject* parent) : QAbstractTableModel(parent)
{ }

void FindingListModel::setFindings(const QList<Finding>& findings)
{
    bool extends = findings.size() >= m_findings.size();
    for (qsizetype i = 0; extends && i < m_findings.size(); ++i)
        extends = sameFinding(m_findings.at(i), findings.at(i));
    if (!extends) {
        beginResetModel();
        m_findings = findings;
        endResetModel();
        return;
    }
    if (findings.size() == m_findings.size())
        return;
    beginInsertRows({}, int(m_findings.size()), int(findings.size()) - 1);
    for (qsizetype i = m_findings.size(); i < findings.size(); ++i)
        m_findings.append(findings.at(i));
    endInsertRows();
}

void FindingListModel::append(const Finding& finding)
{
    const int row = int(m_findings.size());
    beginInsertRows({}, row, row);
    m_findings.append(finding);
    endInsertRows();
}

void FindingListModel::clear()
{
    if (m_findings.isEmpty())
        return;
    beginResetModel();
    m_findings.clear();
    endResetModel();
}

void FindingListModel::setFieldNames(const QHash<QString, QString>& keyToName)
{
    if (m_fieldNames == keyToName)
        return;
    m_fieldNames = keyToName;
    if (!m_findings.isEmpty())
        emit dataChanged(index(0, FieldsColumn), index(int(m_findings.size()) - 1, FieldsColumn));
}

void FindingListModel::setUtcTimes(bool utc)
{
    if (m_utc == utc)
        return;
    m_utc = utc;
    if (!m_findings.isEmpty())
        emit dataChanged(index(0, DetectedColumn), index(int(m_findings.size()) - 1, ConfirmedColumn));
}

int FindingListModel::rowOfRowId(qint64 rowId) const
{
    for (qsizetype i = 0; i < m_findings.size(); ++i) {
        if (m_findings.at(i).rowId == rowId)
            return int(i);
    }
    return -1;
}

QString FindingListModel::kindColorName(FindingKind kind)
{
    // Translucent, so the text stays readable on light and dark palettes.
    switch (kind) {
    case FindingKind::MissedCreate:
    case FindingKind::MissedUpdate:
    case FindingKind::MissedDelete:
        return QStringLiteral("#70e74c3c"); // red: an event never arrived
    case FindingKind::DuplicateCreate:
        return QStringLiteral("#70f39c12"); // orange: an event arrived twice
    case FindingKind::UnknownRowUpdate:
    case FindingKind::UnknownRowDelete:
        return QStringLiteral("#70f1c40f"); // yellow: an event about a row never seen
    case FindingKind::StaleBeforeImage:
    case FindingKind::OutOfOrder:
        return QStringLiteral("#709b59b6"); // violet: events lost or out of order
    }
    return QStringLiteral("#70999999");
}

QString FindingListModel::fieldsText(const Finding& f) const
{
    if (f.fields.isEmpty())
        return tr("whole row");
    QStringList names;
    for (const FieldDelta& d : f.fields) {
        QString name = d.name;
        if (name.isEmpty())
            name = m_fieldNames.value(d.key, d.key);
        names << name;
    }
    return names.join(QStringLiteral(", "));
}

int FindingListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_findings.size());
}

int FindingListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant FindingListModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Finding& f = m_findings.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case KindColumn:
            return findingKindName(f.kind);
        case RowColumn:
            return QString::number(f.rowId);
        case FieldsColumn:
            return fieldsText(f);
        case EventsColumn: {
            if (f.events.isEmpty())
                return f.lastEvent ? tr("none (last: %1)").arg(eventText(*f.lastEvent)) : tr("none");
            QStringList parts;
            for (qsizetype i = 0; i < f.events.size() && i < 3; ++i)
                parts << eventText(f.events.at(i));
            if (f.events.size() > 3)
                parts << tr("+%1 more").arg(f.events.size() - 3);
            return parts.join(QStringLiteral(", "));
        }
        case DetectedColumn:
            return f.detectedUs > 0 ? EventFormat::clockTime(f.detectedUs, m_utc) : QString();
        case ConfirmedColumn:
            return f.confirmedUs > 0 ? EventFormat::clockTime(f.confirmedUs, m_utc) : QString();
        case DetailColumn:
            return f.detail;
        }
        break;
    case Qt::ToolTipRole:
        if (index.column() == KindColumn)
            return findingKindDescription(f.kind);
        if (index.column() == EventsColumn) {
            QStringList parts;
            for (const EventRef& e : f.events)
                parts << eventText(e);
            return parts.join(QLatin1Char('\n'));
        }
        return data(index, Qt::DisplayRole);
    case Qt::BackgroundRole:
        if (index.column() == KindColumn)
            return colorValue(kindColorName(f.kind));
        break;
    case Qt::TextAlignmentRole:
        if (index.column() == RowColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        break;
    case SortRole:
        switch (index.column()) {
        case KindColumn:
            return findingKindName(f.kind);
        case RowColumn:
            return f.rowId;
        case FieldsColumn:
            return fieldsText(f);
        case EventsColumn:
            return f.events.isEmpty() ? qulonglong(0) : qulonglong(f.events.constFirst().seq);
        case DetectedColumn:
            return f.detectedUs;
        case ConfirmedColumn:
            return f.confirmedUs;
        case DetailColumn:
            return f.detail;
        }
        break;
    case KindRole:
        return int(f.kind);
    case KindNameRole:
        return findingKindName(f.kind);
    case RowIdRole:
        return f.rowId;
    case IndexRole:
        return index.row();
    default:
        break;
    }
    return {};
}

QVariant FindingListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case KindColumn:
        return tr("Kind");
    case RowColumn:
        return tr("Row");
    case FieldsColumn:
        return tr("Fields");
    case EventsColumn:
        return tr("Events");
    case DetectedColumn:
        return tr("Detected");
    case ConfirmedColumn:
        return tr("Confirmed");
    case DetailColumn:
        return tr("Detail");
    }
    return {};
}

} // namespace bmon
