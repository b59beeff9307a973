"""First-run set-up of an office: its profile and the first administrator, together.

``create_office`` is what the first-run wizard's 完成 button does. It validates everything first
(office fields and the admin account, all errors reported at once by their Chinese labels), then
writes the settings and creates the administrator in ONE ``db.write()`` transaction: either the
office is set up completely or nothing is stored. Safe to call from a worker thread.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select

from app.db import Database
from app.db.models import User
from app.domain.actor import SYSTEM_ACTOR, Actor
from app.domain.enums import Role
from app.domain.errors import Collector, Conflict, ValidationError

from . import accounts, audit, settings
from .passwords import hash_password


def profile_keys(profile: Mapping[str, Any]) -> dict[str, Any]:
    """Accept ``{"name": …}`` as well as ``{"office.name": …}``: short keys are office fields."""
    return {(k if "." in k else f"office.{k}"): v for k, v in profile.items()}


def create_office(db: Database, profile: Mapping[str, Any], admin_username: str,
                  admin_display_name: str, admin_password: str) -> Actor:
    """Store the office profile (``office.*`` settings; other declared settings allowed too) and
    create the first administrator; return the administrator as an Actor.

    Raises ValidationError naming every bad field (office fields by their label, 用户名/姓名/密码
    for the account, with the password policy of ``accounts``), Conflict when a user exists already.
    """
    errors = Collector()
    values = profile_keys(profile)
    values.setdefault("office.name", "")
    values.setdefault("office.doc_prefix", "")
    try:
        clean = settings.validated(values)
    except ValidationError as e:
        errors.errors.extend(e.errors)
        clean = {}
    username = accounts._check_username(errors, admin_username)
    display_name = accounts._check_display_name(errors, admin_display_name)
    accounts._check_password(errors, db, admin_password, username)
    errors.raise_if_any()
    password_hash = hash_password(admin_password)

    with db.write() as s:
        if s.execute(select(User.id).limit(1)).first() is not None:
            raise Conflict("本单位已经设置过，系统中已有用户；请用已有账户登录。",
                           "the office is already set up")
        u = accounts._new_user(s, username, display_name, Role.ADMIN, password_hash, False)
        u.last_login_at = datetime.now()
        audit.record(s, SYSTEM_ACTOR, "user", u.id, "create", None, accounts._public(u))
        actor = accounts._actor(u)
        settings.write_values(s, actor, clean)
    return actor
