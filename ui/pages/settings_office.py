"""系统设置 → 单位信息与参数: every office setting, in a form generated from the declarations
(``app.domain.settings.SETTINGS``, grouped by ``GROUP_LABELS``). Loaded with ``settings.load`` and
saved with ``settings.save`` through ``ui.operations.settings``; only the fields changed since loading
are sent. A refused value is named under its field. Without Perm.EDIT_OFFICE the form is read-only
(the service refuses anyway)."""
from __future__ import annotations

from PySide6.QtWidgets import (QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout,
                               QWidget)

from app.domain.errors import UserError, ValidationError
from app.domain.permissions import Perm, allowed
from app.domain.settings import SETTINGS
from ui.context import AppContext
from ui.operations import Operation, show_error
from ui.operations.settings import load_settings, save_settings
from ui.pages.base import Page
from ui.settings_form import SettingsForm
from ui.util import ERROR_STYLE


class OfficeSettingsPage(Page):
    title = "单位信息与参数"
    areas = frozenset({"settings"})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.can_edit = allowed(ctx.actor.role, Perm.EDIT_OFFICE)
        self.loaded = False
        self._save_op: Operation | None = None

        heading = QLabel(self.tr("单位信息与参数"))
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        heading.setFont(font)
        self.note = QLabel(self.tr("单位信息印在告知书上；期限参数用于计算每件事项的到期日。")
                           if self.can_edit else
                           self.tr("只有系统管理员可以修改这些设置，这里仅供查看。"))
        self.note.setWordWrap(True)

        self.form = SettingsForm(SETTINGS, grouped=True)
        self.form.set_read_only(True)  # until loaded
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.form)

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.save_button = QPushButton(self.tr("保存"))
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton(self.tr("撤销修改"))
        self.revert_button.clicked.connect(self._refresh_now)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        for button in (self.save_button, self.revert_button):
            button.setVisible(self.can_edit)
            button.setEnabled(False)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.note)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)

    # ------------------------------------------------------------ load

    def refresh(self) -> None:
        load_settings(self, self.ctx, on_done=self._loaded)

    def _loaded(self, values: dict) -> None:
        self.form.clear_errors()
        self.form.set_values(values)
        self.form.set_read_only(not self.can_edit)
        for button in (self.save_button, self.revert_button):
            button.setEnabled(self.can_edit)
        self.loaded = True

    # ------------------------------------------------------------ save

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet(ERROR_STYLE if error else "")
        self.message.setText(text)

    def save(self) -> Operation | None:
        """Send the changed fields to ``settings.save``; returns the running operation, if any."""
        if not self.can_edit or not self.loaded or (self._save_op and not self._save_op.done):
            return None
        changes = self.form.changed()
        self.form.clear_errors()
        if not changes:
            self._say(self.tr("没有需要保存的修改。"))
            return None
        self.save_button.setEnabled(False)
        self._save_op = save_settings(self, self.ctx, changes, on_done=self._saved,
                                      on_error=self._failed)
        self._save_op.finished.connect(lambda: self.save_button.setEnabled(self.can_edit))
        return self._save_op

    def _saved(self, count: int) -> None:
        self._say(self.tr("已保存 %n 项修改。", "", count))

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError):
            rest = self.form.show_errors(exc.errors)
            text = self.tr("未保存：请改正标红的项目。")
            if rest:
                text += " " + "；".join(f"{f}：{m}" if f else m for f, m in rest)
            self._say(text, error=True)
        elif isinstance(exc, UserError):
            self._say(exc.message, error=True)
        else:
            show_error(self, exc)
