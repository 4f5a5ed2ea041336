"""Guard against a reference-count leak on ``None`` in the installed PySide6/shiboken6 build.

shiboken6 6.12 (abi3 wheel) returns ``None`` from every void C++ method without taking a reference. On
CPython 3.12+ ``None`` is immortal and nothing happens; on CPython 3.11 each call such as
``QLabel.setText`` or ``QTableWidgetItem.setData`` lowers ``None``'s reference count by one, and after a few
thousand calls the interpreter aborts with "Fatal Python error: none_dealloc". The 月度工作例会 tab makes
≈5,000 such calls per reload (one per cell property), so changing its month a few times was enough; every
other screen leaks the same way, only more slowly. ``app.make_application`` applies the guard for the whole
app (and tests/conftest.py for the test run).

``ensure_none_headroom`` detects the leak with a short probe and, only where it exists, raises ``None``'s
reference count by 2**40 — the same effect as the immortal ``None`` of CPython 3.12. Over-counting ``None``
is harmless (it is never freed anyway). The real fix belongs to the environment (a shiboken6 without the
bug, or CPython ≥ 3.12); this guard keeps the application alive until then.
"""

from __future__ import annotations

import ctypes
import platform
import sys

__all__ = ["HEADROOM", "ensure_none_headroom", "none_leak_per_call"]

HEADROOM = 1 << 40
_PROBE_CALLS = 64
_state = {"checked": False, "leaks": False}


def none_leak_per_call() -> float:
    """References of ``None`` lost per void PySide6 call (0.0 on a correct build)."""
    from PySide6.QtCore import QObject

    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(_PROBE_CALLS):
        probe.setObjectName("probe")  # a void method
    after = sys.getrefcount(None)
    return max(0.0, (before - after) / _PROBE_CALLS)


def ensure_none_headroom() -> bool:
    """Apply the guard once per process if this build leaks; returns whether the guard is active."""
    if not _state["checked"]:
        _state["checked"] = True
        if sys.version_info < (3, 12) and platform.python_implementation() == "CPython":
            _state["leaks"] = none_leak_per_call() >= 0.5
            if _state["leaks"]:
                # ob_refcnt is the first field of every PyObject in a release build of CPython 3.11.
                ctypes.c_ssize_t.from_address(id(None)).value += HEADROOM
    return bool(_state["leaks"])
