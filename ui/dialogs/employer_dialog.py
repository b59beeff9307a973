"""The employer form (新增单位 / 编辑单位). GUI thread only; same contract as ``PersonDialog``:
the service validates, field errors stay in the dialog, ``saved`` carries the ``EmployerRecord``."""
from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLineEdit, QVBoxLayout, QWidget

from app.services.people import EMPLOYER_LABELS as L
from app.services.people import INDUSTRY_CHOICES, EmployerInput, EmployerRecord
from ui.context import AppContext
from ui.dialogs.person_dialog import FormDialog
from ui.operations import people as people_ops


class EmployerDialog(FormDialog):
    """``saved`` carries an EmployerRecord; ``name`` pre-fills the name of a new employer."""

    load_op = staticmethod(people_ops.load_employer)
    create_op = staticmethod(people_ops.create_employer)
    update_op = staticmethod(people_ops.update_employer)

    def __init__(self, ctx: AppContext, employer_id: int | None = None,
                 parent: QWidget | None = None, name: str = ""):
        super().__init__(ctx, employer_id, parent)
        self.setWindowTitle(self.tr("编辑单位") if employer_id else self.tr("新增单位"))
        self.setMinimumWidth(480)

        self.name_edit = QLineEdit(name)
        self.uscc_edit = QLineEdit()
        self.uscc_edit.setPlaceholderText(self.tr("18位，可不填"))
        self.industry_combo = QComboBox()
        self.industry_combo.setEditable(True)
        self.industry_combo.addItem("")
        self.industry_combo.addItems(list(INDUSTRY_CHOICES))
        self.street_edit = QLineEdit()
        self.union_check = QCheckBox(self.tr("该单位已建立工会组织"))
        self.address_edit = QLineEdit()
        self.contact_edit = QLineEdit()
        self.phone_edit = QLineEdit()
        self.phone_edit.setPlaceholderText(self.tr("手机或带区号的座机"))

        form = QFormLayout()
        for key, widget in (("name", self.name_edit), ("uscc", self.uscc_edit),
                            ("industry", self.industry_combo), ("street", self.street_edit),
                            ("has_union", self.union_check), ("address", self.address_edit),
                            ("contact", self.contact_edit), ("phone", self.phone_edit)):
            form.addRow(L[key], widget)
            self.fields[key] = widget
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

        self.load()

    @property
    def employer_id(self) -> int | None:
        return self.record_id

    def fill(self, rec: EmployerRecord) -> None:
        self.name_edit.setText(rec.name)
        self.uscc_edit.setText(rec.uscc or "")
        self.industry_combo.setEditText(rec.industry)
        self.street_edit.setText(rec.street)
        self.union_check.setChecked(rec.has_union)
        self.address_edit.setText(rec.address)
        self.contact_edit.setText(rec.contact)
        self.phone_edit.setText(rec.phone)

    def form_input(self) -> EmployerInput:
        return EmployerInput(
            name=self.name_edit.text(), uscc=self.uscc_edit.text(),
            industry=self.industry_combo.currentText(), street=self.street_edit.text(),
            has_union=self.union_check.isChecked(), address=self.address_edit.text(),
            contact=self.contact_edit.text(), phone=self.phone_edit.text())
