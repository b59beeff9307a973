"""The assistance dialogs 帮扶记录: 申请帮扶 (kind, amount, fund, date, 物资 with value, note; for a
file, or 临时救助 for a person without one), and a record's 批准 / 不予批准 / 登记发放.

GUI thread only; every call goes through ``ui.operations.hardship`` and the service decides. The
proposal shows what is left of the kind's yearly cap beside the amount; a proposal over the cap is
refused under 金额 with the remaining amount (the service's text). The same kind twice in one month
comes back as a warning: it is shown in the dialog with 「已知悉，仍要申请」, and 确定 again sends
it acknowledged. The step dialogs keep the service's refusal (a fund short of money, a file closed
meanwhile) in their red label; nothing was written.
"""
from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QHBoxLayout, QLabel, QLineEdit, QListWidget,
                               QPushButton, QVBoxLayout, QWidget)

from app.domain import clock
from app.domain.hardship import AssistanceKind, FileState, PayMethod, SchoolLevel
from app.domain.money import format_yuan
from app.domain.permissions import Perm, allowed
from ui.context import AppContext
from ui.dialogs.action_dialog import ActionDialog, widget_value
from ui.operations import OnDone, OnError
from ui.operations import hardship as ops
from ui.operations.intake import lookup_people
from ui.pages.hardship.parts import date_edit, payment_line
from ui.step_buttons import Step
from ui.pages.register_fields import BAR_STYLE, LookupField
from ui.util import HINT_STYLE, combo, text_edit

log = logging.getLogger(__name__)

# the steps of a record after its proposal (PAYMENT_WORKFLOW's), with the permission each needs
PAYMENT_STEPS: tuple[Step, ...] = (
    Step("approve", "批准", Perm.APPROVE_HARDSHIP),
    Step("refuse", "不予批准", Perm.APPROVE_HARDSHIP),
    Step("pay", "登记发放", Perm.PAY_HARDSHIP),
)


class PaymentDialog(ActionDialog):
    """申请帮扶. With ``file_id`` the household's file (``file_text`` says which); without, a
    person of the registry — whose active file is used when they have one, else only 临时救助.
    ``case_id``: a case's 经济帮扶 measure (the record is linked to it)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, file_id: int | None = None,
                 file_text: str = "", person_id: int | None = None, person_name: str = "",
                 kind: str | None = None):
        self.ctx = ctx
        self.file_id = file_id
        self.kind_combo = combo(AssistanceKind.choices())
        if kind is not None:
            self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(kind)))
        elif file_id is None:
            self.kind_combo.setCurrentIndex(self.kind_combo.findData(AssistanceKind.TEMPORARY.value))
        self.amount_edit = QLineEdit()
        self.amount_edit.setPlaceholderText("元，例如 2000 或 1234.50")
        self.cap_label = QLabel("…")
        self.cap_label.setStyleSheet(HINT_STYLE)
        self.cap_label.setWordWrap(True)
        self.fund_combo = QComboBox()
        self.fund_combo.addItem("（请选择资金来源）", None)
        self.date_edit = date_edit(clock.today())
        self.goods_edit = QLineEdit()
        self.goods_edit.setPlaceholderText("如：大米 2 袋、食用油 1 桶")
        self.goods_value_edit = QLineEdit()
        self.goods_value_edit.setPlaceholderText("元")
        self.note_edit = text_edit(50)
        self.student_edit = QLineEdit()
        self.student_id_edit = QLineEdit()
        self.level_combo = combo([(x.value, x.label) for x in SchoolLevel], "（请选择）")
        self.warning_label = QLabel()
        self.warning_label.setWordWrap(True)
        self.warning_label.setStyleSheet(BAR_STYLE)
        self.acknowledge_box = QCheckBox("已知悉，仍要申请")
        if file_id is not None:
            self.person_field = None
            recipient: tuple[str, str, QWidget] = ("file", "档案", QLabel(file_text))
        else:
            self.person_field = LookupField(self._search_people, "姓名、拼音首字母、身份证号或电话")
            if person_id is not None:
                self.person_field.set_value(person_id, person_name)
            self.person_field.picked.connect(lambda *_: self._person_picked())
            recipient = ("person", "帮扶对象", self.person_field)
        rows = [recipient, ("kind", "帮扶类别", self.kind_combo), ("amount", "金额", self.amount_edit),
                ("cap", "", self.cap_label), ("fund_id", "资金来源", self.fund_combo),
                ("assist_on", "帮扶日期", self.date_edit), ("goods", "物资", self.goods_edit),
                ("goods_value", "物资价值", self.goods_value_edit), ("note", "备注", self.note_edit),
                ("student_name", "学生姓名", self.student_edit),
                ("student_id_number", "学生身份证号", self.student_id_edit),
                ("school_level", "就读阶段", self.level_combo)]
        super().__init__("申请帮扶", rows, self._start, parent)
        lay = self.layout()
        lay.insertWidget(lay.indexOf(self.error_label), self.warning_label)
        lay.insertWidget(lay.indexOf(self.error_label), self.acknowledge_box)
        self.warning_label.hide()
        self.acknowledge_box.hide()
        self.kind_combo.currentIndexChanged.connect(lambda _i: self._kind_changed())
        self.date_edit.dateChanged.connect(lambda _d: self.show_cap())
        self._cap_ticket = 0
        self._kind_changed()
        ops.load_funds(self, ctx, include_inactive=False, on_done=self._funds_loaded,
                       on_error=lambda e: log.warning("funds: %s", e))
        if self.person_field is not None and person_id is not None:
            self._person_picked()

    # ------------------------------------------------------------ choices

    def _search_people(self, parent: QWidget, text: str, on_done: OnDone, on_error: OnError):
        def rows(found) -> None:
            on_done([(m.id, "  ".join(p for p in (m.name, m.id_tail, m.phone, m.employer_name) if p),
                      m.name) for m, _when in found])
        return lookup_people(parent, self.ctx, text, 10, on_done=rows, on_error=on_error)

    def _person_picked(self) -> None:
        """A person picked: their active file, when they have one, carries the proposal."""
        self.file_id = None
        pid = self.person_field.selected_id if self.person_field else None
        if pid is None:
            self.show_cap()
            return

        def got(rec) -> None:
            if self.person_field is None or self.person_field.selected_id != pid:
                return
            active = rec is not None and rec.state is FileState.ACTIVE and rec.person_id == pid
            self.file_id = rec.id if active else None
            self.cap_label.setText(f"按档案 {rec.file_no} 申请" if active else "")
            self.show_cap()
        ops.file_of_person(self, self.ctx, pid, on_done=got,
                           on_error=lambda e: log.warning("file of person: %s", e))

    def _funds_loaded(self, funds) -> None:
        for f in funds:
            self.fund_combo.addItem(f"{f.name}（可用 {format_yuan(f.available_fen)}）", f.id)

    def _kind_changed(self) -> None:
        study = self.kind_combo.currentData() == AssistanceKind.STUDY.value
        for w in (self.student_edit, self.student_id_edit, self.level_combo):
            w.setEnabled(study)
        self.show_cap()

    def show_cap(self) -> None:
        """What is left of the kind's cap this year, beside the amount (background)."""
        self._cap_ticket += 1
        ticket = self._cap_ticket
        person = self.person_field.selected_id if self.person_field is not None else None
        if self.file_id is None and person is None:
            self.cap_label.setText("")
            return
        kind, year = self.kind_combo.currentData(), self.date_edit.date().year()

        def shown(info) -> None:
            if ticket != self._cap_ticket:
                return
            if info.left_fen is None:
                self.cap_label.setText(f"{info.kind.label}不设年度上限")
            else:
                self.cap_label.setText(f"{info.kind.label}每年最高 {format_yuan(info.cap_fen)}，"
                                       f"{info.year}年已安排 {format_yuan(info.used_fen)}，"
                                       f"还可安排 {format_yuan(info.left_fen)}")

        def failed(exc) -> None:
            if ticket == self._cap_ticket:
                self.cap_label.setText(getattr(exc, "message", str(exc)))
        ops.remaining_cap(self, self.ctx, kind, year, file_id=self.file_id,
                          person_id=None if self.file_id is not None else person,
                          on_done=shown, on_error=failed)

    # ------------------------------------------------------------ proposing

    def values(self) -> dict[str, Any]:
        keys = ("kind", "amount", "fund_id", "assist_on", "goods", "goods_value", "note",
                "student_name", "student_id_number", "school_level")
        v = {k: widget_value(self.widgets[k]) for k in keys}
        v["file_id"] = self.file_id
        v["person_id"] = self.person_field.selected_id if self.person_field is not None else None
        return v

    def payment_input(self, v: dict[str, Any]):
        from app.services.hardship.payments import PaymentInput
        study = v["kind"] == AssistanceKind.STUDY.value
        return PaymentInput(
            kind=v["kind"], amount=v["amount"], fund_id=v["fund_id"], assist_on=v["assist_on"],
            file_id=v["file_id"], person_id=v["person_id"], goods=v["goods"],
            goods_value=v["goods_value"], note=v["note"],
            student_name=v["student_name"] if study else "",
            student_id_number=v["student_id_number"] if study else "",
            school_level=v["school_level"] if study else None)

    def _start(self, parent: QWidget, v: dict[str, Any], on_done: OnDone, on_error: OnError):
        acknowledge = self.acknowledge_box.isVisible() and self.acknowledge_box.isChecked()
        return ops.propose_payment(parent, self.ctx, self.payment_input(v), acknowledge=acknowledge,
                                   on_done=on_done, on_error=on_error)

    def submit(self) -> None:
        if self.warning_label.isVisible() and not self.acknowledge_box.isChecked():
            self.acknowledge_box.setFocus()
            return
        super().submit()

    def _failed(self, exc: BaseException) -> None:
        from app.services.hardship.payments import SameMonthWarning
        if isinstance(exc, SameMonthWarning):
            self.busy = False
            self.ok_button.setEnabled(True)
            self.warning_label.setText(exc.warning)
            self.warning_label.show()
            self.acknowledge_box.setChecked(False)
            self.acknowledge_box.show()
            self.acknowledge_box.setFocus()
            return
        super()._failed(exc)


# ---------------------------------------------------------------- a record's steps

def _record_text(p) -> QLabel:
    who = f"{p.person_name}（{p.id_masked}）" + (f"　档案 {p.file_no}" if p.file_no else "　未建档")
    label = QLabel(f"{who}\n{payment_line(p)}"
                   + (f"\n同月提示（已确认）：{p.warning_acknowledged}" if p.warning_acknowledged else "")
                   + (f"\n备注：{p.note}" if p.note else ""))
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def approve_dialog(ctx: AppContext, p, parent: QWidget | None = None) -> ActionDialog:
    """批准: the record shown, 确定 approves (the fund's available money is checked)."""
    def start(dlg, _v, on_done, on_error):
        return ops.approve_payment(dlg, ctx, p.id, on_done=on_done, on_error=on_error)
    return ActionDialog("批准帮扶", [("info", "", _record_text(p))], start, parent)


def refuse_dialog(ctx: AppContext, p, parent: QWidget | None = None) -> ActionDialog:
    def start(dlg, v, on_done, on_error):
        return ops.refuse_payment(dlg, ctx, p.id, reason=v["reason"], on_done=on_done,
                                  on_error=on_error)
    return ActionDialog("不予批准", [("info", "", _record_text(p)),
                                 ("reason", "不予批准理由", text_edit(80))], start, parent)


def pay_dialog(ctx: AppContext, p, parent: QWidget | None = None) -> ActionDialog:
    def start(dlg, v, on_done, on_error):
        return ops.pay_payment(dlg, ctx, p.id, paid_on=v["paid_on"], method=v["method"],
                               voucher_no=v["voucher_no"], on_done=on_done, on_error=on_error)
    return ActionDialog("登记发放", [
        ("info", "", _record_text(p)), ("paid_on", "发放日期", date_edit(clock.today())),
        ("method", "发放方式", combo(PayMethod.choices())), ("voucher_no", "凭证号", QLineEdit())],
        start, parent)


STEP_DIALOGS = {"approve": approve_dialog, "refuse": refuse_dialog, "pay": pay_dialog}


class FilePaymentsTab(QWidget):
    """The file form's 帮扶记录 tab: the household's assistance records and 申请帮扶… (enabled when
    the file may take a payment: 在档, the workflow's ``pay`` step)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.record = None
        self.dialog = None
        self.list = QListWidget()
        self.propose_button = QPushButton(self.tr("申请帮扶…"))
        self.propose_button.setAutoDefault(False)
        self.propose_button.clicked.connect(lambda: self.propose())
        row = QHBoxLayout()
        row.addWidget(self.propose_button)
        row.addStretch(1)
        lay = QVBoxLayout(self)
        lay.addLayout(row)
        lay.addWidget(self.list, 1)

    def show_file(self, rec) -> None:
        self.record = rec
        why = rec.refusals.get("pay")
        if why is None and not allowed(self.ctx.actor.role, Perm.FILE_HARDSHIP):
            why = self.tr("需要「办理困难职工建档和申请帮扶」权限")
        self.propose_button.setEnabled(why is None)
        self.propose_button.setToolTip(why or "")
        ops.payments_of_file(self, self.ctx, rec.id, on_done=self._loaded,
                             on_error=lambda e: log.warning("payments of file: %r", e))

    def _loaded(self, rows) -> None:
        self.list.clear()
        for p in rows:
            self.list.addItem(payment_line(p) + (f"  不予批准：{p.refusal_reason}" if p.refusal_reason else ""))
        if not rows:
            self.list.addItem(self.tr("（无帮扶记录）"))

    def propose(self):
        rec = self.record
        dlg = PaymentDialog(self.ctx, self, file_id=rec.id,
                            file_text=f"{rec.file_no}  {rec.person_name}（{rec.state.label}）",
                            kind="living")
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.done.connect(lambda _p: self.show_file(self.record))
        self.dialog = dlg
        dlg.open()
        return dlg
