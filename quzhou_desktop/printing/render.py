"""Render notices to PDF: one document, or many into one PDF for batch printing.

``render(doc, out)`` and ``render_many(docs, out)`` take the plain records of :mod:`documents` and write a PDF to a
path or a binary stream.  In a batch every document starts on a new page and numbers its pages from 1.  Each page
carries the verification footer (QR code and "核验码：…") below the page-number line when ``doc.code`` is set.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

from reportlab import rl_config
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from quzhou_desktop.core.errors import QuzhouError
from quzhou_desktop.printing import archive, disclosures, forms, notices, records, recovery
from quzhou_desktop.printing.documents import Notice
from quzhou_desktop.printing.fonts import FontSet, get_fontset
from quzhou_desktop.printing.layout import MM, PAGE_W, Composer
from quzhou_desktop.printing.verification import qr_path

RENDERERS: dict[str, Callable[[Composer, Any], None]] = {
    "plan": notices.render_plan,
    "resolution": notices.render_resolution,
    "result": notices.render_result,
    "finance": forms.render_finance,
    "review": forms.render_review,
    "voucher": forms.render_voucher,
    "register": forms.render_register,
    "recovery": recovery.render_recovery,
    "disclosure": disclosures.render_disclosure,
    "contract": records.render_contract,
    "evaluation": records.render_evaluation,
    "archive_catalogue": archive.render_catalogue,
    "archive_verify": archive.render_verify,
    "archive_minutes": archive.render_minutes,
}

# The QR code of the 核验码: version 1 (21 modules: "QZ:" + 14 characters at level M) with a 4-module quiet
# zone.  One module is 1 mm, so the symbol is 21 mm wide: a phone held at arm's length in front of the notice
# board reads it, and so does a plain reader (zbar) from a 100 dpi scan (a 10 mm symbol needed 150 dpi).
# It sits in the bottom margin, centred with its text; the page number ("— n —", one character in from the
# 版心 edge) stays where GB/T 9704 puts it, beside the code and clear of it on odd and even pages.
QR_MODULES = 21
QR_QUIET = 4
QR_MODULE = 1.0 * MM
QR_SIZE = (QR_MODULES + 2 * QR_QUIET) * QR_MODULE  # the drawn square, quiet zone included
QR_Y = 3 * MM  # lower edge of the quiet zone: the symbol spans 7 mm to 28 mm above the paper edge
CODE_SIZE = 10.5  # 五号: readable beside the 21 mm symbol
CODE_LABEL = "核验码："


class UnknownKind(QuzhouError):
    code = "print_kind"
    template = "不支持的打印类型：{kind}"


def footer_for(fonts: FontSet, code: str) -> Callable[[Canvas], None] | None:
    """The verification footer: QR code and "核验码：XXXX-XXXX-XXXX" centred in the bottom margin."""
    if not code:
        return None
    text = CODE_LABEL + code
    runs = fonts.runs(text, "number", "核验码")
    text_w = sum(stringWidth(s, f, CODE_SIZE) for f, s in runs)
    x = (PAGE_W - (QR_SIZE + 2 * MM + text_w)) / 2
    qr = qr_path(code, x, QR_Y, QR_SIZE)  # once per document, drawn on each of its pages

    def draw(c: Canvas) -> None:
        c.drawPath(qr, stroke=0, fill=1)
        t = c.beginText(x + QR_SIZE + 2 * MM, QR_Y + QR_SIZE / 2 - CODE_SIZE * 0.35)
        for font, s in runs:
            t.setFont(font, CODE_SIZE)
            t._textOut(s)  # reportlab's textOut without its cursor bookkeeping (see layout.draw_runs)
        c.drawText(t)

    return draw


def _canvas(out: Path | str | BinaryIO, title: str, fonts: FontSet) -> Canvas:
    target: Any = str(out) if isinstance(out, str | Path) else out
    # The initial font is ours, so no unembedded base-14 font (Helvetica) lands in the PDF.
    c = Canvas(
        target, invariant=True, pageCompression=1, initialFontName=fonts.font_name("body"), initialFontSize=16
    )
    c.setTitle(title)
    c.setCreator("quzhou-desktop")
    return c


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Layout allocates a token per character; in a batch that triggers dozens of full cycle collections, each
    walking every live object of the application (ORM, Qt wrappers): ≈ 10 % of a 200-notice batch.  Nothing
    here needs the cycle collector while it runs; it is switched back on (if it was on) when rendering ends."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def _binary_streams() -> Iterator[None]:
    """Page streams Flate-compressed only, not also ASCII85-wrapped (reportlab's default): the pure-Python
    ASCII85 encoder cost ≈ 0.5 ms a page and the wrapping makes the PDF a quarter larger.  The flag is read
    while the document is written, so it is set around ``Canvas.save`` only."""
    saved = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = saved


def _draw(c: Canvas, doc: Notice, fonts: FontSet) -> int:
    renderer = RENDERERS.get(doc.kind)
    if renderer is None:
        raise UnknownKind(kind=doc.kind or type(doc).__name__)
    comp = Composer(c, fonts, doc.paper, footer_for(fonts, doc.code))
    renderer(comp, doc)
    return comp.finish()


def render(
    doc: Notice,
    out: Path | str | BinaryIO,
    *,
    fonts: FontSet | None = None,
    font_overrides: Mapping[str, str | Path] | None = None,
) -> int:
    """Write one notice as a PDF; returns its page count. Raises MissingGlyph before anything is written."""
    return render_many([doc], out, fonts=fonts, font_overrides=font_overrides)[0]


def render_many(
    docs: Iterable[Notice],
    out: Path | str | BinaryIO,
    *,
    fonts: FontSet | None = None,
    font_overrides: Mapping[str, str | Path] | None = None,
) -> list[int]:
    """Write several notices into ONE PDF (batch printing); returns the page count of each document.

    The PDF is built in memory and written only when every document rendered, so a MissingGlyph (or any other
    error) leaves no half-written file behind.
    """
    import io

    fs = fonts or get_fontset(font_overrides)
    items = list(docs)
    buf = io.BytesIO()
    with no_cycle_collection():
        c = _canvas(buf, items[0].title if len(items) == 1 else "公开栏打印", fs)
        pages = [_draw(c, doc, fs) for doc in items]
        with _binary_streams():
            c.save()
    data = buf.getvalue()
    if isinstance(out, str | Path):
        Path(out).write_bytes(data)
    else:
        out.write(data)
    return pages
