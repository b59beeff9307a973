"""Windows and dialogs on a 1366×768 office screen (issue 13): every dialog fits the area the
taskbar leaves (1366×728) with its buttons in view, the registration form's 保存 is reachable
without scrolling, and the main window comes back where it was — on screen."""
from __future__ import annotations

import io
from datetime import date

import pytest
from PySide6.QtCore import QPoint, QRect, QSettings, QSize, Qt
from PySide6.QtWidgets import (QAbstractButton, QDialog, QDialogButtonBox, QMessageBox,
                               QPushButton, QScrollArea, QWidget)

from app.domain.enums import Category, Channel, Disposition, IssueType, Role
from app.output.pdf import NoticeDocument, render
from app.services import accounts
from app.services.petitions import registration
from app.services.petitions.registration import RegistrationInput
from tests.ui.util import idle
from ui import windows
from ui.context import AppContext
from ui.windows import FRAME, fit_to_screen, place_on_screens, screen_setup_key

OFFICE = QRect(0, 0, 1366, 728)      # 1366×768 less a 40 px taskbar
CAP = QSize(OFFICE.width() - FRAME.width(), OFFICE.height() - FRAME.height())


@pytest.fixture
def office_screen(monkeypatch):
    """Every window is fitted as if on a 1366×768 screen with its taskbar."""
    monkeypatch.setattr(windows, "available_geometry", lambda _w=None: QRect(OFFICE))
    monkeypatch.setattr(windows, "_available_screens", lambda: [QRect(OFFICE)])


@pytest.fixture(autouse=True)
def _own_settings(qapp, tmp_path):
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(tmp_path / "qsettings"))
    yield


def _pdf(pages: int = 2) -> bytes:
    buf = io.BytesIO()
    render([NoticeDocument(issuer="北京市朝阳区总工会", doc_no=f"朝工信〔2026〕{i}号",
                           title="受理告知书", addressee="张三",
                           paragraphs=["你反映的拖欠工资问题，我会已依法受理。"],
                           date=date(2026, 11, 22)) for i in range(1, pages + 1)], buf)
    return buf.getvalue()


def _case(db, staff, zhang) -> int:
    return registration.register(db, staff[Role.CLERK], RegistrationInput(
        channel=Channel.CALL.value, person_id=zhang.id, employer_id=zhang.employer_id,
        category=Category.COMPLAINT.value, issue_types=[IssueType.WAGES.value],
        summary="拖欠两个月工资", disposition=Disposition.ACCEPTED.value)).case_id


def all_dialogs(db, staff, zhang, qtbot) -> dict[str, QDialog]:
    """One of every dialog the program opens (each step of the case page included)."""
    from ui.dialogs.batch_print import BatchPrintDialog
    from ui.dialogs.case_dialog import STEPS, CaseDialog
    from ui.dialogs.change_password import ChangePasswordDialog
    from ui.dialogs.employer_dialog import EmployerDialog
    from ui.dialogs.notices_panel import KindDialog, NoticesDialog
    from ui.dialogs.person_dialog import PersonDialog
    from ui.dialogs.person_history import PersonHistoryDialog
    from ui.dialogs.sign_in import SignInDialog
    from ui.pages.settings_users import ResetPasswordDialog, UserDialog
    from ui.pdfview import PdfDialog
    from ui.wizard import FirstRunWizard
    from app.domain.notices import NoticeKind
    chief = staff[Role.MANAGER]
    ctx = AppContext(db, chief)
    case_id = _case(db, staff, zhang)
    user = accounts.list_users(db)[0]
    out: dict[str, QDialog] = {
        "登录": SignInDialog(db),
        "首次使用向导": FirstRunWizard(db),
        "修改密码": ChangePasswordDialog(ctx),
        "新增人员": PersonDialog(ctx),
        "新增单位": EmployerDialog(ctx),
        "来访和案件记录": PersonHistoryDialog(ctx, person_id=zhang.id, title="张三"),
        "文书": NoticesDialog(ctx, case_id=case_id),
        "出具文书": KindDialog(list(NoticeKind)),
        "批量打印文书": BatchPrintDialog(3),
        "新增用户": UserDialog(ctx),
        "重置密码": ResetPasswordDialog(ctx, user),
        "打印预览": PdfDialog(_pdf(3), "受理告知书", "受理告知书.pdf"),
    }
    from datetime import date

    from app.services.hardship.campaigns import SheetRecord
    from ui.pages.hardship.campaigns import CampaignDialog, PayDialog
    out["新建帮扶活动"] = CampaignDialog(ctx)
    out["登记发放"] = PayDialog(SheetRecord(1, "QL2027-0001", 1, "2027年元旦春节送温暖慰问金签领表",
                                            "上级拨款", date(2026, 12, 28), 30, 15_000_00, False))
    case = CaseDialog(ctx, case_id)
    out["案件"] = case
    for step in STEPS:
        out["案件/" + step.label] = getattr(case, "_make_" + step.key)()
    # a notice's 登记送达 and 作废 (the notices panel opens them)
    from app.services.petitions import notices
    issued = notices.issue(db, chief, NoticeKind.ACCEPT, case_id=case_id)
    panel = out["文书"].panel
    panel.reload()
    qtbot.waitUntil(lambda: panel.select_notice(issued.id), timeout=10000)
    out["文书/登记送达"] = panel.open_delivery()    # open() shows them at once
    out["文书/作废"] = panel.open_void()
    from tests.ui.mutual_aid_dialogs import mutual_aid_dialogs
    out.update(mutual_aid_dialogs(db, staff, qtbot))
    out.update(hardship_dialogs(db, ctx, zhang, qtbot))
    return out


def hardship_dialogs(db, ctx, zhang, qtbot) -> dict[str, QDialog]:
    """The hardship ledger's dialogs: a new file, a file under review and each of its steps."""
    from app.services.hardship import files
    from ui.pages.hardship.file_dialog import STEPS as FILE_STEPS
    from ui.pages.hardship.file_dialog import FileDialog
    out: dict[str, QDialog] = {"新建困难职工档案": FileDialog(ctx)}
    rec = files.create_file(db, ctx.actor, files.FileInput(person_id=zhang.id, main_cause="laid_off",
                                                           applicant_income="800"))
    dlg = FileDialog(ctx, rec.id)
    qtbot.waitUntil(lambda: dlg.record is not None, timeout=10000)
    out["困难职工档案"] = dlg
    for step in FILE_STEPS:
        out["困难职工档案/" + step.label] = getattr(dlg, "_make_" + step.key)()
    from app.services.hardship import payments
    from tests.services.hardship_util import funded
    from ui.pages.hardship.payment_dialogs import PAYMENT_STEPS, STEP_DIALOGS, PaymentDialog
    out["申请帮扶"] = PaymentDialog(ctx, person_id=zhang.id, person_name="张三")
    out["申请帮扶/档案"] = PaymentDialog(ctx, file_id=rec.id, file_text=rec.file_no, kind="medical")
    pay = payments.propose(db, ctx.actor, payments.PaymentInput("temporary", "800", funded(db),
                                                                person_id=zhang.id))
    for step in PAYMENT_STEPS:
        out["帮扶记录/" + step.label] = STEP_DIALOGS[step.key](ctx, pay)
    from ui.pages.hardship.funds_page import HardshipFundsPage
    funds_page = HardshipFundsPage(ctx)
    out["新增资金来源"] = funds_page.new_fund()
    return out


def _fully_visible(button: QWidget, window: QWidget) -> bool:
    """Shown, inside the window, and not clipped (by a scroll area or the window's edge)."""
    if not button.isVisibleTo(window):
        return False
    top_left = button.mapTo(window, QPoint(0, 0))
    inside = window.rect().contains(QRect(top_left, button.size()))
    return inside and button.visibleRegion().boundingRect().size() == button.size()


def _in_scroll_area(w: QWidget, window: QWidget) -> bool:
    p = w.parentWidget()
    while p is not None and p is not window:
        if isinstance(p, QScrollArea):
            return True
        p = p.parentWidget()
    return False


def test_every_dialog_fits_a_1366x768_screen_with_its_buttons_in_view(qtbot, db, staff, zhang,
                                                                      office_screen):
    dialogs = all_dialogs(db, staff, zhang, qtbot)
    assert len(dialogs) >= 25
    for name, dlg in dialogs.items():
        if dlg.parent() is None:      # a child goes with its parent
            qtbot.addWidget(dlg)
        dlg.show()
        qtbot.waitExposed(dlg)
        idle(qtbot)
        qtbot.wait(20)
        size = dlg.size()
        assert size.width() <= CAP.width() and size.height() <= CAP.height(), (name, size)
        least = dlg.minimumSizeHint()
        assert least.width() <= CAP.width() and least.height() <= CAP.height(), (name, least)
        assert size.width() >= least.width() and size.height() >= least.height(), name  # no clipping
        hint = dlg.sizeHint()       # what it asks for is granted wherever the screen has room
        assert size.width() >= min(hint.width(), CAP.width()), (name, hint)
        assert size.height() >= min(hint.height(), CAP.height()), (name, hint)
        pos = dlg.pos()
        assert OFFICE.contains(QRect(pos, size + FRAME)), (name, pos, size)
        boxes = dlg.findChildren(QDialogButtonBox)
        buttons = [b for box in boxes for b in box.buttons()]
        buttons += [b for b in dlg.findChildren(QPushButton)
                    if b.isVisibleTo(dlg) and not _in_scroll_area(b, dlg)]
        buttons = [b for b in buttons if b.window() is dlg]     # not a child dialog's
        assert buttons, name
        for b in buttons:
            if isinstance(b, QAbstractButton) and b.isVisibleTo(dlg):
                assert _fully_visible(b, dlg), (name, b.text(), b.geometry())
        dlg.close()


def test_preview_opens_shorter_than_900_with_print_and_save_in_view(qtbot, office_screen):
    from ui.pdfview import PdfDialog
    dlg = PdfDialog(_pdf(3), "受理告知书", "受理告知书.pdf")
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    assert dlg.height() + FRAME.height() <= OFFICE.height()
    assert _fully_visible(dlg.print_button, dlg) and _fully_visible(dlg.save_button, dlg)


def test_a_dialog_that_does_not_fit_itself_is_fitted_when_first_shown(qtbot, office_screen):
    """DialogFirstShow (installed by make_application): Qt's own dialogs and any dialog sized by
    its code are brought within the screen the first time they are shown."""
    big = QDialog()
    big.resize(1600, 1200)
    qtbot.addWidget(big)
    big.show()
    qtbot.waitExposed(big)
    assert (big.width(), big.height()) == (CAP.width(), CAP.height())
    assert OFFICE.contains(QRect(big.pos(), big.size() + FRAME))
    small = QMessageBox()
    small.setText("已备份。")
    qtbot.addWidget(small)
    small.show()
    assert small.height() < 300            # a dialog that fits is left alone


def test_registration_save_is_reachable_without_scrolling_when_maximized(qtbot, db, staff,
                                                                          office_screen):
    from ui.main_window import MainWindow
    from ui.pages.register import RegisterPage
    window = MainWindow(AppContext(db, staff[Role.CLERK]))
    qtbot.addWidget(window)
    window.setGeometry(QRect(QPoint(0, FRAME.height() - 8), CAP))   # as maximized on 1366×728
    window.show()
    qtbot.waitExposed(window)
    page = window.open_page("register", RegisterPage)
    idle(qtbot)
    qtbot.wait(50)
    assert page.form_scroll.verticalScrollBar().maximum() > 0      # the form itself scrolls …
    for b in (page.save_button, page.clear_button):                 # … its buttons do not
        assert not _in_scroll_area(b, window)
        assert _fully_visible(b, window), b.text()
    assert _fully_visible(window.statusBar(), window)               # the status bar is in view


def test_default_main_window_fits_the_office_screen(qtbot, db, staff, office_screen):
    from ui.main_window import MainWindow
    window = MainWindow(AppContext(db, staff[Role.CLERK]))
    qtbot.addWidget(window)
    assert window.height() + FRAME.height() <= OFFICE.height()
    assert window.width() + FRAME.width() <= OFFICE.width()
    assert window.minimumSizeHint().height() <= CAP.height()


# ---------------------------------------------------------------- geometry memory

def test_place_on_screens_keeps_a_window_on_screen_and_at_least_its_minimum():
    full_hd = QRect(0, 0, 1920, 1040)
    minimum = QSize(800, 560)
    # a sensible saved rectangle comes back as it was
    assert place_on_screens(QRect(100, 80, 1500, 900), minimum, [full_hd]) == \
        QRect(100, 80, 1500, 900)
    # too small (as the 694×521 of the report): grown to the minimum
    assert place_on_screens(QRect(100, 80, 694, 521), minimum, [full_hd]).size() == minimum
    # on a monitor that is no longer there: pulled back onto the primary screen, whole
    back = place_on_screens(QRect(2500, 300, 1200, 700), minimum, [full_hd])
    assert full_hd.contains(back) and back.size() == QSize(1200, 700)
    # above the top edge (title bar unreachable): moved down so the title bar is on screen
    up = place_on_screens(QRect(200, -300, 1000, 600), minimum, [full_hd])
    assert up.top() >= FRAME.height() - FRAME.width() // 2
    # saved on full HD, now on 1366×768: no larger than the screen
    small = place_on_screens(QRect(0, 30, 1880, 1000), minimum, [OFFICE])
    assert small.width() <= CAP.width() and small.height() <= CAP.height()
    assert OFFICE.contains(small)
    # second screen to the right, still there: stays on it
    right = QRect(1920, 0, 1366, 728)
    assert place_on_screens(QRect(2000, 100, 1000, 600), minimum, [full_hd, right]) == \
        QRect(2000, 100, 1000, 600)


def test_main_window_size_position_and_maximized_state_are_restored(qtbot, db, staff,
                                                                    monkeypatch):
    from ui.main_window import MainWindow
    full_hd = QRect(0, 0, 1920, 1040)
    monkeypatch.setattr(windows, "available_geometry", lambda _w=None: QRect(full_hd))
    monkeypatch.setattr(windows, "_available_screens", lambda: [QRect(full_hd)])
    ctx = AppContext(db, staff[Role.CLERK])

    first = MainWindow(ctx)
    qtbot.addWidget(first)
    first.setGeometry(QRect(120, 90, 1500, 900))
    first.save_layout()
    again = MainWindow(ctx)
    qtbot.addWidget(again)
    assert again.geometry() == QRect(120, 90, 1500, 900)
    assert not (again.windowState() & Qt.WindowState.WindowMaximized)

    # saved maximized: comes back maximized (its normal size kept for un-maximizing)
    s = QSettings()
    s.setValue(f"MainWindow/{screen_setup_key()}/maximized", True)
    s.sync()
    maxed = MainWindow(ctx)
    qtbot.addWidget(maxed)
    assert maxed.windowState() & Qt.WindowState.WindowMaximized

    # saved off-screen and tiny (a monitor unplugged): pulled back, at least the minimum
    s.setValue(f"MainWindow/{screen_setup_key()}/rect", [3000, 2000, 300, 200])
    s.setValue(f"MainWindow/{screen_setup_key()}/maximized", False)
    s.sync()
    lost = MainWindow(ctx)
    qtbot.addWidget(lost)
    g = lost.geometry()
    assert full_hd.contains(g)
    assert g.width() >= MainWindow.MINIMUM_SIZE.width()
    assert g.height() >= MainWindow.MINIMUM_SIZE.height()


def test_layout_is_remembered_per_screen_setup():
    assert screen_setup_key([QRect(0, 0, 1920, 1080)]) == "1920x1080+0+0"
    assert screen_setup_key([QRect(0, 0, 1366, 768), QRect(1366, 0, 1920, 1080)]) == \
        "1366x768+0+0,1920x1080+1366+0"


def test_fit_to_screen_caps_a_big_preferred_size_and_centres(qtbot):
    w = QDialog()
    qtbot.addWidget(w)
    size = fit_to_screen(w, QSize(820, 900), QRect(OFFICE))
    assert size == QSize(820, CAP.height())
    assert OFFICE.contains(QRect(w.pos(), size + FRAME))


# ---------------------------------------------------------------- file dialogs

def test_file_dialogs_start_in_documents_then_the_last_folder_per_purpose(qtbot, tmp_path,
                                                                         monkeypatch):
    from PySide6.QtWidgets import QFileDialog, QLabel
    from ui import file_dialogs
    from ui.file_dialogs import Purpose
    docs = tmp_path / "文档"
    docs.mkdir()
    monkeypatch.setattr(file_dialogs, "documents_folder", lambda: str(docs))
    elsewhere = tmp_path / "扫描件"
    elsewhere.mkdir()
    scan = elsewhere / "工资条.pdf"
    scan.write_bytes(b"%PDF")

    # first time: Documents, every label in Chinese (none of 「Look in」/「Files of type」)
    def pick_scan(dlg: QFileDialog):
        assert dlg.directory().absolutePath() == str(docs)
        texts = [lbl.text() for lbl in dlg.findChildren(QLabel)]
        assert "查找范围：" in texts and "文件类型：" in texts and "文件名：" in texts
        assert not any("Look in" in t or "Files of" in t for t in texts)
        return [str(scan)]       # what the clerk picks (Qt's own file model is not under test)
    # the Qt file dialog (not the desktop's), so that the labels can be read
    real_make = file_dialogs.make_dialog

    def qt_dialog(*a, **k):
        dlg = real_make(*a, **k)
        dlg.setOption(QFileDialog.Option.DontUseNativeDialog)
        return dlg
    monkeypatch.setattr(file_dialogs, "make_dialog", qt_dialog)
    seen = []
    # the real dialog, shown; the answer is given in place of the clerk's clicks
    monkeypatch.setattr(file_dialogs, "run_dialog",
                        lambda dlg: (dlg.show(), seen.append(dlg), pick_scan(dlg))[-1])
    assert file_dialogs.open_files(None, Purpose.ATTACHMENTS, "选择附件", "所有文件 (*)") == \
        [str(scan)]
    assert seen

    # the next attachments dialog opens where the last file came from; export still in Documents
    assert file_dialogs.start_folder(Purpose.ATTACHMENTS) == str(elsewhere)
    assert file_dialogs.start_folder(Purpose.EXPORT) == str(docs)
    # a purpose's own default comes before Documents, the remembered folder before both
    assert file_dialogs.start_folder(Purpose.RESTORE, default=tmp_path) == str(tmp_path)
    assert file_dialogs.start_folder(Purpose.ATTACHMENTS, default=tmp_path) == str(elsewhere)

    # a save dialog proposes the name in the start folder; cancelling remembers nothing
    def check_save(dlg: QFileDialog):
        assert dlg.acceptMode() == QFileDialog.AcceptMode.AcceptSave
        assert dlg.directory().absolutePath() == str(docs)
        assert dlg.selectedFiles() == [str(docs / "案件办理-20261205.xlsx")]
        return []                # cancelled
    monkeypatch.setattr(file_dialogs, "run_dialog", lambda dlg: (dlg.show(), check_save(dlg))[-1])
    assert file_dialogs.save_file(None, Purpose.EXPORT, "导出 Excel", "Excel 工作簿 (*.xlsx)",
                                  "案件办理-20261205.xlsx") is None
    assert file_dialogs.start_folder(Purpose.EXPORT) == str(docs)


def test_documents_folder_is_the_users_documents():
    from PySide6.QtCore import QStandardPaths
    from ui.file_dialogs import documents_folder
    want = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    import os
    assert documents_folder() == (want if os.path.isdir(want) else os.path.expanduser("~"))
    assert documents_folder() != os.getcwd()


def test_no_direct_file_dialog_calls_outside_the_helper():
    import pathlib
    root = pathlib.Path(__file__).resolve().parents[2] / "ui"
    import re
    opens = re.compile(r"QFileDialog\s*\(|QFileDialog\.get")      # a dialog made or shown
    offenders = [str(p.relative_to(root)) for p in root.rglob("*.py")
                 if p.name != "file_dialogs.py" and opens.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_qt_chinese_translation_is_loaded(qapp):
    from PySide6.QtWidgets import QDialogButtonBox
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Open)
    assert box.button(QDialogButtonBox.StandardButton.Open).text() != "&Open"


# ---------------------------------------------------------------- keyboard

def _visually_first_input(dlg: QWidget) -> QWidget | None:
    """The top-most (then left-most) widget that takes Tab focus and is not a push button."""
    from PySide6.QtWidgets import QToolButton
    found = [w for w in dlg.findChildren(QWidget)
             if w.window() is dlg and w.isVisibleTo(dlg) and w.isEnabled()
             and w.focusPolicy() & Qt.FocusPolicy.TabFocus and w.focusProxy() is None
             and not isinstance(w, (QPushButton, QToolButton))]
    if not found:
        return None
    return min(found, key=lambda w: (w.mapTo(dlg, QPoint(0, 0)).y(), w.mapTo(dlg, QPoint(0, 0)).x()))


def _tab_chain(dlg: QWidget) -> list[QWidget]:
    """What Tab visits from the first focusable widget round to it again."""
    out, w = [], dlg.nextInFocusChain()
    while w is not dlg:
        if (w.window() is dlg and w.isVisibleTo(dlg) and w.isEnabled()
                and w.focusPolicy() & Qt.FocusPolicy.TabFocus and w.focusProxy() is None):
            out.append(w)
        w = w.nextInFocusChain()
    return out


def test_each_dialog_opens_with_focus_on_its_first_input_and_buttons_last(qtbot, db, staff,
                                                                          zhang):
    checked = 0
    for name, dlg in all_dialogs(db, staff, zhang, qtbot).items():
        if dlg.parent() is None:      # a child goes with its parent
            qtbot.addWidget(dlg)
        dlg.show()
        dlg.activateWindow()
        qtbot.waitExposed(dlg)
        idle(qtbot)
        qtbot.wait(20)
        want = _visually_first_input(dlg)
        if want is None:           # only buttons (归档): nothing to type into
            continue
        got = dlg.focusWidget()
        assert got is want, (name, type(got).__name__, type(want).__name__)
        chain = _tab_chain(dlg)            # the chain is a ring: read it from the focus on
        chain = chain[chain.index(got):] + chain[:chain.index(got)]
        box_buttons = [b for box in dlg.findChildren(QDialogButtonBox) for b in box.buttons()
                       if b.window() is dlg and b.isVisibleTo(dlg)]
        if box_buttons:            # 确定/取消 come after every field
            assert chain[-len(box_buttons):] == box_buttons, name
        checked += 1
        dlg.close()
    assert checked >= 20


def test_preview_buttons_are_reached_by_tab_and_shortcuts(qtbot, monkeypatch):
    from PySide6.QtWidgets import QApplication
    from ui import pdfview
    dlg = pdfview.PdfDialog(_pdf(2), "受理告知书", "受理告知书.pdf")
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.activateWindow()
    qtbot.waitExposed(dlg)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dlg, timeout=5000)
    assert dlg.focusWidget() is dlg.preview
    visited = []
    for _ in range(5):
        visited.append(QApplication.focusWidget() or dlg.focusWidget())
        qtbot.keyClick(visited[-1], Qt.Key.Key_Tab)
    assert visited == [dlg.preview, dlg.zoom, dlg.print_button, dlg.save_button, dlg.close_button]
    asked = []
    monkeypatch.setattr(pdfview, "save_pdf", lambda parent, data, name: asked.append(name))
    qtbot.keyClick(dlg.preview, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert asked == ["受理告知书.pdf"]
