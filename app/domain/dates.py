"""Parsing dates typed by people, with messages that say what to fix."""
from __future__ import annotations

import re
from datetime import date

from .errors import ValidationError

_ISO = re.compile(r"^\s*(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?\s*$")


def parse_date(text: str | date, field: str = "日期") -> date:
    """``2026-02-12``, ``2026/2/12`` or ``2026年2月12日`` → date; ValidationError otherwise
    (Feb 30 is named as a date that does not exist)."""
    if isinstance(text, date):
        return text
    m = _ISO.match(text or "")
    if not m:
        raise ValidationError([(field, f"「{text}」不是日期，请按 YYYY-MM-DD 填写，例如 2026-11-22")])
    y, mo, d = (int(g) for g in m.groups())
    try:
        return date(y, mo, d)
    except ValueError:
        raise ValidationError([(field, f"{y}年{mo}月{d}日 不存在，请检查月份和日期")]) from None


def format_cn(d: date) -> str:
    """2026年11月22日 (Arabic numerals)."""
    return f"{d.year}年{d.month}月{d.day}日"
