"""The demo hardship ledger 困难职工帮扶: household files (members with valid ID numbers, incomes, causes,
categories; 在档, 出档 with a reason, under review, 不予建档), the funds' yearly allocations, assistance
paid over the three years before the demo's "today", and two campaigns a year — 送温暖 each January,
金秋助学 each August — each approved with its 签领表 and paid.

Scaled from the registrations: ``files = max(60, registrations // 50)`` (1,000,000 → 20,000 files)
and about ten assistance records a file (→ 200,000). Written with Core bulk inserts, no per-row audit
(as the desk demo). A fund never goes below zero: each fund receives, on 2 January of each year, what
it pays that year and a margin.

``_hardship(run)`` is the step of a demo run; ``add_to(db, …)`` fills an EXISTING demo database
that has no ledger data yet (the benchmark's copy of the 1M database).
"""
from __future__ import annotations

import json
import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, insert, select, text
from stdnum.cn import ric

from app.db import Database
from app.db.models import Counter, Person, Registration, User
from app.db.models_hardship import (HardshipAllocation, HardshipCampaign, HardshipFile, HardshipFund,
                                    HardshipMember, HardshipPayment, HardshipSheet)
from app.domain.errors import UserError
from app.domain.hardship import (CAMPAIGN_PAYMENT_KIND, AssistanceKind, CampaignKind, CampaignState,
                                 Cause, ClosureReason, FileState, HardshipCategory, PaymentState,
                                 SchoolLevel, causes_code)
from app.services.hardship import sign_sheet

from .run import BATCH, DemoRun

YEARS = 3
GIVEN = ("伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰", "军", "涛", "明", "超", "霞", "平", "刚", "桂英")
STREETS_FALLBACK = "朝阳区某某街道"
KIND_WEIGHTS = ((AssistanceKind.LIVING, 38), (AssistanceKind.MEDICAL, 24), (AssistanceKind.EMPLOYMENT, 6),
                (AssistanceKind.STUDY, 6), (AssistanceKind.TEMPORARY, 8), (AssistanceKind.OTHER, 4))
AMOUNTS = {AssistanceKind.LIVING: (300, 2000), AssistanceKind.MEDICAL: (1000, 8000),
           AssistanceKind.EMPLOYMENT: (500, 2000), AssistanceKind.STUDY: (500, 3000),
           AssistanceKind.TEMPORARY: (200, 1500), AssistanceKind.OTHER: (200, 1000)}
CLOSURES = ((ClosureReason.OUT_OF_POVERTY, 55), (ClosureReason.GUARANTEED, 15), (ClosureReason.DEATH, 8),
            (ClosureReason.INELIGIBLE, 12), (ClosureReason.MOVED, 8), (ClosureReason.FRAUD, 2))


def file_count(registrations: int) -> int:
    return max(60, registrations // 50)


def _pick(rng: random.Random, pairs):
    items, weights = zip(*pairs)
    return rng.choices(items, weights)[0]


def _id_number(rng: random.Random, born: date, male: bool) -> str:
    seq = rng.randrange(0, 500) * 2 + (1 if male else 0)
    first17 = f"110105{born:%Y%m%d}{seq:03d}"
    return first17 + ric.calc_check_digit(first17 + "0")


class _Ledger:
    def __init__(self, session, rng: random.Random, n_files: int, base_time: datetime, report):
        self.s, self.rng, self.n, self.report = session, rng, n_files, report
        self.now = base_time
        self.last_day = base_time.date() - timedelta(days=1)
        self.first_day = date(self.last_day.year - YEARS + 1, 1, 1)
        self.manager = session.execute(select(User.id).where(User.username == "manager")).scalar()
        self.clerk = session.execute(select(User.id).where(User.username == "clerk")).scalar()
        self.funds = list(session.execute(select(HardshipFund.id, HardshipFund.name)
                                          .order_by(HardshipFund.sort, HardshipFund.id)))
        self.file_id = session.scalar(select(func.max(HardshipFile.id))) or 0
        self.pay_id = session.scalar(select(func.max(HardshipPayment.id))) or 0
        self.counts = {"files": 0, "active": 0, "closed": 0, "payments": 0, "campaigns": 0, "paid_fen": 0}
        self.paid_by_fund_year: dict[tuple[int, int], int] = {}
        self.payments: list[dict] = []
        self.hold = False                            # a campaign's rows wait for its own row
        self.files: list[dict] = []                  # id, person, state, filed_on, closed_on, …

    # ---- files
    def make_files(self) -> None:
        s, rng = self.s, self.rng
        persons = s.execute(select(Person.id, Person.name, Person.employer_id, Person.address)
                            .where(Person.id_number.isnot(None)).order_by(Person.id)).all()
        chosen = rng.sample(range(len(persons)), min(self.n, len(persons)))
        per_year: dict[int, int] = {}
        rows, members = [], []
        span = (self.last_day - self.first_day).days
        for k, idx in enumerate(chosen):
            pid, name, emp, addr = persons[idx]
            self.file_id += 1
            applied = self.first_day - timedelta(days=rng.randrange(0, 700)) if rng.random() < 0.45 \
                else self.first_day + timedelta(days=rng.randrange(0, span))
            r = rng.random()
            state = (FileState.ACTIVE if r < 0.80 else FileState.CLOSED if r < 0.92
                     else FileState.REJECTED if r < 0.94 else rng.choice(
                         [FileState.APPLIED, FileState.SCREENED, FileState.PUBLICIZING]))
            filed = applied + timedelta(days=rng.randrange(14, 40)) \
                if state in (FileState.ACTIVE, FileState.CLOSED) else None
            if filed and filed > self.last_day:
                filed, state = None, FileState.PUBLICIZING
            closed = closure = None
            if state is FileState.CLOSED:
                closed = min(self.last_day, filed + timedelta(days=rng.randrange(180, 900)))
                closure = _pick(rng, CLOSURES).value
            size = rng.choice((1, 2, 2, 3, 3, 3, 4, 4, 5))
            cat = _pick(rng, ((HardshipCategory.DEEP, 30), (HardshipCategory.RELATIVE, 60),
                              (HardshipCategory.ACCIDENT, 10)))
            head = rng.randrange(400, 1150) if cat is HardshipCategory.DEEP else rng.randrange(1200, 2350)
            rigid = rng.choice((0, 0, 6000, 12000, 24000)) * 100
            income = (head * size + rigid // 1200) * 100
            year = applied.year
            per_year[year] = per_year.get(year, 0) + 1
            main = _pick(rng, ((Cause.SERIOUS_ILLNESS, 30), (Cause.LAID_OFF, 20), (Cause.NO_WORK_ABILITY, 12),
                               (Cause.SCHOOLING, 15), (Cause.UNEMPLOYED_ABLE, 8), (Cause.ACCIDENT, 6),
                               (Cause.INSURANCE_GAP, 5), (Cause.OTHER, 4)))
            second = rng.sample([c for c in Cause if c is not main], rng.randrange(0, 3))
            at = datetime.combine(applied, time(9, 30))
            rows.append({
                "id": self.file_id, "file_no": f"K{year}-{per_year[year]:06d}", "person_id": pid,
                "employer_id": emp, "state": state.value,
                "category": cat.value if state is not FileState.APPLIED else None, "proposed_category": cat.value,
                "category_formula": "", "category_override_reason": "", "main_cause": main.value,
                "secondary_causes": causes_code(second), "household_size": size,
                "applicant_income_fen": income // 2, "other_income_fen": 0, "household_income_fen": income,
                "rigid_annual_fen": rigid, "per_head_fen": head * 100, "accident_cost_fen": 0,
                "accident_note": "", "above_line_since": None, "bank_name": "中国工商银行",
                "bank_account": f"6222{rng.randrange(10**14, 10**15)}", "address": addr or "",
                "phone": "", "applied_on": applied,
                "investigated_on": applied + timedelta(days=5) if filed else None,
                "investigators": "王芳、李强" if filed else "",
                "publicity_start": applied + timedelta(days=7) if filed else None,
                "publicity_end": applied + timedelta(days=13) if filed else None,
                "publicity_objection": "", "publicity_result": "", "filed_on": filed,
                "approved_by": self.manager if filed else None,
                "review_due": (filed + timedelta(days=365)) if filed and not closed else None,
                "last_reviewed_on": None, "returned_reason": "", "closed_on": closed,
                "closure_reason": closure, "closure_note": "", "note": "", "created_by": self.clerk,
                "created_at": at, "updated_at": at})
            surname = name[0]
            for m in range(size - 1):
                if m == 0 and size >= 2:
                    rel, born = "spouse", date(rng.randrange(1965, 1992), rng.randrange(1, 13), rng.randrange(1, 28))
                else:
                    rel = rng.choice(("son", "daughter"))
                    born = date(rng.randrange(2002, 2020), rng.randrange(1, 13), rng.randrange(1, 28))
                age = self.last_day.year - born.year
                school = (SchoolLevel.PRIMARY if 6 <= age < 12 else SchoolLevel.JUNIOR if 12 <= age < 15
                          else SchoolLevel.SENIOR if 15 <= age < 18 else SchoolLevel.UNDERGRADUATE
                          if 18 <= age < 22 and rng.random() < 0.6 else SchoolLevel.NONE)
                mname = (rng.choice(("王", "李", "张", "刘", "陈")) if rel == "spouse" else surname) + rng.choice(GIVEN)
                members.append({"file_id": self.file_id, "seq": m + 1, "name": mname, "relation": rel,
                                "id_number": _id_number(rng, born, rel == "son" or (rel == "spouse" and rng.random() < .5)),
                                "person_id": None, "monthly_income_fen": 0 if rel != "spouse" else income // 2,
                                "health": rng.choice(("healthy", "healthy", "chronic", "serious")),
                                "medical_insurance": rng.choice(("employee", "resident")),
                                "work_status": "student" if school is not SchoolLevel.NONE else "flexible",
                                "schooling": school.value})
            self.files.append({"id": self.file_id, "person": pid, "state": state, "filed": filed,
                               "closed": closed, "name": name})
            if len(rows) >= BATCH:
                self._flush_files(rows, members)
                self.report(0.3 * k / max(1, len(chosen)), f"正在生成困难职工档案 {k:,}/{len(chosen):,}")
        self._flush_files(rows, members)
        for year, n in per_year.items():
            s.execute(insert(Counter.__table__), [{"name": "hardship_file", "year": year, "last": n}])
        self.counts["files"] = len(self.files)
        self.counts["active"] = sum(1 for f in self.files if f["state"] is FileState.ACTIVE)
        self.counts["closed"] = sum(1 for f in self.files if f["state"] is FileState.CLOSED)
        self.students = {}
        for m in members_all(self.s):
            self.students.setdefault(m[0], []).append(m[1:])

    def _flush_files(self, rows: list, members: list) -> None:
        if rows:
            self.s.execute(insert(HardshipFile.__table__), rows)
        if members:
            self.s.execute(insert(HardshipMember.__table__), members)
        rows.clear()
        members.clear()

    # ---- payments
    def _on_file(self, f: dict, day: date) -> bool:
        return f["filed"] is not None and f["filed"] <= day and (f["closed"] is None or f["closed"] > day)

    def _payment(self, kind: AssistanceKind, fen: int, fund: int, on: date, file: dict | None, person: int,
                 **extra) -> dict:
        self.pay_id += 1
        rng = self.rng
        state, paid_on = PaymentState.PAID, min(self.last_day, on + timedelta(days=rng.randrange(0, 8)))
        if (self.last_day - on).days < 45 and not extra.get("campaign_id"):
            state = _pick(rng, ((PaymentState.PAID, 60), (PaymentState.APPROVED, 15),
                                (PaymentState.PROPOSED, 20), (PaymentState.REFUSED, 5)))
        at = datetime.combine(on, time(10, 0))
        row = {"id": self.pay_id, "kind": kind.value, "amount_fen": fen, "goods": "", "goods_value_fen": 0,
               "fund_id": fund, "assist_on": on, "file_id": file["id"] if file else None, "person_id": person,
               "state": state.value, "note": "", "proposed_by": self.clerk, "proposed_at": at,
               "decided_by": self.manager if state is not PaymentState.PROPOSED else None,
               "decided_at": at + timedelta(hours=3) if state is not PaymentState.PROPOSED else None,
               "refusal_reason": "超出本年度救助标准" if state is PaymentState.REFUSED else "",
               "paid_on": paid_on if state is PaymentState.PAID else None,
               "pay_method": ("card" if rng.random() < 0.7 else "cash") if state is PaymentState.PAID else None,
               "voucher_no": f"记-{paid_on:%Y%m}-{self.pay_id % 1000:03d}" if state is PaymentState.PAID else "",
               "paid_by": self.clerk if state is PaymentState.PAID else None, "campaign_id": None,
               "sheet_id": None, "case_id": None, "student_name": "", "student_id_number": None,
               "school_level": None, "override_reason": "", "warning_acknowledged": ""}
        row.update(extra)
        if row["state"] in (PaymentState.PAID.value, PaymentState.APPROVED.value):
            key = (fund, on.year)
            self.paid_by_fund_year[key] = self.paid_by_fund_year.get(key, 0) + fen
        self.payments.append(row)
        if len(self.payments) >= BATCH and not self.hold:
            self.flush_payments()
        return row

    def flush_payments(self) -> None:
        if self.payments:
            self.s.execute(insert(HardshipPayment.__table__), self.payments)
            self.counts["payments"] += len(self.payments)
            self.payments.clear()

    def campaigns(self) -> None:
        rng, s = self.rng, self.s
        office = s.execute(text("SELECT value FROM settings WHERE key = 'office.name'")).scalar()
        office = json.loads(office) if office else ""
        camp_id = s.scalar(select(func.max(HardshipCampaign.id))) or 0
        sheet_id = s.scalar(select(func.max(HardshipSheet.id))) or 0
        sheet_counters: dict[int, int] = {}
        for year in range(self.first_day.year, self.last_day.year + 1):
            for kind, on in ((CampaignKind.WARMTH, date(year, 1, 15)), (CampaignKind.STUDY, date(year, 8, 20))):
                if on > self.last_day:
                    continue
                camp_id += 1
                sheet_id += 1
                fund = self.funds[0][0] if kind is CampaignKind.WARMTH else self.funds[min(2, len(self.funds) - 1)][0]
                name = f"{year}年元旦春节送温暖" if kind is CampaignKind.WARMTH else f"{year}年金秋助学"
                pay_kind = CAMPAIGN_PAYMENT_KIND[kind]
                self.hold = True
                chosen = [f for f in self.files if self._on_file(f, on)]
                rows = []
                for f in chosen:
                    if kind is CampaignKind.WARMTH:
                        if rng.random() < 0.6:
                            rows.append((f, 50000 if rng.random() < 0.7 else 80000, "", None, None))
                    else:
                        for sname, sid, level in self.students.get(f["id"], ()):
                            rows.append((f, {"primary": 50000, "junior": 80000, "senior": 100000,
                                             "undergraduate": 300000}.get(level, 50000), sname, sid, level))
                paid_on = on + timedelta(days=3)
                snap_rows = []
                for f, fen, sname, sid, level in rows:
                    self._payment(pay_kind, fen, fund, on, f, f["person"], campaign_id=camp_id, sheet_id=sheet_id,
                                  student_name=sname, student_id_number=sid, school_level=level,
                                  paid_on=min(paid_on, self.last_day), pay_method="cash",
                                  voucher_no=f"记-{on:%Y%m}-HD{camp_id}")
                    snap_rows.append({"name": f["name"],
                                      "gender": "", "age": "", "id": "", "card": "", "address": "",
                                      "phone": "", "fen": fen})
                snap = sign_sheet.snapshot(title=f"{name}{'慰问金' if kind is CampaignKind.WARMTH else '助学金'}签领表",
                                           office=office, project=name, fund=dict(self.funds)[fund], day=on,
                                           rows=snap_rows)
                at = datetime.combine(on - timedelta(days=5), time(9, 0))
                s.execute(insert(HardshipCampaign.__table__), [{
                    "id": camp_id, "kind": kind.value, "year": year, "name": name, "fund_id": fund,
                    "amount_fen": 50000 if kind is CampaignKind.WARMTH else None,
                    "level_amounts": "{}" if kind is CampaignKind.WARMTH else json.dumps(
                        {"filed": {"primary": 50000, "junior": 80000, "senior": 100000, "undergraduate": 300000}}),
                    "assist_on": on, "state": CampaignState.CLOSED.value, "note": "", "created_by": self.clerk,
                    "created_at": at, "approved_by": self.manager, "approved_at": at + timedelta(days=1)}])
                s.execute(insert(HardshipSheet.__table__), [{
                    "id": sheet_id, "sheet_no": f"QL{year}-{1 if kind is CampaignKind.WARMTH else 2:04d}",
                    "campaign_id": camp_id, "kind": pay_kind.value, "fund_id": fund, "title": snap["title"],
                    "sheet_on": on, "count": len(rows), "total_fen": sign_sheet.total_fen(snap),
                    "snapshot": json.dumps(snap, ensure_ascii=False, sort_keys=True),
                    "created_by": self.manager, "created_at": at + timedelta(days=1)}])
                sheet_counters[year] = 1 if kind is CampaignKind.WARMTH else 2
                self.hold = False
                self.flush_payments()
                self.counts["campaigns"] += 1
        if sheet_counters:
            s.execute(insert(Counter.__table__), [{"name": "hardship_sheet", "year": y, "last": n}
                                                  for y, n in sheet_counters.items()])

    def individual(self, target: int) -> None:
        rng = self.rng
        eligible = [f for f in self.files if f["filed"] is not None]
        if not eligible:
            return
        span = (self.last_day - self.first_day).days
        n = 0
        while n < target:
            on = self.first_day + timedelta(days=rng.randrange(0, span + 1))
            kind = _pick(rng, KIND_WEIGHTS)
            lo, hi = AMOUNTS[kind]
            fen = rng.randrange(lo, hi + 1) // 10 * 1000
            fund = rng.choice(self.funds)[0]
            if kind is AssistanceKind.TEMPORARY and rng.random() < 0.5:
                f = None
                person = rng.choice(self.files)["person"]
            else:
                f = rng.choice(eligible)
                if not self._on_file(f, on):
                    continue
                person = f["person"]
            self._payment(kind, fen, fund, on, f, person)
            n += 1
            if n % 20_000 == 0:
                self.report(0.4 + 0.5 * n / target, f"正在生成帮扶记录 {n:,}/{target:,}")

    def allocations(self) -> None:
        rows = []
        for (fund, year), fen in sorted(self.paid_by_fund_year.items()):
            amount = (fen * 115 // 100 + 10_000_00) // 100_00 * 100_00
            rows.append({"fund_id": fund, "doc_no": f"朝工发〔{year}〕{fund}号", "allocated_on": date(year, 1, 2),
                         "amount_fen": amount, "note": "年度帮扶资金", "created_by": self.manager,
                         "created_at": datetime(year, 1, 2, 9, 0)})
        if rows:
            self.s.execute(insert(HardshipAllocation.__table__), rows)


def members_all(s) -> list[tuple]:
    M = HardshipMember
    return list(s.execute(select(M.file_id, M.name, M.id_number, M.schooling)
                          .where(M.schooling.in_([lv.value for lv in (SchoolLevel.PRIMARY, SchoolLevel.JUNIOR,
                                                                      SchoolLevel.SENIOR, SchoolLevel.UNDERGRADUATE)]))))


def _fill(session, rng: random.Random, n_files: int, base_time: datetime, report) -> dict:
    if session.execute(select(HardshipFile.id).limit(1)).first() is not None:
        raise UserError("数据库中已有困难职工档案，不能再生成演示帮扶数据", "hardship data present")
    led = _Ledger(session, rng, n_files, base_time, report)
    if not led.funds:
        raise UserError("没有资金来源（数据库未升级到困难职工帮扶版本？）", "no hardship funds")
    led.make_files()
    report(0.3, "正在生成帮扶活动和签领表")
    led.campaigns()
    campaign_rows = led.counts["payments"] + len(led.payments)
    led.individual(max(0, n_files * 10 - campaign_rows))
    led.flush_payments()
    led.allocations()
    return led.counts


def _hardship(run: DemoRun) -> str:
    n = file_count(run.registrations)
    counts = _fill(run.session, run.rng("hardship"), n, run.base_time, run.report)
    run.counts["hardship"] = counts
    return (f"困难职工档案 {counts['files']:,} 户（在档 {counts['active']:,}，已出档 {counts['closed']:,}）、"
            f"帮扶记录 {counts['payments']:,} 条、帮扶活动 {counts['campaigns']} 次")


def add_to(db: Database, seed: int = 1, files: int | None = None, progress=None) -> dict:
    """Add the demo ledger to an existing demo database without one (one transaction). ``files``:
    default from its number of registrations. The demo's "today" is the day after its newest
    registration."""
    with db.write() as s:
        regs = s.scalar(select(func.count()).select_from(Registration)) or 0
        newest = s.scalar(select(func.max(Registration.received_at))) or datetime(2026, 1, 5, 9)
        base = datetime.combine(newest.date() + timedelta(days=1), time(9, 0))
        return _fill(s, random.Random(f"uniondesk-demo/{seed}/hardship"), files or file_count(regs), base,
                     progress or (lambda f, m: None))
