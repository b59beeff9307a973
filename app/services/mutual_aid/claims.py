"""Claims 互助保障申请: entered with documents → benefit computed by the plan's rule → approved or
refused by a manager → paid (date, voucher). ``quote`` (试算) is the same computation, not saved.

Contract: every function opens its own unit of work and returns frozen dataclasses; any thread.
Writes are permission-checked (``MA_CLAIM`` to enter and attach, ``MA_APPROVE`` to decide, ``MA_PAY``
to record payment), follow ``CLAIM_WORKFLOW`` and are audited with before/after. The benefit is
always ``app.domain.mutual_aid.compute`` over what ``cover.claim_inputs`` reads; approval computes
it again against the term as it is then (another claim may have used the cap meanwhile).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import Database
from app.db.models import Employer, Person, User
from app.db.models_mutual_aid import MaClaim, MaClaimDocument, MaEnrollment, MaPlan
from app.domain import clock
from app.domain.actor import Actor
from app.domain.dates import format_cn, parse_date
from app.domain.errors import Collector, Conflict, NotFound, ValidationError
from app.domain.money import format_yuan, parse_yuan
from app.domain.mutual_aid import (COUNTED_STATES, ClaimFacts, ClaimState, PlanKind, PlanRule, Refusal,
                                   Result, compute, rule_summary)
from app.domain.permissions import Perm
from app.domain.privacy import mask_id
from app.domain.validation import check_text, checked, clean_text, is_blank
from app.domain.workflow import CLAIM_WORKFLOW, claim_facts

from .. import attachments, audit
from ..access import require
from ..numbering import next_number
from .cover import claim_inputs, plan_rule, term_history

COUNTER = "ma_claim"


def claim_no(year: int, n: int) -> str:
    return f"HZ{year}-{n:06d}"


@dataclass(frozen=True)
class ClaimInput:
    """The claim form's values as typed: dates as ``date`` or text, amounts in yuan text."""
    plan_id: int
    person_id: int
    event: date | str                              # admission / diagnosis / event day
    until: date | str | None = None                # discharge
    tier: str = ""                                 # lump: the diagnosis tier
    cause: str = ""                                # diagnosis (same cause → readmission rule)
    hospital: str = ""
    claimed: Any = ""                              # total bill, yuan
    out_of_pocket: Any = ""                        # member's own part, yuan (reimburse)
    received_on: date | str | None = None          # default: today
    documents: tuple[str | os.PathLike, ...] = ()


@dataclass(frozen=True)
class TermTotals:
    """Cumulative paid and remaining cap of one member's cover in one term (approved + paid)."""
    paid_fen: int
    counted_claims: int
    cap_fen: int | None                            # None: the plan has no per-term cap
    remaining_fen: int | None


@dataclass(frozen=True)
class Quote:
    """A 试算: what a claim would get now, and the rule applied."""
    plan_id: int
    plan_code: str
    plan_name: str
    plan_year: int
    rule_summary: str
    person_id: int
    person_name: str
    id_masked: str
    enrollment_id: int | None
    shares: int | None
    cover_start: date | None
    waiting_end: date | None
    term_end: date
    amount_fen: int
    line: str
    refusal: Refusal | None
    totals: TermTotals | None

    @property
    def refused(self) -> bool:
        return self.refusal is not None

    @property
    def text(self) -> str:
        """The answer in two lines (the CLI prints it; the 试算 dialog shows it)."""
        head = (f"不予给付：{self.refusal.label}" if self.refusal
                else f"应给付 {format_yuan(self.amount_fen)}")
        return f"{head}\n{self.line}"


@dataclass(frozen=True)
class ClaimDocument:
    id: int
    filename: str
    size: int
    added_at: datetime


@dataclass(frozen=True)
class ClaimRecord:
    id: int
    claim_no: str
    state: ClaimState
    plan_id: int
    plan_code: str
    plan_name: str
    plan_year: int
    plan_kind: PlanKind
    person_id: int
    person_name: str
    id_masked: str
    employer_id: int
    employer_name: str
    enrollment_id: int
    shares: int
    received_on: date
    event_date: date
    until_date: date | None
    tier: str
    cause: str
    hospital: str
    claimed_fen: int | None
    out_of_pocket_fen: int | None
    benefit_fen: int
    explanation: str
    refusal: Refusal | None
    stay_days: int | None
    paid_days: int | None
    decision_note: str
    decided_by: str
    decided_on: date | None
    paid_on: date | None
    voucher: str
    documents: tuple[ClaimDocument, ...]
    totals: TermTotals
    steps: dict[str, str | None]                   # step → why not (None: allowed), for buttons

    @property
    def state_label(self) -> str:
        return self.state.label

    @property
    def refusal_label(self) -> str:
        return self.refusal.label if self.refusal else ""


# ------------------------------------------------------------------------------ input

@dataclass(frozen=True)
class _Clean:
    facts: ClaimFacts
    received_on: date
    hospital: str
    claimed_fen: int | None


def _clean(data: ClaimInput, rule: PlanRule, today: date) -> _Clean:
    """Checked claim facts; every bad field named at once, in Chinese."""
    errors = Collector()
    daily = rule.kind is PlanKind.DAILY
    first = "入院日期" if rule.kind is not PlanKind.LUMP else "确诊日期"
    event = checked(errors, parse_date, data.event or "", first)
    until = None
    if not is_blank(data.until):
        until = checked(errors, parse_date, data.until, "出院日期")
    elif daily:
        errors.add("出院日期", "住院津贴按住院天数计算，请填写出院日期")
    if event and until and until < event:
        errors.add("出院日期", f"出院日期 {until.isoformat()} 早于入院日期 {event.isoformat()}，请核对")
    if event and event > today:
        errors.add(first, f"{event.isoformat()} 晚于今天，请核对")
    received = today if is_blank(data.received_on) else checked(errors, parse_date, data.received_on,
                                                                "受理日期")
    if received and received > today:
        errors.add("受理日期", "不能晚于今天")
    tier = clean_text(data.tier)
    if rule.kind is PlanKind.LUMP and not tier:
        errors.add("病种", "请选择病种：" + "、".join(t.name for t in rule.tiers))
    claimed = None if is_blank(data.claimed) else checked(errors, parse_yuan, data.claimed, "医疗费用总额")
    oop = None
    if not is_blank(data.out_of_pocket):
        oop = checked(errors, parse_yuan, data.out_of_pocket, "个人自付金额")
    elif rule.kind is PlanKind.REIMBURSE:
        errors.add("个人自付金额", "住院医疗按个人自付金额计算，请填写（元）")
    if claimed is not None and oop is not None and oop > claimed:
        errors.add("个人自付金额", f"{format_yuan(oop)} 超过医疗费用总额 {format_yuan(claimed)}，请核对")
    cause = checked(errors, check_text, data.cause, "病因/诊断", 200, default="")
    hospital = checked(errors, check_text, data.hospital, "医院", 100, default="")
    errors.raise_if_any()
    return _Clean(ClaimFacts(event=event, until=until, tier=tier or None, out_of_pocket_fen=oop, cause=cause),
                  received, hospital, claimed)


def _plan_and_person(s: Session, plan_id: int, person_id: int) -> tuple[MaPlan, Person]:
    plan = s.get(MaPlan, plan_id)
    if plan is None:
        raise NotFound(f"找不到编号为 {plan_id} 的互助计划", "plan not found")
    person = s.get(Person, person_id)
    if person is None:
        raise NotFound(f"找不到编号为 {person_id} 的人员", "person not found")
    return plan, person


def _who(person: Person) -> str:
    masked = mask_id(person.id_number)
    return f"{person.name}（{masked}）" if masked else person.name


def _totals(rule: PlanRule, shares: int, paid: int, count: int) -> TermTotals:
    cap = rule.term_cap_fen * shares if rule.term_cap_fen is not None else None
    return TermTotals(paid, count, cap, None if cap is None else max(0, cap - paid))


def term_totals(db: Database, enrollment_id: int) -> TermTotals:
    """Cumulative paid (approved + paid claims) and the remaining cap of one cover."""
    with db.read() as s:
        e = s.get(MaEnrollment, enrollment_id)
        if e is None:
            raise NotFound(f"找不到编号为 {enrollment_id} 的参保记录", "enrollment not found")
        h = term_history(s, e.id)
        return _totals(plan_rule(s.get(MaPlan, e.plan_id)), e.shares, h.paid_fen, h.counted_claims)


# ------------------------------------------------------------------------------ 试算

def quote(db: Database, actor: Actor, data: ClaimInput, today: date | None = None) -> Quote:
    """The benefit a claim would get now and the rule applied, saving nothing. Bad input raises
    ValidationError (as for a claim); a member without cover gets the refusal 未参加该计划."""
    require(actor, Perm.MA_VIEW)
    today = today or clock.today()
    with db.read() as s:
        plan, person = _plan_and_person(s, data.plan_id, data.person_id)
        rule, enrollment, cover, history = claim_inputs(s, plan, person.id)
        c = _clean(data, rule, today)
        result = compute(rule, cover, c.facts, history)
        totals = (_totals(rule, enrollment.shares, history.paid_fen, history.counted_claims)
                  if enrollment is not None else None)
        return Quote(plan_id=plan.id, plan_code=plan.code, plan_name=plan.name, plan_year=plan.year,
                     rule_summary=rule_summary(rule), person_id=person.id, person_name=person.name,
                     id_masked=mask_id(person.id_number),
                     enrollment_id=enrollment.id if enrollment else None,
                     shares=enrollment.shares if enrollment else None,
                     cover_start=enrollment.cover_start if enrollment else None,
                     waiting_end=enrollment.waiting_end if enrollment else None, term_end=plan.term_end,
                     amount_fen=result.amount_fen, line=result.line, refusal=result.refusal, totals=totals)


# ------------------------------------------------------------------------------ records

def _audit(c: MaClaim) -> dict[str, Any]:
    return {col.name: getattr(c, col.name) for col in MaClaim.__table__.c
            if col.name not in ("id", "created_at", "updated_at")}


def _apply(c: MaClaim, result: Result) -> None:
    c.benefit_fen = result.amount_fen
    c.explanation = result.line[:400]
    c.refusal = result.refusal.value if result.refusal else None
    c.stay_days, c.paid_days, c.stay_paid_days = result.stay_days, result.paid_days, result.stay_paid_days


def _record(s: Session, c: MaClaim) -> ClaimRecord:
    plan = s.get(MaPlan, c.plan_id)
    person = s.get(Person, c.person_id)
    employer = s.get(Employer, c.employer_id)
    enrollment = s.get(MaEnrollment, c.enrollment_id)
    decider = s.get(User, c.decided_by) if c.decided_by else None
    docs = tuple(ClaimDocument(d.id, d.filename, d.size, d.added_at) for d in s.scalars(
        select(MaClaimDocument).where(MaClaimDocument.claim_id == c.id).order_by(MaClaimDocument.id)))
    h = term_history(s, c.enrollment_id)
    facts = claim_facts(claim_no=c.claim_no, state=c.state, refusal=c.refusal, benefit_fen=c.benefit_fen)
    steps = {step: (r.text if r else None) for step, r in CLAIM_WORKFLOW.refusals(facts).items()}
    return ClaimRecord(
        id=c.id, claim_no=c.claim_no, state=ClaimState(c.state), plan_id=plan.id, plan_code=plan.code,
        plan_name=plan.name, plan_year=plan.year, plan_kind=PlanKind(plan.kind), person_id=person.id,
        person_name=person.name, id_masked=mask_id(person.id_number), employer_id=c.employer_id,
        employer_name=employer.name if employer else "", enrollment_id=c.enrollment_id,
        shares=enrollment.shares, received_on=c.received_on, event_date=c.event_date,
        until_date=c.until_date, tier=c.tier, cause=c.cause, hospital=c.hospital, claimed_fen=c.claimed_fen,
        out_of_pocket_fen=c.out_of_pocket_fen, benefit_fen=c.benefit_fen, explanation=c.explanation,
        refusal=Refusal(c.refusal) if c.refusal else None, stay_days=c.stay_days, paid_days=c.paid_days,
        decision_note=c.decision_note, decided_by=decider.display_name if decider else "",
        decided_on=c.decided_on, paid_on=c.paid_on, voucher=c.voucher, documents=docs,
        totals=_totals(plan_rule(plan), enrollment.shares, h.paid_fen, h.counted_claims), steps=steps)


def _load(s: Session, claim_id: int) -> MaClaim:
    c = s.get(MaClaim, claim_id)
    if c is None:
        raise NotFound(f"找不到编号为 {claim_id} 的互助保障申请", "claim not found")
    return c


def _step(c: MaClaim, step: str, **override) -> None:
    facts = claim_facts(claim_no=c.claim_no, state=c.state, refusal=override.get("refusal", c.refusal),
                        benefit_fen=override.get("benefit_fen", c.benefit_fen))
    refusal = CLAIM_WORKFLOW.refusal(step, facts)
    if refusal is not None:
        raise Conflict(refusal.text, refusal.code)


def _audit_change(s: Session, actor: Actor, claim: MaClaim, action: str, before: dict[str, Any], *,
                  only_if_changed: bool = False) -> None:
    """One audit row with the columns that changed, before and after."""
    s.flush()
    after = _audit(claim)
    changed = [k for k in after if after[k] != before[k]]
    if changed or not only_if_changed:
        audit.record(s, actor, "claim", claim.id, action, {k: before[k] for k in changed},
                     {k: after[k] for k in changed})


def get_claim(db: Database, claim_id: int) -> ClaimRecord:
    with db.read() as s:
        return _record(s, _load(s, claim_id))


def claim_by_no(db: Database, number: str) -> ClaimRecord:
    with db.read() as s:
        c = s.execute(select(MaClaim).where(MaClaim.claim_no == clean_text(number).upper())).scalar_one_or_none()
        if c is None:
            raise NotFound(f"没有编号为 {clean_text(number)} 的互助保障申请", "claim not found")
        return _record(s, c)


# ------------------------------------------------------------------------------ enter / edit

def _enrollment_or_refuse(s: Session, plan: MaPlan, person: Person) -> None:
    if s.execute(select(MaEnrollment.id).where(MaEnrollment.plan_id == plan.id,
                                               MaEnrollment.person_id == person.id)).first() is None:
        raise ValidationError([("参保人", f"{_who(person)}没有参加{plan.year}年「{plan.name}」（{plan.code}），"
                                         "不能登记申请；请核对计划和人员，或先办理参保")])


def enter_claim(db: Database, actor: Actor, data: ClaimInput, now: datetime | None = None) -> ClaimRecord:
    """Save a claim with its documents and its computed benefit (state 待审批; a computed refusal
    is kept with its code for the manager to confirm). A member not enrolled in the plan, bad
    dates or amounts: ValidationError, nothing saved, no file kept."""
    require(actor, Perm.MA_CLAIM)
    now = now or clock.now()
    with db.read() as s:                        # check before copying any file
        plan, person = _plan_and_person(s, data.plan_id, data.person_id)
        _enrollment_or_refuse(s, plan, person)
        _clean(data, plan_rule(plan), now.date())
    with attachments.stored_files(db, data.documents) as files, db.write() as s:
        plan, person = _plan_and_person(s, data.plan_id, data.person_id)
        _enrollment_or_refuse(s, plan, person)
        rule, enrollment, cover, history = claim_inputs(s, plan, person.id)
        c = _clean(data, rule, now.date())
        result = compute(rule, cover, c.facts, history)
        n = next_number(s, COUNTER, c.received_on.year)
        claim = MaClaim(claim_no=claim_no(c.received_on.year, n), enrollment_id=enrollment.id, plan_id=plan.id,
                        person_id=person.id, employer_id=enrollment.employer_id, received_on=c.received_on,
                        event_date=c.facts.event, until_date=c.facts.until, tier=c.facts.tier or "",
                        cause=c.facts.cause, hospital=c.hospital, claimed_fen=c.claimed_fen,
                        out_of_pocket_fen=c.facts.out_of_pocket_fen, state=ClaimState.RECEIVED.value,
                        decision_note="", voucher="", entered_by=actor.user_id, created_at=now, updated_at=now)
        _apply(claim, result)
        s.add(claim)
        s.flush()
        audit.record(s, actor, "claim", claim.id, "create", None, _audit(claim))
        _add_documents(s, actor, claim, files, now)
        return _record(s, claim)


def update_claim(db: Database, actor: Actor, claim_id: int, data: ClaimInput,
                 now: datetime | None = None) -> ClaimRecord:
    """Correct a claim not yet decided (dates, tier, amounts); the benefit is computed again.
    The member and the plan stay (enter a new claim for another)."""
    require(actor, Perm.MA_CLAIM)
    now = now or clock.now()
    with db.write() as s:
        claim = _load(s, claim_id)
        _step(claim, "edit")
        if (data.plan_id, data.person_id) != (claim.plan_id, claim.person_id):
            raise ValidationError([("参保人", "不能更换申请的参保人或计划；请作不予给付处理后重新登记")])
        before = _audit(claim)
        plan = s.get(MaPlan, claim.plan_id)
        rule, _enrollment, cover, history = claim_inputs(s, plan, claim.person_id, exclude_claim_id=claim.id)
        c = _clean(data, rule, now.date())
        claim.received_on, claim.event_date, claim.until_date = c.received_on, c.facts.event, c.facts.until
        claim.tier, claim.cause, claim.hospital = c.facts.tier or "", c.facts.cause, c.hospital
        claim.claimed_fen, claim.out_of_pocket_fen = c.claimed_fen, c.facts.out_of_pocket_fen
        _apply(claim, compute(rule, cover, c.facts, history))
        claim.updated_at = now
        _audit_change(s, actor, claim, "update", before, only_if_changed=True)
        return _record(s, claim)


def _add_documents(s: Session, actor: Actor, claim: MaClaim, files, now: datetime) -> None:
    for f in files:
        d = MaClaimDocument(claim_id=claim.id, sha256=f.sha256, filename=f.filename, size=f.size,
                            added_by=actor.user_id, added_at=now)
        s.add(d)
        s.flush()
        audit.record(s, actor, "claim", claim.id, "attach", None,
                     {"document_id": d.id, "sha256": d.sha256, "filename": d.filename, "size": d.size})


def add_documents(db: Database, actor: Actor, claim_id: int, paths, now: datetime | None = None
                  ) -> ClaimRecord:
    """Attach more documents (诊断证明, 出院小结, 费用清单…) to a claim not yet paid."""
    require(actor, Perm.MA_CLAIM)
    now = now or clock.now()
    if not [p for p in paths if not is_blank(p)]:
        raise ValidationError([(attachments.FIELD, "请选择文件")])
    with db.read() as s:
        _step(_load(s, claim_id), "attach")
    with attachments.stored_files(db, paths) as files, db.write() as s:
        claim = _load(s, claim_id)
        _step(claim, "attach")
        _add_documents(s, actor, claim, files, now)
        return _record(s, claim)


def document_file(db: Database, document_id: int):
    """The stored copy of a claim's document, to open it."""
    with db.read() as s:
        d = s.get(MaClaimDocument, document_id)
        if d is None:
            raise NotFound(f"找不到编号为 {document_id} 的申请材料", "document not found")
        sha, name = d.sha256, d.filename
    return attachments.stored_file(db, sha, name)


# ------------------------------------------------------------------------------ decide / pay

def approve_claim(db: Database, actor: Actor, claim_id: int, note: str = "",
                  now: datetime | None = None) -> ClaimRecord:
    """A manager approves the benefit, computed again against the term and the cover as they are
    now (less than when entered if another claim used the cap meanwhile; payable now if the
    premium was recorded as paid since). Conflict when the rule now refuses it: refuse it instead."""
    require(actor, Perm.MA_APPROVE)
    now = now or clock.now()
    note = check_text(note, "审批意见", 500)
    with db.write() as s:
        claim = _load(s, claim_id)
        before = _audit(claim)
        plan = s.get(MaPlan, claim.plan_id)
        rule, _e, cover, history = claim_inputs(s, plan, claim.person_id, exclude_claim_id=claim.id)
        facts = ClaimFacts(event=claim.event_date, until=claim.until_date, tier=claim.tier or None,
                           out_of_pocket_fen=claim.out_of_pocket_fen, cause=claim.cause)
        result = compute(rule, cover, facts, history)
        _step(claim, "approve", refusal=result.refusal.value if result.refusal else None,
              benefit_fen=result.amount_fen)
        _apply(claim, result)
        claim.state = ClaimState.APPROVED.value
        claim.decided_by, claim.decided_on, claim.decision_note = actor.user_id, now.date(), note
        claim.updated_at = now
        _audit_change(s, actor, claim, "approve", before)
        return _record(s, claim)


def refuse_claim(db: Database, actor: Actor, claim_id: int, reason: Refusal | str | None = None,
                 note: str = "", now: datetime | None = None) -> ClaimRecord:
    """A manager refuses the claim with a coded reason (default: the computed refusal). 其他原因
    needs a note saying which."""
    require(actor, Perm.MA_APPROVE)
    now = now or clock.now()
    note = check_text(note, "不予给付说明", 500)
    with db.write() as s:
        claim = _load(s, claim_id)
        _step(claim, "refuse")
        code = reason or claim.refusal
        if not code:
            raise ValidationError([("不予给付原因", "按计划规则应当给付；如不予给付，请选择原因：" +
                                    "、".join(r.label for r in (Refusal.DOCUMENTS, Refusal.OTHER)))])
        try:
            refusal = Refusal(code)
        except ValueError:
            raise ValidationError([("不予给付原因", f"「{code}」不是不予给付的原因")]) from None
        if refusal is Refusal.OTHER and not note:
            raise ValidationError([("不予给付说明", "选择「其他原因」时请写明原因")])
        before = _audit(claim)
        if refusal.value != claim.refusal:
            claim.explanation = f"{refusal.label}" + (f"：{note}" if note else "")
        claim.state, claim.refusal, claim.benefit_fen = ClaimState.REFUSED.value, refusal.value, 0
        claim.paid_days = claim.stay_paid_days = 0 if claim.paid_days is not None else None
        claim.decided_by, claim.decided_on, claim.decision_note = actor.user_id, now.date(), note
        claim.updated_at = now
        _audit_change(s, actor, claim, "refuse", before)
        return _record(s, claim)


def pay_claim(db: Database, actor: Actor, claim_id: int, paid_on: date | str, voucher: str,
              now: datetime | None = None) -> ClaimRecord:
    """Record an approved claim as paid: the day and the voucher (凭证号)."""
    require(actor, Perm.MA_PAY)
    now = now or clock.now()
    errors = Collector()
    day = checked(errors, parse_date, paid_on or "", "给付日期")
    voucher = checked(errors, check_text, voucher, "凭证号", 40, required=True, default="")
    if day and day > now.date():
        errors.add("给付日期", "不能晚于今天")
    errors.raise_if_any()
    with db.write() as s:
        claim = _load(s, claim_id)
        _step(claim, "pay")
        if claim.decided_on and day < claim.decided_on:
            raise ValidationError([("给付日期", f"不能早于审批日期 {format_cn(claim.decided_on)}")])
        before = _audit(claim)
        claim.state, claim.paid_on, claim.voucher, claim.paid_by = ClaimState.PAID.value, day, voucher, actor.user_id
        claim.updated_at = now
        _audit_change(s, actor, claim, "pay", before)
        return _record(s, claim)


__all__ = ["COUNTED_STATES", "ClaimDocument", "ClaimInput", "ClaimRecord", "Quote", "TermTotals",
           "add_documents", "approve_claim", "claim_by_no", "claim_no", "document_file", "enter_claim",
           "get_claim", "pay_claim", "quote", "refuse_claim", "term_totals", "update_claim"]
