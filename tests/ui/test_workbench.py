"""工作台 numbers: each is the count of the list filter its button opens; managers acknowledge
hot-spot warnings here. Real temp database, offscreen."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from app.db.models import HotspotWarning
from app.domain.enums import Role
from tests.clock import NOW
from tests.services.test_lists import add_employer, add_registration, make_user
from tests.ui.util import idle
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.pages.workbench import WorkbenchPage



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
    asked = []
    page.ask_note = lambda n: asked.append(n) or None              # cancelled: nothing happens
    page.acknowledge_selected()
    idle(qtbot)
    assert asked == [1] and page.count("warnings") == 1
    page.ask_note = lambda n: "已约谈单位负责人"
    page.acknowledge_selected()
    idle(qtbot)
    qtbot.waitUntil(lambda: page.count("warnings") == 0, timeout=10000)
    assert page.desk_message.text() == "已确认 1 条预警"
    with db.read() as s:
        assert s.execute(select(HotspotWarning.acknowledged_by)).scalar_one() == office["boss"].user_id
    window.close()


@pytest.mark.parametrize("days, label", [(5, "5个工作日内到期"), (0, "今日到期")])
def test_due_soon_label_follows_the_warning_days_setting(db, qtbot, no_boxes, days, label):
    """The 即将到期 counter says the office's deadline.warn_workdays, not a fixed 「2个工作日内到期」."""
    from app.domain.actor import SYSTEM_ACTOR
    from app.services import settings
    settings.save(db, SYSTEM_ACTOR, {"deadline.warn_workdays": days})
    page = shown_page(qtbot, db, make_user(db, Role.CASEWORKER, "zhao", "赵敏"))
    qtbot.waitUntil(lambda: page.labels["due_soon"] == label, timeout=10000)
    assert page.counter_buttons["due_soon"].text() == f"{page.count('due_soon')}\n{label}"
    assert "2个工作日" not in "".join(b.text() for b in page.counter_buttons.values())


def test_manager_acknowledges_several_warnings_with_a_note(db, office, qtbot, no_boxes):
    import json

    from app.db.models import AuditLog
    with db.write() as s:
        at = datetime(2026, 11, 18, 9, 0)
        for n in (6, 7):
            s.add(HotspotWarning(kind="group_visit", count=n, first_at=at, last_at=at, created_at=at))
    page = shown_page(qtbot, db, office["boss"])
    assert page.count("warnings") == 3 and page.warnings_list.count() == 3
    page.warnings_list.setFocus()
    page.warnings_list.setCurrentRow(0)
    qtbot.keyClick(page.warnings_list, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)   # 全选
    assert len(page.selected_warning_ids()) == 3
    page.warnings_list.clearSelection()
    page.warnings_list.item(0).setSelected(True)
    page.warnings_list.item(2).setSelected(True)
    chosen = page.selected_warning_ids()
    asked = []
    page.ask_note = lambda n: asked.append(n) or "已约谈两家单位负责人，安排专人跟进"
    page.acknowledge_selected()
    idle(qtbot)
    assert asked == [2] and page.desk_message.text() == "已确认 2 条预警"
    page.refresh()
    qtbot.waitUntil(lambda: page.count("warnings") == 1, timeout=10000)
    with db.read() as s:
        rows = s.execute(select(AuditLog.entity_id, AuditLog.after)
                         .where(AuditLog.entity == "warning", AuditLog.action == "acknowledge")).all()
    assert sorted(int(r.entity_id) for r in rows) == sorted(chosen)
    assert {json.loads(r.after)["note"] for r in rows} == {"已约谈两家单位负责人，安排专人跟进"}
    # nothing selected: said in place, no dialog
    page.warnings_list.clearSelection()
    page.ask_note = lambda n: pytest.fail("asked without a selection")
    page.acknowledge_selected()
    assert "请先在预警列表中选择" in page.desk_message.text()


def test_about_says_what_the_program_does_today(db, office, qtbot, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "about", lambda _parent, title, text: shown.append((title, text)))
    window = MainWindow(AppContext(db, office["boss"]))
    qtbot.addWidget(window)
    window.show_about()
    idle(qtbot)
    (title, text), = shown
    assert title == "关于"
    for today in ("信访登记", "案件办理", "告知书", "导出 Excel", "备份", "困难职工帮扶", "签领表",
                  "职工互助保障", "理赔", "统计报表"):
        assert today in text
    assert "尚未提供" not in text
    window.close()
