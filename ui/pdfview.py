"""Show, print and save a PDF the program made (notices 告知书): what is previewed and printed is
the very PDF that is saved, rasterised page by page with PDFium (``pypdfium2``).

GUI thread only, except ``print_to`` (QPainter may paint on a QPrinter in a worker thread).

* ``page_images(data, dpi)`` — the pages of a PDF as QImages.
* ``PdfPreview`` — a scroll area showing the pages one under the other. Only the pages in view
  (and one either side) are rendered, so a batch of 1,000 notices previews at once and in little
  memory.
* ``print_to(printer, data, progress)`` — paints the pages onto a QPrinter, one at a time.
* ``save_pdf(parent, data, name)`` — 另存为 PDF: the bytes as they are, written whole or not at all.
* ``PdfDialog`` — 打印预览 inside the program: the preview plus 打印… (choose any printer, then the
  pages go to it off the GUI thread with progress and 取消) / 另存为 PDF… / 关闭.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QImage, QKeySequence, QPageSize, QPainter, QPixmap, QShortcut
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (QDialog, QHBoxLayout, QLabel, QMessageBox,
                               QPushButton, QScrollArea, QSlider, QVBoxLayout, QWidget)

from app.domain.errors import UserError
from app.output.files import written_whole
from ui.file_dialogs import Purpose, save_file
from ui.operations import run, show_error
from ui.util import HINT_STYLE
from ui.windows import fit_to_screen

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


def print_to(printer: QPrinter, data: bytes,
             progress: Callable[[int, int], object] | None = None) -> int:
    """Paint every page of ``data`` onto ``printer`` (one sheet a page, fitted to the paper).
    ``progress(done, total)`` is called after each page; when it raises (Cancelled) the print job
    is aborted and the exception goes on. Returns the number of pages painted."""
    doc = _document(data)
    painter = QPainter()
    if not painter.begin(printer):
        doc.close()
        raise UserError("打印机无法开始打印，请检查打印机是否已连接、可用", "printer would not start")
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
            if progress is not None:
                try:
                    progress(i + 1, n)
                except BaseException:
                    printer.abort()
                    raise
        return n
    finally:
        painter.end()
        doc.close()


def _printer() -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setFullPage(True)   # the PDF carries its own GB/T 9704 margins
    return printer


def ask_printer(parent: QWidget, title: str) -> QPrinter | None:
    """Qt's print dialog: which printer, which copies. None when cancelled."""
    printer = _printer()
    printer.setDocName(title)
    dlg = QPrintDialog(printer, parent)
    dlg.setWindowTitle(parent.tr("打印"))
    return printer if dlg.exec() == QDialog.DialogCode.Accepted else None


def write_pdf(data: bytes, path: str | os.PathLike) -> Path:
    """Write ``data`` to ``path`` whole or not at all (a ``.part`` file renamed at the end)."""
    target = Path(path)
    if target.suffix.lower() != ".pdf":
        target = target.with_name(target.name + ".pdf")
    with written_whole(target) as part:
        part.write_bytes(data)
    return target


def save_pdf(parent: QWidget, data: bytes, suggested_name: str) -> Path | None:
    """Ask where, then write ``data`` there; a failure is shown in Chinese. None when cancelled."""
    path = save_file(parent, Purpose.PDF, parent.tr("另存为 PDF"), parent.tr(PDF_FILTER),
                     suggested_name)
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
    Until a zoom is chosen the pages fit the width of the view (and follow it when it is resized).
    ``pages`` holds one QLabel a page, sized to the page; only those in view (and one either
    side) carry a rendered picture."""

    KEEP = 1            # pages rendered beyond the visible ones, on each side

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self._data: bytes | None = None
        self._sizes: list[tuple[float, float]] = []     # points
        self._zoom: int | None = None          # None: fit the width
        self._fitted_width = 0
        self._dpi_now = 96.0
        self.pages: list[QLabel] = []
        self._rendered: set[int] = set()
        self._desk = QWidget()
        self._desk.setStyleSheet("background: #8a8a8a;")
        self._column = QVBoxLayout(self._desk)
        self._column.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self._column.setSpacing(12)
        self._column.setContentsMargins(PAGE_MARGIN_PX, PAGE_MARGIN_PX, PAGE_MARGIN_PX, PAGE_MARGIN_PX)
        self.setWidget(self._desk)
        self._resize_timer = QTimer(self, singleShot=True, interval=150)
        self._resize_timer.timeout.connect(self._refit)
        self._scroll_timer = QTimer(self, singleShot=True, interval=30)
        self._scroll_timer.timeout.connect(self.render_visible)
        self.verticalScrollBar().valueChanged.connect(lambda _v: self._scroll_timer.start())

    def set_pdf(self, data: bytes | None) -> None:
        self._data = data
        self._sizes = []
        if data:
            doc = _document(data)
            try:
                for i in range(len(doc)):
                    page = doc[i]
                    try:
                        self._sizes.append(page.get_size())
                    finally:
                        page.close()
            finally:
                doc.close()
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
        self._scroll_timer.start()

    def _refit(self) -> None:
        if self._zoom is None:
            self._paint()

    def _paint(self) -> None:
        """(Re)build one empty, page-sized label a page, then render those in view."""
        for lbl in self.pages:
            self._column.removeWidget(lbl)
            lbl.deleteLater()
        self.pages = []
        self._rendered = set()
        if not self._sizes:
            return
        self._dpi_now = self._dpi()
        for w_pt, h_pt in self._sizes:
            lbl = QLabel()
            lbl.setFixedSize(round(w_pt * self._dpi_now / 72.0), round(h_pt * self._dpi_now / 72.0))
            lbl.setStyleSheet("background: white; border: 1px solid #555;")
            self._column.addWidget(lbl, 0, Qt.AlignmentFlag.AlignHCenter)
            self.pages.append(lbl)
        self._desk.adjustSize()
        self.render_visible()

    def visible_pages(self) -> range:
        """The pages that meet the viewport (by the labels' fixed heights, so before layout too)."""
        if not self.pages:
            return range(0)
        top = self.verticalScrollBar().value()
        bottom = top + max(1, self.viewport().height())
        y, first, last = PAGE_MARGIN_PX, None, None
        for i, lbl in enumerate(self.pages):
            h = lbl.height()
            if y + h >= top and y <= bottom:
                first = i if first is None else first
                last = i
            elif first is not None:
                break
            y += h + self._column.spacing()
        if first is None:
            return range(0)
        return range(first, last + 1)

    def render_visible(self) -> None:
        shown = self.visible_pages()
        if not shown:
            return
        want = set(range(max(0, shown.start - self.KEEP), min(len(self.pages), shown.stop + self.KEEP)))
        for i in self._rendered - want:
            self.pages[i].clear()
        ratio = self.devicePixelRatioF()
        missing = sorted(want - self._rendered)
        if missing:
            doc = _document(self._data)
            try:
                for i in missing:
                    page = doc[i]
                    try:
                        img = _image(page, self._dpi_now * ratio)
                    finally:
                        page.close()
                    img.setDevicePixelRatio(ratio)
                    self.pages[i].setPixmap(QPixmap.fromImage(img))
            finally:
                doc.close()
        self._rendered = want

    @property
    def rendered(self) -> set[int]:
        return set(self._rendered)


class PdfDialog(QDialog):
    """打印预览: the PDF as it will print, with 打印… / 另存为 PDF… / 关闭. ``name`` is the suggested
    file name for 另存为."""

    def __init__(self, data: bytes, title: str, name: str, parent: QWidget | None = None,
                 note: str = ""):
        super().__init__(parent)
        self.data, self.name = data, name
        self.setWindowTitle(title)
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
        # Reached by keyboard: Tab goes preview → zoom → 打印 → 另存为 PDF → 关闭; Ctrl+P / Ctrl+S
        # (and Alt+P / Alt+S) press them; Enter prints, Esc closes.
        self.print_button = QPushButton(self.tr("打印(&P)…"))
        self.print_button.clicked.connect(self.print_)
        self.print_button.setToolTip(self.tr("打印 (Ctrl+P)"))
        self.save_button = QPushButton(self.tr("另存为 PDF(&S)…"))
        self.save_button.clicked.connect(self.save)
        self.save_button.setToolTip(self.tr("另存为 PDF (Ctrl+S)"))
        self.close_button = close = QPushButton(self.tr("关闭"))
        close.clicked.connect(self.accept)
        for b in (self.print_button, self.save_button, close):
            b.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            b.setAutoDefault(False)
        self.print_button.setDefault(True)
        for keys, button in (("Ctrl+P", self.print_button), ("Ctrl+S", self.save_button)):
            QShortcut(QKeySequence(keys), self, button.click,
                      context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.preview.setFocusPolicy(Qt.FocusPolicy.StrongFocus)   # PgUp/PgDn/arrows scroll
        self.zoom.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
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
        for a, b in ((self.preview, self.zoom), (self.zoom, self.print_button),
                     (self.print_button, self.save_button), (self.save_button, close)):
            QWidget.setTabOrder(a, b)
        fit_to_screen(self, QSize(820, 900))   # shorter on a small screen; the buttons stay in view
        self.preview.setFocus()
        self.preview.set_pdf(data)
        self.print_op = None

    def print_(self) -> None:
        """Ask for the printer, then send the pages to it off the GUI thread (progress, 取消)."""
        printer = ask_printer(self, self.windowTitle())
        if printer is None:
            return
        data = self.data

        def work(progress):
            return print_to(printer, data,
                            lambda done, total: progress(done / total, f"正在打印第 {done}/{total} 页"))
        self.print_button.setEnabled(False)

        def finished(_pages=None) -> None:
            self.print_button.setEnabled(True)
        self.print_op = run(self, work, progress_label="正在打印…", on_success=finished,
                            on_error=lambda exc: (finished(), show_error(self, exc)))

    def save(self) -> Path | None:
        return save_pdf(self, self.data, self.name)
