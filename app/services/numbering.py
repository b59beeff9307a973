"""Gap-free numbers per name and year (registration numbers, case numbers, document numbers).

``next_number`` runs inside the caller's ``db.write()`` transaction: the number is used only if
that transaction commits, and a rollback returns it, so no gaps and no duplicates — also across
processes (SQLite: the write transaction holds the database lock; PostgreSQL: ``db.write()`` holds
the writers' advisory lock, and besides the counter row is made with INSERT … ON CONFLICT DO
NOTHING — two first numbers of a year never collide — and locked with SELECT … FOR UPDATE).
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.dialect import insert_or_ignore
from app.db.models import Counter


def next_number(session: Session, name: str, year: int) -> int:
    session.execute(insert_or_ignore(session, Counter).values(name=name, year=year, last=0))
    row = session.execute(select(Counter).where(Counter.name == name, Counter.year == year)
                          .with_for_update().execution_options(populate_existing=True)).scalar_one()
    row.last += 1
    session.flush()
    return row.last


def registration_no(year: int, n: int) -> str:
    return f"{year}-{n:06d}"


def case_no(year: int, n: int) -> str:
    return f"C{year}-{n:06d}"
