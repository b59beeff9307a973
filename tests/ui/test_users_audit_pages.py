"""用户管理 and 操作日志 pages, offscreen, on a fresh database."""
import pytest
from PySide6.QtCore import Qt

from app.domain.enums import Role
from app.services import accounts, audit
from ui import operations
from ui.context import AppContext
from ui.pages import settings_audit
from ui.pages.settings_audit import COL_ACTION, COL_AFTER, COL_ENTITY, COL_USER, AuditPage
from ui.pages.settings_users import (COL_ROLE, COL_STATUS, COL_USERNAME, ResetPasswordDialog,
                                     UserDialog, UsersPage, random_password)

PW = "secret123"



@pytest.fixture
def boss(db):
    return accounts.create_first_admin(db, "boss", "王主任", "Admin2026")


def _users_page(qtbot, db, actor):
    page = UsersPage(AppContext(db, actor))
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.table.rowCount() > 0, timeout=10000)
    return page


def _row_of(page, username):
    for r in range(page.table.rowCount()):
        if page.table.item(r, COL_USERNAME).text() == username:
            return r
    return None


def _fill_and_submit(qtbot, dialog, **texts):
    for name, text in texts.items():
        getattr(dialog, name).setText(text)
    dialog.submit()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10000)


def test_users_table_and_add_user(qtbot, db, boss, monkeypatch):
    page = _users_page(qtbot, db, boss)
    assert page.table.item(0, COL_ROLE).text() == Role.ADMIN.label
    assert page.table.item(0, COL_STATUS).text() == "正常"

    def fill(dialog):
        assert isinstance(dialog, UserDialog)
        dialog.show()
        # a bad form stays open with the problem named in red
        _fill_and_submit(qtbot, dialog, username="zs", display_name="张三", password="abc", confirm="abc")
        assert dialog.error.text().startswith("密码：") and dialog.isVisible()
        assert dialog.password.styleSheet() and not dialog.username.styleSheet()
        dialog.role.setCurrentIndex(dialog.role.findData(Role.MANAGER.value))
        _fill_and_submit(qtbot, dialog, password=PW, confirm=PW)
        return dialog.result() == dialog.DialogCode.Accepted
    monkeypatch.setattr(page, "open_dialog", fill)
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _row_of(page, "zs") is not None, timeout=10000)
    row = _row_of(page, "zs")
    assert page.table.item(row, COL_ROLE).text() == Role.MANAGER.label
    assert "已新增用户「张三」" in page.status.text()


def test_disable_enable_and_self_protection(qtbot, db, boss, monkeypatch):
    li = accounts.create_user(db, boss, "li", "李四", Role.CLERK, PW)
    page = _users_page(qtbot, db, boss)
    monkeypatch.setattr(page, "ask", lambda *a: True)
    page.select_user(li.id)
    assert page.toggle_button.text() == "停用"
    qtbot.mouseClick(page.toggle_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.table.item(_row_of(page, "li"), COL_STATUS).text() == "已停用",
                    timeout=10000)
    assert not accounts.get_user(db, li.id).active
    page.select_user(li.id)
    assert page.toggle_button.text() == "启用"

    # disabling oneself: the service refuses and the message is shown (here: captured)
    shown = []
    monkeypatch.setattr(operations, "show_error", lambda parent, exc: shown.append(str(exc)))
    page.select_user(boss.user_id)
    qtbot.mouseClick(page.toggle_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    assert "不能停用自己" in shown[0]
    assert accounts.get_user(db, boss.user_id).active


def test_reset_password_dialog(qtbot, db, boss):
    li = accounts.create_user(db, boss, "li", "李四", Role.CLERK, PW, must_change_password=False)
    ctx = AppContext(db, boss)
    dialog = ResetPasswordDialog(ctx, accounts.get_user(db, li.id))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.generate, Qt.MouseButton.LeftButton)
    new = dialog.password.text()
    assert len(new) == 10
    with qtbot.waitSignal(dialog.accepted, timeout=10000):
        dialog.submit()
    assert accounts.get_user(db, li.id).must_change_password
    assert accounts.sign_in(db, "li", new).user_id == li.id


def test_random_password_meets_policy():
    for _ in range(50):
        assert accounts.password_problem(random_password(), 8) is None


def test_audit_page_filters_and_load_more(qtbot, db, boss, monkeypatch):
    monkeypatch.setattr(settings_audit, "PAGE_SIZE", 3)
    for i in range(5):
        accounts.create_user(db, boss, f"user{i}", f"用户{i}", Role.CLERK, PW)
    accounts.sign_in(db, "user1", PW)
    total = len(audit.search(db, boss, limit=1000))  # first admin + 5 creates + sign-in
    assert total == 7

    page = AuditPage(AppContext(db, boss))
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=10000)
    model = page.model
    assert model.data(model.index(0, COL_ACTION)) == "登录"
    assert model.data(model.index(0, COL_ENTITY)) == "用户"
    assert page.more_button.isEnabled()
    qtbot.mouseClick(page.more_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: model.rowCount() == 6, timeout=10000)
    qtbot.mouseClick(page.more_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: model.rowCount() == 7, timeout=10000)
    assert not page.more_button.isEnabled()
    ids = [model.data(model.index(r, 0), Qt.ItemDataRole.UserRole) for r in range(7)]
    assert ids == sorted(ids, reverse=True)

    # text filter (Chinese typed with setText)
    page.text.setText("用户3")
    qtbot.mouseClick(page.search_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=10000)
    assert "用户3" in model.data(model.index(0, COL_AFTER))
    assert "王主任" in model.data(model.index(0, COL_USER))

    # user filter: the system account recorded the first admin's creation
    page.text.setText("")
    qtbot.waitUntil(lambda: page.user.findData("system") >= 0, timeout=10000)
    page.user.setCurrentIndex(page.user.findData("system"))
    page.search()
    qtbot.waitUntil(lambda: not operations._running, timeout=10000)
    assert [e.username for e in model.entries] == ["system"]

    # entity filter with nothing matching
    page.user.setCurrentIndex(0)
    page.entity.setCurrentIndex(page.entity.findData("setting"))
    page.search()
    qtbot.waitUntil(lambda: not operations._running, timeout=10000)
    assert page.status.text() == "没有符合条件的记录"
    assert model.rowCount() == 0


def test_audit_page_refreshes_on_change(qtbot, db, boss):
    ctx = AppContext(db, boss)
    page = AuditPage(ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10000)
    accounts.create_user(db, boss, "li", "李四", Role.CLERK, PW)
    AppContext.announce({"audit"})
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=10000)
