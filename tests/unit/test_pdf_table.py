"""Ruled tables as PDF (app.output.pdf_table): a 签领表 rendered and read back with pypdf."""
from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4

from app.domain.money import format_yuan, yuan_in_words
from app.output.pdf_table import TableColumn, TableDocument, TotalRow, render

COLUMNS = (
    TableColumn("no", "序号", 5, "center"),
    TableColumn("name", "姓名", 9, "center"),
    TableColumn("gender", "性别", 5, "center"),
    TableColumn("age", "年龄", 5, "center"),
    TableColumn("id", "身份证号\n银行卡号", 22, "center", lower_key="card"),
    TableColumn("address", "单位或住址", 22, wrap=True),
    TableColumn("amount", "金额（元）", 11, "right"),
    TableColumn("phone", "电话", 13, "center"),
    TableColumn("sign", "签字", 11),
    TableColumn("date", "日期", 10),
)


def person(i: int) -> dict:
    fen = 50_000 + 1_000 * i
    return {"no": i, "name": f"职工{i}", "gender": "男" if i % 2 else "女", "age": 30 + i,
            "id": f"440106********{1000 + i}", "card": f"6222****{2000 + i}",
            "address": "广州市天河区某某街道某某社区", "amount": format_yuan(fen), "phone": "13800138000",
            "fen": fen}


def total(label: str, records) -> TotalRow:
    """What a service does: sums the page's fen and formats them, in figures and in 大写."""
    fen = sum(r["fen"] for r in records)
    return TotalRow(label, {"amount": format_yuan(fen)}, f"人民币（大写）{yuan_in_words(fen)}")


def sheet(n: int = 23, **kw) -> TableDocument:
    records = [person(i) for i in range(1, n + 1)]
    base = dict(title="2026年元旦春节送温暖慰问金签领表", columns=COLUMNS, records=records,
                header_items=[("单位", "某某区总工会"), ("项目", "2026年送温暖"), ("日期", "2026年1月10日")],
                per_page=10, page_total=lambda rs: total("本页小计", rs),
                grand_total=total("合计", records), foot="经办人：　　　　审核人：　　　　负责人：")
    base.update(kw)
    return TableDocument(**base)


def rendered(doc: TableDocument, **kw) -> tuple[int, bytes]:
    data = render(doc, **kw)
    assert len(PdfReader(io.BytesIO(data)).pages) == doc.page_count
    return doc.page_count, data


def texts(data: bytes) -> list[str]:
    return [p.extract_text() for p in PdfReader(io.BytesIO(data)).pages]


def test_23_records_of_10_a_page_make_3_pages_with_subtotals_and_a_grand_total():
    n, data = rendered(sheet())
    pages = texts(data)
    assert n == 3 and len(pages) == 3
    for i, text in enumerate(pages, start=1):
        assert f"第{i}页 共3页" in text
        assert "2026年元旦春节送温暖慰问金签领表" in text
        assert "单位：某某区总工会" in text and "日期：2026年1月10日" in text
        assert "经办人：" in text
    # the records of each page, masked numbers as given, and the page's subtotal
    for page, (lo, hi) in enumerate([(1, 10), (11, 20), (21, 23)]):
        text = pages[page]
        for i in range(1, 24):
            assert (f"440106********{1000 + i}" in text) == (lo <= i <= hi)
            assert (f"6222****{2000 + i}" in text) == (lo <= i <= hi)
        fen = sum(50_000 + 1_000 * i for i in range(lo, hi + 1))
        assert f"本页小计　人民币（大写）{yuan_in_words(fen)}" in text
        assert format_yuan(fen) in text
    # page 1: 10 × ¥500 + ¥10 × (1+…+10) = ¥5,550.00
    assert "¥5,550.00" in pages[0] and "伍仟伍佰伍拾元整" in pages[0]
    grand = sum(50_000 + 1_000 * i for i in range(1, 24))          # ¥14,260.00
    assert grand == 1_426_000
    assert "合计　人民币（大写）壹万肆仟贰佰陆拾元整" in pages[2] and "¥14,260.00" in pages[2]
    assert all("合计　" not in p for p in pages[:2])


def test_same_document_same_bytes():
    _, first = rendered(sheet())
    _, second = rendered(sheet())
    assert first == second
    assert b"D:20000101000000" in first         # reportlab's invariant mode: no creation time


def _fonts(obj, seen):
    """Every font dictionary reachable from a resources dictionary (forms included)."""
    obj = obj.get_object()
    for font in (obj.get("/Font") or {}).values():
        font = font.get_object()
        seen.append(font)
        for d in font.get("/DescendantFonts") or []:
            seen.append(d.get_object())
    for xobj in (obj.get("/XObject") or {}).values():
        xobj = xobj.get_object()
        if "/Resources" in xobj:
            _fonts(xobj["/Resources"], seen)
    return seen


def test_every_font_is_embedded_as_a_subset():
    _, data = rendered(sheet())
    reader = PdfReader(io.BytesIO(data))
    fonts = [f for page in reader.pages for f in _fonts(page["/Resources"], [])]
    assert fonts
    for font in fonts:
        if font.get("/Subtype") == "/Type0":
            continue                             # its descendant carries the descriptor
        descriptor = font["/FontDescriptor"].get_object()
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font["/BaseFont"]
        assert "+" in font["/BaseFont"]         # a subset (ABCDEF+Name)


def test_portrait_and_landscape_and_short_documents():
    n, data = rendered(sheet(3, grand_total=None, page_total=None, landscape=False))
    page = PdfReader(io.BytesIO(data)).pages[0]
    assert n == 1 and (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == \
        (round(A4[0]), round(A4[1]))
    assert "本页小计" not in texts(data)[0] and "第1页 共1页" in texts(data)[0]
    n, data = rendered(sheet(0, grand_total=TotalRow("合计", {"amount": "¥0.00"}, "人民币（大写）零元整")))
    assert n == 1
    assert "合计　人民币（大写）零元整" in texts(data)[0]
    n, data = rendered(sheet(5, landscape=True))
    page = PdfReader(io.BytesIO(data)).pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)


def test_long_text_is_drawn_smaller_wrapped_or_cut_never_lost_silently():
    record = person(1) | {"address": "广州市天河区某某街道某某社区某某路12号大院" * 2,
                          "name": "欧阳娜娜娜娜娜娜娜娜"}
    _, data = rendered(sheet(1, records=[record], grand_total=None))
    text = texts(data)[0]
    assert "广州市天河区某某街道某某社区某某路12号大院广州市" not in text     # wrapped over lines ...
    assert "广州市天河区某某街道某某社区某某路12号大院广州市" in text.replace("\n", "")   # ... all of it
    assert "欧阳娜娜娜娜娜娜娜娜" in text.replace("\n", "")              # smaller, then wrapped, whole
    very_long = person(1) | {"address": "很长的地址" * 60}
    _, data = rendered(sheet(1, records=[very_long], grand_total=None))
    assert "…" in texts(data)[0]


def test_too_many_records_a_page_is_a_programming_error():
    with pytest.raises(ValueError, match="do not fit"):
        render(sheet(per_page=60))
    with pytest.raises(ValueError):
        TableColumn("x", "X", 1, align="middle")


def test_a_character_no_font_has_is_drawn_as_a_mark_and_reported():
    missing: list[str] = []
    record = person(1) | {"name": "张\U000F0001"}          # a private-use character: in no font
    _, data = rendered(sheet(1, records=[record], grand_total=None), missing=missing)
    assert missing == ["\U000F0001"]
    assert "张〓" in texts(data)[0]
