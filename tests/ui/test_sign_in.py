"""登录 and 修改密码 dialogs, offscreen, on a fresh database."""
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from app.domain.enums import Role
from app.services import accounts
from ui.dialogs.change_password import ChangePasswordDialog
from ui.dialogs.sign_in import SignInDialog
from ui.context import AppContext

PW = "secret123"



@pytest.fixture
def user(db, admin):
    return accounts.create_user(db, admin, "li", "李四", Role.CASEWORKER, PW,
                                must_change_password=False)


def _dialog(qtbot, db):
    dialog = SignInDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _try(qtbot, dialog, username, password):
    dialog.username.clear()
    dialog.password.clear()
    qtbot.keyClicks(dialog.username, username)
    qtbot.keyClicks(dialog.password, password)
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10000)


def test_wrong_password_shows_message_in_label(qtbot, db, user):
    dialog = _dialog(qtbot, db)
    _try(qtbot, dialog, "li", "wrong1234")
    assert dialog.error.text() == "用户名或密码不正确，还可尝试 4 次"
    assert dialog.isVisible() and dialog.result() == 0 and dialog.actor is None
    assert dialog.password.text() == ""  # ready for the next try
    assert dialog.error.styleSheet().startswith("color: #b3261e")


def test_empty_fields_are_named_without_a_call(qtbot, db, user):
    dialog = _dialog(qtbot, db)
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    assert dialog.error.text() == "请输入用户名"
    qtbot.keyClicks(dialog.username, "li")
    qtbot.keyPress(dialog.password, Qt.Key.Key_Return)
    assert dialog.error.text() == "请输入密码"


def test_right_password_accepts(qtbot, db, user):
    dialog = _dialog(qtbot, db)
    with qtbot.waitSignal(dialog.accepted, timeout=10000):
        _try(qtbot, dialog, "li", PW)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.actor.user_id == user.id and dialog.actor.role is Role.CASEWORKER


def test_enter_in_password_signs_in(qtbot, db, user):
    dialog = _dialog(qtbot, db)
    dialog.set_username("li")
    qtbot.keyClicks(dialog.password, PW)
    with qtbot.waitSignal(dialog.accepted, timeout=10000):
        qtbot.keyPress(dialog.password, Qt.Key.Key_Return)
    assert dialog.actor.username == "li"


def test_typing_before_the_database_is_open_signs_in_once_it_is(qtbot, db, user):
    dialog = _dialog(qtbot, None)
    assert not dialog.sign_in_button.isEnabled() and dialog.error.text() == "正在打开数据库…"
    assert not dialog.error.styleSheet().startswith("color: #b3261e")  # a status, not a problem
    dialog.set_username("li")
    qtbot.keyClicks(dialog.password, PW)
    qtbot.keyPress(dialog.password, Qt.Key.Key_Return)
    assert dialog.error.text() == "正在打开数据库，打开后立即登录…" and dialog.actor is None
    with qtbot.waitSignal(dialog.accepted, timeout=10000):
        dialog.set_database(db)
    assert dialog.actor.username == "li"


def test_database_ready_before_enter_just_enables_the_button(qtbot, db, user):
    dialog = _dialog(qtbot, None)
    dialog.set_database(db)
    assert dialog.sign_in_button.isEnabled() and dialog.error.text() == ""
    assert not dialog.busy and dialog.isVisible()


def test_six_wrong_passwords_show_locked_message(qtbot, db, user):
    dialog = _dialog(qtbot, db)
    for i in range(6):
        _try(qtbot, dialog, "li", f"wrong{i}aa")
    assert dialog.error.text() == "账户已锁定，请在 15 分钟后重试或联系系统管理员"
    _try(qtbot, dialog, "li", PW)
    assert "账户已锁定" in dialog.error.text() and dialog.actor is None


def test_must_change_password_runs_the_change_dialog(qtbot, db, admin, monkeypatch):
    accounts.create_user(db, admin, "wang", "王五", Role.CLERK, PW)  # must change
    dialog = _dialog(qtbot, db)
    asked = []
    monkeypatch.setattr(dialog, "change_password", lambda actor: asked.append(actor) or False)
    _try(qtbot, dialog, "wang", PW)
    assert [a.username for a in asked] == ["wang"]
    assert "必须先修改密码" in dialog.error.text() and dialog.actor is None

    monkeypatch.setattr(dialog, "change_password", lambda actor: True)
    with qtbot.waitSignal(dialog.accepted, timeout=10000):
        _try(qtbot, dialog, "wang", PW)
    assert dialog.actor.username == "wang"


def test_change_password_dialog(qtbot, db, user):
    actor = accounts.sign_in(db, "li", PW)
    dialog = ChangePasswordDialog(AppContext(db, actor))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: "至少 8 位" in dialog.policy.text(), timeout=10000)
    # mismatch is caught in the dialog
    qtbot.keyClicks(dialog.old, PW)
    qtbot.keyClicks(dialog.new, "Newer2026")
    qtbot.keyClicks(dialog.confirm, "Newer2027")
    dialog.submit()
    assert "两次输入的新密码不一致" in dialog.error.text()
    # a wrong old password comes back from the service, named
    dialog.old.setText("nope12345")
    dialog.confirm.setText("Newer2026")
    dialog.submit()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10000)
    assert dialog.error.text().startswith("原密码：")
    assert dialog.old.styleSheet() and not dialog.new.styleSheet()
    dialog.old.setText(PW)
    with qtbot.waitSignal(dialog.accepted, timeout=10000):
        dialog.submit()
    assert accounts.sign_in(db, "li", "Newer2026").user_id == user.id
