"""Household files 困难职工档案 (DESIGN §4): filing, the procedure, 复核, category changes, closure.

Procedure (``app.domain.workflow.FILE_WORKFLOW``; each step a row of ``hardship_steps``)::

    申请 applied 待初审 → 初审 screen → screened 待入户调查 → 入户调查 investigate → investigated 待公示
    → 公示 start_publicity → publicizing 公示中 → 审批建档 approve_file (负责人, after 公示 ends) → active 在档
    send_back (any step before 在档) → applied, with the reason;  reject_file (负责人) → rejected 不予建档
    在档: review_file 复核, change_category 类别变更, close_file 脱困/解困/撤档 → closed 已出档 (kept, never deleted)

Contract for callers:

* Write functions take ``(db, actor, …, now=None)``, check the permission (``FILE_HARDSHIP`` to file
  and step, ``APPROVE_HARDSHIP`` to approve, reject and close), validate every field into one
  ``Collector`` (all bad fields at once, by Chinese label), refuse illegal steps with ``Conflict``
  (the workflow table's text), and write the file, its timeline row and one audit row (entity
  ``hardship_file``, before/after) in one ``db.write()``: on any error nothing is written. They
  return a fresh ``FileRecord``.
* 一户一档: a person who is the applicant or a member (by registry id or ID number) of another open
  file (any state but 不予建档 / 已出档) cannot be put on a new one; the refusal names that file.
* The category is proposed from the numbers (``app.domain.hardship.classify``), with its formula;
  the clerk confirms it, or chooses another with a reason (an override, audited). A file is approved
  only with a confirmed category.
* Money: int = fen, text/Decimal = yuan; incomes are monthly, 刚性支出 a yearly figure.
* Reads return frozen dataclasses; any thread.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import Database
from app.db.models import Person
from app.db.models_hardship import HardshipFile, HardshipMember
from app.domain import clock
from app.domain.actor import Actor
from app.domain.errors import Collector, Conflict, NotFound, ValidationError
from app.domain.hardship import (MAX_SECONDARY_CAUSES, Cause, Classification, FileState, FileStep,
                                 HardshipCategory, Health, MedicalInsurance, Relation, SchoolLevel,
                                 WorkStatus, causes_code, classify)
from app.domain.permissions import Perm
from app.domain.privacy import mask_id
from app.domain.validation import check_id_number, check_name

from .. import audit
from ..access import require
from ..numbering import next_number
from .common import day, enum, fen, get_person, not_after, rules, snapshot, text
from .file_materials import add_materials, material_file, materials
from .file_procedure import (approve_file, change_category, close_file, default_publicity_end,
                             investigate, record_objection, reject_file, review_file, screen,
                             send_back, start_publicity)
from .file_records import (F_ACCIDENT, F_ACCIDENT_NOTE, F_ACCOUNT, F_ADDRESS, F_APPLICANT_INCOME,
                           F_APPLIED_ON, F_BANK, F_CATEGORY, F_MAIN_CAUSE, F_MEMBERS, F_NOTE,
                           F_OTHER_INCOME, F_OVERRIDE, F_PERSON, F_PHONE, F_RIGID, F_SECONDARY,
                           FILE_FIELDS, MAX_MEMBERS, CategoryChangeRecord, CategoryProposal,
                           FileBrief, FileInput, FileRecord, MaterialRecord, MemberInput,
                           MemberRecord, ReviewInput, ReviewRecord, StepRecord, add_step, begin,
                           check_step, file_of_person, file_record, finish, get_file_record,
                           open_file_of, out_of_poverty_proposals, overdue_reviews)

__all__ = [  # the public API (the GUI calls ``files.…``)
    "FileInput", "MemberInput", "ReviewInput", "FileRecord", "MemberRecord", "StepRecord",
    "ReviewRecord", "CategoryChangeRecord", "MaterialRecord", "CategoryProposal", "FileBrief",
    "propose_category", "create_file", "update_file", "update_contact", "confirm_category",
    "screen", "investigate", "default_publicity_end", "start_publicity", "record_objection",
    "approve_file", "send_back", "reject_file", "review_file", "change_category", "close_file",
    "add_materials", "materials", "material_file", "get_file_record", "file_of_person",
    "overdue_reviews", "out_of_poverty_proposals",
]


@dataclass
class _Clean:
    values: dict[str, Any]
    members: list[dict[str, Any]] = field(default_factory=list)
    classification: Classification | None = None


def _member_field(n: int, name: str, label: str) -> str:
    return f"{F_MEMBERS}第{n}行{'（' + name + '）' if name else ''}{label}"


def _clean_member(errors: Collector, n: int, m: MemberInput) -> dict[str, Any]:
    name = ""
    try:
        name = check_name(m.name, _member_field(n, "", "姓名"))
    except ValidationError as e:
        errors.errors.extend(e.errors)
    id_number = None
    if m.id_number and str(m.id_number).strip():
        try:
            id_number = check_id_number(m.id_number)[0]
        except ValidationError as e:
            errors.errors.extend((_member_field(n, name, "身份证号"), msg) for _f, msg in e.errors)

    def opt(cls, value, label):
        if value is None or (isinstance(value, str) and not value.strip()):
            return ""
        got = enum(errors, cls, value, _member_field(n, name, label))
        return got.value if got else ""
    relation = enum(errors, Relation, m.relation, _member_field(n, name, "关系"))
    return {"seq": n, "name": name, "relation": relation.value if relation else None,
            "id_number": id_number,
            "monthly_income_fen": fen(errors, m.monthly_income, _member_field(n, name, "月收入")),
            "health": opt(Health, m.health, "健康状况"),
            "medical_insurance": opt(MedicalInsurance, m.medical_insurance, "医保状况"),
            "work_status": opt(WorkStatus, m.work_status, "人员身份"),
            "schooling": opt(SchoolLevel, m.schooling, "在学情况")}


def _clean(errors: Collector, data: FileInput, today: date) -> _Clean:
    v: dict[str, Any] = {}
    if data.person_id is None:
        errors.add(F_PERSON, "请从人员库选择申请人（没有时先登记人员）")
    main = enum(errors, Cause, data.main_cause, F_MAIN_CAUSE)
    v["main_cause"] = main.value if main else None
    secondary = []
    for c in data.secondary_causes or ():
        got = enum(errors, Cause, c, F_SECONDARY)
        if got is not None and got is not main and got not in secondary:
            secondary.append(got)
    if len(secondary) > MAX_SECONDARY_CAUSES:
        errors.add(F_SECONDARY, f"最多选 {MAX_SECONDARY_CAUSES} 项，现选了 {len(secondary)} 项")
    v["secondary_causes"] = causes_code(secondary)
    v["applicant_income_fen"] = fen(errors, data.applicant_income, F_APPLICANT_INCOME)
    v["other_income_fen"] = fen(errors, data.other_income, F_OTHER_INCOME)
    v["rigid_annual_fen"] = fen(errors, data.rigid_annual, F_RIGID)
    v["accident_cost_fen"] = fen(errors, data.accident_cost, F_ACCIDENT)
    v["accident_note"] = text(errors, data.accident_note, F_ACCIDENT_NOTE, 500)
    v["bank_name"] = text(errors, data.bank_name, F_BANK, 60)
    account = "".join(text(errors, data.bank_account, F_ACCOUNT, 40).split())
    if account and not (account.isascii() and account.isdigit() and 8 <= len(account) <= 30):
        errors.add(F_ACCOUNT, "银行账号应为 8 至 30 位数字，请核对")
    v["bank_account"] = account
    v["address"] = text(errors, data.address, F_ADDRESS, 200)
    v["phone"] = text(errors, data.phone, F_PHONE, 30)
    v["note"] = text(errors, data.note, F_NOTE, 2000)
    v["applied_on"] = day(errors, data.applied_on, F_APPLIED_ON, default=today)
    not_after(errors, v["applied_on"], today, F_APPLIED_ON)
    if len(data.members or ()) > MAX_MEMBERS:
        errors.add(F_MEMBERS, f"最多 {MAX_MEMBERS} 人，请核对")
    members = [_clean_member(errors, n, m) for n, m in enumerate(data.members or (), 1)]
    seen: dict[str, int] = {}
    for m in members:
        if m["id_number"]:
            if m["id_number"] in seen:
                errors.add(_member_field(m["seq"], m["name"], "身份证号"),
                           f"与第{seen[m['id_number']]}行的身份证号相同，同一人不能重复填写")
            seen.setdefault(m["id_number"], m["seq"])
    out = _Clean(v, members)
    incomes = [v["applicant_income_fen"], v["other_income_fen"], v["rigid_annual_fen"],
               v["accident_cost_fen"], *(m["monthly_income_fen"] for m in members)]
    if all(x is not None for x in incomes):
        v["household_size"] = 1 + len(members)
        v["household_income_fen"] = (v["applicant_income_fen"] + v["other_income_fen"]
                                     + sum(m["monthly_income_fen"] for m in members))
    return out


def _classify(s: Session, c: _Clean) -> None:
    v = c.values
    c.classification = classify(v["household_income_fen"], v["rigid_annual_fen"], v["household_size"],
                                rules(s), v["accident_cost_fen"])
    v["proposed_category"] = c.classification.category.value if c.classification.category else None
    v["category_formula"] = c.classification.formula
    v["per_head_fen"] = c.classification.per_head_fen


def _category_choice(errors: Collector, category: Any, reason: Any,
                     proposed: str | None) -> tuple[str | None, str] | None:
    """(category, override reason) chosen by the clerk, or None when no choice was made."""
    if category is None or (isinstance(category, str) and not category.strip()):
        return None
    chosen = enum(errors, HardshipCategory, category, F_CATEGORY)
    why = text(errors, reason, F_OVERRIDE, 500)
    if chosen is None:
        return None
    if chosen.value != proposed and not why:
        shown = HardshipCategory.label_of(proposed) if proposed else "不符合认定条件"
        errors.add(F_OVERRIDE, f"按收入测算为「{shown}」，改定为「{chosen.label}」须填写理由")
    return chosen.value, ("" if chosen.value == proposed else why)


def _check_one_file(s: Session, errors: Collector, applicant: Person, members: list[dict],
                    own_id: int | None) -> None:
    hit = open_file_of(s, applicant.id, applicant.id_number, own_id)
    if hit:
        errors.add(F_PERSON, f"{applicant.name}已是档案{hit[0]}的{hit[1]}，一户一档，不能重复建档")
    for m in members:
        if m["id_number"] and applicant.id_number and m["id_number"] == applicant.id_number:
            errors.add(_member_field(m["seq"], m["name"], "身份证号"), "与申请人的身份证号相同，申请人不用再填在家庭成员中")
            continue
        person_id = None
        if m["id_number"]:
            person_id = s.execute(select(Person.id).where(Person.id_number == m["id_number"])).scalar()
        m["person_id"] = person_id
        hit = open_file_of(s, person_id, m["id_number"], own_id)
        if hit:
            errors.add(_member_field(m["seq"], m["name"], "身份证号"),
                       f"{m['name']}已是档案{hit[0]}的{hit[1]}，一户一档，不能重复建档")


def _members_json(members: list[dict]) -> list[dict]:
    return [{"name": m["name"], "relation": m["relation"], "id_number": mask_id(m["id_number"]),
             "monthly_income_fen": m["monthly_income_fen"]} for m in members]


def _write_members(s: Session, f: HardshipFile, members: list[dict]) -> None:
    for old in s.scalars(select(HardshipMember).where(HardshipMember.file_id == f.id)):
        s.delete(old)
    s.flush()
    for m in members:
        s.add(HardshipMember(file_id=f.id, seq=m["seq"], name=m["name"], relation=m["relation"],
                             id_number=m["id_number"], person_id=m.get("person_id"),
                             monthly_income_fen=m["monthly_income_fen"], health=m["health"],
                             medical_insurance=m["medical_insurance"], work_status=m["work_status"],
                             schooling=m["schooling"]))


def propose_category(db: Database, data: FileInput, *, today: date | None = None) -> CategoryProposal:
    """The category the form's numbers propose and its formula, without saving (the form shows it
    as the clerk types). ValidationError names any bad number."""
    errors = Collector()
    c = _clean(errors, FileInput(**{**data.__dict__, "person_id": data.person_id or 0}),
               today or clock.today())
    errors.raise_if_any()
    with db.read() as s:
        _classify(s, c)
    cl = c.classification
    return CategoryProposal(cl.category, cl.per_head_fen, cl.formula, c.values["household_size"],
                            c.values["household_income_fen"])


def _prepare(s: Session, errors: Collector, data: FileInput, today: date,
             own_id: int | None) -> tuple[_Clean, Person | None]:
    c = _clean(errors, data, today)
    applicant = None
    if data.person_id is not None:
        try:
            applicant = get_person(s, data.person_id, F_PERSON)
        except NotFound as e:
            errors.add(F_PERSON, e.message.split("：", 1)[-1])
    if applicant is not None:
        _check_one_file(s, errors, applicant, c.members, own_id)
    if "household_size" in c.values:
        _classify(s, c)
    return c, applicant


def create_file(db: Database, actor: Actor, data: FileInput, *, category: Any = None,
                override_reason: Any = "", now: datetime | None = None) -> FileRecord:
    """申请: a new file for a person of the registry with the household's members and numbers
    (``Perm.FILE_HARDSHIP``). ``category``: the clerk's confirmation of the proposed category (or
    another one, with ``override_reason``); None leaves it to confirm later."""
    require(actor, Perm.FILE_HARDSHIP)
    at = now or clock.now()
    errors = Collector()
    with db.write() as s:
        c, applicant = _prepare(s, errors, data, at.date(), None)
        choice = _category_choice(errors, category, override_reason, c.values.get("proposed_category"))
        errors.raise_if_any()
        year = c.values["applied_on"].year
        f = HardshipFile(file_no=f"K{year}-{next_number(s, 'hardship_file', year):06d}",
                         person_id=applicant.id, employer_id=applicant.employer_id,
                         state=FileState.APPLIED.value, created_by=actor.user_id, created_at=at,
                         updated_at=at, **c.values)
        f.phone = f.phone or (applicant.phone or "")
        f.address = f.address or applicant.address
        if choice:
            f.category, f.category_override_reason = choice
        s.add(f)
        s.flush()
        _write_members(s, f, c.members)
        add_step(s, actor, f, FileStep.APPLY, f.applied_on, at, None,
              result=c.classification.formula if c.classification else "")
        s.flush()
        audit.record(s, actor, "hardship_file", f.id, "create", None,
                     {**snapshot(f, FILE_FIELDS), "members": _members_json(c.members)})
        return file_record(s, f, at.date())


def update_file(db: Database, actor: Actor, file_id: int, data: FileInput, *, category: Any = None,
                override_reason: Any = "", now: datetime | None = None) -> FileRecord:
    """Correct a file under review (before 在档): members, numbers, causes, contact. The category is
    proposed again; a confirmation that no longer matches the numbers is cleared unless it was an
    override with a reason. An active file's numbers change by 复核 (``review_file``); its contact
    and bank details by ``update_contact``."""
    require(actor, Perm.FILE_HARDSHIP)
    errors = Collector()
    with db.write() as s:
        f, at, before = begin(s, file_id, now)
        check_step(f, "edit", at.date())
        if f.state == FileState.ACTIVE.value:
            raise Conflict(f"档案{f.file_no}已在档：家庭收入和成员请通过复核修改，联系方式和银行账号可直接修改",
                           "active file: use a review")
        if data.person_id is not None and data.person_id != f.person_id:
            errors.add(F_PERSON, "档案的申请人不能更换；如申请人有误，请作不予建档处理后重新申请")
        c, _applicant = _prepare(s, errors, FileInput(**{**data.__dict__, "person_id": f.person_id}),
                                 at.date(), f.id)
        choice = _category_choice(errors, category, override_reason, c.values.get("proposed_category"))
        errors.raise_if_any()
        for k, v in c.values.items():
            setattr(f, k, v)
        if choice:
            f.category, f.category_override_reason = choice
        elif f.category is not None and not f.category_override_reason \
                and f.category != f.proposed_category:
            f.category = None
        _write_members(s, f, c.members)
        add_step(s, actor, f, FileStep.EDIT, at.date(), at, before["state"], result=f.category_formula)
        finish(s, actor, f, "update", before, at, {"members": _members_json(c.members)})
        return file_record(s, f, at.date())


def update_contact(db: Database, actor: Actor, file_id: int, *, bank_name: Any = None,
                   bank_account: Any = None, address: Any = None, phone: Any = None,
                   note: Any = None, now: datetime | None = None) -> FileRecord:
    """Contact, bank details and note of an open file (None leaves a field as it is)."""
    require(actor, Perm.FILE_HARDSHIP)
    errors = Collector()
    with db.write() as s:
        f, at, before = begin(s, file_id, now)
        check_step(f, "edit", at.date())
        probe = FileInput(person_id=f.person_id, main_cause=f.main_cause,
                          bank_name=f.bank_name if bank_name is None else bank_name,
                          bank_account=f.bank_account if bank_account is None else bank_account,
                          address=f.address if address is None else address,
                          phone=f.phone if phone is None else phone,
                          note=f.note if note is None else note, applied_on=f.applied_on)
        c = _clean(errors, probe, max(at.date(), f.applied_on))
        errors.raise_if_any()
        for k in ("bank_name", "bank_account", "address", "phone", "note"):
            setattr(f, k, c.values[k])
        finish(s, actor, f, "update", before, at)
        return file_record(s, f, at.date())


def confirm_category(db: Database, actor: Actor, file_id: int, category: Any, reason: Any = "", *,
                     now: datetime | None = None) -> FileRecord:
    """The clerk confirms the proposed category, or chooses another with a reason (an override)."""
    require(actor, Perm.FILE_HARDSHIP)
    errors = Collector()
    with db.write() as s:
        f, at, before = begin(s, file_id, now)
        check_step(f, "confirm_category", at.date())
        if f.state == FileState.ACTIVE.value:
            raise Conflict(f"档案{f.file_no}已在档，类别请通过类别变更或复核修改", "active file")
        if category is None or (isinstance(category, str) and not category.strip()):
            errors.add(F_CATEGORY, "请选择困难类别")
        choice = _category_choice(errors, category, reason, f.proposed_category)
        errors.raise_if_any()
        f.category, f.category_override_reason = choice
        add_step(s, actor, f, FileStep.CONFIRM_CATEGORY, at.date(), at, before["state"],
              result=HardshipCategory(f.category).label, reason=f.category_override_reason)
        finish(s, actor, f, "confirm_category", before, at)
        return file_record(s, f, at.date())

