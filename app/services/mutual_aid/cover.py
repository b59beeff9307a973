"""A plan's rule and a member's cover, read inside the caller's Session, for the benefit rule.

Contract: helpers for services, each takes the open Session ``s`` of the caller's unit of work and
reads only (no audit, no commit). The claim computation and the 试算 go through ``claim_inputs``; the
roster import uses ``plan_rule``, ``enrollment_of`` and ``previous_term_end`` (renewal: the member's
cover in last year's plan of the same code), so both read cover the same way.
"""
from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Person
from app.db.models_mutual_aid import MaClaim, MaEnrollment, MaPlan
from app.domain.mutual_aid import (COUNTED_STATES, ClaimFacts, Cover, History, PlanKind, PlanRule,
                                   PriorStay, Tier)


def plan_rule(plan: MaPlan) -> PlanRule:
    """The rule of a plan row (its columns → ``PlanRule``)."""
    def ages(lo, hi):
        return None if lo is None or hi is None else (lo, hi)
    return PlanRule(
        kind=PlanKind(plan.kind), term_start=plan.term_start, term_end=plan.term_end,
        max_shares=plan.max_shares, waiting_days=plan.waiting_days,
        renewal_grace_days=plan.renewal_grace_days,
        male_ages=ages(plan.male_min_age, plan.male_max_age),
        female_ages=ages(plan.female_min_age, plan.female_max_age),
        members_only=plan.members_only, deductible_days=plan.deductible_days, daily_fen=plan.daily_fen,
        stay_day_cap=plan.stay_day_cap, readmission_days=plan.readmission_days,
        tiers=tiers_from_json(plan.tiers), threshold_fen=plan.threshold_fen, ratio_bp=plan.ratio_bp,
        term_cap_fen=plan.term_cap_fen)


def tiers_from_json(text: str | None) -> tuple[Tier, ...]:
    return tuple(Tier(str(t["name"]), int(t["sum_fen"])) for t in json.loads(text or "[]"))


def tiers_to_json(tiers) -> str:
    return json.dumps([{"name": t.name, "sum_fen": t.sum_fen} for t in tiers], ensure_ascii=False)


def enrollment_of(s: Session, plan_id: int, person_id: int) -> MaEnrollment | None:
    """The member's enrollment in this plan (one per plan-year: unique plan + person), or None."""
    return s.execute(select(MaEnrollment).where(MaEnrollment.plan_id == plan_id,
                                                MaEnrollment.person_id == person_id)).scalar_one_or_none()


def enrollments_of_person(s: Session, person_id: int) -> list[MaEnrollment]:
    """Every enrollment of a member, newest plan year first (index ix_ma_enrollments_person)."""
    return list(s.scalars(select(MaEnrollment).join(MaPlan, MaPlan.id == MaEnrollment.plan_id)
                          .where(MaEnrollment.person_id == person_id)
                          .order_by(MaPlan.year.desc(), MaPlan.code, MaEnrollment.id)))


def previous_term_end(s: Session, plan: MaPlan, person_id: int) -> date | None:
    """The end of the member's term in last year's plan of the same code (a renewal), or None when
    the member was not enrolled in it."""
    return s.execute(select(MaPlan.term_end)
                     .join(MaEnrollment, MaEnrollment.plan_id == MaPlan.id)
                     .where(MaPlan.code == plan.code, MaPlan.year == plan.year - 1,
                            MaEnrollment.person_id == person_id)).scalar_one_or_none()


def cover_of(enrollment: MaEnrollment | None) -> Cover | None:
    if enrollment is None:
        return None
    return Cover(shares=enrollment.shares, cover_start=enrollment.cover_start,
                 waiting_end=enrollment.waiting_end, eligible=enrollment.eligible,
                 ineligible_reason=enrollment.ineligible_reason)


def term_history(s: Session, enrollment_id: int, *, exclude_claim_id: int | None = None) -> History:
    """What the term holds already: benefits of the counted (approved, paid) claims of this cover,
    and their hospital stays for the readmission rule. ``exclude_claim_id``: the claim being
    recomputed itself."""
    q = (select(MaClaim.benefit_fen, MaClaim.event_date, MaClaim.until_date, MaClaim.cause,
                MaClaim.stay_days, MaClaim.stay_paid_days)
         .where(MaClaim.enrollment_id == enrollment_id,
                MaClaim.state.in_([st.value for st in COUNTED_STATES])))
    if exclude_claim_id is not None:
        q = q.where(MaClaim.id != exclude_claim_id)
    paid = count = 0
    stays = []
    for benefit, event, until, cause, stay_days, stay_paid in s.execute(q):
        paid += benefit
        count += 1
        if until is not None and stay_days is not None:
            stays.append(PriorStay(event, until, cause or "", stay_days, stay_paid or 0))
    return History(paid_fen=paid, counted_claims=count, stays=tuple(stays))


def person_by_id_number(s: Session, id_number: str) -> Person | None:
    return s.execute(select(Person).where(Person.id_number == id_number.strip().upper())
                     ).scalar_one_or_none()


def claim_inputs(s: Session, plan: MaPlan, person_id: int, *, exclude_claim_id: int | None = None
                 ) -> tuple[PlanRule, MaEnrollment | None, Cover | None, History]:
    """Everything ``compute`` needs besides the claim's own facts."""
    enrollment = enrollment_of(s, plan.id, person_id)
    history = (term_history(s, enrollment.id, exclude_claim_id=exclude_claim_id)
               if enrollment is not None else History())
    return plan_rule(plan), enrollment, cover_of(enrollment), history


__all__ = ["ClaimFacts", "claim_inputs", "cover_of", "enrollment_of", "enrollments_of_person",
           "person_by_id_number", "plan_rule", "previous_term_end", "term_history", "tiers_from_json",
           "tiers_to_json"]
