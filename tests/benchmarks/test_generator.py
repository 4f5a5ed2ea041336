"""The benchmark generator at tiny scale: a verify-clean, deterministic DB; workbooks the importer reads; the
results table. Never asserts a timing."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import select, text

from benchmarks.gen.bulk import state_function
from benchmarks.gen.common import SCALES
from benchmarks.gen.reference import generate
from benchmarks.gen.workbooks import LAYOUTS, make_all
from benchmarks.measure import Measurement, table
from quzhou_desktop.spreadsheets.parse import parse_workbook
from quzhou_desktop.store.audit.chain import canonical, row_state
from quzhou_desktop.store.audit.verify import audited_tables, verify_all
from quzhou_desktop.store.db import Database
from tests.support.spreadsheets import voucher_records

TINY = SCALES["tiny"]


@pytest.fixture(scope="module")
def tiny_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bench") / "tiny.sqlite3"
    generate(path, TINY, seed=7)
    return path


def _digest(path: Path) -> str:
    db = Database(path)
    h = hashlib.sha256()
    with db.read_engine.connect() as conn:
        for t in ("voucher", "matter_step", "audit_log"):
            for r in conn.execute(text(f"SELECT * FROM {t} ORDER BY 1")):
                h.update(repr(tuple(r)).encode())
    db.dispose()
    return h.hexdigest()


def test_tiny_reference_db_verifies_clean(tiny_db: Path) -> None:
    db = Database(tiny_db)
    with db.read_engine.connect() as conn:
        assert verify_all(conn) == []
        counts = {
            t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
            for t in (
                "village",
                "person",
                "membership",
                "matter",
                "matter_step",
                "voucher",
                "voucher_event",
                "ledger_line",
                "monthly_review",
                "disclosure",
                "user_account",
            )
        }
        audited = conn.execute(text("SELECT count(*) FROM audit_log")).scalar_one()
    db.dispose()
    assert counts["village"] == TINY.villages
    assert counts["voucher"] == pytest.approx(TINY.vouchers, rel=0.1)
    assert all(n > 0 for n in counts.values()), counts
    assert audited >= sum(counts.values())


def test_generator_is_deterministic(tiny_db: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.sqlite3"
    generate(again, TINY, seed=7)
    assert _digest(again) == _digest(tiny_db)


def test_fast_state_equals_store_row_state(tiny_db: Path) -> None:
    """The generator's per-table state function gives exactly ``store.audit.chain.row_state`` on every row."""
    db = Database(tiny_db)
    with db.read_engine.connect() as conn:
        for table in audited_tables():
            fast = state_function(table)
            for r in conn.execute(select(table)).mappings():
                assert canonical(fast(dict(r))) == canonical(row_state(table, dict(r))), table.name
    db.dispose()


@pytest.mark.parametrize("layout", LAYOUTS)
def test_workbook_layouts_parse_clean(tmp_path: Path, layout: str) -> None:
    (book,) = make_all(tmp_path, 60, ["溪口村", "上洋村"], 3, (layout,))
    result = parse_workbook(book, "vouchers")
    assert result.errors == []
    assert len(result.rows) == 60
    assert voucher_records(result)[0].number == "导-000001"


@pytest.mark.parametrize(
    ("m", "verdict"),
    [
        (Measurement("ratio ok", "s", [1.0, 2.0, 3.0], "ratio", 3.0, [1.0, 1.0, 1.0], "base"), "PASS"),
        (Measurement("ratio over", "s", [4.0], "ratio", 3.0, [1.0], "base"), "FAIL"),
        (Measurement("ms ok", "ms", [49.0], "ms", 50.0), "PASS"),
        (Measurement("s in ms budget", "s", [0.051], "ms", 50.0), "FAIL"),
        (Measurement("MB", "MB", [151.0], "MB", 150.0), "FAIL"),
        (Measurement("info only", "s", [0.0], "ratio", 0.0), "info"),
    ],
)
def test_verdicts_and_table(m: Measurement, verdict: str) -> None:
    assert m.verdict == verdict
    head, rule, line = table([m])
    assert head.startswith("| what |") and rule.startswith("|---")
    assert line.startswith(f"| {m.what} |") and line.endswith(f"| {verdict} |")
