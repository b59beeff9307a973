"""案件办理: every case with its deadline state in colour, windowed, filtered, exportable; several
selected cases (Ctrl/Shift + click, Ctrl+A for the rows loaded) print their notices of one kind
into one PDF (批量打印文书…)."""
from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QPushButton, QWidget

from app.domain.case_clock import OPEN_DEADLINE_STATES
from app.domain.enums import OPEN_STATUSES_LABEL, CaseStatus, ListFlag
from app.domain.errors import UserError
from app.domain.notices import NoticeKind
from app.domain.permissions import LABELS as PERM_LABELS
from app.domain.permissions import Perm, allowed
from app.services.petitions import lists
from app.services.petitions.list_services import CASES
from app.services.petitions.search import SEARCH_LIMIT
from ui.context import AppContext
from ui.dialogs.batch_print import BatchPrintDialog, summary
from ui.models.cases import COLUMNS
from ui.operations.printing import BatchPrint, batch_notices
from ui.pages.registrations_list import open_case, petition_filters
from ui.widgets.filter_bar import Choice, Lookup
from ui.widgets.list_page import LedgerListPage, ListSpec

DEADLINE_CHOICES = OPEN_DEADLINE_STATES      # a filter on open cases (closed ones have no state to act on)


def handlers(db) -> list[tuple[int, str]]:
    """The 承办人 choices (worker thread). The case service is imported only when they are read,
    not with this page (it would slow the first showing of 案件办理)."""
    from app.services.petitions import cases
    return cases.handlers(db)


class CasesListPage(LedgerListPage):
    title = "案件办理"
    areas = frozenset({"cases"})
    spec = ListSpec(
        CASES, tuple(COLUMNS),
        petition_filters(
            (Choice("status", "状态", [(lists.OPEN, OPEN_STATUSES_LABEL)] + CaseStatus.choices()),
             Choice("deadline", "期限", [(s.value, s.label) for s in DEADLINE_CHOICES]),
             Lookup("handler_id", "承办人", handlers, unknown="（指定承办人）")),
            (ListFlag.SUPERVISED, ListFlag.FOCUS, ListFlag.GROUP_VISIT, ListFlag.LEADER_RECEPTION,
             ListFlag.EXTENSION_REQUESTED, ListFlag.NOTICE_PENDING)),
        wide="summary", search_limit=SEARCH_LIMIT)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        self.print_button = QPushButton(self.tr("批量打印文书…"))     # before the base places it
        self.print_button.clicked.connect(self.print_selected)
        if not allowed(ctx.actor.role, Perm.ISSUE_NOTICE):
            self.print_button.setEnabled(False)
            self.print_button.setToolTip(self.tr("需要「") + PERM_LABELS[Perm.ISSUE_NOTICE] + self.tr("」权限"))
        self.batch_dialog: BatchPrintDialog | None = None
        self.pdf_dialog = None
        self._print_op = None
        super().__init__(ctx, parent)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.channel_combo = self.bar.widget("channel")
        self.category_combo = self.bar.widget("category")
        self.status_combo = self.bar.widget("status")
        self.deadline_combo = self.bar.widget("deadline")
        self.issue_combo = self.bar.widget("issue_type")
        self.handler_combo = self.bar.widget("handler_id")

    def extra_actions(self):
        return [self.print_button]

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
