"""Who may do what. Every write service calls ``app.services.accounts.require`` with one of these;
hiding a button is a convenience, this table is the rule."""
from __future__ import annotations

from enum import Enum

from .enums import Role


class Perm(str, Enum):
    MANAGE_USERS = "manage_users"          # add users, reset passwords, disable accounts
    EDIT_OFFICE = "edit_office"            # office profile and settings
    EDIT_CALENDAR = "edit_calendar"        # holidays and make-up workdays
    VIEW_AUDIT = "view_audit"
    BACKUP = "backup"                      # backup and restore
    EDIT_PEOPLE = "edit_people"            # people and employers
    VIEW_PEOPLE = "view_people"


_ALL = frozenset(Role)
_ADMIN = frozenset({Role.ADMIN})

GRANTS: dict[Perm, frozenset[Role]] = {
    Perm.MANAGE_USERS: _ADMIN,
    Perm.EDIT_OFFICE: _ADMIN,
    Perm.EDIT_CALENDAR: _ADMIN,
    Perm.VIEW_AUDIT: frozenset({Role.ADMIN, Role.MANAGER}),
    Perm.BACKUP: _ADMIN,
    Perm.EDIT_PEOPLE: _ALL,
    Perm.VIEW_PEOPLE: _ALL,
}

LABELS: dict[Perm, str] = {
    Perm.MANAGE_USERS: "管理用户",
    Perm.EDIT_OFFICE: "修改单位信息和设置",
    Perm.EDIT_CALENDAR: "维护节假日日历",
    Perm.VIEW_AUDIT: "查看操作日志",
    Perm.BACKUP: "备份和恢复数据",
    Perm.EDIT_PEOPLE: "登记和修改人员、单位",
    Perm.VIEW_PEOPLE: "查看人员、单位",
}


def allowed(role: Role | str, perm: Perm) -> bool:
    return Role(role) in GRANTS[perm]
