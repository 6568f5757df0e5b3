// SPDX-License-Identifier: MIT
#include "ratechart.h"

#include <QLocale>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace bmon {

namespace {

//! A "nice" axis maximum at or above \a v: 1, 2, 5 × 10^n.
double niceCeiling(double v)
{
    if (v <= 1)
        return 1;
    const double p = std::pow(10.0, std::floor(std::log10(v)));
    for (double m : {1.0, 2.0, 5.0, 10.0}) {
        if (v <= m * p)
            return m * p;
    }
    return 10 * p;
}

QString bytesLabel(double bytes)
{
    return QLocale().formattedDataSize(qint64(bytes), 0, QLocale::DataSizeTraditionalFormat);
}

} // namespace

RateChart::RateChart(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("rateChart"));
    setAttribute(Qt::WA_OpaquePaintEvent);
    setToolTip(tr("Events per second (area, left axis) and bytes per second (line, right axis)"));
}

void RateChart::setSeries(const QList<quint32>& events, const QList<quint64>& bytes)
{
    m_events = events;
    m_bytes = bytes;
    update();
}

QSize RateChart::sizeHint() const
{
    return {420, 180};
}

QSize RateChart::minimumSizeHint() const
{
    return {200, 100};
}

void RateChart::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QPalette pal = palette();
    p.fillRect(rect(), pal.color(QPalette::Base));

    const QFontMetrics fm(font());
    const int n = int(qMax(m_events.size(), m_bytes.size()));
    const double maxEvents
        = niceCeiling(m_events.isEmpty() ? 0 : *std::max_element(m_events.begin(), m_events.end()));
    const double maxBytes
        = niceCeiling(m_bytes.isEmpty() ? 0 : double(*std::max_element(m_bytes.begin(), m_bytes.end())));
    const QString leftTop = QLocale().toString(maxEvents, 'f', 0);
    const QString rightTop = bytesLabel(maxBytes);
    const int left = fm.horizontalAdvance(leftTop) + 10;
    const int right = fm.horizontalAdvance(rightTop) + 10;
    const int top = fm.height() + 8;
    const int bottom = fm.height() + 6;
    const QRectF plot(left, top, qMax(10, width() - left - right), qMax(10, height() - top - bottom));

    const QColor textColor = pal.color(QPalette::Text);
    QColor grid = pal.color(QPalette::Mid);
    grid.setAlpha(110);
    const QColor eventsColor = pal.color(QPalette::Highlight);
    const QColor bytesColor(0xe0, 0x8a, 0x1e);

    // Grid and axes.
    p.setPen(QPen(grid, 1, Qt::DotLine));
    for (int i = 0; i <= 4; ++i) {
        const double y = plot.top() + plot.height() * i / 4.0;
        p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y));
    }
    p.setPen(textColor);
    p.drawText(QRectF(0, plot.top() - fm.height() / 2.0, left - 4, fm.height()),
        Qt::AlignRight | Qt::AlignVCenter, leftTop);
    p.drawText(QRectF(0, plot.bottom() - fm.height() / 2.0, left - 4, fm.height()),
        Qt::AlignRight | Qt::AlignVCenter, QStringLiteral("0"));
    p.setPen(bytesColor);
    p.drawText(QRectF(plot.right() + 4, plot.top() - fm.height() / 2.0, right - 4, fm.height()),
        Qt::AlignLeft | Qt::AlignVCenter, rightTop);
    p.setPen(textColor);
    if (n > 1) {
        const int minutes = n / 60;
        const QString span = minutes >= 1 ? tr("−%n min", nullptr, minutes) : tr("−%n s", nullptr, n);
        p.drawText(QRectF(plot.left(), plot.bottom() + 2, plot.width(), fm.height()),
            Qt::AlignLeft | Qt::AlignTop, span);
        p.drawText(QRectF(plot.left(), plot.bottom() + 2, plot.width(), fm.height()),
            Qt::AlignRight | Qt::AlignTop, tr("now"));
    }

    // Legend.
    int x = left;
    const int ly = 4;
    p.fillRect(QRectF(x, ly + fm.ascent() / 2.0 - 4, 10, 8), eventsColor);
    x += 14;
    p.setPen(textColor);
    const QString eventsLabel = tr("events/s");
    p.drawText(QPointF(x, ly + fm.ascent()), eventsLabel);
    x += fm.horizontalAdvance(eventsLabel) + 16;
    p.setPen(QPen(bytesColor, 2));
    p.drawLine(QPointF(x, ly + fm.ascent() / 2.0), QPointF(x + 12, ly + fm.ascent() / 2.0));
    x += 16;
    p.setPen(textColor);
    p.drawText(QPointF(x, ly + fm.ascent()), tr("bytes/s"));

    if (n < 2)
        return;
    auto xAt = [&](int i) { return plot.left() + plot.width() * i / double(n - 1); };

    // Events: a filled area.
    QPainterPath area;
    area.moveTo(plot.left(), plot.bottom());
    for (int i = 0; i < n; ++i) {
        const double v = i < m_events.size() ? m_events[i] : 0;
        area.lineTo(xAt(i), plot.bottom() - plot.height() * v / maxEvents);
    }
    area.lineTo(plot.right(), plot.bottom());
    area.closeSubpath();
    QColor fill = eventsColor;
    fill.setAlpha(90);
    p.fillPath(area, fill);
    p.setPen(QPen(eventsColor, 1.2));
    p.drawPath(area);

    // Bytes: a line.
    QPainterPath line;
    for (int i = 0; i < n; ++i) {
        const double v = i < m_bytes.size() ? double(m_bytes[i]) : 0;
        const QPointF pt(xAt(i), plot.bottom() - plot.height() * v / maxBytes);
        if (i == 0)
            line.moveTo(pt);
        else
            line.lineTo(pt);
    }
    p.setPen(QPen(bytesColor, 1.6));
    p.drawPath(line);
}

} // namespace bmon
