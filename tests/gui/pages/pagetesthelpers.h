// SPDX-License-Identifier: MIT
#pragma once
// Shared by the page tests: a demo Session on the real simulator, and model helpers.

#include "net/connection.h"
#include "session.h"
#include "sim/simulator.h"

#include <QAbstractItemModel>
#include <QStringList>

#include <functional>

namespace bmon::pagetest {

//! Simulator options for fast, reproducible tests.
inline sim::SimulatorOptions demoOptions(double rate = 30)
{
    sim::SimulatorOptions o;
    o.rate = rate;
    o.seed = 4242;
    return o;
}

inline bool isLive(const Session& session)
{
    return session.connection() && session.connection()->state() == Connection::State::Live;
}

//! Column \a column of every row of a flat model.
inline QStringList columnTexts(const QAbstractItemModel* model, int column)
{
    QStringList out;
    for (int r = 0; r < model->rowCount(); ++r)
        out << model->index(r, column).data().toString();
    return out;
}

//! The first row whose \a column text satisfies \a pred, or -1.
inline int findRow(
    const QAbstractItemModel* model, int column, const std::function<bool(const QString&)>& pred)
{
    for (int r = 0; r < model->rowCount(); ++r) {
        if (pred(model->index(r, column).data().toString()))
            return r;
    }
    return -1;
}

inline int findRowWithRole(const QAbstractItemModel* model, int role, const QVariant& value, int from = 0)
{
    for (int r = from; r < model->rowCount(); ++r) {
        if (model->index(r, 0).data(role) == value)
            return r;
    }
    return -1;
}

} // namespace bmon::pagetest
