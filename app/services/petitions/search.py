"""Content search over registrations: summary (事项摘要), request (诉求), facts (事实和理由) and the
case notes written while handling (DESIGN §6 budgets: ≤ 100 ms for 3+ characters, ≤ 500 ms for
1–2 characters, first ``SEARCH_LIMIT`` hits ordered by date received, newest first).

* SQLite: an FTS5 table ``registration_fts`` with the trigram tokenizer (migration 0002; rowid =
  registration id; summary/request/facts kept by triggers, ``notes`` kept by ``index_case_notes``).
  Queries of 3+ characters use ``MATCH`` with the text quoted as one phrase; shorter ones fall back
  to ``LIKE`` (the trigram index cannot answer them).
* PostgreSQL: ``ILIKE`` on the columns (pg_trgm GIN indexes exist) and on the case timeline text.

Answering within the budget, honestly (``find``): where no index can answer — 1–2 characters, or
3+ characters whose matches are common while the other filters let few of them through — the
registrations are read newest received first, one window of date received at a time (ranges of
the ``(received_at, id)`` index), and the search stops at ``SEARCH_LIMIT`` hits, at the oldest
registration, or when its time is spent (``_now``, looked at between windows and, on SQLite,
inside them: a window made slow by a file not yet in memory is stopped at the limit). In the
last case the answer says how far back it has searched (``Found.searched_back_to``) and carries a
continuation key (``Found.resume``): ``find(…, resume=key)`` searches the older registrations, with
no hit twice and none left out. A word found nowhere thus answers within the budget instead of
after reading the whole table.

A query that is a number — a registration number, a case number or a notice's document number
(``number_matches``) — answers the registrations it names, before and instead of a content search.

This is the only module that knows which database it runs on; everything else calls
``match_condition``, ``find`` and ``index_case_notes``. Called inside the caller's Session (any
thread).
"""
from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (ColumnElement, Select, column, exists, func, literal_column, or_, select,
                        table, text)
from sqlalchemy.orm import Session
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression

from app.db import dialect
from app.db.models import Case, CaseEvent, Notice, Registration

SEARCH_LIMIT = 200      # hits returned by a content search
TRIGRAM = 3             # shortest query the trigram index answers
FTS_CHUNK = 2000        # most candidate ids read from the full-text index per round

SHORT_BUDGET = 0.4      # seconds a 1–2 character search reads before answering with what it has
LONG_BUDGET = 0.08      # the same for 3+ characters (the full-text index gets half of it first)
CONTINUE_BUDGET = 1.0   # the same when the person asked to continue an earlier search
NO_BUDGET = math.inf    # a search that goes on to the end (export, counting)
SCAN_SLICE = 1000       # registrations in the first window of a scan; later ones sized by the rate
PROGRESS_STEPS = 1000   # SQLite looks at the clock every this many virtual-machine steps of a window

_now = time.perf_counter    # the search's clock (tests put a clock of their own here)


@dataclass(frozen=True)
class Found:
    """What ``find`` returns: the hits, newest received first, and — when the time ran out before
    ``limit`` hits or the oldest registration — where the search stopped."""
    rows: list
    resume: tuple | None = None     # continuation key for ``find(resume=…)``; None: finished

    @property
    def searched_back_to(self) -> date | None:
        """The day received of the oldest registration searched; None when the search finished
        (the whole table or date range was searched, or ``limit`` hits were found)."""
        return self.resume[0].date() if self.resume is not None else None


def normalize(query: str | None) -> str:
    """Trimmed, inner runs of white space made one space."""
    return " ".join((query or "").split())


def fts_phrase(query: str) -> str:
    """The FTS5 MATCH argument for ``query`` as one phrase: double quotes doubled, then quoted, so
    that operators (AND, OR, NEAR, *, :, -) in what the person typed are plain text."""
    return '"' + query.replace('"', '""') + '"'


def like_pattern(query: str) -> str:
    """``%query%`` with LIKE's wildcards escaped (escape character ``\\``)."""
    escaped = query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def match_condition(session: Session, query: str) -> ColumnElement[bool] | None:
    """A WHERE condition on ``Registration`` that is true when ``query`` occurs in the summary,
    request, facts or case notes; None for an empty query. The caller orders by date and limits."""
    q = normalize(query)
    if not q:
        return None
    if dialect.name(session) == "sqlite" and len(q) >= TRIGRAM:
        hits = text("SELECT rowid FROM registration_fts WHERE registration_fts MATCH :fts_q") \
            .bindparams(fts_q=fts_phrase(q))
        return Registration.id.in_(select(literal_column("rowid")).select_from(
            hits.columns(literal_column("rowid")).subquery()))
    return _like_condition(session, q)


def _like_condition(session: Session, q: str) -> ColumnElement[bool]:
    """LIKE / ILIKE on the row's own columns, checked while reading registrations; the case notes
    as well, probed per row by primary key: on SQLite in the text the trigram index keeps of them
    (the FTS5 table's content shadow table, column ``c3`` = ``notes``; half the cost of walking
    the case timeline), on PostgreSQL through the case timeline. (The FTS table itself cannot serve
    a row-by-row check: its LIKE, with ESCAPE or under 3 characters, reads it all, and a
    ``MATCH … AND rowid = ?`` probe costs about 100× a LIKE.)"""
    pattern = like_pattern(q)
    if dialect.name(session) == "sqlite":
        like = "like"
        in_notes = exists(select(literal_column("1")).select_from(_FTS_CONTENT).where(
            _FTS_CONTENT.c.id == Registration.id,
            _FTS_CONTENT.c[_NOTES].like(pattern, escape="\\")))
    else:
        like = "ilike"
        in_notes = exists(select(CaseEvent.id).join(Case, Case.id == CaseEvent.case_id)
                          .where(Case.registration_id == Registration.id,
                                 CaseEvent.text.ilike(pattern, escape="\\")))
    return or_(getattr(Registration.summary, like)(pattern, escape="\\"),
               getattr(Registration.request, like)(pattern, escape="\\"),
               getattr(Registration.facts, like)(pattern, escape="\\"), in_notes)


# FTS5 keeps the indexed text in ``<table>_content`` (id = rowid, c0… = the columns in order:
# summary, request, facts, notes); tests/services/test_search.py proves notes are found this way.
_NOTES = "c3"
_FTS_CONTENT = table("registration_fts_content", column("id"), column(_NOTES))


def unindexed(session: Session, col: ColumnElement) -> ColumnElement:
    """``col`` written so that SQLite will not answer a condition on it from an index (unary
    ``+``); unchanged elsewhere. Without statistics (no ANALYZE) SQLite takes any index equality
    for a handful of rows, so ``cases.supervised = 1`` would read every supervised case and sort
    them instead of reading registrations newest first, as the search wants."""
    if dialect.name(session) != "sqlite":
        return col
    return UnaryExpression(col, operator=operators.custom_op("+"), type_=col.type)


def search_ids(session: Session, query: str, limit: int = SEARCH_LIMIT, *,
               budget: float = NO_BUDGET) -> list[int]:
    """Ids of the first ``limit`` registrations matching ``query``, newest received first (the
    whole table is searched unless a ``budget`` is given)."""
    found = find(session, query, select(Registration.id, Registration.received_at),
                 id_of=lambda r: r[0], newest_first=lambda r: (r[1], r[0]), limit=limit,
                 budget=budget)
    return [r[0] for r in found.rows]


def find(session: Session, query: str, base: Select, *, id_of: Callable[[Any], int],
         newest_first: Callable[[Any], Any], limit: int = SEARCH_LIMIT,
         resume: tuple | None = None, budget: float | None = None, slice_rows: int | None = None,
         received_from: datetime | None = None, received_before: datetime | None = None) -> Found:
    """Rows of ``base`` (a SELECT over ``Registration`` carrying the caller's other filters, but
    not its bounds on the date received: those go in ``received_from`` / ``received_before``) whose
    content matches ``query``: at most ``limit``, newest received first.

    ``budget``: seconds to search before answering with what was found (None: ``SHORT_BUDGET`` or
    ``LONG_BUDGET`` by the length of the query, ``CONTINUE_BUDGET`` with ``resume``; ``NO_BUDGET``:
    to the end). ``resume``: the ``Found.resume`` of an earlier call with the same query and
    filters; the hits found before count towards ``limit``. ``slice_rows``: registrations in the
    first window of a scan (tests make it small).

    SQLite, 3+ characters: first the trigram index, read newest registration first (``ORDER BY
    rowid DESC``, which it answers without sorting) in chunks, each checked against ``base`` and the
    dates received; the hits (the newest *registered* matches — the same set as by date received
    except for letters entered long after they arrived) are sorted by ``newest_first``. That
    answers rare words at once and common words without a selective filter in the first chunk.
    When half the budget is gone before it is done (a common word with filters that pass few of its
    matches: a person, an employer, an old date range), it gives up and scans as below, which then
    finds those few rows through the filter's own index or the date range.

    1–2 characters, and the case above: ``_scan`` — newest received first in windows of date
    received, LIKE on every row the other filters let through. PostgreSQL 3+: one ILIKE query
    (pg_trgm answers it)."""
    q = normalize(query)
    if not q:
        return Found([])
    numbered = number_matches(session, q) if resume is None else None
    if numbered:
        dates = _received_range(received_from, received_before)
        rows = session.execute(base.where(Registration.id.in_(numbered), *dates)).all()
        return Found(sorted(rows, key=newest_first, reverse=True)[:limit])
    start = _now()
    if budget is None:
        budget = (CONTINUE_BUDGET if resume is not None
                  else SHORT_BUDGET if len(q) < TRIGRAM else LONG_BUDGET)
    dates = _received_range(received_from, received_before)
    if len(q) >= TRIGRAM and resume is None:
        if dialect.name(session) != "sqlite":
            return Found(list(session.execute(
                base.where(match_condition(session, q), *dates)
                .order_by(Registration.received_at.desc(), Registration.id.desc())
                .limit(limit)).all()))
        rows = _fts(session, q, base.where(*dates), id_of=id_of, limit=limit,
                    until=start + budget / 2)
        if rows is not None:
            return Found(sorted(rows, key=newest_first, reverse=True))
    return _scan(session, _like_condition(session, q), base, limit=limit, resume=resume,
                 until=start + budget, slice_rows=slice_rows or SCAN_SLICE, lo=received_from,
                 hi=received_before)


def number_matches(session: Session, q: str) -> list[int] | None:
    """The registrations a number names — a registration number, a case number or a notice's
    document number (「朝工信受〔2026〕1号」, typed with any brackets) — or None when ``q`` names
    none: a search for a number finds its record first, then by content."""
    from app.domain.notices import normalize_doc_number
    ids = set(session.scalars(select(Registration.id).where(Registration.reg_no == q)))
    ids.update(session.scalars(select(Case.registration_id).where(Case.case_no == q)))
    doc_no = normalize_doc_number(q)
    if doc_no is not None:
        ids.update(session.scalars(select(Notice.registration_id).where(Notice.doc_no == doc_no)))
    return sorted(ids) or None


def _fts(session: Session, q: str, base: Select, *, id_of: Callable[[Any], int], limit: int,
         until: float) -> list | None:
    """The first ``limit`` rows of ``base`` among the trigram index's matches, newest registered
    first; None when they are not all found by ``until`` (``_now()``): another chunk
    is read only when the last one, scaled to its size, would end before then. The first chunk is
    ``limit`` ids: a common word without filters is done after it, and every id read costs a row
    of registrations, people, employers and cases (with the file out of memory, 5 × limit ids
    took 130–170 ms where limit ids take 30–40)."""
    found: list = []
    last: int | None = None
    n = min(FTS_CHUNK, limit)
    while len(found) < limit:
        t0 = _now()
        sql = ("SELECT rowid FROM registration_fts WHERE registration_fts MATCH :q"
               + (" AND rowid < :last" if last is not None else "")
               + " ORDER BY rowid DESC LIMIT :n")
        params: dict[str, Any] = {"q": fts_phrase(q), "n": n}
        if last is not None:
            params["last"] = last
        ids = list(session.execute(text(sql), params).scalars())
        if not ids:
            break
        rows = session.execute(base.where(Registration.id.in_(ids))).all()
        found += sorted(rows, key=id_of, reverse=True)
        if len(ids) < n or len(found) >= limit:
            break
        now = _now()
        if now + (now - t0) * FTS_CHUNK / n > until:
            return None
        last = ids[-1]
        n = FTS_CHUNK
    return found[:limit]


# ------------------------------------------------------------------------------------ scanning

def _received_range(lower: datetime | None, upper: datetime | None) -> list:
    """``lower ≤ received_at < upper`` (either end open when None): one bound of each kind, so that
    SQLite reads the index between exactly these two."""
    conds = []
    if upper is not None:
        conds.append(Registration.received_at < upper)
    if lower is not None:
        conds.append(Registration.received_at >= lower)
    return conds


def _scan(session: Session, cond: ColumnElement[bool], base: Select, *, limit: int,
          resume: tuple | None, until: float, slice_rows: int, lo: datetime | None,
          hi: datetime | None) -> Found:
    """Newest received first, one window of date received at a time: ``base`` and ``cond`` on
    ``lower ≤ received_at < upper``, newest first, LIMIT the hits still wanted. The first window
    holds the newest ``slice_rows`` registrations still to search (its lower end read from the
    ``(received_at, id)`` index with ``OFFSET``); each later one is sized from the span of time
    searched per second so far to about half of the time left (at most 4× the one before), so a
    filter whose own index leaves few rows (a person, an employer) gets through the years in a few
    rounds. The clock (``_now``) is looked at between windows and, on SQLite, inside every window
    but the first of the call (``_stopped_at``): a window that runs past ``until`` — the file out
    of memory makes one far slower than the rate measured on the windows before — is stopped and
    its hits dropped, and the answer says the search got down to that window's upper end. So the
    continuation key stays exact (every registration received at or after it has been searched)
    and the answer comes at ``until`` whatever the cache. The first window always finishes, so
    that each call (and each 继续搜索) gets further back; it is small (``SCAN_SLICE``)."""
    order = (Registration.received_at.desc(), Registration.id.desc())
    upper, before = hi, 0           # searched: everything at or after ``upper``; hits found before
    if resume is not None:
        upper, before = resume
    oldest = session.scalar(select(func.min(Registration.received_at))
                            .where(*_received_range(lo, upper)))
    hits: list = []
    if oldest is None:
        return Found(hits)
    span: timedelta | None = None
    first = True
    while before + len(hits) < limit:
        t0 = _now()
        if span is None:
            row = session.execute(select(Registration.received_at)
                                  .where(*_received_range(lo, upper))
                                  .order_by(Registration.received_at.desc())
                                  .offset(max(1, slice_rows) - 1).limit(1)).first()
            lower = row[0] if row is not None else None
            top = upper if upper is not None else session.scalar(
                select(func.max(Registration.received_at)))
            span = max(top - lower, _MIN_SPAN) if lower is not None else _MIN_SPAN
        else:
            lower = upper - span
        if lower is not None and lower <= oldest:
            lower = None                        # the last window: down to the oldest
        window = _received_range(lower if lower is not None else lo, upper)
        stmt = base.where(cond, *window).order_by(*order).limit(limit - before - len(hits))
        if first or until == NO_BUDGET:
            hits += session.execute(stmt).all()
        else:
            try:
                with _stopped_at(session, until):
                    hits += session.execute(stmt).all()
            except _Interrupted:        # that window is discarded: searched down to ``upper``
                return Found(hits, resume=(upper, before + len(hits)))
        first = False
        if lower is None:
            break
        upper = lower
        now = _now()
        if now >= until and before + len(hits) < limit:
            return Found(hits, resume=(upper, before + len(hits)))
        if until == NO_BUDGET:
            span *= 4
        else:
            per_second = span / max(now - t0, 1e-6)
            span = max(_MIN_SPAN, min(span * 4, per_second * ((until - now) / 2)))
    return Found(hits)


_MIN_SPAN = timedelta(seconds=1)


class _Interrupted(Exception):
    """A window of ``_scan`` stopped by ``_stopped_at`` at its time limit."""


@contextmanager
def _stopped_at(session: Session, until: float) -> Iterator[None]:
    """Statements run inside are stopped once ``_now()`` reaches ``until`` (SQLite: a progress
    handler that looks at the clock every ``PROGRESS_STEPS`` steps; raises ``_Interrupted``). The
    read transaction goes on: only the statement is abandoned. PostgreSQL: no stop inside a
    statement; the scan looks at the clock between windows only."""
    if dialect.name(session) != "sqlite":
        yield
        return
    raw = session.connection().connection.driver_connection
    fired = []

    def late() -> int:
        if _now() >= until:
            fired.append(True)
            return 1
        return 0
    raw.set_progress_handler(late, PROGRESS_STEPS)
    try:
        yield
    except Exception as e:      # the driver's "interrupted", however the layers above wrap it
        if fired:
            raise _Interrupted() from e
        raise
    finally:
        raw.set_progress_handler(None, 0)


def index_case_notes(session: Session, registration_id: int, text_: str) -> None:
    """Make ``text_`` (a progress note, measure or result written on the case of this registration)
    findable by content search; appended to what was indexed before. Runs in the caller's write
    transaction. On PostgreSQL nothing to do: the search reads the case timeline directly."""
    note = (text_ or "").strip()
    if not note or dialect.name(session) != "sqlite":
        return
    session.execute(text("UPDATE registration_fts SET notes = CASE WHEN notes = '' THEN :t "
                         "ELSE notes || char(10) || :t END WHERE rowid = :id"),
                    {"t": note, "id": registration_id})
