"""The 核验码 QR code reads with a real reader (zbar) from a 100 dpi image of every notice kind.

A 100 dpi scan is what a phone camera at arm's length from the 公开栏 resolves of an A4 page; the 10 mm code
printed before needed 150 dpi.  The page is rasterised by poppler (``pdftoppm``), the way a print or a scan
turns it into pixels, and decoded by zbar through pyzbar (``scripts/setup --test`` installs libzbar0).
"""

from __future__ import annotations

import dataclasses
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from quzhou_desktop.printing.render import render
from quzhou_desktop.printing.verification import normalize_code, qr_payload
from tests.support.printing import ALL

try:
    from pyzbar import pyzbar
except ImportError as exc:  # libzbar0 missing: a setup problem, not a reason to skip
    raise RuntimeError("需要 zbar（libzbar0）和 pyzbar：请运行 scripts/setup --test") from exc


def decoded(pdf: Path, dpi: int, page: int = 1) -> list[str]:
    """The QR payloads zbar finds on ``page`` of ``pdf`` rendered at ``dpi``."""
    stem = pdf.with_name(f"{pdf.stem}-{dpi}-{page}")
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            str(dpi),
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(pdf),
            str(stem),
        ],
        check=True,
    )
    with Image.open(stem.with_suffix(".png")) as img:
        symbols = pyzbar.decode(img.convert("L"), symbols=[pyzbar.ZBarSymbol.QRCODE])
    return [s.data.decode("ascii") for s in symbols]


@pytest.mark.parametrize("kind", sorted(ALL))
def test_every_kind_decodes_at_100_dpi_to_the_printed_code(rendered: dict[str, Path], kind: str) -> None:
    code = ALL[kind].code
    found = decoded(rendered[kind], 100)
    assert found == [qr_payload(code)]
    assert normalize_code(found[0]) == code  # what verify-notice is given when the phone passes it on


def test_a3_page_decodes_at_100_dpi(tmp_path: Path) -> None:
    doc = dataclasses.replace(ALL["finance"], paper="A3")
    out = tmp_path / "finance-a3.pdf"
    render(doc, out)
    assert decoded(out, 100) == [qr_payload(doc.code)]


def test_every_page_of_a_long_notice_carries_the_code(tmp_path: Path) -> None:
    from tests.support.printing import long_resolution

    out = tmp_path / "long.pdf"
    pages = render(long_resolution(), out)
    assert pages >= 2
    for n in range(1, pages + 1):
        assert decoded(out, 100, n) == [qr_payload(ALL["resolution"].code)]
