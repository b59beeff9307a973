"""Small pickers the mutual-aid pages share: an employer union found as the clerk types (name,
pinyin initials or credit code) and the plan combo (「2026 ZY 住院津贴互助保障」). GUI thread only;
lookups through ``ui.operations``."""
from __future__ import annotations

from PySide6.QtCore import QStringListModel, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

from ui.context import AppContext
from ui.operations import mutual_aid as ma_ops
from ui.operations import people as people_ops

DEBOUNCE_MS = 250
SUGGESTIONS = 30


class EmployerPicker(QComboBox):
    """An editable combo: typing looks employers up; ``employer()`` is the chosen one's id when the
    text is exactly a found name, else the text itself (the service names an unknown one)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, unions_only: bool = True,
                 placeholder: str = "输入单位名称、拼音首字母或信用代码查找"):
        super().__init__(parent)
        self.ctx = ctx
        self.unions_only = unions_only
        self.found: dict[str, int] = {}
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.lineEdit().setPlaceholderText(placeholder)
        self.setMinimumContentsLength(22)
        self._names = QStringListModel(self)
        completer = QCompleter(self._names, self)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.setCompleter(completer)
        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._timer.timeout.connect(self.look_up)
        self.lineEdit().textEdited.connect(lambda _t: self._timer.start())
        self._ticket = 0

    def look_up(self) -> None:
        self._ticket += 1
        ticket, text = self._ticket, self.currentText()
        people_ops.find_employers(self, self.ctx, text, SUGGESTIONS,
                                  on_done=lambda found: self._found(ticket, found),
                                  on_error=lambda _e: None)

    def _found(self, ticket: int, found) -> None:
        if ticket != self._ticket:
            return
        rows = [e for e in found if e.has_union or not self.unions_only]
        self.found.update({e.name: e.id for e in rows})
        self._names.setStringList([e.name for e in rows])
        if rows and self.lineEdit().hasFocus():
            self.completer().complete()

    def set_employer(self, name: str, employer_id: int | None = None) -> None:
        if employer_id is not None:
            self.found[name] = employer_id
        self.setEditText(name)

    def employer(self) -> int | str:
        text = self.currentText().strip()
        return self.found.get(text, text)


class PlanCombo(QComboBox):
    """The plans to choose from, newest year first; ``plan_id()`` the chosen one's id. ``loaded``
    once the list arrived; with ``all_label`` a first item (None) means any plan."""

    loaded = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, all_label: str | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.all_label = all_label
        self.plans: list = []
        self.setMinimumContentsLength(18)

    def reload(self, year: int | None = None) -> None:
        ma_ops.list_plans(self, self.ctx, year, on_done=self._show, on_error=lambda _e: None)

    def _show(self, plans) -> None:
        keep = self.plan_id()
        self.plans = list(plans)
        self.blockSignals(True)
        self.clear()
        if self.all_label is not None:
            self.addItem(self.all_label, None)
        for p in self.plans:
            self.addItem(p.label, p.id)
        i = self.findData(keep) if keep is not None else -1
        self.setCurrentIndex(i if i >= 0 else 0)
        self.blockSignals(False)
        if self.plan_id() != keep:           # a reload that keeps the choice changes nothing
            self.currentIndexChanged.emit(self.currentIndex())
        self.loaded.emit()

    def plan_id(self) -> int | None:
        return self.currentData()

    def plan(self):
        pid = self.plan_id()
        return next((p for p in self.plans if p.id == pid), None)

    def select(self, plan_id: int | None) -> None:
        i = self.findData(plan_id)
        if i >= 0:
            self.setCurrentIndex(i)
