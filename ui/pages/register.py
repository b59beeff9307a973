"""来访登记: the registration form, made for keyboard-only entry while the worker is on the phone.

GUI thread only. Every read and write goes through ``ui.operations.intake`` (and
``ui.operations.people`` for the employer look-up); the service validates everything and either
saves the whole registration or nothing.

Keys (also listed under 帮助 → 快捷键, ``ui.main_window.SHORTCUTS``):

* Tab / Shift+Tab move through the fields in the order of the paper form.
* Enter saves (Ctrl+Enter inside a multi-line field); in the person or employer field with a list
  of matches open, Up/Down choose and Enter picks.
* Esc clears the form after confirmation; Ctrl+N starts a new registration.
* F8 links the registration as 重复信访 to the case the side panel suggests.

While the clerk types, a side panel (debounced) shows this person's and this employer's earlier
contacts and open cases (``repeats.repeat_check``) and highlights a probable repeat.

The half-typed form is kept as a draft (``drafts.save_draft``) every few seconds and whenever the
page is hidden or closed; when the page opens and a draft exists, a bar offers it back.

After a registration is saved, an inline bar (``offer_bar``, no modal box) offers the notice its
disposition calls for: 受理 → 受理告知书, 不予受理 → 不予受理告知书, 转送 → 转送告知书, 重复信访 →
不予重复受理告知书, 不再受理 → 不再受理告知书; 出具并预览 issues it and opens the print preview.
"""
from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QDateTime, QEvent, QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDateTimeEdit,
                               QFormLayout, QFrame, QGroupBox, QHBoxLayout, QLabel, QLineEdit,
                               QListWidget, QListWidgetItem, QMessageBox, QPlainTextEdit,
                               QPushButton, QScrollArea, QSpinBox, QSplitter, QStackedWidget,
                               QVBoxLayout, QWidget)

from app.domain import clock
from app.domain.enums import (REJECT_REDIRECTS, Category, Channel, Disposition, IssueType,
                              RejectReason)
from app.domain.errors import UserError, ValidationError
from app.domain.notices import NoticeKind
from app.services.petitions.drafts import DraftRecord
from app.services.petitions.fields import LABELS
from app.services.petitions.outreach import OutreachRecord
from app.services.petitions.registration import HistoryItem, RegistrationInput, RegistrationRecord
from app.services.petitions.repeats import RepeatCase, RepeatCheck
from app.services.people import PersonMatch, PersonRecord
from ui.context import AppContext
from ui.dialogs.notices_panel import OfferBar
from ui.file_dialogs import Purpose, open_files
from ui.operations import OnDone, OnError, Operation, show_error
from ui.operations.intake import (discard_draft, list_events, load_draft, lookup_people, register,
                                  repeat_check, save_draft)
from ui.operations.people import find_employers
from ui.pages.base import Page
from ui.util import ERROR_STYLE, FIELD_ERROR_STYLE, day_text

log = logging.getLogger(__name__)

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

# The notice a saved registration's disposition calls for.
DISPOSITION_NOTICE = {
    Disposition.ACCEPTED.value: NoticeKind.ACCEPT,
    Disposition.NOT_ACCEPTED.value: NoticeKind.REJECT,
    Disposition.TRANSFERRED.value: NoticeKind.TRANSFER,
    Disposition.REPEAT.value: NoticeKind.REPEAT,
    Disposition.NO_MORE.value: NoticeKind.NO_MORE,
}

# Field labels: the service's (``petitions.fields.LABELS``), so that its errors name the field as the form
# does; plus the two rows the service has no field for.
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


class RegisterPage(Page):
    title = "来访登记"
    areas = frozenset({"registrations", "outreach"})

    case_opened = Signal(int)          # a case id the clerk asked to open

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.saving = False
        self.dirty = False
        self.last_saved: RegistrationRecord | None = None
        self.repeat: RepeatCheck | None = None      # shown in the side panel
        self.suggested_case: tuple[int, str] | None = None
        self.repeat_case: tuple[int, str] | None = None
        self.pending_draft: dict | None = None
        self.attachment_paths: list[str] = []
        self._loading = False
        self._draft_timer_allowed = True   # False for a role that may not register: no drafts
        self._panel_ticket = 0
        self.fields: dict[str, QWidget] = {}

        # ---- bars at the top
        self.draft_bar = QFrame()
        self.draft_bar.setStyleSheet(BAR_STYLE)
        self.draft_label = QLabel(self.tr("有未完成的登记，恢复？"))
        self.restore_button = QPushButton(self.tr("恢复"))
        self.discard_button = QPushButton(self.tr("放弃"))
        self.restore_button.clicked.connect(self.restore_draft)
        self.discard_button.clicked.connect(self.discard_draft)
        bar = QHBoxLayout(self.draft_bar)
        bar.setContentsMargins(6, 2, 6, 2)
        bar.addWidget(self.draft_label, 1)
        bar.addWidget(self.restore_button)
        bar.addWidget(self.discard_button)
        self.draft_bar.hide()

        self.result_bar = QFrame()
        self.result_bar.setStyleSheet(OK_STYLE)
        self.result_label = QLabel()
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_case_button = QPushButton(self.tr("打开案件"))
        self.open_case_button.clicked.connect(self.open_saved_case)
        rb = QHBoxLayout(self.result_bar)
        rb.setContentsMargins(6, 2, 6, 2)
        rb.addWidget(self.result_label, 1)
        rb.addWidget(self.open_case_button)
        self.result_bar.hide()
        self.offer_bar = OfferBar(ctx)

        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(ERROR_STYLE + " font-weight: bold;")
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.hide()

        # ---- fields, in the order of the paper form
        self.channel_combo = _combo(Channel.choices())
        self.received_edit = DateTimeField(QDateTime(clock.now()))
        self.received_edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.received_edit.setCalendarPopup(True)
        self.person_field = LookupField(self._search_people,
                                        self.tr("姓名、拼音首字母、身份证号或电话"))
        self.person_edit = self.person_field.edit
        self.new_person_button = QPushButton(self.tr("新建人员"))
        self.new_person_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.new_person_button.clicked.connect(self.new_person)
        self.head_spin = QSpinBox()
        self.head_spin.setRange(0, 999999)
        self.head_spin.setValue(1)
        self.head_spin.setSuffix(self.tr(" 人"))
        self.reps_edit = QLineEdit()
        self.reps_edit.setPlaceholderText(self.tr("集体访的代表姓名，用逗号或顿号分隔，最多 5 人"))
        self.employer_field = LookupField(self._search_employers,
                                          self.tr("单位名称、拼音首字母或信用代码"))
        self.employer_edit = self.employer_field.edit
        self.new_employer_button = QPushButton(self.tr("新建单位"))
        self.new_employer_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.new_employer_button.clicked.connect(self.new_employer)
        self.category_combo = _combo(Category.choices())
        self.issue_list = QListWidget()
        self.issue_list.setFixedHeight(110)
        self.issue_list.setFlow(QListWidget.Flow.LeftToRight)
        self.issue_list.setWrapping(True)
        self.issue_list.setResizeMode(QListWidget.ResizeMode.Adjust)
        for value, label in IssueType.choices():
            item = QListWidgetItem(label)
            item.setData(ID_ROLE, value)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.issue_list.addItem(item)
        self.summary_edit = QLineEdit()
        self.summary_edit.setPlaceholderText(self.tr("一句话概括反映的事项"))
        self.request_edit = _text_edit()
        self.facts_edit = _text_edit()
        self.attach_list = QListWidget()
        self.attach_list.setFixedHeight(60)
        self.attach_list.itemActivated.connect(self.open_attachment)
        self.add_attach_button = QPushButton(self.tr("添加附件…"))
        self.add_attach_button.clicked.connect(self.add_attachments)
        self.remove_attach_button = QPushButton(self.tr("移除"))
        self.remove_attach_button.clicked.connect(self.remove_attachment)

        self.disposition_combo = _combo(Disposition.choices())
        self.disposition_stack = QStackedWidget()
        self._build_disposition_forms()
        self.disposition_combo.currentIndexChanged.connect(self.disposition_stack.setCurrentIndex)
        self.disposition_combo.currentIndexChanged.connect(self._disposition_changed)
        self.leader_check = QCheckBox(self.tr("领导接待日接待"))
        self.leader_edit = QLineEdit()
        self.leader_edit.setPlaceholderText(self.tr("接待领导姓名"))
        self.leader_edit.setEnabled(False)
        self.leader_check.toggled.connect(self.leader_edit.setEnabled)
        self.outreach_combo = QComboBox()
        self.outreach_combo.addItem(self.tr("（请选择走访活动）"), None)
        self.outreach_label = QLabel(L["outreach_event"])
        self.solved_check = QCheckBox(self.tr("现场解决"))
        self.channel_combo.currentIndexChanged.connect(self._channel_changed)

        self.save_button = QPushButton(self.tr("保存 (Enter)"))
        self.save_button.clicked.connect(self.save)
        self.clear_button = QPushButton(self.tr("清空 (Esc)"))
        self.clear_button.clicked.connect(self.cancel)
        for b in (self.save_button, self.clear_button, self.restore_button, self.discard_button,
                  self.open_case_button, self.add_attach_button, self.remove_attach_button):
            b.setAutoDefault(False)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(L["channel"], self.channel_combo)
        form.addRow(L["received_at"], self.received_edit)
        person_row = QHBoxLayout()
        person_row.addWidget(self.person_field, 1)
        person_row.addWidget(self.new_person_button, 0, Qt.AlignmentFlag.AlignTop)
        form.addRow(L["person"], person_row)
        group_row = QHBoxLayout()
        group_row.addWidget(self.head_spin)
        group_row.addWidget(QLabel(L["representatives"]))
        group_row.addWidget(self.reps_edit, 1)
        form.addRow(L["head_count"], group_row)
        employer_row = QHBoxLayout()
        employer_row.addWidget(self.employer_field, 1)
        employer_row.addWidget(self.new_employer_button, 0, Qt.AlignmentFlag.AlignTop)
        form.addRow(L["employer"], employer_row)
        form.addRow(L["category"], self.category_combo)
        form.addRow(L["issue_types"], self.issue_list)
        form.addRow(L["summary"], self.summary_edit)
        form.addRow(L["request"], self.request_edit)
        form.addRow(L["facts"], self.facts_edit)
        attach_row = QHBoxLayout()
        attach_row.addWidget(self.attach_list, 1)
        attach_buttons = QVBoxLayout()
        attach_buttons.addWidget(self.add_attach_button)
        attach_buttons.addWidget(self.remove_attach_button)
        attach_row.addLayout(attach_buttons)
        form.addRow(L["attachments"], attach_row)
        form.addRow(L["disposition"], self.disposition_combo)
        form.addRow("", self.disposition_stack)
        leader_row = QHBoxLayout()
        leader_row.addWidget(self.leader_check)
        leader_row.addWidget(self.leader_edit, 1)
        form.addRow(L["leader_reception"], leader_row)
        outreach_row = QHBoxLayout()
        outreach_row.addWidget(self.outreach_combo, 1)
        outreach_row.addWidget(self.solved_check)
        form.addRow(self.outreach_label, outreach_row)
        self._outreach_row = outreach_row

        self.fields.update({
            L["channel"]: self.channel_combo, L["received_at"]: self.received_edit,
            L["person"]: self.person_edit, "姓名": self.person_edit,
            L["head_count"]: self.head_spin, L["representatives"]: self.reps_edit,
            L["employer"]: self.employer_edit, "单位": self.employer_edit,
            L["category"]: self.category_combo, L["issue_types"]: self.issue_list,
            L["summary"]: self.summary_edit, L["request"]: self.request_edit,
            L["facts"]: self.facts_edit, L["attachments"]: self.attach_list,
            L["disposition"]: self.disposition_combo, L["answer"]: self.answer_edit,
            L["reject_reason"]: self.reject_combo, L["redirect_to"]: self.redirect_edit,
            L["transfer_to"]: self.transfer_to_edit, L["transfer_reason"]: self.transfer_reason_edit,
            L["repeat_of_case"]: self.repeat_case_edit,
            L["earlier_documents"]: self.earlier_docs_edit, L["leader_name"]: self.leader_edit,
            L["outreach_event"]: self.outreach_combo,
        })

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.save_button)

        form_widget = QWidget()
        fl = QVBoxLayout(form_widget)
        fl.addLayout(form)
        fl.addStretch(1)
        self.form_scroll = scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(form_widget)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        # 保存 / 清空 stay under the form, outside the scroll area: always in view on a small screen
        form_column = QWidget()
        fc = QVBoxLayout(form_column)
        fc.setContentsMargins(0, 0, 0, 0)
        fc.addWidget(scroll, 1)
        fc.addLayout(buttons)

        # ---- side panel
        self.panel = QGroupBox(self.tr("此前来访与案件"))
        self.repeat_label = QLabel()
        self.repeat_label.setWordWrap(True)
        self.repeat_label.setStyleSheet(REPEAT_STYLE)
        self.repeat_label.hide()
        self.link_button = QPushButton(self.tr("关联为重复信访 (F8)"))
        self.link_button.setAutoDefault(False)
        self.link_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.link_button.clicked.connect(self.link_repeat)
        self.link_button.hide()
        self.person_history = QListWidget()
        self.person_history.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.employer_history = QListWidget()
        self.employer_history.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.open_cases = QListWidget()
        self.open_cases.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.open_cases.itemDoubleClicked.connect(
            lambda item: self.open_case(item.data(ID_ROLE)) if item.data(ID_ROLE) else None)
        pl = QVBoxLayout(self.panel)
        pl.addWidget(self.repeat_label)
        pl.addWidget(self.link_button)
        pl.addWidget(QLabel(self.tr("未结或近12个月办结的案件")))
        pl.addWidget(self.open_cases, 1)
        pl.addWidget(QLabel(self.tr("该信访人此前的登记")))
        pl.addWidget(self.person_history, 1)
        pl.addWidget(QLabel(self.tr("该单位此前的来访")))
        pl.addWidget(self.employer_history, 1)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(form_column)
        splitter.addWidget(self.panel)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        from app.domain.permissions import LABELS as PERM_LABELS
        from app.domain.permissions import Perm, allowed
        if not allowed(ctx.actor.role, Perm.REGISTER):
            notice = QLabel(self.tr("您的角色（") + ctx.actor.role_label + self.tr("）没有「")
                            + PERM_LABELS[Perm.REGISTER] + self.tr("」权限，只能查看本页。"))
            notice.setStyleSheet(BAR_STYLE)
            layout.addWidget(notice)
            self.save_button.setEnabled(False)
            self._draft_timer_allowed = False
        layout.addWidget(self.draft_bar)
        layout.addWidget(self.result_bar)
        layout.addWidget(self.offer_bar)
        layout.addWidget(self.error_label)
        layout.addWidget(splitter, 1)

        self._set_tab_order()
        self._channel_changed()

        # ---- keys
        QShortcut(QKeySequence("Ctrl+N"), self, self.new_registration,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence("F8"), self, self.link_repeat,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence("Ctrl+R"), self, self.link_repeat,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        for edit in (self.request_edit, self.facts_edit, self.answer_edit,
                     self.transfer_reason_edit, self.earlier_docs_edit):
            edit.installEventFilter(self)

        # ---- change tracking: side panel and drafts
        self._panel_timer = QTimer(self)
        self._panel_timer.setSingleShot(True)
        self._panel_timer.setInterval(PANEL_DEBOUNCE_MS)
        self._panel_timer.timeout.connect(self.check_repeat)
        self._draft_timer = QTimer(self)
        self._draft_timer.setInterval(DRAFT_INTERVAL_MS)
        self._draft_timer.timeout.connect(self.autosave_draft)
        if self._draft_timer_allowed:
            self._draft_timer.start()
        self._person_employers: dict[int, tuple[int, str]] = {}   # from the person look-up
        self._employer_from_person = False     # the employer field holds the picked person's
        self.person_field.picked.connect(self._person_picked)
        for signal in (self.employer_edit.textEdited, self.employer_field.picked):
            signal.connect(lambda *_a: setattr(self, "_employer_from_person", False))
        for signal in (self.person_edit.textEdited, self.employer_edit.textEdited,
                       self.person_field.picked, self.employer_field.picked,
                       self.issue_list.itemChanged):
            signal.connect(self._panel_input_changed)
        for signal in (self.channel_combo.currentIndexChanged, self.received_edit.dateTimeChanged,
                       self.person_edit.textChanged, self.head_spin.valueChanged,
                       self.reps_edit.textChanged, self.employer_edit.textChanged,
                       self.category_combo.currentIndexChanged, self.issue_list.itemChanged,
                       self.summary_edit.textChanged, self.request_edit.textChanged,
                       self.facts_edit.textChanged, self.disposition_combo.currentIndexChanged,
                       self.answer_edit.textChanged, self.reject_combo.currentIndexChanged,
                       self.redirect_edit.textChanged, self.transfer_to_edit.textChanged,
                       self.transfer_reason_edit.textChanged, self.repeat_case_edit.textChanged,
                       self.earlier_docs_edit.textChanged, self.leader_check.toggled,
                       self.leader_edit.textChanged, self.outreach_combo.currentIndexChanged):
            signal.connect(self._mark_dirty)

        if self._draft_timer_allowed:
            self._load_draft()      # the outreach events load on first show (refresh)

    def refresh(self) -> None:
        self._load_events()

    # ------------------------------------------------------------ layout pieces

    def _build_disposition_forms(self) -> None:
        self.answer_edit = _text_edit(60)
        self.answer_edit.setPlaceholderText(self.tr("当场答复的内容"))
        self.accept_note = QLabel(self.tr("保存后生成案件编号并计算办理期限，可随即打开案件。"))
        self.reject_combo = _combo(RejectReason.choices())
        self.redirect_edit = QLineEdit()
        self.reject_combo.currentIndexChanged.connect(self._reject_reason_changed)
        self.transfer_to_edit = QLineEdit()
        self.transfer_reason_edit = _text_edit(50)
        self.repeat_case_edit = QLineEdit()
        self.repeat_case_edit.setPlaceholderText(self.tr("原案件编号，如 C2026-000045；可按 F8 按侧栏提示填入"))
        self.repeat_case_edit.textEdited.connect(lambda _t: setattr(self, "repeat_case", None))
        self.earlier_docs_edit = _text_edit(50)
        self.earlier_docs_edit.setPlaceholderText(self.tr("此前出具的文书编号和日期"))

        def page(*rows: tuple[str, QWidget]) -> QWidget:
            w = QWidget()
            f = QFormLayout(w)
            f.setContentsMargins(0, 0, 0, 0)
            for label, widget in rows:
                f.addRow(label, widget)
            return w

        pages = {
            Disposition.ANSWERED: page((L["answer"], self.answer_edit)),
            Disposition.ACCEPTED: page(("", self.accept_note)),
            Disposition.NOT_ACCEPTED: page((L["reject_reason"], self.reject_combo),
                                           (L["redirect_to"], self.redirect_edit)),
            Disposition.TRANSFERRED: page((L["transfer_to"], self.transfer_to_edit),
                                          (L["transfer_reason"], self.transfer_reason_edit)),
            Disposition.REPEAT: page((L["repeat_of_case"], self.repeat_case_edit)),
            Disposition.NO_MORE: page((L["earlier_documents"], self.earlier_docs_edit)),
        }
        for d in Disposition:
            self.disposition_stack.addWidget(pages[d])
        self._reject_reason_changed()

    def _set_tab_order(self) -> None:
        order = [self.channel_combo, self.received_edit, self.person_edit, self.new_person_button,
                 self.head_spin, self.reps_edit, self.employer_edit, self.new_employer_button,
                 self.category_combo, self.issue_list, self.summary_edit, self.request_edit,
                 self.facts_edit, self.add_attach_button, self.disposition_combo,
                 self.answer_edit, self.reject_combo, self.redirect_edit, self.transfer_to_edit,
                 self.transfer_reason_edit, self.repeat_case_edit, self.earlier_docs_edit,
                 self.leader_check, self.leader_edit, self.outreach_combo, self.solved_check,
                 self.save_button]
        self._tab_order = order
        for a, b in zip(order, order[1:]):
            QWidget.setTabOrder(a, b)

    def _reject_reason_changed(self, _i: int = 0) -> None:
        reason = self.reject_combo.currentData()
        if reason:
            self.redirect_edit.setText(REJECT_REDIRECTS.get(RejectReason(reason), ""))

    def _disposition_changed(self, _i: int = 0) -> None:
        """At an outreach event, a problem answered on the spot counts as solved on the spot."""
        if not self._loading:
            self.solved_check.setChecked(
                self.disposition_combo.currentData() == Disposition.ANSWERED.value)

    def _channel_changed(self, _i: int = 0) -> None:
        outreach = self.channel_combo.currentData() == Channel.OUTREACH.value
        for w in (self.outreach_label, self.outreach_combo, self.solved_check):
            w.setVisible(outreach)
        if outreach:
            self._disposition_changed()

    # ------------------------------------------------------------ keys

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if (event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier):
            self.save()
            return True
        return super().eventFilter(obj, event)

    def keyPressEvent(self, event) -> None:  # noqa: N802
        """Enter and Esc that the focused field passed on (line edits, combos, spin boxes)."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            focus = self.focusWidget()
            if isinstance(focus, QPushButton) and focus is not self.save_button:
                focus.click()
            else:
                self.save()
            event.accept()
            return
        if event.key() == Qt.Key.Key_Escape:
            self.cancel()
            event.accept()
            return
        super().keyPressEvent(event)

    # Dialog helper: small so that tests can replace it.
    def ask(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(self, title, text,
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    # ------------------------------------------------------------ look-ups

    def _search_people(self, parent: QWidget, text: str, on_done: OnDone,
                       on_error: OnError) -> Operation:
        def rows(found: list[tuple[PersonMatch, datetime | None]]) -> None:
            out = []
            for m, when in found:
                if m.employer_id is not None:
                    self._person_employers[m.id] = (m.employer_id, m.employer_name)
                parts = [m.name, m.id_tail, m.phone, m.employer_name]
                if when is not None:
                    parts.append("上次来访 " + day_text(when))
                out.append((m.id, "  ".join(p for p in parts if p), m.name))
            on_done(out)
        return lookup_people(parent, self.ctx, text, 10, on_done=rows, on_error=on_error)

    def _search_employers(self, parent: QWidget, text: str, on_done: OnDone,
                          on_error: OnError) -> Operation:
        return find_employers(
            parent, self.ctx, text, 10, on_error=on_error,
            on_done=lambda found: on_done(
                [(e.id, "  ".join(p for p in (e.name, e.uscc or "", e.street) if p), e.name)
                 for e in found]))

    def _person_picked(self, person_id: int | None, _text: str) -> None:
        """A person picked from the list brings their 用人单位 when the employer field is empty or
        was filled by the previous pick; an employer the clerk chose is kept."""
        employer = self._person_employers.get(person_id) if person_id is not None else None
        if employer is None:
            return
        empty = self.employer_field.selected_id is None and not self.employer_edit.text().strip()
        if empty or self._employer_from_person:
            self.employer_field.set_value(*employer)
            self._employer_from_person = True

    def new_person(self) -> None:
        from ui.dialogs.person_dialog import PersonDialog
        dlg = PersonDialog(self.ctx, parent=self)
        text = self.person_edit.text().strip()
        if text and not any(c.isdigit() for c in text):
            dlg.name_edit.setText(text)
        if self.employer_field.selected_id is not None:     # the employer already on the form
            dlg.employer_combo.setEditText(self.employer_edit.text())
        dlg.saved.connect(self._person_created)
        dlg.open()
        return dlg

    def _person_created(self, rec: PersonRecord) -> None:
        self.person_field.set_value(rec.id, rec.name)
        if rec.employer_id and self.employer_field.selected_id is None:
            self.employer_field.set_value(rec.employer_id, rec.employer_name)
            self._employer_from_person = True
        self._panel_input_changed()
        self.head_spin.setFocus()

    def new_employer(self) -> None:
        from ui.dialogs.employer_dialog import EmployerDialog
        dlg = EmployerDialog(self.ctx, parent=self, name=self.employer_edit.text().strip())
        dlg.saved.connect(lambda rec: (self.employer_field.set_value(rec.id, rec.name),
                                       self._panel_input_changed(),
                                       self.category_combo.setFocus()))
        dlg.open()
        return dlg

    def _load_events(self, select: int | None = None) -> None:
        list_events(self, self.ctx, on_done=lambda evs: self._events_loaded(evs, select),
                    on_error=lambda e: log.warning("outreach events not loaded: %s", e))

    def _events_loaded(self, events: list[OutreachRecord], select: int | None) -> None:
        current = select if select is not None else self.outreach_combo.currentData()
        self.outreach_combo.blockSignals(True)
        self.outreach_combo.clear()
        self.outreach_combo.addItem(self.tr("（请选择走访活动）"), None)
        for ev in events:
            self.outreach_combo.addItem(f"{day_text(ev.held_on)} {ev.theme}", ev.id)
        i = self.outreach_combo.findData(current) if current is not None else 0
        self.outreach_combo.setCurrentIndex(max(0, i))
        self.outreach_combo.blockSignals(False)

    def preset_outreach(self, event_id: int) -> None:
        """Start a registration of a problem raised at outreach event ``event_id``."""
        self.channel_combo.setCurrentIndex(self.channel_combo.findData(Channel.OUTREACH.value))
        i = self.outreach_combo.findData(event_id)
        if i >= 0:
            self.outreach_combo.setCurrentIndex(i)
        else:
            self._load_events(select=event_id)
        self.person_edit.setFocus()

    # ------------------------------------------------------------ attachments

    def add_attachments(self) -> None:
        paths = open_files(self, Purpose.ATTACHMENTS, self.tr("选择附件"),
                           self.tr("扫描件和照片 (*.pdf *.jpg *.jpeg *.png *.tif *.tiff);;所有文件 (*)"))
        self.add_attachment_paths(paths)

    def add_attachment_paths(self, paths: list[str]) -> None:
        for p in paths:
            if p and p not in self.attachment_paths:
                self.attachment_paths.append(p)
                item = QListWidgetItem(Path(p).name)
                item.setData(ID_ROLE, None)
                item.setData(TEXT_ROLE, p)
                item.setToolTip(p)
                self.attach_list.addItem(item)
        self._mark_dirty()

    def remove_attachment(self) -> None:
        row = self.attach_list.currentRow()
        if row >= 0:
            item = self.attach_list.takeItem(row)
            path = item.data(TEXT_ROLE)
            if path in self.attachment_paths:
                self.attachment_paths.remove(path)
            self._mark_dirty()

    def open_attachment(self, item: QListWidgetItem) -> None:
        path = item.data(TEXT_ROLE)
        if path:
            QDesktopServices.openUrl(QUrl.fromLocalFile(path))

    # ------------------------------------------------------------ the form's values

    def issue_types(self) -> list[str]:
        out = []
        for i in range(self.issue_list.count()):
            item = self.issue_list.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(item.data(ID_ROLE))
        return out

    def set_issue_types(self, values) -> None:
        wanted = set(values or ())
        for i in range(self.issue_list.count()):
            item = self.issue_list.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.data(ID_ROLE) in wanted
                               else Qt.CheckState.Unchecked)

    def representatives(self) -> list[str]:
        text = self.reps_edit.text()
        for sep in "，、;；":
            text = text.replace(sep, ",")
        return [p.strip() for p in text.split(",") if p.strip()]

    def form_values(self) -> dict[str, Any]:
        """Everything typed, as plain values (also the draft payload)."""
        return {
            "channel": self.channel_combo.currentData(),
            "received_at": self.received_edit.dateTime().toPython().replace(second=0, microsecond=0),
            "person_id": self.person_field.selected_id,
            "person_text": self.person_edit.text(),
            "head_count": self.head_spin.value(),
            "representatives": self.representatives(),
            "employer_id": self.employer_field.selected_id,
            "employer_text": self.employer_edit.text(),
            "category": self.category_combo.currentData(),
            "issue_types": self.issue_types(),
            "summary": self.summary_edit.text(),
            "request": self.request_edit.toPlainText(),
            "facts": self.facts_edit.toPlainText(),
            "disposition": self.disposition_combo.currentData(),
            "answer": self.answer_edit.toPlainText(),
            "reject_reason": self.reject_combo.currentData(),
            "redirect_to": self.redirect_edit.text(),
            "transfer_to": self.transfer_to_edit.text(),
            "transfer_reason": self.transfer_reason_edit.toPlainText(),
            "repeat_case_id": self.repeat_case[0] if self.repeat_case else None,
            "repeat_case_no": self.repeat_case_edit.text().strip(),
            "earlier_documents": self.earlier_docs_edit.toPlainText(),
            "leader_reception": self.leader_check.isChecked(),
            "leader_name": self.leader_edit.text(),
            "outreach_event_id": (self.outreach_combo.currentData()
                                  if self.channel_combo.currentData() == Channel.OUTREACH.value
                                  else None),
            "solved_on_site": (self.solved_check.isChecked()
                               if self.channel_combo.currentData() == Channel.OUTREACH.value
                               else None),
            "attachments": list(self.attachment_paths),
        }

    def service_input(self, v: dict[str, Any]) -> RegistrationInput:
        """The service's input from ``form_values()``: text typed in the person or employer field
        without picking a match goes as a name (the service refuses it with a hint)."""
        return RegistrationInput(
            channel=v["channel"], received_at=v["received_at"], person_id=v["person_id"],
            person_name=v["person_text"] if v["person_id"] is None else "",
            head_count=v["head_count"], representatives=v["representatives"],
            employer_id=v["employer_id"],
            employer_name=v["employer_text"] if v["employer_id"] is None else "",
            category=v["category"], issue_types=v["issue_types"], summary=v["summary"],
            request=v["request"], facts=v["facts"], disposition=v["disposition"],
            answer=v["answer"], reject_reason=v["reject_reason"], redirect_to=v["redirect_to"],
            transfer_to=v["transfer_to"], transfer_reason=v["transfer_reason"],
            repeat_of_case_id=v["repeat_case_id"], repeat_of_case_no=v["repeat_case_no"],
            earlier_documents=v["earlier_documents"], outreach_event_id=v["outreach_event_id"],
            solved_on_site=v["solved_on_site"], leader_reception=v["leader_reception"],
            leader_name=v["leader_name"], attachments=v["attachments"])

    def set_values(self, v: dict[str, Any]) -> None:
        """Fill the form (a restored draft)."""
        self._loading = True
        try:
            def combo(c: QComboBox, value) -> None:
                i = c.findData(value)
                if i >= 0:
                    c.setCurrentIndex(i)
            combo(self.channel_combo, v.get("channel"))
            when = v.get("received_at")
            if isinstance(when, str) and when:
                when = datetime.fromisoformat(when)
            if isinstance(when, datetime):
                self.received_edit.setDateTime(QDateTime(when))
            self.person_field.set_value(v.get("person_id"), v.get("person_text") or "")
            self.head_spin.setValue(int(v.get("head_count") or 1))
            self.reps_edit.setText("、".join(v.get("representatives") or ()))
            self.employer_field.set_value(v.get("employer_id"), v.get("employer_text") or "")
            combo(self.category_combo, v.get("category"))
            self.set_issue_types(v.get("issue_types"))
            self.summary_edit.setText(v.get("summary") or "")
            self.request_edit.setPlainText(v.get("request") or "")
            self.facts_edit.setPlainText(v.get("facts") or "")
            combo(self.disposition_combo, v.get("disposition"))
            self.answer_edit.setPlainText(v.get("answer") or "")
            combo(self.reject_combo, v.get("reject_reason"))
            if v.get("redirect_to") is not None:
                self.redirect_edit.setText(v.get("redirect_to") or "")
            self.transfer_to_edit.setText(v.get("transfer_to") or "")
            self.transfer_reason_edit.setPlainText(v.get("transfer_reason") or "")
            self.repeat_case = ((v["repeat_case_id"], v.get("repeat_case_no") or "")
                                if v.get("repeat_case_id") else None)
            self.repeat_case_edit.setText(v.get("repeat_case_no") or "")
            self.earlier_docs_edit.setPlainText(v.get("earlier_documents") or "")
            self.leader_check.setChecked(bool(v.get("leader_reception")))
            self.leader_edit.setText(v.get("leader_name") or "")
            if v.get("outreach_event_id"):
                i = self.outreach_combo.findData(v["outreach_event_id"])
                if i >= 0:
                    self.outreach_combo.setCurrentIndex(i)
                else:
                    self._load_events(select=v["outreach_event_id"])
            self.solved_check.setChecked(bool(v.get("solved_on_site")))
            self.attachment_paths.clear()
            self.attach_list.clear()
            self.add_attachment_paths(v.get("attachments") or [])
        finally:
            self._loading = False
        self.dirty = True
        self._panel_input_changed()

    def clear_form(self) -> None:
        self._loading = True
        try:
            self.channel_combo.setCurrentIndex(0)
            self.received_edit.setDateTime(QDateTime(clock.now()))
            self.person_field.clear()
            self.head_spin.setValue(1)
            self.reps_edit.clear()
            self.employer_field.clear()
            self._employer_from_person = False
            self.category_combo.setCurrentIndex(0)
            self.set_issue_types(())
            for w in (self.summary_edit, self.redirect_edit, self.transfer_to_edit,
                      self.repeat_case_edit, self.leader_edit):
                w.clear()
            for w in (self.request_edit, self.facts_edit, self.answer_edit,
                      self.transfer_reason_edit, self.earlier_docs_edit):
                w.clear()
            self.disposition_combo.setCurrentIndex(0)
            self.reject_combo.setCurrentIndex(0)
            self._reject_reason_changed()
            self.leader_check.setChecked(False)
            self.outreach_combo.setCurrentIndex(0)
            self.solved_check.setChecked(False)
            self.attachment_paths.clear()
            self.attach_list.clear()
            self.repeat_case = None
        finally:
            self._loading = False
        self.dirty = False
        self._clear_errors()
        self._show_panel(None)
        self.channel_combo.setFocus()

    def _mark_dirty(self, *_a) -> None:
        if not self._loading:
            self.dirty = True

    # ------------------------------------------------------------ side panel

    def _panel_input_changed(self, *_a) -> None:
        if not self._loading:
            self._panel_timer.start()

    def check_repeat(self) -> None:
        """Ask the service about earlier contacts of this person and employer (background)."""
        self._panel_timer.stop()
        person_id = self.person_field.selected_id
        employer_id = self.employer_field.selected_id
        text = self.person_edit.text().strip()
        issues = tuple(self.issue_types())
        self._panel_ticket += 1
        ticket = self._panel_ticket
        if person_id is None and employer_id is None and not text:
            self._show_panel(None)
            return
        kw: dict[str, Any] = {"person_id": person_id, "employer_id": employer_id,
                              "issue_types": issues}
        if person_id is None and text:
            digits = text.replace(" ", "").upper()
            if len(digits) == 18 and digits[:17].isdigit():
                kw["id_number"] = digits
            elif digits.isdigit():
                kw["phone"] = digits
            else:
                kw["name"] = text

        repeat_check(self, self.ctx, **kw, on_done=lambda r: self._repeat_found(ticket, r),
                     on_error=lambda e: log.warning("repeat check failed: %s", e))

    @property
    def panel_busy(self) -> bool:
        return self._panel_timer.isActive()

    def _repeat_found(self, ticket: int, result: RepeatCheck) -> None:
        if ticket == self._panel_ticket:
            self._show_panel(result)

    def _show_panel(self, result: RepeatCheck | None) -> None:
        self.repeat = result
        for lst in (self.person_history, self.employer_history, self.open_cases):
            lst.clear()
        self.suggested_case = None
        if result is None:
            self.repeat_label.hide()
            self.link_button.hide()
            return

        def contact_line(c: HistoryItem) -> str:
            parts = [day_text(c.received_at), c.reg_no, c.summary, c.disposition_label, c.case_no]
            return "  ".join(p for p in parts if p)

        def case_line(c: RepeatCase) -> str:
            return "  ".join(p for p in (c.case_no, c.status_label, c.summary) if p)

        for h in result.person_contacts:
            self.person_history.addItem(contact_line(h))
        for h in result.employer_contacts:
            self.employer_history.addItem(contact_line(h))
        for c in result.cases:
            item = QListWidgetItem(case_line(c))
            item.setData(ID_ROLE, c.case_id)
            item.setData(TEXT_ROLE, c.case_no)
            self.open_cases.addItem(item)
        suggested = result.suggested
        if result.is_repeat and suggested is not None:
            self.open_cases.setCurrentRow(result.cases.index(suggested))
            self.suggested_case = (suggested.case_id, suggested.case_no)
            reason = f"（{suggested.matched_label}，{suggested.status_label}）"
            self.repeat_label.setText(self.tr("疑似重复信访：") + f"{suggested.case_no} {reason}"
                                      + self.tr("。按 F8 关联为重复信访。"))
            self.repeat_label.show()
            self.link_button.show()
        else:
            self.repeat_label.hide()
            self.link_button.hide()

    def link_repeat(self) -> None:
        """F8: the registration is a 重复信访 of the suggested case."""
        if self.suggested_case is None:
            return
        case_id, case_no = self.suggested_case
        self.disposition_combo.setCurrentIndex(self.disposition_combo.findData(Disposition.REPEAT.value))
        self.repeat_case = (case_id, case_no)
        self.repeat_case_edit.setText(case_no)
        self._mark_dirty()

    # ------------------------------------------------------------ saving

    def _clear_errors(self) -> None:
        self.error_label.clear()
        self.error_label.hide()
        for w in set(self.fields.values()):
            w.setStyleSheet("")

    def save(self) -> None:
        if self.saving:
            return
        if self.person_field.matches.isVisible() and self.person_edit.hasFocus():
            return
        values = self.form_values()
        try:
            data = self.service_input(values)
        except ValidationError as e:
            self._save_failed(e)
            return
        self.saving = True
        self.save_button.setEnabled(False)
        self._clear_errors()
        register(self, self.ctx, data, on_done=self._saved, on_error=self._save_failed)

    def _save_failed(self, exc: BaseException) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        if not isinstance(exc, ValidationError):
            if isinstance(exc, UserError):
                self.error_label.setText(exc.message)
                self.error_label.show()
            else:
                show_error(self, exc)
            return
        self.error_label.setText("\n".join(f"{f}：{m}" if f else m for f, m in exc.errors))
        self.error_label.show()
        bad = [w for w in (self.fields.get(f) for f in exc.fields) if w is not None]
        for w in bad:
            if isinstance(w, (QLineEdit, QPlainTextEdit, QComboBox, QSpinBox)):
                w.setStyleSheet(FIELD_ERROR_STYLE)
        # the first bad field in the order of the form, not of the messages
        first = next((w for w in self._tab_order if w in bad), bad[0] if bad else None)
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)
            if isinstance(first, QLineEdit):
                first.selectAll()

    def _saved(self, rec: RegistrationRecord) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
        self.last_saved = rec
        text = self.tr("已保存，登记编号 ") + rec.reg_no
        self.open_case_button.setVisible(bool(rec.case_no))
        if rec.case_no:
            text += self.tr("；已受理，案件编号 ") + rec.case_no + self.tr("。按「打开案件」办理。")
        if rec.warnings:
            text += "\n" + self.tr("预警：") + "；".join(w.text for w in rec.warnings)
        self.result_label.setText(text)
        self.result_bar.show()
        self.offer_notice(rec)
        self._discard_saved_draft()
        self.clear_form()

    def offer_notice(self, rec: RegistrationRecord) -> bool:
        """Offer the notice the saved registration's disposition calls for (inline bar)."""
        kind = DISPOSITION_NOTICE.get(rec.disposition)
        if kind is None:
            self.offer_bar.dismiss()
            return False
        if kind is NoticeKind.ACCEPT:
            if not rec.case_id:
                self.offer_bar.dismiss()
                return False
            return self.offer_bar.offer(kind, case_id=rec.case_id)
        return self.offer_bar.offer(kind, registration_id=rec.id)

    def open_saved_case(self) -> None:
        if self.last_saved is not None and self.last_saved.case_id:
            self.open_case(self.last_saved.case_id)

    def open_case(self, case_id: int):
        from ui.dialogs.case_dialog import CaseDialog
        self.case_opened.emit(case_id)
        dlg = CaseDialog(self.ctx, case_id, parent=self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.show()
        self.case_dialog = dlg
        return dlg

    def cancel(self) -> None:
        """Esc: clear the form after confirmation (no question when nothing was typed)."""
        if self.dirty and not self.ask(self.tr("清空登记"), self.tr("放弃正在填写的登记内容吗？")):
            return
        self._discard_saved_draft()
        self.clear_form()
        self.result_bar.hide()
        self.offer_bar.dismiss()

    def new_registration(self) -> None:
        """Ctrl+N."""
        self.cancel()

    # ------------------------------------------------------------ drafts

    def _draft_payload(self) -> dict[str, Any]:
        v = self.form_values()
        v["received_at"] = v["received_at"].isoformat()
        return v

    def autosave_draft(self) -> None:
        if not self.dirty or self.saving or self.pending_draft is not None:
            return
        self.save_draft_now()

    def save_draft_now(self) -> None:
        """Keep the half-typed form (background; the answer is not needed)."""
        if (not self.dirty or self.pending_draft is not None
                or not self._draft_timer_allowed):
            return
        payload = self._draft_payload()
        self.dirty = False
        save_draft(self, self.ctx, DRAFT_FORM, payload,
                   on_error=lambda e: log.warning("draft not saved: %s", e))

    def _discard_saved_draft(self) -> None:
        discard_draft(self, self.ctx, DRAFT_FORM,
                      on_error=lambda e: log.warning("draft not discarded: %s", e))

    def _load_draft(self) -> None:
        load_draft(self, self.ctx, DRAFT_FORM, on_done=self._draft_loaded,
                   on_error=lambda e: log.warning("draft not loaded: %s", e))

    def _draft_loaded(self, draft: DraftRecord | None) -> None:
        if draft is None or not draft.payload:
            return
        self.pending_draft = dict(draft.payload)
        self.draft_label.setText(self.tr("有未完成的登记，恢复？") + self.tr("（保存于 ")
                                 + f"{draft.updated_at:%m-%d %H:%M}" + "）")
        self.draft_bar.show()

    def restore_draft(self) -> None:
        if self.pending_draft is None:
            return
        payload, self.pending_draft = self.pending_draft, None
        self.draft_bar.hide()
        self.set_values(payload)
        self.person_edit.setFocus()

    def discard_draft(self) -> None:
        self.pending_draft = None
        self.draft_bar.hide()
        self._discard_saved_draft()

    def hideEvent(self, event) -> None:  # noqa: N802
        self.save_draft_now()
        super().hideEvent(event)

    def closeEvent(self, event) -> None:  # noqa: N802
        self.save_draft_now()
        self._draft_timer.stop()
        super().closeEvent(event)
