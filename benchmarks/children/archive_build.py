"""Child for the village archive: build one village-year's archive from the reference DB and report the build's
wall and CPU time, what it made and this process's peak memory (VmHWM: the whole process, interpreter and imports
included). With ``--tracemalloc`` the Python heap's peak is traced as well (slower; reported apart).

    python -m benchmarks.children.archive_build DB USER PASSWORD VILLAGE_ID YEAR OUT [--tracemalloc]
"""

from __future__ import annotations

import json
import sys
import time
import tracemalloc
from pathlib import Path


def peak_rss_kb() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource

    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def main() -> int:
    db, user, password, village_id, year, out = sys.argv[1:7]
    traced = "--tracemalloc" in sys.argv[7:]
    from quzhou_desktop.services.archive.build import build_archive
    from quzhou_desktop.services.archive.span import span_of
    from quzhou_desktop.services.kernel.auth import login
    from quzhou_desktop.services.kernel.context import AppContext
    from quzhou_desktop.store.db import Database

    ctx = AppContext(Database(Path(db)))
    login(ctx, user, password)
    if traced:
        tracemalloc.start()
    t, cpu = time.perf_counter(), time.process_time()
    r = build_archive(ctx, village_id, span_of(int(year)), Path(out), make_zip=True)
    wall, cpu = time.perf_counter() - t, time.process_time() - cpu
    heap = tracemalloc.get_traced_memory()[1] if traced else 0
    ctx.db.dispose()
    report = {"wall": wall, "cpu": cpu, "files": r.files, "notices": r.notices, "pages": r.pages, "bytes": r.size,
              "zip_bytes": r.zip_path.stat().st_size if r.zip_path else 0, "verify_passed": r.verify_passed,
              "skipped": len(r.skipped), "peak_rss_kb": peak_rss_kb(), "tracemalloc_peak": heap}  # fmt: skip
    sys.stdout.write(json.dumps(report) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
