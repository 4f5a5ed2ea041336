"""The PySide6 user interface.

Importing this package applies the None-refcount guard for PySide6 6.12 on CPython 3.11 (gui/refguard.py):
every route into the GUI — the app, the smoke command, the benchmarks, the tests — passes through here before
it makes a Qt call, so this is the guard's only call site.
"""

from __future__ import annotations

from quzhou_desktop.gui.refguard import ensure_none_headroom

ensure_none_headroom()
