"""Demo data: reproducible, valid, only into an empty database, all or nothing."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select
from stdnum.cn import ric, uscc

from app.cli import main
from app.db import open_database
from app.db.models import AuditLog, Employer, Person, SettingRow, User
from app.domain.enums import Role
from app.domain.errors import Cancelled, UserError
from app.domain.pinyin import initials
from app.services import audit, demo
from app.services.passwords import verify_password

PERSON_COLUMNS = [c for c in Person.__table__.columns]
EMPLOYER_COLUMNS = [c for c in Employer.__table__.columns]


def rows(db, columns, model):
    with db.read() as s:
        return [tuple(r) for r in s.execute(select(*columns).order_by(model.id)).all()]


def count(db, model) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(model))


@pytest.fixture
def fresh(tmp_path):
    """Open a new empty database by name; all are closed at the end."""
    opened = []

    def make(name: str):
        d = open_database(tmp_path / f"{name}.db")
        opened.append(d)
        return d
    yield make
    for d in opened:
        d.close()


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    """One default-size demo database (2,000 people, seed 1) shared by the read-only checks."""
    d = open_database(tmp_path_factory.mktemp("demo") / "demo.db")
    summary = demo.generate(d, seed=1)
    d.summary = summary
    yield d
    d.close()


def test_same_seed_gives_identical_data_in_two_databases(fresh):
    a, b = fresh("a"), fresh("b")
    sa = demo.generate(a, seed=7, people=500)
    sb = demo.generate(b, seed=7, people=500)
    assert sa == sb
    ra, rb = rows(a, PERSON_COLUMNS, Person), rows(b, PERSON_COLUMNS, Person)
    assert len(ra) == 500
    assert ra == rb
    assert rows(a, EMPLOYER_COLUMNS, Employer) == rows(b, EMPLOYER_COLUMNS, Employer)
    ua = rows(a, [User.username, User.display_name, User.role, User.created_at], User)
    assert ua == rows(b, [User.username, User.display_name, User.role, User.created_at], User)


def test_different_seed_gives_different_data(fresh):
    a, b = fresh("a"), fresh("b")
    demo.generate(a, seed=1, people=300)
    demo.generate(b, seed=2, people=300)
    cols = [Person.name, Person.id_number, Person.phone, Person.birth_date]
    ra, rb = rows(a, cols, Person), rows(b, cols, Person)
    same = sum(1 for x, y in zip(ra, rb) if x == y)
    assert same == 0
    assert {r[1] for r in ra} != {r[1] for r in rb}


def test_id_numbers_are_valid_unique_and_agree_with_gender_and_birth(demo_db):
    got = rows(demo_db, [Person.id_number, Person.gender, Person.birth_date, Person.hukou_place,
                         Person.is_migrant], Person)
    assert len(got) == demo.DEFAULT_PEOPLE
    assert len({r[0] for r in got}) == len(got)
    for number, gender, birth, place, migrant in got:
        assert ric.is_valid(number), number
        assert ric.get_birth_date(number) == birth
        assert gender == ("M" if int(number[16]) % 2 else "F"), number
        info = ric.get_birth_place(number)
        assert place.startswith(info["province"]), (number, place, info)
        assert 1960 <= birth.year <= 2005
        if migrant:
            assert not number.startswith("11"), "农民工 only with a non-Beijing hukou"


def test_people_look_realistic(demo_db):
    got = rows(demo_db, [Person.name, Person.initials, Person.phone, Person.employer_id,
                         Person.is_migrant, Person.is_model_worker, Person.is_member], Person)
    n = len(got)
    for name, ini, phone, *_ in got:
        assert ini == initials(name)
        assert 2 <= len(name) <= 4
        assert phone is None or (len(phone) == 11 and phone[:3] in demo.MOBILE_PREFIXES)
    share = lambda i: sum(1 for r in got if r[i]) / n  # noqa: E731
    assert 0.28 < share(4) < 0.42          # 农民工 ~35 %
    assert 0.45 < share(6) < 0.65          # 工会会员 ~55 %
    assert 0 < sum(1 for r in got if r[5]) < n * 0.02   # 劳模 ~0.5 %
    surnames = [r[0][0] for r in got]
    assert surnames.count("王") > surnames.count("汤")  # weighted by frequency
    rare = set("".join(demo.GIVEN_RARE_MALE + demo.GIVEN_RARE_FEMALE))
    assert any(set(r[0][1:]) & rare for r in got), "a few rare-character names"
    phones = [r[2] for r in got if r[2]]
    assert len(set(phones)) > len(phones) * 0.99


def test_employers_have_valid_credit_codes(demo_db):
    got = rows(demo_db, [Employer.id, Employer.name, Employer.uscc, Employer.industry,
                         Employer.street, Employer.has_union, Employer.initials], Employer)
    assert len(got) == demo.DEFAULT_EMPLOYERS
    for _id, name, code, industry, street, _union, ini in got:
        assert uscc.is_valid(code), code
        assert name.endswith("公司") and industry and street in demo.STREETS
        assert ini == initials(name, surname=False)[:100]
    assert 0.45 < sum(1 for r in got if r[5]) / len(got) < 0.75
    with demo_db.read() as s:
        orphans = s.scalar(select(func.count()).select_from(Person)
                           .where(Person.employer_id.is_not(None),
                                  Person.employer_id.not_in(select(Employer.id))))
    assert orphans == 0


def test_accounts_one_per_role_with_demo_password(demo_db):
    with demo_db.read() as s:
        users = s.execute(select(User)).scalars().all()
    assert sorted(u.role for u in users) == sorted(r.value for r in Role)
    for u in users:
        assert u.active and not u.must_change_password
        assert len(u.display_name) >= 2
    assert all(verify_password(u.password_hash, "demo1234") for u in users[:1])
    # one hash for all: checking one checks them all (argon2 is slow on purpose)
    assert len({u.password_hash for u in users}) == 1


def test_office_profile_and_audit(demo_db):
    from app.services import settings
    office = settings.office(demo_db)
    assert office.name == "北京市朝阳区总工会" and office.doc_prefix == "朝工信"
    assert office.address and office.phone and office.postcode and office.contact
    with demo_db.read() as s:
        rows_ = s.execute(select(AuditLog).where(AuditLog.entity == "demo")).scalars().all()
    assert len(rows_) == 1
    row = rows_[0]
    assert row.action == "generate" and row.username == "system"
    after = json.loads(row.after)
    assert after["people"] == demo.DEFAULT_PEOPLE and after["users"] == 4
    assert after["employers"] == demo.DEFAULT_EMPLOYERS
    assert audit.verify(demo_db) == []
    assert "北京市朝阳区总工会" in demo_db.summary and "2,000" in demo_db.summary


def test_refuses_a_database_that_is_not_empty(fresh):
    d = fresh("a")
    demo.generate(d, seed=1, people=50)
    before = count(d, Person)
    with pytest.raises(UserError) as e:
        demo.generate(d, seed=2, people=50)
    assert "空数据库" in e.value.message
    assert count(d, Person) == before

    only_user = fresh("b")
    with only_user.write() as s:
        s.add(User(username="x", display_name="某人", role="admin", password_hash="-",
                   active=True, failed_count=0, must_change_password=False,
                   created_at=demo.base_time(1)))
    with pytest.raises(UserError):
        demo.generate(only_user, seed=1, people=10)
    assert count(only_user, Person) == 0


def test_bad_sizes_are_user_errors(fresh):
    with pytest.raises(UserError):
        demo.generate(fresh("a"), people=-1)


def test_cancel_rolls_everything_back(fresh):
    d = fresh("a")
    seen = []

    def progress(frac, message):
        seen.append((frac, message))
        if message.startswith("正在生成人员"):
            raise Cancelled()

    with pytest.raises(Cancelled):
        demo.generate(d, seed=1, people=45_000, progress=progress)
    for model in (Person, Employer, User, AuditLog, SettingRow):
        assert count(d, model) == 0, model
    # and the database is still usable, and still empty enough for demo data
    demo.generate(d, seed=1, people=10)
    assert count(d, Person) == 10


def test_progress_is_reported_per_batch_and_rises(fresh):
    d = fresh("a")
    seen = []
    demo.generate(d, seed=3, people=45_000, progress=lambda f, m: seen.append((f, m)))
    fracs = [f for f, _ in seen]
    assert fracs == sorted(fracs) and 0 <= fracs[0] and fracs[-1] <= 1
    people_msgs = [m for _, m in seen if m.startswith("正在生成人员")]
    assert people_msgs == ["正在生成人员 20000/45000", "正在生成人员 40000/45000",
                           "正在生成人员 45000/45000"]


def test_cli_demo_then_check(tmp_path, capsys):
    path = tmp_path / "cli.db"
    assert main(["--db", str(path), "demo", "--seed", "1"]) == 0
    out = capsys.readouterr()
    assert "已生成演示数据" in out.out and "正在生成人员" in out.err
    assert main(["--db", str(path), "check"]) == 0
    # a second run refuses: exit 2, one line, no traceback
    capsys.readouterr()
    assert main(["--db", str(path), "demo"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
