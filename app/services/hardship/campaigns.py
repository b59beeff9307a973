"""Campaigns 帮扶活动 (DESIGN §4): 送温暖 (元旦春节) and 金秋助学 for a year, their batch of assistance
records, the 签领表 and the payment of a whole sheet.

Flow: ``create_campaign`` (clerk, caseworker or manager) makes the campaign and its batch in ONE
transaction — the households chosen by a :class:`HouseholdFilter` or read from an xlsx list
(:func:`read_list`) — as proposed records (待审批); ``add_to_campaign`` adds more to a campaign not
yet approved. ``campaign_detail`` is the batch to review. ``approve_campaign`` (manager) approves the
whole batch in one step and makes its 签领表 (one sheet = the campaign's 项目 × its fund), whose
snapshot is what is printed and reprinted (``sheet_pdf``, ``sheet_xlsx``: identical whatever changed
since). ``record_sheet_paid`` records the payment of every record on a sheet (date, method, voucher).

Rules, each refusing the WHOLE batch with nothing written (a ``UserError`` whose text lists what is
wrong, a row of the list named by its sheet row number, ID numbers masked):
* 先建档、后帮扶: a 送温暖 household has an open file 在档; 金秋助学 may take families without a file
  (their own amounts per school level: 「filed or not」), the applicant then a person of the registry.
* The campaign duplicate block: a household twice in one 送温暖, a student (ID number) twice in one
  金秋助学 — in the batch itself or against what the campaign already holds — unless a manager gives
  an override reason; the override is audited (``override_duplicate``) and kept on each record.
* The yearly cap of the kind per household (``app.domain.hardship.cap_refusal``).
* The fund: the batch's total against what the fund can still commit
  (``funds.ensure_batch_affordable``), at creation and again at approval; the refusal names the fund
  and the shortfall.
* A record is on at most one sheet (``sheet_id``), set once at approval.
Audit: one row per campaign write (entity ``campaign``: create with count and total, add, approve with
the sheet, override_duplicate, pay) — the records of a batch are written in bulk, not one audit row each.
Safe from any thread; one Session per call.
"""
from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import case, func, insert, select, update
from sqlalchemy.orm import Session

from app.db import Database
from app.db.models import Employer, Person
from app.db.models_hardship import (HardshipCampaign, HardshipFile, HardshipFund, HardshipPayment,
                                    HardshipSheet)
from app.domain import clock
from app.domain.actor import Actor
from app.domain.enums import Gender
from app.domain.errors import Collector, Conflict, NotFound, UserError, ValidationError
from app.domain.hardship import (CAMPAIGN_PAYMENT_KIND, STUDY_LEVELS, CampaignKind, CampaignState,
                                 FileState, HardshipCategory, PaymentState, PayMethod, SchoolLevel)
from app.domain.permissions import Perm
from app.domain.privacy import mask_id

from .. import audit, numbering
from .. import settings as office_settings
from ..access import require
from . import campaign_lists as lists
from . import funds, sign_sheet
from .campaign_lists import (FILED, STUDY_SPEC, UNFILED, WARMTH_SPEC, HouseholdFilter, HouseholdList,
                             ListRow, _Entry, read_list)

__all__ = [  # the public API (the GUI calls ``campaigns.…``)
    "CampaignInput", "HouseholdFilter", "HouseholdList", "ListRow", "WARMTH_SPEC", "STUDY_SPEC",
    "CampaignRecord", "BatchRow", "CampaignDetail", "SheetRecord", "read_list", "create_campaign",
    "add_to_campaign", "remove_from_campaign", "list_campaigns", "campaign_detail", "approve_campaign", "sheets",
    "sheet_snapshot", "sheet_pdf", "sheet_xlsx", "record_sheet_paid", "filed_streets", "FILED", "UNFILED",
]
from .common import day, enum, fen, get_fund, text

F_KIND, F_YEAR, F_NAME, F_FUND, F_AMOUNT, F_DATE = "活动类型", "年度", "活动名称", "资金来源", "每户金额", "发放日期"
F_OVERRIDE, F_VOUCHER, F_METHOD, F_PAID_ON = "重复原因", "凭证号", "发放方式", "发放日期"
SHEET_COUNTER = "hardship_sheet"


# ------------------------------------------------------------------------------ inputs

@dataclass(frozen=True)
class CampaignInput:
    """A new campaign. ``amount``: per household (送温暖; yuan text or int fen). ``level_amounts``:
    金秋助学's amounts, ``{"filed": {level code: amount}, "unfiled": {…}}`` (a level without an
    amount is not given 助学)."""
    kind: Any
    year: Any
    fund_id: int
    assist_on: Any
    amount: Any = None
    level_amounts: Mapping[str, Mapping[str, Any]] | None = None
    name: Any = ""
    note: Any = ""


# ------------------------------------------------------------------------------ results

@dataclass(frozen=True)
class CampaignRecord:
    id: int
    kind: CampaignKind
    year: int
    name: str
    fund_id: int
    fund_name: str
    amount_fen: int | None
    level_amounts: dict[str, dict[str, int]]
    assist_on: date
    state: CampaignState
    count: int
    total_fen: int
    paid_count: int
    sheet_ids: tuple[int, ...]
    note: str


@dataclass(frozen=True)
class BatchRow:
    payment_id: int
    file_no: str                      # "" for a family without a file (金秋助学)
    name: str
    id_masked: str
    category: str                     # label, "" without a file
    place: str                        # employer or address
    student: str                      # 「李小明（初中）」 for 金秋助学
    amount_fen: int
    state: PaymentState
    sheet_id: int | None
    override_reason: str


@dataclass(frozen=True)
class CampaignDetail:
    campaign: CampaignRecord
    rows: tuple[BatchRow, ...]


@dataclass(frozen=True)
class SheetRecord:
    id: int
    sheet_no: str
    campaign_id: int | None
    title: str
    fund_name: str
    sheet_on: date
    count: int
    total_fen: int
    paid: bool


# ------------------------------------------------------------------------------ input checks

def _campaign_fields(s: Session, data: CampaignInput) -> dict[str, Any]:
    errors = Collector()
    kind = enum(errors, CampaignKind, data.kind, F_KIND)
    try:
        year = int(str(data.year).strip())
        if not 2000 <= year <= 2100:
            raise ValueError
    except (TypeError, ValueError):
        errors.add(F_YEAR, f"「{data.year}」不是年份，请填写如 2026")
        year = None
    on = day(errors, data.assist_on, F_DATE)
    amount = None
    levels: dict[str, dict[str, int]] = {}
    if kind is CampaignKind.WARMTH:
        amount = fen(errors, data.amount, F_AMOUNT, allow_zero=False)
    elif kind is CampaignKind.STUDY:
        for group, label in ((FILED, "建档"), (UNFILED, "未建档")):
            for code, value in (data.level_amounts or {}).get(group, {}).items():
                level = enum(errors, SchoolLevel, code, f"{label}{F_AMOUNT}")
                if level is None:
                    continue
                if level not in STUDY_LEVELS:
                    errors.add(f"{label}{F_AMOUNT}", f"「{level.label}」不是在学学段，不能设助学金额")
                    continue
                v = fen(errors, value, f"{label}{level.label}金额")
                if v:
                    levels.setdefault(group, {})[level.value] = v
        if not levels:
            errors.add(F_AMOUNT, "请至少为一个学段填写助学金额")
    name = text(errors, data.name, F_NAME, 100)
    note = text(errors, data.note, "备注", 500)
    errors.raise_if_any()
    fund = get_fund(s, data.fund_id)
    if not fund.active:
        raise ValidationError([(F_FUND, f"资金来源「{fund.name}」已停用，请选择其他资金来源")])
    if not name:
        name = f"{year}年元旦春节送温暖" if kind is CampaignKind.WARMTH else f"{year}年金秋助学"
    return {"kind": kind, "year": year, "assist_on": on, "amount_fen": amount, "levels": levels,
            "name": name, "note": note, "fund": fund}


def _override(actor: Actor, reason: Any) -> str:
    errors = Collector()
    why = text(errors, reason, F_OVERRIDE, 500)
    errors.raise_if_any()
    if why:
        require(actor, Perm.APPROVE_HARDSHIP)
    return why


def _write_batch(s: Session, actor: Actor, camp: HardshipCampaign, c: dict[str, Any],
                 entries: list[_Entry], override: str, now: datetime) -> None:
    kind = CAMPAIGN_PAYMENT_KIND[c["kind"]].value
    rows = [{"kind": kind, "amount_fen": e.amount_fen, "goods": "", "goods_value_fen": 0,
             "fund_id": camp.fund_id, "assist_on": camp.assist_on, "file_id": e.file_id,
             "person_id": e.person_id, "state": PaymentState.PROPOSED.value, "note": "",
             "proposed_by": actor.user_id, "proposed_at": now, "refusal_reason": "", "voucher_no": "",
             "campaign_id": camp.id, "student_name": e.student_name,
             "student_id_number": e.student_id_number, "school_level": e.school_level,
             "override_reason": override, "warning_acknowledged": ""} for e in entries]
    if rows:
        s.execute(insert(HardshipPayment.__table__), rows)


def _add(s: Session, actor: Actor, camp: HardshipCampaign, c: dict[str, Any],
         selection: HouseholdFilter | HouseholdList, override_reason: Any, now: datetime,
         action: str) -> tuple[int, int]:
    override = _override(actor, override_reason)
    problems: list[str] = []
    if isinstance(selection, HouseholdList):
        entries = lists.from_list(s, c, selection, problems)
    else:
        entries = lists.from_filter(s, c, selection)
    if not entries and not problems:
        raise UserError("没有符合条件的家庭（在档的困难职工档案" +
                        ("中在学的子女" if c["kind"] is CampaignKind.STUDY else "") + "），请调整筛选条件",
                        "no households selected")
    dups = lists.duplicates(s, c["kind"], camp.id if camp.id else None, entries)
    if dups and not override:
        problems += [d + "（同一活动不能重复发放；负责人可填写原因后放行）" for d in dups]
    problems += lists.caps(s, c, entries)
    problems.sort(key=lists.row_no)
    lists.refuse(problems, "本批")
    total = sum(e.amount_fen for e in entries)
    funds.ensure_batch_affordable(s, {camp.fund_id: total})
    _write_batch(s, actor, camp, c, entries, override if dups else "", now)
    audit.record(s, actor, "campaign", camp.id, action, None,
                 {"count": len(entries), "total_fen": total, "rows": _masked_rows(entries)})
    if dups:
        audit.record(s, actor, "campaign", camp.id, "override_duplicate", None,
                     {"reason": override, "duplicates": dups})
    return len(entries), total


def _masked_rows(entries: list[_Entry]) -> list[str]:
    return [e.household + (f" {e.student_name}" if e.student_name else "") for e in entries[:50]]


def create_campaign(db: Database, actor: Actor, data: CampaignInput,
                    selection: HouseholdFilter | HouseholdList, *, override_reason: Any = "",
                    now: datetime | None = None) -> CampaignRecord:
    """The campaign and its batch, all or none (see the module text). ``Perm.FILE_HARDSHIP``."""
    require(actor, Perm.FILE_HARDSHIP)
    now = now or clock.now()
    with db.write() as s:
        c = _campaign_fields(s, data)
        camp = HardshipCampaign(kind=c["kind"].value, year=c["year"], name=c["name"],
                                fund_id=c["fund"].id, amount_fen=c["amount_fen"],
                                level_amounts=json.dumps(c["levels"], ensure_ascii=False, sort_keys=True),
                                assist_on=c["assist_on"], state=CampaignState.DRAFT.value, note=c["note"],
                                created_by=actor.user_id, created_at=now)
        s.add(camp)
        s.flush()
        audit.record(s, actor, "campaign", camp.id, "create", None,
                     {"kind": camp.kind, "year": camp.year, "name": camp.name, "fund_id": camp.fund_id,
                      "amount_fen": camp.amount_fen, "level_amounts": c["levels"],
                      "assist_on": camp.assist_on})
        _add(s, actor, camp, c, selection, override_reason, now, "add")
        return _record(s, camp)


def _campaign_values(camp: HardshipCampaign, fund: HardshipFund) -> dict[str, Any]:
    return {"kind": CampaignKind(camp.kind), "year": camp.year, "assist_on": camp.assist_on,
            "amount_fen": camp.amount_fen, "levels": json.loads(camp.level_amounts or "{}"),
            "name": camp.name, "note": camp.note, "fund": fund}


def _get(s: Session, campaign_id: int) -> HardshipCampaign:
    camp = s.get(HardshipCampaign, campaign_id)
    if camp is None:
        raise NotFound(f"找不到编号为 {campaign_id} 的帮扶活动，请刷新", "campaign not found")
    return camp


def add_to_campaign(db: Database, actor: Actor, campaign_id: int,
                    selection: HouseholdFilter | HouseholdList, *, override_reason: Any = "",
                    now: datetime | None = None) -> CampaignRecord:
    """More households for a campaign not yet approved (same rules, all or none)."""
    require(actor, Perm.FILE_HARDSHIP)
    now = now or clock.now()
    with db.write() as s:
        camp = _get(s, campaign_id)
        if camp.state != CampaignState.DRAFT.value:
            raise Conflict(f"活动「{camp.name}」{CampaignState(camp.state).label}，不能再添加家庭",
                           "campaign not a draft")
        c = _campaign_values(camp, get_fund(s, camp.fund_id))
        _add(s, actor, camp, c, selection, override_reason, now, "add")
        return _record(s, camp)


def remove_from_campaign(db: Database, actor: Actor, campaign_id: int, payment_ids: list[int], *,
                         now: datetime | None = None) -> CampaignRecord:
    """Take records out of a batch under review (not yet approved): they are deleted, never paid.
    At least one record stays (an empty campaign is refused: nothing to approve)."""
    require(actor, Perm.FILE_HARDSHIP)
    P = HardshipPayment
    with db.write() as s:
        camp = _get(s, campaign_id)
        if camp.state != CampaignState.DRAFT.value:
            raise Conflict(f"活动「{camp.name}」{CampaignState(camp.state).label}，名单不能再修改", "campaign not a draft")
        ids = sorted(set(payment_ids))
        rows = s.execute(select(P.id, P.person_id, P.amount_fen, P.student_name)
                         .where(P.campaign_id == camp.id, P.id.in_(ids))).all()
        if len(rows) != len(ids):
            raise Conflict("所选记录不在本活动中，请刷新后重试", "payment not in campaign")
        left = s.execute(select(func.count(P.id)).where(P.campaign_id == camp.id)).scalar_one() - len(ids)
        if left < 1:
            raise Conflict("活动中至少要保留一户；不再发放请不予审批", "campaign would be empty")
        s.execute(P.__table__.delete().where(P.id.in_(ids)))
        audit.record(s, actor, "campaign", camp.id, "remove", {"payment_ids": ids,
                     "total_fen": sum(int(r.amount_fen) for r in rows)}, None)
        return _record(s, camp)


# ------------------------------------------------------------------------------ reads

def _record(s: Session, camp: HardshipCampaign) -> CampaignRecord:
    P = HardshipPayment
    count, total, paid = s.execute(
        select(func.count(P.id), func.coalesce(func.sum(P.amount_fen), 0),
               func.coalesce(func.sum(case((P.state == PaymentState.PAID.value, 1), else_=0)), 0))
        .where(P.campaign_id == camp.id, P.state != PaymentState.REFUSED.value)).one()
    sheets = tuple(s.scalars(select(HardshipSheet.id).where(HardshipSheet.campaign_id == camp.id)
                             .order_by(HardshipSheet.id)))
    fund_name = s.execute(select(HardshipFund.name).where(HardshipFund.id == camp.fund_id)).scalar_one()
    return CampaignRecord(id=camp.id, kind=CampaignKind(camp.kind), year=camp.year, name=camp.name,
                          fund_id=camp.fund_id, fund_name=fund_name, amount_fen=camp.amount_fen,
                          level_amounts=json.loads(camp.level_amounts or "{}"), assist_on=camp.assist_on,
                          state=CampaignState(camp.state), count=int(count), total_fen=int(total),
                          paid_count=int(paid), sheet_ids=sheets, note=camp.note)


def list_campaigns(db: Database, year: int | None = None) -> list[CampaignRecord]:
    """Campaigns, newest first (optionally of one year)."""
    with db.read() as s:
        q = select(HardshipCampaign).order_by(HardshipCampaign.assist_on.desc(), HardshipCampaign.id.desc())
        if year is not None:
            q = q.where(HardshipCampaign.year == year)
        return [_record(s, c) for c in s.scalars(q)]


def campaign_detail(db: Database, campaign_id: int) -> CampaignDetail:
    """The campaign and its batch (every record, in the order written) for review."""
    P, F = HardshipPayment, HardshipFile
    with db.read() as s:
        camp = _get(s, campaign_id)
        q = (select(P.id, F.file_no, Person.name, Person.id_number, F.category, Employer.name, F.address,
                    Person.address, P.student_name, P.school_level, P.amount_fen, P.state, P.sheet_id,
                    P.override_reason)
             .join(Person, Person.id == P.person_id).outerjoin(F, F.id == P.file_id)
             .outerjoin(Employer, Employer.id == Person.employer_id)
             .where(P.campaign_id == campaign_id).order_by(P.id))
        rows = tuple(BatchRow(
            payment_id=pid, file_no=no or "", name=name, id_masked=mask_id(idn),
            category=HardshipCategory.label_of(cat) if cat else "", place=emp or faddr or paddr or "",
            student=f"{sname}（{SchoolLevel.label_of(lv)}）" if sname else "", amount_fen=int(amt),
            state=PaymentState(state), sheet_id=sheet, override_reason=ov or "")
            for pid, no, name, idn, cat, emp, faddr, paddr, sname, lv, amt, state, sheet, ov in s.execute(q))
        return CampaignDetail(_record(s, camp), rows)


# ------------------------------------------------------------------------------ approval and sheet

def _office_name(s: Session) -> str:
    return office_settings.get(s, "office.name") or ""


def _sheet_rows(s: Session, camp: HardshipCampaign) -> list[tuple[int, dict[str, Any]]]:
    P, F = HardshipPayment, HardshipFile
    q = (select(P.id, Person.name, Person.gender, Person.birth_date, Person.id_number, F.bank_account,
                Employer.name, F.address, Person.address, F.phone, Person.phone, P.amount_fen,
                P.student_name, P.school_level)
         .join(Person, Person.id == P.person_id).outerjoin(F, F.id == P.file_id)
         .outerjoin(Employer, Employer.id == Person.employer_id)
         .where(P.campaign_id == camp.id, P.state == PaymentState.APPROVED.value, P.sheet_id.is_(None))
         .order_by(P.id))
    out = []
    for (pid, name, gender, birth, idn, card, emp, faddr, paddr, fphone, pphone, amt, sname,
         level) in s.execute(q):
        place = emp or faddr or paddr or ""
        if sname:
            place = f"{place}（学生：{sname}，{SchoolLevel.label_of(level)}）" if place else \
                f"学生：{sname}，{SchoolLevel.label_of(level)}"
        out.append((pid, sign_sheet.person_row(
            name=name, gender=Gender.label_of(gender) if gender else "", birth=birth, id_number=idn,
            card=card, address=place, phone=fphone or pphone, fen=int(amt), day=camp.assist_on)))
    return out


def _sheet_title(camp: HardshipCampaign) -> str:
    what = "慰问金" if camp.kind == CampaignKind.WARMTH.value else "助学金"
    return f"{camp.name}{what}签领表"


def approve_campaign(db: Database, actor: Actor, campaign_id: int, *,
                     now: datetime | None = None) -> CampaignRecord:
    """Approve the whole batch in one step (``Perm.APPROVE_HARDSHIP``) and make its 签领表. The fund
    is checked again for the whole batch; a shortfall refuses it with nothing written."""
    require(actor, Perm.APPROVE_HARDSHIP)
    now = now or clock.now()
    P = HardshipPayment
    with db.write() as s:
        camp = _get(s, campaign_id)
        if camp.state != CampaignState.DRAFT.value:
            raise Conflict(f"活动「{camp.name}」{CampaignState(camp.state).label}，不能再次审批",
                           "campaign not a draft")
        total = s.execute(select(func.coalesce(func.sum(P.amount_fen + P.goods_value_fen), 0))
                          .where(P.campaign_id == camp.id, P.state == PaymentState.PROPOSED.value)).scalar_one()
        if not total:
            raise Conflict(f"活动「{camp.name}」没有待审批的帮扶记录", "nothing to approve")
        funds.ensure_batch_affordable(s, {camp.fund_id: int(total)})
        s.execute(update(P).where(P.campaign_id == camp.id, P.state == PaymentState.PROPOSED.value)
                  .values(state=PaymentState.APPROVED.value, decided_by=actor.user_id, decided_at=now))
        camp.state, camp.approved_by, camp.approved_at = CampaignState.APPROVED.value, actor.user_id, now
        sheet = _make_sheet(s, actor, camp, now)
        audit.record(s, actor, "campaign", camp.id, "approve", {"state": CampaignState.DRAFT.value},
                     {"state": camp.state, "total_fen": int(total), "sheet_no": sheet.sheet_no})
        return _record(s, camp)


def _make_sheet(s: Session, actor: Actor, camp: HardshipCampaign, now: datetime) -> HardshipSheet:
    rows = _sheet_rows(s, camp)
    fund = get_fund(s, camp.fund_id)
    snap = sign_sheet.snapshot(title=_sheet_title(camp), office=_office_name(s), project=camp.name,
                               fund=fund.name, day=camp.assist_on, rows=[r for _pid, r in rows])
    n = numbering.next_number(s, SHEET_COUNTER, camp.year)
    sheet = HardshipSheet(sheet_no=f"QL{camp.year}-{n:04d}", campaign_id=camp.id,
                          kind=CAMPAIGN_PAYMENT_KIND[CampaignKind(camp.kind)].value, fund_id=fund.id,
                          title=snap["title"], sheet_on=camp.assist_on, count=len(rows),
                          total_fen=sign_sheet.total_fen(snap),
                          snapshot=json.dumps(snap, ensure_ascii=False, sort_keys=True),
                          created_by=actor.user_id, created_at=now)
    s.add(sheet)
    s.flush()
    ids = [pid for pid, _r in rows]
    for chunk in lists.chunks(ids):
        # a record goes on at most one sheet: only those on none yet
        done = s.execute(update(HardshipPayment).where(HardshipPayment.id.in_(chunk),
                                                       HardshipPayment.sheet_id.is_(None))
                         .values(sheet_id=sheet.id)).rowcount
        if done != len(chunk):
            raise Conflict("有帮扶记录已在其他签领表上，请刷新后重试", "payment already on a sheet")
    return sheet


def _get_sheet(s: Session, sheet_id: int) -> HardshipSheet:
    sheet = s.get(HardshipSheet, sheet_id)
    if sheet is None:
        raise NotFound(f"找不到编号为 {sheet_id} 的签领表，请刷新", "sheet not found")
    return sheet


def _sheet_record(s: Session, sheet: HardshipSheet) -> SheetRecord:
    fund = s.execute(select(HardshipFund.name).where(HardshipFund.id == sheet.fund_id)).scalar_one()
    unpaid = s.execute(select(func.count(HardshipPayment.id)).where(
        HardshipPayment.sheet_id == sheet.id, HardshipPayment.state != PaymentState.PAID.value)).scalar_one()
    return SheetRecord(id=sheet.id, sheet_no=sheet.sheet_no, campaign_id=sheet.campaign_id,
                       title=sheet.title, fund_name=fund, sheet_on=sheet.sheet_on, count=sheet.count,
                       total_fen=sheet.total_fen, paid=sheet.count > 0 and unpaid == 0)


def sheets(db: Database, campaign_id: int) -> list[SheetRecord]:
    with db.read() as s:
        return [_sheet_record(s, sh) for sh in s.scalars(
            select(HardshipSheet).where(HardshipSheet.campaign_id == campaign_id).order_by(HardshipSheet.id))]


def sheet_snapshot(db: Database, sheet_id: int) -> dict[str, Any]:
    with db.read() as s:
        return json.loads(_get_sheet(s, sheet_id).snapshot)


def sheet_pdf(db: Database, sheet_id: int, font_path: str | os.PathLike | None = None) -> bytes:
    """The sheet's PDF from its snapshot: a reprint is byte-identical."""
    return sign_sheet.pdf(sheet_snapshot(db, sheet_id), font_path)


def sheet_xlsx(db: Database, sheet_id: int, path: str | os.PathLike) -> Path:
    return sign_sheet.xlsx(sheet_snapshot(db, sheet_id), path)


def record_sheet_paid(db: Database, actor: Actor, sheet_id: int, paid_on: Any, method: Any,
                      voucher_no: Any, *, now: datetime | None = None) -> SheetRecord:
    """Every record on the sheet paid on ``paid_on`` by ``method`` (打卡/现金) under ``voucher_no``
    (``Perm.PAY_HARDSHIP``: not the administrator). The fund's balance must cover what is paid."""
    require(actor, Perm.PAY_HARDSHIP)
    now = now or clock.now()
    errors = Collector()
    on = day(errors, paid_on, F_PAID_ON)
    if on is not None and on > now.date():
        errors.add(F_PAID_ON, f"发放日期不能晚于今天（{now.date():%Y-%m-%d}）")
    pay = enum(errors, PayMethod, method, F_METHOD)
    voucher = text(errors, voucher_no, F_VOUCHER, 40, required=True)
    errors.raise_if_any()
    P = HardshipPayment
    with db.write() as s:
        sheet = _get_sheet(s, sheet_id)
        if on < sheet.sheet_on:
            raise ValidationError([(F_PAID_ON, f"发放日期 {on:%Y-%m-%d} 早于签领表日期 {sheet.sheet_on:%Y-%m-%d}，请核对")])
        open_ = P.sheet_id == sheet.id, P.state == PaymentState.APPROVED.value
        total = s.execute(select(func.coalesce(func.sum(P.amount_fen + P.goods_value_fen), 0))
                          .where(*open_)).scalar_one()
        if not total:
            raise Conflict(f"签领表 {sheet.sheet_no} 已登记发放", "sheet already paid")
        funds.ensure_affordable(s, {sheet.fund_id: int(total)}, committed=True)
        n = s.execute(update(P).where(*open_).values(
            state=PaymentState.PAID.value, paid_on=on, pay_method=pay.value, voucher_no=voucher,
            paid_by=actor.user_id)).rowcount
        if sheet.campaign_id is not None:
            camp = _get(s, sheet.campaign_id)
            left = s.execute(select(func.count(P.id)).where(
                P.campaign_id == camp.id, P.state.in_([PaymentState.PROPOSED.value,
                                                       PaymentState.APPROVED.value]))).scalar_one()
            if not left:
                camp.state = CampaignState.CLOSED.value
            audit.record(s, actor, "campaign", camp.id, "pay", None,
                         {"sheet_no": sheet.sheet_no, "count": n, "total_fen": int(total),
                          "paid_on": on, "pay_method": pay.value, "voucher_no": voucher})
        return _sheet_record(s, sheet)


def filed_streets(db: Database) -> list[str]:
    """The streets (of the employers) of the households on file 在档, for the campaign filter."""
    with db.read() as s:
        q = (select(Employer.street).join(HardshipFile, HardshipFile.employer_id == Employer.id)
             .where(HardshipFile.state == FileState.ACTIVE.value, Employer.street != "").distinct()
             .order_by(Employer.street))
        return [st for (st,) in s.execute(q)]
