"""The register page's look-ups and attachments (a part of ``RegisterPage``). GUI thread only.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QListWidgetItem, QWidget

from app.domain.enums import Channel
from app.services.people import PersonRecord
from app.services.people_search import PersonMatch
from app.services.petitions.outreach import OutreachRecord

from ui.file_dialogs import Purpose, open_files
from ui.operations import OnDone, OnError, Operation
from ui.operations.intake import list_events, lookup_people
from ui.operations.people import find_employers
from ui.pages.register_fields import ID_ROLE, TEXT_ROLE, log
from ui.util import day_text


class _LookupsAndFiles:
    """The register page's look-ups (people, employers, earlier cases) and attachments: a part of
    ``RegisterPage``, whose widgets and operations they use."""

    # ------------------------------------------------------------ look-ups

    def _search_people(self, parent: QWidget, text: str, on_done: OnDone,
                       on_error: OnError) -> Operation:
        def rows(found: list[tuple[PersonMatch, datetime | None]]) -> None:
            out = []
            for m, when in found:
                if m.employer_id is not None:
                    self._person_employers[m.id] = (m.employer_id, m.employer_name)
                parts = [m.name, m.id_tail, m.phone, m.employer_name]
                if when is not None:
                    parts.append("上次来访 " + day_text(when))
                out.append((m.id, "  ".join(p for p in parts if p), m.name))
            on_done(out)
        return lookup_people(parent, self.ctx, text, 10, on_done=rows, on_error=on_error)

    def _search_employers(self, parent: QWidget, text: str, on_done: OnDone,
                          on_error: OnError) -> Operation:
        return find_employers(
            parent, self.ctx, text, 10, on_error=on_error,
            on_done=lambda found: on_done(
                [(e.id, "  ".join(p for p in (e.name, e.uscc or "", e.street) if p), e.name)
                 for e in found]))

    def _person_picked(self, person_id: int | None, _text: str) -> None:
        """A person picked from the list brings their 用人单位 when the employer field is empty or
        was filled by the previous pick; an employer the clerk chose is kept."""
        employer = self._person_employers.get(person_id) if person_id is not None else None
        if employer is None:
            return
        empty = self.employer_field.selected_id is None and not self.employer_edit.text().strip()
        if empty or self._employer_from_person:
            self.employer_field.set_value(*employer)
            self._employer_from_person = True

    def new_person(self) -> None:
        from ui.dialogs.person_dialog import PersonDialog
        dlg = PersonDialog(self.ctx, parent=self)
        text = self.person_edit.text().strip()
        if text and not any(c.isdigit() for c in text):
            dlg.name_edit.setText(text)
        if self.employer_field.selected_id is not None:     # the employer already on the form
            dlg.employer_combo.setEditText(self.employer_edit.text())
        dlg.saved.connect(self._person_created)
        dlg.open()
        return dlg

    def _person_created(self, rec: PersonRecord) -> None:
        self.person_field.set_value(rec.id, rec.name)
        if rec.employer_id and self.employer_field.selected_id is None:
            self.employer_field.set_value(rec.employer_id, rec.employer_name)
            self._employer_from_person = True
        self._panel_input_changed()
        self.head_spin.setFocus()

    def new_employer(self) -> None:
        from ui.dialogs.employer_dialog import EmployerDialog
        dlg = EmployerDialog(self.ctx, parent=self, name=self.employer_edit.text().strip())
        dlg.saved.connect(lambda rec: (self.employer_field.set_value(rec.id, rec.name),
                                       self._panel_input_changed(),
                                       self.category_combo.setFocus()))
        dlg.open()
        return dlg

    def _load_events(self, select: int | None = None) -> None:
        list_events(self, self.ctx, on_done=lambda evs: self._events_loaded(evs, select),
                    on_error=lambda e: log.warning("outreach events not loaded: %s", e))

    def _events_loaded(self, events: list[OutreachRecord], select: int | None) -> None:
        current = select if select is not None else self.outreach_combo.currentData()
        self.outreach_combo.blockSignals(True)
        self.outreach_combo.clear()
        self.outreach_combo.addItem(self.tr("（请选择走访活动）"), None)
        for ev in events:
            self.outreach_combo.addItem(f"{day_text(ev.held_on)} {ev.theme}", ev.id)
        i = self.outreach_combo.findData(current) if current is not None else 0
        self.outreach_combo.setCurrentIndex(max(0, i))
        self.outreach_combo.blockSignals(False)

    def preset_outreach(self, event_id: int) -> None:
        """Start a registration of a problem raised at outreach event ``event_id``."""
        self.channel_combo.setCurrentIndex(self.channel_combo.findData(Channel.OUTREACH.value))
        i = self.outreach_combo.findData(event_id)
        if i >= 0:
            self.outreach_combo.setCurrentIndex(i)
        else:
            self._load_events(select=event_id)
        self.person_edit.setFocus()

    # ------------------------------------------------------------ attachments

    def add_attachments(self) -> None:
        paths = open_files(self, Purpose.ATTACHMENTS, self.tr("选择附件"),
                           self.tr("扫描件和照片 (*.pdf *.jpg *.jpeg *.png *.tif *.tiff);;所有文件 (*)"))
        self.add_attachment_paths(paths)

    def add_attachment_paths(self, paths: list[str]) -> None:
        for p in paths:
            if p and p not in self.attachment_paths:
                self.attachment_paths.append(p)
                item = QListWidgetItem(Path(p).name)
                item.setData(ID_ROLE, None)
                item.setData(TEXT_ROLE, p)
                item.setToolTip(p)
                self.attach_list.addItem(item)
        self._mark_dirty()

    def remove_attachment(self) -> None:
        row = self.attach_list.currentRow()
        if row >= 0:
            item = self.attach_list.takeItem(row)
            path = item.data(TEXT_ROLE)
            if path in self.attachment_paths:
                self.attachment_paths.remove(path)
            self._mark_dirty()

    def open_attachment(self, item: QListWidgetItem) -> None:
        path = item.data(TEXT_ROLE)
        if path:
            QDesktopServices.openUrl(QUrl.fromLocalFile(path))
