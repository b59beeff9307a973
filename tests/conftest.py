"""Shared fixtures: a fresh SQLite file per test (or a fresh PostgreSQL schema: ``db_path``),
actors of every role, offscreen Qt with the program's own application set-up."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from app.domain.actor import Actor  # noqa: E402
from app.domain.enums import Role  # noqa: E402
from app.domain import clock  # noqa: E402
from tests.clock import NOW  # noqa: E402
from tests.databases import PG_URL, new_target, pg_admin  # noqa: E402


@pytest.fixture(autouse=True)
def _fixed_clock():
    """The program's clock reads ``tests.clock.NOW`` (and ticks on from there) in every test,
    worker threads included: no test depends on the day it runs."""
    with clock.fixed(NOW):
        yield


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path, monkeypatch):
    """Nothing a test does may touch the real user's data folder."""
    monkeypatch.setenv("UNIONDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("UNIONDESK_DB", raising=False)


@pytest.fixture(scope="session")
def qapp(qapp_args, tmp_path_factory):
    """pytest-qt's QApplication, made by the program's own ``make_application``: bundled CJK font,
    Chinese Qt translations and application names as in the real program. QSettings (window
    layout) go to a temporary folder, never the real user's configuration. Only UI tests ask for
    it, so the service and unit tests never import Qt."""
    from PySide6.QtCore import QSettings

    from ui.main import make_application
    app = make_application(qapp_args)
    folder = str(tmp_path_factory.mktemp("qsettings"))
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, folder)
    return app


@pytest.fixture(scope="session", autouse=True)
def _pg_extensions():
    """On PostgreSQL, make sure ``pg_trgm`` is there once (in ``public``), so that the per-test
    schemas need not create it."""
    if PG_URL:
        pg_admin("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    yield


@pytest.fixture(autouse=True)
def _sqlite_only(request):
    """``@pytest.mark.sqlite_only("reason")``: skipped when the tests run on PostgreSQL."""
    mark = request.node.get_closest_marker("sqlite_only")
    if PG_URL and mark is not None:
        pytest.skip("SQLite only: " + (mark.args[0] if mark.args else "works on the database file"))


@pytest.fixture
def db_path(tmp_path, request):
    """Where the test's database lives (``tests.databases.new_target``): a fresh SQLite file — or,
    with ``UNIONDESK_TEST_PG``, the URL (a string) of a fresh PostgreSQL schema, dropped afterwards.
    Either one is what ``open_database`` and ``--db`` accept."""
    target, drop = new_target(tmp_path)
    request.addfinalizer(drop)
    return target


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


@pytest.fixture(autouse=True)
def _no_unexpected_message_boxes(request, monkeypatch):
    """In a Qt test, a modal QMessageBox would wait forever for a click nobody makes: fail the
    test instead, naming the box. Tests that expect a box patch it themselves (their patch wins).
    Afterwards, wait until the test's background operations have finished."""
    if "qtbot" not in request.fixturenames and "qapp" not in request.fixturenames:
        yield
        return
    from PySide6.QtWidgets import QMessageBox

    def refuse(*args, **kwargs):
        texts = [a for a in args if isinstance(a, str)]
        raise AssertionError(f"unexpected modal message box: {texts}")

    for name in ("critical", "warning", "information", "question"):
        monkeypatch.setattr(QMessageBox, name, staticmethod(refuse))
    qtbot = request.getfixturevalue("qtbot") if "qtbot" in request.fixturenames else None
    yield
    if qtbot is not None:  # let background operations finish before the widgets go
        from ui import operations
        qtbot.waitUntil(lambda: not operations._running, timeout=15000)  # noqa: SLF001
