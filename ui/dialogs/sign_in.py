"""登录 dialog. Checks the user name and password through ``accounts.sign_in`` off the GUI thread;
a refusal (wrong password, tries left, locked, disabled) is shown in red inside the dialog, never
in a separate box. When the account must change its password (new account, reset by an
administrator) the change-password dialog follows before the sign-in is accepted.

The dialog may be shown before the database is open (``db=None``, the program's start: DESIGN §6
wants the first window painted within a second, and opening the database imports SQLAlchemy). The
person can type meanwhile; 登录 is enabled by ``set_database``, and a sign-in asked for earlier (Enter)
goes ahead then.

After ``exec()`` returns Accepted, ``actor`` holds the signed-in Actor.
"""
from __future__ import annotations

from types import SimpleNamespace
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QVBoxLayout, QWidget)

from app import WINDOW_TITLE
from app.domain.actor import Actor
from app.domain.errors import UserError
from ui.operations import show_error
from ui.operations.accounts import sign_in
from ui.util import ERROR_STYLE, HINT_STYLE

if TYPE_CHECKING:
    from app.db import Database


class SignInDialog(QDialog):
    def __init__(self, db: Database | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.actor: Actor | None = None
        self.busy = False
        self._submit_when_ready = False
        self.setWindowTitle(self.tr("登录 — ") + WINDOW_TITLE)
        self.setModal(True)

        title = QLabel(WINDOW_TITLE)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        title.setFont(font)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.username = QLineEdit()
        self.username.setObjectName("username")
        self.username.setMaxLength(40)
        self.username.setPlaceholderText(self.tr("用户名"))
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setMaxLength(128)
        self.password.setPlaceholderText(self.tr("密码"))
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.setMinimumHeight(self.fontMetrics().height() * 2)

        self.sign_in_button = QPushButton(self.tr("登录"))
        self.sign_in_button.setDefault(True)
        self.quit_button = QPushButton(self.tr("退出"))
        self.quit_button.setAutoDefault(False)

        form = QFormLayout()
        form.addRow(self.tr("用户名"), self.username)
        form.addRow(self.tr("密码"), self.password)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.sign_in_button)
        buttons.addWidget(self.quit_button)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addSpacing(8)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.setMinimumWidth(380)

        self.sign_in_button.clicked.connect(self.submit)
        self.quit_button.clicked.connect(self.reject)
        self.username.returnPressed.connect(self.password.setFocus)
        self.password.returnPressed.connect(self.submit)
        self.username.setFocus()
        if db is None:
            self.sign_in_button.setEnabled(False)
            self.show_status(self.tr("正在打开数据库…"))

    def set_database(self, db: Database) -> None:
        """The database is open: enable 登录 (and sign in if the person already asked to)."""
        self.db = db
        self.sign_in_button.setEnabled(True)
        self.show_message("")
        if self._submit_when_ready:
            self._submit_when_ready = False
            self.submit()

    def set_username(self, name: str) -> None:
        """Pre-fill the user name (e.g. right after the first-run wizard) and focus the password."""
        self.username.setText(name)
        self.password.setFocus()

    def show_message(self, text: str) -> None:
        """A problem to fix, in red."""
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setText(text)

    def show_status(self, text: str) -> None:
        """What the dialog is doing, in grey (same place as the problems)."""
        self.error.setStyleSheet(HINT_STYLE)
        self.error.setText(text)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        for w in (self.username, self.password):
            w.setEnabled(not busy)
        self.sign_in_button.setEnabled(not busy and self.db is not None)
        if busy:
            self.show_status(self.tr("正在登录…"))

    def submit(self) -> None:
        if self.busy:
            return
        username, password = self.username.text().strip(), self.password.text()
        if not username:
            self.show_message(self.tr("请输入用户名"))
            self.username.setFocus()
            return
        if not password:
            self.show_message(self.tr("请输入密码"))
            self.password.setFocus()
            return
        if self.db is None:  # still opening: sign in as soon as it is open
            self._submit_when_ready = True
            self.show_status(self.tr("正在打开数据库，打开后立即登录…"))
            return
        self._set_busy(True)
        sign_in(self, self.db, username, password, on_done=self._signed_in, on_error=self._failed)

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        if isinstance(exc, UserError):
            self.show_message(exc.message)
            self.password.clear()
            self.password.setFocus()
        else:
            self.show_message("")
            show_error(self, exc)

    def _signed_in(self, result: tuple[Actor, bool]) -> None:
        actor, must_change = result
        self._set_busy(False)
        self.show_message("")
        if must_change and not self.change_password(actor):
            self.show_message(self.tr("首次登录或密码被重置后，必须先修改密码才能使用。"))
            self.password.clear()
            self.password.setFocus()
            return
        self.actor = actor
        self.accept()

    def change_password(self, actor: Actor) -> bool:
        """The forced password change; True once the new password is stored."""
        from ui.dialogs.change_password import ChangePasswordDialog
        dialog = ChangePasswordDialog(SimpleNamespace(db=self.db, actor=actor), forced=True,
                                      parent=self)
        return dialog.exec() == QDialog.DialogCode.Accepted
