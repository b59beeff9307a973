"""Attachments (附件): files kept with a registration, and with any ledger's record (a claim's
documents: ``stored_files`` hands the stored copies to the caller's own transaction).

* Files are read, hashed and copied into ``<data_dir>/attachments/<sha[:2]>/<sha>`` BEFORE the
  transaction that records them (content-addressed, so the same file is stored once). When that
  transaction then fails, the files the call newly created are removed again unless some
  attachment row refers to them; nothing is left behind.
* Every function opens its own unit of work and returns frozen dataclasses. Any thread.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from app.db import Database
from app.db.models import Attachment, Base, Registration
from app.domain import clock
from app.domain.actor import Actor
from app.domain.errors import Collector, Label, NotFound, UserError, ValidationError
from app.domain.permissions import Perm
from app.domain.validation import is_blank
from app.paths import private_dir

from . import audit
from .access import require

FIELD = Label("附件", "attachments")   # the form field's label, in every error about the files
MAX_ATTACHMENT_BYTES = 100 * 1024 * 1024


@dataclass(frozen=True)
class AttachmentRecord:
    id: int
    registration_id: int
    sha256: str
    filename: str
    size: int
    added_at: datetime


def attachments_dir(db: Database) -> Path:
    return db.data_dir / "attachments"


def _stored_path(db: Database, sha: str) -> Path:
    return attachments_dir(db) / sha[:2] / sha


@dataclass
class _Staged:
    source: Path
    filename: str
    sha256: str
    size: int
    tmp: Path | None


def _stage(db: Database, raw: str | os.PathLike, errors: Collector) -> _Staged | None:
    """Read one file, hashing it into a temporary file beside the store. Unreadable → error."""
    field = FIELD
    path = Path(os.fspath(raw)).expanduser()
    name = path.name or str(path)
    if not path.exists():
        errors.add(field, f"文件「{name}」不存在（{path}），请重新选择")
        return None
    if path.is_dir():
        errors.add(field, f"「{name}」是文件夹，请选择文件")
        return None
    tmp_dir = private_dir(private_dir(attachments_dir(db)) / "tmp")   # owner only (app.paths)
    fd, tmp_name = tempfile.mkstemp(dir=tmp_dir, prefix="in-")
    tmp = Path(tmp_name)
    h, size = hashlib.sha256(), 0
    try:
        with os.fdopen(fd, "wb") as out, open(path, "rb") as src:
            while chunk := src.read(1 << 20):
                size += len(chunk)
                if size > MAX_ATTACHMENT_BYTES:
                    raise _TooBig()
                h.update(chunk)
                out.write(chunk)
    except _TooBig:
        tmp.unlink(missing_ok=True)
        errors.add(field, f"文件「{name}」超过 {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB，"
                          "请压缩或分开扫描后再添加")
        return None
    except PermissionError:
        tmp.unlink(missing_ok=True)
        errors.add(field, f"文件「{name}」无法读取（没有读取权限），请检查文件后重新选择")
        return None
    except OSError as e:
        tmp.unlink(missing_ok=True)
        errors.add(field, f"文件「{name}」无法读取（{e.strerror or e}），请检查文件后重新选择")
        return None
    return _Staged(path, name[:255], h.hexdigest(), size, tmp)


class _TooBig(Exception):
    pass


def _discard_staged(staged: Iterable[_Staged]) -> None:
    for st in staged:
        if st.tmp is not None:
            st.tmp.unlink(missing_ok=True)
            st.tmp = None


def _place(db: Database, staged: Iterable[_Staged]) -> list[Path]:
    """Move staged files to their content address; return the paths this call created."""
    created: list[Path] = []
    for st in staged:
        if st.tmp is None:
            continue
        final = _stored_path(db, st.sha256)
        if final.exists():
            st.tmp.unlink(missing_ok=True)
        else:
            private_dir(final.parent)
            os.replace(st.tmp, final)                      # mkstemp made it 0600
            created.append(final)
        st.tmp = None
    return created


def _sha_columns() -> list:
    """The ``sha256`` column of every table that refers to stored files (attachments, a claim's
    documents…): a stored file is in use while any of them names it."""
    return [t.c.sha256 for t in Base.metadata.sorted_tables if "sha256" in t.c]


def _remove_unreferenced(db: Database, created: list[Path]) -> None:
    """After a failed save: delete the files this call created unless a row refers to them."""
    if not created:
        return
    try:
        with db.read() as s:
            names = [p.name for p in created]
            used = {sha for col in _sha_columns() for sha in s.scalars(select(col).where(col.in_(names)))}
    except Exception:  # cannot tell: keeping a content-addressed file is harmless
        return
    for p in created:
        if p.name not in used:
            p.unlink(missing_ok=True)


def _stage_all(db: Database, paths: Sequence[str | os.PathLike], errors: Collector) -> list[_Staged]:
    staged: list[_Staged] = []
    seen: set[str] = set()
    for raw in paths or ():
        if is_blank(raw):
            continue
        st = _stage(db, raw, errors)
        if st is None:
            continue
        if st.sha256 in seen:   # the same file twice on one registration: keep one
            _discard_staged([st])
            continue
        seen.add(st.sha256)
        staged.append(st)
    return staged


def _attachment_record(a: Attachment) -> AttachmentRecord:
    return AttachmentRecord(id=a.id, registration_id=a.registration_id, sha256=a.sha256,
                            filename=a.filename, size=a.size, added_at=a.added_at)


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    filename: str
    size: int


@contextmanager
def stored_files(db: Database, paths: Sequence[str | os.PathLike]) -> Iterator[list[StoredFile]]:
    """Copy ``paths`` into the store (each under its SHA-256; blank entries skipped, the same file
    once) and hand the stored files to the caller, who records them in its own ``db.write()``
    inside the ``with`` block. A file that cannot be read raises ValidationError naming it before
    anything is copied; when the block raises, the files this call newly stored are removed again
    unless some row refers to them."""
    errors = Collector()
    staged = _stage_all(db, list(paths or ()), errors)
    if errors.errors:
        _discard_staged(staged)
        errors.raise_if_any()
    created: list[Path] = []
    try:
        created = _place(db, staged)
        yield [StoredFile(st.sha256, st.filename, st.size) for st in staged]
    except BaseException:
        _discard_staged(staged)
        _remove_unreferenced(db, created)
        raise


def stored_file(db: Database, sha256: str, filename: str) -> Path:
    """Where the stored copy of a file recorded elsewhere (a claim's document) is, to open it."""
    path = _stored_path(db, sha256)
    if not path.is_file():
        raise UserError(f"附件「{filename}」的文件在数据文件夹中找不到（{path}），请从备份恢复",
                        "attachment file missing")
    return path


def add_attachments(db: Database, actor: Actor, registration_id: int,
                    paths: Sequence[str | os.PathLike], now: datetime | None = None
                    ) -> list[AttachmentRecord]:
    """Attach more files to a saved registration (each copied into the store under its SHA-256),
    all in one transaction: a file that cannot be read refuses the lot, naming it."""
    require(actor, Perm.REGISTER)
    now = now or clock.now()
    errors = Collector()
    staged = _stage_all(db, list(paths), errors)
    if errors.errors or not staged:
        _discard_staged(staged)
        errors.raise_if_any()
        raise ValidationError([(FIELD, "请选择文件")])
    created: list[Path] = []
    try:
        created = _place(db, staged)
        with db.write() as s:
            if s.get(Registration, registration_id) is None:
                raise NotFound(f"找不到编号为 {registration_id} 的登记", "registration not found")
            out = []
            for st in staged:
                a = Attachment(registration_id=registration_id, sha256=st.sha256,
                               filename=st.filename, size=st.size, added_by=actor.user_id,
                               added_at=now)
                s.add(a)
                s.flush()
                audit.record(s, actor, "registration", registration_id, "attach", None,
                             {"attachment_id": a.id, "sha256": a.sha256, "filename": a.filename,
                              "size": a.size})
                out.append(_attachment_record(a))
            return out
    except BaseException:
        _discard_staged(staged)
        _remove_unreferenced(db, created)
        raise


def add_attachment(db: Database, actor: Actor, registration_id: int, path: str | os.PathLike,
                   now: datetime | None = None) -> AttachmentRecord:
    """Attach one more file to a saved registration (see ``add_attachments``)."""
    return add_attachments(db, actor, registration_id, [path], now)[0]


def attachments(db: Database, registration_id: int) -> list[AttachmentRecord]:
    with db.read() as s:
        return [_attachment_record(a) for a in s.scalars(
            select(Attachment).where(Attachment.registration_id == registration_id)
            .order_by(Attachment.id))]


def attachment_file(db: Database, attachment_id: int) -> Path:
    """Where the stored copy is, to open it. UserError when the record or the file is missing."""
    with db.read() as s:
        a = s.get(Attachment, attachment_id)
        if a is None:
            raise NotFound(f"找不到编号为 {attachment_id} 的附件", "attachment not found")
        sha, name = a.sha256, a.filename
    return stored_file(db, sha, name)
