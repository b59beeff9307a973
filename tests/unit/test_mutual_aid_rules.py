"""The mutual-aid benefit rule (app.domain.mutual_aid): every rule type, every refusal at its exact
boundary day, each cap reached in the middle of a claim paying the remainder."""
from datetime import date, timedelta

import pytest

from app.domain.mutual_aid import (ClaimFacts, Cover, History, PlanKind, PlanRule, PriorStay, Refusal, Tier,
                                   age_on, compute, cover_dates, eligibility_problem, renewal_kept,
                                   rule_errors)
from app.domain.workflow import CLAIM_WORKFLOW, claim_facts

TERM = (date(2026, 1, 1), date(2026, 12, 31))
DAILY = PlanRule(PlanKind.DAILY, *TERM, max_shares=3, waiting_days=90, deductible_days=3, daily_fen=4000,
                 stay_day_cap=180, readmission_days=30, term_cap_fen=720_000)
LUMP = PlanRule(PlanKind.LUMP, *TERM, waiting_days=180, male_ages=None, female_ages=(16, 55),
                tiers=(Tier("乳腺癌", 1_000_000), Tier("宫颈癌", 800_000)), term_cap_fen=1_500_000)
REIMB = PlanRule(PlanKind.REIMBURSE, *TERM, waiting_days=90, threshold_fen=50_000, ratio_bp=5000,
                 term_cap_fen=2_000_000)

PAID_ON = date(2026, 1, 10)
FIRST = cover_dates(DAILY, PAID_ON)                        # start 1-11, waiting 90 days → 4-10
COVER = Cover(shares=1, cover_start=FIRST.cover_start, waiting_end=FIRST.waiting_end)
AFTER_WAIT = date(2026, 5, 1)


def stay(days: int, start: date = AFTER_WAIT, cause: str = "肺炎") -> ClaimFacts:
    return ClaimFacts(event=start, until=start + timedelta(days=days), cause=cause)


# ------------------------------------------------------------------ cover dates and the waiting period

def test_cover_starts_the_day_after_payment_and_the_waiting_period_counts_from_that_day():
    assert FIRST.cover_start == date(2026, 1, 11)
    assert FIRST.waiting_end == date(2026, 4, 10)             # 1-11 + 90 days − 1: its 90th day
    assert (FIRST.waiting_end - FIRST.cover_start).days + 1 == 90
    assert not FIRST.renewal_kept


def test_last_day_of_the_waiting_period_refused_the_next_day_paid():
    last = compute(DAILY, COVER, stay(10, FIRST.waiting_end))
    assert last.refusal is Refusal.WAITING and last.amount_fen == 0
    assert "观察期内" in last.line and "2026年4月11日起" in last.line
    nxt = compute(DAILY, COVER, stay(10, FIRST.waiting_end + timedelta(days=1)))
    assert nxt.refusal is None and nxt.amount_fen == 7 * 4000


def test_no_waiting_period_when_the_plan_has_none():
    rule = PlanRule(PlanKind.DAILY, *TERM, waiting_days=0, daily_fen=4000)
    dates = cover_dates(rule, PAID_ON)
    assert dates.waiting_end is None
    res = compute(rule, Cover(1, dates.cover_start, None), stay(2, dates.cover_start))
    assert res.amount_fen == 8000


def test_renewal_on_the_last_grace_day_keeps_cover_the_day_after_does_not():
    prev_end = date(2025, 12, 31)
    last_grace = prev_end + timedelta(days=DAILY.renewal_grace_days)      # 2026-01-30
    assert renewal_kept(DAILY, last_grace, prev_end)
    kept = cover_dates(DAILY, last_grace, prev_end)
    assert (kept.cover_start, kept.waiting_end, kept.renewal_kept) == (TERM[0], None, True)
    # cover kept without a gap: a stay from the term's first day is paid
    res = compute(DAILY, Cover(1, kept.cover_start, kept.waiting_end), stay(5, date(2026, 1, 2)))
    assert res.amount_fen == 2 * 4000

    late = last_grace + timedelta(days=1)
    assert not renewal_kept(DAILY, late, prev_end)
    lapsed = cover_dates(DAILY, late, prev_end)
    assert (lapsed.cover_start, lapsed.renewal_kept) == (date(2026, 2, 1), False)
    assert lapsed.waiting_end == date(2026, 2, 1) + timedelta(days=89)
    res = compute(DAILY, Cover(1, lapsed.cover_start, lapsed.waiting_end), stay(5, date(2026, 3, 1)))
    assert res.refusal is Refusal.WAITING


def test_renewal_paid_before_the_term_starts_covers_from_the_term_start():
    kept = cover_dates(DAILY, date(2025, 12, 20), date(2025, 12, 31))
    assert kept.cover_start == date(2025, 12, 21) and kept.waiting_end is None
    before = compute(DAILY, Cover(1, kept.cover_start, None), stay(5, date(2025, 12, 31)))
    assert before.refusal is Refusal.NOT_COVERED


def test_cover_boundaries_of_the_term():
    cover = Cover(1, date(2025, 12, 1), None)
    assert compute(DAILY, cover, stay(5, TERM[0] - timedelta(days=1))).refusal is Refusal.NOT_COVERED
    assert compute(DAILY, cover, stay(5, TERM[0])).amount_fen == 2 * 4000
    assert compute(DAILY, cover, stay(5, TERM[1])).amount_fen == 2 * 4000      # by admission day
    after = compute(DAILY, cover, stay(5, TERM[1] + timedelta(days=1)))
    assert after.refusal is Refusal.NOT_COVERED and "不在保障期" in after.line


def test_before_cover_start_is_not_covered():
    cover = Cover(1, date(2026, 3, 1), None)
    assert compute(DAILY, cover, stay(5, date(2026, 2, 28))).refusal is Refusal.NOT_COVERED
    assert compute(DAILY, cover, stay(5, date(2026, 3, 1))).refusal is None


def test_not_enrolled_not_paid_not_eligible():
    assert compute(DAILY, None, stay(5)).refusal is Refusal.NOT_ENROLLED
    assert compute(DAILY, Cover(1, None, None), stay(5)).refusal is Refusal.NOT_PAID
    res = compute(DAILY, Cover(1, FIRST.cover_start, None, eligible=False, ineligible_reason="超龄"),
                  stay(5))
    assert res.refusal is Refusal.NOT_ELIGIBLE and "超龄" in res.line


# ------------------------------------------------------------------ daily 住院津贴

def test_daily_line_a_member_can_follow():
    res = compute(DAILY, COVER, stay(10))
    assert res.amount_fen == 28000 and res.refusal is None
    assert res.line == "住院10天 − 免赔3天 = 7天 × ¥40 = ¥280.00"
    assert (res.stay_days, res.paid_days, res.stay_paid_days) == (10, 7, 7)


def test_daily_with_shares():
    res = compute(DAILY, Cover(2, FIRST.cover_start, FIRST.waiting_end), stay(10))
    assert res.amount_fen == 56000
    assert res.line == "住院10天 − 免赔3天 = 7天 × ¥40 × 2份 = ¥560.00"


def test_stay_days_count_the_admission_day_not_the_discharge_day():
    res = compute(DAILY, COVER, ClaimFacts(date(2026, 5, 1), date(2026, 5, 2)))
    assert res.stay_days == 1


def test_deductible_boundary():
    at = compute(DAILY, COVER, stay(3))
    assert at.refusal is Refusal.DEDUCTIBLE and at.line == "未超过免赔天数：住院3天，未超过免赔3天"
    one = compute(DAILY, COVER, stay(4))
    assert one.amount_fen == 4000 and one.paid_days == 1


def test_stay_day_cap_reached_mid_claim_pays_the_capped_days():
    res = compute(DAILY, COVER, stay(190))                       # 187 days over, cap 180
    assert (res.paid_days, res.amount_fen) == (180, 720_000)
    res = compute(PlanRule(PlanKind.DAILY, *TERM, deductible_days=3, daily_fen=1000, stay_day_cap=20),
                  Cover(1, TERM[0], None), stay(30))
    assert (res.paid_days, res.amount_fen) == (20, 20_000)
    assert "单次住院最多给付20天" in res.line and res.line.endswith("本次20天 × ¥10 = ¥200.00")


def test_term_cap_reached_mid_claim_pays_the_remainder():
    res = compute(DAILY, COVER, stay(13), History(paid_fen=700_000, counted_claims=3))
    assert res.amount_fen == 20_000 and res.refusal is None     # 10 days = ¥400, ¥200 left
    assert "本期最高 ¥7,200.00，已给付 ¥7,000.00，本次给付余额 ¥200.00" in res.line
    exact = compute(DAILY, COVER, stay(8), History(paid_fen=700_000, counted_claims=3))
    assert exact.amount_fen == 20_000 and "余额" not in exact.line
    full = compute(DAILY, COVER, stay(13), History(paid_fen=720_000, counted_claims=4))
    assert full.refusal is Refusal.TERM_CAP and full.amount_fen == 0


def test_term_cap_scales_with_shares():
    cover = Cover(2, FIRST.cover_start, FIRST.waiting_end)
    res = compute(DAILY, cover, stay(13), History(paid_fen=1_420_000, counted_claims=3))
    assert res.amount_fen == 20_000
    assert "本期最高 ¥14,400.00（¥7,200 × 2份）" in res.line


def _prior(admission: date, days: int, paid: int, cause: str = "肺炎") -> PriorStay:
    return PriorStay(admission, admission + timedelta(days=days), cause, days, paid)


def test_readmission_within_30_days_same_cause_is_one_stay_deductible_once():
    first = _prior(date(2026, 5, 1), 2, 0)                      # 2 days, within the deductible
    discharge = first.discharge                                 # 5-3
    res = compute(DAILY, COVER, stay(5, discharge + timedelta(days=30)), History(stays=(first,)))
    assert res.joined and res.stay_days == 7 and res.paid_days == 4 and res.amount_fen == 16_000
    assert "合并为一次（2天 + 5天 = 7天）" in res.line
    alone = compute(DAILY, COVER, stay(5, discharge + timedelta(days=31)), History(stays=(first,)))
    assert not alone.joined and alone.paid_days == 2 and alone.amount_fen == 8000


def test_readmission_counts_days_already_paid_for_the_stay():
    first = _prior(date(2026, 5, 1), 10, 7)
    res = compute(DAILY, COVER, stay(5, first.discharge + timedelta(days=3)),
                  History(paid_fen=28_000, counted_claims=1, stays=(first,)))
    assert (res.stay_days, res.stay_paid_days, res.paid_days, res.amount_fen) == (15, 12, 5, 20_000)
    assert "前次已给付7天" in res.line and res.line.endswith("本次5天 × ¥40 = ¥200.00")


def test_readmission_for_another_cause_is_a_new_stay():
    first = _prior(date(2026, 5, 1), 10, 7)
    res = compute(DAILY, COVER, stay(5, first.discharge + timedelta(days=3), cause="骨折"),
                  History(stays=(first,)))
    assert not res.joined and res.paid_days == 2


def test_readmission_after_the_stay_cap_is_refused():
    rule = PlanRule(PlanKind.DAILY, *TERM, deductible_days=3, daily_fen=1000, stay_day_cap=20)
    first = _prior(date(2026, 5, 1), 30, 20)
    res = compute(rule, Cover(1, TERM[0], None), stay(5, first.discharge + timedelta(days=1)),
                  History(stays=(first,)))
    assert res.refusal is Refusal.STAY_CAP and res.amount_fen == 0


# ------------------------------------------------------------------ lump 定额给付

FEMALE = Cover(2, date(2026, 1, 11), date(2026, 7, 9))


def test_lump_sum_per_tier_times_shares():
    res = compute(LUMP, FEMALE, ClaimFacts(date(2026, 7, 10), tier="宫颈癌"))
    assert res.amount_fen == 1_600_000 and res.line == "宫颈癌 ¥8,000 × 2份 = ¥16,000.00"
    assert compute(LUMP, FEMALE, ClaimFacts(date(2026, 7, 9), tier="宫颈癌")).refusal is Refusal.WAITING


def test_lump_once_per_term():
    res = compute(LUMP, FEMALE, ClaimFacts(date(2026, 8, 1), tier="乳腺癌"),
                  History(paid_fen=1_600_000, counted_claims=1))
    assert res.refusal is Refusal.ALREADY_PAID


def test_lump_unknown_tier():
    res = compute(LUMP, FEMALE, ClaimFacts(date(2026, 8, 1), tier="感冒"))
    assert res.refusal is Refusal.NOT_LISTED and "乳腺癌、宫颈癌" in res.line


def test_lump_term_cap_mid_claim():
    rule = PlanRule(PlanKind.LUMP, *TERM, tiers=(Tier("恶性肿瘤", 1_000_000),), term_cap_fen=600_000)
    res = compute(rule, Cover(1, TERM[0], None), ClaimFacts(date(2026, 8, 1), tier="恶性肿瘤"))
    assert res.amount_fen == 600_000 and "本次给付余额 ¥6,000.00" in res.line


# ------------------------------------------------------------------ reimburse 住院医疗

RCOVER = Cover(1, date(2026, 1, 11), date(2026, 4, 10))


def test_reimburse_ratio_rounds_half_up_to_the_fen():
    res = compute(REIMB, RCOVER, ClaimFacts(date(2026, 5, 1), date(2026, 5, 9), out_of_pocket_fen=50_001 + 2))
    # (500.03 − 500) × 50% = 0.015 → 0.02
    assert res.amount_fen == 2
    res = compute(REIMB, RCOVER, ClaimFacts(date(2026, 5, 1), date(2026, 5, 9), out_of_pocket_fen=350_000))
    assert res.amount_fen == 150_000
    assert res.line == "(自付 ¥3,500.00 − 起付 ¥500) × 50% = ¥1,500.00"


def test_reimburse_threshold_boundary():
    at = compute(REIMB, RCOVER, ClaimFacts(date(2026, 5, 1), out_of_pocket_fen=50_000))
    assert at.refusal is Refusal.BELOW_THRESHOLD
    over = compute(REIMB, RCOVER, ClaimFacts(date(2026, 5, 1), out_of_pocket_fen=50_002))
    assert over.amount_fen == 1


def test_reimburse_cap_mid_claim_pays_the_remainder():
    res = compute(REIMB, RCOVER, ClaimFacts(date(2026, 6, 1), out_of_pocket_fen=1_050_000),
                  History(paid_fen=1_800_000, counted_claims=2))
    assert res.amount_fen == 200_000 and "本次给付余额 ¥2,000.00" in res.line
    assert compute(REIMB, RCOVER, ClaimFacts(date(2026, 6, 1), out_of_pocket_fen=1_050_000),
                   History(paid_fen=2_000_000, counted_claims=3)).refusal is Refusal.TERM_CAP


def test_reimburse_not_multiplied_by_shares_but_cap_is():
    res = compute(REIMB, Cover(3, date(2026, 1, 11), date(2026, 4, 10)),
                  ClaimFacts(date(2026, 6, 1), out_of_pocket_fen=150_000))
    assert res.amount_fen == 50_000


def test_odd_ratio_shows_as_percent():
    rule = PlanRule(PlanKind.REIMBURSE, *TERM, threshold_fen=0, ratio_bp=8250)
    res = compute(rule, Cover(1, TERM[0], None), ClaimFacts(date(2026, 6, 1), out_of_pocket_fen=10_001))
    assert res.amount_fen == 8251                   # 8250.825 → 8251
    assert "× 82.5% =" in res.line


# ------------------------------------------------------------------ eligibility and the rule's own check

def test_age_and_eligibility_boundaries():
    on = date(2026, 1, 1)
    assert age_on(date(1966, 1, 1), on) == 60 and age_on(date(1966, 1, 2), on) == 59
    assert eligibility_problem(DAILY, "M", date(1966, 1, 1), True, on) is None
    assert "61 周岁" in eligibility_problem(DAILY, "M", date(1965, 1, 1), True, on)
    assert "56 周岁" in eligibility_problem(DAILY, "F", date(1970, 1, 1), True, on)
    assert eligibility_problem(DAILY, "F", date(1971, 1, 1), True, on) is None
    assert eligibility_problem(DAILY, "F", date(2010, 1, 2), True, on) is not None   # 15
    assert eligibility_problem(DAILY, "M", date(1980, 1, 1), False, on) == "不是工会会员"
    assert "不接受男性" in eligibility_problem(LUMP, "M", date(1980, 1, 1), True, on)


def test_rule_errors_name_every_bad_field():
    bad = PlanRule(PlanKind.DAILY, date(2026, 12, 31), date(2026, 1, 1), max_shares=0, daily_fen=0,
                   male_ages=(60, 16))
    fields = [f for f, _ in rule_errors(bad)]
    assert fields == ["保障期", "最多份数", "男性年龄", "每日津贴"]
    assert rule_errors(DAILY) == [] and rule_errors(LUMP) == [] and rule_errors(REIMB) == []
    assert [f for f, _ in rule_errors(PlanRule(PlanKind.LUMP, *TERM, tiers=(Tier("A", 1), Tier("A", 0))))] \
        == ["病种档次", "病种档次"]
    assert [f for f, _ in rule_errors(PlanRule(PlanKind.REIMBURSE, *TERM, ratio_bp=0))] == ["报销比例"]


# ------------------------------------------------------------------ the claim's workflow

def test_claim_workflow():
    received = claim_facts(claim_no="HZ2026-000001", state="received", benefit_fen=28000)
    assert CLAIM_WORKFLOW.refusal("approve", received) is None
    assert CLAIM_WORKFLOW.refusal("pay", received).text == "申请HZ2026-000001待审批，审批通过后才能登记给付"
    refused_calc = claim_facts(claim_no="HZ2026-000002", state="received", refusal="waiting")
    assert "观察期内" in CLAIM_WORKFLOW.refusal("approve", refused_calc).text
    assert CLAIM_WORKFLOW.refusal("refuse", refused_calc) is None
    approved = claim_facts(claim_no="HZ2026-000001", state="approved", benefit_fen=28000)
    assert CLAIM_WORKFLOW.refusal("pay", approved) is None
    assert CLAIM_WORKFLOW.refusal("approve", approved).code == "claim is approved"
    paid = claim_facts(claim_no="HZ2026-000001", state="paid", benefit_fen=28000)
    assert CLAIM_WORKFLOW.refusal("pay", paid).text == "申请HZ2026-000001已给付"
    assert CLAIM_WORKFLOW.refusal("attach", paid) is not None


@pytest.mark.parametrize("refusal", list(Refusal))
def test_every_refusal_has_a_chinese_label(refusal):
    assert refusal.label and all(ord(ch) > 127 for ch in refusal.label[:2])
