"""Generate the reference database: a township over ten years, written through the real schema.

    python -m benchmarks.gen.reference OUT.sqlite3 [--scale full|quick|tiny] [--seed N]

Deterministic for a seed and scale (ids, names, dates and amounts come from one ``random.Random``; the audit
timestamps are the generated dates, not the wall clock), so two runs produce the same rows.
"""

from __future__ import annotations

import argparse
import random
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from benchmarks.gen import disclosures, matters, org, vouchers
from benchmarks.gen.bulk import BulkWriter, Phases, start
from benchmarks.gen.common import AS_OF, SCALES, Gen, Scale, at
from quzhou_desktop.store.audit.chain import Actor
from quzhou_desktop.store.db import Database

DEFAULT_SEED = 20261124
# Generator-side tuning of its own bulk-load connection only (the app's pragmas are untouched on reopen).
BULK_PRAGMAS = ("PRAGMA cache_size = -262144", "PRAGMA synchronous = OFF")


@dataclass
class GenReport:
    scale: str
    seed: int
    seconds: float
    phases: Phases
    file_bytes: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        out = [f"generated {self.scale} reference DB in {self.seconds:.1f} s ({self.file_bytes / 2**20:.0f} MiB); "
               f"{self.phases.audit_entries:,} audit entries"]  # fmt: skip
        for name, secs in sorted(self.phases.seconds.items(), key=lambda kv: -kv[1]):
            out.append(f"  {name:40} {secs:6.1f} s wall {self.phases.cpu[name]:6.1f} s CPU")
        out.append("  rows: " + ", ".join(f"{k} {v:,}" for k, v in sorted(self.phases.rows.items())))
        return out


def generate(path: Path, scale: Scale, *, seed: int = DEFAULT_SEED, as_of: date = AS_OF) -> GenReport:
    """Create ``path`` (must not exist) and fill it. Returns timings per phase."""
    started = time.perf_counter()
    if path.exists():
        raise FileExistsError(path)
    db = Database(path, create=True)
    phases = Phases()
    try:
        raw = db.write_engine.raw_connection()  # the pool hands this same connection out again below
        try:
            for p in BULK_PRAGMAS:
                raw.execute(p)
        finally:
            raw.close()
        with db.write_connection() as conn:
            writer = BulkWriter(conn, Actor(None, "system"), phases)
            g = Gen(scale, random.Random(seed), writer, as_of)
            t = start()
            org.build(g)
            phases.add("generate rows (python)", t)
            writer.flush(at(date(g.first_year, 1, 1), 18))
            writer.actor = Actor(g.admin_id, "admin")
        for year in range(g.first_year, as_of.year + 1):
            with db.write_connection() as conn:
                writer.conn = conn
                for v in g.villages:
                    t = start()
                    resolutions = matters.build_year(g, v, year)
                    totals = vouchers.build_year(g, v, year, resolutions)
                    disclosures.build_year(g, v, year, totals)
                    phases.add("generate rows (python)", t)
                    writer.flush(at(g.year_end(year), 18))
        t = start()
        raw = db.write_engine.raw_connection()
        try:
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()
        phases.add("checkpoint", t)
    finally:
        db.dispose()
    report = GenReport(scale.name, seed, time.perf_counter() - started, phases, path.stat().st_size)
    return report


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.gen.reference")
    ap.add_argument("out", type=Path)
    ap.add_argument("--scale", choices=sorted(SCALES), default="full")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = ap.parse_args(argv)
    report = generate(args.out, SCALES[args.scale], seed=args.seed)
    print("\n".join(report.lines()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
