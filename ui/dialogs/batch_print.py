"""批量打印文书: choose the kind and whether to issue the missing ones, then (in the page) one PDF
for all the selected cases in the print preview. GUI thread only."""
from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QDialog, QFormLayout, QLabel, QVBoxLayout, QWidget

from app.domain.notices import NoticeKind
from ui.util import HINT_STYLE, ok_cancel

# The kinds a case list can print: a case's own notices and its registration sheet.
CASE_KINDS = (NoticeKind.ACCEPT, NoticeKind.ASSIGN, NoticeKind.EXTEND, NoticeKind.REPLY,
              NoticeKind.REGISTER_SHEET)
LISTED_REFUSALS = 10


class BatchPrintDialog(QDialog):
    def __init__(self, count: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("批量打印文书"))
        self.kind_combo = QComboBox()
        for k in CASE_KINDS:
            self.kind_combo.addItem(k.label, k.value)
        self.issue_box = QCheckBox(self.tr("尚未出具的，现在出具（取新文号）"))
        self.issue_box.setChecked(True)
        hint = QLabel(self.tr("已出具的文书按原文号、原内容重印，不取新号；已作废的不打印。"))
        hint.setWordWrap(True)
        hint.setStyleSheet(HINT_STYLE)
        form = QFormLayout()
        form.addRow(self.tr("选中案件"), QLabel(self.tr("%n 件", "", count)))
        form.addRow(self.tr("文书"), self.kind_combo)
        form.addRow("", self.issue_box)
        buttons = ok_cancel(self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(buttons)

    @property
    def kind(self) -> str:
        return self.kind_combo.currentData()

    @property
    def issue_missing(self) -> bool:
        return self.issue_box.isChecked()


def summary(result, kind_label: str) -> str:
    """「受理告知书 共 12 份：重印 10 份，新出具 2 份。3 件未能出具：…」 plus the rendering notes."""
    b = result.batch
    lines = [f"{kind_label} 共 {len(b.notice_ids)} 份：重印 {b.reused} 份，新出具 {b.issued} 份。"]
    if b.refused:
        lines.append(f"{len(b.refused)} 件未能出具：")
        for case_no, reason in b.refused[:LISTED_REFUSALS]:
            lines.append(f"  {case_no}：{reason}")
        if len(b.refused) > LISTED_REFUSALS:
            lines.append(f"  ……另有 {len(b.refused) - LISTED_REFUSALS} 件")
    lines.extend(getattr(b, "warnings", ()))
    r = result.rendered
    if r is not None:
        if r.missing:
            lines.append("以下字符所有字体都没有，已印作「〓」，请手工补写：" + " ".join(r.missing))
        lines.extend(r.warnings)
    return "\n".join(lines)
