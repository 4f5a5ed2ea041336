"""The server packages benchmark at tiny scale: its COPY floor writes the same rows and blobs the import
writes into an identical server database (for every table the floor writes). Never asserts a timing. Skipped without PostgreSQL."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import text

from benchmarks.bench_packages import build, floor_rows
from benchmarks.bench_packages_server import clone, copy_floor, import_into, peer_rows
from benchmarks.bench_server import drop, names_for
from quzhou_desktop.store.db import Database
from quzhou_desktop.store.server.copy import migrate_from
from tests import pg


def _counts(address: str, tables: list[str]) -> dict[str, int]:
    db = Database(address)
    try:
        with db.read_engine.connect() as conn:
            return {t: int(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()) for t in tables}
    finally:
        db.dispose()


def test_copy_floor_writes_what_the_import_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = pg.cluster().url
    monkeypatch.setenv("QUZHOU_DATA_DIR", str(tmp_path / "data"))  # build sets it; restored afterwards
    net = build(tmp_path, villages=2, entries=100)
    base = f"qz_test_pkg_base_{os.getpid()}"
    floor_db, target_db = f"{base}_floor", f"{base}_import"
    try:
        migrate_from(net.township_db, url, names_for(base), app_password=None)
        rows, blobs = floor_rows(net)
        target = clone(url, target_db, base)
        spent, entries, report = import_into(target, net.packages, True)
        assert spent > 0 and entries > 0 and "import_files" in report
        rows |= peer_rows(url, target_db, base)
        tables = ["attachment_blob", *rows]
        floor_address = clone(url, floor_db, base)
        before = _counts(floor_address, tables)
        assert copy_floor(url, floor_db, rows, blobs) > 0
        floor_added = {t: n - before[t] for t, n in _counts(floor_address, tables).items()}
        import_added = {t: n - before[t] for t, n in _counts(target, tables).items()}
        assert floor_added == import_added
        assert (
            floor_added["peer_act"] > 0
            and floor_added["voucher"] > 0
            and floor_added["attachment_blob"] == len(blobs) > 0
        )
    finally:
        for name in (floor_db, target_db, base):
            drop(url, name)
