"""The hardship ledger's parts of other pages: the 工作台's two lists (files overdue for review,
files where 脱困 is proposed) and a person's file and payments, as the person page and the
registration side panel show them. GUI thread only; reads go through ``ui.operations.hardship``;
double-clicking a file opens its form (``FileDialog``).
"""
from __future__ import annotations

import logging
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QGroupBox, QHBoxLayout, QLabel, QListWidget, QListWidgetItem,
                               QPushButton, QVBoxLayout, QWidget)

from app.domain.money import format_yuan
from app.domain.permissions import Perm, allowed
from ui.context import AppContext
from ui.operations import hardship as ops
from ui.pages.hardship.parts import payment_line

log = logging.getLogger(__name__)

ID_ROLE = Qt.ItemDataRole.UserRole + 1
LIST_HEIGHT = 96


def open_file_dialog(ctx: AppContext, file_id: int, parent: QWidget):
    """Open the file form (deleted when closed) and return it."""
    from ui.pages.hardship.file_dialog import FileDialog
    dlg = FileDialog(ctx, file_id, parent)
    dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dlg.open()
    return dlg


def brief_line(b, what: str) -> str:
    """「K2026-000012 张伟 深度困难 复核到期 2026-11-02」"""
    category = b.category.label if b.category else "类别待确认"
    return f"{b.file_no}  {b.person_name}  {category}  {what}"


class HardshipDesk(QWidget):
    """The 工作台's hardship box: two lists, each line a file; double-click opens it.
    ``load(today)`` reads them in the background."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.dialog = None
        self.overdue_list, self.poverty_list = QListWidget(), QListWidget()
        self.overdue_title = QLabel("<b>" + self.tr("逾期未复核的档案") + "</b>")
        self.poverty_title = QLabel("<b>" + self.tr("建议脱困的档案（人均收入连续高于低保）") + "</b>")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for title, lst in ((self.overdue_title, self.overdue_list),
                           (self.poverty_title, self.poverty_list)):
            lst.setMaximumHeight(LIST_HEIGHT)
            lst.itemActivated.connect(self._open)
            col = QVBoxLayout()
            col.addWidget(title)
            col.addWidget(lst)
            row.addLayout(col, 1)

    def load(self, today: date) -> None:
        ops.load_hardship_desk(self, self.ctx, today, on_done=self._show,
                               on_error=lambda e: log.warning("hardship desk: %r", e))

    def _show(self, lists) -> None:
        overdue, poverty = lists
        self.overdue_list.clear()
        self.poverty_list.clear()
        for b in overdue:
            self._add(self.overdue_list, b, f"复核到期 {b.review_due}")
        for b in poverty:
            self._add(self.poverty_list, b, f"人均 {format_yuan(b.per_head_fen)}，自 {b.above_line_since} 起高于低保")
        self.overdue_title.setText("<b>" + self.tr("逾期未复核的档案") + f"（{len(overdue)}）</b>")
        self.poverty_title.setText("<b>" + self.tr("建议脱困的档案（人均收入连续高于低保）")
                                   + f"（{len(poverty)}）</b>")
        self.setVisible(bool(overdue or poverty))

    @staticmethod
    def _add(lst: QListWidget, b, what: str) -> None:
        item = QListWidgetItem(brief_line(b, what))
        item.setData(ID_ROLE, b.id)
        lst.addItem(item)

    def _open(self, item: QListWidgetItem):
        self.dialog = open_file_dialog(self.ctx, item.data(ID_ROLE), self)
        return self.dialog


class PersonHardshipBox(QGroupBox):
    """困难帮扶 of one person: their file (number, state, category, next review) and their
    payments, newest first, with 打开档案. ``show_person(id)`` reads them; ``show_person(None)``
    empties the box."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(self.tr("困难帮扶"), parent)
        self.ctx = ctx
        self.summary = None
        self.dialog = None
        self._ticket = 0
        self.file_label = QLabel(self.tr("—"))
        self.file_label.setWordWrap(True)
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_button = QPushButton(self.tr("打开档案"))
        self.open_button.setAutoDefault(False)
        self.open_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.open_button.clicked.connect(self.open_file)
        self.open_button.hide()
        self.payments = QListWidget()
        self.payments.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.payments.setMaximumHeight(LIST_HEIGHT)
        top = QHBoxLayout()
        top.addWidget(self.file_label, 1)
        top.addWidget(self.open_button)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.payments)
        self.setVisible(allowed(ctx.actor.role, Perm.VIEW_HARDSHIP))

    def show_person(self, person_id: int | None) -> None:
        self._ticket += 1
        ticket = self._ticket
        if person_id is None:
            self._show(None)
            return
        ops.person_summary(self, self.ctx, person_id,
                           on_done=lambda s: self._show(s) if ticket == self._ticket else None,
                           on_error=lambda e: log.warning("person summary: %r", e))

    def _show(self, summary) -> None:
        self.summary = summary
        self.payments.clear()
        if summary is None:
            self.file_label.setText("—")
            self.open_button.hide()
            return
        if summary.file_id is None:
            text = self.tr("未建立困难职工档案")
        else:
            text = f"档案 {summary.file_no}  {summary.file_state.label}  {summary.category or '类别待确认'}"
            if summary.review_due:
                text += f"  下次复核 {summary.review_due}"
        text += f"\n累计发放 {format_yuan(summary.paid_fen)}，本年 {format_yuan(summary.paid_this_year_fen)}"
        if summary.pending:
            text += f"，待审批或待发放 {summary.pending} 笔"
        self.file_label.setText(text)
        self.open_button.setVisible(summary.file_id is not None)
        for p in summary.payments:
            self.payments.addItem(payment_line(p))
        if not summary.payments:
            self.payments.addItem(self.tr("（无帮扶记录）"))

    def open_file(self):
        if self.summary is None or self.summary.file_id is None:
            return None
        self.dialog = open_file_dialog(self.ctx, self.summary.file_id, self)
        return self.dialog

