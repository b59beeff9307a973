"""工作台: the first page after signing in. A greeting, today's date, the office, a yellow banner
when the holiday calendar lacks this (or next) year, the petition-desk numbers (my open cases, due
within the warning days set, overdue, awaiting my approval, hot-spot warnings, today's registrations —
each a button that opens the list with that filter), the open warnings (managers acknowledge them
here), the charts of the last 12 months (受理量 by channel, 办结率, this month against last) and what
this person can do in the program.

Light on purpose (it is on screen at start-up): one background call reads the office name and the
calendar banner; a second one counts (``workbench.workbench_counts``, indexed counts) and may arrive
later.
"""
from __future__ import annotations

import logging
from datetime import date

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (QAbstractItemView, QFrame, QGridLayout, QHBoxLayout, QInputDialog, QLabel,
                               QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget)

from app.domain import clock
from app.domain.case_clock import DeadlineState
from app.domain.dates import format_cn
from app.domain.errors import UserError
from app.domain.permissions import Perm, allowed
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.operations.intake import acknowledge_warnings
from ui.operations.statistics import load_trend
from ui.operations.workbench import DeskData, WorkbenchData, load_desk, load_workbench
from ui.pages.base import Page
from ui.util import DEADLINE_COLOURS

log = logging.getLogger(__name__)

WEEKDAYS = "一二三四五六日"
BANNER_STYLE = ("background: #fff4c2; color: #5c4300; border: 1px solid #e0c050;"
                " border-radius: 4px; padding: 8px;")


def greeting_for(hour: int) -> str:
    if hour < 11:
        return "上午好"
    if hour < 13:
        return "中午好"
    if hour < 18:
        return "下午好"
    return "晚上好"


def due_soon_label(warn_workdays: int) -> str:
    """The 即将到期 counter's label from the office's setting (deadline.warn_workdays)."""
    return "今日到期" if warn_workdays <= 0 else f"{warn_workdays}个工作日内到期"


def today_text(today: date) -> str:
    """「2026年11月22日 星期日」"""
    return f"{format_cn(today)} 星期{WEEKDAYS[today.weekday()]}"


# (name, label, list page key); the filter comes from workbench.workbench_filters
COUNTERS = (
    ("my_open", "我的在办案件", "cases"),
    ("due_soon", due_soon_label(2), "cases"),       # relabelled from the setting when read
    ("overdue", "已超期", "cases"),
    ("awaiting_approval", "待我审批延期", "cases"),
    ("notice_pending", "受理告知书未送达", "cases"),
    ("warnings", "预警", None),
    ("today_registrations", "今日登记", "registrations"),
)
COUNTER_STYLE = "QPushButton { text-align: center; padding: 8px 14px; min-width: 96px; }"
ALERT_STYLE = (COUNTER_STYLE + " QPushButton { color: %s; font-weight: bold; }"
               % DEADLINE_COLOURS[DeadlineState.OVERDUE])
WARN_STYLE = (COUNTER_STYLE + " QPushButton { color: %s; font-weight: bold; }"
              % DEADLINE_COLOURS[DeadlineState.DUE_SOON])


class WorkbenchPage(Page):
    title = "工作台"
    areas = frozenset({"calendar", "settings", "registrations", "cases", "warnings", "hardship"})
    list_requested = Signal(str, object)      # page key, filter (when there is no main window)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        now = clock.now()
        self.greeting = QLabel(greeting_for(now.hour) + "，" + ctx.actor.display_name + "！")
        font = self.greeting.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.greeting.setFont(font)
        self.date_label = QLabel(self.tr("今天是 ") + today_text(now.date()))
        self.office_label = QLabel()
        self.banner = QLabel()
        self.banner.setObjectName("calendar_banner")
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.setWordWrap(True)
        self.banner.hide()
        self.hints = QLabel(self._hints_html())
        self.hints.setTextFormat(Qt.TextFormat.RichText)
        self.hints.setWordWrap(True)

        # petition-desk numbers: each a button opening the filtered list
        from app.domain.permissions import Perm as _P
        self.desk = QWidget()
        grid = QGridLayout(self.desk)
        grid.setContentsMargins(0, 0, 0, 0)
        self.counter_buttons: dict[str, QPushButton] = {}
        shown = [c for c in COUNTERS if c[0] != "awaiting_approval"
                 or allowed(ctx.actor.role, _P.APPROVE_EXTENSION)]
        for i, (name, label, _key) in enumerate(shown):
            b = QPushButton(f"…\n{label}")
            b.setObjectName(f"count_{name}")
            b.setStyleSheet(COUNTER_STYLE)
            b.clicked.connect(lambda _c=False, n=name: self.open_counter(n))
            grid.addWidget(b, i // 3, i % 3)   # 3 a row: the window may be narrow
            self.counter_buttons[name] = b
        self.desk.setVisible(allowed(ctx.actor.role, _P.VIEW_CASES))
        self.warnings_title = QLabel("<b>" + self.tr("预警（待负责人确认）") + "</b>")
        self.warnings_list = QListWidget()
        self.warnings_list.setMaximumHeight(120)
        self.warnings_list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.warnings_list.setToolTip(self.tr("按住 Ctrl 或 Shift 可选择多条，Ctrl+A 全选"))
        self.ack_button = QPushButton(self.tr("确认所选预警…"))
        self.ack_button.setToolTip(self.tr("填写处理情况后确认所选的一条或多条预警，记入操作日志"))
        self.ack_button.clicked.connect(self.acknowledge_selected)
        self.ack_button.setVisible(allowed(ctx.actor.role, _P.ACK_HOTSPOT))
        self.desk_message = QLabel()
        self.desk_message.setWordWrap(True)
        warn_row = QHBoxLayout()
        warn_row.addWidget(self.warnings_list, 1)
        warn_row.addWidget(self.ack_button, 0, Qt.AlignmentFlag.AlignTop)
        self.warnings_box = QWidget()
        wl = QVBoxLayout(self.warnings_box)
        wl.setContentsMargins(0, 0, 0, 0)
        wl.addWidget(self.warnings_title)
        wl.addLayout(warn_row)
        self.warnings_box.hide()
        self.desk_data: DeskData | None = None
        # charts (QtCharts): created when the 12-month numbers arrive, not at the first paint
        self.charts = None
        self.charts_box = QVBoxLayout()
        self.labels = {name: label for name, label, _key in COUNTERS}

        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addWidget(self.greeting)
        layout.addWidget(self.date_label)
        layout.addWidget(self.office_label)
        layout.addSpacing(8)
        layout.addWidget(self.banner)
        layout.addWidget(self.desk)
        layout.addWidget(self.warnings_box)
        from ui.pages.hardship.desk import HardshipDesk     # 困难帮扶: overdue reviews, 脱困 proposed
        self.hardship = HardshipDesk(ctx)
        self.hardship.hide()                                 # shown when it has something to show
        layout.addWidget(self.hardship)
        layout.addWidget(self.desk_message)
        layout.addWidget(line)
        bottom = QHBoxLayout()          # the charts beside the hints: the page fits 1366×768
        bottom.addLayout(self.charts_box, 3)
        bottom.addWidget(self.hints, 1, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(bottom)
        layout.addStretch(1)

    def _hints_html(self) -> str:
        role = self.ctx.actor.role
        items = [self.tr("在左侧导航中选择要做的工作；Ctrl+1 … Ctrl+9 可直接切换页面，F5 刷新当前页面。")]
        if allowed(role, Perm.EDIT_PEOPLE):
            items.append(self.tr("「人员与单位」：按姓名、拼音首字母、身份证号或电话查找来访职工，登记人员和所在单位。"))
        elif allowed(role, Perm.VIEW_PEOPLE):
            items.append(self.tr("「人员与单位」：查找来访职工和所在单位。"))
        if allowed(role, Perm.EDIT_OFFICE):
            items.append(self.tr("「系统设置 → 单位信息与参数」：单位名称、文号代字、办理期限和预警参数。"))
        else:
            items.append(self.tr("「系统设置 → 单位信息与参数」：查看本单位信息和办理期限。"))
        if allowed(role, Perm.MANAGE_USERS):
            items.append(self.tr("「系统设置 → 用户管理」：为同事建立账户、分配角色、重置密码。"))
        if allowed(role, Perm.EDIT_CALENDAR):
            items.append(self.tr("「系统设置 → 节假日日历」：每年年底录入或导入下一年的节假日和调休安排。"))
        if allowed(role, Perm.VIEW_AUDIT):
            items.append(self.tr("「系统设置 → 操作日志」：查看谁在何时做了哪些修改。"))
        if allowed(role, Perm.BACKUP):
            items.append(self.tr("「文件 → 备份数据库」：定期把数据备份到移动硬盘；程序每天退出时也会自动备份一次。"))
        items.append(self.tr("「账户 → 修改密码」：定期更换自己的密码。"))
        body = "".join(f"<li>{item}</li>" for item in items)
        return "<b>" + self.tr("在这里可以做什么") + "</b><ul>" + body + "</ul>"

    def refresh(self) -> None:
        # the start page paints first, then reads (its reads on worker threads would share
        # Python's one lock with the GUI thread during the main window's first paint)
        QTimer.singleShot(0, self, self._load)

    def _load(self) -> None:
        today = clock.today()
        load_workbench(self, self.ctx, today, on_done=self._show, on_error=self._failed)
        if allowed(self.ctx.actor.role, Perm.VIEW_HARDSHIP):
            self.hardship.load(today)
        if self.desk.isVisibleTo(self):
            load_desk(self, self.ctx, today, on_done=self._show_desk, on_error=self._desk_failed)
            load_trend(self, self.ctx, today, on_done=self._show_trend, on_error=self._desk_failed)

    def _show_trend(self, trend) -> None:
        if self.charts is None:
            from ui.pages.workbench_charts import WorkbenchCharts
            self.charts = WorkbenchCharts(self)
            self.charts_box.addWidget(self.charts)
        self.charts.show_trend(trend)

    # ------------------------------------------------------------ petition desk

    def _desk_failed(self, exc: BaseException) -> None:
        log.warning("workbench numbers not loaded: %r", exc)
        self.desk_message.setText(self.tr("工作数字暂时读取失败，请按 F5 重试。"))
        self.desk_message.setProperty("failed", True)

    def _show_desk(self, data: DeskData) -> None:
        self.desk_data = data
        if self.desk_message.property("failed"):
            self.desk_message.clear()
            self.desk_message.setProperty("failed", False)
        for name, _label, _key in COUNTERS:
            b = self.counter_buttons.get(name)
            if b is None:
                continue
            n = getattr(data.counts, name)
            b.setText(f"{n}\n{self.labels[name]}")
            style = COUNTER_STYLE
            if n and name in ("overdue", "warnings"):
                style = ALERT_STYLE
            elif n and name in ("due_soon", "awaiting_approval", "notice_pending"):
                style = WARN_STYLE
            b.setStyleSheet(style)
        self.warnings_list.clear()
        for w in data.warnings:
            item = QListWidgetItem(f"{w.last_at:%m-%d %H:%M}  {w.kind_label}：{w.text}")
            item.setData(Qt.ItemDataRole.UserRole, w.id)
            self.warnings_list.addItem(item)
        self.warnings_box.setVisible(bool(data.warnings))

    def count(self, name: str) -> int | None:
        """The number shown on a counter button (None before it arrived)."""
        head = self.counter_buttons[name].text().split("\n", 1)[0]
        return int(head) if head.isdigit() else None

    def open_counter(self, name: str) -> None:
        """Open the list page with the filter this number counts (warnings: show the list)."""
        from app.services.petitions import workbench
        from ui.widgets.list_page import LedgerListPage
        if name == "warnings":
            self.warnings_list.setFocus()
            return
        key = next(k for n, _l, k in COUNTERS if n == name)
        f = workbench.workbench_filters(self.ctx.actor)[name]
        window = self.window()
        page = window.open_page(key, LedgerListPage) if isinstance(window, MainWindow) else None
        if page is not None:
            page.apply_filter(f)
        self.list_requested.emit(key, f)

    def selected_warning_ids(self) -> list[int]:
        """The selected warnings, in list order."""
        return [self.warnings_list.item(r).data(Qt.ItemDataRole.UserRole)
                for r in range(self.warnings_list.count()) if self.warnings_list.item(r).isSelected()]

    def ask_note(self, count: int) -> str | None:
        """What was done about the ``count`` selected warnings (None: cancelled). Tests replace it."""
        text, ok = QInputDialog.getMultiLineText(
            self, self.tr("确认预警"),
            self.tr("确认所选的 ") + str(count) + self.tr(" 条预警。请填写处理情况（将记入操作日志）："))
        return text if ok else None

    def acknowledge_selected(self, note: str | None = None) -> None:
        ids = self.selected_warning_ids()
        if not ids:
            self.desk_message.setText(self.tr("请先在预警列表中选择要确认的预警（可按住 Ctrl 或 Shift 多选）"))
            return
        if note is None:
            note = self.ask_note(len(ids))
            if note is None:
                return
        acknowledge_warnings(self, self.ctx, ids, note,
                             on_done=lambda done: self.desk_message.setText(
                                 self.tr("已确认 ") + str(len(done)) + self.tr(" 条预警")),
                             on_error=lambda e: self.desk_message.setText(
                                 e.message if isinstance(e, UserError) else str(e)))

    def _failed(self, exc: BaseException) -> None:
        # No dialog on the start page: say it in place, keep the details in the log.
        log.warning("workbench not loaded: %r", exc)
        self.office_label.setText(self.tr("单位信息暂时读取失败，请按 F5 重试。"))

    def _show(self, data: WorkbenchData) -> None:
        self.labels["due_soon"] = due_soon_label(data.warn_workdays)
        b = self.counter_buttons["due_soon"]
        b.setText(b.text().split("\n", 1)[0] + "\n" + self.labels["due_soon"])
        self.office_label.setText(self.tr("单位：") + (data.office_name or self.tr("（未填写）")))
        if data.banner:
            self.banner.setText(data.banner)
            self.banner.show()
        else:
            self.banner.clear()
            self.banner.hide()
