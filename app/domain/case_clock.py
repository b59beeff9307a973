"""A case's deadlines and deadline state (DESIGN §4). Pure: the caller supplies the calendar and the
office's numbers (``DeadlineRules``, built from settings).

Rules:

* The written acceptance notice is due ``accept_notice_days`` calendar days after receipt (§203:
  a period ending on a rest day ends on the next working day).
* Handling is counted from acceptance: 咨询/建议 within ``reply_workdays`` working days, every other
  category within ``handle_workdays``; an approved extension raises it to ``extended_workdays``.
* Statutory caps are never exceeded: ``statutory_days`` calendar days from acceptance, plus at most
  ``extension_days`` calendar days when extended.
* Suspension (听证, 鉴定) stops the clock: the days from the day it starts up to the day before it
  resumes do not count, for working-day and calendar-day periods alike; an open suspension has
  no due date (the clock is stopped).
* State: 已超期 when the day is past the due date; 即将到期 when ≤ ``warn_workdays`` working days are
  left; else 正常. A concluded case keeps the state it had on the day it concluded.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .calendar import WorkCalendar
from .enums import LabelledEnum
from .settings import SETTINGS

_ONE = timedelta(days=1)


class DeadlineState(LabelledEnum):
    NORMAL = ("normal", "正常")
    DUE_SOON = ("due_soon", "即将到期")
    OVERDUE = ("overdue", "已超期")
    SUSPENDED = ("suspended", "已中止")
    # closed cases (办结 and after): the deadline is history, no longer a state to act on
    ON_TIME = ("on_time", "按期办结")
    LATE = ("late", "逾期办结")


OPEN_DEADLINE_STATES = (DeadlineState.OVERDUE, DeadlineState.DUE_SOON, DeadlineState.NORMAL,
                        DeadlineState.SUSPENDED)


SHORT_CATEGORIES = frozenset({"consult", "suggest"})


# The defaults are the settings' (``deadline.*`` in app.domain.settings, their one home).
_DEFAULT = {s.key.removeprefix("deadline."): s.default for s in SETTINGS if s.key.startswith("deadline.")}


@dataclass(frozen=True)
class DeadlineRules:
    accept_notice_days: int = _DEFAULT["accept_notice_days"]
    reply_workdays: int = _DEFAULT["reply_workdays"]
    handle_workdays: int = _DEFAULT["handle_workdays"]
    extended_workdays: int = _DEFAULT["extended_workdays"]
    statutory_days: int = _DEFAULT["statutory_days"]
    extension_days: int = _DEFAULT["extension_days"]
    warn_workdays: int = _DEFAULT["warn_workdays"]
    feedback_workdays: int = _DEFAULT["feedback_workdays"]   # 交办反馈期限, an assignment's default

    @classmethod
    def from_settings(cls, values: dict) -> "DeadlineRules":
        """From ``app.services.settings.load(db)`` (keys ``deadline.*``)."""
        return cls(**{f: values[f"deadline.{f}"] for f in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Suspension:
    start: date                 # first day not counted
    resumed: date | None = None  # first day counted again; None while suspended

    def covers(self, d: date) -> bool:
        return self.start <= d and (self.resumed is None or d < self.resumed)


def _counted(d: date, suspensions: tuple[Suspension, ...]) -> bool:
    return not any(s.covers(d) for s in suspensions)


def _add_workdays(cal: WorkCalendar, start: date, n: int,
                  suspensions: tuple[Suspension, ...]) -> date:
    d, left = start, n
    while left:
        d += _ONE
        if cal.is_workday(d) and _counted(d, suspensions):
            left -= 1
    return d


def _add_calendar_days(cal: WorkCalendar, start: date, n: int,
                       suspensions: tuple[Suspension, ...]) -> date:
    d, left = start, n
    while left:
        d += _ONE
        if _counted(d, suspensions):
            left -= 1
    return cal.next_workday(d) if n else d


def notice_due(cal: WorkCalendar, received: date, rules: DeadlineRules) -> date:
    """Last day for the written acceptance notice."""
    return cal.due_date(received, rules.accept_notice_days, "calendar")


def handling_due(cal: WorkCalendar, accepted: date, category: str, rules: DeadlineRules, *,
                 extended: bool = False,
                 suspensions: tuple[Suspension, ...] = ()) -> date | None:
    """Last day for concluding the case; None while a suspension is open."""
    suspensions = tuple(suspensions)
    if any(s.resumed is None for s in suspensions):
        return None
    if extended:
        workdays = rules.extended_workdays
        cap_days = rules.statutory_days + rules.extension_days
    else:
        workdays = rules.reply_workdays if category in SHORT_CATEGORIES else rules.handle_workdays
        cap_days = rules.statutory_days
    by_practice = _add_workdays(cal, accepted, workdays, suspensions)
    by_statute = _add_calendar_days(cal, accepted, cap_days, suspensions)
    return min(by_practice, by_statute)


def extension_cap(cal: WorkCalendar, accepted: date, rules: DeadlineRules,
                  suspensions: tuple[Suspension, ...] = ()) -> date:
    """The latest due date an extension may set (statutory limit + extension limit)."""
    return _add_calendar_days(cal, accepted, rules.statutory_days + rules.extension_days,
                              tuple(suspensions))


def state(cal: WorkCalendar, due: date | None, today: date, rules: DeadlineRules,
          concluded: date | None = None) -> DeadlineState:
    """正常 / 即将到期 / 已超期 (/ 已中止 while the clock is stopped) on ``today`` for an open case;
    for a concluded one (``concluded`` its day) 按期办结 / 逾期办结 — never 已超期: a closed case has
    nothing left to do about its deadline."""
    if concluded is not None:
        return closed_state(due, concluded)
    if due is None:
        return DeadlineState.SUSPENDED
    if today > due:
        return DeadlineState.OVERDUE
    if cal.workdays_between(today, due) <= rules.warn_workdays:
        return DeadlineState.DUE_SOON
    return DeadlineState.NORMAL


def case_state(cal: WorkCalendar, due: date | None, today: date, rules: DeadlineRules, *,
               is_open: bool, concluded: date | None = None) -> DeadlineState:
    """The one deadline state of a case, shown alike by the lists and the case page: an open case
    (its status among ``OPEN_STATUSES``) by ``state`` on ``today``; a closed one 按期办结 / 逾期办结
    on the day it concluded (``today`` if that day is unknown) — never 已中止 or 已超期."""
    if is_open:
        return state(cal, due, today, rules)
    return closed_state(due, concluded or today)


def closed_state(due: date | None, concluded: date) -> DeadlineState:
    """按期办结 when concluded on or before the due date (or without one), else 逾期办结."""
    return DeadlineState.LATE if due is not None and concluded > due else DeadlineState.ON_TIME
