"""A form generated from setting declarations (``app.domain.settings.SETTINGS``): a QLineEdit for a
text setting, a QSpinBox for a number, the label from the declaration, and a red line under each
field for the error the service names. Used by the first-run wizard (office profile) and by
系统设置 → 单位信息与参数 (every setting, grouped).

Holds no data access: the caller loads values and saves them through ``ui.operations.run``.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from PySide6.QtWidgets import (QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QSpinBox,
                               QVBoxLayout, QWidget)

from app.domain.settings import GROUP_LABELS, Setting
from ui.util import FIELD_ERROR_STYLE, with_error_line

SPIN_LIMIT = 999_999


class SettingsForm(QWidget):
    """Fields for ``settings``; grouped into boxes titled by GROUP_LABELS when ``grouped``."""

    def __init__(self, settings: Sequence[Setting], grouped: bool = True,
                 placeholders: Mapping[str, str] | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.settings = tuple(settings)
        self.editors: dict[str, QLineEdit | QSpinBox] = {}
        self.error_labels: dict[str, QLabel] = {}
        self._by_label = {s.label: s.key for s in self.settings}
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
            if setting.type is int:
                row = QHBoxLayout()
                row.addWidget(editor)
                row.addWidget(QLabel(self._range_text(setting)))
                row.addStretch(1)
                field, error = with_error_line(row)
            else:
                field, error = with_error_line(editor)
            label = setting.label + (" *" if setting.required else "")
            form.addRow(label, field)
            self.editors[setting.key] = editor
            self.error_labels[setting.key] = error
        outer.addStretch(1)

    def _make_editor(self, setting: Setting, placeholder: str) -> QLineEdit | QSpinBox:
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
            else:
                editor.setText("" if value is None else str(value))
            self._loaded[key] = self.value(key)

    def value(self, key: str) -> Any:
        editor = self.editors[key]
        return editor.value() if isinstance(editor, QSpinBox) else editor.text()

    def values(self) -> dict[str, Any]:
        return {key: self.value(key) for key in self.editors}

    def changed(self) -> dict[str, Any]:
        """Fields whose value differs from what was loaded."""
        return {k: v for k, v in self.values().items() if self._loaded.get(k, object()) != v}

    def set_read_only(self, read_only: bool) -> None:
        for editor in self.editors.values():
            editor.setReadOnly(read_only)

    # ------------------------------------------------------------ errors

    def clear_errors(self) -> None:
        for key, label in self.error_labels.items():
            label.clear()
            label.hide()
            self.editors[key].setStyleSheet("")

    def show_errors(self, errors: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
        """Show each (field label, message) under its field; return those that name no field here."""
        self.clear_errors()
        rest: list[tuple[str, str]] = []
        first = None
        for field, message in errors:
            key = self._by_label.get(field)
            if key is None:
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
