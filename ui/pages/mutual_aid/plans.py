"""互助计划: the plans of a year with every field and their rule's parameters (by type: 住院津贴,
定额给付 with its diagnosis tiers, 住院医疗), 新建 / 修改 (a plan with claims keeps its rule: the form
says why and locks it), 「复制上年计划」 for the next year, and the fund of each plan-year (premiums
in, benefits out, balance, 赔付率).

GUI thread only; reads and writes through ``ui.operations.mutual_aid``. Dialog helpers are small
methods so tests can drive them.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QComboBox, QDialog, QGroupBox, QHBoxLayout, QHeaderView, QLabel,
                               QListWidget, QListWidgetItem, QPushButton, QSplitter, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from app.domain import clock
from app.domain.errors import UserError
from app.domain.money import format_yuan
from app.domain.mutual_aid import PlanKind, PlanRule, ratio_text
from app.domain.statistics import rate, show_rate
from app.domain.permissions import LABELS as PERM_LABELS
from app.domain.permissions import Perm, allowed
from ui.context import AppContext
from ui.operations import mutual_aid as ma_ops
from ui.pages.base import Page
from ui.util import ERROR_STYLE, ok_cancel, read_only_rows
from ui.windows import fit_to_screen

if TYPE_CHECKING:   # the form (and the service types it builds) load when it is first opened
    from ui.pages.mutual_aid.plan_dialog import PlanDialog

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
ID_ROLE = Qt.ItemDataRole.UserRole + 1
NEW_YEAR_LABEL = "（新年度）"


def _d(day) -> str:
    return f"{day:%Y-%m-%d}"


def ages_text(rule: PlanRule) -> str:
    """「男 16–60 周岁，女 16–55 周岁；仅限工会会员」"""
    parts = []
    for who, ages in (("男", rule.male_ages), ("女", rule.female_ages)):
        parts.append(f"{who} {ages[0]}–{ages[1]} 周岁" if ages else f"{who}不可参保")
    return "，".join(parts) + ("；仅限工会会员" if rule.members_only else "")


def rule_rows(rule: PlanRule) -> list[tuple[str, str]]:
    """The rule's parameters as (label, value) rows, by the plan's type."""
    rows: list[tuple[str, str]] = []
    if rule.kind is PlanKind.DAILY:
        rows += [("免赔天数", f"{rule.deductible_days} 天"),
                 ("每日津贴", f"{format_yuan(rule.daily_fen)} /天/份"),
                 ("单次住院最高给付", f"{rule.stay_day_cap} 天" if rule.stay_day_cap else "不限"),
                 ("同病因再次住院", f"出院后 {rule.readmission_days} 天内合并为一次")]
    elif rule.kind is PlanKind.REIMBURSE:
        rows += [("起付标准", format_yuan(rule.threshold_fen)), ("报销比例", ratio_text(rule.ratio_bp))]
    else:
        rows += [("给付次数", "每个保障期一次")]
    rows.append(("本期最高给付额", f"{format_yuan(rule.term_cap_fen)} /份" if rule.term_cap_fen else "不限"))
    return rows


def _item(text: str, align=None, data=None) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if align is not None:
        item.setTextAlignment(align)
    if data is not None:
        item.setData(ID_ROLE, data)
    return item


class CopyPlansDialog(QDialog):
    """「复制上年计划」: last year's plans, each ticked to be copied into ``year`` (a plan whose code
    ``year`` already has is shown, not tickable)."""

    def __init__(self, year: int, last_year_plans, existing_codes: set[str],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("复制上年计划"))
        self.year = year
        self.list = QListWidget()
        for p in last_year_plans:
            item = QListWidgetItem(f"{p.code}  {p.name}（{p.kind_label}，{p.summary}）")
            item.setData(ID_ROLE, p.id)
            if p.code in existing_codes:
                item.setText(item.text() + self.tr(" —— 本年度已有"))
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
                item.setCheckState(Qt.CheckState.Unchecked)
            else:
                item.setCheckState(Qt.CheckState.Checked)
            self.list.addItem(item)
        intro = QLabel(self.tr("把 %1 年度的下列计划复制为 %2 年度的计划（编号、保费、规则不变，保障期顺延一年）。"
                               "复制后可以再修改。").replace("%1", str(year - 1)).replace("%2", str(year)))
        intro.setWordWrap(True)
        buttons = ok_cancel(self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        fit_to_screen(self, QSize(680, 360))

    def chosen_ids(self) -> list[int]:
        return [self.list.item(i).data(ID_ROLE) for i in range(self.list.count())
                if self.list.item(i).checkState() == Qt.CheckState.Checked
                and self.list.item(i).flags() & Qt.ItemFlag.ItemIsEnabled]


class PlansPage(Page):
    title = "互助计划"
    areas = frozenset({"mutual_aid"})

    PLAN_HEADERS = ("编号", "计划名称", "给付类型", "每份保费", "最多份数", "保障期", "观察期", "续保宽限",
                    "参保人数", "申请件数")
    FUND_HEADERS = ("计划", "保费收入", "应收保费", "给付支出", "已批未付", "结余", "赔付率")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.plans: list = []
        self.funds: list = []
        self.years: list[int] = []
        self.dialog: QDialog | None = None
        self._year_ticket = 0
        self._empty_shown = False

        self.year_combo = QComboBox()
        self.year_combo.setMinimumWidth(120)
        self.new_button = QPushButton(self.tr("新建计划…"))
        self.edit_button = QPushButton(self.tr("修改…"))
        self.copy_button = QPushButton(self.tr("复制上年计划…"))
        may = allowed(ctx.actor.role, Perm.MA_PLANS)
        for b in (self.new_button, self.edit_button, self.copy_button):
            b.setEnabled(may)
            if not may:
                b.setToolTip(self.tr("需要「") + PERM_LABELS[Perm.MA_PLANS] + self.tr("」权限（负责人）"))
        self.may_edit = may
        self.view_button = QPushButton(self.tr("查看…"))
        self.new_button.clicked.connect(self.new_plan)
        self.edit_button.clicked.connect(self.edit_selected)
        self.view_button.clicked.connect(self.edit_selected)
        self.copy_button.clicked.connect(self.copy_last_year)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("年度")))
        bar.addWidget(self.year_combo)
        for b in (self.new_button, self.edit_button, self.copy_button):
            bar.addWidget(b)
        bar.addStretch(1)

        self.table = read_only_rows(QTableWidget(0, len(self.PLAN_HEADERS)))
        self.table.setHorizontalHeaderLabels(list(self.PLAN_HEADERS))
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAlternatingRowColors(True)
        self.table.itemSelectionChanged.connect(self._show_selected)
        for t in (self.table,):
            t.verticalHeader().setDefaultSectionSize(24)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())

        # the selected plan's rule
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.params = read_only_rows(QTableWidget(0, 2))
        self.params.setHorizontalHeaderLabels([self.tr("项目"), self.tr("规定")])
        self.params.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.params.verticalHeader().setDefaultSectionSize(22)
        self.tiers = read_only_rows(QTableWidget(0, 2))
        self.tiers.setHorizontalHeaderLabels([self.tr("病种（档次）"), self.tr("给付金额（每份）")])
        self.tiers.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tiers.verticalHeader().setDefaultSectionSize(22)
        rule_box = QGroupBox(self.tr("计划规则"))
        rl = QVBoxLayout(rule_box)
        rl.addWidget(self.summary_label)
        rules = QHBoxLayout()
        rules.addWidget(self.params, 3)
        rules.addWidget(self.tiers, 2)
        rl.addLayout(rules, 1)

        # the fund of the year's plans
        self.fund_table = read_only_rows(QTableWidget(0, len(self.FUND_HEADERS)))
        self.fund_table.setHorizontalHeaderLabels(list(self.FUND_HEADERS))
        self.fund_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.fund_table.verticalHeader().setDefaultSectionSize(24)
        self.fund_note = QLabel(self.tr("保费收入为已登记缴费的批次；给付支出为已给付的申请；结余 = 保费收入 − 给付支出；"
                                        "赔付率 = 给付支出 ÷ 保费收入（尚无保费收入时为「—」）"))
        self.fund_note.setWordWrap(True)
        self.fund_box = QGroupBox(self.tr("互助金"))
        fl = QVBoxLayout(self.fund_box)
        fl.addWidget(self.fund_table, 1)
        fl.addWidget(self.fund_note)

        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(rule_box)
        lower.addWidget(self.fund_box)
        lower.setStretchFactor(0, 4)
        lower.setStretchFactor(1, 5)
        lower.setSizes([480, 600])        # the fund's figures whole, 结余 and 赔付率 in view
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(lower)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setSizes([220, 420])

        self.message = QLabel()
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        layout.addWidget(self.message)
        self.year_combo.currentIndexChanged.connect(lambda _i: self.load_year())
        self._update_buttons()

    # ------------------------------------------------------------ loading

    def refresh(self) -> None:
        ma_ops.plan_years(self, self.ctx, on_done=self._years_loaded, on_error=self._show_error)

    def _years_loaded(self, years: list[int]) -> None:
        keep = self.year()
        this_year = clock.today().year
        shown = sorted(set(years) | {this_year, (max(years) if years else this_year) + 1},
                       reverse=True)
        self.years = list(years)
        self.year_combo.blockSignals(True)
        self.year_combo.clear()
        for y in shown:
            self.year_combo.addItem(f"{y}" + ("" if y in years else NEW_YEAR_LABEL), y)
        pick = keep if keep in shown else (this_year if this_year in years or not years else years[0])
        self.year_combo.setCurrentIndex(max(0, self.year_combo.findData(pick)))
        self.year_combo.blockSignals(False)
        self.load_year()

    def year(self) -> int | None:
        return self.year_combo.currentData()

    def select_year(self, year: int) -> None:
        i = self.year_combo.findData(year)
        if i >= 0:
            self.year_combo.setCurrentIndex(i)

    def load_year(self) -> None:
        year = self.year()
        if year is None:
            return
        self._year_ticket += 1
        ticket = self._year_ticket
        ma_ops.list_plans(self, self.ctx, year, on_done=lambda plans: self._plans_loaded(ticket, plans),
                          on_error=self._show_error)
        ma_ops.plan_year_fund(self, self.ctx, year, on_done=lambda fund: self._fund_loaded(ticket, fund),
                              on_error=self._show_error)

    def _plans_loaded(self, ticket: int, plans) -> None:
        if ticket != self._year_ticket:
            return
        keep = self.selected_plan()
        self.plans = list(plans)
        self.table.setRowCount(0)
        for p in self.plans:
            r = self.table.rowCount()
            self.table.insertRow(r)
            rule = p.rule
            cells = (p.code, p.name, p.kind_label, format_yuan(p.premium_fen), f"{p.max_shares} 份",
                     f"{_d(rule.term_start)} 至 {_d(rule.term_end)}", f"{rule.waiting_days} 天",
                     f"{rule.renewal_grace_days} 天", f"{p.members:,}", f"{p.claims:,}")
            for c, text in enumerate(cells):
                self.table.setItem(r, c, _item(text, RIGHT if c in (3, 8, 9) else None, p.id))
        self.table.resizeColumnsToContents()
        if not self.plans:
            self._info(self.tr("%1 年度还没有互助计划：可以「新建计划」，或「复制上年计划」。")
                       .replace("%1", str(self.year())))
            self._empty_shown = True            # (after _info, which clears it)
        elif self._empty_shown:          # that hint is over; a message of an action stays
            self._info("")
            self._empty_shown = False
        row = next((i for i, p in enumerate(self.plans) if keep and p.id == keep.id), 0)
        if self.plans:
            self.table.selectRow(row)
        self._show_selected()

    def _fund_loaded(self, ticket: int, funds) -> None:
        if ticket != self._year_ticket:
            return
        self.fund_box.setTitle(self.tr("互助金（%1 年度）").replace("%1", str(self.year())))
        self.funds = list(funds)
        t = self.fund_table
        t.setRowCount(0)
        rows = [(f.code, f.premiums_fen, f.premiums_due_fen, f.paid_fen, f.approved_fen,
                 f.balance_fen, f.payout_rate) for f in self.funds]
        if len(self.funds) > 1:
            received = sum(f.premiums_fen for f in self.funds)
            paid = sum(f.paid_fen for f in self.funds)
            rows.append((self.tr("合计"), received, sum(f.premiums_due_fen for f in self.funds), paid,
                         sum(f.approved_fen for f in self.funds), received - paid, rate(paid, received)))
        for label, received, due, paid, approved, balance, payout in rows:
            r = t.rowCount()
            t.insertRow(r)
            cells = (label, format_yuan(received), format_yuan(due), format_yuan(paid),
                     format_yuan(approved), format_yuan(balance), show_rate(payout))
            for c, text in enumerate(cells):
                item = _item(text, RIGHT if c else None)
                if c == 0:
                    item.setToolTip(next((f"{f.code} {f.name}" for f in self.funds if f.code == label), label))
                if balance < 0 and c == 5:
                    item.setForeground(QColor("#b3261e"))
                t.setItem(r, c, item)
        t.resizeColumnsToContents()

    # ------------------------------------------------------------ selection

    def selected_plan(self):
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        pid = self.table.item(rows[0].row(), 0).data(ID_ROLE)
        return next((p for p in self.plans if p.id == pid), None)

    def _show_selected(self) -> None:
        p = self.selected_plan()
        self._update_buttons()
        self.params.setRowCount(0)
        self.tiers.setRowCount(0)
        if p is None:
            self.summary_label.setText(self.tr("选择一个计划查看它的规则"))
            self.tiers.hide()
            return
        rule = p.rule
        self.summary_label.setText(f"{p.code} {p.name}：{p.summary}")
        rows = [("给付类型", p.kind_label), ("每份保费", format_yuan(p.premium_fen)),
                ("最多份数", f"{p.max_shares} 份"),
                ("保障期", f"{_d(rule.term_start)} 至 {_d(rule.term_end)}"),
                ("参保条件", ages_text(rule)),
                ("观察期", f"首次参保缴费次日起 {rule.waiting_days} 天" if rule.waiting_days else "无"),
                ("续保宽限期", f"上期结束后 {rule.renewal_grace_days} 天内续保不计观察期")]
        rows += rule_rows(rule)
        if p.note:
            rows.append(("说明", p.note))
        for label, value in rows:
            r = self.params.rowCount()
            self.params.insertRow(r)
            self.params.setItem(r, 0, _item(label))
            self.params.setItem(r, 1, _item(value))
        self.params.resizeColumnToContents(0)
        self.tiers.setVisible(rule.kind is PlanKind.LUMP)
        for t in rule.tiers:
            r = self.tiers.rowCount()
            self.tiers.insertRow(r)
            self.tiers.setItem(r, 0, _item(t.name))
            self.tiers.setItem(r, 1, _item(format_yuan(t.sum_fen), RIGHT))

    def _update_buttons(self) -> None:
        p = self.selected_plan()
        self.edit_button.setEnabled(self.may_edit and p is not None)
        if self.may_edit and p is not None and p.claims:
            self.edit_button.setToolTip(self.tr("已有 %n 件申请：只能修改名称和说明，给付规则不能再改",
                                                "", p.claims))
        elif self.may_edit:
            self.edit_button.setToolTip("")

    # ------------------------------------------------------------ actions

    def new_plan(self) -> PlanDialog:
        from ui.pages.mutual_aid.plan_dialog import PlanDialog
        dlg = PlanDialog(self.ctx, None, self, year=self.year())
        return self._open(dlg)

    def edit_selected(self) -> PlanDialog | None:
        p = self.selected_plan()
        if p is None:
            return None
        from ui.pages.mutual_aid.plan_dialog import PlanDialog
        return self._open(PlanDialog(self.ctx, p.id, self))

    def _open(self, dlg: PlanDialog) -> PlanDialog:
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.saved.connect(lambda rec: self._info(self.tr("已保存计划「") + rec.label + "」"))
        dlg.saved.connect(lambda rec: self.select_year(rec.year))
        self.dialog = dlg
        dlg.open()
        return dlg

    def copy_last_year(self) -> None:
        year = self.year()
        if year is None:
            return
        existing = {p.code for p in self.plans}
        ma_ops.list_plans(self, self.ctx, year - 1,
                          on_done=lambda last: self._offer_copy(year, last, existing),
                          on_error=self._show_error)

    def _offer_copy(self, year: int, last, existing: set[str]) -> CopyPlansDialog | None:
        if not last:
            self._show_error(UserError(f"{year - 1} 年度没有互助计划可以复制", "nothing to copy"))
            return None
        dlg = CopyPlansDialog(year, last, existing, self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.accepted.connect(lambda: self.copy_plans(dlg.chosen_ids(), year))
        self.dialog = dlg
        dlg.open()
        return dlg

    def copy_plans(self, plan_ids: list[int], year: int) -> None:
        if not plan_ids:
            return
        ma_ops.copy_plans_to_next_year(self, self.ctx, plan_ids,
                                       on_done=lambda res: self._copied(year, *res),
                                       on_error=self._show_error)

    def _copied(self, year: int, copied, failed) -> None:
        text = self.tr("已复制 %n 个计划到", "", len(copied)) + f" {year} " + self.tr("年度")
        if failed:
            text += "；" + "；".join(e.message for _pid, e in failed)
        self.select_year(year)
        if failed:
            self._show_error(UserError(text, "some plans not copied"))
        else:
            self._info(text)

    # ------------------------------------------------------------ messages

    def _info(self, text: str) -> None:
        self._empty_shown = False
        self.message.setStyleSheet("")
        self.message.setText(text)

    def _show_error(self, exc: BaseException) -> None:
        self._empty_shown = False
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setText(exc.message if isinstance(exc, UserError)
                             else f"{type(exc).__name__}: {exc}")
