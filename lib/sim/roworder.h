// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

#include <optional>

namespace bmon::sim {

/*!
 * Baserow's row order: a Decimal(40, 20), written with exactly 20 decimals
 * ("2.50000000000000000000"). Kept as a fixed-point 128-bit integer.
 */
class RowOrder
{
public:
    __extension__ typedef __int128 Scaled; // GCC/Clang extension; exact for 20 decimals

    RowOrder() = default;
    static RowOrder fromInt(qint64 whole);
    //! The order with the smallest denominator strictly between \a low and \a high (Baserow's
    //! fractional ordering), rounded to 20 decimals; nullopt when the gap is too narrow.
    static std::optional<RowOrder> simplestBetween(RowOrder low, RowOrder high);

    QString toString() const;
    qint64 floorInt() const;
    Scaled scaled() const { return m_scaled; }

    friend bool operator==(RowOrder a, RowOrder b) { return a.m_scaled == b.m_scaled; }
    friend bool operator<(RowOrder a, RowOrder b) { return a.m_scaled < b.m_scaled; }
    friend bool operator<=(RowOrder a, RowOrder b) { return a.m_scaled <= b.m_scaled; }

private:
    Scaled m_scaled = 0;
};

} // namespace bmon::sim
