"""查看记录: every registration and case of one person (or one employer) on one page.

GUI thread only. ``PersonHistoryDialog(ctx, person_id=…)`` (or ``employer_id=…``) reads the
history through ``ui.operations.intake.load_history``; double-clicking a row with a case opens ``CaseDialog``;
the attachments of the selected registration are listed and open with the system viewer.
"""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (QDialog, QHBoxLayout, QHeaderView, QLabel, QListWidget,
                               QListWidgetItem, QPushButton, QTreeWidget, QTreeWidgetItem,
                               QVBoxLayout, QWidget)

from ui.context import AppContext
from ui.operations.intake import list_attachments, load_history, open_attachment
from ui.windows import fit_to_screen

ID_ROLE = Qt.ItemDataRole.UserRole + 1
CASE_ROLE = Qt.ItemDataRole.UserRole + 2
HISTORY_LIMIT = 500


class PersonHistoryDialog(QDialog):
    def __init__(self, ctx: AppContext, person_id: int | None = None,
                 employer_id: int | None = None, title: str = "",
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.person_id, self.employer_id = person_id, employer_id
        self.items: list = []
        self.case_dialog = None
        self.setWindowTitle(self.tr("来访和案件记录") + (f" — {title}" if title else ""))
        self.header = QLabel(title)
        self.counts = QLabel()
        self.table = QTreeWidget()
        self.table.setRootIsDecorated(False)
        self.table.setAlternatingRowColors(True)
        self.table.setHeaderLabels([self.tr("接待时间"), self.tr("登记编号"), self.tr("渠道"),
                                    self.tr("信访人"), self.tr("事项摘要"), self.tr("处理方式"),
                                    self.tr("案件编号"), self.tr("案件状态")])
        self.table.header().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.itemDoubleClicked.connect(lambda item, _c: self.open_case_of(item))
        self.table.currentItemChanged.connect(lambda cur, _p: self._load_attachments(cur))
        self.attachments = QListWidget()
        self.attachments.setMaximumHeight(80)
        self.attachments.itemActivated.connect(
            lambda item: open_attachment(self.ctx, self, item.data(ID_ROLE)))
        self.open_button = QPushButton(self.tr("打开案件"))
        self.open_button.clicked.connect(lambda: self.open_case_of(self.table.currentItem()))
        close = QPushButton(self.tr("关闭"))
        close.clicked.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.counts)
        layout.addWidget(self.table, 1)
        layout.addWidget(QLabel(self.tr("所选登记的附件（双击打开）")))
        layout.addWidget(self.attachments)
        row = QHBoxLayout()
        row.addWidget(self.open_button)
        row.addStretch(1)
        row.addWidget(close)
        layout.addLayout(row)
        fit_to_screen(self, QSize(860, 520))
        self.reload()

    def reload(self) -> None:
        load_history(self, self.ctx, self.person_id, self.employer_id, HISTORY_LIMIT,
                     on_done=self._loaded)

    def _loaded(self, items) -> None:
        self.items = list(items)
        self.table.clear()
        for h in self.items:
            item = QTreeWidgetItem(self.table, [
                h.received_at.strftime("%Y-%m-%d %H:%M"), h.reg_no, h.channel_label, h.person_name,
                h.summary, h.disposition_label, h.case_no or "", h.case_status_label or ""])
            item.setData(0, ID_ROLE, h.registration_id)
            item.setData(0, CASE_ROLE, h.case_id)
        for c in (0, 1, 2, 3, 5, 6, 7):
            self.table.resizeColumnToContents(c)
        n_cases = sum(1 for h in self.items if h.case_id)
        self.counts.setText(f"来访登记 {len(self.items)} 次，其中受理为案件 {n_cases} 件"
                            + ("（只显示最近 500 次）" if len(self.items) >= HISTORY_LIMIT else ""))

    def _load_attachments(self, item: QTreeWidgetItem | None) -> None:
        self.attachments.clear()
        self.open_button.setEnabled(item is not None and bool(item.data(0, CASE_ROLE)))
        if item is None:
            return
        reg_id = item.data(0, ID_ROLE)

        def show(rows) -> None:
            current = self.table.currentItem()
            if current is None or current.data(0, ID_ROLE) != reg_id:
                return
            for a in rows:
                it = QListWidgetItem(f"{a.filename}（{a.size // 1024 + 1} KB）")
                it.setData(ID_ROLE, a.id)
                self.attachments.addItem(it)
        list_attachments(self, self.ctx, reg_id, on_done=show)

    def open_case_of(self, item: QTreeWidgetItem | None):
        if item is None or not item.data(0, CASE_ROLE):
            return None
        from ui.dialogs.case_dialog import CaseDialog
        dlg = CaseDialog(self.ctx, item.data(0, CASE_ROLE), parent=self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.show()
        self.case_dialog = dlg
        return dlg
