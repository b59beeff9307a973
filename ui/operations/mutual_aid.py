"""The mutual-aid ledger 职工互助保障: one function per user action, on ``app.services.mutual_aid``
(plans, enrollment, members, claims, fund, lists).

Call from the GUI thread; the service runs on a worker thread, ``on_done``/``on_error`` come back on
the GUI thread (see ``ui.operations.run``). Writes announce {"mutual_aid"} (and {"people"} when a
roster import adds people). The services check the permission and the record's state and refuse
with a Chinese ``UserError`` (nothing written).
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from ui.operations import OnDone, OnError, Operation, run

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from ui.context import AppContext

CHANGES = {"mutual_aid"}


# The services are imported on the worker thread (importing a widget imports no SQLAlchemy).
def _plans():
    from app.services.mutual_aid import plans
    return plans


def _read(parent: QWidget, work: Callable[[], Any], on_done: OnDone, on_error: OnError) -> Operation:
    return run(parent, lambda _p: work(), on_success=on_done, on_error=on_error)


def _write(parent: QWidget, work: Callable[[], Any], on_done: OnDone, on_error: OnError,
           changes: set[str] = CHANGES) -> Operation:
    return run(parent, lambda _p: work(), on_success=on_done, on_error=on_error, changes=changes)


# ---------------------------------------------------------------- plans 互助计划

def plan_years(parent: QWidget, ctx: AppContext, *, on_done: OnDone = None,
               on_error: OnError = None) -> Operation:
    """The years that have plans, newest first (``list[int]``)."""
    db = ctx.db
    return _read(parent, lambda: _plans().plan_years(db), on_done, on_error)


def list_plans(parent: QWidget, ctx: AppContext, year: int | None, *, on_done: OnDone = None,
               on_error: OnError = None) -> Operation:
    """The plans of ``year`` (None: every year) as ``list[PlanRecord]``."""
    db = ctx.db
    return _read(parent, lambda: _plans().list_plans(db, year), on_done, on_error)


def load_plan(parent: QWidget, ctx: AppContext, plan_id: int, *, on_done: OnDone = None,
              on_error: OnError = None) -> Operation:
    """``(PlanRecord, PlanInput, allowed)``: the plan, its form values (to edit it) and the columns
    that may still change — None: all; else the plan service's own sets (name and note once claims
    exist; those and the benefit parameters once members exist), so the form locks exactly what the
    service would refuse."""
    db = ctx.db

    def work():
        plans = _plans()
        rec = plans.get_plan(db, plan_id)
        return rec, plans.plan_input(rec), plans.changeable_columns(rec.members, rec.claims)
    return _read(parent, work, on_done, on_error)


def new_plan_form(parent: QWidget, ctx: AppContext, year: int, *, on_done: OnDone = None,
                  on_error: OnError = None) -> Operation:
    """A blank ``PlanInput`` for ``year`` with the office's defaults."""
    db = ctx.db
    return _read(parent, lambda: _plans().new_plan_defaults(db, year), on_done, on_error)


def create_plan(parent: QWidget, ctx: AppContext, data, *, on_done: OnDone = None,
                on_error: OnError = None) -> Operation:
    db, actor = ctx.db, ctx.actor
    return _write(parent, lambda: _plans().create_plan(db, actor, data), on_done, on_error)


def update_plan(parent: QWidget, ctx: AppContext, plan_id: int, data, *, on_done: OnDone = None,
                on_error: OnError = None) -> Operation:
    db, actor = ctx.db, ctx.actor
    return _write(parent, lambda: _plans().update_plan(db, actor, plan_id, data), on_done,
                  on_error)


def copy_plans_to_next_year(parent: QWidget, ctx: AppContext, plan_ids: list[int], *,
                            on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """「复制上年计划」: each plan copied to the next year, in its own unit of work. Answers
    ``(copied PlanRecords, [(plan id, UserError)])`` — a plan whose code the next year already
    has is reported, the others are still copied."""
    db, actor = ctx.db, ctx.actor

    def work():
        from app.domain.errors import UserError
        plans = _plans()
        copied, failed = [], []
        for pid in plan_ids:
            try:
                copied.append(plans.copy_to_next_year(db, actor, pid))
            except UserError as e:
                failed.append((pid, e))
        return copied, failed
    return _write(parent, work, on_done, on_error)



# ---------------------------------------------------------------- fund 互助金

def plan_year_fund(parent: QWidget, ctx: AppContext, year: int, *, on_done: OnDone = None,
                   on_error: OnError = None) -> Operation:
    """The fund of each of ``year``'s plans (``list[FundRecord]``: premiums in, benefits out,
    balance, 赔付率), straight from the records."""
    db = ctx.db

    def work():
        from app.services.mutual_aid import fund
        return fund.funds(db, year)
    return _read(parent, work, on_done, on_error)


# ---------------------------------------------------------------- enrollment 参保登记

def _enrollment():
    from app.services.mutual_aid import enrollment
    return enrollment


def check_roster(parent: QWidget, ctx: AppContext, path: str, employer: int | str, plan_id: int, *,
                 on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """Every row of the roster checked, nothing written (``RosterCheck``)."""
    db = ctx.db
    return run(parent, lambda _p: _enrollment().check_roster(db, path, employer=employer, plan=plan_id),
               on_success=on_done, on_error=on_error, progress_label="正在检查参保名单…")


def import_roster(parent: QWidget, ctx: AppContext, path: str, employer: int | str, plan_id: int,
                  paid_on: date | None, payment_ref: str, *, on_done: OnDone = None,
                  on_error: OnError = None) -> Operation:
    """All rows or none (``RosterCheck``); a bad row → ``RosterRejected`` (its ``check`` lists every
    reason). With ``paid_on`` the batch's payment is recorded in the same transaction. Announces
    {"mutual_aid", "people"} (people not registered yet are added)."""
    db, actor = ctx.db, ctx.actor
    return run(parent, lambda _p: _enrollment().import_roster(
        db, actor, path, employer=employer, plan=plan_id, paid_on=paid_on, payment_ref=payment_ref),
        on_success=on_done, on_error=on_error, changes=CHANGES | {"people"},
        progress_label="正在导入参保名单…")


def save_roster_report(parent: QWidget, ctx: AppContext, check, path: str, *, on_done: OnDone = None,
                       on_error: OnError = None) -> Operation:
    """The bad rows of ``check`` as an xlsx, the reason first (answers the number of rows)."""
    return _read(parent, lambda: _enrollment().save_report(check, path), on_done, on_error)


def write_roster_template(parent: QWidget, ctx: AppContext, path: str, plan_name: str, *,
                          on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """The blank roster (姓名, 性别, 身份证号, 份数) saved at ``path``."""
    return _read(parent, lambda: _enrollment().write_template(path, plan_name=plan_name), on_done,
                 on_error)


def list_batches(parent: QWidget, ctx: AppContext, plan_id: int | None, *, on_done: OnDone = None,
                 on_error: OnError = None) -> Operation:
    """The premium batches of a plan (``list[BatchRecord]``, premium total per union)."""
    db = ctx.db
    return _read(parent, lambda: _enrollment().batches(db, plan=plan_id), on_done, on_error)


def record_payment(parent: QWidget, ctx: AppContext, batch_id: int, paid_on: date, paid_fen: int | None,
                   payment_ref: str, *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """The batch's premium received on ``paid_on``: its members' cover dates follow."""
    db, actor = ctx.db, ctx.actor
    return _write(parent, lambda: _enrollment().record_payment(db, actor, batch_id, paid_on,
                                                              paid_fen=paid_fen, payment_ref=payment_ref),
                  on_done, on_error)


# ---------------------------------------------------------------- members 会员

def _members():
    from app.services.mutual_aid import members
    return members


def member_lookup(parent: QWidget, ctx: AppContext, text: str, limit: int = 20, *,
                  on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """Members by ID number (prefix) or name (prefix): ``list[MemberHit]``."""
    db = ctx.db
    return _read(parent, lambda: _members().lookup(db, text, limit), on_done, on_error)


def member_record(parent: QWidget, ctx: AppContext, person_id: int, *, on_done: OnDone = None,
                  on_error: OnError = None) -> Operation:
    """Every plan year of one member (``MemberRecord``): 份, cover dates, claims paid, cap left."""
    db = ctx.db
    return _read(parent, lambda: _members().member_record(db, person_id), on_done, on_error)


def cover_summary(parent: QWidget, ctx: AppContext, person_id: int, *, on_done: OnDone = None,
                  on_error: OnError = None) -> Operation:
    """The person page's 互助保障 lines (``CoverSummary``)."""
    db = ctx.db
    return _read(parent, lambda: _members().cover_summary(db, person_id), on_done, on_error)


# ---------------------------------------------------------------- claims 理赔

def _claims():
    from app.services.mutual_aid import claims
    return claims


def get_plan(parent: QWidget, ctx: AppContext, plan_id: int, *, on_done: OnDone = None,
             on_error: OnError = None) -> Operation:
    """One plan with its rule (``PlanRecord``)."""
    db = ctx.db
    return _read(parent, lambda: _plans().get_plan(db, plan_id), on_done, on_error)


def quote_claim(parent: QWidget, ctx: AppContext, data, *, on_done: OnDone = None,
                on_error: OnError = None) -> Operation:
    """试算: the benefit ``data`` (a ``ClaimInput``) would get now and the rule applied, saving
    nothing (``Quote``); bad input → ValidationError naming the fields."""
    db, actor = ctx.db, ctx.actor
    return _read(parent, lambda: _claims().quote(db, actor, data), on_done, on_error)


def load_claim(parent: QWidget, ctx: AppContext, claim_id: int, *, on_done: OnDone = None,
               on_error: OnError = None) -> Operation:
    db = ctx.db
    return _read(parent, lambda: _claims().get_claim(db, claim_id), on_done, on_error)


def enter_claim(parent: QWidget, ctx: AppContext, data, *, on_done: OnDone = None,
                on_error: OnError = None) -> Operation:
    """Save a claim with its documents and its computed benefit (``ClaimRecord``, 待审批)."""
    db, actor = ctx.db, ctx.actor
    return _write(parent, lambda: _claims().enter_claim(db, actor, data), on_done, on_error)


def update_claim(parent: QWidget, ctx: AppContext, claim_id: int, data, *, on_done: OnDone = None,
                 on_error: OnError = None) -> Operation:
    db, actor = ctx.db, ctx.actor
    return _write(parent, lambda: _claims().update_claim(db, actor, claim_id, data), on_done, on_error)


def add_claim_documents(parent: QWidget, ctx: AppContext, claim_id: int, paths: list[str], *,
                        on_done: OnDone = None, on_error: OnError = None) -> Operation:
    db, actor = ctx.db, ctx.actor
    return _write(parent, lambda: _claims().add_documents(db, actor, claim_id, paths), on_done, on_error)


def approve_claim(parent: QWidget, ctx: AppContext, claim_id: int, note: str, *,
                  on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """A manager approves the benefit (computed again against the term as it is now)."""
    db, actor = ctx.db, ctx.actor
    return _write(parent, lambda: _claims().approve_claim(db, actor, claim_id, note), on_done, on_error)


def refuse_claim(parent: QWidget, ctx: AppContext, claim_id: int, reason: str | None, note: str, *,
                 on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """A manager refuses with a coded reason (None: the computed refusal)."""
    db, actor = ctx.db, ctx.actor
    return _write(parent, lambda: _claims().refuse_claim(db, actor, claim_id, reason, note), on_done,
                  on_error)


def pay_claim(parent: QWidget, ctx: AppContext, claim_id: int, paid_on: date, voucher: str, *,
              on_done: OnDone = None, on_error: OnError = None) -> Operation:
    db, actor = ctx.db, ctx.actor
    return _write(parent, lambda: _claims().pay_claim(db, actor, claim_id, paid_on, voucher), on_done,
                  on_error)


def open_claim_document(parent: QWidget, ctx: AppContext, document_id: int, *,
                        on_error: OnError = None) -> Operation:
    """Open a claim's stored document with the desktop's viewer."""
    db = ctx.db

    def show(path) -> None:
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
    return _read(parent, lambda: _claims().document_file(db, document_id), show, on_error)
