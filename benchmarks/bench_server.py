"""PostgreSQL (a unit's server): the reference township copied to a server, its registers; a county-scale
database five times larger, its registers and the township overview; eight clients entering vouchers at once.

    python -m benchmarks.bench_server [--scale full|quick|tiny] [--repeat N] [--county N] [--keep]

The cluster comes from ``QUZHOU_BENCH_PG`` (a superuser address), else one is started with
scripts/pg-test-cluster in a temporary folder (1 GB shared buffers) and stopped at the end. Results are
printed as a table and saved to ``benchmarks/.cache/server-results.json``; ``results.server_section`` turns
them into the PostgreSQL section of RESULTS.md.

The county database is the township's data rows copied ``county - 1`` more times inside the server with new
ids (and village names): it has the size and shape of a county's registers, but not an audit chain of its
own, so ``verify`` is not run on it.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import subprocess
import sys
import time
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

from benchmarks.assets import CACHE, ROOT, Assets, child_env
from benchmarks.gen.common import ADMIN_USERNAME, BENCH_PASSWORD, SCALES
from benchmarks.measure import Measurement, table

RESULTS_JSON = CACHE / "server-results.json"
REGISTER_KEYS = ("matters", "disclosures", "vouchers", "roster")
OVERVIEW_MS = 200.0
CLIENTS = 8
VOUCHERS_EACH = 40
NAMES = ("qz_bench_owner", "qz_bench_app")
PHASES = ("copy", "sqlite", "township", "county", "clients")
# Tables copied again for the county: every data table but the township, the users (their signing keys and
# signed acts, whose keys and numbers are unique), printed codes and the audit log.
NOT_REPLICATED = {
    "township",
    "user_account",
    "user_village",
    "signing_key",
    "signed_act",
    "notice_print",
    "audit_log",
    "attachment_blob",
    "alembic_version",
}
REPLICA_MARK = (
    "ghijklmnopqrstuvwxyz"  # first character of a copy's ids: never a hex digit, so never an original
)


# -- cluster and databases -----------------------------------------------------------------------------------


def start_cluster(folder: Path) -> tuple[str, Path | None]:
    url = os.environ.get("QUZHOU_BENCH_PG")
    if url:
        return url, None
    env = dict(os.environ, PG_TEST_SHARED_BUFFERS="1GB")
    out = subprocess.run(
        [str(ROOT / "scripts" / "pg-test-cluster"), "start", str(folder)],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return out.stdout.strip().splitlines()[-1], folder


def stop_cluster(folder: Path | None) -> None:
    if folder is not None:
        subprocess.run([str(ROOT / "scripts" / "pg-test-cluster"), "stop", str(folder)], check=False)


def names_for(database: str) -> Any:
    from quzhou_desktop.store.server.roles import ServerNames

    return ServerNames(database, *NAMES)


def drop(url: str, database: str) -> None:
    from quzhou_desktop.store.server.roles import admin_connection, q

    with admin_connection(url) as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {q(database)} WITH (FORCE)")


def copy_township(a: Assets, url: str, database: str) -> float:
    """``server migrate-from`` of the reference file (copy, row-by-row comparison, verify). Seconds."""
    from quzhou_desktop.store.server.copy import migrate_from

    drop(url, database)
    t = time.perf_counter()
    migrate_from(a.db, url, names_for(database), app_password=None)
    return time.perf_counter() - t


def make_county(url: str, township_db: str, county_db: str, copies: int) -> float:
    """The township's database, then its data rows ``copies - 1`` more times with new ids. Seconds."""
    from sqlalchemy import String, create_engine
    from sqlalchemy.pool import NullPool

    from quzhou_desktop.store.dialects.postgres import server_url
    from quzhou_desktop.store.models import Base
    from quzhou_desktop.store.server.roles import admin_connection, q, with_database

    drop(url, county_db)
    t = time.perf_counter()
    with admin_connection(url) as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {q(county_db)} TEMPLATE {q(township_db)} OWNER {q(NAMES[0])}")
        conn.exec_driver_sql(f"GRANT CONNECT ON DATABASE {q(county_db)} TO {q(NAMES[1])}")
    replicated = {t.name for t in Base.metadata.sorted_tables} - NOT_REPLICATED
    engine = create_engine(server_url(with_database(url, county_db)), poolclass=NullPool)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("SET session_replication_role = replica")  # no FK checks for a bulk copy
            for k in range(1, copies):
                mark = REPLICA_MARK[k - 1]
                for table in Base.metadata.sorted_tables:
                    key = table.c.get("id")
                    if table.name not in replicated or key is None or not isinstance(key.type, String):
                        continue  # (tables keyed by a number are the exchange's, empty in the reference)
                    exprs = []
                    for c in table.columns:
                        refers = {fk.column.table.name for fk in c.foreign_keys}
                        is_key = isinstance(c.type, String) and (c.name == "id" or c.name.endswith("_id"))
                        if is_key and not (refers & NOT_REPLICATED) and c.name != "township_id":
                            exprs.append(
                                f"CASE WHEN {c.name} IS NULL THEN NULL ELSE '{mark}' || substr({c.name}, 2) END"
                            )
                        elif table.name == "village" and c.name == "name":
                            exprs.append(f"name || '{k + 1}'")
                        else:
                            exprs.append(c.name)
                    cols = ", ".join(c.name for c in table.columns)
                    conn.exec_driver_sql(
                        f"INSERT INTO {table.name} ({cols}) SELECT {', '.join(exprs)} FROM {table.name} "
                        f"WHERE substr(id, 1, 1) < 'g'"
                    )
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    finally:
        engine.dispose()
    return time.perf_counter() - t


# -- measurements ------------------------------------------------------------------------------------------


def registers_on(
    a: Assets, address: str, repeat: int, label: str, keys: tuple[str, ...]
) -> list[Measurement]:
    """The register pages through bench_registers' child, against ``address``."""
    out: list[Measurement] = []
    for key in keys:
        cmd = [sys.executable, "-m", "benchmarks.bench_registers", address, key, str(repeat)]
        proc = subprocess.run(cmd, env=child_env(a), cwd=ROOT, capture_output=True, text=True, check=False)
        for line in proc.stdout.splitlines():
            if line.startswith("{"):
                m = Measurement(**json.loads(line))
                m.what = f"{label} {m.what}"
                if key == "dashboard" and ": open" in m.what:
                    m.what = f"{label} 工作台: township overview (villages, people counts, first village)"
                    m.limit = OVERVIEW_MS
                out.append(m)
        if proc.returncode != 0:
            out.append(
                Measurement(
                    f"{label} register page “{key}” crashed: {proc.stderr[-200:]}", "ms", [0.0], "ms", 0.0
                )
            )
    return out


def enter_vouchers(address: str, village_id: str, tag: str, count: int, start: Any, out: Any) -> None:
    """One client: log in, wait for the start, enter ``count`` vouchers; report each write's seconds."""
    from quzhou_desktop.services.kernel.auth import login
    from quzhou_desktop.services.kernel.context import AppContext
    from quzhou_desktop.services.vouchers.voucher import VoucherFields, create_voucher
    from quzhou_desktop.store.db import Database

    ctx = AppContext(Database(address))
    login(ctx, ADMIN_USERNAME, BENCH_PASSWORD)
    start.wait()
    times = []
    for i in range(count):
        fields = VoucherFields(
            number=f"并发{tag}-{i:03d}", voucher_date=date(2026, 10, 20), handler_name="张三", payee="某五金店",
            purpose=f"并发录入 {tag} 第{i}笔", amount_fen=10_000 + i,
        )  # fmt: skip
        t = time.perf_counter()
        create_voucher(ctx, village_id, fields)
        times.append(time.perf_counter() - t)
    out.put(times)
    ctx.db.dispose()


def concurrent_clients(address: str, clients: int, each: int) -> list[Measurement]:
    from sqlalchemy import text

    from quzhou_desktop.store.db import Database

    db = Database(address)
    with db.read_engine.connect() as conn:
        villages = [r[0] for r in conn.execute(text("SELECT id FROM village ORDER BY name LIMIT 4"))]
    db.dispose()
    ctx = mp.get_context("spawn")
    start, out = ctx.Event(), ctx.Queue()
    # half the clients in one village, the others in three more: the same village and mixed villages
    procs = [
        ctx.Process(target=enter_vouchers, args=(address, villages[0 if k % 2 == 0 else (1 + k % 3) % len(villages)], f"C{k}", each, start, out))
        for k in range(clients)
    ]  # fmt: skip
    for p in procs:
        p.start()
    time.sleep(5)  # every client logged in
    t = time.perf_counter()
    start.set()
    samples = [out.get(timeout=900) for _ in procs]
    wall = time.perf_counter() - t
    for p in procs:
        p.join(60)
    writes = [s for one in samples for s in one]
    rate = len(writes) / wall
    what = f"server: {clients} clients entering vouchers at once"
    return [
        Measurement(
            f"{what} — {len(writes)} vouchers, wall time ({rate:.1f} vouchers/s)", "s", [wall], "s", 0.0
        ),
        Measurement(f"{what} — slowest single write", "s", [max(writes)], "s", 0.0),
        Measurement(f"{what} — median write", "s", sorted(writes), "s", 0.0),
    ]


def sqlite_registers(a: Assets, repeat: int) -> list[Measurement]:
    """The same pages on the SQLite file, in the same run (the reference for the ratios)."""
    return registers_on(a, str(a.db), repeat, "[SQLite]", REGISTER_KEYS)


def run(a: Assets, repeat: int, county: int, keep: bool, only: set[str]) -> list[Measurement]:
    """The phases in ``only`` (copy, sqlite, township, county, clients); each phase's rows are saved as soon
    as it ends (``RESULTS_JSON``), so a long run that is stopped keeps what it measured."""
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="qz-bench-pg-"))  # the postgres user must reach it (not a home dir)
    url, own = start_cluster(folder)
    rows: list[Measurement] = []

    def phase(name: str, got: list[Measurement]) -> None:
        rows.extend(got)
        print("\n".join(table(got)[2:]), flush=True)
        _save(rows, partial=True)

    try:
        from quzhou_desktop.store.server.roles import with_database

        township = with_database(url, "qz_bench_township", user=NAMES[1])
        if "copy" in only:
            seconds = copy_township(a, url, "qz_bench_township")
            what = "server: migrate-from the reference township (copy, compare every row, verify)"
            phase("copy", [Measurement(what, "s", [seconds], "s", 0.0)])
        if "sqlite" in only:
            phase("sqlite", sqlite_registers(a, repeat))
        if "township" in only:
            phase(
                "township",
                registers_on(a, township, repeat, "[PostgreSQL township]", (*REGISTER_KEYS, "dashboard")),
            )
        if "county" in only and county > 1:
            seconds = make_county(url, "qz_bench_township", "qz_bench_county", county)
            what = f"server: build the county-scale copy ({county}× the township's data rows)"
            phase("county-build", [Measurement(what, "s", [seconds], "s", 0.0)])
            county_url = with_database(url, "qz_bench_county", user=NAMES[1])
            label = f"[PostgreSQL county {county}×]"
            phase("county", registers_on(a, county_url, repeat, label, (*REGISTER_KEYS, "dashboard")))
        if "clients" in only:
            phase("clients", concurrent_clients(township, CLIENTS, VOUCHERS_EACH))
    finally:
        if not keep:
            stop_cluster(own)
    return rows


def _save(rows: list[Measurement], *, partial: bool, **extra: object) -> None:
    RESULTS_JSON.parent.mkdir(parents=True, exist_ok=True)
    doc = {"partial": partial, **extra, "rows": [asdict(m) for m in rows]}
    RESULTS_JSON.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")


def write_section(
    rows: list[Measurement], args: argparse.Namespace, started: datetime, seconds: float
) -> None:
    from benchmarks.results import machine, write_server_section

    version = subprocess.run(
        [str(ROOT / "scripts" / "pg-test-cluster"), "version", "-"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    lines = [
        "## PostgreSQL (单位服务器)",
        "",
        f"Latest run: {started:%Y-%m-%d %H:%M}, scale **{args.scale}**, county {args.county}×, {args.repeat} repetitions, "
        f"{seconds / 60:.0f} min in all. Written by `python -m benchmarks.bench_server`; never hand-edited. "
        f"{version or 'PostgreSQL'} on this machine (a throwaway cluster: 1 GB shared buffers, fsync off), "
        "psycopg 3, the app connected as the application role over the local socket.",
        "",
        *[m for m in machine()[:3] if m and not (args.from_saved and "load average" in m)],
        "",
        *table(rows),
        "",
        *SERVER_NOTES,
    ]
    write_server_section(lines)


SERVER_NOTES: list[str] = [
    "Findings (run of 2026-12-07 00:01–00:06 on the full-scale township: load average 1.8 falling to 0.8 on 2 "
    "cores; the copy phase and the eight clients were not run again — their figures are in the run of 2026-12-06 "
    "15:01: migrate-from 51 min, 12 vouchers/s, slowest write 2.35 s). Every register page and the 工作台 are "
    "within budget on the township and on the county 5× larger.",
    "",
    "- **工作台 (township overview)**: 89 ms on the township, 104 ms on the county (340 ms at load 7–9 and 451 ms in "
    "the table of 2026-12-06, both before this change). Measured alternately with the code before it at load 2: "
    "97–112 ms before, 87–99 ms after; at load 5–7 (other benchmarks running) 290–450 ms after against 340 ms and "
    "more before — on a busy machine every round trip waits for the scheduler (≈5 ms each), so the number of "
    "statements is what counts. Statements for the overview: 37 → 23. A snapshot (`AppContext.snapshot()`) now "
    "reads the township row, the enrolled township and a village's current seats once (`snapshot_memo`, "
    "`township_row`, `composition.current_seats`) and keeps every object it loaded, so `s.get` of a village "
    "already listed costs nothing; the six 先审后签 lists come from one UNION ALL query (`vouchers.todo."
    "voucher_todo`: the first 500 of each status, the same lists as the six queue functions — a village with "
    "15,000 signed vouchers awaiting delivery made a window-function version take 150 ms); the exchange panel "
    "reads no waiting packages, forks or conflicts when there is no peer; `months_not_reviewed` reads the monthly "
    "reviews of the village shown, not of all 30. The overview's own CPU time is 55–65 ms, about 20 ms of it "
    "Qt laying out and painting the page.",
    "- **Registers**: 三务公开 loaded its register twice when opened (the page's `set_village` and its "
    "`refresh`); it now sorts the page's ids on narrow rows and then reads those rows without their text and "
    "tables (a village has 3,000 disclosures). The app's sessions price parallel workers high "
    "(`parallel_setup_cost` 50,000): starting two workers for the 监督台账 in month order took 30–60 ms of a "
    "48 ms query (9 ms without). At county scale the 监督台账 in voucher date or amount order hash-joined every "
    "event of the village (54 ms; the events-first hint misled the row estimate); those orders now walk the "
    "village's vouchers in order (12 ms). The 监督台账 counts for the table's own sort.",
    "- **Copying the reference township to a server**: `server migrate-from` copies with PostgreSQL's COPY (3.66 "
    "million rows in 430 s at load 7–9); the row-by-row comparison and `verify` afterwards take ≈16 min at full "
    "scale. A login to the new database while it is being compared makes the comparison fail (the audit log "
    "grew) and the copy is dropped, as it should be.",
    "- **Import into the server at ≤ 3× COPY**: measured by `python -m benchmarks.bench_packages_server`; see “PostgreSQL: importing packages” below.",
]


def main(argv: list[str] | None = None) -> int:
    from benchmarks import assets as assets_mod

    ap = argparse.ArgumentParser(prog="python -m benchmarks.bench_server")
    ap.add_argument("--scale", choices=sorted(SCALES), default="full")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--county", type=int, default=5, help="county size in townships (1: no county database)")
    ap.add_argument("--keep", action="store_true", help="leave the cluster running")
    ap.add_argument("--only", default=",".join(PHASES), help=f"phases: {', '.join(PHASES)}")
    ap.add_argument("--no-write", action="store_true", help="do not write the section of RESULTS.md")
    ap.add_argument(
        "--from-saved", action="store_true", help="write RESULTS.md from the saved rows (and these flags)"
    )
    args = ap.parse_args(argv)
    if args.from_saved:
        saved = json.loads(RESULTS_JSON.read_text(encoding="utf-8"))
        rows = [Measurement(**r) for r in saved["rows"]]
        write_section(rows, args, datetime.fromisoformat(saved.get("started", datetime.now().isoformat())),
                      float(saved.get("seconds", 0.0)))  # fmt: skip
        return 0
    a = assets_mod.ensure(SCALES[args.scale])
    started = datetime.now()
    t = time.perf_counter()
    rows = run(a, args.repeat, args.county, args.keep, {p.strip() for p in args.only.split(",")})
    seconds = time.perf_counter() - t
    print("\n".join(table(rows)))
    _save(rows, partial=False, scale=args.scale, started=started.isoformat(), seconds=seconds)
    if not args.no_write:
        write_section(rows, args, started, seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
