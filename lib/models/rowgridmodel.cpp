// SPDX-License-Identifier: MIT
#include "models/rowgridmodel.h"

#include "core/clock.h"
#include "core/messagetypes.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMetaType>

#include <algorithm>

namespace bmon {

namespace {

constexpr qint64 kFadeStepMs = 100;

QLatin1String key(const char* k)
{
    return QLatin1String(k);
}

qint64 idOf(const QJsonValue& v)
{
    return v.isString() ? v.toString().toLongLong() : v.toInteger();
}

/*
 * Baserow's row order is a decimal string with 20 decimals ("1.50000000000000000000"): compare
 * it as a number without going through double (close orders differ beyond double precision).
 */
int compareDecimal(QStringView a, QStringView b)
{
    const bool negA = a.startsWith(u'-'), negB = b.startsWith(u'-');
    if (negA != negB)
        return negA ? -1 : 1;
    if (negA) {
        a = a.mid(1);
        b = b.mid(1);
    }
    const qsizetype dotA = a.indexOf(u'.'), dotB = b.indexOf(u'.');
    QStringView intA = dotA < 0 ? a : a.left(dotA), intB = dotB < 0 ? b : b.left(dotB);
    const QStringView fracA = dotA < 0 ? QStringView() : a.mid(dotA + 1);
    const QStringView fracB = dotB < 0 ? QStringView() : b.mid(dotB + 1);
    while (intA.size() > 1 && intA.front() == u'0')
        intA = intA.mid(1);
    while (intB.size() > 1 && intB.front() == u'0')
        intB = intB.mid(1);
    int result = 0;
    if (intA.size() != intB.size()) {
        result = intA.size() < intB.size() ? -1 : 1;
    } else if (const int c = intA.compare(intB); c != 0) {
        result = c < 0 ? -1 : 1;
    } else {
        const qsizetype n = qMax(fracA.size(), fracB.size());
        for (qsizetype i = 0; i < n && result == 0; ++i) {
            const QChar ca = i < fracA.size() ? fracA[i] : QChar(u'0');
            const QChar cb = i < fracB.size() ? fracB[i] : QChar(u'0');
            if (ca != cb)
                result = ca < cb ? -1 : 1;
        }
    }
    return negA ? -result : result;
}

QString orderOf(const QJsonValue& v)
{
    if (v.isString())
        return v.toString();
    if (v.isDouble())
        return QString::number(v.toDouble(), 'f', 20);
    return QString();
}

QString displayText(const QJsonValue& v)
{
    switch (v.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        return QString();
    case QJsonValue::Bool:
        return v.toBool() ? QStringLiteral("✓") : QString();
    case QJsonValue::Double: {
        const double d = v.toDouble();
        return d == double(qint64(d)) ? QString::number(qint64(d)) : QString::number(d);
    }
    case QJsonValue::String:
        return v.toString();
    case QJsonValue::Array: {
        // Link rows, multiple selects, collaborators, files: their names joined.
        QStringList parts;
        for (const QJsonValue& e : v.toArray())
            parts << displayText(e);
        parts.removeAll(QString());
        return parts.join(QStringLiteral(", "));
    }
    case QJsonValue::Object: {
        const QJsonObject o = v.toObject();
        for (const char* k : {"value", "name", "visible_name", "url"}) {
            const QJsonValue inner = o.value(key(k));
            if (!inner.isUndefined() && !inner.isObject())
                return displayText(inner);
        }
        return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
    }
    }
    return QString();
}

// The highlight of a changed cell: yellow, fading out. The models library is Qt::Core only, so
// the colour is a QColor only where Qt Gui is loaded (the application); otherwise its name.
QVariant highlightColor(double strength)
{
    const int alpha = qBound(0, int(strength * 160.0 + 0.5), 255);
    QVariant v(QStringLiteral("#%1ffd54f").arg(alpha, 2, 16, QLatin1Char('0')));
    static const QMetaType colorType = QMetaType::fromName("QColor");
    if (colorType.isValid()) {
        QVariant c = v;
        if (c.convert(colorType))
            return c;
    }
    return v;
}

} // namespace

RowGridModel::RowGridModel(QObject* parent) : QAbstractTableModel(parent), m_clock(Clock::system())
{ }

void RowGridModel::setClock(Clock* clock)
{
    if (m_fadeTimer)
        m_clock->cancel(m_fadeTimer);
    m_fadeTimer = 0;
    m_clock = clock ? clock : Clock::system();
    if (!m_highlighted.isEmpty())
        scheduleFade();
}

void RowGridModel::setTable(quint32 tableId, const QList<DirField>& fields)
{
    beginResetModel();
    if (tableId != m_tableId) {
        m_rows.clear();
        m_highlighted.clear();
        m_indexDirty = true;
    }
    m_tableId = tableId;
    m_fields = fields;
    m_columnOfKey.clear();
    for (int i = 0; i < m_fields.size(); ++i)
        m_columnOfKey.insert(QStringLiteral("field_%1").arg(m_fields.at(i).id), i);
    endResetModel();
}

void RowGridModel::setRows(const QList<QJsonObject>& rows)
{
    beginResetModel();
    m_rows.clear();
    m_highlighted.clear();
    m_rows.reserve(size_t(rows.size()));
    for (const QJsonObject& o : rows) {
        Row r;
        r.id = idOf(o.value(key("id")));
        r.order = orderOf(o.value(key("order")));
        r.values = o;
        r.values.remove(key("id"));
        r.values.remove(key("order"));
        m_rows.push_back(std::move(r));
    }
    std::stable_sort(m_rows.begin(), m_rows.end(), rowLess);
    m_indexDirty = true;
    endResetModel();
}

void RowGridModel::setHighlightMs(int ms)
{
    m_highlightMs = qMax(0, ms);
}

quint32 RowGridModel::tableId() const
{
    return m_tableId;
}

bool RowGridModel::rowLess(const Row& a, const Row& b)
{
    const int c = compareDecimal(a.order, b.order);
    return c != 0 ? c < 0 : a.id < b.id;
}

void RowGridModel::reindex() const
{
    if (!m_indexDirty)
        return;
    m_rowOfId.clear();
    m_rowOfId.reserve(qsizetype(m_rows.size()));
    for (size_t i = 0; i < m_rows.size(); ++i)
        m_rowOfId.insert(m_rows[i].id, int(i));
    m_indexDirty = false;
}

int RowGridModel::rowOfId(qint64 rowId) const
{
    reindex();
    return m_rowOfId.value(rowId, -1);
}

int RowGridModel::insertPosition(const Row& row) const
{
    return int(std::upper_bound(m_rows.begin(), m_rows.end(), row, rowLess) - m_rows.begin());
}

qint64 RowGridModel::nowMs() const
{
    return m_clock->nowUs() / 1000;
}

void RowGridModel::highlight(Row& row, int column, qint64 now)
{
    if (m_highlightMs <= 0)
        return;
    row.changedAtMs.insert(column, now);
    m_highlighted.insert(row.id);
    scheduleFade();
}

bool RowGridModel::applyEvent(const EventRecord& rec, QByteArrayView payload)
{
    if (!m_tableId || rec.tableId != m_tableId || rec.status() != ParseStatus::Ok
        || rec.direction() != Direction::Received)
        return false;
    const QString type = TypeRegistry::instance().name(rec.typeId);
    const bool created = rec.typeId == KnownType::RowsCreated || type == QLatin1String("row_created");
    const bool updated = rec.typeId == KnownType::RowsUpdated || type == QLatin1String("row_updated");
    const bool deleted = rec.typeId == KnownType::RowsDeleted || type == QLatin1String("row_deleted");
    if (!created && !updated && !deleted)
        return false;
    const QJsonObject o
        = QJsonDocument::fromJson(QByteArray::fromRawData(payload.data(), payload.size())).object();
    // Legacy singular events (≤ 1.10) carry one "row".
    QJsonArray rows = o.value(key("rows")).toArray();
    if (o.value(key("row")).isObject())
        rows.append(o.value(key("row")));

    if (created)
        return createRows(rows, o.value(key("before_row_id")));
    if (updated) {
        bool changed = false;
        for (const QJsonValue& v : std::as_const(rows))
            changed = updateRow(v.toObject()) || changed;
        return changed;
    }
    QList<qint64> ids;
    for (const QJsonValue& v : o.value(key("row_ids")).toArray())
        ids << idOf(v);
    if (ids.isEmpty()) {
        for (const QJsonValue& v : std::as_const(rows))
            ids << idOf(v.toObject().value(key("id")));
        if (o.contains(key("row_id")))
            ids << idOf(o.value(key("row_id")));
    }
    bool changed = false;
    for (qint64 id : std::as_const(ids))
        changed = deleteRow(id) || changed;
    return changed;
}

bool RowGridModel::createRows(const QJsonArray& rows, const QJsonValue& beforeRowId)
{
    bool changed = false;
    const qint64 now = nowMs();
    const qint64 before = beforeRowId.isNull() || beforeRowId.isUndefined() ? 0 : idOf(beforeRowId);
    int placeAt = before ? rowOfId(before) : -1;
    for (const QJsonValue& v : rows) {
        const QJsonObject o = v.toObject();
        const qint64 id = idOf(o.value(key("id")));
        if (!id)
            continue;
        if (rowOfId(id) >= 0) { // created twice (a missed delete, or a replay): take the new values
            changed = updateRow(o) || changed;
            continue;
        }
        changed = true;
        Row r;
        r.id = id;
        r.order = orderOf(o.value(key("order")));
        r.values = o;
        r.values.remove(key("id"));
        r.values.remove(key("order"));
        // "Insert before row X" wins; otherwise the row's order places it.
        const int at = placeAt >= 0 ? placeAt : insertPosition(r);
        for (int c = 0; c < m_fields.size(); ++c)
            r.changedAtMs.insert(c, now);
        beginInsertRows({}, at, at);
        m_rows.insert(m_rows.begin() + at, std::move(r));
        m_indexDirty = true;
        endInsertRows();
        if (placeAt >= 0)
            ++placeAt; // several rows keep their order before X
        if (m_highlightMs > 0 && !m_fields.isEmpty()) {
            m_highlighted.insert(id);
            scheduleFade();
        } else {
            m_rows[size_t(at)].changedAtMs.clear();
        }
    }
    return changed;
}

bool RowGridModel::updateRow(const QJsonObject& values)
{
    const qint64 id = idOf(values.value(key("id")));
    int row = rowOfId(id);
    if (row < 0)
        return false; // not in the snapshot (beyond the rows fetched, or filtered)
    const qint64 now = nowMs();
    bool changed = false;
    int firstColumn = INT_MAX, lastColumn = -1;
    for (auto it = values.begin(); it != values.end(); ++it) {
        if (it.key() == QLatin1String("id") || it.key() == QLatin1String("order"))
            continue;
        Row& r = m_rows[size_t(row)];
        if (r.values.value(it.key()) == it.value() && r.values.contains(it.key()))
            continue;
        r.values.insert(it.key(), it.value()); // key by key: partial rows leave the rest alone
        changed = true;
        const int column = m_columnOfKey.value(it.key(), -1);
        if (column >= 0) {
            highlight(r, column, now);
            firstColumn = qMin(firstColumn, column);
            lastColumn = qMax(lastColumn, column);
        }
    }
    if (lastColumn >= 0)
        emit dataChanged(index(row, firstColumn), index(row, lastColumn));

    const QJsonValue order = values.value(key("order"));
    if (!order.isUndefined() && orderOf(order) != m_rows[size_t(row)].order) {
        changed = true;
        Row moved = m_rows[size_t(row)];
        moved.order = orderOf(order);
        // Where it goes among the other rows, then one move.
        const auto less = [&moved](const Row& r) { return !rowLess(moved, r); };
        int to = 0;
        for (size_t i = 0; i < m_rows.size(); ++i) {
            if (int(i) != row && less(m_rows[i]))
                ++to;
        }
        m_rows[size_t(row)].order = moved.order;
        if (to != row) {
            const int destination = to > row ? to + 1 : to;
            beginMoveRows({}, row, row, {}, destination);
            Row r = std::move(m_rows[size_t(row)]);
            m_rows.erase(m_rows.begin() + row);
            m_rows.insert(m_rows.begin() + to, std::move(r));
            m_indexDirty = true;
            endMoveRows();
        }
    }
    return changed;
}

bool RowGridModel::deleteRow(qint64 rowId)
{
    const int row = rowOfId(rowId);
    if (row < 0)
        return false;
    beginRemoveRows({}, row, row);
    m_rows.erase(m_rows.begin() + row);
    m_highlighted.remove(rowId);
    m_indexDirty = true;
    endRemoveRows();
    return true;
}

void RowGridModel::scheduleFade()
{
    if (m_fadeTimer || m_highlighted.isEmpty())
        return;
    m_fadeTimer = m_clock->schedule(kFadeStepMs, this, [this] {
        m_fadeTimer = 0;
        fade();
    });
}

// One timer for the model: every step repaints the highlighted cells and drops the expired ones.
void RowGridModel::fade()
{
    const qint64 now = nowMs();
    const QSet<qint64> ids = m_highlighted;
    for (qint64 id : ids) {
        const int row = rowOfId(id);
        if (row < 0) {
            m_highlighted.remove(id);
            continue;
        }
        Row& r = m_rows[size_t(row)];
        int first = INT_MAX, last = -1;
        for (auto it = r.changedAtMs.begin(); it != r.changedAtMs.end();) {
            first = qMin(first, it.key());
            last = qMax(last, it.key());
            if (now - it.value() >= m_highlightMs)
                it = r.changedAtMs.erase(it);
            else
                ++it;
        }
        if (r.changedAtMs.isEmpty())
            m_highlighted.remove(id);
        if (last >= 0)
            emit dataChanged(index(row, first), index(row, last), {Qt::BackgroundRole, ChangedRole});
    }
    scheduleFade();
}

int RowGridModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int RowGridModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_fields.size());
}

QVariant RowGridModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= int(m_rows.size()) || index.column() >= m_fields.size())
        return {};
    const Row& r = m_rows[size_t(index.row())];
    const DirField& f = m_fields.at(index.column());
    const QString k = QStringLiteral("field_%1").arg(f.id);
    switch (role) {
    case Qt::DisplayRole:
    case Qt::ToolTipRole:
        return displayText(r.values.value(k));
    case RawValueRole:
        return r.values.value(k).toVariant();
    case RowIdRole:
        return r.id;
    case ChangedRole: {
        const auto it = r.changedAtMs.constFind(index.column());
        if (it == r.changedAtMs.constEnd() || nowMs() - it.value() >= m_highlightMs)
            return {};
        return QDateTime::fromMSecsSinceEpoch(it.value(), Qt::UTC);
    }
    case Qt::BackgroundRole: {
        const auto it = r.changedAtMs.constFind(index.column());
        if (it == r.changedAtMs.constEnd() || m_highlightMs <= 0)
            return {};
        const qint64 age = nowMs() - it.value();
        if (age >= m_highlightMs)
            return {};
        return highlightColor(1.0 - double(age) / double(m_highlightMs));
    }
    case Qt::TextAlignmentRole:
        if (f.type == QLatin1String("number") || f.type == QLatin1String("count")
            || f.type == QLatin1String("autonumber"))
            return int(Qt::AlignRight | Qt::AlignVCenter);
        if (f.type == QLatin1String("boolean"))
            return int(Qt::AlignCenter);
        break;
    default:
        break;
    }
    return {};
}

QVariant RowGridModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal) {
        if (section < 0 || section >= m_fields.size())
            return {};
        if (role == Qt::DisplayRole)
            return m_fields.at(section).name;
        if (role == Qt::ToolTipRole)
            return tr("%1 (%2, field_%3)")
                .arg(m_fields.at(section).name, m_fields.at(section).type)
                .arg(m_fields.at(section).id);
        return {};
    }
    if (role == Qt::DisplayRole && section >= 0 && section < int(m_rows.size()))
        return m_rows[size_t(section)].id;
    return {};
}

} // namespace bmon
