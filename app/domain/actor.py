"""Who is acting. Every write service takes an Actor; the audit trail records it."""
from __future__ import annotations

from dataclasses import dataclass

from .enums import Role


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    username: str
    display_name: str
    role: Role

    @property
    def role_label(self) -> str:
        return self.role.label


# The command line runs as the machine's operator: it has the administrator's rights and is
# recorded in the audit trail under this name.
CLI_ACTOR = Actor(user_id=None, username="cli", display_name="命令行", role=Role.ADMIN)
SYSTEM_ACTOR = Actor(user_id=None, username="system", display_name="系统", role=Role.ADMIN)
