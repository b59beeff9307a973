"""The procedure of a household file after 申请 (see files.py for the contract): 初审, 入户调查, 公示
and its objections, 审批建档, 退回, 不予建档; then 在档: 复核, 类别变更, 出档 (脱困/解困/撤档)."""
from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import Database
from app.db.models_hardship import (HardshipCategoryChange, HardshipFile, HardshipReview,
                                    HardshipStep)
from app.domain.actor import Actor
from app.domain.errors import Collector, Conflict
from app.domain.hardship import (ClosureReason, FileState, FileStep, HardshipCategory,
                                 ReviewDecision, above_line_since, classify, next_review_due,
                                 publicity_end)
from app.domain.permissions import Perm

from ..access import require
from .common import calendar, day, enum, fen, not_after, rules, text
from .file_records import (F_CATEGORY, F_CLOSURE, F_CLOSURE_NOTE, F_DECISION, F_FINDINGS,
                           F_HOUSEHOLD_INCOME, F_INVESTIGATORS, F_NEXT_DUE, F_OBJECTION,
                           F_OBJECTION_RESULT, F_ON, F_OPINION, F_PUB_END, F_PUB_START, F_REASON,
                           F_REVIEWED_ON, F_REVIEWER, F_RIGID, F_SIZE, MAX_MEMBERS, FileRecord,
                           ReviewInput, add_step, begin, check_step, file_record, finish)


def _step_day(errors: Collector, value: Any, field: str, today: date, earliest: date | None,
              earliest_text: str) -> date | None:
    on = day(errors, value, field, default=today)
    not_after(errors, on, today, field)
    if on is not None and earliest is not None and on < earliest:
        errors.add(field, f"{field} {on:%Y-%m-%d} 早于{earliest_text} {earliest:%Y-%m-%d}，请核对")
    return on


def screen(db: Database, actor: Actor, file_id: int, opinion: Any = "", *, on: Any = None,
           now: datetime | None = None) -> FileRecord:
    """初审 passed (the filing union's check): 待初审 → 待入户调查. To refuse, send back or reject."""
    require(actor, Perm.FILE_HARDSHIP)
    errors = Collector()
    with db.write() as s:
        f, at, before = begin(s, file_id, now)
        check_step(f, "screen", at.date())
        day_ = _step_day(errors, on, F_ON, at.date(), f.applied_on, "申请日期")
        opinion_ = text(errors, opinion, F_OPINION, 1000)
        errors.raise_if_any()
        f.state = FileState.SCREENED.value
        f.returned_reason = ""
        add_step(s, actor, f, FileStep.SCREEN, day_, at, before["state"], result=opinion_ or "初审通过")
        finish(s, actor, f, "screen", before, at)
        return file_record(s, f, at.date())


def investigate(db: Database, actor: Actor, file_id: int, *, investigators: Any, findings: Any = "",
                on: Any = None, now: datetime | None = None) -> FileRecord:
    """入户调查 (date, investigators, what was found): 待入户调查 → 待公示."""
    require(actor, Perm.FILE_HARDSHIP)
    errors = Collector()
    with db.write() as s:
        f, at, before = begin(s, file_id, now)
        check_step(f, "investigate", at.date())
        day_ = _step_day(errors, on, F_ON, at.date(), f.applied_on, "申请日期")
        who = text(errors, investigators, F_INVESTIGATORS, 100, required=True)
        found = text(errors, findings, F_FINDINGS, 2000)
        errors.raise_if_any()
        f.state, f.investigated_on, f.investigators = FileState.INVESTIGATED.value, day_, who
        add_step(s, actor, f, FileStep.INVESTIGATE, day_, at, before["state"], result=found,
              detail={"investigators": who})
        finish(s, actor, f, "investigate", before, at)
        return file_record(s, f, at.date())


def default_publicity_end(db: Database, start: date) -> date:
    """The end of a 公示 starting on ``start``: the office's working days (default 5) from the
    working calendar, the start day counted when it is a working day."""
    with db.read() as s:
        return publicity_end(calendar(s, start, start), start, rules(s).publicity_workdays)


def start_publicity(db: Database, actor: Actor, file_id: int, *, start: Any = None, end: Any = None,
                    now: datetime | None = None) -> FileRecord:
    """公示 from ``start`` (default today) to ``end`` (default: the office's working days from the
    calendar): 待公示 → 公示中. The file is approved only after ``end``."""
    require(actor, Perm.FILE_HARDSHIP)
    errors = Collector()
    with db.write() as s:
        f, at, before = begin(s, file_id, now)
        check_step(f, "publicize", at.date())
        first = day(errors, start, F_PUB_START, default=at.date())
        if first is not None and f.investigated_on and first < f.investigated_on:
            errors.add(F_PUB_START, f"公示开始日期 {first:%Y-%m-%d} 早于入户调查日期 "
                                    f"{f.investigated_on:%Y-%m-%d}，请核对")
        last = day(errors, end, F_PUB_END, required=False)
        errors.raise_if_any()
        if last is None:
            last = publicity_end(calendar(s, first, first), first, rules(s).publicity_workdays)
        if last < first:
            errors.add(F_PUB_END, f"公示结束日期 {last:%Y-%m-%d} 早于开始日期 {first:%Y-%m-%d}，请核对")
        errors.raise_if_any()
        f.state, f.publicity_start, f.publicity_end = FileState.PUBLICIZING.value, first, last
        f.publicity_objection = f.publicity_result = ""
        add_step(s, actor, f, FileStep.PUBLICIZE, first, at, before["state"],
              result=f"公示 {first:%Y-%m-%d} 至 {last:%Y-%m-%d}",
              detail={"start": first, "end": last})
        finish(s, actor, f, "publicize", before, at)
        return file_record(s, f, at.date())


def record_objection(db: Database, actor: Actor, file_id: int, *, objection: Any = None,
                     result: Any = None, now: datetime | None = None) -> FileRecord:
    """An objection raised during 公示 and/or its result (None leaves one as it is). An objection
    without a result stops the approval until the result is recorded."""
    require(actor, Perm.FILE_HARDSHIP)
    errors = Collector()
    with db.write() as s:
        f, at, before = begin(s, file_id, now)
        check_step(f, "objection", at.date())
        obj = text(errors, objection, F_OBJECTION, 2000) if objection is not None else f.publicity_objection
        res = text(errors, result, F_OBJECTION_RESULT, 2000) if result is not None else f.publicity_result
        if not obj and not res:
            errors.add(F_OBJECTION, "请填写异议内容")
        if res and not obj:
            errors.add(F_OBJECTION, "请先填写异议内容，再填写处理结果")
        errors.raise_if_any()
        f.publicity_objection, f.publicity_result = obj, res
        add_step(s, actor, f, FileStep.OBJECTION, at.date(), at, before["state"], result=res, reason=obj)
        finish(s, actor, f, "objection", before, at)
        return file_record(s, f, at.date())


def approve_file(db: Database, actor: Actor, file_id: int, *, on: Any = None,
                 now: datetime | None = None) -> FileRecord:
    """审批建档 (负责人, ``Perm.APPROVE_HARDSHIP``): 公示中 → 在档, after the 公示 has ended, with
    no objection left open and a confirmed category. Sets the filing date and the first review due."""
    require(actor, Perm.APPROVE_HARDSHIP)
    errors = Collector()
    with db.write() as s:
        f, at, before = begin(s, file_id, now)
        check_step(f, "approve", at.date())
        if f.category is None:
            raise Conflict("尚未确认困难类别，请先确认或改定类别后再审批建档", "category not confirmed")
        day_ = _step_day(errors, on, F_ON, at.date(), None, "")
        if day_ is not None and f.publicity_end and day_ <= f.publicity_end:
            errors.add(F_ON, f"审批日期须在公示期满（{f.publicity_end:%Y-%m-%d}）之后")
        errors.raise_if_any()
        r = rules(s)
        f.state, f.filed_on, f.approved_by = FileState.ACTIVE.value, day_, actor.user_id
        f.review_due = next_review_due(day_, r)
        f.above_line_since = above_line_since([(day_, f.per_head_fen)], r.dibao_fen)
        add_step(s, actor, f, FileStep.APPROVE, day_, at, before["state"],
              result=f"建档，{HardshipCategory(f.category).label}，下次复核 {f.review_due:%Y-%m-%d}",
              detail={"per_head_fen": f.per_head_fen})
        finish(s, actor, f, "approve", before, at)
        return file_record(s, f, at.date())


def send_back(db: Database, actor: Actor, file_id: int, reason: Any, *,
              now: datetime | None = None) -> FileRecord:
    """退回 with a reason, from any step before 在档: back to 待初审, to be corrected and resubmitted."""
    require(actor, Perm.FILE_HARDSHIP)
    errors = Collector()
    why = text(errors, reason, F_REASON, 1000, required=True)
    errors.raise_if_any()
    with db.write() as s:
        f, at, before = begin(s, file_id, now)
        check_step(f, "send_back", at.date())
        f.state, f.returned_reason = FileState.APPLIED.value, why
        add_step(s, actor, f, FileStep.SEND_BACK, at.date(), at, before["state"], reason=why)
        finish(s, actor, f, "send_back", before, at)
        return file_record(s, f, at.date())


def reject_file(db: Database, actor: Actor, file_id: int, reason: Any, *,
                now: datetime | None = None) -> FileRecord:
    """不予建档 (负责人) with a reason; the file is kept and the person may apply again."""
    require(actor, Perm.APPROVE_HARDSHIP)
    errors = Collector()
    why = text(errors, reason, F_REASON, 1000, required=True)
    errors.raise_if_any()
    with db.write() as s:
        f, at, before = begin(s, file_id, now)
        check_step(f, "reject", at.date())
        f.state, f.closed_on, f.closure_note = FileState.REJECTED.value, at.date(), why
        add_step(s, actor, f, FileStep.REJECT, at.date(), at, before["state"], reason=why)
        finish(s, actor, f, "reject", before, at)
        return file_record(s, f, at.date())


def _change_category(s: Session, actor: Actor, f: HardshipFile, to: str, reason: str, on: date,
                     at: datetime, review_id: int | None) -> None:
    s.add(HardshipCategoryChange(file_id=f.id, changed_on=on, category_before=f.category,
                                 category_after=to, reason=reason, review_id=review_id,
                                 user_id=actor.user_id, at=at))
    f.category = to


def change_category(db: Database, actor: Actor, file_id: int, category: Any, reason: Any, *,
                    on: Any = None, now: datetime | None = None) -> FileRecord:
    """类别变更 of an active file, with a reason."""
    require(actor, Perm.FILE_HARDSHIP)
    errors = Collector()
    cat = enum(errors, HardshipCategory, category, F_CATEGORY)
    why = text(errors, reason, F_REASON, 1000, required=True)
    errors.raise_if_any()
    with db.write() as s:
        f, at, before = begin(s, file_id, now)
        check_step(f, "change_category", at.date())
        day_ = _step_day(errors, on, F_ON, at.date(), f.filed_on, "建档日期")
        if cat is not None and cat.value == f.category:
            errors.add(F_CATEGORY, f"档案已是「{cat.label}」，无需变更")
        errors.raise_if_any()
        old = f.category
        _change_category(s, actor, f, cat.value, why, day_, at, None)
        add_step(s, actor, f, FileStep.CHANGE_CATEGORY, day_, at, before["state"],
              result=f"{HardshipCategory.label_of(old)} → {cat.label}", reason=why)
        finish(s, actor, f, "change_category", before, at)
        return file_record(s, f, at.date())


def _close(s: Session, actor: Actor, f: HardshipFile, reason: ClosureReason, note: str, on: date,
           at: datetime, before_state: str) -> None:
    f.state, f.closed_on, f.closure_reason, f.closure_note = (FileState.CLOSED.value, on,
                                                              reason.value, note)
    add_step(s, actor, f, FileStep.CLOSE, on, at, before_state, result=reason.label, reason=note)


def close_file(db: Database, actor: Actor, file_id: int, reason: Any, note: Any = "", *,
               on: Any = None, now: datetime | None = None) -> FileRecord:
    """出档 (负责人): 脱困, 解困（兜底）, or 撤档 for 死亡 / 不再符合条件 / 迁出 / 弄虚作假. The file is
    kept with its history and takes no more payments."""
    require(actor, Perm.APPROVE_HARDSHIP)
    errors = Collector()
    why = enum(errors, ClosureReason, reason, F_CLOSURE)
    note_ = text(errors, note, F_CLOSURE_NOTE, 1000)
    errors.raise_if_any()
    with db.write() as s:
        f, at, before = begin(s, file_id, now)
        check_step(f, "close", at.date())
        day_ = _step_day(errors, on, F_ON, at.date(), f.filed_on, "建档日期")
        errors.raise_if_any()
        _close(s, actor, f, why, note_, day_, at, before["state"])
        finish(s, actor, f, "close", before, at)
        return file_record(s, f, at.date())


def review_file(db: Database, actor: Actor, file_id: int, data: ReviewInput, *,
                now: datetime | None = None) -> FileRecord:
    """复核: the household's numbers again (date not before the filing date nor after today),
    the decision — 维持, 变更类别 (with the new category) or 出档 (with a reason from the list; a
    负责人's) — and the next review due (default: the review interval from the review date).
    The per-head income's run above 低保 is updated (脱困 is proposed after the set months)."""
    require(actor, Perm.FILE_HARDSHIP)
    errors = Collector()
    decision = enum(errors, ReviewDecision, data.decision, F_DECISION)
    if decision is ReviewDecision.CLOSE:
        require(actor, Perm.APPROVE_HARDSHIP)
    reviewer = text(errors, data.reviewer, F_REVIEWER, 60, required=True)
    income = fen(errors, data.household_income, F_HOUSEHOLD_INCOME)
    rigid = fen(errors, data.rigid_annual, F_RIGID)
    size = None
    try:
        size = int(str(data.household_size).strip())
        if not 1 <= size <= MAX_MEMBERS + 1:
            errors.add(F_SIZE, f"应在 1 至 {MAX_MEMBERS + 1} 人之间")
            size = None
    except (TypeError, ValueError):
        errors.add(F_SIZE, f"「{data.household_size}」不是人数，请填写整数")
    why = text(errors, data.reason, F_REASON, 1000, required=decision is not ReviewDecision.KEEP)
    cat = closure = None
    if decision is ReviewDecision.CHANGE:
        cat = enum(errors, HardshipCategory, data.category, F_CATEGORY)
    if decision is ReviewDecision.CLOSE:
        closure = enum(errors, ClosureReason, data.closure_reason, F_CLOSURE)
    errors.raise_if_any()
    with db.write() as s:
        f, at, before = begin(s, file_id, now)
        check_step(f, "review", at.date())
        on = _step_day(errors, data.reviewed_on, F_REVIEWED_ON, at.date(), f.filed_on, "建档日期")
        if on is None and not errors.errors:
            errors.add(F_REVIEWED_ON, "请填写复核日期")
        if cat is not None and cat.value == f.category:
            errors.add(F_CATEGORY, f"档案已是「{cat.label}」；类别不变请选择「维持」")
        r = rules(s)
        nxt = day(errors, data.next_due, F_NEXT_DUE, required=False)
        if on is not None and nxt is not None and nxt <= on:
            errors.add(F_NEXT_DUE, f"下次复核日期须晚于复核日期 {on:%Y-%m-%d}")
        errors.raise_if_any()
        cl = classify(income, rigid, size, r)
        closing = decision is ReviewDecision.CLOSE
        review = HardshipReview(file_id=f.id, reviewed_on=on, reviewer=reviewer,
                                household_income_fen=income, rigid_annual_fen=rigid,
                                household_size=size, per_head_fen=cl.per_head_fen,
                                decision=decision.value, category_before=f.category,
                                category_after=cat.value if cat else f.category, reason=why,
                                next_due=None if closing else (nxt or next_review_due(on, r)),
                                created_by=actor.user_id, created_at=at)
        s.add(review)
        s.flush()
        f.household_income_fen, f.rigid_annual_fen, f.household_size = income, rigid, size
        f.per_head_fen = cl.per_head_fen
        f.proposed_category = cl.category.value if cl.category else None
        f.category_formula = cl.formula
        f.last_reviewed_on, f.review_due = on, review.next_due
        f.above_line_since = above_line_since(_review_history(s, f, before), r.dibao_fen)
        if cat is not None:
            _change_category(s, actor, f, cat.value, why, on, at, review.id)
        add_step(s, actor, f, FileStep.REVIEW, on, at, before["state"],
              result=f"{decision.label}；{cl.formula}", reason=why,
              detail={"review_id": review.id})
        if closing:
            _close(s, actor, f, closure, why, on, at, before["state"])
        finish(s, actor, f, "review", before, at, {"review_id": review.id})
        return file_record(s, f, at.date())


def _review_history(s: Session, f: HardshipFile, before: dict) -> list[tuple[date, int]]:
    """The per-head incomes on record: at filing (as approved), then each review."""
    first = s.execute(select(HardshipStep.detail).where(HardshipStep.file_id == f.id,
                                                        HardshipStep.step == FileStep.APPROVE.value)
                      .order_by(HardshipStep.id.desc()).limit(1)).scalar()
    out: list[tuple[date, int]] = []
    if f.filed_on is not None:
        filed_head = json.loads(first).get("per_head_fen") if first else None
        if filed_head is None:
            filed_head = before["per_head_fen"] if before.get("last_reviewed_on") is None else None
        if filed_head is not None:
            out.append((f.filed_on, filed_head))
    out += [(x.reviewed_on, x.per_head_fen) for x in s.scalars(
        select(HardshipReview).where(HardshipReview.file_id == f.id))]
    return out

