"""Export of exactly what is filtered to xlsx, read back cell by cell; ID numbers masked unless
asked, and an export with full ID numbers is audited; cancelling leaves no file."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import shutil

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.db.models import AuditLog
from app.domain.errors import Cancelled
from app.domain.enums import Role
from app.output.excel import Column, write_table
from app.services import audit
from app.services.petitions import list_export
from app.domain.privacy import mask_id
from app.services.petitions.lists import CaseFilter, RegistrationFilter
from app.services.query import export

from .test_lists import TODAY, add_employer, add_person, add_registration, make_user

ZHANG_ID = "11010519491231002X"


@pytest.fixture
def office(db):
    acme = add_employer(db, "甲公司")
    zhang = add_person(db, "张三", ZHANG_ID, acme)
    wang = make_user(db, Role.CASEWORKER, "wang", "王芳")
    add_registration(db, received=datetime(2026, 11, 2, 9, 30), channel="visit", head_count=12,
                     person_id=zhang, employer_id=acme, summary="十二名工人被拖欠工资",
                     case=dict(handler_id=wang.user_id, status="concluded", due_date=date(2026, 11, 30),
                               concluded_on=date(2026, 11, 16), recovered_fen=8_600_000,
                               workers_benefited=12))
    add_registration(db, received=datetime(2026, 11, 3, 10), channel="call", person_id=zhang,
                     summary="咨询加班费")
    add_registration(db, received=datetime(2026, 10, 3, 10), channel="visit", summary="十月来访")
    return dict(wang=wang)


def cells(path) -> list[list]:
    ws = load_workbook(path).active
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_mask():
    assert mask_id(ZHANG_ID) == "110105********002X"
    assert mask_id("") == ""


def test_registration_export_is_exactly_the_filter_masked(db, office, admin, tmp_path):
    out = tmp_path / "登记.xlsx"
    f = RegistrationFilter(channel="visit", period="本月")
    res = list_export.export_xlsx(db, admin, f, out, today=TODAY)
    assert res.rows == 1 and out.exists()
    rows = cells(out)
    assert rows[0][0] == ("信访登记（导出于 2026-11-18，共 1 条）"
                          "　筛选条件：时间：本月（2026-11-01 至 2026-11-30）；渠道：来访")
    assert rows[1][:8] == ["登记编号", "登记时间", "渠道", "诉求类别", "问题类型", "信访人", "身份证号", "单位"]
    data = rows[2]
    assert data[0] == "2026-000001"
    assert data[1] == datetime(2026, 11, 2, 9, 30)            # a real date cell
    assert data[2:9] == ["来访", "投诉/申诉", "劳动报酬/欠薪", "张三", "110105********002X", "甲公司", 12]
    assert data[9] == "是" and data[11] == "十二名工人被拖欠工资" and data[12] == "受理"
    assert len(rows) == 4
    assert rows[3][0] == f"审计指纹：{audit.fingerprint(db)}"   # the trail the export was made from
    ws = load_workbook(out).active
    assert ws.freeze_panes == "A3" and ws["A2"].font.b
    assert not db_audited(db)


def db_audited(db) -> list:
    with db.read() as s:
        return list(s.execute(select(AuditLog.action).where(AuditLog.entity == "export")).scalars())


def test_case_export_full_ids_is_audited_and_money_is_a_number(db, office, actors, tmp_path):
    out = tmp_path / "cases.xlsx"
    res = list_export.export_xlsx(db, actors[Role.MANAGER], CaseFilter(), out, full_ids=True, today=TODAY)
    assert res.rows == 1 and res.full_ids
    rows = cells(out)
    header, data = rows[1], rows[2]
    col = {h: i for i, h in enumerate(header)}
    assert data[col["身份证号"]] == ZHANG_ID
    assert data[col["受理日期"]] == datetime(2026, 11, 2)
    assert data[col["追回金额"]] == 86000 and data[col["受益职工"]] == 12
    assert data[col["承办"]] == "王芳" and data[col["状态"]] == "已办结"
    ws = load_workbook(out).active
    assert ws.cell(3, col["追回金额"] + 1).number_format == '"¥"#,##0.00'
    assert db_audited(db) == ["export_full_ids"]


def test_export_streams_all_pages_and_cancel_leaves_nothing(db, admin, tmp_path):
    for i in range(1203):
        add_registration(db, received=datetime(2026, 11, 1, 8) , summary=f"第{i}件") if i < 3 else None
    with db.write() as s:   # bulk: 1,200 more rows quickly
        from app.db.models import Registration
        now = datetime(2026, 11, 2, 8)
        s.add_all([Registration(reg_no=f"2026-1{i:05d}", channel="call", received_at=now, category="consult",
                                summary=f"批量{i}", disposition="answered", created_at=now, updated_at=now)
                   for i in range(1200)])
    out = tmp_path / "all.xlsx"
    seen = []
    res = list_export.export_xlsx(db, admin, RegistrationFilter(), out, today=TODAY,
                            progress=lambda frac, msg: seen.append(frac))
    assert res.rows == 1203 and len(cells(out)) == 1206   # title, header, rows, fingerprint
    assert seen[-1] == pytest.approx(1.0) and len(seen) >= 3         # page by page

    def cancel(frac, msg):
        raise Cancelled()
    out2 = tmp_path / "cancelled.xlsx"
    with pytest.raises(Cancelled):
        list_export.export_xlsx(db, admin, RegistrationFilter(), out2, today=TODAY, progress=cancel)
    assert not out2.exists() and not (tmp_path / "cancelled.xlsx.part").exists()


def test_generic_writer_kinds(tmp_path):
    out = tmp_path / "t.xlsx"
    cols = [Column("名称", 10), Column("日期", 12, "date"), Column("金额", 12, "money"), Column("数", 5, "int")]
    n = write_table(out, "标题", cols, [["甲", date(2026, 1, 2), 12345, 3], ["乙", None, None, None]])
    assert n == 2
    rows = cells(out)
    assert rows[2] == ["甲", datetime(2026, 1, 2), Decimal("123.45"), 3] or rows[2] == ["甲", datetime(2026, 1, 2), 123.45, 3]
    assert rows[3][0] == "乙" and rows[3][1:] == [None, None, None]


# ------------------------------------------------------------------------------------ issue 13 / 9

def test_export_prints_a4_landscape_one_page_wide_with_filter_header_and_text_ids(db, office, actors, tmp_path):
    out = tmp_path / "cases.xlsx"
    f = CaseFilter(status="open", flags=("supervised",), employer_id=1, deadline="overdue")
    list_export.export_xlsx(db, actors[Role.MANAGER], CaseFilter(), out, full_ids=True, today=TODAY)
    ws = load_workbook(out).active
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9   # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert int(ws.page_setup.fitToWidth) == 1 and int(ws.page_setup.fitToHeight) == 0
    assert ws.print_title_rows == "$2:$2"                     # header row on every page
    last = ws.max_column
    assert ws.auto_filter.ref == f"A2:{ws.cell(2, last).column_letter}3"
    assert ws.freeze_panes == "A3"
    header = [c.value for c in ws[2]]
    id_cell = ws.cell(3, header.index("身份证号") + 1)
    assert id_cell.value == ZHANG_ID and id_cell.number_format == "@"
    assert ws.title == "案件办理"
    # the filter in words, with the names behind ids
    words = list_export.filter_in_words(db, f, TODAY)
    assert words == "状态：未办结；期限：已超期；标记：督办；单位：甲公司"
    assert list_export.filter_in_words(db, CaseFilter(), TODAY) == "全部记录"
    assert list_export.filter_in_words(db, RegistrationFilter(date_from=date(2026, 1, 1), text="欠薪"), TODAY) \
        == "时间：2026-01-01 至 不限；内容包含「欠薪」"
    assert cells(out)[0][0].endswith("筛选条件：全部记录")


def test_full_ids_only_for_the_roles_the_office_allows(db, office, actors, tmp_path):
    from app.services import settings as settings_service
    for role in (Role.ADMIN, Role.CASEWORKER, Role.CLERK):        # default: 负责人 only
        out = tmp_path / f"{role.value}.xlsx"
        res = list_export.export_xlsx(db, actors[role], CaseFilter(), out, full_ids=True, today=TODAY)
        assert not res.full_ids
        col = cells(out)[1].index("身份证号")
        assert cells(out)[2][col] == "110105********002X"
    assert db_audited(db) == []
    settings_service.save(db, actors[Role.ADMIN], {"export.full_id_roles": "负责人、admin"})
    assert settings_service.get(db, "export.full_id_roles") == "负责人、系统管理员"
    res = list_export.export_xlsx(db, actors[Role.ADMIN], CaseFilter(), tmp_path / "a.xlsx", full_ids=True,
                            today=TODAY)
    assert res.full_ids and cells(res.path)[2][cells(res.path)[1].index("身份证号")] == ZHANG_ID
    assert db_audited(db) == ["export_full_ids"]
    settings_service.save(db, actors[Role.ADMIN], {"export.full_id_roles": ""})
    assert not export.full_ids_allowed(db, actors[Role.MANAGER])
    from app.domain.errors import ValidationError
    with pytest.raises(ValidationError) as e:
        settings_service.save(db, actors[Role.ADMIN], {"export.full_id_roles": "老板"})
    assert "「老板」不是角色名称" in str(e.value)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_prints_a_wide_export_one_page_wide(db, office, actors, tmp_path):
    import subprocess

    from pypdf import PdfReader
    out = tmp_path / "wide.xlsx"
    cols = [Column(f"列{i}", 14) for i in range(14)]
    write_table(out, "宽表", cols, [[f"第{r}行{i}" for i in range(14)] for r in range(30)])
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(out)],
                   check=True, capture_output=True, timeout=180)
    pdf = PdfReader(str(tmp_path / "wide.pdf"))
    assert len(pdf.pages) == 1
    box = pdf.pages[0].mediabox
    assert float(box.width) > float(box.height)                 # landscape
