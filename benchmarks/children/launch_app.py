"""Child: the real app (``quzhou_desktop.app.run_gui``) against ``--db``, offscreen.

    python -m benchmarks.children.launch_app first|login|main DB [USER PASSWORD]

``first``: exit right after the first top-level window painted (the start-up window that says the database
is being opened).
``login``: exit right after the first window (the login dialog) painted. ``main``: fill the login dialog,
log in, and exit right after the main window painted. The app itself is not modified: this launcher creates
the QApplication first (``make_application`` reuses an existing instance) and installs an event filter.
"""

from __future__ import annotations

import sys
import time

from PySide6.QtWidgets import QApplication, QWidget

from benchmarks.children.firstpaint import FirstPaint, exit_now, report


def main() -> int:
    mode, db = sys.argv[1], sys.argv[2]
    user, password = (sys.argv[3], sys.argv[4]) if len(sys.argv) > 4 else ("", "")
    app = QApplication(sys.argv[:1])
    marks: dict[str, float] = {}

    def painted(w: QWidget) -> None:
        name = type(w).__name__
        if mode == "first":
            marks["first_painted"] = time.time()
            exit_now(app, **marks)
            return
        if name == "LoginDialog":
            marks["login_painted"] = time.time()
            if mode == "login":
                exit_now(app, **marks)
                return
            w.try_login(user, password)  # type: ignore[attr-defined]
        elif name == "MainWindow":
            exit_now(app, **marks)

    flt = FirstPaint(lambda w: mode == "first" or type(w).__name__ in ("LoginDialog", "MainWindow"), painted)
    app.installEventFilter(flt)
    from quzhou_desktop.app import run_gui

    code = run_gui(["--db", db])
    report(exited=time.time(), code=code)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
