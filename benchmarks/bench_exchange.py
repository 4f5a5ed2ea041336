"""Excel import and export at 100,000 rows against their baselines, in-process.

Import (budget ≤ 2× python-calamine merely reading the file): the product's import is parse + validate
(``exchange.parse.parse_workbook``) + insert + audit (the import service). Only the parts that exist are
timed; the row label says which.
Export (budget ≤ 1.2× openpyxl write-only writing the same cells): rows from the product's export query
(``services.vouchers_data.voucher_export_rows``) written by ``exchange.writer.write_register``; the baseline
writes the very same cell values with a bare write-only workbook.
"""

from __future__ import annotations

import importlib
import itertools
import time
from pathlib import Path
from typing import Any

from benchmarks.assets import Assets
from benchmarks.gen.common import ADMIN_USERNAME, BENCH_PASSWORD
from benchmarks.measure import Measurement, timed

IMPORT_RATIO = 2.0
EXPORT_RATIO = 1.2
IMPORT_SERVICE_CANDIDATES = ("quzhou_desktop.services.imports", "quzhou_desktop.services.importing",
                             "quzhou_desktop.services.import_data")  # fmt: skip


def calamine_read(path: Path) -> int:
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    rows = wb.get_sheet_by_index(0).to_python()
    return len(rows)


def import_service() -> Any | None:
    for name in IMPORT_SERVICE_CANDIDATES:
        try:
            return importlib.import_module(name)
        except ModuleNotFoundError:
            continue
    return None


def imports(assets: Assets, repeat: int) -> list[Measurement]:
    from quzhou_desktop.exchange.parse import parse_workbook

    out = []
    for book in assets.workbooks:
        layout = book.stem.split("-")[1]
        base = timed(lambda b=book: calamine_read(b), repeat, warmup=1)
        ours = timed(lambda b=book: parse_workbook(b, "vouchers"), repeat)
        result = parse_workbook(book, "vouchers")
        note = f"{len(result.rows):,} records, {len(result.errors)} cell errors"
        out.append(Measurement(f"import {layout}: parse + validate only (insert + audit not measured)", "s", ours,
                               "ratio", IMPORT_RATIO, base, "calamine read", note=note))  # fmt: skip
    svc = import_service()
    if svc is None:
        out.append(Measurement("import: insert + audit (import service not landed yet: not measured)", "s", [0.0],
                               "ratio", 0.0))  # fmt: skip
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
