"""The steps of a saved claim, each a small dialog: 批准 (审批意见), 不予给付 (the coded reason —
the computed one first — and 说明) and 登记给付 (date and voucher). GUI thread only; the claim form
(``ui.pages.mutual_aid.claim_dialog``) opens them and makes the service call."""
from __future__ import annotations

from PySide6.QtCore import QDate, QSize
from PySide6.QtWidgets import (QComboBox, QDateEdit, QDialog, QFormLayout, QLabel, QLineEdit,
                               QPlainTextEdit, QVBoxLayout, QWidget)

from app.domain import clock
from app.domain.money import format_yuan
from app.domain.mutual_aid import MANUAL_REFUSALS
from ui.util import ok_cancel, qdate
from ui.windows import fit_to_screen

BLANK_DATE = QDate(2000, 1, 1)          # a date box at its minimum reads 「未填」


def date_edit(blank: bool = True) -> QDateEdit:
    d = QDateEdit()
    d.setCalendarPopup(True)
    d.setDisplayFormat("yyyy-MM-dd")
    d.setMinimumDate(BLANK_DATE)
    d.setSpecialValueText("未填")
    d.setDate(BLANK_DATE if blank else qdate(clock.today()))
    return d



class StepDialog(QDialog):
    """批准 (审批意见), 不予给付 (coded reason and 说明) or 登记给付 (date and voucher) of one claim."""

    def __init__(self, step: str, claim, parent: QWidget | None = None):
        super().__init__(parent)
        self.step = step
        titles = {"approve": "批准给付", "refuse": "不予给付", "pay": "登记给付"}
        self.setWindowTitle(self.tr(titles[step]) + f" {claim.claim_no}")
        form = QFormLayout()
        form.addRow(self.tr("参保人"), QLabel(f"{claim.person_name}（{claim.id_masked}）"))
        form.addRow(self.tr("计划"), QLabel(f"{claim.plan_year} {claim.plan_code} {claim.plan_name}"))
        self.reason_combo = QComboBox()
        self.date_edit = date_edit(blank=False)
        self.voucher_edit = QLineEdit()
        self.note_edit = QPlainTextEdit()
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setFixedHeight(70)
        if step == "approve":
            form.addRow(self.tr("给付金额"), QLabel(format_yuan(claim.benefit_fen)))
            form.addRow(self.tr("计算"), self._wrapped(claim.explanation))
            form.addRow(self.tr("审批意见"), self.note_edit)
        elif step == "refuse":
            reasons = ([claim.refusal] if claim.refusal else []) + [
                r for r in MANUAL_REFUSALS if r is not claim.refusal]
            for r in reasons:
                self.reason_combo.addItem(r.label + (self.tr("（按计划规则）") if r is claim.refusal else ""),
                                          r.value)
            if claim.refusal:
                form.addRow(self.tr("计算"), self._wrapped(claim.explanation))
            form.addRow(self.tr("不予给付原因"), self.reason_combo)
            form.addRow(self.tr("说明"), self.note_edit)
        else:
            form.addRow(self.tr("给付金额"), QLabel(format_yuan(claim.benefit_fen)))
            form.addRow(self.tr("给付日期"), self.date_edit)
            self.voucher_edit.setPlaceholderText(self.tr("付款凭证号"))
            form.addRow(self.tr("凭证号"), self.voucher_edit)
        buttons = ok_cancel(self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        fit_to_screen(self, QSize(520, 300))

    def _wrapped(self, text: str) -> QLabel:
        label = QLabel(text)
        label.setWordWrap(True)
        return label

    def note(self) -> str:
        return self.note_edit.toPlainText().strip()
