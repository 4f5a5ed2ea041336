"""Pause Python's cyclic garbage collector while an import builds, and keeps, hundreds of thousands of objects.

Every container an import creates counts towards the collector's thresholds, and the ones it keeps (rows read,
records, the values bound to SQLite) survive into the older generations. A 100,000-row voucher import set off
≈1,300 collections, nine of them full ones walking every live object: ≈1 s of CPU, a fifth of the whole
import, to find no garbage — an import makes no reference cycles of note; what it drops is freed by reference
counting at once, paused or not.

The collector is process-wide, so is the pause: it nests (and may be entered from several threads), and the
collector is enabled again when the outermost pause ends, unless it was disabled before the first one began.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class _Pause:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.depth = 0
        self.resume = False  # whether the collector was enabled when the outermost pause began


_PAUSE = _Pause()


@contextmanager
def gc_paused() -> Iterator[None]:
    """Run the block with the cyclic garbage collector disabled (reference counting still frees memory)."""
    p = _PAUSE
    with p.lock:
        if p.depth == 0:
            p.resume = gc.isenabled()
            gc.disable()
        p.depth += 1
    try:
        yield
    finally:
        with p.lock:
            p.depth -= 1
            if p.depth == 0 and p.resume:
                gc.enable()
