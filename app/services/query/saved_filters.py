"""Saved list filters, per user and list (any list whose filter class is registered:
``filters.register_filter``; the list is the class's ``LIST`` name).

A filter is stored as JSON by ``filters.filter_to_dict``: a relative period stays a code
(``this_month``), so a filter saved as 本月 shows the current month whenever it is reopened.
Saving under an existing name replaces that filter. Writes require the permission to see the list
(the filter class's ``PERM``: whoever may see a list may keep their own filters) and are audited
in the same transaction.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from app.db import Database
from app.db.models import SavedFilter
from app.domain.actor import Actor
from app.domain.errors import Collector, NotFound
from app.domain.validation import check_text, checked

from .. import audit
from ..access import require
from .filters import filter_class, filter_from_dict, filter_to_dict

NAME_FIELD = "筛选名称"
NAME_MAX = 40


@dataclass(frozen=True)
class SavedFilterRecord:
    id: int
    name: str
    list_name: str
    filter: Any                 # an instance of the list's registered filter class


def _record(row: SavedFilter) -> SavedFilterRecord:
    return SavedFilterRecord(row.id, row.name, row.list_name,
                             filter_from_dict(filter_class(row.list_name), json.loads(row.payload)))


def save(db: Database, actor: Actor, name: str, f: Any) -> SavedFilterRecord:
    """Keep ``f`` under ``name`` for ``actor`` (replacing a filter of the same name)."""
    require(actor, type(f).PERM)
    errors = Collector()
    clean = checked(errors, check_text, name, NAME_FIELD, NAME_MAX, True, default="")
    errors.raise_if_any()
    payload = json.dumps(filter_to_dict(f), ensure_ascii=False, sort_keys=True)
    list_name = f.LIST
    with db.write() as s:
        row = s.execute(select(SavedFilter).where(
            SavedFilter.user_id == (actor.user_id or 0), SavedFilter.list_name == list_name,
            SavedFilter.name == clean)).scalar_one_or_none()
        before = None
        if row is None:
            row = SavedFilter(user_id=actor.user_id or 0, list_name=list_name, name=clean,
                              payload=payload)
            s.add(row)
        else:
            before = {"payload": json.loads(row.payload)}
            row.payload = payload
        s.flush()
        audit.record(s, actor, "saved_filter", row.id, "save" if before is None else "update",
                     before, {"name": clean, "list": list_name, "payload": json.loads(payload)})
        return _record(row)


def list_saved(db: Database, actor: Actor, cls: type) -> list[SavedFilterRecord]:
    """``actor``'s filters of the list that ``cls`` (a registered filter class) filters, by name."""
    with db.read() as s:
        rows = s.execute(select(SavedFilter).where(
            SavedFilter.user_id == (actor.user_id or 0), SavedFilter.list_name == cls.LIST)
            .order_by(SavedFilter.name)).scalars().all()
        return [_record(r) for r in rows]


def delete(db: Database, actor: Actor, filter_id: int) -> None:
    with db.write() as s:
        row = s.get(SavedFilter, filter_id)
        if row is None or row.user_id != (actor.user_id or 0):
            raise NotFound("该筛选条件已不存在，请刷新列表", "saved filter not found")
        require(actor, filter_class(row.list_name).PERM)
        audit.record(s, actor, "saved_filter", row.id, "delete",
                     {"name": row.name, "list": row.list_name}, None)
        s.delete(row)
