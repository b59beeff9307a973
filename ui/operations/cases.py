"""Case handling (案件办理): one function per user action, on ``app.services.petitions.cases``.

Call from the GUI thread; the service runs on a worker thread, ``on_done``/``on_error`` come back on
the GUI thread (see ``ui.operations.run``). Every step answers the new ``CaseRecord`` and announces
{"cases"}; the service checks the permission and the case's state and refuses an illegal step with
a Chinese ``UserError`` (nothing written).
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from ui.operations import OnDone, OnError, Operation, run

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from app.db import Database
    from app.domain.actor import Actor
    from ui.context import AppContext

CHANGES = {"cases"}


def _cases():
    from app.services.petitions import cases
    return cases


def _step(parent: QWidget, ctx: AppContext, call: Callable[[Any, Database, Actor], Any],
          on_done: OnDone, on_error: OnError) -> Operation:
    """``call(cases_service, db, actor)`` on a worker thread, announcing {"cases"}."""
    db, actor = ctx.db, ctx.actor
    return run(parent, lambda _p: call(_cases(), db, actor), on_success=on_done, on_error=on_error,
               changes=CHANGES)


# ---------------------------------------------------------------- reading

def load_case(parent: QWidget, ctx: AppContext, case_id: int,
              *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """Answers ``(CaseRecord, timeline, attachments of its registration)``."""
    db = ctx.db

    def work(_p):
        from app.services import attachments
        cases = _cases()
        rec = cases.get_case(db, case_id)
        return rec, cases.timeline(db, case_id), attachments.attachments(db, rec.registration_id)
    return run(parent, work, on_success=on_done, on_error=on_error)


def list_handlers(parent: QWidget, ctx: AppContext,
                  *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """The accounts a case can be assigned to: ``[(user id, display name)]``."""
    db = ctx.db
    return run(parent, lambda _p: _cases().handlers(db), on_success=on_done, on_error=on_error)


# ---------------------------------------------------------------- steps

def assign(parent: QWidget, ctx: AppContext, case_id: int, *, kind: str, handler_id: int | None,
           assignee_name: str, feedback_due: date | None, note: str,
           on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """交办 / 改派."""
    return _step(parent, ctx, lambda c, db, actor: c.assign(
        db, actor, case_id, kind=kind, handler_id=handler_id, assignee_name=assignee_name,
        feedback_due=feedback_due, note=note), on_done, on_error)


def add_note(parent: QWidget, ctx: AppContext, case_id: int, text: str,
             *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """记录进展."""
    return _step(parent, ctx, lambda c, db, actor: c.add_note(db, actor, case_id, text),
                 on_done, on_error)


def add_measure(parent: QWidget, ctx: AppContext, case_id: int, measure: str | None, text: str,
                lawyer: str, mediation_result: str, amount: str = "", aid_kind: str | None = None,
                aid_fund_id: int | None = None,
                *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """办理措施. 经济帮扶 (``amount``, ``aid_kind``, ``aid_fund_id``) also proposes an assistance
    record of the hardship ledger for the petitioner, linked both ways (announces {"hardship"})."""
    db, actor = ctx.db, ctx.actor
    return run(parent, lambda _p: _cases().add_measure(
        db, actor, case_id, measure, text, lawyer=lawyer, mediation_result=mediation_result,
        amount=amount or None, aid_kind=aid_kind, aid_fund_id=aid_fund_id),
        on_success=on_done, on_error=on_error, changes=CHANGES | {"hardship"})


def record_result(parent: QWidget, ctx: AppContext, case_id: int, recovered: Any, workers: Any,
                  *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """追回金额 (yuan text) and 受益职工人数."""
    return _step(parent, ctx,
                 lambda c, db, actor: c.record_result(db, actor, case_id, recovered, workers),
                 on_done, on_error)


def request_extension(parent: QWidget, ctx: AppContext, case_id: int, reason: str,
                      *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """申请延期."""
    return _step(parent, ctx, lambda c, db, actor: c.request_extension(db, actor, case_id, reason),
                 on_done, on_error)


def decide_extension(parent: QWidget, ctx: AppContext, case_id: int, approve: bool, note: str,
                     *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """审批延期."""
    return _step(parent, ctx, lambda c, db, actor: c.decide_extension(
        db, actor, case_id, approve=approve, note=note), on_done, on_error)


def suspend(parent: QWidget, ctx: AppContext, case_id: int, reason: str | None, note: str,
            *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """中止办理 from today."""
    return _step(parent, ctx, lambda c, db, actor: c.suspend(db, actor, case_id, reason, note),
                 on_done, on_error)


def resume(parent: QWidget, ctx: AppContext, case_id: int, note: str,
           *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """恢复办理 from today."""
    return _step(parent, ctx, lambda c, db, actor: c.resume(db, actor, case_id, note=note),
                 on_done, on_error)


def set_flags(parent: QWidget, ctx: AppContext, case_id: int, supervised: bool, focus: bool,
              leader_in_charge: str, *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """督办 / 重点关注 / 包案领导."""
    return _step(parent, ctx, lambda c, db, actor: c.set_flags(
        db, actor, case_id, supervised=supervised, focus=focus, leader_in_charge=leader_in_charge),
        on_done, on_error)


def conclude(parent: QWidget, ctx: AppContext, case_id: int, outcome: str | None, outcome_text: str,
             *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """办结."""
    return _step(parent, ctx,
                 lambda c, db, actor: c.conclude(db, actor, case_id, outcome, outcome_text),
                 on_done, on_error)


def follow_up(parent: QWidget, ctx: AppContext, case_id: int, result: str | None, note: str,
              *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """回访."""
    return _step(parent, ctx, lambda c, db, actor: c.follow_up(db, actor, case_id, result, note),
                 on_done, on_error)


def reopen(parent: QWidget, ctx: AppContext, case_id: int, reason: str,
           *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """重新办理."""
    return _step(parent, ctx, lambda c, db, actor: c.reopen(db, actor, case_id, reason),
                 on_done, on_error)


def archive(parent: QWidget, ctx: AppContext, case_id: int,
            *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """归档."""
    return _step(parent, ctx, lambda c, db, actor: c.archive(db, actor, case_id),
                 on_done, on_error)
