"""Small pickers the mutual-aid pages share: an employer union found as the clerk types (name,
pinyin initials or credit code), the plan combo (「2026 ZY 住院津贴互助保障」) and a member found by
ID number or name. GUI thread only;
lookups through ``ui.operations``."""
from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (QComboBox, QCompleter, QLineEdit, QListWidget, QListWidgetItem,
                               QVBoxLayout, QWidget)

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


class MemberPicker(QWidget):
    """「身份证号或姓名」: as the clerk types, members (enrolled people) whose ID number or name
    starts with the text are listed under the box; a click, or Enter on the first, picks one and
    emits ``picked(MemberHit)``."""

    picked = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.hits: list = []
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(self.tr("输入身份证号（可只输前几位）或姓名查找参保人"))
        self.edit.setClearButtonEnabled(True)
        self.list = QListWidget()
        self.list.setMaximumHeight(110)
        self.list.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.edit)
        layout.addWidget(self.list)
        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._timer.timeout.connect(self.look_up)
        self.edit.textEdited.connect(lambda _t: self._timer.start())
        self.edit.returnPressed.connect(self._enter)
        self.list.itemActivated.connect(self._chosen)
        self.list.itemClicked.connect(self._chosen)
        self._ticket = 0

    def look_up(self) -> None:
        self._timer.stop()
        self._ticket += 1
        ticket, text = self._ticket, self.edit.text()
        if not text.strip():
            self._show(ticket, [])
            return
        ma_ops.member_lookup(self, self.ctx, text, on_done=lambda hits: self._show(ticket, hits),
                             on_error=lambda _e: None)

    def _show(self, ticket: int, hits) -> None:
        if ticket != self._ticket:
            return
        self.hits = list(hits)
        self.list.clear()
        for h in self.hits:
            item = QListWidgetItem(f"{h.name}  {h.id_tail}  {h.gender}  {h.employer_name}")
            item.setData(Qt.ItemDataRole.UserRole, h.person_id)
            self.list.addItem(item)
        if not self.hits and self.edit.text().strip():
            self.list.addItem(self.tr("没有找到参保人（只列出参加过互助保障的人员）"))
        self.list.setVisible(self.list.count() > 0)

    def _enter(self) -> None:
        if self._timer.isActive():
            self.look_up()
            return
        if self.hits:
            self.pick(self.hits[0])

    def _chosen(self, item: QListWidgetItem) -> None:
        pid = item.data(Qt.ItemDataRole.UserRole)
        hit = next((h for h in self.hits if h.person_id == pid), None)
        if hit is not None:
            self.pick(hit)

    def pick(self, hit) -> None:
        self.list.hide()
        self.edit.setText(f"{hit.name}（{hit.id_tail}）")
        self.picked.emit(hit)
