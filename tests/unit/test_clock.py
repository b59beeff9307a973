"""The program's one clock (``app.domain.clock``): the tests fix it, worker threads see it too,
it ticks on from the fixed time, and it comes back afterwards."""
import threading
from datetime import datetime

from app.domain import clock
from tests.clock import NOW, TODAY


def test_every_test_runs_at_the_fixed_time():
    assert clock.today() == TODAY and NOW <= clock.now() < datetime(2026, 12, 16, 10, 5)


def test_fixed_clock_reaches_threads_ticks_and_is_restored():
    first_of_month = datetime(2027, 3, 1, 0, 0, 5)
    seen = []
    with clock.fixed(first_of_month):
        t = threading.Thread(target=lambda: seen.append(clock.now()))
        t.start()
        t.join()
        later = clock.now()
    assert seen[0].date() == first_of_month.date() and first_of_month <= seen[0] <= later
    assert clock.today() == TODAY
