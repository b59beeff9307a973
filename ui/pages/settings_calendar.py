"""设置 → 节假日日历: view a year's statutory holidays and make-up workdays, mark single days, import
a CSV. Reads and writes go through ``ui.operations.calendar`` to ``app.services.calendar``; writes
announce the "calendar" area. Editing needs Perm.EDIT_CALENDAR (the service enforces it; the
buttons are only disabled as a courtesy)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QDate, QLocale, Qt
from PySide6.QtGui import QBrush, QColor, QTextCharFormat
from PySide6.QtWidgets import (QCalendarWidget, QDateEdit,
                               QFormLayout, QGroupBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QPushButton, QSpinBox, QTableWidget, QTableWidgetItem, QVBoxLayout,
                               QWidget)

from app.domain import clock
from app.domain.enums import DayKind
from app.domain.permissions import Perm, allowed
from app.services.calendar import NAME_MAX, CalendarEntry
from ui.context import AppContext
from ui.file_dialogs import Purpose, open_file
from ui.operations.calendar import import_csv, load_year, set_day
from ui.pages.base import Page
from ui.util import pydate, qdate, read_only_rows

HOLIDAY_BG, HOLIDAY_FG = QColor("#fde2e2"), QColor("#b3261e")
WORKDAY_BG, WORKDAY_FG = QColor("#dce8fb"), QColor("#0b4f9c")
WEEKDAYS = "一二三四五六日"
MIN_YEAR, MAX_YEAR = 2000, 2100
COL_DATE, COL_WEEKDAY, COL_KIND, COL_NAME, COL_SOURCE = range(5)


@dataclass(frozen=True)
class _YearView:
    year: int
    entries: tuple[CalendarEntry, ...]
    banner: str | None      # the year has no holiday data


class CalendarSettingsPage(Page):
    title = "节假日日历"
    areas = frozenset({"calendar"})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.can_edit = allowed(ctx.actor.role, Perm.EDIT_CALENDAR)
        self.view: _YearView | None = None
        self._by_day: dict[date, CalendarEntry] = {}
        self._load_seq = 0
        self._busy = False
        self.sources = {"seed": self.tr("内置"), "import": self.tr("导入"), "manual": self.tr("手工")}
        today = clock.today()

        # --- top row: year and import
        self.year_spin = QSpinBox()
        self.year_spin.setRange(MIN_YEAR, MAX_YEAR)
        self.year_spin.setValue(today.year)
        self.year_spin.setSuffix(self.tr(" 年"))
        self.import_button = QPushButton(self.tr("导入 CSV…"))
        self.import_button.setToolTip(self.tr("CSV 文件，每行：日期,类型,名称，例如 2027-10-01,holiday,国庆节；"
                                              "类型为 holiday（法定节假日）或 workday（调休上班）"))
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("年份")))
        top.addWidget(self.year_spin)
        self.summary = QLabel()
        top.addWidget(self.summary, 1)
        top.addWidget(self.import_button)

        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("QLabel { background: #fff4d6; border: 1px solid #e6c36a;"
                                  " padding: 6px; }")
        self.banner.hide()
        self.readonly_hint = QLabel(self.tr("只有系统管理员可以修改节假日日历。"))
        self.readonly_hint.setVisible(not self.can_edit)

        # --- left: the year's entries
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels([self.tr("日期"), self.tr("星期"), self.tr("类型"),
                                              self.tr("名称"), self.tr("来源")])
        read_only_rows(self.table)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.horizontalHeader().setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)

        # --- right: month calendar and the editor for one day
        self.calendar = QCalendarWidget()
        self.calendar.setGridVisible(True)
        self.calendar.setLocale(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
        self.calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self.calendar.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        self.calendar.setMinimumDate(QDate(MIN_YEAR, 1, 1))
        self.calendar.setMaximumDate(QDate(MAX_YEAR, 12, 31))
        self.calendar.setSelectedDate(qdate(today))
        self.date_edit = QDateEdit(qdate(today))
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.date_edit.setDateRange(QDate(MIN_YEAR, 1, 1), QDate(MAX_YEAR, 12, 31))
        self.day_state = QLabel()
        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(NAME_MAX)
        self.name_edit.setPlaceholderText(self.tr("如 国庆节（可留空）"))
        self.holiday_button = QPushButton(self.tr("设为法定节假日"))
        self.workday_button = QPushButton(self.tr("设为调休上班"))
        self.clear_button = QPushButton(self.tr("恢复正常"))
        self.clear_button.setToolTip(self.tr("删除这一天的设置，按正常的周一至周五上班、周末休息计算"))
        self.status = QLabel()
        self.status.setWordWrap(True)

        form = QFormLayout()
        form.addRow(self.tr("日期"), self.date_edit)
        form.addRow(self.tr("当前"), self.day_state)
        form.addRow(self.tr("名称"), self.name_edit)
        buttons = QHBoxLayout()
        for b in (self.holiday_button, self.workday_button, self.clear_button):
            buttons.addWidget(b)
        editor = QGroupBox(self.tr("设置选中的日期"))
        ev = QVBoxLayout(editor)
        ev.addLayout(form)
        ev.addLayout(buttons)
        ev.addWidget(self.status)
        right = QVBoxLayout()
        right.addWidget(self.calendar)
        right.addWidget(editor)
        right.addStretch(1)

        body = QHBoxLayout()
        body.addWidget(self.table, 3)
        body.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addWidget(self.readonly_hint)
        layout.addLayout(body, 1)

        self.year_spin.valueChanged.connect(self._year_changed)
        self.calendar.selectionChanged.connect(
            lambda: self.date_edit.setDate(self.calendar.selectedDate()))
        self.calendar.currentPageChanged.connect(self._page_changed)
        self.date_edit.dateChanged.connect(self._date_changed)
        self.table.itemSelectionChanged.connect(self._row_selected)
        self.holiday_button.clicked.connect(lambda: self.apply(DayKind.HOLIDAY))
        self.workday_button.clicked.connect(lambda: self.apply(DayKind.WORKDAY))
        self.clear_button.clicked.connect(lambda: self.apply(None))
        self.import_button.clicked.connect(self._choose_file)
        self._update_buttons()
        self._show_day_state()

    # ------------------------------------------------------------------------------ reading
    def refresh(self) -> None:
        self._load_seq += 1
        seq, year = self._load_seq, self.year_spin.value()
        load_year(self, self.ctx, year,
                  on_done=lambda answer: self._loaded(seq, _YearView(year, *answer)))

    def _loaded(self, seq: int, view: _YearView) -> None:
        if seq != self._load_seq:   # a newer load is on its way
            return
        self.view = view
        self._by_day = {e.day: e for e in view.entries}
        self.banner.setText(view.banner or "")
        self.banner.setVisible(view.banner is not None)
        holidays = sum(e.kind is DayKind.HOLIDAY for e in view.entries)
        self.summary.setText(self.tr("法定节假日 {0} 天，调休上班 {1} 天")
                             .format(holidays, len(view.entries) - holidays))
        self._fill_table(view.entries)
        self._paint_calendar(view.entries)
        entry = self._by_day.get(self.selected_date())
        if entry is not None and not self.name_edit.text():
            self.name_edit.setText(entry.name)
        self._show_day_state()

    def _fill_table(self, entries: tuple[CalendarEntry, ...]) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(len(entries))
        for row, e in enumerate(entries):
            bg, fg = (HOLIDAY_BG, HOLIDAY_FG) if e.kind is DayKind.HOLIDAY else (WORKDAY_BG, WORKDAY_FG)
            values = (e.day.isoformat(), self.tr("星期") + WEEKDAYS[e.day.weekday()], e.kind.label,
                      e.name, self.sources.get(e.source, e.source))
            for col, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setBackground(QBrush(bg))
                item.setForeground(QBrush(fg))
                if col == COL_DATE:
                    item.setData(Qt.ItemDataRole.UserRole, e.day)
                self.table.setItem(row, col, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        self.table.blockSignals(False)

    def _paint_calendar(self, entries: tuple[CalendarEntry, ...]) -> None:
        self.calendar.setDateTextFormat(QDate(), QTextCharFormat())   # clears all date formats
        for e in entries:
            fmt = QTextCharFormat()
            if e.kind is DayKind.HOLIDAY:
                fmt.setBackground(QBrush(HOLIDAY_BG))
                fmt.setForeground(QBrush(HOLIDAY_FG))
            else:
                fmt.setBackground(QBrush(WORKDAY_BG))
                fmt.setForeground(QBrush(WORKDAY_FG))
            fmt.setToolTip(f"{e.kind.label} {e.name}".strip())
            self.calendar.setDateTextFormat(qdate(e.day), fmt)

    # ----------------------------------------------------------------------- date selection
    def selected_date(self) -> date:
        return pydate(self.date_edit.date())

    def _year_changed(self, year: int) -> None:
        d = self.date_edit.date()
        if d.year() != year:
            # keep the month the calendar shows when the person paged into the new year
            month = self.calendar.monthShown() if self.calendar.yearShown() == year else d.month()
            new = QDate(year, month, d.day())
            self.date_edit.setDate(new if new.isValid() else QDate(year, month, 28))
        self.refresh()

    def _page_changed(self, year: int, _month: int) -> None:
        if year != self.year_spin.value():
            self.year_spin.setValue(year)

    def _date_changed(self, q: QDate) -> None:
        if self.calendar.selectedDate() != q:
            self.calendar.setSelectedDate(q)
        if q.year() != self.year_spin.value():
            self.year_spin.setValue(q.year())
        entry = self._by_day.get(pydate(q))
        if entry is not None:
            self.name_edit.setText(entry.name)
        self._show_day_state()

    def _row_selected(self) -> None:
        items = self.table.selectedItems()
        if not items:
            return
        day = self.table.item(items[0].row(), COL_DATE).data(Qt.ItemDataRole.UserRole)
        self.date_edit.setDate(qdate(day))

    def _show_day_state(self) -> None:
        d = self.selected_date()
        entry = self._by_day.get(d) if self.view and self.view.year == d.year else None
        if entry is not None:
            text = f"{entry.kind.label} {entry.name}".strip()
        elif d.weekday() >= 5:
            text = self.tr("周末休息（正常）")
        else:
            text = self.tr("工作日（正常）")
        self.day_state.setText(text)

    # ------------------------------------------------------------------------------ writing
    def _update_buttons(self) -> None:
        enabled = self.can_edit and not self._busy
        for b in (self.holiday_button, self.workday_button, self.clear_button, self.import_button):
            b.setEnabled(enabled)
        self.name_edit.setReadOnly(not self.can_edit)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self._update_buttons()

    def apply(self, kind: DayKind | None) -> None:
        """Mark the selected date as ``kind`` (None: back to the normal rule), in the background."""
        day, name = self.selected_date(), self.name_edit.text().strip()
        if kind is None:
            done = self.tr("{0} 已恢复为正常的工作日/周末").format(day.isoformat())
        else:
            done = self.tr("{0} 已设为{1}").format(day.isoformat(), kind.label)
        self._set_busy(True)
        op = set_day(self, self.ctx, day, kind, name,
                     on_done=lambda _entry: self.status.setText(done))
        op.finished.connect(lambda: self._set_busy(False))

    def _choose_file(self) -> None:
        path = open_file(self, Purpose.CALENDAR_IMPORT, self.tr("导入节假日 CSV"),
                         self.tr("CSV 文件 (*.csv);;所有文件 (*)"))
        if path:
            self.import_file(path)

    def import_file(self, path: str) -> None:
        """Import a ``date,kind,name`` CSV in the background; all rows or none."""
        self._set_busy(True)
        op = import_csv(self, self.ctx, path,
                        on_done=lambda n: self.status.setText(self.tr("已导入 {0} 天").format(n)))
        op.finished.connect(lambda: self._set_busy(False))
