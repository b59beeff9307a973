#!/usr/bin/env python3
"""Build the one-folder program with PyInstaller (dist/UnionDesk/), and on Windows the setup
program with Inno Setup (``--setup``; needs ``iscc`` on PATH).

    python3 installer/bootstrap.py test            # first: a venv with everything
    .venv/bin/pip install -e .[installer]          # PyInstaller
    .venv/bin/python installer/build.py [--setup]
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str]) -> int:
    import PyInstaller.__main__
    PyInstaller.__main__.run(["--noconfirm", "--clean", "--distpath", str(ROOT / "dist"),
                              "--workpath", str(ROOT / "build"),
                              str(ROOT / "installer" / "uniondesk.spec")])
    print(f"built {ROOT / 'dist' / 'UnionDesk'}")
    if "--setup" in argv:
        iscc = shutil.which("iscc") or shutil.which("ISCC")
        if not iscc:
            print("Inno Setup (iscc) not found: install it on Windows to make the setup program")
            return 2
        return subprocess.run([iscc, str(ROOT / "installer" / "uniondesk.iss")]).returncode
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
