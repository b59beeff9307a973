"""The register page's form values, side panel and drafts (a part of ``RegisterPage``). GUI thread
only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import QComboBox, QListWidgetItem

from app.domain import clock
from app.domain.enums import Channel, Disposition
from app.services.petitions.drafts import DraftRecord
from app.services.petitions.registration import HistoryItem, RegistrationInput
from app.services.petitions.repeats import RepeatCase, RepeatCheck

from ui.operations.intake import discard_draft, load_draft, repeat_check, save_draft
from ui.pages.register_fields import DRAFT_FORM, ID_ROLE, TEXT_ROLE, log
from ui.util import day_text


class _FormValues:
    """The register page's form values (read, filled, cleared), its side panel and its drafts: a
    part of ``RegisterPage``, whose widgets they use."""

    # ------------------------------------------------------------ the form's values

    def issue_types(self) -> list[str]:
        out = []
        for i in range(self.issue_list.count()):
            item = self.issue_list.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(item.data(ID_ROLE))
        return out

    def set_issue_types(self, values) -> None:
        wanted = set(values or ())
        for i in range(self.issue_list.count()):
            item = self.issue_list.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.data(ID_ROLE) in wanted
                               else Qt.CheckState.Unchecked)

    def representatives(self) -> list[str]:
        text = self.reps_edit.text()
        for sep in "，、;；":
            text = text.replace(sep, ",")
        return [p.strip() for p in text.split(",") if p.strip()]

    def form_values(self) -> dict[str, Any]:
        """Everything typed, as plain values (also the draft payload)."""
        return {
            "channel": self.channel_combo.currentData(),
            "received_at": self.received_edit.dateTime().toPython().replace(second=0, microsecond=0),
            "person_id": self.person_field.selected_id,
            "person_text": self.person_edit.text(),
            "head_count": self.head_spin.value(),
            "representatives": self.representatives(),
            "employer_id": self.employer_field.selected_id,
            "employer_text": self.employer_edit.text(),
            "category": self.category_combo.currentData(),
            "issue_types": self.issue_types(),
            "summary": self.summary_edit.text(),
            "request": self.request_edit.toPlainText(),
            "facts": self.facts_edit.toPlainText(),
            "disposition": self.disposition_combo.currentData(),
            "answer": self.answer_edit.toPlainText(),
            "reject_reason": self.reject_combo.currentData(),
            "redirect_to": self.redirect_edit.text(),
            "transfer_to": self.transfer_to_edit.text(),
            "transfer_reason": self.transfer_reason_edit.toPlainText(),
            "repeat_case_id": self.repeat_case[0] if self.repeat_case else None,
            "repeat_case_no": self.repeat_case_edit.text().strip(),
            "earlier_documents": self.earlier_docs_edit.toPlainText(),
            "leader_reception": self.leader_check.isChecked(),
            "leader_name": self.leader_edit.text(),
            "outreach_event_id": (self.outreach_combo.currentData()
                                  if self.channel_combo.currentData() == Channel.OUTREACH.value
                                  else None),
            "solved_on_site": (self.solved_check.isChecked()
                               if self.channel_combo.currentData() == Channel.OUTREACH.value
                               else None),
            "attachments": list(self.attachment_paths),
        }

    def service_input(self, v: dict[str, Any]) -> RegistrationInput:
        """The service's input from ``form_values()``: text typed in the person or employer field
        without picking a match goes as a name (the service refuses it with a hint)."""
        return RegistrationInput(
            channel=v["channel"], received_at=v["received_at"], person_id=v["person_id"],
            person_name=v["person_text"] if v["person_id"] is None else "",
            head_count=v["head_count"], representatives=v["representatives"],
            employer_id=v["employer_id"],
            employer_name=v["employer_text"] if v["employer_id"] is None else "",
            category=v["category"], issue_types=v["issue_types"], summary=v["summary"],
            request=v["request"], facts=v["facts"], disposition=v["disposition"],
            answer=v["answer"], reject_reason=v["reject_reason"], redirect_to=v["redirect_to"],
            transfer_to=v["transfer_to"], transfer_reason=v["transfer_reason"],
            repeat_of_case_id=v["repeat_case_id"], repeat_of_case_no=v["repeat_case_no"],
            earlier_documents=v["earlier_documents"], outreach_event_id=v["outreach_event_id"],
            solved_on_site=v["solved_on_site"], leader_reception=v["leader_reception"],
            leader_name=v["leader_name"], attachments=v["attachments"])

    def set_values(self, v: dict[str, Any]) -> None:
        """Fill the form (a restored draft)."""
        self._loading = True
        try:
            def combo(c: QComboBox, value) -> None:
                i = c.findData(value)
                if i >= 0:
                    c.setCurrentIndex(i)
            combo(self.channel_combo, v.get("channel"))
            when = v.get("received_at")
            if isinstance(when, str) and when:
                when = datetime.fromisoformat(when)
            if isinstance(when, datetime):
                self.received_edit.setDateTime(QDateTime(when))
            self.person_field.set_value(v.get("person_id"), v.get("person_text") or "")
            self.head_spin.setValue(int(v.get("head_count") or 1))
            self.reps_edit.setText("、".join(v.get("representatives") or ()))
            self.employer_field.set_value(v.get("employer_id"), v.get("employer_text") or "")
            combo(self.category_combo, v.get("category"))
            self.set_issue_types(v.get("issue_types"))
            self.summary_edit.setText(v.get("summary") or "")
            self.request_edit.setPlainText(v.get("request") or "")
            self.facts_edit.setPlainText(v.get("facts") or "")
            combo(self.disposition_combo, v.get("disposition"))
            self.answer_edit.setPlainText(v.get("answer") or "")
            combo(self.reject_combo, v.get("reject_reason"))
            if v.get("redirect_to") is not None:
                self.redirect_edit.setText(v.get("redirect_to") or "")
            self.transfer_to_edit.setText(v.get("transfer_to") or "")
            self.transfer_reason_edit.setPlainText(v.get("transfer_reason") or "")
            self.repeat_case = ((v["repeat_case_id"], v.get("repeat_case_no") or "")
                                if v.get("repeat_case_id") else None)
            self.repeat_case_edit.setText(v.get("repeat_case_no") or "")
            self.earlier_docs_edit.setPlainText(v.get("earlier_documents") or "")
            self.leader_check.setChecked(bool(v.get("leader_reception")))
            self.leader_edit.setText(v.get("leader_name") or "")
            if v.get("outreach_event_id"):
                i = self.outreach_combo.findData(v["outreach_event_id"])
                if i >= 0:
                    self.outreach_combo.setCurrentIndex(i)
                else:
                    self._load_events(select=v["outreach_event_id"])
            self.solved_check.setChecked(bool(v.get("solved_on_site")))
            self.attachment_paths.clear()
            self.attach_list.clear()
            self.add_attachment_paths(v.get("attachments") or [])
        finally:
            self._loading = False
        self.dirty = True
        self._panel_input_changed()

    def clear_form(self) -> None:
        self._loading = True
        try:
            self.channel_combo.setCurrentIndex(0)
            self.received_edit.setDateTime(QDateTime(clock.now()))
            self.person_field.clear()
            self.head_spin.setValue(1)
            self.reps_edit.clear()
            self.employer_field.clear()
            self._employer_from_person = False
            self.category_combo.setCurrentIndex(0)
            self.set_issue_types(())
            for w in (self.summary_edit, self.redirect_edit, self.transfer_to_edit,
                      self.repeat_case_edit, self.leader_edit):
                w.clear()
            for w in (self.request_edit, self.facts_edit, self.answer_edit,
                      self.transfer_reason_edit, self.earlier_docs_edit):
                w.clear()
            self.disposition_combo.setCurrentIndex(0)
            self.reject_combo.setCurrentIndex(0)
            self._reject_reason_changed()
            self.leader_check.setChecked(False)
            self.outreach_combo.setCurrentIndex(0)
            self.solved_check.setChecked(False)
            self.attachment_paths.clear()
            self.attach_list.clear()
            self.repeat_case = None
        finally:
            self._loading = False
        self.dirty = False
        self._clear_errors()
        self._show_panel(None)
        self.channel_combo.setFocus()

    def _mark_dirty(self, *_a) -> None:
        if not self._loading:
            self.dirty = True

    # ------------------------------------------------------------ side panel

    def _panel_input_changed(self, *_a) -> None:
        if not self._loading:
            self._panel_timer.start()

    def check_repeat(self) -> None:
        """Ask the service about earlier contacts of this person and employer (background)."""
        self._panel_timer.stop()
        person_id = self.person_field.selected_id
        employer_id = self.employer_field.selected_id
        self.hardship.show_person(person_id)
        text = self.person_edit.text().strip()
        issues = tuple(self.issue_types())
        self._panel_ticket += 1
        ticket = self._panel_ticket
        if person_id is None and employer_id is None and not text:
            self._show_panel(None)
            return
        kw: dict[str, Any] = {"person_id": person_id, "employer_id": employer_id,
                              "issue_types": issues}
        if person_id is None and text:
            digits = text.replace(" ", "").upper()
            if len(digits) == 18 and digits[:17].isdigit():
                kw["id_number"] = digits
            elif digits.isdigit():
                kw["phone"] = digits
            else:
                kw["name"] = text

        repeat_check(self, self.ctx, **kw, on_done=lambda r: self._repeat_found(ticket, r),
                     on_error=lambda e: log.warning("repeat check failed: %s", e))

    @property
    def panel_busy(self) -> bool:
        return self._panel_timer.isActive()

    def _repeat_found(self, ticket: int, result: RepeatCheck) -> None:
        if ticket == self._panel_ticket:
            self._show_panel(result)

    def _show_panel(self, result: RepeatCheck | None) -> None:
        self.repeat = result
        for lst in (self.person_history, self.employer_history, self.open_cases):
            lst.clear()
        self.suggested_case = None
        if result is None:
            self.repeat_label.hide()
            self.link_button.hide()
            return

        def contact_line(c: HistoryItem) -> str:
            parts = [day_text(c.received_at), c.reg_no, c.summary, c.disposition_label, c.case_no]
            return "  ".join(p for p in parts if p)

        def case_line(c: RepeatCase) -> str:
            return "  ".join(p for p in (c.case_no, c.status_label, c.summary) if p)

        for h in result.person_contacts:
            self.person_history.addItem(contact_line(h))
        for h in result.employer_contacts:
            self.employer_history.addItem(contact_line(h))
        for c in result.cases:
            item = QListWidgetItem(case_line(c))
            item.setData(ID_ROLE, c.case_id)
            item.setData(TEXT_ROLE, c.case_no)
            self.open_cases.addItem(item)
        suggested = result.suggested
        if result.is_repeat and suggested is not None:
            self.open_cases.setCurrentRow(result.cases.index(suggested))
            self.suggested_case = (suggested.case_id, suggested.case_no)
            reason = f"（{suggested.matched_label}，{suggested.status_label}）"
            self.repeat_label.setText(self.tr("疑似重复信访：") + f"{suggested.case_no} {reason}"
                                      + self.tr("。按 F8 关联为重复信访。"))
            self.repeat_label.show()
            self.link_button.show()
        else:
            self.repeat_label.hide()
            self.link_button.hide()

    def link_repeat(self) -> None:
        """F8: the registration is a 重复信访 of the suggested case."""
        if self.suggested_case is None:
            return
        case_id, case_no = self.suggested_case
        self.disposition_combo.setCurrentIndex(self.disposition_combo.findData(Disposition.REPEAT.value))
        self.repeat_case = (case_id, case_no)
        self.repeat_case_edit.setText(case_no)
        self._mark_dirty()


    # ------------------------------------------------------------ drafts

    def _draft_payload(self) -> dict[str, Any]:
        v = self.form_values()
        v["received_at"] = v["received_at"].isoformat()
        return v

    def autosave_draft(self) -> None:
        if not self.dirty or self.saving or self.pending_draft is not None:
            return
        self.save_draft_now()

    def save_draft_now(self) -> None:
        """Keep the half-typed form (background; the answer is not needed)."""
        if (not self.dirty or self.pending_draft is not None
                or not self._draft_timer_allowed):
            return
        payload = self._draft_payload()
        self.dirty = False
        save_draft(self, self.ctx, DRAFT_FORM, payload,
                   on_error=lambda e: log.warning("draft not saved: %s", e))

    def _discard_saved_draft(self) -> None:
        discard_draft(self, self.ctx, DRAFT_FORM,
                      on_error=lambda e: log.warning("draft not discarded: %s", e))

    def _load_draft(self) -> None:
        load_draft(self, self.ctx, DRAFT_FORM, on_done=self._draft_loaded,
                   on_error=lambda e: log.warning("draft not loaded: %s", e))

    def _draft_loaded(self, draft: DraftRecord | None) -> None:
        if draft is None or not draft.payload:
            return
        self.pending_draft = dict(draft.payload)
        self.draft_label.setText(self.tr("有未完成的登记，恢复？") + self.tr("（保存于 ")
                                 + f"{draft.updated_at:%m-%d %H:%M}" + "）")
        self.draft_bar.show()

    def restore_draft(self) -> None:
        if self.pending_draft is None:
            return
        payload, self.pending_draft = self.pending_draft, None
        self.draft_bar.hide()
        self.set_values(payload)
        self.person_edit.setFocus()

    def discard_draft(self) -> None:
        self.pending_draft = None
        self.draft_bar.hide()
        self._discard_saved_draft()

    def hideEvent(self, event) -> None:  # noqa: N802
        self.save_draft_now()
        super().hideEvent(event)

    def closeEvent(self, event) -> None:  # noqa: N802
        self.save_draft_now()
        self._draft_timer.stop()
        super().closeEvent(event)
