"""案件办理 → 批量打印文书 (issue 4): several selected cases print their notices of one kind into one
PDF, off the GUI thread; an existing notice is reprinted under its own number, missing ones are
issued; cases whose state does not fit are listed with the reason. Real SQLite, real PDF read back."""
from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from PySide6.QtWidgets import QMessageBox

from app.domain.enums import Role
from app.services.petitions import notices
from tests.services.test_notices import office, person, register, staff  # noqa: F401  (fixtures)
from tests.ui.util import idle
from ui.context import AppContext
from ui.pages.cases_list import CasesListPage


def pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def page_as(db, qtbot, monkeypatch):
    boxes: list[str] = []
    for kind in ("warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, kind, lambda *a, _k=kind, **kw: boxes.append(_k))
    made = []

    def make(actor):
        w = CasesListPage(AppContext(db, actor))
        qtbot.addWidget(w)
        w.show()
        idle(qtbot)
        made.append(w)
        return w
    yield make
    idle(qtbot)
    for w in made:
        if w.pdf_dialog is not None:
            w.pdf_dialog.close()
    assert boxes == []


@pytest.fixture
def three_cases(db, staff, person):
    return [register(db, staff, person, summary=f"公司拖欠工资第{i}批") for i in range(3)]


def test_selected_cases_print_into_one_pdf_reusing_issued_numbers(db, staff, three_cases, page_as,
                                                                  qtbot):
    clerk = staff[Role.CLERK]
    first = notices.issue(db, clerk, "accept", case_id=three_cases[0].case_id)
    assert first.doc_no == f"朝工信受〔{first.year}〕1号"
    page = page_as(clerk)
    assert page.print_button.isEnabled()
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=10000)
    page.view.selectAll()
    assert sorted(page.selected_case_ids()) == sorted(r.case_id for r in three_cases)
    dlg = page.print_selected()
    dlg.kind_combo.setCurrentIndex(dlg.kind_combo.findData("accept"))
    dlg.accept()
    qtbot.waitUntil(lambda: page.pdf_dialog is not None, timeout=20000)
    idle(qtbot)
    data = page.pdf_dialog.data
    text = pdf_text(data)
    year = first.issued_at.year
    prefix = first.doc_no.split("〔")[0]
    for n in (1, 2, 3):
        assert f"{prefix}〔{year}〕{n}号" in text
    assert f"{prefix}〔{year}〕4号" not in text
    assert text.count("受理告知书") >= 3
    assert "重印 1 份，新出具 2 份" in page.pdf_dialog.note.text()
    assert len(page.pdf_dialog.preview.pages) == len(PdfReader(io.BytesIO(data)).pages)
    # printing it again takes no new number
    page.pdf_dialog.close()
    page.pdf_dialog = None
    page.start_batch("accept", [r.case_id for r in three_cases], True)
    qtbot.waitUntil(lambda: page.pdf_dialog is not None, timeout=20000)
    assert "重印 3 份，新出具 0 份" in page.pdf_dialog.note.text()
    assert len([n for r in three_cases for n in notices.notices_for_case(db, r.case_id)
                if n.kind.value == "accept"]) == 3


def test_kind_that_fits_no_case_prints_nothing_and_says_why(db, staff, three_cases, page_as, qtbot):
    page = page_as(staff[Role.CLERK])
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=10000)
    page.view.selectAll()
    page.start_batch("extend", page.selected_case_ids(), True)
    idle(qtbot)
    assert page.pdf_dialog is None
    assert "未能出具" in page.message.text() and "未延期" in page.message.text()
    assert all(not notices.notices_for_case(db, r.case_id) for r in three_cases)


def test_nothing_selected_and_no_permission(db, staff, admin, three_cases, page_as, qtbot):
    page = page_as(staff[Role.CLERK])
    assert page.print_selected() is None
    assert "请先在列表中选择" in page.message.text()
    # the administrator manages the system but does not issue notices
    other = page_as(admin)
    assert not other.print_button.isEnabled()
    assert "出具告知书" in other.print_button.toolTip()


def test_summary_names_the_year_without_holiday_data():
    from types import SimpleNamespace

    from ui.dialogs.batch_print import summary
    batch = notices.BatchIssue(notice_ids=(1, 2), issued=2, reused=0, refused=(),
                               warnings=("2027年节假日数据未导入，文书上的期限按无节假日计算，可能有误。",))
    text = summary(SimpleNamespace(batch=batch, rendered=None), "受理告知书")
    assert text.splitlines() == ["受理告知书 共 2 份：重印 0 份，新出具 2 份。",
                                 "2027年节假日数据未导入，文书上的期限按无节假日计算，可能有误。"]
