"""The first-run wizard (首次使用向导), shown while the database has no office profile or no user.

Two ways through it:

* 建立新单位: 单位信息 (fields generated from the ``office`` settings, checked by
  ``settings.validated``; the page will not advance with a bad value and names the field) →
  管理员账户 → 完成, which calls ``setup.create_office`` once: profile and first administrator
  in one transaction.
* 打开演示数据: ``demo.generate`` runs in the background with a progress dialog, then a page lists
  the demo accounts and their password.

Every service call goes through ``ui.operations.run``. Afterwards ``admin_username`` holds the
account to sign in with (empty for the demo) and ``actor`` the administrator created.
"""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (QButtonGroup, QFormLayout, QHeaderView, QLabel, QLineEdit,
                               QRadioButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
                               QWizard, QWizardPage)

from app.domain import clock
from app import WINDOW_TITLE
from app.domain.actor import Actor
from app.domain.enums import Role
from app.domain.errors import UserError, ValidationError
from app.domain.settings import OFFICE, SETTINGS
from app.services import settings as settings_service
from ui.operations import Operation, run, show_error
from ui.settings_form import SettingsForm
from ui.util import ERROR_STYLE, FIELD_ERROR_STYLE, with_error_line
from ui.windows import fit_to_screen

PAGE_START, PAGE_OFFICE, PAGE_ADMIN, PAGE_DEMO = range(4)
OFFICE_PLACEHOLDERS = {
    "office.name": "例如：朝阳区总工会",
    "office.doc_prefix": "例如：朝工信（用于告知书文号）",
    "office.postcode": "6 位数字",
}
F_CONFIRM = "确认密码"


def _busy(op: Operation | None) -> bool:
    return op is not None and not op.done


class StartPage(QWizardPage):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle(self.tr("欢迎使用工会信访帮扶台账系统"))
        self.setSubTitle(self.tr("这台电脑上还没有本单位的数据。请选择如何开始："))
        self.new_office = QRadioButton(self.tr("建立新单位"))
        self.demo = QRadioButton(self.tr("打开演示数据"))
        self.new_office.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.new_office)
        group.addButton(self.demo)
        new_hint = QLabel(self.tr("填写本单位信息，创建系统管理员账户，开始正式使用。"))
        demo_hint = QLabel(self.tr("生成一套虚构的单位、人员和账户，用于培训和试用。"
                                   "演示数据不要与正式数据混用。"))
        for hint in (new_hint, demo_hint):
            hint.setWordWrap(True)
            hint.setIndent(24)
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.new_office)
        layout.addWidget(new_hint)
        layout.addSpacing(12)
        layout.addWidget(self.demo)
        layout.addWidget(demo_hint)
        layout.addStretch(1)
        layout.addWidget(self.error)
        self._op: Operation | None = None
        self.demo.toggled.connect(self._mode_changed)

    def _mode_changed(self, demo: bool) -> None:
        # After the demo data exist there is no going back to this page.
        self.setCommitPage(demo)
        self.setButtonText(QWizard.WizardButton.CommitButton, self.tr("生成演示数据"))

    def nextId(self) -> int:  # noqa: N802
        return PAGE_DEMO if self.demo.isChecked() else PAGE_OFFICE

    def validatePage(self) -> bool:  # noqa: N802
        wizard: FirstRunWizard = self.wizard()
        if not self.demo.isChecked() or wizard.demo_summary is not None:
            return True
        if not _busy(self._op):
            self.error.clear()
            self._op = run(self, wizard.generate_demo, on_success=self._demo_done,
                           on_error=self._demo_failed,
                           progress_label=self.tr("正在生成演示数据，请稍候…"), show_after_ms=200)
        return False

    def _demo_done(self, summary) -> None:
        wizard: FirstRunWizard = self.wizard()
        wizard.demo_summary = str(summary or "")
        wizard.next()

    def _demo_failed(self, exc: BaseException) -> None:
        if isinstance(exc, UserError):
            self.error.setText(exc.message)
        else:
            show_error(self, exc)


class OfficePage(QWizardPage):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle(self.tr("单位信息"))
        self.setSubTitle(self.tr("带 * 的必须填写。这些信息印在告知书上，以后可在「系统设置 → 单位信息与参数」中修改。"))
        self.form = SettingsForm([s for s in SETTINGS if s.group == OFFICE], grouped=False,
                                 placeholders=OFFICE_PLACEHOLDERS)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form)

    def profile(self) -> dict[str, str]:
        return {k: str(v).strip() for k, v in self.form.values().items()}

    def validatePage(self) -> bool:  # noqa: N802
        # settings.validated is a pure check (no database): fine on the GUI thread.
        try:
            settings_service.validated(self.profile())
        except ValidationError as e:
            self.form.show_errors(e.errors)
            return False
        self.form.clear_errors()
        return True


class AdminPage(QWizardPage):
    FIELDS = ("用户名", "姓名", "密码", F_CONFIRM)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle(self.tr("管理员账户"))
        self.setSubTitle(self.tr("系统管理员负责添加其他用户、维护单位信息和节假日日历。请牢记用户名和密码。"))
        self.username = QLineEdit()
        self.username.setPlaceholderText(self.tr("英文字母或数字，例如 admin"))
        self.display_name = QLineEdit()
        self.display_name.setPlaceholderText(self.tr("使用者的真实姓名"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("至少 8 位，须同时包含字母和数字"))
        self.confirm = QLineEdit()
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        self.editors = dict(zip(self.FIELDS, (self.username, self.display_name, self.password,
                                              self.confirm)))
        self.errors: dict[str, QLabel] = {}
        form = QFormLayout()
        for name, editor in self.editors.items():
            box, self.errors[name] = with_error_line(editor)
            form.addRow(name, box)
        self.general_error = QLabel()
        self.general_error.setStyleSheet(ERROR_STYLE)
        self.general_error.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(self.general_error)
        self._op: Operation | None = None
        self._done = False

    def nextId(self) -> int:  # noqa: N802
        return -1

    def isComplete(self) -> bool:  # noqa: N802
        return not _busy(self._op) and super().isComplete()

    def clear_errors(self) -> None:
        for name, label in self.errors.items():
            label.clear()
            label.hide()
            self.editors[name].setStyleSheet("")
        self.general_error.clear()

    def show_errors(self, errors: list[tuple[str, str]]) -> None:
        self.clear_errors()
        rest = []
        for field, message in errors:
            label = self.errors.get(field)
            if label is None:
                rest.append(f"{field}：{message}" if field else message)
                continue
            label.setText(f"{field}：{message}")
            label.show()
            self.editors[field].setStyleSheet(FIELD_ERROR_STYLE)
        self.general_error.setText("\n".join(rest))

    def error_text(self, field: str) -> str:
        label = self.errors[field]
        return label.text() if not label.isHidden() else ""

    def validatePage(self) -> bool:  # noqa: N802
        if self._done:
            return True
        if _busy(self._op):
            return False
        if self.password.text() != self.confirm.text():
            self.show_errors([(F_CONFIRM, "两次输入的密码不一致，请重新输入")])
            self.confirm.clear()
            self.confirm.setFocus()
            return False
        self.clear_errors()
        wizard: FirstRunWizard = self.wizard()
        profile = wizard.office_page.profile()
        username, display_name, password = (self.username.text(), self.display_name.text(),
                                            self.password.text())

        def create(_progress):  # worker thread
            from app.services import setup
            return setup.create_office(wizard.db, profile, username, display_name, password)

        self._op = run(self, create, on_success=self._created, on_error=self._failed,
                       changes={"settings", "users"})
        self._op.finished.connect(self.completeChanged)
        self.completeChanged.emit()
        return False

    def _created(self, actor: Actor) -> None:
        self._done = True
        wizard: FirstRunWizard = self.wizard()
        wizard.actor = actor
        wizard.admin_username = actor.username
        wizard.accept()

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError):
            # Office fields (checked on the previous page already) are shown back there.
            wizard: FirstRunWizard = self.wizard()
            self.show_errors(wizard.office_page.form.show_errors(exc.errors))
        elif isinstance(exc, UserError):
            self.show_errors([("", exc.message)])
        else:
            show_error(self, exc)


class DemoPage(QWizardPage):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle(self.tr("演示数据已生成"))
        self.setSubTitle(self.tr("请用下列任一账户登录，体验不同角色能做的事情。"))
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([self.tr("用户名"), self.tr("密码"), self.tr("角色"),
                                              self.tr("姓名")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(self.summary)

    def initializePage(self) -> None:  # noqa: N802
        wizard: FirstRunWizard = self.wizard()
        accounts = demo_accounts()
        self.table.setRowCount(len(accounts))
        for row, (username, password, role, display_name) in enumerate(accounts):
            for col, text in enumerate((username, password, role.label, display_name)):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                self.table.setItem(row, col, item)
        self.summary.setText(wizard.demo_summary or "")


def demo_accounts() -> list[tuple[str, str, Role, str]]:
    """(user name, password, role, display name) of the accounts ``demo.generate`` creates."""
    from app.services.demo import people as demo_people
    return [(username, demo_people.DEMO_PASSWORD, Role(role), display_name)
            for username, role, display_name in demo_people.ACCOUNTS]


class FirstRunWizard(QWizard):
    """Modal first-run wizard; ``exec()`` returns Accepted once the office or the demo exists."""

    def __init__(self, db, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.actor: Actor | None = None
        self.admin_username = ""
        self.demo_summary: str | None = None
        self.setWindowTitle(WINDOW_TITLE + self.tr(" — 首次使用"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        for button, text in ((QWizard.WizardButton.BackButton, self.tr("< 上一步")),
                             (QWizard.WizardButton.NextButton, self.tr("下一步 >")),
                             (QWizard.WizardButton.FinishButton, self.tr("完成")),
                             (QWizard.WizardButton.CancelButton, self.tr("取消")),
                             (QWizard.WizardButton.CommitButton, self.tr("生成演示数据"))):
            self.setButtonText(button, text)
        self.start_page = StartPage()
        self.office_page = OfficePage()
        self.admin_page = AdminPage()
        self.demo_page = DemoPage()
        self.setPage(PAGE_START, self.start_page)
        self.setPage(PAGE_OFFICE, self.office_page)
        self.setPage(PAGE_ADMIN, self.admin_page)
        self.setPage(PAGE_DEMO, self.demo_page)
        self.setStartId(PAGE_START)
        self.admin_page.setFinalPage(True)
        fit_to_screen(self, QSize(640, 520))

    @property
    def is_demo(self) -> bool:
        return self.demo_summary is not None

    def generate_demo(self, progress) -> str:  # worker thread
        from app.services import demo
        return demo.generate(self.db, seed=1, progress=progress, today=clock.today())

    def reject(self) -> None:
        # Not while the office is being created or the demo generated: that finishes first.
        if _busy(self.start_page._op) or _busy(self.admin_page._op):
            return
        super().reject()
