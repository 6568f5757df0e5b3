// SPDX-License-Identifier: MIT
#pragma once

#include "core/eventrecord.h"

#include <QAbstractTableModel>
#include <QCache>
#include <QTimer>

namespace bmon {

class Directory;
class EventStore;

/*!
 * The event stream in arrival order, one row per stored event (Wireshark's packet list model).
 *
 * Rows are announced in batches from one coalescing timer (ARCHITECTURE.md: never one
 * beginInsertRows per event): call notifyAppended() as often as you like, the model catches up
 * with the store's published count at most every batchIntervalMs. Display strings are derived
 * on demand from the compact records, with a bounded cache for the summaries (they parse JSON).
 * Lives on the GUI thread; reads the store through its published count only.
 */
class EventListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        TimeColumn,
        DirectionColumn,
        TypeColumn,
        CategoryColumn,
        WorkspaceColumn, //!< name from the Directory, else "ws 7", blank when none
        DatabaseColumn, //!< the application
        TableColumn,
        ActorColumn, //!< who caused it, when knowable (row_history_updated, last_modified_by cells, comments)
        SummaryColumn, //!< "rows_updated · Customers · 2 rows · Seats, Active, Tier"
        SizeColumn,
        ColumnCount
    };
    enum Role
    {
        SeqRole = Qt::UserRole + 1,
        TypeIdRole,
        CategoryRole,
        TableIdRole,
        WorkspaceIdRole,
        IsErrorRole,
        IndexRole,
        ApplicationIdRole, //!< the record's application, else the Directory's database of its table
        ActorRole, //!< the Actor column's text (parses the payload, cached)
    };

    explicit EventListModel(QObject* parent = nullptr);

    void setStore(const EventStore* store);
    //! Names for ids (workspaces, tables, fields, users); optional. Re-read on its changed().
    void setDirectory(const Directory* directory);
    const EventStore* store() const { return m_store; }
    const Directory* directory() const { return m_directory; }
    void setBatchInterval(int ms) { m_timer.setInterval(ms); }
    void setUtcTimes(bool utc);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

public slots:
    //! New events may be in the store; rows follow within one batch interval.
    void notifyAppended();
    //! Announces every published event now (tests, end of a replay).
    void flush();

signals:
    void rowsAppended(int first, int last);

private:
    //! What the Summary and Actor columns show; both come from one parse of the payload.
    struct Rendered
    {
        QString summary;
        QString actor;
    };
    struct Scope
    {
        quint32 workspace = 0, application = 0, table = 0;
    };

    QString summary(quint64 index) const;
    const Rendered& rendered(quint64 index) const;
    Rendered render(const EventRecord& rec, QByteArrayView payload) const;
    Scope scopeOf(const EventRecord& rec) const; //!< ids completed through the Directory
    QString workspaceLabel(quint32 id) const;
    QString applicationLabel(quint32 id) const;
    QString tableLabel(quint32 id) const;
    void directoryChanged();

    const EventStore* m_store = nullptr;
    const Directory* m_directory = nullptr;
    QList<QMetaObject::Connection> m_directoryConnections;
    int m_rows = 0;
    bool m_utc = false;
    QTimer m_timer;
    QTimer m_renameTimer; //!< coalesces re-rendering after Directory changes
    mutable QCache<quint64, Rendered> m_rendered {4000};
};

} // namespace bmon
