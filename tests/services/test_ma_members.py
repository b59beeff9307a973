"""Members (app.services.mutual_aid.members): lookup by ID or name, a member's record with the
remaining cap, the person page's cover summary, the windowed member list with filters, paging from
both ends, counting and export with masked IDs."""
from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.db.models import AuditLog
from app.db.models_mutual_aid import MaEnrollment
from app.domain.enums import Role
from app.domain.mutual_aid import CoverState, PlanKind, Tier, cover_state
from app.services import people_search
from app.services.mutual_aid import members
from app.services.mutual_aid.cover import tiers_to_json
from app.services.mutual_aid.members import MemberFilter
from tests.clock import TODAY
from tests.roster_files import make_id

from .mutual_aid_data import add_claim, add_employer, add_person, add_plan, enroll

ZHANG = make_id(date(1980, 1, 1), 5)
LI = make_id(date(1985, 2, 2), 6, male=False)
WANG = make_id(date(1990, 3, 3), 7)
ZHAO = make_id(date(1975, 4, 4), 8)          # registered, never enrolled


@pytest.fixture
def data(db):
    """Today is 2026-12-16. ZY 2025 (张 paid), ZY 2026 (张 2份 and 李, paid 2026-01-10; 王 paid
    2026-11-01 so still waiting), ZJ 2026 lump (李, one claim paid), ZY 2027 (张, not paid)."""
    with db.write() as s:
        a = add_employer(s, "甲机械有限公司")
        b = add_employer(s, "乙电子有限公司")
        zhang = add_person(s, "张三", ZHANG, "M", date(1980, 1, 1), a)
        li = add_person(s, "李四", LI, "F", date(1985, 2, 2), a)
        wang = add_person(s, "王五", WANG, "M", date(1990, 3, 3), b)
        add_person(s, "赵六", ZHAO, "M", date(1975, 4, 4), b)
        zy25 = add_plan(s, year=2025)
        zy26 = add_plan(s, year=2026)
        zj26 = add_plan(s, year=2026, code="ZJ", kind=PlanKind.LUMP, name="女职工特殊疾病",
                        tiers=tiers_to_json([Tier("乳腺癌", 1_000_000), Tier("宫颈癌", 800_000)]),
                        term_cap_fen=None, male_min_age=None, male_max_age=None)
        zy27 = add_plan(s, year=2027)
        enroll(s, zy25, a, [zhang], paid_on=date(2024, 12, 20))
        enroll(s, zy26, a, [zhang], paid_on=date(2026, 1, 10), shares=2, renewal=True,
               previous_term_end=date(2025, 12, 31))
        enroll(s, zy26, a, [li], paid_on=date(2026, 1, 10))
        enroll(s, zy26, b, [wang], paid_on=date(2026, 11, 1))
        enroll(s, zj26, a, [li], paid_on=date(2026, 1, 10))
        enroll(s, zy27, a, [zhang], paid_on=None)
        ez = s.execute(select(MaEnrollment).where(MaEnrollment.plan_id == zy26.id,
                                                  MaEnrollment.person_id == zhang.id)).scalar_one()
        add_claim(s, ez, state="paid", admission=date(2026, 5, 1), days=10, benefit_fen=56_000)
        add_claim(s, ez, state="approved", admission=date(2026, 7, 1), days=5, benefit_fen=16_000)
        add_claim(s, ez, state="refused", admission=date(2026, 3, 1), days=5, refusal="deductible")
        el = s.execute(select(MaEnrollment).where(MaEnrollment.plan_id == zj26.id)).scalar_one()
        add_claim(s, el, state="paid", admission=date(2026, 6, 1), benefit_fen=1_000_000)
        return dict(a=a.id, b=b.id, zhang=zhang.id, li=li.id, wang=wang.id, zy26=zy26.id, zj26=zj26.id,
                    zy27=zy27.id)


def test_cover_state_boundaries():
    end = date(2026, 12, 31)
    assert cover_state(None, None, end, TODAY) is CoverState.UNPAID
    assert cover_state(date(2026, 12, 17), None, end, date(2026, 12, 16)) is CoverState.PENDING
    assert cover_state(date(2026, 11, 2), date(2026, 12, 16), end, date(2026, 12, 16)) is CoverState.WAITING
    assert cover_state(date(2026, 11, 2), date(2026, 12, 16), end, date(2026, 12, 17)) is CoverState.COVERED
    assert cover_state(date(2026, 1, 1), None, end, date(2027, 1, 1)) is CoverState.ENDED


def test_lookup_by_id_prefix_and_name_members_only(db, data):
    assert [h.name for h in members.lookup(db, ZHANG)] == ["张三"]
    assert [h.name for h in members.lookup(db, ZHANG[:8])] == ["张三", "李四", "王五"]
    assert [h.name for h in members.lookup(db, ZHANG[:10])] == ["张三"]
    hit = members.lookup(db, "李")[0]
    assert (hit.person_id, hit.id_tail, hit.gender, hit.employer_name) == (data["li"], "****" + LI[-4:],
                                                                          "女", "甲机械有限公司")
    assert members.lookup(db, "赵") == [] and members.lookup(db, ZHAO) == []   # not a member
    assert members.lookup(db, "  ") == []


def test_member_record_every_year_with_claims_and_the_remaining_cap(db, data):
    rec = members.member_record(db, data["zhang"], TODAY)
    assert (rec.name, rec.gender, rec.age, rec.id_masked) == ("张三", "男", 46, ZHANG[:6] + "********" + ZHANG[-4:])
    assert [(t.year, t.plan_code) for t in rec.terms] == [(2027, "ZY"), (2026, "ZY"), (2025, "ZY")]
    t27, t26, t25 = rec.terms
    assert t27.state is CoverState.UNPAID and t27.cover_start is None and t27.paid_on is None
    assert t25.state is CoverState.ENDED
    assert (t26.shares, t26.renewal, t26.cover_start, t26.waiting_end) == (2, True, date(2026, 1, 1), None)
    assert t26.state is CoverState.COVERED
    assert (t26.claims, t26.paid_fen, t26.counted_fen) == (3, 56_000, 72_000)
    assert (t26.cap_fen, t26.remaining_fen) == (1_440_000, 1_368_000)     # ¥7,200 × 2份 − approved/paid
    assert t26.remaining_text == "¥13,680.00"
    li = members.member_record(db, data["li"], TODAY)
    zj = next(t for t in li.terms if t.plan_code == "ZJ")
    assert zj.remaining_fen == 0 and zj.remaining_text == "本期已给付（每期一次）"
    zy = next(t for t in li.terms if t.plan_code == "ZY")
    assert zy.waiting_end == date(2026, 4, 10) and zy.remaining_fen == 720_000


def test_cover_summary_for_the_person_page(db, data):
    wang = members.cover_summary(db, data["wang"], TODAY)
    assert wang.covered_now
    assert wang.lines == ("2026年 住院津贴互助保障（ZY）1份 · 观察期 2026-11-02 至 2026-12-31，观察期至 "
                          "2027-01-30 · 已给付 ¥0.00，剩余 ¥7,200.00",)
    nobody = members.cover_summary(db, 999, TODAY)
    assert nobody.lines == () and not nobody.covered_now and nobody.text == "未参加职工互助保障"
    assert not members.cover_summary(db, data["zhang"], date(2028, 1, 1)).covered_now


def names(page):
    return [(r.name, r.year, r.plan_code) for r in page.rows]


def test_member_list_filters(db, data):
    every = members.member_page(db, MemberFilter(), today=TODAY)
    assert len(every.rows) == 6 and not every.more
    assert [r.enrollment_id for r in every.rows] == sorted((r.enrollment_id for r in every.rows), reverse=True)
    by_plan = members.member_page(db, MemberFilter(plan_id=data["zy26"]), today=TODAY)
    assert sorted(r.name for r in by_plan.rows) == ["张三", "李四", "王五"]
    assert names(members.member_page(db, MemberFilter(employer_id=data["b"]), today=TODAY)) == [("王五", 2026, "ZY")]
    for state, expected in ((CoverState.WAITING, ["王五"]), (CoverState.UNPAID, ["张三"]),
                            (CoverState.ENDED, ["张三"]), (CoverState.COVERED, ["张三", "李四", "李四"])):
        page = members.member_page(db, MemberFilter(state=state.value), today=TODAY)
        assert sorted(r.name for r in page.rows) == sorted(expected), state
        assert members.count_members(db, MemberFilter(state=state.value), TODAY) == len(expected)
    in_nov = MemberFilter(date_from=date(2026, 11, 1), date_to=date(2026, 11, 30))
    assert names(members.member_page(db, in_nov, today=TODAY)) == [("王五", 2026, "ZY")]
    assert members.count_members(db, MemberFilter(year=2026), TODAY) == 4
    assert names(members.member_page(db, MemberFilter(text="王"), today=TODAY)) == [("王五", 2026, "ZY")]
    assert len(members.member_page(db, MemberFilter(text=LI), today=TODAY).rows) == 2
    row = by_plan.rows[0]
    assert row.id_masked.startswith(row.id_number[:6]) and "****" in row.id_masked


def test_member_list_pages_from_both_ends(db, data):
    f = MemberFilter()
    first = members.member_page(db, f, limit=4, today=TODAY)
    assert len(first.rows) == 4 and first.more
    rest = members.member_page(db, f, after=first.rows[-1].key, limit=4, today=TODAY)
    assert len(rest.rows) == 2 and not rest.more
    last = members.member_page(db, f, tail=True, limit=2, today=TODAY)
    assert [r.enrollment_id for r in last.rows] == [r.enrollment_id for r in rest.rows]
    back = members.member_page(db, f, before=last.rows[0].key, limit=4, today=TODAY)
    assert [r.enrollment_id for r in back.rows] == [r.enrollment_id for r in first.rows]


def test_export_masks_ids_unless_the_role_may_and_audits_full_ones(db, data, actors, tmp_path):
    out = tmp_path / "members.xlsx"
    res = members.export_members(db, actors[Role.CLERK], MemberFilter(plan_id=data["zy26"]), out,
                                 full_ids=True, today=TODAY)
    assert res.rows == 3 and not res.full_ids
    ws = load_workbook(out).active
    assert "2026年 ZY" in ws.cell(1, 1).value
    assert ws.cell(2, 2).value == "身份证号"
    ids = [ws.cell(r, 2).value for r in range(3, 6)]
    assert all("********" in i for i in ids) and ZHANG not in ids
    # as every list export (query.export.export_table): count and date in the title, fingerprint last
    assert "参保会员（导出于 " in ws.cell(1, 1).value and "共 3 条" in ws.cell(1, 1).value
    assert ws.cell(ws.max_row, 1).value.startswith("审计指纹：")
    res = members.export_members(db, actors[Role.MANAGER], MemberFilter(plan_id=data["zy26"]), out,
                                 full_ids=True, today=TODAY)
    assert res.full_ids
    ws = load_workbook(out).active
    assert {ws.cell(r, 2).value for r in range(3, 6)} == {ZHANG, LI, WANG}
    with db.read() as s:
        assert s.execute(select(AuditLog).where(AuditLog.action == "export_full_ids")).scalar_one()


def test_name_filter_with_many_matches_gives_the_same_rows(db, data, monkeypatch):
    few = members.member_page(db, MemberFilter(text="李"), today=TODAY)
    monkeypatch.setattr(people_search, "FEW_PEOPLE", 0)     # as for a common surname on a big office
    many = members.member_page(db, MemberFilter(text="李"), today=TODAY)
    assert [r.enrollment_id for r in many.rows] == [r.enrollment_id for r in few.rows] and len(few.rows) == 2
    assert members.count_members(db, MemberFilter(text=LI[:10]), TODAY) == 2
