"""Importing the GUI's session context is light: the database module is only a type hint there, so
importing ``ui.context`` (which every page and operation does) does not load SQLAlchemy (about
0.3–0.6 s of start-up on the reference machine)."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_importing_ui_context_does_not_import_sqlalchemy():
    code = ("import sys, ui.context\n"
            "print(sorted(m for m in sys.modules if m == 'sqlalchemy' or m.startswith('app.db')))\n")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                       env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"
