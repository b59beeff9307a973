"""Issued notices 告知书 (DESIGN §4, issue 4): issue, void, delivery record, reprint.

Contract:

* ``issue`` checks the actor (``Perm.ISSUE_NOTICE``), the kind against the case / registration
  state (``app.domain.notices.refusal``: refused with ``Conflict`` and the reason) and the office
  profile (单位名称, 文号代字: ``UserError`` naming the missing field), takes the next number of the
  kind's own sequence for the year (``numbering.next_number(session, "notice:<kind>", year)``)
  INSIDE the same write transaction, fills the template, stores the snapshot of exactly what is
  printed, and writes one audit row (entity ``notice``). A rollback returns the number: no gaps.
* ``document`` builds the printable document ONLY from the snapshot, so a reprint is identical
  (same number, same text) whatever changed in the case, the office profile or the template since.
* ``void`` is a recorded act with a reason; the number is never reused (the counter never goes
  back). ``record_delivery`` keeps the 送达 record; for a 受理告知书 it also sets the case's
  ``notice_delivered_on`` (the statutory 15-day notice clock stops there).
* Templates: ``template_text`` returns the office's edited text (settings key
  ``notice_template.<kind>``) or the shipped ``resources/notices/<kind>.txt``.
* The registration sheet 信访事项登记表 is kept like a notice but carries no document number.
* Printing: ``render_pdf`` writes notices (from their snapshots, in the order given) into one PDF
  in the office font (``office.notice_font``; when unset, gone or unusable — then with a warning —
  the machine's 仿宋/宋体, else the bundled font: ``app.output.fonts.choose``);
  ``issue_for_cases`` reuses each case's newest valid notice of a kind (a reprint) or issues one,
  all new numbers in ONE write transaction (a cancel returns every one of them);
  ``preview_pdf`` renders a template with sample values for the template settings page.
* ``office.notice_date_chinese`` makes NEW notices carry the date in Chinese numerals
  (二〇二六年十一月二十三日); an issued snapshot never changes.
* A notice just issued (``issue``, a new one from ``reprint_or_issue``, ``issue_for_cases``) carries
  ``warnings`` when a deadline it prints was counted over a year without holiday data: the
  sentence names the year to import before issuing it again (the GUI shows it under the preview,
  the command line on stderr). Nothing is refused for it.
* The command line (``uniondesk notice``) issues as ``CLI_ACTOR``: the machine's operator, who may
  issue notices there although the administrator role may not in the program.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db import Database
from app.db.models import (AuditHead, Case, Counter, Employer, Notice, Person, Registration,
                           RegistrationIssue, User)
from app.domain import clock, notices as rules
from app.domain.actor import CLI_ACTOR, Actor
from app.domain.dates import format_cn, parse_date
from app.domain.errors import Conflict, NotFound, UserError, ValidationError
from app.domain.notices import DeliveryMethod, NoticeKind
from app.domain.permissions import Perm
from app.domain.validation import check_text

from .. import audit
from ..access import require
from ..numbering import next_number
from .notice_templates import _kind, _template
from .notice_values import (CHINESE_DATE_KEY, _addressee, _d, _date_text, _deadline_warnings, _flag,
                            _office, _setting, _state, _subject, _values)


REASON_MAX = 500


F_REASON = "作废原因"


F_METHOD = "送达方式"


F_DELIVERED = "送达日期"


F_RECIPIENT = "签收人"


_CHUNK = 500          # ids per IN (...) clause


def _may_issue(actor: Actor) -> None:
    """Perm.ISSUE_NOTICE; the command line's operator (CLI_ACTOR, DESIGN §5 ``notice``) may too."""
    if actor == CLI_ACTOR:
        return
    require(actor, Perm.ISSUE_NOTICE)


def _chunks(items: Sequence[int], size: int = _CHUNK) -> Iterator[list[int]]:
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i:i + size]


@dataclass(frozen=True)
class NoticeRecord:
    id: int
    kind: NoticeKind
    year: int
    serial: int | None
    doc_no: str
    case_id: int | None
    registration_id: int | None
    issued_at: datetime
    issued_by: int | None
    issued_by_name: str
    addressee: str
    title: str
    issuer: str
    date_text: str
    paragraphs: tuple[str, ...]
    voided_at: datetime | None
    voided_by: int | None
    void_reason: str
    delivery_method: DeliveryMethod | None
    delivered_on: date | None
    delivery_recipient: str
    # given when just issued: Chinese sentences for the person (a printed deadline counted over a
    # year without holiday data, see ``_deadline_warnings``)
    warnings: tuple[str, ...] = ()

    @property
    def kind_label(self) -> str:
        return self.kind.label

    @property
    def named(self) -> str:
        """「受理告知书 朝工信受〔2026〕1号」: the kind and its number (the kind alone unnumbered)."""
        return f"{self.kind.label} {self.doc_no}" if self.doc_no else self.kind.label

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None

    @property
    def delivery_label(self) -> str:
        """「当面 2026年11月23日 张三」 or empty."""
        if self.delivery_method is None:
            return ""
        parts = [self.delivery_method.label]
        if self.delivered_on:
            parts.append(format_cn(self.delivered_on))
        if self.delivery_recipient:
            parts.append(self.delivery_recipient)
        return " ".join(parts)


def _record(n: Notice) -> NoticeRecord:
    c = json.loads(n.content)
    return NoticeRecord(
        id=n.id, kind=NoticeKind(n.kind), year=n.year, serial=n.serial, doc_no=n.doc_no,
        case_id=n.case_id, registration_id=n.registration_id, issued_at=n.issued_at,
        issued_by=n.issued_by, issued_by_name=n.issued_by_name or "", addressee=n.addressee,
        title=n.title, issuer=c.get("issuer", ""), date_text=c.get("date", ""),
        paragraphs=tuple(c.get("paragraphs", ())), voided_at=n.voided_at, voided_by=n.voided_by,
        void_reason=n.void_reason or "",
        delivery_method=DeliveryMethod(n.delivery_method) if n.delivery_method else None,
        delivered_on=n.delivered_on, delivery_recipient=n.delivery_recipient or "")


@dataclass(frozen=True)
class _Issuing:
    """What every notice of one kind issued in one transaction shares."""
    kind: NoticeKind
    office: dict[str, str]
    template: str
    chinese_date: bool
    review_days: str


def _issuing(s: Session, k: NoticeKind) -> _Issuing:
    """Office profile (named fields missing: UserError), the template (checked) and the date style."""
    office = _office(s, k)
    text = _template(s, k)
    unknown = rules.validate_template(text)
    if unknown:
        raise UserError(f"{k.label}的模板含有未知的占位符 " + "、".join("{" + n + "}" for n in unknown)
                        + "，请在「设置 → 文书模板」中修改", "template has unknown placeholders")
    return _Issuing(k, office, text, _flag(s, CHINESE_DATE_KEY),
                    _setting(s, "deadline.review_days"))


def _issue_in(s: Session, actor: Actor, ctx: _Issuing, reg: Registration, case: Case | None,
              issued: datetime, *, serial: int | None = None,
              issues: Sequence[str] | None = None) -> Notice:
    """Issue one notice in the caller's write transaction (the kind already fits the state): the
    next number of the kind's year (or ``serial``, already reserved with ``_reserve``), the filled
    template, the snapshot and the audit row. ``issues``: the registration's issue types when
    already fetched."""
    k, office = ctx.kind, ctx.office
    year = issued.year
    doc_no = None
    if k.numbered:
        if serial is None:
            serial = next_number(s, f"notice:{k.value}", year)
        doc_no = rules.doc_number(office["doc_prefix"], year, serial)
    else:
        serial = None
    values = _values(s, k, reg, case, office, doc_no or "", issued, issues, ctx.review_days)
    date_text = _date_text(issued.date(), ctx.chinese_date)
    values["issue_date"] = date_text
    paragraphs = rules.fill(ctx.template, values, plural=rules.is_group(reg.head_count))
    addressee = _addressee(k, values)
    content = {"issuer": office["name"], "doc_no": doc_no or "", "title": k.title,
               "addressee": addressee, "paragraphs": paragraphs,
               "date": date_text, "seal_name": office["name"],
               "fields": values, "template": ctx.template}
    n = Notice(kind=k.value, year=year, serial=serial, doc_no=doc_no or "",
               case_id=case.id if case is not None else None, registration_id=reg.id,
               issued_at=issued, issued_by=actor.user_id, issued_by_name=actor.display_name,
               addressee=addressee, title=k.title,
               content=json.dumps(content, ensure_ascii=False, sort_keys=True),
               void_reason="", delivery_recipient="")
    s.add(n)
    s.flush()
    audit.record(s, actor, "notice", n.id, "issue", None,
                 {"kind": k.value, "doc_no": n.doc_no, "case_id": n.case_id,
                  "registration_id": n.registration_id, "addressee": addressee})
    return n


def _issued(s: Session, n: Notice, ctx: _Issuing, case: Case | None) -> NoticeRecord:
    return replace(_record(n), warnings=_deadline_warnings(s, ctx.template, case))


def _newest_valid(s: Session, k: NoticeKind, *, case_id: int | None = None,
                  registration_id: int | None = None) -> Notice | None:
    q = select(Notice).where(Notice.kind == k.value, Notice.voided_at.is_(None))
    if case_id is not None:
        q = q.where(Notice.case_id == case_id)
    if registration_id is not None:
        q = q.where(Notice.registration_id == registration_id)
    return s.execute(q.order_by(Notice.id.desc()).limit(1)).scalar_one_or_none()


def issue(db: Database, actor: Actor, kind: NoticeKind | str, *, case_id: int | None = None,
          registration_id: int | None = None, now: datetime | None = None) -> NoticeRecord:
    """Issue one notice of ``kind`` for a case or registration; returns it with its number."""
    _may_issue(actor)
    k = _kind(kind)
    issued = now or clock.now()
    with db.write() as s:
        reg, case = _subject(s, k, case_id, registration_id)
        reason = rules.refusal(k, _state(reg, case))
        if reason:
            raise Conflict(reason, f"{k.value} does not fit the state")
        ctx = _issuing(s, k)
        return _issued(s, _issue_in(s, actor, ctx, reg, case, issued), ctx, case)


def reprint_or_issue(db: Database, actor: Actor, kind: NoticeKind | str, *,
                     case_id: int | None = None, registration_id: int | None = None,
                     now: datetime | None = None) -> tuple[NoticeRecord, bool]:
    """The newest valid notice of ``kind`` for the subject (a reprint: same number, same text), or
    a new one issued in the same transaction. Returns (notice, True when newly issued). The
    registration kinds (reject/transfer/repeat/no_more/register_sheet) look at the registration,
    the case kinds at the case. Used by ``uniondesk notice``."""
    k = _kind(kind)
    issued = now or clock.now()
    with db.write() as s:
        reg, case = _subject(s, k, case_id, registration_id)
        if rules.SUBJECT[k] == "registration":
            old = _newest_valid(s, k, registration_id=reg.id)
        else:
            old = _newest_valid(s, k, case_id=case.id) if case is not None else None
        if old is not None:
            return _record(old), False
        _may_issue(actor)
        reason = rules.refusal(k, _state(reg, case))
        if reason:
            raise Conflict(reason, f"{k.value} does not fit the state")
        ctx = _issuing(s, k)
        return _issued(s, _issue_in(s, actor, ctx, reg, case, issued), ctx, case), True


@dataclass(frozen=True)
class BatchIssue:
    """What ``issue_for_cases`` did: the notices to print (one per case that has or got one, in
    the order of the cases), how many were newly issued and how many reused (reprints), and the
    cases left out as (case number, Chinese reason)."""
    notice_ids: tuple[int, ...]
    issued: int
    reused: int
    refused: tuple[tuple[str, str], ...]
    warnings: tuple[str, ...] = ()        # of the new notices, each sentence once


def issue_for_cases(db: Database, actor: Actor, kind: NoticeKind | str, case_ids: Sequence[int], *,
                    issue_missing: bool = True,
                    progress: Callable[[int, int], object] | None = None,
                    now: datetime | None = None) -> BatchIssue:
    """For each case in order: its newest valid (not voided) notice of ``kind`` (a reprint, never a
    new number), else — when ``issue_missing`` — a new one if the kind fits the case's state, else
    the case is listed in ``refused`` with the reason. Registration kinds (reject, transfer, repeat,
    no_more, register_sheet) go through the case's registration.

    Every new notice is issued in ONE write transaction: ``progress(done, total)`` (after each
    case) may raise Cancelled, and then none of the new numbers is used (no gaps). A missing office
    field or a broken template fails the whole batch (UserError)."""
    k = _kind(kind)
    if issue_missing:
        _may_issue(actor)
    issued_at = now or clock.now()
    ids = list(case_ids)
    total = len(ids)
    by_registration = rules.SUBJECT[k] == "registration"
    key_col = Notice.registration_id if by_registration else Notice.case_id
    refused: list[tuple[str, str]] = []
    with (db.write() if issue_missing else db.read()) as s:
        cases: dict[int, Case] = {}
        for chunk in _chunks(sorted(set(ids))):
            cases.update((c.id, c) for c in s.execute(select(Case).where(Case.id.in_(chunk))).scalars())

        def key(c: Case) -> int:
            return c.registration_id if by_registration else c.id

        existing: dict[int, int] = {}
        for chunk in _chunks(sorted({key(c) for c in cases.values()})):
            rows = s.execute(
                select(key_col, func.max(Notice.id))
                .where(Notice.kind == k.value, Notice.voided_at.is_(None), key_col.in_(chunk))
                .group_by(key_col)).all()
            existing.update({subject: notice_id for subject, notice_id in rows})
        # plan: per case, reuse / issue / refuse (nothing written yet)
        regs: dict[int, Registration] = {}
        if issue_missing:
            need = sorted({c.registration_id for c in cases.values() if key(c) not in existing})
            for chunk in _chunks(need):
                regs.update((r.id, r) for r in
                            s.execute(select(Registration).where(Registration.id.in_(chunk))).scalars())
        plan: list[tuple[str, Any]] = []          # ("reuse", key) | ("issue", case) | ("refuse", …)
        to_issue: set[int] = set()
        for cid in ids:
            case = cases.get(cid)
            if case is None:
                plan.append(("refuse", (f"#{cid}", "找不到该案件，可能已被删除")))
            elif key(case) in existing or key(case) in to_issue:
                plan.append(("reuse", key(case)))     # a valid notice, or one issued earlier here
            elif not issue_missing:
                plan.append(("refuse", (case.case_no, f"尚未出具{k.title}")))
            else:
                reason = rules.refusal(k, _state(regs[case.registration_id], case))
                if reason:
                    plan.append(("refuse", (case.case_no, reason)))
                else:
                    plan.append(("issue", case))
                    to_issue.add(key(case))
        n_new = sum(1 for what, _ in plan if what == "issue")
        ctx = _issuing(s, k) if n_new else None
        serial = _reserve(s, k, issued_at.year, n_new) if n_new and k.numbered else None
        issues = _prefetch(s, [regs[c.registration_id] for what, c in plan if what == "issue"]) \
            if n_new else {}
        out: list[int] = []
        warnings: list[str] = []
        issued = reused = 0
        # the audit chain's head row, held so the session does not reload it for every notice
        head = s.get(AuditHead, 1) if n_new else None
        for done, (what, item) in enumerate(plan, start=1):
            if what == "refuse":
                refused.append(item)
            elif what == "reuse":
                out.append(existing[item])
                reused += 1
            else:
                reg = regs[item.registration_id]
                n = _issue_in(s, actor, ctx, reg, item, issued_at, serial=serial,
                              issues=issues.get(reg.id, ()))
                if serial is not None:
                    serial += 1
                existing[key(item)] = n.id
                out.append(n.id)
                issued += 1
                for w in _deadline_warnings(s, ctx.template, item):
                    if w not in warnings:
                        warnings.append(w)
                head = head or s.get(AuditHead, 1)
            if progress is not None:
                progress(done, total)
    return BatchIssue(notice_ids=tuple(out), issued=issued, reused=reused, refused=tuple(refused),
                      warnings=tuple(warnings))


def _reserve(s: Session, k: NoticeKind, year: int, count: int) -> int:
    """Take ``count`` consecutive numbers of the kind's year in the caller's transaction; returns
    the first. (The counter row stays locked until the transaction ends; a rollback returns all.)"""
    name = f"notice:{k.value}"
    first = next_number(s, name, year)
    if count > 1:
        row = s.get(Counter, (name, year))
        row.last += count - 1
    return first


def _prefetch(s: Session, regs: Sequence[Registration]) -> dict[int, list[str]]:
    """Load what ``_values`` reads for many registrations in a few queries (people, employers,
    handlers stay in the session for ``Session.get``); returns each registration's issue types."""
    issues: dict[int, list[str]] = {r.id: [] for r in regs}
    keep: list[Any] = []                         # the identity map holds objects weakly
    person_ids = sorted({r.person_id for r in regs if r.person_id})
    for chunk in _chunks(person_ids):
        keep += s.execute(select(Person).where(Person.id.in_(chunk))).scalars().all()
    employer_ids = sorted({r.employer_id for r in regs if r.employer_id}
                          | {p.employer_id for p in keep if getattr(p, "employer_id", None)})
    for chunk in _chunks(employer_ids):
        keep += s.execute(select(Employer).where(Employer.id.in_(chunk))).scalars().all()
    keep += s.execute(select(User)).scalars().all()
    for chunk in _chunks(sorted(issues)):
        for reg_id, issue_type in s.execute(
                select(RegistrationIssue.registration_id, RegistrationIssue.issue_type)
                .where(RegistrationIssue.registration_id.in_(chunk))
                .order_by(RegistrationIssue.registration_id, RegistrationIssue.issue_type)):
            issues[reg_id].append(issue_type)
    s.info["notices_prefetch"] = keep            # held until the session ends
    return issues


def find_by_number(db: Database, text: str) -> list[NoticeRecord]:
    """The notices whose document number is ``text`` (typed with any brackets: 「朝工信受[2026]1号」),
    oldest first. More than one only in a database from before each kind had its own 代字, where
    several kinds' first notices of a year were all 「代字〔年〕1号」."""
    doc_no = rules.normalize_doc_number(text)
    if doc_no is None:
        return []
    with db.read() as s:
        return [_record(n) for n in s.scalars(select(Notice).where(Notice.doc_no == doc_no)
                                              .order_by(Notice.id))]


def find_subject(db: Database, number: str) -> tuple[int | None, int]:
    """(case id or None, registration id) for a case number (C2026-000123), a registration
    number (2026-000123) or a notice's document number (朝工信受〔2026〕1号). NotFound with a
    Chinese message otherwise; UserError when an old document number names notices of
    different registrations."""
    text = (number or "").strip()
    with db.read() as s:
        if text:
            case = s.execute(select(Case).where(Case.case_no == text)).scalar_one_or_none()
            if case is not None:
                return case.id, case.registration_id
            reg = s.execute(select(Registration).where(Registration.reg_no == text)).scalar_one_or_none()
            if reg is not None:
                cid = s.execute(select(Case.id).where(Case.registration_id == reg.id)).scalar_one_or_none()
                return cid, reg.id
    found = find_by_number(db, text)
    regs = {n.registration_id for n in found}
    if len(regs) == 1:
        with db.read() as s:
            reg_id = regs.pop()
            cid = s.execute(select(Case.id).where(Case.registration_id == reg_id)).scalar_one_or_none()
        return cid, reg_id
    if found:
        kinds = "、".join(n.kind.title for n in found)
        raise UserError(f"文号「{found[0].doc_no}」有{len(found)}份文书（{kinds}，属不同登记），"
                        "请改用案件编号或登记号", f"document number {found[0].doc_no} names "
                        f"{len(found)} notices of different registrations; give the case number")
    raise NotFound(f"找不到编号为「{text}」的案件、登记或文书，请核对案件编号、登记号或文号",
                   f"no case, registration or notice numbered {text!r}")


def _get(s: Session, notice_id: int) -> Notice:
    n = s.get(Notice, notice_id)
    if n is None:
        raise NotFound(f"找不到编号为 {notice_id} 的文书，可能已被删除，请刷新列表", "notice not found")
    return n


def get_notice(db: Database, notice_id: int) -> NoticeRecord:
    with db.read() as s:
        return _record(_get(s, notice_id))


def notices_for_case(db: Database, case_id: int) -> list[NoticeRecord]:
    """Every notice of the case and of its registration (the 文书 tab), oldest first."""
    with db.read() as s:
        case = s.get(Case, case_id)
        if case is None:
            return []
        rows = s.execute(select(Notice).where((Notice.case_id == case_id)
                                              | (Notice.registration_id == case.registration_id))
                         .order_by(Notice.issued_at, Notice.id)).scalars()
        return [_record(n) for n in rows]


def notices_for_registration(db: Database, registration_id: int) -> list[NoticeRecord]:
    with db.read() as s:
        rows = s.execute(select(Notice).where(Notice.registration_id == registration_id)
                         .order_by(Notice.issued_at, Notice.id)).scalars()
        return [_record(n) for n in rows]


def latest(db: Database, kind: NoticeKind | str, *, case_id: int | None = None,
           registration_id: int | None = None) -> NoticeRecord | None:
    """The newest valid (not voided) notice of ``kind`` for a case or registration, for reprint."""
    k = _kind(kind)
    with db.read() as s:
        n = _newest_valid(s, k, case_id=case_id, registration_id=registration_id)
        return _record(n) if n else None


def void(db: Database, actor: Actor, notice_id: int, reason: str, *,
         now: datetime | None = None) -> NoticeRecord:
    """作废 with a reason. The number stays taken (never reused)."""
    require(actor, Perm.ISSUE_NOTICE)
    why = check_text(reason, F_REASON, REASON_MAX, required=True)
    at = now or clock.now()
    with db.write() as s:
        n = _get(s, notice_id)
        if n.voided_at is not None:
            raise Conflict(f"文书{n.doc_no or n.title}已于{_d(n.voided_at)}作废，不能再次作废",
                           "already void")
        n.voided_at, n.voided_by, n.void_reason = at, actor.user_id, why
        audit.record(s, actor, "notice", n.id, "void", {"voided_at": None},
                     {"voided_at": at, "void_reason": why, "doc_no": n.doc_no})
        s.flush()
        return _record(n)


def _method(value: DeliveryMethod | str | None) -> DeliveryMethod:
    if isinstance(value, DeliveryMethod):
        return value
    text = "" if value is None else str(value).strip()
    for m in DeliveryMethod:
        if text in (m.value, m.label):
            return m
    raise ValidationError([(F_METHOD, "请选择送达方式：" + "、".join(m.label for m in DeliveryMethod))])


def record_delivery(db: Database, actor: Actor, notice_id: int, method: DeliveryMethod | str,
                    delivered_on: date | str, recipient: str = "", *,
                    now: datetime | None = None) -> NoticeRecord:
    """送达 record: method, date (not before issue, not in the future), recipient. For a 受理告知书
    the case's ``notice_delivered_on`` is set too."""
    require(actor, Perm.ISSUE_NOTICE)
    errors: list[tuple[str, str]] = []
    m = None
    try:
        m = _method(method)
    except ValidationError as e:
        errors += e.errors
    day = None
    try:
        day = parse_date(delivered_on, F_DELIVERED)
    except ValidationError as e:
        errors += e.errors
    try:
        who = check_text(recipient, F_RECIPIENT, 100,
                         required=m in (DeliveryMethod.IN_PERSON, DeliveryMethod.POST))
    except ValidationError as e:
        errors += e.errors
        who = ""
    at = now or clock.now()
    with db.write() as s:
        n = _get(s, notice_id)
        if n.voided_at is not None:
            raise Conflict(f"文书{n.doc_no or n.title}已作废，不能登记送达", "void")
        if day is not None:
            if day < n.issued_at.date():
                errors.append((F_DELIVERED, f"不能早于出具日期 {_d(n.issued_at)}"))
            elif day > at.date():
                errors.append((F_DELIVERED, "不能晚于今天"))
        if errors:
            raise ValidationError(errors)
        before = {"delivery_method": n.delivery_method, "delivered_on": n.delivered_on,
                  "delivery_recipient": n.delivery_recipient}
        n.delivery_method, n.delivered_on, n.delivery_recipient = m.value, day, who
        after = {"delivery_method": m.value, "delivered_on": day, "delivery_recipient": who}
        if n.kind == NoticeKind.ACCEPT.value and n.case_id is not None:
            case = s.get(Case, n.case_id)
            old = case.notice_delivered_on
            case.notice_delivered_on = day
            case.updated_at = at
            audit.record(s, actor, "case", case.id, "notice_delivered",
                         {"notice_delivered_on": old}, {"notice_delivered_on": day})
        audit.record(s, actor, "notice", n.id, "deliver", before, after)
        s.flush()
        return _record(n)


def _document(n: Notice, with_delivery: bool = False):
    from app.output.pdf import NoticeDocument
    c = json.loads(n.content)
    rec = _record(n)
    delivery = f"送达：{rec.delivery_label}" if with_delivery and rec.delivery_method else None
    void_note = f"已作废：{rec.void_reason}" if rec.is_void else None
    return NoticeDocument(issuer=c["issuer"], doc_no=c["doc_no"], title=c["title"],
                          addressee=c["addressee"], paragraphs=tuple(c["paragraphs"]),
                          date=c["date"], seal_name=c["seal_name"], delivery=delivery,
                          void=void_note, sheet=NoticeKind(n.kind).is_sheet)


def document(db: Database, notice_id: int, *, with_delivery: bool = False):
    """The printable document (``app.output.pdf.NoticeDocument``), built ONLY from the snapshot: a
    reprint is identical. A voided notice carries its void note; ``with_delivery`` adds the 送达
    record (off by default, so the reprint equals the first print)."""
    with db.read() as s:
        return _document(_get(s, notice_id), with_delivery)
