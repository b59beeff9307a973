"""People and employers: create, update, lookup, duplicates, all-or-nothing, audit."""
from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select

from app.db.models import AuditLog, Employer, Person
from app.domain.enums import PersonFlag, Role
from app.domain.errors import NotFound, PermissionDenied, ValidationError
from app.services import audit, people, people_search
from app.services.people import EmployerInput, PersonInput

ZHANG_ID = "11010519491231002X"   # female, born 1949-12-31
LI_ID = "360426199101010071"      # male, born 1991-01-01
USCC = "91110000600037341L"


def count(db, model) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(model))


def audit_rows(db, entity):
    with db.read() as s:
        return s.execute(select(AuditLog).where(AuditLog.entity == entity)
                         .order_by(AuditLog.id)).scalars().all()


@pytest.fixture
def employer(db, admin):
    return people.create_employer(db, admin, EmployerInput(
        name="深圳市某某电子(集团)有限公司", uscc=USCC, industry="制造业", street="西乡街道",
        has_union=True, phone="0755-12345678"))


def test_create_person_derives_birth_and_gender_from_id(db, admin, employer):
    rec = people.create_person(db, admin, PersonInput(
        name="  张三 ", id_number="11010519491231002x", phone="138 1234 5678",
        employer_name=employer.name, is_migrant=True, is_member=True, note="第一次来访"))
    assert rec.name == "张三"
    assert rec.id_number == ZHANG_ID
    assert rec.birth_date == date(1949, 12, 31)
    assert rec.gender == "F" and rec.is_female and rec.gender_label == "女"
    assert rec.phone == "13812345678"
    assert rec.employer_id == employer.id
    assert rec.employer_name == "深圳市某某电子（集团）有限公司"
    assert rec.flags == (PersonFlag.MIGRANT, PersonFlag.MEMBER)
    assert rec.id_tail == "****002X"
    again = people.get_person(db, rec.id)
    assert again == rec
    with db.read() as s:
        assert s.get(Person, rec.id).initials == "zs"


def test_update_person_changes_fields_and_audits_only_the_difference(db, admin, employer):
    rec = people.create_person(db, admin, PersonInput(name="李四", id_number=LI_ID))
    updated = people.update_person(db, admin, rec.id, PersonInput(
        name="李思", id_number=LI_ID, phone="021-61234567", employer_id=employer.id,
        is_model_worker=True))
    assert updated.name == "李思" and updated.phone == "021-61234567"
    assert updated.employer_name == employer.name and updated.is_model_worker
    assert updated.gender == "M" and updated.birth_date == date(1991, 1, 1)
    rows = audit_rows(db, "person")
    assert [r.action for r in rows] == ["create", "update"]
    assert rows[0].entity_id == str(rec.id)
    assert json.loads(rows[0].after)["id_number"] == LI_ID
    before, after = json.loads(rows[1].before), json.loads(rows[1].after)
    assert before == {"name": "李四", "phone": None, "employer_id": None, "is_model_worker": False}
    assert after == {"name": "李思", "phone": "021-61234567", "employer_id": employer.id,
                     "is_model_worker": True}
    # the stored initials follow the new name
    assert [m.name for m in people_search.lookup(db, "ls")] == ["李思"]
    # an unchanged form writes nothing
    people.update_person(db, admin, rec.id, PersonInput(
        name="李思", id_number=LI_ID, phone="02161234567", employer_id=employer.id,
        is_model_worker=True))
    assert len(audit_rows(db, "person")) == 2
    assert audit.verify(db) == []


def test_lookup_by_name_initials_id_and_phone(db, admin, employer):
    zs = people.create_person(db, admin, PersonInput(
        name="张三", id_number=ZHANG_ID, phone="13812345678", employer_id=employer.id))
    people.create_person(db, admin, PersonInput(name="张三丰", phone="0755-87654321"))
    people.create_person(db, admin, PersonInput(name="李四", id_number=LI_ID, phone="13900001111"))

    assert [m.name for m in people_search.lookup(db, "张")] == ["张三", "张三丰"]
    assert [m.name for m in people_search.lookup(db, "张三丰")] == ["张三丰"]
    assert [m.name for m in people_search.lookup(db, "zs")] == ["张三", "张三丰"]
    assert [m.name for m in people_search.lookup(db, "ZSF")] == ["张三丰"]
    assert [m.name for m in people_search.lookup(db, "110105")] == ["张三"]
    assert [m.name for m in people_search.lookup(db, "11010519491231002x")] == ["张三"]
    assert [m.name for m in people_search.lookup(db, "1381234")] == ["张三"]
    assert [m.name for m in people_search.lookup(db, "138 1234")] == ["张三"]
    assert [m.name for m in people_search.lookup(db, "075587")] == ["张三丰"]
    assert [m.name for m in people_search.lookup(db, "0755-8765")] == ["张三丰"]
    assert {m.name for m in people_search.lookup(db, "1")} == {"张三", "李四"}
    assert people_search.lookup(db, "王") == []
    assert people_search.lookup(db, "  ") == []

    m = people_search.lookup(db, "zs")[0]
    assert (m.id, m.gender_label, m.id_tail, m.phone, m.employer_name) == \
        (zs.id, "女", "****002X", "13812345678", employer.name)


def test_lookup_limit_and_keyset_pages(db, admin):
    for i in range(25):
        people.create_person(db, admin, PersonInput(name=f"王{chr(0x4E00 + i)}"))
    assert len(people_search.lookup(db, "王", limit=20)) == 20
    seen, key = [], None
    while True:
        page = people_search.list_people(db, after_key=key, limit=10, query="w")
        seen += [m.name for m in page.items]
        key = page.next_key
        if key is None:
            break
    assert len(seen) == 25 and len(set(seen)) == 25
    newest = people_search.list_people(db, limit=10)
    assert newest.items[0].name == f"王{chr(0x4E00 + 24)}" and newest.next_key is not None
    rest = people_search.list_people(db, after_key=newest.next_key, limit=100)
    assert len(rest.items) == 15 and rest.next_key is None


def test_rare_character_name_round_trips(db, admin):
    rec = people.create_person(db, admin, PersonInput(name="王𠀀"))
    assert rec.name == "王𠀀" and len(rec.name) == 2
    assert people.get_person(db, rec.id).name == "王𠀀"
    people.create_person(db, admin, PersonInput(name="王堃喆"))
    assert [m.name for m in people_search.lookup(db, "王𠀀")] == ["王𠀀"]
    assert {m.name for m in people_search.lookup(db, "王")} == {"王𠀀", "王堃喆"}
    assert [m.name for m in people_search.lookup(db, "王堃")] == ["王堃喆"]


def test_duplicate_id_number_refused_and_nothing_written(db, admin):
    people.create_person(db, admin, PersonInput(name="张三", id_number=ZHANG_ID))
    before = (count(db, Person), count(db, AuditLog))
    with pytest.raises(ValidationError) as e:
        people.create_person(db, admin, PersonInput(name="张叁", id_number=ZHANG_ID.lower()))
    assert e.value.errors == [("身份证号", "该身份证号码已登记为「张三」")]
    assert (count(db, Person), count(db, AuditLog)) == before


def test_update_to_another_persons_id_refused(db, admin):
    people.create_person(db, admin, PersonInput(name="张三", id_number=ZHANG_ID))
    li = people.create_person(db, admin, PersonInput(name="李四"))
    with pytest.raises(ValidationError, match="已登记为「张三」"):
        people.update_person(db, admin, li.id, PersonInput(name="李四", id_number=ZHANG_ID))
    assert people.get_person(db, li.id).id_number is None


def test_all_bad_fields_reported_at_once_and_nothing_written(db, admin):
    with pytest.raises(ValidationError) as e:
        people.create_person(db, admin, PersonInput(
            name=" ", id_number="110105194912310021", phone="138abc", note="字" * 10_000,
            employer_name="没有登记的公司"))
    fields = e.value.fields
    assert fields == ["姓名", "身份证号", "电话", "备注", "单位"]
    text = str(e.value)
    assert "身份证号码校验位不正确，请核对最后一位" in text
    assert "不能超过 2000 个字" in text
    assert "尚未登记" in text
    assert count(db, Person) == 0 and count(db, AuditLog) == 0


def test_birth_date_and_gender_must_agree_with_id(db, admin):
    with pytest.raises(ValidationError) as e:
        people.create_person(db, admin, PersonInput(
            name="张三", id_number=ZHANG_ID, birth_date="1950-01-01", gender="男"))
    assert e.value.fields == ["出生日期", "性别"]
    assert count(db, Person) == 0
    ok = people.create_person(db, admin, PersonInput(
        name="张三", id_number=ZHANG_ID, birth_date="1949年12月31日", gender="女"))
    assert ok.birth_date == date(1949, 12, 31)


def test_person_without_id_keeps_typed_birth_date_and_gender(db, admin):
    rec = people.create_person(db, admin, PersonInput(name="赵六", gender="M", birth_date="1980/5/6"))
    assert (rec.gender, rec.birth_date, rec.id_number) == ("M", date(1980, 5, 6), None)


def test_employer_duplicates_refused(db, admin, employer):
    assert employer.name == "深圳市某某电子（集团）有限公司"
    with pytest.raises(ValidationError) as e:
        people.create_employer(db, admin, EmployerInput(name="深圳市某某电子（集团）有限公司"))
    assert e.value.fields == ["单位名称"] and "已登记" in str(e.value)
    with pytest.raises(ValidationError) as e:
        people.create_employer(db, admin, EmployerInput(name="另一家公司", uscc=USCC.lower()))
    assert e.value.errors == [("统一社会信用代码", f"该统一社会信用代码已登记为「{employer.name}」")]
    with pytest.raises(ValidationError) as e:
        people.create_employer(db, admin, EmployerInput(name="", uscc="91110000600037341M",
                                                         phone="abc"))
    assert e.value.fields == ["单位名称", "统一社会信用代码", "电话"]
    assert count(db, Employer) == 1


def test_update_and_find_employers(db, admin, employer):
    other = people.create_employer(db, admin, EmployerInput(name="广州市白云建筑工程公司"))
    upd = people.update_employer(db, admin, other.id, EmployerInput(
        name="广州市白云建筑工程有限公司", industry="建筑业", contact="陈工", phone="020 8888 6666"))
    assert upd.name == "广州市白云建筑工程有限公司" and upd.phone == "020-88886666"
    assert people.get_employer(db, other.id) == upd
    assert [e.name for e in people.find_employers(db, "广州")] == [upd.name]
    assert [e.name for e in people.find_employers(db, "gzs")] == [upd.name]
    assert [e.name for e in people.find_employers(db, "9111")] == [employer.name]
    assert [e.name for e in people.find_employers(db, "建筑")] == [upd.name]   # contains
    assert {e.name for e in people.find_employers(db, "")} == {employer.name, upd.name}
    with pytest.raises(ValidationError, match="已登记"):
        people.update_employer(db, admin, other.id, EmployerInput(name=employer.name))
    assert [r.action for r in audit_rows(db, "employer")] == ["create", "create", "update"]


def test_not_found(db, admin):
    with pytest.raises(NotFound):
        people.get_person(db, 999)
    with pytest.raises(NotFound):
        people.update_person(db, admin, 999, PersonInput(name="张三"))
    with pytest.raises(NotFound):
        people.get_employer(db, 999)


def test_every_role_may_edit_people_and_the_check_is_made(db, actors, monkeypatch):
    for role, actor in actors.items():
        people.create_person(db, actor, PersonInput(name=f"测试{role.label}"))
    assert count(db, Person) == len(Role)
    from app.domain import permissions
    monkeypatch.setitem(permissions.GRANTS, permissions.Perm.EDIT_PEOPLE, frozenset({Role.ADMIN}))
    with pytest.raises(PermissionDenied):
        people.create_person(db, actors[Role.CLERK], PersonInput(name="不应写入"))
    with pytest.raises(PermissionDenied):
        people.create_employer(db, actors[Role.CLERK], EmployerInput(name="不应写入公司"))
    assert count(db, Person) == len(Role) and count(db, Employer) == 0


def test_employer_initials_match_inside_the_name(db, admin):
    from app.db.models import EmployerInitials
    from app.domain.pinyin import initials, inner_suffixes
    zx = people.create_employer(db, admin, EmployerInput(name="北京市中兴物业服务有限公司"))
    people.create_employer(db, admin, EmployerInput(name="北京兴业建筑有限公司"))
    long = people.create_employer(db, admin, EmployerInput(name="北京市朝阳区中兴物业服务有限公司"))
    names = lambda q: [e.name for e in people.find_employers(db, q)]   # noqa: E731
    assert names("zxwy") == [zx.name, long.name]                       # 中兴物业, after the place
    assert names("ZXWY") == names("zxwy")
    assert names("wyfw") == [zx.name, long.name]                       # any part: 物业服务
    assert names("cyqzxwyfwyxgs") == [long.name]                       # longer than a stored suffix
    assert names("cyqzxwyfwyxgz") == []                                # … and checked to the end
    # the start of the name still comes first
    people.create_employer(db, admin, EmployerInput(name="中兴通讯北京有限公司"))
    assert names("zx") == ["中兴通讯北京有限公司", zx.name, long.name]
    # renamed: the old initials no longer match, the new ones do; the stored suffixes follow
    people.update_employer(db, admin, zx.id, EmployerInput(name="北京市华润物业服务有限公司"))
    assert names("zxwy") == [long.name] and names("hrwy") == ["北京市华润物业服务有限公司"]
    with db.read() as s:
        stored = set(s.scalars(select(EmployerInitials.suffix).where(EmployerInitials.employer_id == zx.id)))
    assert stored == inner_suffixes(initials("北京市华润物业服务有限公司", surname=False))


def test_employer_initials_migration_fills_existing_employers(db_path, tmp_path):
    """Employers registered before 0006 are found by inner initials after the upgrade."""
    from datetime import datetime

    from app.db.engine import Database, to_url
    from app.db.migrate import upgrade
    old = Database(to_url(db_path))
    upgrade(old, "0004")
    with old.write() as s:
        s.execute(Employer.__table__.insert(), [{
            "name": "北京市中兴物业服务有限公司", "industry": "", "street": "", "has_union": False,
            "address": "", "contact": "", "phone": "", "initials": "bjszxwyfwyxgs",
            "created_at": datetime(2026, 1, 1), "updated_at": datetime(2026, 1, 1)}])
    old.close()
    from app.db import open_database
    db = open_database(db_path, backup_dir=tmp_path / "bk")
    try:
        assert [e.name for e in people.find_employers(db, "zxwy")] == ["北京市中兴物业服务有限公司"]
    finally:
        db.close()
