"""The 签领表 (sign-for sheet, DESIGN §4) of a campaign: one sheet = one 帮扶项目 × one 资金来源.

A sheet is printed from its SNAPSHOT — a JSON-able dict made once, when the sheet is made, holding
exactly what is printed (names, masked ID and card numbers, amounts, the header) — so a reprint is
byte-identical whatever changed since. :func:`document` turns a snapshot into the
:class:`~app.output.pdf_table.TableDocument` that both :func:`pdf` (``pdf_table.render``) and
:func:`xlsx` (``xlsx_table.write``) lay out: header 单位 / 项目 / 资金来源 / 日期; 10 persons a page,
two rows each (身份证号 over 银行卡号, masked); columns 序号, 姓名, 性别, 年龄, 身份证号/卡号, 单位或住址,
金额, 电话, 签字, 日期; page subtotal and grand total in figures and in 大写; 「第1页 共N页」.

Pure: no database, no Qt.
"""
from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from app.domain.money import format_yuan, yuan_in_words
from app.domain.privacy import mask_account, mask_id
from app.output import pdf_table, xlsx_table
from app.output.pdf_table import TableColumn, TableDocument, TotalRow

PER_PAGE = 10
COLUMNS = (
    TableColumn("no", "序号", 5, "center"),
    TableColumn("name", "姓名", 9, "center"),
    TableColumn("gender", "性别", 5, "center"),
    TableColumn("age", "年龄", 5, "center"),
    TableColumn("id", "身份证号\n银行卡号", 24, "center", lower_key="card"),
    TableColumn("address", "单位或住址", 22, wrap=True),
    TableColumn("amount", "金额（元）", 11, "right"),
    TableColumn("phone", "电话", 13, "center"),
    TableColumn("sign", "签字", 11),
    TableColumn("date", "日期", 9),
)
FOOT = "经办人：　　　　　　　　审核人：　　　　　　　　负责人："


def age_on(birth: date | None, day: date) -> int | None:
    if birth is None:
        return None
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def person_row(*, name: str, gender: str | None, birth: date | None, id_number: str | None,
               card: str | None, address: str, phone: str | None, fen: int, day: date) -> dict[str, Any]:
    """One person's line of a snapshot: the numbers masked here, once (DESIGN §4)."""
    age = age_on(birth, day)
    return {"name": name, "gender": gender or "", "age": "" if age is None else str(age),
            "id": mask_id(id_number), "card": mask_account(card), "address": address or "",
            "phone": phone or "", "fen": int(fen)}


def snapshot(*, title: str, office: str, project: str, fund: str, day: date,
             rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    return {"title": title, "office": office, "project": project, "fund": fund,
            "date": day.isoformat(), "rows": [dict(r) for r in rows]}


def _date_text(iso: str) -> str:
    d = date.fromisoformat(iso)
    return f"{d.year}年{d.month}月{d.day}日"


def _total(label: str, records: Sequence[Mapping[str, Any]]) -> TotalRow:
    fen = sum(int(r["fen"]) for r in records)
    return TotalRow(label, {"amount": format_yuan(fen)}, f"人民币（大写）{yuan_in_words(fen)}")


def total_fen(snap: Mapping[str, Any]) -> int:
    return sum(int(r["fen"]) for r in snap["rows"])


def document(snap: Mapping[str, Any]) -> TableDocument:
    records = [{**r, "no": i, "amount": format_yuan(int(r["fen"]))}
               for i, r in enumerate(snap["rows"], start=1)]
    return TableDocument(
        title=snap["title"], columns=COLUMNS, records=records,
        header_items=[("单位", snap["office"]), ("项目", snap["project"]), ("资金来源", snap["fund"]),
                      ("日期", _date_text(snap["date"]))],
        per_page=PER_PAGE, page_total=lambda rs: _total("本页小计", rs),
        grand_total=_total("合计", records), foot=FOOT)


def pdf(snap: Mapping[str, Any], font_path: str | os.PathLike | None = None) -> bytes:
    """The sheet as PDF bytes (deterministic: the same snapshot gives the same bytes)."""
    return pdf_table.render(document(snap), font_path)


def xlsx(snap: Mapping[str, Any], path: str | os.PathLike) -> Path:
    """The sheet as an xlsx laid out like the PDF (amounts as numbers, totals as formulas)."""
    return xlsx_table.write(path, document(snap), money={"amount": "fen"}, sheet_title="签领表")
