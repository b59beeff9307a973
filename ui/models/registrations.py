"""The registration list's model: columns of ``lists.RegistrationRow`` over keyset pages."""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt

from app.services.petitions import lists

from . import Col, KeysetModel

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter

COLUMNS = [
    Col("reg_no", "登记编号", lambda r: r.reg_no, sort="reg_no"),
    Col("received_at", "登记时间", lambda r: f"{r.received_at:%Y-%m-%d %H:%M}", sort="received"),
    Col("channel", "渠道", lambda r: r.channel_label, sort="channel"),
    Col("category", "诉求类别", lambda r: r.category_label, sort="category"),
    Col("issues", "问题类型", lambda r: r.issues_label),
    Col("person", "信访人", lambda r: r.person_name),
    Col("employer", "单位", lambda r: r.employer_name),
    Col("head_count", "人数", lambda r: r.head_count, align=_RIGHT),
    Col("summary", "事项摘要", lambda r: r.summary),
    Col("disposition", "处理方式", lambda r: r.disposition_label, sort="disposition"),
    Col("case_no", "案件编号", lambda r: r.case_no),
]


class RegistrationsModel(KeysetModel):
    def __init__(self, db, parent: QObject | None = None, **kw):
        super().__init__(COLUMNS, lambda f, **k: lists.registration_page(db, f, **k),
                         lambda f: lists.count_registrations(db, f), parent, **kw)
