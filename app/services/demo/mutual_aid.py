"""Demo data of the mutual-aid ledger 职工互助保障: five plans for each of the three years up to the
demo's today (住院津贴 daily, 住院医疗 reimburse, 重大疾病 and 女职工特殊疾病 lump, 意外伤害 lump), about one
member per ten registrations (100,000 at 1,000,000) drawn from the union members of the employers
with a union, one premium batch per union, plan and year, and about three claims per hundred
registrations (30,000) computed by the plan's rule (``app.domain.mutual_aid.compute``, in event order,
so that the waiting period, deductible, caps and once-per-term refusals come out as they would at the
desk), decided and paid as far as the demo's today allows.

Two ways in: the demo step ``_mutual_aid`` (``STEPS`` of ``app.services.demo``), and
``add_to_existing(db)`` for a demo database made before the ledger existed (the benchmark's 1M
database): it refuses a database that already has plans, takes the seed and size from the demo's
audit row and "today" from the newest registration, and writes in one transaction. Rows are bulk
inserted with explicit ids (no ORM object per row, no audit per row); claim numbers continue in the
counters table.
"""
from __future__ import annotations

import json
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, insert, select

from app.db import Database
from app.db.models import AuditLog, Base, Counter, Employer, Person, Registration, User
from app.db.models_mutual_aid import MaBatch, MaClaim, MaEnrollment, MaPlan
from app.domain.actor import SYSTEM_ACTOR
from app.domain.errors import UserError
from app.domain.money import format_yuan
from app.domain.mutual_aid import (COUNTED_STATES, ClaimFacts, ClaimState, Cover, History, PlanKind,
                                   PriorStay, Refusal, compute, cover_dates)

from .run import BATCH, DemoRun

CLAIM_COUNTER = "ma_claim"          # as app.services.mutual_aid.claims numbers them


@dataclass(frozen=True)
class _PlanDef:
    code: str
    name: str
    kind: PlanKind
    premium_fen: int
    max_shares: int
    share: float                    # of the members who join it
    claim_share: float              # of the claims
    women_only: bool = False
    values: tuple = ()              # the rule's columns


PLANS = (     # claim shares give a 赔付率 of roughly 40–80 % per plan, as offices report
    _PlanDef("ZYJT", "住院津贴互助保障", PlanKind.DAILY, 6000, 3, 0.9, 0.885, values=(
        ("deductible_days", 3), ("daily_fen", 4000), ("stay_day_cap", 180), ("term_cap_fen", 720_000))),
    _PlanDef("ZYYL", "住院医疗互助保障", PlanKind.REIMBURSE, 5000, 2, 0.35, 0.09, values=(
        ("threshold_fen", 100_000), ("ratio_bp", 5000), ("term_cap_fen", 2_000_000))),
    _PlanDef("ZJ", "重大疾病互助保障", PlanKind.LUMP, 3000, 3, 0.5, 0.01, values=(
        ("tiers", [("恶性肿瘤", 1_000_000, 8), ("急性心肌梗塞", 1_000_000, 3), ("脑中风后遗症", 1_000_000, 3),
                   ("重大器官移植术", 1_000_000, 1), ("终末期肾病", 800_000, 2)]),)),
    _PlanDef("NZ", "女职工特殊疾病互助保障", PlanKind.LUMP, 2000, 2, 0.55, 0.005, women_only=True, values=(
        ("tiers", [("乳腺癌", 800_000, 8), ("宫颈癌", 800_000, 4), ("卵巢癌", 800_000, 2),
                   ("子宫内膜癌", 800_000, 2)]),)),
    _PlanDef("YW", "意外伤害互助保障", PlanKind.LUMP, 1500, 3, 0.4, 0.01, values=(
        ("tiers", [("意外身故", 2_000_000, 1), ("意外伤残（一至四级）", 1_000_000, 3),
                   ("意外伤残（五至十级）", 200_000, 20)]),)),
)
TIER_WEIGHTS = {name: w for d in PLANS for k, v in d.values if k == "tiers" for name, _f, w in v}

CAUSES = ("肺炎", "急性阑尾炎", "骨折", "腰椎间盘突出", "冠心病", "胆囊结石", "糖尿病", "高血压", "脑梗死",
          "慢性胃炎", "肾结石", "支气管炎", "甲状腺结节", "子宫肌瘤", "白内障")
HOSPITALS = ("北京朝阳医院", "中日友好医院", "首都医科大学附属北京安贞医院", "北京市垂杨柳医院",
             "民航总医院", "北京中医药大学第三附属医院", "北京市第一中西医结合医院", "应急总医院")
NOT_LISTED = ("高血压", "良性肿瘤", "轻度脑震荡")


def _at(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(9)) + timedelta(minutes=rng.randrange(8 * 60))


def _plans(run: DemoRun, years: list[int], now: datetime) -> list[dict]:
    s = run.session
    first = (s.scalar(select(func.max(MaPlan.id))) or 0) + 1
    rows = []
    for year in years:
        for d in PLANS:
            row = dict(id=first + len(rows), year=year, code=d.code, name=d.name, kind=d.kind.value,
                       premium_fen=d.premium_fen, max_shares=d.max_shares, term_start=date(year, 1, 1),
                       term_end=date(year, 12, 31), male_min_age=None if d.women_only else 16,
                       male_max_age=None if d.women_only else 60, female_min_age=16, female_max_age=55,
                       members_only=True, waiting_days=90 if d.kind is not PlanKind.LUMP else 180,
                       renewal_grace_days=30, deductible_days=0, daily_fen=0, stay_day_cap=None,
                       readmission_days=30, tiers="[]", threshold_fen=0, ratio_bp=10_000,
                       term_cap_fen=None, note="演示数据", created_by=None,
                       created_at=datetime(year - 1, 11, 1, 9), updated_at=datetime(year - 1, 11, 1, 9))
            if d.code == "YW":
                row["waiting_days"] = 0                   # accidents: no waiting period
            for k, v in d.values:
                row[k] = (json.dumps([{"name": n, "sum_fen": f} for n, f, _w in v], ensure_ascii=False)
                          if k == "tiers" else v)
            rows.append(row)
    s.execute(insert(MaPlan.__table__), rows)
    return rows


def _members(run: DemoRun, target: int, first_year: int) -> list[tuple]:
    """``target`` union members (person id, gender, birth, employer) of employers with a union, at
    least 16 on the first plan year's start and at most 55 on the last one's (eligible throughout)."""
    s = run.session
    lo, hi = date(first_year + 2 - 55, 1, 2), date(first_year - 16, 1, 1)
    rows = s.execute(select(Person.id, Person.gender, Person.birth_date, Person.employer_id)
                     .join(Employer, Employer.id == Person.employer_id)
                     .where(Employer.has_union.is_(True), Person.is_member.is_(True),
                            Person.birth_date >= lo, Person.birth_date <= hi)
                     .order_by(Person.id)).all()
    rng = run.rng("mutual_aid/members")
    return sorted(rng.sample(rows, min(target, len(rows))))


def _mutual_aid(run: DemoRun) -> str:
    if run.registrations <= 0:
        return "互助保障 0 人"
    s = run.session
    today = run.base_time.date()
    now = run.base_time
    years = [today.year - 2, today.year - 1, today.year]
    target = max(60, run.registrations // 10)
    claims_target = max(20, run.registrations * 3 // 100)
    run.report(0.0, "正在生成互助保障计划")
    plans = _plans(run, years, now)
    plan_of = {(p["code"], p["year"]): p for p in plans}
    members = _members(run, target, years[0])
    rng = run.rng("mutual_aid/enrollments")
    # who is in which plan in which year (joining and leaving over the three years)
    periods = {}
    for pid, gender, birth, emp in members:
        join = rng.choices(years, weights=(55, 25, 20))[0]
        last = join
        while last < years[-1] and rng.random() < 0.85:
            last += 1
        periods[pid] = (join, last)
    choice: dict[int, dict[str, int]] = {}
    for pid, gender, birth, emp in members:
        picked = {}
        for d in PLANS:
            if d.women_only and gender != "F":
                continue
            if rng.random() < d.share:
                picked[d.code] = min(d.max_shares, rng.choices((1, 2, 3), weights=(70, 20, 10))[0])
        picked = picked or {"ZYJT": 1}
        choice[pid] = picked
    # batches: one per union × plan × year, paid before the term (a few late, the current few unpaid)
    batch_rows, enrol_rows = [], []
    first_batch = (s.scalar(select(func.max(MaBatch.id))) or 0) + 1
    first_enrol = (s.scalar(select(func.max(MaEnrollment.id))) or 0) + 1
    batch_of: dict[tuple[int, str, int], dict] = {}
    covered: dict[tuple[int, str], int] = {}        # (person, code) → last year enrolled
    from app.services.mutual_aid.cover import plan_rule
    rules = {}
    paid_dates: dict[tuple[int, str, int], date | None] = {}
    brng = run.rng("mutual_aid/batches")
    n_members = len(members)
    for year in years:
        for i, (pid, gender, birth, emp) in enumerate(members):
            join, last = periods[pid]
            if not join <= year <= last:
                continue
            for code, shares in choice[pid].items():
                plan = plan_of[(code, year)]
                key = (emp, code, year)
                b = batch_of.get(key)
                if b is None:
                    r = brng.random()
                    if r < 0.8:
                        paid = date(year - 1, 12, 1) + timedelta(days=brng.randrange(28))
                    elif r < 0.97:
                        paid = date(year, 1, 2) + timedelta(days=brng.randrange(50))
                    else:
                        paid = date(year, 3, 1) + timedelta(days=brng.randrange(60))
                    if paid >= today:
                        paid = None
                    created = datetime.combine((paid or today) - timedelta(days=brng.randrange(3, 15)),
                                               time(10))
                    b = batch_of[key] = dict(
                        id=first_batch + len(batch_rows), plan_id=plan["id"], employer_id=emp, members=0,
                        shares=0, premium_fen=0, paid_fen=0, paid_on=paid, payment_ref=(
                            f"银收{year}-{len(batch_rows) + 1:05d}" if paid else ""),
                        source_file=f"{year}年参保名单.xlsx", note="", created_by=None,
                        created_at=min(created, now), updated_at=min(created, now))
                    batch_rows.append(b)
                    paid_dates[key] = paid
                if plan["id"] not in rules:
                    rules[plan["id"]] = plan_rule(MaPlan(**plan))
                rule = rules[plan["id"]]
                prev_year = covered.get((pid, code))
                renewal = prev_year == year - 1
                paid = b["paid_on"]
                dates = (cover_dates(rule, paid, date(year - 1, 12, 31) if renewal else None)
                         if paid else None)
                premium = plan["premium_fen"] * shares
                b["members"] += 1
                b["shares"] += shares
                b["premium_fen"] += premium
                if paid:
                    b["paid_fen"] = b["premium_fen"]
                enrol_rows.append(dict(
                    id=first_enrol + len(enrol_rows), plan_id=plan["id"], person_id=pid, batch_id=b["id"],
                    employer_id=emp, shares=shares, renewal=renewal, premium_fen=premium,
                    cover_start=dates.cover_start if dates else None,
                    waiting_end=dates.waiting_end if dates else None, eligible=True,
                    ineligible_reason="", created_at=b["created_at"]))
                covered[(pid, code)] = year
            if i % 5000 == 0:
                run.report(0.05 + 0.25 * ((years.index(year) + i / max(1, n_members)) / len(years)),
                           f"正在生成参保名单 {year}年")
    if batch_rows:
        s.execute(insert(MaBatch.__table__), batch_rows)
    for start in range(0, len(enrol_rows), BATCH):
        s.execute(insert(MaEnrollment.__table__), enrol_rows[start:start + BATCH])
        run.report(0.3 + 0.3 * start / max(1, len(enrol_rows)), f"正在写入参保记录 {start:,}/{len(enrol_rows):,}")
    claims = _claims(run, plans, rules, enrol_rows, claims_target, today, now)
    distinct = len({e["person_id"] for e in enrol_rows})
    paid_claims = [c for c in claims if c["state"] == ClaimState.PAID.value]
    refused = sum(1 for c in claims if c["state"] == ClaimState.REFUSED.value)
    run.counts.update({"ma_plans": len(plans), "ma_members": distinct, "ma_enrollments": len(enrol_rows),
                       "ma_batches": len(batch_rows), "ma_claims": len(claims), "ma_claims_paid": len(paid_claims),
                       "ma_claims_refused": refused})
    return (f"互助保障计划 {len(plans)} 个（{years[0]}—{years[-1]}年），参保会员 {distinct:,} 人"
            f"（参保记录 {len(enrol_rows):,} 条，缴费批次 {len(batch_rows):,} 个），互助金申请 {len(claims):,} 件"
            f"（已给付 {len(paid_claims):,} 件 {format_yuan(sum(c['benefit_fen'] for c in paid_claims))}，"
            f"不予给付 {refused:,} 件）")


def _claims(run: DemoRun, plans: list[dict], rules: dict, enrol_rows: list[dict], target: int,
            today: date, now: datetime) -> list[dict]:
    s = run.session
    rng = run.rng("mutual_aid/claims")
    kind_of = {p["id"]: p for p in plans}
    by_code: dict[str, list[dict]] = defaultdict(list)
    for e in enrol_rows:
        if e["cover_start"] is not None:
            by_code[kind_of[e["plan_id"]]["code"]].append(e)
    users = dict(s.execute(select(User.username, User.id)).all())
    clerk, manager = users.get("clerk"), users.get("manager")
    facts = []
    for d in PLANS:
        pool = by_code.get(d.code) or []
        if not pool:
            continue
        for _ in range(int(target * d.claim_share)):
            e = rng.choice(pool)
            plan = kind_of[e["plan_id"]]
            lo = e["cover_start"]
            r = rng.random()
            if r < 0.02:
                lo -= timedelta(days=20)                   # an event just before cover started
            elif e["waiting_end"] is not None and r < 0.85:
                lo = e["waiting_end"] + timedelta(days=1)  # most members claim after the waiting period
            hi = min(plan["term_end"], today - timedelta(days=2))
            if hi < lo:
                continue
            event = lo + timedelta(days=rng.randrange((hi - lo).days + 1))
            until, tier, spent, cause = None, "", None, rng.choice(CAUSES)
            if d.kind is PlanKind.DAILY or d.kind is PlanKind.REIMBURSE:
                days = (rng.randint(1, 3) if rng.random() < 0.08
                        else min(4 + int(rng.expovariate(1 / 7)), 60))
                until = min(event + timedelta(days=days), today - timedelta(days=1))
                if d.kind is PlanKind.REIMBURSE:
                    spent = int(rng.lognormvariate(7.9, 0.8)) * 100        # ¥ hundreds to tens of thousands
            else:
                tiers = json.loads(plan["tiers"])
                tier = (rng.choice(NOT_LISTED) if rng.random() < 0.06
                        else rng.choices([t["name"] for t in tiers],
                                         weights=[TIER_WEIGHTS.get(t["name"], 1) for t in tiers])[0])
                cause = tier
            facts.append((event, e, until, tier, spent, cause))
    # a readmission now and then: the same member, the same cause, soon after discharge
    extra = []
    for event, e, until, tier, spent, cause in facts:
        if until is not None and rng.random() < 0.06:
            back = until + timedelta(days=rng.randrange(3, 40))
            if back < today - timedelta(days=2) and back <= kind_of[e["plan_id"]]["term_end"]:
                extra.append((back, e, min(back + timedelta(days=rng.randrange(2, 12)),
                                           today - timedelta(days=1)), tier, spent, cause))
    facts += extra
    facts.sort(key=lambda f: (f[0], f[1]["id"]))
    history: dict[int, History] = {}
    first = (s.scalar(select(func.max(MaClaim.id))) or 0) + 1
    counters: dict[int, int] = {}
    rows = []
    for event, e, until, tier, spent, cause in facts:
        plan = kind_of[e["plan_id"]]
        rule = rules[e["plan_id"]]
        cover = Cover(e["shares"], e["cover_start"], e["waiting_end"])
        h = history.get(e["id"], History())
        result = compute(rule, cover, ClaimFacts(event, until, tier or None, spent, cause), h)
        end = until or event
        received = min(end + timedelta(days=rng.randrange(3, 45)), today - timedelta(days=1))
        state, refusal, decided, paid_on = ClaimState.RECEIVED, None, None, None
        decide = received + timedelta(days=rng.randrange(2, 20))
        if result.refused:
            if decide < today:
                state, refusal, decided = ClaimState.REFUSED, result.refusal.value, decide
        elif decide < today:
            if rng.random() < 0.02:
                state, refusal, decided = ClaimState.REFUSED, Refusal.DOCUMENTS.value, decide
            else:
                state, decided = ClaimState.APPROVED, decide
                pay = decide + timedelta(days=rng.randrange(2, 15))
                if pay < today:
                    state, paid_on = ClaimState.PAID, pay
        if state in COUNTED_STATES:
            stays = h.stays
            if until is not None and result.stay_days is not None:
                stays = stays + (PriorStay(event, until, cause, result.stay_days, result.stay_paid_days or 0),)
            history[e["id"]] = History(h.paid_fen + result.amount_fen, h.counted_claims + 1, stays)
        created = _at(received, rng)
        rows.append(dict(
            enrollment_id=e["id"],
            plan_id=e["plan_id"], person_id=e["person_id"], employer_id=e["employer_id"],
            received_on=received, event_date=event, until_date=until, tier=tier, cause=cause,
            hospital=rng.choice(HOSPITALS) if until is not None else "",
            claimed_fen=(spent * 2 if spent else None), out_of_pocket_fen=spent,
            benefit_fen=result.amount_fen if refusal is None else 0, explanation=result.line[:400],
            stay_days=result.stay_days, paid_days=result.paid_days, stay_paid_days=result.stay_paid_days,
            state=state.value, refusal=refusal,
            decision_note="材料不全，请补充出院小结后重新申请" if refusal == Refusal.DOCUMENTS.value else "",
            entered_by=clerk, decided_by=manager if decided else None, decided_on=decided, paid_on=paid_on,
            voucher="",
            paid_by=clerk if paid_on else None, created_at=created,
            updated_at=datetime.combine(paid_on or decided or received, time(16)) if (paid_on or decided) else created))
    rows.sort(key=lambda r: (r["created_at"], r["enrollment_id"]))   # numbered as received
    for i, r in enumerate(rows):
        year = r["received_on"].year
        counters[year] = counters.get(year, 0) + 1
        r["id"], r["claim_no"] = first + i, f"HZ{year}-{counters[year]:06d}"
        if r["paid_on"]:
            r["voucher"] = f"互付{r['paid_on']:%Y%m}-{i + 1:06d}"
    for start in range(0, len(rows), BATCH):
        s.execute(insert(MaClaim.__table__), rows[start:start + BATCH])
        run.report(0.7 + 0.3 * start / max(1, len(rows)), f"正在写入互助金申请 {start:,}/{len(rows):,}")
    for year, last in counters.items():
        row = s.get(Counter, (CLAIM_COUNTER, year))
        if row is None:
            s.add(Counter(name=CLAIM_COUNTER, year=year, last=last))
        else:
            row.last = max(row.last or 0, last)
    s.flush()
    return rows


def add_to_existing(db: Database, *, seed: int | None = None, registrations: int | None = None,
                    progress=None) -> str:
    """Add the ledger's demo data to a demo database that has none (see the module text)."""
    from app.db.dialect import sync_id_sequences

    from .. import audit
    with db.write() as s:
        if s.execute(select(MaPlan.id).limit(1)).first() is not None:
            raise UserError("数据库中已有互助保障计划，不再添加演示数据", "mutual-aid data exists already")
        after = s.execute(select(AuditLog.after).where(AuditLog.entity == "demo",
                                                       AuditLog.action == "generate")).scalar()
        if after is None:
            raise UserError("这不是演示数据库（没有演示数据的记录），不能添加互助保障演示数据",
                            "not a demo database")
        counts = json.loads(after)
        newest = s.scalar(select(func.max(Registration.received_at)))
        if newest is None:
            raise UserError("演示数据库中没有登记，无法确定演示数据的日期", "demo database has no registrations")
        run = DemoRun(session=s, seed=seed if seed is not None else int(counts.get("seed", 1)),
                      people=int(counts.get("people", 0)), employers=int(counts.get("employers", 0)),
                      base_time=datetime.combine(newest.date() + timedelta(days=1), time(9)),
                      _progress=progress,
                      registrations=registrations if registrations is not None
                      else int(counts.get("registrations", 0)))
        text = _mutual_aid(run)
        sync_id_sequences(s, Base.metadata)
        audit.record(s, SYSTEM_ACTOR, "demo", run.seed, "mutual_aid", None,
                     {k: v for k, v in run.counts.items() if k.startswith("ma_")})
    return text


__all__ = ["PLANS", "_mutual_aid", "add_to_existing"]

