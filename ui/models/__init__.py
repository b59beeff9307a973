"""Windowed table models over keyset pages (STYLE §4): the model holds the rows the person has
scrolled through, never the whole table and never all ids.

``KeysetModel`` reads pages through a ``fetch(filter, after=, before=, tail=, limit=) -> ListPage``
callable and the total through ``count(filter) -> int``, both run off the GUI thread by
``ui.operations.run``; answers to an older filter are dropped (generation counter).

* ``set_filter(f)`` — reset, read the first page, start counting (``total_changed`` when it arrives).
* ``canFetchMore``/``fetchMore`` — the next page after the last row (views call them on scrolling).
* ``jump_to_end()`` — switch to a tail window: the last page read backwards from the end; scrolling
  up then calls ``fetch_before()`` for the page before the first row.
* ``sort(column, order)`` — columns with a ``sort`` name re-read in that order; others are ignored.
* A content search (the filter's ``text``) comes as one complete page, not counted separately:
  ``total`` is the number of hits. When the search was cut short by its time budget,
  ``searched_back_to`` is the day it got back to and ``continue_search()`` reads the next (older)
  hits and appends them.

Roles: ``ROW_ROLE`` the row dataclass, ``ID_ROLE`` its id, ``DEADLINE_ROLE`` the DeadlineState
code of a case row (None elsewhere); the deadline cells are coloured by ``ForegroundRole``.
Signals come on the GUI thread. Call everything from the GUI thread.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QColor, QFont
from shiboken6 import isValid

from app.domain.case_clock import DeadlineState
from app.services.petitions.search import normalize
from ui.util import DEADLINE_COLOURS

ROW_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2
DEADLINE_ROLE = Qt.ItemDataRole.UserRole + 3
_R = Qt.ItemDataRole
_DISPLAY, _ALIGN, _TOOLTIP, _FOREGROUND, _FONT = (int(r.value) for r in (
    _R.DisplayRole, _R.TextAlignmentRole, _R.ToolTipRole, _R.ForegroundRole, _R.FontRole))
_ROW, _ID, _DEADLINE = int(ROW_ROLE), int(ID_ROLE), int(DEADLINE_ROLE)
_ANSWERED = frozenset({_DISPLAY, _ALIGN, _TOOLTIP, _FOREGROUND, _FONT, _ROW, _ID, _DEADLINE})

DEADLINE_COLORS = {s: QColor(DEADLINE_COLOURS[s]) for s in (DeadlineState.OVERDUE, DeadlineState.DUE_SOON)}
PAGE = 100


@dataclass(frozen=True)
class Col:
    key: str                                  # stable name (column chooser, tests)
    header: str
    get: Callable[[Any], Any]                 # row → display value
    sort: str | None = None                   # sort name understood by the service
    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
    deadline: bool = False                    # coloured by the row's deadline state


def _run(fn, on_success, on_error):
    from ui.operations import run
    return run(None, lambda _p: fn(), on_success=on_success, on_error=on_error)


class KeysetModel(QAbstractTableModel):
    loaded = Signal()                 # a page arrived (first page, next, previous or tail)
    total_changed = Signal(object)    # int, or None while counting
    failed = Signal(object)           # exception from a read

    def __init__(self, columns: list[Col], fetch, count, parent: QObject | None = None, *,
                 page_size: int = PAGE, runner=_run):
        super().__init__(parent)
        self.columns = columns
        self._fetch, self._count, self._runner = fetch, count, runner
        self.page_size = page_size
        self.filter = None
        self.rows: list = []
        self.tail_mode = False
        self.more_after = False
        self.more_before = False
        self.total: int | None = None
        self.loading = False
        self.searched_back_to = None      # date: a content search cut short got back to this day
        self._resume = None               # …and goes on from here (ListPage.resume)
        self._gen = 0
        self._window = 0        # bumped by a jump to the end: a page read before it is stale

    # ------------------------------------------------------------ Qt model

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].header
        return None

    def data(self, index: QModelIndex, role=_DISPLAY):
        # called for every cell and role at each paint: roles compared as plain ints, and the
        # roles no column answers dismissed first
        if role not in _ANSWERED or not index.isValid() or index.row() >= len(self.rows):
            return None
        row, col = self.rows[index.row()], self.columns[index.column()]
        if role == _DISPLAY:
            value = col.get(row)
            return "" if value is None else value if isinstance(value, str) else str(value)
        if role == _ROW:
            return row
        if role == _ID:
            return row.id
        if role == _ALIGN:
            return int(col.align)
        if role == _TOOLTIP:
            return col.get(row) if col.key == "summary" else None
        state = getattr(row, "deadline", None)
        if role == _DEADLINE:
            return state.value if state is not None else None
        if role == _FOREGROUND and col.deadline:
            return DEADLINE_COLORS.get(state)
        if role == _FONT and col.deadline and state in DEADLINE_COLORS:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def canFetchMore(self, parent=QModelIndex()) -> bool:  # noqa: N802
        return not parent.isValid() and not self.tail_mode and self.more_after and not self.loading

    def fetchMore(self, parent=QModelIndex()) -> None:  # noqa: N802
        if not self.canFetchMore(parent) or not self.rows:
            return
        self._read(dict(after=self.rows[-1].key), self._append)

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        name = self.columns[column].sort
        if not name or self.filter is None:
            return
        self.set_filter(replace(self.filter, sort=name,
                                descending=order == Qt.SortOrder.DescendingOrder))

    def sort_column(self) -> int | None:
        """The column the current filter is sorted by (for the header's indicator)."""
        if self.filter is None:
            return None
        for i, c in enumerate(self.columns):
            if c.sort == self.filter.sort:
                return i
        return None

    # ------------------------------------------------------------ loading

    def set_filter(self, f) -> None:
        self._gen += 1
        self.filter = f
        self.beginResetModel()
        self.rows, self.tail_mode, self.more_after, self.more_before = [], False, False, False
        self.loading = False
        self.searched_back_to, self._resume = None, None
        self.endResetModel()
        self.total = None
        self.total_changed.emit(None)
        self._read({}, self._replace)
        if normalize(getattr(f, "text", "")):
            return                      # a content search: the hits are the total
        gen = self._gen
        self._runner(lambda: self._count(f),
                     lambda n: self._counted(gen, n), lambda e: self._failed(gen, e))

    def can_continue_search(self) -> bool:
        return self._resume is not None and not self.loading

    def continue_search(self) -> None:
        """A content search cut short: read the hits older than where it stopped (appended)."""
        if self.can_continue_search():
            self._read(dict(resume=self._resume), self._append_found)

    def refresh(self) -> None:
        if self.filter is not None:
            self.set_filter(self.filter)

    def jump_to_end(self) -> None:
        """Show the last rows (read backwards from the end)."""
        if self.filter is None:
            return
        if not self.tail_mode and not self.more_after:
            self.loaded.emit()          # everything is already here
            return
        self._window += 1               # a next page still on its way must not land on the tail
        self._read(dict(tail=True), self._tail)

    def fetch_before(self) -> None:
        """In the tail window: read the page before the first row."""
        if self.tail_mode and self.more_before and not self.loading and self.rows:
            self._read(dict(before=self.rows[0].key), self._prepend)

    def _read(self, kwargs: dict, apply) -> None:
        self.loading = True
        gen, window, f, size = self._gen, self._window, self.filter, self.page_size
        self._runner(lambda: self._fetch(f, limit=size, **kwargs),
                     lambda page: self._arrived(gen, page, apply, window),
                     lambda e: self._failed(gen, e))

    def _alive(self, gen: int) -> bool:
        return isValid(self) and gen == self._gen

    def _arrived(self, gen: int, page, apply, window: int | None = None) -> None:
        if not self._alive(gen) or (window is not None and window != self._window):
            return
        self.loading = False
        apply(page)
        self.loaded.emit()

    def _failed(self, gen: int, exc: BaseException) -> None:
        if not self._alive(gen):
            return
        self.loading = False
        self.failed.emit(exc)

    def _counted(self, gen: int, n: int) -> None:
        if self._alive(gen):
            self.total = n
            self.total_changed.emit(n)

    def _replace(self, page) -> None:
        self.beginResetModel()
        self.rows = list(page.rows)
        self.tail_mode = False
        self.more_after, self.more_before = page.more, False
        self.endResetModel()
        if page.complete:
            self._found(page)

    def _append_found(self, page) -> None:
        self._append(page)
        self._found(page)

    def _found(self, page) -> None:
        self.searched_back_to, self._resume = page.searched_back_to, page.resume
        self.total = len(self.rows)
        self.total_changed.emit(self.total)

    def _append(self, page) -> None:
        if page.rows:
            first = len(self.rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page.rows) - 1)
            self.rows.extend(page.rows)
            self.endInsertRows()
        self.more_after = page.more

    def _tail(self, page) -> None:
        self.beginResetModel()
        self.rows = list(page.rows)
        self.tail_mode = True
        self.more_after, self.more_before = False, page.more
        self.endResetModel()

    def _prepend(self, page) -> None:
        if page.rows:
            self.beginInsertRows(QModelIndex(), 0, len(page.rows) - 1)
            self.rows[:0] = page.rows
            self.endInsertRows()
        self.more_before = page.more

    # ------------------------------------------------------------ helpers

    def row_at(self, r: int):
        return self.rows[r] if 0 <= r < len(self.rows) else None

    def column_index(self, key: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.key == key)
