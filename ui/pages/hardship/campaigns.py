"""帮扶活动: 送温暖 and 金秋助学 campaigns — create one (households by filter or from an xlsx list),
review its batch, approve it in one step (负责人), preview / print / save its 签领表 (the notices'
preview, ``ui.pdfview.PdfDialog``; Excel too) and record the payment of the sheet.

GUI thread only; reads and writes go through ``ui.operations.hardship_campaigns``. The service
decides what is allowed; the buttons follow the campaign's state and the role only as a convenience.
"""
from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, Qt
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QComboBox, QDateEdit, QDialog, QFormLayout,
                               QGroupBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QPushButton, QRadioButton, QSpinBox, QSplitter,
                               QTableView, QTableWidget,
                               QVBoxLayout, QWidget)

from app.domain import clock
from app.domain.hardship import (STUDY_LEVELS, CampaignKind, CampaignState, Cause, HardshipCategory,
                                 PayMethod)
from app.domain.money import format_yuan
from app.domain.permissions import Perm, allowed
from ui.context import AppContext
from ui.file_dialogs import Purpose, open_file, save_file
from ui.operations import show_error
from ui.operations import hardship_campaigns as ops
from ui.pages.base import Page
from ui.util import ERROR_STYLE, HINT_STYLE, ok_cancel, pydate, read_only_rows
from ui.windows import fit_to_screen

ID_ROLE = Qt.ItemDataRole.UserRole + 1
XLSX_FILTER = "Excel 工作簿 (*.xlsx)"


class BatchModel(QAbstractTableModel):
    """The batch of a campaign (``BatchRow`` tuples), read-only."""

    COLUMNS = ("档案编号", "姓名", "身份证号", "困难类别", "单位或住址", "学生", "金额", "状态", "备注")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: tuple = ()

    def set_rows(self, rows) -> None:
        self.beginResetModel()
        self.rows = tuple(rows)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return len(self.COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.COLUMNS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (r.file_no or "（未建档）", r.name, r.id_masked, r.category, r.place, r.student,
                    format_yuan(r.amount_fen), r.state.label,
                    ("重复放行：" + r.override_reason) if r.override_reason else "")[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 6:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class CampaignDialog(QDialog):
    """新建帮扶活动: kind, year, fund, date, amounts, and the households — by filter or an xlsx list.
    On 确定 the campaign is created (all or none); a refusal is shown here and nothing is saved."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.result_record = None
        self.setWindowTitle(self.tr("新建帮扶活动"))
        today = clock.today()
        self.kind = QComboBox()
        for k in CampaignKind:
            self.kind.addItem(k.label, k.value)
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(today.year + (1 if today.month >= 11 else 0))
        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("不填则为「2027年元旦春节送温暖」「2026年金秋助学」"))
        self.fund = QComboBox()
        self.assist_on = QDateEdit(QDate(today.year, today.month, today.day))
        self.assist_on.setCalendarPopup(True)
        self.assist_on.setDisplayFormat("yyyy-MM-dd")
        self.amount = QLineEdit()
        self.amount.setPlaceholderText(self.tr("每户金额（元），如 500"))
        self.levels = QTableWidget(len(STUDY_LEVELS), 2)
        self.levels.setHorizontalHeaderLabels([self.tr("建档家庭（元）"), self.tr("未建档家庭（元）")])
        self.levels.setVerticalHeaderLabels([lv.label for lv in STUDY_LEVELS])
        self.levels.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.levels.setMaximumHeight(150)
        self.amounts = QWidget()            # 每户金额 (送温暖) or the table of levels (金秋助学)
        al = QVBoxLayout(self.amounts)
        al.setContentsMargins(0, 0, 0, 0)
        al.addWidget(self.amount)
        al.addWidget(self.levels)
        self.levels.hide()
        self.kind.currentIndexChanged.connect(self._kind_changed)

        self.by_filter = QRadioButton(self.tr("按条件筛选在档家庭"))
        self.by_list = QRadioButton(self.tr("导入名单（xlsx）"))
        self.by_filter.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.by_filter)
        group.addButton(self.by_list)
        self.categories = {c.value: QCheckBox(c.label) for c in HardshipCategory}
        self.street = QComboBox()
        self.street.addItem(self.tr("（全部街道）"), "")
        self.cause = QComboBox()
        self.cause.addItem(self.tr("（全部致困原因）"), "")
        for c in Cause:
            self.cause.addItem(c.label, c.value)
        self.list_path = QLineEdit()
        self.list_path.setPlaceholderText(self.tr("送温暖：姓名、身份证号、金额（可不填）；金秋助学：家长姓名、"
                                                  "家长身份证号、学生姓名、学生身份证号、学段"))
        self.browse = QPushButton(self.tr("选择文件…"))
        self.browse.clicked.connect(self._browse)
        self.override = QLineEdit()
        self.override.setPlaceholderText(self.tr("负责人：同一活动重复发放时填写原因"))
        self.override.setEnabled(allowed(ctx.actor.role, Perm.APPROVE_HARDSHIP))

        form = QFormLayout()
        form.addRow(self.tr("活动类型"), self.kind)
        form.addRow(self.tr("年度"), self.year)
        form.addRow(self.tr("活动名称"), self.name)
        form.addRow(self.tr("资金来源"), self.fund)
        form.addRow(self.tr("发放日期"), self.assist_on)
        form.addRow(self.tr("金额标准"), self.amounts)
        cats = QHBoxLayout()
        for cb in self.categories.values():
            cats.addWidget(cb)
        cats.addStretch(1)
        pick = QFormLayout()
        pick.addRow(self.by_filter)
        pick.addRow(self.tr("困难类别"), cats)
        pick.addRow(self.tr("街道"), self.street)
        pick.addRow(self.tr("致困原因"), self.cause)
        pick.addRow(self.by_list)
        row = QHBoxLayout()
        row.addWidget(self.list_path, 1)
        row.addWidget(self.browse)
        pick.addRow(self.tr("名单文件"), row)
        box = QGroupBox(self.tr("帮扶对象"))
        box.setLayout(pick)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.hide()
        self.buttons = ok_cancel(self)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(box)
        layout.addWidget(QLabel(self.tr("重复原因")))
        layout.addWidget(self.override)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)
        fit_to_screen(self)
        ops.form_choices(self, ctx, on_done=self._choices)

    def _kind_changed(self, index: int) -> None:
        study = self.kind.itemData(index) == CampaignKind.STUDY.value
        self.amount.setVisible(not study)
        self.levels.setVisible(study)

    def _choices(self, choices) -> None:
        for fid, name, available in choices.funds:
            self.fund.addItem(self.tr("{name}（可用 {money}）").format(name=name, money=format_yuan(available)), fid)
        for st in choices.streets:
            self.street.addItem(st, st)

    def _browse(self) -> None:
        path = open_file(self, Purpose.EXPORT, self.tr("选择帮扶名单"), XLSX_FILTER)
        if path:
            self.list_path.setText(str(path))
            self.by_list.setChecked(True)

    def input(self):
        from app.services.hardship.campaigns import CampaignInput, HouseholdFilter
        kind = self.kind.currentData()
        levels = {"filed": {}, "unfiled": {}}
        for i, lv in enumerate(STUDY_LEVELS):
            for col, group in enumerate(("filed", "unfiled")):
                item = self.levels.item(i, col)
                if item is not None and item.text().strip():
                    levels[group][lv.value] = item.text().strip()
        data = CampaignInput(kind=kind, year=self.year.value(), fund_id=self.fund.currentData() or 0,
                             assist_on=pydate(self.assist_on.date()),
                             amount=self.amount.text() if kind == CampaignKind.WARMTH.value else None,
                             level_amounts=levels if kind == CampaignKind.STUDY.value else None,
                             name=self.name.text())
        flt = HouseholdFilter(
            categories=tuple(k for k, cb in self.categories.items() if cb.isChecked()),
            streets=(self.street.currentData(),) if self.street.currentData() else (),
            causes=(self.cause.currentData(),) if self.cause.currentData() else ())
        return data, flt

    def submit(self) -> None:
        if self.fund.currentData() is None:
            return self._failed_text(self.tr("请选择资金来源（资金来源由负责人在「资金管理」中维护）"))
        if self.by_list.isChecked() and not self.list_path.text().strip():
            return self._failed_text(self.tr("请选择名单文件，或改为按条件筛选"))
        data, flt = self.input()
        self.buttons.setEnabled(False)
        self.error.hide()
        ops.create_campaign(self, self.ctx, data, flt,
                            list_path=self.list_path.text().strip() if self.by_list.isChecked() else None,
                            override_reason=self.override.text(), on_done=self._done, on_error=self._failed)

    def _done(self, record) -> None:
        self.result_record = record
        self.accept()

    def _failed_text(self, text: str) -> None:
        self.buttons.setEnabled(True)
        self.error.setText(text)
        self.error.show()

    def _failed(self, exc) -> None:
        from app.domain.errors import UserError
        if isinstance(exc, UserError):
            self._failed_text(exc.message)
        else:
            self.buttons.setEnabled(True)
            show_error(self, exc)


class PayDialog(QDialog):
    """登记发放: the whole sheet paid on a date, by 打卡 or 现金, under a voucher number."""

    def __init__(self, sheet, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("登记发放"))
        today = clock.today()
        self.paid_on = QDateEdit(QDate(today.year, today.month, today.day))
        self.paid_on.setCalendarPopup(True)
        self.paid_on.setDisplayFormat("yyyy-MM-dd")
        self.method = QComboBox()
        for m in PayMethod:
            self.method.addItem(m.label, m.value)
        self.voucher = QLineEdit()
        self.voucher.setPlaceholderText(self.tr("如 记-2027-01-015"))
        form = QFormLayout(self)
        form.addRow(QLabel(self.tr("签领表 {no}：{n} 人，合计 {money}").format(
            no=sheet.sheet_no, n=sheet.count, money=format_yuan(sheet.total_fen))))
        form.addRow(self.tr("发放日期"), self.paid_on)
        form.addRow(self.tr("发放方式"), self.method)
        form.addRow(self.tr("凭证号"), self.voucher)
        buttons = ok_cancel(self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> tuple:
        return pydate(self.paid_on.date()), self.method.currentData(), self.voucher.text()


class CampaignsPage(Page):
    title = "帮扶活动"
    areas = frozenset({"hardship"})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.loaded = None
        self.pdf_dialog = None
        self.dialog: QDialog | None = None
        self._current_id: int | None = None
        self.campaign_list = QListWidget()
        self.campaign_list.currentItemChanged.connect(lambda cur, _prev: self._selected(cur))
        self.new_button = QPushButton(self.tr("新建活动…"))
        self.new_button.clicked.connect(self.new_campaign)
        self.new_button.setEnabled(allowed(ctx.actor.role, Perm.FILE_HARDSHIP))
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.campaign_list, 1)
        ll.addWidget(self.new_button)

        self.header = QLabel(self.tr("选择左侧的活动，或新建一个活动"))
        self.header.setWordWrap(True)
        self.hint = QLabel()
        self.hint.setStyleSheet(HINT_STYLE)
        self.hint.setWordWrap(True)
        self.approve_button = QPushButton(self.tr("审批通过"))
        self.approve_button.clicked.connect(self.approve)
        self.preview_button = QPushButton(self.tr("预览/打印签领表…"))
        self.preview_button.clicked.connect(self.preview)
        self.xlsx_button = QPushButton(self.tr("导出签领表 Excel…"))
        self.xlsx_button.clicked.connect(self.export_xlsx)
        self.remove_button = QPushButton(self.tr("移出所选"))
        self.remove_button.setToolTip(self.tr("审批前从名单中移出所选的户（可按住 Ctrl/Shift 多选）"))
        self.remove_button.clicked.connect(self.remove_selected)
        self.pay_button = QPushButton(self.tr("登记发放…"))
        self.pay_button.clicked.connect(self.record_paid)
        bar = QHBoxLayout()
        for b in (self.remove_button, self.approve_button, self.preview_button, self.xlsx_button,
                  self.pay_button):
            bar.addWidget(b)
        bar.addStretch(1)
        self.model = BatchModel(self)
        self.table = read_only_rows(QTableView(), single=False)
        self.table.setModel(self.model)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.header)
        rl.addLayout(bar)
        rl.addWidget(self.hint)
        rl.addWidget(self.table, 1)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        split.setSizes([240, 900])
        QVBoxLayout(self).addWidget(split)
        self._buttons()

    # ---- reading
    def refresh(self) -> None:
        ops.list_campaigns(self, self.ctx, on_done=self._listed)

    def _listed(self, records) -> None:
        keep = self._current_id
        self.campaign_list.blockSignals(True)
        self.campaign_list.clear()
        for r in records:
            item = QListWidgetItem(f"{r.name}\n{r.state.label} · {r.count} 户 · {format_yuan(r.total_fen)}")
            item.setData(ID_ROLE, r.id)
            self.campaign_list.addItem(item)
        self.campaign_list.blockSignals(False)
        for i in range(self.campaign_list.count()):
            if self.campaign_list.item(i).data(ID_ROLE) == keep:
                self.campaign_list.setCurrentRow(i)
                return
        if self.campaign_list.count():
            self.campaign_list.setCurrentRow(0)

    def select_campaign(self, campaign_id: int) -> None:
        self._current_id = campaign_id
        self.refresh()

    def _selected(self, item) -> None:
        if item is None:
            return
        self._current_id = item.data(ID_ROLE)
        ops.load_campaign(self, self.ctx, self._current_id, on_done=self._loaded)

    def _loaded(self, loaded) -> None:
        if loaded.detail.campaign.id != self._current_id:
            return
        self.loaded = loaded
        c = loaded.detail.campaign
        if c.kind is CampaignKind.WARMTH:
            amount = self.tr("每户 {money}").format(money=format_yuan(c.amount_fen or 0))
        else:
            labels = {lv.value: lv.label for lv in STUDY_LEVELS}
            parts = [f"{labels.get(k, k)}{format_yuan(v)}" for k, v in c.level_amounts.get("filed", {}).items()]
            amount = self.tr("建档：") + "、".join(parts)
            if c.level_amounts.get("unfiled"):
                amount += self.tr("；未建档：") + "、".join(
                    f"{labels.get(k, k)}{format_yuan(v)}" for k, v in c.level_amounts["unfiled"].items())
        self.header.setText(self.tr("{name}（{kind}）　资金来源：{fund}　发放日期：{on}　{amount}\n"
                                    "状态：{state}　共 {n} 户（人），合计 {total}，已发放 {paid} 户").format(
            name=c.name, kind=c.kind.label, fund=c.fund_name, on=f"{c.assist_on:%Y-%m-%d}", amount=amount,
            state=c.state.label, n=c.count, total=format_yuan(c.total_fen), paid=c.paid_count))
        self.model.set_rows(loaded.detail.rows)
        self.table.resizeColumnsToContents()
        sheets = "；".join(self.tr("签领表 {no}（{n} 人，{money}，{paid}）").format(
            no=s.sheet_no, n=s.count, money=format_yuan(s.total_fen), paid="已发放" if s.paid else "待发放")
            for s in loaded.sheets)
        self.hint.setText(sheets or self.tr("待负责人审批；审批通过后生成签领表"))
        self._buttons()

    def _sheet(self):
        return self.loaded.sheets[0] if self.loaded and self.loaded.sheets else None

    def _buttons(self) -> None:
        role = self.ctx.actor.role
        c = self.loaded.detail.campaign if self.loaded else None
        sheet = self._sheet()
        self.approve_button.setEnabled(c is not None and c.state is CampaignState.DRAFT
                                       and allowed(role, Perm.APPROVE_HARDSHIP))
        self.remove_button.setEnabled(c is not None and c.state is CampaignState.DRAFT
                                      and allowed(role, Perm.FILE_HARDSHIP))
        self.preview_button.setEnabled(sheet is not None)
        self.xlsx_button.setEnabled(sheet is not None)
        self.pay_button.setEnabled(sheet is not None and not sheet.paid and allowed(role, Perm.PAY_HARDSHIP))

    # ---- actions
    def new_campaign(self) -> None:
        self.dialog = dlg = CampaignDialog(self.ctx, self)
        dlg.accepted.connect(lambda: dlg.result_record and self.select_campaign(dlg.result_record.id))
        dlg.open()

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        if not rows or self._current_id is None:
            return
        ids = [self.model.rows[r].payment_id for r in rows]
        ops.remove_from_campaign(self, self.ctx, self._current_id, ids,
                                 on_done=lambda r: self.select_campaign(r.id))

    def approve(self) -> None:
        if self._current_id is None:
            return
        self.approve_button.setEnabled(False)
        ops.approve_campaign(self, self.ctx, self._current_id,
                             on_done=lambda r: self.select_campaign(r.id),
                             on_error=lambda e: (self._buttons(), show_error(self, e)))

    def preview(self) -> None:
        sheet = self._sheet()
        if sheet is not None:
            ops.sheet_pdf(self, self.ctx, sheet.id, on_done=lambda data: self._show(sheet, data))

    def _show(self, sheet, data: bytes) -> None:
        from ui.pdfview import PdfDialog
        self.pdf_dialog = PdfDialog(data, self.tr("签领表 ") + sheet.sheet_no, f"{sheet.title}（{sheet.sheet_no}）.pdf",
                                    self)
        self.pdf_dialog.open()

    def export_xlsx(self) -> None:
        sheet = self._sheet()
        if sheet is None:
            return
        path = save_file(self, Purpose.EXPORT, self.tr("导出签领表"), XLSX_FILTER,
                         f"{sheet.title}（{sheet.sheet_no}）.xlsx")
        if path:
            ops.save_sheet_xlsx(self, self.ctx, sheet.id, str(path))

    def record_paid(self) -> None:
        sheet = self._sheet()
        if sheet is None:
            return
        self.dialog = dlg = PayDialog(sheet, self)

        def done() -> None:
            on, method, voucher = dlg.values()
            ops.record_sheet_paid(self, self.ctx, sheet.id, on, method, voucher,
                                  on_done=lambda _r: self.select_campaign(self._current_id))
        dlg.accepted.connect(done)
        dlg.open()
