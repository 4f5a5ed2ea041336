"""A fix for reportlab's ToUnicode CMap of TrueType subsets (applied once, when printing.fonts is imported).

reportlab writes each entry as ``<%04X>``, so a character outside the BMP (𠮷 U+20BB7, common in names) becomes
``<20BB7>``, which PDF readers take as U+20BB: the page prints the right glyph, but copying, searching and
text extraction get the wrong character.  The PDF spec wants UTF-16BE there (a surrogate pair).  This writes the
same CMap with UTF-16BE values; for BMP characters the output is byte-identical to reportlab's.

The patch replaces ``reportlab.pdfbase.ttfonts.makeToUnicodeCMap``, which ``TTFont.addObjects`` looks up as a
module global.  ``apply`` checks, before and after patching, that reportlab still has that function, still calls
it that way and still writes the form the patch rewrites; otherwise it raises ``ReportlabPatchError`` instead of
printing notices whose rare characters copy wrong.  pyproject.toml pins reportlab to the releases checked.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from types import CodeType

import reportlab
from reportlab.pdfbase import ttfonts

__all__ = ["ReportlabPatchError", "apply", "make_to_unicode_cmap"]

_NAME = "makeToUnicodeCMap"
_PROBE_SUBSET = [0x41, 0x20BB7]  # A, 𠮷
_REPORTLAB_FORM = ("<00> <0041>", "<01> <20BB7>")  # what reportlab writes (the bug)
_FIXED_ENTRY = "<01> <D842DFB7>"  # UTF-16BE surrogate pair of U+20BB7

_original: Callable[[str, list[int]], str] | None = None


class ReportlabPatchError(RuntimeError):
    """reportlab changed where or how it writes the ToUnicode CMap: the patch can no longer be applied safely."""

    def __init__(self, problem: str) -> None:
        super().__init__(
            f"reportlab {reportlab.Version}: {problem}. The ToUnicode patch (quzhou_desktop/printing/_rl_patch.py) "
            "was written for the reportlab releases pinned in pyproject.toml; check this release's output for "
            "characters outside the BMP (e.g. U+20BB7) and update or remove the patch."
        )


def _utf16_hex(cp: int) -> str:
    return chr(cp).encode("utf-16-be").hex().upper()


def make_to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    assert _original is not None, "apply() sets the original"
    text = _original(fontname, subset)
    if all(cp <= 0xFFFF for cp in subset):
        return text
    for i, cp in enumerate(subset):
        if cp > 0xFFFF:
            text = text.replace(f"<{i:02X}> <{cp:04X}>", f"<{i:02X}> <{_utf16_hex(cp)}>")
    return text


def _codes(code: CodeType) -> Iterator[CodeType]:
    yield code
    for const in code.co_consts:
        if isinstance(const, CodeType):
            yield from _codes(const)


def _callers() -> list[str]:
    """Functions of reportlab.pdfbase.ttfonts that look the CMap writer up as a module global."""
    found = []
    for name, obj in vars(ttfonts).items():
        if inspect.isfunction(obj):
            members = [(name, obj)]
        elif inspect.isclass(obj) and obj.__module__ == ttfonts.__name__:
            members = [(f"{name}.{k}", v) for k, v in vars(obj).items() if inspect.isfunction(v)]
        else:
            continue
        found += [n for n, f in members if any(_NAME in c.co_names for c in _codes(f.__code__))]
    return found


def apply() -> None:
    """Patch reportlab once; raises ReportlabPatchError when reportlab no longer has the expected form."""
    global _original
    current = getattr(ttfonts, _NAME, None)
    if current is make_to_unicode_cmap:
        return
    if not callable(current):
        raise ReportlabPatchError(f"reportlab.pdfbase.ttfonts has no {_NAME}()")
    if not _callers():
        raise ReportlabPatchError(f"nothing in reportlab calls {_NAME}() from the ttfonts module any more")
    lines = current("F1", _PROBE_SUBSET).splitlines()
    if _FIXED_ENTRY in lines:
        raise ReportlabPatchError("the ToUnicode CMap already has UTF-16BE values: the patch is not needed")
    if not all(entry in lines for entry in _REPORTLAB_FORM):
        raise ReportlabPatchError(f"{_NAME}() no longer writes entries of the form '<00> <0041>'")
    _original = current
    ttfonts.makeToUnicodeCMap = make_to_unicode_cmap
    if _FIXED_ENTRY not in make_to_unicode_cmap("F1", _PROBE_SUBSET).splitlines():
        ttfonts.makeToUnicodeCMap = current
        raise ReportlabPatchError("the patched ToUnicode CMap still lacks the UTF-16BE entry")
