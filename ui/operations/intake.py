"""The petition desk (信访登记, 走访活动, 来访记录, 预警): one function per user action, on
``app.services.petitions`` (registration, repeats, hotspots, outreach, drafts) and
``app.services.attachments`` (and ``people`` for the person look-up).

Call from the GUI thread; the service runs on a worker thread, ``on_done``/``on_error`` come back on
the GUI thread (see ``ui.operations.run``). A registration announces {"registrations", "cases"}
(受理 opens a case), an outreach event {"outreach"}, an acknowledged warning {"warnings"}; drafts
announce nothing.
"""
from __future__ import annotations

from collections.abc import Iterable
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from ui.operations import OnDone, OnError, Operation, run

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from app.services.petitions.outreach import OutreachInput
    from app.services.petitions.registration import RegistrationInput
    from ui.context import AppContext


def _services() -> SimpleNamespace:
    """The petition desk's services, imported on first use (start-up stays fast)."""
    from app.services import attachments
    from app.services.petitions import drafts, hotspots, outreach, registration, repeats
    return SimpleNamespace(attachments=attachments, drafts=drafts, hotspots=hotspots,
                           outreach=outreach, registration=registration, repeats=repeats)


# ---------------------------------------------------------------- registering

def lookup_people(parent: QWidget, ctx: AppContext, text: str, limit: int,
                  *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """People matching ``text`` with the time of each one's last visit:
    ``[(PersonMatch, datetime | None)]``."""
    db = ctx.db

    def work(_p) -> list[tuple[Any, Any]]:
        from app.services import people_search
        svc = _services()
        found = people_search.lookup(db, text, limit)
        out = []
        for m in found:      # indexed (person_id, received_at); at most ``limit`` tiny reads
            latest = svc.registration.history(db, person_id=m.id, limit=1)
            out.append((m, latest[0].received_at if latest else None))
        return out
    return run(parent, work, on_success=on_done, on_error=on_error)


def repeat_check(parent: QWidget, ctx: AppContext, *, person_id: int | None = None,
                 employer_id: int | None = None, issue_types: Iterable[Any] = (),
                 id_number: str | None = None, name: str | None = None, phone: str | None = None,
                 on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """Earlier contacts and open cases of this person/employer (``RepeatCheck``)."""
    db = ctx.db
    return run(parent, lambda _p: _services().repeats.repeat_check(
        db, person_id=person_id, employer_id=employer_id, issue_types=issue_types,
        id_number=id_number, name=name, phone=phone), on_success=on_done, on_error=on_error)


def register(parent: QWidget, ctx: AppContext, data: RegistrationInput,
             *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """Save one registration (受理 opens its case); answers the ``RegistrationRecord``."""
    db, actor = ctx.db, ctx.actor
    return run(parent, lambda _p: _services().registration.register(db, actor, data), on_success=on_done,
               on_error=on_error, changes={"registrations", "cases"})


def save_draft(parent: QWidget, ctx: AppContext, form: str, payload: dict,
               *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    db, actor = ctx.db, ctx.actor
    return run(parent, lambda _p: _services().drafts.save_draft(db, actor, form, payload),
               on_success=on_done, on_error=on_error)


def load_draft(parent: QWidget, ctx: AppContext, form: str,
               *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """The signed-in person's draft of ``form`` (``DraftRecord``) or None."""
    db, actor = ctx.db, ctx.actor
    return run(parent, lambda _p: _services().drafts.load_draft(db, actor, form),
               on_success=on_done, on_error=on_error)


def discard_draft(parent: QWidget, ctx: AppContext, form: str,
                  *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    db, actor = ctx.db, ctx.actor
    return run(parent, lambda _p: _services().drafts.discard_draft(db, actor, form),
               on_success=on_done, on_error=on_error)


# ---------------------------------------------------------------- history and attachments

def load_history(parent: QWidget, ctx: AppContext, person_id: int | None, employer_id: int | None,
                 limit: int, *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """Registrations of a person and/or employer, newest first (``list[HistoryItem]``)."""
    db = ctx.db
    return run(parent, lambda _p: _services().registration.history(db, person_id=person_id,
                                                    employer_id=employer_id, limit=limit),
               on_success=on_done, on_error=on_error)


def list_attachments(parent: QWidget, ctx: AppContext, registration_id: int,
                     *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """The files attached to a registration (``list[AttachmentRecord]``)."""
    db = ctx.db
    return run(parent, lambda _p: _services().attachments.attachments(db, registration_id),
               on_success=on_done, on_error=on_error)


def add_attachments(parent: QWidget, ctx: AppContext, registration_id: int, paths: list[str],
                    *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """Attach files to a saved registration, all or none (``list[AttachmentRecord]``)."""
    db, actor = ctx.db, ctx.actor
    return run(parent, lambda _p: _services().attachments.add_attachments(db, actor, registration_id, paths),
               on_success=on_done, on_error=on_error,
               changes={"registrations", "cases", "audit"}, progress_label="正在保存附件…")


def attachment_file(parent: QWidget, ctx: AppContext, attachment_id: int,
                    *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """Where the stored copy of an attachment is (``Path``)."""
    db = ctx.db
    return run(parent, lambda _p: _services().attachments.attachment_file(db, attachment_id),
               on_success=on_done, on_error=on_error)


def open_attachment(ctx: AppContext, parent: QWidget, attachment_id: int, on_error=None) -> None:
    """Find the stored copy (background) and open it with the system's viewer."""
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices
    attachment_file(parent, ctx, attachment_id,
                    on_done=lambda path: QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))),
                    on_error=on_error)


# ---------------------------------------------------------------- outreach events

def list_events(parent: QWidget, ctx: AppContext,
                *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """Outreach events, newest first (``list[OutreachRecord]``)."""
    db = ctx.db
    return run(parent, lambda _p: _services().outreach.list_events(db), on_success=on_done, on_error=on_error)


def load_event(parent: QWidget, ctx: AppContext, event_id: int,
               *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """Answers ``(EventSummary, the registrations made there)``."""
    db = ctx.db

    def work(_p):
        svc = _services()
        return svc.outreach.event_summary(db, event_id), svc.outreach.event_registrations(db, event_id)
    return run(parent, work, on_success=on_done, on_error=on_error)


def create_event(parent: QWidget, ctx: AppContext, data: OutreachInput,
                 *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    db, actor = ctx.db, ctx.actor
    return run(parent, lambda _p: _services().outreach.create_event(db, actor, data), on_success=on_done,
               on_error=on_error, changes={"outreach"})


# ---------------------------------------------------------------- warnings

def acknowledge_warnings(parent: QWidget, ctx: AppContext, warning_ids: Iterable[int], note: str,
                         *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """One or more warnings with what was done (all or none); ``on_done`` gets the records."""
    db, actor, ids = ctx.db, ctx.actor, list(warning_ids)
    return run(parent, lambda _p: _services().hotspots.acknowledge_warnings(db, actor, ids, note),
               on_success=on_done, on_error=on_error, changes={"warnings"})
