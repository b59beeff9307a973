"""Users, roles and sign-in. The permission check every write service goes through (``require``,
``check_account``) lives in ``app.services.access``, below this module and ``audit``.

Contract:

* Every function opens its own unit of work and returns frozen dataclasses (``UserRecord``,
  ``Actor``); safe to call from a worker thread.
* Write functions take the acting user, call ``require`` and write the audit row in the same
  ``db.write()`` transaction. Password hashes never reach the audit trail.
* Rights end with the account, not with the window: ``require`` checks the role the actor signed
  in with before any work; ``check_account`` checks the account itself (exists, active, not
  locked, same role) inside the write transaction — ``audit.record`` calls it, so every audited
  write does, and a refusal rolls the whole unit of work back.
* ``sign_in`` commits what a failed attempt changed (failure count, lock, audit row) *before* it
  raises, so the count survives the error.
* Times are naive local ``datetime.now()``; ``sign_in`` takes ``now=`` so tests can move the clock.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db import Database
from app.db.models import User
from app.domain import clock
from app.domain.actor import SYSTEM_ACTOR, Actor
from app.domain.enums import Role
from app.domain.errors import Collector, Conflict, NotFound, UserError, ValidationError
from app.domain.permissions import Perm

from . import audit, settings
from .access import require
from .passwords import hash_password, verify_password

USERNAME_RE = re.compile(r"^[A-Za-z0-9._-]{2,40}$")
DISPLAY_NAME_MAX = 40
PASSWORD_MAX = 128

F_USERNAME = "用户名"
F_DISPLAY = "姓名"
F_ROLE = "角色"
F_PASSWORD = "密码"
F_NEW_PASSWORD = "新密码"
F_OLD_PASSWORD = "原密码"


@dataclass(frozen=True)
class UserRecord:
    id: int
    username: str
    display_name: str
    role: Role
    active: bool
    locked_until: datetime | None
    must_change_password: bool
    last_login_at: datetime | None
    created_at: datetime

    @property
    def role_label(self) -> str:
        return self.role.label

    def is_locked(self, now: datetime | None = None) -> bool:
        return self.locked_until is not None and (now or clock.now()) < self.locked_until

    def status_label(self, now: datetime | None = None) -> str:
        if not self.active:
            return "已停用"
        if self.is_locked(now):
            return f"已锁定（至 {self.locked_until:%H:%M}）"
        return "正常"


def _record(u: User) -> UserRecord:
    return UserRecord(id=u.id, username=u.username, display_name=u.display_name,
                      role=Role(u.role), active=bool(u.active), locked_until=u.locked_until,
                      must_change_password=bool(u.must_change_password),
                      last_login_at=u.last_login_at, created_at=u.created_at)


def _actor(u: User) -> Actor:
    return Actor(user_id=u.id, username=u.username, display_name=u.display_name, role=Role(u.role))


def _public(u: User) -> dict[str, Any]:
    """What the audit trail keeps of a user (never the hash)."""
    return {"username": u.username, "display_name": u.display_name, "role": u.role,
            "active": bool(u.active), "must_change_password": bool(u.must_change_password)}


def _setting(db: Database, key: str) -> Any:
    return settings.get(db, key)


# ---------------------------------------------------------------- validation

def _check_username(errors: Collector, username: str) -> str:
    name = (username or "").strip()
    if not name:
        errors.add(F_USERNAME, "不能为空，请输入 2–40 位英文字母、数字或 . _ -")
    elif not USERNAME_RE.match(name):
        errors.add(F_USERNAME, f"「{name}」不符合要求，只能使用 2–40 位英文字母、数字或 . _ -（不含空格和汉字）")
    return name


def _check_display_name(errors: Collector, display_name: str) -> str:
    name = (display_name or "").strip()
    if not name:
        errors.add(F_DISPLAY, "不能为空，请输入使用者的姓名")
    elif len(name) > DISPLAY_NAME_MAX:
        errors.add(F_DISPLAY, f"不能超过 {DISPLAY_NAME_MAX} 个字")
    return name


def _check_role(errors: Collector, role: Role | str | None) -> Role | None:
    try:
        return Role(role)
    except ValueError:
        errors.add(F_ROLE, "请从列表中选择角色：" + "、".join(r.label for r in Role))
        return None


def password_problem(password: str, min_length: int, username: str = "") -> str | None:
    """The password policy: at least ``min_length`` characters, letters and digits both present,
    not the same as the user name. Returns what to fix, or None."""
    pw = password or ""
    if len(pw) < min_length:
        return f"至少需要 {min_length} 位（现在 {len(pw)} 位），须同时包含字母和数字"
    if len(pw) > PASSWORD_MAX:
        return f"不能超过 {PASSWORD_MAX} 位"
    if not any(c.isalpha() for c in pw) or not any(c.isdigit() for c in pw):
        return "须同时包含字母和数字"
    if pw.strip() != pw:
        return "首尾不能有空格"
    if username and pw.lower() == username.lower():
        return "不能与用户名相同"
    return None


def password_policy_text(db: Database) -> str:
    """The policy in one line, for a hint under a password field."""
    return f"至少 {_setting(db, 'security.min_password_length')} 位，须同时包含字母和数字"


def _check_password(errors: Collector, db: Database, password: str, username: str = "",
                    field: str = F_PASSWORD) -> None:
    problem = password_problem(password, int(_setting(db, "security.min_password_length")), username)
    if problem:
        errors.add(field, problem)


def _by_username(s: Session, username: str) -> User | None:
    return s.scalars(select(User).where(func.lower(User.username) == username.lower())).first()


def _get(s: Session, user_id: int) -> User:
    u = s.get(User, user_id)
    if u is None:
        raise NotFound(f"用户 #{user_id} 不存在（可能已被删除），请刷新列表", "user not found")
    return u


def _active_admins(s: Session) -> int:
    return s.scalar(select(func.count()).select_from(User)
                    .where(User.role == Role.ADMIN.value, User.active.is_(True))) or 0


# ---------------------------------------------------------------- reading

def list_users(db: Database) -> list[UserRecord]:
    """Every account, by user name."""
    with db.read() as s:
        return [_record(u) for u in s.scalars(select(User).order_by(User.username))]


def get_user(db: Database, user_id: int) -> UserRecord:
    with db.read() as s:
        return _record(_get(s, user_id))


def has_users(db: Database) -> bool:
    with db.read() as s:
        return s.execute(select(User.id).limit(1)).first() is not None


# ---------------------------------------------------------------- managing accounts

def validate_new_user(db: Database, errors: Collector, username: str, display_name: str,
                      password: str) -> tuple[str, str]:
    """The rules for a new account: user name, display name and the office's password policy.
    Problems go into ``errors`` (the caller adds its own checks, then raises); returns the cleaned
    (user name, display name). Reads a setting, so call it before opening the write session."""
    name = _check_username(errors, username)
    display = _check_display_name(errors, display_name)
    _check_password(errors, db, password, name)
    return name, display


def add_user(s: Session, actor: Actor, username: str, display_name: str, role: Role,
             password_hash: str, must_change: bool) -> Actor:
    """Add an account inside the caller's open ``db.write()`` session, with its audit row by
    ``actor``; the caller has checked the permission and ``validate_new_user``, and commits.
    Raises ValidationError when the user name is taken (any case)."""
    if _by_username(s, username) is not None:
        raise ValidationError([(F_USERNAME, f"「{username}」已被使用，请换一个用户名")])
    u = User(username=username, display_name=display_name, role=role.value,
             password_hash=password_hash, active=True, failed_count=0,
             locked_until=None, must_change_password=must_change, created_at=clock.now(),
             last_login_at=None)
    s.add(u)
    s.flush()
    audit.record(s, actor, "user", u.id, "create", None,
                 {**_public(u), "password_hash": u.password_hash})  # kept as a digest
    return _actor(u)


def add_first_admin(s: Session, username: str, display_name: str, password_hash: str) -> Actor:
    """The first account, an administrator who is signed in at once (first-run set-up), inside
    the caller's open write session. Raises Conflict once any user exists."""
    if s.execute(select(User.id).limit(1)).first() is not None:
        raise Conflict("系统中已经有用户（本单位已设置过），不能再创建初始管理员；请用已有的管理员账户登录，"
                       "在「用户管理」中添加其他用户。", "users already exist")
    admin = add_user(s, SYSTEM_ACTOR, username, display_name, Role.ADMIN, password_hash, False)
    _get(s, admin.user_id).last_login_at = clock.now()
    return admin


def create_user(db: Database, actor: Actor, username: str, display_name: str, role: Role | str,
                password: str, *, must_change_password: bool = True) -> UserRecord:
    """Add an account (MANAGE_USERS). The new user must change the initial password at first
    sign-in unless ``must_change_password=False``."""
    require(actor, Perm.MANAGE_USERS)
    errors = Collector()
    name, display = validate_new_user(db, errors, username, display_name, password)
    r = _check_role(errors, role)
    errors.raise_if_any()
    password_hash = hash_password(password)
    with db.write() as s:
        new = add_user(s, actor, name, display, r, password_hash, must_change_password)
        return _record(_get(s, new.user_id))


def create_first_admin(db: Database, username: str, display_name: str, password: str) -> Actor:
    """The first account, an administrator, without an office profile (``setup.create_office``
    does both). Refused once any user exists."""
    errors = Collector()
    name, display = validate_new_user(db, errors, username, display_name, password)
    errors.raise_if_any()
    password_hash = hash_password(password)
    with db.write() as s:
        return add_first_admin(s, name, display, password_hash)


def update_user(db: Database, actor: Actor, user_id: int, display_name: str | None = None,
                role: Role | str | None = None) -> UserRecord:
    """Change name and/or role (MANAGE_USERS). An administrator cannot change their own role and
    the last active administrator cannot be demoted."""
    require(actor, Perm.MANAGE_USERS)
    errors = Collector()
    display = _check_display_name(errors, display_name) if display_name is not None else None
    new_role = _check_role(errors, role) if role is not None else None
    errors.raise_if_any()
    with db.write() as s:
        u = _get(s, user_id)
        before = _public(u)
        if new_role is not None and new_role.value != u.role:
            if u.role == Role.ADMIN.value:
                if actor.user_id == u.id:
                    raise Conflict("不能修改自己的角色，以免失去管理权限；请由另一位系统管理员操作。",
                                   "cannot change own role")
                if u.active and _active_admins(s) <= 1:
                    raise Conflict(f"「{u.display_name}」是最后一位启用中的系统管理员，不能改为其他角色；"
                                   "请先把另一位用户设为系统管理员。", "last active administrator")
            u.role = new_role.value
        if display is not None:
            u.display_name = display
        after = _public(u)
        if after != before:
            changed = [k for k in after if after[k] != before[k]]
            audit.record(s, actor, "user", u.id, "update", {k: before[k] for k in changed},
                         {k: after[k] for k in changed})
        return _record(u)


def reset_password(db: Database, actor: Actor, user_id: int, new_password: str) -> UserRecord:
    """Give a user a new initial password (MANAGE_USERS): they must change it at next sign-in;
    the account is unlocked."""
    require(actor, Perm.MANAGE_USERS)
    username = get_user(db, user_id).username
    errors = Collector()
    _check_password(errors, db, new_password, username, F_NEW_PASSWORD)
    errors.raise_if_any()
    password_hash = hash_password(new_password)
    with db.write() as s:
        u = _get(s, user_id)
        before = {"must_change_password": bool(u.must_change_password),
                  "locked": u.locked_until is not None}
        u.password_hash = password_hash
        u.must_change_password = True
        u.failed_count = 0
        u.locked_until = None
        audit.record(s, actor, "user", u.id, "reset_password", before,
                     {"must_change_password": True, "locked": False,
                      "password_hash": u.password_hash})
        return _record(u)


def set_active(db: Database, actor: Actor, user_id: int, active: bool) -> UserRecord:
    """Disable (refused for oneself and for the last active administrator) or enable an account
    (MANAGE_USERS). Enabling also lifts a lock."""
    require(actor, Perm.MANAGE_USERS)
    with db.write() as s:
        u = _get(s, user_id)
        if bool(u.active) == bool(active):
            return _record(u)
        if not active:
            if actor.user_id == u.id:
                raise Conflict("不能停用自己正在使用的账户；请由另一位系统管理员操作。",
                               "cannot disable own account")
            if u.role == Role.ADMIN.value and _active_admins(s) <= 1:
                raise Conflict(f"「{u.display_name}」是最后一位启用中的系统管理员，不能停用；"
                               "请先把另一位用户设为系统管理员。", "last active administrator")
        u.active = bool(active)
        if active:
            u.failed_count = 0
            u.locked_until = None
        audit.record(s, actor, "user", u.id, "enable" if active else "disable",
                     {"active": not active}, {"active": bool(active)})
        return _record(u)


# ---------------------------------------------------------------- signing in

WRONG = "用户名或密码不正确"


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    # Unknown user names cost the same argon2 work as known ones.
    return hash_password("uniondesk-no-such-user-0")


def _locked_message(minutes: int) -> str:
    return f"账户已锁定，请在 {minutes} 分钟后重试或联系系统管理员"


def sign_in(db: Database, username: str, password: str, *, now: datetime | None = None) -> Actor:
    """Check a user name and password; return the signed-in Actor.

    Raises UserError with the reason. A wrong password counts towards the lock
    (``security.max_failures`` in a row lock the account for ``security.lock_minutes``); the count,
    the lock and the audit row are committed before the error is raised. An unknown user name gets
    the same message as a wrong password, and its audit row does not keep what was typed.
    """
    now = now or clock.now()
    errors = Collector()
    name = (username or "").strip()
    errors.check(bool(name), F_USERNAME, "请输入用户名")
    errors.check(bool(password), F_PASSWORD, "请输入密码")
    errors.raise_if_any()
    max_failures = int(_setting(db, "security.max_failures"))
    lock_minutes = int(_setting(db, "security.lock_minutes"))

    with db.read() as s:
        u = _by_username(s, name)
        user_id, stored = (u.id, u.password_hash) if u else (None, None)
    # argon2 takes a while: verify outside the write transaction so other workstations can write.
    password_ok = verify_password(stored or _dummy_hash(), password) and stored is not None

    failure: UserError | None = None
    with db.write() as s:
        u = s.get(User, user_id) if user_id is not None else None
        if u is None:
            # Not the typed text: a name that is no account's is often a password typed in the
            # wrong field, and the audit trail is read by others and kept for years.
            audit.record(s, SYSTEM_ACTOR, "user", "", "sign_in_failed", None,
                         {"reason": "unknown_user"})
            failure = UserError(f"{WRONG}，还可尝试 {max_failures - 1} 次", "wrong user name or password")
        elif u.locked_until is not None and now < u.locked_until:
            minutes = max(1, math.ceil((u.locked_until - now).total_seconds() / 60))
            audit.record(s, SYSTEM_ACTOR, "user", u.id, "sign_in_failed", None,
                         {"username": u.username, "reason": "locked"})
            failure = UserError(_locked_message(minutes), "account locked")
        else:
            if u.locked_until is not None:  # the lock has run out
                u.locked_until = None
                u.failed_count = 0
            if not password_ok:
                u.failed_count = (u.failed_count or 0) + 1
                audit.record(s, SYSTEM_ACTOR, "user", u.id, "sign_in_failed", None,
                             {"username": u.username, "reason": "wrong_password",
                              "failed_count": u.failed_count})
                if u.failed_count >= max_failures:
                    u.locked_until = now + timedelta(minutes=lock_minutes)
                    audit.record(s, SYSTEM_ACTOR, "user", u.id, "locked", None,
                                 {"username": u.username, "failed_count": u.failed_count,
                                  "locked_until": u.locked_until})
                    failure = UserError(f"{WRONG}，已连续输错 {u.failed_count} 次。"
                                        + _locked_message(lock_minutes), "account locked")
                else:
                    failure = UserError(f"{WRONG}，还可尝试 {max_failures - u.failed_count} 次",
                                        "wrong user name or password")
            elif not u.active:
                audit.record(s, SYSTEM_ACTOR, "user", u.id, "sign_in_failed", None,
                             {"username": u.username, "reason": "disabled"})
                failure = UserError(f"账户「{u.username}」已停用，请联系系统管理员", "account disabled")
            else:
                u.failed_count = 0
                u.last_login_at = now
                audit.record(s, _actor(u), "user", u.id, "sign_in")
                actor = _actor(u)
    if failure is not None:
        raise failure
    return actor


def change_own_password(db: Database, actor: Actor, old: str, new: str) -> None:
    """The signed-in user changes their own password (no permission needed beyond knowing the
    old one). Clears ``must_change_password``."""
    if actor.user_id is None:
        raise UserError("命令行和系统账户没有密码可修改", "actor has no account")
    with db.read() as s:
        u = _get(s, actor.user_id)
        stored, username = u.password_hash, u.username
    errors = Collector()
    if not verify_password(stored, old or ""):
        errors.add(F_OLD_PASSWORD, "不正确，请重新输入")
    _check_password(errors, db, new, username, F_NEW_PASSWORD)
    if not errors.errors and new == old:
        errors.add(F_NEW_PASSWORD, "不能与原密码相同")
    errors.raise_if_any()
    new_hash = hash_password(new)
    with db.write() as s:
        u = _get(s, actor.user_id)
        if u.password_hash != stored:
            raise Conflict("密码刚刚被他人修改，请重新登录后再试", "password changed meanwhile")
        was = bool(u.must_change_password)
        u.password_hash = new_hash
        u.must_change_password = False
        audit.record(s, actor, "user", u.id, "change_password",
                     {"must_change_password": was},
                     {"must_change_password": False, "password_hash": u.password_hash})
