"""Findings written under RESULTS.md: causes of the failed budgets (profiles of the latest full run), what was
fixed, and what is not measured. Edit after a full run, then ``python -m benchmarks --rewrite``."""

from __future__ import annotations

NOTES: list[str] = [
    "- **Start-up (PASS).** `run_gui` paints a start-up window first and opens the database on the next turn "
    "of the event loop (SQLAlchemy, the models and the file are ≈0.3 s). The login dialog follows at ≈3.8× a "
    "bare window and the main window after logging in at ≈12× (info rows): most of that is the 工作台's "
    "township-wide queries over 30 villages (`services.vouchers_queues.months_not_reviewed` ≈0.5 s on the "
    "reference DB is the largest), measured with pyinstrument.",
    "- **Registers.** 五议两公开, 三务公开, 花名册 and 村务监督 open and sort within budget after new indexes on "
    "`voucher` and `voucher_event` and a 监督台账 query that picks the page's 200 event ids from indexes before "
    "loading rows. FAIL, just: the 村务监督 filter 只看异议 (≈54 ms) on the village with 15,000 vouchers, whose "
    "count and page each join the village's vouchers to their events. Fix: a `village_id` column on "
    "`voucher_event` with an index `(village_id, kind, at)` (needs the generator to fill it), or page and total "
    "in one query with `count(*) OVER ()`.",
    "- **Import (FAIL ≈10×).** Measured end to end through `services.imports.run_import` into a fresh database: "
    "≈6.6–7.1 s for 100,000 vouchers against ≈0.65 s for calamine merely reading the file. Parse + validate "
    "alone is ≈2× (the whole budget); the rest is the write: inserting 100,000 voucher rows into a table with "
    "its indexes (≈1.8 s), building the canonical after-state JSON and the chained hash of 100,000 audit "
    "entries (≈1.9 s), inserting those entries (≈1 s), and committing ≈150 MB of WAL with `synchronous=FULL` "
    "(≈0.7 s). The 2× budget cannot be met while every imported row gets its own full audit entry; meeting it "
    "needs a design decision (e.g. one audit entry per import batch carrying a digest of the rows' states, "
    "which `verify` would then check per batch), not a micro-optimisation.",
    "- **Export (FAIL 1.36×).** `write_register` alone is at par with bare openpyxl write-only (1.02×). The "
    "export query now streams with keyset paging and one events query per page of 2,000 (45 s → 2.6 s); the "
    "remaining ≈2.6 s of query time exceeds the ≈1.5 s the 1.2× budget leaves. Fix: fetch the next page in a "
    "background thread while the workbook is written, or a covering index for the events query.",
    "- **Notices.** One notice renders at 1.06–1.30× raw reportlab (the QR path is built once per document, "
    "string widths are memoised, page streams are not ASCII85-encoded). The batch of 200 (one review per "
    "village, the rest one- and two-page notices) takes 1.52 s through `print_notices` (build, 核验码, record, "
    "render) — at the edge of the 1.5 s budget; ≈0.45 s of it is building the documents from the database "
    "(≈11 queries a notice). LibreOffice headless needs ≈0.76 s for a one-page .docx; ours is ≈100× faster.",
    "- **Peak memory (FAIL, 154 MB vs 150 MB; a bare PySide6 window is 62 MB).** Fonts are registered with "
    "reportlab only when first drawn (the 打印 settings tab used to load ≈80 MB of CJK faces), font coverage "
    "is read from the cmap bytes instead of fontTools objects, and the main window drops the source-line cache "
    "PySide6's import hook fills (≈26 MB). The rest is Qt, the imported code (openpyxl ≈10 MB on the 导入导出 "
    "page, the renderer ≈8 MB) and ≈15 MB at login not yet traced.",
    "- **Reference generator.** 1.83 million audited rows in ≈130 s wall on this 2-CPU machine (SQL inserts ≈62 s, "
    "building rows ≈20 s, canonical JSON ≈14 s, chain hashing ≈11 s); cached in `benchmarks/.cache`, keyed on "
    "the generator version and the migrations. Each row gets one `<table>.create` audit entry with its final "
    "state, as a bulk import writes. It has no per-person StepAttendance rows (steps carry the counts) and no "
    "attachments.",
]
