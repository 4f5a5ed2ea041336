"""Hypothesis: random cells, types and header layouts never crash parse_workbook; every error names a row and
a column; valid rows carry the declared types."""

from __future__ import annotations

import datetime as dt
import html
import tempfile
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from quzhou_desktop.core.contracts import AssetKind, AssetStatus, ContractKind
from quzhou_desktop.spreadsheets.errors import ImportFileError
from quzhou_desktop.spreadsheets.html_table import html_rows
from quzhou_desktop.spreadsheets.parse import parse_workbook
from quzhou_desktop.spreadsheets.result import ParseResult
from quzhou_desktop.spreadsheets.schemas import (
    SCHEMAS,
    AssetRecord,
    ContractRecord,
    LedgerRecord,
    VoucherRecord,
)
from quzhou_desktop.spreadsheets.values import cell_text

_text = st.text(
    alphabet=st.sampled_from(
        [*"0123456789-/.,，年月日元￥¥ 　合计小张三记X", "\n", "１", "示", "例", "【", "】"]
    ),
    max_size=12,
)
CELL = st.one_of(
    st.none(),
    _text,
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e13, max_value=1e13),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2099, 12, 31)),
    st.sampled_from(
        ["合计", "小计", "本月合计", "-", "无", "【示例】x", "制表人：张三", "2026-02-30", "12,3a"]
    ),
)


@st.composite
def workbook_layout(draw: st.DrawFn) -> tuple[str, list[list[object]]]:
    kind = draw(st.sampled_from(sorted(SCHEMAS)))
    spec = SCHEMAS[kind]
    names = [draw(st.sampled_from(f.names)) for f in spec.fields]
    keep = draw(st.lists(st.booleans(), min_size=len(names), max_size=len(names)))
    header: list[object] = [n for n, k in zip(names, keep, strict=True) if k] or [names[0]]
    header = draw(st.permutations(header))
    if draw(st.booleans()):
        header.insert(draw(st.integers(0, len(header))), "序号")
    titles: list[list[object]] = [[draw(_text)] for _ in range(draw(st.integers(0, 2)))]
    width = len(header)
    body = draw(st.lists(st.lists(CELL, min_size=width, max_size=width), max_size=12))
    return kind, [*titles, list(header), *body]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workbook_layout(), st.booleans())
@example(("ledger", [["凭证号", "支出金额", "日期", "摘要"], [None, None, dt.date(2000, 1, 1), "0"]]), False)
def test_random_workbooks_never_crash(layout: tuple[str, list[list[object]]], with_village: bool) -> None:
    kind, rows = layout
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "fuzz.xlsx"
        wb = Workbook()
        ws = wb.active
        for r in rows:
            ws.append(r)
        wb.save(path)
        try:
            res = parse_workbook(path, kind, village="余东村" if with_village else None)
        except ImportFileError as exc:
            assert str(exc)  # a Chinese sentence, never a traceback
            return
    for e in res.errors:
        assert e.row >= 1 and e.column and e.message.startswith(("第", "表中"))
    record = SCHEMAS[kind].record
    bad = res.bad_rows
    for rec in res.rows:
        assert isinstance(rec, record) and rec.row not in bad
        if isinstance(rec, VoucherRecord):
            assert isinstance(rec.date, dt.date) and type(rec.amount_fen) is int and rec.amount_fen > 0
        if isinstance(rec, LedgerRecord):
            assert type(rec.income_fen) is int and type(rec.expense_fen) is int
            assert (rec.income_fen == 0) != (rec.expense_fen == 0)
        if isinstance(rec, AssetRecord):
            assert AssetKind(rec.kind) and AssetStatus(rec.status)
            assert rec.area is None or (
                type(rec.area) is int and rec.area > 0 and rec.area_unit in ("亩", "平方米")
            )
        if isinstance(rec, ContractRecord):
            assert ContractKind(rec.kind) and type(rec.amount_fen) is int and rec.amount_fen > 0
            assert isinstance(rec.start, dt.date) and isinstance(rec.end, dt.date) and rec.start <= rec.end
    assert res.total_fen == (
        sum(getattr(r, "amount_fen", 0) for r in res.rows)
        + sum(getattr(r, "income_fen", 0) - getattr(r, "expense_fen", 0) for r in res.rows)
    )


def _check(res: ParseResult, kind: str) -> None:
    for e in res.errors:
        assert e.row >= 1 and e.column and e.message.startswith(("第", "表中"))
    bad = res.bad_rows
    for rec in res.rows:
        assert rec.row not in bad
        for key in SCHEMAS[kind].fen_fields:
            assert type(getattr(rec, key)) is int


def _markup(
    rows: list[list[object]], spans: list[tuple[int, int]], row: str, cell: Callable[..., str]
) -> str:
    """Rows as markup; ``cell(value, rows_spanned, columns_spanned)`` takes the spans from ``spans`` in turn."""
    cycle = spans or [(1, 1)]
    out, k = [], 0
    for r in rows:
        out.append(
            f"<{row}>" + "".join(cell(v, *cycle[(k + i) % len(cycle)]) for i, v in enumerate(r)) + f"</{row}>"
        )
        k += len(r)
    return "".join(out)


def _td(v: object, rs: int, cs: int) -> str:
    text = html.escape(cell_text(v)).replace("\n", "<br>") or "&nbsp;"
    return f'<td rowspan="{rs}" colspan="{cs}">{text}</td>'


def _html(rows: list[list[object]], spans: list[tuple[int, int]]) -> bytes:
    body = _markup(rows, spans, "tr", _td)
    page = f'<html><head><meta charset="gbk"></head><body><p>导出</p><table>{body}</table></body></html>'
    return page.encode("gbk", errors="replace")


def _ss_data(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        kind, text = "Boolean", "1" if v else "0"
    elif isinstance(v, (int, float)):
        kind, text = "Number", repr(v)
    elif isinstance(v, dt.date):
        kind, text = "DateTime", v.isoformat() + "T00:00:00.000"
    else:
        kind, text = "String", xml_escape(str(v))
    return f'<Data ss:Type="{kind}">{text}</Data>'


def _ss_cell(v: object, down: int, across: int) -> str:
    return f'<Cell ss:MergeDown="{down - 1}" ss:MergeAcross="{across - 1}">{_ss_data(v)}</Cell>'


def _spreadsheetml(rows: list[list[object]], spans: list[tuple[int, int]]) -> bytes:
    body = _markup(rows, spans, "Row", _ss_cell)
    return (
        '<?xml version="1.0" encoding="UTF-8"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
        f'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="表"><Table>{body}'
        "</Table></Worksheet></Workbook>"
    ).encode()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    workbook_layout(),
    st.sampled_from(["html", "xml"]),
    st.lists(st.tuples(st.integers(1, 3), st.integers(1, 2)), max_size=6),
)
def test_random_web_tables_and_spreadsheetml_never_crash(
    layout: tuple[str, list[list[object]]], writer: str, spans: list[tuple[int, int]]
) -> None:
    kind, rows = layout
    data = _html(rows, spans) if writer == "html" else _spreadsheetml(rows, spans)
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "fuzz.xls"
        path.write_bytes(data)
        try:
            res = parse_workbook(path, kind, village="余东村")
        except ImportFileError as exc:
            assert str(exc)
            return
    _check(res, kind)


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "<table>",
                "<tr>",
                "<td>",
                "</td>",
                "</tr>",
                "</table>",
                "<td rowspan=3>",
                "<th colspan=2>",
                "<br>",
                "&nbsp;",
                "金额",
                "1",
                " ",
                "<p>",
                "<script>",
                "</script>",
                "<!--",
                "-->",
                "<td rowspan=x>",
            ]
        )
    ).map("".join)
)
def test_random_html_fragments_never_crash(fragment: str) -> None:
    rows, merged = html_rows(fragment)
    assert all(isinstance(c, str) for r in rows for c in r)
    assert all(0 <= r1 <= r2 < max(len(rows), 1) and 0 <= c1 <= c2 for r1, c1, r2, c2 in merged)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.lists(_text, min_size=1, max_size=6), max_size=8),
    st.sampled_from(["utf-8-sig", "gb18030", "utf-8"]),
)
def test_random_csv_never_crashes(rows: list[list[str]], encoding: str) -> None:
    text = "凭证号,日期,经手人,摘要,金额\n" + "\n".join(",".join(f'"{c}"' for c in r) for r in rows)
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "fuzz.csv"
        path.write_bytes(text.encode(encoding, errors="replace"))
        res = parse_workbook(path, "vouchers", village="余东村")
    assert all(e.row >= 2 and e.column_letter for e in res.errors)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(
    st.sampled_from(sorted(SCHEMAS)),
    st.sampled_from([CELL, _text, st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)]).flatmap(
        lambda cell: st.lists(st.tuples(*[cell] * 7), min_size=70, max_size=200)
    ),
)
# found by this test: a “【示例】” row ten rows down was an example in chunks of 4096 rows but data in chunks
# of one (only the first chunk was looked at); now the first ten rows below the header, however chunked
@example(
    "vouchers",
    [(None,) * 7] * 9 + [(0, dt.date(2000, 1, 1), 0, "【示例】x", "0", 1, None)] + [(None,) * 7] * 60,
)
def test_bulk_path_matches_row_by_row(kind: str, body: list[tuple[object, ...]]) -> None:
    # Chunks of one row never take the bulk conversions; the results must be identical.
    from quzhou_desktop.spreadsheets import rowparser

    spec = SCHEMAS[kind]
    header = [f.label for f in spec.fields][:7]
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "big.xlsx"
        wb = Workbook()
        ws = wb.active
        ws.append(header)
        for r in body:
            ws.append(list(r))
        wb.save(path)
        bulk = parse_workbook(path, kind, village="余东村")
        saved = rowparser.CHUNK
        rowparser.CHUNK = 1
        try:
            single = parse_workbook(path, kind, village="余东村")
        finally:
            rowparser.CHUNK = saved
    assert bulk.rows == single.rows
    assert bulk.errors == single.errors
    assert (bulk.total_fen, bulk.rows_read, bulk.skipped) == (
        single.total_fen,
        single.rows_read,
        single.skipped,
    )
