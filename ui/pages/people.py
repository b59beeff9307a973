"""人员与单位: find people (by name, pinyin initials, ID number or phone) and employers, and open
their forms.

GUI thread only. Searches run through ``ui.operations.people`` as the person types (short debounce);
an answer to an older query is dropped here by its ticket (one arriving after the page was
deleted never gets here: ``run`` drops it). The people table is keyset-paged: it holds the rows
fetched so far and asks for the next page when the view scrolls to the end (``fetchMore``).
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton,
                               QTableView, QTabWidget, QVBoxLayout, QWidget)

from app.domain.permissions import Perm, allowed
from app.services.people import EMPLOYER_LABELS, PERSON_LABELS, EmployerRecord
from app.services.people_search import PersonMatch
from ui.context import AppContext
from ui.dialogs.employer_dialog import EmployerDialog
from ui.dialogs.person_dialog import PersonDialog
from ui.operations.people import find_employers, list_people
from ui.pages.base import Page
from ui.util import read_only_rows

SEARCH_DEBOUNCE_MS = 200
PEOPLE_PAGE_SIZE = 100
EMPLOYER_LIMIT = 200
ID_ROLE = Qt.ItemDataRole.UserRole + 1

_Index = QModelIndex | QPersistentModelIndex


class _RecordModel(QAbstractTableModel):
    """A read-only table of records (frozen dataclasses with an ``id``): one row each, the cells
    from ``cells(record)`` under ``HEADERS``; ``ID_ROLE`` gives the record's id."""

    HEADERS: tuple[str, ...] = ()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[Any] = []

    def cells(self, record) -> tuple[str, ...]:  # overridden
        raise NotImplementedError

    def record_id(self, row: int) -> int | None:
        return self.rows[row].id if 0 <= row < len(self.rows) else None

    # Qt model interface
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None

    def data(self, index: _Index, role=Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        record = self.rows[index.row()]
        if role == ID_ROLE:
            return record.id
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.cells(record)[index.column()]
        return None


class PersonTableModel(_RecordModel):
    """Search results, one keyset page after another. ``more_wanted(after_key)`` asks the owner
    to fetch the next page and hand it to ``append``."""

    NAME, GENDER, ID_TAIL, PHONE, EMPLOYER, FLAGS = range(6)
    HEADERS = (PERSON_LABELS["name"], PERSON_LABELS["gender"], PERSON_LABELS["id_number"],
               PERSON_LABELS["phone"], PERSON_LABELS["employer"], "标记")

    more_wanted = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[PersonMatch] = []
        self.next_key: tuple | None = None
        self.loading_more = False

    def reset(self, page: PeoplePage) -> None:
        self.beginResetModel()
        self.rows = list(page.items)
        self.next_key = page.next_key
        self.loading_more = False
        self.endResetModel()

    def append(self, page: PeoplePage) -> None:
        self.loading_more = False
        known = {r.id for r in self.rows}
        new = [r for r in page.items if r.id not in known]
        if new:
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(new) - 1)
            self.rows.extend(new)
            self.endInsertRows()
        self.next_key = page.next_key

    def person_id(self, row: int) -> int | None:
        return self.record_id(row)

    def cells(self, r: PersonMatch) -> tuple[str, ...]:
        return (r.name, r.gender_label, r.id_tail, r.phone, r.employer_name, r.flags_label)

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: N802
        return not parent.isValid() and self.next_key is not None and not self.loading_more

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: N802
        if self.canFetchMore(parent):
            self.loading_more = True
            self.more_wanted.emit(self.next_key)


class EmployerTableModel(_RecordModel):
    NAME, USCC, INDUSTRY, STREET, HAS_UNION, CONTACT, PHONE = range(7)
    HEADERS = tuple(EMPLOYER_LABELS[k] for k in ("name", "uscc", "industry", "street", "has_union",
                                                 "contact", "phone"))

    def set_rows(self, rows: list[EmployerRecord]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def employer_id(self, row: int) -> int | None:
        return self.record_id(row)

    def cells(self, e: EmployerRecord) -> tuple[str, ...]:
        return (e.name, e.uscc or "", e.industry, e.street, "是" if e.has_union else "否",
                e.contact, e.phone)


def _table(model: QAbstractTableModel) -> QTableView:
    view = read_only_rows(QTableView())
    view.setModel(model)
    view.setAlternatingRowColors(True)
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    return view


class _SearchBox(QLineEdit):
    """Emits ``search(text)`` a moment after the typing stops, or at once on Enter."""

    search = Signal(str)

    def __init__(self, placeholder: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setPlaceholderText(placeholder)
        self.setClearButtonEnabled(True)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(SEARCH_DEBOUNCE_MS)
        self.timer.timeout.connect(self.fire)
        self.textChanged.connect(lambda _t: self.timer.start())
        self.returnPressed.connect(self.fire)

    def fire(self) -> None:
        self.timer.stop()
        self.search.emit(self.text())


class PeoplePage(Page):
    title = "人员与单位"
    areas = frozenset({"people"})

    PEOPLE_TAB, EMPLOYER_TAB = 0, 1

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self._people_ticket = 0
        self._employer_ticket = 0
        self.last_dialog: PersonDialog | EmployerDialog | None = None

        self.new_person_button = QPushButton(self.tr("新增人员"))
        self.new_employer_button = QPushButton(self.tr("新增单位"))
        self.edit_button = QPushButton(self.tr("编辑"))
        self.edit_button.setEnabled(False)
        may_edit = allowed(ctx.actor.role, Perm.EDIT_PEOPLE)
        self.new_person_button.setEnabled(may_edit)
        self.new_employer_button.setEnabled(may_edit)
        self.new_person_button.clicked.connect(lambda: self.open_person())
        self.new_employer_button.clicked.connect(lambda: self.open_employer())
        self.edit_button.clicked.connect(self.edit_selected)
        self.history_button = QPushButton(self.tr("查看记录"))   # petition desk: ui/dialogs/person_history.py
        self.history_button.clicked.connect(self.show_history)
        buttons = QHBoxLayout()
        for b in (self.new_person_button, self.new_employer_button, self.edit_button,
                  self.history_button):
            buttons.addWidget(b)
        buttons.addStretch(1)

        # people tab
        self.search = _SearchBox(self.tr("姓名、拼音首字母（如 zs）、身份证号或电话"))
        self.search.search.connect(self.search_people)
        self.model = PersonTableModel(self)
        self.model.more_wanted.connect(self._fetch_more)
        self.table = _table(self.model)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.status = QLabel()
        people_tab = QWidget()
        pl = QVBoxLayout(people_tab)
        pl.addWidget(self.search)
        pl.addWidget(self.table, 1)
        pl.addWidget(self.status)

        # employer tab
        self.employer_search = _SearchBox(self.tr("单位名称、拼音首字母或统一社会信用代码"))
        self.employer_search.search.connect(self.search_employers)
        self.employer_model = EmployerTableModel(self)
        self.employer_table = _table(self.employer_model)
        self.employer_table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.employer_table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.employer_status = QLabel()
        employer_tab = QWidget()
        el = QVBoxLayout(employer_tab)
        el.addWidget(self.employer_search)
        el.addWidget(self.employer_table, 1)
        el.addWidget(self.employer_status)

        self.tabs = QTabWidget()
        self.tabs.addTab(people_tab, self.tr("人员"))
        self.tabs.addTab(employer_tab, self.tr("单位"))
        self.tabs.currentChanged.connect(self._update_buttons)

        from ui.pages.hardship.desk import PersonHardshipBox     # the selected person's file, payments
        self.hardship = PersonHardshipBox(ctx)
        self.table.selectionModel().selectionChanged.connect(
            lambda *_: self.hardship.show_person(self._selected_person_id()))

        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.hardship)

    # -------------------------------------------------------------- searching

    def refresh(self) -> None:
        self.search_people(self.search.text())
        self.search_employers(self.employer_search.text())

    def search_people(self, text: str) -> None:
        self._people_ticket += 1
        ticket = self._people_ticket
        self.status.setText(self.tr("正在查找…"))
        list_people(self, self.ctx, text, None, PEOPLE_PAGE_SIZE,
                    on_done=lambda page: self._people_found(ticket, page))

    def _people_found(self, ticket: int, page: PeoplePage) -> None:
        if ticket != self._people_ticket:
            return  # a newer search is on its way
        self.model.reset(page)
        self._show_people_status()
        self._update_buttons()

    def _fetch_more(self, after_key: tuple) -> None:
        ticket, text = self._people_ticket, self.search.text()

        def got(page: PeoplePage) -> None:
            if ticket == self._people_ticket:
                self.model.append(page)
                self._show_people_status()

        def failed(_exc: BaseException) -> None:
            self.model.loading_more = False
        list_people(self, self.ctx, text, after_key, PEOPLE_PAGE_SIZE, on_done=got, on_error=failed)

    def _show_people_status(self) -> None:
        n = len(self.model.rows)
        if not self.search.text().strip():
            text = self.tr("最近登记的人员")
        elif n == 0:
            text = self.tr("没有找到，可点「新增人员」登记")
        else:
            text = self.tr("找到 %n 人", "", n)
        if self.model.next_key is not None:
            text += self.tr("（向下滚动显示更多）")
        self.status.setText(text)

    def search_employers(self, text: str) -> None:
        self._employer_ticket += 1
        ticket = self._employer_ticket
        find_employers(self, self.ctx, text, EMPLOYER_LIMIT,
                       on_done=lambda rows: self._employers_found(ticket, rows))

    def _employers_found(self, ticket: int, rows: list[EmployerRecord]) -> None:
        if ticket != self._employer_ticket:
            return
        self.employer_model.set_rows(rows)
        self.employer_status.setText(self.tr("共 %n 个单位", "", len(rows))
                                     if rows else self.tr("没有找到，可点「新增单位」登记"))
        self._update_buttons()

    # -------------------------------------------------------------- forms

    def _selected_person_id(self) -> int | None:
        row = self._selected_row(self.table)
        return self.model.person_id(row) if row is not None else None

    def _selected_row(self, view: QTableView) -> int | None:
        rows = view.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def _update_buttons(self, *_args) -> None:
        view = self.table if self.tabs.currentIndex() == self.PEOPLE_TAB else self.employer_table
        self.edit_button.setEnabled(allowed(self.ctx.actor.role, Perm.EDIT_PEOPLE)
                                    and self._selected_row(view) is not None)

    def edit_selected(self) -> None:
        if self.tabs.currentIndex() == self.PEOPLE_TAB:
            row = self._selected_row(self.table)
            if row is not None:
                self.open_person(self.model.person_id(row))
        else:
            row = self._selected_row(self.employer_table)
            if row is not None:
                self.open_employer(self.employer_model.employer_id(row))

    def show_history(self):
        """查看记录: the selected person's (or employer's) registrations and cases."""
        from ui.dialogs.person_history import PersonHistoryDialog
        if self.tabs.currentIndex() == self.PEOPLE_TAB:
            row = self._selected_row(self.table)
            if row is None:
                return None
            r = self.model.rows[row]
            dlg = PersonHistoryDialog(self.ctx, person_id=r.id, title=r.name, parent=self)
        else:
            row = self._selected_row(self.employer_table)
            if row is None:
                return None
            e = self.employer_model.rows[row]
            dlg = PersonHistoryDialog(self.ctx, employer_id=e.id, title=e.name, parent=self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.open()
        return dlg

    def open_person(self, person_id: int | None = None) -> PersonDialog:
        dlg = PersonDialog(self.ctx, person_id, self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.last_dialog = dlg
        dlg.open()
        return dlg

    def open_employer(self, employer_id: int | None = None) -> EmployerDialog:
        dlg = EmployerDialog(self.ctx, employer_id, self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.last_dialog = dlg
        dlg.open()
        return dlg
