"""统计报表 page on the small statistics database (tests/services/test_statistics.py ``desk``): March
2026 as of 15 May, a figure clicked opens its records and their count (or 人次 / money total) equals
the figure; Excel and PDF exports read back. Real temp database, offscreen."""
from __future__ import annotations

import time
from datetime import date

from openpyxl import load_workbook
from PySide6.QtCore import Qt

from app.domain.enums import Period
from app.services import statistics
from tests.services.test_statistics import MARCH, MAY15, desk  # noqa: F401  (fixture)
from tests.ui.util import idle
from ui import file_dialogs
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.pages.statistics import PERIODS, T1_ROWS, StatisticsPage


def march_page(qtbot, desk) -> StatisticsPage:  # noqa: F811
    page = StatisticsPage(AppContext(desk["db"], desk["admin"]))
    qtbot.addWidget(page)
    page.set_today(MAY15)
    page.period_combo.setCurrentIndex(PERIODS.index(Period.LAST_MONTH))   # 上月 of 15 May: April
    assert page.date_from.date().toPython() == date(2026, 4, 1)
    page.period_combo.setCurrentIndex(page.period_combo.count() - 1)       # 自定义日期
    page.date_from.setDate(MARCH.start)
    page.date_to.setDate(MARCH.end)
    assert page.kind_label.text() == "（月报）"
    page.show()
    page.refresh()
    qtbot.waitUntil(lambda: page.report is not None and page.report.period == MARCH, timeout=15000)
    idle(qtbot)
    return page


def cell(table, key: str, col: int):
    for r in range(table.rowCount()):
        item = table.item(r, col)
        if item is not None and item.data(Qt.ItemDataRole.UserRole) == key:
            return r, item
    raise KeyError(key)


def click(qtbot, page, table, key, col=1):
    r, _item = cell(table, key, col)
    page.last_dialog = None
    table.cellClicked.emit(r, col)
    qtbot.waitUntil(lambda: page.last_dialog is not None, timeout=15000)
    idle(qtbot)
    return page.last_dialog


def test_month_on_screen_and_figures_open_their_records(qtbot, desk):  # noqa: F811
    page = march_page(qtbot, desk)
    expected = statistics.compute(desk["db"], MARCH, MAY15)
    assert page.t1.rowCount() == len(T1_ROWS)
    _r, total = cell(page.t1, "intake.total", 1)
    assert total.text() == str(expected.figure("intake.total").current) == "10"
    # 上年同期 of March 2026 has no registrations: 同比 has a zero denominator
    r, _ = cell(page.t1, "intake.total", 1)
    assert page.t1.item(r, 4).text() == "—"

    dlg = click(qtbot, page, page.t1, "intake.total")
    assert dlg.records.count == dlg.table.rowCount() == 10
    assert dlg.table.item(0, 0).text().startswith("2026-")            # registration numbers
    assert "共 10 条记录" in dlg.summary.text()

    persons = expected.figure("intake.visit_persons").current        # 人次: the sum, not the count
    dlg = click(qtbot, page, page.t1, "intake.visit_persons")
    assert dlg.records.total == persons == 9 and dlg.table.rowCount() == 2
    assert f"合计 {persons} 人次" in dlg.summary.text()

    money = expected.figure("handling.recovered").current
    dlg = click(qtbot, page, page.t3, "handling.recovered")
    assert dlg.records.total == money == 120050
    assert "1200.50 元" in dlg.summary.text()
    assert dlg.table.item(0, 0).text().startswith("C")                # case numbers

    concluded = expected.figure("handling.concluded").current
    dlg = click(qtbot, page, page.t3, "handling.concluded")
    assert dlg.table.rowCount() == concluded
    # a rate is not a record list
    r, _ = cell(page.t3, "handling.concluded", 1)
    rate_row = [i for i in range(page.t3.rowCount())
                if page.t3.item(i, 0).text() == "办结率"][0]
    assert page.t3.item(rate_row, 1).data(Qt.ItemDataRole.UserRole) is None


def test_export_xlsx_and_pdf(qtbot, desk, tmp_path, monkeypatch):  # noqa: F811
    from pypdf import PdfReader
    page = march_page(qtbot, desk)
    for fmt in ("xlsx", "pdf"):
        target = tmp_path / f"march.{fmt}"
        monkeypatch.setattr(file_dialogs, "run_dialog", lambda dlg, t=target: [str(t)])
        page.export(fmt)
        qtbot.waitUntil(lambda t=target: t.exists() and "已导出" in page.status.text(), timeout=30000)
        idle(qtbot)
    wb = load_workbook(tmp_path / "march.xlsx")
    ws = wb["T1受理情况"]
    labels = {ws.cell(r, 1).value: r for r in range(4, 20)}
    assert ws.cell(labels["合计（件/批）"], 2).value.startswith("=SUM(")
    assert ws.cell(labels["来信（件）"], 2).value == page.report.figure("intake.letters").current
    assert len(wb["图表"]._charts) == 2                                 # channel mix, 12-month trend
    text = "\n".join(p.extract_text() for p in PdfReader(tmp_path / "march.pdf").pages)
    assert "信访帮扶统计报表（月报）" in text and "合计（件/批）\n10\n100.00%" in text


def test_page_is_in_the_navigation(qtbot, desk):  # noqa: F811
    window = MainWindow(AppContext(desk["db"], desk["admin"]))
    qtbot.addWidget(window)
    assert "统计报表" in window.nav_titles()
    assert isinstance(window.show_page("statistics"), StatisticsPage)
    idle(qtbot)


def test_workbench_charts_draw_the_trend(qtbot, desk):  # noqa: F811
    """The 工作台 charts show the service's 12-month numbers (the fixed clock: December 2026)."""
    from app.domain import clock
    from app.services.statistics import trend
    from ui.pages.workbench import WorkbenchPage
    boss = desk["worker"]
    page = WorkbenchPage(AppContext(desk["db"], boss))
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.charts is not None and page.charts.trend is not None, timeout=15000)
    idle(qtbot)
    expected = trend.monthly(desk["db"], clock.today())
    charts = page.charts
    values = charts.trend_values()
    assert list(values) == [label for _k, label in expected.channels]
    for key, label in expected.channels:
        assert values[label] == [p.channels[key] for p in expected.points]
    assert sum(values["来电"]) == 5                                   # Jan 3, Feb… Mar 2 (Feb: letter)
    assert charts.rate_points() == [(i, float(p.concluded_rate)) for i, p in enumerate(expected.points)
                                    if p.concluded_rate is not None]
    assert charts.rate_points()[:2] == [(1.0, 100.0), (2.0, 60.0)]    # Feb 1 of 1, Mar 3 of 5
    month = charts.month_values()
    assert list(month) == ["上月（2026-11）", "本月（2026-12）"]
    assert month["本月（2026-12）"] == [expected.points[-1].channels[k] for k, _l in expected.channels]


def test_export_cancelled_while_writing_leaves_no_file(qtbot, desk, tmp_path, monkeypatch):  # noqa: F811
    """取消 pressed while the file is being written: the finished file is taken back."""
    from app.services.statistics import workbook
    from ui.operations.statistics import export_report
    page = march_page(qtbot, desk)
    ops = []
    real = workbook.write

    def write_then_cancel(*a, **kw):
        out = real(*a, **kw)
        assert out.exists()
        while not ops:          # the GUI thread has not stored the operation yet
            time.sleep(0.01)
        ops[0].cancel()
        return out
    monkeypatch.setattr(workbook, "write", write_then_cancel)
    target = tmp_path / "cancelled.xlsx"
    ops.append(export_report(page, page.ctx, page.report, str(target), "xlsx", MAY15))
    qtbot.waitUntil(lambda: ops[0].done, timeout=15000)
    assert type(ops[0].error).__name__ == "Cancelled"
    assert not target.exists() and not (tmp_path / "cancelled.xlsx.part").exists()
