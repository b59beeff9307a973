"""Drafts of a form, one per user and form, kept while the form is being filled in.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app.db import Database
from app.db.models import Draft
from app.domain import clock
from app.domain.actor import Actor
from app.domain.errors import UserError
from app.domain.permissions import Perm

from .. import audit
from ..access import require


MAX_DRAFT_CHARS = 1_000_000


REGISTRATION_FORM = "registration"


@dataclass(frozen=True)
class DraftRecord:
    form: str
    payload: dict
    updated_at: datetime


def _draft_user(actor: Actor) -> int:
    return actor.user_id if actor.user_id is not None else 0


def save_draft(db: Database, actor: Actor, form: str, payload: dict,
               now: datetime | None = None) -> DraftRecord:
    """Keep a half-typed form of this user (one per form), replacing the previous one.

    Drafts are scratch copies of what is on the screen, not records: no audit row is written
    (the saved registration is audited). Raises UserError when the payload cannot be stored."""
    require(actor, Perm.REGISTER)
    now = now or clock.now()
    try:
        text = json.dumps(payload, ensure_ascii=False, default=audit._default)
    except (TypeError, ValueError) as e:
        raise UserError("草稿内容无法保存（含有不支持的数据）", f"draft not serialisable: {e}") from e
    if len(text) > MAX_DRAFT_CHARS:
        raise UserError("草稿内容过长，无法保存", "draft too large")
    uid = _draft_user(actor)
    with db.write() as s:
        row = s.execute(select(Draft).where(Draft.user_id == uid, Draft.form == form)
                        ).scalar_one_or_none()
        if row is None:
            s.add(Draft(user_id=uid, form=form, payload=text, updated_at=now))
        else:
            row.payload, row.updated_at = text, now
    return DraftRecord(form=form, payload=json.loads(text), updated_at=now)


def load_draft(db: Database, actor: Actor, form: str) -> DraftRecord | None:
    """This user's draft of ``form``, or None."""
    with db.read() as s:
        row = s.execute(select(Draft).where(Draft.user_id == _draft_user(actor), Draft.form == form)
                        ).scalar_one_or_none()
        if row is None:
            return None
        try:
            payload = json.loads(row.payload)
        except ValueError:
            return None
        return DraftRecord(form=row.form, payload=payload, updated_at=row.updated_at)


def discard_draft(db: Database, actor: Actor, form: str) -> None:
    """Forget this user's draft of ``form`` (after saving, or when the clerk declines it)."""
    with db.write() as s:
        row = s.execute(select(Draft).where(Draft.user_id == _draft_user(actor), Draft.form == form)
                        ).scalar_one_or_none()
        if row is not None:
            s.delete(row)
