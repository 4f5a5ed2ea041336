"""Baseline child: a bare PySide6 window (title, label), exits right after its first paint."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

from benchmarks.children.firstpaint import FirstPaint, exit_now


def main() -> int:
    app = QApplication(sys.argv[:1])
    win = QMainWindow()
    win.setWindowTitle("村务民主管理")
    win.setCentralWidget(QLabel("村务民主管理"))
    flt = FirstPaint(lambda w: w is win, lambda _w: exit_now(app))
    app.installEventFilter(flt)
    win.resize(800, 600)
    win.show()
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
