"""People and employers (人员与单位): one function per user action, on ``app.services.people``.

Call from the GUI thread; the service runs on a worker thread, ``on_done``/``on_error`` come back on
the GUI thread (see ``ui.operations.run``). Writes announce {"people"}.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ui.operations import OnDone, OnError, Operation, run

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from app.services.people import EmployerInput, PersonInput
    from ui.context import AppContext

CHANGES = {"people"}


def _people():
    from app.services import people
    return people


def _search():
    from app.services import people_search
    return people_search


def list_people(parent: QWidget, ctx: AppContext, text: str, after_key: tuple | None, limit: int,
                *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """One keyset page of people matching ``text`` (a ``PeoplePage``)."""
    db = ctx.db
    return run(parent, lambda _p: _search().list_people(db, after_key, limit, text),
               on_success=on_done, on_error=on_error)


def find_employers(parent: QWidget, ctx: AppContext, text: str, limit: int,
                   *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """Employers matching ``text`` (``list[EmployerRecord]``)."""
    db = ctx.db
    return run(parent, lambda _p: _people().find_employers(db, text, limit),
               on_success=on_done, on_error=on_error)


def load_person(parent: QWidget, ctx: AppContext, person_id: int,
                *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    db = ctx.db
    return run(parent, lambda _p: _people().get_person(db, person_id),
               on_success=on_done, on_error=on_error)


def create_person(parent: QWidget, ctx: AppContext, data: PersonInput,
                  *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    db, actor = ctx.db, ctx.actor
    return run(parent, lambda _p: _people().create_person(db, actor, data),
               on_success=on_done, on_error=on_error, changes=CHANGES)


def update_person(parent: QWidget, ctx: AppContext, person_id: int, data: PersonInput,
                  *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    db, actor = ctx.db, ctx.actor
    return run(parent, lambda _p: _people().update_person(db, actor, person_id, data),
               on_success=on_done, on_error=on_error, changes=CHANGES)


def load_employer(parent: QWidget, ctx: AppContext, employer_id: int,
                  *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    db = ctx.db
    return run(parent, lambda _p: _people().get_employer(db, employer_id),
               on_success=on_done, on_error=on_error)


def create_employer(parent: QWidget, ctx: AppContext, data: EmployerInput,
                    *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    db, actor = ctx.db, ctx.actor
    return run(parent, lambda _p: _people().create_employer(db, actor, data),
               on_success=on_done, on_error=on_error, changes=CHANGES)


def update_employer(parent: QWidget, ctx: AppContext, employer_id: int, data: EmployerInput,
                    *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    db, actor = ctx.db, ctx.actor
    return run(parent, lambda _p: _people().update_employer(db, actor, employer_id, data),
               on_success=on_done, on_error=on_error, changes=CHANGES)
