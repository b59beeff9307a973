"""What every list's export shares: the result, who may export full ID numbers, and the small
helpers of the column specs. The spreadsheet itself is written by ``app.output.excel``.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from app.db import Database
from app.domain.actor import Actor


@dataclass(frozen=True)
class ExportResult:
    path: str
    rows: int
    full_ids: bool


def yesno(flag: bool) -> str:
    return "是" if flag else ""


def ticking(rows: list, tick: Callable[[int], None]) -> Iterator:
    """The rows, then one ``tick`` with their number (progress for rows already read)."""
    yield from rows
    tick(len(rows))


def full_ids_allowed(db: Database, actor: Actor) -> bool:
    """Whether ``actor`` may export full ID numbers (office setting ``export.full_id_roles``,
    default 负责人)."""
    from app.domain.permissions import FULL_ID_ROLES_KEY, may_export_full_ids

    from .. import settings as settings_service
    return may_export_full_ids(actor.role, settings_service.get(db, FULL_ID_ROLES_KEY))
