"""The household file's records and the helpers its services share (app/services/hardship/files.py,
file_procedure.py, file_materials.py): the inputs and frozen records, the record built from the
rows, the timeline row, the workflow check, the audit row; the reads of one file and the workbench
lists (overdue reviews, 脱困 proposed). Any thread; every read opens its own Session."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.db import Database
from app.db.models import Employer, Person
from app.db.models_hardship import (HardshipCategoryChange, HardshipFile, HardshipMaterial,
                                    HardshipMember, HardshipReview, HardshipStep)
from app.domain import clock
from app.domain.actor import Actor
from app.domain.errors import Conflict
from app.domain.hardship import (OPEN_FILE_STATES, Cause, ClosureReason, FileState, FileStep,
                                 HardshipCategory, Health, MaterialKind, MedicalInsurance, Relation,
                                 ReviewDecision, SchoolLevel, WorkStatus, add_months, causes_text,
                                 out_of_poverty_due)
from app.domain.privacy import mask_account, mask_id
from app.domain.workflow import FILE_WORKFLOW, file_facts

from .. import audit
from .common import diff, get_file, rules, snapshot

# ---- field labels (every error names one) -------------------------------------------------------
F_PERSON, F_MAIN_CAUSE, F_SECONDARY = "申请人", "主要致困原因", "次要致困原因"
F_APPLICANT_INCOME, F_OTHER_INCOME = "申请人月收入", "其他月收入"
F_RIGID, F_ACCIDENT, F_ACCIDENT_NOTE = "刚性支出（年）", "意外事件支出", "意外事件说明"
F_BANK, F_ACCOUNT, F_ADDRESS, F_PHONE = "开户银行", "银行账号", "家庭住址", "联系电话"
F_APPLIED_ON, F_NOTE, F_CATEGORY, F_OVERRIDE = "申请日期", "备注", "困难类别", "改定类别理由"
F_MEMBERS = "家庭成员"
F_ON, F_OPINION, F_INVESTIGATORS, F_FINDINGS = "日期", "初审意见", "调查人员", "调查情况"
F_PUB_START, F_PUB_END, F_OBJECTION, F_OBJECTION_RESULT = "公示开始日期", "公示结束日期", "异议内容", "异议处理结果"
F_REASON, F_CLOSURE, F_CLOSURE_NOTE = "理由", "出档原因", "出档说明"
F_REVIEWED_ON, F_REVIEWER, F_HOUSEHOLD_INCOME, F_SIZE = "复核日期", "复核人", "家庭月收入", "家庭人口"
F_DECISION, F_NEXT_DUE, F_MATERIAL_KIND = "复核结论", "下次复核日期", "材料类别"

MAX_MEMBERS = 20


FILE_FIELDS = ("file_no", "person_id", "employer_id", "state", "category", "proposed_category",
               "category_formula", "category_override_reason", "main_cause", "secondary_causes",
               "household_size", "applicant_income_fen", "other_income_fen", "household_income_fen",
               "rigid_annual_fen", "per_head_fen", "accident_cost_fen", "accident_note",
               "above_line_since", "bank_name", "bank_account", "address", "phone", "applied_on",
               "investigated_on", "investigators", "publicity_start", "publicity_end",
               "publicity_objection", "publicity_result", "filed_on", "approved_by", "review_due",
               "last_reviewed_on", "returned_reason", "closed_on", "closure_reason", "closure_note",
               "note")


@dataclass(frozen=True)
class MemberInput:
    """A family member (the applicant is the file's person, not a member)."""
    name: str
    relation: Relation | str
    id_number: str = ""
    monthly_income: Any = 0                  # int fen or yuan text
    health: Health | str = ""
    medical_insurance: MedicalInsurance | str = ""
    work_status: WorkStatus | str = ""
    schooling: SchoolLevel | str = ""


@dataclass(frozen=True)
class FileInput:
    person_id: int | None
    main_cause: Cause | str
    secondary_causes: tuple = ()
    applicant_income: Any = 0                # monthly
    other_income: Any = 0                    # monthly (转移性收入 …)
    rigid_annual: Any = 0                    # 刚性支出, a year
    accident_cost: Any = 0                   # one event's cost (意外致困)
    accident_note: str = ""
    members: tuple[MemberInput, ...] = ()
    bank_name: str = ""
    bank_account: str = ""
    address: str = ""
    phone: str = ""
    applied_on: date | str | None = None     # default: today
    note: str = ""


@dataclass(frozen=True)
class ReviewInput:
    reviewed_on: date | str
    reviewer: str
    household_income: Any                    # monthly, the whole household
    rigid_annual: Any
    household_size: int | str
    decision: ReviewDecision | str
    category: HardshipCategory | str | None = None      # for 变更类别
    closure_reason: ClosureReason | str | None = None   # for 出档
    reason: str = ""
    next_due: date | str | None = None                  # default: + the review interval


@dataclass(frozen=True)
class MemberRecord:
    id: int
    seq: int
    name: str
    relation: Relation
    id_number: str | None
    id_masked: str
    person_id: int | None
    monthly_income_fen: int
    health: str
    medical_insurance: str
    work_status: str
    schooling: str


@dataclass(frozen=True)
class StepRecord:
    id: int
    step: FileStep
    on: date
    at: datetime
    username: str
    state_before: FileState | None
    state_after: FileState
    result: str
    reason: str
    detail: dict


@dataclass(frozen=True)
class ReviewRecord:
    id: int
    reviewed_on: date
    reviewer: str
    household_income_fen: int
    rigid_annual_fen: int
    household_size: int
    per_head_fen: int
    decision: ReviewDecision
    category_before: HardshipCategory | None
    category_after: HardshipCategory | None
    reason: str
    next_due: date | None


@dataclass(frozen=True)
class CategoryChangeRecord:
    id: int
    changed_on: date
    category_before: HardshipCategory | None
    category_after: HardshipCategory
    reason: str
    review_id: int | None


@dataclass(frozen=True)
class MaterialRecord:
    id: int
    file_id: int
    kind: MaterialKind
    filename: str
    size: int
    sha256: str
    added_at: datetime


@dataclass(frozen=True)
class FileRecord:
    id: int
    file_no: str
    person_id: int
    person_name: str
    gender: str | None
    id_number: str | None
    id_masked: str
    employer_id: int | None
    employer_name: str
    state: FileState
    category: HardshipCategory | None
    proposed_category: HardshipCategory | None
    category_formula: str
    category_override_reason: str
    main_cause: Cause
    secondary_causes: tuple[Cause, ...]
    household_size: int
    applicant_income_fen: int
    other_income_fen: int
    household_income_fen: int
    rigid_annual_fen: int
    per_head_fen: int
    accident_cost_fen: int
    accident_note: str
    bank_name: str
    bank_account: str
    bank_account_masked: str
    address: str
    phone: str
    applied_on: date
    investigated_on: date | None
    investigators: str
    publicity_start: date | None
    publicity_end: date | None
    publicity_objection: str
    publicity_result: str
    filed_on: date | None
    review_due: date | None
    last_reviewed_on: date | None
    returned_reason: str
    closed_on: date | None
    closure_reason: ClosureReason | None
    closure_note: str
    note: str
    above_line_since: date | None
    out_of_poverty_proposed: bool        # per head above 低保 for the set months (工作台)
    review_overdue: bool
    refusals: dict[str, str | None]      # step → why not (None: allowed), for the page's buttons
    members: tuple[MemberRecord, ...] = ()
    steps: tuple[StepRecord, ...] = ()
    reviews: tuple[ReviewRecord, ...] = ()
    category_changes: tuple[CategoryChangeRecord, ...] = ()
    materials: tuple[MaterialRecord, ...] = ()


@dataclass(frozen=True)
class CategoryProposal:
    category: HardshipCategory | None
    per_head_fen: int
    formula: str
    household_size: int
    household_income_fen: int


@dataclass(frozen=True)
class FileBrief:
    """One line of a workbench list."""
    id: int
    file_no: str
    person_name: str
    category: HardshipCategory | None
    state: FileState
    review_due: date | None
    per_head_fen: int
    above_line_since: date | None


OPEN_STATES = [st.value for st in OPEN_FILE_STATES]


def open_file_of(s: Session, person_id: int | None, id_number: str | None,
                  own_id: int | None) -> tuple[str, str] | None:
    """(file_no, how: 申请人/家庭成员) of another open file this person is on, else None."""
    conds_f = [HardshipFile.state.in_(OPEN_STATES)]
    if own_id is not None:
        conds_f.append(HardshipFile.id != own_id)
    if person_id is not None:
        row = s.execute(select(HardshipFile.file_no).where(HardshipFile.person_id == person_id,
                                                           *conds_f).limit(1)).first()
        if row:
            return row[0], "申请人"
    if id_number:
        row = s.execute(select(HardshipFile.file_no).join(Person, Person.id == HardshipFile.person_id)
                        .where(Person.id_number == id_number, *conds_f).limit(1)).first()
        if row:
            return row[0], "申请人"
    member = []
    if person_id is not None:
        member.append(HardshipMember.person_id == person_id)
    if id_number:
        member.append(HardshipMember.id_number == id_number)
    if member:
        row = s.execute(select(HardshipFile.file_no).select_from(HardshipMember)
                        .join(HardshipFile, HardshipFile.id == HardshipMember.file_id)
                        .where(or_(*member), *conds_f).limit(1)).first()
        if row:
            return row[0], "家庭成员"
    return None


def category_of(v: str | None) -> HardshipCategory | None:
    return HardshipCategory(v) if v else None


def file_record(s: Session, f: HardshipFile, today: date, *, full: bool = True) -> FileRecord:
    person = s.get(Person, f.person_id)
    employer = s.get(Employer, f.employer_id) if f.employer_id else None
    r = rules(s)
    objection_open = bool(f.publicity_objection) and not f.publicity_result
    facts = file_facts(file_no=f.file_no, state=f.state, today=today,
                       publicity_end=f.publicity_end, objection_open=objection_open)
    extra: dict[str, Any] = {}
    if full:
        extra["members"] = tuple(
            MemberRecord(id=m.id, seq=m.seq, name=m.name, relation=Relation(m.relation),
                         id_number=m.id_number, id_masked=mask_id(m.id_number), person_id=m.person_id,
                         monthly_income_fen=m.monthly_income_fen, health=m.health,
                         medical_insurance=m.medical_insurance, work_status=m.work_status,
                         schooling=m.schooling)
            for m in s.scalars(select(HardshipMember).where(HardshipMember.file_id == f.id)
                               .order_by(HardshipMember.seq, HardshipMember.id)))
        extra["steps"] = tuple(
            StepRecord(id=x.id, step=FileStep(x.step), on=x.on, at=x.at, username=x.username,
                       state_before=FileState(x.state_before) if x.state_before else None,
                       state_after=FileState(x.state_after), result=x.result, reason=x.reason,
                       detail=json.loads(x.detail or "{}"))
            for x in s.scalars(select(HardshipStep).where(HardshipStep.file_id == f.id)
                               .order_by(HardshipStep.id)))
        extra["reviews"] = tuple(
            ReviewRecord(id=x.id, reviewed_on=x.reviewed_on, reviewer=x.reviewer,
                         household_income_fen=x.household_income_fen,
                         rigid_annual_fen=x.rigid_annual_fen, household_size=x.household_size,
                         per_head_fen=x.per_head_fen, decision=ReviewDecision(x.decision),
                         category_before=category_of(x.category_before), category_after=category_of(x.category_after),
                         reason=x.reason, next_due=x.next_due)
            for x in s.scalars(select(HardshipReview).where(HardshipReview.file_id == f.id)
                               .order_by(HardshipReview.reviewed_on, HardshipReview.id)))
        extra["category_changes"] = tuple(
            CategoryChangeRecord(id=x.id, changed_on=x.changed_on, category_before=category_of(x.category_before),
                                 category_after=HardshipCategory(x.category_after), reason=x.reason,
                                 review_id=x.review_id)
            for x in s.scalars(select(HardshipCategoryChange)
                               .where(HardshipCategoryChange.file_id == f.id)
                               .order_by(HardshipCategoryChange.id)))
        extra["materials"] = tuple(material_record(x) for x in s.scalars(
            select(HardshipMaterial).where(HardshipMaterial.file_id == f.id).order_by(HardshipMaterial.id)))
    refusals = {step: (r_.text if r_ else None) for step, r_ in FILE_WORKFLOW.refusals(facts).items()}
    if refusals["approve"] is None and f.category is None:
        refusals["approve"] = "尚未确认困难类别，请先确认或改定类别后再审批建档"
    active = f.state == FileState.ACTIVE.value
    return FileRecord(
        id=f.id, file_no=f.file_no, person_id=f.person_id, person_name=person.name if person else "",
        gender=person.gender if person else None, id_number=person.id_number if person else None,
        id_masked=mask_id(person.id_number if person else None), employer_id=f.employer_id,
        employer_name=employer.name if employer else "", state=FileState(f.state),
        category=category_of(f.category), proposed_category=category_of(f.proposed_category),
        category_formula=f.category_formula, category_override_reason=f.category_override_reason,
        main_cause=Cause(f.main_cause), secondary_causes=causes_text(f.secondary_causes),
        household_size=f.household_size, applicant_income_fen=f.applicant_income_fen,
        other_income_fen=f.other_income_fen, household_income_fen=f.household_income_fen,
        rigid_annual_fen=f.rigid_annual_fen, per_head_fen=f.per_head_fen,
        accident_cost_fen=f.accident_cost_fen, accident_note=f.accident_note, bank_name=f.bank_name,
        bank_account=f.bank_account, bank_account_masked=mask_account(f.bank_account),
        address=f.address, phone=f.phone, applied_on=f.applied_on, investigated_on=f.investigated_on,
        investigators=f.investigators, publicity_start=f.publicity_start,
        publicity_end=f.publicity_end, publicity_objection=f.publicity_objection,
        publicity_result=f.publicity_result, filed_on=f.filed_on, review_due=f.review_due,
        last_reviewed_on=f.last_reviewed_on, returned_reason=f.returned_reason,
        closed_on=f.closed_on, closure_reason=ClosureReason(f.closure_reason) if f.closure_reason else None,
        closure_note=f.closure_note, note=f.note, above_line_since=f.above_line_since,
        out_of_poverty_proposed=active and out_of_poverty_due(f.above_line_since, today, r),
        review_overdue=active and f.review_due is not None and f.review_due < today,
        refusals=refusals, **extra)


def material_record(x: HardshipMaterial) -> MaterialRecord:
    return MaterialRecord(id=x.id, file_id=x.file_id, kind=MaterialKind(x.kind), filename=x.filename,
                          size=x.size, sha256=x.sha256, added_at=x.added_at)


def add_step(s: Session, actor: Actor, f: HardshipFile, step: FileStep, on: date, at: datetime,
          state_before: str | None, *, result: str = "", reason: str = "",
          detail: dict | None = None) -> None:
    s.add(HardshipStep(file_id=f.id, step=step.value, on=on, at=at, user_id=actor.user_id,
                       username=actor.username, state_before=state_before, state_after=f.state,
                       result=result, reason=reason, detail=audit.to_json(detail or {}) or "{}"))


def check_step(f: HardshipFile, step: str, today: date) -> None:
    facts = file_facts(file_no=f.file_no, state=f.state, today=today, publicity_end=f.publicity_end,
                       objection_open=bool(f.publicity_objection) and not f.publicity_result)
    refusal = FILE_WORKFLOW.refusal(step, facts)
    if refusal is not None:
        raise Conflict(refusal.text, refusal.code)


def finish(s: Session, actor: Actor, f: HardshipFile, action: str, before: dict, at: datetime,
            extra: dict | None = None) -> None:
    f.updated_at = at
    s.flush()
    b, a = diff(before, snapshot(f, FILE_FIELDS))
    if extra:
        a.update(extra)
    audit.record(s, actor, "hardship_file", f.id, action, b, a)


def begin(s: Session, file_id: int, now: datetime | None) -> tuple[HardshipFile, datetime, dict]:
    at = now or clock.now()
    f = get_file(s, file_id, lock=True)
    return f, at, snapshot(f, FILE_FIELDS)


def get_file_record(db: Database, file_id: int, today: date | None = None) -> FileRecord:
    """The file with members, timeline, reviews, category changes, materials and, per step, why it
    may not be taken today (None: allowed)."""
    with db.read() as s:
        return file_record(s, get_file(s, file_id), today or clock.today())


def file_of_person(db: Database, person_id: int, today: date | None = None) -> FileRecord | None:
    """The person's open file (as applicant or member), else their newest closed one, else None."""
    with db.read() as s:
        person = s.get(Person, person_id)
        if person is None:
            return None
        hit = open_file_of(s, person_id, person.id_number, None)
        if hit:
            f = s.execute(select(HardshipFile).where(HardshipFile.file_no == hit[0])).scalar_one()
        else:
            f = s.execute(select(HardshipFile).where(HardshipFile.person_id == person_id)
                          .order_by(HardshipFile.id.desc()).limit(1)).scalar_one_or_none()
        return file_record(s, f, today or clock.today()) if f is not None else None


def _brief(f: HardshipFile, name: str) -> FileBrief:
    return FileBrief(id=f.id, file_no=f.file_no, person_name=name, category=category_of(f.category),
                     state=FileState(f.state), review_due=f.review_due, per_head_fen=f.per_head_fen,
                     above_line_since=f.above_line_since)


def overdue_reviews(db: Database, today: date, limit: int = 50) -> list[FileBrief]:
    """在档 files whose review is due before ``today``, the most overdue first (工作台)."""
    q = (select(HardshipFile, Person.name).join(Person, Person.id == HardshipFile.person_id)
         .where(HardshipFile.state == FileState.ACTIVE.value, HardshipFile.review_due < today)
         .order_by(HardshipFile.review_due, HardshipFile.id).limit(limit))
    with db.read() as s:
        return [_brief(f, n) for f, n in s.execute(q)]


def out_of_poverty_proposals(db: Database, today: date, limit: int = 50) -> list[FileBrief]:
    """在档 files whose per-head income has stayed above 低保 for the set months: 脱困 is proposed."""
    with db.read() as s:
        r = rules(s)
        latest = add_months(today, -r.out_of_poverty_months)
        q = (select(HardshipFile, Person.name).join(Person, Person.id == HardshipFile.person_id)
             .where(HardshipFile.state == FileState.ACTIVE.value,
                    HardshipFile.above_line_since.is_not(None),
                    HardshipFile.above_line_since <= latest)
             .order_by(HardshipFile.above_line_since, HardshipFile.id).limit(limit))
        return [_brief(f, n) for f, n in s.execute(q)]

