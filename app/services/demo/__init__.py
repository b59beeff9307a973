"""Realistic, reproducible demo data (``uniondesk demo``). Its word lists and text tables are data
files in ``resources/demo/`` (``words``).

``generate(db, seed=1, people=None, progress=None, registrations=None)`` fills an EMPTY database
with an office profile, one account per role, employers, people, and the petition desk's
registrations, cases (with timelines), outreach events and hot-spot warnings over the three years
before the demo's fixed "today" (``base_time``), all derived from ``seed`` alone: the same seed
(and the same sizes) gives the same rows, on any machine. Everything happens in one write
transaction, so a cancelled or failed run leaves the database as it was.

The work is a list of steps (``STEPS``). A step is one function ``step(run) -> str`` that writes
through ``run.session``, draws its random numbers from ``run.rng("<step name>")`` (its own stream,
so adding a step never changes what the others produce), reports progress with ``run.report`` and
returns one Chinese sentence fragment for the summary.

People, registrations, cases and timeline events are written with SQLAlchemy Core bulk inserts in
batches (no ORM object per row), so a 1,000,000-person, 1,000,000-registration database for the
benchmark takes minutes. Registration and case numbers use ``numbering``'s formats and are gap-free
per year; the counters table ends at the last numbers used, so ``registration.register`` continues them.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.db import Database
from app.db.dialect import sync_id_sequences
from app.db.models import Base, Employer, Person, User
from app.domain.actor import SYSTEM_ACTOR
from app.domain.errors import UserError

from .. import audit
from .hardship import _hardship, file_count
from .desk import DEFAULT_REGISTRATIONS, MAX_REGISTRATIONS, _registrations
from .people import (DEFAULT_EMPLOYERS, DEFAULT_PEOPLE, MAX_PEOPLE, _accounts, _employers, _office,
                     _people)
from .run import DemoRun, Progress, Step


STEPS: list[Step] = [
    Step("office", _office, lambda run: 50),
    Step("accounts", _accounts, lambda run: 200),
    Step("employers", _employers, lambda run: run.employers * 5),
    Step("people", _people, lambda run: run.people),
    Step("registrations", _registrations, lambda run: run.registrations * 4),
    Step("hardship", _hardship, lambda run: file_count(run.registrations) * 12),
]


def base_time(seed: int, today: date | None = None) -> datetime:
    """The demo's "now": 09:00 on ``today`` when given (the GUI's demo office is current), else a
    date fixed by the seed — never the clock, so the same arguments give the same data."""
    if today is not None:
        return datetime.combine(today, time(9, 0))
    return datetime(2026, 1, 5, 9, 0) + timedelta(days=random.Random(f"uniondesk-demo/{seed}").randrange(300))


def _is_empty(session: Session) -> bool:
    for model in (User, Person, Employer):
        if session.execute(select(model.id).limit(1)).first() is not None:
            return False
    return True


def generate(db: Database, seed: int = 1, people: int | None = None,
             progress: Progress | None = None, employers: int | None = None,
             registrations: int | None = None, today: date | None = None) -> str:
    """Fill an empty database with demo data; return a one-paragraph Chinese summary.

    The data ends the day before ``today`` (default: a date fixed by the seed, see ``base_time``).
    ``registrations`` (default DEFAULT_REGISTRATIONS) registrations over the last three years
    with the cases of the accepted ones, outreach events and hot-spot warnings.
    Raises UserError when the database already has users, employers or people. ``progress`` is
    called as ``progress(fraction, message)`` and may raise Cancelled, which rolls everything back.
    """
    n_people = DEFAULT_PEOPLE if people is None else people
    if not 0 <= n_people <= MAX_PEOPLE:
        raise UserError(f"人员数量须在 0 到 {MAX_PEOPLE:,} 之间", "--people out of range")
    n_regs = DEFAULT_REGISTRATIONS if registrations is None else registrations
    if not 0 <= n_regs <= MAX_REGISTRATIONS:
        raise UserError(f"登记数量须在 0 到 {MAX_REGISTRATIONS:,} 之间", "--registrations out of range")
    if employers is None:
        employers = max(DEFAULT_EMPLOYERS, min(5000, n_people // 400))
    if not 0 <= employers <= 20_000:
        raise UserError("用人单位数量须在 0 到 20,000 之间", "employer count out of range")
    with db.write() as session:
        if not _is_empty(session):
            raise UserError("演示数据只能写入空数据库：当前数据库已有用户、单位或人员。"
                            "请指定一个新的数据库文件（--db）。",
                            "demo data only goes into an empty database")
        run = DemoRun(session=session, seed=seed, people=n_people, employers=employers,
                      base_time=base_time(seed, today), _progress=progress, registrations=n_regs)
        weights = [max(1.0, float(step.weight(run))) for step in STEPS]
        total = sum(weights) * 1.02  # the last 2 % is the commit
        parts: list[str] = []
        done = 0.0
        tuned = _tune_for_bulk(session, n_people + 3 * n_regs)
        try:
            for step, w in zip(STEPS, weights):
                run._span = (done / total, (done + w) / total)
                parts.append(step.run(run))
                done += w
            sync_id_sequences(session, Base.metadata)   # the steps chose the ids themselves
            run.counts["seed"] = seed
            audit.record(session, SYSTEM_ACTOR, "demo", seed, "generate", None, run.counts)
            run._span = (done / total, 1.0)
            run.report(0.0, "正在保存")
        finally:
            if tuned:
                try:
                    session.execute(text("PRAGMA cache_size = -2000"))
                except Exception:  # the session failed already; the original error matters
                    pass
    return f"已生成演示数据（种子 {seed}）：" + "；".join(parts) + "。"


def _tune_for_bulk(session: Session, n_rows: int) -> bool:
    """A bigger SQLite page cache while writing many rows (index pages stay in memory)."""
    if n_rows < 50_000 or session.get_bind().dialect.name != "sqlite":
        return False
    session.execute(text("PRAGMA cache_size = -262144"))  # 256 MiB, this connection only
    return True
