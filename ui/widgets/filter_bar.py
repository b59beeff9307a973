"""The filter bar of a list page, built from a declaration: a tuple of filter fields, each naming
the filter-dataclass field(s) it sets. ``FilterBar.read()`` gives the keyword arguments of the
filter class; ``FilterBar.show(f)`` shows a filter (quietly: no ``changed``).

Field kinds (see ``ui.widgets.list_page`` for a whole example):

* ``Choice(key, label, choices)`` — a drop-down 全部 / each choice; ``choices`` is a LabelledEnum
  class (its ``choices()``) or ``(value, label)`` pairs. Reads the value or None.
* ``YesNo(key, label)`` — 全部 / 是 / 否: None, True or False.
* ``Lookup(key, label, load)`` — a drop-down filled later from ``load(db) -> [(value, label)]`` (a
  service function, run off the GUI thread when the page first refreshes), e.g. 承办人.
* ``DatePeriod(label)`` — the period picker (``ui.widgets.period_picker``) setting ``period`` /
  ``date_from`` / ``date_to`` (other field names can be given).
* ``Flags(flags)`` — one check box per LabelledEnum member; reads the tuple of checked codes.
* ``Text(placeholder)`` — the content search (``text``), applied 300 ms after typing or on Enter.
* ``Hidden(key, label)`` — no widget: set only by ``show(f)`` (a workbench button, 「查看该单位的
  登记」…), then shown as 「另按单位筛选」 with 取消此条件.

Layout: the date period and the drop-downs four to a line, then the flags and the hidden note, then
the search box across the bar.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QGridLayout, QHBoxLayout, QLabel, QLineEdit,
                               QPushButton, QWidget)

from ui.widgets.period_picker import ALL, PeriodPicker, select_data

PER_LINE = 4        # label + widget pairs on one line of the bar
TEXT_DELAY_MS = 300


def fill_combo(combo: QComboBox, choices: Sequence[tuple[Any, str]], all_label: str = ALL) -> None:
    combo.clear()
    combo.addItem(all_label, None)
    for value, label in choices:
        combo.addItem(label, value)


@dataclass(frozen=True)
class Choice:
    key: str
    label: str
    choices: Any                # a LabelledEnum class, or (value, label) pairs

    def pairs(self) -> list[tuple[Any, str]]:
        c = self.choices
        return list(c.choices()) if hasattr(c, "choices") else list(c)


@dataclass(frozen=True)
class YesNo:
    key: str
    label: str
    yes: str = "是"
    no: str = "否"


@dataclass(frozen=True)
class Lookup:
    key: str
    label: str
    load: Callable[[Any], Sequence[tuple[Any, str]]]     # (db) -> [(value, label)]: a service call
    unknown: str = "（指定）"        # the item shown for a value the loaded list lacks


@dataclass(frozen=True)
class DatePeriod:
    label: str = "时间"
    period: str = "period"
    date_from: str = "date_from"
    date_to: str = "date_to"

    key = "period"


@dataclass(frozen=True)
class Flags:
    flags: tuple                  # LabelledEnum members
    key: str = "flags"


@dataclass(frozen=True)
class Text:
    placeholder: str = ""
    label: str = "搜索"
    key: str = "text"


@dataclass(frozen=True)
class Hidden:
    key: str
    label: str                    # 「单位」: the note reads 「另按单位筛选」


FilterField = Choice | YesNo | Lookup | DatePeriod | Flags | Text | Hidden


class FilterBar(QWidget):
    """``changed`` fires when the person changes a field (the search box: after a pause or Enter)."""
    changed = Signal()

    def __init__(self, fields: Sequence[FilterField], parent: QWidget | None = None, *,
                 today: Callable | None = None):
        super().__init__(parent)
        self.fields = tuple(fields)
        self.widgets: dict[str, QWidget] = {}
        self.hidden: dict[str, Any] = {}          # Hidden fields' values, set by show()
        self._quiet = False
        self.period: PeriodPicker | None = None
        self.text_edit: QLineEdit | None = None
        self.flag_boxes: dict[str, QCheckBox] = {}
        self.text_timer = QTimer(self, singleShot=True, interval=TEXT_DELAY_MS)
        self.text_timer.timeout.connect(self._emit)
        self.hidden_label = QLabel()
        self.clear_hidden_button = QPushButton(self.tr("取消此条件"))
        self.clear_hidden_button.clicked.connect(self.clear_hidden)
        self.hidden_label.hide()
        self.clear_hidden_button.hide()

        pairs: list[tuple[str, QWidget]] = []
        for fld in self.fields:
            w = self._make(fld, today)
            if w is not None and not isinstance(fld, (Flags, Text)):
                pairs.append((fld.label, w))
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        row = 0
        first, rest = pairs[:PER_LINE], pairs[PER_LINE:]
        for i, (label, w) in enumerate(first):
            grid.addWidget(QLabel(label), row, 2 * i)
            grid.addWidget(w, row, 2 * i + 1)
        row += 1 if first else 0
        line = QHBoxLayout()
        for label, w in rest:
            line.addWidget(QLabel(label))
            line.addWidget(w)
        for box in self.flag_boxes.values():
            line.addWidget(box)
        line.addWidget(self.hidden_label)
        line.addWidget(self.clear_hidden_button)
        line.addStretch(1)
        width = max(2 * PER_LINE, 2)
        grid.addLayout(line, row, 0, 1, width)
        row += 1
        if self.text_edit is not None:
            text = next(f for f in self.fields if isinstance(f, Text))
            grid.addWidget(QLabel(text.label), row, 0)
            grid.addWidget(self.text_edit, row, 1, 1, width - 1)

    # ------------------------------------------------------------ building

    def _make(self, fld: FilterField, today) -> QWidget | None:
        if isinstance(fld, DatePeriod):
            self.period = PeriodPicker(today=today)
            self.period.changed.connect(self._emit)
            w: QWidget = self.period
        elif isinstance(fld, (Choice, YesNo, Lookup)):
            w = QComboBox()
            if isinstance(fld, Choice):
                fill_combo(w, fld.pairs())
            elif isinstance(fld, YesNo):
                fill_combo(w, [(True, fld.yes), (False, fld.no)])
            else:
                fill_combo(w, [])
            w.currentIndexChanged.connect(lambda _i: self._emit())
        elif isinstance(fld, Flags):
            for f in fld.flags:
                box = QCheckBox(f.label)
                box.toggled.connect(lambda _b: self._emit())
                self.flag_boxes[f.value] = box
            return None
        elif isinstance(fld, Text):
            w = self.text_edit = QLineEdit()
            w.setPlaceholderText(fld.placeholder)
            w.setClearButtonEnabled(True)
            w.textChanged.connect(lambda _t: self.text_timer.start())
            w.returnPressed.connect(self._text_entered)
        else:
            return None
        self.widgets[fld.key] = w
        return w

    def widget(self, key: str) -> QWidget:
        """The widget of the field ``key`` (the PeriodPicker for ``"period"``)."""
        return self.widgets[key]

    # ------------------------------------------------------------ filter ⇄ widgets

    def read(self) -> dict[str, Any]:
        """The filter's keyword arguments as the bar shows them (hidden values included)."""
        out: dict[str, Any] = {}
        for fld in self.fields:
            if isinstance(fld, DatePeriod):
                period, lo, hi = self.period.value()
                if period is not None:
                    out[fld.period] = period
                else:
                    out[fld.date_from], out[fld.date_to] = lo, hi
            elif isinstance(fld, (Choice, YesNo, Lookup)):
                out[fld.key] = self.widgets[fld.key].currentData()
            elif isinstance(fld, Flags):
                out[fld.key] = tuple(k for k, box in self.flag_boxes.items() if box.isChecked())
            elif isinstance(fld, Text):
                out[fld.key] = self.text_edit.text().strip()
        out.update(self.hidden)
        return out

    def show(self, f) -> None:
        """Show the filter ``f`` in the bar; no ``changed``."""
        was, self._quiet = self._quiet, True
        try:
            for fld in self.fields:
                if isinstance(fld, DatePeriod):
                    self.period.set_value(getattr(f, fld.period, None), getattr(f, fld.date_from, None),
                                          getattr(f, fld.date_to, None))
                elif isinstance(fld, Lookup):
                    value = getattr(f, fld.key, None)
                    combo = self.widgets[fld.key]
                    if value is not None and combo.findData(value) < 0:
                        combo.addItem(fld.unknown, value)
                    select_data(combo, value)
                elif isinstance(fld, (Choice, YesNo)):
                    select_data(self.widgets[fld.key], getattr(f, fld.key, None))
                elif isinstance(fld, Flags):
                    on = set(getattr(f, fld.key, ()) or ())
                    for k, box in self.flag_boxes.items():
                        box.setChecked(k in on)
                elif isinstance(fld, Text):
                    self.text_edit.setText(getattr(f, fld.key, "") or "")
                    self.text_timer.stop()
            self.hidden = {fld.key: getattr(f, fld.key) for fld in self.fields
                           if isinstance(fld, Hidden) and getattr(f, fld.key, None) is not None}
            self._show_hidden()
        finally:
            self._quiet = was

    def set_lookup(self, key: str, pairs: Sequence[tuple[Any, str]]) -> None:
        """Fill a Lookup's drop-down (keeping its current value; no ``changed``)."""
        fld = next(f for f in self.fields if isinstance(f, Lookup) and f.key == key)
        combo = self.widgets[key]
        current = combo.currentData()
        was, self._quiet = self._quiet, True
        try:
            fill_combo(combo, pairs)
            if current is not None and combo.findData(current) < 0:
                combo.addItem(fld.unknown, current)
            select_data(combo, current)
        finally:
            self._quiet = was

    def lookups(self) -> list[Lookup]:
        return [f for f in self.fields if isinstance(f, Lookup)]

    # ------------------------------------------------------------ hidden conditions

    def _show_hidden(self) -> None:
        shown = bool(self.hidden)
        if shown:
            names = {f.key: f.label for f in self.fields if isinstance(f, Hidden)}
            self.hidden_label.setText(self.tr("另按") + "、".join(names.get(k, k) for k in self.hidden)
                                      + self.tr("筛选"))
        self.hidden_label.setVisible(shown)
        self.clear_hidden_button.setVisible(shown)

    def clear_hidden(self) -> None:
        self.hidden = {}
        self._show_hidden()
        self._emit()

    # ------------------------------------------------------------ signals

    def _text_entered(self) -> None:
        self.text_timer.stop()
        self._emit()

    def _emit(self) -> None:
        if not self._quiet:
            self.changed.emit()


