"""ORM models of the hardship-assistance ledger 困难职工帮扶 (migration 0007; DESIGN §4).

Imported by the last line of ``app.db.models`` (same ``Base``). Codes in the ``String`` columns are
the enums of ``app.domain.hardship``; money is integer fen; dates are ``Date``. The indexes are those
the windowed lists read by (file list and assistance list: first page, filter, last row).
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base

__all__ = ["HardshipAllocation", "HardshipCampaign", "HardshipCategoryChange", "HardshipFile",
           "HardshipFund", "HardshipMaterial", "HardshipMember", "HardshipPayment", "HardshipReview",
           "HardshipSheet", "HardshipStep"]


class HardshipFund(Base):
    """A fund source 资金来源 (上级拨款, 本级经费, 社会捐助, 财政专项 … an editable list). Its balance is
    never stored: 拨入 − 支出 from the two tables below (``app.domain.ledger``)."""
    __tablename__ = "hardship_funds"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    sort: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)


class HardshipAllocation(Base):
    """Money into a fund 拨入, with the document that granted it."""
    __tablename__ = "hardship_allocations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fund_id: Mapped[int] = mapped_column(ForeignKey("hardship_funds.id"))
    doc_no: Mapped[str] = mapped_column(String(60), default="")        # 文号
    allocated_on: Mapped[date] = mapped_column(Date)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (Index("ix_hardship_allocations_fund_on", "fund_id", "allocated_on"),)


class HardshipFile(Base):
    """A household's file 困难职工档案 (一户一档). ``state`` follows ``app.domain.workflow.FILE_WORKFLOW``;
    the income figures are monthly fen as last filed or reviewed; ``per_head_fen`` is rounded to the
    fen for lists (classification compares exactly)."""
    __tablename__ = "hardship_files"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_no: Mapped[str] = mapped_column(String(20), unique=True)        # K2026-000012
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))      # the applicant 申请人
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employers.id"))  # at filing
    state: Mapped[str] = mapped_column(String(14))
    category: Mapped[str | None] = mapped_column(String(10))             # confirmed 困难类别
    proposed_category: Mapped[str | None] = mapped_column(String(10))    # from the numbers
    category_formula: Mapped[str] = mapped_column(Text, default="")      # the Chinese line shown
    category_override_reason: Mapped[str] = mapped_column(Text, default="")
    main_cause: Mapped[str] = mapped_column(String(16))
    secondary_causes: Mapped[str] = mapped_column(String(80), default="")  # ",a,b," (≤ 3 codes)
    household_size: Mapped[int] = mapped_column(Integer, default=1)      # applicant + members
    applicant_income_fen: Mapped[int] = mapped_column(BigInteger, default=0)   # monthly
    other_income_fen: Mapped[int] = mapped_column(BigInteger, default=0)       # monthly, 其他收入
    household_income_fen: Mapped[int] = mapped_column(BigInteger, default=0)   # monthly total
    rigid_annual_fen: Mapped[int] = mapped_column(BigInteger, default=0)       # 刚性支出 a year
    per_head_fen: Mapped[int] = mapped_column(BigInteger, default=0)           # monthly
    accident_cost_fen: Mapped[int] = mapped_column(BigInteger, default=0)      # one event's cost
    accident_note: Mapped[str] = mapped_column(Text, default="")
    above_line_since: Mapped[date | None] = mapped_column(Date)          # per head above 低保 since
    bank_name: Mapped[str] = mapped_column(String(60), default="")
    bank_account: Mapped[str] = mapped_column(String(40), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    applied_on: Mapped[date] = mapped_column(Date)
    investigated_on: Mapped[date | None] = mapped_column(Date)
    investigators: Mapped[str] = mapped_column(String(100), default="")
    publicity_start: Mapped[date | None] = mapped_column(Date)
    publicity_end: Mapped[date | None] = mapped_column(Date)
    publicity_objection: Mapped[str] = mapped_column(Text, default="")
    publicity_result: Mapped[str] = mapped_column(Text, default="")
    filed_on: Mapped[date | None] = mapped_column(Date)                  # 审批建档
    approved_by: Mapped[int | None] = mapped_column(Integer)
    review_due: Mapped[date | None] = mapped_column(Date)
    last_reviewed_on: Mapped[date | None] = mapped_column(Date)
    returned_reason: Mapped[str] = mapped_column(Text, default="")       # last send-back
    closed_on: Mapped[date | None] = mapped_column(Date)
    closure_reason: Mapped[str | None] = mapped_column(String(12))
    closure_note: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (
        Index("ix_hardship_files_person", "person_id", "state"),
        Index("ix_hardship_files_state", "state", "id"),
        Index("ix_hardship_files_category", "category", "id"),
        Index("ix_hardship_files_cause", "main_cause", "id"),
        Index("ix_hardship_files_employer", "employer_id", "id"),
        Index("ix_hardship_files_review_due", "review_due", "id"),
        Index("ix_hardship_files_applied", "applied_on", "id"),
        Index("ix_hardship_files_above_line", "above_line_since"),
    )


class HardshipMember(Base):
    """A family member of a file's household (the applicant is the file's ``person_id``, not here)."""
    __tablename__ = "hardship_members"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("hardship_files.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(50))
    relation: Mapped[str] = mapped_column(String(12))
    id_number: Mapped[str | None] = mapped_column(String(18))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    monthly_income_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    health: Mapped[str] = mapped_column(String(12), default="")
    medical_insurance: Mapped[str] = mapped_column(String(12), default="")
    work_status: Mapped[str] = mapped_column(String(12), default="")
    schooling: Mapped[str] = mapped_column(String(12), default="")

    __table_args__ = (
        Index("ix_hardship_members_file", "file_id", "seq"),
        Index("ix_hardship_members_id_number", "id_number"),
        Index("ix_hardship_members_person", "person_id"),
    )


class HardshipStep(Base):
    """The file's procedure timeline: each step, who and when, its result and reason."""
    __tablename__ = "hardship_steps"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("hardship_files.id", ondelete="CASCADE"))
    step: Mapped[str] = mapped_column(String(16))
    on: Mapped[date] = mapped_column(Date)                             # the day it concerns
    at: Mapped[datetime] = mapped_column(DateTime)
    user_id: Mapped[int | None] = mapped_column(Integer)
    username: Mapped[str] = mapped_column(String(40))
    state_before: Mapped[str | None] = mapped_column(String(14))
    state_after: Mapped[str] = mapped_column(String(14))
    result: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[str] = mapped_column(Text, default="{}")            # JSON

    __table_args__ = (Index("ix_hardship_steps_file", "file_id", "id"),)


class HardshipReview(Base):
    """复核: the household's numbers again, the decision and the next review due."""
    __tablename__ = "hardship_reviews"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("hardship_files.id", ondelete="CASCADE"))
    reviewed_on: Mapped[date] = mapped_column(Date)
    reviewer: Mapped[str] = mapped_column(String(60))
    household_income_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    rigid_annual_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    household_size: Mapped[int] = mapped_column(Integer, default=1)
    per_head_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    decision: Mapped[str] = mapped_column(String(12))
    category_before: Mapped[str | None] = mapped_column(String(10))
    category_after: Mapped[str | None] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(Text, default="")
    next_due: Mapped[date | None] = mapped_column(Date)
    created_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (Index("ix_hardship_reviews_file", "file_id", "reviewed_on"),)


class HardshipCategoryChange(Base):
    """A change of a file's 困难类别 (by a review or on its own), with its reason."""
    __tablename__ = "hardship_category_changes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("hardship_files.id", ondelete="CASCADE"))
    changed_on: Mapped[date] = mapped_column(Date)
    category_before: Mapped[str | None] = mapped_column(String(10))
    category_after: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(Text, default="")
    review_id: Mapped[int | None] = mapped_column(ForeignKey("hardship_reviews.id"))
    user_id: Mapped[int | None] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (Index("ix_hardship_category_changes_file", "file_id", "changed_on"),)


class HardshipMaterial(Base):
    """A material 材料 of a file (申请书, 收入证明 …), stored like attachments under its SHA-256."""
    __tablename__ = "hardship_materials"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("hardship_files.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    sha256: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(Integer)
    added_by: Mapped[int | None] = mapped_column(Integer)
    added_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (Index("ix_hardship_materials_file", "file_id", "id"),)


class HardshipCampaign(Base):
    """送温暖 / 金秋助学 for a year: one fund, an amount per household or per school level."""
    __tablename__ = "hardship_campaigns"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    year: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(100))
    fund_id: Mapped[int] = mapped_column(ForeignKey("hardship_funds.id"))
    amount_fen: Mapped[int | None] = mapped_column(BigInteger)           # per household
    level_amounts: Mapped[str] = mapped_column(Text, default="{}")       # JSON {school level: fen}
    assist_on: Mapped[date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(12))
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    approved_by: Mapped[int | None] = mapped_column(Integer)
    approved_at: Mapped[datetime | None] = mapped_column(DateTime)

    __table_args__ = (Index("ix_hardship_campaigns_year", "year", "kind"),)


class HardshipSheet(Base):
    """A sign-for sheet 签领表 as printed: one 帮扶项目 × one fund. ``snapshot`` is the JSON of exactly
    what was printed, so a reprint is identical."""
    __tablename__ = "hardship_sheets"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sheet_no: Mapped[str] = mapped_column(String(30), unique=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("hardship_campaigns.id"))
    kind: Mapped[str] = mapped_column(String(12))
    fund_id: Mapped[int] = mapped_column(ForeignKey("hardship_funds.id"))
    title: Mapped[str] = mapped_column(String(100))
    sheet_on: Mapped[date] = mapped_column(Date)
    count: Mapped[int] = mapped_column(Integer, default=0)
    total_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    snapshot: Mapped[str] = mapped_column(Text)                          # JSON
    created_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (Index("ix_hardship_sheets_campaign", "campaign_id"),)


class HardshipPayment(Base):
    """An assistance record 帮扶记录: proposed → approved (or refused, keeping the reason) → paid.
    ``file_id`` is None only for 临时救助 without a file; ``sheet_id`` puts it on at most one 签领表;
    ``case_id`` links a case's 经济帮扶 measure (the case event names the payment too)."""
    __tablename__ = "hardship_payments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    goods: Mapped[str] = mapped_column(String(200), default="")          # 物资
    goods_value_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    fund_id: Mapped[int] = mapped_column(ForeignKey("hardship_funds.id"))
    assist_on: Mapped[date] = mapped_column(Date)                        # 帮扶日期
    file_id: Mapped[int | None] = mapped_column(ForeignKey("hardship_files.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))      # the recipient
    state: Mapped[str] = mapped_column(String(10))
    note: Mapped[str] = mapped_column(Text, default="")
    proposed_by: Mapped[int | None] = mapped_column(Integer)
    proposed_at: Mapped[datetime] = mapped_column(DateTime)
    decided_by: Mapped[int | None] = mapped_column(Integer)              # approver / refuser
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    refusal_reason: Mapped[str] = mapped_column(Text, default="")
    paid_on: Mapped[date | None] = mapped_column(Date)
    pay_method: Mapped[str | None] = mapped_column(String(8))
    voucher_no: Mapped[str] = mapped_column(String(40), default="")
    paid_by: Mapped[int | None] = mapped_column(Integer)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("hardship_campaigns.id"))
    sheet_id: Mapped[int | None] = mapped_column(ForeignKey("hardship_sheets.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    student_name: Mapped[str] = mapped_column(String(50), default="")     # 金秋助学
    student_id_number: Mapped[str | None] = mapped_column(String(18))
    school_level: Mapped[str | None] = mapped_column(String(12))
    override_reason: Mapped[str] = mapped_column(Text, default="")       # manager's override
    warning_acknowledged: Mapped[str] = mapped_column(Text, default="")  # the warning accepted

    __table_args__ = (
        Index("ix_hardship_payments_assist_on", "assist_on", "id"),
        Index("ix_hardship_payments_state", "state", "assist_on", "id"),
        Index("ix_hardship_payments_kind", "kind", "assist_on", "id"),
        Index("ix_hardship_payments_fund", "fund_id", "assist_on", "id"),
        Index("ix_hardship_payments_fund_paid", "fund_id", "paid_on"),
        # T4 帮扶: the records paid in a period (with their fund and amounts: the fund ledger's
        # 支出 from the index alone), and each household's earlier ones (migration 0009)
        Index("ix_hardship_payments_state_paid", "state", "paid_on", "fund_id", "amount_fen",
              "goods_value_fen"),
        Index("ix_hardship_payments_file_paid", "file_id", "paid_on", "state"),
        Index("ix_hardship_payments_person_paid", "person_id", "file_id", "paid_on", "state"),
        Index("ix_hardship_payments_file", "file_id", "kind", "assist_on"),
        Index("ix_hardship_payments_person", "person_id", "kind", "assist_on"),
        Index("ix_hardship_payments_campaign", "campaign_id", "student_id_number"),
        Index("ix_hardship_payments_sheet", "sheet_id"),
        Index("ix_hardship_payments_case", "case_id"),
    )
