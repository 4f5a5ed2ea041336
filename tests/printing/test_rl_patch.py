"""The reportlab ToUnicode patch (printing/_rl_patch.py): applied on import of printing.fonts, UTF-16BE for
characters outside the BMP, reportlab's own output kept for the rest, and a loud ReportlabPatchError instead of
a silent no-op when reportlab's CMap writer changes. (test_fonts.py extracts 𠮷 from a rendered notice.)"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from reportlab.pdfbase import ttfonts

from quzhou_desktop.printing import _rl_patch
from quzhou_desktop.printing import fonts as _fonts  # noqa: F401 - importing it applies the patch
from quzhou_desktop.printing._rl_patch import ReportlabPatchError, make_to_unicode_cmap

ORIGINAL = _rl_patch._original
assert ORIGINAL is not None


def test_importing_fonts_applied_the_patch() -> None:
    assert ttfonts.makeToUnicodeCMap is make_to_unicode_cmap


def test_non_bmp_entries_become_surrogate_pairs_and_the_rest_is_unchanged() -> None:
    subset = [0x41, 0x20BB7, 0x4E00, 0x2A6D6]
    assert ORIGINAL is not None
    ours, theirs = make_to_unicode_cmap("F1", subset).splitlines(), ORIGINAL("F1", subset).splitlines()
    assert "<01> <D842DFB7>" in ours and "<03> <D869DED6>" in ours
    assert [a for a, b in zip(ours, theirs, strict=True) if a != b] == ["<01> <D842DFB7>", "<03> <D869DED6>"]
    assert make_to_unicode_cmap("F1", [0x41, 0x4E00]) == ORIGINAL("F1", [0x41, 0x4E00])


def test_apply_again_is_harmless() -> None:
    _rl_patch.apply()
    assert ttfonts.makeToUnicodeCMap is make_to_unicode_cmap
    assert _rl_patch._original is ORIGINAL


def test_apply_patches_reportlabs_writer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ttfonts, "makeToUnicodeCMap", ORIGINAL)
    monkeypatch.setattr(_rl_patch, "_original", None)
    _rl_patch.apply()
    assert ttfonts.makeToUnicodeCMap is make_to_unicode_cmap
    assert _rl_patch._original is ORIGINAL


def _rewrite(old: str, new: str) -> Callable[[str, list[int]], str]:
    assert ORIGINAL is not None
    original = ORIGINAL
    return lambda fontname, subset: original(fontname, subset).replace(old, new)


CHANGED_WRITERS = [
    pytest.param(_rewrite("<01> <20BB7>", "<01> <D842DFB7>"), "not needed", id="already-utf16-upstream"),
    pytest.param(_rewrite("<00> <", "<0000> <"), "no longer writes", id="four-digit-codes"),
    pytest.param(_rewrite("<01> <20BB7>", "<01> <01> <20BB7>"), "no longer writes", id="ranges"),
    pytest.param(None, "has no makeToUnicodeCMap", id="not-a-function"),
]


@pytest.mark.parametrize(("writer", "message"), CHANGED_WRITERS)
def test_changed_reportlab_output_raises(
    monkeypatch: pytest.MonkeyPatch, writer: object, message: str
) -> None:
    monkeypatch.setattr(ttfonts, "makeToUnicodeCMap", writer)
    with pytest.raises(ReportlabPatchError, match=message) as err:
        _rl_patch.apply()
    assert "pyproject.toml" in str(err.value)
    assert ttfonts.makeToUnicodeCMap is writer  # left alone, not half-patched


def test_writer_no_longer_called_as_a_module_global_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ttfonts, "makeToUnicodeCMap", ORIGINAL)
    monkeypatch.setattr(ttfonts.TTFont, "addObjects", lambda self, doc: None)
    with pytest.raises(ReportlabPatchError, match="nothing in reportlab calls"):
        _rl_patch.apply()
    assert ttfonts.makeToUnicodeCMap is ORIGINAL
