"""gui.tasks: work off the GUI thread with progress, cancel and callbacks; the dialog only after a delay."""

from __future__ import annotations

import threading
from collections.abc import Generator

from PySide6.QtWidgets import QPushButton, QWidget
from pytestqt.qtbot import QtBot

from quzhou_desktop.core.errors import ValidationError
from quzhou_desktop.gui.tasks import Progress, TaskCancelled, from_generator, run_task, worker_pool
from tests.support.gui import close_message_boxes


def test_success_runs_off_the_gui_thread(qtbot: QtBot) -> None:
    seen: dict[str, object] = {}

    def work(progress: Progress) -> int:
        seen["thread"] = threading.current_thread()
        progress.report(1, 2, "一半")
        return 42

    task = run_task(work, parent=None, title="测试", on_success=lambda r: seen.setdefault("result", r))
    with qtbot.waitSignal(task.finished, timeout=5000):
        pass
    assert seen["result"] == 42
    assert seen["thread"] is not threading.main_thread()
    assert task.dialog is None  # quick work never shows the dialog


def test_expected_error_becomes_a_message_box(qtbot: QtBot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)

    def work(_p: Progress) -> None:
        raise ValidationError(field="村名", reason="不能为空")

    task = run_task(work, parent=parent, title="测试")
    with qtbot.waitSignal(task.finished, timeout=5000):
        pass
    assert close_message_boxes() == ["村名：不能为空"]


def test_cancel_and_delayed_progress_dialog(qtbot: QtBot) -> None:
    started, outcome = threading.Event(), []

    def work(progress: Progress) -> None:
        started.set()
        for i in range(1000):
            progress.check()
            progress.report(i, 1000, f"第{i}项")
            threading.Event().wait(0.01)

    task = run_task(work, parent=None, title="导出", cancellable=True, show_after_ms=100,
                    on_success=lambda _r: outcome.append("ok"), on_cancel=lambda: outcome.append("cancelled"))  # fmt: skip
    qtbot.waitUntil(lambda: task.dialog is not None, timeout=5000)
    assert task.dialog is not None and task.dialog.windowTitle() == "导出"
    qtbot.waitUntil(lambda: task.dialog is not None and task.dialog.value() > 0, timeout=5000)
    buttons = task.dialog.findChildren(QPushButton)
    assert [b.text() for b in buttons] == ["取消"]
    buttons[0].click()
    with qtbot.waitSignal(task.finished, timeout=5000):
        pass
    assert outcome == ["cancelled"] and task.dialog is None


def test_generator_jobs_plug_in(qtbot: QtBot) -> None:
    def job() -> Generator[tuple[int, int, str], None, str]:
        for i in range(3):
            yield i, 3, f"第{i}步"
        return "完成"

    results: list[str] = []
    task = run_task(from_generator(job), parent=None, title="测试", on_success=results.append)
    with qtbot.waitSignal(task.finished, timeout=5000):
        pass
    assert results == ["完成"]


def test_task_cancelled_is_not_a_failure() -> None:
    assert not issubclass(TaskCancelled, ValidationError)


def test_task_that_finishes_during_a_progress_update(qtbot: QtBot) -> None:
    """The window-modal progress dialog runs the event loop inside ``setValue``; the task's end (queued
    behind the progress signal) is delivered there and removes the dialog mid-update. No AttributeError."""
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    go = threading.Event()
    outcome: list[object] = []

    def work(progress: Progress) -> str:
        go.wait(5)
        progress.report(1, 3, "第一项")  # queued for the GUI thread …
        progress.report(2, 3, "第二项")
        return "完成"  # … and the end right behind them

    task = run_task(work, parent=parent, title="批量打印", show_after_ms=0, on_success=outcome.append)
    qtbot.waitUntil(lambda: task.dialog is not None and task.dialog.isVisible(), timeout=5000)
    dialog = task.dialog
    assert dialog is not None
    dialog.setValue(0)  # the dialog has been shown once: from now on setValue processes events
    go.set()
    worker_pool().waitForDone(5000)  # every signal is now waiting in the GUI thread's queue
    with qtbot.waitSignal(task.finished, timeout=5000):
        pass
    assert outcome == ["完成"] and task.dialog is None
