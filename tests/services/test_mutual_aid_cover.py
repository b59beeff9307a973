"""Reading a member's cover for the claim computation (app.services.mutual_aid.cover) on a real
database at head: the plan's rule from its columns, the enrollment, the term's counted claims and
stays, the previous year's term for a renewal."""
from datetime import date

from app.db.models_mutual_aid import MaEnrollment
from app.domain.mutual_aid import ClaimFacts, PlanKind, Refusal, Tier, compute
from app.services.mutual_aid.cover import (claim_inputs, enrollments_of_person, person_by_id_number,
                                           plan_rule, previous_term_end, tiers_to_json)

from .mutual_aid_data import add_claim, add_employer, add_person, add_plan, enroll


def test_plan_rule_from_the_columns(db):
    with db.write() as s:
        plan = add_plan(s, kind=PlanKind.LUMP, code="ZJ", female_min_age=18, male_min_age=None,
                        male_max_age=None, tiers=tiers_to_json([Tier("乳腺癌", 1_000_000)]),
                        term_cap_fen=None)
        rule = plan_rule(plan)
    assert rule.kind is PlanKind.LUMP and rule.male_ages is None and rule.female_ages == (18, 55)
    assert rule.tiers == (Tier("乳腺癌", 1_000_000),) and rule.term_cap_fen is None


def test_claim_inputs_read_cover_and_the_terms_counted_claims(db):
    with db.write() as s:
        emp = add_employer(s)
        zhang = add_person(s, "张三", "11010519800101001X", "M", date(1980, 1, 1), emp)
        li = add_person(s, "李四", "110105198501010028", "F", date(1985, 1, 1), emp)
        plan = add_plan(s)
        enroll(s, plan, emp, [zhang], paid_on=date(2026, 1, 10), shares=2)
        e = s.query(MaEnrollment).filter_by(person_id=zhang.id).one()
        add_claim(s, e, state="paid", admission=date(2026, 5, 1), days=10, cause="肺炎",
                  benefit_fen=56_000, stay_days=10, stay_paid_days=7)
        add_claim(s, e, state="approved", admission=date(2026, 7, 1), days=5, cause="骨折",
                  benefit_fen=16_000, stay_days=5, stay_paid_days=2)
        add_claim(s, e, state="received", admission=date(2026, 8, 1), days=5, benefit_fen=16_000)
        add_claim(s, e, state="refused", admission=date(2026, 3, 1), days=5, refusal="waiting")

        rule, enrollment, cover, history = claim_inputs(s, plan, zhang.id)
        assert enrollment.id == e.id
        assert (cover.shares, cover.cover_start, cover.waiting_end) == (2, date(2026, 1, 11),
                                                                        date(2026, 4, 10))
        assert (history.paid_fen, history.counted_claims) == (72_000, 2)
        assert sorted(st.cause for st in history.stays) == ["肺炎", "骨折"]
        # a readmission for 肺炎 ten days after discharge joins the first stay
        res = compute(rule, cover, ClaimFacts(date(2026, 5, 21), date(2026, 5, 26), cause="肺炎"), history)
        assert res.joined and res.amount_fen == 5 * 4000 * 2

        _, none, no_cover, _ = claim_inputs(s, plan, li.id)
        assert none is None and compute(rule, no_cover, ClaimFacts(date(2026, 5, 1))).refusal \
            is Refusal.NOT_ENROLLED
        assert person_by_id_number(s, "11010519800101001x").id == zhang.id


def test_previous_term_end_is_last_years_plan_of_the_same_code(db):
    with db.write() as s:
        emp = add_employer(s)
        wang = add_person(s, "王五", "110105197001010015", "M", date(1970, 1, 1), emp)
        old = add_plan(s, year=2025)
        other = add_plan(s, year=2025, code="YL", kind=PlanKind.REIMBURSE, ratio_bp=5000)
        new = add_plan(s, year=2026)
        assert previous_term_end(s, new, wang.id) is None
        enroll(s, other, emp, [wang], paid_on=date(2024, 12, 20))
        assert previous_term_end(s, new, wang.id) is None        # another plan's cover is no renewal
        enroll(s, old, emp, [wang], paid_on=date(2024, 12, 20))
        assert previous_term_end(s, new, wang.id) == date(2025, 12, 31)
        enroll(s, new, emp, [wang], paid_on=date(2026, 1, 20), renewal=True,
               previous_term_end=date(2025, 12, 31))
        years = [(plan_id, e.renewal, e.waiting_end) for plan_id, e in
                 ((e.plan_id, e) for e in enrollments_of_person(s, wang.id))]
        assert years[0] == (new.id, True, None)
        assert len(years) == 3
