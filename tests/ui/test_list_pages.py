"""The windowed list models (without a view) and the 信访登记 / 案件办理 pages (pytest-qt,
offscreen) on a real temp database. Chinese text goes in with setText (keyClicks would abort)."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QMessageBox

from app.domain.case_clock import DeadlineState
from app.services.petitions import lists, search
from app.services.petitions.lists import CaseFilter, RegistrationFilter
from tests.clock import TODAY
from tests.services.test_lists import add_employer, add_person, add_registration
from tests.ui.util import idle
from ui.context import AppContext
from ui.models import DEADLINE_COLORS, DEADLINE_ROLE, ID_ROLE, ROW_ROLE
from ui.models.cases import CasesModel
from ui.models.registrations import RegistrationsModel
from ui.pages.cases_list import CasesListPage
from ui.pages.registrations_list import RegistrationsListPage



@pytest.fixture
def ctx(db, admin, qtbot, monkeypatch):
    boxes: list[str] = []
    for kind in ("warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, kind, lambda *a, _k=kind, **kw: boxes.append(_k))
    context = AppContext(db, admin)
    yield context
    idle(qtbot)
    assert boxes == []


@pytest.fixture
def regs(db):
    """25 registrations over the last 25 days; every second one accepted with a case whose due date
    walks from past to future (some overdue)."""
    acme = add_employer(db, "甲公司")
    zhang = add_person(db, "张三", "11010519491231002X", acme)
    base = datetime.combine(TODAY, datetime.min.time()) - timedelta(days=25)
    ids = []
    for i in range(25):
        case = dict(due_date=TODAY + timedelta(days=i - 12)) if i % 2 else None
        rid, _cid = add_registration(db, received=base + timedelta(days=i, hours=9),
                                     channel="visit" if i % 3 == 0 else "call",
                                     person_id=zhang if i % 5 == 0 else None,
                                     employer_id=acme if i % 5 == 0 else None,
                                     summary=f"第{i}件 拖欠工资" if i % 4 == 0 else f"第{i}件 咨询社保",
                                     case=case)
        ids.append(rid)
    return list(reversed(ids))        # newest first, as listed


def ids_of(model) -> list[int]:
    return [model.data(model.index(r, 0), ID_ROLE) for r in range(model.rowCount())]


# ------------------------------------------------------------------------------------ models

def test_model_pages_tail_and_roles_without_a_view(db, ctx, regs, qtbot):
    model = RegistrationsModel(db, page_size=10)
    with qtbot.waitSignal(model.total_changed, check_params_cb=lambda n: n is not None, timeout=5000):
        with qtbot.waitSignal(model.loaded, timeout=5000):
            model.set_filter(RegistrationFilter())
    assert model.total == 25
    assert model.rowCount() == 10 and model.columnCount() == 11
    assert model.canFetchMore(QModelIndex())
    while model.canFetchMore(QModelIndex()):
        with qtbot.waitSignal(model.loaded, timeout=5000):
            model.fetchMore(QModelIndex())
    assert ids_of(model) == regs                                  # no gaps, no duplicates
    first = model.index(0, model.column_index("reg_no"))
    assert model.data(first) == model.data(first, ROW_ROLE).reg_no
    assert model.headerData(1, Qt.Orientation.Horizontal) == "登记时间"
    assert model.data(model.index(0, model.column_index("channel"))) in ("来访", "来电（12351热线）")

    # jump to the last row: a tail window of the oldest rows, then the page before it
    with qtbot.waitSignal(model.loaded, timeout=5000):
        model.set_filter(RegistrationFilter())
    with qtbot.waitSignal(model.loaded, timeout=5000):
        model.jump_to_end()
    assert model.tail_mode and ids_of(model) == regs[-10:] and not model.canFetchMore(QModelIndex())
    with qtbot.waitSignal(model.loaded, timeout=5000):
        model.fetch_before()
    assert ids_of(model) == regs[-20:]
    with qtbot.waitSignal(model.loaded, timeout=5000):
        model.fetch_before()
    assert ids_of(model) == regs and not model.more_before


def test_case_model_colours_deadline_states(db, ctx, regs, qtbot):
    model = CasesModel(db, page_size=50)
    with qtbot.waitSignal(model.loaded, timeout=5000):
        model.set_filter(CaseFilter(sort="due", descending=False))
    assert model.rowCount() == 12
    due_col, state_col = model.column_index("due_date"), model.column_index("deadline")
    states = [model.data(model.index(r, 0), DEADLINE_ROLE) for r in range(model.rowCount())]
    assert states[0] == "overdue" and "normal" in states
    for r in range(model.rowCount()):
        state = DeadlineState(states[r])
        assert model.data(model.index(r, state_col)) == state.label
        colour = model.data(model.index(r, due_col), Qt.ItemDataRole.ForegroundRole)
        assert colour == DEADLINE_COLORS.get(state)
        assert model.data(model.index(r, model.column_index("case_no")), Qt.ItemDataRole.ForegroundRole) is None
    # sorting by a header re-reads in that order; an unsortable column is ignored
    with qtbot.waitSignal(model.loaded, timeout=5000):
        model.sort(due_col, Qt.SortOrder.DescendingOrder)
    dues = [model.data(model.index(r, 0), ROW_ROLE).due_date for r in range(model.rowCount())]
    assert dues == sorted(dues, reverse=True)
    model.sort(model.column_index("person"), Qt.SortOrder.AscendingOrder)
    assert model.filter.sort == "due"


def test_closed_cases_show_how_they_ended_never_red_overdue(db, ctx, qtbot):
    late = TODAY - timedelta(days=40)
    for status in ("concluded", "archived"):
        add_registration(db, received=datetime.combine(late, datetime.min.time()),
                         case=dict(status=status, due_date=late + timedelta(days=5),
                                   concluded_on=late + timedelta(days=9)))
    add_registration(db, received=datetime.combine(late, datetime.min.time()),
                     case=dict(status="archived", due_date=late + timedelta(days=5),
                               concluded_on=late + timedelta(days=2)))
    model = CasesModel(db, page_size=50)
    with qtbot.waitSignal(model.loaded, timeout=5000):
        model.set_filter(CaseFilter())
    state_col, due_col = model.column_index("deadline"), model.column_index("due_date")
    labels = sorted(model.data(model.index(r, state_col)) for r in range(model.rowCount()))
    assert labels == ["按期办结", "逾期办结", "逾期办结"]
    for r in range(model.rowCount()):
        assert model.data(model.index(r, due_col), Qt.ItemDataRole.ForegroundRole) is None
    assert lists.count_cases(db, CaseFilter(deadline="overdue"), TODAY) == 0


# ------------------------------------------------------------------------------------ pages

@pytest.fixture
def cases_page(ctx, qtbot):
    w = CasesListPage(ctx)
    qtbot.addWidget(w)
    w.show()
    idle(qtbot)
    return w


def test_cases_page_filters_overdue(regs, cases_page, qtbot):
    page = cases_page
    assert page.title == "案件办理" and page.areas == {"cases"}
    qtbot.waitUntil(lambda: page.model.rowCount() == 12, timeout=5000)
    idle(qtbot)
    assert page.count_label.text() == "共 12 条"
    page.deadline_combo.setCurrentIndex(page.deadline_combo.findText("已超期"))
    qtbot.waitUntil(lambda: page.count_label.text() == "共 6 条", timeout=5000)
    idle(qtbot)
    m = page.model
    assert m.rowCount() == 6
    for r in range(m.rowCount()):
        row = m.data(m.index(r, 0), ROW_ROLE)
        assert row.due_date < TODAY and row.deadline is DeadlineState.OVERDUE
        assert m.data(m.index(r, m.column_index("deadline"))) == "已超期"
    assert m.data(m.index(0, m.column_index("due_date")), Qt.ItemDataRole.ForegroundRole).name() == "#c62828"
    # and 即将到期 / back to all
    page.deadline_combo.setCurrentIndex(page.deadline_combo.findText("即将到期"))
    idle(qtbot)
    assert all(m.data(m.index(r, 0), ROW_ROLE).deadline is DeadlineState.DUE_SOON for r in range(m.rowCount()))
    page.reset()
    idle(qtbot)
    assert m.rowCount() == 12 and page.deadline_combo.currentIndex() == 0


def test_apply_filter_from_outside_shows_it(regs, cases_page, qtbot, db):
    page = cases_page
    page.apply_filter(CaseFilter(deadline="overdue", employer_id=1))
    idle(qtbot)
    assert page.deadline_combo.currentData() == "overdue"
    assert page.hidden_label.isVisibleTo(page) and "单位" in page.hidden_label.text()
    assert {page.model.rows[r].employer_name for r in range(page.model.rowCount())} == {"甲公司"}
    page.clear_hidden()
    idle(qtbot)
    assert page.model.filter.employer_id is None and page.model.rowCount() == 6


def test_period_shows_the_days_it_means_greyed(cases_page, qtbot):
    page = cases_page
    page.today = lambda: date(2026, 11, 18)
    for label, start, end in (("近30天", date(2026, 10, 20), date(2026, 11, 18)),
                              ("上季度", date(2026, 7, 1), date(2026, 9, 30)),
                              ("去年", date(2025, 1, 1), date(2025, 12, 31)),
                              ("上月", date(2026, 10, 1), date(2026, 10, 31))):
        page.period_combo.setCurrentIndex(page.period_combo.findText(label))
        idle(qtbot)
        assert (page.date_from.date().toPython(), page.date_to.date().toPython()) == (start, end)
        assert not page.date_from.isEnabled() and not page.date_to.isEnabled()
        assert page.model.filter.period is not None and page.model.filter.date_from is None
    # 自定义日期 starts from the days last shown, now editable
    page.period_combo.setCurrentIndex(page.period_combo.findData("custom"))
    idle(qtbot)
    assert page.date_from.isEnabled()
    assert page.model.filter.date_from == date(2026, 10, 1) and page.model.filter.date_to == date(2026, 10, 31)
    # 全部: no days to show, the boxes say 不限 rather than today
    page.period_combo.setCurrentIndex(0)
    idle(qtbot)
    assert page.date_from.text() == "不限" and page.date_to.text() == "不限"
    assert page.model.filter.period is None and page.model.filter.date_from is None
    page.period_combo.setCurrentIndex(page.period_combo.findData("custom"))
    page.date_to.setDate(date(2026, 11, 1))
    idle(qtbot)
    assert (page.model.filter.date_from, page.model.filter.date_to) == (None, date(2026, 11, 1))


@pytest.fixture
def reg_page(ctx, qtbot):
    w = RegistrationsListPage(ctx)
    qtbot.addWidget(w)
    w.show()
    idle(qtbot)
    return w


def test_registrations_page_search_save_export_columns(regs, reg_page, qtbot, tmp_path, db, ctx):
    page = reg_page
    assert page.title == "信访登记" and page.areas == {"registrations"}
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=5000)
    # content search: 4 characters (MATCH) and 2 (LIKE)
    page.text_edit.setText("拖欠工资")
    qtbot.keyClick(page.text_edit, Qt.Key.Key_Return)
    idle(qtbot)
    assert page.model.rowCount() == 7 and page.count_label.text() == "找到 7 条"
    page.text_edit.setText("社保")
    qtbot.waitUntil(lambda: page.model.filter.text == "社保", timeout=5000)
    idle(qtbot)
    assert page.model.rowCount() == 18
    page.text_edit.clear()
    idle(qtbot)

    # saved filter with a relative period
    page.period_combo.setCurrentIndex(page.period_combo.findText("本月"))
    page.channel_combo.setCurrentIndex(page.channel_combo.findData("visit"))
    idle(qtbot)
    page.ask_name = lambda: "本月来访"
    page.save_button.click()
    idle(qtbot)
    assert page.saved_combo.findText("本月来访") > 0
    page.reset()
    idle(qtbot)
    assert page.model.filter == RegistrationFilter()
    page.saved_combo.setCurrentIndex(page.saved_combo.findText("本月来访"))
    page.saved_combo.activated.emit(page.saved_combo.currentIndex())
    idle(qtbot)
    assert page.model.filter.period == "this_month" and page.model.filter.channel == "visit"
    assert page.period_combo.currentText() == "本月"

    # export exactly what is shown, masked
    out = tmp_path / "登记.xlsx"
    page.ask_export_path = lambda: str(out)
    page.export()
    idle(qtbot)
    ws = load_workbook(out).active
    rows = list(ws.iter_rows(min_row=3, max_row=ws.max_row - 1, values_only=True))  # then the fingerprint
    assert len(rows) == page.model.total
    assert {r[2] for r in rows} == {"来访"}
    assert "导出" in page.message.text()

    # column chooser: hide 人数, remembered by a new page
    col = page.model.column_index("head_count")
    page.set_column_visible(col, False)
    again = RegistrationsListPage(ctx)
    qtbot.addWidget(again)
    assert again.view.horizontalHeader().isSectionHidden(col)
    again.set_column_visible(col, True)
    assert not RegistrationsListPage(ctx).view.horizontalHeader().isSectionHidden(col)


def test_header_click_sorts_and_jump_to_end(regs, reg_page, qtbot):
    page = reg_page
    qtbot.waitUntil(lambda: page.model.rowCount() == 25, timeout=5000)
    page.model.page_size = 10
    page.apply()
    idle(qtbot)
    header = page.view.horizontalHeader()
    col = page.model.column_index("received_at")
    page._header_clicked(col)          # same column: flips to ascending   # noqa: SLF001
    idle(qtbot)
    assert page.model.filter.sort == "received" and not page.model.filter.descending
    assert ids_of(page.model)[0] == regs[-1]
    assert header.sortIndicatorSection() == col
    page.jump_to_end()
    idle(qtbot)
    assert page.model.tail_mode and ids_of(page.model)[-1] == regs[0]
    page._header_clicked(page.model.column_index("summary"))    # noqa: SLF001
    assert "不能排序" in page.message.text()


@pytest.mark.parametrize("which", ["reg_page", "cases_page"])
def test_search_cut_short_shows_how_far_and_continues_on_click(regs, which, request, qtbot, db,
                                                              monkeypatch):
    """A short search whose time budget (forced to nothing) ran out answers with the newest hits
    and 「已搜索至 …，继续搜索更早的记录」; each click reads older hits until all are there."""
    monkeypatch.setattr(search, "SHORT_BUDGET", 0)
    monkeypatch.setattr(search, "CONTINUE_BUDGET", 0)
    monkeypatch.setattr(search, "SCAN_SLICE", 4)
    page = request.getfixturevalue(which)
    fetch = lists.registration_page if which == "reg_page" else lists.case_page
    f = page.filter_cls(text="社保")
    expected = [r.id for r in fetch(db, f, budget=search.NO_BUDGET).rows]
    assert len(expected) > 4
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=5000)
    assert not page.continue_button.isVisible()
    page.text_edit.setText("社保")
    qtbot.keyClick(page.text_edit, Qt.Key.Key_Return)
    idle(qtbot)
    first = ids_of(page.model)
    assert 0 < len(first) < len(expected) and first == expected[:len(first)]
    assert page.continue_button.isVisible()
    day = page.model.searched_back_to
    assert page.continue_button.text() == f"已搜索至 {day.year}年{day.month}月{day.day}日，继续搜索更早的记录"
    assert page.count_label.text() == f"找到 {len(first)} 条"
    clicks = 0
    while page.continue_button.isVisible():
        qtbot.mouseClick(page.continue_button, Qt.MouseButton.LeftButton)
        clicks += 1
        assert not page.continue_button.isEnabled()          # no second click while it reads
        idle(qtbot)
        assert clicks < 30
    assert clicks >= 2
    assert ids_of(page.model) == expected                    # no duplicates, no gaps, same order
    assert page.count_label.text() == f"找到 {len(expected)} 条"
    # a new search starts over, without the link until it is cut short again
    page.text_edit.setText("咨询社保")
    qtbot.keyClick(page.text_edit, Qt.Key.Key_Return)
    idle(qtbot)
    assert not page.continue_button.isVisible() and page.model.rowCount() > 0
