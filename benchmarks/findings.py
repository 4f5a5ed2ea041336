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
    "- **Not measured yet:** the 三务公开 page (`gui.disclosures.page` has not landed; its register tab exists); "
    "the import service (insert + audit); the 村务监督 page's filters (crash above). The reference DB has no "
    "per-person StepAttendance rows (the steps carry the attendance counts) and no attachments.",
]
