"""Shared fixtures: a fresh SQLite file per test, actors of every role, offscreen Qt."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from app.domain.actor import Actor  # noqa: E402
from app.domain.enums import Role  # noqa: E402


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path, monkeypatch):
    """Nothing a test does may touch the real user's data folder."""
    monkeypatch.setenv("UNIONDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("UNIONDESK_DB", raising=False)


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "office.db"


@pytest.fixture
def db(db_path):
    from app.db import open_database
    database = open_database(db_path)
    yield database
    database.close()


def make_actor(role: Role, user_id: int | None = None) -> Actor:
    return Actor(user_id=user_id, username=f"t_{role.value}", display_name=f"测试{role.label}", role=role)


@pytest.fixture
def actors() -> dict[Role, Actor]:
    return {r: make_actor(r) for r in Role}


@pytest.fixture
def admin(actors) -> Actor:
    return actors[Role.ADMIN]
