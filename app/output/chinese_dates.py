"""Dates as official documents write them: 2026年11月23日, or in Chinese numerals 二〇二六年十一月二十三日.
"""

from __future__ import annotations

from datetime import date


_DIGITS = "〇一二三四五六七八九"


def _cn_number(n: int) -> str:
    if n < 10:
        return _DIGITS[n] if n else "〇"
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def format_date(d: date, chinese: bool = False) -> str:
    """2026年11月22日, or with ``chinese`` 二〇二六年十一月二十二日."""
    if not chinese:
        return f"{d.year}年{d.month}月{d.day}日"
    year = "".join(_DIGITS[int(c)] for c in str(d.year))
    return f"{year}年{_cn_number(d.month)}月{_cn_number(d.day)}日"
