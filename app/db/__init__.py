"""Engine and session factory, ORM models, Alembic migrations."""
from .engine import Database, open_database, default_db_path

__all__ = ["Database", "open_database", "default_db_path"]
