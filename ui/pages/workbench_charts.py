"""The 工作台 charts (QtCharts): the last 12 months of 受理量 by channel (stacked columns) with 办结率
(a line on its own 0–100 % axis), and this month against last by channel (horizontal bars, so the
channel names are read whole at 1366×768; month labels are short, 「1月」, and the legends sit below). They draw a
``statistics.trend.Trend`` read off the GUI thread (``ui.operations.statistics.load_trend``); the
workbench imports this module only when the numbers arrive, so QtCharts does not slow the first paint.
"""
from __future__ import annotations

from PySide6.QtCharts import (QBarCategoryAxis, QBarSet, QChart, QChartView, QLineSeries,
                              QHorizontalBarSeries, QStackedBarSeries, QValueAxis)
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QHBoxLayout, QWidget

CHART_HEIGHT = 250


def _view(chart: QChart, small: QFont) -> QChartView:
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    chart.legend().setFont(small)
    chart.setMargins(chart.margins() * 0)
    view = QChartView(chart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(CHART_HEIGHT)
    view.setMaximumHeight(CHART_HEIGHT)
    return view


class WorkbenchCharts(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.trend = None
        self.trend_bars = QStackedBarSeries()
        self.rate_line = QLineSeries()
        self.rate_line.setName("办结率（%）")
        pen = QPen(QColor("#b22222"))
        pen.setWidth(2)
        self.rate_line.setPen(pen)
        self.month_bars = QHorizontalBarSeries()

        self.trend_chart = QChart()
        self.trend_chart.setTitle("近12个月受理量（件/批）和办结率")
        self.trend_chart.addSeries(self.trend_bars)
        self.trend_chart.addSeries(self.rate_line)
        self.months_axis = QBarCategoryAxis()
        small = QFont(self.font())
        small.setPointSizeF(max(6.0, small.pointSizeF() * 0.75))
        self.months_axis.setLabelsFont(small)
        self.count_axis = QValueAxis()
        self.count_axis.setLabelFormat("%d")
        self.rate_axis = QValueAxis()
        self.rate_axis.setRange(0, 100)
        self.rate_axis.setLabelFormat("%d%%")
        self.trend_chart.addAxis(self.months_axis, Qt.AlignmentFlag.AlignBottom)
        self.trend_chart.addAxis(self.count_axis, Qt.AlignmentFlag.AlignLeft)
        self.trend_chart.addAxis(self.rate_axis, Qt.AlignmentFlag.AlignRight)
        for s, axes in ((self.trend_bars, (self.months_axis, self.count_axis)),
                        (self.rate_line, (self.months_axis, self.rate_axis))):
            for a in axes:
                s.attachAxis(a)

        self.month_chart = QChart()
        self.month_chart.setTitle("本月与上月受理量（件/批）")
        self.month_chart.addSeries(self.month_bars)
        self.channel_axis = QBarCategoryAxis()
        self.channel_axis.setLabelsFont(small)
        self.month_count_axis = QValueAxis()
        self.month_count_axis.setLabelFormat("%d")
        self.month_count_axis.setLabelsFont(small)
        self.month_chart.addAxis(self.channel_axis, Qt.AlignmentFlag.AlignLeft)
        self.month_chart.addAxis(self.month_count_axis, Qt.AlignmentFlag.AlignBottom)
        self.month_bars.attachAxis(self.channel_axis)
        self.month_bars.attachAxis(self.month_count_axis)

        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        for a in (self.count_axis, self.rate_axis):
            a.setLabelsFont(small)
        lay.addWidget(_view(self.trend_chart, small), 3)
        lay.addWidget(_view(self.month_chart, small), 2)

    def show_trend(self, trend) -> None:
        self.trend = trend
        points = trend.points
        self.trend_bars.clear()
        for key, label in trend.channels:
            bar = QBarSet(label)
            bar.append([float(p.channels[key]) for p in points])
            self.trend_bars.append(bar)
        self.months_axis.clear()
        self.months_axis.append([f"{p.month.month}月" for p in points])
        # a month without cases has no 办结率 (「—」): no point is drawn for it
        self.rate_line.replace([QPointF(i, float(p.concluded_rate)) for i, p in enumerate(points)
                                if p.concluded_rate is not None])
        top = max([p.total for p in points] + [1])
        self.count_axis.setRange(0, top)
        self.count_axis.applyNiceNumbers()

        self.month_bars.clear()
        last, this = points[-2], points[-1]
        for name, p in (("上月", last), ("本月", this)):
            bar = QBarSet(f"{name}（{p.label}）")
            bar.append([float(p.channels[k]) for k, _label in reversed(trend.channels)])
            self.month_bars.append(bar)
        self.channel_axis.clear()
        # top to bottom in the trend legend's order (a horizontal axis lists its first category lowest)
        self.channel_axis.append([label for _k, label in reversed(trend.channels)])
        top = max([v for p in (last, this) for v in p.channels.values()] + [1])
        self.month_count_axis.setRange(0, top)
        self.month_count_axis.applyNiceNumbers()

    # ------------------------------------------------------------ what is drawn (tests)
    def trend_values(self) -> dict[str, list[float]]:
        return {s.label(): [s.at(i) for i in range(s.count())] for s in self.trend_bars.barSets()}

    def rate_points(self) -> list[tuple[float, float]]:
        return [(p.x(), p.y()) for p in self.rate_line.points()]

    def month_values(self) -> dict[str, list[float]]:
        """Per month, the values in the trend's channel order."""
        return {s.label(): [s.at(i) for i in range(s.count())][::-1] for s in self.month_bars.barSets()}
