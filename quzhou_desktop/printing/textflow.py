"""Chinese line breaking (禁则) over font runs.

Text is cut into tokens: every CJK character is its own token; a run of Latin letters, digits and number punctuation
("¥128,650.00", "2026") stays together.  Lines are filled greedily; then the break is moved backwards while the next
line would start with closing punctuation (，。、；：？！）》」』…) or the current line would end with opening
punctuation (（《「『…) — the 推出 method, so nothing hangs outside the 版心.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from reportlab.pdfbase.pdfmetrics import stringWidth

NO_LINE_START = frozenset("，。、；：？！）》」』〕】〉’”…—·%‰,.;:?!)]}>")
NO_LINE_END = frozenset("（《「『〔【〈‘“([{<¥$")

_TOKEN = re.compile(r"[A-Za-z0-9¥$.,:%/@_+#\-]+|\s|.", re.S)
_EPS = 0.01


class Token(NamedTuple):  # a tuple: a notice makes tens of thousands of them
    font: str
    text: str
    width: float  # including the character spacing after every glyph


class Line(NamedTuple):
    tokens: tuple[Token, ...]
    width: float
    last: bool  # last line of its paragraph (not justified)
    glyphs: int  # characters drawn
    merged: tuple[tuple[str, str], ...]  # consecutive tokens of one font merged: (font, text)

    @property
    def text(self) -> str:
        return "".join(t.text for t in self.tokens)

    def runs(self) -> list[tuple[str, str]]:
        """Consecutive tokens of one font merged: (font, text)."""
        return list(self.merged)


def make_line(tokens: tuple[Token, ...], width: float, last: bool) -> Line:
    """A line with its glyph count and font runs worked out once (it is drawn once per page it appears on)."""
    merged: list[tuple[str, str]] = []
    for tok in tokens:
        if merged and merged[-1][0] == tok.font:
            merged[-1] = (tok.font, merged[-1][1] + tok.text)
        else:
            merged.append((tok.font, tok.text))
    return Line(tokens, width, last, sum(len(t.text) for t in tokens), tuple(merged))


_WIDTHS: dict[tuple[str, str, float], float] = {}
_WIDTHS_MAX = 50_000  # pieces are single CJK characters, words and amounts: a batch stays far below this


def text_width(text: str, font: str, size: float) -> float:
    """reportlab's ``stringWidth`` memoised: a notice measures the same characters thousands of times."""
    key = (text, font, size)
    width = _WIDTHS.get(key)
    if width is None:
        if len(_WIDTHS) >= _WIDTHS_MAX:
            _WIDTHS.clear()
        width = _WIDTHS[key] = stringWidth(text, font, size)
    return width


def tokenize(runs: list[tuple[str, str]], size: float, char_space: float, max_width: float) -> list[Token]:
    """Tokens with widths; a Latin run wider than ``max_width`` is split into characters."""
    tokens: list[Token] = []
    for font, text in runs:
        for piece in _TOKEN.findall(text):
            width = text_width(piece, font, size) + len(piece) * char_space
            if width > max_width and len(piece) > 1:
                tokens.extend(Token(font, ch, text_width(ch, font, size) + char_space) for ch in piece)
            else:
                tokens.append(Token(font, piece, width))
    return tokens


def _line(tokens: list[Token], last: bool) -> Line:
    while tokens and tokens[-1].text.isspace():
        tokens = tokens[:-1]
    return make_line(tuple(tokens), sum(t.width for t in tokens), last)


def break_lines(tokens: list[Token], width: float, first_width: float | None = None) -> list[Line]:
    """Greedy fill with 禁则 adjustments. ``first_width`` is the first line's width (after an indent)."""
    lines: list[Line] = []
    i, n = 0, len(tokens)
    while i < n:
        avail = first_width if (first_width is not None and not lines) else width
        used, j = 0.0, i
        while j < n and used + tokens[j].width <= avail + _EPS:
            used += tokens[j].width
            j += 1
        if j == i:
            j = i + 1  # one token wider than the line: place it alone
        elif j < n:
            k = j
            while k > i + 1 and (tokens[k].text[0] in NO_LINE_START or tokens[k - 1].text[-1] in NO_LINE_END):
                k -= 1
            j = k
        lines.append(_line(tokens[i:j], last=j >= n))
        i = j
        while i < n and tokens[i].text.isspace() and tokens[i].text != "\n":
            i += 1
    return lines


def _one_line(runs: list[tuple[str, str]], size: float, char_space: float, width: float) -> Line | None:
    """The whole text as one line when it fits (most table cells: names, dates, amounts), one token a run —
    the line ``break_lines`` would give; ``None`` when it has to be broken or trimmed."""
    if not runs or "\n" in runs[-1][1] or runs[-1][1][-1:].isspace():
        return None
    tokens = []
    used = 0.0
    for font, text in runs:
        if "\n" in text:
            return None
        w = text_width(text, font, size) + len(text) * char_space
        used += w
        if used > width + _EPS:
            return None
        tokens.append(Token(font, text, w))
    return make_line(tuple(tokens), used, True)


def wrap(
    runs: list[tuple[str, str]],
    size: float,
    width: float,
    *,
    char_space: float = 0.0,
    first_indent: float = 0.0,
) -> list[Line]:
    """Lines of ``runs`` (from FontSet.runs) set at ``size`` within ``width``.

    Remembered: a batch sets the same texts at the same widths again and again (table headers on every page,
    labels, names, dates and opinions in every row); lines are immutable, callers get a list of their own."""
    key = (tuple(runs), size, width, char_space, first_indent)
    lines = _WRAPPED.get(key)
    if lines is None:
        if len(_WRAPPED) >= _WRAPPED_MAX:
            _WRAPPED.clear()
        lines = _WRAPPED[key] = _wrap(runs, size, width, char_space, first_indent)
    return list(lines)


_WRAPPED: dict[tuple[object, ...], tuple[Line, ...]] = {}
_WRAPPED_MAX = 20_000


def _wrap(
    runs: list[tuple[str, str]], size: float, width: float, char_space: float, first_indent: float
) -> tuple[Line, ...]:
    one = _one_line(runs, size, char_space, width - first_indent)
    if one is not None:
        return (one,)
    tokens = tokenize(runs, size, char_space, width - first_indent)
    if not tokens:
        return (make_line((), 0.0, True),)
    return tuple(break_lines(tokens, width, width - first_indent if first_indent else None))
