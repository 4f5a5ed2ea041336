"""The benchmark inputs, generated once per scale and seed and cached under ``benchmarks/.cache``."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from benchmarks.gen.common import Scale
from benchmarks.gen.reference import DEFAULT_SEED, generate
from benchmarks.gen.workbooks import make_all

GEN_VERSION = 5  # bump when the generator's output changes
CACHE = Path(__file__).resolve().parent / ".cache"
ROOT = Path(__file__).resolve().parent.parent


def schema_key() -> str:
    """A short digest of the migrations, so a cached database is rebuilt when the schema (or an index) changes."""
    import hashlib

    versions = ROOT / "quzhou_desktop" / "store" / "migrations" / "versions"
    h = hashlib.sha256()
    for f in sorted(versions.glob("*.py")):
        h.update(f.read_bytes())
    return h.hexdigest()[:8]


@dataclass(frozen=True)
class Assets:
    folder: Path
    db: Path
    workbooks: list[Path]
    gen: dict[str, object]  # the generator report (seconds, phases, rows) from when it was built
    workbook_seconds: float

    @property
    def scratch(self) -> Path:
        p = self.folder / "scratch"
        p.mkdir(exist_ok=True)
        return p


def _workbook_job(args: tuple[str, int, list[str], int, str]) -> str:
    folder, n, villages, seed, layout = args
    return str(make_all(Path(folder), n, villages, seed, (layout,))[0])


def ensure(scale: Scale, *, seed: int = DEFAULT_SEED, regen: bool = False, log=print) -> Assets:  # type: ignore[no-untyped-def]
    folder = CACHE / f"{scale.key}-s{seed}-g{GEN_VERSION}-{schema_key()}"
    db = folder / "reference.sqlite3"
    meta = folder / "generated.json"
    if regen and folder.exists():
        shutil.rmtree(folder)
    if not meta.exists():
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        log(f"generating the {scale.name} reference database in {folder} …")
        report = generate(db, scale, seed=seed)
        for line in report.lines():
            log("  " + line)
        con = sqlite3.connect(db)
        villages = [r[0] for r in con.execute("SELECT name FROM village ORDER BY name")]
        con.close()
        log(f"writing {len(scale.workbook_layouts)} voucher workbooks of {scale.workbook_rows:,} rows …")
        t = time.perf_counter()
        jobs = [
            (str(folder / "workbooks"), scale.workbook_rows, villages, seed, lay)
            for lay in scale.workbook_layouts
        ]
        with ProcessPoolExecutor(max_workers=min(2, len(jobs))) as pool:
            list(pool.map(_workbook_job, jobs))
        wb_secs = time.perf_counter() - t
        log(f"  workbooks written in {wb_secs:.1f} s")
        data = {
            "scale": scale.name,
            "seed": seed,
            "seconds": report.seconds,
            "file_bytes": report.file_bytes,
            "audit_entries": report.phases.audit_entries,
            "phases": dict(report.phases.seconds),
            "cpu": dict(report.phases.cpu),
            "rows": dict(report.phases.rows),
            "workbook_seconds": wb_secs,
            "generated_on": date.today().isoformat(),
        }
        meta.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    data = json.loads(meta.read_text(encoding="utf-8"))
    books = sorted((folder / "workbooks").glob("vouchers-*.xlsx"))
    return Assets(folder, db, books, data, float(data.get("workbook_seconds", 0.0)))


def child_env(assets: Assets) -> dict[str, str]:
    """Environment for child processes: offscreen Qt, data dir (logs, config) inside the scratch folder."""
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["QUZHOU_DATA_DIR"] = str(assets.scratch / "data")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def skip_daily_backup(db: Path) -> None:
    """Mark today's automatic backup as done, so start-up runs measure start-up and not a full copy of the
    reference file in the background (the first start of a day does make that copy)."""
    folder = db.with_name(db.stem + ".backups")
    folder.mkdir(exist_ok=True)
    marker = folder / f"quzhou-{date.today():%Y%m%d}-000000-daily.sqlite3"
    if not marker.exists():
        marker.write_bytes(b"")


def run_child(args: list[str], env: dict[str, str]) -> tuple[float, list[dict[str, object]], int, float]:
    """Run ``python -m <args>``; return (wall seconds, JSON lines, exit code, peak RSS in MB from wait4)."""
    t0 = time.time()
    proc = subprocess.Popen([sys.executable, "-m", *args], env=env, cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)  # fmt: skip
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.time() - t0
    out = proc.stdout.read().decode("utf-8", "replace") if proc.stdout else ""
    proc.stdout.close() if proc.stdout else None
    proc.returncode = os.waitstatus_to_exitcode(status)
    lines = []
    for line in out.splitlines():
        line = line.strip()
        if line.startswith("{"):
            lines.append(json.loads(line) | {"t0": t0})
    return wall, lines, proc.returncode, usage.ru_maxrss / 1024
