"""互助计划: plans per year with their rule (DESIGN §4 "Mutual aid").

Contract: every function opens its own unit of work and returns frozen dataclasses; any thread.
Writes need ``Perm.MA_PLANS`` (managers) and are audited with the plan's columns before and after.
What may change depends on what the plan already carries:
* no member, no claim: everything;
* members enrolled: the benefit parameters (deductible, daily amount, caps, tiers, 起付, ratio), the
  name and the note — not the premium, 份, term, waiting period, grace, eligibility, kind, year or
  code, which the members' premiums and cover dates were made from;
* claims entered: only the name and the note (a claim's benefit was computed by the rule).
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, select

from app.db import Database
from app.db.models_mutual_aid import MaClaim, MaEnrollment, MaPlan
from app.domain import clock
from app.domain.actor import Actor
from app.domain.dates import parse_date
from app.domain.errors import Collector, Conflict, NotFound, ValidationError
from app.domain.money import parse_yuan, to_decimal
from app.domain.mutual_aid import BASIS_POINTS, PlanKind, PlanRule, Tier, rule_errors, rule_summary
from app.domain.permissions import Perm
from app.domain.validation import check_text, checked, clean_text, is_blank

from .. import audit, settings
from ..access import require
from .cover import plan_rule, tiers_to_json

CODE_FIELD = "计划编号"


@dataclass(frozen=True)
class PlanInput:
    """The plan form's values as typed: money in yuan (「40」「1,234.50」), the ratio in percent,
    dates as ``date`` or text, ages as (min, max) or None (that gender may not join)."""
    year: int | str
    code: str
    name: str
    kind: PlanKind | str
    premium: Any                                   # per 份, yuan
    max_shares: int | str = 1
    term_start: date | str | None = None
    term_end: date | str | None = None
    male_ages: tuple[int, int] | None = (16, 60)
    female_ages: tuple[int, int] | None = (16, 55)
    members_only: bool = True
    waiting_days: int | str = 90
    renewal_grace_days: int | str = 30
    deductible_days: int | str = 0                 # daily
    daily: Any = ""                                # daily: yuan per day per 份
    stay_day_cap: int | str | None = None          # daily: blank = no cap
    readmission_days: int | str = 30               # daily
    tiers: tuple[tuple[str, Any], ...] = ()        # lump: (name, yuan per 份)
    threshold: Any = ""                            # reimburse: 起付, yuan
    ratio_percent: Any = "100"                     # reimburse
    term_cap: Any = ""                             # yuan per 份; blank = no cap
    note: str = ""


@dataclass(frozen=True)
class PlanRecord:
    id: int
    year: int
    code: str
    name: str
    kind: PlanKind
    premium_fen: int
    max_shares: int
    rule: PlanRule
    summary: str                                   # the rule in one line
    note: str
    members: int
    claims: int

    @property
    def kind_label(self) -> str:
        return self.kind.label

    @property
    def label(self) -> str:
        return f"{self.year} {self.code} {self.name}"


# The columns of each kind of change (see the module docstring).
FREE_COLUMNS = frozenset({"name", "note"})
BENEFIT_COLUMNS = frozenset({"deductible_days", "daily_fen", "stay_day_cap", "readmission_days", "tiers",
                             "threshold_fen", "ratio_bp", "term_cap_fen"})


def changeable_columns(members: int, claims: int) -> frozenset[str] | None:
    """The columns a plan with ``members`` enrollments and ``claims`` claims may still change
    (None: all of them) — the one rule ``update_plan`` refuses by and the plan form locks by."""
    if claims:
        return FREE_COLUMNS
    if members:
        return FREE_COLUMNS | BENEFIT_COLUMNS
    return None
_COLUMN_LABELS = {
    "year": "年度", "code": CODE_FIELD, "kind": "给付类型", "premium_fen": "每份保费", "max_shares": "最多份数",
    "term_start": "保障期开始", "term_end": "保障期结束", "male_min_age": "男性年龄", "male_max_age": "男性年龄",
    "female_min_age": "女性年龄", "female_max_age": "女性年龄", "members_only": "限工会会员",
    "waiting_days": "观察期", "renewal_grace_days": "续保宽限期", "deductible_days": "免赔天数",
    "daily_fen": "每日津贴", "stay_day_cap": "单次住院最高给付天数", "readmission_days": "再次住院合并天数",
    "tiers": "病种档次", "threshold_fen": "起付标准", "ratio_bp": "报销比例", "term_cap_fen": "本期最高给付额",
}


def _int(value: Any, field: str, errors: Collector, *, optional: bool = False) -> int | None:
    if is_blank(value):
        if optional:
            return None
        errors.add(field, "请填写整数")
        return None
    try:
        if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
            raise ValueError
        return int(str(value).strip()) if not isinstance(value, int) else value
    except (TypeError, ValueError):
        errors.add(field, f"「{value}」不是整数，请填写数字")
        return None


def _ratio_bp(value: Any, errors: Collector) -> int:
    text = clean_text(value).rstrip("%％").strip()
    try:
        pct = Decimal(text)
        bp = pct * 100
        if not pct.is_finite() or bp != bp.to_integral_value():
            raise InvalidOperation
        return int(bp)
    except InvalidOperation:
        errors.add("报销比例", f"「{value}」不是百分数，请填写例如 80 或 82.5（最多两位小数）")
        return BASIS_POINTS


def _columns(data: PlanInput) -> dict[str, Any]:
    """Checked column values of a plan from the form; every bad field reported at once."""
    errors = Collector()
    year = _int(data.year, "年度", errors)
    if year is not None and not 2000 <= year <= 2100:
        errors.add("年度", "应为 2000 至 2100 年")
    code = clean_text(data.code).upper()
    if not code:
        errors.add(CODE_FIELD, "请填写计划编号，例如 ZY（住院津贴）")
    elif len(code) > 20 or not all(ch.isascii() and (ch.isalnum() or ch in "-_") for ch in code):
        errors.add(CODE_FIELD, "只能用字母、数字、- 和 _，不超过 20 个字符")
    name = checked(errors, check_text, data.name, "计划名称", 60, required=True, default="")
    try:
        kind = PlanKind(data.kind)
    except ValueError:
        errors.add("给付类型", "请选择 住院津贴、定额给付 或 住院医疗")
        kind = PlanKind.DAILY
    premium = checked(errors, parse_yuan, data.premium, "每份保费", allow_zero=False, default=0)
    start = checked(errors, parse_date, data.term_start or "", "保障期开始")
    end = checked(errors, parse_date, data.term_end or "", "保障期结束")
    daily = checked(errors, parse_yuan, data.daily, "每日津贴", default=0) if kind is PlanKind.DAILY else 0
    threshold = (checked(errors, parse_yuan, data.threshold, "起付标准", default=0)
                 if kind is PlanKind.REIMBURSE else 0)
    cap = None if is_blank(data.term_cap) else checked(errors, parse_yuan, data.term_cap, "本期最高给付额",
                                                        default=None)
    tiers: list[Tier] = []
    if kind is PlanKind.LUMP:
        for tier_name, amount in data.tiers:
            if is_blank(tier_name) and is_blank(amount):
                continue
            fen = checked(errors, parse_yuan, amount, f"病种「{clean_text(tier_name)}」的给付金额", default=0)
            tiers.append(Tier(clean_text(tier_name)[:60], fen))
    values = dict(
        year=year, code=code, name=name, kind=kind.value, premium_fen=premium,
        max_shares=_int(data.max_shares, "最多份数", errors), term_start=start, term_end=end,
        male_min_age=data.male_ages[0] if data.male_ages else None,
        male_max_age=data.male_ages[1] if data.male_ages else None,
        female_min_age=data.female_ages[0] if data.female_ages else None,
        female_max_age=data.female_ages[1] if data.female_ages else None,
        members_only=bool(data.members_only),
        waiting_days=_int(data.waiting_days, "观察期", errors),
        renewal_grace_days=_int(data.renewal_grace_days, "续保宽限期", errors),
        deductible_days=_int(data.deductible_days, "免赔天数", errors) if kind is PlanKind.DAILY else 0,
        daily_fen=daily,
        stay_day_cap=(_int(data.stay_day_cap, "单次住院最高给付天数", errors, optional=True)
                      if kind is PlanKind.DAILY else None),
        readmission_days=(_int(data.readmission_days, "再次住院合并天数", errors)
                          if kind is PlanKind.DAILY else 30),
        tiers=tiers_to_json(tiers),
        threshold_fen=threshold,
        ratio_bp=_ratio_bp(data.ratio_percent, errors) if kind is PlanKind.REIMBURSE else BASIS_POINTS,
        term_cap_fen=cap,
        note=checked(errors, check_text, data.note, "说明", 1000, default=""),
    )
    if start and year and start.year != year:
        errors.add("保障期开始", f"应在{year}年内（计划年度）")
    reported = {f for f, _ in errors.errors} | ({"保障期"} if not (start and end) else set())
    checkable = {k: (v if v is not None or k not in _REQUIRED_INTS else 0) for k, v in values.items()}
    checkable.update(term_start=start or date(2000, 1, 1), term_end=end or date(2000, 1, 1))
    for field, message in rule_errors(_rule_of(checkable)):
        if field not in reported:          # a field that did not parse is reported once
            errors.add(field, message)
    errors.raise_if_any()
    return values


_REQUIRED_INTS = ("max_shares", "waiting_days", "renewal_grace_days", "deductible_days", "readmission_days")


def _rule_of(values: dict[str, Any]) -> PlanRule:
    return plan_rule(MaPlan(**{k: v for k, v in values.items()}))


def _audit(plan: MaPlan) -> dict[str, Any]:
    return {c.name: getattr(plan, c.name) for c in MaPlan.__table__.c
            if c.name not in ("id", "created_at", "updated_at", "created_by")}


def _record(plan: MaPlan, members: int, claims: int) -> PlanRecord:
    rule = plan_rule(plan)
    return PlanRecord(id=plan.id, year=plan.year, code=plan.code, name=plan.name, kind=PlanKind(plan.kind),
                      premium_fen=plan.premium_fen, max_shares=plan.max_shares, rule=rule,
                      summary=rule_summary(rule), note=plan.note, members=members, claims=claims)


def _counts(s, plan_id: int) -> tuple[int, int]:
    members = s.scalar(select(func.count()).where(MaEnrollment.plan_id == plan_id))
    claims = s.scalar(select(func.count()).where(MaClaim.plan_id == plan_id))
    return int(members or 0), int(claims or 0)


def _check_unique(s, year: int, code: str, plan_id: int | None) -> None:
    other = s.execute(select(MaPlan.id, MaPlan.name).where(MaPlan.year == year, MaPlan.code == code)).first()
    if other is not None and other.id != plan_id:
        raise ValidationError([(CODE_FIELD, f"{year}年已有编号为 {code} 的计划「{other.name}」，请换一个编号")])


def create_plan(db: Database, actor: Actor, data: PlanInput, now: datetime | None = None) -> PlanRecord:
    """A new plan; ValidationError naming every bad field, or a code already used that year."""
    require(actor, Perm.MA_PLANS)
    values = _columns(data)
    now = now or clock.now()
    with db.write() as s:
        _check_unique(s, values["year"], values["code"], None)
        plan = MaPlan(**values, created_by=actor.user_id, created_at=now, updated_at=now)
        s.add(plan)
        s.flush()
        audit.record(s, actor, "plan", plan.id, "create", None, _audit(plan))
        return _record(plan, 0, 0)


def update_plan(db: Database, actor: Actor, plan_id: int, data: PlanInput,
                now: datetime | None = None) -> PlanRecord:
    """Change a plan within what its members and claims allow (module docstring); Conflict names
    the fields that may no longer change and why."""
    require(actor, Perm.MA_PLANS)
    values = _columns(data)
    now = now or clock.now()
    with db.write() as s:
        plan = s.get(MaPlan, plan_id)
        if plan is None:
            raise NotFound(f"找不到编号为 {plan_id} 的互助计划", "plan not found")
        members, claims = _counts(s, plan_id)
        before = _audit(plan)
        changed = [k for k, v in values.items() if before.get(k) != v]
        allowed = changeable_columns(members, claims)
        if allowed is not None:
            locked = [k for k in changed if k not in allowed]
            if locked:
                names = "、".join(dict.fromkeys(_COLUMN_LABELS.get(k, k) for k in locked))
                why = (f"已有 {claims} 件申请按现在的规则计算，给付规则不能再改（只能改名称和说明）" if claims
                       else f"已有 {members} 人参保，保费、份数、保障期、观察期和参保条件不能再改")
                raise Conflict(f"计划「{plan.name}」{why}：{names}。如规则有变，请新建下一年度的计划",
                               "plan in use")
        _check_unique(s, values["year"], values["code"], plan_id)
        if not changed:
            return _record(plan, members, claims)
        for k in changed:
            setattr(plan, k, values[k])
        plan.updated_at = now
        s.flush()
        after = _audit(plan)
        audit.record(s, actor, "plan", plan.id, "update", {k: before[k] for k in changed},
                     {k: after[k] for k in changed})
        return _record(plan, members, claims)


def _next_year(d: date) -> date:
    day = min(d.day, calendar.monthrange(d.year + 1, d.month)[1])     # 2月29日 → 2月28日
    return date(d.year + 1, d.month, day)


def copy_to_next_year(db: Database, actor: Actor, plan_id: int, now: datetime | None = None) -> PlanRecord:
    """「复制上年计划」: the same plan (code, rule, premium) for the next year, its term one year on.
    ValidationError when the next year already has a plan with that code."""
    require(actor, Perm.MA_PLANS)
    now = now or clock.now()
    with db.write() as s:
        plan = s.get(MaPlan, plan_id)
        if plan is None:
            raise NotFound(f"找不到编号为 {plan_id} 的互助计划", "plan not found")
        values = _audit(plan)
        values.update(year=plan.year + 1, term_start=_next_year(plan.term_start),
                      term_end=_next_year(plan.term_end))
        _check_unique(s, values["year"], values["code"], None)
        new = MaPlan(**values, created_by=actor.user_id, created_at=now, updated_at=now)
        s.add(new)
        s.flush()
        audit.record(s, actor, "plan", new.id, "create", None, {**_audit(new), "copied_from": plan.id})
        return _record(new, 0, 0)


def get_plan(db: Database, plan_id: int) -> PlanRecord:
    with db.read() as s:
        plan = s.get(MaPlan, plan_id)
        if plan is None:
            raise NotFound(f"找不到编号为 {plan_id} 的互助计划", "plan not found")
        return _record(plan, *_counts(s, plan_id))


def plan_by_code(db: Database, code: str, year: int | None = None) -> PlanRecord:
    """The plan with this code in ``year`` (None: the latest year that has it). NotFound names the
    codes that exist, so a typo at the command line is easy to fix."""
    code = clean_text(code).upper()
    with db.read() as s:
        q = select(MaPlan).where(MaPlan.code == code)
        q = q.where(MaPlan.year == year) if year is not None else q.order_by(MaPlan.year.desc())
        plan = s.scalars(q.limit(1)).first()
        if plan is None:
            known = sorted(set(s.scalars(select(MaPlan.code))))
            where = f"{year}年" if year is not None else ""
            hint = f"现有计划编号：{'、'.join(known)}" if known else "还没有设置互助计划"
            raise NotFound(f"{where}没有编号为 {code} 的互助计划（{hint}）", f"no plan {code}")
        return _record(plan, *_counts(s, plan.id))


def list_plans(db: Database, year: int | None = None) -> list[PlanRecord]:
    """Plans of ``year`` (None: all), newest year first, by code; with members and claims counted."""
    with db.read() as s:
        q = select(MaPlan).order_by(MaPlan.year.desc(), MaPlan.code)
        if year is not None:
            q = q.where(MaPlan.year == year)
        plans = list(s.scalars(q))
        ids = [p.id for p in plans]
        members = dict(s.execute(select(MaEnrollment.plan_id, func.count()).where(MaEnrollment.plan_id.in_(ids))
                                 .group_by(MaEnrollment.plan_id)).all()) if ids else {}
        claims = dict(s.execute(select(MaClaim.plan_id, func.count()).where(MaClaim.plan_id.in_(ids))
                                .group_by(MaClaim.plan_id)).all()) if ids else {}
        return [_record(p, members.get(p.id, 0), claims.get(p.id, 0)) for p in plans]


def plan_years(db: Database) -> list[int]:
    with db.read() as s:
        return sorted(s.scalars(select(MaPlan.year).distinct()), reverse=True)


def new_plan_defaults(db: Database, year: int) -> PlanInput:
    """A blank plan form for ``year`` with the office's defaults (settings 「互助保障」)."""
    cfg = settings.load(db)
    lo = cfg["mutual_aid.min_age"]
    return PlanInput(year=year, code="", name="", kind=PlanKind.DAILY, premium="",
                     max_shares=cfg["mutual_aid.max_shares"], term_start=date(year, 1, 1),
                     term_end=date(year, 12, 31), male_ages=(lo, cfg["mutual_aid.male_max_age"]),
                     female_ages=(lo, cfg["mutual_aid.female_max_age"]),
                     waiting_days=cfg["mutual_aid.waiting_days"],
                     renewal_grace_days=cfg["mutual_aid.renewal_grace_days"],
                     readmission_days=cfg["mutual_aid.readmission_days"])


def plan_input(record: PlanRecord) -> PlanInput:
    """The form's values of a saved plan (to edit it)."""
    r = record.rule

    def yuan(fen: int | None) -> str:
        return "" if fen is None else f"{to_decimal(fen)}"
    return PlanInput(year=record.year, code=record.code, name=record.name, kind=record.kind,
                     premium=yuan(record.premium_fen), max_shares=r.max_shares, term_start=r.term_start,
                     term_end=r.term_end, male_ages=r.male_ages, female_ages=r.female_ages,
                     members_only=r.members_only, waiting_days=r.waiting_days,
                     renewal_grace_days=r.renewal_grace_days, deductible_days=r.deductible_days,
                     daily=yuan(r.daily_fen) if r.kind is PlanKind.DAILY else "",
                     stay_day_cap=r.stay_day_cap, readmission_days=r.readmission_days,
                     tiers=tuple((t.name, yuan(t.sum_fen)) for t in r.tiers),
                     threshold=yuan(r.threshold_fen) if r.kind is PlanKind.REIMBURSE else "",
                     ratio_percent=f"{(Decimal(r.ratio_bp) / 100).normalize():f}",
                     term_cap=yuan(r.term_cap_fen), note=record.note)


def plan_choices(db: Database) -> list[tuple[int, str]]:
    """(plan id, 「2026 ZY 住院津贴互助保障」) of every plan, newest year first: a list filter's choices."""
    with db.read() as s:
        rows = s.execute(select(MaPlan.id, MaPlan.year, MaPlan.code, MaPlan.name)
                         .order_by(MaPlan.year.desc(), MaPlan.code)).all()
    return [(pid, f"{year} {code} {name}") for pid, year, code, name in rows]


__all__ = ["PlanInput", "PlanRecord", "copy_to_next_year", "create_plan", "get_plan", "list_plans",
           "new_plan_defaults", "plan_by_code", "plan_choices", "plan_input", "plan_years", "update_plan"]
