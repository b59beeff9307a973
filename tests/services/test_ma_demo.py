"""Mutual-aid demo data (app.services.demo.mutual_aid): plans for three years, members from the union
members of unions, batches that add up, renewals that follow last year, claims computed by the rule
with realistic refusals, claim numbers continued by the counters; added to an existing demo database
that lacks them, once."""
from __future__ import annotations

from collections import Counter as Tally

import pytest
from sqlalchemy import func, select

from app.db import open_database
from app.db.models import Counter, Employer, Person
from app.db.models_mutual_aid import MaBatch, MaClaim, MaEnrollment, MaPlan
from app.domain.errors import UserError
from app.domain.mutual_aid import ClaimState, age_on
from app.services import demo
from app.services.demo import mutual_aid as ma_demo
from tests.databases import new_target


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    target, drop = new_target(tmp_path_factory.mktemp("ma_demo"), "demo")
    d = open_database(target)
    summary = demo.generate(d, seed=3, people=3000, registrations=4000)
    yield d, summary
    d.close()
    drop()


def test_plans_members_batches_and_renewals(demo_db):
    db, summary = demo_db
    assert "互助保障计划 15 个" in summary
    with db.read() as s:
        plans = s.execute(select(MaPlan.year, MaPlan.code, MaPlan.kind)).all()
        years = sorted({y for y, _c, _k in plans})
        assert len(years) == 3 and years[-1] - years[0] == 2
        assert {k for _y, _c, k in plans} == {"daily", "reimburse", "lump"}
        members = s.scalar(select(func.count(func.distinct(MaEnrollment.person_id))))
        assert 300 <= members <= 400                            # one per ten registrations
        # only union members of employers with a union, eligible by age on each term's start
        bad = s.execute(select(func.count()).select_from(MaEnrollment)
                        .join(Person, Person.id == MaEnrollment.person_id)
                        .join(Employer, Employer.id == MaEnrollment.employer_id)
                        .where((Person.is_member.is_(False)) | (Employer.has_union.is_(False)))).scalar()
        assert bad == 0
        for birth, start in s.execute(select(Person.birth_date, MaPlan.term_start)
                                      .join(MaEnrollment, MaEnrollment.person_id == Person.id)
                                      .join(MaPlan, MaPlan.id == MaEnrollment.plan_id)):
            assert 16 <= age_on(birth, start) <= 55
        # a batch is the sum of its enrollments
        for bid, n, shares, premium in s.execute(select(MaBatch.id, MaBatch.members, MaBatch.shares,
                                                        MaBatch.premium_fen)):
            got = s.execute(select(func.count(), func.sum(MaEnrollment.shares), func.sum(MaEnrollment.premium_fen))
                            .where(MaEnrollment.batch_id == bid)).one()
            assert tuple(got) == (n, shares, premium)
        # a renewal was enrolled in last year's plan of the same code
        prev = {(p, c, y) for p, c, y in s.execute(select(MaEnrollment.person_id, MaPlan.code, MaPlan.year)
                                                    .join(MaPlan, MaPlan.id == MaEnrollment.plan_id))}
        renewals = s.execute(select(MaEnrollment.person_id, MaPlan.code, MaPlan.year)
                             .join(MaPlan, MaPlan.id == MaEnrollment.plan_id)
                             .where(MaEnrollment.renewal.is_(True))).all()
        assert renewals and all((p, c, y - 1) in prev for p, c, y in renewals)


def test_claims_with_realistic_refusals_and_numbers(demo_db):
    db, _summary = demo_db
    with db.read() as s:
        claims = s.execute(select(MaClaim.claim_no, MaClaim.state, MaClaim.refusal, MaClaim.benefit_fen,
                                  MaClaim.received_on, MaClaim.event_date, MaClaim.paid_on)).all()
        assert 100 <= len(claims) <= 140                        # three per hundred registrations
        states = Tally(c.state for c in claims)
        assert states[ClaimState.PAID.value] > states[ClaimState.REFUSED.value] > 0
        reasons = Tally(c.refusal for c in claims if c.refusal)
        assert len(reasons) >= 3, reasons
        for c in claims:
            assert c.received_on >= c.event_date
            assert (c.state == ClaimState.PAID.value) == (c.paid_on is not None)
            assert (c.benefit_fen > 0) == (c.refusal is None) or c.state == ClaimState.RECEIVED.value
        last = {}
        for no, *_rest in claims:
            year, n = int(no[2:6]), int(no[7:])
            last[year] = max(last.get(year, 0), n)
        counters = {y: n for y, n in s.execute(select(Counter.year, Counter.last)
                                               .where(Counter.name == ma_demo.CLAIM_COUNTER))}
        assert counters == last


def test_added_to_an_existing_demo_database_once(tmp_path, monkeypatch):
    target, drop = new_target(tmp_path, "old")
    db = open_database(target)
    try:
        monkeypatch.setattr(demo, "STEPS", [s for s in demo.STEPS if s.name != "mutual_aid"])
        demo.generate(db, seed=2, people=1500, registrations=1000)
        with db.read() as s:
            assert s.scalar(select(func.count()).select_from(MaPlan)) == 0
        text = ma_demo.add_to_existing(db)
        assert "互助保障计划 15 个" in text
        with db.read() as s:
            assert s.scalar(select(func.count()).select_from(MaEnrollment)) > 0
            assert s.scalar(select(func.count()).select_from(MaClaim)) > 0
        with pytest.raises(UserError, match="已有互助保障计划"):
            ma_demo.add_to_existing(db)
    finally:
        db.close()
        drop()
