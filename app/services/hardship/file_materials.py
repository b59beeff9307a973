"""Materials of a household file (申请书, 收入证明, 身份证 …): scanned files stored like the
registrations' attachments, content-addressed in the data folder; added all or none."""
from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.db import Database
from app.db.models_hardship import HardshipMaterial
from app.domain import clock
from app.domain.actor import Actor
from app.domain.errors import Collector, NotFound, UserError, ValidationError
from app.domain.hardship import MaterialKind
from app.domain.permissions import Perm

from .. import attachments as att
from .. import audit
from ..access import require
from .common import enum, get_file
from .file_records import F_MATERIAL_KIND, MaterialRecord, check_step, material_record


def add_materials(db: Database, actor: Actor, file_id: int, kind: Any,
                  paths: Sequence[str | os.PathLike], *, now: datetime | None = None
                  ) -> list[MaterialRecord]:
    """Attach scanned materials of one kind (申请书, 收入证明 …) to a file, all or none; stored like
    the registrations' attachments (content-addressed in the data folder)."""
    require(actor, Perm.FILE_HARDSHIP)
    at = now or clock.now()
    errors = Collector()
    kind_ = enum(errors, MaterialKind, kind, F_MATERIAL_KIND)
    errors.raise_if_any()
    staged = att._stage_all(db, list(paths), errors)   # noqa: SLF001 - one store for every file
    if errors.errors or not staged:
        att._discard_staged(staged)   # noqa: SLF001
        errors.raise_if_any()
        raise ValidationError([(att.FIELD, "请选择文件")])
    created: list[Path] = []
    try:
        created = att._place(db, staged)   # noqa: SLF001
        with db.write() as s:
            f = get_file(s, file_id)
            check_step(f, "edit", at.date())
            out = []
            for st in staged:
                m = HardshipMaterial(file_id=f.id, kind=kind_.value, sha256=st.sha256,
                                     filename=st.filename, size=st.size, added_by=actor.user_id,
                                     added_at=at)
                s.add(m)
                s.flush()
                audit.record(s, actor, "hardship_file", f.id, "attach", None,
                             {"material_id": m.id, "kind": m.kind, "sha256": m.sha256,
                              "filename": m.filename, "size": m.size})
                out.append(material_record(m))
            return out
    except BaseException:
        att._discard_staged(staged)   # noqa: SLF001
        _remove_unused(db, created)
        raise


def _remove_unused(db: Database, created: list[Path]) -> None:
    if not created:
        return
    try:
        with db.read() as s:
            names = [p.name for p in created]
            used = set(s.scalars(select(HardshipMaterial.sha256).where(HardshipMaterial.sha256.in_(names))))
            used |= set(s.scalars(select(att.Attachment.sha256).where(att.Attachment.sha256.in_(names))))
    except Exception:   # cannot tell: keeping a content-addressed file is harmless
        return
    for p in created:
        if p.name not in used:
            p.unlink(missing_ok=True)


def materials(db: Database, file_id: int) -> list[MaterialRecord]:
    with db.read() as s:
        return [material_record(x) for x in s.scalars(
            select(HardshipMaterial).where(HardshipMaterial.file_id == file_id).order_by(HardshipMaterial.id))]


def material_file(db: Database, material_id: int) -> Path:
    """Where a material's stored copy is, to open it; UserError when the record or file is missing."""
    with db.read() as s:
        m = s.get(HardshipMaterial, material_id)
        if m is None:
            raise NotFound(f"找不到编号为 {material_id} 的材料", "material not found")
        path, name = att._stored_path(db, m.sha256), m.filename   # noqa: SLF001
    if not path.is_file():
        raise UserError(f"材料「{name}」的文件在数据文件夹中找不到（{path}），请从备份恢复",
                        "material file missing")
    return path

