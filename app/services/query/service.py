"""What a ledger's list service provides, so that the generic list page (``ui.widgets.list_page``),
saved filters (``saved_filters``) and export work on it without knowing the ledger.

The filter: a frozen dataclass, registered with ``@register_filter`` (``filters``) under its
``LIST`` name, with ``PERM`` (the ``Perm`` needed to see the list: saved filters require it), every
field with a default (``cls()`` is "everything"), and at least

* ``sort: str`` — a key of the list's sorts (``paging.sort_spec``), defaulting to the usual order;
* ``descending: bool``;
* optionally ``text: str`` (a content search: the page answers it in one ``ListPage(complete=True)``),
  ``period`` / ``date_from`` / ``date_to`` (a ``Period`` code wins over the days; resolve it with
  ``app.domain.periods.resolve_period`` against ``today`` so a saved 本月 stays "this month"),
  ``flags: tuple[str, ...]``; dates are ``date``, everything else JSON-ready (saved filters keep it
  as JSON, ``filters.filter_to_dict``).

The rows: frozen dataclasses with ``id`` and ``key`` (the keyset of the row in the current sort, what
``after``/``before`` get back).

The three calls (each opens its own Session, safe on a worker thread):

* ``page(db, f, *, after=None, before=None, tail=False, limit=PAGE) -> paging.ListPage`` — at most
  ``limit`` rows in display order, by keyset (``paging.paged``), never OFFSET;
* ``count(db, f) -> int`` — the rows ``f`` selects (run in the background, shown when it arrives);
* ``export(db, actor, f, path, *, full_ids=False, progress=None) -> export.ExportResult`` — every row
  in the list's order into an xlsx: write it with ``export.export_table`` (permission, masked or
  audited full ID numbers, title, progress with 取消, audit fingerprint) over
  ``export.every_row(page, db, f)``; optional (a list without export shows no export button);
* ``total(db, f) -> int`` — optional: a money sum (fen) over the rows ``f`` selects, shown in the
  list's footer beside the count (帮扶记录: 金额合计; 理赔: 给付金额合计).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import MISSING, dataclass, fields, is_dataclass
from typing import Any

from .export import ExportResult
from .filters import filter_class
from .paging import ListPage


@dataclass(frozen=True)
class ListService:
    filter_cls: type
    page: Callable[..., ListPage]
    count: Callable[[Any, Any], int]
    export: Callable[..., ExportResult] | None = None
    total: Callable[[Any, Any], int] | None = None

    def __post_init__(self) -> None:
        check_filter_class(self.filter_cls)

    @property
    def name(self) -> str:
        return self.filter_cls.LIST


def check_filter_class(cls: type) -> None:
    """Raise TypeError saying what ``cls`` lacks to be a list filter (see the module docstring)."""
    problems = []
    if not is_dataclass(cls) or not cls.__dataclass_params__.frozen:
        problems.append("not a frozen dataclass")
    else:
        names = {f.name: f for f in fields(cls)}
        for need in ("sort", "descending"):
            if need not in names:
                problems.append(f"no field {need!r}")
        for f in names.values():
            if f.default is MISSING and f.default_factory is MISSING:
                problems.append(f"field {f.name!r} has no default")
    if getattr(cls, "PERM", None) is None:
        problems.append("no PERM (the permission to see the list)")
    name = getattr(cls, "LIST", None)
    if not name:
        problems.append("no LIST name")
    else:
        try:
            if filter_class(name) is not cls:
                problems.append(f"another class is registered for {name!r}")
        except KeyError:
            problems.append(f"not registered (@register_filter) for {name!r}")
    if problems:
        raise TypeError(f"{cls.__name__}: " + "; ".join(problems))
