"""``verify`` of the reference township next to a bare SHA-256 pass over the same audit rows (no budget: the
ratio is reported, with where the time goes).

Ours: ``services.verification.run.verify`` — the product path of the CLI command and the GUI button: SQLite's
integrity and foreign-key checks, the triggers, the chain recomputed, every audited record compared with its
latest recorded state (batch entries included), the attachments, and the anchors found. The baseline reads the
same audit rows with the bare sqlite3 module and hashes each once with SHA-256: what any check of the chain
costs at least. The database file is read once before either is timed, so both run from the page cache.
Both are single-threaded and in this process, so their CPU time is reported too: on a loaded machine the wall
clock measures the share of a core the process got as much as the work.
"""

from __future__ import annotations

import hashlib
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.assets import Assets
from benchmarks.measure import Measurement

COLUMNS = (
    "seq, ts, user_id, username, action, entity, entity_id, before_json, after_json, reason, prev_hash, hash"
)


def bare_sha256_pass(db: Path) -> int:
    """Read every audit row and hash it once; returns the number of rows."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        n = 0
        sha = hashlib.sha256
        for row in con.execute(f"SELECT {COLUMNS} FROM audit_log ORDER BY seq"):
            sha("\x1f".join(map(str, row)).encode("utf-8")).digest()
            n += 1
        return n
    finally:
        con.close()


def _timed(fn: Callable[[], object], repeat: int) -> tuple[list[float], list[float]]:
    """(wall seconds, CPU seconds of this process) of ``repeat`` calls."""
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return wall, cpu


def _warm(db: Path) -> None:
    with db.open("rb") as fh:
        while fh.read(1 << 24):
            pass


def _parts(db: Path) -> list[tuple[str, float]]:
    """Seconds of each part of verify, once each (information)."""
    from quzhou_desktop.services.kernel.anchoring import gather_anchors
    from quzhou_desktop.services.kernel.site import read_site
    from quzhou_desktop.services.verification.run import anchor_findings
    from quzhou_desktop.store.audit import integrity
    from quzhou_desktop.store.audit.verify import verify_attachments, verify_chain, verify_records
    from quzhou_desktop.store.db import Database

    database = Database(db)
    out: list[tuple[str, float]] = []
    try:
        with database.read_engine.connect() as conn:
            steps = [
                ("PRAGMA integrity_check", lambda: integrity.integrity_problems(conn)),
                ("PRAGMA foreign_key_check", lambda: list(integrity.foreign_key_problems(conn))),
                ("append-only triggers", lambda: list(integrity.trigger_problems(conn))),
                ("the chain recomputed", lambda: list(verify_chain(conn))),
                ("every record against its latest entry", lambda: list(verify_records(conn))),
                ("attachments", lambda: list(verify_attachments(conn))),
                ("anchors (journal read, signatures, chain points)",
                 lambda: anchor_findings(conn, read_site(database), gather_anchors(read_site(database)), [])),
            ]  # fmt: skip
            for name, step in steps:
                t = time.perf_counter()
                step()
                out.append((name, time.perf_counter() - t))
    finally:
        database.dispose()
    return out


def verify_reference(a: Assets, repeat: int) -> list[Measurement]:
    from quzhou_desktop.services.kernel.context import AppContext
    from quzhou_desktop.services.verification.run import verify
    from quzhou_desktop.store.db import Database

    _warm(a.db)
    rows = bare_sha256_pass(a.db)
    base, base_cpu = _timed(lambda: bare_sha256_pass(a.db), max(repeat, 3))
    database = Database(a.db)
    try:
        ctx = AppContext(database)
        reports: list[object] = []
        ours, ours_cpu = _timed(lambda: reports.append(verify(ctx)), min(repeat, 3))
    finally:
        database.dispose()
    report = reports[-1]
    clean = getattr(report, "ok", False)
    name = f"SHA-256 over {rows:,} audit rows"
    out = [
        Measurement(
            f"verify of the reference township ({rows:,} audit entries): every check, as `quzhou-desktop verify`",
            "s", ours, "ratio", 0.0, base, name,
            note=f"verify {'passed' if clean else 'FAILED'}; the ratio is reported, no budget is set",
        ),
        Measurement("  … the same runs in CPU time of the process (info)", "s", ours_cpu, "ratio", 0.0, base_cpu,
                    "CPU time of the SHA-256 pass"),
    ]  # fmt: skip
    for part, seconds in _parts(a.db):
        out.append(
            Measurement(f"  … of which {part} (info, one run)", "s", [seconds], "ratio", 0.0, base, name)
        )
    return out
