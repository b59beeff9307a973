"""工作台: the first page after signing in. A greeting, today's date, the office, a yellow banner
when the holiday calendar lacks this (or next) year, and what this person can do in the program.

Light on purpose (it is on screen at start-up): one background call reads the office name and the
calendar banner; nothing here queries the big tables.
"""
from __future__ import annotations

from dataclasses import dataclass
import logging
from datetime import date, datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from app.domain.dates import format_cn
from app.domain.permissions import Perm, allowed
from ui.context import AppContext
from ui.operations import run
from ui.pages.base import Page

log = logging.getLogger(__name__)

WEEKDAYS = "一二三四五六日"
BANNER_STYLE = ("background: #fff4c2; color: #5c4300; border: 1px solid #e0c050;"
                " border-radius: 4px; padding: 8px;")


@dataclass(frozen=True)
class WorkbenchData:
    office_name: str
    banner: str | None


def load(db, today: date) -> WorkbenchData:  # worker thread
    from app.services import calendar, settings
    return WorkbenchData(settings.office(db).name, calendar.missing_data_banner(db, today))


def greeting_for(hour: int) -> str:
    if hour < 11:
        return "上午好"
    if hour < 13:
        return "中午好"
    if hour < 18:
        return "下午好"
    return "晚上好"


def today_text(today: date) -> str:
    """「2026年11月22日 星期日」"""
    return f"{format_cn(today)} 星期{WEEKDAYS[today.weekday()]}"


class WorkbenchPage(Page):
    title = "工作台"
    areas = frozenset({"calendar", "settings"})

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        now = datetime.now()
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
        layout.addWidget(line)
        layout.addWidget(self.hints)
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
        db, today = self.ctx.db, date.today()
        run(self, lambda _p: load(db, today), on_success=self._show, on_error=self._failed)

    def _failed(self, exc: BaseException) -> None:
        # No dialog on the start page: say it in place, keep the details in the log.
        log.warning("workbench not loaded: %r", exc)
        self.office_label.setText(self.tr("单位信息暂时读取失败，请按 F5 重试。"))

    def _show(self, data: WorkbenchData) -> None:
        self.office_label.setText(self.tr("单位：") + (data.office_name or self.tr("（未填写）")))
        if data.banner:
            self.banner.setText(data.banner)
            self.banner.show()
        else:
            self.banner.clear()
            self.banner.hide()
