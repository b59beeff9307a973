"""案件办理: every case with its deadline state in colour, windowed, filtered, exportable."""
from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QWidget

from app.domain.case_clock import DeadlineState
from app.domain.enums import OPEN_STATUSES_LABEL, CaseStatus, ListFlag
from app.services import lists
from app.services.lists import CaseFilter
from ui.context import AppContext
from ui.models.cases import CasesModel
from ui.operations.cases import list_handlers
from ui.pages.list_base import ListPageBase, fill_combo, select_data
from ui.pages.registrations_list import open_case

DEADLINE_CHOICES = (DeadlineState.OVERDUE, DeadlineState.DUE_SOON, DeadlineState.NORMAL,
                    DeadlineState.SUSPENDED)


class CasesListPage(ListPageBase):
    title = "案件办理"
    areas = frozenset({"cases"})
    list_key = "cases"
    filter_cls = CaseFilter
    flags = (ListFlag.SUPERVISED, ListFlag.FOCUS, ListFlag.GROUP_VISIT, ListFlag.LEADER_RECEPTION,
             ListFlag.EXTENSION_REQUESTED)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        # made before the base builds the filter bar from extra_filters()
        self.status_combo = QComboBox()
        fill_combo(self.status_combo, [(lists.OPEN, OPEN_STATUSES_LABEL)] + CaseStatus.choices())
        self.deadline_combo = QComboBox()
        fill_combo(self.deadline_combo, [(s.value, s.label) for s in DEADLINE_CHOICES])
        self.handler_combo = QComboBox()
        self.handler_combo.addItem("全部", None)
        self._handlers_loaded = False
        super().__init__(ctx, parent)

    def make_model(self):
        return CasesModel(self.ctx.db, self)

    def extra_filters(self):
        return [(self.tr("状态"), self.status_combo), (self.tr("期限"), self.deadline_combo),
                (self.tr("承办人"), self.handler_combo)]

    def hidden_keys(self) -> tuple[str, ...]:
        return ("employer_id", "person_id")

    def read_extra(self) -> dict:
        return {"status": self.status_combo.currentData(), "deadline": self.deadline_combo.currentData(),
                "handler_id": self.handler_combo.currentData()}

    def show_extra(self, f) -> None:
        select_data(self.status_combo, f.status)
        select_data(self.deadline_combo, f.deadline)
        if f.handler_id is not None and self.handler_combo.findData(f.handler_id) < 0:
            self.handler_combo.addItem(self.tr("（指定承办人）"), f.handler_id)
        select_data(self.handler_combo, f.handler_id)

    def refresh(self) -> None:
        super().refresh()
        if not self._handlers_loaded:
            self._load_handlers()

    def _load_handlers(self) -> None:
        list_handlers(self, self.ctx, on_done=self._show_handlers, on_error=self._show_error)

    def _show_handlers(self, pairs) -> None:
        self._handlers_loaded = True
        current = self.handler_combo.currentData()
        self._applying = True
        try:
            self.handler_combo.clear()
            self.handler_combo.addItem("全部", None)
            for uid, name in pairs:
                self.handler_combo.addItem(name, uid)
            if current is not None and self.handler_combo.findData(current) < 0:
                self.handler_combo.addItem(self.tr("（指定承办人）"), current)
            select_data(self.handler_combo, current)
        finally:
            self._applying = False

    def open_row(self, row) -> None:
        if row is not None and not open_case(self, row.id):
            self._info(self.tr("案件页面暂不可用"))
