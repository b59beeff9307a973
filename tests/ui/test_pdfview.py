"""Preview, print and save of a PDF the program made (ui.pdfview): the real PDF rasterised by
PDFium, printed onto a real QPrinter (PDF output) and read back."""
from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter

from app.domain.errors import Cancelled
from app.output.pdf import NoticeDocument, render
from ui import operations, pdfview


def _pdf(n_docs: int = 2) -> bytes:
    buf = io.BytesIO()
    docs = [NoticeDocument(issuer="北京市朝阳区总工会", doc_no=f"朝工信〔2026〕{i}号", title="受理告知书",
                           addressee="张三", paragraphs=["你反映的拖欠工资问题，我会已依法受理。"],
                           date=date(2026, 11, 22)) for i in range(1, n_docs + 1)]
    render(docs, buf)
    return buf.getvalue()


def test_pages_render_as_a4_images(qapp):
    data = _pdf(2)
    assert pdfview.page_count(data) == 2
    imgs = pdfview.page_images(data, dpi=72)
    assert len(imgs) == 2
    # A4 at 72 dpi is 595.3 × 841.9 points
    assert abs(imgs[0].width() - 595) <= 1 and abs(imgs[0].height() - 842) <= 1
    # the page is not blank: the text is dark on white
    dark = sum(1 for x in range(0, 595, 3) for y in range(100, 400, 3)
               if imgs[0].pixelColor(x, y).lightness() < 128)
    assert dark > 50


def test_print_paints_every_page_onto_the_printer(qapp, tmp_path):
    data = _pdf(3)
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    assert pdfview.print_to(printer, data) == 3
    assert len(PdfReader(str(out)).pages) == 3


def test_dialog_previews_and_saves_the_same_bytes(qtbot, tmp_path, monkeypatch):
    data = _pdf(2)
    dlg = pdfview.PdfDialog(data, "受理告知书", "受理告知书.pdf")
    qtbot.addWidget(dlg)
    assert len(dlg.preview.pages) == 2
    dlg.zoom.setValue(150)
    assert len(dlg.preview.pages) == 2
    target = tmp_path / "saved"
    from ui import file_dialogs
    monkeypatch.setattr(file_dialogs, "run_dialog", lambda dlg: [str(target)])
    saved = dlg.save()
    assert saved == tmp_path / "saved.pdf"
    assert saved.read_bytes() == data
    assert not list(tmp_path.glob("*.part"))


def test_write_failure_leaves_no_file(tmp_path):
    with pytest.raises(OSError):
        pdfview.write_pdf(b"%PDF", tmp_path / "missing-dir" / "x.pdf")
    assert not list(tmp_path.rglob("*.part"))


def test_a_long_batch_renders_only_the_pages_in_view(qtbot):
    data = _pdf(60)
    view = pdfview.PdfPreview()
    qtbot.addWidget(view)
    view.resize(600, 700)
    view.show()
    view.set_pdf(data)
    assert len(view.pages) == 60
    first = view.rendered
    assert 0 in first and len(first) <= 4
    assert all(view.pages[i].pixmap().isNull() for i in range(10, 60))
    bar = view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=5000)
    bar.setValue(bar.maximum())
    view.render_visible()
    last = view.rendered
    assert 59 in last and 0 not in last and len(last) <= 4
    assert view.pages[0].pixmap().isNull()


def _pdf_printer(path):
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def test_print_button_sends_every_page_off_the_gui_thread(qtbot, tmp_path, monkeypatch):
    data = _pdf(5)
    out = tmp_path / "printed.pdf"
    monkeypatch.setattr(pdfview, "ask_printer", lambda parent, title: _pdf_printer(out))
    dlg = pdfview.PdfDialog(data, "受理告知书", "受理告知书.pdf")
    qtbot.addWidget(dlg)
    dlg.print_()
    assert dlg.print_op is not None
    qtbot.waitUntil(lambda: dlg.print_op.done, timeout=20000)
    assert dlg.print_op.result == 5 and dlg.print_button.isEnabled()
    assert len(PdfReader(str(out)).pages) == 5


def test_cancelled_print_stops_and_aborts_the_job(qapp, tmp_path):
    data = _pdf(5)
    out = tmp_path / "cancelled.pdf"
    seen = []

    def stop_after_two(done, total):
        seen.append(done)
        if done == 2:
            raise Cancelled()
    with pytest.raises(Cancelled):
        pdfview.print_to(_pdf_printer(out), data, stop_after_two)
    assert seen == [1, 2]


def test_printer_that_will_not_start_is_a_clear_message(qapp, tmp_path):
    printer = _pdf_printer(tmp_path / "no-such-dir" / "x.pdf")
    with pytest.raises(pdfview.UserError, match="打印机无法开始打印"):
        pdfview.print_to(printer, _pdf(1))
    assert not operations._running   # noqa: SLF001
