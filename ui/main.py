"""GUI start-up: application, bundled CJK font, database, first-run wizard, sign-in, main window.

``run_gui(db_arg)`` is what ``uniondesk`` runs with no sub-command. It returns the exit code: 0 when
the person closed the program, 2 when the database could not be opened (the reason is shown).

Order (DESIGN §6, first window painted within 1 s): Qt and the font, then — when ``--db`` is a file
that has accounts — the sign-in dialog, painted before SQLAlchemy is even imported; the database is
opened on a worker thread right after that first paint and 登录 is enabled once it is open. A new
database (first-run wizard), a server URL or a broken file is opened before the first window.
Nothing here imports alembic, openpyxl, reportlab, pypinyin, argon2 or stdnum before that paint
(a test checks).

Timing (for the start-up budget, DESIGN §6):

* ``UNIONDESK_TIMING=1`` prints ``timing: <WindowClass> first paint at <s> s since process start``
  to stderr the first time each top-level window has painted. "Process start" is the kernel's
  start time of this process (``/proc/self/stat``) where available, so interpreter start-up and
  imports are included; elsewhere it is when this module was imported, and the line says so.
* ``UNIONDESK_EXIT_AFTER_PAINT=1`` quits right after the first window has painted;
  ``UNIONDESK_EXIT_AFTER_PAINT=MainWindow`` (a class name) after that window has painted.

Smoke test of a build (``installer/build.py --smoke``): ``UNIONDESK_SMOKE_SIGN_IN=<user>:<password>``
fills the sign-in dialog and presses 登录 for the person, through the usual sign-in service (a
wrong password stays in the dialog). With ``UNIONDESK_EXIT_AFTER_PAINT=MainWindow`` the program
then opens the main window, waits for its first paint and exits 0.
"""
from __future__ import annotations

import time

T0 = time.perf_counter()  # as early as this module allows; see process_age()

import logging  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
from collections.abc import Callable  # noqa: E402

from PySide6.QtCore import (QEvent, QLibraryInfo, QLocale, QObject, QThreadPool, QTimer,  # noqa: E402
                            QTranslator, Signal)
from PySide6.QtGui import QFont, QFontDatabase  # noqa: E402
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget  # noqa: E402

from app import APP_NAME, __version__  # noqa: E402
from app.domain.errors import UserError  # noqa: E402

log = logging.getLogger(__name__)


# ---------------------------------------------------------------- timing

def process_age() -> float | None:
    """Seconds since the kernel started this process (Linux), or None when unknown."""
    try:
        with open("/proc/self/stat", encoding="ascii") as f:
            stat = f.read()
        with open("/proc/uptime", encoding="ascii") as f:
            uptime = float(f.read().split()[0])
        start_ticks = int(stat[stat.rindex(")") + 2:].split()[19])  # field 22: starttime
        return uptime - start_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def timing_line(window_class: str) -> str:
    age = process_age()
    since_import = time.perf_counter() - T0
    if age is None:
        return (f"timing: {window_class} first paint at {since_import:.3f} s since process start "
                "(measured from ui.main import; process start time unavailable)")
    return (f"timing: {window_class} first paint at {age:.3f} s since process start "
            f"({since_import:.3f} s since ui.main import)")


class PaintTimer(QObject):
    """Application-wide event filter: reports each top-level window's first completed paint.

    The report is made on the next turn of the event loop after the first paint event, i.e. once
    the frame has been drawn and flushed. ``exit_after`` is "1" (any window) or a class name.
    """

    def __init__(self, report: bool = True, exit_after: str | None = None,
                 write: Callable[[str], None] | None = None):
        super().__init__()
        self.report = report
        self.exit_after = exit_after or None
        self.quit_requested = False
        self.painted: list[str] = []
        self._seen: set[int] = set()
        self._write = write or (lambda line: print(line, file=sys.stderr, flush=True))

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint and isinstance(obj, QWidget):
            window = obj.window()
            key = id(window)
            if key not in self._seen:
                self._seen.add(key)
                name = type(window).__name__
                QTimer.singleShot(0, lambda: self._painted(name))
        return False

    def _painted(self, name: str) -> None:
        self.painted.append(name)
        if self.report:
            self._write(timing_line(name))
        if self.exit_after and self.exit_after in ("1", name):
            self.quit_requested = True
            QApplication.exit(0)


def install_timing(app: QApplication) -> PaintTimer | None:
    """Install the paint timer when UNIONDESK_TIMING or UNIONDESK_EXIT_AFTER_PAINT is set."""
    report = os.environ.get("UNIONDESK_TIMING", "") not in ("", "0")
    exit_after = os.environ.get("UNIONDESK_EXIT_AFTER_PAINT", "").strip()
    if exit_after == "0":
        exit_after = ""
    if not report and not exit_after:
        return None
    timer = PaintTimer(report=report, exit_after=exit_after or None)
    app.installEventFilter(timer)
    app._uniondesk_paint_timer = timer  # keep alive
    return timer


# ---------------------------------------------------------------- application

def load_bundled_font(app: QApplication) -> list[str]:
    """Register the bundled CJK font and append its families to the default font's family list,
    so that Chinese renders even on a machine without any CJK font. Returns the families added."""
    from app.paths import bundled_font
    path = bundled_font()
    font_id = QFontDatabase.addApplicationFont(str(path)) if path.is_file() else -1
    if font_id < 0:
        log.warning("bundled font not loaded: %s", path)
        return []
    families = [f for f in QFontDatabase.applicationFontFamilies(font_id) if "Mono" not in f]
    font = QFont(app.font())
    current = list(font.families()) or [font.family()]
    font.setFamilies(current + [f for f in families if f not in current])
    app.setFont(font)
    return families


def _load_qt_translations(app: QApplication) -> None:
    """Chinese labels for Qt's own buttons and dialogs (确定/取消, print dialog…): qtbase_zh_CN.qm
    from Qt's translations folder (PySide6 ships it). Its file dialog still says 「Look in」 and
    「Files of type」, so ``ui.file_dialogs`` sets those labels itself. Logged when missing."""
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    translator = QTranslator(app)
    if translator.load(QLocale(QLocale.Language.Chinese, QLocale.Country.China), "qtbase", "_",
                       folder):
        app.installTranslator(translator)
        app._uniondesk_translators = [translator]  # keep alive
    else:
        log.warning("Qt's Chinese translation qtbase_zh_CN.qm not found in %s", folder)


def make_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication (reused when one exists, as under pytest-qt), named, with the bundled
    font and Chinese Qt translations. Call on the main thread before creating any widget."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(list(argv) if argv is not None else sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setApplicationDisplayName(APP_NAME)
    if not getattr(app, "_uniondesk_ready", False):
        load_bundled_font(app)
        _load_qt_translations(app)
        from ui.windows import DialogFirstShow
        app._uniondesk_dialogs = DialogFirstShow(app)
        app.installEventFilter(app._uniondesk_dialogs)
        app._uniondesk_ready = True
    return app


_logging_ready = False


def _setup_logging() -> None:
    """Warnings and errors go to ``<data dir>/logs/uniondesk.log`` (never shown as a traceback).
    Any thread; done once."""
    global _logging_ready
    if _logging_ready:
        return
    _logging_ready = True
    from logging.handlers import RotatingFileHandler

    from app.paths import default_data_dir, private_dir, private_file
    try:
        folder = private_dir(default_data_dir() / "logs")       # owner only on POSIX
        handler = RotatingFileHandler(private_file(folder / "uniondesk.log"), maxBytes=2_000_000,
                                      backupCount=3, encoding="utf-8")
    except OSError:
        return
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.setLevel(logging.INFO)
    root = logging.getLogger()
    root.addHandler(handler)
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)


def tell_error(title: str, message: str) -> None:
    """A modal error box before any window exists (tests replace this)."""
    QMessageBox.critical(None, title, message)


# ---------------------------------------------------------------- opening the database

class DatabaseOpening(QObject):
    """The database named by ``--db``, opened once: ``open_database`` (which imports SQLAlchemy,
    and backs up and migrates a database that is behind) and ``settings.is_configured``.

    ``start()`` does it on a worker thread (``ready`` is emitted on the GUI thread afterwards);
    ``wait()`` blocks until done, opening on the calling thread when not started. Afterwards
    ``db``, ``configured`` and ``error`` (what ``open_database`` raised) say how it went.
    GUI thread only, except ``_open``.
    """

    ready = Signal()

    def __init__(self, db_arg: str | None):
        super().__init__()
        self.db_arg = db_arg
        self.db = None
        self.configured: bool | None = None
        self.error: BaseException | None = None
        self._started = False
        self._done = threading.Event()

    def looks_set_up(self) -> bool:
        """A guess made without SQLAlchemy: ``--db`` is a SQLite file that has user accounts. Then
        the sign-in dialog may paint before the database is open; ``configured`` decides later."""
        from app.db.sqlitefile import has_rows
        from app.paths import db_target
        target = db_target(self.db_arg)
        return not isinstance(target, str) and has_rows(target, "users")

    @property
    def done(self) -> bool:
        return self._done.is_set()

    @property
    def usable(self) -> bool:
        """Open, and the office is set up: people can sign in."""
        return self.done and self.error is None and bool(self.configured)

    def start(self) -> None:
        if not self._started:
            self._started = True
            from ui.operations import run
            run(None, self._open, on_success=self._opened)

    def _opened(self, _result) -> None:
        self.ready.emit()
        WarmUp(self)        # while the clerk types the password

    def wait(self) -> None:
        if not self._started:
            self._started = True
            self._open()
        self._done.wait()

    def _open(self, _progress=None) -> None:  # worker thread (GUI thread from wait())
        try:
            _setup_logging()
            from app.db import open_database
            from app.services import settings
            self.db = open_database(self.db_arg)
            self.configured = settings.is_configured(self.db)
        except Exception as e:  # noqa: BLE001 - reported by run_gui on the GUI thread
            self.error = e
        finally:
            self._done.set()

    def close(self) -> None:
        """Close the database (waits for the opening to finish)."""
        if self._started:
            self._done.wait()
        if self.db is not None:
            self.db.close()


class AfterFirstPaint(QObject):
    """Calls ``fn`` once, on the turn of the event loop after ``window`` has first painted (or after
    ``fallback_ms`` when it does not paint, e.g. started minimised). Owned by ``window``.

    It keeps no Python reference to ``window``: a reference cycle would leave the window to
    Python's garbage collector, which may run on a worker thread, where deleting a widget crashes.
    """

    def __init__(self, window: QWidget, fn: Callable[[], None], fallback_ms: int = 1000):
        super().__init__(window)
        self.fn, self.fired = fn, False
        QApplication.instance().installEventFilter(self)
        QTimer.singleShot(fallback_ms, self, self._fire)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802
        if (event.type() == QEvent.Type.Paint and isinstance(obj, QWidget)
                and obj.window() is self.parent()):
            QApplication.instance().removeEventFilter(self)
            QTimer.singleShot(0, self, self._fire)
        return False

    def _fire(self) -> None:
        if not self.fired:
            self.fired = True
            QApplication.instance().removeEventFilter(self)
            self.fn()


def _open_error(exc: BaseException) -> str:
    if isinstance(exc, UserError):
        return exc.message
    if isinstance(exc, OSError):
        return f"无法打开或创建数据库文件：{exc}"
    raise exc


# ---------------------------------------------------------------- start-up sequence

def _sign_in(opening: DatabaseOpening, username_hint: str = ""):
    """The sign-in dialog; the signed-in Actor, or None when the person left it.

    While the database is still being opened, the dialog is shown at once and the opening starts
    right after its first paint; should the database turn out unusable (see ``opening.error`` /
    ``opening.configured``) the dialog closes itself and None is returned too.
    """
    from ui.dialogs.sign_in import SignInDialog
    dialog = SignInDialog(opening.db if opening.usable else None)
    if username_hint:
        dialog.set_username(username_hint)
    _smoke_sign_in(dialog)
    if dialog.db is not None:
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
    else:
        def opened() -> None:
            if opening.usable:
                dialog.set_database(opening.db)
            else:
                dialog.reject()
        opening.ready.connect(opened)
        AfterFirstPaint(dialog, opening.start)
        try:
            accepted = dialog.exec() == QDialog.DialogCode.Accepted
        finally:
            opening.ready.disconnect(opened)
    return dialog.actor if accepted else None


class WarmUp(QObject):
    """Behind the sign-in dialog, a head start for the main window (DESIGN §6: no GUI-thread block
    over 50 ms): the pages' modules imported on a worker thread (``main_window.warm_up``), then
    Qt's first-use costs (``main_window.qt_warm_up``) paid on the GUI thread, about 8 ms per turn
    of the event loop every 20 ms. Owned by ``parent``; nothing depends on it having finished."""

    STEP_S = 0.008

    def __init__(self, parent: QObject):
        super().__init__(parent)
        self._imported = threading.Event()
        self._steps = None
        threading.Thread(target=self._import, name="warm-up", daemon=True).start()
        self._timer = QTimer(self)
        self._timer.setInterval(20)
        self._timer.timeout.connect(self._step)
        self._timer.start()

    def _import(self) -> None:  # worker thread
        try:
            from ui.main_window import warm_up
            warm_up()
        except Exception:  # noqa: BLE001 - only a head start: the GUI thread imports what it needs
            logging.getLogger(__name__).exception("warm-up failed")
        finally:
            self._imported.set()

    def _step(self) -> None:
        if not self._imported.is_set():
            return
        if self._steps is None:
            from ui.main_window import qt_warm_up
            self._steps = qt_warm_up()
        until = time.perf_counter() + self.STEP_S
        try:
            while time.perf_counter() < until:
                next(self._steps)
        except StopIteration:
            self._timer.stop()
        except Exception:  # noqa: BLE001
            logging.getLogger(__name__).exception("Qt warm-up failed")
            self._timer.stop()


def _smoke_sign_in(dialog) -> None:
    """``UNIONDESK_SMOKE_SIGN_IN=<user>:<password>``: type them in and press 登录 (module docstring)."""
    user, sep, password = os.environ.get("UNIONDESK_SMOKE_SIGN_IN", "").partition(":")
    if sep:
        dialog.username.setText(user)
        dialog.password.setText(password)
        QTimer.singleShot(0, dialog, dialog.submit)


def run_gui(db_arg: str | None) -> int:
    """Run the program; returns the process exit code (see module docstring).

    The usual start (a database file with accounts) paints the sign-in dialog first and opens the
    database behind it; a first run, a server database or a file that is not a UnionDesk database
    is opened before the first window (the wizard or an error box).
    """
    app = make_application()
    timer = install_timing(app)

    def quitting() -> bool:
        return timer is not None and timer.quit_requested

    opening = DatabaseOpening(db_arg)
    try:
        actor = None
        if opening.looks_set_up():
            actor = _sign_in(opening)
            if actor is None and (quitting() or not opening.done or opening.usable):
                return 0  # the person left (the dialog gives way only to an unusable database)
        opening.wait()
        if opening.error is not None:
            tell_error("无法打开数据库", _open_error(opening.error))
            return 2
        db = opening.db
        username_hint = ""
        if not opening.configured:
            from ui.wizard import FirstRunWizard
            wizard = FirstRunWizard(db)
            if wizard.exec() != QDialog.DialogCode.Accepted or quitting():
                return 0
            opening.configured = True  # set up now: the sign-in dialog may use the database
            username_hint = wizard.admin_username or ""
        while True:
            if actor is None:
                actor = _sign_in(opening, username_hint)
                if actor is None or quitting():
                    return 0
            from ui.context import AppContext
            from ui.main_window import MainWindow
            ctx = AppContext(db, actor)
            window = MainWindow(ctx)
            window.show()
            app.exec()
            again = (window.sign_out_requested or window.restart_requested) and not quitting()
            # signed out because the account was changed (e.g. a new role): offer the same name
            username_hint = actor.username if window.revoked else ""
            window.deleteLater()
            if not again:
                break
            actor = None
        _auto_backup(db)
        return 0
    finally:
        QThreadPool.globalInstance().waitForDone(10_000)  # background reads still running
        opening.close()


def _auto_backup(db) -> None:
    """The daily backup on exit (the service decides whether one is due). Errors are logged."""
    try:
        from app.services import backup
        backup.auto_backup(db)
    except Exception:  # noqa: BLE001 - never bother the person on the way out
        log.exception("automatic backup on exit failed")
