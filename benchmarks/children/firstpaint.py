"""Shared by the child processes: exit the event loop right after the first paint of a chosen window."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget


class FirstPaint(QObject):
    """Application-wide event filter: on the first Paint of a top-level widget accepted by ``want``, call
    ``then(widget)`` on the next event-loop turn (after the paint completed)."""

    def __init__(self, want: Callable[[QWidget], bool], then: Callable[[QWidget], None]) -> None:
        super().__init__()
        self.want, self.then = want, then
        self.fired: set[int] = set()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and isinstance(obj, QWidget) and obj.isWindow():
            key = id(obj)
            if key not in self.fired and self.want(obj):
                self.fired.add(key)
                QTimer.singleShot(0, lambda w=obj: self.then(w))
        return False


def peak_rss_kb() -> int:
    """This process's peak resident set (VmHWM) from the kernel. Unlike ``ru_maxrss`` it starts afresh at exec,
    so the parent's size at fork does not leak into the figure."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource

    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def report(**values: object) -> None:
    """One JSON line on stdout for the parent (wall-clock ``time.time()`` stamps, peak RSS in kB)."""
    values.setdefault("peak_rss_kb", peak_rss_kb())
    sys.stdout.write(json.dumps(values) + "\n")
    sys.stdout.flush()


def exit_now(app: QApplication, **values: object) -> None:
    """Report, then leave at once: no queued work (e.g. the app's database boot) and no teardown runs after
    the measured paint, for the app and the bare-window baseline alike."""
    report(painted=time.time(), **values)
    app.exit(0)
    os._exit(0)
