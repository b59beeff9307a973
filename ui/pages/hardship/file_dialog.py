"""The household file form 困难职工档案: the applicant from the people registry, the family members
as an editable table, incomes and 刚性支出, causes, the proposed category with its formula (the clerk
confirms it or chooses another with a reason), contact and bank account (masked when shown),
materials, the timeline, and one button per procedure step.

GUI thread only. Everything goes through ``ui.operations.hardship``; the service validates every
field (all bad fields at once, by Chinese label) and refuses illegal steps. A step's button is
enabled from the file's record: the role's permission, then the workflow table
(``app.domain.workflow.FILE_WORKFLOW``, the service's own refusals in ``FileRecord.refusals``); a
disabled button's tooltip says why. Each step is a small ``ActionDialog`` that keeps the service's
refusal in its red label (nothing written) until it succeeds.

What may be edited follows the state: a new file or one under review (待初审 … 公示中) everything; an
active file (在档) its contact and bank details (its numbers change by 复核); a closed or rejected
file nothing.
"""
from __future__ import annotations

import logging

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (QDialog, QFormLayout, QGridLayout, QHBoxLayout, QHeaderView,
                               QLabel, QLineEdit, QListWidget, QListWidgetItem, QPushButton,
                               QTabWidget, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from app.domain import clock
from app.domain.errors import UserError, ValidationError
from app.domain.hardship import (MAX_SECONDARY_CAUSES, Cause, FileState, HardshipCategory, Health,
                                 MaterialKind, MedicalInsurance, Relation, SchoolLevel, WorkStatus)
from app.domain.money import format_yuan
from app.domain.permissions import LABELS as PERM_LABELS
from app.domain.permissions import Perm, allowed
from ui.context import AppContext
from ui.dialogs.action_dialog import ActionDialog
from ui.file_dialogs import Purpose, open_files
from ui.operations import OnDone, OnError, show_error
from ui.operations import hardship as ops
from ui.operations.intake import lookup_people
from ui.pages.hardship.file_steps import STEPS, FileSteps
from ui.pages.hardship.parts import (Column, RowsTable, date_edit, id_number_problem, select,
                                     yuan_text)
from ui.step_buttons import update_step_buttons
from ui.pages.register_fields import LookupField
from ui.util import ERROR_STYLE, FIELD_ERROR_STYLE, HINT_STYLE, combo, qdate, text_edit
from ui.windows import fit_to_screen

log = logging.getLogger(__name__)

PROPOSE_DEBOUNCE_MS = 400
MEMBER_ROW = r"^家庭成员第(\d+)行(?:（[^）]*）)?(.*)$"     # the service's label of a member's field
EDITABLE = frozenset({FileState.APPLIED, FileState.SCREENED, FileState.INVESTIGATED,
                      FileState.PUBLICIZING})

MEMBER_COLUMNS = (
    Column("name", "姓名", width=80),
    Column("relation", "关系", Relation.choices(), width=80),
    Column("id_number", "身份证号", width=160, check=id_number_problem),
    Column("monthly_income", "月收入(元)", width=80),
    Column("health", "健康状况", Health.choices(), width=80),
    Column("medical_insurance", "医保状况", MedicalInsurance.choices(), width=90),
    Column("work_status", "人员身份", WorkStatus.choices(), width=80),
    Column("schooling", "在学情况", SchoolLevel.choices(), width=80),
)

class FileDialog(FileSteps, QDialog):
    """``FileDialog(ctx)`` files a new household (``person_id`` preselects the applicant);
    ``FileDialog(ctx, file_id)`` opens one. ``record`` is the loaded ``FileRecord`` (None while
    new or loading); ``action`` the step dialog last opened (tests drive it); ``saved`` carries
    the record after every successful save or step."""

    saved = Signal(object)
    loaded = Signal(object)

    def __init__(self, ctx: AppContext, file_id: int | None = None, parent: QWidget | None = None,
                 *, person_id: int | None = None, person_name: str = ""):
        super().__init__(parent)
        self.ctx = ctx
        self.file_id = file_id
        self.record = None
        self.proposal = None
        self.action: ActionDialog | None = None
        self.busy = False
        self._account_changed = False
        self._propose_ticket = 0
        self.fields: dict[str, QWidget] = {}
        self.setWindowTitle(self.tr("新建困难职工档案") if file_id is None else self.tr("困难职工档案"))
        may_file = allowed(ctx.actor.role, Perm.FILE_HARDSHIP)

        # ---- header
        self.file_no_label = QLabel(self.tr("新申请") if file_id is None else "…")
        font = self.file_no_label.font()
        font.setPointSize(font.pointSize() + 3)
        font.setBold(True)
        self.file_no_label.setFont(font)
        self.state_label = QLabel()
        self.category_label = QLabel()
        self.category_label.setStyleSheet("color: #8a1c12; font-weight: bold;")
        self.returned_label = QLabel()
        self.returned_label.setStyleSheet(ERROR_STYLE)
        self.returned_label.setWordWrap(True)
        self.returned_label.hide()
        top = QHBoxLayout()
        for w in (self.file_no_label, self.state_label, self.category_label):
            top.addWidget(w)
        top.addStretch(1)

        # ---- 家庭情况
        self.person_field = LookupField(self._search_people, self.tr("姓名、拼音首字母、身份证号或电话"))
        self.person_field.picked.connect(lambda *_: self._numbers_changed())
        if person_id is not None:
            self.person_field.set_value(person_id, person_name)
        self.new_person_button = QPushButton(self.tr("新建人员…"))
        self.new_person_button.setAutoDefault(False)
        self.new_person_button.clicked.connect(self.new_person)
        self.person_info = QLabel()
        self.person_info.setStyleSheet(HINT_STYLE)
        self.applied_edit = date_edit(clock.today())
        self.main_cause = combo(Cause.choices(), self.tr("（请选择）"))
        self.secondary = [combo(Cause.choices(), self.tr("（无）")) for _ in range(MAX_SECONDARY_CAUSES)]
        self.applicant_income = QLineEdit()
        self.other_income = QLineEdit()
        self.rigid_annual = QLineEdit()
        self.accident_cost = QLineEdit()
        self.accident_note = QLineEdit()
        for e, hint in ((self.applicant_income, "元/月"), (self.other_income, "元/月，如低保金、赡养费"),
                        (self.rigid_annual, "元/年，如医疗、教育支出"),
                        (self.accident_cost, "元，一次意外事件的支出")):
            e.setPlaceholderText(self.tr(hint))
            e.textEdited.connect(lambda _t: self._numbers_changed())
        self.members = RowsTable(MEMBER_COLUMNS, "添加家庭成员")
        self.members.changed.connect(self._numbers_changed)
        self.formula_label = QLabel(self.tr("填写收入和家庭成员后，这里显示按收入测算的困难类别及其算式。"))
        self.formula_label.setWordWrap(True)
        self.formula_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.formula_label.setStyleSheet(HINT_STYLE)
        self.category_combo = combo(HardshipCategory.choices(), self.tr("（待确认）"))
        self.category_combo.currentIndexChanged.connect(lambda _i: self._show_override())
        self.use_proposed_button = QPushButton(self.tr("采用测算结果"))
        self.use_proposed_button.setAutoDefault(False)
        self.use_proposed_button.clicked.connect(self.use_proposed)
        self.override_edit = QLineEdit()
        self.override_edit.setPlaceholderText(self.tr("与测算结果不同时必填：改定类别的理由"))

        person_row = QHBoxLayout()
        person_row.addWidget(self.person_field, 1)
        person_row.addWidget(self.new_person_button)
        causes_row = QHBoxLayout()
        causes_row.addWidget(self.main_cause)
        causes_row.addWidget(QLabel(self.tr("次要：")))
        for c in self.secondary:
            causes_row.addWidget(c)
        money = QGridLayout()
        pairs = (("申请人月收入", self.applicant_income), ("其他月收入", self.other_income),
                 ("刚性支出（年）", self.rigid_annual), ("意外事件支出", self.accident_cost))
        for n, (label, w) in enumerate(pairs):
            money.addWidget(QLabel(self.tr(label)), n // 2, (n % 2) * 2)
            money.addWidget(w, n // 2, (n % 2) * 2 + 1)
            self.fields[label] = w
        money.addWidget(QLabel(self.tr("意外事件说明")), 2, 0)
        money.addWidget(self.accident_note, 2, 1, 1, 3)
        category_row = QHBoxLayout()
        category_row.addWidget(self.category_combo)
        category_row.addWidget(self.use_proposed_button)
        category_row.addWidget(self.override_edit, 1)

        household = QWidget()
        form = QFormLayout()
        form.addRow(self.tr("申请人"), person_row)
        form.addRow("", self.person_info)
        form.addRow(self.tr("申请日期"), self.applied_edit)
        form.addRow(self.tr("致困原因"), causes_row)
        hl = QVBoxLayout(household)
        hl.addLayout(form)
        hl.addLayout(money)
        hl.addWidget(QLabel(self.tr("家庭成员（申请人本人不用填写；身份证号填写后即核对校验位）")))
        hl.addWidget(self.members, 1)
        hl.addWidget(self.formula_label)
        cat_form = QFormLayout()
        cat_form.addRow(self.tr("困难类别"), category_row)
        hl.addLayout(cat_form)
        self.fields.update({"申请人": self.person_field.edit, "申请日期": self.applied_edit,
                            "主要致困原因": self.main_cause, "次要致困原因": self.secondary[0],
                            "意外事件说明": self.accident_note, "困难类别": self.category_combo,
                            "改定类别理由": self.override_edit})

        # ---- 联系与账户
        self.address_edit = QLineEdit()
        self.phone_edit = QLineEdit()
        self.bank_edit = QLineEdit()
        self.account_edit = QLineEdit()
        self.account_edit.setPlaceholderText(self.tr("银行卡号或账号，8 至 30 位数字"))
        self.account_shown = QLabel()
        self.change_account_button = QPushButton(self.tr("修改账号"))
        self.change_account_button.setAutoDefault(False)
        self.change_account_button.clicked.connect(self.edit_account)
        self.note_edit = text_edit(80)
        account_row = QHBoxLayout()
        account_row.addWidget(self.account_edit, 1)
        account_row.addWidget(self.account_shown, 1)
        account_row.addWidget(self.change_account_button)
        self.account_shown.hide()
        self.change_account_button.hide()
        contact = QWidget()
        cf = QFormLayout(contact)
        cf.addRow(self.tr("家庭住址"), self.address_edit)
        cf.addRow(self.tr("联系电话"), self.phone_edit)
        cf.addRow(self.tr("开户银行"), self.bank_edit)
        cf.addRow(self.tr("银行账号"), account_row)
        cf.addRow(self.tr("备注"), self.note_edit)
        self.fields.update({"家庭住址": self.address_edit, "联系电话": self.phone_edit,
                            "开户银行": self.bank_edit, "银行账号": self.account_edit,
                            "备注": self.note_edit})

        # ---- 材料
        self.material_kind = combo(MaterialKind.choices())
        self.add_material_button = QPushButton(self.tr("添加材料…"))
        self.add_material_button.setAutoDefault(False)
        self.add_material_button.clicked.connect(self.add_materials)
        self.material_list = QListWidget()
        self.material_list.itemActivated.connect(
            lambda item: ops.open_material(self, self.ctx, item.data(Qt.ItemDataRole.UserRole),
                                           on_error=self._show_failure))
        materials = QWidget()
        ml = QVBoxLayout(materials)
        mrow = QHBoxLayout()
        mrow.addWidget(QLabel(self.tr("材料类别")))
        mrow.addWidget(self.material_kind)
        mrow.addWidget(self.add_material_button)
        mrow.addStretch(1)
        ml.addLayout(mrow)
        ml.addWidget(self.material_list, 1)
        ml.addWidget(QLabel(self.tr("双击打开；新档案保存后才能添加材料。")))

        # ---- 办理记录
        self.timeline = QTreeWidget()
        self.timeline.setHeaderLabels([self.tr("日期"), self.tr("事项"), self.tr("人员"),
                                       self.tr("结果"), self.tr("理由")])
        self.timeline.setRootIsDecorated(False)
        self.timeline.setAlternatingRowColors(True)
        self.timeline.header().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.reviews = QTreeWidget()
        self.reviews.setHeaderLabels([self.tr("复核日期"), self.tr("复核人"), self.tr("人均月收入"),
                                      self.tr("结论"), self.tr("理由"), self.tr("下次复核")])
        self.reviews.setRootIsDecorated(False)
        self.reviews.setMaximumHeight(120)
        history = QWidget()
        tl = QVBoxLayout(history)
        tl.addWidget(self.timeline, 1)
        tl.addWidget(QLabel(self.tr("复核记录")))
        tl.addWidget(self.reviews)

        self.tabs = QTabWidget()
        self.tabs.addTab(household, self.tr("家庭情况"))
        self.tabs.addTab(contact, self.tr("联系与账户"))
        self.tabs.addTab(materials, self.tr("材料"))
        self.tabs.addTab(history, self.tr("办理记录"))
        from ui.pages.hardship.payment_dialogs import FilePaymentsTab
        self.payments_tab = FilePaymentsTab(ctx)
        self.tabs.addTab(self.payments_tab, self.tr("帮扶记录"))

        # ---- steps and buttons
        self.buttons: dict[str, QPushButton] = {}
        steps = QHBoxLayout()
        for step in STEPS:
            b = QPushButton(self.tr(step.label))
            b.setAutoDefault(False)
            b.clicked.connect(lambda _c=False, k=step.key: self.open_action(k))
            self.buttons[step.key] = b
            steps.addWidget(b)
        self.error_label = QLabel()
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.hide()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.save_button = QPushButton(self.tr("保存"))
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        if not may_file:
            self.save_button.setEnabled(False)
            self.save_button.setToolTip(self.tr("需要「") + PERM_LABELS[Perm.FILE_HARDSHIP] + self.tr("」权限"))
        close = QPushButton(self.tr("关闭"))
        close.setAutoDefault(False)
        close.clicked.connect(self.close)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.save_button)
        bottom.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.returned_label)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(steps)
        layout.addWidget(self.error_label)
        layout.addLayout(bottom)

        self._propose_timer = QTimer(self, singleShot=True, interval=PROPOSE_DEBOUNCE_MS)
        self._propose_timer.timeout.connect(self.propose)
        fit_to_screen(self, QSize(1000, 660))
        self._apply_state()
        if file_id is not None:
            self.reload()

    # ------------------------------------------------------------ people

    def _search_people(self, parent: QWidget, text: str, on_done: OnDone, on_error: OnError):
        def rows(found) -> None:
            on_done([(m.id, "  ".join(p for p in (m.name, m.id_tail, m.phone, m.employer_name) if p),
                      m.name) for m, _when in found])
        return lookup_people(parent, self.ctx, text, 10, on_done=rows, on_error=on_error)

    def new_person(self):
        from ui.dialogs.person_dialog import PersonDialog
        dlg = PersonDialog(self.ctx, parent=self)
        text = self.person_field.text().strip()
        if text and not any(c.isdigit() for c in text):
            dlg.name_edit.setText(text)
        dlg.saved.connect(lambda rec: (self.person_field.set_value(rec.id, rec.name),
                                       self._numbers_changed()))
        dlg.open()
        return dlg

    # ------------------------------------------------------------ loading

    def reload(self) -> None:
        if self.file_id is None:
            return
        ops.load_file(self, self.ctx, self.file_id, on_done=self._loaded, on_error=self._show_failure)

    def _loaded(self, rec) -> None:
        self.record = rec
        self.file_id = rec.id
        self.setWindowTitle(self.tr("困难职工档案 ") + rec.file_no + " " + rec.person_name)
        self.file_no_label.setText(rec.file_no)
        self.state_label.setText(rec.state.label)
        self.category_label.setText(rec.category.label if rec.category else self.tr("类别待确认"))
        self.person_field.set_value(rec.person_id, rec.person_name)
        self.person_info.setText("  ".join(p for p in (rec.id_masked, rec.employer_name) if p))
        self.applied_edit.setDate(qdate(rec.applied_on))
        select(self.main_cause, rec.main_cause)
        for box, cause in zip(self.secondary, list(rec.secondary_causes) + [None] * 3):
            select(box, cause)
        self.applicant_income.setText(yuan_text(rec.applicant_income_fen))
        self.other_income.setText(yuan_text(rec.other_income_fen))
        self.rigid_annual.setText(yuan_text(rec.rigid_annual_fen))
        self.accident_cost.setText(yuan_text(rec.accident_cost_fen))
        self.accident_note.setText(rec.accident_note)
        self.members.set_rows([{
            "name": m.name, "relation": m.relation.value, "id_number": m.id_number or "",
            "monthly_income": yuan_text(m.monthly_income_fen), "health": m.health or None,
            "medical_insurance": m.medical_insurance or None, "work_status": m.work_status or None,
            "schooling": m.schooling or None} for m in rec.members])
        self.formula_label.setText(self.tr("测算：") + (rec.category_formula or "—"))
        self.proposal = None
        select(self.category_combo, rec.category)
        self.override_edit.setText(rec.category_override_reason)
        self.address_edit.setText(rec.address)
        self.phone_edit.setText(rec.phone)
        self.bank_edit.setText(rec.bank_name)
        self._account_changed = False
        self.account_edit.clear()
        self.account_shown.setText(rec.bank_account_masked or self.tr("（未填写）"))
        self.note_edit.setPlainText(rec.note)
        self.returned_label.setText(self.tr("已退回：") + rec.returned_reason)
        self.returned_label.setVisible(bool(rec.returned_reason) and rec.state is FileState.APPLIED)
        self.material_list.clear()
        for m in rec.materials:
            item = QListWidgetItem(f"{m.kind.label}：{m.filename}（{m.size // 1024 + 1} KB）")
            item.setData(Qt.ItemDataRole.UserRole, m.id)
            self.material_list.addItem(item)
        self.timeline.clear()
        for x in rec.steps:
            QTreeWidgetItem(self.timeline, [x.on.isoformat(), x.step.label, x.username, x.result,
                                            x.reason])
        for c in (0, 1, 2):
            self.timeline.resizeColumnToContents(c)
        self.reviews.clear()
        for v in rec.reviews:
            QTreeWidgetItem(self.reviews, [v.reviewed_on.isoformat(), v.reviewer,
                                           format_yuan(v.per_head_fen), v.decision.label, v.reason,
                                           v.next_due.isoformat() if v.next_due else "—"])
        self.payments_tab.show_file(rec)
        self.error_label.hide()
        self._apply_state()
        self.loaded.emit(rec)

    def _apply_state(self) -> None:
        """What may be edited in this state, and the step buttons."""
        rec = self.record
        state = rec.state if rec is not None else None
        new = self.file_id is None
        may_file = allowed(self.ctx.actor.role, Perm.FILE_HARDSHIP)
        numbers = may_file and (new or state in EDITABLE)
        contact = may_file and (new or state in EDITABLE or state is FileState.ACTIVE)
        self.person_field.edit.setReadOnly(not new)
        self.new_person_button.setVisible(new and may_file)
        for w in (self.applied_edit, self.main_cause, *self.secondary, self.category_combo,
                  self.use_proposed_button):
            w.setEnabled(numbers)
        for w in (self.applicant_income, self.other_income, self.rigid_annual, self.accident_cost,
                  self.accident_note, self.override_edit):
            w.setReadOnly(not numbers)
        self.members.set_read_only(not numbers)
        for w in (self.address_edit, self.phone_edit, self.bank_edit):
            w.setReadOnly(not contact)
        self.note_edit.setReadOnly(not contact)
        masked = rec is not None and not self._account_changed
        self.account_edit.setVisible(not masked)
        self.account_shown.setVisible(masked)
        self.change_account_button.setVisible(masked and contact)
        self.save_button.setEnabled((numbers or contact) and not self.busy)
        self.add_material_button.setEnabled(may_file and rec is not None
                                            and rec.refusals.get("edit") is None)
        self._show_override()
        if new:
            for b in self.buttons.values():
                b.setEnabled(False)
                b.setToolTip(self.tr("请先保存申请"))
            return
        # the record's refusals are the service's FILE_WORKFLOW on the file's facts (with its
        # category check for 审批建档), computed when the file was read
        update_step_buttons(self.buttons, STEPS, self.ctx.actor.role,
                            None if rec is None else rec.refusals.get)

    def edit_account(self) -> None:
        """修改账号: an empty field for the new number (the stored one is never shown whole)."""
        self._account_changed = True
        self.account_edit.clear()
        self._apply_state()
        self.account_edit.setFocus()

    # ------------------------------------------------------------ category

    def _numbers_changed(self) -> None:
        self._propose_timer.start()

    def _members_input(self) -> tuple:
        from app.services.hardship.files import MemberInput
        return tuple(MemberInput(name=r["name"], relation=r["relation"] or "",
                                 id_number=r["id_number"], monthly_income=r["monthly_income"] or "0",
                                 health=r["health"] or "", medical_insurance=r["medical_insurance"] or "",
                                 work_status=r["work_status"] or "", schooling=r["schooling"] or "")
                     for r in self.members.rows())

    def form_input(self):
        """The form as a ``FileInput`` (the service validates it)."""
        from app.services.hardship.files import FileInput
        secondary = tuple(c.currentData() for c in self.secondary if c.currentData())
        rec = self.record
        account = self.account_edit.text() if (rec is None or self._account_changed) else rec.bank_account
        return FileInput(
            person_id=self.person_field.selected_id, main_cause=self.main_cause.currentData() or "",
            secondary_causes=secondary, applicant_income=self.applicant_income.text(),
            other_income=self.other_income.text(), rigid_annual=self.rigid_annual.text(),
            accident_cost=self.accident_cost.text(), accident_note=self.accident_note.text(),
            members=self._members_input(), bank_name=self.bank_edit.text(), bank_account=account,
            address=self.address_edit.text(), phone=self.phone_edit.text(),
            applied_on=self.applied_edit.date().toPython(), note=self.note_edit.toPlainText())

    def propose(self) -> None:
        """Ask the service what the numbers propose (background); the formula shows under the table."""
        self._propose_timer.stop()
        if self.record is not None and self.record.state not in EDITABLE:
            return
        self._propose_ticket += 1
        ticket = self._propose_ticket
        data = self.form_input()
        if data.main_cause == "":
            from dataclasses import replace
            data = replace(data, main_cause=Cause.OTHER.value)   # the causes do not change the numbers
        ops.propose_category(self, self.ctx, data,
                             on_done=lambda p: self._proposed(ticket, p),
                             on_error=lambda e: self._propose_failed(ticket, e))

    def _proposed(self, ticket: int, proposal) -> None:
        if ticket != self._propose_ticket:
            return
        self.proposal = proposal
        self.formula_label.setStyleSheet("")
        head = (self.tr("建议类别：") + proposal.category.label) if proposal.category else \
            self.tr("按收入测算不符合困难职工认定条件")
        self.formula_label.setText(head + "\n" + self.tr("测算：") + proposal.formula)
        self._show_override()

    def _propose_failed(self, ticket: int, exc: BaseException) -> None:
        if ticket != self._propose_ticket:
            return
        self.proposal = None
        self.formula_label.setStyleSheet(ERROR_STYLE)
        if isinstance(exc, UserError):
            self.formula_label.setText(self.tr("暂不能测算：") + exc.message)
        else:
            log.warning("category proposal failed: %r", exc)
            self.formula_label.setText(self.tr("暂不能测算"))

    def proposed_category(self) -> str | None:
        if self.proposal is not None:
            return self.proposal.category.value if self.proposal.category else None
        if self.record is not None and self.record.proposed_category is not None:
            return self.record.proposed_category.value
        return None

    def use_proposed(self) -> None:
        select(self.category_combo, self.proposed_category())

    def _show_override(self) -> None:
        """The reason is asked for only when the chosen category differs from the proposal."""
        chosen = self.category_combo.currentData()
        differs = chosen is not None and chosen != self.proposed_category()
        self.override_edit.setEnabled(differs and self.category_combo.isEnabled())
        if not differs and self.category_combo.isEnabled():
            self.override_edit.clear()

    # ------------------------------------------------------------ saving

    def _clear_errors(self) -> None:
        self.error_label.hide()
        for w in self.fields.values():
            w.setStyleSheet("")

    def save(self) -> None:
        if self.busy:
            return
        self._clear_errors()
        self.message.clear()
        rec = self.record
        self.busy = True
        self.save_button.setEnabled(False)
        if rec is not None and rec.state is FileState.ACTIVE:
            account = self.account_edit.text() if self._account_changed else None
            ops.update_contact(self, self.ctx, rec.id, bank_name=self.bank_edit.text(),
                               bank_account=account, address=self.address_edit.text(),
                               phone=self.phone_edit.text(), note=self.note_edit.toPlainText(),
                               on_done=self._saved, on_error=self._save_failed)
            return
        ops.save_file(self, self.ctx, self.file_id, self.form_input(),
                      self.category_combo.currentData(), self.override_edit.text(),
                      on_done=self._saved, on_error=self._save_failed)

    def _saved(self, rec) -> None:
        self.busy = False
        new = self.file_id is None
        self._loaded(rec)
        self.message.setStyleSheet("")
        self.message.setText((self.tr("已提交申请，档案编号 ") if new else self.tr("已保存 "))
                             + rec.file_no)
        self.saved.emit(rec)

    def _save_failed(self, exc: BaseException) -> None:
        self.busy = False
        self._apply_state()
        self._show_failure(exc)

    def _show_failure(self, exc: BaseException) -> None:
        if not isinstance(exc, UserError):
            show_error(self, exc)
            return
        if isinstance(exc, ValidationError):
            rest = self.members.take_row_errors(exc.errors, MEMBER_ROW)
            lines, first = [], self.members.table if len(rest) < len(exc.errors) else None
            for field, msg in rest:
                lines.append(f"{field}：{msg}" if field else msg)
                w = self.fields.get(field)
                if w is not None:
                    w.setStyleSheet(FIELD_ERROR_STYLE)
                    first = first or w
            text = "\n".join(lines) if lines else self.tr("家庭成员有误，见表格下方的说明")
        else:
            text, first = exc.message, None
        self.error_label.setText(text)
        self.error_label.show()
        if first is not None:
            page = first
            while page is not None and self.tabs.indexOf(page) < 0:
                page = page.parentWidget()
            if page is not None:
                self.tabs.setCurrentWidget(page)
            first.setFocus()

    # ------------------------------------------------------------ materials

    def choose_files(self) -> list[str]:
        """The scans to attach (a dialog; tests replace it)."""
        return open_files(self, Purpose.ATTACHMENTS, self.tr("添加材料"),
                          self.tr("扫描件和照片 (*.pdf *.jpg *.jpeg *.png *.tif *.tiff);;所有文件 (*)"))

    def add_materials(self) -> None:
        if self.record is None:
            return
        paths = self.choose_files()
        if not paths:
            return
        ops.add_materials(self, self.ctx, self.record.id, self.material_kind.currentData(),
                          list(paths), on_done=lambda _r: self.reload(),
                          on_error=self._show_failure)
