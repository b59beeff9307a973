"""The 12-month trend (工作台 charts, the report's trend chart): each month's point equals that month's
report computed by ``statistics.compute`` on the same report date; the xlsx carries the channel-mix
and trend charts over those numbers; the PDF draws them."""
from __future__ import annotations

from datetime import date

from openpyxl import load_workbook
from app.domain.statistics import ReportPeriod
from app.services import statistics
from app.services.statistics import report_pdf, t1_intake, trend, workbook
from tests.services.test_statistics import MARCH, MAY15, desk  # noqa: F401  (fixture)


def test_months_equal_the_monthly_reports(desk):  # noqa: F811
    db = desk["db"]
    t = trend.monthly(db, MAY15)
    assert [p.label for p in t.points][:2] == ["2025-06", "2025-07"] and t.points[-1].label == "2026-05"
    assert [label for _k, label in t.channels][:3] == ["来信", "来电", "网上"]
    for p in t.points:
        report = statistics.compute(db, ReportPeriod.month(p.month.year, p.month.month), MAY15)
        assert p.channels == {k: report.figure(k).current for k in t1_intake.CHANNEL_KEYS}
        assert p.total == report.figure("intake.total").current
        assert p.accepted == report.figure("handling.accepted").current
        assert p.concluded_rate == report.figure("handling.concluded_rate").current
    march = t.points[9]
    assert march.label == "2026-03" and march.total == 10 and march.accepted == 5
    assert t.points[0].concluded_rate is None                          # no cases: 「—」
    dec = t.points[6]
    assert dec.label == "2025-12" and dec.channels["intake.calls"] == 2


def test_xlsx_charts(desk, tmp_path):  # noqa: F811
    db = desk["db"]
    report = statistics.compute(db, MARCH, MAY15)
    t = trend.monthly(db, MAY15)
    out = workbook.write(tmp_path / "r.xlsx", report, office="城关区总工会", trend=t)
    ws = load_workbook(out)["图表"]
    pie, bars = ws._charts
    assert type(pie).__name__ == "PieChart" and type(bars).__name__ == "BarChart"
    # the trend's table on the sheet holds the service's numbers
    heads = [ws.cell(22, c).value for c in range(1, 11)]
    assert heads == ["月份", "来信", "来电", "网上", "来访", "上级交办", "走访活动问题", "其他", "合计", "办结率"]
    row = 22 + 10                                                      # 2026-03
    assert ws.cell(row, 1).value == "2026-03"
    assert [ws.cell(row, c).value for c in range(2, 10)] == [
        *(t.points[9].channels[k] for k in t1_intake.CHANNEL_KEYS), t.points[9].total]
    assert ws.cell(row, 10).value == float(t.points[9].concluded_rate) / 100
    assert ws.cell(row, 10).number_format == "0.00%"
    assert ws.cell(23, 10).value == "—"
    # without a trend: the channel mix only
    out2 = workbook.write(tmp_path / "r2.xlsx", report, office="城关区总工会")
    assert len(load_workbook(out2)["图表"]._charts) == 1


def test_pdf_charts(desk, tmp_path):  # noqa: F811
    from pypdf import PdfReader
    db = desk["db"]
    report = statistics.compute(db, MARCH, MAY15)
    out = report_pdf.write(tmp_path / "r.pdf", report, office="城关区总工会", made_on=date(2026, 5, 15),
                           trend=trend.monthly(db, MAY15))
    text = "\n".join(p.extract_text() for p in PdfReader(out).pages)
    assert "受理渠道构成" in text and "近12个月受理量和办结率" in text
    assert "2026-03" in text and "2025-06" in text
