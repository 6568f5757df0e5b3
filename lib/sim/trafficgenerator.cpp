// SPDX-License-Identifier: MIT
#include "sim/trafficgenerator.h"

#include "core/clock.h"
#include "sim/faultplan.h"
#include "sim/sampledata.h"
#include "sim/simcontext.h"
#include "sim/simdata.h"

#include <algorithm>

namespace bmon::sim {

namespace {
constexpr qint64 kTickMs = 20;
constexpr int kFirstTable = 21; // CRM → Customers, the first table in /api/applications/ order
} // namespace

TrafficGenerator::TrafficGenerator(SimContext* ctx, quint64 seed, QObject* parent)
    : QObject(parent), m_ctx(ctx), m_rng(mixSeed(seed, 0xffffffffULL))
{ }

TrafficGenerator::~TrafficGenerator()
{
    stop();
}

void TrafficGenerator::setRate(double eventsPerSecond)
{
    m_rate = qMax(0.0, eventsPerSecond);
    if (m_running && m_rate > 0 && !m_timer) {
        m_lastTickMs = m_ctx->clock->monotonicMs();
        m_timer = m_ctx->clock->schedule(kTickMs, this, [this]() { tick(); });
    }
}

void TrafficGenerator::start()
{
    m_running = true;
    m_budget = 0;
    setRate(m_rate);
}

void TrafficGenerator::stop()
{
    m_running = false;
    if (m_timer)
        m_ctx->clock->cancel(m_timer);
    m_timer = 0;
}

void TrafficGenerator::tick()
{
    m_timer = 0;
    if (!m_running || m_rate <= 0)
        return;
    const qint64 now = m_ctx->clock->monotonicMs();
    const qint64 dt = qMax<qint64>(0, now - m_lastTickMs);
    m_lastTickMs = now;
    // Carry the fraction, but never try to catch up more than 100 ms of traffic at once.
    m_budget = qMin(m_budget + m_rate * double(dt) / 1000.0, qMax(1.0, m_rate * 0.1));
    while (m_budget >= 1.0) {
        m_budget -= 1.0;
        step();
    }
    m_timer = m_ctx->clock->schedule(kTickMs, this, [this]() { tick(); });
}

int TrafficGenerator::pickActor(int workspaceId)
{
    QList<int> candidates;
    for (const SimUser& u : std::as_const(m_ctx->data->users)) {
        if (u.collaborator && m_ctx->data->isMember(u.id, workspaceId))
            candidates.append(u.id);
    }
    if (candidates.isEmpty())
        return 0;
    return candidates.at(qsizetype(m_rng() % quint64(candidates.size())));
}

int TrafficGenerator::pickRowTable()
{
    // Half of all row actions go to the first table; the rest spread over the others.
    if (m_rng() % 2 == 0 && m_ctx->data->tables.contains(kFirstTable))
        return kFirstTable;
    const QList<int> ids = m_ctx->data->tables.keys();
    return ids.at(qsizetype(m_rng() % quint64(ids.size())));
}

qint64 TrafficGenerator::pickRow(int tableId)
{
    const QList<qint64>& ids = m_ctx->data->sortedRowIds(tableId);
    if (ids.isEmpty())
        return 0;
    return ids.at(qsizetype(m_rng() % quint64(ids.size())));
}

CellValues TrafficGenerator::randomCells(int tableId, int fieldCount)
{
    CellValues cells;
    const SimTable* table = m_ctx->data->table(tableId);
    QList<const SimField*> editable;
    for (const SimField& f : table->fields) {
        if (f.type != QLatin1String("link_row")) // links would change other tables silently
            editable.append(&f);
    }
    SampleData sample(m_rng);
    for (int i = 0; i < fieldCount && !editable.isEmpty(); ++i) {
        const SimField* f = editable.takeAt(qsizetype(m_rng() % quint64(editable.size())));
        cells.insert(f->id, sample.randomValue(*table, *f));
    }
    return cells;
}

void TrafficGenerator::step()
{
    const int roll = int(m_rng() % 100);
    if (roll < 55) {
        const int table = pickRowTable();
        if (m_ctx->data->table(table)->rows.size() > m_ctx->data->table(table)->seedRowCount * 3 / 2)
            deleteRows(table); // keep row counts bounded
        else
            updateRows(table, 1);
    } else if (roll < 67) {
        createRows(pickRowTable());
    } else if (roll < 75) {
        deleteRows(pickRowTable());
    } else if (roll < 80) {
        moveRow(pickRowTable());
    } else if (roll < 85) {
        updateRows(pickRowTable(), 2 + int(m_rng() % 9));
    } else if (roll < 88) {
        comment(pickRowTable());
    } else if (roll < 92) {
        viewChange();
    } else if (roll < 94) {
        fieldChange();
    } else if (roll < 96) {
        renameChange();
    } else {
        updateRows(pickRowTable(), 1); // row_history_updated rides along on 1.35
    }
}

void TrafficGenerator::rowEvent()
{
    const int roll = int(m_rng() % 10);
    const SimTable* t = m_ctx->data->table(kFirstTable);
    if (!t)
        return;
    if (roll < 2 && t->rows.size() < t->seedRowCount * 3 / 2)
        createRows(kFirstTable);
    else if (roll < 4 && t->rows.size() > t->seedRowCount / 2)
        deleteRows(kFirstTable);
    else
        updateRows(kFirstTable, 1);
}

void TrafficGenerator::updateRow(int tableId, qint64 rowId)
{
    const SimTable* t = m_ctx->data->table(tableId);
    if (!t || !t->rows.contains(rowId))
        return;
    const Actor actor {pickActor(m_ctx->data->workspaceOfTable(tableId)), QString()};
    const CellValues cells = randomCells(tableId, 1 + int(m_rng() % 3));
    m_ctx->ops->updateRows(actor, tableId, {{rowId, cells}}, cells.keys());
}

void TrafficGenerator::updateRows(int tableId, int count)
{
    const SimTable* t = m_ctx->data->table(tableId);
    if (!t || t->rows.isEmpty())
        return;
    const Actor actor {pickActor(m_ctx->data->workspaceOfTable(tableId)), QString()};
    const CellValues cells = randomCells(tableId, count == 1 ? 1 + int(m_rng() % 3) : 1 + int(m_rng() % 2));
    QList<std::pair<qint64, CellValues>> changes;
    for (int i = 0; i < count; ++i) {
        const qint64 row = pickRow(tableId);
        bool dup = false;
        for (const auto& c : changes)
            dup = dup || c.first == row;
        if (dup)
            continue;
        // Batch updates touch the same fields with fresh values per row.
        CellValues perRow;
        SampleData sample(m_rng);
        QList<int> keys = cells.keys();
        std::sort(keys.begin(), keys.end()); // QHash order differs between processes
        for (int key : std::as_const(keys))
            perRow.insert(key, i == 0 ? cells.value(key) : sample.randomValue(*t, *t->field(key)));
        changes.append({row, perRow});
    }
    m_ctx->ops->updateRows(actor, tableId, changes, cells.keys());
}

void TrafficGenerator::createRows(int tableId)
{
    const SimTable* t = m_ctx->data->table(tableId);
    if (!t)
        return;
    if (t->rows.size() > t->seedRowCount * 3 / 2) {
        deleteRows(tableId);
        return;
    }
    const Actor actor {pickActor(m_ctx->data->workspaceOfTable(tableId)), QString()};
    const int count = m_rng() % 4 == 0 ? 2 + int(m_rng() % 4) : 1;
    SampleData sample(m_rng);
    QList<CellValues> rows;
    for (int i = 0; i < count; ++i) {
        CellValues cells;
        for (const SimField& f : t->fields) {
            if (f.type != QLatin1String("link_row"))
                cells.insert(f.id, f.primary ? sample.value(*t, f, 0) : sample.randomValue(*t, f));
        }
        rows.append(cells);
    }
    const qint64 before = m_rng() % 5 == 0 ? pickRow(tableId) : 0;
    m_ctx->ops->createRows(actor, tableId, rows, before);
}

void TrafficGenerator::deleteRows(int tableId)
{
    const SimTable* t = m_ctx->data->table(tableId);
    if (!t || t->rows.size() < 2)
        return;
    if (t->rows.size() < t->seedRowCount / 2) {
        createRows(tableId);
        return;
    }
    const Actor actor {pickActor(m_ctx->data->workspaceOfTable(tableId)), QString()};
    const int count = m_rng() % 4 == 0 ? 2 + int(m_rng() % 3) : 1;
    QList<qint64> ids;
    for (int i = 0; i < count; ++i) {
        const qint64 id = pickRow(tableId);
        if (!ids.contains(id))
            ids.append(id);
    }
    m_ctx->ops->deleteRows(actor, tableId, ids);
}

void TrafficGenerator::moveRow(int tableId)
{
    const qint64 row = pickRow(tableId);
    if (!row)
        return;
    const Actor actor {pickActor(m_ctx->data->workspaceOfTable(tableId)), QString()};
    const qint64 before = m_rng() % 4 == 0 ? 0 : pickRow(tableId);
    m_ctx->ops->moveRow(actor, tableId, row, before == row ? 0 : before);
}

void TrafficGenerator::comment(int tableId)
{
    const qint64 row = pickRow(tableId);
    if (!row)
        return;
    const Actor actor {pickActor(m_ctx->data->workspaceOfTable(tableId)), QString()};
    SampleData sample(m_rng);
    m_ctx->ops->createRowComment(actor, tableId, row, sample.comment());
}

void TrafficGenerator::viewChange()
{
    // Collaborative, non-public views only: the public view's events are a separate channel.
    QList<int> ids;
    for (const SimView& v : std::as_const(m_ctx->data->views)) {
        if (!v.isPublic)
            ids.append(v.id);
    }
    if (ids.isEmpty())
        return;
    const int viewId = ids.at(qsizetype(m_rng() % quint64(ids.size())));
    SimView* view = m_ctx->data->view(viewId);
    const Actor actor {pickActor(m_ctx->data->workspaceOfTable(view->tableId)), QString()};
    const SimTable* table = m_ctx->data->table(view->tableId);
    switch (m_rng() % 3) {
    case 0:
        m_ctx->ops->updateView(actor, viewId, std::nullopt,
            view->filterType == QLatin1String("AND") ? QStringLiteral("OR") : QStringLiteral("AND"),
            std::nullopt);
        break;
    case 1: {
        const SimField& f = table->fields.at(qsizetype(m_rng() % quint64(table->fields.size())));
        SimFieldOptions o = view->fieldOptions.value(f.id);
        o.width = 100 + int(m_rng() % 21) * 10;
        m_ctx->ops->updateFieldOptions(actor, viewId, {{f.id, o}});
        break;
    }
    default: {
        auto it = m_temporaryFilters.find(viewId);
        if (it != m_temporaryFilters.end()) {
            m_ctx->ops->deleteViewFilter(actor, *it);
            m_temporaryFilters.erase(it);
        } else {
            const SimField* primary = table->primaryField();
            m_temporaryFilters.insert(viewId,
                m_ctx->ops->createViewFilter(
                    actor, viewId, primary->id, QStringLiteral("contains"), QStringLiteral("a")));
        }
    }
    }
}

void TrafficGenerator::fieldChange()
{
    const int tableId = pickRowTable();
    const SimTable* table = m_ctx->data->table(tableId);
    const Actor actor {pickActor(m_ctx->data->workspaceOfTable(tableId)), QString()};
    if (m_rng() % 2 == 0) {
        // A temporary field: created now, deleted next time.
        auto it = m_temporaryFields.find(tableId);
        if (it != m_temporaryFields.end() && table->field(*it)) {
            m_ctx->ops->deleteField(actor, *it);
            m_temporaryFields.erase(it);
        } else {
            SimField f;
            f.name = QStringLiteral("Temp %1").arg(m_ctx->data->nextFieldId);
            f.type = QStringLiteral("text");
            m_temporaryFields.insert(tableId, m_ctx->ops->createField(actor, tableId, f));
        }
        return;
    }
    // Rename back and forth; never the primary, never Customers' first five fields.
    QList<const SimField*> candidates;
    for (const SimField& f : table->fields) {
        if (!f.primary && !(tableId == kFirstTable && f.id <= 105)
            && f.id != m_temporaryFields.value(tableId))
            candidates.append(&f);
    }
    if (candidates.isEmpty())
        return;
    const SimField* f = candidates.at(qsizetype(m_rng() % quint64(candidates.size())));
    const QString suffix = QStringLiteral(" (renamed)");
    QString name = f->name;
    if (m_renamedFields.value(f->id)) {
        name.chop(suffix.size());
        m_renamedFields.remove(f->id);
    } else {
        name += suffix;
        m_renamedFields.insert(f->id, 1);
    }
    m_ctx->ops->updateField(actor, f->id, name);
}

void TrafficGenerator::renameChange()
{
    const QString suffix = QStringLiteral(" (archive)");
    if (m_rng() % 2 == 0) {
        const int tableId = pickRowTable();
        SimTable* t = m_ctx->data->table(tableId);
        const Actor actor {pickActor(m_ctx->data->workspaceOfTable(tableId)), QString()};
        const int key = tableId;
        if (m_originalNames.contains(key))
            m_ctx->ops->renameTable(actor, tableId, m_originalNames.take(key));
        else {
            m_originalNames.insert(key, t->name);
            m_ctx->ops->renameTable(actor, tableId, QString(t->name + suffix));
        }
        return;
    }
    QList<int> apps;
    for (const SimApplication& a : std::as_const(m_ctx->data->applications)) {
        if (a.minVersion <= m_ctx->versionCode())
            apps.append(a.id);
    }
    const int appId = apps.at(qsizetype(m_rng() % quint64(apps.size())));
    const SimApplication app = m_ctx->data->applications.value(appId);
    const Actor actor {pickActor(app.workspaceId), QString()};
    const int key = -appId;
    if (m_originalNames.contains(key))
        m_ctx->ops->renameApplication(actor, appId, m_originalNames.take(key));
    else {
        m_originalNames.insert(key, app.name);
        m_ctx->ops->renameApplication(actor, appId, QString(app.name + suffix));
    }
}

} // namespace bmon::sim
