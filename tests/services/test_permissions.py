"""Every write of the foundation, run as each role: exactly the roles GRANTS names may do it.
The check lives in the service layer (hidden buttons are only a convenience)."""
from datetime import date
from itertools import count

import pytest

from app.domain.enums import DayKind, Role
from app.domain.errors import PermissionDenied
from app.domain.permissions import GRANTS, Perm
from app.services import accounts, audit, backup, calendar, people, settings

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
