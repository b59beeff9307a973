"""帮扶活动 page, offscreen: a 送温暖 campaign of 30 households created by filter, reviewed, approved,
its 签领表 previewed (the PDF read back: masked IDs, 大写 total, page numbers) and paid; a batch
that would overdraw its fund refused in the dialog with nothing written. Real temp database."""
from __future__ import annotations

import io

from pypdf import PdfReader
from sqlalchemy import func, select

from app.db.models_hardship import HardshipCampaign, HardshipPayment
from app.domain.enums import Role
from app.domain.hardship import CampaignState
from tests.services.hardship_util import funded, id_number
from tests.services.test_hardship_campaigns import households
from tests.ui.util import idle
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.pages.hardship.campaigns import CampaignDialog, CampaignsPage, PayDialog


def _page(qtbot, db, actor) -> CampaignsPage:
    page = CampaignsPage(AppContext(db, actor))
    qtbot.addWidget(page)
    page.show()
    idle(qtbot)
    return page


def _new(qtbot, page: CampaignsPage, amount: str) -> CampaignDialog:
    page.new_button.click()
    dlg = page.dialog
    assert isinstance(dlg, CampaignDialog)
    qtbot.waitUntil(lambda: dlg.fund.count() > 0, timeout=10000)
    assert dlg.fund.currentText().startswith("上级拨款（可用 ¥")
    dlg.year.setValue(2027)
    dlg.amount.setText(amount)
    dlg.categories["relative"].setChecked(True)
    return dlg


def test_thirty_households_approved_sheet_previewed_and_paid(qtbot, db, staff):
    households(db, 30)
    funded(db, amount=20_000_00)
    page = _page(qtbot, db, staff[Role.MANAGER])
    dlg = _new(qtbot, page, "500")
    dlg.buttons.button(dlg.buttons.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: page.loaded is not None and page.loaded.detail.campaign.count == 30, timeout=15000)
    assert page.model.rowCount() == 30 and page.campaign_list.count() == 1
    assert "待审批" in page.header.text() and "¥15,000.00" in page.header.text()
    assert page.model.index(0, 2).data() == "110105********" + id_number(1)[-4:]
    assert page.approve_button.isEnabled() and not page.preview_button.isEnabled()
    # review: the first two households taken out of the batch before approval
    page.table.selectRow(0)
    page.table.selectionModel().select(page.model.index(1, 0), page.table.selectionModel().SelectionFlag.Select
                                       | page.table.selectionModel().SelectionFlag.Rows)
    page.remove_button.click()
    qtbot.waitUntil(lambda: page.loaded.detail.campaign.count == 28, timeout=15000)
    assert page.model.index(0, 2).data() == "110105********" + id_number(3)[-4:]

    page.approve_button.click()
    qtbot.waitUntil(lambda: page.loaded.detail.campaign.state is CampaignState.APPROVED, timeout=15000)
    assert "QL2027-0001" in page.hint.text() and page.preview_button.isEnabled()

    page.preview_button.click()
    qtbot.waitUntil(lambda: page.pdf_dialog is not None, timeout=15000)
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(page.pdf_dialog.data)).pages]
    assert len(pages) == 3 and all(f"第{i}页 共3页" in t for i, t in enumerate(pages, start=1))
    assert "合计　人民币（大写）壹万肆仟元整" in pages[2]
    assert "110105********" + id_number(30)[-4:] in pages[2] and id_number(30) not in pages[2]
    page.pdf_dialog.close()

    page.pay_button.click()
    pay = page.dialog
    assert isinstance(pay, PayDialog)
    pay.voucher.setText("记-12-001")
    pay.accept()
    qtbot.waitUntil(lambda: page.loaded.detail.campaign.state is CampaignState.CLOSED, timeout=15000)
    assert "已发放" in page.hint.text() and not page.pay_button.isEnabled()
    assert page.model.index(27, 7).data() == "已发放"


def test_an_overdrawing_batch_is_refused_in_the_dialog_with_nothing_written(qtbot, db, staff):
    households(db, 30)
    funded(db, amount=1_000_00)
    page = _page(qtbot, db, staff[Role.CLERK])
    assert not page.approve_button.isEnabled()
    dlg = _new(qtbot, page, "500")
    dlg.buttons.button(dlg.buttons.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: dlg.error.isVisible(), timeout=15000)
    assert "资金「上级拨款」可用余额 ¥1,000.00" in dlg.error.text()
    assert "缺口 ¥14,000.00" in dlg.error.text() and dlg.isVisible()
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(HardshipCampaign)) == 0
        assert s.scalar(select(func.count()).select_from(HardshipPayment)) == 0
    dlg.reject()


def test_page_is_under_hardship_in_the_navigation(qtbot, db, staff):
    window = MainWindow(AppContext(db, staff[Role.CLERK]))
    qtbot.addWidget(window)
    item = window._items["hs_campaigns"]  # noqa: SLF001
    assert item.text(0) == "帮扶活动" and item.parent().text(0) == "困难帮扶"
