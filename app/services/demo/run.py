"""One demo run: its session, its random streams (one per step), its progress, and the pieces the
steps share.
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session


Progress = Callable[[float, str], None]


BATCH = 20_000


@dataclass
class DemoRun:
    """What a step works with. ``state`` carries results from earlier steps to later ones."""

    session: Session
    seed: int
    people: int
    employers: int
    base_time: datetime
    _progress: Progress | None
    registrations: int = 0
    _span: tuple[float, float] = (0.0, 1.0)
    _last: float = 0.0
    counts: dict[str, Any] = field(default_factory=dict)
    state: dict[str, Any] = field(default_factory=dict)

    def rng(self, step: str) -> random.Random:
        """A random stream of its own for each step, fixed by the seed."""
        return random.Random(f"uniondesk-demo/{self.seed}/{step}")

    def report(self, frac: float, message: str) -> None:
        """Progress within the current step (0..1). May raise Cancelled."""
        if self._progress is not None:
            lo, hi = self._span
            self._last = max(self._last, min(1.0, lo + (hi - lo) * max(0.0, min(1.0, frac))))
            self._progress(self._last, message)


@dataclass(frozen=True)
class Step:
    name: str
    run: Callable[[DemoRun], str]
    weight: Callable[[DemoRun], float]  # share of the progress bar, in rough "rows" of work


def _cumulative(weights) -> list[float]:
    out, total = [], 0.0
    for w in weights:
        total += w
        out.append(total)
    return out


REGISTRATION_COUNTER = "registration"   # the names registration.register and cases.open_case number with


CASE_COUNTER = "case"


GROUP_SIZE = 5                           # 集体访: a visit of 5 or more (hotspot.group_size default)


def _weighted(pairs) -> tuple[list, list[float]]:
    pairs = list(pairs)
    items = [k for k, _ in pairs]
    return items, _cumulative(w for _, w in pairs)


def _pick(rng: random.Random, table: tuple[list, list[float]]):
    items, cum = table
    return items[bisect.bisect(cum, rng.random() * cum[-1])]
