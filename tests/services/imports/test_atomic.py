"""An import is all or nothing: killed mid-write it leaves the database as it was; random bad rows never write
a partial import (issue 6)."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from quzhou_desktop.services.imports.plan import run_import
from tests.support.spreadsheets import VOUCHER_HEADER, book
from tests.support.world import World, audit_problems, table_counts

ROOT = Path(__file__).resolve().parents[3]

CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from quzhou_desktop.services.kernel.auth import load_current_user
    from quzhou_desktop.services.kernel.context import AppContext
    from quzhou_desktop.services.imports.plan import run_import
    from quzhou_desktop.store.db import Database

    ctx = AppContext(Database(Path(sys.argv[1])))
    ctx.user = load_current_user(ctx, sys.argv[2])

    def progress(done, total, text):
        if text.startswith("正在写入"):
            print("WRITING", done, flush=True)

    run_import(ctx, Path(sys.argv[3]), "vouchers", progress=progress)
    print("COMMITTED", flush=True)
    """
)


def test_sigkill_mid_import_leaves_the_database_unchanged(world: World, tmp_path: Path) -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("凭证")
    ws.append(VOUCHER_HEADER)
    for i in range(40_000):
        ws.append(
            [
                f"记-{i:05d}",
                dt.date(2026, 1 + i % 12, 1 + i % 28),
                "李四",
                "甲",
                "摘要",
                i % 900 + 1,
                "溪口村",
            ]
        )
    big = tmp_path / "big.xlsx"
    wb.save(big)
    before = table_counts(world)
    world.db.dispose()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(world.path), world.admin.require_user().id, str(big)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert child.stdout is not None
    with child.stdout:
        line = child.stdout.readline()
        assert line.startswith("WRITING"), line  # at least one batch inserted, transaction still open
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert table_counts(world) == before
    assert audit_problems(world) == []
    # and the same import then goes through in full
    rep = run_import(world.admin, big, "vouchers")
    assert rep.ok and rep.imported == 40_000
    assert audit_problems(world) == []


GOOD = ["记-{n}", "2026-10-05", "李四", "某某建材", "路灯材料", "1,234.50", "溪口村"]
BAD = {
    0: ["", "记-0"],  # blank required 凭证号 → error
    1: ["2026-02-30", "2026/13/1", "昨天", ""],
    2: ["", "  "],
    4: [""],
    5: ["12,3a", "-5", "0", "", "abc"],
    6: ["不存在村", ""],
}


@st.composite
def sheets(draw: st.DrawFn) -> list[list[object]]:
    n = draw(st.integers(1, 12))
    rows = []
    for i in range(n):
        row: list[object] = [c.format(n=i) for c in GOOD]
        for col, options in BAD.items():
            if draw(st.integers(0, 9)) == 0:
                row[col] = draw(st.sampled_from(options))
        rows.append(row)
    return rows


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=sheets())
def test_random_bad_rows_never_write_a_partial_import(
    world: World, tmp_path: Path, rows: list[list[object]]
) -> None:
    f = book(tmp_path / "fuzz.xlsx", VOUCHER_HEADER, rows)
    before = table_counts(world)
    rep = run_import(world.admin, f, "vouchers")
    after = table_counts(world)
    if rep.errors:
        assert rep.imported == 0 and after == before
        for e in rep.errors:
            assert e.row >= 2 and e.column and e.message
    else:
        assert after["voucher"] == before["voucher"] + rep.imported
        assert rep.imported + rep.duplicates == rep.rows_read
