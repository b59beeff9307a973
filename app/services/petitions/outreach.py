"""Outreach events (走访活动): the events, their summary and the registrations raised at them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import case, func, select

from app.db import Database
from app.db.models import OutreachEvent, Registration
from app.domain import clock
from app.domain.actor import Actor
from app.domain.dates import parse_date
from app.domain.enums import Disposition
from app.domain.errors import Collector, NotFound
from app.domain.permissions import Perm
from app.domain.validation import check_text, checked, is_blank

from .. import audit
from ..access import require
from .fields import _int_in_range, _text_list, check_happened
from .registration import HistoryItem, _history_rows


EVENT_LABELS: dict[str, str] = {
    "theme": "活动主题", "held_on": "活动日期", "place": "活动地点", "departments": "邀请部门",
    "units_present": "到场单位", "workers_present": "到场职工人数", "note": "备注",
}


@dataclass(frozen=True)
class OutreachInput:
    theme: str
    held_on: Any
    place: str = ""
    departments: Any = ""           # text or a list of names
    units_present: Any = ""         # text or a list of names
    workers_present: Any = 0
    note: str = ""


@dataclass(frozen=True)
class OutreachRecord:
    id: int
    theme: str
    held_on: date
    place: str
    departments: str
    units_present: str
    workers_present: int
    note: str
    created_by: int | None
    created_at: datetime


@dataclass(frozen=True)
class EventSummary:
    event: OutreachRecord
    registrations: int        # problems raised (registrations linked to the event)
    solved_on_site: int       # solved on the spot
    accepted: int             # accepted as cases
    head_count: int           # people who raised them (人次)


def _event_record(e: OutreachEvent) -> OutreachRecord:
    return OutreachRecord(id=e.id, theme=e.theme, held_on=e.held_on, place=e.place,
                          departments=e.departments, units_present=e.units_present,
                          workers_present=e.workers_present, note=e.note, created_by=e.created_by,
                          created_at=e.created_at)


def create_event(db: Database, actor: Actor, data: OutreachInput,
                 now: datetime | None = None) -> OutreachRecord:
    """Record an on-site outreach event (「工情直通车」…). ValidationError names every bad field."""
    require(actor, Perm.REGISTER)
    now = now or clock.now()
    L = EVENT_LABELS
    errors = Collector()
    theme = checked(errors, check_text, data.theme, L["theme"], 200, required=True, default="")
    held_on = None
    if is_blank(data.held_on):
        errors.add(L["held_on"], f"请填写{L['held_on']}")
    else:
        held_on = checked(errors, lambda v, f: check_happened(parse_date(v, f), now, f),
                          data.held_on, L["held_on"])
    values = {
        "theme": theme, "held_on": held_on,
        "place": checked(errors, check_text, data.place, L["place"], 200, default=""),
        "departments": checked(errors, check_text, _text_list(data.departments), L["departments"],
                               500, default=""),
        "units_present": checked(errors, check_text, _text_list(data.units_present),
                                 L["units_present"], 5000, default=""),
        "workers_present": checked(errors, _int_in_range, data.workers_present if not
                                   is_blank(data.workers_present) else 0, L["workers_present"],
                                   0, 100000, default=0),
        "note": checked(errors, check_text, data.note, L["note"], 2000, default=""),
    }
    errors.raise_if_any()
    with db.write() as s:
        e = OutreachEvent(**values, created_by=actor.user_id, created_at=now)
        s.add(e)
        s.flush()
        audit.record(s, actor, "outreach_event", e.id, "create", None, values)
        return _event_record(e)


def list_events(db: Database, limit: int = 200) -> list[OutreachRecord]:
    """Events, newest first."""
    with db.read() as s:
        return [_event_record(e) for e in s.scalars(
            select(OutreachEvent).order_by(OutreachEvent.held_on.desc(), OutreachEvent.id.desc())
            .limit(limit))]


def event_summary(db: Database, event_id: int) -> EventSummary:
    with db.read() as s:
        e = s.get(OutreachEvent, event_id)
        if e is None:
            raise NotFound(f"找不到编号为 {event_id} 的走访活动", "event not found")
        r = s.execute(select(
            func.count(),
            func.coalesce(func.sum(case((Registration.solved_on_site.is_(True), 1), else_=0)), 0),
            func.coalesce(func.sum(case((Registration.disposition == Disposition.ACCEPTED.value, 1),
                                        else_=0)), 0),
            func.coalesce(func.sum(Registration.head_count), 0))
            .where(Registration.outreach_event_id == event_id)).one()
        return EventSummary(event=_event_record(e), registrations=r[0], solved_on_site=int(r[1]),
                            accepted=int(r[2]), head_count=int(r[3]))


def event_registrations(db: Database, event_id: int, limit: int = 500) -> list[HistoryItem]:
    """The problems raised at an event, newest first."""
    with db.read() as s:
        return _history_rows(s, Registration.outreach_event_id == event_id, limit)
