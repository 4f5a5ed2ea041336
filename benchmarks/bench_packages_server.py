"""Exchange packages imported into a unit's server (PostgreSQL).

The township of bench_packages (30 enrolled villages, each with a year of records and its 上报数据包) moved
to a fresh server database with ``server migrate-from``; then, in each repetition, two identical copies of
that database (``CREATE DATABASE … TEMPLATE``):

- into one, the township imports the 30 packages in one ``import_files`` call, connected as the application
  role: budget ≤ 3× the floor;
- into the other, the floor: the same rows written with PostgreSQL ``COPY`` (psycopg 3 ``cursor.copy``) in
  one transaction, foreign-key triggers off, measured in the same run. The rows are the packages' record
  states and attachment blobs (bench_packages' SQLite floor) and the peer keys and peer acts the import
  writes for the villages' signed acts (read back from the imported database); the record rows and blobs
  alone are reported too.

As on SQLite, the import is also compared with the floor plus bare Ed25519 checks of the acts' signatures.

    python -m benchmarks.bench_packages_server [--villages 30] [--entries 5000] [--repeat 2] [--profile]

The cluster comes from ``QUZHOU_BENCH_PG`` (a superuser address), else one is started with
scripts/pg-test-cluster in a temporary folder and stopped at the end.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.bench_packages import IMPORT_RATIO, PASSWORD, Network, _bare_checks, build, floor_rows
from benchmarks.bench_server import drop, names_for, start_cluster, stop_cluster
from benchmarks.measure import Measurement, table

BASE = "qz_bench_pkg_base"


def clone(url: str, database: str, base: str = BASE) -> str:
    """A fresh copy of the township's server database ``base``; its address as the application role."""
    from quzhou_desktop.store.server.roles import admin_connection, q, with_database

    names = names_for(database)
    drop(url, database)
    with admin_connection(url) as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {q(database)} TEMPLATE {q(base)} OWNER {q(names.owner)}")
        conn.exec_driver_sql(f"GRANT CONNECT ON DATABASE {q(database)} TO {q(names.app)}")
    return with_database(url, database, user=names.app)


def copy_floor(url: str, database: str, rows: dict[str, list[dict[str, Any]]],
               blobs: list[tuple[str, int, bytes]]) -> float:  # fmt: skip
    """Seconds to COPY ``rows`` and ``blobs`` into ``database`` in one transaction (no foreign-key triggers)."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    from quzhou_desktop.store.dialects.postgres import server_url
    from quzhou_desktop.store.server.roles import with_database

    engine = create_engine(server_url(with_database(url, database)), poolclass=NullPool)
    try:
        raw = engine.raw_connection()
        try:
            conn: Any = raw.driver_connection
            conn.autocommit = True
            conn.execute("SET session_replication_role = replica")
            t0 = time.perf_counter()
            with conn.transaction(), conn.cursor() as cur:
                with cur.copy("COPY attachment_blob (sha256, size, data) FROM STDIN") as cp:
                    for blob in blobs:
                        cp.write_row(blob)
                for entity, states in rows.items():
                    cols = list(states[0])
                    with cur.copy(f"COPY {entity} ({', '.join(cols)}) FROM STDIN") as cp:
                        for s in states:
                            cp.write_row(tuple(s[c] for c in cols))
            return time.perf_counter() - t0
        finally:
            raw.close()
    finally:
        engine.dispose()


def import_into(address: str, packages: list[Path], profile: bool) -> tuple[float, int, str]:
    from quzhou_desktop.services.exchange.apply import import_files
    from quzhou_desktop.services.kernel.auth import login
    from quzhou_desktop.services.kernel.context import AppContext
    from quzhou_desktop.store.db import Database

    ctx = AppContext(Database(address))
    login(ctx, "admin", PASSWORD)
    prof = cProfile.Profile() if profile else None
    try:
        t0 = time.perf_counter()
        if prof is not None:
            prof.enable()
        results = import_files(ctx, packages)
        if prof is not None:
            prof.disable()
        spent = time.perf_counter() - t0
    finally:
        ctx.db.dispose()
    bad = [r.message for r in results if r.status != "applied"]
    assert not bad, bad
    report = ""
    if prof is not None:
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(45)
        out.write("\n")
        pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(30)
        report = out.getvalue()
    return spent, sum(r.entries for r in results), report


def peer_rows(url: str, imported: str, base: str = BASE) -> dict[str, list[dict[str, Any]]]:
    """The peer keys and peer acts (the villages' signed acts, as the township keeps them) that the import
    into ``imported`` added to the township's database ``base``: rows any import of the packages writes too,
    though they are not among the packages' record states."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.pool import NullPool

    from quzhou_desktop.store.dialects.postgres import server_url
    from quzhou_desktop.store.server.roles import with_database

    out: dict[str, list[dict[str, Any]]] = {}
    for name in ("peer_key", "peer_act"):
        known: set[str] = set()
        for database in (base, imported):
            engine = create_engine(server_url(with_database(url, database)), poolclass=NullPool)
            try:
                with engine.connect() as conn:
                    got = [dict(r) for r in conn.execute(text(f"SELECT * FROM {name}")).mappings()]
            finally:
                engine.dispose()
            if database == base:
                known = {r["id"] for r in got}
            else:
                out[name] = [r for r in got if r["id"] not in known]
    return out


def measure(net: Network, url: str, repeat: int, profile: bool) -> list[Measurement]:
    from quzhou_desktop.store.server.copy import migrate_from

    drop(url, BASE)
    migrate_from(net.township_db, url, names_for(BASE), app_password=None)
    rows, blobs = floor_rows(net)
    ours, floor, full, with_checks = [], [], [], []
    entries = n_acts = n_peer = 0
    try:
        for i in range(repeat):
            target_db = f"qz_bench_pkg_import_{i}"
            seconds, entries, _ = import_into(clone(url, target_db), net.packages, False)
            ours.append(seconds)
            peers = peer_rows(url, target_db)
            n_peer = sum(len(r) for r in peers.values())
            drop(url, target_db)
            floor_db = f"qz_bench_pkg_floor_{i}"
            clone(url, floor_db)
            floor.append(copy_floor(url, floor_db, rows, blobs))
            drop(url, floor_db)
            clone(url, floor_db)
            full.append(copy_floor(url, floor_db, {**rows, **peers}, blobs))
            drop(url, floor_db)
            spent, n_acts = _bare_checks(net)
            with_checks.append(full[-1] + spent)
            print(f"load {os.getloadavg()[0]:.2f}: import {seconds:.2f} s, COPY {floor[-1]:.2f} s, "
                  f"COPY with peer rows {full[-1]:.2f} s, checks {spent:.2f} s", flush=True)  # fmt: skip
        if profile:  # one more import, under cProfile and not counted
            seconds, _, report = import_into(clone(url, "qz_bench_pkg_profiled"), net.packages, True)
            drop(url, "qz_bench_pkg_profiled")
            print(f"profiled import: {seconds:.2f} s\n{report}", flush=True)
    finally:
        drop(url, BASE)
    n_rows = sum(len(s) for s in rows.values())
    what = f"[PostgreSQL] township imports {len(net.packages)} villages' yearly packages"
    return [
        Measurement(f"{what} ({entries:,} entries, {n_acts:,} signed acts)", "s", ours, "ratio", IMPORT_RATIO,
                    full, f"COPY of the same {n_rows:,} record rows, {n_peer:,} peer key and act rows, "
                    f"{len(blobs):,} blobs"),
        Measurement("  … the same against COPY of the record rows and blobs alone (the SQLite floor's rows)", "s",
                    ours, "ratio", 0.0, floor, f"COPY of {n_rows:,} record rows, {len(blobs):,} blobs"),
        Measurement(f"  … the same against COPY (with peer rows) plus bare Ed25519 checks of the {n_acts:,} "
                    "signatures", "s", ours, "ratio", 0.0, with_checks, "COPY + bare signature checks"),
    ]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.bench_packages_server")
    ap.add_argument("--villages", type=int, default=30)
    ap.add_argument("--entries", type=int, default=5000)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument(
        "--profile", action="store_true", help="then one more import under cProfile (not counted)"
    )
    args = ap.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="qz-bench-pkg-pg-"))  # the postgres user must reach it
    url, own = start_cluster(folder / "cluster")
    try:
        t0 = time.perf_counter()
        print(f"load {os.getloadavg()[0]:.2f} at the start", flush=True)
        (folder / "packages").mkdir()
        net = build(folder / "packages", args.villages, args.entries)
        print(f"built in {time.perf_counter() - t0:.0f} s", flush=True)
        rows = measure(net, url, args.repeat, args.profile)
        print("\n".join(table(rows)))
        print(f"({time.perf_counter() - t0:.0f} s in all; load {os.getloadavg()[0]:.2f} at the end)")
    finally:
        stop_cluster(own)
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
