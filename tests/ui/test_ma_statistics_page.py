"""The 统计报表 page's 表五 互助 tab on the hand-counted mutual-aid ledger of
tests/services/test_ma_statistics.py: totals, one row per plan, refusals, a figure opening its records."""
from __future__ import annotations

from app.domain.enums import Role
from tests.services.test_ma_statistics import AS_OF, MARCH, ledger  # noqa: F401  (fixture)
from tests.ui.test_statistics_page import cell, click
from tests.ui.util import idle
from ui.context import AppContext
from ui.pages.statistics import StatisticsPage


def test_t5_tab_shows_plans_and_opens_records(qtbot, db, actors, ledger):  # noqa: F811
    page = StatisticsPage(AppContext(db, actors[Role.MANAGER]))
    qtbot.addWidget(page)
    page.set_today(AS_OF)
    page.period_combo.setCurrentIndex(page.period_combo.count() - 1)       # 自定义日期
    page.date_from.setDate(MARCH.start)
    page.date_to.setDate(MARCH.end)
    page.show()
    page.refresh()
    qtbot.waitUntil(lambda: page.report is not None, timeout=15000)
    idle(qtbot)
    assert page.tabs.tabText(3) == "表五 互助"
    _r, members = cell(page.t5, "mutual_aid.members", 1)
    assert members.text() == "4"
    rate_row = [i for i in range(page.t5.rowCount()) if page.t5.item(i, 0).text() == "赔付率"][0]
    assert page.t5.item(rate_row, 1).text() == "111.11%"
    rows = {page.t5_plans.item(r, 0).text(): r for r in range(page.t5_plans.rowCount())}
    zy = rows["ZY 住院津贴互助保障"]
    assert [page.t5_plans.item(zy, c).text() for c in (2, 3, 4, 5, 10)] == ["1", "3", "5", "¥300.00", "133.33%"]
    assert page.t5_plans.item(rows["合计"], 5).text() == "¥360.00"
    assert "观察期内 1 件" in page.t5_refusals.text()
    dlg = click(qtbot, page, page.t5, "mutual_aid.members")
    assert dlg.records.count == dlg.table.rowCount() == 4
    assert "********" in dlg.table.item(0, 1).text()
