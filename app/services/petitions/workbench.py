"""The workbench (工作台) numbers: each a count of a list filter, so a click on a number opens the
list that shows exactly those rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from app.db import Database
from app.db.models import HotspotWarning
from app.domain import clock as wall_clock
from app.domain.actor import Actor
from app.domain.case_clock import DeadlineState
from app.domain.enums import ListFlag, Period, Role

from .lists import (CaseFilter, ListFilter, OPEN, RegistrationFilter, count_cases,
                    count_registrations)


@dataclass(frozen=True)
class WorkbenchCounts:
    my_open: int
    due_soon: int
    overdue: int
    awaiting_approval: int | None      # None: not a manager
    notice_pending: int                # open cases whose 受理告知书 is not delivered yet
    warnings: int
    today_registrations: int


def _sees_all(actor: Actor) -> bool:
    return actor.role in (Role.MANAGER, Role.ADMIN, Role.CLERK)


def workbench_filters(actor: Actor) -> dict[str, ListFilter]:
    """What each workbench number counts, as the filter its button opens."""
    mine = None if _sees_all(actor) else actor.user_id
    return {
        "my_open": CaseFilter(status=OPEN, handler_id=actor.user_id if actor.user_id is not None else -1,
                              sort="due", descending=False),
        "due_soon": CaseFilter(deadline=DeadlineState.DUE_SOON.value, handler_id=mine, sort="due",
                               descending=False),
        "overdue": CaseFilter(deadline=DeadlineState.OVERDUE.value, handler_id=mine, sort="due",
                              descending=False),
        "awaiting_approval": CaseFilter(flags=(ListFlag.EXTENSION_REQUESTED.value,), status=OPEN),
        "notice_pending": CaseFilter(flags=(ListFlag.NOTICE_PENDING.value,), status=OPEN,
                                     handler_id=mine, sort="accepted", descending=False),
        "today_registrations": RegistrationFilter(period=Period.TODAY.value),
    }


def workbench_counts(db: Database, actor: Actor, today: date | None = None) -> WorkbenchCounts:
    """The numbers on the start page, each the count of ``workbench_filters(actor)[name]``."""
    today = today or wall_clock.today()
    fs = workbench_filters(actor)
    with db.read() as s:
        warnings = s.execute(select(func.count(HotspotWarning.id))
                             .where(HotspotWarning.acknowledged_at.is_(None))).scalar_one()
    return WorkbenchCounts(
        my_open=count_cases(db, fs["my_open"], today),
        due_soon=count_cases(db, fs["due_soon"], today),
        overdue=count_cases(db, fs["overdue"], today),
        awaiting_approval=(count_cases(db, fs["awaiting_approval"], today)
                           if actor.role is Role.MANAGER else None),
        notice_pending=count_cases(db, fs["notice_pending"], today),
        warnings=warnings,
        today_registrations=count_registrations(db, fs["today_registrations"], today),
    )
