"""ORM models of the mutual-aid ledger 职工互助保障 (migration 0008; DESIGN §4 "Mutual aid").

Plans per year with their rule, enrollment batches (one employer union's roster and premium for one
plan), each member's enrollment (cover), claims with the computed benefit, and the documents of a
claim. Money is integer fen; a ratio is basis points. The rule columns are read into
``app.domain.mutual_aid.PlanRule`` by ``app.services.mutual_aid.plans``; the domain validates them.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (BigInteger, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class MaPlan(Base):
    """A 互助计划 of one year: code unique within the year (the same code next year is its renewal)."""
    __tablename__ = "ma_plans"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(10))                       # PlanKind
    premium_fen: Mapped[int] = mapped_column(Integer)                   # per 份
    max_shares: Mapped[int] = mapped_column(Integer, default=1)
    term_start: Mapped[date] = mapped_column(Date)
    term_end: Mapped[date] = mapped_column(Date)
    # eligibility: 周岁 ranges by gender (NULL: that gender may not join), union members only
    male_min_age: Mapped[int | None] = mapped_column(Integer)
    male_max_age: Mapped[int | None] = mapped_column(Integer)
    female_min_age: Mapped[int | None] = mapped_column(Integer)
    female_max_age: Mapped[int | None] = mapped_column(Integer)
    members_only: Mapped[bool] = mapped_column(Boolean, default=True)
    waiting_days: Mapped[int] = mapped_column(Integer, default=0)       # 观察期, first enrolment only
    renewal_grace_days: Mapped[int] = mapped_column(Integer, default=30)
    # the rule's parameters (those of other kinds stay at their defaults)
    deductible_days: Mapped[int] = mapped_column(Integer, default=0)    # daily: 免赔天数
    daily_fen: Mapped[int] = mapped_column(Integer, default=0)          # daily: per day per 份
    stay_day_cap: Mapped[int | None] = mapped_column(Integer)           # daily: paid days per stay
    readmission_days: Mapped[int] = mapped_column(Integer, default=30)  # daily: same cause → one stay
    tiers: Mapped[str] = mapped_column(Text, default="[]")              # lump: JSON [{name, sum_fen}]
    threshold_fen: Mapped[int] = mapped_column(Integer, default=0)      # reimburse: 起付
    ratio_bp: Mapped[int] = mapped_column(Integer, default=10_000)      # reimburse: 8000 = 80%
    term_cap_fen: Mapped[int | None] = mapped_column(BigInteger)        # per 份 per term
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (UniqueConstraint("year", "code"),
                      Index("ix_ma_plans_code", "code", "year"))


class MaBatch(Base):
    """One employer union's enrollment in one plan (a roster imported once): its premium total and
    the payment that starts its members' cover (the day after ``paid_on``)."""
    __tablename__ = "ma_batches"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("ma_plans.id"))
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"))
    members: Mapped[int] = mapped_column(Integer, default=0)
    shares: Mapped[int] = mapped_column(Integer, default=0)
    premium_fen: Mapped[int] = mapped_column(BigInteger, default=0)     # total due
    paid_fen: Mapped[int] = mapped_column(BigInteger, default=0)        # received
    paid_on: Mapped[date | None] = mapped_column(Date)
    payment_ref: Mapped[str] = mapped_column(String(60), default="")    # voucher / bank record
    source_file: Mapped[str] = mapped_column(String(255), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (Index("ix_ma_batches_plan_employer", "plan_id", "employer_id"),
                      Index("ix_ma_batches_employer", "employer_id", "plan_id"))


class MaEnrollment(Base):
    """A member's cover in one plan-year: 份, new or renewal, cover start and waiting-period end
    (set when the batch's premium is paid; see ``app.domain.mutual_aid.cover_dates``)."""
    __tablename__ = "ma_enrollments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("ma_plans.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    batch_id: Mapped[int] = mapped_column(ForeignKey("ma_batches.id"))
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"))  # the batch's, for filters
    shares: Mapped[int] = mapped_column(Integer, default=1)
    renewal: Mapped[bool] = mapped_column(Boolean, default=False)       # 续保 row of the roster
    premium_fen: Mapped[int] = mapped_column(Integer, default=0)        # shares × premium per 份
    cover_start: Mapped[date | None] = mapped_column(Date)              # None until paid
    waiting_end: Mapped[date | None] = mapped_column(Date)              # last day still refused
    eligible: Mapped[bool] = mapped_column(Boolean, default=True)
    ineligible_reason: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (UniqueConstraint("plan_id", "person_id"),
                      Index("ix_ma_enrollments_person", "person_id", "plan_id"),   # member lookup
                      Index("ix_ma_enrollments_plan_id", "plan_id", "id"),         # member list
                      Index("ix_ma_enrollments_employer", "employer_id", "plan_id", "id"),
                      Index("ix_ma_enrollments_batch", "batch_id"))


class MaClaim(Base):
    """A claim 申请: the event, the amounts, the benefit computed by the plan's rule with its line,
    then approved / refused (coded reason) by a manager, then paid (date, voucher)."""
    __tablename__ = "ma_claims"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_no: Mapped[str] = mapped_column(String(20), unique=True)     # HZ2026-000123
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("ma_enrollments.id"))
    plan_id: Mapped[int] = mapped_column(ForeignKey("ma_plans.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id"))
    received_on: Mapped[date] = mapped_column(Date)
    event_date: Mapped[date] = mapped_column(Date)                     # admission / diagnosis / event
    until_date: Mapped[date | None] = mapped_column(Date)              # discharge
    tier: Mapped[str] = mapped_column(String(60), default="")          # lump: diagnosis tier
    cause: Mapped[str] = mapped_column(String(200), default="")        # diagnosis (readmission rule)
    hospital: Mapped[str] = mapped_column(String(100), default="")
    claimed_fen: Mapped[int | None] = mapped_column(BigInteger)        # total bill
    out_of_pocket_fen: Mapped[int | None] = mapped_column(BigInteger)  # member's own part
    benefit_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    explanation: Mapped[str] = mapped_column(String(400), default="")
    stay_days: Mapped[int | None] = mapped_column(Integer)             # joined stay, daily plans
    paid_days: Mapped[int | None] = mapped_column(Integer)             # days this claim pays
    stay_paid_days: Mapped[int | None] = mapped_column(Integer)        # days paid for the joined stay
    state: Mapped[str] = mapped_column(String(10))                     # ClaimState
    refusal: Mapped[str | None] = mapped_column(String(20))            # Refusal (computed or given)
    decision_note: Mapped[str] = mapped_column(Text, default="")
    entered_by: Mapped[int | None] = mapped_column(Integer)
    decided_by: Mapped[int | None] = mapped_column(Integer)
    decided_on: Mapped[date | None] = mapped_column(Date)
    paid_on: Mapped[date | None] = mapped_column(Date)
    voucher: Mapped[str] = mapped_column(String(40), default="")
    paid_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (
        Index("ix_ma_claims_received", "received_on", "id"),
        Index("ix_ma_claims_state", "state", "received_on", "id"),
        Index("ix_ma_claims_plan", "plan_id", "received_on", "id"),
        Index("ix_ma_claims_employer", "employer_id", "received_on", "id"),
        Index("ix_ma_claims_refusal", "refusal", "received_on", "id"),
        Index("ix_ma_claims_enrollment", "enrollment_id", "event_date"),   # the term's history
        Index("ix_ma_claims_person", "person_id", "received_on"),
        Index("ix_ma_claims_paid", "paid_on", "id"),
    )


class MaClaimDocument(Base):
    """A scanned document of a claim (诊断证明, 出院小结, 费用清单…), stored like every attachment
    under its SHA-256 (app.services.attachments)."""
    __tablename__ = "ma_claim_documents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("ma_claims.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(Integer)
    added_by: Mapped[int | None] = mapped_column(Integer)
    added_at: Mapped[datetime] = mapped_column(DateTime)
