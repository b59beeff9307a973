"""What a notice says: the values its template is filled with (office, subject, dates, deadlines)
and the warnings about deadlines counted over a year without holiday data. Read inside the
issuing transaction.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import (Case, CaseEvent, Employer, Person, Registration, RegistrationIssue,
                           User)
from app.domain import notices as rules
from app.domain.dates import format_cn
from app.domain.enums import (CaseEventKind, CaseStatus, Category, Channel, Disposition, IssueType,
                              Outcome, RejectReason, REJECT_REDIRECTS)
from app.domain.errors import NotFound, UserError, ValidationError
from app.domain.notices import NoticeKind, SubjectState

from .. import settings
from ..calendar import _years_without_data, reissue_message


FONT_KEY = "office.notice_font"


CHINESE_DATE_KEY = "office.notice_date_chinese"


def _setting(s: Session, key: str) -> str:
    """A text setting as the notices print it (``settings.get`` in the caller's session)."""
    return str(settings.get(s, key))


def _doc_prefix(s: Session, kind: NoticeKind) -> str:
    """The kind's 代字 as set now ("" for the unnumbered registration sheet, or when unset)."""
    if not kind.numbered:
        return ""
    return rules.doc_prefix(kind, _setting(s, "office.doc_prefix"),
                            _setting(s, rules.DOC_PREFIX_SETTING + kind.value))


def _office(s: Session, kind: NoticeKind) -> dict[str, str]:
    """The office profile; ``doc_prefix`` is the kind's own 代字 (``rules.doc_prefix``)."""
    office = {k: _setting(s, f"office.{k}") for k in
              ("name", "doc_prefix", "address", "phone", "postcode", "contact")}
    office["doc_prefix"] = _doc_prefix(s, kind)
    missing = []
    if not office["name"]:
        missing.append("单位名称")
    if kind.numbered and not office["doc_prefix"]:
        missing.append("文号代字")
    if missing:
        raise UserError(f"单位信息缺少{'、'.join(missing)}，不能出具文书。"
                        "请系统管理员在「设置 → 单位信息」中填写后再试。",
                        "office profile incomplete: " + ", ".join(missing))
    return office


def _subject(s: Session, k: NoticeKind, case_id: int | None,
             registration_id: int | None) -> tuple[Registration, Case | None]:
    if case_id is None and registration_id is None:
        raise ValidationError([("案件", "请指定案件或登记")])
    case = None
    if case_id is not None:
        case = s.get(Case, case_id)
        if case is None:
            raise NotFound(f"找不到编号为 {case_id} 的案件，可能已被删除，请刷新列表", "case not found")
        reg = s.get(Registration, case.registration_id)
        if registration_id is not None and registration_id != reg.id:
            raise ValidationError([("登记", "案件与登记不对应，请重新选择")])
    else:
        reg = s.get(Registration, registration_id)
        if reg is None:
            raise NotFound(f"找不到编号为 {registration_id} 的登记，可能已被删除", "registration not found")
        case = s.execute(select(Case).where(Case.registration_id == reg.id)).scalar_one_or_none()
    return reg, case


def _state(reg: Registration, case: Case | None) -> SubjectState:
    if case is None:
        return SubjectState(disposition=reg.disposition)
    return SubjectState(disposition=reg.disposition, has_case=True, case_status=case.status,
                        assigned=case.assignee_kind is not None,
                        extended=bool(case.extended) and case.extension_status == "approved",
                        concluded=case.concluded_on is not None)


def _d(d: date | datetime | None) -> str:
    if d is None:
        return ""
    return format_cn(d.date() if isinstance(d, datetime) else d)


def _user_name(s: Session, user_id: int | None) -> str:
    if user_id is None:
        return ""
    u = s.get(User, user_id)
    return u.display_name if u else ""


def _original_due(s: Session, case: Case) -> str:
    row = s.execute(select(CaseEvent.detail).where(
        CaseEvent.case_id == case.id, CaseEvent.kind == CaseEventKind.EXTENSION_APPROVED.value)
        .order_by(CaseEvent.id.desc()).limit(1)).scalar_one_or_none()
    if not row:
        return ""
    value = json.loads(row).get("due_before")
    if not value:
        return ""
    try:
        return format_cn(date.fromisoformat(str(value)[:10]))
    except ValueError:
        return str(value)


def _values(s: Session, k: NoticeKind, reg: Registration, case: Case | None,
            office: dict[str, str], doc_no: str, issued: datetime,
            issues: Sequence[str] | None = None, review_days: str | None = None) -> dict[str, str]:
    person = s.get(Person, reg.person_id) if reg.person_id else None
    employer_id = reg.employer_id or (person.employer_id if person else None)
    employer = s.get(Employer, employer_id) if employer_id else None
    name = person.name if person else "匿名"
    if issues is None:
        issues = s.execute(select(RegistrationIssue.issue_type)
                           .where(RegistrationIssue.registration_id == reg.id)
                           .order_by(RegistrationIssue.issue_type)).scalars().all()
    reps = json.loads(reg.representatives or "[]")
    v: dict[str, str] = {
        "issuer": office["name"], "doc_no": doc_no,
        "addressee": rules.addressee(name, reg.head_count), "petitioner": name,
        "head_count": str(reg.head_count), "representatives": "、".join(reps),
        "issue_date": format_cn(issued.date()),
        "office_address": office["address"], "office_phone": office["phone"],
        "office_contact": office["contact"], "office_postcode": office["postcode"],
        "id_number": (person.id_number or "") if person else "",
        "phone": (person.phone or "") if person else "",
        "address": person.address if person else "",
        "disposition": Disposition.label_of(reg.disposition),
        "registrar": _user_name(s, reg.created_by),
        "reg_no": reg.reg_no, "received_date": _d(reg.received_at),
        "channel": Channel.label_of(reg.channel), "category": Category.label_of(reg.category),
        "issue_types": "、".join(IssueType.label_of(t) for t in issues),
        "employer": employer.name if employer else "",
        "summary": reg.summary, "request": reg.request or "", "facts": reg.facts or "",
        "basis": rules.BASIS[k],
        "redirect_to": reg.redirect_to or "", "transfer_to": reg.transfer_to or "",
        "transfer_reason": reg.transfer_reason or "",
        "earlier_documents": reg.earlier_documents or "",
        "review_days": review_days or _setting(s, "deadline.review_days"),
        "notice_days": "15",
    }
    if reg.reject_reason:
        try:
            rr = RejectReason(reg.reject_reason)
            v["reason"] = rr.label
            if not v["redirect_to"]:
                v["redirect_to"] = REJECT_REDIRECTS[rr]
        except ValueError:
            v["reason"] = reg.reject_reason
    if reg.repeat_of_case_id is not None:
        orig = s.get(Case, reg.repeat_of_case_id)
        if orig is not None:
            v["original_case_no"] = orig.case_no
            v["original_stage"] = CaseStatus.label_of(orig.status)
    if case is not None:
        handler = _user_name(s, case.handler_id)
        v.update({
            "case_no": case.case_no, "accepted_date": _d(case.accepted_on),
            "due_date": _d(case.due_date), "handler": handler,
            "assignee": (case.assignee_name or handler) if case.assignee_kind else "",
            "feedback_due": _d(case.feedback_due),
            "new_due_date": _d(case.due_date), "extension_reason": case.extension_reason or "",
            "outcome": Outcome.label_of(case.outcome), "outcome_text": case.outcome_text or "",
            "concluded_date": _d(case.concluded_on),
        })
        if k is NoticeKind.EXTEND:
            v["original_due_date"] = _original_due(s, case)
        if k is NoticeKind.ASSIGN:
            v["assignee_you"] = rules.assignee_you(case.assignee_kind)
            v["assign_requirements"] = _assign_requirements(s, case) or \
                rules.ASSIGN_DEFAULT_REQUIREMENTS.format(basis=rules.BASIS[k])
    return v


def _assign_requirements(s: Session, case: Case) -> str:
    """The 交办要求 the manager wrote at the newest 交办/改派, as entered ("" when none)."""
    row = s.execute(select(CaseEvent.detail).where(
        CaseEvent.case_id == case.id,
        CaseEvent.kind.in_((CaseEventKind.ASSIGNED.value, CaseEventKind.REASSIGNED.value)))
        .order_by(CaseEvent.id.desc()).limit(1)).scalar_one_or_none()
    return str(json.loads(row).get("note") or "").strip() if row else ""


def _addressee(k: NoticeKind, values: dict[str, str]) -> str:
    if k is NoticeKind.ASSIGN:
        return values.get("assignee") or values["addressee"]
    return values["addressee"]


def _flag(s: Session, key: str) -> bool:
    return bool(settings.get(s, key))


def _date_text(d: date, chinese: bool) -> str:
    if chinese:
        from app.output.chinese_dates import format_date
        return format_date(d, chinese=True)
    return format_cn(d)


_DEADLINES = {"due_date": "due_date", "new_due_date": "due_date", "feedback_due": "feedback_due"}


def _deadline_warnings(s: Session, template: str, case: Case | None) -> tuple[str, ...]:
    """A warning naming the years to load when a deadline the template prints was counted over a
    year that has no holiday data (from the case's acceptance to the deadline)."""
    if case is None or case.accepted_on is None:
        return ()
    used = set(rules.placeholders_in(template))
    ends = [getattr(case, col) for name, col in _DEADLINES.items() if name in used]
    ends = [d for d in ends if d is not None]
    if not ends:
        return ()
    missing = _years_without_data(s, case.accepted_on.year, max(d.year for d in ends))
    return (reissue_message(missing),) if missing else ()
