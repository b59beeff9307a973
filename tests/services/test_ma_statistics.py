"""T5 互助 (app.services.statistics.t5_mutual_aid) with figures known by hand: per plan and in total,
the comparison with last year, the records behind each figure adding up to it, `stats --json`, the
xlsx sheet and the PDF page."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from app.cli import main
from app.db.models_mutual_aid import MaClaim, MaEnrollment
from app.domain.mutual_aid import PlanKind, Tier
from app.domain.statistics import ReportPeriod
from app.services import statistics
from app.services.mutual_aid.cover import tiers_to_json
from app.services.statistics import listing, report_pdf, workbook
from tests.roster_files import make_id

from .mutual_aid_data import add_claim, add_employer, add_person, add_plan, enroll

MARCH = ReportPeriod.month(2026, 3)
AS_OF = date(2026, 4, 15)


@pytest.fixture
def ledger(db):
    with db.write() as s:
        a, b = add_employer(s, "甲公司"), add_employer(s, "乙公司")
        ps = [add_person(s, f"会员{i}", make_id(date(1980, 1, i), i), "M", date(1980, 1, i), a)
              for i in range(1, 6)]
        zy25 = add_plan(s, year=2025)
        zy26 = add_plan(s, year=2026)
        zj26 = add_plan(s, year=2026, code="ZJ", kind=PlanKind.LUMP, name="重大疾病互助保障",
                        tiers=tiers_to_json([Tier("恶性肿瘤", 1_000_000)]))
        enroll(s, zy26, a, ps[0:2], paid_on=date(2026, 3, 5), shares=2)     # 2 人 4 份 ¥240
        enroll(s, zy26, a, ps[2:3], paid_on=date(2026, 3, 20))              # same union: 1 unit
        enroll(s, zy26, b, ps[3:4], paid_on=date(2026, 4, 2))               # April
        enroll(s, zj26, a, ps[0:1], paid_on=date(2026, 3, 10))              # 1 人 1 份 ¥60
        enroll(s, zy26, b, ps[4:5], paid_on=None)                           # unpaid
        enroll(s, zy25, a, ps[0:1], paid_on=date(2025, 3, 15))              # last year
        e = {(en.plan_id, en.person_id): en for en in s.scalars(select(MaEnrollment))}

        def claim(plan, person, received, state, **kw):
            c = add_claim(s, e[(plan.id, person.id)], state=state, admission=received, received_on=received,
                          **{k: v for k, v in kw.items() if k in ("benefit_fen", "refusal")})
            c.decided_on, c.paid_on = kw.get("decided"), kw.get("paid")
            return c
        claim(zy26, ps[0], date(2026, 3, 2), "paid", benefit_fen=28_000, decided=date(2026, 3, 20),
              paid=date(2026, 3, 25))
        claim(zy26, ps[1], date(2026, 3, 10), "refused", refusal="waiting", decided=date(2026, 3, 12))
        claim(zy26, ps[2], date(2026, 2, 20), "paid", benefit_fen=12_000, decided=date(2026, 2, 25),
              paid=date(2026, 3, 1))
        claim(zj26, ps[0], date(2026, 3, 28), "received")
        claim(zy26, ps[0], date(2026, 3, 30), "approved", benefit_fen=4_000, decided=date(2026, 4, 3))
        claim(zy26, ps[1], date(2026, 3, 31), "refused", refusal="documents", decided=date(2026, 4, 1))
        s.flush()
        return {"zy26": zy26.id, "zj26": zj26.id}


def test_t5_figures_by_hand(db, ledger):
    t = statistics.compute(db, MARCH, AS_OF).mutual_aid
    cur = {f.key.split(".")[1]: f.current for f in t.totals}
    assert cur == {"units": 2, "members": 4, "shares": 6, "premiums": 36_000, "claims": 5, "paid_times": 2,
                   "paid": 40_000, "refused": 1, "payout_rate": Decimal("111.11")}
    units = t.figure("mutual_aid.units")
    assert (units.last_year, units.yoy) == (1, Decimal("100.00"))
    assert t.figure("mutual_aid.premiums").last_year == 6_000
    assert t.figure("mutual_aid.payout_rate").last_year == Decimal("0.00")   # ¥0 ÷ ¥60
    rows = {(r.code, r.year): r for r in t.plans}
    assert set(rows) == {("ZY", 2026), ("ZJ", 2026)}                      # ZY 2025 not in term, no figures
    zy = rows[("ZY", 2026)]
    assert zy.figures == {"mutual_aid.units": 1, "mutual_aid.members": 3, "mutual_aid.shares": 5,
                          "mutual_aid.premiums": 30_000, "mutual_aid.claims": 4, "mutual_aid.paid_times": 2,
                          "mutual_aid.paid": 40_000, "mutual_aid.refused": 1}
    assert zy.payout_rate == Decimal("133.33")
    assert rows[("ZJ", 2026)].payout_rate == Decimal("0.00")
    assert t.refusals == {"waiting": 1}
    april = statistics.compute(db, ReportPeriod.month(2026, 4), AS_OF).mutual_aid
    assert april.refusals == {"documents": 1}
    assert april.figure("mutual_aid.units").current == 1 and april.figure("mutual_aid.claims").current == 0


def test_every_figure_opens_as_the_records_that_make_it(db, ledger):
    report = statistics.compute(db, MARCH, AS_OF)
    for f in report.mutual_aid.totals[:-1]:
        recs = statistics.records(db, f.key, MARCH, AS_OF)
        assert sum(r.amount for r in recs) == f.current, f.key
    by_plan = statistics.records(db, "mutual_aid.members", MARCH, AS_OF, group="plan", value=ledger["zy26"])
    assert len(by_plan) == 3
    lst = listing.record_list(db, "mutual_aid.members", MARCH, AS_OF)
    assert lst.kind == "ma_enrollment" and lst.count == 4 and "********" in lst.rows[0][1]
    claims = listing.record_list(db, "mutual_aid.refused", MARCH, AS_OF)
    assert claims.kind == "ma_claim" and claims.rows[0][5] == "观察期内"
    paid = listing.record_list(db, "mutual_aid.paid", MARCH, AS_OF)
    assert paid.total == 40_000 and paid.total_text == "400.00 元"
    batches = listing.record_list(db, "mutual_aid.units", MARCH, AS_OF)
    assert batches.kind == "ma_batch" and batches.count == 2


def test_stats_json_mutual_aid_section(db_path, ledger, capsys):
    assert main(["--db", str(db_path), "stats", "--from", "2026-03-01", "--to", "2026-03-31",
                 "--as-of", "2026-04-15", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)["mutual_aid"]
    zy = next(p for p in out["plans"] if p["plan"] == "ZY")
    assert zy == {"plan": "ZY", "year": 2026, "name": "住院津贴互助保障", "units": 1, "members": 3,
                  "shares": 5, "premiums": "300.00", "claims": 4, "paid_times": 2, "paid": "400.00",
                  "refused": 1, "payout_rate": "133.33"}
    assert out["total"]["payout_rate"] == "111.11" and out["total"]["premiums"] == "360.00"
    assert out["refusals"] == {"waiting": 1}


def test_t5_in_the_xlsx_and_the_pdf(db, ledger, tmp_path):
    report = statistics.compute(db, MARCH, AS_OF)
    path = workbook.write(tmp_path / "r.xlsx", report, office="朝阳区总工会", made_on=AS_OF)
    ws = load_workbook(path)["T5互助"]
    assert ws.cell(4, 1).value == "参保单位（个）" and ws.cell(4, 2).value == 2
    assert ws.cell(7, 2).value == 360.0                                 # 保费收入 in yuan
    head = next(r for r in range(1, 40) if ws.cell(r, 1).value == "计划")
    plans = {ws.cell(r, 1).value: r for r in range(head + 1, head + 3)}
    zy = plans["ZY 住院津贴互助保障"]
    assert [ws.cell(zy, c).value for c in range(2, 11)] == [2026, 1, 3, 5, 300.0, 4, 2, 400.0, 1]
    assert ws.cell(zy, 11).value.startswith("=IF(")
    total = head + 3
    assert ws.cell(total, 1).value == "合计" and ws.cell(total, 4).value == f"=SUM(D{head + 1}:D{head + 2})"
    pdf = report_pdf.write(tmp_path / "r.pdf", report, office="朝阳区总工会", made_on=AS_OF)
    text = "".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert "表五" in text and "133.33%" in text and "观察期内" in text


def test_no_ledger_data_gives_zeros_and_dashes(db):
    t = statistics.compute(db, MARCH, AS_OF).mutual_aid
    assert t.plans == () and t.figure("mutual_aid.members").current == 0
    assert t.figure("mutual_aid.payout_rate").current is None
    with db.read() as s:
        assert s.execute(select(MaClaim.id)).first() is None
