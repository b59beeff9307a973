"""走访活动: on-site outreach events (「工情直通车」…): the list, a form to record one, and the selected
event's summary — problems raised, solved on the spot, accepted as cases — with a button that
starts a registration of a problem raised there (channel 走访活动现场, the event preset).

GUI thread only; reads and writes go through ``ui.operations.intake``.
"""
from __future__ import annotations

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (QDateEdit, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit,
                               QListWidget, QListWidgetItem, QPlainTextEdit, QPushButton,
                               QSpinBox, QSplitter, QVBoxLayout, QWidget)

from app.domain import clock
from app.domain.errors import ValidationError
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.operations import show_error
from ui.operations.intake import create_event, list_events, load_event
from ui.pages.base import Page
from ui.pages.register import RegisterPage
from ui.util import ERROR_STYLE, FIELD_ERROR_STYLE, day_text

ID_ROLE = Qt.ItemDataRole.UserRole + 1


class OutreachPage(Page):
    title = "走访活动"
    areas = frozenset({"outreach", "registrations"})

    register_requested = Signal(int)     # event id: register a problem raised there

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.events: list = []
        self.summary = None
        self._ticket = 0

        self.event_list = QListWidget()
        self.event_list.currentItemChanged.connect(lambda cur, _prev: self._selected(cur))

        # ---- the form
        from app.services.petitions.outreach import EVENT_LABELS as EL
        self.theme_edit = QLineEdit()
        self.theme_edit.setPlaceholderText(self.tr("如：工情直通车·走进工业园"))
        self.date_edit = QDateEdit(QDate(clock.today()))
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.place_edit = QLineEdit()
        self.departments_edit = QLineEdit()
        self.departments_edit.setPlaceholderText(self.tr("人社局、司法局……用顿号分隔"))
        self.units_edit = QLineEdit()
        self.units_edit.setPlaceholderText(self.tr("到场单位，用顿号分隔"))
        self.workers_spin = QSpinBox()
        self.workers_spin.setRange(0, 1_000_000)
        self.note_edit = QPlainTextEdit()
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setFixedHeight(60)
        self.fields = {EL["theme"]: self.theme_edit, EL["held_on"]: self.date_edit,
                       EL["place"]: self.place_edit, EL["departments"]: self.departments_edit,
                       EL["units_present"]: self.units_edit,
                       EL["workers_present"]: self.workers_spin, EL["note"]: self.note_edit}
        form = QFormLayout()
        for label, w in self.fields.items():
            form.addRow(label, w)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.hide()
        self.save_button = QPushButton(self.tr("保存活动"))
        self.save_button.clicked.connect(self.save)
        box = QGroupBox(self.tr("新建走访活动"))
        bl = QVBoxLayout(box)
        bl.addLayout(form)
        bl.addWidget(self.error_label)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.save_button)
        bl.addLayout(row)

        # ---- the selected event
        self.summary_box = QGroupBox(self.tr("活动情况"))
        self.event_label = QLabel()
        self.event_label.setWordWrap(True)
        self.event_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.counts_label = QLabel()
        self.problems = QListWidget()
        self.register_button = QPushButton(self.tr("登记现场反映的问题"))
        self.register_button.setEnabled(False)
        self.register_button.clicked.connect(self.register_problem)
        sl = QVBoxLayout(self.summary_box)
        sl.addWidget(self.event_label)
        sl.addWidget(self.counts_label)
        sl.addWidget(QLabel(self.tr("现场反映的问题")))
        sl.addWidget(self.problems, 1)
        sl.addWidget(self.register_button)

        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(QLabel(self.tr("走访活动（新的在前）")))
        ll.addWidget(self.event_list, 1)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.summary_box, 1)
        rl.addWidget(box)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 2)
        QVBoxLayout(self).addWidget(splitter)

    # ------------------------------------------------------------ loading

    def refresh(self) -> None:
        list_events(self, self.ctx, on_done=self._loaded)

    def _loaded(self, events, select: int | None = None) -> None:
        current = select if select is not None else self.current_event_id()
        self.events = list(events)
        self.event_list.blockSignals(True)
        self.event_list.clear()
        for ev in self.events:
            item = QListWidgetItem(f"{day_text(ev.held_on)}  {ev.theme}")
            item.setData(ID_ROLE, ev.id)
            self.event_list.addItem(item)
        self.event_list.blockSignals(False)
        row = next((i for i, ev in enumerate(self.events) if ev.id == current), 0)
        if self.events:
            self.event_list.setCurrentRow(row)
            self._selected(self.event_list.currentItem())
        else:
            self._show_summary(None, [])

    def current_event_id(self) -> int | None:
        item = self.event_list.currentItem()
        return item.data(ID_ROLE) if item is not None else None

    def _selected(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        self._ticket += 1
        ticket = self._ticket
        load_event(self, self.ctx, item.data(ID_ROLE),
                   on_done=lambda r: ticket == self._ticket and self._show_summary(*r))

    def _show_summary(self, summary, problems) -> None:
        self.summary = summary
        self.problems.clear()
        self.register_button.setEnabled(summary is not None)
        if summary is None:
            self.event_label.setText(self.tr("还没有走访活动。"))
            self.counts_label.clear()
            return
        ev = summary.event
        lines = [f"{ev.theme}", f"{day_text(ev.held_on)}  {ev.place}"]
        if ev.departments:
            lines.append(self.tr("邀请部门：") + ev.departments)
        if ev.units_present:
            lines.append(self.tr("到场单位：") + ev.units_present)
        lines.append(self.tr("到场职工：") + f"{ev.workers_present} 人")
        if ev.note:
            lines.append(ev.note)
        self.event_label.setText("\n".join(lines))
        self.counts_label.setText(
            f"现场反映问题 {summary.registrations} 件（{summary.head_count} 人次），"
            f"现场解决 {summary.solved_on_site} 件，受理为案件 {summary.accepted} 件")
        for p in problems:
            text = f"{p.reg_no}  {p.person_name}  {p.summary}  {p.disposition_label}"
            if p.case_no:
                text += f"  {p.case_no} {p.case_status_label}"
            self.problems.addItem(text)

    # ------------------------------------------------------------ actions

    def save(self) -> None:
        from app.services.petitions.outreach import OutreachInput
        data = OutreachInput(
            theme=self.theme_edit.text(), held_on=self.date_edit.date().toPython(),
            place=self.place_edit.text(), departments=self.departments_edit.text(),
            units_present=self.units_edit.text(), workers_present=self.workers_spin.value(),
            note=self.note_edit.toPlainText())
        self.save_button.setEnabled(False)
        self.error_label.hide()
        for w in self.fields.values():
            w.setStyleSheet("")
        create_event(self, self.ctx, data, on_done=self._saved, on_error=self._save_failed)

    def _saved(self, rec) -> None:
        self.save_button.setEnabled(True)
        for w in (self.theme_edit, self.place_edit, self.departments_edit, self.units_edit):
            w.clear()
        self.note_edit.clear()
        self.workers_spin.setValue(0)
        self._pending_select = rec.id
        list_events(self, self.ctx, on_done=lambda evs: self._loaded(evs, select=rec.id))

    def _save_failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        if not isinstance(exc, ValidationError):
            show_error(self, exc)
            return
        self.error_label.setText("\n".join(f"{f}：{m}" if f else m for f, m in exc.errors))
        self.error_label.show()
        first = None
        for f in exc.fields:
            w = self.fields.get(f)
            if w is not None:
                w.setStyleSheet(FIELD_ERROR_STYLE)
                first = first or w
        if first is not None:
            first.setFocus()

    def register_problem(self) -> RegisterPage | None:
        """Open 来访登记 with channel 走访活动现场 and this event preset (in the main window), and
        return that page; outside a main window only ``register_requested`` is emitted."""
        event_id = self.current_event_id()
        if event_id is None:
            return None
        self.register_requested.emit(event_id)
        window = self.window()
        page = window.open_page("register", RegisterPage) if isinstance(window, MainWindow) else None
        if page is not None:
            page.preset_outreach(event_id)
        return page
