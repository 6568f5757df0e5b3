// SPDX-License-Identifier: MIT
#pragma once

#include "sim/simoperations.h"

#include <QHash>
#include <QObject>

#include <random>

namespace bmon::sim {

struct SimContext;

/*!
 * Simulated collaborators: `rate` events per second in total (a ~20 ms tick emitting rate × dt
 * events, carrying the fraction), acting through SimOperations exactly like REST requests,
 * never as the logged-in member and without a WebSocketId. Half of the row actions hit the
 * first table (CRM → Customers). Every choice comes from a PRNG seeded by the run's seed.
 */
class TrafficGenerator : public QObject
{
    Q_OBJECT
public:
    TrafficGenerator(SimContext* ctx, quint64 seed, QObject* parent = nullptr);
    ~TrafficGenerator() override;

    void setRate(double eventsPerSecond);
    double rate() const { return m_rate; }
    void start();
    void stop();

    //! One generated action (a mix of row, view, field, table and comment changes).
    void step();
    //! One row event (create, update or delete) on the first table, for bursts.
    void rowEvent();
    //! A realistic update of one row by a random collaborator.
    void updateRow(int tableId, qint64 rowId);

private:
    void tick();
    int pickActor(int workspaceId);
    int pickRowTable();
    qint64 pickRow(int tableId);
    CellValues randomCells(int tableId, int fieldCount);
    void createRows(int tableId);
    void deleteRows(int tableId);
    void updateRows(int tableId, int count);
    void moveRow(int tableId);
    void comment(int tableId);
    void viewChange();
    void fieldChange();
    void renameChange();

    SimContext* m_ctx;
    std::mt19937_64 m_rng;
    double m_rate = 0;
    double m_budget = 0;
    qint64 m_lastTickMs = 0;
    quint64 m_timer = 0;
    bool m_running = false;
    QHash<int, int> m_renamedFields; //!< field id → 1 when renamed (rename back next time)
    QHash<int, int> m_temporaryFields; //!< table id → temporary field id
    QHash<int, int> m_temporaryFilters; //!< view id → filter id
    QHash<int, QString> m_originalNames; //!< table/application renames: id → original name
};

} // namespace bmon::sim
