"""The main window: navigation on the left, the current page on the right, menus, status bar.

The window knows its pages only through ``PAGES`` (one line per page: add a line to add a page).
A page is imported and created the first time it is shown, so start-up does no work for pages
nobody opens (DESIGN §6: first paint within 1 s on a 1,000,000-row database). Pages a role may not
use (``perm``) are not listed for it; the services enforce the same rule again.

Everything that reads or writes data goes through ``ui.operations``.
"""
from __future__ import annotations

import importlib
import logging
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QByteArray, QSettings, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (QApplication, QDialog, QLabel, QMainWindow, QMessageBox,
                               QSplitter, QStackedWidget, QTreeWidget, QTreeWidgetItem,
                               QVBoxLayout, QWidget)

from app.domain import clock
from app import WINDOW_TITLE, __version__
from app.domain.permissions import Perm, allowed
from ui.context import AppContext
from ui.file_dialogs import Purpose, open_file, save_file
from ui.operations.backup import backup_as, restore_as
from ui.operations.settings import load_office_name
from ui.pages.base import Page
from ui.windows import restore_window_state, save_window_state

log = logging.getLogger(__name__)

GROUP_SETTINGS = "系统设置"
GROUP_HARDSHIP = "困难帮扶"
GROUP_MUTUAL_AID = "互助保障"
KEY_ROLE = Qt.ItemDataRole.UserRole
P = TypeVar("P", bound=QWidget)


@dataclass(frozen=True)
class PageEntry:
    key: str
    module: str
    cls: str
    title: str                      # navigation label
    group: str | None = None        # navigation group (a parent item), None = top level
    perm: Perm | None = None        # shown only to roles with this permission


PAGES: tuple[PageEntry, ...] = (
    PageEntry("workbench", "ui.pages.workbench", "WorkbenchPage", "工作台"),
    PageEntry("register", "ui.pages.register", "RegisterPage", "来访登记", perm=Perm.VIEW_CASES),
    PageEntry("outreach", "ui.pages.outreach", "OutreachPage", "走访活动", perm=Perm.VIEW_CASES),
    PageEntry("registrations", "ui.pages.registrations_list", "RegistrationsListPage", "信访登记", perm=Perm.VIEW_CASES),
    PageEntry("cases", "ui.pages.cases_list", "CasesListPage", "案件办理", perm=Perm.VIEW_CASES),
    PageEntry("people", "ui.pages.people", "PeoplePage", "人员与单位", perm=Perm.VIEW_PEOPLE),
    PageEntry("hardship_files", "ui.pages.hardship.files_page", "HardshipFilesPage", "困难职工档案",
              group=GROUP_HARDSHIP, perm=Perm.VIEW_HARDSHIP),
    PageEntry("hardship_payments", "ui.pages.hardship.payments_page", "HardshipPaymentsPage", "帮扶记录",
              group=GROUP_HARDSHIP, perm=Perm.VIEW_HARDSHIP),
    PageEntry("hs_campaigns", "ui.pages.hardship.campaigns", "CampaignsPage", "帮扶活动",
              group=GROUP_HARDSHIP, perm=Perm.VIEW_HARDSHIP),
    PageEntry("hardship_funds", "ui.pages.hardship.funds_page", "HardshipFundsPage", "资金管理",
              group=GROUP_HARDSHIP, perm=Perm.VIEW_HARDSHIP),
    PageEntry("ma_plans", "ui.pages.mutual_aid.plans", "PlansPage", "互助计划", group=GROUP_MUTUAL_AID,
              perm=Perm.MA_VIEW),
    PageEntry("ma_enroll", "ui.pages.mutual_aid.enroll", "EnrollPage", "参保登记", group=GROUP_MUTUAL_AID,
              perm=Perm.MA_VIEW),
    PageEntry("ma_members", "ui.pages.mutual_aid.members", "MembersPage", "会员", group=GROUP_MUTUAL_AID,
              perm=Perm.MA_VIEW),
    PageEntry("ma_claims", "ui.pages.mutual_aid.lists", "ClaimsPage", "理赔", group=GROUP_MUTUAL_AID,
              perm=Perm.MA_VIEW),
    PageEntry("statistics", "ui.pages.statistics", "StatisticsPage", "统计报表", perm=Perm.VIEW_CASES),
    PageEntry("office", "ui.pages.settings_office", "OfficeSettingsPage", "单位信息与参数",
              group=GROUP_SETTINGS),
    # everyone may read the templates; editing them needs Perm.EDIT_OFFICE (read-only otherwise)
    PageEntry("templates", "ui.pages.settings_notices", "NoticeTemplatesPage", "文书模板",
              group=GROUP_SETTINGS),
    PageEntry("users", "ui.pages.settings_users", "UsersPage", "用户管理", group=GROUP_SETTINGS,
              perm=Perm.MANAGE_USERS),
    PageEntry("calendar", "ui.pages.settings_calendar", "CalendarSettingsPage", "节假日日历",
              group=GROUP_SETTINGS, perm=Perm.EDIT_CALENDAR),
    PageEntry("audit", "ui.pages.settings_audit", "AuditPage", "操作日志", group=GROUP_SETTINGS,
              perm=Perm.VIEW_AUDIT),
)
START_PAGE = "workbench"

SHORTCUTS = (
    ("Ctrl+1 … Ctrl+9", "切换到导航中的第 1 … 9 个页面"),
    ("F5", "刷新当前页面"),
    ("Ctrl+Shift+P", "修改密码"),
    ("Ctrl+Q", "退出"),
    ("F1", "显示快捷键"),
    ("Enter", "来访登记：保存（多行文本框内用 Ctrl+Enter）"),
    ("Esc", "来访登记：清空表单（先确认）"),
    ("Ctrl+N", "来访登记：新登记"),
    ("F8 / Ctrl+R", "来访登记：按侧栏提示关联为重复信访"),
    ("↑ / ↓ / Enter", "来访登记：在人员、单位的匹配列表中选择"),
)


def warm_up(keys: set[str] | None = None) -> None:
    """Import the pages' modules (all, or the pages in ``keys``) — on a worker thread while the
    sign-in dialog waits for the clerk (``ui.main``), so that the main window's first paint and
    each page's first opening only build widgets (DESIGN §6: no GUI-thread block over 50 ms).

    Safe off the GUI thread: the modules create no Qt object when imported (value types such as
    QColor and QDate only), there are no import circles (tests/unit/test_layering), and Python's
    per-module import lock makes a page the GUI thread opens meanwhile wait for this import of
    it, never run it twice. A page that fails to import is logged; opening it shows why."""
    for entry in PAGES:
        if keys is None or entry.key in keys:
            try:
                importlib.import_module(entry.module)
            except Exception:  # noqa: BLE001 - the page's own opening reports it
                log.exception("cannot import page %s", entry.key)


def _code_names(module) -> set[str]:
    """The capitalised names a module's code looks up (its functions', classes' and nested code's)."""
    names: set[str] = set()
    todo = []
    for v in vars(module).values():
        if isinstance(v, type) and v.__module__ == module.__name__:
            todo.extend(getattr(f, "__code__", None) for f in vars(v).values())
        todo.append(getattr(v, "__code__", None))
    while todo:
        code = todo.pop()
        if code is None:
            continue
        names.update(n for n in code.co_names if n[:1].isupper())
        todo.extend(c for c in code.co_consts if hasattr(c, "co_names"))
    return names


def qt_warm_up() -> Iterator[None]:
    """The first-use costs of Qt that the loaded ``ui`` modules would meet, paid one small step at
    a time (the sign-in dialog steps it on idle turns of its event loop, ``ui.main``): PySide6
    builds an enum type the first time it is used (about 0.3 ms each), and the first widget of
    a class sets up its Python type and its module's enums (a first QMainWindow: about 120 enum
    types, 25 ms). So each step touches the enums one module's code names (``Qt.ItemFlag``…) or
    makes and drops one widget of a class the modules use (dialogs excepted: they are opened on
    demand). GUI thread only — what the first use would do, done earlier."""
    from PySide6.QtWidgets import QDialog, QWidget
    made: set[type] = set()
    for name in sorted(n for n in sys.modules if n == "ui" or n.startswith("ui.")):
        module = sys.modules.get(name)
        if module is None:
            continue
        qt = [v for v in vars(module).values()
              if isinstance(v, type) and v.__module__.startswith("PySide6.")]
        if not qt:
            continue
        names = _code_names(module)
        for cls in qt:
            for n in names:
                getattr(cls, n, None)
        yield
        for cls in qt:
            if cls in made or not issubclass(cls, QWidget) or issubclass(cls, QDialog):
                continue
            made.add(cls)
            try:
                widget = cls()
            except (TypeError, NotImplementedError):   # needs arguments, or abstract
                continue
            widget.deleteLater()
            yield


class _Unavailable(QWidget):
    """Stands in for a page that could not be opened (logged)."""

    def __init__(self, title: str, reason: str):
        super().__init__()
        label = QLabel(f"「{title}」暂时无法打开：{reason}")
        label.setWordWrap(True)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        QVBoxLayout(self).addWidget(label)


class MainWindow(QMainWindow):
    """One per signed-in session. After ``close()``, ``sign_out_requested`` / ``restart_requested``
    tell ``ui.main.run_gui`` whether to show the sign-in dialog again; ``revoked`` that the
    session ended because the account may no longer act (an operation came back AccountRevoked)."""

    SETTINGS_GROUP = "MainWindow"
    DEFAULT_SIZE = QSize(1200, 760)     # the first start: this, fitted to the screen
    MINIMUM_SIZE = QSize(760, 520)      # never restored smaller (fits an 800×600 screen too)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.sign_out_requested = False
        self.restart_requested = False
        self.revoked = False
        self.office_name = ""
        self.entries = [e for e in PAGES if e.perm is None or allowed(ctx.actor.role, e.perm)]
        self._pages: dict[str, QWidget] = {}
        self.setWindowTitle(WINDOW_TITLE)
        self.setMinimumSize(self.MINIMUM_SIZE)

        self.nav = QTreeWidget()
        self.nav.setHeaderHidden(True)
        self.nav.setRootIsDecorated(False)
        self.nav.setIndentation(14)
        self.nav.setMinimumWidth(150)
        self._items: dict[str, QTreeWidgetItem] = {}
        groups: dict[str, QTreeWidgetItem] = {}
        for entry in self.entries:
            parent_item = self.nav.invisibleRootItem()
            if entry.group:
                parent_item = groups.get(entry.group)
                if parent_item is None:
                    parent_item = QTreeWidgetItem(self.nav, [entry.group])
                    parent_item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                    font = parent_item.font(0)
                    font.setBold(True)
                    parent_item.setFont(0, font)
                    groups[entry.group] = parent_item
            item = QTreeWidgetItem(parent_item, [entry.title])
            item.setData(0, KEY_ROLE, entry.key)
            self._items[entry.key] = item
        self.nav.expandAll()

        self.stack = QStackedWidget()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("main_splitter")
        self.splitter.addWidget(self.nav)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)

        self.office_label = QLabel("…")
        self.user_label = QLabel(self.tr("当前用户：") + f"{ctx.actor.display_name}（{ctx.actor.role_label}）")
        self.db_label = QLabel(self.tr("数据库：") + ctx.db.display_name)
        for n, label in enumerate((self.office_label, self.user_label, self.db_label)):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            if n:
                self.statusBar().addPermanentWidget(QLabel("·"))
            self.statusBar().addPermanentWidget(label)

        self._make_menus()
        self._restore_layout()
        self.nav.currentItemChanged.connect(self._nav_changed)
        # the start page is selected now and built on the next turn of the event loop, after the
        # window's first paint (two short blocks of the GUI thread instead of one long one)
        self.nav.blockSignals(True)
        self.nav.setCurrentItem(self._items[START_PAGE])
        self.nav.blockSignals(False)
        QTimer.singleShot(0, self, self._open_start_page)
        ctx.changed.connect(self._on_changed)
        ctx.revoked.connect(self._account_revoked)
        self._load_office()

    # ------------------------------------------------------------ pages

    def nav_keys(self) -> list[str]:
        """Keys of the pages listed in the navigation, in order."""
        return [e.key for e in self.entries]

    def nav_titles(self) -> list[str]:
        return [e.title for e in self.entries]

    def page(self, key: str) -> QWidget | None:
        """The page if it has been created (pages are created when first shown)."""
        return self._pages.get(key)

    def current_key(self) -> str | None:
        item = self.nav.currentItem()
        return item.data(0, KEY_ROLE) if item is not None else None

    def show_page(self, key: str) -> QWidget:
        """Select ``key`` in the navigation (creating the page if needed) and return the page,
        current at once."""
        item = self._items[key]
        if self.nav.currentItem() is not item:
            self.nav.blockSignals(True)
            self.nav.setCurrentItem(item)
            self.nav.blockSignals(False)
        self._activate(key)
        return self._pages[key]

    def open_page(self, key: str, cls: type[P]) -> P | None:
        """Show page ``key`` and return it as a ``cls``, for a page that hands another one
        something (a list filter, an outreach event). None when this role has no such page or it
        could not be opened (the stand-in says why)."""
        if key not in self._items:
            return None
        page = self.show_page(key)
        return page if isinstance(page, cls) else None

    def _open_start_page(self) -> None:
        key = self.current_key()
        if key and key not in self._pages:
            self._activate(key)

    def _nav_changed(self, current: QTreeWidgetItem | None, _previous) -> None:
        """A click in the navigation: a page opened for the first time is built in this turn of
        the event loop and shown in the next (two short blocks of the GUI thread, not one)."""
        key = current.data(0, KEY_ROLE) if current is not None else None
        if key:
            self._activate(key, show_later=True)

    def _activate(self, key: str, show_later: bool = False) -> None:
        page = self._pages.get(key)
        if page is None:
            page = self._create(next(e for e in self.entries if e.key == key))
            self._pages[key] = page
            self.stack.addWidget(page)
            if show_later:
                QTimer.singleShot(0, self, lambda: self._show_if_current(key))
                return
        self.stack.setCurrentWidget(page)

    def _show_if_current(self, key: str) -> None:
        if self.current_key() == key:
            self.stack.setCurrentWidget(self._pages[key])

    def _create(self, entry: PageEntry) -> QWidget:
        try:
            cls = getattr(importlib.import_module(entry.module), entry.cls)
            return cls(self.ctx)
        except Exception as e:  # noqa: BLE001 - one broken page must not take the window down
            log.exception("cannot open page %s", entry.key)
            return _Unavailable(entry.title, f"{type(e).__name__}: {e}")

    def _refresh_current(self) -> None:
        page = self.stack.currentWidget()
        if isinstance(page, Page):
            page._refresh_now()

    def _select_nth(self, n: int) -> None:
        if n < len(self.entries):
            self.show_page(self.entries[n].key)

    # ------------------------------------------------------------ status bar

    def _load_office(self) -> None:
        load_office_name(self, self.ctx, on_done=self._office_loaded, on_error=self._office_failed)

    def _office_loaded(self, name: str) -> None:
        self.office_name = name
        self.office_label.setText(name or self.tr("（未填写单位名称）"))

    def _office_failed(self, exc: BaseException) -> None:
        log.warning("office name not loaded: %s", exc)
        self.office_label.setText(self.tr("（单位名称读取失败）"))

    def _on_changed(self, areas: set) -> None:
        if "settings" in areas:
            self._load_office()

    def status_text(self) -> str:
        """What the status bar shows, as one line: office · user · database."""
        return " · ".join(label.text() for label in (self.office_label, self.user_label,
                                                     self.db_label))

    # ------------------------------------------------------------ menus

    def _make_menus(self) -> None:
        actor = self.ctx.actor
        file_menu = self.menuBar().addMenu(self.tr("文件(&F)"))
        self.backup_action = QAction(self.tr("备份数据库…"), self)
        self.backup_action.triggered.connect(self.backup_database)
        self.restore_action = QAction(self.tr("恢复数据库…"), self)
        self.restore_action.triggered.connect(self.restore_database)
        if allowed(actor.role, Perm.BACKUP):
            file_menu.addAction(self.backup_action)
            file_menu.addAction(self.restore_action)
            file_menu.addSeparator()
        quit_action = QAction(self.tr("退出"), self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        account_menu = self.menuBar().addMenu(self.tr("账户(&A)"))
        password_action = QAction(self.tr("修改密码…"), self)
        password_action.setShortcut(QKeySequence("Ctrl+Shift+P"))
        password_action.triggered.connect(self.change_password)
        account_menu.addAction(password_action)
        sign_out_action = QAction(self.tr("注销"), self)
        sign_out_action.triggered.connect(self.sign_out)
        account_menu.addAction(sign_out_action)

        help_menu = self.menuBar().addMenu(self.tr("帮助(&H)"))
        keys_action = QAction(self.tr("快捷键"), self)
        keys_action.setShortcut(QKeySequence("F1"))
        keys_action.triggered.connect(self.show_shortcuts)
        help_menu.addAction(keys_action)
        about_action = QAction(self.tr("关于"), self)
        about_action.triggered.connect(self.show_about)
        help_menu.addAction(about_action)

        refresh = QAction(self)
        refresh.setShortcut(QKeySequence("F5"))
        refresh.triggered.connect(self._refresh_current)
        self.addAction(refresh)
        for n in range(9):
            action = QAction(self)
            action.setShortcut(QKeySequence(f"Ctrl+{n + 1}"))
            action.triggered.connect(lambda _checked=False, n=n: self._select_nth(n))
            self.addAction(action)

    # Dialog helpers: small so that tests can replace them.
    def ask(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(self, title, text,
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def inform(self, title: str, text: str) -> None:
        QMessageBox.information(self, title, text)

    def warn(self, title: str, text: str) -> None:
        QMessageBox.warning(self, title, text)

    def backup_database(self) -> None:
        path = save_file(self, Purpose.BACKUP, self.tr("备份数据库"),
                         self.tr("数据库文件 (*.db);;所有文件 (*)"),
                         f"uniondesk-{clock.now():%Y%m%d-%H%M}.db")
        if not path:
            return
        backup_as(self, self.ctx, Path(path), self.tr("正在备份数据库…"),
                  on_done=lambda out: self.inform(self.tr("备份完成"), self.tr("已备份到：") + str(out)))

    def restore_database(self) -> None:
        if not self.ask(self.tr("恢复数据库"),
                        self.tr("恢复会用备份文件替换当前的全部数据；当前数据库会先另存一份。\n"
                                "恢复后需要重新登录。要继续吗？")):
            return
        from app.services import backup
        # first time: the automatic backups' folder, where a restore usually starts
        path = open_file(self, Purpose.RESTORE, self.tr("选择备份文件"),
                         self.tr("数据库文件 (*.db);;所有文件 (*)"),
                         default=backup.backups_dir(self.ctx.db.data_dir))
        if not path:
            return
        restore_as(self, self.ctx, Path(path), self.tr("正在恢复数据库…"), on_done=self._restored)

    def _restored(self, saved) -> None:
        text = self.tr("数据库已恢复。")
        if saved:
            text += self.tr("原数据库已另存为：") + str(saved) + "\n"
        text += self.tr("请重新登录。")
        self.inform(self.tr("恢复完成"), text)
        self.restart_requested = True
        self.close()

    def change_password(self) -> None:
        from ui.dialogs.change_password import ChangePasswordDialog
        ChangePasswordDialog(self.ctx, parent=self).exec()

    def sign_out(self) -> None:
        self.sign_out_requested = True
        self.close()

    def _account_revoked(self, message: str) -> None:
        """The account was disabled, locked or given another role while signed in: close this
        session's dialogs, say why (the service's message) and go back to the sign-in dialog.
        Several operations may come back refused; the first one does it."""
        if self.revoked:
            return
        self.revoked = True
        for w in self._own_windows():
            if isinstance(w, QDialog):
                w.reject()
            else:
                w.close()
        self.warn(self.tr("需要重新登录"), message)
        self.sign_out()

    def _own_windows(self) -> list[QWidget]:
        """The visible windows (dialogs, viewers) opened from this one, innermost first."""
        own = []
        for w in QApplication.topLevelWidgets():
            parent = w.parentWidget()
            while parent is not None and parent is not self:
                parent = parent.parentWidget()
            if parent is self and w.isVisible():
                own.append(w)
        modal = QApplication.activeModalWidget()
        return sorted(own, key=lambda w: w is not modal)

    def show_shortcuts(self) -> None:
        box = QMessageBox(self)
        box.setWindowTitle(self.tr("快捷键"))
        box.setText("\n".join(f"{keys}\t{what}" for keys, what in SHORTCUTS))
        box.open()

    def about_text(self) -> str:
        """What the program does today: the petition desk, the two ledgers and the statistics."""
        return (f"{WINDOW_TITLE}\n" + self.tr("版本 ") + __version__ + "\n\n"
                + self.tr("区/县总工会信访维权与帮扶台账：\n"
                          "· 信访登记：来访、来电、来信、网上和走访活动现场，重复信访与集体访预警；\n"
                          "· 案件办理：交办、延期、中止、办结、回访、归档，办理期限按工作日计算并提醒；\n"
                          "· 告知书：受理、不予受理、转送等文书的生成、打印和送达登记；\n"
                          "· 困难职工帮扶：建档、审批、复核、帮扶记录、资金管理、送温暖与金秋助学签领表；\n"
                          "· 职工互助保障：互助计划、参保名单导入、会员、理赔与试算、互助金收支；\n"
                          "· 统计报表：受理、办理、帮扶、互助五张表，导出 Excel 和 PDF；\n"
                          "· 人员与单位、列表筛选与导出 Excel、操作日志、数据备份与恢复。\n\n"
                          "界面字体：文泉驿微米黑（Apache-2.0）。"))

    def show_about(self) -> None:
        QMessageBox.about(self, self.tr("关于"), self.about_text())

    # ------------------------------------------------------------ layout memory

    def _restore_layout(self) -> None:
        s = QSettings()
        s.beginGroup(self.SETTINGS_GROUP)
        state, splitter = s.value("state"), s.value("splitter")
        s.endGroup()
        # size, position and maximized state, per screen setup, kept on screen (ui.windows)
        restore_window_state(self, self.SETTINGS_GROUP, self.DEFAULT_SIZE)
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state)
        if isinstance(splitter, QByteArray) and not splitter.isEmpty():
            self.splitter.restoreState(splitter)
        else:
            self.splitter.setSizes([190, 1010])

    def save_layout(self) -> None:
        save_window_state(self, self.SETTINGS_GROUP)
        s = QSettings()
        s.beginGroup(self.SETTINGS_GROUP)
        s.setValue("state", self.saveState())
        s.setValue("splitter", self.splitter.saveState())
        s.endGroup()
        s.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.save_layout()
        super().closeEvent(event)
