"""Office settings and profile (declarations: ``app.domain.settings``): the one reader and the one
writer.

Reading: ``get(source, key)``, ``load(source, prefix)`` and ``read(source)`` take a ``Database`` (a
read of their own) or the caller's ``Session`` (inside its transaction: a value written earlier in
that transaction is seen). A setting not stored reads as its declared default, the only default;
a stored value comes back as the declared type (a value stored as text by an older version, 「3」,
reads as 3; one that no longer converts reads as the default). ``read`` answers an
``OfficeSettings``, a frozen dataclass generated from the declarations: one typed attribute per
setting, the key with "." as "_" (``read(db).deadline_warn_workdays``).

Writing: ``save`` (checked, permission, all or nothing) and, for a caller already in a write
transaction (first-run setup, demo), ``validated`` + ``write_values``; every change is audited.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, make_dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import Database
from app.db.models import SettingRow, User
from app.domain import settings as decl
from app.domain.actor import Actor
from app.domain.errors import Collector, UserError
from app.domain.permissions import Perm

from . import audit
from .access import require


@dataclass(frozen=True)
class OfficeProfile:
    name: str
    doc_prefix: str
    address: str
    phone: str
    postcode: str
    contact: str
    notice_font: str = ""                 # TrueType 仿宋/宋体 file for notices ("" = bundled font)
    notice_date_chinese: bool = False     # notices dated 二〇二六年十一月二十三日


# ---------------------------------------------------------------- reading

@contextmanager
def _session(source: Database | Session) -> Iterator[Session]:
    if isinstance(source, Session):
        yield source
    else:
        with source.read() as s:
            yield s


def _typed(setting: decl.Setting, raw: Any) -> Any:
    """A stored value as the setting's type; the declared default when it does not convert."""
    if isinstance(raw, setting.type) and not (setting.type is int and isinstance(raw, bool)):
        return raw.strip() if isinstance(raw, str) else raw
    value, message = decl.validate(setting, raw)
    return setting.default if message or not isinstance(value, setting.type) else value


def load(source: Database | Session, prefix: str = "") -> dict[str, Any]:
    """Every declared setting whose key starts with ``prefix``: its stored value or default."""
    wanted = [st for st in decl.SETTINGS if st.key.startswith(prefix)]
    values = {st.key: st.default for st in wanted}
    with _session(source) as s:
        q = select(SettingRow)
        if prefix:
            q = q.where(SettingRow.key.startswith(prefix, autoescape=True))
        for row in s.execute(q).scalars():
            if row.key in values:
                values[row.key] = _typed(decl.BY_KEY[row.key], json.loads(row.value))
    return values


def get(source: Database | Session, key: str) -> Any:
    """One declared setting (KeyError for a key that is not declared)."""
    setting = decl.BY_KEY[key]
    with _session(source) as s:
        row = s.get(SettingRow, key)
        return _typed(setting, json.loads(row.value)) if row else setting.default


def attribute(key: str) -> str:
    """The ``OfficeSettings`` attribute of a setting key: 「deadline.warn_workdays」 → deadline_warn_workdays."""
    return key.replace(".", "_")


OfficeSettings = make_dataclass(
    "OfficeSettings", [(attribute(st.key), st.type, field(default=st.default)) for st in decl.SETTINGS],
    frozen=True, namespace={"__doc__": "Every office setting, typed (generated from app.domain.settings)."})


def read(source: Database | Session) -> Any:
    """Every setting as an ``OfficeSettings``."""
    return OfficeSettings(**{attribute(k): v for k, v in load(source).items()})


def office(source: Database | Session) -> OfficeProfile:
    v = load(source, "office.")
    return OfficeProfile(**{k.split(".", 1)[1]: v[k] for k in v})


FONT_KEY = "office.notice_font"


def _font_problem(path: str) -> str | None:
    """Why ``path`` cannot be the notices' font (not a readable TrueType font), or None."""
    from app.domain.errors import ValidationError
    from app.output.fonts import check_font   # reportlab: imported only when a font is named
    try:
        check_font(path)
    except ValidationError as e:
        return "；".join(m for _f, m in e.errors)
    return None


def validated(values: dict[str, Any]) -> dict[str, Any]:
    """Coerce and check; raises ValidationError naming every bad field (its Chinese label, and the
    setting's key as the error's ``key``)."""
    errors = Collector()
    clean: dict[str, Any] = {}
    for key, raw in values.items():
        setting = decl.BY_KEY.get(key)
        if setting is None:
            raise UserError(f"未知的设置项：{key}", f"unknown setting {key}")
        value, message = decl.validate(setting, raw)
        if not message and key == FONT_KEY and value:
            message = _font_problem(value)
        if message:
            errors.add(setting.label, message, key=setting.key)
        clean[key] = value
    errors.raise_if_any()
    return clean


def write_values(session, actor: Actor, clean: dict[str, Any]) -> None:
    """Store already-validated values in the caller's write transaction, with audit rows."""
    for key, value in clean.items():
        row = session.get(SettingRow, key)
        before = get(session, key)
        if row is not None and json.loads(row.value) == value:
            continue
        if row is None:
            session.add(SettingRow(key=key, value=json.dumps(value, ensure_ascii=False)))
        else:
            row.value = json.dumps(value, ensure_ascii=False)
        audit.record(session, actor, "setting", key, "update", {"value": before}, {"value": value})


def save(db: Database, actor: Actor, values: dict[str, Any]) -> None:
    """Change settings (office profile included). Requires EDIT_OFFICE; all or nothing."""
    require(actor, Perm.EDIT_OFFICE)
    clean = validated(values)
    with db.write() as session:
        _check_doc_prefixes(session, clean)
        write_values(session, actor, clean)


def _check_doc_prefixes(session, clean: dict[str, Any]) -> None:
    """No two notice kinds may end up with one 代字 (their numbers would repeat): ValidationError
    naming the kinds' fields."""
    from app.domain.notices import DOC_PREFIX_SETTING, doc_prefixes, shared_doc_prefixes

    def value(key: str) -> Any:
        return clean[key] if key in clean else get(session, key)
    errors = Collector()
    for prefix, kinds in shared_doc_prefixes(doc_prefixes(value)):
        titles = "、".join(k.title for k in kinds)
        for k in kinds:
            key = DOC_PREFIX_SETTING + k.value
            errors.add(decl.BY_KEY[key].label,
                       f"{titles}的代字都是「{prefix}」，文号会重复，请给每种文书不同的代字", key=key)
    errors.raise_if_any()


def is_configured(db: Database) -> bool:
    """True once the office has a name and at least one user (first-run wizard done)."""
    with db.read() as s:
        has_user = s.execute(select(User.id).limit(1)).first() is not None
        named = s.get(SettingRow, "office.name") is not None
    return has_user and named
