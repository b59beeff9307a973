"""The hardship ledger 困难职工帮扶: one function per user action, on ``app.services.hardship``
(files, payments, funds).

Call from the GUI thread; the service runs on a worker thread, ``on_done``/``on_error`` come back on
the GUI thread (see ``ui.operations.run``). Writes announce {"hardship"} (and {"audit"}); the
service checks the permission, the workflow table and every field, and refuses with a Chinese
``UserError`` (nothing written). The services are imported on the worker thread, so importing a
page never imports SQLAlchemy.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ui.operations import OnDone, OnError, Operation, run

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from ui.context import AppContext

CHANGES = {"hardship", "audit"}


def _files():
    from app.services.hardship import files
    return files


def _funds():
    from app.services.hardship import funds
    return funds


def _payments():
    from app.services.hardship import payments
    return payments


def _read(parent: QWidget, call: Callable[[], Any], on_done: OnDone, on_error: OnError) -> Operation:
    return run(parent, lambda _p: call(), on_success=on_done, on_error=on_error)


def _write(parent: QWidget, call: Callable[[], Any], on_done: OnDone, on_error: OnError,
           changes: set[str] | None = None) -> Operation:
    return run(parent, lambda _p: call(), on_success=on_done, on_error=on_error,
               changes=changes or CHANGES)


# ================================================================ files 档案

def load_file(parent: QWidget, ctx: AppContext, file_id: int, today: date | None = None,
              *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """The ``FileRecord`` with members, timeline, reviews, materials and each step's refusal."""
    db = ctx.db
    return _read(parent, lambda: _files().get_file_record(db, file_id, today), on_done, on_error)


def file_of_person(parent: QWidget, ctx: AppContext, person_id: int,
                   *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """The person's open file (else their newest closed one, else None)."""
    db = ctx.db
    return _read(parent, lambda: _files().file_of_person(db, person_id), on_done, on_error)


def propose_category(parent: QWidget, ctx: AppContext, data: Any,
                     *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """The category the form's numbers propose, with its formula (nothing saved)."""
    db = ctx.db
    return _read(parent, lambda: _files().propose_category(db, data), on_done, on_error)


def save_file(parent: QWidget, ctx: AppContext, file_id: int | None, data: Any, category: Any,
              override_reason: str, *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """申请 (a new file) or a correction of a file under review, with the clerk's category."""
    db, actor = ctx.db, ctx.actor

    def call():
        files = _files()
        if file_id is None:
            return files.create_file(db, actor, data, category=category,
                                     override_reason=override_reason)
        return files.update_file(db, actor, file_id, data, category=category,
                                 override_reason=override_reason)
    return _write(parent, call, on_done, on_error)


def update_contact(parent: QWidget, ctx: AppContext, file_id: int, *, bank_name: str,
                   bank_account: str | None, address: str, phone: str, note: str,
                   on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """Contact, bank details and note of a file (``bank_account`` None: unchanged)."""
    db, actor = ctx.db, ctx.actor
    return _write(parent, lambda: _files().update_contact(
        db, actor, file_id, bank_name=bank_name, bank_account=bank_account, address=address,
        phone=phone, note=note), on_done, on_error)


def confirm_category(parent: QWidget, ctx: AppContext, file_id: int, category: Any, reason: str,
                     *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    db, actor = ctx.db, ctx.actor
    return _write(parent, lambda: _files().confirm_category(db, actor, file_id, category, reason),
                  on_done, on_error)


def screen(parent: QWidget, ctx: AppContext, file_id: int, *, on: date, opinion: str,
           on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """初审."""
    db, actor = ctx.db, ctx.actor
    return _write(parent, lambda: _files().screen(db, actor, file_id, opinion, on=on),
                  on_done, on_error)


def investigate(parent: QWidget, ctx: AppContext, file_id: int, *, on: date, investigators: str,
                findings: str, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """入户调查."""
    db, actor = ctx.db, ctx.actor
    return _write(parent, lambda: _files().investigate(
        db, actor, file_id, investigators=investigators, findings=findings, on=on),
        on_done, on_error)


def default_publicity_end(parent: QWidget, ctx: AppContext, start: date,
                          *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """The last day of a 公示 starting on ``start`` (the office's working days, the calendar)."""
    db = ctx.db
    return _read(parent, lambda: _files().default_publicity_end(db, start), on_done, on_error)


def start_publicity(parent: QWidget, ctx: AppContext, file_id: int, *, start: date, end: date,
                    on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """公示 from ``start`` to ``end``."""
    db, actor = ctx.db, ctx.actor
    return _write(parent, lambda: _files().start_publicity(db, actor, file_id, start=start, end=end),
                  on_done, on_error)


def record_objection(parent: QWidget, ctx: AppContext, file_id: int, *, objection: str,
                     result: str, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """公示异议 and/or its result (blank leaves one as it is)."""
    db, actor = ctx.db, ctx.actor
    return _write(parent, lambda: _files().record_objection(
        db, actor, file_id, objection=objection or None, result=result or None), on_done, on_error)


def approve_file(parent: QWidget, ctx: AppContext, file_id: int, *, on: date,
                 on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """审批建档 (负责人)."""
    db, actor = ctx.db, ctx.actor
    return _write(parent, lambda: _files().approve_file(db, actor, file_id, on=on), on_done, on_error)


def send_back(parent: QWidget, ctx: AppContext, file_id: int, *, reason: str,
              on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """退回 with a reason."""
    db, actor = ctx.db, ctx.actor
    return _write(parent, lambda: _files().send_back(db, actor, file_id, reason), on_done, on_error)


def reject_file(parent: QWidget, ctx: AppContext, file_id: int, *, reason: str,
                on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """不予建档 (负责人)."""
    db, actor = ctx.db, ctx.actor
    return _write(parent, lambda: _files().reject_file(db, actor, file_id, reason), on_done, on_error)


def review_file(parent: QWidget, ctx: AppContext, file_id: int, *, reviewed_on: date, reviewer: str,
                household_income: str, rigid_annual: str, household_size: int, decision: str,
                category: str | None, closure_reason: str | None, reason: str,
                next_due: date | None, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """复核."""
    db, actor = ctx.db, ctx.actor

    def call():
        files = _files()
        return files.review_file(db, actor, file_id, files.ReviewInput(
            reviewed_on=reviewed_on, reviewer=reviewer, household_income=household_income,
            rigid_annual=rigid_annual, household_size=household_size, decision=decision,
            category=category, closure_reason=closure_reason, reason=reason, next_due=next_due))
    return _write(parent, call, on_done, on_error)


def change_category(parent: QWidget, ctx: AppContext, file_id: int, *, category: str, reason: str,
                    on: date, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """类别变更."""
    db, actor = ctx.db, ctx.actor
    return _write(parent, lambda: _files().change_category(db, actor, file_id, category, reason, on=on),
                  on_done, on_error)


def close_file(parent: QWidget, ctx: AppContext, file_id: int, *, reason: str, note: str, on: date,
               on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """出档: 脱困 / 解困 / 撤档, with a reason from the list."""
    db, actor = ctx.db, ctx.actor
    return _write(parent, lambda: _files().close_file(db, actor, file_id, reason, note, on=on),
                  on_done, on_error)


def add_materials(parent: QWidget, ctx: AppContext, file_id: int, kind: str, paths: list[str],
                  *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """Attach scanned materials of one kind, all or none."""
    db, actor = ctx.db, ctx.actor
    return run(parent, lambda _p: _files().add_materials(db, actor, file_id, kind, paths),
               on_success=on_done, on_error=on_error, changes=CHANGES,
               progress_label="正在保存材料…")


def open_material(parent: QWidget, ctx: AppContext, material_id: int,
                  *, on_error: OnError = None) -> Operation:
    """Find the stored copy of a material (background) and open it with the system's viewer."""
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices
    db = ctx.db
    return _read(parent, lambda: _files().material_file(db, material_id),
                 lambda path: QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(path)))),
                 on_error)


def load_hardship_desk(parent: QWidget, ctx: AppContext, today: date,
                       *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """The 工作台's two lists: (files overdue for review, files where 脱困 is proposed)."""
    db = ctx.db

    def call():
        files = _files()
        return files.overdue_reviews(db, today), files.out_of_poverty_proposals(db, today)
    return _read(parent, call, on_done, on_error)


# ================================================================ funds 资金

def load_funds(parent: QWidget, ctx: AppContext, *, include_inactive: bool = True,
               on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """Every fund with its totals (``list[FundRecord]``)."""
    db = ctx.db
    return _read(parent, lambda: _funds().list_funds(db, include_inactive=include_inactive),
                 on_done, on_error)


def load_allocations(parent: QWidget, ctx: AppContext, fund_id: int | None,
                     date_from: date | None = None, date_to: date | None = None,
                     *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """Allocations 拨入, newest first."""
    db = ctx.db
    return _read(parent, lambda: _funds().allocations(db, fund_id, date_from, date_to),
                 on_done, on_error)


def load_ledger(parent: QWidget, ctx: AppContext, date_from: date, date_to: date,
                *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """期初/拨入/支出/期末 per fund for the period (``FundLedger``)."""
    db = ctx.db
    return _read(parent, lambda: _funds().ledger(db, date_from, date_to), on_done, on_error)


def create_fund(parent: QWidget, ctx: AppContext, *, name: str, note: str,
                on_done: OnDone = None, on_error: OnError = None) -> Operation:
    db, actor = ctx.db, ctx.actor
    return _write(parent, lambda: _funds().create_fund(db, actor, name, note), on_done, on_error)


def update_fund(parent: QWidget, ctx: AppContext, fund_id: int, *, name: str, note: str,
                active: bool, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    db, actor = ctx.db, ctx.actor
    return _write(parent, lambda: _funds().update_fund(db, actor, fund_id, name=name, note=note,
                                                       active=active), on_done, on_error)


def allocate(parent: QWidget, ctx: AppContext, fund_id: int, *, amount: str, allocated_on: date,
             doc_no: str, note: str, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """拨入 with its document number and date."""
    db, actor = ctx.db, ctx.actor
    return _write(parent, lambda: _funds().allocate(db, actor, fund_id, amount, allocated_on, doc_no,
                                                    note), on_done, on_error)


# ================================================================ payments 帮扶记录

def load_payment(parent: QWidget, ctx: AppContext, payment_id: int,
                 *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    db = ctx.db
    return _read(parent, lambda: _payments().get_payment_record(db, payment_id), on_done, on_error)


def payments_of_file(parent: QWidget, ctx: AppContext, file_id: int,
                     *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """The file's assistance records (``list[PaymentRecord]``)."""
    db = ctx.db
    return _read(parent, lambda: _payments().payments_of_file(db, file_id), on_done, on_error)


def person_summary(parent: QWidget, ctx: AppContext, person_id: int,
                   *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """A person's file and payments (``HardshipSummary``), for the person page and the side panel."""
    db = ctx.db
    return _read(parent, lambda: _payments().person_summary(db, person_id), on_done, on_error)


def remaining_cap(parent: QWidget, ctx: AppContext, kind: str, year: int, *, file_id: int | None,
                  person_id: int | None, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """What is left of ``kind``'s yearly cap for the household (or the person, 临时救助): ``CapInfo``."""
    db = ctx.db
    return _read(parent, lambda: _payments().remaining_cap(db, kind, year, file_id=file_id,
                                                           person_id=person_id), on_done, on_error)


def propose_payment(parent: QWidget, ctx: AppContext, data: Any, *, acknowledge: bool,
                    on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """申请帮扶. The same kind twice in a month comes back as ``SameMonthWarning`` unless
    ``acknowledge``."""
    db, actor = ctx.db, ctx.actor
    return _write(parent, lambda: _payments().propose(db, actor, data, acknowledge=acknowledge),
                  on_done, on_error)


def approve_payment(parent: QWidget, ctx: AppContext, payment_id: int,
                    *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """批准 (负责人)."""
    db, actor = ctx.db, ctx.actor
    return _write(parent, lambda: _payments().approve(db, actor, payment_id), on_done, on_error)


def refuse_payment(parent: QWidget, ctx: AppContext, payment_id: int, *, reason: str,
                   on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """不予批准 with a reason (负责人)."""
    db, actor = ctx.db, ctx.actor
    return _write(parent, lambda: _payments().refuse(db, actor, payment_id, reason), on_done, on_error)


def pay_payment(parent: QWidget, ctx: AppContext, payment_id: int, *, paid_on: date, method: str,
                voucher_no: str, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """登记发放: date, method 打卡/现金, voucher number."""
    db, actor = ctx.db, ctx.actor
    return _write(parent, lambda: _payments().pay(db, actor, payment_id, paid_on=paid_on,
                                                  method=method, voucher_no=voucher_no),
                  on_done, on_error)
