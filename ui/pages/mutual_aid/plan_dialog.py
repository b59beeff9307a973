"""The plan form (新建互助计划 / 修改互助计划): the plan's year, code, premium, 份, term, eligibility,
waiting period and grace on the left; its benefit rule by type on the right (住院津贴: deductible,
daily amount, per-stay days, readmission window; 定额给付: the diagnosis tiers table; 住院医疗: 起付
and ratio; every type: the per-term cap).

GUI thread only. Loading and saving go through ``ui.operations.mutual_aid``; the plan service
checks every field (all errors at once, shown above the buttons, the first bad field focused). A
plan that already has members or claims opens with the fields it may no longer change locked and
the reason above them — the same sets the service refuses with (``load_plan`` hands them over).
"""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDateEdit, QFormLayout,
                               QGroupBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QPlainTextEdit, QPushButton, QSizePolicy, QSpinBox,
                               QStackedWidget,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from app.domain import clock
from app.domain.errors import Conflict, ValidationError
from app.domain.mutual_aid import PlanKind
from ui.context import AppContext
from ui.dialogs.person_dialog import FormDialog
from ui.operations import mutual_aid as ma_ops
from ui.util import ERROR_STYLE, pydate, qdate
from ui.windows import fit_to_screen

KIND_PAGES = (PlanKind.DAILY, PlanKind.LUMP, PlanKind.REIMBURSE)


def _spin(lo: int, hi: int, suffix: str = "") -> QSpinBox:
    box = QSpinBox()
    box.setRange(lo, hi)
    if suffix:
        box.setSuffix(suffix)
    return box


def _money(placeholder: str = "元") -> QLineEdit:
    edit = QLineEdit()
    edit.setPlaceholderText(placeholder)
    edit.setMaximumWidth(140)
    return edit


def _date_edit() -> QDateEdit:
    d = QDateEdit()
    d.setCalendarPopup(True)
    d.setDisplayFormat("yyyy-MM-dd")
    return d


class AgeRange(QWidget):
    """「[x] 可参保  16 — 60 周岁」 for one gender; unchecked: that gender may not join."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.check = QCheckBox(self.tr("可参保"))
        self.low, self.high = _spin(0, 120), _spin(0, 120)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.check)
        row.addWidget(self.low)
        row.addWidget(QLabel("—"))
        row.addWidget(self.high)
        row.addWidget(QLabel(self.tr("周岁")))
        row.addStretch(1)
        self.check.toggled.connect(self._toggled)

    def _toggled(self, on: bool) -> None:
        self.low.setEnabled(on and self.isEnabled())
        self.high.setEnabled(on and self.isEnabled())

    def set_value(self, ages: tuple[int, int] | None) -> None:
        self.check.setChecked(ages is not None)
        if ages is not None:
            self.low.setValue(ages[0])
            self.high.setValue(ages[1])
        self._toggled(ages is not None)

    def value(self) -> tuple[int, int] | None:
        return (self.low.value(), self.high.value()) if self.check.isChecked() else None


class TiersTable(QWidget):
    """The diagnosis tiers of a 定额给付 plan: 病种 and 给付金额 (元/份), rows added and removed."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels([self.tr("病种（档次）"), self.tr("给付金额（元/份）")])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.add_button = QPushButton(self.tr("添加病种"))
        self.remove_button = QPushButton(self.tr("删除所选"))
        self.add_button.clicked.connect(lambda: self.add_row())
        self.remove_button.clicked.connect(self.remove_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def add_row(self, name: str = "", amount: str = "") -> None:
        r = self.table.rowCount()
        self.table.insertRow(r)
        self.table.setItem(r, 0, QTableWidgetItem(name))
        amount_item = QTableWidgetItem(amount)
        amount_item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.table.setItem(r, 1, amount_item)

    def remove_selected(self) -> None:
        for r in sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True):
            self.table.removeRow(r)

    def set_rows(self, tiers) -> None:
        self.table.setRowCount(0)
        for name, amount in tiers:
            self.add_row(str(name), str(amount))

    def rows(self) -> tuple[tuple[str, str], ...]:
        def text(r: int, c: int) -> str:
            item = self.table.item(r, c)
            return item.text() if item is not None else ""
        return tuple((text(r, 0), text(r, 1)) for r in range(self.table.rowCount()))


class PlanDialog(FormDialog):
    """``PlanDialog(ctx, plan_id)`` edits a plan; ``PlanDialog(ctx, year=2027)`` makes a new one.
    ``saved`` carries the ``PlanRecord``."""

    load_op = staticmethod(ma_ops.load_plan)
    create_op = staticmethod(ma_ops.create_plan)
    update_op = staticmethod(ma_ops.update_plan)

    def __init__(self, ctx: AppContext, plan_id: int | None = None, parent: QWidget | None = None,
                 *, year: int | None = None):
        super().__init__(ctx, plan_id, parent)
        self.setWindowTitle(self.tr("修改互助计划") if plan_id else self.tr("新建互助计划"))
        self.allowed: frozenset[str] | None = None

        # ---- the plan
        self.year_spin = _spin(2000, 2100, self.tr(" 年"))
        self.code_edit = QLineEdit()
        self.code_edit.setPlaceholderText(self.tr("字母或数字，如 ZY；下一年度用同一编号即为续保"))
        self.name_edit = QLineEdit()
        self.kind_combo = QComboBox()
        for kind in KIND_PAGES:
            self.kind_combo.addItem(kind.label, kind.value)
        self.premium_edit = _money(self.tr("元/份"))
        self.shares_spin = _spin(1, 10, self.tr(" 份"))
        self.start_edit, self.end_edit = _date_edit(), _date_edit()
        term = QHBoxLayout()
        term.addWidget(self.start_edit)
        term.addWidget(QLabel(self.tr("至")))
        term.addWidget(self.end_edit)
        term.addStretch(1)
        self.male_ages, self.female_ages = AgeRange(), AgeRange()
        self.members_only_check = QCheckBox(self.tr("仅限工会会员"))
        self.waiting_spin = _spin(0, 365, self.tr(" 天"))
        self.waiting_spin.setToolTip(self.tr("首次参保自缴费次日起计算；观察期最后一天发生的事件不予给付"))
        self.grace_spin = _spin(0, 365, self.tr(" 天"))
        self.grace_spin.setToolTip(self.tr("上一保障期结束后这么多天内续保缴费，保障不中断，不再计观察期"))
        self.note_edit = QPlainTextEdit()
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setFixedHeight(56)

        plan_form = QFormLayout()
        plan_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        plan_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        for label, widget in ((self.tr("年度"), self.year_spin), (self.tr("计划编号"), self.code_edit),
                              (self.tr("计划名称"), self.name_edit), (self.tr("给付类型"), self.kind_combo),
                              (self.tr("每份保费"), self.premium_edit),
                              (self.tr("最多份数"), self.shares_spin), (self.tr("保障期"), term),
                              (self.tr("男性年龄"), self.male_ages),
                              (self.tr("女性年龄"), self.female_ages),
                              (self.tr("参保条件"), self.members_only_check),
                              (self.tr("观察期"), self.waiting_spin),
                              (self.tr("续保宽限期"), self.grace_spin), (self.tr("说明"), self.note_edit)):
            plan_form.addRow(label, widget)
        plan_box = QGroupBox(self.tr("计划"))
        plan_column = QVBoxLayout(plan_box)
        plan_column.addLayout(plan_form)
        plan_column.addStretch(1)

        # ---- the rule, by type
        self.deductible_spin = _spin(0, 365, self.tr(" 天"))
        self.daily_edit = _money(self.tr("元/天/份"))
        self.stay_cap_edit = QLineEdit()
        self.stay_cap_edit.setPlaceholderText(self.tr("天；不设上限请留空"))
        self.stay_cap_edit.setMaximumWidth(140)
        self.readmission_spin = _spin(0, 365, self.tr(" 天"))
        self.readmission_spin.setToolTip(self.tr("出院后这么多天内因同一病因再次住院，与前次合并为一次住院"))
        daily = QWidget()
        daily_form = QFormLayout(daily)
        daily_form.addRow(self.tr("免赔天数"), self.deductible_spin)
        daily_form.addRow(self.tr("每日津贴"), self.daily_edit)
        daily_form.addRow(self.tr("单次住院最高给付天数"), self.stay_cap_edit)
        daily_form.addRow(self.tr("再次住院合并天数"), self.readmission_spin)
        self.tiers = TiersTable()
        lump = QWidget()
        lump_layout = QVBoxLayout(lump)
        lump_layout.setContentsMargins(0, 0, 0, 0)
        lump_layout.addWidget(QLabel(self.tr("每个保障期给付一次，按确诊病种的金额 × 份数：")))
        lump_layout.addWidget(self.tiers, 1)
        self.threshold_edit = _money(self.tr("元"))
        self.ratio_edit = QLineEdit()
        self.ratio_edit.setPlaceholderText(self.tr("%，例如 80"))
        self.ratio_edit.setMaximumWidth(140)
        reimburse = QWidget()
        reimburse_form = QFormLayout(reimburse)
        reimburse_form.addRow(self.tr("起付标准"), self.threshold_edit)
        reimburse_form.addRow(self.tr("报销比例"), self.ratio_edit)
        reimburse_form.addRow(QLabel(self.tr("给付 = (自付费用 − 起付标准) × 报销比例")))
        self.rule_stack = QStackedWidget()
        for w in (daily, lump, reimburse):
            self.rule_stack.addWidget(w)
        self.cap_edit = _money(self.tr("元/份；不设上限请留空"))
        self.cap_edit.setMaximumWidth(200)
        cap_form = QFormLayout()
        cap_form.addRow(self.tr("本期最高给付额"), self.cap_edit)
        rule_layout = QVBoxLayout()
        rule_layout.addWidget(self.rule_stack, 1)
        rule_layout.addLayout(cap_form)
        rule_box = QGroupBox(self.tr("给付规则"))
        rule_box.setLayout(rule_layout)
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)

        self.lock_label = QLabel()
        self.lock_label.setWordWrap(True)
        self.lock_label.setStyleSheet(ERROR_STYLE)
        self.lock_label.hide()

        columns = QHBoxLayout()
        columns.addWidget(plan_box, 3)
        columns.addWidget(rule_box, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.lock_label)
        layout.addLayout(columns, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

        # field label (as the service names it) → widget, for focusing errors
        self.fields.update({
            "年度": self.year_spin, "计划编号": self.code_edit, "计划名称": self.name_edit,
            "给付类型": self.kind_combo, "每份保费": self.premium_edit, "最多份数": self.shares_spin,
            "保障期": self.start_edit, "保障期开始": self.start_edit, "保障期结束": self.end_edit,
            "男性年龄": self.male_ages, "女性年龄": self.female_ages, "参保年龄": self.male_ages,
            "观察期": self.waiting_spin, "续保宽限期": self.grace_spin, "免赔天数": self.deductible_spin,
            "每日津贴": self.daily_edit, "单次住院最高给付天数": self.stay_cap_edit,
            "再次住院合并天数": self.readmission_spin, "病种档次": self.tiers.table,
            "起付标准": self.threshold_edit, "报销比例": self.ratio_edit,
            "本期最高给付额": self.cap_edit, "说明": self.note_edit})
        # plan column → its widgets (locking what may no longer change)
        self.column_widgets: dict[str, tuple[QWidget, ...]] = {
            "year": (self.year_spin,), "code": (self.code_edit,), "name": (self.name_edit,),
            "kind": (self.kind_combo,), "premium_fen": (self.premium_edit,),
            "max_shares": (self.shares_spin,), "term_start": (self.start_edit,),
            "term_end": (self.end_edit,), "male_min_age": (self.male_ages,),
            "female_min_age": (self.female_ages,), "members_only": (self.members_only_check,),
            "waiting_days": (self.waiting_spin,), "renewal_grace_days": (self.grace_spin,),
            "deductible_days": (self.deductible_spin,), "daily_fen": (self.daily_edit,),
            "stay_day_cap": (self.stay_cap_edit,), "readmission_days": (self.readmission_spin,),
            "tiers": (self.tiers,), "threshold_fen": (self.threshold_edit,),
            "ratio_bp": (self.ratio_edit,), "term_cap_fen": (self.cap_edit,), "note": (self.note_edit,)}

        fit_to_screen(self, QSize(960, 600))
        if plan_id is None:
            self.save_button.setEnabled(False)
            ma_ops.new_plan_form(self, ctx, year or clock.today().year, on_done=self._blank,
                                 on_error=self._load_failed)
        else:
            self.load()

    def _kind_changed(self, index: int) -> None:
        self.rule_stack.setCurrentIndex(index)
        if self.kind_combo.currentData() == PlanKind.LUMP.value and not self.tiers.table.rowCount():
            self.tiers.add_row()            # a first row to type the first diagnosis into

    # -------------------------------------------------------------- loading

    def _blank(self, form) -> None:
        self.fill_form(form)
        self.save_button.setEnabled(True)

    def _loaded(self, loaded) -> None:
        record, form, allowed = loaded
        self.record = record
        self.fill_form(form)
        self.lock(record, allowed)
        self.save_button.setEnabled(True)

    def fill(self, record) -> None:       # FormDialog's hook; ``_loaded`` above does the work
        self.fill_form(record)

    def fill_form(self, f) -> None:
        self.year_spin.setValue(int(f.year))
        self.code_edit.setText(f.code)
        self.name_edit.setText(f.name)
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(PlanKind(f.kind).value)))
        self.rule_stack.setCurrentIndex(self.kind_combo.currentIndex())
        self.premium_edit.setText(str(f.premium))
        self.shares_spin.setValue(int(f.max_shares))
        for edit, day in ((self.start_edit, f.term_start), (self.end_edit, f.term_end)):
            if isinstance(day, date):
                edit.setDate(qdate(day))
        self.male_ages.set_value(f.male_ages)
        self.female_ages.set_value(f.female_ages)
        self.members_only_check.setChecked(bool(f.members_only))
        self.waiting_spin.setValue(int(f.waiting_days))
        self.grace_spin.setValue(int(f.renewal_grace_days))
        self.deductible_spin.setValue(int(f.deductible_days or 0))
        self.daily_edit.setText(str(f.daily or ""))
        self.stay_cap_edit.setText("" if f.stay_day_cap in (None, "") else str(f.stay_day_cap))
        self.readmission_spin.setValue(int(f.readmission_days))
        self.tiers.set_rows(f.tiers)
        self.threshold_edit.setText(str(f.threshold or ""))
        self.ratio_edit.setText(str(f.ratio_percent))
        self.cap_edit.setText(str(f.term_cap or ""))
        self.note_edit.setPlainText(f.note)

    def lock(self, record, allowed: frozenset[str] | None) -> None:
        """Lock the fields that may no longer change, with the reason above them."""
        self.allowed = allowed
        if allowed is None:
            self.lock_label.hide()
            return
        if record.claims:
            why = self.tr("此计划已有 %n 件申请按现在的规则计算，给付规则不能再改，只能修改名称和说明。"
                          "如规则有变，请新建下一年度的计划。", "", record.claims)
        else:
            why = self.tr("此计划已有 %n 人参保：保费、份数、保障期、观察期、续保宽限期和参保条件不能再改；"
                          "给付标准仍可修改（只影响今后计算的申请）。", "", record.members)
        self.lock_label.setText(why)
        self.lock_label.show()
        for column, widgets in self.column_widgets.items():
            for w in widgets:
                w.setEnabled(column in allowed)
                if column not in allowed:
                    w.setToolTip(why)

    # -------------------------------------------------------------- saving

    def form_input(self):
        from app.services.mutual_aid.plans import PlanInput   # on saving only: keeps the page light
        return PlanInput(
            year=self.year_spin.value(), code=self.code_edit.text(), name=self.name_edit.text(),
            kind=self.kind_combo.currentData(), premium=self.premium_edit.text(),
            max_shares=self.shares_spin.value(), term_start=pydate(self.start_edit.date()),
            term_end=pydate(self.end_edit.date()), male_ages=self.male_ages.value(),
            female_ages=self.female_ages.value(), members_only=self.members_only_check.isChecked(),
            waiting_days=self.waiting_spin.value(), renewal_grace_days=self.grace_spin.value(),
            deductible_days=self.deductible_spin.value(), daily=self.daily_edit.text(),
            stay_day_cap=self.stay_cap_edit.text(), readmission_days=self.readmission_spin.value(),
            tiers=self.tiers.rows(), threshold=self.threshold_edit.text(),
            ratio_percent=self.ratio_edit.text(), term_cap=self.cap_edit.text(),
            note=self.note_edit.toPlainText())

    def save_failed(self, exc: BaseException) -> None:
        """A refusal (the plan is in use) is shown above the buttons like a field error."""
        if isinstance(exc, Conflict) and not isinstance(exc, ValidationError):
            self.saving = False
            self.save_button.setEnabled(True)
            self.error_label.show_errors([("", exc.message)])
            return
        super().save_failed(exc)

