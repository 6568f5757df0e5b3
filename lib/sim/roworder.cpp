// SPDX-License-Identifier: MIT
#include "sim/roworder.h"

namespace bmon::sim {

namespace {
using I128 = RowOrder::Scaled;
constexpr I128 kScale = I128(100000000000000000LL) * 1000; // 1e20

struct Fraction
{
    I128 num;
    I128 den;
};

// Simplest fraction p/q (smallest q) with a/b < p/q < c/d, all non-negative, a/b < c/d.
// Classic continued-fraction recursion; depth is logarithmic in the denominators.
std::optional<Fraction> simplest(I128 a, I128 b, I128 c, I128 d, int depth = 0)
{
    if (depth > 200 || b <= 0 || d <= 0)
        return std::nullopt;
    const I128 fl = a / b;
    // An integer strictly inside the interval: fl + 1 (a/b >= fl so fl+1 > a/b).
    if ((fl + 1) * d < c)
        return Fraction {fl + 1, 1};
    // Both ends in [fl, fl + 1]: recurse on the reciprocals of the fractional parts.
    const I128 an = a - fl * b; // a/b - fl = an/b, in [0,1)
    const I128 cn = c - fl * d; // c/d - fl = cn/d, in (0,1]
    std::optional<Fraction> inner;
    if (an == 0) {
        // Interval (0, cn/d): the simplest is 1/(floor(d/cn) + 1).
        inner = Fraction {d / cn + 1, 1};
    } else {
        inner = simplest(d, cn, b, an, depth + 1); // (1/(cn/d), 1/(an/b))
    }
    if (!inner || inner->num == 0)
        return std::nullopt;
    // fl + 1/(num/den) = fl + den/num
    return Fraction {fl * inner->num + inner->den, inner->num};
}
} // namespace

RowOrder RowOrder::fromInt(qint64 whole)
{
    RowOrder o;
    o.m_scaled = I128(whole) * kScale;
    return o;
}

std::optional<RowOrder> RowOrder::simplestBetween(RowOrder low, RowOrder high)
{
    if (!(low < high) || low.m_scaled < 0)
        return std::nullopt;
    // Search one unit (1e-20) inside each end: the fraction, rounded to 20 decimals, then still
    // lies strictly between the stored orders (11/6 would otherwise round onto 1.8333…).
    if (high.m_scaled - low.m_scaled < 3)
        return std::nullopt;
    const auto f = simplest(low.m_scaled + 1, kScale, high.m_scaled - 1, kScale);
    if (!f || f->den > kScale)
        return std::nullopt;
    // Round half to even at 20 decimals, like Decimal.quantize.
    const I128 whole = f->num / f->den;
    const I128 rem = f->num % f->den;
    I128 frac = rem * kScale / f->den;
    const I128 remainder2 = (rem * kScale) % f->den * 2;
    if (remainder2 > f->den || (remainder2 == f->den && (frac & 1)))
        ++frac;
    RowOrder o;
    o.m_scaled = whole * kScale + frac;
    if (!(low < o) || !(o < high))
        return std::nullopt;
    return o;
}

qint64 RowOrder::floorInt() const
{
    return qint64(m_scaled / kScale);
}

QString RowOrder::toString() const
{
    I128 v = m_scaled;
    const bool negative = v < 0;
    if (negative)
        v = -v;
    const I128 whole = v / kScale;
    I128 frac = v % kScale;
    char fracDigits[21];
    for (int i = 19; i >= 0; --i) {
        fracDigits[i] = char('0' + int(frac % 10));
        frac /= 10;
    }
    fracDigits[20] = 0;
    QString s = QString::number(qint64(whole)) + u'.' + QLatin1String(fracDigits, 20);
    if (negative)
        s.prepend(u'-');
    return s;
}

} // namespace bmon::sim
