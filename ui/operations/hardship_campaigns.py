"""Campaigns 帮扶活动 of the hardship ledger: one function per user action on
``app.services.hardship.campaigns``.

Call from the GUI thread; the service runs on a worker thread and ``on_done``/``on_error`` come back
on the GUI thread (``ui.operations.run``). Writes announce {"hardship", "audit"}. The service checks
the permission and every rule and refuses with a Chinese ``UserError`` (nothing written); the xlsx
list is read on the worker thread too.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ui.operations import OnDone, OnError, Operation, run

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from ui.context import AppContext

CHANGES = {"hardship", "audit"}


def _c():
    from app.services.hardship import campaigns
    return campaigns


@dataclass(frozen=True)
class FormChoices:
    funds: tuple[tuple[int, str, int], ...]      # (id, name, available fen) of the active funds
    streets: tuple[str, ...]                      # streets of the employers of filed households


@dataclass(frozen=True)
class Loaded:
    detail: Any                                   # campaigns.CampaignDetail
    sheets: tuple[Any, ...]                       # campaigns.SheetRecord


def list_campaigns(parent: QWidget, ctx: AppContext, *, on_done: OnDone = None,
                   on_error: OnError = None) -> Operation:
    db = ctx.db
    return run(parent, lambda _p: _c().list_campaigns(db), on_success=on_done, on_error=on_error)


def form_choices(parent: QWidget, ctx: AppContext, *, on_done: OnDone = None,
                 on_error: OnError = None) -> Operation:
    db = ctx.db

    def work(_p):
        from app.services.hardship import funds
        return FormChoices(tuple((f.id, f.name, f.available_fen) for f in funds.list_funds(db, include_inactive=False)),
                           tuple(_c().filed_streets(db)))
    return run(parent, work, on_success=on_done, on_error=on_error)


def load_campaign(parent: QWidget, ctx: AppContext, campaign_id: int, *, on_done: OnDone = None,
                  on_error: OnError = None) -> Operation:
    db = ctx.db

    def work(_p):
        c = _c()
        return Loaded(c.campaign_detail(db, campaign_id), tuple(c.sheets(db, campaign_id)))
    return run(parent, work, on_success=on_done, on_error=on_error)


def create_campaign(parent: QWidget, ctx: AppContext, data: Any, selection: Any, *,
                    list_path: str | None = None, override_reason: str = "",
                    on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """``selection``: a ``HouseholdFilter``; or ``list_path``: an xlsx list read on the worker."""
    db, actor = ctx.db, ctx.actor

    def work(progress):
        c = _c()
        chosen = selection
        if list_path:
            progress(0.1, "正在读取名单…")
            chosen = c.read_list(list_path, data.kind)
        progress(0.3, "正在生成帮扶名单…")
        return c.create_campaign(db, actor, data, chosen, override_reason=override_reason)
    return run(parent, work, on_success=on_done, on_error=on_error, changes=CHANGES,
               progress_label="正在创建帮扶活动…")


def approve_campaign(parent: QWidget, ctx: AppContext, campaign_id: int, *, on_done: OnDone = None,
                     on_error: OnError = None) -> Operation:
    db, actor = ctx.db, ctx.actor
    return run(parent, lambda _p: _c().approve_campaign(db, actor, campaign_id), on_success=on_done,
               on_error=on_error, changes=CHANGES, progress_label="正在审批并生成签领表…")


def sheet_pdf(parent: QWidget, ctx: AppContext, sheet_id: int, *, on_done: OnDone = None,
              on_error: OnError = None) -> Operation:
    """The 签领表 PDF (bytes) from its snapshot, in the office's font as the notices use."""
    db = ctx.db

    def work(_p):
        from app.services import settings
        font = settings.get(db, "office.notice_font") or None
        return _c().sheet_pdf(db, sheet_id, font)
    return run(parent, work, on_success=on_done, on_error=on_error, progress_label="正在生成签领表…")


def save_sheet_xlsx(parent: QWidget, ctx: AppContext, sheet_id: int, path: str, *,
                    on_done: OnDone = None, on_error: OnError = None) -> Operation:
    db = ctx.db
    return run(parent, lambda _p: _c().sheet_xlsx(db, sheet_id, path), on_success=on_done,
               on_error=on_error, progress_label="正在导出签领表…")


def record_sheet_paid(parent: QWidget, ctx: AppContext, sheet_id: int, paid_on: Any, method: str,
                      voucher_no: str, *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    db, actor = ctx.db, ctx.actor
    return run(parent, lambda _p: _c().record_sheet_paid(db, actor, sheet_id, paid_on, method, voucher_no),
               on_success=on_done, on_error=on_error, changes=CHANGES)


def remove_from_campaign(parent: QWidget, ctx: AppContext, campaign_id: int, payment_ids: list[int], *,
                         on_done: OnDone = None, on_error: OnError = None) -> Operation:
    db, actor = ctx.db, ctx.actor
    return run(parent, lambda _p: _c().remove_from_campaign(db, actor, campaign_id, payment_ids),
               on_success=on_done, on_error=on_error, changes=CHANGES)
