"""The mutual-aid lists, declared on the generic list page (``ui.widgets.list_page``): 理赔 (every
claim, windowed, by plan, union, state, refusal reason and period, exported to xlsx; 新建申请, 试算
and a double-click opening the claim) and the 会员名单 of the 会员 page (plan, union, cover state,
cover start period, name or ID).

GUI thread only; the rows, counts and exports are read by the list page off the GUI thread.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QPushButton, QWidget

from app.domain.money import format_yuan
from app.domain.mutual_aid import ClaimState, CoverState, Refusal
from app.domain.permissions import LABELS as PERM_LABELS
from app.domain.permissions import Perm, allowed
from app.services.mutual_aid import enrollment, lists, members, plans
from app.services.query.service import ListService
from ui.context import AppContext
from ui.models import Col
from ui.pages.mutual_aid.claim_dialog import ClaimDialog
from ui.widgets.filter_bar import Choice, DatePeriod, Hidden, Lookup, Text
from ui.widgets.list_page import LedgerListPage, ListSpec

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter

CLAIMS = ListService(lists.ClaimFilter, lists.claim_page, lists.count_claims, lists.export_xlsx,
                     total=lists.total_benefit)
MEMBERS = ListService(members.MemberFilter, members.member_page, members.count_members,
                      members.export_members)


def _d(day) -> str:
    return day.isoformat() if day else ""


CLAIM_COLUMNS = (
    Col("claim_no", "申请编号", lambda r: r.claim_no),
    Col("received_on", "受理日期", lambda r: _d(r.received_on), sort="received"),
    Col("state", "状态", lambda r: r.state.label),
    Col("plan", "计划", lambda r: f"{r.plan_year} {r.plan_code}"),
    Col("person", "参保人", lambda r: r.person_name),
    Col("benefit", "给付金额", lambda r: format_yuan(r.benefit_fen), align=RIGHT),
    Col("refusal", "不予给付原因", lambda r: r.refusal.label if r.refusal else ""),
    Col("id_number", "身份证号", lambda r: r.id_masked),
    Col("employer", "单位工会", lambda r: r.employer_name),
    Col("event_date", "入院/确诊日期", lambda r: _d(r.event_date)),
    Col("until_date", "出院日期", lambda r: _d(r.until_date)),
    Col("tier", "病种", lambda r: r.tier),
    Col("paid_on", "给付日期", lambda r: _d(r.paid_on), sort="paid"),
    Col("voucher", "凭证号", lambda r: r.voucher),
    Col("explanation", "计算", lambda r: r.explanation),
)

MEMBER_COLUMNS = (
    Col("name", "姓名", lambda r: r.name),
    Col("id_number", "身份证号", lambda r: r.id_masked),
    Col("plan", "计划", lambda r: f"{r.year} {r.plan_code}"),
    Col("state", "保障状态", lambda r: r.state_label),
    Col("shares", "份数", lambda r: r.shares, align=RIGHT),
    Col("cover_start", "保障开始", lambda r: _d(r.cover_start)),
    Col("waiting_end", "观察期至", lambda r: _d(r.waiting_end)),
    Col("term_end", "保障期至", lambda r: _d(r.term_end)),
    Col("employer", "单位工会", lambda r: r.employer_name),
    Col("gender", "性别", lambda r: r.gender_label),
    Col("renewal", "参保", lambda r: "续保" if r.renewal else "新参保"),
    Col("premium", "保费", lambda r: r.premium_text, align=RIGHT),
    Col("paid_on", "缴费日期", lambda r: _d(r.paid_on)),
)


class ClaimsPage(LedgerListPage):
    title = "理赔"
    areas = frozenset({"mutual_aid"})
    spec = ListSpec(
        CLAIMS, CLAIM_COLUMNS,
        (DatePeriod("受理时间"),
         Lookup("plan_id", "计划", plans.plan_choices, unknown="（指定计划）"),
         Lookup("employer_id", "单位工会", enrollment.union_choices, unknown="（指定单位）"),
         Choice("state", "状态", ClaimState),
         Choice("refusal", "不予给付原因", Refusal),
         Hidden("person_id", "参保人")),
        wide="explanation", total_label="给付金额合计",
        widths={"claim_no": 120, "received_on": 90, "state": 70, "plan": 80, "person": 70,
                "benefit": 90, "refusal": 130, "id_number": 150, "employer": 200})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        self.new_button = QPushButton(self.tr("新建申请…"))       # before the base places them
        self.quote_button = QPushButton(self.tr("试算…"))
        self.open_button = QPushButton(self.tr("打开…"))
        self.new_button.clicked.connect(lambda: self.new_claim())
        self.quote_button.clicked.connect(lambda: self.new_claim(quote_only=True))
        self.open_button.clicked.connect(self.open_selected)
        if not allowed(ctx.actor.role, Perm.MA_CLAIM):
            self.new_button.setEnabled(False)
            self.new_button.setToolTip(self.tr("需要「") + PERM_LABELS[Perm.MA_CLAIM] + self.tr("」权限"))
        self.dialog: ClaimDialog | None = None
        super().__init__(ctx, parent)

    def extra_actions(self) -> list[QWidget]:
        return [self.new_button, self.quote_button, self.open_button]

    def new_claim(self, quote_only: bool = False) -> ClaimDialog:
        return self._open(ClaimDialog(self.ctx, None, self, quote_only=quote_only))

    def open_row(self, row) -> ClaimDialog | None:
        if row is None:
            return None
        return self._open(ClaimDialog(self.ctx, row.id, self))

    def open_selected(self) -> ClaimDialog | None:
        rows = self.view.selectionModel().selectedRows()
        return self.open_row(self.model.row_at(rows[0].row())) if rows else None

    def _open(self, dlg: ClaimDialog) -> ClaimDialog:
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dlg
        dlg.open()
        return dlg


class MembersList(LedgerListPage):
    """The 会员名单 tab of the 会员 page; a double-click shows the member's record
    (``member_opened(person_id)``)."""

    title = "会员名单"
    areas = frozenset({"mutual_aid"})
    spec = ListSpec(
        MEMBERS, MEMBER_COLUMNS,
        (Lookup("plan_id", "计划", plans.plan_choices, unknown="（指定计划）"),
         Lookup("employer_id", "单位工会", enrollment.union_choices, unknown="（指定单位）"),
         Choice("state", "保障状态", CoverState),
         DatePeriod("保障开始"),
         Text("姓名或身份证号（可只输开头几位）")),
        widths={"name": 70, "id_number": 150, "plan": 80, "state": 70, "shares": 45,
                "cover_start": 90, "waiting_end": 90, "term_end": 90, "employer": 240})

    member_opened = Signal(int)

    def open_row(self, row) -> None:
        if row is not None:
            self.member_opened.emit(row.person_id)
