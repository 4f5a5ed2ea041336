"""A fix for reportlab's ToUnicode CMap of TrueType subsets (applied once on import).

reportlab writes each entry as ``<%04X>``, so a character outside the BMP (𠮷 U+20BB7, common in names) becomes
``<20BB7>``, which PDF readers take as U+20BB: the page prints the right glyph, but copying, searching and
text extraction get the wrong character.  The PDF spec wants UTF-16BE there (a surrogate pair).  This writes the
same CMap with UTF-16BE values; for BMP characters the output is byte-identical to reportlab's.
"""

from __future__ import annotations

from collections.abc import Callable

from reportlab.pdfbase import ttfonts

# reportlab has no type information: its function, under the signature it has
_original: Callable[[str, list[int]], str] = ttfonts.makeToUnicodeCMap


def _utf16_hex(cp: int) -> str:
    return chr(cp).encode("utf-16-be").hex().upper()


def make_to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    text = _original(fontname, subset)
    if all(cp <= 0xFFFF for cp in subset):
        return text
    for i, cp in enumerate(subset):
        if cp > 0xFFFF:
            text = text.replace(f"<{i:02X}> <{cp:04X}>", f"<{i:02X}> <{_utf16_hex(cp)}>")
    return text


def apply() -> None:
    if ttfonts.makeToUnicodeCMap is not make_to_unicode_cmap:
        ttfonts.makeToUnicodeCMap = make_to_unicode_cmap
