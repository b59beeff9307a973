"""互助计划 service (app.services.mutual_aid.plans): create with every bad field named, the code unique
per year, 「复制上年计划」, what may change once members and claims exist, permissions, audit."""
from datetime import date

import pytest
from sqlalchemy import select

from app.db.models import AuditLog
from app.db.models_mutual_aid import MaEnrollment
from app.domain.enums import Role
from app.domain.errors import Conflict, NotFound, PermissionDenied, ValidationError
from app.domain.mutual_aid import PlanKind, Tier
from app.services import maintenance
from app.services.mutual_aid import plans
from app.services.mutual_aid.plans import PlanInput

from .mutual_aid_data import add_claim, add_employer, add_person, enroll


def daily_input(**kw) -> PlanInput:
    values = dict(year=2026, code="zy", name="住院津贴互助保障", kind="daily", premium="60", max_shares=3,
                  term_start="2026-01-01", term_end="2026-12-31", waiting_days=90, deductible_days=3,
                  daily="40", stay_day_cap=180, term_cap="7,200")
    values.update(kw)
    return PlanInput(**values)


def test_create_a_daily_plan_and_read_it_back(db, actors):
    rec = plans.create_plan(db, actors[Role.MANAGER], daily_input())
    assert (rec.year, rec.code, rec.kind, rec.premium_fen, rec.max_shares) == (2026, "ZY", PlanKind.DAILY, 6000, 3)
    assert (rec.rule.daily_fen, rec.rule.deductible_days, rec.rule.term_cap_fen) == (4000, 3, 720_000)
    assert rec.summary == "住院津贴：免赔3天，每天¥40/份，单次住院最多给付180天，30天内同病因再次住院合并计算，本期最高¥7,200/份"
    assert plans.get_plan(db, rec.id) == rec
    assert plans.plan_by_code(db, "zy").id == rec.id
    assert [p.id for p in plans.list_plans(db, 2026)] == [rec.id] and plans.plan_years(db) == [2026]
    with db.read() as s:
        row = s.scalars(select(AuditLog).where(AuditLog.entity == "plan")).one()
    assert row.action == "create" and '"daily_fen":4000' in row.after
    assert maintenance.check(db).ok



def test_lump_and_reimburse_plans_are_saved_with_their_parameters(db, actors):
    lump = plans.create_plan(db, actors[Role.MANAGER], PlanInput(
        year=2026, code="TJ", name="女职工特殊疾病", kind="lump", premium="30", term_start="2026-01-01",
        term_end="2026-12-31", male_ages=None, tiers=(("乳腺癌", "10,000"), ("宫颈癌", "8000"), ("", ""))))
    assert lump.rule.tiers == (Tier("乳腺癌", 1_000_000), Tier("宫颈癌", 800_000)) and lump.rule.male_ages is None
    reim = plans.create_plan(db, actors[Role.MANAGER], PlanInput(
        year=2026, code="YL", name="住院医疗", kind="reimburse", premium="50", term_start="2026-01-01",
        term_end="2026-12-31", threshold="500", ratio_percent="82.5%", term_cap="20000"))
    assert (reim.rule.threshold_fen, reim.rule.ratio_bp) == (50_000, 8250)
    assert plans.plan_input(reim).ratio_percent == "82.5"
    assert plans.plan_input(lump).tiers == (("乳腺癌", "10000.00"), ("宫颈癌", "8000.00"))


def test_every_bad_field_is_named_at_once(db, actors):
    with pytest.raises(ValidationError) as e:
        plans.create_plan(db, actors[Role.MANAGER], daily_input(
            code="住院", premium="-5", term_end="2025-12-31", daily="0", max_shares=0, ratio_percent="x"))
    assert e.value.fields == ["计划编号", "每份保费", "保障期", "最多份数", "每日津贴"]
    with pytest.raises(ValidationError) as e:
        plans.create_plan(db, actors[Role.MANAGER], daily_input(term_end="2025-13-01", daily="x", max_shares=""))
    assert e.value.fields == ["保障期结束", "每日津贴", "最多份数"]
    with pytest.raises(ValidationError, match="最多保留两位小数"):
        plans.create_plan(db, actors[Role.MANAGER], daily_input(daily="40.001"))
    with pytest.raises(ValidationError, match="报销比例"):
        plans.create_plan(db, actors[Role.MANAGER], daily_input(kind="reimburse", ratio_percent="80.005"))
    with pytest.raises(ValidationError, match="应在2026年内"):
        plans.create_plan(db, actors[Role.MANAGER], daily_input(term_start="2025-07-01"))


def test_code_unique_per_year(db, actors):
    mgr = actors[Role.MANAGER]
    plans.create_plan(db, mgr, daily_input())
    with pytest.raises(ValidationError, match="2026年已有编号为 ZY 的计划「住院津贴互助保障」"):
        plans.create_plan(db, mgr, daily_input(name="另一个"))
    plans.create_plan(db, mgr, daily_input(year=2027, term_start="2027-01-01", term_end="2027-12-31"))


def test_copy_last_years_plan_for_the_next_year(db, actors):
    mgr = actors[Role.MANAGER]
    old = plans.create_plan(db, mgr, daily_input(year=2024, term_start="2024-03-01", term_end="2025-02-28"))
    new = plans.copy_to_next_year(db, mgr, old.id)
    assert (new.year, new.code, new.rule.term_start, new.rule.term_end) == (2025, "ZY", date(2025, 3, 1),
                                                                           date(2026, 2, 28))
    assert new.rule.daily_fen == old.rule.daily_fen and new.premium_fen == old.premium_fen
    with pytest.raises(ValidationError, match="2025年已有编号为 ZY"):
        plans.copy_to_next_year(db, mgr, old.id)
    assert plans.plan_by_code(db, "ZY").id == new.id           # the latest year
    assert plans.plan_by_code(db, "ZY", 2024).id == old.id
    with pytest.raises(NotFound, match="现有计划编号：ZY"):
        plans.plan_by_code(db, "XX")


def test_a_plan_with_members_keeps_premium_and_cover_with_claims_keeps_its_rule(db, actors):
    mgr = actors[Role.MANAGER]
    rec = plans.create_plan(db, mgr, daily_input())
    # nothing on it yet: anything may change
    rec = plans.update_plan(db, mgr, rec.id, daily_input(premium="80", daily="50"))
    assert (rec.premium_fen, rec.rule.daily_fen) == (8000, 5000)
    with db.write() as s:
        from app.db.models_mutual_aid import MaPlan
        emp = add_employer(s)
        p = add_person(s, "张三", "110105198001010019", "M", date(1980, 1, 1), emp)
        enroll(s, s.get(MaPlan, rec.id), emp, [p], paid_on=date(2026, 1, 10))
    with pytest.raises(Conflict, match="已有 1 人参保.*每份保费、观察期"):
        plans.update_plan(db, mgr, rec.id, daily_input(premium="60", daily="50", waiting_days=30))
    rec = plans.update_plan(db, mgr, rec.id, daily_input(premium="80", daily="45", name="住院津贴"))
    assert (rec.rule.daily_fen, rec.name, rec.members) == (4500, "住院津贴", 1)
    with db.write() as s:
        add_claim(s, s.scalars(select(MaEnrollment)).one(), admission=date(2026, 5, 1), days=10,
                  benefit_fen=31_500)
    with pytest.raises(Conflict, match="已有 1 件申请.*每日津贴"):
        plans.update_plan(db, mgr, rec.id, daily_input(premium="80", daily="40", name="住院津贴"))
    rec = plans.update_plan(db, mgr, rec.id, daily_input(premium="80", daily="45", name="住院津贴计划",
                                                          note="2026年度"))
    assert (rec.name, rec.note, rec.claims) == ("住院津贴计划", "2026年度", 1)
    with db.read() as s:
        last = s.scalars(select(AuditLog).where(AuditLog.entity == "plan").order_by(AuditLog.id.desc())).first()
    assert last.action == "update" and last.before == '{"name":"住院津贴","note":""}'
    assert maintenance.check(db).ok


def test_only_managers_change_plans(db, actors):
    with pytest.raises(PermissionDenied):
        plans.create_plan(db, actors[Role.CLERK], daily_input())
    rec = plans.create_plan(db, actors[Role.MANAGER], daily_input())
    for role in (Role.CLERK, Role.CASEWORKER):
        with pytest.raises(PermissionDenied):
            plans.copy_to_next_year(db, actors[role], rec.id)
        with pytest.raises(PermissionDenied):
            plans.update_plan(db, actors[role], rec.id, daily_input())


def test_new_plan_defaults_come_from_the_office_settings(db, admin):
    from app.services import settings
    settings.save(db, admin, {"mutual_aid.waiting_days": 180, "mutual_aid.female_max_age": 50})
    form = plans.new_plan_defaults(db, 2027)
    assert (form.waiting_days, form.female_ages, form.male_ages, form.term_start) == (
        180, (16, 50), (16, 60), date(2027, 1, 1))
