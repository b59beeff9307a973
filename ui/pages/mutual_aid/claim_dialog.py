"""The claim form 互助保障申请, and 试算 (the same form, nothing saved, for a member on the phone).

Left: the member (found by ID number or name), the plan year, the event dates, diagnosis/tier,
hospital, amounts and documents. Right: the benefit computed by the plan's rule as the clerk types
— 「应给付 ¥280.00」 with the line a member can follow (「住院10天 − 免赔3天 = 7天 × ¥40 = ¥280.00」) or the
coded refusal 「不予给付：观察期内」 — and what the term has paid and leaves. A saved claim then goes
批准 / 不予给付 (manager) → 登记给付 (date, voucher); a step not allowed now is greyed out with the
reason as its tooltip (the role's permission, then the claim workflow the service checks too).

GUI thread only; every computation and write through ``ui.operations.mutual_aid`` (the live figure
is the service's ``quote``: the very computation a saved claim gets).
"""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (QComboBox, QDateEdit, QDialog, QDialogButtonBox, QFormLayout,
                               QGroupBox, QHBoxLayout, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QPushButton, QVBoxLayout, QWidget)

from app.domain.errors import UserError, ValidationError
from app.domain.money import format_yuan
from app.domain.mutual_aid import ClaimState, PlanKind
from app.domain.permissions import LABELS as PERM_LABELS
from app.domain.permissions import Perm, allowed
from app.services.mutual_aid.claims import ClaimInput
from ui.context import AppContext
from ui.dialogs.person_dialog import ErrorLabel
from ui.file_dialogs import Purpose, open_files
from ui.operations import mutual_aid as ma_ops
from ui.pages.mutual_aid.claim_steps import BLANK_DATE, StepDialog, date_edit as _date_edit
from ui.pages.mutual_aid.pickers import MemberPicker
from ui.step_buttons import permission_refusal
from ui.util import FIELD_ERROR_STYLE, HINT_STYLE, pydate, qdate
from ui.windows import fit_to_screen

QUOTE_DEBOUNCE_MS = 250
PAY_STYLE = "color: #1e7b34; font-size: 15pt; font-weight: bold;"
REFUSE_STYLE = "color: #b3261e; font-size: 15pt; font-weight: bold;"
# step key → (button label, permission)
STEPS = (("approve", "批准…", Perm.MA_APPROVE), ("refuse", "不予给付…", Perm.MA_APPROVE),
         ("pay", "登记给付…", Perm.MA_PAY))


def _day(edit: QDateEdit) -> date | None:
    return None if edit.date() == BLANK_DATE else pydate(edit.date())


def _yuan(fen: int | None) -> str:
    return "" if fen is None else f"{fen / 100:.2f}"


class ClaimDialog(QDialog):
    """``ClaimDialog(ctx)`` a new claim; ``ClaimDialog(ctx, claim_id)`` a saved one;
    ``ClaimDialog(ctx, quote_only=True)`` 试算. ``saved`` carries the ``ClaimRecord`` after any
    change (entered, corrected, documents added, decided, paid)."""

    saved = Signal(object)

    def __init__(self, ctx: AppContext, claim_id: int | None = None, parent: QWidget | None = None,
                 *, quote_only: bool = False, person_id: int | None = None,
                 plan_id: int | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.quote_only = quote_only
        self.claim = None                   # the saved ClaimRecord
        self.member = None                  # MemberRecord of the chosen person
        self.plan = None                    # PlanRecord of the chosen plan
        self.quote = None                   # the last Quote
        self.person_id: int | None = person_id
        self.wanted_plan_id = plan_id
        self.pending_docs: list[str] = []
        self.step_dialog: StepDialog | None = None
        self.busy = False
        self._quote_ticket = 0
        role = ctx.actor.role
        self.setWindowTitle(self.tr("试算（不保存）") if quote_only else
                            self.tr("互助保障申请") if claim_id else self.tr("新建互助保障申请"))

        # ---- the claim
        self.member_picker = MemberPicker(ctx)
        self.member_picker.picked.connect(lambda hit: self.choose_member(hit.person_id))
        self.member_label = QLabel()
        self.member_label.setWordWrap(True)
        self.member_label.setStyleSheet(HINT_STYLE)
        self.plan_combo = QComboBox()
        self.plan_combo.setMinimumContentsLength(26)
        self.received_edit = _date_edit(blank=False)
        self.event_edit = _date_edit()
        self.until_edit = _date_edit()
        self.tier_combo = QComboBox()
        self.cause_edit = QLineEdit()
        self.cause_edit.setPlaceholderText(self.tr("诊断或病因（同一病因30天内再次住院合并计算）"))
        self.hospital_edit = QLineEdit()
        self.claimed_edit = QLineEdit()
        self.claimed_edit.setPlaceholderText(self.tr("元"))
        self.oop_edit = QLineEdit()
        self.oop_edit.setPlaceholderText(self.tr("元，扣除医保统筹等后个人负担的部分"))
        self.form = QFormLayout()
        self.event_label = QLabel(self.tr("入院日期"))
        rows = [(QLabel(self.tr("参保人")), self.member_picker), (QLabel(""), self.member_label),
                (QLabel(self.tr("计划")), self.plan_combo),
                (QLabel(self.tr("受理日期")), self.received_edit), (self.event_label, self.event_edit),
                (QLabel(self.tr("出院日期")), self.until_edit), (QLabel(self.tr("病种")), self.tier_combo),
                (QLabel(self.tr("病因/诊断")), self.cause_edit), (QLabel(self.tr("医院")), self.hospital_edit),
                (QLabel(self.tr("医疗费用总额")), self.claimed_edit),
                (QLabel(self.tr("个人自付金额")), self.oop_edit)]
        self.row_labels: dict[QWidget, QLabel] = {}
        for label, widget in rows:
            self.form.addRow(label, widget)
            self.row_labels[widget] = label
        # field label (as the service names it) → widget, for focusing errors
        self.fields: dict[str, QWidget] = {
            "参保人": self.member_picker.edit, "受理日期": self.received_edit, "入院日期": self.event_edit,
            "确诊日期": self.event_edit, "出院日期": self.until_edit, "病种": self.tier_combo,
            "病因/诊断": self.cause_edit, "医院": self.hospital_edit, "医疗费用总额": self.claimed_edit,
            "个人自付金额": self.oop_edit}
        self.docs_list = QListWidget()
        self.docs_list.setMaximumHeight(90)
        self.docs_list.itemActivated.connect(self._open_document)
        self.add_docs_button = QPushButton(self.tr("添加材料…"))
        self.add_docs_button.setToolTip(self.tr("诊断证明、出院小结、费用清单等扫描件或照片"))
        self.add_docs_button.clicked.connect(self.add_documents)
        docs_row = QHBoxLayout()
        docs_row.addWidget(self.docs_list, 1)
        docs_row.addWidget(self.add_docs_button, 0, Qt.AlignmentFlag.AlignTop)
        self.docs_box = QGroupBox(self.tr("申请材料"))
        self.docs_box.setLayout(docs_row)
        claim_box = QGroupBox(self.tr("申请"))
        cl = QVBoxLayout(claim_box)
        cl.addLayout(self.form)
        cl.addStretch(1)

        # ---- the benefit
        self.rule_label = QLabel()
        self.rule_label.setWordWrap(True)
        self.rule_label.setStyleSheet(HINT_STYLE)
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.line_label = QLabel()
        self.line_label.setWordWrap(True)
        self.line_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.totals_label = QLabel()
        self.totals_label.setWordWrap(True)
        self.missing_label = QLabel()
        self.missing_label.setWordWrap(True)
        self.missing_label.setStyleSheet(HINT_STYLE)
        result_box = QGroupBox(self.tr("给付计算（按计划规则）"))
        rl = QVBoxLayout(result_box)
        for w in (self.rule_label, self.result_label, self.line_label, self.totals_label,
                  self.missing_label):
            rl.addWidget(w)
        rl.addStretch(1)
        self.state_label = QLabel()
        self.state_label.setWordWrap(True)
        self.state_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.state_box = QGroupBox(self.tr("办理情况"))
        QVBoxLayout(self.state_box).addWidget(self.state_label)
        self.state_box.hide()
        right = QVBoxLayout()
        right.addWidget(result_box, 1)
        right.addWidget(self.state_box)
        right.addWidget(self.docs_box)

        # ---- buttons
        self.step_buttons: dict[str, QPushButton] = {}
        steps_row = QHBoxLayout()
        for key, label, perm in STEPS:
            b = QPushButton(self.tr(label))
            b.clicked.connect(lambda _c=False, k=key: self.open_step(k))
            b.setProperty("perm", perm.value)
            self.step_buttons[key] = b
            steps_row.addWidget(b)
            b.hide()
        steps_row.addStretch(1)
        self.buttons = QDialogButtonBox()
        self.save_button = self.buttons.addButton(self.tr("保存"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button = self.buttons.addButton(self.tr("关闭"), QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.clicked.connect(self.save)
        self.close_button.clicked.connect(self.reject)
        steps_row.addWidget(self.buttons)
        self.error_label = ErrorLabel(self)
        self.may_enter = allowed(role, Perm.MA_CLAIM)
        if quote_only:
            self.save_button.hide()
            self.docs_box.hide()
            self.received_edit.setEnabled(False)
            self.row_labels[self.received_edit].hide()
            self.received_edit.hide()
        elif not self.may_enter:
            self.save_button.setEnabled(False)
            self.save_button.setToolTip(self.tr("需要「") + PERM_LABELS[Perm.MA_CLAIM] + self.tr("」权限"))

        self.banner = QLabel(self.tr("试算：按计划规则计算这笔申请现在能得到的给付，不保存任何内容。")
                             if quote_only else "")
        self.banner.setStyleSheet(HINT_STYLE)
        self.banner.setVisible(quote_only)
        columns = QHBoxLayout()
        columns.addWidget(claim_box, 1)
        columns.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(columns, 1)
        layout.addWidget(self.error_label)
        layout.addLayout(steps_row)

        self._quote_timer = QTimer(self, singleShot=True, interval=QUOTE_DEBOUNCE_MS)
        self._quote_timer.timeout.connect(self.recompute)
        for edit in (self.received_edit, self.event_edit, self.until_edit):
            edit.dateChanged.connect(lambda _d: self.changed())
        for edit in (self.cause_edit, self.hospital_edit, self.claimed_edit, self.oop_edit):
            edit.textChanged.connect(lambda _t: self.changed())
        self.tier_combo.currentIndexChanged.connect(lambda _i: self.changed())
        self.plan_combo.currentIndexChanged.connect(lambda _i: self._plan_chosen())
        self._configure(None)
        self._show_result(None)
        fit_to_screen(self, QSize(1040, 640))
        if claim_id is not None:
            self.member_picker.setEnabled(False)
            self.plan_combo.setEnabled(False)
            ma_ops.load_claim(self, ctx, claim_id, on_done=self.show_claim, on_error=self._failed)
        elif person_id is not None:
            self.choose_member(person_id)

    # ------------------------------------------------------------ member and plan

    def choose_member(self, person_id: int) -> None:
        self.person_id = person_id
        ma_ops.member_record(self, self.ctx, person_id, on_done=self._member_loaded, on_error=self._failed)

    def _member_loaded(self, member) -> None:
        self.member = member
        self.member_label.setText(f"{member.name}，{member.gender}，{member.id_masked}"
                                  + (f"，{member.age}周岁" if member.age is not None else "")
                                  + (f"，{member.employer_name}" if member.employer_name else ""))
        if self.claim is not None:
            self.member_picker.edit.setText(f"{member.name}（{member.id_masked}）")
        keep = self.wanted_plan_id if self.wanted_plan_id is not None else self.plan_combo.currentData()
        self.plan_combo.blockSignals(True)
        self.plan_combo.clear()
        for t in member.terms:
            self.plan_combo.addItem(f"{t.year} {t.plan_code} {t.plan_name} · {t.shares}份 · {t.state_label}",
                                    t.plan_id)
        if not member.terms:
            self.plan_combo.addItem(self.tr("（未参加互助保障）"), None)
        i = self.plan_combo.findData(keep) if keep is not None else -1
        self.plan_combo.setCurrentIndex(i if i >= 0 else 0)
        self.plan_combo.blockSignals(False)
        self._plan_chosen()

    def term(self):
        """The chosen plan year of the member (``MemberTerm``), or None."""
        pid = self.plan_combo.currentData()
        if self.member is None or pid is None:
            return None
        return next((t for t in self.member.terms if t.plan_id == pid), None)

    def _plan_chosen(self) -> None:
        pid = self.plan_combo.currentData()
        if pid is None:
            self.plan = None
            self._configure(None)
            self.changed()
            return
        if self.plan is not None and self.plan.id == pid:
            self._configure(self.plan)
            self.changed()
            return
        ma_ops.get_plan(self, self.ctx, pid, on_done=self._plan_loaded, on_error=self._failed)

    def _plan_loaded(self, plan) -> None:
        if plan.id != self.plan_combo.currentData():
            return
        self.plan = plan
        self._configure(plan)
        self.changed()

    def _configure(self, plan) -> None:
        """Show the fields the plan's rule reads: dates of a stay, a diagnosis tier, amounts."""
        kind = plan.kind if plan is not None else None
        self.rule_label.setText(f"{plan.code} {plan.name}：{plan.summary}" if plan else
                                self.tr("选择参保人和计划后，这里按计划规则显示给付金额和计算过程。"))
        self.event_label.setText(self.tr("确诊日期") if kind is PlanKind.LUMP else self.tr("入院日期"))
        show = {self.until_edit: kind is not PlanKind.LUMP,
                self.tier_combo: kind is PlanKind.LUMP,
                self.cause_edit: True, self.hospital_edit: kind is not PlanKind.LUMP,
                self.claimed_edit: kind is not PlanKind.LUMP,
                self.oop_edit: kind is PlanKind.REIMBURSE}
        for w, on in show.items():
            w.setVisible(on)
            self.row_labels[w].setVisible(on)
        keep = self.tier_combo.currentData()
        self.tier_combo.blockSignals(True)
        self.tier_combo.clear()
        self.tier_combo.addItem(self.tr("（请选择病种）"), None)
        if plan is not None:
            for t in plan.rule.tiers:
                self.tier_combo.addItem(f"{t.name}（{format_yuan(t.sum_fen)}/份）", t.name)
        i = self.tier_combo.findData(keep) if keep is not None else 0
        self.tier_combo.setCurrentIndex(max(0, i))
        self.tier_combo.blockSignals(False)

    # ------------------------------------------------------------ the live computation

    def claim_input(self) -> ClaimInput | None:
        pid = self.plan_combo.currentData()
        if self.person_id is None or pid is None:
            return None
        kind = self.plan.kind if self.plan is not None else None

        def shown(edit: QLineEdit) -> str:
            return edit.text() if not edit.isHidden() else ""
        return ClaimInput(
            plan_id=pid, person_id=self.person_id, event=_day(self.event_edit) or "",
            until=_day(self.until_edit) if kind is not PlanKind.LUMP else None,
            tier=self.tier_combo.currentData() or "" if kind is PlanKind.LUMP else "",
            cause=self.cause_edit.text(), hospital=shown(self.hospital_edit),
            claimed=shown(self.claimed_edit), out_of_pocket=shown(self.oop_edit),
            received_on=None if self.quote_only else _day(self.received_edit),
            documents=tuple(self.pending_docs))

    def editable(self) -> bool:
        return self.claim is None or self.claim.state is ClaimState.RECEIVED

    def changed(self) -> None:
        if self.editable():
            self._quote_timer.start()

    def recompute(self) -> None:
        """Ask the service for the benefit of what is on the form now (nothing saved)."""
        self._quote_timer.stop()
        data = self.claim_input()
        self._quote_ticket += 1
        ticket = self._quote_ticket
        if data is None:
            self._show_result(None)
            return
        ma_ops.quote_claim(self, self.ctx, data, on_done=lambda q: self._quoted(ticket, q),
                           on_error=lambda e: self._quote_failed(ticket, e))

    def _quoted(self, ticket: int, quote) -> None:
        if ticket != self._quote_ticket:
            return
        self.quote = quote
        self._show_result(quote)

    def _quote_failed(self, ticket: int, exc: BaseException) -> None:
        if ticket != self._quote_ticket:
            return
        self.quote = None
        self.result_label.setText("")
        self.line_label.setText("")
        if isinstance(exc, ValidationError):
            self.missing_label.setText(self.tr("填完以下各项即可算出给付：\n")
                                       + "\n".join(f"{f}：{m}" if f else m for f, m in exc.errors))
        else:
            self._failed(exc)

    def _show_result(self, q) -> None:
        self.missing_label.setText("")
        if q is None:
            self.result_label.setText("")
            self.line_label.setText("")
            self.totals_label.setText("")
            if self.claim is None and self.person_id is None:
                self.missing_label.setText(self.tr("先输入身份证号或姓名，选出参保人。"))
            return
        self.show_amount(q.amount_fen, q.refusal, q.line)
        self.totals_label.setText(self.totals_text(q.totals, q.cover_start, q.waiting_end))

    def show_amount(self, amount_fen: int, refusal, line: str) -> None:
        if refusal is not None:
            self.result_label.setText(self.tr("不予给付：") + refusal.label)
            self.result_label.setStyleSheet(REFUSE_STYLE)
        else:
            self.result_label.setText(self.tr("应给付 ") + format_yuan(amount_fen))
            self.result_label.setStyleSheet(PAY_STYLE)
        self.line_label.setText(line)

    def totals_text(self, totals, cover_start=None, waiting_end=None) -> str:
        parts = []
        if cover_start is not None:
            parts.append(self.tr("保障自 ") + cover_start.isoformat()
                         + (self.tr("，观察期至 ") + waiting_end.isoformat() if waiting_end else ""))
        if totals is not None:
            text = self.tr("本期已给付 ") + format_yuan(totals.paid_fen)
            if totals.cap_fen is not None:
                text += (self.tr("，最高 ") + format_yuan(totals.cap_fen) + self.tr("，剩余额度 ")
                         + format_yuan(totals.remaining_fen))
            parts.append(text)
        return "\n".join(parts)

    # ------------------------------------------------------------ a saved claim

    def show_claim(self, rec) -> None:
        self.claim = rec
        self.person_id = rec.person_id
        self.wanted_plan_id = rec.plan_id
        self.setWindowTitle(self.tr("互助保障申请 ") + rec.claim_no)
        self.member_picker.setEnabled(False)
        self.plan_combo.setEnabled(False)
        self._quote_timer.stop()
        self._quote_ticket += 1                     # an answer on its way is for the old form
        for edit, day in ((self.received_edit, rec.received_on), (self.event_edit, rec.event_date),
                          (self.until_edit, rec.until_date)):
            edit.blockSignals(True)
            edit.setDate(qdate(day) if day else BLANK_DATE)
            edit.blockSignals(False)
        for edit, text in ((self.cause_edit, rec.cause), (self.hospital_edit, rec.hospital),
                           (self.claimed_edit, _yuan(rec.claimed_fen)),
                           (self.oop_edit, _yuan(rec.out_of_pocket_fen))):
            edit.blockSignals(True)
            edit.setText(text)
            edit.blockSignals(False)
        if self.plan is None or self.plan.id != rec.plan_id:
            ma_ops.get_plan(self, self.ctx, rec.plan_id, on_done=lambda p: self._saved_plan(p, rec),
                            on_error=self._failed)
        else:
            self._saved_plan(self.plan, rec)
        if self.member is None or self.member.person_id != rec.person_id:
            self.choose_member(rec.person_id)
        self.pending_docs = []
        self.docs_list.clear()
        for d in rec.documents:
            item = QListWidgetItem(f"{d.filename}（{d.size // 1024 + 1} KB）")
            item.setData(Qt.ItemDataRole.UserRole, d.id)
            self.docs_list.addItem(item)
        self.show_amount(rec.benefit_fen, rec.refusal if rec.state is not ClaimState.PAID else None,
                         rec.explanation)
        if rec.state is ClaimState.REFUSED:
            self.result_label.setText(self.tr("不予给付：") + rec.refusal_label)
            self.result_label.setStyleSheet(REFUSE_STYLE)
        elif rec.state in (ClaimState.APPROVED, ClaimState.PAID):
            self.result_label.setText((self.tr("已给付 ") if rec.state is ClaimState.PAID else
                                       self.tr("核定给付 ")) + format_yuan(rec.benefit_fen))
            self.result_label.setStyleSheet(PAY_STYLE)
        self.totals_label.setText(self.totals_text(rec.totals))
        self.missing_label.setText("")
        self.state_label.setText(self.state_text(rec))
        self.state_box.show()
        editable = rec.state is ClaimState.RECEIVED and self.may_enter
        for w in (self.received_edit, self.event_edit, self.until_edit, self.tier_combo, self.cause_edit,
                  self.hospital_edit, self.claimed_edit, self.oop_edit):
            w.setEnabled(editable)
        self.save_button.setVisible(rec.state is ClaimState.RECEIVED)
        self.save_button.setEnabled(editable)
        self.save_button.setText(self.tr("保存修改"))
        self._show_steps(rec)

    def _saved_plan(self, plan, rec) -> None:
        self.plan = plan
        self._configure(plan)
        self.tier_combo.blockSignals(True)
        i = self.tier_combo.findData(rec.tier) if rec.tier else 0
        self.tier_combo.setCurrentIndex(max(0, i))
        self.tier_combo.blockSignals(False)

    def state_text(self, rec) -> str:
        lines = [self.tr("编号 ") + rec.claim_no + self.tr("，状态：") + rec.state_label
                 + self.tr("，受理日期 ") + rec.received_on.isoformat()]
        if rec.decided_on:
            what = self.tr("不予给付") if rec.state is ClaimState.REFUSED else self.tr("批准")
            lines.append(f"{rec.decided_on.isoformat()} {rec.decided_by} {what}"
                         + (f"：{rec.decision_note}" if rec.decision_note else ""))
        if rec.paid_on:
            lines.append(self.tr("给付日期 ") + rec.paid_on.isoformat() + self.tr("，凭证号 ") + rec.voucher)
        return "\n".join(lines)

    def step_refusal(self, key: str) -> str | None:
        """Why step ``key`` may not be taken now: the role first, then the claim's workflow."""
        why = permission_refusal(self.ctx.actor.role, next(p for k, _l, p in STEPS if k == key))
        if why is not None:
            return why
        return self.claim.steps.get(key) if self.claim is not None else self.tr("请先保存申请")

    def _show_steps(self, rec) -> None:
        for key, b in self.step_buttons.items():
            why = self.step_refusal(key)
            b.setVisible(True)
            b.setEnabled(why is None and not self.busy)
            b.setToolTip(why or "")
        self.add_docs_button.setEnabled(rec.steps.get("attach") is None and self.may_enter)
        self.add_docs_button.setToolTip(rec.steps.get("attach") or "")

    # ------------------------------------------------------------ saving and the steps

    def save(self) -> None:
        if self.quote_only or self.busy:
            return
        data = self.claim_input()
        if data is None:
            self.error_label.show_errors([("参保人", "请先选出参保人和计划")])
            return
        self._begin()
        if self.claim is None:
            ma_ops.enter_claim(self, self.ctx, data, on_done=self._saved, on_error=self._save_failed)
        else:
            ma_ops.update_claim(self, self.ctx, self.claim.id, data, on_done=self._saved,
                                on_error=self._save_failed)

    def _begin(self) -> None:
        self.busy = True
        self.save_button.setEnabled(False)
        for b in self.step_buttons.values():
            b.setEnabled(False)
        for w in self.fields.values():
            w.setStyleSheet("")
        self.error_label.clear_errors()

    def _saved(self, rec) -> None:
        self.busy = False
        self.show_claim(rec)
        self.saved.emit(rec)

    def _save_failed(self, exc: BaseException) -> None:
        self.busy = False
        self.save_button.setEnabled(True)
        if self.claim is not None:
            self._show_steps(self.claim)
        if isinstance(exc, ValidationError):
            self.error_label.show_errors(exc.errors)
            first = None
            for field in exc.fields:
                w = self.fields.get(field)
                if w is not None:
                    w.setStyleSheet(FIELD_ERROR_STYLE)
                    first = first or w
            if first is not None:
                first.setFocus(Qt.FocusReason.OtherFocusReason)
        elif isinstance(exc, UserError):
            self.error_label.show_errors([("", exc.message)])
        else:
            self._failed(exc)

    def open_step(self, key: str) -> StepDialog | None:
        if self.claim is None or self.step_refusal(key) is not None:
            return None
        dlg = StepDialog(key, self.claim, self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.accepted.connect(lambda: self.take_step(key, dlg))
        self.step_dialog = dlg
        dlg.open()
        return dlg

    def take_step(self, key: str, dlg: StepDialog) -> None:
        cid = self.claim.id
        self._begin()
        if key == "approve":
            ma_ops.approve_claim(self, self.ctx, cid, dlg.note(), on_done=self._saved,
                                 on_error=self._save_failed)
        elif key == "refuse":
            ma_ops.refuse_claim(self, self.ctx, cid, dlg.reason_combo.currentData(), dlg.note(),
                                on_done=self._saved, on_error=self._save_failed)
        else:
            ma_ops.pay_claim(self, self.ctx, cid, pydate(dlg.date_edit.date()), dlg.voucher_edit.text(),
                             on_done=self._saved, on_error=self._save_failed)

    # ------------------------------------------------------------ documents

    def ask_document_paths(self) -> list[str]:
        return open_files(self, Purpose.ATTACHMENTS, self.tr("选择申请材料"),
                          self.tr("扫描件和照片 (*.pdf *.jpg *.jpeg *.png *.tif *.tiff);;所有文件 (*)"))

    def add_documents(self) -> None:
        paths = self.ask_document_paths()
        if not paths:
            return
        if self.claim is None:                      # saved together with the claim
            for p in paths:
                if p not in self.pending_docs:
                    self.pending_docs.append(p)
                    self.docs_list.addItem(p.replace("\\", "/").rsplit("/", 1)[-1] + self.tr("（保存时一并提交）"))
            return
        self._begin()
        ma_ops.add_claim_documents(self, self.ctx, self.claim.id, paths, on_done=self._saved,
                                   on_error=self._save_failed)

    def _open_document(self, item: QListWidgetItem) -> None:
        doc_id = item.data(Qt.ItemDataRole.UserRole)
        if doc_id is not None:
            ma_ops.open_claim_document(self, self.ctx, doc_id, on_error=self._failed)

    # ------------------------------------------------------------ errors

    def _failed(self, exc: BaseException) -> None:
        self.error_label.show_errors([("", exc.message if isinstance(exc, UserError)
                                       else f"{type(exc).__name__}: {exc}")])

