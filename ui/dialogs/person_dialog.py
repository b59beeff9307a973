"""The person form (新增人员 / 编辑人员).

GUI thread only. Loading, employer suggestions and saving run through ``ui.operations.people``;
the service validates everything. A ValidationError keeps the dialog open: every message is shown in
the dialog's error label and the first bad field gets the focus. ``saved`` carries the
``PersonRecord`` after a successful save, then the dialog accepts.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QStringListModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QCompleter, QDialog, QDialogButtonBox,
                               QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit,
                               QVBoxLayout, QWidget)

from app.domain.enums import Gender
from app.domain.errors import ValidationError
from app.domain.validation import check_id_number
from app.services.people import PERSON_LABELS as L
from app.services.people import PersonInput, PersonRecord
from ui.context import AppContext
from ui.operations import Operation, show_error
from ui.operations import people as people_ops
from ui.util import ERROR_STYLE, FIELD_ERROR_STYLE, widget_for

EMPLOYER_DEBOUNCE_MS = 250


class ErrorLabel(QLabel):
    """Red text above the buttons listing what to fix; hidden when empty."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWordWrap(True)
        self.setStyleSheet(ERROR_STYLE)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def show_errors(self, errors: list[tuple[str, str]]) -> None:
        self.setText("\n".join(f"{f}：{m}" if f else m for f, m in errors))
        self.setVisible(bool(errors))

    def clear_errors(self) -> None:
        self.clear()
        self.hide()


class FormDialog(QDialog):
    """Shared by the person and employer forms: loading the record being edited, saving through
    the operations (``create_op(parent, ctx, data, …)`` / ``update_op(parent, ctx, id, data, …)``),
    field widgets by Chinese label, error display, a save button disabled while a call runs.
    ``saved`` carries the saved record, then the dialog accepts.

    A subclass sets ``load_op``, ``create_op`` and ``update_op`` (from ``ui.operations.people``)
    and implements ``fill(record)`` and ``form_input()``; it calls ``load()`` at the end of its
    ``__init__``."""

    saved = Signal(object)
    load_op: Callable[..., Operation]
    create_op: Callable[..., Operation]
    update_op: Callable[..., Operation]

    def __init__(self, ctx: AppContext, record_id: int | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.record_id = record_id
        self.record: Any = None
        self.fields: dict[str, QWidget] = {}   # field key → widget, for showing errors
        self.error_label = ErrorLabel(self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(self.tr("保存"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.saving = False

    # -------------------------------------------------------------- loading

    @property
    def loaded(self) -> bool:
        return self.record_id is None or self.record is not None

    def load(self) -> None:
        """Fetch the record being edited (nothing for a new one); saving waits for it."""
        if self.record_id is None:
            return
        self.save_button.setEnabled(False)
        type(self).load_op(self, self.ctx, self.record_id, on_done=self._loaded,
                           on_error=self._load_failed)

    def _loaded(self, record) -> None:
        self.record = record
        self.fill(record)
        self.save_button.setEnabled(True)

    def _load_failed(self, exc: BaseException) -> None:
        show_error(self, exc)
        self.reject()

    def fill(self, record) -> None:  # overridden
        raise NotImplementedError

    # -------------------------------------------------------------- saving

    def form_input(self) -> Any:  # overridden
        raise NotImplementedError

    def save(self) -> None:
        if self.saving or not self.loaded:
            return
        data = self.form_input()
        self.begin_save()
        if self.record_id is None:
            type(self).create_op(self, self.ctx, data, on_done=self._saved, on_error=self.save_failed)
        else:
            type(self).update_op(self, self.ctx, self.record_id, data, on_done=self._saved,
                                 on_error=self.save_failed)

    def _saved(self, record) -> None:
        self.saving = False
        self.record = record
        self.record_id = record.id
        self.saved.emit(record)
        self.accept()

    def begin_save(self) -> None:
        self.saving = True
        self.save_button.setEnabled(False)
        for w in self.fields.values():
            w.setStyleSheet("")
            w.setToolTip("")
        self.error_label.clear_errors()

    def save_failed(self, exc: BaseException) -> None:
        """On the GUI thread: field errors stay in the dialog; anything else in a message box."""
        self.saving = False
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationError):
            self.show_validation(exc)
        else:
            show_error(self, exc)

    def show_validation(self, exc: ValidationError) -> None:
        self.error_label.show_errors(exc.errors)
        first = None
        for error in exc.errors:
            w = widget_for(self.fields, error.key)
            if w is None:
                continue
            if isinstance(w, (QLineEdit, QComboBox, QPlainTextEdit)):
                w.setStyleSheet(FIELD_ERROR_STYLE)
                w.setToolTip(error.message)
            first = first or w
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)
            if isinstance(first, QLineEdit):
                first.selectAll()


class PersonDialog(FormDialog):
    """``saved`` carries a PersonRecord."""

    load_op = staticmethod(people_ops.load_person)
    create_op = staticmethod(people_ops.create_person)
    update_op = staticmethod(people_ops.update_person)

    def __init__(self, ctx: AppContext, person_id: int | None = None,
                 parent: QWidget | None = None):
        super().__init__(ctx, person_id, parent)
        self.setWindowTitle(self.tr("编辑人员") if person_id else self.tr("新增人员"))
        self.setMinimumWidth(480)

        self.name_edit = QLineEdit()
        self.gender_combo = QComboBox()
        self.gender_combo.addItem(self.tr("（未填）"), None)
        for value, label in Gender.choices():
            self.gender_combo.addItem(label, value)
        self.id_edit = QLineEdit()
        self.id_edit.setPlaceholderText(self.tr("18位，出生日期和性别可自动带出"))
        self.id_edit.editingFinished.connect(self._fill_from_id)
        self.birth_edit = QLineEdit()
        self.birth_edit.setPlaceholderText("YYYY-MM-DD")
        self.phone_edit = QLineEdit()
        self.phone_edit.setPlaceholderText(self.tr("手机或带区号的座机"))
        self.hukou_edit = QLineEdit()
        self.address_edit = QLineEdit()
        self.employer_combo = QComboBox()
        self.employer_combo.setEditable(True)
        self.employer_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.employer_combo.lineEdit().setPlaceholderText(self.tr("输入单位名称、拼音首字母或信用代码查找"))
        self._employer_model = QStringListModel(self)
        completer = QCompleter(self._employer_model, self)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.employer_combo.setCompleter(completer)
        self._employer_timer = QTimer(self)
        self._employer_timer.setSingleShot(True)
        self._employer_timer.setInterval(EMPLOYER_DEBOUNCE_MS)
        self._employer_timer.timeout.connect(self._find_employers)
        self.employer_combo.lineEdit().textEdited.connect(lambda _t: self._employer_timer.start())
        self._employer_query = 0
        self.migrant_check = QCheckBox(L["is_migrant"])
        self.model_worker_check = QCheckBox(L["is_model_worker"])
        self.member_check = QCheckBox(L["is_member"])
        self.note_edit = QPlainTextEdit()
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setFixedHeight(80)

        form = QFormLayout()
        for key, widget in (("name", self.name_edit), ("gender", self.gender_combo),
                            ("id_number", self.id_edit), ("birth_date", self.birth_edit),
                            ("phone", self.phone_edit), ("hukou_place", self.hukou_edit),
                            ("address", self.address_edit), ("employer", self.employer_combo)):
            form.addRow(L[key], widget)
            self.fields[key] = widget
        flags = QHBoxLayout()
        for box in (self.migrant_check, self.model_worker_check, self.member_check):
            flags.addWidget(box)
        flags.addStretch(1)
        form.addRow(self.tr("标记"), flags)
        form.addRow(L["note"], self.note_edit)
        self.fields["note"] = self.note_edit

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

        self._find_employers(initial=True)
        self.load()

    @property
    def person_id(self) -> int | None:
        return self.record_id

    def fill(self, rec: PersonRecord) -> None:
        self.name_edit.setText(rec.name)
        self.gender_combo.setCurrentIndex(max(0, self.gender_combo.findData(rec.gender)))
        self.id_edit.setText(rec.id_number or "")
        self.birth_edit.setText(rec.birth_date.isoformat() if rec.birth_date else "")
        self.phone_edit.setText(rec.phone or "")
        self.hukou_edit.setText(rec.hukou_place)
        self.address_edit.setText(rec.address)
        self.employer_combo.setEditText(rec.employer_name)
        self.migrant_check.setChecked(rec.is_migrant)
        self.model_worker_check.setChecked(rec.is_model_worker)
        self.member_check.setChecked(rec.is_member)
        self.note_edit.setPlainText(rec.note)

    def _fill_from_id(self) -> None:
        """Birth date and gender come with a valid ID number when not typed yet."""
        try:
            _number, born, sex = check_id_number(self.id_edit.text())
        except ValidationError:
            return
        if not self.birth_edit.text().strip():
            self.birth_edit.setText(born.isoformat())
        if self.gender_combo.currentData() is None:
            self.gender_combo.setCurrentIndex(self.gender_combo.findData(sex.value))

    def _find_employers(self, initial: bool = False) -> None:
        text = "" if initial else self.employer_combo.currentText()
        self._employer_query += 1
        ticket = self._employer_query
        people_ops.find_employers(self, self.ctx, text, 20,
                                  on_done=lambda found: self._employers_found(ticket, found, initial),
                                  on_error=lambda _e: None)

    def _employers_found(self, ticket: int, found, initial: bool) -> None:
        if ticket != self._employer_query:
            return  # an older answer; a newer query is on its way
        names = [e.name for e in found]
        self._employer_model.setStringList(names)
        if initial:
            text = self.employer_combo.currentText()
            self.employer_combo.blockSignals(True)
            self.employer_combo.clear()
            self.employer_combo.addItems(names)
            self.employer_combo.setEditText(text)
            self.employer_combo.blockSignals(False)
        elif names and self.employer_combo.lineEdit().hasFocus():
            self.employer_combo.completer().complete()

    # -------------------------------------------------------------- saving

    def form_input(self) -> PersonInput:
        return PersonInput(
            name=self.name_edit.text(), gender=self.gender_combo.currentData(),
            id_number=self.id_edit.text(), birth_date=self.birth_edit.text(),
            phone=self.phone_edit.text(), hukou_place=self.hukou_edit.text(),
            address=self.address_edit.text(), employer_name=self.employer_combo.currentText(),
            is_migrant=self.migrant_check.isChecked(),
            is_model_worker=self.model_worker_check.isChecked(),
            is_member=self.member_check.isChecked(), note=self.note_edit.toPlainText())
