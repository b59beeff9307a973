"""Engine and session factory, ORM models, Alembic migrations.

``Database``, ``open_database`` and ``default_db_path`` are loaded on first use, so that importing a
light submodule (``app.db.sqlitefile``) does not import SQLAlchemy: the GUI paints its first window
before SQLAlchemy is imported (DESIGN §6).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .engine import Database, default_db_path
    from .migrate import open_database

__all__ = ["Database", "open_database", "default_db_path"]


def __getattr__(name: str) -> Any:
    if name == "open_database":
        from .migrate import open_database   # opening migrates: migrate builds on engine
        return open_database
    if name in __all__:
        from . import engine
        return getattr(engine, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
