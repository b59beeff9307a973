"""The benchmark's GUI watchdog (tests/perf/gui_watchdog.py) sees a block of the GUI thread and
puts it in the phase it happened in."""
from __future__ import annotations

import time

from PySide6.QtCore import QTimer

from tests.perf.gui_watchdog import Watchdog, pump


def test_a_blocked_gui_thread_is_reported_in_its_phase(qtbot, qapp):
    dog = Watchdog()
    dog.start()
    dog.mark("calm")
    done = []

    def calm() -> None:
        done.append(1)

    def block() -> None:
        time.sleep(0.15)                # what a query on the GUI thread would do
        done.append(2)
    QTimer.singleShot(30, calm)
    pump(qapp, lambda: bool(done), 5)
    dog.mark("blocked")
    QTimer.singleShot(0, block)
    pump(qapp, lambda: len(done) == 2, 5)
    pump(qapp, lambda: dog.phases[-1].ticks >= 3, 5)
    dog.stop()
    report = {name: (longest, ticks) for name, longest, ticks, _c in dog.report()}
    assert report["blocked"][0] >= 0.14
    assert report["calm"][0] < 0.14 and report["calm"][1] >= 2
    assert dog.longest().name == "blocked"
