"""`python -m benchmarks`: measure every performance budget (README: Performance) against same-run baselines.

    python -m benchmarks [--quick] [--only NAME[,NAME…]] [--repeat N] [--regen] [--no-write]

NAMEs: startup, registers, import, export, notices, memory, signing, verify, archive, packages. ``--quick`` uses a
reduced reference database (generated once and cached in benchmarks/.cache) and fewer repetitions; only a full run
writes RESULTS.md unless ``--write`` is given (a partial run with ``--only`` then writes its own section, keeping
the rest). Timings never fail the command: it exits 0 unless a measurement crashed.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
import traceback
from collections.abc import Callable
from datetime import datetime

from benchmarks import assets as assets_mod
from benchmarks.gen.common import SCALES
from benchmarks.measure import Measurement, table
from benchmarks.results import machine

LAST_RUN = assets_mod.CACHE / "last-full-run.json"

NAMES = (
    "startup",
    "registers",
    "import",
    "export",
    "notices",
    "memory",
    "signing",
    "verify",
    "archive",
    "packages",
)


def _runners(
    a: assets_mod.Assets, repeat: int, export_rows: int
) -> dict[str, Callable[[], list[Measurement]]]:
    from benchmarks import (
        bench_archive,
        bench_exchange,
        bench_notices,
        bench_packages,
        bench_process,
        bench_registers,
        bench_signing,
        bench_verify,
    )

    return {
        "startup": lambda: bench_process.startup(a, repeat),
        "registers": lambda: bench_registers.registers(a, repeat),
        "import": lambda: bench_exchange.imports(a, min(repeat, 3)),
        "export": lambda: bench_exchange.exports(a, min(repeat, 2), export_rows),
        "notices": lambda: bench_notices.notices(a, repeat),
        "memory": lambda: bench_process.memory(a),
        "signing": lambda: bench_signing.signing(a, repeat),
        "verify": lambda: bench_verify.verify_reference(a, repeat),
        "archive": lambda: bench_archive.archive(a, min(repeat, 3)),
        "packages": lambda: bench_packages.packages(a.scratch, min(repeat, 3)),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks", description="性能基准（各项预算见 README 的 Performance 一节）"
    )
    ap.add_argument(
        "--quick", action="store_true", help="reduced scale, fewer repetitions (under two minutes)"
    )
    ap.add_argument("--scale", choices=sorted(SCALES), help="override the scale (tiny is for tests)")
    ap.add_argument("--only", default="", help=f"comma-separated subset of: {', '.join(NAMES)}")
    ap.add_argument("--repeat", type=int, default=0, help="repetitions per measurement (default 5, quick 3)")
    ap.add_argument("--regen", action="store_true", help="regenerate the cached reference database")
    ap.add_argument("--write", action="store_true", help="write RESULTS.md even for a quick or partial run")
    ap.add_argument("--no-write", action="store_true", help="do not write RESULTS.md")
    ap.add_argument(
        "--rewrite", action="store_true", help="re-render RESULTS.md from the last full run's saved data"
    )
    args = ap.parse_args(argv)
    if args.rewrite:
        return _rewrite()
    only = [n.strip() for n in args.only.split(",") if n.strip()] or list(NAMES)
    unknown = [n for n in only if n not in NAMES]
    if unknown:
        ap.error(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(NAMES)}")
    scale = SCALES[args.scale or ("quick" if args.quick else "full")]
    repeat = args.repeat or (3 if args.quick else 5)
    started = datetime.now()
    t0 = time.perf_counter()
    a = assets_mod.ensure(scale, regen=args.regen)
    runners = _runners(a, repeat, scale.workbook_rows)
    rows: list[Measurement] = []
    crashed: list[str] = []
    for name in only:
        print(f"— {name} …", flush=True)
        t = time.perf_counter()
        try:
            got = runners[name]()
        except Exception:
            traceback.print_exc()
            crashed.append(name)
            got = [Measurement(f"{name}: crashed (see the console output)", "s", [0.0], "ratio", 0.0)]
        rows.extend(got)
        for line in table(got)[2:]:
            print("  " + line, flush=True)
        print(f"  ({time.perf_counter() - t:.1f} s)", flush=True)
    print()
    print("\n".join(table(rows)))
    print(f"\nscale {scale.name}, {time.perf_counter() - t0:.0f} s in all")
    full_run = scale.name == "full" and only == list(NAMES)
    if not args.no_write and args.write and not full_run and only != list(NAMES):
        from benchmarks.results import RESULTS, write_partial

        write_partial(rows, names=only, scale=scale.name, started=started)
        print(f"wrote the partial run into {RESULTS}")
    elif not args.no_write and (full_run or args.write):
        from benchmarks.findings import NOTES
        from benchmarks.results import RESULTS, write

        LAST_RUN.parent.mkdir(parents=True, exist_ok=True)
        saved = {"scale": scale.name, "gen": a.gen, "started": started.isoformat(), "machine": machine(),
                 "rows": [dataclasses.asdict(m) for m in rows]}  # fmt: skip
        LAST_RUN.write_text(json.dumps(saved, ensure_ascii=False, indent=1), encoding="utf-8")
        write(rows, scale=scale.name, gen=a.gen, notes=NOTES, started=started)
        print(f"wrote {RESULTS}")
    return 1 if crashed else 0


def _rewrite() -> int:
    """RESULTS.md again from the saved last run (after the findings were written up)."""
    from benchmarks.findings import NOTES
    from benchmarks.results import write

    saved = json.loads(LAST_RUN.read_text(encoding="utf-8"))
    rows = [Measurement(**r) for r in saved["rows"]]
    write(rows, scale=saved["scale"], gen=saved["gen"], notes=NOTES, started=datetime.fromisoformat(saved["started"]),
          machine_lines=saved.get("machine"))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
