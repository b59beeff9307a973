"""The program's one clock: what "today" and "now" are.

Every service default (``today or clock.today()``), the GUI and the CLI read the day and the time
here, never ``date.today()`` / ``datetime.now()`` directly, so that a test can fix the clock for
everything it runs — worker threads included — with ``fixed(at)``. The running program never sets
it: it is the system's local time.

Contract: ``today()``/``now()`` are safe from any thread. ``fixed(at)`` replaces the clock for the
whole process until its context ends; the fixed clock still ticks (``at`` plus the real time
elapsed since it was set), so "later" stays later and the order of audit rows is kept.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta

_source: Callable[[], datetime] = datetime.now


def now() -> datetime:
    """Naive local date and time."""
    return _source()


def today() -> date:
    return _source().date()


@contextmanager
def fixed(at: datetime) -> Iterator[None]:
    """Within the context the clock starts at ``at`` and runs on from there."""
    global _source
    started = time.monotonic()
    before = _source
    _source = lambda: at + timedelta(seconds=time.monotonic() - started)  # noqa: E731
    try:
        yield
    finally:
        _source = before
