"""Helpers of the hardship service tests: valid ID numbers, people, an active file taken through
every step, a fund with money. Real services on the test's SQLite file; no shortcuts into tables."""
from __future__ import annotations

from datetime import date, datetime

from stdnum.cn import ric

from app.domain.actor import Actor
from app.domain.enums import Role
from app.services import people
from app.services.hardship import files, funds
from tests.conftest import make_actor

CLERK = make_actor(Role.CLERK)
WORKER = make_actor(Role.CASEWORKER)
MANAGER = make_actor(Role.MANAGER)
ADMIN = make_actor(Role.ADMIN)


def id_number(serial: int, born: date = date(1980, 5, 17), male: bool = True) -> str:
    """A valid 18-digit resident ID (Beijing Chaoyang region code) for ``serial`` 0..499."""
    seq = 2 * (serial % 500) + (1 if male else 0)
    first17 = f"110105{born:%Y%m%d}{seq:03d}"
    return first17 + ric.calc_check_digit(first17 + "0")


def person(db, name: str, serial: int, *, male: bool = True, employer_id: int | None = None) -> int:
    return people.create_person(db, CLERK, people.PersonInput(
        name=name, id_number=id_number(serial, male=male), phone=f"1391000{serial:04d}",
        address="朝阳区幸福路1号", employer_id=employer_id)).id


def file_input(person_id: int, *, income="2000", rigid="0", members=(), **kw) -> files.FileInput:
    kw.setdefault("main_cause", "laid_off")
    kw.setdefault("bank_name", "工商银行")
    kw.setdefault("bank_account", "6222020200112233445")
    return files.FileInput(person_id=person_id, applicant_income=income, rigid_annual=rigid,
                           members=tuple(members), **kw)


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour)


def active_file(db, person_id: int, *, income="2000", members=(), filed=(11, 2)) -> files.FileRecord:
    """A file taken through 申请 → 初审 → 入户调查 → 公示 (5 working days) → 审批建档, starting in
    October 2026 and approved on ``filed`` (month, day)."""
    rec = files.create_file(db, CLERK, file_input(person_id, income=income, members=members,
                                                  applied_on=date(2026, 10, 9)),
                            category=None, now=at(10, 9))
    rec = files.confirm_category(db, CLERK, rec.id, rec.proposed_category or "relative",
                                 "" if rec.proposed_category else "测试", now=at(10, 9))
    files.screen(db, WORKER, rec.id, "材料齐全", now=at(10, 12))
    files.investigate(db, WORKER, rec.id, investigators="王芳、李强", on=date(2026, 10, 13),
                      now=at(10, 13))
    files.start_publicity(db, WORKER, rec.id, start=date(2026, 10, 19), now=at(10, 19))
    return files.approve_file(db, MANAGER, rec.id, on=date(*((2026,) + filed)), now=at(*filed))


def funded(db, name: str = "上级拨款", amount: int = 100_000_00) -> int:
    fund = next(f for f in funds.list_funds(db) if f.name == name)
    if amount:
        funds.allocate(db, MANAGER, fund.id, amount, date(2026, 1, 10), "朝工发〔2026〕1号",
                       now=at(1, 10))
    return fund.id


def actor(role: Role, user_id: int | None = None) -> Actor:
    return make_actor(role, user_id)
