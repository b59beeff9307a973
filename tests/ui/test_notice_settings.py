"""系统设置 → 文书模板 (live preview, unknown placeholders, save / reset, read-only) and the notices'
font chooser on 单位信息与参数 (pytest-qt, offscreen)."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from PySide6.QtWidgets import QCheckBox, QMessageBox
from pypdf import PdfReader

from app.domain.enums import Role
from app.services.petitions import notice_templates
from app.services import settings, setup
from ui import operations
from ui.context import AppContext
from ui.util import ERROR_STYLE

PROFILE = {"name": "北京市朝阳区总工会", "doc_prefix": "朝工信"}
ROOT = Path(__file__).resolve().parents[2]
BUNDLED_FONT = ROOT / "resources" / "fonts" / "wqy-microhei.ttc"
WAIT = 15000


@pytest.fixture(autouse=True)
def _gui(qapp):
    yield


@pytest.fixture
def admin_actor(db):
    return setup.create_office(db, PROFILE, "admin", "王建华", "secret123")


def _pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def _templates_page(qtbot, db, actor):
    from ui.pages.settings_notices import NoticeTemplatesPage
    page = NoticeTemplatesPage(AppContext(db, actor))
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.show()
    qtbot.waitUntil(lambda: page.loaded and page.pdf_bytes is not None, timeout=WAIT)
    return page


def _idle(qtbot):
    qtbot.waitUntil(lambda: not operations._running, timeout=WAIT)  # noqa: SLF001


def test_editing_a_template_updates_the_preview(qtbot, db, admin_actor):
    page = _templates_page(qtbot, db, admin_actor)
    assert page.kind == "accept" and page.kinds.count() == 9
    assert page.text() == notice_templates.default_template("accept")
    assert page.preview.pages                              # the page is shown
    assert "本单位已收悉" in _pdf_text(page.pdf_bytes)      # filled with sample values
    names = [page.fields.item(i).text() for i in range(page.fields.count())]
    assert any(n.startswith("{received_date}") and "必备" in n for n in names)

    page.editor.setPlainText(page.text() + "\n请于五个工作日内携带身份证件到本单位面谈。")
    assert page.is_dirty() and page.save_button.isEnabled()
    qtbot.waitUntil(lambda: "携带身份证件到本单位面谈" in _pdf_text(page.pdf_bytes), timeout=WAIT)
    assert page.preview.pages and page.problem_shown() == ""

    # a placeholder double-clicked is inserted at the cursor
    page.editor.moveCursor(page.editor.textCursor().MoveOperation.End)
    item = next(page.fields.item(i) for i in range(page.fields.count())
                if page.fields.item(i).text().startswith("{office_phone}"))
    page.fields.itemDoubleClicked.emit(item)
    assert page.text().endswith("面谈。{office_phone}")


def test_only_the_newest_preview_is_shown(qtbot, db, admin_actor):
    page = _templates_page(qtbot, db, admin_actor)
    base = notice_templates.default_template("accept")
    for n in range(1, 6):
        page.editor.setPlainText(base + f"\n第{n}次修改的文字。")
        page.request_preview()
    _idle(qtbot)
    text = _pdf_text(page.pdf_bytes)
    assert "第5次修改的文字" in text
    assert not any(f"第{n}次修改的文字" in text for n in range(1, 5))


def test_an_unknown_placeholder_is_named_in_red_and_saving_is_refused(qtbot, db, admin_actor):
    page = _templates_page(qtbot, db, admin_actor)
    good_pdf = page.pdf_bytes
    page.editor.setPlainText(page.text() + "\n请于{foo}前答复。")
    # named at once, without waiting for the preview
    assert "未知的占位符 {foo}" in page.problem_shown()
    assert page.problem.styleSheet() == ERROR_STYLE
    qtbot.wait(700)                       # past the preview delay: no new page is asked for
    _idle(qtbot)
    assert page.pdf_bytes is good_pdf and page.preview.pages

    op = page.save()
    qtbot.waitUntil(lambda: op.done, timeout=WAIT)
    assert isinstance(op.error, Exception)
    assert "未知的占位符 {foo}" in page.problem_shown()
    assert "未保存" in page.message.text()
    assert not notice_templates.is_customised(db, "accept")
    assert notice_templates.template_text(db, "accept") == notice_templates.default_template("accept")

    # a lone brace is named too; fixing the text clears the message
    page.editor.setPlainText("你反映的问题{summary本单位已收悉。")
    assert "「{」没有配对的「}」" in page.problem_shown()
    page.editor.setPlainText("你反映的“{summary}”问题，本单位已收悉。")
    assert page.problem_shown() == ""
    qtbot.waitUntil(lambda: page.pdf_bytes is not good_pdf, timeout=WAIT)


def test_save_marks_the_kind_and_reset_restores_the_shipped_text(qtbot, db, admin_actor,
                                                                monkeypatch):
    page = _templates_page(qtbot, db, admin_actor)
    assert "已修改" not in page.kind_texts()["accept"]
    assert not page.reset_button.isEnabled()
    edited = page.text() + "\n本单位工作时间为周一至周五。"
    page.editor.setPlainText(edited)
    op = page.save()
    qtbot.waitUntil(lambda: op.done, timeout=WAIT)
    assert op.error is None, op.error
    assert notice_templates.template_text(db, "accept") == edited
    qtbot.waitUntil(lambda: "已修改" in page.kind_texts()["accept"], timeout=WAIT)
    assert "已修改" not in page.kind_texts()["reject"]
    assert not page.is_dirty() and not page.save_button.isEnabled()
    assert "已保存" in page.message.text()
    _idle(qtbot)

    asked: list[str] = []

    def answer(_parent, _title, text, *args, **kwargs):
        asked.append(text)
        return QMessageBox.StandardButton.Yes
    monkeypatch.setattr(QMessageBox, "question", staticmethod(answer))
    assert page.reset_button.isEnabled()
    op = page.reset()
    qtbot.waitUntil(lambda: op.done, timeout=WAIT)
    assert op.error is None, op.error
    assert asked and "受理告知书" in asked[0]
    assert page.text() == notice_templates.default_template("accept")
    assert not notice_templates.is_customised(db, "accept")
    qtbot.waitUntil(lambda: "已修改" not in page.kind_texts()["accept"], timeout=WAIT)
    assert not page.is_dirty()


def test_switching_kind_with_unsaved_changes_asks_first(qtbot, db, admin_actor, monkeypatch):
    page = _templates_page(qtbot, db, admin_actor)
    edited = page.text() + "\n尚未保存的一段。"
    page.editor.setPlainText(edited)
    answers = [QMessageBox.StandardButton.No]
    monkeypatch.setattr(QMessageBox, "question",
                        staticmethod(lambda *a, **k: answers.pop(0)))
    assert page.select_kind("reject") is False
    assert page.kind == "accept" and page.text() == edited
    assert page.kinds.currentItem().text().startswith("受理告知书")

    answers.append(QMessageBox.StandardButton.Yes)
    assert page.select_kind("reject") is True
    qtbot.waitUntil(lambda: page.loaded, timeout=WAIT)
    assert page.text() == notice_templates.default_template("reject") and not page.is_dirty()
    qtbot.waitUntil(lambda: "不予受理告知书" in _pdf_text(page.pdf_bytes), timeout=WAIT)
    assert not answers
    # without changes nothing is asked (the guard fails the test on any box)
    monkeypatch.setattr(QMessageBox, "question", staticmethod(
        lambda *a, **k: pytest.fail("nothing to discard, nothing to ask")))
    assert page.select_kind("register_sheet") is True


def test_a_clerk_sees_the_templates_read_only(qtbot, db, admin_actor, actors):
    from ui.main_window import MainWindow
    clerk = actors[Role.CLERK]
    page = _templates_page(qtbot, db, clerk)
    assert page.editor.isReadOnly()
    assert not page.save_button.isVisible() and not page.reset_button.isVisible()
    assert "仅供查看" in page.note.text()
    assert page.preview.pages
    before = page.text()
    page.fields.itemDoubleClicked.emit(page.fields.item(0))
    assert page.text() == before and page.save() is None and page.reset() is None
    assert not notice_templates.is_customised(db, "accept")
    window = MainWindow(AppContext(db, clerk))
    qtbot.addWidget(window)
    assert "templates" in window.nav_keys()


# ---------------------------------------------------------------- the notices' font

def _office_page(qtbot, db, actor):
    from ui.pages.settings_office import OfficeSettingsPage
    page = OfficeSettingsPage(AppContext(db, actor))
    qtbot.addWidget(page)
    page.show()
    qtbot.waitUntil(lambda: page.loaded, timeout=WAIT)
    return page


def _choose(monkeypatch, form, path: Path) -> None:
    from ui import file_dialogs
    monkeypatch.setattr(file_dialogs, "run_dialog", lambda dlg: [str(path)])
    form.file_buttons["office.notice_font"][0].click()


def _save(qtbot, page):
    op = page.save()
    assert op is not None
    qtbot.waitUntil(lambda: op.done, timeout=WAIT)
    _idle(qtbot)
    return op


def test_font_chooser_refuses_a_file_that_is_not_truetype(qtbot, db, admin_actor, monkeypatch,
                                                         tmp_path):
    page = _office_page(qtbot, db, admin_actor)
    form = page.form
    assert "simfang.ttf" in "".join(lbl.text() for lbl in form.findChildren(type(page.message)))
    garbage = tmp_path / "fangsong.ttf"
    garbage.write_bytes(b"this is not a font at all" * 100)
    _choose(monkeypatch, form, garbage)
    # refused when chosen: the reason under the field, the field keeps its value
    error = form.error_text("office.notice_font")
    assert error.startswith("文书字体文件") and "TrueType" in error
    assert form.value("office.notice_font") == ""
    # typed in by hand, the service refuses it on save
    form.editors["office.notice_font"].setText(str(garbage))
    _save(qtbot, page)
    error = form.error_text("office.notice_font")
    assert error.startswith("文书字体文件") and "TrueType" in error
    assert "未保存" in page.message.text()
    assert settings.get(db, "office.notice_font") == ""

    _choose(monkeypatch, form, BUNDLED_FONT)
    _save(qtbot, page)
    assert form.error_text("office.notice_font") == ""
    assert settings.get(db, "office.notice_font") == str(BUNDLED_FONT)

    form.file_buttons["office.notice_font"][1].click()        # 自动选择
    assert form.value("office.notice_font") == ""
    _save(qtbot, page)
    assert settings.get(db, "office.notice_font") == ""


def test_the_font_field_says_which_face_is_used_without_an_office_file(qtbot, db, admin_actor,
                                                                      monkeypatch):
    from app.output import fonts
    uming = Path("/usr/share/fonts/truetype/arphic/uming.ttc")
    for found, label in (((uming, "宋体（AR PL UMing）"), "宋体（AR PL UMing）"), (None, "内置字体")):
        fonts.system_fonts.cache_clear()
        monkeypatch.setattr(fonts, "_first_usable", lambda _c, f=found: f)
        page = _office_page(qtbot, db, admin_actor)
        text = page.form.editors["office.notice_font"].placeholderText()
        assert "自动使用" in text and label in text, text
    fonts.system_fonts.cache_clear()


def test_the_chinese_date_setting_is_a_check_box(qtbot, db, admin_actor, actors):
    page = _office_page(qtbot, db, admin_actor)
    box = page.form.editors["office.notice_date_chinese"]
    assert isinstance(box, QCheckBox) and not box.isChecked()
    box.setChecked(True)
    assert page.form.changed() == {"office.notice_date_chinese": True}
    _save(qtbot, page)
    assert settings.get(db, "office.notice_date_chinese") is True

    clerk_page = _office_page(qtbot, db, actors[Role.CLERK])
    assert not clerk_page.form.editors["office.notice_date_chinese"].isEnabled()
    assert clerk_page.form.editors["office.notice_date_chinese"].isChecked()
    assert not any(b.isEnabled() for b in clerk_page.form.file_buttons["office.notice_font"])
