"""The GUI shell: first-run wizard → sign-in → main window, the office settings page, layout memory,
and start-up (pytest-qt, offscreen)."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtWidgets import QApplication, QGroupBox, QTreeWidgetItemIterator, QWidget, QWizard

from app.domain.enums import Role
from app.services import accounts, settings, setup
from ui import operations
from ui.context import AppContext

PROFILE = {"name": "北京市朝阳区总工会", "doc_prefix": "朝工信"}
ADMIN_PAGES = {"users", "calendar", "audit"}
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def gui(qapp, tmp_path):
    """QSettings in a folder of this test's own, so layout memory starts empty (``qapp`` in
    tests/conftest.py has set up the application as the program does)."""
    folder = str(tmp_path / "qsettings")
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, folder)
    yield folder


@pytest.fixture(autouse=True)
def _no_dangling_operations(qtbot):
    """Let background calls finish before the test's database is closed."""
    yield
    qtbot.waitUntil(lambda: not operations._running, timeout=15000)


def _office_admin(db):
    return setup.create_office(db, PROFILE, "admin", "王建华", "secret123")


def _sign_in(qtbot, db, username: str, password: str):
    from ui.dialogs.sign_in import SignInDialog
    dialog = SignInDialog(db)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.username, username)
    qtbot.keyClicks(dialog.password, password)
    with qtbot.waitSignal(dialog.accepted, timeout=15000):
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.actor is not None
    return dialog.actor


def _main_window(qtbot, db, actor):
    from ui.main_window import MainWindow
    window = MainWindow(AppContext(db, actor))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def _nav_texts(window) -> list[str]:
    texts = []
    it = QTreeWidgetItemIterator(window.nav)
    while it.value():
        texts.append(it.value().text(0))
        it += 1
    return texts


# ---------------------------------------------------------------- the whole first run

def test_new_office_wizard_then_sign_in_then_main_window(qtbot, db):
    from ui.wizard import PAGE_ADMIN, PAGE_OFFICE, PAGE_START, FirstRunWizard
    assert not settings.is_configured(db)
    wizard = FirstRunWizard(db)
    qtbot.addWidget(wizard)
    wizard.show()
    assert wizard.currentId() == PAGE_START and wizard.start_page.new_office.isChecked()
    wizard.next()
    assert wizard.currentId() == PAGE_OFFICE

    editors = wizard.office_page.form.editors
    editors["office.name"].setText("北京市朝阳区总工会")
    editors["office.doc_prefix"].setText("朝工信")
    editors["office.address"].setText("北京市朝阳区朝阳北路101号")
    qtbot.keyClicks(editors["office.phone"], "010-65012351")
    qtbot.keyClicks(editors["office.postcode"], "100020")
    editors["office.contact"].setText("李晓燕")
    wizard.next()
    assert wizard.currentId() == PAGE_ADMIN

    page = wizard.admin_page
    qtbot.keyClicks(page.username, "admin")
    page.display_name.setText("王建华")
    qtbot.keyClicks(page.password, "secret123")
    qtbot.keyClicks(page.confirm, "secret123")
    with qtbot.waitSignal(wizard.accepted, timeout=15000):
        qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    assert wizard.admin_username == "admin" and wizard.actor.role is Role.ADMIN

    assert settings.is_configured(db)
    office = settings.office(db)
    assert (office.name, office.doc_prefix, office.postcode, office.phone) == \
        ("北京市朝阳区总工会", "朝工信", "100020", "010-65012351")

    actor = _sign_in(qtbot, db, "admin", "secret123")
    assert actor.display_name == "王建华"
    window = _main_window(qtbot, db, actor)
    assert window.windowTitle() == "工会信访帮扶台账系统 UnionDesk"
    qtbot.waitUntil(lambda: "北京市朝阳区总工会" in window.status_text(), timeout=10000)
    status = window.status_text()
    assert "王建华（系统管理员）" in status
    assert str(db.path) in status
    assert ADMIN_PAGES | {"workbench", "people", "office"} <= set(window.nav_keys())
    assert {"系统设置", "工作台", "人员与单位", "单位信息与参数", "用户管理", "节假日日历", "操作日志"} \
        <= set(_nav_texts(window))
    assert window.backup_action in window.menuBar().actions()[0].menu().actions()

    # the workbench is the start page; other pages are only created when first shown
    workbench = window.page("workbench")
    assert window.current_key() == "workbench" and workbench is not None
    assert window.page("users") is None and window.page("office") is None
    qtbot.waitUntil(lambda: "北京市朝阳区总工会" in workbench.office_label.text(), timeout=10000)
    assert "王建华" in workbench.greeting.text()
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日 星期[一二三四五六日]", workbench.date_label.text())
    office_page = window.show_page("office")
    assert window.stack.currentWidget() is office_page and window.page("office") is office_page


def test_clerk_does_not_see_admin_pages(qtbot, db):
    admin = _office_admin(db)
    accounts.create_user(db, admin, "clerk1", "李晓燕", Role.CLERK, "clerk2026x",
                         must_change_password=False)
    actor = _sign_in(qtbot, db, "clerk1", "clerk2026x")
    assert actor.role is Role.CLERK
    window = _main_window(qtbot, db, actor)
    qtbot.waitUntil(lambda: "北京市朝阳区总工会" in window.status_text(), timeout=10000)
    assert "李晓燕（登记员）" in window.status_text()
    keys = set(window.nav_keys())
    assert not keys & ADMIN_PAGES
    assert {"workbench", "people", "office"} <= keys
    texts = _nav_texts(window)
    assert "用户管理" not in texts and "操作日志" not in texts and "节假日日历" not in texts
    file_actions = window.menuBar().actions()[0].menu().actions()
    assert window.backup_action not in file_actions and window.restore_action not in file_actions

    # the office settings are shown read-only
    page = window.show_page("office")
    qtbot.waitUntil(lambda: page.loaded, timeout=10000)
    assert page.form.value("office.name") == "北京市朝阳区总工会"
    assert page.form.editors["office.doc_prefix"].isReadOnly()
    assert page.save_button.isHidden()
    assert page.save() is None


def test_manager_sees_the_audit_log_but_not_user_management(qtbot, db):
    admin = _office_admin(db)
    accounts.create_user(db, admin, "boss", "刘淑芬", Role.MANAGER, "boss2026x",
                         must_change_password=False)
    window = _main_window(qtbot, db, accounts.sign_in(db, "boss", "boss2026x"))
    keys = set(window.nav_keys())
    assert "audit" in keys and "users" not in keys and "calendar" not in keys


def test_every_listed_page_opens_and_matches_its_registry_line(qtbot, db):
    from ui.main_window import PAGES
    from ui.pages.base import Page
    window = _main_window(qtbot, db, _office_admin(db))
    assert window.nav_keys() == [e.key for e in PAGES]  # the administrator sees everything
    for entry in PAGES:
        page = window.show_page(entry.key)
        assert isinstance(page, Page), f"{entry.key}: {page!r}"
        assert type(page).__name__ == entry.cls and page.title == entry.title
        assert window.stack.currentWidget() is page
        qtbot.waitUntil(lambda: not operations._running, timeout=15000)


# ---------------------------------------------------------------- wizard refusals

def _to_office_page(qtbot, db):
    from ui.wizard import PAGE_OFFICE, FirstRunWizard
    wizard = FirstRunWizard(db)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    assert wizard.currentId() == PAGE_OFFICE
    return wizard


def test_wizard_refuses_an_empty_office_name_and_names_the_field(qtbot, db):
    from ui.wizard import PAGE_ADMIN, PAGE_OFFICE
    wizard = _to_office_page(qtbot, db)
    form = wizard.office_page.form
    form.editors["office.doc_prefix"].setText("朝工信")
    qtbot.keyClicks(form.editors["office.postcode"], "1000200")
    wizard.next()
    assert wizard.currentId() == PAGE_OFFICE
    assert form.error_text("office.name") == "单位名称：不能为空"
    assert "邮政编码" in form.error_text("office.postcode")
    assert form.error_text("office.doc_prefix") == ""
    assert not form.error_labels["office.name"].isHidden()

    form.editors["office.name"].setText("北京市朝阳区总工会")
    form.editors["office.postcode"].setText("100020")
    wizard.next()
    assert wizard.currentId() == PAGE_ADMIN
    assert form.error_text("office.name") == ""


def test_wizard_refuses_mismatched_and_weak_passwords_and_writes_nothing(qtbot, db):
    from ui.wizard import PAGE_ADMIN
    wizard = _to_office_page(qtbot, db)
    wizard.office_page.form.editors["office.name"].setText("北京市朝阳区总工会")
    wizard.office_page.form.editors["office.doc_prefix"].setText("朝工信")
    wizard.next()
    page = wizard.admin_page
    qtbot.keyClicks(page.username, "admin")
    page.display_name.setText("王建华")
    qtbot.keyClicks(page.password, "secret123")
    qtbot.keyClicks(page.confirm, "secret124")
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert wizard.currentId() == PAGE_ADMIN and wizard.isVisible()
    assert "不一致" in page.error_text("确认密码")

    # the policy is the service's: refused in the background, shown under 密码
    page.password.setText("short1")
    page.confirm.setText("short1")
    wizard.button(QWizard.WizardButton.FinishButton).click()
    qtbot.waitUntil(lambda: page.error_text("密码") != "", timeout=10000)
    assert "至少需要 8 位" in page.error_text("密码")
    assert page.error_text("确认密码") == ""
    assert wizard.isVisible() and wizard.actor is None
    assert not settings.is_configured(db) and not accounts.has_users(db)
    assert settings.get(db, "office.name") == ""


def test_wizard_demo_path_lists_the_demo_accounts(qtbot, db, monkeypatch):
    from app.services import demo
    from ui.wizard import PAGE_DEMO, FirstRunWizard
    real = demo.generate
    monkeypatch.setattr(demo, "generate",
                        lambda db, seed=1, progress=None, **kw: real(
                            db, seed=seed, people=30, registrations=40, progress=progress,
                            employers=5, today=kw.get("today")))
    wizard = FirstRunWizard(db)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.start_page.demo.setChecked(True)
    assert wizard.start_page.isCommitPage()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentId() == PAGE_DEMO, timeout=30000)
    table = wizard.demo_page.table
    rows = {table.item(r, 0).text(): (table.item(r, 1).text(), table.item(r, 2).text())
            for r in range(table.rowCount())}
    assert rows == {"admin": ("demo1234", "系统管理员"), "clerk": ("demo1234", "登记员"),
                    "caseworker": ("demo1234", "承办人"), "manager": ("demo1234", "负责人")}
    assert "演示数据" in wizard.demo_page.summary.text()
    assert not wizard.button(QWizard.WizardButton.BackButton).isEnabled() \
        or not wizard.button(QWizard.WizardButton.BackButton).isVisible()
    with qtbot.waitSignal(wizard.accepted, timeout=5000):
        wizard.button(QWizard.WizardButton.FinishButton).click()
    assert settings.is_configured(db)
    assert accounts.sign_in(db, "clerk", "demo1234").role is Role.CLERK


# ---------------------------------------------------------------- office settings page

def test_office_settings_page_saves_a_change_and_names_a_refused_value(qtbot, db):
    from ui.pages.settings_office import OfficeSettingsPage
    admin = _office_admin(db)
    page = OfficeSettingsPage(AppContext(db, admin))
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.loaded, timeout=10000)
    form = page.form
    assert form.value("office.doc_prefix") == "朝工信"
    assert form.value("deadline.accept_notice_days") == 15
    # one group box per settings group, with its label
    titles = [b.title() for b in form.findChildren(QGroupBox)]
    assert titles == ["单位信息", "文书文号", "期限与预警", "账户安全", "备份", "困难职工帮扶", "互助保障"]

    form.editors["office.doc_prefix"].setText("朝工访")
    op = page.save()
    qtbot.waitUntil(lambda: op.done, timeout=10000)
    assert settings.get(db, "office.doc_prefix") == "朝工访"
    assert page.message.text() == "已保存 1 项修改。"

    qtbot.waitUntil(lambda: not operations._running, timeout=10000)  # the reload after saving
    form.editors["deadline.accept_notice_days"].setValue(16)
    form.editors["office.name"].setText("")
    op = page.save()
    qtbot.waitUntil(lambda: op.done, timeout=10000)
    assert form.error_text("deadline.accept_notice_days") == "书面受理告知期限(自然日)：不能大于 15"
    assert form.error_text("office.name") == "单位名称：不能为空"
    assert "未保存" in page.message.text()
    assert settings.get(db, "deadline.accept_notice_days") == 15
    assert settings.get(db, "office.name") == "北京市朝阳区总工会"

    form.editors["office.name"].setText("北京市朝阳区总工会")
    form.editors["deadline.accept_notice_days"].setValue(10)
    op = page.save()
    qtbot.waitUntil(lambda: op.done, timeout=10000)
    assert settings.get(db, "deadline.accept_notice_days") == 10
    assert form.error_text("deadline.accept_notice_days") == ""


# ---------------------------------------------------------------- layout memory

def test_main_window_geometry_and_splitter_are_remembered(qtbot, db, gui):
    actor = _office_admin(db)
    window = _main_window(qtbot, db, actor)
    window.resize(770, 530)
    window.splitter.setSizes([220, 480])
    qtbot.waitUntil(lambda: window.width() == 770)
    window.close()
    s = QSettings()
    assert Path(s.fileName()).is_relative_to(gui)
    from ui.windows import screen_setup_key
    assert [int(v) for v in s.value(f"MainWindow/{screen_setup_key()}/rect")][2:] == [770, 530]
    assert isinstance(s.value("MainWindow/splitter"), QByteArray)

    again = _main_window(qtbot, db, actor)
    assert (again.width(), again.height()) == (770, 530)
    assert again.splitter.sizes()[0] == 220


# ---------------------------------------------------------------- start-up

def test_paint_timer_reports_each_window_once(qtbot, monkeypatch):
    from ui.main import PaintTimer
    exits: list[int] = []
    # the real QApplication.exit would end the test process's later event loops
    monkeypatch.setattr(QApplication, "exit", lambda code=0: exits.append(code))

    class Probe(QWidget):
        pass

    lines: list[str] = []
    timer = PaintTimer(report=True, exit_after="Probe", write=lines.append)
    QApplication.instance().installEventFilter(timer)
    try:
        w = Probe()
        qtbot.addWidget(w)
        w.resize(200, 100)
        w.show()
        qtbot.waitUntil(lambda: timer.painted == ["Probe"], timeout=5000)
        w.update()
        qtbot.wait(50)
    finally:
        QApplication.instance().removeEventFilter(timer)
    assert timer.painted == ["Probe"] and timer.quit_requested and exits == [0]
    assert re.fullmatch(r"timing: Probe first paint at \d+\.\d{3} s since process start.*", lines[0])


def test_run_gui_refuses_a_file_that_is_not_a_database(qtbot, tmp_path, monkeypatch):
    import ui.main
    bad = tmp_path / "notes.db"
    bad.write_text("这不是数据库" * 200, encoding="utf-8")
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(ui.main, "tell_error", lambda title, text: shown.append((title, text)))
    assert ui.main.run_gui(str(bad)) == 2
    assert shown and "无法打开数据库" in shown[0][1]


def test_program_start_paints_the_wizard_and_reports_timing(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", UNIONDESK_TIMING="1",
               UNIONDESK_EXIT_AFTER_PAINT="1", UNIONDESK_DATA_DIR=str(tmp_path / "data"),
               HOME=str(tmp_path))
    r = subprocess.run([sys.executable, "-m", "app.cli", "--db", str(tmp_path / "new.db")],
                       capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert r.returncode == 0, r.stderr
    m = re.search(r"timing: FirstRunWizard first paint at (\d+\.\d+) s since process start", r.stderr)
    assert m, r.stderr
    assert 0 < float(m.group(1)) < 60


def test_program_start_paints_the_sign_in_dialog_before_importing_sqlalchemy(db, tmp_path):
    _office_admin(db)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", UNIONDESK_TIMING="1",
               UNIONDESK_EXIT_AFTER_PAINT="1", UNIONDESK_DATA_DIR=str(tmp_path / "data"),
               HOME=str(tmp_path))
    r = subprocess.run([sys.executable, "-X", "importtime", "-m", "app.cli", "--db", str(db.path)],
                       capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert r.returncode == 0, r.stderr[-3000:]  # the database opening behind the dialog ends cleanly
    lines = r.stderr.splitlines()
    painted = next(i for i, line in enumerate(lines) if line.startswith("timing: SignInDialog"))
    imported = [i for i, line in enumerate(lines) if re.search(r"\|\s+sqlalchemy$", line)]
    assert imported and imported[0] > painted  # SQLAlchemy comes after the first paint
    assert not any(re.search(r"\|\s+(alembic|openpyxl|reportlab|pypinyin|argon2|stdnum)$", line)
                   for line in lines[:painted])


def _configured_file(db_path, office: bool = True) -> None:
    from app.db import open_database
    first = open_database(db_path)
    if office:
        _office_admin(first)
    else:
        accounts.create_first_admin(first, "admin", "王建华", "secret123")
    first.close()


def test_run_gui_signs_in_once_the_database_behind_the_dialog_is_open(qtbot, db_path, monkeypatch):
    import ui.main
    from PySide6.QtCore import QTimer
    from ui.dialogs.sign_in import SignInDialog
    from ui.main_window import MainWindow
    _configured_file(db_path)
    at_start: list[tuple] = []
    real_exec, real_show = SignInDialog.exec, MainWindow.show

    def exec_(self):
        at_start.append((self.db is None, self.sign_in_button.isEnabled(), self.error.text()))
        self.username.setText("admin")
        self.password.setText("secret123")
        QTimer.singleShot(0, self.submit)  # Enter before the database is open
        return real_exec(self)

    sessions: list[str] = []

    def show_then_leave(self):
        sessions.append(self.ctx.actor.username)
        real_show(self)
        QTimer.singleShot(100, self.close)

    monkeypatch.setattr(SignInDialog, "exec", exec_)
    monkeypatch.setattr(MainWindow, "show", show_then_leave)
    assert ui.main.run_gui(str(db_path)) == 0
    assert at_start == [(True, False, "正在打开数据库…")]
    assert sessions == ["admin"]


def test_run_gui_sign_in_gives_way_to_the_wizard_when_the_office_is_not_set_up(qtbot, db_path,
                                                                                monkeypatch):
    import ui.main
    from PySide6.QtWidgets import QDialog
    from ui.dialogs.sign_in import SignInDialog
    from ui.wizard import FirstRunWizard
    _configured_file(db_path, office=False)  # accounts, but no office profile
    shown: list[str] = []
    real_exec = SignInDialog.exec

    def sign_in_exec(self):
        shown.append("sign-in")
        return real_exec(self)

    def wizard_exec(self):
        shown.append("wizard")
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(SignInDialog, "exec", sign_in_exec)
    monkeypatch.setattr(FirstRunWizard, "exec", wizard_exec)
    assert ui.main.run_gui(str(db_path)) == 0
    assert shown == ["sign-in", "wizard"]


# ---------------------------------------------------------------- menus and the session loop

def test_backup_and_restore_from_the_file_menu(qtbot, db, tmp_path, monkeypatch):
    actor = _office_admin(db)
    window = _main_window(qtbot, db, actor)
    target = tmp_path / "copy.db"
    told: list[str] = []
    monkeypatch.setattr(window, "inform", lambda title, text: told.append(text))
    from ui import file_dialogs
    monkeypatch.setattr(file_dialogs, "run_dialog", lambda dlg: [str(target)])
    window.backup_action.trigger()
    qtbot.waitUntil(lambda: bool(told), timeout=15000)
    assert target.is_file() and str(target) in told[0]

    settings.save(db, actor, {"office.name": "改过的名字"})
    monkeypatch.setattr(window, "ask", lambda title, text: True)
    window.restore_action.trigger()
    qtbot.waitUntil(lambda: window.restart_requested, timeout=15000)
    assert not window.isVisible() and "请重新登录" in told[-1]
    assert settings.office(db).name == "北京市朝阳区总工会"


def test_run_gui_signs_in_again_after_sign_out_and_backs_up_on_exit(qtbot, db_path, monkeypatch):
    import ui.main
    from app.db import open_database
    from ui.main_window import MainWindow
    first = open_database(db_path)
    _office_admin(first)
    first.close()
    sessions: list[str] = []

    def fake_sign_in(opening, username_hint=""):
        if len(sessions) >= 2:
            return None
        sessions.append("signed in")
        opening.wait()
        return accounts.sign_in(opening.db, "admin", "secret123")

    real_show = MainWindow.show

    def show_then_leave(self):
        real_show(self)
        # first session: 注销; second: close the window (退出)
        action = self.sign_out if len(sessions) == 1 else self.close
        from PySide6.QtCore import QTimer
        QTimer.singleShot(200, action)

    monkeypatch.setattr(ui.main, "_sign_in", fake_sign_in)
    monkeypatch.setattr(MainWindow, "show", show_then_leave)
    assert ui.main.run_gui(str(db_path)) == 0
    assert sessions == ["signed in", "signed in"]
    backups = list((db_path.parent / "backups").glob("auto-*.db"))
    assert len(backups) == 1


def test_ui_tests_run_with_the_programs_application_set_up(qapp):
    """tests/conftest.py makes pytest-qt's QApplication with ui.main.make_application."""
    from app import APP_NAME
    assert qapp is QApplication.instance() and qapp.applicationName() == APP_NAME
    assert any("WenQuanYi" in family for family in qapp.font().families())
