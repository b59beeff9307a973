"""What the 信访登记 and 案件办理 pages share: the filter bar, the windowed table, the count that
arrives later, sorting by header click, the column chooser and remembered column layout, saved
filters, export to xlsx and jumping to the last row. A content search that its time budget cut
short shows 「已搜索至 2024年3月1日，继续搜索更早的记录」 under the table; clicking it reads the
older hits (``KeysetModel.continue_search``).

Every read and write goes through ``ui.operations.lists`` (the table model reads its pages through
``ui.operations.run``). Dialog helpers (``ask_name``, ``ask_export_path``) are small methods so
tests can replace them; errors are shown in ``message`` (a label), never in a modal box.
"""
from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date

from PySide6.QtCore import QByteArray, QDate, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDateEdit,
                               QGridLayout, QHBoxLayout, QInputDialog, QLabel, QLineEdit,
                               QMenu, QPushButton, QTableView, QVBoxLayout, QWidget)

from app.domain import clock
from app.domain.enums import Category, Channel, IssueType, ListFlag, Period
from app.domain.errors import Cancelled, UserError
from app.domain.periods import resolve_period
from app.services.petitions import lists
from app.services.petitions.search import SEARCH_LIMIT
from ui.context import AppContext
from ui.file_dialogs import Purpose, save_file
from ui.models import KeysetModel
from ui.operations.lists import delete_filter, export_xlsx, list_saved_filters, save_filter
from ui.pages.base import Page
from ui.util import ERROR_STYLE

log = logging.getLogger(__name__)

ALL = "全部"
CUSTOM = "custom"
CUSTOM_LABEL = "自定义日期"
NO_LIMIT = QDate(2000, 1, 1)       # a date box at its minimum means no limit on that side
NO_LIMIT_LABEL = "不限"
LINK_STYLE = "QPushButton { color: #1565c0; text-decoration: underline; border: none; padding: 0 4px; }"


def searched_back_to_text(day: date) -> str:
    """「已搜索至 2024年3月1日，继续搜索更早的记录」"""
    return f"已搜索至 {day.year}年{day.month}月{day.day}日，继续搜索更早的记录"


def fill_combo(combo: QComboBox, choices: list[tuple[str, str]], all_label: str = ALL) -> None:
    combo.clear()
    combo.addItem(all_label, None)
    for value, label in choices:
        combo.addItem(label, value)


def select_data(combo: QComboBox, value) -> None:
    i = combo.findData(value)
    combo.setCurrentIndex(i if i >= 0 else 0)


class ListPageBase(Page):
    """Subclasses set ``list_key``, ``filter_cls``, ``make_model`` and add their own filters in
    ``extra_filters`` / ``read_extra`` / ``show_extra``; ``flags`` lists the flag check boxes."""

    list_key = ""
    filter_cls: type = lists.RegistrationFilter
    flags: tuple[ListFlag, ...] = ()
    SETTINGS_GROUP = "ListPages"

    def make_model(self) -> KeysetModel:
        raise NotImplementedError

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.hidden_filter: dict = {}        # employer_id, person_id… set by apply_filter
        self._applying = False
        self.model = self.make_model()

        # ---- filter bar
        self.period_combo = QComboBox()
        self.period_combo.addItem(ALL, None)
        for p in Period:
            self.period_combo.addItem(p.label, p.value)
        self.period_combo.addItem(CUSTOM_LABEL, CUSTOM)
        self.date_from, self.date_to = QDateEdit(), QDateEdit()
        for d in (self.date_from, self.date_to):
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")
            d.setMinimumDate(NO_LIMIT)
            d.setSpecialValueText(NO_LIMIT_LABEL)      # the earliest date reads 「不限」
            d.setDate(NO_LIMIT)
            d.setEnabled(False)
        self.channel_combo, self.category_combo, self.issue_combo = QComboBox(), QComboBox(), QComboBox()
        fill_combo(self.channel_combo, Channel.choices())
        fill_combo(self.category_combo, Category.choices())
        fill_combo(self.issue_combo, IssueType.choices())
        self.text_edit = QLineEdit()
        self.text_edit.setPlaceholderText(self.tr("内容搜索：事项摘要、诉求、事实和理由、办理记录"))
        self.text_edit.setClearButtonEnabled(True)
        self.flag_boxes = {f.value: QCheckBox(f.label) for f in self.flags}
        self.hidden_label = QLabel()
        self.clear_hidden_button = QPushButton(self.tr("取消此条件"))
        self.clear_hidden_button.clicked.connect(self.clear_hidden)
        self.hidden_label.hide()
        self.clear_hidden_button.hide()

        grid = QGridLayout()
        grid.addWidget(QLabel(self.tr("时间")), 0, 0)
        dates = QHBoxLayout()
        dates.addWidget(self.period_combo)
        dates.addWidget(self.date_from)
        dates.addWidget(QLabel("—"))
        dates.addWidget(self.date_to)
        grid.addLayout(dates, 0, 1)
        grid.addWidget(QLabel(self.tr("渠道")), 0, 2)
        grid.addWidget(self.channel_combo, 0, 3)
        grid.addWidget(QLabel(self.tr("诉求类别")), 0, 4)
        grid.addWidget(self.category_combo, 0, 5)
        grid.addWidget(QLabel(self.tr("问题类型")), 0, 6)
        grid.addWidget(self.issue_combo, 0, 7)
        extra = QHBoxLayout()
        for label, widget in self.extra_filters():
            extra.addWidget(QLabel(label))
            extra.addWidget(widget)
        for box in self.flag_boxes.values():
            extra.addWidget(box)
        extra.addWidget(self.hidden_label)
        extra.addWidget(self.clear_hidden_button)
        extra.addStretch(1)
        grid.addLayout(extra, 1, 0, 1, 8)
        grid.addWidget(QLabel(self.tr("搜索")), 2, 0)
        grid.addWidget(self.text_edit, 2, 1, 1, 7)

        # ---- actions
        self.saved_combo = QComboBox()
        self.saved_combo.setMinimumWidth(140)
        self.save_button = QPushButton(self.tr("保存筛选…"))
        self.delete_saved_button = QPushButton(self.tr("删除筛选"))
        self.reset_button = QPushButton(self.tr("清空条件"))
        self.end_button = QPushButton(self.tr("跳到末尾"))
        self.end_button.setShortcut(QKeySequence("Ctrl+End"))
        self.export_button = QPushButton(self.tr("导出 Excel…"))
        self.full_ids_box = QCheckBox(self.tr("显示完整身份证号"))
        self.full_ids_box.setToolTip(self.tr("仅本单位设置允许的角色（默认负责人）可导出完整身份证号，"
                                             "并记入操作日志；其他角色导出的号码部分隐藏"))
        self.columns_button = QPushButton(self.tr("列…"))
        actions = QHBoxLayout()
        actions.addWidget(QLabel(self.tr("已保存的筛选")))
        for w in (self.saved_combo, self.save_button, self.delete_saved_button, self.reset_button):
            actions.addWidget(w)
        actions.addStretch(1)
        for w in self.extra_actions():
            actions.addWidget(w)
        for w in (self.columns_button, self.end_button, self.export_button, self.full_ids_box):
            actions.addWidget(w)

        # ---- table
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(24)
        header = self.view.horizontalHeader()
        header.setSectionsMovable(True)
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setStretchLastSection(True)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(lambda pos: self.column_menu().exec(header.mapToGlobal(pos)))
        self.columns_button.clicked.connect(
            lambda: self.column_menu().exec(self.columns_button.mapToGlobal(self.columns_button.rect().bottomLeft())))
        self._restore_header()
        header.sectionClicked.connect(self._header_clicked)
        header.sectionMoved.connect(lambda *_: self.save_header())
        header.sectionResized.connect(lambda *_: self._header_timer.start())
        self._header_timer = QTimer(self, singleShot=True, interval=500)
        self._header_timer.timeout.connect(self.save_header)

        self.count_label = QLabel()
        self.continue_button = QPushButton()
        self.continue_button.setFlat(True)
        self.continue_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.continue_button.setStyleSheet(LINK_STYLE)
        self.continue_button.hide()
        self.continue_button.clicked.connect(self.continue_search)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        status = QHBoxLayout()
        status.addWidget(self.count_label)
        status.addWidget(self.continue_button)
        status.addWidget(self.message, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addLayout(actions)
        layout.addWidget(self.view, 1)
        layout.addLayout(status)

        # ---- wiring
        self._text_timer = QTimer(self, singleShot=True, interval=300)
        self._text_timer.timeout.connect(self.apply)
        self.text_edit.textChanged.connect(lambda _t: self._text_timer.start())
        self.text_edit.returnPressed.connect(self.apply)
        self.period_combo.currentIndexChanged.connect(self._period_changed)
        for w in (self.date_from, self.date_to):
            w.dateChanged.connect(lambda _d: self._changed())
        for combo in [self.channel_combo, self.category_combo, self.issue_combo] + self.extra_combos():
            combo.currentIndexChanged.connect(lambda _i: self._changed())
        for box in self.flag_boxes.values():
            box.toggled.connect(lambda _b: self._changed())
        self.reset_button.clicked.connect(self.reset)
        self.end_button.clicked.connect(self.jump_to_end)
        self.export_button.clicked.connect(self.export)
        self.save_button.clicked.connect(self.save_current)
        self.delete_saved_button.clicked.connect(self.delete_saved)
        self.saved_combo.activated.connect(self._saved_chosen)
        self.view.doubleClicked.connect(lambda index: self.open_row(self.model.row_at(index.row())))
        self.view.verticalScrollBar().valueChanged.connect(self._scrolled)
        self.model.total_changed.connect(self._show_total)
        self.model.failed.connect(self._show_error)
        self.model.failed.connect(lambda _e: self._show_search_state())
        self.model.loaded.connect(self._page_loaded)
        self._pending_scroll_end = False
        self._filter_ready = False

    # ------------------------------------------------------------ subclass hooks

    def extra_filters(self) -> list[tuple[str, QWidget]]:
        return []

    def extra_actions(self) -> list[QWidget]:
        """Buttons of the page's own, placed before 列… / 跳到末尾 / 导出 Excel…."""
        return []

    def extra_combos(self) -> list[QComboBox]:
        return [w for _l, w in self.extra_filters() if isinstance(w, QComboBox)]

    def read_extra(self) -> dict:
        return {}

    def show_extra(self, f) -> None:
        pass

    def default_filter(self):
        return self.filter_cls()

    def open_row(self, row) -> None:
        """Double-click on a row (subclasses open the case)."""

    # ------------------------------------------------------------ filter ⇄ widgets

    def current_filter(self):
        period = self.period_combo.currentData()
        kwargs = dict(
            channel=self.channel_combo.currentData(), category=self.category_combo.currentData(),
            issue_type=self.issue_combo.currentData(), text=self.text_edit.text().strip(),
            flags=tuple(k for k, box in self.flag_boxes.items() if box.isChecked()))
        if period == CUSTOM:
            kwargs.update(date_from=self._day(self.date_from), date_to=self._day(self.date_to))
        else:
            kwargs["period"] = period
        kwargs.update(self.read_extra())
        kwargs.update(self.hidden_filter)
        base = self.model.filter or self.default_filter()
        return replace(self.filter_cls(**kwargs), sort=base.sort, descending=base.descending)

    def show_filter(self, f) -> None:
        self._applying = True
        try:
            if f.period:
                select_data(self.period_combo, f.period)
            elif f.date_from or f.date_to:
                select_data(self.period_combo, CUSTOM)
                self.date_from.setDate(QDate(f.date_from) if f.date_from else NO_LIMIT)
                self.date_to.setDate(QDate(f.date_to) if f.date_to else NO_LIMIT)
            else:
                select_data(self.period_combo, None)
            self._show_period_days()
            select_data(self.channel_combo, f.channel)
            select_data(self.category_combo, f.category)
            select_data(self.issue_combo, f.issue_type)
            self.text_edit.setText(f.text)
            self._text_timer.stop()
            for k, box in self.flag_boxes.items():
                box.setChecked(k in f.flags)
            self.show_extra(f)
            self.hidden_filter = {k: getattr(f, k) for k in self.hidden_keys()
                                  if getattr(f, k, None) is not None}
            self._show_hidden()
        finally:
            self._applying = False

    def hidden_keys(self) -> tuple[str, ...]:
        return ("employer_id", "person_id")

    def _show_hidden(self) -> None:
        shown = bool(self.hidden_filter)
        if shown:
            names = {"employer_id": "单位", "person_id": "信访人", "handler_id": "承办人"}
            self.hidden_label.setText(self.tr("另按") + "、".join(names.get(k, k) for k in self.hidden_filter)
                                      + self.tr("筛选"))
        self.hidden_label.setVisible(shown)
        self.clear_hidden_button.setVisible(shown)

    def apply_filter(self, f) -> None:
        """Show ``f`` in the filter bar and list what it selects (workbench buttons call this)."""
        self.show_filter(f)
        self._filter_ready = True
        self._stale = False
        self.model.set_filter(f)
        self._sort_indicator()

    def apply(self) -> None:
        if self._applying:
            return
        self.message.clear()
        self.model.set_filter(self.current_filter())
        self._filter_ready = True
        self._sort_indicator()

    def _changed(self) -> None:
        if not self._applying:
            self.apply()

    def today(self) -> date:
        """The day relative periods are resolved on (tests replace it)."""
        return clock.today()

    @staticmethod
    def _day(edit: QDateEdit) -> date | None:
        return None if edit.date() == NO_LIMIT else edit.date().toPython()

    def _show_period_days(self) -> None:
        """Greyed, the days a relative period means (近30天: 30 days back to today), or 「不限 — 不限」
        for 全部; editable for 自定义日期 (starting from the days last shown)."""
        period = self.period_combo.currentData()
        custom = period == CUSTOM
        self.date_from.setEnabled(custom)
        self.date_to.setEnabled(custom)
        if custom:
            return
        start, end = resolve_period(period, self.today()) if period else (None, None)
        was = self._applying
        self._applying = True       # showing the days is not a filter change
        try:
            self.date_from.setDate(QDate(start) if start else NO_LIMIT)
            self.date_to.setDate(QDate(end) if end else NO_LIMIT)
        finally:
            self._applying = was

    def _period_changed(self, _i: int) -> None:
        self._show_period_days()
        self._changed()

    def clear_hidden(self) -> None:
        self.hidden_filter = {}
        self._show_hidden()
        self.apply()

    def reset(self) -> None:
        self.apply_filter(self.default_filter())

    def refresh(self) -> None:
        if self._filter_ready:
            self.model.refresh()
        else:
            self.apply_filter(self.default_filter())
        self.load_saved()

    # ------------------------------------------------------------ table

    def _sort_indicator(self) -> None:
        col = self.model.sort_column()
        header = self.view.horizontalHeader()
        if col is None:
            header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        else:
            header.setSortIndicator(col, Qt.SortOrder.DescendingOrder if self.model.filter.descending
                                    else Qt.SortOrder.AscendingOrder)

    def _header_clicked(self, section: int) -> None:
        col = self.model.columns[section]
        if not col.sort:
            self._sort_indicator()
            self.message.setText(self.tr("此列不能排序；可排序的列：")
                                 + "、".join(c.header for c in self.model.columns if c.sort))
            return
        f = self.model.filter or self.default_filter()
        descending = not f.descending if f.sort == col.sort else True
        self.model.sort(section, Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder)
        self._sort_indicator()

    def jump_to_end(self) -> None:
        self._pending_scroll_end = True
        self.model.jump_to_end()

    def _page_loaded(self) -> None:
        if self._pending_scroll_end:
            self._pending_scroll_end = False
            self.view.scrollToBottom()
        self._show_search_state()

    def continue_search(self) -> None:
        """「继续搜索更早的记录」: the model reads the next hits off the GUI thread."""
        if not self.model.can_continue_search():
            return
        self.model.continue_search()
        self.continue_button.setEnabled(False)
        self.continue_button.setText(self.tr("正在搜索更早的记录…"))

    def _show_search_state(self) -> None:
        day = self.model.searched_back_to
        self.continue_button.setVisible(day is not None)
        if day is not None:
            self.continue_button.setText(searched_back_to_text(day))
            self.continue_button.setEnabled(True)

    def _scrolled(self, value: int) -> None:
        bar = self.view.verticalScrollBar()
        if value == bar.minimum() and self.model.tail_mode and self.model.more_before:
            self.model.fetch_before()

    def _show_total(self, n) -> None:
        searching = self.model.filter is not None and bool(self.model.filter.text.strip())
        self._show_search_state()
        if n is None:
            self.count_label.setText(self.tr("正在搜索…") if searching else self.tr("正在统计…"))
        elif searching:
            self.count_label.setText(self.tr("找到 ") + str(n) + self.tr(" 条")
                                     + (self.tr("（只显示最新的 ") + str(SEARCH_LIMIT) + self.tr(" 条）")
                                        if n >= SEARCH_LIMIT else ""))
        else:
            self.count_label.setText(self.tr("共 ") + f"{n:,}" + self.tr(" 条"))

    def _show_error(self, exc: BaseException) -> None:
        if isinstance(exc, Cancelled):
            self._info(self.tr("已取消"))
            return
        self.message.setStyleSheet(ERROR_STYLE)
        if isinstance(exc, UserError):
            self.message.setText(exc.message)
        else:
            log.error("list read failed: %r", exc)
            self.message.setText(self.tr("读取列表失败：") + f"{type(exc).__name__}: {exc}")

    def _info(self, text: str) -> None:
        self.message.setStyleSheet("")
        self.message.setText(text)

    # ------------------------------------------------------------ columns

    def column_menu(self) -> QMenu:
        menu = QMenu(self)
        header = self.view.horizontalHeader()
        for i, col in enumerate(self.model.columns):
            action = QAction(col.header, menu)
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(i))
            action.toggled.connect(lambda on, i=i: self.set_column_visible(i, on))
            menu.addAction(action)
        return menu

    def set_column_visible(self, i: int, visible: bool) -> None:
        header = self.view.horizontalHeader()
        if not visible and header.count() - header.hiddenSectionCount() <= 1:
            return                  # keep at least one column
        header.setSectionHidden(i, not visible)
        self.save_header()

    def _settings_key(self) -> str:
        return f"{self.SETTINGS_GROUP}/{self.list_key}/header"

    def save_header(self) -> None:
        QSettings().setValue(self._settings_key(), self.view.horizontalHeader().saveState())

    def _restore_header(self) -> None:
        state = QSettings().value(self._settings_key())
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.view.horizontalHeader().restoreState(state)
        else:
            self.view.horizontalHeader().resizeSection(self.model.column_index("summary"), 320)

    # ------------------------------------------------------------ saved filters

    def load_saved(self) -> None:
        list_saved_filters(self, self.ctx, self.filter_cls, on_done=self._show_saved,
                           on_error=self._show_error)

    def _show_saved(self, records) -> None:
        self.saved_records = list(records)
        self.saved_combo.clear()
        self.saved_combo.addItem(self.tr("（选择）"), None)
        for r in self.saved_records:
            self.saved_combo.addItem(r.name, r.id)

    def _saved_chosen(self, index: int) -> None:
        fid = self.saved_combo.itemData(index)
        for r in getattr(self, "saved_records", []):
            if r.id == fid:
                self.apply_filter(r.filter)
                self._info(self.tr("已应用筛选「") + r.name + "」")

    def ask_name(self) -> str | None:
        name, ok = QInputDialog.getText(self, self.tr("保存筛选"), self.tr("筛选名称："))
        return name if ok else None

    def save_current(self) -> None:
        name = self.ask_name()
        if name is None:
            return
        f = self.current_filter()

        def saved(rec) -> None:
            self._info(self.tr("已保存筛选「") + rec.name + "」")
            self.load_saved()
        save_filter(self, self.ctx, name, f, on_done=saved, on_error=self._show_error)

    def delete_saved(self) -> None:
        fid = self.saved_combo.currentData()
        if fid is None:
            self._info(self.tr("请先在「已保存的筛选」中选择要删除的筛选"))
            return
        delete_filter(self, self.ctx, fid, on_done=lambda _r: self.load_saved(),
                      on_error=self._show_error)

    # ------------------------------------------------------------ export

    def ask_export_path(self) -> str | None:
        suggested = f"{self.title}-{clock.today():%Y%m%d}.xlsx"
        return save_file(self, Purpose.EXPORT, self.tr("导出 Excel"),
                         self.tr("Excel 工作簿 (*.xlsx)"), suggested)

    def export(self):
        path = self.ask_export_path()
        if not path:
            return None
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        f = self.model.filter or self.current_filter()
        full = self.full_ids_box.isChecked()

        def done(res) -> None:
            text = self.tr("已导出 ") + str(res.rows) + self.tr(" 条到 ") + res.path
            if full and not res.full_ids:
                text += self.tr("（身份证号已部分隐藏：本单位只允许「系统设置 → 单位信息与参数 → 账户安全」中指定的角色"
                                "导出完整号码）")
            self._info(text)
        return export_xlsx(self, self.ctx, f, path, full, self.tr("正在导出…"), on_done=done,
                           on_error=self._show_error)

    def hideEvent(self, event) -> None:  # noqa: N802
        self.save_header()
        super().hideEvent(event)
