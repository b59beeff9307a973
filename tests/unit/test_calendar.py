"""Working calendar and deadline rules (DESIGN §4, 民法典 §201/§203), without a database."""
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.calendar import WEEKEND_ONLY, WorkCalendar
from app.domain.enums import DayKind, DeadlineUnit
from app.domain.errors import ValidationError
from app.domain.holiday_seed import seed_rows

WD, CAL = DeadlineUnit.WORKDAY, DeadlineUnit.CALENDAR


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar.from_entries((d, k) for d, k, _ in seed_rows())


_SEEDED = WorkCalendar.from_entries((d, k) for d, k, _ in seed_rows())


def test_is_workday_rules(cal):
    assert cal.is_workday(date(2026, 2, 13))          # Friday
    assert cal.is_workday(date(2026, 2, 14))          # Saturday, make-up workday
    assert not cal.is_workday(date(2026, 2, 16))      # Monday in Spring Festival
    assert not cal.is_workday(date(2026, 3, 7))       # ordinary Saturday
    assert not cal.is_workday(date(2026, 3, 8))       # ordinary Sunday
    assert cal.is_workday(date(2026, 3, 9))           # ordinary Monday


def test_years_with_data(cal):
    assert cal.has_data(2026) and cal.has_data(2004)
    assert not cal.has_data(2027)
    assert cal.years_without_data(2025, 2028) == [2027, 2028]


def test_spring_festival_2026_workdays(cal):
    # 13 Feb (Fri) 1, 14 Feb (Sat, make-up) 2, 15–23 Feb holiday, 24, 25, 26 → 3, 4, 5
    assert cal.due_date(date(2026, 2, 12), 5, WD) == date(2026, 2, 26)


def test_calendar_period_ending_in_national_day_moves_on(cal):
    # 16 Sep + 15 = 1 Oct, a holiday; 1–7 Oct National Day → 8 Oct
    assert cal.due_date(date(2026, 9, 16), 15, CAL) == date(2026, 10, 8)


def test_national_day_2026_workdays(cal):
    # 30 Sep (Wed) 1; 1–7 Oct holiday; 8 (Thu) 2, 9 (Fri) 3, 10 (Sat, make-up) 4, 12 (Mon) 5
    assert cal.due_date(date(2026, 9, 29), 5, WD) == date(2026, 10, 12)
    for d in range(1, 8):
        assert not cal.is_workday(date(2026, 10, d))
    assert cal.is_workday(date(2026, 9, 20)) and cal.is_workday(date(2026, 10, 10))
    assert cal.workdays_between(date(2026, 9, 30), date(2026, 10, 8)) == 1


def test_calendar_unit_not_moved_when_last_day_is_working(cal):
    assert cal.due_date(date(2026, 3, 2), 15, CAL) == date(2026, 3, 17)    # Tuesday
    assert cal.due_date(date(2026, 3, 2), 5, CAL) == date(2026, 3, 9)      # Sat 7 → Mon 9
    # a calendar period may end on a make-up Saturday: it is a working day
    assert cal.due_date(date(2026, 2, 4), 10, CAL) == date(2026, 2, 14)


def test_zero_days_returns_start(cal):
    sunday = date(2026, 3, 8)
    assert cal.due_date(sunday, 0, WD) == sunday
    assert cal.due_date(sunday, 0, CAL) == sunday


def test_negative_days_refused(cal):
    with pytest.raises(ValidationError) as e:
        cal.due_date(date(2026, 3, 2), -1, WD)
    assert "期限天数" in str(e.value)


def test_unit_may_be_given_as_text(cal):
    assert cal.due_date(date(2026, 2, 12), 5, "workday") == date(2026, 2, 26)


def test_period_running_into_year_without_data_uses_weekends(cal):
    # 2026-12-25 (Fri) + 20 working days; 2027 has no data, so 1 Jan 2027 counts as a workday.
    assert not cal.has_data(2027)
    due = cal.due_date(date(2026, 12, 25), 20, WD)
    assert due == WEEKEND_ONLY.due_date(date(2026, 12, 25), 20, WD) == date(2027, 1, 22)
    # calendar unit: 2026-12-18 + 15 = 2027-01-02 (Sat) → Mon 4 Jan
    assert cal.due_date(date(2026, 12, 18), 15, CAL) == date(2027, 1, 4)
    assert cal.years_without_data(2026, due.year) == [2027]


def test_later_year_entered_by_hand_is_used():
    cal = WorkCalendar.from_entries([(date(2027, 1, 1), "holiday")])
    assert cal.has_data(2027)
    assert cal.due_date(date(2026, 12, 31), 1, WD) == date(2027, 1, 4)


def test_a_day_cannot_be_both():
    with pytest.raises(ValueError):
        WorkCalendar(frozenset({date(2026, 1, 3)}), frozenset({date(2026, 1, 3)}))


def test_workdays_between_basics(cal):
    assert cal.workdays_between(date(2026, 2, 12), date(2026, 2, 26)) == 5
    assert cal.workdays_between(date(2026, 2, 26), date(2026, 2, 26)) == 0
    assert cal.workdays_between(date(2026, 2, 26), date(2026, 2, 12)) == -5
    assert cal.workdays_between(date(2026, 3, 6), date(2026, 3, 8)) == 0   # Fri → Sun


def test_kinds_accepted_as_text():
    cal = WorkCalendar.from_entries([(date(2026, 1, 1), DayKind.HOLIDAY),
                                     (date(2026, 1, 4), "workday")])
    assert not cal.is_workday(date(2026, 1, 1)) and cal.is_workday(date(2026, 1, 4))


# ------------------------------------------------------------------------------------ properties

starts = st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31))
lengths = st.integers(min_value=0, max_value=120)


def _naive_between(cal, a, b):
    return sum(cal.is_workday(a + timedelta(days=i)) for i in range(1, (b - a).days + 1))


@settings(max_examples=300, deadline=None)
@given(starts, st.integers(min_value=1, max_value=120))
def test_workday_due_date_is_a_working_day(start, n):
    assert _SEEDED.is_workday(_SEEDED.due_date(start, n, WD))


@settings(max_examples=300, deadline=None)
@given(starts, lengths)
def test_calendar_due_date_is_first_working_day_on_or_after_start_plus_n(start, n):
    due = _SEEDED.due_date(start, n, CAL)
    if n == 0:
        assert due == start
        return
    plain = start + timedelta(days=n)
    assert due >= plain and _SEEDED.is_workday(due)
    assert all(not _SEEDED.is_workday(plain + timedelta(days=i)) for i in range((due - plain).days))


@settings(max_examples=300, deadline=None)
@given(starts, lengths, st.sampled_from([WD, CAL]))
def test_due_date_monotonic_in_n(start, n, unit):
    a, b = _SEEDED.due_date(start, n, unit), _SEEDED.due_date(start, n + 1, unit)
    assert a <= b
    if unit is WD:
        assert a < b


@settings(max_examples=300, deadline=None)
@given(starts, lengths)
def test_workdays_between_inverts_due_date(start, n):
    assert _SEEDED.workdays_between(start, _SEEDED.due_date(start, n, WD)) == n


@settings(max_examples=300, deadline=None)
@given(starts, starts, starts)
def test_workdays_between_matches_counting_and_is_additive(a, b, c):
    lo, hi = min(a, b), max(a, b)
    assert _SEEDED.workdays_between(lo, hi) == _naive_between(_SEEDED, lo, hi)
    assert _SEEDED.workdays_between(a, b) == -_SEEDED.workdays_between(b, a)
    assert (_SEEDED.workdays_between(a, b) + _SEEDED.workdays_between(b, c)
            == _SEEDED.workdays_between(a, c))
