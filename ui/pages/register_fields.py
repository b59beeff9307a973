"""The register page's labels, timings and styles, and its small widgets (the person/employer
look-up field, the date-time field). GUI thread only.
"""

from __future__ import annotations

import logging
from typing import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (QComboBox, QDateTimeEdit, QLineEdit, QListWidget, QListWidgetItem,
                               QPlainTextEdit, QVBoxLayout, QWidget)

from app.domain.enums import Disposition
from app.domain.notices import NoticeKind
from app.services.petitions.fields import LABELS

from ui.operations import OnDone, OnError, Operation


log = logging.getLogger("ui.pages.register")   # the one logger of the register page and its parts


DRAFT_FORM = "registration"


DRAFT_INTERVAL_MS = 5000


PANEL_DEBOUNCE_MS = 350


LOOKUP_DEBOUNCE_MS = 200


MAX_REPRESENTATIVES = 5


ID_ROLE = Qt.ItemDataRole.UserRole + 1


TEXT_ROLE = Qt.ItemDataRole.UserRole + 2


BAR_STYLE = ("background: #fff4c2; color: #5c4300; border: 1px solid #e0c050;"
             " border-radius: 4px; padding: 4px;")


OK_STYLE = ("background: #e6f4ea; color: #1e5631; border: 1px solid #8cc49a;"
            " border-radius: 4px; padding: 4px;")


REPEAT_STYLE = ("background: #fdecea; color: #8a1c12; border: 1px solid #e6a49c;"
                " border-radius: 4px; padding: 4px; font-weight: bold;")


DISPOSITION_NOTICE = {
    Disposition.ACCEPTED.value: NoticeKind.ACCEPT,
    Disposition.NOT_ACCEPTED.value: NoticeKind.REJECT,
    Disposition.TRANSFERRED.value: NoticeKind.TRANSFER,
    Disposition.REPEAT.value: NoticeKind.REPEAT,
    Disposition.NO_MORE.value: NoticeKind.NO_MORE,
}


L = {**LABELS, "repeat_of_case": LABELS["repeat_of"], "leader_reception": "领导接待日"}


class LookupField(QWidget):
    """A line edit with a list of matches under it. Typing (debounced) calls
    ``search(self, text, on_done, on_error)``, which starts an operation whose ``on_done`` gets
    ``[(id, line shown, text put in the field)]``. Up/Down move in the list, Enter picks (and is
    not passed on), Esc closes the list. ``picked(id, text)`` after a pick; ``cleared()`` when the
    text is edited after a pick."""

    picked = Signal(object, str)
    cleared = Signal()

    def __init__(self, search: Callable[[QWidget, str, OnDone, OnError], Operation],
                 placeholder: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.search = search
        self.selected_id: int | None = None
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(placeholder)
        self.matches = QListWidget()
        self.matches.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.matches.setMaximumHeight(140)
        self.matches.hide()
        self.matches.itemClicked.connect(self._pick_item)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(self.edit)
        lay.addWidget(self.matches)
        self.setFocusProxy(self.edit)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(LOOKUP_DEBOUNCE_MS)
        self._timer.timeout.connect(self._run_search)
        self._ticket = 0
        self.edit.textEdited.connect(self._edited)
        self.edit.installEventFilter(self)

    def text(self) -> str:
        return self.edit.text()

    def set_value(self, item_id: int | None, text: str) -> None:
        self.selected_id = item_id
        self.edit.setText(text)
        self.matches.hide()

    def clear(self) -> None:
        self.set_value(None, "")
        self.matches.clear()

    def _edited(self, _text: str) -> None:
        if self.selected_id is not None:
            self.selected_id = None
            self.cleared.emit()
        self._timer.start()

    def search_now(self) -> None:
        self._timer.stop()
        self._run_search()

    def _run_search(self) -> None:
        text = self.edit.text().strip()
        self._ticket += 1
        ticket = self._ticket
        if not text:
            self.matches.clear()
            self.matches.hide()
            return
        self.search(self, text, lambda rows: self._found(ticket, rows), lambda _e: None)

    @property
    def searching(self) -> bool:
        return self._timer.isActive()

    def _found(self, ticket: int, rows: list[tuple[int, str, str]]) -> None:
        if ticket != self._ticket:
            return  # a newer search is on its way
        self.matches.clear()
        for item_id, line, text in rows:
            item = QListWidgetItem(line)
            item.setData(ID_ROLE, item_id)
            item.setData(TEXT_ROLE, text)
            self.matches.addItem(item)
        if rows:
            self.matches.setCurrentRow(0)
        self.matches.setVisible(bool(rows) and self.selected_id is None)

    def _pick_item(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        self.set_value(item.data(ID_ROLE), item.data(TEXT_ROLE))
        self.picked.emit(self.selected_id, self.edit.text())

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if obj is self.edit and event.type() == QEvent.Type.KeyPress and self.matches.isVisible():
            key = event.key()
            n = self.matches.count()
            if key == Qt.Key.Key_Down and n:
                self.matches.setCurrentRow(min(n - 1, self.matches.currentRow() + 1))
                return True
            if key == Qt.Key.Key_Up and n:
                self.matches.setCurrentRow(max(0, self.matches.currentRow() - 1))
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._pick_item(self.matches.currentItem())
                return True
            if key == Qt.Key.Key_Escape:
                self.matches.hide()
                return True
        return super().eventFilter(obj, event)


class DateTimeField(QDateTimeEdit):
    """Tab leaves the field (a plain QDateTimeEdit moves between its sections first); the sections
    are reached with ←/→."""

    def focusNextPrevChild(self, next_: bool) -> bool:  # noqa: N802
        return QWidget.focusNextPrevChild(self, next_)


def _text_edit(height: int = 70) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(height)
    return edit


def _combo(choices: list[tuple[str, str]]) -> QComboBox:
    combo = QComboBox()
    for value, label in choices:
        combo.addItem(label, value)
    return combo
