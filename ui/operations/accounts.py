"""Accounts (登录, 修改密码, 用户管理): one function per user action, on ``app.services.accounts``.

Call from the GUI thread; the service runs on a worker thread, ``on_done``/``on_error`` come back on
the GUI thread (see ``ui.operations.run``). Account writes announce {"users", "audit"}; changing
one's own password announces {"users"}. The service is imported on the worker thread: the sign-in
dialog paints before SQLAlchemy is imported.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ui.operations import OnDone, OnError, Operation, run

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from app.db import Database
    from app.domain.actor import Actor
    from app.domain.enums import Role
    from ui.context import AppContext

CHANGES = {"users", "audit"}


def _accounts():
    from app.services import accounts
    return accounts


def sign_in(parent: QWidget, db: Database, username: str, password: str,
            *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """Answers ``(actor, must_change_password)``; a wrong password is a UserError."""
    def work(_p) -> tuple[Actor, bool]:
        accounts = _accounts()
        actor = accounts.sign_in(db, username, password)
        return actor, accounts.get_user(db, actor.user_id).must_change_password
    return run(parent, work, on_success=on_done, on_error=on_error)


def load_password_policy(parent: QWidget, ctx: AppContext,
                         *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """The password rules in a sentence (str)."""
    db = ctx.db
    return run(parent, lambda _p: _accounts().password_policy_text(db),
               on_success=on_done, on_error=on_error)


def change_own_password(parent: QWidget, ctx: AppContext, old: str, new: str,
                        *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    db, actor = ctx.db, ctx.actor
    return run(parent, lambda _p: _accounts().change_own_password(db, actor, old, new),
               on_success=on_done, on_error=on_error, changes={"users"})


def list_users(parent: QWidget, ctx: AppContext,
               *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    """Every account (``list[UserRecord]``)."""
    db = ctx.db
    return run(parent, lambda _p: _accounts().list_users(db), on_success=on_done, on_error=on_error)


def create_user(parent: QWidget, ctx: AppContext, username: str, display_name: str,
                role: Role | str, password: str,
                *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    db, actor = ctx.db, ctx.actor
    return run(parent,
               lambda _p: _accounts().create_user(db, actor, username, display_name, role, password),
               on_success=on_done, on_error=on_error, changes=CHANGES)


def update_user(parent: QWidget, ctx: AppContext, user_id: int, display_name: str,
                role: Role | str, *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    db, actor = ctx.db, ctx.actor
    return run(parent, lambda _p: _accounts().update_user(db, actor, user_id,
                                                          display_name=display_name, role=role),
               on_success=on_done, on_error=on_error, changes=CHANGES)


def reset_password(parent: QWidget, ctx: AppContext, user_id: int, new_password: str,
                   *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    db, actor = ctx.db, ctx.actor
    return run(parent, lambda _p: _accounts().reset_password(db, actor, user_id, new_password),
               on_success=on_done, on_error=on_error, changes=CHANGES)


def set_active(parent: QWidget, ctx: AppContext, user_id: int, active: bool,
               *, on_done: OnDone = None, on_error: OnError = None) -> Operation:
    db, actor = ctx.db, ctx.actor
    return run(parent, lambda _p: _accounts().set_active(db, actor, user_id, active),
               on_success=on_done, on_error=on_error, changes=CHANGES)
