"""信访登记: every registration, windowed, filtered, searchable, exportable (see list_base).

「文书…」 (button and the table's context menu) opens the 文书 panel of the selected registration in
a window (``ui.dialogs.notices_panel.NoticesDialog``): 不予受理/转送/重复/不再受理告知书 and the
信访事项登记表 issued or reprinted later."""
from __future__ import annotations

import importlib.util

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QMenu, QPushButton, QWidget

from app.domain.enums import Disposition, ListFlag
from app.services.petitions.lists import RegistrationFilter
from ui.context import AppContext
from ui.models.registrations import RegistrationsModel
from ui.pages.list_base import ListPageBase, fill_combo, select_data


def case_dialog_available() -> bool:
    """The case page (ui/dialogs/case_dialog.py, another developer's) is there once it lands."""
    return importlib.util.find_spec("ui.dialogs.case_dialog") is not None


def open_case(page: QWidget, case_id: int) -> bool:
    """Open the case page for ``case_id``; False when it is not available (yet)."""
    if not case_dialog_available():
        return False
    from ui.dialogs.case_dialog import CaseDialog
    dialog = CaseDialog(page.ctx, case_id, parent=page.window())
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return True


class RegistrationsListPage(ListPageBase):
    title = "信访登记"
    areas = frozenset({"registrations"})
    list_key = "registrations"
    filter_cls = RegistrationFilter
    flags = (ListFlag.GROUP_VISIT, ListFlag.LEADER_RECEPTION)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        # made before the base builds the filter bar from extra_filters()
        self.disposition_combo = QComboBox()
        fill_combo(self.disposition_combo, Disposition.choices())
        self.notices_button = QPushButton()
        self.notices_dialog = None
        super().__init__(ctx, parent)
        self.notices_button.setText(self.tr("文书…"))
        self.notices_button.setToolTip(self.tr("选中登记的告知书和登记表：出具、重印、登记送达"))
        self.notices_button.clicked.connect(self.open_notices)
        self.notices_action = QAction(self.tr("文书…"), self)
        self.notices_action.triggered.connect(self.open_notices)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)

    def extra_actions(self):
        return [self.notices_button]

    def _context_menu(self, pos: QPoint) -> None:
        index = self.view.indexAt(pos)
        if not index.isValid():
            return
        self.view.selectRow(index.row())
        menu = QMenu(self)
        menu.addAction(self.notices_action)
        menu.exec(self.view.viewport().mapToGlobal(pos))

    def selected_row(self):
        rows = self.view.selectionModel().selectedRows() if self.view.selectionModel() else []
        if not rows:
            index = self.view.currentIndex()
            if not index.isValid():
                return None
            return self.model.row_at(index.row())
        return self.model.row_at(rows[0].row())

    def open_notices(self):
        """文书… of the selected registration; returns the dialog (None when nothing selected)."""
        row = self.selected_row()
        if row is None:
            self._info(self.tr("请先选中一条登记"))
            return None
        from ui.dialogs.notices_panel import NoticesDialog
        dlg = NoticesDialog(self.ctx, registration_id=row.id,
                            title=self.tr("文书 — 登记 ") + row.reg_no, parent=self.window())
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.show()
        self.notices_dialog = dlg
        return dlg

    def make_model(self):
        return RegistrationsModel(self.ctx.db, self)

    def extra_filters(self):
        return [(self.tr("处理方式"), self.disposition_combo)]

    def read_extra(self) -> dict:
        return {"disposition": self.disposition_combo.currentData()}

    def show_extra(self, f) -> None:
        select_data(self.disposition_combo, f.disposition)

    def open_row(self, row) -> None:
        if row is None:
            return
        if row.case_id is None:
            self._info(self.tr("登记 ") + row.reg_no + self.tr(" 未受理立案，没有案件页面"))
        elif not open_case(self, row.case_id):
            self._info(self.tr("案件页面暂不可用"))
