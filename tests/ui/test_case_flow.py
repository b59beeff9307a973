"""案件办理 end to end, offscreen: a group visit about unpaid wages from the registration form to a
followed-up case, each step driven through CaseDialog as the right role; and the illegal steps
refused by the service with its message shown in the step's dialog (issue 3)."""
from __future__ import annotations

from PySide6.QtCore import Qt

from app.domain.enums import (CaseEventKind, CaseStatus, Category, Channel, Disposition,
                              ExtensionStatus, FollowUp, IssueType, Outcome, Role)
from app.services.petitions import cases
from app.services import attachments
from app.services.petitions import registration
from app.services.petitions.registration import RegistrationInput
from tests.ui.util import fill, idle
from ui import operations
from ui.context import AppContext
from ui.dialogs.case_dialog import ActionDialog, CaseDialog
from ui.pages.register import RegisterPage


def open_case(db, actor, case_id, qtbot) -> CaseDialog:
    dlg = CaseDialog(AppContext(db, actor), case_id)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitUntil(lambda: dlg.record is not None, timeout=10000)
    idle(qtbot)
    return dlg


def step(dlg: CaseDialog, key: str, qtbot, **values) -> ActionDialog:
    """Click the step's button (it must be enabled for this role), fill the fields, press 确定."""
    button = dlg.buttons[key]
    assert button.isEnabled(), key
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    action = dlg.action
    idle(qtbot)                                  # choices loaded in the background (handlers)
    fill(action, **values)
    qtbot.mouseClick(action.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not action.busy, timeout=10000)
    idle(qtbot)
    return action


def done_ok(dlg: CaseDialog, action: ActionDialog, qtbot) -> None:
    assert action.result() == ActionDialog.DialogCode.Accepted, action.error_label.text()
    qtbot.waitUntil(lambda: dlg.record is not None and not operations._running, timeout=10000)  # noqa: SLF001


def refused(action: ActionDialog) -> str:
    """What the still-open step dialog says: the red label and each field's error line."""
    assert action.isVisible()
    assert action.result() != ActionDialog.DialogCode.Accepted
    parts = [action.error_label.text()] if action.error_label.isVisible() else []
    parts += [f"{label}：{err.text()}" for label, err in action.field_errors.items()
              if err.isVisible()]
    assert parts
    return "\n".join(parts)


def accepted_case(db, staff, zhang) -> int:
    rec = registration.register(db, staff[Role.CLERK], RegistrationInput(
        channel=Channel.CALL.value, person_id=zhang.id, employer_id=zhang.employer_id,
        category=Category.COMPLAINT.value, issue_types=[IssueType.WAGES.value],
        summary="拖欠两个月工资", disposition=Disposition.ACCEPTED.value))
    return rec.case_id


def test_group_visit_accepted_assigned_extended_concluded_and_followed_up(db, staff, zhang, qtbot):
    clerk, worker, chief = staff[Role.CLERK], staff[Role.CASEWORKER], staff[Role.MANAGER]

    # the clerk registers the group visit on the form and accepts it
    page = RegisterPage(AppContext(db, clerk))
    qtbot.addWidget(page)
    page.show()
    idle(qtbot)
    page.person_field.set_value(zhang.id, "张三")
    page.head_spin.setValue(12)
    page.reps_edit.setText("张三、李四、王五")
    page.employer_field.set_value(zhang.employer_id, "宏达电子有限公司")
    page.category_combo.setCurrentIndex(page.category_combo.findData(Category.COMPLAINT.value))
    page.set_issue_types([IssueType.WAGES.value])
    page.summary_edit.setText("12名职工反映被拖欠三个月工资共计86000元")
    page.request_edit.setPlainText("要求单位足额支付拖欠工资")
    page.disposition_combo.setCurrentIndex(page.disposition_combo.findData(Disposition.ACCEPTED.value))
    page.save()
    qtbot.waitUntil(page.result_bar.isVisible, timeout=10000)
    idle(qtbot)
    saved = page.last_saved
    assert saved.is_group and saved.head_count == 12 and saved.case_no
    assert saved.case_no in page.result_label.text() and "预警" in page.result_label.text()
    assert page.open_case_button.isVisible()
    qtbot.mouseClick(page.open_case_button, Qt.MouseButton.LeftButton)   # offered: open it
    opened = page.case_dialog
    qtbot.waitUntil(lambda: opened.record is not None, timeout=10000)
    assert opened.case_no_label.text() == saved.case_no
    assert opened.status_label.text() == "已受理" and opened.state_label.text() == "正常"
    assert "color: #1e7b34" in opened.state_label.styleSheet()
    assert opened.person_label.text() == "张三" and "集体访 12 人" in opened.flags_label.text()
    assert not opened.buttons["assign"].isEnabled()          # a clerk does not assign
    case_id = saved.case_id
    opened.close()

    # the manager assigns it to the caseworker
    dlg = open_case(db, chief, case_id, qtbot)
    act = step(dlg, "assign", qtbot, handler_id=worker.user_id, note="一周内约谈单位负责人")
    done_ok(dlg, act, qtbot)
    qtbot.waitUntil(lambda: dlg.record.status is CaseStatus.ASSIGNED, timeout=10000)
    assert "李承办" in dlg.handler_label.text() and dlg.buttons["assign"].text() == "改派"

    # the caseworker records progress and asks for an extension
    dlg = open_case(db, worker, case_id, qtbot)
    assert not dlg.buttons["decide_extension"].isEnabled()
    done_ok(dlg, step(dlg, "note", qtbot, text="已约谈单位负责人，单位承认欠薪"), qtbot)
    done_ok(dlg, step(dlg, "request_extension", qtbot, reason="需调取考勤和工资台账"), qtbot)
    due_before = cases.get_case(db, case_id).due_date

    # the manager approves it
    dlg = open_case(db, chief, case_id, qtbot)
    assert dlg.extension_label.text() == ExtensionStatus.REQUESTED.label
    done_ok(dlg, step(dlg, "decide_extension", qtbot, approve=True, note="同意延期"), qtbot)
    qtbot.waitUntil(lambda: dlg.record.extended, timeout=10000)
    assert dlg.record.due_date > due_before and dlg.extension_label.text() == "已批准"

    # the caseworker records ¥86,000 for 12 workers and concludes
    dlg = open_case(db, worker, case_id, qtbot)
    done_ok(dlg, step(dlg, "result", qtbot, recovered="86000", workers=12), qtbot)
    qtbot.waitUntil(lambda: dlg.record.recovered_fen == 8_600_000, timeout=10000)
    assert dlg.result_label.text() == "¥86,000.00，受益职工 12 人"
    done_ok(dlg, step(dlg, "conclude", qtbot, outcome=Outcome.SUPPORTED.value,
                      outcome_text="经协调，单位已足额支付拖欠工资"), qtbot)
    qtbot.waitUntil(lambda: dlg.record.status is CaseStatus.CONCLUDED, timeout=10000)

    # the clerk calls back: satisfied
    dlg = open_case(db, clerk, case_id, qtbot)
    done_ok(dlg, step(dlg, "follow_up", qtbot, result=FollowUp.SATISFIED.value,
                      note="职工表示工资已到账"), qtbot)
    qtbot.waitUntil(lambda: dlg.record.status is CaseStatus.FOLLOWED_UP, timeout=10000)
    idle(qtbot)

    rec = cases.get_case(db, case_id)
    assert (rec.status, rec.recovered_fen, rec.workers_benefited, rec.outcome, rec.followup_result,
            rec.extended) == (CaseStatus.FOLLOWED_UP, 8_600_000, 12, Outcome.SUPPORTED,
                              FollowUp.SATISFIED, True)
    assert "回访：满意" in dlg.outcome_label.text()
    kinds = [dlg.timeline.topLevelItem(i).text(2) for i in range(dlg.timeline.topLevelItemCount())]
    assert kinds == [k.label for k in (CaseEventKind.OPENED, CaseEventKind.ASSIGNED,
                                       CaseEventKind.NOTE, CaseEventKind.EXTENSION_REQUESTED,
                                       CaseEventKind.EXTENSION_APPROVED, CaseEventKind.RESULT,
                                       CaseEventKind.CONCLUDED, CaseEventKind.FOLLOWED_UP)]
    who = [dlg.timeline.topLevelItem(i).text(1) for i in range(dlg.timeline.topLevelItemCount())]
    assert who == ["赵登记", "周主任", "李承办", "李承办", "周主任", "李承办", "李承办", "赵登记"]


def submit(dlg: CaseDialog, key: str, qtbot, **values) -> ActionDialog:
    """Open step ``key``'s dialog whatever its button says (as when the case changed on another
    workstation after the page was loaded), fill it and press 确定."""
    act = dlg.open_action(key)
    idle(qtbot)
    fill(act, **values)
    qtbot.mouseClick(act.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not act.busy, timeout=10000)
    return act


def test_illegal_steps_are_disabled_with_the_reason_and_refused_by_the_service(db, staff, zhang,
                                                                              qtbot):
    clerk, worker, chief = staff[Role.CLERK], staff[Role.CASEWORKER], staff[Role.MANAGER]
    case_id = accepted_case(db, staff, zhang)

    # concluding an unassigned case: the button says why; the service refuses a stale page too
    dlg = open_case(db, worker, case_id, qtbot)
    assert not dlg.buttons["conclude"].isEnabled()
    assert dlg.buttons["conclude"].toolTip() == "案件尚未交办，不能办结"
    act = submit(dlg, "conclude", qtbot, outcome=Outcome.EXPLAINED.value, outcome_text="已解释")
    assert refused(act) == dlg.buttons["conclude"].toolTip()
    act.reject()
    assert cases.get_case(db, case_id).status is CaseStatus.ACCEPTED

    # following up an open case
    dlg = open_case(db, clerk, case_id, qtbot)
    assert not dlg.buttons["follow_up"].isEnabled()
    assert dlg.buttons["follow_up"].toolTip() == "案件尚未办结，不能回访"
    act = submit(dlg, "follow_up", qtbot, result=FollowUp.SATISFIED.value, note="")
    assert "办结" in refused(act)
    act.reject()

    # a clerk approving an extension: the button is off for the role; the service refuses too
    cases.assign(db, chief, case_id, handler_id=worker.user_id)
    cases.request_extension(db, worker, case_id, "需要调查")
    dlg = open_case(db, clerk, case_id, qtbot)
    assert not dlg.buttons["decide_extension"].isEnabled()
    assert "审批延期" in dlg.buttons["decide_extension"].toolTip()
    act = submit(dlg, "decide_extension", qtbot, approve=True)
    assert "审批延期" in refused(act)
    act.reject()
    assert cases.get_case(db, case_id).extension_status is ExtensionStatus.REQUESTED

    # extending twice
    cases.decide_extension(db, chief, case_id, True)
    dlg = open_case(db, worker, case_id, qtbot)
    assert dlg.buttons["request_extension"].toolTip() == "本案已延期一次，不能再次延期"
    act = submit(dlg, "request_extension", qtbot, reason="还需要再延期")
    assert "延期" in refused(act)
    act.reject()
    idle(qtbot)
    rec = cases.get_case(db, case_id)
    assert rec.extended and rec.extension_status is ExtensionStatus.APPROVED
    assert [e.kind for e in cases.timeline(db, case_id)].count(CaseEventKind.EXTENSION_REQUESTED) == 1


# The manager's buttons (the role holds every case permission) per state, not suspended.
MANAGER_ENABLED = {
    CaseStatus.ACCEPTED: {"assign", "note", "measure", "result", "request_extension", "suspend",
                          "flags"},
    CaseStatus.ASSIGNED: {"assign", "note", "measure", "result", "request_extension", "suspend",
                          "flags", "conclude"},
    CaseStatus.CONCLUDED: {"note", "flags", "follow_up", "reopen"},
    CaseStatus.FOLLOWED_UP: {"note", "flags", "follow_up", "reopen", "archive"},
    CaseStatus.ARCHIVED: {"reopen"},
}


def test_case_buttons_follow_the_workflow_table_per_state(db, staff, zhang, qtbot):
    from app.domain.workflow import CASE_WORKFLOW, case_facts
    worker, chief = staff[Role.CASEWORKER], staff[Role.MANAGER]
    case_id = accepted_case(db, staff, zhang)

    def check(expected_state):
        dlg = open_case(db, chief, case_id, qtbot)
        rec = dlg.record
        assert rec.status is expected_state
        enabled = {k for k, b in dlg.buttons.items() if b.isEnabled()}
        assert enabled == MANAGER_ENABLED[expected_state], expected_state
        facts = case_facts(case_no=rec.case_no, state=rec.status)
        for key, b in dlg.buttons.items():
            if not b.isEnabled():   # the tooltip is the service's refusal, word for word
                assert b.toolTip() == CASE_WORKFLOW.refusal(key, facts).text, key
            else:
                assert b.toolTip() == ""
        dlg.close()

    check(CaseStatus.ACCEPTED)
    cases.assign(db, chief, case_id, handler_id=worker.user_id)
    check(CaseStatus.ASSIGNED)
    cases.conclude(db, worker, case_id, Outcome.SUPPORTED.value, "已解决")
    check(CaseStatus.CONCLUDED)
    cases.follow_up(db, chief, case_id, FollowUp.SATISFIED.value)
    check(CaseStatus.FOLLOWED_UP)
    cases.archive(db, chief, case_id)
    check(CaseStatus.ARCHIVED)

    # suspended: the 中止 button becomes 恢复 and stays enabled; 办结 is off with the reason
    cases.reopen(db, chief, case_id, "当事人补充材料")
    cases.suspend(db, worker, case_id, "hearing")
    dlg = open_case(db, chief, case_id, qtbot)
    assert dlg.buttons["suspend"].text() == "恢复" and dlg.buttons["suspend"].isEnabled()
    assert not dlg.buttons["conclude"].isEnabled()
    assert dlg.buttons["conclude"].toolTip() == "案件处于中止状态，不能办结；请先恢复办理"


def test_empty_conclusion_lists_both_fields(db, staff, zhang, qtbot):
    chief = staff[Role.MANAGER]
    case_id = accepted_case(db, staff, zhang)
    cases.assign(db, chief, case_id, handler_id=staff[Role.CASEWORKER].user_id)
    dlg = open_case(db, chief, case_id, qtbot)
    act = step(dlg, "conclude", qtbot)
    text = refused(act)
    assert "处理意见：" in text and "处理意见内容：" in text
    assert "border" in act["outcome"].styleSheet()
    act.reject()


def test_case_page_shows_the_request_and_facts_in_full(db, staff, zhang, qtbot):
    rec = registration.register(db, staff[Role.CLERK], RegistrationInput(
        channel=Channel.VISIT.value, person_id=zhang.id, employer_id=zhang.employer_id,
        category=Category.COMPLAINT.value, issue_types=[IssueType.WAGES.value],
        summary="拖欠两个月工资", request="支付拖欠的工资<共两个月>",
        facts="自9月起未发工资。\n多次索要无果。", disposition=Disposition.ACCEPTED.value))
    dlg = open_case(db, staff[Role.CASEWORKER], rec.case_id, qtbot)
    assert [dlg.tabs.tabText(i) for i in range(dlg.tabs.count())] == ["办理记录", "登记内容", "文书"]
    text = dlg.details.text()
    assert "支付拖欠的工资&lt;共两个月&gt;" in text             # escaped, not taken as markup
    assert "自9月起未发工资。<br>多次索要无果。" in text          # line breaks kept
    assert "劳动报酬/欠薪" in text and "来访" in text


def test_evidence_is_attached_to_a_saved_case_all_files_or_none(db, staff, zhang, qtbot, tmp_path):
    case_id = accepted_case(db, staff, zhang)
    dlg = open_case(db, staff[Role.CASEWORKER], case_id, qtbot)
    assert dlg.attachments_caption.text() == "附件：无" and dlg.attach_button.isEnabled()
    payslip, contract = tmp_path / "工资条.jpg", tmp_path / "劳动合同.pdf"
    payslip.write_bytes(b"\xff\xd8 payslip")
    contract.write_bytes(b"%PDF contract")
    missing = tmp_path / "不存在.png"

    dlg.choose_files = lambda: [str(payslip), str(missing)]
    dlg.add_attachments()
    qtbot.waitUntil(lambda: dlg.error_label.isVisible(), timeout=10000)
    assert "不存在.png" in dlg.error_label.text()
    assert attachments.attachments(db, dlg.record.registration_id) == []      # nothing half-written

    dlg.choose_files = lambda: [str(payslip), str(contract)]
    dlg.add_attachments()
    qtbot.waitUntil(lambda: dlg.attachments.count() == 2, timeout=10000)
    idle(qtbot)
    assert sorted(dlg.attachments.item(i).text().split("（")[0] for i in range(2)) == \
        ["劳动合同.pdf", "工资条.jpg"]
    assert dlg.attachments_caption.text() == "附件（双击打开）" and not dlg.error_label.isVisible()


def test_case_page_shows_money_in_yuan_and_flag_labels_from_the_domain(db, staff, zhang, qtbot):
    """Issue 8: the 追回金额 step was prefilled with a float (「1234567.8」) and the flags were
    spelt out on the case page instead of taken from app.domain."""
    from app.domain.case_clock import DeadlineState
    from app.domain.enums import ListFlag
    from app.domain.money import parse_yuan
    chief = staff[Role.MANAGER]
    case_id = accepted_case(db, staff, zhang)
    cases.assign(db, chief, case_id, handler_id=staff[Role.CASEWORKER].user_id)
    cases.record_result(db, chief, case_id, recovered=1_234_567_80, workers=3)
    cases.set_flags(db, chief, case_id, supervised=True, focus=True)
    dlg = open_case(db, chief, case_id, qtbot)
    assert dlg.flags_label.text() == f"{ListFlag.SUPERVISED.label}  {ListFlag.FOCUS.label}"
    assert DeadlineState.SUSPENDED.label not in dlg.flags_label.text()
    qtbot.mouseClick(dlg.buttons["result"], Qt.MouseButton.LeftButton)
    action = dlg.action
    idle(qtbot)
    assert action["recovered"].text() == "¥1,234,567.80"
    assert parse_yuan(action["recovered"].text()) == 1_234_567_80      # what 确定 sends back
    action.reject()
