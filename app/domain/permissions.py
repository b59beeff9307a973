"""Who may do what. Every write service calls ``app.services.access.require`` with one of these;
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
    # petition desk
    REGISTER = "register"                  # registrations, drafts, outreach events, attachments
    VIEW_CASES = "view_cases"              # lists, search, case pages, export
    ACCEPT_CASE = "accept_case"            # open a case from a registration
    ASSIGN_CASE = "assign_case"            # assign / reassign (交办)
    HANDLE_CASE = "handle_case"            # notes, measures, amounts, request extension, suspend, conclude
    APPROVE_EXTENSION = "approve_extension"
    FLAG_CASE = "flag_case"                # 督办, 重点关注, 包案领导
    FOLLOW_UP = "follow_up"                # 回访
    REOPEN_ARCHIVE = "reopen_archive"      # reopen with a reason, archive
    ACK_HOTSPOT = "ack_hotspot"            # acknowledge a 预警
    ISSUE_NOTICE = "issue_notice"          # issue, void and record delivery of notices 告知书
    # hardship ledger 困难职工帮扶
    VIEW_HARDSHIP = "view_hardship"        # files, payments, funds: lists, pages, export
    FILE_HARDSHIP = "file_hardship"        # files and their steps, 复核, propose assistance
    APPROVE_HARDSHIP = "approve_hardship"  # 审批建档, approve/refuse assistance, overrides, 出档
    PAY_HARDSHIP = "pay_hardship"          # record assistance as paid (date, method, voucher)
    MANAGE_FUNDS = "manage_funds"          # fund sources and allocations 拨入
    # mutual-aid ledger 职工互助保障
    MA_VIEW = "ma_view"                    # plans, members, claims, fund, lists, 试算
    MA_PLANS = "ma_plans"                  # create and change plans (their rule, premium, term)
    MA_ENROLL = "ma_enroll"                # import rosters, record premium payments
    MA_CLAIM = "ma_claim"                  # enter claims and their documents
    MA_APPROVE = "ma_approve"              # approve or refuse a claim
    MA_PAY = "ma_pay"                      # record a claim as paid (date, voucher)


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
    Perm.REGISTER: frozenset({Role.CLERK, Role.CASEWORKER, Role.MANAGER}),
    Perm.VIEW_CASES: _ALL,
    Perm.ACCEPT_CASE: frozenset({Role.CLERK, Role.CASEWORKER, Role.MANAGER}),
    Perm.ASSIGN_CASE: frozenset({Role.MANAGER}),
    Perm.HANDLE_CASE: frozenset({Role.CASEWORKER, Role.MANAGER}),
    Perm.APPROVE_EXTENSION: frozenset({Role.MANAGER}),
    Perm.FLAG_CASE: frozenset({Role.MANAGER}),
    Perm.FOLLOW_UP: frozenset({Role.CLERK, Role.CASEWORKER, Role.MANAGER}),
    Perm.REOPEN_ARCHIVE: frozenset({Role.MANAGER}),
    Perm.ACK_HOTSPOT: frozenset({Role.MANAGER}),
    Perm.ISSUE_NOTICE: frozenset({Role.CLERK, Role.CASEWORKER, Role.MANAGER}),
    Perm.VIEW_HARDSHIP: _ALL,
    Perm.FILE_HARDSHIP: frozenset({Role.CLERK, Role.CASEWORKER, Role.MANAGER}),
    Perm.APPROVE_HARDSHIP: frozenset({Role.MANAGER}),
    Perm.PAY_HARDSHIP: frozenset({Role.CLERK, Role.CASEWORKER, Role.MANAGER}),   # not the admin
    Perm.MANAGE_FUNDS: frozenset({Role.MANAGER}),
    Perm.MA_VIEW: _ALL,
    Perm.MA_PLANS: frozenset({Role.MANAGER}),
    Perm.MA_ENROLL: frozenset({Role.CLERK, Role.MANAGER}),
    Perm.MA_CLAIM: frozenset({Role.CLERK, Role.MANAGER}),
    Perm.MA_APPROVE: frozenset({Role.MANAGER}),
    Perm.MA_PAY: frozenset({Role.CLERK, Role.MANAGER}),
}

LABELS: dict[Perm, str] = {
    Perm.MANAGE_USERS: "管理用户",
    Perm.EDIT_OFFICE: "修改单位信息和设置",
    Perm.EDIT_CALENDAR: "维护节假日日历",
    Perm.VIEW_AUDIT: "查看操作日志",
    Perm.BACKUP: "备份和恢复数据",
    Perm.EDIT_PEOPLE: "登记和修改人员、单位",
    Perm.VIEW_PEOPLE: "查看人员、单位",
    Perm.REGISTER: "登记信访事项",
    Perm.VIEW_CASES: "查看信访登记和案件",
    Perm.ACCEPT_CASE: "受理信访事项",
    Perm.ASSIGN_CASE: "交办案件",
    Perm.HANDLE_CASE: "办理案件",
    Perm.APPROVE_EXTENSION: "审批延期",
    Perm.FLAG_CASE: "设置督办和重点关注",
    Perm.FOLLOW_UP: "回访",
    Perm.REOPEN_ARCHIVE: "重新办理或归档案件",
    Perm.ACK_HOTSPOT: "确认预警",
    Perm.ISSUE_NOTICE: "出具告知书",
    Perm.VIEW_HARDSHIP: "查看困难职工档案和帮扶记录",
    Perm.FILE_HARDSHIP: "办理困难职工建档和申请帮扶",
    Perm.APPROVE_HARDSHIP: "审批困难职工建档和帮扶",
    Perm.PAY_HARDSHIP: "登记帮扶发放",
    Perm.MANAGE_FUNDS: "管理帮扶资金",
    Perm.MA_VIEW: "查看互助保障",
    Perm.MA_PLANS: "设置互助保障计划",
    Perm.MA_ENROLL: "办理互助保障参保",
    Perm.MA_CLAIM: "受理互助保障申请",
    Perm.MA_APPROVE: "审批互助保障给付",
    Perm.MA_PAY: "登记互助保障给付",
}


def allowed(role: Role | str, perm: Perm) -> bool:
    return Role(role) in GRANTS[perm]


# Full ID numbers (身份证号) in an export: only the roles named by this office setting (its value is
# role labels, 「负责人、系统管理员」); everyone else exports masked numbers.
FULL_ID_ROLES_KEY = "export.full_id_roles"
FULL_ID_ROLES_DEFAULT = Role.MANAGER.label


def roles_from_text(text: str) -> tuple[Role, ...]:
    """「负责人、系统管理员」(labels or codes, separated by 、，, or spaces) → roles, in the order of
    ``Role``. Raises ValueError with a message naming the unknown word."""
    import re
    found: set[Role] = set()
    for word in (w for w in re.split(r"[、，,;；\s]+", (text or "").strip()) if w):
        role = next((r for r in Role if word in (r.label, r.value)), None)
        if role is None:
            names = "、".join(r.label for r in Role)
            raise ValueError(f"「{word}」不是角色名称，可填：{names}")
        found.add(role)
    return tuple(r for r in Role if r in found)


def may_export_full_ids(role: Role | str, roles_text: str) -> bool:
    """Whether ``role`` may export full ID numbers under the office setting ``roles_text``."""
    try:
        return Role(role) in roles_from_text(roles_text)
    except ValueError:          # a damaged setting grants nothing
        return False
