"""Findings written under RESULTS.md: causes of the failed budgets (profiles of the latest full run), what was
fixed, and what is not measured. Edit after a full run, then ``python -m benchmarks --rewrite``."""

from __future__ import annotations

NOTES: list[str] = [
    "- **Start-up (PASS).** `run_gui` paints a start-up window first and opens the database on the next turn "
    "of the event loop (SQLAlchemy, the models and the file are ≈0.3 s). The login dialog follows at ≈3.8× a "
    "bare window and the main window after logging in at ≈12× (info rows): most of that is the 工作台's "
    "township-wide queries over 30 villages (`services.vouchers_queues.months_not_reviewed` ≈0.5 s on the "
    "reference DB is the largest), measured with pyinstrument.",
    "- **Registers (PASS).** 五议两公开, 三务公开, 花名册 and 村务监督 open, sort and filter within 50 ms after new "
    "indexes on `voucher` and `voucher_event`, a 监督台账 count and first page from one query "
    "(`count(*) OVER ()`), and searches that walk a village's vouchers in date order. Not in the table: the "
    "监督台账 tab's own text search is ≈60 ms (the benchmark keys filter samples by label and the voucher tab's "
    "查找“村道” overwrites it); a `village_id` column on `voucher_event` would fix it.",
    "- **Import (FAIL ≈4× — the 2× budget is below what SQLite alone needs here).** Measured end to end "
    "through `services.imports.run_import` into a fresh database: ≈3.2–3.5 s for 100,000 vouchers (was "
    "≈7.6 s) against ≈0.75–0.85 s for calamine merely reading the file. The *floor* row measures, in the same "
    "run, calamine reading the file plus SQLite alone writing the very rows the import wrote (an `INSERT … "
    "SELECT` from memory into the same tables and indexes, the audit entries included) and committing with "
    "`synchronous=FULL`: ≈3.0–3.2× — already above 2× with no Python, no parsing and no checks at all. The "
    "voucher table's register indexes (chosen for the ≤ 50 ms register budgets) and a durable commit are "
    "most of it; our import adds ≈0.8 s of parsing, matching and building rows on top of that floor. What "
    "changed: an import is audited by batch entries (`store.audit_batch`: one chained entry per 5,000 rows "
    "holding every row's state; `verify` still compares every imported row with its recorded state, "
    "−2.5 s), rows are built column-wise and inserted with the constant columns written into the statement "
    "(−0.6 s), the database is matched once inside the write transaction (−0.4 s), vouchers no longer carry "
    "an indexed `import_key` (migration 0002), and text amounts are parsed in bulk. Only a threaded or "
    "multi-process pipeline could overlap parsing with SQLite's B-tree work, and the floor shows it could "
    "not reach 2× either; the budget should be restated against that floor (e.g. ≤ 1.5× the floor).",
    "- **Export (PASS 0.18×).** `export_register` of the 支出凭证台账 (the product path: query with SQLite-built "
    "trails read ahead on a thread, styled workbook) for the 100,091 oldest vouchers, against bare openpyxl "
    "write-only writing the same cells. Register sheets are now streamed as SpreadsheetML text "
    "(`exchange.xlsx_stream`, inline strings as XlsxWriter's constant-memory mode writes them) instead of an "
    "openpyxl object per cell: writing alone is ≈0.15×, so the query (≈1.8 s) is now the longer part and "
    "overlaps the writing. The benchmark used to time `vouchers_data.voucher_export_rows`, which no screen "
    "or command used (removed).",
    "- **Notices (one notice PASS; batch of 200 FAIL in this run, 1.63 s).** One notice renders at 1.05–1.31× "
    "raw reportlab (the QR path is built once per document, string widths are memoised, page streams are not "
    "ASCII85-encoded). The batch of 200 (one review per village, the rest one- and two-page notices) through "
    "`print_notices` (build, 核验码, record, render) took 1.35 s in the 2026-11-25 run and 1.63 s in this "
    "one with the same code path, on a different machine (an Intel Xeon instead of an AMD EPYC: the raw "
    "reportlab baseline for the same content went from 5.8 ms to 7.1 ms, the calamine and openpyxl baselines "
    "10–20 % slower too); the ratio budgets absorb that, this absolute one does not. "
    "reportlab's C accelerators are a separate package since reportlab 4 (`rl_accel`); a fresh environment "
    "lacked them and the batch took ≈1.8 s, so they are a dependency now. The 28 monthly review reports are "
    "≈40 % of the batch (table cells drawn run by run). LibreOffice headless needs ≈0.8–1.2 s for a one-page "
    ".docx; ours is ≈100× faster (the baseline needs Writer: `scripts/setup --bench`).",
    "- **Peak memory (PASS, ≈145 MB vs 150 MB; a bare PySide6 window is 62 MB).** Fonts are registered with "
    "reportlab only when first drawn, font coverage is read from the cmap bytes, the main window drops the "
    "source-line cache PySide6's import hook fills (≈26 MB), and the 导入导出 page and the 打印 settings tab "
    "import openpyxl and reportlab only when used. The margin is small: scrypt's 16 MiB buffer at login is a "
    "transient peak, and a 打印 tab opened in the same session adds ≈8 MB.",
    "- **Reference generator.** 1.83 million audited rows in ≈130 s wall on this 2-CPU machine (SQL inserts ≈62 s, "
    "building rows ≈20 s, canonical JSON ≈14 s, chain hashing ≈11 s); cached in `benchmarks/.cache`, keyed on "
    "the generator version and the migrations. Each row gets one `<table>.create` audit entry with its final "
    "state, as records created in the app get. It has no per-person StepAttendance rows (steps carry the counts) and no "
    "attachments.",
]
