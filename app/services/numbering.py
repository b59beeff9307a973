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


def highest_used(session: Session) -> dict[tuple[str, int], int]:
    """The highest number used so far per counter (name, year), read from the numbered rows
    themselves (``registration_no``, ``case_no``, the notices' serials): ``check`` compares it with
    the counters, since a counter below it would hand out a number again."""
    from sqlalchemy import Integer, cast, func

    from app.db.models import Case, Notice, Registration
    from app.db.models_hardship import HardshipFile
    from app.db.models_mutual_aid import MaClaim
    used: dict[tuple[str, int], int] = {}
    # "2026-000123", "C2026-000123", "K2026-000012", "HZ2026-000123": the year, then the number
    # after the dash.
    for name, col, at in (("registration", Registration.reg_no, 1), ("case", Case.case_no, 2),
                          ("hardship_file", HardshipFile.file_no, 2), ("ma_claim", MaClaim.claim_no, 3)):
        year = cast(func.substr(col, at, 4), Integer)
        q = select(year, func.max(cast(func.substr(col, at + 5), Integer))).group_by(year)
        for y, n in session.execute(q):
            if y is not None and n is not None:
                used[(name, int(y))] = int(n)
    q = (select(Notice.kind, Notice.year, func.max(Notice.serial))
         .where(Notice.serial.is_not(None)).group_by(Notice.kind, Notice.year))
    for kind, y, n in session.execute(q):
        used[(f"notice:{kind}", int(y))] = int(n)
    return used


def counter_problems(session: Session) -> list[str]:
    """Each counter that is below the highest number already used, in Chinese."""
    last = {(r.name, r.year): r.last for r in session.scalars(select(Counter))}
    out = []
    for (name, year), n in sorted(highest_used(session).items()):
        have = last.get((name, year))
        if have is None or have < n:
            out.append(f"编号计数器 {name} {year} 年为 {have if have is not None else '（无）'}，"
                       f"但已使用到第 {n} 号：新编号会与已有编号重复")
    return out
