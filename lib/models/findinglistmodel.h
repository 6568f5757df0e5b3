// SPDX-License-Identifier: MIT
#pragma once

#include "core/compare/finding.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>

namespace bmon {

/*!
 * The findings of one table's comparison, in the order they were confirmed (the Compare tab's
 * table). Columns: kind, row, fields, events, detected, confirmed, detail. The kind column is
 * coloured per kind (BackgroundRole; a QColor where Qt Gui is loaded, else its "#aarrggbb" name,
 * since this library is Qt::Core only). SortRole gives every column a value that sorts right
 * (numbers as numbers, times in µs) for a QSortFilterProxyModel.
 */
class FindingListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        KindColumn,
        RowColumn,
        FieldsColumn,
        EventsColumn,
        DetectedColumn,
        ConfirmedColumn,
        DetailColumn,
        ColumnCount
    };

    enum Role
    {
        SortRole = Qt::UserRole + 1,
        KindRole, //!< int(FindingKind)
        KindNameRole, //!< "missed_update"
        RowIdRole, //!< qint64
        IndexRole, //!< the finding's index in findings()
    };

    explicit FindingListModel(QObject* parent = nullptr);

    /*!
     * Shows \a findings. When they extend the list shown (the same findings first, more after),
     * only the new rows are inserted, so views keep their selection and scroll position;
     * otherwise the model resets.
     */
    void setFindings(const QList<Finding>& findings);
    void append(const Finding& finding);
    void clear();
    const QList<Finding>& findings() const { return m_findings; }
    const Finding& finding(int row) const { return m_findings.at(row); }
    //! Field keys to names for the fields column ("field_102" → "Seats"); FieldDelta::name wins.
    void setFieldNames(const QHash<QString, QString>& keyToName);
    void setUtcTimes(bool utc);
    //! The first row showing \a rowId, -1 when none.
    int rowOfRowId(qint64 rowId) const;

    //! "#aarrggbb" of the kind's colour (warm for lost events, violet for ordering, …).
    static QString kindColorName(FindingKind kind);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QString fieldsText(const Finding& f) const;

    QList<Finding> m_findings;
    QHash<QString, QString> m_fieldNames;
    bool m_utc = false;
};

} // namespace bmon
