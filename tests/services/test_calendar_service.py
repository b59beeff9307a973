"""The calendar service on a real SQLite file: seeded data, CSV import, manual edits, audit."""
import json
from datetime import date

import pytest
from sqlalchemy import select

from app.db.models import AuditLog, CalendarDay
from app.domain.enums import DayKind, DeadlineUnit, Role
from app.domain.errors import PermissionDenied, UserError, ValidationError
from app.services import audit, calendar

GOOD_2027 = ("date,kind,name\n"
             "2027-01-01,holiday,元旦\n"
             "2027-02-06,休,春节\n"
             "2027-02-07,holiday,春节\n"
             "2027-02-08,holiday,春节\n"
             "2027-02-13,班,春节\n"
             "2027-10-01,holiday,\n")


def _write(tmp_path, text, name="cal.csv", encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def _audit_rows(db, entity="calendar"):
    with db.read() as s:
        return s.execute(select(AuditLog).where(AuditLog.entity == entity)
                         .order_by(AuditLog.id)).scalars().all()


def _count_days(db):
    with db.read() as s:
        return len(s.execute(select(CalendarDay.day)).all())


def test_seeded_calendar_gives_the_design_examples(db):
    assert calendar.due_date(db, date(2026, 2, 12), 5, DeadlineUnit.WORKDAY) == date(2026, 2, 26)
    assert calendar.due_date(db, date(2026, 9, 16), 15, DeadlineUnit.CALENDAR) == date(2026, 10, 8)
    assert calendar.has_year(db, 2026) and not calendar.has_year(db, 2027)
    assert calendar.years_without_data(db, 2025, 2028) == [2027, 2028]
    days = calendar.year_days(db, 2026)
    spring = [e for e in days if e.name == "春节"]
    assert {e.kind for e in spring} == {DayKind.HOLIDAY, DayKind.WORKDAY}
    assert all(e.source == "seed" for e in days)
    assert days == sorted(days, key=lambda e: e.day)


def test_load_covers_only_the_range(db):
    cal = calendar.load(db, 2026, 2026)
    assert not cal.is_workday(date(2026, 10, 1))
    assert cal.is_workday(date(2025, 10, 1))  # outside the range: weekend rule
    assert cal.years == {2026}


def test_long_period_loads_enough_years(db):
    # 2,000 working days from 2020 runs past 2026 into years without data
    due = calendar.due_date(db, date(2020, 1, 2), 2000, DeadlineUnit.WORKDAY)
    cal = calendar.load(db, 2020, due.year)
    assert due == cal.due_date(date(2020, 1, 2), 2000, DeadlineUnit.WORKDAY)


def test_import_csv(db, admin, tmp_path):
    before = _count_days(db)
    n = calendar.import_csv(db, admin, _write(tmp_path, "\ufeff" + GOOD_2027))
    assert n == 6
    assert _count_days(db) == before + 6
    assert calendar.has_year(db, 2027)
    entries = {e.day: e for e in calendar.year_days(db, 2027)}
    assert entries[date(2027, 2, 6)].kind is DayKind.HOLIDAY
    assert entries[date(2027, 2, 13)].kind is DayKind.WORKDAY
    assert entries[date(2027, 10, 1)].name == ""
    assert {e.source for e in entries.values()} == {"import"}
    rows = _audit_rows(db)
    assert len(rows) == 1 and rows[0].action == "import"
    assert json.loads(rows[0].after) == {"file": "cal.csv", "days": 6, "years": [2027]}
    assert audit.verify(db) == []
    # 2027-02-12 (Fri) + 1 working day: 13 Feb is a make-up Saturday
    assert calendar.due_date(db, date(2027, 2, 12), 1, "workday") == date(2027, 2, 13)


def test_import_replaces_existing_days_and_accepts_gbk(db, admin, tmp_path):
    text = "日期,类型,名称\n2026-10-01,holiday,国庆\n2026-03-10,节假日,测试\n"
    assert calendar.import_csv(db, admin, _write(tmp_path, text, encoding="gbk")) == 2
    entries = {e.day: e for e in calendar.year_days(db, 2026)}
    assert entries[date(2026, 10, 1)].name == "国庆" and entries[date(2026, 10, 1)].source == "import"
    assert entries[date(2026, 3, 10)].kind is DayKind.HOLIDAY


@pytest.mark.parametrize("bad_row, row_no, words", [
    ("2027-02-30,holiday,春节", 3, ["第 3 行", "2月30日", "不存在"]),
    ("2027-02-09,rest,春节", 3, ["第 3 行", "rest", "无法识别"]),
    ("2027-01-01,holiday,又一次", 3, ["第 3 行", "与第 2 行重复"]),
    (",holiday,春节", 3, ["第 3 行", "日期为空"]),
    ("2027-02-10,workday,春节", 3, ["第 3 行", "星期三", "周六或周日"]),
    ("2027-02-10", 3, ["第 3 行", "类型为空"]),
])
def test_bad_row_refuses_whole_import(db, admin, tmp_path, bad_row, row_no, words):
    text = "date,kind,name\n2027-01-01,holiday,元旦\n" + bad_row + "\n2027-10-01,holiday,国庆节\n"
    before = _count_days(db)
    with pytest.raises(ValidationError) as e:
        calendar.import_csv(db, admin, _write(tmp_path, text))
    for w in words:
        assert w in e.value.message, e.value.message
    assert "未导入" in e.value.message
    assert _count_days(db) == before
    assert not calendar.has_year(db, 2027)
    assert _audit_rows(db) == []


def test_many_bad_rows_are_listed_up_to_a_limit(db, admin, tmp_path):
    text = "date,kind,name\n" + "".join(f"2027-02-{30 + i % 2},holiday,x\n" for i in range(15))
    with pytest.raises(ValidationError) as e:
        calendar.import_csv(db, admin, _write(tmp_path, text))
    msg = e.value.message
    assert "第 2 行" in msg and "第 11 行" in msg and "第 12 行" not in msg
    assert "另有 5 行有误" in msg


def test_import_missing_file_and_empty_file(db, admin, tmp_path):
    with pytest.raises(UserError, match="找不到文件"):
        calendar.import_csv(db, admin, tmp_path / "none.csv")
    with pytest.raises(ValidationError, match="没有可导入"):
        calendar.import_csv(db, admin, _write(tmp_path, "date,kind,name\n\n"))


def test_clerk_cannot_import_or_edit(db, actors, tmp_path):
    clerk = actors[Role.CLERK]
    with pytest.raises(PermissionDenied):
        calendar.import_csv(db, clerk, _write(tmp_path, GOOD_2027))
    with pytest.raises(PermissionDenied):
        calendar.set_day(db, clerk, date(2027, 1, 1), DayKind.HOLIDAY, "元旦")
    assert not calendar.has_year(db, 2027)
    assert _audit_rows(db) == []


def test_set_day_is_audited_with_before_and_after(db, admin):
    d = date(2027, 10, 1)
    e = calendar.set_day(db, admin, d, DayKind.HOLIDAY, " 国庆节 ")
    assert e == calendar.CalendarEntry(d, DayKind.HOLIDAY, "国庆节", "manual")
    assert calendar.entry(db, d) == e
    assert calendar.has_year(db, 2027)
    calendar.set_day(db, admin, d, DayKind.HOLIDAY, "国庆节")      # no change: no audit row
    calendar.set_day(db, admin, d, None)
    assert calendar.entry(db, d) is None
    calendar.set_day(db, admin, d, None)                           # nothing to remove
    rows = _audit_rows(db)
    assert [r.action for r in rows] == ["set", "clear"]
    assert rows[0].entity_id == "2027-10-01" and rows[0].before is None
    assert json.loads(rows[0].after) == {"kind": "holiday", "name": "国庆节", "source": "manual"}
    assert json.loads(rows[1].before)["kind"] == "holiday" and rows[1].after is None


def test_set_day_changes_a_seeded_day(db, admin):
    d = date(2026, 2, 14)  # seeded make-up workday
    calendar.set_day(db, admin, d, DayKind.HOLIDAY, "春节")
    rows = _audit_rows(db)
    assert json.loads(rows[0].before) == {"kind": "workday", "name": "春节", "source": "seed"}
    assert calendar.due_date(db, date(2026, 2, 12), 5, "workday") == date(2026, 2, 27)


def test_set_day_refuses_workday_on_a_weekday_and_long_names(db, admin):
    with pytest.raises(ValidationError, match="周六或周日"):
        calendar.set_day(db, admin, date(2027, 2, 10), DayKind.WORKDAY)
    with pytest.raises(ValidationError, match="名称"):
        calendar.set_day(db, admin, date(2027, 2, 13), DayKind.WORKDAY, "长" * 41)
    assert _audit_rows(db) == []


def test_missing_data_banner(db, admin):
    assert calendar.missing_data_banner(db, date(2026, 5, 1)) is None
    banner = calendar.missing_data_banner(db, date(2026, 11, 22))
    assert banner and "2027 年" in banner and "节假日日历" in banner
    assert "2027" in calendar.missing_data_banner(db, date(2027, 3, 1))
    calendar.set_day(db, admin, date(2027, 1, 1), DayKind.HOLIDAY, "元旦")
    assert calendar.missing_data_banner(db, date(2026, 11, 22)) is None
