"""文书 in the GUI (issue 4), offscreen on a real temp database: the notice offered where the decision
is taken (来访登记, 审批延期), the case page's 文书 tab, delivery stopping the written-notice clock,
void and reprint, a refusal in the panel's red label, a read-only role, and the 信访登记 list's 文书….

Chinese text goes in with setText (keyClicks with non-ASCII aborts Qt). Every preview is the real
PDF: its text is read back with pypdf to find the document number.
"""
from __future__ import annotations

import io
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt

from app.domain.case_clock import DeadlineState
from app.domain.enums import Category, Channel, Disposition, IssueType, RejectReason, Role
from app.services.petitions import cases, notice_pdf, notices
from app.services.petitions import registration
from app.services.petitions.registration import RegistrationInput
from tests.clock import TODAY
from tests.ui.util import idle
from ui.context import AppContext
from ui.dialogs.case_dialog import CaseDialog, notice_limit
from ui.dialogs.notices_panel import NoticesPanel, render_note, show_pdf
from ui.pages.register import RegisterPage
from ui.pages.registrations_list import RegistrationsListPage


def pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)


def registered(db, staff, zhang, **kw):
    base = dict(channel=Channel.CALL.value, person_id=zhang.id, employer_id=zhang.employer_id,
                category=Category.COMPLAINT.value, issue_types=[IssueType.WAGES.value],
                summary="拖欠两个月工资", disposition=Disposition.ACCEPTED.value)
    base.update(kw)
    return registration.register(db, staff[Role.CLERK], RegistrationInput(**base))


def open_case(ctx, case_id, qtbot) -> CaseDialog:
    dlg = CaseDialog(ctx, case_id)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitUntil(lambda: dlg.record is not None, timeout=10000)
    idle(qtbot)
    return dlg


def row_texts(panel: NoticesPanel) -> list[list[str]]:
    t = panel.table
    return [[t.item(r, c).text() for c in range(t.columnCount())] for r in range(t.rowCount())]


def click(qtbot, button) -> None:
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def preview_of(owner, qtbot):
    """Wait for the print preview ``owner`` (a panel or an offer bar) opens; answer its PDF text."""
    qtbot.waitUntil(lambda: owner.pdf_dialog is not None, timeout=15000)
    idle(qtbot)
    dlg = owner.pdf_dialog
    qtbot.addWidget(dlg)
    assert dlg.isVisible() and len(dlg.preview.pages) >= 1
    return dlg, pdf_text(dlg.data)


# ------------------------------------------------------------------------------------------

def test_accept_offer_issue_preview_tab_delivery_void_and_reprint(db, staff, zhang, qtbot):
    clerk = staff[Role.CLERK]
    ctx = AppContext(db, clerk)
    page = RegisterPage(ctx)
    qtbot.addWidget(page)
    page.show()
    idle(qtbot)
    page.person_field.set_value(zhang.id, "张三")
    page.employer_field.set_value(zhang.employer_id, "宏达电子有限公司")
    page.category_combo.setCurrentIndex(page.category_combo.findData(Category.COMPLAINT.value))
    page.set_issue_types([IssueType.WAGES.value])
    page.summary_edit.setText("公司拖欠两个月工资")
    page.disposition_combo.setCurrentIndex(page.disposition_combo.findData(Disposition.ACCEPTED.value))
    page.save()
    qtbot.waitUntil(page.result_bar.isVisible, timeout=10000)
    idle(qtbot)
    saved = page.last_saved
    bar = page.offer_bar
    assert bar.isVisible() and bar.label.text() == "已受理。出具受理告知书？"

    click(qtbot, bar.issue_button)                       # 出具并预览
    preview, text = preview_of(bar, qtbot)
    issued = bar.record
    year = TODAY.year
    assert issued.doc_no == f"朝工信受〔{year}〕1号" and issued.kind_label == "受理告知书"
    assert issued.doc_no in text and "张三" in text and "受理告知书" in preview.windowTitle()
    assert not bar.isVisible()
    assert notices.notices_for_case(db, saved.case_id)[0].id == issued.id

    # the case page: the 文书 tab lists it with number, date and issuer
    dlg = open_case(ctx, saved.case_id, qtbot)
    assert [dlg.tabs.tabText(i) for i in range(dlg.tabs.count())] == ["办理记录", "登记内容", "文书"]
    dlg.tabs.setCurrentWidget(dlg.notices)
    panel = dlg.notices
    rows = row_texts(panel)
    assert rows == [["受理告知书", issued.doc_no, TODAY.isoformat(), "赵登记", "张三",
                     "未送达", "有效"]]
    due = dlg.record.notice_due
    assert dlg.notice_label.text().startswith(f"{due.isoformat()}（未送达，剩 ")

    # 登记送达: a missing method is shown under its field; then 当面, today, 张三
    panel.table.selectRow(0)
    click(qtbot, panel.deliver_button)
    form = panel.dialog
    assert form.windowTitle() == f"登记送达 受理告知书 朝工信受〔{year}〕1号"     # kind and number
    assert form["delivered_on"].date().toPython() == TODAY
    assert form["recipient"].text() == "张三"
    click(qtbot, form.ok_button)
    qtbot.waitUntil(lambda: not form.busy, timeout=10000)
    assert form.isVisible() and form.field_errors["送达方式"].isVisible()
    assert "请选择送达方式" in form.field_errors["送达方式"].text()
    form["method"].setCurrentIndex(form["method"].findData("in_person"))
    click(qtbot, form.ok_button)
    qtbot.waitUntil(lambda: not form.isVisible(), timeout=10000)
    qtbot.waitUntil(lambda: dlg.notice_label.text().startswith("已于"), timeout=10000)
    idle(qtbot)
    assert dlg.notice_label.text() == f"已于 {TODAY.isoformat()} 送达"
    assert "当面" in row_texts(panel)[0][5] and "张三" in row_texts(panel)[0][5]
    assert cases.get_case(db, saved.case_id).notice_delivered_on == TODAY

    # 作废: a reason is required, then the row reads 已作废
    panel.table.selectRow(0)
    click(qtbot, panel.void_button)
    form = panel.dialog
    click(qtbot, form.ok_button)
    qtbot.waitUntil(lambda: not form.busy, timeout=10000)
    assert form.isVisible() and form.field_errors["作废原因"].isVisible()
    form["reason"].setPlainText("收件人地址有误，重新出具")
    click(qtbot, form.ok_button)
    qtbot.waitUntil(lambda: not form.isVisible(), timeout=10000)
    qtbot.waitUntil(lambda: row_texts(panel)[0][6] == "已作废", timeout=10000)
    idle(qtbot)
    assert not panel.void_button.isEnabled() and not panel.deliver_button.isEnabled()

    # reprint of the voided notice (double-click): same number, with the void mark
    panel.table.selectRow(0)
    panel.table.itemDoubleClicked.emit(panel.table.item(0, 0))
    reprint, text = preview_of(panel, qtbot)
    assert issued.doc_no in text and "已作废" in text
    assert "已作废" in reprint.windowTitle()

    # a new one takes the next number (the voided one is never reused)
    panel.issue("accept", preview=False)
    qtbot.waitUntil(lambda: len(panel.records) == 2, timeout=10000)
    idle(qtbot)
    assert panel.records[1].doc_no == f"朝工信受〔{year}〕2号"
    assert panel.error_label.isHidden()


def test_a_kind_that_does_not_fit_is_refused_in_the_red_label(db, staff, zhang, qtbot):
    rec = registered(db, staff, zhang)
    panel = NoticesPanel(AppContext(db, staff[Role.CLERK]), case_id=rec.case_id)
    qtbot.addWidget(panel)
    panel.show()
    idle(qtbot)
    assert panel.hint_label.text() == "尚未出具文书"
    click(qtbot, panel.issue_button)
    chooser = panel.dialog
    chooser.kind_combo.setCurrentIndex(chooser.kind_combo.findData("extend"))
    click(qtbot, chooser.ok_button)
    qtbot.waitUntil(panel.error_label.isVisible, timeout=10000)
    idle(qtbot)
    assert panel.error_label.text() == "该案件未延期，不能出具延期告知书"
    assert panel.pdf_dialog is None and panel.records == []
    # the next kind that fits clears the red label and previews
    chooser = panel.open_issue()
    chooser.kind_combo.setCurrentIndex(chooser.kind_combo.findData("register_sheet"))
    click(qtbot, chooser.ok_button)
    _dlg, text = preview_of(panel, qtbot)
    assert "信访事项登记表" in text and panel.error_label.isHidden()


def test_approved_extension_offers_the_extension_notice(db, staff, zhang, qtbot):
    rec = registered(db, staff, zhang)
    chief, worker = staff[Role.MANAGER], staff[Role.CASEWORKER]
    cases.assign(db, chief, rec.case_id, kind="handler", handler_id=worker.user_id)
    cases.request_extension(db, worker, rec.case_id, "需要调取考勤记录并询问证人")
    dlg = open_case(AppContext(db, chief), rec.case_id, qtbot)
    assert dlg.offer_bar.isHidden()
    click(qtbot, dlg.buttons["decide_extension"])
    action = dlg.action
    action["approve"].setCurrentIndex(action["approve"].findData(True))
    action["note"].setPlainText("同意延期")
    click(qtbot, action.ok_button)
    qtbot.waitUntil(lambda: not action.isVisible(), timeout=10000)
    idle(qtbot)
    bar = dlg.offer_bar
    assert bar.isVisible() and bar.label.text() == "延期已批准。出具延期告知书？"
    click(qtbot, bar.issue_button)
    _preview, text = preview_of(bar, qtbot)
    assert bar.record.kind_label == "延期告知书" and bar.record.doc_no in text
    qtbot.waitUntil(lambda: [r.kind_label for r in dlg.notices.records] == ["延期告知书"],
                    timeout=10000)


def test_assign_offers_the_sheet_later_dismisses_and_a_refused_extension_offers_nothing(
        db, staff, zhang, qtbot):
    rec = registered(db, staff, zhang)
    chief, worker = staff[Role.MANAGER], staff[Role.CASEWORKER]
    dlg = open_case(AppContext(db, chief), rec.case_id, qtbot)
    click(qtbot, dlg.buttons["assign"])
    action = dlg.action
    idle(qtbot)                                     # the handlers arrive in the background
    action["handler_id"].setCurrentIndex(action["handler_id"].findData(worker.user_id))
    click(qtbot, action.ok_button)
    qtbot.waitUntil(lambda: not action.isVisible(), timeout=10000)
    idle(qtbot)
    bar = dlg.offer_bar
    assert bar.isVisible() and bar.label.text() == "已交办。出具交办单？"
    click(qtbot, bar.later_button)                  # 以后再说: nothing issued
    assert bar.isHidden() and notices.notices_for_case(db, rec.case_id) == []

    cases.request_extension(db, worker, rec.case_id, "需要调取考勤记录")
    dlg.reload()
    idle(qtbot)
    click(qtbot, dlg.buttons["decide_extension"])
    action = dlg.action
    action["approve"].setCurrentIndex(action["approve"].findData(False))
    click(qtbot, action.ok_button)
    qtbot.waitUntil(lambda: not action.isVisible(), timeout=10000)
    idle(qtbot)
    assert bar.isHidden()


def test_read_only_role_sees_the_list_with_disabled_buttons(db, staff, zhang, qtbot):
    rec = registered(db, staff, zhang)
    notices.issue(db, staff[Role.CLERK], "accept", case_id=rec.case_id)
    panel = NoticesPanel(AppContext(db, staff[Role.ADMIN]), case_id=rec.case_id)
    qtbot.addWidget(panel)
    panel.show()
    idle(qtbot)
    assert len(row_texts(panel)) == 1
    panel.table.selectRow(0)
    assert panel.preview_button.isEnabled()
    for b in (panel.issue_button, panel.deliver_button, panel.void_button):
        assert not b.isEnabled() and b.toolTip() == "需要「出具告知书」权限"
    panel.preview()
    _dlg, text = preview_of(panel, qtbot)
    assert panel.records[0].doc_no in text


def test_registrations_list_opens_the_notices_of_a_rejected_registration(db, staff, zhang, qtbot):
    rec = registered(db, staff, zhang, disposition=Disposition.NOT_ACCEPTED.value,
                     reject_reason=RejectReason.ARBITRATION.value)
    ctx = AppContext(db, staff[Role.CLERK])
    page = RegistrationsListPage(ctx)
    qtbot.addWidget(page)
    page.show()
    idle(qtbot)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10000)
    assert page.notices_button.text() == "文书…"
    page.view.selectRow(0)
    click(qtbot, page.notices_button)
    dlg = page.notices_dialog
    qtbot.addWidget(dlg)
    idle(qtbot)
    assert rec.reg_no in dlg.windowTitle()
    panel = dlg.panel
    assert panel.kinds()[0].value == "reject"          # a registration's own kinds first
    chooser = panel.open_issue()
    chooser.kind_combo.setCurrentIndex(chooser.kind_combo.findData("reject"))
    click(qtbot, chooser.ok_button)
    _preview, text = preview_of(panel, qtbot)
    qtbot.waitUntil(lambda: len(panel.records) == 1, timeout=10000)
    assert panel.records[0].kind_label == "不予受理告知书" and panel.records[0].doc_no in text


def test_notice_limit_text_and_colour():
    today = date(2026, 11, 23)
    due = date(2026, 11, 25)
    assert notice_limit(due, None, today) == ("2026-11-25（未送达，剩 2 天）", DeadlineState.DUE_SOON)
    assert notice_limit(due, None, today - timedelta(days=5)) == ("2026-11-25（未送达，剩 7 天）", None)
    assert notice_limit(due, None, due) == ("2026-11-25（未送达，今天到期）", DeadlineState.DUE_SOON)
    assert notice_limit(due, None, due + timedelta(days=3)) == \
        ("2026-11-25（未送达，已超期 3 天）", DeadlineState.OVERDUE)
    assert notice_limit(due, date(2026, 11, 20), today) == ("已于 2026-11-20 送达", None)
    # a closed case: no countdown, no colour, whatever the day
    for day in (today, due + timedelta(days=40)):
        assert notice_limit(due, None, day, closed=True) == ("2026-11-25（未送达）", None)


def test_the_preview_tells_once_which_characters_no_font_has(db, staff, zhang, qtbot):
    rec = registered(db, staff, zhang)
    n = notices.issue(db, staff[Role.CLERK], "accept", case_id=rec.case_id)
    out = io.BytesIO()
    result = notice_pdf.render_pdf(db, [n.id], out)
    assert render_note(result) == ""                       # nothing to say: no note shown
    flawed = SimpleNamespace(pages=1, missing=("\U000f0001", "\U000f0002"),
                             warnings=("文书字体文件不能使用，本次使用内置字体。",))
    note = render_note(flawed)
    assert note.count("〓") == 1 and "\U000f0001、\U000f0002" in note
    assert note.endswith("文书字体文件不能使用，本次使用内置字体。")
    dlg = show_pdf(None, out.getvalue(), flawed, "受理告知书", "受理告知书.pdf")
    qtbot.addWidget(dlg)
    assert dlg.note.isVisible() and dlg.note.text() == note


def test_conclude_offers_the_reply(db, staff, zhang, qtbot):
    rec = registered(db, staff, zhang)
    chief, worker = staff[Role.MANAGER], staff[Role.CASEWORKER]
    cases.assign(db, chief, rec.case_id, kind="handler", handler_id=worker.user_id)
    dlg = open_case(AppContext(db, worker), rec.case_id, qtbot)
    click(qtbot, dlg.buttons["conclude"])
    action = dlg.action
    action["outcome"].setCurrentIndex(action["outcome"].findData("supported"))
    action["outcome_text"].setPlainText("经协调，公司已足额支付拖欠工资")
    click(qtbot, action.ok_button)
    qtbot.waitUntil(lambda: not action.isVisible(), timeout=10000)
    idle(qtbot)
    bar = dlg.offer_bar
    assert bar.isVisible() and bar.label.text() == "已办结。出具信访事项处理意见书？"
    click(qtbot, bar.issue_button)
    _preview, text = preview_of(bar, qtbot)
    assert bar.record.kind_label == "信访事项处理意见书" and bar.record.doc_no in text


@pytest.mark.parametrize("disposition, extra, offered", [
    (Disposition.NOT_ACCEPTED.value, dict(reject_reason=RejectReason.ARBITRATION.value),
     "不予受理。出具不予受理告知书？"),
    (Disposition.TRANSFERRED.value, dict(transfer_to="区人力资源和社会保障局劳动保障监察大队",
                                         transfer_reason="属于劳动保障监察职责范围"),
     "已转送。出具转送告知书？"),
    (Disposition.ANSWERED.value, dict(answer="休息日加班按200%支付"), None),
])
def test_register_page_offers_the_notice_of_the_disposition(db, staff, zhang, qtbot, disposition,
                                                            extra, offered):
    rec = registered(db, staff, zhang, disposition=disposition, **extra)
    page = RegisterPage(AppContext(db, staff[Role.CLERK]))
    qtbot.addWidget(page)
    page.show()
    idle(qtbot)
    assert page.offer_notice(rec) is (offered is not None)
    if offered is None:
        assert page.offer_bar.isHidden()
        return
    assert page.offer_bar.isVisible() and page.offer_bar.label.text() == offered
    click(qtbot, page.offer_bar.issue_button)
    _preview, text = preview_of(page.offer_bar, qtbot)
    assert page.offer_bar.record.registration_id == rec.id and page.offer_bar.record.doc_no in text


def test_the_preview_of_a_new_notice_warns_of_a_year_without_holiday_data(db, staff, zhang, qtbot):
    from datetime import datetime
    now = datetime(2026, 11, 20, 15, 0)                   # extended: due in January 2027
    m, w = staff[Role.MANAGER], staff[Role.CASEWORKER]
    rec = registration.register(db, staff[Role.CLERK], RegistrationInput(
        channel=Channel.CALL.value, person_id=zhang.id, employer_id=zhang.employer_id,
        category=Category.COMPLAINT.value, issue_types=[IssueType.WAGES.value],
        summary="拖欠两个月工资", disposition=Disposition.ACCEPTED.value,
        received_at=now - timedelta(minutes=30)), now=now)
    cases.assign(db, m, rec.case_id, kind="handler", handler_id=w.user_id, now=now)
    cases.request_extension(db, w, rec.case_id, "需要调取考勤记录", now=now)
    cases.decide_extension(db, m, rec.case_id, True, now=now)
    panel = NoticesPanel(AppContext(db, staff[Role.CLERK]), case_id=rec.case_id)
    qtbot.addWidget(panel)
    panel.show()
    idle(qtbot)
    panel.issue("extend")
    dlg, _text = preview_of(panel, qtbot)
    assert dlg.note.isVisible() and "2027年节假日数据未导入" in dlg.note.text()
    # reprinting it from the list says nothing more
    panel.pdf_dialog = None
    panel.preview()
    again, _ = preview_of(panel, qtbot)
    assert "节假日" not in again.note.text()


def test_a_notice_issued_but_not_rendered_stays_issued_and_is_not_offered_again(db, staff, zhang,
                                                                               qtbot, monkeypatch):
    """出具 in the panel and 出具并预览 in the offer bar are one operation (issue_and_render): when
    the PDF cannot be made after the notice was issued, the notice shows as issued, the error is
    told, and the bar does not offer to issue it a second time."""
    from PySide6.QtWidgets import QMessageBox

    from ui.dialogs.notices_panel import OfferBar
    from app.domain.notices import NoticeKind
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _p, _t, text, *a, **k: told.append(text))

    def broken(*_a, **_k):
        raise OSError("磁盘已满")
    monkeypatch.setattr(notice_pdf, "render_pdf", broken)
    from ui.operations import notices as notice_ops
    calls = []
    one = notice_ops.issue_and_render
    monkeypatch.setattr(notice_ops, "issue_and_render",
                        lambda *a, **k: calls.append(a[2]) or one(*a, **k))
    rec = registered(db, staff, zhang)
    ctx = AppContext(db, staff[Role.CLERK])

    panel = NoticesPanel(ctx, case_id=rec.case_id)
    qtbot.addWidget(panel)
    panel.show()
    idle(qtbot)
    panel.issue("register_sheet")
    qtbot.waitUntil(lambda: len(panel.records) == 1, timeout=10000)
    idle(qtbot)
    assert panel.pdf_dialog is None and not panel.busy
    assert len(told) == 1 and "磁盘已满" in told[0]

    bar = OfferBar(ctx)
    qtbot.addWidget(bar)
    issued = []
    bar.issued.connect(issued.append)
    assert bar.offer(NoticeKind.ACCEPT, case_id=rec.case_id)
    bar.issue()
    qtbot.waitUntil(lambda: bar.record is not None, timeout=10000)
    idle(qtbot)
    assert bar.isHidden() and bar.pdf_dialog is None and issued == [bar.record]
    assert not bar.issue_button.isEnabled()               # no second 出具并预览 of the same notice
    assert calls == ["register_sheet", "accept"]
    assert len(told) == 2 and "磁盘已满" in told[1]
    kinds = sorted(n.kind.value for n in notices.notices_for_case(db, rec.case_id))
    assert kinds == ["accept", "register_sheet"]          # each issued once
