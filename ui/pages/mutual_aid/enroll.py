"""参保登记: an employer union's roster for one plan — choose the xlsx, see every row checked (bad
rows by their sheet row number with the reason, ID numbers masked), import all rows or none, save
the check as an xlsx (reason first), download the blank template; and the premium batches of the
plan (premium total per union) with their payment, which starts each member's cover.

GUI thread only; reads and writes through ``ui.operations.mutual_aid``. ``ask_open_path`` /
``ask_save_path`` wrap the file dialogs (``ui.file_dialogs``) so tests can answer them.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QCheckBox, QDateEdit, QDialog, QFormLayout, QGridLayout, QGroupBox,
                               QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton, QSplitter,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from app.domain import clock
from app.domain.errors import UserError, ValidationError
from app.domain.money import format_yuan, parse_yuan
from app.domain.permissions import LABELS as PERM_LABELS
from app.domain.permissions import Perm, allowed
from ui.context import AppContext
from ui.dialogs.person_dialog import ErrorLabel
from ui.file_dialogs import Purpose, open_file, save_file
from ui.operations import mutual_aid as ma_ops
from ui.pages.base import Page
from ui.pages.mutual_aid.pickers import EmployerPicker, PlanCombo
from ui.util import ERROR_STYLE, HINT_STYLE, ok_cancel, pydate, qdate, read_only_rows
from ui.windows import fit_to_screen

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
BAD_COLOUR = QColor("#b3261e")
ID_ROLE = Qt.ItemDataRole.UserRole + 1
OK_TEXT = "通过"


def _item(text: str, align=None) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if align is not None:
        item.setTextAlignment(align)
    return item


def _date_edit() -> QDateEdit:
    d = QDateEdit()
    d.setCalendarPopup(True)
    d.setDisplayFormat("yyyy-MM-dd")
    d.setDate(qdate(clock.today()))
    return d


class PaymentDialog(QDialog):
    """登记缴费 for one premium batch: the day received (cover starts the next day), the amount
    (default: the premium due) and the voucher. ``payment()`` gives (date, fen, voucher) or raises
    ValidationError."""

    def __init__(self, batch, parent: QWidget | None = None):
        super().__init__(parent)
        self.batch = batch
        self.setWindowTitle(self.tr("登记缴费"))
        self.date_edit = _date_edit()
        if batch.paid_on is not None:
            self.date_edit.setDate(qdate(batch.paid_on))
        self.amount_edit = QLineEdit(f"{batch.premium_fen / 100:.2f}" if not batch.paid_fen
                                     else f"{batch.paid_fen / 100:.2f}")
        self.ref_edit = QLineEdit(batch.payment_ref)
        self.ref_edit.setPlaceholderText(self.tr("银行回单号或收据号"))
        self.error_label = ErrorLabel(self)
        form = QFormLayout()
        form.addRow(self.tr("单位"), QLabel(batch.employer_name))
        form.addRow(self.tr("计划"), QLabel(batch.plan_code))
        form.addRow(self.tr("参保"), QLabel(f"{batch.members:,} 人，{batch.shares:,} 份"))
        form.addRow(self.tr("应缴保费"), QLabel(format_yuan(batch.premium_fen)))
        form.addRow(self.tr("缴费日期"), self.date_edit)
        form.addRow(self.tr("实缴金额（元）"), self.amount_edit)
        form.addRow(self.tr("凭证号"), self.ref_edit)
        hint = QLabel(self.tr("保障自缴费次日开始；首次参保从那天起计观察期，上期结束后宽限期内续保的不计观察期。"))
        hint.setWordWrap(True)
        hint.setStyleSheet(HINT_STYLE)
        buttons = ok_cancel(self)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        fit_to_screen(self, QSize(460, 320))

    def payment(self):
        fen = parse_yuan(self.amount_edit.text(), "实缴金额")
        return pydate(self.date_edit.date()), fen, self.ref_edit.text().strip()

    def _accept(self) -> None:
        try:
            self.payment()
        except ValidationError as e:
            self.error_label.show_errors(e.errors)
            return
        self.accept()


class EnrollPage(Page):
    title = "参保登记"
    areas = frozenset({"mutual_aid"})

    ROW_HEADERS = ("行号", "结果", "姓名", "身份证号", "性别", "年龄", "份数", "保费", "续保", "新登记人员")
    BATCH_HEADERS = ("单位", "人数", "份数", "应缴保费", "实缴", "缴费日期", "凭证号", "名单文件")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.path: str | None = None
        self.check = None                   # the last RosterCheck shown
        self.imported = False
        self.batches: list = []
        self.dialog: QDialog | None = None
        may = allowed(ctx.actor.role, Perm.MA_ENROLL)

        self.employer_picker = EmployerPicker(ctx)
        self.plan_combo = PlanCombo(ctx)
        self.path_edit = QLineEdit()
        self.path_edit.setReadOnly(True)
        self.path_edit.setPlaceholderText(self.tr("选择单位工会报来的参保名单（Excel：姓名、性别、身份证号、份数）"))
        self.choose_button = QPushButton(self.tr("选择名单文件…"))
        self.template_button = QPushButton(self.tr("下载空白模板…"))
        self.paid_check = QCheckBox(self.tr("已缴费，缴费日期"))
        self.paid_date = _date_edit()
        self.paid_date.setEnabled(False)
        self.ref_edit = QLineEdit()
        self.ref_edit.setPlaceholderText(self.tr("凭证号（可不填）"))
        self.ref_edit.setEnabled(False)
        self.paid_check.toggled.connect(self.paid_date.setEnabled)
        self.paid_check.toggled.connect(self.ref_edit.setEnabled)
        self.check_button = QPushButton(self.tr("检查名单"))
        self.import_button = QPushButton(self.tr("全部导入"))
        self.import_button.setEnabled(False)
        self.report_button = QPushButton(self.tr("保存检查结果…"))
        self.report_button.setEnabled(False)
        self.bad_only = QCheckBox(self.tr("只看未通过的行"))
        self.bad_only.toggled.connect(lambda _on: self._show_rows())
        if not may:
            why = self.tr("需要「") + PERM_LABELS[Perm.MA_ENROLL] + self.tr("」权限")
            for w in (self.import_button, self.paid_check):
                w.setToolTip(why)
            self.paid_check.setEnabled(False)
        self.may_enroll = may

        grid = QGridLayout()
        grid.addWidget(QLabel(self.tr("单位工会")), 0, 0)
        grid.addWidget(self.employer_picker, 0, 1)
        grid.addWidget(QLabel(self.tr("互助计划")), 0, 2)
        grid.addWidget(self.plan_combo, 0, 3)
        grid.addWidget(QLabel(self.tr("名单文件")), 1, 0)
        grid.addWidget(self.path_edit, 1, 1, 1, 3)
        files = QHBoxLayout()
        files.addWidget(self.choose_button)
        files.addWidget(self.template_button)
        grid.addLayout(files, 1, 4)
        pay = QHBoxLayout()
        pay.addWidget(self.paid_check)
        pay.addWidget(self.paid_date)
        pay.addWidget(self.ref_edit)
        pay.addStretch(1)
        grid.addLayout(pay, 2, 1, 1, 3)
        actions = QHBoxLayout()
        for b in (self.check_button, self.import_button, self.report_button):
            actions.addWidget(b)
        grid.addLayout(actions, 2, 4)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)

        self.summary = QLabel(self.tr("选择单位工会、计划和名单文件，然后点「检查名单」。每一行都会检查：身份证号校验位、"
                                      "性别和年龄、参保条件、份数、文件内重复和已参保。有一行不合格，整份名单都不导入。"))
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.rows_table = read_only_rows(QTableWidget(0, len(self.ROW_HEADERS)))
        self.rows_table.setHorizontalHeaderLabels(list(self.ROW_HEADERS))
        self.rows_table.horizontalHeader().setStretchLastSection(False)
        self.rows_table.verticalHeader().setDefaultSectionSize(24)
        self.rows_table.setAlternatingRowColors(True)
        result = QWidget()
        rl = QVBoxLayout(result)
        rl.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        head.addWidget(self.summary, 1)
        head.addWidget(self.bad_only)
        rl.addLayout(head)
        rl.addWidget(self.rows_table, 1)

        self.batch_table = read_only_rows(QTableWidget(0, len(self.BATCH_HEADERS)))
        self.batch_table.setHorizontalHeaderLabels(list(self.BATCH_HEADERS))
        self.batch_table.horizontalHeader().setStretchLastSection(True)
        self.batch_table.verticalHeader().setDefaultSectionSize(24)
        self.batch_table.itemSelectionChanged.connect(self._update_buttons)
        self.batch_table.doubleClicked.connect(lambda _i: self.pay_selected())
        self.pay_button = QPushButton(self.tr("登记缴费…"))
        self.pay_button.setEnabled(False)
        self.pay_button.clicked.connect(self.pay_selected)
        self.batch_total = QLabel()
        self.batch_box = QGroupBox(self.tr("缴费批次"))
        bl = QVBoxLayout(self.batch_box)
        bl.addWidget(self.batch_table, 1)
        bb = QHBoxLayout()
        bb.addWidget(self.batch_total, 1)
        bb.addWidget(self.pay_button)
        bl.addLayout(bb)

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(result)
        split.addWidget(self.batch_box)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(split, 1)
        layout.addWidget(self.message)

        self.choose_button.clicked.connect(self.choose_file)
        self.template_button.clicked.connect(self.save_template)
        self.check_button.clicked.connect(self.check_file)
        self.import_button.clicked.connect(self.import_file)
        self.report_button.clicked.connect(self.save_report)
        self.plan_combo.currentIndexChanged.connect(lambda _i: self._inputs_changed())
        self.plan_combo.currentIndexChanged.connect(lambda _i: self.load_batches())
        self.employer_picker.editTextChanged.connect(lambda _t: self._inputs_changed())

    # ------------------------------------------------------------ loading

    def refresh(self) -> None:
        self.plan_combo.reload()
        self.load_batches()

    def load_batches(self) -> None:
        pid = self.plan_combo.plan_id()
        if pid is None:
            self._show_batches([])
            return
        ma_ops.list_batches(self, self.ctx, pid, on_done=self._show_batches, on_error=self._show_error)

    def _show_batches(self, batches) -> None:
        self.batches = list(batches)
        plan = self.plan_combo.plan()
        self.batch_box.setTitle(self.tr("缴费批次") + (f"：{plan.label}" if plan else ""))
        t = self.batch_table
        t.setRowCount(0)
        for b in self.batches:
            r = t.rowCount()
            t.insertRow(r)
            cells = (b.employer_name, f"{b.members:,}", f"{b.shares:,}", format_yuan(b.premium_fen),
                     format_yuan(b.paid_fen) if b.paid_on else "", b.paid_on.isoformat() if b.paid_on else
                     self.tr("未缴费"), b.payment_ref, b.source_file)
            for c, text in enumerate(cells):
                item = _item(text, RIGHT if c in (1, 2, 3, 4) else None)
                item.setData(ID_ROLE, b.id)
                if c == 5 and b.paid_on is None:
                    item.setForeground(BAD_COLOUR)
                t.setItem(r, c, item)
        t.resizeColumnsToContents()
        due = sum(b.premium_fen for b in self.batches)
        paid = sum(b.paid_fen for b in self.batches if b.paid_on)
        unpaid = sum(1 for b in self.batches if b.paid_on is None)
        self.batch_total.setText(
            self.tr("共 %n 个单位", "", len(self.batches))
            + f"，{sum(b.members for b in self.batches):,} 人，应缴 {format_yuan(due)}，实缴 {format_yuan(paid)}"
            + (f"；{unpaid} 个单位未缴费" if unpaid else ""))
        self._update_buttons()

    # ------------------------------------------------------------ the roster

    def ask_open_path(self) -> str | None:
        return open_file(self, Purpose.ROSTER, self.tr("选择参保名单"),
                         self.tr("Excel 工作簿 (*.xlsx);;所有文件 (*)"))

    def ask_save_path(self, title: str, suggested: str) -> str | None:
        return save_file(self, Purpose.EXPORT, title, self.tr("Excel 工作簿 (*.xlsx)"), suggested)

    def choose_file(self) -> None:
        path = self.ask_open_path()
        if not path:
            return
        self.set_path(path)
        self.check_file()

    def set_path(self, path: str) -> None:
        self.path = path
        self.path_edit.setText(path)
        self._inputs_changed()

    def _inputs_changed(self) -> None:
        """Another file, union or plan: the last check no longer applies."""
        self.import_button.setEnabled(False)
        self.imported = False

    def _inputs(self):
        errors = []
        employer = self.employer_picker.employer()
        if employer == "":
            errors.append(("单位工会", "请选择报名单的单位工会"))
        if self.plan_combo.plan_id() is None:
            errors.append(("互助计划", "请先在「互助计划」中设置计划"))
        if not self.path:
            errors.append(("名单文件", "请选择名单文件"))
        if errors:
            raise ValidationError(errors)
        return employer, self.plan_combo.plan_id()

    def check_file(self) -> None:
        try:
            employer, plan_id = self._inputs()
        except ValidationError as e:
            self._show_error(e)
            return
        self._info(self.tr("正在检查…"))
        path = self.path
        ma_ops.check_roster(self, self.ctx, path, employer, plan_id,
                            on_done=lambda check: self.show_check(check, path),
                            on_error=self._show_error)

    def show_check(self, check, path: str | None = None) -> None:
        self.check = check
        self.imported = False
        self._show_rows()
        if check.ok:
            self._set_summary(check.summary + self.tr("。检查通过，可以「全部导入」。"), ok=True)
            self._info("")
        else:
            self._set_summary(check.summary, ok=False)
            self._info("")
        self.bad_only.setEnabled(bool(check.bad))
        self.import_button.setEnabled(check.ok and self.may_enroll and path == self.path)
        self.report_button.setEnabled(bool(check.bad or check.file_error))

    def _set_summary(self, text: str, ok: bool) -> None:
        self.summary.setText(text)
        self.summary.setStyleSheet("" if ok else ERROR_STYLE)

    def _show_rows(self) -> None:
        check = self.check
        t = self.rows_table
        t.setRowCount(0)
        if check is None or check.file_error:
            return
        rows = [(b.row, b) for b in check.bad]
        if not (self.bad_only.isChecked() and check.bad):
            rows += [(g.row, g) for g in check.good]
        bad_ids = {id(b) for b in check.bad}
        for _n, x in sorted(rows, key=lambda pair: pair[0]):
            r = t.rowCount()
            t.insertRow(r)
            if id(x) in bad_ids:
                cells = (str(x.row), x.reason, x.name, x.id_masked, x.gender, "", x.shares, "", "", "")
            else:
                cells = (str(x.row), OK_TEXT, x.name, x.id_masked, x.gender, str(x.age), str(x.shares),
                         format_yuan(x.premium_fen), "续保" if x.renewal else "",
                         "新登记" if x.new_person else "")
            for c, text in enumerate(cells):
                item = _item(text, RIGHT if c in (0, 5, 6, 7) else None)
                if id(x) in bad_ids:
                    item.setForeground(BAD_COLOUR)
                    if c == 1:
                        item.setToolTip(text)
                t.setItem(r, c, item)
        t.resizeColumnsToContents()
        t.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)   # reasons whole

    def import_file(self) -> None:
        check = self.check
        if check is None or not check.ok or not self.path:
            return
        paid_on = pydate(self.paid_date.date()) if self.paid_check.isChecked() else None
        self.import_button.setEnabled(False)
        path = self.path
        ma_ops.import_roster(self, self.ctx, path, self.employer_picker.employer(),
                             self.plan_combo.plan_id(), paid_on,
                             self.ref_edit.text().strip() if paid_on else "",
                             on_done=lambda done: self._imported(done, paid_on),
                             on_error=self._import_failed)

    def _imported(self, check, paid_on) -> None:
        self.check = check
        self.imported = True
        self._show_rows()
        paid = (self.tr("，缴费日期 ") + paid_on.isoformat() + self.tr("，保障自次日开始") if paid_on
                else self.tr("；保费到账后请在下方「缴费批次」中登记缴费，保障自缴费次日开始"))
        self._set_summary(self.tr("已导入：") + check.summary + paid, ok=True)
        self.report_button.setEnabled(False)
        self.load_batches()

    def _import_failed(self, exc: BaseException) -> None:
        rejected = getattr(exc, "check", None)
        if rejected is not None:            # RosterRejected: the rows changed since the check
            self.show_check(rejected, self.path)
            return
        self.import_button.setEnabled(self.check is not None and self.check.ok)
        self._show_error(exc)

    def save_report(self) -> None:
        check = self.check
        if check is None:
            return
        stem = Path(self.path).stem if self.path else self.tr("参保名单")
        path = self.ask_save_path(self.tr("保存检查结果"), f"{stem}-检查结果.xlsx")
        if not path:
            return
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        ma_ops.save_roster_report(self, self.ctx, check, path,
                                  on_done=lambda n: self._info(self.tr("已保存 %n 行检查结果到 ", "", n) + path),
                                  on_error=self._show_error)

    def save_template(self) -> None:
        plan = self.plan_combo.plan()
        name = f"参保名单模板-{plan.code}.xlsx" if plan else "参保名单模板.xlsx"
        path = self.ask_save_path(self.tr("下载空白模板"), name)
        if not path:
            return
        if not path.lower().endswith(".xlsx"):
            path += ".xlsx"
        ma_ops.write_roster_template(self, self.ctx, path, plan.label if plan else "",
                                     on_done=lambda p: self._info(self.tr("空白模板已保存到 ") + str(p)),
                                     on_error=self._show_error)

    # ------------------------------------------------------------ payment

    def selected_batch(self):
        rows = self.batch_table.selectionModel().selectedRows()
        if not rows:
            return None
        bid = self.batch_table.item(rows[0].row(), 0).data(ID_ROLE)
        return next((b for b in self.batches if b.id == bid), None)

    def _update_buttons(self) -> None:
        self.pay_button.setEnabled(self.may_enroll and self.selected_batch() is not None)

    def pay_selected(self) -> PaymentDialog | None:
        batch = self.selected_batch()
        if batch is None or not self.may_enroll:
            return None
        dlg = PaymentDialog(batch, self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.accepted.connect(lambda: self.record_payment(batch.id, *dlg.payment()))
        self.dialog = dlg
        dlg.open()
        return dlg

    def record_payment(self, batch_id: int, paid_on, paid_fen: int, ref: str) -> None:
        ma_ops.record_payment(self, self.ctx, batch_id, paid_on, paid_fen, ref,
                              on_done=lambda b: self._info(
                                  self.tr("已登记缴费：") + f"{b.employer_name}，{b.paid_on.isoformat()}，"
                                  + format_yuan(b.paid_fen) + self.tr("；保障自次日开始")),
                              on_error=self._show_error)

    # ------------------------------------------------------------ messages

    def _info(self, text: str) -> None:
        self.message.setStyleSheet("")
        self.message.setText(text)

    def _show_error(self, exc: BaseException) -> None:
        self.message.setStyleSheet(ERROR_STYLE)
        if isinstance(exc, ValidationError):
            self.message.setText("；".join(f"{f}：{m}" if f else m for f, m in exc.errors))
        elif isinstance(exc, UserError):
            self.message.setText(exc.message)
        else:
            self.message.setText(f"{type(exc).__name__}: {exc}")
