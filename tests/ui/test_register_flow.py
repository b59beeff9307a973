"""来访登记 end to end, offscreen, on a real temp database (issue 3 "What it must show").

Chinese text is entered with setText (keyClicks with non-ASCII aborts Qt); ASCII, Tab, Enter and
shortcuts with qtbot.keyClick/keyClicks.
"""
from __future__ import annotations


import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.domain.enums import Channel, Disposition, IssueType, Role
from app.domain.actor import Actor
from app.domain.errors import NotFound
from app.services import accounts, people
from app.services.petitions import drafts, registration
from app.services.petitions.registration import RegistrationInput
from app.services.people import EmployerInput, PersonInput
from tests.clock import NOW
from tests.ui.util import idle
from ui.context import AppContext
from ui.pages.register import RegisterPage

ZHANG_ID = "11010519491231002X"



def make_user(db, boss: Actor, username: str, name: str, role: Role) -> Actor:
    rec = accounts.create_user(db, boss, username, name, role, "Secret2026",
                               must_change_password=False)
    return Actor(user_id=rec.id, username=username, display_name=name, role=role)


@pytest.fixture
def clerk(db):
    boss = accounts.create_first_admin(db, "boss", "王管理", "Admin2026")
    return make_user(db, boss, "clerk", "赵登记", Role.CLERK)


@pytest.fixture
def zhang(db, clerk):
    emp = people.create_employer(db, clerk, EmployerInput(name="宏达电子有限公司"))
    return people.create_person(db, clerk, PersonInput(name="张三", id_number=ZHANG_ID,
                                                       phone="13812345678", employer_id=emp.id))


def open_page(ctx, qtbot) -> RegisterPage:
    page = RegisterPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow, timeout=5000)
    idle(qtbot)
    return page


def press(qtbot, page, key, modifier=Qt.KeyboardModifier.NoModifier):
    """A key sent to whatever has the focus (as the keyboard would)."""
    target = QApplication.focusWidget() or page
    qtbot.keyClick(target, key, modifier)


def test_hotline_call_registered_by_keyboard_and_answered_on_the_spot(db, clerk, zhang, qtbot):
    page = open_page(AppContext(db, clerk), qtbot)
    assert page.title == "来访登记" and page.areas == {"registrations", "outreach"}
    page.channel_combo.setFocus()
    press(qtbot, page, Qt.Key.Key_Down)                         # 来访 → 来电
    assert page.channel_combo.currentData() == Channel.CALL.value
    press(qtbot, page, Qt.Key.Key_Tab)                          # 接待时间 (now)
    assert page.focusWidget() is page.received_edit
    press(qtbot, page, Qt.Key.Key_Tab)                          # 信访人
    assert page.focusWidget() is page.person_edit
    qtbot.keyClicks(page.person_edit, "zs")                     # pinyin initials
    qtbot.waitUntil(lambda: page.person_field.matches.isVisible(), timeout=5000)
    line = page.person_field.matches.item(0).text()
    assert "张三" in line and "****002X" in line and "宏达电子有限公司" in line
    press(qtbot, page, Qt.Key.Key_Return)                       # pick the first match
    assert page.person_field.selected_id == zhang.id and page.person_edit.text() == "张三"
    assert not page.result_bar.isVisible()                      # Enter picked, did not save
    for _ in range(2):                                          # 新建人员, 人数
        press(qtbot, page, Qt.Key.Key_Tab)
    assert page.focusWidget() is page.head_spin
    for _ in range(2):                                          # 代表, 用人单位
        press(qtbot, page, Qt.Key.Key_Tab)
    assert page.focusWidget() is page.employer_edit
    assert page.employer_edit.text() == "宏达电子有限公司"      # came with the picked person
    page.employer_edit.clear()                                  # … and can still be looked up
    qtbot.keyClicks(page.employer_edit, "hd")
    qtbot.waitUntil(lambda: page.employer_field.matches.isVisible(), timeout=5000)
    press(qtbot, page, Qt.Key.Key_Return)
    assert page.employer_edit.text() == "宏达电子有限公司"
    for _ in range(2):                                          # 新建单位, 诉求类别 (咨询)
        press(qtbot, page, Qt.Key.Key_Tab)
    assert page.focusWidget() is page.category_combo
    press(qtbot, page, Qt.Key.Key_Tab)                          # 问题类型: space ticks the first
    assert page.focusWidget() is page.issue_list
    page.issue_list.setCurrentRow(0)
    press(qtbot, page, Qt.Key.Key_Space)
    assert page.issue_types() == [IssueType.WAGES.value]
    press(qtbot, page, Qt.Key.Key_Tab)
    assert page.focusWidget() is page.summary_edit
    page.summary_edit.setText("咨询加班工资计算方法")
    press(qtbot, page, Qt.Key.Key_Tab)
    assert page.focusWidget() is page.request_edit
    page.request_edit.setPlainText("想了解周末加班工资怎么算")
    for _ in range(3):                                          # 事实和理由, 添加附件, 处理方式
        press(qtbot, page, Qt.Key.Key_Tab)
    assert page.focusWidget() is page.disposition_combo
    assert page.disposition_combo.currentData() == Disposition.ANSWERED.value
    press(qtbot, page, Qt.Key.Key_Tab)
    assert page.focusWidget() is page.answer_edit
    page.answer_edit.setPlainText("休息日加班不能补休的，按不低于工资的200%支付")
    press(qtbot, page, Qt.Key.Key_Tab)                          # 领导接待日 checkbox
    assert page.focusWidget() is page.leader_check
    press(qtbot, page, Qt.Key.Key_Return)                       # Enter saves
    qtbot.waitUntil(page.result_bar.isVisible, timeout=10000)
    idle(qtbot)

    rec = page.last_saved
    assert page.error_label.isHidden()
    assert rec.reg_no == f"{NOW.year}-000001" and rec.reg_no in page.result_label.text()
    saved = registration.get_registration(db, rec.id)
    assert (saved.channel, saved.person_id, saved.employer_name, saved.disposition) == \
        (Channel.CALL.value, zhang.id, "宏达电子有限公司", Disposition.ANSWERED.value)
    assert saved.answer.startswith("休息日加班") and saved.issue_types == (IssueType.WAGES.value,)
    assert saved.case_id is None and not page.open_case_button.isVisible()
    # the form is empty again for the next call
    assert page.person_edit.text() == "" and page.summary_edit.text() == ""
    assert drafts.load_draft(db, clerk, "registration") is None


def test_empty_form_shows_every_error_focuses_the_first_and_saves_nothing(db, clerk, qtbot):
    page = open_page(AppContext(db, clerk), qtbot)
    page.head_spin.setValue(0)
    page.summary_edit.setFocus()
    press(qtbot, page, Qt.Key.Key_Return)
    qtbot.waitUntil(page.error_label.isVisible, timeout=10000)
    idle(qtbot)
    text = page.error_label.text()
    for field in ("信访人", "人数", "问题类型", "事项摘要", "答复内容"):
        assert field in text, text
    assert page.focusWidget() is page.person_edit               # the first bad field
    assert not page.result_bar.isVisible()
    with pytest.raises(NotFound):                               # nothing saved, no number used
        registration.get_registration_by_no(db, f"{NOW.year}-000001")


def test_repeat_caught_by_the_side_panel_and_linked_with_one_key(db, clerk, zhang, qtbot):
    earlier = registration.register(db, clerk, RegistrationInput(
        channel=Channel.VISIT.value, person_id=zhang.id, employer_id=zhang.employer_id,
        category="complaint", issue_types=[IssueType.WAGES.value], summary="拖欠三个月工资",
        disposition=Disposition.ACCEPTED.value))
    assert earlier.case_no

    page = open_page(AppContext(db, clerk), qtbot)
    page.person_edit.setFocus()
    qtbot.keyClicks(page.person_edit, ZHANG_ID[:10])             # by ID number
    qtbot.waitUntil(lambda: page.person_field.matches.isVisible(), timeout=5000)
    assert "上次来访 " + earlier.received_at.strftime("%Y-%m-%d") in \
        page.person_field.matches.item(0).text()
    press(qtbot, page, Qt.Key.Key_Return)
    qtbot.waitUntil(page.repeat_label.isVisible, timeout=10000)
    assert earlier.case_no in page.repeat_label.text()
    assert "同一信访人" in page.repeat_label.text()
    assert page.open_cases.count() == 1 and earlier.case_no in page.open_cases.item(0).text()
    assert page.person_history.count() == 1 and earlier.reg_no in page.person_history.item(0).text()

    press(qtbot, page, Qt.Key.Key_F8)                           # one key links it
    assert page.disposition_combo.currentData() == Disposition.REPEAT.value
    assert page.repeat_case_edit.text() == earlier.case_no
    page.issue_list.item(0).setCheckState(Qt.CheckState.Checked)
    page.summary_edit.setText("再次反映拖欠工资")
    page.summary_edit.setFocus()
    press(qtbot, page, Qt.Key.Key_Return)
    qtbot.waitUntil(page.result_bar.isVisible, timeout=10000)
    idle(qtbot)
    saved = registration.get_registration(db, page.last_saved.id)
    assert saved.disposition == Disposition.REPEAT.value
    assert saved.repeat_of_case_id == earlier.case_id and saved.case_id is None


def test_draft_survives_closing_the_page_and_is_offered_back(db, clerk, zhang, qtbot):
    ctx = AppContext(db, clerk)
    page = open_page(ctx, qtbot)
    page.person_field.set_value(zhang.id, "张三")
    page.summary_edit.setText("单位未签劳动合同")
    page.head_spin.setValue(7)
    page.reps_edit.setText("张三、李四")
    page.issue_list.item(1).setCheckState(Qt.CheckState.Checked)
    page.close()
    idle(qtbot)
    draft = drafts.load_draft(db, clerk, "registration")
    assert draft is not None and draft.payload["summary"] == "单位未签劳动合同"

    again = open_page(ctx, qtbot)
    qtbot.waitUntil(again.draft_bar.isVisible, timeout=5000)
    assert "有未完成的登记，恢复？" in again.draft_label.text()
    assert again.summary_edit.text() == ""
    qtbot.mouseClick(again.restore_button, Qt.MouseButton.LeftButton)
    assert not again.draft_bar.isVisible()
    assert again.summary_edit.text() == "单位未签劳动合同"
    assert again.person_field.selected_id == zhang.id and again.person_edit.text() == "张三"
    assert again.head_spin.value() == 7 and again.representatives() == ["张三", "李四"]
    assert again.issue_types() == [IssueType.CONTRACT.value]

    # 放弃 forgets it
    again.close()
    idle(qtbot)
    third = open_page(ctx, qtbot)
    qtbot.waitUntil(third.draft_bar.isVisible, timeout=5000)
    qtbot.mouseClick(third.discard_button, Qt.MouseButton.LeftButton)
    idle(qtbot)
    assert drafts.load_draft(db, clerk, "registration") is None


def test_escape_clears_after_confirmation(db, clerk, qtbot):
    page = open_page(AppContext(db, clerk), qtbot)
    answers = []
    page.ask = lambda title, text: answers.append(text) or False
    page.summary_edit.setText("半句话")
    page.summary_edit.setFocus()
    press(qtbot, page, Qt.Key.Key_Escape)
    assert answers and page.summary_edit.text() == "半句话"     # declined: kept
    page.ask = lambda title, text: True
    press(qtbot, page, Qt.Key.Key_Escape)
    assert page.summary_edit.text() == ""
    idle(qtbot)


def test_outreach_event_created_problem_registered_and_counted(db, clerk, zhang, qtbot):
    from ui.main_window import MainWindow
    ctx = AppContext(db, clerk)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    idle(qtbot)
    page = window.show_page("outreach")
    idle(qtbot)
    assert page.title == "走访活动" and page.event_list.count() == 0

    page.save()                                                 # no theme: refused in the label
    qtbot.waitUntil(page.error_label.isVisible, timeout=10000)
    assert "活动主题" in page.error_label.text()
    page.theme_edit.setText("工情直通车·走进工业园")
    page.place_edit.setText("工业园服务中心")
    page.departments_edit.setText("人社局、司法局")
    page.units_edit.setText("宏达电子有限公司")
    page.workers_spin.setValue(80)
    page.save()
    qtbot.waitUntil(lambda: page.event_list.count() == 1 and page.summary is not None, timeout=10000)
    idle(qtbot)
    assert "现场反映问题 0 件" in page.counts_label.text()

    register = page.register_problem()                          # opens 来访登记 preset
    idle(qtbot)
    assert window.current_key() == "register" and register is window.page("register")
    qtbot.waitUntil(lambda: register.outreach_combo.currentData() == page.current_event_id(),
                    timeout=10000)
    assert register.channel_combo.currentData() == Channel.OUTREACH.value
    assert register.outreach_combo.isVisible() and register.solved_check.isChecked()
    register.person_field.set_value(zhang.id, "张三")
    register.set_issue_types([IssueType.HOURS.value])
    register.summary_edit.setText("车间连续加班无休息日")
    register.answer_edit.setPlainText("人社局现场答复，单位当场承诺调整排班")
    register.save()
    qtbot.waitUntil(register.result_bar.isVisible, timeout=10000)
    idle(qtbot)
    assert registration.get_registration(db, register.last_saved.id).solved_on_site

    window.show_page("outreach")                                # refreshed on show
    qtbot.waitUntil(lambda: "现场解决 1 件" in page.counts_label.text(), timeout=10000)
    assert "现场反映问题 1 件" in page.counts_label.text()
    assert page.problems.count() == 1 and "车间连续加班" in page.problems.item(0).text()
    window.close()
    idle(qtbot)


def test_attachment_saved_and_listed_in_the_person_history(db, clerk, zhang, qtbot, tmp_path):
    from ui.dialogs.person_history import PersonHistoryDialog
    scan = tmp_path / "letter.pdf"
    scan.write_bytes(b"%PDF-1.4 scanned letter")
    page = open_page(AppContext(db, clerk), qtbot)
    page.channel_combo.setCurrentIndex(page.channel_combo.findData(Channel.LETTER.value))
    page.person_field.set_value(zhang.id, "张三")
    page.set_issue_types([IssueType.CONTRACT.value])
    page.summary_edit.setText("来信反映未签劳动合同")
    page.answer_edit.setPlainText("已电话答复")
    page.add_attachment_paths([str(scan), str(tmp_path / "missing.jpg")])
    assert page.attach_list.count() == 2
    page.save()                                                 # the missing file is refused
    qtbot.waitUntil(page.error_label.isVisible, timeout=10000)
    assert "missing.jpg" in page.error_label.text() and page.focusWidget() is page.attach_list
    page.attach_list.setCurrentRow(1)
    page.remove_attachment()
    page.save()
    qtbot.waitUntil(page.result_bar.isVisible, timeout=10000)
    idle(qtbot)

    dlg = PersonHistoryDialog(AppContext(db, clerk), person_id=zhang.id, title="张三")
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitUntil(lambda: dlg.table.topLevelItemCount() == 1, timeout=10000)
    row = dlg.table.topLevelItem(0)
    assert row.text(1) == page.last_saved.reg_no and row.text(4) == "来信反映未签劳动合同"
    assert "来访登记 1 次" in dlg.counts.text()
    dlg.table.setCurrentItem(row)
    qtbot.waitUntil(lambda: dlg.attachments.count() == 1, timeout=10000)
    assert dlg.attachments.item(0).text().startswith("letter.pdf")
    idle(qtbot)


def test_picking_a_person_brings_their_employer_and_new_person_takes_the_form_employer(db, clerk, zhang,
                                                                                       qtbot):
    other = people.create_employer(db, clerk, EmployerInput(name="北京市中兴物业服务有限公司"))
    page = open_page(AppContext(db, clerk), qtbot)

    def pick(initials: str) -> None:
        page.person_edit.clear()
        page.person_field.selected_id = None
        qtbot.keyClicks(page.person_edit, initials)
        qtbot.waitUntil(lambda: page.person_field.matches.isVisible(), timeout=5000)
        page.person_edit.setFocus()
        qtbot.keyClick(page.person_edit, Qt.Key.Key_Return)

    pick("zs")
    assert page.person_field.selected_id == zhang.id
    assert page.employer_field.selected_id == zhang.employer_id
    assert page.employer_edit.text() == "宏达电子有限公司"
    # an employer the clerk chose is not replaced by a later pick
    page.employer_field.set_value(other.id, other.name)
    page.employer_field.picked.emit(other.id, other.name)
    pick("zs")
    assert page.employer_field.selected_id == other.id

    # the new-person dialog starts with the employer on the form, and saves the person there
    page.person_field.clear()
    page.person_edit.setText("李四")
    dlg = page.new_person()
    qtbot.addWidget(dlg)
    assert dlg.employer_combo.currentText() == "北京市中兴物业服务有限公司"
    idle(qtbot)
    assert dlg.employer_combo.currentText() == "北京市中兴物业服务有限公司"   # kept after the list loads
    with qtbot.waitSignal(dlg.saved, timeout=10000) as got:
        dlg.save()
    rec = got.args[0]
    assert rec.name == "李四" and rec.employer_id == other.id
    idle(qtbot)
    assert page.person_field.selected_id == rec.id and page.employer_field.selected_id == other.id


def test_errors_name_fields_as_the_form_labels_them(db, clerk, qtbot):
    """A visit without a person, summary or issue type: every field the service names is a row
    label on the form (the person row is 信访人, and so are its errors)."""
    from PySide6.QtWidgets import QFormLayout, QLabel
    page = open_page(AppContext(db, clerk), qtbot)
    labels = set()
    for form in page.findChildren(QFormLayout):
        for row in range(form.rowCount()):
            item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            if item is not None and isinstance(item.widget(), QLabel):
                labels.add(item.widget().text())
    assert "信访人" in labels and "来访人" not in labels
    page.channel_combo.setCurrentIndex(page.channel_combo.findData(Channel.VISIT.value))
    page.save()
    idle(qtbot)
    text = page.error_label.text()
    named = [line.split("：", 1)[0] for line in text.splitlines() if "：" in line]
    assert "信访人" in named
    assert set(named) <= labels, set(named) - labels
    assert page.focusWidget() is page.person_edit


def test_an_error_of_the_inline_new_person_lands_on_the_box_it_was_typed_in(db, clerk, qtbot, tmp_path):
    """Errors are found by key: ``new_person.employer`` on the 单位 box, ``new_person.id_number``
    on the 信访人 box (the nearest enclosing key), each with its message as the box's tooltip."""
    from app.domain.errors import ValidationError
    from ui.util import FIELD_ERROR_STYLE
    page = open_page(AppContext(db, clerk), qtbot)
    data = RegistrationInput(channel="visit", received_at=NOW, category="consult", issue_types=["wages"],
                             summary="咨询", disposition="answered", answer="已答复",
                             new_person=PersonInput(name="王五", id_number="110105194912310021",
                                                    employer_name="没有这家公司"))
    with pytest.raises(ValidationError) as e:
        registration.register(db, clerk, data, now=NOW)
    page._save_failed(e.value)                         # noqa: SLF001  (as the operation would)
    assert page.employer_edit.styleSheet() == FIELD_ERROR_STYLE
    assert "没有这家公司" in page.employer_edit.toolTip()
    assert page.person_edit.styleSheet() == FIELD_ERROR_STYLE and "校验位" in page.person_edit.toolTip()
    assert page.focusWidget() is page.person_edit
    assert page.summary_edit.styleSheet() == ""
