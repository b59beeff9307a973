"""设置 → 用户管理 (administrators): the accounts of the office, with 新增用户 / 修改 / 重置密码 /
停用·启用. Every call goes through ``ui.operations.accounts`` to ``app.services.accounts``, which checks
Perm.MANAGE_USERS and writes the audit rows; writes announce the "users" area (and "audit").
Problems with a form are shown in red inside its dialog, which stays open to be corrected.
"""
from __future__ import annotations

import secrets
import string
from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QComboBox, QDialog, QFormLayout, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QMessageBox, QPushButton, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from app.domain import clock
from app.domain.enums import Role
from app.domain.errors import UserError, ValidationError
from app.services.accounts import DISPLAY_NAME_MAX, UserRecord
from ui.context import AppContext
from ui.operations import Operation, show_error
from ui.operations.accounts import create_user, list_users, reset_password, set_active, update_user
from ui.pages.base import Page
from ui.util import ERROR_STYLE, FIELD_ERROR_STYLE, HINT_STYLE, ok_cancel, read_only_rows

INACTIVE_FG = QColor("#888888")
LOCKED_FG = QColor("#b3261e")
COL_USERNAME, COL_NAME, COL_ROLE, COL_STATUS, COL_LAST_LOGIN, COL_CREATED = range(6)
HEADERS = ("用户名", "姓名", "角色", "状态", "最近登录", "创建时间")

def _when(t: datetime | None) -> str:
    return t.strftime("%Y-%m-%d %H:%M") if t else ""


def random_password(length: int = 10) -> str:
    """Letters and digits, both present, without look-alikes (0/O, 1/l/I)."""
    letters = "".join(c for c in string.ascii_letters if c not in "OlI")
    digits = "23456789"
    while True:
        pw = "".join(secrets.choice(letters + digits) for _ in range(length))
        if any(c in digits for c in pw) and any(c in letters for c in pw):
            return pw


class _FormDialog(QDialog):
    """A form whose OK runs one service call off the GUI thread. ``fields`` maps the service's
    Chinese field labels to the editors that get a red border when named in a ValidationError."""

    def __init__(self, title: str, parent: QWidget | None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setModal(True)
        self.busy = False
        self.result_value: Any = None
        self.form = QFormLayout()
        self.fields: dict[str, QWidget] = {}
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.buttons = ok_cancel(self)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)

    def work(self) -> Callable[..., Operation] | None:
        """The operation to start with ``on_done``/``on_error`` (built on the GUI thread), or None
        after showing a problem."""
        raise NotImplementedError

    def show_problem(self, message: str, fields: list[str] = ()) -> None:
        for label, editor in self.fields.items():
            editor.setStyleSheet(FIELD_ERROR_STYLE if label in fields else "")
        self.error.setText(message)

    def submit(self) -> None:
        if self.busy:
            return
        start = self.work()
        if start is None:
            return
        self.busy = True
        self.buttons.setEnabled(False)
        self.error.setText(self.tr("正在保存…"))
        start(on_done=self._done, on_error=self._failed)

    def _done(self, result: Any) -> None:
        self.busy = False
        self.buttons.setEnabled(True)
        self.result_value = result
        self.error.setText("")
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self.buttons.setEnabled(True)
        if isinstance(exc, UserError):
            self.show_problem(exc.message, exc.fields if isinstance(exc, ValidationError) else [])
        else:
            self.error.setText("")
            show_error(self, exc)


def _password_edit(name: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    edit.setMaxLength(128)
    return edit


class UserDialog(_FormDialog):
    """新增用户 (``user`` None) or 修改 an existing account's name and role."""

    def __init__(self, ctx: AppContext, user: UserRecord | None = None, parent: QWidget | None = None):
        super().__init__(self.tr("新增用户") if user is None else self.tr("修改用户"), parent)
        self.ctx, self.user = ctx, user
        self.username = QLineEdit(user.username if user else "")
        self.username.setObjectName("username")
        self.username.setMaxLength(40)
        self.username.setPlaceholderText(self.tr("英文字母、数字或 . _ -，如 zhangsan"))
        self.username.setReadOnly(user is not None)
        self.display_name = QLineEdit(user.display_name if user else "")
        self.display_name.setObjectName("display_name")
        self.display_name.setMaxLength(DISPLAY_NAME_MAX)
        self.role = QComboBox()
        self.role.setObjectName("role")
        for value, label in Role.choices():
            self.role.addItem(label, value)
        self.role.setCurrentIndex(self.role.findData((user.role if user else Role.CLERK).value))
        self.form.addRow(self.tr("用户名"), self.username)
        self.form.addRow(self.tr("姓名"), self.display_name)
        self.form.addRow(self.tr("角色"), self.role)
        self.fields = {"用户名": self.username, "姓名": self.display_name, "角色": self.role}
        self.password = self.confirm = None
        if user is None:
            self.password = _password_edit("password")
            self.confirm = _password_edit("confirm")
            self.form.addRow(self.tr("初始密码"), self.password)
            self.form.addRow(self.tr("确认密码"), self.confirm)
            hint = QLabel(self.tr("用户第一次登录时须修改初始密码。"))
            hint.setStyleSheet(HINT_STYLE)
            self.form.addRow("", hint)
            self.fields["密码"] = self.password
        if user is not None and user.id == ctx.actor.user_id:
            self.role.setEnabled(False)
            self.role.setToolTip(self.tr("不能修改自己的角色"))

    def work(self) -> Callable[..., Operation] | None:
        name, role = self.display_name.text(), self.role.currentData()
        if self.user is not None:
            return partial(update_user, self, self.ctx, self.user.id, name, role)
        if self.password.text() != self.confirm.text():
            self.show_problem(self.tr("确认密码：两次输入的密码不一致，请重新输入"), ["密码"])
            return None
        username, password = self.username.text(), self.password.text()
        return partial(create_user, self, self.ctx, username, name, role, password)


class ResetPasswordDialog(_FormDialog):
    """重置密码: a new initial password that the user must change at the next sign-in."""

    def __init__(self, ctx: AppContext, user: UserRecord, parent: QWidget | None = None):
        super().__init__(self.tr("重置密码"), parent)
        self.ctx, self.user = ctx, user
        intro = QLabel(self.tr("为「{0}」（{1}）设置新的初始密码。对方下次登录时须修改密码；"
                               "账户如已锁定将同时解锁。").format(user.display_name, user.username))
        intro.setWordWrap(True)
        self.form.addRow(intro)
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setMaxLength(128)
        self.generate = QPushButton(self.tr("随机生成"))
        self.generate.setAutoDefault(False)
        row = QHBoxLayout()
        row.addWidget(self.password, 1)
        row.addWidget(self.generate)
        self.form.addRow(self.tr("新密码"), row)
        self.fields = {"新密码": self.password}
        self.generate.clicked.connect(lambda: self.password.setText(random_password()))

    def work(self) -> Callable[..., Operation] | None:
        return partial(reset_password, self, self.ctx, self.user.id, self.password.text())


class UsersPage(Page):
    title = "用户管理"
    areas = frozenset({"users"})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.users: list[UserRecord] = []
        self._load_seq = 0

        self.table = QTableWidget(0, len(HEADERS))
        self.table.setObjectName("users_table")
        self.table.setHorizontalHeaderLabels([self.tr(h) for h in HEADERS])
        read_only_rows(self.table)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)

        self.add_button = QPushButton(self.tr("新增用户"))
        self.edit_button = QPushButton(self.tr("修改"))
        self.reset_button = QPushButton(self.tr("重置密码"))
        self.toggle_button = QPushButton(self.tr("停用"))
        self.status = QLabel()      # what the last action did
        self.status.setWordWrap(True)
        self.summary = QLabel()     # how many accounts
        buttons = QHBoxLayout()
        for b in (self.add_button, self.edit_button, self.reset_button, self.toggle_button):
            buttons.addWidget(b)
        buttons.addStretch(1)

        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.summary)
        layout.addLayout(bottom)

        self.add_button.clicked.connect(self.add_user)
        self.edit_button.clicked.connect(self.edit_user)
        self.reset_button.clicked.connect(self.reset_password)
        self.toggle_button.clicked.connect(self.toggle_active)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.itemDoubleClicked.connect(lambda _item: self.edit_user())
        self._update_buttons()

    # ---------------------------------------------------------------- reading
    def refresh(self) -> None:
        self._load_seq += 1
        seq = self._load_seq
        list_users(self, self.ctx, on_done=lambda users: self._loaded(seq, users))

    def _loaded(self, seq: int, users: list[UserRecord]) -> None:
        if seq != self._load_seq:
            return
        keep = self.selected()
        self.users = users
        now = clock.now()
        self.table.blockSignals(True)
        self.table.setRowCount(len(users))
        for row, u in enumerate(users):
            values = (u.username, u.display_name, u.role.label, u.status_label(now),
                      _when(u.last_login_at), _when(u.created_at))
            for col, text in enumerate(values):
                item = QTableWidgetItem(text)
                if col == COL_USERNAME:
                    item.setData(Qt.ItemDataRole.UserRole, u.id)
                if not u.active:
                    item.setForeground(QBrush(INACTIVE_FG))
                elif col == COL_STATUS and u.is_locked(now):
                    item.setForeground(QBrush(LOCKED_FG))
                self.table.setItem(row, col, item)
        self.table.blockSignals(False)
        if keep is not None:
            self.select_user(keep.id)
        active = sum(u.active for u in users)
        self.summary.setText(self.tr("共 {0} 个账户，启用 {1} 个").format(len(users), active))
        self._update_buttons()

    def selected(self) -> UserRecord | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        user_id = self.table.item(rows[0].row(), COL_USERNAME).data(Qt.ItemDataRole.UserRole)
        return next((u for u in self.users if u.id == user_id), None)

    def select_user(self, user_id: int) -> None:
        for row in range(self.table.rowCount()):
            if self.table.item(row, COL_USERNAME).data(Qt.ItemDataRole.UserRole) == user_id:
                self.table.selectRow(row)
                return

    def _update_buttons(self) -> None:
        u = self.selected()
        for b in (self.edit_button, self.reset_button, self.toggle_button):
            b.setEnabled(u is not None)
        self.toggle_button.setText(self.tr("启用") if u is not None and not u.active else self.tr("停用"))

    # ---------------------------------------------------------------- actions
    def ask(self, title: str, text: str) -> bool:  # tests replace this
        answer = QMessageBox.question(self, title, text,
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def open_dialog(self, dialog: QDialog) -> bool:  # tests replace this
        return dialog.exec() == QDialog.DialogCode.Accepted

    def add_user(self) -> None:
        dialog = UserDialog(self.ctx, None, self)
        if self.open_dialog(dialog) and dialog.result_value is not None:
            self.status.setText(self.tr("已新增用户「{0}」").format(dialog.result_value.display_name))

    def edit_user(self) -> None:
        u = self.selected()
        if u is not None:
            self.open_dialog(UserDialog(self.ctx, u, self))

    def reset_password(self) -> None:
        u = self.selected()
        if u is None:
            return
        dialog = ResetPasswordDialog(self.ctx, u, self)
        if self.open_dialog(dialog):
            self.status.setText(self.tr("已重置「{0}」的密码，请把新密码告诉本人").format(u.display_name))

    def toggle_active(self) -> None:
        u = self.selected()
        if u is None:
            return
        active = not u.active
        if not active and not self.ask(self.tr("停用账户"),
                                       self.tr("停用后「{0}」将不能登录，已有记录保留。要停用吗？")
                                       .format(u.display_name)):
            return
        set_active(self, self.ctx, u.id, active,
                   on_done=lambda rec: self.status.setText(
                (self.tr("已启用「{0}」") if rec.active else self.tr("已停用「{0}」")).format(rec.display_name)))
