"""A form generated from setting declarations (``app.domain.settings.SETTINGS``): a QLineEdit for a
text setting, a QSpinBox for a number, a QCheckBox for a yes/no setting, the label from the
declaration, and a red line under each field for the error the service names. A text setting that
holds a file path (``FILE_SETTINGS``: the notices' font) gets 「选择…」 (a file dialog) and a button
that empties it, with a hint under it. Used by the first-run wizard (office profile) and by
系统设置 → 单位信息与参数 (every setting, grouped).

Holds no data access: the caller loads values and saves them through ``ui.operations.run``.
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (QCheckBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel,
                               QLineEdit, QPushButton, QSpinBox, QVBoxLayout, QWidget)

from app.domain.settings import GROUP_LABELS, Setting
from ui.file_dialogs import Purpose, open_file
from ui.util import FIELD_ERROR_STYLE, HINT_STYLE, with_error_line

SPIN_LIMIT = 999_999


@dataclass(frozen=True)
class FileSetting:
    """How a text setting that holds a file path is chosen."""
    dialog_title: str
    filter: str
    clear_text: str            # the button that empties the field
    hint: str = ""
    empty_text: str = ""       # shown in the empty field
    empty_from: str = ""       # key of _EMPTY_TEXTS: says in the empty field what is used instead
    start_dirs: tuple[str, ...] = ()   # where the dialog opens when the field is empty (first that exists)
    check: str = ""            # "module:function" raising ValidationError for a file that won't do


def _check_font(path: str) -> None:
    from app.output.fonts import check_font   # reportlab: imported when a font is chosen, not at start
    check_font(path)


def _automatic_font() -> str:
    """The empty font field says which face the notices are printed in without an office file."""
    from app.output.fonts import choose
    return f"（不选择时自动使用：{choose('').label}）"


FILE_SETTINGS: dict[str, FileSetting] = {
    "office.notice_font": FileSetting(
        dialog_title="选择文书字体文件",
        filter="TrueType 字体 (*.ttf *.ttc);;所有文件 (*)",
        clear_text="自动选择",
        hint="GB/T 9704 要求正文用仿宋、标题用小标宋。留空时自动使用本机的仿宋（simfang.ttf）或宋体"
             "（simsun.ttc；Linux 上为 AR PL UMing），都没有时使用内置字体；也可选择其他 TrueType 字体文件",
        empty_text="（内置字体）",
        empty_from="font",
        check="font",
        start_dirs=(os.path.join(os.environ.get("WINDIR", r"C:\Windows"), "Fonts"),
                    "/usr/share/fonts", "/Library/Fonts")),
}

Editor = QLineEdit | QSpinBox | QCheckBox
_CHECKS = {"font": _check_font}
_EMPTY_TEXTS = {"font": _automatic_font}


class SettingsForm(QWidget):
    """Fields for ``settings``; grouped into boxes titled by GROUP_LABELS when ``grouped``."""

    def __init__(self, settings: Sequence[Setting], grouped: bool = True,
                 placeholders: Mapping[str, str] | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.settings = tuple(settings)
        self.editors: dict[str, Editor] = {}
        self.error_labels: dict[str, QLabel] = {}
        self.file_buttons: dict[str, tuple[QPushButton, QPushButton]] = {}   # key: (选择…, clear)
        self._loaded: dict[str, Any] = {}
        placeholders = placeholders or {}

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        groups: dict[str, QFormLayout] = {}
        for setting in self.settings:
            form = groups.get(setting.group)
            if form is None:
                form = QFormLayout()
                if grouped:
                    box = QGroupBox(GROUP_LABELS.get(setting.group, setting.group))
                    box.setLayout(form)
                    outer.addWidget(box)
                else:
                    outer.addLayout(form)
                groups[setting.group] = form
            editor = self._make_editor(setting, placeholders.get(setting.key, ""))
            label = setting.label + (" *" if setting.required else "")
            file_setting = FILE_SETTINGS.get(setting.key) if setting.type is str else None
            if setting.type is int:
                row = QHBoxLayout()
                row.addWidget(editor)
                row.addWidget(QLabel(self._range_text(setting)))
                row.addStretch(1)
                field, error = with_error_line(row)
            elif file_setting is not None:
                field, error = self._file_field(setting.key, editor, file_setting)
            else:
                field, error = with_error_line(editor)
            if setting.type is bool:
                form.addRow("", field)       # the check box carries the label
            else:
                form.addRow(label, field)
            self.editors[setting.key] = editor
            self.error_labels[setting.key] = error
        outer.addStretch(1)

    def _make_editor(self, setting: Setting, placeholder: str) -> Editor:
        if setting.type is bool:
            box = QCheckBox(setting.label)
            box.setAccessibleName(setting.label)
            return box
        if setting.type is int:
            spin = QSpinBox()
            # The range is wider than the rule on purpose: an out-of-range number is refused by
            # the service with the field named, rather than silently clamped by the widget.
            low = min(0, setting.minimum) if setting.minimum is not None else -SPIN_LIMIT
            spin.setRange(low, SPIN_LIMIT)
            spin.setToolTip(self._range_text(setting))
            spin.setAccessibleName(setting.label)
            return spin
        edit = QLineEdit()
        if placeholder:
            edit.setPlaceholderText(placeholder)
        edit.setAccessibleName(setting.label)
        return edit

    def _file_field(self, key: str, edit: QLineEdit, spec: FileSetting) -> tuple[QWidget, QLabel]:
        """The path, 「选择…」 and the clear button in a row, its error line, then the hint."""
        empty = _EMPTY_TEXTS[spec.empty_from]() if spec.empty_from else spec.empty_text
        if empty and not edit.placeholderText():
            edit.setPlaceholderText(empty)
        choose = QPushButton(self.tr("选择…"))
        choose.clicked.connect(lambda: self.choose_file(key))
        clear = QPushButton(self.tr(spec.clear_text))
        clear.clicked.connect(edit.clear)
        row = QHBoxLayout()
        row.addWidget(edit, 1)
        row.addWidget(choose)
        row.addWidget(clear)
        inner, error = with_error_line(row)
        self.file_buttons[key] = (choose, clear)
        if not spec.hint:
            return inner, error
        hint = QLabel(self.tr(spec.hint))
        hint.setWordWrap(True)
        hint.setStyleSheet(HINT_STYLE)
        field = QWidget()
        column = QVBoxLayout(field)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(inner)
        column.addWidget(hint)
        return field, error

    def choose_file(self, key: str) -> str | None:
        """Ask for the file of ``key`` (a FILE_SETTINGS field) and put its path in the field. A file
        that fails the field's check (a font that is not TrueType) is refused at once, the reason
        under the field, and the field keeps its value; the service checks again on save. None when
        cancelled or refused."""
        spec = FILE_SETTINGS[key]
        edit = self.editors[key]
        assert isinstance(edit, QLineEdit)
        current = edit.text().strip()
        path = open_file(self, Purpose.FONT, self.tr(spec.dialog_title), self.tr(spec.filter),
                         folder=str(Path(current).parent) if current else None,
                         default=next((d for d in spec.start_dirs if os.path.isdir(d)), None))
        if not path:
            return None
        path = os.path.normpath(path)
        if spec.check:
            from app.domain.errors import ValidationError
            try:
                _CHECKS[spec.check](path)
            except ValidationError as e:
                from app.domain.errors import FieldError
                label = next(st.label for st in self.settings if st.key == key)
                self.show_errors([FieldError(label, message, key) for _field, message in e.errors])
                return None
        self.clear_errors()
        edit.setText(path)
        return edit.text()

    @staticmethod
    def _range_text(setting: Setting) -> str:
        if setting.minimum is not None and setting.maximum is not None:
            return f"范围 {setting.minimum}–{setting.maximum}"
        if setting.minimum is not None:
            return f"不小于 {setting.minimum}"
        if setting.maximum is not None:
            return f"不大于 {setting.maximum}"
        return ""

    # ------------------------------------------------------------ values

    def set_values(self, values: Mapping[str, Any]) -> None:
        """Show ``values`` and remember them as the loaded state (see ``changed``)."""
        for key, editor in self.editors.items():
            if key not in values:
                continue
            value = values[key]
            if isinstance(editor, QSpinBox):
                editor.setValue(int(value))
            elif isinstance(editor, QCheckBox):
                editor.setChecked(bool(value))
            else:
                editor.setText("" if value is None else str(value))
            self._loaded[key] = self.value(key)

    def value(self, key: str) -> Any:
        editor = self.editors[key]
        if isinstance(editor, QSpinBox):
            return editor.value()
        if isinstance(editor, QCheckBox):
            return editor.isChecked()
        return editor.text()

    def values(self) -> dict[str, Any]:
        return {key: self.value(key) for key in self.editors}

    def changed(self) -> dict[str, Any]:
        """Fields whose value differs from what was loaded."""
        return {k: v for k, v in self.values().items() if self._loaded.get(k, object()) != v}

    def set_read_only(self, read_only: bool) -> None:
        for editor in self.editors.values():
            if isinstance(editor, QCheckBox):
                editor.setEnabled(not read_only)
            else:
                editor.setReadOnly(read_only)
        for buttons in self.file_buttons.values():
            for button in buttons:
                button.setEnabled(not read_only)

    # ------------------------------------------------------------ errors

    def clear_errors(self) -> None:
        for key, label in self.error_labels.items():
            label.clear()
            label.hide()
            self.editors[key].setStyleSheet("")

    def show_errors(self, errors: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
        """Show each field error (``FieldError``: label, message and the setting's key) under its
        field, found by key; return those that name no field here."""
        self.clear_errors()
        rest: list[tuple[str, str]] = []
        first = None
        for error in errors:
            field, message = error
            key = getattr(error, "key", None)
            if key not in self.editors:
                rest.append((field, message))
                continue
            label = self.error_labels[key]
            label.setText(f"{field}：{message}" if not label.text() else
                          f"{label.text()}；{message}")
            label.show()
            self.editors[key].setStyleSheet(FIELD_ERROR_STYLE)
            first = first or self.editors[key]
        if first is not None:
            first.setFocus()
        return rest

    def error_text(self, key: str) -> str:
        """The error shown under a field ('' when none)."""
        label = self.error_labels[key]
        return label.text() if not label.isHidden() else ""
