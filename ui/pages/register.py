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

from PySide6.QtCore import QDateTime, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QFrame, QGroupBox, QHBoxLayout,
                               QLabel, QLineEdit, QListWidget, QListWidgetItem, QMessageBox,
                               QPlainTextEdit, QPushButton, QScrollArea, QSpinBox, QSplitter,
                               QStackedWidget, QVBoxLayout, QWidget)

from app.domain import clock
from app.domain.enums import (REJECT_REDIRECTS, Category, Channel, Disposition, IssueType,
                              RejectReason)
from app.domain.errors import UserError, ValidationError
from app.domain.notices import NoticeKind
from app.services.petitions.registration import RegistrationRecord
from app.services.petitions.repeats import RepeatCheck

from ui.context import AppContext
from ui.dialogs.notices_panel import OfferBar
from ui.operations import show_error
from ui.operations.intake import register
from ui.pages.base import Page
from ui.pages.register_fields import (BAR_STYLE, DISPOSITION_NOTICE, DRAFT_INTERVAL_MS,
                                      DateTimeField, ID_ROLE, L, LookupField, OK_STYLE,
                                      PANEL_DEBOUNCE_MS, REPEAT_STYLE, _combo, _text_edit)
from ui.pages.register_lookups import _LookupsAndFiles
from ui.pages.register_values import _FormValues
from ui.util import ERROR_STYLE, FIELD_ERROR_STYLE, widget_for


class RegisterPage(_LookupsAndFiles, _FormValues, Page):
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
            # by the keys of RegistrationInput's fields (FieldError.key); the new person's own
            # fields (new_person.name …) are typed in the 信访人 box, its employer in the 单位 box
            "channel": self.channel_combo, "received_at": self.received_edit,
            "person": self.person_edit, "new_person": self.person_edit,
            "head_count": self.head_spin, "representatives": self.reps_edit,
            "employer": self.employer_edit, "new_person.employer": self.employer_edit,
            "category": self.category_combo, "issue_types": self.issue_list,
            "summary": self.summary_edit, "request": self.request_edit,
            "facts": self.facts_edit, "attachments": self.attach_list,
            "disposition": self.disposition_combo, "answer": self.answer_edit,
            "reject_reason": self.reject_combo, "redirect_to": self.redirect_edit,
            "transfer_to": self.transfer_to_edit, "transfer_reason": self.transfer_reason_edit,
            "repeat_of": self.repeat_case_edit,
            "earlier_documents": self.earlier_docs_edit, "leader_name": self.leader_edit,
            "outreach_event": self.outreach_combo,
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
        from ui.pages.hardship.desk import PersonHardshipBox   # the person's file and payments
        self.hardship = PersonHardshipBox(ctx)
        pl.addWidget(self.hardship)

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

    # ------------------------------------------------------------ saving

    def _clear_errors(self) -> None:
        self.error_label.clear()
        self.error_label.hide()
        for w in set(self.fields.values()):
            w.setStyleSheet("")
            w.setToolTip("")

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
        bad = []
        for error in exc.errors:
            w = widget_for(self.fields, error.key)
            if w is None:
                continue
            if w not in bad:
                bad.append(w)
                w.setToolTip(error.message)
            else:
                w.setToolTip(w.toolTip() + "\n" + error.message)
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
