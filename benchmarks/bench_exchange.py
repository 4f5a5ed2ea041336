"""Excel import and export at 100,000 rows against their baselines, in-process.

Import (budget ≤ 2× the floor measured in the same run): the whole import through
``services.imports.plan.run_import`` (parse, validate, duplicate check, insert, audit, commit) into a fresh
database, against the floor any import of these rows has here — calamine reading the file plus SQLite writing
the very same data rows into the same tables and indexes (an ``INSERT … SELECT`` from memory, no Python per
row, no audit at all) and committing. The product path includes the bounded-reading checks that run before
calamine (spreadsheets.guard_zip); breakdowns: parse + validate alone, the checks alone, and (once) what reading
in a child process would cost instead.
Export (budget ≤ 1.2× openpyxl write-only writing the same cells): the product's ``export_register`` of the
支出凭证台账 for a date range holding 100,000 vouchers (query, trail, styled workbook); the baseline writes the
very same cell values (text, dates, amounts as exact 元) with a bare write-only workbook.
"""

from __future__ import annotations

import itertools
import time
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from benchmarks.assets import Assets
from benchmarks.gen.common import ADMIN_USERNAME, BENCH_PASSWORD
from benchmarks.measure import Measurement, timed

IMPORT_RATIO = 2.0
EXPORT_RATIO = 1.2


def calamine_read(path: Path) -> int:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    rows = wb.get_sheet_by_index(0).to_python()
    return len(rows)


def _fresh_township(folder: Path, villages: list[str], n: int) -> Any:
    """A new database with the workbook's villages and an administrator, logged in (not timed)."""
    from quzhou_desktop.services.kernel import auth
    from quzhou_desktop.services.kernel.context import AppContext
    from quzhou_desktop.services.roster.setup import initialise
    from quzhou_desktop.services.roster.villages import VillageSpec
    from quzhou_desktop.store.db import Database

    path = folder / f"import-{n}.sqlite3"
    for p in folder.glob(path.name + "*"):
        p.unlink()
    ctx = AppContext(Database(path, create=True))
    initialise(
        ctx,
        township_name="基准镇",
        villages=[VillageSpec(name=v) for v in villages],
        admin_username=ADMIN_USERNAME,
        admin_password=BENCH_PASSWORD,
        admin_display_name="基准",
    )
    auth.login(ctx, ADMIN_USERNAME, BENCH_PASSWORD)
    return ctx


def _sqlite_floor(imported: Path, empty: Path) -> float:
    """Seconds for SQLite alone to write the rows the import added to the data tables — not its audit entries —
    into ``empty`` (a copy of the database as it was before the import) and commit, with the app's pragmas.
    The new rows are first copied into memory (not timed), so only the write is measured."""
    import sqlite3

    con = sqlite3.connect(empty, isolation_level=None)
    try:
        for pragma in (
            "journal_mode = WAL",
            "synchronous = FULL",
            "foreign_keys = ON",
            "temp_store = MEMORY",
        ):
            con.execute(f"PRAGMA {pragma}")
        con.execute("ATTACH DATABASE ? AS done", (str(imported),))
        tables = [
            r[0]
            for r in con.execute("SELECT name FROM main.sqlite_master WHERE type = 'table'")
            if r[0] != "audit_log"
        ]
        for name in tables:  # the copy equals the imported database up to the import: new rows come after
            con.execute(
                f"CREATE TEMP TABLE new_{name} AS SELECT * FROM done.{name} "
                f"WHERE rowid > (SELECT coalesce(max(rowid), 0) FROM main.{name})"
            )
        t0 = time.perf_counter()
        con.execute("BEGIN IMMEDIATE")
        for name in tables:
            con.execute(f"INSERT INTO main.{name} SELECT * FROM temp.new_{name}")
        con.execute("COMMIT")
        return time.perf_counter() - t0
    finally:
        con.close()


def imports(assets: Assets, repeat: int) -> list[Measurement]:
    """The whole import through the product's service (parse, validate, duplicate check, insert, audit, commit)
    into a fresh database each time, against the floor measured in the same repetition (calamine reading the
    file plus SQLite writing the same rows with no Python and no audit); parse + validate, the bounded-reading
    checks and calamine alone for the breakdown."""
    import shutil
    import sqlite3

    from quzhou_desktop.services.imports.plan import run_import
    from quzhou_desktop.spreadsheets.guard_zip import check_zip
    from quzhou_desktop.spreadsheets.parse import parse_workbook

    with sqlite3.connect(f"file:{assets.db}?mode=ro", uri=True) as con:
        villages = [r[0] for r in con.execute("SELECT name FROM village ORDER BY name")]
    out = []
    counter = itertools.count()
    for i, book in enumerate(assets.workbooks):
        layout = book.stem.split("-")[1]
        base = timed(lambda b=book: calamine_read(b), repeat, warmup=1)
        parse = timed(lambda b=book: parse_workbook(b, "vouchers"), repeat)
        data = book.read_bytes()
        guard = timed(lambda b=book, d=data: check_zip(b.name, d), repeat)
        whole: list[float] = []
        floor: list[float] = []
        report = None
        for _ in range(repeat):
            ctx = _fresh_township(assets.scratch, villages, next(counter))
            before = assets.scratch / "before-import.sqlite3"
            ctx.db.dispose()
            shutil.copyfile(ctx.db.path, before)
            t0 = time.perf_counter()
            report = run_import(ctx, book, "vouchers", clean_rows_only=True)
            whole.append(time.perf_counter() - t0)
            ctx.db.dispose()
            floor.append(_sqlite_floor(ctx.db.path, before) + calamine_read_time(book))
        note = f"{report.imported:,} imported, {len(report.errors)} cell errors" if report else ""
        out.append(Measurement(f"import {layout}: whole import (parse, validate, insert, audit, commit)", "s", whole,
                               "ratio", IMPORT_RATIO, floor, "floor", note=note))  # fmt: skip
        out.append(Measurement(f"  … of which parse + validate ({layout})", "s", parse, "ratio", 0.0, base,
                               "calamine read"))  # fmt: skip
        out.append(Measurement(f"  … of which bounded-reading checks before calamine ({layout})", "s", guard, "ratio",
                               0.0, base, "calamine read"))  # fmt: skip
        out.append(Measurement(f"  … floor: calamine read + SQLite writing the same rows, no Python, no audit ({layout})",
                               "s", floor, "ratio", 0.0, base, "calamine read"))  # fmt: skip
        if i == 0:
            child = timed(lambda b=book: child_read(b), repeat)
            out.append(Measurement(f"  … alternative not taken: calamine in a child process, rows sent back ({layout})",
                                   "s", child, "ratio", 0.0, base, "calamine read"))  # fmt: skip
    return out


_CHILD = """
import pickle, sys
from python_calamine import CalamineWorkbook
rows = CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0).to_python()
sys.stdout.buffer.write(pickle.dumps(rows, protocol=5))
"""


def child_read(path: Path) -> int:
    """What reading in a child process (where RLIMIT_AS could hold calamine) costs: start Python, read the
    sheet there, send the rows back pickled. (Not used: Windows has no RLIMIT_AS, and the checks cost less.)"""
    import pickle
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _CHILD, str(path)], capture_output=True, check=True)
    return len(pickle.loads(done.stdout))


def calamine_read_time(path: Path) -> float:
    t = time.perf_counter()
    calamine_read(path)
    return time.perf_counter() - t


def _first_dates(db: Path, rows: int) -> tuple[date, date]:
    """The date range holding the ``rows`` oldest vouchers of the reference database (the export's filter)."""
    import sqlite3

    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        first = con.execute("SELECT min(voucher_date) FROM voucher").fetchone()[0]
        last = con.execute(
            "SELECT voucher_date FROM voucher ORDER BY voucher_date LIMIT 1 OFFSET ?", (rows - 1,)
        ).fetchone()[0]
    return date.fromisoformat(first), date.fromisoformat(last)


def exports(assets: Assets, repeat: int, rows: int) -> list[Measurement]:
    from openpyxl import Workbook

    from quzhou_desktop.services.exports.registers import export_register, register_columns
    from quzhou_desktop.services.exports.rows import voucher_rows
    from quzhou_desktop.services.kernel import auth
    from quzhou_desktop.services.kernel.context import AppContext
    from quzhou_desktop.spreadsheets.writer import write_register
    from quzhou_desktop.store.db import Database

    ctx = AppContext(Database(assets.db))
    auth.login(ctx, ADMIN_USERNAME, BENCH_PASSWORD)
    d1, d2 = _first_dates(assets.db, rows)
    columns = register_columns("vouchers")
    money = [i for i, c in enumerate(columns) if c.kind == "fen"]
    target = assets.scratch / "export.xlsx"
    t = time.perf_counter()
    product_rows = list(voucher_rows(ctx, None, d1, d2))
    query_only = time.perf_counter() - t
    # The very cells the export writes: amounts as exact 元, dates as dates, text as text.
    cells = [[Decimal(v).scaleb(-2) if i in money else v for i, v in enumerate(r)] for r in product_rows]

    def ours() -> None:
        export_register(ctx, "vouchers", target, date_from=d1, date_to=d2)

    def baseline() -> None:
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("台账")
        ws.append([c.header for c in columns])
        for r in cells:
            ws.append(r)
        wb.save(str(assets.scratch / "baseline.xlsx"))

    base = timed(baseline, repeat)
    mine = timed(ours, repeat)
    write_only = timed(
        lambda: write_register(target, title="支出凭证台账", columns=columns, rows=product_rows), repeat
    )
    ctx.db.dispose()
    n = len(cells)
    return [
        Measurement(f"export {n:,} vouchers: export_register (query, trail, styled workbook)", "s",
                    mine, "ratio", EXPORT_RATIO, base, "openpyxl write-only"),
        Measurement("  … of which the export query alone (info, one run)", "s", [query_only], "ratio", 0.0, base,
                    "openpyxl write-only"),
        Measurement(f"  … write_register alone on the same {n:,} rows", "s", write_only, "ratio", 0.0, base,
                    "openpyxl write-only"),
    ]  # fmt: skip
