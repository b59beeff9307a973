"""The statistics report as xlsx (DESIGN §4 "Reports"): one sheet per table (T1 受理情况, T2 诉求类别 ×
问题类型, T3 办理情况, T4 帮扶 with the funds' ledger, its 期末 a formula, T5 互助) and a 说明 sheet with
each figure's formula.

Layout of a table sheet: row 1 the merged title; row 2 填报单位 / 统计期间 / 制表日期; row 3 the column
headers (frozen with the first column); the figures from row 4; the foot 填表人 / 审核人 / 负责人 two
rows below the last. Counts are numbers, money a number of yuan (``¥#,##0.00``), a percentage the
number 0.8333 formatted ``0.00%`` (「—」 text for a zero denominator); every 合计 is a SUM formula
over the rows it adds (T1: the channels in 件/批, never 人次 or repeats). A4 landscape, fit to width.

Contract: ``write`` takes a computed ``StatisticsReport`` (no database), writes ``OUT.part`` and
renames it, so a failure leaves no half-written file.
"""
from __future__ import annotations

import os
from datetime import date
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, PieChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from app.db import Database
from app.domain.enums import IssueType
from app.domain.mutual_aid import Refusal
from app.domain.money import to_decimal
from app.output.files import written_whole
from app.domain.statistics import DASH, FORMULAS, Figure, PeriodKind, Unit

from . import StatisticsReport, t1_intake, t5_mutual_aid
from .trend import Trend

PERCENT = "0.00%"
MONEY = '"¥"#,##0.00'
POINTS = '0.00"个百分点"'
HEAD = ("项目", "本期", "占比", "上年同期", "同比", "上期", "环比", "本年累计")
_FILL = PatternFill("solid", fgColor="DDDDDD")
_THIN = Side(style="thin", color="888888")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
FIRST = 4   # first data row
TOP_EMPLOYERS = 20


def office_name(db: Database) -> str:
    from app.services import settings
    return settings.get(db, "office.name") or ""


def _number(cell, value, unit: Unit) -> None:
    if value is None:
        cell.value = DASH
        cell.alignment = Alignment(horizontal="center")
    elif unit is Unit.MONEY:
        cell.value = float(to_decimal(int(value)))
        cell.number_format = MONEY
    elif unit is Unit.RATE:
        _percent(cell, value)
    else:
        cell.value = int(value)


def _percent(cell, value: Decimal | None) -> None:
    if value is None:
        cell.value = DASH
        cell.alignment = Alignment(horizontal="center")
    else:
        cell.value = float(Decimal(value) / 100)
        cell.number_format = PERCENT


def _sheet(wb: Workbook, title: str, heading: str, report: StatisticsReport, office: str,
           made_on: date, headers: tuple[str, ...]):
    ws = wb.create_sheet(title)
    n = len(headers)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=n)
    ws.cell(1, 1, heading).font = Font(bold=True, size=16)
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    ws.row_dimensions[1].height = 28
    ws.cell(2, 1, f"填报单位：{office}")
    third = max(2, n // 3 + 1)
    ws.cell(2, third, f"统计期间：{report.period.label}（{report.period.start.isoformat()} 至 "
                      f"{report.period.end.isoformat()}，统计截止 {report.as_of.isoformat()}）")
    ws.cell(2, max(third + 1, n - 1), f"制表日期：{made_on.isoformat()}")
    for i, h in enumerate(headers, start=1):
        c = ws.cell(3, i, h)
        c.font = Font(bold=True)
        c.fill = _FILL
        c.border = _BOX
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.column_dimensions["A"].width = 22
    for i in range(2, n + 1):
        ws.column_dimensions[get_column_letter(i)].width = 12
    ws.freeze_panes = "B4"
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    return ws


def _foot(ws, row: int) -> None:
    ws.cell(row + 2, 1, "填表人：")
    ws.cell(row + 2, 3, "审核人：")
    ws.cell(row + 2, 6, "负责人：")


def _figure_row(ws, row: int, f: Figure, label: str | None = None, daily: bool = False) -> None:
    ws.cell(row, 1, label or f.label).border = _BOX
    values = (f.current, f.share, f.last_year, f.yoy, f.previous, f.mom, f.ytd)
    for col, v in enumerate(values, start=2):
        cell = ws.cell(row, col)
        cell.border = _BOX
        if col in (3, 5, 7):    # 占比, 同比, 环比: percentages
            if col == 3 and f.unit is not Unit.COUNT:
                continue
            if daily and col in (5, 7):
                cell.value = DASH
                continue
            if f.unit is Unit.RATE and v is not None:   # 同比/环比 of a rate: percentage points
                cell.value = float(v)
                cell.number_format = POINTS
                continue
            _percent(cell, v)
        else:
            _number(cell, v, f.unit)


def _t1(wb, report, office, made_on) -> None:
    ws = _sheet(wb, "T1受理情况", f"信访受理情况统计表（{report.kind.label}）", report, office, made_on, HEAD)
    daily = report.kind is PeriodKind.DAY
    row = FIRST
    for key in t1_intake.CHANNEL_KEYS:
        _figure_row(ws, row, report.figure(key), daily=daily)
        row += 1
    last = row - 1
    total = report.figure("intake.total")
    _figure_row(ws, row, total, daily=daily)
    for col in (2, 4, 6, 8):
        L = get_column_letter(col)
        ws.cell(row, col, f"=SUM({L}{FIRST}:{L}{last})")
    ws.cell(row, 1).font = Font(bold=True)
    row += 1
    for key in ("intake.visit_persons", "intake.group_visit_batches", "intake.group_visit_persons",
                "intake.repeats", "intake.outreach_events"):
        _figure_row(ws, row, report.figure(key), daily=daily)
        row += 1
    row += 1
    ws.cell(row, 1, f"按单位（合计，件/批，前{TOP_EMPLOYERS}名）").font = Font(bold=True)
    row += 1
    for b in report.by_employer[:TOP_EMPLOYERS]:
        ws.cell(row, 1, b.label)
        ws.cell(row, 2, b.figures["intake.total"])
        row += 1
    row += 1
    ws.cell(row, 1, "按行业（合计，件/批）").font = Font(bold=True)
    row += 1
    for b in report.by_industry:
        ws.cell(row, 1, b.label)
        ws.cell(row, 2, b.figures["intake.total"])
        row += 1
    row += 1
    ws.cell(row, 1, "按街道（合计，件/批）").font = Font(bold=True)
    row += 1
    for b in report.by_street:
        ws.cell(row, 1, b.label)
        ws.cell(row, 2, b.figures["intake.total"])
        row += 1
    _foot(ws, row)


def _t2(wb, report, office, made_on) -> None:
    issues = tuple(IssueType)
    headers = ("诉求类别", "件数", "占比", "上年同期", "同比", "上期", "环比", "本年累计") + tuple(
        t.label for t in issues)
    ws = _sheet(wb, "T2诉求类别×问题类型", f"信访诉求类别和问题类型统计表（{report.kind.label}）", report,
                office, made_on, headers)
    daily = report.kind is PeriodKind.DAY
    row = FIRST
    for r in report.categories:
        _figure_row(ws, row, r.figure, daily=daily)
        for j, t in enumerate(issues, start=9):
            ws.cell(row, j, r.cells[t.value]).border = _BOX
        row += 1
    last = row - 1
    ws.cell(row, 1, "合计").font = Font(bold=True)
    for col in [2, 4, 6, 8] + list(range(9, 9 + len(issues))):
        L = get_column_letter(col)
        ws.cell(row, col, f"=SUM({L}{FIRST}:{L}{last})").border = _BOX
    _foot(ws, row)


def _t3(wb, report, office, made_on) -> None:
    ws = _sheet(wb, "T3办理情况", f"信访办理情况统计表（{report.kind.label}）", report, office, made_on, HEAD)
    daily = report.kind is PeriodKind.DAY
    row = FIRST
    for f in report.handling:
        _figure_row(ws, row, f, daily=daily)
        row += 1
    for title, rows in (("交办督办：承办人", report.by_handler), ("交办督办：下级工会", report.by_lower_union)):
        row += 1
        for i, h in enumerate((title, "交办件数", "按期反馈", "超期件数"), start=1):
            c = ws.cell(row, i, h)
            c.font = Font(bold=True)
            c.fill = _FILL
        row += 1
        first = row
        for b in rows:
            ws.cell(row, 1, b.label)
            ws.cell(row, 2, b.figures["handling.assigned"])
            ws.cell(row, 3, b.figures["handling.fed_back_on_time"])
            ws.cell(row, 4, b.figures["handling.overdue"])
            row += 1
        ws.cell(row, 1, "合计").font = Font(bold=True)
        for col in (2, 3, 4):
            L = get_column_letter(col)
            ws.cell(row, col, f"=SUM({L}{first}:{L}{row - 1})" if rows else 0)
        row += 1
    _foot(ws, row)


def _t4(wb, report, office, made_on) -> None:
    ws = _sheet(wb, "T4帮扶", f"困难职工帮扶情况统计表（{report.kind.label}）", report, office, made_on, HEAD)
    daily = report.kind is PeriodKind.DAY
    row = FIRST
    for f in report.hardship:
        _figure_row(ws, row, f, daily=daily)
        row += 1
    row += 1
    for i, h in enumerate(("资金来源", "期初", "拨入", "支出", "期末"), start=1):
        c = ws.cell(row, i, h)
        c.font = Font(bold=True)
        c.fill = _FILL
    row += 1
    first = row
    for line in report.funds:
        ws.cell(row, 1, line.fund)
        for col, fen in ((2, line.opening), (3, line.allocated), (4, line.paid)):
            _number(ws.cell(row, col), fen, Unit.MONEY)
        ws.cell(row, 5, f"=B{row}+C{row}-D{row}").number_format = MONEY     # 期初 + 拨入 − 支出
        row += 1
    ws.cell(row, 1, "合计").font = Font(bold=True)
    for col in (2, 3, 4, 5):
        L = get_column_letter(col)
        ws.cell(row, col, f"=SUM({L}{first}:{L}{row - 1})" if report.funds else 0).number_format = MONEY
    _foot(ws, row)


def _t5(wb, report, office, made_on) -> None:
    """T5 互助: the totals with their comparisons, then one row per plan (合计 by SUM formulas, 赔付率
    as a formula of its row), then 不予给付 by reason."""
    t = report.mutual_aid
    if t is None:
        return
    ws = _sheet(wb, "T5互助", f"职工互助保障统计表（{report.kind.label}）", report, office, made_on, HEAD)
    daily = report.kind is PeriodKind.DAY
    row = FIRST
    for f in t.totals:
        _figure_row(ws, row, f, daily=daily)
        row += 1
    row += 1
    keys = t5_mutual_aid.KEYS
    heads = ("计划", "年度", *(t5_mutual_aid.LABELS[k] for k in keys), "赔付率")
    for i, h in enumerate(heads, start=1):
        c = ws.cell(row, i, h)
        c.font = Font(bold=True)
        c.fill = _FILL
        c.border = _BOX
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    row += 1
    first = row
    paid_col = get_column_letter(3 + keys.index("mutual_aid.paid"))
    prem_col = get_column_letter(3 + keys.index("mutual_aid.premiums"))
    rate_col = 3 + len(keys)

    def payout(r: int) -> None:
        c = ws.cell(r, rate_col, f'=IF({prem_col}{r}=0,"{DASH}",{paid_col}{r}/{prem_col}{r})')
        c.number_format = PERCENT
        c.border = _BOX

    for p in t.plans:
        ws.cell(row, 1, f"{p.code} {p.name}").border = _BOX
        ws.cell(row, 2, p.year).border = _BOX
        for j, k in enumerate(keys, start=3):
            c = ws.cell(row, j)
            _number(c, p.figures[k], t5_mutual_aid.UNITS[k])
            c.border = _BOX
        payout(row)
        row += 1
    ws.cell(row, 1, "合计").font = Font(bold=True)
    for j, k in enumerate(keys, start=3):
        L = get_column_letter(j)
        c = ws.cell(row, j, f"=SUM({L}{first}:{L}{row - 1})" if t.plans else 0)
        if t5_mutual_aid.UNITS[k] is Unit.MONEY:
            c.number_format = MONEY
        c.border = _BOX
    payout(row)
    row += 2
    ws.cell(row, 1, "不予给付原因（件）").font = Font(bold=True)
    row += 1
    for code, n in t.refusals.items():
        ws.cell(row, 1, Refusal.label_of(code))
        ws.cell(row, 2, n)
        row += 1
    _foot(ws, row)


def _notes(wb) -> None:
    ws = wb.create_sheet("说明")
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 110
    ws.cell(1, 1, "指标").font = Font(bold=True)
    ws.cell(1, 2, "口径和公式").font = Font(bold=True)
    for i, (name, text) in enumerate(FORMULAS, start=2):
        ws.cell(i, 1, name)
        ws.cell(i, 2, text).alignment = Alignment(wrap_text=True)


def _charts(wb, report: StatisticsReport, trend: Trend | None) -> None:
    """The 图表 sheet: the channel mix of T1 (a pie over T1's channel cells) and, with ``trend``,
    the 12-month 受理量 by channel (stacked columns) and 办结率 (a line, right-hand axis) over the
    trend's own table on this sheet."""
    ws = wb.create_sheet("图表")
    ws.cell(1, 1, f"渠道构成（{report.period.label}）").font = Font(bold=True, size=12)
    t1 = wb["T1受理情况"]
    last = FIRST + len(t1_intake.CHANNEL_KEYS) - 1
    pie = PieChart()
    pie.title = "受理渠道构成（件/批）"
    pie.add_data(Reference(t1, min_col=2, min_row=FIRST, max_row=last))
    pie.set_categories(Reference(t1, min_col=1, min_row=FIRST, max_row=last))
    pie.dataLabels = DataLabelList()
    pie.dataLabels.showPercent = True
    pie.height, pie.width = 9, 14
    ws.add_chart(pie, "A2")
    if trend is None:
        return
    top = 22
    ws.cell(top - 1, 1, "近12个月受理量（件/批）和办结率").font = Font(bold=True, size=12)
    heads = ("月份", *(label for _k, label in trend.channels), "合计", "办结率")
    for c, h in enumerate(heads, start=1):
        ws.cell(top, c, h).font = Font(bold=True)
    for r, p in enumerate(trend.points, start=top + 1):
        ws.cell(r, 1, p.label)
        for c, (k, _label) in enumerate(trend.channels, start=2):
            ws.cell(r, c, p.channels[k])
        ws.cell(r, len(heads) - 1, p.total)
        _percent(ws.cell(r, len(heads)), p.concluded_rate)
    end = top + len(trend.points)
    n_ch = len(trend.channels)
    bars = BarChart()
    bars.type, bars.grouping, bars.overlap = "col", "stacked", 100
    bars.title = "近12个月受理量和办结率"
    bars.y_axis.title = "件/批"
    bars.add_data(Reference(ws, min_col=2, max_col=1 + n_ch, min_row=top, max_row=end), titles_from_data=True)
    bars.set_categories(Reference(ws, min_col=1, min_row=top + 1, max_row=end))
    line = LineChart()
    line.add_data(Reference(ws, min_col=len(heads), min_row=top, max_row=end), titles_from_data=True)
    line.y_axis.axId = 200
    line.y_axis.title = "办结率"
    line.y_axis.number_format = "0%"
    line.y_axis.crosses = "max"
    bars += line
    bars.height, bars.width = 10, 24
    ws.add_chart(bars, f"A{end + 2}")


def write(path: str | os.PathLike, report: StatisticsReport, *, office: str = "",
          made_on: date | None = None, trend: Trend | None = None) -> Path:
    """Write the T1–T5 workbook; ``made_on`` (制表日期) defaults to the report date; the trend
    (``trend``, else ``report.trend``) adds the 12-month chart to the 图表 sheet."""
    path = Path(path)
    trend = trend if trend is not None else report.trend
    made_on = made_on or report.as_of
    wb = Workbook()
    wb.remove(wb.active)
    _t1(wb, report, office, made_on)
    _t2(wb, report, office, made_on)
    _t3(wb, report, office, made_on)
    _t4(wb, report, office, made_on)
    _t5(wb, report, office, made_on)
    _charts(wb, report, trend)
    _notes(wb)
    with written_whole(path) as part:
        wb.save(part)
    return path
