"""First-run set-up: the office profile and the first administrator, all or nothing."""
from __future__ import annotations

import pytest

from app.domain.enums import Role
from app.domain.errors import Conflict, ValidationError
from app.services import accounts, audit, settings, setup

PROFILE = {"name": "北京市朝阳区总工会", "doc_prefix": "朝工信", "address": "朝阳北路101号",
           "phone": "010-65012351", "postcode": "100020", "contact": "李晓燕"}


def test_create_office_stores_profile_and_admin_who_can_sign_in(db):
    assert not settings.is_configured(db)
    actor = setup.create_office(db, PROFILE, "admin", "王建华", "secret123")
    assert actor.role is Role.ADMIN and actor.username == "admin" and actor.user_id is not None
    assert settings.is_configured(db)
    office = settings.office(db)
    assert (office.name, office.doc_prefix, office.postcode) == ("北京市朝阳区总工会", "朝工信", "100020")
    signed_in = accounts.sign_in(db, "admin", "secret123")
    assert signed_in.user_id == actor.user_id and signed_in.display_name == "王建华"
    # the settings are recorded under the new administrator; the audit chain is intact
    entries = audit.search(db, actor, entity="setting")
    assert {e.entity_id for e in entries} == {f"office.{k}" for k in PROFILE}
    assert {e.username for e in entries} == {"admin"}
    assert audit.verify(db) == []


def test_full_keys_are_accepted_too(db):
    setup.create_office(db, {"office.name": "某区总工会", "office.doc_prefix": "某工信"},
                        "boss", "赵六", "abc12345")
    assert settings.office(db).doc_prefix == "某工信"


def test_bad_password_writes_nothing(db):
    with pytest.raises(ValidationError) as e:
        setup.create_office(db, PROFILE, "admin", "王建华", "short")
    assert "密码" in e.value.fields
    assert settings.get(db, "office.name") == ""
    assert not accounts.has_users(db)
    assert audit.count(db) == 0


def test_all_errors_are_reported_at_once(db):
    with pytest.raises(ValidationError) as e:
        setup.create_office(db, {"name": "", "doc_prefix": "朝工信", "postcode": "1000200"},
                            "管理员", "", "abcdefgh")
    fields = e.value.fields
    assert {"单位名称", "邮政编码", "用户名", "姓名", "密码"} <= set(fields)
    assert not accounts.has_users(db) and settings.get(db, "office.doc_prefix") == ""


def test_refused_once_a_user_exists(db):
    setup.create_office(db, PROFILE, "admin", "王建华", "secret123")
    with pytest.raises(Conflict):
        setup.create_office(db, {**PROFILE, "name": "另一个工会"}, "admin2", "钱七", "secret456")
    assert settings.office(db).name == "北京市朝阳区总工会"
    assert [u.username for u in accounts.list_users(db)] == ["admin"]


def test_failure_inside_the_transaction_rolls_back_the_user(db, monkeypatch):
    def broken(session, actor, clean):
        raise RuntimeError("disk full")
    monkeypatch.setattr(settings, "write_values", broken)
    with pytest.raises(RuntimeError):
        setup.create_office(db, PROFILE, "admin", "王建华", "secret123")
    assert not accounts.has_users(db)
