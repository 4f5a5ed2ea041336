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
    "indexes on `voucher` and `voucher_event`, and a 监督台账 count and first page from one query "
    "(`count(*) OVER ()`). Each page's search box is measured by name and reloads only its own tab, as the "
    "page does; that exposed the 监督台账 search (≈55 ms, hidden behind the voucher list's before). "
    "`voucher_event` now carries its voucher's village (migration 0003, the new states recorded in chained "
    "batch audit entries) with `ix_voucher_event_village`, so a search within a village starts from the "
    "matching events and vouchers: ≈18 ms.",
    "- **Import (FAIL ≈4× — the 2× budget leaves no room above what reading and writing alone take).** "
    "Measured end to end through `services.imports.run_import` into a fresh database: ≈3.3–3.9 s for 100,000 "
    "vouchers (was ≈7.6 s) against ≈0.8–0.95 s for calamine merely reading the file. The *floor* row measures, "
    "in the same run, calamine reading the file plus SQLite alone writing the very data rows the import "
    "wrote (an `INSERT … SELECT` from memory into the same tables and indexes, no audit entries) and "
    "committing with `synchronous=FULL`: ≈1.8–2.2× with no Python, no parsing, no checks and no audit at "
    "all. A profile of one 3.6 s import (pyinstrument): reading and parsing ≈1.5 s (calamine ≈0.67 s of "
    "it), `executemany` ≈0.87 s (SQLite's own share is the floor's ≈0.6 s), the batch audit entries "
    "(canonical JSON and chain hash) ≈0.34 s, building the rows ≈0.27 s, matching the database for "
    "duplicates ≈0.27 s, the durable commit ≈0.26 s. What changed: an import is audited by batch entries (`store.audit.batch`: one chained "
    "entry per 5,000 rows holding every row's state; `verify` still compares every imported row with its "
    "recorded state, −2.5 s), rows are built column-wise and inserted with the constant columns written into "
    "the statement (−0.6 s), the database is matched once inside the write transaction (−0.4 s), vouchers no "
    "longer carry an indexed `import_key` (migration 0002), rows go in village by village (the village-led "
    "indexes take runs, −0.2 s) and text amounts are parsed in bulk. Dropping the voucher indexes and "
    "building them after the load saves only ≈0.1 s on an empty table and costs far more on a township's "
    "existing 300,000 vouchers, so it was not done. The budget should be restated against the floor (e.g. "
    "≤ 2× the floor).",
    "- **Export (PASS 0.18–0.20×).** `export_register` of the 支出凭证台账 (the product path: query with SQLite-built "
    "trails read ahead on a thread, styled workbook) for the 100,091 oldest vouchers, against bare openpyxl "
    "write-only writing the same cells. Register sheets are now streamed as SpreadsheetML text "
    "(`spreadsheets.xlsx_stream`, inline strings as XlsxWriter's constant-memory mode writes them) instead of an "
    "openpyxl object per cell: writing alone is ≈0.15×, so the query (≈1.8 s) is now the longer part and "
    "overlaps the writing. The benchmark used to time `vouchers_data.voucher_export_rows`, which no screen "
    "or command used (removed).",
    "- **Notices (one notice PASS; batch of 200 FAIL by a few per cent on this machine, 1.54–1.61 s in the "
    "2026-12-04 runs).** One notice renders at 1.02–1.23× raw reportlab (the QR path is built once per "
    "document, string widths are memoised, page streams are not ASCII85-encoded, a text that fits its width "
    "is one line without being cut into tokens, tokens are named tuples). The batch of 200 (one review per "
    "village, the rest one- and two-page notices) through `print_notices` (build, 核验码, record, render) "
    "took 1.35 s in the 2026-11-25 run on an AMD EPYC; on this Intel Xeon the same code took 1.63 s, and the "
    "changes above bring it to 1.45–1.61 s depending on the minute: back-to-back runs of the same code differ "
    "by up to 10 % here, and the raw reportlab baseline for the same content went from 5.8 ms to 6.7–7.1 ms "
    "between the machines. The ratio budgets absorb that, this absolute one does not. A profile of the batch: "
    "the 28 monthly review reports are ≈40 % (reportlab's `textOut` for TrueType subsets is most of it, as "
    "in the raw baseline), 核验码 QR codes ≈0.2 s (≈1 ms each; reportlab's Reed–Solomon encoding and our mask "
    "scoring), building the documents from the database ≈0.25 s. reportlab's C accelerators are a separate "
    "package since reportlab 4 (`rl_accel`); without them the batch takes ≈1.8 s, so they are a dependency. "
    "LibreOffice headless needs ≈0.8–1.2 s for a one-page .docx; ours is ≈100× faster (the baseline needs "
    "Writer: `scripts/setup --bench`).",
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
