"""The GUI watchdog of DESIGN §6 (the GUI thread is never blocked longer than 50 ms): a precise
QTimer ticks every few milliseconds on the GUI thread; a tick that comes late shows for how long
the thread did not get back to its event loop (a slow slot, a query on the GUI thread, a model
reset of thousands of rows, the construction of a window). The longest block is kept per phase
(``mark("…")`` names what the driver is doing). While a block lasts longer than the budget, a
sampling thread looks at the GUI thread's stack every 5 ms and counts the innermost frame of this
project's code (``Phase.culprits``): what the GUI thread was doing instead of painting.

``drive(window, app)`` drives a main window the way a clerk does: open 案件办理, page down through
the case list, jump to the last row, change filters, open 信访登记 and search; answers one
``(phase, longest block s, ticks)`` per phase. ``bench_foundation.measure_gui_watchdog`` runs it on
the demo database and prints it against the 50 ms budget.

    dog = Watchdog(); dog.start(); dog.mark("opening"); …; dog.stop(); dog.report()
"""
from __future__ import annotations

import sys
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication

BUDGET_S = 0.050
TICK_MS = 5
SAMPLE_S = 0.005
ROOT = Path(__file__).resolve().parents[2]
OURS = (str(ROOT / "app"), str(ROOT / "ui"))


@dataclass
class Phase:
    name: str
    longest: float = 0.0      # seconds the GUI thread was blocked, at most, in this phase
    ticks: int = 0
    culprits: Counter = field(default_factory=Counter)   # "file:line function" → samples

    def culprit(self) -> str:
        """The project frame seen most often while this phase's GUI thread was blocked."""
        if not self.culprits:
            return ""
        where, n = self.culprits.most_common(1)[0]
        return f"{where} ({n} samples)"


def _our_frame(frame) -> str | None:
    """The innermost frame of app/ or ui/ code on ``frame``'s stack, as "ui/x.py:12 fn"."""
    for fs in reversed(traceback.extract_stack(frame)):
        if fs.filename.startswith(OURS):
            return f"{Path(fs.filename).relative_to(ROOT).as_posix()}:{fs.lineno} {fs.name}"
    return None


class Watchdog(QObject):
    def __init__(self, interval_ms: int = TICK_MS, parent: QObject | None = None):
        super().__init__(parent)
        self.interval = interval_ms / 1000
        self.timer = QTimer(self)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.tick)
        self.phases: list[Phase] = [Phase("(before the first mark)")]
        self._last = 0.0
        self._gui_thread = threading.get_ident()
        self._sampling = threading.Event()
        self._sampler: threading.Thread | None = None

    def start(self) -> None:
        self._last = time.perf_counter()
        self.timer.start()
        self._sampling.set()
        self._sampler = threading.Thread(target=self._sample, name="gui-watchdog", daemon=True)
        self._sampler.start()

    def stop(self) -> None:
        self.tick()
        self.timer.stop()
        self._sampling.clear()
        if self._sampler is not None:
            self._sampler.join()

    def _sample(self) -> None:
        """Off the GUI thread: while the GUI thread is overdue by more than the budget, count
        where it is."""
        while self._sampling.is_set():
            time.sleep(SAMPLE_S)
            if time.perf_counter() - self._last - self.interval <= BUDGET_S:
                continue
            frame = sys._current_frames().get(self._gui_thread)       # noqa: SLF001
            where = _our_frame(frame) if frame is not None else None
            if where:
                self.phases[-1].culprits[where] += 1

    def mark(self, name: str) -> None:
        """What follows belongs to ``name`` (the time up to here to the phase before)."""
        self.tick()
        self.phases.append(Phase(name))

    def tick(self) -> None:
        now = time.perf_counter()
        blocked = max(0.0, now - self._last - self.interval)
        self._last = now
        phase = self.phases[-1]
        phase.ticks += 1
        phase.longest = max(phase.longest, blocked)

    def longest(self) -> Phase:
        return max(self.phases, key=lambda p: p.longest)

    def report(self) -> list[tuple[str, float, int, str]]:
        """``(phase, longest block s, ticks, culprit)`` of every phase that ticked."""
        return [(p.name, p.longest, p.ticks, p.culprit()) for p in self.phases if p.ticks]


def pump(app: QApplication, until: Callable[[], bool], timeout_s: float = 30.0) -> bool:
    """Run the event loop until ``until()`` holds (True) or ``timeout_s`` passed (False).

    A nested ``QEventLoop`` checked by a timer, not a loop of ``processEvents()`` calls: each of
    those drops a reference to None in PySide6 6.x, and a few hundred thousand of them end the
    interpreter ("deallocating None")."""
    if until():
        return True
    deadline = time.perf_counter() + timeout_s
    loop = QEventLoop()
    check = QTimer()
    check.setInterval(2)

    def look() -> None:
        if until() or time.perf_counter() > deadline:
            loop.quit()
    check.timeout.connect(look)
    check.start()
    loop.exec()
    check.stop()
    return until()


def settle(app: QApplication, seconds: float = 0.3) -> None:
    """Let background answers arrive and the view repaint."""
    end = time.perf_counter() + seconds
    pump(app, lambda: time.perf_counter() > end, seconds + 1)


def _idle_list(page) -> Callable[[], bool]:
    from ui import operations
    return lambda: not page.model.loading and not operations._running   # noqa: SLF001


def drive(window, app: QApplication, dog: Watchdog, *, pages: int = 20) -> None:
    """Drive ``window`` (a shown MainWindow) through the lists; ``dog`` records each phase. The
    工作台 is read first, as a clerk looks at it before the first click (its reads on worker
    threads would otherwise share Python's one lock with the GUI thread while a page opens)."""
    from ui import operations
    dog.mark("工作台 read (its counters, warnings and charts)")
    pump(app, lambda: not operations._running, 15)     # noqa: SLF001
    settle(app)
    dog.mark("案件办理 opened: first page and count")
    window.nav.setCurrentItem(window._items["cases"])     # noqa: SLF001  a click, as a clerk opens it
    pump(app, lambda: window.stack.currentWidget() is window.page("cases"))
    cases = window.page("cases")
    pump(app, lambda: cases.model.rowCount() > 0 and cases.model.total is not None)
    pump(app, _idle_list(cases))
    settle(app)

    dog.mark(f"案件办理: paging down {pages} times")
    bar = cases.view.verticalScrollBar()
    for _ in range(pages):
        n = cases.model.rowCount()
        bar.setValue(bar.maximum())
        pump(app, lambda n=n: cases.model.rowCount() > n or not cases.model.more_after, 10)
        pump(app, _idle_list(cases))

    dog.mark("案件办理: jump to the last row and scroll back up")
    cases.jump_to_end()
    pump(app, lambda: cases.model.tail_mode)
    pump(app, _idle_list(cases))
    bar.setValue(bar.minimum())
    pump(app, _idle_list(cases))
    settle(app)

    dog.mark("案件办理: filter changes")
    for combo, text in ((cases.status_combo, "未办结"), (cases.deadline_combo, "已超期"),
                        (cases.deadline_combo, "全部"), (cases.period_combo, "本季度"),
                        (cases.period_combo, "全部"), (cases.status_combo, "全部")):
        combo.setCurrentIndex(max(0, combo.findText(text)))
        pump(app, lambda: cases.model.total is not None)
        pump(app, _idle_list(cases))

    dog.mark("信访登记 opened, searched, jumped to the end")
    window.nav.setCurrentItem(window._items["registrations"])     # noqa: SLF001
    pump(app, lambda: window.stack.currentWidget() is window.page("registrations"))
    regs = window.page("registrations")
    pump(app, lambda: regs.model.rowCount() > 0)
    pump(app, _idle_list(regs))
    regs.text_edit.setText("拖欠工资")
    regs.apply()
    pump(app, lambda: regs.model.total is not None)
    pump(app, _idle_list(regs))
    regs.text_edit.setText("")
    regs.apply()
    pump(app, _idle_list(regs))
    regs.jump_to_end()
    pump(app, lambda: regs.model.tail_mode)
    pump(app, _idle_list(regs))
    settle(app)
