"""The None-refcount guard (quzhou_desktop/gui/refguard.py): still needed, applied by importing the gui package,
and nowhere else.

``test_pyside6_still_leaks_none_without_the_guard`` is the one to watch: it fails when the installed PySide6 no
longer aborts CPython 3.11 after many void calls. Then the guard, its call in quzhou_desktop/gui/__init__.py
and this file can be deleted.
"""

from __future__ import annotations

import os
import platform
import re
import subprocess
import sys
from pathlib import Path

import pytest

from quzhou_desktop.gui.refguard import HEADROOM, ensure_none_headroom, guard_can_apply, none_leak_per_call

ROOT = Path(__file__).resolve().parents[2]
VOID_CALLS = 200_000  # a fresh interpreter holds a few thousand references to None: far fewer than this

CHILD = """
import resource, sys
resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # the expected abort must not leave a core file
{imports}
from PySide6.QtCore import QObject
probe = QObject()
for _ in range({calls}):
    probe.setObjectName("probe")
print("survived", sys.getrefcount(None))
"""


def run_child(imports: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, "-c", CHILD.format(imports=imports, calls=VOID_CALLS)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def versions() -> str:
    import PySide6
    import shiboken6

    return (
        f"PySide6 {PySide6.__version__} / shiboken6 {shiboken6.__version__} "
        f"on {platform.python_implementation()} {platform.python_version()}"
    )


def test_pyside6_still_leaks_none_without_the_guard() -> None:
    if not guard_can_apply():
        assert ensure_none_headroom() is False
        assert none_leak_per_call() == 0.0
        pytest.skip(f"{versions()}: None is immortal, the guard never applies")
    child = run_child(imports="")
    leak = none_leak_per_call()
    assert child.returncode != 0 and "none_dealloc" in child.stderr, (
        f"{versions()} no longer leaks a reference of None per void call "
        f"({VOID_CALLS} calls survived without the guard; probe: {leak} per call). "
        "Delete quzhou_desktop/gui/refguard.py, its call in quzhou_desktop/gui/__init__.py and this test."
    )
    assert leak >= 0.5


def test_importing_the_gui_package_applies_the_guard() -> None:
    child = run_child(imports="import quzhou_desktop.gui")
    assert child.returncode == 0, child.stderr[-2000:]
    assert child.stdout.startswith("survived")
    if ensure_none_headroom():  # this test process imported the gui package too
        assert guard_can_apply()
        assert sys.getrefcount(None) > HEADROOM // 2


def test_the_guard_is_applied_in_one_place() -> None:
    calls = sorted(
        str(path.relative_to(ROOT))
        for folder in ("quzhou_desktop", "benchmarks", "installer", "scripts")
        for path in (ROOT / folder).rglob("*.py")
        if path.name != "refguard.py"
        and re.search(r"^[^#\n]*ensure_none_headroom\(", path.read_text(encoding="utf-8"), re.M)
    )
    assert calls == ["quzhou_desktop/gui/__init__.py"]
