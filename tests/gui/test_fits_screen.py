"""Every window and dialog fits a 1366×768 laptop (1366×728 beside the taskbar) with all its buttons reachable,
and still fits maximised on 1920×1080 at 100 % and 125 % scaling. Each screen runs in its own process (the
offscreen screen's size is fixed when Qt starts); ``dialog_catalogue`` must list every dialog class."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from quzhou_desktop.services.demo import build_demo
from tests.gui.dialog_catalogue import ABSTRACT, ENTRIES

ROOT = Path(__file__).resolve().parents[2]
GUI = ROOT / "quzhou_desktop" / "gui"
WINDOW_BASES = {"QDialog", "QWizard", "QMainWindow", "QProgressDialog", "QMessageBox"}


def window_classes() -> set[str]:
    """Qualified names of every class in gui/ that derives, here or through another class here, from a Qt
    window class."""
    bases: dict[str, tuple[str, list[str]]] = {}
    for path in GUI.rglob("*.py"):
        if "forms" in path.parts:
            continue
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ClassDef):
                names = [b.id if isinstance(b, ast.Name) else getattr(b, "attr", "") for b in node.bases]
                bases[f"{module}.{node.name}"] = (node.name, names)
    by_short: dict[str, list[str]] = {}
    for qual, (short, _) in bases.items():
        by_short.setdefault(short, []).append(qual)

    def is_window(qual: str, seen: frozenset[str] = frozenset()) -> bool:
        for b in bases[qual][1]:
            if b in WINDOW_BASES:
                return True
            if any(q not in seen and is_window(q, seen | {qual}) for q in by_short.get(b, [])):
                return True
        return False

    return {q for q in bases if is_window(q)}


def test_every_dialog_class_is_in_the_catalogue() -> None:
    listed = {e.cls for e in ENTRIES} | ABSTRACT
    missing = window_classes() - listed
    assert not missing, f"add these to tests/gui/dialog_catalogue.py: {sorted(missing)}"
    assert listed - ABSTRACT <= window_classes()  # no stale entries


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fit") / "demo.sqlite3"
    build_demo(path)
    return path


SCREENS = [
    pytest.param("1366x728", False, None, id="1366x728"),
    pytest.param("1920x1040", True, None, id="1920x1080-maximised"),
    pytest.param("1920x1040", True, "1.25", id="1920x1080-125%-maximised"),
]


@pytest.mark.parametrize(("screen", "maximise", "scale"), SCREENS)
def test_every_window_fits(
    tmp_path: Path, demo_file: Path, screen: str, maximise: bool, scale: str | None
) -> None:
    out = tmp_path / "fit.json"
    env = {**os.environ, "QUZHOU_DATA_DIR": str(tmp_path / "data")}
    env.pop("QT_SCALE_FACTOR", None)
    if scale:
        env["QT_SCALE_FACTOR"] = scale
    cmd = [sys.executable, "-m", "tests.gui.fit_check", str(demo_file), str(out), "--screen", screen]
    if maximise:
        cmd.append("--maximise")
    run = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stderr[-3000:]
    report = json.loads(out.read_text(encoding="utf-8"))
    width, height = (int(x) for x in screen.split("x"))
    if scale:  # the app sees the screen in logical pixels
        assert report["screen"] == [round(width / float(scale)), round(height / float(scale))]
    else:
        assert report["screen"] == [width, height]
    results = report["results"]
    assert {r["name"] for r in results} == {e.name for e in ENTRIES}
    too_big = [f"{r['name']} {r['width']}×{r['height']}" for r in results if not r["fits"]]
    rigid = [f"{r['name']} min {r['min_width']}×{r['min_height']}" for r in results if not r["shrinks"]]
    hidden = [f"{r['name']}: {r['unreachable']}" for r in results if r["unreachable"]]
    assert not too_big and not rigid and not hidden, (too_big, rigid, hidden)
