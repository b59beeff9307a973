"""One function per user action runs a service call off the GUI thread and reports back by signal.

Widgets call the per-area modules (``ui.operations.people``, ``.cases``, ``.intake``…): one small
function per user action that names the service call and the areas it changes, e.g.::

    from ui.operations.cases import add_note
    add_note(self, self.ctx, case_id, text, on_done=self._done, on_error=self._failed)

Those functions are built on ``run`` below; they import ``app.services`` on the worker thread, so
importing a widget never imports SQLAlchemy (the first paint comes first).

* ``fn(progress)`` runs on a worker thread of the global QThreadPool. ``progress(frac, message)``
  reports progress; it raises ``Cancelled`` once the person pressed 取消, so the service's unit of
  work rolls back.
* ``on_success(result)`` and ``on_error(exc)`` run on the GUI thread. Without ``on_error`` a
  ``UserError`` is shown in a warning box in Chinese; any other exception as an internal error;
  ``Cancelled`` (the person pressed 取消) is not shown.
* When ``parent`` has been deleted (closed with WA_DeleteOnClose, page gone) by the time the answer
  arrives, neither callback runs and no box is shown: the answer has nowhere to go. The operation
  still finishes (``result``/``error``, ``changes`` announced, ``finished`` emitted), so callers
  never check ``shiboken6.isValid`` themselves. Dropping answers to an *older* request of a widget
  that is still alive (a newer search was started) is the widget's own business.
* ``changes`` (a set of area names such as {"people"}) is announced on ``AppContext.changed`` after
  success, so pages can refresh; hidden pages refresh when next shown.
* ``AccountRevoked`` (the signed-in account was disabled, locked or given another role since it
  signed in; nothing was written) goes to ``AppContext.revoke`` instead of ``on_error``: the main
  window tells the person and signs out, whichever page or dialog asked (even one since closed).
* With ``progress_label`` a QProgressDialog with a 取消 button appears if the work takes longer than
  ``show_after_ms``.
"""
from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget
from shiboken6 import isValid

from app.domain.errors import AccountRevoked, Cancelled, UserError

log = logging.getLogger(__name__)
OnDone = Callable[[Any], None] | None                 # on_success of an action, GUI thread
OnError = Callable[[BaseException], None] | None      # None: ``show_error``
_running: set["Operation"] = set()


class Operation(QObject):
    """A running background call. ``finished`` is emitted last, on the GUI thread."""

    succeeded = Signal(object)
    failed = Signal(object)
    progressed = Signal(float, str)
    finished = Signal()

    def __init__(self, parent: QWidget | None):
        super().__init__(None)
        self.parent_widget = parent
        self._cancel = threading.Event()
        self.result: Any = None
        self.error: BaseException | None = None
        self.done = False

    def wanted(self) -> bool:
        """False once the widget that asked (``parent_widget``) has been deleted."""
        return self.parent_widget is None or isValid(self.parent_widget)

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def report(self, frac: float, message: str = "") -> None:
        """The ``progress`` callback handed to the worker function (any thread)."""
        if self._cancel.is_set():
            raise Cancelled()
        self.progressed.emit(float(frac), message)


class _Job(QRunnable):
    def __init__(self, op: Operation, fn: Callable[[Callable[[float, str], None]], Any]):
        super().__init__()
        self.op, self.fn = op, fn

    def run(self) -> None:  # worker thread
        try:
            result = self.fn(self.op.report)
        except BaseException as e:  # noqa: BLE001 - handed to the GUI thread
            if not isinstance(e, (UserError, Cancelled)):
                log.error("background operation failed\n%s", traceback.format_exc())
            self.op.failed.emit(e)
        else:
            self.op.succeeded.emit(result)


def show_error(parent: QWidget | None, exc: BaseException) -> None:
    """Tell the person what went wrong, in Chinese."""
    if isinstance(exc, Cancelled):
        return
    if isinstance(exc, UserError):
        QMessageBox.warning(parent, "无法完成", exc.message)
    else:
        QMessageBox.critical(parent, "程序内部错误",
                             f"操作未完成，数据未被修改。\n\n{type(exc).__name__}: {exc}\n\n"
                             "请将此信息告诉系统管理员。")


def run(parent: QWidget | None, fn: Callable[[Callable[[float, str], None]], Any], *,
        on_success: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        changes: set[str] | None = None, progress_label: str | None = None,
        show_after_ms: int = 400) -> Operation:
    """Start ``fn`` off the GUI thread; see the module docstring. Call from the GUI thread."""
    op = Operation(parent)
    _running.add(op)
    dialog: QProgressDialog | None = None
    if progress_label:
        dialog = QProgressDialog(progress_label, "取消", 0, 1000, parent)
        dialog.setWindowTitle("请稍候")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(show_after_ms)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setValue(0)
        dialog.canceled.connect(op.cancel)

        def on_progress(frac: float, message: str) -> None:
            if not isValid(dialog):  # deleted together with ``parent``
                return
            dialog.setValue(int(max(0.0, min(1.0, frac)) * 1000))
            if message:
                dialog.setLabelText(message)
        op.progressed.connect(on_progress)

    def finish() -> None:
        if dialog is not None and isValid(dialog):
            dialog.canceled.disconnect(op.cancel)
            dialog.close()
            dialog.deleteLater()
        op.done = True
        op.finished.emit()
        _running.discard(op)

    def succeeded(result: Any) -> None:
        op.result = result
        try:
            if changes:
                from ui.context import AppContext
                AppContext.announce(changes)
            if on_success is not None and op.wanted():
                on_success(result)
        finally:
            finish()

    def failed(exc: BaseException) -> None:
        op.error = exc
        try:
            if isinstance(exc, AccountRevoked):
                from ui.context import AppContext
                if AppContext.revoke(exc.message):
                    return
            if op.wanted():
                if on_error is not None:
                    on_error(exc)
                else:
                    show_error(parent, exc)
        finally:
            finish()

    op.succeeded.connect(succeeded, Qt.ConnectionType.QueuedConnection)
    op.failed.connect(failed, Qt.ConnectionType.QueuedConnection)
    QThreadPool.globalInstance().start(_Job(op, fn))
    return op
