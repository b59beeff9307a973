"""帮扶记录: every assistance record, windowed, filtered by kind, fund, state, period and text,
exported to xlsx (IDs masked). 申请帮扶… proposes one (a file's, or 临时救助 for a person without
one); the selected record's 批准 / 不予批准 / 登记发放 are enabled from the payment workflow table
(``app.domain.workflow.PAYMENT_WORKFLOW``) and the role, a disabled one saying why."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWidget

from app.domain.hardship import AssistanceKind, PaymentState
from app.domain.money import format_yuan
from app.domain.workflow import PAYMENT_WORKFLOW, payment_facts
from app.services.hardship import lists
from app.services.query.service import ListService
from ui.context import AppContext
from ui.models import Col
from ui.operations import hardship as ops
from ui.step_buttons import update_step_buttons, workflow_refusals
from ui.pages.hardship.payment_dialogs import PAYMENT_STEPS, STEP_DIALOGS, PaymentDialog
from ui.widgets.filter_bar import Choice, DatePeriod, Hidden, Lookup, Text
from ui.widgets.list_page import LedgerListPage, ListSpec

PAYMENTS = ListService(lists.PaymentFilter, lists.payment_page, lists.count_payments,
                       lists.export_payments, total=lists.payment_total)
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def fund_choices(db):
    from app.services.hardship import funds
    return [(f.id, f.name) for f in funds.list_funds(db)]


COLUMNS = (
    Col("assist_on", "帮扶日期", lambda r: r.assist_on.isoformat(), sort="assist_on"),
    Col("name", "帮扶对象", lambda r: r.person_name),
    Col("id", "身份证号", lambda r: r.id_masked),
    Col("file_no", "档案编号", lambda r: r.file_no or "未建档"),
    Col("kind", "帮扶类别", lambda r: r.kind_label),
    Col("amount", "金额", lambda r: format_yuan(r.amount_fen), align=RIGHT),
    Col("goods", "物资", lambda r: f"{r.goods}（{format_yuan(r.goods_value_fen)}）" if r.goods else ""),
    Col("fund", "资金来源", lambda r: r.fund_name),
    Col("state", "状态", lambda r: r.state_label),
    Col("paid", "发放", lambda r: " ".join(x for x in (r.paid_on.isoformat() if r.paid_on else "",
                                                      r.pay_method_label, r.voucher_no) if x)),
    Col("refusal", "不予批准理由", lambda r: r.refusal_reason),
)


class HardshipPaymentsPage(LedgerListPage):
    title = "帮扶记录"
    areas = frozenset({"hardship"})
    spec = ListSpec(
        PAYMENTS, COLUMNS,
        (DatePeriod("帮扶日期"),
         Choice("kind", "帮扶类别", AssistanceKind),
         Lookup("fund_id", "资金来源", fund_choices),
         Choice("state", "状态", PaymentState),
         Hidden("file_id", "档案"),
         Hidden("person_id", "帮扶对象"),
         Hidden("campaign_id", "帮扶活动"),
         Text("搜索：帮扶对象姓名、身份证号或档案编号")),
        widths={"assist_on": 86, "name": 70, "id": 150, "file_no": 110, "kind": 90,
                "amount": 90, "goods": 130, "fund": 80, "state": 60, "paid": 200})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        self.propose_button = QPushButton(self.tr("申请帮扶…"))
        self.propose_button.clicked.connect(lambda: self.propose())
        self.step_buttons: dict[str, QPushButton] = {}
        for step in PAYMENT_STEPS:
            b = QPushButton(self.tr(step.label))
            b.clicked.connect(lambda _c=False, k=step.key: self.open_step(k))
            self.step_buttons[step.key] = b
        self.dialog = None
        super().__init__(ctx, parent)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self.update_buttons())
        self.model.modelReset.connect(self.update_buttons)
        self.update_buttons()

    def extra_actions(self):
        return [self.propose_button, *self.step_buttons.values()]

    def selected_row(self):
        rows = self.view.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def update_buttons(self) -> None:
        row = self.selected_row()
        refusal_of = None
        if row is not None:
            refusal_of = workflow_refusals(PAYMENT_WORKFLOW, payment_facts(payment_id=row.id,
                                                                           state=row.state))
        update_step_buttons(self.step_buttons, PAYMENT_STEPS, self.ctx.actor.role, refusal_of)
        if row is None:
            for b in self.step_buttons.values():
                if b.toolTip() == "正在读取…":
                    b.setToolTip(self.tr("请先在列表中选择一条帮扶记录"))

    def propose(self, **kw) -> PaymentDialog:
        dlg = PaymentDialog(self.ctx, self, **kw)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.done.connect(lambda rec: self._info(self.tr("已提交帮扶申请：") + rec.person_name + " "
                                                + rec.kind.label + " " + format_yuan(rec.amount_fen)))
        self.dialog = dlg
        dlg.open()
        return dlg

    def open_step(self, key: str) -> None:
        """Read the selected record whole, then open the step's dialog."""
        row = self.selected_row()
        if row is None:
            return

        def got(rec) -> None:
            dlg = STEP_DIALOGS[key](self.ctx, rec, self)
            dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.dialog = dlg
            dlg.open()
        ops.load_payment(self, self.ctx, row.id, on_done=got, on_error=self._show_error)

    def open_row(self, row) -> None:
        if row is not None and row.file_id is not None:
            from ui.pages.hardship.desk import open_file_dialog
            self.dialog = open_file_dialog(self.ctx, row.file_id, self)
