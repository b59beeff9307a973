"""Where things are: the program's own read-only files (the top-level ``resources/`` folder: fonts,
icons, templates, translations, word lists) and, by default, the person's data (database, backups,
logs).

``resources/`` is found from a source checkout or an editable install (beside the ``app`` package)
and from a PyInstaller bundle (``sys._MEIPASS/resources``; the spec copies the folder there).

Standard library only (no SQLAlchemy, no Qt): the GUI resolves ``--db`` and sets up logging with
this before its first window paints.
"""
from __future__ import annotations

import os
import sys
from functools import lru_cache
from pathlib import Path

import app

DB_FILE = "uniondesk.db"
FONT_FILE = "wqy-microhei.ttc"


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
