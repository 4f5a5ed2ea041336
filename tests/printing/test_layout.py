"""Page geometry (C29), page numbers (C30), tables across pages and 禁则 line breaking (GB/T 9704-2012)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import re
from pathlib import Path

import pdfplumber
import pytest

from quzhou_desktop.core.money import fen_to_upper, format_fen
from quzhou_desktop.printing.documents import FinanceLine
from quzhou_desktop.printing.fonts import get_fontset
from quzhou_desktop.printing.layout import MM, PAGE_NO_GAP, PAGE_NO_SIZE, UnknownPaper
from quzhou_desktop.printing.render import QR_SIZE, QR_Y, render, render_many
from quzhou_desktop.printing.textflow import NO_LINE_END, NO_LINE_START, break_lines, tokenize, wrap
from tests.support.pdf import base_font, postscript_name
from tests.support.printing import ALL, FINANCE, RESOLUTION, long_resolution

A4 = (595.28, 841.89)
TOL = 1 * MM
LEFT, TOP, RIGHT_EDGE, BOTTOM_EDGE = 28 * MM, 37 * MM, (28 + 156) * MM, (37 + 225) * MM
PAGE_NO = re.compile(r"^— (\d+) —$")


def _footer_or_number(c: dict, page_h: float) -> bool:
    """Characters outside the 版心 by design: the page-number line and the verification footer."""
    return c["top"] > BOTTOM_EDGE + 2 * MM


def _lines(page: pdfplumber.page.Page) -> list[str]:
    return [ln["text"] for ln in page.extract_text_lines()]


@pytest.mark.parametrize("kind", sorted(ALL))
def test_page_size_and_glyphs_inside_the_type_area_c29(rendered: dict[str, Path], kind: str) -> None:
    with pdfplumber.open(rendered[kind]) as pdf:
        for page in pdf.pages:
            assert (round(float(page.width), 2), round(float(page.height), 2)) == A4
            body = [c for c in page.chars if not _footer_or_number(c, page.height)]
            assert body
            assert min(c["x0"] for c in body) >= LEFT - TOL
            assert min(c["top"] for c in body) >= TOP - TOL
            assert max(c["x1"] for c in body) <= RIGHT_EDGE + TOL
            assert max(c["bottom"] for c in body) <= BOTTOM_EDGE + TOL
            for rule in page.lines + page.rects:  # table rules stay inside the 版心 too, QR modules excepted
                if rule["top"] > BOTTOM_EDGE + 2 * MM:
                    continue
                assert rule["x0"] >= LEFT - TOL and rule["x1"] <= RIGHT_EDGE + TOL
                assert rule["top"] >= TOP - TOL and rule["bottom"] <= BOTTOM_EDGE + TOL


@pytest.mark.parametrize("kind", sorted(ALL))
def test_first_line_starts_at_the_type_area_top_and_left(rendered: dict[str, Path], kind: str) -> None:
    with pdfplumber.open(rendered[kind]) as pdf:
        chars = pdf.pages[0].chars
        top = min(c["top"] for c in chars)
        assert abs(top - TOP) <= 3 * MM  # title on the first grid line
        assert abs(min(c["x0"] for c in chars) - LEFT) <= 1.5 * MM


def _qr_box(page: pdfplumber.page.Page) -> tuple[float, float, float, float]:
    """(x0, top, x1, bottom) of the QR modules drawn in the bottom margin."""
    qr = [r for r in page.rects if r["top"] > BOTTOM_EDGE]
    assert qr
    return (
        min(r["x0"] for r in qr),
        min(r["top"] for r in qr),
        max(r["x1"] for r in qr),
        max(r["bottom"] for r in qr),
    )


def test_footer_holds_a_qr_code_of_at_least_20_mm_and_the_code_in_the_bottom_margin(
    rendered: dict[str, Path],
) -> None:
    with pdfplumber.open(rendered["resolution"]) as pdf:
        page = pdf.pages[0]
        h = float(page.height)
        foot = "".join(c["text"] for c in page.chars if c["top"] > BOTTOM_EDGE + 2 * MM)
        assert foot == "核验码：" + ALL["resolution"].code
        x0, top, x1, bottom = _qr_box(page)
        assert x1 - x0 >= 20 * MM and bottom - top >= 20 * MM  # a phone reads it at arm's length
        assert h - bottom >= QR_Y - 0.5 and h - top <= QR_Y + QR_SIZE + 0.5
        assert h - bottom >= 5 * MM  # clear of the printers' unprintable edge
        assert top > BOTTOM_EDGE + 2 * MM  # below the 版心
        assert abs((x0 + x1) / 2 - float(page.width) / 2) < 40 * MM  # centred with its text


def test_qr_code_keeps_clear_of_the_page_numbers_on_odd_and_even_pages(tmp_path: Path) -> None:
    out = tmp_path / "long.pdf"
    assert render(long_resolution(), out) >= 2
    with pdfplumber.open(out) as pdf:
        for page in pdf.pages[:2]:
            x0, _top, x1, _bottom = _qr_box(page)
            number = _page_number_chars(page)
            assert number
            nx0, nx1 = min(c["x0"] for c in number), max(c["x1"] for c in number)
            assert nx1 < x0 - 5 * MM or nx0 > x1 + 5 * MM, page.page_number
            code = [c for c in page.chars if c["top"] > BOTTOM_EDGE + 2 * MM and c not in number]
            assert code and min(c["x0"] for c in code) > x1
            assert max(c["x1"] for c in code) < (nx0 if nx0 > x1 else float(page.width))


def test_single_page_notice_has_no_page_number(rendered: dict[str, Path]) -> None:
    with pdfplumber.open(rendered["resolution"]) as pdf:
        assert len(pdf.pages) == 1
        assert not any(PAGE_NO.match(t) for t in _lines(pdf.pages[0]))


def _page_number_chars(page: pdfplumber.page.Page) -> list[dict]:
    return [c for c in page.chars if BOTTOM_EDGE + 2 * MM < c["top"] < BOTTOM_EDGE + 12 * MM]


def test_page_numbers_c30(tmp_path: Path) -> None:
    out = tmp_path / "long.pdf"
    pages = render(long_resolution(), out)
    assert pages >= 2
    with pdfplumber.open(out) as pdf:
        for n, page in enumerate(pdf.pages, 1):
            chars = _page_number_chars(page)
            assert "".join(c["text"] for c in chars) == f"— {n} —"
            x0, x1 = min(c["x0"] for c in chars), max(c["x1"] for c in chars)
            if n % 2:  # odd: right-aligned, one character (4号) in from the 版心 edge
                assert abs(RIGHT_EDGE - x1 - PAGE_NO_SIZE) <= 1
            else:  # even: left-aligned one character in
                assert abs(x0 - LEFT - PAGE_NO_SIZE) <= 1
            middle = (min(c["top"] for c in chars) + max(c["bottom"] for c in chars)) / 2
            assert abs(middle - (BOTTOM_EDGE + PAGE_NO_GAP)) <= 1.5 * MM  # dash line 7 mm under the 版心
            assert {c["size"] for c in chars} == {PAGE_NO_SIZE}
            number_face = postscript_name(get_fontset().face("number"))
            assert {base_font(c["fontname"]) for c in chars} == {number_face}
        texts = [pdf.pages[1].extract_text()]
    assert "— 2 —" in texts[0]


def test_batch_restarts_page_numbers_and_starts_each_document_on_a_new_page(tmp_path: Path) -> None:
    out = tmp_path / "batch.pdf"
    long_doc = long_resolution()
    counts = render_many([long_doc, ALL["plan"], ALL["voucher"]], out)
    with pdfplumber.open(out) as pdf:
        assert len(pdf.pages) == sum(counts)
        starts = [0, counts[0], counts[0] + counts[1]]
        for start, doc in zip(starts, [long_doc, ALL["plan"], ALL["voucher"]], strict=True):
            assert pdf.pages[start].extract_text().startswith(doc.title[:8])
        numbers = ["".join(c["text"] for c in _page_number_chars(p)) for p in pdf.pages]
    expected = [f"— {i} —" for i in range(1, counts[0] + 1)] + [f"— {i} —" for i in range(1, counts[1] + 1)]
    expected += [""] if counts[2] == 1 else []
    assert numbers == expected


def test_a3_keeps_the_proportions(tmp_path: Path) -> None:
    out = tmp_path / "a3.pdf"
    render(dataclasses.replace(RESOLUTION, paper="A3"), out)
    with pdfplumber.open(out) as pdf:
        page = pdf.pages[0]
        s = float(page.width) / A4[0]
        assert (round(float(page.width), 2), round(float(page.height), 2)) == (841.89, 1190.55)
        body = [c for c in page.chars if c["top"] < (BOTTOM_EDGE + 2 * MM) * s]
        assert min(c["x0"] for c in body) >= LEFT * s - TOL
        assert min(c["top"] for c in body) >= TOP * s - TOL
        assert max(c["x1"] for c in body) <= RIGHT_EDGE * s + TOL


def test_unknown_paper_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UnknownPaper, match="B5"):
        render(dataclasses.replace(RESOLUTION, paper="B5"), tmp_path / "x.pdf")


def test_body_grid_is_28_characters_by_22_lines(tmp_path: Path) -> None:
    text = "\n".join(["村" * 28 * 3] * 12)
    out = tmp_path / "grid.pdf"
    render(dataclasses.replace(RESOLUTION, decision_text=text), out)
    with pdfplumber.open(out) as pdf:
        page = pdf.pages[1]
        lines = page.extract_text_lines()
        rows = [ln for ln in lines if set(ln["text"]) == {"村"}]
        assert max(len(r["text"]) for r in rows) == 28
        # a page the text runs through holds 22 body lines and, outside the 版心, the page number and the code
        assert len(rows) == 22
        others = [ln["text"] for ln in lines if ln not in rows]
        assert len(others) == 2 and PAGE_NO.match(others[0]) and others[1].startswith("核验码")
        tops = sorted(r["top"] for r in rows)
        pitches = {round(b - a, 1) for a, b in itertools.pairwise(tops)}
        assert pitches == {round(225 * MM / 22, 1)}


def test_long_finance_table_repeats_its_header_and_never_cuts_a_row(tmp_path: Path) -> None:
    lines = tuple(
        FinanceLine(
            date=dt.date(2026, 11, 1 + i % 28),
            summary=f"第{i + 1}笔 村道养护材料费（水泥、黄沙、碎石）",
            expense_fen=12865 * (i + 1),
            source="集体收入",
            department="村委会",
            opinion="同意",
        )
        for i in range(60)
    )
    doc = dataclasses.replace(FINANCE, lines=lines)
    out = tmp_path / "fin.pdf"
    pages = render(doc, out)
    assert pages >= 3
    seen: list[int] = []
    with pdfplumber.open(out) as pdf:
        for page in pdf.pages:
            text = page.extract_text()
            if page.page_number < len(pdf.pages) or "序号" in text:
                assert "序号" in text and "使用部门" in text and "支出（元）" in text, page.page_number
            for m in re.finditer(r"第(\d+)笔", text):
                seen.append(int(m.group(1)))
            rows = [ln for ln in page.extract_text_lines() if ln["top"] < BOTTOM_EDGE + 2 * MM]
            assert max(r["bottom"] for r in rows) <= BOTTOM_EDGE + TOL
            # every row on this page is whole: its first ("笔") and last ("碎石）") characters are both here
            glyphs = [c["text"] for c in page.chars]
            assert glyphs.count("笔") == glyphs.count("碎") == glyphs.count("石") > 0
        last_page = pdf.pages[-1]
        last = last_page.extract_text()
        amounts = last_page.crop((LEFT + 165, 0, RIGHT_EDGE, float(last_page.height))).extract_text()
    assert seen == list(range(1, 61))
    total = sum(ln.expense_fen for ln in lines)
    assert format_fen(total) in last.replace("\n", "")
    assert fen_to_upper(total) in "".join(amounts.split())


KINSOKU = [
    # (text, width in characters) — the layout must keep 禁则 at every break
    ("村" * 27 + "，" + "村" * 10, 28),
    ("村" * 26 + "“工程”" + "村" * 10, 28),
    ("村" * 27 + "（括号内容）" + "村" * 10, 28),
    ("村" * 27 + "。" + "」" + "村" * 10, 28),
    ("村" * 20 + "金额¥128,650.00元" + "村" * 10, 28),
    ("村" * 27 + "《村规民约》" + "村" * 10, 28),
]


@pytest.mark.parametrize(("text", "chars"), KINSOKU)
def test_line_breaking_kinsoku(text: str, chars: int) -> None:
    fs = get_fontset()
    char = 156 * MM / 28
    lines = wrap(fs.runs(text, "body", "正文"), 16, chars * char, char_space=char - 16)
    assert "".join(ln.text for ln in lines) == text
    for prev, nxt in itertools.pairwise(lines):
        assert nxt.text[0] not in NO_LINE_START, (prev.text, nxt.text)
        assert prev.text[-1] not in NO_LINE_END, (prev.text, nxt.text)
        assert prev.width <= chars * char + 0.01
    if "128,650.00" in text:
        assert any("¥128,650.00" in ln.text for ln in lines)  # a number is never split


FITS = [
    # (text, width in points, char_space): a text that fits is one line, as the token-by-token fill gives it
    ("张三", 60, 0.0),
    ("¥128,650.00", 80, 0.0),
    ("2026年10月5日 村道硬化工程款", 400, 0.0),
    ("村" * 10, 10 * 12, 0.0),  # exactly full
    ("村" * 10, 10 * 12 - 1, 0.0),  # one point short: two lines
    ("村务监督委员会 ", 200, 0.0),  # a trailing space is trimmed as before
    ("第一行\n第二行", 200, 0.0),
    ("村民代表会议", 100, 2.0),
    ("Ω̃ mixed 字体 ⅫⅦ", 300, 0.0),
    ("", 100, 0.0),
]


@pytest.mark.parametrize(("text", "width", "cs"), FITS)
def test_a_line_that_fits_is_the_line_the_fill_gives(text: str, width: float, cs: float) -> None:
    fs = get_fontset()
    runs = fs.runs(text, "body", "正文")
    lines = wrap(runs, 12, width, char_space=cs)
    tokens = tokenize(runs, 12, cs, width)
    if not tokens:  # an empty text fills one empty line
        assert text == "" and [ln.text for ln in lines] == [""]
        return
    slow = break_lines(tokens, width)
    assert [(ln.text, ln.runs(), ln.last) for ln in lines] == [(ln.text, ln.runs(), ln.last) for ln in slow]
    for a, b in zip(lines, slow, strict=False):
        assert a.width == pytest.approx(b.width)


def test_kinsoku_in_the_rendered_pdf(tmp_path: Path) -> None:
    text = "\n".join(t for t, _ in KINSOKU)
    out = tmp_path / "k.pdf"
    render(dataclasses.replace(RESOLUTION, decision_text=text), out)
    with pdfplumber.open(out) as pdf:
        lines = [ln for p in pdf.pages for ln in _lines(p)]
    body = [ln for ln in lines if ln and not PAGE_NO.match(ln)]
    assert body
    assert not any(ln[0] in NO_LINE_START for ln in body)
    assert not any(ln[-1] in NO_LINE_END for ln in body)


def test_text_written_without_reportlabs_cursor_is_byte_for_byte_what_textout_writes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The composer and the footer write runs with ``_textOut`` (no width measured to move reportlab's cursor, which
    nothing reads): every kind, with its 核验码, gives the very PDF ``textOut`` gives."""
    import io

    from reportlab.pdfgen.textobject import PDFTextObject

    docs = [dataclasses.replace(d, code="7K4M-2P9X-QZ3H-238L") for d in ALL.values()]
    fast = io.BytesIO()
    render_many(docs, fast)

    def measured(self: PDFTextObject, text: str, TStar: int = 0) -> None:
        assert not TStar
        self.textOut(text)

    monkeypatch.setattr(PDFTextObject, "_textOut", measured)
    slow = io.BytesIO()
    render_many(docs, slow)
    assert fast.getvalue() == slow.getvalue()
