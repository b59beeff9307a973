"""The statistics report as PDF (DESIGN §4 "Reports"): the same tables as the xlsx — T1 受理情况,
T2 诉求类别 × 问题类型, T3 办理情况 with the 交办督办 table, T5 互助 — and the 说明, on A4 landscape, in the
bundled CJK font embedded as a subset, with 「第 N 页 共 M 页」 at the foot of every page and
填表人 / 审核人 / 负责人 under the last table, so that it can be signed on paper.

Contract: ``write`` takes a computed ``StatisticsReport`` (no database), writes ``OUT.part`` and
renames it. Numbers are printed as on screen: counts plain, money ``¥1,234.50``, rates ``83.33%``,
「—」 for a zero denominator, 同比/环比 of a rate in percentage points.
"""
from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing, String
from reportlab.graphics.widgets.markers import makeMarker
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from app.domain.enums import IssueType
from app.domain.money import format_yuan
from app.domain.mutual_aid import Refusal
from app.domain.statistics import rate, show_rate, value_text
from app.domain.statistics import FIGURE_COLUMNS, FORMULAS, PeriodKind, figure_texts
from app.output.files import written_whole
from app.output.fonts import _load_font
from app.output.pdf_table import flow_table
from app.paths import bundled_font

from . import StatisticsReport, t1_intake, t5_mutual_aid
from .trend import Trend

HEAD = FIGURE_COLUMNS


def _font() -> str:
    return _load_font(str(bundled_font().resolve()))[0]


def _row(f, daily: bool) -> list[str]:
    return figure_texts(f, daily)


def _table(rows: list[list], font: str, widths=None, size: float = 9, bold_rows=()):
    return flow_table(rows, font, widths, size, shaded_rows=bold_rows)


_PALETTE = (colors.Color(0.27, 0.45, 0.77), colors.Color(0.93, 0.49, 0.19), colors.Color(0.65, 0.65, 0.65),
            colors.Color(1.0, 0.75, 0.0), colors.Color(0.36, 0.61, 0.84), colors.Color(0.44, 0.68, 0.28),
            colors.Color(0.15, 0.27, 0.47), colors.Color(0.6, 0.3, 0.5))


def _pie(report: StatisticsReport, font: str) -> Drawing:
    """受理渠道构成: T1's channel figures of the period."""
    d = Drawing(130 * mm, 70 * mm)
    d.add(String(0, 66 * mm, f"受理渠道构成（件/批，{report.period.label}）", fontName=font, fontSize=10))
    figs = [(t1_intake.TABLE.figure(k).label.split("（")[0], int(report.figure(k).current or 0))
            for k in t1_intake.CHANNEL_KEYS]
    shown = [(label, v) for label, v in figs if v]
    if not shown:
        d.add(String(10 * mm, 30 * mm, "本期无受理", fontName=font, fontSize=10))
        return d
    pie = Pie()
    pie.x, pie.y, pie.width, pie.height = 10 * mm, 5 * mm, 50 * mm, 50 * mm
    pie.data = [v for _l, v in shown]
    pie.simpleLabels = 1
    pie.labels = None              # small slices' labels would overlap: the legend names them
    for i in range(len(shown)):
        pie.slices[i].fillColor = _PALETTE[i % len(_PALETTE)]
    d.add(pie)
    total = sum(v for _l, v in shown)
    legend = Legend()
    legend.x, legend.y = 68 * mm, 52 * mm
    legend.fontName, legend.fontSize = font, 8
    legend.alignment = "right"
    legend.columnMaximum = 8
    legend.dx = legend.dy = 7
    legend.deltay = 12
    legend.colorNamePairs = [(_PALETTE[i % len(_PALETTE)], f"{label}  {v:,}（{show_rate(rate(v, total))}）")
                             for i, (label, v) in enumerate(shown)]
    d.add(legend)
    return d


def _trend(trend: Trend, font: str) -> Drawing:
    """近12个月受理量 (stacked by channel) and 办结率 (a line on its own 0–100 % scale)."""
    w, h = 260 * mm, 80 * mm
    d = Drawing(w, h)
    d.add(String(0, h - 4 * mm, "近12个月受理量和办结率", fontName=font, fontSize=10))
    labels = [p.label for p in trend.points]
    bars = VerticalBarChart()
    bars.x, bars.y, bars.width, bars.height = 15 * mm, 12 * mm, 150 * mm, h - 22 * mm
    bars.data = [[p.channels[k] for p in trend.points] for k, _label in trend.channels]
    bars.categoryAxis.style = "stacked"
    bars.categoryAxis.categoryNames = labels
    bars.categoryAxis.labels.fontName = font
    bars.categoryAxis.labels.fontSize = 6.5
    bars.valueAxis.labels.fontName = font
    bars.valueAxis.valueMin = 0
    bars.valueAxis.labels.fontSize = 7
    for i in range(len(trend.channels)):
        bars.bars[i].fillColor = _PALETTE[i % len(_PALETTE)]
    d.add(bars)
    legend = Legend()
    legend.x, legend.y = 170 * mm, h - 12 * mm
    legend.fontName, legend.fontSize = font, 7
    legend.alignment = "right"
    legend.columnMaximum = 8
    legend.dx = legend.dy = 6
    legend.colorNamePairs = [(_PALETTE[i % len(_PALETTE)], label) for i, (_k, label) in enumerate(trend.channels)]
    d.add(legend)
    line = HorizontalLineChart()
    line.x, line.y, line.width, line.height = 205 * mm, 12 * mm, 52 * mm, h - 30 * mm
    line.data = [[float(p.concluded_rate) if p.concluded_rate is not None else None for p in trend.points]]
    line.categoryAxis.categoryNames = [p.label[2:] for p in trend.points]
    line.categoryAxis.labels.fontName = font
    line.categoryAxis.labels.fontSize = 5.5
    line.categoryAxis.labels.angle = 45
    line.categoryAxis.labels.boxAnchor = "ne"
    line.valueAxis.valueMin, line.valueAxis.valueMax, line.valueAxis.valueStep = 0, 100, 25
    line.valueAxis.labels.fontName = font
    line.valueAxis.labels.fontSize = 7
    line.lines[0].strokeColor = _PALETTE[1]
    line.lines[0].symbol = makeMarker("Circle")
    d.add(line)
    d.add(String(200 * mm, h - 12 * mm, "办结率（%；无受理的月份不画点）", fontName=font, fontSize=8))
    return d


def write(path: str | os.PathLike, report: StatisticsReport, *, office: str = "",
          made_on: date | None = None, trend: Trend | None = None) -> Path:
    """Write the T1–T5 report PDF; ``made_on`` (制表日期) defaults to the report date; the trend
    (``trend``, else ``report.trend``) adds the 12-month chart after the channel mix."""
    path = Path(path)
    trend = trend if trend is not None else report.trend
    made_on = made_on or report.as_of
    font = _font()
    title = ParagraphStyle("title", fontName=font, fontSize=16, leading=22, alignment=1)
    body = ParagraphStyle("body", fontName=font, fontSize=9, leading=13, wordWrap="CJK")
    head = ParagraphStyle("head", fontName=font, fontSize=11, leading=16, spaceBefore=4, spaceAfter=4)
    small = ParagraphStyle("small", fontName=font, fontSize=6.5, leading=8, alignment=1)
    daily = report.kind is PeriodKind.DAY
    p = report.period
    info = (f"填报单位：{office}　　统计期间：{p.label}（{p.start.isoformat()} 至 {p.end.isoformat()}，"
            f"统计截止 {report.as_of.isoformat()}）　　制表日期：{made_on.isoformat()}")
    def make_story() -> list:
        """Fresh flowables for each pass (reportlab marks them while laying out)."""
        story = [Paragraph(f"信访帮扶统计报表（{report.kind.label}）", title), Spacer(1, 2 * mm),
                 Paragraph(info, body), Spacer(1, 3 * mm)]

        widths = [52 * mm] + [28 * mm] * 7
        rows = [list(HEAD)]
        for key in t1_intake.CHANNEL_KEYS + ("intake.total", "intake.visit_persons", "intake.group_visit_batches",
                                             "intake.group_visit_persons", "intake.repeats",
                                             "intake.outreach_events"):
            rows.append(_row(report.figure(key), daily))
        story += [Paragraph("表一　受理情况", head), _table(rows, font, widths, bold_rows=(8,))]
        if report.by_street:
            rows = [["街道", "合计（件/批）"]] + [[b.label, f"{b.figures['intake.total']:,}"]
                                                for b in report.by_street]
            story += [Spacer(1, 3 * mm), _table(rows, font, [52 * mm, 28 * mm])]

        story += [PageBreak(), Paragraph("图表", head), _pie(report, font)]
        if trend is not None:
            story += [Spacer(1, 4 * mm), _trend(trend, font)]

        story += [PageBreak(), Paragraph("表二　诉求类别 × 问题类型（件）", head)]
        issues = tuple(IssueType)
        rows = [[Paragraph("诉求类别", small), Paragraph("件数", small)]
                + [Paragraph(t.label, small) for t in issues]]
        for r in report.categories:
            rows.append([r.label, f"{r.figure.current:,}"] + [f"{r.cells[t.value]:,}" for t in issues])
        rows.append(["合计", f"{sum(r.figure.current for r in report.categories):,}"]
                    + [f"{report.issue_totals[t.value]:,}" for t in issues])
        cw = (277 * mm - 40 * mm - 16 * mm) / len(issues)
        story.append(_table(rows, font, [24 * mm, 16 * mm] + [cw] * len(issues), size=7,
                            bold_rows=(len(rows) - 1,)))

        story += [PageBreak(), Paragraph("表三　办理情况", head)]
        rows = [list(HEAD)] + [_row(f, daily) for f in report.handling]
        story.append(_table(rows, font, widths))
        for name, group in (("承办人", report.by_handler), ("下级工会", report.by_lower_union)):
            rows = [[name, "交办件数", "按期反馈", "超期件数"]]
            rows += [[b.label, f"{b.figures['handling.assigned']:,}", f"{b.figures['handling.fed_back_on_time']:,}",
                      f"{b.figures['handling.overdue']:,}"] for b in group]
            story += [Spacer(1, 3 * mm), Paragraph(f"交办督办：{name}", head),
                      _table(rows, font, [52 * mm, 28 * mm, 28 * mm, 28 * mm])]
        story += [PageBreak(), Paragraph("表四　帮扶", head)]
        story.append(_table([list(HEAD)] + [_row(f, daily) for f in report.hardship], font, widths))
        rows = [["资金来源", "期初", "拨入", "支出", "期末"]]
        rows += [[x.fund, format_yuan(x.opening), format_yuan(x.allocated), format_yuan(x.paid),
                  format_yuan(x.closing)] for x in report.funds]
        story += [Spacer(1, 3 * mm), Paragraph("帮扶资金（期初 + 拨入 − 支出 = 期末）", head),
                  _table(rows, font, [52 * mm] + [36 * mm] * 4)]
        if report.mutual_aid is not None:
            t5 = report.mutual_aid
            story += [PageBreak(), Paragraph("表五　互助", head)]
            story.append(_table([list(HEAD)] + [_row(f, daily) for f in t5.totals], font, widths))
            keys = t5_mutual_aid.KEYS
            rows = [[Paragraph(h, small) for h in ("计划", "年度", *(t5_mutual_aid.LABELS[k] for k in keys),
                                                   "赔付率")]]
            for r in t5.plans:
                rows.append([f"{r.code} {r.name}", str(r.year)]
                            + [value_text(r.figures[k], t5_mutual_aid.UNITS[k]) for k in keys]
                            + [show_rate(r.payout_rate)])
            rows.append(["合计", ""] + [value_text(t5.figure(k).current, t5_mutual_aid.UNITS[k]) for k in keys]
                        + [show_rate(t5.figure("mutual_aid.payout_rate").current)])
            cw = (277 * mm - 60 * mm - 14 * mm) / (len(keys) + 1)
            story += [Spacer(1, 3 * mm), Paragraph("按计划", head),
                      _table(rows, font, [60 * mm, 14 * mm] + [cw] * (len(keys) + 1), size=7.5,
                             bold_rows=(len(rows) - 1,))]
            if t5.refusals:
                rows = [["不予给付原因", "件数"]] + [[Refusal.label_of(c), f"{n:,}"] for c, n in t5.refusals.items()]
                story += [Spacer(1, 3 * mm), _table(rows, font, [52 * mm, 28 * mm])]
        sign = Table([["填表人：", "", "审核人：", "", "负责人：", ""]],
                     colWidths=[18 * mm, 50 * mm, 18 * mm, 50 * mm, 18 * mm, 50 * mm])
        sign.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), font, 10),
                                  ("LINEBELOW", (1, 0), (1, 0), 0.5, colors.black),
                                  ("LINEBELOW", (3, 0), (3, 0), 0.5, colors.black),
                                  ("LINEBELOW", (5, 0), (5, 0), 0.5, colors.black)]))
        story += [Spacer(1, 10 * mm), sign]
        story += [PageBreak(), Paragraph("说明", head)]
        story += [Paragraph(f"{name}：{text}", body) for name, text in FORMULAS]
        return story

    pages: list[int] = []

    def foot(canvas, doc) -> None:
        pages.append(doc.page)
        canvas.saveState()
        canvas.setFont(font, 9)
        total = getattr(doc, "_ud_total", None)
        text = f"第 {doc.page} 页" + (f" 共 {total} 页" if total else "")
        canvas.drawCentredString(landscape(A4)[0] / 2, 10 * mm, text)
        canvas.restoreState()

    def build(target) -> None:
        doc = SimpleDocTemplate(str(target), pagesize=landscape(A4), leftMargin=10 * mm,
                                rightMargin=10 * mm, topMargin=12 * mm, bottomMargin=16 * mm,
                                title=f"信访帮扶统计报表 {p.label}", author=office or "UnionDesk")
        doc._ud_total = max(pages) if pages else None
        doc.build(make_story(), onFirstPage=foot, onLaterPages=foot)

    with written_whole(path) as part:
        build(part)            # first pass counts the pages, the second prints 「共 M 页」
        build(part)
    return path
