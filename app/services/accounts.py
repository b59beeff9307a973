"""Users, roles, sign-in and the permission check that every write service goes through."""
from __future__ import annotations

from app.domain.actor import Actor
from app.domain.errors import PermissionDenied
from app.domain.permissions import LABELS, Perm, allowed


def require(actor: Actor, perm: Perm) -> None:
    """Raise PermissionDenied unless ``actor``'s role grants ``perm``. Call before any write."""
    if not allowed(actor.role, perm):
        raise PermissionDenied(f"{actor.role.label}「{actor.display_name}」无权{LABELS[perm]}，"
                               "请联系系统管理员。", f"{actor.role.value} may not {perm.value}")
