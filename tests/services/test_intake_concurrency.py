"""Two processes registering at once (two workstations on one SQLite file): every registration
gets a distinct number, the numbers are consecutive (no gaps), and nobody sees "database is
locked" — the number is taken inside the BEGIN IMMEDIATE write transaction."""
import re

from sqlalchemy import select

from app.db import open_database
from app.db.models import Registration
from app.services import audit
from tests.clock import NOW
from tests.processes import at_once

N = 30


def _registrar(path: str, who: str, start) -> None:
    from app.domain.actor import Actor
    from app.domain.enums import Role
    from app.services.petitions import registration
    db = open_database(path)
    actor = Actor(user_id=None, username=who, display_name=who, role=Role.CLERK)
    start.wait(10)
    try:
        for i in range(N):
            registration.register(db, actor, registration.RegistrationInput(
                channel="call", received_at=NOW.replace(hour=8),
                category="consult", issue_types=["wages"], summary=f"{who}的第{i}次来电",
                disposition="answered", answer="已当场解答"), now=NOW)
    finally:
        db.close()


def test_two_processes_register_at_once_with_gap_free_numbers(db_path):
    open_database(db_path).close()
    at_once(_registrar, [(str(db_path), w) for w in ("甲", "乙")])
    db = open_database(db_path)
    try:
        with db.read() as s:
            numbers = s.scalars(select(Registration.reg_no)).all()
        assert len(numbers) == 2 * N == len(set(numbers))
        year = {re.match(r"^(\d{4})-\d{6}$", n).group(1) for n in numbers}
        assert len(year) == 1
        serials = sorted(int(n.split("-")[1]) for n in numbers)
        assert serials == list(range(1, 2 * N + 1))
        assert audit.verify(db) == []
    finally:
        db.close()
