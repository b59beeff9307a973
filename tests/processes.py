"""Two workstations at once, as the tests play them: one spawned process each, all starting their
writes on the same signal. ``at_once(target, [args, …])`` calls ``target(*args, start)`` in each
process — the target opens what it needs, waits for ``start``, then writes — and returns when all
have finished, failing with each process's own error message if one failed."""
from __future__ import annotations

import multiprocessing as mp
from collections.abc import Callable, Sequence


def _guarded(target: Callable, args: tuple, start, errors) -> None:
    try:
        target(*args, start)
    except Exception as e:  # reported to the parent, so the assertion shows the message
        errors.put(f"{args!r}: {type(e).__name__}: {e}")
        raise


def at_once(target: Callable, args_per_process: Sequence[tuple], timeout: float = 180) -> None:
    ctx = mp.get_context("spawn")
    start, errors = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_guarded, args=(target, tuple(args), start, errors))
             for args in args_per_process]
    for p in procs:
        p.start()
    start.set()
    for p in procs:
        p.join(timeout)
    problems = []
    while not errors.empty():
        problems.append(errors.get())
    assert problems == []
    assert [p.exitcode for p in procs] == [0] * len(procs)
