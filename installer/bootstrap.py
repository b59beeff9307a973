#!/usr/bin/env python3
"""Set up and run UnionDesk from a source checkout with nothing but python3.

    python3 installer/bootstrap.py run  [uniondesk arguments]   # start the program
    python3 installer/bootstrap.py test [pytest arguments]      # run the whole test suite

Each command creates ``.venv`` beside ``pyproject.toml`` when missing, (re)installs the project
into it whenever ``pyproject.toml`` changed, and — when run as root on Debian/Ubuntu — installs the
system libraries Qt needs if they are missing (and ``python3-venv`` if venv cannot be created).
Standard library only: this file runs before anything is installed.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
IS_WINDOWS = os.name == "nt"
PY = VENV / ("Scripts/python.exe" if IS_WINDOWS else "bin/python")

# Debian packages that the PySide6 wheels' Qt libraries and the xcb platform plugin load.
QT_DEBIAN_PACKAGES = [
    "libegl1", "libgl1", "libopengl0", "libglib2.0-0", "libfontconfig1", "libfreetype6",
    "libxkbcommon0", "libdbus-1-3", "libxkbcommon-x11-0", "libxcb-cursor0", "libxcb-icccm4",
    "libxcb-image0", "libxcb-keysyms1", "libxcb-randr0", "libxcb-render-util0", "libxcb-shape0",
    "libxcb-xinerama0", "libxcb-xkb1", "libxcb-xfixes0", "libx11-xcb1", "libxrender1", "libxi6",
    "libsm6", "libice6",
]
# A TrueType font with CJK Extension A/B, so that rare characters in names (𠮷, 䶮) print on
# notices instead of 〓 (app.output.pdf looks for it; Windows has SimSun-ExtB of its own).
RARE_CHAR_FONT = Path("/usr/share/fonts/truetype/hanazono/HanaMinB.ttf")
RARE_CHAR_FONT_PACKAGE = "fonts-hanazono"
# A TrueType 宋体 for the notices' body and title (GB/T 9704 wants 仿宋/小标宋; Linux has neither,
# and AR PL UMing is nearer than the bundled sans; app.output.fonts picks it up by itself).
SONG_FONT = Path("/usr/share/fonts/truetype/arphic/uming.ttc")
SONG_FONT_PACKAGE = "fonts-arphic-uming"


def say(msg: str) -> None:
    print(f"[bootstrap] {msg}", flush=True)


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def apt_install(packages: list[str]) -> bool:
    """Install Debian packages as root; tolerant of names a release does not have."""
    if not (is_root() and shutil.which("apt-get")):
        return False
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    say("apt-get install " + " ".join(packages))
    subprocess.run(["apt-get", "update", "-qq"], env=env, check=False)
    cmd = ["apt-get", "install", "-y", "-qq", "--no-install-recommends"]
    if subprocess.run(cmd + packages, env=env, check=False).returncode == 0:
        return True
    ok = False
    for pkg in packages:  # one by one: skip names this release lacks (e.g. *t64 renames)
        alt = [pkg, pkg + "t64"] if pkg.startswith("libglib") else [pkg]
        for name in alt:
            if subprocess.run(cmd + [name], env=env, check=False,
                              stdout=subprocess.DEVNULL).returncode == 0:
                ok = True
                break
    return ok


def ensure_venv() -> None:
    if PY.exists():
        return
    say(f"creating virtual environment in {VENV.name}/")
    r = subprocess.run([sys.executable, "-m", "venv", str(VENV)])
    if r.returncode != 0:
        shutil.rmtree(VENV, ignore_errors=True)
        ver = f"python3.{sys.version_info.minor}-venv"
        if not apt_install(["python3-venv", ver]):
            sys.exit("无法创建虚拟环境 / cannot create a venv: install python3-venv (as root: "
                     "apt-get install python3-venv) and run again.")
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)


def _extras(text: str) -> set[str]:
    return {e.strip() for e in text.split(",") if e.strip()}


def stamp_covers(stamp_text: str, digest: str, extras: str) -> bool:
    """Whether an install recorded in ``stamp_text`` (lines 「<digest> <extras>」) has this
    ``pyproject.toml`` digest and at least ``extras``: the ``test`` install is a superset of the
    runtime one, so ``run`` after ``test`` installs nothing."""
    for line in stamp_text.splitlines():
        have_digest, _, have_extras = line.strip().partition(" ")
        if have_digest == digest and _extras(extras) <= _extras(have_extras):
            return True
    return False


def stamp_after_install(stamp_text: str, digest: str, extras: str) -> str:
    """The stamp after installing ``extras``: an install never removes what an earlier one with
    the same ``pyproject.toml`` put in, so the extras add up."""
    have: set[str] = set()
    for line in stamp_text.splitlines():
        have_digest, _, have_extras = line.strip().partition(" ")
        if have_digest == digest:
            have |= _extras(have_extras)
    return f"{digest} {','.join(sorted(have | _extras(extras)))}\n"


def quiet_pip_env() -> dict[str, str]:
    """pip's environment without the build backend's warning banners (setuptools prints a
    「BuildBackendWarning: Editable installation …」 block for every editable install)."""
    env = dict(os.environ)
    env["PYTHONWARNINGS"] = ",".join(w for w in (env.get("PYTHONWARNINGS"), "ignore::UserWarning") if w)
    env.setdefault("PIP_DISABLE_PIP_VERSION_CHECK", "1")
    return env


def ensure_installed(extras: str) -> None:
    """pip-install the project (editable) unless an install of this pyproject.toml with at least
    these extras is recorded."""
    stamp_file = VENV / ".uniondesk-stamp"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    have = stamp_file.read_text() if stamp_file.exists() else ""
    if stamp_covers(have, digest, extras):
        return
    say(f"installing UnionDesk and its dependencies ({extras or 'runtime'}) …")
    env = quiet_pip_env()
    subprocess.run([str(PY), "-m", "pip", "install", "-q", "--upgrade", "pip"], check=False, env=env)
    target = f".[{extras}]" if extras else "."
    subprocess.run([str(PY), "-m", "pip", "install", "-q", "-e", target], cwd=ROOT, check=True, env=env)
    stamp_file.write_text(stamp_after_install(have, digest, extras))


def qt_missing_libraries() -> list[str]:
    """Shared libraries that Qt's widgets module or the xcb plugin cannot find (Linux only)."""
    if not sys.platform.startswith("linux"):
        return []
    probe = subprocess.run(
        [str(PY), "-c", "import PySide6, os; print(os.path.dirname(PySide6.__file__))"],
        capture_output=True, text=True)
    if probe.returncode != 0:
        return ["PySide6"]
    qt = Path(probe.stdout.strip()) / "Qt"
    candidates = [qt / "plugins/platforms/libqxcb.so", qt / "plugins/platforms/libqoffscreen.so",
                  *sorted((qt / "lib").glob("libQt6XcbQpa.so*"))[:1],
                  *sorted((qt / "lib").glob("libQt6Widgets.so*"))[:1]]
    missing: set[str] = set()
    if shutil.which("ldd"):
        for lib in candidates:
            if lib.exists():
                out = subprocess.run(["ldd", str(lib)], capture_output=True, text=True).stdout
                missing |= {ln.split()[0] for ln in out.splitlines() if "not found" in ln}
    widgets = subprocess.run([str(PY), "-c", "import PySide6.QtWidgets"], capture_output=True)
    if widgets.returncode != 0:
        missing.add("QtWidgets")
    return sorted(missing)


def ensure_qt_libraries() -> None:
    missing = qt_missing_libraries()
    if not missing:
        return
    say("Qt is missing system libraries: " + ", ".join(missing))
    if not apt_install(QT_DEBIAN_PACKAGES):
        say("run as root on Debian/Ubuntu to install them automatically, or install: "
            + " ".join(QT_DEBIAN_PACKAGES))


def ensure_rare_char_font() -> None:
    if not sys.platform.startswith("linux") or RARE_CHAR_FONT.exists():
        return
    if not apt_install([RARE_CHAR_FONT_PACKAGE]):
        say(f"rare characters outside the bundled font will print as 〓; install {RARE_CHAR_FONT_PACKAGE}"
            " (as root: apt-get install " + RARE_CHAR_FONT_PACKAGE + ") to print them")


def ensure_song_font() -> None:
    if not sys.platform.startswith("linux") or SONG_FONT.exists():
        return
    if not apt_install([SONG_FONT_PACKAGE]):
        say(f"notices will print in the bundled sans font; install {SONG_FONT_PACKAGE}"
            " (as root: apt-get install " + SONG_FONT_PACKAGE + ") for a 宋体 face")


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("run", "test"):
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    ensure_venv()
    ensure_installed("test" if command == "test" else "")
    ensure_qt_libraries()
    ensure_rare_char_font()
    ensure_song_font()
    env = dict(os.environ)
    if command == "test":
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
        return subprocess.run([str(PY), "-m", "pytest", *rest], cwd=ROOT, env=env).returncode
    if (sys.platform.startswith("linux") and not rest and not env.get("DISPLAY")
            and not env.get("WAYLAND_DISPLAY") and not env.get("QT_QPA_PLATFORM")):
        say("no display found (DISPLAY is not set): start it inside a desktop session, "
            "or under Xvfb: xvfb-run python3 installer/bootstrap.py run")
    return subprocess.run([str(PY), "-m", "app.cli", *rest], cwd=ROOT, env=env).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
