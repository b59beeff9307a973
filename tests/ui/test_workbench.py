"""工作台 numbers: each is the count of the list filter its button opens; managers acknowledge
hot-spot warnings here. Real temp database, offscreen."""
from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from app.db.models import HotspotWarning
from app.domain.enums import Role
from tests.clock import NOW
from tests.services.test_lists import add_employer, add_registration, make_user
from ui import operations
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.pages.workbench import WorkbenchPage



def idle(qtbot):
    qtbot.waitUntil(lambda: not operations._running, timeout=10000)   # noqa: SLF001


@pytest.fixture
def office(db):
    """Computed when the test runs (a module constant went stale across midnight)."""
    now = NOW
    today = now.date()
    worker = make_user(db, Role.CASEWORKER, "wang", "王芳")
    boss = make_user(db, Role.MANAGER, "boss", "李强")
    acme = add_employer(db, "甲公司")
    base = now - timedelta(days=40)
    # mine: two overdue, one normal; someone else's: one overdue, one concluded
    for due in (today - timedelta(days=3), today - timedelta(days=1), today + timedelta(days=30)):
        add_registration(db, received=base, case=dict(handler_id=worker.user_id, status="in_progress",
                                                      due_date=due))
    add_registration(db, received=base, case=dict(handler_id=boss.user_id, status="assigned",
                                                  due_date=today - timedelta(days=2),
                                                  extension_status="requested"))
    add_registration(db, received=base, case=dict(status="concluded", due_date=today - timedelta(days=9),
                                                  concluded_on=today - timedelta(days=10)))
    rid, _ = add_registration(db, received=now.replace(hour=0, minute=5), channel="visit", head_count=8,
                              employer_id=acme)
    add_registration(db, received=now.replace(hour=0, minute=6), channel="call")
    with db.write() as s:
        s.add(HotspotWarning(kind="group_visit", registration_id=rid, employer_id=acme, count=8,
                             first_at=now, last_at=now, created_at=now))
    return dict(worker=worker, boss=boss)


@pytest.fixture
def no_boxes(monkeypatch):
    boxes: list[str] = []
    for kind in ("warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, kind, lambda *a, _k=kind, **kw: boxes.append(_k))
    yield boxes
    assert boxes == []


def shown_page(qtbot, db, actor) -> WorkbenchPage:
    ctx = AppContext(db, actor)
    page = WorkbenchPage(ctx)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.count("overdue") is not None, timeout=10000)
    idle(qtbot)
    return page


def test_caseworker_numbers(db, office, qtbot, no_boxes):
    page = shown_page(qtbot, db, office["worker"])
    assert page.banner is not None                          # the calendar banner stays
    assert page.count("my_open") == 3
    assert page.count("overdue") == 2                       # only my own cases
    assert page.count("due_soon") == 0
    assert page.count("today_registrations") == 2
    assert page.count("warnings") == 1
    assert "awaiting_approval" not in page.counter_buttons   # not a manager
    assert not page.ack_button.isVisibleTo(page)
    assert page.warnings_list.count() == 1


def test_manager_opens_filtered_list_and_acknowledges(db, office, qtbot, no_boxes):
    ctx = AppContext(db, office["boss"])
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("workbench")
    qtbot.waitUntil(lambda: page.count("overdue") is not None, timeout=10000)
    idle(qtbot)
    assert (page.count("overdue"), page.count("awaiting_approval"), page.count("my_open")) == (3, 1, 1)

    qtbot.mouseClick(page.counter_buttons["overdue"], Qt.MouseButton.LeftButton)
    idle(qtbot)
    assert window.current_key() == "cases"
    cases_page = window.page("cases")
    qtbot.waitUntil(lambda: cases_page.model.total == 3, timeout=10000)
    assert cases_page.deadline_combo.currentText() == "已超期"
    assert cases_page.model.rowCount() == 3

    # 受理告知书未送达 opens the open cases with the flag ticked, and counts the same
    window.show_page("workbench")
    pending = page.count("notice_pending")
    assert pending and pending >= 1
    qtbot.mouseClick(page.counter_buttons["notice_pending"], Qt.MouseButton.LeftButton)
    idle(qtbot)
    qtbot.waitUntil(lambda: cases_page.model.total == pending, timeout=10000)
    assert cases_page.flag_boxes["notice_pending"].isChecked()
    assert cases_page.flag_boxes["notice_pending"].text() == "告知书未送达"

    window.show_page("workbench")
    qtbot.mouseClick(page.counter_buttons["today_registrations"], Qt.MouseButton.LeftButton)
    idle(qtbot)
    assert window.current_key() == "registrations"
    regs_page = window.page("registrations")
    qtbot.waitUntil(lambda: regs_page.model.total == 2, timeout=10000)
    assert regs_page.period_combo.currentText() == "今天"

    window.show_page("workbench")
    idle(qtbot)
    assert page.ack_button.isVisibleTo(page)
    page.warnings_list.setCurrentRow(0)
    page.acknowledge_selected()
    idle(qtbot)
    qtbot.waitUntil(lambda: page.count("warnings") == 0, timeout=10000)
    assert page.desk_message.text() == "预警已确认"
    with db.read() as s:
        assert s.execute(select(HotspotWarning.acknowledged_by)).scalar_one() == office["boss"].user_id
    window.close()
