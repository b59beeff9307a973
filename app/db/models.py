"""ORM models. Services use them inside one Session and return plain dataclasses; nothing else
imports this module. Every schema change here comes with a migration in ``migrations/versions``
(a test compares the two)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (BigInteger, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint, text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import NAMING, Base  # noqa: F401  - re-exported: the ledgers' models use the same Base


class SettingRow(Base):
    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text)  # JSON


class Counter(Base):
    """Gap-free numbering (registration numbers, document numbers): one row per name and year,
    incremented inside the transaction that uses the number."""
    __tablename__ = "counters"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    display_name: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_count: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)


class AuditLog(Base):
    """Append-only; each row's ``hash`` covers its content and the previous row's hash."""
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    user_id: Mapped[int | None] = mapped_column(Integer)
    username: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(40))
    before: Mapped[str | None] = mapped_column(Text)  # JSON
    after: Mapped[str | None] = mapped_column(Text)   # JSON
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_id"),)


class AuditHead(Base):
    """The newest audit row's id and hash, so that deleting the last rows is detected too."""
    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always 1
    last_id: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))


class CalendarDay(Base):
    """Days that differ from the Monday–Friday rule: statutory holidays and make-up workdays."""
    __tablename__ = "calendar_days"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # DayKind
    name: Mapped[str] = mapped_column(String(40), default="")
    source: Mapped[str] = mapped_column(String(10), default="seed")  # seed | import | manual


class Employer(Base):
    __tablename__ = "employers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    uscc: Mapped[str | None] = mapped_column(String(18), unique=True)
    industry: Mapped[str] = mapped_column(String(40), default="")
    street: Mapped[str] = mapped_column(String(40), default="")
    has_union: Mapped[bool] = mapped_column(Boolean, default=False)
    address: Mapped[str] = mapped_column(String(200), default="")
    contact: Mapped[str] = mapped_column(String(40), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    initials: Mapped[str] = mapped_column(String(100), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class EmployerInitials(Base):
    """The pinyin initials of an employer's name from each character after the first (up to
    ``pinyin.SUFFIX_LENGTH`` letters), so that 「zxwy」 finds 北京市中兴物业服务有限公司 by an index
    range like a prefix does. Derived from ``employers.initials``; written with it."""
    __tablename__ = "employer_initials"
    suffix: Mapped[str] = mapped_column(String(12), primary_key=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id", ondelete="CASCADE"),
                                             primary_key=True)

    __table_args__ = {"sqlite_with_rowid": False}     # the primary key is the table: half the size


class Person(Base):
    __tablename__ = "people"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(50), index=True)
    initials: Mapped[str] = mapped_column(String(50), index=True)
    gender: Mapped[str | None] = mapped_column(String(1))
    id_number: Mapped[str | None] = mapped_column(String(18), unique=True)
    birth_date: Mapped[date | None] = mapped_column(Date)
    phone: Mapped[str | None] = mapped_column(String(30), index=True)
    hukou_place: Mapped[str] = mapped_column(String(100), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employers.id"), index=True)
    is_migrant: Mapped[bool] = mapped_column(Boolean, default=False)
    is_model_worker: Mapped[bool] = mapped_column(Boolean, default=False)
    is_member: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)

    employer: Mapped[Employer | None] = relationship(lazy="raise")


# ---- petition desk (migration 0002) ---------------------------------------------------------

class OutreachEvent(Base):
    """An on-site event (「工情直通车」…): problems raised there are registrations linked to it."""
    __tablename__ = "outreach_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    theme: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date] = mapped_column(Date, index=True)
    place: Mapped[str] = mapped_column(String(200), default="")
    departments: Mapped[str] = mapped_column(String(500), default="")   # departments invited
    units_present: Mapped[str] = mapped_column(Text, default="")        # units present
    workers_present: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Registration(Base):
    """One contact (登记): a letter, call, visit, online message… and what was done with it."""
    __tablename__ = "registrations"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reg_no: Mapped[str] = mapped_column(String(20), unique=True)          # 2026-000123
    channel: Mapped[str] = mapped_column(String(12))
    received_at: Mapped[datetime] = mapped_column(DateTime)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    head_count: Mapped[int] = mapped_column(Integer, default=1)
    is_group: Mapped[bool] = mapped_column(Boolean, default=False)        # 集体访 (≥ group size)
    representatives: Mapped[str] = mapped_column(Text, default="[]")      # JSON list
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employers.id"))
    category: Mapped[str] = mapped_column(String(12))
    summary: Mapped[str] = mapped_column(String(500))                    # 事项摘要
    request: Mapped[str] = mapped_column(Text, default="")               # 诉求
    facts: Mapped[str] = mapped_column(Text, default="")                 # 事实和理由
    disposition: Mapped[str] = mapped_column(String(14))
    answer: Mapped[str] = mapped_column(Text, default="")                # 当场答复 content
    reject_reason: Mapped[str | None] = mapped_column(String(20))
    redirect_to: Mapped[str] = mapped_column(String(200), default="")    # where to go instead
    transfer_to: Mapped[str] = mapped_column(String(200), default="")    # body transferred to
    transfer_reason: Mapped[str] = mapped_column(Text, default="")
    repeat_of_case_id: Mapped[int | None] = mapped_column(Integer)       # cases.id (no FK: cycle)
    earlier_documents: Mapped[str] = mapped_column(Text, default="")     # 不再受理: earlier docs
    outreach_event_id: Mapped[int | None] = mapped_column(ForeignKey("outreach_events.id"))
    solved_on_site: Mapped[bool] = mapped_column(Boolean, default=False)
    leader_reception: Mapped[bool] = mapped_column(Boolean, default=False)  # 领导接待日
    leader_name: Mapped[str] = mapped_column(String(40), default="")
    created_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (
        Index("ix_registrations_received", "received_at", "id"),
        Index("ix_registrations_channel", "channel", "received_at"),
        Index("ix_registrations_category", "category", "received_at"),
        Index("ix_registrations_disposition", "disposition", "received_at"),
        Index("ix_registrations_person", "person_id", "received_at"),
        Index("ix_registrations_employer", "employer_id", "received_at"),
        Index("ix_registrations_repeat_of", "repeat_of_case_id"),
        Index("ix_registrations_outreach", "outreach_event_id"),
        Index("ix_registrations_group", "is_group", "received_at"),            # lists: 集体访
        Index("ix_registrations_leader", "leader_reception", "received_at"),   # lists: 领导接待日
    )


class RegistrationIssue(Base):
    """Issue types of a registration (one or more)."""
    __tablename__ = "registration_issues"
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"),
                                                 primary_key=True)
    issue_type: Mapped[str] = mapped_column(String(20), primary_key=True)

    __table_args__ = (Index("ix_registration_issues_type", "issue_type", "registration_id"),)


class Attachment(Base):
    """A scanned letter or photo, stored in the data folder under its SHA-256."""
    __tablename__ = "attachments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(255))
    size: Mapped[int] = mapped_column(Integer)
    added_by: Mapped[int | None] = mapped_column(Integer)
    added_at: Mapped[datetime] = mapped_column(DateTime)


class Case(Base):
    """An accepted registration being handled. Due dates are stored (computed from the working
    calendar by ``app.domain.case_clock``) so lists can filter by deadline state with an index."""
    __tablename__ = "cases"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_no: Mapped[str] = mapped_column(String(20), unique=True)         # C2026-000045
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id"), unique=True)
    status: Mapped[str] = mapped_column(String(14))
    category: Mapped[str] = mapped_column(String(12))
    accepted_on: Mapped[date] = mapped_column(Date)
    notice_due: Mapped[date] = mapped_column(Date)                       # written acceptance notice
    notice_delivered_on: Mapped[date | None] = mapped_column(Date)
    due_date: Mapped[date | None] = mapped_column(Date)                  # None while suspended
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assignee_kind: Mapped[str | None] = mapped_column(String(12))
    assignee_name: Mapped[str] = mapped_column(String(100), default="")
    feedback_due: Mapped[date | None] = mapped_column(Date)
    extension_status: Mapped[str | None] = mapped_column(String(10))     # requested/approved/rejected
    extension_reason: Mapped[str] = mapped_column(Text, default="")
    extension_requested_by: Mapped[int | None] = mapped_column(Integer)
    extension_decided_by: Mapped[int | None] = mapped_column(Integer)
    extended: Mapped[bool] = mapped_column(Boolean, default=False)
    suspended: Mapped[bool] = mapped_column(Boolean, default=False)
    supervised: Mapped[bool] = mapped_column(Boolean, default=False)     # 督办
    focus: Mapped[bool] = mapped_column(Boolean, default=False)          # 重点关注
    leader_in_charge: Mapped[str] = mapped_column(String(40), default="")  # 包案领导
    concluded_on: Mapped[date | None] = mapped_column(Date)
    on_time: Mapped[bool | None] = mapped_column(Boolean)
    outcome: Mapped[str | None] = mapped_column(String(14))
    outcome_text: Mapped[str] = mapped_column(Text, default="")
    recovered_fen: Mapped[int] = mapped_column(BigInteger, default=0)    # 追回金额, in fen
    workers_benefited: Mapped[int] = mapped_column(Integer, default=0)
    followup_result: Mapped[str | None] = mapped_column(String(14))
    followup_on: Mapped[date | None] = mapped_column(Date)
    followup_note: Mapped[str] = mapped_column(Text, default="")
    archived_on: Mapped[date | None] = mapped_column(Date)
    reopened_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (
        Index("ix_cases_status_due", "status", "due_date"),
        Index("ix_cases_handler_status", "handler_id", "status"),
        Index("ix_cases_due", "due_date"),
        Index("ix_cases_concluded", "concluded_on"),
        Index("ix_cases_accepted", "accepted_on", "id"),       # lists: period, sort by 受理日期
        Index("ix_cases_supervised", "supervised", "id"),      # lists: 督办
        Index("ix_cases_focus", "focus", "id"),                # lists: 重点关注
        Index("ix_cases_extension", "extension_status", "id"),  # workbench: 延期待审批
        Index("ix_cases_focus_due", "focus", "due_date", "id"),            # 重点关注 by due date
        Index("ix_cases_supervised_due", "supervised", "due_date", "id"),  # 督办 by due date
        Index("ix_cases_status_category", "status", "category", "due_date"),  # 诉求类别 + 未办结
        # workbench and lists: 告知书未送达 (few rows: the acceptance notices not yet delivered)
        Index("ix_cases_notice_pending", "accepted_on", "id",
              sqlite_where=text("notice_delivered_on IS NULL"),
              postgresql_where=text("notice_delivered_on IS NULL")),
    )


class CaseEvent(Base):
    """The case timeline: every step, note and measure, who and when."""
    __tablename__ = "case_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    at: Mapped[datetime] = mapped_column(DateTime)
    user_id: Mapped[int | None] = mapped_column(Integer)
    username: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(24))
    text: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[str] = mapped_column(Text, default="{}")              # JSON

    # a case's events of some kinds by a date, from the index alone (the statistics' state as of
    # the report date: 交办, 延期, 办结/重新办理, 反馈 — migration 0009)
    __table_args__ = (Index("ix_case_events_case_kind_at", "case_id", "kind", "at"),)


class CaseSuspension(Base):
    """A period in which the case's clock stood still (听证, 鉴定)."""
    __tablename__ = "case_suspensions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    start: Mapped[date] = mapped_column(Date)
    resumed: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(12))
    note: Mapped[str] = mapped_column(Text, default="")


class HotspotWarning(Base):
    """预警: ≥3 registrations about one employer within 7 days, or a group visit; shown on the
    workbench until a manager acknowledges it."""
    __tablename__ = "hotspot_warnings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employers.id"))
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registrations.id"))
    count: Mapped[int] = mapped_column(Integer, default=1)
    first_at: Mapped[datetime] = mapped_column(DateTime)
    last_at: Mapped[datetime] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    acknowledged_by: Mapped[int | None] = mapped_column(Integer)
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime)
    note: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (Index("ix_hotspot_open", "acknowledged_at", "kind", "employer_id"),)


class Draft(Base):
    """A half-typed form, kept per user so it survives closing the window or a crash."""
    __tablename__ = "drafts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer)
    form: Mapped[str] = mapped_column(String(40))
    payload: Mapped[str] = mapped_column(Text)                           # JSON
    updated_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (UniqueConstraint("user_id", "form"),)


class SavedFilter(Base):
    """A named list filter of one user; dates may be relative (本月, 本季度, 近30天)."""
    __tablename__ = "saved_filters"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer)
    list_name: Mapped[str] = mapped_column(String(20))                   # registrations | cases
    name: Mapped[str] = mapped_column(String(40))
    payload: Mapped[str] = mapped_column(Text)                           # JSON

    __table_args__ = (UniqueConstraint("user_id", "list_name", "name"),)


# ---- printed notices (migration 0003) -------------------------------------------------------

class Notice(Base):
    """An issued notice 告知书 (DESIGN §4). ``content`` is the JSON snapshot of exactly what was
    printed, so a reprint reproduces it; a voided notice keeps its number (never reused)."""
    __tablename__ = "notices"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    year: Mapped[int] = mapped_column(Integer)
    serial: Mapped[int | None] = mapped_column(Integer)                 # None: 登记表 (unnumbered)
    doc_no: Mapped[str] = mapped_column(String(40), default="")
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registrations.id"), index=True)
    issued_at: Mapped[datetime] = mapped_column(DateTime)
    issued_by: Mapped[int | None] = mapped_column(Integer)
    issued_by_name: Mapped[str] = mapped_column(String(40), default="")
    addressee: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(60))
    content: Mapped[str] = mapped_column(Text)                           # JSON snapshot
    voided_at: Mapped[datetime | None] = mapped_column(DateTime)
    voided_by: Mapped[int | None] = mapped_column(Integer)
    void_reason: Mapped[str] = mapped_column(Text, default="")
    delivery_method: Mapped[str | None] = mapped_column(String(10))
    delivered_on: Mapped[date | None] = mapped_column(Date)
    delivery_recipient: Mapped[str] = mapped_column(String(100), default="")

    __table_args__ = (UniqueConstraint("kind", "year", "serial"),
                      Index("ix_notices_issued", "issued_at", "id"))


from .models_hardship import *  # noqa: E402,F401,F403  - the hardship ledger (migration 0007)
from . import models_mutual_aid  # noqa: E402,F401  the mutual-aid ledger's tables (migration 0008)
