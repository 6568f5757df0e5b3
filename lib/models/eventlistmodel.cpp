// SPDX-License-Identifier: MIT
#include "models/eventlistmodel.h"

#include "core/classifier.h"
#include "core/directory.h"
#include "core/eventformat.h"
#include "core/eventstore.h"
#include "core/messagetypes.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QSet>

#include <algorithm>

namespace bmon {

namespace {

constexpr int kMaxListed = 8; // field names in a summary, actors in the Actor column

QLatin1String key(const char* k)
{
    return QLatin1String(k);
}

qint64 idOf(const QJsonValue& v)
{
    return v.isString() ? v.toString().toLongLong() : v.toInteger();
}

// Field ids whose values differ between the before and after images (matched by row id).
QList<qint64> changedFieldIds(const QJsonArray& before, const QJsonArray& after)
{
    QHash<qint64, QJsonObject> beforeById;
    for (const QJsonValue& v : before)
        beforeById.insert(idOf(v.toObject().value(key("id"))), v.toObject());
    QSet<qint64> ids;
    for (const QJsonValue& v : after) {
        const QJsonObject row = v.toObject();
        const auto old = beforeById.constFind(idOf(row.value(key("id"))));
        for (auto it = row.begin(); it != row.end(); ++it) {
            if (!it.key().startsWith(QLatin1String("field_")))
                continue;
            if (old == beforeById.constEnd() || !old->contains(it.key())
                || old->value(it.key()) != it.value())
                ids.insert(QStringView(it.key()).mid(6).toLongLong());
        }
    }
    QList<qint64> sorted(ids.begin(), ids.end());
    std::sort(sorted.begin(), sorted.end());
    return sorted;
}

QString rowsText(qint64 n)
{
    return n == 1 ? EventListModel::tr("1 row") : EventListModel::tr("%1 rows").arg(n);
}

void addUnique(QStringList& names, const QString& name)
{
    if (!name.isEmpty() && !names.contains(name))
        names.append(name);
}

QString joinNames(const QStringList& names)
{
    if (names.size() <= kMaxListed)
        return names.join(QStringLiteral(", "));
    return QString(names.mid(0, kMaxListed).join(QStringLiteral(", ")) + QStringLiteral(", …"));
}

} // namespace

EventListModel::EventListModel(QObject* parent) : QAbstractTableModel(parent)
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(50);
    connect(&m_timer, &QTimer::timeout, this, &EventListModel::flush);
    m_renameTimer.setSingleShot(true);
    m_renameTimer.setInterval(0);
    connect(&m_renameTimer, &QTimer::timeout, this, [this] {
        if (m_rows > 0)
            emit dataChanged(index(0, WorkspaceColumn), index(m_rows - 1, SummaryColumn), {Qt::DisplayRole});
    });
}

void EventListModel::setStore(const EventStore* store)
{
    beginResetModel();
    m_store = store;
    m_rows = 0;
    m_rendered.clear();
    endResetModel();
    flush();
}

void EventListModel::setDirectory(const Directory* directory)
{
    if (directory == m_directory)
        return;
    for (const QMetaObject::Connection& c : std::as_const(m_directoryConnections))
        disconnect(c);
    m_directoryConnections.clear();
    m_directory = directory;
    if (directory) {
        m_directoryConnections << connect(
            directory, &Directory::changed, this, &EventListModel::directoryChanged);
        m_directoryConnections << connect(directory, &QObject::destroyed, this, [this] {
            m_directory = nullptr;
            directoryChanged();
        });
    }
    directoryChanged();
}

void EventListModel::directoryChanged()
{
    // Names changed: what was rendered with the old ones goes; the views repaint once per pass.
    m_rendered.clear();
    if (!m_renameTimer.isActive())
        m_renameTimer.start();
}

void EventListModel::setUtcTimes(bool utc)
{
    if (m_utc == utc)
        return;
    m_utc = utc;
    if (m_rows > 0)
        emit dataChanged(index(0, TimeColumn), index(m_rows - 1, TimeColumn), {Qt::DisplayRole});
}

void EventListModel::notifyAppended()
{
    if (!m_timer.isActive())
        m_timer.start();
}

void EventListModel::flush()
{
    if (!m_store)
        return;
    // A view cannot show more than INT_MAX rows; the store may hold more.
    const int published = int(qMin<quint64>(m_store->count(), quint64(std::numeric_limits<int>::max())));
    if (published <= m_rows)
        return;
    const int first = m_rows;
    beginInsertRows({}, first, published - 1);
    m_rows = published;
    endInsertRows();
    emit rowsAppended(first, published - 1);
}

int EventListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : m_rows;
}

int EventListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

EventListModel::Scope EventListModel::scopeOf(const EventRecord& rec) const
{
    Scope s;
    if (rec.isError())
        return s;
    s.workspace = rec.workspaceId;
    s.application = rec.applicationId;
    s.table = rec.tableId;
    if (m_directory) {
        if (!s.application && s.table)
            s.application = m_directory->databaseOfTable(s.table);
        if (!s.workspace && s.application)
            s.workspace = m_directory->workspaceOfApplication(s.application);
    }
    return s;
}

QString EventListModel::workspaceLabel(quint32 id) const
{
    if (!id)
        return QString();
    const QString name = m_directory ? m_directory->workspaceName(id) : QString();
    return name.isEmpty() ? tr("ws %1").arg(id) : name;
}

QString EventListModel::applicationLabel(quint32 id) const
{
    if (!id)
        return QString();
    const QString name = m_directory ? m_directory->applicationName(id) : QString();
    return name.isEmpty() ? tr("db %1").arg(id) : name;
}

QString EventListModel::tableLabel(quint32 id) const
{
    if (!id)
        return QString();
    const QString name = m_directory ? m_directory->tableName(id) : QString();
    return name.isEmpty() ? tr("table %1").arg(id) : name;
}

QString EventListModel::summary(quint64 index) const
{
    return rendered(index).summary;
}

const EventListModel::Rendered& EventListModel::rendered(quint64 index) const
{
    if (const Rendered* cached = m_rendered.object(index))
        return *cached;
    const EventRecord& rec = m_store->at(index);
    auto* r = new Rendered(render(rec, m_store->payload(rec)));
    m_rendered.insert(index, r);
    return *r; // the cache keeps at least the newest entry
}

EventListModel::Rendered EventListModel::render(const EventRecord& rec, QByteArrayView payload) const
{
    Rendered r;
    const QString type = EventFormat::typeName(rec);
    if (rec.isError() || rec.status() != ParseStatus::Ok) {
        r.summary = QString(type + QStringLiteral(" · ") + EventFormat::detailText(rec, payload));
        return r;
    }
    const QJsonObject o
        = QJsonDocument::fromJson(QByteArray::fromRawData(payload.data(), payload.size())).object();
    const Scope scope = scopeOf(rec);
    QStringList parts {type};
    // The most specific place the event is about.
    if (scope.table)
        parts << tableLabel(scope.table);
    else if (rec.applicationId)
        parts << applicationLabel(rec.applicationId);
    else if (rec.workspaceId)
        parts << workspaceLabel(rec.workspaceId);

    // Field names for an update; "fields 102,103" when none is known.
    const auto fieldsText = [this](const QList<qint64>& ids) {
        QStringList names;
        QStringList plain;
        bool anyName = false;
        for (qint64 id : ids) {
            const QString name = m_directory ? m_directory->fieldName(quint32(id)) : QString();
            anyName = anyName || !name.isEmpty();
            names << (name.isEmpty() ? tr("field %1").arg(id) : name);
            plain << QString::number(id);
        }
        if (anyName)
            return joinNames(names);
        if (plain.size() > kMaxListed)
            plain = plain.mid(0, kMaxListed) << QStringLiteral("…");
        return tr("fields %1").arg(plain.join(QLatin1Char(',')));
    };
    // Who changed rows, from cells of last_modified_by (and for new rows created_by) fields.
    const auto rowActors = [this, &scope](const QJsonArray& rows, bool created) {
        QStringList names;
        if (!m_directory || !scope.table)
            return names;
        QStringList keys;
        for (const DirField& f : m_directory->fields(scope.table)) {
            if (f.type == QLatin1String("last_modified_by")
                || (created && f.type == QLatin1String("created_by")))
                keys << QStringLiteral("field_%1").arg(f.id);
        }
        for (const QJsonValue& row : rows) {
            for (const QString& k : std::as_const(keys))
                addUnique(names, row.toObject().value(k).toObject().value(key("name")).toString());
        }
        return names;
    };

    QStringList actors;
    const QString typeName = TypeRegistry::instance().name(rec.typeId);
    switch (rec.typeId) {
    case KnownType::RowsCreated: {
        const QJsonArray rows = o.value(key("rows")).toArray();
        QString s = rowsText(rows.size());
        const QJsonValue before = o.value(key("before_row_id"));
        if (!before.isNull() && !before.isUndefined())
            s += tr(" · before row %1").arg(idOf(before));
        parts << s;
        actors = rowActors(rows, true);
        break;
    }
    case KnownType::RowsUpdated: {
        const QJsonArray rows = o.value(key("rows")).toArray();
        QList<qint64> ids;
        const bool listed = o.contains(key("updated_field_ids"));
        if (listed) {
            for (const QJsonValue& v : o.value(key("updated_field_ids")).toArray())
                ids << idOf(v);
        } else {
            ids = changedFieldIds(o.value(key("rows_before_update")).toArray(), rows);
        }
        parts << rowsText(rows.size());
        if (!ids.isEmpty())
            parts << fieldsText(ids);
        else if (listed)
            parts << tr("moved");
        actors = rowActors(rows, false);
        break;
    }
    case KnownType::RowsDeleted:
        parts << rowsText(
            qMax(o.value(key("row_ids")).toArray().size(), o.value(key("rows")).toArray().size()));
        break;
    default:
        if (typeName == QLatin1String("row_updated")) { // ≤ 1.10
            const QJsonArray after {o.value(key("row"))};
            const QList<qint64> ids = changedFieldIds(QJsonArray {o.value(key("row_before_update"))}, after);
            parts << rowsText(1);
            if (!ids.isEmpty() && o.contains(key("row_before_update")))
                parts << fieldsText(ids);
            actors = rowActors(after, false);
        } else if (typeName == QLatin1String("row_created")) {
            parts << rowsText(1);
            actors = rowActors(QJsonArray {o.value(key("row"))}, true);
        } else if (typeName == QLatin1String("row_history_updated")) {
            const QJsonObject entry = o.value(key("row_history_entry")).toObject();
            addUnique(actors, entry.value(key("user")).toObject().value(key("name")).toString());
            QList<qint64> ids;
            const QJsonObject after = entry.value(key("after")).toObject();
            for (auto it = after.begin(); it != after.end(); ++it) {
                if (it.key().startsWith(QLatin1String("field_")))
                    ids << QStringView(it.key()).mid(6).toLongLong();
            }
            std::sort(ids.begin(), ids.end());
            parts << tr("row %1").arg(idOf(o.value(key("row_id"))));
            if (!ids.isEmpty())
                parts << fieldsText(ids);
        } else {
            if (typeName.startsWith(QLatin1String("row_comment"))) {
                addUnique(actors, o.value(key("row_comment")).toObject().value(key("first_name")).toString());
            } else if (typeName.startsWith(QLatin1String("group_user_"))) {
                QJsonObject member = o.value(key("workspace_user")).toObject();
                if (member.isEmpty())
                    member = o.value(key("group_user")).toObject();
                addUnique(actors, member.value(key("name")).toString());
            }
            const QString detail = EventFormat::detailText(rec, payload);
            if (!detail.isEmpty())
                parts << detail;
        }
        break;
    }
    r.summary = parts.join(QStringLiteral(" · "));
    r.actor = joinNames(actors);
    return r;
}

QVariant EventListModel::data(const QModelIndex& index, int role) const
{
    if (!m_store || !index.isValid() || index.row() >= m_rows)
        return {};
    const auto row = quint64(index.row());
    const EventRecord& rec = m_store->at(row);
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case TimeColumn:
            return EventFormat::clockTime(rec.receivedUs, m_utc);
        case DirectionColumn:
            return rec.direction() == Direction::Sent ? QStringLiteral("↑") : QStringLiteral("↓");
        case TypeColumn:
            return EventFormat::typeName(rec);
        case CategoryColumn:
            return categoryName(rec.category);
        case WorkspaceColumn:
            return workspaceLabel(scopeOf(rec).workspace);
        case DatabaseColumn:
            return applicationLabel(scopeOf(rec).application);
        case TableColumn:
            return tableLabel(scopeOf(rec).table);
        case ActorColumn:
            return rendered(row).actor;
        case SummaryColumn:
            return rendered(row).summary;
        case SizeColumn:
            return QLocale().formattedDataSize(
                qint64(rec.originalSize()), 1, QLocale::DataSizeTraditionalFormat);
        }
        break;
    case Qt::ToolTipRole:
        if (rec.isError())
            return parseStatusText(rec);
        if (index.column() == DirectionColumn)
            return rec.direction() == Direction::Sent ? tr("sent by the monitor")
                                                      : tr("received from the server");
        if (index.column() == SummaryColumn)
            return rendered(row).summary;
        break;
    case Qt::TextAlignmentRole:
        if (index.column() == SizeColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        break;
    case SeqRole:
        return QVariant::fromValue(rec.seq);
    case TypeIdRole:
        return int(rec.typeId);
    case CategoryRole:
        return int(rec.category);
    case TableIdRole:
        return scopeOf(rec).table;
    case WorkspaceIdRole:
        return scopeOf(rec).workspace;
    case ApplicationIdRole:
        return scopeOf(rec).application;
    case ActorRole:
        return rendered(row).actor;
    case IsErrorRole:
        return rec.isError();
    case IndexRole:
        return QVariant::fromValue(row);
    default:
        break;
    }
    return {};
}

QVariant EventListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case TimeColumn:
        return tr("Time");
    case DirectionColumn:
        return tr("Dir");
    case TypeColumn:
        return tr("Type");
    case CategoryColumn:
        return tr("Category");
    case WorkspaceColumn:
        return tr("Workspace");
    case DatabaseColumn:
        return tr("Database");
    case TableColumn:
        return tr("Table");
    case ActorColumn:
        return tr("Actor");
    case SummaryColumn:
        return tr("Summary");
    case SizeColumn:
        return tr("Size");
    }
    return {};
}

} // namespace bmon
