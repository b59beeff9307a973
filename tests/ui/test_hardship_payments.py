"""帮扶记录 offscreen: a medical payment proposed on the form over the household's yearly cap is
refused under 金额 with what is left (shown beside the amount before too); the same kind twice in a
month asks for acknowledgement, then goes in; the manager approves, the clerk records it paid; the
administrator cannot pay (issue 10)."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from app.domain.enums import Role
from app.domain.hardship import PaymentState
from app.services.hardship import payments
from tests.services.hardship_util import CLERK, MANAGER, active_file, at, funded, person
from tests.ui.util import idle
from ui.context import AppContext
from ui.dialogs.action_dialog import ActionDialog
from ui.pages.hardship.payment_dialogs import PaymentDialog, approve_dialog, pay_dialog
from ui.util import qdate


def press_ok(dlg: ActionDialog, qtbot) -> None:
    qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dlg.busy, timeout=10000)
    idle(qtbot)


def test_medical_payment_over_its_cap_is_refused_with_the_remaining_amount(db, staff, qtbot):
    clerk, chief, admin = staff[Role.CLERK], staff[Role.MANAGER], staff[Role.ADMIN]
    f = active_file(db, person(db, "张伟", 1))
    fund = funded(db)
    first = payments.propose(db, CLERK, payments.PaymentInput(
        "medical", "18000", fund, date(2026, 12, 3), file_id=f.id), now=at(12, 3))
    payments.approve(db, MANAGER, first.id, now=at(12, 4))

    dlg = PaymentDialog(AppContext(db, clerk), file_id=f.id, file_text=f"{f.file_no} 张伟",
                        kind="medical")
    qtbot.addWidget(dlg)
    dlg.show()
    idle(qtbot)
    assert dlg.cap_label.text() == "医疗救助每年最高 ¥20,000.00，2026年已安排 ¥18,000.00，还可安排 ¥2,000.00"
    assert not dlg.student_edit.isEnabled()           # the student's fields are for 助学 only
    dlg.amount_edit.setText("5000")
    dlg.fund_combo.setCurrentIndex(dlg.fund_combo.findData(fund))
    assert "（可用 ¥82,000.00）" in dlg.fund_combo.currentText()
    press_ok(dlg, qtbot)
    assert dlg.isVisible() and dlg.result() != ActionDialog.DialogCode.Accepted
    under_amount = dlg.field_errors["金额"]
    assert under_amount.isVisible()
    assert "还可安排 ¥2,000.00" in under_amount.text() and "超出 ¥3,000.00" in under_amount.text()
    assert len(payments.payments_of_file(db, f.id)) == 1            # nothing written

    # within the cap, but a second medical payment this month: acknowledged, then saved
    dlg.amount_edit.setText("1500")
    dlg.goods_edit.setText("药品一批")
    dlg.goods_value_edit.setText("300")
    press_ok(dlg, qtbot)
    assert dlg.warning_label.isVisible() and "12月3日" in dlg.warning_label.text()
    assert dlg.acknowledge_box.isVisible() and not dlg.acknowledge_box.isChecked()
    assert len(payments.payments_of_file(db, f.id)) == 1
    press_ok(dlg, qtbot)                               # not ticked: nothing happens
    assert len(payments.payments_of_file(db, f.id)) == 1
    dlg.acknowledge_box.setChecked(True)
    done = []
    dlg.done.connect(done.append)
    press_ok(dlg, qtbot)
    assert dlg.result() == ActionDialog.DialogCode.Accepted, dlg.error_label.text()
    rec = done[0]
    assert rec.state is PaymentState.PROPOSED and rec.total_fen == 1_800_00
    assert "12月3日" in rec.warning_acknowledged

    # the manager approves; the administrator may not pay; the clerk records it paid
    approve = approve_dialog(AppContext(db, chief), rec)
    qtbot.addWidget(approve)
    approve.show()
    assert "同月提示（已确认）" in approve.widgets["info"].text()
    press_ok(approve, qtbot)
    assert approve.result() == ActionDialog.DialogCode.Accepted, approve.error_label.text()
    rec = payments.get_payment_record(db, rec.id)
    refused = pay_dialog(AppContext(db, admin), rec)
    qtbot.addWidget(refused)
    refused.show()
    refused.widgets["voucher_no"].setText("记-001")
    press_ok(refused, qtbot)
    assert refused.isVisible() and refused.error_label.isVisible()
    assert "无权登记帮扶发放" in refused.error_label.text()
    paid = pay_dialog(AppContext(db, clerk), rec)
    qtbot.addWidget(paid)
    paid.show()
    paid.widgets["paid_on"].setDate(qdate(date(2026, 12, 16)))
    paid.widgets["method"].setCurrentIndex(paid.widgets["method"].findData("cash"))
    paid.widgets["voucher_no"].setText("记-2026-12-088")
    press_ok(paid, qtbot)
    assert paid.result() == ActionDialog.DialogCode.Accepted, paid.error_label.text()
    rec = payments.get_payment_record(db, rec.id)
    assert rec.state is PaymentState.PAID and rec.voucher_no == "记-2026-12-088"


def test_temporary_relief_for_a_person_without_a_file(db, staff, zhang, qtbot):
    fund = funded(db)
    dlg = PaymentDialog(AppContext(db, staff[Role.CLERK]), person_id=zhang.id, person_name="张三")
    qtbot.addWidget(dlg)
    dlg.show()
    idle(qtbot)
    assert dlg.kind_combo.currentData() == "temporary"
    assert "还可安排 ¥3,000.00" in dlg.cap_label.text()
    dlg.kind_combo.setCurrentIndex(dlg.kind_combo.findData("living"))   # needs a file
    idle(qtbot)
    assert "未建档人员只能申请临时救助" in dlg.cap_label.text()
    dlg.amount_edit.setText("500")
    dlg.fund_combo.setCurrentIndex(dlg.fund_combo.findData(fund))
    press_ok(dlg, qtbot)
    assert "先建档、后帮扶" in dlg.error_label.text()
    dlg.kind_combo.setCurrentIndex(dlg.kind_combo.findData("temporary"))
    press_ok(dlg, qtbot)
    assert dlg.result() == ActionDialog.DialogCode.Accepted, dlg.error_label.text()
    [rec] = payments.person_summary(db, zhang.id).payments
    assert rec.file_id is None and rec.amount_fen == 500_00


def test_case_assistance_measure_proposes_a_linked_record(db, staff, zhang, qtbot):
    from app.services.petitions import cases, registration
    from tests.ui.test_case_flow import open_case, step
    fund = funded(db)
    chief = staff[Role.MANAGER]
    case_id = registration.register(db, staff[Role.CLERK], registration.RegistrationInput(
        channel="visit", person_id=zhang.id, category="help", issue_types=["hardship"],
        summary="家庭困难申请帮扶", disposition="accepted")).case_id
    dlg = open_case(db, chief, case_id, qtbot)
    qtbot.mouseClick(dlg.buttons["measure"], Qt.MouseButton.LeftButton)
    action = dlg.action
    assert not action["amount"].isEnabled()           # only for 经济帮扶
    action.reject()
    action = step(dlg, "measure", qtbot, measure="assistance", text="送去慰问金", amount="800",
                  aid_fund_id=fund)
    assert action.result() == ActionDialog.DialogCode.Accepted, action.error_label.text()
    event = cases.timeline(db, case_id)[-1]
    pay = payments.get_payment_record(db, event.detail["payment_id"])
    assert (pay.case_id, pay.person_id, pay.amount_fen, pay.fund_id) == (case_id, zhang.id, 800_00, fund)
    assert f"已提交帮扶记录{pay.id}待审批" in event.text
    qtbot.waitUntil(lambda: dlg.timeline.topLevelItemCount() == len(cases.timeline(db, case_id)),
                    timeout=10000)
