"""GB/T 9704-2012 page geometry and a direct-to-canvas composer (rules C29, C30).

Everything is laid out in A4 points.  A3 (the notice-board option) uses the same proportions: the page is
set to A3 and the canvas is scaled by 297/210, so an A3 notice is the A4 one magnified (same 22 lines × 28 chars).

Grid: body 3号 (16 pt) with the character advance squeezed to 版心 width / 28, lines on a fixed pitch of
版心 height / 22 (≈ 29 pt), so a full page holds 22 lines of 28 characters.  Page numbers "— n —" in 4号 宋体
with their dash line 7 mm below the 版心; odd pages right-aligned one character in, even pages left-aligned one
character in; only on documents of more than one page (C30).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from reportlab.lib.pagesizes import A3, A4
from reportlab.pdfbase.pdfmetrics import getFont, stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject

from quzhou_desktop.core.errors import QuzhouError
from quzhou_desktop.printing.fonts import FontSet
from quzhou_desktop.printing.textflow import Line, wrap

MM = 72.0 / 25.4

# reportlab has no type information: its page size and text measure, under the types they have
A4_SIZE: tuple[float, float] = A4
A3_SIZE: tuple[float, float] = A3
string_width: Callable[[str, str, float], float] = stringWidth

PAGE_W, PAGE_H = A4_SIZE  # 595.28 × 841.89 pt
TOP = 37 * MM  # 天头
LEFT = 28 * MM  # 订口
TEXT_W = 156 * MM  # 版心
TEXT_H = 225 * MM
RIGHT = PAGE_W - LEFT - TEXT_W  # 26 mm
BOTTOM = PAGE_H - TOP - TEXT_H  # 35 mm
X0, X1 = LEFT, LEFT + TEXT_W
Y_TOP, Y_BOTTOM = PAGE_H - TOP, BOTTOM  # 版心 top and bottom edges (PDF y grows upwards)

TITLE_SIZE = 22.0  # 2号
BODY_SIZE = 16.0  # 3号
PAGE_NO_SIZE = 14.0  # 4号
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
PITCH = TEXT_H / LINES_PER_PAGE  # ≈ 28.99 pt
CHAR = TEXT_W / CHARS_PER_LINE  # ≈ 15.79 pt, the body "一字"
BODY_CHAR_SPACE = CHAR - BODY_SIZE
PAGE_NO_GAP = 7 * MM  # dash line below the 版心

PAPERS: dict[str, tuple[float, float]] = {"A4": A4_SIZE, "A3": A3_SIZE}


class LayoutError(QuzhouError):
    code = "layout"


class RowTooTall(LayoutError):
    template = "表格“{table}”中有一行内容过多，一页放不下，请精简：{text}"


class UnknownPaper(LayoutError):
    template = "不支持的纸张：{paper}（只能是 A4 或 A3）"


@dataclass(frozen=True)
class PageGeometry:
    """The physical page for a paper size; layout coordinates stay A4."""

    paper: str
    width: float
    height: float
    scale: float

    @classmethod
    def for_paper(cls, paper: str) -> PageGeometry:
        if paper not in PAPERS:
            raise UnknownPaper(paper=paper)
        w, h = PAPERS[paper]
        return cls(paper, w, h, w / PAGE_W)


def baseline_in_box(box_top: float, box_h: float, size: float, descent: float) -> float:
    """Baseline that centres a ``size`` em box (descent as a fraction, negative) in a box."""
    return box_top - box_h / 2 - (0.5 + descent) * size


def font_descent(font: str) -> float:
    face = getattr(getFont(font), "face", None)
    return (face.descent / 1000.0) if face is not None else -0.12


FooterDrawer = Callable[[Canvas], None]
# A paragraph line placed but not drawn yet: (box top, x, line, size, char space, width, align, keep with next)
Held = tuple[float, float, Line, float, float, float, str, bool]


class Composer:
    """Places text and rules on a reportlab canvas page by page, cursor moving downwards."""

    def __init__(self, canvas: Canvas, fonts: FontSet, paper: str = "A4", footer: FooterDrawer | None = None):
        self.c = canvas
        self.fonts = fonts
        self.geometry = PageGeometry.for_paper(paper)
        self.footer = footer
        self.page_no = 0
        self.y = Y_TOP
        self._descent: dict[str, float] = {}
        self._text: PDFTextObject | None = None
        self._state: tuple[str, float, float] | None = None
        # Lines of the latest paragraph not yet drawn: (box top, x, line, size, cs, width, align).  Held back
        # so the 署名 block can pull the last lines onto its page instead of standing alone (no "此页无正文").
        self._held: list[Held] = []
        self._begin_page()

    # -- pages -------------------------------------------------------------------------------------------
    def _begin_page(self) -> None:
        self.page_no += 1
        g = self.geometry
        self.c.setPageSize((g.width, g.height))
        if g.scale != 1.0:
            self.c.scale(g.scale, g.scale)
        self.c.setLineWidth(0.6)
        self._text = self.c.beginText()
        self._state = None
        self.y = Y_TOP

    def flush(self) -> None:
        """Draw the held paragraph lines where they were placed."""
        held, self._held = self._held, []
        for top, x, line, size, cs, width, align, _keep in held:
            self._draw_held(top, x, line, size, cs, width, align)

    def _draw_held(
        self, top: float, x: float, line: Line, size: float, cs: float, width: float, align: str
    ) -> None:
        font = line.tokens[0].font if line.tokens else self.fonts.font_name("body")
        self.draw_line(line, x, baseline_in_box(top, PITCH, size, self.descent(font)), size, cs, width, align)

    def _end_page(self, numbered: bool) -> None:
        self.flush()
        if numbered:
            self._page_number()
        if self._text is not None:
            self.c.drawText(self._text)
        if self.footer is not None:
            self.footer(self.c)
        self.c.showPage()

    def new_page(self) -> None:
        self._end_page(numbered=True)  # a second page exists, so every page is numbered
        self._begin_page()

    def finish(self) -> int:
        """Close the document's last page; returns the page count."""
        self._end_page(numbered=self.page_no > 1)
        return self.page_no

    def room(self) -> float:
        return self.y - Y_BOTTOM

    def ensure(self, height: float) -> None:
        if self.room() < height - 0.01:
            self.new_page()

    def skip_lines(self, n: float = 1) -> None:
        self.y = max(Y_BOTTOM, self.y - n * PITCH)

    def _page_number(self) -> None:
        text = f"— {self.page_no} —"
        font = self.fonts.font_name("number")
        self.fonts.check(text, "number", "页码")
        width = string_width(text, font, PAGE_NO_SIZE)
        x = X1 - PAGE_NO_SIZE - width if self.page_no % 2 else X0 + PAGE_NO_SIZE
        centre = Y_BOTTOM - PAGE_NO_GAP
        self.draw_runs(x, centre - (0.5 + self.descent(font)) * PAGE_NO_SIZE, [(font, text)], PAGE_NO_SIZE)

    # -- low-level text ----------------------------------------------------------------------------------
    def descent(self, font: str) -> float:
        d = self._descent.get(font)
        if d is None:
            d = self._descent[font] = font_descent(font)
        return d

    def draw_runs(
        self, x: float, y: float, runs: Sequence[tuple[str, str]], size: float, cs: float = 0.0
    ) -> None:
        """Runs of text from (x, y) on, one after another. Each call places its first run at an absolute origin
        and the PDF viewer advances across the runs, so reportlab's own cursor (``textOut`` measures every run to
        move it, as much work as writing the run) is not kept: ``_textOut`` writes the same operators."""
        t = self._text
        assert t is not None
        t.setTextOrigin(x, y)
        for font, text in runs:
            if self._state is None or self._state[0] != font or self._state[1] != size:
                t.setFont(font, size)
            if self._state is None or self._state[2] != cs:
                t.setCharSpace(cs)
            self._state = (font, size, cs)
            t._textOut(text)

    def draw_line(
        self, line: Line, x: float, baseline: float, size: float, cs: float, width: float, align: str
    ) -> None:
        """One wrapped line; ``justify`` stretches every line but a paragraph's last to ``width``."""
        glyphs = line.glyphs
        extra = width - line.width
        if align == "justify" and not line.last and glyphs > 1 and extra > 0.01:
            cs += extra / (glyphs - 1)
        elif align == "center":
            x += extra / 2
        elif align == "right":
            x += extra
        self.draw_runs(x, baseline, line.merged, size, cs)

    # -- blocks ------------------------------------------------------------------------------------------
    def paragraph(
        self,
        text: str,
        *,
        field: str,
        role: str = "body",
        size: float = BODY_SIZE,
        indent: float = 2,
        align: str = "justify",
        x: float = X0,
        width: float = TEXT_W,
        keep_with_next: bool = False,
    ) -> None:
        """A paragraph on the line grid; ``indent`` in characters on the first line (2 by GB/T 9704)."""
        cs = BODY_CHAR_SPACE if size == BODY_SIZE else 0.0
        char = size + cs
        lines = wrap(
            self.fonts.runs(text, role, field), size, width, char_space=cs, first_indent=indent * char
        )
        keep = self._trailing_keep()
        held, self._held = self._held[: len(self._held) - len(keep)], []
        self._held = held
        self.flush()
        self._held = keep
        for i, line in enumerate(lines):
            if self.room() < PITCH - 0.01:
                if i == 0 and self._held:
                    self._carry(list(self._held))  # a heading never ends a page alone
                else:
                    self.new_page()
            dx = indent * char if i == 0 else 0.0
            self._held.append((self.y, x + dx, line, size, cs, width - dx, align, keep_with_next))
            self.y -= PITCH

    def _trailing_keep(self) -> list[Held]:
        n = len(self._held)
        while n and self._held[n - 1][7]:
            n -= 1
        return self._held[n:]

    def _carry(self, take: list[Held]) -> None:
        """New page; the held lines ``take`` (the tail of the held list) move to its top."""
        self._held = self._held[: len(self._held) - len(take)]
        self.new_page()
        for _top, x, line, size, cs, width, align, keep in take:
            self._held.append((self.y, x, line, size, cs, width, align, keep))
            self.y -= PITCH

    def title(self, text: str, *, field: str = "标题") -> None:
        """2号 title face, centred, on the grid, followed by one blank line.  A long title is balanced over its
        lines (梯形: the narrowest width that still needs the same number of lines), never a lone word below."""
        runs = self.fonts.runs(text, "title", field)
        count = len(wrap(runs, TITLE_SIZE, TEXT_W))
        width = TEXT_W
        if count > 1:
            lo, hi = TEXT_W / count, TEXT_W
            for _ in range(12):
                mid = (lo + hi) / 2
                if len(wrap(runs, TITLE_SIZE, mid)) > count:
                    lo = mid
                else:
                    hi = mid
            width = hi
        self.paragraph(
            text,
            field=field,
            role="title",
            size=TITLE_SIZE,
            indent=0,
            align="center",
            x=X0 + (TEXT_W - width) / 2,
            width=width,
        )
        self.skip_lines(1)

    def text_at(
        self,
        x: float,
        baseline: float,
        text: str,
        *,
        field: str,
        role: str = "body",
        size: float = BODY_SIZE,
        cs: float = 0.0,
    ) -> float:
        """Unwrapped text at a point; returns its width."""
        runs = self.fonts.runs(text, role, field)
        self.flush()
        self.draw_runs(x, baseline, runs, size, cs)
        return sum(string_width(s, f, size) for f, s in runs) + len(text) * cs

    def text_width(
        self, text: str, *, field: str, role: str = "body", size: float = BODY_SIZE, cs: float = 0.0
    ) -> float:
        runs = self.fonts.runs(text, role, field)
        return sum(string_width(s, f, size) for f, s in runs) + len(text) * cs

    def _carry_over(self) -> None:
        """Start a new page taking the last (up to two) held lines along, so the 署名 page has text too."""
        held = self._held
        n = 2 if len(held) != 3 else 3  # never leave a paragraph's first line alone
        start = max(0, len(held) - n)
        while start > 0 and held[start - 1][7]:  # and bring its heading along
            start -= 1
        self._carry(held[start:])

    def signature(self, issuer: str, date_text: str) -> None:
        """署名 and 成文日期 without seal (GB/T 9704-2012 §7.3.5): one blank line, 署名 右空二字, date below it starting two
        characters to the right of the 署名's first character; a longer date is 右空二字 and shifts the 署名."""
        cs = BODY_CHAR_SPACE
        w_issuer = self.text_width(issuer, field="署名", cs=cs)
        w_date = self.text_width(date_text, field="成文日期", cs=cs)
        right = X1 - 2 * CHAR
        x_issuer = right - w_issuer
        x_date = x_issuer + 2 * CHAR
        if x_date + w_date > right + 0.01:
            x_date = right - w_date
            x_issuer = x_date - 2 * CHAR
        x_issuer = max(X0, x_issuer)
        if self.room() < 3 * PITCH - 0.01:
            self._carry_over()
        self.skip_lines(1)
        self.ensure(2 * PITCH)
        for x, text, field in ((x_issuer, issuer, "署名"), (x_date, date_text, "成文日期")):
            font = self.fonts.font_name("body")
            self.text_at(
                x, baseline_in_box(self.y, PITCH, BODY_SIZE, self.descent(font)), text, field=field, cs=cs
            )
            self.y -= PITCH
