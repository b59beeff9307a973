"""app/ runs without Qt: importing every module of it must not import PySide6."""
import pkgutil
import subprocess
import sys

import app


def test_importing_app_does_not_import_qt():
    modules = [m.name for m in pkgutil.walk_packages(app.__path__, "app.")
               if ".migrations" not in m.name]
    code = ("import importlib, sys\n"
            f"for m in {modules!r}: importlib.import_module(m)\n"
            "bad = [m for m in sys.modules if m.startswith('PySide6') or m == 'ui' or m.startswith('ui.')]\n"
            "print(bad); sys.exit(1 if bad else 0)\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert len(modules) > 5
