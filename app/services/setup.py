"""First-run set-up of an office: its profile and the first administrator, together.

``create_office`` is what the first-run wizard's 完成 button does. It validates everything first
(office fields and the admin account, all errors reported at once by their Chinese labels), then
writes the settings and creates the administrator in ONE ``db.write()`` transaction: either the
office is set up completely or nothing is stored. Safe to call from a worker thread.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.db import Database
from app.domain.actor import Actor
from app.domain.errors import Collector, ValidationError

from . import accounts, settings
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
    username, display_name = accounts.validate_new_user(db, errors, admin_username,
                                                        admin_display_name, admin_password)
    errors.raise_if_any()
    password_hash = hash_password(admin_password)

    with db.write() as s:
        actor = accounts.add_first_admin(s, username, display_name, password_hash)
        settings.write_values(s, actor, clean)
    return actor
