"""File-level helpers for SQLite databases: a consistent online copy, an integrity probe, a quick
look. Standard library only (no SQLAlchemy)."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from app.paths import private_dir, private_file


def online_copy(src: Path, dst: Path) -> None:
    """Copy a live SQLite database to ``dst`` (a consistent snapshot, even while others write).
    The copy is readable by its owner only, and so is a folder made for it (``app.paths``)."""
    private_dir(dst.parent, tighten=False)
    tmp = dst.with_name(dst.name + ".part")
    tmp.unlink(missing_ok=True)
    private_file(tmp)
    source = sqlite3.connect(f"file:{src}?mode=ro", uri=True, timeout=30)
    try:
        target = sqlite3.connect(tmp)
        try:
            source.backup(target)
            target.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        finally:
            target.close()
    finally:
        source.close()
    tmp.replace(dst)


def probe(path: Path) -> tuple[bool, str, str | None]:
    """(ok, message, alembic revision) for a file that claims to be a UnionDesk database."""
    if not path.is_file():
        return False, "文件不存在", None
    with path.open("rb") as fh:
        if fh.read(16) != b"SQLite format 3\x00":
            return False, "不是 SQLite 数据库文件", None
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = con.execute("PRAGMA integrity_check").fetchall()
            if [r[0] for r in rows] != ["ok"]:
                return False, "数据库文件已损坏：" + "; ".join(r[0] for r in rows[:3]), None
            has = con.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND "
                              "name='alembic_version'").fetchone()
            if not has:
                return False, "不是 UnionDesk 数据库（缺少版本信息）", None
            rev = con.execute("SELECT version_num FROM alembic_version").fetchone()
            return True, "ok", rev[0] if rev else None
        finally:
            con.close()
    except sqlite3.DatabaseError as e:
        return False, f"无法读取数据库文件：{e}", None


def has_rows(path: Path, table: str) -> bool:
    """Whether ``path`` is a SQLite file whose ``table`` has at least one row. Read-only, quick,
    never raises (False on any problem). A guess for the GUI's start-up (which window to paint
    first), never a check that decides anything about the data."""
    if not path.is_file():
        return False
    try:
        con = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=1)
        try:
            return con.execute(f'SELECT 1 FROM "{table}" LIMIT 1').fetchone() is not None
        finally:
            con.close()
    except (sqlite3.Error, ValueError):
        return False


def length_problem(path: Path) -> str | None:
    """Why the file's length does not match its page count × page size (a copy cut off, or with
    bytes appended), in Chinese; None when it matches. SQLite reads missing pages as empty, so a
    cut-off file may still pass ``PRAGMA integrity_check``."""
    with path.open("rb") as fh:
        head = fh.read(100)
    if len(head) < 100:
        return "文件不到 100 字节，不是完整的数据库文件"
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(head[28:32], "big")
    if pages == 0 or head[24:28] != head[92:96]:
        return None  # no valid page count in the header: SQLite goes by the file's length
    size = path.stat().st_size
    if size == pages * page_size:
        return None
    return (f"文件长度 {size} 字节，与文件头记录的 {pages} 页 × {page_size} 字节 = "
            f"{pages * page_size} 字节不符，文件不完整（可能被截断）")


def fts_problem(path: Path) -> str | None:
    """Run every FTS5 table's own 'integrity-check' (it needs a writable connection, so give it a
    private copy); the Chinese reason of the first failure, or None."""
    con = sqlite3.connect(path)
    try:
        names = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%USING fts5%'")]
        for name in names:
            try:
                con.execute(f'INSERT INTO "{name}"("{name}") VALUES (\'integrity-check\')')
            except sqlite3.DatabaseError as e:
                return f"全文索引 {name} 已损坏（{e}）"
            finally:
                con.rollback()
        return None
    finally:
        con.close()
