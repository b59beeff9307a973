"""Accounts: creation and policy, sign-in with lockout, last-admin protection, audit."""
import json
from dataclasses import FrozenInstanceError
from datetime import datetime, timedelta

import pytest
from sqlalchemy import or_, select

from app.db.models import AuditLog, User
from app.domain.enums import Role
from app.domain.errors import Conflict, PermissionDenied, UserError, ValidationError
from app.services import accounts, audit, settings

PW = "secret123"
T0 = datetime(2026, 3, 2, 9, 0, 0)


@pytest.fixture
def boss(db):
    """The first administrator, signed in."""
    return accounts.create_first_admin(db, "boss", "王主任", "Admin2026")


def audit_rows(db, **where):
    with db.read() as s:
        q = select(AuditLog).order_by(AuditLog.id)
        for k, v in where.items():
            q = q.where(getattr(AuditLog, k) == v)
        return list(s.scalars(q))


def test_first_admin_then_refused(db):
    actor = accounts.create_first_admin(db, "boss", "王主任", "Admin2026")
    assert actor.role is Role.ADMIN and actor.user_id is not None
    [row] = audit_rows(db, entity="user", action="create")
    assert row.username == "system" and "argon2" not in row.after and "Admin2026" not in row.after
    with pytest.raises(Conflict, match="已经有用户"):
        accounts.create_first_admin(db, "boss2", "李四", "Admin2026")


def test_validate_new_user_reports_every_field_at_once(db):
    from app.domain.errors import Collector
    errors = Collector()
    assert accounts.validate_new_user(db, errors, " li si ", "", "short") == ("li si", "")
    assert [f for f, _m in errors.errors] == ["用户名", "姓名", "密码"]
    errors = Collector()
    assert accounts.validate_new_user(db, errors, " lisi ", " 李四 ", PW) == ("lisi", "李四")
    assert errors.errors == []


def test_add_user_is_part_of_the_callers_transaction(db, boss):
    from app.services.passwords import hash_password
    with pytest.raises(RuntimeError):
        with db.write() as s:
            new = accounts.add_user(s, boss, "lisi", "李四", Role.CLERK, hash_password(PW), True)
            assert new.username == "lisi" and new.role is Role.CLERK and new.user_id
            raise RuntimeError("the caller's next step failed")
    assert [u.username for u in accounts.list_users(db)] == ["boss"]
    assert [r.after for r in audit_rows(db, entity="user", action="create")
            if "lisi" in (r.after or "")] == []
    with db.write() as s:
        accounts.add_user(s, boss, "lisi", "李四", Role.CLERK, hash_password(PW), True)
        with pytest.raises(ValidationError, match="已被使用"):
            accounts.add_user(s, boss, "LiSi", "李四", Role.CLERK, hash_password(PW), True)
    [row] = [r for r in audit_rows(db, entity="user", action="create") if "lisi" in r.after]
    assert row.username == "boss"


def test_create_user_and_list(db, boss):
    rec = accounts.create_user(db, boss, "zhang.san", "张三", Role.CLERK, PW)
    assert rec.role is Role.CLERK and rec.active and rec.must_change_password
    with pytest.raises(FrozenInstanceError):
        rec.username = "x"  # type: ignore[misc]
    names = [u.username for u in accounts.list_users(db)]
    assert names == ["boss", "zhang.san"]
    [row] = audit_rows(db, entity="user", action="create", entity_id=str(rec.id))
    assert row.username == "boss"
    assert "张三" in row.after and "argon2" not in row.after and "hash" not in row.after
    assert audit.verify(db) == []


def test_create_user_needs_permission(db, boss, actors):
    with pytest.raises(PermissionDenied, match="无权管理用户"):
        accounts.create_user(db, actors[Role.MANAGER], "li", "李四", Role.CLERK, PW)


@pytest.mark.parametrize("password, fragment", [
    ("abc123", "至少需要 8 位"),
    ("abcdefghij", "字母和数字"),
    ("1234567890", "字母和数字"),
    ("wangwu123", "不能与用户名相同"),
])
def test_password_policy(db, boss, password, fragment):
    with pytest.raises(ValidationError) as e:
        accounts.create_user(db, boss, "wangwu123", "王五", Role.CLERK, password)
    assert e.value.fields == ["密码"]
    assert fragment in e.value.message
    assert [u.username for u in accounts.list_users(db)] == ["boss"]  # nothing half-written


def test_password_policy_follows_setting(db, boss):
    settings.save(db, boss, {"security.min_password_length": 10})
    with pytest.raises(ValidationError, match="至少需要 10 位"):
        accounts.create_user(db, boss, "li", "李四", Role.CLERK, "abc12345")
    accounts.create_user(db, boss, "li", "李四", Role.CLERK, "abc1234567")


def test_username_rules_and_duplicates(db, boss):
    with pytest.raises(ValidationError) as e:
        accounts.create_user(db, boss, "张三", "", "nobody", PW)
    assert e.value.fields == ["用户名", "姓名", "角色"]
    with pytest.raises(ValidationError, match="用户名"):
        accounts.create_user(db, boss, "a", "甲", Role.CLERK, PW)
    accounts.create_user(db, boss, "li", "李四", Role.CLERK, PW)
    with pytest.raises(ValidationError, match="已被使用"):
        accounts.create_user(db, boss, "LI", "李四二", Role.CLERK, PW)


def test_sign_in_success_sets_last_login_and_resets_count(db, boss):
    rec = accounts.create_user(db, boss, "li", "李四", Role.CASEWORKER, PW)
    with pytest.raises(UserError, match="还可尝试 4 次"):
        accounts.sign_in(db, "li", "wrong1234", now=T0)
    actor = accounts.sign_in(db, "Li", PW, now=T0)
    assert (actor.user_id, actor.role, actor.display_name) == (rec.id, Role.CASEWORKER, "李四")
    assert accounts.get_user(db, rec.id).last_login_at == T0
    with db.read() as s:
        assert s.get(User, rec.id).failed_count == 0
    with pytest.raises(UserError, match="还可尝试 4 次"):  # the count started again
        accounts.sign_in(db, "li", "wrong1234", now=T0)


def test_six_wrong_passwords_lock_the_account(db, boss):
    accounts.create_user(db, boss, "li", "李四", Role.CLERK, PW)
    messages = []
    for i in range(6):
        with pytest.raises(UserError) as e:
            accounts.sign_in(db, "li", f"wrong{i}xx", now=T0 + timedelta(seconds=i))
        messages.append(e.value.message)
    assert messages[0] == "用户名或密码不正确，还可尝试 4 次"
    assert "还可尝试 1 次" in messages[3]
    assert "账户已锁定，请在 15 分钟后重试或联系系统管理员" in messages[4]
    assert messages[5] == "账户已锁定，请在 15 分钟后重试或联系系统管理员"
    # each failure was committed even though the call raised
    assert len(audit_rows(db, action="sign_in_failed")) == 6
    [locked] = audit_rows(db, action="locked")
    assert '"failed_count":5' in locked.after
    # the right password is refused while locked, with the minutes left
    with pytest.raises(UserError, match="账户已锁定，请在 5 分钟后重试"):
        accounts.sign_in(db, "li", PW, now=T0 + timedelta(minutes=10, seconds=4))
    # after the lock runs out the right password works again
    actor = accounts.sign_in(db, "li", PW, now=T0 + timedelta(minutes=15, seconds=5))
    assert actor.username == "li"
    assert audit.verify(db) == []


def test_lock_setting_is_used(db, boss):
    settings.save(db, boss, {"security.max_failures": 3, "security.lock_minutes": 60})
    accounts.create_user(db, boss, "li", "李四", Role.CLERK, PW)
    for _ in range(2):
        with pytest.raises(UserError, match="还可尝试"):
            accounts.sign_in(db, "li", "bad12345", now=T0)
    with pytest.raises(UserError, match="请在 60 分钟后"):
        accounts.sign_in(db, "li", "bad12345", now=T0)


def test_unknown_user_same_message_audited_without_the_typed_text(db, boss):
    # people type their password into the user-name field: a name that is no account's is not kept
    typed = "Secret2026x"
    with pytest.raises(UserError) as e:
        accounts.sign_in(db, typed, PW, now=T0)
    assert e.value.message.startswith("用户名或密码不正确")
    [row] = audit_rows(db, action="sign_in_failed")
    assert row.entity == "user" and row.entity_id == "" and row.username == "system"
    assert json.loads(row.after) == {"reason": "unknown_user"}
    with db.read() as s:
        assert not s.scalars(select(AuditLog).where(or_(AuditLog.after.contains(typed[:6]),
                                                        AuditLog.entity_id.contains(typed[:6])))
                             ).all()
    # a name that is an account's is kept (any case), as the account spells it
    accounts.create_user(db, boss, "li", "李四", Role.CLERK, PW)
    with pytest.raises(UserError):
        accounts.sign_in(db, "LI", "wrong1234", now=T0)
    row = audit_rows(db, action="sign_in_failed")[-1]
    assert json.loads(row.after)["username"] == "li" and row.entity == "user"
    assert json.loads(row.after)["reason"] == "wrong_password"


def test_empty_fields_are_named(db):
    with pytest.raises(ValidationError) as e:
        accounts.sign_in(db, " ", "")
    assert e.value.fields == ["用户名", "密码"]


def test_disabled_account_refused(db, boss):
    rec = accounts.create_user(db, boss, "li", "李四", Role.CLERK, PW)
    accounts.set_active(db, boss, rec.id, False)
    with pytest.raises(UserError, match="已停用"):
        accounts.sign_in(db, "li", PW)
    assert audit_rows(db, action="disable")[0].entity_id == str(rec.id)
    assert '"disabled"' in audit_rows(db, action="sign_in_failed")[0].after
    accounts.set_active(db, boss, rec.id, True)
    assert accounts.sign_in(db, "li", PW).user_id == rec.id


def test_last_admin_protection(db, boss):
    # themselves
    with pytest.raises(Conflict, match="不能停用自己"):
        accounts.set_active(db, boss, boss.user_id, False)
    with pytest.raises(Conflict, match="不能修改自己的角色"):
        accounts.update_user(db, boss, boss.user_id, role=Role.MANAGER)
    # the last active administrator, changed by someone else (e.g. the command line)
    from app.domain.actor import CLI_ACTOR
    with pytest.raises(Conflict, match="最后一位启用中的系统管理员"):
        accounts.set_active(db, CLI_ACTOR, boss.user_id, False)
    with pytest.raises(Conflict, match="最后一位启用中的系统管理员"):
        accounts.update_user(db, CLI_ACTOR, boss.user_id, role=Role.CLERK)
    # with a second administrator it is allowed
    second = accounts.create_user(db, boss, "admin2", "赵六", Role.ADMIN, PW)
    accounts.update_user(db, second_actor(db, second.id), boss.user_id, role=Role.MANAGER)
    assert accounts.get_user(db, boss.user_id).role is Role.MANAGER
    assert accounts.get_user(db, boss.user_id).display_name == "王主任"


def second_actor(db, user_id):
    from app.domain.actor import Actor
    rec = accounts.get_user(db, user_id)
    return Actor(rec.id, rec.username, rec.display_name, rec.role)


def test_update_user_audits_only_changes(db, boss):
    rec = accounts.create_user(db, boss, "li", "李四", Role.CLERK, PW)
    out = accounts.update_user(db, boss, rec.id, display_name="李四光", role="caseworker")
    assert (out.display_name, out.role) == ("李四光", Role.CASEWORKER)
    [row] = audit_rows(db, action="update")
    assert row.before == '{"display_name":"李四","role":"clerk"}'
    accounts.update_user(db, boss, rec.id, display_name="李四光")
    assert len(audit_rows(db, action="update")) == 1


def test_reset_password_unlocks_and_forces_change(db, boss):
    rec = accounts.create_user(db, boss, "li", "李四", Role.CLERK, PW, must_change_password=False)
    for _ in range(5):
        with pytest.raises(UserError):
            accounts.sign_in(db, "li", "bad12345")
    out = accounts.reset_password(db, boss, rec.id, "Fresh2026")
    assert out.must_change_password and out.locked_until is None
    actor = accounts.sign_in(db, "li", "Fresh2026")
    with pytest.raises(ValidationError) as e:
        accounts.change_own_password(db, actor, "nope1234", "Newer2026")
    assert e.value.fields == ["原密码"]
    with pytest.raises(ValidationError, match="新密码"):
        accounts.change_own_password(db, actor, "Fresh2026", "short1")
    accounts.change_own_password(db, actor, "Fresh2026", "Newer2026")
    assert not accounts.get_user(db, rec.id).must_change_password
    assert accounts.sign_in(db, "li", "Newer2026").user_id == rec.id
    assert [r.action for r in audit_rows(db, entity_id=str(rec.id))
            if r.action in ("reset_password", "change_password")] == ["reset_password", "change_password"]
