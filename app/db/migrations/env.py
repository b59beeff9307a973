"""Alembic environment: always run programmatically with a connection passed in
``config.attributes["connection"]`` (see ``app.db.migrate``)."""
from alembic import context

from app.db.migrate import include_name
from app.db.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only for `alembic` run by hand
    raise SystemExit("run migrations through app.db.migrate")

context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True,
                  compare_type=True, include_name=include_name)
with context.begin_transaction():
    context.run_migrations()
