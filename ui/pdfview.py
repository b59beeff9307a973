"""Show, print and save a PDF the program made (notices 告知书): what is previewed and printed is
the very PDF that is saved, rasterised page by page with PDFium (``pypdfium2``).

GUI thread only.

* ``page_images(data, dpi)`` — the pages of a PDF as QImages.
* ``PdfPreview`` — a scroll area showing the pages one under the other, with a zoom.
* ``print_pdf(parent, data, title)`` — Qt's print preview dialog (choose any printer there);
  ``print_to(printer, data)`` paints the pages onto a QPrinter (the preview and tests use it).
* ``save_pdf(parent, data, name)`` — 另存为 PDF: the bytes as they are, written whole or not at all.
* ``PdfDialog`` — 打印预览 inside the program: the preview plus 打印… / 另存为 PDF… / 关闭.
"""
from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QImage, QPainter
from PySide6.QtPrintSupport import QPrintPreviewDialog, QPrinter
from PySide6.QtWidgets import (QDialog, QFileDialog, QHBoxLayout, QLabel, QMessageBox,
                               QPushButton, QScrollArea, QSlider, QVBoxLayout, QWidget)

from ui.util import HINT_STYLE

PRINT_DPI_CAP = 300          # rasterise at the printer's resolution, at most this
PDF_FILTER = "PDF 文件 (*.pdf)"
A4_WIDTH_IN = 210 / 25.4
PAGE_MARGIN_PX = 12          # grey desk around the pages


def _document(data: bytes):
    import pypdfium2 as pdfium  # imported on first use: keeps the first paint fast
    return pdfium.PdfDocument(data)


def page_count(data: bytes) -> int:
    doc = _document(data)
    try:
        return len(doc)
    finally:
        doc.close()


def _image(page, dpi: float) -> QImage:
    bitmap = page.render(scale=dpi / 72.0, rev_byteorder=True)
    try:
        img = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride,
                     QImage.Format.Format_RGB888 if bitmap.n_channels == 3
                     else QImage.Format.Format_RGBX8888)
        return img.copy()   # own the pixels: the bitmap's buffer is freed below
    finally:
        bitmap.close()


def page_images(data: bytes, dpi: float = 96.0, first: int = 0, last: int | None = None) -> list[QImage]:
    """Pages ``first``..``last`` (inclusive, 0-based; all by default) rendered at ``dpi``."""
    doc = _document(data)
    try:
        end = len(doc) - 1 if last is None else min(last, len(doc) - 1)
        out = []
        for i in range(first, end + 1):
            page = doc[i]
            try:
                out.append(_image(page, dpi))
            finally:
                page.close()
        return out
    finally:
        doc.close()


def print_to(printer: QPrinter, data: bytes) -> int:
    """Paint every page of ``data`` onto ``printer`` (one sheet a page, fitted to the paper).
    Returns the number of pages painted."""
    doc = _document(data)
    painter = QPainter()
    if not painter.begin(printer):
        doc.close()
        raise OSError("打印机无法开始打印，请检查打印机是否可用")
    try:
        dpi = min(printer.resolution(), PRINT_DPI_CAP)
        n = len(doc)
        for i in range(n):
            if i:
                printer.newPage()
            page = doc[i]
            try:
                img = _image(page, dpi)
            finally:
                page.close()
            target = QRectF(painter.viewport())
            size = QSize(img.width(), img.height()).scaled(target.size().toSize(),
                                                           Qt.AspectRatioMode.KeepAspectRatio)
            painter.drawImage(QRectF(target.x(), target.y(), size.width(), size.height()), img)
        return n
    finally:
        painter.end()
        doc.close()


def _printer() -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    from PySide6.QtGui import QPageSize
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setFullPage(True)   # the PDF carries its own GB/T 9704 margins
    return printer


def print_pdf(parent: QWidget | None, data: bytes, title: str = "") -> QPrintPreviewDialog:
    """Open Qt's print preview of ``data`` (modal to ``parent``); printing goes to the printer
    chosen there. Returns the dialog (already open)."""
    printer = _printer()
    if title:
        printer.setDocName(title)
    dlg = QPrintPreviewDialog(printer, parent)
    dlg.setWindowTitle(parent.tr("打印预览") if parent is not None else "打印预览")
    dlg.paintRequested.connect(lambda p: print_to(p, data))
    dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dlg.open()
    return dlg


def write_pdf(data: bytes, path: str | os.PathLike) -> Path:
    """Write ``data`` to ``path`` whole or not at all (a ``.part`` file renamed at the end)."""
    target = Path(path)
    if target.suffix.lower() != ".pdf":
        target = target.with_name(target.name + ".pdf")
    part = target.with_name(target.name + ".part")
    try:
        part.write_bytes(data)
        os.replace(part, target)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return target


def save_pdf(parent: QWidget, data: bytes, suggested_name: str) -> Path | None:
    """Ask where, then write ``data`` there; a failure is shown in Chinese. None when cancelled."""
    path, _ = QFileDialog.getSaveFileName(parent, parent.tr("另存为 PDF"), suggested_name,
                                          parent.tr(PDF_FILTER))
    if not path:
        return None
    try:
        return write_pdf(data, path)
    except OSError as exc:
        QMessageBox.warning(parent, parent.tr("无法保存"),
                            parent.tr("无法写入文件：") + f"{path}\n{exc.strerror or exc}")
        return None


class PdfPreview(QScrollArea):
    """The pages of a PDF one under the other on a grey desk; ``set_pdf(data)``, ``set_zoom(pct)``.
    Until a zoom is chosen the pages fit the width of the view (and follow it when it is resized)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self._data: bytes | None = None
        self._zoom: int | None = None          # None: fit the width
        self._fitted_width = 0
        self._resize_timer = QTimer(self, singleShot=True, interval=150)
        self._resize_timer.timeout.connect(self._refit)
        self.pages: list[QLabel] = []
        self._desk = QWidget()
        self._desk.setStyleSheet("background: #8a8a8a;")
        self._column = QVBoxLayout(self._desk)
        self._column.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self._column.setSpacing(12)
        self._column.setContentsMargins(PAGE_MARGIN_PX, PAGE_MARGIN_PX, PAGE_MARGIN_PX, PAGE_MARGIN_PX)
        self.setWidget(self._desk)

    def set_pdf(self, data: bytes | None) -> None:
        self._data = data
        self._paint()

    def set_zoom(self, percent: int | None) -> None:
        """``percent`` of 96 dpi, or None to fit the width of the view."""
        self._zoom = None if percent is None else max(25, min(300, int(percent)))
        self._paint()

    def _dpi(self) -> float:
        if self._zoom is not None:
            return 96.0 * self._zoom / 100.0
        usable = self.viewport().width() - 2 * PAGE_MARGIN_PX - 2
        self._fitted_width = self.viewport().width()
        return max(24.0, usable / A4_WIDTH_IN)

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        if self._zoom is None and self._data and self.viewport().width() != self._fitted_width:
            self._resize_timer.start()

    def _refit(self) -> None:
        if self._zoom is None:
            self._paint()

    def _paint(self) -> None:
        for lbl in self.pages:
            self._column.removeWidget(lbl)
            lbl.deleteLater()
        self.pages = []
        if not self._data:
            return
        dpi = self._dpi() * self.devicePixelRatioF()
        for img in page_images(self._data, dpi):
            img.setDevicePixelRatio(self.devicePixelRatioF())
            lbl = QLabel()
            from PySide6.QtGui import QPixmap
            lbl.setPixmap(QPixmap.fromImage(img))
            lbl.setStyleSheet("background: white; border: 1px solid #555;")
            self._column.addWidget(lbl, 0, Qt.AlignmentFlag.AlignHCenter)
            self.pages.append(lbl)


class PdfDialog(QDialog):
    """打印预览: the PDF as it will print, with 打印… / 另存为 PDF… / 关闭. ``name`` is the suggested
    file name for 另存为."""

    def __init__(self, data: bytes, title: str, name: str, parent: QWidget | None = None,
                 note: str = ""):
        super().__init__(parent)
        self.data, self.name = data, name
        self.setWindowTitle(title)
        self.resize(820, 900)
        self.preview = PdfPreview()
        self.zoom = QSlider(Qt.Orientation.Horizontal)
        self.zoom.setRange(50, 200)
        self.zoom.setValue(100)
        self.zoom.setMaximumWidth(160)
        self.zoom.valueChanged.connect(self.preview.set_zoom)
        self.note = QLabel(note)
        self.note.setWordWrap(True)
        self.note.setStyleSheet(HINT_STYLE)
        self.note.setVisible(bool(note))
        self.print_button = QPushButton(self.tr("打印…"))
        self.print_button.clicked.connect(self.print_)
        self.save_button = QPushButton(self.tr("另存为 PDF…"))
        self.save_button.clicked.connect(self.save)
        close = QPushButton(self.tr("关闭"))
        close.clicked.connect(self.accept)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("缩放")))
        bar.addWidget(self.zoom)
        bar.addWidget(QLabel(self.tr("共 %n 页", "", page_count(data))))
        bar.addStretch(1)
        bar.addWidget(self.print_button)
        bar.addWidget(self.save_button)
        bar.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.preview, 1)
        layout.addLayout(bar)
        self.preview.set_pdf(data)
        self.print_dialog: QPrintPreviewDialog | None = None

    def print_(self) -> None:
        self.print_dialog = print_pdf(self, self.data, self.windowTitle())

    def save(self) -> Path | None:
        return save_pdf(self, self.data, self.name)
