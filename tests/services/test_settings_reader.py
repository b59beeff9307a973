"""The one settings reader (app.services.settings): typed, generated from the declarations, the
declared default the only default, the same in a transaction and outside it."""
from __future__ import annotations

import ast
import json
from dataclasses import fields
from pathlib import Path

import pytest

import app
from app.db.models import SettingRow
from app.domain import settings as decl
from app.services import settings
from app.services.petitions import notice_values


def test_every_declared_setting_reads_typed_with_its_declared_default(db):
    cfg = settings.read(db)
    assert [f.name for f in fields(cfg)] == [settings.attribute(s.key) for s in decl.SETTINGS]
    for s in decl.SETTINGS:
        value = getattr(cfg, settings.attribute(s.key))
        assert value == s.default and type(value) is s.type, s.key
        assert settings.get(db, s.key) == s.default
    assert cfg.deadline_review_days == 30 and cfg.office_notice_date_chinese is False
    with pytest.raises(KeyError):
        settings.get(db, "deadline.no_such_thing")


def test_inside_a_transaction_the_reader_sees_what_it_wrote_outside_only_after_commit(db, admin):
    key = "deadline.warn_workdays"
    with db.write() as s:
        settings.write_values(s, admin, {key: 4, "office.notice_date_chinese": True})
        assert settings.get(s, key) == 4                   # the caller's Session, uncommitted
        assert settings.load(s, "deadline.")[key] == 4
        assert settings.read(s).office_notice_date_chinese is True
        assert notice_values._flag(s, "office.notice_date_chinese") is True   # noqa: SLF001
    assert settings.get(db, key) == 4 and settings.read(db).deadline_warn_workdays == 4
    assert set(settings.load(db, "deadline.")) == {s.key for s in decl.SETTINGS if s.key.startswith("deadline.")}


def test_a_value_stored_as_text_reads_as_its_type_and_a_broken_one_as_the_default(db):
    with db.write() as s:
        s.add(SettingRow(key="deadline.review_days", value=json.dumps("45")))
        s.add(SettingRow(key="hotspot.group_size", value=json.dumps("很多")))
        s.add(SettingRow(key="office.name", value=json.dumps("  朝阳区总工会 ")))
    cfg = settings.read(db)
    assert cfg.deadline_review_days == 45 and settings.get(db, "deadline.review_days") == 45
    assert cfg.hotspot_group_size == decl.BY_KEY["hotspot.group_size"].default
    assert cfg.office_name == "朝阳区总工会" and settings.office(db).name == "朝阳区总工会"
    with db.read() as s:        # the notices print the declared default, not a default of their own
        assert notice_values._setting(s, "deadline.review_days") == "45"    # noqa: SLF001


def test_one_writer_and_no_second_default():
    """Outside app/services/settings.py no module reads or writes the settings table directly
    (notice templates keep their own rows in it; the audit view names the table)."""
    allowed = {"app/services/settings.py", "app/db/models.py", "app/services/audit_state.py",
               "app/services/petitions/notice_templates.py"}
    root = Path(app.__file__).resolve().parent.parent
    found = []
    for path in sorted(root.glob("app/**/*.py")):
        rel = path.relative_to(root).as_posix()
        if rel in allowed or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if any(isinstance(n, ast.Name) and n.id == "SettingRow" for n in ast.walk(tree)):
            found.append(rel)
    assert found == []


def test_a_bad_setting_is_reported_with_its_key():
    from app.domain.errors import ValidationError
    with pytest.raises(ValidationError) as e:
        settings.validated({"deadline.warn_workdays": "很多", "office.name": ""})
    assert e.value.keys == ["deadline.warn_workdays", "office.name"]
    assert e.value.fields == [decl.BY_KEY["deadline.warn_workdays"].label, "单位名称"]
