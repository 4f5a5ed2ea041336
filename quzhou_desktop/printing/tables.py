"""Ruled tables and form grids drawn straight onto the canvas.

A table is a list of rows; each row is a list of cells with its own column widths, so the same code draws
regular tables (every row shares the columns) and forms such as the 支出凭证审批单.  Text wraps inside a cell by
the same 禁则 rules as body text.  When a row does not fit on the page, the page is closed, the header rows are
drawn again on the next page and the row follows them: a row is never cut.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from quzhou_desktop.printing.layout import TEXT_W, X0, Y_BOTTOM, Y_TOP, Composer, RowTooTall
from quzhou_desktop.printing.textflow import Line, wrap

TABLE_SIZE = 12.0  # 小四
PAD_X = 2.5
PAD_Y = 4.0


@dataclass(frozen=True)
class Cell:
    text: str
    weight: float = 1.0  # share of the row width
    align: str = "left"  # left / center / right / justify
    role: str = "body"
    field: str = "表格"
    valign: str = "middle"  # middle / top


@dataclass(frozen=True)
class Row:
    cells: Sequence[Cell]
    min_height: float = 0.0
    size: float = TABLE_SIZE


@dataclass
class _Placed:
    row: Row
    xs: list[float]
    lines: list[list[Line]]
    height: float
    pitch: float = field(default=0.0)


def columns(
    weights: Sequence[float],
    texts: Sequence[str],
    *,
    aligns: Sequence[str] | None = None,
    role: str = "body",
    fields: Sequence[str] | None = None,
    min_height: float = 0.0,
    size: float = TABLE_SIZE,
) -> Row:
    """A row of a regular table: one cell per column weight."""
    return Row(
        [
            Cell(t, w, (aligns[i] if aligns else "left"), role, (fields[i] if fields else "表格"))
            for i, (w, t) in enumerate(zip(weights, texts, strict=True))
        ],
        min_height,
        size,
    )


def _place(comp: Composer, row: Row, table: str) -> _Placed:
    total = sum(c.weight for c in row.cells)
    xs = [X0]
    for c in row.cells:
        xs.append(xs[-1] + TEXT_W * c.weight / total)
    xs[-1] = X0 + TEXT_W
    pitch = row.size * 1.4
    lines = []
    for i, c in enumerate(row.cells):
        width = xs[i + 1] - xs[i] - 2 * PAD_X
        cell_lines: list[Line] = []
        for part in c.text.split("\n") if c.text else []:
            cell_lines += wrap(comp.fonts.runs(part, c.role, f"{table}·{c.field}"), row.size, width)
        lines.append(cell_lines)
    tallest = max((len(ls) for ls in lines), default=0)
    height = max(row.min_height, tallest * pitch + 2 * PAD_Y)
    if height > Y_TOP - Y_BOTTOM:
        raise RowTooTall(table=table, text=" ".join(c.text for c in row.cells)[:40])
    return _Placed(row, xs, lines, height, pitch)


def _draw(comp: Composer, p: _Placed) -> None:
    comp.flush()
    top, bottom = comp.y, comp.y - p.height
    rules = [(X0, top, X0 + TEXT_W, top), (X0, bottom, X0 + TEXT_W, bottom)]
    rules += [(x, top, x, bottom) for x in p.xs]
    comp.c.lines(rules)
    for i, cell in enumerate(p.row.cells):
        cell_lines = p.lines[i]
        if not cell_lines:
            continue
        block = len(cell_lines) * p.pitch
        y = top - PAD_Y if cell.valign == "top" else top - (p.height - block) / 2
        x = p.xs[i] + PAD_X
        width = p.xs[i + 1] - p.xs[i] - 2 * PAD_X
        for line in cell_lines:
            font = line.tokens[0].font if line.tokens else comp.fonts.font_name(cell.role)
            base = y - p.pitch / 2 - (0.5 + comp.descent(font)) * p.row.size
            comp.draw_line(line, x, base, p.row.size, 0.0, width, cell.align)
            y -= p.pitch
    comp.y = bottom


def table(comp: Composer, rows: Sequence[Row], *, header: Sequence[Row] = (), name: str = "表格") -> None:
    """Draw ``header`` then ``rows``; on a page break repeat ``header``; the header never ends a page alone."""
    placed_header = [_place(comp, r, name) for r in header]
    head_h = sum(p.height for p in placed_header)
    placed = [_place(comp, r, name) for r in rows]
    first_h = placed[0].height if placed else 0.0
    if comp.room() < head_h + first_h - 0.01:
        comp.new_page()
    for p in placed_header:
        _draw(comp, p)
    for p in placed:
        if comp.room() < p.height - 0.01:
            comp.new_page()
            for h in placed_header:
                _draw(comp, h)
        _draw(comp, p)
