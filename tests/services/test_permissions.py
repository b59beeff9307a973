"""Every write of the foundation, run as each role: exactly the roles GRANTS names may do it.
The check lives in the service layer (hidden buttons are only a convenience). And every write,
run by an account disabled, locked or demoted after it signed in, is refused and writes nothing."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import count

import pytest
from sqlalchemy import select

from app.db.models import Base
from app.domain.actor import CLI_ACTOR, Actor
from app.domain.enums import DayKind, Role
from app.domain.errors import AccountRevoked, PermissionDenied, UserError
from app.domain.permissions import GRANTS, Perm
from app.services import access, accounts, audit, backup, calendar, people, settings
from app.services.petitions import hotspots, outreach, registration
from app.services.petitions import cases, notices
from app.services.query import saved_filters
from app.services.petitions.lists import CaseFilter

_n = count(1)


def _user(db, admin):
    i = next(_n)
    return accounts.create_user(db, admin, f"user{i}", f"用户{i}", Role.CLERK, "abc12345").id


def _employer(db, admin):
    return people.create_employer(db, admin, people.EmployerInput(name=f"测试单位{next(_n)}")).id


def _person(db, admin):
    return people.create_person(db, admin, people.PersonInput(name=f"张{next(_n)}")).id


# (name, permission, prepare(db, admin, tmp_path) -> call(actor)); prepare does any set-up first
# so that the refused call itself can be shown to write nothing.
WRITES = [
    ("settings.save", Perm.EDIT_OFFICE,
     lambda db, adm, tmp: lambda a: settings.save(db, a, {"office.contact": f"联系人{next(_n)}"})),
    ("accounts.create_user", Perm.MANAGE_USERS,
     lambda db, adm, tmp: lambda a: accounts.create_user(db, a, f"new{next(_n)}", "新用户", Role.CLERK, "abc12345")),
    ("accounts.update_user", Perm.MANAGE_USERS,
     lambda db, adm, tmp: (lambda u: lambda a: accounts.update_user(db, a, u, display_name="改名"))(_user(db, adm))),
    ("accounts.reset_password", Perm.MANAGE_USERS,
     lambda db, adm, tmp: (lambda u: lambda a: accounts.reset_password(db, a, u, "xyz98765"))(_user(db, adm))),
    ("accounts.set_active", Perm.MANAGE_USERS,
     lambda db, adm, tmp: (lambda u: lambda a: accounts.set_active(db, a, u, False))(_user(db, adm))),
    ("calendar.set_day", Perm.EDIT_CALENDAR,
     lambda db, adm, tmp: lambda a: calendar.set_day(db, a, date(2027, 1, 1), DayKind.HOLIDAY, "元旦")),
    ("calendar.import_csv", Perm.EDIT_CALENDAR,
     lambda db, adm, tmp: (lambda f: lambda a: calendar.import_csv(db, a, f))(_csv(tmp))),
    ("people.create_person", Perm.EDIT_PEOPLE,
     lambda db, adm, tmp: lambda a: people.create_person(db, a, people.PersonInput(name="李四"))),
    ("people.update_person", Perm.EDIT_PEOPLE,
     lambda db, adm, tmp: (lambda p: lambda a: people.update_person(db, a, p, people.PersonInput(name="王五")))(_person(db, adm))),
    ("people.create_employer", Perm.EDIT_PEOPLE,
     lambda db, adm, tmp: lambda a: people.create_employer(db, a, people.EmployerInput(name=f"新单位{next(_n)}"))),
    ("people.update_employer", Perm.EDIT_PEOPLE,
     lambda db, adm, tmp: (lambda e: lambda a: people.update_employer(
         db, a, e, people.EmployerInput(name=f"改名单位{next(_n)}")))(_employer(db, adm))),
    ("backup.backup_as", Perm.BACKUP,
     lambda db, adm, tmp: lambda a: backup.backup_as(db, a, tmp / f"b{next(_n)}.db")),
    ("audit.search", Perm.VIEW_AUDIT, lambda db, adm, tmp: lambda a: audit.search(db, a)),
]


def _csv(tmp):
    path = tmp / f"cal{next(_n)}.csv"
    path.write_text("date,kind,name\n2027-01-01,holiday,元旦\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
@pytest.mark.parametrize("name,perm,fn", WRITES, ids=[w[0] for w in WRITES])
def test_each_write_as_each_role(db, actors, admin, tmp_path, role, name, perm, fn):
    actor = actors[role]
    call = fn(db, admin, tmp_path)
    before = audit.count(db)
    if role in GRANTS[perm]:
        if name == "backup.backup_as" and not db.is_sqlite:
            pytest.skip("SQLite only: a server database is backed up with pg_dump, not the program")
        call(actor)  # must not raise
    else:
        with pytest.raises(PermissionDenied, match="无权"):
            call(actor)
        assert audit.count(db) == before  # the refused call wrote nothing


def test_every_permission_is_exercised():
    assert {p for _, p, _ in WRITES} >= {Perm.EDIT_OFFICE, Perm.MANAGE_USERS, Perm.EDIT_CALENDAR,
                                         Perm.EDIT_PEOPLE, Perm.BACKUP, Perm.VIEW_AUDIT}


# ---------------------------------------------------------------- rights end with the account
#
# A signed-in session keeps the Actor it got at sign-in. Every write re-checks that account inside
# its own transaction: disabled, locked or given another role since signing in → AccountRevoked,
# and nothing at all is written (issue 9, "Rights that outlive the account").

PW = "Secret2026"
NOW = datetime(2026, 11, 20, 15, 0)
# A lock runs from the ``now`` of the failed sign-ins; a write compares it with its own time, so
# the test locks the account far ahead of any day it may run on.
LOCK_AT = datetime(2999, 1, 1, 9, 0)


@pytest.fixture(autouse=True)
def _quick_hashes(monkeypatch):
    """argon2 with its cheapest parameters: these tests sign in and lock accounts by the dozen."""
    from argon2 import PasswordHasher

    from app.services import passwords
    quick = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(passwords, "_hasher", lambda: quick)


def _signed_in(db, boss, role, username):
    accounts.create_user(db, boss, username, f"{role.label}{username}", role, PW,
                         must_change_password=False)
    return accounts.sign_in(db, username, PW, now=NOW)


@dataclass
class Office:
    boss: Actor      # an administrator with an account (disables, locks, demotes)
    chief: Actor     # a manager who prepares cases
    worker: Actor    # a caseworker who handles them
    person: int      # who comes to the office


@pytest.fixture
def office(db, admin):
    settings.save(db, admin, {"office.name": "朝阳区总工会", "office.doc_prefix": "朝工信",
                              "office.phone": "010-65001234", "office.contact": "刘老师",
                              "office.address": "朝阳区工人路1号"})
    boss = _signed_in(db, admin, Role.ADMIN, "boss")
    return Office(boss, _signed_in(db, boss, Role.MANAGER, "chief"),
                  _signed_in(db, boss, Role.CASEWORKER, "worker"), _person(db, admin))


def _form(person_id: int, **kw) -> registration.RegistrationInput:
    base = dict(channel="visit", person_id=person_id, received_at=NOW - timedelta(minutes=30), category="complaint",
                issue_types=["wages"], summary="公司拖欠工资三个月", request="支付拖欠的工资",
                facts="自2026年8月起未发工资", disposition="accepted")
    base.update(kw)
    return registration.RegistrationInput(**base)


def _case(db, o: Office, *, extension: bool = False) -> int:
    """An accepted case assigned to the worker; with ``extension`` its extension request pending."""
    cid = registration.register(db, o.chief, _form(o.person), now=NOW).case_id
    cases.assign(db, o.chief, cid, handler_id=o.worker.user_id, now=NOW + timedelta(hours=1))
    if extension:
        cases.request_extension(db, o.worker, cid, "需鉴定", now=NOW + timedelta(days=2))
    return cid


def _warning(db, o: Office) -> int:
    rec = registration.register(db, o.chief, _form(o.person, head_count=6), now=NOW)
    return rec.warnings[0].id


# (name, role signed in with, prepare(db, office, tmp_path) -> call(actor))
LATER = NOW + timedelta(days=3)
WRITERS = [
    ("settings.save", Role.ADMIN,
     lambda db, o, tmp: lambda a: settings.save(db, a, {"office.contact": "王老师"})),
    ("accounts.create_user", Role.ADMIN,
     lambda db, o, tmp: lambda a: accounts.create_user(db, a, "newbie", "新用户", Role.CLERK, PW)),
    ("accounts.update_user", Role.ADMIN,
     lambda db, o, tmp: lambda a: accounts.update_user(db, a, o.worker.user_id, display_name="改名")),
    ("accounts.reset_password", Role.ADMIN,
     lambda db, o, tmp: lambda a: accounts.reset_password(db, a, o.worker.user_id, "xyz98765")),
    ("accounts.set_active", Role.ADMIN,
     lambda db, o, tmp: lambda a: accounts.set_active(db, a, o.worker.user_id, False)),
    ("accounts.change_own_password", Role.MANAGER,
     lambda db, o, tmp: lambda a: accounts.change_own_password(db, a, PW, "Newer2026x")),
    ("calendar.set_day", Role.ADMIN,
     lambda db, o, tmp: lambda a: calendar.set_day(db, a, date(2027, 1, 1), DayKind.HOLIDAY, "元旦")),
    ("calendar.import_csv", Role.ADMIN,
     lambda db, o, tmp: (lambda f: lambda a: calendar.import_csv(db, a, f))(_csv(tmp))),
    ("backup.backup_as", Role.ADMIN,
     lambda db, o, tmp: lambda a: backup.backup_as(db, a, tmp / "copy.db")),
    ("people.create_person", Role.MANAGER,
     lambda db, o, tmp: lambda a: people.create_person(db, a, people.PersonInput(name="李四"))),
    ("people.update_person", Role.MANAGER,
     lambda db, o, tmp: (lambda p: lambda a: people.update_person(
         db, a, p, people.PersonInput(name="王五")))(_person(db, o.chief))),
    ("people.create_employer", Role.MANAGER,
     lambda db, o, tmp: lambda a: people.create_employer(db, a, people.EmployerInput(name="新单位"))),
    ("registration.register", Role.MANAGER,
     lambda db, o, tmp: lambda a: registration.register(db, a, _form(o.person), now=NOW)),
    ("outreach.create_event", Role.MANAGER,
     lambda db, o, tmp: lambda a: outreach.create_event(
         db, a, outreach.OutreachInput(theme="工情直通车", held_on=NOW.date()), now=NOW)),
    ("hotspots.acknowledge_warning", Role.MANAGER,
     lambda db, o, tmp: (lambda w: lambda a: hotspots.acknowledge_warning(db, a, w, "已约谈单位负责人", now=LATER))(
         _warning(db, o))),
    ("saved_filters.save", Role.MANAGER,
     lambda db, o, tmp: lambda a: saved_filters.save(db, a, "本月受理", CaseFilter())),
    ("cases.assign", Role.MANAGER,
     lambda db, o, tmp: (lambda c: lambda a: cases.assign(
         db, a, c, handler_id=o.chief.user_id, now=LATER))(_case(db, o))),
    ("cases.add_note", Role.MANAGER,
     lambda db, o, tmp: (lambda c: lambda a: cases.add_note(db, a, c, "约谈企业", now=LATER))(
         _case(db, o))),
    ("cases.decide_extension", Role.MANAGER,
     lambda db, o, tmp: (lambda c: lambda a: cases.decide_extension(db, a, c, True, now=LATER))(
         _case(db, o, extension=True))),
    ("cases.set_flags", Role.MANAGER,
     lambda db, o, tmp: (lambda c: lambda a: cases.set_flags(db, a, c, supervised=True, now=LATER))(
         _case(db, o))),
    ("notices.issue", Role.MANAGER,
     lambda db, o, tmp: (lambda c: lambda a: notices.issue(db, a, "accept", case_id=c, now=LATER))(
         _case(db, o))),
]

# how the administrator takes the rights away, and what the refused write then says
DEMOTED_TO = {Role.ADMIN: Role.MANAGER, Role.MANAGER: Role.CLERK}
REVOKED = {"disabled": "已停用", "locked": "已锁定", "demoted": "的角色已改为"}


def _revoke(db, boss, actor, how: str) -> None:
    if how == "disabled":
        accounts.set_active(db, boss, actor.user_id, False)
    elif how == "locked":   # someone typed wrong passwords for this name until it locked
        limit = int(settings.get(db, "security.max_failures"))
        for i in range(limit):
            with pytest.raises(UserError):
                accounts.sign_in(db, actor.username, f"wrong{i}xx", now=LOCK_AT)
        assert accounts.get_user(db, actor.user_id).is_locked(LOCK_AT)
    else:
        accounts.update_user(db, boss, actor.user_id, role=DEMOTED_TO[actor.role])


def _contents(db) -> dict[str, list]:
    """Every row of every table: to show that a refused write changed nothing at all."""
    with db.read() as s:
        return {t.name: sorted(map(tuple, s.execute(select(t)).all()), key=repr)
                for t in Base.metadata.sorted_tables}


@pytest.mark.parametrize("how", [None, *REVOKED], ids=lambda h: h or "still-active")
@pytest.mark.parametrize("name,role,prepare", WRITERS, ids=[w[0] for w in WRITERS])
def test_each_write_rechecks_the_account(db, office, tmp_path, how, name, role, prepare):
    if name == "backup.backup_as" and not db.is_sqlite:
        pytest.skip("SQLite only: a server database is backed up with pg_dump, not the program")
    actor = _signed_in(db, office.boss, role, "who")
    call = prepare(db, office, tmp_path)
    if how is None:             # the control: the same call by the same account goes through
        before = audit.count(db)
        call(actor)
        assert audit.count(db) > before
        return
    _revoke(db, office.boss, actor, how)
    before = _contents(db)
    with pytest.raises(AccountRevoked, match=REVOKED[how]) as e:
        call(actor)
    assert e.value.message.startswith("账户「who」") and "本次操作没有保存" in e.value.message
    assert "请重新登录" in e.value.message
    assert _contents(db) == before
    assert not (tmp_path / "copy.db").exists()   # backup: no copy made for a revoked account



def test_disabled_manager_may_no_longer_approve_an_extension(db, office):
    """The issue's case: a manager signs in, the administrator disables the account, and the
    window still open approves an extension. Refused; the request stays pending."""
    manager = accounts.sign_in(db, "chief", PW, now=NOW)
    cid = _case(db, office, extension=True)
    accounts.set_active(db, office.boss, manager.user_id, False)
    with pytest.raises(AccountRevoked) as e:
        cases.decide_extension(db, manager, cid, True, "同意", now=LATER)
    assert e.value.message == "账户「chief」已停用，本次操作没有保存。请重新登录，或联系系统管理员。"
    rec = cases.get_case(db, cid, today=LATER.date())
    assert rec.extension_label == "待审批" and not rec.extended
    assert "extension_approved" not in [ev.kind.value for ev in cases.timeline(db, cid)]
    # the command line has no account to disable and keeps working
    assert calendar.set_day(db, CLI_ACTOR, date(2027, 1, 1), DayKind.HOLIDAY, "元旦") is not None
    # enabled again, the account may act again
    accounts.set_active(db, office.boss, manager.user_id, True)
    assert cases.decide_extension(db, manager, cid, True, "同意", now=LATER).extended


def test_a_changed_role_takes_effect_at_the_next_write(db, office):
    """Demoted from 承办人 to 登记员: the old session may do nothing more (not even what a 登记员
    may); signed in again, the account has exactly the new role's rights."""
    worker = office.worker
    cid = _case(db, office)
    accounts.update_user(db, office.boss, worker.user_id, role=Role.CLERK)
    with pytest.raises(AccountRevoked, match="角色已改为「登记员」"):
        cases.add_note(db, worker, cid, "约谈企业", now=LATER)
    with pytest.raises(AccountRevoked, match="请重新登录后按新的权限操作"):
        people.create_employer(db, worker, people.EmployerInput(name="新单位"))
    again = accounts.sign_in(db, "worker", PW, now=NOW)
    assert again.role is Role.CLERK
    assert people.create_employer(db, again, people.EmployerInput(name="新单位")).name == "新单位"
    with pytest.raises(PermissionDenied, match="无权办理案件"):
        cases.add_note(db, again, cid, "约谈企业", now=LATER)


def test_a_lock_that_has_run_out_no_longer_refuses(db, office):
    """Locked only until ``locked_until``: a write after that goes through."""
    limit = int(settings.get(db, "security.max_failures"))
    for i in range(limit):
        with pytest.raises(UserError):
            accounts.sign_in(db, "chief", f"wrong{i}xx", now=NOW)   # locked until NOW + 15 min
    with db.write() as s:
        with pytest.raises(AccountRevoked, match="已锁定"):
            access.check_account(s, office.chief, now=NOW + timedelta(minutes=14))
    with db.write() as s:
        access.check_account(s, office.chief, now=NOW + timedelta(minutes=16))
