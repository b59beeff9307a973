"""登录 dialog. Checks the user name and password through ``accounts.sign_in`` off the GUI thread;
a refusal (wrong password, tries left, locked, disabled) is shown in red inside the dialog, never
in a separate box. When the account must change its password (new account, reset by an
administrator) the change-password dialog follows before the sign-in is accepted.

After ``exec()`` returns Accepted, ``actor`` holds the signed-in Actor.
"""
from __future__ import annotations

from types import SimpleNamespace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QVBoxLayout, QWidget)

from app import WINDOW_TITLE
from app.db import Database
from app.domain.actor import Actor
from app.domain.errors import UserError
from ui.operations import run, show_error

ERROR_STYLE = "color: #b3261e;"


def _sign_in(db: Database, username: str, password: str) -> tuple[Actor, bool]:  # worker thread
    from app.services import accounts
    actor = accounts.sign_in(db, username, password)
    return actor, accounts.get_user(db, actor.user_id).must_change_password


class SignInDialog(QDialog):
    def __init__(self, db: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.actor: Actor | None = None
        self.busy = False
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

    def set_username(self, name: str) -> None:
        """Pre-fill the user name (e.g. right after the first-run wizard) and focus the password."""
        self.username.setText(name)
        self.password.setFocus()

    def show_message(self, text: str) -> None:
        self.error.setText(text)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        for w in (self.sign_in_button, self.username, self.password):
            w.setEnabled(not busy)
        if busy:
            self.error.setText(self.tr("正在登录…"))

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
        self._set_busy(True)
        db = self.db
        run(self, lambda _progress: _sign_in(db, username, password),
            on_success=self._signed_in, on_error=self._failed)

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
