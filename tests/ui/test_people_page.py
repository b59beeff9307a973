"""The 人员与单位 page and the person/employer forms, on a real temp database (pytest-qt, offscreen).

Chinese text is entered with setText (keyClicks with non-ASCII aborts Qt); ASCII with keyClicks.
"""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.services import people, people_search
from app.services.people import PersonInput
from app.services.people_search import PeoplePage, PersonMatch
from tests.ui.util import idle
from ui import operations
from ui.context import AppContext
from ui.dialogs.employer_dialog import EmployerDialog
from ui.dialogs.person_dialog import PersonDialog
from ui.pages.people import PeoplePage as PeoplePageWidget
from ui.pages.people import PersonTableModel

ZHANG_ID = "11010519491231002X"


@pytest.fixture
def ctx(db, admin, qtbot, monkeypatch):
    boxes: list[str] = []
    for kind in ("warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, kind, lambda *a, _k=kind, **kw: boxes.append(_k))
    context = AppContext(db, admin)
    context.boxes = boxes
    yield context
    qtbot.waitUntil(lambda: not operations._running, timeout=5000)   # noqa: SLF001
    assert boxes == []


@pytest.fixture
def page(ctx, qtbot):
    w = PeoplePageWidget(ctx)
    qtbot.addWidget(w)
    w.show()
    idle(qtbot)
    return w


def names(model: PersonTableModel) -> list[str]:
    return [model.data(model.index(r, PersonTableModel.NAME)) for r in range(model.rowCount())]


def test_new_person_saved_from_the_dialog_appears_in_search(page, ctx, qtbot):
    assert page.title == "人员与单位" and page.areas == {"people"}
    dlg = page.open_person()
    idle(qtbot)
    assert dlg.isVisible() and dlg.windowTitle() == "新增人员"
    dlg.name_edit.setText("张三")
    qtbot.keyClicks(dlg.id_edit, ZHANG_ID.lower())
    dlg.id_edit.editingFinished.emit()
    assert dlg.birth_edit.text() == "1949-12-31"      # filled from the ID number
    assert dlg.gender_combo.currentText() == "女"
    qtbot.keyClicks(dlg.phone_edit, "138 1234 5678")
    dlg.hukou_edit.setText("北京市西城区")
    dlg.migrant_check.setChecked(True)
    with qtbot.waitSignal(dlg.saved, timeout=5000) as saved:
        qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    rec = saved.args[0]
    assert (rec.name, rec.id_number, rec.phone) == ("张三", ZHANG_ID, "13812345678")

    # the change announcement refreshed the (blank-query) list: newest first
    qtbot.waitUntil(lambda: names(page.model) == ["张三"], timeout=5000)
    qtbot.keyClicks(page.search, "zs")
    qtbot.waitUntil(lambda: page.model.rows and page.model.rows[0].id == rec.id, timeout=5000)
    m = page.model
    row = [m.data(m.index(0, c)) for c in range(m.columnCount())]
    assert row == ["张三", "女", "****002X", "13812345678", "", "农民工"]
    assert [m.headerData(c, Qt.Orientation.Horizontal) for c in range(m.columnCount())] == \
        ["姓名", "性别", "身份证号", "电话", "单位", "标记"]
    page.search.setText("王")
    qtbot.waitUntil(lambda: m.rowCount() == 0, timeout=5000)
    assert "没有找到" in page.status.text()
    idle(qtbot)


def test_wrong_id_checksum_shows_the_message_and_saves_nothing(ctx, qtbot):
    dlg = PersonDialog(ctx)
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.name_edit.setText("张三")
    dlg.id_edit.setText("110105194912310021")
    dlg.note_edit.setPlainText("字" * 10_000)
    dlg.save()
    qtbot.waitUntil(lambda: dlg.error_label.isVisible(), timeout=5000)
    text = dlg.error_label.text()
    assert "身份证号：身份证号码校验位不正确，请核对最后一位" in text
    assert "备注：不能超过 2000 个字" in text
    assert dlg.focusWidget() is dlg.id_edit           # the first bad field
    assert dlg.result() != dlg.DialogCode.Accepted and dlg.save_button.isEnabled()
    assert people_search.list_people(ctx.db).items == ()

    # fixing the field and saving again works
    dlg.id_edit.setText(ZHANG_ID)
    dlg.note_edit.setPlainText("")
    with qtbot.waitSignal(dlg.saved, timeout=5000):
        dlg.save()
    assert [m.name for m in people_search.lookup(ctx.db, "张三")] == ["张三"]
    idle(qtbot)


def test_duplicate_id_message_names_the_registered_person(ctx, qtbot):
    people.create_person(ctx.db, ctx.actor, PersonInput(name="张三", id_number=ZHANG_ID))
    dlg = PersonDialog(ctx)
    qtbot.addWidget(dlg)
    dlg.name_edit.setText("张叁")
    dlg.id_edit.setText(ZHANG_ID)
    dlg.employer_combo.setEditText("不存在的公司")
    dlg.save()
    qtbot.waitUntil(lambda: dlg.error_label.text() != "", timeout=5000)
    assert "该身份证号码已登记为「张三」" in dlg.error_label.text()
    assert "单位「不存在的公司」尚未登记" in dlg.error_label.text()
    idle(qtbot)


def test_employer_then_person_with_employer_then_edit(page, ctx, qtbot):
    page.tabs.setCurrentIndex(page.EMPLOYER_TAB)
    dlg = page.open_employer()
    dlg.name_edit.setText("深圳市某某电子(集团)有限公司")
    qtbot.keyClicks(dlg.uscc_edit, "91110000600037341l")
    dlg.industry_combo.setCurrentText("制造业")
    dlg.union_check.setChecked(True)
    with qtbot.waitSignal(dlg.saved, timeout=5000) as saved:
        dlg.save()
    emp = saved.args[0]
    assert emp.name == "深圳市某某电子（集团）有限公司" and emp.uscc == "91110000600037341L"
    qtbot.waitUntil(lambda: page.employer_model.rowCount() == 1, timeout=5000)

    # a person at that employer, found through the employer suggestions
    person = page.open_person()
    idle(qtbot)
    assert person.employer_combo.findText(emp.name) >= 0        # offered on opening
    person.employer_combo.setEditText("")
    person.employer_combo.lineEdit().setText("szs")
    person._find_employers()        # noqa: SLF001 - what the debounce timer calls
    idle(qtbot)
    assert person._employer_model.stringList() == [emp.name]     # noqa: SLF001
    person.employer_combo.setEditText(emp.name)
    person.name_edit.setText("李四")
    with qtbot.waitSignal(person.saved, timeout=5000) as saved:
        person.save()
    li = saved.args[0]
    assert li.employer_id == emp.id

    # edit him from the page: select the row, press 编辑
    page.tabs.setCurrentIndex(page.PEOPLE_TAB)
    page.search.setText("李四")
    page.search.fire()
    qtbot.waitUntil(lambda: names(page.model) == ["李四"], timeout=5000)
    assert page.model.data(page.model.index(0, PersonTableModel.EMPLOYER)) == emp.name
    assert not page.edit_button.isEnabled()
    page.table.selectRow(0)
    assert page.edit_button.isEnabled()
    qtbot.mouseClick(page.edit_button, Qt.MouseButton.LeftButton)
    edit = page.last_dialog
    assert isinstance(edit, PersonDialog) and edit.windowTitle() == "编辑人员"
    qtbot.waitUntil(lambda: edit.loaded, timeout=5000)
    assert edit.name_edit.text() == "李四" and edit.employer_combo.currentText() == emp.name
    edit.phone_edit.setText("0755 8765 4321")
    with qtbot.waitSignal(edit.saved, timeout=5000) as saved:
        edit.save()
    assert saved.args[0].phone == "0755-87654321"
    qtbot.waitUntil(lambda: page.model.rowCount() == 1
                    and page.model.rows[0].phone == "0755-87654321", timeout=5000)

    # edit the employer from its tab
    page.tabs.setCurrentIndex(page.EMPLOYER_TAB)
    page.employer_table.selectRow(0)
    page.edit_selected()
    edit_emp = page.last_dialog
    assert isinstance(edit_emp, EmployerDialog)
    qtbot.waitUntil(lambda: edit_emp.loaded, timeout=5000)
    assert edit_emp.union_check.isChecked() and edit_emp.industry_combo.currentText() == "制造业"
    edit_emp.contact_edit.setText("陈工")
    with qtbot.waitSignal(edit_emp.saved, timeout=5000):
        edit_emp.save()
    assert people.get_employer(ctx.db, emp.id).contact == "陈工"
    idle(qtbot)


def test_employer_dialog_reports_every_bad_field(ctx, qtbot):
    dlg = EmployerDialog(ctx)
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.uscc_edit.setText("91110000600037341M")
    dlg.phone_edit.setText("phone")
    dlg.save()
    qtbot.waitUntil(lambda: dlg.error_label.isVisible(), timeout=5000)
    assert dlg.error_label.text().splitlines() == [
        "单位名称：请填写单位名称",
        "统一社会信用代码：校验位不正确，请核对最后一位",
        "电话：电话号码不能包含字母，分机号请写成「转123」"]
    assert dlg.focusWidget() is dlg.name_edit
    assert people.find_employers(ctx.db, "") == []
    idle(qtbot)


def test_answers_arriving_after_the_page_is_gone_are_dropped(ctx, qtbot):
    w = PeoplePageWidget(ctx)
    w.show()
    w.search.setText("zs")
    w.search.fire()
    w.deleteLater()
    idle(qtbot)          # no "already deleted" error surfaces in the event loop


def _page(start: int, n: int, more: bool) -> PeoplePage:
    items = tuple(PersonMatch(id=i, name=f"人{i}", gender_label="", id_tail="", phone="",
                              employer_name="", key=("", i)) for i in range(start, start + n))
    return PeoplePage(items, items[-1].key if more else None)


def test_person_model_pages_without_a_view(qtmodeltester):
    model = PersonTableModel()
    model.reset(_page(0, 3, more=True))
    assert model.rowCount() == 3 and model.canFetchMore()
    asked = []
    model.more_wanted.connect(asked.append)
    model.fetchMore()
    assert asked == [("", 2)] and not model.canFetchMore()      # one request at a time
    model.append(_page(3, 2, more=False))
    assert model.rowCount() == 5 and not model.canFetchMore()
    assert model.person_id(4) == 4 and model.person_id(5) is None
    qtmodeltester.check(model)


def test_each_error_is_shown_on_its_own_field_found_by_key(ctx, qtbot):
    """The dialog finds a field by the error's key, not by its label: the 电话 error (a label the
    person and employer forms share) marks the phone box and says what is wrong on it."""
    from ui.util import FIELD_ERROR_STYLE
    dlg = PersonDialog(ctx)
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.name_edit.setText("张三")
    dlg.id_edit.setText("110105194912310021")
    dlg.phone_edit.setText("12345")
    dlg.save()
    qtbot.waitUntil(lambda: dlg.error_label.isVisible(), timeout=5000)
    for edit in (dlg.id_edit, dlg.phone_edit):
        assert edit.styleSheet() == FIELD_ERROR_STYLE
    assert "校验位" in dlg.id_edit.toolTip() and dlg.phone_edit.toolTip() != ""
    assert dlg.phone_edit.toolTip() in dlg.error_label.text()
    assert dlg.name_edit.styleSheet() == "" and dlg.name_edit.toolTip() == ""
    dlg.id_edit.setText(ZHANG_ID)
    dlg.phone_edit.setText("13812345678")
    with qtbot.waitSignal(dlg.saved, timeout=5000):
        dlg.save()
    assert dlg.phone_edit.styleSheet() == "" and dlg.phone_edit.toolTip() == ""
