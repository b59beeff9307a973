#!/usr/bin/env python3
"""Build the one-folder program with PyInstaller (``dist/UnionDesk/``), try it (``--smoke``), and
on Windows make the setup program with Inno Setup (``--setup``; needs ``iscc`` on PATH).

    python3 installer/bootstrap.py test                  # first: a venv with everything
    .venv/bin/pip install -e .[installer]                # PyInstaller
    .venv/bin/python installer/build.py [--smoke] [--setup] [--dist DIR] [--work DIR] [--no-build]

``--dist`` and ``--work`` (default ``dist/`` and ``build/`` in the checkout, both ignored by git)
say where the program and PyInstaller's work files go; ``--no-build`` uses the folder built before.

``--smoke`` then runs the built program (never the source) in a new temporary folder:

1. ``uniondesk-cli demo`` makes a small demo database (migrations, holiday seed, argon2, stdnum);
2. ``uniondesk-cli check`` on it must pass;
3. ``uniondesk-cli calendar show`` must list the statutory holidays (chinesecalendar's data);
4. ``uniondesk-cli notice`` writes a 受理告知书; the PDF is read back (pypdf): the Chinese text must be
   there, no character printed as 〓, and every font embedded, the bundled one among them;
5. ``UnionDesk`` opens offscreen, signs in as the demo administrator, paints the main window and
   exits 0 (``UNIONDESK_SMOKE_SIGN_IN`` and ``UNIONDESK_EXIT_AFTER_PAINT``, see ``ui/main.py``);
6. the PDFium library (print preview) and Qt's offscreen/windows platform plugins are in the folder.

It prints the build time, the folder's size and one line per check, and exits 1 if one failed.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NAME = "UnionDesk"          # the program (windowed on Windows)
CLI = "uniondesk-cli"       # the same program with a console
EXE_SUFFIX = ".exe" if os.name == "nt" else ""
DEMO_TODAY = "2026-06-01"   # fixed: the smoke run does not depend on the calendar day
TIMEOUT = 300               # seconds per run of the built program


def build(dist: Path, work: Path) -> Path:
    """Run PyInstaller on the spec with this checkout first on the path; the program's folder."""
    # The spec and PyInstaller's helper processes must import this checkout's app/ui, not another
    # copy installed (editable) into the same venv.
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])
    sys.path.insert(0, str(ROOT))
    import PyInstaller.__main__
    PyInstaller.__main__.run(["--noconfirm", "--clean", "--distpath", str(dist),
                              "--workpath", str(work), str(ROOT / "installer" / "uniondesk.spec")])
    return dist / NAME


def folder_size(folder: Path) -> tuple[int, int]:
    """(bytes, files) of everything under ``folder``; links counted as links."""
    total = files = 0
    for dirpath, _dirs, names in os.walk(folder):
        for n in names:
            total += os.lstat(os.path.join(dirpath, n)).st_size
            files += 1
    return total, files


class Smoke:
    """Runs the built program in a temporary folder and records one result per check."""

    def __init__(self, program: Path, tmp: Path):
        self.program, self.tmp = program, tmp
        self.db = tmp / "demo.db"
        self.results: list[tuple[str, bool, str]] = []
        env = {k: v for k, v in os.environ.items()
               if k not in ("PYTHONPATH", "PYTHONHOME", "UNIONDESK_DB") and not k.startswith("QT_")}
        env.update(UNIONDESK_DATA_DIR=str(tmp / "data"), QT_QPA_PLATFORM="offscreen")
        self.env = env

    def record(self, name: str, ok: bool, detail: str) -> bool:
        self.results.append((name, ok, detail))
        print(f"[smoke] {'ok  ' if ok else 'FAIL'} {name}: {detail}", flush=True)
        return ok

    def run(self, exe: str, *args: str, **env: str) -> tuple[subprocess.CompletedProcess, float]:
        started = time.perf_counter()
        try:
            r = subprocess.run([str(self.program / (exe + EXE_SUFFIX)), *args], cwd=self.tmp,
                               env=dict(self.env, **env), capture_output=True, text=True,
                               encoding="utf-8", errors="replace", timeout=TIMEOUT)
        except subprocess.TimeoutExpired as e:
            r = subprocess.CompletedProcess(e.cmd, -1, _text(e.stdout),
                                            _text(e.stderr) + f"\n(timed out after {TIMEOUT} s)")
        return r, time.perf_counter() - started

    def cli(self, *args: str) -> tuple[subprocess.CompletedProcess, float]:
        return self.run(CLI, "--db", str(self.db), *args)

    def demo(self) -> bool:
        r, t = self.cli("demo", "--people", "300", "--registrations", "300", "--today", DEMO_TODAY)
        ok = r.returncode == 0 and self.db.is_file() and "Traceback" not in r.stderr
        return self.record("demo database", ok,
                           f"{t:.1f} s, {self.db.stat().st_size // 1024} KB" if ok else _tail(r))

    def check(self) -> bool:
        r, t = self.cli("check")
        ok = r.returncode == 0 and "全部通过" in r.stdout
        last = r.stdout.strip().splitlines()[-1] if r.stdout.strip() else ""
        return self.record("check", ok, f"{t:.1f} s, {last}" if ok else _tail(r))

    def calendar(self) -> bool:
        r, t = self.cli("calendar", "show", "2026")
        days = [line for line in r.stdout.splitlines() if line.strip()]
        ok = r.returncode == 0 and any("国庆节" in line for line in days)
        return self.record("holiday calendar", ok,
                           f"{t:.1f} s, {len(days)} days listed for 2026" if ok else _tail(r))

    def notice(self) -> bool:
        from app.domain.notices import NoticeKind
        from app.services.demo.people import OFFICE_PROFILE
        with sqlite3.connect(self.db) as conn:
            case_no = conn.execute("SELECT case_no FROM cases ORDER BY id LIMIT 1").fetchone()[0]
        pdf = self.tmp / "notice.pdf"
        r, t = self.cli("notice", "--case", case_no, "--kind", NoticeKind.ACCEPT.value,
                        "--pdf", str(pdf))
        if r.returncode != 0 or not pdf.is_file():
            return self.record("notice PDF", False, _tail(r))
        text, fonts = pdf_text_and_fonts(pdf)
        problems = []
        for want in (NoticeKind.ACCEPT.title, OFFICE_PROFILE["office.name"]):
            if want not in text:
                problems.append(f"「{want}」 not in the PDF's text")
        if "〓" in text:
            problems.append("a character printed as 〓")
        missing = [name for name, embedded in fonts if not embedded]
        if missing:
            problems.append("fonts not embedded: " + ", ".join(missing))
        if not any("WenQuanYi" in name or "wqy" in name.lower() for name, _ in fonts):
            problems.append("the bundled font is not used: " + ", ".join(n for n, _ in fonts))
        if r.stderr.strip():
            problems.append("warnings: " + r.stderr.strip())
        detail = (f"{t:.1f} s, {case_no}, {pdf.stat().st_size // 1024} KB, {len(text)} characters, "
                  f"fonts {', '.join(n for n, _ in fonts)} (embedded)")
        return self.record("notice PDF", not problems, "; ".join(problems) or detail)

    def gui(self, username: str, password: str) -> bool:
        env = dict(UNIONDESK_SMOKE_SIGN_IN=f"{username}:{password}",
                   UNIONDESK_EXIT_AFTER_PAINT="MainWindow", UNIONDESK_TIMING="1")
        # The windowed UnionDesk.exe has no stderr to read the paint timing from: on Windows its
        # console twin (the same code) reports it, and the windowed one must then exit 0 too.
        r, t = self.run(CLI if os.name == "nt" else NAME, "--db", str(self.db), **env)
        painted = [line for line in r.stderr.splitlines() if line.startswith("timing: ")]
        problems = [line for line in r.stderr.splitlines()
                    if "Traceback" in line or "bundled font not loaded" in line
                    or "Could not load the Qt platform plugin" in line]
        detail = f"{t:.1f} s wall, " + "; ".join(line[len("timing: "):] for line in painted)
        if os.name == "nt":
            w, tw = self.run(NAME, "--db", str(self.db), **env)
            if w.returncode != 0:
                problems.append(f"{NAME}.exe (no console) exited {w.returncode}")
            detail += f"; {NAME}.exe (no console) exited {w.returncode} after {tw:.1f} s"
        log = self.tmp / "data" / "logs" / "uniondesk.log"
        if log.is_file():  # the program's own log: warnings and errors it did not show
            problems += [line for line in log.read_text(encoding="utf-8").splitlines()
                         if " ERROR " in line or " CRITICAL " in line or "Traceback" in line]
        ok = (r.returncode == 0 and any(line.startswith("timing: MainWindow") for line in painted)
              and not problems)
        return self.record("main window offscreen", ok,
                           detail if ok else "\n    ".join([_tail(r), *problems]))

    def bundled_libraries(self) -> bool:
        """Files the smoke runs above do not load: PDFium (the print preview) where pypdfium2
        looks for it (beside its module, with the version files both packages read at import),
        and the Qt platform plugins and Chinese translation."""
        internal = self.program / "_internal"
        lib = ("pdfium.dll" if os.name == "nt"
               else "libpdfium.dylib" if sys.platform == "darwin" else "libpdfium.so")
        pdfium = [Path("pypdfium2_raw", lib), Path("pypdfium2_raw", "version.json"),
                  Path("pypdfium2", "version.json")]
        pdfium_missing = [p.as_posix() for p in pdfium if not (internal / p).is_file()]
        platforms = sorted(p.name for p in internal.rglob("platforms/*") if p.is_file())
        wanted = ["offscreen", "windows" if os.name == "nt" else "xcb"]
        lacking = [w for w in wanted if not any(w in p for p in platforms)]
        translations = [p.name for p in internal.rglob("qtbase_zh_CN.qm")]
        ok = not pdfium_missing and not lacking and bool(translations)
        return self.record("bundled libraries", ok,
                           f"PDFium {'missing ' + ', '.join(pdfium_missing) if pdfium_missing else lib}; "
                           f"Qt platforms {', '.join(platforms)}"
                           + (f" (missing {lacking})" if lacking else "")
                           + f"; Qt Chinese translation {translations or 'MISSING'}")


def pdf_text_and_fonts(pdf: Path) -> tuple[str, list[tuple[str, bool]]]:
    """The PDF's text without white space, and (font name, embedded?) for every font that shows
    some of it (reportlab names Helvetica, its starting font, on each page without using it)."""
    from pypdf import PdfReader
    reader = PdfReader(pdf)
    fonts: dict[str, bool] = {}

    def visit(text, _cm, _tm, font, _size) -> None:
        if font is not None and text.strip():
            desc_holder = font
            if font.get("/Subtype") == "/Type0":
                desc_holder = font["/DescendantFonts"][0].get_object()
            desc = desc_holder.get("/FontDescriptor")
            desc = desc.get_object() if desc is not None else {}
            embedded = any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts[str(font.get("/BaseFont", "?")).lstrip("/")] = embedded

    text = "".join("".join(page.extract_text(visitor_text=visit).split()) for page in reader.pages)
    return text, sorted(fonts.items())


def _text(data) -> str:
    if data is None:
        return ""
    return data.decode("utf-8", "replace") if isinstance(data, bytes) else data


def _tail(r: subprocess.CompletedProcess) -> str:
    out = (r.stdout or "").strip().splitlines()[-5:] + (r.stderr or "").strip().splitlines()[-15:]
    return f"exit {r.returncode}\n    " + "\n    ".join(out)


def smoke(program: Path) -> bool:
    sys.path.insert(0, str(ROOT))
    try:
        import pypdf  # noqa: F401 - reads the notice back
    except ImportError:
        print("[smoke] needs pypdf: pip install -e .[test]", flush=True)
        return False
    from app.domain.enums import Role
    from app.services.demo.people import ACCOUNTS, DEMO_PASSWORD
    admin = next(username for username, role, _name in ACCOUNTS if role is Role.ADMIN)
    with tempfile.TemporaryDirectory(prefix="uniondesk-smoke-") as tmp:
        s = Smoke(program, Path(tmp))
        if s.demo():
            s.check()
            s.calendar()
            s.notice()
            s.gui(admin, DEMO_PASSWORD)
        s.bundled_libraries()
    failed = [name for name, ok, _ in s.results if not ok]
    print(f"[smoke] {len(s.results) - len(failed)} of {len(s.results)} checks passed"
          + (f"; failed: {', '.join(failed)}" if failed else ""), flush=True)
    return not failed


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="build.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--smoke", action="store_true", help="run the built program's smoke checks")
    p.add_argument("--no-build", action="store_true",
                   help="skip PyInstaller: smoke-test or package the folder built before")
    p.add_argument("--setup", action="store_true", help="make the Windows setup program (iscc)")
    p.add_argument("--dist", type=Path, default=ROOT / "dist", help="where the program goes")
    p.add_argument("--work", type=Path, default=ROOT / "build", help="PyInstaller's work folder")
    args = p.parse_args(argv)
    started = time.perf_counter()
    if args.no_build:
        program = args.dist.resolve() / NAME
        if not program.is_dir():
            print(f"{program} does not exist: build it first (without --no-build)")
            return 2
    else:
        program = build(args.dist.resolve(), args.work.resolve())
    seconds = time.perf_counter() - started
    size, files = folder_size(program)
    print(f"{'found' if args.no_build else 'built'} {program}"
          + ("" if args.no_build else f" in {seconds:.0f} s")
          + f": {size / 2**20:.0f} MB in {files} files", flush=True)
    if args.smoke and not smoke(program):
        return 1
    if args.setup:
        iscc = shutil.which("iscc") or shutil.which("ISCC")
        if not iscc:
            print("Inno Setup (iscc) not found: install it on Windows to make the setup program")
            return 2
        return subprocess.run([iscc, f"/DDistDir={args.dist.resolve()}",
                               str(ROOT / "installer" / "uniondesk.iss")]).returncode
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
