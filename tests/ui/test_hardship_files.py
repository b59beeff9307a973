"""困难职工档案 offscreen: a household filed on the form (a family member's wrong ID check digit shown
on its row, the proposed category with its formula, an override refused without a reason) and taken
through 初审 → 入户调查 → 公示 → 审批建档 by the step buttons, each enabled from the workflow table
and the role, a disabled one saying why (issue 10)."""
from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt

from app.domain.enums import Role
from app.domain.hardship import FileState, HardshipCategory
from app.services.hardship import files
from tests.clock import TODAY
from tests.services.hardship_util import id_number
from tests.ui.util import fill, idle
from ui.context import AppContext
from ui.dialogs.action_dialog import ActionDialog
from ui.pages.hardship.file_dialog import FileDialog
from ui.util import qdate


def step(dlg: FileDialog, key: str, qtbot, **values) -> ActionDialog:
    """Click the step's button (it must be enabled), fill the fields, press 确定."""
    button = dlg.buttons[key]
    assert button.isEnabled(), (key, button.toolTip())
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    action = dlg.action
    idle(qtbot)
    fill(action, **values)
    qtbot.mouseClick(action.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not action.busy, timeout=10000)
    idle(qtbot)
    assert action.result() == ActionDialog.DialogCode.Accepted, action.error_label.text()
    return action


def open_file(db, actor, file_id, qtbot) -> FileDialog:
    dlg = FileDialog(AppContext(db, actor), file_id)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitUntil(lambda: dlg.record is not None, timeout=10000)
    idle(qtbot)
    return dlg


def test_household_filed_through_every_step_and_approved(db, staff, zhang, qtbot):
    clerk, chief = staff[Role.CLERK], staff[Role.MANAGER]
    dlg = FileDialog(AppContext(db, clerk), person_id=zhang.id, person_name="张三")
    qtbot.addWidget(dlg)
    dlg.show()
    assert not dlg.buttons["screen"].isEnabled()
    assert dlg.buttons["screen"].toolTip() == "请先保存申请"

    dlg.applied_edit.setDate(qdate(TODAY - timedelta(days=30)))
    dlg.main_cause.setCurrentIndex(dlg.main_cause.findData("laid_off"))
    dlg.secondary[0].setCurrentIndex(dlg.secondary[0].findData("schooling"))
    dlg.applicant_income.setText("1500")
    dlg.rigid_annual.setText("6000")
    dlg.bank_edit.setText("工商银行")
    dlg.account_edit.setText("6222020200112233445")
    good = id_number(7, date(1982, 3, 9), male=False)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    wife = dlg.members.add_row({"name": "李芳", "relation": "spouse", "id_number": bad,
                                "monthly_income": "900", "health": "chronic"})
    # a wrong check digit is shown on the row as it is typed
    assert "校验位" in dlg.members.row_errors[wife]
    assert dlg.members.error_label.isVisible() and "第1行" in dlg.members.error_label.text()
    assert dlg.members.table.item(wife, 0).background().color().name() == "#fdecea"
    dlg.members.set_cell(wife, "id_number", good)
    dlg.members.table.itemChanged.emit(dlg.members.table.item(wife, 2))
    assert wife not in dlg.members.row_errors and not dlg.members.error_label.isVisible()
    dlg.members.add_row({"name": "张小明", "relation": "son", "monthly_income": "0",
                         "schooling": "junior"})

    # the category proposed from the numbers, with its formula
    dlg.propose()
    qtbot.waitUntil(lambda: dlg.proposal is not None, timeout=10000)
    text = dlg.formula_label.text()
    assert "建议类别：深度困难" in text
    assert "家庭月收入 ¥2,400.00" in text and "÷ 3人 = ¥633.33" in text and "低保标准 ¥1,200.00" in text

    # another category without a reason, and a member twice: refused, nothing saved; the
    # service's member errors are shown on the member's row
    dlg.category_combo.setCurrentIndex(dlg.category_combo.findData("relative"))
    assert dlg.override_edit.isEnabled()
    dlg.members.add_row()                           # a blank row is left out (not numbered)
    twice = dlg.members.add_row({"name": "李芳", "relation": "spouse", "id_number": good})
    dlg.save()
    qtbot.waitUntil(lambda: not dlg.busy, timeout=10000)
    idle(qtbot)
    assert dlg.record is None and dlg.error_label.isVisible()
    assert "改定类别理由" in dlg.error_label.text() and "须填写理由" in dlg.error_label.text()
    assert dlg.override_edit.styleSheet()           # the field in error is marked
    assert "与第1行的身份证号相同" in dlg.members.row_errors[twice]
    assert "第4行" in dlg.members.error_label.text()  # the table's row number
    dlg.members.table.selectRow(twice)
    dlg.members.remove_selected()
    dlg.members.table.selectRow(twice - 1)
    dlg.members.remove_selected()
    assert dlg.members.row_errors == {}

    dlg.use_proposed()                             # the clerk confirms the proposal
    assert dlg.category_combo.currentData() == "deep" and not dlg.override_edit.isEnabled()
    dlg.save()
    qtbot.waitUntil(lambda: dlg.record is not None, timeout=10000)
    idle(qtbot)
    rec = dlg.record
    assert rec.state is FileState.APPLIED and rec.category is HardshipCategory.DEEP
    assert rec.file_no in dlg.message.text() and dlg.file_no_label.text() == rec.file_no
    assert [m.name for m in rec.members] == ["李芳", "张小明"]
    assert dlg.account_shown.text() == "6222 **** **** 3445"   # shown masked once saved
    assert not dlg.account_edit.isVisible()

    # the steps, each enabled only when the workflow allows it
    assert dlg.buttons["screen"].isEnabled()
    assert not dlg.buttons["publicize"].isEnabled()
    assert "入户调查后才能公示" in dlg.buttons["publicize"].toolTip()
    assert not dlg.buttons["approve"].isEnabled()
    assert dlg.buttons["approve"].toolTip() == "需要「审批困难职工建档和帮扶」权限"
    step(dlg, "screen", qtbot, on=TODAY - timedelta(days=25), opinion="材料齐全")
    assert dlg.record.state is FileState.SCREENED and dlg.state_label.text() == "待入户调查"
    step(dlg, "investigate", qtbot, on=TODAY - timedelta(days=20), investigators="王芳、李强",
         findings="家中两人患病，住房困难")
    assert dlg.record.state is FileState.INVESTIGATED
    # 公示: the end date proposed from the calendar (5 working days)
    qtbot.mouseClick(dlg.buttons["publicize"], Qt.MouseButton.LeftButton)
    action = dlg.action
    fill(action, start=TODAY - timedelta(days=15))
    idle(qtbot)
    start = TODAY - timedelta(days=15)
    assert action["end"].date().toPython() == files.default_publicity_end(db, start)
    qtbot.mouseClick(action.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not action.busy, timeout=10000)
    idle(qtbot)
    assert dlg.record.state is FileState.PUBLICIZING, action.error_label.text()
    end = dlg.record.publicity_end
    assert [x.step.label for x in dlg.record.steps] == ["申请", "初审", "入户调查", "公示"]
    assert dlg.timeline.topLevelItemCount() == 4
    dlg.close()

    # the manager approves after the 公示 ended
    boss = open_file(db, chief, rec.id, qtbot)
    step(boss, "approve", qtbot, on=TODAY)
    done = boss.record
    assert done.state is FileState.ACTIVE and done.filed_on == TODAY and done.review_due > end
    assert boss.state_label.text() == "在档" and boss.category_label.text() == "深度困难"
    assert not boss.buttons["approve"].isEnabled() and boss.buttons["review"].isEnabled()
    # an active file's numbers change by 复核 only; its contact stays editable
    assert boss.applicant_income.isReadOnly() and not boss.address_edit.isReadOnly()
    assert files.get_file_record(db, rec.id).state is FileState.ACTIVE


def test_approval_waits_for_the_publicity_and_a_step_refusal_stays_in_its_dialog(db, staff, zhang,
                                                                                 qtbot):
    clerk, chief = staff[Role.CLERK], staff[Role.MANAGER]
    rec = files.create_file(db, clerk, files.FileInput(
        person_id=zhang.id, main_cause="laid_off", applicant_income="800",
        applied_on=TODAY - timedelta(days=10)), category="deep")
    files.screen(db, clerk, rec.id, on=TODAY - timedelta(days=9))
    files.investigate(db, clerk, rec.id, investigators="王芳", on=TODAY - timedelta(days=8))
    files.start_publicity(db, clerk, rec.id, start=TODAY - timedelta(days=1))
    dlg = open_file(db, chief, rec.id, qtbot)
    end = dlg.record.publicity_end
    assert not dlg.buttons["approve"].isEnabled()
    assert dlg.buttons["approve"].toolTip() == f"公示期至{end}结束，公示期满后才能审批建档"
    # a step the service refuses: the reason in the step's dialog, nothing written
    qtbot.mouseClick(dlg.buttons["objection"], Qt.MouseButton.LeftButton)
    action = dlg.action
    fill(action, objection="", result="核实无误")
    qtbot.mouseClick(action.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not action.busy, timeout=10000)
    idle(qtbot)
    assert action.isVisible() and "请先填写异议内容" in action.field_errors["异议内容"].text()
    assert files.get_file_record(db, rec.id).publicity_result == ""


def test_review_then_closure_and_a_payment_from_the_file(db, staff, qtbot):
    from app.services.hardship import payments
    from tests.services.hardship_util import active_file, funded, person
    clerk, chief = staff[Role.CLERK], staff[Role.MANAGER]
    f = active_file(db, person(db, "张伟", 1), income="1000")
    fund = funded(db)
    dlg = open_file(db, clerk, f.id, qtbot)
    tab = dlg.payments_tab
    assert tab.propose_button.isEnabled()
    pay = tab.propose()
    idle(qtbot)
    assert "还可安排 ¥10,000.00" in pay.cap_label.text()            # 生活救助's yearly cap
    pay.amount_edit.setText("600")
    pay.fund_combo.setCurrentIndex(pay.fund_combo.findData(fund))
    qtbot.mouseClick(pay.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not pay.busy, timeout=10000)
    idle(qtbot)
    assert [p.amount_fen for p in payments.payments_of_file(db, f.id)] == [600_00]
    qtbot.waitUntil(lambda: "¥600.00" in tab.list.item(0).text(), timeout=10000)
    # 复核 keeps the category; the clerk may not close the file
    step(dlg, "review", qtbot, reviewed_on=TODAY, household_income="1100", rigid_annual="0",
         household_size=1, decision="keep")
    assert [v.decision.label for v in dlg.record.reviews] == ["维持"]
    assert dlg.reviews.topLevelItemCount() == 1
    assert dlg.buttons["close"].toolTip() == "需要「审批困难职工建档和帮扶」权限"
    dlg.close()
    boss = open_file(db, chief, f.id, qtbot)
    step(boss, "close", qtbot, reason="out_of_poverty", note="再就业，收入稳定", on=TODAY)
    assert boss.record.state is FileState.CLOSED and boss.state_label.text() == "已出档"
    assert "已出档" in boss.payments_tab.propose_button.toolTip()
    assert not boss.save_button.isEnabled()            # a closed file is kept as it is
