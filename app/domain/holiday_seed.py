"""The statutory holidays and make-up workdays that ``chinesecalendar`` knows (2004–2026),
as (date, kind, Chinese name) rows for seeding a new database's calendar."""
from __future__ import annotations

from datetime import date

from .enums import DayKind

CHINESE_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


def seed_rows() -> list[tuple[date, str, str]]:
    from chinese_calendar import constants
    rows = [(d, DayKind.HOLIDAY.value, CHINESE_NAMES.get(n, n)) for d, n in constants.holidays.items()]
    rows += [(d, DayKind.WORKDAY.value, CHINESE_NAMES.get(n, n)) for d, n in constants.workdays.items()]
    return sorted(rows)
