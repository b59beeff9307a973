"""困难职工档案: every household file, windowed (keyset pages), filtered by category, state, cause,
employer, street, review due and text; exported to xlsx with ID numbers masked (unless the office
lets the role export them whole, audited). 新建档案… opens the file form; a double-click opens a file.
The list is a declaration on the generic list page (``ui.widgets.list_page``) over
``app.services.hardship.lists``."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWidget

from app.domain.hardship import Cause, FileState, HardshipCategory
from app.domain.money import format_yuan
from app.domain.permissions import LABELS as PERM_LABELS
from app.domain.permissions import Perm, allowed
from app.services.hardship import lists
from app.services.query.service import ListService
from ui.context import AppContext
from ui.models import Col
from ui.widgets.filter_bar import Choice, DatePeriod, Hidden, Lookup, Text
from ui.widgets.list_page import LedgerListPage, ListSpec

FILES = ListService(lists.FileFilter, lists.file_page, lists.count_files, lists.export_files)
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def streets(db):
    return lists.file_streets(db)


def _day(d) -> str:
    return d.isoformat() if d else ""


COLUMNS = (
    Col("file_no", "档案编号", lambda r: r.file_no, sort="file_no"),
    Col("name", "申请人", lambda r: r.person_name),
    Col("id", "身份证号", lambda r: r.id_masked),
    Col("employer", "单位", lambda r: r.employer_name),
    Col("street", "街道", lambda r: r.street),
    Col("category", "困难类别", lambda r: r.category_label),
    Col("state", "状态", lambda r: r.state_label),
    Col("causes", "致困原因", lambda r: r.causes_label),
    Col("size", "人口", lambda r: r.household_size, align=RIGHT),
    Col("per_head", "人均月收入", lambda r: format_yuan(r.per_head_fen), align=RIGHT),
    Col("applied", "申请日期", lambda r: _day(r.applied_on), sort="applied"),
    Col("filed", "建档日期", lambda r: _day(r.filed_on)),
    Col("review_due", "下次复核", lambda r: _day(r.review_due) + ("（逾期）" if r.review_overdue else ""),
        sort="review_due"),
)


class HardshipFilesPage(LedgerListPage):
    title = "困难职工档案"
    areas = frozenset({"hardship"})
    spec = ListSpec(
        FILES, COLUMNS,
        (DatePeriod("申请时间"),
         Choice("category", "困难类别", HardshipCategory),
         Choice("state", "状态", [(lists.OPEN, lists.OPEN_LABEL)] + FileState.choices()),
         Choice("cause", "致困原因", Cause),
         Choice("review", "复核", list(lists.REVIEW_CHOICES)),
         Lookup("street", "街道", streets),
         Hidden("employer_id", "单位"),
         Hidden("person_id", "申请人"),
         Text("搜索：档案编号、申请人姓名或身份证号")),
        widths={"file_no": 110, "name": 70, "id": 150, "employer": 170, "street": 90,
                "category": 72, "state": 72, "causes": 180, "size": 40, "per_head": 90,
                "applied": 86, "filed": 86})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        self.new_button = QPushButton(self.tr("新建档案…"))       # before the base places it
        self.new_button.clicked.connect(lambda: self.new_file())
        if not allowed(ctx.actor.role, Perm.FILE_HARDSHIP):
            self.new_button.setEnabled(False)
            self.new_button.setToolTip(self.tr("需要「") + PERM_LABELS[Perm.FILE_HARDSHIP] + self.tr("」权限"))
        self.dialog = None
        super().__init__(ctx, parent)

    def extra_actions(self):
        return [self.new_button]

    def new_file(self):
        from ui.pages.hardship.file_dialog import FileDialog
        dlg = FileDialog(self.ctx, parent=self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dlg
        dlg.open()
        return dlg

    def open_row(self, row):
        if row is None:
            return None
        from ui.pages.hardship.desk import open_file_dialog
        self.dialog = open_file_dialog(self.ctx, row.id, self)
        return self.dialog
