"""设置 → 节假日日历 page, offscreen, on a fresh database."""
from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt

from app.domain.enums import DayKind, Role
from app.services import calendar
from ui import operations
from ui.context import AppContext
from ui.pages.settings_calendar import HOLIDAY_BG, WORKDAY_BG, CalendarSettingsPage


@pytest.fixture(autouse=True)
def _no_operation_outlives_the_test(qtbot):
    yield
    qtbot.waitUntil(lambda: not operations._running, timeout=5000)


def _page(qtbot, db, actor, year):
    ctx = AppContext(db, actor)
    page = CalendarSettingsPage(ctx)
    qtbot.addWidget(page)
    page.year_spin.setValue(year)
    page.show()
    qtbot.waitUntil(lambda: page.view is not None and page.view.year == year, timeout=5000)
    return page


def _rows(page):
    return {page.table.item(r, 0).text(): r for r in range(page.table.rowCount())}


def test_shows_the_seeded_year_in_colour(qtbot, db, admin):
    page = _page(qtbot, db, admin, 2026)
    rows = _rows(page)
    assert "2026-02-16" in rows and "2026-02-14" in rows
    assert page.table.item(rows["2026-02-16"], 3).text() == "春节"
    assert page.table.item(rows["2026-02-16"], 0).background().color() == HOLIDAY_BG
    assert page.table.item(rows["2026-02-14"], 0).background().color() == WORKDAY_BG
    assert page.calendar.dateTextFormat(QDate(2026, 10, 1)).background().color() == HOLIDAY_BG
    assert page.banner.isHidden()
    assert page.holiday_button.isEnabled()


def test_mark_a_day_as_holiday(qtbot, db, admin):
    page = _page(qtbot, db, admin, 2027)
    assert not page.banner.isHidden() and "2027 年" in page.banner.text()
    assert page.table.rowCount() == 0
    page.date_edit.setDate(QDate(2027, 10, 1))
    page.name_edit.setText("国庆节")
    qtbot.mouseClick(page.holiday_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: calendar.entry(db, date(2027, 10, 1)) is not None, timeout=5000)
    assert calendar.entry(db, date(2027, 10, 1)) == calendar.CalendarEntry(
        date(2027, 10, 1), DayKind.HOLIDAY, "国庆节", "manual")
    # the page refreshes itself on the "calendar" change
    qtbot.waitUntil(lambda: "2027-10-01" in _rows(page), timeout=5000)
    qtbot.waitUntil(lambda: page.banner.isHidden(), timeout=5000)
    assert "法定节假日" in page.day_state.text()
    qtbot.waitUntil(lambda: page.holiday_button.isEnabled(), timeout=5000)

    # make-up Saturday, then back to normal
    page.date_edit.setDate(QDate(2027, 10, 9))
    qtbot.mouseClick(page.workday_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: calendar.entry(db, date(2027, 10, 9)) is not None, timeout=5000)
    assert calendar.entry(db, date(2027, 10, 9)).kind is DayKind.WORKDAY
    qtbot.waitUntil(lambda: page.clear_button.isEnabled(), timeout=5000)
    qtbot.mouseClick(page.clear_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: calendar.entry(db, date(2027, 10, 9)) is None, timeout=5000)


def test_selecting_a_row_selects_the_date(qtbot, db, admin):
    page = _page(qtbot, db, admin, 2026)
    page.table.selectRow(_rows(page)["2026-10-01"])
    assert page.selected_date() == date(2026, 10, 1)
    assert page.calendar.selectedDate() == QDate(2026, 10, 1)
    assert page.name_edit.text() == "国庆节"


def test_import_file(qtbot, db, admin, tmp_path):
    f = tmp_path / "2027.csv"
    f.write_text("date,kind,name\n2027-01-01,holiday,元旦\n2027-02-13,workday,春节\n", encoding="utf-8")
    page = _page(qtbot, db, admin, 2027)
    page.import_file(str(f))
    qtbot.waitUntil(lambda: len(_rows(page)) == 2, timeout=5000)
    assert calendar.has_year(db, 2027)
    assert "已导入 2 天" in page.status.text()


@pytest.mark.parametrize("role", [Role.CLERK, Role.MANAGER])
def test_read_only_for_other_roles(qtbot, db, actors, role):
    page = _page(qtbot, db, actors[role], 2026)
    for b in (page.holiday_button, page.workday_button, page.clear_button, page.import_button):
        assert not b.isEnabled()
    assert page.readonly_hint.isVisibleTo(page)
    assert page.table.rowCount() > 0
