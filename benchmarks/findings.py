"""Findings written under RESULTS.md: causes of the failed budgets (profiles of the latest full run) and what is
not measured yet. Edit after a full run, then ``python -m benchmarks --rewrite``."""

from __future__ import annotations

NOTES: list[str] = [
    "- **Start-up (FAIL, owner: app.py / gui.flow).** `python -X importtime` of the launcher: of ≈1.4 s of imports "
    "before the login dialog paints, ≈0.9 s is SQLAlchemy + ORM + `store.models`/`store.audit`, pulled in by "
    "`store.db` because `run_gui` opens the database (and `LoginDialog` asks `services.villages.township`) before "
    "any window exists. Fix: paint first — show the login shell (or the new `gui/splash.py`) and open the "
    "database on `QTimer.singleShot(0, …)`; or read the township name and `is_initialised` with stdlib `sqlite3` "
    "(≈5 ms import) and import SQLAlchemy after the first paint. The launcher needs no hook in app.py (it "
    "creates the QApplication first and installs an event filter; `make_application` reuses it).",
    "- **村务监督 register open/sort (FAIL, owner: services/vouchers_queues.py + store models).** The 监督台账 "
    "query (`_ledger_query` ordered by `VoucherEvent.at`) joins every voucher of the village to its events and "
    "sorts them in a temp B-tree (EXPLAIN QUERY PLAN: `SEARCH voucher USING INDEX ix_voucher_village_date`, "
    "`SEARCH voucher_event USING INDEX ix_voucher_event_voucher`, `USE TEMP B-TREE FOR ORDER BY`): ≈90 ms for "
    "one 200-row page and ≈46 ms for the count on a village with 15,000 vouchers. Fix: an index "
    "`voucher_event(kind, at)` (so the newest review events are walked in order and the village is checked "
    "per row), or `village_id` on `voucher_event` with an index `(village_id, kind, at)`; needs a migration, "
    "so not done here.",
    "- **村务监督 page crash (owner: gui/vouchers).** Changing the month-review tab's filter combo repeatedly "
    "aborts the process: `Fatal Python error: none_dealloc` in `gui/vouchers/monthly_tab.py` line 221 "
    "(`reload`, called from the combo's `currentIndexChanged` lambda at line 159) — a refcount error surfacing "
    "through PySide6. Its filters are therefore not measured; the page's open and sort are.",
    "- **Import (FAIL on 2 of 3 layouts before the insert even starts; owner: exchange + the import service).** "
    "parse + validate alone is 1.9–3.1× calamine reading the same file. The insert + audit half is not "
    "measured (no import service yet); the reference generator shows its likely size: SQLAlchemy Core "
    "`executemany` + SQLite costs ≈24 µs per voucher row and ≈23 µs per audit row, `row_state` + canonical "
    "JSON ≈19 µs and `entry_hash` ≈6 µs per entry — ≈7 s more for 100,000 vouchers, far beyond 2× calamine "
    "(≈0.7–0.9 s). Suggestions: raw `sqlite3` `executemany` for the bulk insert (measured ≈13 µs/row vs ≈24 µs "
    "via Core), and a per-table precomputed `row_state` in `store/audit.py` (≈3 µs instead of ≈11 µs per row; "
    "`benchmarks/gen/bulk.state_function` is such a version and `tests/benchmarks` proves it equal).",
    "- **Export (FAIL 6.4×, owner: services/vouchers_data.py).** `write_register` itself is at par with bare "
    "openpyxl (0.98×); the query is 45 s of the 55 s: `voucher_export_rows` pages with OFFSET through "
    "`list_vouchers` ordered by `voucher_date` over all villages (each of the 100 pages re-sorts the 300,000 "
    "vouchers and skips the offset) and runs `events_of` once per voucher (100,000 extra queries). Fix: one "
    "streaming query (`yield_per`) or keyset paging on (voucher_date, number, version) with an index, and the "
    "events of a page fetched in one `voucher_id IN (…)` query.",
    "- **Notices.** One-page notices render at 1.1× raw reportlab. The 村监会月度审核意见书 of the busiest month "
    "is 18 pages (≈125 vouchers) and lands at 2.02× — at the budget's edge; not profiled yet. The batch of 200 "
    "(4.4 s, FAIL) goes through `print_notices` end to end and its mix contains ≈29 such 18-page review reports "
    "(≈700 pages in all), so it is heavier than 200 one-page notices; not profiled yet (owner: services/notices "
    "+ printing). LibreOffice headless needs ≈0.75 s for a one-page .docx; our notice is ≈100× faster.",
    "- **Peak memory (FAIL, 258 MB vs 150 MB; a bare PySide6 window is 62 MB).** Not profiled yet; candidates: "
    "SQLite page caches of the two engines on a 2.8 GB file, the dashboard and pages kept alive per section, "
    "fonts. Measure next with `tracemalloc` in `benchmarks/children/visit_all.py`.",
    "- **Audit chain bug (owner: store/audit.py).** `_norm` hashes a timestamp with `isoformat(sep=' ')`, which "
    "drops a zero microsecond part, while SQLite stores `.000000`; an entry whose `ts` has microsecond 0 can "
    "never verify (`verify_chain` reports it as tampered). One-line fix: `value.isoformat(sep=' ', "
    "timespec='microseconds')` for datetimes (entries with non-zero microseconds hash the same as before). The "
    "generator avoids zero-microsecond timestamps until then.",
    "- **Reference generator (not under a minute).** 1.83 million audited rows in ≈130 s wall on this 2-CPU "
    "machine (shared with other work): SQL inserts through Core ≈62 s, building rows ≈20 s, canonical JSON ≈14 s, "
    "chain hashing ≈11 s (≈6 µs per entry: not the bottleneck). It is generated once per scale and cached in "
    "`benchmarks/.cache`. Each row gets one `<table>.create` audit entry with its final state (as a bulk import "
    "writes), not a full history of transitions.",
    "- **Not measured yet:** the 三务公开 page's open/sort/filter (`gui.disclosures.page` landed during this run, "
    "after the registers step; the memory step already visited it — `python -m benchmarks --only registers` "
    "measures it now); "
    "the import service (insert + audit); the 村务监督 page's filters (crash above). The reference DB has no "
    "per-person StepAttendance rows (the steps carry the attendance counts) and no attachments.",
]
