"""案件办理: every case with its deadline state in colour, windowed, filtered, exportable; several
selected cases (Ctrl/Shift + click, Ctrl+A for the rows loaded) print their notices of one kind
into one PDF (批量打印文书…)."""
from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QComboBox, QPushButton, QWidget

from app.domain.case_clock import OPEN_DEADLINE_STATES
from app.domain.enums import OPEN_STATUSES_LABEL, CaseStatus, ListFlag
from app.domain.errors import UserError
from app.domain.notices import NoticeKind
from app.domain.permissions import LABELS as PERM_LABELS
from app.domain.permissions import Perm, allowed
from app.services.petitions import lists
from app.services.petitions.lists import CaseFilter
from ui.context import AppContext
from ui.models.cases import CasesModel
from ui.dialogs.batch_print import BatchPrintDialog, summary
from ui.operations.cases import list_handlers
from ui.operations.printing import BatchPrint, batch_notices
from ui.pages.list_base import ListPageBase, fill_combo, select_data
from ui.pages.registrations_list import open_case

DEADLINE_CHOICES = OPEN_DEADLINE_STATES      # a filter on open cases (closed ones have no state to act on)


class CasesListPage(ListPageBase):
    title = "案件办理"
    areas = frozenset({"cases"})
    list_key = "cases"
    filter_cls = CaseFilter
    flags = (ListFlag.SUPERVISED, ListFlag.FOCUS, ListFlag.GROUP_VISIT, ListFlag.LEADER_RECEPTION,
             ListFlag.EXTENSION_REQUESTED, ListFlag.NOTICE_PENDING)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        # made before the base builds the filter bar from extra_filters()
        self.status_combo = QComboBox()
        fill_combo(self.status_combo, [(lists.OPEN, OPEN_STATUSES_LABEL)] + CaseStatus.choices())
        self.deadline_combo = QComboBox()
        fill_combo(self.deadline_combo, [(s.value, s.label) for s in DEADLINE_CHOICES])
        self.handler_combo = QComboBox()
        self.handler_combo.addItem("全部", None)
        self._handlers_loaded = False
        self.print_button = QPushButton(self.tr("批量打印文书…"))
        self.print_button.clicked.connect(self.print_selected)
        if not allowed(ctx.actor.role, Perm.ISSUE_NOTICE):
            self.print_button.setEnabled(False)
            self.print_button.setToolTip(self.tr("需要「") + PERM_LABELS[Perm.ISSUE_NOTICE] + self.tr("」权限"))
        self.batch_dialog: BatchPrintDialog | None = None
        self.pdf_dialog = None
        self._print_op = None
        super().__init__(ctx, parent)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)

    def make_model(self):
        return CasesModel(self.ctx.db, self)

    def extra_filters(self):
        return [(self.tr("状态"), self.status_combo), (self.tr("期限"), self.deadline_combo),
                (self.tr("承办人"), self.handler_combo)]

    def extra_actions(self):
        return [self.print_button]

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

    # ------------------------------------------------------------ batch printing

    def selected_case_ids(self) -> list[int]:
        """The selected cases in list order (only loaded rows can be selected)."""
        rows = sorted({i.row() for i in self.view.selectionModel().selectedRows()})
        return [r.id for r in (self.model.row_at(i) for i in rows) if r is not None]

    def print_selected(self) -> BatchPrintDialog | None:
        ids = self.selected_case_ids()
        if not ids:
            self._show_error(UserError("请先在列表中选择要打印文书的案件（按住 Ctrl 或 Shift 可多选）",
                                       "no case selected"))
            return None
        dlg = BatchPrintDialog(len(ids), self)
        dlg.accepted.connect(lambda: self.start_batch(dlg.kind, ids, dlg.issue_missing))
        self.batch_dialog = dlg
        dlg.open()
        return dlg

    def start_batch(self, kind: str, case_ids: list[int], issue_missing: bool) -> None:
        self.print_button.setEnabled(False)
        self._print_op = batch_notices(self, self.ctx, kind, case_ids, issue_missing=issue_missing,
                                       on_done=lambda r: self._batch_done(kind, r),
                                       on_error=self._batch_failed)

    def _batch_failed(self, exc: BaseException) -> None:
        self.print_button.setEnabled(True)
        self._show_error(exc)

    def _batch_done(self, kind: str, result: BatchPrint) -> None:
        from ui.pdfview import PdfDialog
        self.print_button.setEnabled(True)
        label = NoticeKind(kind).label
        note = summary(result, label)
        if not result.pdf:
            self._show_error(UserError(note, "nothing to print"))
            return
        self._info(note.splitlines()[0])
        self.pdf_dialog = PdfDialog(result.pdf, self.tr("批量打印：") + label, f"{label}（批量）.pdf",
                                    self, note=note)
        self.pdf_dialog.open()
