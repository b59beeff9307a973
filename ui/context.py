"""What the GUI knows about the session: the open database, who is signed in, and a bus on which
operations announce which areas changed (STYLE §5)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QMetaMethod, QObject, Signal

from app.domain.actor import Actor

if TYPE_CHECKING:   # only a type here: importing it would load SQLAlchemy before the first paint
    from app.db import Database


class AppContext(QObject):
    """One per signed-in session. Widgets read ``db`` only to pass it to services inside
    ``ui.operations.run``; they never open Sessions themselves."""

    changed = Signal(set)       # area names, e.g. {"people", "users", "settings", "calendar"}
    revoked = Signal(str)       # the account may no longer act (AccountRevoked); the message
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

    @classmethod
    def revoke(cls, message: str) -> bool:
        """An operation came back with ``AccountRevoked``: the signed-in account was disabled,
        locked or given another role. Emits ``revoked`` (the main window says so and signs out)
        and returns True; False when nobody listens, and the caller shows the error as usual."""
        ctx = cls._current
        if ctx is None or not ctx.isSignalConnected(QMetaMethod.fromSignal(ctx.revoked)):
            return False
        ctx.revoked.emit(message)
        return True
