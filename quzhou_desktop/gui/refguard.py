"""Guard against a reference-count leak on ``None`` in PySide6/shiboken6 6.12 under CPython 3.11.

shiboken6 6.12.0 (abi3 wheel) returns ``None`` from every void C++ method without taking a reference. On
CPython 3.12+ ``None`` is immortal and nothing happens; on CPython 3.11 each call such as ``QLabel.setText``
or ``QTableWidgetItem.setData`` lowers ``None``'s reference count by one, and after a few thousand calls the
interpreter aborts with "Fatal Python error: none_dealloc". The 月度工作例会 tab makes ≈5,000 such calls per
reload, so changing its month a few times was enough; every other screen leaks the same way, only more slowly.
Measured with ``none_leak_per_call`` on CPython 3.11.7: 1.0 reference per call with 6.12.0; 0.0 with 6.6.3.1,
6.7.3, 6.8.3, 6.9.3, 6.10.3, 6.11.0 and 6.11.3; 0.0 with 6.12.0 on CPython 3.12 and 3.13.

The frozen program is built on CPython ≥ 3.12 (installer/build.py), so it never needs this. A source install
on CPython 3.11 does: importing the ``quzhou_desktop.gui`` package applies the guard (its only call site), so
the app, the smoke command, the benchmarks and the tests are covered before they make a Qt call through the
GUI. tests/gui/test_refguard.py fails when the installed PySide6 stops leaking, so the guard can be deleted.

``ensure_none_headroom`` detects the leak with a short probe and, only where it exists, raises ``None``'s
reference count by 2**40 — the same effect as the immortal ``None`` of CPython 3.12. Over-counting ``None``
is harmless (it is never freed anyway).
"""

from __future__ import annotations

import ctypes
import platform
import sys

__all__ = ["HEADROOM", "ensure_none_headroom", "guard_can_apply", "none_leak_per_call"]

HEADROOM = 1 << 40
_PROBE_CALLS = 64
_state = {"checked": False, "leaks": False}


def guard_can_apply() -> bool:
    """Whether this interpreter can leak ``None`` at all (CPython before 3.12, where ``None`` is mortal)."""
    return sys.version_info < (3, 12) and platform.python_implementation() == "CPython"


def none_leak_per_call() -> float:
    """References of ``None`` lost per void PySide6 call (0.0 on a correct build or an immortal ``None``)."""
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
        if guard_can_apply():
            _state["leaks"] = none_leak_per_call() >= 0.5
            if _state["leaks"]:
                # ob_refcnt is the first field of every PyObject in a release build of CPython 3.11.
                ctypes.c_ssize_t.from_address(id(None)).value += HEADROOM
    return bool(_state["leaks"])
