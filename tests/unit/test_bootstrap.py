"""installer/bootstrap.py (standard library only): the install stamp and pip's quiet environment."""
from __future__ import annotations

import importlib.util
from pathlib import Path

SPEC = importlib.util.spec_from_file_location(
    "bootstrap", Path(__file__).resolve().parents[2] / "installer" / "bootstrap.py")
bootstrap = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(bootstrap)

D = "ab" * 32


def test_run_after_test_installs_nothing():
    after_test = bootstrap.stamp_after_install("", D, "test")
    assert bootstrap.stamp_covers(after_test, D, "")            # run: covered by the test install
    assert bootstrap.stamp_covers(after_test, D, "test")
    assert not bootstrap.stamp_covers(after_test, D, "pg")


def test_test_after_run_installs_and_then_both_are_covered():
    after_run = bootstrap.stamp_after_install("", D, "")
    assert bootstrap.stamp_covers(after_run, D, "")
    assert not bootstrap.stamp_covers(after_run, D, "test")
    both = bootstrap.stamp_after_install(after_run, D, "test")
    assert bootstrap.stamp_covers(both, D, "") and bootstrap.stamp_covers(both, D, "test")
    more = bootstrap.stamp_after_install(both, D, "pg")
    assert bootstrap.stamp_covers(more, D, "pg,test")


def test_a_changed_pyproject_reinstalls():
    stamp = bootstrap.stamp_after_install("", D, "test")
    assert not bootstrap.stamp_covers(stamp, "cd" * 32, "")
    # extras of an older pyproject do not carry over
    assert bootstrap.stamp_after_install(stamp, "cd" * 32, "") == "cd" * 32 + " \n"
    assert not bootstrap.stamp_covers("", D, "")
    assert not bootstrap.stamp_covers("garbage", D, "")


def test_pip_runs_without_the_build_backend_warning_banner(monkeypatch):
    monkeypatch.delenv("PYTHONWARNINGS", raising=False)
    assert bootstrap.quiet_pip_env()["PYTHONWARNINGS"] == "ignore::UserWarning"
    monkeypatch.setenv("PYTHONWARNINGS", "error")
    assert bootstrap.quiet_pip_env()["PYTHONWARNINGS"] == "error,ignore::UserWarning"
