"""ui.operations.run: answers on the GUI thread, errors, progress and cancel, and answers for a
widget that is gone (pytest-qt, offscreen)."""
from __future__ import annotations

import threading

import pytest
from PySide6.QtWidgets import QMessageBox, QWidget
from shiboken6 import isValid

from app.domain.errors import Cancelled, UserError
from ui.operations import run



def _widget(qtbot) -> QWidget:
    w = QWidget()
    qtbot.addWidget(w)
    return w


def test_result_arrives_on_the_gui_thread(qtbot):
    w = _widget(qtbot)
    got: list[tuple[int, bool]] = []
    worker: list[bool] = []

    def fn(_progress):
        worker.append(threading.current_thread() is threading.main_thread())
        return 42

    op = run(w, fn, on_success=lambda r: got.append(
        (r, threading.current_thread() is threading.main_thread())))
    qtbot.waitUntil(lambda: op.done, timeout=5000)
    assert worker == [False] and got == [(42, True)] and op.result == 42 and op.error is None


def test_a_user_error_reaches_on_error(qtbot):
    w = _widget(qtbot)
    errors: list[BaseException] = []

    def fn(_progress):
        raise UserError("身份证号已登记", "duplicate ID")

    op = run(w, fn, on_success=lambda _r: pytest.fail("no result expected"), on_error=errors.append)
    qtbot.waitUntil(lambda: op.done, timeout=5000)
    assert len(errors) == 1 and isinstance(errors[0], UserError)
    assert errors[0].message == "身份证号已登记" and op.error is errors[0]


def test_without_on_error_a_user_error_is_shown_in_a_warning_box(qtbot, monkeypatch):
    w = _widget(qtbot)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append(text))

    def fn(_progress):
        raise UserError("无权操作", "denied")

    op = run(w, fn)
    qtbot.waitUntil(lambda: op.done, timeout=5000)
    assert shown == ["无权操作"]


def test_progress_is_reported_and_cancel_stops_the_work(qtbot):
    w = _widget(qtbot)
    started = threading.Event()
    reported: list[float] = []
    steps: list[int] = []

    def fn(progress):
        for i in range(10_000):
            progress(i / 10_000, f"第 {i} 步")
            steps.append(i)
            started.set()
            threading.Event().wait(0.002)
        return "finished"

    op = run(w, fn, on_success=lambda _r: pytest.fail("cancelled work has no result"),
             progress_label="正在处理…", show_after_ms=0)
    op.progressed.connect(lambda frac, _msg: reported.append(frac))
    assert started.wait(5)
    qtbot.waitUntil(lambda: len(reported) >= 3, timeout=5000)
    op.cancel()
    # no on_error: Cancelled would go to show_error, which shows nothing (a box fails the test)
    qtbot.waitUntil(lambda: op.done, timeout=5000)
    assert isinstance(op.error, Cancelled) and op.result is None
    assert len(steps) < 10_000
    assert reported == sorted(reported) and 0 <= reported[0] < 1


def test_a_widget_deleted_while_its_operation_runs_gets_no_callback(qtbot):
    w = QWidget()
    release = threading.Event()
    calls: list[str] = []
    finished: list[bool] = []

    def fn(_progress):
        assert release.wait(5)
        return "answer"

    def fails(_progress):
        assert release.wait(5)
        raise UserError("太晚了", "too late")

    # on_success / on_error would touch the deleted widget and raise RuntimeError
    ok = run(w, fn, on_success=lambda _r: calls.append(w.windowTitle()),
             on_error=lambda _e: calls.append("error"), progress_label="正在处理…",
             show_after_ms=0)
    bad = run(w, fails, on_success=lambda _r: calls.append("success"),
              on_error=lambda _e: calls.append(w.windowTitle()))
    quiet = run(w, fails)  # the default error box would have the deleted widget as its parent
    ok.finished.connect(lambda: finished.append(True))
    w.deleteLater()
    qtbot.waitUntil(lambda: not isValid(w), timeout=5000)
    release.set()
    qtbot.waitUntil(lambda: ok.done and bad.done and quiet.done, timeout=5000)
    assert calls == []
    assert ok.result == "answer" and finished == [True]
    assert isinstance(bad.error, UserError) and isinstance(quiet.error, UserError)


def test_changes_are_announced_even_when_the_widget_is_gone(qtbot, monkeypatch):
    from app.domain.actor import Actor
    from app.domain.enums import Role
    from ui.context import AppContext
    monkeypatch.setattr(AppContext, "_current", None)  # restored afterwards
    ctx = AppContext(None, Actor(user_id=None, username="t", display_name="测试", role=Role.ADMIN))
    areas: list[set] = []
    ctx.changed.connect(areas.append)
    w = QWidget()
    release = threading.Event()
    op = run(w, lambda _p: release.wait(5), changes={"people"})
    w.deleteLater()
    qtbot.waitUntil(lambda: not isValid(w), timeout=5000)
    release.set()
    qtbot.waitUntil(lambda: op.done, timeout=5000)
    assert areas == [{"people"}]
