"""The notice renderer (app.output.pdf): layout, text read back with pypdf, fonts and fallbacks."""
from __future__ import annotations

import io
import struct
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.domain.errors import Cancelled, ValidationError
from app.output import fonts, pdf, text_wrap
from app.output.chinese_dates import format_date
from app.output.fonts import check_font, missing_glyphs
from app.output.pdf import NoticeDocument, render, wrap
from app.paths import bundled_font

BODY = ("你于2026年11月10日通过来访方式反映的北京某某科技有限公司拖欠工资问题，经审查，符合受理条件，"
        "我会已于2026年11月12日依法受理。")


def notice(**kw) -> NoticeDocument:
    base = dict(issuer="北京市朝阳区总工会", doc_no="朝工信〔2026〕7号", title="受理告知书",
                addressee="张三", paragraphs=[BODY], date=date(2026, 11, 22))
    base.update(kw)
    return NoticeDocument(**base)


def pages_text(data: bytes) -> list[str]:
    return [p.extract_text() for p in PdfReader(io.BytesIO(data)).pages]


def rendered(docs, **kw) -> tuple[int, bytes]:
    buf = io.BytesIO()
    n = render(docs, buf, **kw)
    return n, buf.getvalue()


def test_one_notice_reads_back_with_all_elements():
    n, data = rendered([notice(delivery=["送达方式：当面　送达日期：2026年11月22日"])])
    assert n == 1
    (text,) = pages_text(data)
    lines = text.splitlines()
    assert lines[0] == "受理告知书"
    assert lines[1] == "朝工信〔2026〕7号"
    assert lines[2] == "张三："
    assert "北京某某科技有限公司拖欠工资问题" in text.replace("\n", "")
    assert "北京市朝阳区总工会" in lines
    assert "2026年11月22日" in lines
    assert "送达方式：当面\u3000送达日期：2026年11月22日" in lines
    assert lines[-1] == "— 1 —"
    # the issuer comes above the date, the date after the body
    assert lines.index("北京市朝阳区总工会") + 1 == lines.index("2026年11月22日")


def test_group_addressee_and_chinese_date():
    _, data = rendered([notice(addressee="张三等12人", chinese_date=True)])
    text = pages_text(data)[0]
    assert "张三等12人：" in text.splitlines()
    assert "二〇二六年十一月二十二日" in text.splitlines()


def test_format_date():
    assert format_date(date(2026, 11, 22)) == "2026年11月22日"
    assert format_date(date(2026, 11, 22), chinese=True) == "二〇二六年十一月二十二日"
    assert format_date(date(2030, 10, 1), chinese=True) == "二〇三〇年十月一日"
    assert format_date(date(2026, 1, 31), chinese=True) == "二〇二六年一月三十一日"
    assert format_date(date(2026, 2, 20), chinese=True) == "二〇二六年二月二十日"


def test_long_body_flows_to_a_second_page():
    n, data = rendered([notice(paragraphs=[BODY] * 12)])
    assert n == 2
    first, second = pages_text(data)
    assert first.splitlines()[-1] == "— 1 —"
    assert second.splitlines()[-1] == "— 2 —"
    assert "2026年11月22日" in second.splitlines()          # the signature is on the last page
    assert "北京市朝阳区总工会" not in first.splitlines()
    # 22 grid lines per page: title, number, blank, addressee, then 18 body lines
    body_lines = [ln for ln in first.splitlines()[3:-1]]
    assert len(body_lines) == 18


def test_each_document_starts_on_its_own_page():
    docs = [notice(addressee=name, doc_no=f"朝工信〔2026〕{i}号") for i, name in
            enumerate(["张三", "李四", "王五"], start=1)]
    seen = []
    n, data = rendered(docs, progress=lambda done, total: seen.append((done, total)))
    assert n == 3
    texts = pages_text(data)
    for i, (text, name) in enumerate(zip(texts, ["张三", "李四", "王五"]), start=1):
        lines = text.splitlines()
        assert lines[0] == "受理告知书"
        assert lines[1] == f"朝工信〔2026〕{i}号"
        assert lines[2] == f"{name}："
        assert lines[-1] == "— 1 —"                     # page numbers restart per document
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_progress_may_cancel_and_leaves_no_file(tmp_path):
    out = tmp_path / "n.pdf"

    def cancel(done, total):
        raise Cancelled()
    with pytest.raises(Cancelled):
        render([notice(), notice()], out, progress=cancel)
    assert list(tmp_path.iterdir()) == []


def test_render_to_a_path(tmp_path):
    out = tmp_path / "n.pdf"
    assert render([notice()], out) == 1
    assert out.read_bytes().startswith(b"%PDF")
    assert list(tmp_path.iterdir()) == [out]


def test_28_characters_per_line():
    text = "甲" * 100
    lines = wrap(text, 28, indent=2)
    assert [len(x) for x in lines] == [26, 28, 28, 18]
    _, data = rendered([notice(paragraphs=[text])])
    body = pages_text(data)[0].splitlines()[3:]
    assert body[0] == "甲" * 26                        # first line: two characters of indent
    assert body[1] == "甲" * 28


def test_grid_figures():
    assert round(pdf.TEXT_W / pdf.mm, 3) == 156
    assert round(pdf.TEXT_H / pdf.mm, 3) == 225
    assert pdf.PITCH * 28 == pytest.approx(pdf.TEXT_W)
    assert pdf.LEADING * 22 == pytest.approx(pdf.TEXT_H)


def test_line_breaking_rules():
    # a line never starts with closing punctuation: one mark hangs, two are avoided
    assert wrap("一二三四五，六七八九十", 5) == ["一二三四五，", "六七八九十"]
    lines = wrap("一二三四五。」六七八九十", 5)
    assert not any(ln[0] in text_wrap.NO_LINE_START for ln in lines)
    assert "".join(lines) == "一二三四五。」六七八九十"
    # a line never ends with an opening bracket
    lines = wrap("一二三四（五六七八九十", 5)
    assert not any(ln[-1] in text_wrap.NO_LINE_END for ln in lines)
    # numbers stay whole; Latin/digits count half
    assert wrap("编号XF2026号", 5) == ["编号XF2026", "号"]
    assert wrap("来电1234567890", 7) == ["来电1234567890"]
    assert wrap("", 28) == [""]


def test_rare_characters_in_names():
    assert missing_glyphs(["李堃", "张喆"]) == []
    missing: list[str] = []
    _, data = rendered([notice(addressee="李堃", paragraphs=["张喆反映的问题已受理。"])], missing=missing)
    text = pages_text(data)[0]
    assert "李堃：" in text.splitlines()
    assert "张喆反映的问题已受理。" in text
    assert missing == []


@pytest.fixture
def no_fallback(monkeypatch):
    """A font chain without the machine's fallback fonts (whatever is installed here)."""
    monkeypatch.setattr(fonts, "fallback_fonts", lambda: ())


def ext_b_font() -> Path | None:
    for path in fonts.fallback_fonts():
        if 0x20BB7 in fonts.Font.load(path).cmap:
            return path
    return None


def test_character_no_font_has_is_reported_once_and_shown_as_placeholder(no_fallback):
    # 𠀀 (U+20000, CJK extension B) is not in the bundled font, and no fallback font is used
    assert missing_glyphs(["王𠀀"]) == ["𠀀"]
    missing: list[str] = []
    _, data = rendered([notice(addressee="王𠀀", delivery=["受送达人：王𠀀"])], missing=missing)
    assert missing == ["𠀀"]
    text = pages_text(data)[0]
    assert "王〓：" in text.splitlines()          # visible, never a blank box


def test_rare_characters_outside_the_bmp_from_a_fallback_font():
    path = ext_b_font()
    if path is None:
        pytest.skip("no TrueType font with CJK Extension B installed (e.g. fonts-hanazono, "
                    "SimSun-ExtB); the 〓 path is tested without one")
    missing: list[str] = []
    _, data = rendered([notice(addressee="王𠮷", paragraphs=["王𠀀反映的问题已受理。" + BODY])],
                       missing=missing)
    assert missing == []
    text = pages_text(data)[0]
    assert "王𠮷：" in text.splitlines()                 # ToUnicode carries surrogate pairs
    assert "王𠀀反映的问题已受理。" in text.replace("\n", "")
    # the fallback font (20+ MB) is embedded as a small subset beside the bundled font
    assert path.stat().st_size > 20_000_000
    assert len(data) < 200_000
    assert data.count(b"FontFile2") == 2


def test_fallback_fonts_skip_what_cannot_be_used(tmp_path, monkeypatch):
    bad = tmp_path / "simsunb.ttf"
    bad.write_text("不是字体", encoding="utf-8")
    cff = tmp_path / "mingliub.ttc"
    cff.write_bytes(b"OTTO" + struct.pack(">HHHH", 1, 16, 0, 0) + b"CFF " + bytes(12))
    good = tmp_path / "copy.ttc"
    good.write_bytes(bundled_font().read_bytes())
    monkeypatch.setattr(fonts, "_fallback_candidates", lambda: [tmp_path / "gone.ttf", bad, cff, good])
    fonts.fallback_fonts.cache_clear()
    try:
        assert fonts.fallback_fonts() == (good,)
    finally:
        fonts.fallback_fonts.cache_clear()


def test_fallback_fonts_are_loaded_only_when_a_character_needs_one(monkeypatch):
    calls = []
    monkeypatch.setattr(fonts, "fallback_fonts", lambda: calls.append(1) or ())
    chain = fonts.FontChain(None, None)
    chain.runs("张三反映的问题")
    assert calls == []
    chain.runs("王𠮷")
    chain.runs("王𠮷𠀀")
    assert calls == [1] and chain.missing == ["𠮷", "𠀀"]


def test_font_fallback_draws_missing_characters_in_the_bundled_font(monkeypatch):
    # a chosen font without 堃: the character comes from the bundled font, nothing reported
    chain = fonts.FontChain(None, None)
    real = chain.bundled
    chosen = fonts.Font("chosen", frozenset(c for c in real.cmap if c != ord("堃")), real.widths, 1.0)
    chain.primary = chosen
    chain.chain = [chosen, real]
    runs = chain.runs("李堃你好")
    assert [(f.name, t) for f, t in runs] == [("chosen", "李"), (real.name, "堃"), ("chosen", "你好")]
    assert chain.missing == []


def test_explicit_truetype_font_is_accepted():
    check_font(bundled_font())
    n, data = rendered([notice()], font_path=bundled_font())
    assert n == 1 and "受理告知书" in pages_text(data)[0]


def test_check_font_refuses_missing_text_and_cff_files(tmp_path):
    with pytest.raises(ValidationError, match="字体文件不存在"):
        check_font(tmp_path / "nope.ttf")
    txt = tmp_path / "fake.ttf"
    txt.write_text("这不是字体", encoding="utf-8")
    with pytest.raises(ValidationError, match="字体文件不是 TrueType 格式"):
        check_font(txt)
    # a minimal OpenType/CFF header (sfnt version 'OTTO' with a CFF table)
    cff = tmp_path / "fake.otf"
    cff.write_bytes(b"OTTO" + struct.pack(">HHHH", 1, 16, 0, 0) + b"CFF " + bytes(12))
    with pytest.raises(ValidationError, match="字体文件不是 TrueType 格式"):
        check_font(cff)
    with pytest.raises(ValidationError, match="字体文件不是 TrueType 格式"):
        render([notice()], io.BytesIO(), font_path=txt)


def test_check_font_refuses_a_real_cff_font():
    path = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
    if not path.exists():
        pytest.skip("no CFF CJK font installed")
    with pytest.raises(ValidationError, match="字体文件不是 TrueType 格式"):
        check_font(path)


def test_font_is_embedded_as_a_subset():
    _, data = rendered([notice()])
    assert len(data) < 200_000 < bundled_font().stat().st_size
    assert b"FontFile2" in data


def test_void_notice_is_marked():
    _, data = rendered([notice(void=True)])
    assert "已作废" in pages_text(data)[0]
    _, data = rendered([notice()])
    assert "已作废" not in pages_text(data)[0]


def test_snapshot_shapes_are_accepted():
    """An issued snapshot carries the date as text, one delivery text and a void note."""
    doc = notice(date="2026年11月22日", delivery="送达：当面 2026年11月23日 张三",
                 void="已作废：文号填错", paragraphs=(BODY,))
    _, data = rendered([doc])
    lines = pages_text(data)[0].splitlines()
    assert "2026年11月22日" in lines
    assert "送达：当面 2026年11月23日 张三" in lines
    assert any("已作废：文号填错" in ln for ln in lines)
    _, data = rendered([notice(delivery=None, void=None)])
    assert "已作废" not in pages_text(data)[0]


def body_lines(n: int) -> str:
    """A paragraph of exactly ``n`` lines on the 28-character grid (first line indented 2)."""
    return "甲" * (26 + 28 * (n - 1))


def test_a_full_page_is_tightened_instead_of_printing_the_signature_alone():
    # 17 body lines and 「特此告知。」 fill page 1 to its last grid line: the seal room and the date
    # do not fit. GB/T 9704: the line and character spacing is adjusted, the notice stays one page.
    n, data = rendered([notice(paragraphs=[body_lines(17), "特此告知。"])])
    assert n == 1
    lines = pages_text(data)[0].splitlines()
    assert lines[-4:-1] == ["特此告知。", "北京市朝阳区总工会", "2026年11月22日"]
    layout = pdf._layout(notice(paragraphs=[body_lines(17), "特此告知。"]), fonts.FontChain(None, None))
    assert layout[0].grid != pdf.DEFAULT_GRID and layout[0].grid in pdf.TIGHTER_GRIDS
    # a notice that fits keeps the standard 22 × 28 grid
    assert pdf._layout(notice(), fonts.FontChain(None, None))[0].grid == pdf.DEFAULT_GRID


@pytest.mark.parametrize("n_lines", [18, 19, 20])
def test_page_two_never_holds_only_the_closing_and_signature(n_lines):
    # too long for one page even on the tightest grid: page 2 carries body text with the closing
    n, data = rendered([notice(paragraphs=[body_lines(n_lines), "特此告知。"])])
    assert n == 2
    second = pages_text(data)[1].splitlines()
    assert second[0].startswith("甲"), second
    assert second[-4:-1] == ["特此告知。", "北京市朝阳区总工会", "2026年11月22日"]


def test_justified_lines_end_at_the_right_margin():
    # every full line of a paragraph (also one with Latin letters, digits and a carried word,
    # which leaves more room than two characters) ends exactly at the right margin; the last
    # line of each paragraph is left ragged
    text = ("你于2026年11月10日通过来访方式反映的北京某某科技有限公司拖欠工资问题（案件编号"
            "C2026-000001，登记号2026-000001），经审查，符合受理条件，我会已依法受理。" * 3)
    chain = fonts.FontChain(None, None)
    for grid in (pdf.DEFAULT_GRID, *pdf.TIGHTER_GRIDS):
        pages, _ = pdf._layout_on(notice(paragraphs=[text, "短段落。"]), chain, grid)
        body = [ln for p in pages for ln in p.lines if ln is not None and ln.body]
        full = [ln for ln in body if ln.justify]
        assert len(full) >= 5
        right = pdf.MARGIN_LEFT + pdf.TEXT_W
        for ln in full:
            x, _cs, w = pdf.line_box(chain, ln, grid)
            assert abs(x + w - right) < 0.01, (grid, ln.text)
        for ln in body:
            if not ln.justify:
                x, _cs, w = pdf.line_box(chain, ln, grid)
                assert x + w < right - 1, ln.text
    # the old cut-off (no spreading beyond two characters of room) left this line ragged
    wide = [ln for ln in pdf._layout_on(notice(paragraphs=[text]), chain, pdf.DEFAULT_GRID)[0][0].lines
            if ln is not None and ln.justify]
    natural = [fonts.text_width(chain, ln.text, pdf.BODY_SIZE, pdf._char_space(pdf.BODY_SIZE)) + ln.x_offset
               for ln in wide]
    assert min(natural) < pdf.TEXT_W - 2 * pdf.PITCH


def test_every_font_the_pdf_names_is_embedded():
    # reportlab starts each page in Helvetica: it must not be named (unembedded) in the PDF
    for doc in (notice(), notice(title="信访事项登记表", sheet=True, paragraphs=["登记号：1"])):
        _, data = rendered([doc])
        for page in PdfReader(io.BytesIO(data)).pages:
            fonts_used = page["/Resources"]["/Font"]
            assert fonts_used
            for name, ref in fonts_used.items():
                font = ref.get_object()
                desc = font.get("/FontDescriptor")
                if desc is None and "/DescendantFonts" in font:
                    desc = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
                desc = desc.get_object() if desc is not None else {}
                assert any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")), \
                    (name, font.get("/BaseFont"))


def test_amounts_stay_whole_at_a_line_end():
    # 「¥10,230.00」 never breaks at its comma or after the currency sign
    assert "¥10,230.00" in text_wrap._tokens("追回¥10,230.00元")
    text = "经调解，单位支付部分款项，余款约定分期支付，追回¥10,230.00元"
    for line in wrap(text, 28, indent=2):
        assert not line.endswith(("¥", "¥10,", ",")), line


def sheet(**kw) -> NoticeDocument:
    base = dict(issuer="北京市朝阳区总工会", doc_no="", title="信访事项登记表", addressee="张三",
                paragraphs=["登记号：2026-000012　　案件编号：C2026-000006",
                            "信访人：张三　　人数：1　　代表：",
                            "事实和理由：" + "本人于2021年10月入职，工资一直未付。" * 4],
                date=date(2026, 11, 23), sheet=True)
    base.update(kw)
    return NoticeDocument(**base)


def test_registration_sheet_is_a_table_without_addressee_or_number():
    n, data = rendered([sheet()])
    assert n == 1
    text = pages_text(data)[0]
    assert text.startswith("信访事项登记表")
    assert "张三：" not in text and "〔" not in text
    assert "登记单位：北京市朝阳区总工会" in text and "打印日期：2026年11月23日" in text
    flat = text.replace("\n", "").replace(" ", "")
    assert "登记号2026-000012案件编号C2026-000006" in flat
    # the cells are ruled: the page draws rectangles
    content = PdfReader(io.BytesIO(data)).pages[0].get_contents().get_data()
    assert content.count(b" re") >= 8


def test_a_long_sheet_row_continues_on_the_next_page():
    long_facts = "事实和理由：" + "本人于2021年10月入职北京某某公司，项目完工后包工头称总包单位未结算。" * 40
    n, data = rendered([sheet(paragraphs=["登记号：2026-000012", long_facts, "登记人：小陈"])])
    assert n >= 2
    pages = pages_text(data)
    assert "登记单位" in pages[0] and "登记单位" not in pages[1]
    assert "登记人" in pages[-1] and pages[-1].rstrip().endswith(f"— {n} —".replace(" ", " "))
    flat = "".join(p.replace("\n", "").replace(" ", "") for p in pages)
    assert flat.count("本人于2021年10月入职") == 40


@pytest.fixture
def windows_fonts(tmp_path, monkeypatch):
    """A Windows font folder holding simfang.ttf and simsun.ttc (copies of a real TrueType file)."""
    folder = tmp_path / "Windows" / "Fonts"
    folder.mkdir(parents=True)
    for name in ("simfang.ttf", "simsun.ttc"):
        (folder / name).write_bytes(bundled_font().read_bytes())
    monkeypatch.setenv("WINDIR", str(tmp_path / "Windows"))
    monkeypatch.delenv("LOCALAPPDATA", raising=False)
    fonts.system_fonts.cache_clear()
    yield folder
    fonts.system_fonts.cache_clear()


def test_windows_fangsong_is_used_without_being_asked(windows_fonts, tmp_path):
    chosen = fonts.choose("")
    assert chosen.body == windows_fonts / "simfang.ttf" and "仿宋" in chosen.label
    assert chosen.title == windows_fonts / "simsun.ttc" and "宋体" in chosen.title_label
    assert chosen.warnings == ()
    # an office-chosen file wins; a gone one warns and names the face used instead
    own = tmp_path / "office.ttf"
    own.write_bytes(bundled_font().read_bytes())
    assert fonts.choose(str(own)).body == own
    gone = fonts.choose(str(tmp_path / "gone.ttf"))
    assert gone.body == windows_fonts / "simfang.ttf"
    assert len(gone.warnings) == 1 and "已不存在" in gone.warnings[0] and "仿宋" in gone.warnings[0]


def test_linux_song_face_is_preferred_over_the_bundled_sans(monkeypatch, tmp_path):
    uming = tmp_path / "uming.ttc"
    uming.write_bytes(bundled_font().read_bytes())
    monkeypatch.delenv("WINDIR", raising=False)
    monkeypatch.delenv("SystemRoot", raising=False)
    monkeypatch.delenv("LOCALAPPDATA", raising=False)
    real = fonts._body_candidates
    monkeypatch.setattr(fonts, "_body_candidates", lambda: [
        (uming if p.name == "uming.ttc" else tmp_path / "none" / p.name, label) for p, label in real()])
    monkeypatch.setattr(fonts, "_title_candidates", lambda: [])
    fonts.system_fonts.cache_clear()
    try:
        chosen = fonts.choose("")
        assert chosen.body == uming and chosen.label == "宋体（AR PL UMing）"
        assert chosen.title == uming                      # no 小标宋 or 宋体 file: the body's face
        monkeypatch.setattr(fonts, "_body_candidates", lambda: [])
        fonts.system_fonts.cache_clear()
        assert fonts.choose("").body is None and fonts.choose("").label == fonts.BUNDLED_LABEL
    finally:
        fonts.system_fonts.cache_clear()


def test_the_title_is_drawn_in_its_own_face():
    title_font = Path("/usr/share/fonts/truetype/arphic/uming.ttc")
    if not title_font.is_file():
        pytest.skip("AR PL UMing not installed (apt-get install fonts-arphic-uming)")
    _, data = rendered([notice()], title_font_path=title_font)
    page = PdfReader(io.BytesIO(data)).pages[0]
    names = {str(f.get_object()["/BaseFont"]) for f in page["/Resources"]["/Font"].values()}
    assert any("UMing" in n for n in names) and any("WenQuanYi" in n for n in names), names
    assert pages_text(data)[0].startswith("受理告知书")


def test_an_unusable_system_font_is_passed_over(windows_fonts):
    # a table directory naming cmap and glyf (passes the header check) but no tables behind it
    (windows_fonts / "simfang.ttf").write_bytes(b"\x00\x01\x00\x00" + struct.pack(">HHHH", 2, 32, 1, 0)
                                                + b"cmap" + bytes(12) + b"glyf" + bytes(12) + bytes(100))
    fonts.system_fonts.cache_clear()
    chosen = fonts.choose("")
    assert chosen.body == windows_fonts / "simsun.ttc" and "宋体" in chosen.label
    _, data = rendered([notice()], font_path=chosen.body, title_font_path=chosen.title)
    assert pages_text(data)[0].startswith("受理告知书")
