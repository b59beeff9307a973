"""The period picker: 全部 / a relative period (本月, 上季度, 近30天 … from ``app.domain.enums.Period``)
/ 自定义日期, with two date boxes. For a relative period the boxes show, greyed, the days it means on
``today()`` (resolved by ``app.domain.periods.resolve_period``, the one home of their meaning); for
全部 they read 「不限」; 自定义日期 makes them editable, starting from the days last shown.

``value()`` is ``(period_code | None, date_from | None, date_to | None)``: a relative period keeps its
code and no dates (so a saved 本月 is this month when reopened); a custom range has no code.
``changed`` fires on every change the person makes (not on ``set_value``).
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QComboBox, QDateEdit, QHBoxLayout, QLabel, QWidget

from app.domain import clock
from app.domain.enums import Period
from app.domain.periods import resolve_period

ALL = "全部"
CUSTOM = "custom"
CUSTOM_LABEL = "自定义日期"
NO_LIMIT = QDate(2000, 1, 1)       # a date box at its minimum means no limit on that side
NO_LIMIT_LABEL = "不限"


def select_data(combo: QComboBox, value) -> None:
    """Select the item whose data is ``value`` (the first item, 全部, when none is)."""
    i = combo.findData(value)
    combo.setCurrentIndex(i if i >= 0 else 0)


class PeriodPicker(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None, *, periods=tuple(Period), with_all: bool = True,
                 today: Callable[[], date] | None = None):
        super().__init__(parent)
        self.today = today or clock.today        # the day relative periods are resolved on
        self.combo = QComboBox()
        if with_all:
            self.combo.addItem(ALL, None)
        for p in periods:
            self.combo.addItem(p.label, p.value)
        self.combo.addItem(CUSTOM_LABEL, CUSTOM)
        self.date_from, self.date_to = QDateEdit(), QDateEdit()
        for d in (self.date_from, self.date_to):
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")
            d.setMinimumDate(NO_LIMIT)
            d.setSpecialValueText(NO_LIMIT_LABEL)      # the earliest date reads 「不限」
            d.setDate(NO_LIMIT)
            d.setEnabled(False)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.combo)
        row.addWidget(self.date_from)
        row.addWidget(QLabel("—"))
        row.addWidget(self.date_to)
        self._quiet = False
        self.combo.currentIndexChanged.connect(self._period_changed)
        for d in (self.date_from, self.date_to):
            d.dateChanged.connect(lambda _d: self._emit())

    # ------------------------------------------------------------ value

    def value(self) -> tuple[str | None, date | None, date | None]:
        period = self.combo.currentData()
        if period == CUSTOM:
            return None, self._day(self.date_from), self._day(self.date_to)
        return period, None, None

    def set_value(self, period: str | None, date_from: date | None = None,
                  date_to: date | None = None) -> None:
        """Show a filter's period (no ``changed``)."""
        was, self._quiet = self._quiet, True
        try:
            if period:
                select_data(self.combo, period)
            elif date_from or date_to:
                select_data(self.combo, CUSTOM)
                self.date_from.setDate(QDate(date_from) if date_from else NO_LIMIT)
                self.date_to.setDate(QDate(date_to) if date_to else NO_LIMIT)
            else:
                select_data(self.combo, None)
            self.show_days()
        finally:
            self._quiet = was

    # ------------------------------------------------------------ days

    @staticmethod
    def _day(edit: QDateEdit) -> date | None:
        return None if edit.date() == NO_LIMIT else edit.date().toPython()

    def show_days(self) -> None:
        """Greyed, the days a relative period means (近30天: 30 days back to today), or 「不限 — 不限」
        for 全部; editable for 自定义日期 (starting from the days last shown)."""
        period = self.combo.currentData()
        custom = period == CUSTOM
        self.date_from.setEnabled(custom)
        self.date_to.setEnabled(custom)
        if custom:
            return
        start, end = resolve_period(period, self.today()) if period else (None, None)
        was, self._quiet = self._quiet, True        # showing the days is not a change
        try:
            self.date_from.setDate(QDate(start) if start else NO_LIMIT)
            self.date_to.setDate(QDate(end) if end else NO_LIMIT)
        finally:
            self._quiet = was

    def _period_changed(self, _i: int) -> None:
        self.show_days()
        self._emit()

    def _emit(self) -> None:
        if not self._quiet:
            self.changed.emit()
