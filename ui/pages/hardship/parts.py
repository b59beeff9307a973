"""Small widgets the hardship pages and dialogs share: an editable table whose rows check
themselves (the family members, with the ID number's check digit verified as typed) and the step
buttons enabled from a workflow table. GUI thread only.

Nothing here reads the database; the values go to the services through ``ui.operations.hardship``
and the service checks everything again.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDateEdit, QHBoxLayout, QLabel,
                               QPushButton, QStyledItemDelegate, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from app.domain.errors import UserError
from app.domain.money import format_yuan, to_decimal
from ui.util import ERROR_STYLE, qdate

ROW_ERROR_COLOUR = QColor("#fdecea")
VALUE_ROLE = Qt.ItemDataRole.UserRole + 1


# ---------------------------------------------------------------- editable rows

@dataclass(frozen=True)
class Column:
    key: str
    header: str
    choices: Sequence[tuple[str, str]] = ()     # (code, label): edited with a combo box
    width: int = 90
    check: Callable[[str], str | None] | None = None   # text → what is wrong, or None


class _ChoiceDelegate(QStyledItemDelegate):
    """A combo box for a column with choices; the cell keeps the code in VALUE_ROLE."""

    def __init__(self, choices: Sequence[tuple[str, str]], parent=None):
        super().__init__(parent)
        self.choices = list(choices)

    def createEditor(self, parent, _option, _index):  # noqa: N802
        combo = QComboBox(parent)
        combo.addItem("", None)
        for code, label in self.choices:
            combo.addItem(label, code)
        return combo

    def setEditorData(self, editor, index) -> None:  # noqa: N802
        i = editor.findData(index.data(VALUE_ROLE))
        editor.setCurrentIndex(max(0, i))

    def setModelData(self, editor, model, index) -> None:  # noqa: N802
        model.setData(index, editor.currentText(), Qt.ItemDataRole.DisplayRole)
        model.setData(index, editor.currentData(), VALUE_ROLE)


class RowsTable(QWidget):
    """An editable table of rows (dicts keyed by the columns' ``key``) with 添加一行 / 删除所选行.

    A column with ``check`` is checked whenever a cell changes: a problem paints the row and puts
    the reason in the cell's tooltip and in ``row_errors`` (row index → text), shown under the
    table. ``mark_errors`` shows the service's errors the same way. ``changed`` after every edit.
    """

    changed = Signal()

    def __init__(self, columns: Sequence[Column], add_label: str = "添加一行",
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.columns = list(columns)
        self.row_errors: dict[int, str] = {}
        self.row_map: list[int] = []     # rows(): the table row of each value returned
        self.table = QTableWidget(0, len(self.columns))
        self.table.setHorizontalHeaderLabels([c.header for c in self.columns])
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        for i, c in enumerate(self.columns):
            self.table.setColumnWidth(i, c.width)
            if c.choices:
                self.table.setItemDelegateForColumn(i, _ChoiceDelegate(c.choices, self.table))
        self.add_button = QPushButton(self.tr(add_label))
        self.remove_button = QPushButton(self.tr("删除所选行"))
        self.add_button.setAutoDefault(False)
        self.remove_button.setAutoDefault(False)
        self.add_button.clicked.connect(lambda: self.add_row())
        self.remove_button.clicked.connect(self.remove_selected)
        self.error_label = QLabel()
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error_label)
        layout.addLayout(buttons)
        self._filling = False
        self.table.itemChanged.connect(self._item_changed)

    def column_index(self, key: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.key == key)

    def set_read_only(self, read_only: bool) -> None:
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers if read_only
                                   else QAbstractItemView.EditTrigger.AllEditTriggers)
        self.add_button.setEnabled(not read_only)
        self.remove_button.setEnabled(not read_only)

    # ------------------------------------------------------------ values

    def add_row(self, values: dict[str, Any] | None = None) -> int:
        values = values or {}
        r = self.table.rowCount()
        self._filling = True
        try:
            self.table.insertRow(r)
            for i, c in enumerate(self.columns):
                self.table.setItem(r, i, self._item(c, values.get(c.key)))
        finally:
            self._filling = False
        self._check_row(r)
        self.changed.emit()
        return r

    def _item(self, c: Column, value: Any) -> QTableWidgetItem:
        item = QTableWidgetItem()
        if c.choices:
            label = dict(c.choices).get(value, "" if value is None else str(value))
            item.setData(Qt.ItemDataRole.DisplayRole, label)
            item.setData(VALUE_ROLE, value)
        else:
            item.setData(Qt.ItemDataRole.DisplayRole, "" if value is None else str(value))
        return item

    def set_rows(self, rows: Sequence[dict[str, Any]]) -> None:
        self._filling = True
        try:
            self.table.setRowCount(0)
        finally:
            self._filling = False
        self.row_errors.clear()
        for values in rows:
            self.add_row(values)
        self._show_errors()
        self.changed.emit()

    def set_cell(self, row: int, key: str, value: Any) -> None:
        """Put ``value`` (a code for a column with choices) in a cell, as an edit would."""
        c = self.columns[self.column_index(key)]
        item = self._item(c, value)
        self.table.setItem(row, self.column_index(key), item)

    def cell(self, row: int, key: str) -> Any:
        c = self.columns[self.column_index(key)]
        item = self.table.item(row, self.column_index(key))
        if item is None:
            return None if c.choices else ""
        if c.choices:
            return item.data(VALUE_ROLE)
        return (item.text() or "").strip()

    def rows(self) -> list[dict[str, Any]]:
        """Every row that is not wholly blank, in table order (``row_map`` says which table row
        each came from, so that the service's 「第2行」 finds its row)."""
        out, self.row_map = [], []
        for r in range(self.table.rowCount()):
            values = {c.key: self.cell(r, c.key) for c in self.columns}
            if any(v not in (None, "") for v in values.values()):
                out.append(values)
                self.row_map.append(r)
        return out

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True)
        if not rows and self.table.currentRow() >= 0:
            rows = [self.table.currentRow()]
        for r in rows:
            self.table.removeRow(r)
        self.row_errors.clear()
        for r in range(self.table.rowCount()):
            self._check_row(r)
        self.changed.emit()

    # ------------------------------------------------------------ checking

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling:
            return
        self._check_row(item.row())
        self.changed.emit()

    def _check_row(self, r: int) -> None:
        problems = []
        for i, c in enumerate(self.columns):
            item = self.table.item(r, i)
            if item is None:
                continue
            text = (item.text() or "").strip()
            why = c.check(text) if c.check is not None and text else None
            self._filling = True
            try:
                item.setToolTip(why or "")
            finally:
                self._filling = False
            if why:
                problems.append(f"{c.header}：{why}")
        self._paint_row(r, "；".join(problems) or None)

    def _paint_row(self, r: int, why: str | None) -> None:
        if why:
            self.row_errors[r] = why
        else:
            self.row_errors.pop(r, None)
        self._filling = True
        try:
            for i in range(self.table.columnCount()):
                item = self.table.item(r, i)
                if item is not None:
                    item.setBackground(QBrush(ROW_ERROR_COLOUR) if why else QBrush())
        finally:
            self._filling = False
        self._show_errors()

    def mark_errors(self, errors: dict[int, str]) -> None:
        """Row index → problem (from the service): painted like a problem found while typing."""
        for r, why in errors.items():
            if 0 <= r < self.table.rowCount():
                self._paint_row(r, why)

    def take_row_errors(self, errors: Sequence[tuple[str, str]], pattern: str
                        ) -> list[tuple[str, str]]:
        """Paint the service's errors whose field matches ``pattern`` (group 1: the n-th row given
        to it, 1-based; group 2: the column) on their rows; return the other errors."""
        rest, rows = [], {}
        for field, msg in errors:
            m = re.match(pattern, field)
            if m and 0 < int(m.group(1)) <= len(self.row_map):
                r = self.row_map[int(m.group(1)) - 1]
                rows[r] = "；".join(filter(None, [rows.get(r), f"{m.group(2)}：{msg}"]))
            else:
                rest.append((field, msg))
        self.mark_errors(rows)
        return rest

    def _show_errors(self) -> None:
        lines = [f"第{r + 1}行：{why}" for r, why in sorted(self.row_errors.items())]
        self.error_label.setText("\n".join(lines))
        self.error_label.setVisible(bool(lines))


def id_number_problem(text: str) -> str | None:
    """What is wrong with a resident ID number as typed (check digit, length, birth date), or None.
    The rule is ``app.domain.validation.check_id_number``; only its message is taken."""
    from app.domain.validation import check_id_number
    try:
        check_id_number(text)
    except UserError as e:
        errors = getattr(e, "errors", None)
        return "；".join(m for _f, m in errors) if errors else e.message
    return None


# ---------------------------------------------------------------- step buttons

# ---------------------------------------------------------------- form fields

def yuan_text(fen: int) -> str:
    """Fen as the yuan text a field shows and the service reads back (「2000.00」)."""
    return f"{to_decimal(fen)}" if fen else ""


def date_edit(d: date) -> QDateEdit:
    edit = QDateEdit(qdate(d))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    return edit


def select(combo: QComboBox, value) -> None:
    i = combo.findData(getattr(value, "value", value))
    combo.setCurrentIndex(max(0, i))


def payment_line(p) -> str:
    """「2026-12-03 医疗救助 ¥5,000.00 上级拨款 已发放」 (plus goods) for short lists."""
    goods = f"（物资：{p.goods} {format_yuan(p.goods_value_fen)}）" if p.goods else ""
    return f"{p.assist_on}  {p.kind.label}  {format_yuan(p.amount_fen)}{goods}  {p.fund_name}  {p.state.label}"
