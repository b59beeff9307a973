"""Two processes writing to one SQLite file: no "database is locked", nothing lost, the audit
chain stays intact (writes are serialised by BEGIN IMMEDIATE and the busy timeout)."""
from app.db import open_database
from app.services import audit, settings
from tests.processes import at_once

N = 200


def _writer(path: str, who: str, start) -> None:
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
    at_once(_writer, [(str(db_path), w) for w in ("甲", "乙")])
    db = open_database(db_path)
    try:
        assert audit.count(db) == 2 * N
        assert audit.verify(db) == []
        assert settings.get(db, "office.contact") in (f"甲-{N - 1}", f"乙-{N - 1}")
    finally:
        db.close()
