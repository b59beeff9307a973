"""People (信访人, 困难职工, 会员…) and employers (用人单位), shared by every later area.

Contract:
* Write functions take the acting user, require ``Perm.EDIT_PEOPLE``, validate every field with one
  ``Collector`` (all bad fields reported together, by Chinese label) and write the row and its audit
  record in one ``db.write()`` transaction: on any error nothing is written.
* Everything returns frozen dataclasses; no ORM object leaves this module.
* Any thread; each call opens its own Session.

Search (``lookup``, ``list_people``, ``find_employers``) uses indexed prefix ranges
(``col >= q AND col < q || U+10FFFF``) ordered by the indexed column, with LIMIT — never a leading
wildcard or a COUNT over ``people`` — so a lookup stays within a few milliseconds on a million
people. On PostgreSQL the ranges are exact under the "C" collation (or any collation that sorts
U+10FFFF last); results are filtered by ``startswith`` as well, so other collations never return a
wrong match.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, delete, insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.db import Database
from app.db.models import Employer, EmployerInitials, Person
from app.domain import clock
from app.domain.actor import Actor
from app.domain.enums import Gender, PersonFlag
from app.domain.errors import Collector, NotFound, ValidationError, labels
from app.domain.permissions import Perm
from app.domain.pinyin import SUFFIX_LENGTH, initials, inner_suffixes
from app.domain.validation import (check_birth_date, check_id_number, check_name, check_phone,
                                   check_text, check_uscc, checked, is_blank, parse_gender)
from app.domain.privacy import mask_id_tail

from . import audit
from .access import require


PERSON_LABELS = labels({
    "name": "姓名", "gender": "性别", "id_number": "身份证号", "birth_date": "出生日期",
    "phone": "电话", "hukou_place": "户籍地", "address": "住址", "employer": "单位",
    "is_migrant": PersonFlag.MIGRANT.label, "is_model_worker": PersonFlag.MODEL_WORKER.label,
    "is_member": PersonFlag.MEMBER.label, "note": "备注",
})


EMPLOYER_LABELS = labels({
    "name": "单位名称", "uscc": "统一社会信用代码", "industry": "行业", "street": "所在街道",
    "has_union": "已建工会", "address": "地址", "contact": "联系人", "phone": "电话",
})


PERSON_MAX = {"name": 50, "hukou_place": 100, "address": 200, "note": 2000}


EMPLOYER_MAX = {"name": 100, "industry": 40, "street": 40, "address": 200, "contact": 40}


INDUSTRY_CHOICES: tuple[str, ...] = (
    "农、林、牧、渔业", "采矿业", "制造业", "电力、热力、燃气及水生产和供应业", "建筑业",
    "批发和零售业", "交通运输、仓储和邮政业", "住宿和餐饮业", "信息传输、软件和信息技术服务业",
    "金融业", "房地产业", "租赁和商务服务业", "科学研究和技术服务业", "水利、环境和公共设施管理业",
    "居民服务、修理和其他服务业", "教育", "卫生和社会工作", "文化、体育和娱乐业",
    "公共管理、社会保障和社会组织", "国际组织",
)


TOP = chr(0x10FFFF)  # sorts after every character (code point / UTF-8 byte order)


@dataclass(frozen=True)
class EmployerInput:
    """What the employer form holds, as typed."""
    name: str
    uscc: str = ""
    industry: str = ""
    street: str = ""
    has_union: bool = False
    address: str = ""
    contact: str = ""
    phone: str = ""


@dataclass(frozen=True)
class EmployerRecord:
    id: int
    name: str
    uscc: str | None
    industry: str
    street: str
    has_union: bool
    address: str
    contact: str
    phone: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class PersonInput:
    """What the person form holds, as typed. ``birth_date`` may be text or a date; ``gender`` "M",
    "F", 男, 女 or blank (taken from the ID number when that is filled). The employer is
    ``employer_id`` when picked from a list, else ``employer_name`` (must be registered)."""
    name: str
    gender: str | Gender | None = None
    id_number: str = ""
    birth_date: str | date | None = None
    phone: str = ""
    hukou_place: str = ""
    address: str = ""
    employer_id: int | None = None
    employer_name: str = ""
    is_migrant: bool = False
    is_model_worker: bool = False
    is_member: bool = False
    note: str = ""


@dataclass(frozen=True)
class PersonRecord:
    id: int
    name: str
    gender: str | None          # Gender value "M" / "F"
    id_number: str | None
    birth_date: date | None
    phone: str | None
    hukou_place: str
    address: str
    employer_id: int | None
    employer_name: str
    is_migrant: bool
    is_model_worker: bool
    is_member: bool
    note: str
    created_at: datetime
    updated_at: datetime

    @property
    def is_female(self) -> bool:
        """女职工 in statistics."""
        return self.gender == Gender.FEMALE.value

    @property
    def gender_label(self) -> str:
        return Gender.label_of(self.gender)

    @property
    def flags(self) -> tuple[PersonFlag, ...]:
        return _flags(self.is_migrant, self.is_model_worker, self.is_member)

    @property
    def id_tail(self) -> str:
        return mask_id_tail(self.id_number)


def _flags(migrant: bool, model: bool, member: bool) -> tuple[PersonFlag, ...]:
    return tuple(f for f, on in ((PersonFlag.MIGRANT, migrant), (PersonFlag.MODEL_WORKER, model),
                                 (PersonFlag.MEMBER, member)) if on)


def _employer_record(e: Employer) -> EmployerRecord:
    return EmployerRecord(id=e.id, name=e.name, uscc=e.uscc, industry=e.industry, street=e.street,
                          has_union=bool(e.has_union), address=e.address, contact=e.contact,
                          phone=e.phone, created_at=e.created_at, updated_at=e.updated_at)


def _person_record(p: Person, employer_name: str | None) -> PersonRecord:
    return PersonRecord(id=p.id, name=p.name, gender=p.gender, id_number=p.id_number,
                        birth_date=p.birth_date, phone=p.phone, hukou_place=p.hukou_place,
                        address=p.address, employer_id=p.employer_id,
                        employer_name=employer_name or "", is_migrant=bool(p.is_migrant),
                        is_model_worker=bool(p.is_model_worker), is_member=bool(p.is_member),
                        note=p.note, created_at=p.created_at, updated_at=p.updated_at)


_PERSON_AUDITED = ("name", "gender", "id_number", "birth_date", "phone", "hukou_place", "address",
                   "employer_id", "is_migrant", "is_model_worker", "is_member", "note")


_EMPLOYER_AUDITED = ("name", "uscc", "industry", "street", "has_union", "address", "contact",
                     "phone")


def _snapshot(row: Any, names: Iterable[str]) -> dict[str, Any]:
    return {n: getattr(row, n) for n in names}


def _diff(before: dict, after: dict) -> tuple[dict, dict]:
    keys = [k for k in after if before.get(k) != after[k]]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def normalize_employer_name(text: str) -> str:
    """Registered names use full-width brackets: 「某某(深圳)有限公司」→「某某（深圳）有限公司」."""
    return text.replace("(", "（").replace(")", "）")


def _clean_employer(data: EmployerInput, errors: Collector) -> dict[str, Any]:
    L, M = EMPLOYER_LABELS, EMPLOYER_MAX
    name = checked(errors, check_name, data.name, L["name"], M["name"], default="")
    return {
        "name": normalize_employer_name(name),
        "uscc": None if is_blank(data.uscc) else checked(errors, check_uscc, data.uscc, L["uscc"]),
        "industry": checked(errors, check_text, data.industry, L["industry"], M["industry"], default=""),
        "street": checked(errors, check_text, data.street, L["street"], M["street"], default=""),
        "has_union": bool(data.has_union),
        "address": checked(errors, check_text, data.address, L["address"], M["address"], default=""),
        "contact": checked(errors, check_text, data.contact, L["contact"], M["contact"], default=""),
        "phone": "" if is_blank(data.phone) else checked(errors, check_phone, data.phone, L["phone"],
                                                         default=""),
    }


def _check_employer_unique(s: Session, values: dict, errors: Collector, own_id: int | None) -> None:
    if values["name"]:
        q = select(Employer.id).where(Employer.name == values["name"])
        if own_id is not None:
            q = q.where(Employer.id != own_id)
        if s.execute(q.limit(1)).first() is not None:
            errors.add(EMPLOYER_LABELS["name"], f"单位「{values['name']}」已登记，请勿重复新增；"
                                                "如需修改请在单位列表中选择后编辑")
    if values["uscc"]:
        q = select(Employer.name).where(Employer.uscc == values["uscc"])
        if own_id is not None:
            q = q.where(Employer.id != own_id)
        other = s.execute(q.limit(1)).scalar()
        if other is not None:
            errors.add(EMPLOYER_LABELS["uscc"], f"该统一社会信用代码已登记为「{other}」")


def create_employer(db: Database, actor: Actor, data: EmployerInput) -> EmployerRecord:
    """Register an employer. Raises ValidationError (every bad field, duplicate name or code)."""
    require(actor, Perm.EDIT_PEOPLE)
    errors = Collector()
    values = _clean_employer(data, errors)
    with _friendly_integrity(), db.write() as s:
        _check_employer_unique(s, values, errors, None)
        errors.raise_if_any()
        now = clock.now()
        row = Employer(**values, initials=initials(values["name"], surname=False)[:100],
                       created_at=now, updated_at=now)
        s.add(row)
        s.flush()
        write_inner_initials(s, row.id, "", row.initials)
        audit.record(s, actor, "employer", row.id, "create", None, _snapshot(row, _EMPLOYER_AUDITED))
        return _employer_record(row)


def update_employer(db: Database, actor: Actor, employer_id: int, data: EmployerInput) -> EmployerRecord:
    """Change an employer's details; an unchanged form writes nothing."""
    require(actor, Perm.EDIT_PEOPLE)
    errors = Collector()
    values = _clean_employer(data, errors)
    with _friendly_integrity(), db.write() as s:
        row = s.get(Employer, employer_id)
        if row is None:
            raise NotFound(f"找不到编号为 {employer_id} 的单位，可能已被删除", "employer not found")
        _check_employer_unique(s, values, errors, employer_id)
        errors.raise_if_any()
        before = _snapshot(row, _EMPLOYER_AUDITED)
        b, a = _diff(before, values)
        if a:
            for k, v in values.items():
                setattr(row, k, v)
            old = row.initials
            row.initials = initials(values["name"], surname=False)[:100]
            write_inner_initials(s, row.id, old, row.initials)
            row.updated_at = clock.now()
            audit.record(s, actor, "employer", row.id, "update", b, a)
        return _employer_record(row)


def get_employer(db: Database, employer_id: int) -> EmployerRecord:
    with db.read() as s:
        row = s.get(Employer, employer_id)
        if row is None:
            raise NotFound(f"找不到编号为 {employer_id} 的单位，可能已被删除", "employer not found")
        return _employer_record(row)


def write_inner_initials(s: Session, employer_id: int, old: str, new: str) -> None:
    """Keep ``employer_initials`` in step with an employer's initials (``old`` → ``new``; ``old``
    blank for a new employer), in the caller's write transaction. Deletes by primary key only."""
    before, after = inner_suffixes(old or ""), inner_suffixes(new or "")
    if before == after and old:
        return
    if before | after:
        s.execute(delete(EmployerInitials).where(EmployerInitials.employer_id == employer_id,
                                                 EmployerInitials.suffix.in_(before | after)))
    if after:
        s.execute(insert(EmployerInitials), [{"suffix": x, "employer_id": employer_id}
                                             for x in sorted(after)])


def find_employers(db: Database, query: str, limit: int = 20) -> list[EmployerRecord]:
    """Employers by name prefix, pinyin initials (from the start of the name, then from inside it:
    「zxwy」 finds 北京市中兴物业服务有限公司) or credit-code prefix, then (to fill up to ``limit``)
    names containing the text. Every initials match is an index range (``employers.initials``,
    ``employer_initials.suffix``). A blank query lists the first by initials."""
    q = unicodedata.normalize("NFKC", query or "").strip()
    found: dict[int, Employer] = {}
    with db.read() as s:
        def take(stmt) -> None:
            for row in s.execute(stmt.limit(limit)).scalars():
                if len(found) < limit:
                    found.setdefault(row.id, row)

        if not q:
            take(select(Employer).order_by(Employer.initials, Employer.id))
            return [_employer_record(e) for e in found.values()]
        name_q = normalize_employer_name((query or "").strip())
        take(_prefix(select(Employer), Employer.name, name_q).order_by(Employer.name, Employer.id))
        compact = re.sub(r"[\s-]", "", q)
        letters_only = re.fullmatch(r"[A-Za-z]+", compact) is not None
        if letters_only and len(found) < limit:
            letters = compact.lower()
            take(_prefix(select(Employer), Employer.initials, letters)
                 .order_by(Employer.initials, Employer.id))
            if len(found) < limit:
                _take_inner_initials(s, letters, found, limit)
        if (re.fullmatch(r"[0-9A-Za-z]+", compact) and any(c.isdigit() for c in compact)
                and len(found) < limit):
            take(_prefix(select(Employer), Employer.uscc, compact.upper())
                 .order_by(Employer.uscc, Employer.id))
        if len(found) < limit and len(name_q) >= 1 and not letters_only:
            # Latin letters in a name are in its initials (matched above at any place); for other
            # text a contains scan of the (small) table, in table order — ordering it by initials
            # would walk that index and read every row (0.9 s on 200,000 employers) — then the
            # few found sorted by initials.
            got = s.execute(select(Employer).where(Employer.name.contains(name_q, autoescape=True))
                            .limit(limit)).scalars().all()
            for row in sorted(got, key=lambda e: (e.initials, e.id)):
                if len(found) < limit:
                    found.setdefault(row.id, row)
        return [_employer_record(e) for e in found.values()]


def _take_inner_initials(s: Session, letters: str, found: dict[int, Employer], limit: int) -> None:
    """Add employers whose initials contain ``letters`` after the first character."""
    head = letters[:SUFFIX_LENGTH]
    stmt = (_prefix(select(EmployerInitials.suffix, EmployerInitials.employer_id),
                    EmployerInitials.suffix, head)
            .order_by(EmployerInitials.suffix, EmployerInitials.employer_id))
    last: tuple[str, int] | None = None
    for _batch in range(10):        # one employer may match at several places: read on, bounded
        page = stmt if last is None else stmt.where(
            or_(EmployerInitials.suffix > last[0],
                and_(EmployerInitials.suffix == last[0], EmployerInitials.employer_id > last[1])))
        got = s.execute(page.limit(4 * limit)).all()
        if not got:
            return
        last = tuple(got[-1])
        ids = list(dict.fromkeys(eid for _sfx, eid in got if eid not in found))
        rows = {e.id: e for e in s.scalars(select(Employer).where(Employer.id.in_(ids)))} if ids else {}
        for eid in ids:
            e = rows.get(eid)
            # a query longer than the stored suffix: the rest is checked on the whole initials
            if e is not None and letters in e.initials[1:]:
                found.setdefault(eid, e)
                if len(found) >= limit:
                    return
        if len(got) < 4 * limit:
            return


def _clean_person(data: PersonInput, errors: Collector) -> dict[str, Any]:
    L, M = PERSON_LABELS, PERSON_MAX
    name = checked(errors, check_name, data.name, L["name"], M["name"], default="")
    gender = checked(errors, parse_gender, data.gender, L["gender"])
    birth = checked(errors, check_birth_date, data.birth_date, L["birth_date"], default=False)
    id_number = None
    if not is_blank(data.id_number):
        result = checked(errors, check_id_number, data.id_number,
                         birth if birth else None, gender)
        if result is not None:
            id_number, id_birth, id_gender = result
            birth = birth or id_birth
            gender = gender or id_gender
    phone = None
    if not is_blank(data.phone):
        phone = checked(errors, check_phone, data.phone, L["phone"])
    return {
        "name": name,
        "gender": gender.value if gender else None,
        "id_number": id_number,
        "birth_date": birth or None,
        "phone": phone,
        "hukou_place": checked(errors, check_text, data.hukou_place, L["hukou_place"],
                               M["hukou_place"], default=""),
        "address": checked(errors, check_text, data.address, L["address"], M["address"], default=""),
        "is_migrant": bool(data.is_migrant),
        "is_model_worker": bool(data.is_model_worker),
        "is_member": bool(data.is_member),
        "note": checked(errors, check_text, data.note, L["note"], M["note"], default=""),
    }


def _resolve_employer(s: Session, data: PersonInput, errors: Collector) -> tuple[int | None, str]:
    label = PERSON_LABELS["employer"]
    if data.employer_id is not None:
        row = s.get(Employer, data.employer_id)
        if row is None:
            errors.add(label, "所选单位已不存在，请重新选择")
            return None, ""
        return row.id, row.name
    if is_blank(data.employer_name):
        return None, ""
    name = normalize_employer_name(data.employer_name.strip())
    row = s.execute(select(Employer.id, Employer.name).where(Employer.name == name).limit(1)).first()
    if row is None:
        errors.add(label, f"单位「{name}」尚未登记，请从列表中选择，或先点「新增单位」登记")
        return None, ""
    return row.id, row.name


def _check_person_unique(s: Session, id_number: str | None, errors: Collector,
                         own_id: int | None) -> None:
    if not id_number:
        return
    q = select(Person.name).where(Person.id_number == id_number)
    if own_id is not None:
        q = q.where(Person.id != own_id)
    other = s.execute(q.limit(1)).scalar()
    if other is not None:
        errors.add(PERSON_LABELS["id_number"], f"该身份证号码已登记为「{other}」")


def create_person(db: Database, actor: Actor, data: PersonInput) -> PersonRecord:
    """Register a person. Birth date and gender are taken from the ID number when left blank.
    Raises ValidationError naming every bad field (duplicate ID number, unknown employer…)."""
    require(actor, Perm.EDIT_PEOPLE)
    errors = Collector()
    with _friendly_integrity(), db.write() as s:
        prepared = prepare_person(s, data, errors)
        errors.raise_if_any()
        return insert_person(s, actor, prepared)


def prepare_person(s: Session, data: PersonInput, errors: Collector) -> dict[str, Any]:
    """Check a new person's fields inside the caller's transaction, adding every problem to
    ``errors`` (not raising), so another form (a registration) can report its own fields and the
    person's together. Pass the result to ``insert_person`` once ``errors`` is empty."""
    values = _clean_person(data, errors)
    employer_id, employer_name = _resolve_employer(s, data, errors)
    _check_person_unique(s, values["id_number"], errors, None)
    return {**values, "employer_id": employer_id, "_employer_name": employer_name}


def insert_person(s: Session, actor: Actor, prepared: dict[str, Any]) -> PersonRecord:
    """Insert a person checked by ``prepare_person`` and its audit row, in the caller's write
    transaction (the caller has checked ``Perm.EDIT_PEOPLE``)."""
    values = dict(prepared)
    employer_name = values.pop("_employer_name")
    now = clock.now()
    row = Person(**values, initials=initials(values["name"])[:50], created_at=now, updated_at=now)
    s.add(row)
    s.flush()
    audit.record(s, actor, "person", row.id, "create", None, _snapshot(row, _PERSON_AUDITED))
    return _person_record(row, employer_name)


def update_person(db: Database, actor: Actor, person_id: int, data: PersonInput) -> PersonRecord:
    """Change a person's details (the whole form); an unchanged form writes nothing."""
    require(actor, Perm.EDIT_PEOPLE)
    errors = Collector()
    values = _clean_person(data, errors)
    with _friendly_integrity(), db.write() as s:
        row = s.get(Person, person_id)
        if row is None:
            raise NotFound(f"找不到编号为 {person_id} 的人员，可能已被删除", "person not found")
        employer_id, employer_name = _resolve_employer(s, data, errors)
        _check_person_unique(s, values["id_number"], errors, person_id)
        errors.raise_if_any()
        values["employer_id"] = employer_id
        before = _snapshot(row, _PERSON_AUDITED)
        b, a = _diff(before, values)
        if a:
            for k, v in values.items():
                setattr(row, k, v)
            row.initials = initials(values["name"])[:50]
            row.updated_at = clock.now()
            audit.record(s, actor, "person", row.id, "update", b, a)
        return _person_record(row, employer_name)


def get_person(db: Database, person_id: int) -> PersonRecord:
    with db.read() as s:
        found = s.execute(select(Person, Employer.name).outerjoin(Employer, Person.employer_id == Employer.id)
                          .where(Person.id == person_id)).first()
        if found is None:
            raise NotFound(f"找不到编号为 {person_id} 的人员，可能已被删除", "person not found")
        return _person_record(found[0], found[1])


def _prefix(stmt, col, prefix: str):
    """``col`` starts with ``prefix``, as an index range."""
    return stmt.where(col >= prefix, col < prefix + TOP)


class _friendly_integrity:
    """A unique constraint hit by a concurrent writer (between our check and our insert) becomes
    a readable ValidationError instead of an internal error."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc_type is not None and issubclass(exc_type, IntegrityError):
            text = str(exc.orig) if getattr(exc, "orig", None) else str(exc)
            if "id_number" in text:
                raise ValidationError([(PERSON_LABELS["id_number"], "该身份证号码刚被其他工作站登记，请重新查询")]) from exc
            if "uscc" in text:
                raise ValidationError([(EMPLOYER_LABELS["uscc"], "该统一社会信用代码刚被其他工作站登记，请重新查询")]) from exc
            if "employers" in text and "name" in text:
                raise ValidationError([(EMPLOYER_LABELS["name"], "该单位名称刚被其他工作站登记，请重新查询")]) from exc
            raise ValidationError("与已登记的记录重复，可能刚被其他工作站登记，请重新查询后再试") from exc
        return False
