"""会员: find a member by ID number or name and see every plan year — 份, new or renewal, premium,
payment, cover start, waiting-period end, the term, the cover's state today, claims, benefits paid
and the cap left; from there 新建申请 or 试算 for that member. The second tab is the windowed member
list (plan, union, cover state, cover start period, name or ID) with export.

GUI thread only; reads through ``ui.operations.mutual_aid``.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QGroupBox, QHBoxLayout, QHeaderView, QLabel, QPushButton,
                               QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget)

from app.domain.money import format_yuan
from app.domain.mutual_aid import CoverState
from app.domain.permissions import LABELS as PERM_LABELS
from app.domain.permissions import Perm, allowed
from ui.context import AppContext
from ui.operations import mutual_aid as ma_ops
from ui.pages.base import Page
from ui.pages.mutual_aid.claim_dialog import ClaimDialog
from ui.pages.mutual_aid.pickers import MemberPicker
from ui.util import ERROR_STYLE, HINT_STYLE, read_only_rows

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
STATE_COLOURS = {CoverState.COVERED: "#1e7b34", CoverState.WAITING: "#e65100",
                 CoverState.UNPAID: "#b3261e", CoverState.PENDING: "#1565c0", CoverState.ENDED: "#666666"}
PLAN_ROLE = Qt.ItemDataRole.UserRole + 1


def _d(day) -> str:
    return day.isoformat() if day else ""


class MemberRecordPanel(QWidget):
    """One member's plan years (``MemberRecord``) as a table, with 新建申请 / 试算 for the selected
    plan year."""

    HEADERS = ("年度", "计划", "参保单位", "份数", "参保", "保费", "缴费日期", "保障开始", "观察期至",
               "保障期至", "状态", "申请", "已给付", "剩余额度")

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.record = None
        self.dialog: ClaimDialog | None = None
        self.head = QLabel(self.tr("输入身份证号或姓名查找会员"))
        self.head.setStyleSheet("font-weight: bold;")
        self.table = read_only_rows(QTableWidget(0, len(self.HEADERS)))
        self.table.setHorizontalHeaderLabels(list(self.HEADERS))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.claim_button = QPushButton(self.tr("新建申请…"))
        self.quote_button = QPushButton(self.tr("试算…"))
        self.claim_button.clicked.connect(lambda: self.open_claim(quote_only=False))
        self.quote_button.clicked.connect(lambda: self.open_claim(quote_only=True))
        self.may_claim = allowed(ctx.actor.role, Perm.MA_CLAIM)
        if not self.may_claim:
            self.claim_button.setToolTip(self.tr("需要「") + PERM_LABELS[Perm.MA_CLAIM] + self.tr("」权限"))
        self.note = QLabel(self.tr("剩余额度 = 本期最高给付额 × 份数 − 已批准和已给付的金额；定额给付每个保障期给付一次。"))
        self.note.setStyleSheet(HINT_STYLE)
        self.note.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.head, 1)
        buttons.addWidget(self.claim_button)
        buttons.addWidget(self.quote_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)
        self._update_buttons()

    def show_record(self, rec) -> None:
        self.record = rec
        self.head.setText(f"{rec.name}　{rec.gender}　{rec.id_masked}"
                          + (f"　{rec.age}周岁" if rec.age is not None else "")
                          + (f"　{rec.employer_name}" if rec.employer_name else "")
                          + (self.tr("　（未参加互助保障）") if not rec.terms else ""))
        t = self.table
        t.setRowCount(0)
        for term in rec.terms:
            r = t.rowCount()
            t.insertRow(r)
            cells = (str(term.year), f"{term.plan_code} {term.plan_name}", term.employer_name,
                     f"{term.shares}", self.tr("续保") if term.renewal else self.tr("新参保"),
                     format_yuan(term.premium_fen), _d(term.paid_on), _d(term.cover_start),
                     _d(term.waiting_end), _d(term.term_end), term.state_label, str(term.claims),
                     format_yuan(term.paid_fen), term.remaining_text)
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(PLAN_ROLE, term.plan_id)
                if c in (3, 5, 11, 12, 13):
                    item.setTextAlignment(RIGHT)
                if c == 10:
                    item.setForeground(QColor(STATE_COLOURS[term.state]))
                t.setItem(r, c, item)
        if rec.terms:
            t.selectRow(0)
        self._update_buttons()

    def selected_plan_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return self.table.item(rows[0].row(), 0).data(PLAN_ROLE) if rows else None

    def _update_buttons(self) -> None:
        has = self.record is not None and self.selected_plan_id() is not None
        self.claim_button.setEnabled(has and self.may_claim)
        self.quote_button.setEnabled(has)

    def open_claim(self, quote_only: bool) -> ClaimDialog | None:
        if self.record is None:
            return None
        dlg = ClaimDialog(self.ctx, None, self, quote_only=quote_only, person_id=self.record.person_id,
                          plan_id=self.selected_plan_id())
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dlg
        dlg.open()
        return dlg


class MembersPage(Page):
    title = "会员"
    areas = frozenset({"mutual_aid"})

    LOOKUP_TAB, LIST_TAB = 0, 1

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.person_id: int | None = None
        self.picker = MemberPicker(ctx)
        self.picker.picked.connect(lambda hit: self.show_member(hit.person_id))
        self.panel = MemberRecordPanel(ctx)
        self.message = QLabel()
        self.message.setWordWrap(True)
        lookup = QWidget()
        ll = QVBoxLayout(lookup)
        box = QGroupBox(self.tr("查找会员"))
        QVBoxLayout(box).addWidget(self.picker)
        ll.addWidget(box)
        ll.addWidget(self.panel, 1)
        ll.addWidget(self.message)
        self.tabs = QTabWidget()
        self.tabs.addTab(lookup, self.tr("会员查询"))
        self.member_list = self.make_list()
        if self.member_list is not None:
            self.tabs.addTab(self.member_list, self.tr("会员名单"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)

    def make_list(self) -> QWidget | None:
        from ui.pages.mutual_aid.lists import MembersList
        lst = MembersList(self.ctx)
        lst.member_opened.connect(self.show_member)
        return lst

    def refresh(self) -> None:
        if self.person_id is not None:
            self.show_member(self.person_id, switch=False)

    def show_member(self, person_id: int, switch: bool = True) -> None:
        self.person_id = person_id
        if switch:
            self.tabs.setCurrentIndex(self.LOOKUP_TAB)
        ma_ops.member_record(self, self.ctx, person_id, on_done=self._shown, on_error=self._failed)

    def _shown(self, rec) -> None:
        self.message.setText("")
        self.panel.show_record(rec)

    def _failed(self, exc: BaseException) -> None:
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setText(getattr(exc, "message", f"{type(exc).__name__}: {exc}"))
