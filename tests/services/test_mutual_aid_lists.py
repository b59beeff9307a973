"""The claim list (app.services.mutual_aid.lists): keyset pages forward, back and from the end,
each filter (plan, year, union, state, refusal reason, period received/paid), count, export read
back by cell with IDs masked."""
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from app.db.models_mutual_aid import MaEnrollment
from app.domain.enums import Role
from app.domain.errors import ValidationError
from app.services.mutual_aid import lists
from app.services.mutual_aid.lists import ClaimFilter
from app.services.query.filters import filter_class, filter_from_dict, filter_to_dict

from .mutual_aid_data import add_claim, add_employer, add_person, add_plan, enroll

TODAY = date(2026, 12, 16)


@pytest.fixture
def claims_db(db):
    """250 claims over two unions and two plans, received one a day from 2026-01-01."""
    with db.write() as s:
        a, b = add_employer(s), add_employer(s, "北京市朝阳区某物业公司")
        zhang = add_person(s, "张三", "110105198001010019", "M", date(1980, 1, 1), a)
        li = add_person(s, "李四", "110105198501010028", "F", date(1985, 1, 1), b)
        zy, yl = add_plan(s), add_plan(s, code="YL", name="住院医疗")
        old = add_plan(s, year=2025)
        enroll(s, zy, a, [zhang], paid_on=date(2025, 12, 20))
        enroll(s, yl, b, [li], paid_on=date(2025, 12, 20))
        enroll(s, old, a, [li], paid_on=date(2024, 12, 20))
        e = {en.plan_id: en for en in s.query(MaEnrollment)}
        e_zy, e_yl, e_old = e[zy.id], e[yl.id], e[old.id]
        for i in range(250):
            day = date(2026, 1, 1) + timedelta(days=i)
            en = e_zy if i % 2 == 0 else e_yl
            state = ("paid", "approved", "refused", "received")[i % 4]
            add_claim(s, en, state=state, admission=day, days=3, received_on=day,
                      benefit_fen=0 if state == "refused" else 1000 + i,
                      refusal=("waiting" if i % 8 == 2 else "deductible") if state == "refused" else None)
        add_claim(s, e_old, state="paid", admission=date(2025, 6, 1), days=5, benefit_fen=777)
        return {"zy": zy.id, "yl": yl.id, "a": a.id, "b": b.id, "zhang": zhang.id}


def test_pages_forward_back_and_from_the_end(db, claims_db):
    f = ClaimFilter(year=2026)
    first = lists.claim_page(db, f, limit=100, today=TODAY)
    assert len(first.rows) == 100 and first.more
    assert first.rows[0].received_on == date(2026, 9, 7)              # newest first
    second = lists.claim_page(db, f, after=first.rows[-1].key, limit=100, today=TODAY)
    third = lists.claim_page(db, f, after=second.rows[-1].key, limit=100, today=TODAY)
    assert (len(third.rows), third.more) == (50, False)
    seen = [r.id for r in first.rows + second.rows + third.rows]
    assert len(set(seen)) == 250
    last = lists.claim_page(db, f, tail=True, limit=100, today=TODAY)
    assert [r.id for r in last.rows] == seen[-100:]
    back = lists.claim_page(db, f, before=second.rows[0].key, limit=100, today=TODAY)
    assert [r.id for r in back.rows] == [r.id for r in first.rows]
    asc = lists.claim_page(db, ClaimFilter(year=2026, descending=False), limit=3, today=TODAY)
    assert [r.received_on for r in asc.rows] == [date(2026, 1, 1), date(2026, 1, 2), date(2026, 1, 3)]


def test_each_filter_and_its_count(db, claims_db):
    def n(**kw):
        f = ClaimFilter(**kw)
        rows = list(lists.iter_claims(db, f, today=TODAY, page_size=40))
        assert lists.count_claims(db, f, TODAY) == len(rows)
        return rows
    assert len(n()) == 251
    assert len(n(year=2026)) == 250 and len(n(year=2025)) == 1
    assert {r.plan_code for r in n(plan_id=claims_db["zy"])} == {"ZY"} and len(n(plan_id=claims_db["zy"])) == 125
    assert len(n(employer_id=claims_db["b"])) == 125
    assert len(n(employer_id=claims_db["a"])) == 126                    # 125 ZY + the 2025 claim
    assert {r.state_label for r in n(state="refused")} == {"不予给付"} and len(n(state="refused")) == 62
    waiting = n(refusal="waiting")
    assert len(waiting) == 31 and {r.refusal_label for r in waiting} == {"观察期内"}
    assert len(n(date_from=date(2026, 2, 1), date_to=date(2026, 2, 28))) == 28
    assert len(n(period="this_month")) == 0
    assert len(n(period_of="paid", date_from=date(2025, 1, 1))) == 0    # add_claim sets no paid day
    assert len(n(person_id=claims_db["zhang"], state="paid")) == 63
    assert lists.total_benefit(db, ClaimFilter(state="paid", year=2026), TODAY) == sum(
        1000 + i for i in range(0, 250, 4))
    with pytest.raises(ValidationError, match="不是申请状态"):
        lists.claim_page(db, ClaimFilter(state="lost"), today=TODAY)


def test_filter_is_registered_for_saved_filters():
    f = ClaimFilter(period="this_month", plan_id=3, state="approved")
    assert filter_class("ma_claims") is ClaimFilter
    assert filter_from_dict(ClaimFilter, filter_to_dict(f)) == f


def test_export_reads_back_with_masked_ids(db, actors, claims_db, tmp_path):
    out = tmp_path / "申请.xlsx"
    res = lists.export_xlsx(db, actors[Role.CLERK], ClaimFilter(plan_id=claims_db["zy"], state="paid"), out,
                            full_ids=True, today=TODAY)
    assert (res.rows, res.full_ids) == (63, False)
    ws = load_workbook(out).active
    assert "共 63 条" in ws["A1"].value and "计划 2026 ZY 住院津贴互助保障；状态 已给付" in ws["A1"].value
    header = [c.value for c in ws[2]]
    assert header[:5] == ["申请编号", "受理日期", "计划", "参保人", "身份证号"]
    row = [c.value for c in ws[3]]
    assert row[3] == "张三" and row[4] == "110105********0019"
    assert float(row[header.index("给付金额")]) == (1000 + 248) / 100
    full = lists.export_xlsx(db, actors[Role.MANAGER], ClaimFilter(plan_id=claims_db["zy"], state="paid"),
                             tmp_path / "full.xlsx", full_ids=True, today=TODAY)
    assert full.full_ids and load_workbook(tmp_path / "full.xlsx").active["E3"].value == "110105198001010019"
