"""The hardship ledger on other pages, offscreen: the 工作台 lists files overdue for review and files
where 脱困 is proposed (double-click opens the file); the person page and the registration side
panel show the person's file and payments (issue 10)."""
from __future__ import annotations

from datetime import date

from app.domain.enums import Role
from app.services.hardship import files, payments
from tests.services.hardship_util import MANAGER, WORKER, active_file, at, funded, person
from tests.ui.util import idle
from ui.context import AppContext
from ui.pages.hardship.file_dialog import FileDialog


def _office(db):
    """张伟 (deep, reviewed on 2026-12-01 above 低保) and 李娜 (filed above 低保), with a payment."""
    a = active_file(db, person(db, "张伟", 1), income="1000")
    b = active_file(db, person(db, "李娜", 2, male=False), income="1500")
    files.review_file(db, WORKER, a.id, files.ReviewInput(
        reviewed_on="2026-12-01", reviewer="王芳", household_income="1500", rigid_annual=0,
        household_size=1, decision="keep"), now=at(12, 1))
    fund = funded(db)
    p = payments.propose(db, WORKER, payments.PaymentInput("living", "1200", fund, date(2026, 12, 2),
                                                           file_id=b.id), now=at(12, 2))
    payments.approve(db, MANAGER, p.id, now=at(12, 3))
    payments.pay(db, WORKER, p.id, method="card", voucher_no="记-1", now=at(12, 4))
    return a, b


def test_workbench_lists_overdue_reviews_and_proposed_out_of_poverty(db, staff, qtbot):
    from ui.pages.workbench import WorkbenchPage
    a, b = _office(db)
    page = WorkbenchPage(AppContext(db, staff[Role.MANAGER]))
    qtbot.addWidget(page)
    page.show()
    idle(qtbot)
    assert not page.hardship.isVisible()              # today nothing is due
    page.hardship.load(date(2027, 12, 2))             # a year on: both overdue, both above 低保
    idle(qtbot)
    box = page.hardship
    assert box.isVisible()
    overdue = [box.overdue_list.item(i).text() for i in range(box.overdue_list.count())]
    poverty = [box.poverty_list.item(i).text() for i in range(box.poverty_list.count())]
    assert len(overdue) == 2 and overdue[0].startswith(b.file_no) and "复核到期 2027-11-02" in overdue[0]
    assert "（2）" in box.overdue_title.text()
    assert poverty[0].startswith(b.file_no) and "李娜" in poverty[0] and "自 2026-11-02 起高于低保" in poverty[0]
    assert any(x.startswith(a.file_no) and "自 2026-12-01" in x for x in poverty)
    dlg = box._open(box.poverty_list.item(0))
    qtbot.waitUntil(lambda: dlg.record is not None, timeout=10000)
    assert isinstance(dlg, FileDialog) and dlg.record.id == b.id
    dlg.close()


def test_person_page_and_registration_panel_show_the_file_and_payments(db, staff, qtbot):
    from ui.pages.people import PeoplePage
    from ui.pages.register import RegisterPage
    _a, b = _office(db)
    ctx = AppContext(db, staff[Role.CLERK])
    people = PeoplePage(ctx)
    qtbot.addWidget(people)
    people.show()
    people.search.setText("李娜")
    people.search.fire()
    qtbot.waitUntil(lambda: len(people.model.rows) == 1, timeout=10000)
    people.table.selectRow(0)
    idle(qtbot)
    text = people.hardship.file_label.text()
    assert f"档案 {b.file_no}  在档  相对困难" in text and "累计发放 ¥1,200.00" in text
    assert "生活救助  ¥1,200.00" in people.hardship.payments.item(0).text()
    assert "已发放" in people.hardship.payments.item(0).text()
    assert people.hardship.open_button.isVisible()

    page = RegisterPage(ctx)
    qtbot.addWidget(page)
    page.show()
    idle(qtbot)
    page.person_field.set_value(b.person_id, "李娜")
    page.check_repeat()
    idle(qtbot)
    assert b.file_no in page.hardship.file_label.text()
    page.person_field.clear()
    page.check_repeat()
    idle(qtbot)
    assert page.hardship.file_label.text() == "—" and page.hardship.payments.count() == 0
