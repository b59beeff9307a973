"""The office's working calendar: statutory holidays and make-up workdays in ``calendar_days``,
seeded from ``chinesecalendar`` (2004–2026); later years are imported from CSV or entered by hand.

Reads return plain values (``WorkCalendar``, ``CalendarEntry``). Writes take an Actor, require
``Perm.EDIT_CALENDAR`` and write their audit row in the same ``db.write()`` transaction. Safe to call
from any thread (each call opens its own Session).
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import Database
from app.db.models import CalendarDay
from app.domain.actor import Actor
from app.domain.calendar import WorkCalendar, check_period, is_weekend
from app.domain.dates import parse_date
from app.domain.enums import DayKind, DeadlineUnit
from app.domain.errors import UserError, ValidationError
from app.domain.permissions import Perm

from . import audit
from .access import require

NAME_MAX = 40            # calendar_days.name
MAX_REPORTED_ROWS = 10   # bad CSV rows named in one error message
# Deadlines run at most 60 + 30 calendar days (DESIGN §4): within this many days of the year's end,
# the next year's holidays matter and their absence is shown in the banner.
NEXT_YEAR_HORIZON_DAYS = 92
WEEKDAYS_CN = "一二三四五六日"

KIND_SYNONYMS: dict[str, DayKind] = {
    "holiday": DayKind.HOLIDAY, "h": DayKind.HOLIDAY, "节假日": DayKind.HOLIDAY,
    "法定节假日": DayKind.HOLIDAY, "假日": DayKind.HOLIDAY, "假": DayKind.HOLIDAY,
    "休": DayKind.HOLIDAY, "休息": DayKind.HOLIDAY, "放假": DayKind.HOLIDAY,
    "workday": DayKind.WORKDAY, "w": DayKind.WORKDAY, "班": DayKind.WORKDAY,
    "上班": DayKind.WORKDAY, "补班": DayKind.WORKDAY, "调休": DayKind.WORKDAY,
    "调休上班": DayKind.WORKDAY, "工作日": DayKind.WORKDAY,
}
_HEADER_NAMES = ({"date", "日期"}, {"kind", "类型", "类别"}, {"name", "名称", "节日"})


@dataclass(frozen=True)
class CalendarEntry:
    day: date
    kind: DayKind
    name: str
    source: str  # seed | import | manual


# ---------------------------------------------------------------------------------------- reads

def _year_range(first_year: int, last_year: int) -> tuple[date, date]:
    return date(first_year, 1, 1), date(last_year, 12, 31)


def _load(session: Session, first_year: int, last_year: int) -> WorkCalendar:
    lo, hi = _year_range(first_year, last_year)
    rows = session.execute(select(CalendarDay.day, CalendarDay.kind)
                           .where(CalendarDay.day.between(lo, hi))).all()
    return WorkCalendar.from_entries((d, k) for d, k in rows)


def load(db: Database, first_year: int, last_year: int) -> WorkCalendar:
    """The calendar for ``first_year``..``last_year`` (one range query on the primary key).
    Days outside the range follow the weekend rule."""
    with db.read() as s:
        return _load(s, first_year, last_year)


def due_date(db: Database, start: date, days: int, unit: DeadlineUnit | str) -> date:
    """The due date of a period of ``days`` (working or calendar) days starting after ``start``.
    Loads enough years for the result; ValidationError for a period ``check_period`` refuses."""
    unit = DeadlineUnit(unit)
    check_period(start, days)
    # A first guess at the years involved: 5 working days per week plus generous holiday slack.
    span = days * 2 + 60 if unit is DeadlineUnit.WORKDAY else days + 60
    last = min(max(start.year + 2, (start + timedelta(days=span)).year), date.max.year)
    with db.read() as s:
        while True:
            cal = _load(s, start.year, last)
            due = cal.due_date(start, days, unit)
            # Only the days from start to due are used: correct once they all were loaded.
            if due.year <= last:
                return due
            last = due.year + 1


def years_without_data(db: Database, first_year: int, last_year: int) -> list[int]:
    """Years in the range that have no holiday entries (computed with the weekend rule)."""
    with db.read() as s:
        return _years_without_data(s, first_year, last_year)


def _years_without_data(session: Session, first_year: int, last_year: int) -> list[int]:
    """``years_without_data`` in the caller's session."""
    if last_year < first_year:
        first_year, last_year = last_year, first_year
    lo, hi = _year_range(first_year, last_year)
    days = session.execute(select(CalendarDay.day).where(CalendarDay.day.between(lo, hi),
                                                         CalendarDay.kind == DayKind.HOLIDAY.value)
                           ).scalars()
    have = {d.year for d in days}
    return [y for y in range(first_year, last_year + 1) if y not in have]


def reissue_message(years: list[int]) -> str:
    """The warning given when a notice is issued with a deadline counted over years without
    holiday data (the deadline may fall on, or count, a holiday as a working day)."""
    text = "、".join(str(y) for y in years)
    return (f"{text}年节假日数据未导入，文书上的期限按无节假日计算，可能有误。"
            f"请在「系统设置 → 节假日日历」导入{text}年数据后作废本文书并重新出具。")


def has_year(db: Database, year: int) -> bool:
    """True when ``year`` has at least one statutory holiday entered."""
    lo, hi = _year_range(year, year)
    with db.read() as s:
        return s.execute(select(CalendarDay.day).where(CalendarDay.day.between(lo, hi),
                                                       CalendarDay.kind == DayKind.HOLIDAY.value)
                         .limit(1)).first() is not None


def year_days(db: Database, year: int) -> list[CalendarEntry]:
    """The year's holidays and make-up workdays, by date."""
    lo, hi = _year_range(year, year)
    with db.read() as s:
        rows = s.execute(select(CalendarDay).where(CalendarDay.day.between(lo, hi))
                         .order_by(CalendarDay.day)).scalars()
        return [CalendarEntry(r.day, DayKind(r.kind), r.name, r.source) for r in rows]


def entry(db: Database, day: date) -> CalendarEntry | None:
    """The entry for one day, or None when the day follows the normal weekday/weekend rule."""
    with db.read() as s:
        r = s.get(CalendarDay, day)
        return CalendarEntry(r.day, DayKind(r.kind), r.name, r.source) if r else None


def missing_years_message(years: list[int]) -> str:
    """The Chinese notice for years without holiday data (shown in banners and the settings page)."""
    text = "、".join(str(y) for y in years)
    return (f"{text} 年的法定节假日和调休安排尚未录入，期限按周末计算。"
            "请系统管理员在「系统设置 → 节假日日历」中录入或导入。")


def missing_data_banner(db: Database, today: date) -> str | None:
    """A banner when this year — or, in the last ``NEXT_YEAR_HORIZON_DAYS`` of the year, when
    deadlines start to run into it, next year — has no holiday data; None otherwise.
    (The State Council publishes next year's arrangement late in the year, so asking for it
    earlier would only train people to ignore the banner.)"""
    last = (today + timedelta(days=NEXT_YEAR_HORIZON_DAYS)).year
    missing = years_without_data(db, today.year, max(today.year, last))
    return missing_years_message(missing) if missing else None


# ---------------------------------------------------------------------------------------- writes

def parse_kind(text: str) -> DayKind | None:
    return KIND_SYNONYMS.get((text or "").strip().lower())


def _workday_on_weekday(d: date) -> str:
    return (f"{d.isoformat()} 是星期{WEEKDAYS_CN[d.weekday()]}，本来就是工作日；"
            "调休上班只能设在周六或周日")


def _to_json(kind: str, name: str, source: str) -> dict:
    return {"kind": kind, "name": name, "source": source}


def set_day(db: Database, actor: Actor, day: date, kind: DayKind | str | None,
            name: str = "") -> CalendarEntry | None:
    """Mark ``day`` a statutory holiday or a make-up workday (source ``manual``), or with
    ``kind=None`` remove its entry so that the weekday/weekend rule applies again.
    Requires EDIT_CALENDAR; audited with before/after; a no-change call writes nothing.
    Returns the day's entry afterwards."""
    require(actor, Perm.EDIT_CALENDAR)
    day = parse_date(day, "日期")
    kind = None if kind is None else DayKind(kind)
    name = (name or "").strip()
    if kind is DayKind.WORKDAY and not is_weekend(day):
        raise ValidationError(_workday_on_weekday(day), "日期")
    if len(name) > NAME_MAX:
        raise ValidationError(f"不能超过 {NAME_MAX} 个字", "名称")
    with db.write() as s:
        row = s.get(CalendarDay, day)
        before = _to_json(row.kind, row.name, row.source) if row else None
        if kind is None:
            if row is None:
                return None
            s.delete(row)
            audit.record(s, actor, "calendar", day.isoformat(), "clear", before, None)
            return None
        if row is not None and row.kind == kind.value and row.name == name:
            return CalendarEntry(row.day, DayKind(row.kind), row.name, row.source)
        if row is None:
            row = CalendarDay(day=day, kind=kind.value, name=name, source="manual")
            s.add(row)
        else:
            row.kind, row.name, row.source = kind.value, name, "manual"
        audit.record(s, actor, "calendar", day.isoformat(), "set", before,
                     _to_json(kind.value, name, "manual"))
        return CalendarEntry(day, kind, name, "manual")


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"找不到文件「{path}」，请检查路径", f"file not found: {path}") from None
    except OSError as e:
        raise UserError(f"无法读取文件「{path}」：{e.strerror or e}", f"cannot read {path}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:  # Excel on Chinese Windows saves "CSV" in GBK
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        raise UserError(f"文件「{path.name}」不是 UTF-8 或 GBK 编码的文本，请另存为 CSV UTF-8",
                        "not a UTF-8 CSV file") from None


def _is_header(cells: list[str]) -> bool:
    norm = [c.strip().lower() for c in cells[:3]]
    return bool(norm) and all(n in allowed for n, allowed in zip(norm, _HEADER_NAMES))


def parse_csv(text: str) -> list[tuple[int, date, DayKind, str]]:
    """Validate every row of a ``date,kind,name`` CSV; return (row number, day, kind, name).

    Raises ValidationError naming up to ``MAX_REPORTED_ROWS`` bad rows (row 1 is the header)."""
    rows: list[tuple[int, date, DayKind, str]] = []
    bad: list[tuple[str, str]] = []
    seen: dict[date, int] = {}
    reader = csv.reader(io.StringIO(text))
    first = True
    for cells in reader:
        line = reader.line_num
        if first:
            first = False
            if _is_header(cells):
                continue
        if not any(c.strip() for c in cells):
            continue
        label = f"第 {line} 行"
        raw_date = cells[0].strip() if cells else ""
        raw_kind = cells[1].strip() if len(cells) > 1 else ""
        name = cells[2].strip() if len(cells) > 2 else ""
        problems: list[str] = []
        day: date | None = None
        if not raw_date:
            problems.append("日期为空")
        else:
            try:
                day = parse_date(raw_date, "日期")
            except ValidationError as e:
                problems.append(e.errors[0][1])
        kind = parse_kind(raw_kind)
        if not raw_kind:
            problems.append("类型为空，应为 holiday（法定节假日）或 workday（调休上班）")
        elif kind is None:
            problems.append(f"类型「{raw_kind}」无法识别，应为 holiday（法定节假日）或 workday（调休上班）")
        if len(name) > NAME_MAX:
            problems.append(f"名称不能超过 {NAME_MAX} 个字")
        if day is not None:
            if day in seen:
                problems.append(f"日期 {day.isoformat()} 与第 {seen[day]} 行重复")
            else:
                seen[day] = line
            if kind is DayKind.WORKDAY and not is_weekend(day):
                problems.append(_workday_on_weekday(day))
        if problems:
            bad.append((label, "，".join(problems)))
        else:
            rows.append((line, day, kind, name))  # type: ignore[arg-type]
    if bad:
        shown = bad[:MAX_REPORTED_ROWS]
        if len(bad) > len(shown):
            shown.append(("", f"另有 {len(bad) - len(shown)} 行有误"))
        shown.append(("", "整个文件未导入，请改正后重新导入"))
        raise ValidationError(shown)
    if not rows:
        raise ValidationError("没有可导入的日期行；格式为每行 date,kind,name，例如 "
                              "2027-10-01,holiday,国庆节", "CSV 文件")
    return rows


def import_csv(db: Database, actor: Actor, path: Path | str) -> int:
    """Import a ``date,kind,name`` CSV (UTF-8, BOM tolerated; GBK accepted). Every row is checked
    first: one bad row refuses the whole file. Then, in one transaction, each day is inserted or
    replaced (source ``import``) and one audit row summarises the import. Requires EDIT_CALENDAR.
    Returns the number of days in the file."""
    require(actor, Perm.EDIT_CALENDAR)
    path = Path(path)
    rows = parse_csv(_read_text(path))
    days = [d for _, d, _, _ in rows]
    years = sorted({d.year for d in days})
    with db.write() as s:
        existing = {r.day: r for r in s.execute(
            select(CalendarDay).where(CalendarDay.day.between(min(days), max(days)))).scalars()}
        for _, day, kind, name in rows:
            row = existing.get(day)
            if row is None:
                s.add(CalendarDay(day=day, kind=kind.value, name=name, source="import"))
            else:
                row.kind, row.name, row.source = kind.value, name, "import"
        audit.record(s, actor, "calendar", ",".join(str(y) for y in years), "import", None,
                     {"file": path.name, "days": len(rows), "years": years})
    return len(rows)
