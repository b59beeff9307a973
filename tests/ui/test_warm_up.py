"""The head start behind the sign-in dialog (DESIGN §6: no GUI-thread block over 50 ms): the pages'
modules are imported on a worker thread, Qt's first-use costs are paid in short steps on the GUI
thread, and the main window paints before it builds its start page."""
import os
import subprocess
import sys
from pathlib import Path

from ui.context import AppContext

ROOT = Path(__file__).resolve().parents[2]


def test_warm_up_imports_every_page_module_off_the_gui_thread():
    """In a fresh interpreter: a worker thread imports every page's module; then the Qt steps run on
    the GUI thread to their end, each short, and leave no window behind."""
    code = (
        "import sys, threading, time\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from ui.main_window import PAGES, qt_warm_up, warm_up\n"
        "t = threading.Thread(target=warm_up); t.start(); t.join()\n"
        "print(sorted(e.module for e in PAGES if e.module not in sys.modules))\n"
        "steps, longest, last = 0, 0.0, time.perf_counter()\n"
        "for _ in qt_warm_up():\n"
        "    now = time.perf_counter(); longest = max(longest, now - last); last = now; steps += 1\n"
        "app.processEvents()\n"
        "print(steps > 20, longest < 0.2, [w for w in app.topLevelWidgets() if w.isVisible()])\n")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                       env=env, timeout=180)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split("\n")[:2] == ["[]", "True True []"]


def test_sign_in_dialog_gives_the_head_start(qtbot, db):
    """``WarmUp`` (started when the database has opened behind the sign-in dialog) finishes on its
    own: its imports done and its GUI-thread steps run out."""
    from PySide6.QtCore import QObject

    from ui.main import WarmUp
    owner = QObject()
    warm = WarmUp(owner)
    qtbot.waitUntil(lambda: warm._imported.is_set() and not warm._timer.isActive(), timeout=60000)
    assert warm._steps is not None


def test_main_window_paints_before_it_builds_the_start_page(qtbot, db, boss):
    from ui.main_window import MainWindow
    window = MainWindow(AppContext(db, boss))
    qtbot.addWidget(window)
    assert window.current_key() == "workbench" and window.page("workbench") is None
    window.show()
    qtbot.waitUntil(lambda: window.page("workbench") is not None, timeout=5000)
    assert window.stack.currentWidget() is window.page("workbench")
    # a page asked for before the start page was built is simply shown (no second start page)
    other = MainWindow(AppContext(db, boss))
    qtbot.addWidget(other)
    people = other.show_page("people")
    qtbot.wait(50)
    assert other.current_key() == "people" and other.stack.currentWidget() is people
    assert other.page("workbench") is None


def test_a_click_builds_a_new_page_then_shows_it_on_the_next_turn(qtbot, db, boss):
    """A first click on 人员与单位 builds the page in one turn of the event loop and shows it in the
    next; a second click shows it at once; show_page (for code) is always at once."""
    from ui.main_window import MainWindow
    window = MainWindow(AppContext(db, boss))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.page("workbench") is not None, timeout=5000)
    window.nav.setCurrentItem(window._items["people"])
    people = window.page("people")
    assert people is not None and window.stack.currentWidget() is not people
    qtbot.waitUntil(lambda: window.stack.currentWidget() is people, timeout=5000)
    window.nav.setCurrentItem(window._items["workbench"])
    assert window.stack.currentWidget() is window.page("workbench")
    window.nav.setCurrentItem(window._items["people"])
    assert window.stack.currentWidget() is people
    # clicked away before the next turn: the page built is not shown over the one chosen since
    window.nav.setCurrentItem(window._items["cases"])
    window.nav.setCurrentItem(window._items["workbench"])
    qtbot.wait(50)
    assert window.stack.currentWidget() is window.page("workbench") and window.page("cases") is not None
