"""Mutual-aid test data written straight into a test database (no service, no audit): an employer,
members, a plan, a paid batch with enrollments, counted claims. For tests of the ledger's services
(claims, fund, lists, roster) to build on."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from app.db.models import Employer, Person
from app.db.models_mutual_aid import MaBatch, MaClaim, MaEnrollment, MaPlan
from app.domain.mutual_aid import PlanKind, cover_dates

AT = datetime(2026, 1, 5, 9)


def add_employer(s, name: str = "北京市朝阳区示例机械有限公司") -> Employer:
    e = Employer(name=name, initials="bjscyqsljxyxgs", has_union=True, created_at=AT, updated_at=AT)
    s.add(e)
    s.flush()
    return e


def add_person(s, name: str, id_number: str, gender: str, birth: date, employer: Employer | None = None,
               is_member: bool = True) -> Person:
    p = Person(name=name, initials="", gender=gender, id_number=id_number, birth_date=birth,
               employer_id=employer.id if employer else None, is_member=is_member, created_at=AT,
               updated_at=AT)
    s.add(p)
    s.flush()
    return p


def add_plan(s, year: int = 2026, code: str = "ZY", kind: PlanKind = PlanKind.DAILY, **kw) -> MaPlan:
    values = dict(name="住院津贴互助保障", premium_fen=6000, max_shares=3,
                  term_start=date(year, 1, 1), term_end=date(year, 12, 31), male_min_age=16,
                  male_max_age=60, female_min_age=16, female_max_age=55, members_only=True,
                  waiting_days=90, renewal_grace_days=30, deductible_days=3, daily_fen=4000,
                  stay_day_cap=180, readmission_days=30, tiers="[]", threshold_fen=0, ratio_bp=10_000,
                  term_cap_fen=720_000, note="")
    values.update(kw)
    plan = MaPlan(year=year, code=code, kind=kind.value, created_at=AT, updated_at=AT, **values)
    s.add(plan)
    s.flush()
    return plan


def enroll(s, plan: MaPlan, employer: Employer, people: list[Person], *, paid_on: date | None,
           shares: int = 1, renewal: bool = False, previous_term_end: date | None = None) -> MaBatch:
    """A batch of ``people`` in ``plan``, paid on ``paid_on`` (None: not paid yet)."""
    from app.services.mutual_aid.cover import plan_rule
    batch = MaBatch(plan_id=plan.id, employer_id=employer.id, members=len(people),
                    shares=shares * len(people), premium_fen=plan.premium_fen * shares * len(people),
                    paid_fen=plan.premium_fen * shares * len(people) if paid_on else 0,
                    paid_on=paid_on, created_at=AT, updated_at=AT)
    s.add(batch)
    s.flush()
    dates = cover_dates(plan_rule(plan), paid_on, previous_term_end) if paid_on else None
    for p in people:
        s.add(MaEnrollment(plan_id=plan.id, person_id=p.id, batch_id=batch.id, employer_id=employer.id,
                           shares=shares, renewal=renewal, premium_fen=plan.premium_fen * shares,
                           cover_start=dates.cover_start if dates else None,
                           waiting_end=dates.waiting_end if dates else None, created_at=AT))
    s.flush()
    return batch


def add_claim(s, enrollment: MaEnrollment, *, state: str = "paid", admission: date,
              days: int | None = None, benefit_fen: int = 0, cause: str = "", stay_days: int | None = None,
              stay_paid_days: int | None = None, refusal: str | None = None,
              received_on: date | None = None) -> MaClaim:
    from app.services.mutual_aid.claims import COUNTER, claim_no
    from app.services.numbering import next_number
    received_on = received_on or admission
    c = MaClaim(claim_no=claim_no(received_on.year, next_number(s, COUNTER, received_on.year)), enrollment_id=enrollment.id, plan_id=enrollment.plan_id,
                person_id=enrollment.person_id, employer_id=enrollment.employer_id,
                received_on=received_on, event_date=admission,
                until_date=admission + timedelta(days=days) if days is not None else None,
                cause=cause, benefit_fen=benefit_fen, stay_days=stay_days, stay_paid_days=stay_paid_days,
                paid_days=stay_paid_days, state=state, refusal=refusal, created_at=AT, updated_at=AT)
    s.add(c)
    s.flush()
    return c
