"""The village archive (村务档案) of the reference village-year: the village with the most vouchers in the last
whole year of the reference database, built as folder and zip through ``services.archive.build_archive`` (the
product path: every notice printed with its 核验码, minutes, registers, 卷内目录, the full ``verify``, manifest) in
a child process. Budgets (README: Performance): ≤ 30 s and ≤ 300 MB peak memory of the whole process.
"""

from __future__ import annotations

import shutil
import sqlite3

from benchmarks.assets import Assets, child_env, run_child
from benchmarks.gen.common import ADMIN_USERNAME, AS_OF, BENCH_PASSWORD
from benchmarks.measure import Measurement

SECONDS = 30.0
MEMORY_MB = 300.0


def reference_village_year(assets: Assets) -> tuple[str, str, int, int]:
    """(village id, name, year, vouchers) of the reference village-year."""
    year = AS_OF.year - 1
    con = sqlite3.connect(assets.db)
    try:
        vid, name, n = con.execute(
            "SELECT v.id, v.name, count(*) FROM voucher o JOIN village v ON v.id = o.village_id "
            "WHERE o.voucher_date BETWEEN ? AND ? GROUP BY v.id ORDER BY count(*) DESC, v.name LIMIT 1",
            (f"{year}-01-01", f"{year}-12-31"),
        ).fetchone()
    finally:
        con.close()
    return str(vid), str(name), year, int(n)


def archive(assets: Assets, repeat: int) -> list[Measurement]:
    env = child_env(assets)
    vid, name, year, vouchers = reference_village_year(assets)
    walls: list[float] = []
    cpus: list[float] = []
    rss: list[float] = []
    last: dict[str, object] = {}
    for traced in [False] * max(1, repeat) + [True]:
        out = assets.scratch / "archive"
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir()
        args = ["benchmarks.children.archive_build", str(assets.db), ADMIN_USERNAME, BENCH_PASSWORD, vid,
                str(year), str(out)] + (["--tracemalloc"] if traced else [])  # fmt: skip
        _wall, lines, code, _wait4 = run_child(args, env)
        if code != 0 or not lines:
            raise RuntimeError(f"archive child failed (exit {code})")
        report = lines[-1]
        if traced:
            heap = int(report["tracemalloc_peak"]) / 2**20  # type: ignore[call-overload]
        else:
            walls.append(float(report["wall"]))  # type: ignore[arg-type]
            cpus.append(float(report["cpu"]))  # type: ignore[arg-type]
            rss.append(int(report["peak_rss_kb"]) / 1024)  # type: ignore[call-overload]
            last = report
    shutil.rmtree(assets.scratch / "archive", ignore_errors=True)
    made = (f"{name} {year}: {vouchers:,} vouchers in the year; {last['files']} files, {last['notices']} notices "
            f"printed with codes, {last['pages']} pages, {int(last['bytes']) / 2**20:.0f} MiB "  # type: ignore[call-overload]
            f"(zip {int(last['zip_bytes']) / 2**20:.0f} MiB), verify {'passed' if last['verify_passed'] else 'failed'}")  # type: ignore[call-overload]  # fmt: skip
    return [
        Measurement(f"village archive of the reference village-year ({name} {year}): build_archive, folder + zip",
                    "s", walls, "s", SECONDS, note=made + ". Each run adds its prints and an audit entry to the "
                    "reference DB, as the product does. The 校验报告 checks the archived records against their audit "
                    "entries (store.audit.scoped); the whole-database verify (--full-verify) is not part of this "
                    "budget. On the shared 2-core machine the wall time depends on the others' load (see the load "
                    "average above); the CPU time row is the process's own."),
        Measurement("  … of which CPU time of the building process (info: the machine is shared)", "s", cpus, "s",
                    0.0),
        Measurement("  … peak memory of the whole process (VmHWM)", "MB", rss, "MB", MEMORY_MB),
        Measurement("  … of which Python heap peak, tracemalloc (info, one traced run)", "MB", [heap], "MB", 0.0),
    ]  # fmt: skip
