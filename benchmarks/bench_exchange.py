"""Excel import and export at 100,000 rows against their baselines, in-process.

Import (budget ≤ 2× python-calamine merely reading the file): the whole import through
``services.imports.run_import`` (parse, validate, duplicate check, insert, audit, commit) into a fresh
database, with parse + validate alone shown as a breakdown.
Export (budget ≤ 1.2× openpyxl write-only writing the same cells): rows from the product's export query
(``services.vouchers_data.voucher_export_rows``) written by ``exchange.writer.write_register``; the baseline
writes the very same cell values with a bare write-only workbook.
"""

from __future__ import annotations

import itertools
import time
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
    from quzhou_desktop.services import auth
    from quzhou_desktop.services.context import AppContext
    from quzhou_desktop.services.setup import initialise
    from quzhou_desktop.services.villages import VillageSpec
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


def imports(assets: Assets, repeat: int) -> list[Measurement]:
    """The whole import through the product's service (parse, validate, duplicate check, insert, audit, commit)
    into a fresh database each time, and parse + validate alone for the breakdown."""
    import sqlite3

    from quzhou_desktop.exchange.parse import parse_workbook
    from quzhou_desktop.services.imports import run_import

    with sqlite3.connect(f"file:{assets.db}?mode=ro", uri=True) as con:
        villages = [r[0] for r in con.execute("SELECT name FROM village ORDER BY name")]
    out = []
    counter = itertools.count()
    for book in assets.workbooks:
        layout = book.stem.split("-")[1]
        base = timed(lambda b=book: calamine_read(b), repeat, warmup=1)
        parse = timed(lambda b=book: parse_workbook(b, "vouchers"), repeat)
        whole: list[float] = []
        report = None
        for _ in range(repeat):
            ctx = _fresh_township(assets.scratch, villages, next(counter))
            t0 = time.perf_counter()
            report = run_import(ctx, book, "vouchers", clean_rows_only=True)
            whole.append(time.perf_counter() - t0)
            ctx.db.dispose()
        note = f"{report.imported:,} imported, {len(report.errors)} cell errors" if report else ""
        out.append(Measurement(f"import {layout}: whole import (parse, validate, insert, audit, commit)", "s", whole,
                               "ratio", IMPORT_RATIO, base, "calamine read", note=note))  # fmt: skip
        out.append(Measurement(f"  … of which parse + validate ({layout})", "s", parse, "ratio", 0.0, base,
                               "calamine read"))  # fmt: skip
    return out


EXPORT_KINDS = {"text": "text", "date": "date"}


def exports(assets: Assets, repeat: int, rows: int) -> list[Measurement]:
    from openpyxl import Workbook

    from quzhou_desktop.exchange.writer import ColumnSpec, write_register
    from quzhou_desktop.services import auth
    from quzhou_desktop.services.context import AppContext
    from quzhou_desktop.services.vouchers import VoucherFilter
    from quzhou_desktop.services.vouchers_data import VOUCHER_EXPORT_HEADERS, voucher_export_rows
    from quzhou_desktop.store.db import Database

    ctx = AppContext(Database(assets.db))
    auth.login(ctx, ADMIN_USERNAME, BENCH_PASSWORD)
    flt = VoucherFilter()
    columns = [
        ColumnSpec(h, "date" if h == "日期" else "int" if h == "版本" else "text")
        for h in VOUCHER_EXPORT_HEADERS
    ]
    target = assets.scratch / "export.xlsx"
    t = time.perf_counter()
    cells = list(itertools.islice(voucher_export_rows(ctx, flt), rows))
    query_only = time.perf_counter() - t

    def ours() -> None:
        write_register(target, title="支出凭证台账", columns=columns,
                       rows=itertools.islice(voucher_export_rows(ctx, flt), rows))  # fmt: skip

    def baseline() -> None:
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("台账")
        ws.append(list(VOUCHER_EXPORT_HEADERS))
        for r in cells:
            ws.append(list(r))
        wb.save(str(assets.scratch / "baseline.xlsx"))

    base = timed(baseline, repeat)
    mine = timed(ours, repeat)
    write_only = timed(
        lambda: write_register(target, title="支出凭证台账", columns=columns, rows=cells), repeat
    )
    ctx.db.dispose()
    n = len(cells)
    return [
        Measurement(f"export {n:,} vouchers: query + styled workbook (voucher_export_rows → write_register)", "s",
                    mine, "ratio", EXPORT_RATIO, base, "openpyxl write-only"),
        Measurement("  … of which the export query alone (info, one run)", "s", [query_only], "ratio", 0.0, base,
                    "openpyxl write-only"),
        Measurement(f"  … write_register alone on the same {n:,} rows", "s", write_only, "ratio", EXPORT_RATIO, base,
                    "openpyxl write-only"),
    ]  # fmt: skip
