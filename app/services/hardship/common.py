"""What the hardship services share: the office's rules read in the caller's session, field parsing
into one ``Collector``, snapshots for the audit trail, lookups that raise ``NotFound``.

Internal to app/services/hardship/ (the GUI calls files, payments, funds and lists)."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import Person
from app.db.models_hardship import HardshipFile, HardshipFund, HardshipPayment
from app.domain.calendar import WorkCalendar
from app.domain.dates import parse_date
from app.domain.errors import Collector, NotFound, ValidationError
from app.domain.hardship import SETTING_PREFIX, HardshipRules
from app.domain.validation import check_text

from .. import settings as office_settings
from ..calendar import _load as _load_calendar
from ..petitions.case_records import _parse_fen
from ..petitions.fields import _enum

__all__ = ["rules", "calendar", "enum", "fen", "text", "day", "snapshot", "diff", "get_file",
           "get_payment", "get_fund", "get_person"]


def rules(s: Session) -> HardshipRules:
    """The office's ``hardship.*`` settings, read in the caller's session."""
    return HardshipRules.from_settings(office_settings.load(s, SETTING_PREFIX))


def calendar(s: Session, first: date, last: date) -> WorkCalendar:
    return _load_calendar(s, first.year, last.year + 1)


def enum(errors: Collector, cls, value: Any, field: str, required: bool = True):
    """A member from itself, its code or its label (full- or half-width brackets); errors named."""
    return _enum(errors, cls, value, field, required)


def fen(errors: Collector, value: Any, field: str, *, allow_zero: bool = True) -> int | None:
    """int → fen as given; str / Decimal → yuan text (「1,234.50」); blank → 0 when allowed.
    Negative amounts and fractions of a fen are refused, naming ``field``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if allow_zero:
            return 0
        errors.add(field, "不能为空，请填写金额（元）")
        return None
    return _parse_fen(value, errors, field, allow_zero=allow_zero)


def text(errors: Collector, value: Any, field: str, max_len: int, required: bool = False) -> str:
    try:
        return check_text(value, field, max_len, required=required)
    except ValidationError as e:
        errors.errors.extend(e.errors)
        return ""


def day(errors: Collector, value: Any, field: str, default: date | None = None,
        required: bool = True) -> date | None:
    """A date from a date or text (2026-12-16, 2026年12月16日); blank → ``default`` (or an error)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if default is None and required:
            errors.add(field, f"请填写{field}")
        return default
    try:
        return parse_date(value, field)
    except ValidationError as e:
        errors.errors.extend(e.errors)
        return None


def not_after(errors: Collector, value: date | None, today: date, field: str) -> None:
    if value is not None and value > today:
        errors.add(field, f"{field}不能晚于今天（填写的是 {value:%Y-%m-%d}，今天是 {today:%Y-%m-%d}），请核对")


def snapshot(row: Any, names: Iterable[str]) -> dict[str, Any]:
    return {n: getattr(row, n) for n in names}


def diff(before: dict, after: dict) -> tuple[dict, dict]:
    keys = [k for k in after if before.get(k) != after[k]]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def get_file(s: Session, file_id: int, *, lock: bool = False) -> HardshipFile:
    q = select(HardshipFile).where(HardshipFile.id == file_id)
    row = s.execute(q.with_for_update() if lock else q).scalar_one_or_none()
    if row is None:
        raise NotFound(f"找不到编号为 {file_id} 的困难职工档案，请刷新列表", "hardship file not found")
    return row


def get_payment(s: Session, payment_id: int) -> HardshipPayment:
    row = s.get(HardshipPayment, payment_id)
    if row is None:
        raise NotFound(f"找不到编号为 {payment_id} 的帮扶记录，请刷新列表", "payment not found")
    return row


def get_fund(s: Session, fund_id: int, *, lock: bool = False) -> HardshipFund:
    """The fund; ``lock``: its row locked for this transaction (PostgreSQL ``FOR UPDATE``; on
    SQLite the write transaction's ``BEGIN IMMEDIATE`` already holds the database)."""
    q = select(HardshipFund).where(HardshipFund.id == fund_id)
    row = s.execute(q.with_for_update() if lock else q).scalar_one_or_none()
    if row is None:
        raise NotFound(f"找不到编号为 {fund_id} 的资金来源，请刷新后重新选择", "fund not found")
    return row


def get_person(s: Session, person_id: int, field: str = "申请人") -> Person:
    row = s.get(Person, person_id)
    if row is None:
        raise NotFound(f"{field}：找不到编号为 {person_id} 的人员，请从人员库重新选择", "person not found")
    return row


# What a payment takes from its fund and from the household's yearly cap: the cash amount plus the
# value of the goods (物资) handed out with it.
PAYMENT_TOTAL = HardshipPayment.amount_fen + HardshipPayment.goods_value_fen
