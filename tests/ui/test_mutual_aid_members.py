"""The 会员 page (pytest-qt, offscreen, a real temp database): a member found by ID number or name
with every plan year (份, cover dates, waiting end, claims paid, the cap left); 新建申请 and 试算
for that plan year; the windowed member list filtered and exported; the person page's cover."""
from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook

from app.db.models_mutual_aid import MaEnrollment
from app.domain.enums import Role
from app.domain.privacy import mask_id
from tests.services.mutual_aid_data import add_claim, add_employer, add_person, add_plan, enroll
from tests.ui.util import idle
from ui.context import AppContext
from ui.pages.mutual_aid.members import MembersPage

ZHANG_ID = "110105198001010019"
LI_ID = "110105198501010028"


@pytest.fixture
def ledger(db):
    """张三: ZY 2025 (ended) and 2026 renewed (2份, paid 2025-12-20, cover from 2026-01-01, no waiting
    period), one claim of ¥280 paid; 李四: ZY 2026 1份, premium not paid yet."""
    with db.write() as s:
        emp = add_employer(s)
        zhang = add_person(s, "张三", ZHANG_ID, "M", date(1980, 1, 1), emp)
        li = add_person(s, "李四", LI_ID, "F", date(1985, 1, 1), emp)
        last = add_plan(s, year=2025)
        plan = add_plan(s, year=2026)
        enroll(s, last, emp, [zhang], paid_on=date(2024, 12, 20))
        enroll(s, plan, emp, [zhang], paid_on=date(2025, 12, 20), shares=2, renewal=True,
               previous_term_end=date(2025, 12, 31))
        enroll(s, plan, emp, [li], paid_on=None)
        e = s.query(MaEnrollment).filter_by(plan_id=plan.id, person_id=zhang.id).one()
        add_claim(s, e, admission=date(2026, 6, 1), days=10, benefit_fen=56_000, stay_days=10,
                  stay_paid_days=7)
        return {"plan": plan.id, "zhang": zhang.id, "li": li.id}


@pytest.fixture
def page(db, actors, ledger, qtbot):
    w = MembersPage(AppContext(db, actors[Role.CLERK]))
    qtbot.addWidget(w)
    w.resize(1180, 680)
    w.show()
    idle(qtbot)
    return w


def cells(table, row: int) -> list[str]:
    return [table.item(row, c).text() for c in range(table.columnCount())]


def test_member_found_by_id_with_every_plan_year(page, ledger, qtbot):
    qtbot.keyClicks(page.picker.edit, ZHANG_ID)
    page.picker.edit.returnPressed.emit()              # Enter: look up now, then pick the first
    qtbot.waitUntil(lambda: page.picker.hits != [], timeout=5000)
    page.picker.edit.returnPressed.emit()
    qtbot.waitUntil(lambda: page.panel.record is not None, timeout=5000)
    panel = page.panel
    assert panel.head.text().startswith("张三　男　" + mask_id(ZHANG_ID) + "　46周岁")
    assert panel.table.rowCount() == 2
    assert cells(panel.table, 0) == ["2026", "ZY 住院津贴互助保障", "北京市朝阳区示例机械有限公司", "2", "续保",
                                     "¥120.00", "2025-12-20", "2025-12-21", "", "2026-12-31", "保障中", "1",
                                     "¥560.00", "¥13,840.00"]
    assert cells(panel.table, 1)[:2] == ["2025", "ZY 住院津贴互助保障"] and cells(panel.table, 1)[10] == "已到期"
    # 新建申请 for the selected plan year: the member and the plan are already chosen
    dlg = panel.open_claim(quote_only=False)
    qtbot.waitUntil(lambda: dlg.plan is not None, timeout=5000)
    assert dlg.person_id == ledger["zhang"] and dlg.plan_combo.currentData() == ledger["plan"]
    assert dlg.member_label.text().startswith("张三，男，" + mask_id(ZHANG_ID))
    dlg.reject()
    idle(qtbot)


def test_member_found_by_name_unpaid_cover_said_so(page, qtbot):
    page.picker.edit.setText("李")
    page.picker.look_up()
    qtbot.waitUntil(lambda: len(page.picker.hits) == 1, timeout=5000)
    page.picker.pick(page.picker.hits[0])
    qtbot.waitUntil(lambda: page.panel.record is not None, timeout=5000)
    row = cells(page.panel.table, 0)
    assert row[6:11] == ["", "", "", "2026-12-31", "未缴费"] and row[13] == "¥7,200.00"
    page.picker.edit.setText("王")
    page.picker.look_up()
    qtbot.waitUntil(lambda: page.picker.hits == [], timeout=5000)
    assert page.picker.list.count() == 1 and page.picker.list.item(0).text().startswith("没有找到参保人")
    idle(qtbot)


def test_member_list_filtered_and_exported(page, ledger, qtbot, tmp_path, monkeypatch):
    page.tabs.setCurrentIndex(page.LIST_TAB)
    lst = page.member_list
    qtbot.waitUntil(lambda: lst.model.total == 3, timeout=5000)
    assert lst.count_label.text() == "共 3 条"
    lst.bar.widget("state").setCurrentIndex(lst.bar.widget("state").findData("unpaid"))
    qtbot.waitUntil(lambda: lst.model.total == 1 and lst.model.rowCount() == 1, timeout=5000)
    row = lst.model.row_at(0)
    assert (row.name, row.id_masked, row.state.label) == ("李四", mask_id(LI_ID), "未缴费")
    out = tmp_path / "会员.xlsx"
    monkeypatch.setattr(lst, "ask_export_path", lambda: str(out))
    lst.export()
    qtbot.waitUntil(lambda: "已导出 1 条" in lst.message.text(), timeout=10000)
    ws = load_workbook(out).active
    values = [c.value for row in ws.iter_rows() for c in row if c.value is not None]
    assert "李四" in values and mask_id(LI_ID) in values and LI_ID not in values
    # a double-click shows the member's record on the first tab
    lst.open_row(row)
    qtbot.waitUntil(lambda: page.panel.record is not None and page.panel.record.name == "李四", timeout=5000)
    assert page.tabs.currentIndex() == page.LOOKUP_TAB
    idle(qtbot)


def test_the_person_form_shows_the_members_cover(db, actors, ledger, qtbot):
    from ui.dialogs.person_dialog import PersonDialog
    dlg = PersonDialog(AppContext(db, actors[Role.CLERK]), ledger["zhang"])
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitUntil(lambda: dlg.cover_box.isVisible(), timeout=5000)
    lines = dlg.cover_label.text().splitlines()
    assert lines[0] == ("2026年 住院津贴互助保障（ZY）2份 · 保障中 2025-12-21 至 2026-12-31 · "
                        "已给付 ¥560.00，剩余 ¥13,840.00")
    assert lines[1].startswith("2025年 住院津贴互助保障（ZY）1份 · 已到期")
    new = PersonDialog(AppContext(db, actors[Role.CLERK]))      # a new person: no cover box
    qtbot.addWidget(new)
    new.show()
    idle(qtbot)
    assert not new.cover_box.isVisible()
