"""修改密码 dialog: the signed-in user changes their own password (``accounts.change_own_password``
off the GUI thread). Problems are shown in red inside the dialog; it accepts once the new password
is stored. ``forced`` is for the first sign-in after an account was created or reset."""
from __future__ import annotations

from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from app.domain.errors import UserError, ValidationError
from ui.operations import show_error
from ui.operations.accounts import change_own_password, load_password_policy
from ui.util import ERROR_STYLE, FIELD_ERROR_STYLE, HINT_STYLE, ok_cancel


class ChangePasswordDialog(QDialog):
    """``ctx`` is the AppContext (anything with ``db`` and ``actor``)."""

    def __init__(self, ctx, forced: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.busy = False
        self.setWindowTitle(self.tr("修改密码"))
        self.setModal(True)

        intro = QLabel(self.tr("您的密码是管理员设置的初始密码，请先设置自己的新密码。") if forced
                       else self.tr("为账户「{0}」设置新密码。").format(ctx.actor.display_name))
        intro.setWordWrap(True)
        self.old = self._password_edit("old_password")
        self.new = self._password_edit("new_password")
        self.confirm = self._password_edit("confirm_password")
        self.policy = QLabel()
        self.policy.setObjectName("policy")
        self.policy.setStyleSheet(HINT_STYLE)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)

        form = QFormLayout()
        form.addRow(self.tr("原密码"), self.old)
        form.addRow(self.tr("新密码"), self.new)
        form.addRow("", self.policy)
        form.addRow(self.tr("确认新密码"), self.confirm)
        self.buttons = ok_cancel(self)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)
        self.old.setFocus()

        load_password_policy(self, ctx, on_done=self._show_policy, on_error=lambda _e: None)

    def _show_policy(self, text: str) -> None:
        self.policy.setText(text)

    def _password_edit(self, name: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setEchoMode(QLineEdit.EchoMode.Password)
        edit.setMaxLength(128)
        return edit

    def _mark(self, fields: list[str]) -> None:
        edits = {"原密码": self.old, "新密码": self.new, "确认新密码": self.confirm}
        for label, edit in edits.items():
            edit.setStyleSheet(FIELD_ERROR_STYLE if label in fields else "")

    def submit(self) -> None:
        if self.busy:
            return
        old, new = self.old.text(), self.new.text()
        if new != self.confirm.text():
            self._mark(["确认新密码"])
            self.error.setText(self.tr("确认新密码：两次输入的新密码不一致，请重新输入"))
            self.confirm.setFocus()
            return
        self.busy = True
        self.buttons.setEnabled(False)
        self.error.setText(self.tr("正在保存…"))
        change_own_password(self, self.ctx, old, new, on_done=self._done, on_error=self._failed)

    def _done(self, _result) -> None:
        self.busy = False
        self.buttons.setEnabled(True)
        self.error.setText("")
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self.buttons.setEnabled(True)
        if isinstance(exc, UserError):
            self._mark(exc.fields if isinstance(exc, ValidationError) else [])
            self.error.setText(exc.message)
        else:
            self.error.setText("")
            show_error(self, exc)

