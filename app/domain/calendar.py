"""The working calendar and deadline arithmetic (DESIGN §4, 民法典 §201/§203). Pure: no database.

A ``WorkCalendar`` knows the statutory holidays and the make-up workdays (调休上班) that differ from
the Monday–Friday rule, and which years have holiday data at all. Days of a year without data
follow the weekend rule (callers warn about such years; see ``years_without_data``).

Rules:

* ``is_workday(d)``: a make-up workday is a working day; a Saturday, Sunday or holiday is not;
  any other day is.
* ``due_date(start, n, WORKDAY)``: the start day is not counted; the n-th working day after it.
* ``due_date(start, n, CALENDAR)``: ``start + n`` days; when that day is not a working day the
  period ends on the next working day (§203).
* ``n == 0`` returns ``start`` for both units.
* ``check_period(start, n)``: 0 ≤ n ≤ ``MAX_PERIOD_DAYS`` and a due date this side of 9999-12-31,
  else a ValidationError naming the field (``due_date`` calls it; so do callers that must size
  their work first).
"""
from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from .enums import DayKind, DeadlineUnit
from .errors import ValidationError

_ONE = timedelta(days=1)
# Far more than any real period; stops a calendar whose every day is a holiday from looping forever.
_MAX_SCAN_DAYS = 366 * 50
# The longest period a rule or an office setting uses is a year (the hardship file's 复核); the
# deadline settings stop at 60 days. Ten years is far beyond any real period and keeps a
# working-day count to a few thousand steps.
MAX_PERIOD_DAYS = 3660
PERIOD_FIELD = "期限天数"


def check_period(start: date, n: int, field: str = PERIOD_FIELD) -> None:
    """A period of ``n`` days after ``start`` that can be counted: ValidationError (with an
    English reason for the command line) when n is negative, above ``MAX_PERIOD_DAYS``, or when
    it would run past the last date the calendar knows (9999-12-31)."""
    if n < 0:
        raise ValidationError("不能为负数，请填写 0 或更大的天数", field,
                              english="the number of days must not be negative")
    if n > MAX_PERIOD_DAYS:
        raise ValidationError(f"不能超过 {MAX_PERIOD_DAYS} 天（十年），请核对天数", field,
                              english=f"the number of days must be at most {MAX_PERIOD_DAYS} (ten years)")
    # a working-day period needs up to about 1.5 × n calendar days, plus the holidays
    if n and (date.max - start).days < n * 2 + 60:
        raise _beyond_calendar(start)


def _beyond_calendar(start: date) -> ValidationError:
    return ValidationError(f"从 {start.isoformat()} 起算的期限超出日历范围（最晚到9999年），请核对开始日期",
                           "开始日期", english="the period runs past the end of the calendar (year 9999)")


def is_weekend(d: date) -> bool:
    return d.weekday() >= 5


def _weekdays_upto(d: date) -> int:
    """Monday–Friday days from a fixed Monday (0001-01-01) up to and including ``d``."""
    n = d.toordinal()  # 0001-01-01 is a Monday and has ordinal 1
    weeks, rest = divmod(n, 7)
    return weeks * 5 + min(rest, 5)


@dataclass(frozen=True)
class WorkCalendar:
    """Holidays, make-up workdays and the years with data. Immutable; safe to share between threads.

    A date may not be both a holiday and a make-up workday (ValueError).
    """

    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()
    years: frozenset[int] = frozenset()
    # Derived, for counting working days in a range without walking it day by day.
    _weekday_holidays: tuple[date, ...] = field(default=(), init=False, repr=False, compare=False)
    _weekend_workdays: tuple[date, ...] = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        object.__setattr__(self, "workdays", frozenset(self.workdays))
        object.__setattr__(self, "years", frozenset(self.years))
        both = self.holidays & self.workdays
        if both:
            raise ValueError(f"days both holiday and workday: {sorted(both)[:5]}")
        object.__setattr__(self, "_weekday_holidays",
                           tuple(sorted(d for d in self.holidays if not is_weekend(d))))
        object.__setattr__(self, "_weekend_workdays",
                           tuple(sorted(d for d in self.workdays if is_weekend(d))))

    @classmethod
    def from_entries(cls, entries: Iterable[tuple[date, str]],
                     years: Iterable[int] | None = None) -> "WorkCalendar":
        """From (day, kind) pairs. ``years`` defaults to the years that have a holiday entry."""
        holidays: set[date] = set()
        workdays: set[date] = set()
        for day, kind in entries:
            (holidays if DayKind(kind) is DayKind.HOLIDAY else workdays).add(day)
        if years is None:
            years = {d.year for d in holidays}
        return cls(frozenset(holidays), frozenset(workdays), frozenset(years))

    def has_data(self, year: int) -> bool:
        return year in self.years

    def years_without_data(self, first: int, last: int) -> list[int]:
        return [y for y in range(first, last + 1) if y not in self.years]

    def is_workday(self, d: date) -> bool:
        if d in self.workdays:
            return True
        if d in self.holidays or is_weekend(d):
            return False
        return True

    def next_workday(self, d: date) -> date:
        """``d`` itself when it is a working day, else the first working day after it."""
        for _ in range(_MAX_SCAN_DAYS):
            if self.is_workday(d):
                return d
            d += _ONE
        raise ValueError("no working day found")

    def add_workdays(self, start: date, n: int) -> date:
        """The n-th working day after ``start`` (start not counted); ``start`` when n == 0."""
        if n < 0:
            raise ValueError("n must not be negative")
        d = start
        remaining = n
        scanned = 0
        while remaining:
            d += _ONE
            scanned += 1
            if self.is_workday(d):
                remaining -= 1
            elif scanned > _MAX_SCAN_DAYS + n * 2:
                raise ValueError("no working day found")
        return d

    def due_date(self, start: date, n: int, unit: DeadlineUnit | str) -> date:
        """The last day of an n-day period starting the day after ``start`` (民法典 §201/§203).
        ValidationError as ``check_period``."""
        check_period(start, n)
        unit = DeadlineUnit(unit)
        if n == 0:
            return start
        try:
            if unit is DeadlineUnit.WORKDAY:
                return self.add_workdays(start, n)
            return self.next_workday(start + timedelta(days=n))
        except OverflowError:
            raise _beyond_calendar(start) from None

    def workdays_between(self, a: date, b: date) -> int:
        """Working days after ``a`` up to and including ``b``; ``-workdays_between(b, a)`` when
        ``b < a``. Additive: f(a, b) + f(b, c) == f(a, c). Note that a date past a due date that
        falls on a rest day gives 0, so "overdue" is decided by comparing dates, not by this count."""
        if b == a:
            return 0
        if b < a:
            return -self.workdays_between(b, a)
        count = _weekdays_upto(b) - _weekdays_upto(a)
        count -= bisect_right(self._weekday_holidays, b) - bisect_right(self._weekday_holidays, a)
        count += bisect_right(self._weekend_workdays, b) - bisect_right(self._weekend_workdays, a)
        return count


WEEKEND_ONLY = WorkCalendar()
