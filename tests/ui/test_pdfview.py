"""Preview, print and save of a PDF the program made (ui.pdfview): the real PDF rasterised by
PDFium, printed onto a real QPrinter (PDF output) and read back."""
from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter

from app.output.pdf import NoticeDocument, render
from ui import pdfview


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
    monkeypatch.setattr(pdfview.QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(target), pdfview.PDF_FILTER))
    saved = dlg.save()
    assert saved == tmp_path / "saved.pdf"
    assert saved.read_bytes() == data
    assert not list(tmp_path.glob("*.part"))


def test_write_failure_leaves_no_file(tmp_path):
    with pytest.raises(OSError):
        pdfview.write_pdf(b"%PDF", tmp_path / "missing-dir" / "x.pdf")
    assert not list(tmp_path.rglob("*.part"))
