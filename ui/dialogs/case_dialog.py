"""The case page (案件办理): header, deadline state in colour, timeline, and one button per step.

GUI thread only. ``CaseDialog(ctx, case_id)`` loads the case and its timeline through
``ui.operations.cases.load_case``. Each step is a small ``ActionDialog`` that starts ONE operation
of ``ui.operations.cases`` (which announces {"cases"}); the service checks the
permission and the state and refuses illegal steps with a Chinese message, which stays in the
action dialog's red error label (the dialog stays open, nothing was written); ``ui.dialogs.action_dialog``.

A step's button is enabled by the signed-in role (``app.domain.permissions``) and by the case
workflow table (``app.domain.workflow.CASE_WORKFLOW``: state and flags × step → refusal), the very
table the service checks; a disabled button's tooltip gives the reason (the permission needed, or
the service's refusal text). The service still enforces both.

Notices 文书: the 「文书」 tab (beside 「办理记录」) lists every notice of the case and its registration
(``ui.dialogs.notices_panel.NoticesPanel``). After 交办, an approved extension and 办结 an inline
offer bar proposes the matching notice (交办单, 延期告知书, 信访事项处理意见书) without a modal box. The
书面告知期限 field counts the acceptance notice's statutory 15 days until it is delivered.
"""
from __future__ import annotations

import html
import logging
from datetime import date
from typing import Any, Callable

from PySide6.QtCore import QDate, QSize, Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDateEdit, QDialog, QGridLayout, QHBoxLayout, QHeaderView, QLabel,
                               QLineEdit, QListWidget, QListWidgetItem,
                               QPushButton, QScrollArea, QSpinBox, QTabWidget, QTreeWidget,
                               QTreeWidgetItem, QVBoxLayout, QWidget)

from app.domain import clock
from app.domain.case_clock import DeadlineState
from app.domain.enums import (LEADER_IN_CHARGE_LABEL, OPEN_STATUSES, AssigneeKind, FollowUp, ListFlag,
                              Measure, Outcome, SuspendReason)
from app.domain.money import format_yuan
from app.domain.notices import NoticeKind
from app.domain.permissions import LABELS as PERM_LABELS
from app.domain.permissions import Perm, allowed
from app.domain.workflow import CASE_WORKFLOW, case_facts
from ui.context import AppContext
from ui.dialogs.action_dialog import ActionDialog, Start
from ui.dialogs.notices_panel import NoticesPanel, OfferBar
from ui.file_dialogs import Purpose, open_files
from ui.operations import OnDone, OnError, Operation
from ui.operations import cases as ops
from ui.operations import intake as intake_ops
from ui.step_buttons import Step, step_refusal, update_step_buttons, workflow_refusals
from ui.util import DEADLINE_COLOURS, ERROR_STYLE, combo, text_edit
from ui.windows import fit_to_screen

log = logging.getLogger(__name__)



def state_style(state: DeadlineState | str | None) -> str:
    """Colour of a deadline state label (the case list uses the same)."""
    try:
        colour = DEADLINE_COLOURS[DeadlineState(state)]
    except (ValueError, KeyError):
        return ""
    return f"color: {colour}; font-weight: bold;"


def _d(d: date | None) -> str:
    return d.isoformat() if d else "—"


NOTICE_SOON_DAYS = 2     # 即将到期 for the written-notice limit: at most this many days left


def notice_limit(due: date | None, delivered_on: date | None,
                 today: date | None = None, closed: bool = False) -> tuple[str, DeadlineState | None]:
    """The 书面告知期限 field: 「2026-11-25（未送达，剩 2 天）」 coloured by how near it is, or
    「已于 2026-11-20 送达」 once the 受理告知书 was delivered (the clock stops there). On a closed
    case (办结 and after) no countdown: 「2026-11-25（未送达）」, uncoloured."""
    if delivered_on is not None:
        return f"已于 {_d(delivered_on)} 送达", None
    if due is None:
        return "—", None
    if closed:
        return f"{_d(due)}（未送达）", None
    left = (due - (today or clock.today())).days
    if left < 0:
        return f"{_d(due)}（未送达，已超期 {-left} 天）", DeadlineState.OVERDUE
    if left == 0:
        return f"{_d(due)}（未送达，今天到期）", DeadlineState.DUE_SOON
    state = DeadlineState.DUE_SOON if left <= NOTICE_SOON_DAYS else None
    return f"{_d(due)}（未送达，剩 {left} 天）", state


def flags_text(rec) -> str:
    """The flags beside the case number, each label from app.domain (ListFlag, DeadlineState)."""
    flags = [flag.label for flag, on in ((ListFlag.SUPERVISED, rec.supervised),
                                         (ListFlag.FOCUS, rec.focus)) if on]
    if rec.leader_in_charge:
        flags.append(LEADER_IN_CHARGE_LABEL + "：" + rec.leader_in_charge)
    if rec.suspended:
        flags.append(DeadlineState.SUSPENDED.label)
    if rec.is_group:
        flags.append(f"{ListFlag.GROUP_VISIT.label} {rec.head_count} 人")
    return "  ".join(flags)


def details_html(rec) -> str:
    """The 登记内容 tab: received, channel, group, issue types, and the summary, request and facts
    in full (line breaks kept)."""
    def para(text: str) -> str:
        return html.escape(text or "—").replace("\n", "<br>")
    rows = [("收到时间", f"{rec.received_at:%Y-%m-%d %H:%M}"), ("信访方式", rec.channel_label),
            ("诉求类别", rec.category_label), ("问题类型", "、".join(rec.issue_labels) or "—")]
    if rec.is_group:
        rows.append(("人数", f"集体访 {rec.head_count} 人"))
    head = "".join(f"<tr><td style='color:#555; padding-right:12px'>{k}</td><td>{html.escape(v)}</td></tr>"
                   for k, v in rows)
    body = "".join(f"<p><b>{k}</b><br>{para(v)}</p>" for k, v in
                   (("事项摘要", rec.summary), ("诉求", rec.request), ("事实和理由", rec.facts)))
    return f"<table>{head}</table>{body}"


STEPS: tuple[Step, ...] = (
    Step("assign", "交办", Perm.ASSIGN_CASE),
    Step("note", "记录进展", Perm.HANDLE_CASE),
    Step("measure", "办理措施", Perm.HANDLE_CASE),
    Step("result", "追回金额", Perm.HANDLE_CASE),
    Step("request_extension", "申请延期", Perm.HANDLE_CASE),
    Step("decide_extension", "审批延期", Perm.APPROVE_EXTENSION),
    Step("suspend", "中止", Perm.HANDLE_CASE),
    Step("flags", "/".join((ListFlag.SUPERVISED.label, ListFlag.FOCUS.label, LEADER_IN_CHARGE_LABEL)),
         Perm.FLAG_CASE),
    Step("conclude", "办结", Perm.HANDLE_CASE),
    Step("follow_up", "回访", Perm.FOLLOW_UP),
    Step("reopen", "重新办理", Perm.REOPEN_ARCHIVE),
    Step("archive", "归档", Perm.REOPEN_ARCHIVE),
)


# The notice offered after a step (the decision it records).
OFFERS: dict[str, NoticeKind] = {
    "assign": NoticeKind.ASSIGN,
    "decide_extension": NoticeKind.EXTEND,
    "conclude": NoticeKind.REPLY,
}


class CaseDialog(QDialog):
    """The case page. ``record`` is the loaded ``CaseRecord`` (None until loaded); ``events`` the
    timeline. ``action`` is the step dialog last opened (tests drive it)."""

    loaded = Signal(object)

    def __init__(self, ctx: AppContext, case_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.case_id = case_id
        self.record = None
        self.events: list = []
        self.action: ActionDialog | None = None
        self.setWindowTitle(self.tr("案件"))

        self.case_no_label = QLabel("…")
        font = self.case_no_label.font()
        font.setPointSize(font.pointSize() + 3)
        font.setBold(True)
        self.case_no_label.setFont(font)
        self.status_label = QLabel()
        self.state_label = QLabel()
        self.flags_label = QLabel()
        self.flags_label.setStyleSheet("color: #8a1c12;")
        self.reg_no_label = QLabel()
        self.person_label = QLabel()
        self.employer_label = QLabel()
        self.due_label = QLabel()
        self.notice_label = QLabel()
        self.handler_label = QLabel()
        self.extension_label = QLabel()
        self.result_label = QLabel()
        self.outcome_label = QLabel()
        self.outcome_label.setWordWrap(True)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        for lbl in (self.reg_no_label, self.person_label, self.employer_label, self.summary_label,
                    self.case_no_label):
            lbl.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        top = QHBoxLayout()
        top.addWidget(self.case_no_label)
        top.addWidget(self.status_label)
        top.addWidget(self.state_label)
        top.addWidget(self.flags_label)
        top.addStretch(1)
        grid = QGridLayout()
        pairs = (("登记编号", self.reg_no_label), ("信访人", self.person_label),
                 ("用人单位", self.employer_label), ("承办", self.handler_label),
                 ("办结期限", self.due_label), ("书面告知期限", self.notice_label),
                 ("延期", self.extension_label), ("追回金额", self.result_label))
        for n, (caption, widget) in enumerate(pairs):
            grid.addWidget(QLabel(caption + "："), n // 2, (n % 2) * 2)
            grid.addWidget(widget, n // 2, (n % 2) * 2 + 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)

        self.offer_bar = OfferBar(ctx)
        self.offer_bar.issued.connect(lambda _rec: self.notices.reload())
        self.timeline = QTreeWidget()
        self.timeline.setHeaderLabels([self.tr("时间"), self.tr("人员"), self.tr("事项"),
                                       self.tr("内容")])
        self.timeline.setRootIsDecorated(False)
        self.timeline.setAlternatingRowColors(True)
        self.timeline.header().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.notices = NoticesPanel(ctx, case_id=case_id)
        self.notices.changed.connect(self.reload)   # a delivered 受理告知书 stops the notice clock
        # 登记内容: what the petitioner asked and why, in full (the header shows the summary only)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setContentsMargins(8, 8, 8, 8)
        details_scroll = QScrollArea()
        details_scroll.setWidgetResizable(True)
        details_scroll.setWidget(self.details)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.timeline, self.tr("办理记录"))
        self.tabs.addTab(details_scroll, self.tr("登记内容"))
        self.tabs.addTab(self.notices, self.tr("文书"))

        self.attachments_caption = QLabel(self.tr("附件：无"))
        self.attach_button = QPushButton(self.tr("添加附件…"))
        self.attach_button.setAutoDefault(False)
        self.attach_button.clicked.connect(self.add_attachments)
        if not allowed(ctx.actor.role, Perm.REGISTER):
            self.attach_button.setEnabled(False)
            self.attach_button.setToolTip(self.tr("需要「") + PERM_LABELS[Perm.REGISTER] + self.tr("」权限"))
        self.attachments = QListWidget()
        self.attachments.setMaximumHeight(60)
        self.attachments.itemActivated.connect(self._open_attachment)
        self.attachments.hide()

        self.buttons: dict[str, QPushButton] = {}
        button_grid = QGridLayout()
        for n, step in enumerate(STEPS):
            b = QPushButton(self.tr(step.label))
            b.setAutoDefault(False)
            b.clicked.connect(lambda _c=False, k=step.key: self.open_action(k))
            self.buttons[step.key] = b
            button_grid.addWidget(b, n // 6, n % 6)
        self.error_label = QLabel()
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        close = QPushButton(self.tr("关闭"))
        close.setAutoDefault(False)
        close.clicked.connect(self.close)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.offer_bar)
        layout.addLayout(grid)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.outcome_label)
        attach_row = QHBoxLayout()
        attach_row.addWidget(self.attachments_caption)
        attach_row.addStretch(1)
        attach_row.addWidget(self.attach_button)
        layout.addLayout(attach_row)
        layout.addWidget(self.attachments)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(button_grid)
        layout.addWidget(self.error_label)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(close)
        layout.addLayout(bottom)
        fit_to_screen(self, QSize(860, 620))
        self._update_buttons()
        self.reload()

    # ------------------------------------------------------------ loading

    def reload(self) -> None:
        ops.load_case(self, self.ctx, self.case_id, on_done=self._loaded, on_error=self._load_failed)

    def _load_failed(self, exc: BaseException) -> None:
        self.error_label.setText(getattr(exc, "message", str(exc)))
        self.error_label.show()

    def _loaded(self, answer) -> None:
        rec, events, files = answer
        self.attachments.clear()
        for a in files:
            item = QListWidgetItem(f"{a.filename}（{a.size // 1024 + 1} KB）")
            item.setData(Qt.ItemDataRole.UserRole, a.id)
            self.attachments.addItem(item)
        self.attachments.setVisible(bool(files))
        self.attachments_caption.setText(self.tr("附件（双击打开）") if files else self.tr("附件：无"))
        self.record, self.events = rec, list(events)
        self.setWindowTitle(self.tr("案件 ") + rec.case_no)
        self.case_no_label.setText(rec.case_no)
        self.status_label.setText(rec.status_label)
        self.state_label.setText(rec.state_label)
        self.state_label.setStyleSheet(state_style(rec.state))
        self.flags_label.setText(flags_text(rec))
        self.reg_no_label.setText(rec.reg_no)
        self.person_label.setText(rec.person_name or "—")
        self.employer_label.setText(rec.employer_name or "—")
        handler = rec.assignee_label
        if handler and rec.assignee_kind is not None:
            handler = f"{rec.assignee_kind.label}：{handler}"
            if rec.feedback_due:
                handler += f"（反馈期限 {_d(rec.feedback_due)}）"
        self.handler_label.setText(handler or self.tr("未交办"))
        self.due_label.setText(_d(rec.due_date) if rec.due_date else
                               (self.tr("中止中") if rec.suspended else "—"))
        text, state = notice_limit(rec.notice_due, rec.notice_delivered_on,
                                   closed=rec.status not in OPEN_STATUSES)
        self.notice_label.setText(text)
        self.notice_label.setStyleSheet(state_style(state) if state is not None else "")
        self.extension_label.setText(rec.extension_label or "—")
        self.result_label.setText(f"{format_yuan(rec.recovered_fen)}，受益职工 {rec.workers_benefited} 人")
        self.summary_label.setText(self.tr("事项摘要：") + rec.summary)
        self.details.setText(details_html(rec))
        outcome = []
        if rec.outcome is not None:
            outcome.append(f"处理意见：{rec.outcome_label}（{_d(rec.concluded_on)}）{rec.outcome_text}")
        if rec.followup_result is not None:
            outcome.append(f"回访：{rec.followup_label}（{_d(rec.followup_on)}）{rec.followup_note}")
        self.outcome_label.setText("\n".join(outcome))
        self.outcome_label.setVisible(bool(outcome))
        self.timeline.clear()
        for e in self.events:
            QTreeWidgetItem(self.timeline, [e.at.strftime("%Y-%m-%d %H:%M"), e.user_name,
                                            e.kind_label, e.text])
        for c in range(3):
            self.timeline.resizeColumnToContents(c)
        self.error_label.hide()
        self._update_buttons()
        self.loaded.emit(rec)

    def choose_files(self) -> list[str]:
        """The files to attach (a dialog; tests replace it)."""
        return open_files(self, Purpose.ATTACHMENTS, self.tr("添加附件"), self.tr("所有文件 (*)"))

    def add_attachments(self) -> None:
        """添加附件…: evidence that arrives after registration (工资条, 劳动合同…), stored with the
        case's registration, all chosen files or none."""
        if self.record is None:
            return
        paths = self.choose_files()
        if not paths:
            return
        self.attach_button.setEnabled(False)

        def done(_records) -> None:
            self.attach_button.setEnabled(True)
            self.reload()

        def failed(exc: BaseException) -> None:
            self.attach_button.setEnabled(True)
            self._load_failed(exc)
        intake_ops.add_attachments(self, self.ctx, self.record.registration_id, list(paths),
                                   on_done=done, on_error=failed)

    def _open_attachment(self, item: QListWidgetItem) -> None:
        intake_ops.open_attachment(self.ctx, self, item.data(Qt.ItemDataRole.UserRole),
                                   on_error=self._load_failed)

    def step_refusal(self, key: str) -> str | None:
        """Why step ``key`` may not be taken now — the role's permission, then the case workflow
        table the service checks too (``app.domain.workflow``) — or None when it may."""
        step = next(s for s in STEPS if s.key == key)
        return step_refusal(self.ctx.actor.role, step, self._workflow_refusal(),
                            self.tr("正在读取案件…"))

    def _workflow_refusal(self):
        """The case workflow's refusal of a step key (None while the case is loading)."""
        rec = self.record
        if rec is None:
            return None
        refusal_of = workflow_refusals(CASE_WORKFLOW, case_facts(
            case_no=rec.case_no, state=rec.status, suspended=rec.suspended,
            extended=rec.extended, extension=rec.extension_status))
        # the same button resumes a suspended case
        return lambda key: refusal_of("resume" if key == "suspend" and rec.suspended else key)

    def _update_buttons(self) -> None:
        """Each step's button is enabled exactly when the step may be taken; a disabled one says
        why in its tooltip."""
        rec = self.record
        update_step_buttons(self.buttons, STEPS, self.ctx.actor.role, self._workflow_refusal(),
                            self.tr("正在读取案件…"))
        if rec is not None:
            self.buttons["assign"].setText(self.tr("改派") if rec.assignee_kind else self.tr("交办"))
            self.buttons["suspend"].setText(self.tr("恢复") if rec.suspended else self.tr("中止"))

    # ------------------------------------------------------------ steps

    def open_action(self, key: str) -> ActionDialog:
        """Open the small dialog of step ``key`` (see ``STEPS``) and return it."""
        dlg = getattr(self, "_make_" + key)()
        dlg.done.connect(lambda _rec: self.reload())
        if key in OFFERS:
            dlg.done.connect(lambda _rec, d=dlg: self._offer_after(key, d))
        self.action = dlg
        dlg.open()
        return dlg

    def _offer_after(self, key: str, dlg: ActionDialog) -> None:
        """The decision of step ``key`` was taken: offer its notice (an extension only when
        approved)."""
        if key == "decide_extension" and not dlg.values().get("approve"):
            return
        self.offer_bar.offer(OFFERS[key], case_id=self.case_id)

    def _call(self, step: Callable[..., Operation]) -> Start:
        """Start ``step`` (an operation of ``ui.operations.cases``) on this case with the dialog's
        values as keyword arguments."""
        ctx, case_id = self.ctx, self.case_id

        def start(parent: QWidget, values: dict[str, Any], on_done: OnDone, on_error: OnError):
            return step(parent, ctx, case_id, **values, on_done=on_done, on_error=on_error)
        return start

    def _make_assign(self) -> ActionDialog:
        kind = combo(AssigneeKind.choices())
        handler = QComboBox()
        handler.addItem(self.tr("（请选择承办人）"), None)
        name = QLineEdit()
        name.setPlaceholderText(self.tr("部门或下级工会名称"))
        feedback = QDateEdit()
        feedback.setCalendarPopup(True)
        feedback.setDisplayFormat("yyyy-MM-dd")
        feedback.setSpecialValueText(self.tr("（默认）"))
        feedback.setMinimumDate(QDate(2000, 1, 1))
        feedback.setDate(feedback.minimumDate())
        note = text_edit(60)

        def kind_changed(_i=0) -> None:
            name.setEnabled(kind.currentData() != AssigneeKind.HANDLER.value)
        kind.currentIndexChanged.connect(kind_changed)
        kind_changed()
        ctx, case_id = self.ctx, self.case_id

        def call(parent: QWidget, v: dict[str, Any], on_done: OnDone, on_error: OnError):
            is_handler = v["kind"] == AssigneeKind.HANDLER.value
            fb = v["feedback_due"]
            return ops.assign(parent, ctx, case_id, kind=v["kind"], handler_id=v["handler_id"],
                              assignee_name="" if is_handler else v["name"],
                              feedback_due=None if fb <= date(2000, 1, 1) else fb,
                              note=v["note"], on_done=on_done, on_error=on_error)
        dlg = ActionDialog(self.tr("交办/改派"), [
            ("kind", "交办对象", kind), ("handler_id", "承办人", handler),
            ("name", "承办单位", name), ("feedback_due", "反馈期限", feedback),
            ("note", "交办要求", note)], call, self)

        def got_handlers(rows) -> None:
            for uid, display in rows:
                handler.addItem(display, uid)
            if self.record is not None and self.record.handler_id:
                i = handler.findData(self.record.handler_id)
                if i >= 0:
                    handler.setCurrentIndex(i)
        ops.list_handlers(dlg, self.ctx, on_done=got_handlers,
                          on_error=lambda e: log.warning("handlers: %s", e))
        return dlg

    def _make_note(self) -> ActionDialog:
        return ActionDialog(self.tr("记录进展"), [("text", "办理记录", text_edit(120))],
                            self._call(ops.add_note), self)

    def _make_measure(self) -> ActionDialog:
        measure = combo(Measure.choices(), self.tr("（请选择）"))
        # 经济帮扶: proposes an assistance record of the hardship ledger for the petitioner
        amount = QLineEdit()
        amount.setPlaceholderText(self.tr("元；提交后生成待审批的帮扶记录"))
        from app.domain.hardship import AssistanceKind
        kind = combo(AssistanceKind.choices(), self.tr("（按是否建档自动选择）"))
        fund = QComboBox()
        fund.addItem(self.tr("（默认资金来源）"), None)

        def measure_changed(_i=0) -> None:
            aid = measure.currentData() == Measure.ASSISTANCE.value
            for w in (amount, kind, fund):
                w.setEnabled(aid)
        measure.currentIndexChanged.connect(measure_changed)
        measure_changed()
        dlg = ActionDialog(self.tr("办理措施"), [
            ("measure", "办理措施", measure), ("text", "措施说明", text_edit(70)),
            ("lawyer", "律师姓名", QLineEdit()), ("mediation_result", "调解结果", QLineEdit()),
            ("amount", "帮扶金额", amount), ("aid_kind", "帮扶类别", kind),
            ("aid_fund_id", "资金来源", fund)], self._call(ops.add_measure), self)
        from ui.operations.hardship import load_funds
        load_funds(dlg, self.ctx, include_inactive=False,
                   on_done=lambda funds: [fund.addItem(f.name, f.id) for f in funds],
                   on_error=lambda e: log.warning("funds: %s", e))
        return dlg

    def _make_result(self) -> ActionDialog:
        amount = QLineEdit()
        amount.setPlaceholderText(self.tr("元，例如 86000 或 1234.50"))
        workers = QSpinBox()
        workers.setRange(0, 1_000_000)
        if self.record is not None:
            if self.record.recovered_fen:
                amount.setText(format_yuan(self.record.recovered_fen))   # parse_yuan reads it back
            workers.setValue(self.record.workers_benefited or self.record.head_count or 0)
        return ActionDialog(self.tr("追回金额和受益人数"), [
            ("recovered", "追回金额", amount), ("workers", "受益职工人数", workers)],
            self._call(ops.record_result), self)

    def _make_request_extension(self) -> ActionDialog:
        return ActionDialog(self.tr("申请延期"), [("reason", "延期理由", text_edit(90))],
                            self._call(ops.request_extension), self)

    def _make_decide_extension(self) -> ActionDialog:
        decision = QComboBox()
        decision.addItem(self.tr("批准"), True)
        decision.addItem(self.tr("不批准"), False)
        reason = QLabel(self.record.extension_reason if self.record else "")
        reason.setWordWrap(True)
        dlg = ActionDialog(self.tr("审批延期"), [
            ("approve", "审批结果", decision), ("note", "审批意见", text_edit(60))],
            self._call(ops.decide_extension), self)
        dlg.layout().insertWidget(0, reason)
        return dlg

    def _make_suspend(self) -> ActionDialog:
        if self.record is not None and self.record.suspended:
            return ActionDialog(self.tr("恢复办理"), [("note", "说明", text_edit(60))],
                                self._call(ops.resume), self)
        return ActionDialog(self.tr("中止办理"), [
            ("reason", "中止原因", combo(SuspendReason.choices())),
            ("note", "中止说明", text_edit(60))], self._call(ops.suspend), self)

    def _make_flags(self) -> ActionDialog:
        sup = QCheckBox(ListFlag.SUPERVISED.label)
        foc = QCheckBox(ListFlag.FOCUS.label)
        leader = QLineEdit()
        if self.record is not None:
            sup.setChecked(self.record.supervised)
            foc.setChecked(self.record.focus)
            leader.setText(self.record.leader_in_charge)
        title = f"{ListFlag.SUPERVISED.label}、{ListFlag.FOCUS.label}和{LEADER_IN_CHARGE_LABEL}"
        return ActionDialog(title, [
            ("supervised", "", sup), ("focus", "", foc), ("leader_in_charge", LEADER_IN_CHARGE_LABEL, leader)],
            self._call(ops.set_flags), self)

    def _make_conclude(self) -> ActionDialog:
        return ActionDialog(self.tr("办结"), [
            ("outcome", "处理意见", combo(Outcome.choices(), self.tr("（请选择）"))),
            ("outcome_text", "处理意见内容", text_edit(120))], self._call(ops.conclude), self)

    def _make_follow_up(self) -> ActionDialog:
        return ActionDialog(self.tr("回访"), [
            ("result", "回访结果", combo(FollowUp.choices(), self.tr("（请选择）"))),
            ("note", "回访情况", text_edit(90))], self._call(ops.follow_up), self)

    def _make_reopen(self) -> ActionDialog:
        return ActionDialog(self.tr("重新办理"), [("reason", "重新办理原因", text_edit(90))],
                            self._call(ops.reopen), self)

    def _make_archive(self) -> ActionDialog:
        label = QLabel(self.tr("归档后案件不能再修改，除非由负责人重新办理。"))
        return ActionDialog(self.tr("归档"), [("info", "", label)], self._call(ops.archive), self)
