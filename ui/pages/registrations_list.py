"""信访登记: every registration, windowed, filtered, searchable, exportable (a declaration on the
generic ``ui.widgets.list_page``).

「文书…」 (button and the table's context menu) opens the 文书 panel of the selected registration in
a window (``ui.dialogs.notices_panel.NoticesDialog``): 不予受理/转送/重复/不再受理告知书 and the
信访事项登记表 issued or reprinted later."""
from __future__ import annotations

import importlib.util

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QPushButton, QWidget

from app.domain.enums import Category, Channel, Disposition, IssueType, ListFlag
from app.services.petitions.list_services import REGISTRATIONS
from app.services.petitions.search import SEARCH_LIMIT
from ui.context import AppContext
from ui.models.registrations import COLUMNS
from ui.widgets.filter_bar import Choice, DatePeriod, FilterField, Flags, Hidden, Text
from ui.widgets.list_page import LedgerListPage, ListSpec

SEARCH_PLACEHOLDER = "内容搜索：事项摘要、诉求、事实和理由、办理记录"


def petition_filters(own: tuple[FilterField, ...], flags: tuple[ListFlag, ...]) -> tuple[FilterField, ...]:
    """The filter bar both petition lists share, with the list's ``own`` fields and flags."""
    return (DatePeriod("时间"), Choice("channel", "渠道", Channel), Choice("category", "诉求类别", Category),
            Choice("issue_type", "问题类型", IssueType), *own, Flags(flags),
            Hidden("employer_id", "单位"), Hidden("person_id", "信访人"), Text(SEARCH_PLACEHOLDER))


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


class RegistrationsListPage(LedgerListPage):
    title = "信访登记"
    areas = frozenset({"registrations"})
    spec = ListSpec(REGISTRATIONS, tuple(COLUMNS),
                    petition_filters((Choice("disposition", "处理方式", Disposition),),
                                     (ListFlag.GROUP_VISIT, ListFlag.LEADER_RECEPTION)),
                    wide="summary", search_limit=SEARCH_LIMIT)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        self.notices_button = QPushButton()      # made before the base places extra_actions()
        self.notices_dialog = None
        super().__init__(ctx, parent)
        self.channel_combo = self.bar.widget("channel")
        self.category_combo = self.bar.widget("category")
        self.issue_combo = self.bar.widget("issue_type")
        self.disposition_combo = self.bar.widget("disposition")
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

    def open_row(self, row) -> None:
        if row is None:
            return
        if row.case_id is None:
            self._info(self.tr("登记 ") + row.reg_no + self.tr(" 未受理立案，没有案件页面"))
        elif not open_case(self, row.case_id):
            self._info(self.tr("案件页面暂不可用"))
