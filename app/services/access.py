"""The permission check every service goes through, and the account re-check inside every audited
write. The bottom of the services: it imports no other service, so ``audit``, ``settings`` and
``accounts`` all build on it.

* ``require`` checks the role the actor signed in with, before any work.
* ``check_account`` checks the account itself (exists, active, not locked, same role) inside the
  write transaction — ``audit.record`` calls it, so every audited write does, and a refusal rolls
  the whole unit of work back.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.models import User
from app.domain import clock
from app.domain.actor import Actor
from app.domain.enums import Role
from app.domain.errors import AccountRevoked, PermissionDenied
from app.domain.permissions import LABELS, Perm, allowed


def require(actor: Actor, perm: Perm) -> None:
    """Raise PermissionDenied unless ``actor``'s role grants ``perm``. Call before any write.

    This is the early check, on the role the actor signed in with, before any work is done. The
    account itself is checked again inside the write transaction (``check_account``, called by
    ``audit.record``): a user disabled, locked or given another role since signing in is refused
    there, and the transaction rolls back."""
    if not allowed(actor.role, perm):
        raise PermissionDenied(f"{actor.role.label}「{actor.display_name}」无权{LABELS[perm]}，"
                               "请联系系统管理员。", f"{actor.role.value} may not {perm.value}")


_CHECKED = "accounts.checked"  # Session.info key: user ids already checked in this transaction


def check_account(s: Session, actor: Actor, now: datetime | None = None) -> None:
    """Raise AccountRevoked unless ``actor``'s account still exists, is active, is not locked and
    still has the role ``actor`` signed in with (a demoted user loses the old rights; a promoted
    one signs in again to get the new ones).

    Call inside the write transaction ``s`` (``audit.record`` does, for every audited write), so
    the answer holds until the commit: writers run one at a time (DESIGN: ``db.write()``), and a
    disable committed by an administrator is seen by the next write. Actors without an account
    (``user_id`` None: the command line, the system) have nothing to revoke and pass. Checked once
    per transaction and account."""
    if actor.user_id is None:
        return
    checked: set[int] = s.info.setdefault(_CHECKED, set())
    if actor.user_id in checked:
        return
    row = s.execute(select(User.active, User.locked_until, User.role)
                    .where(User.id == actor.user_id)).first()
    now = now or clock.now()
    who = f"账户「{actor.username}」"
    unsaved = "本次操作没有保存。"
    if row is None:
        raise AccountRevoked(f"{who}已不存在，{unsaved}请重新登录，或联系系统管理员。",
                             "account no longer exists: sign in again")
    if not row.active:
        raise AccountRevoked(f"{who}已停用，{unsaved}请重新登录，或联系系统管理员。",
                             "account disabled: sign in again")
    if row.locked_until is not None and now < row.locked_until:
        raise AccountRevoked(f"{who}已锁定，{unsaved}请重新登录，或联系系统管理员。",
                             "account locked: sign in again")
    if row.role != actor.role.value:
        raise AccountRevoked(f"{who}的角色已改为「{Role.label_of(row.role)}」，{unsaved}"
                             "请重新登录后按新的权限操作。", "role changed: sign in again")
    checked.add(actor.user_id)
