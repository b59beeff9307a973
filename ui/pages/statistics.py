"""统计报表: pick a period (本月, 上月, 本季度, 本年… or a range of days; the report is a 日报, 月报, 季报,
年报 or 区间报表 by its days) and the report date, see T1–T3 on screen, click a figure to open the
records that make it, export the report to Excel or PDF (with progress and 取消).

The relative periods are ``app.domain.periods`` (the ones the list filters use); the figures, their
texts and the 「—」 rule are ``app.domain.statistics``. Everything is computed off the GUI thread
(``ui.operations.statistics``).
"""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDateEdit, QDialog, QDialogButtonBox,
                               QHBoxLayout, QHeaderView, QLabel, QPushButton,
                               QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget)

from app.domain import clock
from app.domain.enums import IssueType, Period
from app.domain.money import format_yuan
from app.domain.periods import resolve_period
from app.domain.statistics import (FIGURE_COLUMNS, Figure, PeriodKind, ReportPeriod, Unit,
                                   comparison_as_of, comparison_periods, figure_texts)
from ui.context import AppContext
from ui.file_dialogs import Purpose, save_file
from ui.operations.statistics import compute_report, export_report, list_records
from ui.pages.base import Page

CUSTOM = "custom"
CUSTOM_LABEL = "自定义日期"
# The relative periods offered here (a report covers a whole day, month, quarter or year).
PERIODS = (Period.TODAY, Period.THIS_MONTH, Period.LAST_MONTH, Period.THIS_QUARTER,
           Period.LAST_QUARTER, Period.THIS_YEAR, Period.LAST_YEAR)
# Columns of FIGURE_COLUMNS that open records, and the comparison period each stands for.
CLICKABLE = {1: "current", 3: "last_year", 5: "previous", 7: "ytd"}
KEY_ROLE = Qt.ItemDataRole.UserRole
T1_ROWS = ("intake.letters", "intake.calls", "intake.online", "intake.visit_batches",
           "intake.referrals", "intake.outreach", "intake.other", "intake.total",
           "intake.visit_persons", "intake.group_visit_batches", "intake.group_visit_persons",
           "intake.repeats", "intake.outreach_events")


def _table(columns, stretch: bool = True) -> QTableWidget:
    t = QTableWidget(0, len(columns))
    t.setHorizontalHeaderLabels(list(columns))
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
    t.verticalHeader().setVisible(False)
    head = t.horizontalHeader()
    if stretch:         # the figures share the width; the labels take what they need
        head.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
    else:
        head.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        head.setStretchLastSection(True)
    return t


class RecordsDialog(QDialog):
    """The records making one figure: their numbers and main columns, the count and the total."""

    def __init__(self, records, period_text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.records = records
        self.setWindowTitle(f"{records.label} — 明细")
        self.resize(900, 520)
        total = "" if records.unit is Unit.COUNT else f"，合计 {records.total_text}"
        self.summary = QLabel(f"{period_text}　「{records.label}」：共 {records.count} 条记录{total}")
        self.table = _table(records.columns, stretch=False)
        self.table.setRowCount(len(records.rows))
        for r, row in enumerate(records.rows):
            for c, text in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(text))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.summary)
        lay.addWidget(self.table)
        lay.addWidget(buttons)


class StatisticsPage(Page):
    title = "统计报表"
    areas = frozenset({"cases", "registrations"})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.report = None
        self._op = None
        self.last_dialog: RecordsDialog | None = None

        self.period_combo = QComboBox()
        for p in PERIODS:
            self.period_combo.addItem(p.label, p.value)
        self.period_combo.addItem(CUSTOM_LABEL, CUSTOM)
        self.period_combo.setCurrentIndex(PERIODS.index(Period.THIS_MONTH))
        self.date_from, self.date_to, self.as_of_edit = QDateEdit(), QDateEdit(), QDateEdit()
        for d in (self.date_from, self.date_to, self.as_of_edit):
            d.setCalendarPopup(True)
            d.setDisplayFormat("yyyy-MM-dd")
        self.as_of_edit.setDate(QDate(self.today()))
        self.kind_label = QLabel()
        self.compute_button = QPushButton("统计")
        self.xlsx_button = QPushButton("导出 Excel")
        self.pdf_button = QPushButton("导出 PDF")
        self.status = QLabel()
        self.status.setWordWrap(True)

        bar = QHBoxLayout()
        bar.addWidget(QLabel("统计期间"))
        bar.addWidget(self.period_combo)
        bar.addWidget(self.date_from)
        bar.addWidget(QLabel("—"))
        bar.addWidget(self.date_to)
        bar.addWidget(self.kind_label)
        bar.addSpacing(12)
        bar.addWidget(QLabel("统计截止日"))
        bar.addWidget(self.as_of_edit)
        bar.addWidget(self.compute_button)
        bar.addStretch(1)
        bar.addWidget(self.xlsx_button)
        bar.addWidget(self.pdf_button)

        self.t1 = _table(FIGURE_COLUMNS)
        self.t2 = _table(FIGURE_COLUMNS + tuple(t.label for t in IssueType))
        self.t3 = _table(FIGURE_COLUMNS)
        self.t4 = _table(FIGURE_COLUMNS)
        self.t4_funds = _table(("资金来源", "期初", "拨入", "支出", "期末"))
        t4_page = QWidget()
        t4_lay = QVBoxLayout(t4_page)
        t4_lay.setContentsMargins(0, 0, 0, 0)
        t4_lay.addWidget(self.t4, 3)
        t4_lay.addWidget(QLabel("帮扶资金（期初 + 拨入 − 支出 = 期末）"))
        t4_lay.addWidget(self.t4_funds, 1)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.t1, "表一 受理情况")
        self.tabs.addTab(self.t2, "表二 诉求类别×问题类型")
        self.tabs.addTab(self.t3, "表三 办理情况")
        self.tabs.addTab(t4_page, "表四 帮扶")
        for t in (self.t1, self.t2, self.t3, self.t4):
            t.cellClicked.connect(lambda r, c, t=t: self.open_figure(t, r, c))

        lay = QVBoxLayout(self)
        head = QLabel("统计报表")
        head.setStyleSheet("font-size: 16px; font-weight: bold;")
        lay.addWidget(head)
        lay.addLayout(bar)
        lay.addWidget(self.status)
        lay.addWidget(self.tabs, 1)
        hint = QLabel("单击本期、上年同期、上期或本年累计的数字，查看构成该数字的记录。比率的分母为零时显示「—」。")
        hint.setWordWrap(True)
        lay.addWidget(hint)

        self.period_combo.currentIndexChanged.connect(self._period_changed)
        self.date_from.dateChanged.connect(self._show_kind)
        self.date_to.dateChanged.connect(self._show_kind)
        self.compute_button.clicked.connect(self.refresh)
        self.xlsx_button.clicked.connect(lambda: self.export("xlsx"))
        self.pdf_button.clicked.connect(lambda: self.export("pdf"))
        self._period_changed()
        self._set_exports(False)

    # ------------------------------------------------------------------ period
    def today(self) -> date:
        """The day relative periods are resolved on (tests replace it)."""
        return clock.today()

    def set_today(self, today: date) -> None:
        """Resolve the periods on ``today`` and make it the report date (tests)."""
        self.today = lambda: today
        self.as_of_edit.setDate(QDate(today))
        self._period_changed()

    def _period_changed(self, *_args) -> None:
        code = self.period_combo.currentData()
        custom = code == CUSTOM
        for d in (self.date_from, self.date_to):
            d.setEnabled(custom)
        if not custom:
            start, end = resolve_period(code, self.today())
            self.date_from.setDate(QDate(start))
            self.date_to.setDate(QDate(end))
        self._show_kind()

    def period(self) -> ReportPeriod | None:
        start, end = self.date_from.date().toPython(), self.date_to.date().toPython()
        return ReportPeriod(start, end) if start <= end else None

    def as_of(self) -> date:
        return self.as_of_edit.date().toPython()

    def _show_kind(self, *_args) -> None:
        p = self.period()
        self.kind_label.setText(f"（{p.kind.label}）" if p else "（开始日晚于结束日）")

    def _set_exports(self, on: bool) -> None:
        self.xlsx_button.setEnabled(on)
        self.pdf_button.setEnabled(on)

    # ------------------------------------------------------------------ compute
    def refresh(self) -> None:
        p = self.period()
        if p is None:
            self.status.setText("统计期间的开始日晚于结束日，请调整。")
            return
        as_of = self.as_of()
        self.status.setText(f"正在统计 {p.label}（截止 {as_of.isoformat()}）…")
        self.compute_button.setEnabled(False)
        self._set_exports(False)
        self._op = compute_report(self, self.ctx, p, as_of, on_done=self.show_report,
                                  on_error=self._failed)

    def _failed(self, exc: BaseException) -> None:
        from ui.operations import show_error
        self.compute_button.setEnabled(True)
        self.status.setText("统计未完成。")
        show_error(self, exc)

    def _fill(self, table: QTableWidget, figures: list[Figure], daily: bool, extra=None) -> None:
        table.setRowCount(len(figures))
        for r, f in enumerate(figures):
            texts = figure_texts(f, daily) + (extra[r] if extra else [])
            for c, text in enumerate(texts):
                item = QTableWidgetItem(text)
                if c:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if c in CLICKABLE and f.unit is not Unit.RATE and text not in ("", "—", "0", "¥0.00"):
                    item.setData(KEY_ROLE, f.key)
                    item.setForeground(Qt.GlobalColor.blue)
                    item.setToolTip("单击查看构成该数字的记录")
                table.setItem(r, c, item)

    def show_report(self, report) -> None:
        self.report = report
        self.compute_button.setEnabled(True)
        self._set_exports(True)
        daily = report.kind is PeriodKind.DAY
        p = report.period
        self.status.setText(f"{p.label}{report.kind.label}（{p.start.isoformat()} 至 {p.end.isoformat()}，"
                            f"统计截止 {report.as_of.isoformat()}）")
        self._fill(self.t1, [report.figure(k) for k in T1_ROWS], daily)
        self._fill(self.t2, [row.figure for row in report.categories], daily,
                   [[str(row.cells[t.value]) for t in IssueType] for row in report.categories])
        self._fill(self.t3, list(report.handling), daily)
        self._fill(self.t4, list(report.hardship), daily)
        self.t4_funds.setRowCount(len(report.funds))
        for r, line in enumerate(report.funds):
            for c, text in enumerate((line.fund, format_yuan(line.opening), format_yuan(line.allocated),
                                      format_yuan(line.paid), format_yuan(line.closing))):
                item = QTableWidgetItem(text)
                if c:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.t4_funds.setItem(r, c, item)

    # ------------------------------------------------------------------ records
    def open_figure(self, table: QTableWidget, row: int, col: int) -> None:
        item = table.item(row, col)
        key = item.data(KEY_ROLE) if item is not None else None
        if not key or self.report is None:
            return
        which = CLICKABLE[col]
        period = comparison_periods(self.report.period)[which]
        as_of = comparison_as_of(which, self.report.as_of)
        text = f"{period.label}（截止 {min(as_of, period.end).isoformat()}）"
        self._op = list_records(self, self.ctx, key, period, as_of,
                                on_done=lambda recs: self._show_records(recs, text))

    def _show_records(self, records, period_text: str) -> None:
        dlg = RecordsDialog(records, period_text, self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.last_dialog = dlg
        dlg.show()

    # ------------------------------------------------------------------ export
    def ask_path(self, fmt: str) -> str | None:
        p = self.report.period
        name = f"统计报表_{p.start.isoformat()}_{p.end.isoformat()}.{fmt}"
        if fmt == "xlsx":
            return save_file(self, Purpose.EXPORT, "导出 Excel 报表", "Excel 工作簿 (*.xlsx)", name)
        return save_file(self, Purpose.PDF, "导出 PDF 报表", "PDF 文件 (*.pdf)", name)

    def export(self, fmt: str) -> None:
        if self.report is None:
            return
        path = self.ask_path(fmt)
        if not path:
            return
        self._op = export_report(self, self.ctx, self.report, path, fmt, self.today(),
                                 on_done=lambda out: self._exported(str(out)))

    def _exported(self, path: str) -> None:
        self.status.setText(f"报表已导出到：{path}")
