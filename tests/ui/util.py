"""Helpers the GUI tests share."""
from __future__ import annotations

from ui import operations


def idle(qtbot, timeout: int = 20000) -> None:
    """Wait until no background operation (ui.operations) is running; returns as soon as that holds,
    so the timeout only bounds a failing wait. The event loop turns once first: a page may start its
    reads on the turn after it is shown (the 工作台)."""
    qtbot.wait(5)
    qtbot.waitUntil(lambda: not operations._running, timeout=timeout)   # noqa: SLF001


def fill(action, **values) -> None:
    """Set the fields of a step dialog (``ui.dialogs.action_dialog.ActionDialog``) by key: a combo
    box by its item data, text, a number, a tick, a date."""
    from PySide6.QtWidgets import QCheckBox, QComboBox, QDateEdit, QLineEdit, QPlainTextEdit, QSpinBox

    from ui.util import qdate
    for key, value in values.items():
        w = action[key]
        if isinstance(w, QComboBox):
            i = w.findData(value)
            assert i >= 0, (key, value)
            w.setCurrentIndex(i)
        elif isinstance(w, QLineEdit):
            w.setText(value)
        elif isinstance(w, QPlainTextEdit):
            w.setPlainText(value)
        elif isinstance(w, QSpinBox):
            w.setValue(value)
        elif isinstance(w, QCheckBox):
            w.setChecked(value)
        elif isinstance(w, QDateEdit):
            w.setDate(qdate(value))
