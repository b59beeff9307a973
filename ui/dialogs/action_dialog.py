"""The small dialog of one step (a case step, a notice's delivery or void): a few fields, each
with its error line under it, a red label for the rest, 确定/取消.

``ActionDialog(title, rows, start, parent)``: ``rows`` are (key, field label, widget); a QLabel
row is text only. ``start(dialog, values, on_done, on_error)`` starts ONE operation with
``values()`` (key → the widget's value); ``done`` carries its answer, then the dialog accepts. A
``ValidationError`` shows each message under the field it names (the first of them gets the
focus) and the rest in ``error_label``; any other ``UserError`` (a refused step) goes to
``error_label``. The dialog stays open on an error: nothing was written. GUI thread only.
"""
from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDateEdit, QDialog, QDialogButtonBox,
                               QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QSpinBox,
                               QVBoxLayout, QWidget)

from app.domain.errors import UserError, ValidationError
from ui.operations import OnDone, OnError, Operation, show_error
from ui.util import ERROR_STYLE, FIELD_ERROR_STYLE, ok_cancel, with_error_line

Start = Callable[[QWidget, dict[str, Any], OnDone, OnError], Operation]


def widget_value(w: QWidget) -> Any:
    if isinstance(w, QComboBox):
        return w.currentData()
    if isinstance(w, QLineEdit):
        return w.text()
    if isinstance(w, QPlainTextEdit):
        return w.toPlainText()
    if isinstance(w, QSpinBox):
        return w.value()
    if isinstance(w, QCheckBox):
        return w.isChecked()
    if isinstance(w, QDateEdit):
        return w.date().toPython()
    raise TypeError(type(w))


class ActionDialog(QDialog):
    done = Signal(object)

    def __init__(self, title: str, rows: list[tuple[str, str, QWidget]], start: Start,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        self.start = start
        self.busy = False
        self.widgets: dict[str, QWidget] = {}
        self.by_label: dict[str, QWidget] = {}
        self.field_errors: dict[str, QLabel] = {}     # by field label
        form = QFormLayout()
        for key, label, widget in rows:
            self.widgets[key] = widget
            if label and not isinstance(widget, QLabel):
                field, error = with_error_line(widget)
                form.addRow(label, field)
                self.by_label[label] = widget
                self.field_errors[label] = error
            else:
                form.addRow(label, widget)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.hide()
        self.buttons = ok_cancel(self)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

    def __getitem__(self, key: str) -> QWidget:
        return self.widgets[key]

    def values(self) -> dict[str, Any]:
        return {k: widget_value(w) for k, w in self.widgets.items() if not isinstance(w, QLabel)}

    def _clear_errors(self) -> None:
        self.error_label.hide()
        for label, err in self.field_errors.items():
            err.clear()
            err.hide()
            self.by_label[label].setStyleSheet("")

    def submit(self) -> None:
        if self.busy:
            return
        self.busy = True
        self.ok_button.setEnabled(False)
        self._clear_errors()
        self.start(self, self.values(), self._done, self._failed)

    def _done(self, answer) -> None:
        self.busy = False
        self.done.emit(answer)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        self.ok_button.setEnabled(True)
        if not isinstance(exc, UserError):
            show_error(self, exc)
            return
        if not isinstance(exc, ValidationError):
            self.error_label.setText(exc.message)
            self.error_label.show()
            return
        general, first = [], None
        for f, m in exc.errors:
            err = self.field_errors.get(f)
            if err is None:
                general.append(f"{f}：{m}" if f else m)
                continue
            err.setText(m if not err.text() else err.text() + "\n" + m)
            err.show()
            w = self.by_label[f]
            w.setStyleSheet(FIELD_ERROR_STYLE)
            first = first or w
        if general:
            self.error_label.setText("\n".join(general))
            self.error_label.show()
        if first is not None:
            first.setFocus()
