"""What every list's export shares: ``export_table`` (the permission, full ID numbers only for the
roles the office allows and then audited, the title saying what the filter selected, progress
with 取消, the audit fingerprint under the table), ``every_row`` (all rows of a filter through the
list's page function), the result, and the small helpers of the column specs. The spreadsheet
itself is written by ``app.output.excel``.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from app.db import Database
from app.domain.actor import Actor


@dataclass(frozen=True)
class ExportResult:
    path: str
    rows: int
    full_ids: bool


def yesno(flag: bool) -> str:
    return "是" if flag else ""


def ticking(rows: list, tick: Callable[[int], None]) -> Iterator:
    """The rows, then one ``tick`` with their number (progress for rows already read)."""
    yield from rows
    tick(len(rows))


def full_ids_allowed(db: Database, actor: Actor) -> bool:
    """Whether ``actor`` may export full ID numbers (office setting ``export.full_id_roles``,
    default 负责人)."""
    from app.domain.permissions import FULL_ID_ROLES_KEY, may_export_full_ids

    from .. import settings as settings_service
    return may_export_full_ids(actor.role, settings_service.get(db, FULL_ID_ROLES_KEY))


def every_row(page: Callable[..., Any], db: Database, f: Any, *, page_size: int = 500,
              progress: Callable[[int], None] | None = None, **kw: Any) -> Iterator:
    """Every row ``f`` selects, in the list's order, read page by page through the list's
    ``page(db, f, after=, limit=, **kw)`` (``ListService.page``); ``progress(rows so far)`` after
    each page (it may raise ``Cancelled``)."""
    after, done = None, 0
    while True:
        p = page(db, f, after=after, limit=page_size, **kw)
        yield from p.rows
        done += len(p.rows)
        if progress is not None:
            progress(done)
        if p.complete or not p.more or not p.rows:
            return
        after = p.rows[-1].key


def export_table(db: Database, actor: Actor, f: Any, path: str | Path, *, perm: Any, name: str,
                 columns: Callable[[bool], list[tuple[Any, Callable[[Any], Any]]]],
                 count: Callable[[], int], rows: Callable[[Callable[[int], None]], Iterable],
                 words: Callable[[], str], today: date, full_ids: bool = False,
                 progress: Callable[[float, str], None] | None = None) -> ExportResult:
    """A list's rows into an xlsx file (worker thread), the one way every list exports.

    ``perm`` is required of ``actor``. ``columns(full_ids)`` gives ``(excel.Column, row → value)``
    pairs (masked ID numbers unless ``full_ids``); ``count()`` the number of rows; ``rows(tick)``
    the rows, calling ``tick(rows so far)``; ``words()`` what the filter selected, in the filter
    bar's labels (「全部记录」 when nothing). Full ID numbers only for a role the office allows
    (``full_ids_allowed``; else masked and ``ExportResult.full_ids`` False); such an export is
    audited once the file is complete. ``progress(frac, message)`` may raise ``Cancelled``: then
    no file is left and nothing is audited. The sheet is titled ``name``."""
    from app.output.excel import write_table

    from .. import audit
    from ..access import check_account, require
    require(actor, perm)
    full_ids = bool(full_ids) and full_ids_allowed(db, actor)
    if full_ids:        # the file exists before its audit row: a revoked account gets no file
        with db.read() as s:
            check_account(s, actor)
    spec = columns(full_ids)
    total = count()
    selected = words()
    title = f"{name}（导出于 {today.isoformat()}，共 {total} 条）　筛选条件：{selected}"

    def tick(done: int) -> None:
        if progress is not None:
            progress(done / total if total else 1.0, f"已导出 {done} / {total} 条")

    values = ([get(r) for _c, get in spec] for r in rows(tick))
    n = write_table(path, title, [c for c, _g in spec], values, sheet_title=name,
                    footer=f"审计指纹：{audit.fingerprint(db)}")
    if full_ids:
        from .filters import filter_to_dict
        with db.write() as s:
            audit.record(s, actor, "export", f.LIST, "export_full_ids", None,
                         {"rows": n, "file": str(path), "filter": filter_to_dict(f),
                          "filter_text": selected})
    return ExportResult(str(path), n, full_ids)
