"""T4 帮扶 and the ``hardship`` section of ``stats --json`` on a small ledger whose figures are known
by hand: December 2026 (and November as 上期)."""
from __future__ import annotations

import json
from datetime import date

from app.domain.statistics import PeriodKind, ReportPeriod
from app.services import statistics
from app.services.hardship import files, payments
from tests.services.hardship_util import CLERK, MANAGER, active_file, at, funded, person

DEC = ReportPeriod(date(2026, 12, 1), date(2026, 12, 31))
NOV = ReportPeriod(date(2026, 11, 1), date(2026, 11, 30))
P = payments.PaymentInput


def _paid(db, data, on: date) -> int:
    rec = payments.propose(db, CLERK, data, now=at(on.month, on.day, 9))
    payments.approve(db, MANAGER, rec.id, now=at(on.month, on.day, 10))
    payments.pay(db, CLERK, rec.id, paid_on=on, method="cash", voucher_no=f"V{rec.id}",
                 now=at(on.month, on.day, 11))
    return rec.id


def ledger(db):
    """A filed 11-02 (two payments in December), B filed 12-01 (one in November), C filed 11-02 and
    closed 12-10 as 脱困, D without a file (临时救助 in December); ¥100,000 allocated in January."""
    fund = funded(db)
    a = active_file(db, person(db, "甲", 1))
    b = active_file(db, person(db, "乙", 2), filed=(12, 1))
    c = active_file(db, person(db, "丙", 3))
    d = person(db, "丁", 4)
    files.close_file(db, MANAGER, c.id, "out_of_poverty", "收入稳定", on=date(2026, 12, 10), now=at(12, 10))
    _paid(db, P("medical", "1000", fund, "2026-12-02", file_id=a.id), date(2026, 12, 3))
    _paid(db, P("living", "500", fund, "2026-12-04", file_id=a.id), date(2026, 12, 5))
    _paid(db, P("living", "300", fund, "2026-11-20", file_id=b.id), date(2026, 11, 20))
    _paid(db, P("temporary", "200", fund, "2026-12-06", person_id=d), date(2026, 12, 6))
    return a, b, c, d


def test_t4_figures_by_hand_and_the_json_section(db):
    ledger(db)
    report = statistics.compute(db, DEC, date(2026, 12, 16))
    assert DEC.kind is PeriodKind.MONTH
    fig = report.figure
    assert fig("hardship.files_open").current == 2          # A and B; C closed on 12-10
    assert fig("hardship.files_open").previous == 2         # 30 November: A and C
    assert fig("hardship.files_new").current == 1 and fig("hardship.files_new").previous == 2
    assert fig("hardship.files_closed").current == 1 and fig("hardship.files_out_of_poverty").current == 1
    assert fig("hardship.files_withdrawn").current == 0
    assert fig("hardship.assisted_times").current == 3 and fig("hardship.assisted_times").previous == 1
    assert fig("hardship.assisted_households").current == 2   # A twice, D once
    assert fig("hardship.amount").current == 1_700_00 and fig("hardship.amount").previous == 300_00
    assert fig("hardship.amount").ytd == 2_000_00
    (line,) = [x for x in report.funds if x.fund == "上级拨款"]
    assert (line.opening, line.allocated, line.paid, line.closing) == (99_700_00, 0, 1_700_00, 98_000_00)

    out = statistics.to_json(report)["hardship"]
    json.dumps(out)
    assert {k: out[k] for k in ("files_open", "files_new", "files_closed", "assisted_households",
                                "assisted_times", "amount")} == {
        "files_open": 2, "files_new": 1, "files_closed": 1, "assisted_households": 2,
        "assisted_times": 3, "amount": "1700.00"}
    assert out["by_kind"]["medical"] == "1000.00" and out["by_kind"]["living"] == "500.00"
    assert out["by_kind"]["temporary"] == "200.00" and out["by_kind"]["warmth"] == "0.00"
    assert sum(float(v) for v in out["by_kind"].values()) == 1700.0
    assert {"fund": "上级拨款", "opening": "99700.00", "allocated": "0.00", "paid": "1700.00",
            "closing": "98000.00"} in out["funds"]
    assert out["files_by_category"] == {"deep": 0, "relative": 2, "accident": 0}   # ¥2,000 a head


def test_each_t4_figure_opens_as_its_records(db):
    a, b, c, d = ledger(db)
    as_of = date(2026, 12, 16)
    report = statistics.compute(db, DEC, as_of)
    for key in ("hardship.files_open", "hardship.files_new", "hardship.files_closed",
                "hardship.assisted_households", "hardship.assisted_times", "hardship.amount",
                "hardship.amount_living"):
        recs = statistics.records(db, key, DEC, as_of)
        assert sum(r.amount for r in recs) == report.figure(key).current, key
    assert [r.id for r in statistics.records(db, "hardship.files_open", DEC, as_of)] == [a.id, b.id]
    assert [r.id for r in statistics.records(db, "hardship.files_closed", DEC, as_of)] == [c.id]


def test_t4_in_the_xlsx_and_the_pdf(db, tmp_path):
    import io

    from openpyxl import load_workbook
    from pypdf import PdfReader

    from app.services.statistics import report_pdf, workbook
    ledger(db)
    report = statistics.compute(db, DEC, date(2026, 12, 16))
    ws = load_workbook(workbook.write(tmp_path / "r.xlsx", report))["T4帮扶"]
    cells = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1)}
    assert ws.cell(cells["在档户数（期末）"], 2).value == 2
    assert ws.cell(cells["帮扶金额（元）"], 2).value == 1700.0
    r = cells["上级拨款"]
    assert [ws.cell(r, c).value for c in (2, 3, 4)] == [99700.0, 0.0, 1700.0]
    assert ws.cell(r, 5).value == f"=B{r}+C{r}-D{r}"
    pdf = report_pdf.write(tmp_path / "r.pdf", report)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.read_bytes())).pages)
    assert "表四" in text and "帮扶资金" in text and "¥1,700.00" in text and "¥98,000.00" in text
