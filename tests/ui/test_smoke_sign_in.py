"""``UNIONDESK_SMOKE_SIGN_IN=<user>:<password>`` (ui/main.py), the hook ``installer/build.py --smoke``
uses to open the built program's main window: it signs in through the usual service, and a wrong
password leaves the person in the sign-in dialog."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.services import setup
from tests.ui.test_first_run import PROFILE

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.sqlite_only("runs the program on the database file")
def test_smoke_sign_in_opens_the_main_window_and_exits_after_its_first_paint(db, tmp_path):
    setup.create_office(db, PROFILE, "admin", "王建华", "secret123")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", UNIONDESK_TIMING="1",
               UNIONDESK_EXIT_AFTER_PAINT="MainWindow", UNIONDESK_SMOKE_SIGN_IN="admin:secret123",
               UNIONDESK_DATA_DIR=str(tmp_path / "data"), HOME=str(tmp_path))
    r = subprocess.run([sys.executable, "-m", "app.cli", "--db", str(db.path)],
                       capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert r.returncode == 0, r.stderr[-3000:]
    painted = [line.split()[1] for line in r.stderr.splitlines() if line.startswith("timing: ")]
    assert painted == ["SignInDialog", "MainWindow"], r.stderr


def test_smoke_sign_in_with_a_wrong_password_stays_in_the_dialog(qtbot, db, monkeypatch):
    import ui.main
    from ui.dialogs.sign_in import SignInDialog
    setup.create_office(db, PROFILE, "admin", "王建华", "secret123")
    monkeypatch.setenv("UNIONDESK_SMOKE_SIGN_IN", "admin:wrong-password")
    dialog = SignInDialog(db)
    qtbot.addWidget(dialog)
    ui.main._smoke_sign_in(dialog)
    assert dialog.username.text() == "admin"
    qtbot.waitUntil(lambda: "密码" in dialog.error.text() and not dialog.busy, timeout=15000)
    assert dialog.actor is None and dialog.result() != SignInDialog.DialogCode.Accepted


def test_without_the_variable_nothing_is_typed(qtbot, db, monkeypatch):
    import ui.main
    from ui.dialogs.sign_in import SignInDialog
    monkeypatch.delenv("UNIONDESK_SMOKE_SIGN_IN", raising=False)
    dialog = SignInDialog(db)
    qtbot.addWidget(dialog)
    ui.main._smoke_sign_in(dialog)
    qtbot.wait(50)
    assert dialog.username.text() == dialog.password.text() == "" and not dialog.busy
