"""Where things are: the program's own read-only files (the top-level ``resources/`` folder: fonts,
icons, templates, translations, word lists) and, by default, the person's data (database, backups,
logs).

``resources/`` is found from a source checkout or an editable install (beside the ``app`` package)
and from a PyInstaller bundle (``sys._MEIPASS/resources``; the spec copies the folder there).

Standard library only (no SQLAlchemy, no Qt): the GUI resolves ``--db`` and sets up logging with
this before its first window paints.

Privacy on POSIX: everything the program keeps about people is readable by its owner only — the
data, backup, log and attachment folders it makes are 0700, the database file (SQLite gives its
-wal/-shm the database's mode), backups, logs and attachments 0600 (``private_dir``,
``private_file``). On Windows the per-user data folder's own permissions keep other users out:
nothing is changed there.
"""
from __future__ import annotations

import os
import sys
from functools import lru_cache
from pathlib import Path

import app

DB_FILE = "uniondesk.db"
FONT_FILE = "wqy-microhei.ttc"
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
_POSIX = os.name == "posix"


@lru_cache(maxsize=1)
def resources_dir() -> Path:
    """The ``resources/`` folder. The bundle's copy wins when running frozen."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        candidate = Path(bundle) / "resources"
        if candidate.is_dir():
            return candidate
    return Path(app.__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    """``resource_path("fonts", "wqy-microhei.ttc")`` → absolute path (not checked for existence)."""
    return resources_dir().joinpath(*parts)


def bundled_font() -> Path:
    """The bundled CJK font (WenQuanYi Micro Hei, Apache-2.0) used by the GUI and the PDFs."""
    return resource_path("fonts", FONT_FILE)


def default_data_dir() -> Path:
    """The person's data folder: ``UNIONDESK_DATA_DIR`` when set, else the platform's user data
    folder (``%LOCALAPPDATA%\\UnionDesk`` on Windows)."""
    override = os.environ.get("UNIONDESK_DATA_DIR")
    if override:
        return Path(override)
    from platformdirs import user_data_dir
    return Path(user_data_dir(app.APP_NAME, appauthor=False))


def default_db_path() -> Path:
    return default_data_dir() / DB_FILE


def db_target(path_or_url: str | os.PathLike | None) -> Path | str:
    """What ``--db`` names: the absolute path of a database file, or the text of a URL (it
    contains ``://``). Nothing means ``UNIONDESK_DB``, else the default file."""
    if path_or_url is None:
        path_or_url = os.environ.get("UNIONDESK_DB") or default_db_path()
    text = os.fspath(path_or_url)
    if "://" in text:
        return text
    return Path(text).expanduser().resolve()


def private_dir(path: str | os.PathLike, *, tighten: bool = True) -> Path:
    """Make the folder ``path`` (and missing parents) readable by the owner only on POSIX. The
    folders created here are 0700; with ``tighten`` an existing ``path`` is set to 0700 as well (the
    program's own folders: data, backups, logs, attachments) — never a parent that already
    existed (a person's chosen folder for ``--db`` is left as it is). May raise OSError."""
    path = Path(path)
    created = [p for p in (path, *path.parents) if not p.exists()]
    path.mkdir(parents=True, exist_ok=True)
    if _POSIX:
        for p in created:
            os.chmod(p, PRIVATE_DIR_MODE)
        if tighten and path not in created:
            try:
                os.chmod(path, PRIVATE_DIR_MODE)
            except OSError:        # not ours, or read-only media: left as it is
                pass
    return path


def private_file(path: str | os.PathLike) -> Path:
    """Create ``path`` empty if it is missing, and make it readable by the owner only on POSIX
    (0600; an existing file is tightened too, unless it belongs to someone else or sits on
    read-only media, when it is left as it is). May raise OSError when it cannot be created."""
    path = Path(path)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | getattr(os, "O_BINARY", 0),
                         PRIVATE_FILE_MODE))
    if _POSIX:
        try:
            os.chmod(path, PRIVATE_FILE_MODE)
        except OSError:            # not ours, or read-only media: left as it is
            pass
    return path
