"""信访登记: every registration, windowed, filtered, searchable, exportable (see list_base)."""
from __future__ import annotations

import importlib.util

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QWidget

from app.domain.enums import Disposition, ListFlag
from app.services.lists import RegistrationFilter
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
        super().__init__(ctx, parent)

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
