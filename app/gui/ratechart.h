// SPDX-License-Identifier: MIT
#pragma once

#include <QList>
#include <QWidget>

namespace bmon {

/*!
 * Events/s and bytes/s over the last minutes, painted by hand (no QtCharts): events as a filled
 * area on the left axis, bytes as a line on the right axis, newest second at the right edge.
 */
class RateChart : public QWidget
{
    Q_OBJECT
public:
    explicit RateChart(QWidget* parent = nullptr);

    //! Per-second series, oldest first, equally long (missing seconds are 0).
    void setSeries(const QList<quint32>& events, const QList<quint64>& bytes);
    QList<quint32> events() const { return m_events; }
    QList<quint64> bytes() const { return m_bytes; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QList<quint32> m_events;
    QList<quint64> m_bytes;
};

} // namespace bmon
