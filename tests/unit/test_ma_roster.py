"""The mutual-aid roster file (app.services.mutual_aid.roster): row checks without a database, the
blank template and the report of bad rows, written with openpyxl and read back by cell."""
from __future__ import annotations

from datetime import date

from openpyxl import Workbook, load_workbook

from app.domain.mutual_aid import PlanKind, PlanRule
from app.output.xlsx_read import read_sheet
from app.services.mutual_aid import roster
from app.services.mutual_aid.roster import check_rows
from tests.roster_files import make_id

TERMS = PlanRule(PlanKind.DAILY, date(2027, 1, 1), date(2027, 12, 31), max_shares=3,
                 male_ages=(16, 60), female_ages=(16, 55), daily_fen=4000)

MAN = make_id(date(1990, 3, 7), 61)        # 110105199003071239
BAD_CHECK = MAN[:-1] + "8"
WOMAN = "11010519491231002X"                # born 1949-12-31, female
MAN_60 = make_id(date(1966, 12, 31), 0)     # 60 on 2027-01-01: the last eligible age
MAN_61 = make_id(date(1966, 1, 1), 0)       # 61 on 2027-01-01


def save(tmp_path, rows, merges=(), name="r.xlsx"):
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(list(r))
    for m in merges:
        ws.merge_cells(m)
    path = tmp_path / name
    wb.save(path)
    return path


def reasons(checks):
    return {c.row: c.reasons for c in checks if c.reasons}


def test_valid_ids_check_digit_as_written():
    from stdnum.cn import ric
    for n in (MAN, MAN_60, MAN_61):
        assert ric.is_valid(n), n


def test_every_bad_row_gets_its_reason_with_sheet_row_numbers(tmp_path):
    path = save(tmp_path, [
        ["2027年互助保障名单"],                                   # title row
        ["姓名", "性别", "身份证号", "份数"],
        ["张三", "男", MAN, 2],                                  # row 3: good
        ["李四", "男", BAD_CHECK, 1],                 # row 4: check digit
        ["王芳", "男", WOMAN, 1],                                # row 5: gender disagrees; age 77
        ["赵六", "男", MAN_61, 1],                               # row 6: too old for men (61)
        ["钱七", "男", MAN_60, 4],                               # row 7: 60 is fine; 4 > max 3
        ["张三", "男", MAN, 1],                                  # row 8: duplicate of row 3
        ["孙八", "男", int(MAN), 1],                              # row 9: a number cell (1.1E+17)
        ["周九", None, float(MAN), 1],                     # row 10: ID stored as a number
        ["吴十", "女", MAN_60, "两份"],                           # row 11: shares not a number; gender
    ])
    checks = check_rows(read_sheet(path, roster.ROSTER), TERMS)
    got = reasons(checks)
    assert 3 not in got
    assert "校验位" in got[4][0]
    assert any("性别" in r and "应为男" not in r and "女" in r for r in got[5])
    assert any("不符合参保条件" in r and "77 周岁" in r for r in got[5])
    assert got[6] == ("不符合参保条件：男性参保年龄为 16–60 周岁，此人为 61 周岁（按保障期开始日2027年1月1日计算）",)
    assert got[7] == ("份数应为1至3份，现为4份",)
    assert got[8] == ("身份证号与第3行重复，同一人只能填写一行",)
    assert any("存为数字" in r and "末位已丢失" in r for r in got[9])
    assert any("存为数字" in r for r in got[10])
    assert any("份数" in r and "不是整数" in r for r in got[11])
    assert any("性别" in r for r in got[11])
    # the report shows IDs masked
    bad = [roster.bad_row(c) for c in checks if c.reasons]
    assert {b.id_masked for b in bad if b.row == 4} == {"110105********1238"}


def test_merged_name_or_id_cells_are_refused_merged_shares_are_fine(tmp_path):
    path = save(tmp_path, [
        ["姓名", "性别", "身份证号", "份数"],
        ["张三", "男", MAN, 2],
        [None, "男", MAN_60, None],
    ], merges=["A2:A3", "D2:D3"])
    got = reasons(check_rows(read_sheet(path, roster.ROSTER), TERMS))
    assert got == {3: ("姓名" + roster.MERGED,)}


def test_birth_date_column_as_text_is_read_and_checked_against_the_id(tmp_path):
    path = save(tmp_path, [
        ["姓名", "性别", "身份证号", "份数", "出生日期"],
        ["张三", "男", MAN, 1, "1990年3月7日"],
        ["李四", "男", MAN_60, 1, "1966.12.30"],
        ["王五", "男", MAN_61, 1, "去年"],
    ])
    got = reasons(check_rows(read_sheet(path, roster.ROSTER), TERMS))
    assert 2 not in got
    assert any("出生日期" in r and "不一致" in r for r in got[3])
    assert any(r.startswith("出生日期：") for r in got[4])


def test_template_has_the_headers_text_ids_and_reads_back_as_an_empty_roster(tmp_path):
    path = roster.write_template(tmp_path / "模板.xlsx", plan="ZYJT 住院津贴")
    wb = load_workbook(path)
    ws = wb["参保名单"]
    assert [ws.cell(2, c).value for c in range(1, 5)] == ["姓名", "性别", "身份证号", "份数"]
    assert ws.cell(3, 3).number_format == "@"
    assert "住院津贴" in ws.cell(1, 1).value
    result = read_sheet(path, roster.ROSTER)
    assert result.header_row == 2
    assert "没有数据行" in result.file_error


def test_report_puts_the_reason_first_and_masks_ids(tmp_path):
    bad = [roster.BadRow(4, "李四", "440106********1235", "男", "1", "身份证号：校验位不正确")]
    n = roster.save_report(tmp_path / "report.xlsx", bad, title="检查结果")
    assert n == 1
    ws = load_workbook(tmp_path / "report.xlsx").active
    assert [ws.cell(2, c).value for c in range(1, 7)] == ["原因", "行号", "姓名", "身份证号", "性别", "份数"]
    assert [ws.cell(3, c).value for c in range(1, 7)] == [
        "身份证号：校验位不正确", 4, "李四", "440106********1235", "男", "1"]
