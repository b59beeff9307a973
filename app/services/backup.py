"""Backups of the SQLite database file, restore from a backup, and the daily automatic backup.

Contract:

* ``backup_to`` / ``restore_from`` / ``auto_backup`` are the plain functions the command line
  calls (the machine operator); the GUI calls ``backup_as`` / ``restore_as``, which check
  ``Perm.BACKUP`` for the signed-in user. All of them may take seconds: run them off the GUI thread.
* A backup is a consistent snapshot (SQLite online backup API), a single self-contained file that
  can be opened as a database directly. Beside it, ``<file>.audit-anchor.json`` records the length
  and head of its audit trail (``audit.sidecar_path``).
* ``restore_from`` checks the backup before touching anything: a file that is not a UnionDesk
  database, is damaged, is shorter or longer than its page count says, has a damaged full-text
  index, no longer holds the audit trail its anchor file records, or comes from a newer program is
  refused and the current database stays as it was. Otherwise the current database is first copied
  to ``backups/before-restore-<stamp>.db``, then replaced in one rename, then opened once so that an
  older backup is migrated; the log folder's audit anchor is then set to the restored trail (the
  restore's audit row keeps the fingerprint it replaced).
* A server database (PostgreSQL) is backed up and restored on the server (pg_dump / pg_restore).
"""
from __future__ import annotations

import os
import re
import shutil
import sqlite3
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

from sqlalchemy.engine import URL

from app.db import Database, open_database
from app.db.migrate import HEAD, is_known_revision
from app.db.sqlitefile import fts_problem, length_problem, online_copy, probe
from app.domain.actor import CLI_ACTOR, Actor
from app.domain.errors import UserError
from app.domain.permissions import Perm
from app.paths import private_dir

from . import audit
from . import settings as settings_service
from .access import check_account, require

BACKUP_FOLDER = "backups"
AUTO_RE = re.compile(r"^auto-(\d{8})\.db$")
# Tables every UnionDesk database has since the first schema.
_CORE_TABLES = {"users", "audit_log", "settings"}


def backups_dir(data_dir: Path) -> Path:
    """``backups/`` beside the database, made readable by the owner only (app.paths)."""
    return private_dir(data_dir / BACKUP_FOLDER)


def _stamp() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except OSError:
        return False


def _server_error(what: str) -> UserError:
    return UserError(f"当前数据库在服务器上（{what}），请在数据库服务器上用 pg_dump / pg_restore 备份和恢复",
                     "server database: use pg_dump / pg_restore on the server")


# ---------------------------------------------------------------- backup

def backup_to(db: Database, out: Path) -> Path:
    """Write a consistent copy of the open database to ``out`` (a file, or a folder in which a
    ``uniondesk-<stamp>.db`` is made). Returns the file written."""
    if not db.is_sqlite or db.path is None:
        raise _server_error(db.display_name)
    out = Path(out).expanduser()
    if out.is_dir():
        out = out / f"uniondesk-{_stamp()}.db"
    if _same_file(out, db.path):
        raise UserError(f"备份文件 {out} 就是正在使用的数据库，请选择其他文件名或文件夹",
                        "backup target is the database itself")
    try:
        online_copy(db.path, out)
        _write_sidecar(out)
    except OSError as e:
        raise UserError(f"无法写入备份文件 {out}：{e.strerror or e}。请检查文件夹是否存在、是否有写入权限、磁盘空间是否足够。",
                        "cannot write the backup file") from e
    return out


def _write_sidecar(backup_file: Path) -> None:
    """Record the backup's own audit length and head beside it (read from the copy itself)."""
    audit.write_anchor(audit.sidecar_path(backup_file), audit.anchor_of_file(backup_file))


def backup_as(db: Database, actor: Actor, out: Path) -> Path:
    """GUI backup: requires ``Perm.BACKUP``; the backup is recorded in the audit trail. The copy
    is made outside any transaction, so the account is checked before it is made, not only when
    the audit row is written."""
    require(actor, Perm.BACKUP)
    with db.read() as s:
        check_account(s, actor)
    path = backup_to(db, out)
    with db.write() as s:
        audit.record(s, actor, "database", "", "backup", None, {"file": str(path)})
    return path


def auto_backup(db: Database, keep: int | None = None, today: date | None = None) -> Path | None:
    """At most one automatic backup a day, ``backups/auto-YYYYMMDD.db`` beside the database; the
    newest ``keep`` (setting ``backup.keep``) are kept. Returns the new file, or None when today's
    exists already or the database is on a server."""
    if not db.is_sqlite or db.path is None:
        return None
    today = today or date.today()
    folder = backups_dir(db.data_dir)
    target = folder / f"auto-{today:%Y%m%d}.db"
    if target.exists():
        return None
    if keep is None:
        keep = int(settings_service.get(db, "backup.keep"))
    online_copy(db.path, target)
    _write_sidecar(target)
    autos = sorted((p for p in folder.iterdir() if AUTO_RE.match(p.name)), key=lambda p: p.name)
    for old in autos[:max(0, len(autos) - max(1, keep))]:
        old.unlink(missing_ok=True)
        audit.sidecar_path(old).unlink(missing_ok=True)
    return target


# ---------------------------------------------------------------- restore

def _not_backup(src: Path, why: str) -> UserError:
    return UserError(f"{src} 不是 UnionDesk 备份文件：{why}。当前数据库没有改动。",
                     "not a UnionDesk backup file; nothing was changed")


def check_backup_file(src: Path) -> str:
    """Raise UserError unless ``src`` is an intact UnionDesk database this program can open;
    return its schema revision."""
    if not src.exists():
        raise UserError(f"找不到备份文件 {src}，请检查路径", "backup file not found")
    if src.is_file() and (why := length_problem(src)):
        raise _not_backup(src, why)
    ok, message, rev = probe(src)
    if not ok:
        raise _not_backup(src, message)
    try:
        con = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
        try:
            names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        finally:
            con.close()
    except sqlite3.DatabaseError as e:
        raise _not_backup(src, f"无法读取（{e}）") from e
    if not rev or not _CORE_TABLES <= names:
        raise _not_backup(src, "缺少 UnionDesk 的数据表或版本信息")
    if rev != HEAD and not is_known_revision(rev):
        raise UserError(f"备份文件 {src} 的数据库版本 {rev} 比本程序新，请先升级 UnionDesk 再恢复。当前数据库没有改动。",
                        "the backup is newer than this program; nothing was changed")
    _check_sidecar(src)
    return rev


def _check_sidecar(src: Path) -> None:
    """A backup whose trail is not the one recorded beside it when it was made was changed since."""
    try:
        recorded = audit.read_anchor(audit.sidecar_path(src))
    except ValueError as e:
        raise UserError(f"{e}。当前数据库没有改动。", "the backup's anchor file is unreadable") from e
    if recorded is None:
        return
    try:
        now = audit.anchor_of_file(src)
    except sqlite3.DatabaseError as e:
        raise _not_backup(src, f"无法读取审计记录（{e}）") from e
    if (now.length, now.head_id, now.head_hash) != (recorded.length, recorded.head_id,
                                                    recorded.head_hash):
        raise UserError(f"备份文件 {src} 的审计记录（{now.length} 条，指纹 {now.fingerprint}）与备份时记录的"
                        f"（{recorded.length} 条，指纹 {recorded.fingerprint}）不同：备份文件在备份之后被改动过，"
                        "不能用它恢复。当前数据库没有改动。", "the backup was changed after it was made")


def _save_current(target: Path) -> Path | None:
    """Copy the database about to be replaced into backups/before-restore-<stamp>.db."""
    if not target.exists():
        return None
    folder = backups_dir(target.parent)
    saved = folder / f"before-restore-{_stamp()}.db"
    n = 1
    while saved.exists():
        n += 1
        saved = folder / f"before-restore-{_stamp()}-{n}.db"
    try:
        online_copy(target, saved)
    except sqlite3.DatabaseError:
        # The current file is damaged (perhaps why we restore): keep its raw bytes instead.
        shutil.copy2(target, saved)
        for suffix in ("-wal", "-shm"):
            side = target.with_name(target.name + suffix)
            if side.exists():
                shutil.copy2(side, saved.with_name(saved.name + suffix))
    return saved


def _checkpoint(target: Path) -> None:
    """Fold the write-ahead log into the file so no stale -wal is left behind (best effort)."""
    try:
        con = sqlite3.connect(target, timeout=5)
        try:
            con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            con.close()
    except sqlite3.DatabaseError:
        pass


def restore_from(url: URL, src: Path, actor: Actor = CLI_ACTOR) -> Path | None:
    """Replace the SQLite database at ``url`` with the backup ``src``.

    Returns where the previous database was saved (None when there was none). The restore is
    recorded in the restored database's audit trail under ``actor`` (the command line by default).
    Every other program window using the database must be closed first.
    """
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise _server_error(url.render_as_string(hide_password=True))
    target = Path(url.database)
    src = Path(src).expanduser()
    if _same_file(src, target):
        raise UserError(f"{src} 就是当前使用的数据库，请选择一个备份文件", "the backup is the database itself")
    check_backup_file(src)

    # Stage a self-contained copy beside the target first, so the final step is one rename.
    staging = target.with_name(target.name + ".restoring")
    try:
        online_copy(src, staging)
        why = fts_problem(staging)  # FTS5's own check needs a writable copy: this one
    except (OSError, sqlite3.DatabaseError) as e:
        staging.unlink(missing_ok=True)
        raise UserError(f"无法读取备份文件 {src}：{e}。当前数据库没有改动。", "cannot read the backup") from e
    if why:
        staging.unlink(missing_ok=True)
        raise _not_backup(src, why)

    try:
        saved = _save_current(target)
    except (OSError, sqlite3.DatabaseError) as e:
        staging.unlink(missing_ok=True)
        raise UserError(f"无法保存当前数据库的副本（{e}），因此没有恢复。请检查磁盘空间和文件夹权限。",
                        "cannot save the current database; nothing was changed") from e

    if target.exists():
        _checkpoint(target)
    try:
        for suffix in ("-wal", "-shm"):
            target.with_name(target.name + suffix).unlink(missing_ok=True)
        os.replace(staging, target)
    except OSError as e:
        staging.unlink(missing_ok=True)
        raise UserError(f"数据库文件正在被使用，无法替换（{e.strerror or e}）。请关闭所有 UnionDesk 窗口后重试；"
                        f"原数据库的副本在 {saved}。", "the database file is in use") from e

    db = open_database(target)  # migrates an older backup (after its own pre-migration copy)
    try:
        replaced = audit.reset_anchor(db)   # the restored trail is the one to follow from here
        with db.write() as s:
            audit.record(s, actor, "database", "", "restore", None,
                         {"file": str(src), "saved": str(saved) if saved else None,
                          "anchor_before": replaced.fingerprint if replaced else None})
    finally:
        db.close()
    return saved


def restore_as(db: Database, actor: Actor, src: Path) -> Path | None:
    """GUI restore: requires ``Perm.BACKUP``. Closes ``db``'s connections before and after the
    file is replaced — a background read may have connected to the old file meanwhile — so ``db``
    reads the restored file afterwards. The caller asks the person to sign in again (the restored
    accounts may differ)."""
    require(actor, Perm.BACKUP)
    with db.read() as s:
        check_account(s, actor)
    check_backup_file(Path(src))
    db.close()
    # The account was checked in the database it acted from; its id means nothing in the restored
    # one (another person, or none), so the restore is recorded there under its name only.
    recorded_as = replace(actor, user_id=None)
    try:
        return restore_from(db.url, src, recorded_as)
    finally:
        db.close()
