"""文书: the notices 告知书 of a case or registration, and the small dialogs to issue, deliver and void.

GUI thread only. Every read and write goes through ``ui.operations.notices``; the service checks
the permission, the kind against the case's or registration's state and the office profile, and
refuses with a Chinese message.

* ``NoticesPanel(ctx, case_id=…)`` or ``(ctx, registration_id=…)``: a table of every notice issued
  (文书, 文号, 出具日期, 出具人, 收件人, 送达, 状态) with 出具… / 预览/打印 / 登记送达… / 作废…. A
  kind that does not fit may still be chosen; the service's refusal shows in the panel's red
  ``error_label`` (no message box). Double-click a row = preview. A role without
  ``Perm.ISSUE_NOTICE`` sees the list; the acting buttons are disabled with a tooltip.
* ``OfferBar``: the inline offer shown where a decision is taken (「已受理。出具受理告知书？
  [出具并预览] [以后再说]」); 出具并预览 issues the notice and opens the print preview.
* ``NoticesDialog``: the panel in a window of its own (the 信访登记 list's 文书…).
* ``show_pdf``: every notice shown goes through ``ui.pdfview.PdfDialog``, with a note naming the
  characters no font has (printed as 〓) and any warning of the renderer.
"""
from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QComboBox, QDateEdit, QDialog, QDialogButtonBox, QFormLayout,
                               QFrame, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QPlainTextEdit, QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from app.domain import clock
from app.domain.errors import UserError
from app.domain.notices import DeliveryMethod, NoticeKind
from app.domain.permissions import LABELS as PERM_LABELS
from app.domain.permissions import Perm, allowed
from ui.context import AppContext
from ui.dialogs.action_dialog import ActionDialog
from ui.operations import Operation, show_error
from ui.operations import notices as ops
from ui.pdfview import PdfDialog
from ui.util import ERROR_STYLE, day_text, ok_cancel, qdate, read_only_rows

log = logging.getLogger(__name__)

COLUMNS = ("文书", "文号", "出具日期", "出具人", "收件人", "送达", "状态")
VOID_TEXT = "已作废"
VALID_TEXT = "有效"
VOID_COLOUR = "#8a8a8a"
BAR_STYLE = ("QFrame#noticeOffer { background: #fff4c2; color: #5c4300; border: 1px solid #e0c050;"
             " border-radius: 4px; padding: 4px; }")

# What is offered where the decision is taken: (the decision, the notice).
OFFER_TEXT = {
    NoticeKind.ACCEPT: "已受理。",
    NoticeKind.REJECT: "不予受理。",
    NoticeKind.TRANSFER: "已转送。",
    NoticeKind.REPEAT: "已按重复信访登记。",
    NoticeKind.NO_MORE: "不再受理。",
    NoticeKind.ASSIGN: "已交办。",
    NoticeKind.EXTEND: "延期已批准。",
    NoticeKind.REPLY: "已办结。",
}


def missing_perm_tip() -> str:
    return "需要「" + PERM_LABELS[Perm.ISSUE_NOTICE] + "」权限"


def render_note(result, records=()) -> str:
    """The one note under the preview: the warnings of notices just issued (a deadline counted
    without the year's holiday data), characters no font has and the renderer's warnings."""
    parts = [w for rec in records for w in (getattr(rec, "warnings", ()) or ())]
    missing = tuple(getattr(result, "missing", ()) or ())
    if missing:
        parts.append("以下字符在所有字体中都没有，打印为「〓」：" + "、".join(missing)
                     + "。请在「设置」中选择含有这些字的字体，或手写补正。")
    parts.extend(str(w) for w in (getattr(result, "warnings", ()) or ()))
    return "\n".join(parts)


def pdf_title(records) -> str:
    """「受理告知书 朝工信受〔2026〕12号」 for one notice (「（已作废）」 added when void), 「文书」 for several."""
    recs = list(records)
    if len(recs) != 1:
        return "文书"
    r = recs[0]
    return r.kind_label + (" " + r.doc_no if r.doc_no else "") + ("（已作废）" if r.is_void else "")


def pdf_name(records) -> str:
    recs = list(records)
    if len(recs) == 1:
        r = recs[0]
        return f"{r.kind_label}{('_' + r.doc_no) if r.doc_no else ''}.pdf"
    return "文书.pdf"


def show_pdf(parent: QWidget, data: bytes, result, title: str, name: str,
             records=()) -> PdfDialog:
    """Open the print preview of ``data`` (non-blocking) and return it; ``records`` just issued
    add their warnings to the note."""
    dlg = PdfDialog(data, title, name, parent, note=render_note(result, records))
    dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dlg.show()
    return dlg


# ---------------------------------------------------------------- small dialogs

class KindDialog(QDialog):
    """出具…: choose the kind. Every kind is offered; the service explains one that does not fit."""

    def __init__(self, kinds: list[NoticeKind], parent: QWidget | None = None,
                 preselect: NoticeKind | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("出具文书"))
        self.kind_combo = QComboBox()
        for k in kinds:
            self.kind_combo.addItem(k.label, k.value)
        if preselect is not None:
            i = self.kind_combo.findData(preselect.value)
            if i >= 0:
                self.kind_combo.setCurrentIndex(i)
        hint = QLabel(self.tr("出具后即占用文号，不能撤回，只能作废。"))
        hint.setStyleSheet("color: #555;")
        form = QFormLayout()
        form.addRow(self.tr("文书种类"), self.kind_combo)
        buttons = ok_cancel(self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(buttons)

    def kind(self) -> str:
        return self.kind_combo.currentData()


# ---------------------------------------------------------------- the panel

class NoticesPanel(QWidget):
    """The 文书 list of a case (``case_id``: its own notices and its registration's) or of a
    registration. ``records`` holds the loaded ``NoticeRecord``s (row order); ``dialog`` the small
    dialog last opened and ``pdf_dialog`` the last preview (tests drive them). ``changed`` after
    an issue, delivery or void of this panel; ``loaded`` after each (re)load."""

    changed = Signal()
    loaded = Signal()

    def __init__(self, ctx: AppContext, case_id: int | None = None,
                 registration_id: int | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        if case_id is None and registration_id is None:
            raise ValueError("NoticesPanel needs a case or a registration")
        self.ctx = ctx
        self.case_id = case_id
        self.registration_id = registration_id
        self.records: list = []
        self.dialog: QDialog | None = None
        self.pdf_dialog: PdfDialog | None = None
        self.busy = False
        self._select_after: int | None = None
        self.can_issue = allowed(ctx.actor.role, Perm.ISSUE_NOTICE)

        self.table = read_only_rows(QTableWidget(0, len(COLUMNS)))
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in COLUMNS])
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.table.itemDoubleClicked.connect(lambda _item: self.preview())
        self.table.itemSelectionChanged.connect(self._update_buttons)

        self.issue_button = QPushButton(self.tr("出具…"))
        self.preview_button = QPushButton(self.tr("预览/打印"))
        self.deliver_button = QPushButton(self.tr("登记送达…"))
        self.void_button = QPushButton(self.tr("作废…"))
        for b in (self.issue_button, self.preview_button, self.deliver_button, self.void_button):
            b.setAutoDefault(False)
        self.issue_button.clicked.connect(lambda: self.open_issue())
        self.preview_button.clicked.connect(self.preview)
        self.deliver_button.clicked.connect(lambda: self.open_delivery())
        self.void_button.clicked.connect(lambda: self.open_void())
        if not self.can_issue:
            for b in (self.issue_button, self.deliver_button, self.void_button):
                b.setToolTip(self.tr(missing_perm_tip()))

        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.hide()
        self.hint_label = QLabel()
        self.hint_label.setStyleSheet("color: #555;")
        self.hint_label.hide()

        buttons = QHBoxLayout()
        for b in (self.issue_button, self.preview_button, self.deliver_button, self.void_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.hint_label)
        layout.addLayout(buttons)
        ctx.changed.connect(self._areas_changed)
        self._update_buttons()
        self.reload()

    # ------------------------------------------------------------ loading

    def _areas_changed(self, areas: set) -> None:
        if "notices" in areas:
            self.reload()

    def reload(self) -> None:
        ops.load_notices(self, self.ctx, case_id=self.case_id,
                         registration_id=self.registration_id, on_done=self._loaded,
                         on_error=self._show_error)

    def _loaded(self, records) -> None:
        selected = self.selected()
        keep = self._select_after or (selected.id if selected is not None else None)
        self._select_after = None
        self.records = list(records)
        self.table.setRowCount(len(self.records))
        for row, r in enumerate(self.records):
            cells = (r.kind_label, r.doc_no or "—", day_text(r.issued_at), r.issued_by_name,
                     r.addressee, r.delivery_label or ("—" if not r.kind.numbered
                                                       else self.tr("未送达")),
                     self.tr(VOID_TEXT) if r.is_void else self.tr(VALID_TEXT))
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, r.id)
                if r.is_void:
                    item.setForeground(Qt.GlobalColor.gray)
                    item.setToolTip(self.tr("作废原因：") + r.void_reason)
                self.table.setItem(row, col, item)
            if r.id == keep:
                self.table.selectRow(row)
        self.hint_label.setText(self.tr("尚未出具文书") if not self.records else "")
        self.hint_label.setVisible(not self.records)
        self._update_buttons()
        self.loaded.emit()

    def select_notice(self, notice_id: int) -> bool:
        for row, r in enumerate(self.records):
            if r.id == notice_id:
                self.table.selectRow(row)
                return True
        return False

    def selected(self):
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        row = rows[0].row()
        return self.records[row] if 0 <= row < len(self.records) else None

    def _update_buttons(self) -> None:
        rec = self.selected()
        self.issue_button.setEnabled(self.can_issue)
        self.preview_button.setEnabled(rec is not None)
        self.deliver_button.setEnabled(self.can_issue and rec is not None and not rec.is_void)
        self.void_button.setEnabled(self.can_issue and rec is not None and not rec.is_void)

    def _show_error(self, exc: BaseException) -> None:
        self.busy = False
        if isinstance(exc, UserError):
            self.error_label.setText(exc.message)
            self.error_label.show()
        else:
            show_error(self, exc)

    def _acted(self, rec) -> None:
        self.error_label.hide()
        self._select_after = rec.id if rec is not None else None
        self.changed.emit()
        self.reload()

    # ------------------------------------------------------------ 出具

    def kinds(self) -> list[NoticeKind]:
        """Every kind; a case's own kinds first, the registration sheet last."""
        from app.domain.notices import SUBJECT
        first = "case" if self.case_id is not None else "registration"
        ordered = [k for k in NoticeKind if SUBJECT[k] == first and k is not NoticeKind.REGISTER_SHEET]
        ordered += [k for k in NoticeKind if k not in ordered and k is not NoticeKind.REGISTER_SHEET]
        return ordered + [NoticeKind.REGISTER_SHEET]

    def open_issue(self, preselect: NoticeKind | None = None) -> KindDialog:
        dlg = KindDialog(self.kinds(), self, preselect)
        dlg.accepted.connect(lambda: self.issue(dlg.kind()))
        self.dialog = dlg
        dlg.open()
        return dlg

    def issue(self, kind: str, preview: bool = True) -> Operation | None:
        """Issue ``kind`` for this case / registration; on success the list reloads and (by
        default) the new notice is previewed. A refusal shows in ``error_label``."""
        if self.busy or not self.can_issue:
            return None
        self.busy = True
        self.error_label.hide()

        def issued(answer: ops.Issued) -> None:
            self.busy = False
            rec = answer.record
            self._select_after = rec.id
            self.changed.emit()
            self.reload()
            if answer.render_error is not None:
                self._show_error(answer.render_error)
            elif preview:
                self.pdf_dialog = show_pdf(self, answer.pdf, answer.result, pdf_title([rec]),
                                           pdf_name([rec]), [rec])
        return ops.issue_and_render(self, self.ctx, kind, case_id=self.case_id,
                                    registration_id=self.registration_id if self.case_id is None else None,
                                    render=preview, on_done=issued, on_error=self._show_error)

    # ------------------------------------------------------------ 预览/打印

    def preview(self) -> Operation | None:
        rec = self.selected()
        if rec is None:
            return None
        return self.preview_ids([rec.id], [rec])

    def preview_ids(self, ids: list[int], records=()) -> Operation:
        recs = list(records)

        def rendered(answer) -> None:
            data, result = answer
            self.pdf_dialog = show_pdf(self, data, result, pdf_title(recs), pdf_name(recs), recs)
        return ops.notice_pdf(self, self.ctx, ids, on_done=rendered, on_error=self._show_error)

    # ------------------------------------------------------------ 登记送达 / 作废

    def open_delivery(self) -> ActionDialog | None:
        rec = self.selected()
        if rec is None:
            return None
        method = QComboBox()
        method.addItem(self.tr("（请选择）"), None)
        for m in DeliveryMethod:
            method.addItem(m.label, m.value)
        if rec.delivery_method is not None:
            method.setCurrentIndex(method.findData(rec.delivery_method.value))
        day = QDateEdit()
        day.setCalendarPopup(True)
        day.setDisplayFormat("yyyy-MM-dd")
        day.setDate(qdate(rec.delivered_on or clock.today()))
        recipient = QLineEdit(rec.delivery_recipient or rec.addressee.split("等")[0])
        recipient.setPlaceholderText(self.tr("签收人姓名（当面、邮寄必填）"))
        ctx, notice_id = self.ctx, rec.id

        def start(parent, v, on_done, on_error):
            return ops.record_delivery(parent, ctx, notice_id, v["method"], v["delivered_on"],
                                       v["recipient"], on_done=on_done, on_error=on_error)
        dlg = ActionDialog(self.tr("登记送达 ") + rec.named, [
            ("method", "送达方式", method), ("delivered_on", "送达日期", day),
            ("recipient", "签收人", recipient)], start, self)
        dlg.done.connect(self._acted)
        self.dialog = dlg
        dlg.open()
        return dlg

    def open_void(self) -> ActionDialog | None:
        rec = self.selected()
        if rec is None:
            return None
        reason = QPlainTextEdit()
        reason.setTabChangesFocus(True)
        reason.setFixedHeight(80)
        ctx, notice_id = self.ctx, rec.id

        def start(parent, v, on_done, on_error):
            return ops.void(parent, ctx, notice_id, v["reason"], on_done=on_done,
                            on_error=on_error)
        dlg = ActionDialog(self.tr("作废 ") + rec.named, [
            ("reason", "作废原因", reason)], start, self)
        info = QLabel(self.tr("作废后文号不再使用，文书仍可查看和重印（带作废标记）。"))
        info.setWordWrap(True)
        dlg.layout().insertWidget(0, info)
        dlg.done.connect(self._acted)
        self.dialog = dlg
        dlg.open()
        return dlg


class NoticesDialog(QDialog):
    """The 文书 panel of one registration (or case) in its own window."""

    def __init__(self, ctx: AppContext, *, registration_id: int | None = None,
                 case_id: int | None = None, title: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title or self.tr("文书"))
        self.resize(820, 420)
        self.panel = NoticesPanel(ctx, case_id=case_id, registration_id=registration_id)
        close = QPushButton(self.tr("关闭"))
        close.setAutoDefault(False)
        close.clicked.connect(self.close)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel, 1)
        layout.addLayout(bottom)


# ---------------------------------------------------------------- the offer bar

class OfferBar(QFrame):
    """「已受理。出具受理告知书？ [出具并预览] [以后再说]」 — shown where a decision was just taken.
    ``offer(kind, case_id=…|registration_id=…)`` shows it; 出具并预览 issues the notice and opens
    the print preview (``pdf_dialog``); a refusal stays in the bar in red. ``issued(record)``
    after a notice was issued."""

    issued = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.kind: NoticeKind | None = None
        self.case_id: int | None = None
        self.registration_id: int | None = None
        self.busy = False
        self.record = None
        self.pdf_dialog: PdfDialog | None = None
        self.setObjectName("noticeOffer")
        self.setStyleSheet(BAR_STYLE)
        self.label = QLabel()
        self.label.setStyleSheet("color: #5c4300;")
        self.label.setWordWrap(True)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.hide()
        self.issue_button = QPushButton(self.tr("出具并预览"))
        self.later_button = QPushButton(self.tr("以后再说"))
        for b in (self.issue_button, self.later_button):
            b.setAutoDefault(False)
        self.issue_button.clicked.connect(self.issue)
        self.later_button.clicked.connect(self.dismiss)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.label, 1)
        row.addWidget(self.issue_button)
        row.addWidget(self.later_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(6, 2, 6, 2)
        column.addLayout(row)
        column.addWidget(self.error_label)
        self.hide()

    def offer(self, kind: NoticeKind, *, case_id: int | None = None,
              registration_id: int | None = None) -> bool:
        """Show the offer (not for a role that may not issue notices); True when shown."""
        if not allowed(self.ctx.actor.role, Perm.ISSUE_NOTICE):
            self.hide()
            return False
        self.kind, self.case_id, self.registration_id = kind, case_id, registration_id
        self.record = None
        self.label.setText(self.tr(OFFER_TEXT.get(kind, "")) + self.tr("出具") + kind.label
                           + self.tr("？"))
        self.error_label.hide()
        self.issue_button.setEnabled(True)
        self.show()
        return True

    def dismiss(self) -> None:
        self.kind = None
        self.error_label.hide()
        self.hide()

    def issue(self) -> Operation | None:
        if self.kind is None or self.busy:
            return None
        self.busy = True
        self.issue_button.setEnabled(False)
        self.error_label.hide()
        kind = self.kind

        def done(answer: ops.Issued) -> None:
            self.busy = False
            rec = self.record = answer.record
            self.hide()
            self.issued.emit(rec)
            if answer.render_error is not None:     # issued all the same: no second 出具 offered
                show_error(self.window(), answer.render_error)
                return
            self.pdf_dialog = show_pdf(self.window(), answer.pdf, answer.result, pdf_title([rec]),
                                       pdf_name([rec]), [rec])

        return ops.issue_and_render(self, self.ctx, kind.value, case_id=self.case_id,
                                    registration_id=self.registration_id if self.case_id is None else None,
                                    on_done=done, on_error=self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self.issue_button.setEnabled(True)
        if not isinstance(exc, UserError):
            show_error(self, exc)
            return
        self.error_label.setText(exc.message)
        self.error_label.show()
        self.show()
