"""Fixtures the GUI tests share: an office with its profile filled in, one account of each role,
and 张三 of 宏达电子有限公司 (a module may define its own to override these)."""
from __future__ import annotations

import pytest

from app.domain.actor import Actor
from app.domain.enums import Role
from app.services import accounts, people, settings
from app.services.people import EmployerInput, PersonInput

ZHANG_ID = "11010519491231002X"


@pytest.fixture
def boss(db) -> Actor:
    return accounts.create_first_admin(db, "boss", "王管理", "Admin2026")


@pytest.fixture
def staff(db, boss) -> dict[Role, Actor]:
    """The administrator and a 登记员, 承办人 and 负责人, in an office whose profile is filled in."""
    settings.save(db, boss, {"office.name": "朝阳区总工会", "office.doc_prefix": "朝工信",
                             "office.phone": "010-65001234", "office.contact": "刘老师",
                             "office.address": "朝阳区工人路1号"})
    out = {Role.ADMIN: boss}
    for username, name, role in (("clerk", "赵登记", Role.CLERK), ("worker", "李承办", Role.CASEWORKER),
                                 ("chief", "周主任", Role.MANAGER)):
        rec = accounts.create_user(db, boss, username, name, role, "Secret2026",
                                   must_change_password=False)
        out[role] = Actor(user_id=rec.id, username=username, display_name=name, role=role)
    return out


@pytest.fixture
def zhang(db, staff):
    clerk = staff[Role.CLERK]
    emp = people.create_employer(db, clerk, EmployerInput(name="宏达电子有限公司"))
    return people.create_person(db, clerk, PersonInput(name="张三", id_number=ZHANG_ID,
                                                       phone="13812345678", employer_id=emp.id))
