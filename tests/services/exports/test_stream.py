"""Streaming exports: read-ahead thread, the SQLite-built 审批过程 text, and the 监督台账 count/page reuse."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from types import GeneratorType
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import event

from quzhou_desktop.services.exports.registers import export_register
from quzhou_desktop.services.exports.rows import voucher_rows
from quzhou_desktop.services.exports.stream import read_ahead
from quzhou_desktop.services.vouchers.common import EVENT_LABELS, OPINION_LABELS, events_of, local_time
from quzhou_desktop.services.vouchers.flow import review_voucher
from quzhou_desktop.services.vouchers.queues import LedgerFilter, LedgerPages, count_ledger, ledger_rows
from tests.support.vouchers import VoucherVillage
from tests.support.world import PASSWORD


def _readers() -> int:
    return sum(1 for t in threading.enumerate() if t.name == "export-read-ahead")


def _chunks(n: int, size: int, fail_at: int | None = None) -> Iterator[list[int]]:
    for start in range(0, n, size):
        if fail_at is not None and start >= fail_at:
            raise ValueError("读取失败")
        yield list(range(start, min(n, start + size)))


@pytest.mark.parametrize("threaded", [True, False])
@pytest.mark.parametrize(("n", "size"), [(0, 3), (1, 3), (3, 3), (10, 3), (10_000, 700)])
def test_read_ahead_yields_every_row_in_order(threaded: bool, n: int, size: int) -> None:
    assert list(read_ahead(lambda: _chunks(n, size), threaded=threaded)) == list(range(n))
    assert _readers() == 0


@pytest.mark.parametrize("threaded", [True, False])
@pytest.mark.parametrize("fail_at", [0, 3, 9])
def test_read_ahead_raises_the_readers_error_after_the_rows_before_it(threaded: bool, fail_at: int) -> None:
    got: list[int] = []
    with pytest.raises(ValueError, match="读取失败"):
        for x in read_ahead(lambda: _chunks(12, 3, fail_at), threaded=threaded):
            got.append(x)
    assert got == list(range(fail_at))
    assert _readers() == 0


@pytest.mark.parametrize("taken", [0, 1, 50, 999])
def test_closing_early_stops_the_reader(taken: int) -> None:
    """Cancel from write_register's progress callback, or islice: the thread ends, no chunk is left behind."""
    rows = read_ahead(lambda: _chunks(100_000, 100))
    for i, _row in enumerate(rows):
        if i == taken:
            break
    assert isinstance(rows, GeneratorType)
    rows.close()
    assert _readers() == 0


def _python_trail(village: VoucherVillage, voucher_id: str) -> str:
    """The 审批过程 text as the Python formatting (``events_of`` order) wrote it before SQLite built it."""
    from quzhou_desktop.services.kernel.context import AppContext

    ctx: AppContext = village.clerk
    with ctx.read() as s:
        events = events_of(s, voucher_id)
    return "；".join(
        f"{local_time(e.at):%Y-%m-%d %H:%M} {e.actor_name or ''}{EVENT_LABELS.get(e.kind, e.kind)}"
        + (f"：{OPINION_LABELS[e.opinion]}" if e.opinion in OPINION_LABELS else "")
        + (f"（{e.text}）" if e.text else "")
        for e in events
    )


def _three_vouchers(village: VoucherVillage) -> dict[str, str]:
    """Numbers → ids: 001 draft (no events), 002 reviewed 同意 then 需补正 with text, 003 submitted only."""
    from quzhou_desktop.services.vouchers.voucher import create_voucher

    draft, _ = create_voucher(
        village.clerk, village.vid, village.fields(number="001", voucher_date=date(2026, 11, 1))
    )
    village.world.clock.advance(minutes=5)
    reviewed = village.submitted(200_050, number="002", voucher_date=date(2026, 11, 2))
    review_voucher(village.member1, reviewed, "agree", "", PASSWORD)
    village.world.clock.advance(minutes=7)
    review_voucher(village.chair, reviewed, "correct", "缺少发票原件", PASSWORD)
    village.world.clock.advance(minutes=5)
    submitted = village.submitted(99, number="003", voucher_date=date(2026, 11, 3))
    return {"001": draft, "002": reviewed, "003": submitted}


def test_voucher_export_trails_match_the_python_formatting(village: VoucherVillage) -> None:
    ids = _three_vouchers(village)
    expected = {number: _python_trail(village, vid) for number, vid in ids.items()}
    assert expected["001"] == ""
    assert "需补正（缺少发票原件）" in expected["002"] and "村监会审核：同意" in expected["002"]
    product = {r[1]: r for r in voucher_rows(village.clerk, [village.vid], None, None)}
    assert {n: r[-1] for n, r in product.items()} == expected
    assert product["002"][7] == 200_050  # 金额: integer 分; the register writes it as exact 元
    assert [r[3] for r in product.values()] == [date(2026, 11, d) for d in (1, 2, 3)]
    assert _readers() == 0


@pytest.mark.parametrize(
    ("date_from", "date_to", "numbers"),
    [
        (None, None, ["001", "002", "003"]),
        (date(2026, 11, 2), None, ["002", "003"]),
        (None, date(2026, 11, 2), ["001", "002"]),
        (date(2026, 11, 2), date(2026, 11, 2), ["002"]),
        (date(2026, 12, 1), None, []),
    ],
)
def test_export_register_vouchers_writes_the_rows_in_order(
    village: VoucherVillage, tmp_path: Path, date_from: date | None, date_to: date | None, numbers: list[str]
) -> None:
    ids = _three_vouchers(village)
    path = tmp_path / "vouchers.xlsx"
    n = export_register(
        village.clerk, "vouchers", path, village_id=village.vid, date_from=date_from, date_to=date_to
    )
    assert n == len(numbers)
    ws = load_workbook(path).active
    data = [row for row in ws.iter_rows(min_row=3, max_row=2 + n, values_only=True)]
    assert [r[1] for r in data] == numbers
    assert [r[-1] or "" for r in data] == [_python_trail(village, ids[x]) for x in numbers]


@pytest.mark.parametrize("kind", ["", "objections", "correct", "agree"])
def test_ledger_page_after_count_sees_a_review_written_in_between(village: VoucherVillage, kind: str) -> None:
    """The first page a reader kept when counting is not reused once anything was written (audit seq moved)."""
    first, second = village.submitted(number="001"), village.submitted(number="002")
    review_voucher(
        village.chair,
        first,
        "correct" if kind in ("correct", "objections") else "agree",
        "缺少验收单",
        PASSWORD,
    )
    flt = LedgerFilter(village_id=village.vid, kind=kind)
    pages = LedgerPages(village.clerk)
    before = pages.count(flt)
    review_voucher(
        village.chair,
        second,
        "correct" if kind in ("correct", "objections") else "agree",
        "缺少验收单",
        PASSWORD,
    )
    rows = pages.rows(flt)
    assert len(rows) == pages.count(flt) == count_ledger(village.clerk, flt) == before + 1


def _reviewed_four(village: VoucherVillage) -> None:
    for i, amount in enumerate((150_000, 90_000, 120_000, 60_000)):
        vid = village.submitted(amount, number=f"00{i + 1}")
        review_voucher(village.chair, vid, "agree", "", PASSWORD)
        review_voucher(village.member1, vid, "correct" if i % 2 else "agree", "请补附件", PASSWORD)
        village.world.clock.advance(minutes=3)


@pytest.mark.parametrize(
    ("kind", "sort", "descending"),
    [("", "at", True), ("objections", "at", True), ("", "at", False), ("agree", "amount", True)],
)
def test_ledger_first_page_equals_the_uncounted_page(
    village: VoucherVillage, kind: str, sort: str, descending: bool
) -> None:
    _reviewed_four(village)
    flt = LedgerFilter(village_id=village.vid, kind=kind)
    plain = ledger_rows(village.clerk, flt, sort=sort, descending=descending)
    pages = LedgerPages(village.clerk)
    assert pages.rows(flt, sort=sort, descending=descending) == plain  # the reader learns the table's sort
    total = pages.count(flt)
    counted = pages.rows(flt, sort=sort, descending=descending)
    assert counted == plain and total == len(plain) == count_ledger(village.clerk, flt)
    pages.count(flt)
    assert pages.rows(flt, limit=2, sort=sort, descending=descending) == plain[:2]


@pytest.mark.parametrize("order", ["other reader between", "stateless calls between"])
def test_ledger_readers_do_not_share_what_they_kept(village: VoucherVillage, order: str) -> None:
    """What one table counted is its own: another reader, another filter or the plain functions called in
    between change nothing either table is given."""
    _reviewed_four(village)
    mine, objections = (
        LedgerFilter(village_id=village.vid),
        LedgerFilter(village_id=village.vid, kind="objections"),
    )
    expected_mine, expected_objections = (
        ledger_rows(village.clerk, mine),
        ledger_rows(village.clerk, objections),
    )
    first, second = LedgerPages(village.clerk), LedgerPages(village.clerk)
    assert first.count(mine) == len(expected_mine)
    if order == "other reader between":
        assert second.count(objections) == len(expected_objections)
        assert second.rows(objections) == expected_objections
    else:
        assert count_ledger(village.clerk, objections) == len(expected_objections)
        assert ledger_rows(village.clerk, objections) == expected_objections
    assert first.rows(mine) == expected_mine


def test_ledger_page_after_count_is_not_searched_again(village: VoucherVillage) -> None:
    """The 监督台账 budget: the table's first page after its count reads the rows of the kept ids only."""
    _reviewed_four(village)
    flt = LedgerFilter(village_id=village.vid)
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    engine = village.clerk.db.read_engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        pages = LedgerPages(village.clerk)
        pages.count(flt)
        statements.clear()
        after_count = pages.rows(flt)
        searched_after_count = [st for st in statements if "ORDER BY" in st]
        statements.clear()
        fresh = LedgerPages(village.clerk).rows(flt)
        searched_fresh = [st for st in statements if "ORDER BY" in st]
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert after_count == fresh and len(fresh) == 8
    assert searched_after_count == [] and len(searched_fresh) == 1
