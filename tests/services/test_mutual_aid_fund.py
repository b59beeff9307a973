"""The fund per plan-year (app.services.mutual_aid.fund): premiums in, benefits out, balance and
赔付率, equal to the records; 「—」 (None) before any premium."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select

from app.db.models_mutual_aid import MaBatch, MaClaim, MaEnrollment
from app.domain.enums import Role
from app.services.mutual_aid import claims, fund
from app.services.mutual_aid.claims import ClaimInput

from .mutual_aid_data import add_employer, add_person, add_plan, enroll

NOW = datetime(2026, 12, 16, 10)


def test_fund_matches_the_records(db, actors):
    with db.write() as s:
        emp = add_employer(s)
        other = add_employer(s, "北京市朝阳区某物业公司")
        people = [add_person(s, f"职工{i}", f"1101051980010100{i:02d}", "M", date(1980, 1, 1), emp)
                  for i in range(4)]
        plan = add_plan(s)
        empty = add_plan(s, code="YL")
        enroll(s, plan, emp, people[:3], paid_on=date(2026, 1, 10), shares=2)       # 3 × 2 × ¥60 paid
        enroll(s, plan, other, people[3:], paid_on=None)                             # ¥60 not yet paid
        ids = {"plan": plan.id, "empty": empty.id, "people": [p.id for p in people]}
    clerk, mgr = actors[Role.CLERK], actors[Role.MANAGER]

    def stay(i, start, end):
        return claims.enter_claim(db, clerk, ClaimInput(plan_id=ids["plan"], person_id=ids["people"][i],
                                                        event=start, until=end), now=NOW)
    a = stay(0, "2026-05-01", "2026-05-05")          # 1 day × ¥40 × 2 = ¥80
    b = stay(1, "2026-06-01", "2026-06-04")          # ¥0: refused (deductible)
    c = stay(2, "2026-07-01", "2026-07-11")          # 7 days × ¥80 = ¥560
    claims.approve_claim(db, mgr, a.id, now=NOW)
    claims.pay_claim(db, clerk, a.id, "2026-12-16", "记-1", now=NOW)
    claims.refuse_claim(db, mgr, b.id, now=NOW)
    claims.approve_claim(db, mgr, c.id, now=NOW)

    f = fund.fund(db, ids["plan"])
    assert (f.premiums_fen, f.premiums_due_fen) == (36_000, 42_000)
    assert (f.paid_fen, f.paid_count, f.approved_fen, f.approved_count) == (8000, 1, 56_000, 1)
    assert f.balance_fen == 28_000 and f.payout_rate == Decimal("22.22")
    with db.read() as s:                                 # the same figures straight from the tables
        assert f.premiums_fen == s.scalar(select(func.sum(MaBatch.paid_fen)).where(MaBatch.paid_on.is_not(None)))
        assert f.premiums_fen == s.scalar(select(func.sum(MaEnrollment.premium_fen))
                                          .join(MaBatch, MaBatch.id == MaEnrollment.batch_id)
                                          .where(MaBatch.paid_on.is_not(None)))
        assert f.paid_fen == s.scalar(select(func.sum(MaClaim.benefit_fen)).where(MaClaim.state == "paid"))
    assert fund.fund(db, ids["plan"], as_of=date(2026, 12, 15)).paid_fen == 0
    none = fund.fund(db, ids["empty"])
    assert (none.premiums_fen, none.payout_rate) == (0, None)
    assert [r.code for r in fund.funds(db, 2026)] == ["YL", "ZY"] and fund.funds(db, 2025) == []
