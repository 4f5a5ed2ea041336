"""Benchmark (not a test): our renderer vs reportlab drawing the same content raw (the ≤ 2× notice budget in README).

Run: .venv/bin/python -m tests.printing.bench_render
"Raw" replays exactly the strings, fonts, sizes, positions and rules our renderer drew, with plain
canvas.drawString / canvas.line calls: the cost of reportlab itself without layout or glyph checks.
"""

from __future__ import annotations

import io
import statistics
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject

from quzhou_desktop.printing.documents import Notice
from quzhou_desktop.printing.fonts import get_fontset
from quzhou_desktop.printing.render import render, render_many
from tests.support.printing import ALL, RESOLUTION


def record(doc: Any) -> list[list[tuple]]:
    """Run our renderer once, capturing every text run and rule per page."""
    pages: list[list[tuple]] = [[]]
    orig_out, orig_lines, orig_show = PDFTextObject.textOut, Canvas.lines, Canvas.showPage

    def text_out(self: PDFTextObject, text: str) -> None:
        x, y = self._x0 + self._x, self._y
        pages[-1].append(("t", self._fontname, self._fontsize, getattr(self, "_charSpace", 0.0), x, y, text))
        orig_out(self, text)

    def lines(self: Canvas, ls: list) -> None:
        pages[-1].append(("l", list(ls)))
        orig_lines(self, ls)

    def show(self: Canvas) -> None:
        pages.append([])
        orig_show(self)

    PDFTextObject.textOut, Canvas.lines, Canvas.showPage = text_out, lines, show
    try:
        render(doc, io.BytesIO())
    finally:
        PDFTextObject.textOut, Canvas.lines, Canvas.showPage = orig_out, orig_lines, orig_show
    return [p for p in pages if p]


def raw(ops: list[list[tuple]], copies: int = 1) -> None:
    c = Canvas(
        io.BytesIO(), invariant=True, pageCompression=1, initialFontName=get_fontset().font_name("body")
    )
    for _ in range(copies):
        for page in ops:
            for op in page:
                if op[0] == "t":
                    _, font, size, cs, x, y, text = op
                    c.setFont(font, size)
                    c.drawString(x, y, text, charSpace=cs)
                else:
                    c.lines(op[1])
            c.showPage()
    c.save()


def render_in_memory(doc: Notice) -> None:
    render(doc, io.BytesIO())


def best(fn: Callable[[], object], n: int = 15) -> tuple[float, float]:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times), statistics.median(times)


def main() -> None:
    get_fontset()
    for doc in [RESOLUTION, *ALL.values()]:
        render(doc, io.BytesIO())  # warm: fonts registered, code paths loaded
    print("kind         ours(min/med ms)   raw(min/med ms)   ratio(min)")
    for kind, doc in ALL.items():
        ops = record(doc)
        o = best(partial(render_in_memory, doc))
        r = best(partial(raw, ops))
        print(
            f"{kind:12} {o[0] * 1e3:7.1f} {o[1] * 1e3:7.1f}   {r[0] * 1e3:7.1f} {r[1] * 1e3:7.1f}   {o[0] / r[0]:5.2f}"
        )
    batch = [doc for doc in ALL.values()] * 29  # 203 notices
    batch = batch[:200]
    o = best(lambda: render_many(batch, io.BytesIO()), 3)
    ops_all = [record(d) for d in ALL.values()]

    def raw_batch() -> None:
        flat_ops = [p for i in range(200) for p in ops_all[i % len(ops_all)]]
        raw(flat_ops)

    r = best(raw_batch, 3)
    print(f"200 notices: ours {o[0]:.3f} s (median {o[1]:.3f}), raw {r[0]:.3f} s, ratio {o[0] / r[0]:.2f}")


if __name__ == "__main__":
    main()
