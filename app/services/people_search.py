"""Finding people: the look-up of the registration form (name, ID number, phone, initials) and the
pages of the people list, by keyset. Reads only.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import aliased

from app.db import Database
from app.db.models import Employer, Person
from app.domain.enums import Gender, PersonFlag
from app.domain.privacy import mask_id_tail
from app.domain.validation import phone_search_prefix

from .people import _flags, _prefix


@dataclass(frozen=True)
class PersonMatch:
    """One row of a search result. ``key`` is its position in the result order (keyset)."""
    id: int
    name: str
    gender_label: str
    id_tail: str               # "****1234"
    phone: str
    employer_name: str
    flags: tuple[PersonFlag, ...] = ()
    key: tuple = ()
    employer_id: int | None = None     # so that picking the person can fill in the employer

    @property
    def flags_label(self) -> str:
        return "、".join(f.label for f in self.flags)


@dataclass(frozen=True)
class PeoplePage:
    items: tuple[PersonMatch, ...]
    next_key: tuple | None      # pass as ``after_key`` for the next page; None at the end


def _person_sources(query: str) -> list[tuple[Any, str]]:
    """Which indexed columns a typed query is a prefix of: digits → ID number and phone; letters
    → pinyin initials; anything else → name."""
    text = (query or "").strip()
    if not text:
        return []
    narrow = unicodedata.normalize("NFKC", text)
    compact = re.sub(r"[\s\-()（）+]", "", narrow)
    if re.fullmatch(r"\d+[Xx]?", compact):
        sources: list[tuple[Any, str]] = []
        if (len(compact) <= 17 and compact.isdigit()) or len(compact) == 18:  # X only as 18th
            sources.append((Person.id_number, compact.upper()))
        if compact.isdigit():
            sources.append((Person.phone, phone_search_prefix(narrow)))
        return sources
    if re.fullmatch(r"[A-Za-z]+", compact):
        return [(Person.initials, compact.lower())]
    return [(Person.name, re.sub(r"\s+", " ", text))]


_MATCH_COLUMNS = (Person.id, Person.name, Person.gender, Person.id_number, Person.phone,
                  Person.employer_id, Person.is_migrant, Person.is_model_worker, Person.is_member)


def list_people(db: Database, after_key: tuple | None = None, limit: int = 100,
                query: str = "") -> PeoplePage:
    """One page of people, keyset-paged. A blank query lists the newest first; otherwise the
    matches of ``lookup``, ordered by the matched column. Pass the returned ``next_key`` as
    ``after_key`` for the next page."""
    limit = max(1, int(limit))
    sources = _person_sources(query)
    rows: list[tuple[tuple, Any]] = []
    more = False
    with db.read() as s:
        if not (query or "").strip():
            stmt = select(*_MATCH_COLUMNS).order_by(Person.id.desc()).limit(limit + 1)
            if after_key:
                stmt = stmt.where(Person.id < after_key[1])
            got = s.execute(stmt).all()
            more = len(got) > limit
            rows = [(("", r.id), r) for r in got]
        else:
            for col, prefix in sources:
                if not prefix:
                    continue
                stmt = _prefix(select(col.label("k"), *_MATCH_COLUMNS), col, prefix)
                if after_key:
                    value, last_id = after_key
                    # the merged order is (value, id) whatever the column: resume after the key
                    stmt = stmt.where(col >= value,
                                      or_(col > value, and_(col == value, Person.id > last_id)))
                got = s.execute(stmt.order_by(col, Person.id).limit(limit + 1)).all()
                more = more or len(got) > limit
                rows.extend(((r.k, r.id), r) for r in got if r.k is not None and r.k.startswith(prefix))
            rows.sort(key=lambda kr: kr[0])  # merge the sources in (value, id) order
        seen: set[int] = set()
        unique = []
        for key, r in rows:
            if r.id not in seen:
                seen.add(r.id)
                unique.append((key, r))
        more = more or len(unique) > limit
        unique = unique[:limit]
        employer_ids = {r.employer_id for _, r in unique if r.employer_id is not None}
        names: dict[int, str] = {}
        if employer_ids:
            names = {i: n for i, n in s.execute(select(Employer.id, Employer.name)
                                                .where(Employer.id.in_(employer_ids)))}
    items = tuple(PersonMatch(id=r.id, name=r.name, gender_label=Gender.label_of(r.gender),
                              id_tail=mask_id_tail(r.id_number), phone=r.phone or "",
                              employer_name=names.get(r.employer_id, ""),
                              flags=_flags(r.is_migrant, r.is_model_worker, r.is_member), key=key,
                              employer_id=r.employer_id if r.employer_id in names else None)
                  for key, r in unique)
    return PeoplePage(items, items[-1].key if more and items else None)


def lookup(db: Database, query: str, limit: int = 20) -> list[PersonMatch]:
    """People whose name, pinyin initials (「zs」→ 张三), ID number or phone starts with ``query``.
    A blank query finds nobody. Within the lookup budget (≤ 50 ms) on a million people."""
    if not (query or "").strip():
        return []
    return list(list_people(db, None, limit, query).items)


# ---------------------------------------------------------------- a list filtered by a person's name

FEW_PEOPLE = 2000


def person_prefix_condition(s: Any, person_fk: Any, column: str, text: str) -> Any:
    """A WHERE condition on a ledger row's ``person_fk`` (its person id column): the person's
    ``column`` (``name`` or ``id_number``) starts with ``text``. The one home of the rule both ledgers'
    lists use: when few people match (a full name, an ID prefix), their ids are read first from the
    index on ``people`` and the ledger rows by their own person index — a few ms; when many match (a
    common surname: 93,000 people are called 王 in the 1M demo), a correlated EXISTS, so a page in the
    list's own order is found after a short walk (the matches are dense there) instead of probing
    every namesake (200 ms)."""
    def starts(p: Any) -> Any:
        col = getattr(p, column)
        return and_(col >= text, col < text + chr(0x10FFFF))
    ids = s.execute(select(Person.id).where(starts(Person)).limit(FEW_PEOPLE + 1)).scalars().all()
    if len(ids) <= FEW_PEOPLE:
        return person_fk.in_(ids)
    other = aliased(Person)
    return exists().where(other.id == person_fk, starts(other))
