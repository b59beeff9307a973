"""Case tracking (办理): from acceptance to archive (DESIGN §3–4, issue 3).

Life cycle::

    accepted 已受理 → assigned 已交办 → in_progress 办理中 → concluded 已办结 → followed_up 已回访
    → archived 已归档;   reopen: concluded / followed_up / archived → in_progress

Contract for callers:

* ``open_case(session, actor, reg, now)`` runs INSIDE the caller's ``db.write()`` transaction
  (``registration.register`` calls it when a registration is accepted) and returns the ORM
  ``Case`` for that session only.
* Every other write function takes ``(db, actor, case_id, ..., now=None)``, opens one
  ``db.write()``, checks the actor's permission, refuses illegal steps with ``Conflict`` (the rows
  of ``app.domain.workflow.CASE_WORKFLOW``, from which the case page greys out its buttons) and bad
  input with ``ValidationError`` (every bad field at once; nothing is written), writes one timeline
  event (``case_events``) and one audit row (entity ``case``, before/after of the changed fields) in
  the same transaction, and returns a fresh ``CaseRecord``.
* Reads return frozen dataclasses; safe from any thread (each call has its own Session).

Decisions (documented here, tested in tests/services/test_cases.py):

* Due dates are stored on the case and recomputed by ``app.domain.case_clock`` from the working
  calendar and the office's ``deadline.*`` settings whenever extension or suspension changes them.
* Assignment: to a handler (a caseworker or manager account), a department or a lower-level union
  (name), with a feedback deadline (default ``deadline.feedback_workdays`` working days from today, never
  after the handling due date). Reassigning is allowed while the case is open; the timeline keeps
  from → to. Assigning moves 已受理 → 已交办.
* A note, measure or result recorded by the case's own handler — or by any staff member when the
  case went to a department / lower-level union — moves 已交办 → 办理中.
* Recovered amount and workers benefited are SET as totals (not added); the timeline shows before
  and after. ``recovered`` as ``int`` is fen; as ``str``/``Decimal`` it is yuan text (``parse_yuan``).
* Extension: requested with a reason by a handler/manager, decided by a manager. At most one
  approved extension per case; a rejected request may be followed by a new request.
* Suspension stops the clock (due date None); resuming recomputes the due date from all suspension
  periods. A suspended case cannot be concluded.
* Conclude needs an outcome and its text, an assigned case and a running clock.
* Follow-up only for a concluded (or already followed-up) case. Archive only after a follow-up —
  an unreachable petitioner is recorded as the follow-up result 未能回访, so every case can be archived.
* Reopen (manager, with a reason) from concluded / followed-up / archived: back to 办理中,
  reopened_count + 1, conclusion, follow-up and archive fields cleared; the ORIGINAL due date is
  kept (the statutory clock is not restarted), so a late reopened case shows 已超期; the timeline
  records the kept due date.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db import Database
from app.db.models import Case, CaseEvent, CaseSuspension, Registration, User
from app.domain import clock, case_clock
from app.domain.actor import Actor
from app.domain.enums import (AssigneeKind, CaseEventKind, CaseStatus, ExtensionStatus, FollowUp,
                              Measure, Outcome, Role, SuspendReason)
from app.domain.errors import Collector, Conflict, NotFound
from app.domain.money import format_yuan
from app.domain.permissions import Perm

from .. import audit
from ..access import require
from ..hardship import payments
from ..numbering import case_no as format_case_no, next_number
from .case_records import (CaseEventRecord, CaseRecord, F_AID_AMOUNT, F_ASSIGNEE, F_ASSIGNEE_KIND,
                           F_DECISION_NOTE, F_EXT_REASON, F_FEEDBACK, F_FOLLOWUP, F_FOLLOWUP_NOTE,
                           F_HANDLER, F_LAWYER, F_LEADER, F_MEASURE, F_MEASURE_TEXT, F_MEDIATION,
                           F_NOTE, F_OUTCOME, F_OUTCOME_TEXT, F_RECOVERED, F_REOPEN_REASON,
                           F_RESUME_DAY, F_SUSPEND_DAY, F_SUSPEND_NOTE, F_SUSPEND_REASON, NOTE_MAX,
                           SHORT_MAX, _apply_result, _assignee_text, _begin, _calendar, _check_step,
                           _d, _diff, _enum, _event, _finish, _fresh, _get, _index_notes,
                           _parse_fen, _parse_workers, _recompute_due, _record, _result_text,
                           _rules, _snapshot, _start_progress, _suspensions, _text)


def open_case(session: Session, actor: Actor, reg: Registration, now: datetime) -> Case:
    """Open the case of an accepted registration, inside the caller's write transaction.

    Takes the next case number (gap-free, per year), computes the acceptance-notice and handling
    deadlines from the working calendar and the office settings, writes the first timeline event
    and the audit row. Requires ``Perm.ACCEPT_CASE``. Returns the ORM row (valid in ``session``).
    """
    require(actor, Perm.ACCEPT_CASE)
    if reg.id is None:
        session.flush()
    existing = session.execute(select(Case).where(Case.registration_id == reg.id)).scalar_one_or_none()
    if existing is not None:
        raise Conflict(f"登记 {reg.reg_no} 已受理为案件 {existing.case_no}，不能重复受理",
                       "registration already has a case")
    accepted = now.date()
    received = reg.received_at.date() if reg.received_at else accepted
    rules = _rules(session)
    cal = _calendar(session, min(received, accepted), accepted)
    n = next_number(session, "case", accepted.year)
    case = Case(case_no=format_case_no(accepted.year, n), registration_id=reg.id,
                status=CaseStatus.ACCEPTED.value, category=reg.category, accepted_on=accepted,
                notice_due=case_clock.notice_due(cal, received, rules), notice_delivered_on=None,
                due_date=case_clock.handling_due(cal, accepted, reg.category, rules),
                handler_id=None, assignee_kind=None, assignee_name="", feedback_due=None,
                extension_status=None, extension_reason="", extended=False, suspended=False,
                supervised=False, focus=False, leader_in_charge="", concluded_on=None,
                on_time=None, outcome=None, outcome_text="", recovered_fen=0,
                workers_benefited=0, followup_result=None, followup_on=None, followup_note="",
                archived_on=None, reopened_count=0, created_at=now, updated_at=now)
    session.add(case)
    session.flush()
    _event(session, actor, case, CaseEventKind.OPENED, now,
           f"受理登记 {reg.reg_no}，书面告知期限 {_d(case.notice_due)}，办结期限 {_d(case.due_date)}",
           {"reg_no": reg.reg_no, "notice_due": case.notice_due, "due_date": case.due_date,
            "category": reg.category})
    audit.record(session, actor, "case", case.id, "create", None,
                 {"case_no": case.case_no, "registration_id": reg.id, **_snapshot(case)})
    return case


def get_case(db: Database, case_id: int, today: date | None = None) -> CaseRecord:
    """The case with its deadline state for ``today`` (default: the real today)."""
    today = today or clock.today()
    with db.read() as s:
        return _fresh(s, _get(s, case_id), today)


def get_case_by_no(db: Database, case_no: str, today: date | None = None) -> CaseRecord:
    today = today or clock.today()
    text = (case_no or "").strip().upper()
    with db.read() as s:
        case = s.execute(select(Case).where(Case.case_no == text)).scalar_one_or_none()
        if case is None:
            raise NotFound(f"找不到案件编号「{case_no}」，请核对（格式如 C2026-000045）",
                           "case not found")
        return _fresh(s, case, today)


def case_id_for_registration(db: Database, registration_id: int) -> int | None:
    with db.read() as s:
        return s.execute(select(Case.id).where(Case.registration_id == registration_id)).scalar()


def timeline(db: Database, case_id: int) -> list[CaseEventRecord]:
    """Every step of the case, oldest first."""
    with db.read() as s:
        _get(s, case_id)
        rows = s.execute(select(CaseEvent, User.display_name)
                         .outerjoin(User, User.id == CaseEvent.user_id)
                         .where(CaseEvent.case_id == case_id)
                         .order_by(CaseEvent.at, CaseEvent.id)).all()
        return [CaseEventRecord(id=e.id, case_id=e.case_id, at=e.at, user_id=e.user_id,
                                user_name=name or e.username, kind=CaseEventKind(e.kind),
                                text=e.text or "", detail=json.loads(e.detail or "{}"))
                for e, name in rows]


def handlers(db: Database) -> list[tuple[int, str]]:
    """(user id, display name) of the active accounts that can handle cases."""
    with db.read() as s:
        rows = s.execute(select(User.id, User.display_name)
                         .where(User.active.is_(True),
                                User.role.in_([Role.CASEWORKER.value, Role.MANAGER.value]))
                         .order_by(User.display_name, User.id)).all()
        return [(i, n) for i, n in rows]


def assign(db: Database, actor: Actor, case_id: int, *,
           kind: AssigneeKind | str = AssigneeKind.HANDLER, handler_id: int | None = None,
           assignee_name: str = "", feedback_due: date | None = None, note: str = "",
           now: datetime | None = None) -> CaseRecord:
    """交办 / 改派 (Perm.ASSIGN_CASE) while the case is open.

    ``kind`` handler → ``handler_id`` (an active caseworker or manager) is required; department /
    lower_union → ``assignee_name`` is required and ``handler_id`` (the staff member who follows
    it up) is optional. ``feedback_due`` defaults to ``deadline.feedback_workdays`` working days from today,
    capped at the handling due date; given explicitly it may not be before today or after it.
    """
    require(actor, Perm.ASSIGN_CASE)
    errors = Collector()
    akind = _enum(errors, AssigneeKind, kind, F_ASSIGNEE_KIND)
    name = _text(errors, assignee_name, F_ASSIGNEE, SHORT_MAX,
                 required=akind is not None and akind is not AssigneeKind.HANDLER)
    note_text = _text(errors, note, "交办要求", NOTE_MAX)
    with db.write() as s:
        case, at, before = _begin(s, case_id, now)
        _check_step(case, "assign")
        today = at.date()
        if akind is AssigneeKind.HANDLER and handler_id is None:
            errors.add(F_HANDLER, "请选择承办人")
        if handler_id is not None:
            u = s.get(User, handler_id)
            if u is None or not u.active or u.role not in (Role.CASEWORKER.value, Role.MANAGER.value):
                errors.add(F_HANDLER, "只能交办给在用的承办人或负责人账户，请重新选择")
        cal = _calendar(s, case.accepted_on, today)
        rules = _rules(s)
        if feedback_due is None:
            feedback = cal.add_workdays(today, rules.feedback_workdays)
            if case.due_date is not None and feedback > case.due_date:
                feedback = max(case.due_date, today)
        else:
            feedback = feedback_due
            if feedback < today:
                errors.add(F_FEEDBACK, "不能早于今天，请重新选择日期")
            elif case.due_date is not None and feedback > case.due_date:
                errors.add(F_FEEDBACK, f"不能晚于办结期限 {_d(case.due_date)}，请提前")
        errors.raise_if_any()
        old_who = _assignee_text(s, case)
        first = case.assignee_kind is None
        case.assignee_kind = akind.value
        case.handler_id = handler_id
        case.assignee_name = "" if akind is AssigneeKind.HANDLER else name
        case.feedback_due = feedback
        if case.status == CaseStatus.ACCEPTED.value:
            case.status = CaseStatus.ASSIGNED.value
        new_who = _assignee_text(s, case)
        kind_ev = CaseEventKind.ASSIGNED if first else CaseEventKind.REASSIGNED
        msg = (f"交办给{akind.label}「{new_who}」" if first
               else f"由「{old_who}」改派给{akind.label}「{new_who}」")
        msg += f"，反馈期限 {_d(feedback)}"
        if note_text:
            msg += f"。{note_text}"
        _event(s, actor, case, kind_ev, at, msg,
               {"from": old_who if not first else None, "to": new_who, "kind": akind.value,
                "handler_id": handler_id, "feedback_due": feedback, "note": note_text})
        _finish(s, actor, case, "reassign" if not first else "assign", before, at)
        s.flush()
        return _record(s, case, cal, rules, today)


def add_note(db: Database, actor: Actor, case_id: int, text: str, *,
             now: datetime | None = None) -> CaseRecord:
    """A progress note (Perm.HANDLE_CASE), on any case not yet archived. Indexed for content
    search. By the handler on an assigned case: 已交办 → 办理中."""
    require(actor, Perm.HANDLE_CASE)
    errors = Collector()
    body = _text(errors, text, F_NOTE, NOTE_MAX, required=True)
    errors.raise_if_any()
    with db.write() as s:
        case, at, before = _begin(s, case_id, now)
        _check_step(case, "note")
        _start_progress(case, actor)
        _event(s, actor, case, CaseEventKind.NOTE, at, body)
        _index_notes(s, case, body)
        _finish(s, actor, case, "note", before, at)
        return _fresh(s, case, at.date())


def add_measure(db: Database, actor: Actor, case_id: int, measure: Measure | str, text: str = "", *,
                lawyer: str = "", mediation_result: str = "", amount: Any = None,
                aid_kind: Any = None, aid_fund_id: int | None = None,
                now: datetime | None = None) -> CaseRecord:
    """A measure taken (Perm.HANDLE_CASE), on an open case. 法律援助 needs the lawyer's name,
    调解 its result (成功/不成功 or text), 经济帮扶 an amount (> 0; int fen or yuan text): kept in the
    event detail, and — when the petitioner is in the registry — proposed in the same transaction
    as a hardship assistance record linked both ways (``payments.propose_for_case``: kind
    ``aid_kind``, fund ``aid_fund_id``; the ledger's caps and checks apply, a refusal refuses the
    measure); the event detail names the record (``payment_id``)."""
    require(actor, Perm.HANDLE_CASE)
    errors = Collector()
    m = _enum(errors, Measure, measure, F_MEASURE)
    body = _text(errors, text, F_MEASURE_TEXT, NOTE_MAX)
    detail: dict[str, Any] = {"measure": m.value if m else None}
    if m is Measure.LEGAL_AID:
        detail["lawyer"] = _text(errors, lawyer, F_LAWYER, 40, required=True)
    elif m is Measure.MEDIATION:
        detail["mediation_result"] = _text(errors, mediation_result, F_MEDIATION, 200, required=True)
    elif m is Measure.ASSISTANCE:
        if amount is None or (isinstance(amount, str) and not amount.strip()):
            errors.add(F_AID_AMOUNT, "请填写帮扶金额（元）")
        else:
            detail["amount_fen"] = _parse_fen(amount, errors, F_AID_AMOUNT, allow_zero=False)
    errors.raise_if_any()
    with db.write() as s:
        case, at, before = _begin(s, case_id, now)
        _check_step(case, "measure")
        _start_progress(case, actor)
        parts = [m.label]
        if "lawyer" in detail:
            parts.append(f"律师：{detail['lawyer']}")
        if "mediation_result" in detail:
            parts.append(f"调解结果：{detail['mediation_result']}")
        if "amount_fen" in detail:
            parts.append(f"金额：{format_yuan(detail['amount_fen'])}")
            aid = payments.propose_for_case(s, actor, case.id, _petitioner(s, case), detail["amount_fen"],
                                            at, kind=aid_kind, fund_id=aid_fund_id, note=body)
            if aid is not None:
                detail["payment_id"] = aid.id
                parts.append(f"已提交帮扶记录{aid.id}待审批")
        if body:
            parts.append(body)
        detail["text"] = body
        _event(s, actor, case, CaseEventKind.MEASURE, at, "；".join(parts), detail)
        _index_notes(s, case, body)
        _finish(s, actor, case, "measure", before, at)
        return _fresh(s, case, at.date())


def record_result(db: Database, actor: Actor, case_id: int, recovered: Any = None,
                  workers: Any = None, *, now: datetime | None = None) -> CaseRecord:
    """Set (not add) the amount recovered for the worker(s) and the number of workers benefited
    (Perm.HANDLE_CASE), on an open case. ``recovered``: int = fen, str/Decimal = yuan text; None
    leaves it unchanged. ``workers``: 0..100000, None leaves it unchanged."""
    require(actor, Perm.HANDLE_CASE)
    errors = Collector()
    fen = _parse_fen(recovered, errors, F_RECOVERED) if recovered is not None else None
    count = _parse_workers(workers, errors) if workers is not None else None
    if recovered is None and workers is None:
        errors.add(F_RECOVERED, "请填写追回金额或受益职工人数")
    errors.raise_if_any()
    with db.write() as s:
        case, at, before = _begin(s, case_id, now)
        _check_step(case, "result")
        _start_progress(case, actor)
        detail = _apply_result(case, fen, count)
        _event(s, actor, case, CaseEventKind.RESULT, at, _result_text(detail), detail)
        _finish(s, actor, case, "result", before, at)
        return _fresh(s, case, at.date())


def request_extension(db: Database, actor: Actor, case_id: int, reason: str, *,
                      now: datetime | None = None) -> CaseRecord:
    """Ask for the one extension a case may have (Perm.HANDLE_CASE), with a reason."""
    require(actor, Perm.HANDLE_CASE)
    errors = Collector()
    why = _text(errors, reason, F_EXT_REASON, NOTE_MAX, required=True)
    errors.raise_if_any()
    with db.write() as s:
        case, at, before = _begin(s, case_id, now)
        _check_step(case, "request_extension")
        case.extension_status = ExtensionStatus.REQUESTED.value
        case.extension_reason = why
        case.extension_requested_by = actor.user_id
        case.extension_decided_by = None
        _event(s, actor, case, CaseEventKind.EXTENSION_REQUESTED, at, f"申请延期：{why}",
               {"reason": why, "due_date": case.due_date})
        _finish(s, actor, case, "request_extension", before, at)
        return _fresh(s, case, at.date())


def decide_extension(db: Database, actor: Actor, case_id: int, approve: bool, note: str = "", *,
                     now: datetime | None = None) -> CaseRecord:
    """Approve or reject the pending extension request (Perm.APPROVE_EXTENSION: managers).
    Approval recomputes the due date with the extended working-day period, never beyond the
    statutory cap (60 + 30 calendar days from acceptance, suspensions not counted)."""
    require(actor, Perm.APPROVE_EXTENSION)
    errors = Collector()
    remark = _text(errors, note, F_DECISION_NOTE, NOTE_MAX)
    errors.raise_if_any()
    with db.write() as s:
        case, at, before = _begin(s, case_id, now)
        _check_step(case, "decide_extension")
        today = at.date()
        cal = _calendar(s, case.accepted_on, today)
        rules = _rules(s)
        case.extension_decided_by = actor.user_id
        old_due = case.due_date
        if approve:
            case.extension_status = ExtensionStatus.APPROVED.value
            case.extended = True
            _recompute_due(s, case, cal, rules)
            cap = case_clock.extension_cap(cal, case.accepted_on, rules, _suspensions(s, case.id))
            if case.due_date is not None and case.due_date > cap:   # handling_due caps already
                case.due_date = cap
            msg = f"批准延期，办结期限 {_d(old_due) or '（中止中）'} → {_d(case.due_date) or '（中止中）'}"
            kind = CaseEventKind.EXTENSION_APPROVED
        else:
            case.extension_status = ExtensionStatus.REJECTED.value
            msg = "不批准延期"
            kind = CaseEventKind.EXTENSION_REJECTED
        if remark:
            msg += f"。{remark}"
        _event(s, actor, case, kind, at, msg,
               {"approved": bool(approve), "due_before": old_due, "due_after": case.due_date,
                "note": remark})
        _finish(s, actor, case, "approve_extension" if approve else "reject_extension", before, at)
        s.flush()
        return _record(s, case, cal, rules, today)


def suspend(db: Database, actor: Actor, case_id: int, reason: SuspendReason | str, note: str = "",
            day: date | None = None, *, now: datetime | None = None) -> CaseRecord:
    """中止 (Perm.HANDLE_CASE): the clock stops from ``day`` (default today); due date None until
    resumed. 其他 needs a note."""
    require(actor, Perm.HANDLE_CASE)
    errors = Collector()
    why = _enum(errors, SuspendReason, reason, F_SUSPEND_REASON)
    text_ = _text(errors, note, F_SUSPEND_NOTE, NOTE_MAX, required=why is SuspendReason.OTHER)
    with db.write() as s:
        case, at, before = _begin(s, case_id, now)
        _check_step(case, "suspend")
        start = day or at.date()
        last = s.execute(select(func.max(CaseSuspension.resumed)).where(CaseSuspension.case_id == case.id)).scalar()
        if start < case.accepted_on:
            errors.add(F_SUSPEND_DAY, f"不能早于受理日期 {_d(case.accepted_on)}")
        elif last is not None and start < last:
            errors.add(F_SUSPEND_DAY, f"不能早于上次恢复办理的日期 {_d(last)}")
        if start > at.date():
            errors.add(F_SUSPEND_DAY, "不能晚于今天")
        errors.raise_if_any()
        s.add(CaseSuspension(case_id=case.id, start=start, resumed=None, reason=why.value, note=text_))
        old_due = case.due_date
        case.suspended = True
        case.due_date = None
        msg = f"因{why.label}中止办理，自 {_d(start)} 起停止计时"
        if text_:
            msg += f"。{text_}"
        _event(s, actor, case, CaseEventKind.SUSPENDED, at, msg,
               {"reason": why.value, "start": start, "note": text_, "due_before": old_due})
        _finish(s, actor, case, "suspend", before, at)
        return _fresh(s, case, at.date())


def resume(db: Database, actor: Actor, case_id: int, day: date | None = None, note: str = "", *,
           now: datetime | None = None) -> CaseRecord:
    """恢复办理 (Perm.HANDLE_CASE): ``day`` (default today) is the first day counted again; the due
    date is recomputed from every suspension period."""
    require(actor, Perm.HANDLE_CASE)
    errors = Collector()
    text_ = _text(errors, note, "恢复说明", NOTE_MAX)
    with db.write() as s:
        case, at, before = _begin(s, case_id, now)
        _check_step(case, "resume")
        row = s.execute(select(CaseSuspension).where(CaseSuspension.case_id == case.id,
                                                     CaseSuspension.resumed.is_(None))
                        .order_by(CaseSuspension.id.desc())).scalars().first()
        back = day or at.date()
        if row is not None and back < row.start:
            errors.add(F_RESUME_DAY, f"不能早于中止日期 {_d(row.start)}")
        if back > at.date():
            errors.add(F_RESUME_DAY, "不能晚于今天")
        errors.raise_if_any()
        if row is not None:
            row.resumed = back
        case.suspended = False
        s.flush()
        today = at.date()
        cal = _calendar(s, case.accepted_on, today)
        rules = _rules(s)
        _recompute_due(s, case, cal, rules)
        msg = f"恢复办理，自 {_d(back)} 起重新计时，办结期限 {_d(case.due_date)}"
        if text_:
            msg += f"。{text_}"
        _event(s, actor, case, CaseEventKind.RESUMED, at, msg,
               {"resumed": back, "start": row.start if row else None, "due_after": case.due_date,
                "note": text_})
        _finish(s, actor, case, "resume", before, at)
        s.flush()
        return _record(s, case, cal, rules, today)


def set_flags(db: Database, actor: Actor, case_id: int, *, supervised: bool | None = None,
              focus: bool | None = None, leader_in_charge: str | None = None,
              now: datetime | None = None) -> CaseRecord:
    """督办 / 重点关注 / 包案领导 (Perm.FLAG_CASE: managers); None leaves a flag unchanged."""
    require(actor, Perm.FLAG_CASE)
    errors = Collector()
    leader = (_text(errors, leader_in_charge, F_LEADER, 40)
              if leader_in_charge is not None else None)
    errors.raise_if_any()
    with db.write() as s:
        case, at, before = _begin(s, case_id, now)
        _check_step(case, "flags")
        if supervised is not None:
            case.supervised = bool(supervised)
        if focus is not None:
            case.focus = bool(focus)
        if leader is not None:
            case.leader_in_charge = leader
        b, a = _diff(before, _snapshot(case))
        if not a:
            return _fresh(s, case, at.date())
        parts = []
        if "supervised" in a:
            parts.append("设为督办" if case.supervised else "取消督办")
        if "focus" in a:
            parts.append("设为重点关注" if case.focus else "取消重点关注")
        if "leader_in_charge" in a:
            parts.append(f"{F_LEADER}：{case.leader_in_charge}" if case.leader_in_charge
                         else f"取消{F_LEADER}")
        _event(s, actor, case, CaseEventKind.FLAGS, at, "；".join(parts),
               {"before": b, "after": a})
        _finish(s, actor, case, "flags", before, at)
        return _fresh(s, case, at.date())


def conclude(db: Database, actor: Actor, case_id: int, outcome: Outcome | str | None,
             outcome_text: str, *, recovered: Any = None, workers: Any = None,
             now: datetime | None = None) -> CaseRecord:
    """办结 (Perm.HANDLE_CASE) with an outcome and its text; optionally the final recovered amount
    and workers benefited. Refused for an unassigned, suspended or already concluded case.
    ``on_time`` = concluded on or before the due date."""
    require(actor, Perm.HANDLE_CASE)
    errors = Collector()
    out = _enum(errors, Outcome, outcome, F_OUTCOME)
    body = _text(errors, outcome_text, F_OUTCOME_TEXT, NOTE_MAX, required=True)
    fen = _parse_fen(recovered, errors, F_RECOVERED) if recovered is not None else None
    count = _parse_workers(workers, errors) if workers is not None else None
    with db.write() as s:
        case, at, before = _begin(s, case_id, now)
        _check_step(case, "conclude")
        errors.raise_if_any()
        today = at.date()
        detail = _apply_result(case, fen, count)
        case.status = CaseStatus.CONCLUDED.value
        case.concluded_on = today
        case.on_time = case.due_date is not None and today <= case.due_date
        case.outcome = out.value
        case.outcome_text = body
        msg = f"办结，处理意见：{out.label}。{body}"
        extra = _result_text(detail)
        if extra:
            msg += f"（{extra}）"
        _event(s, actor, case, CaseEventKind.CONCLUDED, at, msg,
               {"outcome": out.value, "text": body, "on_time": case.on_time,
                "due_date": case.due_date, **detail})
        _index_notes(s, case, body)
        _finish(s, actor, case, "conclude", before, at)
        return _fresh(s, case, today)


def follow_up(db: Database, actor: Actor, case_id: int, result: FollowUp | str | None,
              note: str = "", *, now: datetime | None = None) -> CaseRecord:
    """回访 (Perm.FOLLOW_UP) of a concluded case (again allowed after an earlier follow-up, e.g.
    未能回访 then reached). 不满意 and 未能回访 need a note."""
    require(actor, Perm.FOLLOW_UP)
    errors = Collector()
    res = _enum(errors, FollowUp, result, F_FOLLOWUP)
    body = _text(errors, note, F_FOLLOWUP_NOTE, NOTE_MAX,
                 required=res in (FollowUp.DISSATISFIED, FollowUp.UNREACHABLE))
    with db.write() as s:
        case, at, before = _begin(s, case_id, now)
        _check_step(case, "follow_up")
        errors.raise_if_any()
        case.status = CaseStatus.FOLLOWED_UP.value
        case.followup_result = res.value
        case.followup_on = at.date()
        case.followup_note = body
        msg = f"回访：{res.label}"
        if body:
            msg += f"。{body}"
        _event(s, actor, case, CaseEventKind.FOLLOWED_UP, at, msg,
               {"result": res.value, "note": body})
        _finish(s, actor, case, "follow_up", before, at)
        return _fresh(s, case, at.date())


def reopen(db: Database, actor: Actor, case_id: int, reason: str, *,
           now: datetime | None = None) -> CaseRecord:
    """重新办理 (Perm.REOPEN_ARCHIVE) of a concluded, followed-up or archived case, with a reason.
    Back to 办理中; conclusion, follow-up and archive fields cleared; the original due date kept."""
    require(actor, Perm.REOPEN_ARCHIVE)
    errors = Collector()
    why = _text(errors, reason, F_REOPEN_REASON, NOTE_MAX, required=True)
    errors.raise_if_any()
    with db.write() as s:
        case, at, before = _begin(s, case_id, now)
        _check_step(case, "reopen")
        old = {"status": case.status, "outcome": case.outcome, "concluded_on": case.concluded_on,
               "followup_result": case.followup_result, "archived_on": case.archived_on}
        case.status = CaseStatus.IN_PROGRESS.value
        case.reopened_count = (case.reopened_count or 0) + 1
        case.concluded_on = None
        case.on_time = None
        case.outcome = None
        case.outcome_text = ""
        case.followup_result = None
        case.followup_on = None
        case.followup_note = ""
        case.archived_on = None
        _event(s, actor, case, CaseEventKind.REOPENED, at,
               f"重新办理（第 {case.reopened_count} 次）：{why}。办结期限仍为 {_d(case.due_date)}",
               {"reason": why, "previous": old, "due_date_kept": case.due_date})
        _finish(s, actor, case, "reopen", before, at)
        return _fresh(s, case, at.date())


def archive(db: Database, actor: Actor, case_id: int, *, now: datetime | None = None) -> CaseRecord:
    """归档 (Perm.REOPEN_ARCHIVE) of a followed-up case (未能回访 counts as a follow-up)."""
    require(actor, Perm.REOPEN_ARCHIVE)
    with db.write() as s:
        case, at, before = _begin(s, case_id, now)
        _check_step(case, "archive")
        case.status = CaseStatus.ARCHIVED.value
        case.archived_on = at.date()
        _event(s, actor, case, CaseEventKind.ARCHIVED, at, "归档", {})
        _finish(s, actor, case, "archive", before, at)
        return _fresh(s, case, at.date())


def _petitioner(s, case: Case) -> int | None:
    return s.execute(select(Registration.person_id).where(Registration.id == case.registration_id)).scalar()
