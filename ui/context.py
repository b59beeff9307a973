"""What the GUI knows about the session: the open database, who is signed in, and a bus on which
operations announce which areas changed (STYLE §5)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from app.domain.actor import Actor

if TYPE_CHECKING:   # only a type here: importing it would load SQLAlchemy before the first paint
    from app.db import Database


class AppContext(QObject):
    """One per signed-in session. Widgets read ``db`` only to pass it to services inside
    ``ui.operations.run``; they never open Sessions themselves."""

    changed = Signal(set)       # area names, e.g. {"people", "users", "settings", "calendar"}
    _current: "AppContext | None" = None

    def __init__(self, db: Database, actor: Actor):
        super().__init__()
        self.db = db
        self.actor = actor
        AppContext._current = self

    @classmethod
    def current(cls) -> "AppContext | None":
        return cls._current

    @classmethod
    def announce(cls, areas: set[str]) -> None:
        if cls._current is not None:
            cls._current.changed.emit(set(areas))
