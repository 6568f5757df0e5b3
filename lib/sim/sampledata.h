// SPDX-License-Identifier: MIT
#pragma once

#include "sim/pyjson.h"

#include <random>

namespace bmon::sim {

struct SimField;
struct SimTable;

//! Plausible cell values (company and person names, seats, amounts, dates, notes) in the stored
//! cell form of SimRow, drawn from the caller's PRNG so sequences are reproducible.
class SampleData
{
public:
    explicit SampleData(std::mt19937_64& rng) : m_rng(rng) { }

    //! The seeded value of \a field for row number \a index (1-based) of \a table.
    PyValue value(const SimTable& table, const SimField& field, int index);
    //! A fresh random value for an update or a created row (never for link_row fields).
    PyValue randomValue(const SimTable& table, const SimField& field);
    //! A short comment sentence.
    QString comment();

    int uniform(int lo, int hi); //!< inclusive
    double unit(); //!< [0, 1)

private:
    QString companyName(int index);
    QString personName();
    QString sentence();
    QString date(int yearFrom, int yearTo);

    std::mt19937_64& m_rng;
};

} // namespace bmon::sim
