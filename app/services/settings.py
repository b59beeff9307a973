"""Office settings and profile, read and written by key (declarations: ``app.domain.settings``)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

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


def load(db: Database) -> dict[str, Any]:
    """Every declared setting: stored value or default."""
    values = {s.key: s.default for s in decl.SETTINGS}
    with db.read() as s:
        for row in s.execute(select(SettingRow)).scalars():
            if row.key in values:
                values[row.key] = json.loads(row.value)
    return values


def get(db: Database, key: str) -> Any:
    setting = decl.BY_KEY[key]
    with db.read() as s:
        row = s.get(SettingRow, key)
        return json.loads(row.value) if row else setting.default


def office(db: Database) -> OfficeProfile:
    v = load(db)
    return OfficeProfile(**{k.split(".", 1)[1]: v[k] for k in v if k.startswith("office.")})


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
    """Coerce and check; raises ValidationError naming every bad field (by its Chinese label)."""
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
            errors.add(setting.label, message)
        clean[key] = value
    errors.raise_if_any()
    return clean


def write_values(session, actor: Actor, clean: dict[str, Any]) -> None:
    """Store already-validated values in the caller's write transaction, with audit rows."""
    for key, value in clean.items():
        row = session.get(SettingRow, key)
        before = json.loads(row.value) if row else decl.BY_KEY[key].default
        if row is not None and before == value:
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
        if key in clean:
            return clean[key]
        row = session.get(SettingRow, key)
        return json.loads(row.value) if row else decl.BY_KEY[key].default
    errors = Collector()
    for prefix, kinds in shared_doc_prefixes(doc_prefixes(value)):
        titles = "、".join(k.title for k in kinds)
        for k in kinds:
            errors.add(decl.BY_KEY[DOC_PREFIX_SETTING + k.value].label,
                       f"{titles}的代字都是「{prefix}」，文号会重复，请给每种文书不同的代字")
    errors.raise_if_any()


def is_configured(db: Database) -> bool:
    """True once the office has a name and at least one user (first-run wizard done)."""
    with db.read() as s:
        has_user = s.execute(select(User.id).limit(1)).first() is not None
        named = s.get(SettingRow, "office.name") is not None
    return has_user and named
