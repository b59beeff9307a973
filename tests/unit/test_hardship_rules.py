"""Pure rules of the hardship ledger (app.domain.hardship, app.domain.ledger) at their boundaries."""
from __future__ import annotations

from datetime import date

import pytest

from app.domain import settings as decl
from app.domain.calendar import WorkCalendar
from app.domain.errors import Conflict
from app.domain.hardship import (AssistanceKind, Cause, HardshipCategory, HardshipRules,
                                 above_line_since, add_months, cap_refusal, causes_code,
                                 causes_text, classify, next_review_due, out_of_poverty_due,
                                 per_head_fen, publicity_end, round_half_up, same_month_warning,
                                 temporary_cap_refusal)
from app.domain.ledger import LedgerLine, check_affordable, ledger_line, shortfall

RULES = HardshipRules()          # 低保 ¥1,200, relative 200 %, strict <, accident 50 %
C = HardshipCategory


def test_rules_from_the_declared_settings_equal_the_defaults():
    values = {s.key: s.default for s in decl.SETTINGS}
    r = HardshipRules.from_settings(values)
    assert (r.dibao_fen, r.relative_percent, r.inclusive, r.accident_percent) == (120000, 200, False, 50)
    assert r.cap_fen(AssistanceKind.MEDICAL) == 20_000_00 == RULES.cap_fen("medical")
    assert (r.temporary_cap_fen, r.publicity_workdays, r.review_months, r.out_of_poverty_months) == \
        (300000, 5, 12, 6)
    assert decl.GROUP_LABELS[decl.HARDSHIP] == "困难职工帮扶"


def test_deep_just_below_the_line_and_relative_on_it():
    # 3 people, income 3,600.00 + 0 rigid → exactly 1,200.00 a head: not below 低保 (strict <)
    on = classify(3_600_00, 0, 3, RULES)
    assert on.category is C.RELATIVE and on.per_head_fen == 1_200_00
    below = classify(3_599_99, 0, 3, RULES)
    assert below.category is C.DEEP and below.per_head_fen == 1_200_00   # shows 1,200.00, is below
    assert below.formula == ("人均月收入 =（家庭月收入 ¥3,599.99 − 刚性支出 ¥0.00）÷ 3人 = ¥1,200.00 "
                             "< 低保标准 ¥1,200.00 → 深度困难")


def test_inclusive_comparison_counts_the_line_itself():
    r = HardshipRules(inclusive=True)
    assert classify(3_600_00, 0, 3, r).category is C.DEEP
    assert "≤ 低保标准" in classify(3_600_00, 0, 3, r).formula
    assert classify(7_200_00, 0, 3, r).category is C.RELATIVE
    assert classify(7_200_01, 0, 3, r).category is None


def test_relative_line_boundary_and_rigid_expense_by_twelve():
    # relative line 2,400.00; income 5,000 − 1,200 a year (100 a month) = 4,900 / 2 = 2,450 → none
    assert classify(5_000_00, 1_200_00, 2, RULES).category is None
    # 4,900 − 100 = 4,800 / 2 = 2,400.00 exactly: not below (strict) → none
    assert classify(4_900_00, 1_200_00, 2, RULES).category is None
    got = classify(4_899_99, 1_200_00, 2, RULES)
    assert got.category is C.RELATIVE
    assert "< 低保标准的200% ¥2,400.00 → 相对困难" in got.formula
    # an annual figure not divisible by 12 is shown with its division
    odd = classify(3_000_00, 1_000_00, 1, RULES)
    assert "刚性支出 ¥83.33（年¥1,000.00÷12）" in odd.formula


def test_accident_when_one_event_reaches_the_share_of_annual_income():
    # income 10,000 a month → annual 120,000; 50 % = 60,000
    assert classify(10_000_00, 0, 2, RULES, accident_cost_fen=59_999_99).category is None
    got = classify(10_000_00, 0, 2, RULES, accident_cost_fen=60_000_00)
    assert got.category is C.ACCIDENT
    assert got.formula.endswith("意外事件支出 ¥60,000.00 ≥ 家庭年收入 ¥120,000.00 的50% → 意外致困")
    # below 低保 stays 深度 even with an accident
    assert classify(1_000_00, 0, 2, RULES, accident_cost_fen=60_000_00).category is C.DEEP


def test_expenses_above_income_and_bad_numbers():
    assert classify(1_000_00, 24_000_00, 2, RULES).per_head_fen == -500_00
    assert classify(1_000_00, 24_000_00, 2, RULES).category is C.DEEP
    with pytest.raises(ValueError):
        classify(1_000_00, 0, 0, RULES)
    with pytest.raises(ValueError):
        classify(-1, 0, 1, RULES)


def test_rounding_half_up():
    assert round_half_up(5, 2) == 3 and round_half_up(-5, 2) == -3 and round_half_up(4, 3) == 1
    assert per_head_fen(1_000_00, 1, 3) == 33333   # 100000 − 1/12 over 3 = 33333.31
    with pytest.raises(ValueError):
        round_half_up(1, 0)


def test_cap_names_what_is_left():
    assert cap_refusal("medical", 20_000_00, 15_000_00, 5_000_00, 2026) is None      # exactly full
    text = cap_refusal("medical", 20_000_00, 15_000_00, 5_000_01, 2026)
    assert text == ("医疗救助每户每年最高 ¥20,000.00，该户2026年已安排 ¥15,000.00，还可安排 ¥5,000.00；"
                    "本次 ¥5,000.01 超出 ¥0.01")
    assert cap_refusal("living", 0, 10**9, 10**9, 2026) is None                       # 0: no cap
    assert "还可安排 ¥0.00" in cap_refusal("living", 100_00, 150_00, 1, 2026)


def test_temporary_cap_per_person():
    assert temporary_cap_refusal(3_000_00, 2_000_00, 1_000_00, 2026) is None
    assert "还可安排 ¥1,000.00" in temporary_cap_refusal(3_000_00, 2_000_00, 1_000_01, 2026)


def test_same_month_warning():
    assert same_month_warning("living", date(2026, 3, 31), [date(2026, 2, 28), date(2026, 4, 1)]) is None
    w = same_month_warning("living", date(2026, 3, 31), [date(2026, 3, 1), date(2025, 3, 5)])
    assert w == "该户2026年3月已有生活救助（3月1日），同一月内再次发放同类帮扶，请确认确有需要"


def test_add_months_and_review_due():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2026, 11, 15), 2) == date(2027, 1, 15)
    assert add_months(date(2026, 12, 1), 12) == date(2027, 12, 1)
    assert next_review_due(date(2024, 2, 29), RULES) == date(2025, 2, 28)


def test_out_of_poverty_after_six_months_above_the_line():
    obs = [(date(2025, 1, 10), 1_000_00), (date(2025, 6, 1), 1_300_00), (date(2025, 9, 1), 1_250_00)]
    since = above_line_since(obs, RULES.dibao_fen)
    assert since == date(2025, 6, 1)
    assert not out_of_poverty_due(since, date(2025, 11, 30), RULES)
    assert out_of_poverty_due(since, date(2025, 12, 1), RULES)
    # on the line is not above it; a drop resets the run
    assert above_line_since(obs + [(date(2025, 10, 1), 1_200_00)], RULES.dibao_fen) is None
    assert above_line_since([], RULES.dibao_fen) is None
    assert not out_of_poverty_due(None, date(2030, 1, 1), RULES)


def test_publicity_end_counts_the_start_day_and_skips_holidays():
    cal = WorkCalendar()
    assert publicity_end(cal, date(2026, 12, 7), 5) == date(2026, 12, 11)     # Mon → Fri
    assert publicity_end(cal, date(2026, 12, 5), 5) == date(2026, 12, 11)     # Sat: from Monday
    hol = WorkCalendar(holidays=frozenset({date(2026, 12, 9)}))
    assert publicity_end(hol, date(2026, 12, 7), 5) == date(2026, 12, 14)
    with pytest.raises(ValueError):
        publicity_end(cal, date(2026, 12, 7), 0)


def test_causes_round_trip():
    code = causes_code([Cause.LAID_OFF, "schooling"])
    assert code == ",laid_off,schooling,"
    assert causes_text(code) == (Cause.LAID_OFF, Cause.SCHOOLING)
    assert causes_code([]) == "" and causes_text("") == ()


def test_ledger_identity_and_shortfall():
    line = ledger_line("上级拨款", 100_00, 30_00, 50_00, 60_00)
    assert (line.opening, line.closing) == (70_00, 60_00)
    with pytest.raises(ValueError):
        LedgerLine("x", 1, 1, 1, 2)
    assert shortfall("本级经费", 100_00, 100_00) is None
    s = shortfall("本级经费", 100_00, 100_01)
    assert s.missing == 1 and "缺口 ¥0.01" in s.text
    check_affordable([("a", 5, 5)])
    with pytest.raises(Conflict) as e:
        check_affordable([("上级拨款", 1_000_00, 1_500_00), ("社会捐助", 0, 1_00), ("本级经费", 9, 1)])
    assert "资金「上级拨款」可用余额 ¥1,000.00，本次需支出 ¥1,500.00，缺口 ¥500.00" in e.value.message
    assert "资金「社会捐助」" in e.value.message and "本级经费" not in e.value.message
