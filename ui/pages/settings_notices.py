"""系统设置 → 文书模板: the wording of each notice kind (DESIGN §4, issue 4), edited with a live preview.

Left, the nine kinds (「已修改」 where the office has its own wording); in the middle, the template
(format: ``app.domain.notices``) with the placeholders it may use under it (double-click inserts
``{name}`` at the cursor); right, the page as it prints, filled with sample values and rendered
with the office's font. The preview is asked for ``PREVIEW_DELAY_MS`` after typing stops, off the
GUI thread (``ui.operations.templates.preview_pdf``); only the newest request's answer is shown.
An unknown placeholder is named in red at once (``app.domain.notices.validate_template`` is pure)
and the preview keeps the last good page; 保存 is refused by the service with the same name.

Editing needs Perm.EDIT_OFFICE (the service enforces it); other roles see the templates read-only.
"""
from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QMessageBox,
                               QPlainTextEdit, QPushButton, QSlider, QSplitter, QVBoxLayout,
                               QWidget)

from app.domain import notices as rules
from app.domain.errors import UserError
from app.domain.permissions import Perm, allowed
from ui.context import AppContext
from ui.operations import Operation, show_error
from ui.operations.templates import (KindRow, Preview, Template, load_kinds, load_template,
                                     preview_pdf, reset_template, save_template)
from ui.pages.base import Page
from ui.pdfview import PdfPreview
from ui.util import ERROR_STYLE, HINT_STYLE

PREVIEW_DELAY_MS = 400
PREVIEW_ZOOM = 65
KIND_ROLE = Qt.ItemDataRole.UserRole
CUSTOMISED_MARK = "已修改"


def problem_text(text: str) -> str:
    """What is wrong with a template, in Chinese ('' when nothing): unknown placeholders by name."""
    if not text.strip():
        return "模板不能为空"
    unknown = rules.validate_template(text)
    if not unknown:
        return ""
    named = [n for n in unknown if n != "{"]
    parts = []
    if named:
        parts.append("未知的占位符 " + "、".join("{" + n + "}" for n in named))
    if "{" in unknown:
        parts.append("「{」没有配对的「}」")
    return "；".join(parts) + "（请从占位符列表中选择；大括号本身请写成 {{ 和 }}）"


class NoticeTemplatesPage(Page):
    title = "文书模板"
    areas = frozenset({"templates", "settings"})   # settings: the font of the preview

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        self.can_edit = allowed(ctx.actor.role, Perm.EDIT_OFFICE)
        self.kind: str | None = None          # the kind shown
        self.loaded = False                   # its template has arrived
        self.customised = False
        self.pdf_bytes: bytes | None = None   # the PDF the preview shows (the last good one)
        self.last_preview: Preview | None = None
        self._saved_text = ""                 # the text as stored: unsaved changes differ from it
        self._labels: dict[str, str] = {}
        self._load_seq = 0
        self._preview_seq = 0
        self._save_op: Operation | None = None

        heading = QLabel(self.tr("文书模板"))
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        heading.setFont(font)
        self.note = QLabel(
            self.tr("每行一段；以 # 开头的行是说明，不印出；{占位符} 在出具时换成案件的内容。"
                    "标题、文号、称呼、落款和日期由程序排版，不写在模板里。")
            if self.can_edit else
            self.tr("只有系统管理员可以修改文书模板，这里仅供查看。"))
        self.note.setWordWrap(True)
        self.note.setStyleSheet(HINT_STYLE)

        # --- left: the kinds
        self.kinds = QListWidget()
        self.kinds.setMinimumWidth(140)
        self.kinds.setMaximumWidth(240)
        self.kinds.currentItemChanged.connect(self._kind_chosen)

        # --- middle: the template and its placeholders
        self.editor = QPlainTextEdit()
        self.editor.setAccessibleName(self.tr("模板"))
        self.editor.setReadOnly(True)          # until loaded
        self.editor.textChanged.connect(self._text_changed)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(ERROR_STYLE)
        self.problem.hide()
        self.fields = QListWidget()
        self.fields.setToolTip(self.tr("双击把占位符插入到光标处") if self.can_edit else "")
        self.fields.itemDoubleClicked.connect(self._insert_field)
        fields_label = QLabel(self.tr("可用的占位符（双击插入；「必备」是这种文书必须写明的内容）")
                              if self.can_edit else self.tr("可用的占位符"))
        fields_label.setWordWrap(True)

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.save_button = QPushButton(self.tr("保存"))
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.reset_button = QPushButton(self.tr("恢复默认"))
        self.reset_button.setToolTip(self.tr("删除本单位修改过的文字，恢复程序自带的模板"))
        self.reset_button.clicked.connect(self.reset)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.reset_button)
        buttons.addWidget(self.save_button)
        for button in (self.save_button, self.reset_button):
            button.setVisible(self.can_edit)
            button.setEnabled(False)

        middle = QWidget()
        mid = QVBoxLayout(middle)
        mid.setContentsMargins(0, 0, 0, 0)
        mid.addWidget(self.editor, 3)
        mid.addWidget(self.problem)
        mid.addWidget(fields_label)
        mid.addWidget(self.fields, 2)
        mid.addLayout(buttons)

        # --- right: the preview
        self.preview = PdfPreview()
        self.zoom = QSlider(Qt.Orientation.Horizontal)
        self.zoom.setRange(40, 150)
        self.zoom.setValue(PREVIEW_ZOOM)
        self.zoom.setMaximumWidth(140)
        self.zoom.valueChanged.connect(self.preview.set_zoom)
        self.preview_note = QLabel()
        self.preview_note.setWordWrap(True)
        self.preview_note.setStyleSheet(HINT_STYLE)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("预览（示例数据）")), 1)
        top.addWidget(QLabel(self.tr("缩放")))
        top.addWidget(self.zoom)
        right = QWidget()
        col = QVBoxLayout(right)
        col.setContentsMargins(0, 0, 0, 0)
        col.addLayout(top)
        col.addWidget(self.preview, 1)
        col.addWidget(self.preview_note)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.kinds)
        self.splitter.addWidget(middle)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setStretchFactor(2, 3)
        self.splitter.setSizes([170, 560, 600])

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.note)
        layout.addWidget(self.splitter, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.request_preview)

    # ------------------------------------------------------------ state

    def text(self) -> str:
        return self.editor.toPlainText()

    def is_dirty(self) -> bool:
        """The editor holds changes not saved yet."""
        return self.loaded and self.text() != self._saved_text

    def kind_label(self, kind: str | None = None) -> str:
        kind = kind or self.kind or ""
        return self._labels.get(kind, kind)

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet(ERROR_STYLE if error else "")
        self.message.setText(text)

    def _show_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setVisible(bool(text))

    def problem_shown(self) -> str:
        """The red message under the template ('' when none)."""
        return self.problem.text() if not self.problem.isHidden() else ""

    def _update_buttons(self) -> None:
        busy = self._save_op is not None and not self._save_op.done
        self.save_button.setEnabled(self.can_edit and self.loaded and not busy and self.is_dirty())
        self.reset_button.setEnabled(self.can_edit and self.loaded and not busy
                                     and (self.customised or self.is_dirty()))

    # ------------------------------------------------------------ load

    def refresh(self) -> None:
        load_kinds(self, self.ctx, on_done=self._kinds_loaded)
        if self.kind is not None and not self.is_dirty():
            self._open(self.kind)           # someone else may have changed it
        elif self.kind is not None:
            self.request_preview()          # the office font may have changed

    def _kinds_loaded(self, rows: list[KindRow]) -> None:
        self._labels = {r.kind: r.label for r in rows}
        current = self.kind
        self.kinds.blockSignals(True)
        try:
            self.kinds.clear()
            for r in rows:
                item = QListWidgetItem(r.label + (f"（{self.tr(CUSTOMISED_MARK)}）" if r.customised else ""))
                item.setData(KIND_ROLE, r.kind)
                if r.customised:
                    item.setToolTip(self.tr("本单位修改过这种文书的模板"))
                self.kinds.addItem(item)
                if r.kind == current:
                    self.kinds.setCurrentItem(item)
        finally:
            self.kinds.blockSignals(False)
        if current is None and rows:
            self.kinds.setCurrentRow(0)     # opens it through _kind_chosen

    def kind_texts(self) -> dict[str, str]:
        """The list's text of each kind (tests, and 「已修改」 at a glance)."""
        return {self.kinds.item(i).data(KIND_ROLE): self.kinds.item(i).text()
                for i in range(self.kinds.count())}

    def select_kind(self, kind: str) -> bool:
        """Show ``kind`` as if clicked in the list; False when the person kept the unsaved text."""
        for i in range(self.kinds.count()):
            if self.kinds.item(i).data(KIND_ROLE) == kind:
                self.kinds.setCurrentRow(i)
                break
        return self.kind == kind

    def _kind_chosen(self, item: QListWidgetItem | None, previous: QListWidgetItem | None) -> None:
        if item is None:
            return
        kind = item.data(KIND_ROLE)
        if kind == self.kind:
            return
        if self.is_dirty() and not self._confirm_discard():
            self.kinds.blockSignals(True)
            self.kinds.setCurrentItem(previous)
            self.kinds.blockSignals(False)
            return
        self._open(kind)

    def _confirm_discard(self) -> bool:
        answer = QMessageBox.question(
            self, self.tr("放弃修改"),
            self.tr("「%1」的模板有未保存的修改，放弃这些修改吗？").replace("%1", self.kind_label()),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def _open(self, kind: str) -> None:
        if kind != self.kind:
            self.kind = kind
            self.loaded = False
            self.editor.setReadOnly(True)
            self._say("")
            self._update_buttons()
        self._load_seq += 1
        load_template(self, self.ctx, kind, on_done=partial(self._template_loaded, self._load_seq))

    def _template_loaded(self, seq: int, t: Template) -> None:
        if seq != self._load_seq or t.kind != self.kind:
            return                          # an older request, or another kind by now
        typed = self.is_dirty()             # typed while the reload was on its way: keep it
        self.customised = t.customised
        self._saved_text = t.text
        required = set(rules.REQUIRED.get(rules.NoticeKind(t.kind), ()))
        self.fields.clear()
        for name, label in t.placeholders:
            mark = self.tr("　· 必备") if name in required else ""
            item = QListWidgetItem(f"{{{name}}}　{label}{mark}")
            item.setData(KIND_ROLE, name)
            self.fields.addItem(item)
        self.loaded = True
        if not typed and self.text() != t.text:
            self.editor.blockSignals(True)
            self.editor.setPlainText(t.text)
            self.editor.blockSignals(False)
        self.editor.setReadOnly(not self.can_edit)
        self._show_problem(problem_text(self.text()))
        self._update_buttons()
        self.request_preview()

    # ------------------------------------------------------------ editing and preview

    def _text_changed(self) -> None:
        if not self.loaded:
            return
        self._show_problem(problem_text(self.text()))
        self._update_buttons()
        self._timer.start()

    def _insert_field(self, item: QListWidgetItem) -> None:
        if not self.can_edit or not self.loaded:
            return
        self.editor.insertPlainText("{" + item.data(KIND_ROLE) + "}")
        self.editor.setFocus()

    def request_preview(self) -> Operation | None:
        """Ask for the page the editor's text gives now; None when the text has a problem (the
        last good page stays)."""
        self._timer.stop()
        if self.kind is None or not self.loaded or problem_text(self.text()):
            return None
        self._preview_seq += 1
        self.preview_note.setText(self.tr("正在生成预览…"))
        return preview_pdf(self, self.ctx, self.kind, self.text(),
                           on_done=partial(self._previewed, self._preview_seq),
                           on_error=partial(self._preview_failed, self._preview_seq))

    def _previewed(self, seq: int, p: Preview) -> None:
        if seq != self._preview_seq:
            return                          # a newer request is on its way
        self.last_preview = p
        self.pdf_bytes = p.pdf
        self.preview.set_pdf(p.pdf)
        notes = []
        if p.missing:
            notes.append(self.tr("以下字符所有字体都没有，印出来是「〓」：") + "".join(p.missing))
        notes.extend(p.warnings)
        self.preview_note.setText("\n".join(notes))

    def _preview_failed(self, seq: int, exc: BaseException) -> None:
        if seq != self._preview_seq:
            return
        self.preview_note.setText("")
        if isinstance(exc, UserError):
            self._show_problem(exc.message)
        else:
            show_error(self, exc)

    # ------------------------------------------------------------ save and reset

    def save(self) -> Operation | None:
        """Send the editor's text to the service (it refuses an unknown placeholder)."""
        if not self.can_edit or not self.loaded or (self._save_op and not self._save_op.done):
            return None
        kind, text = self.kind, self.text()
        self._say("")
        self._save_op = save_template(self, self.ctx, kind, text,
                                      on_done=lambda _r: self._saved(kind, text),
                                      on_error=self._save_failed)
        self._save_op.finished.connect(self._update_buttons)
        self._update_buttons()
        return self._save_op

    def _saved(self, kind: str, text: str) -> None:
        if kind == self.kind:
            self._saved_text = text
            self.customised = True
        self._say(self.tr("已保存「%1」的模板。").replace("%1", self.kind_label(kind)))
        self._update_buttons()

    def _save_failed(self, exc: BaseException) -> None:
        if isinstance(exc, UserError):
            self._show_problem(exc.message)
            self._say(self.tr("未保存。"), error=True)
        else:
            show_error(self, exc)

    def reset(self) -> Operation | None:
        """Back to the shipped wording, after asking."""
        if not self.can_edit or not self.loaded or (self._save_op and not self._save_op.done):
            return None
        answer = QMessageBox.question(
            self, self.tr("恢复默认"),
            self.tr("把「%1」恢复为程序自带的模板吗？本单位修改过的文字（包括未保存的修改）将被删除。")
            .replace("%1", self.kind_label()),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return None
        kind = self.kind
        self._say("")
        self._save_op = reset_template(self, self.ctx, kind,
                                       on_done=lambda text: self._was_reset(kind, text),
                                       on_error=self._save_failed)
        self._save_op.finished.connect(self._update_buttons)
        self._update_buttons()
        return self._save_op

    def _was_reset(self, kind: str, text: str) -> None:
        if kind != self.kind:
            return
        self.customised = False
        self._saved_text = text
        self.editor.setPlainText(text)      # previews through _text_changed
        self._say(self.tr("已恢复「%1」的默认模板。").replace("%1", self.kind_label(kind)))
        self._update_buttons()
