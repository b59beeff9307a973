"""Repeat detection (重复信访, DESIGN §4): the earlier cases of the same person that make a new
contact a repeat, and the one to suggest. Reads only.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from app.db import Database
from app.db.models import Case, Person, Registration, RegistrationIssue
from app.domain import clock
from app.domain.enums import OPEN_STATUSES, CaseStatus, IssueType, RepeatMatch
from app.domain.errors import ValidationError
from app.domain.validation import check_id_number, check_phone, clean_text, is_blank

from .. import settings as settings_service
from .fields import _months_before
from .registration import HistoryItem, _history_rows


@dataclass(frozen=True)
class RepeatCase:
    """A case that makes a new contact a repeat (DESIGN §4)."""
    case_id: int
    case_no: str
    registration_id: int
    reg_no: str
    received_at: datetime
    accepted_on: date
    status: str
    status_label: str
    concluded_on: date | None
    summary: str
    matched_by: str
    matched_label: str

    @property
    def is_open(self) -> bool:
        return self.status in {s.value for s in OPEN_STATUSES}


@dataclass(frozen=True)
class RepeatCheck:
    person_ids: tuple[int, ...]                 # the people the typed details match
    person_contacts: tuple[HistoryItem, ...]    # their earlier contacts, newest first
    employer_contacts: tuple[HistoryItem, ...]  # the employer's earlier contacts, newest first
    cases: tuple[RepeatCase, ...]               # open or recently concluded cases that match
    is_repeat: bool
    suggested_case_id: int | None

    @property
    def suggested(self) -> RepeatCase | None:
        return next((c for c in self.cases if c.case_id == self.suggested_case_id), None)


def _matching_people(s: Session, person_id, id_number, name, phone) -> list[int]:
    ids: list[int] = []
    if person_id is not None:
        ids.append(person_id)
    if not is_blank(id_number):
        try:
            number = check_id_number(id_number)[0]
        except ValidationError:
            number = unicodedata.normalize("NFKC", clean_text(id_number)).upper()
        ids += s.scalars(select(Person.id).where(Person.id_number == number).limit(5))
    elif not is_blank(name) and not is_blank(phone):
        try:
            ph = check_phone(phone)
        except ValidationError:
            ph = None
        if ph:
            ids += s.scalars(select(Person.id).where(Person.name == clean_text(name),
                                                     Person.phone == ph).limit(20))
    return list(dict.fromkeys(ids))


def repeat_check(db: Database, *, person_id: int | None = None, id_number: str | None = None,
                 name: str | None = None, phone: str | None = None, employer_id: int | None = None,
                 issue_types: Iterable[Any] = (), now: datetime | None = None,
                 limit: int = 20) -> RepeatCheck:
    """DESIGN §4: the same person (picked, or by ID number, else name + phone) or the same employer
    with one of these issue types, having an open case or a case concluded within the last
    ``repeat.lookback_months`` months → ``is_repeat`` and the case to link (``suggested_case_id``:
    open before concluded, the person before the employer, newest first)."""
    now = now or clock.now()
    months = int(settings_service.get(db, "repeat.lookback_months"))
    cutoff = _months_before(now.date(), months)
    issues = []
    for t in issue_types or ():
        try:
            issues.append(IssueType(t).value if not isinstance(t, IssueType) else t.value)
        except ValueError:
            continue
    open_values = [st.value for st in OPEN_STATUSES]
    relevant = or_(Case.status.in_(open_values),
                   and_(Case.concluded_on.is_not(None), Case.concluded_on >= cutoff))
    cols = (Case.id, Case.case_no, Case.registration_id, Registration.reg_no,
            Registration.received_at, Case.accepted_on, Case.status, Case.concluded_on,
            Registration.summary)
    with db.read() as s:
        pids = _matching_people(s, person_id, id_number, name, phone)
        found: dict[int, RepeatCase] = {}

        def add(rows, how: RepeatMatch) -> None:
            for r in rows:
                if r.id not in found:
                    found[r.id] = RepeatCase(
                        case_id=r.id, case_no=r.case_no, registration_id=r.registration_id,
                        reg_no=r.reg_no, received_at=r.received_at, accepted_on=r.accepted_on,
                        status=r.status, status_label=CaseStatus.label_of(r.status),
                        concluded_on=r.concluded_on, summary=r.summary, matched_by=how.value,
                        matched_label=how.label)

        person_contacts: list[HistoryItem] = []
        employer_contacts: list[HistoryItem] = []
        if pids:
            add(s.execute(select(*cols).join(Registration, Registration.id == Case.registration_id)
                          .where(Registration.person_id.in_(pids), relevant)
                          .order_by(Registration.received_at.desc()).limit(limit)).all(),
                RepeatMatch.PERSON)
            person_contacts = _history_rows(s, Registration.person_id.in_(pids), limit)
        if employer_id is not None:
            if issues:
                add(s.execute(select(*cols).join(Registration, Registration.id == Case.registration_id)
                              .where(Registration.employer_id == employer_id, relevant,
                                     Registration.id.in_(
                                         select(RegistrationIssue.registration_id)
                                         .where(RegistrationIssue.issue_type.in_(issues))))
                              .order_by(Registration.received_at.desc()).limit(limit)).all(),
                    RepeatMatch.EMPLOYER)
            employer_contacts = _history_rows(s, Registration.employer_id == employer_id, limit)
    cases = sorted(found.values(), key=lambda c: (c.matched_by != RepeatMatch.PERSON.value,
                                                  not c.is_open, -c.received_at.timestamp()))
    suggested = cases[0].case_id if cases else None
    return RepeatCheck(person_ids=tuple(pids), person_contacts=tuple(person_contacts),
                       employer_contacts=tuple(employer_contacts), cases=tuple(cases),
                       is_repeat=bool(cases), suggested_case_id=suggested)
