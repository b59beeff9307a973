"""The 参保登记 page (pytest-qt, offscreen, a real temp database and real xlsx files): a roster with
broken rows is refused with each row's sheet number and reason shown (IDs masked) and nothing
imported; the report is saved as an xlsx with the reason first; the fixed roster is imported whole
with its payment; a batch's payment recorded later; the blank template."""
from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QDate
from sqlalchemy import func, select

from app.db.models_mutual_aid import MaBatch, MaEnrollment
from app.domain.enums import Role
from app.services.mutual_aid import enrollment
from tests.roster_files import make_id, save_roster
from tests.services.mutual_aid_data import add_employer, add_person, add_plan
from tests.ui.util import idle
from ui.context import AppContext
from ui.pages.mutual_aid.enroll import OK_TEXT, EnrollPage

EMPLOYER = "北京市朝阳区示例机械有限公司"
MAN = make_id(date(1990, 3, 7), 61)
WOMAN = make_id(date(1985, 6, 1), 10, male=False)
OLD_MAN = make_id(date(1960, 1, 1), 0)            # 66 in 2026: too old (men 16–60)
BAD_CHECKSUM = MAN[:-1] + ("0" if MAN[-1] != "0" else "1")


@pytest.fixture
def ledger(db):
    with db.write() as s:
        emp = add_employer(s, EMPLOYER)
        add_person(s, "张老", make_id(date(1980, 1, 1), 5), "M", date(1980, 1, 1), emp)
        plan = add_plan(s, year=2026)
        return {"employer": emp.id, "plan": plan.id}


@pytest.fixture
def page(db, actors, ledger, qtbot):
    w = EnrollPage(AppContext(db, actors[Role.CLERK]))
    qtbot.addWidget(w)
    w.resize(1180, 680)
    w.show()
    idle(qtbot)
    return w


def count(db, model) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(model))


def table_rows(t) -> list[list[str]]:
    return [[t.item(r, c).text() if t.item(r, c) else "" for c in range(t.columnCount())]
            for r in range(t.rowCount())]


def test_broken_roster_refused_row_by_row_then_the_fixed_one_imported(page, db, ledger, qtbot,
                                                                     tmp_path, monkeypatch):
    broken = save_roster(tmp_path / "机械公司名单.xlsx", [
        ("王明", "男", MAN, 2),              # row 2: good
        ("赵丽", "女", WOMAN, 1),            # row 3: good
        ("钱错", "男", BAD_CHECKSUM, 1),     # row 4: checksum
        ("孙老", "男", OLD_MAN, 1),          # row 5: too old
        ("李多", "女", WOMAN, 4),            # row 6: 4份 > 3, and a duplicate of row 3
    ])
    assert page.plan_combo.plan_id() == ledger["plan"]
    page.employer_picker.set_employer(EMPLOYER)
    monkeypatch.setattr(page, "ask_open_path", lambda: str(broken))
    page.choose_file()                   # choosing the file checks it at once
    qtbot.waitUntil(lambda: page.check is not None, timeout=10000)
    assert "其中3行未通过检查，整份名单未导入" in page.summary.text()
    assert not page.import_button.isEnabled() and page.report_button.isEnabled()
    rows = table_rows(page.rows_table)
    assert [r[0] for r in rows] == ["2", "3", "4", "5", "6"]         # every row, in sheet order
    reasons = {r[0]: r[1] for r in rows}
    assert reasons["2"] == OK_TEXT and reasons["3"] == OK_TEXT
    assert "校验位不正确" in reasons["4"]
    assert "男性参保年龄为 16–60 周岁，此人为 66 周岁" in reasons["5"]
    assert "份数应为1至3份，现为4份" in reasons["6"] and "与第3行重复" in reasons["6"]
    shown = "\n".join("\t".join(r) for r in rows)
    assert MAN not in shown and WOMAN not in shown and MAN[:6] + "****" in shown   # masked
    page.bad_only.setChecked(True)
    assert [r[0] for r in table_rows(page.rows_table)] == ["4", "5", "6"]
    assert (count(db, MaEnrollment), count(db, MaBatch)) == (0, 0)

    # the report, reason first
    out = tmp_path / "检查结果.xlsx"
    monkeypatch.setattr(page, "ask_save_path", lambda _title, suggested: (
        suggested == "机械公司名单-检查结果.xlsx" or pytest.fail(suggested)) and str(out))
    page.save_report()
    qtbot.waitUntil(lambda: "已保存 3 行检查结果" in page.message.text(), timeout=10000)
    ws = load_workbook(out).active
    assert ws.cell(2, 1).value == "原因" and [ws.cell(r, 2).value for r in (3, 4, 5)] == [4, 5, 6]

    # fixed: the bad rows corrected or removed; paid on 2026-03-01 with the import
    fixed = save_roster(tmp_path / "机械公司名单-改.xlsx", [("王明", "男", MAN, 2), ("赵丽", "女", WOMAN, 1)])
    monkeypatch.setattr(page, "ask_open_path", lambda: str(fixed))
    first = page.check
    page.choose_file()
    qtbot.waitUntil(lambda: page.check is not first, timeout=10000)
    assert "共2人，3份，保费合计¥180.00" in page.summary.text() and "检查通过" in page.summary.text()
    assert [r[1] for r in table_rows(page.rows_table)] == [OK_TEXT, OK_TEXT]
    assert page.import_button.isEnabled()
    page.paid_check.setChecked(True)
    page.paid_date.setDate(QDate(2026, 3, 1))
    page.ref_edit.setText("YH20260301")
    page.import_file()
    qtbot.waitUntil(lambda: page.imported or bool(page.message.text()), timeout=10000)
    assert page.imported, page.message.text()
    assert page.summary.text().startswith("已导入：共2人，3份") and "缴费日期 2026-03-01" in page.summary.text()
    assert not page.import_button.isEnabled()
    qtbot.waitUntil(lambda: page.batch_table.rowCount() == 1, timeout=10000)
    assert table_rows(page.batch_table)[0][:7] == [EMPLOYER, "2", "3", "¥180.00", "¥180.00", "2026-03-01",
                                                   "YH20260301"]
    with db.read() as s:
        covers = s.execute(select(MaEnrollment.cover_start, MaEnrollment.waiting_end)).all()
    assert set(covers) == {(date(2026, 3, 2), date(2026, 5, 30))}      # day after payment, 90 days
    idle(qtbot)


def test_payment_recorded_later_for_a_batch(page, db, actors, ledger, qtbot, tmp_path):
    roster = save_roster(tmp_path / "r.xlsx", [("王明", "男", MAN, 1)])
    enrollment.import_roster(db, actors[Role.CLERK], roster, employer=EMPLOYER, plan=ledger["plan"])
    page.load_batches()
    qtbot.waitUntil(lambda: page.batch_table.rowCount() == 1, timeout=5000)
    assert table_rows(page.batch_table)[0][5] == "未缴费"
    assert "1 个单位未缴费" in page.batch_total.text()
    page.batch_table.selectRow(0)
    dlg = page.pay_selected()
    assert dlg is not None and dlg.amount_edit.text() == "60.00"
    dlg.date_edit.setDate(QDate(2026, 2, 1))
    dlg.amount_edit.setText("六十")
    dlg._accept()
    assert "实缴金额" in dlg.error_label.text() and dlg.isVisible()
    dlg.amount_edit.setText("60")
    dlg.ref_edit.setText("SJ-001")
    dlg._accept()
    qtbot.waitUntil(lambda: "已登记缴费" in page.message.text(), timeout=5000)
    qtbot.waitUntil(lambda: table_rows(page.batch_table)[0][5] == "2026-02-01", timeout=5000)
    with db.read() as s:
        assert s.execute(select(MaEnrollment.cover_start)).scalar_one() == date(2026, 2, 2)
    idle(qtbot)


def test_blank_template_and_missing_inputs(page, qtbot, tmp_path, monkeypatch):
    page.check_file()
    assert "单位工会：请选择" in page.message.text() and "名单文件：请选择名单文件" in page.message.text()
    out = tmp_path / "模板.xlsx"
    monkeypatch.setattr(page, "ask_save_path", lambda _t, suggested: suggested.startswith("参保名单模板-ZY")
                        and str(out))
    page.save_template()
    qtbot.waitUntil(lambda: "空白模板已保存" in page.message.text(), timeout=5000)
    ws = load_workbook(out).active
    assert [ws.cell(2, c).value for c in range(1, 5)] == ["姓名", "性别", "身份证号", "份数"]
    idle(qtbot)


def test_a_roster_changed_after_its_check_is_refused_whole_at_import(page, db, ledger, qtbot, tmp_path):
    path = tmp_path / "名单.xlsx"
    save_roster(path, [("王明", "男", MAN, 1)])
    page.employer_picker.set_employer(EMPLOYER)
    page.set_path(str(path))
    page.check_file()
    qtbot.waitUntil(lambda: page.import_button.isEnabled(), timeout=10000)
    save_roster(path, [("王明", "男", MAN, 1), ("钱错", "男", BAD_CHECKSUM, 1)])   # edited meanwhile
    first = page.check
    page.import_file()
    qtbot.waitUntil(lambda: page.check is not first, timeout=10000)
    assert not page.imported and not page.import_button.isEnabled()
    assert "其中1行未通过检查，整份名单未导入" in page.summary.text()
    assert [r[0] for r in table_rows(page.rows_table) if r[1] != OK_TEXT] == ["3"]
    assert (count(db, MaEnrollment), count(db, MaBatch)) == (0, 0)
    idle(qtbot)
