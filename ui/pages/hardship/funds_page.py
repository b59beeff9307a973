"""资金管理: each fund source with its totals (拨入, 支出, approved not yet paid, balance, available),
the selected fund's allocations 拨入 (document number, date, amount), and the ledger
期初/拨入/支出/期末 of every fund for a chosen period (the period picker; 期初 + 拨入 − 支出 = 期末,
the same sums as the payments). Writes (新增资金来源, 登记拨入) are a manager's (``Perm.MANAGE_FUNDS``);
the service checks again. GUI thread only; everything through ``ui.operations.hardship``."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QLineEdit, QPushButton, QSplitter, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from app.domain import clock
from app.domain.enums import Period
from app.domain.errors import UserError
from app.domain.money import format_yuan
from app.domain.periods import resolve_period
from app.domain.permissions import LABELS as PERM_LABELS
from app.domain.permissions import Perm, allowed
from ui.context import AppContext
from ui.dialogs.action_dialog import ActionDialog
from ui.operations import hardship as ops
from ui.pages.base import Page
from ui.pages.hardship.parts import date_edit
from ui.util import ERROR_STYLE, read_only_rows, text_edit
from ui.widgets.period_picker import PeriodPicker

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
LEDGER_PERIODS = (Period.THIS_MONTH, Period.LAST_MONTH, Period.THIS_QUARTER, Period.LAST_QUARTER,
                  Period.THIS_YEAR, Period.LAST_YEAR)


def _table(headers: list[str]) -> QTableWidget:
    t = read_only_rows(QTableWidget(0, len(headers)))
    t.setHorizontalHeaderLabels(headers)
    t.setAlternatingRowColors(True)
    t.horizontalHeader().setStretchLastSection(True)
    t.verticalHeader().setDefaultSectionSize(24)
    return t


def _fill(t: QTableWidget, rows: list[list[str]], money_from: int) -> None:
    t.setRowCount(len(rows))
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if c >= money_from:
                item.setTextAlignment(RIGHT)
            t.setItem(r, c, item)
    t.resizeColumnsToContents()
    for c in range(t.columnCount() - 1):       # room to read the figures (the last one stretches)
        t.setColumnWidth(c, max(t.columnWidth(c) + 24, 120))


class HardshipFundsPage(Page):
    title = "资金管理"
    areas = frozenset({"hardship"})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.funds: list = []
        self.ledger = None
        self.dialog: ActionDialog | None = None
        may = allowed(ctx.actor.role, Perm.MANAGE_FUNDS)
        why = "" if may else self.tr("需要「") + PERM_LABELS[Perm.MANAGE_FUNDS] + self.tr("」权限")
        self.new_fund_button = QPushButton(self.tr("新增资金来源…"))
        self.allocate_button = QPushButton(self.tr("登记拨入…"))
        for b in (self.new_fund_button, self.allocate_button):
            b.setEnabled(may)
            b.setToolTip(why)
        self.new_fund_button.clicked.connect(lambda: self.new_fund())
        self.allocate_button.clicked.connect(lambda: self.allocate())
        self.fund_table = _table(["资金来源", "状态", "累计拨入", "累计支出", "已批准待发放", "余额",
                                  "可用余额"])
        self.fund_table.itemSelectionChanged.connect(self._fund_selected)
        self.alloc_title = QLabel()
        self.alloc_table = _table(["拨入日期", "文号", "金额", "备注"])
        self.picker = PeriodPicker(periods=LEDGER_PERIODS, with_all=False, today=self.today)
        self.picker.set_value(Period.THIS_YEAR.value)
        self.picker.changed.connect(self.load_ledger)
        self.ledger_table = _table(["资金来源", "期初", "拨入", "支出", "期末"])
        self.check_label = QLabel()
        self.message = QLabel()
        self.message.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(QLabel("<b>" + self.tr("资金来源") + "</b>"))
        top.addStretch(1)
        top.addWidget(self.new_fund_button)
        top.addWidget(self.allocate_button)
        upper = QWidget()
        ul = QVBoxLayout(upper)
        ul.setContentsMargins(0, 0, 0, 0)
        ul.addLayout(top)
        ul.addWidget(self.fund_table, 1)
        ul.addWidget(self.alloc_title)
        ul.addWidget(self.alloc_table, 1)
        lower = QWidget()
        ll = QVBoxLayout(lower)
        ll.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(QLabel("<b>" + self.tr("资金收支台账") + "</b>"))
        row.addWidget(self.picker)
        row.addStretch(1)
        ll.addLayout(row)
        ll.addWidget(self.ledger_table, 1)
        ll.addWidget(self.check_label)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(upper)
        split.addWidget(lower)
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addWidget(self.message)

    def today(self):
        """The day relative periods are resolved on (tests replace it)."""
        return clock.today()

    # ------------------------------------------------------------ reading

    def refresh(self) -> None:
        ops.load_funds(self, self.ctx, on_done=self._funds_loaded, on_error=self._failed)
        self.load_ledger()

    def _failed(self, exc: BaseException) -> None:
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setText(exc.message if isinstance(exc, UserError) else f"{type(exc).__name__}: {exc}")

    def _funds_loaded(self, funds) -> None:
        current = self.selected_fund()
        self.funds = list(funds)
        _fill(self.fund_table, [[f.name, "在用" if f.active else "停用", format_yuan(f.allocated_fen),
                                 format_yuan(f.paid_fen), format_yuan(f.committed_fen),
                                 format_yuan(f.balance_fen), format_yuan(f.available_fen)]
                                for f in self.funds], 2)
        ids = [f.id for f in self.funds]
        self.fund_table.blockSignals(True)
        self.fund_table.selectRow(ids.index(current.id) if current and current.id in ids else 0)
        self.fund_table.blockSignals(False)
        self._fund_selected()        # its allocations again (a 拨入 may just have been added)

    def selected_fund(self):
        rows = self.fund_table.selectionModel().selectedRows()
        return self.funds[rows[0].row()] if rows and rows[0].row() < len(self.funds) else None

    def _fund_selected(self) -> None:
        fund = self.selected_fund()
        if fund is None:
            return
        self.alloc_title.setText("<b>" + fund.name + self.tr(" 的拨入记录") + "</b>")
        ops.load_allocations(self, self.ctx, fund.id, on_error=self._failed, on_done=lambda rows: _fill(
            self.alloc_table, [[a.allocated_on.isoformat(), a.doc_no, format_yuan(a.amount_fen), a.note]
                               for a in rows], 2))

    def period(self):
        code, start, end = self.picker.value()
        return resolve_period(code, self.today()) if code else (start, end)

    def load_ledger(self) -> None:
        start, end = self.period()
        if start is None or end is None:
            return
        ops.load_ledger(self, self.ctx, start, end, on_done=self._ledger_loaded, on_error=self._failed)

    def _ledger_loaded(self, ledger) -> None:
        self.ledger = ledger
        lines = list(ledger.lines) + [ledger.total]
        _fill(self.ledger_table, [[x.fund, format_yuan(x.opening), format_yuan(x.allocated),
                                   format_yuan(x.paid), format_yuan(x.closing)] for x in lines], 1)
        bold = self.ledger_table.font()
        bold.setBold(True)
        for c in range(5):
            self.ledger_table.item(len(lines) - 1, c).setFont(bold)
        t = ledger.total
        self.check_label.setText(
            f"{ledger.date_from} 至 {ledger.date_to}：期初 {format_yuan(t.opening)} + 拨入 "
            f"{format_yuan(t.allocated)} − 支出 {format_yuan(t.paid)} = 期末 {format_yuan(t.closing)}"
            "（支出按发放日期计）")

    # ------------------------------------------------------------ writing

    def _done(self, text: str) -> None:
        self.message.setStyleSheet("")
        self.message.setText(text)

    def new_fund(self) -> ActionDialog:
        ctx = self.ctx

        def start(dlg, v, on_done, on_error):
            return ops.create_fund(dlg, ctx, name=v["name"], note=v["note"], on_done=on_done,
                                   on_error=on_error)
        dlg = ActionDialog(self.tr("新增资金来源"), [("name", "资金来源名称", QLineEdit()),
                                                 ("note", "备注", text_edit(60))], start, self)
        dlg.done.connect(lambda rec: self._done(self.tr("已新增资金来源「") + rec.name + "」"))
        self.dialog = dlg
        dlg.open()
        return dlg

    def allocate(self) -> ActionDialog | None:
        fund = self.selected_fund()
        if fund is None:
            return None
        ctx = self.ctx
        amount = QLineEdit()
        amount.setPlaceholderText(self.tr("元，例如 200000"))

        def start(dlg, v, on_done, on_error):
            return ops.allocate(dlg, ctx, fund.id, amount=v["amount"], allocated_on=v["allocated_on"],
                                doc_no=v["doc_no"], note=v["note"], on_done=on_done, on_error=on_error)
        dlg = ActionDialog(self.tr("登记拨入：") + fund.name, [
            ("doc_no", "拨入文号", QLineEdit()), ("allocated_on", "拨入日期", date_edit(self.today())),
            ("amount", "拨入金额", amount), ("note", "备注", text_edit(50))], start, self)
        dlg.done.connect(lambda rec: self._done(self.tr("已登记拨入 ") + format_yuan(rec.amount_fen)
                                                + self.tr("（") + rec.fund_name + "）"))
        self.dialog = dlg
        dlg.open()
        return dlg
