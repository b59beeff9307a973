"""Two processes writing to one SQLite file: no "database is locked", nothing lost, the audit
chain stays intact (writes are serialised by BEGIN IMMEDIATE and the busy timeout)."""
import multiprocessing as mp

from app.db import open_database
from app.services import audit, settings

N = 200


def _writer(path: str, who: str, start: mp.Event) -> None:
    from app.domain.actor import Actor
    from app.domain.enums import Role
    db = open_database(path)
    actor = Actor(user_id=None, username=who, display_name=who, role=Role.ADMIN)
    start.wait(10)
    for i in range(N):
        settings.save(db, actor, {"office.contact": f"{who}-{i}"})
    db.close()


def test_two_processes_write_at_once(db_path):
    open_database(db_path).close()
    ctx = mp.get_context("spawn")
    start = ctx.Event()
    procs = [ctx.Process(target=_writer, args=(str(db_path), w, start)) for w in ("甲", "乙")]
    for p in procs:
        p.start()
    start.set()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0]
    db = open_database(db_path)
    try:
        assert audit.count(db) == 2 * N
        assert audit.verify(db) == []
        assert settings.get(db, "office.contact") in (f"甲-{N - 1}", f"乙-{N - 1}")
    finally:
        db.close()
