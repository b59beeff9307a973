'''The generic list page of every ledger: a filter bar built from a declaration, a windowed table
over keyset pages (``ui.models.KeysetModel``: the count arrives later, 「跳到末尾」 reads the last
rows backwards), sorting by a click on a header, a column chooser whose layout is remembered, saved
filters (``app.services.query.saved_filters``, through the filter registry), export to xlsx with a
progress dialog, and a content search cut short by its time budget that goes on when
「已搜索至 …，继续搜索更早的记录」 is clicked.

A ledger's list page is a declaration, not a copy::

    from app.domain.enums import Period                       # (the period picker offers them all)
    from app.domain.hardship import FileStatus, Hardship      # LabelledEnums of the ledger
    from app.services.hardship import files                    # the service: filter, page, count…
    from app.services.query.service import ListService
    from ui.models import Col
    from ui.widgets.filter_bar import Choice, DatePeriod, Hidden, Lookup, Text, YesNo
    from ui.widgets.list_page import LedgerListPage, ListSpec

    FILES = ListService(files.FileFilter, files.file_page, files.count_files, files.export_xlsx)

    class HardshipFilesPage(LedgerListPage):
        title = "困难职工档案"
        areas = frozenset({"hardship"})             # AppContext.changed areas that refresh it
        spec = ListSpec(
            FILES,
            columns=(
                Col("file_no", "档案编号", lambda r: r.file_no, sort="file_no"),
                Col("name", "姓名", lambda r: r.name),
                Col("status", "状态", lambda r: r.status_label, sort="status"),
                Col("opened_on", "建档日期", lambda r: r.opened_on.isoformat(), sort="opened"),
            ),
            filters=(
                DatePeriod("建档时间"),                        # period / date_from / date_to
                Choice("status", "状态", FileStatus),          # choice from an enum
                Choice("hardship", "困难类型", Hardship),
                YesNo("has_students", "有在读子女"),           # 全部 / 是 / 否 → None/True/False
                Lookup("employer_id", "单位", files.employers),   # (db) -> [(id, name)], loaded later
                Hidden("person_id", "职工"),                   # set from outside only
                Text("搜索：姓名、身份证号后四位、困难情形"),   # the filter's ``text``
            ),
            wide="name", widths={"file_no": 110, "opened_on": 86})   # first-show widths

        def open_row(self, row):                      # double-click (optional)
            ...

The service side (contract: ``app.services.query.service``), e.g. in ``app/services/hardship/files.py``::

    @register_filter                                   # app.services.query.filters
    @dataclass(frozen=True)
    class FileFilter:
        LIST = "hardship_files"                        # saved filters find the class by this
        period: str | None = None                      # DatePeriod
        date_from: date | None = None
        date_to: date | None = None
        status: str | None = None                      # Choice
        has_students: bool | None = None               # YesNo
        employer_id: int | None = None                 # Lookup
        person_id: int | None = None                   # Hidden
        text: str = ""                                 # Text (answered as one complete page)
        sort: str = "file_no"                          # a key of SORTS (paging.SortSpec)
        descending: bool = True

    def file_page(db, f, *, after=None, before=None, tail=False, limit=100) -> ListPage:
        with db.read() as s:
            raw, more = read_page(s, select(...).where(*conditions(f)), sort_spec(SORTS, f.sort),
                                  HardshipFile.id, f.descending, after=after, before=before,
                                  tail=tail, limit=limit)          # app.services.query.paging
            return ListPage(tuple(row(r) for r in raw), more)     # rows with ``id`` and ``key``

    def export_xlsx(db, actor, f, path, *, full_ids=False, progress=None):
        return export_table(db, actor, f, path, perm=Perm.VIEW_HARDSHIP, name="困难职工档案",
                            columns=export_columns, count=lambda: count_files(db, f),
                            rows=lambda tick: every_row(file_page, db, f, progress=tick),
                            words=lambda: describe(f), today=clock.today(),
                            full_ids=full_ids, progress=progress)  # app.services.query.export

Register the page in ``ui/main_window.py``'s navigation. The filter class and the three service
calls are described in ``app.services.query.service`` (``ListService``); the page reads its rows
and count through ``ListService.page`` / ``count`` off the GUI thread, exports through ``export``
(no export button when it is None). ``page.bar.widget("status")`` is the status drop-down, and
``page.apply_filter(files.FileFilter(status="open"))`` shows and lists a filter from outside.

Hooks a page may override: ``extra_actions()`` (its own buttons, placed before 列…),
``open_row(row)``, ``default_filter()``, ``make_model()``. Dialog helpers (``ask_name``,
``ask_export_path``) are small methods so tests can replace them; errors show in ``message`` (a
label under the table), never in a modal box.
'''
from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QHBoxLayout, QInputDialog,
                               QLabel, QMenu, QPushButton, QTableView, QVBoxLayout, QWidget)

from app.domain import clock
from app.domain.errors import Cancelled, UserError
from app.domain.money import format_yuan
from app.services.query.service import ListService
from ui.context import AppContext
from ui.file_dialogs import Purpose, save_file
from ui.models import Col, KeysetModel
from ui.operations.lists import (delete_filter, export_xlsx, list_saved_filters, load_choices,
                                 load_total, save_filter)
from ui.pages.base import Page
from ui.util import ERROR_STYLE
from ui.widgets.filter_bar import FilterBar, FilterField

log = logging.getLogger(__name__)

LINK_STYLE = "QPushButton { color: #1565c0; text-decoration: underline; border: none; padding: 0 4px; }"
WIDE = 320          # first-show width of the spec's ``wide`` column


def searched_back_to_text(day: date) -> str:
    """「已搜索至 2024年3月1日，继续搜索更早的记录」"""
    return f"已搜索至 {day.year}年{day.month}月{day.day}日，继续搜索更早的记录"


@dataclass(frozen=True)
class ListSpec:
    """A ledger's list: its service, its columns, its filter fields."""
    service: ListService
    columns: tuple[Col, ...]
    filters: tuple[FilterField, ...]
    key: str = ""                    # where the column layout is remembered (default: the LIST name)
    wide: str | None = None          # a column key shown WIDE px wide until the person resizes
    widths: Mapping[str, int] = field(default_factory=dict)   # first-show widths (key → px) too
    search_limit: int | None = None  # a content search shows at most this many hits (said so)
    total_label: str = "金额合计"     # the footer's words before the service's ``total`` (money)

    @property
    def list_key(self) -> str:
        return self.key or self.service.name


class LedgerListPage(Page):
    spec: ListSpec
    SETTINGS_GROUP = "ListPages"

    @property
    def filter_cls(self) -> type:
        return self.spec.service.filter_cls

    @property
    def list_key(self) -> str:
        return self.spec.list_key

    def make_model(self) -> KeysetModel:
        service, db = self.spec.service, self.ctx.db
        return KeysetModel(list(self.spec.columns), lambda f, **k: service.page(db, f, **k),
                           lambda f: service.count(db, f), self)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.model = self.make_model()
        self._lookups_loaded = False

        # ---- filter bar (the page's names for the generic parts)
        self.bar = FilterBar(self.spec.filters, today=lambda: self.today())
        picker = self.bar.period
        self.period_combo = picker.combo if picker else None
        self.date_from = picker.date_from if picker else None
        self.date_to = picker.date_to if picker else None
        self.text_edit = self.bar.text_edit
        self.flag_boxes = self.bar.flag_boxes
        self.hidden_label = self.bar.hidden_label
        self.clear_hidden_button = self.bar.clear_hidden_button

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
        if self.spec.service.export is None:
            self.export_button.hide()
            self.full_ids_box.hide()

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
        self.total_label = QLabel()      # the service's money sum of the listed rows, if it has one
        self.total_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
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
        status.addWidget(self.total_label)
        status.addWidget(self.continue_button)
        status.addWidget(self.message, 1)

        layout = QVBoxLayout(self)
        layout.addWidget(self.bar)
        layout.addLayout(actions)
        layout.addWidget(self.view, 1)
        layout.addLayout(status)

        # ---- wiring
        self.bar.changed.connect(self.apply)
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

    # ------------------------------------------------------------ hooks

    def extra_actions(self) -> list[QWidget]:
        """Buttons of the page's own, placed before 列… / 跳到末尾 / 导出 Excel…."""
        return []

    def default_filter(self):
        return self.filter_cls()

    def open_row(self, row) -> None:
        """Double-click on a row."""

    def today(self) -> date:
        """The day relative periods are resolved on (tests replace it)."""
        return clock.today()

    # ------------------------------------------------------------ filter ⇄ widgets

    @property
    def hidden_filter(self) -> dict:
        return self.bar.hidden

    def current_filter(self):
        base = self.model.filter or self.default_filter()
        return replace(self.filter_cls(**self.bar.read()), sort=base.sort, descending=base.descending)

    def show_filter(self, f) -> None:
        self.bar.show(f)

    def apply_filter(self, f) -> None:
        """Show ``f`` in the filter bar and list what it selects (workbench buttons call this)."""
        self.show_filter(f)
        self._filter_ready = True
        self._stale = False
        self.model.set_filter(f)
        self._sort_indicator()

    def apply(self) -> None:
        self.message.clear()
        self.model.set_filter(self.current_filter())
        self._filter_ready = True
        self._sort_indicator()

    def clear_hidden(self) -> None:
        self.bar.clear_hidden()

    def reset(self) -> None:
        self.apply_filter(self.default_filter())

    def refresh(self) -> None:
        if self._filter_ready:
            self.model.refresh()
        else:
            self.apply_filter(self.default_filter())
        self.load_saved()
        if not self._lookups_loaded:
            self.load_lookups()

    def load_lookups(self) -> None:
        """Fill the Lookup drop-downs (off the GUI thread), once."""
        for fld in self.bar.lookups():
            def done(pairs, key=fld.key) -> None:
                self._lookups_loaded = True
                self.bar.set_lookup(key, pairs)
            load_choices(self, self.ctx, fld.load, on_done=done, on_error=self._show_error)

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
        searching = bool(getattr(self.model.filter, "text", "").strip()) if self.model.filter else False
        self._show_search_state()
        limit = self.spec.search_limit
        if n is None:
            self.count_label.setText(self.tr("正在搜索…") if searching else self.tr("正在统计…"))
        elif searching:
            self.count_label.setText(self.tr("找到 ") + str(n) + self.tr(" 条")
                                     + (self.tr("（只显示最新的 ") + str(limit) + self.tr(" 条）")
                                        if limit and n >= limit else ""))
        else:
            self.count_label.setText(self.tr("共 ") + f"{n:,}" + self.tr(" 条"))
        self._load_total(n)

    def _load_total(self, n) -> None:
        """The footer's 合计 of the rows now listed: asked when their count arrives, shown only if
        the filter is still the same when it comes back."""
        total = self.spec.service.total
        if total is None:
            return
        f = self.model.filter
        if n is None or f is None:
            self.total_label.setText("")
            return

        def shown(fen: int) -> None:
            if self.model.filter is f:
                self.total_label.setText(f"　{self.spec.total_label} {format_yuan(fen)}")
        self.total_label.setText(f"　{self.spec.total_label} …")
        load_total(self, self.ctx, total, f, on_done=shown, on_error=self._show_error)

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
        header = self.view.horizontalHeader()
        if isinstance(state, QByteArray) and not state.isEmpty():
            header.restoreState(state)
            return
        # the first showing, before the person has a layout of their own: an ID number or a date
        # read whole, the spec's wide column wide
        widths = dict(self.spec.widths)
        if self.spec.wide:
            widths[self.spec.wide] = WIDE
        for key, width in widths.items():
            header.resizeSection(self.model.column_index(key), width)

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
        if self.spec.service.export is None:
            return None
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
        return export_xlsx(self, self.ctx, self.spec.service.export, f, path, full,
                           self.tr("正在导出…"), on_done=done, on_error=self._show_error)

    def hideEvent(self, event) -> None:  # noqa: N802
        self.save_header()
        super().hideEvent(event)
