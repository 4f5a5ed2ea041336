"""Find the header row of an office spreadsheet and map its columns to fields.

Handles title rows above the header (often merged across the width), two-row headers where a merged upper
cell (“金额”) sits above sub-headers (“收入 | 支出”), and header text decorated with spaces, full-width
spaces, line breaks, units such as “（元）” and required-markers such as “*”. A money unit other than 元
(“金额（万元）”, or “单位：万元” above the header) is kept with the mapping, and “（大写）” is never dropped:
“金额（大写）” is the 大写 amount, not the amount.
The result is a :class:`ColumnMapping` the import wizard shows and the user may correct.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from quzhou_desktop.spreadsheets.reader import MergedRange, column_letter
from quzhou_desktop.spreadsheets.schemas import KindSpec
from quzhou_desktop.spreadsheets.units import YUAN, unit_in_header, unit_in_line

HEADER_SCAN_ROWS = 30
_PARENS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】")
_DROP = re.compile(r"[\s*※:#＊：]+")
_CASE = re.compile(
    r"\([^()]*([大小])写[^()]*\)|\[[^\[\]]*([大小])写[^\[\]]*\]|【[^【】]*([大小])写[^【】]*】"
)


def normalize_header(text: Any) -> str:
    """“ 金　额\n（元）” → “金额”; “*姓名” → “姓名”; “收款单位(人)” → “收款单位”; “金额（大写）” → “金额大写”."""
    if not isinstance(text, str):
        return ""
    s = unicodedata.normalize("NFKC", text)
    s = _DROP.sub("", s)
    if "写" in s:  # “（大写）” / “（小写）” tell two amount columns apart: keep the word
        s = _CASE.sub(lambda m: (m.group(1) or m.group(2) or m.group(3)) + "写", s)
    s = _PARENS.sub("", s)
    return s


def _lookup(spec: KindSpec) -> dict[str, str]:
    table: dict[str, str] = {}
    for f in spec.fields:
        for name in f.names:
            table.setdefault(normalize_header(name), f.key)
    return table


@dataclass(frozen=True)
class ColumnMapping:
    """Which column holds which field. Column indexes are 0-based from column A.

    ``header_row`` is the 1-based row number of the (lowest) header row; data starts on the next row.
    ``headers`` holds the display text of every header column (index → text) for the wizard and for errors.
    ``units`` the money unit a column's header states where it matters (see :func:`with_units`) and
    ``sheet_unit`` the one stated above the header (“单位：万元”); :meth:`unit_of` combines them.
    """

    kind: str
    header_row: int
    header_rows: int = 1
    columns: dict[str, int] = field(default_factory=dict)
    headers: dict[int, str] = field(default_factory=dict)
    units: dict[int, str] = field(default_factory=dict)
    sheet_unit: str = ""

    def column_of(self, key: str) -> int | None:
        return self.columns.get(key)

    def header_text(self, index: int) -> str:
        return self.headers.get(index) or column_letter(index)

    def unit_of(self, index: int) -> str:
        """The money unit of column ``index`` if it holds amounts: its header's, else the sheet's, else 元."""
        return self.units.get(index) or unit_in_header(self.headers.get(index)) or self.sheet_unit or YUAN

    def with_column(self, key: str, index: int | None) -> ColumnMapping:
        """The user's correction: map ``key`` to column ``index`` (``None`` unmaps it)."""
        cols = {k: v for k, v in self.columns.items() if k != key and v != index}
        if index is not None:
            cols[key] = index
        return replace(self, columns=cols)

    def missing(self, spec: KindSpec) -> list[str]:
        """Chinese labels of required fields (or one-of groups) that have no column."""
        out = [f.label for f in spec.fields if f.required and f.key not in self.columns]
        for group in spec.one_of:
            if not any(k in self.columns for k in group):
                out.append("或".join(spec.field(k).label for k in group))
        return out

    def missing_message(self, spec: KindSpec) -> str | None:
        miss = self.missing(spec)
        if not miss:
            return None
        return f"表中缺少必填列：{'、'.join(miss)}。请在表头中补上，或在导入向导中指定对应的列"

    def describe(self, spec: KindSpec) -> list[tuple[str, str, str | None, str | None]]:
        """Rows for the wizard: (field label, 必填/选填, column letter or None, header text or None)."""
        out = []
        for f in spec.fields:
            idx = self.columns.get(f.key)
            text = None if idx is None else self.header_text(idx)
            if idx is not None and f.type == "fen" and (unit := self.unit_of(idx)) != YUAN:
                text = _with_unit(text or "", unit)
            out.append(
                (f.label, "必填" if f.required else "选填", None if idx is None else column_letter(idx), text)
            )
        return out


def _with_unit(text: str, unit: str) -> str:
    """Header text showing its money unit: “金额” → “金额（万元）”; unchanged when it states one already."""
    return text if unit_in_header(text) is not None else f"{text}（{unit}）"


def with_units(
    mapping: ColumnMapping,
    spec: KindSpec,
    rows: Sequence[tuple[int, Sequence[Any]]],
    *,
    merged: Sequence[MergedRange] = (),
) -> ColumnMapping:
    """``mapping`` with the money unit of each amount column: the unit its header cells state (“金额（万元）”,
    or a merged upper cell “金额（万元）” over “收入 | 支出”), else the unit a line above the header states
    (“单位：万元”), else 元. Amount columns not in 元 show their unit in the header text.

    ``rows`` are the first rows of the sheet, as given to :func:`detect_header`. Without anything to add the
    mapping itself is returned, so a sheet stating no unit (or only 元) maps exactly as before.
    """
    top = mapping.header_row - mapping.header_rows + 1
    by_row = {n: v for n, v in rows}
    sheet_unit = next(
        (u for n, values in rows if n < top for v in values if (u := unit_in_line(v)) is not None), ""
    )
    lines = [[_cell_str(v) for v in by_row[n]] for n in range(top, mapping.header_row + 1) if n in by_row]
    if len(lines) == 2:
        width = max(map(len, lines))
        lines = [line + [""] * (width - len(line)) for line in lines]
        lines[0] = _fill_merged(lines[0], lines[1], merged, top - 1)
    units: dict[int, str] = {}
    headers = dict(mapping.headers)
    for f in spec.fields:
        idx = mapping.columns.get(f.key)
        if f.type != "fen" or idx is None:
            continue
        stated = [unit_in_header(line[idx]) for line in reversed(lines) if idx < len(line)]
        stated.append(unit_in_header(headers.get(idx)))
        unit = next((u for u in stated if u is not None), None)
        if unit is None:
            unit = sheet_unit or YUAN
        elif unit == YUAN and sheet_unit and sheet_unit != YUAN:
            units[idx] = YUAN  # the header's own 元 overrides the sheet's unit
        if unit != YUAN:
            units[idx] = unit
            headers[idx] = _with_unit(headers.get(idx) or column_letter(idx), unit)
    if not units and sheet_unit in ("", YUAN) and not mapping.units:
        return mapping
    return replace(mapping, units=units, headers=headers, sheet_unit=sheet_unit)


_UNIT = re.compile(r"[(（]\s*元\s*[)）]")


def _cell_str(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def display_header(text: str) -> str:
    """Header text as quoted to the user: no spaces or line breaks, no “（元）”."""
    return _UNIT.sub("", "".join(text.split())) or text.strip()


def _match_row(texts: Sequence[Sequence[str]], table: dict[str, str]) -> dict[str, int]:
    """texts[col] is a list of candidate header strings for that column, best first."""
    found: dict[str, int] = {}
    for col, candidates in enumerate(texts):
        for cand in candidates:
            key = table.get(normalize_header(cand))
            if key is not None:
                if key not in found:
                    found[key] = col
                break
    return found


def _fill_merged(upper: list[str], lower: list[str], merged: Sequence[MergedRange], row0: int) -> list[str]:
    """Spread a merged upper cell over the columns it covers (python-calamine only fills its first cell)."""
    out = list(upper)
    for r1, c1, r2, c2 in merged:
        if r1 <= row0 <= r2 and c1 < len(out):
            for c in range(c1 + 1, min(c2 + 1, len(out))):
                if not out[c]:
                    out[c] = out[c1]
    # No merge information (CSV, some writers): a blank upper cell whose lower neighbours are both sub-headers
    # belongs to the group on its left.
    for c in range(1, len(out)):
        if not out[c] and out[c - 1] and c < len(lower) and lower[c] and lower[c - 1]:
            out[c] = out[c - 1]
    return out


@dataclass(frozen=True)
class _Candidate:
    score: tuple[int, int, int]
    mapping: ColumnMapping


def detect_header(
    rows: Sequence[tuple[int, Sequence[Any]]],
    spec: KindSpec,
    *,
    merged: Sequence[MergedRange] = (),
) -> ColumnMapping | None:
    """Find the header among the first rows of a sheet; ``None`` if no row names at least two fields.

    ``rows`` are (1-based row number, values) pairs as the reader yields them.
    """
    table = _lookup(spec)
    required = {f.key for f in spec.fields if f.required} | {k for g in spec.one_of for k in g}
    best: _Candidate | None = None
    for i, (rownum, values) in enumerate(rows[:HEADER_SCAN_ROWS]):
        if sum(1 for v in values if _cell_str(v)) < 2:
            continue
        for found, nrows, shown in _header_candidates(rows, i, table, merged):
            score = (len(required & found.keys()), len(found), -nrows)
            if len(found) < 2 or score[0] == 0:
                continue
            if best is None or score > best.score:
                m = _mapping(spec, rownum, nrows, found, shown)
                best = _Candidate(score, m)
    return None if best is None else with_units(best.mapping, spec, rows, merged=merged)


_Found = tuple[dict[str, int], int, dict[int, str]]  # field → column, header rows, column → display text


def _header_candidates(
    rows: Sequence[tuple[int, Sequence[Any]]], i: int, table: dict[str, str], merged: Sequence[MergedRange]
) -> list[_Found]:
    """Row ``i`` read as a one-row header and, when a row follows, rows ``i`` and ``i + 1`` as a two-row one."""
    rownum, values = rows[i]
    upper = [_cell_str(v) for v in values]
    single = _match_row([[t] for t in upper], table)
    cands = [(single, 1, {c: display_header(t) for c, t in enumerate(upper) if t})]
    if i + 1 < len(rows):
        lower = [_cell_str(v) for v in rows[i + 1][1]]
        width = max(len(upper), len(lower))
        lower += [""] * (width - len(lower))
        filled = _fill_merged(upper + [""] * (width - len(upper)), lower, merged, rownum - 1)
        texts = [
            [u + lo, lo, u] if u and lo and u != lo else [lo or u]
            for u, lo in zip(filled, lower, strict=True)
        ]
        double = _match_row(texts, table)
        shown = {
            c: display_header(lo or u) for c, (u, lo) in enumerate(zip(filled, lower, strict=True)) if lo or u
        }
        cands.append((double, 2, shown))
    return cands


def _mapping(
    spec: KindSpec, first_row: int, nrows: int, found: dict[str, int], shown: dict[int, str]
) -> ColumnMapping:
    """The mapping for a header starting on ``first_row`` (1-based) and ``nrows`` rows deep."""
    return ColumnMapping(spec.kind, first_row + nrows - 1, nrows, dict(found), shown)


def mapping_at_row(
    rows: Sequence[tuple[int, Sequence[Any]]],
    spec: KindSpec,
    header_row: int,
    *,
    header_rows: int = 1,
    merged: Sequence[MergedRange] = (),
) -> ColumnMapping:
    """The mapping read from the header the user pointed at, with the same synonym matching (and money units,
    :func:`with_units`) as :func:`detect_header`; columns no synonym knows stay unmapped for the user to assign.

    ``header_row`` is the first (top) header row, 1-based as Excel/WPS shows it; with ``header_rows=2`` the
    header is that row and the next (a merged upper cell over sub-headers). The returned mapping's
    ``header_row`` is the lowest header row, as everywhere else: data starts below it.
    ``rows`` are (1-based row number, values) pairs as the reader yields them and must include ``header_row``.
    """
    if header_rows not in (1, 2):
        raise ValueError(f"header_rows must be 1 or 2, not {header_rows}")
    i = next((n for n, (rownum, _values) in enumerate(rows) if rownum == header_row), None)
    if i is None:
        raise ValueError(f"row {header_row} is not among the rows given")
    cands = _header_candidates(rows, i, _lookup(spec), merged)
    found, nrows, shown = cands[min(header_rows, len(cands)) - 1]
    return with_units(_mapping(spec, header_row, nrows, found, shown), spec, rows, merged=merged)
