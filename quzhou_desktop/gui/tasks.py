"""Run work off the GUI thread: one worker (so database writes never race), progress, cancel, and
success/failure callbacks on the GUI thread. A progress dialog appears only if the work takes longer than
``show_after_ms`` (0.5 s by default), so quick jobs never flash a dialog.

    def work(progress: Progress) -> Path:
        for i, item in enumerate(items):
            progress.check()                      # raises TaskCancelled if the user pressed 取消
            progress.report(i, len(items), f"正在处理 {item}")
            ...
        return out

    run_task(work, parent=self, title="导出", on_success=lambda path: ...)

Long core operations written as generators plug in with ``from_generator``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Generator
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from quzhou_desktop.core.errors import QuzhouError
from quzhou_desktop.gui import crash
from quzhou_desktop.gui.i18n import tr
from quzhou_desktop.gui.messages import show_error

T = TypeVar("T")
R_co = TypeVar("R_co", covariant=True)  # a Task[Path] is a Task[object]: nothing is handed back to it
_pool: QThreadPool | None = None
_running: set[Task[Any]] = set()


class TaskCancelled(Exception):
    """Raised inside the work function by ``Progress.check`` once the user cancelled."""


class Progress:
    """Handed to the work function; thread-safe."""

    def __init__(self, emit: Callable[[int, int, str], None]) -> None:
        self._emit = emit
        self._cancel = threading.Event()

    def report(self, done: int, total: int = 0, text: str = "") -> None:
        """``total`` 0 means unknown (busy indicator)."""
        try:
            self._emit(int(done), int(total), text)
        except RuntimeError:  # the GUI side is gone (app closing): stop the work
            self._cancel.set()
            raise TaskCancelled from None

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        if self._cancel.is_set():
            raise TaskCancelled

    def _request_cancel(self) -> None:
        self._cancel.set()


class _Signals(QObject):
    progress = Signal(int, int, str)
    succeeded = Signal()  # the result waits in run_task's typed list, not in the signal
    failed = Signal(object)
    cancelled = Signal()


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[Progress], None], progress: Progress, signals: _Signals) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._fn, self._progress, self._signals = fn, progress, signals

    def run(self) -> None:
        try:
            try:
                self._fn(self._progress)
            except TaskCancelled:
                self._signals.cancelled.emit()
            except BaseException as exc:
                self._signals.failed.emit(exc)
            else:
                self._signals.succeeded.emit()
        except RuntimeError:  # the receiver was deleted while we worked (app closing)
            pass


class Task(QObject, Generic[R_co]):
    """A handle on running work. ``finished`` fires after the callbacks ran (success, failure or cancel)."""

    finished = Signal()

    def __init__(self, parent: QWidget | None, title: str, label: str, cancellable: bool) -> None:
        super().__init__()
        self.title, self.label, self.cancellable = title, label, cancellable
        self._parent = parent
        self.dialog: QProgressDialog | None = None
        self.running = True
        self._updating = False
        self.signals = _Signals()
        self.progress = Progress(self.signals.progress.emit)
        self._last: tuple[int, int, str] = (0, 0, label)
        self.signals.progress.connect(self._on_progress)

    def cancel(self) -> None:
        self.progress._request_cancel()

    def _show_dialog(self) -> None:
        if not self.running or self.dialog is not None:
            return
        dlg = QProgressDialog(self._parent)
        dlg.setWindowTitle(self.title)
        dlg.setWindowModality(Qt.WindowModality.WindowModal)
        dlg.setMinimumDuration(0)
        dlg.setAutoClose(False)
        dlg.setAutoReset(False)
        if self.cancellable:
            dlg.setCancelButtonText(tr("取消"))
            dlg.canceled.connect(self.cancel)
        else:
            dlg.setCancelButton(None)
        self.dialog = dlg
        self._on_progress(*self._last)
        dlg.show()

    def _on_progress(self, done: int, total: int, text: str) -> None:
        """Show the latest progress. A window-modal ``QProgressDialog`` runs the event loop inside
        ``setValue``, so the task's end (or another progress report) can be delivered in the middle of this
        update: nested reports only record their numbers, and the end leaves the dialog to be closed here."""
        self._last = (done, total, text or self.label)
        dlg = self.dialog
        if dlg is None or self._updating:
            return
        self._updating = True
        try:
            dlg.setLabelText(text or self.label)
            dlg.setMaximum(max(total, 0))
            dlg.setValue(min(done, total) if total > 0 else 0)  # may process events: _end may run here
        finally:
            self._updating = False
        if not self.running:
            self._close_dialog()

    def _close_dialog(self) -> None:
        dlg, self.dialog = self.dialog, None
        if dlg is not None:
            dlg.hide()
            dlg.deleteLater()

    def _end(self) -> None:
        self.running = False
        if not self._updating:  # otherwise _on_progress closes it once setValue returns
            self._close_dialog()
        _running.discard(self)
        self.finished.emit()


def worker_pool() -> QThreadPool:
    """The one worker thread all tasks share (Anki-style: work is serialised)."""
    global _pool
    if _pool is None:
        _pool = QThreadPool()
        _pool.setMaxThreadCount(1)
    return _pool


def default_failure(parent: QWidget | None, exc: BaseException) -> None:
    if isinstance(exc, QuzhouError):
        show_error(parent, exc)
    else:
        crash.report_exception(exc)


def run_task(
    fn: Callable[[Progress], T],
    *,
    parent: QWidget | None,
    title: str,
    label: str = "",
    on_success: Callable[[T], object] | None = None,
    on_failure: Callable[[BaseException], object] | None = None,
    on_cancel: Callable[[], object] | None = None,
    cancellable: bool = False,
    show_after_ms: int = 500,
) -> Task[T]:
    """Run ``fn(progress)`` on the worker thread; callbacks run on the GUI thread.

    Without ``on_failure`` a ``QuzhouError`` becomes a message box and anything else the crash dialog."""
    task: Task[T] = Task(parent, title, label or title, cancellable)
    results: list[T] = []  # the worker appends the result before it signals success (a queued signal)

    def work(progress: Progress) -> None:
        results.append(fn(progress))

    def succeeded() -> None:
        try:
            if on_success is not None:
                on_success(results[0])
        finally:
            task._end()

    def failed(exc: object) -> None:
        assert isinstance(exc, BaseException)
        try:
            if on_failure is not None:
                on_failure(exc)
            else:
                default_failure(parent, exc)
        finally:
            task._end()

    def cancelled() -> None:
        try:
            if on_cancel is not None:
                on_cancel()
        finally:
            task._end()

    task.signals.succeeded.connect(succeeded)
    task.signals.failed.connect(failed)
    task.signals.cancelled.connect(cancelled)
    _running.add(task)
    QTimer.singleShot(max(show_after_ms, 0), task, task._show_dialog)
    worker_pool().start(_Runnable(work, task.progress, task.signals))
    return task


def from_generator(
    gen_fn: Callable[[], Generator[tuple[int, int, str], None, T]],
) -> Callable[[Progress], T]:
    """Adapt a generator yielding ``(done, total, text)`` and returning a result to a task function."""

    def run(progress: Progress) -> T:
        gen = gen_fn()
        try:
            while True:
                progress.check()
                done, total, text = next(gen)
                progress.report(done, total, text)
        except StopIteration as stop:
            result: T = stop.value  # what the generator returned (StopIteration does not carry its type)
            return result
        finally:
            gen.close()

    return run


def running_tasks() -> list[Task[Any]]:
    return list(_running)
