"""The tests' fixed day and time. ``tests/conftest.py`` sets the program's clock
(``app.domain.clock``) to ``NOW`` for every test, so no test depends on the day it runs (the
1st of a month, New Year's Eve, a year without holiday data). A test that needs another day
passes ``now=``/``today=`` or uses ``app.domain.clock.fixed`` itself.

A Wednesday in the middle of a month, in a year the bundled holiday data covers, two weeks away
from any holiday: lists that look back 25 days stay inside one year, "本月" holds half a month."""
from __future__ import annotations

from datetime import date, datetime

NOW = datetime(2026, 12, 16, 10, 0)
TODAY: date = NOW.date()
