"""Case deadlines across the 2026 Spring Festival, Qingming and National Day (real calendar data)."""
from datetime import date

import pytest

from app.domain.calendar import WorkCalendar
from app.domain.case_clock import (DeadlineRules, DeadlineState, Suspension, extension_cap,
                                   handling_due, notice_due, state)
from app.domain.holiday_seed import seed_rows

CAL = WorkCalendar.from_entries((d, k) for d, k, _ in seed_rows())
RULES = DeadlineRules()


def test_acceptance_notice_moves_past_national_day():
    assert notice_due(CAL, date(2026, 9, 16), RULES) == date(2026, 10, 8)


def test_complaint_across_spring_festival_counts_make_up_saturdays():
    # 14 Feb and 28 Feb are make-up workdays, 15–23 Feb the holiday.
    assert handling_due(CAL, date(2026, 2, 10), "complaint", RULES) == date(2026, 3, 16)


def test_consultation_across_national_day():
    assert handling_due(CAL, date(2026, 9, 29), "consult", RULES) == date(2026, 10, 12)


def test_extension_gives_thirty_working_days():
    assert handling_due(CAL, date(2026, 2, 10), "complaint", RULES, extended=True) == date(2026, 3, 30)


def test_statutory_cap_wins_over_a_long_office_setting():
    long = DeadlineRules(handle_workdays=60)
    # 10 Feb + 60 calendar days = Sat 11 Apr → next working day.
    assert handling_due(CAL, date(2026, 2, 10), "help", long) == date(2026, 4, 13)
    assert extension_cap(CAL, date(2026, 2, 10), RULES) == date(2026, 5, 11)


def test_suspension_stops_the_clock():
    plain = handling_due(CAL, date(2026, 3, 2), "complaint", RULES)
    assert plain == date(2026, 3, 30)
    stopped = (Suspension(date(2026, 3, 9), date(2026, 3, 16)),)
    # 5 working days not counted, and Qingming (4–6 Apr) is skipped on the way.
    assert handling_due(CAL, date(2026, 3, 2), "complaint", RULES, suspensions=stopped) == date(2026, 4, 7)
    assert handling_due(CAL, date(2026, 3, 2), "complaint", RULES,
                        suspensions=(Suspension(date(2026, 3, 9)),)) is None


@pytest.mark.parametrize("today,expected", [
    (date(2026, 3, 11), DeadlineState.NORMAL),
    (date(2026, 3, 12), DeadlineState.DUE_SOON),
    (date(2026, 3, 14), DeadlineState.DUE_SOON),
    (date(2026, 3, 16), DeadlineState.DUE_SOON),
    (date(2026, 3, 17), DeadlineState.OVERDUE),
])
def test_state_on_a_given_day(today, expected):
    assert state(CAL, date(2026, 3, 16), today, RULES) is expected


def test_concluded_case_keeps_its_state_at_conclusion():
    due = date(2026, 3, 16)
    # a closed case shows how it ended, never 已超期 (nothing is left to do about its deadline)
    assert state(CAL, due, date(2026, 6, 1), RULES, concluded=date(2026, 3, 16)) is DeadlineState.ON_TIME
    assert state(CAL, due, date(2026, 6, 1), RULES, concluded=date(2026, 3, 17)) is DeadlineState.LATE
    assert state(CAL, None, date(2026, 6, 1), RULES, concluded=date(2026, 3, 17)) is DeadlineState.ON_TIME
    assert DeadlineState.LATE.label == "逾期办结" and DeadlineState.ON_TIME.label == "按期办结"
    assert state(CAL, None, date(2026, 6, 1), RULES) is DeadlineState.SUSPENDED
    assert DeadlineState.OVERDUE.label == "已超期"


def test_rules_from_settings_defaults():
    from app.domain.settings import SETTINGS
    values = {s.key: s.default for s in SETTINGS}
    assert DeadlineRules.from_settings(values) == RULES


def test_case_state_closed_without_due_date_is_history_not_suspended():
    from app.domain.case_clock import case_state
    day = date(2026, 6, 1)
    assert case_state(CAL, None, day, RULES, is_open=False) is DeadlineState.ON_TIME
    assert case_state(CAL, date(2026, 3, 16), day, RULES, is_open=False,
                      concluded=date(2026, 3, 17)) is DeadlineState.LATE
    # open: the clock of ``state`` (no due date while suspended)
    assert case_state(CAL, None, day, RULES, is_open=True) is DeadlineState.SUSPENDED
    assert case_state(CAL, date(2026, 3, 16), day, RULES, is_open=True) is DeadlineState.OVERDUE
