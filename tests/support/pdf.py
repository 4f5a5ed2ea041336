"""Reading printed PDFs back: page text, table cells, embedded fonts."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pdfplumber
from fontTools.ttLib import TTFont

from quzhou_desktop.printing.fonts import FontFace


def pdf_text(path: Path) -> str:
    """The whole document's text, without line breaks or spaces."""
    with pdfplumber.open(path) as pdf:
        return "".join((p.extract_text() or "") for p in pdf.pages).replace("\n", "").replace(" ", "")


def page_texts(path: Path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return [p.extract_text() or "" for p in pdf.pages]


def flat(text: str) -> str:
    """Text without line breaks (wrapped lines joined)."""
    return "".join(text.split())


def pdffonts(path: Path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    return [line.split() for line in out.splitlines()[2:] if line.strip()]


def cell_texts(path: Path) -> list[str]:
    """The text of every ruled table cell (wrapped cell lines joined), page by page."""
    cells: list[str] = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            for tbl in page.extract_tables():
                cells += [flat(c) for row in tbl for c in row if c]
    return cells


def base_font(fontname: str) -> str:
    """The PostScript name inside an embedded subset's PDF name: "AAAAAA+UMingCN-0" → "UMingCN"."""
    tag, plus, rest = fontname.partition("+")
    assert plus and len(tag) == 6 and tag.isupper(), f"not an embedded subset: {fontname}"
    name, dash, subset = rest.rpartition("-")
    assert dash and subset.isdigit(), f"not a reportlab subset name: {fontname}"
    return name


def postscript_name(face: FontFace) -> str:
    """The face's PostScript name (name table ID 6), as a PDF names the font."""
    with TTFont(face.path, fontNumber=face.index, lazy=True) as font:
        return str(font["name"].getDebugName(6))
