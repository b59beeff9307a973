"""Printed notices (issue 4): every kind issued for a case / registration and rendered with
``notice_pdf.render_pdf``, the text read back with pypdf states what DESIGN §4 requires; reprints
read back identically; the office font and date settings; ``issue_for_cases`` (reuse, refusal,
one transaction: a cancel leaves no gap); ``preview_pdf``; ``find_subject``; rare characters."""
from __future__ import annotations

import dataclasses
import io
import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from app.db.models import Counter, Notice
from app.domain.enums import RejectReason, Role
from app.domain.errors import Cancelled, Conflict, NotFound, PermissionDenied, ValidationError
from app.domain.notices import DOC_WORDS, NoticeKind
from app.output import fonts, pdf
from app.paths import bundled_font
from app.services.petitions import cases, notice_pdf, notice_templates, notices
from app.services import people, settings
from app.services.petitions import registration
from app.services.people import EmployerInput, PersonInput
from tests.services.test_notices import NOW, form, office, staff  # noqa: F401 - fixtures

NAME = "李堃"           # a rare-ish character the bundled font has
EXT_A = "王䶮"          # U+4DAE, CJK Extension A: not in the bundled font
EXT_B = "王𠮷"          # U+20BB7, CJK Extension B: not in the bundled font
DOC_NO = re.compile(r"朝工信\w{0,2}〔2026〕[1-9][0-9]*号")
DATE = "2026年11月20日"


def pdf_text(data: bytes | Path) -> str:
    raw = data.read_bytes() if isinstance(data, Path) else data
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(raw)).pages)


def flat(text: str) -> str:
    return "".join(text.split())


def make_person(db, admin, name: str):
    found = people.find_employers(db, "北京某某电子有限公司")
    employer = found[0] if found else None
    if employer is None:
        employer = people.create_employer(db, admin, EmployerInput(name="北京某某电子有限公司"))
    return people.create_person(db, admin, PersonInput(name=name, phone="13812345678",
                                                       employer_id=employer.id))


def register(db, staff, person, **kw):
    return registration.register(db, staff[Role.CLERK], form(person_id=person.id, **kw), now=NOW)


def subjects(db, staff, person) -> dict[str, dict]:
    """A subject for every kind: one accepted case taken through 交办, 延期 and 办结, and four
    registrations with the other dispositions."""
    m, w = staff[Role.MANAGER], staff[Role.CASEWORKER]
    acc = register(db, staff, person)
    cases.assign(db, m, acc.case_id, kind="department", assignee_name="法律部",
                 handler_id=w.user_id, now=NOW)
    cases.request_extension(db, w, acc.case_id, "需要调取考勤记录并询问证人", now=NOW)
    cases.decide_extension(db, m, acc.case_id, True, now=NOW)
    cases.conclude(db, w, acc.case_id, "partly", "经协调，公司同意分两期支付拖欠工资", now=NOW)
    return {
        "accept": {"case_id": acc.case_id}, "assign": {"case_id": acc.case_id},
        "extend": {"case_id": acc.case_id}, "reply": {"case_id": acc.case_id},
        "register_sheet": {"case_id": acc.case_id},
        "reject": {"registration_id": register(db, staff, person, disposition="not_accepted",
                                               reject_reason=RejectReason.ARBITRATION).id},
        "transfer": {"registration_id": register(
            db, staff, person, disposition="transferred", transfer_to="朝阳区人力资源和社会保障局",
            transfer_reason="属于劳动保障监察职责范围").id},
        "repeat": {"registration_id": register(db, staff, person, disposition="repeat",
                                               repeat_of_case_id=acc.case_id).id},
        "no_more": {"registration_id": register(db, staff, person, disposition="no_more",
                                                earlier_documents="朝工信复〔2025〕3号（2025年6月3日）").id},
        "_case": acc,
    }


# What each kind must state (DESIGN §4 table), as the shipped templates word it.
MUST = {
    "accept": ["来访", "公司拖欠工资三个月", "予以受理", "办结", "010-65001234", "刘老师"],
    "reject": ["公司拖欠工资三个月", RejectReason.ARBITRATION.label, "信访工作条例",
               "劳动人事争议仲裁委员会", "不予受理"],
    "transfer": ["公司拖欠工资三个月", "朝阳区人力资源和社会保障局", "属于劳动保障监察职责范围",
                 "15日内", "书面告知"],
    "assign": ["法律部", "公司拖欠工资三个月", "支付拖欠的工资", "办理要求", "反馈"],
    "extend": ["需要调取考勤记录并询问证人", "负责人批准"],
    "reply": ["支付拖欠的工资", "自2026年8月起未发工资", "信访工作条例", "部分支持",
              "经协调，公司同意分两期支付拖欠工资", "30日内", "复查"],
    "repeat": ["公司拖欠工资三个月", "已受理", "信访工作条例", "不予重复受理"],
    "no_more": ["公司拖欠工资三个月", "朝工信复〔2025〕3号（2025年6月3日）", "同一事实和理由",
                "第三十六条", "不再受理"],
    "register_sheet": ["公司拖欠工资三个月", "劳动报酬/欠薪", "北京某某电子有限公司"],
}


@pytest.fixture
def printed(db, admin, staff, tmp_path):
    assert staff[Role.CLERK].display_name == REGISTRAR
    """Every kind issued for 李堃 and rendered: kind → (NoticeRecord, flattened PDF text)."""
    person = make_person(db, admin, NAME)
    subj = subjects(db, staff, person)
    acc = subj.pop("_case")
    out = {}
    for kind, subject in subj.items():
        n = notices.issue(db, staff[Role.CLERK], kind, now=NOW, **subject)
        path = tmp_path / f"{kind}.pdf"
        result = notice_pdf.render_pdf(db, [n.id], path)
        assert result.pages >= 1 and result.missing == () and result.warnings == ()
        out[kind] = (n, flat(pdf_text(path)))
    out["_case"] = acc
    return out


def test_every_kind_prints_what_design_requires(db, printed):
    for kind in [k.value for k in NoticeKind]:
        check_printed(db, printed, kind)


REGISTRAR = "登记员小陈"     # the clerk of tests.services.test_notices.staff, who registers


def check_printed(db, printed, kind: str) -> None:
    n, text = printed[kind]
    acc = printed["_case"]
    assert text.startswith(NoticeKind(kind).title), kind
    if NoticeKind(kind).numbered:
        assert DOC_NO.fullmatch(n.doc_no) and n.doc_no in text, kind
        assert text.index(n.doc_no) < text.index(f"{n.addressee}："), kind
    else:
        assert n.doc_no == "" and "〔" not in text, kind
    assert NAME in text, kind                                       # the petitioner
    if NoticeKind(kind).is_sheet:
        # a form: no addressee line; the office and the date above the table, a cell a field
        assert f"{n.addressee}：" not in text, kind
        assert f"登记单位：朝阳区总工会打印日期：{DATE}登记号{acc.reg_no}" in text, kind
        assert f"信访人{NAME}" in text and f"登记人{REGISTRAR}" in text, kind
    else:
        assert f"{n.addressee}：" in text, kind                     # addressee line
        assert "朝阳区总工会" in text and DATE in text, kind          # issuer over the date
        assert text.index("朝阳区总工会", len(text) // 2) < text.rindex(DATE), kind
    assert text.rstrip().endswith("—1—"), kind                      # page number 「— 1 —」
    for must in MUST[kind]:
        assert flat(must) in text, (kind, must)
    case = cases.get_case(db, acc.case_id)
    if kind == "accept":
        d = case.due_date
        assert f"{d.year}年{d.month}月{d.day}日" in text and acc.reg_no in text
    if kind == "repeat":
        assert acc.case_no in text
    if kind == "extend":
        assert f"{case.due_date.year}年{case.due_date.month}月{case.due_date.day}日" in text
    if kind == "register_sheet":
        assert acc.reg_no in text


def test_numbers_follow_the_format_per_kind(printed):
    numbered = [printed[k.value][0] for k in NoticeKind if k.numbered]
    # each kind its own 代字 and sequence: every kind's first number of the year, none alike
    assert [n.doc_no for n in numbered] == [f"朝工信{DOC_WORDS[n.kind]}〔2026〕1号" for n in numbered]
    assert len({n.doc_no for n in numbered}) == 8


def test_reprint_reads_back_identically_whatever_changed(db, admin, staff, printed, tmp_path):
    settings.save(db, admin, {"office.name": "朝阳区总工会（新）", "office.doc_prefix": "朝工",
                              "office.notice_date_chinese": True})
    notice_templates.save_template(db, admin, "accept", "改过的模板{summary}")
    for kind in ("accept", "reject", "register_sheet"):
        n, first = printed[kind]
        again = tmp_path / f"again-{kind}.pdf"
        notice_pdf.render_pdf(db, [n.id], again)
        assert flat(pdf_text(again)).encode("utf-8") == first.encode("utf-8")


def test_chinese_date_for_new_notices_only(db, admin, staff, tmp_path):
    person = make_person(db, admin, NAME)
    acc = register(db, staff, person)
    before = notices.issue(db, staff[Role.CLERK], "accept", case_id=acc.case_id, now=NOW)
    settings.save(db, admin, {"office.notice_date_chinese": True})
    after = notices.issue(db, staff[Role.CLERK], "accept", case_id=acc.case_id, now=NOW)
    assert before.date_text == DATE and after.date_text == "二〇二六年十一月二十日"
    out = tmp_path / "both.pdf"
    assert notice_pdf.render_pdf(db, [before.id, after.id], out).pages == 2
    first, second = [flat(p.extract_text()) for p in PdfReader(out).pages]
    assert DATE in first and "二〇二六" not in first
    assert "二〇二六年十一月二十日" in second


# ------------------------------------------------------------------------------ font setting

def test_font_setting_refuses_what_is_not_truetype(db, admin, tmp_path):
    garbage = tmp_path / "fangsong.ttf"
    garbage.write_bytes(b"not a font at all" * 10)
    cff = tmp_path / "fangsong.otf"
    cff.write_bytes(b"OTTO" + bytes([0, 1, 0, 16, 0, 0, 0, 0]) + b"CFF " + bytes(12))
    for bad, why in ((garbage, "不是 TrueType"), (cff, "不是 TrueType"),
                     (tmp_path / "gone.ttf", "不存在")):
        with pytest.raises(ValidationError) as e:
            settings.save(db, admin, {"office.notice_font": str(bad)})
        assert e.value.fields == ["文书字体文件"] and why in str(e.value)
    assert settings.get(db, "office.notice_font") == ""
    assert notice_pdf.font_path(db) is None
    settings.save(db, admin, {"office.notice_font": ""})         # empty: the bundled font


def test_bool_setting_understands_text(db, admin):
    for text, value in (("是", True), ("否", False), ("True", True), ("False", False), (True, True)):
        settings.save(db, admin, {"office.notice_date_chinese": text})
        assert settings.get(db, "office.notice_date_chinese") is value
    with pytest.raises(ValidationError, match="文书日期用汉字"):
        settings.save(db, admin, {"office.notice_date_chinese": "也许"})
    assert settings.office(db).notice_date_chinese is True


def truetype_font() -> Path | None:
    for path in (Path("/usr/share/fonts/truetype/hanazono/HanaMinA.ttf"),
                 Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
                 Path("C:/Windows/Fonts/simfang.ttf")):
        if path.is_file():
            return path
    return None


def test_office_font_is_used_and_a_gone_font_warns(db, admin, staff, tmp_path):
    source = truetype_font()
    if source is None:
        pytest.skip("no second TrueType font installed (HanaMinA, DejaVuSans or simfang)")
    font = tmp_path / source.name
    shutil.copy(source, font)
    settings.save(db, admin, {"office.notice_font": str(font)})
    assert notice_pdf.font_path(db) == font
    person = make_person(db, admin, NAME)
    n = notices.issue(db, staff[Role.CLERK], "accept", case_id=register(db, staff, person).case_id,
                      now=NOW)
    out = tmp_path / "font.pdf"
    result = notice_pdf.render_pdf(db, [n.id], out)
    assert result.warnings == ()
    data = out.read_bytes()
    ps_name = fonts.Font.load(font).name
    assert re.search(rb"/BaseFont /[A-Z]{6}\+" + {"HanaMinA.ttf": b"HanaMinA",
                                                 "DejaVuSans.ttf": b"DejaVuSans",
                                                 "simfang.ttf": b"FangSong"}[source.name], data), ps_name
    assert len(data) < 300_000 < font.stat().st_size or font.stat().st_size < 300_000
    # the file is gone: printed in the bundled font, with a warning instead of a failure
    font.unlink()
    assert notice_pdf.font_path(db) is None
    out2 = tmp_path / "font2.pdf"
    result = notice_pdf.render_pdf(db, [n.id], out2)
    assert result.pages == 1 and len(result.warnings) == 1 and "已不存在" in result.warnings[0]
    assert flat(pdf_text(out2)) == flat(pdf_text(out))


def test_bundled_font_copy_accepted_as_office_font(db, admin):
    font = bundled_font()
    settings.save(db, admin, {"office.notice_font": str(font)})
    assert notice_pdf.font_path(db) == font


# ------------------------------------------------------------------------------ rare characters

@pytest.fixture
def no_fallback(monkeypatch):
    monkeypatch.setattr(fonts, "fallback_fonts", lambda: ())


def fallback_with(cp: int) -> bool:
    return any(cp in fonts.Font.load(p).cmap for p in fonts.fallback_fonts())


@pytest.mark.parametrize("name", [EXT_A, EXT_B])
def test_rare_names_print_from_a_fallback_font(db, admin, staff, tmp_path, name):
    if not fallback_with(ord(name[1])):
        pytest.skip(f"no TrueType font with U+{ord(name[1]):04X} installed "
                    "(e.g. fonts-hanazono, SimSun / SimSun-ExtB)")
    person = make_person(db, admin, name)
    n = notices.issue(db, staff[Role.CLERK], "accept", case_id=register(db, staff, person).case_id,
                      now=NOW)
    out = tmp_path / "rare.pdf"
    result = notice_pdf.render_pdf(db, [n.id], out)
    assert result.missing == ()
    text = flat(pdf_text(out))
    assert f"{name}：" in text and "〓" not in text
    assert out.stat().st_size < 200_000                 # fonts embedded as subsets


def test_rare_name_no_font_has_prints_as_placeholder_and_is_reported(db, admin, staff, tmp_path,
                                                                     no_fallback):
    person = make_person(db, admin, EXT_B)
    n = notices.issue(db, staff[Role.CLERK], "accept", case_id=register(db, staff, person).case_id,
                      now=NOW)
    out = tmp_path / "placeholder.pdf"
    result = notice_pdf.render_pdf(db, [n.id], out)
    assert result.missing == ("𠮷",)
    assert "王〓：" in flat(pdf_text(out))


# ------------------------------------------------------------------------------ batches

def accepted_cases(db, admin, staff, count: int, person=None):
    person = person or make_person(db, admin, NAME)
    return [register(db, staff, person, summary=f"公司拖欠工资第{i}批") for i in range(count)]


def notice_count(db) -> int:
    with db.read() as s:
        return s.execute(select(func.count(Notice.id))).scalar_one()


def test_issue_for_cases_reuses_issues_and_refuses(db, admin, staff, tmp_path):
    clerk = staff[Role.CLERK]
    person = make_person(db, admin, NAME)
    regs = accepted_cases(db, admin, staff, 4, person)
    ids = [r.case_id for r in regs]
    old = notices.issue(db, clerk, "accept", case_id=ids[1], now=NOW)
    seen = []
    batch = notices.issue_for_cases(db, clerk, "accept", ids, now=NOW,
                                    progress=lambda d, t: seen.append((d, t)))
    assert batch.issued == 3 and batch.reused == 1 and batch.refused == ()
    assert batch.notice_ids[1] == old.id and len(batch.notice_ids) == 4
    assert [notices.get_notice(db, i).doc_no for i in batch.notice_ids] == \
        ["朝工信受〔2026〕2号", "朝工信受〔2026〕1号", "朝工信受〔2026〕3号", "朝工信受〔2026〕4号"]
    assert seen == [(i, 4) for i in range(1, 5)]
    # again: everything is a reprint, no new number
    again = notices.issue_for_cases(db, clerk, "accept", ids, now=NOW)
    assert again.notice_ids == batch.notice_ids and again.issued == 0 and again.reused == 4
    # a case listed twice gets one new notice, printed twice
    twice = register(db, staff, person, summary="公司未签劳动合同")
    dup = notices.issue_for_cases(db, clerk, "accept", [twice.case_id, ids[0], twice.case_id], now=NOW)
    assert dup.issued == 1 and dup.reused == 2
    assert dup.notice_ids[0] == dup.notice_ids[2] != dup.notice_ids[1]
    assert notices.get_notice(db, dup.notice_ids[0]).doc_no == "朝工信受〔2026〕5号"
    # a kind that does not fit is refused per case, with its number and reason
    ext = notices.issue_for_cases(db, clerk, "extend", ids[:2] + [999_999], now=NOW)
    assert ext.notice_ids == () and ext.issued == 0
    assert ext.refused == ((regs[0].case_no, "该案件未延期，不能出具延期告知书"),
                           (regs[1].case_no, "该案件未延期，不能出具延期告知书"),
                           ("#999999", "找不到该案件，可能已被删除"))
    # registration kinds go through the case's registration
    sheets = notices.issue_for_cases(db, clerk, "register_sheet", ids, now=NOW)
    assert sheets.issued == 4
    assert [notices.get_notice(db, i).registration_id for i in sheets.notice_ids] == [r.id for r in regs]
    rej = notices.issue_for_cases(db, clerk, "reject", ids[:1], now=NOW)
    assert rej.refused and "不能出具不予受理告知书" in rej.refused[0][1]
    # without issue_missing nothing new is issued
    fresh = register(db, staff, person, summary="公司未缴社保")
    only = notices.issue_for_cases(db, admin, "accept", [fresh.case_id, ids[0]], issue_missing=False)
    assert only.notice_ids == (batch.notice_ids[0],)
    assert only.refused == ((fresh.case_no, "尚未出具受理告知书"),)
    # the whole batch into one PDF, in order
    out = tmp_path / "batch.pdf"
    result = notice_pdf.render_pdf(db, batch.notice_ids, out)
    assert result.pages == 4
    firsts = [flat(p.extract_text()) for p in PdfReader(out).pages]
    assert [re.search(r"朝工信受〔2026〕\d+号", t).group(0) for t in firsts] == \
        ["朝工信受〔2026〕2号", "朝工信受〔2026〕1号", "朝工信受〔2026〕3号", "朝工信受〔2026〕4号"]


def test_cancelled_batch_returns_every_new_number(db, admin, staff):
    clerk = staff[Role.CLERK]
    ids = [r.case_id for r in accepted_cases(db, admin, staff, 5)]
    notices.issue(db, clerk, "accept", case_id=ids[0], now=NOW)

    def cancel_at_4(done, total):
        if done == 4:
            raise Cancelled()
    with pytest.raises(Cancelled):
        notices.issue_for_cases(db, clerk, "accept", ids, progress=cancel_at_4, now=NOW)
    assert notice_count(db) == 1
    with db.read() as s:
        assert s.execute(select(Counter.last).where(Counter.name == "notice:accept")).scalar_one() == 1
    batch = notices.issue_for_cases(db, clerk, "accept", ids, now=NOW)
    with db.read() as s:
        serials = sorted(s.execute(select(Notice.serial)).scalars())
    assert batch.issued == 4 and serials == [1, 2, 3, 4, 5]


def test_batch_needs_the_permission_to_issue(db, admin, staff):
    ids = [r.case_id for r in accepted_cases(db, admin, staff, 1)]
    with pytest.raises(PermissionDenied):
        notices.issue_for_cases(db, admin, "accept", ids)
    assert notice_count(db) == 0


def test_render_pdf_cancel_leaves_no_file_and_unknown_ids(db, admin, staff, tmp_path):
    clerk = staff[Role.CLERK]
    ids = [r.case_id for r in accepted_cases(db, admin, staff, 2)]
    batch = notices.issue_for_cases(db, clerk, "accept", ids, now=NOW)
    out = tmp_path / "cancel.pdf"

    def cancel(done, total):
        raise Cancelled()
    with pytest.raises(Cancelled):
        notice_pdf.render_pdf(db, batch.notice_ids, out, progress=cancel)
    assert list(tmp_path.glob("cancel.pdf*")) == []
    with pytest.raises(NotFound):
        notice_pdf.render_pdf(db, [batch.notice_ids[0], 424242], out)
    assert not out.exists()


def test_render_with_delivery_and_void(db, admin, staff, tmp_path):
    clerk = staff[Role.CLERK]
    reg = accepted_cases(db, admin, staff, 1)[0]
    n = notices.issue(db, clerk, "accept", case_id=reg.case_id, now=NOW)
    notices.record_delivery(db, clerk, n.id, "当面", "2026-11-20", NAME, now=NOW)
    out = tmp_path / "d.pdf"
    notice_pdf.render_pdf(db, [n.id], out, with_delivery=True)
    assert flat(f"送达：当面 2026年11月20日 {NAME}") in flat(pdf_text(out))
    notices.void(db, clerk, n.id, "地址写错", now=NOW)
    notice_pdf.render_pdf(db, [n.id], out)
    assert "已作废：地址写错" in pdf_text(out)


# ------------------------------------------------------------------------------ preview, subject

def test_preview_pdf(db, admin, staff):
    buf = io.BytesIO()
    result = notice_pdf.preview_pdf(db, "accept", "你反映的{summary}已于{accepted_date}受理。", buf)
    assert result.pages == 1
    text = flat(pdf_text(buf.getvalue()))
    assert text.startswith("受理告知书") and "朝阳区总工会" in text
    assert re.search(r"朝工信受〔\d{4}〕1号", text)
    assert "你反映的【事项摘要】已于【受理日期】受理。" in text
    # the current template when no text is given
    buf = io.BytesIO()
    notice_pdf.preview_pdf(db, "reject", None, buf)
    assert "【不予受理理由】" in flat(pdf_text(buf.getvalue()))
    with pytest.raises(ValidationError, match=r"\{foo\}") as e:
        notice_pdf.preview_pdf(db, "accept", "{summary}{foo}", io.BytesIO())
    assert e.value.fields == ["模板"]


def test_preview_pdf_leaves_no_file_on_a_bad_template(db, office, tmp_path):
    out = tmp_path / "p.pdf"
    with pytest.raises(ValidationError):
        notice_pdf.preview_pdf(db, "accept", "{nope}", out)
    assert not out.exists()
    notice_pdf.preview_pdf(db, "register_sheet", None, out)
    assert "〔" not in pdf_text(out).splitlines()[1]


def test_find_subject(db, admin, staff):
    person = make_person(db, admin, NAME)
    acc = register(db, staff, person)
    rej = register(db, staff, person, disposition="not_accepted", reject_reason="litigation")
    assert notices.find_subject(db, acc.case_no) == (acc.case_id, acc.id)
    assert notices.find_subject(db, f" {acc.reg_no} ") == (acc.case_id, acc.id)
    assert notices.find_subject(db, rej.reg_no) == (None, rej.id)
    with pytest.raises(NotFound, match="找不到编号为「C1999-000001」的案件、登记或文书"):
        notices.find_subject(db, "C1999-000001")


def test_reprint_or_issue(db, admin, staff):
    person = make_person(db, admin, NAME)
    acc = register(db, staff, person)
    first, new = notices.reprint_or_issue(db, staff[Role.CLERK], "accept", case_id=acc.case_id,
                                          now=NOW)
    again, new2 = notices.reprint_or_issue(db, staff[Role.CLERK], "accept", case_id=acc.case_id)
    assert new and not new2 and again.id == first.id and again.doc_no == "朝工信受〔2026〕1号"
    with pytest.raises(Conflict):
        notices.reprint_or_issue(db, staff[Role.CLERK], "extend", case_id=acc.case_id)


# ------------------------------------------------------------------------------ issue 13: how notices read

FACTS_UNIT = "经查，公司自2026年8月起未按时足额发放工资，信访人提供的考勤记录与工资条相互印证。"


def concluded_case(db, admin, staff, facts: str, name: str = "张三", **kw):
    m, w = staff[Role.MANAGER], staff[Role.CASEWORKER]
    acc = registration.register(db, staff[Role.CLERK], form(person_id=make_person(db, admin, name).id,
                                                      facts=facts, **kw), now=NOW)
    cases.assign(db, m, acc.case_id, kind="handler", handler_id=w.user_id, now=NOW)
    cases.conclude(db, w, acc.case_id, "partly", "经协调，公司同意分两期支付拖欠工资。", now=NOW)
    return acc


def _facts(n: int) -> str:
    return (FACTS_UNIT * 20)[:n]


def _breaks_on_the_standard_grid(db, admin, staff) -> tuple[int, int]:
    """Lengths of the facts at which a 处理意见书 on the standard 22 × 28 grid has no room left for
    the seal and date under its last line (the layout that used to print 「特此答复。」 and the
    signature alone on page 2): one where a tighter grid keeps it on one page, one where it does
    not (two pages either way)."""
    probe = concluded_case(db, admin, staff, FACTS_UNIT, name="探针")
    doc = notices.document(db, notices.issue(db, staff[Role.MANAGER], "reply",
                                             case_id=probe.case_id, now=NOW).id)
    chain = fonts.FontChain(bundled_font(), None)
    i = next(j for j, p in enumerate(doc.paragraphs) if FACTS_UNIT in p)
    tightened = two_pages = None
    for n in range(len(FACTS_UNIT), 20 * len(FACTS_UNIT)):
        paras = list(doc.paragraphs)
        paras[i] = paras[i].replace(FACTS_UNIT, _facts(n))
        d = dataclasses.replace(doc, paragraphs=paras, addressee="张三")
        _pages, fits = pdf._layout_on(d, chain, pdf.DEFAULT_GRID)
        if fits:
            continue
        used = len(pdf._layout(d, chain))
        if used == 1 and tightened is None:
            tightened = n
        if used == 2 and two_pages is None and n > len(FACTS_UNIT) * 3:
            two_pages = n
        if tightened and two_pages:
            return tightened, two_pages
    raise AssertionError("no facts length fills the page")


def test_reply_is_tightened_not_split_before_the_signature(db, admin, staff, tmp_path):
    settings.save(db, admin, {"office.notice_font": str(bundled_font())})   # fixed metrics
    tightened, two_pages = _breaks_on_the_standard_grid(db, admin, staff)
    for n_chars, pages in ((tightened, 1), (two_pages, 2)):
        acc = concluded_case(db, admin, staff, _facts(n_chars))
        n = notices.issue(db, staff[Role.MANAGER], "reply", case_id=acc.case_id, now=NOW)
        out = tmp_path / f"reply{n_chars}.pdf"
        assert notice_pdf.render_pdf(db, [n.id], out).pages == pages
        texts = [p.extract_text() for p in PdfReader(out).pages]
        assert len(texts) == pages and flat(texts[-1]).endswith("特此答复。朝阳区总工会2026年11月20日—" + str(pages) + "—")
        if pages == 2:
            # page 2 holds body text, not only the closing and the signature
            body = flat(texts[1]).split("特此答复。")[0]
            assert len(body) > 10, texts[1]


def test_no_doubled_marks_in_any_kind(db, admin, staff, tmp_path):
    """Every value that ends with a sentence mark, in every kind: no 「。，」, 「。。」, 「。”」."""
    m, w = staff[Role.MANAGER], staff[Role.CASEWORKER]
    person = make_person(db, admin, NAME)
    end = dict(summary="公司拖欠工资三个月。", request="支付拖欠的工资。", facts="自2026年8月起未发工资。")
    acc = register(db, staff, person, **end)
    cases.assign(db, m, acc.case_id, kind="department", assignee_name="法律部", handler_id=w.user_id,
                 note="请三日内约谈公司负责人。", now=NOW)
    cases.request_extension(db, w, acc.case_id, "需要调取考勤记录并询问证人。", now=NOW)
    cases.decide_extension(db, m, acc.case_id, True, now=NOW)
    cases.conclude(db, w, acc.case_id, "partly", "经协调，公司同意分两期支付拖欠工资。", now=NOW)
    subjects_ = {
        "reject": register(db, staff, person, disposition="not_accepted",
                           reject_reason=RejectReason.ARBITRATION, **end),
        "transfer": register(db, staff, person, disposition="transferred", transfer_to="朝阳区人社局。",
                             transfer_reason="依法转送处理。", **end),
        "repeat": register(db, staff, person, disposition="repeat", repeat_of_case_id=acc.case_id, **end),
        "no_more": register(db, staff, person, disposition="no_more",
                            earlier_documents="朝工信复〔2025〕3号。", **end),
    }
    doubled = re.compile(r"[。，；：、！？][。，；：、！？”」）]")
    for kind in NoticeKind:
        subject = ({"registration_id": subjects_[kind.value].id} if kind.value in subjects_
                   else {"case_id": acc.case_id})
        n = notices.issue(db, staff[Role.CLERK], kind, now=NOW, **subject)
        out = tmp_path / f"{kind.value}.pdf"
        notice_pdf.render_pdf(db, [n.id], out)
        text = flat(pdf_text(out))
        assert not doubled.search(text), (kind, doubled.search(text).group(0), text)
    # the two the clerk saw
    transfer = flat(pdf_text(tmp_path / "transfer.pdf"))
    assert "因依法转送处理，依据" in transfer
    assert "因需要调取考勤记录并询问证人，经本单位负责人批准" in flat(pdf_text(tmp_path / "extend.pdf"))


def test_one_person_is_you_and_a_group_is_you_all(db, admin, staff, tmp_path):
    one = register(db, staff, make_person(db, admin, "张三"))
    group = register(db, staff, make_person(db, admin, "李四"), channel="visit", head_count=5,
                     representatives=["李四", "王五"])
    texts = {}
    for label, reg in (("one", one), ("group", group)):
        n = notices.issue(db, staff[Role.CLERK], "accept", case_id=reg.case_id, now=NOW)
        out = tmp_path / f"{label}.pdf"
        notice_pdf.render_pdf(db, [n.id], out)
        texts[label] = flat(pdf_text(out))
    assert "你（们）" not in texts["one"] and "你们" not in texts["one"]
    assert "张三：你于" in texts["one"] and "答复你；" in texts["one"]
    assert "你（们）" not in texts["group"] and "李四等5人：你们于" in texts["group"]


def test_assign_sheet_prints_the_requirements_and_addresses_a_person(db, admin, staff, tmp_path):
    m, w = staff[Role.MANAGER], staff[Role.CASEWORKER]
    person = make_person(db, admin, "张三")
    texts = {}
    for label, kw in (("person", dict(kind="handler", handler_id=w.user_id,
                                      note="请于三日内约谈公司负责人，核实欠薪金额。")),
                      ("union", dict(kind="lower_union", assignee_name="朝阳区某街道总工会")),):
        reg = register(db, staff, person)
        cases.assign(db, m, reg.case_id, now=NOW, **kw)
        n = notices.issue(db, m, "assign", case_id=reg.case_id, now=NOW)
        out = tmp_path / f"{label}.pdf"
        notice_pdf.render_pdf(db, [n.id], out)
        texts[label] = flat(pdf_text(out))
    assert "交由你办理" in texts["person"] and "你单位" not in texts["person"]
    assert "办理要求：请于三日内约谈公司负责人，核实欠薪金额。" in texts["person"]
    assert "防止矛盾激化" not in texts["person"]                 # not the boilerplate
    assert "朝阳区某街道总工会：" in texts["union"] and "交由你单位办理" in texts["union"]
    assert "办理要求：请依照《信访工作条例》" in texts["union"]    # none entered: the standard text


def test_deadline_in_a_year_without_holiday_data_warns_at_issue(db, admin, staff, tmp_path):
    from datetime import date as day
    from app.services import calendar
    subj = subjects(db, staff, make_person(db, admin, NAME))       # accepted 2026-11-20, extended
    acc = subj["_case"]
    with db.read() as s:
        from app.db.models import Case
        due = s.get(Case, acc.case_id).due_date
    assert due.year == 2027 and calendar.years_without_data(db, 2027, 2027) == [2027]
    rec = notices.issue(db, staff[Role.CLERK], "accept", case_id=acc.case_id, now=NOW)
    assert len(rec.warnings) == 1
    assert rec.warnings[0].startswith("2027年节假日数据未导入") and "导入2027年数据" in rec.warnings[0]
    # kinds that print no deadline do not warn; nor does a reprint read from the list
    assert notices.issue(db, staff[Role.CLERK], "reject", now=NOW,
                         **subj["reject"]).warnings == ()
    assert notices.get_notice(db, rec.id).warnings == ()
    # the batch says it once
    batch = notices.issue_for_cases(db, staff[Role.CLERK], "assign", [acc.case_id], now=NOW)
    assert batch.issued == 1 and batch.warnings == rec.warnings
    # with 2027's holidays loaded, no warning
    calendar.set_day(db, admin, day(2027, 1, 1), "holiday", "元旦")
    assert notices.issue(db, staff[Role.CLERK], "extend", case_id=acc.case_id, now=NOW).warnings == ()


def test_every_font_a_service_pdf_names_is_embedded(db, admin, staff, tmp_path):
    person = make_person(db, admin, NAME)
    n = notices.issue(db, staff[Role.CLERK], "accept", case_id=register(db, staff, person).case_id,
                      now=NOW)
    out = tmp_path / "a.pdf"
    notice_pdf.render_pdf(db, [n.id], out)
    for page in PdfReader(out).pages:
        for name, ref in page["/Resources"]["/Font"].items():
            font = ref.get_object()
            desc = font.get("/FontDescriptor") or \
                font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert "/FontFile2" in desc.get_object(), (name, font.get("/BaseFont"))
