"""统计报表 page, 表四 帮扶: the December figures of the small ledger of
tests/services/test_statistics_hardship.py on screen, the funds' ledger under them, and a figure
opening its records."""
from __future__ import annotations

from datetime import date

from app.domain.enums import Role
from tests.services.test_statistics_hardship import ledger
from tests.ui.util import idle
from ui.context import AppContext
from ui.pages.statistics import StatisticsPage


def test_t4_on_screen_with_funds_and_records(qtbot, db, staff):
    ledger(db)
    page = StatisticsPage(AppContext(db, staff[Role.MANAGER]))
    qtbot.addWidget(page)
    page.set_today(date(2026, 12, 16))
    page.period_combo.setCurrentIndex(page.period_combo.count() - 1)       # 自定义日期
    page.date_from.setDate(date(2026, 12, 1))
    page.date_to.setDate(date(2026, 12, 31))
    page.show()
    page.refresh()
    qtbot.waitUntil(lambda: page.report is not None and page.report.period.end == date(2026, 12, 31),
                    timeout=15000)
    idle(qtbot)
    rows = {page.t4.item(r, 0).text(): r for r in range(page.t4.rowCount())}
    assert page.t4.item(rows["在档户数（期末）"], 1).text() == "2"
    assert page.t4.item(rows["帮扶户数"], 1).text() == "2"
    assert page.t4.item(rows["帮扶金额（元）"], 1).text() == "¥1,700.00"
    funds = {page.t4_funds.item(r, 0).text(): r for r in range(page.t4_funds.rowCount())}
    r = funds["上级拨款"]
    assert [page.t4_funds.item(r, c).text() for c in range(1, 5)] == [
        "¥99,700.00", "¥0.00", "¥1,700.00", "¥98,000.00"]
    page.open_figure(page.t4, rows["帮扶人次"], 1)
    qtbot.waitUntil(lambda: getattr(page, "last_dialog", None) is not None, timeout=15000)
    dlg = page.last_dialog
    assert dlg.records.count == 3 and dlg.records.kind == "hardship_payment"
    dlg.close()
