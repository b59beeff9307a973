"""Assistance records 帮扶记录 (DESIGN §4): proposed → approved by a manager (or refused, keeping the
reason) → paid with date, method and voucher number (``app.domain.workflow.PAYMENT_WORKFLOW``).

Contract for callers:

* ``propose`` (``Perm.FILE_HARDSHIP``), ``approve`` / ``refuse`` (``Perm.APPROVE_HARDSHIP``, 负责人),
  ``pay`` (``Perm.PAY_HARDSHIP``; not the administrator). Each opens one ``db.write()``, validates
  every field at once (``ValidationError`` naming the fields), refuses what the rules forbid with
  the reason, writes the record and one audit row (entity ``assistance``, before/after) — or
  nothing. Each returns a fresh ``PaymentRecord``.
* 先建档、后帮扶: a payment names an 在档 file, except 临时救助, which may name only a person (then at
  most ``hardship.temporary_cap_yuan`` a person a year). A closed file takes no payment.
* Caps per kind per household per year (``hardship.cap.<kind>``): proposed + approved + paid of the
  year (by the assistance date) plus this one; the refusal names what is left.
* The same kind twice in one calendar month for a household (or a person without a file), outside
  a campaign, raises ``SameMonthWarning`` unless ``acknowledge=True``; the acknowledged warning is
  kept on the record for the approver.
* What a payment takes from its fund and from the cap is its cash amount plus the value of its goods.
  Approving reserves it: approval is refused when the fund's available money (拨入 − 支出 − already
  approved) is short, naming the fund and the shortfall; paying checks the balance again. Both
  checks run inside the writing transaction with the fund locked (``funds.ensure_affordable``), so
  two workstations never overdraw a fund.
* ``propose_in`` does the same inside a caller's transaction (a case's 经济帮扶 measure).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import extract, func, select
from sqlalchemy.orm import Session

from app.db import Database
from app.db.models import Person
from app.db.models_hardship import HardshipFile, HardshipFund, HardshipMember, HardshipPayment
from app.domain import clock
from app.domain.actor import Actor
from app.domain.errors import Collector, Conflict, NotFound, ValidationError
from app.domain.hardship import (COUNTED_PAYMENT_STATES, OPEN_FILE_STATES, AssistanceKind, FileState,
                                 HardshipCategory, PayMethod, PaymentState, SchoolLevel, cap_refusal,
                                 same_month_warning, temporary_cap_refusal)
from app.domain.permissions import Perm
from app.domain.privacy import mask_id
from app.domain.validation import check_id_number
from app.domain.workflow import FILE_WORKFLOW, PAYMENT_WORKFLOW, file_facts, payment_facts

from .. import audit
from ..access import require
from . import funds
from .common import PAYMENT_TOTAL, day, diff, enum, fen, get_payment, not_after, rules, snapshot, text

F_KIND, F_AMOUNT, F_FUND, F_DATE, F_FILE, F_PERSON = "帮扶类别", "金额", "资金来源", "帮扶日期", "档案", "帮扶对象"
F_GOODS, F_GOODS_VALUE, F_NOTE = "物资", "物资价值", "备注"
F_STUDENT, F_STUDENT_ID, F_LEVEL = "学生姓名", "学生身份证号", "就读阶段"
F_REFUSAL, F_PAID_ON, F_METHOD, F_VOUCHER = "不予批准理由", "发放日期", "发放方式", "凭证号"

PAYMENT_FIELDS = ("kind", "amount_fen", "goods", "goods_value_fen", "fund_id", "assist_on", "file_id",
                  "person_id", "state", "note", "decided_by", "refusal_reason", "paid_on",
                  "pay_method", "voucher_no", "paid_by", "campaign_id", "sheet_id", "case_id",
                  "student_name", "student_id_number", "school_level", "override_reason",
                  "warning_acknowledged")


class SameMonthWarning(Conflict):
    """The same kind of assistance twice in one month: ask the person, then call again with
    ``acknowledge=True``. ``warning`` is the text to show."""

    english = "same kind of assistance twice in one month: acknowledge to go on"

    def __init__(self, warning: str):
        super().__init__(warning)
        self.warning = warning


@dataclass(frozen=True)
class PaymentInput:
    kind: AssistanceKind | str
    amount: Any                              # cash: int fen or yuan text
    fund_id: int | None
    assist_on: date | str | None = None      # 帮扶日期, default today
    file_id: int | None = None               # None only for 临时救助 without a file
    person_id: int | None = None             # the recipient; default the file's applicant
    goods: str = ""                          # 物资
    goods_value: Any = 0
    note: str = ""
    student_name: str = ""                   # 助学
    student_id_number: str = ""
    school_level: SchoolLevel | str | None = None


@dataclass(frozen=True)
class PaymentRecord:
    id: int
    kind: AssistanceKind
    amount_fen: int
    goods: str
    goods_value_fen: int
    total_fen: int                           # amount + goods value: what the fund and cap see
    fund_id: int
    fund_name: str
    assist_on: date
    file_id: int | None
    file_no: str
    person_id: int
    person_name: str
    id_masked: str
    state: PaymentState
    note: str
    proposed_at: datetime
    decided_at: datetime | None
    refusal_reason: str
    paid_on: date | None
    pay_method: PayMethod | None
    voucher_no: str
    campaign_id: int | None
    sheet_id: int | None
    case_id: int | None
    student_name: str
    student_id_masked: str
    school_level: SchoolLevel | None
    override_reason: str
    warning_acknowledged: str
    refusals: dict[str, str | None]          # step → why not (None: allowed), for the buttons


@dataclass(frozen=True)
class CapInfo:
    kind: AssistanceKind
    year: int
    cap_fen: int                             # 0: no cap
    used_fen: int                            # proposed + approved + paid that year
    left_fen: int | None                     # None: no cap


@dataclass(frozen=True)
class HardshipSummary:
    """A person's hardship side, for the person page and the registration side panel."""
    person_id: int
    file_id: int | None
    file_no: str
    file_state: FileState | None
    category: str                            # label, "" without a file
    review_due: date | None
    payments: tuple[PaymentRecord, ...]      # newest first
    paid_fen: int                            # all paid, all time
    paid_this_year_fen: int
    pending: int                             # proposed or approved, not paid


# ---- records ------------------------------------------------------------------------------------

def _record(s: Session, p: HardshipPayment) -> PaymentRecord:
    person = s.get(Person, p.person_id)
    fund = s.get(HardshipFund, p.fund_id)
    file_no = s.execute(select(HardshipFile.file_no).where(HardshipFile.id == p.file_id)).scalar() \
        if p.file_id else ""
    facts = payment_facts(payment_id=p.id, state=p.state)
    return PaymentRecord(
        id=p.id, kind=AssistanceKind(p.kind), amount_fen=p.amount_fen, goods=p.goods,
        goods_value_fen=p.goods_value_fen, total_fen=p.amount_fen + p.goods_value_fen,
        fund_id=p.fund_id, fund_name=fund.name if fund else "", assist_on=p.assist_on,
        file_id=p.file_id, file_no=file_no or "", person_id=p.person_id,
        person_name=person.name if person else "", id_masked=mask_id(person.id_number if person else None),
        state=PaymentState(p.state), note=p.note, proposed_at=p.proposed_at, decided_at=p.decided_at,
        refusal_reason=p.refusal_reason, paid_on=p.paid_on,
        pay_method=PayMethod(p.pay_method) if p.pay_method else None, voucher_no=p.voucher_no,
        campaign_id=p.campaign_id, sheet_id=p.sheet_id, case_id=p.case_id,
        student_name=p.student_name, student_id_masked=mask_id(p.student_id_number),
        school_level=SchoolLevel(p.school_level) if p.school_level else None,
        override_reason=p.override_reason, warning_acknowledged=p.warning_acknowledged,
        refusals={k: (r.text if r else None) for k, r in PAYMENT_WORKFLOW.refusals(facts).items()})


def get_payment_record(db: Database, payment_id: int) -> PaymentRecord:
    with db.read() as s:
        return _record(s, get_payment(s, payment_id))


def payments_of_file(db: Database, file_id: int) -> list[PaymentRecord]:
    """A file's assistance, newest first."""
    with db.read() as s:
        return [_record(s, p) for p in s.scalars(
            select(HardshipPayment).where(HardshipPayment.file_id == file_id)
            .order_by(HardshipPayment.assist_on.desc(), HardshipPayment.id.desc()))]


# ---- caps ---------------------------------------------------------------------------------------

_COUNTED = [st.value for st in COUNTED_PAYMENT_STATES]


def _year(q, year: int):
    return q.where(HardshipPayment.assist_on >= date(year, 1, 1),
                   HardshipPayment.assist_on <= date(year, 12, 31))


def used_by_files(s: Session, file_ids: Iterable[int], kind: AssistanceKind | str, year: int,
                  exclude_id: int | None = None) -> dict[int, int]:
    """File id → what its household has of ``kind`` in ``year`` (proposed, approved, paid), for a
    batch (a campaign) checking many households at once."""
    ids = list(file_ids)
    out: dict[int, int] = {}
    for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500)):
        q = _year(select(HardshipPayment.file_id, func.sum(PAYMENT_TOTAL))
                  .where(HardshipPayment.file_id.in_(chunk),
                         HardshipPayment.kind == AssistanceKind(kind).value,
                         HardshipPayment.state.in_(_COUNTED)), year)
        if exclude_id is not None:
            q = q.where(HardshipPayment.id != exclude_id)
        out.update({fid: int(total or 0) for fid, total in s.execute(q.group_by(HardshipPayment.file_id))})
    return out


def _used_without_file(s: Session, person_id: int, year: int, exclude_id: int | None) -> int:
    q = _year(select(func.sum(PAYMENT_TOTAL)).where(
        HardshipPayment.person_id == person_id, HardshipPayment.file_id.is_(None),
        HardshipPayment.kind == AssistanceKind.TEMPORARY.value,
        HardshipPayment.state.in_(_COUNTED)), year)
    if exclude_id is not None:
        q = q.where(HardshipPayment.id != exclude_id)
    return int(s.execute(q).scalar() or 0)


def remaining_cap(db: Database, kind: AssistanceKind | str, year: int, *, file_id: int | None = None,
                  person_id: int | None = None) -> CapInfo:
    """What is left of ``kind``'s yearly cap for a household (``file_id``) or, for 临时救助 without a
    file, for a person — for the form to show beside the amount."""
    kind = AssistanceKind(kind)
    with db.read() as s:
        r = rules(s)
        if file_id is not None:
            cap, used = r.cap_fen(kind), used_by_files(s, [file_id], kind, year).get(file_id, 0)
        elif person_id is not None and kind is AssistanceKind.TEMPORARY:
            cap, used = r.temporary_cap_fen, _used_without_file(s, person_id, year, None)
        else:
            raise ValidationError([(F_FILE, "请选择档案（未建档人员只能申请临时救助）")])
    return CapInfo(kind, year, cap, used, max(0, cap - used) if cap else None)


# ---- proposing ----------------------------------------------------------------------------------

@dataclass
class _Values:
    values: dict[str, Any]
    kind: AssistanceKind | None


def _clean(errors: Collector, data: PaymentInput, today: date) -> _Values:
    v: dict[str, Any] = {}
    kind = enum(errors, AssistanceKind, data.kind, F_KIND)
    v["kind"] = kind.value if kind else None
    v["amount_fen"] = fen(errors, data.amount, F_AMOUNT)
    v["goods"] = text(errors, data.goods, F_GOODS, 200)
    v["goods_value_fen"] = fen(errors, data.goods_value, F_GOODS_VALUE)
    if v["goods_value_fen"] and not v["goods"]:
        errors.add(F_GOODS, "填写了物资价值，请写明物资名称和数量")
    if v["amount_fen"] == 0 and v["goods_value_fen"] == 0:
        errors.add(F_AMOUNT, "金额和物资价值不能都为 0")
    if data.fund_id is None:
        errors.add(F_FUND, "请选择资金来源")
    v["fund_id"] = data.fund_id
    v["assist_on"] = day(errors, data.assist_on, F_DATE, default=today)
    if v["assist_on"] is not None and v["assist_on"].year < 2000:
        errors.add(F_DATE, f"{v['assist_on']:%Y-%m-%d} 太早了，请核对年份")
    v["note"] = text(errors, data.note, F_NOTE, 1000)
    v["student_name"] = text(errors, data.student_name, F_STUDENT, 50)
    v["student_id_number"] = None
    if data.student_id_number and str(data.student_id_number).strip():
        try:
            v["student_id_number"] = check_id_number(data.student_id_number)[0]
        except ValidationError as e:
            errors.errors.extend((F_STUDENT_ID, m) for _f, m in e.errors)
    level = enum(errors, SchoolLevel, data.school_level, F_LEVEL, required=False)
    v["school_level"] = level.value if level else None
    return _Values(v, kind)


def _check_recipient(s: Session, errors: Collector, data: PaymentInput, c: _Values,
                     today: date) -> HardshipFile | None:
    """The file (active, for every kind but 临时救助 without one) and the recipient person."""
    v = c.values
    f = None
    if data.file_id is not None:
        f = s.get(HardshipFile, data.file_id)
        if f is None:
            errors.add(F_FILE, f"找不到编号为 {data.file_id} 的档案，请重新选择")
            return None
        refusal = FILE_WORKFLOW.refusal("pay", file_facts(file_no=f.file_no, state=f.state))
        if refusal is not None:
            raise Conflict(refusal.text, refusal.code)
        person_id = data.person_id or f.person_id
        if person_id != f.person_id and s.execute(select(HardshipMember.id).where(
                HardshipMember.file_id == f.id, HardshipMember.person_id == person_id)).first() is None:
            errors.add(F_PERSON, f"帮扶对象须是档案{f.file_no}的申请人或家庭成员")
        v["file_id"], v["person_id"] = f.id, person_id
        return f
    if c.kind is not None and c.kind is not AssistanceKind.TEMPORARY:
        errors.add(F_FILE, f"先建档、后帮扶：{c.kind.label}须选择在档的困难职工档案；未建档人员只能申请临时救助")
        return None
    if data.person_id is None:
        errors.add(F_PERSON, "请从人员库选择帮扶对象")
        return None
    person = s.get(Person, data.person_id)
    if person is None:
        errors.add(F_PERSON, f"找不到编号为 {data.person_id} 的人员，请重新选择")
        return None
    own = s.execute(select(HardshipFile.file_no).where(
        HardshipFile.person_id == person.id, HardshipFile.state == FileState.ACTIVE.value)).scalar()
    if own:
        errors.add(F_FILE, f"{person.name}已有在档档案{own}，请在该档案下申请")
    v["file_id"], v["person_id"] = None, person.id
    return None


def _check_fund(s: Session, errors: Collector, fund_id: int | None) -> None:
    if fund_id is None:
        return
    fund = s.get(HardshipFund, fund_id)
    if fund is None:
        errors.add(F_FUND, f"找不到编号为 {fund_id} 的资金来源，请重新选择")
    elif not fund.active:
        errors.add(F_FUND, f"资金来源「{fund.name}」已停用，请选择其他资金来源")


def _check_caps(s: Session, errors: Collector, v: dict, exclude_id: int | None) -> None:
    total = v["amount_fen"] + v["goods_value_fen"]
    year = v["assist_on"].year
    r = rules(s)
    if v["file_id"] is not None:
        used = used_by_files(s, [v["file_id"]], v["kind"], year, exclude_id).get(v["file_id"], 0)
        why = cap_refusal(v["kind"], r.cap_fen(v["kind"]), used, total, year)
    else:
        used = _used_without_file(s, v["person_id"], year, exclude_id)
        why = temporary_cap_refusal(r.temporary_cap_fen, used, total, year)
    if why:
        errors.add(F_AMOUNT, why)


def _same_month(s: Session, v: dict, exclude_id: int | None) -> str | None:
    first = v["assist_on"].replace(day=1)
    nxt = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    q = select(HardshipPayment.assist_on).where(
        HardshipPayment.kind == v["kind"], HardshipPayment.state.in_(_COUNTED),
        HardshipPayment.campaign_id.is_(None), HardshipPayment.assist_on >= first,
        HardshipPayment.assist_on < nxt)
    q = q.where(HardshipPayment.file_id == v["file_id"]) if v["file_id"] is not None else \
        q.where(HardshipPayment.person_id == v["person_id"], HardshipPayment.file_id.is_(None))
    if exclude_id is not None:
        q = q.where(HardshipPayment.id != exclude_id)
    return same_month_warning(v["kind"], v["assist_on"], s.scalars(q))


def _validated(s: Session, data: PaymentInput, today: date, exclude_id: int | None,
               acknowledge: bool) -> dict[str, Any]:
    errors = Collector()
    c = _clean(errors, data, today)
    _check_fund(s, errors, data.fund_id)
    if c.kind is not None:
        _check_recipient(s, errors, data, c, today)
    errors.raise_if_any()
    _check_caps(s, errors, c.values, exclude_id)
    errors.raise_if_any()
    warning = _same_month(s, c.values, exclude_id)
    if warning and not acknowledge:
        raise SameMonthWarning(warning)
    c.values["warning_acknowledged"] = warning or ""
    return c.values


def propose_in(s: Session, actor: Actor, data: PaymentInput, now: datetime, *,
               acknowledge: bool = False, case_id: int | None = None) -> HardshipPayment:
    """Propose inside the caller's ``db.write()`` (all the checks of ``propose``); returns the row."""
    require(actor, Perm.FILE_HARDSHIP)
    values = _validated(s, data, now.date(), None, acknowledge)
    p = HardshipPayment(state=PaymentState.PROPOSED.value, proposed_by=actor.user_id, proposed_at=now,
                        case_id=case_id, **values)
    s.add(p)
    s.flush()
    audit.record(s, actor, "assistance", p.id, "propose", None, snapshot(p, PAYMENT_FIELDS))
    return p


def propose(db: Database, actor: Actor, data: PaymentInput, *, acknowledge: bool = False,
            now: datetime | None = None) -> PaymentRecord:
    """A new assistance proposal (``Perm.FILE_HARDSHIP``); see the module's contract."""
    at = now or clock.now()
    require(actor, Perm.FILE_HARDSHIP)
    with db.write() as s:
        return _record(s, propose_in(s, actor, data, at, acknowledge=acknowledge))


def update_proposal(db: Database, actor: Actor, payment_id: int, data: PaymentInput, *,
                    acknowledge: bool = False, now: datetime | None = None) -> PaymentRecord:
    """Correct a proposal not yet decided (kind, amount, fund, date, goods, note …)."""
    require(actor, Perm.FILE_HARDSHIP)
    at = now or clock.now()
    with db.write() as s:
        p = get_payment(s, payment_id)
        _check_step(p, "edit")
        before = snapshot(p, PAYMENT_FIELDS)
        values = _validated(s, data, at.date(), p.id, acknowledge)
        if p.campaign_id is not None and values["kind"] != p.kind:
            raise Conflict("活动中的帮扶记录不能改变帮扶类别", "campaign payment kind fixed")
        for k, val in values.items():
            setattr(p, k, val)
        s.flush()
        b, a = diff(before, snapshot(p, PAYMENT_FIELDS))
        if a:
            audit.record(s, actor, "assistance", p.id, "update", b, a)
        return _record(s, p)


# ---- deciding and paying ------------------------------------------------------------------------

def _check_step(p: HardshipPayment, step: str) -> None:
    refusal = PAYMENT_WORKFLOW.refusal(step, payment_facts(payment_id=p.id, state=p.state))
    if refusal is not None:
        raise Conflict(refusal.text, refusal.code)


def _file_still_open(s: Session, p: HardshipPayment) -> None:
    if p.file_id is None:
        return
    f = s.get(HardshipFile, p.file_id)
    refusal = FILE_WORKFLOW.refusal("pay", file_facts(file_no=f.file_no, state=f.state))
    if refusal is not None:
        raise Conflict(refusal.text, refusal.code)


def _decide(db: Database, actor: Actor, payment_id: int, step: str, now: datetime | None,
            change) -> PaymentRecord:
    at = now or clock.now()
    with db.write() as s:
        p = get_payment(s, payment_id)
        _check_step(p, step)
        before = snapshot(p, PAYMENT_FIELDS)
        change(s, p, at)
        s.flush()
        b, a = diff(before, snapshot(p, PAYMENT_FIELDS))
        audit.record(s, actor, "assistance", p.id, step, b, a)
        return _record(s, p)


def approve(db: Database, actor: Actor, payment_id: int, *, now: datetime | None = None) -> PaymentRecord:
    """批准 (负责人): refused when the file has closed meanwhile or the fund's available money is
    short (naming the fund and the shortfall); approving reserves the money."""
    require(actor, Perm.APPROVE_HARDSHIP)

    def change(s: Session, p: HardshipPayment, at: datetime) -> None:
        _file_still_open(s, p)
        funds.ensure_affordable(s, {p.fund_id: p.amount_fen + p.goods_value_fen})
        p.state, p.decided_by, p.decided_at = PaymentState.APPROVED.value, actor.user_id, at
    return _decide(db, actor, payment_id, "approve", now, change)


def refuse(db: Database, actor: Actor, payment_id: int, reason: Any, *,
           now: datetime | None = None) -> PaymentRecord:
    """不予批准 (负责人) with a reason, which the record keeps."""
    require(actor, Perm.APPROVE_HARDSHIP)
    errors = Collector()
    why = text(errors, reason, F_REFUSAL, 1000, required=True)
    errors.raise_if_any()

    def change(s: Session, p: HardshipPayment, at: datetime) -> None:
        p.state, p.decided_by, p.decided_at = PaymentState.REFUSED.value, actor.user_id, at
        p.refusal_reason = why
    return _decide(db, actor, payment_id, "refuse", now, change)


def pay(db: Database, actor: Actor, payment_id: int, *, paid_on: Any = None, method: Any,
        voucher_no: Any, now: datetime | None = None) -> PaymentRecord:
    """已发放: date (default today, not in the future, not before approval), method 打卡/现金 and
    the voucher number (``Perm.PAY_HARDSHIP``)."""
    require(actor, Perm.PAY_HARDSHIP)
    at = now or clock.now()
    errors = Collector()
    on = day(errors, paid_on, F_PAID_ON, default=at.date())
    not_after(errors, on, at.date(), F_PAID_ON)
    how = enum(errors, PayMethod, method, F_METHOD)
    voucher = text(errors, voucher_no, F_VOUCHER, 40, required=True)
    errors.raise_if_any()

    def change(s: Session, p: HardshipPayment, when: datetime) -> None:
        if p.decided_at is not None and on < p.decided_at.date():
            raise ValidationError([(F_PAID_ON, f"发放日期 {on:%Y-%m-%d} 早于批准日期 "
                                               f"{p.decided_at:%Y-%m-%d}，请核对")])
        _file_still_open(s, p)
        funds.ensure_affordable(s, {p.fund_id: p.amount_fen + p.goods_value_fen}, committed=True)
        p.state, p.paid_on, p.pay_method, p.voucher_no = PaymentState.PAID.value, on, how.value, voucher
        p.paid_by = actor.user_id
    return _decide(db, actor, payment_id, "pay", at, change)


# ---- a person's hardship side -------------------------------------------------------------------

def person_summary(db: Database, person_id: int, today: date | None = None,
                   limit: int = 50) -> HardshipSummary:
    """The person's file (open one first, else the newest) and payments (as recipient), for the
    person page and the registration side panel."""
    today = today or clock.today()
    open_states = [st.value for st in OPEN_FILE_STATES]
    with db.read() as s:
        if s.get(Person, person_id) is None:
            raise NotFound(f"找不到编号为 {person_id} 的人员", "person not found")
        f = s.execute(select(HardshipFile).where(HardshipFile.person_id == person_id)
                      .order_by(HardshipFile.state.in_(open_states).desc(), HardshipFile.id.desc())
                      .limit(1)).scalar_one_or_none()
        if f is None:
            f = s.execute(select(HardshipFile).join(HardshipMember, HardshipMember.file_id == HardshipFile.id)
                          .where(HardshipMember.person_id == person_id, HardshipFile.state.in_(open_states))
                          .limit(1)).scalar_one_or_none()
        rows = list(s.scalars(select(HardshipPayment).where(HardshipPayment.person_id == person_id)
                              .order_by(HardshipPayment.assist_on.desc(), HardshipPayment.id.desc())
                              .limit(limit)))
        paid = [PaymentState.PAID.value]
        q = select(func.sum(PAYMENT_TOTAL)).where(HardshipPayment.person_id == person_id,
                                                  HardshipPayment.state.in_(paid))
        total = int(s.execute(q).scalar() or 0)
        this_year = int(s.execute(q.where(extract("year", HardshipPayment.paid_on) == today.year)).scalar() or 0)
        pending = int(s.execute(select(func.count()).where(
            HardshipPayment.person_id == person_id,
            HardshipPayment.state.in_([PaymentState.PROPOSED.value, PaymentState.APPROVED.value]))).scalar())
        return HardshipSummary(
            person_id=person_id, file_id=f.id if f else None, file_no=f.file_no if f else "",
            file_state=FileState(f.state) if f else None,
            category=HardshipCategory.label_of(f.category) if f else "",
            review_due=f.review_due if f else None, payments=tuple(_record(s, p) for p in rows),
            paid_fen=total, paid_this_year_fen=this_year, pending=pending)


# ---- a case's 经济帮扶 measure -------------------------------------------------------------------

def propose_for_case(s: Session, actor: Actor, case_id: int, person_id: int | None, amount_fen: int,
                     now: datetime, *, kind: AssistanceKind | str | None = None,
                     fund_id: int | None = None, note: str = "") -> HardshipPayment | None:
    """Inside the case service's write transaction: the 经济帮扶 measure proposes an assistance record
    for the petitioner, linked to the case (``case_id``; the case's timeline names the record).
    The petitioner's 在档 file is used when there is one (kind default 生活救助), else 临时救助
    without a file. The fund defaults to the office's first active fund; the manager may correct the
    proposal before approving it. None when the petitioner is not in the registry (nothing to link).
    The same-month warning is accepted and kept on the record for the approver."""
    if person_id is None:
        return None
    file_id = s.execute(select(HardshipFile.id).where(
        HardshipFile.person_id == person_id, HardshipFile.state == FileState.ACTIVE.value)).scalar()
    if kind is None:
        kind = AssistanceKind.LIVING if file_id else AssistanceKind.TEMPORARY
    if fund_id is None:
        fund_id = s.execute(select(HardshipFund.id).where(HardshipFund.active.is_(True))
                            .order_by(HardshipFund.sort, HardshipFund.name).limit(1)).scalar()
    data = PaymentInput(kind=kind, amount=amount_fen, fund_id=fund_id, assist_on=now.date(),
                        file_id=file_id, person_id=person_id, note=note)
    return propose_in(s, actor, data, now, acknowledge=True, case_id=case_id)
