"""Helpers the GUI tests share."""
from __future__ import annotations

from ui import operations


def idle(qtbot, timeout: int = 20000) -> None:
    """Wait until no background operation (ui.operations) is running; returns as soon as that holds,
    so the timeout only bounds a failing wait."""
    qtbot.waitUntil(lambda: not operations._running, timeout=timeout)   # noqa: SLF001
