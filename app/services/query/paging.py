"""Keyset paging, generic over any table: a sort is a ``SortSpec`` (the ORDER BY columns before the
id, and which of them may be NULL); ``paged`` adds the keyset condition, ORDER BY and LIMIT so that
each page is an index range read (never OFFSET): ``after`` = the rows after a row's key, ``before``
= the rows before it, ``tail=True`` = the last rows. NULL sorts as the smallest value.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, and_, false, or_

from app.domain.errors import ValidationError


@dataclass(frozen=True)
class ListPage:
    rows: tuple
    more: bool          # more rows beyond this page in the direction it was read
    complete: bool = False   # the page is the whole result (content search)
    searched_back_to: date | None = None   # content search cut short by its time budget: the day
                                           # received of the oldest registration searched
    resume: tuple | None = None            # then: pass as ``resume`` to read the next hits


@dataclass(frozen=True)
class SortSpec:
    columns: tuple          # ORDER BY columns before the id
    nullable: tuple[bool, ...]


def _after_value(col, value, nullable: bool, greater: bool):
    """``col`` strictly after ``value`` in an order where NULL is the smallest value."""
    if greater:
        if value is None:
            return col.is_not(None) if nullable else false()
        return col > value
    if value is None:
        return false()
    return or_(col < value, col.is_(None)) if nullable else col < value


def _equal(col, value):
    return col.is_(None) if value is None else col == value


def keyset(spec: SortSpec, id_col, key: tuple, greater: bool):
    """Rows strictly after ``key`` when reading in the direction ``greater`` (ascending)."""
    cols = list(spec.columns) + [id_col]
    nulls = list(spec.nullable) + [False]
    ors = []
    for i, col in enumerate(cols):
        eqs = [_equal(cols[j], key[j]) for j in range(i)]
        ors.append(and_(*eqs, _after_value(col, key[i], nulls[i], greater)))
    cond = or_(*ors)
    # A redundant bound on the leading column lets the database seek into the index instead of
    # scanning it from the start (the OR alone is not sargable).
    lead, v0 = cols[0], key[0]
    if v0 is not None and not nulls[0]:
        cond = and_(lead >= v0 if greater else lead <= v0, cond)
    elif v0 is not None and greater:
        cond = and_(lead >= v0, cond)
    return cond


def ordering(spec: SortSpec, id_col, ascending: bool) -> list:
    out = []
    for col, nullable in zip(spec.columns, spec.nullable):
        o = col.asc() if ascending else col.desc()
        if nullable:
            o = o.nulls_first() if ascending else o.nulls_last()
        out.append(o)
    out.append(id_col.asc() if ascending else id_col.desc())
    return out


def paged(stmt: Select, spec: SortSpec, id_col, descending: bool, *, after: tuple | None,
           before: tuple | None, tail: bool, limit: int) -> tuple[Select, bool]:
    """Adds keyset condition, ORDER BY and LIMIT; returns the statement and whether the rows come
    back reversed (to be flipped into display order)."""
    backwards = before is not None or (tail and after is None)
    ascending = descending == backwards     # display order, flipped when reading backwards
    key = before if before is not None else after
    if key is not None:
        stmt = stmt.where(keyset(spec, id_col, key, greater=ascending))
    return stmt.order_by(*ordering(spec, id_col, ascending)).limit(limit + 1), backwards


def read_page(s, stmt: Select, spec: SortSpec, id_col, descending: bool, *, after: tuple | None,
              before: tuple | None, tail: bool, limit: int) -> tuple[list, bool]:
    """The result rows of one keyset page of ``stmt`` in display order, and whether there are more
    in the direction read (``ListPage.more``): ``paged``, run in the Session ``s``, cut to ``limit``
    and flipped when read backwards."""
    stmt, backwards = paged(stmt, spec, id_col, descending, after=after, before=before, tail=tail,
                            limit=limit)
    raw = s.execute(stmt).all()
    more = len(raw) > limit
    raw = raw[:limit]
    if backwards:
        raw.reverse()
    return raw, more


def sort_spec(sorts: dict[str, SortSpec], name: str) -> SortSpec:
    try:
        return sorts[name]
    except KeyError:
        raise ValidationError([("排序", f"不能按「{name}」排序")]) from None


def day_bounds(col_is_datetime: bool, lo: date | None, hi: date | None, col) -> list:
    conds = []
    if lo is not None:
        conds.append(col >= (datetime.combine(lo, time.min) if col_is_datetime else lo))
    if hi is not None:
        nxt = hi + timedelta(days=1)
        conds.append(col < (datetime.combine(nxt, time.min) if col_is_datetime else nxt))
    return conds
