"""Who a campaign's batch takes (app/services/hardship/campaigns.py): the filed households a
:class:`HouseholdFilter` selects, or the rows of an xlsx list (:func:`read_list`), turned into batch
entries and checked — the campaign duplicate block and the yearly cap of the kind. Every problem is
a line 「第N行：…」 (a list row) with ID numbers masked; ``refuse`` raises them all at once.

Internal to the campaigns service; runs inside its session.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db.models import Employer, Person
from app.db.models_hardship import HardshipFile, HardshipMember, HardshipPayment
from app.domain.errors import Collector, ValidationError
from app.domain.hardship import (CAMPAIGN_PAYMENT_KIND, COUNTED_PAYMENT_STATES, STUDY_LEVELS,
                                 CampaignKind, Cause, FileState, HardshipCategory, PaymentState,
                                 SchoolLevel, cap_refusal)
from app.domain.privacy import mask_id
from app.domain.validation import check_id_number
from app.output.xlsx_read import Column, SheetSpec, read_sheet

from .common import enum, rules

F_KIND = "活动类型"
MAX_PROBLEMS = 30                  # problems listed in one refusal (the rest counted)
_CHUNK = 500
FILED, UNFILED = "filed", "unfiled"


def level_amount(levels: Mapping[str, Mapping[str, int]], filed: bool, level: str) -> int:
    return int(levels.get(FILED if filed else UNFILED, {}).get(level, 0))


@dataclass(frozen=True)
class HouseholdList:
    kind: CampaignKind
    rows: tuple[ListRow, ...]


@dataclass(frozen=True)
class ListRow:
    """A row of an imported list, checked (see ``read_list``)."""
    row: int
    id_number: str                    # the household's applicant (送温暖) or the parent (金秋助学)
    name: str
    amount_fen: int | None            # None: the campaign's amount
    student_name: str = ""
    student_id_number: str = ""
    school_level: str = ""


@dataclass(frozen=True)
class HouseholdFilter:
    """Which filed households (在档) a campaign takes; an empty tuple means any."""
    categories: tuple[str, ...] = ()
    streets: tuple[str, ...] = ()            # the employer's street
    employer_ids: tuple[int, ...] = ()
    causes: tuple[str, ...] = ()             # main cause
    levels: tuple[str, ...] = ()             # 金秋助学: school levels (default: all with an amount)


# ------------------------------------------------------------------------------ the xlsx list

WARMTH_SPEC = SheetSpec((
    Column("name", "姓名", aliases=("户主姓名", "申请人姓名", "职工姓名"), allow_blank=False),
    Column("id_number", "身份证号", "id", aliases=("身份证号码", "公民身份号码", "申请人身份证号"),
           allow_blank=False),
    Column("amount", "金额", "money", aliases=("金额（元）", "慰问金额", "慰问金"), required=False),
))
STUDY_SPEC = SheetSpec((
    Column("name", "家长姓名", aliases=("申请人姓名", "职工姓名", "姓名"), allow_blank=False),
    Column("id_number", "家长身份证号", "id", aliases=("申请人身份证号", "职工身份证号", "身份证号"),
           allow_blank=False),
    Column("student_name", "学生姓名", allow_blank=False),
    Column("student_id_number", "学生身份证号", "id", aliases=("学生身份证号码",), allow_blank=False),
    Column("school_level", "学段", aliases=("在学情况", "就读学段"), allow_blank=False),
    Column("amount", "金额", "money", aliases=("金额（元）", "助学金额"), required=False),
))


def problem(row: int, message: str) -> str:
    return f"第{row}行：{message}" if row else message


def refuse(problems: Sequence[str], what: str) -> None:
    if not problems:
        return
    shown = list(problems[:MAX_PROBLEMS])
    more = f"；另有 {len(problems) - MAX_PROBLEMS} 处问题未列出" if len(problems) > MAX_PROBLEMS else ""
    raise ValidationError([("", f"{what}有 {len(problems)} 处问题，未作任何导入或发放，请改正后重试："
                                + "；".join(shown) + more)], english="list has bad rows")


def read_list(path: str | os.PathLike, kind: Any) -> HouseholdList:
    """Read a campaign's household list (送温暖: 姓名, 身份证号, 金额 optional; 金秋助学: 家长姓名, 家长身份证号,
    学生姓名, 学生身份证号, 学段, 金额 optional). Every bad row is reported by its sheet row number and
    reason (ID numbers masked), all at once; any problem refuses the whole list (``ValidationError``)."""
    errors = Collector()
    kind = enum(errors, CampaignKind, kind, F_KIND)
    errors.raise_if_any()
    result = read_sheet(path, WARMTH_SPEC if kind is CampaignKind.WARMTH else STUDY_SPEC)
    if result.file_error:
        raise ValidationError([("", result.file_error)], english="list cannot be read")
    problems = [str(e) for e in result.errors]
    rows: list[ListRow] = []
    for r in result.rows:
        v = r.values
        ids = {}
        for key, label in (("id_number", "身份证号"), ("student_id_number", "学生身份证号")):
            if key not in v or v[key] is None:
                continue
            try:
                ids[key] = check_id_number(v[key])[0]
            except ValidationError as e:
                problems.append(problem(r.row, f"{label}「{mask_id(str(v[key]))}」{e.errors[0][1]}"))
        level = ""
        if kind is CampaignKind.STUDY and v.get("school_level"):
            found = next((lv for lv in STUDY_LEVELS if v["school_level"] in (lv.label, lv.value)), None)
            if found is None:
                names = "、".join(lv.label for lv in STUDY_LEVELS)
                problems.append(problem(r.row, f"学段「{v['school_level']}」不对，可填：{names}"))
            else:
                level = found.value
        if v.get("amount") == 0:
            problems.append(problem(r.row, "金额必须大于 0（不填则按活动标准）"))
        rows.append(ListRow(r.row, ids.get("id_number", ""), v.get("name") or "", v.get("amount"),
                            v.get("student_name") or "", ids.get("student_id_number", ""), level))
    problems.sort(key=lambda p: row_no(p))
    refuse(problems, "名单")
    return HouseholdList(kind, tuple(rows))


def row_no(problem: str) -> int:
    if problem.startswith("第"):
        try:
            return int(problem[1:problem.index("行")])
        except ValueError:
            return 0
    return 0


# ------------------------------------------------------------------------------ the batch

@dataclass
class _Entry:
    """One record of a batch before it is written."""
    row: int                       # list row (0 for a filter)
    file_id: int | None
    person_id: int
    amount_fen: int
    household: str                 # for messages: 「张三（110105********002X）」
    student_name: str = ""
    student_id_number: str | None = None
    school_level: str | None = None


def chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for i in range(0, len(ids), _CHUNK):
        yield ids[i:i + _CHUNK]


def from_filter(s: Session, c: dict[str, Any], flt: HouseholdFilter) -> list[_Entry]:
    F, P = HardshipFile, Person
    q = (select(F.id, F.person_id, P.name, P.id_number).join(P, P.id == F.person_id)
         .where(F.state == FileState.ACTIVE.value))
    if flt.categories:
        q = q.where(F.category.in_([HardshipCategory(x).value for x in flt.categories]))
    if flt.causes:
        q = q.where(F.main_cause.in_([Cause(x).value for x in flt.causes]))
    if flt.employer_ids:
        q = q.where(F.employer_id.in_(list(flt.employer_ids)))
    if flt.streets:
        q = q.where(F.employer_id.in_(select(Employer.id).where(Employer.street.in_(list(flt.streets)))))
    if c["kind"] is CampaignKind.WARMTH:
        return [_Entry(0, fid, pid, c["amount_fen"], f"{name}（{mask_id(idn)}）")
                for fid, pid, name, idn in s.execute(q.order_by(F.id))]
    levels = [lv for lv in (flt.levels or tuple(c["levels"].get(FILED, {}))) if level_amount(c["levels"], True, lv)]
    M = HardshipMember
    sub = q.subquery()
    mq = (select(sub.c.id, sub.c.person_id, sub.c.name, sub.c.id_number, M.name, M.id_number, M.schooling)
          .join(M, M.file_id == sub.c.id).where(M.schooling.in_(levels)).order_by(sub.c.id, M.seq))
    return [_Entry(0, fid, pid, level_amount(c["levels"], True, lv), f"{name}（{mask_id(idn)}）",
                   sname, sid, lv)
            for fid, pid, name, idn, sname, sid, lv in s.execute(mq)]


def from_list(s: Session, c: dict[str, Any], lst: HouseholdList, problems: list[str]) -> list[_Entry]:
    if lst.kind is not c["kind"]:
        raise ValidationError([("", f"名单是{lst.kind.label}名单，活动是{c['kind'].label}，请选择对应的名单")])
    numbers = sorted({r.id_number for r in lst.rows if r.id_number})
    people: dict[str, tuple[int, str]] = {}
    for chunk in chunks(numbers):
        for pid, idn, name in s.execute(select(Person.id, Person.id_number, Person.name)
                                        .where(Person.id_number.in_(chunk))):
            people[idn] = (pid, name)
    pids = [p for p, _n in people.values()]
    files: dict[int, tuple[int, str, str]] = {}        # person → (file id, state, file_no)
    for chunk in chunks(pids):
        for fid, pid, state, no in s.execute(
                select(HardshipFile.id, HardshipFile.person_id, HardshipFile.state, HardshipFile.file_no)
                .where(HardshipFile.person_id.in_(chunk)).order_by(HardshipFile.id)):
            if pid not in files or state == FileState.ACTIVE.value:
                files[pid] = (fid, state, no)
    out: list[_Entry] = []
    for r in lst.rows:
        who = f"「{r.name}」（{mask_id(r.id_number)}）"
        found = people.get(r.id_number)
        if found is None:
            problems.append(problem(r.row, f"{who}不在人员库中，请先在「人员与单位」中登记此人"))
            continue
        pid, reg_name = found
        if reg_name != r.name:
            problems.append(problem(r.row, f"身份证号 {mask_id(r.id_number)} 在人员库中的姓名是「{reg_name}」，"
                                            f"名单上是「{r.name}」，请核对"))
            continue
        f = files.get(pid)
        filed = f is not None and f[1] == FileState.ACTIVE.value
        if c["kind"] is CampaignKind.WARMTH:
            if not filed:
                state = "没有困难职工档案" if f is None else f"的档案{f[2]}{FileState(f[1]).label}"
                problems.append(problem(r.row, f"{who}{state}，送温暖须先建档（先建档、后帮扶）"))
                continue
            amount = r.amount_fen or c["amount_fen"]
            out.append(_Entry(r.row, f[0], pid, amount, who))
        else:
            default = level_amount(c["levels"], filed, r.school_level)
            amount = r.amount_fen or default
            if not amount:
                group = "建档" if filed else "未建档"
                problems.append(problem(r.row, f"{group}家庭{SchoolLevel(r.school_level).label}学生未设助学金额，"
                                                "请在名单中填写金额或在活动中设定该学段金额"))
                continue
            out.append(_Entry(r.row, f[0] if filed else None, pid, amount, who, r.student_name,
                              r.student_id_number, r.school_level))
    return out


def duplicates(s: Session, kind: CampaignKind, campaign_id: int | None,
                entries: list[_Entry]) -> list[str]:
    """The campaign duplicate block: a household twice (送温暖), a student twice (金秋助学)."""
    found: list[str] = []
    seen: dict[Any, _Entry] = {}
    existing: set[Any] = set()
    if campaign_id is not None:
        P = HardshipPayment
        col = P.person_id if kind is CampaignKind.WARMTH else P.student_id_number
        existing = {v for (v,) in s.execute(select(col).where(P.campaign_id == campaign_id,
                                                               P.state != PaymentState.REFUSED.value))}
    for e in entries:
        key = e.person_id if kind is CampaignKind.WARMTH else e.student_id_number
        what = (f"户{e.household}" if kind is CampaignKind.WARMTH
                else f"学生「{e.student_name}」（{mask_id(e.student_id_number)}）")
        if key in existing:
            found.append(problem(e.row, f"{what}已在本次活动中"))
        elif key in seen:
            first = seen[key].row
            found.append(problem(e.row, f"{what}在本批中重复" + (f"（与第{first}行相同）" if first else "")))
        else:
            seen[key] = e
    return found


def caps(s: Session, c: dict[str, Any], entries: list[_Entry]) -> list[str]:
    kind = CAMPAIGN_PAYMENT_KIND[c["kind"]]
    cap = rules(s).cap_fen(kind)
    if cap <= 0:
        return []
    year = c["assist_on"].year
    P = HardshipPayment
    fids = sorted({e.file_id for e in entries if e.file_id is not None})
    used: dict[int, int] = {}
    for chunk in chunks(fids):
        q = (select(P.file_id, func.sum(P.amount_fen + P.goods_value_fen))
             .where(P.file_id.in_(chunk), P.kind == kind.value,
                    P.state.in_([x.value for x in COUNTED_PAYMENT_STATES]),
                    P.assist_on >= date(year, 1, 1), P.assist_on <= date(year, 12, 31))
             .group_by(P.file_id))
        used.update({fid: int(t or 0) for fid, t in s.execute(q)})
    out = []
    for e in entries:
        if e.file_id is None:
            continue
        why = cap_refusal(kind, cap, used.get(e.file_id, 0), e.amount_fen, year)
        if why:
            out.append(problem(e.row, f"{e.household}：{why}"))
        used[e.file_id] = used.get(e.file_id, 0) + e.amount_fen
    return out


