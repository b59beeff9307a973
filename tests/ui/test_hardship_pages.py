"""困难帮扶 pages offscreen: the file list (filters, export with IDs masked, opening a file), the
assistance list (a record's 批准 enabled from the workflow and the role, then approved), and 资金管理
whose ledger for a period matches the payments exactly (issue 10)."""
from __future__ import annotations

from datetime import date

from openpyxl import load_workbook

from app.domain.enums import Role
from app.domain.hardship import PaymentState
from app.services.hardship import funds, lists, payments
from tests.services.hardship_util import (MANAGER, WORKER, active_file, at, funded, id_number,
                                          person)
from tests.ui.util import idle
from ui.context import AppContext
from ui.main_window import MainWindow


def _office(db):
    a = active_file(db, person(db, "张伟", 1), income="1000")
    b = active_file(db, person(db, "李娜", 2, male=False), income="1500")
    fund = funded(db)                                   # ¥100,000 on 2026-01-10
    paid = payments.propose(db, WORKER, payments.PaymentInput(
        "living", "1200", fund, date(2026, 11, 20), file_id=b.id, goods="大米 2 袋", goods_value="150"),
        now=at(11, 20))
    payments.approve(db, MANAGER, paid.id, now=at(11, 21))
    payments.pay(db, WORKER, paid.id, method="card", voucher_no="记-1", paid_on="2026-12-02",
                 now=at(12, 2))
    waiting = payments.propose(db, WORKER, payments.PaymentInput(
        "medical", "3000", fund, date(2026, 12, 10), file_id=a.id), now=at(12, 10))
    return a, b, fund, waiting


def _window(db, actor, qtbot) -> MainWindow:
    w = MainWindow(AppContext(db, actor))
    qtbot.addWidget(w)
    w.show()
    return w


def test_file_list_filters_exports_masked_and_opens_a_file(db, staff, qtbot, tmp_path):
    a, b, _fund, _w = _office(db)
    w = _window(db, staff[Role.CLERK], qtbot)
    assert "困难职工档案" in w.nav_titles() and "帮扶记录" in w.nav_titles() and "资金管理" in w.nav_titles()
    page = w.show_page("hardship_files")
    qtbot.waitUntil(lambda: page.model.rowCount() == 2 and page.model.total == 2, timeout=10000)
    assert page.count_label.text() == "共 2 条"
    category = page.bar.widget("category")
    category.setCurrentIndex(category.findData("deep"))
    qtbot.waitUntil(lambda: [r.file_no for r in page.model.rows] == [a.file_no], timeout=10000)
    row = page.model.rows[0]
    assert row.id_masked == "110105********" + id_number(1)[-4:]
    out = tmp_path / "档案.xlsx"
    page.ask_export_path = lambda: str(out)
    page.export()
    idle(qtbot)
    assert page.message.text().startswith("已导出 1 条")
    cells = [str(c.value) for r in load_workbook(out).active.iter_rows() for c in r if c.value]
    assert any(row.id_masked in c for c in cells) and not any(id_number(1) in c for c in cells)
    dlg = page.open_row(row)
    qtbot.waitUntil(lambda: dlg.record is not None, timeout=10000)
    assert dlg.record.id == a.id
    dlg.close()


def test_payment_list_approves_the_selected_record(db, staff, qtbot):
    _a, _b, _fund, waiting = _office(db)
    clerk_window = _window(db, staff[Role.CLERK], qtbot)
    page = clerk_window.show_page("hardship_payments")
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=10000)
    assert not page.step_buttons["approve"].isEnabled()
    assert page.step_buttons["approve"].toolTip() == "请先在列表中选择一条帮扶记录" or \
        page.step_buttons["approve"].toolTip().startswith("需要")
    page.view.selectRow(0)                              # newest first: the proposal
    assert page.model.rows[0].id == waiting.id
    assert page.step_buttons["approve"].toolTip() == "需要「审批困难职工建档和帮扶」权限"
    assert "尚未审批" in page.step_buttons["pay"].toolTip()
    clerk_window.close()

    w = _window(db, staff[Role.MANAGER], qtbot)
    page = w.show_page("hardship_payments")
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=10000)
    state = page.bar.widget("state")
    state.setCurrentIndex(state.findData("proposed"))
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10000)
    page.view.selectRow(0)
    assert page.step_buttons["approve"].isEnabled() and page.step_buttons["refuse"].isEnabled()
    page.open_step("approve")
    qtbot.waitUntil(lambda: page.dialog is not None, timeout=10000)
    dlg = page.dialog
    dlg.submit()
    qtbot.waitUntil(lambda: not dlg.busy, timeout=10000)
    idle(qtbot)
    assert payments.get_payment_record(db, waiting.id).state is PaymentState.APPROVED
    qtbot.waitUntil(lambda: page.model.rowCount() == 0, timeout=10000)   # refreshed: none proposed


def test_payment_list_footer_totals_the_listed_records(db, staff, qtbot):
    """「金额合计」 under the list: cash + goods value of the records the filter shows, again after
    each filter change (¥1,200 + ¥150 goods paid; ¥3,000 proposed)."""
    _office(db)
    w = _window(db, staff[Role.CLERK], qtbot)
    page = w.show_page("hardship_payments")
    qtbot.waitUntil(lambda: page.total_label.text() == "　金额合计 ¥4,350.00", timeout=10000)
    assert page.count_label.text() == "共 2 条"
    state = page.bar.widget("state")
    state.setCurrentIndex(state.findData("paid"))
    qtbot.waitUntil(lambda: page.total_label.text() == "　金额合计 ¥1,350.00", timeout=10000)
    assert page.model.total == 1
    assert lists.payment_total(db, page.model.filter) == 135000
    state.setCurrentIndex(state.findData("refused"))
    qtbot.waitUntil(lambda: page.total_label.text() == "　金额合计 ¥0.00" and page.model.total == 0,
                    timeout=10000)


def test_fund_ledger_matches_the_payments(db, staff, qtbot):
    _a, _b, fund, _w = _office(db)
    w = _window(db, staff[Role.MANAGER], qtbot)
    page = w.show_page("hardship_funds")
    qtbot.waitUntil(lambda: page.ledger is not None and page.fund_table.rowCount() == 4, timeout=10000)
    paid = lists.payment_total(db, lists.PaymentFilter(state="paid"))
    assert paid == 1_350_00                              # cash + goods value
    t = page.ledger_table
    names = [t.item(r, 0).text() for r in range(t.rowCount())]
    r = names.index("上级拨款")
    assert [t.item(r, c).text() for c in range(1, 5)] == ["¥0.00", "¥100,000.00", "¥1,350.00",
                                                         "¥98,650.00"]
    assert names[-1] == "合计" and t.item(t.rowCount() - 1, 3).text() == "¥1,350.00"
    assert "期初 ¥0.00 + 拨入 ¥100,000.00 − 支出 ¥1,350.00 = 期末 ¥98,650.00" in page.check_label.text()
    # last month: paid in December, so November has no 支出; December opens at ¥100,000.00
    page.picker.set_value(None, date(2026, 12, 1), date(2026, 12, 31))
    page.load_ledger()
    qtbot.waitUntil(lambda: page.ledger.date_from == date(2026, 12, 1), timeout=10000)
    assert [t.item(r, c).text() for c in range(1, 5)] == ["¥100,000.00", "¥0.00", "¥1,350.00",
                                                         "¥98,650.00"]
    ledger = funds.ledger(db, date(2026, 12, 1), date(2026, 12, 31))
    assert ledger.total.paid == lists.payment_total(db, lists.PaymentFilter(state="paid",
                                                                            date_from=date(2026, 11, 1)))
    # 拨入 from the page (a manager's)
    fund_row = [f.id for f in page.funds].index(fund)
    page.fund_table.selectRow(fund_row)
    dlg = page.allocate()
    dlg["doc_no"].setText("朝工发〔2026〕9号")
    dlg["amount"].setText("20000")
    dlg.submit()
    qtbot.waitUntil(lambda: not dlg.busy, timeout=10000)
    idle(qtbot)
    assert page.message.text() == "已登记拨入 ¥20,000.00（上级拨款）"
    qtbot.waitUntil(lambda: page.alloc_table.rowCount() == 2, timeout=10000)
    assert page.alloc_table.item(0, 1).text() == "朝工发〔2026〕9号"
