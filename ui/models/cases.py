"""The case list's model: columns of ``lists.CaseRow``; the deadline cells are coloured (red
已超期, orange 即将到期) and every row answers ``DEADLINE_ROLE``."""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt

from app.services.petitions import lists

from . import Col, KeysetModel

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter

COLUMNS = [
    Col("case_no", "案件编号", lambda r: r.case_no, sort="case_no"),
    Col("accepted_on", "受理日期", lambda r: r.accepted_on.isoformat(), sort="accepted"),
    Col("person", "信访人", lambda r: r.person_name),
    Col("employer", "单位", lambda r: r.employer_name),
    Col("channel", "渠道", lambda r: r.channel_label),
    Col("category", "诉求类别", lambda r: r.category_label),
    Col("issues", "问题类型", lambda r: r.issues_label),
    Col("handler", "承办", lambda r: r.handler_name),
    Col("status", "状态", lambda r: r.status_label, sort="status"),
    Col("due_date", "办理期限", lambda r: r.due_date.isoformat() if r.due_date else "",
        sort="due", deadline=True),
    Col("deadline", "期限状态", lambda r: r.deadline_label, deadline=True),
    Col("flags", "标记", lambda r: r.flags_label),
    Col("recovered", "追回金额", lambda r: r.recovered_text, align=_RIGHT),
    Col("summary", "事项摘要", lambda r: r.summary),
    Col("reg_no", "登记编号", lambda r: r.reg_no),
]


class CasesModel(KeysetModel):
    def __init__(self, db, parent: QObject | None = None, **kw):
        super().__init__(COLUMNS, lambda f, **k: lists.case_page(db, f, **k),
                         lambda f: lists.count_cases(db, f), parent, **kw)
