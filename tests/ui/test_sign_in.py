"""登录 and 修改密码 dialogs, and the session of an account disabled while signed in, offscreen, on a
fresh database."""
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


# ---------------------------------------------------------------- rights end with the account

GONE = "账户「chief」已停用，本次操作没有保存。请重新登录，或联系系统管理员。"


def test_disabled_account_is_told_and_signed_out(qtbot, db, staff, monkeypatch):
    """The administrator disables 周主任 while their window is open; their next writes come back
    refused: the open dialog closes, the window says why once, and the session ends."""
    from app.services.people import EmployerInput
    from ui.main_window import MainWindow
    from ui.operations.people import create_employer
    chief = accounts.sign_in(db, "chief", "Secret2026")
    window = MainWindow(AppContext(db, chief))
    qtbot.addWidget(window)
    window.show()
    told: list[tuple[str, str]] = []
    monkeypatch.setattr(window, "warn", lambda title, text: told.append((title, text)))
    dialog = ChangePasswordDialog(window.ctx, parent=window)
    dialog.show()
    accounts.set_active(db, staff[Role.ADMIN], chief.user_id, False)

    page_errors: list[BaseException] = []
    create_employer(window, window.ctx, EmployerInput(name="新单位"), on_error=page_errors.append)
    dialog.old.setText("Secret2026")
    dialog.new.setText("Newer2026")
    dialog.confirm.setText("Newer2026")
    dialog.submit()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=15000)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=15000)
    from ui import operations
    qtbot.waitUntil(lambda: not operations._running, timeout=15000)  # noqa: SLF001
    assert told == [("需要重新登录", GONE)]               # once, for both refused writes
    assert window.revoked and window.sign_out_requested
    assert dialog.result() == QDialog.DialogCode.Rejected and dialog.error.text() == "正在保存…"
    assert page_errors == []                              # the page is not asked to show it too
    assert accounts.sign_in(db, "boss", "Admin2026")      # nothing else changed: boss still signs in
    with pytest.raises(accounts.UserError, match="已停用"):
        accounts.sign_in(db, "chief", "Secret2026")


def test_other_errors_still_go_to_the_page(qtbot, db, staff):
    """Only AccountRevoked signs out; a refusal by role goes to ``on_error`` as before."""
    from app.services.people import EmployerInput
    from ui.main_window import MainWindow
    from ui.operations.people import create_employer
    clerk = accounts.sign_in(db, "clerk", "Secret2026")
    window = MainWindow(AppContext(db, clerk))
    qtbot.addWidget(window)
    window.show()
    errors: list[BaseException] = []
    create_employer(window, window.ctx, EmployerInput(name=""), on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=15000)
    assert window.isVisible() and not window.revoked and "单位名称" in errors[0].message


def test_run_gui_goes_back_to_sign_in_when_the_account_is_disabled(qtbot, db_path, monkeypatch):
    import ui.main
    from PySide6.QtCore import QTimer

    from app.db import open_database
    from app.services import setup
    from app.services.people import EmployerInput
    from ui.main_window import MainWindow
    from ui.operations.people import create_employer
    first = open_database(db_path)
    boss = setup.create_office(first, {"name": "北京市朝阳区总工会", "doc_prefix": "朝工信"},
                               "boss", "王管理", "Admin2026")
    accounts.create_user(first, boss, "chief", "周主任", Role.MANAGER, "Secret2026",
                         must_change_password=False)
    first.close()
    hints: list[str] = []   # what the sign-in dialog was pre-filled with, each time it was shown

    def sign_in(opening, username_hint=""):
        hints.append(username_hint)
        if len(hints) > 1:
            return None     # the person leaves at the second sign-in
        opening.wait()
        return accounts.sign_in(opening.db, "chief", "Secret2026")

    told: list[str] = []
    real_show = MainWindow.show

    def show_then_write(self):
        real_show(self)
        self.warn = lambda title, text: told.append(text)
        accounts.set_active(self.ctx.db, boss, self.ctx.actor.user_id, False)  # at another desk
        QTimer.singleShot(0, lambda: create_employer(self, self.ctx, EmployerInput(name="新单位")))

    monkeypatch.setattr(ui.main, "_sign_in", sign_in)
    monkeypatch.setattr(MainWindow, "show", show_then_write)
    assert ui.main.run_gui(str(db_path)) == 0
    assert told == [GONE]
    assert hints == ["", "chief"]
