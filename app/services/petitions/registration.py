"""Registration (登记): the clerk's form, saved in one transaction, and the registrations read back
(issue 3, DESIGN §3–§4).

Contract:

* Every function opens its own unit of work and returns frozen dataclasses; no ORM object leaves
  this module. Any thread.
* ``register`` validates every field with one ``Collector`` and reports all bad fields at once
  (by their Chinese label). Nothing is half-written: the registration, its issue types, an inline
  new person, the attachment rows, the case opened on acceptance (``cases.open_case``), the
  hot-spot warnings and every audit row are written in ONE ``db.write()`` transaction. The
  registration number is taken inside that transaction (``numbering.next_number``), so a failed
  save returns its number and two workstations never get the same one.
* Permissions: registering needs ``Perm.REGISTER``; the disposition 受理 also ``Perm.ACCEPT_CASE``;
  creating the petitioner inline also ``Perm.EDIT_PEOPLE``.
* Attachments are stored by ``app.services.attachments`` before the transaction and removed again
  when it fails (nothing is left behind).
* Anonymous contacts: the person may be left blank (anonymous) for calls, letters, online
  messages and questions raised at an outreach event (often answered on the spot without a name);
  a visit always has a person in front of the clerk. An anonymous contact cannot
  be accepted as a case, because the acceptance notice must be delivered to someone. A name typed
  but not picked from the matches (``person_name``) is refused: pick or create the person.
* Representatives (≤ 5 names) only for a group contact (head count ≥ ``hotspot.group_size``).
* Times are naive local; every function takes ``now=`` so tests can move the clock.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.db import Database
from app.db.models import (Attachment, Case, Employer, OutreachEvent, Person, Registration,
                           RegistrationIssue)
from app.domain import clock
from app.domain.actor import Actor
from app.domain.enums import (REJECT_REDIRECTS, CaseStatus, Category, Channel, Disposition,
                              IssueType, RejectReason)
from app.domain.errors import Collector, NotFound
from app.domain.permissions import Perm
from app.domain.privacy import mask_id_tail
from app.domain.validation import check_name, check_text, checked, clean_text, is_blank

from .. import audit, numbering, people
from .. import settings as settings_service
from ..access import require
from ..attachments import (AttachmentRecord, _Staged, _attachment_record, _discard_staged, _place,
                           _remove_unreferenced, _stage_all)
from .fields import (ANONYMOUS_CHANNELS, HEAD_COUNT_MAX, HEAD_COUNT_MIN, LABELS, MAX,
                     MAX_REPRESENTATIVES, _enum, _int_in_range, _names, parse_received)
from .hotspots import HotspotRecord, _hotspots


@dataclass(frozen=True)
class RegistrationInput:
    """What the registration form holds, as typed. Enumerations may be the enum, its code or its
    Chinese label. ``received_at``: a datetime, a date or text (「2026-11-20 10:30」, 「2026-11-20」);
    blank means now. The person is ``person_id`` (picked from the matches), or ``new_person``
    (created with the registration), or nobody with ``anonymous`` (calls, letters, online only).
    Left blank, it is anonymous (calls, letters, online, outreach only); ``person_name`` is text typed in
    the person field without picking a match (refused with a hint). The employer is
    ``employer_id``, or ``employer_name`` (must be registered, exact name). The earlier case of a
    repeat is ``repeat_of_case_id`` or ``repeat_of_case_no``.
    ``representatives``: a list of names or one text separated by 、，; or new lines.
    ``solved_on_site`` None means "answered on the spot" for an outreach contact."""
    channel: Any = None
    received_at: Any = None
    person_id: int | None = None
    new_person: people.PersonInput | None = None
    person_name: str = ""
    head_count: Any = 1
    representatives: Any = ()
    employer_id: int | None = None
    employer_name: str = ""
    category: Any = None
    issue_types: Sequence[Any] = ()
    summary: str = ""
    request: str = ""
    facts: str = ""
    disposition: Any = None
    answer: str = ""
    reject_reason: Any = None
    redirect_to: str = ""
    transfer_to: str = ""
    transfer_reason: str = ""
    repeat_of_case_id: int | None = None
    repeat_of_case_no: str = ""
    earlier_documents: str = ""
    outreach_event_id: int | None = None
    solved_on_site: bool | None = None
    leader_reception: bool = False
    leader_name: str = ""
    attachments: Sequence[str | os.PathLike] = ()


@dataclass(frozen=True)
class RegistrationRecord:
    id: int
    reg_no: str
    channel: str
    channel_label: str
    received_at: datetime
    person_id: int | None
    person_name: str
    person_id_tail: str
    person_phone: str
    head_count: int
    is_group: bool
    representatives: tuple[str, ...]
    employer_id: int | None
    employer_name: str
    category: str
    category_label: str
    issue_types: tuple[str, ...]
    summary: str
    request: str
    facts: str
    disposition: str
    disposition_label: str
    answer: str
    reject_reason: str | None
    reject_reason_label: str
    redirect_to: str
    transfer_to: str
    transfer_reason: str
    repeat_of_case_id: int | None
    repeat_of_case_no: str
    earlier_documents: str
    outreach_event_id: int | None
    outreach_theme: str
    solved_on_site: bool
    leader_reception: bool
    leader_name: str
    case_id: int | None
    case_no: str
    case_status: str | None
    attachments: tuple[AttachmentRecord, ...]
    created_by: int | None
    created_at: datetime
    warnings: tuple[HotspotRecord, ...] = ()   # raised by this save (``register`` only)

    @property
    def issue_labels(self) -> str:
        return "、".join(IssueType.label_of(t) for t in self.issue_types)

    @property
    def case_status_label(self) -> str:
        return CaseStatus.label_of(self.case_status)

    @property
    def person_label(self) -> str:
        """「张三」, 「张三等12人」, or 匿名 when nobody was recorded."""
        name = self.person_name or "匿名"
        return f"{name}等{self.head_count}人" if self.head_count > 1 else name


@dataclass(frozen=True)
class HistoryItem:
    """One earlier contact: the side panel of the form and the person page."""
    registration_id: int
    reg_no: str
    received_at: datetime
    channel: str
    channel_label: str
    person_name: str
    summary: str
    disposition: str
    disposition_label: str
    case_id: int | None
    case_no: str
    case_status: str | None
    case_status_label: str


@dataclass
class _Clean:
    values: dict[str, Any]
    issue_types: list[str]
    disposition: Disposition | None
    channel: Channel | None


def _clean(data: RegistrationInput, cfg: dict[str, Any], now: datetime,
           errors: Collector) -> _Clean:
    """Every check that needs no database."""
    L = LABELS
    channel = _enum(errors, Channel, data.channel, L["channel"])
    received = checked(errors, parse_received, data.received_at, now)
    head = checked(errors, _int_in_range, data.head_count, L["head_count"], HEAD_COUNT_MIN,
                   HEAD_COUNT_MAX)
    is_group = head is not None and head >= int(cfg["hotspot.group_size"])
    reps = _names(data.representatives)
    if reps and not is_group:
        errors.add(L["representatives"], f"只有集体访（{cfg['hotspot.group_size']}人及以上）才填写代表；"
                                         "请先填写人数，或清空代表")
    if len(reps) > MAX_REPRESENTATIVES:
        errors.add(L["representatives"], f"代表最多 {MAX_REPRESENTATIVES} 人，现有 {len(reps)} 人，请删减")
    reps = [checked(errors, check_name, r, L["representatives"], MAX["representative"], default=r)
            for r in reps]
    category = _enum(errors, Category, data.category, L["category"])
    issues: list[str] = []
    for raw in data.issue_types or ():
        it = _enum(errors, IssueType, raw, L["issue_types"], required=False)
        if it is not None and it.value not in issues:
            issues.append(it.value)
    if not issues and not any(not is_blank(r) for r in data.issue_types or ()):
        errors.add(L["issue_types"], "请至少选择一个问题类型")
    text = {k: checked(errors, check_text, getattr(data, k), L[k], MAX[k], default="")
            for k in ("summary", "request", "facts")}
    if not text["summary"] and not any(f == L["summary"] for f, _ in errors.errors):
        errors.add(L["summary"], f"请填写{L['summary']}")

    disposition = _enum(errors, Disposition, data.disposition, L["disposition"])
    v: dict[str, Any] = {"answer": "", "reject_reason": None, "redirect_to": "", "transfer_to": "",
                         "transfer_reason": "", "repeat_of_case_id": None, "earlier_documents": ""}

    def need(key: str, label_key: str, why: str) -> str:
        got = checked(errors, check_text, getattr(data, key), L[label_key], MAX[key], default="")
        if not got and not any(f == L[label_key] for f, _ in errors.errors):
            errors.add(L[label_key], f"处理方式为「{why}」时请填写{L[label_key]}")
        return got

    if disposition is Disposition.ANSWERED:
        v["answer"] = need("answer", "answer", Disposition.ANSWERED.label)
    elif disposition is Disposition.NOT_ACCEPTED:
        reason = _enum(errors, RejectReason, data.reject_reason, L["reject_reason"], required=False)
        if reason is None and is_blank(data.reject_reason):
            errors.add(L["reject_reason"], f"处理方式为「{Disposition.NOT_ACCEPTED.label}」时请选择"
                                           f"{L['reject_reason']}")
        v["reject_reason"] = reason.value if reason else None
        redirect = checked(errors, check_text, data.redirect_to, L["redirect_to"], MAX["redirect_to"],
                           default="")
        v["redirect_to"] = redirect or (REJECT_REDIRECTS[reason] if reason else "")
    elif disposition is Disposition.TRANSFERRED:
        v["transfer_to"] = need("transfer_to", "transfer_to", Disposition.TRANSFERRED.label)
        v["transfer_reason"] = need("transfer_reason", "transfer_reason", Disposition.TRANSFERRED.label)
    elif disposition is Disposition.REPEAT:
        if data.repeat_of_case_id is None and is_blank(data.repeat_of_case_no):
            errors.add(L["repeat_of"], f"处理方式为「{Disposition.REPEAT.label}」时请选择原案件"
                                       "（侧栏中的已有案件）")
        v["repeat_of_case_id"] = data.repeat_of_case_id
    elif disposition is Disposition.NO_MORE:
        v["earlier_documents"] = need("earlier_documents", "earlier_documents",
                                      Disposition.NO_MORE.label)

    # the person
    has_new = data.new_person is not None
    if data.person_id is not None and has_new:
        errors.add(L["person"], "已选择了已登记的信访人，又填写了新信访人，请只保留一个")
    if data.person_id is None and not has_new:
        typed = clean_text(data.person_name)
        if typed:
            errors.add(L["person"], f"「{typed}」尚未从匹配列表中选定，请用 ↑↓ 选择已登记的人员，"
                                    "或点「新建」登记该信访人")
        elif channel is None:
            errors.add(L["person"], "请选择或新建信访人（只有来电、来信、网上反映和走访活动现场可以匿名）")
        elif channel is not None and channel not in ANONYMOUS_CHANNELS:
            errors.add(L["person"], f"渠道为「{channel.label}」时须登记信访人，请选择或新建信访人"
                                    "（只有来电、来信、网上反映和走访活动现场可以匿名）")
        elif disposition is Disposition.ACCEPTED:
            errors.add(L["person"], "匿名反映不能受理（受理告知书须送达本人），请登记信访人，"
                                    "或选择其他处理方式")

    # outreach and leader reception
    if channel is Channel.OUTREACH and data.outreach_event_id is None:
        errors.add(L["outreach_event"], f"渠道为「{Channel.OUTREACH.label}」时请选择走访活动")
    if channel is not None and channel is not Channel.OUTREACH and data.outreach_event_id is not None:
        errors.add(L["outreach_event"], f"只有渠道为「{Channel.OUTREACH.label}」的登记才能关联走访活动")
    leader = ""
    if data.leader_reception:
        if channel is not None and channel is not Channel.VISIT:
            errors.add(L["leader_name"], f"领导接待日只适用于「{Channel.VISIT.label}」")
        leader = checked(errors, check_name, data.leader_name, L["leader_name"], MAX["leader_name"],
                         default="")
    solved = data.solved_on_site
    if solved is None:
        solved = channel is Channel.OUTREACH and disposition is Disposition.ANSWERED

    values = {
        "channel": channel.value if channel else None,
        "received_at": received,
        "head_count": head if head is not None else 1,
        "is_group": is_group,
        "representatives": json.dumps(reps, ensure_ascii=False),
        "employer_id": data.employer_id,
        "category": category.value if category else None,
        **text,
        "disposition": disposition.value if disposition else None,
        **v,
        "outreach_event_id": data.outreach_event_id,
        "solved_on_site": bool(solved),
        "leader_reception": bool(data.leader_reception),
        "leader_name": leader,
    }
    return _Clean(values, issues, disposition, channel)


def _check_references(s: Session, data: RegistrationInput, c: _Clean, errors: Collector) -> None:
    """Checks against the database; fills in ``employer_id`` and ``repeat_of_case_id`` resolved
    from a typed name or number."""
    L = LABELS
    if data.person_id is not None and s.get(Person, data.person_id) is None:
        errors.add(L["person"], "所选信访人已不存在，请重新查找")
    if data.employer_id is not None:
        if s.get(Employer, data.employer_id) is None:
            errors.add(L["employer"], "所选单位已不存在，请重新选择")
    elif not is_blank(data.employer_name):
        name = people.normalize_employer_name(clean_text(data.employer_name))
        found = s.scalar(select(Employer.id).where(Employer.name == name).limit(1))
        if found is None:
            errors.add(L["employer"], f"单位「{name}」尚未登记，请从匹配列表中选择，或点「新增单位」登记")
        c.values["employer_id"] = found
    if data.outreach_event_id is not None and s.get(OutreachEvent, data.outreach_event_id) is None:
        errors.add(L["outreach_event"], "所选走访活动已不存在，请重新选择")
    if c.disposition is Disposition.REPEAT:
        if data.repeat_of_case_id is not None:
            if s.get(Case, data.repeat_of_case_id) is None:
                errors.add(L["repeat_of"], f"找不到编号为 {data.repeat_of_case_id} 的案件，"
                                           "请在侧栏中重新选择")
        elif not is_blank(data.repeat_of_case_no):
            no = clean_text(data.repeat_of_case_no).upper()
            found = s.scalar(select(Case.id).where(Case.case_no == no))
            if found is None:
                errors.add(L["repeat_of"], f"找不到案件编号「{no}」，请核对（如 C2026-000045）")
            c.values["repeat_of_case_id"] = found


_AUDITED = ("reg_no", "channel", "received_at", "person_id", "head_count", "is_group",
            "representatives", "employer_id", "category", "summary", "request", "facts",
            "disposition", "answer", "reject_reason", "redirect_to", "transfer_to",
            "transfer_reason", "repeat_of_case_id", "earlier_documents", "outreach_event_id",
            "solved_on_site", "leader_reception", "leader_name")


def register(db: Database, actor: Actor, data: RegistrationInput,
             now: datetime | None = None) -> RegistrationRecord:
    """Save one registration (and, for 受理, open its case). All or nothing; ValidationError lists
    every bad field. Returns the saved record with its number, the case and any warnings raised."""
    require(actor, Perm.REGISTER)
    now = now or clock.now()
    cfg = settings_service.load(db)
    errors = Collector()
    c = _clean(data, cfg, now, errors)
    if c.disposition is Disposition.ACCEPTED:
        require(actor, Perm.ACCEPT_CASE)
    if data.new_person is not None:
        require(actor, Perm.EDIT_PEOPLE)
    staged = _stage_all(db, data.attachments, errors)
    if errors.errors:
        _discard_staged(staged)
        # the database-dependent checks too, so the clerk sees every problem at once
        with db.read() as s:
            _check_references(s, data, c, errors)
            if data.new_person is not None:
                people.prepare_person(s, data.new_person, errors.scoped("new_person"))
        errors.raise_if_any()
    created: list[Path] = []
    try:
        created = _place(db, staged)
        with db.write() as s:
            _check_references(s, data, c, errors)
            prepared = people.prepare_person(s, data.new_person, errors.scoped("new_person")) \
                if data.new_person is not None else None
            errors.raise_if_any()
            person_id = data.person_id
            if prepared is not None:
                person_id = people.insert_person(s, actor, prepared).id
            rec = _insert(s, actor, c, person_id, staged, now)
            warnings = _hotspots(s, actor, rec, cfg, now)
            out = _record(s, rec)
    except BaseException:
        _discard_staged(staged)
        _remove_unreferenced(db, created)
        raise
    return _replace_warnings(out, warnings)


def _replace_warnings(rec: RegistrationRecord, warnings: list[HotspotRecord]) -> RegistrationRecord:
    return replace(rec, warnings=tuple(warnings))


def _insert(s: Session, actor: Actor, c: _Clean, person_id: int | None, staged: list[_Staged],
            now: datetime) -> Registration:
    received: datetime = c.values["received_at"]
    n = numbering.next_number(s, "registration", received.year)
    reg = Registration(reg_no=numbering.registration_no(received.year, n), person_id=person_id,
                       created_by=actor.user_id, created_at=now, updated_at=now, **c.values)
    s.add(reg)
    s.flush()
    s.add_all(RegistrationIssue(registration_id=reg.id, issue_type=t) for t in c.issue_types)
    atts = [Attachment(registration_id=reg.id, sha256=st.sha256, filename=st.filename,
                       size=st.size, added_by=actor.user_id, added_at=now) for st in staged]
    s.add_all(atts)
    s.flush()
    after = {k: getattr(reg, k) for k in _AUDITED}
    after["representatives"] = json.loads(reg.representatives)
    after["issue_types"] = list(c.issue_types)
    after["attachments"] = [{"sha256": a.sha256, "filename": a.filename, "size": a.size} for a in atts]
    audit.record(s, actor, "registration", reg.id, "create", None, after)
    if c.disposition is Disposition.ACCEPTED:
        from . import cases  # the cases service opens the case, its timeline and its audit row
        cases.open_case(s, actor, reg, now)
    return reg


def _record(s: Session, reg: Registration) -> RegistrationRecord:
    person = s.get(Person, reg.person_id) if reg.person_id else None
    employer = s.get(Employer, reg.employer_id) if reg.employer_id else None
    case = s.execute(select(Case).where(Case.registration_id == reg.id)).scalar_one_or_none()
    repeat_no = ""
    if reg.repeat_of_case_id:
        repeat_no = s.scalar(select(Case.case_no).where(Case.id == reg.repeat_of_case_id)) or ""
    theme = ""
    if reg.outreach_event_id:
        theme = s.scalar(select(OutreachEvent.theme).where(OutreachEvent.id == reg.outreach_event_id)) or ""
    issues = tuple(s.scalars(select(RegistrationIssue.issue_type)
                             .where(RegistrationIssue.registration_id == reg.id)))
    order = {t.value: i for i, t in enumerate(IssueType)}
    issues = tuple(sorted(issues, key=lambda t: order.get(t, 99)))
    atts = tuple(_attachment_record(a) for a in s.scalars(
        select(Attachment).where(Attachment.registration_id == reg.id).order_by(Attachment.id)))
    return RegistrationRecord(
        id=reg.id, reg_no=reg.reg_no, channel=reg.channel, channel_label=Channel.label_of(reg.channel),
        received_at=reg.received_at, person_id=reg.person_id,
        person_name=person.name if person else "",
        person_id_tail=mask_id_tail(person.id_number) if person else "",
        person_phone=(person.phone or "") if person else "",
        head_count=reg.head_count, is_group=bool(reg.is_group),
        representatives=tuple(json.loads(reg.representatives or "[]")),
        employer_id=reg.employer_id, employer_name=employer.name if employer else "",
        category=reg.category, category_label=Category.label_of(reg.category), issue_types=issues,
        summary=reg.summary, request=reg.request, facts=reg.facts, disposition=reg.disposition,
        disposition_label=Disposition.label_of(reg.disposition), answer=reg.answer,
        reject_reason=reg.reject_reason, reject_reason_label=RejectReason.label_of(reg.reject_reason),
        redirect_to=reg.redirect_to, transfer_to=reg.transfer_to,
        transfer_reason=reg.transfer_reason, repeat_of_case_id=reg.repeat_of_case_id,
        repeat_of_case_no=repeat_no, earlier_documents=reg.earlier_documents,
        outreach_event_id=reg.outreach_event_id, outreach_theme=theme,
        solved_on_site=bool(reg.solved_on_site), leader_reception=bool(reg.leader_reception),
        leader_name=reg.leader_name, case_id=case.id if case else None,
        case_no=case.case_no if case else "", case_status=case.status if case else None,
        attachments=atts, created_by=reg.created_by, created_at=reg.created_at)


def get_registration(db: Database, registration_id: int) -> RegistrationRecord:
    with db.read() as s:
        reg = s.get(Registration, registration_id)
        if reg is None:
            raise NotFound(f"找不到编号为 {registration_id} 的登记，可能已被删除", "registration not found")
        return _record(s, reg)


def get_registration_by_no(db: Database, reg_no: str) -> RegistrationRecord:
    with db.read() as s:
        reg = s.execute(select(Registration).where(Registration.reg_no == clean_text(reg_no))
                        ).scalar_one_or_none()
        if reg is None:
            raise NotFound(f"找不到登记号为「{reg_no}」的登记，请核对", "registration not found")
        return _record(s, reg)


def _history_rows(s: Session, where, limit: int) -> list[HistoryItem]:
    rows = s.execute(
        select(Registration.id, Registration.reg_no, Registration.received_at, Registration.channel,
               Registration.summary, Registration.disposition, Person.name,
               Case.id.label("case_id"), Case.case_no, Case.status)
        .outerjoin(Person, Person.id == Registration.person_id)
        .outerjoin(Case, Case.registration_id == Registration.id)
        .where(where)
        .order_by(Registration.received_at.desc(), Registration.id.desc())
        .limit(max(1, int(limit)))).all()
    return [HistoryItem(registration_id=r.id, reg_no=r.reg_no, received_at=r.received_at,
                        channel=r.channel, channel_label=Channel.label_of(r.channel),
                        person_name=r.name or "", summary=r.summary, disposition=r.disposition,
                        disposition_label=Disposition.label_of(r.disposition),
                        case_id=r.case_id, case_no=r.case_no or "", case_status=r.status,
                        case_status_label=CaseStatus.label_of(r.status))
            for r in rows]


def history(db: Database, person_id: int | None = None, employer_id: int | None = None,
            limit: int = 20) -> list[HistoryItem]:
    """Earlier contacts of a person and/or an employer, newest first (indexed: person/employer
    + received_at)."""
    conds = []
    if person_id is not None:
        conds.append(Registration.person_id == person_id)
    if employer_id is not None:
        conds.append(Registration.employer_id == employer_id)
    if not conds:
        return []
    with db.read() as s:
        return _history_rows(s, or_(*conds), limit)
