"""The enrollment roster as a file (参保名单): its columns, the blank template, the row checks that need
no database, and the report of bad rows saved as xlsx. The enrollment service
(``app.services.mutual_aid.enrollment``) reads the file with ``ROSTER``, adds what the database knows
(people already enrolled, names registered under an ID) and imports all rows or none.

Contract: pure apart from writing the two files; no database, no Qt. Every reason is Chinese and
says what to fix; ID numbers appear only masked (``app.domain.privacy.mask_id``).
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from app.domain.dates import format_cn
from app.domain.enums import Gender
from app.domain.errors import ValidationError
from app.domain.mutual_aid import PlanRule, age_on, eligibility_problem
from app.domain.privacy import mask_id
from app.domain.validation import check_id_number, check_name
from app.output import excel
from app.output.files import written_whole
from app.output.xlsx_read import Column, ReadResult, SheetSpec

ROSTER = SheetSpec((
    Column("name", "姓名", allow_blank=False, aliases=("职工姓名", "会员姓名")),
    Column("gender", "性别"),
    Column("id_number", "身份证号", "id", aliases=("身份证号码", "公民身份号码", "身份证"),
           allow_blank=False),
    Column("shares", "份数", "int", aliases=("参保份数", "认购份数"), allow_blank=False),
    Column("birth_date", "出生日期", "date", required=False),
))

TEMPLATE_HEADERS = ("姓名", "性别", "身份证号", "份数")
MERGED = "是合并单元格，请取消合并，每行分别填写后再导入"


@dataclass(frozen=True)
class RowCheck:
    """One data row after the checks that need no database. ``reasons`` empty = good so far."""
    row: int
    name: str
    id_number: str              # normalized when valid, else as written ("" when unreadable);
                                # never shown unmasked
    id_ok: bool                 # the ID number is valid (checksum, birth date)
    gender: str | None          # Gender value from the ID
    birth_date: date | None
    age: int | None
    shares: int | None
    reasons: tuple[str, ...]

    @property
    def id_masked(self) -> str:
        return mask_id(self.id_number)


@dataclass(frozen=True)
class BadRow:
    """A refused row as the report shows it (ID masked)."""
    row: int
    name: str
    id_masked: str
    gender: str                 # label
    shares: str
    reason: str

    def line(self) -> str:
        return f"row {self.row}: {self.reason}"


def check_rows(result: ReadResult, rule: PlanRule) -> list[RowCheck]:
    """Every data row checked on its own and against the other rows of the file: the cells could be
    read (no ID stored as a number, 份数 a whole number, 出生日期 a date), no merged 姓名/身份证号,
    the name, the ID (checksum, birth date, and the 性别 / 出生日期 written beside it agree with it),
    the plan's eligibility (``app.domain.mutual_aid.eligibility_problem``: the age in 周岁 on the
    term's first day within the range for that gender; a row of a union's roster is a union member),
    份数 within 1…max, and the same ID only once in the file (the second and later rows are refused,
    naming the first)."""
    cell_errors: dict[int, list[str]] = {}
    for e in result.errors:
        if e.row:
            cell_errors.setdefault(e.row, []).append(f"{e.label}：{e.message}" if e.label else e.message)
    first_row: dict[str, int] = {}
    out: list[RowCheck] = []
    for r in result.rows:
        v = r.values
        reasons = list(cell_errors.get(r.row, ()))
        for key, label in (("name", "姓名"), ("id_number", "身份证号")):
            if (r.row, key) in result.merged:
                reasons.append(f"{label}{MERGED}")
        name = ""
        try:
            name = check_name(v["name"]) if v["name"] is not None else ""
        except ValidationError as exc:
            reasons.append(exc.message)
        number, born, gender = "", None, None
        if v["id_number"] is not None:
            try:
                number, born, sex = check_id_number(v["id_number"])
                gender = sex.value
                if v["gender"] is not None or v.get("birth_date") is not None:
                    check_id_number(number, v.get("birth_date"), v["gender"])   # they agree with it
            except ValidationError as exc:
                reasons.extend(f"{f}：{m}" for f, m in exc.errors)
        id_ok = born is not None
        if not id_ok and v["id_number"] is not None:
            number = str(v["id_number"])
        age = None
        if born is not None and gender is not None:
            age = age_on(born, rule.term_start)
            problem = eligibility_problem(rule, gender, born, True, rule.term_start)
            if problem:
                reasons.append(f"不符合参保条件：{problem}（按保障期开始日{format_cn(rule.term_start)}计算）")
        shares = v["shares"]
        if shares is not None and not 1 <= shares <= rule.max_shares:
            reasons.append(f"份数应为1至{rule.max_shares}份，现为{shares}份")
        if id_ok:
            if number in first_row:
                reasons.append(f"身份证号与第{first_row[number]}行重复，同一人只能填写一行")
            else:
                first_row[number] = r.row
        out.append(RowCheck(r.row, name or (str(v["name"]) if v["name"] else ""), number, id_ok, gender,
                            born, age, shares, tuple(reasons)))
    return out


def bad_row(c: RowCheck, extra: Sequence[str] = ()) -> BadRow:
    return BadRow(c.row, c.name, c.id_masked, Gender.label_of(c.gender),
                  "" if c.shares is None else str(c.shares), "；".join((*c.reasons, *extra)))


REPORT_COLUMNS = (excel.Column("原因", 70), excel.Column("行号", 8, "int"), excel.Column("姓名", 12),
                  excel.Column("身份证号", 22, "code"), excel.Column("性别", 6), excel.Column("份数", 6))


def save_report(path: str | os.PathLike, bad: Iterable[BadRow], *, title: str) -> int:
    """The refused rows as an xlsx, the reason in the first column (ID numbers masked); returns the
    number of rows written. Written whole or not at all."""
    rows = [(b.reason, b.row, b.name, b.id_masked, b.gender, b.shares) for b in bad]
    return excel.write_table(path, title, REPORT_COLUMNS, rows, sheet_title="未通过检查的行")


def write_template(path: str | os.PathLike, *, plan: str = "") -> Path:
    """A blank roster: a title row, the four headers, and 身份证号 formatted as text for the first
    2,000 rows (so that Excel keeps all 18 digits when a clerk types or pastes them)."""
    path = Path(path)
    wb = Workbook()
    ws = wb.active
    ws.title = "参保名单"
    title = f"职工互助保障参保名单{('（' + plan + '）') if plan else ''}"
    ws.cell(1, 1, title).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(TEMPLATE_HEADERS))
    widths = (12, 8, 24, 8)
    for i, (h, w) in enumerate(zip(TEMPLATE_HEADERS, widths), start=1):
        c = ws.cell(2, i, h)
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", fgColor="DDDDDD")
        c.alignment = Alignment(horizontal="center")
        ws.column_dimensions[get_column_letter(i)].width = w
    for r in range(3, 2003):
        ws.cell(r, 3).number_format = excel.TEXT_FORMAT
    ws.freeze_panes = "A3"
    note = wb.create_sheet("填写说明")
    for i, line in enumerate((
            "1. 每行一名职工；姓名、身份证号、份数必填，性别可不填（按身份证号确定）。",
            "2. 身份证号请填18位，该列已设为文本格式；不要把身份证号存成数字（会变成 1.1E+17，末几位丢失）。",
            "3. 份数填整数，不能超过本计划的最多份数。",
            "4. 不要合并单元格；表头行（第2行）不要修改。",
            "5. 续保职工与新参保职工填在同一张表中，系统按上年参保记录自动识别续保。"), start=1):
        note.cell(i, 1, line)
    note.column_dimensions["A"].width = 100
    with written_whole(path) as part:
        wb.save(part)
    return path
