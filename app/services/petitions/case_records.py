"""What the case steps share (``cases``): the case and timeline records they return, the field
labels their errors name, and the helpers that read, check and record a case inside a step's
transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import (Case, CaseEvent, CaseSuspension, Employer, Person, Registration,
                           RegistrationIssue, User)
from app.domain import clock, case_clock
from app.domain.actor import Actor
from app.domain.calendar import WorkCalendar
from app.domain.case_clock import DeadlineRules, DeadlineState
from app.domain.enums import (AssigneeKind, CaseEventKind, CaseStatus, Category, Channel,
                              ExtensionStatus, FollowUp, IssueType, LEADER_IN_CHARGE_LABEL,
                              OPEN_STATUSES, Outcome)
from app.domain.errors import Collector, Conflict, NotFound, ValidationError
from app.domain.money import format_yuan, parse_yuan
from app.domain.validation import check_text
from app.domain.workflow import CASE_WORKFLOW, case_facts

from .. import audit, settings
from ..calendar import _load as _load_calendar


MAX_WORKERS = 100_000


NOTE_MAX = 2000


SHORT_MAX = 100


F_HANDLER = "承办人"


F_ASSIGNEE = "承办单位"


F_ASSIGNEE_KIND = "交办对象"


F_FEEDBACK = "反馈期限"


F_NOTE = "办理记录"


F_MEASURE = "办理措施"


F_MEASURE_TEXT = "措施说明"


F_LAWYER = "律师姓名"


F_MEDIATION = "调解结果"


F_AID_AMOUNT = "帮扶金额"


F_RECOVERED = "追回金额"


F_WORKERS = "受益职工人数"


F_EXT_REASON = "延期理由"


F_DECISION_NOTE = "审批意见"


F_SUSPEND_REASON = "中止原因"


F_SUSPEND_NOTE = "中止说明"


F_SUSPEND_DAY = "中止日期"


F_RESUME_DAY = "恢复日期"


F_LEADER = LEADER_IN_CHARGE_LABEL


F_OUTCOME = "处理意见"


F_OUTCOME_TEXT = "处理意见内容"


F_FOLLOWUP = "回访结果"


F_FOLLOWUP_NOTE = "回访情况"


F_REOPEN_REASON = "重新办理原因"


_AUDITED = ("status", "due_date", "notice_due", "handler_id", "assignee_kind", "assignee_name",
            "feedback_due", "extension_status", "extension_reason", "extension_requested_by",
            "extension_decided_by", "extended", "suspended", "supervised", "focus",
            "leader_in_charge", "concluded_on", "on_time", "outcome", "outcome_text",
            "recovered_fen", "workers_benefited", "followup_result", "followup_on",
            "followup_note", "archived_on", "reopened_count")


@dataclass(frozen=True)
class CaseRecord:
    id: int
    case_no: str
    status: CaseStatus
    category: str
    accepted_on: date
    notice_due: date
    notice_delivered_on: date | None
    due_date: date | None
    state: DeadlineState              # for today (or the day of conclusion)
    handler_id: int | None
    handler_name: str
    assignee_kind: AssigneeKind | None
    assignee_name: str
    feedback_due: date | None
    extension_status: ExtensionStatus | None
    extension_reason: str
    extended: bool
    suspended: bool
    supervised: bool
    focus: bool
    leader_in_charge: str
    concluded_on: date | None
    on_time: bool | None
    outcome: Outcome | None
    outcome_text: str
    recovered_fen: int
    workers_benefited: int
    followup_result: FollowUp | None
    followup_on: date | None
    followup_note: str
    archived_on: date | None
    reopened_count: int
    # the registration
    registration_id: int
    reg_no: str
    channel: str
    received_at: datetime
    person_id: int | None
    person_name: str
    employer_id: int | None
    employer_name: str
    head_count: int
    is_group: bool
    summary: str
    request: str
    facts: str
    issue_types: tuple[str, ...] = ()

    @property
    def status_label(self) -> str:
        return self.status.label

    @property
    def state_label(self) -> str:
        return self.state.label

    @property
    def category_label(self) -> str:
        return Category.label_of(self.category)

    @property
    def channel_label(self) -> str:
        return Channel.label_of(self.channel)

    @property
    def issue_labels(self) -> tuple[str, ...]:
        return tuple(IssueType.label_of(t) for t in self.issue_types)

    @property
    def assignee_label(self) -> str:
        """Who the case went to, for display: the handler's name or the body's name."""
        if self.assignee_kind is None:
            return ""
        if self.assignee_kind is AssigneeKind.HANDLER:
            return self.handler_name
        return self.assignee_name

    @property
    def outcome_label(self) -> str:
        return self.outcome.label if self.outcome else ""

    @property
    def followup_label(self) -> str:
        return self.followup_result.label if self.followup_result else ""

    @property
    def extension_label(self) -> str:
        return self.extension_status.label if self.extension_status else ""

    @property
    def recovered_label(self) -> str:
        return format_yuan(self.recovered_fen)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


@dataclass(frozen=True)
class CaseEventRecord:
    id: int
    case_id: int
    at: datetime
    user_id: int | None
    user_name: str          # display name when the account exists, else the username
    kind: CaseEventKind
    text: str
    detail: dict = field(default_factory=dict)

    @property
    def kind_label(self) -> str:
        return self.kind.label


def _now(now: datetime | None) -> datetime:
    return now or clock.now()


def _rules(s: Session) -> DeadlineRules:
    """The office's deadline settings, read in the caller's session."""
    return DeadlineRules.from_settings(settings.load(s, "deadline."))


def _calendar(s: Session, first: date, today: date) -> WorkCalendar:
    """One range query covering acceptance up to a year past today (deadlines run ≤ 90 days)."""
    return _load_calendar(s, min(first.year, today.year), max(first.year, today.year) + 1)


def _suspensions(s: Session, case_id: int) -> tuple[case_clock.Suspension, ...]:
    rows = s.execute(select(CaseSuspension.start, CaseSuspension.resumed)
                     .where(CaseSuspension.case_id == case_id)
                     .order_by(CaseSuspension.start, CaseSuspension.id)).all()
    return tuple(case_clock.Suspension(start, resumed) for start, resumed in rows)


def _recompute_due(s: Session, case: Case, cal: WorkCalendar, rules: DeadlineRules) -> None:
    case.due_date = case_clock.handling_due(cal, case.accepted_on, case.category, rules,
                                            extended=bool(case.extended),
                                            suspensions=_suspensions(s, case.id))


def _snapshot(case: Case) -> dict[str, Any]:
    return {name: getattr(case, name) for name in _AUDITED}


def _diff(before: dict, after: dict) -> tuple[dict, dict]:
    keys = [k for k in after if before.get(k) != after[k]]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def _jsonable(detail: dict) -> str:
    return audit.to_json(detail) or "{}"


def _event(s: Session, actor: Actor, case: Case, kind: CaseEventKind, at: datetime, text: str = "",
           detail: dict | None = None) -> None:
    s.add(CaseEvent(case_id=case.id, at=at, user_id=actor.user_id, username=actor.username,
                    kind=kind.value, text=text, detail=_jsonable(detail or {})))


def _finish(s: Session, actor: Actor, case: Case, action: str, before: dict, at: datetime) -> None:
    """Audit row for the fields that changed; touch updated_at."""
    case.updated_at = at
    b, a = _diff(before, _snapshot(case))
    audit.record(s, actor, "case", case.id, action, b, a)


def _get(s: Session, case_id: int) -> Case:
    case = s.get(Case, case_id)
    if case is None:
        raise NotFound(f"找不到编号为 {case_id} 的案件，可能已被删除，请刷新列表", "case not found")
    return case


def _user_name(s: Session, user_id: int | None) -> str:
    if user_id is None:
        return ""
    u = s.get(User, user_id)
    return u.display_name if u else ""


def _record(s: Session, case: Case, cal: WorkCalendar, rules: DeadlineRules,
            today: date) -> CaseRecord:
    reg = s.get(Registration, case.registration_id)
    person = s.get(Person, reg.person_id) if reg.person_id else None
    employer = s.get(Employer, reg.employer_id) if reg.employer_id else None
    issues = tuple(s.execute(select(RegistrationIssue.issue_type)
                             .where(RegistrationIssue.registration_id == reg.id)
                             .order_by(RegistrationIssue.issue_type)).scalars())
    st = case_clock.case_state(cal, case.due_date, today, rules,
                               is_open=CaseStatus(case.status) in OPEN_STATUSES,
                               concluded=case.concluded_on)
    return CaseRecord(
        id=case.id, case_no=case.case_no, status=CaseStatus(case.status), category=case.category,
        accepted_on=case.accepted_on, notice_due=case.notice_due,
        notice_delivered_on=case.notice_delivered_on, due_date=case.due_date, state=st,
        handler_id=case.handler_id, handler_name=_user_name(s, case.handler_id),
        assignee_kind=AssigneeKind(case.assignee_kind) if case.assignee_kind else None,
        assignee_name=case.assignee_name or "", feedback_due=case.feedback_due,
        extension_status=ExtensionStatus(case.extension_status) if case.extension_status else None,
        extension_reason=case.extension_reason or "", extended=bool(case.extended),
        suspended=bool(case.suspended), supervised=bool(case.supervised), focus=bool(case.focus),
        leader_in_charge=case.leader_in_charge or "", concluded_on=case.concluded_on,
        on_time=case.on_time, outcome=Outcome(case.outcome) if case.outcome else None,
        outcome_text=case.outcome_text or "", recovered_fen=case.recovered_fen or 0,
        workers_benefited=case.workers_benefited or 0,
        followup_result=FollowUp(case.followup_result) if case.followup_result else None,
        followup_on=case.followup_on, followup_note=case.followup_note or "",
        archived_on=case.archived_on, reopened_count=case.reopened_count or 0,
        registration_id=reg.id, reg_no=reg.reg_no, channel=reg.channel,
        received_at=reg.received_at, person_id=reg.person_id,
        person_name=person.name if person else "", employer_id=reg.employer_id,
        employer_name=employer.name if employer else "", head_count=reg.head_count,
        is_group=bool(reg.is_group), summary=reg.summary, request=reg.request or "",
        facts=reg.facts or "", issue_types=issues)


def _fresh(s: Session, case: Case, today: date) -> CaseRecord:
    s.flush()
    return _record(s, case, _calendar(s, case.accepted_on, today), _rules(s), today)


def _d(d: date | None) -> str:
    return d.isoformat() if d else ""


def _check_step(case: Case, step: str) -> None:
    """Refuse ``step`` with ``Conflict`` when the case workflow table (app.domain.workflow, the
    same table the case page enables its buttons from) says it may not be taken now."""
    refusal = CASE_WORKFLOW.refusal(step, case_facts(
        case_no=case.case_no, state=case.status, suspended=bool(case.suspended),
        extended=bool(case.extended), extension=case.extension_status))
    if refusal is not None:
        raise Conflict(refusal.text, refusal.code)


def _index_notes(s: Session, case: Case, text: str) -> None:
    from .search import index_case_notes
    if text:
        index_case_notes(s, case.registration_id, text)


def _moves_to_progress(case: Case, actor: Actor) -> bool:
    """Work recorded by the handler (or by staff for a department / lower union) starts handling."""
    if case.status != CaseStatus.ASSIGNED.value:
        return False
    if case.assignee_kind == AssigneeKind.HANDLER.value:
        return actor.user_id is not None and actor.user_id == case.handler_id
    return True


def _start_progress(case: Case, actor: Actor) -> None:
    if _moves_to_progress(case, actor):
        case.status = CaseStatus.IN_PROGRESS.value


def _parse_fen(value: Any, errors: Collector, fld: str, *, allow_zero: bool = True) -> int | None:
    """int → fen as given; str / Decimal → yuan text. None when bad (error collected)."""
    try:
        if isinstance(value, bool):
            raise ValidationError([(fld, "请填写金额（元）")])
        if isinstance(value, int):
            if value < 0:
                raise ValidationError([(fld, "不能为负数")])
            if value == 0 and not allow_zero:
                raise ValidationError([(fld, "必须大于 0")])
            return value
        if isinstance(value, (str, Decimal)) or value is None:
            return parse_yuan(value, fld, allow_zero=allow_zero)
        raise ValidationError([(fld, f"「{value}」不是金额，请填写数字，例如 86000 或 1234.50")])
    except ValidationError as e:
        errors.errors.extend(e.errors)
        return None


def _parse_workers(value: Any, errors: Collector) -> int | None:
    if isinstance(value, str):
        text = value.strip()
        if not text:
            errors.add(F_WORKERS, "请填写人数（0 或更大的整数）")
            return None
        if not text.isdigit():
            errors.add(F_WORKERS, f"「{text}」不是人数，请填写整数")
            return None
        value = int(text)
    if isinstance(value, bool) or not isinstance(value, int):
        errors.add(F_WORKERS, "请填写整数人数")
        return None
    if value < 0:
        errors.add(F_WORKERS, "不能为负数")
        return None
    if value > MAX_WORKERS:
        errors.add(F_WORKERS, f"不能超过 {MAX_WORKERS} 人，请核对")
        return None
    return value


def _text(errors: Collector, value: Any, fld: str, max_len: int, required: bool = False) -> str:
    try:
        return check_text(value, fld, max_len, required=required)
    except ValidationError as e:
        errors.errors.extend(e.errors)
        return ""


def _enum(errors: Collector, enum_cls, value: Any, fld: str):
    if value is None or (isinstance(value, str) and not value.strip()):
        errors.add(fld, f"请选择{fld}")
        return None
    try:
        return enum_cls(value)
    except ValueError:
        errors.add(fld, f"「{value}」不是有效的{fld}，请从列表中选择")
        return None


def _begin(s: Session, case_id: int, now: datetime | None) -> tuple[Case, datetime, dict]:
    case = _get(s, case_id)
    at = _now(now)
    return case, at, _snapshot(case)


def _assignee_text(s: Session, case: Case) -> str:
    if case.assignee_kind is None:
        return ""
    if case.assignee_kind == AssigneeKind.HANDLER.value:
        return _user_name(s, case.handler_id)
    return case.assignee_name or ""


def _apply_result(case: Case, recovered: int | None, workers: int | None) -> dict[str, Any]:
    detail: dict[str, Any] = {}
    if recovered is not None:
        detail["recovered_before"] = case.recovered_fen or 0
        detail["recovered_after"] = recovered
        case.recovered_fen = recovered
    if workers is not None:
        detail["workers_before"] = case.workers_benefited or 0
        detail["workers_after"] = workers
        case.workers_benefited = workers
    return detail


def _result_text(detail: dict) -> str:
    parts = []
    if "recovered_after" in detail:
        parts.append(f"追回金额 {format_yuan(detail['recovered_before'])} → "
                     f"{format_yuan(detail['recovered_after'])}")
    if "workers_after" in detail:
        parts.append(f"受益职工 {detail['workers_before']} → {detail['workers_after']} 人")
    return "；".join(parts)
