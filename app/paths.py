"""Where the program's own read-only files are: the top-level ``resources/`` folder (fonts, icons,
templates, translations, word lists).

Works from a source checkout or an editable install (``resources/`` beside the ``app`` package) and
from a PyInstaller bundle (``sys._MEIPASS/resources``; the spec copies the folder there).
"""
from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path

import app

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
