"""设置 → 操作日志: browse the audit trail (administrators and managers, Perm.VIEW_AUDIT).

Filters by date range, user, object kind, action and text; newest first; pages of ``PAGE_SIZE``
fetched by keyset (``audit.search(before_id=…)``) when 「加载更多」 is pressed, so the table never
holds more than what was asked for. Reads go through ``ui.operations.audit`` and
``ui.operations.accounts``.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDateEdit, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QPushButton, QTableView, QVBoxLayout, QWidget)

from app.domain import clock
from app.domain.settings import BY_KEY
from app.services import audit
from app.services.audit import AuditEntry
from ui.context import AppContext
from ui.operations.accounts import list_users
from ui.operations.audit import search_audit
from ui.pages.base import Page
from ui.util import pydate, qdate, read_only_rows

PAGE_SIZE = 200
COL_AT, COL_USER, COL_ENTITY, COL_ENTITY_ID, COL_ACTION, COL_BEFORE, COL_AFTER = range(7)
HEADERS = ("时间", "用户", "对象", "编号", "操作", "变更前", "变更后")
SHORT = 80  # characters of before/after shown in a cell; the tooltip has all
ALL = "全部"
SETTING_LABELS = {key: s.label for key, s in BY_KEY.items()}


def change_text(raw: str | None, full: bool = False) -> str:
    """An audit JSON value for people: ``{"a":1,"b":"x"}`` → 「a: 1；b: x」."""
    if not raw:
        return ""
    try:
        data = json.loads(raw)
    except ValueError:
        return raw
    if isinstance(data, dict):
        parts = [f"{audit.field_label(k)}: {audit.value_text(k, v)}" for k, v in data.items()]
        text = ("\n" if full else "；").join(parts)
    else:
        text = str(data)
    if not full and len(text) > SHORT:
        text = text[:SHORT - 1] + "…"
    return text


class AuditTableModel(QAbstractTableModel):
    """The rows fetched so far (newest first); ``append`` adds the next page at the bottom."""

    def __init__(self, user_names: dict[str, str] | None = None, parent=None):
        super().__init__(parent)
        self.entries: list[AuditEntry] = []
        self.user_names = user_names or {}

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.entries)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        e = self.entries[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell(e, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == COL_BEFORE:
                return change_text(e.before, full=True) or None
            if col == COL_AFTER:
                return change_text(e.after, full=True) or None
            if col == COL_ENTITY:
                return e.entity
            if col == COL_ACTION:
                return e.action
            if col == COL_USER:
                return e.username
        if role == Qt.ItemDataRole.UserRole:
            return e.id
        return None

    def cell(self, e: AuditEntry, col: int) -> str:
        if col == COL_AT:
            return e.at.strftime("%Y-%m-%d %H:%M:%S")
        if col == COL_USER:
            name = self.user_names.get(e.username)
            return f"{name}（{e.username}）" if name else e.username
        if col == COL_ENTITY:
            return audit.entity_label(e.entity)
        if col == COL_ENTITY_ID:
            if e.entity == "setting" and e.entity_id in SETTING_LABELS:
                return f"{SETTING_LABELS[e.entity_id]}（{e.entity_id}）"
            return e.entity_id
        if col == COL_ACTION:
            return audit.action_label(e.action)
        if col == COL_BEFORE:
            return change_text(e.before)
        return change_text(e.after)

    def reset(self, entries: list[AuditEntry]) -> None:
        self.beginResetModel()
        self.entries = list(entries)
        self.endResetModel()

    def append(self, entries: list[AuditEntry]) -> None:
        if not entries:
            return
        first = len(self.entries)
        self.beginInsertRows(QModelIndex(), first, first + len(entries) - 1)
        self.entries.extend(entries)
        self.endInsertRows()

    @property
    def last_id(self) -> int | None:
        return self.entries[-1].id if self.entries else None


@dataclass(frozen=True)
class Filters:
    entity: str | None = None
    username: str | None = None
    action: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    text: str | None = None


class AuditPage(Page):
    title = "操作日志"
    areas = frozenset({"audit"})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self._seq = 0
        self.filters = Filters()
        self.has_more = False
        self.model = AuditTableModel(parent=self)

        today = clock.today()
        self.use_dates = QCheckBox(self.tr("日期"))
        self.date_from = QDateEdit(qdate(today - timedelta(days=30)))
        self.date_to = QDateEdit(qdate(today))
        for edit in (self.date_from, self.date_to):
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setCalendarPopup(True)
            edit.setEnabled(False)
        self.user = QComboBox()
        self.user.setObjectName("user_filter")
        self.user.setEditable(True)
        self.user.setMinimumContentsLength(12)
        self.user.addItem(self.tr(ALL), None)
        self.entity = QComboBox()
        self.entity.setObjectName("entity_filter")
        self.entity.addItem(self.tr(ALL), None)
        for code, label in audit.ENTITY_LABELS.items():
            self.entity.addItem(label, code)
        self.action = QComboBox()
        self.action.setObjectName("action_filter")
        self.action.addItem(self.tr(ALL), None)
        for code, label in audit.ACTION_LABELS.items():
            self.action.addItem(label, code)
        self.text = QLineEdit()
        self.text.setObjectName("text_filter")
        self.text.setPlaceholderText(self.tr("编号或变更内容中的文字"))
        self.text.setClearButtonEnabled(True)
        self.search_button = QPushButton(self.tr("查询"))
        self.more_button = QPushButton(self.tr("加载更多"))
        self.more_button.setEnabled(False)
        self.status = QLabel()

        row1 = QHBoxLayout()
        row1.addWidget(self.use_dates)
        row1.addWidget(self.date_from)
        row1.addWidget(QLabel(self.tr("至")))
        row1.addWidget(self.date_to)
        row1.addSpacing(12)
        row1.addWidget(QLabel(self.tr("用户")))
        row1.addWidget(self.user)
        row1.addWidget(QLabel(self.tr("对象")))
        row1.addWidget(self.entity)
        row1.addWidget(QLabel(self.tr("操作")))
        row1.addWidget(self.action)
        row1.addStretch(1)
        row2 = QHBoxLayout()
        row2.addWidget(QLabel(self.tr("包含文字")))
        row2.addWidget(self.text, 1)
        row2.addWidget(self.search_button)

        self.view = QTableView()
        self.view.setObjectName("audit_table")
        self.view.setModel(self.model)
        read_only_rows(self.view, single=False)
        self.view.setWordWrap(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(COL_BEFORE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_AFTER, QHeaderView.ResizeMode.Stretch)
        fm = self.fontMetrics()
        for col, sample in ((COL_AT, "2026-11-22 22:03:42"), (COL_USER, "王主任（zhangsan）"),
                            (COL_ENTITY, "困难职工档案"), (COL_ENTITY_ID, "2026-000123"),
                            (COL_ACTION, "重置密码")):
            self.view.setColumnWidth(col, fm.horizontalAdvance(sample) + 16)

        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.more_button)

        layout = QVBoxLayout(self)
        layout.addLayout(row1)
        layout.addLayout(row2)
        layout.addWidget(self.view, 1)
        layout.addLayout(bottom)

        self.use_dates.toggled.connect(self.date_from.setEnabled)
        self.use_dates.toggled.connect(self.date_to.setEnabled)
        self.search_button.clicked.connect(self.search)
        self.text.returnPressed.connect(self.search)
        self.more_button.clicked.connect(self.load_more)
        self._load_users()

    def _load_users(self) -> None:
        list_users(self, self.ctx, on_done=self._users_loaded, on_error=lambda _e: None)

    def _users_loaded(self, users) -> None:
        names = {u.username: u.display_name for u in users}
        names.setdefault("system", "系统")
        names.setdefault("cli", "命令行")
        self.model.user_names = names
        typed = self.user.currentText()
        self.user.blockSignals(True)
        while self.user.count() > 1:
            self.user.removeItem(1)
        for username, display in sorted(names.items()):
            self.user.addItem(f"{display}（{username}）", username)
        self.user.setCurrentIndex(0)
        if typed and typed != self.tr(ALL):
            self.user.setEditText(typed)
        self.user.blockSignals(False)
        if self.model.rowCount():
            top, bottom = self.model.index(0, COL_USER), self.model.index(self.model.rowCount() - 1, COL_USER)
            self.model.dataChanged.emit(top, bottom)

    # ---------------------------------------------------------------- querying
    def current_filters(self) -> Filters:
        username = None
        text = self.user.currentText().strip()
        index = self.user.findText(text)
        if index >= 0:
            username = self.user.itemData(index)
        elif text and text != self.tr(ALL):
            username = text  # a name typed in, e.g. one no longer in the user list
        date_from = date_to = None
        if self.use_dates.isChecked():
            date_from, date_to = pydate(self.date_from.date()), pydate(self.date_to.date())
            if date_to < date_from:
                date_from, date_to = date_to, date_from
        return Filters(entity=self.entity.currentData(), username=username,
                       action=self.action.currentData(), date_from=date_from, date_to=date_to,
                       text=self.text.text().strip() or None)

    def refresh(self) -> None:
        self._load_users()
        self._query(self.filters, append=False)

    def search(self) -> None:
        self.filters = self.current_filters()
        self._query(self.filters, append=False)

    def load_more(self) -> None:
        if self.has_more and self.model.last_id is not None:
            self._query(self.filters, append=True)

    def _query(self, f: Filters, append: bool) -> None:
        self._seq += 1
        seq = self._seq
        before_id = self.model.last_id if append else None
        self.search_button.setEnabled(False)
        self.more_button.setEnabled(False)
        self.status.setText(self.tr("正在查询…"))

        search_audit(self, self.ctx, entity=f.entity, username=f.username, action=f.action,
                     date_from=f.date_from, date_to=f.date_to, text=f.text, before_id=before_id,
                     limit=PAGE_SIZE + 1, on_done=lambda rows: self._loaded(seq, rows, append),
                     on_error=lambda exc: self._failed(seq, exc))

    def _loaded(self, seq: int, rows: list[AuditEntry], append: bool) -> None:
        if seq != self._seq:
            return
        self.has_more = len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE]
        if append:
            self.model.append(rows)
        else:
            self.model.reset(rows)
        self.search_button.setEnabled(True)
        self.more_button.setEnabled(self.has_more)
        n = self.model.rowCount()
        if n == 0:
            self.status.setText(self.tr("没有符合条件的记录"))
        elif self.has_more:
            self.status.setText(self.tr("已显示 {0} 条，按「加载更多」继续").format(n))
        else:
            self.status.setText(self.tr("已显示全部 {0} 条").format(n))

    def _failed(self, seq: int, exc: BaseException) -> None:
        if seq != self._seq:
            return
        from ui.operations import show_error
        self.search_button.setEnabled(True)
        self.more_button.setEnabled(self.has_more)
        self.status.setText("")
        show_error(self, exc)
