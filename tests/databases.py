"""Where a test's database lives: a new SQLite file by default — or, when ``UNIONDESK_TEST_PG`` holds
the SQLAlchemy URL of an empty scratch PostgreSQL database (for example
``postgresql+psycopg://user:password@localhost/uniondesk_test``), a new schema in it. The schema
is first on the search path of the URL handed out (``public``, where ``pg_trgm`` lives, after it),
so everything the program creates goes there, in every process that opens that URL."""
from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from pathlib import Path

PG_URL = os.environ.get("UNIONDESK_TEST_PG") or None


def pg_admin(sql: str) -> None:
    """Run one statement on the scratch database, outside any transaction."""
    from sqlalchemy import create_engine
    engine = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql(sql)
    finally:
        engine.dispose()


def new_target(folder: Path, name: str = "office") -> tuple[Path | str, Callable[[], None]]:
    """(what ``open_database`` is given, what removes it afterwards): ``folder/name.db``, or the
    URL of a new PostgreSQL schema and the function that drops it."""
    if not PG_URL:
        return folder / f"{name}.db", lambda: None
    from sqlalchemy.engine import make_url
    schema = "t_" + uuid.uuid4().hex[:16]
    pg_admin(f'CREATE SCHEMA "{schema}"')
    url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema},public"})
    return (url.render_as_string(hide_password=False),
            lambda: pg_admin(f'DROP SCHEMA "{schema}" CASCADE'))
