"""Roster files and valid ID numbers for the mutual-aid tests (and the benchmark)."""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook
from stdnum.cn import ric


def make_id(born: date, seq: int, *, male: bool = True, region: str = "110105") -> str:
    """A valid 18-digit ID: ``seq`` (0…499) gives the order code, its last digit odd for men."""
    order = 2 * (seq % 500) + (1 if male else 0)
    body = f"{region}{born:%Y%m%d}{order:03d}"
    return body + ric.calc_check_digit(body + "0")


def many_ids(n: int, first_birth: date = date(1980, 1, 1)) -> list[tuple[str, str, str]]:
    """``n`` distinct (name, gender label, ID) — alternately men and women born 1980 onwards."""
    out = []
    for i in range(n):
        male = i % 2 == 0
        born = first_birth + timedelta(days=(i // 1000) * 7 + i % 3)
        out.append((f"职工{i:05d}", "男" if male else "女", make_id(born, i % 1000 // 2, male=male)))
    return out


def save_roster(path: Path, rows, *, head=("姓名", "性别", "身份证号", "份数"), title: str | None = None,
                merges=()) -> Path:
    wb = Workbook(write_only=not merges)
    ws = wb.create_sheet() if not merges else wb.active
    if title:
        ws.append([title])
    ws.append(list(head))
    for r in rows:
        ws.append(list(r))
    for m in merges:
        ws.merge_cells(m)
    wb.save(path)
    return path
