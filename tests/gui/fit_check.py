"""Open every window and dialog of ``dialog_catalogue`` on a screen of a given size and report whether each
fits with all its buttons reachable; optionally save a screenshot of each.

    python -m tests.gui.fit_check DEMO_DB OUT.json --screen 1366x728 [--maximise] [--shots DIR]

Run in a fresh process: the screen size comes from the offscreen platform's configuration, set here before
the QApplication is created (``QT_SCALE_FACTOR`` in the environment scales it, as on a 125 % Windows desktop).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget


def configure_screen(width: int, height: int) -> None:
    cfg = Path(tempfile.mkdtemp(prefix="qzscreen")) / "screen.json"
    screen = {"name": "laptop", "x": 0, "y": 0, "width": width, "height": height,
              "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}  # fmt: skip
    cfg.write_text(json.dumps({"synchronousWindowSystemEvents": True, "windowFrameMargins": False,
                               "screens": [screen]}))  # fmt: skip
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={cfg}"


def button_problems(window: QWidget) -> list[str]:
    """Visible buttons that lie outside the window and outside any scroll area's content (unreachable)."""
    from PySide6.QtCore import QPoint, QRect
    from PySide6.QtWidgets import QAbstractButton, QScrollArea

    bad = []
    inside = window.rect()
    for b in window.findChildren(QAbstractButton):
        if not b.isVisibleTo(window) or not b.text():
            continue
        area, w = None, b.parentWidget()
        while w is not None and w is not window:
            if isinstance(w, QScrollArea):
                area = w
                break
            w = w.parentWidget()
        top_left = b.mapTo(window, QPoint(0, 0))
        rect = QRect(top_left, b.size())
        if area is not None:  # reachable by scrolling if the scroll area itself is on screen
            area_rect = QRect(area.mapTo(window, QPoint(0, 0)), area.size())
            if not inside.contains(area_rect) or area.height() < 40:
                bad.append(f"{b.text()}（滚动区域不可见）")
            continue
        if not inside.contains(rect):
            bad.append(b.text())
    return bad


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("demo")
    ap.add_argument("out")
    ap.add_argument("--screen", default="1366x728")
    ap.add_argument("--maximise", action="store_true")
    ap.add_argument("--shots")
    ap.add_argument("--only", default="")
    args = ap.parse_args(argv)
    width, height = (int(x) for x in args.screen.split("x"))
    configure_screen(width, height)

    from PySide6.QtWidgets import QApplication

    from quzhou_desktop.gui.fonts import apply_ui_font
    from quzhou_desktop.gui.i18n import install_qt_translations
    from quzhou_desktop.gui.widgets.fit import FRAME_H, FRAME_W
    from tests.gui.dialog_catalogue import ENTRIES, Env

    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    install_qt_translations(app)
    apply_ui_font(app)
    screen = app.primaryScreen().availableGeometry()
    work = Path(tempfile.mkdtemp(prefix="qzfit"))
    shutil.copyfile(args.demo, work / "demo.sqlite3")
    os.environ["QUZHOU_DATA_DIR"] = str(work / "data")
    env = Env(work / "demo.sqlite3")
    shots = Path(args.shots) if args.shots else None
    if shots:
        shots.mkdir(parents=True, exist_ok=True)
    results = []
    for entry in ENTRIES:
        if args.only and entry.name not in args.only.split(","):
            continue
        widget = entry.open(env)
        if args.maximise and entry.large:
            widget.showMaximized()
        else:
            widget.show()
        for _ in range(8):
            app.processEvents()
        size, minimum = widget.size(), widget.minimumSize().expandedTo(widget.minimumSizeHint())
        if widget.layout() is None:
            minimum = widget.minimumSize()
        limit_w, limit_h = (
            screen.width() - (0 if widget.isMaximized() else FRAME_W),
            screen.height() - (0 if widget.isMaximized() else FRAME_H),
        )
        results.append({
            "name": entry.name, "cls": entry.cls, "width": size.width(), "height": size.height(),
            "min_width": minimum.width(), "min_height": minimum.height(),
            "fits": size.width() <= limit_w and size.height() <= limit_h,
            "shrinks": minimum.width() <= limit_w and minimum.height() <= limit_h,
            "unreachable": button_problems(widget),
        })  # fmt: skip
        if shots:
            widget.grab().save(str(shots / f"{entry.name}.png"))
        widget.close()
        widget.deleteLater()
        app.processEvents()
    Path(args.out).write_text(json.dumps({"screen": [screen.width(), screen.height()], "results": results},
                                         ensure_ascii=False, indent=1))  # fmt: skip
    env.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
