"""Small Qt helpers that pages and dialogs share, so each look or conversion has one home:
how a problem, a field in error and a hint are shown; dates between Python and Qt; the 确定/取消
buttons; a read-only table that selects whole rows; a form field with its error line under it.
GUI thread only."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialogButtonBox, QLabel, QLayout,
                               QPlainTextEdit, QTableView, QVBoxLayout, QWidget)

from app.domain.case_clock import DeadlineState

ERROR_STYLE = "color: #b3261e;"                 # a problem to fix (label text)
FIELD_ERROR_STYLE = "border: 1px solid #b3261e;"  # the editor the problem is about
HINT_STYLE = "color: #555;"                     # a hint or what is going on
# A case's deadline state 正常 / 即将到期 / 已超期 / 中止, the same colours wherever it appears.
DEADLINE_COLOURS = {
    DeadlineState.NORMAL: "#1e7b34",
    DeadlineState.DUE_SOON: "#e65100",
    DeadlineState.OVERDUE: "#c62828",
    DeadlineState.SUSPENDED: "#666666",
    DeadlineState.ON_TIME: "#666666",       # closed: history in grey, never the red of 已超期
    DeadlineState.LATE: "#666666",
}


def widget_for(fields: dict[str, QWidget], key: str | None) -> QWidget | None:
    """The form widget an error's field ``key`` (``FieldError.key``) is about: the widget of that
    key, else of the nearest key it lies under (``new_person.phone`` → ``new_person``)."""
    while key:
        if key in fields:
            return fields[key]
        key = key.rpartition(".")[0]
    return None


def qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


def day_text(d: date) -> str:
    """「2026-11-22」: the day of a date or a datetime, as lists and side panels show it."""
    return f"{d:%Y-%m-%d}"


def ok_cancel(parent: QWidget) -> QDialogButtonBox:
    """确定 / 取消 (Qt's own labels depend on the installed translation)."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                               | QDialogButtonBox.StandardButton.Cancel, parent)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(parent.tr("确定"))
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(parent.tr("取消"))
    return buttons


def read_only_rows(view: QTableView, single: bool = True) -> QTableView:
    """Not editable in place, whole rows selected (one at a time unless ``single`` is False),
    no row numbers. Works for QTableView and QTableWidget; returns ``view``."""
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    if single:
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.verticalHeader().setVisible(False)
    return view


def with_error_line(content: QWidget | QLayout) -> tuple[QWidget, QLabel]:
    """``content`` (an editor, or a row of widgets) above a red line for its error, hidden while
    there is none; one widget for a form row. Returns (that widget, the error label)."""
    error = QLabel()
    error.setStyleSheet(ERROR_STYLE)
    error.setWordWrap(True)
    error.hide()
    field = QWidget()
    column = QVBoxLayout(field)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(2)
    if isinstance(content, QLayout):
        column.addLayout(content)
    else:
        column.addWidget(content)
    column.addWidget(error)
    return field, error


def text_edit(height: int = 70) -> QPlainTextEdit:
    """A multi-line field of a form: Tab moves on (it types no tab), a fixed height."""
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(height)
    return edit


def combo(choices, blank: str | None = None) -> QComboBox:
    """A drop-down of ``(value, label)`` choices (an enum's ``choices()``), with an optional first
    item ``blank`` meaning none (its data is None)."""
    box = QComboBox()
    if blank is not None:
        box.addItem(blank, None)
    for value, label in choices:
        box.addItem(label, value)
    return box
