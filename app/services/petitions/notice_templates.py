"""Notice templates (系统设置 → 文书模板): the office's edited text of each kind (settings key
``notice_template.<kind>``) or the shipped ``resources/notices/<kind>.txt``; checking, saving,
resetting and previewing them.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from app.db import Database
from app.db.models import SettingRow
from app.domain import notices as rules
from app.domain.actor import Actor
from app.domain.errors import ValidationError
from app.domain.notices import NoticeKind
from app.domain.permissions import Perm
from app.paths import resource_path

from .. import audit
from ..access import require


TEMPLATE_KEY = "notice_template."


TEMPLATE_MAX = 10_000


F_TEMPLATE = "模板"


def _kind(kind: NoticeKind | str) -> NoticeKind:
    if isinstance(kind, NoticeKind):
        return kind
    text = str(kind).strip()
    for k in NoticeKind:
        if text in (k.value, k.label):
            return k
    raise ValidationError([("文书种类", f"「{kind}」不是文书种类，可选："
                            + "、".join(f"{k.value}({k.label})" for k in NoticeKind))])


def parse_kind(kind: NoticeKind | str) -> NoticeKind:
    """A kind from its value (``accept``) or its Chinese title (受理告知书); ValidationError listing
    the kinds otherwise."""
    return _kind(kind)


def placeholders(kind: NoticeKind | str) -> list[tuple[str, str]]:
    """(name, Chinese description) of every placeholder a template may use; the kind's required
    ones first (DESIGN §4: what the notice must state)."""
    k = _kind(kind)
    req = list(rules.REQUIRED[k])
    rest = [n for n in rules.PLACEHOLDERS if n not in req]
    return [(n, rules.PLACEHOLDERS[n]) for n in req + rest]


def validate_template(text: str) -> list[str]:
    """Unknown placeholder names in ``text`` (empty: fine)."""
    return rules.validate_template(text)


def default_template(kind: NoticeKind | str) -> str:
    k = _kind(kind)
    return resource_path("notices", f"{k.value}.txt").read_text(encoding="utf-8")


def _template(s: Session, k: NoticeKind) -> str:
    row = s.get(SettingRow, TEMPLATE_KEY + k.value)
    if row is not None:
        return json.loads(row.value)
    return default_template(k)


def template_text(db: Database, kind: NoticeKind | str) -> str:
    """The office's edited template of ``kind``, else the shipped one."""
    k = _kind(kind)
    with db.read() as s:
        return _template(s, k)


def is_customised(db: Database, kind: NoticeKind | str) -> bool:
    with db.read() as s:
        return s.get(SettingRow, TEMPLATE_KEY + _kind(kind).value) is not None


def _check_template(text: Any) -> str:
    body = "" if text is None else str(text).replace("\r\n", "\n")
    if not body.strip():
        raise ValidationError([(F_TEMPLATE, "模板不能为空")])
    if len(body) > TEMPLATE_MAX:
        raise ValidationError([(F_TEMPLATE, f"不能超过 {TEMPLATE_MAX} 个字")])
    unknown = rules.validate_template(body)
    if unknown:
        named = "、".join("{" + n + "}" if n != "{" else "「{」没有配对的「}」" for n in unknown)
        raise ValidationError([(F_TEMPLATE, f"含有未知的占位符 {named}，"
                                "请从占位符列表中选择（大括号本身请写成 {{ 和 }}）")])
    return body


def save_template(db: Database, actor: Actor, kind: NoticeKind | str, text: str) -> None:
    """Store the office's own wording of ``kind`` (Perm.EDIT_OFFICE). A template naming an
    unknown placeholder is refused with its name."""
    require(actor, Perm.EDIT_OFFICE)
    k = _kind(kind)
    body = _check_template(text)
    with db.write() as s:
        key = TEMPLATE_KEY + k.value
        row = s.get(SettingRow, key)
        before = json.loads(row.value) if row else None
        if before == body:
            return
        if row is None:
            s.add(SettingRow(key=key, value=json.dumps(body, ensure_ascii=False)))
        else:
            row.value = json.dumps(body, ensure_ascii=False)
        audit.record(s, actor, "setting", key, "update", {"value": before}, {"value": body})


def reset_template(db: Database, actor: Actor, kind: NoticeKind | str) -> None:
    """Back to the shipped wording."""
    require(actor, Perm.EDIT_OFFICE)
    k = _kind(kind)
    with db.write() as s:
        row = s.get(SettingRow, TEMPLATE_KEY + k.value)
        if row is not None:
            audit.record(s, actor, "setting", row.key, "reset", {"value": json.loads(row.value)}, None)
            s.delete(row)


def preview(db: Database, kind: NoticeKind | str, text: str | None = None) -> list[str]:
    """The paragraphs ``text`` (or the current template) gives with sample values, for the
    settings page's live preview. Raises ValidationError for an unknown placeholder."""
    k = _kind(kind)
    body = _check_template(text) if text is not None else template_text(db, k)
    return rules.fill(body, _sample())


def _sample() -> dict[str, str]:
    """The preview's value of every placeholder: its description in 【】."""
    return {n: f"【{d.split('（')[0]}】" for n, d in rules.PLACEHOLDERS.items()}
