"""Content search over registrations: summary (事项摘要), request (诉求), facts (事实和理由) and the
case notes written while handling (DESIGN §6 budgets: ≤ 100 ms for 3+ characters, ≤ 500 ms for
1–2 characters, first ``SEARCH_LIMIT`` hits ordered by date received, newest first).

* SQLite: an FTS5 table ``registration_fts`` with the trigram tokenizer (migration 0002; rowid =
  registration id; summary/request/facts kept by triggers, ``notes`` kept by ``index_case_notes``).
  Queries of 3+ characters use ``MATCH`` with the text quoted as one phrase; shorter ones fall back
  to ``LIKE`` (the trigram index cannot answer them).
* PostgreSQL: ``ILIKE`` on the columns (pg_trgm GIN indexes exist) and on the case timeline text.

This is the only module that knows which database it runs on; everything else calls
``match_condition`` and ``index_case_notes``. Called inside the caller's Session (any thread).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, literal_column, or_, select, text
from sqlalchemy.orm import Session

from app.db.models import Case, CaseEvent, Registration

SEARCH_LIMIT = 200      # hits returned by a content search
TRIGRAM = 3             # shortest query the trigram index answers


def _dialect(session_or_bind) -> str:
    bind = session_or_bind.get_bind() if isinstance(session_or_bind, Session) else session_or_bind
    return bind.dialect.name


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
    if _dialect(session) == "sqlite":
        if len(q) >= TRIGRAM:
            hits = text("SELECT rowid FROM registration_fts WHERE registration_fts MATCH :fts_q") \
                .bindparams(fts_q=fts_phrase(q))
            return Registration.id.in_(select(literal_column("rowid")).select_from(
                hits.columns(literal_column("rowid")).subquery()))
    # Short queries (and PostgreSQL): LIKE / ILIKE while reading registrations newest first; the
    # case notes through the case timeline, probed per row by the unique registration_id index.
    # (The FTS table's own LIKE cannot help: with ESCAPE, or under 3 characters, it reads it all.)
    pattern = like_pattern(q)
    like = "like" if _dialect(session) == "sqlite" else "ilike"
    in_notes = exists(select(CaseEvent.id).join(Case, Case.id == CaseEvent.case_id)
                      .where(Case.registration_id == Registration.id,
                             getattr(CaseEvent.text, like)(pattern, escape="\\")))
    return or_(getattr(Registration.summary, like)(pattern, escape="\\"),
               getattr(Registration.request, like)(pattern, escape="\\"),
               getattr(Registration.facts, like)(pattern, escape="\\"), in_notes)


def search_ids(session: Session, query: str, limit: int = SEARCH_LIMIT) -> list[int]:
    """Ids of the first ``limit`` registrations matching ``query``, newest received first."""
    rows = find(session, query, select(Registration.id, Registration.received_at),
                id_of=lambda r: r[0], newest_first=lambda r: (r[1], r[0]), limit=limit)
    return [r[0] for r in rows]


FTS_CHUNK = 2000        # candidate ids read from the full-text index per round


def find(session: Session, query: str, base: Select, *, id_of: Callable[[Any], int],
         newest_first: Callable[[Any], Any], limit: int = SEARCH_LIMIT) -> list:
    """Rows of ``base`` (a SELECT over ``Registration`` carrying the caller's other filters) whose
    content matches ``query``: at most ``limit``, sorted by ``newest_first`` (descending).

    SQLite, 3+ characters: the trigram index is read newest registration first (``ORDER BY rowid
    DESC``, which it answers without sorting) in chunks; each chunk is checked against ``base`` until
    ``limit`` rows are found. So the hits are the newest *registered* matches, then sorted by date
    received — the same set except for letters entered long after they arrived. Everything else:
    one query ordered by date received with LIMIT (cheap for common words; a word that occurs
    nowhere reads the whole table once)."""
    q = normalize(query)
    if not q:
        return []
    if _dialect(session) == "sqlite" and len(q) >= TRIGRAM:
        found: list = []
        last: int | None = None
        while len(found) < limit:
            sql = ("SELECT rowid FROM registration_fts WHERE registration_fts MATCH :q"
                   + (" AND rowid < :last" if last is not None else "")
                   + " ORDER BY rowid DESC LIMIT :n")
            params: dict[str, Any] = {"q": fts_phrase(q), "n": FTS_CHUNK}
            if last is not None:
                params["last"] = last
            ids = list(session.execute(text(sql), params).scalars())
            if not ids:
                break
            rows = session.execute(base.where(Registration.id.in_(ids))).all()
            found += sorted(rows, key=id_of, reverse=True)
            if len(ids) < FTS_CHUNK:
                break
            last = ids[-1]
        return sorted(found[:limit], key=newest_first, reverse=True)
    cond = match_condition(session, q)
    return list(session.execute(base.where(cond).order_by(Registration.received_at.desc(),
                                                          Registration.id.desc()).limit(limit)).all())


def index_case_notes(session: Session, registration_id: int, text_: str) -> None:
    """Make ``text_`` (a progress note, measure or result written on the case of this registration)
    findable by content search; appended to what was indexed before. Runs in the caller's write
    transaction. On PostgreSQL nothing to do: the search reads the case timeline directly."""
    note = (text_ or "").strip()
    if not note or _dialect(session) != "sqlite":
        return
    session.execute(text("UPDATE registration_fts SET notes = CASE WHEN notes = '' THEN :t "
                         "ELSE notes || char(10) || :t END WHERE rowid = :id"),
                    {"t": note, "id": registration_id})
